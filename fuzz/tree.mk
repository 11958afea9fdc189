# fuzz — libFuzzer targets of lib/tree: the model readers, ours (model.c) and XGBoost's
# (xgbimport.c), with prediction and TreeSHAP on what loads (fuzz_gbm_model). Seeds in
# fuzz/corpus/gbm_model: small valid models of both formats and of several objectives,
# cut and corrupted variants.
FUZZ_TARGETS += fuzz/fuzz_gbm_model

fuzz_fuzz_gbm_model_SOURCES = fuzz/fuzz_gbm_model.c
fuzz_fuzz_gbm_model_CFLAGS = $(FUZZ_COMPILE)
fuzz_fuzz_gbm_model_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_gbm_model_LDADD = $(DLTREE_LIBS)

EXTRA_DIST += \
	fuzz/corpus/gbm_model/dl-bad-child \
	fuzz/corpus/gbm_model/dl-bad-feature \
	fuzz/corpus/gbm_model/dl-binary \
	fuzz/corpus/gbm_model/dl-cut \
	fuzz/corpus/gbm_model/dl-softprob \
	fuzz/corpus/gbm_model/xgb-bad-child \
	fuzz/corpus/gbm_model/xgb-bad-length \
	fuzz/corpus/gbm_model/xgb-bad-objective \
	fuzz/corpus/gbm_model/xgb-bad-split \
	fuzz/corpus/gbm_model/xgb-binary-named \
	fuzz/corpus/gbm_model/xgb-cut \
	fuzz/corpus/gbm_model/xgb-pairwise \
	fuzz/corpus/gbm_model/xgb-poisson \
	fuzz/corpus/gbm_model/xgb-softprob \
	fuzz/corpus/gbm_model/xgb-squared-1tree
