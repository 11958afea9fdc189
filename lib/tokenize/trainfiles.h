/*
 * trainfiles.h — the parts of BPE training that work on files: counting the pieces of text
 * files with threads, and the token table that the learned merges make.
 *
 * Counting reads the files in blocks (tokenize/blocks.h) cut where no piece can cross, so
 * that a whole-file document of any size is counted in bounded memory and split among the
 * threads with the same pieces as in one go; the counts do not depend on the thread count.
 */
#ifndef DL_TOKENIZE_TRAINFILES_H
#define DL_TOKENIZE_TRAINFILES_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "tokenize/count.h"
#include "tokenize/pretok.h"

struct dl_count_opts {
	dl_pretok pattern;
	const char *const *specials;    /* special tokens: their text is left out */
	size_t nspecials;
	int lines;              /* each line is a document (else each file) */
	int threads;            /* 1 or more */
	int quiet;              /* no progress on stderr */
};

/* Counts the pieces of files[0..nfiles) (nfiles 0: standard input; "-" names it). Returns
 * a new counter (the caller frees it) and sets *docs (the documents) and *bytes (the bytes
 * read); or NULL with e filled when a file cannot be opened or read. */
dl_piece_counter *dl_count_files(const struct dl_count_opts *o, char **files, int nfiles,
				 uint64_t *docs, uint64_t *bytes, dl_err *e);

/* The tokens of a model made by k merges (merges[i] joins two earlier tokens into token
 * 256 + i): the 256 bytes, then one per merge. Two merges can make the same bytes ("a"+"bc"
 * after "ab"+"c"); a rank table holds each token once, so later repeats are dropped and the
 * tokens after them move up. Sets *tok and *len to malloc'd arrays of the returned count
 * (each token malloc'd; the caller frees them all) and *dropped to the repeats dropped. */
size_t dl_bpe_merge_tokens(const uint32_t (*merges)[2], size_t k, uint8_t ***tok,
			   uint32_t **len, size_t *dropped);

#endif
