/*
 * jsonl.c — the JSON-lines parser of tf.Example (see jsonl.h; the writer is jsonlwrite.c).
 *
 * This is the hot path of `dl-record pack`, so it does not go through a JSON tree: a
 * recursive-descent scanner over the line puts values straight into the Example
 * (RFC 8259 grammar for numbers, strings and whitespace). A string without escapes is
 * copied once, from the line into the Example's pool; one with escapes is copied raw and
 * then unescaped in place there (an escape never decodes to more bytes than its text),
 * and {"base64":...} values are decoded in place after that. Nothing is allocated per
 * value; the only scratch memory is for a feature name longer than NAME_STACK with
 * escapes (freed before returning), and dl_strtof's for number literals of 64 bytes or
 * more.
 */
#include "config.h"
#include "jsonl.h"
#include "core/utf8.h"
#include "record/textpriv.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_STACK 256

struct jp {
	const uint8_t *base, *end;   /* the line */
	dl_example *ex;
	dl_err *e;
	dl_buf tmp;                  /* scratch for long escaped names */
};

/* A scanned string: its raw text between the quotes. */
struct str {
	const uint8_t *p;
	size_t n;
	int esc;                     /* contains escapes */
};

static const char *kind_name(enum dl_feature_kind k)
{
	return k == DL_FEATURE_BYTES ? "bytes" : k == DL_FEATURE_FLOAT ? "float" : "int64";
}

/* Fills e with "WHAT at column C" (C = the 1-based byte offset of at) and returns NULL. */
static const uint8_t *fail(struct jp *s, const uint8_t *at, const char *fmt, ...)
	DL_PRINTF(3, 4);
static const uint8_t *fail(struct jp *s, const uint8_t *at, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	dl_errf(s->e, "%s at column %zu", what, (size_t)(at - s->base) + 1);
	return NULL;
}

static inline const uint8_t *ws(const uint8_t *p, const uint8_t *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static inline int is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static int hex4(const uint8_t *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		uint8_t c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Checks one escape at q (q[0] == '\\'); returns the byte after it, or NULL. Names may
 * hold lone \udc80..\udcff (one raw byte each); anything else must be a well-formed
 * code point, surrogates only in pairs. */
static const uint8_t *check_escape(struct jp *s, const uint8_t *q, const uint8_t *open, int name)
{
	const uint8_t *end = s->end;
	int u, lo;

	if (q + 1 >= end)
		return fail(s, open, "string not closed before the end of the line");
	switch (q[1]) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
		return q + 2;
	case 'u':
		break;
	default:
		if (q[1] >= 0x20 && q[1] < 0x7f)
			return fail(s, q, "invalid escape '\\%c' in a string", q[1]);
		return fail(s, q, "invalid escape (backslash before byte 0x%02x) in a string", q[1]);
	}
	if (end - q < 6 || (u = hex4(q + 2)) < 0)
		return fail(s, q, "invalid \\u escape (it needs four hex digits)");
	if (u >= 0xD800 && u <= 0xDBFF) {
		if (end - q >= 12 && q[6] == '\\' && q[7] == 'u' && (lo = hex4(q + 8)) >= 0xDC00 &&
		    lo <= 0xDFFF)
			return q + 12;
		return fail(s, q, "lone surrogate \\u%04x (a high surrogate must be followed by a "
			    "low one)", (unsigned)u);
	}
	if (u >= 0xDC00 && u <= 0xDFFF && !(name && u >= 0xDC80 && u <= 0xDCFF))
		return fail(s, q, "lone surrogate \\u%04x%s", (unsigned)u,
			    name ? " (only \\udc80..\\udcff stand for raw bytes in names)" : "");
	return q + 6;
}

/* Scans the string opening at p (*p == '"'): valid UTF-8, no raw control characters,
 * well-formed escapes. Returns the byte after the closing quote, or NULL. */
static const uint8_t *scan_str(struct jp *s, const uint8_t *p, int name, struct str *out)
{
	const uint8_t *q = p + 1, *end = s->end;

	out->esc = 0;
	for (;;) {
		while (q < end && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
			q++;
		if (q == end)
			return fail(s, p, "string not closed before the end of the line");
		uint8_t c = *q;
		if (c == '"')
			break;
		if (c == '\\') {
			out->esc = 1;
			if (!(q = check_escape(s, q, p, name)))
				return NULL;
		} else if (c < 0x20) {
			return fail(s, q, "control character 0x%02x in a string (write it as an "
				    "escape)", c);
		} else {
			uint32_t cp;
			size_t k = dl_utf8_decode(q, (size_t)(end - q), &cp);
			if (!k)
				return fail(s, q, "invalid UTF-8 in a string");
			q += k;
		}
	}
	out->p = p + 1;
	out->n = (size_t)(q - (p + 1));
	return q + 1;
}

/* Decodes the escapes of a string checked by scan_str into dst (dst may equal src: every
 * escape is longer than what it decodes to). Returns the decoded length. */
static size_t unescape(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		const uint8_t *bs = memchr(src + i, '\\', n - i);
		size_t run = bs ? (size_t)(bs - (src + i)) : n - i;

		memmove(dst + o, src + i, run);
		o += run;
		i += run;
		if (i == n)
			break;
		uint8_t c = src[i + 1];
		if (c != 'u') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			dst[o++] = (uint8_t)to[strchr(from, c) - from];
			i += 2;
			continue;
		}
		uint32_t u = (uint32_t)hex4(src + i + 2);
		i += 6;
		if (u >= 0xD800 && u <= 0xDBFF) {
			uint32_t lo = (uint32_t)hex4(src + i + 2);
			i += 6;
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			dst[o++] = (uint8_t)(u & 0xFF);   /* a name's raw byte (scan_str checked) */
			continue;
		}
		o += dl_utf8_encode(u, dst + o);
	}
	return o;
}

