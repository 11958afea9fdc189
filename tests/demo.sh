#!/bin/sh
# The demo pipeline of the README: CSV -> records -> verify, schema, shuffle, shards,
# JSON lines and back to CSV; a tokenizer; word vectors; an n-gram language model; boosted
# trees, a random forest and Friedman's boosting; feature columns feeding a booster; a
# character GPT.
# Usage: sh tests/demo.sh BUILD_DIR (run by ./bootstrap demo and, as a test, by make check).
set -eu
build=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
work=${DEMO_DIR:-$build/demo}
PATH=$build:$PATH
mkdir -p "$work"
cd "$work"

run() {
	printf '\n$ %s\n' "$*"
	sh -c "$*"
}

run "dl-record from-csv $src/tests/data/iris.csv --label species -o iris.tfrecord"
run "dl-record verify iris.tfrecord"
run "dl-record schema iris.tfrecord"
run "dl-record shuffle --seed 7 iris.tfrecord -o shuffled.tfrecord"
run "dl-record split -n 5 --contiguous shuffled.tfrecord -o shard"
run "dl-record count shard-0000[0-4]-of-00005"
run "dl-record head -n 3 shard-00000-of-00005 | dl-record cat"
run "dl-record to-csv shard-00001-of-00005 | head -n 4"
run "dl-record cat iris.tfrecord | dl-record pack --compress gzip -o iris.tfrecord.gz"
run "dl-record cat iris.tfrecord.gz | dl-record pack | cmp - iris.tfrecord && echo 'JSON lines round trip: identical records'"
run "dl-record to-csv iris.tfrecord | dl-record from-csv --label species | cmp - iris.tfrecord && echo 'CSV round trip: identical records'"

# Tokenizing: learn a byte-level BPE vocabulary from this project's own documentation, encode
# the README into records (one per line) and decode it back; then GPT-2's vocabulary.
run "dl-tokenize train --vocab-size 1000 --special '<|endoftext|>' -q -o docs-bpe.json $src/README.md $src/man/*.[157]"
run "dl-tokenize info -m docs-bpe.json"
run "dl-tokenize encode -m docs-bpe.json --lines --allowed-special all --format records -o readme.tfrecord $src/README.md"
run "dl-record count readme.tfrecord"
run "dl-record head -n 2 readme.tfrecord | dl-record cat"
run "dl-tokenize decode -m docs-bpe.json --lines --format records readme.tfrecord | cmp - $src/README.md && echo 'tokenizer round trip: identical text'"
run "dl-tokenize convert --from gpt2 $src/tests/data/tokenize/gpt2-encoder.json.gz $src/tests/data/tokenize/gpt2-vocab.bpe.gz -o gpt2.json"
run "printf 'Hello, world!' | dl-tokenize encode -m gpt2.json"

# A character-level GPT: four Transformer blocks trained on the bytes of the King James Bible
# (Debian's bible-kjv; this project's documentation when it is not installed) for about a
# minute (DEMO_GPT_STEPS, default 400), then a sample. The tests run it with a few steps.
steps=${DEMO_GPT_STEPS:-400}
if command -v bible >/dev/null 2>&1; then
	run "bible -f gen1:1-rev22:21 > corpus.txt && wc -c corpus.txt"
else
	run "cat $src/README.md $src/man/*.[157] > corpus.txt && wc -c corpus.txt"
fi

# Word vectors: skip-gram with negative sampling on the same text, lower-cased and cut into
# words, then the nearest neighbours of a few words (DEMO_W2V_EPOCHS, default 5).
run "tr A-Z a-z < corpus.txt | tr -cs 'a-z\\n' ' ' > words.txt && wc -w words.txt"
run "dl-w2v train --dim 50 --epochs ${DEMO_W2V_EPOCHS:-5} --sample 1e-4 -q -o words.bin words.txt"
if command -v bible >/dev/null 2>&1; then
	run "dl-w2v similar -m words.bin -k 5 god gold egypt"
