/*
 * check_nn_optim.c — optimizers, clipping and schedules (lib/nn/optim.c).
 *
 * Reference data: tests/data/nn/optim-golden.txt, written by tests/golden/nn/make-optim.py
 * with torch.optim (SGD, Adam, AdamW; plain, momentum, Nesterov, weight decay, a decay mask
 * as two parameter groups) and torch.nn.utils.clip_grad_norm_. The file holds the gradients
 * of every step, so the replay here feeds the same float32 values, and the parameters after
 * every step. The update is the same sequence of float operations as torch's, so the
 * parameters are expected to agree to the bit; the assertion allows a relative error of
 * 1e-6 (plus 1e-9 absolute), and the norm of clipping, which is summed in double here and in
 * float by torch, 1e-6 relative.
 *
 * Beside the replay: the vector loop against a plain scalar update written here, the same
 * bits whatever the number of threads, the first momentum step, clipping and the schedules
 * on hand-computed values.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/threads.h"
#include "nn/optim.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL_TOL 1e-6
#define ABS_TOL 1e-9

static const char *data(const char *name)
{
	static char path[4200];
	const char *src = getenv("DL_SRC");
	snprintf(path, sizeof path, "%s/tests/data/nn/%s", src ? src : ".", name);
	return path;
}

/* ---- the golden file ---- */

struct gcase {
	char name[64], kind[16];
	double lr, momentum, beta1, beta2, eps, wd;
	int nesterov, masked;
	float *after;           /* steps x n */
};

struct gclip {
	char name[64];
	size_t n;
	double max_norm, norm;
	float *in, *out;
};

#define MAX_CASES 32
#define MAX_STEPS 64

static struct {
	size_t n, steps;
	double lrscale[MAX_STEPS];
	uint8_t *mask;
	float *p0, *grads;      /* grads: steps x n */
	struct gcase cases[MAX_CASES];
	int ncases;
	struct gclip clips[MAX_CASES];
	int nclips;
} G;

static char *tok_save;

static const char *next(void)
{
	const char *t = strtok_r(NULL, " \n", &tok_save);
	ck_assert_msg(t != NULL, "golden file ends early");
	return t;
}

static void expect(const char *word)
{
	const char *t = next();
	ck_assert_msg(!strcmp(t, word), "golden file: expected %s, found %s", word, t);
}

static double num(void)
{
	const char *t = next();
	char *end;
	double x = strtod(t, &end);
	ck_assert_msg(*end == '\0', "golden file: bad number %s", t);
	return x;
}

static double field(const char *word)
{
	expect(word);
	return num();
}

static void floats(float *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = strtof(next(), NULL);
}

static void parse_case(struct gcase *c)
{
	snprintf(c->name, sizeof c->name, "%s", next());
	snprintf(c->kind, sizeof c->kind, "%s", next());
	c->lr = field("lr");
	c->momentum = field("momentum");
	c->nesterov = (int)field("nesterov");
	c->beta1 = field("beta1");
	c->beta2 = field("beta2");
	c->eps = field("eps");
	c->wd = field("wd");
	c->masked = (int)field("masked");
	c->after = dl_mallocarray(G.steps * G.n, sizeof *c->after);
	for (size_t s = 0; s < G.steps; s++) {
		expect("after");
		ck_assert_uint_eq((size_t)num(), s);
		floats(c->after + s * G.n, G.n);
	}
}

static void parse_clip(struct gclip *c)
{
	snprintf(c->name, sizeof c->name, "%s", next());
	c->n = (size_t)field("n");
	c->max_norm = field("max_norm");
	c->norm = field("norm");
	c->in = dl_mallocarray(c->n, sizeof *c->in);
	c->out = dl_mallocarray(c->n, sizeof *c->out);
	expect("in");
	floats(c->in, c->n);
	expect("out");
	floats(c->out, c->n);
}

