/*
 * grow.c — histogram tree growth (see grow.h for the method and its sources).
 *
 * Rows live in one index array; a node owns the contiguous slice [begin, end) of it and a
 * split partitions its slice stably, so the rows of every node stay in increasing order
 * and the bin matrix is read front to back. A histogram is nfeat blocks of HSTRIDE pairs
 * (gradient, hessian) of doubles, bin k of feature f at f * HSTRIDE + k; slot 255 of a
 * feature that has missing values holds the missing rows. The blocks are 260 pairs apart,
 * not 256: at 4096 bytes apart the same bin of every feature would fall into the same
 * cache set, and a row's adds (mostly to bin 0 on one-hot data) would evict each other. Big nodes are accumulated by all threads into private histograms that are
 * then summed; the split scan is cheap (256 bins per feature) and runs on one thread.
 *
 * Sparse data (most cells missing, as libsvm data usually is) is accumulated from a
 * compressed copy of the bin matrix that lists each row's present cells, and slot 255 of
 * a feature is then the node's total minus the feature's present bins (the missing rows
 * by subtraction, as XGBoost finds them): a row costs its present cells, not nfeat, and
 * the runs of adds to one missing slot, each waiting for the one before, are gone.
 */
#include "tree/grow.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "core/alloc.h"

typedef double v2d __attribute__((vector_size(16)));

#define RT_EPS 1e-6             /* a loss change must exceed this to split (as XGBoost) */
#define HSTRIDE 260            /* histogram pairs per feature (256 bins, then padding) */
#define PAR_ROWS 8192           /* nodes with fewer rows are built and split by one thread */

struct cand {
	int feat;               /* -1: no valid split */
	int bin;                /* rows with bin <= this go left */
	int dleft;
	double gain;
	double gl, hl, gr, hr;
	double wl, wr;
};

struct work {
	int32_t id;
	int depth;
	size_t begin, end;
	double g, h, lo, hi, w;
	v2d *hist;
	struct cand best;
};

struct dl_grower {
	const dl_bins *b;
	dl_pool *pool;
	int nthr;
	size_t hsize;                   /* v2d per histogram */
	uint32_t *pos, *tmp, *pos2;     /* rows by node; partition scratch (pos2: threaded) */
	size_t cap;
	v2d **thist;                    /* partial histograms, one per thread */
	v2d **spare;                    /* free histograms */
	size_t nspare, capspare;
	struct work *q;                 /* nodes waiting to be split */
	size_t nq, capq;
	size_t *nbegin, *nend;          /* row slice of each tree node */
	size_t capnode;
	uint8_t *levelmask, *nodemask;
	uint32_t *featlist;
	/* sparse data: row r's present cells are sp_cell[sp_ptr[r] .. sp_ptr[r + 1]), each
	 * f * HSTRIDE + bin; NULL for dense data */
	size_t *sp_ptr;
	uint32_t *sp_cell;
	uint8_t *bcol;          /* the bin matrix column-major (nfeat x nrow), for partition */
	const float *bmax;      /* midpoint thresholds, or NULL */
	int whole_nodes;        /* every row that reaches a node is one of its rows */
};

#define SPARSE_MISSING 0.5      /* use the compressed rows above this share of missing cells */

/* The compressed rows of a bin matrix whose cells are mostly missing. */
static void build_sparse(dl_grower *g)
{
	const dl_bins *b = g->b;
	size_t nf = b->nfeat, n = b->nrow, present = 0;
	for (size_t i = 0; i < n * nf; i++)
		present += !(b->bm[i] == DL_BIN_MISSING && b->has_missing[i % nf]);
	if (n == 0 || nf == 0 || (double)present > (1.0 - SPARSE_MISSING) * (double)(n * nf))
		return;
	g->sp_ptr = dl_mallocarray(n + 1, sizeof *g->sp_ptr);
	g->sp_cell = dl_mallocarray(present ? present : 1, sizeof *g->sp_cell);
	size_t k = 0;
	for (size_t r = 0; r < n; r++) {
		g->sp_ptr[r] = k;
		const uint8_t *row = b->bm + r * nf;
		for (size_t f = 0; f < nf; f++)
			if (!(row[f] == DL_BIN_MISSING && b->has_missing[f]))
				g->sp_cell[k++] = (uint32_t)(f * HSTRIDE + row[f]);
	}
	g->sp_ptr[n] = k;
}

