/*
 * optim.c — SGD, Adam and AdamW steps, gradient-norm clipping and learning-rate schedules.
 *
 * The updates follow torch.optim's single-tensor CPU code (torch 1.13) operation by
 * operation in float32, so a model trained here takes the same steps as one trained there.
 * Each torch tensor operation is one rounding here, and where torch's CPU kernels fuse a
 * multiply and an add (Tensor.add with alpha, addcmul) this file uses fmaf, which rounds
 * once as they do; everything else is a separate float operation in the same order. Scalars
 * that torch computes in Python (bias corrections, the step size, 1 - lr * wd) are computed
 * in double and rounded to float where torch hands them to a float kernel.
 *
 *   SGD (Sutskever et al. 2013, torch's formulation, dampening 0):
 *       d = g + wd * p                            (L2 decay, where the mask allows)
 *       b = d on the first step, else b = mu * b + d
 *       d = d + mu * b (Nesterov) or d = b
 *       p = p - lr * d
 *   Adam (Kingma & Ba 2015, Algorithm 1) with L2 decay d = g + wd * p, and AdamW (Loshchilov
 *   & Hutter 2019, Algorithm 2) which first sets p = p * (1 - lr * wd) and uses d = g:
 *       m = b1 * m + (1 - b1) * d
 *       v = b2 * v + (1 - b2) * d * d
 *       p = p + (-lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 *
 * Every element is updated on its own, so the step is cut into chunks over the pool when n
 * is large and the result does not depend on the number of threads. Where the CPU has FMA
 * and AVX2, vector loops do eight elements at a time with the same correctly rounded
 * operations (fmaf and sqrtf are exact roundings on any machine), so they give the same
 * bits as the scalar loops.
 *
 * Clipping (torch.nn.utils.clip_grad_norm_): the global L2 norm is summed in double (torch
 * sums in float; the norms agree to float precision, except that squares beyond float's
 * range, gradients above about 1e19, make torch's norm infinite and its gradients 0 where
 * here they are clipped like any others), then clip_coef = max_norm * (1 /
 * (norm + 1e-6)) in float, as torch's reciprocal-then-multiply does, and the gradients are
 * multiplied by it unless it is at least 1 (a NaN norm makes them NaN, as in torch).
 */
#include "config.h"
#include "nn/optim.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "core/alloc.h"

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
/* Contraction into FMA would fuse operations that torch rounds separately; fused ones are
 * written as fmaf. */
#pragma GCC optimize("fp-contract=off")
#endif

#if defined(__GNUC__) && defined(__x86_64__)
#define DL_OPTIM_AVX2 1
#include <immintrin.h>
#endif

/* Elements per chunk handed to a pool thread, and the size below which one thread does
 * everything (spreading a few thousand elements costs more than it saves). */
#define CHUNK ((size_t)1 << 14)
#define PAR_MIN ((size_t)1 << 16)

void dl_optim_init(dl_optim *o, const dl_optim_conf *conf, size_t n)
{
	memset(o, 0, sizeof *o);
	o->conf = *conf;
	o->n = n;
	if (conf->kind != DL_OPT_SGD || conf->momentum != 0)
		o->m = dl_calloc(n, sizeof *o->m);
	if (conf->kind != DL_OPT_SGD)
		o->v = dl_calloc(n, sizeof *o->v);
}

void dl_optim_free(dl_optim *o)
{
	dl_free(o->m);
	dl_free(o->v);
	memset(o, 0, sizeof *o);
}

/* The per-step constants, already rounded to float where torch rounds them. */
struct step {
	float *p, *m, *v;
	const float *g;
	const uint8_t *mask;
	int first;              /* SGD: the momentum buffer starts as the gradient */
	int nesterov;
	int l2;                 /* weight decay added to the gradient (SGD, Adam) */
	int decoupled;          /* AdamW: p *= decay first */
	float wd, neg_lr, mu;   /* SGD */
	float b1, omb1, b2, omb2, bc2_sqrt, eps, neg_step, decay;
};

static inline int decays(const struct step *c, size_t i)
{
	return !c->mask || c->mask[i];
}

/* One element of SGD. */
static inline void sgd_one(const struct step *c, size_t i)
{
	float d = c->g[i];
	if (c->l2 && decays(c, i))
		d = fmaf(c->p[i], c->wd, d);
	if (c->m) {
		float b = c->first ? d : c->m[i] * c->mu + d;
		c->m[i] = b;
		d = c->nesterov ? fmaf(b, c->mu, d) : b;
	}
	c->p[i] = fmaf(d, c->neg_lr, c->p[i]);
}

