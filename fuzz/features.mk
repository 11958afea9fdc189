# fuzz — libFuzzer targets of lib/features: the spec and FITTED.json readers
# (fuzz_features_spec) and the row readers with apply (fuzz_features_rows). Seeds in
# fuzz/corpus/features-spec and fuzz/corpus/features-rows.
FUZZ_TARGETS += fuzz/fuzz_features_spec fuzz/fuzz_features_rows

fuzz_fuzz_features_spec_SOURCES = fuzz/fuzz_features_spec.c
fuzz_fuzz_features_spec_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_features_spec_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_features_spec_LDADD = $(DLFEATURES_LIBS)

fuzz_fuzz_features_rows_SOURCES = fuzz/fuzz_features_rows.c
fuzz_fuzz_features_rows_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_features_rows_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_features_rows_LDADD = $(DLFEATURES_LIBS)

EXTRA_DIST += fuzz/corpus/make-features-corpus.sh \
	fuzz/corpus/features-spec/bad-cross \
	fuzz/corpus/features-spec/bad-cut \
	fuzz/corpus/features-spec/bad-type \
	fuzz/corpus/features-spec/fitted \
	fuzz/corpus/features-spec/learned \
	fuzz/corpus/features-spec/quantiles \
	fuzz/corpus/features-spec/wine-spec \
	fuzz/corpus/features-rows/csv \
	fuzz/corpus/features-rows/csv-bad \
	fuzz/corpus/features-rows/csv-no-g \
	fuzz/corpus/features-rows/csv-tab \
	fuzz/corpus/features-rows/jsonl \
	fuzz/corpus/features-rows/records \
	fuzz/corpus/features-rows/records-cut
