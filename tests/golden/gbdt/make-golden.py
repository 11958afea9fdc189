#!/usr/bin/python3
"""Writes the golden metrics of dl-gbdt: scikit-learn's GradientBoostingClassifier,
GradientBoostingRegressor (each loss) and AdaBoostClassifier(algorithm="SAMME") trained on
the data sets of dl-xgb's exactness test, which tests/cli/gbdt-exact.sh asks dl-gbdt to match.

Run with Debian's python3 (python3-sklearn 1.2, python3-numpy):
    /usr/bin/python3 tests/golden/gbdt/make-golden.py tests/data/xgb tests/data/gbdt

Data (written by tests/golden/xgb/make-golden.py; read back here from the CSV files so that
both programs see the same float32 numbers; label in the first column):
  exact-cancer    sklearn's breast_cancer, 426 train / 143 test rows, 30 features, 2 classes
  exact-digits    sklearn's digits, 1347 / 450 rows, 64 features, 10 classes
  exact-diabetes  sklearn's diabetes (unscaled), 331 / 111 rows, 10 features, regression
  exact-diabetes01  the same with the label 1 when it is above 140, else 0 (written here
                  into the output directory)

Models (scikit-learn's defaults unless said: learning_rate 0.1, max_depth 3,
min_samples_leaf 1, subsample 1, criterion friedman_mse; AdaBoost: learning_rate 1, depth-1
trees, SAMME), each with random_state=0:
  cancer    GradientBoostingClassifier loss=log_loss, 100 trees       auc, logloss
  cancer    GradientBoostingClassifier loss=exponential, 100 trees    auc, logloss
  cancer    AdaBoostClassifier SAMME, 50 stumps                       auc, logloss
  cancer    AdaBoostClassifier SAMME, 100 depth-2 trees, lr 0.5       auc, error
  diabetes01  log_loss, exponential (100 trees), AdaBoost (50 stumps; 30 depth-3 trees
            with lr 0.5)                                              auc, logloss, error
  digits    GradientBoostingClassifier loss=log_loss, 50 rounds       mlogloss, merror
  digits    AdaBoostClassifier SAMME (10 classes), 50 stumps; 30 depth-3 trees with
            lr 0.5                                                    mlogloss, merror
  diabetes  GradientBoostingRegressor squared_error, absolute_error,
            huber (alpha 0.9), quantile (alpha 0.9 and 0.5), 100 trees rmse, mae, pinball
Each metric is written for the test set and for the training set (predictions of the
training rows): on the training rows both programs route every row the same way whenever
their splits are the same, so the training metrics show how close the two learners are;
on the test rows thresholds differ (midpoints between values for scikit-learn, bin
boundaries for dl-gbdt).

Output: golden.tsv, lines of tab-separated fields:
    CASE  args    ARGUMENTS               dl-gbdt train arguments (besides the files)
    CASE  set     SET                     exact-SET-train.csv / -test.csv
    CASE  data    DIR                     ... in tests/data/DIR
    CASE  metric  NAME  PART  VALUE       scikit-learn's metric on PART (train or test)
Metric definitions: auc (sklearn.metrics.roc_auc_score), logloss and mlogloss (log_loss of
predict_proba), error and merror (1 - accuracy of predict), rmse, mae, pinball@A (mean
pinball loss at quantile A: mean of max(A (y - p), (A - 1)(y - p))).
"""
import os
import sys

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.ensemble import (AdaBoostClassifier, GradientBoostingClassifier,
                              GradientBoostingRegressor)
from sklearn.tree import DecisionTreeClassifier

SRC = sys.argv[1] if len(sys.argv) > 1 else "tests/data/xgb"
OUT = sys.argv[2] if len(sys.argv) > 2 else "tests/data/gbdt"


def load(name, part):
    if name == "diabetes01":
        path = os.path.join(OUT, "exact-%s-%s.csv" % (name, part))
    else:
        path = os.path.join(SRC, "exact-%s-%s.csv" % (name, part))
    a = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    a = a.astype(np.float32).astype(np.float64)
    return a[:, 1:], a[:, 0]


def fmt(v):
    return "%.9g" % v


def pinball(y, p, a):
    d = y - p
    return float(np.mean(np.maximum(a * d, (a - 1) * d)))


def classifier_metrics(model, X, y, names):
    out = []
    proba = model.predict_proba(X)
    for n in names:
        if n == "auc":
            out.append((n, metrics.roc_auc_score(y, proba[:, 1])))
        elif n == "logloss":
            out.append((n, metrics.log_loss(y, proba[:, 1])))
        elif n == "mlogloss":
            out.append((n, metrics.log_loss(y, proba)))
        elif n in ("error", "merror"):
            out.append((n, 1 - metrics.accuracy_score(y, model.predict(X))))
    return out


def regressor_metrics(model, X, y, names):
    p = model.predict(X)
    out = []
    for n in names:
        if n == "rmse":
            out.append((n, float(np.sqrt(np.mean((y - p) ** 2)))))
        elif n == "mae":
            out.append((n, float(np.mean(np.abs(y - p)))))
        elif n.startswith("pinball@"):
            out.append((n, pinball(y, p, float(n[8:]))))
    return out


