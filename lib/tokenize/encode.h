/*
 * encode.h — encoding text files to token ids with threads, in input order.
 *
 * The input is read in blocks (tokenize/blocks.h), each block cut into segments (lines, or
 * parts of a whole-file document cut where no piece can cross), the segments encoded by the
 * threads and the output written in input order. The output is the same, byte for byte,
 * whatever the thread count.
 *
 * Output formats, one unit per document (a line with lines, else a file):
 *   DL_IDS_TEXT     the ids in decimal separated by spaces, then '\n'
 *   DL_IDS_JSONL    {"ids":[1,2,3]} and '\n'
 *   DL_IDS_RECORDS  a TFRecord-framed tf.Example with the int64 feature "ids"
 */
#ifndef DL_TOKENIZE_ENCODE_H
#define DL_TOKENIZE_ENCODE_H

#include <stdint.h>
#include "core/error.h"
#include "core/io.h"
#include "tokenize/model.h"

enum dl_ids_format { DL_IDS_TEXT, DL_IDS_JSONL, DL_IDS_RECORDS };

struct dl_encode_opts {
	const dl_bpe *model;
	/* How each special token of the model is treated (index as in dl_bpe_special_name);
	 * NULL: all are text. */
	const enum dl_special_use *use;
	enum dl_ids_format format;
	int lines;              /* each line is a document (else each file) */
	int threads;            /* 1 or more */
	int quiet;              /* no progress on stderr */
	dl_out *out;            /* where the output goes (the caller opens and closes it) */
};

/* What was encoded. */
struct dl_encode_stats {
	uint64_t docs, tokens;
};

/* Encodes files[0..nfiles) (nfiles 0: standard input) to o->out and fills *st. Returns 0;
 * or -1 with e filled when an input cannot be opened or read, or when the text holds a
 * special token whose use is DL_SPECIAL_DISALLOWED ("FILE: line N: the text holds the
 * special token T (...)" with lines, else "FILE: byte offset N: ..."). On -1 the output
 * may hold part of the result (with a disallowed token and lines, documents before the
 * token's), for the caller to discard. Output errors are handled by dl_out (which dies).
 * Runs its own threads; the model is only read. */
int dl_encode_files(const struct dl_encode_opts *o, char **files, int nfiles,
		    struct dl_encode_stats *st, dl_err *e);

#endif
