/*
 * check_w2v_vectors.c — unit tests of lib/w2v's word vectors (vectors.c) and their use
 * (eval.c): every format written and read back bit for bit, format detection, the layouts of
 * other writers (gensim's binary without newlines, word2vec.c's "</s>" and trailing spaces,
 * fastText's .vec, CRLF), each kind of bad file with its message, a header that lies about
 * its size (no allocation beyond what the file can hold), the word index; then neighbours,
 * 3CosAdd and both evaluations on tiny hand-made vectors whose answers are obvious, and
 * Spearman's rho with ties against scipy (tests/data/w2v/spearman.txt, written by
 * tests/golden/w2v/make-fixtures.py).
 */
#include "config.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "w2v/eval.h"
#include "w2v/vectors.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ================================================================== helpers */

static dl_vectors *make_vectors(size_t n, size_t dim, uint64_t seed, int counts)
{
	dl_vectors *v = dl_vectors_new(n, dim);
	uint64_t s = seed;
	char w[32];

	for (size_t i = 0; i < n; i++) {
		int len = snprintf(w, sizeof w, "w%zu\xc3\xa9", i);
		dl_vectors_set_word(v, i, w, (size_t)len);
	}
	for (size_t k = 0; k < n * dim; k++) {
		uint64_t r = gen(&s);
		switch (r % 8) {
		case 0: v->v[k] = 0.1f; break;
		case 1: v->v[k] = -0.0f; break;
		case 2: v->v[k] = 1e-42f; break;            /* subnormal */
		case 3: v->v[k] = 3.4028235e38f; break;
		case 4: v->v[k] = INFINITY; break;
		default: {
			uint32_t u = (uint32_t)(r >> 16);
			u = (u & 0x807fffffu) | ((uint32_t)(100 + r % 50) << 23);
			memcpy(&v->v[k], &u, 4);
		}
		}
	}
	if (counts) {
		v->counts = dl_mallocarray(n, sizeof *v->counts);
		for (size_t i = 0; i < n; i++)
			v->counts[i] = (uint64_t)1 << (i % 60) | i;
	}
	return v;
}

static void assert_same(const dl_vectors *a, const dl_vectors *b, int counts)
{
	ck_assert_uint_eq(a->n, b->n);
	ck_assert_uint_eq(a->dim, b->dim);
	for (size_t i = 0; i < a->n; i++) {
		ck_assert_uint_eq(a->lens[i], b->lens[i]);
		FAST_ASSERT(!memcmp(a->words[i], b->words[i], a->lens[i]));
		FAST_ASSERT(b->words[i][b->lens[i]] == 0);
	}
	FAST_ASSERT(!memcmp(a->v, b->v, a->n * a->dim * sizeof(float)));
	if (counts) {
		ck_assert_ptr_nonnull(b->counts);
		FAST_ASSERT(!memcmp(a->counts, b->counts, a->n * sizeof(uint64_t)));
	} else {
		ck_assert_ptr_null(b->counts);
	}
}

/* Reads text (written to a file) and expects failure with exactly msg after "PATH: ". */
static void expect_bad(const char *name, const void *data, size_t n, enum dl_vec_format f,
		       const char *msg)
{
	const char *path = tpath(name);
	char want[600];
	dl_err e = {{0}};
	write_file(path, data, n);
	dl_vectors *v = dl_vectors_read(path, f, &e);
	ck_assert_ptr_null(v);
	snprintf(want, sizeof want, "%s: %s", path, msg);
	ck_assert_str_eq(e.msg, want);
}

#define BAD(name, text, f, msg) expect_bad(name, text, sizeof text - 1, f, msg)

static dl_vectors *read_ok(const char *name, const void *data, size_t n, enum dl_vec_format f)
{
	const char *path = tpath(name);
	dl_err e = {{0}};
	write_file(path, data, n);
	dl_vectors *v = dl_vectors_read(path, f, &e);
	ck_assert_msg(v != NULL, "%s", e.msg);
	return v;
}

#define READ_OK(name, text) read_ok(name, text, sizeof text - 1, DL_VEC_AUTO)

/* ================================================================== formats */

