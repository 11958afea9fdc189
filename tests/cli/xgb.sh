# dl-xgb end to end on the small data sets of tests/data/xgb/cli-*.csv (written by
# tests/golden/xgb/make-cli.py): train, predict, eval, dump and importance; the shapes of
# the outputs; predictions that agree with the metrics eval prints (recomputed here with
# awk); bit-identical retraining; the tsv, jsonl and records formats; margins, leaves and
# contributions; XGBoost's configuration files; early stopping, lossguide growth,
# monotone constraints and missing values. Small enough to run under valgrind (DL_WRAP).
D=$DATA/xgb
REG=$D/cli-reg.csv
BIN=$D/cli-bin.csv
MUL=$D/cli-multi.csv

# dl0 runs a program without $DL_WRAP: valgrind checks one run of each code path (the
# calls through dl), not the dozens of runs that check numbers.
dl0() {
	_n=$1; shift
	"$DL_BUILD/dl-$_n" "$@"
}
# close A B TOL: fails unless |A - B| <= TOL * max(1, |B|)
close() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN {
		d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; if (m < 1) m = 1
		exit !(d <= t * m) }' || fail "$1 is not $2 (within $3)"
}
# column N of a CSV without its header
col() { awk -F, -v c="$1" 'NR > 1 { print $c }' "$2"; }
# metric NAME: the value of NAME in eval's output ($T/out)
metric() { awk -v m="$1" '$1 == m { print $2 }' "$T/out"; }
lines() { wc -l <"$1" | tr -d ' '; }

# ---------------------------------------------------------------- regression
expect_status 0 dl xgb train --threads 1 --label y --rounds 8 --metric rmse --metric mae \
	-o "$T/reg.json" "$REG"
[ "$(grep -c '^\[[0-7]\]	train-rmse:[0-9.e-]*	train-mae:' "$T/err")" = 8 ] ||
	fail "train: 8 rounds of train-rmse and train-mae on stderr"
cp "$T/err" "$T/reg.log"
# the model file: the documented fields
for k in '"format": "dl-gbm"' '"learner": "dl-xgb"' '"objective": "reg:squarederror"' \
	 '"num_class": 1' '"rounds": 8' '"best_iteration": -1' '"features": \["x1", "x2", "x3"\]'; do
	grep -q "$k" "$T/reg.json" || fail "model lacks $k"
done
[ "$(grep -o '"left":' "$T/reg.json" | wc -l)" -eq 8 ] || fail "8 trees"
# the same data, parameters and thread count give the same bytes
dl0 xgb train -q --threads 1 --label y --rounds 8 --metric rmse --metric mae -o "$T/reg2.json" "$REG"
same "$T/reg.json" "$T/reg2.json"
expect_status 0 dl0 xgb predict -m "$T/reg.json" --label y "$REG"
cp "$T/out" "$T/reg.pred"
[ "$(lines "$T/reg.pred")" = 200 ] || fail "predict: 200 lines"
[ "$(awk -F'\t' 'NF != 1' "$T/reg.pred" | wc -l)" = 0 ] || fail "predict: one value a line"
expect_status 0 dl xgb eval -m "$T/reg.json" --label y --metric rmse --metric mae "$REG"
[ "$(lines "$T/out")" = 2 ] || fail "eval: two metrics"
col 4 "$REG" | paste "$T/reg.pred" - >"$T/py"
close "$(metric rmse)" "$(awk '{ d = $1 - $2; s += d * d } END { printf "%.9g", sqrt(s / NR) }' "$T/py")" 1e-5
close "$(metric mae)" "$(awk '{ d = $1 - $2; s += d < 0 ? -d : d } END { printf "%.9g", s / NR }' "$T/py")" 1e-5
# eval's rmse is the last round's training rmse
close "$(metric rmse)" "$(sed -n 's/^\[7\]	train-rmse:\([^	]*\).*/\1/p' "$T/reg.log")" 1e-5
# --iterations N scores the first N rounds: rmse of round 2 as printed in training
dl0 xgb eval -m "$T/reg.json" --label y --iterations 3 "$REG" >"$T/out"
close "$(metric rmse)" "$(sed -n 's/^\[2\]	train-rmse:\([^	]*\).*/\1/p' "$T/reg.log")" 1e-5

