/*
 * check_features.c — unit tests of lib/features: FarmHash Fingerprint64 against Google's
 * farmhash.cc (tests/golden/features/fingerprints.txt, made by make-fingerprints.mjs), the
 * crossed-column hash against values published in TensorFlow's sparse-cross tests, fit
 * against numpy on sklearn's data (fit-expected.txt, made by make-golden.py), the rolling
 * windows against a naive O(nK) evaluation on random data, the number parser against
 * strtod, and the spec's and FITTED.json's error messages.
 */
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "features/farmhash.h"
#include "features/input.h"
#include "features/spec.h"
#include "features/transform.h"
#include "features/txpriv.h"
#include "features/vocab.h"
#include "features/window.h"
#include "testutil.h"

/* ---- FarmHash */

static int hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

START_TEST(test_fingerprint64_golden)
{
	size_t n, checked = 0;
	char *text = (char *)read_file(test_data("../golden/features/fingerprints.txt"), &n);
	char *line, *save = NULL;

	ck_assert_ptr_nonnull(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		ck_assert_ptr_nonnull(tab);
		size_t len = (size_t)(tab - line) / 2;
		uint8_t *b = dl_malloc(len + 1);
		for (size_t i = 0; i < len; i++)
			b[i] = (uint8_t)(hexval(line[2 * i]) << 4 | hexval(line[2 * i + 1]));
		uint64_t want = strtoull(tab + 1, NULL, 10);
		uint64_t got = dl_fingerprint64(len ? b : NULL, len);
		if (got != want)
			ck_abort_msg("Fingerprint64 of %zu bytes: %" PRIu64 ", want %" PRIu64, len, got,
				     want);
		dl_free(b);
		checked++;
	}
	ck_assert_uint_ge(checked, 220);
	dl_free(text);
}
END_TEST

/* TensorFlow, python/kernel_tests/sparse_ops/sparse_cross_op_test.py: crossing
 * 'batch1-FC1-F1' x 'batch1-FC2-F1' x 'batch1-FC3-F1' hashed. */
START_TEST(test_cross_published)
{
	const char *s[3] = { "batch1-FC1-F1", "batch1-FC2-F1", "batch1-FC3-F1" };
	uint64_t f[3];

	for (int i = 0; i < 3; i++)
		f[i] = dl_fingerprint64(s[i], strlen(s[i]));
	/* test_hashed_zero_bucket_no_hash_key */
	ck_assert_uint_eq(dl_cross_hash(DL_CROSS_HASH_KEY, f, 3, 0), UINT64_C(1971693436396284976));
	/* test_hashed_zero_bucket: hash_key = _DEFAULT_HASH_KEY + 1 */
	ck_assert_uint_eq(dl_cross_hash(DL_CROSS_HASH_KEY + 1, f, 3, 0),
			  UINT64_C(4847552627144134031));
	/* test_hashed_output: num_buckets=100, hash_key = _DEFAULT_HASH_KEY + 1 */
	ck_assert_uint_eq(dl_cross_hash(DL_CROSS_HASH_KEY + 1, f, 3, 100), 31);
}
END_TEST

/* ---- vocabularies */

START_TEST(test_vocab)
{
	dl_vocab v;
	char buf[32];

	dl_vocab_init(&v);
	ck_assert_int_eq(dl_vocab_find(&v, "a", 1), -1);
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(buf, sizeof buf, "w%d", i % 100);
		for (int k = 0; k <= i % 7; k++)
			dl_vocab_count(&v, buf, (size_t)n);
	}
	dl_vocab_count(&v, "a\0b", 3);
	dl_vocab_count(&v, "a", 1);
	ck_assert_uint_eq(v.n, 102);
	ck_assert_int_eq(dl_vocab_find(&v, "a\0b", 3), 100);
	ck_assert_int_eq(dl_vocab_find(&v, "a", 1), 101);
	dl_vocab_select(&v, 2, 0);
	/* Counts descending, ties by bytes: every kept count is >= 2 and ordered. */
	for (size_t i = 0; i + 1 < v.n; i++) {
		ck_assert_uint_ge(v.count[i], v.count[i + 1]);
		if (v.count[i] == v.count[i + 1])
			ck_assert_int_lt(strcmp(v.str[i], v.str[i + 1]), 0);
		ck_assert_int_eq(dl_vocab_find(&v, v.str[i], v.len[i]), (int64_t)i);
	}
	ck_assert_int_eq(dl_vocab_find(&v, "a", 1), -1);
	dl_vocab_select(&v, 1, 5);
	ck_assert_uint_eq(v.n, 5);
	dl_vocab_free(&v);
}
END_TEST

