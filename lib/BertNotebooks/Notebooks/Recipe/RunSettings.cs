using System.Text.Json.Serialization;
using BertNotebooks.Kernels;
using BertNotebooks.Pretrained;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;

namespace BertNotebooks.Recipe;

/// <summary>
/// Everything one run of the recipe needs, shared by the notebooks and <c>bertnb train</c>: the settings its run record
/// (<see cref="RunRecord"/>, run.json) holds. Notebooks, apps and the CLI get them from <see cref="Open"/> (the run's
/// record, else the profile, with their parameters over it); code may start from a profile (<see cref="For"/>) and change
/// what it likes with <c>with { }</c>. The run folder (<see cref="RunDir"/>) is where the stages hand files to each other.
/// </summary>
public sealed record RunSettings
{
    /// <summary>The Trainer's own defaults (Hugging Face's), where a run's default is the same.</summary>
    static readonly TrainingArguments Hf = new();

    public required string Profile { get; init; }
    /// <summary>"20newsgroups" or a dataset spec such as
    /// "reviews.csv?text=review&amp;label=stars" (see
    /// <see cref="Data.DatasetSpec"/>).</summary>
    public string Dataset { get; init; } = Data.DatasetSpec.NewsgroupsName;
    public string Model { get; init; } = PretrainedModels.OfflineDefault;
    /// <summary>Tokens per document, [CLS] and [SEP] included; above the model's limit it is clamped to it
    /// (<see cref="BertTextEncoder.FitMaxLength"/>).</summary>
    public int MaxLength { get; init; } = Hf.MaxLength;
    public double Epochs { get; init; } = Hf.NumTrainEpochs;
    /// <summary>When positive, stop after this many optimizer steps whatever <see cref="Epochs"/> says.</summary>
    public int MaxSteps { get; init; } = Hf.MaxSteps;
    public int BatchSize { get; init; } = Hf.PerDeviceTrainBatchSize;
    public double LearningRate { get; init; } = Hf.LearningRate;
    /// <summary>"linear" (the tutorial's, HF's default), "cosine", "constant" or "constant_with_warmup":
    /// <see cref="TrainingArguments.LrSchedulerType"/>.</summary>
    public string LrSchedulerType { get; init; } = Hf.LrSchedulerType;
    public int WarmupSteps { get; init; } = 500;
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Evaluate (and save a checkpoint) every this many steps; 0: once per epoch.</summary>
    public int EvalSteps { get; init; } = 400;
    public int LoggingSteps { get; init; } = 50;
    /// <summary>Train on at most this many documents (a seeded sample); null: all.</summary>
    public int? MaxTrainDocs { get; init; }
    public int? MaxEvalDocs { get; init; }
    public double ValidationFraction { get; init; } = 0.2;
    public int Seed { get; init; } = Hf.Seed;
    /// <summary>"auto" (CUDA when available), "cpu", "cuda" or "cuda:N". It may differ between the stages of a run.</summary>
    public string Device { get; init; } = Hf.Device;
    /// <summary>"auto" (bf16 where the hardware has bf16 units), "fp32" or "bf16": <see cref="TrainingArguments.Precision"/>.</summary>
    public string Precision { get; init; } = Hf.Precision;
    /// <summary>The speed kernels (the Kernels folder: faster dropout masks, a one-pass AdamW, bf16 mixed precision); false:
    /// plain TorchSharp, slower, fp32 only, with other dropout masks (so another run).</summary>
    public bool UseKernels { get; init; } = true;
    /// <summary>Batches of similar lengths with dynamic padding; false pads every
    /// document to <see cref="MaxLength"/>, as the tutorial.</summary>
    public bool GroupByLength { get; init; } = true;
    public string MetricForBestModel { get; init; } = "accuracy";
    /// <summary>Leave out own-data rows that cannot be read (listed in the split's Skipped) instead of stopping at the first.</summary>
    public bool SkipBadRows { get; init; }
    /// <summary>The run folder: a name under data/runs (the profile's, by default) or an absolute path.</summary>
    public string? RunName { get; init; }

    public static IReadOnlyList<string> Profiles => ProfileNames.All;

    /// <summary>
    /// A notebook's (or an app's, or the CLI's) settings: the run's record (run.json) where the run has one, else the profile
    /// (its parameter, else the series' one: <see cref="SeriesProfile"/>), then each of <paramref name="parameters"/> that is
    /// set (not null, not empty) by name: <c>new { maxLength, learningRate }</c> sets <see cref="MaxLength"/> and
    /// <see cref="LearningRate"/>. A parameter that contradicts the record is an error naming both values and the way out
    /// (<see cref="RunRecord.Resolve"/>); <paramref name="resume"/> false starts the run over instead (the stage that writes
    /// moves a finished run aside). 01-data passes <paramref name="startsRun"/>: it makes the data, so it may redo it while
    /// no training has used it.
    /// </summary>
    public static RunSettings Open(string? profile, string? runName, object? parameters = null, bool resume = true,
        bool startsRun = false) =>
        RunRecord.Resolve(profile, runName, RunParameters.From(parameters), resume, startsRun);

