/*
 * csvwrite.c — the CSV writer (see csv.h): a header, then one row per Example.
 *
 * Each row is built in a buffer and written whole, so a row that fails (a feature that
 * is not a column, a list of several values) leaves nothing behind. Features find their
 * column through a hash of the column names; a name listed twice maps to its first
 * column, and every column reads the cell of the first column of its name.
 */
#include "config.h"
#include "csv.h"
#include "core/alloc.h"
#include "record/numfmt.h"
#include "record/textpriv.h"

#include <string.h>

struct dl_csv_writer {
	dl_out *out;
	char delim;
	size_t ncol;
	char **name;
	size_t *len;
	size_t *first;          /* the first column of the same name */
	struct name_index index;
	size_t *feat;           /* the current row: feature index + 1 per column, 0 = empty */
	dl_buf row;
};

/* Appends one cell, quoted when RFC 4180 needs it or spaces at the ends would be lost;
 * first says it opens the file, where a leading byte-order mark would be dropped. */
static void put_cell(dl_buf *b, const char *p, size_t n, char delim, int first)
{
	int quote = n == 0 || p[0] == ' ' || p[n - 1] == ' ' ||
		    (first && n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3));

	for (size_t i = 0; i < n && !quote; i++)
		quote = p[i] == delim || p[i] == '"' || p[i] == '\n' || p[i] == '\r';
	if (!quote) {
		dl_buf_append(b, p, n);
		return;
	}
	dl_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			dl_buf_putc(b, '"');
		dl_buf_putc(b, p[i]);
	}
	dl_buf_putc(b, '"');
}

static dl_csv_writer *writer_make(dl_out *out, char **names, size_t *lens, size_t n, char delim)
{
	dl_csv_writer *w = dl_calloc(1, sizeof *w);
	size_t at;

	w->out = out;
	w->delim = delim ? delim : ',';
	w->ncol = n;
	w->name = names;
	w->len = lens;
	w->first = dl_mallocarray(n ? n : 1, sizeof *w->first);
	w->feat = dl_calloc(n ? n : 1, sizeof *w->feat);
	name_index_init(&w->index, n);
	for (size_t i = 0; i < n; i++) {
		size_t j = name_index_find(&w->index, names, lens, names[i], lens[i], &at);
		w->first[i] = j == SIZE_MAX ? i : j;
		if (j == SIZE_MAX)
			w->index.slot[at] = (uint32_t)(i + 1);
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			dl_buf_putc(&w->row, w->delim);
		put_cell(&w->row, names[i], lens[i], w->delim, i == 0);
	}
	dl_buf_putc(&w->row, '\n');
	dl_out_write(out, w->row.data, w->row.len);
	dl_buf_clear(&w->row);
	return w;
}

dl_csv_writer *dl_csv_writer_new_names(dl_out *out, const char *const *names, size_t n,
				       char delimiter)
{
	char **nm = dl_mallocarray(n ? n : 1, sizeof *nm);
	size_t *len = dl_mallocarray(n ? n : 1, sizeof *len);

	for (size_t i = 0; i < n; i++) {
		len[i] = strlen(names[i]);
		nm[i] = dup_bytes(names[i], len[i]);
	}
	return writer_make(out, nm, len, n, delimiter);
}

dl_csv_writer *dl_csv_writer_new(dl_out *out, const char *columns, char delimiter)
{
	size_t n = 1, k = 0;
	char **nm;
	size_t *len;

	for (const char *p = columns; *p; p++)
		n += *p == ',';
	nm = dl_mallocarray(n, sizeof *nm);
	len = dl_mallocarray(n, sizeof *len);
	for (const char *p = columns;; ) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		nm[k] = dup_bytes(p, l);
		len[k++] = l;
		if (!c)
			break;
		p = c + 1;
	}
	return writer_make(out, nm, len, n, delimiter);
}

dl_csv_writer *dl_csv_writer_from_example(dl_out *out, const dl_example *ex, char delimiter)
{
	size_t n = ex->nfeat;
	char **nm = dl_mallocarray(n ? n : 1, sizeof *nm);
	size_t *len = dl_mallocarray(n ? n : 1, sizeof *len);

	for (size_t i = 0; i < n; i++) {
		const dl_feature *f = &ex->feat[i];
		len[i] = f->name_len;
		nm[i] = dup_bytes(dl_feature_name(ex, f), f->name_len);
	}
	return writer_make(out, nm, len, n, delimiter);
}

static void put_value(dl_csv_writer *w, const dl_example *ex, const dl_feature *f)
{
	char t[DL_FLOAT_BUFSIZE];
	size_t n;
	const uint8_t *p;

	switch (f->kind) {
	case DL_FEATURE_INT64:
		n = dl_format_int64(t, dl_feature_ints(ex, f)[0]);
		put_cell(&w->row, t, n, w->delim, 0);
		break;
	case DL_FEATURE_FLOAT:
		n = dl_format_float(t, dl_feature_floats(ex, f)[0]);
		put_cell(&w->row, t, n, w->delim, 0);
		break;
	case DL_FEATURE_BYTES:
		p = dl_feature_bytes(ex, f, 0, &n);
		put_cell(&w->row, (const char *)p, n, w->delim, 0);
		break;
	default:
		break;
	}
}

int dl_csv_write(dl_csv_writer *w, const dl_example *ex, dl_err *e)
{
	char b[SHOW_MAX + 4];
	size_t at;

	memset(w->feat, 0, w->ncol * sizeof *w->feat);
	for (size_t i = 0; i < ex->nfeat; i++) {
		const dl_feature *f = &ex->feat[i];
		const char *name = dl_feature_name(ex, f);
		size_t j = name_index_find(&w->index, w->name, w->len, name, f->name_len, &at);

		if (j == SIZE_MAX)
			return dl_errf(e, "feature '%s' is not a column (name the columns with "
				       "--columns)", show_bytes(b, name, f->name_len));
		if (f->kind != DL_FEATURE_NONE && f->count > 1)
			return dl_errf(e, "feature '%s' has %zu values (a CSV cell holds one)",
				       show_bytes(b, name, f->name_len), f->count);
		w->feat[j] = i + 1;
	}
	dl_buf_clear(&w->row);
	for (size_t j = 0; j < w->ncol; j++) {
		size_t fi = w->feat[w->first[j]];
		if (j)
			dl_buf_putc(&w->row, w->delim);
		if (fi && ex->feat[fi - 1].count == 1)
			put_value(w, ex, &ex->feat[fi - 1]);
	}
	dl_buf_putc(&w->row, '\n');
	dl_out_write(w->out, w->row.data, w->row.len);
	return 0;
}

void dl_csv_writer_free(dl_csv_writer *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->ncol; i++)
		dl_free(w->name[i]);
	dl_free(w->name);
	dl_free(w->len);
	dl_free(w->first);
	dl_free(w->feat);
	name_index_free(&w->index);
	dl_buf_free(&w->row);
	dl_free(w);
}
