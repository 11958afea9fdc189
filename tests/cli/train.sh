# dl-train end to end: an MLP on the digits learns as well as PyTorch does with the same
# settings; a resumed run (also one stopped by SIGINT) is bit for bit the run that was not
# stopped; a NaN loss stops the run and keeps the last checkpoint; --log, sample and summary
# say what they should; bad specs, checkpoints and data fail with one line naming the place.
# Every run is small (tiny models, few steps): the script also runs under valgrind.
D=$DATA/nn
TEXT=$DL_SRC/README.md
MLP='{"type":"mlp","layers":[64,128,10],"activation":"relu"}'
# A byte-level GPT small enough for valgrind, with dropout so that resuming must restore
# the dropout streams too.
GPT='{"type":"gpt","n_layer":1,"n_head":2,"n_embd":8,"block_size":8,"vocab_size":256,"dropout":0.1}'

# meta CKPT KEY: the value of KEY in the safetensors header's __metadata__.
meta() {
	_len=$(od -An -tu8 -N8 "$1" | tr -d ' ')
	head -c $((8 + _len)) "$1" | tail -c "$_len" | grep -o "\"$2\":\"[^\"]*\"" | cut -d'"' -f4
}

# json_field FILE KEY: a number of a one-line JSON object.
json_field() {
	sed -n "s/.*\"$2\":\([-0-9.e+]*\).*/\1/p" "$1"
}

# ---------------------------------------------------------------- the digits, against PyTorch
# tests/golden/nn/digits-torch.py trained the same MLP (AdamW, lr 1e-3, no weight decay,
# batch 32, 20 epochs, shuffled each epoch) with seeds 0, 1 and 2: our mean test accuracy must
# be within one point of its mean.
grep -q '^weight_decay 0.0$' "$D/digits-torch.txt" && grep -q '^epochs 20$' "$D/digits-torch.txt" &&
	grep -q '^batch 32$' "$D/digits-torch.txt" || fail "digits-torch.txt: other settings than tested"
# Under valgrind (DL_WRAP set) one short run checks the memory, not the accuracy.
seeds="0 1 2" epochs=20
[ -z "${DL_WRAP:-}" ] || seeds=0 epochs=2
for seed in $seeds; do
	dl train fit --model "$MLP" --data "$D/digits-train.csv" --lr 1e-3 --weight-decay 0 \
		--batch 32 --epochs $epochs --seed $seed --threads 1 -q -o "$T/digits.$seed" ||
		fail "fit digits, seed $seed"
	[ "$(meta "$T/digits.$seed" step)" = $((epochs * 43)) ] || fail "digits: epochs of 43 batches"
	dl train eval -m "$T/digits.$seed" --data "$D/digits-test.csv" --threads 1 \
		>"$T/eval.$seed" || fail "eval digits, seed $seed"
	grep -q '"rows":450}$' "$T/eval.$seed" || fail "eval: $(cat "$T/eval.$seed")"
	json_field "$T/eval.$seed" accuracy >>"$T/accs"
done
torch=$(sed -n 's/^accuracy.mean //p' "$D/digits-torch.txt")
[ -n "${DL_WRAP:-}" ] ||
	awk -v t="$torch" '{ s += $1 } END { m = s / NR; d = m - t; if (d < 0) d = -d;
	if (NR != 3 || d > 0.01) { printf "mean accuracy %.4f, torch %.4f\n", m, t; exit 1 } }' \
	"$T/accs" >&2 || fail "digits: accuracy is not within 0.01 of PyTorch's"
# predict: one class per row, right as often as eval says.
dl train predict -m "$T/digits.0" --data "$D/digits-test.csv" --threads 1 >"$T/pred" ||
	fail "predict digits"
[ "$(wc -l <"$T/pred")" -eq 450 ] || fail "predict: one line per row"
tail -n +2 "$D/digits-test.csv" | awk -F, '{ print $NF }' | paste -d ' ' "$T/pred" - |
	awk -v acc="$(json_field "$T/eval.0" accuracy)" '{ n++; ok += $1 == $2 }
	END { d = ok / n - acc; if (d < 0) d = -d; if (d > 1e-6) { print ok / n, acc; exit 1 } }' >&2 ||
	fail "predict: the fraction right differs from eval's accuracy"
