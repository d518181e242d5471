// A fine-tuned BERT classifier as a web service, with ONNX Runtime and Microsoft.ML.Tokenizers:
//   dotnet run --project samples/serve -- --model data/runs/quick/best-model
//   curl -s localhost:5000/classify -H 'Content-Type: application/json' -d '{"text": "The shuttle reached orbit."}'
//   → {"predictions":[{"label":"sci.space","score":0.91},...]}: every label, the most probable first.
// Texts longer than the model's 512 tokens are cut from the end, as in training; a body over 512 KiB gets a 413.
using System.Text.Json;
using BertNotebooks.Serve;

const long MaxBodyBytes = 512 * 1024;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxBodyBytes);

// The model folder: --model PATH, or the environment variable BERTNB_MODEL_DIR.
var modelFolder = builder.Configuration["model"] ?? builder.Configuration["BERTNB_MODEL_DIR"];
if (string.IsNullOrWhiteSpace(modelFolder))
{
    Console.Error.WriteLine("serve: no model folder; pass --model PATH or set BERTNB_MODEL_DIR to a saved model folder.");
    return 2;
}
TextClassifier classifier;
try
{
    classifier = TextClassifier.Load(modelFolder);
}
catch (ModelFolderException e)
{
    Console.Error.WriteLine($"serve: {e.Message}");
    return 1;
}
builder.Services.AddSingleton(classifier);

var app = builder.Build();
app.MapPost("/classify", async (HttpRequest request, TextClassifier classifier) =>
{
    if (!request.HasJsonContentType())
        return Error(StatusCodes.Status415UnsupportedMediaType, "send Content-Type: application/json and a body {\"text\": \"...\"}");
    if (request.ContentLength > MaxBodyBytes)
        return TooLarge(request, $"the body is over {MaxBodyBytes} bytes; send a shorter text");
    ClassifyRequest? body;
    try
    {
        body = await JsonSerializer.DeserializeAsync<ClassifyRequest>(request.Body, JsonSerializerOptions.Web,
            request.HttpContext.RequestAborted);
    }
    catch (JsonException e) // not JSON, or "text" is not a string (the path says where)
    {
        return Error(StatusCodes.Status400BadRequest, $"the body is not JSON of the form {{\"text\": \"...\"}} (at {e.Path ?? "$"})");
    }
    catch (BadHttpRequestException e) // Kestrel's limit: a body without Content-Length grew past MaxBodyBytes
    {
        return TooLarge(request, $"the body could not be read ({e.Message}); send at most {MaxBodyBytes} bytes");
    }
    if (body?.Text is not { } text)
        return Error(StatusCodes.Status400BadRequest, "the JSON has no \"text\" string; send {\"text\": \"...\"}");
    return Results.Json(new ClassifyResponse(classifier.Classify(text)));
});
app.Run();
return 0;

static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

// The rest of the body is left unread on the connection, so the client must not send another request on it.
static IResult TooLarge(HttpRequest request, string message)
{
    request.HttpContext.Response.Headers.Connection = "close";
    return Error(StatusCodes.Status413PayloadTooLarge, message);
}

/// <summary>What POST /classify takes.</summary>
record ClassifyRequest(string? Text);

/// <summary>What POST /classify answers: every label with its probability, the most probable first.</summary>
record ClassifyResponse(IReadOnlyList<LabelScore> Predictions);