START_TEST(test_format_names)
{
	ck_assert_int_eq(dl_vec_format_parse("bin", 0), DL_VEC_BIN);
	ck_assert_int_eq(dl_vec_format_parse("text", 0), DL_VEC_TEXT);
	ck_assert_int_eq(dl_vec_format_parse("safetensors", 1), DL_VEC_SAFETENSORS);
	ck_assert_int_eq(dl_vec_format_parse("auto", 1), DL_VEC_AUTO);
	ck_assert_int_eq(dl_vec_format_parse("auto", 0), DL_VEC_BAD);
	ck_assert_int_eq(dl_vec_format_parse("binary", 1), DL_VEC_BAD);
	ck_assert_int_eq(dl_vec_format_parse("txt", 1), DL_VEC_BAD);
	ck_assert_str_eq(dl_vec_format_name(DL_VEC_TEXT), "text");
	ck_assert_str_eq(dl_vec_format_name(DL_VEC_SAFETENSORS), "safetensors");
}
END_TEST

START_TEST(test_round_trip_every_format)
{
	static const enum dl_vec_format fs[] = { DL_VEC_BIN, DL_VEC_TEXT, DL_VEC_SAFETENSORS };
	for (int counts = 0; counts < 2; counts++) {
		dl_vectors *v = make_vectors(300, 37, 42 + (uint64_t)counts, counts);
		for (int i = 0; i < 3; i++) {
			const char *path = tpath("rt");
			dl_err e = {{0}};
			dl_vectors_write(v, path, fs[i]);
			/* detected, and named */
			for (int named = 0; named < 2; named++) {
				dl_vectors *w = dl_vectors_read(path, named ? fs[i] : DL_VEC_AUTO, &e);
				ck_assert_msg(w != NULL, "%s", e.msg);
				assert_same(v, w, counts && fs[i] == DL_VEC_SAFETENSORS);
				dl_vectors_free(w);
			}
		}
		dl_vectors_free(v);
	}
}
END_TEST

START_TEST(test_writer_bytes)
{
	dl_vectors *v = dl_vectors_new(2, 2);
	size_t n;
	uint8_t *p;
	dl_vectors_set_word(v, 0, "ab", 2);
	dl_vectors_set_word(v, 1, "c", 1);
	v->v[0] = 1.0f, v->v[1] = -0.1f, v->v[2] = 1e-5f, v->v[3] = 100.0f;
	dl_vectors_write(v, tpath("w.txt"), DL_VEC_TEXT);
	p = read_file(tpath("w.txt"), &n);
	ck_assert_str_eq((char *)p, "2 2\nab 1 -0.1\nc 1e-05 100\n");
	free(p);
	dl_vectors_write(v, tpath("w.bin"), DL_VEC_BIN);
	p = read_file(tpath("w.bin"), &n);
	ck_assert_uint_eq(n, 4 + 3 + 8 + 1 + 2 + 8 + 1);
	ck_assert(!memcmp(p, "2 2\nab \x00\x00\x80\x3f\xcd\xcc\xcc\xbd\nc ", 18));
	free(p);
	dl_vectors_write(v, tpath("w.st"), DL_VEC_SAFETENSORS);
	p = read_file(tpath("w.st"), &n);
	uint64_t hl = 0;
	for (int k = 7; k >= 0; k--)
		hl = hl << 8 | p[k];
	ck_assert_uint_eq(hl % 8, 0);
	ck_assert_uint_eq(n, 8 + hl + 16 + 5);
	ck_assert(!memcmp(p + n - 5, "ab\nc\n", 5));
	ck_assert_ptr_nonnull(strstr((char *)p + 8, "\"format\":\"dl-w2v\""));
	ck_assert_ptr_nonnull(strstr((char *)p + 8, "\"vectors\":{\"dtype\":\"F32\",\"shape\":[2,2]"));
	free(p);
	dl_vectors_free(v);
}
END_TEST

