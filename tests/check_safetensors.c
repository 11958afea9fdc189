/*
 * check_safetensors.c — lib/nn/safetensors.c: round trips of every dtype, the writer's exact
 * bytes, float conversions (all 65536 halves and bfloats against a formula written here),
 * a file written by torch (tests/data/nn/sample.safetensors, made by tests/golden/nn/st.py),
 * and the exact message for each way a file can be wrong.
 *
 * Bad files are built here byte by byte: an 8-byte length, a JSON header given as text and
 * a run of data bytes.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/io.h"
#include "nn/safetensors.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *data(const char *name)
{
	static char path[4][4200];
	static int next;
	const char *src = getenv("DL_SRC");
	char *p = path[next++ % 4];
	snprintf(p, sizeof path[0], "%s/tests/data/nn/%s", src ? src : ".", name);
	return p;
}

/* An 8-byte length, the header text, then ndata bytes 0, 1, 2, ... */
static uint8_t *mkfile(const char *json, size_t ndata, size_t *len)
{
	size_t n = strlen(json);
	uint8_t *b = malloc(8 + n + ndata + 1);
	ck_assert_ptr_nonnull(b);
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)n >> (8 * i));
	memcpy(b + 8, json, n);
	for (size_t i = 0; i < ndata; i++)
		b[8 + n + i] = (uint8_t)i;
	*len = 8 + n + ndata;
	return b;
}

static dl_st_file *open_json(const char *json, size_t ndata, dl_err *e)
{
	size_t n;
	uint8_t *b = mkfile(json, ndata, &n);
	dl_st_file *f = dl_st_open_mem(b, n, "t.st", e);
	free(b);
	return f;
}

static void expect_bad_bytes(const void *p, size_t n, const char *want)
{
	dl_err e = {{0}};
	dl_st_file *f = dl_st_open_mem(p, n, "t.st", &e);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(e.msg, want);
}

static void expect_bad(const char *json, size_t ndata, const char *want)
{
	size_t n;
	uint8_t *b = mkfile(json, ndata, &n);
	expect_bad_bytes(b, n, want);
	free(b);
}

static dl_st_file *must_open(const char *path)
{
	dl_err e = {{0}};
	dl_st_file *f = dl_st_open(path, &e);
	ck_assert_msg(f != NULL, "%s", e.msg);
	return f;
}

static uint32_t f32_bits(float x)
{
	uint32_t b;
	memcpy(&b, &x, 4);
	return b;
}

/* ================================================================== round trips */

struct spec {
	const char *name;
	enum dl_st_dtype dtype;
	int ndim;
	uint64_t shape[3];
	size_t elem;
};

static const struct spec specs[] = {
	{ "f32", DL_ST_F32, 2, { 3, 5 }, 4 },     { "f16", DL_ST_F16, 1, { 7 }, 2 },
	{ "bf16", DL_ST_BF16, 3, { 2, 1, 3 }, 2 }, { "f64", DL_ST_F64, 1, { 4 }, 8 },
	{ "i64", DL_ST_I64, 2, { 2, 2 }, 8 },     { "i32", DL_ST_I32, 1, { 9 }, 4 },
	{ "i16", DL_ST_I16, 1, { 3 }, 2 },        { "i8", DL_ST_I8, 2, { 1, 5 }, 1 },
	{ "u8", DL_ST_U8, 1, { 6 }, 1 },          { "bool", DL_ST_BOOL, 1, { 2 }, 1 },
	{ "scalar", DL_ST_F32, 0, { 0 }, 4 },     { "empty", DL_ST_F32, 2, { 4, 0 }, 4 },
	{ "empty.i8", DL_ST_I8, 1, { 0 }, 1 },    { "one", DL_ST_I8, 1, { 1 }, 1 },
};
#define NSPECS (sizeof specs / sizeof specs[0])

static size_t spec_count(const struct spec *s)
{
	size_t c = 1;
	for (int d = 0; d < s->ndim; d++)
		c *= s->shape[d];
	return c;
}

