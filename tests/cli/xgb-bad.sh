# dl-xgb on bad command lines and bad input: usage errors exit 2 with "dl-xgb: ..." and
# "Try 'dl-xgb --help'"; bad data and bad models exit 1 with one line that names the file
# and the line, row, tree or feature; a failed run leaves nothing at -o; unknown
# parameters are warned about (and the warning silenced by --quiet). Runs under valgrind
# too: the calls through dl are wrapped, the many quick usage errors (dl0) are not.
D=$DATA/xgb
BIN=$D/cli-bin.csv
MUL=$D/cli-multi.csv
O=$T/out.json

dl0() {
	_n=$1; shift
	"$DL_BUILD/dl-$_n" "$@"
}
# one_line: the message is one line that starts with the program name (valgrind's own
# notes, lines that start with ==PID==, aside: a thread pool that is live when the program
# dies on bad data is "possibly lost" to it)
one_line() {
	[ "$(grep -cv '^==[0-9]*==' "$T/err")" -eq 1 ] ||
		{ cat "$T/err" >&2; fail "want one line on stderr"; }
	grep -q '^dl-xgb: ' "$T/err" || fail "the message lacks the program name"
}
no_output() {
	[ ! -e "$O" ] || fail "a failed run left $O behind"
	ls "$T" | grep -q '\.tmp' && fail "a failed run left a temporary file" || true
}

# ---------------------------------------------------------------- usage errors: exit 2
usage() {  # ARGS... (then the message in $T/err is checked by the caller)
	expect_status 2 dl0 xgb "$@"
	expect_err "Try 'dl-xgb --help'"
	grep -q '^dl-xgb: ' "$T/err" || fail "usage: the message lacks the program name"
	no_output
}
usage
expect_err 'give a command'
usage frobnicate
expect_err "'frobnicate' is not a command"
usage train
expect_err 'train: no training file given'
usage train "$BIN"
expect_err 'no model file given (-o MODEL.json)'
usage train -o "$O" "$BIN" "$MUL"
expect_err 'train: one training file, got 2'
usage train -o "$O" --bogus "$BIN"
expect_err "unknown option '--bogus'"
usage train -o "$O" --margin "$BIN"
expect_err 'train: --margin does not apply to this command'
usage predict --rounds 3 "$BIN"
expect_err 'predict: --rounds does not apply to this command'
usage train -o "$O" --eta 2 "$BIN"
expect_err 'eta must be in [0, 1] (got 2)'
usage train -o "$O" --eta x "$BIN"
expect_err "eta: 'x' is not a number"
usage train -o "$O" --param eta "$BIN"
expect_err "--param: 'eta' is not KEY=VALUE"
usage train -o "$O" --param max_depth=abc "$BIN"
expect_err "max_depth: 'abc' is not an integer"
usage train -o "$O" --param max_depth=-1 "$BIN"
expect_err 'max_depth must be in [0, 64] (got -1)'
usage train -o "$O" --max-depth 0 "$BIN"
expect_err 'max_depth 0 (no limit) needs grow_policy=lossguide'
usage train -o "$O" --subsample 0 "$BIN"
expect_err 'subsample must be in (0, 1] (got 0)'
usage train -o "$O" --param colsample_bytree=1.5 "$BIN"
expect_err 'colsample_bytree must be in [0, 1] (got 1.5)'
usage train -o "$O" --param lambda=-1 "$BIN"
expect_err 'lambda must be at least 0 (got -1)'
usage train -o "$O" --max-bin 1 "$BIN"
expect_err 'max_bin must be in [2, 256] (got 1)'
usage train -o "$O" --rounds -1 "$BIN"
expect_err 'num_round must be in [0, 1073741824] (got -1)'
usage train -o "$O" --objective foo "$BIN"
expect_err "objective: 'foo' is not supported"
usage train -o "$O" --objective multi:softprob "$MUL"
expect_err 'objective multi:softprob needs num_class >= 2'
usage train -o "$O" --num-class 3 "$BIN"
expect_err 'num_class is only for multi:softprob and multi:softmax'
usage train -o "$O" --objective binary:logistic --param base_score=2 "$BIN"
expect_err 'base_score must be in (0, 1) for a logistic objective (got 2)'
usage train -o "$O" --metric foo "$BIN"
expect_err "--metric: 'foo' is not a known metric"
usage train -o "$O" --param eval_metric=foo "$BIN"
expect_err "eval_metric: 'foo' is not a known metric"
usage train -o "$O" --param 'monotone_constraints=(2,0)' "$BIN"
expect_err "monotone_constraints: '(2,0)' is not a list of -1, 0 and 1"
usage train -o "$O" --param grow_policy=foo "$BIN"
expect_err "grow_policy: 'foo' is not depthwise or lossguide"
usage train -o "$O" --param booster=dart "$BIN"
expect_err "booster: only gbtree is supported (got 'dart')"
usage train -o "$O" --param tree_method=exact "$BIN"
expect_err "tree_method: 'exact' is not supported"
usage train -o "$O" --param 'interaction_constraints=[[0,1]]' "$BIN"
expect_err 'interaction_constraints are not supported'
usage train -o "$O" --threads 0 "$BIN"
expect_err '--threads: 0 is out of range'
usage train -o "$O" --input-format xml "$BIN"
expect_err "--input-format: 'xml' is not auto, csv, libsvm or records"
usage train -o "$O" --label nosuch "$BIN"
expect_err "cli-bin.csv:1: the data has no column 'nosuch' (the label)"
usage predict "$BIN"
expect_err 'no model given (-m MODEL.json)'
# a model for the rest
dl0 xgb train -q --threads 1 --objective binary:logistic --rounds 4 -o "$T/bin.json" "$BIN"
M=$T/bin.json
usage predict -m "$M" --format xml "$BIN"
expect_err "--format: 'xml' is not tsv, jsonl or records"
usage predict -m "$M" --margin --leaf "$BIN"
expect_err 'predict: --margin, --leaf and --contrib exclude each other'
usage predict -m "$M" "$BIN" "$BIN"
expect_err 'predict: one data file, got 2'
usage predict -m "$M" --iterations 0 "$BIN"
expect_err '--iterations: 0 is out of range'
usage eval -m "$M" --metric nope "$BIN"
expect_err "--metric: 'nope' is not a known metric"
usage importance -m "$M" --type foo
expect_err "--type: 'foo' is not weight, gain, cover, total_gain or total_cover"
usage importance -m "$M" extra
expect_err "importance: unexpected argument 'extra'"
usage dump -m "$M" extra
expect_err "dump: unexpected argument 'extra'"
usage cv --folds 1 "$BIN"
expect_err '--folds: 1 is out of range'

