/*
 * check_nn_golden.c — the kernels of lib/nn/layers.h against torch.
 *
 * tests/data/nn/layers.safetensors (tests/golden/nn/make-layers.py, Debian's python3-torch,
 * float32) holds, per layer, inputs and parameters, the forward output and the gradients of
 * L = sum(y * r) for a random r; r is the dy handed to the backward here. Losses hold the
 * mean loss and its gradient.
 *
 * Tolerance: every value a of ours against torch's b passes when
 *     |a - b| <= 1e-5 * max(1, |b|)
 * (relative above 1, absolute below). Both sides round in float32 and sum in different
 * orders, so bit equality is not expected; each comparison prints its worst error to the
 * test log.
 *
 * Every backward runs twice on the same buffers: the kernels ADD into dx, dw, db, so the
 * second run must double the first. Losses WRITE dx (times scale), so garbage there first
 * must not matter. Each layer runs without a pool and with a pool of 2 threads.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/threads.h"
#include "nn/layers.h"
#include "nn/safetensors.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL 1e-5

static dl_st_file *golden;
static dl_pool *pools[2];   /* NULL, and 2 threads */

static void open_golden(void)
{
	char path[4200];
	const char *src = getenv("DL_SRC");
	snprintf(path, sizeof path, "%s/tests/data/nn/layers.safetensors", src ? src : ".");
	dl_err e = {{0}};
	golden = dl_st_open(path, &e);
	ck_assert_msg(golden != NULL, "%s", e.msg);
	pools[0] = NULL;
	pools[1] = dl_pool_new(2);
}

static void close_golden(void)
{
	dl_st_close(golden);
	dl_pool_free(pools[1]);
}

static const dl_st_tensor *tensor(const char *name)
{
	const dl_st_tensor *t = dl_st_find(golden, name);
	ck_assert_msg(t != NULL, "no tensor '%s' in layers.safetensors", name);
	return t;
}

/* A float32 copy of tensor name; *n (if not NULL) set to its element count. */
static float *get(const char *name, size_t *n)
{
	const dl_st_tensor *t = tensor(name);
	float *v = dl_mallocarray(t->count + 1, sizeof *v);
	dl_err e = {{0}};
	ck_assert_msg(dl_st_to_f32(golden, t, v, &e) == 0, "%s", e.msg);
	if (n)
		*n = (size_t)t->count;
	return v;
}

static float scalar(const char *name)
{
	float *v = get(name, NULL);
	float x = v[0];
	free(v);
	return x;
}

static int32_t *get_i32(const char *name, size_t *n)
{
	const dl_st_tensor *t = tensor(name);
	ck_assert_int_eq(t->dtype, DL_ST_I32);
	int32_t *v = dl_mallocarray(t->count + 1, sizeof *v);
	memcpy(v, t->data, t->nbytes);
	if (n)
		*n = (size_t)t->count;
	return v;
}

static float *zeros(size_t n)
{
	return dl_calloc(n + 1, sizeof(float));
}

/* got[i] * mult against want[i]; the worst error goes to the log. */
static void compare_x(const char *what, const float *got, float mult, const char *want_name,
		      size_t n)
{
	size_t wn;
	float *want = get(want_name, &wn);
	ck_assert_uint_eq(wn, n);
	double worst = 0;
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		double b = want[i], a = (double)got[i] / mult;
		double err = fabs(a - b) / fmax(1.0, fabs(b));
		if (!(err <= worst)) {  /* NaN counts as the worst */
			worst = isnan(err) ? INFINITY : err;
			at = i;
		}
	}
	printf("%-28s %-6s max |a-b|/max(1,|b|) = %.2e\n", want_name, what, worst);
	ck_assert_msg(worst <= TOL, "%s (%s): element %zu is %.9g, torch says %.9g (error %.3g)",
		      want_name, what, at, (double)got[at] / mult, (double)want[at], worst);
	free(want);
}

static void compare(const float *got, const char *want_name, size_t n)
{
	compare_x("", got, 1, want_name, n);
}

