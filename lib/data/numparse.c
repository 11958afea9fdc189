/*
 * numparse.c — decimal text to float, exactly as strtof rounds it, fast for the common case.
 *
 * The fast path reads up to 19 significant digits into an integer m and a power of ten e,
 * and computes v = m * 10^e in double with at most four roundings (m itself when it passes
 * 2^53, and one per multiplication or division by an exactly representable power 10^k,
 * k <= 22 — Clinger, "How to read floating point numbers accurately", PLDI 1990, for the
 * exact powers). Each rounding is a relative error of at most 2^-53, so |v - x| < 4 ulp of
 * v. Rounding v to float gives strtof's result unless x and v lie on different sides of a
 * midpoint between two floats; such a midpoint has, in the double's 52-bit fraction, the 29
 * bits below the float's 23 equal to 2^28. When v's 29 low bits are within 16 of 2^28, or
 * v is outside the normal float range, or the text has more digits, the caller falls back
 * to strtof on the cell. So every result equals strtof's.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "data/tablepriv.h"

static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static inline int is_digit(int c)
{
	return (unsigned)(c - '0') < 10;
}

/* m * 10^e with at most four roundings, or 0 when e is out of the range handled. */
static int scale(uint64_t m, int e, double *v)
{
	double d = (double)m;
	if (e >= 0) {
		if (e > 44)
			return 0;
		if (e > 22) {
			d *= pow10_exact[22];
			e -= 22;
		}
		*v = d * pow10_exact[e];
	} else {
		if (e < -66)
			return 0;
		while (e < -22) {
			d /= pow10_exact[22];
			e += 22;
		}
		*v = d / pow10_exact[-e];
	}
	return 1;
}

/* Eight ASCII digits in a little-endian word: the test and the conversion of Lemire,
 * "Number parsing at a gigabyte per second", Software: Practice and Experience 51(8), 2021
 * (section 5, "SWAR" digit parsing). */
static inline int eight_digits(uint64_t v)
{
	return ((v & 0xF0F0F0F0F0F0F0F0u) |
		(((v + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u) >> 4)) == 0x3333333333333333u;
}

static inline uint64_t parse_eight(uint64_t v)
{
	v -= 0x3030303030303030u;
	v = v * 10 + (v >> 8);
	return (((v & 0x000000FF000000FFu) * (100 + (1000000ull << 32))) +
		(((v >> 16) & 0x000000FF000000FFu) * (1 + (10000ull << 32)))) >> 32;
}

/* Up to 19 - *nd more digits at p into *m; returns the end of the digits taken. */
static inline const char *digits(const char *p, const char *end, uint64_t *m, int *nd)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (*nd <= 11 && end - p >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		if (!eight_digits(v))
			break;
		*m = *m * 100000000u + parse_eight(v);
		*nd += 8;
		p += 8;
	}
#else
	(void)end;
#endif
	while (is_digit(*p) && *nd < 19) {
		*m = *m * 10 + (uint64_t)(*p++ - '0');
		(*nd)++;
	}
	return p;
}

const char *dl_data_fast_float(const char *p, const char *end, float *out)
{
	int neg = 0, nd = 0, e10 = 0, ndig = 0;
	uint64_t m = 0;
	if (*p == '-') {
		neg = 1;
		p++;
	} else if (*p == '+') {
		p++;
	}
	while (*p == '0') {
		p++;
		ndig++;
	}
	const char *q = digits(p, end, &m, &nd);
	if (is_digit(*q))
		return NULL;    /* more than 19 digits */
	ndig += (int)(q - p);
	p = q;
	if (*p == '.') {
		p++;
		if (m == 0)
			while (*p == '0') {
				p++;
				e10--;
				ndig++;
			}
		q = digits(p, end, &m, &nd);
		if (is_digit(*q))
			return NULL;
		ndig += (int)(q - p);
		e10 -= (int)(q - p);
		p = q;
	}
	if (ndig == 0)
		return NULL;
	if (*p == 'e' || *p == 'E') {
		int eneg = 0, ev = 0;
		p++;
		if (*p == '-') {
			eneg = 1;
			p++;
		} else if (*p == '+') {
			p++;
		}
		if (!is_digit(*p))
			return NULL;
		while (is_digit(*p)) {
			if (ev < 100000)
				ev = ev * 10 + (*p - '0');
			p++;
		}
		e10 += eneg ? -ev : ev;
	}
	if (m == 0) {
		*out = neg ? -0.0f : 0.0f;
		return p;
	}
	double v;
	if (!scale(m, e10, &v))
		return NULL;
	/* Normal floats only: [2^-126, 2^128) with room for the error. */
	if (!(v >= 0x1.0001p-126 && v < 0x1.fffffcp127))
		return NULL;
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	uint64_t low = bits & (((uint64_t)1 << 29) - 1);
	uint64_t half = (uint64_t)1 << 28;
	if ((low > half ? low - half : half - low) <= 16)
		return NULL;
	*out = (float)(neg ? -v : v);
	return p;
}

static int is_space(int c)
{
	return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space((unsigned char)(*s)[0])) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static int is_missing(const char *s, size_t n)
{
	if (n && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	return (n == 2 && s[0] == 'N' && s[1] == 'A') ||
	       (n == 3 && strncasecmp(s, "nan", 3) == 0);
}

int dl_data_parse_cell(const char *s, size_t n, float *out)
{
	char buf[64];
	trim(&s, &n);
	if (n == 0 || is_missing(s, n)) {
		*out = NAN;
		return 0;
	}
	if (n >= sizeof buf || memchr(s, 'x', n) || memchr(s, 'X', n) || memchr(s, '\0', n))
		return -1;   /* no plain number is that long; no hex floats */
	memcpy(buf, s, n);
	buf[n] = 0;
	const char *q = dl_data_fast_float(buf, buf + n, out);
	if (q && q == buf + n)
		return 0;
	char *end;
	errno = 0;
	*out = strtof(buf, &end);
	if (end != buf + n || end == buf)
		return -1;
	if (isnan(*out))
		*out = NAN;
	return 0;
}

int dl_data_parse_qid(const char *s, size_t n, int64_t *out)
{
	char buf[64];
	trim(&s, &n);
	if (n == 0 || n >= sizeof buf || memchr(s, '\0', n) || memchr(s, 'x', n) ||
	    memchr(s, 'X', n))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	char *end;
	errno = 0;
	long long v = strtoll(buf, &end, 10);
	if (end == buf + n && errno == 0) {
		*out = v;
		return 0;
	}
	errno = 0;
	double d = strtod(buf, &end);
	if (end != buf + n || !(d >= -0x1p63 && d < 0x1p63) || d != floor(d))
		return -1;
	*out = (int64_t)d;
	return 0;
}

const char *dl_data_quote_cell(const char *s, size_t n, char *buf)
{
	size_t k = n > 40 ? 40 : n, i;
	for (i = 0; i < k; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[i] = c < 32 || c == 127 ? '?' : (char)c;
	}
	if (k < n) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = 0;
	return buf;
}

char *dl_data_dup(const char *s, size_t n)
{
	char *p = dl_malloc(n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = 0;
	return p;
}
