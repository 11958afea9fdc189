/*
 * norm.c — LayerNorm and RMSNorm, forward and backward (nn/layers.h).
 *
 * LayerNorm (Ba, Kiros & Hinton 2016, "Layer Normalization"), per row of c values:
 *     mean = sum(x) / c,  var = sum((x - mean)^2) / c,  rstd = 1 / sqrt(var + eps),
 *     xhat = (x - mean) rstd,  y = xhat gamma + beta.
 * Its backward, with g = dy gamma:
 *     dx = rstd (g - mean(g) - xhat mean(g xhat)),  dgamma = sum_rows dy xhat,  dbeta = sum_rows dy.
 * RMSNorm (Zhang & Sennrich 2019, "Root Mean Square Layer Normalization"):
 *     rstd = 1 / sqrt(sum(x^2) / c + eps),  y = x rstd gamma;
 *     dx = rstd (g - xhat mean(g xhat)),  dgamma = sum_rows dy xhat.
 *
 * Row statistics are summed in double (two passes for the variance, so a large mean does not
 * cancel the spread away); the element-wise parts are in float, as torch computes them.
 * Sums run over lanes of LANES accumulators in fixed-length inner loops, which gcc -O2
 * vectorises; each lane adds its own values in order, so the result is the same on any run.
 *
 * Threads. The per-row work (forward, and dx in the backward) is cut into chunks of rows.
 * dgamma and dbeta are sums over rows; rather than per-thread partial sums (which would need
 * scratch memory and make results depend on the thread count), a second pass cuts the
 * columns into blocks and sums each column over all rows in row order. Without a pool the
 * same functions run over the whole range, so a pool of any size gives identical bits.
 */
#include "config.h"
#include "nn/layers.h"
#include "nn/par.h"
#include "nn/simd.h"

#include <math.h>

#define LANES 8
/* Values per fixed-length block of the element-wise loops (vectorised at -O2). */
#define BLK 16
/* Columns per block of the dgamma/dbeta pass. */
#define COL_BLOCK 64

/* ---------------------------------------------------------------- row sums */

DL_INLINE double sum_lanes(const double *acc)
{
	double s = 0;
	for (int k = 0; k < LANES; k++)
		s += acc[k];
	return s;
}

DL_INLINE double row_sum(const float *x, size_t c)
{
	double acc[LANES] = {0};
	size_t j = 0;
	for (; j + LANES <= c; j += LANES)
		for (int k = 0; k < LANES; k++)
			acc[k] += x[j + k];
	double s = sum_lanes(acc);
	for (; j < c; j++)
		s += x[j];
	return s;
}

/* sum((x - m)^2) */
DL_INLINE double row_sqdev(const float *x, size_t c, double m)
{
	double acc[LANES] = {0};
	size_t j = 0;
	for (; j + LANES <= c; j += LANES)
		for (int k = 0; k < LANES; k++) {
			double d = x[j + k] - m;
			acc[k] += d * d;
		}
	double s = sum_lanes(acc);
	for (; j < c; j++) {
		double d = x[j] - m;
		s += d * d;
	}
	return s;
}

/* ---------------------------------------------------------------- LayerNorm */

/* y = (x - m) r gamma (+ beta) */
DL_INLINE void ln_scale(const float *restrict x, const float *restrict g, const float *restrict b,
		     float *restrict y, size_t c, float m, float r)
{
	size_t j = 0;
	if (b) {
		for (; j + BLK <= c; j += BLK)
			for (size_t k = j; k < j + BLK; k++)
				y[k] = (x[k] - m) * r * g[k] + b[k];
		for (; j < c; j++)
			y[j] = (x[j] - m) * r * g[j] + b[j];
		return;
	}
	for (; j + BLK <= c; j += BLK)
		for (size_t k = j; k < j + BLK; k++)
			y[k] = (x[k] - m) * r * g[k];
	for (; j < c; j++)
		y[j] = (x[j] - m) * r * g[j];
}

struct ln_job {
	const float *x, *gamma, *beta, *mean_in, *rstd_in, *dy;
	float *y, *mean, *rstd, *dx, *dgamma, *dbeta;
	size_t n, c;
	float eps;
};

DL_CLONES static void ln_fwd_rows(void *ctx, size_t begin, size_t end, int tid)
{
	const struct ln_job *J = ctx;
	size_t c = J->c;
	(void)tid;
	for (size_t i = begin; i < end; i++) {
		const float *restrict x = J->x + i * c;
		float *restrict y = J->y + i * c;
		double m = row_sum(x, c) / (double)c;
		double var = row_sqdev(x, c, m) / (double)c;
		float mf = (float)m, rf = (float)(1.0 / sqrt(var + (double)J->eps));
		J->mean[i] = mf;
		J->rstd[i] = rf;
		ln_scale(x, J->gamma, J->beta, y, c, mf, rf);
	}
}

