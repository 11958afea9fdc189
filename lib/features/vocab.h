/*
 * vocab.h — a set of byte strings numbered in insertion order, with counts: the lookup
 * table of the vocabulary columns and the counter that learns a vocabulary.
 *
 * Strings may hold any bytes (NUL included). Lookup is one XXH64 and a probe of an open
 * addressing table that is kept at most half full. dl_vocab_select sorts by count
 * (descending, ties by bytes ascending, as memcmp orders them, a shorter prefix first),
 * keeps the entries with count >= min_count and at most top_k of them, and renumbers.
 * Not thread-safe per object.
 */
#ifndef DL_FEATURES_VOCAB_H
#define DL_FEATURES_VOCAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct dl_vocab {
	char **str;            /* each NUL-terminated (and may hold NUL bytes before that) */
	size_t *len;
	uint64_t *count;
	size_t n, cap;
	uint32_t *slot;        /* index + 1, 0 when free */
	size_t mask;
} dl_vocab;

void dl_vocab_init(dl_vocab *v);
void dl_vocab_free(dl_vocab *v);

/* The index of s[0..n), or -1 when it is not in the set. */
int64_t dl_vocab_find(const dl_vocab *v, const char *s, size_t n);
/* Adds s[0..n) when absent (count 0); returns its index. */
size_t dl_vocab_add(dl_vocab *v, const char *s, size_t n);
/* Adds s[0..n) when absent and counts one occurrence. */
static inline void dl_vocab_count(dl_vocab *v, const char *s, size_t n)
{
	size_t i = dl_vocab_add(v, s, n);   /* first: adding may move count[] */

	v->count[i]++;
}
/* Keeps the entries counted at least min_count times, the top_k most frequent of them
 * (top_k 0 = all), ordered by count descending then bytes ascending, numbered 0, 1, ... */
void dl_vocab_select(dl_vocab *v, uint64_t min_count, size_t top_k);

#endif
