#!/usr/bin/python3
"""The accuracy of dl-rf beside scikit-learn's RandomForest* (Debian's python3-sklearn) and
ranger (Debian's r-cran-ranger, through Rscript), with the same settings on the same data:
the mean over seeds 1..5 of the test metric and of the out-of-bag (OOB) error, printed as a
Markdown table with the largest difference of dl-rf (either mode) from either peer, the
difference between the two peers, and whether dl-rf's is within the requirement (test accuracy and AUC 0.5 point, OOB accuracy 1 point; for regression test
RMSE 1% and OOB R^2 0.01, the same allowance in the units of the metric).

    /usr/bin/python3 bench/rf/accuracy.py BUILD_DIR

Data: the dl-xgb benchmark's splits under $DL_BENCH_DATA/xgb (bench/xgb/make-data.py:
breast_cancer, digits, diabetes, mlbench's Satellite), and a synthetic set written here
(make_classification(n_samples=25000, n_features=20, n_informative=8, n_redundant=4,
flip_y=0.02, random_state=7): 20,000 training and 5,000 test rows).
Settings, for all three: 500 trees (100 on the synthetic set), mtry floor(sqrt(d)) for
classification and floor(d/3) for regression, bootstrap with replacement, nodes of 1 row
(classification) or 5 rows (regression; scikit-learn: min_samples_split=6) not split,
probability forests (the argmax of the mean class frequencies). dl-rf with its default
histogram splits and with --exact. Two threads each (no result depends on it except
ranger's draws).
"""
import os
import subprocess
import sys

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score

SEEDS = [1, 2, 3, 4, 5]
DATA = os.path.join(os.environ.get("DL_BENCH_DATA", "/tmp/dl-bench"), "xgb")
# name, task, trees
SETS = [("cancer", "c", 500), ("digits", "c", 500), ("satellite", "c", 500),
        ("synthetic-rf", "c", 100), ("diabetes", "r", 500)]
TOL = {"accuracy": 0.005, "auc": 0.005, "oob_accuracy": 0.01, "rmse": 0.01, "oob_r2": 0.01}

R_SCRIPT = r"""
suppressMessages(library(ranger))
a <- commandArgs(trailingOnly = TRUE)
tr <- read.csv(paste0(a[1], "-train.csv")); te <- read.csv(paste0(a[1], "-test.csv"))
cls <- a[2] == "c"; trees <- as.integer(a[3]); d <- ncol(tr) - 1
if (cls) { tr$label <- factor(tr$label) }
for (s in 1:5) {
  if (cls) {
    m <- ranger(label ~ ., data = tr, num.trees = trees, mtry = floor(sqrt(d)),
                min.node.size = 1, probability = TRUE, seed = s, num.threads = 2)
    p <- predict(m, te, num.threads = 2)$predictions
    lv <- as.numeric(colnames(p))
    acc <- mean(lv[max.col(p, ties.method = "first")] == te$label)
    po <- m$predictions; ok <- !is.na(po[, 1])
    oob <- mean(lv[max.col(po[ok, ], ties.method = "first")] == as.numeric(as.character(tr$label[ok])))
    auc <- NA
    if (ncol(p) == 2) {
      q <- p[, "1"]; y <- te$label == 1; r <- rank(q); n1 <- sum(y); n0 <- sum(!y)
      auc <- (sum(r[y]) - n1 * (n1 + 1) / 2) / (n1 * n0)
    }
    cat(sprintf("accuracy %.6f\noob_accuracy %.6f\n", acc, oob))
    if (!is.na(auc)) cat(sprintf("auc %.6f\n", auc))
  } else {
    m <- ranger(label ~ ., data = tr, num.trees = trees, mtry = floor(d / 3),
                min.node.size = 5, seed = s, num.threads = 2)
    p <- predict(m, te, num.threads = 2)$predictions
    cat(sprintf("rmse %.6f\noob_r2 %.6f\n", sqrt(mean((p - te$label)^2)), m$r.squared))
  }
}
"""


def load(prefix):
    a = np.loadtxt(prefix, delimiter=",", skiprows=1, dtype=np.float32)
    return a[:, 1:], a[:, 0]