/* The layouts of other writers. */
START_TEST(test_other_writers)
{
	dl_vectors *v;
	/* gensim binary: no newline after a vector */
	static const char gensim[] = "2 1\nab \x00\x00\x80\x3f" "cd \x00\x00\x00\x40";
	v = read_ok("g.bin", gensim, sizeof gensim - 1, DL_VEC_AUTO);
	ck_assert_uint_eq(v->n, 2);
	ck_assert_str_eq(v->words[1], "cd");
	ck_assert(v->v[0] == 1.0f && v->v[1] == 2.0f);
	dl_vectors_free(v);
	/* word2vec.c text: "</s>", "%lf " per number, a trailing space */
	v = READ_OK("c.txt", "2 3\n</s> 0.001000 -0.002000 0.003000 \nthe 1.000000 2.000000 3.000000 \n");
	ck_assert_str_eq(v->words[0], "</s>");
	ck_assert(v->v[1] == -0.002f && v->v[5] == 3.0f);
	dl_vectors_free(v);
	/* word2vec.c binary: "</s>" and a newline after each vector */
	static const char w2vc[] = "2 1\n</s> \x00\x00\x80\x3f\nthe \x00\x00\x00\x40\n";
	v = read_ok("c.bin", w2vc, sizeof w2vc - 1, DL_VEC_AUTO);
	ck_assert_str_eq(v->words[1], "the");
	ck_assert(v->v[1] == 2.0f);
	dl_vectors_free(v);
	/* fastText .vec: a space after the header's numbers and after each number */
	v = READ_OK("f.vec", "2 2 \n, 0.1 0.2 \n. -1e-3 5E+2 \n");
	ck_assert_str_eq(v->words[0], ",");
	ck_assert(v->v[2] == -1e-3f && v->v[3] == 500.0f);
	dl_vectors_free(v);
	/* CRLF, tabs, a blank line, no final newline, nan and inf spelled Python's way */
	v = READ_OK("crlf.txt", "2 2\r\nx\t1\t2\r\n\r\ny NaN -Infinity");
	ck_assert(v->v[1] == 2.0f && isnan(v->v[2]) && isinf(v->v[3]) && v->v[3] < 0);
	dl_vectors_free(v);
	/* an exponent-only text row still reads as text */
	v = READ_OK("exp.txt", "1 1\nw 1e5\n");
	ck_assert(v->v[0] == 1e5f);
	dl_vectors_free(v);
}
END_TEST

START_TEST(test_gzip_and_unknown_size)
{
	const char *path = tpath("v.txt.gz");
	gzFile g = gzopen(path, "wb");
	gzputs(g, "2 2\na 1 2\nb 3 4\n");
	gzclose(g);
	dl_err e = {{0}};
	dl_vectors *v = dl_vectors_read(path, DL_VEC_AUTO, &e);
	ck_assert_msg(v != NULL, "%s", e.msg);
	ck_assert(v->v[3] == 4.0f);
	dl_vectors_free(v);
	/* A header that lies, when the size is unknown: rows grow as they come, so a claim of
	 * 2^36 words costs nothing before the file runs out. */
	g = gzopen(path, "wb");
	gzputs(g, "68719476736 1000\na");
	for (int k = 0; k < 1000; k++)
		gzputs(g, " 1");
	gzputs(g, "\n");
	gzclose(g);
	ck_assert_ptr_null(dl_vectors_read(path, DL_VEC_AUTO, &e));
	char want[300];
	snprintf(want, sizeof want, "%s: truncated: the header says 68719476736 words, the file has 1",
		 path);
	ck_assert_str_eq(e.msg, want);
}
END_TEST

/* ================================================================== bad files */

START_TEST(test_bad_headers)
{
	BAD("e", "", DL_VEC_AUTO, "empty file (no \"WORDS DIMENSION\" header)");
	BAD("h1", "hello world\nx 1\n", DL_VEC_AUTO,
	    "line 1: bad header 'hello world' (want \"WORDS DIMENSION\")");
	BAD("h2", "3\n", DL_VEC_AUTO, "line 1: bad header '3' (want \"WORDS DIMENSION\")");
	BAD("h3", "3 4 5\n", DL_VEC_AUTO, "line 1: bad header '3 4 5' (want \"WORDS DIMENSION\")");
	BAD("h4", "-3 4\n", DL_VEC_AUTO, "line 1: bad header '-3 4' (want \"WORDS DIMENSION\")");
	BAD("h5", "99999999999999999999999 4\n", DL_VEC_AUTO,
	    "line 1: bad header '99999999999999999999999 4' (want \"WORDS DIMENSION\")");
	BAD("z1", "0 4\n", DL_VEC_AUTO,
	    "line 1: 0 words of 4 components: the header must give at least one of each");
	BAD("z2", "4 0\n", DL_VEC_AUTO,
	    "line 1: 4 words of 0 components: the header must give at least one of each");
	BAD("d", "1 2000000\n", DL_VEC_AUTO,
	    "line 1: 2000000 components per word is more than 1048576");
	BAD("n", "100000000000 3\n", DL_VEC_AUTO,
	    "line 1: 100000000000 words is more than 68719476736");
	/* a header that promises more than the file can hold: refused before allocating */
	BAD("lie", "1000000000 1000\na 1\n", DL_VEC_AUTO,
	    "truncated: the header says 1000000000 words of 1000 components, more than the "
	    "file's 20 bytes can hold");
}
END_TEST

