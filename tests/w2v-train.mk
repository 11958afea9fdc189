# tests of lib/w2v's training: corpus, vocabulary, kernels and whole runs.
if HAVE_CHECK
check_PROGRAMS += tests/check_w2v_train
TESTS += tests/check_w2v_train
endif
tests_check_w2v_train_SOURCES = tests/check_w2v_train.c tests/testutil.c tests/testutil.h
tests_check_w2v_train_CFLAGS = $(TEST_CFLAGS)
tests_check_w2v_train_LDADD = $(DLW2V_LIBS) $(DLW2V_EXTRA_LIBS) $(TEST_LIBS)
