/*
 * numfmt.c — shortest round-trip float printing and hand-written integer digits.
 *
 * The float rule is a definition, not an algorithm. The digits: those of the first %.Ng
 * (N = 1..9) that strtof reads back to the same bits (nine significant digits always
 * suffice for binary32, IEEE 754-2008 5.12.2). The layout: Python's float repr (its
 * float_repr_style "short"): with X the decimal exponent of the first digit, positional
 * notation when -4 <= X < 16, padded with zeros ("10000000000", "0.0001"), else
 * d.ddde[+-]XX with at least two exponent digits ("1e+16", "1.5e-05"); no trailing zeros
 * after a point and no bare point. Done literally that costs up to nine snprintf and nine
 * strtof calls per value, which dominates `dl-record cat`. The fast path computes the
 * same digits with a few floating-point operations:
 *
 *  1. The value's decimal digits, correctly rounded to nine significant digits (R9), and
 *     its decimal exponent: v * 10^k is one correctly rounded double operation when
 *     10^k is exact (|k| <= 22), so its error is at most half an ulp of a number below
 *     2^30, i.e. 2^-24; when the fraction is that close to one half the rounding is left
 *     to snprintf("%.8e").
 *  2. For each N, the N-digit rounding of v from R9. Every N-digit midpoint has at most
 *     N + 1 <= 9 digits, so it is either equal to R9 or R9 lies on the same side as v:
 *     the result is exact. When it equals R9, the scaled double of step 1 minus R9 tells
 *     v's side unless it is within its error bound of zero; if it is zero and the scaling
 *     was exact (an fma residual of zero), the tie is real and goes to even, as printf
 *     rounds; otherwise snprintf("%.*e") decides.
 *  3. Whether that N-digit decimal M * 10^q reads back as v, without strtof: for
 *     |q| <= 22 the double M * 10^q (or M / 10^-q) is correctly rounded (Clinger, "How
 *     to read floating point numbers accurately", PLDI 1990, the fast path), and
 *     rounding it on to float gives strtof's answer unless the double lands exactly on
 *     a midpoint between two floats (double rounding: for a normal float, when the 29
 *     low fraction bits of the double are 1000...0); then strtof decides.
 *     Before that, a candidate further from R9 than half an ulp of v (plus a margin for
 *     R9's own rounding) is skipped with integer arithmetic alone.
 *  4. The layout above, from the digits and X (put_digits); the printf fallback of steps
 *     1 and 2 takes its digits and X from %.{N-1}e (the same decimal as %.Ng, C11
 *     7.21.6.1) and lays them out the same way.
 * The unit tests compare this with the literal loop, re-laid out, on a million random bit
 * patterns.
 */
#include "config.h"
#include "numfmt.h"
#include "core/alloc.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static const uint32_t pow10_u32[10] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
};

