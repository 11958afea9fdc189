/*
 * utf8.c — a table-free UTF-8 decoder following the well-formed byte sequences of
 * Unicode table 3-7, with an ASCII fast path for validation.
 */
#include "config.h"
#include "utf8.h"

#include <string.h>

size_t dl_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	*cp = 0xFFFD;
	if (n == 0)
		return 0;
	uint8_t b0 = p[0];
	if (b0 < 0x80) {
		*cp = b0;
		return 1;
	}
	size_t len;
	uint32_t c;
	uint8_t lo = 0x80, hi = 0xBF;   /* allowed range of the second byte */
	if (b0 >= 0xC2 && b0 <= 0xDF) {
		len = 2;
		c = b0 & 0x1F;
	} else if (b0 >= 0xE0 && b0 <= 0xEF) {
		len = 3;
		c = b0 & 0x0F;
		if (b0 == 0xE0)
			lo = 0xA0;          /* no overlong */
		else if (b0 == 0xED)
			hi = 0x9F;          /* no surrogates */
	} else if (b0 >= 0xF0 && b0 <= 0xF4) {
		len = 4;
		c = b0 & 0x07;
		if (b0 == 0xF0)
			lo = 0x90;
		else if (b0 == 0xF4)
			hi = 0x8F;          /* <= U+10FFFF */
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	c = (c << 6) | (p[1] & 0x3F);
	for (size_t i = 2; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	*cp = c;
	return len;
}

size_t dl_utf8_valid(const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t i = 0;
	while (i < n) {
		/* Eight ASCII bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = dl_utf8_decode(p + i, n - i, &cp);
		if (!k)
			return i;
		i += k;
	}
	return n;
}

size_t dl_utf8_encode(uint32_t cp, uint8_t out[4])
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xC0 | (cp >> 6));
		out[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xE0 | (cp >> 12));
		out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF) {
		out[0] = (uint8_t)(0xF0 | (cp >> 18));
		out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (uint8_t)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}
