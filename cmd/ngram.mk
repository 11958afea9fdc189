# cmd/ngram.mk — the dl-ngram binary (n-gram language models).
bin_PROGRAMS += dl-ngram
dl_ngram_SOURCES = cmd/dl-ngram.c
dl_ngram_LDADD = $(DLNGRAM_LIBS)
