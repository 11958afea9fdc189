/*
 * check_w2v_train.c — word2vec's corpus reading, vocabulary, sampling table, Huffman code,
 * update step and training runs.
 *
 * References are written plainly here: a byte-by-byte word splitter and counter, exact alias
 * probabilities, Huffman's cost by repeated merging of the two smallest weights, the update
 * step in double precision with loops over every component.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/io.h"
#include "record/example.h"
#include "record/tfrecord.h"
#include "testutil.h"
#include "w2v/corpus.h"
#include "w2v/kernels.h"
#include "w2v/train.h"

static dl_w2v_corpus read_text(const char *text, size_t len, uint64_t min_count, uint64_t max_vocab)
{
	dl_w2v_corpus c;
	dl_w2v_corpus_init(&c);
	dl_err e;
	ck_assert_int_eq(dl_w2v_corpus_read_mem(&c, text, len, "t", DL_W2V_IN_AUTO, "ids", &e), 0);
	dl_w2v_corpus_finish(&c, min_count, max_vocab);
	return c;
}

static void expect_words(const dl_w2v_corpus *c, const char *const *w, const uint64_t *n, size_t k)
{
	ck_assert_uint_eq(c->nwords, k);
	for (size_t i = 0; i < k; i++) {
		ck_assert_str_eq(dl_w2v_word(c, i), w[i]);
		ck_assert_uint_eq(c->count[i], n[i]);
	}
}

START_TEST(test_text_split_and_order)
{
	/* \r, \t, \v, \f and NUL separate words; \n ends a sentence; blank lines are no
	 * sentences; ties keep the order of first appearance */
	static const char t[] = "b a b\r\nc\t a\vb\n\n\nd\0e\fc";
	dl_w2v_corpus c = read_text(t, sizeof t - 1, 1, 0);
	static const char *const w[] = {"b", "a", "c", "d", "e"};
	static const uint64_t n[] = {3, 2, 2, 1, 1};
	expect_words(&c, w, n, 5);
	static const uint32_t ids[] = {0, 1, 0, 2, 1, 0, 3, 4, 2};
	ck_assert_uint_eq(c.nids, 9);
	for (size_t i = 0; i < 9; i++)
		ck_assert_uint_eq(c.ids[i], ids[i]);
	ck_assert_uint_eq(c.nsent, 3);
	ck_assert_uint_eq(c.sent_end[0], 3);
	ck_assert_uint_eq(c.sent_end[1], 6);
	ck_assert_uint_eq(c.sent_end[2], 9);
	ck_assert_uint_eq(c.raw_words, 9);
	dl_w2v_corpus_free(&c);
}
END_TEST

START_TEST(test_min_count_and_max_vocab)
{
	static const char t[] = "b a b\nc a b\nc\nd\n";
	dl_w2v_corpus c = read_text(t, sizeof t - 1, 2, 0);
	static const char *const w[] = {"b", "a", "c"};
	static const uint64_t n[] = {3, 2, 2};
	expect_words(&c, w, n, 3);
	/* "d" is gone, and with it the sentence it was alone in */
	ck_assert_uint_eq(c.nids, 7);
	ck_assert_uint_eq(c.nsent, 3);
	dl_w2v_corpus_free(&c);

	c = read_text(t, sizeof t - 1, 1, 1);
	expect_words(&c, w, n, 1);
	ck_assert_uint_eq(c.nids, 3);
	ck_assert_uint_eq(c.nsent, 2);
	dl_w2v_corpus_free(&c);

	c = read_text(t, sizeof t - 1, 4, 0);
	ck_assert_uint_eq(c.nwords, 0);
	ck_assert_uint_eq(c.nids, 0);
	ck_assert_uint_eq(c.nsent, 0);
	dl_w2v_corpus_free(&c);
}
END_TEST

