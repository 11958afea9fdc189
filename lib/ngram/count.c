/*
 * count.c — counting top-order n-grams in sorted runs (see count.h).
 */
#include "ngram/count.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/tmp.h"
#include "ngram/vocab.h"

/* Keys of the tokens [b, e), continuing the window *cur. */
static void make_keys(const uint32_t *ids, size_t b, size_t e, int N, unsigned bits,
		      dl_ngram_key pad, dl_ngram_key *cur, dl_ngram_key *k)
{
	unsigned top = bits * (unsigned)(N - 1);
	dl_ngram_key c = *cur;
	for (size_t i = b; i < e; i++) {
		uint32_t w = ids[i];
		/* shift the window one word left (oldest word out), the new word on top */
		c = (N > 1 ? c >> bits : 0) | ((dl_ngram_key)w << top);
		k[i - b] = c;
		if (w == DL_NGRAM_EOS)
			c = pad << bits;
	}
	*cur = c;
}

/* Merges equal adjacent keys of k[0..n) in place, counts into c; returns the new n. */
static size_t uniq(dl_ngram_key *k, size_t n, uint32_t *c, dl_err *e)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && k[m - 1] == k[i]) {
			if (c[m - 1] == UINT32_MAX)
				return (size_t)dl_errf(e, "an n-gram occurs more than %u times",
						       UINT32_MAX - 1);
			c[m - 1]++;
		} else {
			k[m] = k[i];
			c[m++] = 1;
		}
	}
	return m;
}

/* ---- runs on disk */

struct run {
	FILE *f;
	uint64_t left;          /* records not yet read */
	dl_ngram_key key;
	uint32_t cnt;
};

static int write_run(FILE *f, const dl_ngram_key *k, const uint32_t *c, size_t n, dl_err *e)
{
	for (size_t i = 0; i < n; i++)
		if (fwrite(&k[i], sizeof *k, 1, f) != 1 || fwrite(&c[i], sizeof *c, 1, f) != 1)
			return dl_errf(e, "cannot write a temporary file in %s", dl_tmp_dir());
	if (fflush(f) || fseek(f, 0, SEEK_SET))
		return dl_errf(e, "cannot write a temporary file in %s", dl_tmp_dir());
	return 0;
}

static int next_rec(struct run *r, dl_err *e)
{
	if (!r->left)
		return 0;
	if (fread(&r->key, sizeof r->key, 1, r->f) != 1 || fread(&r->cnt, sizeof r->cnt, 1, r->f) != 1)
		return dl_errf(e, "cannot read back a temporary file in %s", dl_tmp_dir());
	r->left--;
	return 1;
}

/* Restores the heap property below slot i (heap of run indices, smallest key on top). */
static void sift_down(size_t *heap, size_t n, size_t i, const struct run *r)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && r[heap[l]].key < r[heap[m]].key)
			m = l;
		if (l + 1 < n && r[heap[l + 1]].key < r[heap[m]].key)
			m = l + 1;
		if (m == i)
			return;
		size_t t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

static size_t merge_runs(struct run *r, size_t nr, uint64_t total, dl_ngram_key **keys,
			 uint32_t **cnt, dl_err *e)
{
	dl_ngram_key *k = dl_mallocarray(total ? total : 1, sizeof *k);
	uint32_t *c = dl_mallocarray(total ? total : 1, sizeof *c);
	size_t *heap = dl_mallocarray(nr, sizeof *heap), nh = 0, m = 0;
	int rc;

	for (size_t i = 0; i < nr; i++) {
		if ((rc = next_rec(&r[i], e)) < 0)
			goto fail;
		if (rc)
			heap[nh++] = i;
	}
	for (size_t i = nh; i-- > 0;)
		sift_down(heap, nh, i, r);
	while (nh) {
		struct run *top = &r[heap[0]];
		if (m && k[m - 1] == top->key) {
			if ((uint64_t)c[m - 1] + top->cnt > UINT32_MAX) {
				dl_errf(e, "an n-gram occurs more than %u times", UINT32_MAX - 1);
				goto fail;
			}
			c[m - 1] += top->cnt;
		} else {
			k[m] = top->key;
			c[m++] = top->cnt;
		}
		if ((rc = next_rec(top, e)) < 0)
			goto fail;
		if (!rc)
			heap[0] = heap[--nh];
		sift_down(heap, nh, 0, r);
	}
	free(heap);
	*keys = dl_reallocarray(k, m ? m : 1, sizeof *k);
	*cnt = dl_reallocarray(c, m ? m : 1, sizeof *c);
	return m;
fail:
	free(heap);
	free(k);
	free(c);
	return (size_t)-1;
}

size_t dl_ngram_count(const uint32_t *ids, size_t n, int order, unsigned bits,
		      uint64_t memory, dl_pool *pool, dl_ngram_key **keys, uint32_t **cnt,
		      size_t *runs, dl_err *e)
{
	dl_ngram_key pad = 0, cur;
	size_t chunk = n, nr = 0, nruns = 0, m = (size_t)-1;
	uint64_t total = 0;
	struct run *r = NULL;

	for (int i = 0; i < order - 1; i++)
		pad |= (dl_ngram_key)DL_NGRAM_BOS << (bits * (unsigned)i);
	cur = pad << bits;
	/* a chunk takes 36 bytes a token (key, the sort's copy, count): half the budget, the
	 * other half is for the merged counts and the corpus */
	if (memory && memory / 72 < n)
		chunk = memory / 72 > 4096 ? (size_t)(memory / 72) : 4096;
	dl_ngram_key *k = dl_mallocarray(chunk ? chunk : 1, sizeof *k);
	uint32_t *c = dl_mallocarray(chunk ? chunk : 1, sizeof *c);
	if (chunk >= n) {               /* one chunk: no runs */
		make_keys(ids, 0, n, order, bits, pad, &cur, k);
		dl_ngram_sort(k, NULL, n, bits * (unsigned)order, pool);
		m = uniq(k, n, c, e);
		if (m == (size_t)-1)
			goto out;
		*keys = dl_reallocarray(k, m ? m : 1, sizeof *k);
		*cnt = dl_reallocarray(c, m ? m : 1, sizeof *c);
		*runs = 1;
		return m;
	}
	nruns = (n + chunk - 1) / chunk;
	r = dl_calloc(nruns, sizeof *r);
	for (size_t b = 0; b < n; b += chunk, nr++) {
		size_t len = n - b < chunk ? n - b : chunk;
		make_keys(ids, b, b + len, order, bits, pad, &cur, k);
		dl_ngram_sort(k, NULL, len, bits * (unsigned)order, pool);
		size_t u = uniq(k, len, c, e);
		if (u == (size_t)-1)
			goto out;
		if (!(r[nr].f = dl_tmp_file(e)) || write_run(r[nr].f, k, c, u, e) < 0)
			goto out;
		r[nr].left = u;
		total += u;
	}
	free(k);
	free(c);
	k = NULL;
	c = NULL;
	m = merge_runs(r, nr, total, keys, cnt, e);
	*runs = nr;
out:
	for (size_t i = 0; r && i < nruns; i++)
		if (r[i].f)
			fclose(r[i].f);
	free(r);
	free(k);
	free(c);
	return m;
}
