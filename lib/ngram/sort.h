/*
 * sort.h — radix sort of packed n-gram keys (128-bit unsigned integers) carrying a 32-bit
 * payload, the workhorse of counting and estimation.
 *
 * LSD radix sort, 11 bits a pass over the low `bits` bits of the keys (the others must be
 * zero), skipping passes in which every key has the same digit. Stable. Each pass cuts the
 * array into one slice per thread: a histogram per slice, then a scatter per slice into its
 * own ranges, so the result does not depend on the thread count. Needs a scratch copy of
 * the arrays (allocated and freed here). Sorting is in place as seen by the caller.
 */
#ifndef DL_NGRAM_SORT_H
#define DL_NGRAM_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/threads.h"

typedef unsigned __int128 dl_ngram_key;

/* Sorts keys[0..n) ascending, moving val[i] with keys[i] (val may be NULL). pool may be NULL
 * (one thread). */
void dl_ngram_sort(dl_ngram_key *keys, uint32_t *val, size_t n, unsigned bits, dl_pool *pool);

#endif
