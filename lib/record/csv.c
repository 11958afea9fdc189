/*
 * csv.c — the CSV reader: an RFC 4180 tokenizer, and type inference in a first pass.
 * (The writer is csvwrite.c.)
 *
 * The reader pulls the input in chunks through a small source that can (a) copy every
 * chunk of the live input into a spool file as it goes, and (b) replay a spool file and
 * then carry on with the live input. A pipe is thus read once: the first pass spools what
 * it reads (all of it, or only up to the infer_rows-th row), the second pass replays the
 * spool and continues from the live stream where the first pass stopped. A regular file is
 * simply opened again.
 *
 * The tokenizer is a byte state machine over the chunks; runs of plain bytes are copied in
 * bulk. A row's cells go into one buffer (each also NUL-terminated), with their offsets
 * and whether they were quoted. Physical lines are counted as newlines go by, inside
 * quoted fields too, so messages name the line on which a row starts.
 */
#include "config.h"
#include "csv.h"
#include "core/alloc.h"
#include "core/tmp.h"
#include "record/numfmt.h"
#include "record/textpriv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK ((size_t)1 << 16)

struct cell {
	size_t off, len;
	int quoted;
};

struct column {
	char *name;
	size_t len;
	enum dl_feature_kind kind;
	int forced;
	int may_int, may_float, seen;   /* inference */
};

/* The bytes of one pass. */
struct src {
	dl_in *in;              /* the live input, after the replayed spool */
	int fd;                 /* spool being replayed, or -1 */
	int copy_fd;            /* spool being written, or -1 */
	uint8_t *fbuf;          /* read buffer for fd */
	const uint8_t *p, *end; /* the current chunk */
	int started;            /* the byte-order mark was looked for */
};

struct dl_csv_reader {
	char *name;
	char *path;             /* a regular file that can be read again, or NULL */
	dl_in *live;
	int own_live;
	int spool;              /* the temporary copy, or -1 */
	struct src s;
	char delim;
	uint64_t line;          /* the physical line being read (1-based) */
	uint64_t row_line;      /* where the last row read started */
	uint64_t ret_line;      /* where the last row returned started */
	uint64_t rows;          /* data rows read in this pass */
	uint64_t infer_rows;    /* the rows the types came from, when fewer than all */
	int limited;
	int state;              /* 0 reading, 1 at the end, -1 failed */
	dl_err err;             /* the failure, repeated by later calls */
	dl_buf cbuf;            /* the current row's cells, NUL-terminated */
	struct cell *cell;
	size_t ncell, cap_cell;
	struct column *col;
	size_t ncol;
	size_t *order;          /* column indices in output order */
};

