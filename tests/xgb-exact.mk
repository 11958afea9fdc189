# tests — dl-xgb against XGBoost: the test metrics of both on the same data and parameters
# (tests/cli/xgb-exact.sh). The data sets and XGBoost's metrics in tests/data/xgb/exact-*
# are written by tests/golden/xgb/make-golden.py (python3-xgboost 1.7, python3-sklearn).
TESTS += tests/cli/xgb-exact.sh
EXTRA_DIST += \
	tests/cli/xgb-exact.sh \
	tests/golden/xgb/make-golden.py \
	tests/data/xgb/exact-golden.tsv \
	tests/data/xgb/exact-cancer-train.csv \
	tests/data/xgb/exact-cancer-test.csv \
	tests/data/xgb/exact-digits-train.csv \
	tests/data/xgb/exact-digits-test.csv \
	tests/data/xgb/exact-diabetes-train.csv \
	tests/data/xgb/exact-diabetes-test.csv \
	tests/data/xgb/exact-rank-train.csv \
	tests/data/xgb/exact-rank-test.csv \
	tests/data/xgb/exact-onehot-train.svm \
	tests/data/xgb/exact-onehot-test.svm
