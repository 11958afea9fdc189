/*
 * check_bpe_train.c — unit tests for lib/tokenize's piece counter (count.c) and BPE trainer
 * (train.c).
 *
 * The trainer is compared merge for merge with a naive reference written plainly here: at
 * every step it recounts all pairs of all words from scratch (a sorted list of (pair, count)
 * occurrences, summed), takes the highest count, ties to the smallest left then right id,
 * and rewrites every word left to right. Corpora: random words over tiny alphabets (many
 * ties), long runs of one byte (overlapping pairs), English words with Zipf counts, all 256
 * byte values, counts above 2^32, single bytes, empty input, min_frequency and max_merges
 * cut-offs; and 1, 2 and 4 threads, which must give the same merges.
 *
 * The counter is checked against a plain list of (piece, count) kept by the test: counts,
 * totals, merging, memcmp order (prefixes, zero bytes, long shared prefixes) and large counts.
 */
#include "config.h"
#include "core/alloc.h"
#include "tokenize/count.h"
#include "tokenize/pretok.h"
#include "tokenize/train.h"
#include "testutil.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================== naive reference */

struct nword {
	uint32_t *sym;
	size_t len;
	uint64_t count;
};

struct occ {
	uint64_t key;
	uint64_t count;
};

static int occ_cmp(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;
	return (x->key > y->key) - (x->key < y->key);
}

/* Learns merges the slow, obvious way; same contract as dl_bpe_train. */
static size_t naive_train(const dl_bpe_word *words, size_t n, size_t max_merges,
			  uint64_t min_frequency, uint32_t (*merges)[2])
{
	struct nword *w = calloc(n + 1, sizeof *w);
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		w[i].sym = malloc((words[i].len + 1) * sizeof *w[i].sym);
		for (size_t j = 0; j < words[i].len; j++)
			w[i].sym[j] = words[i].bytes[j];
		w[i].len = words[i].len;
		w[i].count = words[i].count;
		total += w[i].len;
	}
	struct occ *o = malloc((total + 1) * sizeof *o);
	size_t k;
	for (k = 0; k < max_merges; k++) {
		/* Every adjacent position of every word, weighted by the word's count. */
		size_t no = 0;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j + 1 < w[i].len; j++) {
				o[no].key = (uint64_t)w[i].sym[j] << 32 | w[i].sym[j + 1];
				o[no].count = w[i].count;
				no++;
			}
		qsort(o, no, sizeof *o, occ_cmp);
		uint64_t best = 0, best_count = 0;
		for (size_t i = 0; i < no;) {
			uint64_t sum = 0;
			size_t j = i;
			while (j < no && o[j].key == o[i].key)
				sum += o[j++].count;
			/* Keys ascend, so a later key wins only with a strictly higher count. */
			if (sum > best_count) {
				best_count = sum;
				best = o[i].key;
			}
			i = j;
		}
		if (best_count == 0 || best_count < min_frequency)
			break;
		uint32_t a = (uint32_t)(best >> 32), b = (uint32_t)best;
		uint32_t c = (uint32_t)(256 + k);
		merges[k][0] = a;
		merges[k][1] = b;
		for (size_t i = 0; i < n; i++) {
			size_t r = 0, out = 0;
			while (r < w[i].len) {
				if (r + 1 < w[i].len && w[i].sym[r] == a && w[i].sym[r + 1] == b) {
					w[i].sym[out++] = c;
					r += 2;
				} else {
					w[i].sym[out++] = w[i].sym[r++];
				}
			}
			w[i].len = out;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(w[i].sym);
	free(w);
	free(o);
	return k;
}

/* ================================================================== corpora */

/* A corpus: words whose bytes live in one buffer owned here. */
struct corpus {
	dl_bpe_word *w;
	size_t n, cap;
	uint8_t **bufs;
	size_t nbufs;
};

static void corpus_add(struct corpus *c, const void *bytes, size_t len, uint64_t count)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->w = realloc(c->w, c->cap * sizeof *c->w);
		c->bufs = realloc(c->bufs, c->cap * sizeof *c->bufs);
	}
	uint8_t *copy = malloc(len + 1);
	if (len)
		memcpy(copy, bytes, len);
	c->bufs[c->nbufs++] = copy;
	c->w[c->n].bytes = copy;
	c->w[c->n].len = len;
	c->w[c->n].count = count;
	c->n++;
}

