#!/usr/bin/python3
"""The scikit-learn side of the dl-gbdt benchmark (Debian's python3-sklearn 1.2): trains
GradientBoostingClassifier (--model gb) or HistGradientBoostingClassifier (--model hgb) on
NAME-train.npy and prints one line of "key value" pairs: fit (seconds of fit on the float32
arrays), fit_cpu (CPU seconds of all threads during fit), auc (roc_auc_score of
predict_proba on NAME-test.npy).

    OMP_NUM_THREADS=T sk-train.py --data DIR --set NAME --model gb|hgb [--rounds N]
                                  [--learning-rate X] [--max-depth N]

Settings: log loss, N trees (100), learning rate X (0.1), depth N (3), min_samples_leaf 1,
subsample 1; GradientBoostingClassifier splits exactly (friedman_mse), random_state 0;
HistGradientBoostingClassifier: max_iter N, max_depth N, max_leaf_nodes None,
l2_regularization 0, max_bins 255 (its largest), early_stopping False. GradientBoosting-
Classifier is single-threaded; HistGradientBoostingClassifier uses OMP_NUM_THREADS.
"""
import argparse
import os
import time

import numpy as np
from sklearn import metrics
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--set", required=True)
    ap.add_argument("--model", choices=("gb", "hgb"), required=True)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--learning-rate", type=float, default=0.1)
    ap.add_argument("--max-depth", type=int, default=3)
    a = ap.parse_args()
    tr = np.load(os.path.join(a.data, a.set + "-train.npy"))
    te = np.load(os.path.join(a.data, a.set + "-test.npy"))
    Xtr, ytr = np.ascontiguousarray(tr[:, 1:]), tr[:, 0].astype(np.int64)
    Xte, yte = np.ascontiguousarray(te[:, 1:]), te[:, 0].astype(np.int64)
    if a.model == "gb":
        clf = GradientBoostingClassifier(n_estimators=a.rounds, learning_rate=a.learning_rate,
                                         max_depth=a.max_depth, random_state=0)
    else:
        clf = HistGradientBoostingClassifier(
            max_iter=a.rounds, learning_rate=a.learning_rate, max_depth=a.max_depth,
            max_leaf_nodes=None, l2_regularization=0.0, min_samples_leaf=1, max_bins=255,
            early_stopping=False, random_state=0)
    t0, c0 = time.perf_counter(), time.process_time()
    clf.fit(Xtr, ytr)
    t1, c1 = time.perf_counter(), time.process_time()
    p = clf.predict_proba(Xte)[:, 1]
    print("fit %.3f fit_cpu %.3f auc %.6f" % (t1 - t0, c1 - c0, metrics.roc_auc_score(yte, p)))


if __name__ == "__main__":
    main()
