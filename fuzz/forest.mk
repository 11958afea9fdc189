# fuzz — libFuzzer target of the random-forest model reader (lib/tree/forestio.c), with
# prediction and a write/read round trip on what loads (fuzz_forest_model). Seeds in
# fuzz/corpus/forest_model: small valid models of both tasks, cut and corrupted variants.
FUZZ_TARGETS += fuzz/fuzz_forest_model

fuzz_fuzz_forest_model_SOURCES = fuzz/fuzz_forest_model.c
fuzz_fuzz_forest_model_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_forest_model_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_forest_model_LDADD = $(DLTREE_LIBS)

EXTRA_DIST += \
	fuzz/corpus/forest_model/classification \
	fuzz/corpus/forest_model/regression \
	fuzz/corpus/forest_model/multiclass-perm \
	fuzz/corpus/forest_model/cut \
	fuzz/corpus/forest_model/bad-child \
	fuzz/corpus/forest_model/bad-values \
	fuzz/corpus/forest_model/quantreg