static int same_bits(float a, float b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

/* Positional notation for first-digit exponents POS_MIN_X..POS_MAX_X, as Python's repr. */
#define POS_MIN_X (-4)
#define POS_MAX_X 15

/* The literal definition, for the rare cases the fast path leaves open: the prec digits
 * of %.{prec-1}e (those of %.{prec}g) into *m and its exponent into *x; returns whether
 * they read back as v (> 0, finite). */
static int printf_digits(float v, int prec, uint32_t *m, int *x)
{
	char t[32], *p;
	uint32_t r = 0;

	snprintf(t, sizeof t, "%.*e", prec - 1, (double)v);     /* "d.ddde+XX" */
	for (p = t; *p != 'e'; p++)
		if (*p != '.')
			r = r * 10 + (uint32_t)(*p - '0');
	*m = r;
	*x = atoi(p + 1);
	return same_bits(strtof(t, NULL), v);
}

/* Step 1: R9, the decimal exponent of v > 0 (finite), and *side: the sign of the exact
 * v * 10^(8 - e10) - R9 when it is known (+1 or -1), 2 when it is known to be zero, else 0. */
static void digits9(float v, uint32_t *r9, int *e10, int *side)
{
	double d = v, s = 0, fl, frac, res;
	uint32_t bits;
	int e, k, tries;

	memcpy(&bits, &v, sizeof bits);
	e = (int)floor(((int)((bits >> 23) & 0xff) - 127) * 0.30102999566398120);
	*side = 0;
	for (tries = 0; tries < 2; tries++) {
		k = 8 - e;
		if (k < -22 || k > 22)
			goto slow;
		s = k >= 0 ? d * pow10_exact[k] : d / pow10_exact[-k];
		if (s >= 1e9)
			e++;
		else if (s < 1e8)
			e--;
		else
			break;
	}
	if (tries == 2)
		goto slow;
	fl = floor(s);
	frac = s - fl;          /* exact (Sterbenz) */
	if (fabs(frac - 0.5) < 3e-7)
		goto slow;
	*r9 = (uint32_t)fl + (frac > 0.5);
	*e10 = e;
	res = s - *r9;          /* exact too; the true residual has the same sign when clear */
	if (fabs(res) > 3e-7)
		*side = res > 0 ? 1 : -1;
	else if (res == 0 && (k >= 0 ? fma(d, pow10_exact[k], -s) : fma(s, pow10_exact[-k], -d)) == 0)
		*side = 2;      /* the scaling was exact: v is R9 * 10^(e10 - 8) exactly */
	if (*r9 == 1000000000) {
		*r9 = 100000000;
		(*e10)++;
	}
	return;
slow:
	{
		char t[32], *x;
		uint32_t r = 0;

		snprintf(t, sizeof t, "%.8e", d);   /* "d.dddddddde+XX" */
		for (x = t; *x && *x != 'e'; x++)
			if (*x >= '0' && *x <= '9')
				r = r * 10 + (uint32_t)(*x - '0');
		*r9 = r;
		*e10 = atoi(x + 1);
	}
}

/* r9 / 10^(9 - prec), with constant divisors (multiplications) rather than a division. */
static uint32_t div_pow10(uint32_t r9, int prec)
{
	switch (prec) {
	case 1: return r9 / 100000000;
	case 2: return r9 / 10000000;
	case 3: return r9 / 1000000;
	case 4: return r9 / 100000;
	case 5: return r9 / 10000;
	case 6: return r9 / 1000;
	case 7: return r9 / 100;
	case 8: return r9 / 10;
	default: return r9;
	}
}

/* Step 2: rounds R9 to prec digits; -1 when R9 sits on the midpoint and side does not
 * say where v is. A tie that is exact is rounded to even, as printf does. *dist is the
 * distance from R9 to the result, in units of R9's last digit. */
static int round_to(uint32_t r9, int side, int prec, uint32_t *m, int *x, uint32_t *dist)
{
	uint32_t d = pow10_u32[9 - prec], q = div_pow10(r9, prec), rem = r9 - q * d;

	*dist = rem;
	if (prec < 9) {
		if (rem == d / 2 && !side)
			return -1;
		if (rem > d / 2 || (rem == d / 2 && (side == 1 || (side == 2 && (q & 1))))) {
			q++;
			*dist = d - rem;
		}
		if (q == pow10_u32[prec]) {
			q = pow10_u32[prec - 1];
			(*x)++;
		}
	}
	*m = q;
	return 0;
}

/* Step 3: does m * 10^q read back as v? 1 yes, 0 no, -1 unknown. */
static int reads_back(uint32_t m, int q, float v)
{
	double c;
	uint64_t cb;
	float f, g;

	if (q < -22 || q > 22)
		return -1;
	c = q >= 0 ? (double)m * pow10_exact[q] : (double)m / pow10_exact[-q];
	f = (float)c;
	if (isinf(f))
		return -1;
	if (c >= FLT_MIN) {
		/* A normal float has 24 significant bits: c is a midpoint exactly when its 29
		 * lower fraction bits are 1000...0. */
		memcpy(&cb, &c, sizeof cb);
		if ((cb & ((1ull << 29) - 1)) == 1ull << 28)
			return -1;
	} else if ((double)f != c) {
		g = nextafterf(f, c > (double)f ? INFINITY : 0.0f);
		if (c == ((double)f + (double)g) * 0.5)
			return -1;
	}
	return same_bits(f, v);
}

/* Step 3 when the double cannot tell: strtof of the decimal m * 10^q itself, written
 * as "MeQ" (by hand: this is the common path for |q| > 22). */
static int strtof_reads_back(uint32_t m, int q, float v)
{
	char t[24], *p = t + sizeof t;
	unsigned aq = (unsigned)(q < 0 ? -q : q);

	*--p = '\0';
	do {
		*--p = (char)('0' + aq % 10);
		aq /= 10;
	} while (aq);
	if (q < 0)
		*--p = '-';
	*--p = 'e';
	do {
		*--p = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	return same_bits(strtof(p, NULL), v);
}

/* Step 4: the text of the decimal m * 10^(x - prec + 1), m having exactly prec digits,
 * in the layout of the file comment; at most 16 bytes and a NUL. */
static size_t put_digits(char *q, uint32_t m, int prec, int x)
{
	char dig[9], *start = q;
	int nd = prec, i;

	while (nd > 1 && m % 10 == 0) {
		m /= 10;
		nd--;
	}
	for (i = nd - 1; i >= 0; i--) {
		dig[i] = (char)('0' + m % 10);
		m /= 10;
	}
	if (x < POS_MIN_X || x > POS_MAX_X) {
		unsigned ax = (unsigned)(x < 0 ? -x : x);

		*q++ = dig[0];
		if (nd > 1) {
			*q++ = '.';
			memcpy(q, dig + 1, (size_t)nd - 1);
			q += nd - 1;
		}
		*q++ = 'e';
		*q++ = x < 0 ? '-' : '+';
		*q++ = (char)('0' + ax / 10);   /* a float's |X| is at most 45 */
		*q++ = (char)('0' + ax % 10);
	} else if (x >= 0 && nd <= x + 1) {
		/* an integer: the digits, then zeros up to the units */
		memcpy(q, dig, (size_t)nd);
		q += nd;
		memset(q, '0', (size_t)(x + 1 - nd));
		q += x + 1 - nd;
	} else if (x >= 0) {
		memcpy(q, dig, (size_t)x + 1);
		q += x + 1;
		*q++ = '.';
		memcpy(q, dig + x + 1, (size_t)(nd - x - 1));
		q += nd - x - 1;
	} else {
		*q++ = '0';
		*q++ = '.';
		for (i = 0; i < -x - 1; i++)
			*q++ = '0';
		memcpy(q, dig, (size_t)nd);
		q += nd;
	}
	*q = '\0';
	return (size_t)(q - start);
}

size_t dl_format_float(char buf[DL_FLOAT_BUFSIZE], float v)
{
	char *q = buf;
	uint32_t r9, m, dist, bits;
	double ulp, reach;
	int e10, side, prec, x;

	if (isnan(v)) {
		memcpy(buf, "NaN", 4);
		return 3;
	}
	if (isinf(v)) {
		strcpy(buf, v > 0 ? "Infinity" : "-Infinity");
		return v > 0 ? 8 : 9;
	}
	if (signbit(v)) {
		*q++ = '-';
		v = -v;
	}
	if (v == 0) {
		*q++ = '0';
		*q = '\0';
		return (size_t)(q - buf);
	}
	digits9(v, &r9, &e10, &side);
	/* Half an ulp of v in units of R9's last digit, with room for the approximations:
	 * a candidate further than that from R9 (which is within half a unit of v) cannot
	 * read back, and is skipped without a floating-point check. */
	memcpy(&bits, &v, sizeof bits);
	ulp = ldexp(1.0, (bits >> 23) ? (int)(bits >> 23) - 150 : -149);
	reach = 0.5 * ulp / (double)v * (double)r9 * 1.001 + 1.0;
	for (prec = 1; prec <= 9; prec++) {
		int ok, rt;

		x = e10;
		rt = round_to(r9, side, prec, &m, &x, &dist);
		if ((double)dist > reach)
			continue;
		if (rt < 0)
			ok = printf_digits(v, prec, &m, &x);
		else if ((ok = reads_back(m, x - prec + 1, v)) < 0)
			ok = strtof_reads_back(m, x - prec + 1, v);
		if (ok)
			break;
	}
	/* Not reached: nine digits always read back. Keep the definition as the answer. */
	if (prec > 9)
		for (prec = 1; !printf_digits(v, prec, &m, &x) && prec < 9; prec++)
			;
	return (size_t)(q - buf) + put_digits(q, m, prec, x);
}

/* Clinger's fast path for binary32: p[0..n) of the form [+-]?digits[.digits][(e|E)[+-]digits]
 * with at most 19 significant digits M < 2^53 and a decimal exponent q, |q| <= 22: the
 * double M * 10^q is correctly rounded, and so is its float unless it is exactly a
 * midpoint between two floats (see reads_back). Returns 0 with *v set, or -1. */
static int strtof_fast(const char *p, size_t n, float *v)
{
	const char *q = p, *end = p + n;
	uint64_t m = 0;
	int neg = 0, nd = 0, seen = 0, e10 = 0;
	double c;
	uint64_t cb;
	float f;

	if (q < end && (*q == '+' || *q == '-'))
		neg = *q++ == '-';
	for (; q < end && *q >= '0' && *q <= '9'; q++, seen++)
		if (m || *q != '0') {
			if (++nd > 19)
				return -1;
			m = m * 10 + (uint64_t)(*q - '0');
		}
	if (q < end && *q == '.')
		for (q++; q < end && *q >= '0' && *q <= '9'; q++, seen++, e10--)
			if (m || *q != '0') {
				if (++nd > 19)
					return -1;
				m = m * 10 + (uint64_t)(*q - '0');
			}
	if (!seen)
		return -1;
	if (q < end && (*q == 'e' || *q == 'E')) {
		int es = 1, x = 0, xd = 0;

		q++;
		if (q < end && (*q == '+' || *q == '-'))
			es = *q++ == '-' ? -1 : 1;
		for (; q < end && *q >= '0' && *q <= '9'; q++, xd++)
			if (x < 100000)
				x = x * 10 + (*q - '0');
		if (!xd)
			return -1;
		e10 += es * x;
	}
	if (q != end)
		return -1;
	if (m == 0) {
		*v = neg ? -0.0f : 0.0f;
		return 0;
	}
	if (m > (uint64_t)1 << 53 || e10 < -22 || e10 > 22)
		return -1;
	c = e10 >= 0 ? (double)m * pow10_exact[e10] : (double)m / pow10_exact[-e10];
	if (c < FLT_MIN)
		return -1;
	memcpy(&cb, &c, sizeof cb);
	if ((cb & ((1ull << 29) - 1)) == 1ull << 28)
		return -1;
	f = (float)c;
	*v = neg ? -f : f;
	return 0;
}

float dl_strtof(const char *p, size_t n)
{
	char small[64], *t = small;
	float v;

	if (strtof_fast(p, n, &v) == 0)
		return v;
	if (n >= sizeof small)
		t = dl_malloc(n + 1);
	memcpy(t, p, n);
	t[n] = '\0';
	v = strtof(t, NULL);
	if (t != small)
		dl_free(t);
	return v;
}

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

size_t dl_format_int64(char buf[DL_INT64_BUFSIZE], int64_t v)
{
	char tmp[20], *p = tmp + sizeof tmp;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0;

	while (u >= 100) {
		unsigned r = (unsigned)(u % 100);
		u /= 100;
		p -= 2;
		memcpy(p, digit_pairs + 2 * r, 2);
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);
	}
	if (v < 0)
		buf[n++] = '-';
	memcpy(buf + n, p, (size_t)(tmp + sizeof tmp - p));
	n += (size_t)(tmp + sizeof tmp - p);
	buf[n] = '\0';
	return n;
}

int dl_parse_int64(const char *p, size_t n, int64_t *v)
{
	const char *end = p + n;
	int neg = 0;
	uint64_t u = 0, lim;

	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (p == end)
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	int over = 0;
	for (; p < end; p++) {
		unsigned d = (unsigned)(unsigned char)*p - '0';
		if (d > 9)
			return -1;
		if (u > (lim - d) / 10)
			over = 1;
		else
			u = u * 10 + d;
	}
	if (over)
		return -2;
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}
