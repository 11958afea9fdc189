# lib/nn: optimizers (SGD, Adam, AdamW), gradient clipping and learning-rate schedules.
lib_libdlnn_a_SOURCES += lib/nn/optim.c

if HAVE_CHECK
check_PROGRAMS += tests/check_nn_optim
TESTS += tests/check_nn_optim
endif
tests_check_nn_optim_SOURCES = tests/check_nn_optim.c tests/testutil.c tests/testutil.h
tests_check_nn_optim_CFLAGS = $(TEST_CFLAGS)
tests_check_nn_optim_LDADD = $(DLNN_LIBS) $(TEST_LIBS)
EXTRA_DIST += tests/golden/nn/make-optim.py tests/data/nn/optim-golden.txt
