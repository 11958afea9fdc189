#!/usr/bin/python3
"""Writes the exactness fixtures of dl-xgb: small data sets (CSV, one in libsvm) and the test
metrics that XGBoost reaches on them, which tests/cli/xgb-exact.sh asks dl-xgb to match.

Run with Debian's python3 (python3-xgboost 1.7, python3-sklearn, python3-numpy):
    /usr/bin/python3 tests/golden/xgb/make-golden.py tests/data/xgb

Data sets (each split 75% train / 25% test by sklearn's train_test_split(test_size=0.25,
random_state=0); CSV with a header, the label first in a column named "label"):
  exact-cancer      sklearn's breast_cancer (569 x 30), binary:logistic, metric auc
  exact-digits      sklearn's digits (1797 x 64, 10 classes), multi:softprob, mlogloss, merror
  exact-diabetes    sklearn's diabetes, unscaled (442 x 10), reg:squarederror, rmse
  exact-rank        a synthetic ranking set (below), rank:pairwise, ndcg@10; the split is by
                    query (the first 120 queries train, the other 40 test), a column "qid"
                    holds the query id
  exact-onehot      a synthetic set of one-hot encoded categorical variables in libsvm
                    (exact-onehot-train.svm, -test.svm: 2000 / 600 rows; see onehot_set),
                    binary:logistic, auc: every feature is 1 or missing, as in XGBoost's
                    agaricus demo, so that only the missing-value direction can split

The ranking set: 160 queries of 8 to 24 documents with 8 features drawn from N(0, 1); a
document's relevance (0-3) is a noisy linear score of its features cut at fixed quantiles
of the query's scores; every query has a relevant document (so that NDCG is defined) and
the features are rounded to 4 decimals to keep the file small.

Parameters, the same for XGBoost and dl-xgb: tree_method=hist, max_bin=256, eta 0.1,
max_depth 4, 100 rounds, lambda 1, alpha 0, gamma 0, min_child_weight 1, subsample 1, and
base_score given explicitly to both (XGBoost 1.7 does not estimate it): 0.5 for the logistic,
softprob and ranking objectives, the mean of the training labels (printed with 9 significant
digits) for the regression. XGBoost is trained on the values read back from the CSV files,
so that both programs see the same float32 numbers.

Output: exact-SET-train.csv / exact-SET-test.csv (exact-onehot: .svm), and exact-golden.tsv,
lines of tab-separated fields:
    SET  args    ARGUMENTS                 the dl-xgb train arguments (besides the files and
                                           --rounds), split on spaces
    SET  metric  NAME  ROUNDS  VALUE       XGBoost's test metric after ROUNDS rounds (its own
                                           evals_result, checked here against sklearn.metrics
                                           or a direct computation)
"""
import os
import sys

import numpy as np
import sklearn
import xgboost as xgb
from sklearn import datasets, metrics
from sklearn.model_selection import train_test_split

OUT = sys.argv[1] if len(sys.argv) > 1 else "."
ROUNDS = 100
CHECKPOINTS = (10, ROUNDS)


def fmt(v):
    """The shortest text that reads back as the same float64 (integers without '.0')."""
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(float(v))


def write_csv(path, y, qid, X):
    with open(path, "w") as f:
        head = ["label"] + (["qid"] if qid is not None else [])
        head += ["f%d" % j for j in range(X.shape[1])]
        f.write(",".join(head) + "\n")
        for i in range(X.shape[0]):
            row = [fmt(y[i])] + ([str(int(qid[i]))] if qid is not None else [])
            row += [fmt(v) for v in X[i]]
            f.write(",".join(row) + "\n")


def read_csv(path, has_qid=False):
    a = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    y = a[:, 0]
    if has_qid:
        return y, a[:, 1].astype(np.int64), a[:, 2:]
    return y, None, a[:, 1:]


def group_sizes(qid):
    _, idx, counts = np.unique(qid, return_index=True, return_counts=True)
    return counts[np.argsort(idx)]


def ndcg_at(y, p, qid, k):
    """Mean NDCG@k over queries, gain 2^rel - 1 (as XGBoost's ndcg@k)."""
    out = []
    start = 0
    for n in group_sizes(qid):
        rel, sc = y[start:start + n], p[start:start + n]
        start += n
        order = np.argsort(-sc, kind="stable")
        disc = 1.0 / np.log2(np.arange(2, n + 2))
        dcg = np.sum(((2.0 ** rel[order]) - 1)[:k] * disc[:k])
        ideal = np.sort(rel)[::-1]
        idcg = np.sum(((2.0 ** ideal) - 1)[:k] * disc[:k])
        out.append(dcg / idcg if idcg > 0 else 1.0)
    return float(np.mean(out))


def check(name, metric, ours, theirs, tol):
    if abs(ours - theirs) > tol:
        sys.exit("%s: %s: XGBoost says %.9g, the direct computation %.9g" %
                 (name, metric, theirs, ours))


def rank_set():
    rng = np.random.default_rng(0)
    w = rng.normal(size=8)
    ys, qs, xs = [], [], []
    for q in range(160):
        n = int(rng.integers(8, 25))
        X = np.round(rng.normal(size=(n, 8)), 4)
        s = X @ w + rng.normal(scale=1.0, size=n)
        cuts = np.quantile(s, [0.5, 0.75, 0.9])
        rel = np.searchsorted(cuts, s, side="right").astype(float)
        if rel.max() == 0:
            rel[np.argmax(s)] = 1
        ys.append(rel)
        qs.append(np.full(n, q + 1))
        xs.append(X)
    y, qid, X = np.concatenate(ys), np.concatenate(qs), np.vstack(xs)
    tr = qid <= 120
    return (y[tr], qid[tr], X[tr]), (y[~tr], qid[~tr], X[~tr])


