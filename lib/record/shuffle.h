/*
 * shuffle.h — a uniformly random permutation of a stream of records, in bounded memory.
 *
 * Records are added one by one and come back, permuted, from dl_shuffle_finish. While they
 * fit in the memory budget they are kept in one arena and permuted with Fisher–Yates.
 * Past the budget the shuffle becomes the two-pass method of Rao (1961) and Sandelius
 * (1962): every record goes to one of DL_SHUFFLE_BUCKETS temporary files chosen uniformly
 * at random, then each bucket in turn is shuffled on its own (recursively, if a bucket is
 * itself over budget) and emitted. Independent uniform bucket labels followed by a uniform
 * permutation within each bucket give a uniform permutation of the whole.
 *
 * Memory: about the budget plus 16 bytes per buffered record (the index) and the stdio
 * buffers of the bucket files. Disk: the size of the input, once, in $TMPDIR.
 * Determinism: the output depends only on the input, the seed and the budget.
 */
#ifndef DL_RECORD_SHUFFLE_H
#define DL_RECORD_SHUFFLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define DL_SHUFFLE_BUCKETS 64

typedef struct dl_shuffle dl_shuffle;

/* A shuffle with the given seed and memory budget in bytes (at least 1). */
dl_shuffle *dl_shuffle_new(uint64_t seed, size_t budget);
/* Adds a record (copied). Returns 0, or -1 with e filled (temporary file errors). */
int dl_shuffle_add(dl_shuffle *s, const void *p, size_t n, dl_err *e);
/* Calls emit for every record in shuffled order. Returns 0, or -1 with e filled (temporary
 * file errors). Call once. */
typedef void (*dl_shuffle_emit)(void *ctx, const uint8_t *p, size_t n);
int dl_shuffle_finish(dl_shuffle *s, dl_shuffle_emit emit, void *ctx, dl_err *e);
/* Whether the records went to temporary files (for --verbose). */
int dl_shuffle_spilled(const dl_shuffle *s);
void dl_shuffle_free(dl_shuffle *s);

#endif
