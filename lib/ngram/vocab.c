/*
 * vocab.c — words <-> ids (see vocab.h). The table stores ids only; a probe compares the
 * stored word's length and bytes, so no hash values are kept. It doubles when half full.
 */
#include "ngram/vocab.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/hash.h"

static size_t slot_of(const dl_ngram_vocab *v, const char *w, size_t n)
{
	size_t mask = v->nslots - 1, i = (size_t)dl_hash64(w, n, 0) & mask;
	for (;;) {
		uint32_t s = v->slots[i];
		if (!s)
			return i;
		if (v->len[s - 1] == n && !memcmp(v->arena + v->off[s - 1], w, n))
			return i;
		i = (i + 1) & mask;
	}
}

static void rehash(dl_ngram_vocab *v, size_t nslots)
{
	free(v->slots);
	v->slots = dl_calloc(nslots, sizeof *v->slots);
	v->nslots = nslots;
	for (size_t id = 0; id < v->n; id++) {
		size_t i = slot_of(v, dl_ngram_vocab_word(v, (uint32_t)id), v->len[id]);
		v->slots[i] = (uint32_t)id + 1;
	}
}

void dl_ngram_vocab_init(dl_ngram_vocab *v)
{
	memset(v, 0, sizeof *v);
	v->nslots = 1024;
	v->slots = dl_calloc(v->nslots, sizeof *v->slots);
	dl_ngram_vocab_add(v, "<unk>", 5);
	dl_ngram_vocab_add(v, "<s>", 3);
	dl_ngram_vocab_add(v, "</s>", 4);
}

void dl_ngram_vocab_free(dl_ngram_vocab *v)
{
	free(v->arena);
	free(v->off);
	free(v->len);
	free(v->slots);
	memset(v, 0, sizeof *v);
}

uint32_t dl_ngram_vocab_find(const dl_ngram_vocab *v, const char *w, size_t n)
{
	uint32_t s = v->slots[slot_of(v, w, n)];
	return s ? s - 1 : DL_NGRAM_NONE;
}

uint32_t dl_ngram_vocab_add(dl_ngram_vocab *v, const char *w, size_t n)
{
	size_t i = slot_of(v, w, n);
	if (v->slots[i])
		return v->slots[i] - 1;
	if (v->n >= UINT32_MAX - 1)
		dl_die("more than %u distinct words", UINT32_MAX - 2);
	uint32_t id = (uint32_t)v->n;
	if (v->n == v->cap) {
		size_t cap = v->cap;
		DL_GROW(v->off, cap, v->n + 1);
		DL_GROW(v->len, v->cap, v->n + 1);
	}
	DL_GROW(v->arena, v->arena_cap, v->arena_len + n + 1);
	memcpy(v->arena + v->arena_len, w, n);
	v->arena[v->arena_len + n] = 0;
	v->off[id] = v->arena_len;
	v->len[id] = (uint32_t)n;
	v->arena_len += n + 1;
	v->n++;
	v->slots[i] = id + 1;
	if (2 * v->n > v->nslots)
		rehash(v, 2 * v->nslots);
	return id;
}
