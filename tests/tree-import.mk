# tests — lib/tree's XGBoost import (tests/check_tree_import.c) and TreeSHAP
# (tests/check_tree_shap.c). The models in tests/data/xgb, with XGBoost's margins,
# predictions and pred_contribs for their test rows, are written by
# tests/golden/xgb/make-import.py (Debian's python3-xgboost 1.7 and python3-sklearn).
if HAVE_CHECK
check_PROGRAMS += tests/check_tree_import tests/check_tree_shap
TESTS += tests/check_tree_import tests/check_tree_shap
endif
tests_check_tree_import_SOURCES = tests/check_tree_import.c tests/testutil.c tests/testutil.h
tests_check_tree_import_CFLAGS = $(TEST_CFLAGS)
tests_check_tree_import_LDADD = $(DLTREE_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)
tests_check_tree_shap_SOURCES = tests/check_tree_shap.c tests/testutil.c tests/testutil.h
tests_check_tree_shap_CFLAGS = $(TEST_CFLAGS)
tests_check_tree_shap_LDADD = $(DLTREE_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)

EXTRA_DIST += tests/golden/xgb/make-import.py \
	tests/data/xgb/binary.model.json \
	tests/data/xgb/binary.csv \
	tests/data/xgb/binary.margin.txt \
	tests/data/xgb/binary.pred.txt \
	tests/data/xgb/binary.contrib.txt \
	tests/data/xgb/softprob.model.json \
	tests/data/xgb/softprob.csv \
	tests/data/xgb/softprob.margin.txt \
	tests/data/xgb/softprob.pred.txt \
	tests/data/xgb/softprob.contrib.txt \
	tests/data/xgb/softmax.model.json \
	tests/data/xgb/softmax.csv \
	tests/data/xgb/softmax.margin.txt \
	tests/data/xgb/softmax.pred.txt \
	tests/data/xgb/softmax.contrib.txt \
	tests/data/xgb/squared.model.json \
	tests/data/xgb/squared.csv \
	tests/data/xgb/squared.margin.txt \
	tests/data/xgb/squared.pred.txt \
	tests/data/xgb/squared.contrib.txt \
	tests/data/xgb/huber.model.json \
	tests/data/xgb/huber.csv \
	tests/data/xgb/huber.margin.txt \
	tests/data/xgb/huber.pred.txt \
	tests/data/xgb/huber.contrib.txt \
	tests/data/xgb/poisson.model.json \
	tests/data/xgb/poisson.csv \
	tests/data/xgb/poisson.margin.txt \
	tests/data/xgb/poisson.pred.txt \
	tests/data/xgb/poisson.contrib.txt \
	tests/data/xgb/pairwise.model.json \
	tests/data/xgb/pairwise.csv \
	tests/data/xgb/pairwise.margin.txt \
	tests/data/xgb/pairwise.pred.txt \
	tests/data/xgb/pairwise.contrib.txt \
	tests/data/xgb/pruned.model.json \
	tests/data/xgb/pruned.csv \
	tests/data/xgb/pruned.margin.txt \
	tests/data/xgb/pruned.pred.txt \
	tests/data/xgb/pruned.contrib.txt