# ---------------------------------------------------------------- binary
dl0 xgb train -q --threads 1 --objective binary:logistic --rounds 10 -o "$T/bin.json" "$BIN"
dl0 xgb predict -m "$T/bin.json" "$BIN" >"$T/bin.pred"
dl0 xgb predict -m "$T/bin.json" --margin "$BIN" >"$T/bin.margin"
[ "$(lines "$T/bin.pred")" = 200 ] || fail "binary: 200 predictions"
# the default output is the sigmoid of the margin
paste "$T/bin.margin" "$T/bin.pred" | awk '{ p = 1 / (1 + exp(-$1)); d = p - $2
	if (d < -1e-6 || d > 1e-6 || $2 <= 0 || $2 >= 1) bad++ } END { exit bad > 0 }' ||
	fail "predict: probabilities are not the sigmoid of --margin"
expect_status 0 dl0 xgb eval -m "$T/bin.json" --metric logloss --metric error --metric auc "$BIN"
col 4 "$BIN" | paste "$T/bin.pred" - >"$T/py"
close "$(metric logloss)" "$(awk '{ p = $1; s -= $2 ? log(p) : log(1 - p) }
	END { printf "%.9g", s / NR }' "$T/py")" 1e-5
close "$(metric error)" "$(awk '{ e += ($1 > 0.5) != $2 } END { printf "%.9g", e / NR }' "$T/py")" 1e-9
auc=$(metric auc)
awk -v a="$auc" 'BEGIN { exit !(a > 0.9 && a <= 1) }' || fail "auc $auc on the training data"
# the default metric of binary:logistic is logloss
dl0 xgb eval -m "$T/bin.json" "$BIN" >"$T/out"
grep -q '^logloss	' "$T/out" || fail "eval: default metric of binary:logistic"

# jsonl and records carry the same numbers as tsv
dl0 xgb predict -m "$T/bin.json" --format jsonl "$BIN" >"$T/bin.jsonl"
[ "$(lines "$T/bin.jsonl")" = 200 ] || fail "jsonl: 200 lines"
sed 's/^{"prediction": \(.*\)}$/\1/' "$T/bin.jsonl" | same - "$T/bin.pred"
dl xgb predict -m "$T/bin.json" --format records -o "$T/bin.rec" "$BIN"
dl0 record count "$T/bin.rec" >"$T/out"
[ "$(cat "$T/out")" = 200 ] || fail "records: 200"
dl0 record cat "$T/bin.rec" | sed 's/^{"prediction":{"float":\[\(.*\)\]}}$/\1/' >"$T/rec.pred"
paste "$T/rec.pred" "$T/bin.pred" | awk '{ d = $1 - $2; if (d < -1e-6 || d > 1e-6) bad++ }
	END { exit bad > 0 || NR != 200 }' || fail "records: not the tsv predictions"

# --leaf: one leaf per tree, each a leaf of that tree (its "left" entry is -1)
dl0 xgb predict -m "$T/bin.json" --leaf "$BIN" >"$T/leaf"
[ "$(awk -F'\t' 'NF != 10' "$T/leaf" | wc -l)" = 0 ] || fail "--leaf: 10 columns"
dl0 xgb predict -m "$T/bin.json" --leaf --format jsonl "$BIN" | head -n 1 >"$T/leaf1.jsonl"
[ "$(sed 's/^{"leaf": \[\(.*\)\]}$/\1/; s/, /	/g' "$T/leaf1.jsonl")" = "$(head -n 1 "$T/leaf")" ] ||
	fail "--leaf: jsonl differs from tsv"
# in records the leaf indices are an int64 list, the same numbers
dl0 xgb predict -m "$T/bin.json" --leaf --format records "$BIN" | "$DL_BUILD/dl-record" head -n 1 |
	"$DL_BUILD/dl-record" cat >"$T/leaf1.rec.jsonl"
[ "$(sed 's/^{"leaf":{"int64":\[\(.*\)\]}}$/\1/; s/,/	/g' "$T/leaf1.rec.jsonl")" = "$(head -n 1 "$T/leaf")" ] ||
	{ cat "$T/leaf1.rec.jsonl" >&2; fail "--leaf --format records: not the int64 leaf indices"; }
