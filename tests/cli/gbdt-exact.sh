# dl-gbdt reaches scikit-learn's metrics on the same data with the same parameters: the
# cases, scikit-learn 1.2's train and test metrics and the dl-gbdt arguments are in
# tests/data/gbdt/golden.tsv, written by tests/golden/gbdt/make-golden.py (see its header);
# the data are dl-xgb's tests/data/xgb/exact-{cancer,digits,diabetes}-*.csv and
# tests/data/gbdt/exact-diabetes01-*.csv (diabetes with a 0/1 label, written by the script).
#
# Tolerances (|dl-gbdt - scikit-learn|):
#   train rows of diabetes-squared, diabetes-split40 (min_samples_split 40, depth 5),
#     diabetes-huber, every diabetes01 case and the digits
#     AdaBoost (SAMME, 10 classes): 1e-6 relative. Every diabetes and digits feature has
#     at most 256 distinct values, so that the 256 bins of dl-gbdt hold one value each and
#     both programs choose among the same splits; the same trees route the training rows
#     alike, and the metrics agree to float precision (logistic, exponential, AdaBoost and
#     the regression losses alike). (digits-logistic is not among them: in its first
#     rounds the residuals take two values per class, splits tie, and the programs break
#     the ties differently.)
#   other rows and cases:
#     auc                0.01 (absolute)
#     error, merror      0.02 (absolute: 2 of 111 diabetes rows, 9 of 450 digits rows)
#     logloss, mlogloss  0.025 (absolute) or 25% of scikit-learn's value
#     rmse, mae          2% of scikit-learn's value
#     pinball@A          5% of scikit-learn's value
#   train rows of diabetes-squared20 (20 rounds).
# The thresholds are placed as scikit-learn places them (midway between the node's values
# on either side, a value equal to it going left), but near-ties between splits, broken by
# rounding (scikit-learn's mean of float64 labels, say), and exact ties still part the
# trees on rows that fall between training values. On cancer and digits, whose features have up to 400 distinct
# values, the bins are not exact and the trees differ a little; a probability near 0 or 1
# moves the log-loss much (hence its looser bound). AdaBoost's error rate on cancer is not
# compared: its second stump already differs there and the weights of the rows, and so the
# later stumps, follow. The absolute and quantile losses fit trees to residuals of two
# values, so that many splits tie exactly; the programs break ties differently
# (scikit-learn visits the features in a random order), and after a few rounds their
# trees part (diabetes-absolute matches row for row for 3 rounds).
#
# Besides, dl-gbdt's own eval is checked against the metric computed here (awk) from the
# predictions of dl-gbdt predict. Under $DL_WRAP (valgrind) the digits cases are skipped.
G=$DATA/gbdt/golden.tsv
[ -s "$G" ] || fail "no $G"
bad=0

# within METRIC PART OURS THEIRS: exit 0 when OURS is within the tolerance of THEIRS.
within() {
	awk -v m="$1" -v part="$2" -v a="$3" -v b="$4" -v exact="$5" 'BEGIN {
		d = a - b; if (d < 0) d = -d
		if (exact) tol = 1e-6 * b
		else if (m == "auc") tol = 0.01
		else if (m == "error" || m == "merror") tol = 0.02
		else if (m == "logloss" || m == "mlogloss") { tol = 0.25 * b; if (tol < 0.025) tol = 0.025 }
		else if (m == "rmse" || m == "mae") tol = 0.02 * b
		else if (m ~ /^pinball@/) tol = 0.05 * b
		else exit 2
		exit !(d <= tol) }'
}

