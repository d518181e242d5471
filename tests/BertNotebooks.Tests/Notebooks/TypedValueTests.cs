using BertNotebooks.Notebooks;

namespace BertNotebooks.Tests.Notebooks;

/// <summary>One parser for typed text: bertnb's options, bertnb-run's -p and the apps' parameters all read through it.</summary>
public sealed class TypedValueTests
{
    [Theory]
    [InlineData(typeof(double?), "2e-5", 2e-5)]
    [InlineData(typeof(int?), "-3", -3)]
    [InlineData(typeof(int?), "null", null)]
    [InlineData(typeof(bool), "True", true)]
    [InlineData(typeof(string), "2024", "2024")]
    public void Text_reads_as_the_declared_type_in_the_invariant_culture(Type type, string text, object? expected)
    {
        Assert.True(TypedValue.TryParse(type, text, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void An_apps_parameter_is_typed_by_the_same_parser()
    {
        Assert.Equal(2e-5, NotebookApp.Convert<double?>("learningRate", "2e-5"));
        Assert.Null(NotebookApp.Convert<int?>("seed", "none"));
        Assert.Equal("2024", NotebookApp.Convert<string?>("runName", "2024"));
        Assert.False(TypedValue.TryParse(typeof(double?), "abc", out _));
    }
}