def onehot_set():
    """Rows of 10 categorical variables (3 to 6 levels) one-hot encoded as libsvm: a row
    lists the index of each of its levels with value 1 and nothing else (absent = missing),
    as XGBoost's agaricus demo data are written. Label: a rule on four variables, 5% flipped."""
    rng = np.random.default_rng(1)
    levels = [3, 4, 5, 6, 3, 4, 5, 6, 3, 4]
    n = 2600
    cat = np.stack([rng.integers(0, k, size=n) for k in levels], axis=1)
    y = (((cat[:, 0] == 1) & (cat[:, 1] >= 2)) | (cat[:, 2] == 4) |
         ((cat[:, 3] < 2) & (cat[:, 0] != 2))).astype(float)
    flip = rng.random(n) < 0.05
    y[flip] = 1 - y[flip]
    offset = np.concatenate([[1], 1 + np.cumsum(levels)[:-1]])   # one-based indices
    return y, cat + offset


def write_svm(path, y, idx):
    with open(path, "w") as f:
        for i in range(len(y)):
            f.write("%d %s\n" % (y[i], " ".join("%d:1" % j for j in sorted(idx[i]))))


def split(X, y):
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
    return (ytr, None, Xtr), (yte, None, Xte)


def sets():
    X, y = datasets.load_breast_cancer(return_X_y=True)
    yield "exact-cancer", split(X, y), "binary:logistic", ["auc"]
    X, y = datasets.load_digits(return_X_y=True)
    yield "exact-digits", split(X, y), "multi:softprob", ["mlogloss", "merror"]
    X, y = datasets.load_diabetes(return_X_y=True, scaled=False)
    yield "exact-diabetes", split(X, y), "reg:squarederror", ["rmse"]
    yield "exact-rank", rank_set(), "rank:pairwise", ["ndcg@10"]
    y, idx = onehot_set()
    yield ("exact-onehot", ((y[:2000], "svm", idx[:2000]), (y[2000:], "svm", idx[2000:])),
           "binary:logistic", ["auc"])


def main():
    lines = ["# written by tests/golden/xgb/make-golden.py: xgboost %s, sklearn %s, numpy %s" %
             (xgb.__version__, sklearn.__version__, np.__version__)]
    for name, (train, test), objective, mets in sets():
        sparse = isinstance(train[1], str)
        has_qid = train[1] is not None and not sparse
        if sparse:
            write_svm(os.path.join(OUT, name + "-train.svm"), train[0], train[2])
            write_svm(os.path.join(OUT, name + "-test.svm"), test[0], test[2])
            qte = None
            dtr = xgb.DMatrix(os.path.join(OUT, name + "-train.svm") + "?format=libsvm")
            dte = xgb.DMatrix(os.path.join(OUT, name + "-test.svm") + "?format=libsvm")
            ytr, yte = dtr.get_label(), dte.get_label()
        else:
            write_csv(os.path.join(OUT, name + "-train.csv"), *train)
            write_csv(os.path.join(OUT, name + "-test.csv"), *test)
            ytr, qtr, Xtr = read_csv(os.path.join(OUT, name + "-train.csv"), has_qid)
            yte, qte, Xte = read_csv(os.path.join(OUT, name + "-test.csv"), has_qid)
            dtr = xgb.DMatrix(Xtr.astype(np.float32), label=ytr)
            dte = xgb.DMatrix(Xte.astype(np.float32), label=yte)
        if objective == "reg:squarederror":
            base = "%.9g" % np.mean(ytr)
        else:
            base = "0.5"
        params = {"tree_method": "hist", "max_bin": 256, "eta": 0.1, "max_depth": 4,
                  "lambda": 1, "alpha": 0, "gamma": 0, "min_child_weight": 1,
                  "subsample": 1, "objective": objective, "base_score": float(base),
                  "eval_metric": mets, "nthread": 1, "seed": 0}
        args = ["--objective", objective, "--eta", "0.1", "--max-depth", "4",
                "--max-bin", "256", "--param", "tree_method=hist",
                "--param", "base_score=" + base]
        if objective.startswith("multi:"):
            k = int(ytr.max()) + 1
            params["num_class"] = k
            args += ["--num-class", str(k)]
        if has_qid:
            args += ["--group", "qid"]
        for m in mets:
            args += ["--metric", m]
        if has_qid:
            dtr.set_group(group_sizes(qtr))
            dte.set_group(group_sizes(qte))
        res = {}
        bst = xgb.train(params, dtr, ROUNDS, evals=[(dte, "test")], evals_result=res,
                        verbose_eval=False)
        lines.append("%s\targs\t%s" % (name, " ".join(args)))
        for r in CHECKPOINTS:
            p = bst.predict(dte, iteration_range=(0, r))
            for m in mets:
                v = res["test"][m][r - 1]
                if m == "auc":
                    check(name, m, metrics.roc_auc_score(yte, p), v, 1e-6)
                elif m == "rmse":
                    check(name, m, metrics.mean_squared_error(yte, p) ** 0.5, v, 1e-4 * v)
                elif m == "mlogloss":
                    check(name, m, metrics.log_loss(yte, p, labels=range(p.shape[1])), v,
                          1e-5 * v)
                elif m == "merror":
                    check(name, m, float(np.mean(np.argmax(p, 1) != yte)), v, 1e-9)
                elif m == "ndcg@10":
                    check(name, m, ndcg_at(yte, p, qte, 10), v, 1e-5)
                lines.append("%s\tmetric\t%s\t%d\t%.9g" % (name, m, r, v))
    with open(os.path.join(OUT, "exact-golden.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
