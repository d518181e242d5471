using System.Diagnostics;
using System.Runtime.InteropServices;
using BertNotebooks.IO;

namespace BertNotebooks.Native;

/// <summary>Where the LibTorch shared libraries come from, and where TorchSharp's own native library is.</summary>
public sealed record LibTorchLocation(string Directory, string Source, string? Version, string LibTorchSharpPath)
{
    public const string EnvironmentVariable = "BERTNB_LIBTORCH";
    const string UsePython = "python";
    public const string PackageSource = "TorchSharp package";

    /// <summary>LibTorch libraries, in the order they must be loaded; the CUDA ones are loaded when present.</summary>
    public static readonly string[] LoadOrder = ["libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so"];
    static readonly string[] Required = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    public bool HasCuda => File.Exists(Path.Combine(Directory, "libtorch_cuda.so"));

    /// <summary>
    /// <c>BERTNB_LIBTORCH</c> names a folder of LibTorch libraries (for example a Python install's <c>torch/lib</c>),
    /// or the word <c>python</c> to use the torch of the <c>python3</c> on the PATH. Without it, the TorchSharp-cpu
    /// (or -cuda) package's libraries next to TorchSharp are used.
    /// </summary>
    public static LibTorchLocation Resolve(string torchSharpAssemblyDirectory, string? setting = null)
    {
        setting ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        string libTorchSharp = FindLibTorchSharp(torchSharpAssemblyDirectory);
        if (string.IsNullOrWhiteSpace(setting))
            return FromPackages(torchSharpAssemblyDirectory, libTorchSharp);
        if (setting.Trim().Equals(UsePython, StringComparison.OrdinalIgnoreCase))
            return FromPython(Environment.GetEnvironmentVariable("BERTNB_PYTHON") ?? "python3", libTorchSharp);
        return FromFolder(setting, EnvironmentVariable, ReadVersionNear(setting), libTorchSharp);
    }

    public static LibTorchLocation FromFolder(string dir, string source, string? version, string libTorchSharp)
    {
        if (!System.IO.Directory.Exists(dir))
            throw new DirectoryNotFoundException(
                $"{source}: the LibTorch folder '{dir}' does not exist. Set {EnvironmentVariable} to a folder holding " +
                "libc10.so, libtorch_cpu.so and libtorch.so (for a Python install: python3 -c \"import torch, os; " +
                "print(os.path.join(os.path.dirname(torch.__file__), 'lib'))\"), or unset it to use the TorchSharp-cpu package.");
        var missing = Required.Where(f => !File.Exists(Path.Combine(dir, f))).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException(
                $"{source}: the LibTorch folder '{dir}' lacks {string.Join(", ", missing)}. Point {EnvironmentVariable} " +
                "at the 'lib' folder of a LibTorch or PyTorch install, or unset it to use the TorchSharp-cpu package.");
        return new LibTorchLocation(Path.GetFullPath(dir), source, version, libTorchSharp);
    }

    static LibTorchLocation FromPackages(string assemblyDir, string libTorchSharp)
    {
        var candidates = NativeFolders(assemblyDir)
            .Concat(NuGetCacheFolders("libtorch-cpu-linux-x64"))
            .Concat(NuGetCacheFolders("libtorch-cuda-12.8-linux-x64"));
        var dir = candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")))
            ?? FetchedCpuPackage()
            ?? throw new FileNotFoundException(
                $"No LibTorch libraries were found next to TorchSharp ('{assemblyDir}') or in the NuGet cache. Build the " +
                $"solution once (dotnet build) so that the TorchSharp-cpu package is restored, or set {EnvironmentVariable} " +
                "to a LibTorch folder.");
        return new LibTorchLocation(dir, PackageSource, VersionFromPackagePath(dir), libTorchSharp);
    }

