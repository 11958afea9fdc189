#!/usr/bin/env python3
"""baseline.py — a plain-Python apply of a fitted dl-features model, for bench/features/run.

    python3 baseline.py FITTED.json DATA.csv > out.csv

The same transformation as dl-features apply -f csv for the column types of the benchmark's
spec (numeric with zscore/minmax/default, bucketized, vocabulary with OOV buckets, hash,
identity, crossed, indicator, rolling max per group, passthrough), written as a user would
write it without pandas: csv.reader, dicts, bisect, collections.deque. One shortcut favours
Python: string hashing uses zlib.crc32 (C code) instead of FarmHash Fingerprint64, which
the standard library lacks, so the hash ids differ from dl-features' (the work done per
value is the same kind: one hash and one modulo).
"""
import bisect
import collections
import csv
import json
import math
import sys
import zlib


def main():
    model = json.load(open(sys.argv[1]))
    spec = model['spec']
    fitted = {c['name']: c for c in model['columns']}
    schema = model['schema']
    f = open(sys.argv[2], newline='')
    rd = csv.reader(f)
    header = next(rd)
    pos = {n: i for i, n in enumerate(header)}
    cols = []
    for c in spec['columns']:
        c = dict(c)
        t = c['type']
        if 'name' not in c:
            if t == 'bucketized':
                c['name'] = c['source'] + '_bucketized'
            elif t == 'crossed':
                c['name'] = '_X_'.join(sorted(c['keys']))
            elif t == 'indicator':
                c['name'] = c['categorical_column'] + '_indicator'
            elif t == 'rolling':
                c['name'] = f"{c['key']}_rolling_{c['op']}_{c['window']}" + \
                    (f"_by_{c['group_by']}" if 'group_by' in c else '')
            else:
                c['name'] = c['key']
        c.update(fitted.get(c['name'], {}))
        cols.append(c)
    byname = {c['name']: c for c in cols}
    for c in cols:
        if c['type'].startswith('categorical_with_vocabulary'):
            voc = c.get('vocabulary') or c.get('vocabulary_list')
            c['index'] = {v: i for i, v in enumerate(voc)}
        if c['type'] == 'rolling':
            c['windows'] = collections.defaultdict(lambda: (collections.deque(), [0]))
    emitted = [s['name'] for s in schema]
    out = sys.stdout
    w = csv.writer(out, lineterminator='\n')
    w.writerow(emitted)
    passthrough = [p if isinstance(p, str) else p['key'] for p in spec.get('passthrough', [])]

    def number(c, row):
        s = row[pos[c['key']]]
        if s == '':
            return c.get('default_value')
        v = float(s)
        n = c.get('normalizer')
        if n == 'zscore':
            sd = math.sqrt(c['variance'])
            return (v - c['mean']) / sd if sd > 0 else v - c['mean']
        if n == 'minmax':
            r = c['max'] - c['min']
            return (v - c['min']) / r if r > 0 else 0.0
        return v

    for row in rd:
        val = {}
        for c in cols:
            t = c['type']
            if t == 'numeric':
                val[c['name']] = number(c, row)
            elif t == 'bucketized':
                src = byname.get(c['source'])
                v = val[src['name']] if src else (float(row[pos[c['source']]]) if row[pos[c['source']]] else None)
                val[c['name']] = None if v is None else bisect.bisect_right(c['boundaries'], v)
            elif t.startswith('categorical_with_vocabulary'):
                s = row[pos[c['key']]]
                i = c['index'].get(s)
                if i is None:
                    oov = c.get('num_oov_buckets', 0)
                    i = len(c['index']) + zlib.crc32(s.encode()) % oov if oov else c.get('default_value', -1)
                val[c['name']] = i
            elif t == 'categorical_with_hash_bucket':
                val[c['name']] = zlib.crc32(row[pos[c['key']]].encode()) % c['hash_bucket_size']
            elif t == 'categorical_with_identity':
                i = int(row[pos[c['key']]])
                val[c['name']] = i if 0 <= i < c['num_buckets'] else c['default_value']
            elif t == 'crossed':
                h = 0xDECAFCAFFE
                for k in c['keys']:
                    x = val[k] if k in byname else zlib.crc32(row[pos[k]].encode())
                    h = zlib.crc32(str(x).encode(), h)
                val[c['name']] = h % c['hash_bucket_size']
            elif t == 'indicator':
                cat = byname[c['categorical_column']]
                n = cat.get('num_buckets') or len(cat['boundaries']) + 1
                oh = [0.0] * n
                oh[val[cat['name']]] += 1
                val[c['name']] = oh
            elif t == 'rolling':
                s = row[pos[c['key']]]
                dq, rowno = c['windows'][row[pos[c['group_by']]]]
                r = rowno[0]
                rowno[0] += 1
                while dq and dq[0][0] + c['window'] <= r:
                    dq.popleft()
                if s != '':
                    v = float(s)
                    while dq and dq[-1][1] <= v:
                        dq.pop()
                    dq.append((r, v))
                val[c['name']] = dq[0][1] if dq else None
        outrow = []
        for name in emitted:
            if name in passthrough:
                outrow.append(row[pos[name]])
                continue
            v = val.get(name)
            if isinstance(v, list):
                outrow.extend(v)
            else:
                outrow.append('' if v is None else v)
        w.writerow(outrow)


if __name__ == '__main__':
    main()
