/*
 * cart.c — CART growth on binned features (see cart.h).
 *
 * A tree is grown depth first from an explicit stack. The rows of the tree (those with a
 * non-zero count) sit in one index array, and each node owns a contiguous range of it that
 * a split partitions in place. For each tried feature the node's rows are reduced to the
 * list of its non-empty bins with their statistics (class weights or the weighted sum of y,
 * and the weight), through a histogram for large nodes or an insertion sort by bin for
 * small ones; missing values are summed apart. One scan of that list from the left gives
 * every candidate split, each tried with the missing rows on either side.
 */
#include "tree/cart.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"

/* Nodes with at most this many rows sort their rows by bin instead of filling a histogram. */
#define SMALL_NODE 32

struct frame {
	int32_t id;
	int depth;
	size_t start, end;
};

struct dl_cart {
	const dl_bins *b;       /* histogram splits, or */
	const dl_ranks *rk;     /* exact splits */
	size_t nrow, nfeat;
	const float *y;
	int K;                  /* classes, 0 for regression */
	int dim;                /* statistics per bin besides the weight: K or 1 */
	size_t S;               /* dim + 1 */
	uint32_t *rows;         /* the tree's rows, increasing in each node's range */
	uint32_t *scratch;      /* n: the right side of a partition */
	const uint8_t *col;     /* the bins column-major: col[f * nrow + r] */
	const float *bmax;      /* midpoint thresholds: the largest value of each bin, or NULL */
	uint8_t *own_col;       /* when made here */
	double *w;              /* count * weight of each row of the data */
	double *stat;           /* the statistic a row adds: w (classes) or w * y */
	uint32_t *cls;          /* where it adds it: the class, or 0 */
	size_t *feat;           /* feature indices, shuffled per node */
	double *hist;           /* 256 * S (exact: max_uniq * S) */
	uint64_t *used;         /* exact: the ranks touched in hist, a bit each */
	double *ent;            /* the non-empty bins' statistics, 256 * S (exact: n * S) */
	uint32_t *ebin;         /* and their bins (exact: ranks) */
	uint64_t *keys, *ktmp;  /* sorting by bin or rank: code << 32 | row */
	double *tot, *miss, *left, *right, *ltmp, *rtmp;        /* S each */
	struct frame *stack;
	size_t nstack, capstack;
};

static dl_cart *cart_new(size_t n, size_t nfeat, const float *y, int nclass, size_t nent,
			 size_t nhist, size_t nkeys)
{
	dl_cart *c = dl_calloc(1, sizeof *c);
	c->nrow = n;
	c->nfeat = nfeat;
	c->y = y;
	c->K = nclass >= 2 ? nclass : 0;
	c->dim = c->K ? c->K : 1;
	c->S = (size_t)c->dim + 1;
	c->rows = dl_mallocarray(n + 1, sizeof *c->rows);
	c->scratch = dl_mallocarray(n + 1, sizeof *c->scratch);
	c->w = dl_mallocarray(n + 1, sizeof *c->w);
	c->stat = dl_mallocarray(n + 1, sizeof *c->stat);
	c->cls = dl_calloc(n + 1, sizeof *c->cls);
	for (size_t r = 0; r < n && c->K; r++)
		c->cls[r] = (uint32_t)y[r];
	c->feat = dl_mallocarray(nfeat + 1, sizeof *c->feat);
	c->hist = dl_calloc(nhist * c->S, sizeof *c->hist);
	c->ent = dl_mallocarray(nent * c->S, sizeof *c->ent);
	c->ebin = dl_mallocarray(nent, sizeof *c->ebin);
	c->keys = dl_mallocarray(nkeys, sizeof *c->keys);
	c->tot = dl_mallocarray(6 * c->S, sizeof *c->tot);
	c->miss = c->tot + c->S;
	c->left = c->miss + c->S;
	c->right = c->left + c->S;
	c->ltmp = c->right + c->S;
	c->rtmp = c->ltmp + c->S;
	return c;
}

dl_cart *dl_cart_new(const dl_bins *b, const float *y, int nclass, dl_pool *pool)
{
	(void)pool;
	dl_cart *c = cart_new(b->nrow, b->nfeat, y, nclass, 256, 256, SMALL_NODE);
	c->b = b;
	return c;
}