grep -o '"left": \[[^]]*\]' "$T/bin.json" | sed 's/"left": \[//; s/\]//' >"$T/lefts"
head -n 1 "$T/leaf" | tr '\t' '\n' | paste - "$T/lefts" | awk -F'\t' '{
	n = split($2, l, ", *"); if ($1 < 0 || $1 >= n || l[$1 + 1] != -1) bad++ }
	END { exit bad > 0 }' || fail "--leaf: an index that is not a leaf"

# --contrib (TreeSHAP): a column per feature and the bias, summing to the margin
dl xgb predict -m "$T/bin.json" --contrib "$BIN" >"$T/contrib"
if [ "$(head -n 1 "$T/contrib" | awk -F'\t' '{ print NF }')" = 4 ]; then
	paste "$T/contrib" "$T/bin.margin" | awk '{ d = $1 + $2 + $3 + $4 - $5
		if (d < -1e-4 || d > 1e-4) bad++ } END { exit bad > 0 }' ||
		fail "--contrib: contributions do not sum to the margin"
else
	echo "note: predict --contrib does not yet print contributions; not checked" >&2
fi

# missing values: an empty cell, nan, NaN and NA are the same; rows whose x3 is missing
# are mostly positive in the data, and the learned default direction says so
printf 'x1,x2,x3,label\n0,0,,0\n0,0,nan,0\n0,0,NaN,0\n0,0,NA,0\n0,0,0.5,0\n0,0,-0.5,0\n' >"$T/miss.csv"
dl0 xgb predict -m "$T/bin.json" "$T/miss.csv" >"$T/out"
[ "$(head -n 4 "$T/out" | sort -u | wc -l)" = 1 ] || fail "missing: four spellings differ"
awk 'NR == 1 { m = $1 } NR > 4 && $1 >= m { bad++ } END { exit bad > 0 }' "$T/out" ||
	fail "missing: the default direction does not favour class 1"
# libsvm (absent = missing) and records input give the same predictions
awk -F, 'NR > 1 { printf "%s 0:%s 1:%s", $4, $1, $2; if ($3 != "") printf " 2:%s", $3
	print "" }' "$BIN" >"$T/bin.svm"
dl xgb train -q --threads 1 --objective binary:logistic --rounds 10 -o "$T/svm.json" "$T/bin.svm"
grep -q '"features": \["f0", "f1", "f2"\]' "$T/svm.json" || fail "libsvm: features f0, f1, f2"
dl0 xgb predict -m "$T/svm.json" "$T/bin.svm" | same - "$T/bin.pred"
dl0 record from-csv -o "$T/bin.tfrecord" "$BIN"
dl xgb train -q --threads 1 --objective binary:logistic --rounds 10 -o "$T/rec.json" \
	"$T/bin.tfrecord"
dl0 xgb predict -m "$T/rec.json" "$T/bin.tfrecord" | same - "$T/bin.pred"

# importance: every type, features only, largest first; weight counts the splits
for ty in gain weight cover total_gain total_cover; do
	dl0 xgb importance -m "$T/bin.json" --type $ty >"$T/imp.$ty"
	awk -F'\t' 'NF != 2 || ($1 != "x1" && $1 != "x2" && $1 != "x3") || $2 <= 0 { bad++ }
		NR > 1 && $2 > prev { bad++ } { prev = $2 } END { exit bad > 0 || NR == 0 }' \
		"$T/imp.$ty" || fail "importance --type $ty"
done
dl0 xgb importance -m "$T/bin.json" | same - "$T/imp.gain"
splits=$(grep -o '"left": \[[^]]*\]' "$T/bin.json" | tr ',' '\n' | grep -cv -- '-1')
[ "$(awk '{ s += $2 } END { print s }' "$T/imp.weight")" = "$splits" ] ||
	fail "importance weight: not the number of splits ($splits)"
# total_gain = gain * weight
for ty in gain weight total_gain; do sort "$T/imp.$ty" >"$T/sorted.$ty"; done
paste "$T/sorted.gain" "$T/sorted.weight" "$T/sorted.total_gain" | while read -r f g _ w _ tg; do
	close "$tg" "$(awk -v g="$g" -v w="$w" 'BEGIN { printf "%.9g", g * w }')" 1e-5
done