/* Scans a number at p (JSON grammar); returns its end or NULL. *frac is set when it has a
 * fraction or an exponent. */
static const uint8_t *scan_num(struct jp *s, const uint8_t *p, int *frac)
{
	const uint8_t *q = p, *end = s->end;

	*frac = 0;
	if (q < end && *q == '-')
		q++;
	if (q == end || !is_digit(*q))
		return fail(s, p, "invalid number");
	if (*q == '0') {
		q++;
		if (q < end && is_digit(*q))
			return fail(s, p, "invalid number (a leading zero)");
	} else {
		while (q < end && is_digit(*q))
			q++;
	}
	if (q < end && *q == '.') {
		q++;
		if (q == end || !is_digit(*q))
			return fail(s, p, "invalid number (digits must follow '.')");
		while (q < end && is_digit(*q))
			q++;
		*frac = 1;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if (q == end || !is_digit(*q))
			return fail(s, p, "invalid number (digits must follow the exponent mark)");
		while (q < end && is_digit(*q))
			q++;
		*frac = 1;
	}
	return q;
}

/* An int64 from an integer literal or a decimal string's text. */
static int to_int(struct jp *s, const uint8_t *at, const uint8_t *p, size_t n, int quoted,
		  int64_t *v)
{
	char b[SHOW_MAX + 4];
	int rc = dl_parse_int64((const char *)p, n, v);

	if (rc == 0)
		return 0;
	fail(s, at, quoted ? "int64 value \"%s\" %s" : "int64 value %s %s", show_bytes(b, p, n),
	     rc == -2 ? "is out of range" : "is not an integer");
	return -1;
}

/* Adds the value of the checked string st to the last (bytes) feature. */
static void add_str(struct jp *s, const struct str *st)
{
	dl_example *ex = s->ex;

	dl_example_add_bytes(ex, st->p, st->n);
	if (st->esc) {
		dl_bytes_ref *r = &ex->bytes[ex->nbytes - 1];
		uint8_t *at = (uint8_t *)ex->chars + r->off;
		size_t m = unescape(at, at, st->n);
		if (r->off + r->len == ex->nchars)
			ex->nchars = r->off + m;
		r->len = m;
	}
}