START_TEST(test_bad_text_rows)
{
	BAD("t1", "2 3\na 1 2 3\nb 1 2\n", DL_VEC_AUTO, "line 3: 2 numbers, the header says 3");
	BAD("t2", "2 3\na 1 2 3\nb 1 2 3 4 5\n", DL_VEC_AUTO,
	    "line 3: more than 3 numbers, the header says 3");
	BAD("t3", "2 3\na 1 2 3\nb 1 x2 3\n", DL_VEC_TEXT,
	    "line 3: number 2 of 'b' is not a number: 'x2'");
	BAD("t4", "2 2\na 1 2\nb 1 0x10\n", DL_VEC_TEXT,
	    "line 3: number 2 of 'b' is not a number: '0x10'");
	BAD("t5", "3 2\na 1 2\nb 1 2\n", DL_VEC_AUTO,
	    "truncated: the header says 3 words, the file has 2");
	BAD("t6", "1 2\na 1 2\nb 1 2\n", DL_VEC_AUTO, "line 3: more words than the header's 1");
	BAD("t7", "2 1\na 1\nb 1e\n", DL_VEC_AUTO, "line 3: number 1 of 'b' is not a number: '1e'");
	BAD("t8", "2 1\na 1\nb\n", DL_VEC_AUTO, "line 3: 0 numbers, the header says 1");
	BAD("t9", "2 1\na 1\nb .\n", DL_VEC_AUTO, "line 3: number 1 of 'b' is not a number: '.'");
	/* numbers past the row's end are counted, not stored (a one-row buffer here) */
	BAD("t11", "1 1\na 1 2 3\n", DL_VEC_AUTO, "line 2: more than 1 numbers, the header says 1");
	static const char nul[] = "2 1\na 1\nb\0 1\n";
	expect_bad("t10", nul, sizeof nul - 1, DL_VEC_AUTO, "line 3: a NUL byte");
}
END_TEST

START_TEST(test_bad_binary)
{
	static const char cut[] = "2 2\nab \x00\x00\x80\x3f\x00\x00\x80\x3f\ncd \x00\x00\x80";
	expect_bad("b1", cut, sizeof cut - 1, DL_VEC_AUTO,
		   "byte offset 19: truncated: word 2 ('cd') has 3 of its 8 bytes");
	static const char noword[] = "2 1\nab \x00\x00\x80\x3f\n";
	expect_bad("b2", noword, sizeof noword - 1, DL_VEC_AUTO,
		   "byte offset 12: truncated: the header says 2 words, the file has 1");
	static const char novec[] = "2 1\nab \x00\x00\x80\x3f\ncd";
	expect_bad("b3", novec, sizeof novec - 1, DL_VEC_BIN,
		   "byte offset 12: truncated: word 2 has no vector");
	static const char extra[] = "1 1\nab \x00\x00\x80\x3f\nzz";
	expect_bad("b4", extra, sizeof extra - 1, DL_VEC_AUTO,
		   "byte offset 12: data after the last of the header's 1 words");
	static const char nospace[] = "2 1\nab \x00\x00\x80\x3f\ncd\n\x00\x00\x80\x3f";
	expect_bad("b5", nospace, sizeof nospace - 1, DL_VEC_BIN,
		   "byte offset 14: word 2 ('cd') is followed by byte 0x0a, not a space");
	/* more rows than a binary file of this size can hold */
	static const char lie[] = "3 2\nab \x00\x00\x80\x3f\x00\x00\x80\x3f";
	expect_bad("b6", lie, sizeof lie - 1, DL_VEC_AUTO,
		   "truncated: the header says 3 words of 2 components, more than the file's 15 "
		   "bytes can hold");
	/* a word longer than 64 KiB */
	size_t n = 70000;
	char *big = dl_malloc(n + 16);
	memcpy(big, "1 1\n", 4);
	memset(big + 4, 'x', n);
	memcpy(big + 4 + n, " \0\0\0\0", 5);
	expect_bad("b7", big, n + 9, DL_VEC_BIN, "byte offset 4: word 1 is longer than 65536 bytes");
	free(big);
}
END_TEST