START_TEST(test_round_trip_every_dtype)
{
	uint8_t *bytes[NSPECS];
	dl_st_writer *w = dl_st_writer_new();
	dl_st_add_meta(w, "format", "pt");
	dl_st_add_meta(w, "note", "quotes \" backslash \\ newline \n tab \t bell \a \xc3\xa9");
	for (size_t i = 0; i < NSPECS; i++) {
		bytes[i] = random_bytes(spec_count(&specs[i]) * specs[i].elem, i + 1);
		if (specs[i].dtype == DL_ST_BOOL)
			for (size_t k = 0; k < spec_count(&specs[i]); k++)
				bytes[i][k] &= 1;
		dl_st_add(w, specs[i].name, specs[i].dtype, specs[i].ndim, specs[i].shape,
			  bytes[i]);
	}
	dl_st_save(w, tpath("m.st"));

	dl_st_file *f = must_open(tpath("m.st"));
	ck_assert_uint_eq(dl_st_count(f), NSPECS);
	ck_assert_str_eq(dl_st_meta(f, "format"), "pt");
	ck_assert_str_eq(dl_st_meta(f, "note"),
			 "quotes \" backslash \\ newline \n tab \t bell \a \xc3\xa9");
	ck_assert_ptr_null(dl_st_meta(f, "nope"));
	for (size_t i = 0; i < NSPECS; i++) {
		const dl_st_tensor *t = dl_st_tensor_at(f, i);
		ck_assert_str_eq(t->name, specs[i].name);
		ck_assert_ptr_eq(dl_st_find(f, specs[i].name), t);
		ck_assert_int_eq(t->dtype, specs[i].dtype);
		ck_assert_int_eq(t->ndim, specs[i].ndim);
		for (int d = 0; d < t->ndim; d++)
			ck_assert_uint_eq(t->shape[d], specs[i].shape[d]);
		ck_assert_uint_eq(t->count, spec_count(&specs[i]));
		ck_assert_uint_eq(t->nbytes, t->count * specs[i].elem);
		ck_assert(t->nbytes == 0 || !memcmp(t->data, bytes[i], t->nbytes));
		free(bytes[i]);
	}
	ck_assert_ptr_null(dl_st_tensor_at(f, NSPECS));
	ck_assert_ptr_null(dl_st_find(f, "f3"));
	ck_assert_ptr_null(dl_st_find(f, ""));
	/* The data section starts on a 16-byte boundary: F32 data at offset 0 is aligned. */
	ck_assert_uint_eq((uintptr_t)dl_st_find(f, "f32")->data % 16, 0);
	dl_st_close(f);
}
END_TEST

START_TEST(test_writer_bytes)
{
	/* Compact JSON, metadata first, tensors in the order added, spaces up to 8n bytes. */
	dl_st_writer *w = dl_st_writer_new();
	dl_st_add_meta(w, "k", "v");
	const float x[2] = { 1, 2 };
	const uint8_t y = 7;
	dl_st_add(w, "z", DL_ST_F32, 1, (const uint64_t[]){ 2 }, x);
	dl_st_add(w, "a\"\x01", DL_ST_U8, 0, NULL, &y);
	dl_st_save(w, tpath("w.st"));
	size_t n;
	uint8_t *b = read_file(tpath("w.st"), &n);
	const char *h = "{\"__metadata__\":{\"k\":\"v\"},"
			"\"z\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
			"\"a\\\"\\u0001\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[8,9]}}";
	size_t hn = strlen(h), pad = (8 - hn % 8) % 8;
	ck_assert_uint_eq(n, 8 + hn + pad + 9);
	ck_assert_uint_eq(b[0] | b[1] << 8, hn + pad);
	for (int i = 2; i < 8; i++)
		ck_assert_uint_eq(b[i], 0);
	ck_assert(!memcmp(b + 8, h, hn));
	for (size_t i = 0; i < pad; i++)
		ck_assert_uint_eq(b[8 + hn + i], ' ');
	ck_assert(!memcmp(b + 8 + hn + pad, x, 8));
	ck_assert_uint_eq(b[n - 1], 7);
	free(b);

	/* Nothing at all: "{}" and six spaces. */
	dl_st_save(dl_st_writer_new(), tpath("e.st"));
	b = read_file(tpath("e.st"), &n);
	ck_assert_uint_eq(n, 16);
	ck_assert(!memcmp(b, "\x08\0\0\0\0\0\0\0{}      ", 16));
	free(b);
	dl_st_file *f = must_open(tpath("e.st"));
	ck_assert_uint_eq(dl_st_count(f), 0);
	ck_assert_ptr_null(dl_st_find(f, "x"));
	ck_assert_ptr_null(dl_st_meta(f, "k"));
	dl_st_close(f);
}
END_TEST