static void compare_loss(double got, const char *want_name)
{
	double b = scalar(want_name);
	double err = fabs(got - b) / fmax(1.0, fabs(b));
	printf("%-28s        max |a-b|/max(1,|b|) = %.2e\n", want_name, err);
	ck_assert_msg(err <= TOL, "%s: %.9g, torch says %.9g", want_name, got, b);
}

/* "PREFIX.what" in one of 16 static buffers used in turn. */
static const char *nm(const char *prefix, const char *what)
{
	static char buf[16][96];
	static int next;
	char *b = buf[next++ % 16];
	snprintf(b, sizeof buf[0], "%s.%s", prefix, what);
	return b;
}

static size_t count(const char *name)
{
	return (size_t)tensor(name)->count;
}

/* ================================================================== layers */

static void run_linear(const char *p, int bias)
{
	char nm[8][64];
	const char *k[] = { "x", "w", "b", "y", "r", "dx", "dw", "db" };
	for (int i = 0; i < 8; i++)
		snprintf(nm[i], sizeof nm[i], "%s.%s", p, k[i]);
	const dl_st_tensor *tw = tensor(nm[1]);
	size_t out = (size_t)tw->shape[0], in = (size_t)tw->shape[1], n = count(nm[0]) / in;
	float *x = get(nm[0], NULL), *w = get(nm[1], NULL), *b = bias ? get(nm[2], NULL) : NULL;
	float *r = get(nm[4], NULL), *y = zeros(n * out);
	dl_linear_fwd(x, w, b, y, n, in, out);
	compare(y, nm[3], n * out);
	float *dx = zeros(n * in), *dw = zeros(out * in), *db = zeros(out);
	for (int pass = 1; pass <= 2; pass++) {
		dl_linear_bwd(x, w, r, dx, dw, bias ? db : NULL, n, in, out);
		compare_x(pass == 1 ? "" : "twice", dx, (float)pass, nm[5], n * in);
		compare_x(pass == 1 ? "" : "twice", dw, (float)pass, nm[6], out * in);
		if (bias)
			compare_x(pass == 1 ? "" : "twice", db, (float)pass, nm[7], out);
	}
	/* Each gradient alone. */
	memset(dx, 0, n * in * sizeof *dx);
	dl_linear_bwd(x, w, r, dx, NULL, NULL, n, in, out);
	compare_x("alone", dx, 1, nm[5], n * in);
	memset(dw, 0, out * in * sizeof *dw);
	dl_linear_bwd(x, w, r, NULL, dw, NULL, n, in, out);
	compare_x("alone", dw, 1, nm[6], out * in);
	if (bias) {
		memset(db, 0, out * sizeof *db);
		dl_linear_bwd(x, w, r, NULL, NULL, db, n, in, out);
		compare_x("alone", db, 1, nm[7], out);
	}
	free(x), free(w), free(b), free(r), free(y), free(dx), free(dw), free(db);
}

START_TEST(test_linear)
{
	run_linear("linear", 1);
	run_linear("linear_nobias", 0);
	run_linear("linear_big", 1);
}
END_TEST

START_TEST(test_embedding)
{
	size_t n;
	int32_t *ids = get_i32("embedding.ids", &n);
	const dl_st_tensor *tw = tensor("embedding.w");
	size_t vocab = (size_t)tw->shape[0], c = (size_t)tw->shape[1];
	float *w = get("embedding.w", NULL), *r = get("embedding.r", NULL), *y = zeros(n * c);
	dl_embedding_fwd(ids, w, y, n, c);
	compare(y, "embedding.y", n * c);
	float *dw = zeros(vocab * c);
	dl_embedding_bwd(ids, r, dw, n, c);
	compare(dw, "embedding.dw", vocab * c);
	dl_embedding_bwd(ids, r, dw, n, c);
	compare_x("twice", dw, 2, "embedding.dw", vocab * c);
	free(ids), free(w), free(r), free(y), free(dw);
}
END_TEST

