/*
 * jsonl.h — tf.Example <-> JSON lines, losslessly (the mapping of man 5 dl-record).
 *
 * One Example per line, a JSON object whose keys are the feature names in stored order:
 *     {"a":{"int64":[1,2]},"b":{"float":[0.5,"NaN"]},"c":{"bytes":["x",{"base64":"/w=="}]},"d":{}}
 *   bytes  a JSON string when the value is valid UTF-8, else {"base64":"..."} (RFC 4648
 *          standard alphabet, padded);
 *   float  the shortest decimal that reads back (numfmt.h); "NaN" for the canonical quiet
 *          NaN 0x7fc00000, "NaN:0x7fc00001" (8 lower-case hex digits) for any other NaN,
 *          "Infinity", "-Infinity";
 *   int64  a JSON number when -2^53 <= I <= 2^53, else a string of its decimal value;
 *   {}     a Feature with no list set.
 * Strings escape '"', '\\', \b \f \n \r \t, other bytes below 0x20 and 0x7f as \u00xx;
 * valid UTF-8 is written raw. A feature-name byte that is not part of valid UTF-8 is
 * written as \udcXX (Python's "surrogateescape") and read back as that byte.
 *
 * The reader accepts what the writer writes, with any JSON whitespace, plus shorthand
 * values (a bare number, string, or non-empty array of them: integer literals -> int64,
 * numbers with a fraction or exponent -> float, a mix of both -> float, strings -> bytes),
 * integer strings in int64 lists, and every JSON escape (surrogate pairs, \u0000).
 * Float literals are converted by strtof (correctly rounded to binary32, never through
 * double). Duplicate keys: the last wins. Strings must be valid UTF-8 and free of raw
 * control characters, as JSON requires. Columns in messages are 1-based byte offsets.
 *
 * All functions are reentrant (no global state); one dl_example per thread.
 */
#ifndef DL_RECORD_JSONL_H
#define DL_RECORD_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "record/base64.h"
#include "record/example.h"
#include "record/numfmt.h"

/* Appends ex as one JSON line, '\n' included, to out. Returns 0 (it cannot fail). */
int dl_jsonl_write(const dl_example *ex, dl_buf *out);

/* Parses one line (len bytes, no NUL needed; a trailing '\n' or '\r' is whitespace) into
 * ex, which is cleared first. Returns 1 for an Example, 0 for a blank (whitespace-only)
 * line, -1 on error with e filled as "<what> at column C", e.g. "expected ':' after the
 * feature name at column 12" (no file or line prefix: the caller knows them). After an
 * error ex holds a partial Example: clear it before reuse (the calls here do). */
int dl_jsonl_parse(dl_example *ex, const char *line, size_t len, dl_err *e);

/* Reads the next Example from in, skipping blank lines (and a UTF-8 byte-order mark at the
 * start of the stream; columns on that line count from after it). Returns 1 with ex filled, 0 at the end of the stream, -1 with e
 * filled as "NAME:LINE: <what> at column C", or with the I/O error of the dl_in. */
int dl_jsonl_read(dl_in *in, dl_example *ex, dl_err *e);

/* Appends p[0..n) as a JSON string, escaped as feature names are (bytes outside valid
 * UTF-8 as \udcXX), for other JSON writers. */
void dl_json_string(dl_buf *out, const void *p, size_t n);

#endif
