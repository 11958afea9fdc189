#!/usr/bin/python3
"""Golden metrics of random forests for tests/cli/rf-exact.sh, from independent
implementations: scikit-learn (Debian's python3-sklearn) and ranger (Debian's
r-cran-ranger, through Rscript).

Data: the fixed splits of scikit-learn's breast_cancer (classification) and diabetes
(regression) in tests/data/xgb/exact-{cancer,diabetes}-{train,test}.csv (label first).
Settings, the same as dl-rf's defaults:
  classification: 500 trees, mtry floor(sqrt(d)) = 5, nodes of 1 row not split, bootstrap
      with replacement, Gini, probability forest (mean of the leaves' class frequencies);
  regression: 500 trees, mtry floor(d / 3) = 3, nodes of 5 rows or fewer not split
      (scikit-learn: min_samples_split=6), variance.
For each of the seeds 1..5: test accuracy and AUC (classification; accuracy from the
argmax of the probabilities), test RMSE (regression), and the OOB accuracy or OOB R^2 and
MSE. The means over the seeds are written to tests/data/rf/golden.tsv as
    SET<TAB>IMPLEMENTATION<TAB>METRIC<TAB>MEAN

Run from the top of the source tree:  /usr/bin/python3 tests/golden/rf/make-golden.py
"""
import os
import subprocess
import sys

import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score

SEEDS = [1, 2, 3, 4, 5]
TREES = 500
D = "tests/data/xgb"
OUT = "tests/data/rf/golden.tsv"


def load(name):
    a = np.loadtxt(os.path.join(D, name), delimiter=",", skiprows=1)
    return a[:, 1:], a[:, 0]


def sklearn_cancer():
    xtr, ytr = load("exact-cancer-train.csv")
    xte, yte = load("exact-cancer-test.csv")
    acc, auc, oob = [], [], []
    for s in SEEDS:
        m = RandomForestClassifier(n_estimators=TREES, max_features="sqrt",
                                   min_samples_split=2, bootstrap=True, oob_score=True,
                                   random_state=s, n_jobs=1).fit(xtr, ytr)
        p = m.predict_proba(xte)
        acc.append(accuracy_score(yte, p.argmax(1)))
        auc.append(roc_auc_score(yte, p[:, 1]))
        oob.append(m.oob_score_)
    return {"accuracy": np.mean(acc), "auc": np.mean(auc), "oob_accuracy": np.mean(oob)}


def sklearn_diabetes():
    xtr, ytr = load("exact-diabetes-train.csv")
    xte, yte = load("exact-diabetes-test.csv")
    rmse, r2, mse = [], [], []
    for s in SEEDS:
        m = RandomForestRegressor(n_estimators=TREES, max_features=1 / 3,
                                  min_samples_split=6, bootstrap=True, oob_score=True,
                                  random_state=s, n_jobs=1).fit(xtr, ytr)
        rmse.append(mean_squared_error(yte, m.predict(xte)) ** 0.5)
        r2.append(m.oob_score_)
        mse.append(np.mean((m.oob_prediction_ - ytr) ** 2))
    return {"rmse": np.mean(rmse), "oob_r2": np.mean(r2), "oob_mse": np.mean(mse)}


R_SCRIPT = r"""
suppressMessages(library(ranger))
args <- commandArgs(trailingOnly = TRUE)
d <- args[1]
rd <- function(f) read.csv(file.path(d, f))
auc <- function(y, p) {
  r <- rank(p); n1 <- sum(y == 1); n0 <- sum(y == 0)
  (sum(r[y == 1]) - n1 * (n1 + 1) / 2) / (n1 * n0)
}
tr <- rd("exact-cancer-train.csv"); te <- rd("exact-cancer-test.csv")
tr$label <- factor(tr$label); te$label <- factor(te$label)
acc <- c(); au <- c(); oob <- c()
for (s in 1:5) {
  m <- ranger(label ~ ., data = tr, num.trees = 500, mtry = 5, min.node.size = 1,
              probability = TRUE, seed = s, num.threads = 1)
  p <- predict(m, te)$predictions[, "1"]
  acc <- c(acc, mean((p > 0.5) == (te$label == "1")))
  au <- c(au, auc(te$label == "1", p))
  po <- m$predictions[, "1"]
  ok <- !is.na(po)
  oob <- c(oob, mean((po[ok] > 0.5) == (tr$label[ok] == "1")))
}
cat(sprintf("cancer\tranger\taccuracy\t%.6f\n", mean(acc)))
cat(sprintf("cancer\tranger\tauc\t%.6f\n", mean(au)))
cat(sprintf("cancer\tranger\toob_accuracy\t%.6f\n", mean(oob)))
tr <- rd("exact-diabetes-train.csv"); te <- rd("exact-diabetes-test.csv")
rm <- c(); r2 <- c(); ms <- c()
for (s in 1:5) {
  m <- ranger(label ~ ., data = tr, num.trees = 500, mtry = 3, min.node.size = 5,
              seed = s, num.threads = 1)
  p <- predict(m, te)$predictions
  rm <- c(rm, sqrt(mean((p - te$label)^2)))
  ms <- c(ms, m$prediction.error)
  r2 <- c(r2, 1 - m$prediction.error / mean((tr$label - mean(tr$label))^2))
}
cat(sprintf("diabetes\tranger\trmse\t%.6f\n", mean(rm)))
cat(sprintf("diabetes\tranger\toob_r2\t%.6f\n", mean(r2)))
cat(sprintf("diabetes\tranger\toob_mse\t%.6f\n", mean(ms)))
"""


def main():
    lines = ["# written by tests/golden/rf/make-golden.py: means over seeds 1..5, %d trees"
             % TREES]
    for k, v in sklearn_cancer().items():
        lines.append("cancer\tsklearn\t%s\t%.6f" % (k, v))
    for k, v in sklearn_diabetes().items():
        lines.append("diabetes\tsklearn\t%s\t%.6f" % (k, v))
    try:
        r = subprocess.run(["Rscript", "-e", R_SCRIPT, D], check=True, capture_output=True,
                           text=True)
        lines += [l for l in r.stdout.splitlines() if l]
    except (OSError, subprocess.CalledProcessError) as e:
        print("ranger: skipped (%s)" % e, file=sys.stderr)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