static void load_golden(void)
{
	if (G.n)
		return;
	size_t len;
	char *text = (char *)read_file(data("optim-golden.txt"), &len);
	ck_assert_msg(text != NULL, "cannot read %s", data("optim-golden.txt"));
	/* Comment lines first. */
	char *body = text;
	while (*body == '#')
		body = strchr(body, '\n') + 1;
	ck_assert_str_eq(strtok_r(body, " \n", &tok_save), "n");
	G.n = (size_t)num();
	G.steps = (size_t)field("steps");
	ck_assert(G.n > 0 && G.steps > 0 && G.steps <= MAX_STEPS);
	expect("lrscale");
	for (size_t s = 0; s < G.steps; s++)
		G.lrscale[s] = num();
	expect("mask");
	G.mask = dl_malloc(G.n);
	for (size_t i = 0; i < G.n; i++)
		G.mask[i] = (uint8_t)num();
	expect("p0");
	G.p0 = dl_mallocarray(G.n, sizeof *G.p0);
	floats(G.p0, G.n);
	G.grads = dl_mallocarray(G.steps * G.n, sizeof *G.grads);
	for (size_t s = 0; s < G.steps; s++) {
		expect("grad");
		ck_assert_uint_eq((size_t)num(), s);
		floats(G.grads + s * G.n, G.n);
	}
	for (;;) {
		const char *t = next();
		if (!strcmp(t, "end"))
			break;
		if (!strcmp(t, "case")) {
			ck_assert_int_lt(G.ncases, MAX_CASES);
			parse_case(&G.cases[G.ncases++]);
		} else {
			ck_assert_str_eq(t, "clip");
			ck_assert_int_lt(G.nclips, MAX_CASES);
			parse_clip(&G.clips[G.nclips++]);
		}
	}
	free(text);
}

/* ---- comparison ---- */

static double max_rel_seen;     /* over one replay, for its summary line */
static size_t exact_seen, total_seen;

/* Relative error of got against want, counted in the summary; fails beyond tolerance. */
static void close_to(double got, double want, const char *what, size_t step, size_t i)
{
	double err = fabs(got - want);
	double rel = err / fmax(fabs(want), 1e-30);
	if (want != 0 || got != 0)
		max_rel_seen = fmax(max_rel_seen, err == 0 ? 0 : rel);
	exact_seen += got == want;
	total_seen++;
	if (!(err <= REL_TOL * fabs(want) + ABS_TOL))
		ck_abort_msg("%s: step %zu element %zu: got %.9g, torch %.9g (rel %.3g)", what,
			     step, i, got, want, rel);
}

static dl_optim_conf conf_of(const struct gcase *c)
{
	dl_optim_conf k = {
		.kind = !strcmp(c->kind, "sgd") ? DL_OPT_SGD
			: !strcmp(c->kind, "adam") ? DL_OPT_ADAM : DL_OPT_ADAMW,
		.lr = c->lr, .momentum = c->momentum, .nesterov = c->nesterov,
		.beta1 = c->beta1, .beta2 = c->beta2, .eps = c->eps, .weight_decay = c->wd,
	};
	ck_assert(!strcmp(c->kind, "sgd") || !strcmp(c->kind, "adam") ||
		  !strcmp(c->kind, "adamw"));
	return k;
}

START_TEST(test_golden_replay)
{
	load_golden();
	ck_assert_int_eq(G.ncases, 14);
	ck_assert_int_lt(_i, G.ncases);
	const struct gcase *c = &G.cases[_i];
	dl_optim_conf k = conf_of(c);
	dl_optim o;
	dl_optim_init(&o, &k, G.n);
	float *p = dl_mallocarray(G.n, sizeof *p);
	memcpy(p, G.p0, G.n * sizeof *p);
	for (size_t s = 0; s < G.steps; s++) {
		double lr = dl_sched_lr(DL_SCHED_CONSTANT, c->lr, 0, 0, G.steps, s) * G.lrscale[s];
		dl_optim_step(&o, p, G.grads + s * G.n, c->masked ? G.mask : NULL, lr, NULL);
		ck_assert_uint_eq(o.step, s + 1);
		for (size_t i = 0; i < G.n; i++)
			close_to(p[i], c->after[s * G.n + i], c->name, s, i);
	}
	/* Something moved: the case is not vacuous. */
	size_t moved = 0;
	for (size_t i = 0; i < G.n; i++)
		moved += p[i] != G.p0[i];
	ck_assert_uint_gt(moved, G.n / 2);
	dl_optim_free(&o);
	free(p);
	fprintf(stderr, "check_nn_optim: %s: %zu of %zu parameters equal to torch's bits, "
		"max relative error %.3g\n", c->name, exact_seen, total_seen, max_rel_seen);
}
END_TEST