static void corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->nbufs; i++)
		free(c->bufs[i]);
	free(c->bufs);
	free(c->w);
	memset(c, 0, sizeof *c);
}

/* n random words of 1..maxlen bytes from alphabet[0..k), counts 1..maxcount. The same
 * word may come twice: the trainer takes any list of words. */
static void corpus_random(struct corpus *c, size_t n, const char *alphabet, size_t k,
			  size_t maxlen, uint64_t maxcount, uint64_t seed)
{
	uint8_t buf[256];
	for (size_t i = 0; i < n; i++) {
		size_t len = 1 + gen(&seed) % maxlen;
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)alphabet[gen(&seed) % k];
		corpus_add(c, buf, len, 1 + gen(&seed) % maxcount);
	}
}

static const char *english[] = {
	"the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with",
	"be", "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which",
	"but", "have", "an", "had", "they", "you", "were", "their", "one", "all", "we", "can",
	"her", "has", "there", "been", "if", "more", "when", "will", "would", "who", "so",
	"no", "she", "other", "its", "may", "these", "what", "them", "than", "some", "him",
	"time", "into", "only", "do", "could", "new", "about", "two", "then", "first", "any",
	"like", "very", "after", "should", "those", "over", "also", "our", "such", "people",
	"man", "most", "years", "many", "before", "must", "through", "back", "where", "much",
	"your", "way", "well", "down", "even", "because", "each", "just", "those", "how",
	"too", "little", "state", "good", "very", "make", "world", "still", "own", "see",
	"men", "work", "long", "get", "here", "between", "both", "life", "being", "under",
	"never", "day", "same", "another", "know", "while", "last", "might", "us", "great",
	"old", "year", "off", "come", "since", "against", "go", "came", "right", "used",
	"take", "three", "states", "himself", "few", "house", "use", "during", "without",
	"again", "place", "american", "around", "however", "home", "small", "found",
	"thought", "went", "say", "part", "once", "general", "high", "upon", "school",
	"every", "does", "got", "united", "left", "number", "course", "war", "until",
	"always", "away", "something", "fact", "though", "water", "less", "public", "put",
	"thing", "almost", "hand", "enough", "far", "took", "head", "yet", "government",
	"system", "better", "set", "told", "nothing", "night", "end", "why", "called",
	"didn't", "eyes", "find", "going", "look", "asked", "later", "knew", "point",
	"next", "program", "city", "business", "give", "group", "toward", "young", "let",
	"room", "president", "side", "social", "given", "present", "several", "order",
	"national", "possible", "rather", "second", "face", "per", "among", "form",
	"important", "often", "things", "looked", "early", "white", "case", "john",
	"become", "large", "big", "need", "four", "within", "felt", "children", "along",
	"saw", "best", "church", "ever", "least", "power", "development", "light",
	"thinking", "nevertheless", "understanding", "international", "nationalities",
};

#define NENGLISH (sizeof english / sizeof *english)

/* The words above with a leading space (as GPT-2 cuts them) and Zipf counts. */
static void corpus_english(struct corpus *c, uint64_t scale)
{
	for (size_t i = 0; i < NENGLISH; i++) {
		char buf[64];
		snprintf(buf, sizeof buf, " %s", english[i]);
		corpus_add(c, buf, strlen(buf), scale / (i + 1) + 1);
		corpus_add(c, english[i], strlen(english[i]), scale / (3 * i + 7) + 1);
	}
}

/* ================================================================== comparing */

static size_t progress_last;
static size_t progress_calls;

static void on_progress(void *ctx, size_t done)
{
	ck_assert_ptr_eq(ctx, &progress_last);
	ck_assert_uint_ge(done, progress_last);
	progress_last = done;
	progress_calls++;
}

/* Trains with dl_bpe_train (at each thread count given) and the reference; the merges must
 * be identical. Returns the number of merges. */
