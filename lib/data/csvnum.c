/*
 * csvnum.c — a numeric CSV table in one pass, straight into the float matrix.
 *
 * The input is read in large blocks (from 16 KiB, doubling to 4 MiB, so that a small input
 * costs little) into one buffer that ends in a NUL sentinel, so the
 * number parser can run over a cell without looking for its end first. A row is parsed from
 * the start of the buffer's unread part; when it runs into the end of the block before its
 * last newline, the unread part moves to the front, the buffer is refilled (grown when one
 * row does not fit) and the row is parsed again: rows are independent, so a second try just
 * overwrites what the first wrote. Quoting follows RFC 4180 ('"' around a field, "" for a
 * quote inside; delimiters and newlines inside are literal); a UTF-8 byte-order mark at the
 * start is dropped; lines end in LF or CRLF; an empty line is skipped when the header has
 * more than one column (as record/csv.h reads it). Cells of feature columns go through
 * dl_data_fast_float, falling back to dl_data_parse_cell (strtof) for everything else.
 * The arrays grow by doubling and are trimmed at the end, so memory is the matrix and one
 * block.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "data/tablepriv.h"

#define BLOCK ((size_t)4 << 20)        /* the buffer starts at FIRST and doubles to this */
#define FIRST ((size_t)16 << 10)

enum { F_DELIM, F_EOL, F_MORE, F_ERR, ROW_SKIP, ROW_ADDED };

struct csvr {
	dl_in *in;
	const char *name;
	char delim;
	char *buf;
	size_t cap, len, pos;
	int eof;
	uint64_t line;          /* line of buf[pos] */
	dl_buf cell;            /* a quoted field, unquoted */
	dl_err *e;
};

/* Moves the unread bytes to the front and reads more. Returns 0 or -1. */
static int fill(struct csvr *r)
{
	size_t keep = r->len - r->pos;
	memmove(r->buf, r->buf + r->pos, keep);
	r->len = keep;
	r->pos = 0;
	if (r->len == r->cap || r->cap < BLOCK) {   /* a row longer than the buffer; or ramp up */
		r->cap *= 2;
		r->buf = dl_reallocarray(r->buf, r->cap + 1, 1);
	}
	size_t want = r->cap - r->len;
	ptrdiff_t got = dl_in_read(r->in, r->buf + r->len, want, r->e);
	if (got < 0)
		return -1;
	if ((size_t)got < want)
		r->eof = 1;
	r->len += (size_t)got;
	r->buf[r->len] = 0;
	return 0;
}

/* After a field at p: a delimiter, the end of the line (LF, CRLF, the end of the input), or
 * something else (-1). */
static int after_field(const struct csvr *r, const char **pp)
{
	const char *p = *pp, *end = r->buf + r->len;
	if (p == end)
		return r->eof ? F_EOL : F_MORE;
	if (*p == r->delim) {
		*pp = p + 1;
		return F_DELIM;
	}
	if (*p == '\n') {
		*pp = p + 1;
		return F_EOL;
	}
	if (*p == '\r') {
		if (p + 1 == end)
			return r->eof ? (*pp = p + 1, F_EOL) : F_MORE;
		if (p[1] == '\n') {
			*pp = p + 2;
			return F_EOL;
		}
	}
	return -1;
}

/* Scans the field at *pp: its bytes go to *s, *n (in r->cell when quoted), *nl counts the
 * newlines inside quotes. Returns F_DELIM or F_EOL with *pp past the separator, F_MORE when
 * the block ends first, F_ERR with r->e filled. */