/* The text of a short string (escapes decoded) into buf[cap]; -1 when longer. */
static ptrdiff_t short_str(const struct str *st, uint8_t *buf, size_t cap)
{
	if (st->n > cap)
		return -1;
	if (!st->esc) {
		memcpy(buf, st->p, st->n);
		return (ptrdiff_t)st->n;
	}
	return (ptrdiff_t)unescape(buf, st->p, st->n);
}

/* {"base64":"..."} at p, into the last (bytes) feature. */
static const uint8_t *parse_base64(struct jp *s, const uint8_t *p)
{
	const uint8_t *open = p, *end = s->end;
	struct str key, val;
	uint8_t kb[48];
	ptrdiff_t kn;

	p = ws(p + 1, end);
	if (p == end || *p != '"')
		return fail(s, p, "expected \"base64\" in a bytes object");
	if (!(p = scan_str(s, p, 0, &key)))
		return NULL;
	kn = short_str(&key, kb, sizeof kb);
	if (kn != 6 || memcmp(kb, "base64", 6))
		return fail(s, key.p - 1, "expected \"base64\" in a bytes object");
	p = ws(p, end);
	if (p == end || *p != ':')
		return fail(s, p, "expected ':' after \"base64\"");
	p = ws(p + 1, end);
	if (p == end || *p != '"')
		return fail(s, p, "expected a base64 string");
	const uint8_t *vat = p;
	if (!(p = scan_str(s, p, 0, &val)))
		return NULL;
	add_str(s, &val);
	dl_example *ex = s->ex;
	dl_bytes_ref *r = &ex->bytes[ex->nbytes - 1];
	uint8_t *at = (uint8_t *)ex->chars + r->off;
	ptrdiff_t m = dl_base64_decode((const char *)at, r->len, at);
	if (m < 0)
		return fail(s, vat, "invalid base64 (RFC 4648, padded)");
	if (r->off + r->len == ex->nchars)
		ex->nchars = r->off + (size_t)m;
	r->len = (size_t)m;
	p = ws(p, end);
	if (p == end || *p != '}')
		return fail(s, p, "expected '}' after the base64 string (the object opened at "
			    "column %zu)", (size_t)(open - s->base) + 1);
	return p + 1;
}

/* A float list's string: "NaN", "Infinity", "-Infinity" or "NaN:0x" and 8 hex digits. */
static int special_float(struct jp *s, const uint8_t *at, const struct str *st, float *v)
{
	uint8_t b[96];
	char shown[SHOW_MAX + 4];
	ptrdiff_t n = short_str(st, b, sizeof b);

	if (n == 3 && !memcmp(b, "NaN", 3)) {
		uint32_t bits = 0x7fc00000u;
		memcpy(v, &bits, sizeof bits);
		return 0;
	}
	if (n == 8 && !memcmp(b, "Infinity", 8)) {
		*v = INFINITY;
		return 0;
	}
	if (n == 9 && !memcmp(b, "-Infinity", 9)) {
		*v = -INFINITY;
		return 0;
	}
	if (n == 14 && !memcmp(b, "NaN:0x", 6)) {
		int hi = hex4(b + 6), lo = hex4(b + 10);
		if (hi >= 0 && lo >= 0) {
			uint32_t bits = (uint32_t)hi << 16 | (uint32_t)lo;
			if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu)) {
				memcpy(v, &bits, sizeof bits);
				return 0;
			}
			fail(s, at, "\"%s\" is not a NaN bit pattern", show_bytes(shown, b, 14));
			return -1;
		}
	}
	fail(s, at, "float value \"%s\" is not a number (expected a number, \"NaN\", "
	     "\"Infinity\" or \"-Infinity\")", show_bytes(shown, st->p, st->n));
	return -1;
}

