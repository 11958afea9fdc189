/*
 * attention.c — causal multi-head self-attention, forward and backward (layers.h).
 *
 * Scaled dot-product attention (Vaswani et al. 2017, "Attention Is All You Need", eq. 1)
 * with a causal mask, in GPT-2's layout: for one (batch, head) pair, Q, K and V are t x d
 * strided views of qkv (leading dimension 3c, columns h*d.. of the q, k and v thirds), so
 * no copies are made; cblas_sgemm reads them in place and writes y, and the gradients of
 * q, k and v, in place too.
 *
 *   forward:  S = Q K^T / sqrt(d), P = softmax(S masked to j <= i), Y = P V
 *   backward: dV = P^T dY, dP = dY V^T, dS = P * (dP - rowsum(P * dP)),
 *             dQ = dS K / sqrt(d), dK = dS^T Q / sqrt(d)
 *
 * Only the lower triangle of S and P is needed. The rows are cut into tiles of TILE rows;
 * tile [i0, i1) multiplies against keys [0, i1) only, which skips about half of the work for
 * long sequences. The entries of a tile above the diagonal are set to zero after the
 * softmax (the forward leaves att zero above the diagonal, as the contract says), so the
 * products that follow may read whole tiles. (Measured at t = 128, d = 32 with OpenBLAS
 * 0.3.21: the tiles pay for the products with P and dS; the score products Q K^T and
 * dY V^T cost about the same tiled or whole, and copying K or V to a transposed scratch
 * gained under 5%, so nothing is copied.)
 *
 * Threads: each (batch, head) pair is independent and done by one thread, in a fixed order,
 * so the results do not depend on the thread count. The backward needs a t x t scratch for
 * dP (then dS, in place) per thread, allocated once per call. The products are small (TILE
 * rows), so OpenBLAS runs them on the calling thread; only for long sequences with wide
 * heads (TILE * t * d above its threshold, 2^18) would it start threads of its own, and a
 * caller running a pool should then keep OpenBLAS at one thread.
 */
#include "config.h"
#include "nn/layers.h"
#include "nn/simd.h"
#include "core/alloc.h"

#include <cblas.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Rows per tile of the causal products: large enough that sgemm runs at speed, small
 * enough that the skipped upper triangle is most of it. */
#define TILE 32

struct attn_job {
	const float *qkv;
	float *y;               /* forward */
	float *att;             /* forward: the probabilities it writes */
	const float *p;         /* backward: the same, read */
	const float *dy;        /* backward */
	float *dqkv;            /* backward */
	float *scratch;         /* backward: t * t floats per thread */
	size_t t, c, nh, d;
	float scale;
};

/*
 * Row kernels on 4 floats at a time, in GCC's vector extensions (which clang shares): plain
 * C, one SSE2 register on any x86-64, no -march needed. Sums are kept in 4 lanes and folded
 * in a fixed order, so a row's result does not depend on the thread that computes it.
 */
typedef float vf __attribute__((vector_size(16)));
typedef int32_t vi __attribute__((vector_size(16)));
#define VL 4

static inline vf vload(const float *p)
{
	vf v;
	memcpy(&v, p, sizeof v);
	return v;
}

static inline void vstore(float *p, vf v)
{
	memcpy(p, &v, sizeof v);
}

static inline vf vsplat(float x)
{
	return (vf){x, x, x, x};
}

static inline vf vmax(vf a, vf b)
{
	vi gt = a > b;
	return (vf)((gt & (vi)a) | (~gt & (vi)b));
}

static inline float vhsum(vf v)
{
	return (v[0] + v[2]) + (v[1] + v[3]);
}

static inline float vhmax(vf v)
{
	float m = v[0];
	for (int l = 1; l < VL; l++)
		m = v[l] > m ? v[l] : m;
	return m;
}

/* e^x (nn/simd.h); for a softmax, after its maximum is subtracted: x <= 0. */
DL_DEFINE_VEXP(vexp, vf, vi)

/* Softmax of row[0..n) in place (n >= 1), then zeros in row[n..m). */
DL_INLINE void softmax_causal_row(float *row, size_t n, size_t m)
{
	size_t nv = n / VL * VL, tail = n - nv;
	vf last = vsplat(-INFINITY);           /* row[nv..n), padded with -inf */
	memcpy(&last, row + nv, tail * sizeof *row);

	vf top = last;
	for (size_t j = 0; j < nv; j += VL)
		top = vmax(top, vload(row + j));
	float mx = vhmax(top);

	vf vsum = vexp(last - mx);
	memcpy(row + nv, &vsum, tail * sizeof *row);
	for (size_t j = 0; j < nv; j += VL) {
		vf e = vexp(vload(row + j) - mx);
		vstore(row + j, e);
		vsum += e;
	}
	float inv = 1.0f / vhsum(vsum);
	for (size_t j = 0; j < nv; j += VL)
		vstore(row + j, vload(row + j) * inv);
	for (size_t j = nv; j < n; j++)
		row[j] *= inv;
	if (m > n)
		memset(row + n, 0, (m - n) * sizeof *row);
}

/* One (batch, head) pair of the forward. */
DL_INLINE void fwd_pair(const struct attn_job *J, size_t bi, size_t h)
{
	size_t t = J->t, c = J->c, d = J->d, ld = 3 * c;
	const float *q = J->qkv + bi * t * ld + h * d;
	const float *k = q + c;
	const float *v = q + 2 * c;
	float *att = J->att + (bi * J->nh + h) * t * t;
	float *y = J->y + bi * t * c + h * d;

	for (size_t i0 = 0; i0 < t; i0 += TILE) {
		size_t i1 = i0 + TILE < t ? i0 + TILE : t, rows = i1 - i0;
		float *a = att + i0 * t;

		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)i1, (int)d,
			    J->scale, q + i0 * ld, (int)ld, k, (int)ld, 0.0f, a, (int)t);
		for (size_t i = i0; i < i1; i++)
			softmax_causal_row(att + i * t, i + 1, t);
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)d, (int)i1,
			    1.0f, a, (int)t, v, (int)ld, 0.0f, y + i0 * c, (int)c);
	}
}

