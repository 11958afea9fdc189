/*
 * check_recordtools.c — unit tests of the record tools' parts: the bounded-memory shuffle,
 * schema statistics, and the temporary-file helpers they use.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/tmp.h"
#include "record/example.h"
#include "record/schema.h"
#include "record/shuffle.h"

/* ---- shuffle */

struct collect {
	dl_buf order;           /* the first byte of each record, in emitted order */
	size_t n;
	uint64_t sum;           /* of all bytes of all records */
};

static void collect(void *ctx, const uint8_t *p, size_t n)
{
	struct collect *c = ctx;

	dl_buf_putc(&c->order, n ? p[0] : 0);
	c->n++;
	for (size_t i = 0; i < n; i++)
		c->sum += p[i];
}

/* Shuffles records "\x00", "\x01", ... (each padded to len bytes) and collects them. */
static void run_shuffle(uint64_t seed, size_t budget, size_t nrec, size_t len, struct collect *c)
{
	dl_shuffle *s = dl_shuffle_new(seed, budget);
	uint8_t *rec = dl_calloc(len, 1);
	dl_err e;

	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < nrec; i++) {
		rec[0] = (uint8_t)i;
		ck_assert_int_eq(dl_shuffle_add(s, rec, len, &e), 0);
	}
	ck_assert_int_eq(dl_shuffle_finish(s, collect, c, &e), 0);
	dl_shuffle_free(s);
	dl_free(rec);
}

static int perm_index(const uint8_t *p, size_t n)
{
	/* Lehmer code of a permutation of 0..n-1 */
	int idx = 0;

	for (size_t i = 0; i < n; i++) {
		int smaller = 0;

		for (size_t j = i + 1; j < n; j++)
			smaller += p[j] < p[i];
		idx = idx * (int)(n - i) + smaller;
	}
	return idx;
}

/* Chi-square statistic of the counts of all 4! orders over many seeds. The critical value
 * of chi-square with 23 degrees of freedom at p = 0.001 is 49.73; the seeds are fixed, so
 * the test is deterministic, and a biased shuffle lands far beyond it. */
static double chi_square_orders(size_t budget, int runs)
{
	int count[24] = {0};
	double chi = 0, expect = runs / 24.0;

	for (int r = 0; r < runs; r++) {
		struct collect c;

		run_shuffle(1000 + r, budget, 4, 8, &c);
		ck_assert_uint_eq(c.n, 4);
		count[perm_index(c.order.data, 4)]++;
		dl_buf_free(&c.order);
	}
	for (int i = 0; i < 24; i++)
		chi += (count[i] - expect) * (count[i] - expect) / expect;
	return chi;
}

START_TEST(shuffle_uniform_in_memory)
{
	ck_assert_double_lt(chi_square_orders(1 << 20, 24000), 49.73);
}
END_TEST

START_TEST(shuffle_uniform_spilled)
{
	/* A budget below one record's size sends every record but the first through the
	 * bucket files, and buckets holding two or more records recurse. */
	ck_assert_double_lt(chi_square_orders(1, 2400), 49.73);
}
END_TEST

START_TEST(shuffle_permutation_and_deterministic)
{
	struct collect a, b, c, d;
	const size_t n = 5000, len = 100;

	run_shuffle(7, 64 << 10, n, len, &a);           /* spills: 500 KB > 64 KB */
	run_shuffle(7, 64 << 10, n, len, &b);
	run_shuffle(8, 64 << 10, n, len, &c);
	run_shuffle(7, 64 << 20, n, len, &d);           /* in memory */
	ck_assert_uint_eq(a.n, n);
	ck_assert_uint_eq(d.n, n);
	ck_assert_mem_eq(a.order.data, b.order.data, n);
	ck_assert(memcmp(a.order.data, c.order.data, n) != 0);
	/* every record comes back once: the first bytes are i mod 256, so each byte value
	 * appears n/256 or n/256+1 times */
	for (int v = 0; v < 256; v++) {
		size_t cnt = 0, want = n / 256 + ((size_t)v < n % 256);

		for (size_t i = 0; i < n; i++)
			cnt += a.order.data[i] == v;
		ck_assert_uint_eq(cnt, want);
	}
	ck_assert_uint_eq(a.sum, d.sum);
	dl_buf_free(&a.order);
	dl_buf_free(&b.order);
	dl_buf_free(&c.order);
	dl_buf_free(&d.order);
}
END_TEST

START_TEST(shuffle_empty_and_one)
{
	struct collect c;

	run_shuffle(1, 1, 0, 8, &c);
	ck_assert_uint_eq(c.n, 0);
	run_shuffle(1, 1, 1, 8, &c);
	ck_assert_uint_eq(c.n, 1);
	dl_buf_free(&c.order);
}
END_TEST

/* ---- temporary files */

START_TEST(tmp_spool_copies_and_rewinds)
{
	int p[2];
	char got[6] = {0};
	dl_err e;
	int fd;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "hello", 5), 5);
	close(p[1]);
	fd = dl_tmp_spool(p[0], &e);
	close(p[0]);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, got, 5), 5);
	ck_assert_str_eq(got, "hello");
	close(fd);
}
END_TEST

