/*
 * estimate.c — counting and interpolated modified Kneser-Ney estimation (see estimate.h).
 *
 * Stages:
 *  1. count (count.c): one packed key per predicted token (its N-1 predecessors, padded
 *     with <s> where the sentence begins, as lmplz pads), radix-sorted in chunks within
 *     the memory budget, equal keys merged with their count. The result is the top-order
 *     stream in suffix order.
 *  2. adjust: one pass over that stream yields every order at once, because in suffix
 *     order the n-grams sharing a suffix of length n are adjacent for every n: when the
 *     common suffix with the previous key is L words long, the n-grams of orders > L
 *     change, and each order-n n-gram gains one left extension when its (n+1)-suffix is
 *     new (Heafield et al. 2013, section 3.2). A first pass sizes the arrays.
 *  3. discounts from the counts of adjusted counts, per order.
 *  4. probabilities, order by order upwards: the lower-order probability of each n-gram's
 *     suffix is found by merging with the order below (both in suffix order); the
 *     n-grams are then visited grouped by context (a radix sort of rotated keys), which
 *     gives the denominators, gamma of each context (stored as the backoff of the context
 *     n-gram, found by a second merge) and the interpolated probability.
 * Probabilities are linear while estimating and turned into log10 at the end.
 */
#include "ngram/estimate.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/progress.h"
#include "ngram/count.h"

void dl_ngram_est_opts_default(dl_ngram_est_opts *o)
{
	memset(o, 0, sizeof *o);
	o->order = 3;
	o->fallback[0] = 0.5;
	o->fallback[1] = 1.0;
	o->fallback[2] = 1.5;
	o->probabilities = 1;
	o->threads = 1;
}

void dl_ngram_est_free(dl_ngram_est *m)
{
	if (!m)
		return;
	for (int i = 0; i < DL_NGRAM_MAX_ORDER; i++) {
		free(m->lev[i].keys);
		free(m->lev[i].adj);
		free(m->lev[i].raw);
		free(m->lev[i].prob);
		free(m->lev[i].bo);
	}
	dl_ngram_vocab_free(&m->vocab);
	free(m);
}

static void stage(const dl_ngram_est_opts *o, double t0, const char *what)
{
	if (o->progress)
		fprintf(stderr, "%s: %.1f s: %s\n", dl_progname(), dl_now() - t0, what);
}

/* ------------------------------------------------------------------ 1. count */

/* ------------------------------------------------------------------ 2. adjust */

/* Words in common at the top of two different keys (the common suffix length). */
static int common_suffix(dl_ngram_key a, dl_ngram_key b, int N, unsigned bits)
{
	dl_ngram_key x = a ^ b;
	uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
	int hb = hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll(lo);
	return N - 1 - hb / (int)bits;
}

/* The top bit of an adjusted count marks an n-gram to be pruned (its raw count is at most
 * its order's threshold); pruning keeps counts below it. */
#define PRUNED ((uint32_t)1 << 31)

struct walk {
	int N;
	unsigned bits;
	const uint64_t *thr;            /* pruning thresholds per order (0: none) */
	int fill;                       /* 0: count sizes only */
	size_t n[DL_NGRAM_MAX_ORDER];
	dl_ngram_level *lev;
	int open[DL_NGRAM_MAX_ORDER];   /* an n-gram of this order is being summed */
	dl_ngram_key key[DL_NGRAM_MAX_ORDER];
	uint64_t adj[DL_NGRAM_MAX_ORDER], raw[DL_NGRAM_MAX_ORDER];
	int overflow;
};

static void emit(struct walk *w, int o)
{
	if (!w->open[o])
		return;
	w->open[o] = 0;
	if (!w->fill) {
		w->n[o]++;
		return;
	}
	dl_ngram_level *l = &w->lev[o];
	if (w->adj[o] > UINT32_MAX || w->raw[o] > UINT32_MAX || (w->thr[o] && w->adj[o] >= PRUNED))
		w->overflow = 1;
	if (o == w->N - 1) {    /* the top order is the stream itself (see adjust) */
		w->n[o]++;
		return;
	}
	if (o == 0) {           /* unigrams are indexed by word id */
		size_t id = (size_t)w->key[0];
		l->adj[id] = (uint32_t)w->adj[0];
		if (l->raw)
			l->raw[id] = (uint32_t)w->raw[0];
		return;
	}
	size_t i = w->n[o]++;
	l->keys[i] = w->key[o];
	l->adj[i] = (uint32_t)w->adj[o];
	if (w->thr[o] && w->raw[o] <= w->thr[o])
		l->adj[i] |= PRUNED;
	if (l->raw)
		l->raw[i] = (uint32_t)w->raw[o];
}

