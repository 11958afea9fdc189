/*
 * check_data_table.c — unit tests of lib/data's table readers and table operations.
 *
 * Number parsing is checked against the C library's strtof (bit for bit) on many generated
 * decimals, short and long, near float midpoints and far out of range, read directly and
 * through a CSV larger than the reader's block. Each format is read with every option:
 * CSV (quotes, CRLF, BOM, blank lines, missing values, label/weight/group/exclude, model
 * feature order with allow_absent/ignore_extra, delimiters, gzip), libsvm (weights, qid,
 * comments, zero/one/auto-based indices, unsorted entries, feature matching) and records
 * (columns by first appearance, int64 and float, empty lists, bytes refused unless
 * excluded, gzip), plus automatic detection. Every bad input has its exact message:
 * ragged rows, non-numeric cells, NaN labels, empty data, duplicate header names, bad
 * libsvm tokens, query ids out of order, truncated records. Then get/densify/subset/groups.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "data/table.h"
#include "data/tablepriv.h"
#include "record/example.h"
#include "record/tfrecord.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ================================================================== helpers */

static dl_err err;
static int usage;

static dl_table *rd(const char *txt, const dl_table_options *o)
{
	static const dl_table_options none;
	memset(&err, 0, sizeof err);
	usage = -1;
	return dl_table_read_mem(txt, strlen(txt), "t", o ? o : &none, &usage, &err);
}

/* Reading txt fails with exactly msg (and the usage flag u). */
static void bad(const char *txt, const dl_table_options *o, const char *msg, int u)
{
	dl_table *t = rd(txt, o);
	if (t)
		ck_abort_msg("read succeeded, expected: %s", msg);
	ck_assert_str_eq(err.msg, msg);
	ck_assert_int_eq(usage, u);
}

static dl_table *good(const char *txt, const dl_table_options *o)
{
	dl_table *t = rd(txt, o);
	if (!t)
		ck_abort_msg("read failed: %s", err.msg);
	return t;
}

static int same(float a, float b)
{
	return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

#define VAL(t, r, c, v) ck_assert_msg(same(dl_table_get(t, r, c), (float)(v)), \
				      "(%d, %d) = %g, not %g", (int)(r), (int)(c), \
				      (double)dl_table_get(t, r, c), (double)(v))

static void names_are(const dl_table *t, const char *const *want, size_t n)
{
	ck_assert_uint_eq(t->ncol, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(t->names[i], want[i]);
}

/* ================================================================== numbers */

/* A random decimal in one of several shapes; returns its length. */
static int random_decimal(char *buf, size_t size, uint64_t *s)
{
	uint64_t r = gen(s);
	int ndig = 1 + (int)(r % 20), exp = (int)((r >> 8) % 90) - 50, kind = (int)((r >> 16) % 6);
	char digits[32];
	for (int i = 0; i < ndig; i++)
		digits[i] = (char)('0' + gen(s) % 10);
	digits[ndig] = 0;
	const char *sign = (r >> 20) & 1 ? "-" : (r >> 21) % 8 == 0 ? "+" : "";
	switch (kind) {
	case 0:         /* numpy's %.18e */
		return snprintf(buf, size, "%s%c.%se%+03d", sign, '1' + (int)(r % 9), digits, exp);
	case 1:         /* plain integers */
		return snprintf(buf, size, "%s%s", sign, digits);
	case 2:         /* d.ddd */
		return snprintf(buf, size, "%s%.*s.%s", sign, 1 + (int)((r >> 24) % 4), digits,
				digits + 1);
	case 3:         /* 0.000ddd */
		return snprintf(buf, size, "%s0.%0*d%s", sign, (int)((r >> 24) % 6), 0, digits);
	case 4: {       /* a float printed with 9 digits, then nudged to a midpoint */
		float f;
		uint32_t u = (uint32_t)gen(s);
		memcpy(&f, &u, sizeof f);
		if (!isfinite(f))
			f = 1.5f;
		double mid = (double)f + (double)(nextafterf(f, INFINITY) - f) / 2;
		return snprintf(buf, size, "%.*g", 6 + (int)((r >> 24) % 14), (r >> 30) & 1 ? mid : f);
	}
	default:        /* short with exponent */
		return snprintf(buf, size, "%s%.*se%d", sign, 1 + ndig % 8, digits, exp);
	}
}

START_TEST(test_numbers_exact)
{
	uint64_t s = 42;
	char buf[96];
	size_t fast = 0;
	for (int i = 0; i < 30000; i++) {
		int n = random_decimal(buf, sizeof buf, &s);
		float want = strtof(buf, NULL), got = -1, f2;
		FAST_ASSERT(dl_data_parse_cell(buf, (size_t)n, &got) == 0);
		if (!same(got, want))
			ck_abort_msg("'%s': %a, strtof %a", buf, (double)got, (double)want);
		const char *q = dl_data_fast_float(buf, buf + n, &f2);
		if (q) {
			fast++;
			FAST_ASSERT(q == buf + n);
			if (!same(f2, want))
				ck_abort_msg("fast '%s': %a, strtof %a", buf, (double)f2, (double)want);
		}
	}
	ck_assert_uint_gt(fast, 22000);    /* the fast path takes most */
	static const char *const edge[] = {
		"0", "-0", "0.0", ".5", "5.", "1e38", "3.4028235e38", "3.4028236e38", "1e39",
		"1.17549435e-38", "1e-45", "1.4e-45", "7e-46", "1e-50", "16777217", "16777216.5",
		"0.1", "123456789012345678901234567890", "1.0000000596046447753906250",
		"1.00000005960464477539062500001", "inf", "-Infinity", "1E5", "+.5e-3",
	};
	for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
		float got, want = strtof(edge[i], NULL);
		ck_assert_int_eq(dl_data_parse_cell(edge[i], strlen(edge[i]), &got), 0);
		ck_assert_msg(same(got, want), "'%s': %a, strtof %a", edge[i], (double)got,
			      (double)want);
	}
	static const char *const missing[] = { "", "  ", "NA", "nan", "NaN", "-nan", "NAN" };
	for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
		float v = 0;
		ck_assert_int_eq(dl_data_parse_cell(missing[i], strlen(missing[i]), &v), 0);
		ck_assert(isnan(v));
	}
	static const char *const notnum[] = { "abc", "1.2.3", "0x10", "1e", "--1", "1 2", ".", "-",
					      "1,5", "e5" };
	for (size_t i = 0; i < sizeof notnum / sizeof notnum[0]; i++) {
		float v;
		ck_assert_msg(dl_data_parse_cell(notnum[i], strlen(notnum[i]), &v) < 0, "%s",
			      notnum[i]);
	}
	int64_t q;
	ck_assert_int_eq(dl_data_parse_qid("12", 2, &q), 0);
	ck_assert_int_eq(q, 12);
	ck_assert_int_eq(dl_data_parse_qid("-3.0", 4, &q), 0);
	ck_assert_int_eq(q, -3);
	ck_assert_int_eq(dl_data_parse_qid("9223372036854775807", 19, &q), 0);
	ck_assert(q == INT64_MAX);
	ck_assert_int_lt(dl_data_parse_qid("1.5", 3, &q), 0);
	ck_assert_int_lt(dl_data_parse_qid("", 0, &q), 0);
}
END_TEST

