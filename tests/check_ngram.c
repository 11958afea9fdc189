/*
 * check_ngram.c — unit tests of lib/ngram on corpora small enough to work out by hand:
 * the discount formula, adjusted counts, the interpolated probabilities and the backoff
 * rule (values derived in the comments), the radix sort, the ARPA reader's errors, the
 * binary model's checks, and hashed features. The comparison with KenLM on real text is
 * in check_ngram_golden.c.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/io.h"
#include "ngram/arpa.h"
#include "ngram/binary.h"
#include "ngram/corpus.h"
#include "ngram/count.h"
#include "ngram/estimate.h"
#include "ngram/features.h"
#include "ngram/model.h"
#include "ngram/sort.h"
#include "record/example.h"
#include "record/tfrecord.h"
#include "testutil.h"

static dl_ngram_est *train_text(const char *text, int order, int fallback, dl_err *e)
{
	dl_ngram_corpus c;
	dl_ngram_est_opts o;
	dl_ngram_corpus_init(&c);
	ck_assert_int_eq(dl_ngram_corpus_read_mem(&c, text, strlen(text), "t", DL_NGRAM_IN_TEXT,
						  NULL, e), 0);
	dl_ngram_est_opts_default(&o);
	o.order = order;
	o.discount_fallback = fallback;
	o.raw_counts = 1;
	dl_ngram_est *m = dl_ngram_estimate(&c, &o, e);
	dl_ngram_corpus_free(&c);
	return m;
}

/* The index of an n-gram given by words in level n-1, or -1. */
static long find(const dl_ngram_est *m, const char *words)
{
	char buf[256];
	const char *w[8];
	size_t wl[8];
	snprintf(buf, sizeof buf, "%s", words);
	size_t n = dl_ngram_split(buf, strlen(buf), w, wl, 8);
	dl_ngram_key k = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t id = dl_ngram_vocab_find(&m->vocab, w[i], wl[i]);
		if (id == DL_NGRAM_NONE)
			return -1;
		k |= (dl_ngram_key)id << (m->bits * i);
	}
	const dl_ngram_level *l = &m->lev[n - 1];
	for (size_t i = 0; i < l->n; i++)
		if (l->keys[i] == k)
			return (long)i;
	return -1;
}

#define NEAR(a, b) ck_assert_msg(fabs((double)(a) - (double)(b)) < 1e-5, "%.7f != %.7f", \
				 (double)(a), (double)(b))

START_TEST(test_discount_formula)
{
	/* t = 10 4 2 1: Y = 10/18 = 5/9; D1 = 1 - 2(5/9)(4/10) = 5/9;
	 * D2 = 2 - 3(5/9)(2/4) = 7/6; D3 = 3 - 4(5/9)(1/2) = 17/9 */
	uint64_t t[5] = { 0, 10, 4, 2, 1 };
	double d[4];
	ck_assert_int_eq(dl_ngram_discounts(t, d), 0);
	NEAR(d[0], 0);
	NEAR(d[1], 5.0 / 9);
	NEAR(d[2], 7.0 / 6);
	NEAR(d[3], 17.0 / 9);
	/* no n-grams seen twice: D cannot be estimated */
	uint64_t t2[5] = { 0, 10, 0, 2, 1 };
	ck_assert_int_eq(dl_ngram_discounts(t2, d), -1);
	/* D2 = 2 - 3 (1/3) 100 < 0 */
	uint64_t t3[5] = { 0, 1, 1, 100, 1 };
	ck_assert_int_eq(dl_ngram_discounts(t3, d), -1);
	/* t4 = 0 is fine: D3 = 3 */
	uint64_t t4[5] = { 0, 10, 4, 2, 0 };
	ck_assert_int_eq(dl_ngram_discounts(t4, d), 0);
	NEAR(d[3], 3);
}
END_TEST

