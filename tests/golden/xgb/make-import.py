#!/usr/bin/python3
"""Writes the XGBoost models of tests/data/xgb/ and XGBoost's own predictions for them.

Run with Debian's python3 (python3-xgboost 1.7, python3-sklearn):
    /usr/bin/python3 tests/golden/xgb/make-import.py tests/data/xgb

Each model NAME is trained for a few rounds of depth 3 on a small public data set and saved
by Booster.save_model (XGBoost's JSON model format). For each one the script writes:

  NAME.model.json    the model
  NAME.csv           test rows: a header of the model's feature names (f0, f1, ... when
                     the model has none), float32 values written exactly, empty = missing
  NAME.margin.txt    XGBoost's margins (predict(output_margin=True)): one line per row,
                     nclass numbers
  NAME.pred.txt      XGBoost's predictions (predict()): one line per row
  NAME.contrib.txt   XGBoost's feature contributions (predict(pred_contribs=True)): one
                     line per row and class, nfeat + 1 numbers (the last is the bias)

Numbers are XGBoost's float32 results written with 9 significant digits, which read back
to the same float32.

Models:
  binary     binary:logistic on breast_cancer (feature names kept), 10% of the values
             missing in train and test, base_score 0.6
  softprob   multi:softprob on iris, 3 classes
  softmax    multi:softmax on iris with num_parallel_tree 2 (tree_info is 0,0,1,1,2,2,...)
  squared    reg:squarederror on diabetes, base_score the mean label
  poisson    count:poisson on synthetic counts (y ~ Poisson(exp(x . w)))
  huber      reg:pseudohubererror on diabetes (label / 100), huber_slope 0.5
  pruned     reg:squarederror on diabetes, exact method with gamma 5000 and depth 4: the
             pruner leaves deleted nodes in the trees (tree_param.num_deleted > 0)
  pairwise   rank:pairwise on synthetic query groups (20 groups of 8 rows, labels 0..3)
"""
import os
import sys

import numpy as np
import xgboost as xgb
from sklearn import datasets

out = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261123)


def num(v):
    return "%.9g" % v


def cell(v):
    v = np.float32(v)
    if np.isnan(v):
        return ""
    return repr(float(v))       # the exact value of the float32


def write_rows(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(" ".join(num(v) for v in r) + "\n")


def save(name, params, X, y, Xtest, rounds, names=None, group=None):
    X = X.astype(np.float32)
    Xtest = Xtest.astype(np.float32)
    d = xgb.DMatrix(X, label=y, feature_names=names)
    if group is not None:
        d.set_group(group)
    p = {"max_depth": 3, "eta": 0.3, "seed": 1, "tree_method": "hist"}
    p.update(params)
    b = xgb.train(p, d, rounds)
    b.save_model(os.path.join(out, name + ".model.json"))
    dt = xgb.DMatrix(Xtest, feature_names=names)
    margin = b.predict(dt, output_margin=True)
    pred = b.predict(dt)
    contrib = b.predict(dt, pred_contribs=True)
    n = Xtest.shape[0]
    write_rows(os.path.join(out, name + ".margin.txt"), margin.reshape(n, -1))
    write_rows(os.path.join(out, name + ".pred.txt"), pred.reshape(n, -1))
    write_rows(os.path.join(out, name + ".contrib.txt"),
               contrib.reshape(-1, Xtest.shape[1] + 1))
    header = names if names else ["f%d" % i for i in range(Xtest.shape[1])]
    with open(os.path.join(out, name + ".csv"), "w") as f:
        f.write(",".join('"%s"' % h if " " in h else h for h in header) + "\n")
        for r in Xtest:
            f.write(",".join(cell(v) for v in r) + "\n")


def split(X, y, ntest):
    idx = rng.permutation(len(y))
    te, tr = idx[:ntest], idx[ntest:]
    return X[tr], y[tr], X[te]


def with_missing(X, frac):
    X = X.copy()
    X[rng.random(X.shape) < frac] = np.nan
    return X


# binary:logistic, breast cancer, missing values, named features
bc = datasets.load_breast_cancer()
X, y, Xt = split(with_missing(bc.data, 0.1), bc.target, 40)
save("binary", {"objective": "binary:logistic", "base_score": 0.6}, X, y, Xt, 8,
     names=[str(s) for s in bc.feature_names])

# multi-class, iris
iris = datasets.load_iris()
X, y, Xt = split(iris.data, iris.target, 30)
save("softprob", {"objective": "multi:softprob", "num_class": 3}, X, y, Xt, 4)
save("softmax", {"objective": "multi:softmax", "num_class": 3, "num_parallel_tree": 2,
                 "subsample": 0.8, "colsample_bynode": 0.8}, X, y, Xt, 3)

# regression, diabetes
db = datasets.load_diabetes()
X, y, Xt = split(db.data, db.target, 30)
save("squared", {"objective": "reg:squarederror", "base_score": float(np.mean(y))}, X, y,
     Xt, 6)
save("huber", {"objective": "reg:pseudohubererror", "huber_slope": 0.5}, X, y / 100.0, Xt, 6)
save("pruned", {"objective": "reg:squarederror", "tree_method": "exact", "gamma": 5000,
                "max_depth": 4}, X, y, Xt, 3)

# count:poisson, synthetic
Xp = rng.normal(size=(300, 5))
yp = rng.poisson(np.exp(Xp @ np.array([0.5, -0.3, 0.2, 0.0, 0.1]))).astype(np.float64)
X, y, Xt = split(Xp, yp, 30)
save("poisson", {"objective": "count:poisson"}, X, y, Xt, 6)

# rank:pairwise, 20 query groups of 8 rows
Xr = rng.normal(size=(160, 6))
yr = np.clip(np.round(Xr[:, 0] + 0.5 * Xr[:, 1] + rng.normal(scale=0.5, size=160) + 1.5),
             0, 3)
save("pairwise", {"objective": "rank:pairwise"}, Xr[:130], yr[:130], Xr[130:], 5,
     group=[10] * 13)
