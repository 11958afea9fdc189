/*
 * tfverify.h — verifying an uncompressed TFRecord file with several threads (see tfverify.c
 * for how the file is cut and how the cuts are proven).
 */
#ifndef DL_RECORD_TFVERIFY_H
#define DL_RECORD_TFVERIFY_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"

/* Checks every record of the regular file path (header CRC, data CRC and, when validate is
 * not NULL, validate(payload)) with up to threads threads, each on a part of at least
 * min_part bytes (0: 32 MiB). Returns 1 with *records and *bytes set when all of it is good;
 * 0 when it cannot tell: fewer than two parts, not a regular uncompressed record file, or
 * anything wrong at all. On 0 the caller reads the file sequentially, which reports the first
 * problem exactly. Nothing is printed. */
int dl_tfrecord_verify_parallel(const char *path, int threads, uint64_t min_part,
				int (*validate)(const uint8_t *p, size_t n, dl_err *e),
				uint64_t *records, uint64_t *bytes);

#endif
