/*
 * train.c — learning BPE merges with incremental pair counts (Sennrich et al. 2016; the
 * incremental update as in their reference learn_bpe.py and in HuggingFace tokenizers).
 *
 * State. Each word is its current length followed by its token ids, in one flat array (sym),
 * rewritten in place as merges shorten it; its count is kept beside its offset. A merge
 * scans each word on its pair's list, so a merge costs time linear in the length of the
 * words it touches (as in the reference code): fine for pre-tokenized pieces, slow for
 * megabyte-long ones. A hash table (open addressing, linear probing, deletion
 * by backward shift) maps each pair (left << 32 | right) to its count and to the list of the
 * words it occurs in. A binary max-heap holds (count, pair) entries ordered by count, then
 * by the smaller pair key (left, then right): that is the tie-break rule.
 *
 * Why the updates can be lazy. Merging (a, b) into the new token c only ever *creates*
 * pairs that contain c; every other pair's count can only go down. So:
 *  - a heap entry's count is an upper bound of the pair's count. The popped entry is the
 *    true best pair when its count is still current; otherwise it is pushed back with its
 *    current count. One entry per pair lives in the heap at any time.
 *  - the new pairs are counted in full while merge k runs (only merge k touches them), and
 *    pushed once, after it.
 *  - a pair whose count falls below min_frequency can never come back, so it is deleted,
 *    and with it its word list; decrements of pairs no longer in the table are ignored.
 *  - a word list may hold words that no longer contain the pair (their counts went down);
 *    those words are scanned and left alone. Lists never hold a word twice and are in
 *    increasing word order, because a list is appended to only during the merge that
 *    created its pair, and a merge visits its words in increasing order.
 *
 * Word lists. The pairs of two single bytes (the only pairs before the first merge) get
 * their lists in one counting-sort pass, contiguous (csr, csr_off); these lists are never
 * appended to. All later pairs contain a merged token and keep their lists in blocks of
 * 7 word indices from a pool, linked through the block's first slot (block 0 means none).
 *
 * The update of one word, left to right as the merge itself: at each occurrence of (a, b)
 * at i, with p the token written just before and n = w[i + 2],
 *     (p, a) -= count, (p, c) += count, (b, n) -= count, (c, n) += count,
 * except that when the previous occurrence ended right at i (p is its c) the change
 * (c, a) was never made, and when the next occurrence starts at i + 2 (c, n) is not made:
 * those two would cancel. (a, b) itself is deleted before the words are visited.
 *
 * Threads count the byte pairs and fill their lists (one slice of the words each, summed in
 * a fixed order); the merge loop runs on one thread. Nothing depends on the thread count.
 */
#include "config.h"
#include "tokenize/train.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/threads.h"

#include <string.h>

#define BLK 8                   /* uint32 per list block: the next block, then 7 words */
#define NO_WORD UINT32_MAX
#define NBYTEPAIRS (256 * 256)
#define PROGRESS_EVERY 256

struct pair {
	uint64_t key1;      /* (left << 32 | right) + 1; 0 for an empty slot */
	uint64_t count;
	uint32_t head, tail;    /* blocks of the word list (0: none) */
	uint32_t last;          /* the word appended last */
	uint32_t fill;          /* words in the tail block */
};

/* A word: sym[off] is its current length, its tokens follow. */
struct word {
	uint64_t off;
	uint64_t count;
};

struct hent {
	uint64_t count;
	uint64_t key;
};

struct trainer {
	/* words */
	uint32_t *sym;
	struct word *words;
	size_t nw;
	/* pairs */
	struct pair *tab;
	size_t mask, used;
	int shift;              /* 64 - log2(number of slots) */
	uint64_t minf;
	/* word lists */
	size_t *csr_off;        /* NBYTEPAIRS + 1 */
	uint32_t *csr;
	uint32_t *pool;
	size_t pool_n, pool_cap;        /* in blocks */
	uint32_t free_blk;
	/* heap */
	struct hent *heap;
	size_t hn, hcap;
	/* scratch of one merge */
	uint64_t *newkeys;
	size_t nnew, newcap;
	uint32_t *affected;
	size_t naffected, affcap;
};

