/*
 * crc32c.c — CRC-32C (Castagnoli), software and SSE4.2.
 *
 * The CRC is kept in its inverted form (state = ~crc) while bytes are folded in, as
 * RFC 3720 (iSCSI, section 12.1 and appendix B.4) defines it: reflected polynomial
 * 0x82F63B78, initial value all ones, final complement.
 *
 * Software: "slicing-by-8" — eight 256-entry tables let the loop fold eight input bytes
 * into the state with eight independent lookups per step instead of eight dependent ones
 * (Kounavis and Berry, "A Systematic Approach to Building High Performance Software-Based
 * CRC Generators", IEEE ISCC 2005).
 *
 * Hardware: the SSE4.2 crc32 instruction folds 8 bytes at a time but has a latency of
 * three cycles and a throughput of one per cycle, so a single dependent chain runs at a
 * third of the possible speed. Following Gopal et al., "Fast CRC Computation for iSCSI
 * Polynomial Using CRC32 Instruction" (Intel white paper, 2011), a large block is split
 * into three equal parts whose CRCs are computed in one interleaved loop; the parts are
 * then joined using linearity:
 *
 *     state(A || B) = shift(state(A), |B|) ^ state_from_zero(B)
 *
 * where shift(x, n) is the state reached from x by folding in n zero bytes. For a fixed
 * n this is a linear map on 32 bits, applied with four 256-entry lookup tables (built once
 * for each of the three block sizes used: long blocks for bulk data, then shorter ones so
 * that records of a few hundred bytes also get the three streams). Inputs shorter than
 * three of the smallest blocks go through the single chain.
 *
 * Tables are built once, on the first call from any thread (pthread_once); the choice
 * of implementation is made at the same time.
 */
#include "config.h"
#include "crc32c.h"
#include "core/bytes.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define DL_CRC_X86 1
#include <nmmintrin.h>
#endif

#define POLY 0x82F63B78u

/* Bytes per stream in the three-stream hardware loop, largest first. Multiples of 8. */
#define LONG_BLOCK 8192
#define SHORT_BLOCK 256
#define TINY_BLOCK 64

static uint32_t slice[8][256];          /* slicing-by-8 tables; slice[0] is the byte table */
static int have_hw;
#ifdef DL_CRC_X86
static uint32_t shift_long[4][256];     /* shift over LONG_BLOCK zero bytes */
static uint32_t shift_short[4][256];    /* shift over SHORT_BLOCK zero bytes */
static uint32_t shift_tiny[4][256];     /* shift over TINY_BLOCK zero bytes */
#endif
static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int ready;

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ------------------------------------------------------------------ tables */

static void build_slice_tables(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
		slice[0][i] = c;
	}
	for (int t = 1; t < 8; t++)
		for (int i = 0; i < 256; i++)
			slice[t][i] = (slice[t - 1][i] >> 8) ^ slice[0][slice[t - 1][i] & 0xff];
}

#ifdef DL_CRC_X86
/* The state reached from s after n zero bytes (bytewise; only used to build tables). */
static uint32_t zeros_slow(uint32_t s, size_t n)
{
	while (n--)
		s = slice[0][s & 0xff] ^ (s >> 8);
	return s;
}

/* Fills t so that shift(x) = t[0][x & 0xff] ^ t[1][(x >> 8) & 0xff] ^ ... for n zeros. */
static void build_shift_table(uint32_t t[4][256], size_t n)
{
	uint32_t basis[32];
	for (int i = 0; i < 32; i++)
		basis[i] = zeros_slow(1u << i, n);
	for (int k = 0; k < 4; k++)
		for (int b = 0; b < 256; b++) {
			uint32_t v = 0;
			for (int j = 0; j < 8; j++)
				if (b >> j & 1)
					v ^= basis[8 * k + j];
			t[k][b] = v;
		}
}
#endif

static void init(void)
{
	build_slice_tables();
#ifdef DL_CRC_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("sse4.2")) {
		build_shift_table(shift_long, LONG_BLOCK);
		build_shift_table(shift_short, SHORT_BLOCK);
		build_shift_table(shift_tiny, TINY_BLOCK);
		have_hw = 1;
	}
#endif
	atomic_store_explicit(&ready, 1, memory_order_release);
}

static inline void ensure_init(void)
{
	if (!atomic_load_explicit(&ready, memory_order_acquire))
		pthread_once(&once, init);
}

/* ------------------------------------------------------------------ software */

