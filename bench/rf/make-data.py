#!/usr/bin/python3
"""The dl-rf benchmark's data: scikit-learn's make_classification, 250,000 rows of 50
features (15 informative, 5 redundant, 2 classes, random_state 0), split into 200,000
training and 50,000 test rows. Writes DIR/train.csv and DIR/test.csv (label first, a
header) for dl-rf and ranger, and DIR/{train,test}.npz (float32) for scikit-learn.

    /usr/bin/python3 bench/rf/make-data.py DIR
"""
import os
import sys

import numpy as np
from sklearn.datasets import make_classification


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    x, y = make_classification(n_samples=250000, n_features=50, n_informative=15,
                               n_redundant=5, n_classes=2, random_state=0)
    x = x.astype(np.float32)
    header = "label," + ",".join("f%d" % i for i in range(x.shape[1]))
    for name, sl in (("train", slice(0, 200000)), ("test", slice(200000, None))):
        np.savez(os.path.join(out, name + ".npz"), x=x[sl], y=y[sl])
        a = np.column_stack([y[sl].astype(np.float32), x[sl]])
        np.savetxt(os.path.join(out, name + ".csv"), a, delimiter=",", header=header,
                   comments="", fmt=["%d"] + ["%.7g"] * x.shape[1])


if __name__ == "__main__":
    main()