dl train predict -m "$T/digits.0" --data "$D/digits-test.csv" --probs --threads 1 >"$T/probs" ||
	fail "predict --probs"
awk '{ s = 0; for (i = 2; i <= NF; i++) s += $i; if (NF != 11 || s < 0.999 || s > 1.001) exit 1 }' \
	"$T/probs" || fail "predict --probs: a class and 10 probabilities summing to 1"
awk '{ print $1 }' "$T/probs" | cmp -s - "$T/pred" || fail "predict --probs: other classes"
# Rows without the label (JSON lines): the same classes.
tail -n +2 "$D/digits-test.csv" | head -n 20 | awk -F, '{ printf "{"
	for (i = 1; i < NF; i++) printf "%s\"p%d\":%s", (i > 1 ? "," : ""), i - 1, $i; print "}" }' \
	>"$T/nolabel.jsonl"
dl train predict -m "$T/digits.0" --data "$T/nolabel.jsonl" --threads 1 >"$T/pred20" ||
	fail "predict rows without labels"
head -n 20 "$T/pred" | cmp -s - "$T/pred20" || fail "predict: other classes without the label"
# ... and CSV without the label column.
head -n 21 "$D/digits-test.csv" | cut -d, -f1-64 >"$T/nolabel.csv"
dl train predict -m "$T/digits.0" --data "$T/nolabel.csv" --threads 1 >"$T/pred20c" ||
	fail "predict a CSV without the label column"
cmp -s "$T/pred20" "$T/pred20c" || fail "predict: other classes from the CSV without labels"
# Inputs must be finite: a NaN cell is an error naming the line and the column.
{ head -n 2 "$D/digits-test.csv"; head -n 3 "$D/digits-test.csv" | tail -n 1 | sed 's/^[^,]*,/nan,/'; } >"$T/nan.csv"
expect_status 1 dl train eval -m "$T/digits.0" --data "$T/nan.csv"
expect_err "nan.csv:3: feature 'p0' value nan is not a finite float"

# ---------------------------------------------------------------- resume is bit-identical
# fit OUT STEPS [OPTIONS]: the small GPT on the README's bytes.
G_OPTS="--bytes --data $TEXT --threads 1 --batch 4 --lr 3e-3 --clip 0.5 --warmup 8"
fit() {
	_o=$1 _n=$2
	shift 2
	dl train fit --model "$GPT" $G_OPTS -q --steps "$_n" -o "$T/$_o" "$@" || fail "fit -o $_o $*"
}
resume() {
	_o=$1 _from=$2 _n=$3
	shift 3
	dl train fit --resume "$T/$_from" $G_OPTS -q --steps "$_n" -o "$T/$_o" "$@" ||
		fail "fit --resume $_from -o $_o $*"
}
# The warmup runs across the point where the run stops and resumes.
fit a 12
fit b 6
[ "$(meta "$T/b" step)" = 6 ] || fail "step of a 6-step checkpoint: $(meta "$T/b" step)"
resume c b 12
same "$T/a" "$T/c"
# ... with gradient accumulation, and with a constant schedule and plain Adam.
fit a2 12 --accum 2
fit b2 6 --accum 2
resume c2 b2 12 --accum 2
same "$T/a2" "$T/c2"
cmp -s "$T/a" "$T/a2" && fail "--accum 2 changed nothing"
fit a3 10 --optimizer adam --weight-decay 0.1
fit b3 3 --optimizer adam --weight-decay 0.1
resume c3 b3 10 --optimizer adam --weight-decay 0.1
same "$T/a3" "$T/c3"
# The MLP across an epoch boundary (43 batches an epoch): the shuffle of epoch 1 is the same.
MLPD='{"type":"mlp","layers":[64,16,10],"activation":"gelu","dropout":0.1}'
for n in 50 40; do
	dl train fit --model "$MLPD" --data "$D/digits-train.csv" --steps $n --threads 1 -q \
		-o "$T/m$n" || fail "fit mlp --steps $n"
done
dl train fit --resume "$T/m40" --data "$D/digits-train.csv" --steps 50 --threads 1 -q \
	-o "$T/m40-50" || fail "fit mlp --resume"
