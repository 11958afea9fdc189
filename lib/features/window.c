/*
 * window.c — rolling max/min (monotonic deque) and mean/sum (ring and running sum).
 *
 * Rows are numbered from 0 by the window itself. The deque holds, oldest first, the rows
 * whose value could still be the maximum (minimum) of some future window: each entry's
 * value is strictly larger (smaller) than every later one's. A new value first drops the
 * entries it beats from the back, then the front entry leaves when it falls out of the
 * window. Both ends move in a ring of k slots, which is enough: the entries are distinct
 * rows of the last k.
 */
#include "features/window.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "features/vocab.h"

struct dl_window {
	enum dl_window_op op;
	size_t k;
	uint64_t row;          /* rows pushed so far */
	/* max, min: the deque, in a ring of k slots */
	uint64_t *drow;
	double *dval;
	size_t head, len;
	/* mean, sum: the last k rows' values and whether they were present */
	double *ring;
	unsigned char *has;
	double sum;
	size_t count;          /* values present in the window */
};

dl_window *dl_window_new(enum dl_window_op op, size_t k)
{
	dl_window *w = dl_calloc(1, sizeof *w);

	w->op = op;
	w->k = k ? k : 1;
	if (op == DL_WINDOW_MAX || op == DL_WINDOW_MIN) {
		w->drow = dl_mallocarray(w->k, sizeof *w->drow);
		w->dval = dl_mallocarray(w->k, sizeof *w->dval);
	} else {
		w->ring = dl_calloc(w->k, sizeof *w->ring);
		w->has = dl_calloc(w->k, 1);
	}
	return w;
}

void dl_window_free(dl_window *w)
{
	if (!w)
		return;
	dl_free(w->drow);
	dl_free(w->dval);
	dl_free(w->ring);
	dl_free(w->has);
	dl_free(w);
}

/* 1 when a, the newer value, removes b from the back of the deque. */
static inline int beats(enum dl_window_op op, double a, double b)
{
	return op == DL_WINDOW_MAX ? a >= b : a <= b;
}

static int push_extreme(dl_window *w, int present, double v, double *out)
{
	uint64_t row = w->row++;

	/* The window is rows row-k+1 .. row: the front leaves first, so that the ring of k
	 * slots always has room for the new entry. */
	while (w->len && w->drow[w->head] + w->k <= row) {
		w->head = (w->head + 1) % w->k;
		w->len--;
	}
	if (present && !isnan(v)) {
		while (w->len && beats(w->op, v, w->dval[(w->head + w->len - 1) % w->k]))
			w->len--;
		size_t at = (w->head + w->len) % w->k;
		w->drow[at] = row;
		w->dval[at] = v;
		w->len++;
	}
	if (!w->len)
		return 0;
	*out = w->dval[w->head];
	return 1;
}

static int push_sum(dl_window *w, int present, double v, double *out)
{
	size_t at = (size_t)(w->row % w->k);

	if (w->has[at]) {
		w->sum -= w->ring[at];
		w->count--;
	}
	w->has[at] = present != 0;
	w->ring[at] = present ? v : 0;
	if (present) {
		w->sum += v;
		w->count++;
	}
	w->row++;
	if (w->row % w->k == 0) {
		/* Exact again from the ring: the running sum's rounding errors do not last. */
		double s = 0;
		for (size_t i = 0; i < w->k; i++)
			if (w->has[i])
				s += w->ring[i];
		w->sum = s;
	}
	if (!w->count)
		return 0;
	*out = w->op == DL_WINDOW_SUM ? w->sum : w->sum / (double)w->count;
	return 1;
}

int dl_window_push(dl_window *w, int present, double v, double *out)
{
	if (w->op == DL_WINDOW_MAX || w->op == DL_WINDOW_MIN)
		return push_extreme(w, present, v, out);
	return push_sum(w, present, v, out);
}

struct dl_window_groups {
	enum dl_window_op op;
	size_t k;
	dl_vocab keys;
	dl_window **win;
	size_t cap;
};

dl_window_groups *dl_window_groups_new(enum dl_window_op op, size_t k)
{
	dl_window_groups *g = dl_calloc(1, sizeof *g);

	g->op = op;
	g->k = k;
	dl_vocab_init(&g->keys);
	return g;
}

void dl_window_groups_free(dl_window_groups *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->keys.n; i++)
		dl_window_free(g->win[i]);
	dl_free(g->win);
	dl_vocab_free(&g->keys);
	dl_free(g);
}

int dl_window_groups_push(dl_window_groups *g, const char *key, size_t n, int present,
			  double v, double *out)
{
	size_t i = dl_vocab_add(&g->keys, key, n);

	if (i >= g->cap) {
		size_t old = g->cap;
		DL_GROW(g->win, g->cap, i + 1);
		memset(g->win + old, 0, (g->cap - old) * sizeof *g->win);
	}
	if (!g->win[i])
		g->win[i] = dl_window_new(g->op, g->k);
	return dl_window_push(g->win[i], present, v, out);
}

size_t dl_window_groups_count(const dl_window_groups *g)
{
	return g->keys.n;
}
