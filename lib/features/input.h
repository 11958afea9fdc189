/*
 * input.h — rows for the feature columns: CSV with a header, JSON lines or TFRecord files
 * of tf.Example, read in one streaming pass and in constant memory.
 *
 * The reader is told the keys (input feature names) the spec reads and hands out, for each
 * row, each key's values: a CSV cell as text (one value, or none when the cell is empty
 * and unquoted), a JSON-lines or record feature as its list of bytes, floats or int64s.
 * Only the keys are looked at: other CSV cells are split but not converted, other features
 * are skipped.
 *
 * CSV follows RFC 4180 as lib/record's reader does (a header of distinct names, a one-byte
 * delimiter, '"' quoting with "" inside, CR LF or LF, a byte-order mark dropped, quoted
 * cells that span lines) but is its own single pass over the text: no type inference,
 * no spool, nothing converted that the spec does not read. A key missing from the header
 * is an error when the reader is opened.
 *
 * JSON lines and records are decoded by lib/record (jsonl.h, example.h, tfrecord.h).
 * Errors come in two kinds: a bad row (a CSV row of the wrong width, a JSON line that does
 * not parse, a record payload that is not an Example), after which the next row can be
 * read — dl_frows_next returns -2 — and a broken stream (I/O, a bad quote at the end of
 * the file, a record's framing or CRC), which returns -1 and ends reading. Messages name
 * the input and the line ("data.csv:12: ...") or record ("data.tfrecord: record 3: ...").
 * Not thread-safe per object.
 */
#ifndef DL_FEATURES_INPUT_H
#define DL_FEATURES_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "record/example.h"

enum dl_frows_format { DL_FROWS_AUTO, DL_FROWS_CSV, DL_FROWS_JSONL, DL_FROWS_RECORDS };

/* Parses "auto", "csv", "jsonl", "records"; -1 for anything else. */
int dl_frows_format_parse(const char *s);

/* One value of a key in the current row. */
struct dl_fval {
	enum dl_feature_kind kind;   /* BYTES (CSV cells are BYTES), FLOAT or INT64 */
	const char *s;               /* BYTES: s[0..n), not NUL-terminated */
	size_t n;
	float f;
	int64_t i;
};

typedef struct dl_frows dl_frows;

/* Opens path ("-" or NULL = stdin). format AUTO looks at the first bytes: a TFRecord
 * header means records, '{' (after a byte-order mark and blanks) JSON lines, else CSV.
 * delimiter 0 means ','. keys[0..nkeys) are borrowed and must outlive the reader. */
dl_frows *dl_frows_open(const char *path, enum dl_frows_format format, char delimiter,
			char *const *keys, size_t nkeys, dl_err *e);
/* The same over data[0..len) in memory (borrowed until dl_frows_close), named name. */
dl_frows *dl_frows_open_mem(const void *data, size_t len, const char *name,
			    enum dl_frows_format format, char delimiter, char *const *keys,
			    size_t nkeys, dl_err *e);
void dl_frows_close(dl_frows *r);

/* Reads the next row: 1, 0 at the end, -2 for a bad row (e filled; the next call goes
 * on), -1 for an error that ends the stream (e filled; every later call returns -1). */
int dl_frows_next(dl_frows *r, dl_err *e);

/* The values of key k in the current row, and value j of them (j < the count). */
size_t dl_frows_count(const dl_frows *r, size_t k);
void dl_frows_value(const dl_frows *r, size_t k, size_t j, struct dl_fval *v);

/* The format read, and the position of the current row for messages: "NAME:LINE" or
 * "NAME: record N" (in a buffer valid until the next call). */
enum dl_frows_format dl_frows_format(const dl_frows *r);
const char *dl_frows_where(dl_frows *r);
/* Adds off to the line numbers of messages (for a reader of one block of a larger file). */
void dl_frows_set_line_offset(dl_frows *r, uint64_t off);
/* Bytes read so far (uncompressed). */
uint64_t dl_frows_offset(const dl_frows *r);

#endif
