# fuzz — libFuzzer targets, one per parser of outside data (see fuzz/README.md).
#
# Built only when configured with --enable-fuzz, by clang:
#     ../configure CC=clang --enable-fuzz --enable-sanitizers && make fuzz
# Every object of such a build gets libFuzzer's coverage instrumentation
# (-fsanitize=fuzzer-no-link) so that the fuzzer sees the branches inside lib/; the targets
# themselves link libFuzzer's main (-fsanitize=fuzzer). Without --enable-sanitizers the
# fuzz build still turns on ASan and UBSan: fuzzing without them finds little.

FUZZ_USAGE = \
	echo "Run a target on its seed corpus (new inputs go to the first directory):"; \
	echo "    mkdir -p fuzz/work/tfrecord"; \
	echo "    fuzz/fuzz_tfrecord fuzz/work/tfrecord $(abs_top_srcdir)/fuzz/corpus/tfrecord -max_total_time=300"; \
	echo "Targets: $(FUZZ_TARGETS)"; \
	echo "Reproduce a crash: fuzz/fuzz_NAME crash-FILE"

FUZZ_TARGETS = fuzz/fuzz_tfrecord fuzz/fuzz_example fuzz/fuzz_jsonl fuzz/fuzz_csv

if FUZZ
AM_CFLAGS += -fsanitize=fuzzer-no-link
if !SANITIZERS
AM_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
AM_LDFLAGS += -fsanitize=address,undefined
endif
noinst_PROGRAMS += fuzz/fuzz_tfrecord fuzz/fuzz_example fuzz/fuzz_jsonl fuzz/fuzz_csv

fuzz: $(FUZZ_TARGETS)
	@$(FUZZ_USAGE)
else
fuzz:
	@echo "make fuzz: this build was not configured with --enable-fuzz; use" >&2; \
	echo "    $(abs_top_srcdir)/configure CC=clang --enable-fuzz --enable-sanitizers" >&2; \
	exit 1
endif
.PHONY: fuzz

FUZZ_COMPILE = $(AM_CFLAGS) -fsanitize=fuzzer
FUZZ_LINK = $(AM_LDFLAGS) -fsanitize=fuzzer

fuzz_fuzz_tfrecord_SOURCES = fuzz/fuzz_tfrecord.c
fuzz_fuzz_tfrecord_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_tfrecord_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_tfrecord_LDADD = $(DLRECORD_LIBS)

fuzz_fuzz_example_SOURCES = fuzz/fuzz_example.c
fuzz_fuzz_example_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_example_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_example_LDADD = $(DLRECORD_LIBS)

fuzz_fuzz_jsonl_SOURCES = fuzz/fuzz_jsonl.c
fuzz_fuzz_jsonl_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_jsonl_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_jsonl_LDADD = $(DLRECORD_LIBS)

fuzz_fuzz_csv_SOURCES = fuzz/fuzz_csv.c
fuzz_fuzz_csv_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_csv_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_csv_LDADD = $(DLRECORD_LIBS)

# Seed corpora (listed one by one so that dist carries exactly these).
EXTRA_DIST += fuzz/README.md