/* ---- rolling windows: property test against the naive O(nK) evaluation */

static int naive(enum dl_window_op op, const double *v, const int *has, size_t row, size_t k,
		 double *out)
{
	size_t from = row + 1 >= k ? row + 1 - k : 0, count = 0;
	double acc = 0;

	for (size_t i = from; i <= row; i++) {
		if (!has[i] || ((op == DL_WINDOW_MAX || op == DL_WINDOW_MIN) && isnan(v[i])))
			continue;
		if (!count)
			acc = op == DL_WINDOW_MAX || op == DL_WINDOW_MIN ? v[i] : 0;
		if (op == DL_WINDOW_MAX && v[i] > acc)
			acc = v[i];
		else if (op == DL_WINDOW_MIN && v[i] < acc)
			acc = v[i];
		else if (op == DL_WINDOW_MEAN || op == DL_WINDOW_SUM)
			acc += v[i];
		count++;
	}
	if (!count)
		return 0;
	*out = op == DL_WINDOW_MEAN ? acc / (double)count : acc;
	return 1;
}

START_TEST(test_window_property)
{
	static const size_t ks[] = { 1, 2, 3, 5, 17, 64 };
	const size_t n = 3000;
	double *v = dl_mallocarray(n, sizeof *v);
	int *has = dl_mallocarray(n, sizeof *has);
	uint64_t seed = 42;

	for (int trial = 0; trial < 4; trial++) {
		for (size_t i = 0; i < n; i++) {
			uint64_t r = gen(&seed);
			has[i] = r % 10 != 0;           /* 10% missing */
			/* Few distinct values (ties) in some trials, wide ranges in others. */
			v[i] = trial % 2 ? (double)(int)(r >> 40 & 7) :
			       ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 1e6;
		}
		for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++) {
			for (int op = 0; op < 4; op++) {
				dl_window *w = dl_window_new((enum dl_window_op)op, ks[ki]);
				for (size_t i = 0; i < n; i++) {
					double got = 0, want = 0;
					int g = dl_window_push(w, has[i], v[i], &got);
					int h = naive((enum dl_window_op)op, v, has, i, ks[ki], &want);
					FAST_ASSERT(g == h);
					if (g && op < 2)
						FAST_ASSERT(got == want);
					else if (g)
						FAST_ASSERT(fabs(got - want) <= 1e-9 * (1 + fabs(want)) +
							    1e-9 * (double)ks[ki]);
				}
				dl_window_free(w);
			}
		}
	}
	dl_free(v);
	dl_free(has);
}
END_TEST

START_TEST(test_window_groups)
{
	const size_t n = 2000, k = 4;
	double v[2000];
	int has[2000], grp[2000];
	uint64_t seed = 7;
	dl_window_groups *g = dl_window_groups_new(DL_WINDOW_MAX, k);

	for (size_t i = 0; i < n; i++) {
		uint64_t r = gen(&seed);
		v[i] = (double)(r >> 33 & 1023);
		has[i] = 1;
		grp[i] = (int)(r % 5);
	}
	for (size_t i = 0; i < n; i++) {
		char key[8];
		int kn = snprintf(key, sizeof key, "g%d", grp[i]);
		double got = 0, want = 0;
		/* The naive answer: the last k rows of this group. */
		double sub[2000];
		int subh[2000];
		size_t m = 0;
		for (size_t j = 0; j <= i; j++)
			if (grp[j] == grp[i])
				sub[m] = v[j], subh[m++] = has[j];
		ck_assert_int_eq(dl_window_groups_push(g, key, (size_t)kn, 1, v[i], &got), 1);
		naive(DL_WINDOW_MAX, sub, subh, m - 1, k, &want);
		FAST_ASSERT(got == want);
	}
	ck_assert_uint_eq(dl_window_groups_count(g), 5);
	dl_window_groups_free(g);
}
END_TEST

/* ---- numbers */

