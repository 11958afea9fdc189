/*
 * model.c — the BPE model: token table, rank lookup, merging within a piece, special tokens.
 * (Loading and saving are in modelio.c.)
 *
 * Token bytes live in one arena; a table with open addressing (linear probing, power-of-two
 * size, at most half full) maps bytes to rank; each slot keeps the token's first 8 bytes. Ids without a token (gaps in a rank file) are
 * allowed and decode to nothing known.
 *
 * Merging within a piece is the byte-pair procedure of tiktoken (OpenAI, "tiktoken", src/lib.rs,
 * byte_pair_merge): start from single bytes; repeatedly join the adjacent pair whose joined
 * bytes have the lowest rank, the leftmost of equal ranks, until no adjacent pair joins to a
 * token. Short pieces use a flat array (a scan per merge, fast for the few bytes of a word);
 * long ones a doubly linked list with a binary heap of candidate pairs, invalidated lazily, so
 * that a megabyte of one letter costs O(n log n), not O(n^2). A join longer than the longest
 * token is never looked up. Each encoder keeps the ids of recent short pieces that are not
 * tokens themselves (a direct-mapped cache): repeated words skip the merging.
 */
#include "config.h"
#include "tokenize/model.h"
#include "tokenize/modelpriv.h"
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

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

/* Slots hold the token's head word, so that a lookup of a token of up to 8 bytes (most of
 * them) compares one word and a length and touches no other memory. */
#define EMPTY UINT32_MAX

