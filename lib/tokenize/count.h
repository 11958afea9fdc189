/*
 * count.h — counting the distinct pieces of a corpus for BPE training.
 *
 * A counter maps each distinct piece (bytes, as cut by a dl_pretok pattern) to its number of
 * occurrences (64-bit). Memory grows with the number of distinct pieces, not with the corpus.
 * One counter per thread; counters are then merged. Documents are counted one by one: a piece
 * never spans two documents.
 */
#ifndef DL_TOKENIZE_COUNT_H
#define DL_TOKENIZE_COUNT_H

#include <stddef.h>
#include <stdint.h>
#include "tokenize/pretok.h"

typedef struct dl_piece_counter dl_piece_counter;

dl_piece_counter *dl_piece_counter_new(dl_pretok pattern);
void dl_piece_counter_free(dl_piece_counter *c);
/* Cuts one document into pieces and counts them. */
void dl_piece_counter_add_doc(dl_piece_counter *c, const uint8_t *text, size_t len);
/* Counts one piece (already cut) count times. */
void dl_piece_counter_add_piece(dl_piece_counter *c, const uint8_t *piece, size_t len,
				uint64_t count);
/* Adds everything src counted into dst (src is left unchanged). */
void dl_piece_counter_merge(dl_piece_counter *dst, const dl_piece_counter *src);
/* The number of distinct pieces, and the sum of all counts. */
size_t dl_piece_counter_size(const dl_piece_counter *c);
uint64_t dl_piece_counter_total(const dl_piece_counter *c);

/* One distinct piece; bytes point into the counter (valid until it is freed). */
typedef struct {
	const uint8_t *bytes;
	size_t len;
	uint64_t count;
} dl_bpe_word;
/* The distinct pieces in a malloc'd array (*n set), sorted by bytes (memcmp order, a prefix
 * first), so that the result does not depend on how the counting was split across threads. */
dl_bpe_word *dl_piece_counter_words(const dl_piece_counter *c, size_t *n);

#endif
