/*
 * schema.c — per-feature statistics over a stream of Examples (see schema.h).
 *
 * Names are kept in an open-addressing hash table (linear probing, power-of-two size, at
 * most half full) over an array of entries in first-seen order.
 */
#include "schema.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "core/hash.h"
#include "core/utf8.h"
#include "record/jsonl.h"

struct column {
	char *name;
	size_t name_len;
	unsigned kinds;                 /* bit k set when kind k was seen */
	uint64_t records, values, nan;
	uint64_t min_len, max_len;
	int64_t imin, imax;
	float fmin, fmax;
	int have_float, have_int, have_bytes;
	uint64_t bmin, bmax;
};

struct dl_schema {
	uint64_t records;
	struct column *col;
	size_t ncol, cap;
	size_t *slot;                   /* index + 1 into col; 0 = empty */
	size_t nslot;
};

dl_schema *dl_schema_new(void)
{
	dl_schema *s = dl_calloc(1, sizeof *s);

	s->nslot = 64;
	s->slot = dl_calloc(s->nslot, sizeof *s->slot);
	return s;
}

void dl_schema_free(dl_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ncol; i++)
		dl_free(s->col[i].name);
	dl_free(s->col);
	dl_free(s->slot);
	dl_free(s);
}

static size_t *probe(size_t *slot, size_t nslot, const struct column *col, const char *name,
		     size_t len)
{
	size_t i = dl_hash_str(name, len) & (nslot - 1);

	while (slot[i]) {
		const struct column *c = &col[slot[i] - 1];

		if (c->name_len == len && memcmp(c->name, name, len) == 0)
			break;
		i = (i + 1) & (nslot - 1);
	}
	return &slot[i];
}

static void rehash(dl_schema *s)
{
	size_t n = s->nslot * 2, *slot = dl_calloc(n, sizeof *slot);

	for (size_t i = 0; i < s->ncol; i++)
		*probe(slot, n, s->col, s->col[i].name, s->col[i].name_len) = i + 1;
	dl_free(s->slot);
	s->slot = slot;
	s->nslot = n;
}

static struct column *lookup(dl_schema *s, const char *name, size_t len)
{
	size_t *p = probe(s->slot, s->nslot, s->col, name, len);
	struct column *c;

	if (*p)
		return &s->col[*p - 1];
	DL_GROW(s->col, s->cap, s->ncol + 1);
	c = &s->col[s->ncol];
	memset(c, 0, sizeof *c);
	c->name = dl_malloc(len + 1);          /* names may hold NUL bytes */
	memcpy(c->name, name, len);
	c->name[len] = 0;
	c->name_len = len;
	c->min_len = UINT64_MAX;
	*p = ++s->ncol;
	if (2 * s->ncol > s->nslot)
		rehash(s);
	return c;
}

static void add_floats(struct column *c, const float *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i])) {
			c->nan++;
			continue;
		}
		if (!c->have_float || v[i] < c->fmin)
			c->fmin = v[i];
		if (!c->have_float || v[i] > c->fmax)
			c->fmax = v[i];
		c->have_float = 1;
	}
}

static void add_ints(struct column *c, const int64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!c->have_int || v[i] < c->imin)
			c->imin = v[i];
		if (!c->have_int || v[i] > c->imax)
			c->imax = v[i];
		c->have_int = 1;
	}
}

static void add_bytes(struct column *c, const dl_example *ex, const dl_feature *f)
{
	for (size_t i = 0; i < f->count; i++) {
		size_t len;

		dl_feature_bytes(ex, f, i, &len);
		if (!c->have_bytes || len < c->bmin)
			c->bmin = len;
		if (!c->have_bytes || len > c->bmax)
			c->bmax = len;
		c->have_bytes = 1;
	}
}

void dl_schema_add(dl_schema *s, const dl_example *ex)
{
	s->records++;
	for (size_t i = 0; i < ex->nfeat; i++) {
		const dl_feature *f = &ex->feat[i];
		struct column *c = lookup(s, dl_feature_name(ex, f), f->name_len);

		c->kinds |= 1u << f->kind;
		c->records++;
		c->values += f->count;
		if (f->count < c->min_len)
			c->min_len = f->count;
		if (f->count > c->max_len)
			c->max_len = f->count;
		if (f->kind == DL_FEATURE_FLOAT)
			add_floats(c, dl_feature_floats(ex, f), f->count);
		else if (f->kind == DL_FEATURE_INT64)
			add_ints(c, dl_feature_ints(ex, f), f->count);
		else if (f->kind == DL_FEATURE_BYTES)
			add_bytes(c, ex, f);
	}
}

static const char *const kind_name[] = { "none", "bytes", "float", "int64" };

static void kinds_text(dl_buf *b, unsigned kinds)
{
	int first = 1;

	for (int k = 0; k < 4; k++)
		if (kinds & (1u << k)) {
			if (!first)
				dl_buf_putc(b, '|');
			dl_buf_puts(b, kind_name[k]);
			first = 0;
		}
}

/* The range column of the text table: every kind's range, separated by "; ". */
static void range_text(dl_buf *b, const struct column *c)
{
	char x[32], y[32];
	const char *sep = "";

	if (c->have_int) {
		dl_buf_printf(b, "%" PRId64 " .. %" PRId64, c->imin, c->imax);
		sep = "; ";
	}
	if (c->have_float) {
		dl_format_float(x, c->fmin);
		dl_format_float(y, c->fmax);
		dl_buf_printf(b, "%s%s .. %s", sep, x, y);
		sep = "; ";
	}
	if (c->nan) {
		dl_buf_printf(b, "%s%" PRIu64 " NaN", sep, c->nan);
		sep = "; ";
	}
	if (c->have_bytes)
		dl_buf_printf(b, "%s%" PRIu64 " .. %" PRIu64 " bytes", sep, c->bmin, c->bmax);
}

