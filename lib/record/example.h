/*
 * example.h — the tf.Example protocol buffer, hand-coded on the wire format.
 *
 *     message Example  { Features features = 1; }
 *     message Features { map<string, Feature> feature = 1; }
 *     message Feature  { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2;
 *                                     Int64List int64_list = 3; } }
 *     message BytesList { repeated bytes value = 1; }
 *     message FloatList { repeated float value = 1 [packed = true]; }
 *     message Int64List { repeated int64 value = 1 [packed = true]; }
 *
 * A dl_example owns its storage: names and byte strings in one char pool, floats, int64s
 * and byte-string references in pools of their own, features referring to them by offset.
 * Clearing keeps the pools, so decoding a stream of records allocates only while records
 * grow. Features keep their order (the order on the wire, or the order they were added).
 *
 * Decoding accepts packed and unpacked numeric lists (and a mix), skips unknown fields of
 * every message, and follows protobuf's rules for repeated map keys (the last entry wins)
 * and for a oneof set twice (the last kind wins; two lists of the same kind merge).
 * Encoding writes packed lists, features in their stored order: the bytes equal Python
 * protobuf's SerializeToString(deterministic=True) when features are in name order.
 *
 * Not thread-safe per object; distinct dl_example objects are independent.
 */
#ifndef DL_RECORD_EXAMPLE_H
#define DL_RECORD_EXAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/error.h"

enum dl_feature_kind {
	DL_FEATURE_NONE = 0,   /* a Feature with no list set */
	DL_FEATURE_BYTES = 1,
	DL_FEATURE_FLOAT = 2,
	DL_FEATURE_INT64 = 3,
};

typedef struct dl_bytes_ref {
	size_t off, len;       /* into the example's char pool */
} dl_bytes_ref;

typedef struct dl_feature {
	size_t name_off, name_len;   /* into chars; the name is also NUL-terminated there */
	enum dl_feature_kind kind;
	size_t off, count;           /* into floats, ints or bytes, by kind */
} dl_feature;

typedef struct dl_example {
	dl_feature *feat;
	size_t nfeat, cap_feat;
	char *chars;
	size_t nchars, cap_chars;
	float *floats;
	size_t nfloats, cap_floats;
	int64_t *ints;
	size_t nints, cap_ints;
	dl_bytes_ref *bytes;
	size_t nbytes, cap_bytes;
} dl_example;

void dl_example_init(dl_example *ex);
void dl_example_free(dl_example *ex);
void dl_example_clear(dl_example *ex);   /* no features; storage kept */

/* Appends a feature and returns its index. Values are added with the calls below, which
 * always extend the LAST feature added (lists are contiguous in their pool). If a feature
 * of that name exists it is removed first (last wins, as in a protobuf map). */
size_t dl_example_add(dl_example *ex, const char *name, size_t name_len, enum dl_feature_kind k);
void dl_example_add_float(dl_example *ex, float v);
void dl_example_add_int64(dl_example *ex, int64_t v);
void dl_example_add_bytes(dl_example *ex, const void *p, size_t n);

/* Looks a feature up by name; NULL when absent. */
const dl_feature *dl_example_find(const dl_example *ex, const char *name, size_t name_len);

static inline const char *dl_feature_name(const dl_example *ex, const dl_feature *f)
{
	return ex->chars + f->name_off;
}
/* The values of f (f->count of them). With no values the pool may not exist yet: then
 * the result is NULL, never NULL + 0, which C leaves undefined. */
static inline const float *dl_feature_floats(const dl_example *ex, const dl_feature *f)
{
	return ex->floats ? ex->floats + f->off : NULL;
}
static inline const int64_t *dl_feature_ints(const dl_example *ex, const dl_feature *f)
{
	return ex->ints ? ex->ints + f->off : NULL;
}
static inline const uint8_t *dl_feature_bytes(const dl_example *ex, const dl_feature *f,
					      size_t i, size_t *len)
{
	const dl_bytes_ref *r = &ex->bytes[f->off + i];
	*len = r->len;
	return (const uint8_t *)ex->chars + r->off;
}

/* Decodes a serialized Example into ex (cleared first). Returns 0, or -1 with e filled
 * ("bad varint at payload byte 17", "field length 300 at payload byte 5 runs past the end
 * (payload is 20 bytes)", "bad wire type 7 at payload byte 0"); offsets are within the
 * payload. After an error ex holds no features. */
int dl_example_decode(dl_example *ex, const uint8_t *p, size_t n, dl_err *e);
/* Checks that p is a well-formed Example without building it (fast path for verify). */
int dl_example_validate(const uint8_t *p, size_t n, dl_err *e);
/* Appends the serialized Example to out. */
void dl_example_encode(const dl_example *ex, dl_buf *out);

#endif
