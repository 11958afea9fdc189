#!/usr/bin/python3
"""Writes the small data sets of dl-xgb's command-line tests (tests/cli/xgb.sh):

  tests/data/xgb/cli-reg.csv    regression: y = 2 x1 + sin(3 x2) + noise; x3 is noise with
                                empty cells (missing values)
  tests/data/xgb/cli-bin.csv    binary: label = [x1 + x2 + noise > 0]; x3 is empty in about
                                a fifth of the rows, and those rows are mostly positive
  tests/data/xgb/cli-multi.csv  3 classes from x1 and x2 (angle sectors), an id column that
                                is not a feature

Rerun from the top of the tree: /usr/bin/python3 tests/golden/xgb/make-cli.py
Only Python's own random module (seeded), so the files are the same on every machine."""
import math
import random

OUT = "tests/data/xgb/"


def num(v):
    return "%.4f" % v


def reg(rng):
    rows = ["x1,x2,x3,y"]
    for _ in range(200):
        x1, x2, x3 = rng.uniform(-2, 2), rng.uniform(-1, 1), rng.gauss(0, 1)
        y = 2 * x1 + math.sin(3 * x2) + rng.gauss(0, 0.3)
        rows.append(",".join([num(x1), num(x2), "" if rng.random() < 0.1 else num(x3),
                              num(y)]))
    return rows


def binary(rng):
    rows = ["x1,x2,x3,label"]
    for _ in range(200):
        x1, x2, x3 = rng.gauss(0, 1), rng.gauss(0, 1), rng.gauss(0, 1)
        if rng.random() < 0.2:
            cell, y = "", int(rng.random() < 0.9)
        else:
            cell, y = num(x3), int(x1 + x2 + rng.gauss(0, 0.5) > 0)
        rows.append(",".join([num(x1), num(x2), cell, str(y)]))
    return rows


def multi(rng):
    rows = ["id,x1,x2,class"]
    for i in range(150):
        x1, x2 = rng.uniform(-1, 1), rng.uniform(-1, 1)
        a = math.atan2(x2, x1) + rng.gauss(0, 0.2)
        c = int(((a + math.pi) / (2 * math.pi)) * 3) % 3
        rows.append(",".join([str(1000 + i), num(x1), num(x2), str(c)]))
    return rows


def main():
    rng = random.Random(20261123)
    for name, make in (("cli-reg.csv", reg), ("cli-bin.csv", binary), ("cli-multi.csv", multi)):
        with open(OUT + name, "w") as f:
            f.write("\n".join(make(rng)) + "\n")


if __name__ == "__main__":
    main()
