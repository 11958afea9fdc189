/*
 * model.c — the MLP and GPT of nn/model.h: parameter layout, activation arena, forward and
 * backward passes over the kernels of nn/layers.h.
 *
 * Layout. Tensors are appended to the parameter buffer in state_dict order, each starting on
 * a 64-byte boundary (the padding is zero in both buffers and never decays). The arena is
 * one float array cut into the slots each layer keeps for its backward pass, sized for
 * max_batch rows (mlp) or max_batch x block_size tokens (gpt); a forward pass on a smaller
 * batch uses the front of each slot. Dropout masks live in a byte arena beside it.
 *
 * GPT forward per block (pre-LayerNorm, as GPT-2):
 *     ln1 = LN(x); qkv = ln1 Wqkv^T + b; y = attention(qkv); res1 = x + drop(y Wo^T + b)
 *     ln2 = LN(res1); fc = ln2 Wfc^T + b; g = gelu_tanh(fc); res2 = res1 + drop(g Wp^T + b)
 * and the backward walks it in reverse with one gradient of the residual stream, dres, into
 * which each LayerNorm backward adds its input gradient (the residual's identity path is
 * dres itself). Scratch gradients are written by the _set kernels, or zeroed before a
 * kernel adds into them.
 */
#include "config.h"
#include "nn/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

#define NONE ((size_t)-1)
#define ALIGN 16                /* floats: 64 bytes */
#define LN_EPS 1e-5f

struct mlp_slots {
	size_t w, b;            /* tensor indices */
	float *z, *a;           /* Linear output; activation output (after dropout) */
	uint8_t *mask;
};

struct gpt_block {
	size_t ln1w, ln1b, attw, attb, projw, projb, ln2w, ln2b, fcw, fcb, mpw, mpb;
	float *ln1, *m1, *r1, *qkv, *atty, *att, *res1, *ln2, *m2, *r2, *fc, *fcg, *res2;
	uint8_t *mask1, *mask2;
};

struct dl_model {
	dl_spec spec;
	size_t max_batch;
	float *params, *grads;
	uint8_t *decay;
	size_t nparams;
	dl_param *tensors;
	size_t ntensors, cap;
	float *arena;
	size_t arena_floats;
	uint8_t *masks;
	size_t mask_bytes;
	/* the last forward */
	size_t b, t;
	int trained;            /* a train pass with targets; backward may run */
	float scale;
	int32_t *ids, *labels;
	float *x, *y;
	float *dout;            /* gradient of the loss wrt the outputs */
	float *s1, *s2, *s3, *s4, *s5;  /* backward scratch */
	/* mlp */
	struct mlp_slots *lin;
	size_t nlin;
	/* gpt */
	size_t wte, wpe, lnfw, lnfb, head;
	struct gpt_block *blk;
	float *x0, *lnf, *mf, *rf, *logits;
	uint8_t *mask0;
};

/* --- layout --- */

static size_t add_tensor(dl_model *m, const char *name, uint64_t d0, uint64_t d1, int decay)
{
	DL_GROW(m->tensors, m->cap, m->ntensors + 1);
	dl_param *p = &m->tensors[m->ntensors];
	memset(p, 0, sizeof *p);
	snprintf(p->name, sizeof p->name, "%s", name);
	p->ndim = d1 ? 2 : 1;
	p->shape[0] = d0;
	p->shape[1] = d1;
	p->count = (size_t)(d1 ? d0 * d1 : d0);
	p->offset = m->nparams;
	p->decay = decay;
	m->nparams += (p->count + ALIGN - 1) / ALIGN * ALIGN;
	return m->ntensors++;
}

static size_t add_blockt(dl_model *m, size_t l, const char *what, uint64_t d0, uint64_t d1,
			 int decay)
{
	char name[64];
	snprintf(name, sizeof name, "transformer.h.%zu.%s", l, what);
	return add_tensor(m, name, d0, d1, decay);
}

