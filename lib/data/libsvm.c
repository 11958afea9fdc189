/*
 * libsvm.c — libsvm / svmlight text into a sparse (CSR) table.
 *
 *     LABEL[:WEIGHT] [qid:Q] INDEX:VALUE INDEX:VALUE ...   # comment
 *
 * (Joachims, svmlight's documentation; Chang & Lin, LIBSVM's README.) Tokens are separated
 * by spaces or tabs; '#' starts a comment; blank lines and comment lines are skipped; CRLF
 * is fine. Indices are unsigned decimals; each row's entries are sorted by index and an
 * index twice in a line is an error. With zero_based = -1 the data is one-based unless an
 * index 0 appears anywhere, which is known only at the end: the raw indices are kept and
 * shifted then. When a model's features are given ("f12" = zero-based column 12) entries are
 * renumbered to the model's order at the end, and dropped (ignore_extra) or refused when the
 * model lacks their column. A line number per row is kept for messages found at the end.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "data/tablepriv.h"

/* Columns beyond this are refused (names and dense rows would not fit in memory). */
#define MAX_COLUMNS ((uint64_t)1 << 25)

struct svm {
	dl_table *t;
	const dl_table_options *o;
	const char *name;
	dl_err *e;
	size_t cap_rows, cap_nnz, nnz;
	uint64_t *lines;
	int saw_zero, has_weight;
	uint32_t max_index;
	dl_qid_track qt;
};

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int bad(struct svm *s, uint64_t line, const char *what, const char *tok, size_t n,
	       const char *expected)
{
	char q[48];
	return dl_errf(s->e, "%s:%llu: bad %s '%s'%s", s->name, (unsigned long long)line, what,
		       dl_data_quote_cell(tok, n, q), expected);
}

/* A number filling exactly p[0..n). */
static int number(const char *p, size_t n, float *v)
{
	const char *q = dl_data_fast_float(p, p + n, v);
	if (q == p + n)
		return 0;
	return n ? dl_data_parse_cell(p, n, v) : -1;
}

static void grow_rows(struct svm *s)
{
	dl_table *t = s->t;
	size_t cap = s->cap_rows ? 2 * s->cap_rows : 1024;
	t->rowptr = dl_reallocarray(t->rowptr, cap + 1, sizeof *t->rowptr);
	t->label = dl_reallocarray(t->label, cap, sizeof *t->label);
	s->lines = dl_reallocarray(s->lines, cap, sizeof *s->lines);
	if (t->weight)
		t->weight = dl_reallocarray(t->weight, cap, sizeof *t->weight);
	if (t->qid)
		t->qid = dl_reallocarray(t->qid, cap, sizeof *t->qid);
	s->cap_rows = cap;
}

static void push(struct svm *s, uint32_t idx, float v)
{
	dl_table *t = s->t;
	if (s->nnz == s->cap_nnz) {
		s->cap_nnz = s->cap_nnz ? 2 * s->cap_nnz : 4096;
		t->col = dl_reallocarray(t->col, s->cap_nnz, sizeof *t->col);
		t->val = dl_reallocarray(t->val, s->cap_nnz, sizeof *t->val);
	}
	t->col[s->nnz] = idx;
	t->val[s->nnz++] = v;
}

/* Sorts entries [a, b) by column (insertion sort: rows are short and nearly always sorted
 * already). */
static void sort_entries(dl_table *t, size_t a, size_t b)
{
	for (size_t i = a + 1; i < b; i++) {
		uint32_t c = t->col[i];
		float v = t->val[i];
		size_t j = i;
		for (; j > a && t->col[j - 1] > c; j--) {
			t->col[j] = t->col[j - 1];
			t->val[j] = t->val[j - 1];
		}
		t->col[j] = c;
		t->val[j] = v;
	}
}