# dump: a booster per tree, a line per node with XGBoost's syntax
dl0 xgb dump -m "$T/bin.json" >"$T/dump"
[ "$(grep -c '^booster\[[0-9]*\]:$' "$T/dump")" = 10 ] || fail "dump: 10 boosters"
nodes=$(grep -o '"left": \[[^]]*\]' "$T/bin.json" | tr ',' '\n' | wc -l)
[ "$(grep -c '^	*[0-9]*:' "$T/dump")" = "$nodes" ] || fail "dump: a line per node"
grep -Eq '^0:\[x[123]<[-0-9.e]+\] yes=1,no=2,missing=[12]$' "$T/dump" || fail "dump: a split"
grep -Eq '^	+[0-9]+:leaf=[-0-9.e]+$' "$T/dump" || fail "dump: a leaf"
dl xgb dump -m "$T/bin.json" --with-stats >"$T/dumps"
grep -Eq '^0:\[x[123]<[-0-9.e]+\] yes=1,no=2,missing=[12],gain=[0-9.e]+,cover=[0-9.e]+$' \
	"$T/dumps" || fail "dump --with-stats"

# ---------------------------------------------------------------- 3 classes
dl xgb train -q --threads 1 --label class --exclude id --objective multi:softprob \
	--num-class 3 --rounds 6 -o "$T/mul.json" "$MUL"
grep -q '"num_class": 3' "$T/mul.json" || fail "multi: num_class"
grep -q '"features": \["x1", "x2"\]' "$T/mul.json" || fail "multi: --exclude id"
[ "$(grep -o '"left":' "$T/mul.json" | wc -l)" -eq 18 ] || fail "multi: 6 rounds x 3 trees"
dl0 xgb predict -m "$T/mul.json" --label class --exclude id "$MUL" >"$T/mul.pred"
awk -F'\t' 'NF != 3 || ($1 + $2 + $3 - 1) * ($1 + $2 + $3 - 1) > 1e-10 { bad++ }
	END { exit bad > 0 || NR != 150 }' "$T/mul.pred" || fail "multi: 3 probabilities a row"
expect_status 0 dl0 xgb eval -m "$T/mul.json" --label class --exclude id \
	--metric mlogloss --metric merror "$MUL"
col 4 "$MUL" | paste "$T/mul.pred" - >"$T/py"
close "$(metric mlogloss)" "$(awk '{ s -= log($($4 + 1)) } END { printf "%.9g", s / NR }' "$T/py")" 1e-5
close "$(metric merror)" "$(awk '{ k = 1; for (j = 2; j <= 3; j++) if ($j > $k) k = j
	e += k - 1 != $4 } END { printf "%.9g", e / NR }' "$T/py")" 1e-9
dl0 xgb predict -m "$T/mul.json" --label class --exclude id --leaf "$MUL" |
	awk -F'\t' 'NF != 18 { bad++ } END { exit bad > 0 }' || fail "multi --leaf: 18 columns"
dl0 xgb predict -m "$T/mul.json" --label class --exclude id --format jsonl "$MUL" | head -n 1 |
	grep -Eq '^\{"prediction": \[[-0-9.e]+, [-0-9.e]+, [-0-9.e]+\]\}$' || fail "multi: jsonl"
# multi:softmax predicts the class: the arg max of softprob's probabilities
dl0 xgb train -q --threads 1 --label class --exclude id --objective multi:softmax \
	--num-class 3 --rounds 6 -o "$T/max.json" "$MUL"
dl0 xgb predict -m "$T/max.json" --label class --exclude id "$MUL" >"$T/max.pred"
awk '{ k = 1; for (j = 2; j <= 3; j++) if ($j > $k) k = j; print k - 1 }' "$T/mul.pred" |
	same - "$T/max.pred"

# ---------------------------------------------------------------- early stopping
head -n 151 "$BIN" >"$T/tr.csv"
{ head -n 1 "$BIN"; tail -n 50 "$BIN"; } >"$T/va.csv"
expect_status 0 dl xgb train --threads 1 --objective binary:logistic --eta 0.5 --rounds 100 \
	--early-stopping 5 --metric logloss --valid "$T/va.csv" --log "$T/es.log" \
	-o "$T/es.json" "$T/tr.csv"