else
	run "dl-w2v similar -m words.bin -k 5 record model file"
fi

# An n-gram language model: a 3-gram model (interpolated modified Kneser-Ney, as KenLM's
# lmplz estimates it) on the same words, a line a sentence; a sentence scores a higher log10
# probability than the same words in reverse order.
if command -v bible >/dev/null 2>&1; then
	sentence='the people went up to the house of the lord'
else
	sentence='the model is written to a file'
fi
reversed=$(printf '%s\n' $sentence | awk '{ w[NR] = $0 } END { for (i = NR; i >= 1; i--) printf "%s%s", w[i], (i > 1 ? " " : "\n") }')
printf '%s\n%s\n' "$sentence" "$reversed" >sentences.txt
run "dl-ngram train --order 3 -q -o words.arpa words.txt"
run "dl-ngram score -m words.arpa sentences.txt | paste - sentences.txt"
run "dl-ngram ppl -m words.arpa sentences.txt"

# Gradient boosting: breast-cancer diagnosis (the Wisconsin data as scikit-learn ships it,
# bundled for the tests), 50 rounds with the held-out AUC shown every tenth round, then
# predictions (the probability of class 1), metrics and the most important features.
xgbdata=$src/tests/data/xgb
run "dl-xgb train $xgbdata/exact-cancer-train.csv --valid $xgbdata/exact-cancer-test.csv --objective binary:logistic --metric auc --eta 0.1 --max-depth 4 --rounds 50 -o cancer.json 2>&1 | awk 'NR % 10 == 0'"
run "dl-xgb predict -m cancer.json $xgbdata/exact-cancer-test.csv | head -n 3"
run "dl-xgb eval -m cancer.json $xgbdata/exact-cancer-test.csv --metric auc --metric error"
run "dl-xgb importance -m cancer.json --type gain | head -n 5"

# The same data, a random forest (its out-of-bag error printed after training) and
# Friedman's gradient boosting with the logistic loss, each scored on the held-out rows.
run "dl-rf train $xgbdata/exact-cancer-train.csv --trees 200 -o cancer-rf.json"
run "dl-rf eval -m cancer-rf.json $xgbdata/exact-cancer-test.csv"
run "dl-gbdt train $xgbdata/exact-cancer-train.csv --loss logistic --n-estimators 100 -q -o cancer-gbdt.json"
run "dl-gbdt eval -m cancer-gbdt.json $xgbdata/exact-cancer-test.csv --metric auc --metric error"

# Feature columns: a spec (z-scored and raw measurements, quantile buckets of the petal
# width, the species as a vocabulary id) fitted on the iris CSV, then applied as a stream
# of records straight into five-fold cross-validation of a 3-class booster.
run "cat $src/tests/data/features/iris-spec.json"
run "dl-features fit --spec $src/tests/data/features/iris-spec.json $src/tests/data/iris.csv -o iris-features.json"
run "dl-features describe -m iris-features.json"
run "dl-features apply -m iris-features.json --format jsonl $src/tests/data/iris.csv | head -n 2"
run "dl-features apply -m iris-features.json $src/tests/data/iris.csv | dl-xgb cv --folds 5 --objective multi:softprob --num-class 3 --rounds 20 --metric merror - 2>&1 | tail -n 1"

cat >gpt.json <<'SPEC'
{"type": "gpt", "n_layer": 4, "n_head": 4, "n_embd": 128, "block_size": 128, "vocab_size": 256}
SPEC
run "dl-train summary --model gpt.json --batch 16 | tail -n 6"
run "dl-train fit --model gpt.json --bytes --data corpus.txt --steps $steps --batch 16 --lr 2e-3 --schedule cosine --warmup 20 --min-lr 2e-4 --weight-decay 0.1 --clip 1 -o gpt.safetensors"
run "dl-train sample -m gpt.safetensors --prompt 'And God said' --tokens 200 --temperature 0.8 --top-k 40"