static size_t compare_train(const struct corpus *c, size_t max_merges, uint64_t minf,
			    const int *threads, size_t nthreads)
{
	uint32_t (*want)[2] = malloc((max_merges + 1) * sizeof *want);
	uint32_t (*got)[2] = malloc((max_merges + 1) * sizeof *got);
	size_t nwant = naive_train(c->w, c->n, max_merges, minf, want);
	for (size_t t = 0; t < nthreads; t++) {
		memset(got, 0xee, (max_merges + 1) * sizeof *got);
		progress_last = progress_calls = 0;
		size_t ngot = dl_bpe_train(c->w, c->n, max_merges, minf, threads[t], got,
					   on_progress, &progress_last);
		ck_assert_uint_eq(ngot, nwant);
		for (size_t k = 0; k < nwant; k++)
			if (got[k][0] != want[k][0] || got[k][1] != want[k][1])
				ck_abort_msg("threads %d, merge %zu: got (%u, %u), want (%u, %u)",
					     threads[t], k, got[k][0], got[k][1], want[k][0],
					     want[k][1]);
		/* Nothing is written past the merges learned. */
		ck_assert_uint_eq(got[nwant][0], 0xeeeeeeeeu);
		if (nwant) {
			ck_assert_uint_eq(progress_last, nwant);
			ck_assert_uint_ge(progress_calls, 1);
		}
	}
	free(want);
	free(got);
	return nwant;
}

static const int one_thread[] = { 1 };
static const int all_threads[] = { 1, 2, 4 };

/* ================================================================== trainer tests */

START_TEST(test_train_tiny_alphabet)
{
	/* Three letters and counts 1..3: ties at almost every step, to the last merge. */
	for (uint64_t seed = 1; seed <= 12; seed++) {
		struct corpus c = {0};
		corpus_random(&c, 300, "abc", 2 + seed % 2, 12, 1 + seed % 3, seed);
		size_t k = compare_train(&c, 5000, 1, all_threads, 3);
		ck_assert_uint_gt(k, 10);
		corpus_free(&c);
	}
}
END_TEST

START_TEST(test_train_runs)
{
	/* Runs of one byte and of two alternating bytes: overlapping pairs everywhere. */
	struct corpus c = {0};
	uint8_t buf[80];
	for (size_t len = 1; len <= 70; len++) {
		memset(buf, 'a', len);
		corpus_add(&c, buf, len, 1 + len % 4);
		for (size_t j = 0; j < len; j++)
			buf[j] = j % 2 ? 'b' : 'a';
		corpus_add(&c, buf, len, 2);
		for (size_t j = 0; j < len; j++)
			buf[j] = j % 3 ? 'a' : 'b';
		corpus_add(&c, buf, len, 1);
	}
	size_t k = compare_train(&c, 5000, 1, all_threads, 3);
	ck_assert_uint_gt(k, 20);
	corpus_free(&c);

	/* One long run alone: a, aa, aaaa, ... and the leftovers. */
	struct corpus r = {0};
	uint8_t run[1000];
	memset(run, 'x', sizeof run);
	corpus_add(&r, run, sizeof run, 3);
	corpus_add(&r, run, 999, 1);
	corpus_add(&r, run, 7, 100);
	compare_train(&r, 5000, 1, all_threads, 3);
	corpus_free(&r);
}
END_TEST

START_TEST(test_train_english)
{
	struct corpus c = {0};
	corpus_english(&c, 100000);
	size_t k = compare_train(&c, 3000, 1, all_threads, 3);
	ck_assert_uint_gt(k, 500);
	/* The first merge is the most common pair, 'th' (' the', 'the', ' that', 'with', ...),
	 * then ' th'. */
	uint32_t m[2][2];
	ck_assert_uint_eq(dl_bpe_train(c.w, c.n, 2, 1, 1, m, NULL, NULL), 2);
	ck_assert_uint_eq(m[0][0], 't');
	ck_assert_uint_eq(m[0][1], 'h');
	ck_assert_uint_eq(m[1][0], ' ');
	ck_assert_uint_eq(m[1][1], 256);
	corpus_free(&c);
}
END_TEST

START_TEST(test_train_all_bytes)
{
	/* Every byte value, 0 and 255 included (pair (0, 0) has key 0). */
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct corpus c = {0};
		char alphabet[256];
		for (int i = 0; i < 256; i++)
			alphabet[i] = (char)i;
		corpus_random(&c, 400, alphabet, 256, 20, 4, seed);
		corpus_random(&c, 200, "\0\xff", 2, 20, 5, seed + 100);
		compare_train(&c, 4000, 1, all_threads, 3);
		corpus_free(&c);
	}
}
END_TEST

