namespace BertNotebooks.Pretrained;

/// <summary>One operator of an ONNX graph: what it does and which tensors (by name) flow in and out.</summary>
public sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);

/// <summary>
/// The parts of an ONNX ModelProto that a weight converter needs: the graph's initializers (the weights), its nodes
/// (to find which weight feeds which operator), and its input and output names. Parsed without any ONNX package.
/// </summary>
public sealed class OnnxModel
{
    public required IReadOnlyDictionary<string, OnnxTensor> Initializers { get; init; }
    public required IReadOnlyList<OnnxNode> Nodes { get; init; }
    public required IReadOnlyList<string> Inputs { get; init; }
    public required IReadOnlyList<string> Outputs { get; init; }

    /// <summary>Parses a serialized ModelProto (graph = field 7). Initializer data stays a slice of <paramref name="bytes"/>.</summary>
    public static OnnxModel Parse(ReadOnlyMemory<byte> bytes)
    {
        var model = new ProtobufReader(bytes);
        ReadOnlyMemory<byte>? graph = null;
        while (!model.AtEnd)
        {
            var (field, wire) = model.ReadTag();
            if (field == 7 && wire == ProtobufReader.LengthDelimited) graph = model.ReadBytes();
            else model.Skip(wire);
        }
        return graph is { } g ? ParseGraph(g) : throw new InvalidDataException("The ONNX model has no graph (ModelProto field 7).");
    }

    /// <summary>GraphProto: node=1, initializer=5, input=11, output=12 (ValueInfoProto name=1).</summary>
    static OnnxModel ParseGraph(ReadOnlyMemory<byte> message)
    {
        var reader = new ProtobufReader(message);
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        List<OnnxNode> nodes = [];
        List<string> inputs = [], outputs = [];
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: nodes.Add(ParseNode(reader.ReadBytes())); break;
                case 5:
                    var tensor = OnnxTensor.Parse(reader.ReadBytes());
                    if (!initializers.TryAdd(tensor.Name, tensor))
                        throw new InvalidDataException($"The ONNX graph holds two initializers named '{tensor.Name}'.");
                    break;
                case 11: inputs.Add(ValueInfoName(reader.ReadBytes())); break;
                case 12: outputs.Add(ValueInfoName(reader.ReadBytes())); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxModel { Initializers = initializers, Nodes = nodes, Inputs = inputs, Outputs = outputs };
    }

    /// <summary>NodeProto: input=1, output=2, name=3, op_type=4.</summary>
    static OnnxNode ParseNode(ReadOnlyMemory<byte> message)
    {
        var reader = new ProtobufReader(message);
        List<string> inputs = [], outputs = [];
        string name = "", opType = "";
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: inputs.Add(reader.ReadString()); break;
                case 2: outputs.Add(reader.ReadString()); break;
                case 3: name = reader.ReadString(); break;
                case 4: opType = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxNode(name, opType, inputs, outputs);
    }

    static string ValueInfoName(ReadOnlyMemory<byte> message)
    {
        var reader = new ProtobufReader(message);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1) return reader.ReadString();
            reader.Skip(wire);
        }
        return "";
    }
}
