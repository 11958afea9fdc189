/*
 * blas.h — OpenBLAS set-up in one place, for every binary that does matrix products.
 *
 * Debian's OpenBLAS 0.3.21 does not recognise recent AVX-512 processors and falls back to
 * its SSE3 "Prescott" kernels, several times slower for sgemm. OpenBLAS reads
 * OPENBLAS_CORETYPE once, when the library is loaded, so it cannot be changed from main():
 * dl_blas_init re-executes the program once with OPENBLAS_CORETYPE=SkylakeX when the CPU has
 * AVX-512 (F, BW, DQ, VL, CD) and the variable is unset. A value the user set is never
 * touched. It also shortens the time an idle OpenBLAS thread spins before sleeping
 * (OPENBLAS_THREAD_TIMEOUT, read at load time too) unless the user set it, so that BLAS
 * threads do not compete with the program's own between products; that alone is also a
 * reason to re-execute. Call it first thing in main, before reading any input or creating
 * any file.
 * It also sets the BLAS thread count, and registers a --version line naming the kernel.
 */
#ifndef DL_CORE_BLAS_H
#define DL_CORE_BLAS_H

/* May not return (it execs); on return, OpenBLAS is ready. */
void dl_blas_init(int argc, char **argv);
/* Sets the number of BLAS threads (from --threads). */
void dl_blas_set_threads(int threads);
/* The kernel OpenBLAS chose ("SkylakeX", "Prescott", ...). */
const char *dl_blas_kernel(void);
/* The kernel dl_blas_init wants for this CPU ("SkylakeX"), or NULL to leave the default. */
const char *dl_blas_preferred_kernel(void);

#endif
