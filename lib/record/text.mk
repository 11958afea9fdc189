# lib/record — the text codecs: JSON lines, CSV, exact number formatting.
lib_libdlrecord_a_SOURCES += \
	lib/record/numfmt.c lib/record/numfmt.h \
	lib/record/base64.c lib/record/base64.h \
	lib/record/jsonl.c lib/record/jsonlwrite.c lib/record/jsonl.h \
	lib/record/csv.c lib/record/csvwrite.c lib/record/csv.h \
	lib/record/textpriv.h

if HAVE_CHECK
check_PROGRAMS += tests/check_text
TESTS += tests/check_text
endif
tests_check_text_SOURCES = tests/check_text.c
tests_check_text_CFLAGS = $(TEST_CFLAGS)
tests_check_text_LDADD = $(DLRECORD_LIBS) $(TEST_LIBS)
