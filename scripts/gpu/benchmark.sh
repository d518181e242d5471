#!/usr/bin/env bash
# Run on a machine with an NVIDIA GPU, python3 with torch and transformers, after pack.sh (carry artifacts/gpu there).
# Times the library's training step and Hugging Face's (BERT-base and MiniLM) with the same shapes and optimiser, in fp32,
# TF32 and bf16 mixed precision, in one go. SHAPES and PRESETS override what is measured.
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
presets="${PRESETS:-bert-base minilm}"
results="$(mktemp -d)"
for preset in $presets; do
  # --precision bf16 times fp32 and bf16 (autocast-style mixed precision) in turn: one JSON line each. --last-layer every-row: the
  # last layer computes every token's row, as HF's model does (the library's classifier computes [CLS]'s alone).
  dotnet "$gpu/bertnb/bertnb.dll" bench-step --preset "$preset" --device cuda --shapes "$shapes" --steps 30 --warmup 5 --precision bf16 --last-layer every-row --json | tee -a "$results/bertnb.jsonl"
  dotnet "$gpu/bertnb/bertnb.dll" bench-step --preset "$preset" --device cuda --shapes "$shapes" --steps 30 --warmup 5 --tf32 --last-layer every-row --json | tee -a "$results/bertnb.jsonl"
  # The same shapes, fp32, TF32 and bf16 (torch.autocast, as the HF Trainer's bf16=True).
  python3 scripts/gpu/hf_step_benchmark.py --preset "$preset" --shapes "$shapes" --dtypes fp32,tf32,bf16 --steps 30 --warmup 5 | tee -a "$results/hf.jsonl"
done
python3 scripts/gpu/compare.py "$results/bertnb.jsonl" "$results/hf.jsonl"