static inline uint64_t pkey(uint32_t l, uint32_t r)
{
	return (uint64_t)l << 32 | r;
}

static inline int is_byte_pair(uint64_t key)
{
	return (key >> 32) < 256 && (uint32_t)key < 256;
}

/* ================================================================ pair table */

/* Slots store key + 1, so that a zeroed table is empty: the pair (UINT32_MAX, UINT32_MAX),
 * whose key + 1 would wrap to 0, never occurs (token ids stay below UINT32_MAX). */
static inline size_t home(const struct trainer *t, uint64_t key1)
{
	return (size_t)((key1 * 0x9E3779B97F4A7C15ull) >> t->shift);
}

static void table_init(struct trainer *t, size_t want)
{
	size_t n = 1024;
	int bits = 10;
	while (n < want * 2) {
		n <<= 1;
		bits++;
	}
	t->tab = dl_calloc(n, sizeof *t->tab);
	t->mask = n - 1;
	t->shift = 64 - bits;
	t->used = 0;
}

static void table_grow(struct trainer *t)
{
	struct pair *old = t->tab;
	size_t oldn = t->mask + 1;
	table_init(t, oldn);
	for (size_t i = 0; i < oldn; i++) {
		if (!old[i].key1)
			continue;
		size_t j = home(t, old[i].key1);
		while (t->tab[j].key1)
			j = (j + 1) & t->mask;
		t->tab[j] = old[i];
		t->used++;
	}
	dl_free(old);
}

/* The slot of key, or SIZE_MAX. */
static inline size_t table_find(const struct trainer *t, uint64_t key)
{
	uint64_t key1 = key + 1;
	size_t i = home(t, key1);
	for (;;) {
		uint64_t k = t->tab[i].key1;
		if (k == key1)
			return i;
		if (!k)
			return SIZE_MAX;
		i = (i + 1) & t->mask;
	}
}

/* The slot of key, inserted (count 0, no words) when absent; a new key is remembered in
 * newkeys. */
static size_t table_get(struct trainer *t, uint64_t key)
{
	uint64_t key1 = key + 1;
	size_t i = home(t, key1);
	for (;;) {
		uint64_t k = t->tab[i].key1;
		if (k == key1)
			return i;
		if (!k)
			break;
		i = (i + 1) & t->mask;
	}
	if ((t->used + 1) * 4 > (t->mask + 1) * 3) {
		table_grow(t);
		i = home(t, key1);
		while (t->tab[i].key1)
			i = (i + 1) & t->mask;
	}
	struct pair *p = &t->tab[i];
	p->key1 = key1;
	p->count = 0;
	p->head = p->tail = 0;
	p->last = NO_WORD;
	p->fill = 0;
	t->used++;
	DL_GROW(t->newkeys, t->newcap, t->nnew + 1);
	t->newkeys[t->nnew++] = key;
	return i;
}

static void list_free(struct trainer *t, uint32_t b)
{
	while (b) {
		uint32_t next = t->pool[(size_t)b * BLK];
		t->pool[(size_t)b * BLK] = t->free_blk;
		t->free_blk = b;
		b = next;
	}
}

/* Removes the pair in slot i, and its word list. */
static void table_delete(struct trainer *t, size_t i)
{
	list_free(t, t->tab[i].head);
	size_t j = i;
	for (;;) {
		j = (j + 1) & t->mask;
		if (!t->tab[j].key1)
			break;
		size_t h = home(t, t->tab[j].key1);
		/* The entry at j may move back to i unless its home lies cyclically in (i, j]. */
		int stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
		if (!stays) {
			t->tab[i] = t->tab[j];
			i = j;
		}
	}
	t->tab[i].key1 = 0;
	t->used--;
}

