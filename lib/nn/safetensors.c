/*
 * safetensors.c — reader and writer of the safetensors format (Hugging Face's format
 * description, the README of the "safetensors" project).
 *
 * Layout: u64 little-endian N, N bytes of a UTF-8 JSON object (the header), then the data.
 * Each header key but "__metadata__" names a tensor: {"dtype", "shape", "data_offsets"},
 * offsets in bytes from the start of the data, [begin, end). "__metadata__", when present,
 * maps strings to strings.
 *
 * Reading. The whole file is read into one buffer (through dl_in, so "-" and a gzip'd file
 * work too). The data section is moved to a 16-byte boundary of that buffer so that callers
 * may view F32/F64/I64... tensors in place when their offsets are aligned (files written by
 * the reference implementation and by us always are). The header is parsed by cJSON and then
 * checked as strictly as the reference reader checks it, and a little more:
 *   - 8 <= file size, N <= file size - 8, the header starts with '{', is valid UTF-8 and
 *     parses as one JSON object followed by nothing but whitespace;
 *   - every tensor entry is an object with exactly the keys dtype, shape and data_offsets;
 *     the dtype is one we know; the shape has at most DL_ST_MAX_DIMS non-negative integers;
 *     data_offsets is [begin, end] with begin <= end <= the data size, and end - begin is
 *     the element count times the dtype's size;
 *   - names are unique, and, taken in offset order, the tensors tile the data exactly: no
 *     overlap, no hole, no byte after the last one (the reference rejects holes and trailing
 *     bytes so that a file cannot carry hidden content);
 *   - "__metadata__" is an object of strings.
 * cJSON keeps JSON numbers as doubles: shapes and offsets must be integers below 2^53.
 * A "\u0000" escape is refused anywhere in the header, since a C string could not hold the
 * name or value it belongs to.
 *
 * Writing follows the reference writer's output: compact JSON ("__metadata__" first, then
 * the tensors in the order they were added, each as dtype, shape, data_offsets), padded with
 * spaces so that N is a multiple of 8, then the tensors' bytes back to back in the same
 * order. Tensor bytes are taken as they lie in memory: hosts are little-endian, as the
 * format is (the float conversions of the reader do not depend on it).
 */
#include "config.h"
#include "nn/safetensors.h"
#include "core/alloc.h"
#include "core/io.h"
#include "core/utf8.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.c writes tensors' bytes as they are: a little-endian host is assumed"
#endif

#define MAX_EXACT 9007199254740992.0    /* 2^53: doubles are exact integers below it */
#define DATA_ALIGN 16

static const struct {
	const char *name;
	size_t size;
} dtypes[] = {
	[DL_ST_F32] = { "F32", 4 },  [DL_ST_F16] = { "F16", 2 }, [DL_ST_BF16] = { "BF16", 2 },
	[DL_ST_F64] = { "F64", 8 },  [DL_ST_I64] = { "I64", 8 }, [DL_ST_I32] = { "I32", 4 },
	[DL_ST_I16] = { "I16", 2 },  [DL_ST_I8] = { "I8", 1 },   [DL_ST_U8] = { "U8", 1 },
	[DL_ST_BOOL] = { "BOOL", 1 },
};
#define NDTYPES (sizeof dtypes / sizeof dtypes[0])

/* dtypes of the format that this reader does not handle: named as such in messages. */
static const char *const other_dtypes[] = {
	"U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64",
};

struct dl_st_file {
	char *name;                 /* for messages */
	uint8_t *buf;               /* the file; the data section at buf + data_at */
	size_t data_at, data_len;
	dl_st_tensor *t;            /* in file order */
	size_t n;
	size_t *by_name;            /* indices of t sorted by name */
	char **meta;                /* key, value, key, value, ... */
	size_t nmeta;
};

/* ================================================================== reading */

static int find_dtype(const char *s, enum dl_st_dtype *out)
{
	for (size_t i = 0; i < NDTYPES; i++)
		if (!strcmp(dtypes[i].name, s)) {
			*out = (enum dl_st_dtype)i;
			return 0;
		}
	return -1;
}

static int is_other_dtype(const char *s)
{
	for (size_t i = 0; i < sizeof other_dtypes / sizeof other_dtypes[0]; i++)
		if (!strcmp(other_dtypes[i], s))
			return 1;
	return 0;
}

