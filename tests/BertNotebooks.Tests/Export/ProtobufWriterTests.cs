using BertNotebooks.Pretrained;

namespace BertNotebooks.Tests.Export;

/// <summary>The protobuf writer read back by the library's reader: every wire type the ONNX export uses.</summary>
public sealed class ProtobufWriterTests
{
    [Fact]
    public void What_the_writer_writes_the_reader_reads_back()
    {
        using var stream = new MemoryStream();
        var writer = new ProtobufWriter(stream);
        writer.WriteInt64(1, 300);
        writer.WriteInt64(2, -1); // ten bytes, as protobuf encodes negative int64
        writer.WriteFloat(3, float.MinValue);
        writer.WriteString(4, "bert.encoder.layer.0 · é");
        writer.WritePackedInt64s(5, [0, 127, 128, long.MaxValue]);
        writer.WriteMessage(6, inner => inner.WriteInt64(1, 7));
        writer.WriteMessageWithPayload(7, header => header.WriteString(8, "w"), payloadField: 9, new byte[] { 1, 2, 3 });

        var reader = new ProtobufReader(stream.ToArray());
        Assert.Equal((1, ProtobufReader.Varint), reader.ReadTag());
        Assert.Equal(300UL, reader.ReadVarint());
        Assert.Equal((2, ProtobufReader.Varint), reader.ReadTag());
        Assert.Equal(-1L, (long)reader.ReadVarint());
        Assert.Equal((3, ProtobufReader.Fixed32), reader.ReadTag());
        Assert.Equal(float.MinValue, BitConverter.UInt32BitsToSingle(reader.ReadFixed32()));
        Assert.Equal((4, ProtobufReader.LengthDelimited), reader.ReadTag());
        Assert.Equal("bert.encoder.layer.0 · é", reader.ReadString());
        var (field, wire) = reader.ReadTag();
        List<long> packed = [];
        reader.ReadInt64s(wire, packed);
        Assert.Equal(5, field);
        Assert.Equal([0L, 127L, 128L, long.MaxValue], packed);

        Assert.Equal((6, ProtobufReader.LengthDelimited), reader.ReadTag());
        var nested = new ProtobufReader(reader.ReadBytes());
        Assert.Equal((1, ProtobufReader.Varint), nested.ReadTag());
        Assert.Equal(7UL, nested.ReadVarint());
        Assert.True(nested.AtEnd);

        Assert.Equal((7, ProtobufReader.LengthDelimited), reader.ReadTag());
        var tensor = new ProtobufReader(reader.ReadBytes());
        Assert.Equal((8, ProtobufReader.LengthDelimited), tensor.ReadTag());
        Assert.Equal("w", tensor.ReadString());
        Assert.Equal((9, ProtobufReader.LengthDelimited), tensor.ReadTag());
        Assert.Equal(new byte[] { 1, 2, 3 }, tensor.ReadBytes().ToArray());
        Assert.True(tensor.AtEnd);
        Assert.True(reader.AtEnd);
    }
}
