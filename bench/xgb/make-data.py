#!/usr/bin/python3
"""Writes the data of the dl-xgb benchmark under $DL_BENCH_DATA/xgb (default /tmp/dl-bench/xgb),
deterministically; files that are already there are kept.

    /usr/bin/python3 bench/xgb/make-data.py [SET...]       (default: all)

Needs Debian's python3-sklearn and python3-numpy, and for Satellite and LetterRecognition
Rscript with r-cran-mlbench. Every set is NAME-train.csv and NAME-test.csv (a header, the
label first in a column named "label", for ranking a column "qid" next; features f0, f1, ...)
and NAME-train.npy / NAME-test.npy, the same table as float32 read back from the CSV files
(what both programs see), for the Python peers. sets.tsv lists NAME, objective, metrics and
the number of classes.

  synthetic  sklearn.datasets.make_classification(n_samples=1000000, n_features=50,
             n_informative=20, n_redundant=10, n_repeated=0, n_classes=2,
             n_clusters_per_class=2, flip_y=0.01, class_sep=1.0, random_state=0): its rows come
             shuffled, the first 900,000 train and the last 100,000 test; features written
             with 7 significant digits
  cancer     sklearn's breast_cancer (569 x 30), binary
  digits     sklearn's digits (1797 x 64), 10 classes
  diabetes   sklearn's diabetes, unscaled (442 x 10), regression
  satellite  mlbench's Satellite (6435 x 36), 6 classes (the factor's levels in order)
  letter     mlbench's LetterRecognition (20000 x 16), 26 classes (A = 0, ..., Z = 25)
  rank       synthetic ranking: 3000 queries of 10 to 60 documents with 20 features
             from N(0, 1) (3 of them irrelevant), relevance 0-4 from a noisy nonlinear score
             cut at the query's 50/70/85/95% quantiles; the first 2400 queries train
  (agaricus  XGBoost's demo data, libsvm: read by run from ../shared/data, not written here)
The small sets are split 75/25 by train_test_split(test_size=0.25, random_state=0).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from sklearn import datasets
from sklearn.model_selection import train_test_split

OUT = os.path.join(os.environ.get("DL_BENCH_DATA", "/tmp/dl-bench"), "xgb")

SETS = {
    # name: (objective, metrics, classes)
    "synthetic": ("binary:logistic", "auc", 2),
    "cancer": ("binary:logistic", "auc", 2),
    "digits": ("multi:softprob", "mlogloss,merror", 10),
    "diabetes": ("reg:squarederror", "rmse", 0),
    "satellite": ("multi:softprob", "mlogloss,merror", 6),
    "letter": ("multi:softprob", "mlogloss,merror", 26),
    "rank": ("rank:pairwise", "ndcg@10", 0),
}


def say(msg):
    print("make-data: " + msg, file=sys.stderr, flush=True)


def write_csv(path, y, X, qid=None, fmt="%.9g"):
    """label[,qid],f0,...; y and qid are integers or exact floats."""
    head = ["label"] + (["qid"] if qid is not None else [])
    head += ["f%d" % j for j in range(X.shape[1])]
    cols = [y.reshape(-1, 1)] + ([qid.reshape(-1, 1)] if qid is not None else []) + [X]
    fmts = ["%.9g"] + (["%d"] if qid is not None else []) + [fmt] * X.shape[1]
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(",".join(head) + "\n")
        step = 50000
        for i in range(0, X.shape[0], step):
            np.savetxt(f, np.hstack([c[i:i + step].astype(np.float64) for c in cols]),
                       fmt=fmts, delimiter=",")
    os.rename(tmp, path)


def write_npy(csv):
    """The CSV file read back as float32, as NAME.npy beside it."""
    a = np.loadtxt(csv, delimiter=",", skiprows=1, dtype=np.float32, ndmin=2)
    np.save(csv[:-4] + ".npy.tmp.npy", a)
    os.rename(csv[:-4] + ".npy.tmp.npy", csv[:-4] + ".npy")


def split(X, y):
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
    return (ytr, Xtr, None), (yte, Xte, None)


def from_r(dataset, label_col):
    """A data frame of mlbench as (labels 0..K-1 by factor level, features)."""
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "x.csv")
        code = ("suppressMessages(library(mlbench)); data(%s); d <- %s; "
                "y <- as.integer(d[[%d]]) - 1L; x <- d[-%d]; "
                "write.table(cbind(y, sapply(x, as.numeric)), '%s', sep=',', "
                "row.names=FALSE, col.names=FALSE)" % (dataset, dataset, label_col,
                                                      label_col, f))
        subprocess.run(["Rscript", "-e", code], check=True)
        a = np.loadtxt(f, delimiter=",", ndmin=2)
    return a[:, 1:], a[:, 0]


def rank_set():
    rng = np.random.default_rng(0)
    w = rng.normal(size=20)
    w[17:] = 0
    ys, qs, xs = [], [], []
    for q in range(3000):
        n = int(rng.integers(10, 61))
        X = np.round(rng.normal(size=(n, 20)), 4)
        s = X @ w + 0.5 * X[:, 0] * X[:, 1] + 0.5 * np.abs(X[:, 2]) + rng.normal(scale=1.5,
                                                                                 size=n)
        rel = np.searchsorted(np.quantile(s, [0.5, 0.7, 0.85, 0.95]), s, side="right")
        ys.append(rel.astype(float))
        qs.append(np.full(n, q + 1))
        xs.append(X)
    y, qid, X = np.concatenate(ys), np.concatenate(qs), np.vstack(xs)
    tr = qid <= 2400
    return (y[tr], X[tr], qid[tr]), (y[~tr], X[~tr], qid[~tr])


def make(name):
    fmt = "%.9g"
    if name == "synthetic":
        X, y = datasets.make_classification(
            n_samples=1000000, n_features=50, n_informative=20, n_redundant=10,
            n_repeated=0, n_classes=2, n_clusters_per_class=2, flip_y=0.01, class_sep=1.0,
            random_state=0)
        train, test = (y[:900000], X[:900000], None), (y[900000:], X[900000:], None)
        fmt = "%.7g"
    elif name == "cancer":
        train, test = split(*datasets.load_breast_cancer(return_X_y=True))
    elif name == "digits":
        train, test = split(*datasets.load_digits(return_X_y=True))
    elif name == "diabetes":
        train, test = split(*datasets.load_diabetes(return_X_y=True, scaled=False))
    elif name == "satellite":
        train, test = split(*from_r("Satellite", 37))
    elif name == "letter":
        train, test = split(*from_r("LetterRecognition", 1))
    elif name == "rank":
        train, test = rank_set()
    for part, (y, X, qid) in (("train", train), ("test", test)):
        path = os.path.join(OUT, "%s-%s.csv" % (name, part))
        write_csv(path, y, X, qid, fmt)
        write_npy(path)


def main():
    names = sys.argv[1:] or list(SETS)
    for n in names:
        if n not in SETS:
            sys.exit("make-data: no set '%s' (sets: %s)" % (n, " ".join(SETS)))
    os.makedirs(OUT, exist_ok=True)
    for n in names:
        if all(os.path.exists(os.path.join(OUT, "%s-%s.%s" % (n, p, e)))
               for p in ("train", "test") for e in ("csv", "npy")):
            continue
        say("writing %s under %s" % (n, OUT))
        make(n)
    with open(os.path.join(OUT, "sets.tsv"), "w") as f:
        for n, (obj, mets, k) in SETS.items():
            f.write("%s\t%s\t%s\t%d\n" % (n, obj, mets, k))


if __name__ == "__main__":
    main()