/* A JSON number that is an integer in [0, 2^53). */
static int json_uint(const cJSON *j, uint64_t *out)
{
	if (!cJSON_IsNumber(j))
		return -1;
	double d = j->valuedouble;
	if (!(d >= 0 && d < MAX_EXACT) || d != (double)(uint64_t)d)
		return -1;
	*out = (uint64_t)d;
	return 0;
}

/* "[d0, d1, ...]" into b. */
static void shape_str(char *b, size_t size, const dl_st_tensor *t)
{
	size_t k = 0;
	k += (size_t)snprintf(b + k, size - k, "[");
	for (int i = 0; i < t->ndim && k < size; i++)
		k += (size_t)snprintf(b + k, size - k, "%s%" PRIu64, i ? ", " : "", t->shape[i]);
	if (k < size)
		snprintf(b + k, size - k, "]");
}

static int parse_shape(const dl_st_file *f, const cJSON *j, dl_st_tensor *t, dl_err *e)
{
	if (!cJSON_IsArray(j))
		return dl_errf(e, "%s: tensor '%s': shape is not an array", f->name, t->name);
	int nd = cJSON_GetArraySize(j);
	if (nd > DL_ST_MAX_DIMS)
		return dl_errf(e, "%s: tensor '%s': shape has %d dimensions (at most %d)", f->name,
			       t->name, nd, DL_ST_MAX_DIMS);
	t->ndim = nd;
	t->count = 1;
	int i = 0, overflow = 0;
	for (const cJSON *d = j->child; d; d = d->next, i++) {
		if (json_uint(d, &t->shape[i]) < 0)
			return dl_errf(e, "%s: tensor '%s': shape is not an array of non-negative "
				       "integers", f->name, t->name);
		overflow |= __builtin_mul_overflow(t->count, t->shape[i], &t->count);
	}
	if (overflow || t->count > SIZE_MAX / dtypes[t->dtype].size) {
		char s[256];
		shape_str(s, sizeof s, t);
		return dl_errf(e, "%s: tensor '%s': shape %s is too large", f->name, t->name, s);
	}
	return 0;
}

static int parse_offsets(const dl_st_file *f, const cJSON *j, dl_st_tensor *t, uint64_t off[2],
			 dl_err *e)
{
	if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) != 2 || json_uint(j->child, &off[0]) < 0 ||
	    json_uint(j->child->next, &off[1]) < 0)
		return dl_errf(e, "%s: tensor '%s': data_offsets is not an array of two integers "
			       "[begin, end]", f->name, t->name);
	if (off[0] > off[1] || off[1] > f->data_len)
		return dl_errf(e, "%s: tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64 "] are "
			       "not within the data (%zu bytes)", f->name, t->name, off[0], off[1],
			       f->data_len);
	uint64_t want = t->count * dtypes[t->dtype].size;
	if (off[1] - off[0] != want) {
		char s[256];
		shape_str(s, sizeof s, t);
		return dl_errf(e, "%s: tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64 "] do not "
			       "hold shape %s of %s", f->name, t->name, off[0], off[1], s,
			       dtypes[t->dtype].name);
	}
	t->data = f->buf + f->data_at + off[0];
	t->nbytes = (size_t)want;
	return 0;
}

static int parse_tensor(const dl_st_file *f, const cJSON *j, dl_st_tensor *t, uint64_t off[2],
			dl_err *e)
{
	if (!cJSON_IsObject(j))
		return dl_errf(e, "%s: tensor '%s': entry is not an object", f->name, t->name);
	const cJSON *dt = NULL, *shape = NULL, *offs = NULL;
	for (const cJSON *k = j->child; k; k = k->next) {
		const cJSON **slot = !strcmp(k->string, "dtype")	? &dt
				     : !strcmp(k->string, "shape")	? &shape
				     : !strcmp(k->string, "data_offsets") ? &offs
									  : NULL;
		if (!slot)
			return dl_errf(e, "%s: tensor '%s': unknown key '%s'", f->name, t->name,
				       k->string);
		if (*slot)
			return dl_errf(e, "%s: tensor '%s': key '%s' appears twice", f->name,
				       t->name, k->string);
		*slot = k;
	}
	const char *miss = !dt ? "dtype" : !shape ? "shape" : !offs ? "data_offsets" : NULL;
	if (miss)
		return dl_errf(e, "%s: tensor '%s': no %s", f->name, t->name, miss);
	if (!cJSON_IsString(dt))
		return dl_errf(e, "%s: tensor '%s': dtype is not a string", f->name, t->name);
	if (find_dtype(dt->valuestring, &t->dtype) < 0)
		return dl_errf(e, "%s: tensor '%s': %s dtype '%s'", f->name, t->name,
			       is_other_dtype(dt->valuestring) ? "unsupported" : "unknown",
			       dt->valuestring);
	if (parse_shape(f, shape, t, e) < 0)
		return -1;
	return parse_offsets(f, offs, t, off, e);
}