CASES = [
    ("cancer-logistic", "cancer",
     lambda: GradientBoostingClassifier(loss="log_loss", n_estimators=100, random_state=0),
     "--loss logistic --n-estimators 100", ["auc", "logloss"]),
    ("cancer-exponential", "cancer",
     lambda: GradientBoostingClassifier(loss="exponential", n_estimators=100, random_state=0),
     "--loss exponential --n-estimators 100", ["auc", "logloss"]),
    ("cancer-adaboost", "cancer",
     lambda: AdaBoostClassifier(algorithm="SAMME", n_estimators=50, random_state=0),
     "--algorithm adaboost --n-estimators 50", ["auc", "logloss"]),
    ("cancer-adaboost2", "cancer",
     lambda: AdaBoostClassifier(DecisionTreeClassifier(max_depth=2), algorithm="SAMME",
                                n_estimators=100, learning_rate=0.5, random_state=0),
     "--algorithm adaboost --n-estimators 100 --max-depth 2 --learning-rate 0.5",
     ["auc", "error"]),
    ("diabetes01-logistic", "diabetes01",
     lambda: GradientBoostingClassifier(loss="log_loss", n_estimators=100, random_state=0),
     "--loss logistic --n-estimators 100", ["auc", "logloss", "error"]),
    ("diabetes01-exponential", "diabetes01",
     lambda: GradientBoostingClassifier(loss="exponential", n_estimators=100, random_state=0),
     "--loss exponential --n-estimators 100", ["auc", "logloss", "error"]),
    ("diabetes01-adaboost", "diabetes01",
     lambda: AdaBoostClassifier(algorithm="SAMME", n_estimators=50, random_state=0),
     "--algorithm adaboost --n-estimators 50", ["auc", "logloss", "error"]),
    ("diabetes01-adaboost3", "diabetes01",
     lambda: AdaBoostClassifier(DecisionTreeClassifier(max_depth=3), algorithm="SAMME",
                                n_estimators=30, learning_rate=0.5, random_state=0),
     "--algorithm adaboost --n-estimators 30 --max-depth 3 --learning-rate 0.5",
     ["auc", "logloss", "error"]),
    ("digits-logistic", "digits",
     lambda: GradientBoostingClassifier(loss="log_loss", n_estimators=50, random_state=0),
     "--loss logistic --n-estimators 50", ["mlogloss", "merror"]),
    ("digits-adaboost", "digits",
     lambda: AdaBoostClassifier(algorithm="SAMME", n_estimators=50, random_state=0),
     "--algorithm adaboost --n-estimators 50", ["mlogloss", "merror"]),
    ("digits-adaboost3", "digits",
     lambda: AdaBoostClassifier(DecisionTreeClassifier(max_depth=3), algorithm="SAMME",
                                n_estimators=30, learning_rate=0.5, random_state=0),
     "--algorithm adaboost --n-estimators 30 --max-depth 3 --learning-rate 0.5",
     ["mlogloss", "merror"]),
    ("diabetes-squared", "diabetes",
     lambda: GradientBoostingRegressor(loss="squared_error", random_state=0),
     "--loss squared", ["rmse", "mae"]),
    ("diabetes-squared20", "diabetes",
     lambda: GradientBoostingRegressor(loss="squared_error", n_estimators=20, random_state=0),
     "--loss squared --n-estimators 20", ["rmse", "mae"]),
    ("diabetes-split40", "diabetes",
     lambda: GradientBoostingRegressor(loss="squared_error", max_depth=5, min_samples_split=40,
                                       random_state=0),
     "--loss squared --max-depth 5 --min-samples-split 40", ["rmse", "mae"]),
    ("diabetes-absolute", "diabetes",
     lambda: GradientBoostingRegressor(loss="absolute_error", random_state=0),
     "--loss absolute", ["mae", "rmse"]),
    ("diabetes-huber", "diabetes",
     lambda: GradientBoostingRegressor(loss="huber", alpha=0.9, random_state=0),
     "--loss huber --alpha 0.9", ["rmse", "mae"]),
    ("diabetes-quantile", "diabetes",
     lambda: GradientBoostingRegressor(loss="quantile", alpha=0.9, random_state=0),
     "--loss quantile --alpha 0.9", ["pinball@0.9"]),
    ("diabetes-median", "diabetes",
     lambda: GradientBoostingRegressor(loss="quantile", alpha=0.5, random_state=0),
     "--loss quantile --alpha 0.5", ["pinball@0.5", "mae"]),
]


def write_diabetes01():
    """exact-diabetes01: diabetes with the label 1 when the disease progression is above
    140 (about half of the rows), else 0, for the classifiers on features whose distinct
    values fit in 256 bins."""
    for part in ("train", "test"):
        src = os.path.join(SRC, "exact-diabetes-%s.csv" % part)
        with open(src) as fh:
            rows = fh.read().splitlines()
        out = [rows[0]]
        for r in rows[1:]:
            f = r.split(",", 1)
            out.append("%d,%s" % (float(f[0]) > 140, f[1]))
        with open(os.path.join(OUT, "exact-diabetes01-%s.csv" % part), "w") as fh:
            fh.write("\n".join(out) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    write_diabetes01()
    lines = ["# written by tests/golden/gbdt/make-golden.py: sklearn %s, numpy %s"
             % (sklearn.__version__, np.__version__)]
    for case, data, make, args, names in CASES:
        Xtr, ytr = load(data, "train")
        Xte, yte = load(data, "test")
        model = make().fit(Xtr, ytr)
        lines.append("%s\targs\t%s" % (case, args))
        lines.append("%s\tset\t%s" % (case, data))
        f = regressor_metrics if data == "diabetes" else classifier_metrics
        lines.append("%s\tdata\t%s" % (case, "gbdt" if data == "diabetes01" else "xgb"))
        for part, X, y in (("test", Xte, yte), ("train", Xtr, ytr)):
            for n, v in f(model, X, y, names):
                lines.append("%s\tmetric\t%s\t%s\t%s" % (case, n, part, fmt(v)))
        print(case, "done", file=sys.stderr)
    with open(os.path.join(OUT, "golden.tsv"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
