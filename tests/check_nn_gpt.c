/*
 * check_nn_gpt.c — whole GPT models of lib/nn/model.h against PyTorch.
 *
 * tests/data/nn/gpt-golden.safetensors (tests/golden/nn/make-gpt.py: contrib/dl_torch.py's
 * GPT on Debian's python3-torch, float32) holds two cases, "a" (tied lm_head, biases) and
 * "b" (untied, no biases, some targets ignored). Each has its spec in the metadata, the
 * initial weights, one batch, the loss and every gradient of the initial model, and a run of
 * 20 clipped AdamW steps on a warmup + cosine schedule: each step's loss, learning rate and
 * gradient norm before clipping, and the weights at the end.
 *
 * Here each case is built from its spec, loaded with the initial weights by name, and run
 * the same way with dl_model_forward/backward, dl_clip_grad_norm, dl_sched_lr and dl_optim.
 *
 * Tolerances (both sides round in float32, sum in different orders):
 *   loss                 |a - b| <= 1e-5 |b|
 *   gradient tensors     |a - b| <= 1e-5 max|b| over the tensor
 *   learning rates       |a - b| <= 1e-12 |b| (the same formula in double)
 *   step losses, norms   |a - b| <= 1e-5 |b|
 *   final weights        |a - b| <= 1e-4 max|b| over the tensor, except the key biases,
 *                        whose gradient is zero up to rounding (see noise_slice)
 * Each comparison prints its worst error to the test log. Every case runs without a pool
 * and with a pool of 2 threads, and the two runs must agree bit for bit.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/threads.h"
#include "nn/model.h"
#include "nn/optim.h"
#include "nn/safetensors.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL_LOSS 1e-5
#define TOL_GRAD 1e-5
#define TOL_LR 1e-12
#define TOL_STEP 1e-5
#define TOL_FINAL 1e-4
#define TOL_NOISE 3e-3

static dl_st_file *golden;

static void open_golden(void)
{
	dl_err e = { "" };
	golden = dl_st_open(test_data("nn/gpt-golden.safetensors"), &e);
	ck_assert_msg(golden != NULL, "%s", e.msg);
}

static void close_golden(void)
{
	dl_st_close(golden);
	golden = NULL;
}

static const dl_st_tensor *tensor(const char *prefix, const char *what)
{
	char name[160];
	snprintf(name, sizeof name, "%s.%s", prefix, what);
	const dl_st_tensor *t = dl_st_find(golden, name);
	ck_assert_msg(t != NULL, "no tensor '%s' in gpt-golden.safetensors", name);
	return t;
}

/* A float32 copy of tensor PREFIX.WHAT; its shape must be the parameter's. */
static float *get_param_like(const char *prefix, const char *what, const dl_param *p)
{
	const dl_st_tensor *t = tensor(prefix, what);
	ck_assert_msg(t->ndim == p->ndim && t->count == p->count, "%s.%s: shape differs from "
		      "the model's %s", prefix, what, p->name);
	for (int d = 0; d < p->ndim; d++)
		ck_assert_uint_eq(t->shape[d], p->shape[d]);
	float *v = dl_mallocarray(p->count + 1, sizeof *v);
	dl_err e = { "" };
	ck_assert_msg(dl_st_to_f32(golden, t, v, &e) == 0, "%s", e.msg);
	return v;
}

/* A float64 tensor, read exactly (converting to float32 would lose digits). */
static double *get_f64(const char *prefix, const char *what, size_t *n)
{
	const dl_st_tensor *t = tensor(prefix, what);
	ck_assert_int_eq(t->dtype, DL_ST_F64);
	double *v = dl_mallocarray((size_t)t->count + 1, sizeof *v);
	for (size_t i = 0; i < t->count; i++) {
		uint64_t u = 0;
		for (int k = 7; k >= 0; k--)
			u = u << 8 | t->data[8 * i + (size_t)k];
		memcpy(&v[i], &u, sizeof u);
	}
	*n = (size_t)t->count;
	return v;
}

