# fuzz — libFuzzer targets, one per parser of outside data (see fuzz/README.md).
#
# Built only when configured with --enable-fuzz, by clang:
#     ../configure CC=clang --enable-fuzz --enable-sanitizers && make fuzz
# Every object of such a build gets libFuzzer's coverage instrumentation
# (-fsanitize=fuzzer-no-link) so that the fuzzer sees the branches inside lib/; the targets
# themselves link libFuzzer's main (-fsanitize=fuzzer). Without --enable-sanitizers the
# fuzz build still turns on ASan and UBSan: fuzzing without them finds little.

FUZZ_USAGE = \
	echo "Run a target on its seeds for 5 minutes (new inputs go to the first directory):"; \
	echo "    mkdir -p fuzz-work/tfrecord"; \
	echo "    fuzz/fuzz_tfrecord fuzz-work/tfrecord $(abs_top_srcdir)/fuzz/corpus/tfrecord -max_total_time=300"; \
	echo "(fuzz_jsonl: add -dict=$(abs_top_srcdir)/fuzz/corpus/jsonl.dict)"; \
	echo "Targets: $(FUZZ_TARGETS)"; \
	echo "A crash is saved as crash-SHA1; fuzz/fuzz_NAME crash-SHA1 runs it again."

FUZZ_TARGETS = fuzz/fuzz_tfrecord fuzz/fuzz_example fuzz/fuzz_jsonl fuzz/fuzz_csv fuzz/fuzz_bpe \
	fuzz/fuzz_pretok fuzz/fuzz_safetensors fuzz/fuzz_spec

if FUZZ
AM_CFLAGS += -fsanitize=fuzzer-no-link
if !SANITIZERS
AM_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
AM_LDFLAGS += -fsanitize=address,undefined
endif
noinst_PROGRAMS += $(FUZZ_TARGETS)

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

fuzz_fuzz_bpe_SOURCES = fuzz/fuzz_bpe.c
fuzz_fuzz_bpe_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_bpe_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_bpe_LDADD = $(DLTOKENIZE_LIBS) $(CJSON_LIBS)

fuzz_fuzz_pretok_SOURCES = fuzz/fuzz_pretok.c
fuzz_fuzz_pretok_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_pretok_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_pretok_LDADD = $(DLTOKENIZE_LIBS)

fuzz_fuzz_safetensors_SOURCES = fuzz/fuzz_safetensors.c
fuzz_fuzz_safetensors_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_safetensors_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_safetensors_LDADD = $(DLNN_LIBS)

fuzz_fuzz_spec_SOURCES = fuzz/fuzz_spec.c
fuzz_fuzz_spec_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_spec_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_spec_LDADD = $(DLNN_LIBS) -lm

# Seed corpora (listed one by one so that dist carries exactly these; after changing
# fuzz/corpus/make-corpus.py, regenerate this list).
EXTRA_DIST += fuzz/README.md fuzz/corpus/make-corpus.py fuzz/corpus/jsonl.dict
EXTRA_DIST += \
	fuzz/corpus/tfrecord/bad-data-crc \
	fuzz/corpus/tfrecord/bad-length-crc \
	fuzz/corpus/tfrecord/empty \
	fuzz/corpus/tfrecord/huge-length \
	fuzz/corpus/tfrecord/looks-like-zlib \
	fuzz/corpus/tfrecord/one \
	fuzz/corpus/tfrecord/three \
	fuzz/corpus/tfrecord/three.gz \
	fuzz/corpus/tfrecord/three.zlib \
	fuzz/corpus/tfrecord/truncated-footer \
	fuzz/corpus/tfrecord/truncated-header \
	fuzz/corpus/tfrecord/truncated-payload \
	fuzz/corpus/tfrecord/truncated.gz \
	fuzz/corpus/tfrecord/two-members.gz \
	fuzz/corpus/tfrecord/zero-length
