# lib/core — errors, memory, I/O, CLI helpers, progress, RNG, threads, hashing, UTF-8.
lib_libdlcore_a_SOURCES += \
	lib/core/error.c lib/core/error.h \
	lib/core/alloc.c lib/core/alloc.h \
	lib/core/io.c lib/core/io.h \
	lib/core/jscan.c lib/core/jscan.h \
	lib/core/cli.c lib/core/cli.h \
	lib/core/progress.c lib/core/progress.h \
	lib/core/rng.c lib/core/rng.h \
	lib/core/threads.c lib/core/threads.h \
	lib/core/hash.c lib/core/hash.h lib/core/bytes.h \
	lib/core/utf8.c lib/core/utf8.h lib/core/simd.h \
	lib/core/tmp.c lib/core/tmp.h
lib_libdlblas_a_SOURCES += lib/core/blas.c lib/core/blas.h

# Unit tests of the core, one program per group of modules; the helpers they share are in
# tests/testutil.c. The io tests call zlib themselves (to make and to check gzip data).
if HAVE_CHECK
check_PROGRAMS += tests/check_core tests/check_io_in tests/check_io_out tests/check_rng \
	tests/check_utf8 tests/check_blas
TESTS += tests/check_core tests/check_io_in tests/check_io_out tests/check_rng \
	tests/check_utf8 tests/check_blas
endif
tests_check_core_SOURCES = tests/check_core.c tests/testutil.c tests/testutil.h
tests_check_core_CFLAGS = $(TEST_CFLAGS)
tests_check_core_LDADD = $(DLCORE_LIBS) $(TEST_LIBS)
tests_check_io_in_SOURCES = tests/check_io_in.c tests/testutil.c tests/testutil.h
tests_check_io_in_CFLAGS = $(TEST_CFLAGS)
tests_check_io_in_LDADD = $(DLCORE_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)
tests_check_io_out_SOURCES = tests/check_io_out.c tests/testutil.c tests/testutil.h
tests_check_io_out_CFLAGS = $(TEST_CFLAGS)
tests_check_io_out_LDADD = $(DLCORE_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)
tests_check_rng_SOURCES = tests/check_rng.c tests/testutil.c tests/testutil.h
tests_check_rng_CFLAGS = $(TEST_CFLAGS)
tests_check_rng_LDADD = $(DLCORE_LIBS) $(TEST_LIBS)
tests_check_utf8_SOURCES = tests/check_utf8.c tests/testutil.c tests/testutil.h
tests_check_utf8_CFLAGS = $(TEST_CFLAGS)
tests_check_utf8_LDADD = $(DLCORE_LIBS) $(TEST_LIBS)
tests_check_blas_SOURCES = tests/check_blas.c
tests_check_blas_CFLAGS = $(TEST_CFLAGS)
tests_check_blas_LDADD = lib/libdlblas.a $(DLCORE_LIBS) $(BLAS_LIBS) $(TEST_LIBS)
TESTS += tests/cli/blas.sh
EXTRA_DIST += tests/cli/blas.sh

# Read-ahead in dl_in: the same streams with and without it (tests/check_readahead.c).
if HAVE_CHECK
check_PROGRAMS += tests/check_readahead
TESTS += tests/check_readahead
endif
tests_check_readahead_SOURCES = tests/check_readahead.c
tests_check_readahead_CFLAGS = $(TEST_CFLAGS)
tests_check_readahead_LDADD = $(DLCORE_LIBS) $(TEST_LIBS)
