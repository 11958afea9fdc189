/*
 * predict.h — routing rows through many trees fast, for prediction and for the margins of
 * evaluation sets during training.
 *
 * A tree of depth D <= DL_PACK_MAX_DEPTH is copied into a perfect binary tree of depth D
 * in heap order (the children of node i are 2i+1 and 2i+2): a leaf above the last level
 * becomes a chain of pass-through nodes whose test sends every row left (threshold NaN,
 * missing values left) down to a copy of its value on the last level. Routing a row is
 * then D steps of index arithmetic with no data-dependent branch: the next node is
 * 2i + 1 + (x >= threshold, or x missing and the node's missing values go right). Rows
 * are taken in blocks and a block goes through one tree at a time, several rows side by
 * side, so that the tree stays in the first-level cache and the rows' walks overlap. A
 * block is first copied column by column into a buffer that holds every feature twice,
 * as is and with missing values as +inf, and each node reads the copy that sends missing
 * values its way: a step is then one load, one compare and one add. Deeper trees
 * (forests grown without a depth limit, lossguide trees) keep the pointer walk of
 * dl_tree_leaf. The sums are those of dl_tree_leaf's values added tree by tree in order,
 * so the results are bit for bit the ones of the plain walk.
 */
#ifndef DL_TREE_PREDICT_H
#define DL_TREE_PREDICT_H
#include <stddef.h>
#include "core/threads.h"
#include "tree/tree.h"

#define DL_PACK_MAX_DEPTH 10
/* Rows of at most this many columns are copied, a block at a time, into a buffer laid
 * out for the walk (see predict.c); wider rows are routed where they are. */
#define DL_PACK_MAX_COPY 1024

typedef struct dl_packed_trees dl_packed_trees;

/* Packs trees[0..ntree) (vdim 1; the trees are not referenced afterwards unless deeper
 * than DL_PACK_MAX_DEPTH or testing a feature of index 2^24 or above, and then must
 * outlive the pack). Never fails (aborts on memory exhaustion, as dl_malloc). */
dl_packed_trees *dl_trees_pack(const dl_tree *const *trees, size_t ntree);
void dl_packed_trees_free(dl_packed_trees *p);
/* For every row r of the dense row-major matrix x (nrow x ncol, NAN = missing; ncol
 * above every feature index of the trees), adds the leaf value of tree i to
 * out[r * K + i % K], trees in order. Rows are split over pool's threads (pool may be
 * NULL: the calling thread alone). */
void dl_packed_trees_add(const dl_packed_trees *p, const float *x, size_t nrow, size_t ncol,
			 size_t K, double *out, dl_pool *pool);
#endif
