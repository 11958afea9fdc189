# lib/nn: layers — Linear, Embedding, Dropout (layers.c), LayerNorm and RMSNorm (norm.c),
# activations and SwiGLU (act.c), losses (loss.c). Attention has its own fragment.
lib_libdlnn_a_SOURCES += lib/nn/layers.c lib/nn/norm.c lib/nn/act.c lib/nn/loss.c

if HAVE_CHECK
check_PROGRAMS += tests/check_nn_layers
TESTS += tests/check_nn_layers
endif
tests_check_nn_layers_SOURCES = tests/check_nn_layers.c tests/testutil.c tests/testutil.h
tests_check_nn_layers_CFLAGS = $(TEST_CFLAGS)
tests_check_nn_layers_LDADD = $(DLNN_LIBS) $(TEST_LIBS)