START_TEST(test_scalar_and_empty)
{
	dl_err e = {{0}};
	dl_st_file *f = open_json("{\"s\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},"
				  "\"e\":{\"dtype\":\"F32\",\"shape\":[3,0,2],\"data_offsets\":[8,8]},"
				  "\"e2\":{\"dtype\":\"BF16\",\"shape\":[0],\"data_offsets\":[0,0]}}",
				  8, &e);
	ck_assert_msg(f != NULL, "%s", e.msg);
	const dl_st_tensor *s = dl_st_find(f, "s"), *z = dl_st_find(f, "e");
	ck_assert_int_eq(s->ndim, 0);
	ck_assert_uint_eq(s->count, 1);
	ck_assert_uint_eq(z->count, 0);
	ck_assert_uint_eq(z->nbytes, 0);
	ck_assert_int_eq(z->ndim, 3);
	float v[1] = { 42 };
	ck_assert_int_eq(dl_st_to_f32(f, z, v, &e), 0);
	ck_assert(v[0] == 42);  /* nothing written */
	ck_assert_int_eq(dl_st_to_f32(f, s, v, &e), 0);
	double d;
	memcpy(&d, (const uint8_t[]){ 0, 1, 2, 3, 4, 5, 6, 7 }, 8);
	ck_assert_uint_eq(f32_bits(v[0]), f32_bits((float)d));
	dl_st_close(f);
}
END_TEST

/* ================================================================== conversions */

/* binary16 by its definition (IEEE 754-2008, 3.6): no bit tricks. */
static double half_value(uint16_t h)
{
	int s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
	double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(1024 + m, e - 25);
	return s ? -v : v;
}

START_TEST(test_f16_bf16_all_values)
{
	uint16_t *h = malloc(65536 * 2);
	ck_assert_ptr_nonnull(h);
	for (uint32_t i = 0; i < 65536; i++)
		h[i] = (uint16_t)i;
	uint64_t shape = 65536;
	dl_st_writer *w = dl_st_writer_new();
	dl_st_add(w, "h", DL_ST_F16, 1, &shape, h);
	dl_st_add(w, "b", DL_ST_BF16, 1, &shape, h);
	dl_st_save(w, tpath("h.st"));
	free(h);
	dl_st_file *f = must_open(tpath("h.st"));
	float *v = malloc(65536 * sizeof *v);
	ck_assert_ptr_nonnull(v);
	dl_err e = {{0}};
	ck_assert_int_eq(dl_st_to_f32(f, dl_st_find(f, "h"), v, &e), 0);
	for (uint32_t i = 0; i < 65536; i++) {
		double want = half_value((uint16_t)i);
		uint32_t b = f32_bits(v[i]);
		if (isnan(want))  /* payload kept, made quiet, sign kept */
			FAST_ASSERT(b == ((i & 0x8000) << 16 | 0x7fc00000 | (i & 0x3ff) << 13));
		else
			FAST_ASSERT((double)v[i] == want && !signbit(v[i]) == !signbit(want));
	}
	ck_assert_int_eq(dl_st_to_f32(f, dl_st_find(f, "b"), v, &e), 0);
	for (uint32_t i = 0; i < 65536; i++) {
		int s = i >> 15, ex = (i >> 7) & 255, m = i & 127;
		uint32_t b = f32_bits(v[i]);
		if (ex == 255 && m) {  /* NaN: the bits as they are, as torch does */
			FAST_ASSERT(b == i << 16);
			continue;
		}
		double want = ex == 0 ? ldexp(m, -133) : ex == 255 ? INFINITY : ldexp(128 + m, ex - 134);
		FAST_ASSERT((double)v[i] == (s ? -want : want) && !!signbit(v[i]) == s);
	}
	free(v);
	dl_st_close(f);
}
END_TEST

