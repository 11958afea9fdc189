/*
 * count.c — counting distinct pieces: an open-addressing hash map from piece bytes to a
 * 64-bit count.
 *
 * Layout. The table is a power-of-two array of 24-byte slots probed linearly from the
 * piece's XXH64 hash, doubled when half full. A slot holds the count, the length and a
 * 64-bit key: for a piece of at most 8 bytes the bytes themselves (zero-padded), so that
 * finding a short piece (most of them) reads one slot and nothing else; for a longer piece
 * its hash, and only when length and hash agree are the bytes compared. The slot also holds
 * the index + 1 (0: empty) of the piece in a dense array of (bytes, length) in order of first
 * appearance. The bytes are copied into an arena of large blocks (never moved, so the
 * pointers handed out by dl_piece_counter_words stay valid), not one allocation per piece.
 *
 * Sorting for dl_piece_counter_words is a radix sort on string keys: each key holds the next
 * 7 bytes of a piece (zero-padded) and, in its low byte, how many bytes of the piece are left
 * from there (capped at 8), so that a prefix sorts before the longer piece. Pieces whose
 * 7 bytes agree and that both go on past them are sorted again on the next 7 bytes.
 */
#include "config.h"
#include "tokenize/count.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/hash.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK ((size_t)1 << 20)  /* bytes per arena block */
#define ARENA_OWN (ARENA_BLOCK / 8)     /* pieces this long get a block of their own */
#define MIN_SLOTS 1024

struct slot {
	uint64_t key;   /* the bytes of a piece of <= 8 bytes, else its hash */
	uint64_t count;
	uint32_t len;   /* the length, capped at UINT32_MAX */
	uint32_t idx;   /* the piece's index + 1; 0 for an empty slot */
};

/* A distinct piece; its count lives in its slot. */
struct piece {
	const uint8_t *bytes;
	size_t len;
};

struct arena_block {
	struct arena_block *next;
	uint8_t data[];
};

struct dl_piece_counter {
	dl_pretok pattern;
	struct slot *slots;
	size_t mask;            /* number of slots - 1 */
	struct piece *ents;     /* the distinct pieces, in order of first appearance */
	size_t n, cap;
	uint64_t total;
	struct arena_block *blocks;
	uint8_t *cur;           /* free space in the newest shared block */
	size_t left;
};

dl_piece_counter *dl_piece_counter_new(dl_pretok pattern)
{
	dl_piece_counter *c = dl_calloc(1, sizeof *c);
	c->pattern = pattern;
	c->slots = dl_calloc(MIN_SLOTS, sizeof *c->slots);
	c->mask = MIN_SLOTS - 1;
	return c;
}

void dl_piece_counter_free(dl_piece_counter *c)
{
	if (!c)
		return;
	struct arena_block *b = c->blocks;
	while (b) {
		struct arena_block *next = b->next;
		dl_free(b);
		b = next;
	}
	dl_free(c->slots);
	dl_free(c->ents);
	dl_free(c);
}

/* A block holding at least size bytes, linked in front of (or, for a piece of its own, just
 * behind) the newest block so that the shared block stays the newest. */
static uint8_t *arena_new_block(dl_piece_counter *c, size_t size, int own)
{
	struct arena_block *b = dl_malloc(sizeof *b + size);
	if (own && c->blocks) {
		b->next = c->blocks->next;
		c->blocks->next = b;
	} else {
		b->next = c->blocks;
		c->blocks = b;
	}
	return b->data;
}

static const uint8_t *arena_copy(dl_piece_counter *c, const uint8_t *p, size_t len)
{
	uint8_t *dst;
	if (len >= ARENA_OWN) {
		dst = arena_new_block(c, len, 1);
	} else {
		if (c->left < len) {
			c->cur = arena_new_block(c, ARENA_BLOCK, 0);
			c->left = ARENA_BLOCK;
		}
		dst = c->cur;
		c->cur += len;
		c->left -= len;
	}
	if (len)
		memcpy(dst, p, len);
	return dst;
}

static inline uint64_t slot_key(const uint8_t *p, size_t len, uint64_t h)
{
	if (len > 8)
		return h;
	uint64_t k = 0;
	memcpy(&k, p, len);
	return k;
}

