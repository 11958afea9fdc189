# tests — dl-rf: CART growth and forests (tests/check_forest.c: impurities and gains by
# hand, missing values, the bootstrap and OOB bookkeeping, permutation importance, thread
# independence, model files); the command line end to end and on bad input
# (tests/cli/rf.sh, tests/cli/rf-bad.sh); test and OOB metrics against scikit-learn's
# RandomForest* averaged over seeds (tests/cli/rf-exact.sh; golden values by
# tests/golden/rf/make-golden.py; data shared with dl-xgb's tests/data/xgb/exact-*);
# quantile regression forests against numpy's quantiles and ranger's quantile forest
# (tests/cli/rf-quantiles.sh; data and golden values by tests/golden/rf/make-quantiles.py);
# exact splits grow scikit-learn's single trees (tests/cli/rf-tree.sh; golden values by
# tests/golden/rf/make-trees.py).
if HAVE_CHECK
check_PROGRAMS += tests/check_forest
TESTS += tests/check_forest
endif
tests_check_forest_SOURCES = tests/check_forest.c tests/testutil.c tests/testutil.h
tests_check_forest_CFLAGS = $(TEST_CFLAGS)
tests_check_forest_LDADD = $(DLTREE_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)
TESTS += tests/cli/rf.sh tests/cli/rf-bad.sh tests/cli/rf-exact.sh tests/cli/rf-quantiles.sh \
	tests/cli/rf-tree.sh
EXTRA_DIST += \
	tests/cli/rf.sh \
	tests/cli/rf-bad.sh \
	tests/cli/rf-exact.sh \
	tests/cli/rf-quantiles.sh \
	tests/cli/rf-tree.sh \
	tests/golden/rf/make-trees.py \
	tests/data/rf/tree-cancer-d3.txt \
	tests/data/rf/tree-diabetes-d4.txt \
	tests/data/rf/tree-diabetes-full.txt \
	tests/data/rf/tree-digits-d3.txt \
	tests/golden/rf/make-quantiles.py \
	tests/data/rf/qrf-golden.tsv \
	tests/data/rf/qrf-const.csv \
	tests/data/rf/qrf-train.csv \
	tests/data/rf/qrf-test.csv \
	tests/golden/rf/make-golden.py \
	tests/data/rf/golden.tsv