START_TEST(test_bad_safetensors)
{
	dl_vectors *v = make_vectors(3, 2, 1, 1);
	size_t n;
	dl_vectors_write(v, tpath("ok.st"), DL_VEC_SAFETENSORS);
	uint8_t *p = read_file(tpath("ok.st"), &n);
	/* every truncation fails with a message naming the file */
	for (size_t cut = 0; cut < n; cut++) {
		dl_err e = {{0}};
		write_file(tpath("cut.st"), p, cut);
		dl_vectors *w = dl_vectors_read(tpath("cut.st"), DL_VEC_SAFETENSORS, &e);
		FAST_ASSERT(w == NULL);
		FAST_ASSERT(!strncmp(e.msg, tpath("cut.st"), strlen(tpath("cut.st"))));
	}
	free(p);
	dl_vectors_free(v);
#define ST(json) "\x00\x00\x00\x00\x00\x00\x00\x00" json
	static const char nowords[] = ST("{\"vectors\":{\"dtype\":\"F32\",\"shape\":[1,1],"
					 "\"data_offsets\":[0,4]}}") "\0\0\0\0";
	char buf[512];
	memcpy(buf, nowords, sizeof nowords);
	buf[0] = (char)(sizeof nowords - 1 - 8 - 4);
	expect_bad("st1", buf, sizeof nowords - 1, DL_VEC_AUTO,
		   "safetensors without the tensors \"vectors\" and \"words\"");
	static const char f16[] = ST("{\"vectors\":{\"dtype\":\"F16\",\"shape\":[1,1],"
				     "\"data_offsets\":[0,2]}}") "\0\0";
	memcpy(buf, f16, sizeof f16);
	buf[0] = (char)(sizeof f16 - 1 - 8 - 2);
	expect_bad("st2", buf, sizeof f16 - 1, DL_VEC_AUTO, "tensor 'vectors' is not of dtype F32");
	static const char words[] = ST("{\"vectors\":{\"dtype\":\"F32\",\"shape\":[2,1],"
				       "\"data_offsets\":[0,8]},\"words\":{\"dtype\":\"U8\","
				       "\"shape\":[2],\"data_offsets\":[8,10]}}") "\0\0\0\0\0\0\0\0a\n";
	memcpy(buf, words, sizeof words);
	buf[0] = (char)(sizeof words - 1 - 8 - 10);
	expect_bad("st3", buf, sizeof words - 1, DL_VEC_AUTO,
		   "tensor 'words' holds 1 words (each ending in a newline), 'vectors' 2");
	static const char big[] = ST("{\"vectors\":{\"dtype\":\"F32\",\"shape\":[1000000,1000],"
				     "\"data_offsets\":[0,4000000000]}}");
	memcpy(buf, big, sizeof big);
	buf[0] = (char)(sizeof big - 1 - 8);
	expect_bad("st4", buf, sizeof big - 1, DL_VEC_SAFETENSORS,
		   "truncated: tensor 'vectors' ends at byte 4000000000 of the data, which has 0 bytes");
	static const char notjson[] = ST("{nope}");
	memcpy(buf, notjson, sizeof notjson);
	buf[0] = 6;
	expect_bad("st5", buf, sizeof notjson - 1, DL_VEC_AUTO,
		   "the safetensors header is not a JSON object");
#undef ST
}
END_TEST

START_TEST(test_find)
{
	dl_vectors *v = READ_OK("dup.txt", "4 1\nthe 1\nof 2\nthe 3\nThe 4\n");
	ck_assert_int_eq(dl_vectors_find(v, "the", 3), 0);
	ck_assert_int_eq(dl_vectors_find(v, "of", 2), 1);
	ck_assert_int_eq(dl_vectors_find(v, "The", 3), 3);
	ck_assert_int_eq(dl_vectors_find(v, "th", 2), -1);
	ck_assert_int_eq(dl_vectors_find(v, "", 0), -1);
	dl_vectors_set_word(v, 0, "a", 1);
	ck_assert_int_eq(dl_vectors_find(v, "the", 3), 2);
	ck_assert_int_eq(dl_vectors_find(v, "a", 1), 0);
	dl_vectors_free(v);
	/* many words */
	dl_vectors *m = make_vectors(5000, 1, 3, 0);
	for (size_t i = 0; i < m->n; i++)
		FAST_ASSERT(dl_vectors_find(m, m->words[i], m->lens[i]) == (ptrdiff_t)i);
	dl_vectors_free(m);
}
END_TEST

/* ================================================================== neighbours and analogies */

