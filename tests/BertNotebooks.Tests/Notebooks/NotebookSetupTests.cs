using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using BertNotebooks.Cli.Apps;
using BertNotebooks.Notebooks;
using BertNotebooks.Recipe;
using BertNotebooks.Tests.TestSupport;

namespace BertNotebooks.Tests.Notebooks;

public sealed class NotebookSetupTests
{
    static string Root => BertPaths.RepositoryRoot ?? throw new InvalidOperationException("Run the tests from the checkout.");

    [Fact]
    public void A_request_for_any_FSharp_Core_version_is_answered_with_the_loaded_one()
    {
        var loaded = typeof(Microsoft.FSharp.Core.Unit).Assembly;
        var newer = new AssemblyName("FSharp.Core, Version=99.1.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a");

        Assert.Same(loaded, KernelCompatibility.AnswerWithLoaded(newer, AppDomain.CurrentDomain.GetAssemblies()));
        Assert.Null(KernelCompatibility.AnswerWithLoaded(new AssemblyName("Plotly.NET, Version=6.0.0.0"),
            AppDomain.CurrentDomain.GetAssemblies()));
        Assert.Null(KernelCompatibility.AnswerWithLoaded(newer,
            [typeof(object).Assembly])); // nothing loaded: the runtime's own error stands
    }

    [Fact]
    public void Every_notebook_starts_with_the_shared_setup_and_no_library_path_of_its_own()
    {
        foreach (var notebook in Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb"))
        {
            var text = File.ReadAllText(notebook);
            Assert.Contains("\"#!import setup.dib\"", text);
            Assert.DoesNotContain("bin/Debug", text);
        }
    }

    /// <summary>
    /// A notebook loads a package of its own only to show what an app uses (07-deploy: Microsoft.ML.Tokenizers, ONNX
    /// Runtime), at the version Directory.Packages.props pins, so that its app's #:package line builds the same.
    /// </summary>
    [Fact]
    public void A_notebooks_own_package_references_are_the_pinned_versions()
    {
        var pinned = XDocument.Load(Path.Combine(Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);
        var references = Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb")
            .SelectMany(notebook => Regex.Matches(File.ReadAllText(notebook), @"#r \\""nuget: ([\w.]+), ([^\\""]+)\\""")
                .Select(reference => (Notebook: Path.GetFileName(notebook), Package: reference.Groups[1].Value,
                    Version: reference.Groups[2].Value)))
            .ToList();
        Assert.Contains(references, r => r.Package == "Microsoft.ML.Tokenizers"); // 07-deploy's app tokenizer
        foreach (var (notebook, package, version) in references)
            Assert.True(pinned.TryGetValue(package, out var pin) && pin == version,
                $"{notebook} loads {package} {version}; Directory.Packages.props pins {pin ?? "nothing"}.");
    }

    /// <summary>The runner, the apps and papermill find the parameters by this tag: an edit that drops it breaks all three.</summary>
    [Fact]
    public void Every_notebook_has_one_cell_tagged_parameters_and_cell_ids_that_are_unique()
    {
        foreach (var notebook in Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb"))
        {
            var cells = NotebookDocument.Read(notebook);
            var tagged = cells.Count(c => c.IsParameters);
            Assert.True(tagged == 1,
                $"{Path.GetFileName(notebook)} has {tagged} cells tagged 'parameters'; tag the one that declares the defaults.");
            var ids = cells.Select(c => c.Id).ToList();
            Assert.True(ids.All(id => id is not null) && ids.Distinct().Count() == ids.Count,
                $"{Path.GetFileName(notebook)}: every cell needs an id of its own (nbformat 4.5).");
        }
    }

    [Fact]
    public void The_setup_loads_the_package_versions_pinned_in_Directory_Packages_props()
    {
        var pinned = XDocument.Load(Path.Combine(Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);
        var setup = File.ReadAllText(Path.Combine(Root, "notebooks", "setup.dib"));
        var references = Regex.Matches(setup, @"#r ""nuget: ([\w.]+), ([^""]+)""");

        Assert.NotEmpty(references);
        foreach (Match reference in references)
            Assert.True(pinned.TryGetValue(reference.Groups[1].Value, out var version) && version == reference.Groups[2].Value,
                $"setup.dib loads {reference.Groups[1].Value} {reference.Groups[2].Value}; " +
                $"Directory.Packages.props pins {version ?? "nothing"}.");
        Assert.Contains("#r \"../lib/BertNotebooks/bin/notebooks/BertNotebooks.dll\"", setup);
        Assert.True(File.Exists(Path.Combine(Root, "lib", "BertNotebooks", "bin", "notebooks", "BertNotebooks.dll")),
            "The library's build output is not where setup.dib loads it from.");
    }

    [Fact]
    public void The_series_profile_comes_from_the_parameter_then_the_environment_then_the_file()
    {
        using var folder = new TempFolder();
        var saved = Environment.GetEnvironmentVariable(SeriesProfile.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(SeriesProfile.EnvironmentVariable, null);
            Assert.Equal(("quick", "the default"), SeriesProfile.Resolve(null, folder.Path));

            var file = folder.File(SeriesProfile.FileName, "# a comment naming full\n\n  smoke   # the workshop's\nfull\n");
            Assert.Equal(("smoke", file), SeriesProfile.Resolve(null, folder.Path));

            Environment.SetEnvironmentVariable(SeriesProfile.EnvironmentVariable, "full");
            Assert.Equal("full", SeriesProfile.Resolve(null, folder.Path).Profile);
            Assert.Equal("quick", SeriesProfile.Resolve("quick", folder.Path).Profile);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SeriesProfile.EnvironmentVariable, saved);
        }
    }

    [Fact]
    public void The_checked_in_profile_file_names_a_known_profile()
    {
        var profile = SeriesProfile.ReadFile(Path.Combine(Root, "notebooks", SeriesProfile.FileName));
        Assert.Contains(profile, RunSettings.Profiles);
    }
}
