/*
 * transform.h — fit and apply: the feature columns of a dl_fspec run over rows.
 *
 * apply turns each input row into one tf.Example holding the emitted columns in spec
 * order, then the passthrough keys (the order and names of dl_fspec_schema):
 *   numeric     float: the value (default_value when missing), then the normalizer —
 *               zscore (v - mean) / sqrt(variance) (v - mean when the variance is 0),
 *               minmax (v - min) / (max - min) (0 when max = min);
 *   bucketized  int64: the number of boundaries <= v (TensorFlow's Bucketize), v being
 *               the source column's value (after its default and normalizer) or the key's;
 *   vocabulary  int64 per value: its position, or out of the vocabulary
 *               len(vocab) + Fingerprint64(v) % num_oov_buckets, or default_value (-1);
 *   hash        int64 per value: Fingerprint64(v) % hash_bucket_size;
 *   identity    int64 per value: v when 0 <= v < num_buckets, else default_value;
 *   crossed     int64 per combination of the keys' values (first key slowest):
 *               FingerprintCat64 chained from hash_key over Fingerprint64 of raw string
 *               values and the int64 ids of columns, modulo hash_bucket_size;
 *   indicator   float[num_buckets]: how often each id occurs (ids out of range ignored);
 *   embedding   int64: the ids (negative ones dropped, as safe_embedding_lookup does);
 *   weighted    int64 ids, and float weights (from the weight key) as NAME_weight;
 *   rolling     float: the window's aggregate (window.h).
 * Values that are not strings are hashed and looked up as their text: int64 in decimal,
 * floats as the shortest decimal that reads back (numfmt.h). Numbers in text are decimal
 * literals (spaces around them allowed); anything else in a numeric column is a bad value.
 * A key with no value gives no feature (except a numeric column with a default_value).
 *
 * A bad value (text where a number belongs, an identity value out of range without a
 * default, more than one value in a numeric column, weights that do not match their ids)
 * makes the row bad: dl_fx_apply returns -2 with e filled ("column 'age': 'abc' is not a
 * number"), nothing is written and no rolling window moves; the caller decides whether to
 * skip it. fit runs every row through apply too (so both agree on what is bad), then
 * learns from the good rows: count, mean and variance (Welford's streaming update, Welford
 * 1962; population variance), min and max of numeric columns; the quantile boundaries of
 * bucketized columns — numpy.quantile's default ("linear", Hyndman and Fan 1996 type 7) at
 * 1/K, ..., (K-1)/K of the source's values, duplicates dropped — and learned vocabularies.
 */
#ifndef DL_FEATURES_TRANSFORM_H
#define DL_FEATURES_TRANSFORM_H

#include "core/error.h"
#include "core/io.h"
#include "features/input.h"
#include "features/spec.h"
#include "record/example.h"

typedef struct dl_fx dl_fx;

/* An apply engine over s (borrowed; read-only while in use). */
dl_fx *dl_fx_new(const dl_fspec *s);
void dl_fx_free(dl_fx *x);
/* Transforms r's current row into the engine's output row (see dl_fx_example and
 * dl_fout_write). 0, or -2 with e filled (the output row is then empty). */
int dl_fx_apply(dl_fx *x, const dl_frows *r, dl_err *e);
/* The output row of the last dl_fx_apply as an Example (ex cleared first). */
void dl_fx_example(const dl_fx *x, dl_example *ex);
/* Appends the output row serialized as a tf.Example, written directly: the same bytes as
 * dl_example_encode of dl_fx_example's Example, without building it. */
void dl_fx_encode(const dl_fx *x, dl_buf *out);

typedef struct dl_fit dl_fit;

/* A fit of s (borrowed, and updated by dl_fit_finish). */
dl_fit *dl_fit_new(dl_fspec *s);
void dl_fit_free(dl_fit *f);
/* Accounts r's current row: 0, or -2 with e filled when the row is bad. */
int dl_fit_row(dl_fit *f, const dl_frows *r, dl_err *e);
/* Counts a row skipped as bad (for FITTED.json's bad_rows). */
void dl_fit_skipped(dl_fit *f);
/* Stores what was learned in the spec and marks it fitted. Returns 0, or -1 with e filled
 * when something could not be learned (a learned vocabulary that came out empty, quantiles
 * of a column without a value). */
int dl_fit_finish(dl_fit *f, dl_err *e);

/* ---- output */
enum dl_fout_format { DL_FOUT_RECORDS, DL_FOUT_JSONL, DL_FOUT_CSV };

/* Parses "records", "jsonl", "csv"; -1 for anything else. */
int dl_fout_format_parse(const char *s);

typedef struct dl_fout dl_fout;

/* A writer of transformed rows to out (borrowed). CSV has a header of the schema's
 * features (a dense feature of width W > 1 as NAME_0 .. NAME_W-1) and writes an id list
 * space-separated in one cell. With out NULL the writer only appends to a buffer of its own
 * (dl_fout_buffer; records framed, no CSV header), for rows made in another thread. */
dl_fout *dl_fout_new(dl_out *out, enum dl_fout_format f, const dl_fspec *s);
dl_buf *dl_fout_buffer(dl_fout *o);
/* Writes x's output row. Records are serialized directly (the bytes dl_example_encode
 * gives for dl_fx_example's Example); JSON lines go through dl_fx_example and jsonl.h. */
void dl_fout_write(dl_fout *o, const dl_fx *x);
void dl_fout_free(dl_fout *o);

#endif
