/*
 * forest.c — training and prediction of random forests (see forest.h).
 *
 * Trees are grown in blocks of BLOCK trees (a constant, not the thread count): the trees
 * of a block are grown in parallel, one grower per thread, each keeping its in-bag counts;
 * then the block's trees add their leaf values to the OOB sums of the rows they left out,
 * in tree order, in parallel over rows. Every sum therefore runs in the same order on any
 * number of threads.
 */
#include "tree/forest.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "tree/bins.h"

#define BLOCK 32

void dl_forest_defaults(dl_forest_params *p)
{
	memset(p, 0, sizeof *p);
	p->task = DL_FOREST_AUTO;
	p->ntree = 500;
	p->mtry_rule = DL_MTRY_DEFAULT;
	p->min_node_size = -1;
	p->replace = 1;
	p->criterion = DL_CART_GINI;
	p->max_bin = 256;
	p->threads = 1;
	p->seed = 1;
}

long dl_forest_mtry(const dl_forest_params *p, enum dl_forest_task task, size_t d)
{
	double m;
	switch (p->mtry_rule) {
	case DL_MTRY_SQRT: m = floor(sqrt((double)d)); break;
	case DL_MTRY_LOG2: m = floor(log2((double)d)); break;
	case DL_MTRY_COUNT:
		if (p->mtry > (double)d)
			return -1;
		m = p->mtry;
		break;
	case DL_MTRY_FRACTION: m = floor(p->mtry * (double)d); break;
	default:
		m = task == DL_FOREST_REGRESSION ? floor((double)d / 3) : floor(sqrt((double)d));
	}
	return m < 1 ? 1 : (long)m;
}

enum dl_forest_task dl_forest_auto_task(const float *y, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(y[i] >= 0 && y[i] < DL_FOREST_AUTO_CLASSES) || y[i] != floorf(y[i]))
			return DL_FOREST_REGRESSION;
	return DL_FOREST_CLASSIFICATION;
}

void dl_forest_free(dl_forest *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nfeat; i++)
		dl_free(f->features ? f->features[i] : NULL);
	dl_free(f->features);
	for (size_t i = 0; i < f->ntree; i++)
		dl_tree_free(f->trees[i]);
	dl_free(f->trees);
	dl_free(f->params_json);
	dl_free(f->perm_importance);
	dl_free(f->qy);
	dl_free(f->qleaf);
	dl_free(f);
}

/* ---- training */

struct train {
	const dl_forest_params *p;
	dl_cart_params cp;
	const dl_bins *b;       /* histogram splits, or */
	const dl_ranks *rk;     /* exact splits */
	const dl_table *t;      /* the training data (histogram splits route by value) */
	const float *y;
	float *weight;          /* instance weights times class weights, or NULL */
	size_t n, nfeat, ndraw;
	int K;                  /* classes, 0 for regression */
	int vdim;
	dl_cart **cart;         /* per thread */
	float **count;          /* per thread: n counts */
	uint32_t **idx;         /* per thread: n row indices (sampling, OOB lists) */
	uint32_t **perm;        /* per thread: n */
	uint8_t *inbag;         /* BLOCK * n */
	dl_tree **trees;
	size_t first, ntree;    /* the block being grown */
	double *perm_imp;       /* ntree * nfeat */
	double *oob_sum;        /* n * vdim */
	uint32_t *oob_n;        /* n */
	dl_forest *forest;
};

/* The leaf of training row r (feature perm_f read from row perm_r; (size_t)-1: none):
 * through the ranks with exact splits, else by the row's values (the thresholds are
 * midpoints that the bins do not resolve: cart.h, dl_cart_set_bin_max). */
