# dl-gbdt end to end on the small sets of tests/data/xgb/cli-*.csv: every loss and AdaBoost
# trains, predicts and evaluates; predictions have the model's shape and agree with eval;
# the model file names its learner, objective and parameters; the same seed gives the same
# model (with row and feature sampling) and another seed another; early stopping; cv,
# dump, importance; training from a pipe. Then bad command lines (exit 2) and bad labels
# (exit 1), each with one line that starts with the program's name; a failed run leaves
# no model behind.
D=$DATA/xgb
REG=$D/cli-reg.csv
BIN=$D/cli-bin.csv
MUL=$D/cli-multi.csv
O=$T/out.json

# lines FILE N: FILE has N lines
lines() {
	[ "$(wc -l <"$1")" -eq "$2" ] || fail "$1 has $(wc -l <"$1") lines, want $2"
}
# rmse PRED DATA LABELCOL: the rmse of predictions against column LABELCOL of a CSV file
rmse() {
	tail -n +2 "$2" | cut -d , -f "$3" | paste - "$1" |
		awk '{ s += ($2 - $1) ^ 2; n++ } END { printf "%.6g\n", sqrt(s / n) }'
}

# ---------------------------------------------------------------- regression, each loss
for loss in squared absolute huber quantile; do
	dl gbdt train -q --label y --loss "$loss" --n-estimators 30 -o "$T/$loss.json" "$REG" ||
		fail "train --loss $loss"
	dl gbdt predict -m "$T/$loss.json" --label y "$REG" >"$T/$loss.pred" || fail "predict $loss"
	lines "$T/$loss.pred" 200
	grep -q '"learner": "dl-gbdt"' "$T/$loss.json" || fail "$loss: learner is not dl-gbdt"
	grep -q "\"loss\": \"$loss\"" "$T/$loss.json" || fail "$loss: params lack the loss"
done
grep -q '"objective": "reg:squarederror"' "$T/squared.json" || fail "squared: objective"
grep -q '"objective": "reg:absoluteerror"' "$T/absolute.json" || fail "absolute: objective"
grep -q '"objective": "gbdt:huber"' "$T/huber.json" || fail "huber: objective"
grep -q '"objective": "gbdt:quantile"' "$T/quantile.json" || fail "quantile: objective"
# eval agrees with the predictions
dl gbdt eval -m "$T/squared.json" --label y --metric rmse "$REG" >"$T/eval" || fail "eval"
want=$(rmse "$T/squared.pred" "$REG" 4)
got=$(awk -F '\t' '$1 == "rmse" { printf "%.6g\n", $2 }' "$T/eval")
[ "$got" = "$want" ] || fail "eval rmse $got, predictions give $want"
# boosting fits: the training rmse falls well below the spread of the labels
sd=$(tail -n +2 "$REG" | cut -d , -f 4 | awk '{ s += $1; q += $1 * $1; n++ }
	END { m = s / n; printf "%.6g\n", sqrt(q / n - m * m) }')
awk -v a="$want" -v b="$sd" 'BEGIN { exit !(a < 0.5 * b) }' || fail "rmse $want, label sd $sd"
# the 0.9-quantile lies above about 90% of the training labels
tail -n +2 "$REG" | cut -d , -f 4 | paste - "$T/quantile.pred" |
	awk '{ n++; if ($1 <= $2) k++ } END { f = k / n; exit !(f > 0.8 && f < 0.99) }' ||
	fail "quantile 0.9: the share of labels below the prediction is not near 0.9"

# ---------------------------------------------------------------- classification
dl gbdt train -q --loss logistic --n-estimators 20 -o "$T/bin.json" "$BIN" || fail "logistic"
grep -q '"objective": "binary:logistic"' "$T/bin.json" || fail "logistic: objective"
dl gbdt predict -m "$T/bin.json" "$BIN" >"$T/bin.pred"
lines "$T/bin.pred" 200
awk '$1 <= 0 || $1 >= 1 || NF != 1 { exit 1 }' "$T/bin.pred" || fail "logistic: not probabilities"
dl gbdt eval -m "$T/bin.json" --metric error --metric auc "$BIN" >"$T/eval"
awk -F '\t' '$1 == "auc" && $2 < 0.9 { exit 1 }' "$T/eval" || fail "logistic: training auc $(cat "$T/eval")"

# exponential: P(1) = sigmoid(2 F)
dl gbdt train -q --loss exponential --n-estimators 20 -o "$T/exp.json" "$BIN" || fail "exponential"
grep -q '"objective": "gbdt:exponential"' "$T/exp.json" || fail "exponential: objective"
dl gbdt predict -m "$T/exp.json" "$BIN" >"$T/exp.pred"
dl gbdt predict -m "$T/exp.json" --margin "$BIN" >"$T/exp.margin"
paste "$T/exp.margin" "$T/exp.pred" | awk '{ p = 1 / (1 + exp(-2 * $1)); d = p - $2
	if (d > 1e-6 || d < -1e-6) exit 1 }' || fail "exponential: P(1) is not sigmoid(2 margin)"

