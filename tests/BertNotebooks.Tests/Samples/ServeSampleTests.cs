using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace BertNotebooks.Tests.Samples;

/// <summary>samples/serve as a process on loopback: its answers against the library's Predictor, and bad input.</summary>
[Collection(SamplesCollection.Name)]
public sealed class ServeSampleTests(SmokeModel model, ITestOutputHelper output)
{
    sealed record Answer(List<LabelScore> Predictions);

    [SmokeModelFact]
    public async Task Answers_equal_the_library_Predictor_on_validation_posts()
    {
        using var serve = await ServeProcess.StartAsync(model.Folder);
        double largest = 0;
        for (int i = 0; i < model.Posts.Count; i++)
        {
            using var response = await serve.Client.PostAsJsonAsync("/classify", new { text = model.Posts[i] });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = await response.Content.ReadFromJsonAsync<Answer>(JsonSerializerOptions.Web);
            largest = Math.Max(largest, SampleAnswers.AssertSame(model.Expected[i], answer!.Predictions, tolerance: 1e-4, $"post {i}"));
        }
        Assert.Contains(model.Expected, p => p.Truncated); // the 512-token cut is compared too
        output.WriteLine($"samples/serve: {model.Posts.Count} of {model.Posts.Count} validation posts answered as the library's " +
            $"Predictor ({model.Expected.Count(p => p.Truncated)} cut at 512 tokens): labels in order, " +
            $"largest score difference {largest:E1} (tolerance 1e-4)");
    }

    [SmokeModelFact]
    public async Task Bad_requests_get_a_4xx_with_a_json_message_and_the_service_goes_on()
    {
        using var serve = await ServeProcess.StartAsync(model.Folder);
        (string What, HttpContent Body, HttpStatusCode Status)[] cases =
        [
            ("an empty body", Json(""), HttpStatusCode.BadRequest),
            ("a body that is not JSON", Json("text=hello"), HttpStatusCode.BadRequest),
            ("JSON without text", Json("""{"txt": "hello"}"""), HttpStatusCode.BadRequest),
            ("text that is not a string", Json("""{"text": 42}"""), HttpStatusCode.BadRequest),
            ("JSON null", Json("null"), HttpStatusCode.BadRequest),
            ("a 1 MB text", Json(OneMegabyteText('a')), HttpStatusCode.RequestEntityTooLarge),
            ("plain text", new StringContent("hello", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType),
            ("no content type", new ByteArrayContent("""{"text": "hello"}"""u8.ToArray()), HttpStatusCode.UnsupportedMediaType),
        ];
        foreach (var (what, body, status) in cases)
        {
            using var response = await serve.Client.PostAsync("/classify", body);
            var text = await response.Content.ReadAsStringAsync();
            output.WriteLine($"{what}: {(int)response.StatusCode} {text}");
            Assert.True(status == response.StatusCode, $"{what}: {(int)response.StatusCode} {text}, expected {(int)status}");
            using var json = JsonDocument.Parse(text);
            Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("error").GetString()), what);
        }
        // A 1 MB text without a Content-Length (chunked) is cut off by Kestrel's limit while it is read.
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(OneMegabyteText('b'))));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/classify") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using (var response = await serve.Client.SendAsync(request))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        using var good = await serve.Client.PostAsJsonAsync("/classify", new { text = "" });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var answer = await good.Content.ReadFromJsonAsync<Answer>(JsonSerializerOptions.Web);
        Assert.Equal(model.Expected[0].Probabilities.Count, answer!.Predictions.Count);
    }

    [SmokeModelFact]
    public async Task A_missing_model_folder_or_file_stops_it_at_start_with_one_line()
    {
        using var empty = new TempFolder();
        File.Copy(Path.Combine(model.Folder, "config.json"), empty.File("config.json"));
        File.Copy(Path.Combine(model.Folder, "vocab.txt"), empty.File("vocab.txt"));
        (string What, string[] Arguments, Dictionary<string, string>? Environment, int ExitCode, string Names)[] cases =
        [
            ("no model named", [], null, 2, "BERTNB_MODEL_DIR"),
            ("--model on a missing folder", ["--model", empty.File("nowhere")], null, 1, "nowhere"),
            ("BERTNB_MODEL_DIR on a missing folder", [], new() { ["BERTNB_MODEL_DIR"] = empty.File("absent") }, 1, "absent"),
            ("a folder without onnx/model.onnx", ["--model", empty.Path], null, 1, "model.onnx"),
        ];
        foreach (var (what, arguments, environment, exitCode, names) in cases)
        {
            var (code, stdout, stderr) = await ServeProcess.RunToExitAsync(environment, arguments);
            output.WriteLine($"{what}: exit {code}: {stderr.Trim()}");
            Assert.True(exitCode == code, $"{what}: exit code {code}, expected {exitCode}; {stdout} {stderr}");
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(names, line);
        }
    }

    static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    static string OneMegabyteText(char letter) => JsonSerializer.Serialize(new { text = new string(letter, 1_000_000) });
}
