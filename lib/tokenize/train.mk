# lib/tokenize: piece counting and BPE training.
lib_libdltokenize_a_SOURCES += \
	lib/tokenize/count.c \
	lib/tokenize/train.c

if HAVE_CHECK
check_PROGRAMS += tests/check_bpe_train
TESTS += tests/check_bpe_train
endif
tests_check_bpe_train_SOURCES = tests/check_bpe_train.c tests/testutil.c tests/testutil.h
tests_check_bpe_train_CFLAGS = $(TEST_CFLAGS)
tests_check_bpe_train_LDADD = $(DLTOKENIZE_LIBS) $(TEST_LIBS)
