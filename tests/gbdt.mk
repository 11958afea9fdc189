# tests — dl-gbdt: the line searches and initial constants of lib/tree/gbdt.c
# (tests/check_gbdt.c); the command line end to end and on bad input (tests/cli/gbdt.sh);
# the test metrics against scikit-learn's GradientBoosting*/AdaBoostClassifier on the same
# data (tests/cli/gbdt-exact.sh; golden values by tests/golden/gbdt/make-golden.py, data
# sets shared with dl-xgb's tests/data/xgb/exact-*).
if HAVE_CHECK
check_PROGRAMS += tests/check_gbdt
TESTS += tests/check_gbdt
endif
tests_check_gbdt_SOURCES = tests/check_gbdt.c tests/testutil.c tests/testutil.h
tests_check_gbdt_CFLAGS = $(TEST_CFLAGS)
tests_check_gbdt_LDADD = $(DLTREE_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)
TESTS += tests/cli/gbdt.sh tests/cli/gbdt-exact.sh
EXTRA_DIST += \
	tests/cli/gbdt.sh \
	tests/cli/gbdt-exact.sh \
	tests/golden/gbdt/make-golden.py \
	tests/data/gbdt/golden.tsv \
	tests/data/gbdt/exact-diabetes01-train.csv \
	tests/data/gbdt/exact-diabetes01-test.csv
