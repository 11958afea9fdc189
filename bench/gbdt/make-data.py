#!/usr/bin/python3
"""Writes the data of the dl-gbdt benchmark under $DL_BENCH_DATA/gbdt (default
/tmp/dl-bench/gbdt), deterministically; files that are already there are kept.

    /usr/bin/python3 bench/gbdt/make-data.py [ROWS]          (default 100000)

Needs Debian's python3-sklearn and python3-numpy. The set is
sklearn.datasets.make_classification(n_samples=ROWS, n_features=20, n_informative=10,
n_redundant=5, n_classes=2, n_clusters_per_class=2, flip_y=0.01, class_sep=1.0,
random_state=0), whose rows come shuffled: the first 80% train, the rest test. Written as
synthetic-ROWS-train.csv / -test.csv (a header, the label first in a column named "label",
features f0, f1, ... with 7 significant digits) and the same tables as float32 read back
from the CSV files (what every program sees) in .npy files for the Python peers.
"""
import os
import sys

import numpy as np
from sklearn import datasets

OUT = os.path.join(os.environ.get("DL_BENCH_DATA", "/tmp/dl-bench"), "gbdt")


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    os.makedirs(OUT, exist_ok=True)
    base = os.path.join(OUT, "synthetic-%d" % rows)
    if all(os.path.exists(base + s) for s in ("-train.csv", "-test.csv", "-train.npy",
                                              "-test.npy")):
        return
    X, y = datasets.make_classification(
        n_samples=rows, n_features=20, n_informative=10, n_redundant=5, n_classes=2,
        n_clusters_per_class=2, flip_y=0.01, class_sep=1.0, random_state=0)
    ntr = rows * 4 // 5
    header = "label," + ",".join("f%d" % i for i in range(X.shape[1]))
    for part, sl in (("train", slice(0, ntr)), ("test", slice(ntr, rows))):
        path = "%s-%s.csv" % (base, part)
        with open(path + ".tmp", "w") as fh:
            fh.write(header + "\n")
            for lab, row in zip(y[sl], X[sl]):
                fh.write("%d," % lab + ",".join("%.7g" % v for v in row) + "\n")
        os.replace(path + ".tmp", path)
        a = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
        np.save("%s-%s.npy" % (base, part), a)


if __name__ == "__main__":
    main()
