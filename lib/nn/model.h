/*
 * model.h — networks built from a JSON spec over the kernels of nn/layers.h: the MLP and the
 * GPT family, their parameters, forward and backward passes, and checkpoints.
 *
 * Design. A model is three things laid out once, when it is made:
 *   - one parameter buffer and one gradient buffer of the same layout: every tensor is a
 *     named slice (PyTorch's state_dict names and shapes, so a checkpoint maps one to one onto
 *     the equivalent torch module, see contrib/dl_torch.py); the optimizer works on the whole
 *     buffer at once;
 *   - one activation arena, sized for the largest batch the model will see: every value the
 *     backward pass needs (each layer's input, its normalisation statistics, the attention
 *     probabilities, dropout masks) has a fixed place in it, plus the scratch gradients of
 *     the backward pass. Nothing is allocated while training;
 *   - the list of layers, walked forward and then backward. Each layer's forward reads its
 *     input from the arena and writes its output there; its backward gets the gradient of its
 *     output and ADDS into the gradients of its input and of its parameters (the contract of
 *     nn/layers.h), so residual branches and gradient accumulation need no extra pass.
 * A new layer kind declares its tensors (name, shape, whether weight decay applies), its
 * arena slots, and its two passes; nothing else changes.
 *
 * The MLP: Linear, activation (and dropout), ..., Linear; loss softmax cross-entropy on class
 * labels, mean squared error or binary cross-entropy on float targets. The GPT: GPT-2's
 * decoder (Radford et al. 2019): token and learned position embeddings, pre-LayerNorm blocks
 * of causal multi-head attention and a tanh-GELU MLP of width 4C, each added to the residual
 * stream, a final LayerNorm and a linear head (tied to the token embedding by default).
 */
#ifndef DL_NN_MODEL_H
#define DL_NN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "core/threads.h"
#include "nn/layers.h"
#include "nn/optim.h"

enum dl_model_kind { DL_MODEL_MLP, DL_MODEL_GPT };
enum dl_loss_kind { DL_LOSS_SOFTMAX, DL_LOSS_MSE, DL_LOSS_BCE };

#define DL_MLP_MAX_SIZES 33
#define DL_SPEC_MAX_DIM 1048576         /* widths, vocabulary, block size */

/* A parsed spec. Fields of the other family are zero. */
typedef struct {
	enum dl_model_kind kind;
	/* mlp: layer widths, input first */
	size_t nsizes;
	size_t sizes[DL_MLP_MAX_SIZES];
	enum dl_act act;
	enum dl_loss_kind loss;
	/* gpt */
	size_t n_layer, n_head, n_embd, block_size, vocab_size;
	int tie_weights;        /* lm_head shares transformer.wte.weight (default 1) */
	int bias;               /* Linear and LayerNorm biases (default 1) */
	/* both */
	float dropout;          /* probability of zeroing, in [0, 1) */
} dl_spec;

/* Parses a spec from JSON text; name is used in messages ("spec.json: field 'n_embd': 130 is
 * not a multiple of n_head (4)"). Unknown fields, wrong types and inconsistent sizes are
 * errors. Returns 0, or -1 with e filled. */
int dl_spec_parse(dl_spec *s, const char *json, size_t n, const char *name, dl_err *e);
/* The spec as canonical JSON (every field, fixed order), malloc'd. */
char *dl_spec_json(const dl_spec *s);

/* One tensor of the parameter buffer. */
typedef struct {
	char name[64];
	size_t offset, count;   /* in floats */
	int ndim;
	uint64_t shape[2];
	int decay;              /* weight decay applies (matrices and embeddings, not biases/norms) */
} dl_param;

typedef struct dl_model dl_model;

/* Lays out a model for batches of up to max_batch rows (mlp) or sequences of up to
 * block_size tokens (gpt). Parameters are zero until dl_model_init or a checkpoint load.
 * NULL + e when the parameters, gradients and arena would take more than
 * DL_MODEL_MAX_BYTES (a spec typo, usually; memory itself is not probed). */
#define DL_MODEL_MAX_BYTES 64e9
dl_model *dl_model_new(const dl_spec *s, size_t max_batch, dl_err *e);
void dl_model_free(dl_model *m);
const dl_spec *dl_model_spec(const dl_model *m);
size_t dl_model_max_batch(const dl_model *m);

