# dl-rf train --exact grows scikit-learn's tree: one tree, no bootstrap, every feature tried,
# against DecisionTreeRegressor/Classifier on the training splits of diabetes, breast_cancer
# and digits (golden values by tests/golden/rf/make-trees.py: each tree's predictions on its
# own training rows, equal up to float rounding, and the root's feature and midpoint
# threshold). Histogram splits (the default) are shown to differ where a feature has more
# than 256 values.
D=$DATA/xgb
G=$DATA/rf

# name, data, task, max depth, features
for c in "diabetes-d4 diabetes regression 4 10" "diabetes-full diabetes regression 0 10" \
	 "cancer-d3 cancer classification 3 30" "digits-d3 digits classification 3 64"; do
	set -- $c
	dl rf train -q --exact --task "$3" --trees 1 --no-replace --sample-fraction 1 --mtry "$5" \
		--max-depth "$4" --min-node-size 1 -o "$T/$1.json" "$D/exact-$2-train.csv"
	dl rf predict -m "$T/$1.json" "$D/exact-$2-train.csv" >"$T/$1.pred"
	tail -n +2 "$G/tree-$1.txt" | paste "$T/$1.pred" - | awk -F'\t' -v name="$1" '{
		h = NF / 2
		for (i = 1; i <= h; i++) {
			d = $i - $(i + h); if (d < 0) d = -d; m = $(i + h); if (m < 0) m = -m
			if (d > 1e-6 * (m > 1 ? m : 1)) { bad++; break }
		}
	} END { if (NR == 0 || bad) { printf "%s: %d of %d rows differ\n", name, bad, NR; exit 1 } }' ||
		fail "$1: predictions on the training rows are not scikit-learn's"
	# the root: the same feature and threshold (the float nearest the midpoint)
	read -r _ _ rf rt <"$G/tree-$1.txt"
	dl rf dump -m "$T/$1.json" | sed -n 2p >"$T/root"
	grep -q "^0:\[$rf<" "$T/root" || fail "$1: root $(cat "$T/root"), scikit-learn splits on $rf"
	t=$(sed 's/^0:\[[^<]*<\([^]]*\)\].*/\1/' "$T/root")
	awk -v a="$t" -v b="$rt" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-6 * (b < 0 ? -b : b) + 1e-12) }' ||
		fail "$1: root threshold $t, scikit-learn $rt"
	grep -q '"exact": true' "$T/$1.json" || fail "$1: params record exact"
done
# histogram splits: breast_cancer's features have more than 256 values, and binning moves
# the depth-3 tree's splits
dl rf train -q --task classification --trees 1 --no-replace --sample-fraction 1 --mtry 30 \
	--max-depth 3 -o "$T/h.json" "$D/exact-cancer-train.csv"
dl rf predict -m "$T/h.json" "$D/exact-cancer-train.csv" >"$T/h.pred"
tail -n +2 "$G/tree-cancer-d3.txt" | cmp -s - "$T/h.pred" && fail "histogram splits equal exact ones on breast_cancer"
# exact forests: the same model on 1 and 3 threads, OOB error and permutation importance
dl rf train -q --exact --threads 1 --trees 40 --importance permutation --log "$T/l1" -o "$T/e1.json" "$D/exact-cancer-train.csv"
dl rf train -q --exact --threads 3 --trees 40 --importance permutation -o "$T/e3.json" "$D/exact-cancer-train.csv"
same "$T/e1.json" "$T/e3.json"
awk -F'"oob_accuracy":' 'NF > 1 { split($2, a, ","); exit !(a[1] > 0.9) }' "$T/l1" || fail "exact forest: OOB accuracy"