dl_grower *dl_grower_new(const dl_bins *b, dl_pool *pool)
{
	dl_grower *g = dl_calloc(1, sizeof *g);
	g->b = b;
	g->pool = pool;
	g->nthr = dl_pool_threads(pool);
	g->hsize = (b->nfeat ? b->nfeat : 1) * HSTRIDE;
	g->thist = dl_calloc((size_t)g->nthr, sizeof *g->thist);
	g->levelmask = dl_malloc(b->nfeat + 1);
	g->nodemask = dl_malloc(b->nfeat + 1);
	g->featlist = dl_mallocarray(b->nfeat + 1, sizeof *g->featlist);
	build_sparse(g);
	/* Partitioning a node reads one feature of each of its rows: from the row-major
	 * matrix that is a cache line per row, from a column a line per 64 rows. */
	g->bcol = dl_malloc(b->nrow * b->nfeat + 1);
	for (size_t r0 = 0; r0 < b->nrow; r0 += 64) {
		size_t r1 = r0 + 64 < b->nrow ? r0 + 64 : b->nrow;
		for (size_t f = 0; f < b->nfeat; f++)
			for (size_t r = r0; r < r1; r++)
				g->bcol[f * b->nrow + r] = b->bm[r * b->nfeat + f];
	}
	return g;
}

static v2d *hist_get(dl_grower *g)
{
	if (g->nspare)
		return g->spare[--g->nspare];
	return dl_aligned_alloc(g->hsize, sizeof(v2d), 64);
}

static void hist_put(dl_grower *g, v2d *h)
{
	if (!h)
		return;
	dl_grow((void **)&g->spare, &g->capspare, g->nspare + 1, sizeof *g->spare);
	g->spare[g->nspare++] = h;
}

void dl_grower_set_bin_max(dl_grower *g, const float *bmax, int whole_nodes)
{
	g->bmax = bmax;
	g->whole_nodes = whole_nodes;
}

void dl_grower_free(dl_grower *g)
{
	if (!g)
		return;
	for (int t = 0; t < g->nthr; t++)
		dl_free(g->thist[t]);
	for (size_t i = 0; i < g->nspare; i++)
		dl_free(g->spare[i]);
	for (size_t i = 0; i < g->nq; i++)
		dl_free(g->q[i].hist);
	dl_free(g->spare);
	dl_free(g->thist);
	dl_free(g->pos);
	dl_free(g->tmp);
	dl_free(g->pos2);
	dl_free(g->q);
	dl_free(g->nbegin);
	dl_free(g->nend);
	dl_free(g->levelmask);
	dl_free(g->nodemask);
	dl_free(g->featlist);
	dl_free(g->sp_ptr);
	dl_free(g->sp_cell);
	dl_free(g->bcol);
	dl_free(g);
}

/* ---- histograms */

static void accumulate_sparse(const dl_grower *g, const float *gh, size_t begin, size_t end,
			      v2d *hist)
{
	const size_t *ptr = g->sp_ptr;
	const uint32_t *cell = g->sp_cell;
	for (size_t i = begin; i < end; i++) {
		uint32_t r = g->pos[i];
		v2d p = { gh[2 * (size_t)r], gh[2 * (size_t)r + 1] };
		for (size_t k = ptr[r]; k < ptr[r + 1]; k++)
			hist[cell[k]] += p;
	}
}

static void accumulate(const dl_grower *g, const float *gh, const uint32_t *pos, size_t begin,
		       size_t end, v2d *hist)
{
	if (g->sp_ptr) {
		accumulate_sparse(g, gh, begin, end, hist);
		return;
	}
	const dl_bins *b = g->b;
	size_t nf = b->nfeat;
	const uint8_t *bm = b->bm;
	for (size_t i = begin; i < end; i++) {
		uint32_t r = pos[i];
		if (i + 16 < end) {
			uint32_t ahead = pos[i + 16];
			__builtin_prefetch(bm + (size_t)ahead * nf);
			__builtin_prefetch(gh + 2 * (size_t)ahead);
		}
		const uint8_t *row = bm + (size_t)r * nf;
		v2d p = { gh[2 * (size_t)r], gh[2 * (size_t)r + 1] };
		v2d *h = hist;
		for (size_t f = 0; f < nf; f++, h += HSTRIDE)
			h[row[f]] += p;
	}
}