static inline int32_t row_leaf(const struct train *tr, const dl_tree *t, size_t r,
			       size_t perm_f, size_t perm_r)
{
	if (tr->rk)
		return dl_cart_leaf_ranked(t, tr->rk, r, perm_f, perm_r);
	const dl_table *x = tr->t;
	int32_t i = 0;
	while (t->left[i] >= 0) {
		size_t f = (size_t)t->feature[i], rr = f == perm_f ? perm_r : r;
		float v = x->x ? x->x[rr * x->ncol + f] : dl_table_get(x, rr, f);
		if (v != v)
			i = t->default_left[i] ? t->left[i] : t->right[i];
		else
			i = v < t->thr[i] ? t->left[i] : t->right[i];
	}
	return i;
}

/* The error of tree t on rows rows[0..m), feature f's values taken from perm (f = -1:
 * none): the misclassification rate or the mean squared error. */
static double tree_error(const struct train *tr, const dl_tree *t, const uint32_t *rows,
			 const uint32_t *perm, size_t m, size_t f)
{
	double err = 0;
	for (size_t i = 0; i < m; i++) {
		int32_t leaf = row_leaf(tr, t, rows[i], f, perm ? perm[i] : 0);
		const float *v = t->value + (size_t)leaf * (size_t)t->vdim;
		float y = tr->y[rows[i]];
		if (tr->K) {
			int best = 0;
			for (int k = 1; k < tr->K; k++)
				if (v[k] > v[best])
					best = k;
			err += best != (int)y;
		} else {
			err += ((double)v[0] - y) * ((double)v[0] - y);
		}
	}
	return m ? err / (double)m : 0;
}

void dl_forest_sample(uint64_t seed, size_t tree, size_t n, size_t ndraw, int replace,
		      float *count, uint32_t *idx, dl_rng *rng)
{
	dl_rng_init(rng, seed, tree);
	memset(count, 0, n * sizeof *count);
	if (replace) {
		for (size_t d = 0; d < ndraw; d++)
			count[dl_rng_below(rng, n)] += 1;
		return;
	}
	/* a partial Fisher-Yates shuffle: the first ndraw of a random permutation */
	for (size_t r = 0; r < n; r++)
		idx[r] = (uint32_t)r;
	for (size_t d = 0; d < ndraw && d < n; d++) {
		size_t j = d + (size_t)dl_rng_below(rng, n - d);
		uint32_t x = idx[j];
		idx[j] = idx[d];
		idx[d] = x;
		count[x] = 1;
	}
}

/* A voting tree: each leaf's frequencies become a vote for its most frequent class. */
static void to_votes(dl_tree *t)
{
	int K = t->vdim;
	for (int32_t i = 0; i < t->n; i++) {
		if (t->left[i] >= 0)
			continue;
		float *v = t->value + (size_t)i * (size_t)K;
		int best = 0;
		for (int k = 1; k < K; k++)
			if (v[k] > v[best])
				best = k;
		for (int k = 0; k < K; k++)
			v[k] = k == best ? 1.0f : 0.0f;
	}
}

static void grow_one(struct train *tr, size_t i, int tid)
{
	size_t n = tr->n, tree = tr->first + i;
	dl_rng rng;
	float *count = tr->count[tid];
	uint32_t *idx = tr->idx[tid];
	dl_forest_sample(tr->p->seed, tree, n, tr->ndraw, tr->p->replace, count, idx, &rng);
	uint8_t *inbag = tr->inbag + i * n;
	for (size_t r = 0; r < n; r++)
		inbag[r] = count[r] > 255 ? 255 : (uint8_t)count[r];
	dl_tree *t = dl_cart_grow(tr->cart[tid], count, tr->weight, &tr->cp, &rng);
	if (tr->p->votes && tr->K)
		to_votes(t);
	tr->trees[tree] = t;
	if (tr->perm_imp) {
		size_t m = 0;
		for (size_t r = 0; r < n; r++)
			if (!inbag[r])
				idx[m++] = (uint32_t)r;
		double *imp = tr->perm_imp + tree * tr->nfeat;
		if (m == 0)
			return;
		double base = tree_error(tr, t, idx, NULL, m, (size_t)-1);
		uint32_t *perm = tr->perm[tid];
		uint8_t *used = (uint8_t *)count;   /* count is no longer needed */
		memset(used, 0, tr->nfeat);
		for (int32_t k = 0; k < t->n; k++)
			if (t->left[k] >= 0)
				used[t->feature[k]] = 1;
		for (size_t f = 0; f < tr->nfeat; f++) {
			if (!used[f])
				continue;
			memcpy(perm, idx, m * sizeof *perm);
			dl_rng_shuffle(&rng, perm, m, sizeof *perm);
			imp[f] = tree_error(tr, t, idx, perm, m, f) - base;
		}
	}
}