static int rerr(dl_csv_reader *r, dl_err *e, const char *fmt, ...) DL_PRINTF(3, 4);
/* "NAME:LINE: what" for the row being read. */
static int rerr(dl_csv_reader *r, dl_err *e, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return dl_errf(e, "%s:%" PRIu64 ": %s", r->name, r->row_line, what);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Makes the next chunk current. Returns 1, 0 at the end of the input, -1 on error. */
static int src_fill(dl_csv_reader *r, dl_err *e)
{
	struct src *s = &r->s;

	for (;;) {
		if (s->fd >= 0) {
			ssize_t n = read(s->fd, s->fbuf, CHUNK);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return dl_errf(e, "%s: cannot read the temporary copy in %s: %s",
					       r->name, dl_tmp_dir(), strerror(errno));
			if (n == 0) {
				s->fd = -1;
				continue;
			}
			s->p = s->fbuf;
			s->end = s->fbuf + n;
			break;
		}
		if (!s->in)
			return 0;
		size_t avail;
		const uint8_t *p = dl_in_peek(s->in, CHUNK, &avail, e);
		if (!p)
			return -1;
		if (!avail)
			return 0;
		dl_in_skip(s->in, avail);
		if (s->copy_fd >= 0 && write_all(s->copy_fd, p, avail) < 0)
			return dl_errf(e, "%s: cannot write a temporary copy in %s: %s", r->name,
				       dl_tmp_dir(), strerror(errno));
		s->p = p;
		s->end = p + avail;
		break;
	}
	if (!s->started) {
		s->started = 1;
		if (s->end - s->p >= 3 && !memcmp(s->p, "\xEF\xBB\xBF", 3))
			s->p += 3;
	}
	return 1;
}

static void end_field(dl_csv_reader *r, size_t *start, int *quoted)
{
	DL_GROW(r->cell, r->cap_cell, r->ncell + 1);
	r->cell[r->ncell].off = *start;
	r->cell[r->ncell].len = r->cbuf.len - *start;
	r->cell[r->ncell].quoted = *quoted;
	r->ncell++;
	dl_buf_putc(&r->cbuf, '\0');
	*start = r->cbuf.len;
	*quoted = 0;
}

enum tok { FIELD, PLAIN, CR, QUOTED, CLOSED, CLOSED_CR };

static int after_quote_error(dl_csv_reader *r, dl_err *e, uint8_t c)
{
	const char *hint = "(a quote inside a quoted field is written \"\")";

	if (c >= 0x20 && c < 0x7f)
		return rerr(r, e, "unexpected '%c' after the closing quote of field %zu %s", c,
			    r->ncell + 1, hint);
	return rerr(r, e, "unexpected byte 0x%02x after the closing quote of field %zu %s", c,
		    r->ncell + 1, hint);
}

/* Reads one physical row (RFC 4180 section 2) into the cells. Returns 1, 0 at the end of
 * the input, -1 on error. */
static int read_row(dl_csv_reader *r, dl_err *e)
{
	struct src *s = &r->s;
	enum tok st = FIELD;
	const char delim = r->delim;
	uint64_t qline = 0;
	size_t start = 0;
	int quoted = 0, any = 0, rc;

	dl_buf_clear(&r->cbuf);
	r->ncell = 0;
	r->row_line = r->line;
	for (;;) {
		if (s->p == s->end) {
			if ((rc = src_fill(r, e)) < 0)
				return -1;
			if (rc == 0)
				break;
			if (s->p == s->end)
				continue;   /* a chunk that held only the byte-order mark */
		}
		const uint8_t *p = s->p, *end = s->end, *q;
		any = 1;
		while (p < end) {
			uint8_t c = *p;
			switch (st) {
			case FIELD:
				if (c == '"') {
					quoted = 1;
					qline = r->line;
					st = QUOTED;
					p++;
					continue;
				}
				st = PLAIN;
				/* fall through */
			case PLAIN:
				for (q = p; q < end && *q != delim && *q != '\n' && *q != '\r'; q++)
					;
				dl_buf_append(&r->cbuf, p, (size_t)(q - p));
				p = q;
				if (p == end)
					continue;
				c = *p++;
				if (c == '\r') {
					st = CR;
					continue;
				}
				end_field(r, &start, &quoted);
				if (c == '\n')
					goto row_done;
				st = FIELD;
				continue;
			case CR:
				if (c == '\n') {
					p++;
					end_field(r, &start, &quoted);
					goto row_done;
				}
				dl_buf_putc(&r->cbuf, '\r');   /* a lone CR is data */
				st = PLAIN;
				continue;
			case QUOTED:
				for (q = p; q < end && *q != '"'; q++)
					if (*q == '\n')
						r->line++;
				dl_buf_append(&r->cbuf, p, (size_t)(q - p));
				p = q;
				if (p < end) {
					p++;
					st = CLOSED;
				}
				continue;
			case CLOSED:
				p++;
				if (c == '"') {
					dl_buf_putc(&r->cbuf, '"');
					st = QUOTED;
				} else if (c == delim) {
					end_field(r, &start, &quoted);
					st = FIELD;
				} else if (c == '\n') {
					end_field(r, &start, &quoted);
					goto row_done;
				} else if (c == '\r') {
					st = CLOSED_CR;
				} else {
					s->p = p;
					return after_quote_error(r, e, c);
				}
				continue;
			case CLOSED_CR:
				if (c != '\n') {
					s->p = p;
					return rerr(r, e, "a CR without LF after the closing quote of "
						    "field %zu", r->ncell + 1);
				}
				p++;
				end_field(r, &start, &quoted);
				goto row_done;
			}
		}
		s->p = p;
		continue;
row_done:
		s->p = p;
		r->line++;
		return 1;
	}
	/* The end of the input. */
	if (st == QUOTED) {
		r->row_line = qline;
		return rerr(r, e, "quoted field is not closed at the end of the input");
	}
	if (!any)
		return 0;
	end_field(r, &start, &quoted);   /* a last line without newline; a CR before EOF ends it */
	return 1;
}

/* The next row with the header's number of fields, skipping empty lines. */
static int data_row(dl_csv_reader *r, dl_err *e)
{
	for (;;) {
		int rc = read_row(r, e);
		if (rc <= 0)
			return rc;
		if (r->ncell == 1 && r->cell[0].len == 0 && !r->cell[0].quoted && r->ncol > 1)
			continue;
		if (r->ncell != r->ncol)
			return rerr(r, e, "row has %zu field%s, the header has %zu", r->ncell,
				    r->ncell == 1 ? "" : "s", r->ncol);
		r->rows++;
		return 1;
	}
}

static const char *cell_text(const dl_csv_reader *r, size_t i)
{
	return (const char *)r->cbuf.data + r->cell[i].off;
}

/* [+-]?(digits[.digits]|.digits)([eE][+-]?digits)? or [+-]?(nan|inf|infinity). */
static int is_float(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	size_t digits = 0;

	if (p < end && (*p == '+' || *p == '-'))
		p++;
	n = (size_t)(end - p);
	if ((n == 3 && (!strncasecmp(p, "nan", 3) || !strncasecmp(p, "inf", 3))) ||
	    (n == 8 && !strncasecmp(p, "infinity", 8)))
		return 1;
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		digits++;
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits)
		return 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || *p < '0' || *p > '9')
			return 0;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p == end;
}

