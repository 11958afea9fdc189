#!/usr/bin/python3
"""scikit-learn's RandomForestClassifier on the benchmark's data (make-data.py): fit time,
test accuracy and AUC, the size of the pickled model, and the time of predict_proba on the
test rows (the best of 3 calls).

    /usr/bin/python3 bench/rf/sk-train.py DIR TREES THREADS
prints: fit_seconds accuracy auc model_bytes predict_seconds
"""
import os
import pickle
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score


def main():
    d, trees, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    tr, te = np.load(os.path.join(d, "train.npz")), np.load(os.path.join(d, "test.npz"))
    m = RandomForestClassifier(n_estimators=trees, max_features="sqrt", n_jobs=threads,
                               random_state=1)
    t0 = time.perf_counter()
    m.fit(tr["x"], tr["y"])
    fit = time.perf_counter() - t0
    p = m.predict_proba(te["x"])[:, 1]
    acc = np.mean((p > 0.5) == te["y"])
    size = len(pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL))
    pred = []
    for _ in range(3):
        t0 = time.perf_counter()
        m.predict_proba(te["x"])
        pred.append(time.perf_counter() - t0)
    print("%.2f %.5f %.5f %d %.4f" % (fit, acc, roc_auc_score(te["y"], p), size, min(pred)))


if __name__ == "__main__":
    main()
