"""The training step of `bertnb bench-step` in PyTorch on the CPU, beside the library's, from one run; prints both and the ratio.

The same step: a randomly initialised BERT of all-MiniLM-L6-v2's shape with a 20-class head (hidden 384, 6 layers, 12 heads,
FFN 1536, vocab 30522), batch 8 x 128 tokens, forward with Hugging Face's dropout (p 0.1 on the embeddings, the attention
probabilities, each sublayer's output and before the classifier), cross-entropy, backward, gradient clipping to norm 1.0,
AdamW (lr 5e-5, betas 0.9/0.999, eps 1e-8, weight decay 0.01 on all but biases and LayerNorm weights), 2 warm-up steps and
the median of 10. Uses transformers' BertForSequenceClassification where it is installed, else the same BERT written here
in plain torch (Debian's python3-torch has no transformers). Then runs `bertnb bench-step --last-layer every-row --json`
(its last layer computing every token's row, as HF's does, not [CLS]'s alone, the library's default) and prints the ratio.

    /usr/bin/python3 scripts/cpu/torch_step.py   # Debian: apt-get install python3-torch libopenblas0-pthread
"""
import argparse, json, math, os, platform, statistics, subprocess, sys, time

import torch
from torch import nn
import torch.nn.functional as F

HIDDEN, LAYERS, HEADS, FFN, VOCAB, LABELS, POSITIONS, TYPES, P = 384, 6, 12, 1536, 30522, 20, 512, 2, 0.1


class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = (nn.Linear(HIDDEN, HIDDEN) for _ in range(3))
        self.dropout = nn.Dropout(P)  # on the attention probabilities, as transformers' eager attention

    def forward(self, x, additive_mask):  # (B, T, H)
        b, t, _ = x.shape
        split = lambda y: y.view(b, t, HEADS, HIDDEN // HEADS).transpose(1, 2)  # (B, heads, T, d)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + additive_mask  # (B, heads, T, T)
        probs = self.dropout(scores.softmax(-1))
        return (probs @ v).transpose(1, 2).reshape(b, t, HIDDEN)


class ResidualOutput(nn.Module):
    """dense, dropout, then LayerNorm of the sum with the sublayer's input (BertSelfOutput and BertOutput)."""

    def __init__(self, inner):
        super().__init__()
        self.dense, self.dropout, self.LayerNorm = nn.Linear(inner, HIDDEN), nn.Dropout(P), nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention, self.attention_output = SelfAttention(), ResidualOutput(HIDDEN)
        self.intermediate, self.output = nn.Linear(HIDDEN, FFN), ResidualOutput(FFN)

    def forward(self, x, additive_mask):
        x = self.attention_output(self.attention(x, additive_mask), x)
        return self.output(F.gelu(self.intermediate(x)), x)  # exact (erf) GELU, BERT's "gelu"


class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings, self.position_embeddings = nn.Embedding(VOCAB, HIDDEN, padding_idx=0), nn.Embedding(POSITIONS, HIDDEN)
        self.token_type_embeddings = nn.Embedding(TYPES, HIDDEN)
        self.LayerNorm, self.dropout = nn.LayerNorm(HIDDEN, eps=1e-12), nn.Dropout(P)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.pooler, self.classifier = nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, LABELS)
        for module in self.modules():  # BERT's initialisation: normal(0, 0.02), zero biases
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, std=0.02)
            if isinstance(module, nn.Linear):
                nn.init.zeros_(module.bias)

    def forward(self, ids, mask, types, labels):  # ids, mask, types: (B, T); labels: (B,)
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.word_embeddings(ids) + self.position_embeddings(positions) + self.token_type_embeddings(types)
        x = self.dropout(self.LayerNorm(x))  # (B, T, H)
        additive_mask = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min  # (B, 1, 1, T)
        for layer in self.layers:
            x = layer(x, additive_mask)
        pooled = torch.tanh(self.pooler(x[:, 0]))  # (B, H): [CLS]
        return F.cross_entropy(self.classifier(self.dropout(pooled)), labels)


def model_and_loss():
    try:
        from transformers import BertConfig, BertForSequenceClassification
    except ImportError:
        return Bert(), "BERT in plain torch (no transformers)"
    config = BertConfig(vocab_size=VOCAB, hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                        intermediate_size=FFN, num_labels=LABELS, attn_implementation="eager")
    hf = BertForSequenceClassification(config)
    loss = lambda ids, mask, types, labels: hf(input_ids=ids, attention_mask=mask, token_type_ids=types, labels=labels).loss
    hf.forward_loss = loss
    return hf, "transformers BertForSequenceClassification (eager attention)"