static int scan_field(struct csvr *r, const char **pp, const char **s, size_t *n, uint64_t *nl)
{
	const char *p = *pp, *end = r->buf + r->len;
	if (p < end && *p == '"') {
		dl_buf_clear(&r->cell);
		for (p++;; p++) {
			if (p == end) {
				if (!r->eof)
					return F_MORE;
				return dl_errf(r->e, "%s:%llu: a quoted field is not closed", r->name,
					       (unsigned long long)r->line), F_ERR;
			}
			if (*p == '"') {
				if (p + 1 == end && !r->eof)
					return F_MORE;
				if (p + 1 < end && p[1] == '"') {
					dl_buf_putc(&r->cell, '"');
					p++;
					continue;
				}
				p++;
				break;
			}
			if (*p == '\n')
				(*nl)++;
			dl_buf_putc(&r->cell, *p);
		}
		*s = (const char *)r->cell.data;
		*n = r->cell.len;
		int k = after_field(r, &p);
		if (k < 0)
			return dl_errf(r->e, "%s:%llu: unexpected '%c' after a closing quote", r->name,
				       (unsigned long long)(r->line + *nl),
				       *p >= 32 && *p < 127 ? *p : '?'), F_ERR;
		*pp = p;
		return k;
	}
	const char *q = p;
	while (q < end && *q != r->delim && *q != '\n')
		q++;
	if (q == end && !r->eof)
		return F_MORE;
	*s = p;
	*n = (size_t)(q - p);
	if (*n && q < end && p[*n - 1] == '\r')
		(*n)--;
	*pp = q == end ? q : q + 1;
	return q < end && *q == r->delim ? F_DELIM : F_EOL;
}