START_TEST(test_train_large_counts)
{
	/* Counts above 2^32 (a 32-bit counter would wrap and pick other pairs). */
	struct corpus c = {0};
	uint64_t big = (uint64_t)1 << 33;
	corpus_add(&c, "ab", 2, big + 5);
	corpus_add(&c, "cd", 2, big + 7);
	corpus_add(&c, "cdab", 4, (uint64_t)3 << 32);
	corpus_add(&c, "abab", 4, (uint64_t)1 << 40);
	corpus_add(&c, "ef", 2, 1);
	corpus_add(&c, "ef", 2, UINT32_MAX);
	corpus_random(&c, 100, "abcdef", 6, 8, (uint64_t)1 << 36, 42);
	compare_train(&c, 1000, 1, all_threads, 3);
	uint32_t m[1][2];
	ck_assert_uint_eq(dl_bpe_train(c.w, c.n, 1, 1, 1, m, NULL, NULL), 1);
	ck_assert_uint_eq(m[0][0], 'a');
	ck_assert_uint_eq(m[0][1], 'b');
	/* Above 2^32 itself the cut-off applies. */
	compare_train(&c, 1000, (uint64_t)1 << 34, all_threads, 3);
	corpus_free(&c);
}
END_TEST

START_TEST(test_train_degenerate)
{
	uint32_t m[4][2];
	/* No words at all. */
	ck_assert_uint_eq(dl_bpe_train(NULL, 0, 10, 1, 1, m, NULL, NULL), 0);
	ck_assert_uint_eq(dl_bpe_train(NULL, 0, 10, 1, 4, m, NULL, NULL), 0);
	/* Single bytes and empty words: no pair anywhere. */
	struct corpus c = {0};
	for (int i = 0; i < 256; i++) {
		uint8_t b = (uint8_t)i;
		corpus_add(&c, &b, 1, 1000 + i);
	}
	corpus_add(&c, "", 0, 5);
	ck_assert_uint_eq(dl_bpe_train(c.w, c.n, 10, 1, 1, m, NULL, NULL), 0);
	ck_assert_uint_eq(dl_bpe_train(c.w, c.n, 10, 1, 2, m, NULL, NULL), 0);
	compare_train(&c, 10, 1, all_threads, 3);
	/* Words of count 0 count for nothing. */
	corpus_add(&c, "zz", 2, 0);
	ck_assert_uint_eq(dl_bpe_train(c.w, c.n, 10, 1, 1, m, NULL, NULL), 0);
	corpus_add(&c, "zy", 2, 1);
	ck_assert_uint_eq(dl_bpe_train(c.w, c.n, 10, 1, 1, m, NULL, NULL), 1);
	ck_assert_uint_eq(m[0][0], 'z');
	ck_assert_uint_eq(m[0][1], 'y');
	corpus_free(&c);
}
END_TEST

START_TEST(test_train_min_frequency)
{
	struct corpus c = {0};
	corpus_english(&c, 5000);
	corpus_random(&c, 300, "abcdefgh", 8, 10, 6, 7);
	size_t prev = SIZE_MAX;
	static const uint64_t minf[] = { 1, 2, 3, 5, 17, 100, 1000, 4000, 100000000 };
	for (size_t i = 0; i < sizeof minf / sizeof *minf; i++) {
		size_t k = compare_train(&c, 5000, minf[i], all_threads, 3);
		ck_assert_uint_le(k, prev);
		prev = k;
	}
	ck_assert_uint_eq(prev, 0);
	corpus_free(&c);
}
END_TEST

START_TEST(test_train_max_merges)
{
	struct corpus c = {0};
	corpus_english(&c, 20000);
	uint32_t (*all)[2] = malloc(5000 * sizeof *all);
	size_t n = dl_bpe_train(c.w, c.n, 5000, 1, 1, all, NULL, NULL);
	ck_assert_uint_gt(n, 300);
	static const size_t maxm[] = { 0, 1, 2, 10, 99, 300 };
	for (size_t i = 0; i < sizeof maxm / sizeof *maxm; i++) {
		ck_assert_uint_eq(compare_train(&c, maxm[i], 1, all_threads, 3), maxm[i]);
		/* A shorter run is a prefix of the longer one. */
		uint32_t (*m)[2] = malloc((maxm[i] + 1) * sizeof *m);
		ck_assert_uint_eq(dl_bpe_train(c.w, c.n, maxm[i], 1, 2, m, NULL, NULL), maxm[i]);
		ck_assert(memcmp(m, all, maxm[i] * sizeof *m) == 0);
		free(m);
	}
	/* With room for more, training stops when every word is one token. */
	ck_assert_uint_eq(compare_train(&c, n + 100, 1, one_thread, 1), n);
	/* No limit at all (the buffer holds as many merges as there are bytes). */
	size_t nbytes = 0;
	for (size_t i = 0; i < c.n; i++)
		nbytes += c.w[i].len;
	uint32_t (*big)[2] = malloc(nbytes * sizeof *big);
	ck_assert_uint_eq(dl_bpe_train(c.w, c.n, SIZE_MAX, 1, 2, big, NULL, NULL), n);
	ck_assert(memcmp(big, all, n * sizeof *big) == 0);
	free(big);
	free(all);
	corpus_free(&c);
}
END_TEST