same "$T/m50" "$T/m40-50"
# Resuming needs a run that is not over yet, and the spec it was made with.
expect_status 1 dl train fit --resume "$T/a" $G_OPTS --steps 6 -o "$T/x"
expect_err "dl-train: $T/a is at step 12, past the 6 steps asked for"
GPT2=$(echo "$GPT" | sed 's/"n_embd":8/"n_embd":16/')
expect_status 1 dl train fit --resume "$T/b" --model "$GPT2" $G_OPTS --steps 12 -o "$T/x"
expect_err "dl-train: --model does not match the spec of $T/b ("
[ ! -e "$T/x" ] || fail "a checkpoint written after an error"

# ---------------------------------------------------------------- SIGINT
# A long run stopped by SIGINT once its log shows a step: exit 130, and a checkpoint of the
# steps done that summary and resume accept. The program itself is started in the
# background (not a shell function, whose subshell would ignore SIGINT).
${DL_WRAP:-} "$DL_BUILD/dl-train" fit --model "$GPT" $G_OPTS --steps 100000 --log "$T/int.log" \
	-o "$T/int" 2>"$T/int.err" &
pid=$!
i=0
until grep -q '"step":' "$T/int.log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 1200 ] || { kill $pid; fail "no step logged after 120 s"; }
	sleep 0.1
done
kill -INT $pid
st=0
wait $pid || st=$?
[ $st -eq 130 ] || { cat "$T/int.err" >&2; fail "SIGINT: exit status $st, want 130"; }
s=$(meta "$T/int" step)
[ -n "$s" ] && [ "$s" -gt 0 ] && [ "$s" -lt 100000 ] || fail "SIGINT: checkpoint at step '$s'"
grep -qx "interrupted: step $s saved to $T/int" "$T/int.err" ||
	{ cat "$T/int.err" >&2; fail "SIGINT: no message naming step $s"; }
grep -q "\"step\":$s," "$T/int.log" || fail "SIGINT: step $s is not in the log"
expect_status 0 dl train summary -m "$T/int"
grep -q '^total  *3000$' "$T/out" || fail "summary -m of the interrupted checkpoint"
resume int2 int $((s + 2))
[ "$(meta "$T/int2" step)" = $((s + 2)) ] || fail "resume after SIGINT: step"

# A cosine schedule runs over all the steps asked for, so a run can be stopped part way only
# by a signal. To stop it at a known point, its log is a pipe shrunk to one page that the
# test stops reading: the run blocks on it after some tens of steps, well before its 200.
# Resumed, it must end exactly where the run that was not stopped ends.
if command -v perl >/dev/null 2>&1; then
	C_OPTS="--schedule cosine --min-lr 1e-4"
	fit cos 200 $C_OPTS
	mkfifo "$T/fifo"
	exec 3<>"$T/fifo"
	perl -e 'fcntl(STDIN, 1031, 4096) or die "F_SETPIPE_SZ: $!\n"' <&3 ||
		fail "cannot shrink the pipe"
	${DL_WRAP:-} "$DL_BUILD/dl-train" fit --model "$GPT" $G_OPTS $C_OPTS --steps 200 \
		--log "$T/fifo" -o "$T/cos-int" 2>"$T/int.err" &
	pid=$!
	read -r line <&3
	case $line in '{"step":1,'*) ;; *) kill $pid; fail "first log line: $line" ;; esac
	kill -INT $pid
	# Drain the pipe until the run has closed it (no process to kill: the EXIT trap of a
	# subshell killed before it execs would remove $T).
	exec 4<"$T/fifo" 3<&-
	cat <&4 >/dev/null
	exec 4<&-
	st=0
	wait $pid || st=$?
	[ $st -eq 130 ] || { cat "$T/int.err" >&2; fail "SIGINT (cosine): exit status $st"; }
	s=$(meta "$T/cos-int" step)
	[ "$s" -gt 0 ] && [ "$s" -lt 200 ] || fail "SIGINT (cosine): checkpoint at step '$s'"
	resume cos-end cos-int 200 $C_OPTS
	same "$T/cos" "$T/cos-end"
else
	echo "perl missing: the resume of a cosine schedule stopped by SIGINT is not tested" >&2