START_TEST(test_f64_and_non_float)
{
	const double d[] = { 0.1, 1e300, -1e-300, 1.0 + 0x1p-24, 1.0 + 0x1p-24 + 0x1p-40, -0.0,
			     INFINITY, 3.4028235677973366e38 };
	uint64_t n = sizeof d / sizeof d[0];
	const int32_t ints[2] = { 1, 2 };
	dl_st_writer *w = dl_st_writer_new();
	dl_st_add(w, "d", DL_ST_F64, 1, &n, d);
	dl_st_add(w, "i", DL_ST_I32, 1, (const uint64_t[]){ 2 }, ints);
	dl_st_save(w, tpath("d.st"));
	dl_st_file *f = must_open(tpath("d.st"));
	float v[8];
	dl_err e = {{0}};
	ck_assert_int_eq(dl_st_to_f32(f, dl_st_find(f, "d"), v, &e), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(f32_bits(v[i]), f32_bits((float)d[i]));
	ck_assert_uint_eq(f32_bits(v[3]), 0x3f800000);  /* a tie, to even */
	ck_assert_uint_eq(f32_bits(v[4]), 0x3f800001);
	ck_assert_uint_eq(f32_bits(v[7]), 0x7f800000);  /* rounds up past FLT_MAX */
	ck_assert_int_eq(dl_st_to_f32(f, dl_st_find(f, "i"), v, &e), -1);
	char want[300];
	snprintf(want, sizeof want, "%s: tensor 'i': dtype I32 is not a floating-point type",
		 tpath("d.st"));
	ck_assert_str_eq(e.msg, want);
	dl_st_close(f);
}
END_TEST

/* ================================================================== torch's file */

START_TEST(test_torch_sample)
{
	dl_st_file *f = must_open(data("sample.safetensors"));
	ck_assert_uint_eq(dl_st_count(f), 15);
	ck_assert_str_eq(dl_st_meta(f, "format"), "pt");
	ck_assert_str_eq(dl_st_meta(f, "made by"), "tests/golden/nn/st.py");
	const char *names[] = { "f32", "f16.special", "f16.random", "bf16.special", "bf16.random",
				"f64", "i64", "i32", "i16", "i8", "u8", "bool", "scalar", "empty",
				"\xc3\xbcn\xc3\xaf \"quoted\"\n" };
	for (size_t i = 0; i < 15; i++)
		ck_assert_str_eq(dl_st_tensor_at(f, i)->name, names[i]);
	/* torch's Tensor.float() of the special halves, bit for bit. */
	static const uint32_t want[16] = {
		0x00000000, 0x80000000, 0x33800000, 0x387fc000, 0x38800000, 0x3f800000,
		0xbf800000, 0x477fe000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fc02000,
		0xffc02000, 0x38000000, 0xb3800000, 0x3eaaa000,
	};
	float v[16];
	dl_err e = {{0}};
	const dl_st_tensor *t = dl_st_find(f, "f16.special");
	ck_assert_int_eq(dl_st_to_f32(f, t, v, &e), 0);
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(f32_bits(v[i]), want[i]);
	t = dl_st_find(f, "bf16.special");
	ck_assert_int_eq(dl_st_to_f32(f, t, v, &e), 0);
	ck_assert_uint_eq(f32_bits(v[10]), 0x7f810000);  /* a signalling NaN stays as it is */
	ck_assert_uint_eq(f32_bits(v[11]), 0x40490000);
	t = dl_st_find(f, "i64");
	int64_t i64[4];
	memcpy(i64, t->data, sizeof i64);
	ck_assert(i64[0] == 0 && i64[1] == -1 && i64[2] == INT64_C(1) << 62 && i64[3] == INT64_MIN);
	t = dl_st_find(f, "i32");
	ck_assert(t->ndim == 2 && t->shape[0] == 2 && t->shape[1] == 3);
	ck_assert(!memcmp(dl_st_find(f, "bool")->data, "\1\0\1", 3));
	t = dl_st_find(f, "scalar");
	ck_assert(t->ndim == 0 && t->count == 1);
	ck_assert_int_eq(dl_st_to_f32(f, t, v, &e), 0);
	ck_assert(v[0] == 2.5f);
	t = dl_st_find(f, "empty");
	ck_assert(t->ndim == 2 && t->shape[0] == 0 && t->shape[1] == 3 && t->nbytes == 0);
	dl_st_close(f);
}
END_TEST

START_TEST(test_gzip_and_stdin_names)
{
	size_t n;
	uint8_t *b = read_file(data("sample.safetensors"), &n);
	ck_assert_ptr_nonnull(b);
	dl_out *out = dl_out_open(tpath("s.st.gz"), DL_COMPRESS_GZIP);
	dl_out_write(out, b, n);
	dl_out_close(out);
	dl_st_file *f = must_open(tpath("s.st.gz"));
	ck_assert_uint_eq(dl_st_count(f), 15);
	dl_st_close(f);
	free(b);

	/* A header length whose low bytes are the gzip magic is still plain. */
	char json[0x8b1f + 1];
	memset(json, ' ', sizeof json - 1);
	json[sizeof json - 1] = 0;
	memcpy(json, "{}", 2);
	b = mkfile(json, 0, &n);
	ck_assert_uint_eq(b[0], 0x1f);
	ck_assert_uint_eq(b[1], 0x8b);
	write_file(tpath("magic.st"), b, n);
	free(b);
	f = must_open(tpath("magic.st"));
	ck_assert_uint_eq(dl_st_count(f), 0);
	dl_st_close(f);

	dl_err e = {{0}};
	ck_assert_ptr_null(dl_st_open(tpath("missing.st"), &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "missing.st"));
}
END_TEST

/* ================================================================== bad files */

START_TEST(test_bad_framing)
{
	expect_bad_bytes("", 0, "t.st: file of 0 bytes is too short to hold a header length (8 bytes)");
	expect_bad_bytes("\2\0\0\0\0", 5,
			 "t.st: file of 5 bytes is too short to hold a header length (8 bytes)");
	expect_bad_bytes("\3\0\0\0\0\0\0\0{}", 10,
			 "t.st: header length 3 runs past the end of the file (10 bytes)");
	expect_bad_bytes("\xff\xff\xff\xff\xff\xff\xff\xff{}", 10,
			 "t.st: header length 18446744073709551615 runs past the end of the file (10 bytes)");
	expect_bad_bytes("\0\0\0\0\0\0\0\0", 8, "t.st: header is not a JSON object");
	expect_bad("[]", 0, "t.st: header is not a JSON object");
	expect_bad("  \"{\"", 0, "t.st: header is not a JSON object");
	expect_bad("{\"a\":", 0, "t.st: header is not valid JSON (near byte 12)");
	expect_bad("{\"a\" 1}", 0, "t.st: header is not valid JSON (near byte 13)");
	expect_bad("{}{}", 0, "t.st: header has bytes after its JSON object (byte 10)");
	expect_bad("{} \n\t x", 0, "t.st: header has bytes after its JSON object (byte 14)");
	expect_bad_bytes("\3\0\0\0\0\0\0\0{}\0", 11,
			 "t.st: header has bytes after its JSON object (byte 10)");
	expect_bad("{\"\xc3\":1}", 0, "t.st: header is not valid UTF-8 (byte 10)");
	expect_bad("{\"a\\u0000b\":{}}", 0, "t.st: header has a \\u0000 escape (byte 11)");
}
END_TEST

static void bad_entry(const char *entry, size_t ndata, const char *want)
{
	char json[512];
	snprintf(json, sizeof json, "{\"w\":%s}", entry);
	expect_bad(json, ndata, want);
}

START_TEST(test_bad_entries)
{
	bad_entry("[]", 0, "t.st: tensor 'w': entry is not an object");
	bad_entry("{\"dtype\":\"F33\",\"shape\":[],\"data_offsets\":[0,4]}", 4,
		  "t.st: tensor 'w': unknown dtype 'F33'");
	bad_entry("{\"dtype\":\"f32\",\"shape\":[],\"data_offsets\":[0,4]}", 4,
		  "t.st: tensor 'w': unknown dtype 'f32'");
	bad_entry("{\"dtype\":\"U16\",\"shape\":[],\"data_offsets\":[0,2]}", 2,
		  "t.st: tensor 'w': unsupported dtype 'U16'");
	bad_entry("{\"dtype\":4,\"shape\":[],\"data_offsets\":[0,4]}", 4,
		  "t.st: tensor 'w': dtype is not a string");
	bad_entry("{\"dtype\":\"F32\",\"shape\":[]}", 4, "t.st: tensor 'w': no data_offsets");
	bad_entry("{\"shape\":[],\"data_offsets\":[0,4]}", 4, "t.st: tensor 'w': no dtype");
	bad_entry("{\"dtype\":\"F32\",\"data_offsets\":[0,4]}", 4, "t.st: tensor 'w': no shape");
	bad_entry("{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"x\":1}", 4,
		  "t.st: tensor 'w': unknown key 'x'");
	bad_entry("{\"dtype\":\"F32\",\"shape\":[],\"dtype\":\"F32\",\"data_offsets\":[0,4]}", 4,
		  "t.st: tensor 'w': key 'dtype' appears twice");
	bad_entry("{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,4]}", 4,
		  "t.st: tensor 'w': shape is not an array");
	const char *shapes[] = { "[-1]", "[1.5]", "[\"1\"]", "[[1]]", "[null]", "[1e300]",
				 "[9007199254740992]" };
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		char ent[200];
		snprintf(ent, sizeof ent, "{\"dtype\":\"F32\",\"shape\":%s,\"data_offsets\":[0,4]}",
			 shapes[i]);
		bad_entry(ent, 4, "t.st: tensor 'w': shape is not an array of non-negative integers");
	}
	bad_entry("{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}", 4,
		  "t.st: tensor 'w': shape has 9 dimensions (at most 8)");
	bad_entry("{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}",
		  4, "t.st: tensor 'w': shape [4294967296, 4294967296] is too large");
	bad_entry("{\"dtype\":\"I64\",\"shape\":[4294967296,536870912],\"data_offsets\":[0,4]}",
		  4, "t.st: tensor 'w': shape [4294967296, 536870912] is too large");
	const char *offs[] = { "[0]", "[0,4,8]", "[-1,3]", "[0,\"4\"]", "{}", "[0.5,4]" };
	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		char ent[200];
		snprintf(ent, sizeof ent, "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":%s}",
			 offs[i]);
		bad_entry(ent, 4, "t.st: tensor 'w': data_offsets is not an array of two integers "
				  "[begin, end]");
	}
	bad_entry("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}", 4,
		  "t.st: tensor 'w': data_offsets [4, 0] are not within the data (4 bytes)");
	bad_entry("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", 7,
		  "t.st: tensor 'w': data_offsets [0, 8] are not within the data (7 bytes)");
	bad_entry("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}", 4,
		  "t.st: tensor 'w': data_offsets [0, 4] do not hold shape [2] of F32");
	bad_entry("{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[0,4]}", 4,
		  "t.st: tensor 'w': data_offsets [0, 4] do not hold shape [] of BF16");
	bad_entry("{\"dtype\":\"I8\",\"shape\":[0],\"data_offsets\":[0,1]}", 1,
		  "t.st: tensor 'w': data_offsets [0, 1] do not hold shape [0] of I8");
	/* The message of the header's own example. */
	size_t n;
	uint8_t *b = mkfile("{\"h.0.attn.c_attn.weight\":{\"dtype\":\"F32\",\"shape\":[64,192],"
			    "\"data_offsets\":[0,100]}}", 100, &n);
	dl_err e = {{0}};
	ck_assert_ptr_null(dl_st_open_mem(b, n, "model.safetensors", &e));
	ck_assert_str_eq(e.msg, "model.safetensors: tensor 'h.0.attn.c_attn.weight': data_offsets "
				"[0, 100] do not hold shape [64, 192] of F32");
	free(b);
}
END_TEST

