using BertNotebooks.Checkpoints;
using BertNotebooks.Data;
using BertNotebooks.Serve;
using BertNotebooks.Tokenization;
using Xunit.Abstractions;

namespace BertNotebooks.Tests.Tokenization;

/// <summary>
/// The deployed tokenizer (samples/serve: Microsoft.ML.Tokenizers' BertTokenizer from the saved vocab.txt and
/// tokenizer_config.json) against the library's encoder, which matches Hugging Face's BertTokenizerFast, on every
/// cleaned 20 Newsgroups post, both truncated to 512 tokens as training does. BertTokenizer's own normalizer and
/// pre-tokenizer change ids on most posts (see samples/serve/HfBertNormalizer.cs); the sample gives it Hugging Face's.
/// </summary>
public class MlTokenizersAgreementTests(ITestOutputHelper output)
{
    [SharedDataFact("20news-bydate.tar.gz")]
    public void BertTokenizer_gives_the_library_ids_on_every_20_newsgroups_post()
    {
        var source = Environment.GetEnvironmentVariable("BERTNB_20NG") is { Length: > 0 } set ? set : Shared.Data("20news-bydate.tar.gz");
        var posts = Newsgroups.Load(NewsgroupsSubset.All, new NewsgroupsOptions { LocalSource = source, AllowDownload = false })
            .Examples.Select(e => e.Text).ToList();
        using var folder = new ModelFolder();
        TokenizerFiles.Write(folder.Path, Shared.Data("bert-base-uncased-vocab.txt"), doLowerCase: true);
        var library = BertTextEncoder.FromFolder(folder.Path);
        var deployed = TextClassifier.LoadTokenizer(folder.Path);

        var ours = library.EncodeBatch(posts, BertTextEncoder.MaxSupportedLength);
        var theirs = new int[posts.Count][];
        Parallel.For(0, posts.Count, i => theirs[i] = TextClassifier.Encode(deployed, posts[i], BertTextEncoder.MaxSupportedLength));

        var differences = Enumerable.Range(0, posts.Count).Where(i => !ours[i].InputIds.SequenceEqual(theirs[i])).ToList();
        output.WriteLine($"Microsoft.ML.Tokenizers 3.0.0 BertTokenizer: {posts.Count - differences.Count} of {posts.Count} posts " +
            "give the library's ids");
        foreach (var i in differences.Take(20))
        {
            var (a, b) = (ours[i].InputIds, theirs[i]);
            int at = 0;
            while (at < Math.Min(a.Length, b.Length) && a[at] == b[at]) at++;
            string Around(int[] ids) => string.Join(" ", ids.Skip(Math.Max(0, at - 3)).Take(7).Select(library.TokenOf));
            output.WriteLine($"post {i}: at token {at}: library [{Around(a)}] vs BertTokenizer [{Around(b)}]");
        }
        Assert.Empty(differences);
    }
}
