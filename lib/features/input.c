/*
 * input.c — the row readers of input.h.
 *
 * CSV: each physical line comes from dl_in_getline, in place in the input's buffer. A line
 * without '"' is split by memchr on the delimiter (the common case, and the fast one); a
 * line with quotes is split by a small state machine that unquotes cells in place, and when
 * a quoted cell is still open at the end of the line the next lines are appended to a
 * buffer of our own until it closes. Cells of columns the spec does not read are passed
 * over, not copied.
 */
#include "features/input.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/io.h"
#include "features/vocab.h"
#include "record/jsonl.h"
#include "record/tfrecord.h"

struct cell {
	const char *p;
	size_t n;
	int present;
};

struct dl_frows {
	enum dl_frows_format format;
	dl_in *in;
	char *name;
	char delim;
	size_t nkeys;
	dl_vocab keyindex;        /* key name -> key */
	int dead;
	char where[600];
	/* CSV */
	size_t ncol;
	int32_t *colkey;          /* header column -> key, or -1 */
	struct cell *cell;        /* per key */
	dl_buf acc;               /* a row that spans lines */
	uint64_t row_line;
	uint64_t line_off;        /* added to line numbers in messages */
	/* JSON lines and records */
	dl_tfrecord_reader *tfr;
	dl_example ex;
	uint64_t record;
	const dl_feature **feat;  /* per key, NULL when absent */
};

int dl_frows_format_parse(const char *s)
{
	static const char *const names[] = { "auto", "csv", "jsonl", "records" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static int ferr(dl_frows *r, dl_err *e, int ret, const char *fmt, ...) DL_PRINTF(4, 5);

static int ferr(dl_frows *r, dl_err *e, int ret, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	dl_errf(e, "%s: %s", dl_frows_where(r), msg);
	if (ret == -1)
		r->dead = 1;
	return ret;
}

/* ---- CSV splitting */

/* Splits line[0..n) (writable) into cells, calling take(i, p, len, quoted) for each; returns
 * the number of cells, or -1 when a quote is open at the end (*open set), -2 for text after
 * a closing quote (*bad set to its offset). */
struct split {
	dl_frows *r;
	size_t count;
};

static void take(struct split *sp, const char *p, size_t n, int quoted)
{
	dl_frows *r = sp->r;
	size_t i = sp->count++;

	if (r->colkey && i < r->ncol && r->colkey[i] >= 0) {
		struct cell *c = &r->cell[r->colkey[i]];
		c->p = p;
		c->n = n;
		c->present = n > 0 || quoted;
	}
}

static ptrdiff_t split_plain(struct split *sp, char *s, size_t n, char d)
{
	char *end = s + n, *q;

	for (;;) {
		q = memchr(s, d, (size_t)(end - s));
		if (!q) {
			take(sp, s, (size_t)(end - s), 0);
			return (ptrdiff_t)sp->count;
		}
		take(sp, s, (size_t)(q - s), 0);
		s = q + 1;
	}
}

static ptrdiff_t split_quoted(struct split *sp, char *s, size_t n, char d, size_t *bad)
{
	size_t i = 0;

	for (;;) {
		if (i < n && s[i] == '"') {
			size_t w = i, j = i + 1;
			for (;;) {
				if (j >= n)
					return -1;
				if (s[j] == '"') {
					if (j + 1 < n && s[j + 1] == '"') {
						s[w++] = '"';
						j += 2;
						continue;
					}
					break;
				}
				s[w++] = s[j++];
			}
			take(sp, s + i, w - i, 1);
			j++;
			if (j < n && s[j] != d) {
				*bad = j;
				return -2;
			}
			if (j >= n)
				return (ptrdiff_t)sp->count;
			i = j + 1;
			continue;
		}
		size_t j = i;
		while (j < n && s[j] != d) {
			if (s[j] == '"') {
				*bad = j;
				return -2;
			}
			j++;
		}
		take(sp, s + i, j - i, 0);
		if (j >= n)
			return (ptrdiff_t)sp->count;
		i = j + 1;
	}
}

static size_t count_quotes(const char *s, size_t n)
{
	size_t q = 0;
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '"', (size_t)(end - p)))) {
		q++;
		p++;
	}
	return q;
}