#define T(name, dt, shape, b, e) \
	"\"" name "\":{\"dtype\":\"" dt "\",\"shape\":" shape ",\"data_offsets\":[" #b "," #e "]}"

START_TEST(test_bad_layout)
{
	expect_bad("{" T("a", "F32", "[2]", 0, 8) "," T("a", "F32", "[2]", 8, 16) "}", 16,
		   "t.st: tensor 'a' appears twice");
	expect_bad("{" T("b", "F32", "[2]", 0, 8) "," T("a", "U8", "[4]", 4, 8) "}", 8,
		   "t.st: tensor 'a': data_offsets [4, 8] overlap those of tensor 'b' [0, 8]");
	expect_bad("{" T("b", "F32", "[2]", 0, 8) "," T("a", "F32", "[2]", 0, 8) "}", 8,
		   "t.st: tensor 'a': data_offsets [0, 8] overlap those of tensor 'b' [0, 8]");
	expect_bad("{" T("b", "F32", "[2]", 0, 8) "," T("e", "F32", "[0]", 4, 4) "}", 8,
		   "t.st: tensor 'e': data_offsets [4, 4] overlap those of tensor 'b' [0, 8]");
	expect_bad("{" T("b", "F32", "[1]", 0, 4) "," T("a", "F32", "[1]", 8, 12) "}", 12,
		   "t.st: tensor 'a': data_offsets [8, 12] leave bytes [4, 8) of the data unused");
	expect_bad("{" T("a", "F32", "[1]", 4, 8) "}", 8,
		   "t.st: tensor 'a': data_offsets [4, 8] leave bytes [0, 4) of the data unused");
	expect_bad("{" T("a", "F32", "[1]", 0, 4) "}", 5,
		   "t.st: bytes [4, 5) of the data belong to no tensor");
	expect_bad("{}", 3, "t.st: bytes [0, 3) of the data belong to no tensor");
	/* Empty tensors may sit at the boundaries; order in the file does not matter. */
	dl_err e = {{0}};
	dl_st_file *f = open_json("{" T("z", "F32", "[1]", 4, 8) "," T("e", "F32", "[0]", 4, 4) ","
				  T("y", "F32", "[1]", 0, 4) "," T("f", "F32", "[0]", 8, 8) "}", 8, &e);
	ck_assert_msg(f != NULL, "%s", e.msg);
	ck_assert_str_eq(dl_st_tensor_at(f, 0)->name, "z");
	ck_assert_uint_eq(dl_st_find(f, "z")->data[0], 4);
	dl_st_close(f);
}
END_TEST

