# lib/record — CRC-32C, TFRecord framing, the tf.Example codec.
lib_libdlrecord_a_SOURCES += \
	lib/record/crc32c.c lib/record/crc32c.h \
	lib/record/tfrecord.c lib/record/tfrecord.h \
	lib/record/tfverify.c lib/record/tfverify.h \
	lib/record/example.c lib/record/example.h \
	lib/record/tokens.c lib/record/tokens.h

if HAVE_CHECK
check_PROGRAMS += tests/check_record
TESTS += tests/check_record
endif
tests_check_record_SOURCES = tests/check_record.c
tests_check_record_CFLAGS = $(TEST_CFLAGS)
tests_check_record_LDADD = $(DLRECORD_LIBS) $(TEST_LIBS)

if HAVE_CHECK
check_PROGRAMS += tests/check_tfverify
TESTS += tests/check_tfverify
endif
tests_check_tfverify_SOURCES = tests/check_tfverify.c tests/testutil.c tests/testutil.h
tests_check_tfverify_CFLAGS = $(TEST_CFLAGS)
tests_check_tfverify_LDADD = $(DLRECORD_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)