static uint32_t sw_state(uint32_t s, const uint8_t *p, size_t n)
{
	while (n && ((uintptr_t)p & 7)) {
		s = slice[0][(s ^ *p++) & 0xff] ^ (s >> 8);
		n--;
	}
	while (n >= 8) {
		uint32_t lo = le32(p) ^ s, hi = le32(p + 4);
		s = slice[7][lo & 0xff] ^ slice[6][(lo >> 8) & 0xff] ^
		    slice[5][(lo >> 16) & 0xff] ^ slice[4][lo >> 24] ^
		    slice[3][hi & 0xff] ^ slice[2][(hi >> 8) & 0xff] ^
		    slice[1][(hi >> 16) & 0xff] ^ slice[0][hi >> 24];
		p += 8;
		n -= 8;
	}
	while (n--)
		s = slice[0][(s ^ *p++) & 0xff] ^ (s >> 8);
	return s;
}

uint32_t dl_crc32c_sw(uint32_t crc, const void *p, size_t n)
{
	ensure_init();
	return ~sw_state(~crc, p, n);
}

/* ------------------------------------------------------------------ hardware */

#ifdef DL_CRC_X86
static inline uint32_t shift_apply(const uint32_t t[4][256], uint32_t x)
{
	return t[0][x & 0xff] ^ t[1][(x >> 8) & 0xff] ^ t[2][(x >> 16) & 0xff] ^ t[3][x >> 24];
}

/* One dependent chain: 8 bytes per instruction, bytes at the ends. */
__attribute__((target("sse4.2")))
static uint32_t hw_chain(uint32_t s, const uint8_t *p, size_t n)
{
	while (n && ((uintptr_t)p & 7)) {
		s = _mm_crc32_u8(s, *p++);
		n--;
	}
	uint64_t s64 = s;
	while (n >= 8) {
		s64 = _mm_crc32_u64(s64, dl_load_le64(p));
		p += 8;
		n -= 8;
	}
	s = (uint32_t)s64;
	while (n--)
		s = _mm_crc32_u8(s, *p++);
	return s;
}

/* Folds 3 * blk bytes into s as three interleaved streams joined through table t. */
__attribute__((target("sse4.2")))
static uint32_t hw_three(uint32_t s, const uint8_t *p, size_t blk, const uint32_t t[4][256])
{
	uint64_t a = s, b = 0, c = 0;
	const uint8_t *pb = p + blk, *pc = p + 2 * blk;
	for (size_t i = 0; i < blk; i += 8) {
		a = _mm_crc32_u64(a, dl_load_le64(p + i));
		b = _mm_crc32_u64(b, dl_load_le64(pb + i));
		c = _mm_crc32_u64(c, dl_load_le64(pc + i));
	}
	uint32_t x = shift_apply(t, (uint32_t)a) ^ (uint32_t)b;
	return shift_apply(t, x) ^ (uint32_t)c;
}

__attribute__((target("sse4.2")))
static uint32_t hw_state(uint32_t s, const uint8_t *p, size_t n)
{
	if (n < 3 * TINY_BLOCK)
		return hw_chain(s, p, n);
	/* Align first so that no 8-byte load crosses a cache line. */
	size_t head = (8 - ((uintptr_t)p & 7)) & 7;
	s = hw_chain(s, p, head);
	p += head;
	n -= head;
	while (n >= 3 * LONG_BLOCK) {
		s = hw_three(s, p, LONG_BLOCK, shift_long);
		p += 3 * LONG_BLOCK;
		n -= 3 * LONG_BLOCK;
	}
	while (n >= 3 * SHORT_BLOCK) {
		s = hw_three(s, p, SHORT_BLOCK, shift_short);
		p += 3 * SHORT_BLOCK;
		n -= 3 * SHORT_BLOCK;
	}
	while (n >= 3 * TINY_BLOCK) {
		s = hw_three(s, p, TINY_BLOCK, shift_tiny);
		p += 3 * TINY_BLOCK;
		n -= 3 * TINY_BLOCK;
	}
	return hw_chain(s, p, n);
}

uint32_t dl_crc32c_hw(uint32_t crc, const void *p, size_t n)
{
	ensure_init();
	return ~hw_state(~crc, p, n);
}
#else
uint32_t dl_crc32c_hw(uint32_t crc, const void *p, size_t n)
{
	return dl_crc32c_sw(crc, p, n);
}
#endif

int dl_crc32c_have_hw(void)
{
	ensure_init();
	return have_hw;
}

/* ------------------------------------------------------------------ dispatch */

uint32_t dl_crc32c(uint32_t crc, const void *p, size_t n)
{
	ensure_init();
#ifdef DL_CRC_X86
	if (have_hw)
		return ~hw_state(~crc, p, n);
#endif
	return ~sw_state(~crc, p, n);
}