START_TEST(test_bad_metadata)
{
	expect_bad("{\"__metadata__\":[]}", 0, "t.st: __metadata__ is not an object");
	expect_bad("{\"__metadata__\":{\"a\":\"b\",\"n\":1}}", 0,
		   "t.st: __metadata__: value of 'n' is not a string");
	expect_bad("{\"__metadata__\":{\"a\":\"b\",\"a\":\"c\"}}", 0,
		   "t.st: __metadata__: key 'a' appears twice");
	expect_bad("{\"__metadata__\":{},\"__metadata__\":{}}", 0, "t.st: __metadata__ appears twice");
	dl_err e = {{0}};
	dl_st_file *f = open_json("{" T("x", "U8", "[1]", 0, 1) ",\"__metadata__\":{\"a\":\"\"}}", 1, &e);
	ck_assert_msg(f != NULL, "%s", e.msg);
	ck_assert_str_eq(dl_st_meta(f, "a"), "");
	ck_assert_uint_eq(dl_st_count(f), 1);
	dl_st_close(f);
}
END_TEST

START_TEST(test_truncated_and_mutated)
{
	/* Every prefix of a good file fails cleanly; so does every single-byte change that
	 * the reader can see, and none crashes (the sanitizer build checks the rest). */
	size_t n;
	uint8_t *b = read_file(data("sample.safetensors"), &n);
	ck_assert_ptr_nonnull(b);
	for (size_t k = 0; k < n; k++) {
		dl_err e = {{0}};
		dl_st_file *f = dl_st_open_mem(b, k, "t.st", &e);
		FAST_ASSERT(f == NULL && e.msg[0]);
	}
	size_t hn = (size_t)b[0] | (size_t)b[1] << 8;
	{
		dl_err e = {{0}};
		ck_assert_ptr_null(dl_st_open_mem(b, n - 1, "t.st", &e));
		/* The last tensor holds 4 bytes at the end of the data. */
		char want[200];
		snprintf(want, sizeof want, "t.st: tensor '\xc3\xbcn\xc3\xaf \"quoted\"\n': data_offsets "
			 "[%zu, %zu] are not within the data (%zu bytes)", n - 8 - hn - 4, n - 8 - hn,
			 n - 8 - hn - 1);
		ck_assert_str_eq(e.msg, want);
	}
	uint64_t s = 1;
	for (int it = 0; it < 20000; it++) {
		uint8_t *m = malloc(n);
		memcpy(m, b, n);
		int flips = 1 + (int)(gen(&s) % 3);
		for (int j = 0; j < flips; j++) {
			size_t at = (size_t)(gen(&s) % (8 + hn));
			m[at] = (uint8_t)gen(&s);
		}
		dl_err e = {{0}};
		dl_st_file *f = dl_st_open_mem(m, n, "t.st", &e);
		if (f) {
			for (size_t i = 0; i < dl_st_count(f); i++) {
				const dl_st_tensor *t = dl_st_tensor_at(f, i);
				FAST_ASSERT(dl_st_find(f, t->name) == t);
				if (t->nbytes)
					FAST_ASSERT(t->data[t->nbytes - 1] == t->data[t->nbytes - 1]);
			}
			dl_st_close(f);
		} else {
			FAST_ASSERT(e.msg[0] && !strncmp(e.msg, "t.st: ", 6));
		}
		free(m);
	}
	free(b);
}
END_TEST

