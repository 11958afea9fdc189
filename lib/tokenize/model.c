/*
 * model.c — the BPE model: token table, rank lookup, merging within a piece, special tokens.
 * (Loading and saving are in modelio.c.)
 *
 * Token bytes live in one arena; a table with open addressing (linear probing, power-of-two
 * size, at most half full) maps bytes to rank; each slot keeps the token's first 8 bytes. Ids
 * without a token (gaps in a rank file) are allowed and decode to nothing known. Lookups of
 * single bytes and of pairs go to arrays indexed by the bytes; longer strings first ask a
 * small Bloom filter, which turns away most strings that are not tokens without touching
 * the table (most lookups while merging are of such strings).
 *
 * Merging within a piece is the byte-pair procedure of tiktoken (OpenAI, "tiktoken", src/lib.rs,
 * byte_pair_merge): start from single bytes; repeatedly join the adjacent pair whose joined
 * bytes have the lowest rank, the leftmost of equal ranks, until no adjacent pair joins to a
 * token. Short pieces use a flat array (a scan per merge, fast for the few bytes of a word);
 * long ones a doubly linked list with a binary heap of candidate pairs, invalidated lazily, so
 * that a megabyte of one letter costs O(n log n), not O(n^2). A join longer than the longest
 * token is never looked up.
 *
 * Text repeats its words, so each encoder remembers the ids of recent pieces: a cache keyed by
 * the bytes of pieces of up to 16 bytes (most of them, whole tokens or not), and a smaller one
 * for longer pieces. A piece found there costs a hash and one or two memory accesses; the
 * merging above is for the rest.
 */
#include "config.h"
#include "tokenize/model.h"
#include "tokenize/modelpriv.h"
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define NONE UINT32_MAX
#define FLAT_MAX 128            /* pieces up to this many bytes use the flat array */

/* The first min(n, 8) bytes of p as a little-endian word, without reading past p + n: two
 * overlapping loads (their common bytes agree, so OR joins them). */
static inline uint64_t head_word(const uint8_t *p, size_t n)
{
	if (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		return w;
	}
	if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		return a | (uint64_t)b << (8 * (n - 4));
	}
	if (n == 0)
		return 0;
	return p[0] | (uint64_t)p[n / 2] << (8 * (n / 2)) | (uint64_t)p[n - 1] << (8 * (n - 1));
}

/* A fast hash for short byte strings (most tokens are a few bytes): the head word and the
 * rest in 8-byte words, mixed with multiply-xorshift steps (SplitMix64's finaliser
 * constants). */
