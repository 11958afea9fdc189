/*
 * farmhash.h — the 64-bit fingerprint TensorFlow hashes strings with, and its combiner.
 *
 * dl_fingerprint64 is FarmHash's Fingerprint64 (farmhashna::Hash64 on a little-endian
 * machine), written from the published algorithm (Pike and Alakuijala, FarmHash, 2014:
 * the 0-16, 17-32, 33-64 and over-64-byte paths with the constants k0, k1, k2). It is what
 * TensorFlow's string_to_hash_bucket_fast and the sparse-cross op use, stable across
 * platforms. dl_fingerprint_cat64 is TensorFlow's FingerprintCat64 (core/lib/hash, used by
 * HashCrosser in sparse_cross_op.cc) that chains fingerprints into one.
 * Pure functions; thread-safe.
 */
#ifndef DL_FEATURES_FARMHASH_H
#define DL_FEATURES_FARMHASH_H

#include <stddef.h>
#include <stdint.h>

/* FarmHash Fingerprint64 of p[0..n) (p may be NULL when n is 0). */
uint64_t dl_fingerprint64(const void *p, size_t n);

/* FingerprintCat64(a, b): mixes fingerprint b into a, order-dependent. */
uint64_t dl_fingerprint_cat64(uint64_t a, uint64_t b);

/* The default hash key of TensorFlow's crossed columns (sparse_ops._DEFAULT_HASH_KEY). */
#define DL_CROSS_HASH_KEY UINT64_C(0xDECAFCAFFE)

/* The id TensorFlow's crossed column gives one combination: start from key, chain each of
 * the n fingerprints f[i] (Fingerprint64 of a string value, or the int64 value itself),
 * then take it modulo buckets (modulo INT64_MAX when buckets is 0, as the op does). */
uint64_t dl_cross_hash(uint64_t key, const uint64_t *f, size_t n, uint64_t buckets);

#endif