void dl_layernorm_fwd(const float *x, const float *gamma, const float *beta, float *y,
		      float *mean, float *rstd, size_t n, size_t c, float eps, dl_pool *pool)
{
	if (c == 0)
		return;
	struct ln_job J = {.x = x, .gamma = gamma, .beta = beta, .y = y, .mean = mean,
			   .rstd = rstd, .n = n, .c = c, .eps = eps};
	dl_nn_run(pool, n, c, ln_fwd_rows, &J);
}

/* sum(g) and sum(g xhat) of one row, g = dy gamma, xhat = (x - m) r. */
DL_INLINE void ln_row_dots(const float *x, const float *gamma, const float *dy, size_t c, float m,
			float r, double *sg, double *sgx)
{
	double a[LANES] = {0}, b[LANES] = {0};
	size_t j = 0;
	for (; j + LANES <= c; j += LANES)
		for (int k = 0; k < LANES; k++) {
			float g = dy[j + k] * gamma[j + k];
			float xh = (x[j + k] - m) * r;
			a[k] += g;
			b[k] += g * xh;
		}
	double s1 = sum_lanes(a), s2 = sum_lanes(b);
	for (; j < c; j++) {
		float g = dy[j] * gamma[j];
		float xh = (x[j] - m) * r;
		s1 += g;
		s2 += g * xh;
	}
	*sg = s1;
	*sgx = s2;
}

DL_CLONES static void ln_bwd_rows(void *ctx, size_t begin, size_t end, int tid)
{
	const struct ln_job *J = ctx;
	size_t c = J->c;
	(void)tid;
	for (size_t i = begin; i < end; i++) {
		const float *restrict x = J->x + i * c, *restrict dy = J->dy + i * c;
		const float *restrict gamma = J->gamma;
		float *restrict dx = J->dx + i * c;
		float m = J->mean_in[i], r = J->rstd_in[i];
		double sg, sgx;
		ln_row_dots(x, gamma, dy, c, m, r, &sg, &sgx);
		float mg = (float)(sg / (double)c), mgx = (float)(sgx / (double)c);
		size_t j = 0;
		for (; j + BLK <= c; j += BLK)
			for (size_t k = j; k < j + BLK; k++)
				dx[k] += r * (dy[k] * gamma[k] - mg - (x[k] - m) * r * mgx);
		for (; j < c; j++)
			dx[j] += r * (dy[j] * gamma[j] - mg - (x[j] - m) * r * mgx);
	}
}

/* One row's share of a column block: ag[k] += dy[k] xhat[k], ab[k] += dy[k] (ab not NULL).
 * A full block runs fixed-length loops, which the compiler vectorises. */
DL_INLINE void col_accum(const float *restrict x, const float *restrict dy, float m, float r,
		      size_t nb, double *restrict ag, double *restrict ab)
{
	if (nb == COL_BLOCK) {
		for (size_t k = 0; k < COL_BLOCK; k++)
			ag[k] += dy[k] * ((x[k] - m) * r);
		if (ab)
			for (size_t k = 0; k < COL_BLOCK; k++)
				ab[k] += dy[k];
		return;
	}
	for (size_t k = 0; k < nb; k++)
		ag[k] += dy[k] * ((x[k] - m) * r);
	if (ab)
		for (size_t k = 0; k < nb; k++)
			ab[k] += dy[k];
}

/* dgamma and dbeta over the column blocks [begin, end) (in units of COL_BLOCK). */
DL_CLONES static void ln_bwd_cols(void *ctx, size_t begin, size_t end, int tid)
{
	const struct ln_job *J = ctx;
	size_t c = J->c;
	(void)tid;
	for (size_t blk = begin; blk < end; blk++) {
		size_t j0 = blk * COL_BLOCK;
		size_t nb = c - j0 < COL_BLOCK ? c - j0 : COL_BLOCK;
		double ag[COL_BLOCK] = {0}, ab[COL_BLOCK] = {0};
		for (size_t i = 0; i < J->n; i++) {
			const float *x = J->x + i * c + j0, *dy = J->dy + i * c + j0;
			col_accum(x, dy, J->mean_in[i], J->rstd_in[i], nb, ag, ab);
		}
		for (size_t k = 0; k < nb; k++) {
			if (J->dgamma)
				J->dgamma[j0 + k] = (float)(J->dgamma[j0 + k] + ag[k]);
			if (J->dbeta)
				J->dbeta[j0 + k] = (float)(J->dbeta[j0 + k] + ab[k]);
		}
	}
}