static void grow_table(dl_piece_counter *c)
{
	size_t nslots = (c->mask + 1) * 2;
	struct slot *s = dl_calloc(nslots, sizeof *s);
	size_t mask = nslots - 1;
	for (size_t i = 0; i <= c->mask; i++) {
		struct slot old = c->slots[i];
		if (!old.idx)
			continue;
		const struct piece *e = &c->ents[old.idx - 1];
		size_t j = (e->len > 8 ? old.key : dl_hash64(e->bytes, e->len, 0)) & mask;
		while (s[j].idx)
			j = (j + 1) & mask;
		s[j] = old;
	}
	dl_free(c->slots);
	c->slots = s;
	c->mask = mask;
}

/* Adds count to the piece whose hash is h. */
static void add_hashed(dl_piece_counter *c, const uint8_t *piece, size_t len, uint64_t h,
		       uint64_t count)
{
	uint64_t key = slot_key(piece, len, h);
	uint32_t len32 = len < UINT32_MAX ? (uint32_t)len : UINT32_MAX;
	size_t i = h & c->mask;
	c->total += count;
	for (;;) {
		struct slot *s = &c->slots[i];
		if (!s->idx)
			break;
		if (s->key == key && s->len == len32) {
			const struct piece *e = &c->ents[s->idx - 1];
			if (len <= 8 || (e->len == len && memcmp(e->bytes, piece, len) == 0)) {
				s->count += count;
				return;
			}
		}
		i = (i + 1) & c->mask;
	}
	if (c->n >= UINT32_MAX - 1)
		dl_die("piece counter: more than %u distinct pieces", UINT32_MAX - 2);
	DL_GROW(c->ents, c->cap, c->n + 1);
	struct piece *e = &c->ents[c->n++];
	e->bytes = arena_copy(c, piece, len);
	e->len = len;
	struct slot *s = &c->slots[i];
	s->key = key;
	s->count = count;
	s->len = len32;
	s->idx = (uint32_t)c->n;
	if (c->n * 2 > c->mask + 1)
		grow_table(c);
}

void dl_piece_counter_add_piece(dl_piece_counter *c, const uint8_t *piece, size_t len,
				uint64_t count)
{
	add_hashed(c, piece, len, dl_hash64(piece, len, 0), count);
}

void dl_piece_counter_add_doc(dl_piece_counter *c, const uint8_t *text, size_t len)
{
	while (len) {
		size_t k = dl_pretok_next(c->pattern, text, len);
		if (k == 0 || k > len)   /* the contract says 1..len; never loop forever */
			k = len;
		dl_piece_counter_add_piece(c, text, k, 1);
		text += k;
		len -= k;
	}
}

/* Each slot's count, in the order of the pieces (the slots are in hash order). */
static uint64_t *counts_by_piece(const dl_piece_counter *c)
{
	uint64_t *count = dl_mallocarray(c->n ? c->n : 1, sizeof *count);
	for (size_t i = 0; i <= c->mask; i++)
		if (c->slots[i].idx)
			count[c->slots[i].idx - 1] = c->slots[i].count;
	return count;
}

#define MERGE_AHEAD 8

void dl_piece_counter_merge(dl_piece_counter *dst, const dl_piece_counter *src)
{
	if (dst == src) {
		/* Counting a counter into itself doubles every count. */
		for (size_t i = 0; i <= dst->mask; i++)
			dst->slots[i].count *= 2;
		dst->total *= 2;
		return;
	}
	/* The pieces of src in their order, which reads its arena in order; the hashes are
	 * computed a few pieces ahead and dst's slots fetched ahead, so that the misses
	 * overlap. */
	uint64_t *count = counts_by_piece(src);
	uint64_t h[MERGE_AHEAD];
	size_t n = src->n;
	for (size_t i = 0; i < n + MERGE_AHEAD; i++) {
		/* Piece i - MERGE_AHEAD is added, then piece i takes its place in h. */
		if (i >= MERGE_AHEAD) {
			size_t j = i - MERGE_AHEAD;
			const struct piece *e = &src->ents[j];
			add_hashed(dst, e->bytes, e->len, h[j % MERGE_AHEAD], count[j]);
		}
		if (i < n) {
			const struct piece *e = &src->ents[i];
			h[i % MERGE_AHEAD] = dl_hash64(e->bytes, e->len, 0);
			__builtin_prefetch(&dst->slots[h[i % MERGE_AHEAD] & dst->mask]);
		}
	}
	dl_free(count);
}

