#!/usr/bin/python3
"""make-golden.py — reference values for dl-features fit, from numpy on sklearn's bundled data.

Writes
  tests/data/features/wine.csv      sklearn's wine data (178 rows) with its class name
                                    ("cultivar") and a derived categorical column
                                    ("proline_band" = proline // 100, as text)
  tests/data/features/diabetes.csv  four columns of sklearn's diabetes data (442 rows)
  tests/golden/features/fit-expected.txt
                                    what fit must learn from them, one line each:
      numeric FILE COLUMN COUNT MEAN VARIANCE MIN MAX       (numpy mean, var (ddof 0), min, max)
      quantiles FILE COLUMN K B1 B2 ...                     (np.quantile, default method, at
                                                             k/K, duplicates dropped)
      vocab FILE COLUMN MIN_COUNT TOP_K V1 V2 ...           (by count descending, ties by
                                                             value ascending; TOP_K 0 = all)
Numbers are written with repr (the shortest text that reads back), so the CSV values reach
numpy and dl-features as the same doubles. Run from the top of the source tree:
    /usr/bin/python3 tests/golden/features/make-golden.py
"""
import collections
import csv
import os

import numpy as np
from sklearn import datasets

DATA = 'tests/data/features'
OUT = 'tests/golden/features/fit-expected.txt'


def write_csv(path, names, rows):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(names)
        for r in rows:
            w.writerow([repr(v) if isinstance(v, float) else v for v in r])


def main():
    os.makedirs(DATA, exist_ok=True)
    lines = []

    wine = datasets.load_wine()
    names = list(wine.feature_names) + ['cultivar', 'proline_band']
    names = [n.replace('/', '_') for n in names]
    rows = []
    for x, t in zip(wine.data, wine.target):
        rows.append([float(v) for v in x] + [str(wine.target_names[t]), str(int(x[12]) // 100)])
    write_csv(f'{DATA}/wine.csv', names, rows)

    diab = datasets.load_diabetes()
    keep = ['age', 'bmi', 'bp', 's5']
    idx = [diab.feature_names.index(k) for k in keep]
    drows = [[float(r[i]) for i in idx] for r in diab.data]
    write_csv(f'{DATA}/diabetes.csv', keep, drows)

    def numeric(file, col, values):
        v = np.array(values, dtype=np.float64)
        lines.append(f'numeric {file} {col} {len(v)} {float(np.mean(v))!r} '
                     f'{float(np.var(v))!r} {float(v.min())!r} {float(v.max())!r}')

    def quantiles(file, col, values, k):
        v = np.array(values, dtype=np.float64)
        qs = np.quantile(v, [i / k for i in range(1, k)])
        bounds = []
        for b in qs:
            if not bounds or b > bounds[-1]:
                bounds.append(float(b))
        lines.append(f'quantiles {file} {col} {k} ' + ' '.join(repr(b) for b in bounds))

    def vocab(file, col, values, min_count, top_k):
        c = collections.Counter(values)
        items = sorted(c.items(), key=lambda kv: (-kv[1], kv[0].encode()))
        items = [kv for kv in items if kv[1] >= min_count]
        if top_k:
            items = items[:top_k]
        lines.append(f'vocab {file} {col} {min_count} {top_k} ' + ' '.join(k for k, _ in items))

    for j, name in enumerate(names[:13]):
        col = [r[j] for r in rows]
        numeric('wine.csv', name, col)
        for k in (2, 4, 10):
            quantiles('wine.csv', name, col, k)
    for j, name in enumerate(keep):
        col = [r[j] for r in drows]
        numeric('diabetes.csv', name, col)
        for k in (3, 5, 7, 100):
            quantiles('diabetes.csv', name, col, k)
    for name in ('cultivar', 'proline_band'):
        col = [r[names.index(name)] for r in rows]
        for mc, tk in ((1, 0), (2, 0), (5, 3), (1, 4)):
            vocab('wine.csv', name, col, mc, tk)

    with open(OUT, 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
