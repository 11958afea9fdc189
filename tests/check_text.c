/*
 * check_text.c — unit tests for the text codecs of lib/record: number formatting
 * (numfmt.c), the JSON-lines mapping (jsonl.c) and CSV (csv.c).
 *
 * Float printing is checked against the definition itself, written out here as the
 * literal loop (the first %.Ng, N = 1..9, that strtof reads back to the same bits) with
 * its digits laid out as Python's repr does, on a million random bit patterns and on
 * typical data. Parser messages are compared whole,
 * column included. The CSV reader is run on the same text from a regular file, from
 * memory and from a real pipe, and must give the same Examples.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "record/csv.h"
#include "record/example.h"
#include "record/jsonl.h"
#include "record/numfmt.h"

#include <check.h>
#include <dirent.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ================================================================== helpers */

static uint64_t gen(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static float from_bits(uint32_t b)
{
	float f;
	memcpy(&f, &b, sizeof f);
	return f;
}

static uint32_t to_bits(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}

/* The definition, written out plainly: the digits of the first %.Ng that reads back,
 * taken from %.{N-1}e (the same decimal), laid out as Python's repr lays them out:
 * positional when the exponent X of the first digit is in -4..15, else d.ddde+XX with at
 * least two exponent digits; no trailing zeros after a point, no bare point, no ".0".
 * Returns N, 0 on failure. */
static int ref_format(char buf[32], float v)
{
	char g[32], e[32], dig[16], *p;
	int nd = 0, x, prec;
	size_t k = 0;

	for (prec = 1; prec <= 9; prec++) {
		if (snprintf(g, sizeof g, "%.*g", prec, (double)v) >= (int)sizeof g)
			return 0;
		if (to_bits(strtof(g, NULL)) == to_bits(v))
			break;
	}
	if (prec > 9)
		return 0;
	snprintf(e, sizeof e, "%.*e", prec - 1, fabs((double)v));
	for (p = e; *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			dig[nd++] = *p;
	x = atoi(p + 1);
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	if (signbit(v))
		buf[k++] = '-';
	if (x < -4 || x > 15) {
		buf[k++] = dig[0];
		if (nd > 1)
			buf[k++] = '.';
		for (int i = 1; i < nd; i++)
			buf[k++] = dig[i];
		k += (size_t)sprintf(buf + k, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
	} else if (x < 0) {
		buf[k++] = '0';
		buf[k++] = '.';
		for (int i = 0; i < -x - 1; i++)
			buf[k++] = '0';
		for (int i = 0; i < nd; i++)
			buf[k++] = dig[i];
	} else {
		for (int i = 0; i <= x || i < nd; i++) {
			if (i == x + 1)
				buf[k++] = '.';
			buf[k++] = i < nd ? dig[i] : '0';
		}
	}
	buf[k] = '\0';
	/* the same decimal as the %g text */
	if (strtod(buf, NULL) != strtod(g, NULL))
		return 0;
	return prec;
}

static char tmpdir[256];

static void tmp_setup(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/check_text.XXXXXX", t && *t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmp_teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static const char *tmp_path(const char *name)
{
	static char path[400];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

static char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	dl_buf b = {0};
	char chunk[4096];
	size_t k;

	ck_assert_ptr_nonnull(f);
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		dl_buf_append(&b, chunk, k);
	fclose(f);
	dl_buf_putc(&b, '\0');
	if (n)
		*n = b.len - 1;
	return (char *)b.data;
}

/* ex as a JSON line, NUL-terminated, in a static buffer. */
static const char *jl(const dl_example *ex)
{
	static dl_buf b;
	dl_buf_clear(&b);
	dl_jsonl_write(ex, &b);
	dl_buf_putc(&b, '\0');
	return (const char *)b.data;
}

static int same_example(const dl_example *a, const dl_example *b)
{
	if (a->nfeat != b->nfeat)
		return 0;
	for (size_t i = 0; i < a->nfeat; i++) {
		const dl_feature *fa = &a->feat[i], *fb = &b->feat[i];
		size_t n = fa->count;
		if (fa->name_len != fb->name_len || fa->kind != fb->kind || n != fb->count ||
		    memcmp(dl_feature_name(a, fa), dl_feature_name(b, fb), fa->name_len))
			return 0;
		if (fa->kind == DL_FEATURE_FLOAT && n &&
		    memcmp(dl_feature_floats(a, fa), dl_feature_floats(b, fb), n * sizeof(float)))
			return 0;
		if (fa->kind == DL_FEATURE_INT64 && n &&
		    memcmp(dl_feature_ints(a, fa), dl_feature_ints(b, fb), n * sizeof(int64_t)))
			return 0;
		for (size_t j = 0; fa->kind == DL_FEATURE_BYTES && j < n; j++) {
			size_t la, lb;
			const uint8_t *pa = dl_feature_bytes(a, fa, j, &la);
			const uint8_t *pb = dl_feature_bytes(b, fb, j, &lb);
			if (la != lb || (la && memcmp(pa, pb, la)))
				return 0;
		}
	}
	return 1;
}

/* ================================================================== numfmt */

START_TEST(test_float_known)
{
	static const struct { float v; const char *s; } t[] = {
		{0.1f, "0.1"}, {1e10f, "10000000000"}, {3.4028235e38f, "3.4028235e+38"},
		{1.4e-45f, "1e-45"}, {0.0f, "0"}, {-0.0f, "-0"}, {1.0f, "1"}, {-1.0f, "-1"},
		{100.0f, "100"}, {123.0f, "123"}, {0.5f, "0.5"}, {0.3f, "0.3"},
		{1.0f / 3, "0.33333334"}, {16777216.0f, "16777216"}, {0.0001f, "0.0001"},
		{0.00001f, "1e-05"}, {1.17549435e-38f, "1.1754944e-38"}, {2.5f, "2.5"},
		{123456.0f, "123456"}, {1234567.0f, "1234567"}, {5.1f, "5.1"}, {-7.25f, "-7.25"},
		{3.14159265f, "3.1415927"}, {1e-10f, "1e-10"}, {65504.0f, "65504"},
		/* the layout: positional for first-digit exponents -4..15, zeros as needed */
		{250.0f, "250"}, {1000.0f, "1000"}, {-2.5e3f, "-2500"}, {1e9f, "1000000000"},
		{1.5e15f, "1500000000000000"}, {-1.5e15f, "-1500000000000000"},
		{1e15f, "1000000000000000"}, {1e16f, "1e+16"}, {1.5e16f, "1.5e+16"},
		{-1.2345678e15f, "-1234567800000000"}, {1.2345679e16f, "1.234568e+16"},
		{9.223372e18f, "9.223372e+18"}, {1e30f, "1e+30"}, {1.5e-5f, "1.5e-05"},
		{0.00015f, "0.00015"}, {-0.00012345678f, "-0.00012345678"}, {0.001f, "0.001"},
		{123.456f, "123.456"}, {1e-38f, "1e-38"}, {1.3e-44f, "1.3e-44"},
	};
	char buf[DL_FLOAT_BUFSIZE];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		size_t n = dl_format_float(buf, t[i].v);
		ck_assert_str_eq(buf, t[i].s);
		ck_assert_uint_eq(n, strlen(t[i].s));
	}
	ck_assert_uint_eq(dl_format_float(buf, NAN), 3);
	ck_assert_str_eq(buf, "NaN");
	dl_format_float(buf, from_bits(0xffc00001u));
	ck_assert_str_eq(buf, "NaN");
	dl_format_float(buf, INFINITY);
	ck_assert_str_eq(buf, "Infinity");
	dl_format_float(buf, -INFINITY);
	ck_assert_str_eq(buf, "-Infinity");
}
END_TEST

/* Compares with the definition; returns the number of mismatches (the first printed). */
static long compare_with_ref(float v, long *bad)
{
	char got[DL_FLOAT_BUFSIZE], want[32];
	size_t n = dl_format_float(got, v);

	if (!ref_format(want, v))
		strcpy(want, "(no reference)");
	if (strcmp(got, want) || n != strlen(got) ||
	    to_bits(strtof(got, NULL)) != to_bits(v)) {
		if (!*bad)
			fprintf(stderr, "float %08" PRIx32 ": got %s, want %s\n", to_bits(v), got, want);
		(*bad)++;
	}
	return *bad;
}

START_TEST(test_float_random_bits)
{
	uint64_t s = 12345;
	long bad = 0, done = 0;

	while (done < 1000000) {
		uint32_t b = (uint32_t)gen(&s);
		if ((b & 0x7f800000u) == 0x7f800000u)
			continue;   /* NaN and infinities: not numbers */
		compare_with_ref(from_bits(b), &bad);
		done++;
	}
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* The fast path's territory: the values real data holds. */
START_TEST(test_float_typical)
{
	uint64_t s = 777;
	long bad = 0;

	for (int i = 0; i < 100000; i++) {
		double u = (double)(gen(&s) >> 11) / 9007199254740992.0;
		compare_with_ref((float)u, &bad);                       /* [0, 1) */
		compare_with_ref((float)(u * 2000 - 1000), &bad);
		compare_with_ref((float)(i / 10.0), &bad);              /* short decimals */
		compare_with_ref((float)(i / 1000.0 - 50), &bad);
		compare_with_ref((float)i, &bad);
		compare_with_ref((float)(i * 1e-7), &bad);
		compare_with_ref((float)((double)gen(&s) * 1e-3), &bad);
	}
	/* Powers of two and ten over the whole range, and their neighbours. */
	for (int e = -149; e <= 127; e++) {
		float v = ldexpf(1.0f, e);
		compare_with_ref(v, &bad);
		compare_with_ref(nextafterf(v, 0), &bad);
		compare_with_ref(nextafterf(v, INFINITY), &bad);
	}
	for (int e = -45; e <= 38; e++) {
		char t[16];
		snprintf(t, sizeof t, "1e%d", e);
		float v = strtof(t, NULL);
		compare_with_ref(v, &bad);
		compare_with_ref(nextafterf(v, 0), &bad);
		compare_with_ref(nextafterf(v, INFINITY), &bad);
		compare_with_ref(-v, &bad);
	}
	compare_with_ref(FLT_MAX, &bad);
	compare_with_ref(FLT_MIN, &bad);
	compare_with_ref(FLT_TRUE_MIN, &bad);
	compare_with_ref(-FLT_TRUE_MIN, &bad);
	/* Every subnormal near the bottom, every float just above 1 and near 1e8. */
	for (uint32_t b = 1; b < 20000; b++)
		compare_with_ref(from_bits(b), &bad);
	for (uint32_t b = 0x3f800000u; b < 0x3f800000u + 20000; b++)
		compare_with_ref(from_bits(b), &bad);
	for (uint32_t b = to_bits(1e8f) - 10000; b < to_bits(1e8f) + 10000; b++)
		compare_with_ref(from_bits(b), &bad);
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* Shortest, checked independently of the loop: fewer digits never read back. */
START_TEST(test_float_shortest)
{
	uint64_t s = 99;

	for (int i = 0; i < 20000; i++) {
		float v = i & 1 ? from_bits((uint32_t)gen(&s) & 0x7f7fffffu)
				: (float)((double)(gen(&s) >> 11) / 9007199254740992.0);
		char got[DL_FLOAT_BUFSIZE], t[32];
		int digits = 0;

		const char *first, *last;

		dl_format_float(got, v);
		/* significant digits: not the leading zeros of "0.00012", nor the zeros that
		 * pad "1500000000000000" */
		for (first = got; *first == '0' || *first == '.' || *first == '-'; first++)
			;
		for (last = first; *last && *last != 'e'; last++)
			;
		while (last > first && (last[-1] == '0' || last[-1] == '.'))
			last--;
		for (const char *p = first; p < last; p++)
			digits += *p >= '0' && *p <= '9';
		for (int k = 1; k < digits; k++) {
			ck_assert_int_lt(snprintf(t, sizeof t, "%.*g", k, (double)v), (int)sizeof t);
			ck_assert_msg(to_bits(strtof(t, NULL)) != to_bits(v),
				      "%s has a shorter form %s", got, t);
		}
	}
}
END_TEST

/* dl_strtof equals strtof, bit for bit, on every shape of literal. */
static long strtof_check(const char *lit, long *bad)
{
	size_t n = strlen(lit);
	char *copy = malloc(n + 1);
	float want = strtof(lit, NULL), got;

	memcpy(copy, lit, n);   /* not NUL-terminated: a digit after it must be ignored */
	copy[n] = '7';
	got = dl_strtof(copy, n);
	if (to_bits(got) != to_bits(want)) {
		if (!*bad)
			fprintf(stderr, "dl_strtof(%s) = %a, strtof = %a\n", lit, (double)got, (double)want);
		(*bad)++;
	}
	free(copy);
	return *bad;
}

START_TEST(test_strtof)
{
	static const char *fixed[] = {
		"0", "-0", "0.000", "-0.0e5", "+5", "5.", ".5", "-.5", "1e-50", "1e39", "-1e39",
		"3.4028235e38", "3.4028236e38", "1.4e-45", "7e-46", "1.17549435e-38",
		"16777217", "16777219", "33554435", "0.1", "1.00000005960464477550",
		"1.000000059604644775390625", "1.0000000596046447753906249", "9007199254740993",
		"123456789012345678901234567890", "0.000000000000000000000000000001",
		"1e22", "1e23", "1e-22", "1e-23", "4.7019774e-38", "nan", "-inf", "Infinity",
		"00000000000000000000000000000000000001.5",
	};
	uint64_t s = 4242;
	long bad = 0;
	char lit[96];

	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		strtof_check(fixed[i], &bad);
	/* Short midpoints between floats (and next to them), which the fast path must hand
	 * to strtof or get right: x.5 where floats are integers, odd integers where they are
	 * even, x.25 and x.75 where they step by halves. */
	for (int i = 0; i < 20000; i++) {
		uint64_t r = gen(&s);
		int a = (int)(r % 4194304);
		/* offsets of 1e-10 and 1e-9 are below half a double ulp there: the double
		 * lands on the midpoint, the decimal is off it */
		static const char *tails[] = { ".5", ".5000000001", ".4999999999", ".5000001" };
		static const char *itails[] = { "", ".000000001", "", ".0000001" };
		snprintf(lit, sizeof lit, "%d%s", 8388608 + 2 * a, tails[(r >> 40) % 4]);
		strtof_check(lit, &bad);
		snprintf(lit, sizeof lit, "%d%s", 16777217 + 2 * a, itails[(r >> 40) % 4]);
		strtof_check(lit, &bad);
		snprintf(lit, sizeof lit, "%d.999999999", 16777216 + 2 * a);
		strtof_check(lit, &bad);
		snprintf(lit, sizeof lit, "-%d.%s", 4194304 + a, r & 1 ? "25" : "75");
		strtof_check(lit, &bad);
		snprintf(lit, sizeof lit, "%d.5e-3", 8388608 + 2 * a);
		strtof_check(lit, &bad);
	}
	/* Within the fast path's reach, double rounding needs an inexact product: M * 10^3
	 * (M < 2^53) less than half a double ulp away from a midpoint m between two floats
	 * near 1e18, but not on it. The double is then m exactly, the literal is not. */
	int traps = 0;
	for (uint32_t b = to_bits(1e18f); traps < 2000 && b < to_bits(4e18f); b++) {
		uint64_t f = (uint64_t)from_bits(b), mid = f + ((uint64_t)from_bits(b + 1) - f) / 2;
		uint64_t m = (mid + 500) / 1000;
		int64_t diff = (int64_t)(m * 1000 - mid);
		if (diff == 0 || diff <= -64 || diff >= 64)
			continue;
		snprintf(lit, sizeof lit, "%" PRIu64 "e3", m);
		strtof_check(lit, &bad);
		traps++;
	}
	ck_assert_int_eq(traps, 2000);
	for (int i = 0; i < 200000; i++) {
		uint64_t r = gen(&s);
		float v = from_bits((uint32_t)r & 0xff7fffffu);   /* finite, either sign */
		switch (i % 5) {
		case 0:
			snprintf(lit, sizeof lit, "%.*g", (int)(r >> 40) % 17 + 1, (double)v);
			break;
		case 1:
			snprintf(lit, sizeof lit, "%.*e", (int)(r >> 40) % 20, (double)v);
			break;
		case 2: {   /* exactly between v and the next float: the double-rounding trap */
			float w = nextafterf(v, INFINITY);
			snprintf(lit, sizeof lit, "%.*e", 20 + (int)(r >> 40) % 30,
				 ((double)v + (double)w) / 2);
			break;
		}
		case 3: {   /* random digits, point and exponent */
			int nd = 1 + (int)(r % 24), k = 0, pt = (int)((r >> 8) % (uint64_t)(nd + 1));
			if (r & (1u << 20))
				lit[k++] = '-';
			for (int d = 0; d < nd; d++) {
				if (d == pt)
					lit[k++] = '.';
				lit[k++] = (char)('0' + gen(&s) % 10);
			}
			snprintf(lit + k, sizeof lit - (size_t)k, "e%d", (int)((r >> 24) % 90) - 50);
			break;
		}
		default:    /* short decimals, the fast path's home */
			snprintf(lit, sizeof lit, "%.*f", (int)(r >> 40) % 7,
				 ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 2000);
		}
		strtof_check(lit, &bad);
	}
	ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_int64_format_parse)
{
	static const int64_t t[] = {
		0, 1, -1, 9, 10, 99, 100, -100, 12345, 9007199254740992, -9007199254740992,
		9007199254740993, INT64_MAX, INT64_MIN, INT64_MIN + 1, 1000000000000000000,
	};
	char buf[DL_INT64_BUFSIZE], want[32];
	uint64_t s = 5;
	int64_t v;

	for (size_t i = 0; i < sizeof t / sizeof t[0] + 100000; i++) {
		int64_t x = i < sizeof t / sizeof t[0] ? t[i] : (int64_t)gen(&s) >> (gen(&s) % 64);
		size_t n = dl_format_int64(buf, x);
		snprintf(want, sizeof want, "%" PRId64, x);
		ck_assert_str_eq(buf, want);
		ck_assert_uint_eq(n, strlen(want));
		ck_assert_int_eq(dl_parse_int64(buf, n, &v), 0);
		ck_assert(v == x);
	}
	ck_assert_int_eq(dl_parse_int64("+5", 2, &v), 0);
	ck_assert(v == 5);
	ck_assert_int_eq(dl_parse_int64("-0", 2, &v), 0);
	ck_assert(v == 0);
	ck_assert_int_eq(dl_parse_int64("-9223372036854775808", 20, &v), 0);
	ck_assert(v == INT64_MIN);
	ck_assert_int_eq(dl_parse_int64("9223372036854775807", 19, &v), 0);
	ck_assert(v == INT64_MAX);
	ck_assert_int_eq(dl_parse_int64("9223372036854775808", 19, &v), -2);
	ck_assert_int_eq(dl_parse_int64("-9223372036854775809", 20, &v), -2);
	ck_assert_int_eq(dl_parse_int64("99999999999999999999999", 23, &v), -2);
	ck_assert_int_eq(dl_parse_int64("", 0, &v), -1);
	ck_assert_int_eq(dl_parse_int64("-", 1, &v), -1);
	ck_assert_int_eq(dl_parse_int64("12a", 3, &v), -1);
	ck_assert_int_eq(dl_parse_int64(" 1", 2, &v), -1);
	ck_assert_int_eq(dl_parse_int64("1.0", 3, &v), -1);
	ck_assert_int_eq(dl_parse_int64("--1", 3, &v), -1);
}
END_TEST

START_TEST(test_base64)
{
	static const struct { const char *raw, *enc; } t[] = {   /* RFC 4648 section 10 */
		{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
		{"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
	};
	uint8_t out[64];
	uint64_t s = 3;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		dl_buf b = {0};
		dl_base64_encode(t[i].raw, strlen(t[i].raw), &b);
		ck_assert_uint_eq(b.len, strlen(t[i].enc));
		ck_assert_uint_eq(b.len, dl_base64_len(strlen(t[i].raw)));
		ck_assert(!b.len || !memcmp(b.data, t[i].enc, b.len));
		ck_assert_int_eq(dl_base64_decode(t[i].enc, strlen(t[i].enc), out),
				 (ptrdiff_t)strlen(t[i].raw));
		ck_assert(!memcmp(out, t[i].raw, strlen(t[i].raw)));
		dl_buf_free(&b);
	}
	/* All 256 bytes, every length, decoded in place. */
	for (size_t n = 0; n < 300; n++) {
		uint8_t raw[300];
		dl_buf b = {0};
		for (size_t i = 0; i < n; i++)
			raw[i] = (uint8_t)(i < 256 ? i : gen(&s));
		dl_base64_encode(raw, n, &b);
		ck_assert_int_eq(dl_base64_decode((char *)b.data, b.len, b.data), (ptrdiff_t)n);
		ck_assert(!n || !memcmp(b.data, raw, n));
		dl_buf_free(&b);
	}
	static const char *bad[] = { "Zg=", "Zg", "Z===", "Zg==Zg==", "Zm9v!A==", "=Zg=", "Zm=v",
				     "Zm9 " };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(dl_base64_decode(bad[i], strlen(bad[i]), out) == -1, "%s", bad[i]);
	ck_assert_int_eq(dl_base64_decode("-_8=", 4, out), -1);   /* not the URL alphabet */
}
END_TEST

/* ================================================================== JSON lines: writer */

START_TEST(test_jsonl_write_kinds)
{
	dl_example ex;

	dl_example_init(&ex);
	dl_example_add(&ex, "a", 1, DL_FEATURE_INT64);
	dl_example_add_int64(&ex, 1);
	dl_example_add_int64(&ex, 2);
	dl_example_add(&ex, "b", 1, DL_FEATURE_BYTES);
	dl_example_add_bytes(&ex, "x", 1);
	dl_example_add(&ex, "c", 1, DL_FEATURE_NONE);
	dl_example_add(&ex, "d", 1, DL_FEATURE_FLOAT);
	dl_example_add(&ex, "e", 1, DL_FEATURE_BYTES);
	ck_assert_str_eq(jl(&ex), "{\"a\":{\"int64\":[1,2]},\"b\":{\"bytes\":[\"x\"]},\"c\":{},"
			 "\"d\":{\"float\":[]},\"e\":{\"bytes\":[]}}\n");
	dl_example_clear(&ex);
	ck_assert_str_eq(jl(&ex), "{}\n");
	dl_example_free(&ex);
}
END_TEST

START_TEST(test_jsonl_write_numbers)
{
	static const int64_t ints[] = {
		9007199254740992, -9007199254740992, 9007199254740993, -9007199254740993,
		INT64_MAX, INT64_MIN, 0, -1,
	};
	dl_example ex, back;
	dl_err e;

	dl_example_init(&ex);
	dl_example_init(&back);
	dl_example_add(&ex, "i", 1, DL_FEATURE_INT64);
	for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++)
		dl_example_add_int64(&ex, ints[k]);
	dl_example_add(&ex, "f", 1, DL_FEATURE_FLOAT);
	dl_example_add_float(&ex, from_bits(0x7fc00000u));
	dl_example_add_float(&ex, from_bits(0x7fc00001u));
	dl_example_add_float(&ex, from_bits(0xffc00000u));
	dl_example_add_float(&ex, from_bits(0x7f800001u));   /* signalling */
	dl_example_add_float(&ex, INFINITY);
	dl_example_add_float(&ex, -INFINITY);
	dl_example_add_float(&ex, -0.0f);
	dl_example_add_float(&ex, 0.1f);
	dl_example_add_float(&ex, FLT_TRUE_MIN);
	const char *want = "{\"i\":{\"int64\":[9007199254740992,-9007199254740992,"
		"\"9007199254740993\",\"-9007199254740993\",\"9223372036854775807\","
		"\"-9223372036854775808\",0,-1]},\"f\":{\"float\":[\"NaN\",\"NaN:0x7fc00001\","
		"\"NaN:0xffc00000\",\"NaN:0x7f800001\",\"Infinity\",\"-Infinity\",-0,0.1,1e-45]}}\n";
	ck_assert_str_eq(jl(&ex), want);
	ck_assert_int_eq(dl_jsonl_parse(&back, want, strlen(want), &e), 1);
	ck_assert(same_example(&ex, &back));   /* NaN bits and -0 included */
	dl_example_free(&ex);
	dl_example_free(&back);
}
END_TEST

START_TEST(test_jsonl_escaping)
{
	dl_example ex, back;
	dl_buf want = {0};
	uint8_t all[128];
	dl_err e;

	dl_example_init(&ex);
	dl_example_init(&back);
	for (int i = 0; i < 128; i++)
		all[i] = (uint8_t)i;
	dl_example_add(&ex, "s", 1, DL_FEATURE_BYTES);
	dl_example_add_bytes(&ex, all, sizeof all);
	dl_buf_puts(&want, "{\"s\":{\"bytes\":[\"");
	for (int i = 0; i < 128; i++) {
		const char *esc = i == '"' ? "\\\"" : i == '\\' ? "\\\\" : i == '\b' ? "\\b" :
				  i == '\f' ? "\\f" : i == '\n' ? "\\n" : i == '\r' ? "\\r" :
				  i == '\t' ? "\\t" : NULL;
		if (esc)
			dl_buf_puts(&want, esc);
		else if (i < 0x20 || i == 0x7f)
			dl_buf_printf(&want, "\\u%04x", i);
		else
			dl_buf_putc(&want, i);
	}
	dl_buf_puts(&want, "\"]}}\n");
	dl_buf_putc(&want, '\0');
	ck_assert_str_eq(jl(&ex), (char *)want.data);
	ck_assert_int_eq(dl_jsonl_parse(&back, (char *)want.data, want.len - 1, &e), 1);
	ck_assert(same_example(&ex, &back));

	/* Valid multi-byte UTF-8 stays raw: e-acute, U+2028, U+FFFF, an emoji, U+10FFFF. */
	static const char utf8[] = "\xc3\xa9 \xe2\x80\xa8 \xef\xbf\xbf \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf";
	dl_example_clear(&ex);
	dl_example_add(&ex, "\xc3\xa9", 2, DL_FEATURE_BYTES);
	dl_example_add_bytes(&ex, utf8, sizeof utf8 - 1);
	dl_buf_clear(&want);
	dl_buf_printf(&want, "{\"\xc3\xa9\":{\"bytes\":[\"%s\"]}}\n", utf8);
	dl_buf_putc(&want, '\0');
	ck_assert_str_eq(jl(&ex), (char *)want.data);

	/* Not UTF-8 -> base64: a stray byte, an overlong form, an encoded surrogate, a cut
	 * sequence, a code point above U+10FFFF. */
	static const struct { const char *raw; size_t n; const char *b64; } inv[] = {
		{"\xff", 1, "/w=="}, {"\xc0\x80", 2, "wIA="}, {"\xed\xa0\x80", 3, "7aCA"},
		{"a\xe2\x82", 3, "YeKC"}, {"\xf4\x90\x80\x80", 4, "9JCAgA=="},
	};
	for (size_t i = 0; i < sizeof inv / sizeof inv[0]; i++) {
		dl_example_clear(&ex);
		dl_example_add(&ex, "b", 1, DL_FEATURE_BYTES);
		dl_example_add_bytes(&ex, "ok", 2);
		dl_example_add_bytes(&ex, inv[i].raw, inv[i].n);
		dl_buf_clear(&want);
		dl_buf_printf(&want, "{\"b\":{\"bytes\":[\"ok\",{\"base64\":\"%s\"}]}}\n", inv[i].b64);
		dl_buf_putc(&want, '\0');
		ck_assert_str_eq(jl(&ex), (char *)want.data);
		ck_assert_int_eq(dl_jsonl_parse(&back, (char *)want.data, want.len - 1, &e), 1);
		ck_assert(same_example(&ex, &back));
	}

	/* Names: bytes outside UTF-8 as \udcXX, control characters escaped, and back. */
	static const char name[] = "a\xff\x80" "b\xc3\xa9\xed\xa0\x80\n\x7f\"";
	dl_example_clear(&ex);
	dl_example_add(&ex, name, sizeof name - 1, DL_FEATURE_NONE);
	ck_assert_str_eq(jl(&ex), "{\"a\\udcff\\udc80b\xc3\xa9\\udced\\udca0\\udc80\\n\\u007f\\\"\":{}}\n");
	const char *line = jl(&ex);
	ck_assert_int_eq(dl_jsonl_parse(&back, line, strlen(line), &e), 1);
	ck_assert(same_example(&ex, &back));
	/* A name holding NUL. */
	dl_example_clear(&ex);
	dl_example_add(&ex, "x\0y", 3, DL_FEATURE_NONE);
	ck_assert_str_eq(jl(&ex), "{\"x\\u0000y\":{}}\n");
	line = jl(&ex);
	ck_assert_int_eq(dl_jsonl_parse(&back, line, strlen(line), &e), 1);
	ck_assert(same_example(&ex, &back));

	dl_buf clear = {0};
	dl_json_string(&clear, "q\"\xff", 3);
	ck_assert_uint_eq(clear.len, 11);
	ck_assert(!memcmp(clear.data, "\"q\\\"\\udcff\"", 11));
	dl_buf_free(&clear);
	dl_buf_free(&want);
	dl_example_free(&ex);
	dl_example_free(&back);
}
END_TEST

/* ================================================================== JSON lines: parser */

/* Parses line (expecting an Example) and returns its canonical JSON line. */
static const char *canon(const char *line)
{
	static dl_example ex;
	static int init;
	dl_err e;

	if (!init) {
		dl_example_init(&ex);
		init = 1;
	}
	int rc = dl_jsonl_parse(&ex, line, strlen(line), &e);
	ck_assert_msg(rc == 1, "'%s' -> %d: %s", line, rc, rc < 0 ? e.msg : "");
	return jl(&ex);
}

START_TEST(test_jsonl_shorthand)
{
	static const char *t[][2] = {
		{"{\"a\":1}", "{\"a\":{\"int64\":[1]}}\n"},
		{"{\"a\":-42}", "{\"a\":{\"int64\":[-42]}}\n"},
		{"{\"a\":0}", "{\"a\":{\"int64\":[0]}}\n"},
		{"{\"a\":-9223372036854775808}", "{\"a\":{\"int64\":[\"-9223372036854775808\"]}}\n"},
		{"{\"a\":1.5}", "{\"a\":{\"float\":[1.5]}}\n"},
		{"{\"a\":1e3}", "{\"a\":{\"float\":[1000]}}\n"},
		{"{\"a\":2E-1}", "{\"a\":{\"float\":[0.2]}}\n"},
		{"{\"a\":-0.0}", "{\"a\":{\"float\":[-0]}}\n"},
		{"{\"a\":1.0}", "{\"a\":{\"float\":[1]}}\n"},
		{"{\"a\":\"x\"}", "{\"a\":{\"bytes\":[\"x\"]}}\n"},
		{"{\"a\":\"\"}", "{\"a\":{\"bytes\":[\"\"]}}\n"},
		{"{\"a\":[1,2,3]}", "{\"a\":{\"int64\":[1,2,3]}}\n"},
		{"{\"a\":[1,2.5,3]}", "{\"a\":{\"float\":[1,2.5,3]}}\n"},
		{"{\"a\":[1,2,3e0]}", "{\"a\":{\"float\":[1,2,3]}}\n"},
		{"{\"a\":[\"x\",\"y\"]}", "{\"a\":{\"bytes\":[\"x\",\"y\"]}}\n"},
		{"{\"a\":[\"x,\\\"y\"]}", "{\"a\":{\"bytes\":[\"x,\\\"y\"]}}\n"},
		{"{\"a\":{}}", "{\"a\":{}}\n"},
		{"{}", "{}\n"},
		{"{\"a\":{\"int64\":[\"12\",\"-3\",\"+4\",5]}}", "{\"a\":{\"int64\":[12,-3,4,5]}}\n"},
		{"{\"a\":{\"int64\":[\"9223372036854775807\"]}}", "{\"a\":{\"int64\":[\"9223372036854775807\"]}}\n"},
		{"{\"a\":{\"float\":[1,-2,0.5,\"NaN\",\"Infinity\",\"-Infinity\",\"NaN:0x7FC00002\"]}}",
		 "{\"a\":{\"float\":[1,-2,0.5,\"NaN\",\"Infinity\",\"-Infinity\",\"NaN:0x7fc00002\"]}}\n"},
		{"{\"a\":{\"float\":[\"NaN:0x7fc00000\"]}}", "{\"a\":{\"float\":[\"NaN\"]}}\n"},
		{"{\"a\":{\"float\":[1e39,-1e39,1e-50]}}", "{\"a\":{\"float\":[\"Infinity\",\"-Infinity\",0]}}\n"},
		{"{\"a\":{\"bytes\":[\"x\",{\"base64\":\"/w==\"},{ \"base64\" : \"\" }]}}",
		 "{\"a\":{\"bytes\":[\"x\",{\"base64\":\"/w==\"},\"\"]}}\n"},
		{"{\"a\":{\"bytes\":[{\"base64\":\"eA==\"}]}}", "{\"a\":{\"bytes\":[\"x\"]}}\n"},
		{"{\"a\":{\"bytes\":[{\"base64\":\"\\u002fw==\"}]}}", "{\"a\":{\"bytes\":[{\"base64\":\"/w==\"}]}}\n"},
		/* escaped spellings of the keys and special strings */
		{"{\"a\":{\"\\u0062ytes\":[{\"\\u0062ase64\":\"eA==\"}]}}", "{\"a\":{\"bytes\":[\"x\"]}}\n"},
		{"{\"a\":{\"float\":[\"\\u004eaN\"]}}", "{\"a\":{\"float\":[\"NaN\"]}}\n"},
		{"{\"a\":{\"int64\":[\"\\u0031\\u0032\"]}}", "{\"a\":{\"int64\":[12]}}\n"},
		/* strtof on the literal: the double step would round this one differently */
		{"{\"a\":{\"float\":[1.00000005960464477550]}}", "{\"a\":{\"float\":[1.0000001]}}\n"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		ck_assert_str_eq(canon(t[i][0]), t[i][1]);
}
END_TEST

START_TEST(test_jsonl_whitespace_dup_escapes)
{
	dl_example ex;
	dl_err e;
	size_t n;

	dl_example_init(&ex);
	ck_assert_str_eq(canon(" \t{ \"a\" : [ 1 , 2 ] ,\"b\":{ \"float\" : [ ] } , \"c\" :{ } } \r\n"),
			 "{\"a\":{\"int64\":[1,2]},\"b\":{\"float\":[]},\"c\":{}}\n");
	ck_assert_int_eq(dl_jsonl_parse(&ex, "", 0, &e), 0);
	ck_assert_int_eq(dl_jsonl_parse(&ex, " \t\r\n", 4, &e), 0);
	/* Duplicate keys: the last wins (also when the names differ only in escaping). */
	ck_assert_str_eq(canon("{\"a\":1,\"b\":2,\"a\":\"x\"}"),
			 "{\"b\":{\"int64\":[2]},\"a\":{\"bytes\":[\"x\"]}}\n");
	ck_assert_str_eq(canon("{\"a\":1,\"\\u0061\":2.5}"), "{\"a\":{\"float\":[2.5]}}\n");
	/* Escapes in values and names. */
	const char *line = "{\"k\\n\\u00e9\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u00e9\\u20ac"
			   "\\ud83d\\ude00\\uD83D\\uDE00\"}";
	ck_assert_int_eq(dl_jsonl_parse(&ex, line, strlen(line), &e), 1);
	ck_assert_uint_eq(ex.nfeat, 1);
	ck_assert_uint_eq(ex.feat[0].name_len, 4);
	ck_assert(!memcmp(dl_feature_name(&ex, &ex.feat[0]), "k\n\xc3\xa9", 4));
	const uint8_t *v = dl_feature_bytes(&ex, &ex.feat[0], 0, &n);
	static const char want[] = "\"\\/\b\f\n\r\t\0\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf0\x9f\x98\x80";
	ck_assert_uint_eq(n, sizeof want - 1);
	ck_assert(!memcmp(v, want, n));
	/* Names: \udc80..\udcff are raw bytes. */
	line = "{\"\\udc80\\udcFF\":1}";
	ck_assert_int_eq(dl_jsonl_parse(&ex, line, strlen(line), &e), 1);
	ck_assert_uint_eq(ex.feat[0].name_len, 2);
	ck_assert(!memcmp(dl_feature_name(&ex, &ex.feat[0]), "\x80\xff", 2));
	/* A line without its newline and a line that is not NUL-terminated. */
	char buf[16];
	memcpy(buf, "{\"a\":12}99999", 13);
	ck_assert_int_eq(dl_jsonl_parse(&ex, buf, 8, &e), 1);
	ck_assert(dl_feature_ints(&ex, &ex.feat[0])[0] == 12);
	memcpy(buf, "{\"a\":1.5}9", 10);
	ck_assert_int_eq(dl_jsonl_parse(&ex, buf, 9, &e), 1);
	ck_assert(dl_feature_floats(&ex, &ex.feat[0])[0] == 1.5f);
	/* Long escaped names and long number literals (the scratch paths). */
	dl_buf b = {0};
	dl_buf_puts(&b, "{\"");
	for (int i = 0; i < 300; i++)
		dl_buf_puts(&b, "\\u0041");
	dl_buf_puts(&b, "\":{\"float\":[0.");
	for (int i = 0; i < 200; i++)
		dl_buf_putc(&b, '1');
	dl_buf_puts(&b, "]}}");
	ck_assert_int_eq(dl_jsonl_parse(&ex, (char *)b.data, b.len, &e), 1);
	ck_assert_uint_eq(ex.feat[0].name_len, 300);
	ck_assert(dl_feature_floats(&ex, &ex.feat[0])[0] == strtof("0.111111111111", NULL));
	dl_buf_free(&b);
	dl_example_free(&ex);
}
END_TEST

START_TEST(test_jsonl_errors)
{
	static const char *t[][2] = {
		{"[1]", "expected '{' (one JSON object per line) at column 1"},
		{"  x", "expected '{' (one JSON object per line) at column 3"},
		{"{\"a\":1", "expected ',' or '}' after a feature value at column 7"},
		{"{\"a\" 1}", "expected ':' after the feature name at column 6"},
		{"{a:1}", "expected a feature name (a string) at column 2"},
		{"{\"a\":1,}", "expected a feature name (a string) at column 8"},
		{"{\"a\":1} x", "unexpected text after the object at column 9"},
		{"{\"a\":1}{}", "unexpected text after the object at column 8"},
		{"{\"a\":true}", "true, false and null are not feature values at column 6"},
		{"{\"a\":null}", "true, false and null are not feature values at column 6"},
		{"{\"a\":[false]}", "true, false and null are not feature values at column 7"},
		{"{\"a\":}", "expected a feature value at column 6"},
		{"{\"a\":", "expected a feature value, found the end of the line at column 6"},
		{"{\"a\":+1}", "expected a feature value at column 6"},
		{"{\"a\":[]}", "an empty array has no type (write {\"int64\":[]}, {\"float\":[]} or "
			   "{\"bytes\":[]}) at column 6"},
		{"{\"a\":[ ]}", "an empty array has no type (write {\"int64\":[]}, {\"float\":[]} or "
			    "{\"bytes\":[]}) at column 6"},
		{"{\"a\":[[1]]}", "nested arrays are not feature values at column 7"},
		{"{\"a\":[1,[1]]}", "nested arrays are not feature values at column 9"},
		{"{\"a\":[{\"base64\":\"\"}]}", "objects inside an array are not feature values "
			"(write {\"bytes\":[...]} for base64 values) at column 7"},
		{"{\"a\":[1,\"x\"]}", "mixed strings and numbers in an array at column 9"},
		{"{\"a\":[\"x\",1]}", "mixed strings and numbers in an array at column 11"},
		{"{\"a\":[1,]}", "expected a number or a string at column 9"},
		{"{\"a\":[1 2]}", "expected ',' or ']' in the int64 list at column 9"},
		{"{\"a\":[1", "expected ',' or ']' in the int64 list at column 8"},
		{"{\"a\":{\"int64\":[1.5]}}", "int64 value 1.5 is not an integer at column 16"},
		{"{\"a\":{\"int64\":[1e2]}}", "int64 value 1e2 is not an integer at column 16"},
		{"{\"a\":{\"int64\":[\"1.5\"]}}", "int64 value \"1.5\" is not an integer at column 16"},
		{"{\"a\":{\"int64\":[\"\"]}}", "int64 value \"\" is not an integer at column 16"},
		{"{\"a\":{\"int64\":[9223372036854775808]}}",
		 "int64 value 9223372036854775808 is out of range at column 16"},
		{"{\"a\":{\"int64\":[\"-9223372036854775809\"]}}",
		 "int64 value \"-9223372036854775809\" is out of range at column 16"},
		{"{\"a\":99999999999999999999}", "int64 value 99999999999999999999 is out of range at column 6"},
		{"{\"a\":{\"int64\":[1,]}}", "expected an integer or a decimal string in the int64 list at column 18"},
		{"{\"a\":{\"int64\":[1 2]}}", "expected ',' or ']' in the int64 list at column 18"},
		{"{\"a\":{\"int64\":[true]}}", "true, false and null are not feature values at column 16"},
		{"{\"a\":{\"float\":[\"nan\"]}}", "float value \"nan\" is not a number (expected a number, "
			"\"NaN\", \"Infinity\" or \"-Infinity\") at column 16"},
		{"{\"a\":{\"float\":[\"1.5\"]}}", "float value \"1.5\" is not a number (expected a number, "
			"\"NaN\", \"Infinity\" or \"-Infinity\") at column 16"},
		{"{\"a\":{\"float\":[\"NaN:0x00000001\"]}}", "\"NaN:0x00000001\" is not a NaN bit pattern at column 16"},
		{"{\"a\":{\"float\":[\"NaN:0x7f800000\"]}}", "\"NaN:0x7f800000\" is not a NaN bit pattern at column 16"},
		{"{\"a\":{\"float\":[\"NaN:0x7fc0000\"]}}", "float value \"NaN:0x7fc0000\" is not a number (expected "
			"a number, \"NaN\", \"Infinity\" or \"-Infinity\") at column 16"},
		{"{\"a\":{\"float\":[{}]}}", "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\" in "
			"the float list at column 16"},
		{"{\"a\":{\"bytes\":[1]}}", "expected a string or {\"base64\":...} in the bytes list at column 16"},
		{"{\"a\":{\"bytes\":[{\"base64\":\"abc\"}]}}", "invalid base64 (RFC 4648, padded) at column 26"},
		{"{\"a\":{\"bytes\":[{\"b64\":\"abc\"}]}}", "expected \"base64\" in a bytes object at column 17"},
		{"{\"a\":{\"bytes\":[{\"base64\":1}]}}", "expected a base64 string at column 26"},
		{"{\"a\":{\"bytes\":[{\"base64\":\"\",\"x\":1}]}}", "expected '}' after the base64 string "
			"(the object opened at column 16) at column 28"},
		{"{\"a\":{\"str\":[1]}}", "unknown list type \"str\" (expected \"bytes\", \"float\" or "
			"\"int64\") at column 7"},
		{"{\"a\":{\"int64\":[1],\"float\":[2]}}", "expected '}' after the int64 list (a feature "
			"object has one key) at column 18"},
		{"{\"a\":{\"int64\":1}}", "expected '[' after \"int64\": at column 15"},
		{"{\"a\":{\"int64\" []}}", "expected ':' after \"int64\" at column 15"},
		{"{\"a\":{1:[]}}", "expected \"bytes\", \"float\", \"int64\" or '}' in a feature object at column 7"},
		{"{\"a\":\"x", "string not closed before the end of the line at column 6"},
		{"{\"a\":\"x\\", "string not closed before the end of the line at column 6"},
		{"{\"a", "string not closed before the end of the line at column 2"},
		{"{\"a\":\"\\q\"}", "invalid escape '\\q' in a string at column 7"},
		{"{\"a\":\"\\u12\"}", "invalid \\u escape (it needs four hex digits) at column 7"},
		{"{\"a\":\"\\u12g4\"}", "invalid \\u escape (it needs four hex digits) at column 7"},
		{"{\"a\":\"\\ud800\"}", "lone surrogate \\ud800 (a high surrogate must be followed by a "
			"low one) at column 7"},
		{"{\"a\":\"\\ud800\\u0041\"}", "lone surrogate \\ud800 (a high surrogate must be followed "
			"by a low one) at column 7"},
		{"{\"a\":\"\\ud800\\ud800\"}", "lone surrogate \\ud800 (a high surrogate must be followed "
			"by a low one) at column 7"},
		{"{\"a\":\"\\udc80\"}", "lone surrogate \\udc80 at column 7"},
		{"{\"a\":\"x\\ude00\"}", "lone surrogate \\ude00 at column 8"},
		{"{\"\\udc7f\":1}", "lone surrogate \\udc7f (only \\udc80..\\udcff stand for raw bytes in "
			"names) at column 3"},
		{"{\"\\udd00\":1}", "lone surrogate \\udd00 (only \\udc80..\\udcff stand for raw bytes in "
			"names) at column 3"},
		{"{\"a\":\"\t\"}", "control character 0x09 in a string (write it as an escape) at column 7"},
		{"{\"a\":\"x\xff\"}", "invalid UTF-8 in a string at column 8"},
		{"{\"\xc0\x80\":1}", "invalid UTF-8 in a string at column 3"},
		{"{\"a\":\"\xed\xa0\x80\"}", "invalid UTF-8 in a string at column 7"},
		{"{\"a\":01}", "invalid number (a leading zero) at column 6"},
		{"{\"a\":-01}", "invalid number (a leading zero) at column 6"},
		{"{\"a\":1.}", "invalid number (digits must follow '.') at column 6"},
		{"{\"a\":.5}", "expected a feature value at column 6"},
		{"{\"a\":-}", "invalid number at column 6"},
		{"{\"a\":-x}", "invalid number at column 6"},
		{"{\"a\":1e}", "invalid number (digits must follow the exponent mark) at column 6"},
		{"{\"a\":1e+}", "invalid number (digits must follow the exponent mark) at column 6"},
		{"{\"a\":0x10}", "expected ',' or '}' after a feature value at column 7"},
		{"{\"a\":1x}", "expected ',' or '}' after a feature value at column 7"},
		{"{\"a\":{}", "expected ',' or '}' after a feature value at column 8"},
	};
	dl_example ex;
	dl_err e;

	dl_example_init(&ex);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		strcpy(e.msg, "(none)");
		int rc = dl_jsonl_parse(&ex, t[i][0], strlen(t[i][0]), &e);
		ck_assert_msg(rc == -1, "'%s' gave %d", t[i][0], rc);
		ck_assert_msg(!strcmp(e.msg, t[i][1]), "'%s':\n  got  %s\n  want %s", t[i][0], e.msg,
			      t[i][1]);
		/* The Example is usable afterwards. */
		ck_assert_int_eq(dl_jsonl_parse(&ex, "{\"z\":[1]}", 9, &e), 1);
		ck_assert_uint_eq(ex.nfeat, 1);
	}
	dl_example_free(&ex);
}
END_TEST

START_TEST(test_jsonl_read_stream)
{
	static const char text[] =
		"\xef\xbb\xbf{\"a\":1}\n"
		"\n"
		"   \r\n"
		"{\"a\":2}\r\n"
		"{\"a\":3}";      /* no final newline */
	dl_in *in = dl_in_open_mem(text, sizeof text - 1, "mem.jsonl", 0);
	dl_example ex;
	dl_err e;
	int64_t want = 1;

	dl_example_init(&ex);
	while (dl_jsonl_read(in, &ex, &e) == 1) {
		ck_assert_uint_eq(ex.nfeat, 1);
		ck_assert(dl_feature_ints(&ex, &ex.feat[0])[0] == want);
		want++;
	}
	ck_assert(want == 4);
	ck_assert_int_eq(dl_jsonl_read(in, &ex, &e), 0);
	dl_in_close(in);

	static const char bad[] = "{\"a\":1}\n\n{\"a\":2}\n{\"a\" 1}\n";
	in = dl_in_open_mem(bad, sizeof bad - 1, "data.jsonl", 0);
	ck_assert_int_eq(dl_jsonl_read(in, &ex, &e), 1);
	ck_assert_int_eq(dl_jsonl_read(in, &ex, &e), 1);
	ck_assert_int_eq(dl_jsonl_read(in, &ex, &e), -1);
	ck_assert_str_eq(e.msg, "data.jsonl:4: expected ':' after the feature name at column 6");
	dl_in_close(in);

	static const char bom_bad[] = "\xef\xbb\xbf{\"a\" 1}\n";
	in = dl_in_open_mem(bom_bad, sizeof bom_bad - 1, "b.jsonl", 0);
	ck_assert_int_eq(dl_jsonl_read(in, &ex, &e), -1);
	ck_assert_str_eq(e.msg, "b.jsonl:1: expected ':' after the feature name at column 6");
	dl_in_close(in);
	dl_example_free(&ex);
}
END_TEST

/* A random Example with every kind of name and value. */
static void random_example(dl_example *ex, uint64_t *s)
{
	static const char *pieces[] = { "a", "b", "\xc3\xa9", "\xff", "\x80", "\n", "\"", "\\",
					"\x7f", "\xf0\x9f\x98\x80", "\xed\xa0\x80", "\0", " " };
	size_t nf = gen(s) % 8;

	dl_example_clear(ex);
	for (size_t i = 0; i < nf; i++) {
		char name[64];
		size_t len = 0, k = gen(s) % 5;
		for (size_t j = 0; j < k; j++) {
			const char *p = pieces[gen(s) % (sizeof pieces / sizeof pieces[0])];
			size_t n = *p ? strlen(p) : 1;
			memcpy(name + len, p, n);
			len += n;
		}
		len += (size_t)snprintf(name + len, sizeof name - len, "%zu", i);  /* distinct */
		enum dl_feature_kind kind = (enum dl_feature_kind)(gen(s) % 4);
		size_t count = gen(s) % 5;
		dl_example_add(ex, name, len, kind);
		for (size_t j = 0; j < count && kind != DL_FEATURE_NONE; j++) {
			uint64_t r = gen(s);
			if (kind == DL_FEATURE_FLOAT) {
				dl_example_add_float(ex, r & 1 ? from_bits((uint32_t)(r >> 8)) :
						     (float)(r % 1000) / 8);
			} else if (kind == DL_FEATURE_INT64) {
				int64_t v = (int64_t)gen(s);
				dl_example_add_int64(ex, r % 3 == 0 ? v : r % 3 == 1 ? v >> 40 :
						     (int64_t)(r % 5) - 2 + ((int64_t)1 << 53));
			} else {
				char v[32];
				size_t n = r % 20;
				for (size_t q = 0; q < n; q++) {
					uint64_t z = gen(s);
					v[q] = (char)(z % 4 ? 'a' + z % 26 : (z >> 8) % 256);
				}
				dl_example_add_bytes(ex, v, n);
			}
		}
	}
}

START_TEST(test_jsonl_round_trip_random)
{
	dl_example ex, back;
	dl_buf l1 = {0}, l2 = {0};
	uint64_t s = 2024;
	dl_err e;

	dl_example_init(&ex);
	dl_example_init(&back);
	for (int i = 0; i < 20000; i++) {
		random_example(&ex, &s);
		dl_buf_clear(&l1);
		dl_buf_clear(&l2);
		dl_jsonl_write(&ex, &l1);
		ck_assert(l1.len && l1.data[l1.len - 1] == '\n');
		ck_assert_ptr_null(memchr(l1.data, '\n', l1.len - 1));
		ck_assert_msg(dl_jsonl_parse(&back, (char *)l1.data, l1.len, &e) == 1, "%s: %.*s",
			      e.msg, (int)l1.len, (char *)l1.data);
		ck_assert_msg(same_example(&ex, &back), "%.*s", (int)l1.len, (char *)l1.data);
		dl_jsonl_write(&back, &l2);
		ck_assert(l1.len == l2.len && !memcmp(l1.data, l2.data, l1.len));
	}
	dl_buf_free(&l1);
	dl_buf_free(&l2);
	dl_example_free(&ex);
	dl_example_free(&back);
}
END_TEST

/* ================================================================== CSV reader */

static void add_s_n(dl_example *ex, const char *name, const char *v, size_t n)
{
	dl_example_add(ex, name, strlen(name), DL_FEATURE_BYTES);
	dl_example_add_bytes(ex, v, n);
}
#define add_s add_s_n

enum { FROM_FILE, FROM_MEM, FROM_PIPE };

/* Reads csv[0..n) through the reader from a regular file, from memory or from a real pipe
 * and returns its Examples as JSON lines (caller frees), or NULL with *e filled: messages
 * name the input "in.csv" whatever the source. *usage is dl_csv_usage_error's answer
 * when opening failed, else -1. With check_spool, $TMPDIR points at an empty directory
 * that must still be empty while the reader holds its copy. */
static char *csv_read(const char *csv, size_t n, const dl_csv_options *opt, int mode,
		      dl_err *e, int *usage, int check_spool)
{
	char name[512], *result = NULL;
	const char *spooldir = NULL, *oldtmp = getenv("TMPDIR");
	char oldtmp_copy[256] = "";
	dl_csv_reader *r;
	dl_in *in = NULL;
	pid_t pid = -1;
	int fd[2] = {-1, -1};

	*usage = -1;
	if (oldtmp)
		snprintf(oldtmp_copy, sizeof oldtmp_copy, "%s", oldtmp);
	if (check_spool) {
		spooldir = tmp_path("spool");
		mkdir(spooldir, 0700);
		spooldir = strdup(spooldir);
		setenv("TMPDIR", spooldir, 1);
	}
	if (mode == FROM_FILE) {
		snprintf(name, sizeof name, "%s", tmp_path("in.csv"));
		write_file(name, csv, n);
		r = dl_csv_open(name, opt, e);
	} else if (mode == FROM_MEM) {
		snprintf(name, sizeof name, "in.csv");
		in = dl_in_open_mem(csv, n, name, 0);
		r = dl_csv_open_in(in, opt, e);
	} else {
		ck_assert_int_eq(pipe(fd), 0);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(fd[0]);
			for (size_t done = 0; done < n;) {
				ssize_t w = write(fd[1], csv + done, n - done);
				if (w <= 0)
					_exit(1);
				done += (size_t)w;
			}
			_exit(0);
		}
		close(fd[1]);
		snprintf(name, sizeof name, "/dev/fd/%d", fd[0]);
		r = dl_csv_open(name, opt, e);
	}
	if (check_spool) {
		DIR *d = opendir(spooldir);
		struct dirent *de;
		ck_assert_ptr_nonnull(d);
		while ((de = readdir(d)))
			ck_assert_msg(!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."),
				      "spool file left with a name: %s", de->d_name);
		closedir(d);
		if (*oldtmp_copy)
			setenv("TMPDIR", oldtmp_copy, 1);
		else
			unsetenv("TMPDIR");
		free((void *)spooldir);
	}
	if (!r) {
		*usage = dl_csv_usage_error(e);
	} else {
		dl_example ex;
		dl_buf b = {0};
		int rc;

		dl_example_init(&ex);
		while ((rc = dl_csv_next(r, &ex, e)) == 1)
			dl_jsonl_write(&ex, &b);
		if (rc == 0) {
			ck_assert_int_eq(dl_csv_next(r, &ex, e), 0);   /* and stays at the end */
			dl_buf_putc(&b, '\0');
			result = (char *)b.data;
		} else {
			dl_err again;
			ck_assert_int_eq(dl_csv_next(r, &ex, &again), -1);   /* the error stays */
			ck_assert_str_eq(again.msg, e->msg);
			dl_buf_free(&b);
		}
		dl_example_free(&ex);
		dl_csv_close(r);
	}
	dl_in_close(in);
	if (fd[0] >= 0)
		close(fd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	/* Messages name the input "in.csv". */
	if (!result && !strncmp(e->msg, name, strlen(name)) && strcmp(name, "in.csv")) {
		size_t k = strlen(name);
		memmove(e->msg + 6, e->msg + k, strlen(e->msg + k) + 1);
		memcpy(e->msg, "in.csv", 6);
	}
	return result;
}

/* The same through all three sources, which must agree; returns the JSON lines. */
static char *csv_all(const char *csv, const dl_csv_options *opt)
{
	static dl_csv_options none;
	char *out[3];
	dl_err e;
	int usage;

	for (int m = 0; m < 3; m++) {
		out[m] = csv_read(csv, strlen(csv), opt ? opt : &none, m, &e, &usage, m == FROM_PIPE);
		ck_assert_msg(out[m] != NULL, "mode %d: %s", m, e.msg);
	}
	ck_assert_str_eq(out[0], out[1]);
	ck_assert_str_eq(out[0], out[2]);
	free(out[1]);
	free(out[2]);
	return out[0];
}

/* Expects an error (the same through every source); returns whether it was a usage one. */
static int csv_fails(const char *csv, const dl_csv_options *opt, const char *want)
{
	static dl_csv_options none;
	int usage = -1, u;
	dl_err e;

	for (int m = 0; m < 3; m++) {
		char *out = csv_read(csv, strlen(csv), opt ? opt : &none, m, &e, &u, 0);
		ck_assert_msg(out == NULL, "mode %d: no error for '%s'", m, csv);
		ck_assert_msg(!strcmp(e.msg, want), "mode %d:\n  got  %s\n  want %s", m, e.msg, want);
		ck_assert(m == 0 || u == usage);
		usage = u;
	}
	return usage;
}

#define CSV_EQ(csv, opt, want) do { \
	char *got_ = csv_all((csv), (opt)); \
	ck_assert_str_eq(got_, (want)); \
	free(got_); \
} while (0)

START_TEST(test_csv_rfc4180)
{
	CSV_EQ("name,text\n"
	       "a,\"x,y\"\n"
	       "b,\"he said \"\"hi\"\"\"\n"
	       "c,\"multi\nline\"\n"
	       "d,\"\"\"\"\n"
	       "e,plain \"q\" inside\n"
	       "f,\"\"\n", NULL,
	       "{\"name\":{\"bytes\":[\"a\"]},\"text\":{\"bytes\":[\"x,y\"]}}\n"
	       "{\"name\":{\"bytes\":[\"b\"]},\"text\":{\"bytes\":[\"he said \\\"hi\\\"\"]}}\n"
	       "{\"name\":{\"bytes\":[\"c\"]},\"text\":{\"bytes\":[\"multi\\nline\"]}}\n"
	       "{\"name\":{\"bytes\":[\"d\"]},\"text\":{\"bytes\":[\"\\\"\"]}}\n"
	       "{\"name\":{\"bytes\":[\"e\"]},\"text\":{\"bytes\":[\"plain \\\"q\\\" inside\"]}}\n"
	       "{\"name\":{\"bytes\":[\"f\"]},\"text\":{\"bytes\":[\"\"]}}\n");
	/* CRLF, a BOM, CRLF inside quotes kept, a lone CR is data, no final newline. */
	CSV_EQ("\xef\xbb\xbf" "a,b\r\n1,\"x\r\ny\"\r\n2,p\rq\r\n3,z", NULL,
	       "{\"a\":{\"int64\":[1]},\"b\":{\"bytes\":[\"x\\r\\ny\"]}}\n"
	       "{\"a\":{\"int64\":[2]},\"b\":{\"bytes\":[\"p\\rq\"]}}\n"
	       "{\"a\":{\"int64\":[3]},\"b\":{\"bytes\":[\"z\"]}}\n");
	/* Quoted header names, a BOM-like sequence later is data. */
	CSV_EQ("\"x,1\",\"\xef\xbb\xbf\"\n1,2\n", NULL,
	       "{\"x,1\":{\"int64\":[1]},\"\xef\xbb\xbf\":{\"int64\":[2]}}\n");
	/* Header only: no Examples; empty lines skipped with several columns. */
	CSV_EQ("a,b\n", NULL, "");
	CSV_EQ("a,b", NULL, "");
	CSV_EQ("a,b\n\n1,2\n\r\n3,4\n\n", NULL,
	       "{\"a\":{\"int64\":[1]},\"b\":{\"int64\":[2]}}\n"
	       "{\"a\":{\"int64\":[3]},\"b\":{\"int64\":[4]}}\n");
	/* With one column an empty line is a row whose cell is missing. */
	CSV_EQ("a\n1\n\n2\n", NULL, "{\"a\":{\"int64\":[1]}}\n{}\n{\"a\":{\"int64\":[2]}}\n");
}
END_TEST

START_TEST(test_csv_inference)
{
	const char *csv =
		"i,f,special,s,big,empty,sp,mixed,hex\n"
		"1,1.5,nan,abc,9223372036854775807,,1,1,0x10\n"
		"-2,.5,-Inf,12,9223372036854775808,, 2,2.5,1p3\n"
		"+3,5.,INFINITY,\"\",1,,3,1e3,\n"
		"4,-1E-2,+infinity,x,2,\"\",4,-7,\n";
	dl_csv_options opt = {0};
	dl_csv_reader *r;
	dl_err e;
	static const enum dl_feature_kind kinds[] = {
		DL_FEATURE_INT64, DL_FEATURE_FLOAT, DL_FEATURE_FLOAT, DL_FEATURE_BYTES,
		DL_FEATURE_FLOAT, DL_FEATURE_FLOAT, DL_FEATURE_BYTES, DL_FEATURE_FLOAT,
		DL_FEATURE_BYTES,
	};

	CSV_EQ(csv, NULL,
	       "{\"i\":{\"int64\":[1]},\"f\":{\"float\":[1.5]},\"special\":{\"float\":[\"NaN\"]},"
	       "\"s\":{\"bytes\":[\"abc\"]},\"big\":{\"float\":[9.223372e+18]},\"sp\":{\"bytes\":[\"1\"]},"
	       "\"mixed\":{\"float\":[1]},\"hex\":{\"bytes\":[\"0x10\"]}}\n"
	       "{\"i\":{\"int64\":[-2]},\"f\":{\"float\":[0.5]},\"special\":{\"float\":[\"-Infinity\"]},"
	       "\"s\":{\"bytes\":[\"12\"]},\"big\":{\"float\":[9.223372e+18]},\"sp\":{\"bytes\":[\" 2\"]},"
	       "\"mixed\":{\"float\":[2.5]},\"hex\":{\"bytes\":[\"1p3\"]}}\n"
	       "{\"i\":{\"int64\":[3]},\"f\":{\"float\":[5]},\"special\":{\"float\":[\"Infinity\"]},"
	       "\"s\":{\"bytes\":[\"\"]},\"big\":{\"float\":[1]},\"sp\":{\"bytes\":[\"3\"]},"
	       "\"mixed\":{\"float\":[1000]}}\n"
	       "{\"i\":{\"int64\":[4]},\"f\":{\"float\":[-0.01]},\"special\":{\"float\":[\"Infinity\"]},"
	       "\"s\":{\"bytes\":[\"x\"]},\"big\":{\"float\":[2]},\"sp\":{\"bytes\":[\"4\"]},"
	       "\"mixed\":{\"float\":[-7]}}\n");
	write_file(tmp_path("k.csv"), csv, strlen(csv));
	r = dl_csv_open(tmp_path("k.csv"), &opt, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(dl_csv_ncolumns(r), 9);
	for (size_t i = 0; i < 9; i++)
		ck_assert_msg(dl_csv_column_kind(r, i) == kinds[i], "column %s", dl_csv_column_name(r, i));
	ck_assert_str_eq(dl_csv_column_name(r, 4), "big");
	ck_assert_str_eq(dl_csv_name(r), tmp_path("k.csv"));
	dl_csv_close(r);

	/* int64 boundaries stay int64; strtof rounds directly to float. */
	CSV_EQ("a,b\n9223372036854775807,1.00000005960464477550\n-9223372036854775808,0.1\n", NULL,
	       "{\"a\":{\"int64\":[\"9223372036854775807\"]},\"b\":{\"float\":[1.0000001]}}\n"
	       "{\"a\":{\"int64\":[\"-9223372036854775808\"]},\"b\":{\"float\":[0.1]}}\n");
	/* Quoted numbers are numbers; quoted empty is missing in numeric columns. */
	CSV_EQ("n,s\n\"\",\"\"\n,\n\"1\",x\n", NULL,
	       "{\"s\":{\"bytes\":[\"\"]}}\n{}\n{\"n\":{\"int64\":[1]},\"s\":{\"bytes\":[\"x\"]}}\n");
	/* Not numbers: signs alone, bare points and exponents, spaces, hex floats, "1_0". */
	CSV_EQ("a\n+\n", NULL, "{\"a\":{\"bytes\":[\"+\"]}}\n");
	CSV_EQ("a\n.\n", NULL, "{\"a\":{\"bytes\":[\".\"]}}\n");
	CSV_EQ("a\n1e\n", NULL, "{\"a\":{\"bytes\":[\"1e\"]}}\n");
	CSV_EQ("a\ne5\n", NULL, "{\"a\":{\"bytes\":[\"e5\"]}}\n");
	CSV_EQ("a\n1 \n", NULL, "{\"a\":{\"bytes\":[\"1 \"]}}\n");
	CSV_EQ("a\n0x1p3\n", NULL, "{\"a\":{\"bytes\":[\"0x1p3\"]}}\n");
	CSV_EQ("a\n1_0\n", NULL, "{\"a\":{\"bytes\":[\"1_0\"]}}\n");
	CSV_EQ("a\nnans\n", NULL, "{\"a\":{\"bytes\":[\"nans\"]}}\n");
	CSV_EQ("a\n-nan\n", NULL, "{\"a\":{\"float\":[\"NaN:0xffc00000\"]}}\n");
}
END_TEST

START_TEST(test_csv_options)
{
	const char *types1[] = {"x=float", "y=bytes"};
	const char *types2[] = {"x=int64"};
	const char *types3[] = {"x=float"};
	const char *types4[] = {"y=float", "y=int64"};   /* the later one wins */
	dl_csv_options opt = {0};

	/* Label first, then header order; the label may be any column. */
	opt.label = "c";
	CSV_EQ("a,b,c\n1,x,2.5\n", &opt,
	       "{\"c\":{\"float\":[2.5]},\"a\":{\"int64\":[1]},\"b\":{\"bytes\":[\"x\"]}}\n");
	opt.label = "a";
	CSV_EQ("a,b,c\n1,x,2.5\n", &opt,
	       "{\"a\":{\"int64\":[1]},\"b\":{\"bytes\":[\"x\"]},\"c\":{\"float\":[2.5]}}\n");
	/* A missing label cell: no feature, the others in order. */
	opt.label = "b";
	CSV_EQ("a,b,c\n1,,2\n", &opt, "{\"a\":{\"int64\":[1]},\"c\":{\"int64\":[2]}}\n");
	opt.label = NULL;

	/* Tab and other delimiters. */
	opt.delimiter = '\t';
	CSV_EQ("a\tb\n1,5\t\"x\ty\"\n", &opt,
	       "{\"a\":{\"bytes\":[\"1,5\"]},\"b\":{\"bytes\":[\"x\\ty\"]}}\n");
	opt.delimiter = ';';
	CSV_EQ("a;b\n1;2\n", &opt, "{\"a\":{\"int64\":[1]},\"b\":{\"int64\":[2]}}\n");
	opt.delimiter = 0;

	/* Forced types. */
	opt.types = types1;
	opt.ntypes = 2;
	CSV_EQ("x,y\n1,2\n3,\n", &opt,
	       "{\"x\":{\"float\":[1]},\"y\":{\"bytes\":[\"2\"]}}\n{\"x\":{\"float\":[3]}}\n");
	opt.types = types4;
	CSV_EQ("x,y\n1,2\n", &opt, "{\"x\":{\"int64\":[1]},\"y\":{\"int64\":[2]}}\n");
	opt.types = types2;
	opt.ntypes = 1;
	csv_fails("x\n1\n1.5\n", &opt, "in.csv:3: column 'x': '1.5' is not an int64");
	csv_fails("x\n99999999999999999999\n", &opt,
		  "in.csv:2: column 'x': '99999999999999999999' is not an int64");
	opt.types = types3;
	csv_fails("x,y\n1,2\nabc,3\n", &opt, "in.csv:3: column 'x': 'abc' is not a float");
	/* All columns forced: one pass. */
	CSV_EQ("x\n1\n2.5\n", &opt, "{\"x\":{\"float\":[1]}}\n{\"x\":{\"float\":[2.5]}}\n");
	opt.types = NULL;
	opt.ntypes = 0;

	/* --infer-rows: the first N rows decide; a later misfit is an error. */
	opt.infer_rows = 2;
	CSV_EQ("x,y\n1,a\n2,b\n3,c\n", &opt,
	       "{\"x\":{\"int64\":[1]},\"y\":{\"bytes\":[\"a\"]}}\n"
	       "{\"x\":{\"int64\":[2]},\"y\":{\"bytes\":[\"b\"]}}\n"
	       "{\"x\":{\"int64\":[3]},\"y\":{\"bytes\":[\"c\"]}}\n");
	csv_fails("x,y\n1,a\n2,b\n\nabc,c\n", &opt,
		  "in.csv:5: column 'x': 'abc' is not an int64 (the type inferred from the first 2 rows)");
	csv_fails("x,y\n1,a\n,b\n1.5,c\n", &opt,
		  "in.csv:4: column 'x': '1.5' is not an int64 (the type inferred from the first 2 rows)");
	opt.infer_rows = 1;
	csv_fails("x\n1.5\nfoo\n", &opt,
		  "in.csv:3: column 'x': 'foo' is not a float (the type inferred from the first row)");
	/* An all-empty column in the inferred rows is float. */
	csv_fails("x,y\n,1\nword,2\n", &opt,
		  "in.csv:3: column 'x': 'word' is not a float (the type inferred from the first row)");
	/* Rows past the limit are still checked for their width. */
	csv_fails("x\n1\n2\n3,4\n", &opt, "in.csv:4: row has 2 fields, the header has 1");
	opt.infer_rows = 100;     /* more rows than there are */
	CSV_EQ("x\n1\nfoo\n", &opt, "{\"x\":{\"bytes\":[\"1\"]}}\n{\"x\":{\"bytes\":[\"foo\"]}}\n");
	opt.infer_rows = 0;
}
END_TEST

START_TEST(test_csv_errors)
{
	const char *bad_type[] = {"x"}, *bad_kind[] = {"x=str"}, *no_col[] = {"zz=int64"};
	const char *empty_name[] = {"=int64"};
	dl_csv_options opt = {0};
	dl_err e;

	ck_assert_int_eq(csv_fails("a,b\n1,2\n\"x\ny\",2,3\n", NULL,
				   "in.csv:3: row has 3 fields, the header has 2"), 0);
	csv_fails("a,b,c\n1\n", NULL, "in.csv:2: row has 1 field, the header has 3");
	csv_fails("a,b\n1,\"xx\n", NULL, "in.csv:2: quoted field is not closed at the end of the input");
	csv_fails("a,b\n1,2\n3,\"x\n\n", NULL,
		  "in.csv:3: quoted field is not closed at the end of the input");
	csv_fails("a,b\n\"x\"y,2\n", NULL, "in.csv:2: unexpected 'y' after the closing quote of "
		  "field 1 (a quote inside a quoted field is written \"\")");
	csv_fails("a,b\n1,\"x\"\ry\n", NULL, "in.csv:2: a CR without LF after the closing quote of field 2");
	csv_fails("", NULL, "in.csv: the input is empty (CSV needs a header row)");
	csv_fails("\xef\xbb\xbf", NULL, "in.csv: the input is empty (CSV needs a header row)");
	csv_fails("a,,b\n", NULL, "in.csv:1: column 2 of the header has no name");
	csv_fails("\n1\n", NULL, "in.csv:1: column 1 of the header has no name");
	csv_fails("a,b,a\n", NULL, "in.csv:1: the header names column 'a' twice (columns 1 and 3)");

	/* The caller's mistakes are usage errors; the data's are not. */
	opt.label = "zz";
	ck_assert_int_eq(csv_fails("a,b\n1,2\n", &opt,
				   "in.csv: the header has no column 'zz' (named by --label)"), 1);
	opt.label = NULL;
	opt.ntypes = 1;
	opt.types = no_col;
	ck_assert_int_eq(csv_fails("a,b\n1,2\n", &opt,
				   "in.csv: the header has no column 'zz' (named by --type)"), 1);
	opt.types = bad_type;
	ck_assert_int_eq(csv_fails("x\n1\n", &opt,
				   "--type 'x': expected NAME=TYPE (TYPE int64, float or bytes)"), 1);
	opt.types = empty_name;
	ck_assert_int_eq(csv_fails("x\n1\n", &opt,
				   "--type '=int64': expected NAME=TYPE (TYPE int64, float or bytes)"), 1);
	opt.types = bad_kind;
	ck_assert_int_eq(csv_fails("x\n1\n", &opt,
				   "--type 'x=str': the type must be int64, float or bytes"), 1);
	opt.ntypes = 0;
	opt.delimiter = '"';
	ck_assert_int_eq(csv_fails("x\n1\n", &opt,
				   "the delimiter must be one byte other than '\"', CR and LF"), 1);
	opt.delimiter = 0;
	/* Found during inference (at open): not a usage error. */
	ck_assert_int_eq(csv_fails("a\n1\n2,3\n", NULL, "in.csv:3: row has 2 fields, the header has 1"), 0);
	ck_assert_ptr_null(dl_csv_open(tmp_path("missing.csv"), &opt, &e));
	ck_assert_int_eq(dl_csv_usage_error(&e), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "missing.csv"));
	/* A usage error followed by a data error in the same dl_err: the mark is reset. */
	opt.label = "zz";
	ck_assert_ptr_null(dl_csv_open(tmp_path("missing.csv"), &opt, &e));
	ck_assert_int_eq(dl_csv_usage_error(&e), 0);
}
END_TEST

/* A larger file: long quoted cells across chunk boundaries, CRLF and LF mixed, every
 * source (and the pipe spooled) gives the same, with and without infer_rows. */
START_TEST(test_csv_sources_agree)
{
	dl_buf csv = {0}, want = {0};
	uint64_t s = 31;
	dl_csv_options opt = {0};

	dl_buf_puts(&csv, "id,x,text,maybe\n");
	for (int i = 0; i < 3000; i++) {
		uint64_t r = gen(&s);
		dl_buf_printf(&csv, "%d,%d.%d,", i, (int)(r % 1000) - 500, (int)(r >> 20) % 100);
		if (r % 7 == 0) {
			dl_buf_putc(&csv, '"');
			size_t n = i == 1500 ? 200000 : r % 300;
			for (size_t k = 0; k < n; k++) {
				int c = "ab,\"\n\r x"[gen(&s) % 8];
				if (c == '"')
					dl_buf_putc(&csv, '"');
				dl_buf_putc(&csv, c);
			}
			dl_buf_putc(&csv, '"');
		} else {
			dl_buf_printf(&csv, "w%d", (int)(r % 1000));
		}
		dl_buf_puts(&csv, r % 5 == 0 ? ",\r\n" : r % 5 == 1 ? ",\"\"\n" : ",7\n");
	}
	dl_buf_putc(&csv, '\0');
	char *a = csv_all((char *)csv.data, NULL);
	opt.infer_rows = 10;
	char *b = csv_all((char *)csv.data, &opt);
	ck_assert_str_eq(a, b);
	/* 3000 Examples, the long cell intact. */
	size_t lines = 0;
	for (char *p = a; *p; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, 3000);
	ck_assert_ptr_nonnull(strstr(a, "{\"id\":{\"int64\":[1500]}"));
	free(a);
	free(b);
	dl_buf_free(&csv);
	dl_buf_free(&want);
}
END_TEST

/* NUL bytes are ordinary bytes in names and cells, both ways. */
START_TEST(test_csv_nul_bytes)
{
	static const char csv[] = "a\0b,c\n1,x\0y\n";
	dl_csv_options opt = {0};
	dl_example ex;
	dl_err e;
	int usage;

	for (int m = 0; m < 3; m++) {
		char *got = csv_read(csv, sizeof csv - 1, &opt, m, &e, &usage, 0);
		ck_assert_msg(got != NULL, "%s", e.msg);
		ck_assert_str_eq(got, "{\"a\\u0000b\":{\"int64\":[1]},\"c\":{\"bytes\":[\"x\\u0000y\"]}}\n");
		free(got);
	}
	dl_example_init(&ex);
	dl_example_add(&ex, "a\0b", 3, DL_FEATURE_INT64);
	dl_example_add_int64(&ex, 1);
	add_s_n(&ex, "c", "x\0y", 3);
	dl_out *out = dl_out_open(tmp_path("nul.csv"), DL_COMPRESS_NONE);
	dl_csv_writer *w = dl_csv_writer_from_example(out, &ex, ',');
	ck_assert_int_eq(dl_csv_write(w, &ex, &e), 0);
	dl_csv_writer_free(w);
	dl_out_close(out);
	size_t n;
	char *back = read_file(tmp_path("nul.csv"), &n);
	ck_assert_uint_eq(n, sizeof csv - 1);
	ck_assert(!memcmp(back, csv, n));
	free(back);

	/* The length of a column name with NUL inside. */
	write_file(tmp_path("nul2.csv"), csv, sizeof csv - 1);
	dl_csv_reader *r = dl_csv_open(tmp_path("nul2.csv"), &opt, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(dl_csv_column_name_len(r, 0), 3);
	ck_assert(!memcmp(dl_csv_column_name(r, 0), "a\0b", 4));
	dl_csv_close(r);

	/* A first name that itself starts with a byte-order mark survives a round trip. */
	const char *names[] = { "\xef\xbb\xbf" "a", "b" };
	out = dl_out_open(tmp_path("bom.csv"), DL_COMPRESS_NONE);
	w = dl_csv_writer_new_names(out, names, 2, ',');
	dl_csv_writer_free(w);
	dl_out_close(out);
	back = read_file(tmp_path("bom.csv"), NULL);
	ck_assert_str_eq(back, "\"\xef\xbb\xbf" "a\",b\n");
	free(back);
	r = dl_csv_open(tmp_path("bom.csv"), &opt, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(dl_csv_column_name(r, 0), "\xef\xbb\xbf" "a");
	dl_csv_close(r);
	dl_example_free(&ex);
}
END_TEST

/* ================================================================== CSV writer */


START_TEST(test_csv_writer)
{
	dl_example ex;
	dl_err e;
	const char *path = tmp_path("out.csv");
	dl_out *out = dl_out_open(path, DL_COMPRESS_NONE);
	dl_csv_writer *w = dl_csv_writer_new(out, "s,i,f,e,s", ',');
	static const char *vals[] = { "plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", "",
				      " lead", "trail ", "in side", "tab\there", "\"" };

	dl_example_init(&ex);
	for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
		dl_example_clear(&ex);
		dl_example_add(&ex, "i", 1, DL_FEATURE_INT64);
		dl_example_add_int64(&ex, (int64_t)k - 1);
		add_s(&ex, "s", vals[k], strlen(vals[k]));
		ck_assert_int_eq(dl_csv_write(w, &ex, &e), 0);
	}
	dl_example_clear(&ex);
	dl_example_add(&ex, "f", 1, DL_FEATURE_FLOAT);
	dl_example_add_float(&ex, 0.1f);
	dl_example_add(&ex, "i", 1, DL_FEATURE_INT64);
	dl_example_add_int64(&ex, INT64_MIN);
	ck_assert_int_eq(dl_csv_write(w, &ex, &e), 0);
	static const float fv[] = { NAN, INFINITY, -INFINITY, -0.0f, 1e10f };
	for (size_t k = 0; k < 5; k++) {
		dl_example_clear(&ex);
		dl_example_add(&ex, "f", 1, DL_FEATURE_FLOAT);
		dl_example_add_float(&ex, fv[k]);
		ck_assert_int_eq(dl_csv_write(w, &ex, &e), 0);
	}
	/* No list set and empty lists: empty cells. */
	dl_example_clear(&ex);
	dl_example_add(&ex, "s", 1, DL_FEATURE_NONE);
	dl_example_add(&ex, "i", 1, DL_FEATURE_INT64);
	dl_example_add(&ex, "f", 1, DL_FEATURE_FLOAT);
	ck_assert_int_eq(dl_csv_write(w, &ex, &e), 0);
	/* Errors write nothing. */
	dl_example_clear(&ex);
	add_s(&ex, "s", "x", 1);
	add_s(&ex, "z", "y", 1);
	ck_assert_int_eq(dl_csv_write(w, &ex, &e), -1);
	ck_assert_str_eq(e.msg, "feature 'z' is not a column (name the columns with --columns)");
	dl_example_clear(&ex);
	add_s(&ex, "s", "x", 1);
	dl_example_add_bytes(&ex, "y", 1);
	ck_assert_int_eq(dl_csv_write(w, &ex, &e), -1);
	ck_assert_str_eq(e.msg, "feature 's' has 2 values (a CSV cell holds one)");
	dl_csv_writer_free(w);
	dl_out_close(out);

	char *got = read_file(path, NULL);
	ck_assert_str_eq(got,
		"s,i,f,e,s\n"
		"plain,-1,,,plain\n"
		"\"a,b\",0,,,\"a,b\"\n"
		"\"say \"\"hi\"\"\",1,,,\"say \"\"hi\"\"\"\n"
		"\"two\nlines\",2,,,\"two\nlines\"\n"
		"\"cr\r\",3,,,\"cr\r\"\n"
		"\"\",4,,,\"\"\n"
		"\" lead\",5,,,\" lead\"\n"
		"\"trail \",6,,,\"trail \"\n"
		"in side,7,,,in side\n"
		"tab\there,8,,,tab\there\n"
		"\"\"\"\",9,,,\"\"\"\"\n"
		",-9223372036854775808,0.1,,\n"
		",,NaN,,\n,,Infinity,,\n,,-Infinity,,\n,,-0,,\n,,10000000000,,\n"
		",,,,\n");
	free(got);

	/* Columns from the first Example; a tab delimiter quotes tabs, not commas; header
	 * names are quoted by the same rules. */
	out = dl_out_open(path, DL_COMPRESS_NONE);
	dl_example_clear(&ex);
	add_s(&ex, "b,c", "x,y", 3);
	add_s(&ex, "a", "p\tq", 3);
	w = dl_csv_writer_from_example(out, &ex, '\t');
	ck_assert_int_eq(dl_csv_write(w, &ex, &e), 0);
	dl_example_clear(&ex);
	add_s(&ex, "a", "only", 4);
	ck_assert_int_eq(dl_csv_write(w, &ex, &e), 0);
	dl_csv_writer_free(w);
	dl_out_close(out);
	got = read_file(path, NULL);
	ck_assert_str_eq(got, "b,c\ta\nx,y\t\"p\tq\"\n\tonly\n");
	free(got);

	/* Columns given and no rows: the header alone. */
	out = dl_out_open(path, DL_COMPRESS_NONE);
	w = dl_csv_writer_new(out, "x y,\"q\"", ',');
	dl_csv_writer_free(w);
	dl_out_close(out);
	got = read_file(path, NULL);
	ck_assert_str_eq(got, "x y,\"\"\"q\"\"\"\n");
	free(got);
	dl_example_free(&ex);
}
END_TEST

/* CSV -> Examples -> CSV gives the same bytes for a file in the writer's own form. */
START_TEST(test_csv_round_trip)
{
	const char *csv =
		"label,id,score,name,note\n"
		"yes,1,0.5,alice,\"x,y\"\n"
		"no,2,-1e-05,bob,\n"
		"yes,3,NaN,\"say \"\"hi\"\"\",\"\"\n"
		"no,4,3.4028235e+38,\" pad \",\"multi\nline\"\n"
		"yes,-9223372036854775808,-Infinity,\xc3\xa9t\xc3\xa9,\n";
	const char *path = tmp_path("rt.csv");
	dl_csv_options opt = { .label = "label" };
	dl_csv_reader *r;
	dl_csv_writer *w = NULL;
	dl_example ex;
	dl_out *out;
	dl_err e;
	int rc;

	write_file(tmp_path("src.csv"), csv, strlen(csv));
	r = dl_csv_open(tmp_path("src.csv"), &opt, &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	out = dl_out_open(path, DL_COMPRESS_NONE);
	dl_example_init(&ex);
	while ((rc = dl_csv_next(r, &ex, &e)) == 1) {
		if (!w)
			w = dl_csv_writer_from_example(out, &ex, ',');
		ck_assert_int_eq(dl_csv_write(w, &ex, &e), 0);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(dl_csv_line(r), 7);   /* the last row started on line 7 */
	dl_csv_writer_free(w);
	dl_out_close(out);
	dl_csv_close(r);
	char *got = read_file(path, NULL);
	ck_assert_str_eq(got, csv);
	free(got);
	dl_example_free(&ex);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("numfmt");
	tcase_add_test(tc, test_float_known);
	tcase_add_test(tc, test_float_random_bits);
	tcase_add_test(tc, test_float_typical);
	tcase_add_test(tc, test_float_shortest);
	tcase_add_test(tc, test_strtof);
	tcase_add_test(tc, test_int64_format_parse);
	tcase_add_test(tc, test_base64);
	tcase_set_timeout(tc, 600);
	suite_add_tcase(s, tc);

	tc = tcase_create("jsonl");
	tcase_add_test(tc, test_jsonl_write_kinds);
	tcase_add_test(tc, test_jsonl_write_numbers);
	tcase_add_test(tc, test_jsonl_escaping);
	tcase_add_test(tc, test_jsonl_shorthand);
	tcase_add_test(tc, test_jsonl_whitespace_dup_escapes);
	tcase_add_test(tc, test_jsonl_errors);
	tcase_add_test(tc, test_jsonl_read_stream);
	tcase_add_test(tc, test_jsonl_round_trip_random);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);

	tc = tcase_create("csv");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_csv_rfc4180);
	tcase_add_test(tc, test_csv_inference);
	tcase_add_test(tc, test_csv_options);
	tcase_add_test(tc, test_csv_errors);
	tcase_add_test(tc, test_csv_sources_agree);
	tcase_add_test(tc, test_csv_nul_bytes);
	tcase_add_test(tc, test_csv_writer);
	tcase_add_test(tc, test_csv_round_trip);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
