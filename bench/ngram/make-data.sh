#!/bin/sh
# make-data.sh — writes the data of the dl-ngram benchmark under $DL_BENCH_DATA/ngram:
#
#     train.txt   the dl-w2v benchmark's English corpus (bench/w2v/make-corpus.sh: KJV Bible,
#                 Brown corpus, WordNet glosses, GCIDE; about 7.9M words, a line a sentence
#                 or paragraph) without every 20th line: 95%
#     test.txt    every 20th line (lines 20, 40, ...): the held-out 5%
#     big.txt     train.txt four times over with the lines shuffled (awk's rand() seeded
#                 with 1, then sort): about 30M words, for the scaling row
#
# Deterministic on one machine (the same awk and sort give the same bytes). Files already
# there are kept (delete them to rebuild).
set -eu
say() { echo "make-data: $*" >&2; }
die() { echo "make-data: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
base=${DL_BENCH_DATA:-/tmp/dl-bench}
out=$base/ngram
corpus=$base/w2v/corpus.txt
mkdir -p "$out"
[ -s "$corpus" ] || "$here/../w2v/make-corpus.sh" || die "bench/w2v/make-corpus.sh failed"
[ -s "$corpus" ] || die "no $corpus"
export LC_ALL=C
if [ ! -s "$out/train.txt" ] || [ ! -s "$out/test.txt" ]; then
	say "splitting $corpus"
	awk -v t="$out/test.txt.tmp" 'NR % 20 == 0 { print >t; next } { print }' "$corpus" \
		>"$out/train.txt.tmp"
	mv "$out/test.txt.tmp" "$out/test.txt"
	mv "$out/train.txt.tmp" "$out/train.txt"
fi
if [ ! -s "$out/big.txt" ]; then
	say "writing big.txt (train.txt x 4, shuffled)"
	for i in 1 2 3 4; do cat "$out/train.txt"; done |
		awk 'BEGIN { srand(1) } { printf "%.9f\t%s\n", rand(), $0 }' |
		sort -S 1G -T "$out" -k1,1 | cut -f 2- >"$out/big.txt.tmp"
	mv "$out/big.txt.tmp" "$out/big.txt"
fi
wc -lw "$out/train.txt" "$out/test.txt" "$out/big.txt" >&2
