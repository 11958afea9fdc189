/*
 * jscan.c — a forward JSON scanner (see jscan.h).
 */
#include "core/jscan.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

void dl_jscan_init(dl_jscan *s, const char *text, size_t len)
{
	s->begin = s->p = text;
	s->end = text + len;
}

int dl_jscan_item(dl_jscan *s, int *started, int close)
{
	if (*started)
		return dl_jscan_next(s, close);
	*started = 1;
	if (dl_jscan_peek(s) != close)
		return 1;
	s->p++;
	return 0;
}

int dl_jscan_member(dl_jscan *s, int *started, const char **key, size_t *len)
{
	int r = dl_jscan_item(s, started, '}');
	if (r <= 0)
		return r;
	if (dl_jscan_string(s, key, len) < 0 || dl_jscan_eat(s, ':') < 0)
		return -1;
	return 1;
}

size_t dl_jscan_offset(const dl_jscan *s)
{
	return (size_t)(s->p - s->begin);
}

int dl_jscan_peek(dl_jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
	return s->p < s->end ? (unsigned char)*s->p : -1;
}

int dl_jscan_eat(dl_jscan *s, int c)
{
	if (dl_jscan_peek(s) != c)
		return -1;
	s->p++;
	return 0;
}

int dl_jscan_string(dl_jscan *s, const char **str, size_t *len)
{
	if (dl_jscan_peek(s) != '"')
		return -1;
	const char *q = s->p + 1;
	while (q < s->end && *q != '"') {
		if ((unsigned char)*q < 0x20)
			return -1;
		if (*q == '\\') {
			if (q + 1 >= s->end || !strchr("\"\\/bfnrtu", q[1]))
				return -1;
			q++;
		}
		q++;
	}
	if (q >= s->end)
		return -1;
	*str = s->p + 1;
	*len = (size_t)(q - (s->p + 1));
	s->p = q + 1;
	return 0;
}

static inline int num_char(int c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately",
 * PLDI 1990): a decimal m * 10^k with m < 2^53 and |k| <= 22 is one correctly rounded
 * multiplication or division of two exact doubles. Returns 0 when the token (JSON's number
 * grammar) does not qualify. */
static int fast_number(const char *b, size_t k, double *out)
{
	static const double p10[23] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
					1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
					1e20, 1e21, 1e22 };
	size_t i = 0;
	int neg = 0, nd = 0, frac = 0, ex = 0, exneg = 0, nex = 0;
	uint64_t m = 0;
	if (b[i] == '-')
		neg = 1, i++;
	if (i >= k || b[i] < '0' || b[i] > '9' || (b[i] == '0' && i + 1 < k && b[i + 1] >= '0' &&
						    b[i + 1] <= '9'))
		return 0;
	for (; i < k && b[i] >= '0' && b[i] <= '9'; i++, nd++)
		m = m * 10 + (uint64_t)(b[i] - '0');
	if (i < k && b[i] == '.') {
		i++;
		if (i >= k || b[i] < '0' || b[i] > '9')
			return 0;
		for (; i < k && b[i] >= '0' && b[i] <= '9'; i++, nd++, frac++)
			m = m * 10 + (uint64_t)(b[i] - '0');
	}
	if (i < k && (b[i] == 'e' || b[i] == 'E')) {
		i++;
		if (i < k && (b[i] == '+' || b[i] == '-'))
			exneg = b[i++] == '-';
		for (; i < k && b[i] >= '0' && b[i] <= '9' && nex < 4; i++, nex++)
			ex = ex * 10 + (b[i] - '0');
		if (nex == 0)
			return 0;
	}
	if (i != k || nd > 19 || m > ((uint64_t)1 << 53))
		return 0;
	int e10 = (exneg ? -ex : ex) - frac;
	if (e10 < -22 || e10 > 22)
		return 0;
	double v = (double)m;
	v = e10 < 0 ? v / p10[-e10] : v * p10[e10];
	*out = neg ? -v : v;
	return 1;
}

