/*
 * threads.c — a pool of workers that sleep on a condition variable between jobs. A job is
 * a range cut into chunks; threads take chunks with an atomic counter, so fast threads do
 * more and no chunk is done twice. A generation counter tells workers that a new job began.
 */
#include "config.h"
#include "threads.h"
#include "alloc.h"
#include "error.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

struct dl_pool {
	int threads;
	pthread_t *tids;
	pthread_mutex_t mu;
	pthread_cond_t start, done;
	unsigned long generation;
	int active;             /* workers still in the current job */
	int stop;
	/* the current job */
	dl_pool_fn fn;
	void *ctx;
	size_t n, chunk;
	atomic_size_t next;
};

struct worker_arg {
	dl_pool *pool;
	int tid;
};

static void run_chunks(dl_pool *p, int tid)
{
	for (;;) {
		size_t b = atomic_fetch_add(&p->next, p->chunk);
		if (b >= p->n)
			break;
		size_t e = b + p->chunk < p->n ? b + p->chunk : p->n;
		p->fn(p->ctx, b, e, tid);
	}
}

static void *worker(void *arg)
{
	struct worker_arg wa = *(struct worker_arg *)arg;
	dl_free(arg);
	dl_pool *p = wa.pool;
	unsigned long seen = 0;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->generation == seen)
			pthread_cond_wait(&p->start, &p->mu);
		if (p->stop)
			break;
		seen = p->generation;
		pthread_mutex_unlock(&p->mu);
		run_chunks(p, wa.tid);
		pthread_mutex_lock(&p->mu);
		if (--p->active == 0)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

dl_pool *dl_pool_new(int threads)
{
	if (threads < 1)
		threads = 1;
	dl_pool *p = dl_calloc(1, sizeof *p);
	p->threads = threads;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->start, NULL);
	pthread_cond_init(&p->done, NULL);
	p->tids = dl_calloc((size_t)threads, sizeof *p->tids);
	for (int t = 1; t < threads; t++) {
		struct worker_arg *wa = dl_malloc(sizeof *wa);
		wa->pool = p;
		wa->tid = t;
		int rc = pthread_create(&p->tids[t], NULL, worker, wa);
		if (rc != 0)
			dl_die("cannot start thread %d: %s", t, strerror(rc));
	}
	return p;
}

void dl_pool_free(dl_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->start);
	pthread_mutex_unlock(&p->mu);
	for (int t = 1; t < p->threads; t++)
		pthread_join(p->tids[t], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->start);
	pthread_cond_destroy(&p->done);
	dl_free(p->tids);
	dl_free(p);
}

int dl_pool_threads(const dl_pool *p) { return p->threads; }

void dl_pool_for(dl_pool *p, size_t n, size_t chunk, dl_pool_fn fn, void *ctx)
{
	if (n == 0)
		return;
	if (chunk == 0)
		chunk = 1;
	if (p->threads == 1 || n <= chunk) {
		for (size_t b = 0; b < n; b += chunk)
			fn(ctx, b, b + chunk < n ? b + chunk : n, 0);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	p->chunk = chunk;
	atomic_store(&p->next, 0);
	p->active = p->threads - 1;
	p->generation++;
	pthread_cond_broadcast(&p->start);
	pthread_mutex_unlock(&p->mu);
	run_chunks(p, 0);
	pthread_mutex_lock(&p->mu);
	while (p->active > 0)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}
