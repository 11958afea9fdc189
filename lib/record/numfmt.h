/*
 * numfmt.h — numbers as text, exactly: the shortest float32 decimal that reads back
 * bit-identically, int64 digits written by hand, and a strict int64 parser.
 *
 * These are the number rules of the JSON-lines mapping and of CSV output (man 5 dl-record):
 * a float is printed with the digits of the first of printf's %.1g, %.2g, ..., %.9g that
 * strtof reads back to the same bits, laid out as Python's float repr lays them out.
 * Pure functions; thread-safe. They assume the "C" locale for '.'.
 */
#ifndef DL_RECORD_NUMFMT_H
#define DL_RECORD_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* Longest outputs: "-1234567890000000" (17 bytes), "-9223372036854775808" (20 bytes). */
#define DL_FLOAT_BUFSIZE 32
#define DL_INT64_BUFSIZE 24

/* Writes the shortest round-trip decimal of v into buf, NUL-terminated, and returns its
 * length. The digits are those of the first %.Ng (N = 1..9) whose text strtof turns back
 * into v's exact bits; with X the decimal exponent of the first digit, they are written
 * positionally when -4 <= X <= 15, padded with zeros, else as d.ddde+XX (at least two
 * exponent digits, the sign always), as Python's repr does but without a trailing ".0":
 * 0.1f -> "0.1", 100.0f -> "100", 1e10f -> "10000000000", 1e-4f -> "0.0001",
 * 1e16f -> "1e+16", 1e-5f -> "1e-05", -0.0f -> "-0". Non-finite values
 * give "NaN" (whatever the payload and sign), "Infinity" and "-Infinity"; callers that
 * must keep NaN payloads (the JSON writer) handle NaN themselves. */
size_t dl_format_float(char buf[DL_FLOAT_BUFSIZE], float v);

/* strtof of p[0..n), which need not be NUL-terminated: the caller has checked that the
 * whole text is a number strtof reads in full (a decimal literal, or nan/inf forms).
 * Correctly rounded to binary32 as strtof is (never through a double rounding); short
 * literals take a fast path (Clinger's) and skip strtof. Allocates only for texts of 64
 * bytes or more. */
float dl_strtof(const char *p, size_t n);

/* Writes v in decimal ("-42"), NUL-terminated; returns the length (1..20). */
size_t dl_format_int64(char buf[DL_INT64_BUFSIZE], int64_t v);

/* Parses p[0..n) as [+-]?[0-9]+ (nothing else: no spaces, no empty digits).
 * Returns 0 and sets *v; -1 when the text does not have that form; -2 when it does but
 * the value is outside int64. */
int dl_parse_int64(const char *p, size_t n, int64_t *v);

#endif