struct hist_job {
	dl_grower *g;
	const float *gh;
	size_t begin, chunk;
};

/* Chunk i of a node goes to partial histogram i, whichever thread runs it, so that the
 * sums (and the model) do not depend on timing. */
static void hist_chunk(void *arg, size_t begin, size_t end, int tid)
{
	struct hist_job *j = arg;
	dl_grower *g = j->g;
	size_t ci = begin / j->chunk;
	(void)tid;
	if (!g->thist[ci])
		g->thist[ci] = dl_aligned_alloc(g->hsize, sizeof(v2d), 64);
	memset(g->thist[ci], 0, g->hsize * sizeof(v2d));
	accumulate(g, j->gh, g->pos, j->begin + begin, j->begin + end, g->thist[ci]);
}

/* Compressed rows leave slot 255 empty: the missing rows of feature f are the node's
 * total minus f's present bins. A remainder within rounding of the total is no missing
 * row at all (kept exactly 0, so that no default direction is learned from noise). */
static void missing_by_subtraction(const dl_grower *g, struct work *w)
{
	if (!g->sp_ptr)
		return;
	const dl_bins *b = g->b;
	for (size_t f = 0; f < b->nfeat; f++) {
		if (!b->has_missing[f])
			continue;
		v2d *h = w->hist + f * HSTRIDE;
		v2d sum = { 0, 0 };
		for (int k = 0; k < b->nbin[f]; k++)
			sum += h[k];
		v2d m = { w->g - sum[0], w->h - sum[1] };
		if (!(m[1] > 1e-10 * (w->h > 0 ? w->h : 1.0)))
			m = (v2d){ 0, 0 };
		h[DL_BIN_MISSING] = m;
	}
}

static void build_hist(dl_grower *g, const float *gh, struct work *w)
{
	size_t n = w->end - w->begin;
	w->hist = hist_get(g);
	if (g->nthr == 1 || n < PAR_ROWS) {
		memset(w->hist, 0, g->hsize * sizeof(v2d));
		accumulate(g, gh, g->pos, w->begin, w->end, w->hist);
		missing_by_subtraction(g, w);
		return;
	}
	size_t chunk = (n + (size_t)g->nthr - 1) / (size_t)g->nthr;
	size_t nchunk = (n + chunk - 1) / chunk;
	struct hist_job j = { g, gh, w->begin, chunk };
	dl_pool_for(g->pool, n, chunk, hist_chunk, &j);
	memcpy(w->hist, g->thist[0], g->hsize * sizeof(v2d));
	for (size_t c = 1; c < nchunk; c++)
		for (size_t k = 0; k < g->hsize; k++)
			w->hist[k] += g->thist[c][k];
	missing_by_subtraction(g, w);
}

/* ---- split finding */

static void consider(struct cand *best, const dl_grow_params *p, const struct work *w,
		     double parent_gain, int bounded, int mono, int f, int bin, int dleft,
		     double gl, double hl, double gr, double hr)
{
	const dl_split_params *sp = &p->sp;
	if (hl < sp->min_child_weight || hr < sp->min_child_weight || hl <= 0 || hr <= 0)
		return;
	double gain, wl = 0, wr = 0;
	if (bounded) {
		wl = dl_leaf_weight(sp, gl, hl, w->lo, w->hi);
		wr = dl_leaf_weight(sp, gr, hr, w->lo, w->hi);
		if ((mono > 0 && wl > wr) || (mono < 0 && wl < wr))
			return;
		gain = dl_gain_given_weight(sp, gl, hl, wl) + dl_gain_given_weight(sp, gr, hr, wr);
	} else {
		gain = dl_gain(sp, gl, hl, 0, 0, 0) + dl_gain(sp, gr, hr, 0, 0, 0);
	}
	gain -= parent_gain;
	if (!(gain > best->gain))
		return;
	*best = (struct cand){ f, bin, dleft, gain, gl, hl, gr, hr, wl, wr };
}