/* Rows of 3 components, words "r0", "r1", ... unless given. */
static dl_vectors *hand(size_t n, const float *rows, const char *const *words)
{
	dl_vectors *v = dl_vectors_new(n, 3);
	char w[32];
	memcpy(v->v, rows, n * 3 * sizeof(float));
	for (size_t i = 0; i < n; i++) {
		if (words) {
			dl_vectors_set_word(v, i, words[i], strlen(words[i]));
		} else {
			snprintf(w, sizeof w, "r%zu", i);
			dl_vectors_set_word(v, i, w, strlen(w));
		}
	}
	return v;
}

START_TEST(test_unit_and_nearest)
{
	static const float rows[] = { 2, 0, 0,  3, 3, 0,  0, 0, 0,  0, 5, 0,  -1, 0, 0,  1, 1, 0 };
	dl_vectors *v = hand(6, rows, NULL);
	float *u = dl_w2v_unit(v);
	dl_w2v_hit h[8];
	ck_assert(u[0] == 1 && u[1] == 0);
	ck_assert(fabsf(u[3] - 0.70710678f) < 1e-7f && u[6] == 0 && u[9 + 1] == 1);
	/* nearest of row 0 (itself excluded): rows 1 and 5 tie at 0.7071 (lower row first),
	 * then the zero row and row 3 at 0 (lower row first), then row 4 at -1 */
	size_t ex = 0;
	size_t n = dl_w2v_nearest(u, 6, 3, u, &ex, 1, 8, h);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(h[0].row, 1);
	ck_assert_uint_eq(h[1].row, 5);
	ck_assert_uint_eq(h[2].row, 2);
	ck_assert_uint_eq(h[3].row, 3);
	ck_assert_uint_eq(h[4].row, 4);
	ck_assert(fabsf(h[0].cosine - 0.70710678f) < 1e-6f && h[4].cosine == -1.0f);
	/* k smaller, a query that is not unit length, restricted to the first 4 rows */
	float q[3] = { 0, 7, 0 };
	n = dl_w2v_nearest(u, 4, 3, q, NULL, 0, 2, h);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(h[0].row, 3);
	ck_assert(fabsf(h[0].cosine - 1.0f) < 1e-6f);
	ck_assert_uint_eq(h[1].row, 1);
	free(u);
	dl_vectors_free(v);
}
END_TEST

static const char *const royal_words[] = { "man", "king", "woman", "queen", "apple", "Queen" };
static const float royal[] = {
	1, 0, 0,        /* man */
	1, 0, 1,        /* king = man + royal */
	0, 1, 0,        /* woman */
	0, 1, 1,        /* queen = woman + royal */
	0, 0, -1,       /* apple */
	0.1f, 1, 1,     /* Queen: a later case variant of queen, nearer still */
};

START_TEST(test_analogy)
{
	dl_vectors *v = hand(6, royal, royal_words);
	float *u = dl_w2v_unit(v), q[3];
	dl_w2v_hit h[3];
	size_t ex[3] = { 0, 1, 2 };
	dl_w2v_analogy_query(u, 3, 0, 1, 2, q);
	ck_assert(fabsf(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] - 1) < 1e-6f);
	size_t n = dl_w2v_nearest(u, 5, 3, q, ex, 3, 3, h);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v->words[h[0].row], "queen");
	ck_assert_str_eq(v->words[h[1].row], "apple");
	free(u);
	dl_vectors_free(v);
}
END_TEST

/* ================================================================== evaluation */

static dl_w2v_analogies *questions(const char *text, dl_err *e)
{
	dl_in *in = dl_in_open_mem(text, strlen(text), "q.txt", 0);
	dl_w2v_analogies *a = dl_w2v_analogies_read(in, e);
	dl_in_close(in);
	return a;
}

