/*
 * table.c — opening a table (format detection), the column plan shared by the readers, and
 * the operations on a table once read (get, densify, subset, groups).
 *
 * Detection (DL_TABLE_AUTO) peeks at the start of the uncompressed stream: a valid TFRecord
 * header means records; else the first line that is neither blank nor a '#' comment decides
 * between libsvm ("NUM[:W] IDX:VAL ..." or "NUM qid:Q ...") and CSV.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "data/tablepriv.h"
#include "record/tfrecord.h"

/* ---- the column plan */

int dl_table_excluded(const dl_table_options *o, const char *name, size_t len)
{
	for (size_t i = 0; i < o->nexclude; i++)
		if (o->exclude[i] && strlen(o->exclude[i]) == len && memcmp(o->exclude[i], name, len) == 0)
			return (int)i;
	return -1;
}

static ptrdiff_t find_name(const char *const *names, const size_t *lens, size_t n, const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (lens[i] == len && memcmp(names[i], s, len) == 0)
			return (ptrdiff_t)i;
	return -1;
}

void dl_table_plan_free(dl_table_plan *p)
{
	if (p->names)
		for (size_t i = 0; i < p->ncol; i++)
			dl_free(p->names[i]);
	dl_free(p->names);
	dl_free(p->role);
	dl_free(p->absent);
	memset(p, 0, sizeof *p);
}

/* The role columns (label, weight, group), named or defaulted; -1 when absent. */
static int plan_roles(dl_table_plan *p, const char *const *names, const size_t *lens, size_t n,
		      const dl_table_options *o, const char *where, int *usage, dl_err *e)
{
	static const int code[3] = { DL_COL_LABEL, DL_COL_WEIGHT, DL_COL_GROUP };
	const char *opt[3] = { o->label, o->weight, o->group };
	static const char *const what[3] = { "label", "weight", "group" };
	int *has[3] = { &p->has_label, &p->has_weight, &p->has_group };
	for (int k = 0; k < 3; k++) {
		const char *name = opt[k] ? opt[k] : k == 0 ? "label" : NULL;
		if (!name)
			continue;
		ptrdiff_t c = find_name(names, lens, n, name);
		if (c < 0) {
			if (!opt[k])
				continue;
			*usage = 1;
			return dl_errf(e, "%s: the data has no column '%s' (the %s)", where, name, what[k]);
		}
		if (p->role[c] != DL_COL_SKIP) {
			*usage = 1;
			return dl_errf(e, "%s: column '%s' cannot have two roles", where, name);
		}
		p->role[c] = code[k];
		*has[k] = 1;
	}
	if (o->require_label && !p->has_label)
		return dl_errf(e, "%s: the data has no label column (name one)", where);
	return 0;
}

static int plan_features(dl_table_plan *p, const char *const *names, const size_t *lens, size_t n,
			 const dl_table_options *o, const char *where, dl_err *e)
{
	if (!o->features) {
		p->names = dl_calloc(n ? n : 1, sizeof *p->names);
		for (size_t c = 0; c < n; c++)
			if (p->role[c] == DL_COL_SKIP && dl_table_excluded(o, names[c], lens[c]) < 0) {
				p->names[p->ncol] = dl_data_dup(names[c], lens[c]);
				p->role[c] = (ptrdiff_t)p->ncol++;
			}
		p->absent = dl_calloc(p->ncol ? p->ncol : 1, 1);
		return 0;
	}
	p->ncol = o->nfeatures;
	p->names = dl_calloc(p->ncol ? p->ncol : 1, sizeof *p->names);
	p->absent = dl_calloc(p->ncol ? p->ncol : 1, 1);
	for (size_t j = 0; j < p->ncol; j++) {
		const char *f = o->features[j];
		p->names[j] = dl_strdup(f);
		for (size_t i = 0; i < j; i++)
			if (strcmp(o->features[i], f) == 0)
				return dl_errf(e, "%s: feature '%s' of the model is listed twice", where, f);
		ptrdiff_t c = find_name(names, lens, n, f);
		if (c < 0) {
			if (!o->allow_absent)
				return dl_errf(e, "%s: feature '%s' of the model is not in the data", where, f);
			p->absent[j] = 1;
			p->nabsent++;
			continue;
		}
		if (p->role[c] != DL_COL_SKIP || dl_table_excluded(o, f, strlen(f)) >= 0)
			return dl_errf(e, "%s: feature '%s' of the model is not a feature column of the data",
				       where, f);
		p->role[c] = (ptrdiff_t)j;
	}
	if (!o->ignore_extra)
		for (size_t c = 0; c < n; c++)
			if (p->role[c] == DL_COL_SKIP && dl_table_excluded(o, names[c], lens[c]) < 0)
				return dl_errf(e, "%s: column '%.*s' is not a feature of the model", where,
					       (int)(lens[c] > 200 ? 200 : lens[c]), names[c]);
	return 0;
}

