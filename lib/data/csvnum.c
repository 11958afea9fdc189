/*
 * csvnum.c — a numeric CSV table in one pass, straight into the float matrix.
 *
 * The input is read in large blocks (from 16 KiB, doubling to 4 MiB, so that a small input
 * costs little) into one buffer that ends in a NUL sentinel, so the number parser can run
 * over a cell without looking for its end first. A row is parsed from the start of the
 * buffer's unread part; when it runs into the end of the block before its last newline,
 * the unread part moves to the front, the buffer is refilled (grown when one
 * row does not fit) and the row is parsed again: rows are independent, so a second try just
 * overwrites what the first wrote. Quoting follows RFC 4180 ('"' around a field, "" for a
 * quote inside; delimiters and newlines inside are literal); a UTF-8 byte-order mark at the
 * start is dropped; lines end in LF or CRLF; an empty line is skipped when the header has
 * more than one column (as record/csv.h reads it). Cells of feature columns go through
 * dl_data_fast_float, falling back to dl_data_parse_cell (strtof) for everything else.
 * The arrays grow by doubling and are trimmed at the end, so memory is the matrix and one
 * block. Large quote-free blocks are parsed by several threads (see "parallel parsing").
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/threads.h"
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
	size_t par_skip;        /* no parallel parse while len <= this (a quote, an error) */
};

