#!/usr/bin/python3
"""torch-mlp.py -- the PyTorch side of dl-train's MLP benchmark on the digits data.

Trains contrib/dl_torch.py's MLP {"type":"mlp","layers":[64,256,256,10],"activation":"relu"}
(softmax cross-entropy) on $DL_BENCH_DATA/train/digits-train.csv (bench/train/make-data.sh;
the same file as tests/data/nn/digits-train.csv) with torch.optim.AdamW (foreach=False) lr
1e-3, betas 0.9/0.999, weight decay 0, batches of 32 from a permutation drawn each epoch,
and prints, one "key value" per line, the settings, the median wall time of an epoch (all
its steps; the data are in memory as tensors) and the accuracy on digits-test.csv:

    /usr/bin/python3 bench/train/torch-mlp.py --epochs 20 --threads 2
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "contrib"))
import dl_torch  # noqa: E402

SPEC = {"type": "mlp", "layers": [64, 256, 256, 10], "activation": "relu"}


def load(path):
    a = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return torch.tensor(a[:, :-1], dtype=torch.float32), torch.tensor(a[:, -1], dtype=torch.long)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    data_dir = os.path.join(os.environ.get("DL_BENCH_DATA", "/tmp/dl-bench"), "train")
    ap.add_argument("--data", default=data_dir, help="directory of digits-{train,test}.csv")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr = load(os.path.join(a.data, "digits-train.csv"))
    xte, yte = load(os.path.join(a.data, "digits-test.csv"))
    model = dl_torch.build(SPEC)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.0, foreach=False)
    n = xtr.shape[0]
    times = []
    for _ in range(a.epochs):
        perm = torch.randperm(n)
        t0 = time.perf_counter()
        for i in range(0, n, a.batch):
            j = perm[i:i + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = model.loss(model(xtr[j]), ytr[j])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
    with torch.no_grad():
        acc = (model(xte).argmax(dim=1) == yte).double().mean().item()

    print("program torch-mlp.py")
    print("torch %s" % torch.__version__)
    print("threads %d" % a.threads)
    print("params %d" % sum(p.numel() for p in model.parameters()))
    print("batch %d" % a.batch)
    print("epochs %d" % a.epochs)
    print("lr %r" % a.lr)
    print("seed %d" % a.seed)
    print("ms_per_epoch %.2f" % (1000 * statistics.median(times)))
    print("train_loss %.4f" % loss.item())
    print("test_accuracy %.4f" % acc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