size_t dl_model_nparams(const dl_model *m);     /* floats in each buffer */
float *dl_model_params(dl_model *m);
float *dl_model_grads(dl_model *m);
const uint8_t *dl_model_decay_mask(const dl_model *m);  /* 1 per float where decay applies */
size_t dl_model_ntensors(const dl_model *m);
const dl_param *dl_model_tensor(const dl_model *m, size_t i);   /* in buffer order */
const dl_param *dl_model_find(const dl_model *m, const char *name);
/* Bytes of the activation arena. */
size_t dl_model_arena_bytes(const dl_model *m);
/* Training FLOPs per token (gpt) or sample (mlp) for one forward and backward pass: 6 per
 * weight of every matrix product, plus 12 L C T per token for attention at full context
 * (Kaplan et al. 2020, table 1, with the backward counted twice the forward). */
double dl_model_train_flops(const dl_model *m);

/* Initialises the parameters: mlp as torch.nn.Linear's default (weight and bias uniform in
 * +-1/sqrt(fan_in)); gpt as GPT-2: weights N(0, 0.02), the residual projections N(0,
 * 0.02/sqrt(2 n_layer)), biases 0, LayerNorm weights 1. */
void dl_model_init(dl_model *m, uint64_t seed);

/* A batch. mlp: x[b * in] (t unused); targets labels[b] (softmax) or y[b * out] (mse, bce).
 * gpt: ids[b * t] with 1 <= t <= block_size; targets labels[b * t], -1 = ignored. Labels and
 * ids must lie in range (the caller checks them against the data's source, for messages).
 * Without targets the forward only computes outputs. scale multiplies the gradient (1 /
 * accumulation steps); 0 means 1. */
typedef struct {
	size_t b, t;
	const float *x;
	const int32_t *ids;
	const int32_t *labels;
	const float *y;
	float scale;
} dl_batch;

enum dl_pass { DL_PASS_EVAL, DL_PASS_TRAIN };

/* Runs the forward pass; returns the mean loss when the batch has targets, else 0. A train
 * pass draws dropout masks from rng (may be NULL when dropout is 0) and prepares the
 * backward pass. */
double dl_model_forward(dl_model *m, const dl_batch *bt, enum dl_pass pass, dl_rng *rng,
			dl_pool *pool);
/* The backward pass of the last train forward: adds the gradients of its loss (times the
 * batch's scale) into the gradient buffer, which the caller zeroes between steps. */
void dl_model_backward(dl_model *m, dl_pool *pool);
/* The outputs (logits, or values for mse) of the last forward: rows of dl_model_outputs()
 * floats, b (mlp) or b * t (gpt) rows. */
const float *dl_model_output(const dl_model *m);
size_t dl_model_outputs(const dl_model *m);
size_t dl_model_inputs(const dl_model *m);      /* mlp: features per row; gpt: block size */

/*
 * Checkpoints (safetensors, nn/safetensors.h): the parameters under their names, F32; the
 * optimizer's moments as "optim.m.NAME" and "optim.v.NAME"; metadata "format" = "dl-train",
 * "spec" = the canonical spec, "optim" = sgd|adam|adamw, "optim.step", and the caller's own
 * keys (step, RNG state, ...). Saved atomically.
 */
void dl_ckpt_save(const char *path, const dl_model *m, const dl_optim *o,
		  const char *const *meta, size_t nmeta);

typedef struct dl_ckpt dl_ckpt;
/* Opens a checkpoint and parses its spec; NULL + e when the file is not a dl-train checkpoint
 * (a plain safetensors file of weights is accepted when spec_json is given instead). */
dl_ckpt *dl_ckpt_open(const char *path, const char *spec_json, dl_err *e);
void dl_ckpt_close(dl_ckpt *c);
const dl_spec *dl_ckpt_spec(const dl_ckpt *c);
const char *dl_ckpt_meta(const dl_ckpt *c, const char *key);
/* Copies the weights into m: every tensor of m must be present with its exact shape, and
 * no other tensor than optim.* (the message names the tensor and both shapes). */
int dl_ckpt_load_params(const dl_ckpt *c, dl_model *m, dl_err *e);
/* Restores the optimizer moments and step; 0 when the file has none for o's kind (o is left
 * fresh), 1 when restored, -1 + e when they are there but malformed. */
int dl_ckpt_load_optim(const dl_ckpt *c, const dl_model *m, dl_optim *o, dl_err *e);

#endif
