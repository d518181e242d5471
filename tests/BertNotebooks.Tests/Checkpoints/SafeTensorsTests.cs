using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using BertNotebooks.Checkpoints;
using BertNotebooks.Tests.Modeling;
using BertNotebooks.Tests.TestSupport;
using TorchSharp;

namespace BertNotebooks.Tests.Checkpoints;

public sealed class SafeTensorsTests
{
    static JsonElement Header(string path, out long headerLength)
    {
        var bytes = File.ReadAllBytes(path);
        headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength)).RootElement.Clone();
    }

    [Fact]
    public void EveryDtypeRoundTripsExactly()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var path = folder.File("all.safetensors");
        var tensors = new Dictionary<string, torch.Tensor>
        {
            ["f64"] = torch.randn(3, 2, dtype: torch.float64),
            ["f32"] = torch.randn(4, 5),
            ["f16"] = torch.randn(7, dtype: torch.float16),
            ["bf16"] = torch.randn(2, 3, dtype: torch.bfloat16),
            ["i64"] = torch.arange(-5, 5, dtype: torch.int64),
            ["i32"] = torch.arange(0, 6, dtype: torch.int32).view(2, 3),
            ["i16"] = torch.tensor(new short[] { -2, 7 }),
            ["i8"] = torch.tensor(new sbyte[] { -1, 1 }),
            ["u8"] = torch.tensor(new byte[] { 0, 255 }),
            ["bool"] = torch.tensor(new[] { true, false, true }),
            ["scalar"] = torch.tensor(3.5f),
            ["empty"] = torch.zeros(0, 4),
            ["transposed"] = torch.randn(3, 4).t(), // not contiguous: must be written in logical order
        };
        SafeTensors.Save(path, tensors);
        var loaded = SafeTensors.Load(path);
        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, tensor) in tensors) TensorAssert.Equal(tensor, loaded[name], name);
        foreach (var t in loaded.Values) t.Dispose();
    }

    [Fact]
    public void HeaderHasFormatPtSortedKeysAndAlignedData()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var path = folder.File("m.safetensors");
        SafeTensors.Save(path, new Dictionary<string, torch.Tensor> { ["b"] = torch.ones(3), ["a"] = torch.zeros(2, 2) });

        var header = Header(path, out var length);
        Assert.Equal(0, length % 8);
        Assert.Equal("pt", header.GetProperty("__metadata__").GetProperty("format").GetString());
        Assert.Equal(["__metadata__", "a", "b"], header.EnumerateObject().Select(p => p.Name));
        Assert.Equal("[0,16]", header.GetProperty("a").GetProperty("data_offsets").GetRawText());
        Assert.Equal("[16,28]", header.GetProperty("b").GetProperty("data_offsets").GetRawText());
        Assert.Equal(8 + length + 28, new FileInfo(path).Length);
        Assert.Equal("pt", SafeTensors.ReadMetadata(path)["format"]);
        Assert.Single(Directory.GetFiles(folder.Path)); // no temp file left behind
    }

    [Fact]
    public void CallerMetadataIsKeptAlongsideFormatPt()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var path = folder.File("m.safetensors");
        SafeTensors.Save(path, new Dictionary<string, torch.Tensor> { ["x"] = torch.ones(1) },
            new Dictionary<string, string> { ["step"] = "12" });
        var meta = SafeTensors.ReadMetadata(path);
        Assert.Equal(("pt", "12"), (meta["format"], meta["step"]));
    }

    [FixtureFact("tiny-bert")]
    public void ReadsTheTransformersFile()
    {
        var path = Path.Combine(Shared.Fixture("tiny-bert"), "model.safetensors");
        var tensors = SafeTensors.Load(path);
        Assert.Equal(41, tensors.Count);
        Assert.Equal([30522L, 32], tensors["bert.embeddings.word_embeddings.weight"].shape);
        Assert.Equal("pt", SafeTensors.ReadMetadata(path)["format"]);
        foreach (var t in tensors.Values) t.Dispose();
    }

    public static TheoryData<string, string> CorruptFiles => new()
    {
        { "short", "shorter than the 8-byte header length" },
        { "huge-length", "header length field says" },
        { "bad-json", "header is not valid JSON" },
        { "no-offsets", "needs \"dtype\", \"shape\" and two \"data_offsets\"" },
        { "wrong-size", "needs 16 bytes, but its data_offsets are [0, 12]" },
        { "truncated", "truncated?" },
        { "overlap", "overlaps the tensor before it" },
    };

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void CorruptFilesFailNamingTheFileAndTheProblem(string kind, string expected)
    {
        using var folder = new TempFolder();
        var path = folder.File($"{kind}.safetensors");
        File.WriteAllBytes(path, kind switch
        {
            "short" => [1, 2, 3],
            "huge-length" => [.. BitConverter.GetBytes(1_000_000UL), .. "{}"u8],
            "bad-json" => Build("{\"a\": ", 0),
            "no-offsets" => Build("""{"a":{"dtype":"F32","shape":[2]}}""", 8),
            "wrong-size" => Build("""{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}""", 16),
            "truncated" => Build("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8),
            "overlap" =>
                Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""",
                    12),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        });
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void UnknownDtypeIsNamed()
    {
        using var folder = new TempFolder();
        var path = folder.File("f8.safetensors");
        File.WriteAllBytes(path, Build("""{"a":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}""", 2));
        var e = Assert.Throws<NotSupportedException>(() => SafeTensors.Load(path));
        Assert.Contains("F8_E4M3", e.Message);
    }

    static byte[] Build(string header, int dataBytes) =>
        [.. BitConverter.GetBytes((ulong)Encoding.UTF8.GetByteCount(header)), .. Encoding.UTF8.GetBytes(header), .. new byte[dataBytes]];
}