START_TEST(test_parse_double)
{
	static const char *const good[] = {
		"0", "-0", "1", "+1.5", "3.14159", ".5", "5.", "1e10", "1E-5", "-2.5e+3",
		"0.1", "0.30000000000000004", "123456789012345678901234567890", "1e308", "4.9e-324",
		"2.2250738585072014e-308", " 7 ", "0.000001234", "9007199254740993", "1.7976931348623157e308",
	};
	static const char *const bad[] = { "", " ", "abc", "1.2.3", "e5", "1e", "--1", "1 2", "nan",
					   "inf", "0x10", "1,5" };
	uint64_t seed = 3;
	char buf[64];
	double d;

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		ck_assert_int_eq(dl_fx_parse_double(good[i], strlen(good[i]), &d), 0);
		ck_assert_msg(d == strtod(good[i], NULL), "%s", good[i]);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(dl_fx_parse_double(bad[i], strlen(bad[i]), &d) == -1, "%s", bad[i]);
	/* Random doubles printed with 1 to 17 digits read back as strtod reads them. */
	for (int i = 0; i < 200000; i++) {
		uint64_t r = gen(&seed);
		double x;
		memcpy(&x, &r, sizeof x);
		if (!isfinite(x))
			continue;
		int n = snprintf(buf, sizeof buf, "%.*g", (int)(r % 17) + 1,
				 i % 2 ? x : (double)(r >> 40) / 1000.0);
		FAST_ASSERT(dl_fx_parse_double(buf, (size_t)n, &d) == 0);
		FAST_ASSERT(d == strtod(buf, NULL));
	}
}
END_TEST

/* ---- specs */

static dl_fspec *parse(const char *json, dl_err *e)
{
	return dl_fspec_parse(json, strlen(json), e);
}

static void expect_spec_error(const char *json, const char *want)
{
	dl_err e;
	dl_fspec *s = parse(json, &e);

	if (s) {
		dl_fspec_free(s);
		ck_abort_msg("spec accepted: %s", json);
	}
	ck_assert_msg(strstr(e.msg, want), "'%s' lacks '%s'", e.msg, want);
}

START_TEST(test_spec_errors)
{
	expect_spec_error("{", "not valid JSON");
	expect_spec_error("[]", "must be a JSON object");
	expect_spec_error("{}", "no \"columns\"");
	expect_spec_error("{\"columns\":[],\"x\":1}", "'x' is not a member of a spec");
	expect_spec_error("{\"columns\":[{\"type\":\"numerc\",\"key\":\"a\"}]}",
			  "column 1: unknown type 'numerc'");
	expect_spec_error("{\"columns\":[{\"key\":\"a\"}]}", "type is missing");
	expect_spec_error("{\"columns\":[{\"type\":\"numeric\"}]}", "key is missing");
	expect_spec_error("{\"columns\":[{\"type\":\"numeric\",\"key\":\"a\",\"buckets\":3}]}",
			  "'buckets' is not a member of a numeric column");
	expect_spec_error("{\"columns\":[{\"type\":\"numeric\",\"key\":\"a\",\"\":3}]}",
			  "'' is not a member of a numeric column");
	expect_spec_error("{\"columns\":[{\"type\":\"numeric\",\"key\":\"a\",\"normalizer\":\"z\"}]}",
			  "normalizer: 'z' is not one of the choices");
	expect_spec_error("{\"columns\":[{\"type\":\"numeric\",\"key\":\"a\"},"
			  "{\"type\":\"categorical_with_vocabulary_list\",\"key\":\"b\","
			  "\"vocabulary_list\":[\"x\"]},"
			  "{\"type\":\"crossed\",\"keys\":[\"a\",\"b\"],\"hash_bucket_size\":10}]}",
			  "column 3: 'a' is a numeric column: cross a bucketized column");
	expect_spec_error("{\"columns\":[{\"type\":\"categorical_with_hash_bucket\",\"key\":\"h\","
			  "\"hash_bucket_size\":5},"
			  "{\"type\":\"crossed\",\"keys\":[\"h\",\"b\"],\"hash_bucket_size\":10}]}",
			  "'h' is a hashed column");
	expect_spec_error("{\"columns\":[{\"type\":\"categorical_with_vocabulary_file\",\"key\":\"a\","
			  "\"vocabulary_file\":\"/nonexistent/vocab.txt\"}]}",
			  "vocabulary_file: /nonexistent/vocab.txt");
	expect_spec_error("{\"columns\":[{\"type\":\"bucketized\",\"source\":\"a\","
			  "\"boundaries\":[1,3,2]}]}", "boundaries must be sorted");
	expect_spec_error("{\"columns\":[{\"type\":\"bucketized\",\"source\":\"a\"}]}",
			  "give boundaries or quantiles");
	expect_spec_error("{\"columns\":[{\"type\":\"indicator\",\"categorical_column\":\"zz\"}]}",
			  "categorical_column 'zz' is not a column of the spec");
	expect_spec_error("{\"columns\":[{\"type\":\"numeric\",\"key\":\"a\"},"
			  "{\"type\":\"indicator\",\"categorical_column\":\"a\"}]}",
			  "'a' is a numeric column, not a categorical one");
	expect_spec_error("{\"columns\":[{\"type\":\"numeric\",\"key\":\"a\"},"
			  "{\"type\":\"numeric\",\"key\":\"a\"}]}", "the name 'a' is taken by column 1");
	expect_spec_error("{\"columns\":[{\"type\":\"categorical_with_vocabulary_list\",\"key\":\"a\","
			  "\"vocabulary_list\":[\"x\",\"x\"]}]}", "has 'x' twice");
	expect_spec_error("{\"columns\":[{\"type\":\"categorical_with_vocabulary_list\",\"key\":\"a\","
			  "\"vocabulary_list\":[\"x\"],\"num_oov_buckets\":2,\"default_value\":0}]}",
			  "not both");
	expect_spec_error("{\"columns\":[{\"type\":\"categorical_with_identity\",\"key\":\"a\","
			  "\"num_buckets\":4,\"default_value\":4}]}", "default_value must be in [0, 3]");
	expect_spec_error("{\"columns\":[{\"type\":\"categorical_with_hash_bucket\",\"key\":\"a\","
			  "\"hash_bucket_size\":1.5}]}", "hash_bucket_size must be an integer");
	expect_spec_error("{\"columns\":[{\"type\":\"rolling\",\"key\":\"a\",\"window\":3}]}",
			  "op is missing");
	expect_spec_error("{\"columns\":[{\"type\":\"embedding\",\"categorical_column\":\"a\"}]}",
			  "dimension is missing");
	expect_spec_error("{\"columns\":[{\"type\":\"numeric\",\"key\":\"a\"}],"
			  "\"passthrough\":[\"a\"]}", "'a' is also the name of a column");
}
END_TEST

