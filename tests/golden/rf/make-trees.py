#!/usr/bin/python3
"""Golden single trees for tests/cli/rf-tree.sh: scikit-learn's DecisionTreeRegressor and
DecisionTreeClassifier (Debian's python3-sklearn) on the fixed training splits of
tests/data/xgb/exact-{diabetes,cancer,digits}-train.csv (label first), every feature tried
at every node (max_features=None), nodes of one row not split (min_samples_split=2).

dl-rf train --exact with one tree, no bootstrap (--no-replace --sample-fraction 1), mtry =
all features and --min-node-size 1 grows the same tree up to ties: where two features split
a node's rows into the same two sets, the two programs may pick different features (each
visits them in its own random order), which changes predictions on other rows but not on
the training rows. So the golden values are each tree's predictions on its own training
rows, and the root's feature and threshold (the midpoint between two values). Depths are
kept where no such tie arises (digits, with its integer pixels, has equal-gain splits on
different features from depth 4 on).

Written to tests/data/rf/tree-NAME.txt: a first line "# root FEATURE THRESHOLD", then one
line per training row: the prediction (regression), or the class probabilities
tab-separated (the probability of class 1 alone for two classes, as dl-rf predict prints).

Run from the top of the source tree:  /usr/bin/python3 tests/golden/rf/make-trees.py
"""
import numpy as np
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

D = "tests/data/xgb/"
CASES = [
    # name, data, classifier?, max_depth
    ("diabetes-d4", "exact-diabetes-train.csv", False, 4),
    ("diabetes-full", "exact-diabetes-train.csv", False, None),
    ("cancer-d3", "exact-cancer-train.csv", True, 3),
    ("digits-d3", "exact-digits-train.csv", True, 3),
]


def main():
    for name, data, cls, depth in CASES:
        a = np.loadtxt(D + data, delimiter=",", skiprows=1, dtype=np.float32)
        x, y = a[:, 1:], a[:, 0]
        if cls:
            m = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(x, y)
            p = m.predict_proba(x)
            p = p[:, 1:] if p.shape[1] == 2 else p
        else:
            m = DecisionTreeRegressor(max_depth=depth, random_state=0).fit(x, y)
            p = m.predict(x)[:, None]
        with open("tests/data/rf/tree-%s.txt" % name, "w") as f:
            f.write("# root f%d %.9g\n" % (m.tree_.feature[0], m.tree_.threshold[0]))
            for row in p:
                f.write("\t".join("%.9g" % v for v in row) + "\n")


if __name__ == "__main__":
    main()