    /// <summary>
    /// smoke: a tiny subset for tests (all seven notebooks in a few minutes on a CPU). quick: the README's main job, MiniLM on a
    /// subset, on a laptop CPU. full: the tutorial's recipe (all data, max length 512, 3 epochs, eval every 400 steps),
    /// meant for a GPU.
    /// </summary>
    public static RunSettings For(string profile) => profile.Trim().ToLowerInvariant() switch
    {
        "smoke" => new RunSettings
        {
            Profile = "smoke", MaxLength = 64, Epochs = 1, BatchSize = 8, LearningRate = 1e-4, WarmupSteps = 2,
            EvalSteps = 4, LoggingSteps = 2, MaxTrainDocs = 64, MaxEvalDocs = 32,
        },
        "quick" => new RunSettings
        {
            Profile = "quick", MaxLength = 128, Epochs = 1, BatchSize = 16, LearningRate = 2e-4, WarmupSteps = 30,
            EvalSteps = 150, LoggingSteps = 20, MaxTrainDocs = 9600, MaxEvalDocs = 1000,
        },
        "full" => new RunSettings { Profile = "full" },
        _ => throw new ArgumentException($"Unknown profile '{profile}'. Use one of: {string.Join(", ", Profiles)}.", nameof(profile)),
    };

    /// <summary>What the Trainer and the Predictor take for <see cref="UseKernels"/>: the CPU kernels, or null.</summary>
    [JsonIgnore] public IKernels? Kernels => UseKernels ? CpuKernels.Instance : null;

    [JsonIgnore] public string RunDir => BertPaths.RunDir(RunName ?? Profile);
    [JsonIgnore] public string SplitPath => Path.Combine(RunDir, Data.DatasetSplits.FileName);
    [JsonIgnore] public string CheckpointsDir => Path.Combine(RunDir, "checkpoints");
    [JsonIgnore] public string BestModelDir => Path.Combine(RunDir, "best-model");
    [JsonIgnore] public string TrainerStatePath => Path.Combine(RunDir, "trainer_state.json");
    [JsonIgnore] public string MetricsPath => Path.Combine(RunDir, "metrics.json");
    [JsonIgnore] public string RecordPath => Path.Combine(RunDir, RunRecord.FileName);

    /// <summary>
    /// The Trainer's arguments for this run, the one mapping from a run's settings to Hugging Face's names: the tutorial's
    /// <c>TrainingArguments(...)</c> line by line (its Python in the comments; the <c>full</c> profile is its recipe), then
    /// what it leaves at HF's defaults and this series sets. With the model's <paramref name="tokenizer"/>, a max length
    /// beyond the model's limit is clamped to it, said once to <paramref name="log"/> (<see cref="BertTextEncoder.FitMaxLength"/>).
    /// </summary>
    public TrainingArguments ToTrainingArguments(BertTextEncoder? tokenizer = null, IProgress<string>? log = null)
    {
        var strategy = EvalSteps > 0 ? IntervalStrategy.Steps : IntervalStrategy.Epoch;
        return new TrainingArguments
        {
            OutputDir = CheckpointsDir,                 // output_dir='./results': the run folder's checkpoints/
            NumTrainEpochs = Epochs,                    // num_train_epochs=3
            PerDeviceTrainBatchSize = BatchSize,        // per_device_train_batch_size=8
            PerDeviceEvalBatchSize = 2 * BatchSize,     // per_device_eval_batch_size=20: here twice the training batch
            WarmupSteps = WarmupSteps,                  // warmup_steps=500
            WeightDecay = WeightDecay,                  // weight_decay=0.01 (not on biases and LayerNorm weights)
                                                        // logging_dir='./logs': none, the log is trainer_state.json's
            LoadBestModelAtEnd = true,                  // load_best_model_at_end=True
            LoggingSteps = LoggingSteps,                // logging_steps=400: here the profile's, for smoother curves
            SaveSteps = EvalSteps,                      // save_steps=400
            EvalSteps = EvalSteps,                      // (eval_steps: HF falls back to logging_steps)
            EvalStrategy = strategy,                    // evaluation_strategy="steps"
            SaveStrategy = strategy,                    // (save_strategy="steps", HF's default)
            // What the tutorial leaves at HF's defaults, and what this series sets besides:
            LearningRate = LearningRate,                // learning_rate=5e-5
            LrSchedulerType = LrSchedulerType,          // lr_scheduler_type="linear"
            MaxSteps = MaxSteps,                        // max_steps=-1: the epochs decide
            Seed = Seed,                                // seed=42
            MetricForBestModel = MetricForBestModel,    // "accuracy"; the tutorial keeps HF's default, the validation loss
            SaveTotalLimit = 2,                         // keep the last two checkpoints (and the best)
            MaxLength = tokenizer?.FitMaxLength(MaxLength, log) ?? MaxLength, // the tokenizer's max_length=512
            PadTokenId = tokenizer?.PadTokenId ?? Hf.PadTokenId, // (the data collator's padding, from the tokenizer)
            GroupByLength = GroupByLength,              // differs: batches of similar lengths, each padded to its longest
                                                        // (rounded up to a multiple of 8: PadToMultipleOf, left at its default)
            Padding = GroupByLength ? Tokenization.Padding.Longest : Tokenization.Padding.MaxLength, // the tutorial pads all
            Device = Device,                            // HF picks the GPU when there is one
            Precision = Precision,                      // bf16=True, chosen by the hardware when "auto"
        };
    }
}