static void lay_mlp_params(dl_model *m)
{
	const dl_spec *s = &m->spec;
	m->nlin = s->nsizes - 1;
	m->lin = dl_calloc(m->nlin, sizeof *m->lin);
	for (size_t i = 0; i < m->nlin; i++) {
		char name[64];
		snprintf(name, sizeof name, "layers.%zu.weight", i);
		m->lin[i].w = add_tensor(m, name, s->sizes[i + 1], s->sizes[i], 1);
		snprintf(name, sizeof name, "layers.%zu.bias", i);
		m->lin[i].b = add_tensor(m, name, s->sizes[i + 1], 0, 0);
	}
}

static void lay_gpt_params(dl_model *m)
{
	const dl_spec *s = &m->spec;
	size_t c = s->n_embd;
	int bias = s->bias;
	m->wte = add_tensor(m, "transformer.wte.weight", s->vocab_size, c, 1);
	m->wpe = add_tensor(m, "transformer.wpe.weight", s->block_size, c, 1);
	m->blk = dl_calloc(s->n_layer, sizeof *m->blk);
	for (size_t l = 0; l < s->n_layer; l++) {
		struct gpt_block *B = &m->blk[l];
		B->ln1w = add_blockt(m, l, "ln_1.weight", c, 0, 0);
		B->ln1b = bias ? add_blockt(m, l, "ln_1.bias", c, 0, 0) : NONE;
		B->attw = add_blockt(m, l, "attn.c_attn.weight", 3 * c, c, 1);
		B->attb = bias ? add_blockt(m, l, "attn.c_attn.bias", 3 * c, 0, 0) : NONE;
		B->projw = add_blockt(m, l, "attn.c_proj.weight", c, c, 1);
		B->projb = bias ? add_blockt(m, l, "attn.c_proj.bias", c, 0, 0) : NONE;
		B->ln2w = add_blockt(m, l, "ln_2.weight", c, 0, 0);
		B->ln2b = bias ? add_blockt(m, l, "ln_2.bias", c, 0, 0) : NONE;
		B->fcw = add_blockt(m, l, "mlp.c_fc.weight", 4 * c, c, 1);
		B->fcb = bias ? add_blockt(m, l, "mlp.c_fc.bias", 4 * c, 0, 0) : NONE;
		B->mpw = add_blockt(m, l, "mlp.c_proj.weight", c, 4 * c, 1);
		B->mpb = bias ? add_blockt(m, l, "mlp.c_proj.bias", c, 0, 0) : NONE;
	}
	m->lnfw = add_tensor(m, "transformer.ln_f.weight", c, 0, 0);
	m->lnfb = bias ? add_tensor(m, "transformer.ln_f.bias", c, 0, 0) : NONE;
	m->head = s->tie_weights ? m->wte : add_tensor(m, "lm_head.weight", s->vocab_size, c, 1);
}

/* The arena is laid out in two passes over the same code: the first (base NULL) counts,
 * the second hands out pointers. */
struct carve {
	float *base;
	size_t used;
	uint8_t *mbase;
	size_t mused;
};

static float *take(struct carve *k, size_t n)
{
	float *p = k->base ? k->base + k->used : NULL;
	k->used += (n + ALIGN - 1) / ALIGN * ALIGN;
	return p;
}

static uint8_t *take_mask(struct carve *k, size_t n, int want)
{
	if (!want)
		return NULL;
	uint8_t *p = k->mbase ? k->mbase + k->mused : NULL;
	k->mused += (n + 63) / 64 * 64;
	return p;
}

static void carve_mlp(dl_model *m, struct carve *k)
{
	const dl_spec *s = &m->spec;
	size_t b = m->max_batch, wmax = 0;
	int drop = s->dropout > 0;
	for (size_t i = 0; i < s->nsizes; i++)
		wmax = s->sizes[i] > wmax ? s->sizes[i] : wmax;
	size_t out = s->sizes[s->nsizes - 1];
	m->x = take(k, b * s->sizes[0]);
	for (size_t i = 0; i < m->nlin; i++) {
		size_t w = s->sizes[i + 1];
		m->lin[i].z = take(k, b * w);
		int hidden = i + 1 < m->nlin;
		m->lin[i].a = hidden ? take(k, b * w) : NULL;
		m->lin[i].mask = take_mask(k, b * w, hidden && drop);
	}
	m->y = take(k, b * out);
	m->dout = take(k, b * out);
	m->s1 = take(k, b * wmax);
	m->s2 = take(k, b * wmax);
	m->s3 = take(k, b * wmax);
}