/*
 * The corpus "a b / a c / b c", order 2: <s> a b </s>, <s> a c </s>, <s> b c </s>.
 * Bigrams (raw = adjusted): <s> a 2, <s> b 1, a b 1, a c 1, b c 1, b </s> 1, c </s> 2.
 * Unigram continuation counts: a 1 ({<s>}), b 2 ({<s>, a}), c 2 ({a, b}), </s> 2 ({b, c}),
 * <s> 0, <unk> 0. Counts of counts: unigrams t1 = 1, t2 = 3, t3 = 0; bigrams t1 = 5, t2 = 2,
 * t3 = 0: no discounts, so the fallback D = 0.5, 1, 1.5.
 * Unigrams: sum 7, gamma = (0.5 * 1 + 1 * 3) / 7 = 0.5, uniform 1/5 (6 words but <s>):
 *   p(a) = 0.5/7 + 0.1, p(b) = p(c) = p(</s>) = 1/7 + 0.1, p(<unk>) = 0.1.
 * Context <s>: sum 3, gamma = (1 + 0.5) / 3 = 0.5: p(a|<s>) = 1/3 + 0.5 p(a),
 *   p(b|<s>) = 0.5/3 + 0.5 p(b). Context a: sum 2, gamma 0.5: p(b|a) = 0.25 + 0.5 p(b).
 * Context c: sum 2, gamma = 1/2: p(</s>|c) = 1/2 + 0.5 p(</s>).
 */
START_TEST(test_toy_by_hand)
{
	dl_err e;
	dl_ngram_est *m = train_text("a b\na c\nb c\n", 2, 0, &e);
	ck_assert_ptr_null(m);
	ck_assert(strstr(e.msg, "--discount-fallback"));
	m = train_text("a b\na c\nb c\n", 2, 1, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->lev[0].n, 6);
	ck_assert_int_eq(m->lev[1].n, 7);
	const dl_ngram_level *u = &m->lev[0], *b = &m->lev[1];
	uint32_t a_ = dl_ngram_vocab_find(&m->vocab, "a", 1);
	uint32_t b_ = dl_ngram_vocab_find(&m->vocab, "b", 1);
	uint32_t c_ = dl_ngram_vocab_find(&m->vocab, "c", 1);
	ck_assert_int_eq(u->adj[a_], 1);
	ck_assert_int_eq(u->adj[b_], 2);
	ck_assert_int_eq(u->adj[c_], 2);
	ck_assert_int_eq(u->adj[DL_NGRAM_EOS], 2);
	ck_assert_int_eq(u->adj[DL_NGRAM_BOS], 0);
	ck_assert_int_eq(u->raw[DL_NGRAM_EOS], 3);
	ck_assert_int_eq(b->adj[find(m, "<s> a")], 2);
	ck_assert_int_eq(b->adj[find(m, "c </s>")], 2);
	ck_assert_int_eq(m->coc[0][1], 1);
	ck_assert_int_eq(m->coc[0][2], 3);
	ck_assert_int_eq(m->coc[1][1], 5);
	ck_assert_int_eq(m->coc[1][2], 2);
	ck_assert(m->fallback_used[0] && m->fallback_used[1]);

	double pa = 0.5 / 7 + 0.1, pb = 1.0 / 7 + 0.1;
	NEAR(u->prob[a_], log10(pa));
	NEAR(u->prob[b_], log10(pb));
	NEAR(u->prob[c_], log10(pb));
	NEAR(u->prob[DL_NGRAM_EOS], log10(pb));
	NEAR(u->prob[DL_NGRAM_UNK], log10(0.1));
	NEAR(u->prob[DL_NGRAM_BOS], 0);
	NEAR(pow(10, u->prob[DL_NGRAM_UNK]) + pow(10, u->prob[a_]) + 3 * pow(10, u->prob[b_]), 1);
	NEAR(u->bo[DL_NGRAM_BOS], log10(0.5));
	NEAR(u->bo[a_], log10(0.5));
	NEAR(u->bo[c_], log10(0.5));
	NEAR(u->bo[DL_NGRAM_EOS], 0);
	NEAR(b->prob[find(m, "<s> a")], log10(1.0 / 3 + 0.5 * pa));
	NEAR(b->prob[find(m, "<s> b")], log10(0.5 / 3 + 0.5 * pb));
	NEAR(b->prob[find(m, "a b")], log10(0.25 + 0.5 * pb));
	NEAR(b->prob[find(m, "c </s>")], log10(0.5 + 0.5 * pb));
	ck_assert_ptr_null(b->bo);

	/* the query model: a seen bigram, then a backoff b -> a (bo(b) + p(a)), an OOV */
	dl_ngram_model *q = dl_ngram_model_from_est(m);
	dl_ngram_state s;
	int len;
	dl_ngram_state_begin(q, &s);
	NEAR(dl_ngram_score(q, &s, a_, &s, &len), log10(1.0 / 3 + 0.5 * pa));
	ck_assert_int_eq(len, 2);
	NEAR(dl_ngram_score(q, &s, b_, &s, &len), log10(0.25 + 0.5 * pb));
	NEAR(dl_ngram_score(q, &s, a_, &s, &len), log10(0.5) + log10(pa));
	ck_assert_int_eq(len, 1);
	uint32_t z = dl_ngram_model_id(q, "zzz", 3);
	ck_assert_int_eq(z, q->unk);
	NEAR(dl_ngram_score(q, &s, z, &s, &len), log10(0.5) + log10(0.1));
	/* a line: "a b" = p(a|<s>) p(b|a) p(</s>|b); </s> after b is a bigram */
	dl_ngram_ppl p = { 0 };
	double lp = dl_ngram_score_line(q, "a  b\t", 5, &p);
	NEAR(lp, log10(1.0 / 3 + 0.5 * pa) + log10(0.25 + 0.5 * pb) + log10(0.25 + 0.5 * pb));
	ck_assert_int_eq(p.tokens, 3);
	ck_assert_int_eq(p.oovs, 0);
	dl_ngram_score_line(q, "zzz", 3, &p);
	ck_assert_int_eq(p.tokens, 5);
	ck_assert_int_eq(p.oovs, 1);
	ck_assert(dl_ngram_ppl_including(&p) > dl_ngram_ppl_excluding(&p));
	dl_ngram_model_free(q);
	dl_ngram_est_free(m);
}
END_TEST

