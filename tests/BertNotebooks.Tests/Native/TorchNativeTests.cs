using BertNotebooks.Native;
using TorchSharp;

namespace BertNotebooks.Tests.Native;

public class TorchNativeTests
{
    static string LibTorchSharpPath => TorchNative.EnsureLoaded().LibTorch!.LibTorchSharpPath;

    [Fact]
    public void Torch_works_after_the_library_loads_it()
    {
        var report = TorchNative.EnsureLoaded();
        using var sum = torch.ones(3).sum();
        Assert.Equal(3f, sum.item<float>());
        Assert.False(string.IsNullOrEmpty(report.ToString()));
    }

    [Fact]
    public void Old_libstdcxx_gets_the_marker_version_weakened()
    {
        var elf = ElfSymbolVersions.Read(LibTorchSharpPath);
        var older = elf.Needed.Where(v => v.Library == "libstdc++.so.6" && v.Version != "GLIBCXX_3.4.32")
            .Select(v => v.Version)
            .ToHashSet();

        var weaken = TorchNative.VersionsToWeaken(elf, older);

        Assert.Equal(["GLIBCXX_3.4.32"], weaken.Select(v => v.Version));
        var patched = Path.Combine(Path.GetTempPath(), $"weak-{Guid.NewGuid():N}.so");
        File.WriteAllBytes(patched, elf.WithWeakVersions(weaken));
        try
        {
            var reread = ElfSymbolVersions.Read(patched);
            Assert.True(reread.Needed.Single(v => v.Version == "GLIBCXX_3.4.32").IsWeak);
            Assert.All(reread.Needed.Where(v => v.Version != "GLIBCXX_3.4.32"), v => Assert.False(v.IsWeak));
            Assert.DoesNotContain(ElfSymbolVersions.Read(LibTorchSharpPath).Needed, v => v.IsWeak); // the original is untouched
        }
        finally { File.Delete(patched); }
    }

    [Fact]
    public void New_enough_libstdcxx_leaves_the_library_as_it_is()
    {
        var elf = ElfSymbolVersions.Read(LibTorchSharpPath);
        var all = elf.Needed.Select(v => v.Version).ToHashSet();

        Assert.Empty(TorchNative.VersionsToWeaken(elf, all));
    }

    [Fact]
    public void A_missing_version_with_real_symbols_is_refused_with_a_clear_error()
    {
        var elf = ElfSymbolVersions.Read(LibTorchSharpPath);
        var withoutCxx11Abi = elf.Needed.Where(v => v.Version != "GLIBCXX_3.4.21").Select(v => v.Version).ToHashSet();

        var error = Assert.Throws<NotSupportedException>(() => TorchNative.VersionsToWeaken(elf, withoutCxx11Abi));
        Assert.Contains("GLIBCXX_3.4.21", error.Message);
        Assert.Contains("newer libstdc++", error.Message);
    }

    [Fact]
    public void The_system_libstdcxx_decides_between_the_original_and_a_patched_copy()
    {
        var report = TorchNative.EnsureLoaded();
        var libstdcxx = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .First(p => p.Length >= 6 && Path.GetFileName(p[5]).StartsWith("libstdc++.so", StringComparison.Ordinal))[5];
        bool newEnough = ElfSymbolVersions.Read(libstdcxx).Defined.Contains("GLIBCXX_3.4.32");

        if (newEnough)
        {
            Assert.Empty(report.WeakenedVersions);
            Assert.Equal(report.LibTorch!.LibTorchSharpPath, report.LibTorchSharpPath);
        }
        else
        {
            Assert.Equal(["GLIBCXX_3.4.32"], report.WeakenedVersions);
            Assert.NotEqual(report.LibTorch!.LibTorchSharpPath, report.LibTorchSharpPath);
            Assert.True(ElfSymbolVersions.Read(report.LibTorchSharpPath).Needed.Single(v => v.Version == "GLIBCXX_3.4.32").IsWeak);
        }
    }

    [Fact]
    public void Not_an_elf_file_is_named_in_the_error()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "not a library");
        try { Assert.Contains(path, Assert.Throws<InvalidDataException>(() => ElfSymbolVersions.Read(path)).Message); }
        finally { File.Delete(path); }
    }
}
