/*
 * loss.c — the losses of nn/layers.h: softmax cross-entropy, mean squared error, binary
 * cross-entropy on logits. Each returns the mean loss in double and WRITES (not adds) the
 * gradient of that mean, times scale.
 *
 * Cross-entropy of a row l[0..v) with target t, by the log-sum-exp with the maximum taken
 * out first so that exp never overflows:
 *     lse = max + log(sum_j exp(l_j - max)),  loss = lse - l_t,
 *     dloss/dl_j = softmax(l)_j - [j = t] = exp(l_j - lse) - [j = t].
 * BCE on logits x with target t in its stable form (no exp of a positive number):
 *     loss = max(x, 0) - x t + log1p(exp(-|x|)),  dloss/dx = sigmoid(x) - t.
 * MSE: loss = (x - t)^2, dloss/dx = 2 (x - t).
 *
 * Sums are in double. The cross-entropy splits its rows into at most CE_BLOCKS blocks whose
 * size depends only on n; each block's loss is summed on its own and the blocks are added in
 * order, so the pool (whatever its size) runs the blocks without changing a bit of the result.
 * Targets must lie in [0, v) or equal ignore_index (checked by the caller, as embedding ids
 * are); a row whose target lies outside is treated as ignored rather than read out of bounds.
 */
#include "config.h"
#include "nn/layers.h"
#include "nn/simd.h"

#include <math.h>
#include <string.h>

#define CE_BLOCKS 256
#define LANES 16
#define PAR_MIN 32768

struct ce_job {
	const float *logits;
	const int32_t *targets;
	int32_t ignore;
	float *dlogits;
	float k;                /* scale / counted rows */
	size_t n, v, rows;      /* rows per block */
	double part[CE_BLOCKS];
};

DL_INLINE int ce_counts(const struct ce_job *J, size_t i)
{
	int32_t t = J->targets[i];
	return t != J->ignore && t >= 0 && (size_t)t < J->v;
}

/* The largest of l[0..v), over lanes of fixed-length loops that vectorise. */
DL_INLINE float row_max(const float *l, size_t v)
{
	float lane[LANES];
	size_t j = 0;
	if (v < LANES) {
		float mx = l[0];
		for (j = 1; j < v; j++)
			mx = l[j] > mx ? l[j] : mx;
		return mx;
	}
	for (int k = 0; k < LANES; k++)
		lane[k] = l[k];
	for (j = LANES; j + LANES <= v; j += LANES)
		for (int k = 0; k < LANES; k++)
			lane[k] = l[j + k] > lane[k] ? l[j + k] : lane[k];
	float mx = lane[0];
	for (int k = 1; k < LANES; k++)
		mx = lane[k] > mx ? lane[k] : mx;
	for (; j < v; j++)
		mx = l[j] > mx ? l[j] : mx;
	return mx;
}

/* The loss of row i; writes its gradient row when asked. */
DL_INLINE double ce_row(const struct ce_job *J, size_t i)
{
	size_t v = J->v;
	const float *restrict l = J->logits + i * v;
	float *restrict d = J->dlogits ? J->dlogits + i * v : NULL;
	if (!ce_counts(J, i)) {
		if (d)
			memset(d, 0, v * sizeof *d);
		return 0.0;
	}
	float mx = row_max(l, v);
	double s = 0.0;
	if (d) {
		for (size_t j = 0; j < v; j++) {
			d[j] = expf(l[j] - mx);
			s += d[j];
		}
		float f = (float)(1.0 / s) * J->k;
		for (size_t j = 0; j < v; j++)
			d[j] *= f;
		d[J->targets[i]] -= J->k;
	} else {
		for (size_t j = 0; j < v; j++)
			s += expf(l[j] - mx);
	}
	return (double)mx + log(s) - (double)l[J->targets[i]];
}

DL_CLONES static void ce_blocks(void *ctx, size_t begin, size_t end, int tid)
{
	struct ce_job *J = ctx;
	(void)tid;
	for (size_t b = begin; b < end; b++) {
		size_t i0 = b * J->rows, i1 = i0 + J->rows < J->n ? i0 + J->rows : J->n;
		double s = 0.0;
		for (size_t i = i0; i < i1; i++)
			s += ce_row(J, i);
		J->part[b] = s;
	}
}

double dl_cross_entropy(const float *logits, const int32_t *targets, int32_t ignore_index,
			float *dlogits, float scale, size_t n, size_t v, dl_pool *pool)
{
	if (n == 0 || v == 0)
		return 0.0;
	struct ce_job J = {.logits = logits, .targets = targets, .ignore = ignore_index,
			   .dlogits = dlogits, .n = n, .v = v};
	size_t counted = 0;
	for (size_t i = 0; i < n; i++)
		counted += (size_t)ce_counts(&J, i);
	J.k = counted ? (float)((double)scale / (double)counted) : 0.0f;
	J.rows = (n + CE_BLOCKS - 1) / CE_BLOCKS;
	size_t blocks = (n + J.rows - 1) / J.rows;
	if (pool && dl_pool_threads(pool) > 1 && n * v >= PAR_MIN)
		dl_pool_for(pool, blocks, 1, ce_blocks, &J);
	else
		ce_blocks(&J, 0, blocks, 0);
	double total = 0.0;
	for (size_t b = 0; b < blocks; b++)
		total += J.part[b];
	return counted ? total / (double)counted : 0.0;
}

double dl_mse(const float *x, const float *target, float *dx, float scale, size_t m)
{
	if (m == 0)
		return 0.0;
	double s = 0.0;
	for (size_t i = 0; i < m; i++) {
		double d = (double)x[i] - target[i];
		s += d * d;
	}
	if (dx) {
		float k = (float)(2.0 * scale / (double)m);
		for (size_t i = 0; i < m; i++)
			dx[i] = (x[i] - target[i]) * k;
	}
	return s / (double)m;
}

double dl_bce_logits(const float *x, const float *target, float *dx, float scale, size_t m)
{
	if (m == 0)
		return 0.0;
	double s = 0.0;
	for (size_t i = 0; i < m; i++) {
		double xi = x[i], t = target[i];
		s += (xi > 0 ? xi : 0) - xi * t + log1p(exp(-fabs(xi)));
	}
	if (dx) {
		float k = (float)((double)scale / (double)m);
		for (size_t i = 0; i < m; i++)
			dx[i] = (1.0f / (1.0f + expf(-x[i])) - target[i]) * k;
	}
	return s / (double)m;
}
