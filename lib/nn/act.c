/*
 * act.c — element-wise activations and SwiGLU, forward and backward (nn/layers.h).
 *
 * The formulas, with their derivatives d = dy/dx:
 *   ReLU        y = max(x, 0);                        d = [x > 0]
 *   GELU        y = x Phi(x) = x/2 (1 + erf(x/sqrt2))  (Hendrycks & Gimpel 2016);
 *               d = Phi(x) + x phi(x),  phi(x) = exp(-x^2/2) / sqrt(2 pi)
 *   GELU tanh   y = x/2 (1 + tanh u),  u = sqrt(2/pi) (x + 0.044715 x^3)  (same paper);
 *               d = (1 + tanh u)/2 + x/2 (1 - tanh^2 u) sqrt(2/pi) (1 + 3 0.044715 x^2),
 *               computed through s = sigmoid(2u) = (1 + tanh u)/2
 *   SiLU        y = x sigmoid(x) = x / (1 + exp(-x))  (Elfwing et al. 2018);
 *               d = s (1 + x (1 - s)),  s = sigmoid(x)
 *   SwiGLU      y = silu(a) b  (Shazeer 2020, "GLU Variants Improve Transformer");
 *               da = dy b silu'(a),  db = dy silu(a)
 * computed in float as torch computes them. Long arrays are cut into chunks for the pool;
 * each value is computed alone, so the thread count never changes a result.
 */
#include "config.h"
#include "nn/layers.h"
#include "nn/par.h"
#include "nn/simd.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define SQRT1_2 0.70710678118654752440f       /* 1/sqrt(2) */
#define INV_SQRT_2PI 0.39894228040143267794f  /* 1/sqrt(2 pi) */
#define SQRT_2_PI 0.79788456080286535588f     /* sqrt(2/pi) */
#define GELU_K 0.044715f

/* ---------------------------------------------------------------- scalar forms */

static inline float gelu(float x)
{
	return 0.5f * x * (1.0f + erff(x * SQRT1_2));
}

static inline float gelu_grad(float x)
{
	float cdf = 0.5f * (1.0f + erff(x * SQRT1_2));
	float pdf = expf(-0.5f * x * x) * INV_SQRT_2PI;
	return cdf + x * pdf;
}

/* With 1 + tanh(u) = 2 sigmoid(2u) and 1 - tanh^2(u) = 4 s (1 - s), s = sigmoid(2u), both
 * need one exp and no tanh (which is several times slower), and neither cancels. */
static inline float gelu_tanh(float x)
{
	float u = SQRT_2_PI * (x + GELU_K * x * x * x);
	return x / (1.0f + expf(-2.0f * u));
}

/* Beyond |x| = 20, s is 0 or 1 in float and the second term is 0 times a large factor,
 * which would be 0 * inf for huge x: the limits are taken directly. */
static inline float gelu_tanh_grad(float x)
{
	if (fabsf(x) > 20.0f)
		return x > 0.0f ? 1.0f : 0.0f;
	float x2 = x * x;
	float s = 1.0f / (1.0f + expf(-2.0f * SQRT_2_PI * (x + GELU_K * x2 * x)));
	return s + 2.0f * x * s * (1.0f - s) * SQRT_2_PI * (1.0f + 3.0f * GELU_K * x2);
}

static inline float sigmoid(float x)
{
	return 1.0f / (1.0f + expf(-x));
}

static inline float silu(float x)
{
	return x / (1.0f + expf(-x));
}

static inline float silu_grad(float x)
{
	float s = sigmoid(x);
	return s * (1.0f + x * (1.0f - s));
}

/* ---------------------------------------------------------------- vector forms */

/*
 * GELU tanh and SiLU on 16 floats at a time, in GCC's vector extensions: the same formulas
 * with an exp that vectorises (glibc's expf is a call per value; nn/simd.h), compiled per
 * processor. exp's clamping to [-87, 88] keeps 1 + e^-2u finite, and sigmoid's tails come
 * out as 0 and 1 within float precision. Results differ from the scalar forms by a few
 * units in the last place.
 */
#define VW 16
#if defined(__GNUC__) && !defined(__clang__)
/* The vector helpers are always inlined, so no vector crosses a call and the ABI note does
 * not apply. */
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
typedef float v16f __attribute__((vector_size(VW * 4)));
typedef int32_t v16i __attribute__((vector_size(VW * 4)));

DL_INLINE v16f v16_splat(float x)
{
	return (v16f){ x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x };
}

