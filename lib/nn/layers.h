/*
 * layers.h — the layers of dl-train as kernels: forward and backward passes over float32
 * arrays, with no state of their own.
 *
 * Design. A network is a list of layers over one parameter buffer and one gradient buffer of
 * the same layout (the model owns both; a layer gets pointers into them). A layer declares its
 * parameters by name and shape (PyTorch's names and layouts, so that checkpoints map one to
 * one), runs forward from its input activation to its output activation, keeping what backward
 * needs (the input itself, or a small cache such as LayerNorm's mean and 1/std), and runs
 * backward from the gradient of its output. Activations live in one arena per step, laid out
 * by the model before the first step; nothing is allocated while training. The kernels here
 * are that contract's arithmetic: row-major arrays, n rows (batch x positions) of C columns.
 *
 * Conventions for every backward function:
 *   - gradients are ADDED into dx, dw, db (the caller zeroes them once per step): a residual
 *     branch and gradient accumulation need no extra pass;
 *   - dx, dw or db may be NULL when that gradient is not wanted;
 *   - the forward inputs (and any cache the forward filled) are passed again unchanged.
 * A few backward functions have a _set twin that WRITES dx instead (dw, db are still added):
 * for a scratch gradient the caller would otherwise zero first, which costs a pass over
 * memory. Matrix products go through cblas_sgemm; the pool, when not NULL, runs the element-wise
 * and per-row work on its threads. Results do not depend on the number of threads except
 * through the order of float additions inside sgemm.
 */
#ifndef DL_NN_LAYERS_H
#define DL_NN_LAYERS_H

#include <stddef.h>
#include <stdint.h>
#include "core/threads.h"

/* Linear: y[n, out] = x[n, in] W[out, in]^T + b[out] (PyTorch's nn.Linear: weight is
 * [out, in]); b may be NULL (no bias). */
void dl_linear_fwd(const float *x, const float *w, const float *b, float *y, size_t n,
		   size_t in, size_t out);
void dl_linear_bwd(const float *x, const float *w, const float *dy, float *dx, float *dw,
		   float *db, size_t n, size_t in, size_t out);
void dl_linear_bwd_set(const float *x, const float *w, const float *dy, float *dx, float *dw,
		       float *db, size_t n, size_t in, size_t out);

/* Embedding: y[i, :] = table[ids[i], :], table [vocab, c]. Ids must be < vocab (checked by
 * the caller). Backward adds dy rows into dtable rows. */
void dl_embedding_fwd(const int32_t *ids, const float *table, float *y, size_t n, size_t c);
void dl_embedding_bwd(const int32_t *ids, const float *dy, float *dtable, size_t n, size_t c);

/* LayerNorm over the last dimension (Ba et al. 2016), as torch.nn.LayerNorm(c, eps):
 * y = (x - mean) / sqrt(var + eps) * gamma + beta, var the biased variance. The forward
 * writes mean[n] and rstd[n] (1/sqrt(var + eps)) for the backward. beta may be NULL. */
void dl_layernorm_fwd(const float *x, const float *gamma, const float *beta, float *y,
		      float *mean, float *rstd, size_t n, size_t c, float eps, dl_pool *pool);
void dl_layernorm_bwd(const float *x, const float *gamma, const float *mean, const float *rstd,
		      const float *dy, float *dx, float *dgamma, float *dbeta, size_t n, size_t c,
		      dl_pool *pool);

/* RMSNorm (Zhang & Sennrich 2019), as torch.nn.RMSNorm(c, eps): y = x / sqrt(mean(x^2) + eps)
 * * gamma. The forward writes rstd[n]. */
void dl_rmsnorm_fwd(const float *x, const float *gamma, float *y, float *rstd, size_t n, size_t c,
		    float eps, dl_pool *pool);
void dl_rmsnorm_bwd(const float *x, const float *gamma, const float *rstd, const float *dy,
		    float *dx, float *dgamma, size_t n, size_t c, dl_pool *pool);

/* Element-wise activations over m values; backward from the forward input x. GELU exact is
 * x * Phi(x) (erf), tanh is torch's approximate='tanh'. SiLU is x * sigmoid(x). */
enum dl_act { DL_ACT_RELU, DL_ACT_GELU, DL_ACT_GELU_TANH, DL_ACT_SILU };
void dl_act_fwd(enum dl_act a, const float *x, float *y, size_t m, dl_pool *pool);
void dl_act_bwd(enum dl_act a, const float *x, const float *dy, float *dx, size_t m,
		dl_pool *pool);
void dl_act_bwd_set(enum dl_act a, const float *x, const float *dy, float *dx, size_t m,
		    dl_pool *pool);

/* SwiGLU (Shazeer 2020): x[n, 2h] holds a = x[:, :h] and b = x[:, h:]; y[n, h] = silu(a) * b. */
void dl_swiglu_fwd(const float *x, float *y, size_t n, size_t h, dl_pool *pool);
void dl_swiglu_bwd(const float *x, const float *dy, float *dx, size_t n, size_t h,
		   dl_pool *pool);

/* Dropout with a given keep mask (0 or 1 per value, drawn by the caller from its RNG):
 * y = x * mask / (1 - p). Backward: dx += dy * mask / (1 - p). */
void dl_dropout_fwd(const float *x, const uint8_t *mask, float p, float *y, size_t m);
void dl_dropout_bwd(const uint8_t *mask, float p, const float *dy, float *dx, size_t m);

/* Causal multi-head self-attention, GPT-2's layout: qkv[b, t, 3c] holds q, k, v one after the
 * other along the last dimension, each split into nh heads of c / nh; y[b, t, c] is the heads'
 * outputs side by side (before the output projection, which is a Linear). Scores are
 * q.k / sqrt(c / nh), masked to positions <= the query's, soft-maxed. The forward writes the
 * probabilities att[b, nh, t, t] (zero above the diagonal) for the backward. */
void dl_attention_fwd(const float *qkv, float *y, float *att, size_t b, size_t t, size_t c,
		      size_t nh, dl_pool *pool);
void dl_attention_bwd(const float *qkv, const float *att, const float *dy, float *dqkv,
		      size_t b, size_t t, size_t c, size_t nh, dl_pool *pool);

/* Losses: the mean over the rows that count; the backward writes (not adds) the gradient
 * of that mean times scale (scale = 1 / accumulation steps, say) into dlogits / dx. */

/* Softmax cross-entropy, as torch.nn.functional.cross_entropy(logits, targets,
 * ignore_index): rows whose target equals ignore_index do not count. Returns the mean loss
 * (0 when no row counts) and, when dlogits is not NULL, its gradient. */
double dl_cross_entropy(const float *logits, const int32_t *targets, int32_t ignore_index,
			float *dlogits, float scale, size_t n, size_t v, dl_pool *pool);
/* Mean squared error over m values. */
double dl_mse(const float *x, const float *target, float *dx, float scale, size_t m);
/* Binary cross-entropy on logits, as binary_cross_entropy_with_logits (numerically stable). */
double dl_bce_logits(const float *x, const float *target, float *dx, float scale, size_t m);

#endif
