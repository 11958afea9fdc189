/*
 * simd.h — compiling hot loops for the processor at hand without -march.
 *
 * DL_CLONES on a function has GCC compile it three times, for AVX-512, AVX2 and plain
 * x86-64, and pick one when the program is loaded (target_clones, an ifunc). The loops are
 * written plainly (fixed-length inner loops, GCC vector extensions) so that each clone
 * vectorises at its own width. Helpers a clone calls must be inlined into it (static, small,
 * or always_inline) to benefit. A clone may contract a*b+c into one fused multiply-add, so
 * results can differ in the last bits between processors, never between runs or thread
 * counts on one machine. Sanitizer builds and other compilers get the plain version.
 */
#ifndef DL_CORE_SIMD_H
#define DL_CORE_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
	!defined(__SANITIZE_ADDRESS__) && !defined(DL_NO_CLONES)
#define DL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DL_CLONES
#endif

/* For the helpers of a DL_CLONES function, so that each clone gets its own copy. */
#define DL_INLINE static inline __attribute__((always_inline))

#endif