/* Header cells -> columns; names must be non-empty and distinct. */
static int set_columns(dl_csv_reader *r, dl_err *e)
{
	struct name_index x;
	char **names;
	size_t *lens, at;
	char b[SHOW_MAX + 4];
	int rc = 0;

	r->ncol = r->ncell;
	r->col = dl_calloc(r->ncol, sizeof *r->col);
	names = dl_mallocarray(r->ncol, sizeof *names);
	lens = dl_mallocarray(r->ncol, sizeof *lens);
	name_index_init(&x, r->ncol);
	for (size_t i = 0; i < r->ncol; i++) {
		struct column *c = &r->col[i];
		c->len = r->cell[i].len;
		c->name = dup_bytes(cell_text(r, i), c->len);
		c->may_int = c->may_float = 1;
		names[i] = c->name;
		lens[i] = c->len;
		if (!c->len) {
			rc = rerr(r, e, "column %zu of the header has no name", i + 1);
			break;
		}
		size_t j = name_index_find(&x, names, lens, c->name, c->len, &at);
		if (j != SIZE_MAX) {
			rc = rerr(r, e, "the header names column '%s' twice (columns %zu and %zu)",
				  show_bytes(b, c->name, c->len), j + 1, i + 1);
			break;
		}
		x.slot[at] = (uint32_t)(i + 1);
	}
	name_index_free(&x);
	dl_free(names);
	dl_free(lens);
	return rc;
}

static size_t find_column(const dl_csv_reader *r, const char *name, size_t len)
{
	for (size_t i = 0; i < r->ncol; i++)
		if (r->col[i].len == len && !memcmp(r->col[i].name, name, len))
			return i;
	return SIZE_MAX;
}