def torch_step_seconds(batch, seq, steps, warmup):
    torch.manual_seed(0)
    model, kind = model_and_loss()
    model.train()
    step_loss = getattr(model, "forward_loss", model)
    no_decay = [p for n, p in model.named_parameters() if "bias" in n or "LayerNorm" in n]
    decay = [p for n, p in model.named_parameters() if not ("bias" in n or "LayerNorm" in n)]
    optimizer = torch.optim.AdamW([dict(params=decay, weight_decay=0.01), dict(params=no_decay, weight_decay=0.0)],
                                  lr=5e-5, betas=(0.9, 0.999), eps=1e-8)
    ids = torch.randint(0, VOCAB, (batch, seq))
    mask, types = torch.ones_like(ids), torch.zeros_like(ids)
    labels = torch.randint(0, LABELS, (batch,))
    times = []
    for step in range(warmup + steps):
        start = time.perf_counter()
        loss = step_loss(ids, mask, types, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if step >= warmup:
            times.append(time.perf_counter() - start)
            print(f"pytorch step {step - warmup + 1}/{steps}: {times[-1] * 1e3:.1f} ms", file=sys.stderr, flush=True)
    try:
        import resource  # Unix only; ru_maxrss is in KiB on Linux
        print(f"pytorch peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB", file=sys.stderr)
    except ImportError:
        pass
    return statistics.median(times), kind


def cpu_model():
    if os.path.exists("/proc/cpuinfo"):
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def build_line():
    """PyTorch's BLAS and oneDNN, from the build settings torch.__config__.show() prints."""
    settings = dict(item.strip().split("=", 1) for line in torch.__config__.show().splitlines() if "BLAS_INFO" in line
                    for item in line.strip().removeprefix("- Build settings:").split(", ") if "=" in item)
    mkl = "MKL" if torch.backends.mkl.is_available() else "no MKL"
    return f"BLAS_INFO={settings.get('BLAS_INFO', 'unknown')}, LAPACK_INFO={settings.get('LAPACK_INFO', 'unknown')}, " \
           f"USE_MKLDNN={settings.get('USE_MKLDNN', 'unknown')}, {mkl}{blas_libraries()}"


def blas_libraries():
    """The BLAS libraries mapped into this process, where Linux says (BLAS_INFO=generic: Debian's libblas.so.3 alternative)."""
    if not os.path.exists("/proc/self/maps"):
        return ""
    torch.ones(64, 64) @ torch.ones(64, 64)  # loads the BLAS
    paths = {line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.rsplit("/", 1)[-1]}
    return "; BLAS loaded: " + ", ".join(sorted(os.path.realpath(p) for p in paths)) if paths else ""


def bench_step(repository, batch, seq, steps, warmup, threads):
    command = ["dotnet", "run", "--project", os.path.join(repository, "lib", "BertNotebooks.Cli"), "-c", "Release", "--",
               "bench-step", "--preset", "minilm", "--shapes", f"{batch}x{seq}", "--steps", str(steps), "--warmup", str(warmup),
               "--precision", "fp32", "--threads", str(threads), "--last-layer", "every-row", "--json"]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    lines = run.stdout.splitlines()
    return lines[0], json.loads(next(l for l in lines if l.startswith("{")))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="8x128", help="BATCHxSEQ, as bench-step's --shapes")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="threads for both (default one per core, LibTorch's default; Debian's torch starts with 1)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    batch, seq = map(int, args.shape.split("x"))
    repository = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

    load = f"; load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"CPU: {cpu_model()}; {os.cpu_count()} cores; {torch.get_num_threads()} threads each{load}")
    print(f"PyTorch {torch.__version__} ({torch.__file__}); {build_line()}")
    torch_s, kind = torch_step_seconds(batch, seq, args.steps, args.warmup)
    print(f"pytorch ({kind}): median fp32 step {torch_s * 1e3:.1f} ms (batch {batch}, seq {seq}, median of {args.steps})")
    hardware, ours = bench_step(repository, batch, seq, args.steps, args.warmup, args.threads)
    print(f"bertnb bench-step ({hardware}): median fp32 step {ours['median_step_s'] * 1e3:.1f} ms, "
          f"{ours['achieved_gflops']} GFLOP/s, matmul {ours['matmul_gflops']} GFLOP/s, peak memory {ours['peak_rss_mib']} MiB")
    print(f"ratio pytorch / bertnb: {torch_s / ours['median_step_s']:.2f} (above 1: the library's step is faster)")
