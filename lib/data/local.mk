# lib/data — numeric tables (CSV, libsvm, records; dense and sparse) and the evaluation
# metrics of the tree learners. Tests: tests/data.mk; fuzz target: fuzz/data.mk.
noinst_LIBRARIES += lib/libdldata.a
lib_libdldata_a_SOURCES = \
	lib/data/table.h lib/data/metrics.h lib/data/tablepriv.h lib/data/metricpriv.h \
	lib/data/table.c lib/data/numparse.c lib/data/csvnum.c lib/data/libsvm.c \
	lib/data/records.c \
	lib/data/metrics.c lib/data/auc.c lib/data/rank.c
DLDATA_LIBS = lib/libdldata.a $(DLRECORD_LIBS) -lm
