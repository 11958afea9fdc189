/*
 * tree.h — a binary decision tree over float features, shared by boosting and forests.
 *
 * Nodes are numbered from 0 (the root) in parallel arrays. An internal node sends a row
 * left when x[feature] < thr, right when x[feature] >= thr, and to the default side
 * (default_left) when x[feature] is missing (NaN). A leaf has left == right == -1 and
 * holds vdim values at value[node * vdim] (one margin for boosting; class frequencies or
 * a mean for forests). Internal nodes keep their own value too (the node's weight before
 * the split, as XGBoost's base_weight), the loss reduction of their split (gain) and the
 * sum of hessians, or of instance weights, that reached them (cover): importance and
 * TreeSHAP read those.
 */
#ifndef DL_TREE_TREE_H
#define DL_TREE_TREE_H
#include <stddef.h>
#include <stdint.h>
#include "core/error.h"

typedef struct dl_tree {
	int32_t n, cap;
	int vdim;
	int32_t *left, *right, *parent;
	int32_t *feature;
	float *thr;
	uint8_t *default_left;
	uint16_t *split_bin;    /* training only: x goes left when its bin <= split_bin */
	float *value;           /* n * vdim */
	float *gain;
	float *cover;
} dl_tree;

/* An empty tree whose nodes hold vdim values; dl_tree_add makes the root. */
dl_tree *dl_tree_new(int vdim);
void dl_tree_free(dl_tree *t);
/* The threshold between two values lo < hi that a row goes left of (x < threshold) exactly
 * when x <= (lo + hi) / 2, the midpoint in double precision, as scikit-learn and ranger
 * test it: the smallest float above that midpoint (at most hi). */
float dl_tree_midpoint(float lo, float hi);
/* Makes room for n nodes in all (no effect when there is). */
void dl_tree_reserve(dl_tree *t, int32_t n);
/* Appends a leaf with parent p (-1 for the root) and returns its index. */
int32_t dl_tree_add(dl_tree *t, int32_t p);
static inline int dl_tree_is_leaf(const dl_tree *t, int32_t i)
{
	return t->left[i] < 0;
}
/* The leaf that row x (ncol features, NaN = missing) reaches. */
static inline int32_t dl_tree_leaf(const dl_tree *t, const float *x)
{
	int32_t i = 0;
	while (t->left[i] >= 0) {
		float v = x[t->feature[i]];
		if (v != v)
			i = t->default_left[i] ? t->left[i] : t->right[i];
		else
			i = v < t->thr[i] ? t->left[i] : t->right[i];
	}
	return i;
}
/* Checks the structure: children in range and after their parent, each node reached
 * once, features below nfeat, finite values. Returns 0 or -1 with e filled ("node 7:
 * left child 40 is out of range (the tree has 31 nodes)"). */
int dl_tree_validate(const dl_tree *t, size_t nfeat, dl_err *e);
/* Depth of the tree (a lone leaf has depth 0). */
int dl_tree_depth(const dl_tree *t);
#endif
