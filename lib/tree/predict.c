/*
 * predict.c — packed trees and blocked routing (see predict.h for the method).
 */
#include "tree/predict.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"

#define BLOCK 64                /* rows routed together through one tree */
#define RIGHT_BIT 0x80000000u   /* in pnode.feat: missing values go right */

struct pnode {
	float thr;
	uint32_t feat;          /* feature | RIGHT_BIT */
};

struct ptree {
	int depth;              /* -1: not packed, walk tree */
	size_t node;            /* first of its 2^depth - 1 nodes in p->nodes */
	size_t leaf;            /* first of its 2^depth leaf values in p->leaves */
	const dl_tree *tree;
};

struct dl_packed_trees {
	size_t ntree;
	struct ptree *t;
	struct pnode *nodes;
	float *leaves;
};

/* Copies the subtree of src node s into heap position i of a perfect tree of depth D
 * whose nodes start at nodes and leaves at leaves (heap positions 2^D - 1 onwards). */
static void pack_node(const dl_tree *src, int32_t s, int pass, size_t i, int D,
		      struct pnode *nodes, float *leaves)
{
	size_t first_leaf = ((size_t)1 << D) - 1;
	if (i >= first_leaf) {
		leaves[i - first_leaf] = src->value[s];
		return;
	}
	if (pass || dl_tree_is_leaf(src, s)) {
		/* every row goes left: x >= NaN is false and missing values go left */
		nodes[i] = (struct pnode){ NAN, 0 };
		pack_node(src, s, 1, 2 * i + 1, D, nodes, leaves);
		pack_node(src, s, 1, 2 * i + 2, D, nodes, leaves);
		return;
	}
	nodes[i] = (struct pnode){ src->thr[s], (uint32_t)src->feature[s] |
					       (src->default_left[s] ? 0u : RIGHT_BIT) };
	pack_node(src, src->left[s], 0, 2 * i + 1, D, nodes, leaves);
	pack_node(src, src->right[s], 0, 2 * i + 2, D, nodes, leaves);
}

dl_packed_trees *dl_trees_pack(const dl_tree *const *trees, size_t ntree)
{
	dl_packed_trees *p = dl_calloc(1, sizeof *p);
	p->ntree = ntree;
	p->t = dl_mallocarray(ntree ? ntree : 1, sizeof *p->t);
	size_t nn = 0, nl = 0;
	for (size_t i = 0; i < ntree; i++) {
		int d = dl_tree_depth(trees[i]);
		struct ptree *pt = &p->t[i];
		pt->tree = trees[i];
		pt->depth = d <= DL_PACK_MAX_DEPTH ? d : -1;
		pt->node = nn;
		pt->leaf = nl;
		if (pt->depth >= 0) {
			nn += ((size_t)1 << d) - 1;
			nl += (size_t)1 << d;
		}
	}
	p->nodes = dl_mallocarray(nn ? nn : 1, sizeof *p->nodes);
	p->leaves = dl_mallocarray(nl ? nl : 1, sizeof *p->leaves);
	for (size_t i = 0; i < ntree; i++) {
		const struct ptree *pt = &p->t[i];
		if (pt->depth >= 0)
			pack_node(trees[i], 0, 0, 0, pt->depth, p->nodes + pt->node,
				  p->leaves + pt->leaf);
	}
	return p;
}

void dl_packed_trees_free(dl_packed_trees *p)
{
	if (!p)
		return;
	dl_free(p->t);
	dl_free(p->nodes);
	dl_free(p->leaves);
	dl_free(p);
}

struct add_job {
	const dl_packed_trees *p;
	const float *x;
	size_t ncol, K;
	double *out;
};

#define LANES 8                 /* rows walked side by side, their indices in registers */

static inline uint32_t step(const struct pnode *nodes, const float *xr, uint32_t i)
{
	struct pnode nd = nodes[i];
	float v = xr[nd.feat & ~RIGHT_BIT];
	uint32_t right = (uint32_t)(v >= nd.thr) | ((uint32_t)(v != v) & (nd.feat >> 31));
	return 2 * i + 1 + right;
}

/* Rows [b, e) through packed tree pt: LANES rows at a time walk down together, so that
 * their loads overlap. */
static void route_block(const struct ptree *pt, const struct pnode *nodes, const float *leaves,
			const float *x, size_t ncol, size_t b, size_t e, double *out,
			size_t K, size_t k)
{
	int D = pt->depth;
	size_t first_leaf = ((size_t)1 << D) - 1;
	size_t r = b;
	for (; r + LANES <= e; r += LANES) {
		uint32_t idx[LANES] = { 0 };
		const float *xr = x + r * ncol;
		for (int d = 0; d < D; d++) {
#pragma GCC unroll 8
			for (int u = 0; u < LANES; u++)
				idx[u] = step(nodes, xr + (size_t)u * ncol, idx[u]);
		}
#pragma GCC unroll 8
		for (int u = 0; u < LANES; u++)
			out[(r + (size_t)u) * K + k] += leaves[idx[u] - first_leaf];
	}
	for (; r < e; r++) {
		uint32_t i = 0;
		for (int d = 0; d < D; d++)
			i = step(nodes, x + r * ncol, i);
		out[r * K + k] += leaves[i - first_leaf];
	}
}

static void add_rows(void *arg, size_t begin, size_t end, int tid)
{
	const struct add_job *j = arg;
	const dl_packed_trees *p = j->p;
	(void)tid;
	for (size_t b = begin; b < end; b += BLOCK) {
		size_t e = b + BLOCK < end ? b + BLOCK : end;
		for (size_t i = 0; i < p->ntree; i++) {
			const struct ptree *pt = &p->t[i];
			size_t k = i % j->K;
			if (pt->depth >= 0) {
				route_block(pt, p->nodes + pt->node, p->leaves + pt->leaf, j->x,
					    j->ncol, b, e, j->out, j->K, k);
				continue;
			}
			for (size_t r = b; r < e; r++)
				j->out[r * j->K + k] +=
					pt->tree->value[dl_tree_leaf(pt->tree, j->x + r * j->ncol)];
		}
	}
}

void dl_packed_trees_add(const dl_packed_trees *p, const float *x, size_t nrow, size_t ncol,
			 size_t K, double *out, dl_pool *pool)
{
	struct add_job j = { p, x, ncol, K ? K : 1, out };
	if (!pool) {
		add_rows(&j, 0, nrow, 0);
		return;
	}
	dl_pool_for(pool, nrow, 1024, add_rows, &j);
}