def write_synthetic(prefix):
    if os.path.exists(prefix + "-test.csv"):
        return
    x, y = make_classification(n_samples=25000, n_features=20, n_informative=8,
                               n_redundant=4, flip_y=0.02, random_state=7)
    for name, sl in (("train", slice(0, 20000)), ("test", slice(20000, None))):
        with open("%s-%s.csv" % (prefix, name), "w") as f:
            f.write("label," + ",".join("f%d" % j for j in range(20)) + "\n")
            for yi, xi in zip(y[sl], x[sl]):
                f.write("%d," % yi + ",".join("%.7g" % v for v in xi) + "\n")


def mean_lines(lines):
    acc = {}
    for l in lines:
        k, v = l.split()
        acc.setdefault(k, []).append(float(v))
    return {k: float(np.mean(v)) for k, v in acc.items()}


def sklearn_run(prefix, task, trees):
    xtr, ytr = load(prefix + "-train.csv")
    xte, yte = load(prefix + "-test.csv")
    out = []
    for s in SEEDS:
        if task == "c":
            m = RandomForestClassifier(n_estimators=trees, max_features="sqrt",
                                       oob_score=True, random_state=s, n_jobs=2).fit(xtr, ytr)
            p = m.predict_proba(xte)
            out.append("accuracy %.6f" % accuracy_score(yte, m.classes_[p.argmax(1)]))
            out.append("oob_accuracy %.6f" % m.oob_score_)
            if p.shape[1] == 2:
                out.append("auc %.6f" % roc_auc_score(yte, p[:, 1]))
        else:
            m = RandomForestRegressor(n_estimators=trees, max_features=1 / 3,
                                      min_samples_split=6, oob_score=True, random_state=s,
                                      n_jobs=2).fit(xtr, ytr)
            out.append("rmse %.6f" % mean_squared_error(yte, m.predict(xte)) ** 0.5)
            out.append("oob_r2 %.6f" % m.oob_score_)
    return mean_lines(out)


def dlrf_run(build, prefix, task, trees, extra):
    out = []
    log = prefix + ".dlrf.log"
    model = prefix + ".dlrf.json"
    for s in SEEDS:
        if os.path.exists(log):
            os.remove(log)
        subprocess.run([build + "/dl-rf", "train", "-q", "--threads", "2", "--seed", str(s),
                        "--trees", str(trees), "--task",
                        "classification" if task == "c" else "regression", "--log", log,
                        "-o", model] + extra + [prefix + "-train.csv"], check=True)
        metrics = ["accuracy", "auc"] if task == "c" else ["rmse"]
        args = [build + "/dl-rf", "eval", "-m", model]
        for m in metrics:
            args += ["--metric", m]
        r = subprocess.run(args + [prefix + "-test.csv"], check=True, capture_output=True,
                           text=True)
        for l in r.stdout.splitlines():
            k, v = l.split("\t")
            if k == "auc" and "digits" in prefix or k == "auc" and "satellite" in prefix:
                continue
            out.append("%s %s" % (k, v))
        text = open(log).read()
        if task == "c":
            v = text.split('"oob_accuracy":')[1].split(",")[0]
            out.append("oob_accuracy %s" % v)
        else:
            v = text.split('"oob_r2":')[1].split("}")[0].split(",")[0]
            out.append("oob_r2 %s" % v)
    os.remove(model)
    os.remove(log)
    return mean_lines(out)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "./build"
    write_synthetic(os.path.join(DATA, "synthetic-rf"))
    print("| set | metric | dl-rf | dl-rf --exact | scikit-learn | ranger | largest difference | "
          "scikit-learn - ranger | tolerance | within |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, task, trees in SETS:
        prefix = os.path.join(DATA, name)
        print("accuracy: %s" % name, file=sys.stderr, flush=True)
        dl = dlrf_run(build, prefix, task, trees, [])
        dx = dlrf_run(build, prefix, task, trees, ["--exact"])
        sk = sklearn_run(prefix, task, trees)
        r = subprocess.run(["Rscript", "-e", R_SCRIPT, prefix, task, str(trees)], check=True,
                           capture_output=True, text=True)
        rg = mean_lines(l for l in r.stdout.splitlines() if l)
        for k in dl:
            tol = TOL[k] * (sk[k] if k == "rmse" else 1)
            diff = max(abs(v - p) for v in (dl[k], dx[k]) for p in (sk[k], rg[k]))
            print("| %s | %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %s |" %
                  (name, k, dl[k], dx[k], sk[k], rg[k], diff, abs(sk[k] - rg[k]), tol,
                   "yes" if diff <= tol else "no"))


if __name__ == "__main__":
    main()
