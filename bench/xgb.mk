# bench/xgb — the dl-xgb benchmark (see bench/README.md): dl-xgb against XGBoost and
# scikit-learn's HistGradientBoostingClassifier; not built, only distributed.
EXTRA_DIST += \
	bench/xgb/make-data.py \
	bench/xgb/xgb-train.py \
	bench/xgb/hgb-train.py \
	bench/xgb/run