START_TEST(test_train_threads)
{
	/* Enough words that the set-up is cut into slices for several threads. */
	struct corpus c = {0};
	corpus_random(&c, 13000, "abcdefghij", 10, 6, 50, 99);
	corpus_english(&c, 1000000);
	static const int threads[] = { 1, 2, 3, 4, 8 };
	compare_train(&c, 120, 1, threads, 5);
	compare_train(&c, 80, 40, threads, 5);
	/* Past the reference's reach, the thread counts still agree with each other. */
	uint32_t (*m1)[2] = malloc(3000 * sizeof *m1), (*m4)[2] = malloc(3000 * sizeof *m4);
	size_t n1 = dl_bpe_train(c.w, c.n, 3000, 1, 1, m1, NULL, NULL);
	size_t n4 = dl_bpe_train(c.w, c.n, 3000, 1, 4, m4, NULL, NULL);
	ck_assert_uint_eq(n1, 3000);
	ck_assert_uint_eq(n4, n1);
	ck_assert(memcmp(m1, m4, n1 * sizeof *m1) == 0);
	free(m1);
	free(m4);
	corpus_free(&c);
}
END_TEST

START_TEST(test_train_duplicate_words)
{
	/* The same piece listed twice counts as its sum. */
	struct corpus a = {0}, b = {0};
	corpus_add(&a, "xyxy", 4, 3);
	corpus_add(&a, "xyxy", 4, 4);
	corpus_add(&a, "yz", 2, 8);
	corpus_add(&b, "xyxy", 4, 7);
	corpus_add(&b, "yz", 2, 8);
	uint32_t ma[8][2], mb[8][2];
	size_t na = dl_bpe_train(a.w, a.n, 8, 1, 1, ma, NULL, NULL);
	size_t nb = dl_bpe_train(b.w, b.n, 8, 1, 1, mb, NULL, NULL);
	ck_assert_uint_eq(na, nb);
	ck_assert(memcmp(ma, mb, na * sizeof *ma) == 0);
	/* (x, y) 14 against (y, x) 7 and (y, z) 8. */
	ck_assert_uint_eq(ma[0][0], 'x');
	ck_assert_uint_eq(ma[0][1], 'y');
	compare_train(&a, 8, 1, all_threads, 3);
	corpus_free(&a);
	corpus_free(&b);
}
END_TEST

/* ================================================================== counter tests */

/* A plain list of (piece, count), the test's own model of a counter. */
struct model {
	struct corpus c;
};

static void model_add(struct model *m, const void *p, size_t len, uint64_t count)
{
	for (size_t i = 0; i < m->c.n; i++)
		if (m->c.w[i].len == len && (len == 0 || memcmp(m->c.w[i].bytes, p, len) == 0)) {
			m->c.w[i].count += count;
			return;
		}
	corpus_add(&m->c, p, len, count);
}

static int word_cmp(const void *x, const void *y)
{
	const dl_bpe_word *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	for (size_t i = 0; i < n; i++)
		if (a->bytes[i] != b->bytes[i])
			return a->bytes[i] < b->bytes[i] ? -1 : 1;
	return (a->len > b->len) - (a->len < b->len);
}

/* The counter's words equal the model's, in memcmp order, and the totals agree. */
static void expect_counter(const dl_piece_counter *pc, struct model *m)
{
	qsort(m->c.w, m->c.n, sizeof *m->c.w, word_cmp);
	size_t n = 12345;
	dl_bpe_word *w = dl_piece_counter_words(pc, &n);
	ck_assert_ptr_nonnull(w);
	ck_assert_uint_eq(n, m->c.n);
	ck_assert_uint_eq(dl_piece_counter_size(pc), m->c.n);
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		FAST_ASSERT(w[i].len == m->c.w[i].len);
		FAST_ASSERT(w[i].len == 0 || memcmp(w[i].bytes, m->c.w[i].bytes, w[i].len) == 0);
		FAST_ASSERT(w[i].count == m->c.w[i].count);
		if (i)
			FAST_ASSERT(word_cmp(&w[i - 1], &w[i]) < 0);
		total += w[i].count;
	}
	ck_assert_uint_eq(dl_piece_counter_total(pc), total);
	free(w);
}