static void run_layernorm(const char *p)
{
	const dl_st_tensor *tx = tensor(nm(p, "x"));
	size_t n = (size_t)tx->shape[0], c = (size_t)tx->shape[1];
	float eps = scalar(nm(p, "eps"));
	float *x = get(nm(p, "x"), NULL), *w = get(nm(p, "w"), NULL);
	float *b = get(nm(p, "b"), NULL), *r = get(nm(p, "r"), NULL);
	for (int pi = 0; pi < 2; pi++) {
		float *y = zeros(n * c), *mean = zeros(n), *rstd = zeros(n);
		dl_layernorm_fwd(x, w, b, y, mean, rstd, n, c, eps, pools[pi]);
		compare(y, nm(p, "y"), n * c);
		compare(mean, nm(p, "mean"), n);
		compare(rstd, nm(p, "rstd"), n);
		float *dx = zeros(n * c), *dw = zeros(c), *db = zeros(c);
		for (int pass = 1; pass <= 2; pass++) {
			const char *t = pass == 1 ? "" : "twice";
			dl_layernorm_bwd(x, w, mean, rstd, r, dx, dw, db, n, c, pools[pi]);
			compare_x(t, dx, (float)pass, nm(p, "dx"), n * c);
			compare_x(t, dw, (float)pass, nm(p, "dw"), c);
			compare_x(t, db, (float)pass, nm(p, "db"), c);
		}
		memset(dx, 0, n * c * sizeof *dx);
		dl_layernorm_bwd(x, w, mean, rstd, r, dx, NULL, NULL, n, c, pools[pi]);
		compare_x("alone", dx, 1, nm(p, "dx"), n * c);
		memset(dw, 0, c * sizeof *dw);
		dl_layernorm_bwd(x, w, mean, rstd, r, NULL, dw, NULL, n, c, pools[pi]);
		compare_x("alone", dw, 1, nm(p, "dw"), c);
		/* Without beta: y - beta. */
		dl_layernorm_fwd(x, w, NULL, y, mean, rstd, n, c, eps, pools[pi]);
		for (size_t i = 0; i < n * c; i++)
			y[i] += b[i % c];
		compare_x("nobeta", y, 1, nm(p, "y"), n * c);
		free(y), free(mean), free(rstd), free(dx), free(dw), free(db);
	}
	free(x), free(w), free(b), free(r);
}

START_TEST(test_layernorm)
{
	run_layernorm("layernorm");
	run_layernorm("layernorm_big");
}
END_TEST

static void run_rmsnorm(const char *p)
{
	const dl_st_tensor *tx = tensor(nm(p, "x"));
	size_t n = (size_t)tx->shape[0], c = (size_t)tx->shape[1];
	float eps = scalar(nm(p, "eps"));
	float *x = get(nm(p, "x"), NULL), *w = get(nm(p, "w"), NULL), *r = get(nm(p, "r"), NULL);
	for (int pi = 0; pi < 2; pi++) {
		float *y = zeros(n * c), *rstd = zeros(n), *dx = zeros(n * c), *dw = zeros(c);
		dl_rmsnorm_fwd(x, w, y, rstd, n, c, eps, pools[pi]);
		compare(y, nm(p, "y"), n * c);
		compare(rstd, nm(p, "rstd"), n);
		for (int pass = 1; pass <= 2; pass++) {
			const char *t = pass == 1 ? "" : "twice";
			dl_rmsnorm_bwd(x, w, rstd, r, dx, dw, n, c, pools[pi]);
			compare_x(t, dx, (float)pass, nm(p, "dx"), n * c);
			compare_x(t, dw, (float)pass, nm(p, "dw"), c);
		}
		memset(dw, 0, c * sizeof *dw);
		dl_rmsnorm_bwd(x, w, rstd, r, NULL, dw, n, c, pools[pi]);
		compare_x("alone", dw, 1, nm(p, "dw"), c);
		free(y), free(rstd), free(dx), free(dw);
	}
	free(x), free(w), free(r);
}

START_TEST(test_rmsnorm)
{
	run_rmsnorm("rmsnorm");
	run_rmsnorm("rmsnorm_big");
}
END_TEST

