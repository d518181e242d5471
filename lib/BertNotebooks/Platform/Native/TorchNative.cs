using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Security.Cryptography;
using TorchSharp;

namespace BertNotebooks.Native;

/// <summary>What was loaded to make TorchSharp work, for notebooks to print and for bug reports.</summary>
public sealed record TorchNativeReport(LibTorchLocation? LibTorch, string LibTorchSharpPath, IReadOnlyList<string> WeakenedVersions)
{
    /// <summary>True where <see cref="LinuxSpecific"/> is off but this system's libstdc++ needs the ELF patch to load at all.</summary>
    public bool PatchKeptAlthoughOff { get; init; }

    public override string ToString() => (PatchKeptAlthoughOff
        ? $"{LinuxSpecific.EnvironmentVariable}=off, but the ELF patch is kept: this system's libstdc++ is too old for " +
          "TorchSharp's native library without it. "
        : "") + (LibTorch is null
        ? "TorchSharp loaded its native libraries itself."
        : $"LibTorch {LibTorch.Version ?? (LibTorch.Source == LibTorchLocation.PackageSource ? torch.__version__ : "(version unknown)")} " +
          $"from {LibTorch.Source} ({BertPaths.ForDisplay(LibTorch.Directory)}); " +
          $"TorchSharp native: {BertPaths.ForDisplay(LibTorchSharpPath)}" +
          (WeakenedVersions.Count == 0
              ? ""
              : $" (patched copy: {string.Join(", ", WeakenedVersions)} marked weak for this system's older libstdc++)"));
}

/// <summary>
/// Loads LibTorch and TorchSharp's native library before anything touches <c>torch</c>.
/// <para>
/// TorchSharp 0.107's libLibTorchSharp.so asks for GLIBCXX_3.4.32, which Debian 12's libstdc++ (3.4.30) lacks. The only
/// symbol behind that version is <c>std::ios_base_library_init</c>, a marker nothing calls. Where the system libstdc++ is
/// too old, a copy whose requirement is marked weak is loaded instead; where it is new enough, the original is loaded.
/// Without this, TorchSharp's error misleadingly says the app "doesn't contain a reference to libtorch-cpu-linux-x64".
/// </para>
/// </summary>
public static class TorchNative
{
    /// <summary>Versions that may be weakened: those whose symbols are all markers that no code calls.</summary>
    static readonly HashSet<string> MarkerOnlySymbols = ["_ZSt21ios_base_library_initv"];
    const string LibStdCxx = "libstdc++.so.6";

    static readonly Lock Gate = new();
    static TorchNativeReport? _report;
    static Exception? _failure;

    /// <summary>
    /// Loads the native libraries once and sets the allocator for training; later calls return the same report (or rethrow
    /// the same failure). Explicit, not a module initializer: whoever hosts the library (setup.dib, a generated app,
    /// bertnb, a test) calls it before touching <c>torch</c>, and merely loading the DLL (as bertnb-run does) changes
    /// nothing in the process.
    /// </summary>
    public static TorchNativeReport EnsureLoaded()
    {
        lock (Gate)
        {
            if (_report is not null) return _report;
            if (_failure is not null) throw new InvalidOperationException(_failure.Message, _failure);
            try
            {
                Allocator.TuneForTraining();
                _report = LinuxSpecific.Enabled ? LoadOnLinux()
                    : LibTorchLocation.IsLinux && PatchRequired() ? LoadOnLinux() with { PatchKeptAlthoughOff = true }
                    : new TorchNativeReport(null, "", []);
                return _report;
            }
            catch (Exception e)
            {
                _failure = e;
                throw;
            }
        }
    }

    /// <summary>Returns memory freed at the end of a phase (an evaluation, a checkpoint, a notebook) to the system:
    /// <see cref="Allocator.ReturnFreedMemory"/>.</summary>
    public static void ReturnFreedMemory() => Allocator.ReturnFreedMemory();

