using System.Buffers.Binary;
using System.Text;

namespace BertNotebooks.Pretrained;

/// <summary>
/// The protobuf wire format, the other way from <see cref="ProtobufReader"/>: just enough to write an ONNX file. A nested
/// message is written into its own buffer first, because its length comes before it; a large payload (an initializer's
/// raw data) is written straight through <see cref="WriteBytesField"/> once its message header is known.
/// </summary>
internal sealed class ProtobufWriter(Stream stream)
{
    public void WriteTag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    public void WriteVarint(ulong value)
    {
        Span<byte> buffer = stackalloc byte[10];
        int length = 0;
        while (value >= 0x80)
        {
            buffer[length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[length++] = (byte)value;
        stream.Write(buffer[..length]);
    }

    /// <summary>An int32, int64 or enum field; a negative value takes ten bytes, as protobuf encodes it.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, ProtobufReader.Varint);
        WriteVarint((ulong)value);
    }

    public void WriteFloat(int field, float value)
    {
        WriteTag(field, ProtobufReader.Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        stream.Write(bytes);
    }

    public void WriteString(int field, string value) => WriteBytesField(field, Encoding.UTF8.GetBytes(value));

    public void WriteBytesField(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, ProtobufReader.LengthDelimited);
        WriteVarint((ulong)value.Length);
        stream.Write(value);
    }

    /// <summary>A repeated int64 field, packed (proto3's default and what onnx.proto's readers accept).</summary>
    public void WritePackedInt64s(int field, IEnumerable<long> values)
    {
        using var packed = new MemoryStream();
        var inner = new ProtobufWriter(packed);
        foreach (var value in values) inner.WriteVarint((ulong)value);
        WriteBytesField(field, packed.GetBuffer().AsSpan(0, (int)packed.Length));
    }

    /// <summary>A nested message, written by <paramref name="body"/> into a buffer so that its length can go first.</summary>
    public void WriteMessage(int field, Action<ProtobufWriter> body)
    {
        using var buffer = new MemoryStream();
        body(new ProtobufWriter(buffer));
        WriteBytesField(field, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>
    /// A nested message whose last field is a large bytes field: <paramref name="header"/> writes the small fields into a
    /// buffer, then the payload goes straight to the stream, copied once.
    /// </summary>
    public void WriteMessageWithPayload(int field, Action<ProtobufWriter> header, int payloadField, ReadOnlySpan<byte> payload)
    {
        using var buffer = new MemoryStream();
        var inner = new ProtobufWriter(buffer);
        header(inner);
        inner.WriteTag(payloadField, ProtobufReader.LengthDelimited);
        inner.WriteVarint((ulong)payload.Length);
        WriteTag(field, ProtobufReader.LengthDelimited);
        WriteVarint((ulong)(buffer.Length + payload.Length));
        stream.Write(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        stream.Write(payload);
    }
}
