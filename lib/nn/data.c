/*
 * data.c — token streams and tables for dl-train (nn/data.h), over the record readers of
 * lib/record: one "next Example" over TFRecord, JSON lines and CSV, with the place of the
 * current row for messages.
 */
#include "config.h"
#include "nn/data.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/io.h"
#include "record/csv.h"
#include "record/example.h"
#include "record/jsonl.h"
#include "record/tfrecord.h"

struct exreader {
	enum dl_data_format f;
	dl_in *in;
	dl_tfrecord_reader *tr;
	dl_csv_reader *csv;
	const char *name;
	uint64_t rows;
};

/* What the first bytes look like: a TFRecord header, '{' (JSON lines) or anything else. */
static enum dl_data_format sniff(dl_in *in, dl_err *e, int *err)
{
	size_t avail = 0;
	const uint8_t *p = dl_in_peek(in, 4096, &avail, e);
	*err = 0;
	if (!p && avail == 0) {
		if (e && e->msg[0]) {
			*err = 1;
			return DL_DATA_AUTO;
		}
		return DL_DATA_RECORDS;         /* empty: no rows in any format */
	}
	if (avail >= DL_TFRECORD_HEADER && dl_tfrecord_plain_check(p, avail))
		return DL_DATA_RECORDS;
	for (size_t i = 0; i < avail; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			continue;
		return p[i] == '{' ? DL_DATA_JSONL : DL_DATA_CSV;
	}
	return DL_DATA_JSONL;                   /* blank lines only */
}

static int ex_open(struct exreader *r, const char *path, enum dl_data_format f,
		   const char *label, dl_err *e)
{
	memset(r, 0, sizeof *r);
	if (e)
		e->msg[0] = 0;
	r->in = dl_in_open(path, DL_IN_ZLIB, e);
	if (!r->in)
		return -1;
	dl_in_set_plain_check(r->in, dl_tfrecord_plain_check);
	r->name = dl_in_name(r->in);
	if (f == DL_DATA_AUTO) {
		int err;
		f = sniff(r->in, e, &err);
		if (err) {
			dl_in_close(r->in);
			return -1;
		}
	}
	r->f = f;
	if (f == DL_DATA_RECORDS) {
		r->tr = dl_tfrecord_reader_new(r->in, 0);
	} else if (f == DL_DATA_CSV) {
		/* The label is found by name like any feature; naming it to the reader makes a
		 * header without it an error at once (label NULL: it may be absent). */
		dl_csv_options opt = { .label = label };
		r->csv = dl_csv_open_in(r->in, &opt, e);
		if (!r->csv) {
			dl_in_close(r->in);
			return -1;
		}
	}
	return 0;
}

static void ex_close(struct exreader *r)
{
	if (r->tr)
		dl_tfrecord_close(r->tr);
	if (r->csv)
		dl_csv_close(r->csv);
	if (r->in)
		dl_in_close(r->in);
	memset(r, 0, sizeof *r);
}

/* The current row's place: "NAME: record I" or "NAME:LINE". */
static void ex_where(const struct exreader *r, char *out, size_t n)
{
	if (r->f == DL_DATA_RECORDS)
		snprintf(out, n, "%s: record %" PRIu64, r->name, dl_tfrecord_index(r->tr));
	else if (r->f == DL_DATA_CSV)
		snprintf(out, n, "%s:%" PRIu64, dl_csv_name(r->csv), dl_csv_line(r->csv));
	else
		snprintf(out, n, "%s:%" PRIu64, r->name, dl_in_lineno(r->in));
}

static int ex_next(struct exreader *r, dl_example *ex, dl_err *e)
{
	int rc;
	if (r->f == DL_DATA_RECORDS) {
		const uint8_t *p;
		size_t n;
		rc = dl_tfrecord_next(r->tr, &p, &n, e);
		if (rc == 1 && dl_example_decode(ex, p, n, e) < 0) {
			dl_err sub = *e;
			return dl_errf(e, "%s: record %" PRIu64 " (byte offset %" PRIu64 "): %s",
				       r->name, dl_tfrecord_index(r->tr), dl_tfrecord_offset(r->tr),
				       sub.msg);
		}
	} else if (r->f == DL_DATA_CSV) {
		rc = dl_csv_next(r->csv, ex, e);
	} else {
		rc = dl_jsonl_read(r->in, ex, e);
	}
	if (rc == 1)
		r->rows++;
	return rc;
}

/* ------------------------------------------------------------------ tokens */

static void push_id(dl_tokens *t, size_t *cap, int32_t id)
{
	if (t->n == *cap)
		DL_GROW(t->ids, *cap, t->n + 1);
	t->ids[t->n++] = id;
}

