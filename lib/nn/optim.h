/*
 * optim.h — optimizers, learning-rate schedules and gradient clipping over the flat parameter
 * and gradient buffers of a model.
 *
 * Each update matches torch.optim's step on the same buffers (the formulas are cited in
 * optim.c): SGD with momentum and Nesterov (torch's dampening 0), Adam (Kingma & Ba 2015) with
 * L2 weight decay added to the gradient, AdamW with decoupled weight decay (Loshchilov & Hutter
 * 2019), bias-corrected moments, eps added after the square root. Weight decay applies only
 * where the decay mask is 1 (biases and norms are usually exempt; NULL = everywhere).
 */
#ifndef DL_NN_OPTIM_H
#define DL_NN_OPTIM_H

#include <stddef.h>
#include <stdint.h>
#include "core/threads.h"

enum dl_optim_kind { DL_OPT_SGD, DL_OPT_ADAM, DL_OPT_ADAMW };

typedef struct {
	enum dl_optim_kind kind;
	double lr;              /* the base rate; the schedule scales it per step */
	double momentum;        /* SGD */
	int nesterov;           /* SGD */
	double beta1, beta2, eps;
	double weight_decay;
} dl_optim_conf;

/* Optimizer state: moments (m, v; SGD uses m as its momentum buffer) and the step count. */
typedef struct {
	dl_optim_conf conf;
	size_t n;
	float *m, *v;
	uint64_t step;          /* steps taken */
} dl_optim;

void dl_optim_init(dl_optim *o, const dl_optim_conf *conf, size_t n);
void dl_optim_free(dl_optim *o);
/* One step on params[n] with grads[n] at learning rate lr (already scheduled). */
void dl_optim_step(dl_optim *o, float *params, const float *grads, const uint8_t *decay_mask,
		   double lr, dl_pool *pool);

/* Global-norm clipping, as torch.nn.utils.clip_grad_norm_(max_norm): scales grads by
 * max_norm / (norm + 1e-6) when the L2 norm exceeds max_norm; returns the norm before. */
double dl_clip_grad_norm(float *grads, size_t n, double max_norm);

/* Schedules: the learning rate at step s (0-based) of total steps. */
enum dl_sched { DL_SCHED_CONSTANT, DL_SCHED_COSINE, DL_SCHED_LINEAR };
/* Linear warmup from 0 over warmup steps (lr * (s + 1) / warmup), then constant, or a cosine
 * or linear decay from lr to min_lr at step total. */
double dl_sched_lr(enum dl_sched kind, double lr, double min_lr, uint64_t warmup, uint64_t total,
		   uint64_t s);

#endif