START_TEST(test_spec_names)
{
	dl_err e;
	dl_fspec *s = parse("{\"columns\":["
		"{\"type\":\"numeric\",\"key\":\"age\"},"
		"{\"type\":\"bucketized\",\"source\":\"age\",\"boundaries\":[18,30,65]},"
		"{\"type\":\"categorical_with_vocabulary_list\",\"key\":\"color\","
		" \"vocabulary_list\":[\"r\",\"g\",7],\"num_oov_buckets\":2},"
		"{\"type\":\"crossed\",\"keys\":[\"color\",\"age_bucketized\",\"city\"],"
		" \"hash_bucket_size\":1000},"
		"{\"type\":\"indicator\",\"categorical_column\":\"color\"},"
		"{\"type\":\"embedding\",\"categorical_column\":\"age_bucketized\",\"dimension\":8},"
		"{\"type\":\"weighted\",\"categorical_column\":\"color\",\"weight_feature_key\":\"w\"},"
		"{\"type\":\"rolling\",\"key\":\"price\",\"op\":\"mean\",\"window\":5,\"group_by\":\"shop\"}"
		"],\"passthrough\":[\"label\",{\"key\":\"id\",\"type\":\"bytes\"}]}", &e);

	ck_assert_msg(s != NULL, "%s", e.msg);
	ck_assert_str_eq(s->col[1].name, "age_bucketized");
	ck_assert_str_eq(s->col[3].name, "age_bucketized_X_city_X_color");
	ck_assert_str_eq(s->col[4].name, "color_indicator");
	ck_assert_str_eq(s->col[5].name, "age_bucketized_embedding");
	ck_assert_str_eq(s->col[6].name, "color_weighted_by_w");
	ck_assert_str_eq(s->col[7].name, "price_rolling_mean_5_by_shop");
	/* Used columns are not emitted unless asked; the others are. */
	ck_assert_int_eq(s->col[0].emit, 0);
	ck_assert_int_eq(s->col[1].emit, 0);
	ck_assert_int_eq(s->col[2].emit, 0);
	ck_assert_int_eq(s->col[3].emit, 1);
	ck_assert_int_eq(s->col[2].num_buckets, 5);
	ck_assert_int_eq(s->col[4].num_buckets, 5);
	ck_assert_int_eq(s->col[5].num_buckets, 4);
	ck_assert_int_eq(dl_vocab_find(&s->col[2].vocab, "7", 1), 2);
	ck_assert_uint_eq(s->npass, 2);
	struct dl_fschema *sc;
	size_t n = dl_fspec_schema(s, &sc);
	ck_assert_uint_eq(n, 8);
	ck_assert_str_eq(sc[1].name, "color_indicator");
	ck_assert_int_eq(sc[1].width, 5);
	ck_assert_str_eq(sc[4].name, "color_weighted_by_w_weight");
	ck_assert_str_eq(sc[7].name, "id");
	ck_assert_int_eq(sc[7].kind, DL_FEATURE_BYTES);
	dl_free(sc);
	dl_fspec_free(s);
}
END_TEST

/* ---- apply and fit through files */