/* A CSV of 5 MB (more than one block of the reader, so rows and quoted fields are cut by
 * block ends) of random decimals and quoted padding, read and compared with strtof. */
START_TEST(test_csv_big_exact)
{
	size_t rows = 25000, cols = 3;
	dl_buf b = { 0 };
	uint64_t s = 7;
	char cell[96];
	float *want = dl_mallocarray(rows * cols, sizeof *want);
	static const char *const ex[] = { "pad" };
	static const char pad[] = "0123456789012345678901234567890123456789012345678901234567890"
				  "123456789012345678901234567890123456789012345678901234567890"
				  "123456789012345678901234567890123456789012345678901234567890"
				  "1234567890123456789012345678901234567890";
	dl_buf_puts(&b, "a,pad,b,c\n");
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			random_decimal(cell, sizeof cell, &s);
			want[r * cols + c] = strtof(cell, NULL);
			dl_buf_puts(&b, cell);
			if (c == 0)     /* a quoted pad with a quote, a newline and a comma */
				dl_buf_printf(&b, ",\"%.*s\"\"\n,\"", 100 + (int)(gen(&s) % 100), pad);
			dl_buf_puts(&b, c + 1 < cols ? "," : r % 3 ? "\n" : "\r\n");
		}
	ck_assert_uint_gt(b.len, 9 << 19);
	dl_table_options o = { .exclude = ex, .nexclude = 1 };
	dl_table *t = dl_table_read_mem(b.data, b.len, "big", &o, NULL, &err);
	ck_assert_msg(t != NULL, "%s", err.msg);
	ck_assert_uint_eq(t->nrow, rows);
	ck_assert_uint_eq(t->ncol, cols);
	for (size_t i = 0; i < rows * cols; i++)
		if (!same(t->x[i], want[i]))
			ck_abort_msg("cell %zu: %a, strtof %a", i, (double)t->x[i], (double)want[i]);
	dl_table_free(t);
	dl_free(want);
	dl_buf_free(&b);
}
END_TEST

/* A quote-free CSV of 4.5 MB with blank lines is parsed in parallel parts: every thread
 * count gives the same table, and an error deep inside gives the serial message. */
static void big_plain_csv(dl_buf *b, size_t rows, uint64_t seed)
{
	uint64_t s = seed;
	char cell[96];
	dl_buf_puts(b, "a,label,b,c,pad\n");
	for (size_t r = 0; r < rows; r++) {
		for (int c = 0; c < 5; c++) {
			if (c == 1)
				snprintf(cell, sizeof cell, "%d", (int)(r % 2));
			else if (c == 4)   /* text, not parsed: excluded */
				snprintf(cell, sizeof cell, "some text of row %zu to make it long", r);
			else
				random_decimal(cell, sizeof cell, &s);
			dl_buf_puts(b, cell);
			dl_buf_puts(b, c < 4 ? "," : r % 5 ? "\n" : "\r\n");
		}
		if (r % 1000 == 7)
			dl_buf_puts(b, "\n");
	}
}

