/*
 * vocab.c — words <-> ids (see vocab.h). The table doubles when half full.
 */
#include "ngram/vocab.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/hash.h"

/* A slot holds id + 1 in its low 32 bits and the high 32 bits of the word's hash above, so
 * that a probe reads the word's bytes only when the hashes agree. */
static size_t slot_of(const dl_ngram_vocab *v, const char *w, size_t n)
{
	uint64_t h = dl_hash64(w, n, 0), tag = h & 0xffffffff00000000ULL;
	size_t mask = v->nslots - 1, i = (size_t)h & mask;
	for (;;) {
		uint64_t s = v->slots[i];
		if (!s)
			return i;
		uint32_t id = (uint32_t)s - 1;
		if ((s & 0xffffffff00000000ULL) == tag && v->len[id] == n &&
		    !memcmp(v->arena + v->off[id], w, n))
			return i;
		i = (i + 1) & mask;
	}
}

static inline uint64_t slot_value(const dl_ngram_vocab *v, uint32_t id)
{
	uint64_t h = dl_hash64(v->arena + v->off[id], v->len[id], 0);
	return (h & 0xffffffff00000000ULL) | ((uint64_t)id + 1);
}

static void rehash(dl_ngram_vocab *v, size_t nslots)
{
	free(v->slots);
	v->slots = dl_calloc(nslots, sizeof *v->slots);
	v->nslots = nslots;
	for (size_t id = 0; id < v->n; id++) {
		size_t i = slot_of(v, dl_ngram_vocab_word(v, (uint32_t)id), v->len[id]);
		v->slots[i] = slot_value(v, (uint32_t)id);
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
	uint64_t s = v->slots[slot_of(v, w, n)];
	return s ? (uint32_t)s - 1 : DL_NGRAM_NONE;
}

uint32_t dl_ngram_vocab_add(dl_ngram_vocab *v, const char *w, size_t n)
{
	size_t i = slot_of(v, w, n);
	if (v->slots[i])
		return (uint32_t)v->slots[i] - 1;
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
	v->slots[i] = slot_value(v, id);
	if (2 * v->n > v->nslots)
		rehash(v, 2 * v->nslots);
	return id;
}
