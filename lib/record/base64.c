/*
 * base64.c — RFC 4648 section 4 base64 (standard alphabet, '=' padding), both ways.
 *
 * Encoding takes three bytes at a time to four characters. Decoding checks every
 * character and the padding, and writes each group of three bytes only after reading its
 * four characters, so it can run in place (output offset 3i/4 never passes input i).
 */
#include "config.h"
#include "base64.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

uint8_t *dl_base64_put(uint8_t *q, const uint8_t *p, size_t n)
{
	size_t i = 0;

	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*q++ = (uint8_t)b64_alphabet[v >> 18];
		*q++ = (uint8_t)b64_alphabet[(v >> 12) & 63];
		*q++ = (uint8_t)b64_alphabet[(v >> 6) & 63];
		*q++ = (uint8_t)b64_alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		*q++ = (uint8_t)b64_alphabet[v >> 18];
		*q++ = (uint8_t)b64_alphabet[(v >> 12) & 63];
		*q++ = '=';
		*q++ = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		*q++ = (uint8_t)b64_alphabet[v >> 18];
		*q++ = (uint8_t)b64_alphabet[(v >> 12) & 63];
		*q++ = (uint8_t)b64_alphabet[(v >> 6) & 63];
		*q++ = '=';
	}
	return q;
}

void dl_base64_encode(const void *p, size_t n, dl_buf *out)
{
	dl_buf_reserve(out, dl_base64_len(n));
	out->len = (size_t)(dl_base64_put(out->data + out->len, p, n) - out->data);
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

ptrdiff_t dl_base64_decode(const char *in, size_t n, uint8_t *out)
{
	size_t o = 0;

	if (n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int a = b64_value((unsigned char)in[i]), b = b64_value((unsigned char)in[i + 1]);
		int c = b64_value((unsigned char)in[i + 2]), d = b64_value((unsigned char)in[i + 3]);
		int last = i + 4 == n;

		if (a < 0 || b < 0)
			return -1;
		if (last && in[i + 2] == '=' && in[i + 3] == '=') {
			out[o++] = (uint8_t)(a << 2 | b >> 4);
			break;
		}
		if (last && c >= 0 && in[i + 3] == '=') {
			out[o++] = (uint8_t)(a << 2 | b >> 4);
			out[o++] = (uint8_t)((b & 15) << 4 | c >> 2);
			break;
		}
		if (c < 0 || d < 0)
			return -1;
		uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
		out[o++] = (uint8_t)(v >> 16);
		out[o++] = (uint8_t)(v >> 8);
		out[o++] = (uint8_t)v;
	}
	return (ptrdiff_t)o;
}