static int parse_label(struct svm *s, const char *p, const char *te, uint64_t line)
{
	dl_table *t = s->t;
	size_t i = t->nrow;
	const char *colon = memchr(p, ':', (size_t)(te - p));
	const char *le = colon ? colon : te;
	float y, w = 1;
	if (number(p, (size_t)(le - p), &y) < 0)
		return bad(s, line, "label", p, (size_t)(te - p), " (expected LABEL[:WEIGHT])");
	if (colon && number(colon + 1, (size_t)(te - colon - 1), &w) < 0)
		return bad(s, line, "label", p, (size_t)(te - p), " (expected LABEL[:WEIGHT])");
	if (!dl_table_label_ok(s->o, y) || !(w >= 0 && isfinite(w))) {
		char where[600];
		snprintf(where, sizeof where, "%s:%llu", s->name, (unsigned long long)line);
		if (dl_table_check_label(s->o, y, where, s->e) < 0)
			return -1;
		if (colon && dl_table_check_weight(w, where, s->e) < 0)
			return -1;
	}
	t->label[i] = y;
	if (colon && !t->weight) {
		t->weight = dl_mallocarray(s->cap_rows, sizeof *t->weight);
		for (size_t r = 0; r < i; r++)
			t->weight[r] = 1;
	}
	if (t->weight)
		t->weight[i] = w;
	return 0;
}

static int parse_qid(struct svm *s, const char *p, const char *te, uint64_t line)
{
	dl_table *t = s->t;
	int64_t q;
	char where[600];
	if (dl_data_parse_qid(p + 4, (size_t)(te - p - 4), &q) < 0)
		return bad(s, line, "query id", p, (size_t)(te - p), " (expected qid:INTEGER)");
	if (!t->qid) {
		if (t->nrow > 0)
			return dl_errf(s->e, "%s:%llu: this line has a query id, earlier lines have none",
				       s->name, (unsigned long long)line);
		t->qid = dl_mallocarray(s->cap_rows, sizeof *t->qid);
	}
	t->qid[t->nrow] = q;
	snprintf(where, sizeof where, "%s:%llu", s->name, (unsigned long long)line);
	return dl_qid_track_add(&s->qt, q, where, s->e);
}

static int parse_feature(struct svm *s, const char *p, const char *te, uint64_t line)
{
	uint64_t idx = 0;
	const char *q = p;
	int big = 0;
	float v;
	for (; q < te && (unsigned)(*q - '0') < 10; q++) {
		idx = idx * 10 + (uint64_t)(*q - '0');
		if (idx > MAX_COLUMNS) {
			big = 1;
			idx = MAX_COLUMNS;
		}
	}
	if (q == p || q == te || *q != ':' || number(q + 1, (size_t)(te - q - 1), &v) < 0)
		return bad(s, line, "feature", p, (size_t)(te - p), " (expected INDEX:VALUE)");
	if (big)
		return dl_errf(s->e, "%s:%llu: feature index too large in '%.*s' (at most %llu)",
			       s->name, (unsigned long long)line, (int)(te - p > 40 ? 40 : te - p), p,
			       (unsigned long long)MAX_COLUMNS);
	if (idx == 0) {
		if (s->o->zero_based == 0)
			return dl_errf(s->e, "%s:%llu: feature index 0 in one-based data", s->name,
				       (unsigned long long)line);
		s->saw_zero = 1;
	}
	if (idx > s->max_index)
		s->max_index = (uint32_t)idx;
	push(s, (uint32_t)idx, v);
	return 0;
}

/* The common token INDEX:VALUE parsed in place, without finding its end first. Returns 0
 * with *pp past it, or -1 (nothing done) for anything else, which parse_feature then
 * reads or reports. */
static int fast_feature(struct svm *s, char **pp, const char *end)
{
	const char *p = *pp, *q = p, *r;
	uint64_t idx = 0;
	float v;
	while ((unsigned)(*q - '0') < 10 && q - p < 8)
		idx = idx * 10 + (uint64_t)(*q++ - '0');
	if (*q != ':' || idx > MAX_COLUMNS || (idx == 0 && s->o->zero_based == 0))
		return -1;
	r = dl_data_fast_float(q + 1, end, &v);
	if (!r || (r != end && !is_blank(*r)))
		return -1;
	if (idx == 0)
		s->saw_zero = 1;
	if (idx > s->max_index)
		s->max_index = (uint32_t)idx;
	push(s, (uint32_t)idx, v);
	*pp = (char *)r;
	return 0;
}