int dl_jscan_number(dl_jscan *s, double *out)
{
	if (dl_jscan_peek(s) < 0)
		return -1;
	const char *q = s->p;
	while (q < s->end && num_char(*q))
		q++;
	size_t k = (size_t)(q - s->p);
	if (k == 0 || !(s->p[0] == '-' || (s->p[0] >= '0' && s->p[0] <= '9')))
		return -1;
	if (!fast_number(s->p, k, out)) {
		char buf[64];
		if (k >= sizeof buf)
			return -1;
		memcpy(buf, s->p, k);
		buf[k] = 0;
		char *endp;
		double v = strtod(buf, &endp);
		if (endp != buf + k)
			return -1;
		*out = v;
	}
	s->p = q;
	return 0;
}

int dl_jscan_next(dl_jscan *s, int close)
{
	int c = dl_jscan_peek(s);
	if (c == ',') {
		s->p++;
		return 1;
	}
	if (c == close) {
		s->p++;
		return 0;
	}
	return -1;
}

static int literal(dl_jscan *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

/* One scalar (string, number, literal). */
static int scalar(dl_jscan *s)
{
	int c = dl_jscan_peek(s);
	const char *str;
	size_t len;
	double v;
	if (c == '"')
		return dl_jscan_string(s, &str, &len);
	if (c == 't')
		return literal(s, "true");
	if (c == 'f')
		return literal(s, "false");
	if (c == 'n')
		return literal(s, "null");
	/* a number is only stepped over here: its characters, not its value */
	(void)v;
	if (!(c == '-' || (c >= '0' && c <= '9')))
		return -1;
	while (s->p < s->end && num_char(*s->p))
		s->p++;
	return 0;
}

int dl_jscan_skip(dl_jscan *s, const char **start, const char **stop)
{
	/* brackets are matched with an explicit stack of their kinds, no recursion */
	char stack[256];
	size_t depth = 0;
	if (dl_jscan_peek(s) < 0)
		return -1;
	if (start)
		*start = s->p;
	for (;;) {
		int c = dl_jscan_peek(s);
		if (c == '[' || c == '{') {
			if (depth == sizeof stack)
				return -1;
			stack[depth++] = (char)(c == '[' ? ']' : '}');
			s->p++;
			if (dl_jscan_peek(s) == stack[depth - 1]) {
				s->p++;
				depth--;
				goto after_value;
			}
			if (c == '{') {
				const char *str;
				size_t len;
				if (dl_jscan_string(s, &str, &len) < 0 || dl_jscan_eat(s, ':') < 0)
					return -1;
			}
			continue;
		}
		if (scalar(s) < 0)
			return -1;
after_value:
		if (depth == 0)
			break;
		int r = dl_jscan_next(s, stack[depth - 1]);
		if (r < 0)
			return -1;
		if (r == 0) {
			depth--;
			goto after_value;
		}
		if (stack[depth - 1] == '}') {
			const char *str;
			size_t len;
			if (dl_jscan_string(s, &str, &len) < 0 || dl_jscan_eat(s, ':') < 0)
				return -1;
		}
	}
	if (stop)
		*stop = s->p;
	return 0;
}

int dl_jscan_numbers(dl_jscan *s, double **out, size_t *n)
{
	double *a = NULL;
	size_t len = 0, cap = 0;
	*out = NULL;
	*n = 0;
	if (dl_jscan_eat(s, '[') < 0)
		return -1;
	if (dl_jscan_next(s, ']') == 0)
		return 0;
	for (;;) {
		double v;
		int c = dl_jscan_peek(s);
		if (c == '-' || (c >= '0' && c <= '9')) {
			if (dl_jscan_number(s, &v) < 0)
				goto fail;
		} else {
			if (dl_jscan_skip(s, NULL, NULL) < 0)
				goto fail;
			v = NAN;
		}
		DL_GROW(a, cap, len + 1);
		a[len++] = v;
		int r = dl_jscan_next(s, ']');
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
	}
	*out = a;
	*n = len;
	return 0;
fail:
	dl_free(a);
	return -1;
}
