/*
 * threads.h — a fixed pool of worker threads and a parallel-for over it (pthreads).
 *
 * dl_pool_for(pool, n, chunk, fn, ctx) calls fn(ctx, begin, end, tid) over [0, n) cut into
 * chunks of `chunk` items, handed out dynamically; tid in [0, threads) names the thread
 * (the caller is thread 0 and works too), so per-thread state such as an RNG stream can be
 * indexed by it. Returns when every chunk is done. Results that must not depend on timing
 * should be written per item or per chunk, never accumulated in completion order.
 * A pool runs one dl_pool_for at a time; do not call it from inside fn.
 */
#ifndef DL_CORE_THREADS_H
#define DL_CORE_THREADS_H

#include <stddef.h>

typedef struct dl_pool dl_pool;
typedef void (*dl_pool_fn)(void *ctx, size_t begin, size_t end, int tid);

/* Starts threads-1 workers (threads >= 1; 1 runs everything on the caller). */
dl_pool *dl_pool_new(int threads);
void dl_pool_free(dl_pool *pool);
int dl_pool_threads(const dl_pool *pool);
void dl_pool_for(dl_pool *pool, size_t n, size_t chunk, dl_pool_fn fn, void *ctx);

#endif