/* The scan of one direction in the common case (no L1 term, no clipping, no bounds):
 * gain = G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda) - parent, the same arithmetic as
 * consider() in that case, inlined. Rows with missing values go left when dleft. */
static void scan_plain(struct cand *best, const dl_split_params *sp, const v2d *h, int first,
		       int last, int step, int dleft, int f, double G, double H, double pg)
{
	double mcw = sp->min_child_weight, lam = sp->lambda;
	double ga = 0, ha = 0;  /* the side the scan has passed */
	for (int k = first; k != last; k += step) {
		ga += h[k][0];
		ha += h[k][1];
		double gb = G - ga, hb = H - ha;
		double gl = step > 0 ? ga : gb, hl = step > 0 ? ha : hb;
		double gr = step > 0 ? gb : ga, hr = step > 0 ? hb : ha;
		if (hl < mcw || hr < mcw || hl <= 0 || hr <= 0)
			continue;
		double gain = gl * gl / (hl + lam) + gr * gr / (hr + lam) - pg;
		if (!(gain > best->gain))
			continue;
		*best = (struct cand){ f, step > 0 ? k : k - 1, dleft, gain, gl, hl, gr, hr, 0, 0 };
	}
}

static void evaluate(dl_grower *g, const dl_grow_params *p, struct work *w,
		     const uint8_t *mask)
{
	const dl_bins *b = g->b;
	int bounded = p->monotone != NULL || p->sp.max_delta_step != 0.0;
	double pg = dl_gain(&p->sp, w->g, w->h, bounded, w->lo, w->hi);
	w->best = (struct cand){ .feat = -1, .gain = 0.0 };
	int plain = !bounded && p->sp.alpha == 0.0;
	for (size_t f = 0; f < b->nfeat; f++) {
		if (mask && !mask[f])
			continue;
		int nb = b->nbin[f];
		if (nb < 1)
			continue;
		const v2d *h = w->hist + f * HSTRIDE;
		int mono = p->monotone ? p->monotone[f] : 0;
		double mh = b->has_missing[f] ? h[DL_BIN_MISSING][1] : 0.0;
		/* missing values right; with missing values in the node, the split after the last
		 * bin (present values left, missing right) counts too */
		int last = mh > 0 ? nb : nb - 1;
		if (plain) {
			scan_plain(&w->best, &p->sp, h, 0, last, 1, 0, (int)f, w->g, w->h, pg);
			if (mh > 0)
				scan_plain(&w->best, &p->sp, h, nb - 1, 0, -1, 1, (int)f, w->g, w->h,
					   pg);
			continue;
		}
		double gl = 0, hl = 0;
		for (int k = 0; k < last; k++) {
			gl += h[k][0];
			hl += h[k][1];
			consider(&w->best, p, w, pg, bounded, mono, (int)f, k, 0, gl, hl, w->g - gl,
				 w->h - hl);
		}
		if (mh <= 0)
			continue;
		/* missing values left */
		double gr = 0, hr = 0;
		for (int k = nb - 1; k >= 1; k--) {
			gr += h[k][0];
			hr += h[k][1];
			consider(&w->best, p, w, pg, bounded, mono, (int)f, k - 1, 1, w->g - gr,
				 w->h - hr, gr, hr);
		}
	}
}

/* ---- column sampling */

static void sample_mask(dl_grower *g, const uint8_t *from, double frac, dl_rng *rng,
			uint8_t *out)
{
	size_t nf = g->b->nfeat, n = 0;
	for (size_t f = 0; f < nf; f++)
		if (!from || from[f])
			g->featlist[n++] = (uint32_t)f;
	memset(out, 0, nf);
	size_t k = (size_t)(frac * (double)n);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	for (size_t i = 0; i < k; i++) {
		size_t j = i + (size_t)dl_rng_below(rng, n - i);
		uint32_t t = g->featlist[i];
		g->featlist[i] = g->featlist[j];
		g->featlist[j] = t;
		out[g->featlist[i]] = 1;
	}
}

static const uint8_t *node_mask(dl_grower *g, const dl_grow_params *p, const uint8_t *lvl,
				dl_rng *rng)
{
	if (p->colsample_bynode >= 1.0)
		return lvl;
	sample_mask(g, lvl, p->colsample_bynode, rng, g->nodemask);
	return g->nodemask;
}

