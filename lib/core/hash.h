/*
 * hash.h — a fast, well-distributed, seedable 64-bit hash: XXH64, written from Yann Collet's
 * xxHash specification (doc/xxhash_spec.md, "XXH64 algorithm description"). Values equal
 * those of the reference implementation (`xxhsum -H1`), tested on committed vectors. Not
 * cryptographic. Pure functions; thread-safe.
 */
#ifndef DL_CORE_HASH_H
#define DL_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t dl_hash64(const void *p, size_t n, uint64_t seed);

static inline uint64_t dl_hash_str(const char *s, size_t n) { return dl_hash64(s, n, 0); }

#endif
