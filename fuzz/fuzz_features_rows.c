/*
 * fuzz_features_rows.c — libFuzzer target for the row readers of lib/features (input.c:
 * CSV with its own splitter, JSON lines, records) and apply (transform.c) over any values.
 *
 * The first input byte picks the format (bits 0-1: auto, csv, jsonl, records) and the CSV
 * delimiter (bits 2-3: ',' '\t' ';' '|'); the rest is the input, read from memory through
 * dl_frows_open_mem with the keys a, b, c and g. Every row that reads is applied with a
 * fixed spec that uses each key in several columns (numeric with a default, bucketized,
 * a vocabulary with OOV buckets, a hash, an identity, a cross of raw keys and columns, an
 * indicator, a weighted column and a rolling max by group). Properties checked:
 *   - every error has a message, and a bad row (-2) lets the next one be read;
 *   - a good row's Example holds only the schema's features, in its order, each of its
 *     kind, dense ones of their width, ids within their buckets (or -1);
 *   - the records encoder (dl_fx_encode) writes the bytes dl_example_encode writes, and
 *     they decode to an Example that encodes to the same bytes again.
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "features/input.h"
#include "features/spec.h"
#include "features/transform.h"
#include "record/example.h"
#include "record/tfrecord.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char spec_json[] =
	"{\"columns\":["
	"{\"type\":\"numeric\",\"key\":\"a\",\"default_value\":0.5,\"emit\":true},"
	"{\"type\":\"bucketized\",\"source\":\"a\",\"boundaries\":[-1,0,1e3]},"
	"{\"type\":\"categorical_with_vocabulary_list\",\"key\":\"b\","
	" \"vocabulary_list\":[\"x\",\"y\",\"\"],\"num_oov_buckets\":2},"
	"{\"type\":\"categorical_with_hash_bucket\",\"key\":\"b\",\"name\":\"bh\","
	" \"hash_bucket_size\":7},"
	"{\"type\":\"categorical_with_identity\",\"key\":\"c\",\"num_buckets\":5,"
	" \"default_value\":4},"
	"{\"type\":\"crossed\",\"keys\":[\"a_bucketized\",\"b\",\"g\"],\"hash_bucket_size\":11},"
	"{\"type\":\"indicator\",\"categorical_column\":\"c\"},"
	"{\"type\":\"weighted\",\"categorical_column\":\"b\",\"weight_feature_key\":\"a\"},"
	"{\"type\":\"rolling\",\"key\":\"a\",\"op\":\"max\",\"window\":3,\"group_by\":\"g\"}"
	"],\"passthrough\":[{\"key\":\"g\",\"type\":\"bytes\"}]}";

static dl_fspec *spec;
static struct dl_fschema *schema;
static size_t nschema;

static void check_example(const dl_example *ex)
{
	size_t k = 0;

	for (size_t i = 0; i < ex->nfeat; i++) {
		const dl_feature *f = &ex->feat[i];
		const char *name = dl_feature_name(ex, f);
		while (k < nschema && strcmp(schema[k].name, name))
			k++;
		if (k == nschema || f->kind != schema[k].kind)
			abort();
		if (schema[k].dense && (int64_t)f->count != schema[k].width)
			abort();
		if (f->kind == DL_FEATURE_INT64 && schema[k].num_buckets)
			for (size_t j = 0; j < f->count; j++) {
				int64_t id = dl_feature_ints(ex, f)[j];
				if (id < -1 || id >= schema[k].num_buckets)
					abort();
			}
		k++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = ",\t;|";
	dl_err e;

	if (!spec) {
		spec = dl_fspec_parse(spec_json, sizeof spec_json - 1, &e);
		if (!spec)
			abort();
		spec->fitted = 1;
		nschema = dl_fspec_schema(spec, &schema);
	}
	if (!size)
		return 0;
	e.msg[0] = '\0';
	dl_frows *r = dl_frows_open_mem(data + 1, size - 1, "fuzz", (enum dl_frows_format)(data[0] & 3),
					delims[data[0] >> 2 & 3], spec->keys, spec->nkeys, &e);
	if (!r) {
		if (!e.msg[0])
			abort();
		return 0;
	}
	dl_fx *x = dl_fx_new(spec);
	dl_example ex, back;
	dl_buf rec = { 0 }, enc = { 0 };
	size_t good = 0;
	int got;

	dl_example_init(&ex);
	dl_example_init(&back);
	for (int rows = 0; rows < 10000; rows++) {
		e.msg[0] = '\0';
		got = dl_frows_next(r, &e);
		if (got == 0)
			break;
		if (got < 0 && !e.msg[0])
			abort();
		if (got == -1)
			break;
		if (got == -2)
			continue;
		if (dl_fx_apply(x, r, &e)) {
			if (!e.msg[0])
				abort();
			continue;
		}
		dl_fx_example(x, &ex);
		check_example(&ex);
		/* The direct records encoder writes what lib/record's encoder writes. */
		dl_buf_clear(&enc);
		dl_example_encode(&ex, &enc);
		dl_buf_clear(&rec);
		dl_fx_encode(x, &rec);
		if (rec.len != enc.len || memcmp(rec.data, enc.data, enc.len))
			abort();
		/* Round trip through the wire format. */
		if (dl_example_decode(&back, enc.data, enc.len, &e))
			abort();
		dl_buf_clear(&rec);
		dl_example_encode(&back, &rec);
		if (rec.len != enc.len || memcmp(rec.data, enc.data, enc.len))
			abort();
		good++;
	}
	(void)good;
	dl_buf_free(&rec);
	dl_buf_free(&enc);
	dl_example_free(&ex);
	dl_example_free(&back);
	dl_fx_free(x);
	dl_frows_close(r);
	return 0;
}
