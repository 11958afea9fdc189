#!/usr/bin/python3
"""Data and golden values for tests/cli/rf-quantiles.sh (quantile regression forests).

1. tests/data/rf/qrf-const.csv: 37 random labels beside a constant feature. A forest on it
   cannot split, so every tree is one leaf holding all the training rows, and quantile
   regression forests (Meinshausen 2006) give the empirical quantiles of the labels:
   numpy's np.quantile(y, p, method="inverted_cdf") (the smallest y with F(y) >= p).
2. tests/data/rf/qrf-{train,test}.csv: a heteroscedastic regression, y = 10 a + (0.2 + 3 b) e
   with a, b, c uniform on [0, 1] and e standard normal (1000 training and 500 test rows).
   ranger (Debian's r-cran-ranger, through Rscript) with quantreg = TRUE, 100 trees,
   mtry 1, min.node.size 5, seeds 1..5: the mean over the seeds of the coverage of the
   test labels by [q0.1, q0.9] and of the pinball loss of q0.1, q0.5 and q0.9. ranger
   estimates the quantiles from one label drawn per leaf and tree, a cheaper estimate of
   the same conditional distribution, so the test compares within a tolerance.

Written: tests/data/rf/qrf-golden.tsv, lines NAME<TAB>VALUE.
Run from the top of the source tree:  /usr/bin/python3 tests/golden/rf/make-quantiles.py
"""
import subprocess

import numpy as np

D = "tests/data/rf"
PROBS = [0.0, 0.1, 0.25, 0.5, 0.9, 1.0]

R_SCRIPT = r"""
suppressMessages(library(ranger))
d <- commandArgs(trailingOnly = TRUE)[1]
tr <- read.csv(file.path(d, "qrf-train.csv")); te <- read.csv(file.path(d, "qrf-test.csv"))
pin <- function(u, a) mean(pmax(a * u, (a - 1) * u))
r <- matrix(0, 5, 4)
for (s in 1:5) {
  m <- ranger(label ~ ., data = tr, num.trees = 100, quantreg = TRUE, mtry = 1,
              min.node.size = 5, seed = s, num.threads = 1)
  q <- predict(m, te, type = "quantiles", quantiles = c(0.1, 0.5, 0.9))$predictions
  y <- te$label
  r[s, ] <- c(mean(y >= q[, 1] & y <= q[, 3]), pin(y - q[, 1], 0.1), pin(y - q[, 2], 0.5),
              pin(y - q[, 3], 0.9))
}
m <- colMeans(r)
cat(sprintf("ranger_coverage\t%.6f\nranger_pinball_0.1\t%.6f\nranger_pinball_0.5\t%.6f\nranger_pinball_0.9\t%.6f\n",
            m[1], m[2], m[3], m[4]))
"""


def write_csv(path, y, x):
    with open(path, "w") as f:
        f.write("label," + ",".join("abc"[: x.shape[1]]) + "\n")
        for yi, xi in zip(y, x):
            f.write("%.6g," % yi + ",".join("%.6g" % v for v in xi) + "\n")


def main():
    rng = np.random.default_rng(20261124)
    y = np.round(rng.normal(50, 20, 37), 3)
    write_csv(D + "/qrf-const.csv", y, np.ones((37, 1)))
    # the labels as dl-rf reads them (float32)
    y32 = np.array(["%.6g" % v for v in y], dtype=np.float32)
    lines = ["# written by tests/golden/rf/make-quantiles.py"]
    for p in PROBS:
        lines.append("const_q%g\t%.9g" % (p, np.quantile(y32, p, method="inverted_cdf")))
    for name, n in (("train", 1000), ("test", 500)):
        x = rng.uniform(0, 1, (n, 3))
        yy = 10 * x[:, 0] + rng.normal(0, 1, n) * (0.2 + 3 * x[:, 1])
        write_csv("%s/qrf-%s.csv" % (D, name), yy, x)
    r = subprocess.run(["Rscript", "-e", R_SCRIPT, D], check=True, capture_output=True,
                       text=True)
    lines += [l for l in r.stdout.splitlines() if l]
    with open(D + "/qrf-golden.tsv", "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