fi

# ---------------------------------------------------------------- NaN
# A huge --lr: the loss turns NaN or infinite after a few steps; the run stops, names the
# step and keeps the checkpoint written by --save-every before it, as it was.
expect_status 1 dl train fit --model "$MLP" --data "$D/digits-train.csv" --lr 1e5 --steps 50 \
	--save-every 2 --threads 1 -q -o "$T/nan"
grep -Eqx "dl-train: loss is (NaN|infinite) at step [0-9]+; stopped \(the last checkpoint written \
is kept: $T/nan\)" "$T/err" || { cat "$T/err" >&2; fail "NaN: message"; }
n=$(sed 's/.* at step \([0-9]*\);.*/\1/' "$T/err")
kept=$(((n - 1) / 2 * 2))
[ $kept -gt 0 ] || fail "NaN at step $n, before the first checkpoint"
[ "$(meta "$T/nan" step)" = $kept ] || fail "NaN at step $n: the checkpoint of step $kept is not kept"
dl train fit --model "$MLP" --data "$D/digits-train.csv" --lr 1e5 --steps $kept --threads 1 -q \
	-o "$T/nan-ref" || fail "fit to step $kept"
same "$T/nan" "$T/nan-ref"
# Data too large for floats: NaN at the first step, nothing written.
M4='{"type":"mlp","layers":[4,8,3]}'
printf 'a,b,c,d,label\n3e38,3e38,3e38,3e38,0\n-3e38,3e38,-3e38,3e38,1\n' >"$T/huge.csv"
expect_status 1 dl train fit --model "$M4" --data "$T/huge.csv" --steps 3 -o "$T/huge"
expect_err "dl-train: loss is NaN at step 1; stopped (no checkpoint written)"
[ ! -e "$T/huge" ] || fail "NaN: a checkpoint written"
# Resumed on such data: the step counts on from the checkpoint, which stays as it was.
printf 'a,b,c,d,label\n1,2,3,4,0\n4,3,2,1,2\n' >"$T/small.csv"
dl train fit --model "$M4" --data "$T/small.csv" --steps 3 -q -o "$T/small" || fail "fit small.csv"
cp "$T/small" "$T/small.orig"
expect_status 1 dl train fit --resume "$T/small" --data "$T/huge.csv" --steps 5 -o "$T/small"
expect_err "dl-train: loss is NaN at step 4; stopped (the last checkpoint written is kept: $T/small)"
same "$T/small" "$T/small.orig"

# ---------------------------------------------------------------- --log
dl train fit --model "$MLP" --data "$D/digits-train.csv" --valid "$D/digits-test.csv" \
	--eval-every 2 --steps 5 --threads 1 --clip 1 -q --log "$T/log" -o "$T/l" || fail "fit --log"
for s in 1 2 3 4 5; do
	grep -Eq "^\{\"step\":$s,\"loss\":[0-9.e+-]+,\"lr\":0.001,\"grad_norm\":[0-9.e+-]+,\"samples_per_s\":" \
		"$T/log" || { cat "$T/log" >&2; fail "--log: no line of step $s"; }
done
# validation every 2 steps and at the end
grep -o '^{"step":[0-9]*,"val_loss":[0-9.e+-]*,"val_accuracy":[0-9.e+-]*}$' "$T/log" |
	cut -d, -f1 | tr '\n' ' ' >"$T/vsteps"
[ "$(cat "$T/vsteps")" = '{"step":2 {"step":4 {"step":5 ' ] || fail "--log: val lines: $(cat "$T/vsteps")"
[ "$(grep -c . "$T/log")" -eq 9 ] || fail "--log: 5 steps, 3 evaluations and the command"
tail -n 1 "$T/log" | grep -Eq '^\{"command":"fit","seconds":[0-9.]+\}$' || fail "--log: last line"
# GPT: val_loss only, and lr follows the warmup.
dl train fit --model "$GPT" $G_OPTS --valid "$TEXT" --eval-every 3 --eval-batches 2 --steps 3 -q \
	--log "$T/glog" -o "$T/g" || fail "fit gpt --log"
