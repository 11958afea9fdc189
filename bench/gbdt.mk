# bench/gbdt — the dl-gbdt benchmark (see bench/README.md): dl-gbdt against scikit-learn's
# GradientBoostingClassifier and HistGradientBoostingClassifier; not built, only distributed.
EXTRA_DIST += \
	bench/gbdt/make-data.py \
	bench/gbdt/sk-train.py \
	bench/gbdt/run
