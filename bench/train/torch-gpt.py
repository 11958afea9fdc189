#!/usr/bin/python3
"""torch-gpt.py -- the PyTorch side of dl-train's GPT benchmark: a byte-level GPT on the KJV.

Trains contrib/dl_torch.py's GPT (n_layer 4, n_head 4, n_embd 128, block_size 128,
vocab_size 256, tied, with biases, no dropout: 842,496 parameters) on the raw bytes of
$DL_BENCH_DATA/train/kjv-train.txt (bench/train/make-data.sh) and prints, one "key value"
per line, the settings, the median wall time of a training step over the steps after the
first 3 (forward, backward, optimizer; the batch is drawn outside the clock), the training
loss of the last step, and the validation loss after the last step:

    /usr/bin/python3 bench/train/torch-gpt.py --steps 200 --threads 2
    /usr/bin/python3 bench/train/torch-gpt.py --eval-ckpt CKPT    # a dl-train run, same windows
    /usr/bin/python3 bench/train/torch-gpt.py --init CKPT ...      # from dl-train's weights

Batches: --batch (32) windows of block_size + 1 bytes at start positions drawn uniformly
from [0, n - block_size - 1] by a torch.Generator seeded with --seed; inputs are the first
block_size bytes, targets the last. With --dl-windows the starts are instead the ones dl-train
draws for the same --seed (its xoshiro256** stream 2^40 + k for micro-batch k, re-implemented
below from lib/core/rng.c), so both programs see the same batches in the same order. Optimizer: torch.optim.AdamW (foreach=False), lr 1e-3
constant, betas 0.9/0.999, eps 1e-8, weight decay 0.1 on tensors of two or more dimensions
only; no gradient clipping unless --clip is given. Validation: --val-windows (64) windows of
kjv-valid.txt at the fixed starts floor(k * (n - block_size - 1) / (K - 1)), k = 0..K-1,
evaluated in batches of --batch; the mean of their per-window mean cross-entropies, in nats.

For comparison, bench/train/run times karpathy/llm.c's CPU trainer (train_gpt2.c, built
outside this tree) on the same model, weights and data; see bench/train/llmc-files.py and
bench/RESULTS.md for how.
"""
import argparse
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "contrib"))
import dl_torch  # noqa: E402

SPEC = {"type": "gpt", "n_layer": 4, "n_head": 4, "n_embd": 128, "block_size": 128,
        "vocab_size": 256, "tie_weights": True, "bias": True, "dropout": 0.0}
WARMUP_STEPS = 3


M64 = (1 << 64) - 1


def splitmix64(state):
    """One splitmix64 step (Steele, Lea & Flood 2014): (new state, output)."""
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


class DlRng:
    """lib/core/rng.c's xoshiro256** for a stream number above 64 (seeded through splitmix64)."""

    def __init__(self, seed, stream):
        _, mixed = splitmix64(stream)
        sm = seed ^ mixed
        self.s = []
        for _ in range(4):
            sm, z = splitmix64(sm)
            self.s.append(z)

    def u64(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & M64
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, n):
        """Uniform in [0, n) (Lemire's multiply-and-reject, as dl_rng_below)."""
        m = self.u64() * n
        if (m & M64) < n:
            t = ((1 << 64) - n) % n
            while (m & M64) < t:
                m = self.u64() * n
        return m >> 64


def dl_starts(seed, k, batch, n, t):
    """The window starts dl-train fit draws for micro-batch k (cmd/dl-train.c gpt_windows)."""
    r = DlRng(seed, (1 << 40) + k)
    return torch.tensor([r.below(n - t) for _ in range(batch)])


def read_bytes(path):
    with open(path, "rb") as f:
        return torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).long()


def windows(data, starts, t):
    rows = torch.stack([data[s:s + t + 1] for s in starts.tolist()])
    return rows[:, :-1], rows[:, 1:]


