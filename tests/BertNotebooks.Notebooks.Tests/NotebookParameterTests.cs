using BertNotebooks.Runner;

namespace BertNotebooks.Notebooks.Tests;

public class NotebookParameterTests
{
    [Theory]
    [InlineData("maxLength=128", "maxLength = 128;")]
    [InlineData("delta=-3", "delta = -3;")]
    [InlineData("learningRate=2e-5", "learningRate = 2E-05;")]
    [InlineData("ratio=3.0", "ratio = 3.0;")]
    [InlineData("ratio=0.25", "ratio = 0.25;")]
    [InlineData("useCuda=True", "useCuda = true;")]
    [InlineData("model=minilm", "model = \"minilm\";")]
    [InlineData("quote=say \"hi\"", "quote = \"say \\\"hi\\\"\";")]
    [InlineData("path=a=b", "path = \"a=b\";")]
    [InlineData("empty=", "empty = \"\";")]
    public void Values_become_csharp_assignments_typed_by_their_literal(string argument, string assignment) =>
        Assert.Equal(assignment, NotebookParameter.Parse(argument).Assignment);

    [Theory]
    [InlineData("noequals", "'noequals' is not name=value")]
    [InlineData("=5", "'=5' is not name=value")]
    [InlineData("2fast=1", "'2fast' is not a C# variable name")]
    [InlineData("class=1", "'class' is not a C# variable name")]
    public void Bad_parameters_are_named_in_the_error(string argument, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => NotebookParameter.Parse(argument)).Message);

    [Fact]
    public void Profile_is_a_string_parameter_that_replaces_an_explicit_one()
    {
        var parameters = ParameterInjector.WithProfile([NotebookParameter.Parse("profile=full"), NotebookParameter.Parse("epochs=2")], "quick");

        Assert.Equal(["epochs = 2;", "profile = \"quick\";"], parameters.Select(p => p.Assignment));
    }
}