static inline uint64_t key_hash(const uint8_t *p, size_t n, uint64_t head)
{
	uint64_t h = (head ^ ((uint64_t)n * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;
	for (size_t i = 8; i < n; i += 8) {
		h ^= h >> 31;
		h = (h ^ head_word(p + i, n - i < 8 ? n - i : 8)) * 0x94d049bb133111ebull;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

/* Memory for a table read at random, of 1 MiB or more: 2 MiB-aligned, a multiple of 2 MiB,
 * and asked for in huge pages where the system has them (one page fault and one TLB entry
 * per 2 MiB instead of 512 of each). Freed with free(). */
static void *alloc_table(size_t size)
{
	const size_t huge = (size_t)2 << 20;
	void *p = NULL;
	if (size < huge / 2)
		return dl_malloc(size);
	size = (size + huge - 1) / huge * huge;
	if (posix_memalign(&p, huge, size) != 0)
		return dl_malloc(size);
#ifdef MADV_HUGEPAGE
	madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

/* The filter answers "not a token" for most strings that are not, from bits of the hash
 * that the table does not use: a word, and two bits in it (a blocked Bloom filter, Putze,
 * Sanders and Singler, "Cache-, Hash- and Space-Efficient Bloom Filters", 2007). With 16
 * bits a token it lets about one string in a hundred through, and its words stay in the
 * processor's cache where the table does not: most lookups while merging are of strings
 * that are not tokens. */
static inline uint64_t filter_bits(uint64_t h)
{
	return (uint64_t)1 << ((h >> 44) & 63) | (uint64_t)1 << ((h >> 38) & 63);
}

static inline size_t filter_word(const dl_bpe *m, uint64_t h)
{
	return (size_t)(h >> 50) & (m->filter_words - 1);
}

static inline int filter_has(const dl_bpe *m, uint64_t h)
{
	uint64_t b = filter_bits(h);
	return (m->filter[filter_word(m, h)] & b) == b;
}

/* Slots hold the token's head word, so that a lookup of a token of up to 8 bytes (most of
 * them) compares one word and a length and touches no other memory. */
#define EMPTY UINT32_MAX

/* Puts token id in the table and returns -1, or returns the token already there with the
 * same bytes. */
static int64_t table_put(dl_bpe *m, uint32_t id)
{
	const uint8_t *p = m->arena + m->off[id];
	uint32_t n = m->len[id];
	uint64_t head = head_word(p, n);
	size_t mask = m->table_size - 1, i = (size_t)key_hash(p, n, head) & mask;
	for (; m->table[i].id != EMPTY; i = (i + 1) & mask) {
		const struct dl_bpe_slot *s = &m->table[i];
		if (s->head == head && s->len == n &&
		    (n <= 8 || !memcmp(m->arena + m->off[s->id] + 8, p + 8, n - 8)))
			return s->id;
	}
	m->table[i].head = head;
	m->table[i].id = id;
	m->table[i].len = n;
	return -1;
}

static void filter_put(dl_bpe *m, uint32_t id)
{
	const uint8_t *p = m->arena + m->off[id];
	uint64_t h = key_hash(p, m->len[id], head_word(p, m->len[id]));
	m->filter[filter_word(m, h)] |= filter_bits(h);
}

/* The rank of p[0..n) given its head word and hash, or -1. */
static inline int64_t rank_hashed(const dl_bpe *m, const uint8_t *p, size_t n, uint64_t head,
				  uint64_t h)
{
	size_t mask = m->table_size - 1, i = (size_t)h & mask;
	for (;;) {
		const struct dl_bpe_slot *s = &m->table[i];
		if (s->id == EMPTY)
			return -1;
		if (s->head == head && s->len == n &&
		    (n <= 8 || !memcmp(m->arena + m->off[s->id] + 8, p + 8, n - 8)))
			return s->id;
		i = (i + 1) & mask;
	}
}

/* The rank of p[0..n) from the table alone, or -1. */
static int64_t table_rank(const dl_bpe *m, const uint8_t *p, size_t n)
{
	uint64_t head = head_word(p, n);
	return rank_hashed(m, p, n, head, key_hash(p, n, head));
}

/* The rank of p[0..n) (n >= 1), or -1: single bytes and pairs from their arrays, longer
 * strings through the filter and then the table. */
static inline int64_t rank_of(const dl_bpe *m, const uint8_t *p, size_t n)
{
	if (n > m->max_len)
		return -1;
	if (n <= 2) {
		uint32_t id = n == 1 ? m->byte_id[p[0]] : m->pair_id[p[0] << 8 | p[1]];
		return id == NONE ? -1 : (int64_t)id;
	}
	uint64_t head = head_word(p, n), h = key_hash(p, n, head);
	if (!filter_has(m, h))
		return -1;
	return rank_hashed(m, p, n, head, h);
}

int64_t dl_bpe_rank(const dl_bpe *m, const uint8_t *p, size_t n)
{
	return n ? rank_of(m, p, n) : -1;
}

dl_bpe *dl_bpe_new(dl_pretok pattern, const uint8_t *const *tokens, const uint32_t *lens,
		   size_t ntokens, const char *const *special_names, const uint32_t *special_ids,
		   size_t nspecial, dl_err *e)
{
	size_t total = 0;
	for (size_t i = 0; i < ntokens; i++)
		if (tokens[i])
			total += lens[i];
	uint8_t *arena = dl_malloc(total ? total : 1);
	size_t *off = dl_mallocarray(ntokens ? ntokens : 1, sizeof *off);
	uint32_t *len = dl_mallocarray(ntokens ? ntokens : 1, sizeof *len);
	total = 0;
	for (size_t i = 0; i < ntokens; i++) {
		off[i] = tokens[i] ? total : SIZE_MAX;
		len[i] = tokens[i] ? lens[i] : 0;
		if (tokens[i])
			memcpy(arena + total, tokens[i], lens[i]);
		total += len[i];
	}
	return dl_bpe_build(pattern, arena, off, len, ntokens, special_names, special_ids, nspecial,
			    e);
}

dl_bpe *dl_bpe_build(dl_pretok pattern, uint8_t *arena, size_t *off, uint32_t *len,
		     size_t ntokens, const char *const *special_names, const uint32_t *special_ids,
		     size_t nspecial, dl_err *e)
{
	dl_bpe *m = dl_calloc(1, sizeof *m);
	m->pattern = pattern;
	m->ntokens = ntokens;
	m->arena = arena;
	m->off = off;
	m->len = len;
	m->present = dl_calloc(ntokens ? ntokens : 1, 1);
	if (ntokens >= NONE / 4) {
		dl_errf(e, "too many tokens (%zu)", ntokens);
		goto bad;
	}
	for (size_t i = 0; i < ntokens; i++) {
		if (off[i] == SIZE_MAX)
			continue;
		if (!len[i]) {
			dl_errf(e, "token %zu is empty", i);
			goto bad;
		}
		m->present[i] = 1;
		if (len[i] > m->max_len)
			m->max_len = len[i];
	}
	m->table_size = 16;
	while (m->table_size < 2 * ntokens + 2)
		m->table_size *= 2;
	m->table = alloc_table(m->table_size * sizeof *m->table);
	memset(m->table, 0xff, m->table_size * sizeof *m->table);   /* ids all EMPTY */
	m->filter_words = 1024;
	while (m->filter_words < ntokens / 4)
		m->filter_words *= 2;
	m->filter = dl_calloc(m->filter_words, sizeof *m->filter);
	m->pair_id = dl_malloc(65536 * sizeof *m->pair_id);
	memset(m->pair_id, 0xff, 65536 * sizeof *m->pair_id);       /* all NONE */
	for (size_t i = 0; i < ntokens; i++) {
		if (!m->present[i])
			continue;
		const uint8_t *p = m->arena + m->off[i];
		int64_t dup = table_put(m, (uint32_t)i);
		if (dup >= 0) {
			dl_errf(e, "tokens %lld and %zu have the same bytes", (long long)dup, i);
			goto bad;
		}
		if (m->len[i] == 2)
			m->pair_id[p[0] << 8 | p[1]] = (uint32_t)i;
		else if (m->len[i] > 2)
			filter_put(m, (uint32_t)i);
	}
	for (int b = 0; b < 256; b++) {
		uint8_t c = (uint8_t)b;
		int64_t r = table_rank(m, &c, 1);
		if (r < 0) {
			dl_errf(e, "no token for the byte 0x%02x (every byte must have one)", b);
			goto bad;
		}
		m->byte_id[b] = (uint32_t)r;
	}
	m->id_limit = (uint32_t)ntokens;
	m->nspecial = nspecial;
	m->special_names = dl_calloc(nspecial ? nspecial : 1, sizeof *m->special_names);
	m->special_ids = dl_calloc(nspecial ? nspecial : 1, sizeof *m->special_ids);
	m->special_lens = dl_calloc(nspecial ? nspecial : 1, sizeof *m->special_lens);
	for (size_t i = 0; i < nspecial; i++) {
		uint32_t id = special_ids[i];
		m->special_names[i] = dl_strdup(special_names[i]);
		m->special_lens[i] = strlen(special_names[i]);
		m->special_ids[i] = id;
		if (!special_names[i][0]) {
			dl_errf(e, "special token %zu has an empty name", i);
			goto bad;
		}
		if (id >= NONE / 2) {
			dl_errf(e, "special token %s: id %u is too large", special_names[i], id);
			goto bad;
		}
		if (id < ntokens && m->present[id]) {
			dl_errf(e, "special token %s: id %u is also the id of a token", special_names[i],
				id);
			goto bad;
		}
		for (size_t j = 0; j < i; j++) {
			if (special_ids[j] == id) {
				dl_errf(e, "special tokens %s and %s have the same id %u",
					special_names[j], special_names[i], id);
				goto bad;
			}
			if (!strcmp(special_names[j], special_names[i])) {
				dl_errf(e, "special token %s is given twice", special_names[i]);
				goto bad;
			}
		}
		if (id + 1 > m->id_limit)
			m->id_limit = id + 1;
	}
	return m;
bad:
	dl_bpe_free(m);
	return NULL;
}

void dl_bpe_free(dl_bpe *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nspecial; i++)
		free(m->special_names[i]);
	free(m->special_names);
	free(m->special_ids);
	free(m->special_lens);
	free(m->arena);
	free(m->off);
	free(m->len);
	free(m->present);
	free(m->table);
	free(m->filter);
	free(m->pair_id);
	free(m);
}

dl_pretok dl_bpe_pattern(const dl_bpe *m) { return m->pattern; }
size_t dl_bpe_ntokens(const dl_bpe *m) { return m->ntokens; }
size_t dl_bpe_nspecial(const dl_bpe *m) { return m->nspecial; }
uint32_t dl_bpe_id_limit(const dl_bpe *m) { return m->id_limit; }

const uint8_t *dl_bpe_token(const dl_bpe *m, uint32_t id, size_t *len)
{
	if (id < m->ntokens && m->present[id]) {
		*len = m->len[id];
		return m->arena + m->off[id];
	}
	for (size_t i = 0; i < m->nspecial; i++)
		if (m->special_ids[i] == id) {
			*len = strlen(m->special_names[i]);
			return (const uint8_t *)m->special_names[i];
		}
	*len = 0;
	return NULL;
}

const char *dl_bpe_special_name(const dl_bpe *m, size_t i, uint32_t *id)
{
	*id = m->special_ids[i];
	return m->special_names[i];
}

/* ------------------------------------------------------------------ merging */

/* Recent pieces of 2 to PIECE_MAX bytes with their ids (up to PIECE_IDS of them): a
 * direct-mapped cache keyed by the piece's bytes, zero-padded into two words, in 32-byte
 * entries (two to a cache line). In English text the 2^15 entries hold the pieces of over
 * nine tenths of the words, so that most pieces cost a hash and one memory access. */
#define PIECE_BITS 15
#define PIECE_MAX 16
#define PIECE_IDS 3
struct piece_entry {
	uint64_t w[2];
	uint32_t ids[PIECE_IDS];
	uint8_t len, nids;      /* len 0: empty */
};

/* Longer pieces (runs of white space, rules such as "=====", runs of letters of scripts
 * written without spaces) are rarer, but each costs a long merge: a second cache keeps those
 * of up to LONG_MAX bytes that merge into up to LONG_IDS tokens, by a hash of their bytes. */
#define LONG_BITS 11
#define LONG_MAX 64
#define LONG_IDS 12
struct long_entry {
	uint64_t hash;
	uint8_t len, nids;      /* len 0: empty */
	uint32_t ids[LONG_IDS];
	uint8_t bytes[LONG_MAX];
};

struct dl_bpe_encoder {
	const dl_bpe *m;
	struct piece_entry *cache;      /* 2^PIECE_BITS entries, in cache_mem, line-aligned */
	struct long_entry *long_cache;  /* 2^LONG_BITS entries, after them */
	void *cache_mem;
	/* flat */
	uint32_t *start, *rank, *part;
	size_t flat_cap;
	/* linked */
	uint32_t *next, *prev, *ver;
	uint64_t *heap;         /* (rank << 32 | start) with the node in a parallel array */
	uint32_t *heap_node, *heap_ver;
	size_t heap_len, link_cap, heap_cap;
};

dl_bpe_encoder *dl_bpe_encoder_new(const dl_bpe *m)
{
	dl_bpe_encoder *enc = dl_calloc(1, sizeof *enc);
	enc->m = m;
	return enc;
}

void dl_bpe_encoder_free(dl_bpe_encoder *enc)
{
	if (!enc)
		return;
	free(enc->start);
	free(enc->rank);
	free(enc->part);
	free(enc->next);
	free(enc->prev);
	free(enc->ver);
	free(enc->heap);
	free(enc->heap_node);
	free(enc->heap_ver);
	free(enc->cache_mem);
	free(enc);
}

/* The rank of p[0..n) when below limit, else NONE. */
static inline uint32_t rank_below(const dl_bpe *m, const uint8_t *p, size_t n, uint32_t limit)
{
	int64_t r = rank_of(m, p, n);
	return r >= 0 && (uint64_t)r < limit ? (uint32_t)r : NONE;
}

/* Flat merging of p[0..n): leaves the part starts in enc->start[0..k] and their tokens in
 * enc->part[0..k), returns k parts. */
static size_t merge_flat(dl_bpe_encoder *enc, const uint8_t *p, size_t n, uint32_t limit)
{
	const dl_bpe *m = enc->m;
	if (enc->flat_cap < n + 1) {
		enc->flat_cap = n + 1;
		enc->start = dl_reallocarray(enc->start, n + 1, sizeof *enc->start);
		enc->rank = dl_reallocarray(enc->rank, n + 1, sizeof *enc->rank);
		enc->part = dl_reallocarray(enc->part, n + 1, sizeof *enc->part);
	}
	uint32_t *st = enc->start, *rk = enc->rank, *id = enc->part;
	size_t k = n;   /* parts; st[k] = n; id[i] is part i's token */
	for (size_t i = 0; i <= n; i++)
		st[i] = (uint32_t)i;
	for (size_t i = 0; i < n; i++)
		id[i] = m->byte_id[p[i]];
	for (size_t i = 0; i + 1 < k; i++)
		rk[i] = rank_below(m, p + i, 2, limit);
	for (;;) {
		uint32_t best = NONE;
		size_t at = 0;
		for (size_t i = 0; i + 1 < k; i++)
			if (rk[i] < best) {
				best = rk[i];
				at = i;
			}
		if (best == NONE)
			break;
		/* Join parts at and at+1 (element by element: the arrays are short). */
		id[at] = best;
		for (size_t i = at + 1; i + 1 < k; i++) {
			id[i] = id[i + 1];
			st[i] = st[i + 1];
		}
		st[k - 1] = st[k];
		for (size_t i = at + 1; i + 2 < k; i++)
			rk[i] = rk[i + 1];
		k--;
		if (at + 1 < k)
			rk[at] = rank_below(m, p + st[at], st[at + 2] - st[at], limit);
		if (at > 0)
			rk[at - 1] = rank_below(m, p + st[at - 1], st[at + 1] - st[at - 1], limit);
	}
	return k;
}

/* ---- the linked list and heap, for long pieces */

static inline int heap_less(const dl_bpe_encoder *enc, size_t a, size_t b)
{
	return enc->heap[a] < enc->heap[b];
}

static void heap_swap(dl_bpe_encoder *enc, size_t a, size_t b)
{
	uint64_t k = enc->heap[a];
	uint32_t n = enc->heap_node[a], v = enc->heap_ver[a];
	enc->heap[a] = enc->heap[b];
	enc->heap_node[a] = enc->heap_node[b];
	enc->heap_ver[a] = enc->heap_ver[b];
	enc->heap[b] = k;
	enc->heap_node[b] = n;
	enc->heap_ver[b] = v;
}

static void heap_push(dl_bpe_encoder *enc, uint32_t rank, uint32_t node)
{
	if (enc->heap_len == enc->heap_cap) {
		enc->heap_cap = enc->heap_cap ? enc->heap_cap * 2 : 256;
		enc->heap = dl_reallocarray(enc->heap, enc->heap_cap, sizeof *enc->heap);
		enc->heap_node = dl_reallocarray(enc->heap_node, enc->heap_cap, sizeof *enc->heap_node);
		enc->heap_ver = dl_reallocarray(enc->heap_ver, enc->heap_cap, sizeof *enc->heap_ver);
	}
	size_t i = enc->heap_len++;
	/* Node index = start offset of its part, so (rank, node) orders leftmost first. */
	enc->heap[i] = (uint64_t)rank << 32 | node;
	enc->heap_node[i] = node;
	enc->heap_ver[i] = enc->ver[node];
	while (i > 0 && heap_less(enc, i, (i - 1) / 2)) {
		heap_swap(enc, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_pop(dl_bpe_encoder *enc)
{
	enc->heap_len--;
	if (!enc->heap_len)
		return;
	heap_swap(enc, 0, enc->heap_len);
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, s = i;
		if (l < enc->heap_len && heap_less(enc, l, s))
			s = l;
		if (r < enc->heap_len && heap_less(enc, r, s))
			s = r;
		if (s == i)
			break;
		heap_swap(enc, i, s);
		i = s;
	}
}

/* The pair starting at node i (i and next[i]), pushed when it joins to a token. */
static void consider(dl_bpe_encoder *enc, const uint8_t *p, uint32_t n, uint32_t i,
		     uint32_t limit)
{
	enc->ver[i]++;
	uint32_t j = enc->next[i];
	if (j >= n)
		return;
	uint32_t end = enc->next[j];
	uint32_t r = end - i <= enc->m->max_len ? rank_below(enc->m, p + i, end - i, limit) : NONE;
	if (r != NONE)
		heap_push(enc, r, i);
}

/* Linked merging of p[0..n): the parts start at 0, next[0], next[next[0]], ... (< n). */
static void merge_linked(dl_bpe_encoder *enc, const uint8_t *p, size_t n, uint32_t limit)
{
	if (enc->link_cap < n + 1) {
		enc->link_cap = n + 1;
		enc->next = dl_reallocarray(enc->next, n + 1, sizeof *enc->next);
		enc->prev = dl_reallocarray(enc->prev, n + 1, sizeof *enc->prev);
		enc->ver = dl_reallocarray(enc->ver, n + 1, sizeof *enc->ver);
	}
	for (uint32_t i = 0; i <= n; i++) {
		enc->next[i] = i + 1;
		enc->prev[i] = i ? i - 1 : NONE;
		enc->ver[i] = 0;
	}
	enc->heap_len = 0;
	for (uint32_t i = 0; i + 1 < n; i++)
		consider(enc, p, (uint32_t)n, i, limit);
	while (enc->heap_len) {
		uint32_t i = enc->heap_node[0], v = enc->heap_ver[0];
		heap_pop(enc);
		if (v != enc->ver[i])
			continue;   /* stale: the pair changed since it was pushed */
		uint32_t j = enc->next[i];
		enc->next[i] = enc->next[j];
		enc->prev[enc->next[j]] = i;
		enc->ver[j]++;      /* j is gone */
		consider(enc, p, (uint32_t)n, i, limit);
		if (enc->prev[i] != NONE)
			consider(enc, p, (uint32_t)n, enc->prev[i], limit);
	}
}

/* The ids of piece p[0..n) (n >= 2), without the cache, written to out (room for n);
 * returns their count. */
static size_t piece_ids(dl_bpe_encoder *enc, const uint8_t *p, size_t n, uint32_t *out)
{
	const dl_bpe *m = enc->m;
	int64_t whole = rank_of(m, p, n);
	if (whole >= 0) {
		out[0] = (uint32_t)whole;
		return 1;
	}
	if (n <= FLAT_MAX) {
		size_t k = merge_flat(enc, p, n, NONE);
		memcpy(out, enc->part, k * sizeof *out);
		return k;
	}
	merge_linked(enc, p, n, NONE);
	size_t k = 0;
	for (uint32_t i = 0; i < n; i = enc->next[i])
		out[k++] = (uint32_t)rank_of(m, p + i, enc->next[i] - i);
	return k;
}

/* ---- the piece cache */

static struct piece_entry *encoder_cache(dl_bpe_encoder *enc)
{
	if (!enc->cache) {
		size_t size = ((size_t)1 << PIECE_BITS) * sizeof *enc->cache;
		size_t lsize = ((size_t)1 << LONG_BITS) * sizeof *enc->long_cache;
		enc->cache_mem = alloc_table(size + lsize + 64);
		memset(enc->cache_mem, 0, size + lsize + 64);
		enc->cache = (struct piece_entry *)(((uintptr_t)enc->cache_mem + 63) & ~(uintptr_t)63);
		enc->long_cache = (struct long_entry *)(enc->cache + ((size_t)1 << PIECE_BITS));
	}
	return enc->cache;
}

/* The key of piece p[0..n) (2 <= n <= PIECE_MAX): its bytes zero-padded into w[0..2).
 * With wide, 16 bytes may be read from p (one load each word, then a mask); otherwise
 * only n. */
static inline void piece_key(const uint8_t *p, size_t n, int wide, uint64_t w[2])
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (wide) {
		memcpy(&w[0], p, 8);
		memcpy(&w[1], p + 8, 8);
		if (n < 8) {
			w[0] &= ~0ull >> (64 - 8 * n);
			w[1] = 0;
		} else if (n == 8) {
			w[1] = 0;
		} else {
			w[1] &= ~0ull >> (128 - 8 * n);
		}
		return;
	}
#else
	(void)wide;
#endif
	uint8_t b[16] = {0};
	memcpy(b, p, n);
	memcpy(w, b, 16);
}

static inline size_t piece_slot(const uint64_t w[2])
{
	uint64_t h = (w[0] ^ (w[1] * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;
	return (size_t)(h >> (64 - PIECE_BITS));
}

/* Encodes a piece that missed the cache, appending its ids at out (room for n), and keeps it
 * in entry e when it fits. Returns the count. */
static size_t piece_miss(dl_bpe_encoder *enc, const uint8_t *p, size_t n, struct piece_entry *e,
			 const uint64_t w[2], uint32_t *out)
{
	size_t k = piece_ids(enc, p, n, out);
	if (k <= PIECE_IDS) {
		e->w[0] = w[0];
		e->w[1] = w[1];
		e->len = (uint8_t)n;
		e->nids = (uint8_t)k;
		memcpy(e->ids, out, k * sizeof *out);
	}
	return k;
}

/* encode_one for a piece of more than PIECE_MAX bytes. */
static size_t long_piece(dl_bpe_encoder *enc, const uint8_t *p, size_t n, uint32_t *q)
{
	if (n > LONG_MAX)
		return piece_ids(enc, p, n, q);
	uint64_t h = key_hash(p, n, head_word(p, n));
	struct long_entry *e = &enc->long_cache[h >> (64 - LONG_BITS)];
	if (e->hash == h && e->len == n && !memcmp(e->bytes, p, n)) {
		memcpy(q, e->ids, e->nids * sizeof *q);
		return e->nids;
	}
	size_t k = piece_ids(enc, p, n, q);
	if (k <= LONG_IDS) {
		e->hash = h;
		e->len = (uint8_t)n;
		e->nids = (uint8_t)k;
		memcpy(e->ids, q, k * sizeof *q);
		memcpy(e->bytes, p, n);
	}
	return k;
}

/* Writes the ids of piece p[0..n) (n >= 1) at q, which has room for n + PIECE_IDS - 1;
 * returns their count. wide as for piece_key. */
static inline size_t encode_one(dl_bpe_encoder *enc, struct piece_entry *cache,
				const uint8_t *p, size_t n, int wide, uint32_t *q)
{
	const dl_bpe *m = enc->m;
	if (n <= 2) {
		/* A pair is a token or two bytes. */
		uint32_t id = n == 2 ? m->pair_id[p[0] << 8 | p[1]] : NONE;
		if (id != NONE) {
			q[0] = id;
			return 1;
		}
		q[0] = m->byte_id[p[0]];
		if (n == 1)
			return 1;
		q[1] = m->byte_id[p[1]];
		return 2;
	}
	if (n > PIECE_MAX)
		return long_piece(enc, p, n, q);
	uint64_t w[2];
	piece_key(p, n, wide, w);
	struct piece_entry *e = &cache[piece_slot(w)];
	if (e->w[0] == w[0] && e->w[1] == w[1] && e->len == n) {
		/* All PIECE_IDS copied, nids counted: no branch on the count. */
		for (int i = 0; i < PIECE_IDS; i++)
			q[i] = e->ids[i];
		return e->nids;
	}
	return piece_miss(enc, p, n, e, w, q);
}

void dl_bpe_encode_piece(dl_bpe_encoder *enc, const uint8_t *p, size_t n, uint32_t **ids,
			 size_t *n_ids, size_t *cap)
{
	if (*cap - *n_ids < n + PIECE_IDS)
		dl_grow((void **)ids, cap, *n_ids + n + PIECE_IDS, sizeof **ids);
	*n_ids += encode_one(enc, encoder_cache(enc), p, n, 0, *ids + *n_ids);
}

void dl_bpe_encode_ordinary(dl_bpe_encoder *enc, const uint8_t *text, size_t n, uint32_t **ids,
			    size_t *n_ids, size_t *cap)
{
	dl_pretok pat = enc->m->pattern;
	struct piece_entry *cache = encoder_cache(enc);
	uint32_t *out = *ids;
	size_t used = *n_ids, room = *cap, i = 0;
	while (i < n) {
		size_t k = dl_pretok_next(pat, text + i, n - i);
		if (room - used < k + PIECE_IDS) {
			dl_grow((void **)&out, &room, used + k + PIECE_IDS, sizeof *out);
			*ids = out;
			*cap = room;
		}
		used += encode_one(enc, cache, text + i, k, n - i >= 16, out + used);
		i += k;
	}
	*n_ids = used;
}

int dl_bpe_merge_of(const dl_bpe *m, uint32_t id, uint32_t *a, uint32_t *b)
{
	if (id >= m->ntokens || !m->present[id] || m->len[id] < 2)
		return -1;
	const uint8_t *p = m->arena + m->off[id];
	size_t n = m->len[id];
	dl_bpe_encoder *enc = dl_bpe_encoder_new(m);
	int rc = -1;
	size_t k = merge_flat(enc, p, n, id);
	if (k == 2) {
		*a = (uint32_t)dl_bpe_rank(m, p, enc->start[1]);
		*b = (uint32_t)dl_bpe_rank(m, p + enc->start[1], n - enc->start[1]);
		rc = 0;
	}
	dl_bpe_encoder_free(enc);
	return rc;
}

size_t dl_find_special(const uint8_t *p, size_t n, const char *const *names, const size_t *lens,
		       size_t ns, const enum dl_special_use *use, size_t *which)
{
	size_t best = n, best_len = 0;
	for (size_t i = 0; i < ns; i++) {
		if (use && use[i] == DL_SPECIAL_TEXT)
			continue;
		/* Only a start before the best so far (or at it, when longer) can win. */
		size_t limit = best < n && best + lens[i] < n ? best + lens[i] : n;
		const uint8_t *q = memmem(p, limit, names[i], lens[i]);
		if (!q)
			continue;
		size_t at = (size_t)(q - p);
		if (at < best || (at == best && lens[i] > best_len)) {
			best = at;
			best_len = lens[i];
			*which = i;
		}
	}
	return best;
}

size_t dl_bpe_encode(dl_bpe_encoder *enc, const uint8_t *text, size_t n,
		     const enum dl_special_use *use, uint32_t **ids, size_t *n_ids, size_t *cap,
		     size_t *which)
{
	const dl_bpe *m = enc->m;
	size_t at = 0;
	if (!use || !m->nspecial) {
		dl_bpe_encode_ordinary(enc, text, n, ids, n_ids, cap);
		return n;
	}
	while (at < n) {
		size_t w = 0, k = dl_find_special(text + at, n - at,
						  (const char *const *)m->special_names,
						  m->special_lens, m->nspecial, use, &w);
		if (k)
			dl_bpe_encode_ordinary(enc, text + at, k, ids, n_ids, cap);
		at += k;
		if (at == n)
			break;
		if (use[w] == DL_SPECIAL_DISALLOWED) {
			*which = w;
			return at;
		}
		if (*n_ids == *cap)
			dl_grow((void **)ids, cap, *n_ids + 1, sizeof **ids);
		(*ids)[(*n_ids)++] = m->special_ids[w];
		at += m->special_lens[w];
	}
	return n;
}
