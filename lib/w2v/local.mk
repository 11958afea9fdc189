# lib/w2v — word2vec: vocabulary, corpus, training (train.mk) and word vectors, their file
# formats and their evaluation (vectors.mk).
noinst_LIBRARIES += lib/libdlw2v.a
lib_libdlw2v_a_SOURCES = lib/w2v/vectors.h lib/w2v/train.h
DLW2V_LIBS = lib/libdlw2v.a $(DLRECORD_LIBS) -lm

include lib/w2v/train.mk
include lib/w2v/vectors.mk