START_TEST(test_csv_parallel)
{
	dl_buf b = { 0 };
	size_t rows = 60000;
	big_plain_csv(&b, rows, 11);
	ck_assert_uint_gt(b.len, 9 << 19);
	static const char *const pad[] = { "pad" };
	dl_table_options o = { .require_label = 1, .exclude = pad, .nexclude = 1 };
	dl_table *ref = NULL;
	for (int th = 1; th <= 3; th++) {
		dl_table_set_threads(th);
		dl_table *t = dl_table_read_mem(b.data, b.len, "p", &o, NULL, &err);
		ck_assert_msg(t != NULL, "%s", err.msg);
		ck_assert_uint_eq(t->nrow, rows);
		if (!ref) {
			ref = t;
			continue;
		}
		ck_assert(memcmp(t->x, ref->x, rows * 3 * sizeof *t->x) == 0);
		ck_assert(memcmp(t->label, ref->label, rows * sizeof *t->label) == 0);
		dl_table_free(t);
	}
	/* Against strtof, cell by cell. */
	char *text = (char *)b.data;
	text[b.len - 1] = 0;   /* the last newline */
	char *line = strchr(text, '\n') + 1;
	for (size_t r = 0; r < rows; line++) {
		if (*line == '\n')
			continue;
		char *end;
		float a = strtof(line, &end);
		strtof(end + 1, &end);
		float bb = strtof(end + 1, &end), c = strtof(end + 1, &end);
		end = strchr(end, ',');
		if (!same(ref->x[r * 3], a) || !same(ref->x[r * 3 + 1], bb) ||
		    !same(ref->x[r * 3 + 2], c))
			ck_abort_msg("row %zu differs from strtof", r);
		r++;
		line = strchr(end, '\n');
		if (!line)
			break;
	}
	dl_table_free(ref);
	/* Errors deep inside: the same message with any thread count. */
	dl_buf_clear(&b);
	big_plain_csv(&b, rows, 11);
	size_t at = b.len * 2 / 3;
	while (b.data[at] != '\n')
		at++;
	uint64_t lines = 1;
	for (size_t i = 0; i <= at; i++)
		lines += b.data[i] == '\n';
	char want[96], want2[96];
	snprintf(want, sizeof want, "p:%llu: column 'a': 'zz' is not a number",
		 (unsigned long long)lines);
	snprintf(want2, sizeof want2, "p:%llu: label is NaN", (unsigned long long)lines);
	dl_buf bad1 = { 0 }, bad2 = { 0 };
	dl_buf_append(&bad1, b.data, at + 1);
	dl_buf_puts(&bad1, "zz,1,2,3,x\n");
	dl_buf_append(&bad1, b.data + at + 1, b.len - at - 1);
	dl_buf_append(&bad2, b.data, at + 1);
	dl_buf_puts(&bad2, "1,nan,2,3,x\n");
	dl_buf_append(&bad2, b.data + at + 1, b.len - at - 1);
	for (int th = 1; th <= 2; th++) {
		dl_table_set_threads(th);
		ck_assert_ptr_null(dl_table_read_mem(bad1.data, bad1.len, "p", &o, NULL, &err));
		ck_assert_str_eq(err.msg, want);
		ck_assert_ptr_null(dl_table_read_mem(bad2.data, bad2.len, "p", &o, NULL, &err));
		ck_assert_str_eq(err.msg, want2);
	}
	dl_table_set_threads(0);
	dl_buf_free(&b);
	dl_buf_free(&bad1);
	dl_buf_free(&bad2);
}
END_TEST

/* ================================================================== CSV */

START_TEST(test_csv_basic)
{
	/* BOM, CRLF, quotes, a blank line, missing cells, no final newline. */
	dl_table *t = good("\xef\xbb\xbf" "a,label,\"b c\"\r\n1,0,2.5\r\n\r\n\"3\",1,\"\"\n"
			   "-4e2,0,NA\n5,1,nan\n6, 1 ,\" 7 \"", NULL);
	static const char *const nm[] = { "a", "b c" };
	names_are(t, nm, 2);
	ck_assert_uint_eq(t->nrow, 5);
	ck_assert_ptr_nonnull(t->x);
	ck_assert_ptr_null(t->rowptr);
	ck_assert_ptr_null(t->weight);
	ck_assert_ptr_null(t->qid);
	static const float y[] = { 0, 1, 0, 1, 1 };
	static const float x[] = { 1, 2.5f, 3, NAN, -400, NAN, 5, NAN, 6, 7 };
	for (size_t r = 0; r < 5; r++) {
		ck_assert(same(t->label[r], y[r]));
		for (size_t c = 0; c < 2; c++)
			VAL(t, r, c, x[r * 2 + c]);
	}
	dl_table_free(t);
	/* gzip, from a file. */
	static const char small[] = "a,label\n1.5,1\n2.5,0\n";
	gzFile gz = gzopen(tpath("s.csv.gz"), "wb");
	gzwrite(gz, small, sizeof small - 1);
	gzclose(gz);
	dl_table_options none = { 0 };
	t = dl_table_read(tpath("s.csv.gz"), &none, &usage, &err);
	ck_assert_msg(t != NULL, "%s", err.msg);
	ck_assert_uint_eq(t->nrow, 2);
	VAL(t, 1, 0, 2.5);
	ck_assert(t->label[0] == 1);
	dl_table_free(t);
	/* No label column: no label. One column: an empty line is a missing cell. */
	t = good("x\n1\n\n2\n", NULL);
	ck_assert_ptr_null(t->label);
	ck_assert_uint_eq(t->nrow, 3);
	VAL(t, 1, 0, NAN);
	dl_table_free(t);
}
END_TEST

