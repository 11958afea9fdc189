# lib/nn: safetensors checkpoints, and the golden tests of the layer kernels against torch
# (tests/golden/nn: the scripts that made tests/data/nn with Debian's python3-torch).
lib_libdlnn_a_SOURCES += lib/nn/safetensors.c

if HAVE_CHECK
check_PROGRAMS += tests/check_safetensors
TESTS += tests/check_safetensors
endif
tests_check_safetensors_SOURCES = tests/check_safetensors.c tests/testutil.c tests/testutil.h
tests_check_safetensors_CFLAGS = $(TEST_CFLAGS)
tests_check_safetensors_LDADD = $(DLNN_LIBS) $(TEST_LIBS) -lm

# Writes and dumps files for tests/cli/safetensors-torch.sh (which skips without torch).
check_PROGRAMS += tests/safetensors_tool
tests_safetensors_tool_SOURCES = tests/safetensors_tool.c
tests_safetensors_tool_LDADD = $(DLNN_LIBS)
TESTS += tests/cli/safetensors-torch.sh

# The layer kernels of lib/nn/layers.h against torch, float32.
if HAVE_CHECK
check_PROGRAMS += tests/check_nn_golden
TESTS += tests/check_nn_golden
endif
tests_check_nn_golden_SOURCES = tests/check_nn_golden.c tests/testutil.c tests/testutil.h
tests_check_nn_golden_CFLAGS = $(TEST_CFLAGS)
tests_check_nn_golden_LDADD = $(DLNN_LIBS) $(TEST_LIBS) -lm

EXTRA_DIST += \
	tests/cli/safetensors-torch.sh \
	tests/golden/nn/README.md \
	tests/golden/nn/st.py \
	tests/golden/nn/make-layers.py \
	tests/data/nn/sample.safetensors \
	tests/data/nn/layers.safetensors