/* Reads one logical CSV row into r->cell. Returns the cell count, 0 at the end, or -1/-2. */
static ptrdiff_t csv_row(dl_frows *r, dl_err *e)
{
	char *line;
	ptrdiff_t n;
	struct split sp = { r, 0 };
	size_t bad = 0;

	for (;;) {
		n = dl_in_getline(r->in, &line, e);
		if (n < 0) {
			r->dead = 1;
			return -1;
		}
		if (!n && !line)
			return 0;
		r->row_line = dl_in_lineno(r->in);
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n || r->ncol == 1)
			break;
	}
	for (size_t k = 0; k < r->nkeys; k++)
		r->cell[k].present = 0;
	if (!memchr(line, '"', (size_t)n))
		return split_plain(&sp, line, (size_t)n, r->delim);
	/* An odd number of quotes leaves a quoted cell open (every cell and every "" inside
	 * adds two): the row goes on over the next lines; gather them first. */
	size_t quotes = count_quotes(line, (size_t)n);
	ptrdiff_t got;
	if (quotes % 2 == 0) {
		got = split_quoted(&sp, line, (size_t)n, r->delim, &bad);
		goto done;
	}
	dl_buf_clear(&r->acc);
	dl_buf_append(&r->acc, line, (size_t)n);
	while (quotes % 2) {
		n = dl_in_getline(r->in, &line, e);
		if (n < 0) {
			r->dead = 1;
			return -1;
		}
		if (!n && !line)
			return ferr(r, e, -1, "a quoted cell is still open at the end of the input");
		if (n && line[n - 1] == '\r')
			n--;
		dl_buf_putc(&r->acc, '\n');
		dl_buf_append(&r->acc, line, (size_t)n);
		quotes += count_quotes(line, (size_t)n);
	}
	got = split_quoted(&sp, (char *)r->acc.data, r->acc.len, r->delim, &bad);
done:
	if (got == -2)
		return ferr(r, e, -2, "a '\"' in the wrong place (byte %zu of the row)", bad + 1);
	return got;
}

/* ---- opening */

const char *dl_frows_where(dl_frows *r)
{
	if (r->format == DL_FROWS_RECORDS)
		snprintf(r->where, sizeof r->where, "%s: record %llu", r->name,
			 (unsigned long long)r->record);
	else
		snprintf(r->where, sizeof r->where, "%s:%llu", r->name,
			 (unsigned long long)(r->row_line + r->line_off));
	return r->where;
}

/* Header names are collected by a splitter of their own (every cell kept). */
struct names {
	char **name;
	size_t *len;
	size_t n;
};

static int read_header(dl_frows *r, dl_err *e)
{
	char *line;
	ptrdiff_t n = dl_in_getline(r->in, &line, e);
	size_t i, bad = 0;

	if (n < 0)
		return -1;
	r->row_line = 1;
	if (!n && !line)
		return dl_errf(e, "%s: empty input (a CSV needs a header)", r->name);
	if (n >= 3 && !memcmp(line, "\xef\xbb\xbf", 3))
		line += 3, n -= 3;
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	if (count_quotes(line, (size_t)n) % 2)
		return dl_errf(e, "%s:1: a quoted header name is not closed", r->name);
	/* Count the columns with a throw-away split, then map them. */
	r->ncol = SIZE_MAX;
	struct split sp = { r, 0 };
	char *copy = dl_malloc((size_t)n + 1);      /* names may hold NUL bytes */
	memcpy(copy, line, (size_t)n);
	copy[n] = '\0';
	ptrdiff_t nc = memchr(copy, '"', (size_t)n) ?
		       split_quoted(&sp, copy, (size_t)n, r->delim, &bad) :
		       split_plain(&sp, copy, (size_t)n, r->delim);
	dl_free(copy);
	if (nc < 0)
		return dl_errf(e, "%s:1: a '\"' in the wrong place in the header", r->name);
	r->ncol = (size_t)nc;
	r->colkey = dl_mallocarray(r->ncol, sizeof *r->colkey);
	/* Second split, recording every cell: a key per column for the moment. */
	struct cell *all = dl_calloc(r->ncol, sizeof *all);
	struct cell *keep = r->cell;
	size_t keepn = r->nkeys;
	for (i = 0; i < r->ncol; i++)
		r->colkey[i] = (int32_t)i;
	r->cell = all;
	r->nkeys = r->ncol;
	sp.count = 0;
	if (memchr(line, '"', (size_t)n))
		split_quoted(&sp, line, (size_t)n, r->delim, &bad);
	else
		split_plain(&sp, line, (size_t)n, r->delim);
	r->cell = keep;
	r->nkeys = keepn;
	dl_vocab seen;
	dl_vocab_init(&seen);
	int ret = 0;
	for (i = 0; i < r->ncol; i++) {
		int64_t k = dl_vocab_find(&r->keyindex, all[i].p, all[i].n);
		r->colkey[i] = (int32_t)k;
		if (dl_vocab_find(&seen, all[i].p, all[i].n) >= 0) {
			ret = dl_errf(e, "%s:1: column '%.*s' appears twice in the header", r->name,
				      (int)(all[i].n > 60 ? 60 : all[i].n), all[i].p);
			break;
		}
		dl_vocab_add(&seen, all[i].p, all[i].n);
	}
	for (size_t k = 0; !ret && k < r->nkeys; k++)
		if (dl_vocab_find(&seen, r->keyindex.str[k], r->keyindex.len[k]) < 0)
			ret = dl_errf(e, "%s: column '%s' is not in the header", r->name,
				      r->keyindex.str[k]);
	dl_vocab_free(&seen);
	dl_free(all);
	return ret;
}