# direct METRIC PRED LABELS: the metric from predictions and labels (one per line).
direct() {
	paste "$3" "$2" | case $1 in
	rmse) awk '{ s += ($2 - $1) ^ 2; n++ } END { printf "%.9g\n", sqrt(s / n) }' ;;
	mae) awk '{ d = $2 - $1; s += d < 0 ? -d : d; n++ } END { printf "%.9g\n", s / n }' ;;
	pinball@*) awk -v a="${1#pinball@}" '{ d = $1 - $2; s += d > 0 ? a * d : (a - 1) * d; n++ }
		END { printf "%.9g\n", s / n }' ;;
	logloss) awk '{ p = $2; if (p < 1e-15) p = 1e-15; if (p > 1 - 1e-15) p = 1 - 1e-15
		s -= $1 ? log(p) : log(1 - p); n++ } END { printf "%.9g\n", s / n }' ;;
	error) awk '{ e += (($2 > 0.5) != $1); n++ } END { printf "%.9g\n", e / n }' ;;
	mlogloss) awk '{ p = $($1 + 2); if (p < 1e-15) p = 1e-15; s -= log(p); n++ }
		END { printf "%.9g\n", s / n }' ;;
	merror) awk '{ b = 2; for (i = 3; i <= NF; i++) if ($i > $b) b = i;
		e += (b - 2 != $1); n++ } END { printf "%.9g\n", e / n }' ;;
	auc) sort -t "$(printf '\t')" -k 2,2g | awk -F '\t' '
		# the Mann-Whitney statistic: ranks of the positive rows, ties at their mean rank
		{ lab[NR] = $1; sc[NR] = $2 }
		END {
			for (i = 1; i <= NR; i = j + 1) {
				for (j = i; j < NR && sc[j + 1] == sc[i]; j++) ;
				for (k = i; k <= j; k++) if (lab[k] == 1) { rs += (i + j) / 2; np++ }
			}
			printf "%.9g\n", (rs - np * (np + 1) / 2) / (np * (NR - np)) }' ;;
	*) echo "?" ;;
	esac
}

cases=$(awk -F '\t' '$2 == "args" { print $1 }' "$G")
[ -n "$cases" ] || fail "$G lists no cases"
for c in $cases; do
	# under $DL_WRAP (valgrind) the 10-class digits cases, the slowest, are left out
	if [ -n "${DL_WRAP:-}" ]; then case $c in digits-*) continue ;; esac; fi
	args=$(awk -F '\t' -v c="$c" '$1 == c && $2 == "args" { print $3 }' "$G")
	set=$(awk -F '\t' -v c="$c" '$1 == c && $2 == "set" { print $3 }' "$G")
	D=$DATA/$(awk -F '\t' -v c="$c" '$1 == c && $2 == "data" { print $3 }' "$G")
	# shellcheck disable=SC2086
	dl gbdt train $args --threads 2 -q -o "$T/$c.json" "$D/exact-$set-train.csv" \
		2>"$T/train.err" || { cat "$T/train.err" >&2; fail "$c: dl-gbdt train failed"; }
	for part in test train; do
		data=$D/exact-$set-$part.csv
		tail -n +2 "$data" | cut -d , -f 1 >"$T/labels"
		dl gbdt predict -m "$T/$c.json" "$data" >"$T/pred" || fail "$c: dl-gbdt predict failed"
		[ "$(wc -l <"$T/pred")" = "$(wc -l <"$T/labels")" ] ||
			fail "$c: predict wrote $(wc -l <"$T/pred") lines for $(wc -l <"$T/labels") rows"
		awk -F '\t' -v c="$c" -v p="$part" '$1 == c && $2 == "metric" && $4 == p { print $3, $5 }' \
			"$G" >"$T/want"
		while read -r m want; do
			got=$(direct "$m" "$T/pred" "$T/labels")
			case $m in
			pinball@*) ;;
			*)	dl gbdt eval -m "$T/$c.json" --metric "$m" "$data" >"$T/eval" ||
					fail "$c: dl-gbdt eval failed"
				e=$(awk -F '\t' -v m="$m" '$1 == m { print $2 }' "$T/eval")
				awk -v a="$e" -v b="$got" 'BEGIN { t = 1e-6 * (b < 0 ? -b : b) + 1e-9
					exit !((a - b) <= t && (b - a) <= t) }' ||
					{ echo "FAIL $c: dl-gbdt eval says $m $e, its predictions give $got" >&2
					  bad=$((bad + 1)); } ;;
			esac
			exact=0
			case $c/$part in
			diabetes-squared/train | diabetes-split40/train | diabetes-huber/train | \
			diabetes01-*/train | diabetes-squared20/train) exact=1 ;;
			digits-adaboost*/train) exact=1 ;;
			esac
			if within "$m" "$part" "$got" "$want" "$exact"; then
				echo "ok   $c $m ($part): dl-gbdt $got, scikit-learn $want"
			else
				echo "FAIL $c $m ($part): dl-gbdt $got, scikit-learn $want (outside the tolerance)" >&2
				bad=$((bad + 1))
			fi
		done <"$T/want"
	done
done
[ "$bad" = 0 ] || fail "$bad metric(s) differ"
