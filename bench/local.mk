# bench — benchmark scripts (see bench/README.md); not built, only distributed.
EXTRA_DIST += \
	bench/README.md \
	bench/run \
	bench/lib.sh \
	bench/record/make-data.sh \
	bench/record/gen-jsonl.py \
	bench/record/peer.py \
	bench/record/tfexample.py \
	bench/record/run \
	bench/tokenize/make-corpus.sh \
	bench/tokenize/setup-peers.sh \
	bench/tokenize/chunks.js \
	bench/tokenize/hf-train.js \
	bench/tokenize/hf-encode.js \
	bench/tokenize/tiktoken-encode.js \
	bench/tokenize/run