/* ---- growth */

static void remember_slice(dl_grower *g, int32_t id, size_t begin, size_t end)
{
	if ((size_t)id >= g->capnode) {
		size_t cap = g->capnode;
		dl_grow((void **)&g->nbegin, &cap, (size_t)id + 1, sizeof *g->nbegin);
		cap = g->capnode;
		dl_grow((void **)&g->nend, &cap, (size_t)id + 1, sizeof *g->nend);
		g->capnode = cap;
	}
	g->nbegin[id] = begin;
	g->nend[id] = end;
}

/* The split's side of each row of pos[begin, end): lefts stably to pos[begin..),
 * rights stably to tmp[tbegin..); returns the number of lefts. Without branches: each row
 * is written to both sides and the side it belongs to advances (a split sends rows left
 * and right unpredictably). */
static size_t partition_range(const dl_grower *g, const struct work *w, size_t begin,
			      size_t end, size_t tbegin)
{
	const dl_bins *b = g->b;
	size_t f = (size_t)w->best.feat;
	int miss = b->has_missing[f], bin = w->best.bin, dleft = w->best.dleft;
	const uint8_t *col = g->bcol + f * b->nrow;
	size_t nl = begin, nr = tbegin;
	for (size_t i = begin; i < end; i++) {
		uint32_t r = g->pos[i];
		int c = col[r];
		size_t left = (size_t)((miss & (c == DL_BIN_MISSING)) ? dleft : c <= bin);
		g->pos[nl] = r;
		g->tmp[nr] = r;
		nl += left;
		nr += 1 - left;
	}
	return nl - begin;
}

struct part_job {
	dl_grower *g;
	const struct work *w;
	size_t chunk;
	size_t *nleft;          /* lefts of each chunk */
	size_t total_left;
	int pass;
};

/* Pass 0: chunk c partitions itself (lefts in place, rights to tmp at the same offsets).
 * Pass 1: every chunk moves its lefts and rights to their final places, after those of
 * the chunks before it, so the result is the serial stable partition. */
static void part_chunk(void *arg, size_t begin, size_t end, int tid)
{
	struct part_job *j = arg;
	dl_grower *g = j->g;
	size_t c = begin / j->chunk, b0 = j->w->begin + begin, b1 = j->w->begin + end;
	(void)tid;
	if (j->pass == 0) {
		j->nleft[c] = partition_range(g, j->w, b0, b1, b0);
		return;
	}
	size_t lo = j->w->begin, ro = j->w->begin + j->total_left;
	for (size_t k = 0; k < c; k++) {
		lo += j->nleft[k];
		ro += j->chunk - j->nleft[k];
	}
	size_t nl = j->nleft[c];
	/* into a third array: writing pos directly could overwrite another chunk's lefts
	 * before that chunk has moved them */
	memcpy(g->pos2 + lo, g->pos + b0, nl * sizeof *g->pos);
	memcpy(g->pos2 + ro, g->tmp + b0, (b1 - b0 - nl) * sizeof *g->pos);
}

static size_t partition(dl_grower *g, const struct work *w)
{
	size_t n = w->end - w->begin;
	if (g->nthr == 1 || n < PAR_ROWS) {
		size_t nl = partition_range(g, w, w->begin, w->end, 0);
		memcpy(g->pos + w->begin + nl, g->tmp, (n - nl) * sizeof *g->pos);
		return w->begin + nl;
	}
	size_t chunk = (n + (size_t)g->nthr - 1) / (size_t)g->nthr;
	size_t nchunk = (n + chunk - 1) / chunk;
	size_t nleft[nchunk];
	struct part_job j = { g, w, chunk, nleft, 0, 0 };
	dl_pool_for(g->pool, n, chunk, part_chunk, &j);
	for (size_t c = 0; c < nchunk; c++)
		j.total_left += nleft[c];
	j.pass = 1;
	dl_pool_for(g->pool, n, chunk, part_chunk, &j);
	memcpy(g->pos + w->begin, g->pos2 + w->begin, n * sizeof *g->pos);
	return w->begin + j.total_left;
}

