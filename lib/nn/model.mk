# lib/nn: models built from a spec (MLP, GPT), their checkpoints, and their tests.
lib_libdlnn_a_SOURCES += lib/nn/model.h lib/nn/spec.c lib/nn/model.c lib/nn/checkpoint.c \
	lib/nn/data.h lib/nn/data.c

if HAVE_CHECK
check_PROGRAMS += tests/check_nn_model
TESTS += tests/check_nn_model
endif
tests_check_nn_model_SOURCES = tests/check_nn_model.c tests/testutil.c tests/testutil.h
tests_check_nn_model_CFLAGS = $(TEST_CFLAGS)
tests_check_nn_model_LDADD = $(DLNN_LIBS) $(TEST_LIBS) -lm
