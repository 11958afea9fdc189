# lib/nn: whole GPT models against PyTorch (tests/golden/nn/make-gpt.py), and the scripts
# and data of the golden runs, the torch twin of dl-train and its benchmarks.
if HAVE_CHECK
check_PROGRAMS += tests/check_nn_gpt
TESTS += tests/check_nn_gpt
endif
tests_check_nn_gpt_SOURCES = tests/check_nn_gpt.c tests/testutil.c tests/testutil.h
tests_check_nn_gpt_CFLAGS = $(TEST_CFLAGS)
tests_check_nn_gpt_LDADD = $(DLNN_LIBS) $(TEST_LIBS) -lm

EXTRA_DIST += tests/data/nn/gpt-golden.safetensors tests/golden/nn/make-gpt.py \
	contrib/dl_torch.py tests/golden/nn/make-digits.py tests/golden/nn/digits-torch.py \
	tests/data/nn/digits-train.csv tests/data/nn/digits-test.csv \
	tests/data/nn/digits-torch.txt bench/train/make-data.sh bench/train/torch-gpt.py \
	bench/train/torch-mlp.py bench/train/llmc-files.py bench/train/run