# AdaBoost: P(1) = sigmoid(margin), the margins within [-1, 1]
dl gbdt train -q --algorithm adaboost --n-estimators 25 -o "$T/ada.json" "$BIN" || fail "adaboost"
grep -q '"algorithm": "adaboost"' "$T/ada.json" || fail "adaboost: params"
dl gbdt predict -m "$T/ada.json" --margin "$BIN" >"$T/ada.margin"
dl gbdt predict -m "$T/ada.json" "$BIN" >"$T/ada.pred"
paste "$T/ada.margin" "$T/ada.pred" | awk '{ p = 1 / (1 + exp(-$1)); d = p - $2
	if (d > 1e-6 || d < -1e-6 || $1 > 1.000001 || $1 < -1.000001) exit 1 }' ||
	fail "adaboost: P(1) is not sigmoid(margin) or a margin is outside [-1, 1]"
dl gbdt dump -m "$T/ada.json" >"$T/dump"
[ "$(grep -c '^booster' "$T/dump")" -le 25 ] || fail "adaboost: more trees than rounds"
# stumps by default: every tree has one split
[ "$(grep -c 'yes=' "$T/dump")" = "$(grep -c '^booster' "$T/dump")" ] || fail "adaboost: not stumps"

# K classes: K probabilities per row, summing to 1; K trees a round
dl gbdt train -q --loss logistic --label class --exclude id --n-estimators 10 -o "$T/mul.json" \
	"$MUL" || fail "multiclass"
grep -q '"objective": "multi:softprob"' "$T/mul.json" || fail "multiclass: objective"
K=$(grep -o '"num_class": [0-9]*' "$T/mul.json" | grep -o '[0-9]*$')
dl gbdt predict -m "$T/mul.json" --label class --exclude id "$MUL" >"$T/mul.pred"
lines "$T/mul.pred" 150
awk -F '\t' -v k="$K" '{ s = 0; for (i = 1; i <= NF; i++) s += $i
	if (NF != k || s < 0.999999 || s > 1.000001) exit 1 }' "$T/mul.pred" ||
	fail "multiclass: rows are not $K probabilities"
dl gbdt dump -m "$T/mul.json" >"$T/dump"
[ "$(grep -c '^booster' "$T/dump")" -eq $((10 * K)) ] || fail "multiclass: not $K trees a round"
dl gbdt eval -m "$T/mul.json" --label class --exclude id "$MUL" >"$T/eval"
grep -q '^mlogloss	' "$T/eval" || fail "multiclass: default metric is not mlogloss"
# SAMME with K classes: K probabilities per row; K trees a round, of one structure
dl gbdt train -q --algorithm adaboost --label class --exclude id --n-estimators 10 \
	-o "$T/samme.json" "$MUL" || fail "multiclass adaboost"
grep -q '"objective": "multi:softprob"' "$T/samme.json" || fail "samme: objective"
dl gbdt predict -m "$T/samme.json" --label class --exclude id "$MUL" >"$T/samme.pred"
awk -F '\t' -v k="$K" '{ s = 0; for (i = 1; i <= NF; i++) s += $i
	if (NF != k || s < 0.999999 || s > 1.000001) exit 1 }' "$T/samme.pred" ||
	fail "samme: rows are not $K probabilities"
dl gbdt dump -m "$T/samme.json" >"$T/dump"
n=$(grep -c '^booster' "$T/dump")
[ $((n % K)) -eq 0 ] && [ "$n" -le $((10 * K)) ] || fail "samme: $n trees for $K classes"

# ---------------------------------------------------------------- seeds and sampling
for run in a:1 b:1 c:2; do
	dl gbdt train -q --label y --subsample 0.5 --max-features 2 --seed "${run#*:}" \
		--n-estimators 10 -o "$T/seed-${run%:*}.json" "$REG" || fail "subsample"
done
same "$T/seed-a.json" "$T/seed-b.json"
cmp -s "$T/seed-a.json" "$T/seed-c.json" && fail "seeds 1 and 2 gave the same sampled model"
dl gbdt train -q --label y --max-features sqrt --n-estimators 5 -o "$O" "$REG" || fail "sqrt"
rm -f "$O"

# ---------------------------------------------------------------- early stopping, pipes
head -n 121 "$BIN" >"$T/tr.csv"
{ head -n 1 "$BIN"; tail -n +122 "$BIN"; } >"$T/va.csv"
dl gbdt train --loss logistic --n-estimators 300 --learning-rate 0.5 --early-stopping 5 \
	--valid "$T/va.csv" -o "$T/es.json" "$T/tr.csv" 2>"$T/err" || fail "early stopping"
grep -q '^best round' "$T/err" || fail "early stopping: no best round"
rounds=$(grep -o '"rounds": [0-9]*' "$T/es.json" | grep -o '[0-9]*$')
[ "$rounds" -lt 300 ] || fail "early stopping did not stop"
cat "$REG" | dl gbdt train -q --label y --n-estimators 5 -o "$T/pipe.json" - || fail "from a pipe"
dl gbdt train -q --label y --n-estimators 5 -o "$T/file.json" "$REG"
same "$T/pipe.json" "$T/file.json"