dl_cart *dl_cart_new_exact(const dl_ranks *rk, const float *y, int nclass)
{
	size_t n = rk->nrow, nu = rk->max_uniq;
	dl_cart *c = cart_new(n, rk->nfeat, y, nclass, (nu < n ? nu : n) + 1, nu + 1, n + 1);
	c->rk = rk;
	c->ktmp = dl_mallocarray(n + 1, sizeof *c->ktmp);
	c->used = dl_calloc(nu / 64 + 1, sizeof *c->used);
	return c;
}

void dl_cart_free(dl_cart *c)
{
	if (!c)
		return;
	dl_free(c->rows);
	dl_free(c->scratch);
	dl_free(c->own_col);
	dl_free(c->w);
	dl_free(c->stat);
	dl_free(c->cls);
	dl_free(c->feat);
	dl_free(c->hist);
	dl_free(c->ent);
	dl_free(c->ebin);
	dl_free(c->keys);
	dl_free(c->ktmp);
	dl_free(c->used);
	dl_free(c->tot);
	dl_free(c->stack);
	dl_free(c);
}

/* ---- impurity */

double dl_cart_gini(const double *x, int K)
{
	double w = 0, s = 0;
	for (int k = 0; k < K; k++)
		w += x[k];
	if (w <= 0)
		return 0;
	for (int k = 0; k < K; k++)
		s += (x[k] / w) * (x[k] / w);
	return 1 - s;
}

double dl_cart_entropy(const double *x, int K)
{
	double w = 0, h = 0;
	for (int k = 0; k < K; k++)
		w += x[k];
	if (w <= 0)
		return 0;
	for (int k = 0; k < K; k++)
		if (x[k] > 0)
			h -= (x[k] / w) * log2(x[k] / w);
	return h;
}

double dl_cart_variance(double w, double sum, double sumsq)
{
	if (w <= 0)
		return 0;
	double m = sum / w, v = sumsq / w - m * m;
	return v > 0 ? v : 0;
}

/* The part of a node's "score" (minus its weighted impurity, up to a constant that cancels
 * in a decrease) from statistics x[0..dim) and weight x[dim]. */
static inline double score(const dl_cart *c, enum dl_cart_criterion crit, const double *x)
{
	double w = x[c->dim], s = 0;
	if (w <= 0)
		return 0;
	if (crit == DL_CART_VARIANCE)
		return x[0] * x[0] / w;
	if (crit == DL_CART_GINI) {
		for (int k = 0; k < c->dim; k++)
			s += x[k] * x[k];
		return s / w;
	}
	for (int k = 0; k < c->dim; k++)
		if (x[k] > 0)
			s += x[k] * log2(x[k]);
	return s - w * log2(w);
}

/* ---- one feature's bins in a node */

/* Sorts keys[0..n) by their high 32 bits (codes below nu), stably: insertion sort for a
 * few, else an LSD radix sort in as many 11-bit passes as nu needs. Returns the array that
 * holds the result (keys or tmp). */