def validate(model, data, k, b, t):
    n = data.numel()
    if n < t + 2:
        raise SystemExit("torch-gpt.py: validation file shorter than a window")
    last = n - t - 1
    starts = torch.tensor([(i * last) // (k - 1) if k > 1 else 0 for i in range(k)])
    model.eval()
    total = 0.0
    with torch.no_grad():
        for i in range(0, k, b):
            x, y = windows(data, starts[i:i + b], t)
            logits, _ = model(x)
            ce = torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)),
                                                   y.reshape(-1), reduction="none")
            total += ce.view(x.shape[0], t).mean(dim=1).double().sum().item()
    model.train()
    return total / k


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    data_dir = os.path.join(os.environ.get("DL_BENCH_DATA", "/tmp/dl-bench"), "train")
    ap.add_argument("--data", default=data_dir, help="directory of kjv-{train,valid}.txt")
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--beta2", type=float, default=0.999)
    ap.add_argument("--clip", type=float, default=0.0, help="max gradient norm, 0 = none")
    ap.add_argument("--val-windows", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--init", metavar="CKPT",
                    help="start from the weights of a dl-train checkpoint (same spec)")
    ap.add_argument("--dl-windows", action="store_true",
                    help="train on the windows dl-train draws for the same --seed")
    ap.add_argument("--eval-ckpt", metavar="CKPT",
                    help="only print val_loss of a dl-train checkpoint on the same windows")
    a = ap.parse_args()
    if a.eval_ckpt:
        torch.set_num_threads(a.threads)
        valid = read_bytes(os.path.join(a.data, "kjv-valid.txt"))
        _, model, _, _ = dl_torch.load_checkpoint(a.eval_ckpt)
        print("val_loss %.4f" % validate(model, valid, a.val_windows, a.batch,
                                         SPEC["block_size"]))
        return 0
    if a.steps <= WARMUP_STEPS:
        ap.error("--steps must exceed %d (the untimed warmup steps)" % WARMUP_STEPS)

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train = read_bytes(os.path.join(a.data, "kjv-train.txt"))
    valid = read_bytes(os.path.join(a.data, "kjv-valid.txt"))
    t = SPEC["block_size"]
    model = dl_torch.build(SPEC)
    if a.init:
        _, start, _, _ = dl_torch.load_checkpoint(a.init)
        model.load_state_dict(start.state_dict())
    opt = dl_torch.adamw(model, lr=a.lr, betas=(0.9, a.beta2), weight_decay=a.weight_decay)
    g = torch.Generator().manual_seed(a.seed)

    times, loss = [], None
    for s in range(a.steps):
        if a.dl_windows:
            starts = dl_starts(a.seed, s, a.batch, train.numel(), t)
        else:
            starts = torch.randint(0, train.numel() - t - 1, (a.batch,), generator=g)
        x, y = windows(train, starts, t)
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        _, loss = model(x, y)
        loss.backward()
        if a.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        dt = time.perf_counter() - t0
        if s >= WARMUP_STEPS:
            times.append(dt)
    ms = 1000 * statistics.median(times)
    val = validate(model, valid, a.val_windows, a.batch, t)

    nparams = sum(p.numel() for p in model.parameters())
    print("program torch-gpt.py")
    print("torch %s" % torch.__version__)
    print("threads %d" % a.threads)
    print("params %d" % nparams)
    print("batch %d" % a.batch)
    print("block_size %d" % t)
    print("steps %d" % a.steps)
    print("lr %r" % a.lr)
    print("weight_decay %r" % a.weight_decay)
    print("beta2 %r" % a.beta2)
    print("clip %r" % a.clip)
    print("seed %d" % a.seed)
    print("ms_per_step %.2f" % ms)
    print("tokens_per_s %.0f" % (a.batch * t / (ms / 1000)))
    print("train_loss %.4f" % loss.item())
    print("val_loss %.4f" % val)
    return 0


if __name__ == "__main__":
    sys.exit(main())
