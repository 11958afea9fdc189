# lib/tree — decision trees: binning, histogram growth, boosting, model files.
noinst_LIBRARIES += lib/libdltree.a
lib_libdltree_a_SOURCES = \
	lib/tree/bins.c lib/tree/bins.h \
	lib/tree/tree.c lib/tree/tree.h \
	lib/tree/split.h \
	lib/tree/grow.c lib/tree/grow.h \
	lib/tree/objective.c lib/tree/objective.h \
	lib/tree/params.c lib/tree/boost.c lib/tree/boost.h \
	lib/tree/gbdt.c lib/tree/gbdt.h \
	lib/tree/adaboost.c lib/tree/adaboost.h \
	lib/tree/model.c lib/tree/model.h \
	lib/tree/inspect.c lib/tree/inspect.h \
	lib/tree/predict.c lib/tree/predict.h
DLTREE_LIBS = lib/libdltree.a $(DLDATA_LIBS) $(CJSON_LIBS) -lm