START_TEST(tmp_dir_from_environment)
{
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	dl_err e;

	setenv("TMPDIR", "/nonexistent-dl-dir", 1);
	ck_assert_str_eq(dl_tmp_dir(), "/nonexistent-dl-dir");
	ck_assert_int_eq(dl_tmp_fd(&e), -1);
	ck_assert(strstr(e.msg, "/nonexistent-dl-dir") != NULL);
	setenv("TMPDIR", "", 1);
	ck_assert_str_eq(dl_tmp_dir(), "/tmp");
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
}
END_TEST

/* ---- schema */

static void example_a(dl_example *ex, int64_t label, float x, const char *text)
{
	dl_example_clear(ex);
	dl_example_add(ex, "y", 1, DL_FEATURE_INT64);
	dl_example_add_int64(ex, label);
	dl_example_add(ex, "x", 1, DL_FEATURE_FLOAT);
	dl_example_add_float(ex, x);
	dl_example_add_float(ex, -x);
	if (text) {
		dl_example_add(ex, "t", 1, DL_FEATURE_BYTES);
		dl_example_add_bytes(ex, text, strlen(text));
	}
}

START_TEST(schema_json)
{
	dl_schema *s = dl_schema_new();
	dl_example ex;
	dl_buf b = {0};

	dl_example_init(&ex);
	example_a(&ex, 3, 0.5f, "hello");
	dl_schema_add(s, &ex);
	example_a(&ex, -9007199254740993LL, 2.0f, NULL);
	dl_schema_add(s, &ex);
	dl_example_clear(&ex);
	dl_example_add(&ex, "x", 1, DL_FEATURE_INT64);
	dl_schema_add(s, &ex);
	dl_schema_write_json(s, &b);
	dl_buf_putc(&b, 0);
	ck_assert_str_eq((char *)b.data,
		"{\"records\":3,\"features\":["
		"{\"name\":\"y\",\"kinds\":[\"int64\"],\"records\":2,\"values\":2,\"min_length\":1,"
		"\"max_length\":1,\"int64_min\":\"-9007199254740993\",\"int64_max\":3},"
		"{\"name\":\"x\",\"kinds\":[\"float\",\"int64\"],\"records\":3,\"values\":4,"
		"\"min_length\":0,\"max_length\":2,\"float_min\":-2,\"float_max\":2,\"nan\":0},"
		"{\"name\":\"t\",\"kinds\":[\"bytes\"],\"records\":1,\"values\":1,\"min_length\":1,"
		"\"max_length\":1,\"bytes_min_length\":5,\"bytes_max_length\":5}]}\n");
	dl_buf_clear(&b);
	dl_schema_write_text(s, &b);
	dl_buf_putc(&b, 0);
	ck_assert(strncmp((char *)b.data, "3 records, 3 features\n", 22) == 0);
	ck_assert(strstr((char *)b.data, "float|int64") != NULL);
	ck_assert(strstr((char *)b.data, "5 .. 5 bytes") != NULL);
	dl_buf_free(&b);
	dl_example_free(&ex);
	dl_schema_free(s);
}
END_TEST

START_TEST(schema_many_names)
{
	/* enough names to grow the hash table several times; order of first sight kept */
	dl_schema *s = dl_schema_new();
	dl_example ex;
	dl_buf b = {0};
	char name[16];

	dl_example_init(&ex);
	for (int i = 0; i < 1000; i++) {
		int len = snprintf(name, sizeof name, "f%d", i);

		dl_example_add(&ex, name, (size_t)len, DL_FEATURE_INT64);
		dl_example_add_int64(&ex, i);
	}
	dl_schema_add(s, &ex);
	dl_schema_add(s, &ex);
	dl_schema_write_json(s, &b);
	dl_buf_putc(&b, 0);
	ck_assert(strstr((char *)b.data, "{\"name\":\"f0\",\"kinds\":[\"int64\"],\"records\":2") != NULL);
	ck_assert(strstr((char *)b.data, "{\"name\":\"f999\",\"kinds\":[\"int64\"],\"records\":2,"
			 "\"values\":2,\"min_length\":1,\"max_length\":1,\"int64_min\":999,"
			 "\"int64_max\":999}]}") != NULL);
	ck_assert(strstr((char *)b.data, "\"f998\"") < strstr((char *)b.data, "\"f999\""));
	dl_buf_free(&b);
	dl_example_free(&ex);
	dl_schema_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("recordtools");
	TCase *t = tcase_create("shuffle");
	SRunner *r;
	int failed;

	tcase_set_timeout(t, 120);
	tcase_add_test(t, shuffle_uniform_in_memory);
	tcase_add_test(t, shuffle_uniform_spilled);
	tcase_add_test(t, shuffle_permutation_and_deterministic);
	tcase_add_test(t, shuffle_empty_and_one);
	suite_add_tcase(s, t);
	t = tcase_create("tmp");
	tcase_add_test(t, tmp_spool_copies_and_rewinds);
	tcase_add_test(t, tmp_dir_from_environment);
	suite_add_tcase(s, t);
	t = tcase_create("schema");
	tcase_add_test(t, schema_json);
	tcase_add_test(t, schema_many_names);
	suite_add_tcase(s, t);
	r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? 1 : 0;
}
