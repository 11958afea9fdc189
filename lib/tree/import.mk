# lib/tree — importing XGBoost's JSON models (xgbimport) and TreeSHAP feature
# contributions (shap), part of lib/libdltree.a.
lib_libdltree_a_SOURCES += \
	lib/tree/xgbimport.c lib/tree/xgbimport.h \
	lib/tree/shap.c lib/tree/shap.h