/* --label and --type; errors here are the caller's (usage) errors. */
static int apply_options(dl_csv_reader *r, const dl_csv_options *opt, dl_err *e)
{
	char b[SHOW_MAX + 4];
	size_t label = SIZE_MAX, k = 0;

	for (size_t i = 0; i < opt->ntypes; i++) {
		const char *t = opt->types[i], *eq = strrchr(t, '=');
		enum dl_feature_kind kind;
		size_t c;

		if (!eq || eq == t)
			return dl_errf(e, "--type '%s': expected NAME=TYPE (TYPE int64, float or bytes)", t);
		if (!strcmp(eq + 1, "int64"))
			kind = DL_FEATURE_INT64;
		else if (!strcmp(eq + 1, "float"))
			kind = DL_FEATURE_FLOAT;
		else if (!strcmp(eq + 1, "bytes"))
			kind = DL_FEATURE_BYTES;
		else
			return dl_errf(e, "--type '%s': the type must be int64, float or bytes", t);
		c = find_column(r, t, (size_t)(eq - t));
		if (c == SIZE_MAX)
			return dl_errf(e, "%s: the header has no column '%s' (named by --type)", r->name,
				       show_bytes(b, t, (size_t)(eq - t)));
		r->col[c].kind = kind;
		r->col[c].forced = 1;
	}
	if (opt->label) {
		label = find_column(r, opt->label, strlen(opt->label));
		if (label == SIZE_MAX)
			return dl_errf(e, "%s: the header has no column '%s' (named by --label)", r->name,
				       show_bytes(b, opt->label, strlen(opt->label)));
	}
	r->order = dl_mallocarray(r->ncol ? r->ncol : 1, sizeof *r->order);
	if (label != SIZE_MAX)
		r->order[k++] = label;
	for (size_t i = 0; i < r->ncol; i++)
		if (i != label)
			r->order[k++] = i;
	return 0;
}

static void infer_cell(struct column *c, const char *s, size_t n, size_t *open)
{
	int64_t v;

	if (!n)
		return;
	c->seen = 1;
	if (c->may_int) {
		if (dl_parse_int64(s, n, &v) == 0)
			return;
		c->may_int = 0;
	}
	if (c->may_float && !is_float(s, n)) {
		c->may_float = 0;
		(*open)--;
	}
}

/* The first pass: the types from all rows, or from the first infer_rows. */
static int infer(dl_csv_reader *r, uint64_t infer_rows, dl_err *e)
{
	size_t open = 0;
	int rc = 1;

	for (size_t i = 0; i < r->ncol; i++)
		open += !r->col[i].forced;
	while (open && (!infer_rows || r->rows < infer_rows)) {
		if ((rc = data_row(r, e)) <= 0)
			break;
		for (size_t i = 0; i < r->ncol; i++)
			if (!r->col[i].forced && r->col[i].may_float)
				infer_cell(&r->col[i], cell_text(r, i), r->cell[i].len, &open);
	}
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < r->ncol; i++) {
		struct column *c = &r->col[i];
		if (!c->forced)
			c->kind = c->seen && c->may_int ? DL_FEATURE_INT64 :
				  c->may_float ? DL_FEATURE_FLOAT : DL_FEATURE_BYTES;
	}
	r->limited = infer_rows && r->rows >= infer_rows;
	r->infer_rows = infer_rows;
	return 0;
}

/* Starts the second pass at the top of the input, after the header. */
static int rewind_input(dl_csv_reader *r, dl_err *e)
{
	struct src *s = &r->s;

	if (r->path) {
		dl_in_close(r->live);
		r->live = dl_in_open(r->path, 0, e);
		if (!r->live)
			return -1;
		s->in = r->live;
		s->fd = -1;
	} else {
		if (lseek(r->spool, 0, SEEK_SET) != 0)
			return dl_errf(e, "%s: cannot rewind the temporary copy: %s", r->name,
				       strerror(errno));
		s->fd = r->spool;
		s->copy_fd = -1;
		if (!s->fbuf)
			s->fbuf = dl_malloc(CHUNK);
	}
	s->p = s->end = NULL;
	s->started = 0;
	r->line = 1;
	r->rows = 0;
	if (read_row(r, e) <= 0)
		return dl_errf(e, "%s: the header is gone on the second reading (did the file "
			       "change?)", r->name);
	return 0;
}