static int parse_meta(dl_st_file *f, const cJSON *j, dl_err *e)
{
	if (!cJSON_IsObject(j))
		return dl_errf(e, "%s: __metadata__ is not an object", f->name);
	size_t n = (size_t)cJSON_GetArraySize(j);
	f->meta = dl_calloc(2 * n + 1, sizeof *f->meta);
	for (const cJSON *k = j->child; k; k = k->next) {
		if (!cJSON_IsString(k))
			return dl_errf(e, "%s: __metadata__: value of '%s' is not a string", f->name,
				       k->string);
		for (size_t i = 0; i < f->nmeta; i++)
			if (!strcmp(f->meta[2 * i], k->string))
				return dl_errf(e, "%s: __metadata__: key '%s' appears twice",
					       f->name, k->string);
		f->meta[2 * f->nmeta] = dl_strdup(k->string);
		f->meta[2 * f->nmeta + 1] = dl_strdup(k->valuestring);
		f->nmeta++;
	}
	return 0;
}

/* A tensor's sort keys, so that qsort needs no context. */
struct span {
	const char *name;
	uint64_t begin, end;
	size_t i;                   /* index in file order */
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct span *)a)->name, ((const struct span *)b)->name);
}

static int cmp_offset(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	if (x->begin != y->begin)
		return x->begin < y->begin ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);   /* file order: the same message every time */
}

/* Tensors, taken in offset order, must tile the data exactly. */
static int check_tiling(const dl_st_file *f, struct span *s, dl_err *e)
{
	qsort(s, f->n, sizeof *s, cmp_offset);
	uint64_t end = 0;
	for (size_t k = 0; k < f->n; k++) {
		if (s[k].begin < end)
			return dl_errf(e, "%s: tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64 "] "
				       "overlap those of tensor '%s' [%" PRIu64 ", %" PRIu64 "]",
				       f->name, s[k].name, s[k].begin, s[k].end, s[k - 1].name,
				       s[k - 1].begin, s[k - 1].end);
		if (s[k].begin > end)
			return dl_errf(e, "%s: tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64 "] "
				       "leave bytes [%" PRIu64 ", %" PRIu64 ") of the data unused",
				       f->name, s[k].name, s[k].begin, s[k].end, end, s[k].begin);
		end = s[k].end;
	}
	if (end != f->data_len)
		return dl_errf(e, "%s: bytes [%" PRIu64 ", %zu) of the data belong to no tensor",
			       f->name, end, f->data_len);
	return 0;
}

/* Unique names (and the index by name for dl_st_find), then the tiling. */
static int check_layout(dl_st_file *f, const uint64_t (*off)[2], dl_err *e)
{
	struct span *s = dl_mallocarray(f->n + 1, sizeof *s);
	for (size_t i = 0; i < f->n; i++)
		s[i] = (struct span){ f->t[i].name, off[i][0], off[i][1], i };
	qsort(s, f->n, sizeof *s, cmp_name);
	int rc = 0;
	for (size_t i = 1; i < f->n && !rc; i++)
		if (!strcmp(s[i].name, s[i - 1].name))
			rc = dl_errf(e, "%s: tensor '%s' appears twice", f->name, s[i].name);
	f->by_name = dl_mallocarray(f->n + 1, sizeof *f->by_name);
	for (size_t i = 0; i < f->n; i++)
		f->by_name[i] = s[i].i;
	if (!rc)
		rc = check_tiling(f, s, e);
	free(s);
	return rc;
}

/* The raw header: UTF-8, an object, no \u0000 (which C strings cannot hold). */
static int check_header_text(const dl_st_file *f, const char *h, size_t n, dl_err *e)
{
	size_t bad = dl_utf8_valid(h, n);
	if (bad != n)
		return dl_errf(e, "%s: header is not valid UTF-8 (byte %zu)", f->name, 8 + bad);
	size_t i = 0;
	while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == '\n' || h[i] == '\r'))
		i++;
	if (i == n || h[i] != '{')
		return dl_errf(e, "%s: header is not a JSON object", f->name);
	for (i = 0; i + 1 < n; i++) {
		if (h[i] != '\\')
			continue;
		if (h[i + 1] == 'u' && i + 6 <= n && !memcmp(h + i + 2, "0000", 4))
			return dl_errf(e, "%s: header has a \\u0000 escape (byte %zu)", f->name,
				       8 + i);
		i++;
	}
	return 0;
}