/* Why p cannot start a value where one was expected. */
static const uint8_t *bad_value(struct jp *s, const uint8_t *p, const char *expected)
{
	if (p == s->end)
		return fail(s, p, "expected %s, found the end of the line", expected);
	if (*p == 't' || *p == 'f' || *p == 'n')
		return fail(s, p, "true, false and null are not feature values");
	return fail(s, p, "expected %s", expected);
}

/* One element of a typed list (kind k), added to the last feature. */
static const uint8_t *typed_elem(struct jp *s, const uint8_t *p, enum dl_feature_kind k)
{
	const uint8_t *end = s->end, *q;
	char shown[SHOW_MAX + 4];
	struct str st;
	int frac;

	if (p < end && *p == '"') {
		if (!(q = scan_str(s, p, 0, &st)))
			return NULL;
		if (k == DL_FEATURE_BYTES) {
			add_str(s, &st);
		} else if (k == DL_FEATURE_FLOAT) {
			float v;
			if (special_float(s, p, &st, &v) < 0)
				return NULL;
			dl_example_add_float(s->ex, v);
		} else {
			uint8_t b[128];
			ptrdiff_t n = short_str(&st, b, sizeof b);
			int64_t v;
			if (n < 0)
				return fail(s, p, "int64 value \"%s\" is not an integer",
					    show_bytes(shown, st.p, st.n));
			if (to_int(s, p, b, (size_t)n, 1, &v) < 0)
				return NULL;
			dl_example_add_int64(s->ex, v);
		}
		return q;
	}
	if (p < end && (*p == '-' || is_digit(*p)) && k != DL_FEATURE_BYTES) {
		if (!(q = scan_num(s, p, &frac)))
			return NULL;
		if (k == DL_FEATURE_FLOAT) {
			dl_example_add_float(s->ex, dl_strtof((const char *)p, (size_t)(q - p)));
		} else {
			int64_t v;
			if (frac)
				return fail(s, p, "int64 value %s is not an integer",
					    show_bytes(shown, p, (size_t)(q - p)));
			if (to_int(s, p, p, (size_t)(q - p), 0, &v) < 0)
				return NULL;
			dl_example_add_int64(s->ex, v);
		}
		return q;
	}
	if (p < end && *p == '{' && k == DL_FEATURE_BYTES)
		return parse_base64(s, p);
	return bad_value(s, p, k == DL_FEATURE_BYTES ? "a string or {\"base64\":...} in the bytes list" :
			 k == DL_FEATURE_FLOAT ? "a number, \"NaN\", \"Infinity\" or \"-Infinity\" in the float list" :
			 "an integer or a decimal string in the int64 list");
}

/* One element of a shorthand array whose kind was decided by prescan. */
static const uint8_t *short_elem(struct jp *s, const uint8_t *p, enum dl_feature_kind k)
{
	const uint8_t *end = s->end;

	if (p < end && *p == '[')
		return fail(s, p, "nested arrays are not feature values");
	if (p < end && *p == '{')
		return fail(s, p, "objects inside an array are not feature values (write "
			    "{\"bytes\":[...]} for base64 values)");
	if (p < end && ((*p == '"') != (k == DL_FEATURE_BYTES)) &&
	    (*p == '"' || *p == '-' || is_digit(*p)))
		return fail(s, p, "mixed strings and numbers in an array");
	if (p < end && (*p == '"' || *p == '-' || is_digit(*p)))
		return typed_elem(s, p, k);
	return bad_value(s, p, "a number or a string");
}

/* The kind of the shorthand array at p: bytes when its first element is a string, float
 * when any number has a fraction or exponent, else int64. A loose look-ahead that stops
 * at anything unexpected; the parse that follows reports errors. */
static enum dl_feature_kind prescan(const uint8_t *p, const uint8_t *end)
{
	enum dl_feature_kind k = DL_FEATURE_INT64;

