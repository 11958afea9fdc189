/*
 * alloc.c — checked allocation and the growable byte buffer.
 */
#include "config.h"
#include "alloc.h"
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void oom(size_t n)
{
	dl_die("out of memory (allocating %zu bytes)", n);
}

void *dl_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		oom(size);
	return p;
}

void *dl_calloc(size_t n, size_t size)
{
	size_t total;
	if (!dl_mul_ok(n, size, &total))
		dl_die("allocation size overflow (%zu x %zu)", n, size);
	void *p = calloc(total ? n : 1, total ? size : 1);
	if (!p)
		oom(total);
	return p;
}

void *dl_aligned_alloc(size_t n, size_t size, size_t align)
{
	size_t total;
	void *p = NULL;
	if (!dl_mul_ok(n, size, &total))
		dl_die("allocation size overflow (%zu x %zu)", n, size);
	if (posix_memalign(&p, align, total ? total : align))
		oom(total);
	return p;
}

void *dl_mallocarray(size_t n, size_t size)
{
	return dl_reallocarray(NULL, n, size);
}

void *dl_reallocarray(void *p, size_t n, size_t size)
{
	size_t total;
	if (!dl_mul_ok(n, size, &total))
		dl_die("allocation size overflow (%zu x %zu)", n, size);
	void *q = realloc(p, total ? total : 1);
	if (!q)
		oom(total);
	return q;
}

char *dl_strdup(const char *s)
{
	return dl_strndup(s, strlen(s));
}

char *dl_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = dl_malloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void dl_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : 8;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			dl_die("allocation size overflow (%zu elements)", need);
		c *= 2;
	}
	*p = dl_reallocarray(*p, c, elem);
	*cap = c;
}

void dl_buf_reserve(dl_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len)
		dl_die("allocation size overflow (buffer)");
	dl_grow((void **)&b->data, &b->cap, b->len + extra, 1);
}

void dl_buf_append(dl_buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	dl_buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void dl_buf_putc(dl_buf *b, int c)
{
	dl_buf_reserve(b, 1);
	b->data[b->len++] = (uint8_t)c;
}

void dl_buf_puts(dl_buf *b, const char *s)
{
	dl_buf_append(b, s, strlen(s));
}

void dl_buf_printf(dl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		dl_die("formatting error");
	dl_buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void dl_buf_free(dl_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