static int parse_header(dl_st_file *f, const char *h, size_t n, dl_err *e)
{
	if (check_header_text(f, h, n, e) < 0)
		return -1;
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(h, n, &end, 0);
	if (!root) {
		size_t at = end && end >= h && end <= h + n ? (size_t)(end - h) : 0;
		return dl_errf(e, "%s: header is not valid JSON (near byte %zu)", f->name, 8 + at);
	}
	size_t rest = (size_t)(end - h);
	while (rest < n && (h[rest] == ' ' || h[rest] == '\t' || h[rest] == '\n' ||
			    h[rest] == '\r'))
		rest++;
	int rc = 0;
	if (rest < n)
		rc = dl_errf(e, "%s: header has bytes after its JSON object (byte %zu)", f->name,
			     8 + rest);
	size_t cap = (size_t)cJSON_GetArraySize(root);
	f->t = dl_calloc(cap + 1, sizeof *f->t);
	uint64_t (*off)[2] = dl_calloc(cap + 1, sizeof *off);
	for (const cJSON *k = root->child; k && !rc; k = k->next) {
		if (!strcmp(k->string, "__metadata__")) {
			if (f->meta)
				rc = dl_errf(e, "%s: __metadata__ appears twice", f->name);
			else
				rc = parse_meta(f, k, e);
			continue;
		}
		dl_st_tensor *t = &f->t[f->n];
		t->name = dl_strdup(k->string);
		f->n++;
		rc = parse_tensor(f, k, t, off[f->n - 1], e);
	}
	if (!rc)
		rc = check_layout(f, (const uint64_t (*)[2])off, e);
	free(off);
	cJSON_Delete(root);
	return rc;
}

/* Takes buf (malloc'd, len bytes, as read). */
static dl_st_file *open_buf(uint8_t *buf, size_t len, const char *name, dl_err *e)
{
	dl_st_file *f = dl_calloc(1, sizeof *f);
	f->name = dl_strdup(name);
	f->buf = buf;
	if (len < 8) {
		dl_errf(e, "%s: file of %zu bytes is too short to hold a header length (8 bytes)",
			name, len);
		goto fail;
	}
	uint64_t n = 0;
	for (int i = 7; i >= 0; i--)
		n = n << 8 | buf[i];
	if (n > len - 8) {
		dl_errf(e, "%s: header length %" PRIu64 " runs past the end of the file (%zu bytes)",
			name, n, len);
		goto fail;
	}
	size_t at = 8 + (size_t)n, shift = 0;
	f->data_len = len - at;
	if (((uintptr_t)buf + at) % DATA_ALIGN) {
		/* Only a header length that is not a multiple of 16 gets here. */
		f->buf = buf = dl_reallocarray(buf, len + DATA_ALIGN, 1);
		shift = (DATA_ALIGN - ((uintptr_t)buf + at) % DATA_ALIGN) % DATA_ALIGN;
		memmove(buf + at + shift, buf + at, f->data_len);
	}
	f->data_at = at + shift;
	if (parse_header(f, (const char *)buf + 8, (size_t)n, e) < 0)
		goto fail;
	return f;
fail:
	dl_st_close(f);
	return NULL;
}

/* A gzip'd file starts 1f 8b 08 and has its flags, not '{', at byte 8; a safetensors file
 * whose header length happens to start with those bytes is plain. */
static int plain_check(const uint8_t *p, size_t n)
{
	return n > 8 && p[8] == '{';
}

dl_st_file *dl_st_open(const char *path, dl_err *e)
{
	dl_in *in = dl_in_open(path, 0, e);
	if (!in)
		return NULL;
	dl_in_set_plain_check(in, plain_check);
	size_t len;
	uint8_t *buf = dl_in_slurp(in, &len, e);
	dl_st_file *f = buf ? open_buf(buf, len, dl_in_name(in), e) : NULL;
	dl_in_close(in);
	return f;
}

dl_st_file *dl_st_open_mem(const void *p, size_t n, const char *name, dl_err *e)
{
	uint8_t *buf = dl_malloc(n ? n : 1);
	if (n)
		memcpy(buf, p, n);
	return open_buf(buf, n, name ? name : "(memory)", e);
}

