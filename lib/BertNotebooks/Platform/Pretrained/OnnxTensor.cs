using System.Buffers.Binary;

namespace BertNotebooks.Pretrained;

/// <summary>An ONNX TensorProto: name, shape, element type and data (raw little-endian bytes, or typed repeated fields).</summary>
public sealed class OnnxTensor
{
    /// <summary>TensorProto.DataType values this reader converts.</summary>
    public const int Float = 1, Int64 = 7;

    public required string Name { get; init; }
    public required long[] Dims { get; init; }
    public required int DataType { get; init; }
    public ReadOnlyMemory<byte> RawData { get; init; }
    public IReadOnlyList<float> FloatData { get; init; } = [];
    public IReadOnlyList<long> Int64Data { get; init; } = [];

    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);

    public override string ToString() => $"{Name} [{string.Join(",", Dims)}] (data_type {DataType})";

    public float[] ToFloats()
    {
        Require(Float, "float32");
        if (RawData.IsEmpty) return CheckCount(FloatData.ToArray());
        var span = RawData.Span;
        var values = new float[span.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(i * 4)..]);
        return CheckCount(values);
    }

    public long[] ToInt64s()
    {
        Require(Int64, "int64");
        if (RawData.IsEmpty) return CheckCount(Int64Data.ToArray());
        var span = RawData.Span;
        var values = new long[span.Length / 8];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(span[(i * 8)..]);
        return CheckCount(values);
    }

    void Require(int dataType, string typeName)
    {
        if (DataType != dataType)
            throw new InvalidDataException($"ONNX tensor {this} is not {typeName} (data_type {dataType}).");
    }

    T[] CheckCount<T>(T[] values) => values.LongLength == ElementCount
        ? values
        : throw new InvalidDataException($"ONNX tensor {this} holds {values.Length} values, not the {ElementCount} its shape needs " +
                                         "(external data is not supported).");

    /// <summary>Parses a TensorProto (dims=1, data_type=2, float_data=4, int64_data=7, name=8, raw_data=9).</summary>
    internal static OnnxTensor Parse(ReadOnlyMemory<byte> message)
    {
        var reader = new ProtobufReader(message);
        List<long> dims = [], int64s = [];
        List<float> floats = [];
        string name = "";
        int dataType = 0;
        ReadOnlyMemory<byte> raw = default;
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: reader.ReadInt64s(wire, dims); break;
                case 2: dataType = (int)reader.ReadVarint(); break;
                case 4: reader.ReadFloats(wire, floats); break;
                case 7: reader.ReadInt64s(wire, int64s); break;
                case 8: name = reader.ReadString(); break;
                case 9: raw = reader.ReadBytes(); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxTensor { Name = name, Dims = [.. dims], DataType = dataType, RawData = raw, FloatData = floats, Int64Data = int64s };
    }
}
