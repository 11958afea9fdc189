/*
 * numfmt.h — numbers as text, exactly: the shortest float32 decimal that reads back
 * bit-identically, int64 digits written by hand, and a strict int64 parser.
 *
 * These are the number rules of the JSON-lines mapping and of CSV output (man 5 dl-record):
 * a float is printed as the first of printf's %.1g, %.2g, ..., %.9g that strtof reads back
 * to the same bits. Pure functions; thread-safe. They assume the "C" locale for '.'.
 */
#ifndef DL_RECORD_NUMFMT_H
#define DL_RECORD_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* Longest outputs: "-1.17549435e-38" (15 bytes), "-9223372036854775808" (20 bytes). */
#define DL_FLOAT_BUFSIZE 32
#define DL_INT64_BUFSIZE 24

/* Writes the shortest round-trip decimal of v into buf, NUL-terminated, and returns its
 * length: the first %.Ng (N = 1..9) whose text strtof turns back into v's exact bits, so
 * 0.1f -> "0.1", 100.0f -> "1e+02", 1e10f -> "1e+10", -0.0f -> "-0". Non-finite values
 * give "NaN" (whatever the payload and sign), "Infinity" and "-Infinity"; callers that
 * must keep NaN payloads (the JSON writer) handle NaN themselves. */
size_t dl_format_float(char buf[DL_FLOAT_BUFSIZE], float v);

/* Writes v in decimal ("-42"), NUL-terminated; returns the length (1..20). */
size_t dl_format_int64(char buf[DL_INT64_BUFSIZE], int64_t v);

/* Parses p[0..n) as [+-]?[0-9]+ (nothing else: no spaces, no empty digits).
 * Returns 0 and sets *v; -1 when the text does not have that form; -2 when it does but
 * the value is outside int64. */
int dl_parse_int64(const char *p, size_t n, int64_t *v);

#endif
