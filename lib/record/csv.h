/*
 * csv.h — CSV with a header row <-> tf.Example, with column type inference.
 *
 * Reading (RFC 4180): a header row of distinct, non-empty names; a one-byte delimiter;
 * fields optionally quoted with '"' ("" inside is a quote; delimiters, CR and LF inside are
 * literal); lines end in LF or CRLF; a UTF-8 byte-order mark at the very start is dropped;
 * the last line may lack its newline. An empty line is skipped when the header has more
 * than one column (with one column it is a row whose cell is missing).
 * Cells: an unquoted empty cell is missing (no feature); a quoted empty cell "" is the
 * empty string in a bytes column and missing in a numeric one. Column types: int64 when
 * every non-empty cell is [+-]?[0-9]+ within int64; else float when every non-empty cell
 * is a decimal number ([+-]?digits[.digits][e[+-]digits], .5 and 5. too) or nan, inf,
 * infinity (any case, optional sign); else bytes. A column without a non-empty cell is
 * float. Floats are converted by strtof (correctly rounded to binary32).
 * Each row becomes an Example of one-value lists: the label column first (when given), then
 * the other columns in header order.
 *
 * Inference reads every row before the first Example is returned: a regular file is read
 * twice; anything else (stdin, a pipe, a dl_in) is copied while it is read the first time
 * to an unlinked temporary file in $TMPDIR, which the second pass reads (core/tmp.h).
 * With infer_rows = N only the first N rows are read ahead (and only their bytes spooled);
 * a later cell that does not fit the type is then an error. When every column's type is
 * forced there is a single pass.
 *
 * Writing: a header of the columns, then one row per Example, each value in its column's
 * cell (int64 decimal; float as in numfmt.h, NaN/Infinity/-Infinity bare; bytes raw, or
 * quoted when they hold the delimiter, '"', CR or LF, are empty, or start or end with a
 * space; the first header name also when it starts with a byte-order mark). Lines end
 * in LF.
 *
 * Messages name the input as "NAME:LINE: ..." where LINE is the physical line on which
 * the row starts. A reader or writer is used by one thread at a time.
 */
#ifndef DL_RECORD_CSV_H
#define DL_RECORD_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/io.h"
#include "record/example.h"

typedef struct dl_csv_options {
	char delimiter;                 /* 0 means ',' */
	const char *label;              /* column to put first, or NULL */
	const char *const *types;       /* "NAME=TYPE" (TYPE int64, float or bytes); later wins */
	size_t ntypes;
	uint64_t infer_rows;            /* rows that decide the types; 0 = all rows */
} dl_csv_options;

typedef struct dl_csv_reader dl_csv_reader;

/* Opens path ("-" or NULL = stdin) and reads ahead as inference needs (see above), so
 * errors in the data may already show here. Returns NULL with e filled on error. Errors
 * that are the caller's mistake rather than the data's — the label or a --type naming a
 * column the header lacks, a malformed "NAME=TYPE", a delimiter that is '"', CR or LF —
 * are marked so that dl_csv_usage_error(e) returns 1 for them (a command reports them as
 * usage errors). */
dl_csv_reader *dl_csv_open(const char *path, const dl_csv_options *opt, dl_err *e);
/* The same over an open input, which is always spooled (it cannot be reopened). in is
 * borrowed: it must stay open until dl_csv_close, which does not close it. */
dl_csv_reader *dl_csv_open_in(dl_in *in, const dl_csv_options *opt, dl_err *e);
/* After dl_csv_open or dl_csv_open_in failed: 1 when e is a usage error, else 0. */
int dl_csv_usage_error(const dl_err *e);

/* Reads the next row into ex (cleared first). Returns 1, 0 at the end, or -1 with e filled
 * ("data.csv:7: row has 3 fields, the header has 4", "data.csv:9: column 'x': 'abc' is
 * not a float"). After -1 or 0 every further call returns the same. */
int dl_csv_next(dl_csv_reader *r, dl_example *ex, dl_err *e);
/* Frees the reader, closes what it opened and removes the spool. NULL is fine. */
void dl_csv_close(dl_csv_reader *r);

/* The columns in header order, with their (inferred or forced) types. A name is
 * NUL-terminated but may hold NUL bytes itself: its length is dl_csv_column_name_len. */
size_t dl_csv_ncolumns(const dl_csv_reader *r);
const char *dl_csv_column_name(const dl_csv_reader *r, size_t i);
size_t dl_csv_column_name_len(const dl_csv_reader *r, size_t i);
enum dl_feature_kind dl_csv_column_kind(const dl_csv_reader *r, size_t i);
/* The input's name in messages, and the line on which the last row returned started. */
const char *dl_csv_name(const dl_csv_reader *r);
uint64_t dl_csv_line(const dl_csv_reader *r);

/* ---- writer */
typedef struct dl_csv_writer dl_csv_writer;

/* A writer of the columns named in the comma-separated list (as given to --columns; an
 * empty string is one column with an empty name), or in names[0..n). It writes the header
 * at once. out is borrowed and stays open after dl_csv_writer_free. A name listed twice
 * gets the feature's value in both cells. */
dl_csv_writer *dl_csv_writer_new(dl_out *out, const char *columns, char delimiter);
dl_csv_writer *dl_csv_writer_new_names(dl_out *out, const char *const *names, size_t n,
				       char delimiter);
/* A writer whose columns are ex's features in their order. */
dl_csv_writer *dl_csv_writer_from_example(dl_out *out, const dl_example *ex, char delimiter);

/* Writes ex as one row. Returns 0, or -1 with e filled and nothing written when a feature
 * is not a column ("feature 'z' is not a column (name the columns with --columns)") or
 * has more than one value; the caller adds the record's position. A missing column, a
 * feature with no list set or an empty list is an empty cell. */
int dl_csv_write(dl_csv_writer *w, const dl_example *ex, dl_err *e);
/* Frees the writer (NULL is fine); the output is left to the caller. */
void dl_csv_writer_free(dl_csv_writer *w);

#endif
