using BertNotebooks.Pretrained;
using BertNotebooks.Training;

namespace BertNotebooks.Recipe;

/// <summary>
/// Everything one run of the recipe needs, shared by the notebooks and <c>bertnb train</c>. Start from a profile
/// (<see cref="For"/>), change what you like with <see cref="With"/> or <c>with { }</c>. The run folder
/// (<see cref="RunDir"/>) is where the stages hand files to each other.
/// </summary>
public sealed record RunSettings
{
    public required string Profile { get; init; }
    /// <summary>"20newsgroups" or a dataset spec such as
    /// "reviews.csv?text=review&amp;label=stars" (see
    /// <see cref="Data.DatasetSpec"/>).</summary>
    public string Dataset { get; init; } = Data.DatasetSpec.NewsgroupsName;
    public string Model { get; init; } = PretrainedModels.OfflineDefault;
    public int MaxLength { get; init; } = 512;
    public double Epochs { get; init; } = 3;
    /// <summary>When positive, stop after this many optimizer steps whatever <see cref="Epochs"/> says.</summary>
    public int MaxSteps { get; init; } = -1;
    public int BatchSize { get; init; } = 8;
    public double LearningRate { get; init; } = 5e-5;
    /// <summary>"linear" (the tutorial's, HF's default), "cosine", "constant" or "constant_with_warmup":
    /// <see cref="TrainingArguments.LrSchedulerType"/>.</summary>
    public string LrSchedulerType { get; init; } = LearningRateSchedule.Linear;
    public int WarmupSteps { get; init; } = 500;
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Evaluate (and save a checkpoint) every this many steps; 0: once per epoch.</summary>
    public int EvalSteps { get; init; } = 400;
    public int LoggingSteps { get; init; } = 50;
    /// <summary>Train on at most this many documents (a seeded sample); null: all.</summary>
    public int? MaxTrainDocs { get; init; }
    public int? MaxEvalDocs { get; init; }
    public double ValidationFraction { get; init; } = 0.2;
    public int Seed { get; init; } = 42;
    public string Device { get; init; } = "auto";
    /// <summary>"auto" (bf16 where the hardware has bf16 units), "fp32" or "bf16": <see cref="TrainingArguments.Precision"/>.</summary>
    public string Precision { get; init; } = PrecisionChoice.Auto;
    /// <summary>Batches of similar lengths with dynamic padding; false pads every
    /// document to <see cref="MaxLength"/>, as the tutorial.</summary>
    public bool GroupByLength { get; init; } = true;
    public string MetricForBestModel { get; init; } = "accuracy";
    /// <summary>Dynamic padding with <see cref="GroupByLength"/>, else every batch padded to <see cref="MaxLength"/>.</summary>
    public Tokenization.Padding Padding => GroupByLength ? Tokenization.Padding.Longest : Tokenization.Padding.MaxLength;
    /// <summary>Leave out own-data rows that cannot be read (listed in the split's Skipped) instead of stopping at the first.</summary>
    public bool SkipBadRows { get; init; }
    /// <summary>The run folder: a name under data/runs (the profile's, by default) or an absolute path.</summary>
    public string? RunName { get; init; }

    public static IReadOnlyList<string> Profiles => ProfileNames.All;

    /// <summary>The notebooks' entry: the profile from their parameter, else the series' one (<see cref="SeriesProfile"/>).</summary>
    public static RunSettings ForSeries(string? profile) => For(SeriesProfile.Resolve(profile).Profile);

    /// <summary>
    /// smoke: a tiny subset for tests (all six notebooks in about two minutes). quick: the README's main job, MiniLM on a
    /// subset, on a laptop CPU in about 15 minutes. full: the tutorial's recipe (all data, max length 512, 3 epochs, eval
    /// every 400 steps), meant for a GPU.
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

    /// <summary>The same settings with the given values replaced; null (or empty) keeps the profile's. For notebook parameters.</summary>
    public RunSettings With(string? dataset = null, string? model = null, int? maxLength = null, double? epochs = null,
        int? batchSize = null, double? learningRate = null, int? seed = null, string? device = null, int? maxTrainDocs = null,
        string? runName = null, int? warmupSteps = null, double? weightDecay = null, int? evalSteps = null, bool? skipBadRows = null,
        string? precision = null, string? lrSchedulerType = null) => this with
        {
            Dataset = string.IsNullOrWhiteSpace(dataset) ? Dataset : dataset,
            Model = string.IsNullOrWhiteSpace(model) ? Model : model,
            MaxLength = maxLength ?? MaxLength,
            Epochs = epochs ?? Epochs,
            BatchSize = batchSize ?? BatchSize,
            LearningRate = learningRate ?? LearningRate,
            Seed = seed ?? Seed,
            Device = string.IsNullOrWhiteSpace(device) ? Device : device,
            MaxTrainDocs = maxTrainDocs ?? MaxTrainDocs,
            RunName = string.IsNullOrWhiteSpace(runName) ? RunName : runName,
            WarmupSteps = warmupSteps ?? WarmupSteps,
            WeightDecay = weightDecay ?? WeightDecay,
            EvalSteps = evalSteps ?? EvalSteps,
            SkipBadRows = skipBadRows ?? SkipBadRows,
            Precision = string.IsNullOrWhiteSpace(precision) ? Precision : precision,
            LrSchedulerType = string.IsNullOrWhiteSpace(lrSchedulerType) ? LrSchedulerType : lrSchedulerType,
        };

    public string RunDir => BertPaths.RunDir(RunName ?? Profile);
    public string SplitPath => Path.Combine(RunDir, Data.DatasetSplits.FileName);
    public string CheckpointsDir => Path.Combine(RunDir, "checkpoints");
    public string BestModelDir => Path.Combine(RunDir, "best-model");
    public string TrainerStatePath => Path.Combine(RunDir, "trainer_state.json");
    public string MetricsPath => Path.Combine(RunDir, "metrics.json");

    /// <summary>The Trainer's arguments for this run: evaluation and saving together, the best model reloaded at the end.</summary>
    public TrainingArguments ToTrainingArguments()
    {
        var strategy = EvalSteps > 0 ? IntervalStrategy.Steps : IntervalStrategy.Epoch;
        return new TrainingArguments
        {
            OutputDir = CheckpointsDir,
            NumTrainEpochs = Epochs,
            MaxSteps = MaxSteps,
            PerDeviceTrainBatchSize = BatchSize,
            PerDeviceEvalBatchSize = 2 * BatchSize,
            LearningRate = LearningRate,
            LrSchedulerType = LrSchedulerType,
            WarmupSteps = WarmupSteps,
            WeightDecay = WeightDecay,
            LoggingSteps = LoggingSteps,
            EvalStrategy = strategy,
            EvalSteps = EvalSteps,
            SaveStrategy = strategy,
            SaveSteps = EvalSteps,
            SaveTotalLimit = 2,
            LoadBestModelAtEnd = true,
            MetricForBestModel = MetricForBestModel,
            Seed = Seed,
            GroupByLength = GroupByLength,
            Padding = Padding,
            MaxLength = MaxLength,
            Device = Device,
            Precision = Precision,
        }.Validate();
    }
}
