# lib/tree — CART growth for forests and AdaBoost (cart), random forests: training, OOB
# error, importances and prediction (forest), their model files (forestio), quantile
# predictions (qrf); part of
# lib/libdltree.a.
lib_libdltree_a_SOURCES += \
	lib/tree/cart.c lib/tree/cart.h \
	lib/tree/forest.c lib/tree/forest.h \
	lib/tree/forestio.c \
	lib/tree/qrf.c