void dl_layernorm_bwd(const float *x, const float *gamma, const float *mean, const float *rstd,
		      const float *dy, float *dx, float *dgamma, float *dbeta, size_t n, size_t c,
		      dl_pool *pool)
{
	if (c == 0 || n == 0)
		return;
	struct ln_job J = {.x = x, .gamma = gamma, .mean_in = mean, .rstd_in = rstd, .dy = dy,
			   .dx = dx, .dgamma = dgamma, .dbeta = dbeta, .n = n, .c = c};
	if (dx)
		dl_nn_run(pool, n, c, ln_bwd_rows, &J);
	if (dgamma || dbeta)
		dl_nn_run(pool, (c + COL_BLOCK - 1) / COL_BLOCK, n * COL_BLOCK, ln_bwd_cols, &J);
}

/* ---------------------------------------------------------------- RMSNorm */

DL_INLINE double row_sumsq(const float *x, size_t c)
{
	double acc[LANES] = {0};
	size_t j = 0;
	for (; j + LANES <= c; j += LANES)
		for (int k = 0; k < LANES; k++)
			acc[k] += (double)x[j + k] * x[j + k];
	double s = sum_lanes(acc);
	for (; j < c; j++)
		s += (double)x[j] * x[j];
	return s;
}

DL_CLONES static void rms_fwd_rows(void *ctx, size_t begin, size_t end, int tid)
{
	const struct ln_job *J = ctx;
	size_t c = J->c;
	(void)tid;
	for (size_t i = begin; i < end; i++) {
		const float *restrict x = J->x + i * c, *restrict g = J->gamma;
		float *restrict y = J->y + i * c;
		double ms = row_sumsq(x, c) / (double)c;
		float rf = (float)(1.0 / sqrt(ms + (double)J->eps));
		J->rstd[i] = rf;
		size_t j = 0;
		for (; j + BLK <= c; j += BLK)
			for (size_t k = j; k < j + BLK; k++)
				y[k] = x[k] * rf * g[k];
		for (; j < c; j++)
			y[j] = x[j] * rf * g[j];
	}
}

void dl_rmsnorm_fwd(const float *x, const float *gamma, float *y, float *rstd, size_t n, size_t c,
		    float eps, dl_pool *pool)
{
	if (c == 0)
		return;
	struct ln_job J = {.x = x, .gamma = gamma, .y = y, .rstd = rstd, .n = n, .c = c,
			   .eps = eps};
	dl_nn_run(pool, n, c, rms_fwd_rows, &J);
}

DL_CLONES static void rms_bwd_rows(void *ctx, size_t begin, size_t end, int tid)
{
	const struct ln_job *J = ctx;
	size_t c = J->c;
	(void)tid;
	for (size_t i = begin; i < end; i++) {
		const float *restrict x = J->x + i * c, *restrict dy = J->dy + i * c;
		const float *restrict gamma = J->gamma;
		float *restrict dx = J->dx + i * c;
		float r = J->rstd_in[i];
		double sg, sgx;
		ln_row_dots(x, gamma, dy, c, 0.0f, r, &sg, &sgx);
		float mgx = (float)(sgx / (double)c);
		size_t j = 0;
		for (; j + BLK <= c; j += BLK)
			for (size_t k = j; k < j + BLK; k++)
				dx[k] += r * (dy[k] * gamma[k] - x[k] * r * mgx);
		for (; j < c; j++)
			dx[j] += r * (dy[j] * gamma[j] - x[j] * r * mgx);
	}
}

DL_CLONES static void rms_bwd_cols(void *ctx, size_t begin, size_t end, int tid)
{
	const struct ln_job *J = ctx;
	size_t c = J->c;
	(void)tid;
	for (size_t blk = begin; blk < end; blk++) {
		size_t j0 = blk * COL_BLOCK;
		size_t nb = c - j0 < COL_BLOCK ? c - j0 : COL_BLOCK;
		double ag[COL_BLOCK] = {0};
		for (size_t i = 0; i < J->n; i++) {
			const float *x = J->x + i * c + j0, *dy = J->dy + i * c + j0;
			col_accum(x, dy, 0.0f, J->rstd_in[i], nb, ag, NULL);
		}
		for (size_t k = 0; k < nb; k++)
			J->dgamma[j0 + k] = (float)(J->dgamma[j0 + k] + ag[k]);
	}
}

void dl_rmsnorm_bwd(const float *x, const float *gamma, const float *rstd, const float *dy,
		    float *dx, float *dgamma, size_t n, size_t c, dl_pool *pool)
{
	if (c == 0 || n == 0)
		return;
	struct ln_job J = {.x = x, .gamma = gamma, .rstd_in = rstd, .dy = dy, .dx = dx,
			   .dgamma = dgamma, .n = n, .c = c};
	if (dx)
		dl_nn_run(pool, n, c, rms_bwd_rows, &J);
	if (dgamma)
		dl_nn_run(pool, (c + COL_BLOCK - 1) / COL_BLOCK, n * COL_BLOCK, rms_bwd_cols, &J);
}