static void carve_gpt(dl_model *m, struct carve *k)
{
	const dl_spec *s = &m->spec;
	size_t bt = m->max_batch * s->block_size, c = s->n_embd;
	size_t att = m->max_batch * s->n_head * s->block_size * s->block_size;
	int drop = s->dropout > 0;
	m->x0 = take(k, bt * c);
	m->mask0 = take_mask(k, bt * c, drop);
	for (size_t l = 0; l < s->n_layer; l++) {
		struct gpt_block *B = &m->blk[l];
		B->ln1 = take(k, bt * c);
		B->m1 = take(k, bt);
		B->r1 = take(k, bt);
		B->qkv = take(k, bt * 3 * c);
		B->atty = take(k, bt * c);
		B->att = take(k, att);
		B->res1 = take(k, bt * c);
		B->ln2 = take(k, bt * c);
		B->m2 = take(k, bt);
		B->r2 = take(k, bt);
		B->fc = take(k, bt * 4 * c);
		B->fcg = take(k, bt * 4 * c);
		B->res2 = take(k, bt * c);
		B->mask1 = take_mask(k, bt * c, drop);
		B->mask2 = take_mask(k, bt * c, drop);
	}
	m->lnf = take(k, bt * c);
	m->mf = take(k, bt);
	m->rf = take(k, bt);
	m->logits = take(k, bt * s->vocab_size);
	m->dout = take(k, bt * s->vocab_size);
	m->s1 = take(k, bt * 4 * c);
	m->s2 = take(k, bt * 4 * c);
	m->s3 = take(k, bt * 3 * c);
	m->s4 = take(k, bt * c);
	m->s5 = take(k, bt * c);
}

/* Bytes the model would take, in double so that absurd specs cannot overflow. */
static double model_bytes(const dl_spec *s, double b)
{
	if (s->kind == DL_MODEL_MLP) {
		double w = 0, a = 0;
		for (size_t i = 0; i < s->nsizes; i++) {
			if (i + 1 < s->nsizes)
				w += ((double)s->sizes[i] + 1) * (double)s->sizes[i + 1];
			a += 6 * (double)s->sizes[i];   /* slots, targets and scratch, generously */
		}
		return 3 * 4 * w + 4 * b * a;
	}
	double c = (double)s->n_embd, l = (double)s->n_layer, v = (double)s->vocab_size;
	double bt = b * (double)s->block_size;
	double w = l * 12 * c * c + 2 * v * c + (double)s->block_size * c;
	double a = l * (bt * 17 * c + b * (double)s->n_head * (double)s->block_size *
			(double)s->block_size) + bt * (2 * v + 14 * c);
	return 3 * 4 * w + 4 * a;
}

dl_model *dl_model_new(const dl_spec *s, size_t max_batch, dl_err *e)
{
	double need = model_bytes(s, max_batch ? (double)max_batch : 1);
	if (need > DL_MODEL_MAX_BYTES)
		return dl_errf(e, "the model needs about %.3g GB for its parameters, gradients and "
			       "activations at this batch size (more than %.3g GB)", need / 1e9,
			       DL_MODEL_MAX_BYTES / 1e9), NULL;
	dl_model *m = dl_calloc(1, sizeof *m);
	m->spec = *s;
	m->max_batch = max_batch ? max_batch : 1;
	if (s->kind == DL_MODEL_MLP)
		lay_mlp_params(m);
	else
		lay_gpt_params(m);
	m->params = dl_aligned_alloc(m->nparams, sizeof(float), 64);
	m->grads = dl_aligned_alloc(m->nparams, sizeof(float), 64);
	m->decay = dl_calloc(m->nparams ? m->nparams : 1, 1);
	memset(m->params, 0, m->nparams * sizeof(float));
	memset(m->grads, 0, m->nparams * sizeof(float));
	for (size_t i = 0; i < m->ntensors; i++)
		if (m->tensors[i].decay)
			memset(m->decay + m->tensors[i].offset, 1, m->tensors[i].count);

	struct carve k = { 0 };
	if (s->kind == DL_MODEL_MLP)
		carve_mlp(m, &k);
	else
		carve_gpt(m, &k);
	size_t tokens = s->kind == DL_MODEL_GPT ? m->max_batch * s->block_size : m->max_batch;
	m->arena_floats = k.used;
	m->mask_bytes = k.mused;
	m->arena = dl_aligned_alloc(k.used, sizeof(float), 64);
	memset(m->arena, 0, k.used * sizeof(float));
	m->masks = k.mused ? dl_aligned_alloc(k.mused, 1, 64) : NULL;
	m->ids = dl_calloc(tokens, sizeof *m->ids);
	m->labels = dl_calloc(tokens, sizeof *m->labels);
	k = (struct carve){ .base = m->arena, .mbase = m->masks };
	if (s->kind == DL_MODEL_MLP)
		carve_mlp(m, &k);
	else
		carve_gpt(m, &k);
	return m;
}