/* Raw counts of every order on a corpus counted by hand, <s> padding included. */
START_TEST(test_counts)
{
	dl_err e;
	dl_ngram_est_opts o;
	dl_ngram_corpus c;
	const char *text = "x y x y\n\nx y\n";
	dl_ngram_corpus_init(&c);
	ck_assert_int_eq(dl_ngram_corpus_read_mem(&c, text, strlen(text), "t", DL_NGRAM_IN_AUTO,
						  NULL, &e), 0);
	ck_assert_int_eq(c.sentences, 3);
	ck_assert_int_eq(c.words, 6);
	dl_ngram_est_opts_default(&o);
	o.order = 3;
	o.raw_counts = 1;
	o.probabilities = 0;
	dl_ngram_est *m = dl_ngram_estimate(&c, &o, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->tokens, 9);
	/* x 3, y 3, </s> 3; <s> x 2, x y 3, y x 1, y </s> 2, <s> </s> 1 */
	ck_assert_int_eq(m->lev[0].raw[dl_ngram_vocab_find(&m->vocab, "x", 1)], 3);
	ck_assert_int_eq(m->lev[0].raw[DL_NGRAM_EOS], 3);
	ck_assert_int_eq(m->lev[1].raw[find(m, "<s> x")], 2);
	ck_assert_int_eq(m->lev[1].raw[find(m, "x y")], 3);
	ck_assert_int_eq(m->lev[1].raw[find(m, "y x")], 1);
	ck_assert_int_eq(m->lev[1].raw[find(m, "<s> </s>")], 1);
	ck_assert_int_eq(m->lev[1].n, 5);
	/* <s> x y 2, x y x 1, y x y 1, x y </s> 2 */
	ck_assert_int_eq(m->lev[2].raw[find(m, "<s> x y")], 2);
	ck_assert_int_eq(m->lev[2].raw[find(m, "x y </s>")], 2);
	ck_assert_int_eq(m->lev[2].n, 4);
	/* adjusted: "x y" is preceded by <s> and y: 2; "<s> x" keeps its raw count 2 */
	ck_assert_int_eq(m->lev[1].adj[find(m, "x y")], 2);
	ck_assert_int_eq(m->lev[1].adj[find(m, "<s> x")], 2);
	ck_assert_int_eq(m->lev[1].adj[find(m, "y </s>")], 1);
	ck_assert_int_eq(m->lev[0].adj[dl_ngram_vocab_find(&m->vocab, "y", 1)], 1);
	dl_ngram_est_free(m);
	dl_ngram_corpus_free(&c);
	/* reserved words are whitespace; an empty corpus is an error */
	dl_ngram_corpus_init(&c);
	ck_assert_int_eq(dl_ngram_corpus_read_mem(&c, "<s> a </s> <unk>\n", 17, "t",
						  DL_NGRAM_IN_TEXT, NULL, &e), 0);
	ck_assert_int_eq(c.words, 1);
	ck_assert_int_eq(c.reserved, 3);
	dl_ngram_corpus_free(&c);
	dl_ngram_corpus_init(&c);
	ck_assert_int_eq(dl_ngram_corpus_read_mem(&c, "\n\n", 2, "t", DL_NGRAM_IN_TEXT, NULL, &e),
			 0);
	ck_assert_ptr_null(dl_ngram_estimate(&c, &o, &e));
	ck_assert_str_eq(e.msg, "the corpus has no words");
	dl_ngram_corpus_free(&c);
}
END_TEST