static int32_t *get_i32(const char *prefix, const char *what, const dl_st_tensor **tp)
{
	const dl_st_tensor *t = tensor(prefix, what);
	ck_assert_int_eq(t->dtype, DL_ST_I32);
	ck_assert_int_eq(t->ndim, 2);
	int32_t *v = dl_mallocarray((size_t)t->count + 1, sizeof *v);
	for (size_t i = 0; i < t->count; i++) {
		const uint8_t *b = t->data + 4 * i;
		v[i] = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
				 (uint32_t)b[3] << 24);
	}
	*tp = t;
	return v;
}

static double meta_num(const char *key)
{
	const char *s = dl_st_meta(golden, key);
	ck_assert_msg(s != NULL, "no metadata '%s'", key);
	char *end;
	double d = strtod(s, &end);
	ck_assert_msg(end != s && *end == 0, "metadata '%s' = '%s' is not a number", key, s);
	return d;
}

/* The training settings of make-gpt.py, from the metadata. */
struct settings {
	uint64_t steps, warmup;
	double lr, min_lr, clip;
	dl_optim_conf conf;
};

static struct settings settings(void)
{
	struct settings st = { 0 };
	const char *sched = dl_st_meta(golden, "schedule");
	ck_assert_msg(sched && strcmp(sched, "cosine") == 0, "schedule is not cosine");
	st.steps = (uint64_t)meta_num("steps");
	st.warmup = (uint64_t)meta_num("warmup");
	st.lr = meta_num("lr");
	st.min_lr = meta_num("min_lr");
	st.clip = meta_num("clip");
	st.conf.kind = DL_OPT_ADAMW;
	st.conf.lr = st.lr;
	st.conf.beta1 = meta_num("beta1");
	st.conf.beta2 = meta_num("beta2");
	st.conf.eps = meta_num("eps");
	st.conf.weight_decay = meta_num("weight_decay");
	ck_assert_uint_eq(st.steps, 20);
	return st;
}

/* The model of case prefix, with its initial weights, and its batch. Every "prefix.init.*"
 * tensor must be one of the model's (so that none is silently left out). */
