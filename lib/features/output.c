/*
 * output.c — the writers of apply's output rows (transform.h): records serialized directly
 * from the row (dl_fx_encode: the bytes lib/record's encoder gives, without building an
 * Example), JSON lines through lib/record's writer, CSV with the schema's columns; and a
 * writer into a buffer for rows made by worker threads (blocks.c).
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/bytes.h"
#include "features/transform.h"
#include "features/txpriv.h"
#include "record/crc32c.h"
#include "record/jsonl.h"
#include "record/numfmt.h"
#include "record/tfrecord.h"

int dl_fout_format_parse(const char *s)
{
	static const char *const names[] = { "records", "jsonl", "csv" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

struct dl_fout {
	dl_out *out;
	enum dl_fout_format format;
	dl_buf buf, rec;
	dl_example ex;
	struct dl_fschema *schema;
	size_t n;
};

static void csv_text(dl_buf *b, const char *s, size_t n)
{
	int quote = !n || memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) ||
		    memchr(s, '\r', n) || s[0] == ' ' || s[n - 1] == ' ';

	if (!quote) {
		dl_buf_append(b, s, n);
		return;
	}
	dl_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			dl_buf_putc(b, '"');
		dl_buf_putc(b, s[i]);
	}
	dl_buf_putc(b, '"');
}

dl_fout *dl_fout_new(dl_out *out, enum dl_fout_format f, const dl_fspec *s)
{
	dl_fout *o = dl_calloc(1, sizeof *o);

	o->out = out;
	o->format = f;
	o->n = dl_fspec_schema(s, &o->schema);
	dl_example_init(&o->ex);
	if (f != DL_FOUT_CSV || !out)
		return o;
	for (size_t k = 0; k < o->n; k++) {
		const struct dl_fschema *x = &o->schema[k];
		if (x->dense && x->width > 1) {
			for (int64_t j = 0; j < x->width; j++) {
				char name[600];
				int len = snprintf(name, sizeof name, "%s_%lld", x->name, (long long)j);
				if (k || j)
					dl_buf_putc(&o->buf, ',');
				csv_text(&o->buf, name, (size_t)len < sizeof name ? (size_t)len :
							sizeof name - 1);
			}
		} else {
			if (k)
				dl_buf_putc(&o->buf, ',');
			csv_text(&o->buf, x->name, strlen(x->name));
		}
	}
	dl_buf_putc(&o->buf, '\n');
	dl_out_write(out, o->buf.data, o->buf.len);
	dl_buf_clear(&o->buf);
	return o;
}

/* One value of output feature f as CSV text. */
static void csv_value(dl_buf *b, const dl_fx *x, const struct outf *f, size_t j, size_t *boff)
{
	char num[DL_FLOAT_BUFSIZE + DL_INT64_BUFSIZE];
	size_t n;

	if (f->kind == DL_FEATURE_FLOAT) {
		n = dl_format_float(num, x->of[f->off + j]);
		dl_buf_append(b, num, n);
	} else if (f->kind == DL_FEATURE_INT64) {
		n = dl_format_int64(num, x->oi[f->off + j]);
		dl_buf_append(b, num, n);
	} else {
		n = x->obl[f->off + j];
		csv_text(b, (const char *)ob_at(x, *boff), n);
		*boff += n;
	}
}

/* One CSV row: the row's features are in schema order, some missing. */
static void write_csv(dl_fout *o, const dl_fx *x)
{
	size_t fi = 0;

	for (size_t k = 0; k < o->n; k++) {
		const struct dl_fschema *s = &o->schema[k];
		const struct outf *f = fi < x->nout && x->out[fi].k == k ? &x->out[fi++] : NULL;
		size_t boff = f ? f->boff : 0;
		if (s->dense && s->width > 1) {
			for (int64_t j = 0; j < s->width; j++) {
				if (k || j)
					dl_buf_putc(&o->buf, ',');
				if (f && (size_t)j < f->count)
					csv_value(&o->buf, x, f, (size_t)j, &boff);
			}
			continue;
		}
		if (k)
			dl_buf_putc(&o->buf, ',');
		for (size_t j = 0; f && j < f->count; j++) {
			if (j)
				dl_buf_putc(&o->buf, ' ');
			csv_value(&o->buf, x, f, j, &boff);
		}
	}
	dl_buf_putc(&o->buf, '\n');
}

static inline size_t varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static inline uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* The length of the list message of f (BytesList, FloatList or Int64List). */
static size_t list_len(const dl_fx *x, const struct outf *f)
{
	size_t n = 0;

	if (!f->count)
		return 0;
	if (f->kind == DL_FEATURE_FLOAT) {
		n = 4 * f->count;
		return 1 + varint_len(n) + n;
	}
	if (f->kind == DL_FEATURE_INT64) {
		for (size_t j = 0; j < f->count; j++)
			n += varint_len((uint64_t)x->oi[f->off + j]);
		return 1 + varint_len(n) + n;
	}
	for (size_t j = 0; j < f->count; j++)
		n += 1 + varint_len(x->obl[f->off + j]) + x->obl[f->off + j];
	return n;
}

/*
 * The row as a serialized tf.Example, written directly (the bytes dl_example_encode gives
 * for the same features in the same order: packed lists, fields in number order):
 *   Example  0A len Features;  Features: per feature 0A len MapEntry;
 *   MapEntry 0A len name, 12 len Feature;  Feature: 0A|12|1A len List;
 *   List     BytesList: 0A len bytes per value; Float/Int64List: 0A len packed values.
 */