START_TEST(test_count_basic)
{
	dl_piece_counter *pc = dl_piece_counter_new(DL_PRETOK_GPT2);
	size_t n = 99;
	dl_bpe_word *w = dl_piece_counter_words(pc, &n);
	ck_assert_uint_eq(n, 0);
	free(w);
	ck_assert_uint_eq(dl_piece_counter_total(pc), 0);

	struct model m = {0};
	static const char *pieces[] = { "b", "a", "ab", " the", "a", "", "b", "\0x", "\0",
					 "ab", "abc", " the", "\xff", "a" };
	for (size_t i = 0; i < sizeof pieces / sizeof *pieces; i++) {
		size_t len = pieces[i][0] ? strlen(pieces[i]) : (i == 7 ? 2 : i == 8 ? 1 : 0);
		dl_piece_counter_add_piece(pc, (const uint8_t *)pieces[i], len, i + 1);
		model_add(&m, pieces[i], len, i + 1);
	}
	expect_counter(pc, &m);
	/* Order: "", "\0", "\0x", " the", "a", "ab", "abc", "b", "\xff". */
	w = dl_piece_counter_words(pc, &n);
	ck_assert_uint_eq(n, 9);
	ck_assert_uint_eq(w[0].len, 0);
	ck_assert_uint_eq(w[0].count, 6);
	ck_assert_uint_eq(w[1].len, 1);
	ck_assert_uint_eq(w[2].len, 2);
	ck_assert(memcmp(w[3].bytes, " the", 4) == 0);
	ck_assert_uint_eq(w[3].count, 4 + 12);
	ck_assert(memcmp(w[4].bytes, "a", 1) == 0 && w[4].len == 1);
	ck_assert_uint_eq(w[4].count, 2 + 5 + 14);
	ck_assert_uint_eq(w[8].bytes[0], 0xff);
	free(w);
	corpus_free(&m.c);
	dl_piece_counter_free(pc);
	dl_piece_counter_free(NULL);
}
END_TEST

START_TEST(test_count_random)
{
	/* Thousands of pieces, the table and arena growing; pieces sharing long prefixes
	 * (the sort goes past its first keys), with zero bytes, some very long. */
	dl_piece_counter *pc = dl_piece_counter_new(DL_PRETOK_NONE);
	struct model m = {0};
	uint64_t seed = 5;
	uint8_t *buf = malloc(300000);
	memset(buf, 'p', 300000);
	for (size_t i = 0; i < 6000; i++) {
		size_t kind = gen(&seed) % 4, len;
		if (kind == 0) {          /* short, over a tiny alphabet: many repeats */
			len = gen(&seed) % 4;
			for (size_t j = 0; j < len; j++)
				buf[j] = "a\0b"[gen(&seed) % 3];
		} else if (kind == 1) {   /* a shared prefix of 30 bytes, then a short tail */
			memset(buf, 'q', 30);
			len = 30 + gen(&seed) % 5;
			for (size_t j = 30; j < len; j++)
				buf[j] = "xy\0"[gen(&seed) % 3];
		} else if (kind == 2) {   /* a shared prefix of 500 bytes */
			memset(buf, 'r', 500);
			len = 500 + gen(&seed) % 4;
			for (size_t j = 500; j < len; j++)
				buf[j] = (uint8_t)(gen(&seed) % 3);
		} else {                  /* random bytes, now and then very long */
			len = gen(&seed) % 13 == 0 ? 1000 + gen(&seed) % 299000 : gen(&seed) % 20;
			for (size_t j = 0; j < len; j++)
				buf[j] = (uint8_t)gen(&seed);
		}
		uint64_t cnt = 1 + gen(&seed) % 1000;
		dl_piece_counter_add_piece(pc, buf, len, cnt);
		model_add(&m, buf, len, cnt);
	}
	ck_assert_uint_gt(m.c.n, 1000);
	expect_counter(pc, &m);
	free(buf);
	corpus_free(&m.c);
	dl_piece_counter_free(pc);
}
END_TEST