DL_INLINE v16f v16_clamp(v16f x, float lo, float hi)
{
	v16i a = x < v16_splat(lo), b = x > v16_splat(hi);
	x = (v16f)((~a & (v16i)x) | (a & (v16i)v16_splat(lo)));
	return (v16f)((~b & (v16i)x) | (b & (v16i)v16_splat(hi)));
}

DL_DEFINE_VEXP(v16_exp, v16f, v16i)

DL_INLINE v16f v16_load(const float *p)
{
	v16f v;
	memcpy(&v, p, sizeof v);
	return v;
}

DL_INLINE void v16_store(float *p, v16f v)
{
	memcpy(p, &v, sizeof v);
}

/* Whole blocks of VW; returns how many values were done. */
DL_CLONES static size_t gelu_tanh_fwd_v(const float *x, float *y, size_t m)
{
	size_t i = 0;
	for (; i + VW <= m; i += VW) {
		v16f v = v16_load(x + i);
		v16f u = (v + v * v * v * GELU_K) * SQRT_2_PI;
		v16_store(y + i, v / (1.0f + v16_exp(-2.0f * u)));
	}
	return i;
}

DL_CLONES static size_t gelu_tanh_bwd_v(const float *x, const float *dy, float *dx, size_t m)
{
	size_t i = 0;
	for (; i + VW <= m; i += VW) {
		v16f v = v16_clamp(v16_load(x + i), -20.0f, 20.0f);
		v16f x2 = v * v;
		v16f s = 1.0f / (1.0f + v16_exp((v + x2 * v * GELU_K) * (-2.0f * SQRT_2_PI)));
		v16f d = s + 2.0f * v * s * (1.0f - s) * SQRT_2_PI * (1.0f + 3.0f * GELU_K * x2);
		v16_store(dx + i, v16_load(dx + i) + v16_load(dy + i) * d);
	}
	return i;
}

DL_CLONES static size_t silu_fwd_v(const float *x, float *y, size_t m)
{
	size_t i = 0;
	for (; i + VW <= m; i += VW) {
		v16f v = v16_load(x + i);
		v16_store(y + i, v / (1.0f + v16_exp(-v)));
	}
	return i;
}

DL_CLONES static size_t silu_bwd_v(const float *x, const float *dy, float *dx, size_t m)
{
	size_t i = 0;
	for (; i + VW <= m; i += VW) {
		v16f v = v16_load(x + i);
		v16f s = 1.0f / (1.0f + v16_exp(-v));
		v16_store(dx + i, v16_load(dx + i) + v16_load(dy + i) * (s * (1.0f + v * (1.0f - s))));
	}
	return i;
}

/* ---------------------------------------------------------------- activations */

/* ReLU in blocks of BLK: the fixed-length inner loops become branch-free vector code at -O2
 * (a branch on the sign of random data mispredicts half the time). x < 0 ? 0 : x keeps a
 * NaN, as torch's clamp does. */
#define BLK 16

