#!/bin/sh
# The demo pipeline of the README: CSV -> records -> verify, schema, shuffle, shards,
# JSON lines and back to CSV. Usage: sh tests/demo.sh BUILD_DIR (run by ./bootstrap demo
# and, as a test, by make check).
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
