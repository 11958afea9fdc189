# lib/record — the record tools' own parts: bounded-memory shuffle, schema statistics.
lib_libdlrecord_a_SOURCES += \
	lib/record/schema.c lib/record/schema.h \
	lib/record/shuffle.c lib/record/shuffle.h

if HAVE_CHECK
check_PROGRAMS += tests/check_recordtools
TESTS += tests/check_recordtools
endif
tests_check_recordtools_SOURCES = tests/check_recordtools.c
tests_check_recordtools_CFLAGS = $(TEST_CFLAGS)
tests_check_recordtools_LDADD = $(DLRECORD_LIBS) $(TEST_LIBS)