static void grow_block(void *ctx, size_t begin, size_t end, int tid)
{
	for (size_t i = begin; i < end; i++)
		grow_one(ctx, i, tid);
}

static void oob_block(void *ctx, size_t begin, size_t end, int tid)
{
	struct train *tr = ctx;
	(void)tid;
	size_t vd = (size_t)tr->vdim;
	for (size_t r = begin; r < end; r++)
		for (size_t i = 0; i < tr->ntree; i++) {
			if (tr->inbag[i * tr->n + r])
				continue;
			const dl_tree *t = tr->trees[tr->first + i];
			int32_t leaf = row_leaf(tr, t, r, (size_t)-1, 0);
			const float *v = t->value + (size_t)leaf * vd;
			for (size_t k = 0; k < vd; k++)
				tr->oob_sum[r * vd + k] += v[k];
			tr->oob_n[r]++;
		}
}

/* Quantile data: the leaf of every training row in each tree of the range. */
static void qleaf_trees(void *ctx, size_t begin, size_t end, int tid)
{
	struct train *tr = ctx;
	dl_forest *f = tr->forest;
	(void)tid;
	for (size_t i = begin; i < end; i++)
		for (size_t r = 0; r < tr->n; r++)
			f->qleaf[i * tr->n + r] = row_leaf(tr, f->trees[i], r, (size_t)-1, 0);
}

/* Checks the labels of a classification; returns K or -1 with e filled. */
static int class_count(const float *y, size_t n, dl_err *e)
{
	float mx = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(y[i] >= 0 && y[i] < DL_FOREST_MAX_CLASSES) || y[i] != floorf(y[i]))
			return dl_errf(e, "row %zu: label %g is not a class index 0, 1, ... (below %d); "
				       "for regression use --task regression", i + 1, (double)y[i],
				       DL_FOREST_MAX_CLASSES);
		mx = y[i] > mx ? y[i] : mx;
	}
	return (int)mx + 1 < 2 ? 2 : (int)mx + 1;
}

static const char *criterion_name(const dl_forest_params *p, enum dl_forest_task task)
{
	if (p->extratrees)
		return "extratrees";
	if (task == DL_FOREST_REGRESSION)
		return "variance";
	return p->criterion == DL_CART_ENTROPY ? "entropy" : "gini";
}

static void oob_error(dl_forest *f, const struct train *tr, double *oob)
{
	size_t n = tr->n, vd = (size_t)tr->vdim, m = 0;
	double acc = 0, ll = 0, se = 0, sy = 0, syy = 0;
	for (size_t r = 0; r < n; r++) {
		double *s = tr->oob_sum + r * vd;
		if (tr->oob_n[r] == 0) {
			if (oob)
				for (size_t k = 0; k < vd; k++)
					oob[r * vd + k] = NAN;
			continue;
		}
		for (size_t k = 0; k < vd; k++)
			s[k] /= tr->oob_n[r];
		if (oob)
			memcpy(oob + r * vd, s, vd * sizeof *s);
		m++;
		double y = tr->y[r];
		if (tr->K) {
			size_t best = 0;
			for (size_t k = 1; k < vd; k++)
				if (s[k] > s[best])
					best = k;
			acc += best == (size_t)y;
			double q = s[(size_t)y];
			q = q < 1e-15 ? 1e-15 : q > 1 - 1e-15 ? 1 - 1e-15 : q;
			ll -= log(q);
		} else {
			se += (s[0] - y) * (s[0] - y);
			sy += y;
			syy += y * y;
		}
	}
	f->oob_rows = m;
	if (!m)
		return;
	if (tr->K) {
		f->oob_accuracy = acc / (double)m;
		f->oob_logloss = ll / (double)m;
	} else {
		f->oob_mse = se / (double)m;
		double mean = sy / (double)m, var = syy / (double)m - mean * mean;
		f->oob_r2 = var > 0 ? 1 - f->oob_mse / var : 0;
	}
}