static void make_leaf(dl_tree *t, const dl_grow_params *p, const struct work *w)
{
	t->value[w->id] = (float)(p->eta * w->w);
	t->cover[w->id] = (float)w->h;
}

/* Splits w in the tree and fills the two child work items (without histograms). */
static void split(dl_grower *g, dl_tree *t, const dl_grow_params *p, struct work *w,
		  struct work *l, struct work *r)
{
	const struct cand *c = &w->best;
	size_t mid = partition(g, w);
	int32_t li = dl_tree_add(t, w->id), ri = dl_tree_add(t, w->id);
	t->left[w->id] = li;
	t->right[w->id] = ri;
	t->feature[w->id] = c->feat;
	t->split_bin[w->id] = (uint16_t)c->bin;
	t->thr[w->id] = g->b->cuts[c->feat][c->bin];
	if (g->bmax) {
		/* the left side ends at bin j = k and the right one starts at bin k + 1; with
		 * whole_nodes, at the node's last non-empty bin up to k and its first after k (by
		 * the node's histogram: a scan may stop on an empty bin) */
		const dl_bins *b = g->b;
		size_t f = (size_t)c->feat, j = (size_t)c->bin, k = j + 1;
		if (g->whole_nodes && w->hist) {
			const v2d *h = w->hist + f * HSTRIDE;
			while (j > 0 && !(h[j][1] > 0))
				j--;
			while (k + 1 < b->nbin[f] && !(h[k][1] > 0))
				k++;
		}
		float lo = g->bmax[f * 256 + j], hi = b->cuts[f][k - 1];
		if (lo > -INFINITY)
			t->thr[w->id] = dl_tree_midpoint(lo, hi);
	}
	t->default_left[w->id] = (uint8_t)c->dleft;
	t->gain[w->id] = (float)c->gain;
	t->cover[w->id] = (float)w->h;
	t->value[w->id] = (float)(p->eta * w->w);
	double lo_l = w->lo, hi_l = w->hi, lo_r = w->lo, hi_r = w->hi;
	int mono = p->monotone ? p->monotone[c->feat] : 0;
	double wl = dl_leaf_weight(&p->sp, c->gl, c->hl, w->lo, w->hi);
	double wr = dl_leaf_weight(&p->sp, c->gr, c->hr, w->lo, w->hi);
	if (mono != 0) {
		double m = (wl + wr) / 2;
		if (mono > 0) {
			hi_l = m;
			lo_r = m;
		} else {
			lo_l = m;
			hi_r = m;
		}
	}
	*l = (struct work){ li, w->depth + 1, w->begin, mid, c->gl, c->hl, lo_l, hi_l, 0, NULL,
			    { .feat = -1 } };
	*r = (struct work){ ri, w->depth + 1, mid, w->end, c->gr, c->hr, lo_r, hi_r, 0, NULL,
			    { .feat = -1 } };
	l->w = dl_leaf_weight(&p->sp, l->g, l->h, l->lo, l->hi);
	r->w = dl_leaf_weight(&p->sp, r->g, r->h, r->lo, r->hi);
	remember_slice(g, li, l->begin, l->end);
	remember_slice(g, ri, r->begin, r->end);
}

/* Children histograms: the smaller built, the larger by subtraction from the parent's
 * (which w gives up). */
static void child_hists(dl_grower *g, const float *gh, struct work *w, struct work *l,
			struct work *r)
{
	struct work *small = (l->end - l->begin) <= (r->end - r->begin) ? l : r;
	struct work *large = small == l ? r : l;
	build_hist(g, gh, small);
	large->hist = w->hist;
	w->hist = NULL;
	for (size_t k = 0; k < g->hsize; k++)
		large->hist[k] -= small->hist[k];
}

static int can_split(const dl_grow_params *p, const struct work *w, int leaves)
{
	if (w->best.feat < 0 || !(w->best.gain > RT_EPS) || w->best.gain < p->gamma)
		return 0;
	if (w->best.hl <= 0 || w->best.hr <= 0)
		return 0;
	if (p->max_depth > 0 && w->depth >= p->max_depth)
		return 0;
	if (w->h < p->min_split_hess)
		return 0;
	if (p->max_leaves > 0 && leaves >= p->max_leaves)
		return 0;
	return 1;
}

