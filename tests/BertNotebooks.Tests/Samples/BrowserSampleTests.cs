using System.Text.Json;
using Xunit.Abstractions;

namespace BertNotebooks.Tests.Samples;

/// <summary>
/// samples/browser in real headless Chromium: the page, its vendored transformers.js and the exported model folder served
/// on loopback; the page classifies validation posts and shows its answers in the DOM, which must equal the library's.
/// </summary>
[Collection(SamplesCollection.Name)]
public sealed class BrowserSampleTests(SmokeModel model, ITestOutputHelper output)
{
    internal static string PageFolder => Path.Combine(BertPaths.RepositoryRoot ?? ".", "samples", "browser");
    internal static string Library => Path.Combine(PageFolder, "vendor", "transformers.min.js");
    internal const string VendorHint = "run `npm ci && npm run vendor` in samples/browser (.ci/run does; it needs node)";

    [BrowserSampleFact]
    public async Task The_page_gives_the_library_labels_and_scores_for_validation_posts()
    {
        Assert.True(File.Exists(Library), $"{Library} is missing: {VendorHint}.");
        using var server = new StaticFileServer(
            new Dictionary<string, string> { ["/"] = PageFolder, ["/models/model/"] = model.Folder },
            new Dictionary<string, byte[]> { ["/posts.json"] = JsonSerializer.SerializeToUtf8Bytes(model.Posts) });
        var json = await HeadlessChromium.WaitForTextAsync(server.Url("/index.html?texts=posts.json"), "results", TimeSpan.FromMinutes(3));

        Assert.False(json.Contains("\"error\""), $"The page could not classify: {json}");
        var answers = JsonSerializer.Deserialize<List<List<LabelScore>>>(json, JsonSerializerOptions.Web)!;
        Assert.Equal(model.Posts.Count, answers.Count);
        // A post cut at 512 tokens loses its final [SEP] in transformers.js 4.3.1, which truncates after adding [CLS] and
        // [SEP] (transformers keeps it, as the library does): those get the 1e-3 of the brief, every other post 1e-5.
        var largest = answers.Select((answer, i) => (model.Expected[i].Truncated, Difference: SampleAnswers.AssertSame(
            model.Expected[i], answer, tolerance: model.Expected[i].Truncated ? 1e-3 : 1e-5, $"post {i}"))).ToList();
        output.WriteLine($"samples/browser in {Path.GetFileName(HeadlessChromium.Executable)}: {answers.Count} of {model.Posts.Count} " +
            "validation posts answered as the library's Predictor, labels in order; largest score difference " +
            $"{largest.Where(d => !d.Truncated).Max(d => d.Difference):E1} (tolerance 1e-5), and " +
            $"{largest.Where(d => d.Truncated).DefaultIfEmpty().Max(d => d.Difference):E1} on the {largest.Count(d => d.Truncated)} " +
            "posts cut at 512 tokens (tolerance 1e-3)");
    }
}

/// <summary>
/// A fact that needs the smoke model, Chromium and the page's vendored scripts (npm ci and npm run vendor in
/// samples/browser): skipped with the reason where one is missing, unless CI=true (then it fails).
/// </summary>
public sealed class BrowserSampleFactAttribute : FactAttribute
{
    public BrowserSampleFactAttribute()
    {
        if (Shared.IsCi) return;
        Skip = SmokeModel.MissingReason
            ?? (HeadlessChromium.Executable is null
                ? "Chromium is not installed (apt-get install -y chromium; .ci/run installs it)."
                : null)
            ?? (File.Exists(BrowserSampleTests.Library) ? null : $"samples/browser/vendor is empty: {BrowserSampleTests.VendorHint}.");
    }
}
