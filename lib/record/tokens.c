/*
 * tokens.c — token ids from records (tokens.h): TFRecord framing, tf.Example decoding,
 * and the checks every reader of token ids needs.
 */
#include "record/tokens.h"

#include <inttypes.h>
#include <string.h>

#include "core/alloc.h"
#include "record/example.h"
#include "record/tfrecord.h"

struct dl_token_reader {
	dl_tfrecord_reader *tfr;
	dl_in *in;
	const char *feature;
	size_t flen;
	dl_example ex;
};

dl_token_reader *dl_token_reader_new(dl_in *in, const char *feature)
{
	dl_token_reader *r = dl_calloc(1, sizeof *r);
	r->tfr = dl_tfrecord_reader_new(in, 0);
	r->in = in;
	r->feature = feature;
	r->flen = strlen(feature);
	dl_example_init(&r->ex);
	return r;
}

int dl_token_reader_next(dl_token_reader *r, const int64_t **ids, size_t *n, dl_err *e)
{
	const uint8_t *data;
	size_t len;
	int rc = dl_tfrecord_next(r->tfr, &data, &len, e);
	if (rc <= 0)
		return rc;
	const char *name = dl_in_name(r->in);
	uint64_t idx = dl_tfrecord_index(r->tfr);
	if (dl_example_decode(&r->ex, data, len, e) < 0) {
		dl_err inner = *e;
		return dl_errf(e, "%s: record %" PRIu64 ": %s", name, idx, inner.msg);
	}
	const dl_feature *f = dl_example_find(&r->ex, r->feature, r->flen);
	if (!f || (f->kind != DL_FEATURE_INT64 && f->count))
		return dl_errf(e, "%s: record %" PRIu64 ": no int64 feature '%s'%s", name, idx,
			       r->feature, f ? " (it has another type)" : "");
	const int64_t *v = dl_feature_ints(&r->ex, f);
	for (size_t i = 0; i < f->count; i++)
		if (v[i] < 0)
			return dl_errf(e, "%s: record %" PRIu64 ": '%s'[%zu] = %" PRId64
				       " is negative, not a token id", name, idx, r->feature, i, v[i]);
	*ids = v;
	*n = f->count;
	return 1;
}

void dl_token_reader_free(dl_token_reader *r)
{
	if (!r)
		return;
	dl_example_free(&r->ex);
	dl_tfrecord_close(r->tfr);
	dl_free(r);
}
