# bench/w2v — the dl-w2v benchmark (see bench/README.md); not built, only distributed.
EXTRA_DIST += \
	bench/w2v/make-corpus.sh \
	bench/w2v/setup-peers.sh \
	bench/w2v/gensim-train.py \
	bench/w2v/evaluate.py \
	bench/w2v/run