START_TEST(test_golden_clip)
{
	load_golden();
	ck_assert_int_eq(G.nclips, 5);
	const struct gclip *c = &G.clips[_i];
	float *g = dl_mallocarray(c->n, sizeof *g);
	memcpy(g, c->in, c->n * sizeof *g);
	double norm = dl_clip_grad_norm(g, c->n, c->max_norm);
	close_to(norm, c->norm, c->name, 0, 0);
	for (size_t i = 0; i < c->n; i++)
		close_to(g[i], c->out[i], c->name, 0, i);
	fprintf(stderr, "check_nn_optim: clip %s: norm %.17g (torch %.9g), %zu of %zu values "
		"equal to torch's bits, max relative error %.3g\n", c->name, norm, c->norm,
		exact_seen, total_seen, max_rel_seen);
	free(g);
}
END_TEST

/* ---- the vector loop and the threads against a plain update ---- */

static float frand(uint64_t *s)
{
	return (float)((double)(gen(s) >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

/* Adam/AdamW one element at a time, written from torch's adam.py/adamw.py. */
static void ref_adam(const dl_optim_conf *k, size_t n, float *p, float *m, float *v,
		     const float *g, const uint8_t *mask, double lr, uint64_t t)
{
	double bc1 = 1 - pow(k->beta1, (double)t), bc2 = 1 - pow(k->beta2, (double)t);
	float ns = (float)-(lr / bc1), bs = (float)sqrt(bc2);
	for (size_t i = 0; i < n; i++) {
		float d = g[i];
		int on = !mask || mask[i];
		if (k->kind == DL_OPT_ADAM && k->weight_decay != 0 && on)
			d = fmaf(p[i], (float)k->weight_decay, d);
		if (k->kind == DL_OPT_ADAMW && k->weight_decay != 0 && on)
			p[i] = p[i] * (float)(1 - lr * k->weight_decay);
		float mm = m[i] * (float)k->beta1;
		m[i] = fmaf(d, (float)(1 - k->beta1), mm);
		float vv = v[i] * (float)k->beta2;
		v[i] = fmaf((float)(1 - k->beta2) * d, d, vv);
		float den = sqrtf(v[i]) / bs;
		den = den + (float)k->eps;
		float u = ns * m[i];
		u = u / den;
		p[i] = p[i] + u;
	}
}

/* SGD one element at a time, written from torch's sgd.py. */
static void ref_sgd(const dl_optim_conf *k, size_t n, float *p, float *buf, const float *g,
		    const uint8_t *mask, double lr, int first)
{
	for (size_t i = 0; i < n; i++) {
		float d = g[i];
		if (k->weight_decay != 0 && (!mask || mask[i]))
			d = fmaf(p[i], (float)k->weight_decay, d);
		if (k->momentum != 0) {
			if (first) {
				buf[i] = d;
			} else {
				float b = buf[i] * (float)k->momentum;
				buf[i] = b + d;
			}
			d = k->nesterov ? fmaf(buf[i], (float)k->momentum, d) : buf[i];
		}
		p[i] = fmaf(d, (float)-lr, p[i]);
	}
}

static void fill(float *x, size_t n, uint64_t seed, float scale)
{
	uint64_t s = seed;
	for (size_t i = 0; i < n; i++)
		x[i] = frand(&s) * scale;
}

START_TEST(test_sgd_vector_equals_scalar)
{
	static const dl_optim_conf ks[] = {
		{ .kind = DL_OPT_SGD },
		{ .kind = DL_OPT_SGD, .momentum = 0.9, .weight_decay = 0.1 },
		{ .kind = DL_OPT_SGD, .momentum = 0.8, .nesterov = 1, .weight_decay = 0.01 },
	};
	size_t n = 1005;
	float *p = dl_mallocarray(n, 4), *q = dl_mallocarray(n, 4), *g = dl_mallocarray(n, 4);
	float *buf = dl_calloc(n, 4);
	uint8_t *mask = random_bytes(n, 8);
	for (int use_mask = 0; use_mask < 2; use_mask++)
		for (size_t j = 0; j < sizeof ks / sizeof ks[0]; j++) {
			dl_optim o;
			dl_optim_init(&o, &ks[j], n);
			fill(p, n, 1 + j, 1.0f);
			memcpy(q, p, n * 4);
			for (uint64_t t = 1; t <= 5; t++) {
				fill(g, n, 100 * t + j, t == 3 ? 1e-3f : 1.0f);
				double lr = 0.1 / (double)t;
				const uint8_t *mk = use_mask ? mask : NULL;
				dl_optim_step(&o, p, g, mk, lr, NULL);
				ref_sgd(&ks[j], n, q, buf, g, mk, lr, t == 1);
				ck_assert(!memcmp(p, q, n * 4));
				if (ks[j].momentum != 0)
					ck_assert(!memcmp(o.m, buf, n * 4));
			}
			dl_optim_free(&o);
		}
	free(p);
	free(q);
	free(g);
	free(buf);
	free(mask);
}
END_TEST

START_TEST(test_adam_vector_equals_scalar)
{
	/* Odd sizes and offsets: the vector loop, its tail, and a mask. */
	static const dl_optim_conf ks[] = {
		{ .kind = DL_OPT_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.1 },
		{ .kind = DL_OPT_ADAMW, .beta1 = 0.9, .beta2 = 0.95, .eps = 1e-8, .weight_decay = 0.1 },
		{ .kind = DL_OPT_ADAMW, .beta1 = 0.8, .beta2 = 0.99, .eps = 1e-6 },
	};
	size_t n = 1003;
	float *p = dl_mallocarray(n, 4), *q = dl_mallocarray(n, 4), *g = dl_mallocarray(n, 4);
	float *m = dl_calloc(n, 4), *v = dl_calloc(n, 4);
	uint8_t *mask = random_bytes(n, 7);
	for (size_t i = 0; i < n; i++)
		mask[i] = mask[i] & 1;
	for (int use_mask = 0; use_mask < 2; use_mask++)
		for (size_t j = 0; j < sizeof ks / sizeof ks[0]; j++) {
			dl_optim o;
			dl_optim_init(&o, &ks[j], n);
			fill(p, n, 1 + j, 1.0f);
			memcpy(q, p, n * 4);
			memset(m, 0, n * 4);
			memset(v, 0, n * 4);
			for (uint64_t t = 1; t <= 5; t++) {
				fill(g, n, 100 * t + j, t == 3 ? 1e-3f : 1.0f);
				double lr = 0.01 / (double)t;
				const uint8_t *mk = use_mask ? mask : NULL;
				dl_optim_step(&o, p, g, mk, lr, NULL);
				ref_adam(&ks[j], n, q, m, v, g, mk, lr, t);
				ck_assert(!memcmp(p, q, n * 4));
				ck_assert(!memcmp(o.m, m, n * 4));
				ck_assert(!memcmp(o.v, v, n * 4));
			}
			dl_optim_free(&o);
		}
	free(p);
	free(q);
	free(g);
	free(m);
	free(v);
	free(mask);
}
END_TEST

/* Runs 3 steps of conf over n elements with the given pool; returns the parameters. */
static float *run_steps(const dl_optim_conf *k, size_t n, const uint8_t *mask, dl_pool *pool)
{
	float *p = dl_mallocarray(n, 4), *g = dl_mallocarray(n, 4);
	fill(p, n, 11, 1.0f);
	dl_optim o;
	dl_optim_init(&o, k, n);
	for (int t = 0; t < 3; t++) {
		fill(g, n, 20 + t, 0.5f);
		dl_optim_step(&o, p, g, mask, 0.01, pool);
	}
	dl_optim_free(&o);
	free(g);
	return p;
}

START_TEST(test_threads_same_bits)
{
	static const dl_optim_conf ks[] = {
		{ .kind = DL_OPT_SGD, .momentum = 0.9, .nesterov = 1, .weight_decay = 0.01 },
		{ .kind = DL_OPT_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.1 },
		{ .kind = DL_OPT_ADAMW, .beta1 = 0.9, .beta2 = 0.95, .eps = 1e-8, .weight_decay = 0.1 },
	};
	size_t n = 150007;
	uint8_t *mask = random_bytes(n, 3);
	dl_pool *pools[3] = { dl_pool_new(1), dl_pool_new(2), dl_pool_new(3) };
	for (size_t j = 0; j < 3; j++) {
		float *want = run_steps(&ks[j], n, mask, NULL);
		for (int t = 0; t < 3; t++) {
			float *got = run_steps(&ks[j], n, mask, pools[t]);
			ck_assert(!memcmp(got, want, n * 4));
			free(got);
		}
		free(want);
	}
	for (int t = 0; t < 3; t++)
		dl_pool_free(pools[t]);
	free(mask);
}
END_TEST

START_TEST(test_init_state)
{
	dl_optim o;
	dl_optim_conf k = { .kind = DL_OPT_SGD, .lr = 0.1 };
	dl_optim_init(&o, &k, 10);
	ck_assert_ptr_null(o.m);
	ck_assert_ptr_null(o.v);
	ck_assert_uint_eq(o.n, 10);
	ck_assert_uint_eq(o.step, 0);
	dl_optim_free(&o);
	k.momentum = 0.9;
	dl_optim_init(&o, &k, 10);
	ck_assert_ptr_nonnull(o.m);
	ck_assert_ptr_null(o.v);
	dl_optim_free(&o);
	k.kind = DL_OPT_ADAMW;
	dl_optim_init(&o, &k, 10);
	ck_assert_ptr_nonnull(o.m);
	ck_assert_ptr_nonnull(o.v);
	for (int i = 0; i < 10; i++)
		ck_assert(o.m[i] == 0 && o.v[i] == 0);
	ck_assert(o.conf.momentum == 0.9 && o.conf.lr == 0.1);
	dl_optim_free(&o);
	ck_assert_ptr_null(o.m);
	/* An empty model steps without touching anything. */
	dl_optim_init(&o, &k, 0);
	dl_optim_step(&o, NULL, NULL, NULL, 0.1, NULL);
	ck_assert_uint_eq(o.step, 1);
	dl_optim_free(&o);
}
END_TEST

START_TEST(test_sgd_by_hand)
{
	/* Exact in binary: lr 0.5, momentum 0.5. */
	dl_optim_conf k = { .kind = DL_OPT_SGD, .lr = 0.5, .momentum = 0.5 };
	dl_optim o;
	dl_optim_init(&o, &k, 2);
	float p[2] = { 1, -2 }, g[2] = { 2, 4 };
	dl_optim_step(&o, p, g, NULL, 0.5, NULL);
	/* First step: buffer = g, p -= lr * g. */
	ck_assert(o.m[0] == 2 && o.m[1] == 4);
	ck_assert(p[0] == 0 && p[1] == -4);
	dl_optim_step(&o, p, g, NULL, 0.5, NULL);
	/* buffer = 0.5 * buffer + g = 3, 6 */
	ck_assert(o.m[0] == 3 && o.m[1] == 6);
	ck_assert(p[0] == -1.5f && p[1] == -7);
	dl_optim_free(&o);

	/* Nesterov with decay under a mask: d = g + wd p only where the mask is set. */
	k = (dl_optim_conf){ .kind = DL_OPT_SGD, .momentum = 0.5, .nesterov = 1,
			     .weight_decay = 0.25 };
	dl_optim_init(&o, &k, 2);
	float q[2] = { 4, 4 }, h[2] = { 1, 1 };
	uint8_t mask[2] = { 1, 0 };
	dl_optim_step(&o, q, h, mask, 1.0, NULL);
	/* d = 2 and 1; buffer = d; update d + 0.5 d = 3 and 1.5 */
	ck_assert(o.m[0] == 2 && o.m[1] == 1);
	ck_assert(q[0] == 1 && q[1] == 2.5f);
	dl_optim_free(&o);
}
END_TEST

START_TEST(test_adam_first_step)
{
	/* After one step m/(1-b1) = g and v/(1-b2) = g^2, so p moves by lr * g/(|g| + eps)
	 * ~ lr * sign(g), whatever the scale of g. */
	dl_optim_conf k = { .kind = DL_OPT_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8 };
	dl_optim o;
	dl_optim_init(&o, &k, 3);
	float p[3] = { 1, 1, 1 }, g[3] = { 1e-3f, -50, 0 };
	dl_optim_step(&o, p, g, NULL, 0.1, NULL);
	ck_assert_float_eq_tol(p[0], 0.9f, 1e-5f);
	ck_assert_float_eq_tol(p[1], 1.1f, 1e-5f);
	ck_assert(p[2] == 1);
	dl_optim_free(&o);
	/* AdamW with a zero gradient only decays: p * (1 - lr wd). */
	k.kind = DL_OPT_ADAMW;
	k.weight_decay = 0.5;
	dl_optim_init(&o, &k, 3);
	float z[3] = { 0, 0, 0 };
	uint8_t mask[3] = { 1, 0, 1 };
	p[0] = p[1] = p[2] = 2;
	dl_optim_step(&o, p, z, mask, 0.5, NULL);
	ck_assert(p[0] == 1.5f && p[1] == 2 && p[2] == 1.5f);
	dl_optim_free(&o);
}
END_TEST

/* ---- clipping ---- */

START_TEST(test_clip_by_hand)
{
	float g[2] = { 3, 4 };
	ck_assert(dl_clip_grad_norm(g, 2, 10) == 5);
	ck_assert(g[0] == 3 && g[1] == 4);              /* under the limit: untouched */
	double norm = dl_clip_grad_norm(g, 2, 1);
	ck_assert(norm == 5);
	float coef = (1.0f / (5.0f + 1e-6f)) * 1.0f;
	ck_assert(g[0] == 3 * coef && g[1] == 4 * coef);
	ck_assert_double_eq_tol(hypot(g[0], g[1]), 1.0, 1e-6);
	/* The norm equal to max_norm: coef slightly below 1, so torch scales (by 1 - 2e-7). */
	float h[1] = { 2 };
	ck_assert(dl_clip_grad_norm(h, 1, 2) == 2);
	ck_assert(h[0] < 2 && h[0] > 1.99999f);
	/* Nothing at all, and zeros: norm 0, nothing changes. */
	ck_assert(dl_clip_grad_norm(NULL, 0, 1) == 0);
	float z[3] = { 0, 0, 0 };
	ck_assert(dl_clip_grad_norm(z, 3, 1) == 0);
	ck_assert(z[0] == 0 && z[1] == 0 && z[2] == 0);
	/* A NaN gradient: the norm says so and every gradient becomes NaN, as in torch. */
	float w[3] = { 1, NAN, 2 };
	ck_assert(isnan(dl_clip_grad_norm(w, 3, 1)));
	ck_assert(isnan(w[0]) && isnan(w[2]));
	/* Float gradients whose squares overflow float still have a finite norm. */
	float big[2] = { 3e30f, 4e30f };
	ck_assert_double_eq_tol(dl_clip_grad_norm(big, 2, 1), 5e30, 1e24);
	ck_assert_double_eq_tol(big[1], 0.8, 1e-6);
	/* A norm beyond float's range: torch's float norm is infinite and the gradients go to 0. */
	float huge[2] = { 3e38f, 3e38f };
	ck_assert(dl_clip_grad_norm(huge, 2, 1) > 4e38);
	ck_assert(huge[0] == 0 && huge[1] == 0);
}
END_TEST

START_TEST(test_clip_long)
{
	/* Many elements: the double sum against a plain one, and the scaled norm is max_norm. */
	size_t n = 300003;
	float *g = dl_mallocarray(n, 4);
	fill(g, n, 5, 1.0f);
	long double ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (long double)g[i] * g[i];
	/* The documented order: element i into partial sum i % 16, the partials in turn. */
	double part[16] = { 0 }, plain = 0;
	for (size_t i = 0; i < n; i++)
		part[i % 16] += (double)g[i] * g[i];
	for (int j = 0; j < 16; j++)
		plain += part[j];
	double norm = dl_clip_grad_norm(g, n, 2.5);
	ck_assert(norm == sqrt(plain));
	ck_assert_double_eq_tol(norm, sqrtl(ss), 1e-12 * norm);
	double after = 0;
	for (size_t i = 0; i < n; i++)
		after += (double)g[i] * g[i];
	ck_assert_double_eq_tol(sqrt(after), 2.5, 1e-5);
	free(g);
}
END_TEST

/* ---- schedules ---- */

#define LR_EQ(got, want) ck_assert_double_eq_tol((got), (want), 1e-15)

START_TEST(test_sched_constant)
{
	LR_EQ(dl_sched_lr(DL_SCHED_CONSTANT, 0.1, 0.01, 0, 100, 0), 0.1);
	LR_EQ(dl_sched_lr(DL_SCHED_CONSTANT, 0.1, 0.01, 0, 100, 99), 0.1);
	LR_EQ(dl_sched_lr(DL_SCHED_CONSTANT, 0.1, 0.01, 0, 100, 1000), 0.1);
	/* Warmup then flat. */
	LR_EQ(dl_sched_lr(DL_SCHED_CONSTANT, 0.1, 0.01, 4, 100, 0), 0.025);
	LR_EQ(dl_sched_lr(DL_SCHED_CONSTANT, 0.1, 0.01, 4, 100, 2), 0.075);
	LR_EQ(dl_sched_lr(DL_SCHED_CONSTANT, 0.1, 0.01, 4, 100, 3), 0.1);
	LR_EQ(dl_sched_lr(DL_SCHED_CONSTANT, 0.1, 0.01, 4, 100, 4), 0.1);
	LR_EQ(dl_sched_lr(DL_SCHED_CONSTANT, 0.1, 0.01, 4, 100, 500), 0.1);
}
END_TEST

START_TEST(test_sched_cosine)
{
	/* warmup 10, total 110: decay over 100 steps from 1.0 to 0.1. */
	enum dl_sched c = DL_SCHED_COSINE;
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 110, 0), 0.1);       /* (0 + 1) / 10 */
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 110, 4), 0.5);
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 110, 9), 1.0);       /* last warmup step */
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 110, 10), 1.0);      /* decay starts at the top */
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 110, 35), 0.1 + 0.45 * (1 + sqrt(0.5)));
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 110, 60), 0.55);     /* half way */
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 110, 85), 0.1 + 0.45 * (1 - sqrt(0.5)));
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 110, 109), 0.1 + 0.45 * (1 + cos(M_PI * 0.99)));
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 110, 110), 0.1);     /* step total */
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 110, 5000), 0.1);    /* and after */
	/* No warmup: the first step runs at lr. */
	LR_EQ(dl_sched_lr(c, 3e-4, 0, 0, 1000, 0), 3e-4);
	LR_EQ(dl_sched_lr(c, 3e-4, 0, 0, 1000, 500), 1.5e-4);
	/* total within warmup: warmup, then min_lr. */
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 5, 9), 1.0);
	LR_EQ(dl_sched_lr(c, 1.0, 0.1, 10, 5, 10), 0.1);
	/* Never increasing after warmup. */
	double last = 2;
	for (uint64_t s = 10; s < 120; s++) {
		double lr = dl_sched_lr(c, 1.0, 0.1, 10, 110, s);
		ck_assert(lr <= last && lr >= 0.1);
		last = lr;
	}
}
END_TEST