/* ================================================================== writer misuse */

static void add_twice(void *arg)
{
	(void)arg;
	dl_st_writer *w = dl_st_writer_new();
	const float x = 1;
	dl_st_add(w, "x", DL_ST_F32, 0, NULL, &x);
	dl_st_add(w, "x", DL_ST_F32, 0, NULL, &x);
}

static void add_meta_name(void *arg)
{
	(void)arg;
	dl_st_add(dl_st_writer_new(), "__metadata__", DL_ST_U8, 1, (const uint64_t[]){ 0 }, NULL);
}

static void add_meta_twice(void *arg)
{
	(void)arg;
	dl_st_writer *w = dl_st_writer_new();
	dl_st_add_meta(w, "k", "1");
	dl_st_add_meta(w, "k", "2");
}

static void add_bad_utf8(void *arg)
{
	(void)arg;
	dl_st_add(dl_st_writer_new(), "\xff", DL_ST_U8, 1, (const uint64_t[]){ 0 }, NULL);
}

START_TEST(test_writer_misuse_dies)
{
	dl_set_progname("dl-test");
	run_child(add_twice, NULL);
	expect_child(1, "", "dl-test: safetensors: tensor 'x' added twice\n");
	run_child(add_meta_name, NULL);
	expect_child(1, "", "dl-test: safetensors: '__metadata__' cannot name a tensor\n");
	run_child(add_meta_twice, NULL);
	expect_child(1, "", "dl-test: safetensors: metadata key 'k' added twice\n");
	run_child(add_bad_utf8, NULL);
	expect_child(1, "", "dl-test: safetensors: tensor name '\xff' is not valid UTF-8\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("safetensors");
	TCase *tc = tcase(s, "safetensors", 1);
	tcase_add_test(tc, test_round_trip_every_dtype);
	tcase_add_test(tc, test_writer_bytes);
	tcase_add_test(tc, test_scalar_and_empty);
	tcase_add_test(tc, test_f16_bf16_all_values);
	tcase_add_test(tc, test_f64_and_non_float);
	tcase_add_test(tc, test_torch_sample);
	tcase_add_test(tc, test_gzip_and_stdin_names);
	tcase_add_test(tc, test_bad_framing);
	tcase_add_test(tc, test_bad_entries);
	tcase_add_test(tc, test_bad_layout);
	tcase_add_test(tc, test_bad_metadata);
	tcase_add_test(tc, test_truncated_and_mutated);
	tcase_add_test(tc, test_writer_misuse_dies);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
