using System.Runtime.InteropServices;
using BertNotebooks.Pretrained;

namespace BertNotebooks.Export;

/// <summary>An ONNX element type (TensorProto.DataType).</summary>
public enum OnnxType { Float = 1, Int64 = 7 }

/// <summary>One dimension of a graph input or output: a fixed size, or a name that ONNX Runtime binds per call.</summary>
public readonly record struct OnnxDim(long? Size, string? Name)
{
    public static implicit operator OnnxDim(long size) => new(size, null);
    public static implicit operator OnnxDim(string name) => new(null, name);
}

/// <summary>An operator attribute: an int, a float or a list of ints.</summary>
public sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, long[]? Ints = null);

/// <summary>
/// Builds one ONNX graph, node by node in forward order, and writes it as a ModelProto (onnx.proto's field numbers in the
/// comments). Each operator's output is named after the node, so the graph reads like the module tree it came from.
/// </summary>
public sealed class OnnxGraph(string name)
{
    /// <summary>Opset 17 is the first with LayerNormalization; ONNX IR version 8 goes with it.</summary>
    public const int Opset = 17, IrVersion = 8;

    sealed record Node(string Name, string OpType, string[] Inputs, string Output, OnnxAttribute[] Attributes);
    sealed record Initializer(string Name, OnnxType Type, long[] Dims, byte[] Data);
    sealed record ValueInfo(string Name, OnnxType Type, OnnxDim[] Dims);

    readonly List<Node> _nodes = [];
    readonly List<Initializer> _initializers = [];
    readonly List<ValueInfo> _inputs = [], _outputs = [];
    readonly HashSet<string> _names = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    public string Input(string inputName, OnnxType type, params OnnxDim[] dims)
    {
        Claim(inputName);
        _inputs.Add(new ValueInfo(inputName, type, dims));
        return inputName;
    }

    /// <summary>Marks <paramref name="value"/> as the graph output <paramref name="outputName"/> (through an Identity node).</summary>
    public void Output(string value, string outputName, OnnxType type, params OnnxDim[] dims)
    {
        Claim(outputName);
        _nodes.Add(new Node(outputName + "/Identity", "Identity", [value], outputName, []));
        _outputs.Add(new ValueInfo(outputName, type, dims));
    }

    public string Weight(string weightName, float[] values, params long[] dims) =>
        AddInitializer(weightName, OnnxType.Float, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public string Int64s(string constantName, long[] values, params long[] dims) =>
        AddInitializer(constantName, OnnxType.Int64, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>A float32 scalar constant.</summary>
    public string Scalar(string constantName, float value) => Weight(constantName, [value]);

    /// <summary>Adds an operator; returns the name of its (single) output, which is <paramref name="nodeName"/>.</summary>
    public string Op(string opType, string nodeName, string[] inputs, params OnnxAttribute[] attributes)
    {
        Claim(nodeName);
        _nodes.Add(new Node(nodeName, opType, inputs, nodeName, attributes));
        return nodeName;
    }

    public void Metadata(string key, string value) => _metadata[key] = value;

    public int NodeCount => _nodes.Count;

    string AddInitializer(string initializerName, OnnxType type, long[] dims, byte[] data)
    {
        Claim(initializerName);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this machine is not.");
        _initializers.Add(new Initializer(initializerName, type, dims, data));
        return initializerName;
    }

    void Claim(string valueName)
    {
        if (!_names.Add(valueName)) throw new InvalidOperationException($"The ONNX graph already has a value named '{valueName}'.");
    }

    /// <summary>
    /// Writes the ModelProto: ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8, metadata_props=14.
    /// </summary>
    public void WriteTo(Stream stream, string producer, string producerVersion)
    {
        var model = new ProtobufWriter(stream);
        model.WriteInt64(1, IrVersion);
        model.WriteString(2, producer);
        model.WriteString(3, producerVersion);
        model.WriteMessage(7, WriteGraph);
        model.WriteMessage(8, opset => opset.WriteInt64(2, Opset)); // OperatorSetIdProto: domain=1 ("" = ai.onnx), version=2
        foreach (var (key, value) in _metadata)
            model.WriteMessage(14, entry => { entry.WriteString(1, key); entry.WriteString(2, value); }); // StringStringEntryProto
    }

    /// <summary>GraphProto: node=1, name=2, initializer=5, input=11, output=12.</summary>
    void WriteGraph(ProtobufWriter graph)
    {
        foreach (var node in _nodes) graph.WriteMessage(1, w => WriteNode(w, node));
        graph.WriteString(2, name);
        foreach (var tensor in _initializers)
            // TensorProto: dims=1, data_type=2, name=8, raw_data=9
            graph.WriteMessageWithPayload(5, header =>
            {
                if (tensor.Dims.Length > 0) header.WritePackedInt64s(1, tensor.Dims);
                header.WriteInt64(2, (int)tensor.Type);
                header.WriteString(8, tensor.Name);
            }, payloadField: 9, tensor.Data);
        foreach (var input in _inputs) graph.WriteMessage(11, w => WriteValueInfo(w, input));
        foreach (var output in _outputs) graph.WriteMessage(12, w => WriteValueInfo(w, output));
    }

    /// <summary>NodeProto: input=1, output=2, name=3, op_type=4, attribute=5.</summary>
    static void WriteNode(ProtobufWriter w, Node node)
    {
        foreach (var input in node.Inputs) w.WriteString(1, input);
        w.WriteString(2, node.Output);
        w.WriteString(3, node.Name);
        w.WriteString(4, node.OpType);
        foreach (var attribute in node.Attributes) w.WriteMessage(5, a => WriteAttribute(a, attribute));
    }

    /// <summary>AttributeProto: name=1, f=2, i=3, ints=8, type=20 (FLOAT=1, INT=2, INTS=7).</summary>
    static void WriteAttribute(ProtobufWriter w, OnnxAttribute attribute)
    {
        w.WriteString(1, attribute.Name);
        if (attribute.Float is { } f) { w.WriteFloat(2, f); w.WriteInt64(20, 1); }
        else if (attribute.Int is { } i) { w.WriteInt64(3, i); w.WriteInt64(20, 2); }
        else if (attribute.Ints is { } ints) { w.WritePackedInt64s(8, ints); w.WriteInt64(20, 7); }
        else throw new InvalidOperationException($"Attribute {attribute.Name} has no value.");
    }

    /// <summary>
    /// ValueInfoProto: name=1, type=2 → TypeProto: tensor_type=1 → Tensor: elem_type=1, shape=2 → TensorShapeProto: dim=1 →
    /// Dimension: dim_value=1, dim_param=2.
    /// </summary>
    static void WriteValueInfo(ProtobufWriter w, ValueInfo value)
    {
        w.WriteString(1, value.Name);
        w.WriteMessage(2, type => type.WriteMessage(1, tensor =>
        {
            tensor.WriteInt64(1, (int)value.Type);
            tensor.WriteMessage(2, shape =>
            {
                foreach (var dim in value.Dims)
                    shape.WriteMessage(1, d =>
                    {
                        if (dim.Size is { } size) d.WriteInt64(1, size);
                        else d.WriteString(2, dim.Name!);
                    });
            });
        }));
    }
}