/* One line. Returns 1 when it held a row, 0 when blank, -1 on error. */
static int parse_line(struct svm *s, char *p, size_t len, uint64_t line)
{
	char *end = p + len, *hash = memchr(p, '#', len);
	dl_table *t = s->t;
	if (hash)
		end = hash;
	while (end > p && (end[-1] == '\r' || is_blank(end[-1])))
		end--;
	while (p < end && is_blank(*p))
		p++;
	if (p == end)
		return 0;
	if (t->nrow == s->cap_rows)
		grow_rows(s);
	*end = 0;       /* a sentinel for the number parser (a '#', '\r', blank or NUL) */
	size_t first = s->nnz;
	int sorted = 1, has_qid = 0;
	for (int k = 0; p < end; k++) {
		if (k > 0 && (unsigned)(*p - '0') < 10 && fast_feature(s, &p, end) == 0) {
			if (s->nnz - first > 1 && t->col[s->nnz - 1] <= t->col[s->nnz - 2])
				sorted = 0;
			while (p < end && is_blank(*p))
				p++;
			continue;
		}
		char *te = p;
		while (te < end && !is_blank(*te))
			te++;
		char save = *te;
		*te = 0;
		int rc;
		if (k == 0)
			rc = parse_label(s, p, te, line);
		else if (te - p >= 4 && memcmp(p, "qid:", 4) == 0) {
			has_qid = 1;
			rc = parse_qid(s, p, te, line);
		} else {
			rc = parse_feature(s, p, te, line);
			if (rc == 0 && s->nnz - first > 1 && t->col[s->nnz - 1] <= t->col[s->nnz - 2])
				sorted = 0;
		}
		*te = save;
		if (rc < 0)
			return -1;
		p = te;
		while (p < end && is_blank(*p))
			p++;
	}
	if (t->qid && !has_qid)
		return dl_errf(s->e, "%s:%llu: this line has no query id, earlier lines have one",
			       s->name, (unsigned long long)line);
	if (!sorted) {
		sort_entries(t, first, s->nnz);
		for (size_t i = first + 1; i < s->nnz; i++)
			if (t->col[i] == t->col[i - 1])
				return dl_errf(s->e, "%s:%llu: feature index %u appears twice", s->name,
					       (unsigned long long)line, (unsigned)t->col[i]);
	}
	s->lines[t->nrow] = line;
	t->rowptr[++t->nrow] = s->nnz;
	return 1;
}