static dl_model *load_case(const char *prefix, dl_batch *bt, int32_t **ids, int32_t **labels)
{
	char key[32];
	snprintf(key, sizeof key, "%s.spec", prefix);
	const char *json = dl_st_meta(golden, key);
	ck_assert_msg(json != NULL, "no metadata '%s'", key);
	dl_spec s;
	dl_err e = { "" };
	ck_assert_msg(dl_spec_parse(&s, json, strlen(json), key, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(s.kind, DL_MODEL_GPT);

	const dl_st_tensor *ti, *tt;
	*ids = get_i32(prefix, "idx", &ti);
	*labels = get_i32(prefix, "targets", &tt);
	ck_assert(ti->shape[0] == tt->shape[0] && ti->shape[1] == tt->shape[1]);
	memset(bt, 0, sizeof *bt);
	bt->b = (size_t)ti->shape[0];
	bt->t = (size_t)ti->shape[1];
	bt->ids = *ids;
	bt->labels = *labels;

	dl_model *m = dl_model_new(&s, bt->b, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	float *params = dl_model_params(m);
	for (size_t i = 0; i < dl_model_ntensors(m); i++) {
		const dl_param *p = dl_model_tensor(m, i);
		char what[96];
		snprintf(what, sizeof what, "init.%s", p->name);
		float *v = get_param_like(prefix, what, p);
		memcpy(params + p->offset, v, p->count * sizeof *v);
		dl_free(v);
	}
	char init[16];
	size_t ninit = (size_t)snprintf(init, sizeof init, "%s.init.", prefix), found = 0;
	for (size_t i = 0; i < dl_st_count(golden); i++)
		if (strncmp(dl_st_tensor_at(golden, i)->name, init, ninit) == 0) {
			const char *name = dl_st_tensor_at(golden, i)->name + ninit;
			ck_assert_msg(dl_model_find(m, name) != NULL, "golden tensor %s%s is not "
				      "in the model", init, name);
			found++;
		}
	ck_assert_uint_eq(found, dl_model_ntensors(m));
	return m;
}

/*
 * The key part of c_attn's bias has no gradient in exact arithmetic: it adds q . b_k to
 * every score of a row, and softmax ignores a constant shift. Both sides compute it as
 * rounding noise (about 1e-11 here), which AdamW's update lr m / (sqrt(v) + eps) turns into
 * steps of about lr |g| / eps, so after training those weights are noise of a few 1e-6
 * with no reason to agree in sign. For the final weights they are held to being that small
 * (within TOL_NOISE of the tensor's largest magnitude) instead of to torch's values.
 * [*lo, *hi) is that slice, or empty.
 */
static void noise_slice(const dl_param *p, const char *what, size_t *lo, size_t *hi)
{
	const char *suffix = "attn.c_attn.bias";
	size_t n = strlen(p->name), ns = strlen(suffix);
	*lo = *hi = 0;
	if (strcmp(what, "final") == 0 && n >= ns && strcmp(p->name + n - ns, suffix) == 0) {
		*lo = p->count / 3;
		*hi = 2 * p->count / 3;
	}
}

/* Every tensor of buf (params or grads) against PREFIX.WHAT.NAME: the worst error relative
 * to the tensor's largest magnitude must stay within tol. Returns the worst of all. */
static double compare_tensors(const dl_model *m, const float *buf, const char *prefix,
			      const char *what, double tol, const char *tag)
{
	double all = 0, noise = 0;
	for (size_t i = 0; i < dl_model_ntensors(m); i++) {
		const dl_param *p = dl_model_tensor(m, i);
		char name[96];
		snprintf(name, sizeof name, "%s.%s", what, p->name);
		float *want = get_param_like(prefix, name, p);
		double big = 0, worst = 0;
		size_t at = 0;
		for (size_t k = 0; k < p->count; k++)
			big = fmax(big, fabs((double)want[k]));
		ck_assert_msg(big > 0, "%s.%s is all zeros", prefix, name);
		size_t lo, hi;
		noise_slice(p, what, &lo, &hi);
		for (size_t k = lo; k < hi; k++) {
			noise = fmax(noise, fabs((double)buf[p->offset + k]) / big);
			noise = fmax(noise, fabs((double)want[k]) / big);
		}
		ck_assert_msg(noise <= TOL_NOISE, "%s %s.%s: the key bias moved by %.3g of the "
			      "tensor's max", tag, prefix, name, noise);
		for (size_t k = 0; k < p->count; k++) {
			if (k >= lo && k < hi)
				continue;
			double err = fabs((double)buf[p->offset + k] - want[k]) / big;
			if (!(err <= worst)) {  /* NaN counts as the worst */
				worst = isnan(err) ? INFINITY : err;
				at = k;
			}
		}
		ck_assert_msg(worst <= tol, "%s %s.%s: element %zu is %.9g, torch says %.9g "
			      "(error %.3g of max %.3g)", tag, prefix, name, at,
			      (double)buf[p->offset + at], (double)want[at], worst, big);
		all = fmax(all, worst);
		dl_free(want);
	}
	printf("%-4s %s.%-6s worst |a-b|/max|b| over %zu tensors = %.2e", tag, prefix, what,
	       dl_model_ntensors(m), all);
	if (noise > 0)
		printf(" (key biases: |x|/max <= %.2e)", noise);
	printf("\n");
	return all;
}

static double rel(double a, double b)
{
	double err = fabs(a - b) / fabs(b);
	return isnan(err) ? INFINITY : err;
}

/* The outcome of one run, for comparing the runs with and without threads. */
struct run {
	double loss0;
	double losses[20], norms[20], lrs[20];
	float *grads0, *final;
	size_t n;
};

/* Loss and gradients of the initial model, then the 20 steps; every value is checked
 * against torch and kept in r. */
static void run_case(const char *prefix, dl_pool *pool, struct run *r)
{
	const char *tag = pool ? "2thr" : "1thr";
	struct settings st = settings();
	dl_batch bt;
	int32_t *ids, *labels;
	dl_model *m = load_case(prefix, &bt, &ids, &labels);
	size_t n = dl_model_nparams(m);
	float *params = dl_model_params(m), *grads = dl_model_grads(m);
	r->n = n;

	/* Loss and every gradient of the initial model. */
	size_t nl;
	double *want_loss = get_f64(prefix, "loss", &nl);
	ck_assert_uint_eq(nl, 1);
	memset(grads, 0, n * sizeof *grads);
	r->loss0 = dl_model_forward(m, &bt, DL_PASS_TRAIN, NULL, pool);
	dl_model_backward(m, pool);
	double err = rel(r->loss0, want_loss[0]);
	printf("%s %s.loss %.9g torch %.9g, relative error %.2e\n", tag, prefix, r->loss0,
	       want_loss[0], err);
	ck_assert_msg(err <= TOL_LOSS, "%s.loss: %.9g, torch says %.9g", prefix, r->loss0,
		      want_loss[0]);
	compare_tensors(m, grads, prefix, "grad", TOL_GRAD, tag);
	r->grads0 = dl_mallocarray(n, sizeof *r->grads0);
	memcpy(r->grads0, grads, n * sizeof *grads);
	/* The padding between tensors gets no gradient. */
	uint8_t *in = dl_calloc(n + 1, 1);
	for (size_t i = 0; i < dl_model_ntensors(m); i++) {
		const dl_param *p = dl_model_tensor(m, i);
		ck_assert(p->offset + p->count <= n);
		memset(in + p->offset, 1, p->count);
	}
	for (size_t i = 0; i < n; i++)
		FAST_ASSERT(in[i] || grads[i] == 0);
	dl_free(in);

	/* 20 steps of clipped AdamW; the forward did not touch the parameters. */
	size_t ns;
	double *losses = get_f64(prefix, "losses", &ns);
	ck_assert_uint_eq(ns, st.steps);
	double *lrs = get_f64(prefix, "lrs", &ns);
	ck_assert_uint_eq(ns, st.steps);
	double *norms = get_f64(prefix, "norms", &ns);
	ck_assert_uint_eq(ns, st.steps);
	dl_optim o;
	dl_optim_init(&o, &st.conf, n);
	double wl = 0, wn = 0, wr = 0;
	for (uint64_t s = 0; s < st.steps; s++) {
		memset(grads, 0, n * sizeof *grads);
		double loss = dl_model_forward(m, &bt, DL_PASS_TRAIN, NULL, pool);
		dl_model_backward(m, pool);
		double norm = dl_clip_grad_norm(grads, n, st.clip);
		double lr = dl_sched_lr(DL_SCHED_COSINE, st.lr, st.min_lr, st.warmup, st.steps, s);
		dl_optim_step(&o, params, grads, dl_model_decay_mask(m), lr, pool);
		r->losses[s] = loss;
		r->norms[s] = norm;
		r->lrs[s] = lr;
		ck_assert_msg(rel(loss, losses[s]) <= TOL_STEP, "%s step %d: loss %.9g, torch "
			      "says %.9g", prefix, (int)s, loss, losses[s]);
		ck_assert_msg(rel(norm, norms[s]) <= TOL_STEP, "%s step %d: gradient norm %.9g, "
			      "torch says %.9g", prefix, (int)s, norm, norms[s]);
		ck_assert_msg(rel(lr, lrs[s]) <= TOL_LR, "%s step %d: lr %.17g, torch says %.17g",
			      prefix, (int)s, lr, lrs[s]);
		wl = fmax(wl, rel(loss, losses[s]));
		wn = fmax(wn, rel(norm, norms[s]));
		wr = fmax(wr, rel(lr, lrs[s]));
	}
	ck_assert_uint_eq(o.step, st.steps);
	/* The run learns: the last loss is well below the first. */
	ck_assert(r->losses[st.steps - 1] < 0.9 * r->losses[0]);
	printf("%s %s.steps worst relative error: loss %.2e, norm %.2e, lr %.2e "
	       "(loss %.4f -> %.4f)\n", tag, prefix, wl, wn, wr, r->losses[0],
	       r->losses[st.steps - 1]);
	compare_tensors(m, params, prefix, "final", TOL_FINAL, tag);
	r->final = dl_mallocarray(n, sizeof *r->final);
	memcpy(r->final, params, n * sizeof *params);

	dl_optim_free(&o);
	dl_free(losses);
	dl_free(lrs);
	dl_free(norms);
	dl_free(want_loss);
	dl_free(ids);
	dl_free(labels);
	dl_model_free(m);
}

static void free_run(struct run *r)
{
	dl_free(r->grads0);
	dl_free(r->final);
}

/* Case prefix without a pool and with 2 threads: both match torch, and each other. */
static void check_case(const char *prefix)
{
	struct run one, two;
	run_case(prefix, NULL, &one);
	dl_pool *pool = dl_pool_new(2);
	run_case(prefix, pool, &two);
	dl_pool_free(pool);
	ck_assert_uint_eq(one.n, two.n);
	ck_assert(one.loss0 == two.loss0);
	ck_assert_mem_eq(one.grads0, two.grads0, one.n * sizeof(float));
	for (int s = 0; s < 20; s++) {
		ck_assert(one.losses[s] == two.losses[s]);
		ck_assert(one.norms[s] == two.norms[s]);
		ck_assert(one.lrs[s] == two.lrs[s]);
	}
	ck_assert_mem_eq(one.final, two.final, one.n * sizeof(float));
	free_run(&one);
	free_run(&two);
}

/* Case a: n_layer 2, n_head 2, n_embd 32, vocab 40, tied lm_head, biases, batch 3 x 16. */
START_TEST(test_gpt_tied)
{
	check_case("a");
}
END_TEST

/* Case b: n_head 4, n_embd 24, vocab 30, untied, no biases, batch 2 x 11 (shorter than
 * block_size) with ignored targets. */
START_TEST(test_gpt_untied)
{
	check_case("b");
}
END_TEST

/* The loss is a mean over the targets that count: a second forward on the same batch gives
 * the same loss, and a backward with scale 0.5 twice gives the gradients of one. */
START_TEST(test_gpt_accumulate)
{
	dl_batch bt;
	int32_t *ids, *labels;
	dl_model *m = load_case("b", &bt, &ids, &labels);
	size_t n = dl_model_nparams(m);
	float *grads = dl_model_grads(m);
	memset(grads, 0, n * sizeof *grads);
	double l1 = dl_model_forward(m, &bt, DL_PASS_TRAIN, NULL, NULL);
	dl_model_backward(m, NULL);
	float *one = dl_mallocarray(n, sizeof *one);
	memcpy(one, grads, n * sizeof *grads);
	memset(grads, 0, n * sizeof *grads);
	bt.scale = 0.5f;
	for (int k = 0; k < 2; k++) {
		double l2 = dl_model_forward(m, &bt, DL_PASS_TRAIN, NULL, NULL);
		ck_assert(l2 == l1);
		dl_model_backward(m, NULL);
	}
	double big = 0, worst = 0;
	for (size_t i = 0; i < n; i++)
		big = fmax(big, fabs((double)one[i]));
	for (size_t i = 0; i < n; i++)
		worst = fmax(worst, fabs((double)grads[i] - one[i]));
	ck_assert_msg(worst <= 1e-6 * big, "half-scaled twice differs by %.3g (max %.3g)", worst,
		      big);
	/* An eval forward gives the same loss and leaves the gradients alone. */
	memcpy(one, grads, n * sizeof *grads);
	bt.scale = 0;
	ck_assert(dl_model_forward(m, &bt, DL_PASS_EVAL, NULL, NULL) == l1);
	ck_assert_mem_eq(one, grads, n * sizeof *grads);
	dl_free(one);
	dl_free(ids);
	dl_free(labels);
	dl_model_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nn_gpt");
	TCase *tc = tcase(s, "gpt", 0);
	tcase_add_checked_fixture(tc, open_golden, close_golden);
	tcase_add_test(tc, test_gpt_tied);
	tcase_add_test(tc, test_gpt_untied);
	tcase_add_test(tc, test_gpt_accumulate);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