# ---------------------------------------------------------------- cv, importance
dl gbdt cv --label y --folds 3 --n-estimators 4 "$REG" >"$T/cv" || fail "cv"
lines "$T/cv" 4
grep -q 'test-rmse:' "$T/cv" || fail "cv: no test-rmse"
dl gbdt importance -m "$T/squared.json" >"$T/imp" || fail "importance"
[ -s "$T/imp" ] || fail "importance printed nothing"

# ---------------------------------------------------------------- bad input
one_line() {
	[ "$(grep -cv '^==[0-9]*==' "$T/err")" -eq 1 ] || { cat "$T/err" >&2; fail "want one line"; }
	grep -q '^dl-gbdt: ' "$T/err" || fail "the message lacks the program name"
	[ ! -e "$O" ] || fail "a failed run left $O behind"
}
usage() {
	expect_status 2 "$DL_BUILD/dl-gbdt" "$@"
	expect_err "Try 'dl-gbdt --help'"
	grep -q '^dl-gbdt: ' "$T/err" || fail "usage: the message lacks the program name"
	[ ! -e "$O" ] || fail "a failed run left $O behind"
}
usage train --loss hinge -o "$O" "$REG"
expect_err "loss: 'hinge' is not squared, absolute, huber, quantile, logistic or exponential"
usage train --alpha 1 -o "$O" "$REG"
expect_err 'alpha must be in (0, 1) (got 1)'
usage train --alpha 0 -o "$O" "$REG"
expect_err 'alpha must be in (0, 1)'
usage train --learning-rate 0 -o "$O" "$REG"
expect_err 'learning_rate must be positive (got 0)'
usage train --learning-rate -0.1 -o "$O" "$REG"
expect_err 'learning_rate must be positive'
usage train --algorithm adaboost --loss huber -o "$O" "$BIN"
expect_err 'not --algorithm adaboost'
usage train --algorithm gentle -o "$O" "$BIN"
expect_err "algorithm: 'gentle' is not gradient or adaboost"
usage train --eta 0.1 -o "$O" "$REG"
expect_err '--eta does not apply'
usage train --param colsample_bytree=0.5 -o "$O" "$REG"
expect_err "'colsample_bytree' is not a parameter of dl-gbdt"
usage train --max-features 0 -o "$O" "$REG"
usage train --n-estimators 0 -o "$O" "$REG"
usage import x.json

printf 'x,label\n1,0\n2,2\n3,1\n' >"$T/two.csv"
printf 'x,label\n1,0\n2,0.5\n3,1\n' >"$T/half.csv"
printf 'x,label\n1,0\n2,nan\n3,1\n' >"$T/nan.csv"
printf 'x,label\n1,0\n2,0\n3,0\n' >"$T/zero.csv"
expect_status 1 dl gbdt train --loss exponential -o "$O" "$T/two.csv"
one_line
expect_err "two.csv: row 2: label 2 is not 0 or 1 (loss exponential supports two classes)"
expect_status 1 dl gbdt train --algorithm adaboost -o "$O" "$T/half.csv"
one_line
expect_err "row 2: label 0.5 is not a class (0, 1, 2, ...)"
expect_status 1 dl gbdt train --loss logistic -o "$O" "$T/half.csv"
one_line
expect_err "row 2: label 0.5 is not a class (0, 1, 2, ...)"
expect_status 1 dl gbdt train -o "$O" "$T/nan.csv"
one_line
expect_err "label is NaN"
expect_status 1 dl gbdt train --loss logistic -o "$O" "$T/zero.csv"
one_line
expect_err "needs two classes"
# a binary model evaluated on labels outside [0, 1]
expect_status 1 dl gbdt eval -m "$T/bin.json" --label x3 "$BIN"
grep -q '^dl-gbdt: ' "$T/err" || fail "eval: the message lacks the program name"
# --min-samples-split: recorded, fewer nodes split (fewer distinct predictions), at least 2
dl gbdt train -q --label y --max-depth 6 --n-estimators 5 -o "$T/s2.json" "$REG"
expect_status 0 dl gbdt train -q --label y --max-depth 6 --n-estimators 5 --min-samples-split 60 \
	-o "$T/s60.json" "$REG"
grep -q '"min_samples_split": 60' "$T/s60.json" || fail "--min-samples-split not recorded"
n2=$(grep -o '"left": \[[^]]*\]' "$T/s2.json" | tr ',' '\n' | wc -l)
n60=$(grep -o '"left": \[[^]]*\]' "$T/s60.json" | tr ',' '\n' | wc -l)
[ "$n60" -lt "$n2" ] || fail "--min-samples-split 60: $n60 nodes, not fewer than $n2"
expect_status 2 dl gbdt train --label y --min-samples-split 1 -o "$T/x.json" "$REG"
expect_err "min_samples_split"
exit 0
