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

#include <math.h>

#define PAR_MIN 32768
#define CHUNK_VALUES 8192

#define SQRT1_2 0.70710678118654752440f       /* 1/sqrt(2) */
#define INV_SQRT_2PI 0.39894228040143267794f  /* 1/sqrt(2 pi) */
#define SQRT_2_PI 0.79788456080286535588f     /* sqrt(2/pi) */
#define GELU_K 0.044715f

static void run(dl_pool *pool, size_t n, size_t width, dl_pool_fn fn, void *ctx)
{
	if (n == 0)
		return;
	if (!pool || dl_pool_threads(pool) < 2 || n * width < PAR_MIN) {
		fn(ctx, 0, n, 0);
		return;
	}
	size_t chunk = CHUNK_VALUES / (width ? width : 1);
	dl_pool_for(pool, n, chunk ? chunk : 1, fn, ctx);
}

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
		for (size_t i = begin; i < end; i++)
			y[i] = gelu_tanh(x[i]);
		break;
	case DL_ACT_SILU:
		for (size_t i = begin; i < end; i++)
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
	switch (J->a) {
	case DL_ACT_RELU:
		relu_bwd(x + begin, dy + begin, dx + begin, end - begin);
		break;
	case DL_ACT_GELU:
		for (size_t i = begin; i < end; i++)
			dx[i] += dy[i] * gelu_grad(x[i]);
		break;
	case DL_ACT_GELU_TANH:
		for (size_t i = begin; i < end; i++)
			dx[i] += dy[i] * gelu_tanh_grad(x[i]);
		break;
	case DL_ACT_SILU:
		for (size_t i = begin; i < end; i++)
			dx[i] += dy[i] * silu_grad(x[i]);
		break;
	}
}

void dl_act_fwd(enum dl_act a, const float *x, float *y, size_t m, dl_pool *pool)
{
	struct act_job J = {.a = a, .x = x, .y = y};
	run(pool, m, 1, act_fwd_range, &J);
}

void dl_act_bwd(enum dl_act a, const float *x, const float *dy, float *dx, size_t m,
		dl_pool *pool)
{
	if (!dx)
		return;
	struct act_job J = {.a = a, .x = x, .dy = dy, .dx = dx};
	run(pool, m, 1, act_bwd_range, &J);
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
	run(pool, n, 2 * h, swiglu_fwd_rows, &J);
}

void dl_swiglu_bwd(const float *x, const float *dy, float *dx, size_t n, size_t h,
		   dl_pool *pool)
{
	if (!dx)
		return;
	struct act_job J = {.x = x, .dy = dy, .dx = dx, .h = h};
	run(pool, n, 2 * h, swiglu_bwd_rows, &J);
}