/* dS from dP in place, row i of n = i + 1 entries: dS = P * (dP - sum(P * dP)); zeros in
 * [n, m). (The softmax Jacobian: d p_j / d s_k = p_j (delta_jk - p_k).) */
DL_INLINE void softmax_bwd_row(const float *p, float *dp, size_t n, size_t m)
{
	size_t nv = n / VL * VL;
	vf acc = vsplat(0.0f);
	for (size_t j = 0; j < nv; j += VL)
		acc += vload(p + j) * vload(dp + j);
	float dot = vhsum(acc), tail = 0.0f;
	for (size_t j = nv; j < n; j++)
		tail += p[j] * dp[j];
	dot += tail;
	for (size_t j = 0; j < nv; j += VL)
		vstore(dp + j, vload(p + j) * (vload(dp + j) - dot));
	for (size_t j = nv; j < n; j++)
		dp[j] = p[j] * (dp[j] - dot);
	if (m > n)
		memset(dp + n, 0, (m - n) * sizeof *dp);
}

/* One (batch, head) pair of the backward; ds is the thread's t x t scratch. */
DL_INLINE void bwd_pair(const struct attn_job *J, size_t bi, size_t h, float *ds)
{
	size_t t = J->t, c = J->c, d = J->d, ld = 3 * c;
	size_t off = bi * t * ld + h * d;
	const float *q = J->qkv + off, *k = q + c, *v = q + 2 * c;
	float *dq = J->dqkv + off, *dk = dq + c, *dv = dq + 2 * c;
	const float *att = J->p + (bi * J->nh + h) * t * t;
	const float *dy = J->dy + bi * t * c + h * d;

	/* By row tiles: dP = dY V^T, dS, dQ += dS K * scale. */
	for (size_t i0 = 0; i0 < t; i0 += TILE) {
		size_t i1 = i0 + TILE < t ? i0 + TILE : t, rows = i1 - i0;

		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)i1, (int)d,
			    1.0f, dy + i0 * c, (int)c, v, (int)ld, 0.0f, ds + i0 * t, (int)t);
		for (size_t i = i0; i < i1; i++)
			softmax_bwd_row(att + i * t, ds + i * t, i + 1, i1);
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)d, (int)i1,
			    J->scale, ds + i0 * t, (int)t, k, (int)ld, 1.0f, dq + i0 * ld, (int)ld);
	}
	/* By column tiles [j0, j1), rows j0..t-1 (the rest are zero): dK += dS^T Q * scale,
	 * dV += P^T dY. */
	for (size_t j0 = 0; j0 < t; j0 += TILE) {
		size_t j1 = j0 + TILE < t ? j0 + TILE : t, cols = j1 - j0, rows = t - j0;

		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)cols, (int)d, (int)rows,
			    J->scale, ds + j0 * t + j0, (int)t, q + j0 * ld, (int)ld, 1.0f,
			    dk + j0 * ld, (int)ld);
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)cols, (int)d, (int)rows,
			    1.0f, att + j0 * t + j0, (int)t, dy + j0 * c, (int)c, 1.0f,
			    dv + j0 * ld, (int)ld);
	}
}

DL_CLONES static void fwd_fn(void *ctx, size_t begin, size_t end, int tid)
{
	const struct attn_job *J = ctx;
	(void)tid;
	for (size_t p = begin; p < end; p++)
		fwd_pair(J, p / J->nh, p % J->nh);
}

DL_CLONES static void bwd_fn(void *ctx, size_t begin, size_t end, int tid)
{
	const struct attn_job *J = ctx;
	float *ds = J->scratch + (size_t)tid * J->t * J->t;
	for (size_t p = begin; p < end; p++)
		bwd_pair(J, p / J->nh, p % J->nh, ds);
}

static void attn_init(struct attn_job *J, const float *qkv, size_t t, size_t c, size_t nh)
{
	memset(J, 0, sizeof *J);
	J->qkv = qkv;
	J->t = t;
	J->c = c;
	J->nh = nh;
	J->d = c / nh;
	J->scale = (float)(1.0 / sqrt((double)J->d));
}

void dl_attention_fwd(const float *qkv, float *y, float *att, size_t b, size_t t, size_t c,
		      size_t nh, dl_pool *pool)
{
	if (b == 0 || t == 0 || c == 0 || nh == 0)
		return;
	struct attn_job J;
	attn_init(&J, qkv, t, c, nh);
	J.y = y;
	J.att = att;
	if (pool)
		dl_pool_for(pool, b * nh, 1, fwd_fn, &J);
	else
		fwd_fn(&J, 0, b * nh, 0);
}

void dl_attention_bwd(const float *qkv, const float *att, const float *dy, float *dqkv,
		      size_t b, size_t t, size_t c, size_t nh, dl_pool *pool)
{
	if (dqkv == NULL || b == 0 || t == 0 || c == 0 || nh == 0)
		return;
	struct attn_job J;
	attn_init(&J, qkv, t, c, nh);
	J.p = att;
	J.dy = dy;
	J.dqkv = dqkv;
	size_t threads = pool ? (size_t)dl_pool_threads(pool) : 1;
	J.scratch = dl_mallocarray(threads * t, t * sizeof *J.scratch);
	if (pool)
		dl_pool_for(pool, b * nh, 1, bwd_fn, &J);
	else
		bwd_fn(&J, 0, b * nh, 0);
	dl_free(J.scratch);
}
