#!/usr/bin/python3
"""make-metrics.py — golden values of lib/data's metrics, computed by XGBoost.

Writes tests/data/data/metric-sets.txt (small random sets of predictions, labels, weights
and query groups) and tests/golden/data/metrics.txt (every metric of each set, as XGBoost
evaluates it). XGBoost is made to evaluate given predictions by a booster of zero rounds
over a DMatrix whose base_margin is the inverse link of the predictions; the predictions
written to the fixture are the ones the booster returns (binary32 values, printed exactly),
so both sides see the same numbers. Ranking sets give XGBoost per-group weights, and the
fixture gives each row its group's weight. Run from the source tree:
    /usr/bin/python3 tests/golden/data/make-metrics.py
Needs python3-xgboost (Debian's 1.7.4) and numpy.
"""
import math
import os
import sys

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SETS = os.path.join(TOP, "tests", "data", "data", "metric-sets.txt")
GOLDEN = os.path.join(HERE, "metrics.txt")

REG = ["rmse", "rmsle", "mae", "mape", "mphe", "poisson-nloglik"]
BIN = ["logloss", "error", "error@0.3", "auc", "aucpr", "rmse", "mae"]
MULTI = ["mlogloss", "merror", "auc", "aucpr"]
RANK = ["ndcg", "ndcg@3", "ndcg@3-", "ndcg-", "map", "map@2", "map@2-", "map-", "auc"]
RANK01 = RANK + ["aucpr"]


def evaluate(objective, margin, label, weight, group, metric, extra=None):
    n = label.shape[0]
    d = xgb.DMatrix(np.zeros((n, 1), dtype=np.float32), label=label, base_margin=margin)
    if group is not None:
        d.set_group(np.diff(group))
        if weight is not None:
            d.set_weight(weight[group[:-1]])
    elif weight is not None:
        d.set_weight(weight)
    params = {"objective": objective, "eval_metric": metric, "base_score": 0.5}
    params.update(extra or {})
    b = xgb.train(params, d, num_boost_round=0)
    out = b.eval(d)
    value = out.split(":", 1)[1]
    return b.predict(d), value


def fmt(v):
    return repr(float(v))


def write_set(f, name, pred, label, weight, group, k):
    f.write("set %s\nn %d\nk %d\n" % (name, label.shape[0], k))
    f.write("pred " + " ".join("%.9g" % v for v in pred.reshape(-1)) + "\n")
    f.write("label " + " ".join("%.9g" % v for v in label) + "\n")
    if weight is not None:
        f.write("weight " + " ".join("%.9g" % v for v in weight) + "\n")
    if group is not None:
        f.write("group " + " ".join(str(int(v)) for v in group) + "\n")
    f.write("end\n")


def main():
    rng = np.random.default_rng(20240611)
    sets = []

    # Regression: positive predictions and labels (rmsle, mape, poisson need them).
    n = 40
    p = rng.uniform(0.1, 5, n).astype(np.float32)
    y = rng.uniform(0.2, 6, n).astype(np.float32).round(2)
    w = rng.uniform(0.1, 3, n).astype(np.float32).round(3)
    for name, wt in (("reg", None), ("reg-w", w)):
        sets.append((name, "count:poisson", np.log(p), y, wt, None, 1, REG, None))

    # Binary: scores with ties (a coarse grid), weights; also one class only, and extremes.
    p = rng.uniform(0.02, 0.98, 50).round(1).clip(0.05, 0.95)
    y = (rng.uniform(size=50) < p).astype(np.float32)
    w = rng.uniform(0.1, 3, 50).astype(np.float32).round(3)
    m = np.log(p / (1 - p))
    sets.append(("bin", "binary:logistic", m, y, None, None, 1, BIN, None))
    sets.append(("bin-w", "binary:logistic", m, y, w, None, 1, BIN, None))
    p2 = rng.uniform(0.02, 0.98, 60)
    y2 = (rng.uniform(size=60) < p2).astype(np.float32)
    sets.append(("bin-noties", "binary:logistic", np.log(p2 / (1 - p2)), y2,
                 rng.uniform(0.5, 2, 60).astype(np.float32), None, 1, BIN, None))
    sets.append(("bin-oneclass", "binary:logistic", m[:10], np.ones(10, np.float32), None,
                 None, 1, ["auc", "logloss"], None))   # XGBoost 1.7 fails a check on aucpr
    ext = np.array([-40, -40, 40, 40, 0, 3], dtype=np.float64)
    sets.append(("bin-extreme", "binary:logistic", ext,
                 np.array([0, 1, 0, 1, 1, 0], np.float32), None, None, 1,
                 ["logloss", "error", "auc"], None))

    # Multi-class, K = 3.
    n, K = 36, 3
    logits = rng.normal(size=(n, K))
    y = rng.integers(0, K, n).astype(np.float32)
    w = rng.uniform(0.1, 3, n).astype(np.float32).round(3)
    for name, wt in (("multi", None), ("multi-w", w)):
        sets.append((name, "multi:softprob", logits, y, wt, None, K, MULTI,
                     {"num_class": K}))

    # Ranking: graded labels 0..3, score ties, a group without a relevant item, groups of
    # 1 and 2 rows (left out of auc).
    sizes = [5, 1, 2, 7, 4, 6, 3]
    group = np.concatenate([[0], np.cumsum(sizes)])
    n = int(group[-1])
    s = rng.normal(size=n).round(1)
    y = rng.integers(0, 4, n).astype(np.float32)
    y[group[5]:group[6]] = 0
    gw = rng.uniform(0.5, 2, len(sizes)).astype(np.float32).round(2)
    wrow = np.repeat(gw, sizes).astype(np.float32)
    sets.append(("rank", "rank:pairwise", s, y, None, group, 1, RANK, None))
    sets.append(("rank-w", "rank:pairwise", s, y, wrow, group, 1, RANK, None))
    y01 = (y >= 2).astype(np.float32)
    sets.append(("rank01", "rank:pairwise", s, y01, None, group, 1, RANK01, None))
    # Ranking metrics over all rows as one group (no group given).
    sets.append(("rank-nogroup", "rank:pairwise", s, y, None, None, 1,
                 ["ndcg", "ndcg@5", "map", "map@4-"], None))

    with open(SETS, "w") as fs, open(GOLDEN, "w") as fg:
        fs.write("# written by tests/golden/data/make-metrics.py (XGBoost %s)\n" % xgb.__version__)
        fg.write("# written by tests/golden/data/make-metrics.py (XGBoost %s): SET METRIC VALUE\n"
                 % xgb.__version__)
        for name, obj, margin, y, wt, grp, k, metrics, extra in sets:
            pred = None
            for metric in metrics:
                pr, value = evaluate(obj, np.asarray(margin, np.float32).reshape(-1)
                                     if k > 1 else np.asarray(margin, np.float32),
                                     y, wt, grp, metric, extra)
                if pred is None:
                    pred = pr
                    write_set(fs, name, pred, y, wt, grp, k)
                fg.write("%s %s %s\n" % (name, metric, value))
    print("wrote", SETS, "and", GOLDEN)


if __name__ == "__main__":
    sys.exit(main())
