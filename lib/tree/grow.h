/*
 * grow.h — growing one regression tree on gradient pairs with histograms.
 *
 * The tree learner of second-order boosting (Chen & Guestrin 2016, section 3 and the hist
 * method of section 3.3): rows are binned once (bins.h); for a node, the sums of the
 * gradients and hessians of its rows are accumulated per feature and bin; the best split
 * is found by scanning those bins in both directions, so that rows with a missing value
 * go to the side that gains most (the learned default direction, algorithm 3 of the
 * paper). Only the smaller child's histogram is built; the larger one's is its parent's
 * minus it (the subtraction trick of LightGBM, Ke et al. 2017).
 *
 * Growth is depthwise (level by level up to max_depth) or lossguide (the leaf with the
 * largest loss reduction first, up to max_leaves). Monotone constraints bound the
 * children's weights as XGBoost does: a split on an increasing feature must have
 * w_left <= w_right and the children are bounded by the mean of the two weights.
 * Splits whose loss reduction is below gamma are pruned bottom-up after growth.
 *
 * Random column sampling by tree is the caller's (feat_mask); by level and by node is
 * done here with rng. The grower keeps its buffers between trees; it is used by one
 * thread at a time and runs its inner loops on the pool.
 */
#ifndef DL_TREE_GROW_H
#define DL_TREE_GROW_H
#include <stddef.h>
#include <stdint.h>
#include "core/rng.h"
#include "core/threads.h"
#include "tree/bins.h"
#include "tree/split.h"
#include "tree/tree.h"

typedef struct dl_grow_params {
	dl_split_params sp;
	int max_depth;                  /* 0 = no limit (lossguide only) */
	int max_leaves;                 /* 0 = no limit */
	int lossguide;                  /* 0 depthwise, 1 lossguide */
	double gamma;                   /* min_split_loss */
	double min_split_hess;          /* a node with a smaller hessian sum is a leaf (0: none) */
	double eta;                     /* leaf values are eta * w */
	double colsample_bylevel, colsample_bynode;
	const int8_t *monotone;         /* per feature -1, 0, +1; NULL = none */
} dl_grow_params;

typedef struct dl_grower dl_grower;

dl_grower *dl_grower_new(const dl_bins *b, dl_pool *pool);
void dl_grower_free(dl_grower *g);
/* Midpoint thresholds (scikit-learn's placement where binning is exact): bmax[f * 256 + k]
 * is the largest training value of feature f in bin k (cart.h's dl_cart_bin_max;
 * borrowed). A split after bin k then stores the midpoint (rounded to a float above the
 * lower value) between that value and the smallest value of the next bin instead of the
 * cut above bin k. The next bin is bin k + 1, so that no value lies between and rows go the
 * same way by value as by bin; or, with whole_nodes, the node's first non-empty bin after
 * k, scikit-learn's threshold where binning is exact, for trees grown on every row of the
 * data (rows of the bins in between reach the node only at prediction). Without it
 * (dl-xgb), the threshold is the cut, as XGBoost stores it. */
void dl_grower_set_bin_max(dl_grower *g, const float *bmax, int whole_nodes);
/* Grows a tree on rows[0..n) (distinct, increasing) with gradient gh[2r] and hessian
 * gh[2r+1] for row r. feat_mask[f] != 0 allows feature f (NULL: all). When row_leaf is
 * not NULL, row_leaf[r] is set to the leaf of each row r in rows. Returns the tree
 * (vdim 1, leaf values already multiplied by eta; split_bin set). */
dl_tree *dl_grow_tree(dl_grower *g, const float *gh, const uint32_t *rows, size_t n,
		 const uint8_t *feat_mask, const dl_grow_params *p, dl_rng *rng,
		 int32_t *row_leaf);
/* The leaf of binned row r (training rows that were not in rows, e.g. out of a
 * subsample): follows split_bin. */
int32_t dl_tree_leaf_binned(const dl_tree *t, const dl_bins *b, size_t r);
#endif