    static TorchNativeReport LoadOnLinux()
    {
        var torchSharp = typeof(torch).Assembly;
        var location = LibTorchLocation.Resolve(Path.GetDirectoryName(torchSharp.Location)!);
        LoadLibTorch(location);

        var original = ElfSymbolVersions.Read(location.LibTorchSharpPath);
        var weaken = VersionsToWeaken(original, DefinedByLoadedLibStdCxx());
        var path = weaken.Count == 0 ? location.LibTorchSharpPath : WritePatchedCopy(location.LibTorchSharpPath, original, weaken);
        IntPtr handle;
        try { handle = NativeLibrary.Load(path); }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                $"TorchSharp's native library could not be loaded against the LibTorch from {location.Source} " +
                $"({location.Directory}, version {location.Version ?? "unknown"}). TorchSharp {torchSharp.GetName().Version} " +
                $"needs LibTorch 2.10; an older or newer one may lack symbols. Loader said: {e.Message}", e);
        }
        RouteDllImports(torchSharp, handle);
        return new TorchNativeReport(location, path, weaken.Select(v => v.Version).ToList());
    }

    /// <summary>With <see cref="LinuxSpecific"/> off: whether TorchSharp's native library cannot load without the ELF patch.</summary>
    static bool PatchRequired()
    {
        var location = LibTorchLocation.Resolve(Path.GetDirectoryName(typeof(torch).Assembly.Location)!);
        return VersionsToWeaken(ElfSymbolVersions.Read(location.LibTorchSharpPath), DefinedByLoadedLibStdCxx()).Count > 0;
    }

    /// <summary>Loads LibTorch's own libraries in dependency order, so that TorchSharp's library finds them already mapped.</summary>
    public static void LoadLibTorch(LibTorchLocation location)
    {
        foreach (var file in LibTorchLocation.LoadOrder)
        {
            var library = Path.Combine(location.Directory, file);
            if (!File.Exists(library)) continue;
            try { NativeLibrary.Load(library); }
            catch (DllNotFoundException e)
            {
                throw new DllNotFoundException(
                    $"{file} from {location.Source} ({location.Directory}) could not be loaded: {e.Message}. The folder must " +
                    $"hold a complete LibTorch for this machine; set {LibTorchLocation.EnvironmentVariable} to another folder, " +
                    "or unset it to use the TorchSharp-cpu package.", e);
            }
        }
    }

    /// <summary>
    /// The libstdc++ versions that libLibTorchSharp needs but this system's libstdc++ does not define. Throws where one
    /// of them carries real symbols: weakening it would crash later instead of failing now.
    /// </summary>
    public static IReadOnlyList<NeededVersion> VersionsToWeaken(ElfSymbolVersions libTorchSharp,
        IReadOnlyCollection<string> definedBySystem)
    {
        var missing = libTorchSharp.Needed
            .Where(v => v.Library == LibStdCxx && !v.IsWeak && !definedBySystem.Contains(v.Version))
            .ToList();
        foreach (var version in missing)
        {
            var used = libTorchSharp.SymbolsUsing(version.Index).Where(s => !MarkerOnlySymbols.Contains(s)).ToList();
            if (used.Count > 0)
                throw new NotSupportedException(
                    $"TorchSharp's native library needs {version.Version} from {LibStdCxx} for {string.Join(", ", used.Take(3))}, " +
                    "and this system's libstdc++ is older. Install a newer libstdc++ (GCC 13 or later), or set " +
                    $"{LibTorchLocation.EnvironmentVariable} to a LibTorch built for this system.");
        }
        return missing;
    }

    static IReadOnlyCollection<string> DefinedByLoadedLibStdCxx()
    {
        NativeLibrary.Load(LibStdCxx); // already mapped by LibTorch; this only makes sure
        var path = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length >= 6 && Path.GetFileName(parts[5]).StartsWith("libstdc++.so", StringComparison.Ordinal))
            .Select(parts => parts[5])
            .FirstOrDefault()
            ?? throw new InvalidOperationException($"{LibStdCxx} is not mapped into this process; cannot tell which versions it defines.");
        return ElfSymbolVersions.Read(path).Defined.ToHashSet();
    }

    static string WritePatchedCopy(string originalPath, ElfSymbolVersions original, IReadOnlyList<NeededVersion> weaken)
    {
        var bytes = original.WithWeakVersions(weaken);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        var dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData,
            Environment.SpecialFolderOption.Create),
            "BertNotebooks", "native", hash);
        var target = Path.Combine(dir, Path.GetFileName(originalPath)); // same file name, so its SONAME matches
        if (File.Exists(target)) return target;
        Directory.CreateDirectory(dir);
        var temp = target + $".{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, target, overwrite: true);
        return target;
    }

    /// <summary>Makes TorchSharp's <c>[DllImport("LibTorchSharp")]</c> and its own probing use the library loaded here.</summary>
    static void RouteDllImports(Assembly torchSharp, IntPtr handle)
    {
        static bool IsLibTorchSharp(string name) => name is "LibTorchSharp" or "libLibTorchSharp" or "libLibTorchSharp.so";
        try { NativeLibrary.SetDllImportResolver(torchSharp, (name, _, _) => IsLibTorchSharp(name) ? handle : IntPtr.Zero); }
        catch (InvalidOperationException) { /* a resolver is already set; the event below still covers the fallback */ }
        var context = AssemblyLoadContext.GetLoadContext(torchSharp) ?? AssemblyLoadContext.Default;
        context.ResolvingUnmanagedDll += (assembly, name) => assembly == torchSharp && IsLibTorchSharp(name) ? handle : IntPtr.Zero;
    }
}