START_TEST(test_count_sorted_many)
{
	/* 200,000 pieces, about 90,000 of them distinct (hex numbers and their prefixes),
	 * stored in hash order, come out in memcmp order. */
	dl_piece_counter *pc = dl_piece_counter_new(DL_PRETOK_NONE);
	uint64_t seed = 11;
	for (size_t i = 0; i < 200000; i++) {
		char buf[32];
		unsigned long long v = gen(&seed) % 150000;
		int len = snprintf(buf, sizeof buf, "%llx", v);
		dl_piece_counter_add_piece(pc, (uint8_t *)buf, (size_t)len - (i % 3 == 0), 1);
	}
	size_t n;
	dl_bpe_word *w = dl_piece_counter_words(pc, &n);
	ck_assert_uint_eq(n, dl_piece_counter_size(pc));
	ck_assert_uint_gt(n, 80000);
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		total += w[i].count;
		if (i)
			FAST_ASSERT(word_cmp(&w[i - 1], &w[i]) < 0);
	}
	ck_assert_uint_eq(total, 200000);
	ck_assert_uint_eq(dl_piece_counter_total(pc), 200000);
	free(w);
	dl_piece_counter_free(pc);
}
END_TEST

START_TEST(test_count_merge)
{
	/* Three counters, as three threads would fill them, merged into one, equal one
	 * counter that saw everything; the sources stay as they were. */
	dl_piece_counter *all = dl_piece_counter_new(DL_PRETOK_GPT2);
	dl_piece_counter *part[3];
	struct model m = {0}, m1 = {0};
	for (int t = 0; t < 3; t++)
		part[t] = dl_piece_counter_new(DL_PRETOK_GPT2);
	uint64_t seed = 77;
	for (size_t i = 0; i < 20000; i++) {
		uint8_t buf[8];
		size_t len = 1 + gen(&seed) % 3;
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)('a' + gen(&seed) % 20);
		uint64_t cnt = 1 + gen(&seed) % 9;
		int t = (int)(gen(&seed) % 3);
		dl_piece_counter_add_piece(part[t], buf, len, cnt);
		dl_piece_counter_add_piece(all, buf, len, cnt);
		model_add(&m, buf, len, cnt);
		if (t == 1)
			model_add(&m1, buf, len, cnt);
	}
	dl_piece_counter *merged = dl_piece_counter_new(DL_PRETOK_GPT2);
	for (int t = 0; t < 3; t++)
		dl_piece_counter_merge(merged, part[t]);
	expect_counter(merged, &m);
	expect_counter(all, &m);
	expect_counter(part[1], &m1);
	/* Merging a counter into itself doubles it. */
	dl_piece_counter_merge(part[1], part[1]);
	for (size_t i = 0; i < m1.c.n; i++)
		m1.c.w[i].count *= 2;
	expect_counter(part[1], &m1);
	/* Merging an empty counter changes nothing. */
	dl_piece_counter *empty = dl_piece_counter_new(DL_PRETOK_GPT2);
	dl_piece_counter_merge(merged, empty);
	expect_counter(merged, &m);
	dl_piece_counter_merge(empty, merged);
	expect_counter(empty, &m);
	dl_piece_counter_free(empty);
	for (int t = 0; t < 3; t++)
		dl_piece_counter_free(part[t]);
	dl_piece_counter_free(merged);
	dl_piece_counter_free(all);
	corpus_free(&m.c);
	corpus_free(&m1.c);
}
END_TEST

