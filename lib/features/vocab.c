/*
 * vocab.c — the string set of vocab.h: parallel arrays of strings, lengths and counts, and
 * an open-addressing index of XXH64 hashes (linear probing, at most half full, rebuilt
 * whole when it grows or when dl_vocab_select renumbers).
 */
#include "features/vocab.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"

void dl_vocab_init(dl_vocab *v)
{
	memset(v, 0, sizeof *v);
}

void dl_vocab_free(dl_vocab *v)
{
	for (size_t i = 0; i < v->n; i++)
		dl_free(v->str[i]);
	dl_free(v->str);
	dl_free(v->len);
	dl_free(v->count);
	dl_free(v->slot);
	memset(v, 0, sizeof *v);
}

static size_t probe(const dl_vocab *v, const char *s, size_t n)
{
	size_t i = (size_t)dl_hash64(s, n, 0) & v->mask;

	for (;; i = (i + 1) & v->mask) {
		uint32_t x = v->slot[i];
		if (!x || (v->len[x - 1] == n && !memcmp(v->str[x - 1], s, n)))
			return i;
	}
}

static void reindex(dl_vocab *v, size_t cap)
{
	dl_free(v->slot);
	v->slot = dl_calloc(cap, sizeof *v->slot);
	v->mask = cap - 1;
	for (size_t k = 0; k < v->n; k++)
		v->slot[probe(v, v->str[k], v->len[k])] = (uint32_t)(k + 1);
}

int64_t dl_vocab_find(const dl_vocab *v, const char *s, size_t n)
{
	if (!v->slot)
		return -1;
	uint32_t x = v->slot[probe(v, s, n)];
	return x ? (int64_t)x - 1 : -1;
}

size_t dl_vocab_add(dl_vocab *v, const char *s, size_t n)
{
	size_t i;

	if (!v->slot)
		reindex(v, 16);
	i = probe(v, s, n);
	if (v->slot[i])
		return v->slot[i] - 1;
	if (v->n + 1 > UINT32_MAX - 1)
		abort();        /* 4 billion distinct strings: beyond any vocabulary */
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 16;
		v->str = dl_reallocarray(v->str, v->cap, sizeof *v->str);
		v->len = dl_reallocarray(v->len, v->cap, sizeof *v->len);
		v->count = dl_reallocarray(v->count, v->cap, sizeof *v->count);
	}
	char *copy = dl_malloc(n + 1);
	if (n)
		memcpy(copy, s, n);
	copy[n] = '\0';
	v->str[v->n] = copy;
	v->len[v->n] = n;
	v->count[v->n] = 0;
	v->slot[i] = (uint32_t)(v->n + 1);
	v->n++;
	if (2 * v->n > v->mask + 1)
		reindex(v, 2 * (v->mask + 1));
	return v->n - 1;
}

struct entry {
	char *str;
	size_t len;
	uint64_t count;
};

static int by_count(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	size_t m = a->len < b->len ? a->len : b->len;
	int c;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	c = memcmp(a->str, b->str, m);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

void dl_vocab_select(dl_vocab *v, uint64_t min_count, size_t top_k)
{
	struct entry *e = dl_mallocarray(v->n ? v->n : 1, sizeof *e);
	size_t keep = 0;

	for (size_t i = 0; i < v->n; i++)
		e[i] = (struct entry){ v->str[i], v->len[i], v->count[i] };
	qsort(e, v->n, sizeof *e, by_count);
	for (size_t i = 0; i < v->n; i++) {
		if (e[i].count >= min_count && (!top_k || keep < top_k)) {
			v->str[keep] = e[i].str;
			v->len[keep] = e[i].len;
			v->count[keep] = e[i].count;
			keep++;
		} else {
			dl_free(e[i].str);
		}
	}
	dl_free(e);
	v->n = keep;
	size_t cap = 16;
	while (cap < 2 * keep + 2)
		cap *= 2;
	reindex(v, cap);
}