void dl_fx_encode(const dl_fx *x, dl_buf *out)
{
	size_t total = 0;

	size_t *size = x->size;

	if (x->nout > x->capsize) {
		/* The sizes are scratch: growing them does not change the row. */
		dl_fx *m = (dl_fx *)x;
		DL_GROW(m->size, m->capsize, x->nout);
		size = m->size;
	}
	for (size_t i = 0; i < x->nout; i++) {
		const struct outf *f = &x->out[i];
		size_t nl = x->schema[f->k].name_len, ll = list_len(x, f);
		size_t fl = 1 + varint_len(ll) + ll;                   /* Feature */
		size_t el = 1 + varint_len(nl) + nl + 1 + varint_len(fl) + fl;  /* MapEntry */
		size[i] = ll;
		total += 1 + varint_len(el) + el;
	}
	dl_buf_reserve(out, total + 10);
	uint8_t *p = out->data + out->len;
	if (total) {
		*p++ = 0x0A;
		p = put_varint(p, total);
	}
	for (size_t i = 0; i < x->nout; i++) {
		const struct outf *f = &x->out[i];
		const char *name = x->schema[f->k].name;
		size_t nl = x->schema[f->k].name_len, ll = size[i];
		size_t fl = 1 + varint_len(ll) + ll;
		size_t el = 1 + varint_len(nl) + nl + 1 + varint_len(fl) + fl;
		*p++ = 0x0A;
		p = put_varint(p, el);
		*p++ = 0x0A;
		p = put_varint(p, nl);
		memcpy(p, name, nl);
		p += nl;
		*p++ = 0x12;
		p = put_varint(p, fl);
		*p++ = f->kind == DL_FEATURE_BYTES ? 0x0A : f->kind == DL_FEATURE_FLOAT ? 0x12 : 0x1A;
		p = put_varint(p, ll);
		if (!f->count)
			continue;
		if (f->kind == DL_FEATURE_FLOAT) {
			*p++ = 0x0A;
			p = put_varint(p, 4 * f->count);
			for (size_t j = 0; j < f->count; j++) {
				uint32_t u;
				memcpy(&u, &x->of[f->off + j], 4);
				dl_store_le32(p, u);
				p += 4;
			}
		} else if (f->kind == DL_FEATURE_INT64) {
			*p++ = 0x0A;
			size_t vl = 0;
			for (size_t j = 0; j < f->count; j++)
				vl += varint_len((uint64_t)x->oi[f->off + j]);
			p = put_varint(p, vl);
			for (size_t j = 0; j < f->count; j++)
				p = put_varint(p, (uint64_t)x->oi[f->off + j]);
		} else {
			const uint8_t *b = ob_at(x, f->boff);
			for (size_t j = 0; j < f->count; j++) {
				size_t n = x->obl[f->off + j];
				*p++ = 0x0A;
				p = put_varint(p, n);
				memcpy(p, b, n);
				p += n;
				b += n;
			}
		}
	}
	out->len = (size_t)(p - out->data);
}

/* One TFRecord frame of p[0..n) appended to b (tfrecord.h's layout). */
void dl_fout_frame(dl_buf *b, const uint8_t *p, size_t n)
{
	uint8_t h[12], t[4];
	uint64_t len = n;
	uint32_t c;

	for (int i = 0; i < 8; i++)
		h[i] = (uint8_t)(len >> (8 * i));
	c = dl_crc32c_mask(dl_crc32c(0, h, 8));
	for (int i = 0; i < 4; i++)
		h[8 + i] = (uint8_t)(c >> (8 * i));
	c = dl_crc32c_mask(dl_crc32c(0, p, n));
	for (int i = 0; i < 4; i++)
		t[i] = (uint8_t)(c >> (8 * i));
	dl_buf_append(b, h, 12);
	dl_buf_append(b, p, n);
	dl_buf_append(b, t, 4);
}

void dl_fout_write(dl_fout *o, const dl_fx *x)
{
	switch (o->format) {
	case DL_FOUT_RECORDS:
		dl_buf_clear(&o->rec);
		dl_fx_encode(x, &o->rec);
		if (o->out) {
			dl_tfrecord_write(o->out, o->rec.data, o->rec.len);
			return;
		}
		dl_fout_frame(&o->buf, o->rec.data, o->rec.len);
		return;
	case DL_FOUT_JSONL:
		dl_fx_example(x, &o->ex);
		dl_jsonl_write(&o->ex, &o->buf);
		break;
	case DL_FOUT_CSV:
		write_csv(o, x);
		break;
	}
	if (o->out && o->buf.len >= 1 << 16) {
		dl_out_write(o->out, o->buf.data, o->buf.len);
		dl_buf_clear(&o->buf);
	}
}

dl_buf *dl_fout_buffer(dl_fout *o)
{
	return &o->buf;
}

void dl_fout_free(dl_fout *o)
{
	if (!o)
		return;
	if (o->out && o->buf.len)
		dl_out_write(o->out, o->buf.data, o->buf.len);
	dl_buf_free(&o->buf);
	dl_buf_free(&o->rec);
	dl_example_free(&o->ex);
	dl_free(o->schema);
	dl_free(o);
}
