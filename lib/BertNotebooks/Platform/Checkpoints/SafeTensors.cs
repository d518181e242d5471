using System.Text.Json;
using BertNotebooks.IO;
using TorchSharp;

namespace BertNotebooks.Checkpoints;

/// <summary>
/// The safetensors format (what Hugging Face's <c>save_pretrained</c> writes): an 8-byte little-endian header length,
/// a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
/// Our own reader and writer, so that the metadata HF needs is written and every bad file gets a clear error.
/// </summary>
public static class SafeTensors
{
    /// <summary>The metadata that transformers before 4.48.2 requires before it loads a file.</summary>
    public static readonly IReadOnlyDictionary<string, string> PyTorchMetadata = new Dictionary<string, string> { ["format"] = "pt" };

    const string MetadataKey = "__metadata__";
    // The reference implementation refuses headers above 100 MB; a larger one means a corrupt length field.
    const long MaxHeaderBytes = 100_000_000;

    static readonly (string Name, torch.ScalarType Type, int Size)[] DTypes =
    [
        ("F64", torch.ScalarType.Float64, 8), ("F32", torch.ScalarType.Float32, 4), ("F16", torch.ScalarType.Float16, 2),
        ("BF16", torch.ScalarType.BFloat16, 2), ("I64", torch.ScalarType.Int64, 8), ("I32", torch.ScalarType.Int32, 4),
        ("I16", torch.ScalarType.Int16, 2), ("I8", torch.ScalarType.Int8, 1), ("U8", torch.ScalarType.Byte, 1),
        ("BOOL", torch.ScalarType.Bool, 1),
    ];

    /// <summary>Reads every tensor of <paramref name="path"/> onto the CPU.</summary>
    public static Dictionary<string, torch.Tensor> Load(string path) => Read(path, readTensors: true).Tensors;

    /// <summary>The <c>__metadata__</c> of <paramref name="path"/> (empty when it has none), without reading the tensors.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => Read(path, readTensors: false).Metadata;

