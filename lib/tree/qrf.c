/*
 * qrf.c — quantile predictions of a regression forest (Meinshausen 2006; forest.h).
 *
 * The training rows are ranked by label once (ties by row index). For each tree the rows
 * are grouped by leaf, each group in increasing rank, so that a leaf's rows are one range.
 * A new row gathers, over the trees, the weight 1 / |leaf| of every training row in the
 * leaf it reaches, into a dense array indexed by rank; the ranks it touched are then sorted
 * and their weights summed in that order, which walks the estimated conditional
 * distribution F(y | x) from its smallest label up. Each quantile is read off that walk.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "tree/forest.h"

/* A rounding slack: the weights of a leaf sum to 1 only up to rounding. */
#define QRF_SLACK 1e-12

struct qrf {
	const dl_forest *f;
	const dl_table *t;
	const double *probs;
	size_t nq;
	double *out;
	size_t n;
	float *ysorted;         /* the labels in rank order */
	size_t *base;           /* per tree: where its offsets start in off */
	uint32_t *off;          /* per tree: t->n + 1 offsets into rows */
	uint32_t *rows;         /* per tree: n ranks grouped by leaf */
	double **w;             /* per thread: n weights by rank, zero between rows */
	uint32_t **touched;     /* per thread: the ranks with a weight */
};

struct rankent {
	float y;
	uint32_t r;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct rankent *x = a, *y = b;
	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	return x->r < y->r ? -1 : x->r > y->r;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void quantile_rows(void *ctx, size_t begin, size_t end, int tid)
{
	struct qrf *q = ctx;
	const dl_forest *f = q->f;
	size_t nc = q->t->ncol;
	double *w = q->w[tid];
	uint32_t *touched = q->touched[tid];
	for (size_t r = begin; r < end; r++) {
		const float *x = q->t->x + r * nc;
		size_t m = 0;
		double total = 0;
		for (size_t i = 0; i < f->ntree; i++) {
			int32_t leaf = dl_tree_leaf(f->trees[i], x);
			const uint32_t *off = q->off + q->base[i];
			uint32_t a = off[leaf], b = off[leaf + 1];
			if (a == b)
				continue;
			double wi = 1.0 / (double)(b - a);
			const uint32_t *rows = q->rows + i * q->n;
			for (uint32_t j = a; j < b; j++) {
				uint32_t k = rows[j];
				if (w[k] == 0)
					touched[m++] = k;
				w[k] += wi;
			}
			total += 1;
		}
		double *o = q->out + r * q->nq;
		if (m == 0) {
			for (size_t j = 0; j < q->nq; j++)
				o[j] = NAN;
			continue;
		}
		qsort(touched, m, sizeof *touched, cmp_u32);
		/* the quantiles in any order: one walk per quantile over the sorted ranks */
		for (size_t j = 0; j < q->nq; j++) {
			double target = q->probs[j] * total - QRF_SLACK * total, cum = 0;
			size_t k = 0;
			while (k + 1 < m && (cum += w[touched[k]]) < target)
				k++;
			o[j] = q->ysorted[touched[k]];
		}
		for (size_t k = 0; k < m; k++)
			w[touched[k]] = 0;
	}
}

void dl_forest_quantiles(const dl_forest *f, const dl_table *t, const double *probs,
			 size_t nq, dl_pool *pool, double *out)
{
	size_t n = f->qrows, T = f->ntree;
	struct qrf q = { f, t, probs, nq, out, n, NULL, NULL, NULL, NULL, NULL, NULL };
	struct rankent *re = dl_mallocarray(n + 1, sizeof *re);
	uint32_t *rank = dl_mallocarray(n + 1, sizeof *rank);
	for (size_t r = 0; r < n; r++)
		re[r] = (struct rankent){ f->qy[r], (uint32_t)r };
	qsort(re, n, sizeof *re, cmp_rank);
	q.ysorted = dl_mallocarray(n + 1, sizeof *q.ysorted);
	for (size_t k = 0; k < n; k++) {
		q.ysorted[k] = re[k].y;
		rank[re[k].r] = (uint32_t)k;
	}
	q.base = dl_mallocarray(T + 1, sizeof *q.base);
	size_t tot = 0;
	for (size_t i = 0; i < T; i++) {
		q.base[i] = tot;
		tot += (size_t)f->trees[i]->n + 1;
	}
	q.off = dl_calloc(tot + 1, sizeof *q.off);
	q.rows = dl_mallocarray(T * n + 1, sizeof *q.rows);
	for (size_t i = 0; i < T; i++) {
		uint32_t *off = q.off + q.base[i], *rows = q.rows + i * n;
		const int32_t *leaf = f->qleaf + i * n;
		size_t nn = (size_t)f->trees[i]->n;
		for (size_t r = 0; r < n; r++)
			off[leaf[r] + 1]++;
		for (size_t k = 0; k < nn; k++)
			off[k + 1] += off[k];
		/* rows in rank order, so that each leaf's range is increasing */
		for (size_t k = 0; k < n; k++) {
			uint32_t r = re[k].r;
			rows[off[leaf[r]]++] = (uint32_t)k;
		}
		for (size_t k = nn; k > 0; k--)
			off[k] = off[k - 1];
		off[0] = 0;
	}
	dl_free(re);
	dl_free(rank);
	int nt = dl_pool_threads(pool);
	q.w = dl_mallocarray((size_t)nt, sizeof *q.w);
	q.touched = dl_mallocarray((size_t)nt, sizeof *q.touched);
	size_t cap = 0;
	for (size_t i = 0; i < T; i++) {
		/* at most every row of the largest leaf of each tree */
		const uint32_t *off = q.off + q.base[i];
		uint32_t mx = 0;
		for (int32_t k = 0; k < f->trees[i]->n; k++)
			mx = off[k + 1] - off[k] > mx ? off[k + 1] - off[k] : mx;
		cap += mx;
	}
	cap = cap < n ? cap : n;
	for (int i = 0; i < nt; i++) {
		q.w[i] = dl_calloc(n + 1, sizeof **q.w);
		q.touched[i] = dl_mallocarray(cap + 1, sizeof **q.touched);
	}
	dl_pool_for(pool, t->nrow, 64, quantile_rows, &q);
	for (int i = 0; i < nt; i++) {
		dl_free(q.w[i]);
		dl_free(q.touched[i]);
	}
	dl_free(q.w);
	dl_free(q.touched);
	dl_free(q.ysorted);
	dl_free(q.base);
	dl_free(q.off);
	dl_free(q.rows);
}
