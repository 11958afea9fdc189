#!/bin/sh
# make-data.sh — the dl-features benchmark's data, deterministically (same script, same
# bytes): $DL_BENCH_DATA/features/data.csv, 1,000,000 rows of 30 columns (ROWS overrides):
#   x01..x18  decimal numbers with 2-5 digits after the point (normal and log-normal)
#   n19, n20  integers (counts)
#   c21..c26  categories: vocabularies of 5, 50, 500, 5,000, 50,000 and 500,000 values,
#             Zipf-like (a few frequent, many rare)
#   id27      an integer id in [0, 1000)
#   shop      a group key of 100 values (for rolling windows)
#   price     a decimal number, a random walk per shop
#   label     0 or 1
# Values come from a 64-bit xorshift generator with a fixed seed, so every run writes the
# same file (written by plain Python 3, no modules beyond the standard library).
set -eu
say() { echo "make-data: $*" >&2; }
die() { say "$*"; exit 1; }
data="${DL_BENCH_DATA:-/tmp/dl-bench}/features"
rows=${ROWS:-1000000}
mkdir -p "$data"
out="$data/data.csv"
if [ -s "$out" ] && [ "$(cat "$data/rows" 2>/dev/null)" = "$rows" ]; then
	say "$out is there"
	exit 0
fi
command -v python3 >/dev/null || die "python3 is needed"
say "writing $out ($rows rows)"
python3 - "$out.tmp" "$rows" <<'PY'
import math, sys
out, rows = sys.argv[1], int(sys.argv[2])
s = 0x9E3779B97F4A7C15
M = (1 << 64) - 1
def nxt():
    global s
    s ^= (s << 13) & M; s ^= s >> 7; s ^= (s << 17) & M
    return s
def uni():
    return (nxt() >> 11) / 9007199254740992.0
def normal():
    u = max(uni(), 1e-300)
    return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * uni())
sizes = [5, 50, 500, 5000, 50000, 500000]
price = [100.0] * 100
cols = [f'x{i:02d}' for i in range(1, 19)] + ['n19', 'n20'] + \
       [f'c{i}' for i in range(21, 27)] + ['id27', 'shop', 'price', 'label']
with open(out, 'w') as f:
    f.write(','.join(cols) + '\n')
    for r in range(rows):
        v = []
        for i in range(18):
            d = 2 + i % 4
            x = normal() * (1 + i) + i if i % 3 else math.exp(normal())
            v.append(f'{x:.{d}f}')
        v.append(str(int(uni() * 1000)))
        v.append(str(int(math.exp(normal() * 2))))
        for n in sizes:
            # Zipf-like: the rank is n ** u - 1, many small ranks, a few large.
            k = int(n ** uni()) - 1
            v.append(f'v{k}')
        v.append(str(int(uni() * 1000)))
        shop = int(uni() * 100)
        price[shop] = max(1.0, price[shop] + normal())
        v.append(f's{shop}')
        v.append(f'{price[shop]:.2f}')
        v.append('1' if uni() < 0.3 else '0')
        f.write(','.join(v) + '\n')
PY
mv "$out.tmp" "$out"
echo "$rows" > "$data/rows"
say "done: $(wc -c < "$out") bytes"