static int load_bytes(dl_tokens *t, size_t *cap, const char *path, size_t vocab, dl_err *e)
{
	dl_in *in = dl_in_open(path, 0, e);
	if (!in)
		return -1;
	uint8_t buf[65536];
	ptrdiff_t got;
	uint64_t off = 0;
	while ((got = dl_in_read(in, buf, sizeof buf, e)) > 0) {
		DL_GROW(t->ids, *cap, t->n + (size_t)got);
		for (ptrdiff_t i = 0; i < got; i++) {
			if (buf[i] >= vocab) {
				int rc = dl_errf(e, "%s: byte offset %" PRIu64 ": byte %u is not below "
						 "vocab_size %zu", dl_in_name(in), off + (uint64_t)i,
						 buf[i], vocab);
				dl_in_close(in);
				return rc;
			}
			t->ids[t->n++] = buf[i];
		}
		off += (uint64_t)got;
	}
	dl_in_close(in);
	return got < 0 ? -1 : 0;
}

static int load_ids(dl_tokens *t, size_t *cap, const char *path, const char *feature,
		    size_t vocab, dl_err *e)
{
	struct exreader r;
	if (ex_open(&r, path, DL_DATA_AUTO, NULL, e))
		return -1;
	if (r.f == DL_DATA_CSV) {
		int rc = dl_errf(e, "%s: token data must be records or JSON lines with an int64 "
				 "feature '%s' (or give --bytes for raw bytes)", r.name, feature);
		ex_close(&r);
		return rc;
	}
	dl_example ex;
	dl_example_init(&ex);
	int rc;
	char where[300];
	while ((rc = ex_next(&r, &ex, e)) == 1) {
		const dl_feature *f = dl_example_find(&ex, feature, strlen(feature));
		if (!f || (f->kind != DL_FEATURE_INT64 && f->count)) {
			ex_where(&r, where, sizeof where);
			rc = dl_errf(e, "%s: no int64 feature '%s'%s", where, feature,
				     f ? " (it has another type)" : "");
			break;
		}
		const int64_t *v = dl_feature_ints(&ex, f);
		for (size_t i = 0; i < f->count; i++) {
			if (v[i] < 0 || (uint64_t)v[i] >= vocab) {
				ex_where(&r, where, sizeof where);
				rc = dl_errf(e, "%s: '%s'[%zu] = %" PRId64 " is not a token id below "
					     "vocab_size %zu", where, feature, i, v[i], vocab);
				goto out;
			}
			push_id(t, cap, (int32_t)v[i]);
		}
	}
out:
	dl_example_free(&ex);
	ex_close(&r);
	return rc < 0 ? -1 : 0;
}

int dl_tokens_load(dl_tokens *t, char *const *paths, size_t npaths, int bytes,
		   const char *feature, size_t vocab, dl_err *e)
{
	memset(t, 0, sizeof *t);
	size_t cap = 0;
	char *const dash[] = { "-" };
	if (npaths == 0) {
		paths = dash;
		npaths = 1;
	}
	for (size_t i = 0; i < npaths; i++) {
		int rc = bytes ? load_bytes(t, &cap, paths[i], vocab, e)
			       : load_ids(t, &cap, paths[i], feature ? feature : "ids", vocab, e);
		if (rc) {
			dl_tokens_free(t);
			return -1;
		}
	}
	return 0;
}

