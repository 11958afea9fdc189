# fuzz — libFuzzer target of lib/data: the table readers (CSV, libsvm, records) and the
# table operations (fuzz_table). Seeds are made by fuzz/corpus/make-table-corpus.py.
FUZZ_TARGETS += fuzz/fuzz_table

fuzz_fuzz_table_SOURCES = fuzz/fuzz_table.c
fuzz_fuzz_table_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_table_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_table_LDADD = $(DLDATA_LIBS)

EXTRA_DIST += fuzz/corpus/make-table-corpus.py \
	fuzz/corpus/table/csv-basic \
	fuzz/corpus/table/csv-dup \
	fuzz/corpus/table/csv-features \
	fuzz/corpus/table/csv-notnum \
	fuzz/corpus/table/csv-ragged \
	fuzz/corpus/table/csv-roles \
	fuzz/corpus/table/csv-semicolon \
	fuzz/corpus/table/csv-unclosed \
	fuzz/corpus/table/libsvm-bad \
	fuzz/corpus/table/libsvm-basic \
	fuzz/corpus/table/libsvm-features \
	fuzz/corpus/table/libsvm-qid \
	fuzz/corpus/table/libsvm-qid-bad \
	fuzz/corpus/table/libsvm-zero \
	fuzz/corpus/table/records \
	fuzz/corpus/table/records-auto-gz \
	fuzz/corpus/table/records-list