START_TEST(test_eval_analogies)
{
	dl_vectors *v = hand(6, royal, royal_words);
	float *u = dl_w2v_unit(v);
	dl_err e = {{0}};
	dl_w2v_analogy_score s;
	dl_w2v_analogies *a = questions(
		"man king woman\n"                      /* before a section: malformed */
		": royalty\r\n"
		"MAN King WOMAN QUEEN\r\n"              /* right, case-insensitively */
		"man king woman apple\n"                /* wrong */
		"man king woman pear\n"                 /* out of vocabulary */
		"\n"
		"man king woman queen extra\n"          /* malformed */
		":\n"                                   /* malformed: no name */
		": gram-royal\n"
		"king man queen woman\n"                /* right */
		"woman queen man king\n",               /* right */
		&e);
	ck_assert_msg(a != NULL, "%s", e.msg);
	ck_assert_uint_eq(a->n, 5);
	ck_assert_uint_eq(a->nsections, 2);
	ck_assert_uint_eq(a->malformed, 3);
	ck_assert_uint_eq(a->first_malformed, 1);
	ck_assert_str_eq(a->words + a->q[0].off[1], "KING");
	dl_w2v_eval_analogies(v, u, a, 0, &s);
	ck_assert_uint_eq(s.nsections, 2);
	ck_assert_str_eq(s.sections[0].name, "royalty");
	ck_assert_uint_eq(s.sections[0].correct, 1);
	ck_assert_uint_eq(s.sections[0].seen, 2);
	ck_assert_uint_eq(s.sections[0].questions, 3);
	ck_assert_uint_eq(s.sections[1].correct, 2);
	ck_assert_uint_eq(s.sections[1].seen, 2);
	ck_assert_uint_eq(s.sem_correct, 1);
	ck_assert_uint_eq(s.sem_seen, 2);
	ck_assert_uint_eq(s.syn_correct, 2);
	ck_assert_uint_eq(s.syn_seen, 2);
	ck_assert_uint_eq(s.correct, 3);
	ck_assert_uint_eq(s.seen, 4);
	ck_assert_uint_eq(s.questions, 5);
	ck_assert_uint_eq(s.rows, 6);
	dl_w2v_analogy_score_free(&s);
	/* restricted to 3 rows: no question has all its words among man, king, woman */
	dl_w2v_eval_analogies(v, u, a, 3, &s);
	ck_assert_uint_eq(s.seen, 0);
	ck_assert_uint_eq(s.rows, 3);
	dl_w2v_analogy_score_free(&s);
	dl_w2v_analogies_free(a);
	/* no usable line */
	ck_assert_ptr_null(questions("a b c\n\n: x\na b\n", &e));
	ck_assert_str_eq(e.msg, "q.txt: no analogy questions (\": SECTION\" lines, then lines of "
			 "four words); every line is malformed");
	ck_assert_ptr_null(questions("", &e));
	free(u);
	dl_vectors_free(v);
}
END_TEST

/* A candidate that folds to a question word is passed over (gensim's protocol). */
START_TEST(test_eval_fold)
{
	static const char *const words[] = { "a", "b", "c", "d", "C" };
	static const float rows[] = { 1, 0, 0,  1, 0, 1,  0, 1, 0,  0, 1, 0.9f,  0, 1, 1 };
	dl_vectors *v = hand(5, rows, words);
	float *u = dl_w2v_unit(v);
	dl_err e = {{0}};
	dl_w2v_analogy_score s;
	dl_w2v_fold *f = dl_w2v_fold_new(v, 0);
	ck_assert_int_eq(dl_w2v_fold_find(f, "c", 1), 2);
	ck_assert_int_eq(dl_w2v_fold_find(f, "C", 1), 2);
	ck_assert_uint_eq(dl_w2v_fold_canon(f, 4), 2);
	ck_assert_int_eq(dl_w2v_fold_find(f, "e", 1), -1);
	dl_w2v_fold_free(f);
	dl_w2v_analogies *a = questions(": s\na b c d\n", &e);
	ck_assert_ptr_nonnull(a);
	dl_w2v_eval_analogies(v, u, a, 0, &s);
	ck_assert_uint_eq(s.correct, 1);  /* "C" (nearest) is c: skipped; d is next */
	dl_w2v_analogy_score_free(&s);
	dl_w2v_analogies_free(a);
	free(u);
	dl_vectors_free(v);
}
END_TEST

static dl_w2v_pairs *pairs(const char *text, dl_err *e)
{
	dl_in *in = dl_in_open_mem(text, strlen(text), "p.txt", 0);
	dl_w2v_pairs *p = dl_w2v_pairs_read(in, e);
	dl_in_close(in);
	return p;
}