/* One element of Adam or AdamW. */
static inline void adam_one(const struct step *c, size_t i)
{
	float d = c->g[i], p = c->p[i];
	if (decays(c, i)) {
		if (c->l2)
			d = fmaf(p, c->wd, d);
		else if (c->decoupled)
			p = p * c->decay;
	}
	float m = fmaf(d, c->omb1, c->m[i] * c->b1);
	float v = fmaf(c->omb2 * d, d, c->v[i] * c->b2);
	float den = sqrtf(v) / c->bc2_sqrt + c->eps;
	c->m[i] = m;
	c->v[i] = v;
	c->p[i] = p + c->neg_step * m / den;
}

#ifdef DL_OPTIM_AVX2
static int have_avx2(void)
{
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/* All ones in the lanes of mask[i, i + 8) that are not 0 (all lanes when mask is NULL). */
__attribute__((target("avx2,fma"), always_inline)) static inline __m256
mask8(const uint8_t *mask, size_t i)
{
	if (!mask)
		return _mm256_castsi256_ps(_mm256_set1_epi32(-1));
	__m128i b = _mm_loadl_epi64((const __m128i *)(const void *)(mask + i));
	__m256i zero = _mm256_cmpeq_epi32(_mm256_cvtepu8_epi32(b), _mm256_setzero_si256());
	return _mm256_castsi256_ps(_mm256_xor_si256(zero, _mm256_set1_epi32(-1)));
}

/* Eight elements of sgd_range at a time, the same operations in the same order; returns
 * where the scalar loop takes over. */
__attribute__((target("avx2,fma"))) static size_t sgd_avx2(const struct step *c, size_t begin,
							   size_t end)
{
	const __m256 wd = _mm256_set1_ps(c->wd), mu = _mm256_set1_ps(c->mu);
	const __m256 neg_lr = _mm256_set1_ps(c->neg_lr);
	size_t i = begin;
	for (; i + 8 <= end; i += 8) {
		__m256 d = _mm256_loadu_ps(c->g + i), p = _mm256_loadu_ps(c->p + i);
		if (c->l2)
			d = _mm256_blendv_ps(d, _mm256_fmadd_ps(p, wd, d), mask8(c->mask, i));
		if (c->m) {
			__m256 b = c->first ? d
				: _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(c->m + i), mu), d);
			_mm256_storeu_ps(c->m + i, b);
			d = c->nesterov ? _mm256_fmadd_ps(b, mu, d) : b;
		}
		_mm256_storeu_ps(c->p + i, _mm256_fmadd_ps(d, neg_lr, p));
	}
	return i;
}

/* Eight elements of adam_one at a time, likewise. */
__attribute__((target("avx2,fma"))) static size_t adam_avx2(const struct step *c, size_t begin,
							    size_t end)
{
	const __m256 wd = _mm256_set1_ps(c->wd), decay = _mm256_set1_ps(c->decay);
	const __m256 b1 = _mm256_set1_ps(c->b1), omb1 = _mm256_set1_ps(c->omb1);
	const __m256 b2 = _mm256_set1_ps(c->b2), omb2 = _mm256_set1_ps(c->omb2);
	const __m256 bc2 = _mm256_set1_ps(c->bc2_sqrt), eps = _mm256_set1_ps(c->eps);
	const __m256 ns = _mm256_set1_ps(c->neg_step);
	size_t i = begin;
	for (; i + 8 <= end; i += 8) {
		__m256 d = _mm256_loadu_ps(c->g + i), p = _mm256_loadu_ps(c->p + i);
		if (c->l2)
			d = _mm256_blendv_ps(d, _mm256_fmadd_ps(p, wd, d), mask8(c->mask, i));
		else if (c->decoupled)
			p = _mm256_blendv_ps(p, _mm256_mul_ps(p, decay), mask8(c->mask, i));
		__m256 m = _mm256_fmadd_ps(d, omb1, _mm256_mul_ps(_mm256_loadu_ps(c->m + i), b1));
		__m256 v = _mm256_fmadd_ps(_mm256_mul_ps(omb2, d), d,
					   _mm256_mul_ps(_mm256_loadu_ps(c->v + i), b2));
		__m256 den = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(v), bc2), eps);
		_mm256_storeu_ps(c->m + i, m);
		_mm256_storeu_ps(c->v + i, v);
		p = _mm256_add_ps(p, _mm256_div_ps(_mm256_mul_ps(ns, m), den));
		_mm256_storeu_ps(c->p + i, p);
	}
	return i;
}