    /// <summary>The LibTorch version TorchSharp was built against (Directory.Packages.props), which the CPU package carries.</summary>
    public static string PackageVersion => typeof(LibTorchLocation).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .OfType<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "LibTorchVersion").Value!;

    /// <summary>
    /// An installed tool (bertnb, bertnb-run) carries TorchSharp's native library but not LibTorch's (hundreds of MB per OS):
    /// on first use the libtorch-cpu package for this system comes through NuGet into the NuGet cache (<see cref="NuGetFeed"/>).
    /// </summary>
    static string? FetchedCpuPackage()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return null; // libtorch-cpu is served for linux-x64 only
        var folder = NuGetFeed.EnsurePackage("libtorch-cpu-linux-x64", PackageVersion);
        var native = Path.Combine(folder, "runtimes", "linux-x64", "native");
        return File.Exists(Path.Combine(native, "libtorch_cpu.so")) ? native : null;
    }

    public static string FindLibTorchSharp(string assemblyDir)
    {
        var version = Path.GetFileName(Path.GetFullPath(Path.Combine(assemblyDir, "..", "..")));
        return NativeFolders(assemblyDir)
            .Concat(NuGetCacheFolders("torchsharp")
                .Where(d => d.Contains(Path.DirectorySeparatorChar + version + Path.DirectorySeparatorChar)))
            .Concat(NuGetCacheFolders("torchsharp"))
            .Select(d => Path.Combine(d, "libLibTorchSharp.so"))
            .FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"TorchSharp's native library libLibTorchSharp.so was not found next to '{assemblyDir}' or in the NuGet cache. " +
                "Run dotnet build once so that the TorchSharp package is restored.");
    }

    static IEnumerable<string> NativeFolders(string assemblyDir) =>
        [assemblyDir, Path.Combine(assemblyDir, "runtimes", "linux-x64", "native")];

    static IEnumerable<string> NuGetCacheFolders(string package)
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var packageDir = Path.Combine(root, package);
        if (!System.IO.Directory.Exists(packageDir)) return [];
        return System.IO.Directory.GetDirectories(packageDir)
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "runtimes", "linux-x64", "native"))
            .Where(System.IO.Directory.Exists);
    }

    static string? VersionFromPackagePath(string nativeDir)
    {
        // .../libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native
        var versionDir = Path.GetFullPath(Path.Combine(nativeDir, "..", "..", ".."));
        var name = Path.GetFileName(versionDir);
        return name.Length > 0 && char.IsDigit(name[0]) ? name : null;
    }

    static string? ReadVersionNear(string libDir)
    {
        // A Python install has torch/version.py beside torch/lib; a LibTorch zip has build-version beside lib/.
        var parent = Path.GetFullPath(Path.Combine(libDir, ".."));
        var buildVersion = Path.Combine(parent, "build-version");
        if (File.Exists(buildVersion)) return File.ReadAllText(buildVersion).Trim();
        var versionPy = Path.Combine(parent, "version.py");
        if (!File.Exists(versionPy)) return null;
        var line = File.ReadLines(versionPy).FirstOrDefault(l => l.StartsWith("__version__", StringComparison.Ordinal));
        return line?.Split('=', 2)[1].Trim().Trim('\'', '"');
    }

    /// <summary>The LibTorch inside the PyTorch of this Python interpreter (its <c>torch/lib</c> folder).</summary>
    public static LibTorchLocation FromPython(string python, string libTorchSharp)
    {
        var (dir, version) = AskPython(python);
        return FromFolder(dir, $"{python}'s torch {version}", version, libTorchSharp);
    }

    static (string Dir, string Version) AskPython(string python)
    {
        const string script = "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib')); print(torch.__version__)";
        try
        {
            var psi = new ProcessStartInfo(python, ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (process.ExitCode != 0 || lines.Length < 2)
                throw new InvalidOperationException(
                    $"{EnvironmentVariable}=python, but '{python} -c \"import torch\"' failed: {error.Trim()}. Install PyTorch " +
                    $"for that interpreter (pip install torch), or set {EnvironmentVariable} to a LibTorch folder.");
            return (lines[0], lines[1]);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable}=python, but '{python}' could not be started ({e.Message}). Put python3 with torch on the PATH " +
                $"(or name the interpreter in BERTNB_PYTHON), or set {EnvironmentVariable} to a LibTorch folder.", e);
        }
    }

    public static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
}
