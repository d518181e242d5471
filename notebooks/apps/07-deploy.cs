#:project ../../lib/BertNotebooks/BertNotebooks.csproj
#:package Microsoft.ML.Tokenizers
#:package Microsoft.ML.OnnxRuntime
#:property PicksTorchBackend=true
#:property PublishAot=false
// Generated from notebooks/07-deploy.ipynb by `dotnet run --project lib/BertNotebooks.Cli -- export-apps`:
// edit the notebook, then re-export. Run from anywhere: dotnet run notebooks/apps/07-deploy.cs [-- --help]
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
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

return NotebookApp.Run(args, ["profile", "runName", "modelFolder", "parityDocuments"], Cells);

void Cells(NotebookApp notebookApp)
{
    // ---- cell 1 ----
    // # 07 · Deploy: the model without LibTorch
    //
    // TorchSharp trains the model, and it brings LibTorch along: hundreds of megabytes of native code. An app that only
    // classifies needs the forward pass and nothing else. The ecosystem's way there is **ONNX**, an open file format
    // for a network's graph and weights, run by **ONNX Runtime**, Microsoft's inference engine, one NuGet package.
    // Hugging Face's ONNX tools write `onnx/model.onnx` beside `config.json`; this notebook writes the same file from
    // C#, with no Python, and checks that ONNX Runtime gives the same answers as TorchSharp.
    //
    // **Needs:** `best-model/` from `04-training` (or any folder given as `modelFolder`). **Makes:**
    // `best-model/onnx/model.onnx` (and `tokenizer.json`, if the folder was saved before the library wrote it).
    //
    // **You will be able to:** export a fine-tuned BERT classifier to ONNX; check an export against the original on
    // validation documents, logit by logit; compare the files' sizes and the two engines' speed; write the few lines an
    // app needs: Microsoft.ML.Tokenizers' `BertTokenizer` and an ONNX Runtime session.
    //
    // **Time:** seconds in the smoke profile; in `quick`, under a minute (256 validation texts go through both
    // engines).
    ConsoleDisplay.Heading("07 · Deploy: the model without LibTorch");

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
    string? modelFolder = null;  // null: the run's best model
    int? parityDocuments = 256;  // validation texts the two engines are compared on; null: all of them
    // The command line sets them: --profile VALUE, --run-name VALUE, --model-folder VALUE, ...
    profile = notebookApp.Parameter("profile", profile);
    runName = notebookApp.Parameter("runName", runName);
    modelFolder = notebookApp.Parameter("modelFolder", modelFolder);
    parityDocuments = notebookApp.Parameter("parityDocuments", parityDocuments);

    // ---- cell 6 ----
    var run = RunSettings.Open(profile, runName);  // the run's settings, from its run.json
    var bestModel = modelFolder ?? RecipeStages.RequireBestModel(run);
    ConsoleDisplay.Show(BertPaths.ForDisplay(bestModel));

    // ---- cell 7 ----
    // ## Export to ONNX
    // An ONNX file is a graph of standard operators (`MatMul`, `Add`, `LayerNormalization`, `Softmax`, `Erf` for the
    // exact GELU) with the weights inside it. `OnnxExport` reads the folder's `model.safetensors` and writes the graph
    // module by module, in the order of `forward`: embeddings, the encoder layers (the last for `[CLS]`'s row alone, as
    // the library's classifier computes it: 03-model shows why), the pooler's `tanh` on `[CLS]`, the classifier.
    // Dropout is gone: this is the model in eval mode. The inputs are the three tensors the tokenizer makes,
    // `input_ids`, `attention_mask` and `token_type_ids`, each with two named axes, `batch_size` and `sequence_length`,
    // so one file takes any number of texts of any length; the output is `logits`.
    ConsoleDisplay.Heading("Export to ONNX");

    // ---- cell 8 ----
    var onnxPath = OnnxExport.Export(bestModel);
    ConsoleDisplay.Show(DeployViews.Files(bestModel));

    // ---- cell 9 ----
    // `model.onnx` is about as large as `model.safetensors`: the same float32 weights, plus a small graph.
    // `tokenizer.json` is the whole tokenizer in the format that Hugging Face's `tokenizers`, transformers.js and
    // `AutoTokenizer` read first: lower-casing, splitting on spaces and punctuation, WordPiece with this vocabulary,
    // `[CLS] … [SEP]` around the text.
    //
    // The graph's operators, counted. Each encoder layer adds the same handful: three projections and a `Softmax` for
    // attention, two `LayerNormalization`s, the GELU's `Erf`.

    // ---- cell 10 ----
    ConsoleDisplay.Show(DeployViews.Operators(onnxPath));

    // ---- cell 11 ----
    // ## Does ONNX Runtime agree with TorchSharp?
    // The check that matters: the same texts through both engines. The library tokenizes the first `parityDocuments`
    // validation texts once (256 by default: a random sample, since the split is random; `null` takes all of them,
    // which at the full profile's 512 tokens takes minutes); TorchSharp and ONNX Runtime each run the same batches
    // (sorted by length, padded to the longest text of each batch), and we compare every logit. Float32 arithmetic done
    // in a different order rounds differently, so the logits differ in the last digits; a wrong graph (a missing mask,
    // a transposed weight) would differ by whole units. The same table times both engines on the same texts.
    ConsoleDisplay.Heading("Does ONNX Runtime agree with TorchSharp?");

    // ---- cell 12 ----
    var validation = RecipeStages.LoadSplits(run).Validation.Examples.Select(e => e.Text).Take(parityDocuments ?? int.MaxValue).ToList();
    var parity = OnnxParity.Compare(bestModel, validation, run.MaxLength);
    ConsoleDisplay.Show(DeployViews.Parity(parity));

    // ---- cell 13 ----
    ConsoleDisplay.Show(parity.MaxAbsDifference <= 1e-4 && parity.AllSameClass
        ? $"The export agrees: every logit within 1e-4, the same class for all {parity.Documents} documents."
        : $"The export disagrees: {parity}");

    // ---- cell 14 ----
    // ## In an app: Microsoft.ML.Tokenizers and ONNX Runtime
    // A deployed app needs neither this library nor TorchSharp: two packages do it. **Microsoft.ML.Tokenizers** (the
    // tokenizers .NET maintains) has a `BertTokenizer` built from `vocab.txt`; its options mirror
    // `tokenizer_config.json`. **Microsoft.ML.OnnxRuntime** runs `model.onnx`. The cell below loads both from NuGet, as
    // an app's project file would.
    ConsoleDisplay.Heading("In an app: Microsoft.ML.Tokenizers and ONNX Runtime");

    // ---- cell 15 ----
    // #r "nuget: Microsoft.ML.Tokenizers, 3.0.0": the #:package line at the top of this file
    // #r "nuget: Microsoft.ML.OnnxRuntime, 1.32.0": the #:package line at the top of this file
    // using Microsoft.ML.OnnxRuntime; (at the top of this file)
    // using Microsoft.ML.Tokenizers; (at the top of this file)

    // ---- cell 16 ----
    var lowerCase = BertTextEncoder.FromFolder(bestModel).DoLowerCase;  // tokenizer_config.json's do_lower_case
    var appTokenizer = BertTokenizer.Create(Path.Combine(bestModel, "vocab.txt"),
        new BertOptions { LowerCaseBeforeTokenization = lowerCase, RemoveNonSpacingMarks = lowerCase });  // uncased BERT drops accents
    var session = new InferenceSession(onnxPath);
    var classNames = BertConfig.Load(Path.Combine(bestModel, "config.json")).ClassNames;

    // ---- cell 17 ----
    // Classifying one text is the tutorial's `get_prediction` again: token ids with `[CLS]` and `[SEP]` (cut to the max
    // length, keeping `[SEP]` last), a mask of ones, segment ids of zeros, each shaped (1, T); then `logits`, softmax,
    // argmax.

    // ---- cell 18 ----
    (string Label, float Probability) Classify(string text)
    {
        var ids = appTokenizer.EncodeToIds(text).Select(id => (long)id).ToList();  // [CLS] … [SEP]
        if (ids.Count > run.MaxLength) ids = [.. ids.Take(run.MaxLength - 1), ids[^1]];
        long[] shape = [1, ids.Count];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids.ToArray(), shape);
        using var attentionMask = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, ids.Count).ToArray(), shape);
        using var tokenTypeIds = OrtValue.CreateTensorValueFromMemory(new long[ids.Count], shape);
        var inputs = new Dictionary<string, OrtValue>
            { ["input_ids"] = inputIds, ["attention_mask"] = attentionMask, ["token_type_ids"] = tokenTypeIds };
        using var outputs = session.Run(new RunOptions(), inputs, ["logits"]);
        var probabilities = Logits.Softmax(outputs[0].GetTensorDataAsSpan<float>().ToArray());  // (C)
        var best = Logits.ArgMax(probabilities);
        return (classNames[best], probabilities[best]);
    }
    var (label, probability) = Classify("The shuttle launch was delayed by a leak in the fuel line.");
    ConsoleDisplay.Show($"{label} ({probability:F3})");

    // ---- cell 19 ----
    // The app's answers beside the library's `Predictor` on a few validation texts. Where a probability differs in the
    // third digit, the two tokenizers gave that text different ids (Microsoft.ML.Tokenizers' basic tokenization differs
    // from Hugging Face's on some characters); the same ids give the same logits, as the check above showed.

    // ---- cell 20 ----
    var predictor = Predictor.Load(bestModel, "cpu", run.MaxLength);
    var sample = validation.Take(5).ToList();
    var answers = sample.Zip(predictor.PredictBatch(sample), (text, library) => (App: Classify(text), Library: library)).ToList();
    ConsoleDisplay.Show(string.Join("\n", answers.Select(a =>
        $"app: {a.App.Label} {a.App.Probability:F4} · Predictor: {a.Library.LabelName} {a.Library.Confidence:F4}")));

    // ---- cell 21 ----
    // `samples/serve` in the repository is this code as an ASP.NET Core service, and `samples/browser` runs the same
    // folder in a web page with transformers.js, which reads `tokenizer.json` and `onnx/model.onnx` directly. From the
    // command line, `bertnb export --run-name NAME` writes the file, and `bertnb predict --run-name NAME "some text"`
    // classifies.

    // ---- cell 22 ----
    // ## What just happened
    // - `OnnxExport.Export` wrote the fine-tuned model as an ONNX graph from C#: standard operators, the weights
    //   inside, dynamic batch and sequence axes, in Hugging Face's layout (`onnx/model.onnx` beside `config.json`).
    // - ONNX Runtime and TorchSharp gave the same predicted class for the validation documents, with logits that differ
    //   only by float32 rounding; the table above has this run's figures, including each engine's speed.
    // - An app needs two packages, Microsoft.ML.Tokenizers and ONNX Runtime, and a dozen lines: tokenize, three (1, T)
    //   tensors, run, softmax.

    // ---- cell 23 ----
    // ## Try it
    // 1. Export, then run the parity check with `batchSize: 1` (`OnnxParity.Compare(bestModel, validation,
    //    run.MaxLength, batchSize: 1)`). Does the largest difference change? Why might it?
    //
    //    <details><summary>A solution</summary>
    //
    //    With one text per batch there is no padding, so the masked positions never enter a sum; the difference stays
    //    at float32 rounding, and may move a little, because matrix products of other shapes add in another order. The
    //    predicted classes stay the same.
    //
    //    </details>
    //
    // 2. Find the class of a text with `Classify` and with `predictor.Predict`, for a text longer than the max length.
    //    Do they still agree?
    //
    //    <details><summary>A solution</summary>
    //
    //    Yes: both keep the first `MaxLength - 1` tokens and end with `[SEP]`, so both engines see the same ids. Remove
    //    the truncation line in `Classify` and they part: the app then reads more of the text than `Predictor` does,
    //    and past `max_position_embeddings` (512) tokens the session fails, as the position table has no row for the
    //    extra positions.
    //
    //    </details>
    //
    // 3. Time `Classify` on 200 texts one by one, then think how to batch them: what must the app add to feed several
    //    texts of different lengths in one run?
    //
    //    <details><summary>A solution</summary>
    //
    //    Pad each text's ids to the longest in the batch with `[PAD]` (id 0), set `attention_mask` to 0 on the padding,
    //    and shape the three tensors (B, T). `OnnxRuntimeClassifier` in the library does exactly this; batching by
    //    length keeps the padding small.
    //
    //    </details>
}
