/*
 * par.h — how the element-wise and per-row kernels of lib/nn use the pool: a job of fewer
 * than DL_NN_PAR_MIN values runs on the caller (waking threads would cost more), a larger
 * one is cut into chunks of about DL_NN_CHUNK values. Each item is computed alone, so the
 * split never changes a result.
 */
#ifndef DL_NN_PAR_H
#define DL_NN_PAR_H

#include <stddef.h>
#include "core/threads.h"

#define DL_NN_PAR_MIN 32768
#define DL_NN_CHUNK 8192

/* fn over items [0, n) of width values each, on the pool when the job is large. */
static inline void dl_nn_run(dl_pool *pool, size_t n, size_t width, dl_pool_fn fn, void *ctx)
{
	if (n == 0)
		return;
	if (!pool || dl_pool_threads(pool) < 2 || n * width < DL_NN_PAR_MIN) {
		fn(ctx, 0, n, 0);
		return;
	}
	size_t chunk = DL_NN_CHUNK / (width ? width : 1);
	dl_pool_for(pool, n, chunk ? chunk : 1, fn, ctx);
}

#endif