static enum dl_frows_format sniff(dl_in *in, dl_err *e, int *err)
{
	size_t avail, i = 0;
	const uint8_t *p = dl_in_peek(in, 64, &avail, e);

	*err = 0;
	if (!p) {
		*err = 1;
		return DL_FROWS_CSV;
	}
	if (avail >= DL_TFRECORD_HEADER && dl_tfrecord_plain_check(p, avail))
		return DL_FROWS_RECORDS;
	if (!avail)
		return DL_FROWS_RECORDS;        /* empty: zero records, zero rows */
	if (avail >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < avail && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i < avail && p[i] == '{' ? DL_FROWS_JSONL : DL_FROWS_CSV;
}

static dl_frows *frows_new(const char *name, char delimiter, char *const *keys, size_t nkeys)
{
	dl_frows *r = dl_calloc(1, sizeof *r);

	r->name = dl_strdup(name && strcmp(name, "-") ? name : "(stdin)");
	r->delim = delimiter ? delimiter : ',';
	r->nkeys = nkeys;
	dl_vocab_init(&r->keyindex);
	for (size_t k = 0; k < nkeys; k++)
		dl_vocab_add(&r->keyindex, keys[k], strlen(keys[k]));
	r->cell = dl_calloc(nkeys ? nkeys : 1, sizeof *r->cell);
	r->feat = dl_calloc(nkeys ? nkeys : 1, sizeof *r->feat);
	dl_example_init(&r->ex);
	return r;
}

/* The format, the header: the part of opening that follows r->in. */
static dl_frows *frows_start(dl_frows *r, enum dl_frows_format format, dl_err *e)
{
	int err;

	dl_in_set_plain_check(r->in, dl_tfrecord_plain_check);
	if (format == DL_FROWS_AUTO) {
		format = sniff(r->in, e, &err);
		if (err)
			goto fail;
	}
	r->format = format;
	if (format == DL_FROWS_CSV && read_header(r, e))
		goto fail;
	if (format == DL_FROWS_RECORDS)
		r->tfr = dl_tfrecord_reader_new(r->in, 0);
	return r;
fail:
	dl_frows_close(r);
	return NULL;
}

dl_frows *dl_frows_open(const char *path, enum dl_frows_format format, char delimiter,
			char *const *keys, size_t nkeys, dl_err *e)
{
	dl_frows *r = frows_new(path, delimiter, keys, nkeys);

	r->in = dl_in_open(path, format == DL_FROWS_RECORDS ? DL_IN_ZLIB : 0, e);
	if (!r->in) {
		dl_frows_close(r);
		return NULL;
	}
	return frows_start(r, format, e);
}

dl_frows *dl_frows_open_mem(const void *data, size_t len, const char *name,
			    enum dl_frows_format format, char delimiter, char *const *keys,
			    size_t nkeys, dl_err *e)
{
	dl_frows *r = frows_new(name, delimiter, keys, nkeys);

	r->in = dl_in_open_mem(data, len, r->name, format == DL_FROWS_RECORDS ? DL_IN_ZLIB : 0);
	return frows_start(r, format, e);
}

void dl_frows_close(dl_frows *r)
{
	if (!r)
		return;
	dl_tfrecord_close(r->tfr);
	dl_in_close(r->in);
	dl_vocab_free(&r->keyindex);
	dl_free(r->colkey);
	dl_free(r->cell);
	dl_free(r->feat);
	dl_buf_free(&r->acc);
	dl_example_free(&r->ex);
	dl_free(r->name);
	dl_free(r);
}

/* ---- rows */

static void map_features(dl_frows *r)
{
	memset(r->feat, 0, r->nkeys * sizeof *r->feat);
	for (size_t i = 0; i < r->ex.nfeat; i++) {
		const dl_feature *f = &r->ex.feat[i];
		int64_t k = dl_vocab_find(&r->keyindex, dl_feature_name(&r->ex, f), f->name_len);
		if (k >= 0)
			r->feat[k] = f;
	}
}

static int jsonl_row(dl_frows *r, dl_err *e)
{
	char *line;
	ptrdiff_t n;
	dl_err pe;
	int got;

	do {
		n = dl_in_getline(r->in, &line, e);
		if (n < 0) {
			r->dead = 1;
			return -1;
		}
		if (!n && !line)
			return 0;
		r->row_line = dl_in_lineno(r->in);
		if (r->row_line == 1 && n >= 3 && !memcmp(line, "\xef\xbb\xbf", 3))
			line += 3, n -= 3;
		got = dl_jsonl_parse(&r->ex, line, (size_t)n, &pe);
	} while (got == 0);
	if (got < 0) {
		dl_example_clear(&r->ex);
		return ferr(r, e, -2, "%s", pe.msg);
	}
	map_features(r);
	return 1;
}

static int record_row(dl_frows *r, dl_err *e)
{
	const uint8_t *p;
	size_t n;
	dl_err pe;
	int got = dl_tfrecord_next(r->tfr, &p, &n, e);

	if (got <= 0) {
		if (got < 0)
			r->dead = 1;
		return got;
	}
	r->record = dl_tfrecord_index(r->tfr);
	if (dl_example_decode(&r->ex, p, n, &pe))
		return ferr(r, e, -2, "not a tf.Example: %s", pe.msg);
	map_features(r);
	return 1;
}

int dl_frows_next(dl_frows *r, dl_err *e)
{
	if (r->dead)
		return dl_errf(e, "%s: reading after an error", r->name);
	if (r->format == DL_FROWS_JSONL)
		return jsonl_row(r, e);
	if (r->format == DL_FROWS_RECORDS)
		return record_row(r, e);
	ptrdiff_t n = csv_row(r, e);
	if (n < 0)
		return (int)n;
	if (!n)
		return 0;
	if ((size_t)n != r->ncol)
		return ferr(r, e, -2, "row has %zd fields, the header has %zu", n, r->ncol);
	return 1;
}

size_t dl_frows_count(const dl_frows *r, size_t k)
{
	if (r->format == DL_FROWS_CSV)
		return r->cell[k].present;
	return r->feat[k] ? r->feat[k]->count : 0;
}

void dl_frows_value(const dl_frows *r, size_t k, size_t j, struct dl_fval *v)
{
	if (r->format == DL_FROWS_CSV) {
		v->kind = DL_FEATURE_BYTES;
		v->s = r->cell[k].p;
		v->n = r->cell[k].n;
		return;
	}
	const dl_feature *f = r->feat[k];
	v->kind = f->kind;
	if (f->kind == DL_FEATURE_BYTES)
		v->s = (const char *)dl_feature_bytes(&r->ex, f, j, &v->n);
	else if (f->kind == DL_FEATURE_FLOAT)
		v->f = dl_feature_floats(&r->ex, f)[j];
	else
		v->i = dl_feature_ints(&r->ex, f)[j];
}

void dl_frows_set_line_offset(dl_frows *r, uint64_t off)
{
	r->line_off = off;
}

enum dl_frows_format dl_frows_format(const dl_frows *r)
{
	return r->format;
}

uint64_t dl_frows_offset(const dl_frows *r)
{
	return dl_in_offset(r->in);
}