static void table_put(dl_bpe *m, uint32_t id)
{
	const uint8_t *p = m->arena + m->off[id];
	uint64_t head = head_word(p, m->len[id]);
	size_t mask = m->table_size - 1, i = (size_t)key_hash(p, m->len[id], head) & mask;
	while (m->table[i].id != EMPTY)
		i = (i + 1) & mask;
	m->table[i].head = head;
	m->table[i].id = id;
	m->table[i].len = m->len[id];
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

int64_t dl_bpe_rank(const dl_bpe *m, const uint8_t *p, size_t n)
{
	if (n > m->max_len)
		return -1;
	uint64_t head = head_word(p, n);
	return rank_hashed(m, p, n, head, key_hash(p, n, head));
}

dl_bpe *dl_bpe_new(dl_pretok pattern, const uint8_t *const *tokens, const uint32_t *lens,
		   size_t ntokens, const char *const *special_names, const uint32_t *special_ids,
		   size_t nspecial, dl_err *e)
{
	if (ntokens >= NONE / 4) {
		dl_errf(e, "too many tokens (%zu)", ntokens);
		return NULL;
	}
	dl_bpe *m = dl_calloc(1, sizeof *m);
	m->pattern = pattern;
	m->ntokens = ntokens;
	m->off = dl_calloc(ntokens ? ntokens : 1, sizeof *m->off);
	m->len = dl_calloc(ntokens ? ntokens : 1, sizeof *m->len);
	m->present = dl_calloc(ntokens ? ntokens : 1, 1);
	size_t total = 0;
	for (size_t i = 0; i < ntokens; i++)
		if (tokens[i]) {
			if (!lens[i]) {
				dl_errf(e, "token %zu is empty", i);
				goto bad;
			}
			total += lens[i];
		}
	m->arena = dl_malloc(total ? total : 1);
	total = 0;
	for (size_t i = 0; i < ntokens; i++) {
		if (!tokens[i])
			continue;
		m->present[i] = 1;
		m->off[i] = total;
		m->len[i] = lens[i];
		memcpy(m->arena + total, tokens[i], lens[i]);
		total += lens[i];
		if (lens[i] > m->max_len)
			m->max_len = lens[i];
	}
	m->table_size = 16;
	while (m->table_size < 2 * ntokens + 2)
		m->table_size *= 2;
	m->table = dl_malloc(m->table_size * sizeof *m->table);
	memset(m->table, 0xff, m->table_size * sizeof *m->table);   /* ids all EMPTY */
	for (size_t i = 0; i < ntokens; i++) {
		if (!m->present[i])
			continue;
		int64_t dup = dl_bpe_rank(m, m->arena + m->off[i], m->len[i]);
		if (dup >= 0) {
			dl_errf(e, "tokens %lld and %zu have the same bytes", (long long)dup, i);
			goto bad;
		}
		table_put(m, (uint32_t)i);
	}
	for (int b = 0; b < 256; b++) {
		uint8_t c = (uint8_t)b;
		int64_t r = dl_bpe_rank(m, &c, 1);
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

struct dl_bpe_encoder {
	const dl_bpe *m;
	/* flat */
	uint32_t *start, *rank, *part;
	size_t flat_cap;
	/* linked */
	uint32_t *next, *prev, *ver;
	uint64_t *heap;         /* (rank << 32 | start) with the node in a parallel array */
	uint32_t *heap_node, *heap_ver;
	size_t heap_len, link_cap, heap_cap;
	/* Pieces that are not tokens, with their ids: a direct-mapped cache by hash. */
	struct cache_entry *cache;
};

/* A cached piece of up to CACHE_BYTES bytes that merges into up to CACHE_IDS tokens. */
#define CACHE_SLOTS 16384
#define CACHE_BYTES 24
#define CACHE_IDS 10
struct cache_entry {
	uint64_t hash;
	uint8_t len, nids;      /* len 0: empty */
	uint8_t bytes[CACHE_BYTES];
	uint32_t ids[CACHE_IDS];
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
	free(enc->cache);
	free(enc);
}

static void push_id(uint32_t **ids, size_t *n, size_t *cap, uint32_t id)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*ids = dl_reallocarray(*ids, *cap, sizeof **ids);
	}
	(*ids)[(*n)++] = id;
}

/* The rank of p[0..n) when below limit, else NONE. */
static inline uint32_t rank_below(const dl_bpe *m, const uint8_t *p, size_t n, uint32_t limit)
{
	int64_t r = dl_bpe_rank(m, p, n);
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
		/* Join parts at and at+1. */
		id[at] = best;
		memmove(id + at + 1, id + at + 2, (k - at - 2) * sizeof *id);
		memmove(st + at + 1, st + at + 2, (k - at - 1) * sizeof *st);
		memmove(rk + at + 1, rk + at + 2, (k >= at + 3 ? k - at - 3 : 0) * sizeof *rk);
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

void dl_bpe_encode_piece(dl_bpe_encoder *enc, const uint8_t *p, size_t n, uint32_t **ids,
			 size_t *n_ids, size_t *cap)
{
	const dl_bpe *m = enc->m;
	if (n == 1) {
		push_id(ids, n_ids, cap, m->byte_id[p[0]]);
		return;
	}
	uint64_t head = head_word(p, n), h = key_hash(p, n, head);
	int64_t whole = n <= m->max_len ? rank_hashed(m, p, n, head, h) : -1;
	if (whole >= 0) {
		push_id(ids, n_ids, cap, (uint32_t)whole);
		return;
	}
	struct cache_entry *ce = NULL;
	if (n <= CACHE_BYTES) {
		if (!enc->cache)
			enc->cache = dl_calloc(CACHE_SLOTS, sizeof *enc->cache);
		ce = &enc->cache[(h >> 20) & (CACHE_SLOTS - 1)];
		if (ce->len == n && ce->hash == h && !memcmp(ce->bytes, p, n)) {
			for (size_t i = 0; i < ce->nids; i++)
				push_id(ids, n_ids, cap, ce->ids[i]);
			return;
		}
	}
	if (n <= FLAT_MAX) {
		size_t k = merge_flat(enc, p, n, NONE);
		for (size_t i = 0; i < k; i++)
			push_id(ids, n_ids, cap, enc->part[i]);
		if (ce && k <= CACHE_IDS) {
			ce->hash = h;
			ce->len = (uint8_t)n;
			ce->nids = (uint8_t)k;
			memcpy(ce->bytes, p, n);
			memcpy(ce->ids, enc->part, k * sizeof *ce->ids);
		}
		return;
	}
	merge_linked(enc, p, n, NONE);
	for (uint32_t i = 0; i < n; i = enc->next[i])
		push_id(ids, n_ids, cap, (uint32_t)dl_bpe_rank(m, p + i, enc->next[i] - i));
}

void dl_bpe_encode_ordinary(dl_bpe_encoder *enc, const uint8_t *text, size_t n, uint32_t **ids,
			    size_t *n_ids, size_t *cap)
{
	dl_pretok pat = enc->m->pattern;
	size_t i = 0;
	while (i < n) {
		size_t k = dl_pretok_next(pat, text + i, n - i);
		dl_bpe_encode_piece(enc, text + i, k, ids, n_ids, cap);
		i += k;
	}
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
		push_id(ids, n_ids, cap, m->special_ids[w]);
		at += m->special_lens[w];
	}
	return n;
}
