/*
 * records.c — TFRecord-framed tf.Example records into a dense table.
 *
 * Each record is one row. Every feature that is an int64 or float list of 0 or 1 values is
 * a column named by its key (an empty list is a missing value); columns are numbered in the
 * order they first appear. A bytes feature or a longer list is an error unless the column is
 * not wanted (excluded, or not a feature of the model with ignore_extra). Which columns are
 * the label, weight and group is known only when all names are (the label defaults to a
 * column "label" if any record has one), so the rows are gathered as (column, value) pairs
 * first and laid out by the plan at the end. Values are kept as doubles so that int64 query
 * ids survive up to 2^53.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "data/tablepriv.h"
#include "record/example.h"
#include "record/tfrecord.h"

struct cols {
	char **names;
	size_t *lens;
	size_t n, cap;
	uint32_t *slot;         /* open addressing: column + 1, 0 = empty */
	size_t nslot;
};

static uint32_t cols_find(struct cols *c, const char *s, size_t len, int add)
{
	size_t mask = c->nslot - 1, i;
	for (i = dl_hash_str(s, len) & mask; c->slot[i]; i = (i + 1) & mask) {
		uint32_t k = c->slot[i] - 1;
		if (c->lens[k] == len && memcmp(c->names[k], s, len) == 0)
			return k;
	}
	if (!add)
		return UINT32_MAX;
	DL_GROW(c->names, c->cap, c->n + 1);
	c->lens = dl_reallocarray(c->lens, c->cap, sizeof *c->lens);
	c->names[c->n] = dl_data_dup(s, len);
	c->lens[c->n] = len;
	c->slot[i] = (uint32_t)++c->n;
	if (2 * c->n > c->nslot) {
		dl_free(c->slot);
		c->nslot *= 2;
		c->slot = dl_calloc(c->nslot, sizeof *c->slot);
		for (size_t k = 0; k < c->n; k++) {
			size_t j = dl_hash_str(c->names[k], c->lens[k]) & (c->nslot - 1);
			while (c->slot[j])
				j = (j + 1) & (c->nslot - 1);
			c->slot[j] = (uint32_t)(k + 1);
		}
	}
	return (uint32_t)(c->n - 1);
}

static void cols_free(struct cols *c)
{
	for (size_t i = 0; i < c->n; i++)
		dl_free(c->names[i]);
	dl_free(c->names);
	dl_free(c->lens);
	dl_free(c->slot);
}

struct gather {
	size_t *rowptr, nrow, cap_rows;
	uint32_t *col;
	double *val;
	size_t nnz, cap_nnz;
};

static int is_role(const dl_table_options *o, const char *s, size_t len)
{
	const char *r[3] = { o->label ? o->label : "label", o->weight, o->group };
	for (int k = 0; k < 3; k++)
		if (r[k] && strlen(r[k]) == len && memcmp(r[k], s, len) == 0)
			return 1;
	return 0;
}

/* A column whose values are not read at all. */
static int unwanted(const dl_table_options *o, const char *s, size_t len)
{
	if (dl_table_excluded(o, s, len) >= 0)
		return 1;
	if (!o->features || !o->ignore_extra || is_role(o, s, len))
		return 0;
	for (size_t j = 0; j < o->nfeatures; j++)
		if (strlen(o->features[j]) == len && memcmp(o->features[j], s, len) == 0)
			return 0;
	return 1;
}

static int add_record(struct gather *g, struct cols *c, const dl_example *ex,
		      const dl_table_options *o, const char *name, uint64_t rec, dl_err *e)
{
	char q[48];
	for (size_t i = 0; i < ex->nfeat; i++) {
		const dl_feature *f = &ex->feat[i];
		const char *nm = dl_feature_name(ex, f);
		if (unwanted(o, nm, f->name_len)) {
			cols_find(c, nm, f->name_len, 1);   /* known, never read */
			continue;
		}
		if (f->kind == DL_FEATURE_BYTES || f->count > 1)
			return dl_errf(e, "%s: record %llu: feature '%s' %s", name,
				       (unsigned long long)rec, dl_data_quote_cell(nm, f->name_len, q),
				       f->kind == DL_FEATURE_BYTES ? "holds bytes, not a number"
								   : "has more than one value");
		uint32_t k = cols_find(c, nm, f->name_len, 1);
		if (f->count == 0 || f->kind == DL_FEATURE_NONE)
			continue;
		if (g->nnz == g->cap_nnz) {
			g->cap_nnz = g->cap_nnz ? 2 * g->cap_nnz : 1024;
			g->col = dl_reallocarray(g->col, g->cap_nnz, sizeof *g->col);
			g->val = dl_reallocarray(g->val, g->cap_nnz, sizeof *g->val);
		}
		g->col[g->nnz] = k;
		g->val[g->nnz++] = f->kind == DL_FEATURE_FLOAT ? (double)dl_feature_floats(ex, f)[0]
							       : (double)dl_feature_ints(ex, f)[0];
	}
	DL_GROW(g->rowptr, g->cap_rows, g->nrow + 2);
	g->rowptr[++g->nrow] = g->nnz;
	return 0;
}