/* Applies spec to the data in text (written to a file), row by row, as JSON lines of the
 * outputs (via dl_fout), "bad: MESSAGE" for bad rows. */
static char *run_apply(dl_fspec *s, const char *name, const char *text)
{
	const char *path = tpath(name), *out = tpath("out.jsonl");
	dl_err e;
	dl_frows *r;
	dl_fx *x = dl_fx_new(s);
	dl_example ex;
	dl_buf b = { 0 };
	int got;
	size_t n;

	write_file(path, text, strlen(text));
	r = dl_frows_open(path, DL_FROWS_AUTO, 0, s->keys, s->nkeys, &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	dl_out *o = dl_out_open(out, DL_COMPRESS_NONE);
	dl_fout *w = dl_fout_new(o, DL_FOUT_JSONL, s);
	dl_buf enc = { 0 }, want = { 0 };
	dl_example_init(&ex);
	while ((got = dl_frows_next(r, &e)) != 0) {
		ck_assert_msg(got != -1, "%s", e.msg);
		if (got == -2) {
			dl_buf_printf(&b, "bad: %s\n", strstr(e.msg, name));
			continue;
		}
		if (dl_fx_apply(x, r, &e)) {
			dl_buf_printf(&b, "bad: %s: %s\n", strstr(dl_frows_where(r), name), e.msg);
			continue;
		}
		dl_fout_write(w, x);
		/* The direct records encoder writes what lib/record's encoder writes. */
		dl_buf_clear(&enc);
		dl_buf_clear(&want);
		dl_fx_example(x, &ex);
		dl_example_encode(&ex, &want);
		dl_fx_encode(x, &enc);
		ck_assert_uint_eq(enc.len, want.len);
		ck_assert(!memcmp(enc.data, want.data, enc.len));
	}
	dl_fout_free(w);
	dl_out_close(o);
	dl_buf_free(&enc);
	dl_buf_free(&want);
	char *res = (char *)read_file(out, &n);
	dl_buf_append(&b, res, n);
	dl_buf_putc(&b, '\0');
	dl_free(res);
	dl_example_free(&ex);
	dl_fx_free(x);
	dl_frows_close(r);
	return (char *)b.data;
}

START_TEST(test_apply_categorical)
{
	dl_err e;
	dl_fspec *s = parse("{\"columns\":["
		"{\"type\":\"categorical_with_vocabulary_list\",\"key\":\"c\","
		" \"vocabulary_list\":[\"r\",\"g\"],\"num_oov_buckets\":3,\"emit\":true},"
		"{\"type\":\"categorical_with_vocabulary_list\",\"key\":\"c\",\"name\":\"c2\","
		" \"vocabulary_list\":[\"r\",\"g\"]},"
		"{\"type\":\"categorical_with_hash_bucket\",\"key\":\"c\",\"name\":\"h\","
		" \"hash_bucket_size\":1000},"
		"{\"type\":\"categorical_with_identity\",\"key\":\"i\",\"num_buckets\":4},"
		"{\"type\":\"indicator\",\"categorical_column\":\"c\"},"
		"{\"type\":\"crossed\",\"keys\":[\"a\",\"b\",\"d\"],\"hash_bucket_size\":100,"
		" \"hash_key\":\"0xDECAFCAFFF\"}"
		"]}", &e);
	char want[2048];

	ck_assert_msg(s != NULL, "%s", e.msg);
	char *got = run_apply(s, "in.csv",
		"c,i,a,b,d\n"
		"g,3,batch1-FC1-F1,batch1-FC2-F1,batch1-FC3-F1\n"
		"zebra,0,,x,y\n"
		"r,4,x,y,z\n"
		"r,x1,x,y,z\n");
	uint64_t oov = 2 + dl_fingerprint64("zebra", 5) % 3;
	uint64_t hg = dl_fingerprint64("g", 1) % 1000, hz = dl_fingerprint64("zebra", 5) % 1000;
	snprintf(want, sizeof want,
		 "bad: in.csv:4: column 'i': 4 is outside [0, 4) and there is no default_value\n"
		 "bad: in.csv:5: column 'i': 'x1' is not an integer\n"
		 "{\"c\":{\"int64\":[1]},\"c2\":{\"int64\":[1]},\"h\":{\"int64\":[%" PRIu64 "]},"
		 "\"i\":{\"int64\":[3]},\"c_indicator\":{\"float\":[0,1,0,0,0]},"
		 "\"a_X_b_X_d\":{\"int64\":[31]}}\n"
		 "{\"c\":{\"int64\":[%" PRIu64 "]},\"c2\":{\"int64\":[-1]},\"h\":{\"int64\":[%" PRIu64
		 "]},\"i\":{\"int64\":[0]},\"c_indicator\":{\"float\":[0,0,%s]}}\n",
		 hg, oov, hz, oov == 2 ? "1,0,0" : oov == 3 ? "0,1,0" : "0,0,1");
	ck_assert_str_eq(got, want);
	dl_free(got);
	dl_fspec_free(s);
}
END_TEST

START_TEST(test_apply_jsonl_lists)
{
	dl_err e;
	dl_fspec *s = parse("{\"columns\":["
		"{\"type\":\"categorical_with_identity\",\"key\":\"i\",\"num_buckets\":10,"
		" \"default_value\":0},"
		"{\"type\":\"categorical_with_vocabulary_list\",\"key\":\"t\","
		" \"vocabulary_list\":[\"a\",\"b\",\"c\"]},"
		"{\"type\":\"crossed\",\"keys\":[\"i\",\"t\"],\"hash_bucket_size\":1000000},"
		"{\"type\":\"embedding\",\"categorical_column\":\"t\",\"dimension\":4},"
		"{\"type\":\"numeric\",\"key\":\"x\",\"default_value\":-1}"
		"]}", &e);
	char want[2048];

	ck_assert_msg(s != NULL, "%s", e.msg);
	char *got = run_apply(s, "in.jsonl",
		"{\"i\":[1,12],\"t\":[\"b\",\"z\",\"c\"],\"x\":2.5}\n"
		"\n"
		"{\"i\":{\"int64\":[]},\"t\":\"a\"}\n"
		"{\"x\":[1,2]}\n"
		"{\"x\":\n");
	/* Crossing ids: FingerprintCat64 over the int64 ids themselves, first key slowest. */
	uint64_t f[2], c[6];
	int64_t ids0[2] = { 1, 0 }, ids1[3] = { 1, -1, 2 };
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 3; b++) {
			f[0] = (uint64_t)ids0[a];
			f[1] = (uint64_t)ids1[b];
			c[a * 3 + b] = dl_cross_hash(DL_CROSS_HASH_KEY, f, 2, 1000000);
		}
	snprintf(want, sizeof want,
		 "bad: in.jsonl:4: column 'x': 2 values where one number belongs\n"
		 "bad: in.jsonl:5: expected a feature value, found the end of the line at column 6\n"
		 "{\"i_X_t\":{\"int64\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		 ",%" PRIu64 "]},\"t_embedding\":{\"int64\":[1,2]},\"x\":{\"float\":[2.5]}}\n"
		 "{\"t_embedding\":{\"int64\":[0]},\"x\":{\"float\":[-1]}}\n",
		 c[0], c[1], c[2], c[3], c[4], c[5]);
	ck_assert_str_eq(got, want);
	dl_free(got);
	dl_fspec_free(s);
}
END_TEST