START_TEST(test_csv_roles)
{
	static const char *const ex[] = { "id", "name" };
	dl_table_options o = { .label = "y", .weight = "w", .group = "q", .exclude = ex,
			       .nexclude = 2, .delimiter = ';' };
	/* Quoted fields of excluded columns may hold anything, newlines too. */
	dl_table *t = good("id;q;name;f1;y;w;f2\n7;1;\"x;\"\"y\"\"\nz\";1.5;1;2;3\n"
			   "8;1;plain;2.5;0;0.5;4\n9;5;\"\";3.5;1;1;5\n", &o);
	static const char *const nm[] = { "f1", "f2" };
	names_are(t, nm, 2);
	ck_assert_uint_eq(t->nrow, 3);
	ck_assert(t->label[0] == 1 && t->label[1] == 0 && t->label[2] == 1);
	ck_assert(t->weight[0] == 2 && t->weight[1] == 0.5f && t->weight[2] == 1);
	ck_assert(t->qid[0] == 1 && t->qid[1] == 1 && t->qid[2] == 5);
	VAL(t, 0, 0, 1.5);
	VAL(t, 2, 1, 5);
	dl_table_free(t);
	/* Line numbers count the newline inside the quoted field. */
	bad("id;q;name;f1;y;w;f2\n7;1;\"a\nb\";1;1;1;1\n8;1;x;zz;1;1;1\n", &o,
	    "t:4: column 'f1': 'zz' is not a number", 0);
	/* Tab-separated. */
	dl_table_options tab = { .delimiter = '\t' };
	t = good("a\tb\n1\t2\n", &tab);
	VAL(t, 0, 1, 2);
	dl_table_free(t);
	/* The caller's mistakes. */
	dl_table_options ol = { .label = "nope" };
	bad("a,b\n1,2\n", &ol, "t:1: the data has no column 'nope' (the label)", 1);
	dl_table_options ow = { .weight = "nope" };
	bad("a,b\n1,2\n", &ow, "t:1: the data has no column 'nope' (the weight)", 1);
	static const char *const exn[] = { "zz" };
	dl_table_options oe = { .exclude = exn, .nexclude = 1 };
	bad("a,b\n1,2\n", &oe, "t:1: the data has no column 'zz' (to exclude)", 1);
	dl_table_options both = { .label = "a", .weight = "a" };
	bad("a,b\n1,2\n", &both, "t:1: column 'a' cannot have two roles", 1);
	dl_table_options quote = { .delimiter = '"' };
	bad("a\n1\n", &quote, "a CSV delimiter cannot be a quote or a line end", 1);
}
END_TEST

START_TEST(test_csv_features)
{
	static const char *const f[] = { "c", "zz", "a" };
	dl_table_options o = { .features = f, .nfeatures = 3, .allow_absent = 1 };
	bad("a,label,c,extra\n1,0,2,9\n", &o, "t:1: column 'extra' is not a feature of the model", 0);
	o.ignore_extra = 1;
	dl_table *t = good("a,label,c,extra\n1,0,2,9\n3,1,4,x\n", &o);
	names_are(t, f, 3);
	VAL(t, 0, 0, 2);
	VAL(t, 0, 1, NAN);
	VAL(t, 0, 2, 1);
	VAL(t, 1, 0, 4);    /* the extra column is not parsed: 'x' is fine */
	dl_table_free(t);
	o.allow_absent = 0;
	bad("a,label,c\n1,0,2\n", &o, "t:1: feature 'zz' of the model is not in the data", 0);
	static const char *const twice[] = { "a", "a" };
	dl_table_options o2 = { .features = twice, .nfeatures = 2 };
	bad("a,b\n1,2\n", &o2, "t:1: feature 'a' of the model is listed twice", 0);
	static const char *const lab[] = { "label" };
	dl_table_options o3 = { .features = lab, .nfeatures = 1, .ignore_extra = 1 };
	bad("a,label\n1,2\n", &o3,
	    "t:1: feature 'label' of the model is not a feature column of the data", 0);
}
END_TEST

