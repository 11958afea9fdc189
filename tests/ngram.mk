# tests — dl-ngram: unit tests of lib/ngram on hand-worked corpora (tests/check_ngram.c),
# the comparison with KenLM's lmplz and query (tests/check_ngram_golden.c, golden files in
# tests/golden/ngram made by make-golden.sh), CLI tests (tests/cli/ngram.sh) and bad input
# (tests/cli/ngram-bad.sh).
if HAVE_CHECK
check_PROGRAMS += tests/check_ngram tests/check_ngram_golden
TESTS += tests/check_ngram tests/check_ngram_golden
endif
tests_check_ngram_SOURCES = tests/check_ngram.c tests/testutil.c tests/testutil.h
tests_check_ngram_CFLAGS = $(TEST_CFLAGS)
tests_check_ngram_LDADD = $(DLNGRAM_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)
tests_check_ngram_golden_SOURCES = tests/check_ngram_golden.c tests/testutil.c tests/testutil.h
tests_check_ngram_golden_CFLAGS = $(TEST_CFLAGS)
tests_check_ngram_golden_LDADD = $(DLNGRAM_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)

TESTS += tests/cli/ngram.sh tests/cli/ngram-bad.sh
EXTRA_DIST += \
	tests/cli/ngram.sh \
	tests/cli/ngram-bad.sh \
	tests/golden/ngram/make-golden.sh \
	tests/golden/ngram/MANIFEST \
	tests/data/ngram/toy-train.txt \
	tests/data/ngram/toy-test.txt \
	tests/data/ngram/gen-train.txt \
	tests/data/ngram/gen-test.txt
EXTRA_DIST += \
	tests/golden/ngram/toy-o2.arpa.gz tests/golden/ngram/toy-o2.ppl \
	tests/golden/ngram/toy-o3.arpa.gz tests/golden/ngram/toy-o3.ppl \
	tests/golden/ngram/toy-o4.arpa.gz tests/golden/ngram/toy-o4.ppl \
	tests/golden/ngram/toy-o5.arpa.gz tests/golden/ngram/toy-o5.ppl \
	tests/golden/ngram/gen-o2.arpa.gz tests/golden/ngram/gen-o2.ppl \
	tests/golden/ngram/gen-o3.arpa.gz tests/golden/ngram/gen-o3.ppl \
	tests/golden/ngram/gen-o4.arpa.gz tests/golden/ngram/gen-o4.ppl \
	tests/golden/ngram/gen-o5.arpa.gz tests/golden/ngram/gen-o5.ppl \
	tests/golden/ngram/toy-o3.query tests/golden/ngram/gen-o3.query
EXTRA_DIST += \
	tests/golden/ngram/PRUNE-MANIFEST \
	tests/golden/ngram/toy-o3-p0_1.arpa.gz tests/golden/ngram/toy-o3-p0_1.ppl \
	tests/golden/ngram/toy-o5-p0_0_1.arpa.gz tests/golden/ngram/toy-o5-p0_0_1.ppl \
	tests/golden/ngram/gen-o3-p0_1.arpa.gz tests/golden/ngram/gen-o3-p0_1.ppl \
	tests/golden/ngram/gen-o3-p0_1.query \
	tests/golden/ngram/gen-o3-p0_0_1.arpa.gz tests/golden/ngram/gen-o3-p0_0_1.ppl \
	tests/golden/ngram/gen-o3-p0_2_3.arpa.gz tests/golden/ngram/gen-o3-p0_2_3.ppl \
	tests/golden/ngram/gen-o3-p0_1000.arpa.gz tests/golden/ngram/gen-o3-p0_1000.ppl \
	tests/golden/ngram/gen-o5-p0_0_1.arpa.gz tests/golden/ngram/gen-o5-p0_0_1.ppl \
	tests/golden/ngram/gen-o5-p0_1_1_2.arpa.gz tests/golden/ngram/gen-o5-p0_1_1_2.ppl \
	tests/golden/ngram/gen-o5-p0_0_0_1.arpa.gz tests/golden/ngram/gen-o5-p0_0_0_1.ppl