static void run_act(enum dl_act a, const char *p)
{
	char nx[64], ny[64], nr[64], ndx[64];
	snprintf(nx, sizeof nx, "%s.x", p);
	snprintf(ny, sizeof ny, "%s.y", p);
	snprintf(nr, sizeof nr, "%s.r", p);
	snprintf(ndx, sizeof ndx, "%s.dx", p);
	size_t m;
	float *x = get(nx, &m), *r = get(nr, NULL);
	for (int pi = 0; pi < 2; pi++) {
		float *y = zeros(m), *dx = zeros(m);
		dl_act_fwd(a, x, y, m, pools[pi]);
		compare(y, ny, m);
		dl_act_bwd(a, x, r, dx, m, pools[pi]);
		compare(dx, ndx, m);
		dl_act_bwd(a, x, r, dx, m, pools[pi]);
		compare_x("twice", dx, 2, ndx, m);
		free(y), free(dx);
	}
	free(x), free(r);
}

START_TEST(test_activations)
{
	run_act(DL_ACT_RELU, "relu");
	run_act(DL_ACT_GELU, "gelu");
	run_act(DL_ACT_GELU_TANH, "gelu_tanh");
	run_act(DL_ACT_SILU, "silu");
}
END_TEST

START_TEST(test_swiglu)
{
	const dl_st_tensor *tx = tensor("swiglu.x");
	size_t n = (size_t)tx->shape[0], h = (size_t)tx->shape[1] / 2;
	float *x = get("swiglu.x", NULL), *r = get("swiglu.r", NULL);
	for (int pi = 0; pi < 2; pi++) {
		float *y = zeros(n * h), *dx = zeros(n * 2 * h);
		dl_swiglu_fwd(x, y, n, h, pools[pi]);
		compare(y, "swiglu.y", n * h);
		dl_swiglu_bwd(x, r, dx, n, h, pools[pi]);
		compare(dx, "swiglu.dx", n * 2 * h);
		dl_swiglu_bwd(x, r, dx, n, h, pools[pi]);
		compare_x("twice", dx, 2, "swiglu.dx", n * 2 * h);
		free(y), free(dx);
	}
	free(x), free(r);
}
END_TEST

START_TEST(test_dropout)
{
	size_t m;
	float *x = get("dropout.x", &m), *r = get("dropout.r", NULL), p = scalar("dropout.p");
	const dl_st_tensor *tm = tensor("dropout.mask");
	ck_assert_int_eq(tm->dtype, DL_ST_U8);
	ck_assert_uint_eq(tm->count, m);
	float *y = zeros(m), *dx = zeros(m);
	dl_dropout_fwd(x, tm->data, p, y, m);
	compare(y, "dropout.y", m);
	dl_dropout_bwd(tm->data, p, r, dx, m);
	compare(dx, "dropout.dx", m);
	dl_dropout_bwd(tm->data, p, r, dx, m);
	compare_x("twice", dx, 2, "dropout.dx", m);
	free(x), free(r), free(y), free(dx);
}
END_TEST

static void run_attention(const char *p)
{
	char nm[6][64];
	const char *k[] = { "dims", "qkv", "y", "att", "r", "dx" };
	for (int i = 0; i < 6; i++)
		snprintf(nm[i], sizeof nm[i], "%s.%s", p, k[i]);
	int32_t *dims = get_i32(nm[0], NULL);
	size_t b = (size_t)dims[0], t = (size_t)dims[1], c = (size_t)dims[2], nh = (size_t)dims[3];
	free(dims);
	float *qkv = get(nm[1], NULL), *r = get(nm[4], NULL);
	for (int pi = 0; pi < 2; pi++) {
		float *y = zeros(b * t * c), *att = zeros(b * nh * t * t), *dqkv = zeros(b * t * 3 * c);
		/* The forward writes every att entry, zeros above the diagonal included. */
		for (size_t i = 0; i < b * nh * t * t; i++)
			att[i] = NAN;
		dl_attention_fwd(qkv, y, att, b, t, c, nh, pools[pi]);
		compare(y, nm[2], b * t * c);
		compare(att, nm[3], b * nh * t * t);
		dl_attention_bwd(qkv, att, r, dqkv, b, t, c, nh, pools[pi]);
		compare(dqkv, nm[5], b * t * 3 * c);
		dl_attention_bwd(qkv, att, r, dqkv, b, t, c, nh, pools[pi]);
		compare_x("twice", dqkv, 2, nm[5], b * t * 3 * c);
		free(y), free(att), free(dqkv);
	}
	free(qkv), free(r);
}

