# bench/features — the dl-features benchmark (see bench/README.md); not built, only
# distributed.
EXTRA_DIST += \
	bench/features/make-data.sh \
	bench/features/spec.json \
	bench/features/spec-rolling.json \
	bench/features/baseline.py \
	bench/features/run