static char *params_json(const dl_forest_params *p, enum dl_forest_task task, long mtry,
			 double mns, double frac)
{
	static const char *imp[] = { "none", "impurity", "permutation" };
	dl_buf b = { 0 };
	dl_buf_printf(&b, "{\"trees\": %d, \"mtry\": %ld, \"min_node_size\": %.17g, "
		      "\"max_depth\": %d, \"sample_fraction\": %.17g, \"replace\": %s, "
		      "\"split\": \"%s\", \"importance\": \"%s\", \"max_bin\": %d, \"exact\": %s, "
		      "\"seed\": %llu", p->ntree, mtry, mns, p->max_depth, frac,
		      p->replace ? "true" : "false", criterion_name(p, task), imp[p->importance],
		      p->max_bin, p->exact ? "true" : "false", (unsigned long long)p->seed);
	if (p->quantreg && task == DL_FOREST_REGRESSION)
		dl_buf_puts(&b, ", \"quantreg\": true");
	if (task == DL_FOREST_CLASSIFICATION)
		dl_buf_printf(&b, ", \"probability\": %s", p->votes ? "false" : "true");
	if (p->class_weights) {
		dl_buf_puts(&b, ", \"class_weights\": [");
		for (size_t k = 0; k < p->nclass_weights; k++)
			dl_buf_printf(&b, k ? ", %.17g" : "%.17g", p->class_weights[k]);
		dl_buf_putc(&b, ']');
	}
	dl_buf_puts(&b, "}");
	dl_buf_putc(&b, 0);
	return (char *)b.data;
}

