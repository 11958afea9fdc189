#!/usr/bin/python3
"""digits-torch.py -- what PyTorch reaches on the digits data with dl-train's small MLP.

Trains contrib/dl_torch.py's MLP {"type":"mlp","layers":[64,128,10],"activation":"relu"}
(softmax cross-entropy) on tests/data/nn/digits-train.csv and measures the accuracy on
tests/data/nn/digits-test.csv (both from make-digits.py), for seeds 0, 1 and 2, and writes
tests/data/nn/digits-torch.txt (or the path given as the only argument):

    /usr/bin/python3 tests/golden/nn/digits-torch.py

Training: torch.optim.AdamW (foreach=False) lr 1e-3, betas 0.9/0.999, eps 1e-8, weight
decay 0, no schedule, no clipping; batches of 32 taken in order from a permutation of the
training rows drawn anew each epoch (the last batch of each epoch has the remaining 3 rows);
20 epochs; one thread. Seed s seeds torch (torch.manual_seed(s)), which draws the initial
weights (torch.nn.Linear's default init) and then the permutations.

The output has one "key value" per line: the hyperparameters, then "accuracy.SEED" for each
seed and "accuracy.mean", accuracies as fractions of the 450 test rows. dl-train's own
runs draw other random numbers, so their accuracy should come close to the mean, not
match a seed.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "contrib"))
import dl_torch  # noqa: E402

DATA = os.path.join(HERE, "..", "..", "data", "nn")
SPEC = {"type": "mlp", "layers": [64, 128, 10], "activation": "relu"}
LR, BETAS, EPS, WD = 1e-3, (0.9, 0.999), 1e-8, 0.0
BATCH, EPOCHS, SEEDS = 32, 20, (0, 1, 2)


def load(path):
    a = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return torch.tensor(a[:, :64], dtype=torch.float32), torch.tensor(a[:, 64], dtype=torch.long)


def train(seed, xtr, ytr, xte, yte):
    torch.manual_seed(seed)
    model = dl_torch.build(SPEC)
    opt = torch.optim.AdamW(model.parameters(), lr=LR, betas=BETAS, eps=EPS, weight_decay=WD,
                            foreach=False)
    n = xtr.shape[0]
    for _ in range(EPOCHS):
        perm = torch.randperm(n)
        for i in range(0, n, BATCH):
            j = perm[i:i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = model.loss(model(xtr[j]), ytr[j])
            loss.backward()
            opt.step()
    with torch.no_grad():
        pred = model(xte).argmax(dim=1)
    return (pred == yte).double().mean().item()


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(DATA, "digits-torch.txt")
    torch.set_num_threads(1)
    xtr, ytr = load(os.path.join(DATA, "digits-train.csv"))
    xte, yte = load(os.path.join(DATA, "digits-test.csv"))
    acc = [train(s, xtr, ytr, xte, yte) for s in SEEDS]
    lines = [
        "made_by tests/golden/nn/digits-torch.py",
        "torch %s" % torch.__version__,
        "spec %s" % json.dumps(SPEC, separators=(",", ":")),
        "optim adamw",
        "lr %r" % LR,
        "beta1 %r" % BETAS[0],
        "beta2 %r" % BETAS[1],
        "eps %r" % EPS,
        "weight_decay %r" % WD,
        "batch %d" % BATCH,
        "epochs %d" % EPOCHS,
        "shuffle each_epoch",
        "train_rows %d" % xtr.shape[0],
        "test_rows %d" % xte.shape[0],
    ]
    lines += ["accuracy.%d %.6f" % (s, a) for s, a in zip(SEEDS, acc)]
    lines.append("accuracy.mean %.6f" % (sum(acc) / len(acc)))
    with open(out + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(out + ".tmp", out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