static void walk_run(struct walk *w, const dl_ngram_key *k, const uint32_t *cnt, size_t m)
{
	int N = w->N;
	unsigned bits = w->bits;

	for (size_t i = 0; i < m; i++) {
		int L = i ? common_suffix(k[i - 1], k[i], N, bits) : 0;
		for (int o = L; o < N; o++)
			emit(w, o);
		for (int o = 0; o < N; o++) {           /* order o + 1 */
			int first = N - 1 - o;          /* index of the n-gram's first word */
			uint32_t w0 = dl_ngram_key_word(k[i], bits, first);
			if (o && w0 == DL_NGRAM_BOS &&
			    dl_ngram_key_word(k[i], bits, first + 1) == DL_NGRAM_BOS)
				break;                  /* padding: not a real n-gram */
			if (!w->open[o]) {
				w->open[o] = 1;
				w->key[o] = k[i] >> (bits * (unsigned)first);
				w->adj[o] = w->raw[o] = 0;
			}
			w->raw[o] += cnt[i];
			if (o == N - 1 || w0 == DL_NGRAM_BOS)
				w->adj[o] += cnt[i];
			else if (o + 1 >= L)            /* a new (o+2)-suffix: one more extension */
				w->adj[o]++;
		}
	}
	for (int o = 0; o < N; o++)
		emit(w, o);
}

/* Fills every order from the top-order stream k[0..nk) with counts cnt, whose arrays become
 * those of the top order (the padding entries dropped): the caller gives them up. raw: keep
 * the raw counts too. thr: pruning thresholds per order, whose n-grams to be pruned are
 * marked (PRUNED). */
static void adjust(dl_ngram_est *m, dl_ngram_key *k, uint32_t *cnt, size_t nk, int raw,
		   const uint64_t *thr, dl_err *e)
{
	struct walk w;
	int N = m->order, top = N - 1;

	memset(&w, 0, sizeof w);
	w.thr = thr;
	w.N = N;
	w.bits = m->bits;
	w.lev = m->lev;
	walk_run(&w, k, cnt, nk);
	for (int o = 0; o < top; o++) {
		dl_ngram_level *l = &m->lev[o];
		l->n = o ? w.n[o] : m->vocab.n;
		l->keys = dl_mallocarray(l->n, sizeof *l->keys);
		l->adj = dl_calloc(l->n, sizeof *l->adj);
		l->raw = raw ? dl_calloc(l->n, sizeof *l->raw) : NULL;
	}
	if (top)
		for (size_t id = 0; id < m->vocab.n; id++)
			m->lev[0].keys[id] = id;
	memset(w.n, 0, sizeof w.n);
	w.fill = 1;
	walk_run(&w, k, cnt, nk);
	if (w.overflow)
		dl_errf(e, "an adjusted count exceeds %u", UINT32_MAX);

	dl_ngram_level *l = &m->lev[top];
	if (!top) {             /* unigrams only: indexed by id */
		l->n = m->vocab.n;
		l->keys = dl_mallocarray(l->n, sizeof *l->keys);
		l->adj = dl_calloc(l->n, sizeof *l->adj);
		for (size_t id = 0; id < l->n; id++)
			l->keys[id] = id;
		for (size_t i = 0; i < nk; i++)
			l->adj[(size_t)k[i]] = cnt[i];
		if (raw)
			l->raw = dl_mallocarray(l->n, sizeof *l->raw), memcpy(l->raw, l->adj,
									   l->n * sizeof *l->raw);
		free(k);
		free(cnt);
		return;
	}
	/* keep the real N-grams: not <s> <s> ... */
	size_t n = 0;
	for (size_t i = 0; i < nk; i++) {
		if (dl_ngram_key_word(k[i], m->bits, 0) == DL_NGRAM_BOS &&
		    dl_ngram_key_word(k[i], m->bits, 1) == DL_NGRAM_BOS)
			continue;
		k[n] = k[i];
		cnt[n++] = cnt[i];
	}
	l->n = n;
	l->keys = dl_reallocarray(k, n ? n : 1, sizeof *k);
	l->adj = dl_reallocarray(cnt, n ? n : 1, sizeof *cnt);
	if (raw) {
		l->raw = dl_mallocarray(n ? n : 1, sizeof *l->raw);
		memcpy(l->raw, l->adj, n * sizeof *l->raw);
	}
	if (thr[top])
		for (size_t i = 0; i < n; i++) {
			if (l->adj[i] >= PRUNED)
				dl_errf(e, "an adjusted count exceeds %u", PRUNED - 1);
			else if (l->adj[i] <= thr[top])
				l->adj[i] |= PRUNED;
		}
}

