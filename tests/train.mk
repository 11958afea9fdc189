# tests — dl-train's CLI tests (tests/cli/train.sh): the digits against PyTorch's accuracy
# (tests/data/nn/digits-*), resume, SIGINT, NaN, --log, sample, summary and bad input.
TESTS += tests/cli/train.sh
EXTRA_DIST += tests/cli/train.sh
