/*
 * textpriv.h — small helpers shared by the text codecs of lib/record (jsonl.c, csv.c,
 * csvwrite.c). Not an API: nothing outside lib/record includes this.
 */
#ifndef DL_RECORD_TEXTPRIV_H
#define DL_RECORD_TEXTPRIV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"

/* Bytes of outside data quoted in a message. */
#define SHOW_MAX 40

/* Writes up to SHOW_MAX bytes of p into out for a message, non-printing bytes as '?'
 * and "..." when cut; returns out. */
static inline const char *show_bytes(char out[SHOW_MAX + 4], const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t k = n > SHOW_MAX ? SHOW_MAX : n, i;

	for (i = 0; i < k; i++)
		out[i] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '?';
	if (k < n)
		out[i++] = '.', out[i++] = '.', out[i++] = '.';
	out[i] = '\0';
	return out;
}

/* A NUL-terminated copy of p[0..n), which may itself hold NUL bytes (dl_strndup stops
 * at the first). */
static inline char *dup_bytes(const void *p, size_t n)
{
	char *d = dl_malloc(n + 1);

	memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

/* A name -> index table over an array of names (open addressing; a slot holds the
 * index + 1, 0 when free). Sized once for n names. */
struct name_index {
	uint32_t *slot;
	size_t mask;
};

static inline void name_index_init(struct name_index *x, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	x->slot = dl_calloc(cap, sizeof *x->slot);
	x->mask = cap - 1;
}

/* Finds name[0..len) among names[] (lengths lens[]); returns its index, or SIZE_MAX with
 * *at set to the free slot where it would go. */
static inline size_t name_index_find(const struct name_index *x, char *const *names,
				     const size_t *lens, const char *name, size_t len,
				     size_t *at)
{
	size_t i = (size_t)dl_hash64(name, len, 0) & x->mask;

	for (;; i = (i + 1) & x->mask) {
		uint32_t v = x->slot[i];
		if (!v || (lens[v - 1] == len && !memcmp(names[v - 1], name, len))) {
			*at = i;
			return v ? v - 1 : SIZE_MAX;
		}
	}
}

static inline void name_index_free(struct name_index *x)
{
	dl_free(x->slot);
}

#endif