int dl_table_plan_make(dl_table_plan *p, const char *const *names, const size_t *lens, size_t n,
		       const dl_table_options *o, const char *where, int *usage, dl_err *e)
{
	memset(p, 0, sizeof *p);
	p->ndata = n;
	p->role = dl_mallocarray(n ? n : 1, sizeof *p->role);
	for (size_t c = 0; c < n; c++)
		p->role[c] = DL_COL_SKIP;
	for (size_t i = 0; i < o->nexclude; i++)
		if (o->exclude[i] && find_name(names, lens, n, o->exclude[i]) < 0) {
			*usage = 1;
			dl_errf(e, "%s: the data has no column '%s' (to exclude)", where, o->exclude[i]);
			goto fail;
		}
	if (plan_roles(p, names, lens, n, o, where, usage, e) < 0)
		goto fail;
	if (plan_features(p, names, lens, n, o, where, e) < 0)
		goto fail;
	return 0;
fail:
	dl_table_plan_free(p);
	return -1;
}

int dl_table_check_label(const dl_table_options *o, float y, const char *where, dl_err *e)
{
	if (o->require_label && !isfinite(y))
		return dl_errf(e, "%s: label is %s", where, isnan(y) ? "NaN" : "infinite");
	if (isfinite(y) && !dl_table_label_ok(o, y))
		return dl_errf(e, "%s: label %g is outside %s (%s)", where, (double)y,
			       o->label_range_text ? o->label_range_text : "the labels' range",
			       o->label_why ? o->label_why : "the objective's");
	return 0;
}

int dl_table_check_weight(float w, const char *where, dl_err *e)
{
	if (!(w >= 0 && isfinite(w)))
		return dl_errf(e, "%s: weight %g is not a finite non-negative number", where, (double)w);
	return 0;
}

/* ---- query ids in runs */

static int qid_set_has(const dl_qid_track *t, int64_t q, size_t *slot)
{
	size_t i = (size_t)dl_hash64(&q, sizeof q, 0) & (t->cap - 1);
	while (t->seen[2 * i + 1]) {
		if (t->seen[2 * i] == q)
			return 1;
		i = (i + 1) & (t->cap - 1);
	}
	*slot = i;
	return 0;
}

static void qid_set_add(dl_qid_track *t, int64_t q)
{
	size_t slot;
	if (2 * (t->n + 1) > t->cap) {
		dl_qid_track old = *t;
		t->cap = old.cap ? 2 * old.cap : 64;
		t->seen = dl_calloc(2 * t->cap, sizeof *t->seen);
		t->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.seen[2 * i + 1])
				qid_set_add(t, old.seen[2 * i]);
		dl_free(old.seen);
	}
	if (!qid_set_has(t, q, &slot)) {
		t->seen[2 * slot] = q;
		t->seen[2 * slot + 1] = 1;
		t->n++;
	}
}

int dl_qid_track_add(dl_qid_track *t, int64_t q, const char *where, dl_err *e)
{
	size_t slot;
	if (t->any && q == t->last)
		return 0;
	if (t->any)
		qid_set_add(t, t->last);
	if (t->cap && qid_set_has(t, q, &slot))
		return dl_errf(e, "%s: query id %lld appears again after other ids; sort the rows by "
			       "query id", where, (long long)q);
	t->last = q;
	t->any = 1;
	return 0;
}

void dl_qid_track_free(dl_qid_track *t)
{
	dl_free(t->seen);
	memset(t, 0, sizeof *t);
}

/* ---- detection and reading */

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A token "DIGITS:..." or "qid:..." */
static int svm_token(const char *p, const char *end)
{
	const char *q = p;
	if (end - p > 4 && memcmp(p, "qid:", 4) == 0)
		return 1;
	while (q < end && (unsigned)(*q - '0') < 10)
		q++;
	return q > p && q < end && *q == ':';
}