best=$(sed -n 's/^best round \([0-9]*\) (early stopping)$/\1/p' "$T/err")
[ -n "$best" ] || fail "early stopping: no best round reported"
grep -q "\"best_iteration\": $best," "$T/es.json" || fail "early stopping: best_iteration"
last=$(grep -c '^\[[0-9]*\]	valid-logloss:' "$T/err")
[ "$last" = $((best + 6)) ] || fail "early stopping: $last rounds, best $best + 5 more"
[ "$(lines "$T/es.log")" = "$last" ] || fail "--log: a line per round"
grep -q "^{\"round\":$best,\"valid-logloss\":" "$T/es.log" || fail "--log: round $best"
# the best round has the lowest validation loss, and predict and eval use it
bestloss=$(sed -n "s/^\[$best\]	valid-logloss://p" "$T/err")
sed -n 's/^\[[0-9]*\]	valid-logloss://p' "$T/err" |
	awk -v b="$bestloss" '$1 < b { bad++ } END { exit bad > 0 }' || fail "best round not the lowest"
dl0 xgb eval -m "$T/es.json" --metric logloss "$T/va.csv" >"$T/out"
close "$(metric logloss)" "$bestloss" 1e-5
dl0 xgb predict -m "$T/es.json" "$T/va.csv" >"$T/es.pred"
dl0 xgb predict -m "$T/es.json" --iterations $((best + 1)) "$T/va.csv" | same - "$T/es.pred"
dl0 xgb predict -m "$T/es.json" --iterations "$last" "$T/va.csv" >"$T/es.all"
cmp -s "$T/es.pred" "$T/es.all" && fail "early stopping: predict used every round"

# ---------------------------------------------------------------- lossguide, monotone
dl0 xgb train -q --threads 1 --label y --rounds 3 --max-depth 0 --param grow_policy=lossguide \
	--param max_leaves=5 -o "$T/lg.json" "$REG"
grep -o '"left": \[[^]]*\]' "$T/lg.json" | awk '{ n = gsub(/-1/, ""); if (n != 5) bad++ }
	END { exit bad > 0 || NR != 3 }' || fail "lossguide: 5 leaves a tree"
# y rises and falls with x2 (sin 3 x2): unconstrained predictions over a grid of x2 fall
# somewhere, constrained ones never do
awk 'BEGIN { print "x1,x2,x3"; for (i = 0; i <= 100; i++) printf "0.5,%.3f,0.1\n", -1 + i * 0.02 }' \
	>"$T/grid.csv"
falls() { awk 'NR > 1 && $1 < p { n++ } { p = $1 } END { print n + 0 }'; }
dl0 xgb train -q --threads 1 --label y --rounds 20 -o "$T/free.json" "$REG"
[ "$(dl0 xgb predict -m "$T/free.json" "$T/grid.csv" | falls)" -gt 0 ] ||
	fail "monotone: the unconstrained model is already monotone (a useless test)"
dl xgb train -q --threads 1 --label y --rounds 20 --param 'monotone_constraints=(0,1,0)' \
	-o "$T/mono.json" "$REG"
[ "$(dl0 xgb predict -m "$T/mono.json" "$T/grid.csv" | falls)" = 0 ] ||
	fail "monotone: predictions fall as x2 rises"
dl0 xgb train -q --threads 1 --label y --rounds 20 --param 'monotone_constraints=(0,-1,0)' \
	-o "$T/anti.json" "$REG"
dl0 xgb predict -m "$T/anti.json" "$T/grid.csv" | awk '{ print -$1 }' >"$T/neg"
[ "$(falls <"$T/neg")" = 0 ] || fail "monotone: -1 predictions rise as x2 rises"

# ---------------------------------------------------------------- XGBoost configuration files
cd "$T"
cat >c.conf <<EOF
# as XGBoost's demo/CLI/binary_classification/mushroom.conf
booster = gbtree
objective = binary:logistic
eta = 0.5
max_depth = 3
num_round = 2
nthread = 1
data = "tr.csv?format=csv"
eval[test] = "va.csv"
EOF
expect_status 0 dl xgb train c.conf
[ -f 0002.model ] || fail "conf: model_out is not 0002.model"
[ "$(grep -c '^\[[01]\]	test-logloss:' "$T/err")" = 2 ] || fail "conf: eval[test] each round"
# the same as the options
dl0 xgb train -q --threads 1 --objective binary:logistic --eta 0.5 --max-depth 3 --rounds 2 \
	-o opt.json tr.csv
