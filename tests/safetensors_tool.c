/*
 * safetensors_tool.c — a helper of tests/cli/safetensors-torch.sh: writes a file with
 * lib/nn/safetensors.c and prints what the reader sees, in the format of
 * tests/golden/nn/st.py dump, so that the two can be compared line for line.
 *
 *     safetensors_tool write FILE           every dtype, an empty tensor, a scalar, metadata
 *     safetensors_tool dump FILE [KEY...]    metadata KEYs (in the order given), then one line
 *                                            per tensor: hex(name) dtype [shape] hex(bytes),
 *                                            plus hex(float32 bytes) for floating types
 */
#include "config.h"
#include "core/alloc.h"
#include "core/error.h"
#include "nn/safetensors.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const dtype_names[] = { "F32", "F16", "BF16", "F64", "I64", "I32", "I16",
					   "I8", "U8", "BOOL" };

static void hex(const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", ((const uint8_t *)p)[i]);
}

static int dump(const char *path, char **keys, int nkeys)
{
	dl_err e;
	dl_st_file *f = dl_st_open(path, &e);
	if (!f)
		dl_die("%s", e.msg);
	for (int i = 0; i < nkeys; i++) {
		const char *v = dl_st_meta(f, keys[i]);
		if (!v)
			dl_die("%s: no metadata '%s'", path, keys[i]);
		printf("meta ");
		hex(keys[i], strlen(keys[i]));
		printf("=");
		hex(v, strlen(v));
		printf("\n");
	}
	for (size_t i = 0; i < dl_st_count(f); i++) {
		const dl_st_tensor *t = dl_st_tensor_at(f, i);
		hex(t->name, strlen(t->name));
		printf(" %s [", dtype_names[t->dtype]);
		for (int d = 0; d < t->ndim; d++)
			printf("%s%" PRIu64, d ? "," : "", t->shape[d]);
		printf("] ");
		hex(t->data, t->nbytes);
		if (t->dtype <= DL_ST_F64) {
			float *v = dl_mallocarray(t->count + 1, sizeof *v);
			if (dl_st_to_f32(f, t, v, &e) < 0)
				dl_die("%s", e.msg);
			printf(" ");
			hex(v, t->count * sizeof *v);
			free(v);
		}
		printf("\n");
	}
	dl_st_close(f);
	return 0;
}

static int write_sample(const char *path)
{
	dl_st_writer *w = dl_st_writer_new();
	dl_st_add_meta(w, "format", "pt");
	dl_st_add_meta(w, "written by", "tests/safetensors_tool.c \"write\"\n");
	float f32[12];
	for (int i = 0; i < 12; i++)
		f32[i] = (float)i / 3 - 2;
	dl_st_add(w, "f32", DL_ST_F32, 2, (const uint64_t[]){ 3, 4 }, f32);
	const uint16_t f16[] = { 0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0x7bff, 0x7c00,
				 0xfc00, 0x7e00, 0x7c01, 0xfe01 };
	dl_st_add(w, "f16", DL_ST_F16, 1, (const uint64_t[]){ 12 }, f16);
	const uint16_t bf16[] = { 0x0000, 0x8000, 0x0001, 0x3f80, 0x7f80, 0x7fc0, 0x7f81, 0xc049 };
	dl_st_add(w, "bf16", DL_ST_BF16, 3, (const uint64_t[]){ 2, 2, 2 }, bf16);
	const double f64[] = { 0.1, -1e300, 1e-300, 1.0 / 3, -0.0 };
	dl_st_add(w, "f64", DL_ST_F64, 1, (const uint64_t[]){ 5 }, f64);
	const int64_t i64[] = { INT64_MIN, -1, 0, INT64_MAX };
	dl_st_add(w, "i64", DL_ST_I64, 2, (const uint64_t[]){ 2, 2 }, i64);
	const int32_t i32[] = { INT32_MIN, 5, INT32_MAX };
	dl_st_add(w, "i32", DL_ST_I32, 1, (const uint64_t[]){ 3 }, i32);
	const int16_t i16[] = { INT16_MIN, 7 };
	dl_st_add(w, "i16", DL_ST_I16, 1, (const uint64_t[]){ 2 }, i16);
	const int8_t i8[] = { -128, 0, 127 };
	dl_st_add(w, "i8", DL_ST_I8, 1, (const uint64_t[]){ 3 }, i8);
	const uint8_t u8[] = { 0, 128, 255 };
	dl_st_add(w, "u8", DL_ST_U8, 1, (const uint64_t[]){ 3 }, u8);
	const uint8_t b[] = { 1, 0, 0, 1 };
	dl_st_add(w, "bool", DL_ST_BOOL, 2, (const uint64_t[]){ 2, 2 }, b);
	const float s = 2.5f;
	dl_st_add(w, "scalar", DL_ST_F32, 0, NULL, &s);
	dl_st_add(w, "empty", DL_ST_F32, 2, (const uint64_t[]){ 4, 0 }, NULL);
	dl_st_add(w, "n\xc3\xa4me \"with\" \\ and\ttab", DL_ST_F32, 1, (const uint64_t[]){ 1 },
		  &s);
	dl_st_save(w, path);
	return 0;
}

int main(int argc, char **argv)
{
	dl_set_progname(argv[0]);
	if (argc == 3 && !strcmp(argv[1], "write"))
		return write_sample(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "dump"))
		return dump(argv[2], argv + 3, argc - 3);
	dl_usage_error("usage: safetensors_tool write FILE | dump FILE [KEY...]");
}
