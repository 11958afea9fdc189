/*
 * metrics.h — evaluation metrics of the tree learners, defined as XGBoost defines them
 * (so that the numbers printed per round can be compared with XGBoost's).
 *
 * pred holds n rows of k values: k = 1 for regression, binary classification (the
 * probability of class 1) and ranking (a score); k = K class probabilities for the
 * multi-class metrics. y holds n labels; w n weights or NULL (all 1); group_ptr the
 * ngroup+1 row offsets of query groups (ranking metrics; NULL = one group of all rows).
 *
 * Names: rmse, rmsle, mae, mape, mphe (pseudo-Huber, slope 1), logloss, error,
 * error@T (threshold T), auc, aucpr, mlogloss, merror, poisson-nloglik, ndcg, ndcg@K,
 * map, map@K (also with a trailing '-': a group without a relevant item counts 0, not 1).
 * auc with k = 1 is the binary ROC AUC (ties averaged: trapezoids), weighted; with groups
 * it is the mean over groups; aucpr as XGBoost computes it. ndcg: gain 2^rel - 1,
 * discount log2(rank + 1); map: relevance > 0 is relevant.
 * As in XGBoost: scores are compared as floats (ties in auc, ndcg, map; error's threshold);
 * with groups, auc counts the pairs of each group of 3 rows or more and a group's weight
 * (that of its first row) cancels out; ndcg and map are plain means over groups (weights
 * unused); auc/aucpr with k > 1 (no groups) is one-vs-rest, ROC AUCs weighted by class
 * prevalence; auc of one class only is NaN, as is any of them over no rows.
 */
#ifndef DL_DATA_METRICS_H
#define DL_DATA_METRICS_H
#include <stddef.h>
#include "core/error.h"

/* 1 when name is a metric above, else 0. higher_is_better (may be NULL) is set to 1 for
 * auc, aucpr, ndcg, map. */
int dl_metric_known(const char *name, int *higher_is_better);
/* Computes the metric. Returns 0, or -1 with e filled ("unknown metric 'x'", "metric
 * 'mlogloss' needs class probabilities", "label 3 is outside [0, 3)"). */
int dl_metric_eval(const char *name, const double *pred, size_t n, size_t k,
		   const float *y, const float *w, const size_t *group_ptr, size_t ngroup,
		   double *out, dl_err *e);
#endif
