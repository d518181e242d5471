#!/usr/bin/env bash
# Run on a machine with an NVIDIA GPU, python3 with torch and transformers, after pack.sh (carry artifacts/gpu there).
# Times the library's BERT-base training step and Hugging Face's with the same shapes and optimiser, in one go.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
gpu=artifacts/gpu
if ! command -v dotnet > /dev/null; then
  mkdir -p /tmp/dotnet && tar -C /tmp/dotnet -xJf "$gpu/dotnet-runtime.tar.xz"
  export DOTNET_ROOT=/tmp/dotnet PATH="/tmp/dotnet:$PATH"
fi
export BERTNB_LIBTORCH=python
LD_LIBRARY_PATH="$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))'):${LD_LIBRARY_PATH:-}"
export LD_LIBRARY_PATH
shapes="${SHAPES:-8x512,32x128}"
results="$(mktemp -d)"
dotnet "$gpu/bertnb/bertnb.dll" bench-step --preset bert-base --device cuda --shapes "$shapes" --steps 30 --warmup 5 --json | tee "$results/bertnb.jsonl"
dotnet "$gpu/bertnb/bertnb.dll" bench-step --preset bert-base --device cuda --shapes "$shapes" --steps 30 --warmup 5 --tf32 --json | tee -a "$results/bertnb.jsonl"
python3 scripts/gpu/hf_step_benchmark.py --preset bert-base --shapes "$shapes" --dtypes fp32,tf32,bf16 --steps 30 --warmup 5 | tee "$results/hf.jsonl"
python3 scripts/gpu/compare.py "$results/bertnb.jsonl" "$results/hf.jsonl"
