# bench/ngram — the dl-ngram benchmark (see bench/README.md); not built, only distributed.
EXTRA_DIST += \
	bench/ngram/make-data.sh \
	bench/ngram/run