START_TEST(test_csv_errors)
{
	bad("", NULL, "t: empty input (no header)", 0);
	bad("a,b\n", NULL, "t: no rows after the header", 0);
	bad("a,b\n\n\n", NULL, "t: no rows after the header", 0);
	bad("a,b,c,label\n1,2,3,4\n5,6,7\n", NULL, "t:3: row has 3 fields, the header has 4", 0);
	bad("a,b\n1,2\n1,2,3,4\n", NULL, "t:3: row has 4 fields, the header has 2", 0);
	bad("age,b\n1,2\n\nabc,3\n", NULL, "t:4: column 'age': 'abc' is not a number", 0);
	bad("a,a\n1,2\n", NULL, "t:1: column 'a' appears twice in the header", 0);
	bad("a,,b\n1,2,3\n", NULL, "t:1: column 2 has no name in the header", 0);
	bad("a,b\n1,\"2\n", NULL, "t:2: a quoted field is not closed", 0);
	bad("a,b\n1,\"2\"x\n", NULL, "t:2: unexpected 'x' after a closing quote", 0);
	dl_table_options req = { .require_label = 1 };
	bad("a,b\n1,2\n", &req, "t:1: the data has no label column (name one)", 0);
	bad("a,label\n1,2\n3,\n", &req, "t:3: label is NaN", 0);
	bad("a,label\n1,2\n3,inf\n", &req, "t:3: label is infinite", 0);
	dl_table *t = good("a,label\n1,2\n3,\n", NULL);   /* NaN labels are fine otherwise */
	ck_assert(isnan(t->label[1]));
	dl_table_free(t);
	/* a label range (an objective's) is checked at the label's line */
	dl_table_options rng = { .require_label = 1, .label_range = 1, .label_min = 0,
				 .label_max = 1, .label_range_text = "[0, 1]",
				 .label_why = "objective binary:logistic" };
	bad("a,label\n1,0\n2,1\n\n3,2\n", &rng,
	    "t:5: label 2 is outside [0, 1] (objective binary:logistic)", 0);
	bad("1 1:1\n# c\n-1 1:2\n", &rng,
	    "t:3: label -1 is outside [0, 1] (objective binary:logistic)", 0);
	dl_table_options cls = { .label_range = 1, .label_whole = 1, .label_min = 0,
				 .label_max = 2, .label_range_text = "[0, 3)",
				 .label_why = "num_class 3" };
	bad("a,label\n1,0\n2,1.5\n", &cls, "t:3: label 1.5 is outside [0, 3) (num_class 3)", 0);
	t = good("a,label\n1,0\n2,2\n3,\n", &cls);   /* in range; NaN when not required */
	ck_assert_uint_eq(t->nrow, 3);
	dl_table_free(t);
	dl_table_options w = { .weight = "w" };
	bad("a,w\n1,2\n3,-1\n", &w, "t:3: weight -1 is not a finite non-negative number", 0);
	dl_table_options q = { .group = "q" };
	bad("a,q\n1,1\n2,2\n3,1\n", &q,
	    "t:4: query id 1 appears again after other ids; sort the rows by query id", 0);
	bad("a,q\n1,1\n2,x\n", &q, "t:3: column 'q': 'x' is not a query id (an integer)", 0);
	bad("a,q\n1,1\n2,1.5\n", &q, "t:3: column 'q': '1.5' is not a query id (an integer)", 0);
	/* A long cell is cut in the message. */
	bad("a\n0123456789012345678901234567890123456789zzzz\n", NULL,
	    "t:2: column 'a': '0123456789012345678901234567890123456789...' is not a number", 0);
	/* A NUL byte inside a cell. */
	dl_table_options none = { 0 };
	static const char nul[] = "a\n1\0002\n";
	t = dl_table_read_mem(nul, sizeof nul - 1, "t", &none, NULL, &err);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(err.msg, "t:2: column 'a': '1?2' is not a number");
	/* A missing file. */
	t = dl_table_read(tpath("absent.csv"), &none, &usage, &err);
	ck_assert_ptr_null(t);
	ck_assert_int_eq(usage, 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "absent.csv"));
}
END_TEST

/* ================================================================== libsvm */