/* ================================================================ word lists */

static uint32_t block_new(struct trainer *t)
{
	uint32_t b = t->free_blk;
	if (b) {
		t->free_blk = t->pool[(size_t)b * BLK];
	} else {
		if (t->pool_n >= UINT32_MAX)
			dl_die("BPE training: word lists too large");
		if (t->pool_n == 0)
			t->pool_n = 1;  /* block 0 stands for "none" */
		if (t->pool_n >= t->pool_cap) {
			t->pool_cap = t->pool_cap ? t->pool_cap * 2 : 4096;
			t->pool = dl_reallocarray(t->pool, t->pool_cap, BLK * sizeof *t->pool);
		}
		b = (uint32_t)t->pool_n++;
	}
	t->pool[(size_t)b * BLK] = 0;
	return b;
}

static void list_append(struct trainer *t, size_t slot, uint32_t w)
{
	struct pair *p = &t->tab[slot];
	if (!p->tail || p->fill == BLK - 1) {
		uint32_t b = block_new(t);
		p = &t->tab[slot];
		if (p->tail)
			t->pool[(size_t)p->tail * BLK] = b;
		else
			p->head = b;
		p->tail = b;
		p->fill = 0;
	}
	t->pool[(size_t)p->tail * BLK + 1 + p->fill++] = w;
}

/* Copies the word list of the pair in slot i to affected. */
static void list_collect(struct trainer *t, size_t i)
{
	const struct pair *p = &t->tab[i];
	uint64_t key = p->key1 - 1;
	t->naffected = 0;
	if (is_byte_pair(key)) {
		size_t pi = (size_t)(key >> 32) * 256 + (uint32_t)key;
		size_t b = t->csr_off[pi], e = t->csr_off[pi + 1];
		DL_GROW(t->affected, t->affcap, e - b);
		memcpy(t->affected, t->csr + b, (e - b) * sizeof *t->affected);
		t->naffected = e - b;
		return;
	}
	for (uint32_t b = p->head; b; b = t->pool[(size_t)b * BLK]) {
		uint32_t k = b == p->tail ? p->fill : BLK - 1;
		DL_GROW(t->affected, t->affcap, t->naffected + k);
		memcpy(t->affected + t->naffected, t->pool + (size_t)b * BLK + 1, k * sizeof *t->affected);
		t->naffected += k;
	}
}

/* ================================================================ heap */

static inline int better(struct hent x, struct hent y)
{
	return x.count > y.count || (x.count == y.count && x.key < y.key);
}

static void heap_push(struct trainer *t, uint64_t count, uint64_t key)
{
	DL_GROW(t->heap, t->hcap, t->hn + 1);
	struct hent e = { count, key };
	size_t i = t->hn++;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (!better(e, t->heap[up]))
			break;
		t->heap[i] = t->heap[up];
		i = up;
	}
	t->heap[i] = e;
}

static void sift_down(struct trainer *t, size_t i)
{
	struct hent e = t->heap[i];
	size_t n = t->hn;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && better(t->heap[c + 1], t->heap[c]))
			c++;
		if (!better(t->heap[c], e))
			break;
		t->heap[i] = t->heap[c];
		i = c;
	}
	t->heap[i] = e;
}

static struct hent heap_pop(struct trainer *t)
{
	struct hent top = t->heap[0];
	t->heap[0] = t->heap[--t->hn];
	if (t->hn)
		sift_down(t, 0);
	return top;
}

/* ================================================================ set-up */

struct setup {
	struct trainer *t;
	const dl_bpe_word *words;
	const size_t *keep;     /* the index in words of each kept word */
	size_t nslices;
	uint64_t *cnt;          /* [slice][pair]: weighted pair counts */
	size_t *nword;          /* [slice][pair]: words holding the pair, then fill offsets */
	uint32_t *stamp;        /* [slice][pair]: the last word (+ 1) seen with the pair */
};

