/*
 * features.h — hashed n-gram features of a line of text, for linear and tree classifiers
 * (the "hashing trick": Weinberger et al., "Feature Hashing for Large Scale Multitask
 * Learning", ICML 2009; n-gram buckets as in fastText, Joulin et al. 2017).
 *
 * The units are words (runs of non-whitespace bytes), characters (UTF-8 code points; a
 * byte that is not valid UTF-8 is a unit of its own) or bytes. Every n-gram of 1..order
 * consecutive units is hashed: unit hashes u_i (words: XXH64 of the bytes, seed 0;
 * characters and bytes: splitmix64's finaliser of the value, bytes offset by 2^32 when
 * invalid UTF-8); for the n-gram u_1..u_n, h_1 = mix(u_1), h_k = mix(h_{k-1} + u_k K),
 * and its id is mix(h_n + n K) mod buckets, with mix = splitmix64's finaliser and
 * K = 0x9e3779b97f4a7c15. The ids of a line come out ascending, each with its count.
 * Pure functions over the caller's buffers; thread-safe.
 */
#ifndef DL_NGRAM_FEATURES_H
#define DL_NGRAM_FEATURES_H

#include <stddef.h>
#include <stdint.h>

enum dl_ngram_unit { DL_NGRAM_WORDS = 0, DL_NGRAM_CHARS = 1, DL_NGRAM_BYTES = 2 };

typedef struct dl_ngram_feature {
	uint64_t id;
	uint32_t count;
} dl_ngram_feature;

typedef struct dl_ngram_featurizer {
	enum dl_ngram_unit unit;
	int order;                      /* n-grams of 1..order units */
	uint64_t buckets;               /* ids in [0, buckets) */
	uint64_t *units;                /* scratch: the unit hashes of a line */
	size_t units_cap;
	dl_ngram_feature *out;          /* the features of the last line */
	size_t nout, out_cap;
} dl_ngram_featurizer;

void dl_ngram_featurizer_init(dl_ngram_featurizer *f, enum dl_ngram_unit unit, int order,
			      uint64_t buckets);
void dl_ngram_featurizer_free(dl_ngram_featurizer *f);

/* The features of one line (n bytes, no newline): f->out[0 .. return value), ascending
 * ids with their counts. */
size_t dl_ngram_featurize(dl_ngram_featurizer *f, const char *line, size_t n);

#endif