START_TEST(test_libsvm)
{
	/* One-based (auto): index 1 is column f0. Weights, comments, CRLF, unsorted entries. */
	dl_table_options au1 = { .zero_based = -1 };
	dl_table *t = good("# header comment\n1:2 1:0.5 3:4.25\n0 2:-1 # tail\r\n\n"
			   "1 4:1e3 2:7\n", &au1);
	static const char *const nm[] = { "f0", "f1", "f2", "f3" };
	names_are(t, nm, 4);
	ck_assert_ptr_null(t->x);
	ck_assert_uint_eq(t->nrow, 3);
	ck_assert(t->label[0] == 1 && t->label[1] == 0 && t->label[2] == 1);
	ck_assert(t->weight[0] == 2 && t->weight[1] == 1 && t->weight[2] == 1);
	ck_assert_ptr_null(t->qid);
	VAL(t, 0, 0, 0.5);
	VAL(t, 0, 1, NAN);
	VAL(t, 0, 2, 4.25);
	VAL(t, 1, 1, -1);
	VAL(t, 2, 1, 7);
	VAL(t, 2, 3, 1000);
	ck_assert(t->col[t->rowptr[2]] == 1 && t->col[t->rowptr[2] + 1] == 3);   /* sorted */
	dl_table_free(t);
	/* An index 0 makes auto zero-based. */
	dl_table_options au = { .zero_based = -1 };
	t = good("1 0:1 2:2\n", &au);
	ck_assert_uint_eq(t->ncol, 3);
	VAL(t, 0, 2, 2);
	dl_table_free(t);
	dl_table_options zb = { .format = DL_TABLE_LIBSVM, .zero_based = 1 };
	t = good("1 2:2\n", &zb);
	ck_assert_uint_eq(t->ncol, 3);
	dl_table_free(t);
	dl_table_options ob = { .format = DL_TABLE_LIBSVM, .zero_based = 0 };
	bad("1 2:2\n0 0:1\n", &ob, "t:2: feature index 0 in one-based data", 0);
	/* Query ids. */
	dl_table_options a = { .zero_based = -1 };
	t = good("3 qid:7 1:1\n2 qid:7 2:1\n0 qid:-2 1:3\n", &a);
	ck_assert(t->qid[0] == 7 && t->qid[1] == 7 && t->qid[2] == -2);
	dl_table_free(t);
	bad("3 qid:7 1:1\n2 qid:8 2:1\n0 qid:7 1:3\n", &a,
	    "t:3: query id 7 appears again after other ids; sort the rows by query id", 0);
	bad("1 qid:1 1:1\n0 1:1\n", &a, "t:2: this line has no query id, earlier lines have one", 0);
	/* A line with a label only, and a libsvm file without any feature. */
	t = good("1 qid:1 1:1\n0 qid:1\n", &a);
	ck_assert_uint_eq(t->rowptr[2] - t->rowptr[1], 0);
	dl_table_free(t);
	dl_table_options fs = { .format = DL_TABLE_LIBSVM };
	t = good("1\n0\n", &fs);
	ck_assert_uint_eq(t->ncol, 0);
	ck_assert_uint_eq(t->nrow, 2);
	dl_table_free(t);
}
END_TEST

START_TEST(test_libsvm_errors)
{
	dl_table_options o = { .format = DL_TABLE_LIBSVM, .require_label = 1 };
	bad("1 x:1\n", &o, "t:1: bad feature 'x:1' (expected INDEX:VALUE)", 0);
	bad("1 1:1\n1 3:\n", &o, "t:2: bad feature '3:' (expected INDEX:VALUE)", 0);
	bad("1 1:1\n1 3:abc\n", &o, "t:2: bad feature '3:abc' (expected INDEX:VALUE)", 0);
	bad("1 1:1\n1 3\n", &o, "t:2: bad feature '3' (expected INDEX:VALUE)", 0);
	bad("1 1:1\n1 :3\n", &o, "t:2: bad feature ':3' (expected INDEX:VALUE)", 0);
	bad("abc 1:1\n", &o, "t:1: bad label 'abc' (expected LABEL[:WEIGHT])", 0);
	bad("1:x 1:1\n", &o, "t:1: bad label '1:x' (expected LABEL[:WEIGHT])", 0);
	bad("1:-2 1:1\n", &o, "t:1: weight -2 is not a finite non-negative number", 0);
	bad("nan 1:1\n", &o, "t:1: label is NaN", 0);
	bad("1 qid:x 1:1\n", &o, "t:1: bad query id 'qid:x' (expected qid:INTEGER)", 0);
	bad("1 2:1 2:3\n", &o, "t:1: feature index 2 appears twice", 0);
	bad("1 99999999999:1\n", &o,
	    "t:1: feature index too large in '99999999999:1' (at most 33554432)", 0);
	bad("# only a comment\n\n", &o, "t: no data lines", 0);
	bad("", &o, "t: no data lines", 0);
	bad("1 1:1\n0 qid:3 1:1\n", &o, "t:2: this line has a query id, earlier lines have none", 0);
}
END_TEST

