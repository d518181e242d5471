using System.Runtime.CompilerServices;
using BertNotebooks.Native;

namespace BertNotebooks.Tests;

/// <summary>The tests' host set-up: LibTorch is loaded before any test touches <c>torch</c>, as setup.dib and bertnb do.</summary>
static class TestSetUp
{
#pragma warning disable CA2255 // The test assembly is the host here, and xunit has no assembly-wide set-up hook.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void LoadTorch() => TorchNative.EnsureLoaded();
}