# ---------------------------------------------------------------- configuration files
cd "$T"
head -n 100 "$BIN" >tr.csv
printf 'objective = binary:logistic\nnum_round = 2\n' >nodata.conf
usage train nodata.conf
expect_err "nodata.conf: no 'data = FILE' to train on"
printf 'data = tr.csv\ntask = eval\n' >task.conf
usage train task.conf
expect_err "task.conf: task 'eval' is not train, pred or dump"
usage train task.conf task=pred
expect_err 'task.conf: task = pred needs model_in and test:data'
usage train task.conf task=dump
expect_err 'task.conf: task = dump needs model_in'
usage train task.conf task=train oops
expect_err "train: 'oops' is not KEY=VALUE (after a configuration file)"
usage train task.conf task=train 'data=tr.csv?format=parquet'
expect_err 'only ?format=libsvm and ?format=csv are read'
usage train task.conf task=train eta=5
expect_err 'eta must be in [0, 1] (got 5)'
printf 'data = tr.csv\nnum_round = 1\nthis line is wrong\n' >badline.conf
expect_status 1 dl0 xgb train badline.conf
expect_err 'dl-xgb: badline.conf:3: not KEY = VALUE'
one_line
printf 'data = tr.csv\n = 3\n' >nokey.conf
expect_status 1 dl0 xgb train nokey.conf
expect_err "dl-xgb: nokey.conf:2: no key before '='"
# unsupported keys of XGBoost's CLI and unknown parameters: a warning, the run goes on
printf 'data = tr.csv\nnum_round = 1\nfoo_bar = 1\nsave_period = 2\nnthread = 1\n' >warn.conf
expect_status 0 dl xgb train warn.conf model_out=warn.json
expect_err "dl-xgb: warning: warn.conf:4: 'save_period' is not supported, ignored"
expect_err "dl-xgb: warning: warn.conf:3: parameter 'foo_bar' is not used"
[ -s warn.json ] || fail "conf: a warning stopped training"
# a bad value in the file names its line
printf 'data = tr.csv\nnum_round = 1\n\nmax_depth = x\n' >badval.conf
usage train badval.conf
expect_err "dl-xgb: badval.conf:4: max_depth: 'x' is not an integer"
printf 'data = nan.csv\nnum_round = 1\n' >nan.conf
printf 'x1,x2,label\n1,2,0\n3,4,nan\n' >nan.csv
expect_status 1 dl0 xgb train nan.conf
expect_err 'dl-xgb: nan.csv:3: label is NaN'
[ ! -e 0001.model ] || fail "conf: a failed run left 0001.model"
cd - >/dev/null

