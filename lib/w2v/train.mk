# lib/w2v training: vocabulary and corpus, Huffman codes, the training kernels.
lib_libdlw2v_a_SOURCES += lib/w2v/train.c lib/w2v/corpus.c lib/w2v/corpus.h \
	lib/w2v/kernels.c lib/w2v/kernels.h