dl_forest *dl_forest_train(const dl_forest_params *p, const dl_table *t, double *oob,
			   dl_err *e)
{
	size_t n = t->nrow, d = t->ncol;
	if (!t->label)
		return dl_errf(e, "no label column"), NULL;
	if (d == 0)
		return dl_errf(e, "no feature columns"), NULL;
	if (n > UINT32_MAX)
		return dl_errf(e, "more than %u rows", UINT32_MAX), NULL;
	enum dl_forest_task task = p->task == DL_FOREST_AUTO ? dl_forest_auto_task(t->label, n)
							     : p->task;
	int K = 0;
	if (task == DL_FOREST_CLASSIFICATION && (K = class_count(t->label, n, e)) < 0)
		return NULL;
	if (task == DL_FOREST_REGRESSION)
		for (size_t i = 0; i < n; i++)
			if (!isfinite(t->label[i]))
				return dl_errf(e, "row %zu: label is not finite", i + 1), NULL;
	if (p->class_weights && task == DL_FOREST_CLASSIFICATION &&
	    p->nclass_weights != (size_t)K)
		return dl_errf(e, "%zu class weights for %d classes", p->nclass_weights, K), NULL;
	long mtry = dl_forest_mtry(p, task, d);
	if (mtry < 0)
		return dl_errf(e, "--mtry %g is larger than the number of features (%zu)", p->mtry,
			       d), NULL;
	double frac = p->sample_fraction > 0 ? p->sample_fraction : p->replace ? 1.0 : 0.632;
	double mns = p->min_node_size >= 0 ? p->min_node_size
					   : task == DL_FOREST_REGRESSION ? 5 : 1;
	size_t ndraw = (size_t)llround(frac * (double)n);
	if (ndraw < 1)
		ndraw = 1;

	dl_forest *f = dl_calloc(1, sizeof *f);
	f->task = task;
	f->nclass = K ? K : 1;
	f->nfeat = d;
	f->features = dl_mallocarray(d, sizeof *f->features);
	for (size_t i = 0; i < d; i++)
		f->features[i] = dl_strdup(t->names[i]);
	f->ntree = (size_t)p->ntree;
	f->trees = dl_calloc(f->ntree + 1, sizeof *f->trees);
	f->params_json = params_json(p, task, mtry, mns, frac);

	int threads = p->threads > 0 ? p->threads : 1;
	dl_pool *pool = dl_pool_new(threads);
	dl_bins *b = p->exact ? NULL : dl_bins_build(t, p->max_bin, pool);
	dl_ranks *rk = p->exact ? dl_ranks_build(t, pool) : NULL;
	struct train tr = { 0 };
	tr.p = p;
	tr.cp.criterion = task == DL_FOREST_REGRESSION ? DL_CART_VARIANCE : p->criterion;
	tr.cp.extratrees = p->extratrees;
	tr.cp.mtry = (size_t)mtry;
	tr.cp.min_node_size = mns;
	tr.cp.max_depth = p->max_depth;
	tr.b = b;
	tr.rk = rk;
	tr.t = t;
	tr.y = t->label;
	tr.n = n;
	tr.nfeat = d;
	tr.ndraw = ndraw;
	tr.K = K;
	tr.vdim = f->nclass;
	if (t->weight || (p->class_weights && K)) {
		tr.weight = dl_mallocarray(n, sizeof *tr.weight);
		for (size_t r = 0; r < n; r++)
			tr.weight[r] = (t->weight ? t->weight[r] : 1.0f) *
				       (p->class_weights && K ? (float)p->class_weights[(size_t)t->label[r]]
							      : 1.0f);
	}
	tr.cart = dl_mallocarray((size_t)threads, sizeof *tr.cart);
	tr.count = dl_mallocarray((size_t)threads, sizeof *tr.count);
	tr.idx = dl_mallocarray((size_t)threads, sizeof *tr.idx);
	tr.perm = dl_mallocarray((size_t)threads, sizeof *tr.perm);
	uint8_t *col = b ? dl_cart_columns(b) : NULL;
	float *bmax = b ? dl_cart_bin_max(b, t, pool) : NULL;
	for (int i = 0; i < threads; i++) {
		if (rk) {
			tr.cart[i] = dl_cart_new_exact(rk, t->label, K);
		} else {
			tr.cart[i] = dl_cart_new(b, t->label, K, NULL);
			dl_cart_set_columns(tr.cart[i], col);
			dl_cart_set_bin_max(tr.cart[i], bmax);
		}
		tr.count[i] = dl_mallocarray(n > d ? n : d, sizeof(float));
		tr.idx[i] = dl_mallocarray(n, sizeof **tr.idx);
		tr.perm[i] = p->importance == DL_FOREST_IMP_PERMUTATION
				     ? dl_mallocarray(n, sizeof **tr.perm) : NULL;
	}
	tr.inbag = dl_mallocarray((size_t)BLOCK * n, 1);
	tr.trees = f->trees;
	if (p->importance == DL_FOREST_IMP_PERMUTATION)
		tr.perm_imp = dl_calloc(f->ntree * d + 1, sizeof *tr.perm_imp);
	tr.oob_sum = dl_calloc(n * (size_t)tr.vdim, sizeof *tr.oob_sum);
	tr.oob_n = dl_calloc(n, sizeof *tr.oob_n);
	for (size_t first = 0; first < f->ntree; first += BLOCK) {
		tr.first = first;
		tr.ntree = f->ntree - first < BLOCK ? f->ntree - first : BLOCK;
		dl_pool_for(pool, tr.ntree, 1, grow_block, &tr);
		dl_pool_for(pool, n, 1024, oob_block, &tr);
	}
	oob_error(f, &tr, oob);
	if (p->quantreg && task == DL_FOREST_REGRESSION) {
		tr.forest = f;
		f->qrows = n;
		f->qy = dl_mallocarray(n, sizeof *f->qy);
		memcpy(f->qy, t->label, n * sizeof *f->qy);
		f->qleaf = dl_mallocarray(f->ntree * n, sizeof *f->qleaf);
		dl_pool_for(pool, f->ntree, 1, qleaf_trees, &tr);
	}
	if (tr.perm_imp) {
		f->perm_importance = dl_calloc(d, sizeof *f->perm_importance);
		for (size_t i = 0; i < f->ntree; i++)
			for (size_t j = 0; j < d; j++)
				f->perm_importance[j] += tr.perm_imp[i * d + j];
		for (size_t j = 0; j < d; j++)
			f->perm_importance[j] /= (double)f->ntree;
	}
	for (int i = 0; i < threads; i++) {
		dl_cart_free(tr.cart[i]);
		dl_free(tr.count[i]);
		dl_free(tr.idx[i]);
		dl_free(tr.perm[i]);
	}
	dl_free(tr.cart);
	dl_free(tr.count);
	dl_free(tr.idx);
	dl_free(tr.perm);
	dl_free(tr.inbag);
	dl_free(tr.perm_imp);
	dl_free(tr.oob_sum);
	dl_free(tr.oob_n);
	dl_free(tr.weight);
	dl_free(col);
	dl_free(bmax);
	dl_bins_free(b);
	dl_ranks_free(rk);
	dl_pool_free(pool);
	return f;
}