void dl_model_free(dl_model *m)
{
	if (!m)
		return;
	free(m->params);
	free(m->grads);
	free(m->arena);
	free(m->masks);
	dl_free(m->decay);
	dl_free(m->tensors);
	dl_free(m->ids);
	dl_free(m->labels);
	dl_free(m->lin);
	dl_free(m->blk);
	dl_free(m);
}

const dl_spec *dl_model_spec(const dl_model *m) { return &m->spec; }
size_t dl_model_max_batch(const dl_model *m) { return m->max_batch; }
size_t dl_model_nparams(const dl_model *m) { return m->nparams; }
float *dl_model_params(dl_model *m) { return m->params; }
float *dl_model_grads(dl_model *m) { return m->grads; }
const uint8_t *dl_model_decay_mask(const dl_model *m) { return m->decay; }
size_t dl_model_ntensors(const dl_model *m) { return m->ntensors; }
const dl_param *dl_model_tensor(const dl_model *m, size_t i) { return &m->tensors[i]; }
size_t dl_model_arena_bytes(const dl_model *m)
{
	return m->arena_floats * sizeof(float) + m->mask_bytes;
}

const dl_param *dl_model_find(const dl_model *m, const char *name)
{
	for (size_t i = 0; i < m->ntensors; i++)
		if (strcmp(m->tensors[i].name, name) == 0)
			return &m->tensors[i];
	return NULL;
}

size_t dl_model_outputs(const dl_model *m)
{
	const dl_spec *s = &m->spec;
	return s->kind == DL_MODEL_MLP ? s->sizes[s->nsizes - 1] : s->vocab_size;
}

size_t dl_model_inputs(const dl_model *m)
{
	return m->spec.kind == DL_MODEL_MLP ? m->spec.sizes[0] : m->spec.block_size;
}

const float *dl_model_output(const dl_model *m)
{
	return m->spec.kind == DL_MODEL_MLP ? m->lin[m->nlin - 1].z : m->logits;
}

double dl_model_train_flops(const dl_model *m)
{
	const dl_spec *s = &m->spec;
	double w = 0;
	if (s->kind == DL_MODEL_MLP) {
		for (size_t i = 0; i + 1 < s->nsizes; i++)
			w += (double)s->sizes[i] * (double)s->sizes[i + 1];
		return 6 * w;
	}
	double c = (double)s->n_embd, l = (double)s->n_layer;
	w = l * 12 * c * c + (double)s->vocab_size * c;
	return 6 * w + 12 * l * c * (double)s->block_size;
}

/* --- initialisation --- */

/* Tensor t's parameters and gradients; NULL for an absent tensor (a bias of "bias": false). */
static float *P(dl_model *m, size_t t)
{
	return t == NONE ? NULL : m->params + m->tensors[t].offset;
}

static float *G(dl_model *m, size_t t)
{
	return t == NONE ? NULL : m->grads + m->tensors[t].offset;
}

static void fill_uniform(float *p, size_t n, double bound, dl_rng *r)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (float)((2 * dl_rng_double(r) - 1) * bound);
}

static void fill_normal(float *p, size_t n, double sd, dl_rng *r)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (float)(dl_rng_normal(r) * sd);
}

static void fill_const(float *p, size_t n, float v)
{
	for (size_t i = 0; i < n; i++)
		p[i] = v;
}