static void slice_range(const struct setup *s, size_t k, size_t *b, size_t *e)
{
	*b = s->t->nw * k / s->nslices;
	*e = s->t->nw * (k + 1) / s->nslices;
}

/* Pass 1 over a slice: copies the bytes to sym and counts the pairs. */
static void setup_count(void *ctx, size_t begin, size_t end, int tid)
{
	struct setup *s = ctx;
	struct trainer *t = s->t;
	(void)tid;
	for (size_t k = begin; k < end; k++) {
		uint64_t *cnt = s->cnt + k * NBYTEPAIRS;
		size_t *nword = s->nword + k * NBYTEPAIRS;
		uint32_t *stamp = s->stamp + k * NBYTEPAIRS;
		size_t wb, we;
		slice_range(s, k, &wb, &we);
		for (size_t w = wb; w < we; w++) {
			const dl_bpe_word *src = &s->words[s->keep[w]];
			uint32_t *sym = t->sym + t->words[w].off + 1;
			uint64_t c = t->words[w].count;
			for (size_t i = 0; i < src->len; i++)
				sym[i] = src->bytes[i];
			for (size_t i = 0; i + 1 < src->len; i++) {
				size_t pi = sym[i] * 256 + sym[i + 1];
				cnt[pi] += c;
				if (stamp[pi] != w + 1) {
					stamp[pi] = (uint32_t)(w + 1);
					nword[pi]++;
				}
			}
		}
	}
}

/* Pass 2 over a slice: writes its words into the lists, from the slice's offsets. */
static void setup_fill(void *ctx, size_t begin, size_t end, int tid)
{
	struct setup *s = ctx;
	struct trainer *t = s->t;
	(void)tid;
	for (size_t k = begin; k < end; k++) {
		size_t *pos = s->nword + k * NBYTEPAIRS;
		uint32_t *stamp = s->stamp + k * NBYTEPAIRS;
		memset(stamp, 0, NBYTEPAIRS * sizeof *stamp);
		size_t wb, we;
		slice_range(s, k, &wb, &we);
		for (size_t w = wb; w < we; w++) {
			const uint32_t *sym = t->sym + t->words[w].off + 1;
			for (size_t i = 0; i + 1 < sym[-1]; i++) {
				size_t pi = sym[i] * 256 + sym[i + 1];
				if (stamp[pi] != w + 1) {
					stamp[pi] = (uint32_t)(w + 1);
					t->csr[pos[pi]++] = (uint32_t)w;
				}
			}
		}
	}
}

