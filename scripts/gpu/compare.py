"""Pairs the JSON lines of `bertnb bench-step --json` and hf_step_benchmark.py and prints samples/s with the ratio."""
import json, sys

rows = [json.loads(line) for path in sys.argv[1:] for line in open(path) if line.startswith("{")]
ours = {(r["preset"], r["batch"], r["seq"], r["dtype"]): r for r in rows if r["impl"] == "bertnotebooks"}
print(f"{'shape':<22}{'dtype':<7}{'BertNotebooks':>15}{'HF PyTorch':>13}{'ratio':>8}")
for r in rows:
    if r["impl"] != "hf-pytorch":
        continue
    key = (r["preset"], r["batch"], r["seq"], r["dtype"])
    mine = ours.get(key)
    shape = f"{r['preset']} {r['batch']}x{r['seq']}"
    if mine is None:
        print(f"{shape:<22}{r['dtype']:<7}{'-':>15}{r['samples_per_s']:>13.1f}{'-':>8}")
    else:
        print(f"{shape:<22}{r['dtype']:<7}{mine['samples_per_s']:>15.1f}{r['samples_per_s']:>13.1f}{mine['samples_per_s'] / r['samples_per_s']:>8.2f}")
