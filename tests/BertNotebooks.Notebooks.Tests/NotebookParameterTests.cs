using BertNotebooks.Hosting;
using BertNotebooks.Notebooks.Tests.Infrastructure;
using BertNotebooks.Runner;
using Microsoft.DotNet.Interactive.Documents;

namespace BertNotebooks.Notebooks.Tests;

/// <summary>-p values typed by the notebook's declarations; no kernel runs here.</summary>
public sealed class NotebookParameterTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("bertnb-parameters-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static ParameterDeclaration Declared(string parametersCell, string name) =>
        ParameterDeclaration.In(parametersCell, "04-training")[name];

    [Theory]
    [InlineData("string? runName = null;", "runName=2024", "runName = \"2024\";")]
    [InlineData("var runName = \"default\";", "runName=true", "runName = \"true\";")]
    [InlineData("var maxLength = 256;", "maxLength=128", "maxLength = 128;")]
    [InlineData("int? seed = null;", "seed=-3", "seed = -3;")]
    [InlineData("int? seed = null;", "seed=null", "seed = null;")]
    [InlineData("double? learningRate = null;", "learningRate=2e-5", "learningRate = 2E-05;")]
    [InlineData("var ratio = 0.5;", "ratio=3", "ratio = 3.0;")]
    [InlineData("var useCuda = false;", "useCuda=True", "useCuda = true;")]
    [InlineData("var quote = \"\";", "quote=say \"hi\"", "quote = \"say \\\"hi\\\"\";")]
    [InlineData("string path = \"x\";", "path=a=b", "path = \"a=b\";")]
    [InlineData("string? empty = null;", "empty=", "empty = \"\";")]
    public void Values_take_the_type_the_parameters_cell_declares(string declaration, string argument, string assignment)
    {
        var parameter = NotebookParameter.Parse(argument);

        Assert.Equal(assignment, parameter.AssignmentFor(Declared(declaration, parameter.Name)));
    }

    [Fact]
    public void The_cell_is_read_by_the_csharp_parser_not_line_by_line()
    {
        var declared = ParameterDeclaration.In("""
            int? maxLength =
                null;  // a declaration over two lines
            var offset = -2; double ratio = 0.5;
            Action log = () => { var inner = 1; };
            // string commented = "out";
            """, "04-training");

        Assert.Equal(["maxLength", "offset", "ratio", "log"], declared.Keys);
        Assert.Equal((typeof(int?), typeof(int), typeof(double)),
            (declared["maxLength"].Type, declared["offset"].Type, declared["ratio"].Type));
        Assert.Null(declared["log"].Type);
    }

    [Theory]
    [InlineData("double? learningRate = null;", "learningRate=abc",
        "learningRate must be a number (double) or null, not 'abc' (04-training declares it as double? learningRate)")]
    [InlineData("var maxLength = 256;", "maxLength=12.5", "maxLength must be a whole number (int), not '12.5'")]
    [InlineData("var resume = true;", "resume=yes", "resume must be true or false (bool), not 'yes'")]
    [InlineData("int maxLength = 1;", "maxLength=null", "maxLength must be a whole number (int), not 'null'")]
    [InlineData("IntervalStrategy strategy = IntervalStrategy.Steps;", "strategy=Epoch",
        "declares 'IntervalStrategy strategy'; -p sets only int")]
    public void A_value_that_does_not_fit_names_the_parameter_and_the_type(string declaration, string argument, string message)
    {
        var parameter = NotebookParameter.Parse(argument);

        var e = Assert.Throws<ArgumentException>(() => parameter.AssignmentFor(Declared(declaration, parameter.Name)));

        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("noequals", "'noequals' is not name=value")]
    [InlineData("=5", "'=5' is not name=value")]
    [InlineData("2fast=1", "'2fast' is not a C# variable name")]
    [InlineData("class=1", "'class' is not a C# variable name")]
    public void Bad_parameters_are_named_in_the_error(string argument, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => NotebookParameter.Parse(argument)).Message);

    [Fact]
    public void Profile_is_a_parameter_that_replaces_an_explicit_one()
    {
        var parameters = ParameterInjector.WithProfile([NotebookParameter.Parse("profile=full"), NotebookParameter.Parse("epochs=2")],
            "quick");

        Assert.Equal([("epochs", "2"), ("profile", "quick")], parameters.Select(p => (p.Name, p.Value!)));
    }

    InteractiveDocument Notebook(string parametersCell) =>
        NotebookRunner.Read(new SyntheticNotebook().Code(parametersCell, "parameters").Code("Console.WriteLine(1);")
            .WriteTo(Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".ipynb")));

    [Fact]
    public void Every_notebook_that_declares_a_parameter_checks_its_value_before_anything_runs()
    {
        var notebooks = new[]
        {
            ("01-data", Notebook("string? runName = null;")),
            ("04-training", Notebook("string? runName = null;\ndouble? learningRate = null;")),
        };

        var e = Assert.Throws<ArgumentException>(() =>
            ParameterInjector.Validate(notebooks, [NotebookParameter.Parse("learningRate=abc")]));

        Assert.Contains("learningRate must be a number (double) or null, not 'abc'", e.Message);
    }

    [Fact]
    public void An_undeclared_parameter_is_named_with_the_closest_declared_one()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ParameterInjector.Validate([("04-training", Notebook("double? learningRate = null;\nint? maxLength = null;"))],
                [NotebookParameter.Parse("lerningRate=1")]));

        Assert.Contains("'lerningRate'", e.Message);
        Assert.Contains("did you mean 'learningRate'?", e.Message);
    }

    [Fact]
    public void A_parameters_file_is_a_json_object_typed_like_the_command_line()
    {
        var path = Path.Combine(_folder, "params.json");
        File.WriteAllText(path, """{ "runName": "2024", "maxLength": 128, "learningRate": 2e-5, "resume": false, "seed": null }""");

        var parameters = NotebookParameter.ReadFile(path);

        Assert.Equal([("runName", "2024"), ("maxLength", "128"), ("learningRate", "2e-5"), ("resume", "false"), ("seed", null)],
            parameters.Select(p => (p.Name, p.Value)));
        Assert.Equal("seed = null;", parameters[^1].AssignmentFor(Declared("int? seed = 42;", "seed")));
    }

    [Theory]
    [InlineData("[1, 2]", "must hold one JSON object")]
    [InlineData("{ \"maxLength\": ", "is not valid JSON")]
    [InlineData("{ \"sizes\": [1, 2] }", "'sizes' is Array")]
    public void A_bad_parameters_file_is_a_clear_error(string json, string message)
    {
        var path = Path.Combine(_folder, "bad.json");
        File.WriteAllText(path, json);

        Assert.Contains(message, Assert.Throws<ArgumentException>(() => NotebookParameter.ReadFile(path)).Message);
    }
}
