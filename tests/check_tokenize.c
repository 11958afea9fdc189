/*
 * check_tokenize.c — unit tests for lib/tokenize's id parsers (tokenize/ids.h), the input
 * side of `dl-tokenize decode`: the text and JSON line formats, their separators and edge
 * cases, and the message for each kind of bad line. (Pre-tokenization, training and the
 * model have their own files: check_pretok.c, check_bpe_train.c, check_bpe_model.c,
 * check_bpe_golden.c.)
 */
#include "config.h"
#include "tokenize/ids.h"
#include "core/alloc.h"
#include "testutil.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

typedef int (*parse_fn)(const char *, size_t, uint32_t, uint32_t **, size_t *, size_t *,
			dl_err *);

/* Parses line with limit and checks the ids against want[0..nwant). */
static void ok(parse_fn f, const char *line, uint32_t limit, const uint32_t *want, size_t nwant)
{
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0;
	dl_err e = { "" };
	int rc = f(line, strlen(line), limit, &ids, &n, &cap, &e);
	ck_assert_msg(rc == 0, "'%s': %s", line, e.msg);
	ck_assert_msg(n == nwant, "'%s': %zu ids, want %zu", line, n, nwant);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(ids[i], want[i]);
	dl_free(ids);
}

static void bad(parse_fn f, const char *line, uint32_t limit, const char *msg)
{
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0;
	dl_err e = { "" };
	int rc = f(line, strlen(line), limit, &ids, &n, &cap, &e);
	ck_assert_msg(rc == -1, "accepted '%s'", line);
	ck_assert_msg(strstr(e.msg, msg) != NULL, "'%s': got '%s', want '%s'", line, e.msg, msg);
	dl_free(ids);
}

START_TEST(test_text)
{
	static const uint32_t a[] = { 15496, 11, 995, 0 };
	ok(dl_ids_parse_text, "15496 11 995 0", 50257, a, 4);
	ok(dl_ids_parse_text, "  15496\t11  995 0\r", 50257, a, 4);   /* tabs, runs, CR */
	ok(dl_ids_parse_text, "", 50257, NULL, 0);                     /* empty document */
	ok(dl_ids_parse_text, " \t\r", 50257, NULL, 0);
	static const uint32_t b[] = { 50256, 7 };
	ok(dl_ids_parse_text, "050256 007", 50257, b, 2);              /* leading zeros */
	bad(dl_ids_parse_text, "1 x 2", 50257, "'x' is not a token id");
	bad(dl_ids_parse_text, "12a", 50257, "'12a' is not a token id");
	bad(dl_ids_parse_text, "-1", 50257, "'-1' is not a token id");
	bad(dl_ids_parse_text, "1,2", 50257, "'1,2' is not a token id");
	bad(dl_ids_parse_text, "50257", 50257, "id 50257 is not in the model (ids run from 0 "
					       "to 50256)");
	/* digits beyond any id stop being read, never wrap around into range */
	bad(dl_ids_parse_text, "18446744073709551617", 50257, "is not a token id");
}
END_TEST

START_TEST(test_json)
{
	static const uint32_t a[] = { 1, 2, 3 };
	ok(dl_ids_parse_json, "{\"ids\":[1,2,3]}", 10, a, 3);
	ok(dl_ids_parse_json, " [1, 2, 3] ", 10, a, 3);
	ok(dl_ids_parse_json, "{\"other\":\"x\",\"ids\":[1,2,3]}", 10, a, 3);
	ok(dl_ids_parse_json, "{\"ids\":[]}", 10, NULL, 0);
	bad(dl_ids_parse_json, "{\"ids\":[1,2.5]}", 10, "ids must be integers");
	bad(dl_ids_parse_json, "[\"1\"]", 10, "ids must be integers");
	bad(dl_ids_parse_json, "[1e300]", 10, "ids must be integers");
	bad(dl_ids_parse_json, "[10]", 10, "id 10 is not in the model (ids run from 0 to 9)");
	bad(dl_ids_parse_json, "[-1]", 10, "id -1 is not in the model");
	bad(dl_ids_parse_json, "{\"id\":[1]}", 10, "expected {\"ids\": [...]}");
	bad(dl_ids_parse_json, "[1,2", 10, "expected {\"ids\": [...]}");
	bad(dl_ids_parse_json, "7", 10, "expected {\"ids\": [...]}");
}
END_TEST

/* Ids are appended: a second line adds to the first's, as decode builds a document. */
START_TEST(test_append)
{
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0;
	dl_err e;
	ck_assert_int_eq(dl_ids_parse_text("1 2", 3, 5, &ids, &n, &cap, &e), 0);
	ck_assert_int_eq(dl_ids_parse_json("[3,4]", 5, 5, &ids, &n, &cap, &e), 0);
	ck_assert_uint_eq(n, 4);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_uint_eq(ids[i], i + 1);
	ck_assert_uint_ge(cap, n);
	dl_free(ids);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tokenize");
	TCase *tc = tcase(s, "ids", 0);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_append);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