/* The header row: names[] (malloc'd copies) and their count. Returns 0 or -1. */
static int read_header(struct csvr *r, char ***names, size_t **lens, size_t *n)
{
	for (;;) {
		const char *p = r->buf + r->pos;
		uint64_t nl = 0;
		size_t cap = 0, k = 0;
		char **nm = NULL;
		size_t *ln = NULL;
		int sep;
		if (r->line == 1 && r->len - r->pos >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3;
		if (p == r->buf + r->len && r->eof)
			return dl_errf(r->e, "%s: empty input (no header)", r->name);
		do {
			const char *s;
			size_t len;
			sep = scan_field(r, &p, &s, &len, &nl);
			if (sep == F_MORE || sep == F_ERR)
				break;
			DL_GROW(nm, cap, k + 1);
			ln = dl_reallocarray(ln, cap, sizeof *ln);
			nm[k] = dl_data_dup(s, len);
			ln[k++] = len;
		} while (sep == F_DELIM);
		if (sep == F_EOL) {
			*names = nm;
			*lens = ln;
			*n = k;
			r->pos = (size_t)(p - r->buf);
			r->line += 1 + nl;
			return 0;
		}
		for (size_t i = 0; i < k; i++)
			dl_free(nm[i]);
		dl_free(nm);
		dl_free(ln);
		if (sep == F_ERR || fill(r) < 0)
			return -1;
	}
}

static int check_header(struct csvr *r, char **names, size_t *lens, size_t n)
{
	char q[48];
	for (size_t i = 0; i < n; i++) {
		if (lens[i] == 0)
			return dl_errf(r->e, "%s:1: column %zu has no name in the header", r->name, i + 1);
		for (size_t j = 0; j < i; j++)
			if (lens[j] == lens[i] && memcmp(names[i], names[j], lens[i]) == 0)
				return dl_errf(r->e, "%s:1: column '%s' appears twice in the header",
					       r->name, dl_data_quote_cell(names[i], lens[i], q));
	}
	return 0;
}

/* The table under construction. */
struct rows {
	dl_table *t;
	size_t cap;
	const dl_table_plan *plan;
	size_t *absent;         /* output columns no data column fills */
	char **dnames;          /* data column names, for messages */
	size_t *dlens;
	dl_qid_track qt;
};

static void rows_grow(struct rows *w)
{
	dl_table *t = w->t;
	size_t cap = w->cap ? 2 * w->cap : 1024, cells;
	if (!dl_mul_ok(cap, t->ncol ? t->ncol : 1, &cells))
		cells = SIZE_MAX;
	t->x = dl_reallocarray(t->x, cells, sizeof *t->x);
	if (w->plan->has_label)
		t->label = dl_reallocarray(t->label, cap, sizeof *t->label);
	if (w->plan->has_weight)
		t->weight = dl_reallocarray(t->weight, cap, sizeof *t->weight);
	if (w->plan->has_group)
		t->qid = dl_reallocarray(t->qid, cap, sizeof *t->qid);
	w->cap = cap;
}

static int bad_cell(struct csvr *r, struct rows *w, size_t j, uint64_t line, const char *s,
		    size_t n, const char *what)
{
	char q[48], c[48];
	return dl_errf(r->e, "%s:%llu: column '%s': '%s' is not %s", r->name,
		       (unsigned long long)line, dl_data_quote_cell(w->dnames[j], w->dlens[j], c),
		       dl_data_quote_cell(s, n, q), what);
}

/* A cell of a role column (or a feature cell the fast path did not take). */
static int role_cell(struct csvr *r, struct rows *w, size_t j, ptrdiff_t role, const char *s,
		     size_t n, uint64_t line)
{
	dl_table *t = w->t;
	size_t i = t->nrow;
	float v;
	if (role == DL_COL_SKIP)
		return 0;
	if (role == DL_COL_GROUP) {
		if (dl_data_parse_qid(s, n, &t->qid[i]) < 0)
			return bad_cell(r, w, j, line, s, n, "a query id (an integer)");
		return 0;
	}
	if (dl_data_parse_cell(s, n, &v) < 0)
		return bad_cell(r, w, j, line, s, n, "a number");
	if (role >= 0)
		t->x[i * t->ncol + (size_t)role] = v;
	else if (role == DL_COL_LABEL)
		t->label[i] = v;
	else
		t->weight[i] = v;
	return 0;
}

/* Parses one row at r->pos. Returns ROW_ADDED, ROW_SKIP (an empty line), 0 at the end of
 * the input, F_MORE, or -1 with r->e filled. */
static int parse_row(struct csvr *r, struct rows *w)
{
	const char *p = r->buf + r->pos, *end = r->buf + r->len;
	const dl_table_plan *pl = w->plan;
	dl_table *t = w->t;
	uint64_t nl = 0, line = r->line;
	size_t j, nd = pl->ndata;
	if (p == end)
		return r->eof ? 0 : F_MORE;
	if (nd > 1 && (*p == '\n' || *p == '\r')) {
		int k = after_field(r, &p);
		if (k == F_MORE)
			return F_MORE;
		if (k == F_EOL) {
			r->pos = (size_t)(p - r->buf);
			r->line++;
			return ROW_SKIP;
		}
	}
	if (t->nrow == w->cap)
		rows_grow(w);
	float *row = t->x + t->nrow * t->ncol;
	for (size_t a = 0; a < pl->nabsent; a++)
		row[w->absent[a]] = NAN;
	for (j = 0;; j++) {
		ptrdiff_t role = j < nd ? pl->role[j] : DL_COL_SKIP;
		int sep;
		if (role >= 0 && *p != '"') {
			float v;
			const char *q = dl_data_fast_float(p, &v);
			if (q && (sep = after_field(r, &q)) >= 0) {
				if (sep == F_MORE)
					return F_MORE;
				row[role] = v;
				p = q;
				goto next;
			}
		}
		const char *s;
		size_t n;
		sep = scan_field(r, &p, &s, &n, &nl);
		if (sep == F_MORE || sep == F_ERR)
			return sep == F_MORE ? F_MORE : -1;
		if (j < nd && role_cell(r, w, j, role, s, n, line) < 0)
			return -1;
next:
		if (sep == F_EOL)
			break;
	}
	if (j + 1 != nd)
		return dl_errf(r->e, "%s:%llu: row has %zu fields, the header has %zu", r->name,
			       (unsigned long long)line, j + 1, nd);
	r->pos = (size_t)(p - r->buf);
	r->line += 1 + nl;
	return ROW_ADDED;
}

static int finish_row(struct csvr *r, struct rows *w, const dl_table_options *o, uint64_t line)
{
	dl_table *t = w->t;
	size_t i = t->nrow;
	char where[600];
	snprintf(where, sizeof where, "%s:%llu", r->name, (unsigned long long)line);
	if (t->label && dl_table_check_label(o, t->label[i], where, r->e) < 0)
		return -1;
	if (t->weight && dl_table_check_weight(t->weight[i], where, r->e) < 0)
		return -1;
	if (t->qid && dl_qid_track_add(&w->qt, t->qid[i], where, r->e) < 0)
		return -1;
	t->nrow++;
	return 0;
}

static void trim_arrays(dl_table *t)
{
	size_t n = t->nrow ? t->nrow : 1;
	t->x = dl_reallocarray(t->x, t->ncol ? n * t->ncol : 1, sizeof *t->x);
	if (t->label)
		t->label = dl_reallocarray(t->label, n, sizeof *t->label);
	if (t->weight)
		t->weight = dl_reallocarray(t->weight, n, sizeof *t->weight);
	if (t->qid)
		t->qid = dl_reallocarray(t->qid, n, sizeof *t->qid);
}

static int read_rows(struct csvr *r, struct rows *w, const dl_table_options *o)
{
	for (;;) {
		uint64_t line = r->line;
		int k = parse_row(r, w);
		if (k == 0)
			return 0;
		if (k < 0)
			return -1;
		if (k == F_MORE) {
			if (fill(r) < 0)
				return -1;
			continue;
		}
		if (k == ROW_ADDED && finish_row(r, w, o, line) < 0)
			return -1;
	}
}

dl_table *dl_table_read_csv(dl_in *in, const dl_table_options *o, int *usage, dl_err *e)
{
	struct csvr r = { .in = in, .name = dl_in_name(in), .delim = o->delimiter ? o->delimiter : ',',
			  .cap = FIRST / 2, .line = 1, .e = e };
	struct rows w = { 0 };
	dl_table_plan plan = { 0 };
	char **names = NULL;
	size_t *lens = NULL, n = 0;
	dl_table *t = NULL;
	char where[600];
	if (r.delim == '"' || r.delim == '\n' || r.delim == '\r') {
		*usage = 1;
		dl_errf(e, "a CSV delimiter cannot be a quote or a line end");
		return NULL;
	}
	r.buf = dl_malloc(r.cap + 1);
	r.buf[0] = 0;
	if (fill(&r) < 0 || read_header(&r, &names, &lens, &n) < 0 ||
	    check_header(&r, names, lens, n) < 0)
		goto fail;
	snprintf(where, sizeof where, "%s:1", r.name);
	if (dl_table_plan_make(&plan, (const char *const *)names, lens, n, o, where, usage, e) < 0)
		goto fail;
	t = dl_calloc(1, sizeof *t);
	t->ncol = plan.ncol;
	w.t = t;
	w.plan = &plan;
	w.dnames = names;
	w.dlens = lens;
	w.absent = dl_mallocarray(plan.nabsent ? plan.nabsent : 1, sizeof *w.absent);
	for (size_t c = 0, a = 0; c < plan.ncol; c++)
		if (plan.absent[c])
			w.absent[a++] = c;
	if (read_rows(&r, &w, o) < 0)
		goto fail;
	if (t->nrow == 0) {
		dl_errf(e, "%s: no rows after the header", r.name);
		goto fail;
	}
	trim_arrays(t);
	t->names = plan.names;
	plan.names = NULL;
	goto done;
fail:
	dl_table_free(t);
	t = NULL;
done:
	dl_table_plan_free(&plan);
	dl_qid_track_free(&w.qt);
	dl_free(w.absent);
	for (size_t i = 0; i < n; i++)
		dl_free(names[i]);
	dl_free(names);
	dl_free(lens);
	dl_buf_free(&r.cell);
	dl_free(r.buf);
	return t;
}
