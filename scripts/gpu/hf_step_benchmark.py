"""Times Hugging Face BertForSequenceClassification training steps the way `bertnb bench-step` times the library's.

Same shapes, same work per step (forward, backward, AdamW with lr 5e-5 and weight decay 0.01 on every parameter, no
clipping), warm-up steps, then the median of timed steps with CUDA synchronised around each. Prints one JSON object per
configuration. dtype: fp32, tf32 (float32 with TF32 matmuls) or bf16 (torch.autocast to bfloat16 around the forward, as the
HF Trainer does with bf16=True; master weights and AdamW stay float32), matching `bertnb bench-step --precision bf16`.
"""
import argparse, json, statistics, time

import torch
from transformers import BertConfig, BertForSequenceClassification


def bench(preset, batch, seq, dtype, steps, warmup, attention):
    sizes = {"bert-base": dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072),
             "minilm": dict(hidden_size=384, num_hidden_layers=6, num_attention_heads=12, intermediate_size=1536)}[preset]
    config = BertConfig(num_labels=20, attn_implementation=attention, **sizes)
    model = BertForSequenceClassification(config).cuda().train()
    torch.backends.cuda.matmul.allow_tf32 = dtype == "tf32"
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
    ids = torch.randint(1000, config.vocab_size, (batch, seq), device="cuda")
    mask = torch.ones_like(ids)
    labels = torch.randint(0, 20, (batch,), device="cuda")
    times = []
    for step in range(warmup + steps):
        torch.cuda.synchronize()
        start = time.perf_counter()
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=dtype == "bf16"):
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
        if step >= warmup:
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return dict(impl="hf-pytorch", preset=preset, batch=batch, seq=seq, dtype=dtype, median_step_s=median,
                samples_per_s=batch / median, peak_gpu_mib=torch.cuda.max_memory_allocated() / 2**20)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="bert-base")
    parser.add_argument("--shapes", default="8x512,32x128")
    parser.add_argument("--dtypes", default="fp32")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--attention", default="sdpa")
    args = parser.parse_args()
    for shape in args.shapes.split(","):
        batch, seq = map(int, shape.split("x"))
        for dtype in args.dtypes.split(","):
            print(json.dumps(bench(args.preset, batch, seq, dtype, args.steps, args.warmup, args.attention)), flush=True)