/* ---- prediction */

/* Trees are repacked for routing: one 12-byte node per tree node, the two children of an
 * internal node side by side (left, then right at left + 1), nodes in breadth-first order
 * so that the top levels of a tree share cache lines; a leaf holds -1 - (its node index in
 * the original tree), where its values are. A block of rows goes through one tree at a
 * time, so that the tree's nodes stay in cache across the rows (a grown-out tree of 10^5
 * nodes is about 1 MB packed; the blocks are large, a thread's share of the rows up to
 * 16384 rows), and LANES rows of the block walk down a tree together, one level a step, so
 * that their cache misses overlap (about twice the rows a second of one walk at a time);
 * each row's sum still runs over the trees in order, so the results are those of
 * dl_tree_leaf. */
struct pnode {
	float thr;
	uint32_t feat;          /* the feature; top bit: missing values go left */
	int32_t left;           /* the left child (right = left + 1), or -1 - leaf */
};

#define PNODE_LEFT_MISSING 0x80000000u
#define LANES 8

struct pred {
	const dl_forest *f;
	const dl_table *t;
	double *out;
	struct pnode **nodes;   /* per tree */
	size_t block;           /* rows per block */
};

static struct pnode *pack_tree(const dl_tree *t)
{
	struct pnode *p = dl_mallocarray((size_t)t->n + 1, sizeof *p);
	int32_t *queue = dl_mallocarray((size_t)t->n + 1, sizeof *queue);
	int32_t head = 0, tail = 0, used = 1;
	queue[tail++] = 0;      /* the node of the tree at packed index head */
	while (head < tail) {
		int32_t i = queue[head], k = head++;
		if (t->left[i] < 0) {
			p[k] = (struct pnode){ 0, 0, -1 - i };
			continue;
		}
		p[k] = (struct pnode){ t->thr[i], (uint32_t)t->feature[i] |
				       (t->default_left[i] ? PNODE_LEFT_MISSING : 0), used };
		queue[tail++] = t->left[i];
		queue[tail++] = t->right[i];
		used += 2;
	}
	dl_free(queue);
	return p;
}

