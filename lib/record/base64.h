/*
 * base64.h — base64 of RFC 4648 section 4: the standard alphabet (A-Z a-z 0-9 + /) with
 * '=' padding, no line breaks. Used for bytes that are not UTF-8 in JSON lines. Pure
 * functions; thread-safe.
 */
#ifndef DL_RECORD_BASE64_H
#define DL_RECORD_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"

/* Bytes needed to encode n bytes: 4 * ceil(n / 3). */
static inline size_t dl_base64_len(size_t n) { return (n + 2) / 3 * 4; }
/* Appends the encoding of p[0..n) to out (no NUL, no line breaks). */
void dl_base64_encode(const void *p, size_t n, dl_buf *out);
/* Writes the encoding of p[0..n) at q, which has room for dl_base64_len(n) bytes; returns
 * the end. */
uint8_t *dl_base64_put(uint8_t *q, const uint8_t *p, size_t n);
/* Decodes in[0..n) into out, which needs room for n / 4 * 3 bytes and may be in itself
 * (decoding runs forwards and never overtakes its input). The input must be a multiple of
 * 4 characters of the alphabet, with '=' padding only at the end; the unused low bits of
 * the last character are ignored. Returns the decoded length, or -1 when the input is not
 * base64. */
ptrdiff_t dl_base64_decode(const char *in, size_t n, uint8_t *out);

#endif
