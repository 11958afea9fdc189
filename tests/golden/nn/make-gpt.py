#!/usr/bin/python3
"""make-gpt.py -- golden values of dl-train's GPT: loss, gradients and 20 AdamW steps.

Writes tests/data/nn/gpt-golden.safetensors (or the path given as the only argument) with
contrib/dl_torch.py's GPT in float32 on Debian's python3-torch, one thread, fixed seeds:

    /usr/bin/python3 tests/golden/nn/make-gpt.py

Two cases, their tensors prefixed "a." and "b.", their spec JSON in the metadata under
"a.spec" and "b.spec":
    a  n_layer 2, n_head 2, n_embd 32, block_size 16, vocab_size 40, tied, with biases;
       batch 3 x T 16
    b  n_layer 2, n_head 4, n_embd 24, block_size 16, vocab_size 30, untied, no biases;
       batch 2 x T 11, some targets -1 (ignored)
For each case X:
    X.init.NAME     the initial parameters. F16: the model starts from GPT-2's random init
                    rounded to half precision, so the values convert to float32 exactly and
                    the file stays small; the training below starts from those float32s
    X.idx, X.targets  I32 [B, T], the batch
    X.loss          F64 [1], the mean cross-entropy of the initial model on the batch
    X.grad.NAME     F32, the gradient of X.loss for every parameter (a tied lm_head's
                    gradient is part of transformer.wte.weight's)
    X.lrs           F64 [20], the learning rate of each step
    X.norms         F64 [20], the global gradient norm of each step before clipping
    X.losses        F64 [20], the loss before each step's update
    X.final.NAME    F32, the parameters after the 20 steps
The steps, all on the same batch: forward, backward, clip_grad_norm_(1.0), then
torch.optim.AdamW (foreach=False; betas 0.9/0.95, eps 1e-8, weight decay 0.1 on tensors of
two or more dimensions and 0 on the rest) at lr = dl_sched_lr(cosine, 3e-3, min 3e-4,
warmup 3, total 20, s) of step s. The hyperparameters are also in the metadata.
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "contrib"))
import dl_torch  # noqa: E402

STEPS = 20
LR, MIN_LR, WARMUP = 3e-3, 3e-4, 3
BETAS, EPS, WD, CLIP = (0.9, 0.95), 1e-8, 0.1, 1.0

CASES = [
    ("a", {"type": "gpt", "n_layer": 2, "n_head": 2, "n_embd": 32, "block_size": 16,
           "vocab_size": 40, "tie_weights": True, "bias": True, "dropout": 0.0}, 3, 16, 101),
    ("b", {"type": "gpt", "n_layer": 2, "n_head": 4, "n_embd": 24, "block_size": 16,
           "vocab_size": 30, "tie_weights": False, "bias": False, "dropout": 0.0}, 2, 11, 202),
]


def batch(spec, b, t, g, ignore):
    """Next-token pairs of random sequences; with ignore, some targets become -1."""
    seq = torch.randint(0, spec["vocab_size"], (b, t + 1), generator=g)
    idx, targets = seq[:, :-1].clone(), seq[:, 1:].clone()
    if ignore:
        flat = targets.view(-1)
        flat[3::5] = -1
        targets[-1, -3:] = -1
    return idx.to(torch.int32), targets.to(torch.int32)


def run(prefix, spec, b, t, seed):
    g = torch.Generator().manual_seed(seed)
    model = dl_torch.GPT(spec)
    model.reset_parameters(g)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    out = [("%s.init.%s" % (prefix, n), p.detach().half().clone())
           for n, p in dl_torch.params(model)]
    idx, targets = batch(spec, b, t, g, prefix == "b")
    out += [(prefix + ".idx", idx), (prefix + ".targets", targets)]

    opt = dl_torch.adamw(model, lr=LR, betas=BETAS, eps=EPS, weight_decay=WD)
    lrs, norms, losses = [], [], []
    for s in range(STEPS):
        opt.zero_grad(set_to_none=True)
        _, loss = model(idx, targets)
        loss.backward()
        if s == 0:
            out.append((prefix + ".loss", torch.tensor([loss.item()], dtype=torch.float64)))
            out += [("%s.grad.%s" % (prefix, n), p.grad.detach().clone())
                    for n, p in dl_torch.params(model)]
        losses.append(loss.item())
        norms.append(torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP).item())
        lr = dl_torch.sched_lr("cosine", LR, MIN_LR, WARMUP, STEPS, s)
        lrs.append(lr)
        dl_torch.set_lr(opt, lr)
        opt.step()
    out += [(prefix + ".lrs", torch.tensor(lrs, dtype=torch.float64)),
            (prefix + ".norms", torch.tensor(norms, dtype=torch.float64)),
            (prefix + ".losses", torch.tensor(losses, dtype=torch.float64))]
    out += [("%s.final.%s" % (prefix, n), p.detach().clone())
            for n, p in dl_torch.params(model)]
    return out


def main(argv):
    path = argv[1] if len(argv) > 1 else os.path.join(HERE, "..", "..", "data", "nn",
                                                      "gpt-golden.safetensors")
    torch.set_num_threads(1)
    torch.manual_seed(0)
    tensors = []
    meta = {"made by": "tests/golden/nn/make-gpt.py", "torch": torch.__version__,
            "steps": str(STEPS), "lr": repr(LR), "min_lr": repr(MIN_LR),
            "warmup": str(WARMUP), "schedule": "cosine", "beta1": repr(BETAS[0]),
            "beta2": repr(BETAS[1]), "eps": repr(EPS), "weight_decay": repr(WD),
            "clip": repr(CLIP)}
    for prefix, spec, b, t, seed in CASES:
        tensors += run(prefix, spec, b, t, seed)
        meta[prefix + ".spec"] = json.dumps(spec, separators=(",", ":"))
    dl_torch.st_save(path, tensors, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
