# dl-rf quantile regression forests (train --quantreg, predict --quantiles; Meinshausen
# 2006). Golden values in tests/data/rf/qrf-golden.tsv, written by
# tests/golden/rf/make-quantiles.py: numpy's inverted-CDF quantiles of the labels of a
# set that cannot be split (every tree one leaf of all the rows, so the forest's quantiles
# are exactly those), and ranger's quantile forest on a heteroscedastic set (mean over 5
# seeds of the coverage of [q0.1, q0.9] and of the pinball losses, compared within a
# tolerance: ranger draws one label per leaf where dl-rf weighs them all). Also the model
# section, the output formats and the errors.
D=$DATA/rf
G=$D/qrf-golden.tsv
golden() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$G"; }

# ---------------------------------------------------------------- one leaf: numpy's quantiles
expect_status 0 dl rf train -q --task regression --quantreg --trees 5 -o "$T/c.json" "$D/qrf-const.csv"
grep -q '"quantreg": true' "$T/c.json" || fail "params record quantreg"
grep -q '"quantreg": {"y": \[' "$T/c.json" || fail "the model has the quantreg section"
expect_status 0 dl rf predict -m "$T/c.json" --quantiles 0,0.1,0.25,0.5,0.9,1 "$D/qrf-const.csv"
[ "$(wc -l <"$T/out")" -eq 37 ] || fail "one line per row"
[ "$(sort -u "$T/out" | wc -l)" -eq 1 ] || fail "every row has the same quantiles"
want=$(for p in 0 0.1 0.25 0.5 0.9 1; do golden "const_q$p"; done | tr '\n' ' ')
head -1 "$T/out" | awk -v w="$want" '{
	n = split(w, g, " "); if (NF != 6 || n != 6) exit 1
	for (i = 1; i <= 6; i++) { d = $i - g[i]; if (d < 0) d = -d; if (d > 1e-6 * (g[i] < 0 ? -g[i] : g[i])) exit 1 }
}' || fail "quantiles $(head -1 "$T/out") are not numpy's $want"
# jsonl names the values "quantiles"
expect_status 0 dl rf predict -m "$T/c.json" --quantiles 0.5 --format jsonl "$D/qrf-const.csv"
head -1 "$T/out" | grep -q '^{"quantiles": 46.484' || fail "jsonl: $(head -1 "$T/out")"

# ---------------------------------------------------------------- against ranger, 5 seeds
: >"$T/all"
for s in 1 2 3 4 5; do
	dl rf train -q --seed $s --task regression --quantreg --trees 100 --mtry 1 --min-node-size 5 \
		-o "$T/q.json" "$D/qrf-train.csv"
	dl rf predict -m "$T/q.json" --quantiles 0.1,0.5,0.9 "$D/qrf-test.csv" >"$T/q.tsv"
	[ "$(wc -l <"$T/q.tsv")" -eq 500 ] || fail "500 test rows"
	awk -F, 'NR > 1 { print $1 }' "$D/qrf-test.csv" | paste "$T/q.tsv" - | awk -F'\t' '
		function pin(u, a) { return u >= 0 ? a * u : (a - 1) * u }
		$1 > $2 || $2 > $3 { bad = 1 }
		{ y = $4; c += (y >= $1 && y <= $3); p1 += pin(y - $1, 0.1); p5 += pin(y - $2, 0.5)
		  p9 += pin(y - $3, 0.9); n++ }
		END { if (bad) print "unordered"; printf "%.6f %.6f %.6f %.6f\n", c / n, p1 / n, p5 / n, p9 / n }' >>"$T/all"
done
grep -q unordered "$T/all" && fail "a row's quantiles are not increasing in the probability"
mean() { awk -v c="$1" '{ s += $c; n++ } END { printf "%.6f", s / n }' "$T/all"; }
within() {
	awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }' ||
		fail "$1: dl-rf $2, ranger $3 (tolerance $4)"
	echo "$1: dl-rf $2 ranger $3" >&2
}
within "coverage of [q0.1, q0.9]" "$(mean 1)" "$(golden ranger_coverage)" 0.04
# pinball losses: at most 5% above ranger's
for i in 2 3 4; do
	p=$(echo 0.1 0.5 0.9 | cut -d' ' -f$((i - 1)))
	g=$(golden "ranger_pinball_$p")
	within "pinball loss of q$p" "$(mean $i)" "$g" "$(awk -v g="$g" 'BEGIN { print 0.05 * g }')"
done
# the model does not depend on the thread count; nor do the quantiles
dl rf train -q --threads 1 --task regression --quantreg --trees 20 -o "$T/t1.json" "$D/qrf-train.csv"
dl rf train -q --threads 3 --task regression --quantreg --trees 20 -o "$T/t3.json" "$D/qrf-train.csv"
same "$T/t1.json" "$T/t3.json"
dl rf predict --threads 1 -m "$T/t1.json" --quantiles 0.3,0.7 "$D/qrf-test.csv" >"$T/p1"
dl rf predict --threads 3 -m "$T/t1.json" --quantiles 0.7,0.3 "$D/qrf-test.csv" >"$T/p3"
awk -F'\t' '{ print $2 "\t" $1 }' "$T/p3" >"$T/p3r"
same "$T/p1" "$T/p3r"

# ---------------------------------------------------------------- errors
expect_status 0 dl rf train -q --task regression --trees 3 -o "$T/plain.json" "$D/qrf-train.csv"
expect_status 1 dl rf predict -m "$T/plain.json" --quantiles 0.5 "$D/qrf-test.csv"
expect_err "plain.json: the model has no quantile data (train a regression forest with --quantreg)"
expect_status 2 dl rf predict -m "$T/c.json" --quantiles 0.5,1.5 "$D/qrf-test.csv"
expect_err "dl-rf: --quantiles"
expect_status 2 dl rf predict -m "$T/c.json" --quantiles , "$D/qrf-test.csv"
expect_status 2 dl rf train --quantreg --task classification -o "$T/x.json" "$DATA/xgb/cli-bin.csv"
expect_err "dl-rf: --quantreg is for regression"
expect_status 2 dl rf eval --quantiles 0.5 -m "$T/c.json" "$D/qrf-test.csv"
# a damaged quantreg section: a leaf index that is an internal node, a short array
sed 's/"leaves": \[/"leaves": [[0],/' "$T/c.json" >"$T/bad1.json"
expect_status 1 dl rf predict -m "$T/bad1.json" --quantiles 0.5 "$D/qrf-const.csv"
expect_err "bad1.json: quantreg leaves of tree 0: not an array of 37 leaf indices"
dl rf train -q --task regression --quantreg --trees 2 --max-depth 2 -o "$T/d.json" "$D/qrf-train.csv"
awk 'f { sub(/\[[0-9]+,/, "[0,"); f = 0 } /"leaves": \[$/ { f = 1 } { print }' "$T/d.json" >"$T/bad2.json"
cmp -s "$T/d.json" "$T/bad2.json" && fail "bad2.json is not damaged"
expect_status 1 dl rf predict -m "$T/bad2.json" --quantiles 0.5 "$D/qrf-test.csv"
expect_err "bad2.json: quantreg leaves of tree 0: entry 0 is not a leaf of the tree"
sed 's/"quantreg": {"y": \[[^],]*/"quantreg": {"y": ["x"/' "$T/c.json" >"$T/bad3.json"
expect_status 1 dl rf predict -m "$T/bad3.json" --quantiles 0.5 "$D/qrf-const.csv"
expect_err "bad3.json: quantreg label 0 is not a finite float"
