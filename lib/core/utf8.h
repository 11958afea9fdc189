/*
 * utf8.h — UTF-8 validation, decoding and encoding (RFC 3629 / Unicode 15, table 3-7):
 * no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
 * Pure functions; thread-safe.
 */
#ifndef DL_CORE_UTF8_H
#define DL_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Returns n when p[0..n) is valid UTF-8, else the offset of the first byte of the first
 * invalid sequence. */
size_t dl_utf8_valid(const void *p, size_t n);
/* Decodes one code point at p (n bytes available). Returns its length (1-4) and sets *cp;
 * returns 0 for an invalid or truncated sequence (then *cp = U+FFFD). */
size_t dl_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp);
/* Encodes cp (<= 0x10FFFF, not a surrogate) into out[4]; returns its length, or 0. */
size_t dl_utf8_encode(uint32_t cp, uint8_t out[4]);

#endif