/* ------------------------------------------------------------------ 3. discounts */

int dl_ngram_discounts(const uint64_t t[5], double d[4])
{
	/* Chen & Goodman (1998), equation 26; single precision as lmplz keeps them */
	d[0] = 0;
	for (int k = 1; k <= 3; k++)
		if (!t[k])
			return -1;
	float y = (float)((double)t[1] / ((double)t[1] + 2.0 * (double)t[2]));
	for (int k = 1; k <= 3; k++) {
		float dk = (float)k - (float)(k + 1) * y * (float)t[k + 1] / (float)t[k];
		if (dk < 0 || dk > k)
			return -1;
		d[k] = dk;
	}
	return 0;
}

static int discounts(dl_ngram_est *m, const dl_ngram_est_opts *o, dl_err *e)
{
	for (int n = 0; n < m->order; n++) {
		const dl_ngram_level *l = &m->lev[n];
		uint64_t *t = m->coc[n];
		memset(t, 0, 5 * sizeof *t);
		for (size_t i = 0; i < l->n; i++) {
			uint32_t a = l->adj[i] & ~PRUNED;       /* pruned or not */
			if (a && a <= 4)
				t[a]++;
		}
		if (dl_ngram_discounts(t, m->disc[n]) == 0)
			continue;
		if (!o->discount_fallback)
			return dl_errf(e, "cannot estimate the Kneser-Ney discounts of the %d-grams "
				       "(counts of counts 1-4: %" PRIu64 " %" PRIu64 " %" PRIu64
				       " %" PRIu64 "): the corpus is too small or not natural text; "
				       "--discount-fallback uses fixed discounts", n + 1, t[1], t[2],
				       t[3], t[4]);
		m->fallback_used[n] = 1;
		for (int k = 1; k <= 3; k++)
			m->disc[n][k] = (float)o->fallback[k - 1];
	}
	return 0;
}

/* ------------------------------------------------------------------ 4. probabilities */

static inline double discount(const double *d, uint32_t a)
{
	return d[a < 3 ? a : 3];
}

static void unigrams(dl_ngram_est *m)
{
	dl_ngram_level *l = &m->lev[0];
	const double *d = m->disc[0];
	double sum = 0, gamma = 0;
	for (size_t i = 0; i < l->n; i++) {
		sum += l->adj[i];
		gamma += discount(d, l->adj[i]);
	}
	gamma /= sum;
	double uniform = 1.0 / (double)(l->n - 1);
	l->prob = dl_mallocarray(l->n, sizeof *l->prob);
	for (size_t i = 0; i < l->n; i++)
		l->prob[i] = (float)((l->adj[i] - discount(d, l->adj[i])) / sum + gamma * uniform);
	l->prob[DL_NGRAM_BOS] = 1;
}

/* Leaves out the n-grams of level l marked PRUNED (lmplz --prune). */
static void prune_level(dl_ngram_level *l)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (l->adj[i] & PRUNED)
			continue;
		l->keys[n] = l->keys[i];
		l->prob[n] = l->prob[i];
		if (l->bo)
			l->bo[n] = l->bo[i];
		l->adj[n] = l->adj[i];
		if (l->raw)
			l->raw[n] = l->raw[i];
		n++;
	}
	l->n = n;
	size_t c = n ? n : 1;
	l->keys = dl_reallocarray(l->keys, c, sizeof *l->keys);
	l->prob = dl_reallocarray(l->prob, c, sizeof *l->prob);
	if (l->bo)
		l->bo = dl_reallocarray(l->bo, c, sizeof *l->bo);
	l->adj = dl_reallocarray(l->adj, c, sizeof *l->adj);
	if (l->raw)
		l->raw = dl_reallocarray(l->raw, c, sizeof *l->raw);
}