EXTRA_DIST += \
	fuzz/corpus/example/bad-float-length \
	fuzz/corpus/example/bad-length \
	fuzz/corpus/example/bad-varint \
	fuzz/corpus/example/bad-wiretype \
	fuzz/corpus/example/empty \
	fuzz/corpus/example/mixed \
	fuzz/corpus/example/no-kind \
	fuzz/corpus/example/repeated-key \
	fuzz/corpus/example/simple \
	fuzz/corpus/example/special-floats \
	fuzz/corpus/example/unknown-fields \
	fuzz/corpus/example/unpacked
EXTRA_DIST += \
	fuzz/corpus/jsonl/bad-base64 \
	fuzz/corpus/jsonl/bad-colon \
	fuzz/corpus/jsonl/bad-int \
	fuzz/corpus/jsonl/bad-mixed \
	fuzz/corpus/jsonl/bad-surrogate \
	fuzz/corpus/jsonl/bad-trailing \
	fuzz/corpus/jsonl/duplicate-key \
	fuzz/corpus/jsonl/empty \
	fuzz/corpus/jsonl/many-lines \
	fuzz/corpus/jsonl/no-newline \
	fuzz/corpus/jsonl/shorthand \
	fuzz/corpus/jsonl/special \
	fuzz/corpus/jsonl/typed
EXTRA_DIST += \
	fuzz/corpus/csv/bad-forced \
	fuzz/corpus/csv/bad-header \
	fuzz/corpus/csv/bad-quote \
	fuzz/corpus/csv/bad-width \
	fuzz/corpus/csv/bom \
	fuzz/corpus/csv/empty \
	fuzz/corpus/csv/forced \
	fuzz/corpus/csv/header-only \
	fuzz/corpus/csv/infer-few \
	fuzz/corpus/csv/label-first \
	fuzz/corpus/csv/no-newline \
	fuzz/corpus/csv/one-column \
	fuzz/corpus/csv/quoted \
	fuzz/corpus/csv/special \
	fuzz/corpus/csv/tabs \
	fuzz/corpus/csv/types
EXTRA_DIST += \
	fuzz/corpus/bpe/gpt2-small \
	fuzz/corpus/bpe/ids-json \
	fuzz/corpus/bpe/ids-json-array \
	fuzz/corpus/bpe/ids-text \
	fuzz/corpus/bpe/ids-text-bad \
	fuzz/corpus/bpe/json-cut \
	fuzz/corpus/bpe/json-small \
	fuzz/corpus/bpe/tiktoken-dup \
	fuzz/corpus/bpe/tiktoken-small
EXTRA_DIST += fuzz/corpus/make-safetensors-corpus.py \
	fuzz/corpus/safetensors/bad-json \
	fuzz/corpus/safetensors/bad-metadata \
	fuzz/corpus/safetensors/duplicate \
	fuzz/corpus/safetensors/empty-tensors \
	fuzz/corpus/safetensors/every-dtype \
	fuzz/corpus/safetensors/hole \
	fuzz/corpus/safetensors/huge-shape \
	fuzz/corpus/safetensors/length-past-end \
	fuzz/corpus/safetensors/nothing \
	fuzz/corpus/safetensors/overlap \
	fuzz/corpus/safetensors/scalar \
	fuzz/corpus/safetensors/shape-mismatch \
	fuzz/corpus/safetensors/too-short \
	fuzz/corpus/safetensors/truncated-data \
	fuzz/corpus/safetensors/unknown-dtype \
	fuzz/corpus/safetensors/unpadded
EXTRA_DIST += \
	fuzz/corpus/spec/bad-array \
	fuzz/corpus/spec/bad-cut \
	fuzz/corpus/spec/bad-field \
	fuzz/corpus/spec/bad-heads \
	fuzz/corpus/spec/bad-one-class \
	fuzz/corpus/spec/bad-size \
	fuzz/corpus/spec/bad-twice \
	fuzz/corpus/spec/bad-type \
	fuzz/corpus/spec/gpt \
	fuzz/corpus/spec/gpt-untied \
	fuzz/corpus/spec/gpt2-large \
	fuzz/corpus/spec/mlp \
	fuzz/corpus/spec/mlp-bce-dropout \
	fuzz/corpus/spec/mlp-mse
