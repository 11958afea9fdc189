# fuzz — libFuzzer targets of lib/w2v: the word-vector reader (fuzz_vectors) and the
# evaluation-file readers with their evaluations (fuzz_w2v_eval). Seeds are made by
# fuzz/corpus/make-w2v-corpus.py.
FUZZ_TARGETS += fuzz/fuzz_vectors fuzz/fuzz_w2v_eval


fuzz_fuzz_vectors_SOURCES = fuzz/fuzz_vectors.c
fuzz_fuzz_vectors_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_vectors_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_vectors_LDADD = $(DLW2V_LIBS) $(DLW2V_EXTRA_LIBS)

fuzz_fuzz_w2v_eval_SOURCES = fuzz/fuzz_w2v_eval.c
fuzz_fuzz_w2v_eval_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_w2v_eval_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_w2v_eval_LDADD = $(DLW2V_LIBS) $(DLW2V_EXTRA_LIBS)

EXTRA_DIST += fuzz/corpus/make-w2v-corpus.py \
	fuzz/corpus/vectors/bad-cut \
	fuzz/corpus/vectors/bad-header \
	fuzz/corpus/vectors/bad-lie \
	fuzz/corpus/vectors/bad-row \
	fuzz/corpus/vectors/bad-st \
	fuzz/corpus/vectors/bin-gensim \
	fuzz/corpus/vectors/bin-w2vc \
	fuzz/corpus/vectors/safetensors \
	fuzz/corpus/vectors/safetensors-nocounts \
	fuzz/corpus/vectors/text \
	fuzz/corpus/vectors/text-crlf
EXTRA_DIST += \
	fuzz/corpus/w2v_eval/analogies \
	fuzz/corpus/w2v_eval/analogies-bad \
	fuzz/corpus/w2v_eval/analogies-crlf \
	fuzz/corpus/w2v_eval/analogies-restrict \
	fuzz/corpus/w2v_eval/pairs \
	fuzz/corpus/w2v_eval/pairs-bad \
	fuzz/corpus/w2v_eval/pairs-csv \
	fuzz/corpus/w2v_eval/pairs-restrict \
	fuzz/corpus/w2v_eval/pairs-simlex