START_TEST(test_sched_linear)
{
	enum dl_sched l = DL_SCHED_LINEAR;
	LR_EQ(dl_sched_lr(l, 1.0, 0.0, 5, 105, 0), 0.2);
	LR_EQ(dl_sched_lr(l, 1.0, 0.0, 5, 105, 4), 1.0);
	LR_EQ(dl_sched_lr(l, 1.0, 0.0, 5, 105, 5), 1.0);
	LR_EQ(dl_sched_lr(l, 1.0, 0.0, 5, 105, 30), 0.75);
	LR_EQ(dl_sched_lr(l, 1.0, 0.0, 5, 105, 55), 0.5);
	LR_EQ(dl_sched_lr(l, 1.0, 0.0, 5, 105, 104), 0.01);
	LR_EQ(dl_sched_lr(l, 1.0, 0.0, 5, 105, 105), 0.0);
	LR_EQ(dl_sched_lr(l, 1.0, 0.0, 5, 105, 200), 0.0);
	LR_EQ(dl_sched_lr(l, 2.0, 0.5, 0, 4, 2), 1.25);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("nn_optim");
	TCase *t = tcase(s, "golden", 0);
	tcase_add_loop_test(t, test_golden_replay, 0, 14);
	tcase_add_loop_test(t, test_golden_clip, 0, 5);
	t = tcase(s, "optim", 0);
	tcase_add_test(t, test_sgd_vector_equals_scalar);
	tcase_add_test(t, test_adam_vector_equals_scalar);
	tcase_add_test(t, test_threads_same_bits);
	tcase_add_test(t, test_init_state);
	tcase_add_test(t, test_sgd_by_hand);
	tcase_add_test(t, test_adam_first_step);
	t = tcase(s, "clip", 0);
	tcase_add_test(t, test_clip_by_hand);
	tcase_add_test(t, test_clip_long);
	t = tcase(s, "sched", 0);
	tcase_add_test(t, test_sched_constant);
	tcase_add_test(t, test_sched_cosine);
	tcase_add_test(t, test_sched_linear);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