START_TEST(test_long_sentence_and_word)
{
	size_t n = 2500 * 2 + 1500 + 1;
	char *t = dl_malloc(n);
	for (size_t i = 0; i < 2500; i++)
		memcpy(t + 2 * i, "x ", 2);
	memset(t + 5000, 'q', 1500);
	t[6500] = '\n';
	dl_w2v_corpus c = read_text(t, n, 1, 0);
	ck_assert_uint_eq(c.nwords, 2);
	ck_assert_uint_eq(c.len[1], DL_W2V_MAX_WORD);
	ck_assert_uint_eq(c.nids, 2501);
	ck_assert_uint_eq(c.nsent, 3);
	ck_assert_uint_eq(c.sent_end[0], 1000);
	ck_assert_uint_eq(c.sent_end[1], 2000);
	ck_assert_uint_eq(c.sent_end[2], 2501);
	dl_w2v_corpus_free(&c);
	free(t);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_sep(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || !c;
}

/* Random text from a small alphabet of letters, separators and high bytes, long enough to
 * cross the reader's buffer many times, against a plain splitter. */
START_TEST(test_text_random_vs_reference)
{
	static const char alpha[] = "ab \n\tc\0\xff\r";
	size_t n = 300000;
	uint64_t s = 42 + (uint64_t)_i;
	char *t = dl_malloc(n);
	for (size_t i = 0; i < n; i++) {
		uint64_t r = gen(&s);
		/* long words now and then, some beyond DL_W2V_MAX_WORD */
		t[i] = r % 5000 == 0 ? ' ' : alpha[r % (sizeof alpha - 1)];
		if (r % 7919 == 0) {
			size_t k = 900 + (size_t)(r >> 40) % 300;
			for (size_t j = 0; j < k && i + 1 < n; j++)
				t[++i] = 'z';
		}
	}
	char **words = dl_mallocarray(n, sizeof *words);
	size_t nw = 0;
	for (size_t i = 0; i < n;) {
		while (i < n && is_sep(t[i]))
			i++;
		size_t j = i;
		while (j < n && !is_sep(t[j]))
			j++;
		if (j > i)
			words[nw++] = dl_strndup(t + i, j - i > DL_W2V_MAX_WORD ? DL_W2V_MAX_WORD : j - i);
		i = j;
	}
	qsort(words, nw, sizeof *words, cmp_str);
	dl_w2v_corpus c = read_text(t, n, 1, 0);
	ck_assert_uint_eq(c.raw_words, nw);
	ck_assert_uint_eq(c.nids, nw);
	size_t distinct = 0;
	for (size_t i = 0; i < nw;) {
		size_t j = i;
		while (j < nw && !strcmp(words[j], words[i]))
			j++;
		/* find it in the vocabulary */
		size_t k = 0;
		while (k < c.nwords && strcmp(dl_w2v_word(&c, k), words[i]))
			k++;
		FAST_ASSERT(k < c.nwords);
		FAST_ASSERT(c.count[k] == j - i);
		distinct++;
		i = j;
	}
	ck_assert_uint_eq(c.nwords, distinct);
	for (size_t k = 1; k < c.nwords; k++)
		FAST_ASSERT(c.count[k - 1] >= c.count[k]);
	for (size_t i = 0; i < nw; i++)
		free(words[i]);
	free(words);
	free(t);
	dl_w2v_corpus_free(&c);
}
END_TEST

static void write_records(const char *path, int nrec, int bad)
{
	dl_out *out = dl_out_open(path, DL_COMPRESS_NONE);
	dl_example ex;
	dl_example_init(&ex);
	dl_buf b = {0};
	for (int r = 0; r < nrec; r++) {
		dl_example_clear(&ex);
		dl_example_add(&ex, "ids", 3, DL_FEATURE_INT64);
		for (int i = 0; i <= r; i++)
			dl_example_add_int64(&ex, bad && r == 2 ? -5 : 7 + i % 2);
		dl_buf_clear(&b);
		dl_example_encode(&ex, &b);
		dl_tfrecord_write(out, b.data, b.len);
	}
	dl_out_close(out);
	dl_example_free(&ex);
	dl_buf_free(&b);
}

START_TEST(test_records)
{
	write_records(tpath("r.tfrecord"), 4, 0);
	dl_w2v_corpus c;
	dl_w2v_corpus_init(&c);
	dl_err e;
	ck_assert_int_eq(dl_w2v_corpus_read(&c, tpath("r.tfrecord"), DL_W2V_IN_AUTO, "ids", &e), 0);
	dl_w2v_corpus_finish(&c, 1, 0);
	/* records of 1, 2, 3 and 4 ids alternating 7, 8: six 7s and four 8s */
	static const char *const w[] = {"7", "8"};
	static const uint64_t n[] = {6, 4};
	expect_words(&c, w, n, 2);
	ck_assert_uint_eq(c.nsent, 4);
	dl_w2v_corpus_free(&c);

	write_records(tpath("bad.tfrecord"), 4, 1);
	dl_w2v_corpus_init(&c);
	ck_assert_int_eq(dl_w2v_corpus_read(&c, tpath("bad.tfrecord"), DL_W2V_IN_AUTO, "ids", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "record 2"));
	ck_assert_ptr_nonnull(strstr(e.msg, "negative"));
	dl_w2v_corpus_free(&c);

	dl_w2v_corpus_init(&c);
	ck_assert_int_eq(dl_w2v_corpus_read(&c, tpath("r.tfrecord"), DL_W2V_IN_AUTO, "tok", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "record 0: no int64 feature 'tok'"));
	dl_w2v_corpus_free(&c);
}
END_TEST

START_TEST(test_vocab_files)
{
	static const char t[] = "b a b\nc a b zz\n";
	dl_w2v_corpus c = read_text(t, sizeof t - 1, 1, 0);
	dl_w2v_vocab_write(&c, tpath("v.txt"));
	dl_w2v_corpus_free(&c);
	size_t n;
	char *got = (char *)read_file(tpath("v.txt"), &n);
	ck_assert_str_eq(got, "b 3\na 2\nc 1\nzz 1\n");
	free(got);

	/* a fixed vocabulary keeps its counts and order and drops unknown words */
	write_file(tpath("v2.txt"), "a 10\nb 1\nq 4\n", 13);
	dl_w2v_corpus_init(&c);
	dl_err e;
	ck_assert_int_eq(dl_w2v_vocab_read(&c, tpath("v2.txt"), &e), 0);
	ck_assert_int_eq(dl_w2v_corpus_read_mem(&c, t, sizeof t - 1, "t", DL_W2V_IN_TEXT, "ids", &e), 0);
	dl_w2v_corpus_finish(&c, 2, 0);
	static const char *const w[] = {"a", "q"};
	static const uint64_t cnt[] = {10, 4};
	expect_words(&c, w, cnt, 2);
	ck_assert_uint_eq(c.nids, 2);
	dl_w2v_corpus_free(&c);

	static const struct { const char *text, *msg; } bad[] = {
		{"a 1\nb\n", ":2: expected 'WORD COUNT'"},
		{"a 1\nb x\n", ":2: the count 'x' is not a non-negative integer"},
		{"a -1\n", ":1: the count '-1'"},
		{"a 1\n\n", ":2: expected"},
		{"a 1\nb 2\na 3\n", ":3: 'a' is listed twice"},
		{"a 99999999999999999999999\n", ":1: the count"},
		{"a\tb 1\n", ":1: a word has no white space"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		write_file(tpath("bad.txt"), bad[i].text, strlen(bad[i].text));
		dl_w2v_corpus_init(&c);
		ck_assert_int_eq(dl_w2v_vocab_read(&c, tpath("bad.txt"), &e), -1);
		ck_assert_msg(strstr(e.msg, bad[i].msg), "%s: got '%s'", bad[i].text, e.msg);
		dl_w2v_corpus_free(&c);
	}
}
END_TEST

/* The alias table's probabilities, recovered exactly from its slots, against
 * count^0.75 / sum. */
START_TEST(test_alias_exact)
{
	size_t n = 1000;
	uint64_t *count = dl_mallocarray(n, sizeof *count), s = 7;
	for (size_t i = 0; i < n; i++)
		count[i] = gen(&s) % 100000 + (i < 3 ? 50000000 : 1);
	dl_w2v_alias a;
	dl_w2v_alias_build(&a, count, n, 0.75);
	double *p = dl_calloc(n, sizeof *p), sum = 0;
	for (size_t i = 0; i < n; i++) {
		double keep = a.prob[i] == UINT32_MAX ? 1 : a.prob[i] / 4294967296.0;
		p[i] += keep / (double)n;
		p[a.alias[i]] += (1 - keep) / (double)n;
	}
	for (size_t i = 0; i < n; i++)
		sum += pow((double)count[i], 0.75);
	for (size_t i = 0; i < n; i++)
		ck_assert_double_eq_tol(p[i], pow((double)count[i], 0.75) / sum, 1e-9);
	/* draws follow it too: the three giants get their share */
	uint64_t hits = 0, draws = 1000000;
	for (uint64_t k = 0; k < draws; k++)
		hits += dl_w2v_alias_draw(&a, gen(&s)) < 3;
	double want = (p[0] + p[1] + p[2]) * (double)draws;
	ck_assert_double_le(fabs((double)hits - want), 5 * sqrt(want));
	dl_w2v_alias_free(&a);
	free(p);
	free(count);
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

START_TEST(test_huffman)
{
	size_t n = 300 + (size_t)_i * 17;
	uint64_t *count = dl_mallocarray(n, sizeof *count), s = 99 + (uint64_t)_i;
	for (size_t i = 0; i < n; i++)
		count[i] = _i == 0 ? 5 : gen(&s) % 1000 + 1;   /* case 0: all tied */
	qsort(count, n, sizeof *count, cmp_u64);
	for (size_t i = 0; i < n / 2; i++) {
		uint64_t t = count[i];
		count[i] = count[n - 1 - i];
		count[n - 1 - i] = t;
	}
	dl_w2v_huffman h;
	dl_w2v_huffman_build(&h, count, n);
	/* Kraft's equality, prefix-freeness, and the cost of an optimal code */
	double kraft = 0;
	uint64_t cost = 0;
	for (size_t w = 0; w < n; w++) {
		uint32_t len = h.off[w + 1] - h.off[w];
		FAST_ASSERT(len >= 1 && len <= h.depth);
		FAST_ASSERT(h.nodes[h.off[w]] == n - 2);
		kraft += ldexp(1, -(int)len);
		cost += count[w] * len;
		for (uint32_t k = h.off[w]; k < h.off[w + 1]; k++)
			FAST_ASSERT(h.nodes[k] < n - 1 && (h.labels[k] == 0 || h.labels[k] == 1));
	}
	ck_assert_double_eq_tol(kraft, 1, 1e-12);
	for (size_t w = 0; w < n; w++)
		for (size_t u = w + 1; u < n; u++) {
			uint32_t lw = h.off[w + 1] - h.off[w], lu = h.off[u + 1] - h.off[u];
			uint32_t m = lw < lu ? lw : lu, k = 0;
			while (k < m && h.labels[h.off[w] + k] == h.labels[h.off[u] + k])
				k++;
			FAST_ASSERT(k < m);   /* they part before either ends */
		}
	/* Huffman's cost: the sum of the weights of all merges, merging the two smallest */
	uint64_t *q = dl_mallocarray(n, sizeof *q), want = 0;
	memcpy(q, count, n * sizeof *q);
	for (size_t m = n; m > 1; m--) {
		qsort(q, m, sizeof *q, cmp_u64);
		q[1] += q[0];
		want += q[1];
		memmove(q, q + 1, (m - 1) * sizeof *q);
	}
	ck_assert_uint_eq(cost, want);
	dl_w2v_huffman_free(&h);
	free(q);
	free(count);
}
END_TEST

static double sigm(double x) { return 1 / (1 + exp(-x)); }

START_TEST(test_update_vs_reference)
{
	enum { STRIDE = 48, DIM = 37, NI = 7, NO = 6, ROWS = 20 };
	int hs = _i;
	float *syn0 = aligned_alloc(64, ROWS * STRIDE * sizeof(float));
	float *syn1 = aligned_alloc(64, ROWS * STRIDE * sizeof(float));
	float *din = aligned_alloc(64, NI * STRIDE * sizeof(float));
	double ref1[ROWS][STRIDE], refd[NI][STRIDE];
	uint64_t s = 5;
	for (int r = 0; r < ROWS; r++)
		for (int k = 0; k < STRIDE; k++) {
			double u = (double)(gen(&s) >> 11) / 9007199254740992.0 - 0.5;
			syn0[r * STRIDE + k] = k < DIM ? (float)(r == 3 ? 1 : u * 0.6) : 0;
			u = (double)(gen(&s) >> 11) / 9007199254740992.0 - 0.5;
			double y = r == 11 ? 0.5 : r == 19 ? -0.5 : u * 0.6;
			syn1[r * STRIDE + k] = k < DIM ? (float)y : 0;
			ref1[r][k] = syn1[r * STRIDE + k];
		}
	/* input row 3 against output rows 11 and 19 scores +-18.5: saturated */
	static const uint32_t in[NI] = {1, 3, 5, 5, 8, 13, 2};
	static const uint32_t out[NO] = {11, 4, 4, 0, 19, 7};
	static const float label[NO] = {1, 0, 0, 1, 0, 1};
	float *x[NI];
	for (int a = 0; a < NI; a++)
		x[a] = syn0 + in[a] * STRIDE;
	float sig[DL_W2V_SIG_SIZE + 1], g[NI * NO];
	dl_w2v_sigmoid_table(sig);
	float alpha = 0.025f;
	dl_w2v_update(x, NI, syn1, out, label, NO, STRIDE, sig, hs, alpha, g, din);
	double G[NI][NO];
	int saturated = 0;
	for (int a = 0; a < NI; a++)
		for (int o = 0; o < NO; o++) {
			double f = 0;
			for (int k = 0; k < DIM; k++)
				f += (double)syn0[in[a] * STRIDE + k] * ref1[out[o]][k];
			if (fabs(f) >= DL_W2V_MAX_EXP) {
				saturated++;
				G[a][o] = hs ? 0 : (label[o] - (f > 0)) * alpha;
			} else {
				G[a][o] = (label[o] - sigm(f)) * alpha;
			}
			/* the table's step is 12/2048: sigmoid moves at most 0.25 * 6/2048 */
			ck_assert_double_eq_tol(g[a * NO + o], G[a][o], alpha * 0.25 * 6.0 / 2048 + 1e-7);
		}
	ck_assert_int_eq(saturated, 2);
	for (int a = 0; a < NI; a++)
		for (int k = 0; k < STRIDE; k++) {
			refd[a][k] = 0;
			for (int o = 0; o < NO; o++)
				refd[a][k] += g[a * NO + o] * ref1[out[o]][k];
			ck_assert_double_eq_tol(din[a * STRIDE + k], refd[a][k], 1e-6);
		}
	double want1[ROWS][STRIDE];
	memcpy(want1, ref1, sizeof want1);
	for (int o = 0; o < NO; o++)
		for (int a = 0; a < NI; a++)
			for (int k = 0; k < STRIDE; k++)
				want1[out[o]][k] += g[a * NO + o] * (double)syn0[in[a] * STRIDE + k];
	for (int r = 0; r < ROWS; r++)
		for (int k = 0; k < STRIDE; k++) {
			ck_assert_double_eq_tol(syn1[r * STRIDE + k], want1[r][k], 1e-6);
			if (k >= DIM)
				ck_assert_float_eq(syn1[r * STRIDE + k], 0);
		}
	free(syn0);
	free(syn1);
	free(din);
}
END_TEST

/* ---- whole runs */

/* Two groups of ten words; each sentence draws from one group only. */
static void write_groups(const char *path, int sentences)
{
	FILE *f = fopen(path, "w");
	uint64_t s = 3;
	for (int i = 0; i < sentences; i++) {
		char grp = i % 2 ? 'a' : 'b';
		for (int k = 0; k < 20; k++)
			fprintf(f, "%c%d ", grp, (int)(gen(&s) % 10));
		fputc('\n', f);
	}
	fclose(f);
}

static double cosine(const dl_vectors *v, const char *a, const char *b)
{
	ptrdiff_t i = dl_vectors_find(v, a, strlen(a)), j = dl_vectors_find(v, b, strlen(b));
	FAST_ASSERT(i >= 0 && j >= 0);
	double d = 0, na = 0, nb = 0;
	for (size_t k = 0; k < v->dim; k++) {
		double x = v->v[i * v->dim + k], y = v->v[j * v->dim + k];
		d += x * y;
		na += x * x;
		nb += y * y;
	}
	return d / sqrt(na * nb);
}

START_TEST(test_train_learns_groups)
{
	write_groups(tpath("g.txt"), 2000);
	dl_w2v_opts o;
	dl_w2v_opts_default(&o);
	o.model = _i & 1 ? DL_W2V_CBOW : DL_W2V_SKIPGRAM;
	o.loss = _i & 2 ? DL_W2V_HS : DL_W2V_NS;
	o.dim = 20;
	o.min_count = 1;
	o.sample = 0;
	o.epochs = 3;
	char *paths[] = {(char *)tpath("g.txt")};
	dl_vectors *v = dl_w2v_train(&o, paths, 1);
	ck_assert_uint_eq(v->n, 20);
	ck_assert_uint_eq(v->dim, 20);
	double within = 0, across = 0;
	char a[8], b[8];
	for (int i = 0; i < 10; i++)
		for (int j = 0; j < 10; j++) {
			if (i == j)
				continue;
			snprintf(a, sizeof a, "a%d", i);
			snprintf(b, sizeof b, "a%d", j);
			within += cosine(v, a, b);
			snprintf(b, sizeof b, "b%d", j);
			across += cosine(v, a, b);
		}
	within /= 90;
	across /= 90;
	ck_assert_msg(within > across + 0.3, "within %f across %f", within, across);
	dl_vectors_free(v);
}
END_TEST

START_TEST(test_train_deterministic)
{
	write_groups(tpath("g.txt"), 500);
	dl_w2v_opts o;
	dl_w2v_opts_default(&o);
	o.dim = 10;
	o.min_count = 1;
	o.epochs = 2;
	o.model = _i ? DL_W2V_CBOW : DL_W2V_SKIPGRAM;
	char *paths[] = {(char *)tpath("g.txt")};
	dl_vectors *v1 = dl_w2v_train(&o, paths, 1), *v2 = dl_w2v_train(&o, paths, 1);
	ck_assert_int_eq(memcmp(v1->v, v2->v, v1->n * v1->dim * sizeof(float)), 0);
	o.seed = 2;
	dl_vectors *v3 = dl_w2v_train(&o, paths, 1);
	ck_assert_int_ne(memcmp(v1->v, v3->v, v1->n * v1->dim * sizeof(float)), 0);
	o.threads = 2;
	dl_vectors *v4 = dl_w2v_train(&o, paths, 1);
	ck_assert_uint_eq(v4->n, v1->n);
	for (size_t i = 0; i < v4->n * v4->dim; i++)
		FAST_ASSERT(isfinite(v4->v[i]));
	dl_vectors_free(v1);
	dl_vectors_free(v2);
	dl_vectors_free(v3);
	dl_vectors_free(v4);
}
END_TEST

static void train_child(void *arg)
{
	dl_w2v_opts o;
	dl_w2v_opts_default(&o);
	char *paths[] = {arg};
	dl_w2v_train(&o, paths, 1);
}

START_TEST(test_train_errors)
{
	write_file(tpath("empty.txt"), " \n\n", 3);
	run_child(train_child, (void *)tpath("empty.txt"));
	ck_assert_int_eq(ch.status, 1);
	ck_assert_ptr_nonnull(strstr(ch.err, "empty.txt: the corpus has no words"));
	write_file(tpath("rare.txt"), "a b c\n", 6);
	run_child(train_child, (void *)tpath("rare.txt"));
	ck_assert_int_eq(ch.status, 1);
	ck_assert_ptr_nonnull(strstr(ch.err, "no word occurs at least 5 times (--min-count) "
					     "among the 3 words read"));
	run_child(train_child, (void *)tpath("missing.txt"));
	ck_assert_int_eq(ch.status, 1);
	ck_assert_ptr_nonnull(strstr(ch.err, "missing.txt"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("w2v_train");
	TCase *tc = tcase(s, "corpus", 1);
	tcase_add_test(tc, test_text_split_and_order);
	tcase_add_test(tc, test_min_count_and_max_vocab);
	tcase_add_test(tc, test_long_sentence_and_word);
	tcase_add_loop_test(tc, test_text_random_vs_reference, 0, 3);
	tcase_add_test(tc, test_records);
	tcase_add_test(tc, test_vocab_files);
	tc = tcase(s, "kernels", 0);
	tcase_add_test(tc, test_alias_exact);
	tcase_add_loop_test(tc, test_huffman, 0, 3);
	tcase_add_loop_test(tc, test_update_vs_reference, 0, 2);
	tc = tcase(s, "train", 1);
	tcase_add_loop_test(tc, test_train_learns_groups, 0, 4);
	tcase_add_loop_test(tc, test_train_deterministic, 0, 2);
	tcase_add_test(tc, test_train_errors);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
