/*
 * layers.c — the Linear, Embedding and Dropout kernels of nn/layers.h (the norms are in
 * norm.c, the activations in act.c, the losses in loss.c, attention in attention.c).
 *
 * Linear is three matrix products over row-major arrays, all through cblas_sgemm:
 *     forward   y  = x W^T (+ b, copied into y first so that sgemm adds onto it),
 *     backward  dx += dy W,   dW += dy^T x   (beta = 1 accumulates in place),
 *               db += the column sums of dy.
 * The column sums are taken in double over blocks of columns, so that a long batch does not
 * lose the small rows to rounding, and the order of additions never depends on threads.
 * Matrix sizes must fit in a BLAS int, as every product a model makes does.
 */
#include "config.h"
#include "nn/layers.h"
#include "nn/simd.h"

#include <cblas.h>
#include <string.h>

/* Columns summed together in one pass over the rows (one block of double accumulators). */
#define COLSUM_BLOCK 64
/* Values per fixed-length block of the element-wise loops, which gcc -O2 vectorises (it
 * leaves loops of unknown length scalar). */
#define BLK 16

void dl_linear_fwd(const float *x, const float *w, const float *b, float *y, size_t n,
		   size_t in, size_t out)
{
	if (n == 0 || out == 0)
		return;
	float beta = 0.0f;
	if (b) {
		for (size_t i = 0; i < n; i++)
			memcpy(y + i * out, b, out * sizeof *y);
		beta = 1.0f;
	}
	if (in == 0) {
		if (!b)
			memset(y, 0, n * out * sizeof *y);
		return;
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)out, (int)in, 1.0f,
		    x, (int)in, w, (int)in, beta, y, (int)out);
}

/* acc[0..nb) += the sums over n rows (stride ld) of the columns src[0..nb). A full block
 * takes the fixed-length loop, which the compiler vectorises. */
DL_CLONES static void colsum_block(const float *src, size_t n, size_t ld, size_t nb, double *acc)
{
	if (nb == COLSUM_BLOCK) {
		for (size_t i = 0; i < n; i++) {
			const float *r = src + i * ld;
			for (size_t k = 0; k < COLSUM_BLOCK; k++)
				acc[k] += r[k];
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const float *r = src + i * ld;
		for (size_t k = 0; k < nb; k++)
			acc[k] += r[k];
	}
}

static void linear_bwd(const float *x, const float *w, const float *dy, float *dx, float *dw,
		       float *db, size_t n, size_t in, size_t out, float dx_beta)
{
	if (n == 0 || out == 0)
		return;
	if (in > 0 && dx)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)in, (int)out,
			    1.0f, dy, (int)out, w, (int)in, dx_beta, dx, (int)in);
	if (in > 0 && dw)
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)n,
			    1.0f, dy, (int)out, x, (int)in, 1.0f, dw, (int)in);
	if (!db)
		return;
	for (size_t j0 = 0; j0 < out; j0 += COLSUM_BLOCK) {
		size_t nb = out - j0 < COLSUM_BLOCK ? out - j0 : COLSUM_BLOCK;
		double acc[COLSUM_BLOCK] = {0};
		colsum_block(dy + j0, n, out, nb, acc);
		for (size_t k = 0; k < nb; k++)
			db[j0 + k] = (float)(db[j0 + k] + acc[k]);
	}
}

void dl_linear_bwd(const float *x, const float *w, const float *dy, float *dx, float *dw,
		   float *db, size_t n, size_t in, size_t out)
{
	linear_bwd(x, w, dy, dx, dw, db, n, in, out, 1.0f);
}

void dl_linear_bwd_set(const float *x, const float *w, const float *dy, float *dx, float *dw,
		       float *db, size_t n, size_t in, size_t out)
{
	if (n > 0 && out == 0 && dx)
		memset(dx, 0, n * in * sizeof *dx);
	linear_bwd(x, w, dy, dx, dw, db, n, in, out, 0.0f);
}

void dl_embedding_fwd(const int32_t *ids, const float *table, float *y, size_t n, size_t c)
{
	for (size_t i = 0; i < n; i++)
		memcpy(y + i * c, table + (size_t)ids[i] * c, c * sizeof *y);
}

void dl_embedding_bwd(const int32_t *ids, const float *dy, float *dtable, size_t n, size_t c)
{
	if (!dtable)
		return;
	/* Rows in order: a token seen twice gets its gradients added in batch order. */
	for (size_t i = 0; i < n; i++) {
		float *restrict d = dtable + (size_t)ids[i] * c;
		const float *restrict g = dy + i * c;
		size_t j = 0;
		for (; j + BLK <= c; j += BLK)
			for (size_t k = j; k < j + BLK; k++)
				d[k] += g[k];
		for (; j < c; j++)
			d[j] += g[j];
	}
}

/* The scale of the values kept: 1 / (1 - p), computed in float as torch does, and 0 for
 * p = 1 (torch then multiplies by zero rather than dividing by it). */
static float dropout_scale(float p)
{
	return p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
}

/* Multiplying (rather than selecting) keeps torch's behaviour on infinities: a dropped inf
 * becomes NaN there too. */
void dl_dropout_fwd(const float *restrict x, const uint8_t *restrict mask, float p,
		    float *restrict y, size_t m)
{
	float s = dropout_scale(p);
	size_t i = 0;
	for (; i + BLK <= m; i += BLK)
		for (size_t k = i; k < i + BLK; k++)
			y[k] = x[k] * ((float)mask[k] * s);
	for (; i < m; i++)
		y[i] = x[i] * ((float)mask[i] * s);
}

void dl_dropout_bwd(const uint8_t *restrict mask, float p, const float *restrict dy,
		    float *restrict dx, size_t m)
{
	if (!dx)
		return;
	float s = dropout_scale(p);
	size_t i = 0;
	for (; i + BLK <= m; i += BLK)
		for (size_t k = i; k < i + BLK; k++)
			dx[k] += dy[k] * ((float)mask[k] * s);
	for (; i < m; i++)
		dx[i] += dy[i] * ((float)mask[i] * s);
}