    /// <summary>
    /// Writes <paramref name="tensors"/> (sorted by name) atomically. The metadata always holds <c>format: pt</c>
    /// unless the caller sets another format, because older transformers refuse a file without it.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, torch.Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing needs a little-endian machine.");
        var meta = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };
        foreach (var (k, v) in metadata ?? PyTorchMetadata) meta[k] = v;

        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (names.Contains(MetadataKey)) throw new ArgumentException($"A tensor cannot be named '{MetadataKey}' in {path}.",
            nameof(tensors));

        using var scope = torch.NewDisposeScope();
        var data = names.Select(n => tensors[n].detach().cpu().contiguous()).ToList();
        var header = Header(names, data, meta);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BitConverter.TryWriteBytes(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var t in data)
                if (t.numel() > 0) stream.Write(t.bytes);
        });
    }

    static byte[] Header(List<string> names, List<torch.Tensor> data, SortedDictionary<string, string> meta)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            foreach (var (k, v) in meta) json.WriteString(k, v);
            json.WriteEndObject();
            long offset = 0;
            for (int i = 0; i < names.Count; i++)
            {
                var (dtype, size) = DTypeOf(data[i].dtype, names[i]);
                var end = offset + data[i].numel() * size;
                json.WriteStartObject(names[i]);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (var d in data[i].shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        // Padding the header with spaces to a multiple of 8 keeps the data aligned, as the reference writer does.
        var padded = (buffer.Length + 7) / 8 * 8;
        while (buffer.Length < padded) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    static (string Name, int Size) DTypeOf(torch.ScalarType type, string key)
    {
        foreach (var d in DTypes) if (d.Type == type) return (d.Name, d.Size);
        throw new NotSupportedException($"Tensor '{key}' has dtype {type}, which safetensors writing does not support here; " +
            "convert it to float32 first.");
    }

    static (Dictionary<string, torch.Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path, bool readTensors)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors file {path} does not exist.", path);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading needs a little-endian machine.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        var fileLength = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (fileLength < 8 || stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
            throw Corrupt(path, $"it is {fileLength} bytes long, shorter than the 8-byte header length");
        var headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            throw Corrupt(path, $"its header length field says {headerLength} bytes, but the file has {fileLength - 8} bytes after it");

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var entries = ParseHeader(path, headerBytes, out var metadata);
        var dataStart = 8 + (long)headerLength;
        var dataLength = fileLength - dataStart;
        Validate(path, entries, dataLength);

        var tensors = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        if (!readTensors) return (tensors, metadata);
        try
        {
            foreach (var e in entries)
            {
                var tensor = torch.empty(e.Shape, e.Type);
                var count = e.End - e.Start;
                if (count > 0)
                {
                    var buffer = new byte[count];
                    stream.Seek(dataStart + e.Start, SeekOrigin.Begin);
                    stream.ReadExactly(buffer);
                    tensor.bytes = buffer;
                }
                tensors[e.Name] = tensor;
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return (tensors, metadata);
    }

    sealed record Entry(string Name, torch.ScalarType Type, int Size, long[] Shape, long Start, long End);

    static List<Entry> ParseHeader(string path, byte[] headerBytes, out IReadOnlyDictionary<string, string> metadata)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(headerBytes); }
        catch (JsonException e) { throw Corrupt(path, $"its header is not valid JSON ({e.Message})"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Corrupt(path, "its header is not a JSON object");
            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == MetadataKey)
                {
                    if (p.Value.ValueKind != JsonValueKind.Object) throw Corrupt(path, $"'{MetadataKey}' is not an object of strings");
                    foreach (var m in p.Value.EnumerateObject())
                        meta[m.Name] = m.Value.ValueKind == JsonValueKind.String
                            ? m.Value.GetString()!
                            : throw Corrupt(path, $"metadata value '{m.Name}' is not a string");
                    continue;
                }
                entries.Add(ParseEntry(path, p));
            }
            metadata = meta;
            return entries;
        }
    }

    static Entry ParseEntry(string path, JsonProperty p)
    {
        var v = p.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
            throw Corrupt(path, $"tensor '{p.Name}' needs \"dtype\", \"shape\" and two \"data_offsets\"");
        var name = dtype.GetString()!;
        var known = Array.FindIndex(DTypes, d => d.Name == name);
        if (known < 0)
            throw new NotSupportedException(
                $"Tensor '{p.Name}' in {path} has dtype {name}; supported: {string.Join(", ", DTypes.Select(d => d.Name))}.");
        var dims = shape.EnumerateArray()
            .Select(d => d.TryGetInt64(out var n) && n >= 0 ? n : throw Corrupt(path, $"tensor '{p.Name}' has a bad shape {shape}"))
            .ToArray();
        var bounds = offsets.EnumerateArray()
            .Select(d => d.TryGetInt64(out var n) && n >= 0 ? n : throw Corrupt(path, $"tensor '{p.Name}' has bad data_offsets {offsets}"))
            .ToArray();
        return new Entry(p.Name, DTypes[known].Type, DTypes[known].Size, dims, bounds[0], bounds[1]);
    }

    static void Validate(string path, List<Entry> entries, long dataLength)
    {
        long covered = 0;
        foreach (var e in entries.OrderBy(e => e.Start).ThenBy(e => e.End))
        {
            var expected = e.Shape.Aggregate(1L, (a, d) => a * d) * e.Size;
            if (e.End < e.Start || e.End - e.Start != expected)
                throw Corrupt(path, $"tensor '{e.Name}' of shape [{string.Join(", ", e.Shape)}] needs {expected} bytes, " +
                    $"but its data_offsets are [{e.Start}, {e.End}]");
            if (e.End > dataLength)
                throw Corrupt(path,
                    $"tensor '{e.Name}' ends at byte {e.End} of the data, but the file holds only {dataLength} data bytes (truncated?)");
            if (e.Start < covered)
                throw Corrupt(path, $"tensor '{e.Name}' overlaps the tensor before it (data_offsets [{e.Start}, {e.End}])");
            covered = e.End;
        }
    }

    static InvalidDataException Corrupt(string path, string what) =>
        new($"{path} is not a valid safetensors file: {what}. Re-save or re-download it.");
}