void dl_model_init(dl_model *m, uint64_t seed)
{
	dl_rng r;
	dl_rng_init(&r, seed, 0);
	memset(m->params, 0, m->nparams * sizeof(float));
	if (m->spec.kind == DL_MODEL_MLP) {
		for (size_t i = 0; i < m->nlin; i++) {
			double bound = 1.0 / sqrt((double)m->spec.sizes[i]);
			const dl_param *w = &m->tensors[m->lin[i].w], *b = &m->tensors[m->lin[i].b];
			fill_uniform(m->params + w->offset, w->count, bound, &r);
			fill_uniform(m->params + b->offset, b->count, bound, &r);
		}
		return;
	}
	/* GPT-2: residual projections scaled by 1/sqrt(2 n_layer) (Radford et al. 2019, 2.3). */
	double proj = 0.02 / sqrt(2.0 * (double)m->spec.n_layer);
	for (size_t i = 0; i < m->ntensors; i++) {
		const dl_param *t = &m->tensors[i];
		float *p = m->params + t->offset;
		if (t->ndim == 2)
			fill_normal(p, t->count, strstr(t->name, "c_proj.weight") ? proj : 0.02, &r);
		else if (strstr(t->name, "ln_") && strstr(t->name, ".weight"))
			fill_const(p, t->count, 1.0f);
	}
}

/* --- helpers --- */

static void draw_mask(uint8_t *mask, size_t n, float p, dl_rng *r)
{
	/* Keep with probability 1 - p: 24-bit uniforms against p. */
	for (size_t i = 0; i < n; i++)
		mask[i] = dl_rng_float(r) >= p;
}

static void add_into(float *restrict y, const float *restrict x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] += x[i];
}

static void zero(float *p, size_t n)
{
	memset(p, 0, n * sizeof *p);
}

/* --- MLP --- */

static double mlp_loss(dl_model *m, const float *out, size_t b, int grad)
{
	const dl_spec *s = &m->spec;
	size_t o = s->sizes[s->nsizes - 1];
	float *d = grad ? m->dout : NULL;
	switch (s->loss) {
	case DL_LOSS_SOFTMAX:
		return dl_cross_entropy(out, m->labels, -1, d, m->scale, b, o, NULL);
	case DL_LOSS_MSE:
		return dl_mse(out, m->y, d, m->scale, b * o);
	default:
		return dl_bce_logits(out, m->y, d, m->scale, b * o);
	}
}

static double mlp_forward(dl_model *m, const dl_batch *bt, int train, dl_rng *rng,
			  dl_pool *pool)
{
	const dl_spec *s = &m->spec;
	size_t b = bt->b;
	int drop = train && s->dropout > 0;
	memcpy(m->x, bt->x, b * s->sizes[0] * sizeof(float));
	const float *h = m->x;
	for (size_t i = 0; i < m->nlin; i++) {
		struct mlp_slots *L = &m->lin[i];
		size_t in = s->sizes[i], out = s->sizes[i + 1];
		dl_linear_fwd(h, P(m, L->w), P(m, L->b), L->z, b, in, out);
		if (!L->a)
			break;
		if (drop) {
			dl_act_fwd(s->act, L->z, m->s1, b * out, pool);
			draw_mask(L->mask, b * out, s->dropout, rng);
			dl_dropout_fwd(m->s1, L->mask, s->dropout, L->a, b * out);
		} else {
			dl_act_fwd(s->act, L->z, L->a, b * out, pool);
		}
		h = L->a;
	}
	int targets = s->loss == DL_LOSS_SOFTMAX ? bt->labels != NULL : bt->y != NULL;
	if (!targets)
		return 0;
	size_t o = s->sizes[s->nsizes - 1];
	if (s->loss == DL_LOSS_SOFTMAX)
		memcpy(m->labels, bt->labels, b * sizeof *m->labels);
	else
		memcpy(m->y, bt->y, b * o * sizeof(float));
	m->trained = train;
	return mlp_loss(m, m->lin[m->nlin - 1].z, b, train);
}