/* Index of key in the ascending keys of level l, searching forward from *j. */
static inline size_t advance(const dl_ngram_level *l, size_t *j, dl_ngram_key key)
{
	while (*j < l->n && l->keys[*j] < key)
		(*j)++;
	return *j;
}

/* Interpolates the n-grams of one partition, those whose context ends with the same word:
 * they are sorted by rotated key (the context above the last word), so that each context's
 * n-grams are adjacent and the contexts ascend, as the keys of the order below do. */
static void partition_probs(dl_ngram_est *m, int o, const uint32_t *part, size_t np,
			    size_t *j, dl_pool *pool)
{
	dl_ngram_level *l = &m->lev[o], *low = &m->lev[o - 1];
	const double *d = m->disc[o];
	unsigned bits = m->bits, cbits = bits * (unsigned)o;
	dl_ngram_key cmask = ((dl_ngram_key)1 << cbits) - 1;
	dl_ngram_key *rk = dl_mallocarray(np, sizeof *rk);
	uint32_t *idx = dl_mallocarray(np, sizeof *idx);

	for (size_t i = 0; i < np; i++) {
		dl_ngram_key k = l->keys[part[i]];
		rk[i] = ((k & cmask) << bits) | (k >> cbits);
		idx[i] = part[i];
	}
	/* the context's last word is the same in the whole partition: leave it out */
	dl_ngram_sort(rk, idx, np, cbits, np >= 65536 ? pool : NULL);
	for (size_t b = 0, e; b < np; b = e) {
		dl_ngram_key ctx = rk[b] >> bits;
		double sum = 0, gamma = 0;
		for (e = b; e < np && rk[e] >> bits == ctx; e++) {
			uint32_t a = l->adj[idx[e]] & ~PRUNED;
			sum += a;
			/* a pruned n-gram's whole count goes to gamma (see estimate.h) */
			gamma += l->adj[idx[e]] & PRUNED ? a : discount(d, a);
		}
		gamma /= sum;
		for (size_t i = b; i < e; i++) {
			uint32_t a = l->adj[idx[i]] & ~PRUNED;
			float *p = &l->prob[idx[i]];     /* holds the lower-order probability */
			*p = (float)((a - discount(d, a)) / sum + gamma * *p);
		}
		size_t at = advance(low, j, ctx);
		if (at < low->n && low->keys[at] == ctx)
			low->bo[at] = (float)gamma;
	}
	free(rk);
	free(idx);
}

static void level_probs(dl_ngram_est *m, int o, dl_pool *pool)
{
	dl_ngram_level *l = &m->lev[o], *low = &m->lev[o - 1];
	unsigned bits = m->bits;
	size_t j = 0, nv = m->vocab.n;

	/* the lower-order probability of each n-gram's suffix (both in suffix order) */
	l->prob = dl_mallocarray(l->n ? l->n : 1, sizeof *l->prob);
	for (size_t i = 0; i < l->n; i++) {
		size_t at = advance(low, &j, l->keys[i] >> bits);
		l->prob[i] = low->prob[at];
	}
	low->bo = dl_mallocarray(low->n, sizeof *low->bo);
	for (size_t i = 0; i < low->n; i++)
		low->bo[i] = 1;
	/* partitions by the context's last word, in ascending order */
	size_t *start = dl_calloc(nv + 1, sizeof *start);
	for (size_t i = 0; i < l->n; i++)
		start[dl_ngram_key_word(l->keys[i], bits, o - 1) + 1]++;
	for (size_t v = 0; v < nv; v++)
		start[v + 1] += start[v];
	uint32_t *part = dl_mallocarray(l->n ? l->n : 1, sizeof *part);
	size_t *fill = dl_mallocarray(nv, sizeof *fill);
	memcpy(fill, start, nv * sizeof *fill);
	for (size_t i = 0; i < l->n; i++)
		part[fill[dl_ngram_key_word(l->keys[i], bits, o - 1)]++] = (uint32_t)i;
	free(fill);
	j = 0;
	for (size_t v = 0; v < nv; v++)
		if (start[v + 1] > start[v])
			partition_probs(m, o, part + start[v], start[v + 1] - start[v], &j, pool);
	free(part);
	free(start);
}

struct logctx {
	float *p;
};

