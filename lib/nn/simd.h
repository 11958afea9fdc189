/*
 * simd.h — vector helpers of lib/nn's hot loops, compiled per processor through DL_CLONES
 * (core/simd.h).
 */
#ifndef DL_NN_SIMD_H
#define DL_NN_SIMD_H

#include "core/simd.h"

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