START_TEST(test_count_large)
{
	/* Counts and totals past 2^32. */
	dl_piece_counter *pc = dl_piece_counter_new(DL_PRETOK_GPT2);
	uint64_t big = ((uint64_t)1 << 32) + 3;
	dl_piece_counter_add_piece(pc, (const uint8_t *)"x", 1, big);
	dl_piece_counter_add_piece(pc, (const uint8_t *)"x", 1, big);
	dl_piece_counter_add_piece(pc, (const uint8_t *)"y", 1, UINT32_MAX);
	dl_piece_counter_add_piece(pc, (const uint8_t *)"y", 1, 1);
	dl_piece_counter_add_piece(pc, (const uint8_t *)"z", 1, (uint64_t)1 << 60);
	size_t n;
	dl_bpe_word *w = dl_piece_counter_words(pc, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(w[0].count, 2 * big);
	ck_assert_uint_eq(w[1].count, (uint64_t)1 << 32);
	ck_assert_uint_eq(w[2].count, (uint64_t)1 << 60);
	ck_assert_uint_eq(dl_piece_counter_total(pc), 2 * big + ((uint64_t)1 << 32) +
			  ((uint64_t)1 << 60));
	free(w);
	dl_piece_counter_free(pc);
}
END_TEST

START_TEST(test_count_docs)
{
	/* Documents are cut by the pattern; a piece never spans two documents. */
	dl_piece_counter *pc = dl_piece_counter_new(DL_PRETOK_GPT2);
	static const char *docs[] = { "the cat the dog", " the end", "", "cat" };
	for (size_t i = 0; i < 4; i++)
		dl_piece_counter_add_doc(pc, (const uint8_t *)docs[i], strlen(docs[i]));
	struct model m = {0};
	model_add(&m, "the", 3, 1);
	model_add(&m, " cat", 4, 1);
	model_add(&m, " the", 4, 2);
	model_add(&m, " dog", 4, 1);
	model_add(&m, " end", 4, 1);
	model_add(&m, "cat", 3, 1);
	expect_counter(pc, &m);
	corpus_free(&m.c);
	dl_piece_counter_free(pc);

	/* GPT-2's cuts: contractions, punctuation, numbers, a space left before a word. */
	pc = dl_piece_counter_new(DL_PRETOK_GPT2);
	static const char doc[] = "Hello, world!  It's 2024.";
	dl_piece_counter_add_doc(pc, (const uint8_t *)doc, strlen(doc));
	static const char *cuts[] = { "Hello", ",", " world", "!", " ", " It", "'s", " 2024",
				      "." };
	struct model m1 = {0};
	for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++)
		model_add(&m1, cuts[i], strlen(cuts[i]), 1);
	expect_counter(pc, &m1);
	corpus_free(&m1.c);
	dl_piece_counter_free(pc);

	/* NONE: each document is one piece. */
	pc = dl_piece_counter_new(DL_PRETOK_NONE);
	for (size_t i = 0; i < 4; i++)
		dl_piece_counter_add_doc(pc, (const uint8_t *)docs[i], strlen(docs[i]));
	dl_piece_counter_add_doc(pc, (const uint8_t *)docs[0], strlen(docs[0]));
	struct model m2 = {0};
	model_add(&m2, docs[0], strlen(docs[0]), 2);
	model_add(&m2, docs[1], strlen(docs[1]), 1);
	model_add(&m2, docs[3], strlen(docs[3]), 1);
	expect_counter(pc, &m2);
	corpus_free(&m2.c);
	dl_piece_counter_free(pc);
}
END_TEST

START_TEST(test_count_then_train)
{
	/* The counter's words feed the trainer as they are: same merges as the reference. */
	dl_piece_counter *pc = dl_piece_counter_new(DL_PRETOK_GPT2);
	uint64_t seed = 3;
	char doc[4096];
	for (int d = 0; d < 50; d++) {
		size_t len = 0;
		while (len < 3000) {
			size_t pick = gen(&seed) % 8 == 0 ? NENGLISH : 30;
			const char *wd = english[gen(&seed) % pick];
			len += (size_t)snprintf(doc + len, sizeof doc - len, "%s%s", len ? " " : "",
						wd);
		}
		dl_piece_counter_add_doc(pc, (const uint8_t *)doc, len);
	}
	struct corpus c = {0};
	c.w = dl_piece_counter_words(pc, &c.n);
	compare_train(&c, 2000, 1, all_threads, 3);
	compare_train(&c, 2000, 3, all_threads, 3);
	free(c.w);
	dl_piece_counter_free(pc);
}
END_TEST

/* ================================================================== main */

int main(void)
{
	Suite *s = suite_create("bpe_train");
	TCase *tc = tcase(s, "train", 0);
	tcase_add_test(tc, test_train_tiny_alphabet);
	tcase_add_test(tc, test_train_runs);
	tcase_add_test(tc, test_train_english);
	tcase_add_test(tc, test_train_all_bytes);
	tcase_add_test(tc, test_train_large_counts);
	tcase_add_test(tc, test_train_degenerate);
	tcase_add_test(tc, test_train_min_frequency);
	tcase_add_test(tc, test_train_max_merges);
	tcase_add_test(tc, test_train_threads);
	tcase_add_test(tc, test_train_duplicate_words);
	tc = tcase(s, "count", 0);
	tcase_add_test(tc, test_count_basic);
	tcase_add_test(tc, test_count_random);
	tcase_add_test(tc, test_count_sorted_many);
	tcase_add_test(tc, test_count_merge);
	tcase_add_test(tc, test_count_large);
	tcase_add_test(tc, test_count_docs);
	tcase_add_test(tc, test_count_then_train);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
