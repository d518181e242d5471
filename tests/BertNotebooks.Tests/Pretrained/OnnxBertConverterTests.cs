using System.Buffers.Binary;
using BertNotebooks.Pretrained;
using TorchSharp;

namespace BertNotebooks.Tests.Pretrained;

public sealed class OnnxBertConverterTests
{
    static OnnxTensor Floats(string name, long[] dims, params float[] values)
    {
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        return new OnnxTensor { Name = name, Dims = dims, DataType = OnnxTensor.Float, RawData = raw };
    }

    /// <summary>x → MatMul(x, "7") → Add(bias, ·): the shape torch.onnx gives a Linear whose weight it renamed.</summary>
    static OnnxModel Linear(string weightName, string addInput) => new()
    {
        Initializers = new Dictionary<string, OnnxTensor>
        {
            ["encoder.layer.0.output.dense.bias"] = Floats("encoder.layer.0.output.dense.bias", [3], 0.5f, 0.25f, 0.125f),
            [weightName] = Floats(weightName, [2, 3], 1, 2, 3, 4, 5, 6), // (in 2, out 3)
            ["embeddings.position_ids"] = new OnnxTensor
            {
                Name = "embeddings.position_ids", Dims = [1, 2], DataType = OnnxTensor.Int64, Int64Data = [0, 1]
            },
        },
        Nodes =
        [
            new OnnxNode("MatMul_1", "MatMul", ["x", weightName], ["mm"]),
            new OnnxNode("Add_2", "Add", ["encoder.layer.0.output.dense.bias", addInput], ["y"]),
        ],
        Inputs = ["x"],
        Outputs = ["y"],
    };

    [Fact]
    public void An_anonymous_MatMul_weight_is_found_through_its_bias_and_transposed_to_out_by_in()
    {
        var stateDict = OnnxBertConverter.StateDict(Linear("onnx::MatMul_7", "mm"));
        try
        {
            // position_ids is a buffer that HF checkpoints no longer carry.
            Assert.Equal(["encoder.layer.0.output.dense.bias", "encoder.layer.0.output.dense.weight"],
                stateDict.Keys.Order(StringComparer.Ordinal));
            var weight = stateDict["encoder.layer.0.output.dense.weight"];
            Assert.Equal([3L, 2L], weight.shape);
            Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], weight.data<float>().ToArray());
        }
        finally
        {
            foreach (var t in stateDict.Values) t.Dispose();
        }
    }

    [Fact]
    public void A_bias_whose_Add_takes_no_MatMul_output_is_an_error_naming_it()
    {
        var error = Assert.Throws<InvalidDataException>(() => OnnxBertConverter.StateDict(Linear("onnx::MatMul_7", "x")));
        Assert.Contains("encoder.layer.0.output.dense.bias", error.Message);
        Assert.Contains("MatMul", error.Message);
    }
}
