/*
 * bins.h — quantile binning of features for histogram tree learners.
 *
 * Each feature gets up to max_bin bins by (weighted) quantiles of its non-missing values,
 * placed as XGBoost's hist method places them (Chen & Guestrin 2016, section 3.3; the cut
 * layout of XGBoost's HistogramCuts): with v_0 < ... < v_k the distinct values, a feature
 * with at most max_bin of them gets one bin per value, cut points v_1, ..., v_k and
 * v_k + |v_k| + 1e-5; otherwise max_bin entries of the weighted order statistics at
 * ranks j W / (max_bin - 1), j = 0 .. max_bin-1, drop the first and close with the same
 * last cut. Value x falls in the first bin b with x < cuts[b] (the last bin when none),
 * so a split after bin b sends x < cuts[b] left: the threshold a model stores.
 *
 * The bin matrix is row-major, one byte per cell. Code DL_BIN_MISSING (255) marks a
 * missing value; a feature that has missing values therefore has at most 255 bins (its
 * two topmost quantile bins merge), others up to 256.
 */
#ifndef DL_TREE_BINS_H
#define DL_TREE_BINS_H
#include <stddef.h>
#include <stdint.h>
#include "core/threads.h"
#include "data/table.h"

#define DL_BIN_MISSING 255

typedef struct dl_bins {
	size_t nfeat;
	uint16_t *nbin;         /* bins of each feature (0 when it has no value) */
	float **cuts;           /* nbin[f] cut points of feature f, increasing */
	uint8_t *has_missing;   /* the training data had a missing value */
	uint8_t *bm;            /* nrow * nfeat bin codes, row-major */
	size_t nrow;
} dl_bins;

/* Bins every feature of t (dense or sparse) with up to max_bin (2..256) bins; weights
 * from t->weight when present. Rows are spread over the pool's threads. Never fails
 * (allocation failure dies). */
dl_bins *dl_bins_build(const dl_table *t, int max_bin, dl_pool *pool);
void dl_bins_free(dl_bins *b);
/* The bin of x for feature f (DL_BIN_MISSING for NaN). */
int dl_bins_find(const dl_bins *b, size_t f, float x);
/* Exact splits (dl-rf --exact): each feature's distinct non-missing values in increasing
 * order (uval[f][0..nuniq[f])) and the rank of every row's value among them, column-major
 * (code[f * nrow + r]; DL_RANK_MISSING for a missing value). -0 and 0 are one value. */
#define DL_RANK_MISSING UINT32_MAX

typedef struct dl_ranks {
	size_t nrow, nfeat;
	uint32_t *code;
	uint32_t *nuniq;
	float **uval;
	uint8_t *has_missing;
	uint32_t max_uniq;      /* the largest nuniq */
} dl_ranks;

/* Ranks every feature of t (dense or sparse; absent sparse cells are missing), features
 * in parallel over the pool. Never fails (allocation failure dies). */
dl_ranks *dl_ranks_build(const dl_table *t, dl_pool *pool);
void dl_ranks_free(dl_ranks *rk);

/* Cut points of one sorted column: vals[0..n) increasing (not necessarily distinct),
 * wsum[i] = total weight of vals[0..i] (NULL = unit weights). Writes at most max_bin
 * cuts to cuts and returns their number (0 when n == 0). Exposed for the tests. */
size_t dl_bins_cuts(const float *vals, const double *wsum, size_t n, int max_bin,
		    float *cuts);
#endif