/* ---- fit against numpy (tests/golden/features/fit-expected.txt) */

struct golden {
	char kind[16], file[32], col[64];
	double a[128];
	size_t na;
	char words[32][32];
	size_t nw;
	uint64_t min_count, top_k, k;
};

static size_t read_golden(struct golden **out)
{
	size_t n, cap = 0, count = 0;
	char *text = (char *)read_file(test_data("../golden/features/fit-expected.txt"), &n);
	char *line, *save = NULL;
	struct golden *g = NULL;

	ck_assert_ptr_nonnull(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tok, *s2 = NULL;
		if (count == cap)
			DL_GROW(g, cap, count + 1);
		struct golden *x = &g[count++];
		memset(x, 0, sizeof *x);
		snprintf(x->kind, sizeof x->kind, "%s", strtok_r(line, " ", &s2));
		snprintf(x->file, sizeof x->file, "%s", strtok_r(NULL, " ", &s2));
		snprintf(x->col, sizeof x->col, "%s", strtok_r(NULL, " ", &s2));
		if (!strcmp(x->kind, "vocab")) {
			x->min_count = strtoull(strtok_r(NULL, " ", &s2), NULL, 10);
			x->top_k = strtoull(strtok_r(NULL, " ", &s2), NULL, 10);
			while ((tok = strtok_r(NULL, " ", &s2)) && x->nw < 32)
				snprintf(x->words[x->nw++], 32, "%s", tok);
			continue;
		}
		if (!strcmp(x->kind, "quantiles"))
			x->k = strtoull(strtok_r(NULL, " ", &s2), NULL, 10);
		while ((tok = strtok_r(NULL, " ", &s2)) && x->na < 128)
			x->a[x->na++] = strtod(tok, NULL);
	}
	dl_free(text);
	*out = g;
	return count;
}

