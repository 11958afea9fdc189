# tests — dl-xgb's command line end to end (tests/cli/xgb.sh: train, predict, eval, dump,
# importance, configuration files, early stopping, constraints, missing values) and on
# bad command lines, data and models (tests/cli/xgb-bad.sh). The data sets
# tests/data/xgb/cli-*.csv are written by tests/golden/xgb/make-cli.py.
TESTS += tests/cli/xgb.sh tests/cli/xgb-bad.sh
EXTRA_DIST += \
	tests/cli/xgb.sh \
	tests/cli/xgb-bad.sh \
	tests/golden/xgb/make-cli.py \
	tests/data/xgb/cli-reg.csv \
	tests/data/xgb/cli-bin.csv \
	tests/data/xgb/cli-multi.csv
