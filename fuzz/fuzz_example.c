/*
 * fuzz_example.c — libFuzzer target for the tf.Example codec (lib/record/example.c).
 *
 * The input is one serialized payload. Properties checked:
 *   - dl_example_decode and dl_example_validate agree on success or failure (validate is
 *     the fast path of `dl-record verify`; a disagreement would let verify pass records
 *     that cat rejects, or the other way round), and a failure leaves a message;
 *   - a decoded Example encodes to bytes that validate, decode to the same features (names,
 *     kinds, values, order; floats compared bit for bit, so NaN payloads count) and encode
 *     again to the same bytes.
 * The first decode reuses one dl_example across inputs, as a record stream does, so the
 * clear-and-reuse path of the pools is exercised too. A broken property aborts.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "record/example.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_example: property broken: %s%s%s\n", what,
		msg ? ": " : "", msg ? msg : "");
	abort();
}

static int same_values(const dl_example *a, const dl_feature *fa,
		       const dl_example *b, const dl_feature *fb)
{
	size_t n = fa->count;

	switch (fa->kind) {
	case DL_FEATURE_NONE:
		return n == 0;
	case DL_FEATURE_FLOAT:
		return !n || !memcmp(dl_feature_floats(a, fa), dl_feature_floats(b, fb), n * sizeof(float));
	case DL_FEATURE_INT64:
		return !n || !memcmp(dl_feature_ints(a, fa), dl_feature_ints(b, fb), n * sizeof(int64_t));
	case DL_FEATURE_BYTES:
		for (size_t i = 0; i < n; i++) {
			size_t la, lb;
			const uint8_t *pa = dl_feature_bytes(a, fa, i, &la);
			const uint8_t *pb = dl_feature_bytes(b, fb, i, &lb);
			if (la != lb || (la && memcmp(pa, pb, la)))
				return 0;
		}
		return 1;
	}
	return 0;
}

static void check_same(const dl_example *a, const dl_example *b)
{
	if (a->nfeat != b->nfeat)
		broken("feature count changed in the round trip", NULL);
	for (size_t i = 0; i < a->nfeat; i++) {
		const dl_feature *fa = &a->feat[i], *fb = &b->feat[i];
		if (fa->name_len != fb->name_len ||
		    memcmp(dl_feature_name(a, fa), dl_feature_name(b, fb), fa->name_len))
			broken("feature name changed in the round trip", NULL);
		if (dl_feature_name(a, fa)[fa->name_len] != '\0')
			broken("feature name not NUL-terminated", NULL);
		if (fa->kind != fb->kind || fa->count != fb->count)
			broken("feature kind or count changed in the round trip", dl_feature_name(a, fa));
		if (!same_values(a, fa, b, fb))
			broken("feature values changed in the round trip", dl_feature_name(a, fa));
		if (dl_example_find(a, dl_feature_name(a, fa), fa->name_len) != fa)
			broken("dl_example_find misses a feature (or names repeat)", dl_feature_name(a, fa));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dl_example ex;
	static int ready;
	dl_example ex2;
	dl_buf enc = {0}, enc2 = {0};
	dl_err e1, e2;

	if (!ready) {
		dl_example_init(&ex);
		ready = 1;
	}
	e1.msg[0] = e2.msg[0] = '\0';
	int dec = dl_example_decode(&ex, data, size, &e1);
	int val = dl_example_validate(data, size, &e2);
	if ((dec != 0 && dec != -1) || (val != 0 && val != -1))
		broken("decode or validate returned neither 0 nor -1", NULL);
	if (dec != val)
		broken(dec ? "validate accepts what decode rejects" : "decode accepts what validate rejects",
		       dec ? e1.msg : e2.msg);
	if (dec) {
		if (!e1.msg[0] || !e2.msg[0])
			broken("error without a message", NULL);
		return 0;
	}

	dl_example_encode(&ex, &enc);
	if (dl_example_validate(enc.data, enc.len, &e2))
		broken("the encoding of a decoded Example does not validate", e2.msg);
	dl_example_init(&ex2);
	if (dl_example_decode(&ex2, enc.data, enc.len, &e1))
		broken("the encoding of a decoded Example does not decode", e1.msg);
	check_same(&ex, &ex2);
	dl_example_encode(&ex2, &enc2);
	if (enc.len != enc2.len || (enc.len && memcmp(enc.data, enc2.data, enc.len)))
		broken("encoding is not stable over a round trip", NULL);

	dl_example_free(&ex2);
	dl_buf_free(&enc);
	dl_buf_free(&enc2);
	return 0;
}