dl0 xgb predict -m 0002.model va.csv >conf.pred
dl0 xgb predict -m opt.json va.csv | same - conf.pred
# KEY=VALUE arguments override the file, and num_round names the default model_out
dl0 xgb train -q c.conf num_round=4 max_depth=2
[ -f 0004.model ] || fail "conf: num_round=4 did not give 0004.model"
[ "$(grep -o '"left":' 0004.model | wc -l)" = 4 ] || fail "conf: num_round=4, 4 trees"
grep -q '"max_depth": "2"' 0004.model || fail "conf: max_depth=2 not in the model's params"
dl0 xgb train -q c.conf model_out=named.json
[ -f named.json ] || fail "conf: model_out"
# task=pred writes pred.txt (or name_pred) from test:data; task=dump dump.txt (or name_dump)
dl xgb train -q c.conf task=pred model_in=0002.model test:data=va.csv
same pred.txt conf.pred
dl0 xgb train -q c.conf task=pred model_in=0002.model test:data=va.csv name_pred=p2.txt
same p2.txt conf.pred
dl0 xgb train -q c.conf task=dump model_in=0002.model
dl0 xgb dump -m 0002.model | same - dump.txt
dl0 xgb train -q c.conf task=dump model_in=0002.model dump_stats=1 name_dump=ds.txt
dl0 xgb dump -m 0002.model --with-stats | same - ds.txt
cd - >/dev/null

# ---------------------------------------------------------------- seeds and weights
dl0 xgb train -q --threads 1 --label y --rounds 4 --subsample 0.5 --seed 3 -o "$T/s3.json" "$REG"
dl0 xgb train -q --threads 1 --label y --rounds 4 --subsample 0.5 --seed 3 -o "$T/s3b.json" "$REG"
same "$T/s3.json" "$T/s3b.json"
dl0 xgb train -q --threads 1 --label y --rounds 4 --subsample 0.5 --seed 4 -o "$T/s4.json" "$REG"
cmp -s "$T/s3.json" "$T/s4.json" && fail "--seed: another seed, the same subsamples"
# a weight column is not a feature; weights of 1 change nothing
awk -F, 'NR == 1 { print $0 ",w"; next } { print $0 ",1" }' "$T/tr.csv" >"$T/w1.csv"
dl0 xgb train -q --threads 1 --objective binary:logistic --rounds 3 --weight w -o "$T/w1.json" \
	"$T/w1.csv"
grep -q '"features": \["x1", "x2", "x3"\]' "$T/w1.json" || fail "--weight: w is a feature"
dl0 xgb predict -m "$T/w1.json" --weight w "$T/w1.csv" >"$T/w1.pred"
dl0 xgb train -q --threads 1 --objective binary:logistic --rounds 3 -o "$T/w0.json" "$T/tr.csv"
dl0 xgb predict -m "$T/w0.json" "$T/tr.csv" | same - "$T/w1.pred"

# ---------------------------------------------------------------- cross-validation
# a line per round, mean+std over the folds; the same seed deals the same folds
dl0 xgb cv --threads 1 --folds 3 --rounds 4 --objective binary:logistic --metric auc \
	--metric logloss "$BIN" >"$T/cv"
[ "$(lines "$T/cv")" = 4 ] || fail "cv: 4 rounds"
grep -Evq '^\[[0-3]\]	test-auc:0\.[0-9]+\+[0-9.e-]+	test-logloss:[0-9.]+\+[0-9.e-]+$' "$T/cv" &&
	fail "cv: a line not [R]<TAB>test-auc:MEAN+STD<TAB>test-logloss:MEAN+STD"
dl0 xgb cv --threads 1 --folds 3 --rounds 4 --objective binary:logistic --metric auc \
	--metric logloss "$BIN" | same - "$T/cv"

# ---------------------------------------------------------------- help
for c in train predict eval dump importance cv; do
	expect_status 0 dl0 xgb $c --help
	grep -q "^Usage: dl-xgb $c" "$T/out" || fail "$c --help"
done
expect_status 0 dl0 xgb --help
grep -q '^Usage: dl-xgb COMMAND' "$T/out" || fail "--help"
expect_status 0 dl0 xgb --version
grep -q '^dl-xgb (dl) ' "$T/out" || fail "--version"