/* "f12" -> 12; -1 for anything else. */
static int64_t feature_index(const char *f)
{
	uint64_t v = 0;
	if (f[0] != 'f' || !f[1] || (f[1] == '0' && f[2]))
		return -1;
	for (const char *p = f + 1; *p; p++) {
		if ((unsigned)(*p - '0') >= 10 || v > MAX_COLUMNS)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	return v > MAX_COLUMNS ? -1 : (int64_t)v;
}

struct fpair {
	uint32_t index, pos;
};

static int fpair_cmp(const void *a, const void *b)
{
	const struct fpair *x = a, *y = b;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Renumbers entries to the model's feature order. */
static int apply_features(struct svm *s, uint32_t base)
{
	const dl_table_options *o = s->o;
	dl_table *t = s->t;
	struct fpair *fp = dl_mallocarray(o->nfeatures ? o->nfeatures : 1, sizeof *fp);
	size_t nf = 0, out = 0, a = 0;
	int rc = -1;
	for (size_t j = 0; j < o->nfeatures; j++) {
		int64_t ix = feature_index(o->features[j]);
		for (size_t i = 0; i < j; i++)
			if (strcmp(o->features[i], o->features[j]) == 0) {
				dl_errf(s->e, "%s: feature '%s' of the model is listed twice", s->name,
					o->features[j]);
				goto done;
			}
		if (ix < 0) {
			if (!o->allow_absent) {
				dl_errf(s->e, "%s: feature '%s' of the model is not in the data", s->name,
					o->features[j]);
				goto done;
			}
			continue;
		}
		fp[nf].index = (uint32_t)ix;
		fp[nf++].pos = (uint32_t)j;
	}
	qsort(fp, nf, sizeof *fp, fpair_cmp);
	for (size_t r = 0; r < t->nrow; r++) {
		size_t b = t->rowptr[r + 1], start = out;
		for (; a < b; a++) {
			struct fpair key = { t->col[a] - base, 0 };
			struct fpair *hit = bsearch(&key, fp, nf, sizeof *fp, fpair_cmp);
			if (!hit) {
				if (o->ignore_extra)
					continue;
				dl_errf(s->e, "%s:%llu: column 'f%u' is not a feature of the model", s->name,
					(unsigned long long)s->lines[r], (unsigned)key.index);
				goto done;
			}
			t->col[out] = hit->pos;
			t->val[out++] = t->val[a];
		}
		t->rowptr[r + 1] = out;
		sort_entries(t, start, out);
	}
	s->nnz = out;
	t->ncol = o->nfeatures;
	rc = 0;
done:
	dl_free(fp);
	return rc;
}

static int finish(struct svm *s)
{
	dl_table *t = s->t;
	uint32_t base = s->o->zero_based == 1 ? 0 : s->o->zero_based == 0 ? 1 : s->saw_zero ? 0 : 1;
	if (t->nrow == 0)
		return dl_errf(s->e, "%s: no data lines", s->name);
	if (s->o->features) {
		if (apply_features(s, base) < 0)
			return -1;
	} else {
		if (base)
			for (size_t i = 0; i < s->nnz; i++)
				t->col[i] -= base;
		t->ncol = s->nnz ? (size_t)s->max_index + 1 - base : 0;
	}
	t->names = dl_mallocarray(t->ncol ? t->ncol : 1, sizeof *t->names);
	for (size_t c = 0; c < t->ncol; c++) {
		if (s->o->features) {
			t->names[c] = dl_strdup(s->o->features[c]);
		} else {
			char nm[24];
			snprintf(nm, sizeof nm, "f%zu", c);
			t->names[c] = dl_strdup(nm);
		}
	}
	size_t n = t->nrow;
	t->rowptr = dl_reallocarray(t->rowptr, n + 1, sizeof *t->rowptr);
	t->label = dl_reallocarray(t->label, n, sizeof *t->label);
	if (t->weight)
		t->weight = dl_reallocarray(t->weight, n, sizeof *t->weight);
	if (t->qid)
		t->qid = dl_reallocarray(t->qid, n, sizeof *t->qid);
	t->col = dl_reallocarray(t->col, s->nnz ? s->nnz : 1, sizeof *t->col);
	t->val = dl_reallocarray(t->val, s->nnz ? s->nnz : 1, sizeof *t->val);
	return 0;
}

dl_table *dl_table_read_libsvm(dl_in *in, const dl_table_options *o, int *usage, dl_err *e)
{
	struct svm s = { .o = o, .name = dl_in_name(in), .e = e };
	dl_table *t = dl_calloc(1, sizeof *t);
	(void)usage;
	s.t = t;
	grow_rows(&s);
	t->rowptr[0] = 0;
	for (;;) {
		char *line;
		ptrdiff_t n = dl_in_getline(in, &line, e);
		if (n < 0)
			goto fail;
		if (!line)
			break;
		if (parse_line(&s, line, (size_t)n, dl_in_lineno(in)) < 0)
			goto fail;
	}
	if (finish(&s) < 0)
		goto fail;
	dl_free(s.lines);
	dl_qid_track_free(&s.qt);
	return t;
fail:
	dl_free(s.lines);
	dl_qid_track_free(&s.qt);
	t->ncol = 0;
	dl_table_free(t);
	return NULL;
}
