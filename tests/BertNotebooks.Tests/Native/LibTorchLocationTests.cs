using BertNotebooks.Native;

namespace BertNotebooks.Tests.Native;

/// <summary>Bring-your-own LibTorch: discovery and its errors, with fake folders (nothing here needs a GPU).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LibTorchLocationTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("bertnb-libtorch-").FullName;
    static string LibTorchSharp => TorchNative.EnsureLoaded().LibTorch!.LibTorchSharpPath;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    string FakeLibTorch(params string[] files)
    {
        var lib = Directory.CreateDirectory(Path.Combine(_root, "torch", "lib")).FullName;
        foreach (var f in files) File.WriteAllText(Path.Combine(lib, f), "not a real library");
        return lib;
    }

    [Fact]
    public void A_missing_folder_is_named_with_the_variable_to_fix()
    {
        var missing = Path.Combine(_root, "nowhere");
        var error = Assert.Throws<DirectoryNotFoundException>(() => LibTorchLocation.Resolve(_root, missing));
        Assert.Contains(missing, error.Message);
        Assert.Contains("BERTNB_LIBTORCH", error.Message);
    }

    [Fact]
    public void A_folder_without_libtorch_lists_what_it_lacks()
    {
        var lib = FakeLibTorch("libc10.so");
        var error = Assert.Throws<FileNotFoundException>(() => LibTorchLocation.FromFolder(lib, "test", null, LibTorchSharp));
        Assert.Contains("libtorch_cpu.so", error.Message);
        Assert.Contains("libtorch.so", error.Message);
        Assert.DoesNotContain("libc10.so,", error.Message);
    }

    [Fact]
    public void A_complete_folder_resolves_with_its_version_and_cuda_flag()
    {
        var lib = FakeLibTorch("libc10.so", "libtorch_cpu.so", "libtorch.so", "libtorch_cuda.so");
        File.WriteAllText(Path.Combine(_root, "torch", "version.py"), "__version__ = '2.11.0+cu130'\ngit_version = 'x'\n");

        var location = LibTorchLocation.Resolve(Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location)!, lib);

        Assert.Equal(lib, location.Directory);
        Assert.Equal("2.11.0+cu130", location.Version);
        Assert.True(location.HasCuda);
        Assert.Equal("BERTNB_LIBTORCH", location.Source);
    }

    [Fact]
    public void Unloadable_libraries_get_an_error_naming_the_file_and_folder()
    {
        var lib = FakeLibTorch("libc10.so", "libtorch_cpu.so", "libtorch.so");
        var location = LibTorchLocation.FromFolder(lib, "BERTNB_LIBTORCH", null, LibTorchSharp);

        var error = Assert.Throws<DllNotFoundException>(() => TorchNative.LoadLibTorch(location));
        Assert.Contains("libc10.so", error.Message);
        Assert.Contains(lib, error.Message);
    }

    [Fact]
    public void Python_without_torch_says_how_to_fix_it()
    {
        var python = FakePython("import sys; sys.stderr.write(\"ModuleNotFoundError: No module named 'torch'\"); sys.exit(1)");
        var error = Assert.Throws<InvalidOperationException>(() => LibTorchLocation.FromPython(python, LibTorchSharp));
        Assert.Contains("No module named 'torch'", error.Message);
        Assert.Contains("pip install torch", error.Message);
    }

    [Fact]
    public void Python_with_torch_points_at_its_lib_folder()
    {
        var lib = FakeLibTorch("libc10.so", "libtorch_cpu.so", "libtorch.so");
        var python = FakePython($"print({System.Text.Json.JsonSerializer.Serialize(lib)}); print('2.11.0')");

        var location = LibTorchLocation.FromPython(python, LibTorchSharp);

        Assert.Equal(lib, location.Directory);
        Assert.Equal("2.11.0", location.Version);
        Assert.Contains("torch 2.11.0", location.Source);
    }

    [Fact]
    public void A_python_that_cannot_start_is_reported()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            LibTorchLocation.FromPython(Path.Combine(_root, "no-python"), LibTorchSharp));
        Assert.Contains("could not be started", error.Message);
    }

    /// <summary>An executable that ignores its arguments and runs this Python body instead, standing in for python3.</summary>
    string FakePython(string body)
    {
        var path = Path.Combine(_root, "python3");
        File.WriteAllText(path, $"#!/bin/sh\nexec python3 -c {Quote(body)}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    static string Quote(string s) => "'" + s.Replace("'", "'\"'\"'") + "'";
}
