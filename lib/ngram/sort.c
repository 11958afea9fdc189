/*
 * sort.c — parallel stable LSD radix sort of 128-bit keys (see sort.h).
 */
#include "ngram/sort.h"

#include <string.h>

#include "core/alloc.h"

#define DIGIT_BITS 11
#define BUCKETS (1u << DIGIT_BITS)
#define MAX_SLICES 64

struct pass {
	const dl_ngram_key *src;
	const uint32_t *sval;
	dl_ngram_key *dst;
	uint32_t *dval;
	size_t n, slice;
	unsigned shift;
	size_t (*hist)[BUCKETS];        /* per slice: counts, then start offsets */
};

static void hist_fn(void *ctx, size_t begin, size_t end, int tid)
{
	struct pass *p = ctx;
	size_t *h = p->hist[begin / p->slice];
	(void)tid;
	memset(h, 0, BUCKETS * sizeof *h);
	for (size_t i = begin; i < end; i++)
		h[(unsigned)(p->src[i] >> p->shift) & (BUCKETS - 1)]++;
}

static void scatter_fn(void *ctx, size_t begin, size_t end, int tid)
{
	struct pass *p = ctx;
	size_t *pos = p->hist[begin / p->slice];
	(void)tid;
	for (size_t i = begin; i < end; i++) {
		size_t d = (unsigned)(p->src[i] >> p->shift) & (BUCKETS - 1);
		size_t o = pos[d]++;
		p->dst[o] = p->src[i];
		if (p->dval)
			p->dval[o] = p->sval[i];
	}
}

/* Turns per-slice counts into start offsets; returns 0 when every key is in one bucket. */
static int offsets(size_t (*hist)[BUCKETS], size_t nslices, size_t n)
{
	size_t sum = 0;
	for (size_t d = 0; d < BUCKETS; d++) {
		size_t tot = 0;
		for (size_t s = 0; s < nslices; s++)
			tot += hist[s][d];
		if (tot == n)
			return 0;
		for (size_t s = 0; s < nslices; s++) {
			size_t c = hist[s][d];
			hist[s][d] = sum;
			sum += c;
		}
	}
	return 1;
}

void dl_ngram_sort(dl_ngram_key *keys, uint32_t *val, size_t n, unsigned bits, dl_pool *pool)
{
	int threads = pool ? dl_pool_threads(pool) : 1;
	size_t nslices = n < 65536 ? 1 : (size_t)threads;
	if (nslices > MAX_SLICES)
		nslices = MAX_SLICES;
	if (n < 2 || !bits)
		return;
	struct pass p = { 0 };
	p.n = n;
	p.slice = (n + nslices - 1) / nslices;
	nslices = (n + p.slice - 1) / p.slice;
	p.hist = dl_mallocarray(nslices, sizeof *p.hist);
	dl_ngram_key *tk = dl_mallocarray(n, sizeof *tk);
	uint32_t *tv = val ? dl_mallocarray(n, sizeof *tv) : NULL;
	dl_ngram_key *ck = keys;
	uint32_t *cv = val;

	for (unsigned shift = 0; shift < bits; shift += DIGIT_BITS) {
		p.src = ck;
		p.sval = cv;
		p.shift = shift;
		p.dst = ck == keys ? tk : keys;
		p.dval = cv == val ? tv : val;
		if (pool && nslices > 1)
			dl_pool_for(pool, n, p.slice, hist_fn, &p);
		else
			for (size_t s = 0; s < nslices; s++)
				hist_fn(&p, s * p.slice, s == nslices - 1 ? n : (s + 1) * p.slice, 0);
		if (!offsets(p.hist, nslices, n))
			continue;
		if (pool && nslices > 1)
			dl_pool_for(pool, n, p.slice, scatter_fn, &p);
		else
			for (size_t s = 0; s < nslices; s++)
				scatter_fn(&p, s * p.slice, s == nslices - 1 ? n : (s + 1) * p.slice, 0);
		ck = p.dst;
		cv = p.dval;
	}
	if (ck != keys) {
		memcpy(keys, ck, n * sizeof *keys);
		if (val)
			memcpy(val, cv, n * sizeof *val);
	}
	free(tk);
	free(tv);
	free(p.hist);
}
