# dl-ngram end to end: train, ppl, compile, score, count, features, against KenLM's numbers
# in tests/golden/ngram (made by tests/golden/ngram/make-golden.sh).
G=$DL_SRC/tests/golden/ngram
N=$DATA/ngram

# perplexity lines equal to 4 significant digits, counts exactly
same_ppl() {
	awk -F'\t' 'NR == FNR { want[$1] = $2; next }
		{ if (!($1 in want)) { print "unexpected line: " $0; bad = 1; next }
		  w = want[$1]; g = $2; seen++
		  if ($1 ~ /Perplexity/) { if ((g - w) / w > 5e-5 || (w - g) / w > 5e-5) { print $1 " " g " vs " w; bad = 1 } }
		  else if (g != w) { print $1 " " g " vs " w; bad = 1 } }
		END { if (seen != 4) { print "lines: " seen; bad = 1 } exit bad }' "$1" "$2" ||
		fail "perplexity of $2 differs from $1"
}

for n in 2 3 5; do
	dl ngram train --order $n -o "$T/gen$n.arpa" "$N/gen-train.txt"
	dl ngram ppl -m "$T/gen$n.arpa" "$N/gen-test.txt" >"$T/ppl"
	same_ppl "$G/gen-o$n.ppl" "$T/ppl"
	# KenLM's own ARPA file
	dl ngram ppl -m "$G/gen-o$n.arpa.gz" "$N/gen-test.txt" >"$T/ppl"
	same_ppl "$G/gen-o$n.ppl" "$T/ppl"
done
dl ngram train --order 3 --discount-fallback -o "$T/toy3.arpa" "$N/toy-train.txt"
dl ngram ppl -m "$T/toy3.arpa" <"$N/toy-test.txt" >"$T/ppl"
same_ppl "$G/toy-o3.ppl" "$T/ppl"
# fallback discounts given explicitly: the same as the default ones
dl ngram train --order 3 --discount-fallback=0.5,1,1.5 -o "$T/toy3b.arpa" "$N/toy-train.txt"
same "$T/toy3.arpa" "$T/toy3b.arpa"

# pruning (lmplz --prune): the perplexities of lmplz's pruned models, its n-gram counts
while read -r corpus n fb thr; do
	name=$corpus-o$n-p$(echo $thr | tr , _)
	fbopt=
	[ "$fb" = 1 ] && fbopt=--discount-fallback
	dl ngram train --order $n $fbopt --prune "$thr" -o "$T/$name.arpa" "$N/$corpus-train.txt"
	dl ngram ppl -m "$T/$name.arpa" "$N/$corpus-test.txt" >"$T/ppl"
	same_ppl "$G/$name.ppl" "$T/ppl"
	gzip -dc "$G/$name.arpa.gz" | grep '^ngram ' >"$T/want"
	grep '^ngram ' "$T/$name.arpa" >"$T/got"
	same "$T/want" "$T/got"
done <"$G/PRUNE-MANIFEST"
# blanks instead of commas, the last threshold repeated, and a threshold of 0: the same model
dl ngram train --order 5 --prune '0 0 1' -o "$T/p1.arpa" "$N/gen-train.txt"
dl ngram train --order 5 --prune 0,0,1,1,1 -o "$T/p2.arpa" "$N/gen-train.txt"
same "$T/gen-o5-p0_0_1.arpa" "$T/p1.arpa"
same "$T/gen-o5-p0_0_1.arpa" "$T/p2.arpa"
# one thread, counting in runs on disk: the same bytes; the binary form, the same perplexity
TMPDIR=$T dl ngram train --order 5 --prune 0,0,1 --threads 1 --memory 64K -o "$T/p3.arpa" "$N/gen-train.txt"
same "$T/gen-o5-p0_0_1.arpa" "$T/p3.arpa"
dl ngram train --order 5 --prune 0,0,1 --format binary -o "$T/p.bin" "$N/gen-train.txt"
dl ngram ppl -m "$T/p.bin" "$N/gen-test.txt" >"$T/ppl"
same_ppl "$G/gen-o5-p0_0_1.ppl" "$T/ppl"
dl ngram train --order 3 --prune 0 -o "$T/p0.arpa" "$N/gen-train.txt"
dl ngram train --order 3 -o "$T/p00.arpa" "$N/gen-train.txt"
same "$T/p00.arpa" "$T/p0.arpa"
# bad thresholds: usage errors
expect_status 2 dl ngram train --order 3 --prune 0,2,1 -o "$T/x" "$N/gen-train.txt"
expect_err "--prune: the thresholds must not decrease"
expect_status 2 dl ngram train --order 3 --prune 0,1.5 -o "$T/x" "$N/gen-train.txt"
expect_err "--prune: '0,1.5' is not a list of counts"
expect_status 2 dl ngram train --order 3 --prune 0,-1 -o "$T/x" "$N/gen-train.txt"
expect_err "is not a list of counts"
expect_status 2 dl ngram train --order 3 --prune 0,0,1,1 -o "$T/x" "$N/gen-train.txt"
expect_err "--prune: 4 thresholds or more for a model of order 3"
expect_status 2 dl ngram train --order 3 --prune 1,1,2 -o "$T/x" "$N/gen-train.txt"
expect_err "--prune: unigrams cannot be pruned"
expect_status 2 dl ngram train --order 3 --prune , -o "$T/x" "$N/gen-train.txt"
expect_err "--prune: give the thresholds"
expect_status 2 dl ngram count --order 3 --prune 0,1 "$N/gen-train.txt"
[ ! -e "$T/x" ] || fail "a refused train left $T/x"

