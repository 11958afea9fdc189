/*
 * farmhash.c — FarmHash Fingerprint64 (farmhashna::Hash64) and FingerprintCat64.
 *
 * From the FarmHash algorithm as published (Geoff Pike, Jyrki Alakuijala, "FarmHash",
 * Google 2014; the "na" variant, which Fingerprint64 is defined to be): strings up to 16
 * bytes, 17-32, 33-64 and longer take separate paths; the long path consumes 64-byte blocks
 * with two 128-bit accumulators and mixes the last 64 bytes (overlapping the previous
 * block) at the end. All loads are little-endian 64- or 32-bit reads at any alignment.
 * Tested against an independent implementation (tests/golden/features/fingerprints.txt).
 */
#include "features/farmhash.h"

#include "core/bytes.h"

#include <string.h>

static const uint64_t k0 = UINT64_C(0xc3a5c85c97cb3127);
static const uint64_t k1 = UINT64_C(0xb492b66fbe98f273);
static const uint64_t k2 = UINT64_C(0x9ae16a3b2f90404f);

static inline uint64_t ror(uint64_t v, int s)
{
	return s ? (v >> s) | (v << (64 - s)) : v;
}

static inline uint64_t shift_mix(uint64_t v)
{
	return v ^ (v >> 47);
}

/* Murmur-inspired mix of two words. */
static inline uint64_t len16(uint64_t u, uint64_t v, uint64_t mul)
{
	uint64_t a = (u ^ v) * mul;

	a ^= a >> 47;
	uint64_t b = (v ^ a) * mul;
	b ^= b >> 47;
	return b * mul;
}

static uint64_t len0to16(const uint8_t *s, size_t n)
{
	if (n >= 8) {
		uint64_t mul = k2 + n * 2;
		uint64_t a = dl_load_le64(s) + k2;
		uint64_t b = dl_load_le64(s + n - 8);
		uint64_t c = ror(b, 37) * mul + a;
		uint64_t d = (ror(a, 25) + b) * mul;
		return len16(c, d, mul);
	}
	if (n >= 4) {
		uint64_t mul = k2 + n * 2;
		uint64_t a = (uint64_t)dl_load_le32(s);
		return len16(n + (a << 3), (uint64_t)dl_load_le32(s + n - 4), mul);
	}
	if (n > 0) {
		uint32_t y = (uint32_t)s[0] + ((uint32_t)s[n >> 1] << 8);
		uint32_t z = (uint32_t)n + ((uint32_t)s[n - 1] << 2);
		return shift_mix(y * k2 ^ z * k0) * k2;
	}
	return k2;
}

static uint64_t len17to32(const uint8_t *s, size_t n)
{
	uint64_t mul = k2 + n * 2;
	uint64_t a = dl_load_le64(s) * k1;
	uint64_t b = dl_load_le64(s + 8);
	uint64_t c = dl_load_le64(s + n - 8) * mul;
	uint64_t d = dl_load_le64(s + n - 16) * k2;

	return len16(ror(a + b, 43) + ror(c, 30) + d, a + ror(b + k2, 18) + c, mul);
}

static uint64_t len33to64(const uint8_t *s, size_t n)
{
	uint64_t mul = k2 + n * 2;
	uint64_t a = dl_load_le64(s) * k2;
	uint64_t b = dl_load_le64(s + 8);
	uint64_t c = dl_load_le64(s + n - 8) * mul;
	uint64_t d = dl_load_le64(s + n - 16) * k2;
	uint64_t y = ror(a + b, 43) + ror(c, 30) + d;
	uint64_t z = len16(y, a + ror(b + k2, 18) + c, mul);
	uint64_t e = dl_load_le64(s + 16) * mul;
	uint64_t f = dl_load_le64(s + 24);
	uint64_t g = (y + dl_load_le64(s + n - 32)) * mul;
	uint64_t h = (z + dl_load_le64(s + n - 24)) * mul;

	return len16(ror(e + f, 43) + ror(g, 30) + h, e + ror(f + a, 18) + g, mul);
}

struct pair {
	uint64_t first, second;
};

/* A weak 128-bit hash of the 32 bytes at s with seeds a and b. */
static inline struct pair weak32(const uint8_t *s, uint64_t a, uint64_t b)
{
	uint64_t w = dl_load_le64(s), x = dl_load_le64(s + 8), y = dl_load_le64(s + 16), z = dl_load_le64(s + 24);
	uint64_t c;

	a += w;
	b = ror(b + a + z, 21);
	c = a;
	a += x;
	a += y;
	b += ror(a, 44);
	return (struct pair){ a + z, b + c };
}

static uint64_t len_over64(const uint8_t *s, size_t n)
{
	const uint64_t seed = 81;
	uint64_t x = seed, y = seed * k1 + 113, z = shift_mix(y * k2 + 113) * k2, t;
	struct pair v = { 0, 0 }, w = { 0, 0 };
	const uint8_t *end = s + ((n - 1) / 64) * 64;
	const uint8_t *last64 = end + ((n - 1) & 63) - 63;

	x = x * k2 + dl_load_le64(s);
	do {
		x = ror(x + y + v.first + dl_load_le64(s + 8), 37) * k1;
		y = ror(y + v.second + dl_load_le64(s + 48), 42) * k1;
		x ^= w.second;
		y += v.first + dl_load_le64(s + 40);
		z = ror(z + w.first, 33) * k1;
		v = weak32(s, v.second * k1, x + w.first);
		w = weak32(s + 32, z + w.second, y + dl_load_le64(s + 16));
		t = z, z = x, x = t;
		s += 64;
	} while (s != end);

	uint64_t mul = k1 + ((z & 0xff) << 1);
	s = last64;
	w.first += (n - 1) & 63;
	v.first += w.first;
	w.first += v.first;
	x = ror(x + y + v.first + dl_load_le64(s + 8), 37) * mul;
	y = ror(y + v.second + dl_load_le64(s + 48), 42) * mul;
	x ^= w.second * 9;
	y += v.first * 9 + dl_load_le64(s + 40);
	z = ror(z + w.first, 33) * mul;
	v = weak32(s, v.second * mul, x + w.first);
	w = weak32(s + 32, z + w.second, y + dl_load_le64(s + 16));
	t = z, z = x, x = t;
	return len16(len16(v.first, w.first, mul) + shift_mix(y) * k0 + z,
		     len16(v.second, w.second, mul) + x, mul);
}

uint64_t dl_fingerprint64(const void *p, size_t n)
{
	const uint8_t *s = p;

	if (n <= 16)
		return len0to16(s, n);
	if (n <= 32)
		return len17to32(s, n);
	if (n <= 64)
		return len33to64(s, n);
	return len_over64(s, n);
}

/* TensorFlow core/lib/hash/hash.h, FingerprintCat64: a Murmur-style combination. */
uint64_t dl_fingerprint_cat64(uint64_t a, uint64_t b)
{
	const uint64_t mul = UINT64_C(0xc6a4a7935bd1e995);
	uint64_t r = a ^ mul;

	r ^= shift_mix(b * mul) * mul;
	r *= mul;
	r = shift_mix(r) * mul;
	r = shift_mix(r);
	return r;
}

uint64_t dl_cross_hash(uint64_t key, const uint64_t *f, size_t n, uint64_t buckets)
{
	uint64_t h = key;

	for (size_t i = 0; i < n; i++)
		h = dl_fingerprint_cat64(h, f[i]);
	return h % (buckets ? buckets : (uint64_t)INT64_MAX);
}