/* A name as the table shows it: as is when printable, else as a quoted JSON string. */
static void name_text(dl_buf *b, const struct column *c)
{
	for (size_t i = 0; i < c->name_len; i++) {
		unsigned char ch = (unsigned char)c->name[i];

		if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\' || ch == ' ') {
			dl_json_string(b, c->name, c->name_len);
			return;
		}
	}
	if (dl_utf8_valid(c->name, c->name_len) != c->name_len) {
		dl_json_string(b, c->name, c->name_len);
		return;
	}
	dl_buf_append(b, c->name, c->name_len);
}

/* Terminal columns of UTF-8 text, counting one per code point. */
static size_t text_width(const dl_buf *b)
{
	size_t w = 0;

	for (size_t i = 0; i < b->len; i++)
		w += (b->data[i] & 0xc0) != 0x80;
	return w;
}

void dl_schema_write_text(const dl_schema *s, dl_buf *out)
{
	size_t w = strlen("feature");
	dl_buf cell = {0};

	for (size_t i = 0; i < s->ncol; i++) {
		dl_buf_clear(&cell);
		name_text(&cell, &s->col[i]);
		if (text_width(&cell) > w)
			w = text_width(&cell);
	}
	dl_buf_printf(out, "%" PRIu64 " records, %zu features\n", s->records, s->ncol);
	dl_buf_printf(out, "%-*s  %-11s  %10s  %12s  %-13s  %s\n", (int)w, "feature", "kind",
		      "records", "values", "length", "range");
	for (size_t i = 0; i < s->ncol; i++) {
		const struct column *c = &s->col[i];

		dl_buf_clear(&cell);
		name_text(&cell, c);
		dl_buf_append(out, cell.data, cell.len);
		dl_buf_printf(out, "%*s  ", (int)(w - text_width(&cell)), "");
		dl_buf_clear(&cell);
		kinds_text(&cell, c->kinds);
		dl_buf_printf(out, "%-11.*s  %10" PRIu64 "  %12" PRIu64 "  ", (int)cell.len,
			      (const char *)cell.data, c->records, c->values);
		dl_buf_clear(&cell);
		if (c->min_len == c->max_len)
			dl_buf_printf(&cell, "%" PRIu64, c->min_len);
		else
			dl_buf_printf(&cell, "%" PRIu64 " .. %" PRIu64, c->min_len, c->max_len);
		dl_buf_printf(out, "%-13.*s  ", (int)cell.len, (const char *)cell.data);
		range_text(out, c);
		while (out->len && out->data[out->len - 1] == ' ')
			out->len--;
		dl_buf_putc(out, '\n');
	}
	dl_buf_free(&cell);
}

static void json_int64(dl_buf *b, int64_t v)
{
	const int64_t lim = (int64_t)1 << 53;

	if (v >= -lim && v <= lim)
		dl_buf_printf(b, "%" PRId64, v);
	else
		dl_buf_printf(b, "\"%" PRId64 "\"", v);
}

static void json_float(dl_buf *b, float v)
{
	char x[32];

	dl_format_float(x, v);
	if (isinf(v))
		dl_buf_printf(b, "\"%s\"", x);
	else
		dl_buf_puts(b, x);
}

static void column_json(dl_buf *b, const struct column *c)
{
	int first = 1;

	dl_buf_puts(b, "{\"name\":");
	dl_json_string(b, c->name, c->name_len);
	dl_buf_puts(b, ",\"kinds\":[");
	for (int k = 0; k < 4; k++)
		if (c->kinds & (1u << k)) {
			dl_buf_printf(b, "%s\"%s\"", first ? "" : ",", kind_name[k]);
			first = 0;
		}
	dl_buf_printf(b, "],\"records\":%" PRIu64 ",\"values\":%" PRIu64
		      ",\"min_length\":%" PRIu64 ",\"max_length\":%" PRIu64,
		      c->records, c->values, c->min_len, c->max_len);
	if (c->have_int) {
		dl_buf_puts(b, ",\"int64_min\":");
		json_int64(b, c->imin);
		dl_buf_puts(b, ",\"int64_max\":");
		json_int64(b, c->imax);
	}
	if (c->have_float) {
		dl_buf_puts(b, ",\"float_min\":");
		json_float(b, c->fmin);
		dl_buf_puts(b, ",\"float_max\":");
		json_float(b, c->fmax);
	}
	if (c->kinds & (1u << DL_FEATURE_FLOAT))
		dl_buf_printf(b, ",\"nan\":%" PRIu64, c->nan);
	if (c->have_bytes)
		dl_buf_printf(b, ",\"bytes_min_length\":%" PRIu64 ",\"bytes_max_length\":%" PRIu64,
			      c->bmin, c->bmax);
	dl_buf_putc(b, '}');
}

void dl_schema_write_json(const dl_schema *s, dl_buf *out)
{
	dl_buf_printf(out, "{\"records\":%" PRIu64 ",\"features\":[", s->records);
	for (size_t i = 0; i < s->ncol; i++) {
		if (i)
			dl_buf_putc(out, ',');
		column_json(out, &s->col[i]);
	}
	dl_buf_puts(out, "]}\n");
}