static void pack_trees(void *ctx, size_t begin, size_t end, int tid)
{
	struct pred *pr = ctx;
	(void)tid;
	for (size_t i = begin; i < end; i++)
		pr->nodes[i] = pack_tree(pr->f->trees[i]);
}

static void predict_rows(void *ctx, size_t begin, size_t end, int tid)
{
	struct pred *pr = ctx;
	const dl_forest *f = pr->f;
	size_t K = (size_t)f->nclass, nc = pr->t->ncol;
	(void)tid;
	for (size_t r0 = begin; r0 < end; r0 += pr->block) {
		size_t r1 = r0 + pr->block < end ? r0 + pr->block : end;
		for (size_t k = 0; k < (r1 - r0) * K; k++)
			pr->out[r0 * K + k] = 0;
		for (size_t i = 0; i < f->ntree; i++) {
			const struct pnode *nd = pr->nodes[i];
			const float *val = f->trees[i]->value;
			/* LANES rows walk down together, a level a step, so that their
			 * cache misses overlap */
			for (size_t ra = r0; ra < r1; ra += LANES) {
				size_t nl = r1 - ra < LANES ? r1 - ra : LANES;
				int32_t j[LANES];
				const float *x[LANES];
				for (size_t l = 0; l < nl; l++) {
					j[l] = 0;
					x[l] = pr->t->x + (ra + l) * nc;
				}
				for (int active = 1; active;) {
					active = 0;
					for (size_t l = 0; l < nl; l++) {
						const struct pnode *n = &nd[j[l]];
						if (n->left < 0)
							continue;
						uint32_t fe = n->feat;
						float v = x[l][fe & ~PNODE_LEFT_MISSING];
						int right = v != v ? !(fe & PNODE_LEFT_MISSING) : !(v < n->thr);
						j[l] = n->left + right;
						active = 1;
					}
				}
				for (size_t l = 0; l < nl; l++) {
					const float *v = val + (size_t)(-1 - nd[j[l]].left) * K;
					double *o = pr->out + (ra + l) * K;
					for (size_t k = 0; k < K; k++)
						o[k] += v[k];
				}
			}
		}
		for (size_t k = 0; k < (r1 - r0) * K; k++)
			pr->out[r0 * K + k] /= (double)(f->ntree ? f->ntree : 1);
	}
}

void dl_forest_predict(const dl_forest *f, const dl_table *t, dl_pool *pool, double *out)
{
	struct pred pr = { f, t, out, dl_mallocarray(f->ntree + 1, sizeof *pr.nodes), 0 };
	size_t th = (size_t)dl_pool_threads(pool);
	pr.block = (t->nrow + th - 1) / th;
	pr.block = pr.block < 256 ? 256 : pr.block > 16384 ? 16384 : pr.block;
	dl_pool_for(pool, f->ntree, 1, pack_trees, &pr);
	dl_pool_for(pool, t->nrow, pr.block, predict_rows, &pr);
	for (size_t i = 0; i < f->ntree; i++)
		dl_free(pr.nodes[i]);
	dl_free(pr.nodes);
}

size_t dl_forest_output_dim(const dl_forest *f)
{
	return f->task == DL_FOREST_CLASSIFICATION && f->nclass > 2 ? (size_t)f->nclass : 1;
}

void dl_forest_impurity_importance(const dl_forest *f, double *out)
{
	for (size_t j = 0; j < f->nfeat; j++)
		out[j] = 0;
	for (size_t i = 0; i < f->ntree; i++) {
		const dl_tree *t = f->trees[i];
		for (int32_t k = 0; k < t->n; k++)
			if (t->left[k] >= 0)
				out[t->feature[k]] += t->gain[k];
	}
	for (size_t j = 0; j < f->nfeat; j++)
		out[j] /= (double)(f->ntree ? f->ntree : 1);
}