/* Counting in sorted runs merged from disk gives what one sort in memory gives. */
START_TEST(test_count_runs)
{
	size_t n = 60000;
	uint64_t g = 7;
	uint32_t *ids = dl_mallocarray(n, sizeof *ids);
	for (size_t i = 0; i < n; i++) {
		uint32_t r = (uint32_t)(gen(&g) % 60);
		ids[i] = r < 8 ? DL_NGRAM_EOS : 3 + r % 20;      /* short sentences, 20 words */
	}
	ids[n - 1] = DL_NGRAM_EOS;
	dl_ngram_key *k1, *k2;
	uint32_t *c1, *c2;
	size_t r1, r2;
	dl_err e;
	dl_pool *pool = dl_pool_new(2);
	size_t m1 = dl_ngram_count(ids, n, 3, 5, 0, NULL, &k1, &c1, &r1, &e);
	size_t m2 = dl_ngram_count(ids, n, 3, 5, 72 * 7000, pool, &k2, &c2, &r2, &e);
	dl_pool_free(pool);
	ck_assert_int_eq(r1, 1);
	ck_assert_int_eq(r2, (n + 6999) / 7000);
	ck_assert_int_eq(m1, m2);
	ck_assert(!memcmp(k1, k2, m1 * sizeof *k1));
	ck_assert(!memcmp(c1, c2, m1 * sizeof *c1));
	uint64_t total = 0;
	for (size_t i = 0; i < m1; i++) {
		total += c1[i];
		if (i)
			FAST_ASSERT(k1[i - 1] < k1[i]);
	}
	ck_assert_int_eq(total, n);     /* every token counted once */
	free(k1);
	free(k2);
	free(c1);
	free(c2);
	free(ids);
}
END_TEST

/* Token records give the same model as the same ids written as text. */
START_TEST(test_records_input)
{
	dl_buf rec = { 0 };
	dl_example ex;
	dl_err e;
	const int64_t s1[] = { 5, 7, 5 }, s2[] = { 7, 7 };
	/* write the records with the real writer */
	dl_out *out = dl_out_open(tpath("r.tfrecord"), DL_COMPRESS_NONE);
	dl_example_init(&ex);
	for (int r = 0; r < 2; r++) {
		dl_example_clear(&ex);
		dl_example_add(&ex, "ids", 3, DL_FEATURE_INT64);
		for (int i = 0; i < (r ? 2 : 3); i++)
			dl_example_add_int64(&ex, r ? s2[i] : s1[i]);
		dl_buf_clear(&rec);
		dl_example_encode(&ex, &rec);
		dl_tfrecord_write(out, rec.data, rec.len);
	}
	dl_out_close(out);
	dl_example_free(&ex);
	dl_buf_free(&rec);

	dl_ngram_corpus a, b;
	dl_ngram_corpus_init(&a);
	dl_ngram_corpus_init(&b);
	ck_assert_int_eq(dl_ngram_corpus_read(&a, tpath("r.tfrecord"), DL_NGRAM_IN_AUTO, NULL, &e),
			 0);
	ck_assert_int_eq(dl_ngram_corpus_read_mem(&b, "5 7 5\n7 7\n", 10, "t", DL_NGRAM_IN_TEXT,
						  NULL, &e), 0);
	ck_assert_int_eq(a.nids, b.nids);
	ck_assert_int_eq(a.sentences, 2);
	ck_assert(!memcmp(a.ids, b.ids, a.nids * sizeof *a.ids));
	ck_assert_int_eq(dl_ngram_corpus_read(&a, tpath("r.tfrecord"), DL_NGRAM_IN_RECORDS, "nope",
					      &e), -1);
	ck_assert(strstr(e.msg, "no int64 feature 'nope'"));
	dl_ngram_corpus_free(&a);
	dl_ngram_corpus_free(&b);
}
END_TEST

