#!/bin/sh
# make-data.sh — writes the data of the dl-train benchmark under $DL_BENCH_DATA/train:
#     kjv.txt          the King James Bible, `bible -f gen1:1-rev22:21` (about 4.5 MB)
#     kjv-train.txt    its first 90% of bytes (floor of 9/10 of the size)
#     kjv-valid.txt    the remaining 10%
#     digits-train.csv, digits-test.csv   copies of tests/data/nn/ (made by
#                      tests/golden/nn/make-digits.py): 8x8 digit images, p0..p63 in [0, 1],
#                      then the label
# The GPT benchmark trains on raw bytes (vocabulary 256), so the split is by bytes and may cut
# a line in two. Deterministic: the same package version gives the same bytes. Files already
# there are kept (delete the directory to rebuild). Needs bible (Debian bible-kjv and
# bible-kjv-text; installed with apt-get when missing and running as root).
# Environment: DL_BENCH_DATA (default /tmp/dl-bench).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
out="${DL_BENCH_DATA:-/tmp/dl-bench}/train"
say() { echo "make-data.sh: $*" >&2; }

if ! command -v bible >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing bible-kjv"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q bible-kjv bible-kjv-text >&2
	else
		say "bible not found: apt-get install bible-kjv bible-kjv-text"
		exit 1
	fi
fi
mkdir -p "$out"

if [ ! -s "$out/kjv.txt" ]; then
	say "writing $out/kjv.txt"
	bible -f gen1:1-rev22:21 >"$out/kjv.txt.tmp"
	mv "$out/kjv.txt.tmp" "$out/kjv.txt"
fi
if [ ! -s "$out/kjv-train.txt" ] || [ ! -s "$out/kjv-valid.txt" ]; then
	size=$(wc -c <"$out/kjv.txt" | tr -d ' ')
	ntrain=$((size * 9 / 10))
	say "splitting $size bytes: $ntrain train, $((size - ntrain)) valid"
	head -c "$ntrain" "$out/kjv.txt" >"$out/kjv-train.txt.tmp"
	tail -c +"$((ntrain + 1))" "$out/kjv.txt" >"$out/kjv-valid.txt.tmp"
	mv "$out/kjv-train.txt.tmp" "$out/kjv-train.txt"
	mv "$out/kjv-valid.txt.tmp" "$out/kjv-valid.txt"
fi
for f in digits-train.csv digits-test.csv; do
	[ -s "$out/$f" ] || cp "$src/tests/data/nn/$f" "$out/$f"
done
ls -l "$out" >&2
