# fuzz target of lib/w2v's corpus and vocabulary readers.
FUZZ_TARGETS += fuzz/fuzz_w2v_corpus
fuzz_fuzz_w2v_corpus_SOURCES = fuzz/fuzz_w2v_corpus.c
fuzz_fuzz_w2v_corpus_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_w2v_corpus_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_w2v_corpus_LDADD = $(DLW2V_LIBS) $(DLW2V_EXTRA_LIBS)
EXTRA_DIST += fuzz/corpus/w2v_corpus/text fuzz/corpus/w2v_corpus/records \
	fuzz/corpus/w2v_corpus/vocab
