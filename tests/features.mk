# tests — dl-features: unit tests of lib/features (tests/check_features.c) and CLI tests
# (tests/cli/features*.sh). Golden values: tests/golden/features/make-fingerprints.mjs
# (FarmHash Fingerprint64 from Google's farmhash.cc through npm's farmhash, and
# farmhash-modern) and make-golden.py (numpy on sklearn's wine and diabetes data, which it
# also exports to tests/data/features).
if HAVE_CHECK
check_PROGRAMS += tests/check_features
TESTS += tests/check_features
endif
tests_check_features_SOURCES = tests/check_features.c tests/testutil.c tests/testutil.h
tests_check_features_CFLAGS = $(TEST_CFLAGS)
tests_check_features_LDADD = $(DLFEATURES_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)

TESTS += tests/cli/features.sh tests/cli/features-bad.sh tests/cli/features-xgb.sh
EXTRA_DIST += \
	tests/cli/features.sh \
	tests/cli/features-bad.sh \
	tests/cli/features-xgb.sh \
	tests/data/features/iris-spec.json \
	tests/data/features/wine-spec.json \
	tests/data/features/cultivars.txt \
	tests/golden/features/make-fingerprints.mjs \
	tests/golden/features/make-golden.py \
	tests/golden/features/fingerprints.txt \
	tests/golden/features/fit-expected.txt \
	tests/data/features/wine.csv \
	tests/data/features/diabetes.csv
