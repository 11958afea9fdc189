/*
 * count.h — the first stage of estimation: every predicted token's top-order n-gram, sorted
 * in suffix order and counted, within a memory budget.
 *
 * Each token after <s> gives one key: its N-1 predecessors and itself (estimate.h's
 * packing), padded with <s> where the sentence begins, as lmplz pads. The tokens are taken
 * in chunks that fit half the budget (36 bytes a token: the keys, the radix sort's copy,
 * the counts);
 * each chunk is sorted and its equal keys merged with their count. One chunk is the result;
 * several are written to unlinked temporary files as sorted runs and merged (a binary heap
 * of run heads), so that the memory of counting stays within the budget plus the result
 * (20 bytes a distinct n-gram). Heafield et al. (ACL 2013), section 3.1, count the same way.
 */
#ifndef DL_NGRAM_COUNT_H
#define DL_NGRAM_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/threads.h"
#include "ngram/sort.h"

/* Counts the top-order n-grams of the id stream ids[0..n) (sentences ended by
 * DL_NGRAM_EOS). memory: the budget of counting (0: no limit, one chunk); chunks take
 * half of it, 36 bytes a token. Sets *keys and *cnt to the
 * distinct keys in ascending order and their counts (malloc'd). Returns their number, or
 * (size_t)-1 with e filled when a count passes 2^32 - 1 or a temporary file fails. */
size_t dl_ngram_count(const uint32_t *ids, size_t n, int order, unsigned bits,
		      uint64_t memory, dl_pool *pool, dl_ngram_key **keys, uint32_t **cnt,
		      size_t *runs, dl_err *e);

#endif