grep -q '^{"step":2,"loss":[0-9.e+-]*,"lr":0.00075,' "$T/glog" || fail "--log: lr in warmup"
grep -q '^{"step":3,"val_loss":[0-9.e+-]*}$' "$T/glog" || fail "--log: gpt val_loss"

# ---------------------------------------------------------------- sample
S="$T/g"
sample() { dl train sample -m "$S" "$@"; }
sample --prompt "Once upon" --tokens 40 >"$T/s1" || fail sample
[ "$(wc -c <"$T/s1")" -eq 50 ] || fail "sample: prompt + 40 bytes + newline: $(wc -c <"$T/s1")"
[ "$(head -c 9 "$T/s1")" = "Once upon" ] || fail "sample: does not start with the prompt"
[ "$(tail -c 1 "$T/s1" | od -An -c | tr -d ' ')" = '\n' ] || fail "sample: no final newline"
sample --prompt "Once upon" --tokens 40 >"$T/s2" || fail sample
same "$T/s1" "$T/s2"
sample --prompt "Once upon" --tokens 40 --seed 2 >"$T/s3" || fail "sample --seed 2"
cmp -s "$T/s1" "$T/s3" && fail "sample: --seed changes nothing"
sample --prompt "Once upon" --tokens 40 --temperature 0 >"$T/t1" || fail "sample --temperature 0"
sample --prompt "Once upon" --tokens 40 --temperature 0 --seed 9 >"$T/t2" ||
	fail "sample --temperature 0 --seed 9"
same "$T/t1" "$T/t2"
sample --prompt "Once upon" --tokens 40 --top-k 1 --seed 5 >"$T/k1" || fail "sample --top-k 1"
same "$T/t1" "$T/k1"
sample --tokens 0 --prompt abc >"$T/s0" || fail "sample --tokens 0"
[ "$(cat "$T/s0")" = abc ] && [ "$(wc -c <"$T/s0")" -eq 4 ] || fail "sample --tokens 0"
sample --tokens 5 -o "$T/so" || fail "sample -o"
[ "$(wc -c <"$T/so")" -eq 7 ] || fail "sample: the default prompt is a newline"
expect_status 2 sample --prompt ''
expect_err "dl-train: sample: the prompt encodes to no tokens"
expect_status 2 dl train sample -m "$T/l"
expect_err "dl-train: sample: $T/l is an mlp model; use 'dl-train predict'"
expect_status 2 dl train predict -m "$S" --data "$TEXT"
expect_err "dl-train: predict: $S is a gpt model; use 'dl-train sample'"
# With a tokenizer: a GPT over a 300-token BPE trained on the README.
dl tokenize train --vocab-size 300 --threads 1 -q -o "$T/tok.json" "$TEXT" || fail "tokenize train"
dl tokenize info -m "$T/tok.json" >"$T/info" || fail "tokenize info"
v=$(sed -n 's/^ids	0 to //p' "$T/info")
v=$((v + 1))
[ $v -eq 300 ] || fail "tokenizer of $v ids"
dl tokenize encode -m "$T/tok.json" --format records "$TEXT" -o "$T/tok.rec" || fail "tokenize encode"
GPTV=$(echo "$GPT" | sed "s/\"vocab_size\":256/\"vocab_size\":$v/")
dl train fit --model "$GPTV" --data "$T/tok.rec" --steps 3 --threads 1 -q -o "$T/gt" ||
	fail "fit on token records"
dl train eval -m "$T/gt" --data "$T/tok.rec" --threads 1 >"$T/ev" || fail "eval on token records"
grep -Eq '^\{"loss":[0-9.e+-]+,"perplexity":[0-9.e+-]+,"tokens":[0-9]+\}$' "$T/ev" ||
	fail "eval gpt: $(cat "$T/ev")"
for k in 1 2; do
	dl train sample -m "$T/gt" --tokenizer "$T/tok.json" --prompt "The toolkit" --tokens 20 \
		>"$T/ts$k" || fail "sample --tokenizer"
