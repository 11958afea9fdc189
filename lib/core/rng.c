/*
 * rng.c — xoshiro256** with splitmix64 seeding and the 2^128 jump.
 */
#include "config.h"
#include "rng.h"

#include <math.h>
#include <string.h>

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t dl_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t dl_rng_u64(dl_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

void dl_rng_jump(dl_rng *r)
{
	/* The jump polynomial published with xoshiro256**: equivalent to 2^128 calls. */
	static const uint64_t J[] = {0x180ec6d33cfd0abaull, 0xd5a61266f0c9392cull,
				     0xa9582618e03fc9aaull, 0x39abdc4529b1661cull};
	uint64_t t[4] = {0, 0, 0, 0};
	for (int i = 0; i < 4; i++)
		for (int b = 0; b < 64; b++) {
			if (J[i] & (1ull << b))
				for (int k = 0; k < 4; k++)
					t[k] ^= r->s[k];
			dl_rng_u64(r);
		}
	memcpy(r->s, t, sizeof t);
}

void dl_rng_init(dl_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t sm = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = dl_splitmix64(&sm);
	/* Streams far apart: jump for small stream numbers (threads), re-seed for large ones so
	 * that init stays cheap whatever the stream number. */
	if (stream <= 64) {
		for (uint64_t k = 0; k < stream; k++)
			dl_rng_jump(r);
	} else {
		sm = seed ^ dl_splitmix64(&(uint64_t){stream});
		for (int i = 0; i < 4; i++)
			r->s[i] = dl_splitmix64(&sm);
	}
}

uint64_t dl_rng_below(dl_rng *r, uint64_t n)
{
	uint64_t x = dl_rng_u64(r);
	__uint128_t m = (__uint128_t)x * n;
	uint64_t lo = (uint64_t)m;
	if (lo < n) {
		uint64_t t = -n % n;
		while (lo < t) {
			x = dl_rng_u64(r);
			m = (__uint128_t)x * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

double dl_rng_double(dl_rng *r)
{
	return (double)(dl_rng_u64(r) >> 11) * 0x1.0p-53;
}

float dl_rng_float(dl_rng *r)
{
	return (float)(dl_rng_u64(r) >> 40) * 0x1.0p-24f;
}

double dl_rng_normal(dl_rng *r)
{
	double u, v, s;
	do {
		u = 2.0 * dl_rng_double(r) - 1.0;
		v = 2.0 * dl_rng_double(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

void dl_rng_shuffle(dl_rng *r, void *base, size_t n, size_t elem)
{
	unsigned char *b = base, tmp[256];
	if (n < 2)
		return;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)dl_rng_below(r, i + 1);
		if (j == i)
			continue;
		unsigned char *x = b + i * elem, *y = b + j * elem;
		for (size_t off = 0; off < elem; off += sizeof tmp) {
			size_t k = elem - off < sizeof tmp ? elem - off : sizeof tmp;
			memcpy(tmp, x + off, k);
			memcpy(x + off, y + off, k);
			memcpy(y + off, tmp, k);
		}
	}
}
