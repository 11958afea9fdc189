/*
 * blocks.h — apply on several threads: a CSV or JSON-lines file cut into blocks of whole
 * rows, each block transformed by a worker on its own, the outputs written in input order.
 *
 * The output is byte for byte what the one-thread loop writes (dl_frows_next, dl_fx_apply,
 * dl_fout_write), and so are the messages: a block's rows are numbered from the block's
 * first line in the file. Rolling columns need every row in order, so a spec with one is
 * not cut into blocks (dl_fx_blocks_ok says so), nor is a records file (its framing has no
 * cheap cut points) or a stream.
 */
#ifndef DL_FEATURES_BLOCKS_H
#define DL_FEATURES_BLOCKS_H

#include <stdint.h>

#include "core/error.h"
#include "core/io.h"
#include "features/input.h"
#include "features/spec.h"
#include "features/transform.h"

/* 1 when apply of s over input of format f can run in blocks. */
int dl_fx_blocks_ok(const dl_fspec *s, enum dl_frows_format f);

struct dl_fx_run {
	int threads;           /* workers (>= 1) */
	int skip;              /* skip bad rows (else the first one ends the run) */
	uint64_t rows, bad;    /* out: rows written, bad rows skipped */
	char first_bad[600];   /* out: the first bad row's message */
};

/* Applies s to path (format f: CSV or JSON lines; delimiter for CSV) and writes the rows
 * to out through a writer of format of (which the caller made: it has written the CSV
 * header). Returns 0, or -1 with e filled: an I/O error, or the first bad row when
 * run->skip is 0 ("data.csv:12: column 'x': 'abc' is not a number"). */
int dl_fx_apply_blocks(const dl_fspec *s, const char *path, enum dl_frows_format f,
		       char delimiter, enum dl_fout_format of, dl_out *out, struct dl_fx_run *run,
		       dl_err *e);

#endif