START_TEST(test_libsvm_features)
{
	static const char *const f[] = { "f2", "f0", "f9" };
	dl_table_options o = { .features = f, .nfeatures = 3, .zero_based = 1 };
	dl_table *t = good("1 0:1 2:2\n0 9:3 0:4\n", &o);
	names_are(t, f, 3);
	VAL(t, 0, 0, 2);
	VAL(t, 0, 1, 1);
	VAL(t, 0, 2, NAN);
	VAL(t, 1, 1, 4);
	VAL(t, 1, 2, 3);
	ck_assert(t->col[t->rowptr[1]] == 1 && t->col[t->rowptr[1] + 1] == 2);  /* re-sorted */
	dl_table_free(t);
	/* Auto-based: only known at the end, the message still names the line. */
	o.zero_based = -1;
	bad("1 1:1 3:2\n\n0 4:3\n", &o, "t:3: column 'f3' is not a feature of the model", 0);
	o.ignore_extra = 1;
	t = good("1 1:1 3:2\n\n0 4:3\n", &o);
	ck_assert_uint_eq(t->rowptr[2] - t->rowptr[1], 0);
	VAL(t, 0, 0, 2);
	VAL(t, 0, 1, 1);
	dl_table_free(t);
	static const char *const g[] = { "f0", "age" };
	dl_table_options o2 = { .features = g, .nfeatures = 2, .zero_based = 1 };
	bad("1 0:1\n", &o2, "t: feature 'age' of the model is not in the data", 0);
	o2.allow_absent = 1;
	t = good("1 0:1\n", &o2);
	ck_assert_uint_eq(t->ncol, 2);
	VAL(t, 0, 1, NAN);
	dl_table_free(t);
}
END_TEST

/* ================================================================== records */

static void write_records(const char *path, enum dl_compress c, int n, int bytes_in)
{
	dl_out *out = dl_out_open(path, c);
	dl_example ex;
	dl_buf b = { 0 };
	dl_example_init(&ex);
	for (int i = 0; i < n; i++) {
		dl_example_clear(&ex);
		dl_example_add(&ex, "x", 1, DL_FEATURE_FLOAT);
		dl_example_add_float(&ex, 0.5f * (float)i);
		if (i % 2) {
			dl_example_add(&ex, "late", 4, DL_FEATURE_INT64);
			dl_example_add_int64(&ex, 100 + i);
		}
		dl_example_add(&ex, "label", 5, DL_FEATURE_INT64);
		dl_example_add_int64(&ex, i % 2);
		dl_example_add(&ex, "q", 1, DL_FEATURE_INT64);
		dl_example_add_int64(&ex, ((int64_t)1 << 40) + i / 2);
		dl_example_add(&ex, "empty", 5, DL_FEATURE_FLOAT);
		if (i == bytes_in) {
			dl_example_add(&ex, "text", 4, DL_FEATURE_BYTES);
			dl_example_add_bytes(&ex, "hi", 2);
		}
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
	static const char *const ex[] = { "text" };
	dl_table_options o = { .group = "q", .exclude = ex, .nexclude = 1 };
	write_records(tpath("r.tfrecord"), DL_COMPRESS_NONE, 5, 2);
	write_records(tpath("r.tfrecord.gz"), DL_COMPRESS_GZIP, 5, 2);
	for (int k = 0; k < 2; k++) {
		dl_table *t = dl_table_read(tpath(k ? "r.tfrecord.gz" : "r.tfrecord"), &o, &usage,
					    &err);
		ck_assert_msg(t != NULL, "%s", err.msg);
		/* "late" first appears in record 1, after "empty". */
		static const char *const nm[] = { "x", "empty", "late" };
		names_are(t, nm, 3);
		ck_assert_uint_eq(t->nrow, 5);
		for (size_t r = 0; r < 5; r++) {
			VAL(t, r, 0, 0.5 * r);
			VAL(t, r, 1, NAN);
			VAL(t, r, 2, r % 2 ? 100.0 + r : NAN);
			ck_assert(t->label[r] == (float)(r % 2));
			ck_assert(t->qid[r] == ((int64_t)1 << 40) + (int64_t)r / 2);
		}
		dl_table_free(t);
	}
	/* Not excluded, the bytes feature is an error naming the record. */
	dl_table_options plain = { 0 };
	dl_table *t = dl_table_read(tpath("r.tfrecord"), &plain, &usage, &err);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err.msg, "r.tfrecord: record 2: feature 'text' holds bytes, "
					  "not a number"));
	/* Model features: a feature the records lack; extra columns. */
	static const char *const f[] = { "late", "x" };
	dl_table_options of = { .features = f, .nfeatures = 2, .exclude = ex, .nexclude = 1 };
	t = dl_table_read(tpath("r.tfrecord"), &of, &usage, &err);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err.msg, "column 'q' is not a feature of the model"));
	of.ignore_extra = 1;
	t = dl_table_read(tpath("r.tfrecord"), &of, &usage, &err);
	ck_assert_msg(t != NULL, "%s", err.msg);
	names_are(t, f, 2);
	VAL(t, 3, 0, 103);
	VAL(t, 3, 1, 1.5);
	dl_table_free(t);
	/* A truncated file. */
	size_t n;
	uint8_t *data = read_file(tpath("r.tfrecord"), &n);
	t = dl_table_read_mem(data, n - 3, "cut", &o, &usage, &err);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err.msg, "cut: record 4"));
	/* A corrupt payload (CRCs fixed up by rewriting is not needed: skip the data CRC). */
	data[12 + 1] ^= 0xff;
	t = dl_table_read_mem(data, n, "bad", &o, &usage, &err);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err.msg, "bad: record 0"));
	dl_free(data);
	/* A list of two values. */
	dl_out *out = dl_out_open(tpath("two.tfrecord"), DL_COMPRESS_NONE);
	dl_example e2;
	dl_buf b = { 0 };
	dl_example_init(&e2);
	dl_example_add(&e2, "v", 1, DL_FEATURE_FLOAT);
	dl_example_add_float(&e2, 1);
	dl_example_add_float(&e2, 2);
	dl_example_encode(&e2, &b);
	dl_tfrecord_write(out, b.data, b.len);
	dl_out_close(out);
	dl_example_free(&e2);
	dl_buf_free(&b);
	t = dl_table_read(tpath("two.tfrecord"), &plain, &usage, &err);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err.msg, "two.tfrecord: record 0: feature 'v' has more than one value"));
	dl_table_options rec = { .format = DL_TABLE_RECORDS };
	bad("", &rec, "t: no records", 0);
}
END_TEST

