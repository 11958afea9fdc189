# lib/ngram — n-gram language models: vocabulary and corpus, counting and modified
# Kneser-Ney estimation, ARPA, the query model and its binary file, hashed n-gram features.
noinst_LIBRARIES += lib/libdlngram.a
lib_libdlngram_a_SOURCES = \
	lib/ngram/vocab.c lib/ngram/vocab.h \
	lib/ngram/corpus.c lib/ngram/corpus.h \
	lib/ngram/sort.c lib/ngram/sort.h \
	lib/ngram/count.c lib/ngram/count.h \
	lib/ngram/estimate.c lib/ngram/estimate.h \
	lib/ngram/arpa.c lib/ngram/arpa.h \
	lib/ngram/model.c lib/ngram/model.h \
	lib/ngram/binary.c lib/ngram/binary.h \
	lib/ngram/features.c lib/ngram/features.h
DLNGRAM_LIBS = lib/libdlngram.a $(DLRECORD_LIBS) -lm
