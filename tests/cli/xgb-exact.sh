# dl-xgb reaches XGBoost's test metrics on the same data with the same parameters
# (tree_method=hist, max_bin=256, eta 0.1, max_depth 4, base_score given): the data sets and
# XGBoost 1.7.4's metrics after 10 and 100 rounds are in tests/data/xgb/exact-*, written by
# tests/golden/xgb/make-golden.py (see its header for the sets and the parameters).
#
# Tolerances (|dl-xgb - XGBoost|):
#   auc       0.002 (absolute)            breast_cancer, binary:logistic
#   rmse      1% of XGBoost's value       diabetes, reg:squarederror
#   mlogloss  2% of XGBoost's value       digits, multi:softprob
#   merror    0.005 (half a point)        digits, multi:softprob
#   ndcg@10   0.02 (absolute)             a synthetic ranking set, rank:pairwise (both sample
#                                         the pairs at random)
#   auc       0.002 (absolute)            one-hot categorical data in libsvm (every feature
#                                         1 or missing, as in XGBoost's agaricus demo)
# The two programs bin the features differently (XGBoost's weighted quantile sketch), so
# equal metrics, not equal trees, are asked for.
#
# Besides, dl-xgb's own eval is checked against the metric computed here (awk) from the
# predictions of dl-xgb predict, within 1e-6 (relative for rmse and mlogloss).
#
# Under $DL_WRAP (valgrind) every set trains 10 rounds instead of 100 and only the 10-round
# metrics are compared, to stay within the time of a test.
D=$DATA/xgb
G=$D/exact-golden.tsv
[ -s "$G" ] || fail "no $G"
rounds=100
[ -z "${DL_WRAP:-}" ] || rounds=10
bad=0

# within METRIC OURS THEIRS: exit 0 when OURS is within the metric's tolerance of THEIRS.
within() {
	awk -v m="$1" -v a="$2" -v b="$3" 'BEGIN {
		d = a - b; if (d < 0) d = -d
		if (m == "auc") tol = 0.002
		else if (m == "rmse") tol = 0.01 * b
		else if (m == "mlogloss") tol = 0.02 * b
		else if (m == "merror") tol = 0.005
		else if (m ~ /^ndcg/) tol = 0.02
		else exit 2
		exit !(d <= tol) }'
}

# direct METRIC PRED LABELS: the metric computed from predictions (one row per line, K
# tab-separated probabilities for multiclass) and labels (one per line).
direct() {
	paste "$3" "$2" | case $1 in
	rmse) awk '{ s += ($2 - $1) ^ 2; n++ } END { printf "%.9g\n", sqrt(s / n) }' ;;
	mlogloss) awk '{ p = $($1 + 2); if (p < 1e-15) p = 1e-15; s -= log(p); n++ }
		END { printf "%.9g\n", s / n }' ;;
	merror) awk '{ b = 2; for (i = 3; i <= NF; i++) if ($i > $b) b = i;
		e += (b - 2 != $1); n++ } END { printf "%.9g\n", e / n }' ;;
	auc) sort -t "$(printf '\t')" -k 2,2g | awk -F '\t' '
		# ROC AUC by ranks (Mann-Whitney), tied scores sharing their mean rank
		{ y[NR] = $1; s[NR] = $2 }
		END {
			n = NR; i = 1
			while (i <= n) {
				j = i; while (j < n && s[j + 1] == s[i]) j++
				r = (i + j) / 2
				for (k = i; k <= j; k++) if (y[k] == 1) { sum += r; pos++ }
				i = j + 1
			}
			neg = n - pos
			printf "%.9g\n", (sum - pos * (pos + 1) / 2) / (pos * neg) }' ;;
	esac
}

sets=$(awk -F '\t' '$2 == "args" { print $1 }' "$G")
[ -n "$sets" ] || fail "$G lists no sets"
for s in $sets; do
	ext=csv
	[ -s "$D/$s-train.csv" ] || ext=svm
	train=$D/$s-train.$ext test=$D/$s-test.$ext
	args=$(awk -F '\t' -v s="$s" '$1 == s && $2 == "args" { print $3 }' "$G")
	group=
	case $args in *"--group qid"*) group="--group qid" ;; esac
	# shellcheck disable=SC2086
	dl xgb train $args --rounds "$rounds" --threads 2 -q -o "$T/$s.json" "$train" \
		2>"$T/train.err" || { cat "$T/train.err" >&2; fail "$s: dl-xgb train failed"; }
	if [ "$ext" = csv ]; then
		tail -n +2 "$test" | cut -d , -f 1 >"$T/labels"
	else
		cut -d ' ' -f 1 "$test" >"$T/labels"
	fi
	awk -F '\t' -v s="$s" -v r="$rounds" '$1 == s && $2 == "metric" && $4 <= r { print $3, $4, $5 }' \
		"$G" >"$T/want"
	while read -r m r want; do
		# shellcheck disable=SC2086
		dl xgb eval -m "$T/$s.json" --metric "$m" --iterations "$r" $group "$test" \
			>"$T/eval" 2>"$T/eval.err" || { cat "$T/eval.err" >&2; fail "$s: dl-xgb eval failed"; }
		got=$(awk -F '\t' -v m="$m" '$1 == m { print $2 }' "$T/eval")
		[ -n "$got" ] || fail "$s: dl-xgb eval printed no $m: $(cat "$T/eval")"
		if within "$m" "$got" "$want"; then
			echo "ok   $s $m after $r rounds: dl-xgb $got, XGBoost $want"
		else
			echo "FAIL $s $m after $r rounds: dl-xgb $got, XGBoost $want (outside the tolerance)" >&2
			bad=$((bad + 1))
		fi
		case $m in ndcg*) continue ;; esac
		dl xgb predict -m "$T/$s.json" --iterations "$r" "$test" >"$T/pred" ||
			fail "$s: dl-xgb predict failed"
		[ "$(wc -l <"$T/pred")" = "$(wc -l <"$T/labels")" ] ||
			fail "$s: predict wrote $(wc -l <"$T/pred") lines for $(wc -l <"$T/labels") rows"
		d=$(direct "$m" "$T/pred" "$T/labels")
		awk -v a="$got" -v b="$d" -v m="$m" 'BEGIN { t = 1e-6
			if (m == "rmse" || m == "mlogloss") t = 1e-6 * b
			exit !((a - b) <= t && (b - a) <= t) }' ||
			{ echo "FAIL $s: dl-xgb eval says $m $got, its predictions give $d" >&2; bad=$((bad + 1)); }
	done <"$T/want"
done
[ "$bad" = 0 ] || fail "$bad metric(s) differ"
