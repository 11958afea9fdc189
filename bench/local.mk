# bench — benchmark scripts (see bench/README.md); not built, only distributed.
EXTRA_DIST += \
	bench/README.md \
	bench/run \
	bench/record/make-data.sh \
	bench/record/gen-jsonl.py \
	bench/record/peer.py \
	bench/record/tfexample.py \
	bench/record/run