# unknown parameters on the command line: warned about, not fatal; --quiet silences them
expect_status 0 dl0 xgb train --threads 1 --rounds 1 --param frobnicate=1 -o "$T/w.json" "$BIN"
expect_err "dl-xgb: warning: parameter 'frobnicate' is not used"
expect_status 0 dl0 xgb train -q --threads 1 --rounds 1 --param frobnicate=1 -o "$T/w.json" "$BIN"
[ ! -s "$T/err" ] || fail "--quiet: a warning"
# XGBoost's names that have no effect here are accepted silently
expect_status 0 dl0 xgb train --threads 1 --rounds 1 --param verbosity=2 --param nthread=1 \
	--param tree_method=hist -o "$T/w.json" "$BIN"
grep -q warning "$T/err" && fail "accepted parameters warned about" || true

# ---------------------------------------------------------------- bad data: exit 1
# bad_train and bad_use run without valgrind unless called through vg (a few cases of
# each kind are enough)
V=dl0
vg() {
	V=dl
	"$@"
	V=dl0
}
bad_train() {  # FILE MESSAGE [OPTIONS...]
	_f=$1 _m=$2; shift 2
	expect_status 1 $V xgb train -q --threads 1 --rounds 2 -o "$O" "$@" "$_f"
	expect_err "$_m"
	one_line
	no_output
}
printf 'x1,x2,label\n1,2,0\n3,4,nan\n' >"$T/nan.csv"
vg bad_train "$T/nan.csv" "nan.csv:3: label is NaN"
printf 'x1,x2,label\n1,2,0\n3,4,1\n5,6,-inf\n' >"$T/inf.csv"
bad_train "$T/inf.csv" "inf.csv:4: label is infinite"
printf 'x1,x2,label\n1,2,0\n3,4,1\n5,6,3\n' >"$T/k3.csv"
vg bad_train "$T/k3.csv" "k3.csv:4: label 3 is outside [0, 3) (num_class 3)" \
	--objective multi:softprob --num-class 3
printf 'x1,x2,label\n1,2,0\n3,4,1.5\n' >"$T/half.csv"
bad_train "$T/half.csv" "half.csv:3: label 1.5 is outside [0, 2) (num_class 2)" \
	--objective multi:softmax --num-class 2
bad_train "$T/k3.csv" "k3.csv:4: label 3 is outside [0, 1] (objective binary:logistic)" \
	--objective binary:logistic
printf 'x1,x2,label\n1,2,1\n3,4,-1\n' >"$T/neg.csv"
bad_train "$T/neg.csv" "neg.csv:3: label -1 is outside [0, inf) (objective count:poisson)" \
	--objective count:poisson
printf '1 0:1\n# a comment\n3 0:2\n' >"$T/label.svm"
bad_train "$T/label.svm" "label.svm:3: label 3 is outside [0, 1] (objective binary:logistic)" \
	--objective binary:logistic
# a metric that does not fit the objective fails even when nothing would show it (-q and
# no --valid: the training metric is not computed)
vg bad_train "$BIN" "cli-bin.csv: metric 'merror' needs class probabilities" \
	--objective binary:logistic --metric merror
printf 'x1,x2,label\n1,2,0\n3,4,1\n5,0\n' >"$T/ragged.csv"
vg bad_train "$T/ragged.csv" "ragged.csv:4: row has 2 fields, the header has 3"
printf 'x1,x2,label\n1,2,0\n3,4,1,7\n' >"$T/long.csv"
bad_train "$T/long.csv" "long.csv:3: row has 4 fields, the header has 3"
printf 'x1,x2,label\n1,2,0\n3,abc,1\n' >"$T/text.csv"
vg bad_train "$T/text.csv" "text.csv:3: column 'x2': 'abc' is not a number"
: >"$T/empty.csv"
vg bad_train "$T/empty.csv" "empty.csv: empty input (no header)"
printf 'x1,x2,label\n' >"$T/header.csv"
bad_train "$T/header.csv" "header.csv: no rows after the header"
bad_train "$T/nonexistent.csv" "nonexistent.csv: No such file or directory"
printf 'x1,x2\n1,2\n' >"$T/nolabel.csv"
bad_train "$T/nolabel.csv" "nolabel.csv:1: the data has no label column (name one)"
bad_train "$BIN" "cli-bin.csv: monotone_constraints has 5 values for 3 features" \
	--param 'monotone_constraints=(1,0,0,1,1)'