/* Marks a failed open as a usage error or not: a tag after the message's NUL. */
static const char usage_tag[] = "\001usage";

static void mark(dl_err *e, int usage)
{
	size_t n;

	if (!e)
		return;
	n = strnlen(e->msg, sizeof e->msg - 1);
	if (n + sizeof usage_tag + 1 > sizeof e->msg)
		n = sizeof e->msg - sizeof usage_tag - 1;
	e->msg[n] = '\0';
	if (usage)
		memcpy(e->msg + n + 1, usage_tag, sizeof usage_tag);
	else
		e->msg[n + 1] = '\0';
}

int dl_csv_usage_error(const dl_err *e)
{
	size_t n = strnlen(e->msg, sizeof e->msg - 1);

	return n + 1 + sizeof usage_tag <= sizeof e->msg &&
	       !memcmp(e->msg + n + 1, usage_tag, sizeof usage_tag);
}

static dl_csv_reader *open_fail(dl_csv_reader *r, dl_err *e, int usage)
{
	dl_csv_close(r);
	mark(e, usage);
	return NULL;
}

static dl_csv_reader *open_common(dl_csv_reader *r, const dl_csv_options *opt, dl_err *e)
{
	int rc, infer_needed = 0;

	r->delim = opt->delimiter ? opt->delimiter : ',';
	if (r->delim == '"' || r->delim == '\n' || r->delim == '\r') {
		dl_errf(e, "the delimiter must be one byte other than '\"', CR and LF");
		return open_fail(r, e, 1);
	}
	r->line = 1;
	r->s.in = r->live;
	r->s.fd = -1;
	r->s.copy_fd = r->spool;
	rc = read_row(r, e);
	if (rc < 0)
		return open_fail(r, e, 0);
	if (rc == 0) {
		dl_errf(e, "%s: the input is empty (CSV needs a header row)", r->name);
		return open_fail(r, e, 0);
	}
	if (set_columns(r, e) < 0)
		return open_fail(r, e, 0);
	if (apply_options(r, opt, e) < 0)
		return open_fail(r, e, 1);
	for (size_t i = 0; i < r->ncol; i++)
		infer_needed |= !r->col[i].forced;
	if (!infer_needed) {
		/* One pass: carry on from here, nothing to copy. */
		if (r->spool >= 0)
			close(r->spool);
		r->spool = r->s.copy_fd = -1;
		return r;
	}
	if (infer(r, opt->infer_rows, e) < 0 || rewind_input(r, e) < 0)
		return open_fail(r, e, 0);
	return r;
}

static dl_csv_reader *reader_new(const char *name)
{
	dl_csv_reader *r = dl_calloc(1, sizeof *r);

	r->name = dl_strdup(name);
	r->spool = -1;
	r->s.fd = r->s.copy_fd = -1;
	return r;
}

static int make_spool(dl_csv_reader *r, dl_err *e)
{
	dl_err te;

	if ((r->spool = dl_tmp_fd(&te)) >= 0)
		return 0;
	return dl_errf(e, "%s: %s", r->name, te.msg);
}

dl_csv_reader *dl_csv_open(const char *path, const dl_csv_options *opt, dl_err *e)
{
	int is_stdin = !path || !strcmp(path, "-");
	struct stat st;
	dl_in *in = dl_in_open(is_stdin ? NULL : path, 0, e);
	dl_csv_reader *r;

	if (!in) {
		mark(e, 0);
		return NULL;
	}
	r = reader_new(dl_in_name(in));
	r->live = in;
	r->own_live = 1;
	if (!is_stdin && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		r->path = dl_strdup(path);
	} else if (make_spool(r, e) < 0) {
		return open_fail(r, e, 0);
	}
	return open_common(r, opt, e);
}

dl_csv_reader *dl_csv_open_in(dl_in *in, const dl_csv_options *opt, dl_err *e)
{
	dl_csv_reader *r = reader_new(dl_in_name(in));

	r->live = in;
	if (make_spool(r, e) < 0)
		return open_fail(r, e, 0);
	return open_common(r, opt, e);
}

