#!/usr/bin/python3
"""The XGBoost side of the dl-xgb benchmark (Debian's python3-xgboost 1.7): trains with
xgboost.train on a set written by make-data.py and prints one line of "key value" pairs.

    xgb-train.py --data DIR --set NAME --objective OBJ [--num-class K] [--metrics M,M]
                 [--rounds N] [--eta X] [--max-depth N] [--max-bin N] [--threads T]
                 [--base-score X] [--libsvm TRAIN TEST] [--model OUT.json] [--pred OUT.txt]

Data: NAME-train.npy / NAME-test.npy (float32 tables, label first, then qid for ranking:
the CSV files read back), or with --libsvm two libsvm files loaded by XGBoost itself.
Timed separately (time.perf_counter): the DMatrix construction of the training data from the
numpy arrays ("dmatrix"), xgboost.train ("train": nothing is evaluated during training) and
Booster.predict on the test rows ("predict", the best of 4 calls, each on a new DMatrix: a
Booster caches the predictions of a DMatrix it has seen).
Printed: dmatrix, train, predict (seconds), train_cpu (the CPU seconds of all the process's
threads during xgboost.train, time.process_time), test_rows and each test metric, computed from
the predictions by sklearn.metrics (auc, rmse, mlogloss) or directly (merror, ndcg@k with gain
2^rel - 1, as XGBoost and dl-xgb compute it; a query without relevant documents scores 1).
"""
import argparse
import os
import time

import numpy as np
import xgboost as xgb
from sklearn import metrics


def group_sizes(qid):
    _, idx, counts = np.unique(qid, return_index=True, return_counts=True)
    return counts[np.argsort(idx)]


def ndcg_at(y, p, qid, k):
    out = []
    start = 0
    for n in group_sizes(qid):
        rel, sc = y[start:start + n], p[start:start + n]
        start += n
        order = np.argsort(-sc, kind="stable")
        disc = 1.0 / np.log2(np.arange(2, n + 2))
        dcg = np.sum(((2.0 ** rel[order]) - 1)[:k] * disc[:k])
        idcg = np.sum(((2.0 ** np.sort(rel)[::-1]) - 1)[:k] * disc[:k])
        out.append(dcg / idcg if idcg > 0 else 1.0)
    return float(np.mean(out))


def metric(name, y, p, qid):
    if name == "auc":
        return metrics.roc_auc_score(y, p)
    if name == "rmse":
        return metrics.mean_squared_error(y, p) ** 0.5
    if name == "mlogloss":
        return metrics.log_loss(y, p, labels=range(p.shape[1]))
    if name == "merror":
        return float(np.mean(np.argmax(p, 1) != y))
    if name.startswith("ndcg@"):
        return ndcg_at(y, p, qid, int(name[5:]))
    raise SystemExit("xgb-train: unknown metric " + name)


def load(path, ranking):
    a = np.load(path)
    if ranking:
        return a[:, 0], a[:, 1].astype(np.int64), np.ascontiguousarray(a[:, 2:])
    return a[:, 0], None, np.ascontiguousarray(a[:, 1:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data")
    ap.add_argument("--set")
    ap.add_argument("--libsvm", nargs=2)
    ap.add_argument("--objective", required=True)
    ap.add_argument("--num-class", type=int, default=0)
    ap.add_argument("--metrics", default="")
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--eta", type=float, default=0.1)
    ap.add_argument("--max-depth", type=int, default=6)
    ap.add_argument("--max-bin", type=int, default=256)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--base-score", type=float, default=0.5)
    ap.add_argument("--model")
    ap.add_argument("--pred")
    a = ap.parse_args()
    ranking = a.objective.startswith("rank:")
    params = {"tree_method": "hist", "max_bin": a.max_bin, "eta": a.eta,
              "max_depth": a.max_depth, "objective": a.objective, "nthread": a.threads,
              "base_score": a.base_score, "seed": 1}
    if a.num_class:
        params["num_class"] = a.num_class
    qte = None
    t0 = time.perf_counter()
    if a.libsvm:
        dtr = xgb.DMatrix(a.libsvm[0] + "?format=libsvm", nthread=a.threads)
        def new_test():
            return xgb.DMatrix(a.libsvm[1] + "?format=libsvm", nthread=a.threads)
        dte = new_test()
        yte = dte.get_label()
        t1 = time.perf_counter()
    else:
        ytr, qtr, Xtr = load(os.path.join(a.data, a.set + "-train.npy"), ranking)
        yte, qte, Xte = load(os.path.join(a.data, a.set + "-test.npy"), ranking)
        t0 = time.perf_counter()
        dtr = xgb.DMatrix(Xtr, label=ytr, nthread=a.threads)
        if ranking:
            dtr.set_group(group_sizes(qtr))
        t1 = time.perf_counter()
        def new_test():
            return xgb.DMatrix(Xte, label=yte, nthread=a.threads)
        dte = new_test()
        if ranking:
            dte.set_group(group_sizes(qte))
    t2, c2 = time.perf_counter(), time.process_time()
    bst = xgb.train(params, dtr, a.rounds)
    t3, c3 = time.perf_counter(), time.process_time()
    # Booster.predict caches the predictions of a DMatrix it has seen: each timed call gets
    # a DMatrix of its own, built before the clock starts.
    best = float("inf")
    for _ in range(4):
        d = new_test()
        t4 = time.perf_counter()
        p = bst.predict(d)
        best = min(best, time.perf_counter() - t4)
        del d
    out = ["dmatrix %.3f" % (t1 - t0), "train %.3f" % (t3 - t2), "train_cpu %.3f" % (c3 - c2),
           "predict %.4f" % best,
           "test_rows %d" % dte.num_row()]
    for m in filter(None, a.metrics.split(",")):
        out.append("%s %.6f" % (m, metric(m, yte, p, qte)))
    if a.model:
        bst.save_model(a.model)
    if a.pred:
        np.savetxt(a.pred, p.reshape(len(p), -1), fmt="%.9g", delimiter="\t")
    print(" ".join(out))


if __name__ == "__main__":
    main()