static int have_avx512(void)
{
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	       __builtin_cpu_supports("avx512vl");
}

/* Sixteen elements of adam_one at a time: the operations of adam_avx2, lane for lane, so the
 * same bits; the decay mask becomes a lane mask. */
__attribute__((target("avx512f,avx512bw,avx512vl"))) static size_t
adam_avx512(const struct step *c, size_t begin, size_t end)
{
	const __m512 wd = _mm512_set1_ps(c->wd), decay = _mm512_set1_ps(c->decay);
	const __m512 b1 = _mm512_set1_ps(c->b1), omb1 = _mm512_set1_ps(c->omb1);
	const __m512 b2 = _mm512_set1_ps(c->b2), omb2 = _mm512_set1_ps(c->omb2);
	const __m512 bc2 = _mm512_set1_ps(c->bc2_sqrt), eps = _mm512_set1_ps(c->eps);
	const __m512 ns = _mm512_set1_ps(c->neg_step);
	size_t i = begin;
	for (; i + 16 <= end; i += 16) {
		__m512 d = _mm512_loadu_ps(c->g + i), p = _mm512_loadu_ps(c->p + i);
		__mmask16 k = 0xffff;
		if (c->mask) {
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(c->mask + i));
			k = _mm_test_epi8_mask(b, b);
		}
		if (c->l2)
			d = _mm512_mask_blend_ps(k, d, _mm512_fmadd_ps(p, wd, d));
		else if (c->decoupled)
			p = _mm512_mask_blend_ps(k, p, _mm512_mul_ps(p, decay));
		__m512 m = _mm512_fmadd_ps(d, omb1, _mm512_mul_ps(_mm512_loadu_ps(c->m + i), b1));
		__m512 v = _mm512_fmadd_ps(_mm512_mul_ps(omb2, d), d,
					   _mm512_mul_ps(_mm512_loadu_ps(c->v + i), b2));
		__m512 den = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(v), bc2), eps);
		_mm512_storeu_ps(c->m + i, m);
		_mm512_storeu_ps(c->v + i, v);
		p = _mm512_add_ps(p, _mm512_div_ps(_mm512_mul_ps(ns, m), den));
		_mm512_storeu_ps(c->p + i, p);
	}
	return i;
}

/* The squares of g[0, n - n % 16) summed into s[0, 16): element i into s[i % 16]. The
 * square of a float is exact in double, so this is the scalar loop's arithmetic. */
__attribute__((target("avx2,fma"))) static size_t sumsq_avx2(const float *g, size_t n,
							     double s[16])
{
	__m256d a0 = _mm256_loadu_pd(s), a1 = _mm256_loadu_pd(s + 4);
	__m256d a2 = _mm256_loadu_pd(s + 8), a3 = _mm256_loadu_pd(s + 12);
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		__m256 x = _mm256_loadu_ps(g + i), y = _mm256_loadu_ps(g + i + 8);
		__m256d x0 = _mm256_cvtps_pd(_mm256_castps256_ps128(x));
		__m256d x1 = _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1));
		__m256d y0 = _mm256_cvtps_pd(_mm256_castps256_ps128(y));
		__m256d y1 = _mm256_cvtps_pd(_mm256_extractf128_ps(y, 1));
		a0 = _mm256_fmadd_pd(x0, x0, a0);
		a1 = _mm256_fmadd_pd(x1, x1, a1);
		a2 = _mm256_fmadd_pd(y0, y0, a2);
		a3 = _mm256_fmadd_pd(y1, y1, a3);
	}
	_mm256_storeu_pd(s, a0);
	_mm256_storeu_pd(s + 4, a1);
	_mm256_storeu_pd(s + 8, a2);
	_mm256_storeu_pd(s + 12, a3);
	return i;
}
#endif

static void sgd_range(void *ctx, size_t begin, size_t end, int tid)
{
	const struct step *c = ctx;
	(void)tid;
#ifdef DL_OPTIM_AVX2
	if (have_avx2())
		begin = sgd_avx2(c, begin, end);
#endif
	for (size_t i = begin; i < end; i++)
		sgd_one(c, i);
}

