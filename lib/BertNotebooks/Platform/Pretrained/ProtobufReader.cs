namespace BertNotebooks.Pretrained;

/// <summary>
/// The protobuf wire format, just enough to walk an ONNX file: fields are read one by one, unknown ones skipped.
/// Length-delimited payloads come back as slices of the input, so an initializer's raw data is never copied here.
/// </summary>
internal struct ProtobufReader(ReadOnlyMemory<byte> buffer)
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    int _position;

    public readonly bool AtEnd => _position >= buffer.Length;

    /// <summary>The next field's number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        var span = buffer.Span;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= span.Length) throw Truncated();
            var b = span[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException($"Protobuf varint longer than 10 bytes at byte {_position}: the file is not protobuf.");
    }

    public ReadOnlyMemory<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(buffer.Length - _position)) throw Truncated();
        var slice = buffer.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes().Span);

    public uint ReadFixed32()
    {
        if (buffer.Length - _position < 4) throw Truncated();
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(buffer.Span[_position..]);
        _position += 4;
        return value;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Advance(8); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: Advance(4); break;
            default:
                throw new InvalidDataException($"Protobuf wire type {wireType} at byte {_position} is not supported " +
                    "(groups are obsolete).");
        }
    }

    /// <summary>
    /// A repeated int64 field: packed (one length-delimited run) or not (one varint per tag), as proto2 and proto3 allow.
    /// </summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType != LengthDelimited) { into.Add((long)ReadVarint()); return; }
        var packed = new ProtobufReader(ReadBytes());
        while (!packed.AtEnd) into.Add((long)packed.ReadVarint());
    }

    /// <summary>A repeated float field, packed or not.</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType != LengthDelimited) { into.Add(BitConverter.UInt32BitsToSingle(ReadFixed32())); return; }
        var packed = new ProtobufReader(ReadBytes());
        while (!packed.AtEnd) into.Add(BitConverter.UInt32BitsToSingle(packed.ReadFixed32()));
    }

    void Advance(int count)
    {
        if (buffer.Length - _position < count) throw Truncated();
        _position += count;
    }

    readonly InvalidDataException Truncated() =>
        new($"Protobuf message ends early (at byte {_position} of {buffer.Length}): the file is truncated or not protobuf.");
}