void dl_csv_close(dl_csv_reader *r)
{
	if (!r)
		return;
	if (r->own_live)
		dl_in_close(r->live);
	if (r->spool >= 0)
		close(r->spool);
	for (size_t i = 0; i < r->ncol; i++)
		dl_free(r->col[i].name);
	dl_free(r->col);
	dl_free(r->order);
	dl_free(r->cell);
	dl_free(r->s.fbuf);
	dl_buf_free(&r->cbuf);
	dl_free(r->name);
	dl_free(r->path);
	dl_free(r);
}

static int type_error(dl_csv_reader *r, const struct column *c, const char *s, size_t n,
		      dl_err *e)
{
	char a[SHOW_MAX + 4], b[SHOW_MAX + 4], why[96] = "";

	if (!c->forced && r->limited && r->rows > r->infer_rows && r->infer_rows == 1)
		snprintf(why, sizeof why, " (the type inferred from the first row)");
	else if (!c->forced && r->limited && r->rows > r->infer_rows)
		snprintf(why, sizeof why, " (the type inferred from the first %" PRIu64 " rows)",
			 r->infer_rows);
	return rerr(r, e, "column '%s': '%s' is not %s%s", show_bytes(a, c->name, c->len), show_bytes(b, s, n),
		    c->kind == DL_FEATURE_INT64 ? "an int64" : "a float", why);
}

/* The current row as an Example. */
static int convert(dl_csv_reader *r, dl_example *ex, dl_err *e)
{
	dl_example_clear(ex);
	for (size_t k = 0; k < r->ncol; k++) {
		size_t i = r->order[k];
		const struct column *c = &r->col[i];
		const struct cell *cl = &r->cell[i];
		const char *s = cell_text(r, i);
		int64_t v;

		if (!cl->len) {
			if (c->kind == DL_FEATURE_BYTES && cl->quoted) {
				dl_example_add(ex, c->name, c->len, DL_FEATURE_BYTES);
				dl_example_add_bytes(ex, "", 0);
			}
			continue;
		}
		switch (c->kind) {
		case DL_FEATURE_INT64:
			if (dl_parse_int64(s, cl->len, &v) != 0)
				return type_error(r, c, s, cl->len, e);
			dl_example_add(ex, c->name, c->len, DL_FEATURE_INT64);
			dl_example_add_int64(ex, v);
			break;
		case DL_FEATURE_FLOAT:
			if (!is_float(s, cl->len))
				return type_error(r, c, s, cl->len, e);
			dl_example_add(ex, c->name, c->len, DL_FEATURE_FLOAT);
			dl_example_add_float(ex, dl_strtof(s, cl->len));
			break;
		default:
			dl_example_add(ex, c->name, c->len, DL_FEATURE_BYTES);
			dl_example_add_bytes(ex, s, cl->len);
		}
	}
	return 0;
}

int dl_csv_next(dl_csv_reader *r, dl_example *ex, dl_err *e)
{
	int rc;

	if (r->state > 0)
		return 0;
	if (r->state < 0) {
		if (e)
			*e = r->err;
		return -1;
	}
	rc = data_row(r, &r->err);
	if (rc > 0 && convert(r, ex, &r->err) == 0) {
		r->ret_line = r->row_line;
		return 1;
	}
	if (rc == 0) {
		r->state = 1;
		return 0;
	}
	r->state = -1;
	if (e)
		*e = r->err;
	return -1;
}

size_t dl_csv_ncolumns(const dl_csv_reader *r) { return r->ncol; }
const char *dl_csv_column_name(const dl_csv_reader *r, size_t i) { return r->col[i].name; }
size_t dl_csv_column_name_len(const dl_csv_reader *r, size_t i) { return r->col[i].len; }
enum dl_feature_kind dl_csv_column_kind(const dl_csv_reader *r, size_t i) { return r->col[i].kind; }
const char *dl_csv_name(const dl_csv_reader *r) { return r->name; }
uint64_t dl_csv_line(const dl_csv_reader *r) { return r->ret_line; }