static void log_fn(void *ctx, size_t begin, size_t end, int tid)
{
	float *p = ((struct logctx *)ctx)->p;
	(void)tid;
	for (size_t i = begin; i < end; i++)
		p[i] = log10f(p[i]);
}

static void to_log10(float *p, size_t n, dl_pool *pool)
{
	struct logctx c = { p };
	if (pool)
		dl_pool_for(pool, n, 1 << 16, log_fn, &c);
	else
		log_fn(&c, 0, n, 0);
}

/* ------------------------------------------------------------------ driver */

static unsigned bits_for(size_t v)
{
	unsigned b = 1;
	while (b < 32 && ((size_t)1 << b) < v)
		b++;
	return b;
}

dl_ngram_est *dl_ngram_estimate(dl_ngram_corpus *c, const dl_ngram_est_opts *o, dl_err *e)
{
	int N = o->order;
	double t0 = dl_now();
	dl_ngram_key *k = NULL;
	uint32_t *cnt = NULL;
	size_t nk;

	if (N < 1 || N > DL_NGRAM_MAX_ORDER)
		return dl_errf(e, "the order must be 1 to %d", DL_NGRAM_MAX_ORDER), NULL;
	if (!c->words)
		return dl_errf(e, "the corpus has no words"), NULL;
	if (o->prune[0])
		return dl_errf(e, "unigrams cannot be pruned"), NULL;
	for (int n = 1; n < N; n++)
		if (o->prune[n] < o->prune[n - 1])
			return dl_errf(e, "the pruning thresholds decrease"), NULL;
	if ((uint64_t)c->nids >= UINT32_MAX)
		return dl_errf(e, "the corpus has more than %u tokens", UINT32_MAX - 1), NULL;
	unsigned bits = bits_for(c->vocab.n);
	if (bits * (unsigned)N > 128)
		return dl_errf(e, "%zu distinct words are too many for order %d (at most "
			       "2^%d)", c->vocab.n, N, 128 / N), NULL;

	dl_ngram_est *m = dl_calloc(1, sizeof *m);
	m->order = N;
	m->bits = bits;
	m->vocab = c->vocab;
	dl_ngram_vocab_init(&c->vocab);
	m->tokens = c->nids;
	dl_pool *pool = o->threads > 1 ? dl_pool_new(o->threads) : NULL;

	size_t runs = 0;
	stage(o, t0, "sorting n-grams");
	nk = dl_ngram_count(c->ids, c->nids, N, bits, o->memory, pool, &k, &cnt, &runs, e);
	free(c->ids);           /* the keys say it all now */
	c->ids = NULL;
	c->nids = c->cap = 0;
	if (nk == (size_t)-1) {
		k = NULL;
		goto fail;
	}
	if (o->progress && runs > 1)
		fprintf(stderr, "%s: merged %zu sorted runs\n", dl_progname(), runs);
	stage(o, t0, "adjusting counts");
	dl_err aerr;
	aerr.msg[0] = 0;
	adjust(m, k, cnt, nk, o->raw_counts, o->prune, &aerr);
	k = NULL;
	cnt = NULL;
	if (aerr.msg[0]) {
		dl_errf(e, "%s", aerr.msg);
		goto fail;
	}
	if (o->probabilities && discounts(m, o, e) < 0)
		goto fail;
	if (o->probabilities) {
		stage(o, t0, "computing probabilities");
		unigrams(m);
		for (int n = 1; n < N; n++) {
			level_probs(m, n, pool);
			/* the order below is complete: its pruned n-grams can go */
			if (n > 1 && o->prune[n - 1])
				prune_level(&m->lev[n - 1]);
			if (!o->raw_counts) {   /* counts are not needed any more */
				free(m->lev[n - 1].adj);
				m->lev[n - 1].adj = NULL;
			}
		}
		if (N > 1 && o->prune[N - 1])
			prune_level(&m->lev[N - 1]);
		if (!o->raw_counts) {
			free(m->lev[N - 1].adj);
			m->lev[N - 1].adj = NULL;
		}
		for (int n = 0; n < N; n++) {
			to_log10(m->lev[n].prob, m->lev[n].n, pool);
			if (m->lev[n].bo)
				to_log10(m->lev[n].bo, m->lev[n].n, pool);
		}
	}
	dl_pool_free(pool);
	return m;
fail:
	free(k);
	free(cnt);
	dl_pool_free(pool);
	dl_ngram_est_free(m);
	return NULL;
}
