/*
 * arpa.h — the ARPA text format of backoff n-gram models (Doug Paul's format, as SRILM and
 * KenLM write it):
 *
 *     \data\
 *     ngram 1=COUNT ... ngram N=COUNT
 *     \1-grams:
 *     LOG10PROB<TAB>WORD<TAB>LOG10BACKOFF      (the backoff may be missing: 0)
 *     ...
 *     \N-grams:
 *     LOG10PROB<TAB>W1 .. WN                   (no backoff at the top order)
 *     \end\
 *
 * Words are separated by spaces or tabs. The reader is a push parser that hands each
 * n-gram to a sink (model.c builds its hash tables from it); it never dies: a malformed
 * file gives -1 and "FILE:LINE: what is wrong" in the dl_err — a count that disagrees with
 * its section, a bad number, an n-gram of the wrong order, a missing \end\, text after it.
 */
#ifndef DL_NGRAM_ARPA_H
#define DL_NGRAM_ARPA_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/io.h"
#include "core/threads.h"
#include "ngram/estimate.h"

#define DL_NGRAM_ARPA_MAX_ORDER 16

typedef struct dl_arpa_sink {
	void *ctx;
	/* The header has been read: order and the counts of each order (counts[0] = 1-grams).
	 * Returns 0, or -1 with e filled (the reader adds the file and line). */
	int (*header)(void *ctx, int order, const uint64_t *counts, dl_err *e);
	/* One n-gram: its n words (pointers into the reader's buffer, valid during the call)
	 * with lengths, log10 probability and log10 backoff (0 when absent). */
	int (*ngram)(void *ctx, int n, const char *const *w, const size_t *wl, float prob,
		     float bo, dl_err *e);
} dl_arpa_sink;

/* Reads an ARPA model from in into sink. Returns 0, or -1 with e filled. */
int dl_arpa_read(dl_in *in, const dl_arpa_sink *sink, dl_err *e);

/* Writes an estimated model as ARPA (numbers with 7 decimals, trailing zeros dropped),
 * formatting in the threads of pool (NULL: the caller's only); the bytes do not depend on
 * the threads. */
void dl_arpa_write(const dl_ngram_est *m, dl_out *out, dl_pool *pool);

/* Formats x as dl_arpa_write does into p (room for 32 bytes); returns the end. */
char *dl_arpa_format(char *p, float x);

#endif
