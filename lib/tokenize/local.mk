# lib/tokenize — byte-level BPE: Unicode classes, pre-tokenization, piece counting, training,
# models and encoding. Parts add their sources to the library in their own fragments.
noinst_LIBRARIES += lib/libdltokenize.a
lib_libdltokenize_a_SOURCES = lib/tokenize/unicode.h lib/tokenize/pretok.h \
	lib/tokenize/count.h lib/tokenize/train.h
DLTOKENIZE_LIBS = lib/libdltokenize.a $(DLRECORD_LIBS)

include lib/tokenize/pretok.mk
include lib/tokenize/train.mk

lib_libdltokenize_a_SOURCES += lib/tokenize/model.c lib/tokenize/model.h lib/tokenize/modelpriv.h \
	lib/tokenize/ids.c lib/tokenize/ids.h \
	lib/tokenize/modelio.c \
	lib/tokenize/blocks.c lib/tokenize/blocks.h \
	lib/tokenize/encode.c lib/tokenize/encode.h \
	lib/tokenize/trainfiles.c lib/tokenize/trainfiles.h

if HAVE_CHECK
check_PROGRAMS += tests/check_bpe_model
TESTS += tests/check_bpe_model
endif
tests_check_bpe_model_SOURCES = tests/check_bpe_model.c tests/testutil.c tests/testutil.h
tests_check_bpe_model_CFLAGS = $(TEST_CFLAGS)
tests_check_bpe_model_LDADD = $(DLTOKENIZE_LIBS) $(CJSON_LIBS) $(TEST_LIBS)

if HAVE_CHECK
check_PROGRAMS += tests/check_bpe_golden
TESTS += tests/check_bpe_golden
endif
tests_check_bpe_golden_SOURCES = tests/check_bpe_golden.c tests/testutil.c tests/testutil.h
tests_check_bpe_golden_CFLAGS = $(TEST_CFLAGS)
tests_check_bpe_golden_LDADD = $(DLTOKENIZE_LIBS) $(CJSON_LIBS) $(TEST_LIBS)

# The id parsers of decode (ids.c).
if HAVE_CHECK
check_PROGRAMS += tests/check_tokenize
TESTS += tests/check_tokenize
endif
tests_check_tokenize_SOURCES = tests/check_tokenize.c tests/testutil.c tests/testutil.h
tests_check_tokenize_CFLAGS = $(TEST_CFLAGS)
tests_check_tokenize_LDADD = $(DLTOKENIZE_LIBS) $(CJSON_LIBS) $(TEST_LIBS)

TESTS += tests/cli/tokenize.sh
EXTRA_DIST += tests/cli/tokenize.sh \
	tests/golden/tokenize/README.md tests/golden/tokenize/extract-ranks.js \
	tests/golden/tokenize/make-cases.py tests/golden/tokenize/make-expected.js \
	tests/data/tokenize/LICENSE-ranks tests/data/tokenize/cases.jsonl \
	tests/data/tokenize/special-cases.jsonl \
	tests/data/tokenize/ids-special-r50k.jsonl tests/data/tokenize/ids-special-cl100k.jsonl \
	tests/data/tokenize/ids-special-o200k.jsonl \
	tests/data/tokenize/ids-r50k.jsonl.gz tests/data/tokenize/ids-cl100k.jsonl.gz \
	tests/data/tokenize/ids-o200k.jsonl.gz \
	tests/data/tokenize/pieces-gpt2.jsonl.gz tests/data/tokenize/pieces-cl100k.jsonl.gz \
	tests/data/tokenize/pieces-o200k.jsonl.gz \
	tests/data/tokenize/r50k_base.tiktoken.gz tests/data/tokenize/cl100k_base.tiktoken.gz \
	tests/data/tokenize/o200k_base.tiktoken.gz \
	tests/data/tokenize/gpt2-encoder.json.gz tests/data/tokenize/gpt2-vocab.bpe.gz