done
same "$T/ts1" "$T/ts2"
[ "$(head -c 11 "$T/ts1")" = "The toolkit" ] || fail "sample --tokenizer: the prompt first"
[ "$(wc -l <"$T/ts1")" -ge 1 ] && [ "$(wc -c <"$T/ts1")" -gt 12 ] || fail "sample --tokenizer: no text"
expect_status 2 dl train sample -m "$T/gt" --prompt x
expect_err "dl-train: sample: the model has 300 tokens, not bytes; give --tokenizer MODEL.json"
expect_status 1 dl train sample -m "$S" --tokenizer "$T/tok.json"
expect_err "dl-train: $T/tok.json: the tokenizer has ids up to 299, the model's vocab_size is 256"

# ---------------------------------------------------------------- summary
# PyTorch's counts (bench/train/torch-gpt.py's GPT: 842,496 parameters).
dl train summary --model '{"type":"gpt","n_layer":4,"n_head":4,"n_embd":128,"block_size":128,"vocab_size":256}' \
	>"$T/sum" || fail "summary gpt"
grep -q '^total  *842496$' "$T/sum" || fail "summary: the GPT's total"
grep -q '^transformer.h.3.attn.c_attn.weight  *\[384, 128\]  *49152$' "$T/sum" ||
	fail "summary: a GPT tensor"
grep -q '^training FLOPs per token: ' "$T/sum" || fail "summary: FLOPs"
dl train summary --model "$MLP" >"$T/sum" || fail "summary mlp"
grep -q '^total  *9610$' "$T/sum" || fail "summary: the MLP's total"
grep -q '^layers.0.weight  *\[128, 64\]  *8192$' "$T/sum" || fail "summary: an MLP tensor"
echo "$MLP" >"$T/spec.json"
dl train summary --model "$T/spec.json" -o "$T/sum2" || fail "summary of a spec file"
same "$T/sum" "$T/sum2"
dl train summary -m "$T/digits.0" >"$T/sum3" || fail "summary -m"
same "$T/sum" "$T/sum3"

# ---------------------------------------------------------------- bad input: exit 1
printf 'a,b,label\n1,2,0\n3,4,1\n' >"$T/two.csv"
M2='{"type":"mlp","layers":[2,2]}'
# specs
expect_status 1 dl train summary --model '{"type":"cnn"}'
expect_err "dl-train: --model: field 'type': unknown value 'cnn' (one of mlp, gpt)"
echo '{"type":"gpt","n_layer":1,"n_head":4,"n_embd":30,"block_size":8,"vocab_size":256}' >"$T/bad.json"
expect_status 1 dl train fit --model "$T/bad.json" --bytes --data "$TEXT" -o "$T/x"
expect_err "dl-train: $T/bad.json: field 'n_embd': 30 is not a multiple of n_head (4)"
expect_status 1 dl train summary --model "$T/nonexistent.json"
expect_err "dl-train: $T/nonexistent.json: No such file or directory"
# a checkpoint of another model
expect_status 1 dl train eval -m "$T/digits.0" --model '{"type":"mlp","layers":[64,64,10]}' \
	--data "$D/digits-test.csv"