/* The first line that is not blank or a comment looks like "NUM[:W] IDX:VAL". */
static int looks_libsvm(const char *p, size_t n)
{
	const char *end = p + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *hash = memchr(p, '#', (size_t)(le - p));
		const char *s = p, *te = hash ? hash : le;
		while (s < te && is_space((unsigned char)*s))
			s++;
		if (s < te) {
			const char *t = s;
			while (t < te && !is_space((unsigned char)*t) && *t != ':')
				t++;
			char buf[64];
			float v;
			if (t == s || (size_t)(t - s) >= sizeof buf)
				return 0;
			memcpy(buf, s, (size_t)(t - s));
			buf[t - s] = 0;
			if (dl_data_parse_cell(buf, (size_t)(t - s), &v) < 0)
				return 0;
			while (t < te && !is_space((unsigned char)*t))
				t++;
			while (t < te && is_space((unsigned char)*t))
				t++;
			const char *u = t;
			while (u < te && !is_space((unsigned char)*u))
				u++;
			return t < te && svm_token(t, u);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

static dl_table *read_in(dl_in *in, const dl_table_options *o, int *usage, dl_err *e)
{
	enum dl_table_format f = o->format;
	dl_in_set_plain_check(in, dl_tfrecord_plain_check);
	if (f == DL_TABLE_AUTO) {
		size_t avail;
		const uint8_t *p = dl_in_peek(in, 1 << 16, &avail, e);
		if (!p)
			return NULL;
		if (avail >= DL_TFRECORD_HEADER && dl_tfrecord_plain_check(p, avail))
			f = DL_TABLE_RECORDS;
		else if (looks_libsvm((const char *)p, avail))
			f = DL_TABLE_LIBSVM;
		else
			f = DL_TABLE_CSV;
	}
	switch (f) {
	case DL_TABLE_LIBSVM:
		return dl_table_read_libsvm(in, o, usage, e);
	case DL_TABLE_RECORDS:
		return dl_table_read_records(in, o, usage, e);
	default:
		return dl_table_read_csv(in, o, usage, e);
	}
}

static const dl_table_options default_options;

dl_table *dl_table_read(const char *path, const dl_table_options *o, int *usage, dl_err *e)
{
	int u = 0;
	if (!o)
		o = &default_options;
	unsigned flags = o->format == DL_TABLE_RECORDS ? DL_IN_ZLIB : 0;
	dl_in *in = dl_in_open(path, flags, e);
	if (!in) {
		if (usage)
			*usage = 0;
		return NULL;
	}
	dl_table *t = read_in(in, o, &u, e);
	dl_in_close(in);
	if (usage)
		*usage = t ? 0 : u;
	return t;
}

dl_table *dl_table_read_mem(const void *data, size_t len, const char *name,
			    const dl_table_options *o, int *usage, dl_err *e)
{
	int u = 0;
	if (!o)
		o = &default_options;
	unsigned flags = o->format == DL_TABLE_RECORDS ? DL_IN_ZLIB : 0;
	dl_in *in = dl_in_open_mem(data, len, name ? name : "(memory)", flags);
	dl_table *t = read_in(in, o, &u, e);
	dl_in_close(in);
	if (usage)
		*usage = t ? 0 : u;
	return t;
}

/* ---- operations */

void dl_table_free(dl_table *t)
{
	if (!t)
		return;
	if (t->names)
		for (size_t i = 0; i < t->ncol; i++)
			dl_free(t->names[i]);
	dl_free(t->names);
	dl_free(t->x);
	dl_free(t->rowptr);
	dl_free(t->col);
	dl_free(t->val);
	dl_free(t->label);
	dl_free(t->weight);
	dl_free(t->qid);
	dl_free(t);
}

float dl_table_get(const dl_table *t, size_t r, size_t c)
{
	if (t->x)
		return t->x[r * t->ncol + c];
	/* CSR rows are sorted by column: binary search. */
	size_t lo = t->rowptr[r], hi = t->rowptr[r + 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->col[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->rowptr[r + 1] && t->col[lo] == c ? t->val[lo] : NAN;
}

int dl_table_densify(dl_table *t, dl_err *e)
{
	size_t cells;
	if (t->x)
		return 0;
	if (!dl_mul_ok(t->nrow, t->ncol, &cells) || cells > SIZE_MAX / sizeof(float))
		return dl_errf(e, "a dense table of %zu x %zu values is too large", t->nrow, t->ncol);
	float *x = malloc(cells ? cells * sizeof *x : 1);
	if (!x)
		return dl_errf(e, "out of memory for a dense table of %zu x %zu values", t->nrow,
			       t->ncol);
	for (size_t i = 0; i < cells; i++)
		x[i] = NAN;
	for (size_t r = 0; r < t->nrow; r++)
		for (size_t k = t->rowptr[r]; k < t->rowptr[r + 1]; k++)
			x[r * t->ncol + t->col[k]] = t->val[k];
	t->x = x;
	dl_free(t->rowptr);
	dl_free(t->col);
	dl_free(t->val);
	t->rowptr = NULL;
	t->col = NULL;
	t->val = NULL;
	return 0;
}

static void *pick(const void *src, size_t elem, const size_t *rows, size_t n)
{
	if (!src)
		return NULL;
	char *dst = dl_mallocarray(n ? n : 1, elem);
	for (size_t i = 0; i < n; i++)
		memcpy(dst + i * elem, (const char *)src + rows[i] * elem, elem);
	return dst;
}

dl_table *dl_table_subset(const dl_table *t, const size_t *rows, size_t n)
{
	dl_table *s = dl_calloc(1, sizeof *s);
	s->nrow = n;
	s->ncol = t->ncol;
	s->names = dl_calloc(t->ncol ? t->ncol : 1, sizeof *s->names);
	for (size_t c = 0; c < t->ncol; c++)
		s->names[c] = dl_strdup(t->names[c]);
	s->label = pick(t->label, sizeof *t->label, rows, n);
	s->weight = pick(t->weight, sizeof *t->weight, rows, n);
	s->qid = pick(t->qid, sizeof *t->qid, rows, n);
	if (t->x) {
		size_t cells = n * t->ncol;
		s->x = dl_mallocarray(cells ? cells : 1, sizeof *s->x);
		for (size_t i = 0; i < n; i++)
			memcpy(s->x + i * t->ncol, t->x + rows[i] * t->ncol, t->ncol * sizeof *s->x);
		return s;
	}
	size_t nnz = 0;
	for (size_t i = 0; i < n; i++)
		nnz += t->rowptr[rows[i] + 1] - t->rowptr[rows[i]];
	s->rowptr = dl_mallocarray(n + 1, sizeof *s->rowptr);
	s->col = dl_mallocarray(nnz ? nnz : 1, sizeof *s->col);
	s->val = dl_mallocarray(nnz ? nnz : 1, sizeof *s->val);
	s->rowptr[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t a = t->rowptr[rows[i]], m = t->rowptr[rows[i] + 1] - a, o = s->rowptr[i];
		if (m) {
			memcpy(s->col + o, t->col + a, m * sizeof *s->col);
			memcpy(s->val + o, t->val + a, m * sizeof *s->val);
		}
		s->rowptr[i + 1] = o + m;
	}
	return s;
}

ptrdiff_t dl_table_groups(const dl_table *t, size_t **ptr, dl_err *e)
{
	size_t ng = 0, cap = 16;
	size_t *p = dl_mallocarray(cap, sizeof *p);
	p[0] = 0;
	if (!t->qid) {
		p[1] = t->nrow;
		*ptr = p;
		return 1;
	}
	dl_qid_track tr = { 0 };
	for (size_t r = 0; r < t->nrow; r++) {
		if (r == 0 || t->qid[r] != t->qid[r - 1]) {
			char where[48];
			snprintf(where, sizeof where, "row %zu", r + 1);
			if (dl_qid_track_add(&tr, t->qid[r], where, e) < 0) {
				dl_qid_track_free(&tr);
				dl_free(p);
				*ptr = NULL;
				return -1;
			}
			if (r > 0) {
				DL_GROW(p, cap, ng + 2);
				p[++ng] = r;
			}
		}
	}
	dl_qid_track_free(&tr);
	DL_GROW(p, cap, ng + 2);
	if (t->nrow)
		p[++ng] = t->nrow;
	*ptr = p;
	return (ptrdiff_t)ng;
}
