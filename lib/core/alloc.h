/*
 * alloc.h — allocation that never returns NULL and never overflows silently.
 *
 * Each function dies with "out of memory" (exit 1) when the allocator fails, and with
 * "allocation size overflow" when n * size does not fit in size_t. dl_free(NULL) is fine.
 * A growable byte buffer (dl_buf) lives here too: encoders append to one and hand it on.
 */
#ifndef DL_CORE_ALLOC_H
#define DL_CORE_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

void *dl_malloc(size_t size);
void *dl_calloc(size_t n, size_t size);          /* zeroed */
void *dl_mallocarray(size_t n, size_t size);
void *dl_reallocarray(void *p, size_t n, size_t size);
/* n * size bytes at an address that is a multiple of align (a power of two, at least
 * sizeof(void *)), for rows that must start on a cache line; released with dl_free. */
void *dl_aligned_alloc(size_t n, size_t size, size_t align);
char *dl_strdup(const char *s);
char *dl_strndup(const char *s, size_t n);
#define dl_free free

/* Returns 1 and stores a*b in *out when it fits, else 0. */
static inline int dl_mul_ok(size_t a, size_t b, size_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

/* Grows *p (an array of *cap elements of size elem) so that it holds at least need
 * elements; capacity doubles. */
void dl_grow(void **p, size_t *cap, size_t need, size_t elem);
#define DL_GROW(ptr, cap, need) dl_grow((void **)&(ptr), &(cap), (need), sizeof *(ptr))

/* A growable byte buffer. Zero-initialise ({0}) or dl_buf_init; dl_buf_free releases. */
typedef struct dl_buf {
	uint8_t *data;
	size_t len, cap;
} dl_buf;

void dl_buf_reserve(dl_buf *b, size_t extra);    /* room for extra more bytes */
void dl_buf_append(dl_buf *b, const void *p, size_t n);
void dl_buf_putc(dl_buf *b, int c);
void dl_buf_puts(dl_buf *b, const char *s);
void dl_buf_printf(dl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void dl_buf_clear(dl_buf *b) { b->len = 0; }
void dl_buf_free(dl_buf *b);

#endif