/* A spec with a column for every golden line of file. */
static dl_fspec *golden_spec(const struct golden *g, size_t n, const char *file)
{
	dl_buf b = { 0 };
	dl_err e;

	dl_buf_puts(&b, "{\"columns\":[");
	for (size_t i = 0, first = 1; i < n; i++) {
		if (strcmp(g[i].file, file))
			continue;
		if (!first)
			dl_buf_putc(&b, ',');
		first = 0;
		if (!strcmp(g[i].kind, "numeric"))
			dl_buf_printf(&b, "{\"type\":\"numeric\",\"key\":\"%s\",\"name\":\"g%zu\","
				      "\"normalizer\":\"zscore\"}", g[i].col, i);
		else if (!strcmp(g[i].kind, "quantiles"))
			dl_buf_printf(&b, "{\"type\":\"bucketized\",\"source\":\"%s\",\"name\":\"g%zu\","
				      "\"quantiles\":%" PRIu64 "}", g[i].col, i, g[i].k);
		else
			dl_buf_printf(&b, "{\"type\":\"categorical_with_vocabulary\",\"key\":\"%s\","
				      "\"name\":\"g%zu\",\"min_count\":%" PRIu64 ",\"top_k\":%" PRIu64
				      "}", g[i].col, i, g[i].min_count, g[i].top_k);
	}
	dl_buf_puts(&b, "]}");
	dl_fspec *s = dl_fspec_parse((const char *)b.data, b.len, &e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	dl_buf_free(&b);
	return s;
}

static void fit_file(dl_fspec *s, const char *path)
{
	dl_err e;
	dl_frows *r = dl_frows_open(path, DL_FROWS_AUTO, 0, s->keys, s->nkeys, &e);
	dl_fit *f = dl_fit_new(s);
	int got;

	ck_assert_msg(r != NULL, "%s", e.msg);
	while ((got = dl_frows_next(r, &e)) > 0)
		ck_assert_msg(dl_fit_row(f, r, &e) == 0, "%s", e.msg);
	ck_assert_msg(got == 0, "%s", e.msg);
	ck_assert_msg(dl_fit_finish(f, &e) == 0, "%s", e.msg);
	dl_fit_free(f);
	dl_frows_close(r);
}

/* |got - want| within rel of scale (the data's magnitude: a mean near 0 of values near 1
 * is as exact as the values allow, not to a relative 1e-13 of itself). */
static void close_to(double got, double want, double rel, double scale, const char *what)
{
	ck_assert_msg(fabs(got - want) <= rel * scale, "%s: %.17g, want %.17g", what, got, want);
}

START_TEST(test_fit_golden)
{
	static const char *const files[] = { "wine.csv", "diabetes.csv" };
	struct golden *g;
	size_t n = read_golden(&g), checked = 0;
	char path[64];

	for (size_t fi = 0; fi < 2; fi++) {
		dl_fspec *s = golden_spec(g, n, files[fi]);
		snprintf(path, sizeof path, "features/%s", files[fi]);
		fit_file(s, test_data(path));
		for (size_t i = 0; i < n; i++) {
			char name[32];
			if (strcmp(g[i].file, files[fi]))
				continue;
			snprintf(name, sizeof name, "g%zu", i);
			const dl_fcol *c = NULL;
			for (size_t j = 0; j < s->ncol; j++)
				if (!strcmp(s->col[j].name, name))
					c = &s->col[j];
			ck_assert_ptr_nonnull(c);
			if (!strcmp(g[i].kind, "numeric")) {
				/* Welford against numpy's pairwise sums: a few ulps apart at most. */
				ck_assert_uint_eq(c->count, (uint64_t)g[i].a[0]);
				double mag = fmax(fabs(g[i].a[3]), fabs(g[i].a[4]));
				close_to(c->mean, g[i].a[1], 1e-13, mag, g[i].col);
				close_to(c->var, g[i].a[2], 1e-12, g[i].a[2], g[i].col);
				ck_assert(c->min == g[i].a[3] && c->max == g[i].a[4]);
			} else if (!strcmp(g[i].kind, "quantiles")) {
				/* Same interpolation as numpy: the same doubles. */
				ck_assert_uint_eq(c->nbounds, g[i].na);
				for (size_t k = 0; k < c->nbounds; k++)
					ck_assert_msg(c->bounds[k] == g[i].a[k],
						      "%s K=%" PRIu64 " boundary %zu: %.17g, want %.17g",
						      g[i].col, g[i].k, k, c->bounds[k], g[i].a[k]);
			} else {
				ck_assert_uint_eq(c->vocab.n, g[i].nw);
				for (size_t k = 0; k < g[i].nw; k++)
					ck_assert_str_eq(c->vocab.str[k], g[i].words[k]);
			}
			checked++;
		}
		dl_fspec_free(s);
	}
	ck_assert_uint_eq(checked, n);
	ck_assert_uint_ge(checked, 80);
	dl_free(g);
}
END_TEST

/* ---- FITTED.json */

START_TEST(test_fitted_round_trip)
{
	struct golden *g;
	size_t n = read_golden(&g);
	dl_fspec *s = golden_spec(g, n, "wine.csv"), *t;
	dl_buf a = { 0 }, b = { 0 };
	dl_err e;

	fit_file(s, test_data("features/wine.csv"));
	dl_fspec_write_fitted(s, &a);
	t = dl_fspec_read_fitted((const char *)a.data, a.len, &e);
	ck_assert_msg(t != NULL, "%s", e.msg);
	dl_fspec_write_fitted(t, &b);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert(!memcmp(a.data, b.data, a.len));
	dl_fspec_free(t);

	/* A model whose spec was changed after fitting is refused. */
	dl_buf_putc(&a, '\0');
	char *p = strstr((char *)a.data, "\"quantiles\":10");
	ck_assert_ptr_nonnull(p);
	p[13] = '9';
	ck_assert_ptr_null(dl_fspec_read_fitted((const char *)a.data, a.len - 1, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "spec_fingerprint does not match"));
	ck_assert_ptr_null(dl_fspec_read_fitted("{\"a\":1}", 7, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "not a dl-features model"));
	ck_assert_ptr_null(dl_fspec_read_fitted("{\"format\"", 9, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "not valid JSON"));
	dl_buf_free(&a);
	dl_buf_free(&b);
	dl_fspec_free(s);
	dl_free(g);
}
END_TEST

/* Learned vocabularies of bytes that JSON strings cannot carry (not UTF-8, NUL) go into
 * FITTED.json as base64 and come back the same. */
START_TEST(test_fitted_bytes)
{
	static const char data[] = "c,d\n\xff\xfe,1\nab,2\n\xff\xfe,3\n\"x\x01y\",4\n";
	dl_err e;
	dl_fspec *s = parse("{\"columns\":[{\"type\":\"categorical_with_vocabulary\",\"key\":\"c\"}]}",
			    &e), *t;
	dl_buf a = { 0 }, b = { 0 };

	ck_assert_msg(s != NULL, "%s", e.msg);
	write_file(tpath("bytes.csv"), data, sizeof data - 1);
	fit_file(s, tpath("bytes.csv"));
	ck_assert_uint_eq(s->col[0].vocab.n, 3);
	ck_assert_str_eq(s->col[0].vocab.str[0], "\xff\xfe");
	dl_fspec_write_fitted(s, &a);
	dl_buf_putc(&a, '\0');
	ck_assert_ptr_nonnull(strstr((const char *)a.data, "{\"base64\":\"//4=\"}"));
	t = dl_fspec_read_fitted((const char *)a.data, a.len - 1, &e);
	ck_assert_msg(t != NULL, "%s", e.msg);
	ck_assert_uint_eq(t->col[0].vocab.n, 3);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(t->col[0].vocab.len[i], s->col[0].vocab.len[i]);
		ck_assert(!memcmp(t->col[0].vocab.str[i], s->col[0].vocab.str[i],
				  s->col[0].vocab.len[i]));
	}
	dl_fspec_write_fitted(t, &b);
	dl_buf_putc(&b, '\0');
	ck_assert_str_eq((const char *)a.data, (const char *)b.data);
	dl_buf_free(&a);
	dl_buf_free(&b);
	dl_fspec_free(t);
	dl_fspec_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("features");
	TCase *tc = tcase(s, "hash", 0);
	tcase_add_test(tc, test_fingerprint64_golden);
	tcase_add_test(tc, test_cross_published);
	tcase_add_test(tc, test_vocab);
	tc = tcase(s, "window", 0);
	tcase_add_test(tc, test_window_property);
	tcase_add_test(tc, test_window_groups);
	tc = tcase(s, "spec", 1);
	tcase_add_test(tc, test_parse_double);
	tcase_add_test(tc, test_spec_errors);
	tcase_add_test(tc, test_spec_names);
	tcase_add_test(tc, test_apply_categorical);
	tcase_add_test(tc, test_apply_jsonl_lists);
	tcase_add_test(tc, test_fit_golden);
	tcase_add_test(tc, test_fitted_round_trip);
	tcase_add_test(tc, test_fitted_bytes);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