static void mlp_backward(dl_model *m, dl_pool *pool)
{
	const dl_spec *s = &m->spec;
	size_t b = m->b;
	const float *d = m->dout;
	for (size_t i = m->nlin; i-- > 0;) {
		struct mlp_slots *L = &m->lin[i];
		size_t in = s->sizes[i], out = s->sizes[i + 1];
		const float *hin = i ? m->lin[i - 1].a : m->x;
		float *dh = i ? m->s1 : NULL;
		dl_linear_bwd_set(hin, P(m, L->w), d, dh, G(m, L->w), G(m, L->b), b, in, out);
		if (!i)
			break;
		const struct mlp_slots *prev = &m->lin[i - 1];
		if (prev->mask) {
			zero(m->s2, b * in);
			dl_dropout_bwd(prev->mask, s->dropout, dh, m->s2, b * in);
			dh = m->s2;
		}
		dl_act_bwd_set(s->act, prev->z, dh, m->s3, b * in, pool);
		d = m->s3;
	}
}

/* --- GPT --- */

static double gpt_forward(dl_model *m, const dl_batch *bt, int train, dl_rng *rng,
			  dl_pool *pool)
{
	const dl_spec *s = &m->spec;
	size_t b = bt->b, t = bt->t, c = s->n_embd, n = b * t, nh = s->n_head;
	int drop = train && s->dropout > 0;
	float p = s->dropout;
	memcpy(m->ids, bt->ids, n * sizeof *m->ids);

	float *x = m->x0;
	dl_embedding_fwd(m->ids, P(m, m->wte), drop ? m->s4 : x, n, c);
	const float *pos = P(m, m->wpe);
	for (size_t i = 0; i < b; i++)
		add_into((drop ? m->s4 : x) + i * t * c, pos, t * c);
	if (drop) {
		draw_mask(m->mask0, n * c, p, rng);
		dl_dropout_fwd(m->s4, m->mask0, p, x, n * c);
	}
	for (size_t l = 0; l < s->n_layer; l++) {
		struct gpt_block *B = &m->blk[l];
		dl_layernorm_fwd(x, P(m, B->ln1w), P(m, B->ln1b), B->ln1, B->m1, B->r1, n, c, LN_EPS,
				 pool);
		dl_linear_fwd(B->ln1, P(m, B->attw), P(m, B->attb), B->qkv, n, c, 3 * c);
		dl_attention_fwd(B->qkv, B->atty, B->att, b, t, c, nh, pool);
		if (drop) {
			dl_linear_fwd(B->atty, P(m, B->projw), P(m, B->projb), m->s4, n, c, c);
			draw_mask(B->mask1, n * c, p, rng);
			dl_dropout_fwd(m->s4, B->mask1, p, B->res1, n * c);
		} else {
			dl_linear_fwd(B->atty, P(m, B->projw), P(m, B->projb), B->res1, n, c, c);
		}
		add_into(B->res1, x, n * c);
		dl_layernorm_fwd(B->res1, P(m, B->ln2w), P(m, B->ln2b), B->ln2, B->m2, B->r2, n, c,
				 LN_EPS, pool);
		dl_linear_fwd(B->ln2, P(m, B->fcw), P(m, B->fcb), B->fc, n, c, 4 * c);
		dl_act_fwd(DL_ACT_GELU_TANH, B->fc, B->fcg, n * 4 * c, pool);
		if (drop) {
			dl_linear_fwd(B->fcg, P(m, B->mpw), P(m, B->mpb), m->s4, n, 4 * c, c);
			draw_mask(B->mask2, n * c, p, rng);
			dl_dropout_fwd(m->s4, B->mask2, p, B->res2, n * c);
		} else {
			dl_linear_fwd(B->fcg, P(m, B->mpw), P(m, B->mpb), B->res2, n, 4 * c, c);
		}
		add_into(B->res2, B->res1, n * c);
		x = B->res2;
	}
	dl_layernorm_fwd(x, P(m, m->lnfw), P(m, m->lnfb), m->lnf, m->mf, m->rf, n, c, LN_EPS,
			 pool);
	dl_linear_fwd(m->lnf, P(m, m->head), NULL, m->logits, n, c, s->vocab_size);
	if (!bt->labels)
		return 0;
	memcpy(m->labels, bt->labels, n * sizeof *m->labels);
	m->trained = train;
	return dl_cross_entropy(m->logits, m->labels, -1, train ? m->dout : NULL, m->scale, n,
				s->vocab_size, pool);
}

