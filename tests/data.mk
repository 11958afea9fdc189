# tests — lib/data: the table readers and operations (tests/check_data_table.c) and the
# metrics (tests/check_data_metrics.c). The metric sets in tests/data/data/metric-sets.txt
# and XGBoost's values for them in tests/golden/data/metrics.txt are written by
# tests/golden/data/make-metrics.py (python3-xgboost); make check needs neither.
if HAVE_CHECK
check_PROGRAMS += tests/check_data_table tests/check_data_metrics
TESTS += tests/check_data_table tests/check_data_metrics
endif
tests_check_data_table_SOURCES = tests/check_data_table.c tests/testutil.c tests/testutil.h
tests_check_data_table_CFLAGS = $(TEST_CFLAGS)
tests_check_data_table_LDADD = $(DLDATA_LIBS) $(ZLIB_LIBS) $(TEST_LIBS)
tests_check_data_metrics_SOURCES = tests/check_data_metrics.c tests/testutil.c tests/testutil.h
tests_check_data_metrics_CFLAGS = $(TEST_CFLAGS)
tests_check_data_metrics_LDADD = $(DLDATA_LIBS) $(TEST_LIBS)

EXTRA_DIST += \
	tests/golden/data/make-metrics.py \
	tests/golden/data/metrics.txt \
	tests/data/data/metric-sets.txt