static void adam_range(void *ctx, size_t begin, size_t end, int tid)
{
	const struct step *c = ctx;
	(void)tid;
#ifdef DL_OPTIM_AVX2
	if (have_avx512())
		begin = adam_avx512(c, begin, end);
	if (have_avx2())
		begin = adam_avx2(c, begin, end);
#endif
	for (size_t i = begin; i < end; i++)
		adam_one(c, i);
}

static void run(dl_pool *pool, size_t n, dl_pool_fn fn, struct step *c)
{
	if (pool && n >= PAR_MIN && dl_pool_threads(pool) > 1)
		dl_pool_for(pool, n, CHUNK, fn, c);
	else
		fn(c, 0, n, 0);
}

void dl_optim_step(dl_optim *o, float *params, const float *grads, const uint8_t *decay_mask,
		   double lr, dl_pool *pool)
{
	const dl_optim_conf *k = &o->conf;
	struct step c = {
		.p = params, .m = o->m, .v = o->v, .g = grads, .mask = decay_mask,
		.first = o->step == 0, .nesterov = k->nesterov,
		.wd = (float)k->weight_decay,
	};
	o->step++;
	if (k->kind == DL_OPT_SGD) {
		c.l2 = k->weight_decay != 0;
		c.neg_lr = (float)-lr;
		c.mu = (float)k->momentum;
		if (k->momentum == 0)
			c.m = NULL;
		run(pool, o->n, sgd_range, &c);
		return;
	}
	/* torch.optim.Adam/AdamW: bias corrections and step size in Python doubles. */
	double t = (double)o->step;
	double bc1 = 1.0 - pow(k->beta1, t), bc2 = 1.0 - pow(k->beta2, t);
	c.l2 = k->kind == DL_OPT_ADAM && k->weight_decay != 0;
	c.decoupled = k->kind == DL_OPT_ADAMW && k->weight_decay != 0;
	c.decay = (float)(1.0 - lr * k->weight_decay);
	c.b1 = (float)k->beta1;
	c.omb1 = (float)(1.0 - k->beta1);
	c.b2 = (float)k->beta2;
	c.omb2 = (float)(1.0 - k->beta2);
	c.bc2_sqrt = (float)sqrt(bc2);
	c.eps = (float)k->eps;
	c.neg_step = (float)-(lr / bc1);
	run(pool, o->n, adam_range, &c);
}

/* Scales g[0, n) by f (torch's g.mul_(clip_coef)). */
static void scale(float *g, size_t n, float f)
{
	for (size_t i = 0; i < n; i++)
		g[i] *= f;
}

double dl_clip_grad_norm(float *grads, size_t n, double max_norm)
{
	/* Sixteen partial sums, element i into s[i % 16], added up in a fixed order: the same
	 * result on every run and every machine, and no single chain of n additions. */
	double s[16] = { 0 };
	size_t i = 0;
#ifdef DL_OPTIM_AVX2
	if (have_avx2())
		i = sumsq_avx2(grads, n, s);
#endif
	for (; i < n; i++)
		s[i % 16] += (double)grads[i] * grads[i];
	double ss = 0;
	for (int j = 0; j < 16; j++)
		ss += s[j];
	double norm = sqrt(ss);
	/* Beyond float's range torch's float norm is infinite, and so the coefficient 0. */
	float denom = norm > FLT_MAX ? INFINITY : (float)norm + 1e-6f;
	float coef = (1.0f / denom) * (float)max_norm;
	if (!(coef >= 1.0f))
		scale(grads, n, coef);
	return norm;
}

double dl_sched_lr(enum dl_sched kind, double lr, double min_lr, uint64_t warmup, uint64_t total,
		   uint64_t s)
{
	if (s < warmup)
		return lr * (double)(s + 1) / (double)warmup;
	if (kind != DL_SCHED_COSINE && kind != DL_SCHED_LINEAR)
		return lr;
	if (s >= total)
		return min_lr;
	/* Fraction of the decay done: 0 at the end of warmup, 1 at step total. The cosine is
	 * SGDR's annealing (Loshchilov & Hutter 2017, eq. 5) without restarts. */
	double t = (double)(s - warmup) / (double)(total - warmup);
	if (kind == DL_SCHED_COSINE)
		return min_lr + 0.5 * (lr - min_lr) * (1.0 + cos(M_PI * t));
	return min_lr + (lr - min_lr) * (1.0 - t);
}
