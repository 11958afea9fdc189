/*
 * cart.h — growing one CART tree (Breiman, Friedman, Olshen & Stone 1984) on the binned
 * matrix of bins.h, for random forests (Breiman 2001) and for boosting with sample
 * weights (AdaBoost's base trees).
 *
 * Classification (nclass = K >= 2, labels 0 .. K-1) splits by the decrease of the Gini
 * index or of the entropy (base 2) of the weighted class counts; regression (nclass = 0)
 * by the decrease of the variance. For a node with statistics P split into L and R the
 * decrease, in units of weight (as ranger and scikit-learn compute it), is
 *     Gini:      sum_k L_k^2 / W_L + sum_k R_k^2 / W_R - sum_k P_k^2 / W_P
 *     entropy:   W_P H(P) - W_L H(L) - W_R H(R),  H(X) = -sum_k (X_k/W) log2(X_k/W)
 *     variance:  S_L^2 / W_L + S_R^2 / W_R - S_P^2 / W_P    (S = weighted sum of y)
 * with X_k the weight of class k and W the node's total weight. It is stored as the
 * node's gain (so that the mean decrease in impurity of a feature is the sum of the gains
 * of its splits), the node's weight as its cover.
 *
 * A row's statistics are weighted by count[r] * weight[r]: count is a multiplicity (the
 * number of times a bootstrap drew the row; 0 leaves it out of the tree), weight an
 * instance weight. A node's size is the sum of count over its rows (draws, duplicates
 * included, as ranger counts them). Candidate splits lie between the bins of a feature;
 * rows whose value is missing go to the side that gives the larger decrease (the learned
 * default direction; when the node has none, the side with more weight).
 *
 * At each node mtry features are drawn without replacement (a partial Fisher-Yates
 * shuffle of the feature indices); as scikit-learn does, features that are constant in the
 * node do not count and further ones are drawn until mtry non-constant features were tried
 * or none is left. With extratrees (Geurts, Ernst & Wehenkel 2006, "Extremely randomized
 * trees") each tried feature offers one split only, at a threshold drawn uniformly between
 * the smallest and the largest value of the node (the cut point above it is used).
 *
 * Leaves (and internal nodes) hold the class frequencies X_k / W (vdim K: a probability
 * forest) or the mean S / W (vdim 1). Nodes are numbered depth first, left before right.
 *
 * Exact splits (dl_cart_new_exact) work on the ranks of the values (bins.h's dl_ranks)
 * in place of bins, with a histogram over the ranks for a node that is large beside their
 * number and a radix sort of its rows by rank otherwise.
 *
 * Histograms: a large node's statistics are accumulated per bin of each tried feature; a
 * small node's rows are sorted by bin instead, which gives the same sums without touching
 * every bin. Only the tried features are summed: with mtry much smaller than the number of
 * features, that costs less than full histograms with the subtraction trick.
 *
 * A dl_cart holds the buffers of one tree's growth and is used by one thread at a time;
 * a forest grows its trees in parallel with one dl_cart per thread. Allocation failure
 * dies; nothing else fails.
 */
#ifndef DL_TREE_CART_H
#define DL_TREE_CART_H
#include <stddef.h>
#include <stdint.h>
#include "core/rng.h"
#include "core/threads.h"
#include "tree/bins.h"
#include "tree/tree.h"

enum dl_cart_criterion { DL_CART_GINI, DL_CART_ENTROPY, DL_CART_VARIANCE };

typedef struct dl_cart_params {
	enum dl_cart_criterion criterion;   /* GINI or ENTROPY (classes), VARIANCE (nclass 0) */
	int extratrees;                     /* 1: one random threshold per tried feature */
	size_t mtry;                        /* features tried per node; 0 or >= nfeat: all */
	double min_node_size;               /* a node of size <= this is a leaf (ranger) */
	int max_depth;                      /* 0: unlimited; a root alone has depth 0 */
} dl_cart_params;

typedef struct dl_cart dl_cart;

/* A grower for the rows of b with labels y (b->nrow of them): class indices 0 .. nclass-1
 * (nclass >= 2) or real values (nclass 0). b and y are borrowed and must outlive the
 * grower. pool is reserved for growing one tree on several threads (unused for now; NULL
 * is fine). */
dl_cart *dl_cart_new(const dl_bins *b, const float *y, int nclass, dl_pool *pool);
/* A grower with exact splits: candidate splits lie between the distinct values of a
 * feature in the node, and the threshold stored is the midpoint of the two values on either
 * side (rounded to a float above the lower one), as scikit-learn and ranger place it. rk is
 * borrowed. Trees grown so have no split_bin: use dl_cart_leaf_ranked. */
dl_cart *dl_cart_new_exact(const dl_ranks *rk, const float *y, int nclass);
void dl_cart_free(dl_cart *c);
/* Grows a tree: count[r] (NULL: 1) the multiplicity of row r, weight[r] (NULL: 1) its
 * weight; rng draws the features of each node (and extratrees' thresholds). Returns the
 * tree (vdim nclass, or 1 for regression), with split_bin set for dl_cart_leaf_binned. */
dl_tree *dl_cart_grow(dl_cart *c, const float *count, const float *weight,
		      const dl_cart_params *p, dl_rng *rng);

/* The bins of b column-major (col[f * nrow + r]; malloc'd), which growth reads: a grower
 * makes its own copy at its first tree unless given one to share (not copied; it must
 * outlive the grower) by dl_cart_set_columns. */
uint8_t *dl_cart_columns(const dl_bins *b);
void dl_cart_set_columns(dl_cart *c, const uint8_t *col);

/* Midpoint thresholds for histogram splits: bmax[f * 256 + k] is the largest training value
 * of feature f in bin k (from dl_cart_bin_max; borrowed). A split after bin k whose node
 * has its next rows in bin j then stores the midpoint between bmax[f, k] and the smallest
 * value of bin j (its lower cut), rounded to a float above the first, instead of the cut
 * above bin k: where binning is exact (a bin per value) that is scikit-learn's and ranger's
 * threshold. The split's bins still decide for the grown rows; rows of the bins between k
 * and j (none of the node's) follow the threshold, so such trees must route rows by value
 * (dl_tree_leaf), not by dl_cart_leaf_binned. */
void dl_cart_set_bin_max(dl_cart *c, const float *bmax);
/* The bmax table of the dense or sparse table t binned as b (nfeat * 256 floats, -inf for
 * empty bins; malloc'd), features spread over the pool. */
float *dl_cart_bin_max(const dl_bins *b, const dl_table *t, dl_pool *pool);

/* The leaf of row r of the binned matrix b (a row the tree was grown on, or one binned with
 * the same cuts); when perm_f is a feature index, that feature's bin is read from row
 * perm_r instead (permutation importance); pass (size_t)-1 for none. */
int32_t dl_cart_leaf_binned(const dl_tree *t, const dl_bins *b, size_t r, size_t perm_f,
			    size_t perm_r);

/* The same for a tree grown with exact splits, from the ranks it was grown on. */
int32_t dl_cart_leaf_ranked(const dl_tree *t, const dl_ranks *rk, size_t r, size_t perm_f,
			    size_t perm_r);

/* Impurity of one node from its class weights x[0..K) (Gini index 1 - sum p_k^2, or
 * entropy -sum p_k log2 p_k), or the variance from the sums of weight, w*y, w*y^2. For the
 * tests and for reports; 0 for an empty node. */
double dl_cart_gini(const double *x, int K);
double dl_cart_entropy(const double *x, int K);
double dl_cart_variance(double w, double sum, double sumsq);
#endif
