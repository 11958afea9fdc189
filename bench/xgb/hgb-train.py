#!/usr/bin/python3
"""The scikit-learn side of the dl-xgb benchmark: HistGradientBoostingClassifier (Debian's
python3-sklearn 1.2) on a binary set written by make-data.py; prints one line of "key value"
pairs: fit (seconds of HistGradientBoostingClassifier.fit on the float32 arrays; its binning
included), fit_cpu (the CPU seconds of all its threads during fit), predict (seconds of predict_proba on the test rows), test_rows, auc.

    OMP_NUM_THREADS=T hgb-train.py --data DIR --set NAME [--rounds N] [--eta X]
                                   [--max-depth N]

Settings: max_iter=N (200), learning_rate=X (0.1), max_depth=N (6 edges from the root to the
deepest leaf, as XGBoost's max_depth), max_leaf_nodes=None (no cap besides the depth),
l2_regularization=1 (XGBoost's lambda), min_samples_leaf=1 (XGBoost's min_child_weight=1
bounds the hessian sum instead), max_bins=255 (its largest; one more bin holds the missing
values), early_stopping=False. Threads: OpenMP, OMP_NUM_THREADS.
"""
import argparse
import os
import time

import numpy as np
from sklearn import metrics
from sklearn.ensemble import HistGradientBoostingClassifier


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--set", required=True)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--eta", type=float, default=0.1)
    ap.add_argument("--max-depth", type=int, default=6)
    a = ap.parse_args()
    tr = np.load(os.path.join(a.data, a.set + "-train.npy"))
    te = np.load(os.path.join(a.data, a.set + "-test.npy"))
    Xtr, ytr = np.ascontiguousarray(tr[:, 1:]), tr[:, 0].astype(np.int64)
    Xte, yte = np.ascontiguousarray(te[:, 1:]), te[:, 0].astype(np.int64)
    clf = HistGradientBoostingClassifier(
        max_iter=a.rounds, learning_rate=a.eta, max_depth=a.max_depth, max_leaf_nodes=None,
        l2_regularization=1.0, min_samples_leaf=1, max_bins=255, early_stopping=False,
        random_state=0)
    t0, c0 = time.perf_counter(), time.process_time()
    clf.fit(Xtr, ytr)
    t1, c1 = time.perf_counter(), time.process_time()
    p = clf.predict_proba(Xte)[:, 1]
    t2 = time.perf_counter()
    print("fit %.3f fit_cpu %.3f predict %.4f test_rows %d auc %.6f" %
          (t1 - t0, c1 - c0, t2 - t1, len(yte), metrics.roc_auc_score(yte, p)))


if __name__ == "__main__":
    main()
