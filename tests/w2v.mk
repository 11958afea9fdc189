# tests — dl-w2v apart from training: unit tests of lib/w2v's vectors and evaluation
# (tests/check_w2v_vectors.c), CLI tests of similar/analogy/eval/convert/train
# (tests/cli/w2v-query.sh) and of bad input (tests/cli/w2v-bad.sh). The fixtures in
# tests/data/w2v are written by tests/golden/w2v/make-fixtures.py (gensim, scipy);
# tests/golden/w2v/check-load.py has gensim load what dl-w2v writes (skipped without gensim).
if HAVE_CHECK
check_PROGRAMS += tests/check_w2v_vectors
TESTS += tests/check_w2v_vectors
endif
tests_check_w2v_vectors_SOURCES = tests/check_w2v_vectors.c tests/testutil.c tests/testutil.h
tests_check_w2v_vectors_CFLAGS = $(TEST_CFLAGS)
tests_check_w2v_vectors_LDADD = $(DLW2V_LIBS) $(DLW2V_EXTRA_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)

TESTS += tests/cli/w2v-query.sh tests/cli/w2v-bad.sh tests/cli/w2v-gensim.sh
EXTRA_DIST += \
	tests/cli/w2v-query.sh \
	tests/cli/w2v-bad.sh \
	tests/cli/w2v-gensim.sh \
	tests/golden/w2v/make-fixtures.py \
	tests/golden/w2v/check-load.py \
	tests/data/w2v/gensim.bin \
	tests/data/w2v/gensim.txt \
	tests/data/w2v/questions.txt \
	tests/data/w2v/pairs.tsv \
	tests/data/w2v/expected.txt \
	tests/data/w2v/spearman.txt
