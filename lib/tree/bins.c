/*
 * bins.c — quantile cut points and the bin matrix (see bins.h for the layout).
 *
 * Each feature's non-missing values are sorted exactly (a three-pass LSD radix sort of the
 * order-preserving integer image of the floats, with the row index riding along for the
 * weights), so the cut points are the exact weighted quantiles rather than a sketch's
 * approximation. Features are sorted in parallel; rows are binned in parallel.
 */
#include "tree/bins.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"

/* Order-preserving map of a float's bits to an unsigned key (negative values reversed). */
static inline uint32_t float_key(float x)
{
	uint32_t u;
	memcpy(&u, &x, 4);
	return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

static inline float key_float(uint32_t k)
{
	uint32_t u = (k & 0x80000000u) ? (k & 0x7fffffffu) : ~k;
	float x;
	memcpy(&x, &u, 4);
	return x;
}

/* Sorts a[0..n) by the high 32 bits (the key), stably, in three 11-bit passes. */
static void radix_sort_hi(uint64_t *a, uint64_t *tmp, size_t n)
{
	static const int shift[3] = { 32, 43, 54 };
	for (int p = 0; p < 3; p++) {
		size_t count[2049] = { 0 };
		int s = shift[p];
		for (size_t i = 0; i < n; i++)
			count[((a[i] >> s) & 2047) + 1]++;
		for (int b = 0; b < 2048; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			tmp[count[(a[i] >> s) & 2047]++] = a[i];
		uint64_t *t = a;
		a = tmp;
		tmp = t;
	}
	/* three passes: the sorted data is in the original tmp; copy back */
	memcpy(tmp, a, n * sizeof *a);
}

size_t dl_bins_cuts(const float *vals, const double *wsum, size_t n, int max_bin, float *cuts)
{
	if (n == 0)
		return 0;
	size_t distinct = 1;
	for (size_t i = 1; i < n && distinct <= (size_t)max_bin; i++)
		distinct += vals[i] != vals[i - 1];
	size_t nc = 0;
	if (distinct <= (size_t)max_bin) {
		for (size_t i = 1; i < n; i++)
			if (vals[i] != vals[i - 1])
				cuts[nc++] = vals[i];
	} else {
		double total = wsum ? wsum[n - 1] : (double)n;
		size_t i = 0;
		for (int j = 1; j < max_bin; j++) {
			double rank = (double)j * total / (max_bin - 1);
			/* the first value whose cumulative weight reaches the rank */
			while (i + 1 < n && (wsum ? wsum[i] : (double)(i + 1)) < rank)
				i++;
			if (vals[i] > vals[0] && (nc == 0 || vals[i] > cuts[nc - 1]))
				cuts[nc++] = vals[i];
		}
		if (nc == (size_t)max_bin)
			nc--;   /* room for the closing cut */
	}
	float last = vals[n - 1];
	if (nc > 0 && cuts[nc - 1] > last)
		nc--;
	cuts[nc++] = last + (fabsf(last) + 1e-5f);
	return nc;
}

struct build_ctx {
	const dl_table *t;
	dl_bins *b;
	int max_bin;
	uint8_t **col;          /* bins of each feature, column by column */
	size_t *cstart;         /* sparse: CSC column offsets */
	uint32_t *crow;         /* sparse: rows of each column's entries */
	float *cval;
};

static void sort_feature(void *arg, size_t begin, size_t end, int tid)
{
	struct build_ctx *c = arg;
	const dl_table *t = c->t;
	(void)tid;
	for (size_t f = begin; f < end; f++) {
		size_t cap = t->x ? t->nrow : c->cstart[f + 1] - c->cstart[f];
		uint64_t *a = dl_mallocarray(cap ? cap : 1, sizeof *a);
		uint64_t *tmp = dl_mallocarray(cap ? cap : 1, sizeof *tmp);
		size_t n = 0;
		int missing = 0;
		if (t->x) {
			for (size_t r = 0; r < t->nrow; r++) {
				float v = t->x[r * t->ncol + f];
				if (isnan(v))
					missing = 1;
				else
					a[n++] = (uint64_t)float_key(v) << 32 | r;
			}
		} else {
			for (size_t k = c->cstart[f]; k < c->cstart[f + 1]; k++) {
				float v = c->cval[k];
				if (!isnan(v))
					a[n++] = (uint64_t)float_key(v) << 32 | c->crow[k];
			}
			missing = n < t->nrow;
		}
		radix_sort_hi(a, tmp, n);
		float *vals = (float *)tmp;     /* reuse: n floats fit in n u64 */
		double *wsum = NULL;
		for (size_t i = 0; i < n; i++)
			vals[i] = key_float((uint32_t)(a[i] >> 32));
		if (t->weight) {
			wsum = dl_mallocarray(n ? n : 1, sizeof *wsum);
			double s = 0;
			for (size_t i = 0; i < n; i++) {
				s += t->weight[(uint32_t)a[i]];
				wsum[i] = s;
			}
		}
		int mb = c->max_bin;
		if (missing && mb > 255)
			mb = 255;
		float *cuts = dl_mallocarray((size_t)mb + 1, sizeof *cuts);
		size_t nc = dl_bins_cuts(vals, wsum, n, mb, cuts);
		c->b->cuts[f] = cuts;
		c->b->nbin[f] = (uint16_t)nc;
		c->b->has_missing[f] = (uint8_t)missing;
		/* the bins of the column, walking the values in order (no search per cell) */
		uint8_t *col = dl_malloc(t->nrow ? t->nrow : 1);
		memset(col, DL_BIN_MISSING, t->nrow);
		size_t bin = 0;
		for (size_t i = 0; i < n; i++) {
			while (bin + 1 < nc && !(vals[i] < cuts[bin]))
				bin++;
			col[(uint32_t)a[i]] = (uint8_t)bin;
		}
		c->col[f] = col;
		dl_free(wsum);
		dl_free(a);
		dl_free(tmp);
	}
}

int dl_bins_find(const dl_bins *b, size_t f, float x)
{
	if (isnan(x))
		return DL_BIN_MISSING;
	const float *c = b->cuts[f];
	size_t lo = 0, hi = b->nbin[f];
	if (hi == 0)
		return DL_BIN_MISSING;
	/* the first cut greater than x */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < b->nbin[f] ? (int)lo : (int)b->nbin[f] - 1;
}

/* Transposes the columns' bins into the row-major matrix, a block of rows at a time. */
static void bin_rows(void *arg, size_t begin, size_t end, int tid)
{
	struct build_ctx *c = arg;
	dl_bins *b = c->b;
	size_t nf = b->nfeat;
	(void)tid;
	for (size_t r = begin; r < end; r++) {
		uint8_t *row = b->bm + r * nf;
		for (size_t f = 0; f < nf; f++)
			row[f] = c->col[f][r];
	}
}

/* Column-major copy of a sparse table (counting sort by column). */
static void to_csc(struct build_ctx *c)
{
	const dl_table *t = c->t;
	size_t nnz = t->rowptr[t->nrow];
	c->cstart = dl_calloc(t->ncol + 1, sizeof *c->cstart);
	c->crow = dl_mallocarray(nnz ? nnz : 1, sizeof *c->crow);
	c->cval = dl_mallocarray(nnz ? nnz : 1, sizeof *c->cval);
	for (size_t k = 0; k < nnz; k++)
		c->cstart[t->col[k] + 1]++;
	for (size_t f = 0; f < t->ncol; f++)
		c->cstart[f + 1] += c->cstart[f];
	size_t *pos = dl_mallocarray(t->ncol + 1, sizeof *pos);
	memcpy(pos, c->cstart, (t->ncol + 1) * sizeof *pos);
	for (size_t r = 0; r < t->nrow; r++)
		for (size_t k = t->rowptr[r]; k < t->rowptr[r + 1]; k++) {
			size_t p = pos[t->col[k]]++;
			c->crow[p] = (uint32_t)r;
			c->cval[p] = t->val[k];
		}
	dl_free(pos);
}

dl_bins *dl_bins_build(const dl_table *t, int max_bin, dl_pool *pool)
{
	dl_bins *b = dl_calloc(1, sizeof *b);
	b->nfeat = t->ncol;
	b->nrow = t->nrow;
	b->nbin = dl_calloc(t->ncol ? t->ncol : 1, sizeof *b->nbin);
	b->cuts = dl_calloc(t->ncol ? t->ncol : 1, sizeof *b->cuts);
	b->has_missing = dl_calloc(t->ncol ? t->ncol : 1, 1);
	struct build_ctx c = { .t = t, .b = b, .max_bin = max_bin };
	c.col = dl_calloc(t->ncol ? t->ncol : 1, sizeof *c.col);
	if (!t->x)
		to_csc(&c);
	dl_pool_for(pool, t->ncol, 1, sort_feature, &c);
	b->bm = dl_mallocarray(t->nrow * (t->ncol ? t->ncol : 1), 1);
	dl_pool_for(pool, t->nrow, 4096, bin_rows, &c);
	for (size_t f = 0; f < t->ncol; f++)
		dl_free(c.col[f]);
	dl_free(c.col);
	dl_free(c.cstart);
	dl_free(c.crow);
	dl_free(c.cval);
	return b;
}

void dl_bins_free(dl_bins *b)
{
	if (!b)
		return;
	for (size_t f = 0; f < b->nfeat; f++)
		dl_free(b->cuts[f]);
	dl_free(b->cuts);
	dl_free(b->nbin);
	dl_free(b->has_missing);
	dl_free(b->bm);
	dl_free(b);
}

/* ---- ranks (exact splits) */

struct rank_ctx {
	const dl_table *t;
	dl_ranks *rk;
	uint64_t **keys, **tmp;         /* per thread: nrow each */
};

static void rank_feature(void *arg, size_t begin, size_t end, int tid)
{
	struct rank_ctx *c = arg;
	const dl_table *t = c->t;
	dl_ranks *rk = c->rk;
	size_t n = rk->nrow;
	uint64_t *keys = c->keys[tid], *tmp = c->tmp[tid];
	for (size_t f = begin; f < end; f++) {
		uint32_t *code = rk->code + f * n;
		size_t m = 0;
		for (size_t r = 0; r < n; r++) {
			float x = t->x ? t->x[r * t->ncol + f] : dl_table_get(t, r, f);
			if (x != x) {
				code[r] = DL_RANK_MISSING;
				rk->has_missing[f] = 1;
				continue;
			}
			keys[m++] = (uint64_t)float_key(x == 0 ? 0.0f : x) << 32 | r;
		}
		radix_sort_hi(keys, tmp, m);
		float *u = dl_mallocarray(m + 1, sizeof *u);
		uint32_t nu = 0;
		for (size_t i = 0; i < m; i++) {
			float x = key_float((uint32_t)(keys[i] >> 32));
			if (nu == 0 || x != u[nu - 1])
				u[nu++] = x;
			code[(uint32_t)keys[i]] = nu - 1;
		}
		rk->uval[f] = u;
		rk->nuniq[f] = nu;
	}
}

dl_ranks *dl_ranks_build(const dl_table *t, dl_pool *pool)
{
	dl_ranks *rk = dl_calloc(1, sizeof *rk);
	size_t n = t->nrow, d = t->ncol;
	int nt = dl_pool_threads(pool);
	rk->nrow = n;
	rk->nfeat = d;
	rk->code = dl_mallocarray(n * d + 1, sizeof *rk->code);
	rk->nuniq = dl_calloc(d + 1, sizeof *rk->nuniq);
	rk->uval = dl_calloc(d + 1, sizeof *rk->uval);
	rk->has_missing = dl_calloc(d + 1, 1);
	struct rank_ctx c = { t, rk, NULL, NULL };
	c.keys = dl_mallocarray((size_t)nt, sizeof *c.keys);
	c.tmp = dl_mallocarray((size_t)nt, sizeof *c.tmp);
	for (int i = 0; i < nt; i++) {
		c.keys[i] = dl_mallocarray(n + 1, sizeof **c.keys);
		c.tmp[i] = dl_mallocarray(n + 1, sizeof **c.tmp);
	}
	dl_pool_for(pool, d, 1, rank_feature, &c);
	for (int i = 0; i < nt; i++) {
		dl_free(c.keys[i]);
		dl_free(c.tmp[i]);
	}
	dl_free(c.keys);
	dl_free(c.tmp);
	for (size_t f = 0; f < d; f++)
		rk->max_uniq = rk->nuniq[f] > rk->max_uniq ? rk->nuniq[f] : rk->max_uniq;
	return rk;
}

void dl_ranks_free(dl_ranks *rk)
{
	if (!rk)
		return;
	for (size_t f = 0; f < rk->nfeat; f++)
		dl_free(rk->uval[f]);
	dl_free(rk->uval);
	dl_free(rk->nuniq);
	dl_free(rk->code);
	dl_free(rk->has_missing);
	dl_free(rk);
}
