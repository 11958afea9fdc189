/*
 * rng.h — a deterministic random number generator with independent streams.
 *
 * xoshiro256** (Blackman & Vigna, "Scrambled Linear Pseudorandom Number Generators", 2018),
 * seeded through splitmix64. Stream k of a seed starts 2^128 * k steps after stream 0 (the
 * generator's jump function), so per-thread streams never overlap: thread t of a parallel job
 * uses dl_rng_init(&r, seed, t) and the output depends only on (seed, t), never on timing.
 * That holds for k <= 64; a larger k (a stream per record, say) is seeded from the seed and k
 * through splitmix64 instead, which keeps dl_rng_init cheap and such streams apart with
 * overwhelming probability rather than by construction.
 * A dl_rng is a plain value: no locking, one per thread.
 */
#ifndef DL_CORE_RNG_H
#define DL_CORE_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct dl_rng {
	uint64_t s[4];
} dl_rng;

void dl_rng_init(dl_rng *r, uint64_t seed, uint64_t stream);
uint64_t dl_rng_u64(dl_rng *r);
/* Uniform in [0, n) without modulo bias (Lemire 2019, "Fast random integer generation in an
 * interval"); n > 0. */
uint64_t dl_rng_below(dl_rng *r, uint64_t n);
/* Uniform in [0, 1) with 53 random bits; dl_rng_float with 24. */
double dl_rng_double(dl_rng *r);
float dl_rng_float(dl_rng *r);
/* Standard normal (Marsaglia polar method). */
double dl_rng_normal(dl_rng *r);
/* Fisher-Yates shuffle of n elements of size elem. */
void dl_rng_shuffle(dl_rng *r, void *base, size_t n, size_t elem);
/* Advances by 2^128 steps. */
void dl_rng_jump(dl_rng *r);

/* splitmix64 step (Steele, Lea & Flood 2014), also a good 64-bit integer mixer. */
uint64_t dl_splitmix64(uint64_t *state);

#endif