static uint64_t *sort_codes(uint64_t *keys, uint64_t *tmp, size_t n, uint32_t nu)
{
	if (n <= SMALL_NODE) {
		for (size_t i = 1; i < n; i++) {
			uint64_t k = keys[i];
			size_t j = i;
			while (j > 0 && keys[j - 1] > k) {
				keys[j] = keys[j - 1];
				j--;
			}
			keys[j] = k;
		}
		return keys;
	}
	for (int s = 32; s < 64 && (s == 32 || (nu - 1) >> (s - 32)); s += 11) {
		size_t count[2049] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[((keys[i] >> s) & 2047) + 1]++;
		for (int b = 0; b < 2048; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			tmp[count[(keys[i] >> s) & 2047]++] = keys[i];
		uint64_t *t = keys;
		keys = tmp;
		tmp = t;
	}
	return keys;
}

/* The entries of keys[0..nk) (code << 32 | row, sorted): one per distinct code, with the
 * statistics of its rows summed, into c->ebin/c->ent. Returns their number. */
static size_t group_keys(dl_cart *c, const uint64_t *keys, size_t nk)
{
	size_t S = c->S, dim = (size_t)c->dim, m = 0;
	for (size_t j = 0; j < nk; j++) {
		uint32_t k = (uint32_t)(keys[j] >> 32), r = (uint32_t)keys[j];
		if (m == 0 || c->ebin[m - 1] != k) {
			c->ebin[m] = k;
			memset(c->ent + m * S, 0, S * sizeof *c->ent);
			m++;
		}
		double *e = c->ent + (m - 1) * S;
		e[c->cls[r]] += c->stat[r];
		e[dim] += c->w[r];
	}
	return m;
}

/* gather for exact splits: the node's distinct ranks of feature f, from a histogram over
 * the ranks when the node is large beside their number, else by sorting its rows. */
static size_t gather_exact(dl_cart *c, size_t f, size_t start, size_t end)
{
	const dl_ranks *rk = c->rk;
	const uint32_t *code = rk->code + f * c->nrow;
	size_t S = c->S, dim = (size_t)c->dim, cnt = end - start, m = 0;
	uint32_t nu = rk->nuniq[f];
	double *miss = c->miss;
	memset(miss, 0, S * sizeof *miss);
	if (cnt > SMALL_NODE && cnt * 4 >= nu) {
		double *h = c->hist;
		uint64_t *used = c->used;
		for (size_t i = start; i < end; i++) {
			uint32_t r = c->rows[i], k = code[r];
			double *e = k == DL_RANK_MISSING ? miss : h + (size_t)k * S;
			if (k != DL_RANK_MISSING)
				used[k >> 6] |= (uint64_t)1 << (k & 63);
			e[c->cls[r]] += c->stat[r];
			e[dim] += c->w[r];
		}
		for (size_t word = 0; word <= (nu - 1) / 64; word++) {
			for (uint64_t bits = used[word]; bits; bits &= bits - 1) {
				uint32_t k = (uint32_t)(word * 64 + (size_t)__builtin_ctzll(bits));
				double *e = h + (size_t)k * S;
				c->ebin[m] = k;
				memcpy(c->ent + m * S, e, S * sizeof *e);
				memset(e, 0, S * sizeof *e);
				m++;
			}
			used[word] = 0;
		}
		return m;
	}
	size_t nk = 0;
	for (size_t i = start; i < end; i++) {
		uint32_t r = c->rows[i], k = code[r];
		if (k == DL_RANK_MISSING) {
			miss[c->cls[r]] += c->stat[r];
			miss[dim] += c->w[r];
			continue;
		}
		c->keys[nk++] = (uint64_t)k << 32 | r;
	}
	return group_keys(c, sort_codes(c->keys, c->ktmp, nk, nu), nk);
}

/* Fills c->ent/c->ebin with the node's non-empty bins of feature f in increasing order and
 * c->miss with the missing rows' statistics; returns the number of bins. */
static size_t gather(dl_cart *c, size_t f, size_t start, size_t end)
{
	if (c->rk)
		return gather_exact(c, f, start, end);
	const dl_bins *b = c->b;
	const uint8_t *col = c->col + f * b->nrow;
	size_t S = c->S, dim = (size_t)c->dim;
	int miss_code = b->has_missing[f] ? DL_BIN_MISSING : -1;
	double *miss = c->miss;
	memset(miss, 0, S * sizeof *miss);
	size_t m = 0;
	if (end - start <= SMALL_NODE) {
		size_t nk = 0;
		for (size_t i = start; i < end; i++) {
			uint32_t r = c->rows[i];
			int code = col[r];
			if (code == miss_code) {
				miss[c->cls[r]] += c->stat[r];
				miss[dim] += c->w[r];
				continue;
			}
			c->keys[nk++] = (uint64_t)code << 32 | r;
		}
		/* at most SMALL_NODE keys: sorted in place, no scratch needed */
		return group_keys(c, sort_codes(c->keys, NULL, nk, 256), nk);
	}
	double *h = c->hist;
	uint64_t used[4] = { 0, 0, 0, 0 };      /* the bins touched, to visit only those */
	for (size_t i = start; i < end; i++) {
		uint32_t r = c->rows[i];
		int code = col[r];
		double *e = code == miss_code ? miss : h + (size_t)code * S;
		used[code >> 6] |= (uint64_t)1 << (code & 63);
		e[c->cls[r]] += c->stat[r];
		e[dim] += c->w[r];
	}
	if (miss_code >= 0)
		used[3] &= ~((uint64_t)1 << 63);
	for (int word = 0; word < 4; word++)
		for (uint64_t bits = used[word]; bits; bits &= bits - 1) {
			int code = word * 64 + __builtin_ctzll(bits);
			double *e = h + (size_t)code * S;
			c->ebin[m] = (uint32_t)code;
			memcpy(c->ent + m * S, e, S * sizeof *e);
			memset(e, 0, S * sizeof *e);
			m++;
		}
	return m;
}

struct best {
	double gain;
	size_t feat;
	int64_t bin;            /* the last bin (rank) on the left; -1: none */
	uint32_t next;          /* the first bin (rank) of the node on the right */
	int default_left;
};

/* Tries the split after entry j (c->left holds entries 0..j, c->right the others), with
 * the missing rows on either side. */
static void try_split(dl_cart *c, enum dl_cart_criterion crit, double parent, size_t f,
		      uint32_t bin, uint32_t next, struct best *best)
{
	size_t S = c->S, dim = (size_t)c->dim;
	double wm = c->miss[dim];
	for (int side = 0; side < (wm > 0 ? 2 : 1); side++) {
		double *L = c->left, *R = c->right;
		if (wm > 0) {
			for (size_t k = 0; k < S; k++) {
				c->ltmp[k] = L[k] + (side == 0 ? c->miss[k] : 0);
				c->rtmp[k] = R[k] + (side == 1 ? c->miss[k] : 0);
			}
			L = c->ltmp;
			R = c->rtmp;
		}
		if (!(L[dim] > 0) || !(R[dim] > 0))
			continue;
		double g = score(c, crit, L) + score(c, crit, R) - parent;
		if (g > best->gain) {
			best->gain = g;
			best->feat = f;
			best->bin = bin;
			best->next = next;
			/* without missing rows, they go to the heavier side at prediction */
			best->default_left = wm > 0 ? side == 0 : L[dim] >= R[dim];
		}
	}
}

/* The representative value of a bin, for extratrees' uniform thresholds: the bin's lower
 * cut (its value when binning was exact); below the first cut, one step below it. With
 * exact splits, the value of the rank. */
static double bin_value(const dl_cart *c, size_t f, uint32_t bin)
{
	if (c->rk)
		return c->rk->uval[f][bin];
	const dl_bins *b = c->b;
	const float *cuts = b->cuts[f];
	if (bin > 0)
		return cuts[bin - 1];
	if (b->nbin[f] > 1)
		return (double)cuts[0] - ((double)cuts[1] - cuts[0]);
	return (double)cuts[0] - 1;
}

/* Evaluates feature f; returns 0 when it is constant in the node (not counted as tried). */
static int evaluate(dl_cart *c, const dl_cart_params *p, size_t f, size_t start, size_t end,
		    double parent, dl_rng *rng, struct best *best)
{
	size_t m = gather(c, f, start, end);
	if (m < 2)
		return 0;
	size_t S = c->S;
	double *L = c->left, *R = c->right;
	memset(R, 0, S * sizeof *R);
	for (size_t j = 0; j < m; j++)
		for (size_t k = 0; k < S; k++)
			R[k] += c->ent[j * S + k];
	memset(L, 0, S * sizeof *L);
	if (p->extratrees) {
		double lo = bin_value(c, f, c->ebin[0]), hi = bin_value(c, f, c->ebin[m - 1]);
		double t = lo + dl_rng_double(rng) * (hi - lo);
		size_t j = 0;
		while (j + 2 < m && bin_value(c, f, c->ebin[j + 1]) <= t)
			j++;
		for (size_t i = 0; i <= j; i++)
			for (size_t k = 0; k < S; k++) {
				L[k] += c->ent[i * S + k];
				R[k] -= c->ent[i * S + k];
			}
		try_split(c, p->criterion, parent, f, c->ebin[j], c->ebin[j + 1], best);
		return 1;
	}
	for (size_t j = 0; j + 1 < m; j++) {
		for (size_t k = 0; k < S; k++) {
			L[k] += c->ent[j * S + k];
			R[k] -= c->ent[j * S + k];
		}
		try_split(c, p->criterion, parent, f, c->ebin[j], c->ebin[j + 1], best);
	}
	return 1;
}

/* ---- growth */

static void push(dl_cart *c, int32_t id, int depth, size_t start, size_t end)
{
	DL_GROW(c->stack, c->capstack, c->nstack + 1);
	c->stack[c->nstack++] = (struct frame){ id, depth, start, end };
}

/* Sets node id's value and cover from its rows' totals (c->tot); returns 1 when the node is
 * pure (one class, or one value of y). */
static int node_totals(dl_cart *c, dl_tree *t, int32_t id, size_t start, size_t end,
		       const float *count, double *size)
{
	size_t S = c->S, dim = (size_t)c->dim;
	double *tot = c->tot;
	memset(tot, 0, S * sizeof *tot);
	double sz = 0;
	int pure = 1;
	float y0 = c->y[c->rows[start]];
	for (size_t i = start; i < end; i++) {
		uint32_t r = c->rows[i];
		tot[c->cls[r]] += c->stat[r];
		tot[dim] += c->w[r];
		sz += count ? count[r] : 1;
		pure &= c->y[r] == y0;
	}
	*size = sz;
	float *v = t->value + (size_t)id * dim;
	for (size_t k = 0; k < dim; k++)
		v[k] = tot[dim] > 0 ? (float)(tot[k] / tot[dim]) : c->K ? 1.0f / (float)c->K : 0.0f;
	t->cover[id] = (float)tot[dim];
	if (c->K && !pure) {
		/* pure by weight: a single class has weight */
		int nz = 0;
		for (size_t k = 0; k < dim; k++)
			nz += tot[k] > 0;
		pure = nz <= 1;
	}
	return pure;
}

dl_tree *dl_cart_grow(dl_cart *c, const float *count, const float *weight,
		      const dl_cart_params *p, dl_rng *rng)
{
	const dl_bins *b = c->b;
	const dl_ranks *rk = c->rk;
	size_t n = 0, nf = c->nfeat;
	if (!rk && !c->col) {
		c->own_col = dl_cart_columns(b);
		c->col = c->own_col;
	}
	for (size_t r = 0; r < c->nrow; r++) {
		double cn = count ? count[r] : 1;
		if (cn <= 0)
			continue;
		c->w[r] = cn * (weight ? weight[r] : 1);
		c->stat[r] = c->K ? c->w[r] : c->w[r] * c->y[r];
		c->rows[n++] = (uint32_t)r;
	}
	dl_tree *t = dl_tree_new(c->dim);
	dl_tree_add(t, -1);
	if (n == 0)
		return t;
	size_t mtry = p->mtry == 0 || p->mtry > nf ? nf : p->mtry;
	for (size_t f = 0; f < nf; f++)
		c->feat[f] = f;
	c->nstack = 0;
	push(c, 0, 0, 0, n);
	while (c->nstack) {
		struct frame fr = c->stack[--c->nstack];
		double size;
		int pure = node_totals(c, t, fr.id, fr.start, fr.end, count, &size);
		if (pure || size <= p->min_node_size || (p->max_depth > 0 && fr.depth >= p->max_depth))
			continue;
		double parent = score(c, p->criterion, c->tot);
		struct best best = { -INFINITY, 0, -1, 0, 0 };
		size_t tried = 0;
		for (size_t i = 0; i < nf && tried < mtry; i++) {
			size_t j = i + (size_t)dl_rng_below(rng, nf - i);
			size_t f = c->feat[j];
			c->feat[j] = c->feat[i];
			c->feat[i] = f;
			tried += (size_t)evaluate(c, p, f, fr.start, fr.end, parent, rng, &best);
		}
		if (best.bin < 0)
			continue;
		/* partition the node's rows: left first */
		/* stable: rows stay increasing, so that columns are read in order */
		size_t f = best.feat, i = fr.start, nr = 0;
		if (rk) {
			const uint32_t *code = rk->code + f * c->nrow;
			for (size_t j = fr.start; j < fr.end; j++) {
				uint32_t row = c->rows[j], k = code[row];
				int left = k == DL_RANK_MISSING ? best.default_left : k <= best.bin;
				if (left)
					c->rows[i++] = row;
				else
					c->scratch[nr++] = row;
			}
		} else {
			int miss_code = b->has_missing[f] ? DL_BIN_MISSING : -1;
			const uint8_t *col = c->col + f * b->nrow;
			for (size_t j = fr.start; j < fr.end; j++) {
				uint32_t row = c->rows[j];
				int code = col[row];
				int left = code == miss_code ? best.default_left : code <= best.bin;
				if (left)
					c->rows[i++] = row;
				else
					c->scratch[nr++] = row;
			}
		}
		memcpy(c->rows + i, c->scratch, nr * sizeof *c->rows);
		int32_t l = dl_tree_add(t, fr.id), r = dl_tree_add(t, fr.id);
		t->left[fr.id] = l;
		t->right[fr.id] = r;
		t->feature[fr.id] = (int32_t)f;
		if (rk) {
			/* the midpoint between the node's values on either side, as scikit-learn
			 * and ranger place it; rounded to a float that still separates them */
			float lo = rk->uval[f][best.bin], hi = rk->uval[f][best.next];
			t->thr[fr.id] = dl_tree_midpoint(lo, hi);
			t->split_bin[fr.id] = 0;
		} else if (c->bmax) {
			float lo = c->bmax[f * 256 + (size_t)best.bin], hi = b->cuts[f][best.next - 1];
			t->thr[fr.id] = dl_tree_midpoint(lo, hi);
			t->split_bin[fr.id] = (uint16_t)best.bin;
		} else {
			t->split_bin[fr.id] = (uint16_t)best.bin;
			t->thr[fr.id] = b->cuts[f][best.bin];
		}
		t->default_left[fr.id] = (uint8_t)best.default_left;
		t->gain[fr.id] = (float)(best.gain > 0 ? best.gain : 0);
		push(c, r, fr.depth + 1, i, fr.end);
		push(c, l, fr.depth + 1, fr.start, i);
	}
	return t;
}

uint8_t *dl_cart_columns(const dl_bins *b)
{
	size_t n = b->nrow, nf = b->nfeat;
	uint8_t *col = dl_mallocarray(n * nf + 1, 1);
	/* in blocks of rows, so that both sides stay in cache */
	for (size_t r0 = 0; r0 < n; r0 += 256) {
		size_t r1 = r0 + 256 < n ? r0 + 256 : n;
		for (size_t f = 0; f < nf; f++)
			for (size_t r = r0; r < r1; r++)
				col[f * n + r] = b->bm[r * nf + f];
	}
	return col;
}

void dl_cart_set_bin_max(dl_cart *c, const float *bmax)
{
	c->bmax = bmax;
}

struct bmax_ctx {
	const dl_bins *b;
	const dl_table *t;
	float *bmax;
};

static void bin_max_features(void *arg, size_t begin, size_t end, int tid)
{
	struct bmax_ctx *c = arg;
	const dl_bins *b = c->b;
	const dl_table *t = c->t;
	(void)tid;
	for (size_t f = begin; f < end; f++) {
		float *m = c->bmax + f * 256;
		for (int k = 0; k < 256; k++)
			m[k] = -INFINITY;
		for (size_t r = 0; r < b->nrow; r++) {
			float x = t->x ? t->x[r * t->ncol + f] : dl_table_get(t, r, f);
			if (x != x)
				continue;
			uint8_t k = b->bm[r * b->nfeat + f];
			m[k] = x > m[k] ? x : m[k];
		}
	}
}

float *dl_cart_bin_max(const dl_bins *b, const dl_table *t, dl_pool *pool)
{
	struct bmax_ctx c = { b, t, dl_mallocarray(b->nfeat * 256 + 1, sizeof(float)) };
	dl_pool_for(pool, b->nfeat, 1, bin_max_features, &c);
	return c.bmax;
}

void dl_cart_set_columns(dl_cart *c, const uint8_t *col)
{
	dl_free(c->own_col);
	c->own_col = NULL;
	c->col = col;
}

int32_t dl_cart_leaf_ranked(const dl_tree *t, const dl_ranks *rk, size_t r, size_t perm_f,
			    size_t perm_r)
{
	size_t n = rk->nrow;
	int32_t i = 0;
	while (t->left[i] >= 0) {
		size_t f = (size_t)t->feature[i];
		uint32_t k = rk->code[f * n + (f == perm_f ? perm_r : r)];
		int left = k == DL_RANK_MISSING ? t->default_left[i] : rk->uval[f][k] < t->thr[i];
		i = left ? t->left[i] : t->right[i];
	}
	return i;
}

int32_t dl_cart_leaf_binned(const dl_tree *t, const dl_bins *b, size_t r, size_t perm_f,
			    size_t perm_r)
{
	const uint8_t *row = b->bm + r * b->nfeat;
	const uint8_t *prow = perm_f < b->nfeat ? b->bm + perm_r * b->nfeat : NULL;
	int32_t i = 0;
	while (t->left[i] >= 0) {
		size_t f = (size_t)t->feature[i];
		int code = prow && f == perm_f ? prow[f] : row[f];
		int left = b->has_missing[f] && code == DL_BIN_MISSING ? t->default_left[i]
								       : code <= t->split_bin[i];
		i = left ? t->left[i] : t->right[i];
	}
	return i;
}