START_TEST(test_eval_pairs)
{
	dl_vectors *v = hand(6, royal, royal_words);
	float *u = dl_w2v_unit(v);
	dl_err e = {{0}};
	dl_w2v_pairs_score s;
	/* wordsim353.tsv's layout */
	dl_w2v_pairs *p = pairs("# comment\n# Word 1\tWord 2\tHuman (mean)\n"
				"king\tqueen\t5\nMAN\tking\t7.5\nman\tapple\t0.5\nman\tpear\t3\n"
				"bad line\nking\tqueen\tmuch\n", &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert_uint_eq(p->n, 4);
	ck_assert_uint_eq(p->malformed, 2);
	ck_assert_uint_eq(p->first_malformed, 7);
	ck_assert_int_eq(p->score_column, 2);
	dl_w2v_eval_pairs(v, u, p, 0, &s);
	ck_assert_uint_eq(s.pairs, 4);
	ck_assert_uint_eq(s.used, 3);
	ck_assert_uint_eq(s.oov, 1);
	ck_assert(fabs(s.oov_ratio - 0.25) < 1e-12);
	/* cosines 0.5, 0.7071, 0 against 5, 7.5, 0.5: the same order */
	ck_assert(fabs(s.spearman - 1) < 1e-12);
	ck_assert(s.pearson > 0.9 && s.pearson < 1);
	dl_w2v_pairs_free(p);
	/* the original SimLex-999 layout: a header naming the score column */
	p = pairs("word1\tword2\tPOS\tSimLex999\tconc(w1)\nking\tqueen\tN\t5\t9\n"
		  "man\tking\tN\t7.5\t1\n", &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert_int_eq(p->score_column, 3);
	ck_assert_uint_eq(p->n, 2);
	ck_assert_uint_eq(p->malformed, 0);
	ck_assert(p->p[1].gold == 7.5);
	ck_assert_str_eq(p->words + p->p[1].off[0], "MAN");
	dl_w2v_eval_pairs(v, u, p, 1, &s);
	ck_assert_uint_eq(s.used, 0);
	ck_assert(isnan(s.spearman) && isnan(s.pearson));
	dl_w2v_pairs_free(p);
	/* comma-separated, and whitespace-separated */
	p = pairs("king,queen,5\nman king 3\n", &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert_uint_eq(p->n, 2);
	dl_w2v_pairs_free(p);
	ck_assert_ptr_null(pairs("# only\n\nx\ty\tz\na\tb\n", &e));
	ck_assert_str_eq(e.msg, "p.txt: no word pairs (lines \"WORD1<TAB>WORD2<TAB>SCORE\"); "
			 "every line is malformed");
	free(u);
	dl_vectors_free(v);
}
END_TEST

START_TEST(test_correlation)
{
	/* the lists of tests/golden/w2v/make-fixtures.py; scipy's values in spearman.txt */
	static const double x[] = { 1, 2, 2, 3, 5, 5, 5, 8, 9, 9 };
	static const double y[] = { 0.3, 0.1, 0.4, 0.4, 0.9, 0.2, 0.4, 0.8, 0.8, 1.0 };
	double rho, r;
	size_t n;
	char *t = (char *)read_file(test_data("w2v/spearman.txt"), &n);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(sscanf(t, "%lf %lf", &rho, &r), 2);
	free(t);
	ck_assert(fabs(dl_w2v_spearman(x, y, 10) - rho) < 1e-11);
	ck_assert(fabs(dl_w2v_pearson(x, y, 10) - r) < 1e-11);
	ck_assert(fabs(dl_w2v_spearman(y, x, 10) - rho) < 1e-11);
	/* undefined: too few values, or no spread */
	static const double c[] = { 2, 2, 2 };
	ck_assert(isnan(dl_w2v_spearman(x, y, 1)));
	ck_assert(isnan(dl_w2v_spearman(x, c, 3)));
	ck_assert(isnan(dl_w2v_pearson(c, y, 3)));
	/* a perfect inverse order */
	static const double up[] = { 1, 2, 3 }, down[] = { 30, 20, 10 };
	ck_assert(fabs(dl_w2v_spearman(up, down, 3) + 1) < 1e-12);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("w2v_vectors");
	TCase *tc = tcase(s, "vectors", 1);
	tcase_add_test(tc, test_format_names);
	tcase_add_test(tc, test_round_trip_every_format);
	tcase_add_test(tc, test_writer_bytes);
	tcase_add_test(tc, test_other_writers);
	tcase_add_test(tc, test_gzip_and_unknown_size);
	tcase_add_test(tc, test_bad_headers);
	tcase_add_test(tc, test_bad_text_rows);
	tcase_add_test(tc, test_bad_binary);
	tcase_add_test(tc, test_bad_safetensors);
	tcase_add_test(tc, test_find);
	tc = tcase(s, "eval", 0);
	tcase_add_test(tc, test_unit_and_nearest);
	tcase_add_test(tc, test_analogy);
	tcase_add_test(tc, test_eval_analogies);
	tcase_add_test(tc, test_eval_fold);
	tcase_add_test(tc, test_eval_pairs);
	tcase_add_test(tc, test_correlation);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