# libsvm and records
printf '1 0:1 1:2\n0 0:x\n' >"$T/bad.svm"
vg bad_train "$T/bad.svm" "bad.svm:2: bad feature '0:x' (expected INDEX:VALUE)"
dl0 record from-csv -o "$T/bin.tfrecord" "$BIN"
head -c 300 "$T/bin.tfrecord" >"$T/cut.tfrecord"
expect_status 1 dl0 xgb train -q --rounds 1 -o "$O" "$T/cut.tfrecord"
expect_err "cut.tfrecord"
one_line
no_output
# an empty stdin
expect_status 1 dl0 xgb train -q --rounds 1 -o "$O" - </dev/null
expect_err "(stdin): empty input (no header)"
one_line
no_output

# predict and eval: the data must have the model's features, by name
bad_use() {  # MESSAGE COMMAND ARGS...
	_m=$1; shift
	expect_status 1 $V xgb "$@" -o "$O"
	expect_err "$_m"
	one_line
	no_output
}
printf 'x1,x2,x3,x9,label\n1,2,3,4,0\n' >"$T/extra.csv"
vg bad_use "extra.csv:1: column 'x9' is not a feature of the model" predict -m "$M" "$T/extra.csv"
printf 'x1,x2,label\n1,2,0\n' >"$T/lack.csv"
vg bad_use "lack.csv:1: feature 'x3' of the model is not in the data" predict -m "$M" "$T/lack.csv"
bad_use "lack.csv:1: feature 'x3' of the model is not in the data" eval -m "$M" "$T/lack.csv"
printf 'x1,x2,x3,label\n' >"$T/header3.csv"
bad_use "header3.csv: no rows after the header" predict -m "$M" "$T/header3.csv"
bad_use "empty.csv: empty input (no header)" predict -m "$M" "$T/empty.csv"
printf 'x1,x2,x3,label\n1,2,3,0\n1,2,3,nan\n' >"$T/nan3.csv"
vg bad_use "nan3.csv:3: label is NaN" eval -m "$M" "$T/nan3.csv"
printf 'x1,x2,x3,label\n1,2,3,0\n1,2,3,2\n' >"$T/two3.csv"
bad_use "two3.csv:3: label 2 is outside [0, 1] (objective binary:logistic)" eval -m "$M" "$T/two3.csv"
printf 'x1,x2,x3,label\n1,2,3,0\n1,2,3,1,1\n' >"$T/ragged3.csv"
bad_use "ragged3.csv:3: row has 5 fields, the header has 4" predict -m "$M" "$T/ragged3.csv"
vg bad_use "cli-bin.csv: metric 'mlogloss' needs class probabilities" \
	eval -m "$M" --metric mlogloss "$BIN"
# a label column in the data is ignored by predict
dl0 xgb predict -m "$M" "$T/nan3.csv" >"$T/out"
[ "$(wc -l <"$T/out")" -eq 2 ] || fail "predict: a NaN label is not ignored"

# ---------------------------------------------------------------- bad models: exit 1
bad_model() {  # FILE MESSAGE
	for c in "predict -m $1 $BIN" "eval -m $1 $BIN" "dump -m $1" "importance -m $1"; do
		# shellcheck disable=SC2086
		expect_status 1 dl0 xgb $c -o "$O"
		expect_err "$1: $2"
		one_line
		no_output
	done
}
head -c 300 "$M" >"$T/cut.json"
bad_model "$T/cut.json" 'not valid JSON (near byte'
: >"$T/empty.json"
bad_model "$T/empty.json" 'not valid JSON'
sed '0,/"left": \[[0-9]*,/s//"left": [99,/' "$M" >"$T/child.json"
bad_model "$T/child.json" 'tree 0: node 0: child 99 is out of range (the tree has'
sed '0,/"feature": \[[0-9]*,/s//"feature": [7,/' "$M" >"$T/feat.json"
bad_model "$T/feat.json" 'tree 0: node 0: feature 7 is out of range (3 features)'
sed 's/"num_class": 1/"num_class": 3/' "$M" >"$T/nclass.json"
bad_model "$T/nclass.json" '4 trees is not a multiple of num_class 3'
sed 's/"format": "dl-gbm"/"format": "other"/' "$M" >"$T/fmt.json"
bad_model "$T/fmt.json" 'not a dl-gbm model'
sed 's/"objective": "binary:logistic"/"objective": "binary:nothing"/' "$M" >"$T/obj.json"
bad_model "$T/obj.json" '"objective" is missing or unknown'
bad_model "$T/nonexistent.json" 'No such file or directory'
# XGBoost's own JSON is not read as ours (import converts it)
expect_status 1 dl xgb predict -m "$D/binary.model.json" "$D/binary.csv" -o "$O"
expect_err "binary.model.json: not a dl-gbm model"
one_line
no_output
# random bytes: an error, never a crash
head -c 3000 /dev/urandom >"$T/random.json"
expect_status 1 dl0 xgb predict -m "$T/random.json" "$BIN"
one_line