void dl_st_close(dl_st_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		free((char *)f->t[i].name);
	for (size_t i = 0; i < 2 * f->nmeta; i++)
		free(f->meta[i]);
	free(f->meta);
	free(f->by_name);
	free(f->t);
	free(f->buf);
	free(f->name);
	free(f);
}

size_t dl_st_count(const dl_st_file *f)
{
	return f->n;
}

const dl_st_tensor *dl_st_tensor_at(const dl_st_file *f, size_t i)
{
	return i < f->n ? &f->t[i] : NULL;
}

const dl_st_tensor *dl_st_find(const dl_st_file *f, const char *name)
{
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(f->t[f->by_name[mid]].name, name);
		if (!c)
			return &f->t[f->by_name[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *dl_st_meta(const dl_st_file *f, const char *key)
{
	for (size_t i = 0; i < f->nmeta; i++)
		if (!strcmp(f->meta[2 * i], key))
			return f->meta[2 * i + 1];
	return NULL;
}

/* IEEE 754 binary16 to binary32, exactly: every half is a float. Subnormal halves become
 * normal floats. A NaN keeps its payload and comes out quiet, as IEEE 754 conversion and
 * torch's Tensor.float() make it (bfloat16 -> float32 is a plain shift in both, signalling
 * NaNs included). */
static uint32_t f16_bits_to_f32(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
	if (exp == 0x1f)
		return sign | 0x7f800000u | man << 13 | (man ? 0x400000u : 0);
	if (exp)
		return sign | (exp + 112) << 23 | man << 13;
	if (!man)
		return sign;
	/* Subnormal: man * 2^-24; normalise so that the leading 1 is at bit 10. */
	int e = 113;
	while (!(man & 0x400)) {
		man <<= 1;
		e--;
	}
	return sign | (uint32_t)e << 23 | (man & 0x3ff) << 13;
}

int dl_st_to_f32(const dl_st_file *f, const dl_st_tensor *t, float *out, dl_err *e)
{
	const uint8_t *p = t->data;
	size_t n = (size_t)t->count;
	switch (t->dtype) {
	case DL_ST_F32:
		for (size_t i = 0; i < n; i++) {
			uint32_t b = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
				     (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
			memcpy(&out[i], &b, 4);
		}
		return 0;
	case DL_ST_F16:
	case DL_ST_BF16:
		for (size_t i = 0; i < n; i++) {
			uint16_t h = (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
			uint32_t b = t->dtype == DL_ST_BF16 ? (uint32_t)h << 16 : f16_bits_to_f32(h);
			memcpy(&out[i], &b, 4);
		}
		return 0;
	case DL_ST_F64:
		for (size_t i = 0; i < n; i++) {
			uint64_t b = 0;
			for (int k = 7; k >= 0; k--)
				b = b << 8 | p[8 * i + (size_t)k];
			double d;
			memcpy(&d, &b, 8);
			out[i] = (float)d;
		}
		return 0;
	default:
		return dl_errf(e, "%s: tensor '%s': dtype %s is not a floating-point type",
			       f->name, t->name, dtypes[t->dtype].name);
	}
}

/* ================================================================== writing */

struct st_entry {
	char *name;
	enum dl_st_dtype dtype;
	int ndim;
	uint64_t shape[DL_ST_MAX_DIMS];
	uint8_t *data;
	size_t nbytes;
};

struct dl_st_writer {
	struct st_entry *t;
	size_t n, cap;
	char **meta;                /* key, value, ... */
	size_t nmeta, meta_cap;
};

dl_st_writer *dl_st_writer_new(void)
{
	return dl_calloc(1, sizeof(dl_st_writer));
}

/* The writer's callers are programs handing over their own tensors: a bad name or shape is
 * a bug there, so it dies rather than write a file the reader would refuse. */
static void check_key(const char *what, const char *s)
{
	size_t n = strlen(s);
	if (dl_utf8_valid(s, n) != n)
		dl_die("safetensors: %s '%s' is not valid UTF-8", what, s);
}

void dl_st_add(dl_st_writer *w, const char *name, enum dl_st_dtype dtype, int ndim,
	       const uint64_t *shape, const void *data)
{
	check_key("tensor name", name);
	if (!strcmp(name, "__metadata__"))
		dl_die("safetensors: '__metadata__' cannot name a tensor");
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->t[i].name, name))
			dl_die("safetensors: tensor '%s' added twice", name);
	if ((unsigned)dtype >= NDTYPES || ndim < 0 || ndim > DL_ST_MAX_DIMS)
		dl_die("safetensors: tensor '%s': bad dtype or number of dimensions", name);
	size_t count = 1;
	for (int i = 0; i < ndim; i++)
		if (shape[i] >= (uint64_t)MAX_EXACT || !dl_mul_ok(count, (size_t)shape[i], &count))
			dl_die("safetensors: tensor '%s': shape too large", name);
	size_t nbytes;
	if (!dl_mul_ok(count, dtypes[dtype].size, &nbytes))
		dl_die("safetensors: tensor '%s': shape too large", name);
	DL_GROW(w->t, w->cap, w->n + 1);
	struct st_entry *t = &w->t[w->n++];
	memset(t, 0, sizeof *t);
	t->name = dl_strdup(name);
	t->dtype = dtype;
	t->ndim = ndim;
	for (int i = 0; i < ndim; i++)
		t->shape[i] = shape[i];
	t->nbytes = nbytes;
	t->data = dl_malloc(nbytes ? nbytes : 1);
	if (nbytes)
		memcpy(t->data, data, nbytes);
}

void dl_st_add_meta(dl_st_writer *w, const char *key, const char *value)
{
	check_key("metadata key", key);
	check_key("metadata value", value);
	for (size_t i = 0; i < w->nmeta; i++)
		if (!strcmp(w->meta[2 * i], key))
			dl_die("safetensors: metadata key '%s' added twice", key);
	DL_GROW(w->meta, w->meta_cap, 2 * w->nmeta + 2);
	w->meta[2 * w->nmeta] = dl_strdup(key);
	w->meta[2 * w->nmeta + 1] = dl_strdup(value);
	w->nmeta++;
}

/* A JSON string as serde_json writes it: the short escapes, \u00XX for other controls. */
static void json_str(dl_buf *b, const char *s)
{
	dl_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *esc = *p == '"' ? "\\\"" : *p == '\\' ? "\\\\" : *p == '\b' ? "\\b"
				: *p == '\f' ? "\\f" : *p == '\n' ? "\\n" : *p == '\r' ? "\\r"
				: *p == '\t' ? "\\t" : NULL;
		if (esc)
			dl_buf_puts(b, esc);
		else if (*p < 0x20)
			dl_buf_printf(b, "\\u%04x", *p);
		else
			dl_buf_putc(b, *p);
	}
	dl_buf_putc(b, '"');
}

static void header_json(const dl_st_writer *w, dl_buf *b)
{
	dl_buf_putc(b, '{');
	if (w->nmeta) {
		dl_buf_puts(b, "\"__metadata__\":{");
		for (size_t i = 0; i < w->nmeta; i++) {
			if (i)
				dl_buf_putc(b, ',');
			json_str(b, w->meta[2 * i]);
			dl_buf_putc(b, ':');
			json_str(b, w->meta[2 * i + 1]);
		}
		dl_buf_putc(b, '}');
	}
	uint64_t off = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct st_entry *t = &w->t[i];
		if (i || w->nmeta)
			dl_buf_putc(b, ',');
		json_str(b, t->name);
		dl_buf_printf(b, ":{\"dtype\":\"%s\",\"shape\":[", dtypes[t->dtype].name);
		for (int d = 0; d < t->ndim; d++)
			dl_buf_printf(b, "%s%" PRIu64, d ? "," : "", t->shape[d]);
		dl_buf_printf(b, "],\"data_offsets\":[%" PRIu64 ",%" PRIu64 "]}", off,
			      off + t->nbytes);
		off += t->nbytes;
	}
	dl_buf_putc(b, '}');
	while (b->len % 8)
		dl_buf_putc(b, ' ');
}

static void writer_free(dl_st_writer *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->t[i].name);
		free(w->t[i].data);
	}
	for (size_t i = 0; i < 2 * w->nmeta; i++)
		free(w->meta[i]);
	free(w->t);
	free(w->meta);
	free(w);
}

void dl_st_save(dl_st_writer *w, const char *path)
{
	dl_buf h = {0};
	header_json(w, &h);
	uint8_t len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)((uint64_t)h.len >> (8 * i));
	dl_out *out = dl_out_open(path, DL_COMPRESS_NONE);
	dl_out_write(out, len, 8);
	dl_out_write(out, h.data, h.len);
	for (size_t i = 0; i < w->n; i++)
		dl_out_write(out, w->t[i].data, w->t[i].nbytes);
	dl_out_close(out);
	dl_buf_free(&h);
	writer_free(w);
}