size_t dl_piece_counter_size(const dl_piece_counter *c)
{
	return c->n;
}

uint64_t dl_piece_counter_total(const dl_piece_counter *c)
{
	return c->total;
}

/* ================================================================ sorting */

struct skey {
	uint64_t key;
	uint64_t idx;
};

/* The key of piece e at byte offset off (off < e->len or the piece ended before). */
static uint64_t piece_key(const struct piece *e, size_t off)
{
	uint64_t k = 0;
	size_t rem = e->len > off ? e->len - off : 0;
	size_t take = rem < 7 ? rem : 7;
	for (size_t i = 0; i < take; i++)
		k |= (uint64_t)e->bytes[off + i] << (56 - 8 * i);
	return k | (rem < 8 ? rem : 8);
}

static int piece_cmp(const struct piece *a, const struct piece *b)
{
	size_t m = a->len < b->len ? a->len : b->len;
	int r = m ? memcmp(a->bytes, b->bytes, m) : 0;
	if (r)
		return r;
	return (a->len > b->len) - (a->len < b->len);
}

static int skey_cmp(const void *a, const void *b, void *ents)
{
	const struct skey *x = a, *y = b;
	const struct piece *e = ents;
	return piece_cmp(&e[x->idx], &e[y->idx]);
}

static void insertion_sort(struct skey *v, size_t n, const struct piece *ents)
{
	for (size_t i = 1; i < n; i++) {
		struct skey x = v[i];
		size_t j = i;
		while (j > 0 && piece_cmp(&ents[v[j - 1].idx], &ents[x.idx]) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/* LSD radix sort of v[0..n) by key, 8 bits a pass; tmp has room for n items. Passes over a
 * byte that all keys share are skipped. */
static void radix_sort(struct skey *v, struct skey *tmp, size_t n)
{
	for (int shift = 0; shift < 64; shift += 8) {
		size_t cnt[256] = {0};
		for (size_t i = 0; i < n; i++)
			cnt[(v[i].key >> shift) & 255]++;
		if (cnt[(v[0].key >> shift) & 255] == n)
			continue;
		size_t sum = 0;
		for (int b = 0; b < 256; b++) {
			size_t t = cnt[b];
			cnt[b] = sum;
			sum += t;
		}
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(v[i].key >> shift) & 255]++] = v[i];
		memcpy(v, tmp, n * sizeof *v);
	}
}

/* Sorts v[0..n), whose pieces agree on their first off bytes, by the bytes from off on. */
static void sort_pieces(struct skey *v, struct skey *tmp, size_t n, size_t off,
			const struct piece *ents)
{
	if (n <= 16) {
		insertion_sort(v, n, ents);
		return;
	}
	if (off > 7 * 64) {
		/* Many pieces sharing a very long prefix: compare whole pieces. */
		qsort_r(v, n, sizeof *v, skey_cmp, (void *)ents);
		return;
	}
	for (size_t i = 0; i < n; i++)
		v[i].key = piece_key(&ents[v[i].idx], off);
	radix_sort(v, tmp, n);
	/* Equal keys mean equal next 7 bytes and both pieces going on past them. */
	size_t i = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && v[j].key == v[i].key)
			j++;
		if (j - i > 1)
			sort_pieces(v + i, tmp, j - i, off + 7, ents);
		i = j;
	}
}

dl_bpe_word *dl_piece_counter_words(const dl_piece_counter *c, size_t *n)
{
	size_t m = c->n;
	dl_bpe_word *out = dl_mallocarray(m ? m : 1, sizeof *out);
	if (m) {
		struct skey *v = dl_mallocarray(m, sizeof *v);
		struct skey *tmp = dl_mallocarray(m, sizeof *tmp);
		uint64_t *count = counts_by_piece(c);
		for (size_t i = 0; i < m; i++)
			v[i].idx = i;
		sort_pieces(v, tmp, m, 0, c->ents);
		for (size_t i = 0; i < m; i++) {
			out[i].bytes = c->ents[v[i].idx].bytes;
			out[i].len = c->ents[v[i].idx].len;
			out[i].count = count[v[i].idx];
		}
		dl_free(count);
		dl_free(tmp);
		dl_free(v);
	}
	*n = m;
	return out;
}
