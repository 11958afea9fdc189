/*
 * check_bpe_golden.c — encoding against tiktoken itself: the ids of 17,530 cases under the
 * GPT-2 (r50k_base), cl100k_base and o200k_base vocabularies, and of texts with special
 * tokens, must equal those of OpenAI's tiktoken (its npm WASM build; the expected ids and the
 * script that made them are in tests/data/tokenize and tests/golden/tokenize). Also the
 * round trip: decoding the ids of any bytes gives the bytes back.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/io.h"
#include "tokenize/model.h"
#include "testutil.h"

#include <check.h>
#include <cjson/cJSON.h>
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

static const struct {
	const char *ranks, *ids, *special_ids;
	dl_pretok pat;
	const char *specials[6];
	uint32_t special_id[6];
} enc_tab[] = {
	{ "r50k_base.tiktoken.gz", "ids-r50k.jsonl.gz", "ids-special-r50k.jsonl", DL_PRETOK_GPT2,
	  { "<|endoftext|>" }, { 50256 } },
	{ "cl100k_base.tiktoken.gz", "ids-cl100k.jsonl.gz", "ids-special-cl100k.jsonl",
	  DL_PRETOK_CL100K,
	  { "<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>" },
	  { 100257, 100258, 100259, 100260, 100276 } },
	{ "o200k_base.tiktoken.gz", "ids-o200k.jsonl.gz", "ids-special-o200k.jsonl", DL_PRETOK_O200K,
	  { "<|endoftext|>", "<|endofprompt|>" }, { 199999, 200018 } },
};

/* The rank file's model with tiktoken's special tokens for it. */
static dl_bpe *load(int k)
{
	dl_err e = {{0}};
	dl_bpe *r = dl_bpe_load_tiktoken(data(enc_tab[k].ranks), enc_tab[k].pat, &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	size_t nt = dl_bpe_ntokens(r), ns = 0;
	const uint8_t **tok = malloc(nt * sizeof *tok);
	uint32_t *len = malloc(nt * sizeof *len);
	for (size_t i = 0; i < nt; i++) {
		size_t l;
		tok[i] = dl_bpe_token(r, (uint32_t)i, &l);
		len[i] = (uint32_t)l;
	}
	while (ns < 6 && enc_tab[k].specials[ns])
		ns++;
	dl_bpe *m = dl_bpe_new(enc_tab[k].pat, tok, len, nt, enc_tab[k].specials,
			       enc_tab[k].special_id, ns, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	free(tok);
	free(len);
	dl_bpe_free(r);
	return m;
}

/* Reads the next line of in; NULL at the end. */
static char *next_line(dl_in *in, size_t *n)
{
	dl_err e = {{0}};
	char *line;
	ptrdiff_t k = dl_in_getline(in, &line, &e);
	ck_assert_msg(k >= 0, "%s", e.msg);
	*n = (size_t)k;
	return line;
}

/* Compares the encoding of every case of cases_file with the ids of ids_file. */
static void run_golden(int k, const char *cases_file, const char *ids_file, int specials)
{
	dl_bpe *m = load(k);
	dl_bpe_encoder *enc = dl_bpe_encoder_new(m);
	enum dl_special_use use[6] = { DL_SPECIAL_ALLOWED, DL_SPECIAL_ALLOWED, DL_SPECIAL_ALLOWED,
				       DL_SPECIAL_ALLOWED, DL_SPECIAL_ALLOWED, DL_SPECIAL_ALLOWED };
	dl_err e = {{0}};
	dl_in *cases = dl_in_open(data(cases_file), 0, &e), *want = dl_in_open(data(ids_file), 0, &e);
	ck_assert_ptr_nonnull(cases);
	ck_assert_ptr_nonnull(want);
	uint32_t *ids = NULL;
	size_t cap = 0, ncases = 0, bad = 0;
	char first_bad[512] = "";
	for (;;) {
		size_t n1, n2;
		char *c = next_line(cases, &n1);
		if (!c)
			break;
		char *copy = strndup(c, n1);
		char *w = next_line(want, &n2);
		ck_assert_msg(w != NULL, "%s ends early", ids_file);
		const char *q = strstr(copy, "\"text\"");
		ck_assert_ptr_nonnull(q);
		q = strchr(q + 6, '"');
		size_t len;
		uint8_t *text = json_string_bytes(q, &len);
		ck_assert_msg(text != NULL, "case %zu: bad JSON string", ncases);
		cJSON *arr = cJSON_ParseWithLength(w, n2);
		ck_assert(cJSON_IsArray(arr));
		size_t nids = 0, which = 0;
		size_t done = dl_bpe_encode(enc, text, len, specials ? use : NULL, &ids, &nids, &cap,
					    &which);
		FAST_ASSERT(done == len);
		int same = (size_t)cJSON_GetArraySize(arr) == nids;
		size_t i = 0;
		const cJSON *v;
		cJSON_ArrayForEach(v, arr) {
			if (!same || (uint32_t)v->valuedouble != ids[i++]) {
				same = 0;
				break;
			}
		}
		if (!same && !bad++)
			snprintf(first_bad, sizeof first_bad, "case %zu: %.300s", ncases, copy);
		/* And back. */
		dl_buf back = {0};
		for (size_t j = 0; j < nids; j++) {
			size_t l;
			const uint8_t *t = dl_bpe_token(m, ids[j], &l);
			dl_buf_append(&back, t, l);
		}
		FAST_ASSERT(back.len == len && (!len || !memcmp(back.data, text, len)));
		dl_buf_free(&back);
		cJSON_Delete(arr);
		free(text);
		free(copy);
		ncases++;
	}
	size_t n2;
	ck_assert_msg(next_line(want, &n2) == NULL, "%s has more lines than the cases", ids_file);
	ck_assert_msg(bad == 0, "%s: %zu of %zu cases differ from tiktoken; first: %s", ids_file, bad,
		      ncases, first_bad);
	ck_assert_uint_gt(ncases, specials ? 20 : 17000);
	free(ids);
	dl_in_close(cases);
	dl_in_close(want);
	dl_bpe_encoder_free(enc);
	dl_bpe_free(m);
}

START_TEST(test_r50k) { run_golden(0, "cases.jsonl", enc_tab[0].ids, 0); }
END_TEST
START_TEST(test_cl100k) { run_golden(1, "cases.jsonl", enc_tab[1].ids, 0); }
END_TEST
START_TEST(test_o200k) { run_golden(2, "cases.jsonl", enc_tab[2].ids, 0); }
END_TEST

START_TEST(test_specials)
{
	for (int k = 0; k < 3; k++)
		run_golden(k, "special-cases.jsonl", enc_tab[k].special_ids, 1);
}
END_TEST

START_TEST(test_disallowed)
{
	/* A disallowed special stops the encoding at its offset, after the ids before it. */
	dl_bpe *m = load(1);
	dl_bpe_encoder *enc = dl_bpe_encoder_new(m);
	enum dl_special_use use[5] = { DL_SPECIAL_ALLOWED, DL_SPECIAL_DISALLOWED, DL_SPECIAL_TEXT,
				       DL_SPECIAL_TEXT, DL_SPECIAL_TEXT };
	const char *t = "a<|endoftext|>b<|fim_middle|>c<|fim_prefix|>d";
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0, which = 9;
	size_t at = dl_bpe_encode(enc, (const uint8_t *)t, strlen(t), use, &ids, &n, &cap, &which);
	ck_assert_uint_eq(at, (size_t)(strstr(t, "<|fim_prefix|>") - t));
	ck_assert_uint_eq(which, 1);
	/* a, <|endoftext|>, then "b<|fim_middle|>c" as text. */
	ck_assert_uint_ge(n, 4);
	ck_assert_uint_eq(ids[1], 100257);
	for (size_t i = 2; i < n; i++)
		ck_assert_uint_lt(ids[i], 100256);
	free(ids);
	dl_bpe_encoder_free(enc);
	dl_bpe_free(m);
}
END_TEST

START_TEST(test_round_trip_random_bytes)
{
	/* Any bytes, valid UTF-8 or not, come back from the ids exactly. */
	uint64_t s = 7;
	for (int k = 0; k < 3; k++) {
		dl_bpe *m = load(k);
		dl_bpe_encoder *enc = dl_bpe_encoder_new(m);
		uint32_t *ids = NULL;
		size_t cap = 0;
		for (int t = 0; t < 300; t++) {
			size_t n = gen(&s) % 3000;
			uint8_t *p = random_bytes(n, gen(&s));
			/* Mostly text-like bytes, some of them anything. */
			for (size_t i = 0; i < n; i++)
				if (t % 3 && p[i] >= 0x80 && gen(&s) % 4)
					p[i] = (uint8_t)(' ' + p[i] % 95);
			size_t nids = 0;
			dl_bpe_encode_ordinary(enc, p, n, &ids, &nids, &cap);
			dl_buf back = {0};
			for (size_t j = 0; j < nids; j++) {
				size_t l;
				const uint8_t *tk = dl_bpe_token(m, ids[j], &l);
				FAST_ASSERT(tk != NULL && ids[j] < dl_bpe_ntokens(m));
				dl_buf_append(&back, tk, l);
			}
			FAST_ASSERT(back.len == n && (!n || !memcmp(back.data, p, n)));
			dl_buf_free(&back);
			free(p);
		}
		free(ids);
		dl_bpe_encoder_free(enc);
		dl_bpe_free(m);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bpe_golden");
	TCase *tc = tcase(s, "golden", 0);
	tcase_add_test(tc, test_r50k);
	tcase_add_test(tc, test_cl100k);
	tcase_add_test(tc, test_o200k);
	tcase_add_test(tc, test_specials);
	tcase_add_test(tc, test_disallowed);
	tcase_add_test(tc, test_round_trip_random_bytes);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