static void relu_fwd(const float *restrict x, float *restrict y, size_t m)
{
	size_t i = 0;
	for (; i + BLK <= m; i += BLK)
		for (size_t k = 0; k < BLK; k++)
			y[i + k] = x[i + k] < 0.0f ? 0.0f : x[i + k];
	for (; i < m; i++)
		y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

static void relu_bwd(const float *restrict x, const float *restrict dy, float *restrict dx,
		     size_t m)
{
	size_t i = 0;
	for (; i + BLK <= m; i += BLK)
		for (size_t k = 0; k < BLK; k++) {
			float g = dy[i + k];
			dx[i + k] += x[i + k] > 0.0f ? g : 0.0f;
		}
	for (; i < m; i++)
		dx[i] += x[i] > 0.0f ? dy[i] : 0.0f;
}

struct act_job {
	enum dl_act a;
	const float *x, *dy;
	float *y, *dx;
	size_t h;
	int set;                /* backward writes dx: zero each chunk while it is in cache */
};

static void act_fwd_range(void *ctx, size_t begin, size_t end, int tid)
{
	const struct act_job *J = ctx;
	const float *restrict x = J->x;
	float *restrict y = J->y;
	(void)tid;
	switch (J->a) {
	case DL_ACT_RELU:
		relu_fwd(x + begin, y + begin, end - begin);
		break;
	case DL_ACT_GELU:
		for (size_t i = begin; i < end; i++)
			y[i] = gelu(x[i]);
		break;
	case DL_ACT_GELU_TANH:
		for (size_t i = begin + gelu_tanh_fwd_v(x + begin, y + begin, end - begin); i < end;
		     i++)
			y[i] = gelu_tanh(x[i]);
		break;
	case DL_ACT_SILU:
		for (size_t i = begin + silu_fwd_v(x + begin, y + begin, end - begin); i < end; i++)
			y[i] = silu(x[i]);
		break;
	}
}

static void act_bwd_range(void *ctx, size_t begin, size_t end, int tid)
{
	const struct act_job *J = ctx;
	const float *restrict x = J->x, *restrict dy = J->dy;
	float *restrict dx = J->dx;
	(void)tid;
	if (J->set)
		memset(dx + begin, 0, (end - begin) * sizeof *dx);
	switch (J->a) {
	case DL_ACT_RELU:
		relu_bwd(x + begin, dy + begin, dx + begin, end - begin);
		break;
	case DL_ACT_GELU:
		for (size_t i = begin; i < end; i++)
			dx[i] += dy[i] * gelu_grad(x[i]);
		break;
	case DL_ACT_GELU_TANH:
		for (size_t i = begin + gelu_tanh_bwd_v(x + begin, dy + begin, dx + begin,
							end - begin); i < end; i++)
			dx[i] += dy[i] * gelu_tanh_grad(x[i]);
		break;
	case DL_ACT_SILU:
		for (size_t i = begin + silu_bwd_v(x + begin, dy + begin, dx + begin, end - begin);
		     i < end; i++)
			dx[i] += dy[i] * silu_grad(x[i]);
		break;
	}
}

void dl_act_fwd(enum dl_act a, const float *x, float *y, size_t m, dl_pool *pool)
{
	struct act_job J = {.a = a, .x = x, .y = y};
	dl_nn_run(pool, m, 1, act_fwd_range, &J);
}

void dl_act_bwd(enum dl_act a, const float *x, const float *dy, float *dx, size_t m,
		dl_pool *pool)
{
	if (!dx)
		return;
	struct act_job J = {.a = a, .x = x, .dy = dy, .dx = dx};
	dl_nn_run(pool, m, 1, act_bwd_range, &J);
}

void dl_act_bwd_set(enum dl_act a, const float *x, const float *dy, float *dx, size_t m,
		    dl_pool *pool)
{
	if (!dx)
		return;
	struct act_job J = {.a = a, .x = x, .dy = dy, .dx = dx, .set = 1};
	/* in chunks that fit a core's cache even on one thread */
	if (!pool || dl_pool_threads(pool) < 2 || m < DL_NN_PAR_MIN) {
		for (size_t i = 0; i < m; i += DL_NN_CHUNK)
			act_bwd_range(&J, i, i + DL_NN_CHUNK < m ? i + DL_NN_CHUNK : m, 0);
		return;
	}
	dl_nn_run(pool, m, 1, act_bwd_range, &J);
}

/* ---------------------------------------------------------------- SwiGLU */

static void swiglu_fwd_rows(void *ctx, size_t begin, size_t end, int tid)
{
	const struct act_job *J = ctx;
	size_t h = J->h;
	(void)tid;
	for (size_t i = begin; i < end; i++) {
		const float *restrict a = J->x + i * 2 * h, *restrict b = a + h;
		float *restrict y = J->y + i * h;
		for (size_t j = 0; j < h; j++)
			y[j] = silu(a[j]) * b[j];
	}
}

static void swiglu_bwd_rows(void *ctx, size_t begin, size_t end, int tid)
{
	const struct act_job *J = ctx;
	size_t h = J->h;
	(void)tid;
	for (size_t i = begin; i < end; i++) {
		const float *restrict a = J->x + i * 2 * h, *restrict b = a + h;
		const float *restrict dy = J->dy + i * h;
		float *restrict da = J->dx + i * 2 * h, *restrict db = da + h;
		for (size_t j = 0; j < h; j++) {
			float e1 = 1.0f + expf(-a[j]);
			float s = 1.0f / e1, sa = a[j] / e1;
			da[j] += dy[j] * b[j] * (s * (1.0f + a[j] * (1.0f - s)));
			db[j] += dy[j] * sa;
		}
	}
}

void dl_swiglu_fwd(const float *x, float *y, size_t n, size_t h, dl_pool *pool)
{
	struct act_job J = {.x = x, .y = y, .h = h};
	dl_nn_run(pool, n, 2 * h, swiglu_fwd_rows, &J);
}

void dl_swiglu_bwd(const float *x, const float *dy, float *dx, size_t n, size_t h,
		   dl_pool *pool)
{
	if (!dx)
		return;
	struct act_job J = {.x = x, .dy = dy, .dx = dx, .h = h};
	dl_nn_run(pool, n, 2 * h, swiglu_bwd_rows, &J);
}