/* The gradient entering a residual branch whose output went through dropout. */
static const float *branch_grad(dl_model *m, const uint8_t *mask, const float *dres, size_t n)
{
	if (!mask)
		return dres;
	zero(m->s5, n);
	dl_dropout_bwd(mask, m->spec.dropout, dres, m->s5, n);
	return m->s5;
}

static void gpt_backward(dl_model *m, dl_pool *pool)
{
	const dl_spec *s = &m->spec;
	size_t b = m->b, t = m->t, c = s->n_embd, n = b * t, nh = s->n_head;
	int drop = s->dropout > 0;
	float *dres = m->s4;
	const float *xl = s->n_layer ? m->blk[s->n_layer - 1].res2 : m->x0;

	dl_linear_bwd_set(m->lnf, P(m, m->head), m->dout, m->s5, G(m, m->head), NULL, n, c,
			  s->vocab_size);
	zero(dres, n * c);
	dl_layernorm_bwd(xl, P(m, m->lnfw), m->mf, m->rf, m->s5, dres, G(m, m->lnfw),
			 G(m, m->lnfb), n, c, pool);
	for (size_t l = s->n_layer; l-- > 0;) {
		struct gpt_block *B = &m->blk[l];
		const float *xin = l ? m->blk[l - 1].res2 : m->x0;
		/* MLP branch */
		const float *d = branch_grad(m, drop ? B->mask2 : NULL, dres, n * c);
		dl_linear_bwd_set(B->fcg, P(m, B->mpw), d, m->s1, G(m, B->mpw), G(m, B->mpb), n,
				  4 * c, c);
		dl_act_bwd_set(DL_ACT_GELU_TANH, B->fc, m->s1, m->s2, n * 4 * c, pool);
		dl_linear_bwd_set(B->ln2, P(m, B->fcw), m->s2, m->s5, G(m, B->fcw), G(m, B->fcb), n,
				  c, 4 * c);
		dl_layernorm_bwd(B->res1, P(m, B->ln2w), B->m2, B->r2, m->s5, dres, G(m, B->ln2w),
				 G(m, B->ln2b), n, c, pool);
		/* attention branch */
		d = branch_grad(m, drop ? B->mask1 : NULL, dres, n * c);
		dl_linear_bwd_set(B->atty, P(m, B->projw), d, m->s1, G(m, B->projw), G(m, B->projb),
				  n, c, c);
		zero(m->s3, n * 3 * c);
		dl_attention_bwd(B->qkv, B->att, m->s1, m->s3, b, t, c, nh, pool);
		dl_linear_bwd_set(B->ln1, P(m, B->attw), m->s3, m->s5, G(m, B->attw), G(m, B->attb),
				  n, c, 3 * c);
		dl_layernorm_bwd(xin, P(m, B->ln1w), B->m1, B->r1, m->s5, dres, G(m, B->ln1w),
				 G(m, B->ln1b), n, c, pool);
	}
	const float *d = branch_grad(m, drop ? m->mask0 : NULL, dres, n * c);
	dl_embedding_bwd(m->ids, d, G(m, m->wte), n, c);
	float *dpos = G(m, m->wpe);
	for (size_t i = 0; i < b; i++)
		add_into(dpos, d + i * t * c, t * c);
}

/* --- entry points --- */

double dl_model_forward(dl_model *m, const dl_batch *bt, enum dl_pass pass, dl_rng *rng,
			dl_pool *pool)
{
	m->b = bt->b;
	m->t = m->spec.kind == DL_MODEL_GPT ? bt->t : 1;
	m->scale = bt->scale != 0 ? bt->scale : 1.0f;
	m->trained = 0;
	int train = pass == DL_PASS_TRAIN;
	if (m->spec.kind == DL_MODEL_MLP)
		return mlp_forward(m, bt, train, rng, pool);
	return gpt_forward(m, bt, train, rng, pool);
}

void dl_model_backward(dl_model *m, dl_pool *pool)
{
	if (!m->trained)
		return;
	if (m->spec.kind == DL_MODEL_MLP)
		mlp_backward(m, pool);
	else
		gpt_backward(m, pool);
}
