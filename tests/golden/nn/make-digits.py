#!/usr/bin/python3
"""make-digits.py -- the handwritten-digits data of dl-train's tests and benchmark.

Writes tests/data/nn/digits-train.csv (1347 rows) and tests/data/nn/digits-test.csv (450
rows), or the two paths given as arguments, from scikit-learn's copy of the UCI "Optical
Recognition of Handwritten Digits" test set (sklearn.datasets.load_digits: 1797 images of
8x8 pixels valued 0..16, labels 0..9), with Debian's python3-sklearn:

    /usr/bin/python3 tests/golden/nn/make-digits.py

Columns: p0 .. p63, the pixels in row-major order divided by 16 (so in [0, 1]), then
"label", the digit as an integer. The split is fixed: train_test_split(test_size=450,
random_state=0, stratify=labels), rows in the order it returns them. Pixel values are
k/16 for integer k, printed exactly ("%.10g").
"""
import os
import sys

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "data", "nn")


def write(path, x, y):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(",".join(["p%d" % i for i in range(64)] + ["label"]) + "\n")
        for row, label in zip(x, y):
            f.write(",".join("%.10g" % (v / 16.0) for v in row) + ",%d\n" % label)
    os.replace(tmp, path)


def main(argv):
    train = argv[1] if len(argv) > 2 else os.path.join(DATA, "digits-train.csv")
    test = argv[2] if len(argv) > 2 else os.path.join(DATA, "digits-test.csv")
    d = load_digits()
    xtr, xte, ytr, yte = train_test_split(d.data, d.target, test_size=450, random_state=0,
                                          stratify=d.target)
    write(train, xtr, ytr)
    write(test, xte, yte)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