	p = ws(p + 1, end);
	if (p < end && *p == '"')
		return DL_FEATURE_BYTES;
	while (p < end) {
		if (*p == '-' || is_digit(*p)) {
			for (; p < end && (is_digit(*p) || *p == '-' || *p == '+' || *p == '.' ||
					   *p == 'e' || *p == 'E'); p++)
				if (*p == '.' || *p == 'e' || *p == 'E')
					k = DL_FEATURE_FLOAT;
		} else if (*p == '"') {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\' && p + 1 < end)
					p++;
			if (p == end)
				break;
			p++;
		} else {
			break;
		}
		p = ws(p, end);
		if (p == end || *p != ',')
			break;
		p = ws(p + 1, end);
	}
	return k;
}

/* Elements of a list whose '[' is at p, up to and including ']'. */
static const uint8_t *parse_list(struct jp *s, const uint8_t *p, enum dl_feature_kind k,
				 int shorthand)
{
	const uint8_t *end = s->end;

	p = ws(p + 1, end);
	if (p < end && *p == ']' && !shorthand)
		return p + 1;
	for (;;) {
		p = shorthand ? short_elem(s, p, k) : typed_elem(s, p, k);
		if (!p)
			return NULL;
		p = ws(p, end);
		if (p < end && *p == ',') {
			p = ws(p + 1, end);
			continue;
		}
		if (p < end && *p == ']')
			return p + 1;
		return fail(s, p, "expected ',' or ']' in the %s list", kind_name(k));
	}
}

/* A value in {"KIND":[...]} or {} form at p, for the feature name[0..len). */
static const uint8_t *parse_typed(struct jp *s, const uint8_t *p, const uint8_t *name, size_t len)
{
	const uint8_t *end = s->end, *at;
	enum dl_feature_kind k;
	struct str key;
	uint8_t kb[48];
	char shown[SHOW_MAX + 4];
	ptrdiff_t kn;

	p = ws(p + 1, end);
	if (p < end && *p == '}') {
		dl_example_add(s->ex, (const char *)name, len, DL_FEATURE_NONE);
		return p + 1;
	}
	if (p == end || *p != '"')
		return fail(s, p, "expected \"bytes\", \"float\", \"int64\" or '}' in a feature object");
	at = p;
	if (!(p = scan_str(s, p, 0, &key)))
		return NULL;
	kn = short_str(&key, kb, sizeof kb);
	if (kn == 5 && !memcmp(kb, "bytes", 5))
		k = DL_FEATURE_BYTES;
	else if (kn == 5 && !memcmp(kb, "float", 5))
		k = DL_FEATURE_FLOAT;
	else if (kn == 5 && !memcmp(kb, "int64", 5))
		k = DL_FEATURE_INT64;
	else
		return fail(s, at, "unknown list type \"%s\" (expected \"bytes\", \"float\" or "
			    "\"int64\")", show_bytes(shown, key.p, key.n));
	p = ws(p, end);
	if (p == end || *p != ':')
		return fail(s, p, "expected ':' after \"%s\"", kind_name(k));
	p = ws(p + 1, end);
	if (p == end || *p != '[')
		return fail(s, p, "expected '[' after \"%s\":", kind_name(k));
	dl_example_add(s->ex, (const char *)name, len, k);
	if (!(p = parse_list(s, p, k, 0)))
		return NULL;
	p = ws(p, end);
	if (p == end || *p != '}')
		return fail(s, p, "expected '}' after the %s list (a feature object has one key)",
			    kind_name(k));
	return p + 1;
}