# from a pipe, gzip input, and with one thread: the same bytes
gzip -c "$N/gen-train.txt" >"$T/train.gz"
cat "$N/gen-train.txt" | dl ngram train --order 3 -o "$T/pipe.arpa"
dl ngram train --order 3 --threads 1 -o "$T/gz.arpa" "$T/train.gz"
same "$T/gen3.arpa" "$T/pipe.arpa"
same "$T/gen3.arpa" "$T/gz.arpa"
# counting in sorted runs on disk (a budget far below the corpus): the same bytes
TMPDIR=$T dl ngram train --order 3 --memory 64K -o "$T/runs.arpa" "$N/gen-train.txt"
same "$T/gen3.arpa" "$T/runs.arpa"
expect_status 2 dl ngram train --order 3 --memory 12Q -o "$T/x" "$N/gen-train.txt"
expect_err "--memory: '12Q' is not a size"

# binary models: compiled from ARPA, or trained directly; the same perplexity
dl ngram compile "$T/gen3.arpa" -o "$T/gen3.bin"
dl ngram ppl -m "$T/gen3.arpa" "$N/gen-test.txt" >"$T/a"
dl ngram ppl -m "$T/gen3.bin" "$N/gen-test.txt" >"$T/b"
same "$T/a" "$T/b"
dl ngram train --order 3 --format binary -o "$T/direct.bin" "$N/gen-train.txt"
dl ngram ppl -m "$T/direct.bin" "$N/gen-test.txt" >"$T/c"
same_ppl "$G/gen-o3.ppl" "$T/c"

# score: one number a line; per token as KenLM's query prints it
dl ngram score -m "$T/gen3.bin" "$N/gen-test.txt" >"$T/s"
[ "$(wc -l <"$T/s")" = "$(wc -l <"$N/gen-test.txt")" ] || fail "score: one line per line"
dl ngram score --tokens -m "$G/gen-o3.arpa.gz" "$N/gen-test.txt" >"$T/q"
awk -F'Total: ' 'NR == FNR { split($2, a, " "); want[FNR] = a[1]; oov[FNR] = a[3]; next }
	{ split($2, a, " "); d = a[1] - want[FNR]; if (d > 1e-4 || d < -1e-4 || a[3] != oov[FNR]) { print FNR ": " $2; bad = 1 } }
	END { exit bad }' "$G/gen-o3.query" "$T/q" || fail "score --tokens totals differ from query's"
head -1 "$T/q" | grep -q '^And=[0-9]* 2 -0.0904173' || fail "score --tokens: $(head -c 80 "$T/q")"
# a sentence scores higher than its words shuffled
printf 'And God said unto Noah\nNoah unto said God And\n' | dl ngram score -m "$T/gen3.bin" >"$T/s"
awk 'NR == 1 { a = $1 } NR == 2 { exit !(a > $1) }' "$T/s" || fail "shuffled scores higher: $(cat "$T/s")"

# count: raw counts by hand from toy-train.txt ("the cat" in lines 1 and 5, 6 sentences)
dl ngram count --order 2 "$N/toy-train.txt" >"$T/counts"
grep -qx "the cat	2" "$T/counts" || fail "count: the cat"
grep -qx "</s>	6" "$T/counts" || fail "count: </s>"
grep -qx "<s> </s>	1" "$T/counts" || fail "count: empty line"
grep -qx "<s> the	4" "$T/counts" || fail "count: <s> the"
dl ngram count --order 2 --adjusted "$N/toy-train.txt" >"$T/adj"
# "the" follows only <s> and "on": continuation count 2; "<s> the" keeps its raw count 4
grep -qx "the	2" "$T/adj" || fail "count --adjusted: $(grep '^the	' "$T/adj")"
grep -qx "<s> the	4" "$T/adj" || fail "count --adjusted: <s> the"
dl ngram count --order 2 --format records -o "$T/counts.tfrecord" "$N/toy-train.txt"
[ -s "$T/counts.tfrecord" ] || fail "count records"

# features: a line per line (text), ids within the buckets
printf 'a b a\n\nc\n' | dl ngram features --order 2 --format text --hash-buckets 1000 >"$T/f"
[ "$(wc -l <"$T/f")" = 3 ] || fail "features: lines"
awk 'NR == 1 { n = split($0, f, " "); s = 0; for (i = 1; i <= n; i++) { split(f[i], p, ":"); if (p[1] >= 1000) exit 1; s += p[2] } if (s != 5) exit 1 }
     NR == 2 && $0 != "" { exit 1 } NR == 3 && NF != 1 { exit 1 }' "$T/f" || fail "features: $(cat "$T/f")"
printf 'ab\n' | dl ngram features --order 2 --chars --format records -o "$T/f.tfrecord"
[ -s "$T/f.tfrecord" ] || fail "features records"

# help and usage
dl ngram --help | grep -q '^Usage: dl-ngram COMMAND' || fail "--help"
dl ngram train --help | grep -q -- '--discount-fallback' || fail "train --help"
dl ngram train --help | grep -q -- '--prune T1,T2' || fail "train --help: --prune"
expect_status 2 dl ngram train -o "$T/x" "$N/toy-train.txt"
expect_err "train: give the order with --order N"
expect_err "Try 'dl-ngram --help'"
expect_status 2 dl ngram ppl "$N/toy-test.txt"
expect_err "ppl: give the model with -m MODEL"
expect_status 2 dl ngram train --order 9 -o "$T/x" "$N/toy-train.txt"
expect_status 2 dl ngram train --order 3 --format json -o "$T/x" "$N/toy-train.txt"
expect_status 2 dl ngram ppl --order 3 -m "$T/gen3.bin"
expect_err "does not apply"
expect_status 2 dl ngram train --order 3 --discount-fallback=1,x -o "$T/x" "$N/toy-train.txt"
expect_status 2 dl ngram frobnicate
exit 0