/* Loads the words with a count, counts the byte pairs, fills their word lists and heap. */
static void setup(struct trainer *t, const dl_bpe_word *words, size_t n, int threads)
{
	size_t *keep = dl_mallocarray(n ? n : 1, sizeof *keep);
	size_t nsym = 0;
	t->nw = 0;
	for (size_t i = 0; i < n; i++) {
		if (!words[i].count)
			continue;
		if (words[i].len >= UINT32_MAX)
			dl_die("BPE training: a piece of %zu bytes is too long", words[i].len);
		keep[t->nw++] = i;
		nsym += words[i].len;
	}
	if (t->nw >= UINT32_MAX)
		dl_die("BPE training: more than %u distinct pieces", UINT32_MAX - 1);
	nsym += t->nw;  /* the lengths */
	t->words = dl_mallocarray(t->nw + 1, sizeof *t->words);
	t->sym = dl_mallocarray(nsym + 1, sizeof *t->sym);
	nsym = 0;
	for (size_t w = 0; w < t->nw; w++) {
		t->words[w].off = nsym;
		t->words[w].count = words[keep[w]].count;
		t->sym[nsym] = (uint32_t)words[keep[w]].len;
		nsym += 1 + words[keep[w]].len;
	}

	struct setup s = { t, words, keep, 0, NULL, NULL, NULL };
	s.nslices = threads < 1 ? 1 : (size_t)threads;
	if (s.nslices > t->nw / 4096 + 1)
		s.nslices = t->nw / 4096 + 1;
	s.cnt = dl_calloc(s.nslices * NBYTEPAIRS, sizeof *s.cnt);
	s.nword = dl_calloc(s.nslices * NBYTEPAIRS, sizeof *s.nword);
	s.stamp = dl_calloc(s.nslices * NBYTEPAIRS, sizeof *s.stamp);
	dl_pool *pool = s.nslices > 1 ? dl_pool_new((int)s.nslices) : NULL;
	if (pool)
		dl_pool_for(pool, s.nslices, 1, setup_count, &s);
	else
		setup_count(&s, 0, s.nslices, 0);

	/* Each pair's list is laid out slice after slice: offsets per slice and pair. */
	t->csr_off = dl_mallocarray(NBYTEPAIRS + 1, sizeof *t->csr_off);
	size_t total = 0, npairs = 0;
	for (size_t pi = 0; pi < NBYTEPAIRS; pi++) {
		t->csr_off[pi] = total;
		uint64_t c = 0;
		for (size_t k = 0; k < s.nslices; k++) {
			size_t m = s.nword[k * NBYTEPAIRS + pi];
			s.nword[k * NBYTEPAIRS + pi] = total;
			total += m;
			c += s.cnt[k * NBYTEPAIRS + pi];
		}
		s.cnt[pi] = c;     /* slice 0 holds the sums from here on */
		npairs += c >= t->minf;
	}
	t->csr_off[NBYTEPAIRS] = total;
	t->csr = dl_mallocarray(total + 1, sizeof *t->csr);
	if (pool)
		dl_pool_for(pool, s.nslices, 1, setup_fill, &s);
	else
		setup_fill(&s, 0, s.nslices, 0);
	dl_pool_free(pool);

	/* Merges make new pairs; a table that starts at about one pair per two words rarely
	 * has to grow. */
	table_init(t, npairs > t->nw / 2 ? npairs : t->nw / 2);
	t->heap = dl_mallocarray(npairs + 1, sizeof *t->heap);
	t->hcap = npairs + 1;
	for (size_t pi = 0; pi < NBYTEPAIRS; pi++) {
		if (s.cnt[pi] < t->minf)
			continue;
		uint64_t key = pkey((uint32_t)(pi / 256), (uint32_t)(pi % 256));
		size_t i = table_get(t, key);
		t->tab[i].count = s.cnt[pi];
		t->heap[t->hn].count = s.cnt[pi];
		t->heap[t->hn++].key = key;
	}
	t->nnew = 0;
	for (size_t i = t->hn / 2; i-- > 0;)
		sift_down(t, i);
	dl_free(s.cnt);
	dl_free(s.nword);
	dl_free(s.stamp);
	dl_free(keep);
}

/* ================================================================ merging */

static inline void pair_dec(struct trainer *t, uint32_t l, uint32_t r, uint64_t c)
{
	size_t i = table_find(t, pkey(l, r));
	if (i == SIZE_MAX)
		return;
	t->tab[i].count -= c;
	if (t->tab[i].count < t->minf)
		table_delete(t, i);
}

static inline void pair_inc(struct trainer *t, uint32_t l, uint32_t r, uint64_t c, uint32_t w)
{
	size_t i = table_get(t, pkey(l, r));
	t->tab[i].count += c;
	if (t->tab[i].last != w) {
		t->tab[i].last = w;
		list_append(t, i, w);
	}
}

/* Rewrites word w with every (a, b) replaced by c, left to right, and updates the pair
 * counts (see the top of the file). */