static void push(dl_grower *g, struct work w)
{
	dl_grow((void **)&g->q, &g->capq, g->nq + 1, sizeof *g->q);
	g->q[g->nq++] = w;
}

dl_tree *dl_grow_tree(dl_grower *g, const float *gh, const uint32_t *rows, size_t n,
		 const uint8_t *feat_mask, const dl_grow_params *p, dl_rng *rng,
		 int32_t *row_leaf)
{
	if (n > g->cap) {
		g->pos = dl_reallocarray(g->pos, n, sizeof *g->pos);
		g->tmp = dl_reallocarray(g->tmp, n, sizeof *g->tmp);
		g->pos2 = dl_reallocarray(g->pos2, n, sizeof *g->pos2);
		g->cap = n;
	}
	memcpy(g->pos, rows, n * sizeof *rows);
	dl_tree *t = dl_tree_new(1);
	struct work root = { dl_tree_add(t, -1), 0, 0, n, 0, 0, -DBL_MAX, DBL_MAX, 0, NULL,
			     { .feat = -1 } };
	for (size_t i = 0; i < n; i++) {
		root.g += gh[2 * (size_t)rows[i]];
		root.h += gh[2 * (size_t)rows[i] + 1];
	}
	root.w = dl_leaf_weight(&p->sp, root.g, root.h, root.lo, root.hi);
	remember_slice(g, 0, 0, n);
	int leaves = 1, level = -1;
	const uint8_t *lvl = feat_mask;
	int stop_depth = p->max_depth > 0 ? p->max_depth : 1 << 30;
	if (stop_depth > 0 && n > 0) {
		build_hist(g, gh, &root);
		if (p->colsample_bylevel < 1.0) {
			sample_mask(g, feat_mask, p->colsample_bylevel, rng, g->levelmask);
			lvl = g->levelmask;
		}
		level = 0;
		evaluate(g, p, &root, node_mask(g, p, lvl, rng));
	}
	g->nq = 0;
	push(g, root);
	/* Depthwise: the queue is taken in order (a level at a time, as children are appended
	 * after their level); lossguide: the best gain first. */
	while (g->nq > 0) {
		size_t k = 0;
		if (p->lossguide) {
			for (size_t i = 1; i < g->nq; i++)
				if (g->q[i].best.gain > g->q[k].best.gain)
					k = i;
		}
		struct work w = g->q[k];
		memmove(g->q + k, g->q + k + 1, (g->nq - k - 1) * sizeof *g->q);
		g->nq--;
		if (!can_split(p, &w, leaves)) {
			make_leaf(t, p, &w);
			hist_put(g, w.hist);
			continue;
		}
		struct work l, r;
		split(g, t, p, &w, &l, &r);
		leaves++;
		if (w.depth + 1 < stop_depth) {
			child_hists(g, gh, &w, &l, &r);
			if (w.depth + 1 != level) {
				level = w.depth + 1;
				if (p->colsample_bylevel < 1.0) {
					sample_mask(g, feat_mask, p->colsample_bylevel, rng,
						    g->levelmask);
					lvl = g->levelmask;
				}
			}
			evaluate(g, p, &l, node_mask(g, p, lvl, rng));
			evaluate(g, p, &r, node_mask(g, p, lvl, rng));
		}
		hist_put(g, w.hist);
		push(g, l);
		push(g, r);
	}
	if (row_leaf)
		for (int32_t i = 0; i < t->n; i++)
			if (t->left[i] < 0)
				for (size_t j = g->nbegin[i]; j < g->nend[i]; j++)
					row_leaf[g->pos[j]] = i;
	return t;
}

int32_t dl_tree_leaf_binned(const dl_tree *t, const dl_bins *b, size_t r)
{
	const uint8_t *row = b->bm + r * b->nfeat;
	int32_t i = 0;
	while (t->left[i] >= 0) {
		int f = t->feature[i];
		int c = row[f];
		int left = (b->has_missing[f] && c == DL_BIN_MISSING) ? t->default_left[i]
								     : c <= t->split_bin[i];
		i = left ? t->left[i] : t->right[i];
	}
	return i;
}