START_TEST(test_attention)
{
	run_attention("attention");
	run_attention("attention2");
	run_attention("attention_big");
}
END_TEST

/* ================================================================== losses */

static float *garbage(size_t n)
{
	float *v = zeros(n);
	for (size_t i = 0; i < n; i++)
		v[i] = 1e6f * (float)(i % 7) - 3e6f;
	return v;
}

static void run_cross_entropy(const char *p)
{
	const dl_st_tensor *tx = tensor(nm(p, "x"));
	size_t n = (size_t)tx->shape[0], v = (size_t)tx->shape[1];
	float *x = get(nm(p, "x"), NULL);
	int32_t *tg = get_i32(nm(p, "targets"), NULL), *ign = get_i32(nm(p, "ignore"), NULL);
	for (int pi = 0; pi < 2; pi++) {
		float *dx = garbage(n * v);
		compare_loss(dl_cross_entropy(x, tg, ign[0], dx, 1.0f, n, v, pools[pi]), nm(p, "loss"));
		compare(dx, nm(p, "dx"), n * v);
		dx = memset(dx, 0x7f, n * v * sizeof *dx);
		compare_loss(dl_cross_entropy(x, tg, ign[0], dx, 0.25f, n, v, pools[pi]), nm(p, "loss"));
		compare_x("x0.25", dx, 0.25f, nm(p, "dx"), n * v);
		compare_loss(dl_cross_entropy(x, tg, ign[0], NULL, 1.0f, n, v, pools[pi]), nm(p, "loss"));
		/* No row counts: loss 0 (torch says nan) and a zero gradient. */
		int32_t *all = dl_mallocarray(n, sizeof *all);
		for (size_t i = 0; i < n; i++)
			all[i] = ign[0];
		dx = memset(dx, 0x7f, n * v * sizeof *dx);
		ck_assert(dl_cross_entropy(x, all, ign[0], dx, 1.0f, n, v, pools[pi]) == 0);
		for (size_t i = 0; i < n * v; i++)
			FAST_ASSERT(dx[i] == 0);
		free(all), free(dx);
	}
	free(x), free(tg), free(ign);
}

START_TEST(test_cross_entropy)
{
	run_cross_entropy("ce");
	run_cross_entropy("ce_big");
}
END_TEST

static void run_pointwise_loss(const char *p, double (*fn)(const float *, const float *, float *,
							     float, size_t))
{
	char nx[64], nt[64], nl[64], ndx[64];
	snprintf(nx, sizeof nx, "%s.x", p);
	snprintf(nt, sizeof nt, "%s.target", p);
	snprintf(nl, sizeof nl, "%s.loss", p);
	snprintf(ndx, sizeof ndx, "%s.dx", p);
	size_t m;
	float *x = get(nx, &m), *t = get(nt, NULL), *dx = garbage(m);
	compare_loss(fn(x, t, dx, 1.0f, m), nl);
	compare(dx, ndx, m);
	dx = memset(dx, 0x7f, m * sizeof *dx);
	compare_loss(fn(x, t, dx, 0.5f, m), nl);
	compare_x("x0.5", dx, 0.5f, ndx, m);
	compare_loss(fn(x, t, NULL, 1.0f, m), nl);
	free(x), free(t), free(dx);
}

START_TEST(test_mse)
{
	run_pointwise_loss("mse", dl_mse);
}
END_TEST

START_TEST(test_bce_logits)
{
	run_pointwise_loss("bce", dl_bce_logits);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nn_golden");
	TCase *tc = tcase(s, "layers", 0);
	tcase_add_checked_fixture(tc, open_golden, close_golden);
	tcase_add_test(tc, test_linear);
	tcase_add_test(tc, test_embedding);
	tcase_add_test(tc, test_layernorm);
	tcase_add_test(tc, test_rmsnorm);
	tcase_add_test(tc, test_activations);
	tcase_add_test(tc, test_swiglu);
	tcase_add_test(tc, test_dropout);
	tcase_add_test(tc, test_attention);
	tcase_add_test(tc, test_cross_entropy);
	tcase_add_test(tc, test_mse);
	tcase_add_test(tc, test_bce_logits);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