/* The value of feature name[0..len) at p, in any accepted form. */
static const uint8_t *parse_value(struct jp *s, const uint8_t *p, const uint8_t *name, size_t len)
{
	const uint8_t *end = s->end, *q;
	enum dl_feature_kind k;
	struct str st;
	int frac;

	if (p < end && *p == '{')
		return parse_typed(s, p, name, len);
	if (p < end && *p == '[') {
		const uint8_t *first = ws(p + 1, end);
		if (first < end && *first == ']')
			return fail(s, p, "an empty array has no type (write {\"int64\":[]}, "
				    "{\"float\":[]} or {\"bytes\":[]})");
		k = prescan(p, end);
		dl_example_add(s->ex, (const char *)name, len, k);
		return parse_list(s, p, k, 1);
	}
	if (p < end && *p == '"') {
		if (!(q = scan_str(s, p, 0, &st)))
			return NULL;
		dl_example_add(s->ex, (const char *)name, len, DL_FEATURE_BYTES);
		add_str(s, &st);
		return q;
	}
	if (p < end && (*p == '-' || is_digit(*p))) {
		if (!(q = scan_num(s, p, &frac)))
			return NULL;
		dl_example_add(s->ex, (const char *)name, len, frac ? DL_FEATURE_FLOAT : DL_FEATURE_INT64);
		return typed_elem(s, p, frac ? DL_FEATURE_FLOAT : DL_FEATURE_INT64);
	}
	return bad_value(s, p, "a feature value");
}

/* One "name": value member at p (*p == '"'). */
static const uint8_t *parse_member(struct jp *s, const uint8_t *p)
{
	const uint8_t *end = s->end, *name;
	uint8_t stack[NAME_STACK];
	struct str st;
	size_t len;

	if (!(p = scan_str(s, p, 1, &st)))
		return NULL;
	name = st.p;
	len = st.n;
	if (st.esc) {
		uint8_t *dst = stack;
		if (st.n > sizeof stack) {
			dl_buf_clear(&s->tmp);
			dl_buf_reserve(&s->tmp, st.n);
			dst = s->tmp.data;
		}
		len = unescape(dst, st.p, st.n);
		name = dst;
	}
	p = ws(p, end);
	if (p == end || *p != ':')
		return fail(s, p, "expected ':' after the feature name");
	return parse_value(s, ws(p + 1, end), name, len);
}

/* fail() for functions that return a status. */
#define fail_rc(s, at, ...) (fail((s), (at), __VA_ARGS__), -1)

static int parse_line(struct jp *s)
{
	const uint8_t *p = ws(s->base, s->end), *end = s->end;

	if (p == end)
		return 0;
	if (*p != '{')
		return fail_rc(s, p, "expected '{' (one JSON object per line)");
	p = ws(p + 1, end);
	if (p < end && *p == '}') {
		p++;
	} else {
		for (;;) {
			if (p == end || *p != '"')
				return fail_rc(s, p, "expected a feature name (a string)");
			if (!(p = parse_member(s, p)))
				return -1;
			p = ws(p, end);
			if (p < end && *p == ',') {
				p = ws(p + 1, end);
				continue;
			}
			if (p < end && *p == '}') {
				p++;
				break;
			}
			return fail_rc(s, p, "expected ',' or '}' after a feature value");
		}
	}
	p = ws(p, end);
	if (p != end)
		return fail_rc(s, p, "unexpected text after the object");
	return 1;
}

int dl_jsonl_parse(dl_example *ex, const char *line, size_t len, dl_err *e)
{
	struct jp s = { (const uint8_t *)line, (const uint8_t *)line + len, ex, e, {0} };
	int rc;

	dl_example_clear(ex);
	rc = parse_line(&s);
	dl_buf_free(&s.tmp);
	return rc;
}

int dl_jsonl_read(dl_in *in, dl_example *ex, dl_err *e)
{
	for (;;) {
		char *line;
		ptrdiff_t n = dl_in_getline(in, &line, e);
		size_t skip = 0;
		dl_err le;
		int rc;

		if (n < 0)
			return -1;
		if (!line)
			return 0;
		if (dl_in_lineno(in) == 1 && n >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3))
			skip = 3;
		rc = dl_jsonl_parse(ex, line + skip, (size_t)n - skip, &le);
		if (rc > 0)
			return 1;
		if (rc < 0)
			return dl_errf(e, "%s:%" PRIu64 ": %s", dl_in_name(in), dl_in_lineno(in),
				       le.msg);
	}
}
