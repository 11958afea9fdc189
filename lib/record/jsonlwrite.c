/*
 * jsonlwrite.c — the JSON-lines writer of tf.Example (see jsonl.h).
 *
 * The hot path of `dl-record cat`: no JSON tree and no printf. Room for a whole feature
 * (or one byte string) is reserved in the output buffer once and the text is written
 * straight into it: names and strings escaped by a scan that copies plain runs in bulk,
 * integers digit by digit, floats by dl_format_float, invalid UTF-8 as base64.
 */
#include "config.h"
#include "jsonl.h"
#include "core/utf8.h"

#include <math.h>
#include <string.h>

static const char hex_lc[] = "0123456789abcdef";

/* Makes room for n more bytes and returns where they go; finish with set_end. */
static uint8_t *room(dl_buf *b, size_t n)
{
	dl_buf_reserve(b, n);
	return b->data + b->len;
}

static void set_end(dl_buf *b, uint8_t *q)
{
	b->len = (size_t)(q - b->data);
}

static uint8_t *put_lit(uint8_t *q, const char *s, size_t n)
{
	memcpy(q, s, n);
	return q + n;
}
#define PUT(q, s) put_lit((q), (s), sizeof(s) - 1)

static uint8_t *put_u(uint8_t *q, unsigned u)
{
	*q++ = '\\';
	*q++ = 'u';
	*q++ = (uint8_t)hex_lc[(u >> 12) & 15];
	*q++ = (uint8_t)hex_lc[(u >> 8) & 15];
	*q++ = (uint8_t)hex_lc[(u >> 4) & 15];
	*q++ = (uint8_t)hex_lc[u & 15];
	return q;
}

static inline int needs_escape(uint8_t c)
{
	return c < 0x20 || c == '"' || c == '\\' || c == 0x7f;
}

/* Writes p[0..n) as a JSON string, quotes included; needs room for 6n + 2 bytes. For a
 * value p is valid UTF-8; for a name (name != 0) a byte outside valid UTF-8 becomes
 * \udcXX. */
static uint8_t *put_str(uint8_t *q, const uint8_t *p, size_t n, int name)
{
	size_t i = 0;

	*q++ = '"';
	while (i < n) {
		size_t j = i;
		while (j < n && !needs_escape(p[j]) && (!name || p[j] < 0x80))
			j++;
		memcpy(q, p + i, j - i);
		q += j - i;
		i = j;
		if (i == n)
			break;
		uint8_t c = p[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t k = dl_utf8_decode(p + i, n - i, &cp);
			if (k) {
				memcpy(q, p + i, k);
				q += k;
				i += k;
			} else {
				q = put_u(q, 0xDC00u | c);
				i++;
			}
			continue;
		}
		*q++ = '\\';
		switch (c) {
		case '"': *q++ = '"'; break;
		case '\\': *q++ = '\\'; break;
		case '\b': *q++ = 'b'; break;
		case '\f': *q++ = 'f'; break;
		case '\n': *q++ = 'n'; break;
		case '\r': *q++ = 'r'; break;
		case '\t': *q++ = 't'; break;
		default:
			q = put_u(q - 1, c);
		}
		i++;
	}
	*q++ = '"';
	return q;
}

void dl_json_string(dl_buf *out, const void *p, size_t n)
{
	uint8_t *q = room(out, 6 * n + 2);

	set_end(out, put_str(q, p, n, 1));
}

static void write_bytes(const dl_example *ex, const dl_feature *f, dl_buf *out)
{
	uint8_t *q = room(out, 16);

	q = PUT(q, "{\"bytes\":[");
	set_end(out, q);
	for (size_t i = 0; i < f->count; i++) {
		size_t n;
		const uint8_t *p = dl_feature_bytes(ex, f, i, &n);

		if (dl_utf8_valid(p, n) == n) {
			q = room(out, 6 * n + 4);
			if (i)
				*q++ = ',';
			q = put_str(q, p, n, 0);
		} else {
			q = room(out, dl_base64_len(n) + 16);
			if (i)
				*q++ = ',';
			q = PUT(q, "{\"base64\":\"");
			q = dl_base64_put(q, p, n);
			q = PUT(q, "\"}");
		}
		set_end(out, q);
	}
	q = room(out, 2);
	set_end(out, PUT(q, "]}"));
}

/* Room for one float: the longest text is "\"NaN:0x7fc00001\"" (16 bytes); numbers need
 * DL_FLOAT_BUFSIZE for dl_format_float's scratch. */
#define FLOAT_ROOM (DL_FLOAT_BUFSIZE + 2)

static uint8_t *put_float(uint8_t *q, float v)
{
	if (isnan(v)) {
		uint32_t b;

		memcpy(&b, &v, sizeof b);
		if (b == 0x7fc00000u)
			return PUT(q, "\"NaN\"");
		q = PUT(q, "\"NaN:0x");
		for (int s = 28; s >= 0; s -= 4)
			*q++ = (uint8_t)hex_lc[(b >> s) & 15];
		*q++ = '"';
		return q;
	}
	if (isinf(v))
		return v > 0 ? PUT(q, "\"Infinity\"") : PUT(q, "\"-Infinity\"");
	return q + dl_format_float((char *)q, v);
}

static void write_floats(const dl_example *ex, const dl_feature *f, dl_buf *out)
{
	const float *v = dl_feature_floats(ex, f);
	uint8_t *q = room(out, 12 + f->count * (FLOAT_ROOM + 1));

	q = PUT(q, "{\"float\":[");
	for (size_t i = 0; i < f->count; i++) {
		if (i)
			*q++ = ',';
		q = put_float(q, v[i]);
	}
	set_end(out, PUT(q, "]}"));
}

static void write_ints(const dl_example *ex, const dl_feature *f, dl_buf *out)
{
	const int64_t lim = (int64_t)1 << 53;
	const int64_t *v = dl_feature_ints(ex, f);
	uint8_t *q = room(out, 12 + f->count * (DL_INT64_BUFSIZE + 3));

	q = PUT(q, "{\"int64\":[");
	for (size_t i = 0; i < f->count; i++) {
		int big = v[i] < -lim || v[i] > lim;

		if (i)
			*q++ = ',';
		if (big)
			*q++ = '"';
		q += dl_format_int64((char *)q, v[i]);
		if (big)
			*q++ = '"';
	}
	set_end(out, PUT(q, "]}"));
}

int dl_jsonl_write(const dl_example *ex, dl_buf *out)
{
	uint8_t *q = room(out, 1);

	*q++ = '{';
	set_end(out, q);
	for (size_t i = 0; i < ex->nfeat; i++) {
		const dl_feature *f = &ex->feat[i];

		q = room(out, 6 * f->name_len + 4);
		if (i)
			*q++ = ',';
		q = put_str(q, (const uint8_t *)dl_feature_name(ex, f), f->name_len, 1);
		*q++ = ':';
		set_end(out, q);
		switch (f->kind) {
		case DL_FEATURE_BYTES: write_bytes(ex, f, out); break;
		case DL_FEATURE_FLOAT: write_floats(ex, f, out); break;
		case DL_FEATURE_INT64: write_ints(ex, f, out); break;
		default:
			q = room(out, 2);
			set_end(out, PUT(q, "{}"));
		}
	}
	q = room(out, 2);
	set_end(out, PUT(q, "}\n"));
	return 0;
}
