# fuzz/ngram.mk — libFuzzer targets of lib/ngram: the ARPA reader and query model
# (fuzz_ngram_arpa), the binary model loader (fuzz_ngram_binary), the corpus reader with
# the estimator (fuzz_ngram_train). Seeds in fuzz/corpus/ngram_*; fuzz/corpus/ngram_binary
# is made by fuzz/corpus/make-ngram-seeds.sh.
FUZZ_TARGETS += fuzz/fuzz_ngram_arpa fuzz/fuzz_ngram_binary fuzz/fuzz_ngram_train

fuzz_fuzz_ngram_arpa_SOURCES = fuzz/fuzz_ngram_arpa.c
fuzz_fuzz_ngram_arpa_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_ngram_arpa_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_ngram_arpa_LDADD = $(DLNGRAM_LIBS)

fuzz_fuzz_ngram_binary_SOURCES = fuzz/fuzz_ngram_binary.c
fuzz_fuzz_ngram_binary_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_ngram_binary_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_ngram_binary_LDADD = $(DLNGRAM_LIBS)

fuzz_fuzz_ngram_train_SOURCES = fuzz/fuzz_ngram_train.c
fuzz_fuzz_ngram_train_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_ngram_train_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_ngram_train_LDADD = $(DLNGRAM_LIBS)

EXTRA_DIST += fuzz/corpus/make-ngram-seeds.sh \
	fuzz/corpus/ngram_arpa/bad-count \
	fuzz/corpus/ngram_arpa/small \
	fuzz/corpus/ngram_arpa/toy2 \
	fuzz/corpus/ngram_arpa/toy3 \
	fuzz/corpus/ngram_binary/cut \
	fuzz/corpus/ngram_binary/small \
	fuzz/corpus/ngram_binary/toy2 \
	fuzz/corpus/ngram_train/test-o3 \
	fuzz/corpus/ngram_train/tiny-o2 \
	fuzz/corpus/ngram_train/toy-o4
