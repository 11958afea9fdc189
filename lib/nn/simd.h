/*
 * simd.h — compiling the hot loops of lib/nn for the processor at hand without -march.
 *
 * DL_CLONES on a function has GCC compile it three times, for AVX-512, AVX2 and plain
 * x86-64, and pick one when the program is loaded (target_clones, an ifunc). The loops are
 * written plainly (fixed-length inner loops, GCC vector extensions) so that each clone
 * vectorises at its own width. Helpers a clone calls must be inlined into it (static, small,
 * or always_inline) to benefit. A clone may contract a*b+c into one fused multiply-add, so
 * results can differ in the last bits between processors, never between runs or thread
 * counts on one machine. Sanitizer builds and other compilers get the plain version.
 */
#ifndef DL_NN_SIMD_H
#define DL_NN_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
	!defined(__SANITIZE_ADDRESS__) && !defined(DL_NO_CLONES)
#define DL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DL_CLONES
#endif

/* For the helpers of a DL_CLONES function, so that each clone gets its own copy. */
#define DL_INLINE static inline __attribute__((always_inline))

/*
 * DL_DEFINE_VEXP(name, VF, VI) defines VF name(VF x) = e^x lane by lane, for a GCC vector
 * type VF of floats and VI of int32 of the same size. Cody & Waite's reduction
 * x = n ln2 + r, |r| <= ln2 / 2, with ln2 split in a short high part (n * 0.693359375 is
 * exact) and the remainder; e^r by its Taylor series to r^7 (truncation error below
 * 0.35^8 / 8! ~ 6e-9, under float rounding); 2^n built in the exponent bits. The integer n
 * comes from adding 1.5 * 2^23, which rounds x / ln2 to an integer in the low mantissa bits.
 * x is clamped to [-87, 88], where e^x is a normal float, and below -87 (-inf included) the
 * result is 0.
 */
#define DL_DEFINE_VEXP(name, VF, VI)                                                   \
	DL_INLINE VF name(VF x)                                                        \
	{                                                                              \
		const VF lo = (VF){} - 87.0f, hi = (VF){} + 88.0f;                     \
		const float shifter = 12582912.0f;                                     \
		VI under = x < lo, over = x > hi;                                      \
		x = (VF)((~under & (VI)x) | (under & (VI)lo));                         \
		x = (VF)((~over & (VI)x) | (over & (VI)hi));                           \
		VF t = x * 1.44269504088896341f + shifter;                             \
		VF n = t - shifter;                                                    \
		VF r = (x - n * 0.693359375f) - n * -2.12194440e-4f;                   \
		VF p = r * (1.0f / 5040) + 1.0f / 720;                                 \
		p = p * r + 1.0f / 120;                                                \
		p = p * r + 1.0f / 24;                                                 \
		p = p * r + 1.0f / 6;                                                  \
		p = p * r + 0.5f;                                                      \
		p = p * r + 1.0f;                                                      \
		p = p * r + 1.0f;                                                      \
		VI two_n = ((VI)t - (0x4b400000 - 127)) << 23;                         \
		return (VF)(~under & (VI)(p * (VF)two_n));                             \
	}

#endif