/* ================================================================== detection, operations */

START_TEST(test_detect)
{
	dl_table *t = good("# c\n\n1 3:1\n", NULL);
	ck_assert_ptr_null(t->x);
	dl_table_free(t);
	t = good("-1.5:2 qid:1 3:1\n", NULL);
	ck_assert_ptr_nonnull(t->qid);
	dl_table_free(t);
	t = good("a b,c\n1,2\n", NULL);     /* a header with a space is CSV */
	ck_assert_ptr_nonnull(t->x);
	dl_table_free(t);
	t = good("1,2\n3,4\n", NULL);       /* numbers with commas: CSV (header "1","2") */
	ck_assert_ptr_nonnull(t->x);
	ck_assert_uint_eq(t->nrow, 1);
	dl_table_free(t);
}
END_TEST

START_TEST(test_operations)
{
	dl_table_options g = { .group = "q" };
	dl_table *d = good("a,b,q,label\n1,,5,0\n2,3,5,1\n4,5,6,0\n", &g);
	dl_table *s = good("1 qid:5 2:1\n0 qid:5 1:2 2:3\n1 qid:6\n", NULL);
	size_t rows[] = { 2, 0 };
	dl_table *ds = dl_table_subset(d, rows, 2), *ss = dl_table_subset(s, rows, 2);
	ck_assert_uint_eq(ds->nrow, 2);
	VAL(ds, 0, 0, 4);
	VAL(ds, 1, 1, NAN);
	ck_assert(ds->label[0] == 0 && ds->qid[0] == 6 && ds->qid[1] == 5);
	ck_assert_str_eq(ds->names[1], "b");
	ck_assert_uint_eq(ss->rowptr[1], 0);
	VAL(ss, 1, 1, 1);
	ck_assert(ss->label[1] == 1);
	size_t *gp;
	ck_assert_int_eq(dl_table_groups(d, &gp, &err), 2);
	ck_assert(gp[0] == 0 && gp[1] == 2 && gp[2] == 3);
	dl_free(gp);
	size_t back[] = { 0, 2, 1 };
	dl_table *bad_order = dl_table_subset(d, back, 3);
	ck_assert_int_eq(dl_table_groups(bad_order, &gp, &err), -1);
	ck_assert_str_eq(err.msg, "row 3: query id 5 appears again after other ids; sort the "
				  "rows by query id");
	dl_table_free(bad_order);
	dl_table *nog = good("a\n1\n2\n", NULL);
	ck_assert_int_eq(dl_table_groups(nog, &gp, &err), 1);
	ck_assert(gp[0] == 0 && gp[1] == 2);
	dl_free(gp);
	dl_table_free(nog);
	/* Densify: the same values. */
	ck_assert_int_eq(dl_table_densify(s, &err), 0);
	ck_assert_ptr_nonnull(s->x);
	ck_assert_ptr_null(s->rowptr);
	VAL(s, 0, 0, NAN);
	VAL(s, 0, 1, 1);
	VAL(s, 1, 0, 2);
	VAL(s, 2, 1, NAN);
	ck_assert_int_eq(dl_table_densify(s, &err), 0);   /* already dense */
	dl_table_free(d);
	dl_table_free(s);
	dl_table_free(ds);
	dl_table_free(ss);
	dl_table_free(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("data_table");
	TCase *tc = tcase(s, "numbers", 1);
	tcase_add_test(tc, test_numbers_exact);
	tcase_add_test(tc, test_csv_big_exact);
	tcase_add_test(tc, test_csv_parallel);
	tc = tcase(s, "csv", 1);
	tcase_add_test(tc, test_csv_basic);
	tcase_add_test(tc, test_csv_roles);
	tcase_add_test(tc, test_csv_features);
	tcase_add_test(tc, test_csv_errors);
	tc = tcase(s, "libsvm", 0);
	tcase_add_test(tc, test_libsvm);
	tcase_add_test(tc, test_libsvm_errors);
	tcase_add_test(tc, test_libsvm_features);
	tc = tcase(s, "records", 1);
	tcase_add_test(tc, test_records);
	tc = tcase(s, "table", 0);
	tcase_add_test(tc, test_detect);
	tcase_add_test(tc, test_operations);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
