# tests — lib/tree: split gain, quantile cuts, missing-value direction, growth, objectives,
# model files (tests/check_tree.c).
if HAVE_CHECK
check_PROGRAMS += tests/check_tree
TESTS += tests/check_tree
endif
tests_check_tree_SOURCES = tests/check_tree.c tests/testutil.c tests/testutil.h
tests_check_tree_CFLAGS = $(TEST_CFLAGS)
tests_check_tree_LDADD = $(DLTREE_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)
