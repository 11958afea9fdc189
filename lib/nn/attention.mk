# lib/nn: attention.
lib_libdlnn_a_SOURCES += lib/nn/attention.c

if HAVE_CHECK
check_PROGRAMS += tests/check_nn_attention
TESTS += tests/check_nn_attention
endif
tests_check_nn_attention_SOURCES = tests/check_nn_attention.c tests/testutil.c tests/testutil.h
tests_check_nn_attention_CFLAGS = $(TEST_CFLAGS)
tests_check_nn_attention_LDADD = $(DLNN_LIBS) $(TEST_LIBS)