void dl_tokens_free(dl_tokens *t)
{
	dl_free(t->ids);
	memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------------ tables */

int dl_data_format_parse(const char *s, enum dl_data_format *f)
{
	static const char *const names[] = { "auto", "records", "jsonl", "csv" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (enum dl_data_format)i;
			return 0;
		}
	return -1;
}

/* A feature's values as floats appended to x; -1 when it is a bytes feature. */
static int feature_floats(const dl_example *ex, const dl_feature *f, float *x)
{
	if (f->kind == DL_FEATURE_FLOAT) {
		memcpy(x, dl_feature_floats(ex, f), f->count * sizeof *x);
	} else if (f->kind == DL_FEATURE_INT64) {
		const int64_t *v = dl_feature_ints(ex, f);
		for (size_t i = 0; i < f->count; i++)
			x[i] = (float)v[i];
	} else if (f->kind == DL_FEATURE_BYTES && f->count) {
		return -1;
	}
	return 0;
}

static size_t numeric_count(const dl_feature *f)
{
	return f->kind == DL_FEATURE_FLOAT || f->kind == DL_FEATURE_INT64 ? f->count : 0;
}

/* The target of one row. Returns 1 when there is one, 0 when absent, -1 on error. */
static int row_target(dl_nn_table *t, const dl_example *ex, const char *label, const dl_spec *s,
		      const char *where, dl_err *e)
{
	const dl_feature *f = dl_example_find(ex, label, strlen(label));
	if (!f || f->count == 0)
		return 0;
	size_t out = s->sizes[s->nsizes - 1];
	size_t r = t->rows;
	if (s->loss == DL_LOSS_SOFTMAX) {
		double v;
		if (f->count != 1 || f->kind == DL_FEATURE_BYTES)
			return dl_errf(e, "%s: label '%s' must be one class id", where, label);
		v = f->kind == DL_FEATURE_INT64 ? (double)dl_feature_ints(ex, f)[0]
						: (double)dl_feature_floats(ex, f)[0];
		if (!(v >= 0 && v < (double)out) || v != floor(v))
			return dl_errf(e, "%s: label '%s' = %g is not a class id in [0, %zu)", where,
				       label, v, out);
		t->labels[r] = (int32_t)v;
		return 1;
	}
	if (f->count != out || f->kind == DL_FEATURE_BYTES)
		return dl_errf(e, "%s: label '%s' has %zu values, the model has %zu outputs", where,
			       label, numeric_count(f) ? f->count : 0, out);
	feature_floats(ex, f, t->y + r * out);
	for (size_t i = 0; i < out; i++) {
		float v = t->y[r * out + i];
		if (!isfinite(v) || (s->loss == DL_LOSS_BCE && !(v >= 0 && v <= 1)))
			return dl_errf(e, "%s: label '%s' value %g is not %s", where, label, (double)v,
				       s->loss == DL_LOSS_BCE ? "in [0, 1]" : "finite");
	}
	return 1;
}

static void table_grow(dl_nn_table *t, size_t *cap, const dl_spec *s)
{
	if (t->rows < *cap)
		return;
	size_t ncap = *cap ? *cap * 2 : 1024;
	t->x = dl_reallocarray(t->x, ncap, t->cols * sizeof(float));
	t->labels = dl_reallocarray(t->labels, ncap, sizeof(int32_t));
	t->y = dl_reallocarray(t->y, ncap, (s->sizes[s->nsizes - 1]) * sizeof(float));
	*cap = ncap;
}

static int table_row(dl_nn_table *t, const dl_example *ex, const char *label, const dl_spec *s,
		     int need_label, const char *where, dl_err *e)
{
	size_t have = 0;
	for (size_t i = 0; i < ex->nfeat; i++) {
		const dl_feature *f = &ex->feat[i];
		if (strcmp(dl_feature_name(ex, f), label) == 0)
			continue;
		if (f->kind == DL_FEATURE_BYTES && f->count)
			return dl_errf(e, "%s: feature '%s' holds bytes; inputs must be numbers", where,
				       dl_feature_name(ex, f));
		have += numeric_count(f);
	}
	if (have != t->cols)
		return dl_errf(e, "%s: %zu input values, the model takes %zu (every feature but "
			       "the label '%s' is an input)", where, have, t->cols, label);
	float *x = t->x + t->rows * t->cols;
	for (size_t i = 0; i < ex->nfeat; i++) {
		const dl_feature *f = &ex->feat[i];
		if (strcmp(dl_feature_name(ex, f), label) == 0)
			continue;
		feature_floats(ex, f, x);
		for (size_t k = 0; k < numeric_count(f); k++)
			if (!isfinite(x[k]))
				return dl_errf(e, "%s: feature '%s' value %g is not a finite float", where,
					       dl_feature_name(ex, f), (double)x[k]);
		x += numeric_count(f);
	}
	int rc = row_target(t, ex, label, s, where, e);
	if (rc < 0)
		return -1;
	if (rc == 0 && need_label)
		return dl_errf(e, "%s: no label '%s'", where, label);
	if (rc == 0)
		t->has_targets = 0;
	return 0;
}

int dl_nn_table_load(dl_nn_table *t, const char *path, enum dl_data_format f, const char *label,
		  const dl_spec *s, int need_label, dl_err *e)
{
	memset(t, 0, sizeof *t);
	t->cols = s->sizes[0];
	t->has_targets = 1;
	if (s->loss != DL_LOSS_SOFTMAX)
		t->ycols = s->sizes[s->nsizes - 1];
	struct exreader r;
	if (ex_open(&r, path, f, need_label ? label : NULL, e))
		return -1;
	dl_example ex;
	dl_example_init(&ex);
	size_t cap = 0;
	int rc;
	char where[300];
	while ((rc = ex_next(&r, &ex, e)) == 1) {
		table_grow(t, &cap, s);
		ex_where(&r, where, sizeof where);
		if (table_row(t, &ex, label, s, need_label, where, e)) {
			rc = -1;
			break;
		}
		t->rows++;
	}
	dl_example_free(&ex);
	ex_close(&r);
	if (rc < 0) {
		dl_nn_table_free(t);
		return -1;
	}
	if (s->loss == DL_LOSS_SOFTMAX) {
		dl_free(t->y);
		t->y = NULL;
	} else {
		dl_free(t->labels);
		t->labels = NULL;
	}
	if (t->rows == 0)
		t->has_targets = 0;
	return 0;
}

void dl_nn_table_free(dl_nn_table *t)
{
	dl_free(t->x);
	dl_free(t->labels);
	dl_free(t->y);
	memset(t, 0, sizeof *t);
}