START_TEST(test_sort)
{
	size_t n = 200000;
	uint64_t s = 42;
	dl_ngram_key *k = dl_mallocarray(n, sizeof *k), *k2 = dl_mallocarray(n, sizeof *k2);
	uint32_t *v = dl_mallocarray(n, sizeof *v), *v2 = dl_mallocarray(n, sizeof *v2);
	for (size_t i = 0; i < n; i++) {
		k[i] = ((dl_ngram_key)(gen(&s) & 0xffffff) << 64 | gen(&s)) & (((dl_ngram_key)1 << 90) - 1);
		if (i % 3 == 0)
			k[i] &= 0xff;   /* many equal keys: stability shows */
		v[i] = (uint32_t)i;
	}
	memcpy(k2, k, n * sizeof *k);
	memcpy(v2, v, n * sizeof *v);
	dl_ngram_sort(k, v, n, 90, NULL);
	for (size_t i = 1; i < n; i++) {
		FAST_ASSERT(k[i - 1] <= k[i]);
		FAST_ASSERT(k[i - 1] != k[i] || v[i - 1] < v[i]);
	}
	for (size_t i = 0; i < n; i += 997)
		FAST_ASSERT(k2[v[i]] == k[i]);
	dl_pool *pool = dl_pool_new(3);
	dl_ngram_sort(k2, v2, n, 90, pool);
	dl_pool_free(pool);
	ck_assert(!memcmp(k, k2, n * sizeof *k));
	ck_assert(!memcmp(v, v2, n * sizeof *v));
	free(k);
	free(k2);
	free(v);
	free(v2);
}
END_TEST

/* ------------------------------------------------------------------ ARPA */

static const char good_arpa[] =
	"\\data\\\nngram 1=4\nngram 2=2\n\n"
	"\\1-grams:\n-1.0\t<s>\t-0.3\n-0.5\t</s>\n-0.7\tx\t-0.2\n-1.5\t<unk>\t0\n\n"
	"\\2-grams:\n-0.1\t<s> x\n-0.2\tx </s>\n\n\\end\\\n";

static dl_ngram_model *arpa_mem(const char *text, dl_err *e)
{
	dl_in *in = dl_in_open_mem(text, strlen(text), "m.arpa", 0);
	dl_ngram_model *m = dl_ngram_model_read_arpa(in, e);
	dl_in_close(in);
	return m;
}

