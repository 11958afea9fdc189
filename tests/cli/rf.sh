# dl-rf end to end on the small data sets of tests/data/xgb/cli-*.csv (binary with
# missing values, three classes, regression): train, predict, eval, importance, dump;
# the model file's fields; the OOB report on stderr and in --log; OOB predictions;
# models that do not depend on the thread count; eval's metrics recomputed from predict's
# output; the tsv, jsonl and records formats; the options of train. Small enough to run
# under valgrind (DL_WRAP).
D=$DATA/xgb
REG=$D/cli-reg.csv
BIN=$D/cli-bin.csv
MUL=$D/cli-multi.csv

dl0() {
	_n=$1; shift
	"$DL_BUILD/dl-$_n" "$@"
}
close() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN {
		d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; if (m < 1) m = 1
		exit !(d <= t * m) }' || fail "$1 is not $2 (within $3)"
}
col() { awk -F, -v c="$1" 'NR > 1 { print $c }' "$2"; }
metric() { awk -v m="$1" '$1 == m { print $2 }' "$T/out"; }
lines() { wc -l <"$1" | tr -d ' '; }

# ---------------------------------------------------------------- binary
expect_status 0 dl rf train --threads 1 --trees 60 --log "$T/log" -o "$T/bin.json" "$BIN"
grep -q '^classification, 2 classes, 60 trees: OOB accuracy [0-9.]*, logloss [0-9.]* ([0-9]* of 200 rows out of bag)$' "$T/err" ||
	fail "train: the OOB report on stderr"
grep -q '"oob_accuracy":' "$T/log" || fail "train: --log has the OOB accuracy"
for k in '"format": "dl-forest"' '"version": 1' '"learner": "dl-rf"' '"task": "classification"' \
	 '"num_class": 2' '"features": \["x1", "x2", "x3"\]' '"trees": 60' '"mtry": 1' \
	 '"min_node_size": 1' '"split": "gini"' '"oob": {"rows": 200'; do
	grep -q "$k" "$T/bin.json" || fail "model lacks $k"
done
[ "$(grep -o '"left":' "$T/bin.json" | wc -l)" -eq 60 ] || fail "60 trees"
# the same model on 3 threads, bit for bit
dl0 rf train -q --threads 3 --trees 60 -o "$T/bin3.json" "$BIN"
same "$T/bin.json" "$T/bin3.json"
# another seed, another forest
dl0 rf train -q --seed 2 --trees 60 -o "$T/bin2.json" "$BIN"
cmp -s "$T/bin.json" "$T/bin2.json" && fail "--seed 2 gave the same model"
expect_status 0 dl rf predict -m "$T/bin.json" "$BIN"
cp "$T/out" "$T/bin.pred"
[ "$(lines "$T/bin.pred")" = 200 ] || fail "predict: 200 lines"
awk -F'\t' 'NF != 1 || $1 < 0 || $1 > 1 { bad++ } END { exit bad > 0 }' "$T/bin.pred" ||
	fail "predict: one probability a line"
expect_status 0 dl rf eval -m "$T/bin.json" "$BIN"
[ "$(cut -f1 "$T/out" | tr '\n' ' ')" = "accuracy logloss auc " ] || fail "eval: default metrics"
col 4 "$BIN" | paste "$T/bin.pred" - >"$T/py"
close "$(metric accuracy)" "$(awk '{ a += ($1 > 0.5) == $2 } END { printf "%.9g", a / NR }' "$T/py")" 1e-9
close "$(metric logloss)" "$(awk '{ p = $1; p = p < 1e-15 ? 1e-15 : p > 1 - 1e-15 ? 1 - 1e-15 : p
	s -= $2 ? log(p) : log(1 - p) } END { printf "%.9g", s / NR }' "$T/py")" 1e-5
# the training data fits well; the OOB accuracy is lower than the training accuracy
acc=$(metric accuracy)
oob=$(sed -n 's/.*"oob_accuracy":\([0-9.e-]*\).*/\1/p' "$T/log")
awk -v a="$acc" -v o="$oob" 'BEGIN { exit !(a > 0.95 && o > 0.6 && o < a) }' ||
	fail "training accuracy $acc, OOB accuracy $oob"
dl0 rf eval -m "$T/bin.json" --metric error --metric accuracy "$BIN" >"$T/out"
close "$(metric error)" "$(awk -v a="$acc" 'BEGIN { printf "%.9g", 1 - a }')" 1e-9

# jsonl and records carry the same numbers as tsv
dl0 rf predict -m "$T/bin.json" --format jsonl "$BIN" >"$T/bin.jsonl"
[ "$(lines "$T/bin.jsonl")" = 200 ] || fail "jsonl: 200 lines"
sed 's/{"prediction": *\([^}]*\)}/\1/' "$T/bin.jsonl" | paste - "$T/bin.pred" |
	awk '{ d = $1 - $2; if (d < -1e-6 || d > 1e-6) bad++ } END { exit bad > 0 }' ||
	fail "jsonl and tsv predictions differ"
