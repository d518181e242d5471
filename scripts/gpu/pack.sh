#!/usr/bin/env bash
# Run here (with the .NET SDK): builds what benchmark.sh needs on a GPU machine that has Python torch but no .NET.
# The CLI is built framework-dependent against no LibTorch package (TorchBackend=none): it uses the machine's PyTorch.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out=artifacts/gpu
rm -rf "$out" && mkdir -p "$out"
dotnet publish lib/BertNotebooks.Cli -c Release -p:TorchBackend=none -o "$out/bertnb"
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime="$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | sort -V | tail -n 1)"
tar -C "$dotnet_root" -cJf "$out/dotnet-runtime.tar.xz" dotnet host "shared/Microsoft.NETCore.App/$runtime"
du -sh "$out"/*