START_TEST(test_arpa_read)
{
	dl_err e;
	dl_ngram_model *m = arpa_mem(good_arpa, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_int_eq(m->order, 2);
	uint32_t x = dl_ngram_model_id(m, "x", 1);
	dl_ngram_state s;
	dl_ngram_state_begin(m, &s);
	NEAR(dl_ngram_score(m, &s, x, &s, NULL), -0.1);
	NEAR(dl_ngram_score(m, &s, m->eos, &s, NULL), -0.2);
	dl_ngram_state_begin(m, &s);
	NEAR(dl_ngram_score(m, &s, m->eos, &s, NULL), -0.3 - 0.5);
	dl_ngram_model_free(m);
	/* no <unk>: one is added with -100 */
	const char *nounk = "\\data\\\nngram 1=2\n\\1-grams:\n-1\t<s>\t0\n-1\t</s>\n\\end\\\n";
	m = arpa_mem(nounk, &e);
	ck_assert_ptr_nonnull(m);
	dl_ngram_state_empty(&s);
	NEAR(dl_ngram_score(m, &s, dl_ngram_model_id(m, "q", 1), &s, NULL), -100);
	dl_ngram_model_free(m);
}
END_TEST

static void expect_arpa_error(const char *text, const char *msg)
{
	dl_err e;
	dl_ngram_model *m = arpa_mem(text, &e);
	ck_assert_msg(m == NULL, "accepted: %s", text);
	ck_assert_msg(strstr(e.msg, msg) != NULL, "'%s' lacks '%s'", e.msg, msg);
}

START_TEST(test_arpa_errors)
{
	expect_arpa_error("", "m.arpa:0: no \\data\\ line");
	expect_arpa_error("hello\n", "no \\data\\ line");
	expect_arpa_error("\\data\\\nngram 2=3\n", "m.arpa:2: expected the count of the 1-grams");
	expect_arpa_error("\\data\\\nngram 1=x\n", "m.arpa:2: bad n-gram count");
	expect_arpa_error("\\data\\\n\\1-grams:\n", "no 'ngram 1=COUNT'");
	/* fewer n-grams than the header says */
	expect_arpa_error("\\data\\\nngram 1=3\n\\1-grams:\n-1\t<s>\n-1\t</s>\n\n\\end\\\n",
			  "m.arpa:6: the 1-grams section has 2 n-grams, the header says 3");
	/* more */
	expect_arpa_error("\\data\\\nngram 1=1\n\\1-grams:\n-1\t<s>\t0\n-1\t</s>\n\\end\\\n",
			  "m.arpa:5: the 1-grams section has more n-grams than the 1");
	expect_arpa_error("\\data\\\nngram 1=2\n\\1-grams:\n-1x\t<s>\t0\n-1\t</s>\n\\end\\\n",
			  "m.arpa:4: bad probability '-1x'");
	expect_arpa_error("\\data\\\nngram 1=2\nngram 2=1\n\\1-grams:\n-1\t<s>\tnan\n-1\t</s>\n"
			  "\\2-grams:\n-1\t<s> </s>\n\\end\\\n", "m.arpa:5: bad backoff 'nan'");
	expect_arpa_error("\\data\\\nngram 1=2\n\\1-grams:\n-1\t<s>\t0\n-1\t</s>\n",
			  "m.arpa:5: the file ends without \\end\\");
	expect_arpa_error("\\data\\\nngram 1=2\n\\1-grams:\n-1\t<s>\t0\n-1\t</s>\n\\2-grams:\n",
			  "m.arpa:6: expected \\end\\");
	expect_arpa_error("\\data\\\nngram 1=2\n\\1-grams:\n-1\t<s>\t0\n", "the file ends in the "
			  "1-grams (1 of 2 read)");
	/* an n-gram of the wrong order */
	expect_arpa_error("\\data\\\nngram 1=2\nngram 2=1\n\\1-grams:\n-1\t<s>\t0\n-1\t</s>\n"
			  "\\2-grams:\n-1\t<s> </s> </s>\n\\end\\\n", "m.arpa:8: expected a 2-gram");
	expect_arpa_error("\\data\\\nngram 1=2\nngram 2=1\n\\1-grams:\n-1\t<s>\t0\n-1\t</s>\n"
			  "\\2-grams:\n-1\t<s> y\n\\end\\\n",
			  "m.arpa:8: the word 'y' is not among the 1-grams");
	expect_arpa_error("\\data\\\nngram 1=2\n\\1-grams:\n-1\t<s>\t0\n-1\t<s>\n\\end\\\n",
			  "m.arpa:5: the word '<s>' is listed twice");
	expect_arpa_error("\\data\\\nngram 1=2\nngram 2=2\n\\1-grams:\n-1\t<s>\t0\n-1\t</s>\n"
			  "\\2-grams:\n-1\t<s> </s>\n-2\t<s> </s>\n\\end\\\n", "m.arpa:9: the 2-gram "
			  "is listed twice");
	expect_arpa_error("\\data\\\nngram 1=2\n\\1-grams:\n1.5\t<s>\t0\n-1\t</s>\n\\end\\\n",
			  "is positive");
	expect_arpa_error("\\data\\\nngram 1=1\n\\1-grams:\n-1\t<s>\t0\n\\end\\\n",
			  "m.arpa: the model has no </s>");
	expect_arpa_error("\\data\\\nngram 1=1\n\\2-grams:\n", "m.arpa:3: expected \\1-grams:");
}
END_TEST

/* ------------------------------------------------------------------ binary */

START_TEST(test_binary)
{
	dl_err e;
	dl_ngram_est *est = train_text("a b c a b\nb c a\nc a b c\na a b\n", 3, 1, &e);
	ck_assert_ptr_nonnull(est);
	dl_ngram_model *m = dl_ngram_model_from_est(est);
	dl_ngram_binary_write(m, tpath("m.bin"));
	dl_ngram_model *b = dl_ngram_model_load(tpath("m.bin"), 0, &e);
	ck_assert_msg(b != NULL, "%s", e.msg);
	ck_assert_int_eq(b->order, 3);
	const char *lines[] = { "a b c", "c c c a", "q a b", "" };
	dl_ngram_model *mm = dl_ngram_model_load(tpath("m.bin"), DL_NGRAM_LOAD_MMAP, &e);
	ck_assert_msg(mm != NULL, "%s", e.msg);
	for (int i = 0; i < 4; i++) {
		double want = dl_ngram_score_line(m, lines[i], strlen(lines[i]), NULL);
		ck_assert(want == dl_ngram_score_line(b, lines[i], strlen(lines[i]), NULL));
		ck_assert(want == dl_ngram_score_line(mm, lines[i], strlen(lines[i]), NULL));
	}
	dl_ngram_model_free(b);
	dl_ngram_model_free(mm);

	/* damage: truncated, a bit flipped in the header, in the vocabulary, in a table */
	size_t n;
	uint8_t *img = read_file(tpath("m.bin"), &n);
	uint64_t *aligned = dl_malloc(n + 8);
	memcpy(aligned, img, n);
	b = dl_ngram_binary_open_mem(aligned, n, "m.bin", &e);
	ck_assert_ptr_nonnull(b);
	dl_ngram_model_free(b);
	for (size_t cut = 0; cut < n; cut += n / 7 + 1) {
		ck_assert_ptr_null(dl_ngram_binary_open_mem(aligned, cut, "m.bin", &e));
		ck_assert(strstr(e.msg, "m.bin: truncated"));
	}
	write_file(tpath("cut.bin"), img, n - 1);
	ck_assert_ptr_null(dl_ngram_model_load(tpath("cut.bin"), 0, &e));
	ck_assert(strstr(e.msg, "truncated or damaged binary model"));
	write_file(tpath("short.bin"), img, 20);
	ck_assert_ptr_null(dl_ngram_model_load(tpath("short.bin"), 0, &e));
	ck_assert(strstr(e.msg, "shorter than its header"));
	((uint8_t *)aligned)[20] ^= 1;
	ck_assert_ptr_null(dl_ngram_binary_open_mem(aligned, n, "m.bin", &e));
	ck_assert(strstr(e.msg, "checksum"));
	((uint8_t *)aligned)[20] ^= 1;
	const struct dl_ngram_bin_header *h = (const void *)aligned;
	((uint8_t *)aligned)[h->off_wlen] = 0xff;      /* a word's length past the arena */
	ck_assert_ptr_null(dl_ngram_binary_open_mem(aligned, n, "m.bin", &e));
	ck_assert(strstr(e.msg, "lies outside the vocabulary"));
	memcpy(aligned, img, n);
	/* a table full of garbage: lookups stay inside and end */
	memset((uint8_t *)aligned + h->off_tab[2], 0x5a, h->slots[2] * sizeof(dl_ngram_entry));
	b = dl_ngram_binary_open_mem(aligned, n, "m.bin", &e);
	ck_assert_ptr_nonnull(b);
	dl_ngram_score_line(b, "a b c a", 7, NULL);
	dl_ngram_model_free(b);
	free(aligned);
	free(img);
	dl_ngram_model_free(m);
	dl_ngram_est_free(est);
}
END_TEST

/* ------------------------------------------------------------------ features */

START_TEST(test_features)
{
	dl_ngram_featurizer f;
	dl_ngram_featurizer_init(&f, DL_NGRAM_WORDS, 2, (uint64_t)1 << 62);
	/* a, b, a, "a b", "b a": 4 distinct, 5 in all */
	size_t k = dl_ngram_featurize(&f, " a b\ta ", 7);
	ck_assert_int_eq(k, 4);
	uint32_t total = 0;
	int two = 0;
	for (size_t i = 0; i < k; i++) {
		total += f.out[i].count;
		two += f.out[i].count == 2;
		if (i)
			ck_assert(f.out[i - 1].id < f.out[i].id);
	}
	ck_assert_int_eq(total, 5);
	ck_assert_int_eq(two, 1);
	/* the same unigram in another line has the same id */
	uint64_t ids[4];
	for (size_t i = 0; i < 4; i++)
		ids[i] = f.out[i].id;
	ck_assert_int_eq(dl_ngram_featurize(&f, "b", 1), 1);
	int found = 0;
	for (size_t i = 0; i < 4; i++)
		found += ids[i] == f.out[0].id;
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(dl_ngram_featurize(&f, "", 0), 0);
	dl_ngram_featurizer_free(&f);

	/* characters: "\xc3\xa9t\xff" is 3 units (é, t, a stray byte): 3 + 2 n-grams */
	dl_ngram_featurizer_init(&f, DL_NGRAM_CHARS, 2, (uint64_t)1 << 62);
	ck_assert_int_eq(dl_ngram_featurize(&f, "\xc3\xa9t\xff", 4), 5);
	dl_ngram_featurizer_free(&f);
	dl_ngram_featurizer_init(&f, DL_NGRAM_BYTES, 3, (uint64_t)1 << 62);
	ck_assert_int_eq(dl_ngram_featurize(&f, "\xc3\xa9t\xff", 4), 4 + 3 + 2);
	dl_ngram_featurizer_free(&f);
	/* one bucket: everything lands on id 0 */
	dl_ngram_featurizer_init(&f, DL_NGRAM_WORDS, 3, 1);
	ck_assert_int_eq(dl_ngram_featurize(&f, "a b c d", 7), 1);
	ck_assert_int_eq(f.out[0].id, 0);
	ck_assert_int_eq(f.out[0].count, 4 + 3 + 2);
	dl_ngram_featurizer_free(&f);
}
END_TEST

START_TEST(test_arpa_format)
{
	char b[32];
	*dl_arpa_format(b, 0) = 0;
	ck_assert_str_eq(b, "0");
	*dl_arpa_format(b, -0.0f) = 0;
	ck_assert_str_eq(b, "0");
	*dl_arpa_format(b, -1.5f) = 0;
	ck_assert_str_eq(b, "-1.5");
	*dl_arpa_format(b, -99) = 0;
	ck_assert_str_eq(b, "-99");
	*dl_arpa_format(b, -0.30103f) = 0;
	ck_assert_str_eq(b, "-0.30103");
	*dl_arpa_format(b, -0.00000004f) = 0;
	ck_assert_str_eq(b, "0");
	*dl_arpa_format(b, -0.1234567f) = 0;
	ck_assert_str_eq(b, "-0.1234567");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ngram");
	TCase *tc = tcase(s, "estimate", 1);
	tcase_add_test(tc, test_discount_formula);
	tcase_add_test(tc, test_toy_by_hand);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_records_input);
	tcase_add_test(tc, test_count_runs);
	tcase_add_test(tc, test_sort);
	tc = tcase(s, "model", 1);
	tcase_add_test(tc, test_arpa_read);
	tcase_add_test(tc, test_arpa_errors);
	tcase_add_test(tc, test_binary);
	tcase_add_test(tc, test_features);
	tcase_add_test(tc, test_arpa_format);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