static void merge_word(struct trainer *t, uint32_t w, uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t *s = t->sym + t->words[w].off + 1;
	uint32_t len = s[-1];
	uint64_t cnt = t->words[w].count;
	uint32_t i = 0, j = 0;
	int after_merge = 0;

	/* Stale entries (words that lost the pair) are common: find the first one fast. */
	while (i + 1 < len && !(s[i] == a && s[i + 1] == b))
		i++;
	if (i + 1 >= len)
		return;
	j = i;
	while (i < len) {
		if (i + 1 < len && s[i] == a && s[i + 1] == b) {
			if (j > 0) {
				uint32_t p = s[j - 1];
				if (!after_merge)
					pair_dec(t, p, a, cnt);
				pair_inc(t, p, c, cnt, w);
			}
			if (i + 2 < len) {
				uint32_t n = s[i + 2];
				pair_dec(t, b, n, cnt);
				if (!(i + 3 < len && n == a && s[i + 3] == b))
					pair_inc(t, c, n, cnt, w);
			}
			s[j++] = c;
			i += 2;
			after_merge = 1;
		} else {
			s[j++] = s[i++];
			after_merge = 0;
		}
	}
	s[-1] = j;
}

/* Pushes the pairs made by the last merge, or drops those too rare to be merged. */
static void push_new_pairs(struct trainer *t)
{
	for (size_t k = 0; k < t->nnew; k++) {
		size_t i = table_find(t, t->newkeys[k]);
		if (i == SIZE_MAX)
			continue;
		if (t->tab[i].count >= t->minf)
			heap_push(t, t->tab[i].count, t->newkeys[k]);
		else
			table_delete(t, i);
	}
	t->nnew = 0;
}

/* The best pair's slot, or SIZE_MAX when no pair is left. */
static size_t pop_best(struct trainer *t)
{
	while (t->hn) {
		struct hent e = heap_pop(t);
		size_t i = table_find(t, e.key);
		if (i == SIZE_MAX)
			continue;
		if (t->tab[i].count == e.count)
			return i;
		heap_push(t, t->tab[i].count, e.key);
	}
	return SIZE_MAX;
}

static void trainer_free(struct trainer *t)
{
	dl_free(t->sym);
	dl_free(t->words);
	dl_free(t->tab);
	dl_free(t->csr_off);
	dl_free(t->csr);
	dl_free(t->pool);
	dl_free(t->heap);
	dl_free(t->newkeys);
	dl_free(t->affected);
}

size_t dl_bpe_train(const dl_bpe_word *words, size_t n, size_t max_merges,
		    uint64_t min_frequency, int threads, uint32_t (*merges)[2],
		    void (*progress)(void *ctx, size_t done), void *ctx)
{
	struct trainer t;
	memset(&t, 0, sizeof t);
	t.minf = min_frequency ? min_frequency : 1;
	/* Token ids stay below UINT32_MAX (see home()). */
	if (max_merges > UINT32_MAX - 257)
		max_merges = UINT32_MAX - 257;
	setup(&t, words, n, threads);

	size_t k = 0;
	while (k < max_merges) {
		size_t i = pop_best(&t);
		if (i == SIZE_MAX)
			break;
		uint64_t key = t.tab[i].key1 - 1;
		uint32_t a = (uint32_t)(key >> 32), b = (uint32_t)key;
		uint32_t c = (uint32_t)(256 + k);
		merges[k][0] = a;
		merges[k][1] = b;
		list_collect(&t, i);
		table_delete(&t, i);
		for (size_t x = 0; x < t.naffected; x++) {
			/* The words are far apart: fetch them ahead, in two steps. */
			if (x + 16 < t.naffected)
				__builtin_prefetch(&t.words[t.affected[x + 16]]);
			if (x + 8 < t.naffected)
				__builtin_prefetch(t.sym + t.words[t.affected[x + 8]].off);
			merge_word(&t, t.affected[x], a, b, c);
		}
		push_new_pairs(&t);
		k++;
		if (progress && k % PROGRESS_EVERY == 0)
			progress(ctx, k);
	}
	if (progress && k % PROGRESS_EVERY)
		progress(ctx, k);
	trainer_free(&t);
	return k;
}