/* Moves the unread bytes to the front and reads more. Returns 0 or -1. */
static int fill(struct csvr *r)
{
	size_t keep = r->len - r->pos;
	r->par_skip = 0;
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
			const char *q = dl_data_fast_float(p, end, &v);
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
	int ok = (!t->label || dl_table_label_ok(o, t->label[i])) &&
		 (!t->weight || (t->weight[i] >= 0 && isfinite(t->weight[i])));
	if (!ok || (t->qid && (i == 0 || t->qid[i] != t->qid[i - 1]))) {
		char where[600];   /* the message's place is made only when it may be needed */
		snprintf(where, sizeof where, "%s:%llu", r->name, (unsigned long long)line);
		if (t->label && dl_table_check_label(o, t->label[i], where, r->e) < 0)
			return -1;
		if (t->weight && dl_table_check_weight(t->weight[i], where, r->e) < 0)
			return -1;
		if (t->qid && dl_qid_track_add(&w->qt, t->qid[i], where, r->e) < 0)
			return -1;
	}
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

/* ---- parallel parsing of a block's complete lines
 *
 * A buffer of at least PAR_MIN unread bytes without a quote is cut at newlines into one
 * part per thread; each part is parsed (relative line numbers) into a small table of its
 * own, and the parts are appended in order. Nothing depends on the thread count. A part
 * that fails is parsed again by the serial loop from its start, with its true line number,
 * so that the message and the rows before it are exactly the serial ones. Query ids must
 * be checked in order, so a table with a group column is read serially.
 */
#define PAR_MIN ((size_t)1 << 20)

struct part {
	struct csvr r;
	struct rows w;
	dl_err e;
	size_t start, end;
	int rc;
};

struct par {
	dl_pool *pool;
	int n;
	struct part *p;
	const dl_table_options *o;
};

static int table_threads;       /* 0 = the online CPUs */

void dl_table_set_threads(int threads)
{
	table_threads = threads;
}

static int finish_row(struct csvr *r, struct rows *w, const dl_table_options *o, uint64_t line);

static void parse_parts(void *ctx, size_t begin, size_t end, int tid)
{
	struct par *par = ctx;
	(void)tid;
	for (size_t i = begin; i < end; i++) {
		struct part *p = &par->p[i];
		p->r.pos = p->start;
		p->r.len = p->end;
		p->r.eof = 1;
		p->r.line = 0;
		p->w.t->nrow = 0;
		p->rc = 0;
		for (;;) {
			uint64_t line = p->r.line;
			int k = parse_row(&p->r, &p->w);
			if (k == 0)
				break;
			if (k < 0 || k == F_MORE ||
			    (k == ROW_ADDED && finish_row(&p->r, &p->w, par->o, line) < 0)) {
				p->rc = -1;
				break;
			}
		}
	}
}

static void append_rows(struct rows *w, const dl_table *pt)
{
	dl_table *t = w->t;
	if (pt->nrow == 0)
		return;
	while (w->cap < t->nrow + pt->nrow)
		rows_grow(w);
	memcpy(t->x + t->nrow * t->ncol, pt->x, pt->nrow * t->ncol * sizeof *t->x);
	if (t->label)
		memcpy(t->label + t->nrow, pt->label, pt->nrow * sizeof *t->label);
	if (t->weight)
		memcpy(t->weight + t->nrow, pt->weight, pt->nrow * sizeof *t->weight);
	t->nrow += pt->nrow;
}

/* Parses the complete lines of the buffer in parallel when it is worth it. */
static void try_parallel(struct csvr *r, struct rows *w, struct par *par)
{
	size_t avail = r->len - r->pos, cut = r->pos;
	const char *b = r->buf + r->pos;
	if (!par || avail < PAR_MIN || r->len <= r->par_skip)
		return;
	const char *last = memrchr(b, '\n', avail);
	if (memchr(b, '"', avail) || !last) {
		r->par_skip = r->len;
		return;
	}
	size_t stop = r->eof ? r->len : (size_t)(last + 1 - r->buf);
	for (int i = 0; i < par->n; i++) {
		struct part *p = &par->p[i];
		size_t target = r->pos + (stop - r->pos) / (size_t)par->n * (size_t)(i + 1), e = stop;
		if (i + 1 < par->n && target > cut) {
			const char *nl = memchr(r->buf + target, '\n', stop - target);
			e = nl ? (size_t)(nl + 1 - r->buf) : stop;
		} else if (i + 1 < par->n) {
			e = cut;
		}
		p->start = cut;
		p->end = e;
		p->r.buf = r->buf;
		cut = e;
	}
	dl_pool_for(par->pool, (size_t)par->n, 1, parse_parts, par);
	for (int i = 0; i < par->n; i++) {
		struct part *p = &par->p[i];
		if (p->rc < 0) {        /* the serial loop takes over from here */
			r->pos = p->start;
			r->par_skip = r->len;
			return;
		}
		append_rows(w, p->w.t);
		r->line += p->r.line;
		r->pos = p->end;
	}
}

static struct par *par_new(const struct csvr *r, const struct rows *w, const dl_table_options *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = table_threads > 0 ? table_threads : cpus > 0 ? (int)(cpus < 16 ? cpus : 16) : 1;
	if (n < 2 || w->plan->has_group)
		return NULL;
	struct par *par = dl_calloc(1, sizeof *par);
	par->n = n;
	par->o = o;
	par->pool = dl_pool_new(n);
	par->p = dl_calloc((size_t)n, sizeof *par->p);
	for (int i = 0; i < n; i++) {
		struct part *p = &par->p[i];
		p->r = *r;
		memset(&p->r.cell, 0, sizeof p->r.cell);
		p->r.e = &p->e;
		p->w = *w;
		p->w.cap = 0;
		p->w.t = dl_calloc(1, sizeof *p->w.t);
		p->w.t->ncol = w->t->ncol;
	}
	return par;
}

static void par_free(struct par *par)
{
	if (!par)
		return;
	for (int i = 0; i < par->n; i++) {
		dl_buf_free(&par->p[i].r.cell);
		dl_table_free(par->p[i].w.t);
	}
	dl_pool_free(par->pool);
	dl_free(par->p);
	dl_free(par);
}

static int read_rows(struct csvr *r, struct rows *w, const dl_table_options *o, struct par *par)
{
	for (;;) {
		try_parallel(r, w, par);
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
	struct par *par = NULL;
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
	par = par_new(&r, &w, o);
	if (read_rows(&r, &w, o, par) < 0)
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
	par_free(par);
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