/* Lays the gathered rows out as the plan says. */
static dl_table *layout(const struct gather *g, const dl_table_plan *pl, const dl_table_options *o,
			const char *name, dl_err *e)
{
	dl_table *t = dl_calloc(1, sizeof *t);
	size_t cells, nr = g->nrow;
	dl_qid_track qt = { 0 };
	t->nrow = nr;
	t->ncol = pl->ncol;
	if (!dl_mul_ok(nr, pl->ncol, &cells))
		cells = SIZE_MAX;
	t->x = dl_mallocarray(cells ? cells : 1, sizeof *t->x);
	for (size_t i = 0; i < cells; i++)
		t->x[i] = NAN;
	if (pl->has_label)
		t->label = dl_mallocarray(nr, sizeof *t->label);
	if (pl->has_weight)
		t->weight = dl_mallocarray(nr, sizeof *t->weight);
	if (pl->has_group)
		t->qid = dl_mallocarray(nr, sizeof *t->qid);
	for (size_t r = 0; r < nr; r++) {
		char where[600];
		int have_q = 0;
		float y = NAN, w = NAN;
		snprintf(where, sizeof where, "%s: record %zu", name, r);
		for (size_t k = g->rowptr[r]; k < g->rowptr[r + 1]; k++) {
			ptrdiff_t role = pl->role[g->col[k]];
			double v = g->val[k];
			if (role >= 0)
				t->x[r * t->ncol + (size_t)role] = (float)v;
			else if (role == DL_COL_LABEL)
				y = (float)v;
			else if (role == DL_COL_WEIGHT)
				w = (float)v;
			else if (role == DL_COL_GROUP) {
				if (!(v >= -0x1p63 && v < 0x1p63) || v != floor(v)) {
					dl_errf(e, "%s: query id %g is not an integer", where, v);
					goto fail;
				}
				t->qid[r] = (int64_t)v;
				have_q = 1;
			}
		}
		if (t->label) {
			t->label[r] = y;
			if (dl_table_check_label(o, y, where, e) < 0)
				goto fail;
		}
		if (t->weight) {
			t->weight[r] = w;
			if (dl_table_check_weight(w, where, e) < 0)
				goto fail;
		}
		if (t->qid) {
			if (!have_q) {
				dl_errf(e, "%s: no query id", where);
				goto fail;
			}
			if (dl_qid_track_add(&qt, t->qid[r], where, e) < 0)
				goto fail;
		}
	}
	dl_qid_track_free(&qt);
	return t;
fail:
	dl_qid_track_free(&qt);
	dl_table_free(t);
	return NULL;
}

dl_table *dl_table_read_records(dl_in *in, const dl_table_options *o, int *usage, dl_err *e)
{
	dl_tfrecord_reader *rd = dl_tfrecord_reader_new(in, 0);
	const char *name = dl_in_name(in);
	struct cols c = { 0 };
	struct gather g = { 0 };
	dl_table_plan plan = { 0 };
	dl_example ex;
	dl_table *t = NULL;
	int rc;
	dl_example_init(&ex);
	c.nslot = 64;
	c.slot = dl_calloc(c.nslot, sizeof *c.slot);
	DL_GROW(g.rowptr, g.cap_rows, 1);
	g.rowptr[0] = 0;
	for (;;) {
		const uint8_t *p;
		size_t len;
		rc = dl_tfrecord_next(rd, &p, &len, e);
		if (rc < 0)
			goto done;
		if (rc == 0)
			break;
		uint64_t rec = dl_tfrecord_index(rd);
		if (dl_example_decode(&ex, p, len, e) < 0) {
			dl_err e2 = *e;
			dl_errf(e, "%s: record %llu: %s", name, (unsigned long long)rec, e2.msg);
			goto done;
		}
		if (add_record(&g, &c, &ex, o, name, rec, e) < 0)
			goto done;
	}
	if (g.nrow == 0) {
		dl_errf(e, "%s: no records", name);
		goto done;
	}
	if (dl_table_plan_make(&plan, (const char *const *)c.names, c.lens, c.n, o, name, usage,
			       e) < 0)
		goto done;
	t = layout(&g, &plan, o, name, e);
	if (t) {
		t->names = plan.names;
		plan.names = NULL;
	}
done:
	dl_table_plan_free(&plan);
	dl_example_free(&ex);
	dl_tfrecord_close(rd);
	cols_free(&c);
	dl_free(g.rowptr);
	dl_free(g.col);
	dl_free(g.val);
	return t;
}