dl0 rf predict -m "$T/bin.json" --format records -o "$T/bin.rec" "$BIN"
[ -s "$T/bin.rec" ] || fail "records: empty output"
if [ -x "$DL_BUILD/dl-record" ]; then
	"$DL_BUILD/dl-record" count "$T/bin.rec" >"$T/n" 2>/dev/null && {
		grep -q 200 "$T/n" || fail "records: 200 records"; }
fi

# OOB predictions: one per row, NaN only for a row in every sample (none with 60 trees)
expect_status 0 dl rf train -q --trees 60 --oob-predictions "$T/oob.tsv" -o "$T/bin.json" "$BIN"
[ "$(lines "$T/oob.tsv")" = 200 ] || fail "--oob-predictions: 200 lines"
col 4 "$BIN" | paste "$T/oob.tsv" - >"$T/py"
close "$oob" "$(awk '{ a += ($1 > 0.5) == $2 } END { printf "%.9g", a / NR }' "$T/py")" 1e-9
# with 2 trees, rows drawn by both have no OOB prediction
dl0 rf train -q --trees 2 --oob-predictions "$T/oob2.tsv" -o "$T/two.json" "$BIN"
grep -qi nan "$T/oob2.tsv" || fail "--oob-predictions: no NaN with 2 trees"
rows=$(grep -vic nan "$T/oob2.tsv" || true)
grep -q "\"oob\": {\"rows\": $rows," "$T/two.json" || fail "oob rows is not the rows with a prediction ($rows)"

# importance: impurity from the model, permutation stored by train
expect_status 0 dl rf importance -m "$T/bin.json"
[ "$(lines "$T/out")" = 3 ] || fail "importance: 3 features"
dl0 rf train -q --trees 60 --importance permutation -o "$T/perm.json" "$BIN"
grep -q '"importance": {"type": "permutation", "values": \[' "$T/perm.json" || fail "no permutation importance in the model"
expect_status 0 dl rf importance -m "$T/perm.json" --type permutation
[ "$(lines "$T/out")" = 3 ] || fail "importance --type permutation: 3 features"
expect_status 1 dl rf importance -m "$T/bin.json" --type permutation
expect_err "has no permutation importance"

# dump
expect_status 0 dl rf dump -m "$T/two.json" --with-stats
[ "$(grep -c '^tree\[' "$T/out")" = 2 ] || fail "dump: 2 trees"
grep -q 'gain=' "$T/out" || fail "dump --with-stats: gain"

# ---------------------------------------------------------------- three classes
expect_status 0 dl rf train --trees 40 --exclude id --label class -o "$T/mul.json" "$MUL"
grep -q '"num_class": 3' "$T/mul.json" || fail "multiclass: num_class 3"
dl0 rf predict -m "$T/mul.json" --exclude id --label class "$MUL" >"$T/mul.pred"
[ "$(lines "$T/mul.pred")" = 150 ] || fail "multiclass: 150 lines"
awk -F'\t' 'NF != 3 { bad++ } { s = $1 + $2 + $3; if (s < 0.9999 || s > 1.0001) bad++ }
	END { exit bad > 0 }' "$T/mul.pred" || fail "multiclass: 3 probabilities summing to 1"
expect_status 0 dl rf eval -m "$T/mul.json" --exclude id --label class "$MUL"
[ "$(cut -f1 "$T/out" | tr '\n' ' ')" = "accuracy mlogloss " ] || fail "eval: multiclass metrics"
col 4 "$MUL" | paste "$T/mul.pred" - >"$T/py"
close "$(metric accuracy)" "$(awk '{ b = 0; if ($2 > $(b + 1)) b = 1; if ($3 > $(b + 1)) b = 2
	a += b == $4 } END { printf "%.9g", a / NR }' "$T/py")" 1e-9
# entropy and extratrees
dl0 rf train -q --trees 20 --split entropy --exclude id --label class -o "$T/ent.json" "$MUL"
grep -q '"split": "entropy"' "$T/ent.json" || fail "--split entropy"
dl0 rf train -q --trees 20 --split extratrees --exclude id --label class -o "$T/et.json" "$MUL"
grep -q '"split": "extratrees"' "$T/et.json" || fail "--split extratrees"
cmp -s "$T/ent.json" "$T/et.json" && fail "extratrees gave the entropy model"
# class weights are recorded and change the forest
dl0 rf train -q --trees 20 --class-weights 1,5,1 --exclude id --label class -o "$T/cw.json" "$MUL"
grep -q '"class_weights": \[1, 5, 1\]' "$T/cw.json" || fail "--class-weights not recorded"
# voting forests: vote fractions of 40 trees, each tree's leaves a single vote; the
# probability forest is the default and says so
grep -q '"probability": true' "$T/mul.json" || fail "probability forest by default"
expect_status 0 dl rf train --trees 40 --no-probability --exclude id --label class -o "$T/vote.json" "$MUL"
grep -q '"probability": false' "$T/vote.json" || fail "--no-probability not recorded"
grep -q '^classification, 3 classes, 40 trees: OOB accuracy' "$T/err" || fail "votes: OOB report"
dl0 rf predict -m "$T/vote.json" --exclude id --label class "$MUL" >"$T/vote.pred"
awk -F'\t' '{ for (i = 1; i <= 3; i++) { v = $i * 40; if (v - int(v + 0.5) > 1e-4 || int(v + 0.5) - v > 1e-4) bad++ }
	s = $1 + $2 + $3; if (s < 0.9999 || s > 1.0001) bad++ } END { exit bad > 0 }' "$T/vote.pred" ||
	fail "votes: predictions are not fractions of 40 votes"
