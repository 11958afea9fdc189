/*
 * predict.c — packed trees and blocked routing (see predict.h for the method).
 */
#include "tree/predict.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"

#define BLOCK_SHIFT 6
#define BLOCK (1 << BLOCK_SHIFT) /* rows routed together through one tree */
#define LANES 8                 /* rows walked side by side, their indices in registers */
#define MAX_FEATURE (1 << 24)   /* trees that test a higher feature are walked, not packed */

/* Rows are routed through a block buffer: a block of BLOCK rows stored column by column,
 * every feature f twice, column 2f as is and column 2f + 1 with missing values replaced
 * by +inf. A node reads column 2f + (missing values go right) and sends the row right
 * when that value >= thr. From column 2f a missing value goes left (NaN >= thr is false),
 * from column 2f + 1 right (+inf >= thr for every thr that is not NaN), and a value that
 * is present goes right exactly when it is not < thr, as in dl_tree_leaf: so a step is a
 * load, a compare and an add, with no test for missing values. */
struct pnode {
	float thr;
	uint32_t col;           /* (2 * feature + missing values go right) * BLOCK */
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
	/* a NaN threshold sends every present value right (not x < NaN): so does -inf */
	float thr = isnan(src->thr[s]) ? -INFINITY : src->thr[s];
	uint32_t col = 2 * (uint32_t)src->feature[s] + (src->default_left[s] ? 0u : 1u);
	nodes[i] = (struct pnode){ thr, col << BLOCK_SHIFT };
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
		int32_t maxf = 0;
		for (int32_t n = 0; n < trees[i]->n; n++)
			if (!dl_tree_is_leaf(trees[i], n) && trees[i]->feature[n] > maxf)
				maxf = trees[i]->feature[n];
		pt->depth = d <= DL_PACK_MAX_DEPTH && maxf < MAX_FEATURE ? d : -1;
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

/* A step on row xr of the caller's matrix (rows too wide to copy). */
static inline size_t step_row(const struct pnode *nodes, const float *xr, size_t i)
{
	struct pnode nd = nodes[i];
	float v = xr[nd.col >> (BLOCK_SHIFT + 1)];
	size_t miss_right = (nd.col >> BLOCK_SHIFT) & 1;
	return 2 * i + 1 + ((size_t)(v >= nd.thr) | ((size_t)(v != v) & miss_right));
}

/* A step on the row of the block buffer whose first value is at bu. */
static inline size_t step_buf(const struct pnode *nodes, const float *bu, size_t i)
{
	struct pnode nd = nodes[i];
	return 2 * i + 1 + (size_t)(bu[nd.col] >= nd.thr);
}

/* Rows [b, e) through packed tree pt: LANES rows at a time walk down together, so that
 * their loads overlap. STEP is step_row or step_buf, ROW(r) the row pointer of row r and
 * LANE(q, u) that of row r + u when q is that of row r. */
#define ROUTE(name, STEP, ROW, LANE)						\
__attribute__((noinline)) static void name(const struct ptree *pt, const struct pnode *nodes, const float *leaves, \
		 const float *x, size_t ncol, size_t b, size_t e, double *out,	\
		 size_t K, size_t k)							\
{										\
	int D = pt->depth;							\
	size_t first_leaf = ((size_t)1 << D) - 1;				\
	size_t r = b;								\
	(void)ncol;								\
	for (; r + LANES <= e; r += LANES) {					\
		size_t idx[LANES] = { 0 };					\
		const float *q = ROW(r);					\
		/* opaque to the optimiser: the lanes then read at constant	\
		 * offsets from q instead of through 8 spilled row indices */	\
		__asm__("" : "+r"(q));						\
		for (int d = 0; d < D; d++) {					\
			_Pragma("GCC unroll 8")					\
			for (int u = 0; u < LANES; u++)				\
				idx[u] = STEP(nodes, LANE(q, (size_t)u), idx[u]);	\
		}								\
		_Pragma("GCC unroll 8")						\
		for (int u = 0; u < LANES; u++)					\
			out[(r + (size_t)u) * K + k] += leaves[idx[u] - first_leaf];	\
	}									\
	for (; r < e; r++) {							\
		size_t i = 0;							\
		for (int d = 0; d < D; d++)					\
			i = STEP(nodes, ROW(r), i);				\
		out[r * K + k] += leaves[i - first_leaf];			\
	}									\
}
#define ROW_X(r) (x + (r) * ncol)
#define LANE_X(q, u) ((q) + (u) * ncol)
#define ROW_BUF(r) (x + ((r) - b))
#define LANE_BUF(q, u) ((q) + (u))
ROUTE(route_rows, step_row, ROW_X, LANE_X)
ROUTE(route_buf, step_buf, ROW_BUF, LANE_BUF)

/* Rows [b, e) of x into the block buffer buf (see struct pnode). */
static void copy_block(const float *x, size_t ncol, size_t b, size_t e, float *buf)
{
	for (size_t r = b; r < e; r++) {
		const float *xr = x + r * ncol;
		float *bu = buf + (r - b);
		for (size_t c = 0; c < ncol; c++) {
			float v = xr[c];
			bu[(2 * c) << BLOCK_SHIFT] = v;
			bu[(2 * c + 1) << BLOCK_SHIFT] = v != v ? INFINITY : v;
		}
	}
}

static void add_rows(void *arg, size_t begin, size_t end, int tid)
{
	const struct add_job *j = arg;
	const dl_packed_trees *p = j->p;
	size_t ncol = j->ncol;
	int copy = ncol <= DL_PACK_MAX_COPY;
	float *buf = copy ? dl_mallocarray(BLOCK * 2 * (ncol ? ncol : 1), sizeof *buf) : NULL;
	(void)tid;
	for (size_t b = begin; b < end; b += BLOCK) {
		size_t e = b + BLOCK < end ? b + BLOCK : end;
		if (copy)
			copy_block(j->x, ncol, b, e, buf);
		for (size_t i = 0; i < p->ntree; i++) {
			const struct ptree *pt = &p->t[i];
			size_t k = i % j->K;
			if (pt->depth >= 0) {
				if (copy)
					route_buf(pt, p->nodes + pt->node, p->leaves + pt->leaf,
						  buf, ncol, b, e, j->out, j->K, k);
				else
					route_rows(pt, p->nodes + pt->node, p->leaves + pt->leaf,
						   j->x, ncol, b, e, j->out, j->K, k);
				continue;
			}
			for (size_t r = b; r < e; r++)
				j->out[r * j->K + k] +=
					pt->tree->value[dl_tree_leaf(pt->tree, j->x + r * ncol)];
		}
	}
	dl_free(buf);
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