expect_err "dl-train: $T/digits.0: tensor 'layers.0.weight' has shape [128, 64] but the spec needs [64, 64]"
expect_status 1 dl train eval -m "$S" --model "$GPT2" --bytes --data "$TEXT"
expect_err "dl-train: $S: tensor 'transformer.wte.weight' has shape [256, 8] but the spec needs [256, 16]"
# truncated checkpoints
len=$(od -An -tu8 -N8 "$S" | tr -d ' ')
size=$(wc -c <"$S")
head -c 5 "$S" >"$T/cut"
expect_status 1 dl train summary -m "$T/cut"
expect_err "dl-train: $T/cut: file of 5 bytes is too short to hold a header length (8 bytes)"
head -c 1000 "$S" >"$T/cut"
expect_status 1 dl train summary -m "$T/cut"
expect_err "dl-train: $T/cut: header length $len runs past the end of the file (1000 bytes)"
head -c $((size - 1)) "$S" >"$T/cut"
expect_status 1 dl train eval -m "$T/cut" --bytes --data "$TEXT"
expect_err "dl-train: $T/cut: tensor '"
expect_err "are not within the data ($((size - len - 9)) bytes)"
expect_status 1 dl train fit --resume "$T/cut" $G_OPTS --steps 20 -o "$T/x"
expect_err "are not within the data ($((size - len - 9)) bytes)"
[ ! -e "$T/x" ] || fail "a checkpoint written after an error"
# safetensors headers that lie, made by hand: plain weights of M2, loaded with --model.
le64() {
	_n=$1 _i=0
	while [ $_i -lt 8 ]; do
		printf "\\$(printf '%03o' $((_n % 256)))"
		_n=$((_n / 256)) _i=$((_i + 1))
	done
}
# st FILE DATA_BYTES TENSORS: a safetensors file of zero data
st() {
	_h="{$3}"
	{ le64 ${#_h}; printf '%s' "$_h"; head -c "$2" /dev/zero; } >"$1"
}
W='"layers.0.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}'
st "$T/p.st" 24 "$W"',"layers.0.bias":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}'
expect_status 0 dl train eval -m "$T/p.st" --model "$M2" --data "$T/two.csv"
[ "$(cat "$T/out")" = '{"loss":0.693147,"accuracy":0.5,"rows":2}' ] || fail "eval of zero weights"
expect_status 1 dl train eval -m "$T/p.st" --data "$T/two.csv"
expect_err "dl-train: $T/p.st: not a dl-train checkpoint (no \"format\": \"dl-train\" and \"spec\" in its metadata); give the model's spec to load plain weights"
st "$T/p.st" 16 "$W"',"layers.0.bias":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}'
expect_status 1 dl train eval -m "$T/p.st" --model "$M2" --data "$T/two.csv"
expect_err "dl-train: $T/p.st: tensor 'layers.0.bias': data_offsets [8, 16] overlap those of tensor 'layers.0.weight' [0, 16]"
st "$T/p.st" 20 "$W"',"layers.0.bias":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}'
expect_status 1 dl train eval -m "$T/p.st" --model "$M2" --data "$T/two.csv"
expect_err "dl-train: $T/p.st: tensor 'layers.0.bias': data_offsets [16, 24] are not within the data (20 bytes)"
st "$T/p.st" 20 "$W"',"layers.0.bias":{"dtype":"F32","shape":[2],"data_offsets":[16,20]}'
expect_status 1 dl train eval -m "$T/p.st" --model "$M2" --data "$T/two.csv"
expect_err "dl-train: $T/p.st: tensor 'layers.0.bias': data_offsets [16, 20] do not hold shape [2] of F32"
st "$T/p.st" 16 "$W"
expect_status 1 dl train eval -m "$T/p.st" --model "$M2" --data "$T/two.csv"
expect_err "dl-train: $T/p.st: tensor 'layers.0.bias' is missing (the spec needs shape [2])"
st "$T/p.st" 28 "$W"',"layers.0.bias":{"dtype":"F32","shape":[2],"data_offsets":[16,24]},"x":{"dtype":"F32","shape":[1],"data_offsets":[24,28]}'
expect_status 1 dl train eval -m "$T/p.st" --model "$M2" --data "$T/two.csv"
expect_err "dl-train: $T/p.st: tensor 'x' is not part of the model the spec describes"
# token ids beyond the vocabulary: in records, and in JSON lines
expect_status 1 dl train fit --model "$GPT" --data "$T/tok.rec" --steps 1 -o "$T/x"
expect_err "dl-train: $T/tok.rec: record 0: 'ids'["
expect_err "is not a token id below vocab_size 256"
printf '{"ids":[1,2,3,4,5,6,7,8,9,10]}\n{"ids":[1,2,300]}\n' >"$T/ids.jsonl"
dl record pack "$T/ids.jsonl" -o "$T/ids.rec" || fail "record pack"
expect_status 1 dl train fit --model "$GPTV" --data "$T/ids.rec" --steps 1 -o "$T/x"
expect_err "dl-train: $T/ids.rec: record 1: 'ids'[2] = 300 is not a token id below vocab_size 300"
expect_status 1 dl train fit --model "$GPTV" --data "$T/ids.jsonl" --steps 1 -o "$T/x"
expect_err "dl-train: $T/ids.jsonl:2: 'ids'[2] = 300 is not a token id below vocab_size 300"
head -c 8 "$TEXT" >"$T/short.txt"
expect_status 1 dl train fit --model "$GPT" --bytes --data "$T/short.txt" -o "$T/x"
expect_err "dl-train: $T/short.txt: 8 tokens; a window of block_size 8 needs at least 9"
# tables
printf 'a,b,label\n1,2,0\n3,4,1\n5,6\n' >"$T/bad.csv"
expect_status 1 dl train fit --model "$M2" --data "$T/bad.csv" -o "$T/x"
expect_err "dl-train: $T/bad.csv:4: row has 2 fields, the header has 3"
printf 'a,b,label\n1,2,0\n3,4,2\n' >"$T/bad.csv"
expect_status 1 dl train fit --model "$M2" --data "$T/bad.csv" -o "$T/x"
expect_err "dl-train: $T/bad.csv:3: label 'label' = 2 is not a class id in [0, 2)"
printf 'a,b,label\n1,2,0.5\n' >"$T/bad.csv"
expect_status 1 dl train fit --model "$M2" --data "$T/bad.csv" -o "$T/x"
expect_err "dl-train: $T/bad.csv:2: label 'label' = 0.5 is not a class id in [0, 2)"
printf 'a,b,c,label\n1,2,3,0\n' >"$T/bad.csv"
expect_status 1 dl train fit --model "$M2" --data "$T/bad.csv" -o "$T/x"
expect_err "dl-train: $T/bad.csv:2: 3 input values, the model takes 2 (every feature but the label 'label' is an input)"
printf 'a,b,label\n1,x,0\n' >"$T/bad.csv"
expect_status 1 dl train fit --model "$M2" --data "$T/bad.csv" -o "$T/x"
expect_err "dl-train: $T/bad.csv:2: feature 'b' holds bytes; inputs must be numbers"
printf 'a,b\n1,2\n' >"$T/bad.csv"
expect_status 1 dl train fit --model "$M2" --data "$T/bad.csv" -o "$T/x"
expect_err "dl-train: $T/bad.csv: the header has no column 'label' (named by --label)"
expect_status 1 dl train eval -m "$T/digits.0" --data "$T/bad.csv"
expect_err "dl-train: $T/bad.csv: the header has no column 'label' (named by --label)"
[ ! -e "$T/x" ] || fail "a checkpoint written after an error"

# ---------------------------------------------------------------- usage: exit 2
expect_status 2 dl train bogus
expect_err "dl-train: 'bogus' is not a command"
expect_status 2 dl train fit --model "$M2" --data "$T/two.csv" --steps 1 --epochs 1 -o "$T/x"
expect_err "dl-train: fit: give --steps or --epochs, not both"
expect_status 2 dl train sample -m "$S" --lr 1
expect_err "dl-train: sample: --lr does not apply to this command"
expect_status 2 dl train fit --model "$M2" --data "$T/two.csv"
expect_err "dl-train: fit: give the checkpoint to write with -o CKPT"
expect_status 2 dl train fit --model "$M2" -o "$T/x"
expect_err "dl-train: fit: give the training data with --data FILE"
expect_status 2 dl train fit --data "$T/two.csv" -o "$T/x"
expect_err "dl-train: fit: give the model with --model SPEC.json (or --resume CKPT)"
expect_status 2 dl train fit --model "$M2" --data "$T/two.csv" -o "$T/x" "$T/two.csv"
expect_err "dl-train: fit: unexpected argument '$T/two.csv' (data is given with --data FILE)"
expect_status 2 dl train fit --model "$M2" --data "$T/two.csv" --bytes -o "$T/x"
expect_err "dl-train: --bytes applies to gpt models"
expect_status 2 dl train fit --model "$M2" --data "$T/two.csv" --schedule step -o "$T/x"
expect_err "dl-train: --schedule: 'step' is not constant, cosine or linear"
expect_status 2 dl train fit --model "$M2" --data "$T/two.csv" --lr 1e30 -o "$T/x"
expect_err "dl-train: --lr: "
expect_status 2 dl train eval --data "$T/two.csv"
expect_err "dl-train: eval: give the checkpoint with -m CKPT"
[ ! -e "$T/x" ] || fail "a checkpoint written after a usage error"
expect_status 0 dl train fit --help
grep -q '^Usage: dl-train fit ' "$T/out" || fail "fit --help"
