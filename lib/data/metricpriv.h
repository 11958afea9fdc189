/*
 * metricpriv.h — what metrics.c shares with auc.c and rank.c: a stable argsort on float keys
 * and the curve and ranking metrics.
 *
 * The curve and ranking metrics compare predictions as XGBoost does, in single precision:
 * two scores are tied when they are equal as floats.
 */
#ifndef DL_DATA_METRICPRIV_H
#define DL_DATA_METRICPRIV_H
#include <stddef.h>
#include <stdint.h>
#include "core/error.h"

/* Sets idx[0..n) to the permutation that sorts key descending; equal keys keep their order
 * (a stable LSD radix sort). NaN keys sort first. */
void dl_argsort_desc(const float *key, size_t n, size_t *idx);

/* auc and aucpr (pr = 1): binary (k = 1, no groups), multi-class one-vs-rest (k > 1) or
 * per query group (group_ptr not NULL). */
int dl_metric_auc(int pr, const double *pred, size_t n, size_t k, const float *y,
		  const float *w, const size_t *group_ptr, size_t ngroup, double *out, dl_err *e);
/* ndcg (map = 0) or map (map = 1), the top topn of each group, minus: a group without a
 * relevant item scores 0. */
int dl_metric_rank(int map, unsigned topn, int minus, const double *pred, size_t n,
		   const float *y, const size_t *group_ptr, size_t ngroup, double *out, dl_err *e);
#endif