# trees grown to purity vote as they predict; shallow ones do not
dl0 rf train -q --trees 40 --max-depth 2 --exclude id --label class -o "$T/p2.json" "$MUL"
dl0 rf train -q --trees 40 --max-depth 2 --no-probability --exclude id --label class -o "$T/v2.json" "$MUL"
dl0 rf predict -m "$T/p2.json" --exclude id --label class "$MUL" >"$T/p2.pred"
dl0 rf predict -m "$T/v2.json" --exclude id --label class "$MUL" >"$T/v2.pred"
cmp -s "$T/p2.pred" "$T/v2.pred" && fail "votes: the same predictions as the probability forest"
awk -F'\t' '{ for (i = 1; i <= 3; i++) { v = $i * 40; if (v - int(v + 0.5) > 1e-4 || int(v + 0.5) - v > 1e-4) bad++ } }
	END { exit bad > 0 }' "$T/v2.pred" || fail "votes of depth-2 trees: not fractions of 40 votes"
dl0 rf train -q --trees 40 --probability --exclude id --label class -o "$T/prob.json" "$MUL"
same "$T/prob.json" "$T/mul.json"
expect_status 2 dl rf train --no-probability --label y --task regression -o "$T/x.json" "$REG"
expect_err "dl-rf: --no-probability is for classification"

# ---------------------------------------------------------------- regression
expect_status 0 dl rf train --trees 50 --label y -o "$T/reg.json" "$REG"
grep -q '^regression, 50 trees: OOB MSE [0-9.e+-]*, R^2 [0-9.e+-]* (' "$T/err" || fail "regression: OOB report"
for k in '"task": "regression"' '"num_class": 1' '"mtry": 1' '"min_node_size": 5' '"split": "variance"' \
	 '"oob": {"rows": 200, "mse": '; do
	grep -q "$k" "$T/reg.json" || fail "regression model lacks $k"
done
dl0 rf predict -m "$T/reg.json" --label y "$REG" >"$T/reg.pred"
expect_status 0 dl rf eval -m "$T/reg.json" --label y "$REG"
col 4 "$REG" | paste "$T/reg.pred" - >"$T/py"
close "$(metric rmse)" "$(awk '{ d = $1 - $2; s += d * d } END { printf "%.9g", sqrt(s / NR) }' "$T/py")" 1e-5
# the task is chosen by the labels (real values: regression) unless given
dl0 rf train --trees 5 --label y --task regression -o "$T/reg5.json" "$REG" 2>"$T/err"
grep -q '^regression' "$T/err" || fail "--task regression"
# options land in the parameters
dl0 rf train -q --trees 10 --label y --mtry 2 --min-node-size 10 --max-depth 3 \
	--no-replace --sample-fraction 0.5 --max-bin 16 -o "$T/opt.json" "$REG"
for k in '"mtry": 2' '"min_node_size": 10' '"max_depth": 3' '"sample_fraction": 0.5' \
	 '"replace": false' '"max_bin": 16'; do
	grep -q "$k" "$T/opt.json" || fail "options: model lacks $k"
done
dl0 rf dump -m "$T/opt.json" >"$T/dump"
awk '{ n = match($0, /[^\t]/) - 1; if (n > 3) bad++ } END { exit bad > 0 }' "$T/dump" ||
	fail "--max-depth 3: a node deeper than 3"
dl0 rf train -q --trees 5 --label y --mtry 0.5 -o "$T/frac.json" "$REG"
grep -q '"mtry": 1' "$T/frac.json" || fail "--mtry 0.5 of 3 features is 1"
dl0 rf train -q --trees 5 --label y --mtry sqrt -o "$T/sq.json" "$REG"
grep -q '"mtry": 1' "$T/sq.json" || fail "--mtry sqrt of 3 features is 1"

# data from a pipe, and --help
dl0 rf train -q --trees 5 --label y -o "$T/pipe.json" - <"$REG"
dl0 rf train -q --trees 5 --label y -o "$T/file.json" "$REG"
same "$T/pipe.json" "$T/file.json"
expect_status 0 dl rf --help
grep -q '^Usage: dl-rf COMMAND' "$T/out" || fail "--help"
expect_status 0 dl rf train --help
grep -q -- '--sample-fraction' "$T/out" || fail "train --help"
