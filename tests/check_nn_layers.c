/*
 * check_nn_layers.c — unit tests for the layer kernels of lib/nn (layers.c, norm.c, act.c,
 * loss.c): every forward against a plain double-precision reference written here, every
 * backward against central finite differences of that reference.
 *
 * For a layer y = f(p) the tests take the scalar L = sum(y r) for a random r: its gradient
 * with respect to any input p is what backward computes from dy = r. The reference runs in
 * double, so central differences with a small step are accurate to ~1e-9 and the float
 * kernels are held to 1e-5 (forward) and 1e-3 (backward) of the values' size. Losses are
 * checked the same way on the loss itself. Then the contract's other promises: gradients are
 * added, NULL gradients are skipped, ignore_index rows count for nothing, and a pool of
 * threads gives the same bits as none.
 */
#include "config.h"
#include "core/blas.h"
#include "core/threads.h"
#include "nn/layers.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================== helpers */

/* Uniform in [lo, hi). */
static double uni(uint64_t *s, double lo, double hi)
{
	return lo + (hi - lo) * (double)(gen(s) >> 11) * 0x1p-53;
}

static float *fvec(size_t m)
{
	float *p = calloc(m ? m : 1, sizeof *p);
	ck_assert_ptr_nonnull(p);
	return p;
}

static double *dvec(size_t m)
{
	double *p = calloc(m ? m : 1, sizeof *p);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* Random floats in [lo, hi), and their exact double copy when d is not NULL. */
static float *frand(size_t m, uint64_t *s, double lo, double hi, double **d)
{
	float *p = fvec(m);
	for (size_t i = 0; i < m; i++)
		p[i] = (float)uni(s, lo, hi);
	if (d) {
		*d = dvec(m);
		for (size_t i = 0; i < m; i++)
			(*d)[i] = p[i];
	}
	return p;
}

/* Values away from 0, where ReLU has its kink. */
static float *frand_nz(size_t m, uint64_t *s, double mag, double **d)
{
	float *p = frand(m, s, -mag, mag, d);
	for (size_t i = 0; i < m; i++)
		if (fabsf(p[i]) < 0.05f) {
			p[i] = p[i] < 0 ? -0.3f : 0.3f;
			if (d)
				(*d)[i] = p[i];
		}
	return p;
}

static double rms(const double *a, size_t m)
{
	double s = 0;
	for (size_t i = 0; i < m; i++)
		s += a[i] * a[i];
	return m ? sqrt(s / (double)m) : 0;
}

/* got is within rtol of want, relative to each value plus the array's rms (so that values
 * near zero, where cancellation decides the last bits, are judged on the array's scale). */
static void expect_close_floor(const float *got, const double *want, size_t m, double rtol,
			       double floor, const char *what)
{
	for (size_t i = 0; i < m; i++) {
		double err = fabs((double)got[i] - want[i]);
		if (!(err <= rtol * (fabs(want[i]) + floor)))
			ck_abort_msg("%s[%zu]: got %.9g, want %.9g (rtol %g)", what, i, got[i],
				     want[i], rtol);
	}
}

static void expect_close(const float *got, const double *want, size_t m, double rtol,
			 const char *what)
{
	expect_close_floor(got, want, m, rtol, rms(want, m) + 1e-9, what);
}

/* A scalar function of the arrays its context points at. */
typedef double (*scalar_fn)(void *ctx);

/* Central differences of fn with respect to p[0..m) (which fn reads through ctx). */
static void fd_grad(scalar_fn fn, void *ctx, double *p, size_t m, double *g)
{
	for (size_t i = 0; i < m; i++) {
		double s = p[i], h = 1e-5 * fmax(1.0, fabs(s));
		p[i] = s + h;
		double a = fn(ctx);
		p[i] = s - h;
		double b = fn(ctx);
		p[i] = s;
		g[i] = (a - b) / (2 * h);
	}
}

/* Checks that backward, run on gradients already holding pre, gives pre + g, then
 * pre + 2 g after a second run: `got` is the buffer after each run. */
static void expect_added(const float *got, const float *pre, const float *g, double times,
			 size_t m, const char *what)
{
	for (size_t i = 0; i < m; i++) {
		double want = (double)pre[i] + times * g[i];
		double tol = 1e-6 * (fabs(pre[i]) + times * fabs(g[i])) + 1e-12;
		if (!(fabs(got[i] - want) <= tol))
			ck_abort_msg("%s[%zu]: got %.9g, want %.9g", what, i, got[i], want);
	}
}

static void expect_same(const float *a, const float *b, size_t m, const char *what)
{
	ck_assert_msg(memcmp(a, b, m * sizeof *a) == 0, "%s differs", what);
}

/* ================================================================== Linear */

struct lin_ref {
	const double *x, *w, *b, *r;
	size_t n, in, out;
};

static void lin_ref_fwd(const struct lin_ref *R, double *y)
{
	for (size_t i = 0; i < R->n; i++)
		for (size_t o = 0; o < R->out; o++) {
			double s = R->b ? R->b[o] : 0;
			for (size_t k = 0; k < R->in; k++)
				s += R->x[i * R->in + k] * R->w[o * R->in + k];
			y[i * R->out + o] = s;
		}
}

static double lin_ref_loss(void *ctx)
{
	const struct lin_ref *R = ctx;
	double *y = dvec(R->n * R->out), L = 0;
	lin_ref_fwd(R, y);
	for (size_t i = 0; i < R->n * R->out; i++)
		L += y[i] * R->r[i];
	free(y);
	return L;
}

static void linear_case(size_t n, size_t in, size_t out, int bias, uint64_t seed)
{
	uint64_t s = seed;
	double *xd, *wd, *bd = NULL, *rd;
	float *x = frand(n * in, &s, -1, 1, &xd), *w = frand(out * in, &s, -1, 1, &wd);
	float *b = bias ? frand(out, &s, -1, 1, &bd) : NULL;
	float *r = frand(n * out, &s, -1, 1, &rd);
	struct lin_ref R = {xd, wd, bd, rd, n, in, out};

	float *y = fvec(n * out);
	double *yd = dvec(n * out);
	dl_linear_fwd(x, w, b, y, n, in, out);
	lin_ref_fwd(&R, yd);
	expect_close(y, yd, n * out, 1e-5, "linear y");

	float *dx = fvec(n * in), *dw = fvec(out * in), *db = fvec(out);
	dl_linear_bwd(x, w, r, dx, dw, bias ? db : NULL, n, in, out);
	double *g = dvec(out * in > n * in ? out * in : n * in);
	fd_grad(lin_ref_loss, &R, xd, n * in, g);
	expect_close(dx, g, n * in, 1e-3, "linear dx");
	fd_grad(lin_ref_loss, &R, wd, out * in, g);
	expect_close(dw, g, out * in, 1e-3, "linear dw");
	if (bias) {
		fd_grad(lin_ref_loss, &R, bd, out, g);
		expect_close(db, g, out, 1e-3, "linear db");
	}

	/* Added onto what is there, once and twice. */
	float *pdx = frand(n * in, &s, -1, 1, NULL), *pdw = frand(out * in, &s, -1, 1, NULL);
	float *pdb = frand(out, &s, -1, 1, NULL);
	float *adx = fvec(n * in), *adw = fvec(out * in), *adb = fvec(out);
	memcpy(adx, pdx, n * in * sizeof *adx);
	memcpy(adw, pdw, out * in * sizeof *adw);
	memcpy(adb, pdb, out * sizeof *adb);
	for (int t = 1; t <= 2; t++) {
		dl_linear_bwd(x, w, r, adx, adw, adb, n, in, out);
		expect_added(adx, pdx, dx, t, n * in, "linear dx accumulated");
		expect_added(adw, pdw, dw, t, out * in, "linear dw accumulated");
		if (bias)
			expect_added(adb, pdb, db, t, out, "linear db accumulated");
	}

	/* Each gradient alone, the others NULL. */
	float *ox = fvec(n * in), *ow = fvec(out * in), *ob = fvec(out);
	dl_linear_bwd(x, w, r, ox, NULL, NULL, n, in, out);
	dl_linear_bwd(x, w, r, NULL, ow, NULL, n, in, out);
	dl_linear_bwd(x, w, r, NULL, NULL, bias ? ob : NULL, n, in, out);
	expect_added(ox, dx, dx, 0, n * in, "linear dx alone");
	expect_added(ow, dw, dw, 0, out * in, "linear dw alone");
	expect_added(ob, db, db, 0, out, "linear db alone");
	dl_linear_bwd(x, w, r, NULL, NULL, NULL, n, in, out);

	free(x); free(w); free(b); free(r); free(y); free(dx); free(dw); free(db);
	free(pdx); free(pdw); free(pdb); free(adx); free(adw); free(adb);
	free(ox); free(ow); free(ob);
	free(xd); free(wd); free(bd); free(rd); free(yd); free(g);
}

START_TEST(test_linear)
{
	static const size_t shapes[][3] = {
		{5, 7, 3}, {1, 1, 1}, {4, 13, 1}, {1, 9, 6}, {3, 1, 5}, {9, 33, 20}, {2, 40, 70},
	};
	for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++)
		for (int bias = 0; bias <= 1; bias++)
			linear_case(shapes[k][0], shapes[k][1], shapes[k][2], bias, 100 + k);
}
END_TEST

/* A larger product and the degenerate ones: no input features gives y = b (or 0). */
START_TEST(test_linear_shapes)
{
	uint64_t s = 3;
	size_t n = 64, in = 100, out = 37;
	double *xd, *wd, *bd;
	float *x = frand(n * in, &s, -1, 1, &xd), *w = frand(out * in, &s, -1, 1, &wd);
	float *b = frand(out, &s, -1, 1, &bd), *y = fvec(n * out);
	double *yd = dvec(n * out);
	struct lin_ref R = {xd, wd, bd, NULL, n, in, out};
	dl_linear_fwd(x, w, b, y, n, in, out);
	lin_ref_fwd(&R, yd);
	expect_close(y, yd, n * out, 1e-5, "linear y");

	for (size_t i = 0; i < n * out; i++)
		y[i] = 7;
	dl_linear_fwd(x, w, b, y, n, 0, out);
	for (size_t i = 0; i < n; i++)
		for (size_t o = 0; o < out; o++)
			FAST_ASSERT(y[i * out + o] == b[o]);
	dl_linear_fwd(x, w, NULL, y, n, 0, out);
	for (size_t i = 0; i < n * out; i++)
		FAST_ASSERT(y[i] == 0);
	float db[37] = {0};
	dl_linear_bwd(x, w, x, NULL, NULL, db, n, 0, out);   /* dy happens to be x: n x 37 fits */
	double col0 = 0;
	for (size_t i = 0; i < n; i++)
		col0 += x[i * out];
	ck_assert(fabs(db[0] - col0) <= 1e-5 * (1 + fabs(col0)));
	free(x); free(w); free(b); free(y); free(xd); free(wd); free(bd); free(yd);
}
END_TEST

/* ================================================================== Embedding, Dropout */

START_TEST(test_embedding)
{
	uint64_t s = 5;
	size_t vocab = 7, c = 5, n = 9;
	int32_t ids[9] = {3, 0, 6, 3, 3, 1, 6, 0, 2};
	float *table = frand(vocab * c, &s, -1, 1, NULL), *y = fvec(n * c);
	dl_embedding_fwd(ids, table, y, n, c);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < c; j++)
			FAST_ASSERT(y[i * c + j] == table[ids[i] * c + j]);

	float *dy = frand(n * c, &s, -1, 1, NULL), *dt = frand(vocab * c, &s, -1, 1, NULL);
	double *want = dvec(vocab * c);
	for (size_t i = 0; i < vocab * c; i++)
		want[i] = dt[i];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < c; j++)
			want[ids[i] * c + j] += dy[i * c + j];
	dl_embedding_bwd(ids, dy, dt, n, c);
	expect_close(dt, want, vocab * c, 1e-6, "embedding dtable");
	/* Row 4 is never used: untouched. */
	for (size_t j = 0; j < c; j++)
		ck_assert(dt[4 * c + j] == (float)want[4 * c + j]);
	dl_embedding_bwd(ids, dy, NULL, n, c);
	free(table); free(y); free(dy); free(dt); free(want);
}
END_TEST

START_TEST(test_dropout)
{
	uint64_t s = 6;
	size_t m = 101;
	float *x = frand(m, &s, -2, 2, NULL), *y = fvec(m), *dy = frand(m, &s, -1, 1, NULL);
	uint8_t *mask = malloc(m);
	for (size_t i = 0; i < m; i++)
		mask[i] = (uint8_t)(gen(&s) & 1);
	const float ps[] = {0.0f, 0.1f, 0.5f, 1.0f};
	for (size_t k = 0; k < 4; k++) {
		float p = ps[k];
		double sc = p < 1 ? 1.0 / (1.0 - p) : 0.0;
		dl_dropout_fwd(x, mask, p, y, m);
		float *dx = frand(m, &s, -1, 1, NULL), *pre = fvec(m);
		memcpy(pre, dx, m * sizeof *dx);
		dl_dropout_bwd(mask, p, dy, dx, m);
		for (size_t i = 0; i < m; i++) {
			double want = mask[i] ? x[i] * sc : 0.0;
			FAST_ASSERT(fabs(y[i] - want) <= 1e-6 * fabs(want));
			double gw = pre[i] + (mask[i] ? dy[i] * sc : 0.0);
			FAST_ASSERT(fabs(dx[i] - gw) <= 1e-6 * (fabs(gw) + fabs(pre[i])));
		}
		dl_dropout_bwd(mask, p, dy, NULL, m);
		free(dx);
		free(pre);
	}
	free(x); free(y); free(dy); free(mask);
}
END_TEST

/* ================================================================== LayerNorm, RMSNorm */

struct norm_ref {
	const double *x, *g, *b, *r;
	size_t n, c;
	double eps;
	int rms;
};

static void norm_ref_fwd(const struct norm_ref *R, double *y)
{
	size_t c = R->c;
	for (size_t i = 0; i < R->n; i++) {
		const double *x = R->x + i * c;
		double m = 0, v = 0;
		if (!R->rms) {
			for (size_t j = 0; j < c; j++)
				m += x[j];
			m /= (double)c;
		}
		for (size_t j = 0; j < c; j++)
			v += (x[j] - m) * (x[j] - m);
		v /= (double)c;
		double rs = 1.0 / sqrt(v + R->eps);
		for (size_t j = 0; j < c; j++)
			y[i * c + j] = (x[j] - m) * rs * R->g[j] + (R->b ? R->b[j] : 0);
	}
}

static double norm_ref_loss(void *ctx)
{
	const struct norm_ref *R = ctx;
	double *y = dvec(R->n * R->c), L = 0;
	norm_ref_fwd(R, y);
	for (size_t i = 0; i < R->n * R->c; i++)
		L += y[i] * R->r[i];
	free(y);
	return L;
}

/* Forward, finite differences and accumulation for LayerNorm (rms 0) or RMSNorm (rms 1).
 * The inputs sit on an offset, so the mean matters. */
static void norm_case(int rms_norm, size_t n, size_t c, int has_beta, uint64_t seed)
{
	uint64_t s = seed;
	double *xd, *gd, *bd = NULL, *rd;
	float *x = frand(n * c, &s, -1.5, 2.5, &xd), *g = frand(c, &s, 0.5, 1.5, &gd);
	float *b = has_beta ? frand(c, &s, -1, 1, &bd) : NULL;
	float *r = frand(n * c, &s, -1, 1, &rd);
	float eps = 1e-5f;
	struct norm_ref R = {xd, gd, bd, rd, n, c, eps, rms_norm};
	float *y = fvec(n * c), *mean = fvec(n), *rstd = fvec(n);
	double *yd = dvec(n * c);
	if (rms_norm)
		dl_rmsnorm_fwd(x, g, y, rstd, n, c, eps, NULL);
	else
		dl_layernorm_fwd(x, g, b, y, mean, rstd, n, c, eps, NULL);
	norm_ref_fwd(&R, yd);
	expect_close(y, yd, n * c, 1e-5, rms_norm ? "rmsnorm y" : "layernorm y");

	float *dx = fvec(n * c), *dg = fvec(c), *db = fvec(c);
	if (rms_norm)
		dl_rmsnorm_bwd(x, g, rstd, r, dx, dg, n, c, NULL);
	else
		dl_layernorm_bwd(x, g, mean, rstd, r, dx, dg, has_beta ? db : NULL, n, c, NULL);
	double *fd = dvec(n * c);
	fd_grad(norm_ref_loss, &R, xd, n * c, fd);
	/* dx is a difference of terms of size dy gamma rstd, which can nearly cancel (c = 1):
	 * its float error is judged on the terms' size. */
	double terms = 0;
	for (size_t i = 0; i < n * c; i++)
		terms += pow(rd[i] * gd[i % c] * rstd[i / c], 2);
	terms = sqrt(terms / (double)(n * c));
	expect_close_floor(dx, fd, n * c, 1e-3, fmax(rms(fd, n * c), terms), "norm dx");
	fd_grad(norm_ref_loss, &R, gd, c, fd);
	expect_close(dg, fd, c, 1e-3, "norm dgamma");
	if (has_beta) {
		fd_grad(norm_ref_loss, &R, bd, c, fd);
		expect_close(db, fd, c, 1e-3, "norm dbeta");
	}

	float *pdx = frand(n * c, &s, -1, 1, NULL), *pdg = frand(c, &s, -1, 1, NULL);
	float *pdb = frand(c, &s, -1, 1, NULL);
	float *adx = fvec(n * c), *adg = fvec(c), *adb = fvec(c);
	memcpy(adx, pdx, n * c * sizeof *adx);
	memcpy(adg, pdg, c * sizeof *adg);
	memcpy(adb, pdb, c * sizeof *adb);
	for (int t = 1; t <= 2; t++) {
		if (rms_norm)
			dl_rmsnorm_bwd(x, g, rstd, r, adx, adg, n, c, NULL);
		else
			dl_layernorm_bwd(x, g, mean, rstd, r, adx, adg, adb, n, c, NULL);
		expect_added(adx, pdx, dx, t, n * c, "norm dx accumulated");
		expect_added(adg, pdg, dg, t, c, "norm dgamma accumulated");
		if (!rms_norm && has_beta)
			expect_added(adb, pdb, db, t, c, "norm dbeta accumulated");
	}

	/* One gradient at a time. */
	float *ox = fvec(n * c), *og = fvec(c), *ob = fvec(c);
	if (rms_norm) {
		dl_rmsnorm_bwd(x, g, rstd, r, ox, NULL, n, c, NULL);
		dl_rmsnorm_bwd(x, g, rstd, r, NULL, og, n, c, NULL);
		dl_rmsnorm_bwd(x, g, rstd, r, NULL, NULL, n, c, NULL);
	} else {
		dl_layernorm_bwd(x, g, mean, rstd, r, ox, NULL, NULL, n, c, NULL);
		dl_layernorm_bwd(x, g, mean, rstd, r, NULL, og, NULL, n, c, NULL);
		dl_layernorm_bwd(x, g, mean, rstd, r, NULL, NULL, has_beta ? ob : NULL, n, c,
				 NULL);
		if (has_beta)
			expect_same(ob, db, c, "layernorm dbeta alone");
	}
	expect_same(ox, dx, n * c, "norm dx alone");
	expect_same(og, dg, c, "norm dgamma alone");

	free(x); free(g); free(b); free(r); free(y); free(mean); free(rstd); free(dx);
	free(dg); free(db); free(pdx); free(pdg); free(pdb); free(adx); free(adg); free(adb);
	free(ox); free(og); free(ob);
	free(xd); free(gd); free(bd); free(rd); free(yd); free(fd);
}

static const size_t norm_shapes[][2] = {
	{3, 9}, {1, 1}, {2, 1}, {1, 2}, {2, 17}, {5, 64}, {1, 130}, {3, 7},
};

START_TEST(test_layernorm)
{
	for (size_t k = 0; k < sizeof norm_shapes / sizeof *norm_shapes; k++)
		for (int beta = 0; beta <= 1; beta++)
			norm_case(0, norm_shapes[k][0], norm_shapes[k][1], beta, 200 + k);
}
END_TEST

START_TEST(test_rmsnorm)
{
	for (size_t k = 0; k < sizeof norm_shapes / sizeof *norm_shapes; k++)
		norm_case(1, norm_shapes[k][0], norm_shapes[k][1], 0, 300 + k);
}
END_TEST

/* The statistics the forward keeps, and a mean far from zero: the two-pass variance keeps
 * the spread (a one-pass E[x^2] - E[x]^2 in float would lose it). */
START_TEST(test_layernorm_stats)
{
	uint64_t s = 8;
	size_t n = 4, c = 300;
	double *xd;
	float *x = frand(n * c, &s, -1, 1, &xd), g[300], y[1200], mean[4], rstd[4];
	for (size_t i = 0; i < n * c; i++) {
		x[i] += 1000.0f;
		xd[i] = x[i];
	}
	for (size_t j = 0; j < c; j++)
		g[j] = 1;
	dl_layernorm_fwd(x, g, NULL, y, mean, rstd, n, c, 1e-5f, NULL);
	for (size_t i = 0; i < n; i++) {
		double m = 0, v = 0;
		for (size_t j = 0; j < c; j++)
			m += xd[i * c + j];
		m /= (double)c;
		for (size_t j = 0; j < c; j++)
			v += (xd[i * c + j] - m) * (xd[i * c + j] - m);
		v /= (double)c;
		ck_assert(fabs(mean[i] - m) <= 1e-7 * m);
		ck_assert(fabs(rstd[i] - 1 / sqrt(v + 1e-5)) <= 1e-6 / sqrt(v));
		double rs = 0;
		float rr;
		dl_rmsnorm_fwd(x + i * c, g, y, &rr, 1, c, 1e-5f, NULL);
		for (size_t j = 0; j < c; j++)
			rs += xd[i * c + j] * xd[i * c + j];
		ck_assert(fabs(rr - 1 / sqrt(rs / (double)c + 1e-5)) <= 1e-6 * rr);
	}
	free(x);
	free(xd);
}
END_TEST

/* ================================================================== activations */

static double ref_act(enum dl_act a, double x)
{
	switch (a) {
	case DL_ACT_RELU:
		return x > 0 ? x : 0;
	case DL_ACT_GELU:
		return 0.5 * x * (1 + erf(x / sqrt(2.0)));
	case DL_ACT_GELU_TANH:
		return 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
	case DL_ACT_SILU:
		return x / (1 + exp(-x));
	}
	return NAN;
}

struct act_ref {
	enum dl_act a;
	const double *x, *r;
	size_t m, n, h;         /* m values, or SwiGLU's n rows of h */
};

static double act_ref_loss(void *ctx)
{
	const struct act_ref *R = ctx;
	double L = 0;
	for (size_t i = 0; i < R->m; i++)
		L += ref_act(R->a, R->x[i]) * R->r[i];
	return L;
}

static const char *act_name[] = {"relu", "gelu", "gelu_tanh", "silu"};

START_TEST(test_activations)
{
	static const size_t sizes[] = {1, 2, 37, 100};
	for (int a = DL_ACT_RELU; a <= DL_ACT_SILU; a++)
		for (size_t k = 0; k < 4; k++) {
			uint64_t s = 400 + 10 * (uint64_t)a + k;
			size_t m = sizes[k];
			double *xd, *rd;
			float *x = frand_nz(m, &s, 4.0, &xd), *r = frand(m, &s, -1, 1, &rd);
			float *y = fvec(m), *dx = fvec(m);
			double *yd = dvec(m), *fd = dvec(m);
			struct act_ref R = {(enum dl_act)a, xd, rd, m, 0, 0};
			dl_act_fwd((enum dl_act)a, x, y, m, NULL);
			for (size_t i = 0; i < m; i++)
				yd[i] = ref_act((enum dl_act)a, xd[i]);
			expect_close(y, yd, m, 1e-5, act_name[a]);
			dl_act_bwd((enum dl_act)a, x, r, dx, m, NULL);
			fd_grad(act_ref_loss, &R, xd, m, fd);
			expect_close(dx, fd, m, 1e-3, act_name[a]);

			float *pre = frand(m, &s, -1, 1, NULL), *acc = fvec(m);
			memcpy(acc, pre, m * sizeof *acc);
			for (int t = 1; t <= 2; t++) {
				dl_act_bwd((enum dl_act)a, x, r, acc, m, NULL);
				expect_added(acc, pre, dx, t, m, act_name[a]);
			}
			dl_act_bwd((enum dl_act)a, x, r, NULL, m, NULL);
			free(x); free(r); free(y); free(dx); free(pre); free(acc);
			free(xd); free(rd); free(yd); free(fd);
		}
}
END_TEST

/* Far out in the tails nothing overflows into NaN, and the limits are right. */
START_TEST(test_activation_tails)
{
	float x[] = {-100, -30, 30, 100, -1e30f, 1e30f, 0};
	size_t m = sizeof x / sizeof *x;
	float y[7], d[7], one[7];
	for (size_t i = 0; i < m; i++)
		one[i] = 1;
	for (int a = DL_ACT_RELU; a <= DL_ACT_SILU; a++) {
		memset(d, 0, sizeof d);
		dl_act_fwd((enum dl_act)a, x, y, m, NULL);
		dl_act_bwd((enum dl_act)a, x, one, d, m, NULL);
		for (size_t i = 0; i < m; i++) {
			ck_assert_msg(isfinite(y[i]) && isfinite(d[i]), "%s(%g)", act_name[a], x[i]);
			if (x[i] >= 30) {
				ck_assert(y[i] == x[i]);
				ck_assert(fabsf(d[i] - 1) < 1e-6f);
			} else if (x[i] <= -30) {
				ck_assert(fabsf(y[i]) < 1e-6f);
				ck_assert(fabsf(d[i]) < 1e-6f);
			} else {
				ck_assert(y[i] == 0);
			}
		}
	}
}
END_TEST

static double swiglu_ref_loss(void *ctx)
{
	const struct act_ref *R = ctx;
	double L = 0;
	for (size_t i = 0; i < R->n; i++)
		for (size_t j = 0; j < R->h; j++) {
			double a = R->x[i * 2 * R->h + j], b = R->x[i * 2 * R->h + R->h + j];
			L += ref_act(DL_ACT_SILU, a) * b * R->r[i * R->h + j];
		}
	return L;
}

START_TEST(test_swiglu)
{
	static const size_t shapes[][2] = {{3, 5}, {1, 1}, {4, 16}, {2, 33}};
	for (size_t k = 0; k < 4; k++) {
		uint64_t s = 500 + k;
		size_t n = shapes[k][0], h = shapes[k][1];
		double *xd, *rd;
		float *x = frand(n * 2 * h, &s, -3, 3, &xd), *r = frand(n * h, &s, -1, 1, &rd);
		float *y = fvec(n * h), *dx = fvec(n * 2 * h);
		double *yd = dvec(n * h), *fd = dvec(n * 2 * h);
		struct act_ref R = {DL_ACT_SILU, xd, rd, 0, n, h};
		dl_swiglu_fwd(x, y, n, h, NULL);
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < h; j++)
				yd[i * h + j] = ref_act(DL_ACT_SILU, xd[i * 2 * h + j]) *
						xd[i * 2 * h + h + j];
		expect_close(y, yd, n * h, 1e-5, "swiglu y");
		dl_swiglu_bwd(x, r, dx, n, h, NULL);
		fd_grad(swiglu_ref_loss, &R, xd, n * 2 * h, fd);
		expect_close(dx, fd, n * 2 * h, 1e-3, "swiglu dx");
		float *pre = frand(n * 2 * h, &s, -1, 1, NULL), *acc = fvec(n * 2 * h);
		memcpy(acc, pre, n * 2 * h * sizeof *acc);
		for (int t = 1; t <= 2; t++) {
			dl_swiglu_bwd(x, r, acc, n, h, NULL);
			expect_added(acc, pre, dx, t, n * 2 * h, "swiglu dx accumulated");
		}
		dl_swiglu_bwd(x, r, NULL, n, h, NULL);
		free(x); free(r); free(y); free(dx); free(pre); free(acc);
		free(xd); free(rd); free(yd); free(fd);
	}
}
END_TEST

/* ================================================================== losses */

struct ce_ref {
	const double *l;
	const int32_t *t;
	int32_t ignore;
	size_t n, v;
};

static double ce_ref_loss(void *ctx)
{
	const struct ce_ref *R = ctx;
	double L = 0;
	size_t counted = 0;
	for (size_t i = 0; i < R->n; i++) {
		if (R->t[i] == R->ignore)
			continue;
		const double *l = R->l + i * R->v;
		double mx = l[0], s = 0;
		for (size_t j = 1; j < R->v; j++)
			mx = fmax(mx, l[j]);
		for (size_t j = 0; j < R->v; j++)
			s += exp(l[j] - mx);
		L += mx + log(s) - l[R->t[i]];
		counted++;
	}
	return counted ? L / (double)counted : 0;
}

static void ce_case(size_t n, size_t v, double spread, int with_ignored, uint64_t seed)
{
	uint64_t s = seed;
	double *ld;
	float *l = frand(n * v, &s, -spread, spread, &ld);
	int32_t *t = malloc(n * sizeof *t);
	for (size_t i = 0; i < n; i++)
		t[i] = (int32_t)(gen(&s) % v);
	if (with_ignored)
		t[n / 2] = -100;
	struct ce_ref R = {ld, t, -100, n, v};
	float scale = 0.5f;
	float *d = fvec(n * v);
	for (size_t i = 0; i < n * v; i++)
		d[i] = 99;      /* written, not added */
	double loss = dl_cross_entropy(l, t, -100, d, scale, n, v, NULL);
	double want = ce_ref_loss(&R);
	ck_assert_msg(fabs(loss - want) <= 1e-6 * (fabs(want) + 1e-3), "ce %.10g want %.10g",
		      loss, want);
	ck_assert(dl_cross_entropy(l, t, -100, NULL, scale, n, v, NULL) == loss);
	double *fd = dvec(n * v);
	fd_grad(ce_ref_loss, &R, ld, n * v, fd);
	for (size_t i = 0; i < n * v; i++)
		fd[i] *= scale;
	expect_close(d, fd, n * v, 1e-3, "ce dlogits");
	if (with_ignored)
		for (size_t j = 0; j < v; j++)
			ck_assert(d[(n / 2) * v + j] == 0);
	free(l); free(t); free(d); free(ld); free(fd);
}

START_TEST(test_cross_entropy)
{
	ce_case(6, 11, 3, 1, 600);
	ce_case(1, 5, 3, 0, 601);
	ce_case(3, 2, 1, 1, 602);
	ce_case(4, 300, 5, 0, 603);
	ce_case(2, 1, 1, 0, 604);       /* one class: loss 0, gradient 0 */
	ce_case(5, 7, 30, 1, 605);      /* large spread */
}
END_TEST

START_TEST(test_cross_entropy_edges)
{
	/* Every row ignored: loss 0 and a zero gradient (written over what was there). */
	float l[6] = {1, 2, 3, 4, 5, 6}, d[6] = {9, 9, 9, 9, 9, 9};
	int32_t t[2] = {-1, -1};
	ck_assert(dl_cross_entropy(l, t, -1, d, 1, 2, 3, NULL) == 0);
	for (int i = 0; i < 6; i++)
		ck_assert(d[i] == 0);
	/* Huge logits stay finite: log-sum-exp with the maximum out. */
	float big[3] = {1000, 990, -1000}, db[3];
	int32_t t1 = 1;
	double loss = dl_cross_entropy(big, &t1, -100, db, 1, 1, 3, NULL);
	double want = 10 + log1p(exp(-10.0) + exp(-2000.0));
	ck_assert_msg(fabs(loss - want) < 1e-5, "loss %.10g", loss);
	ck_assert(fabs(db[0] - 1 / (1 + exp(-10.0))) < 1e-6);
	ck_assert(fabs(db[1] - (1 / (1 + exp(10.0)) - 1)) < 1e-6);
	ck_assert(db[2] == 0);
	/* A target out of range counts as ignored rather than being read out of bounds. */
	int32_t tb[2] = {7, 0};
	float d2[6];
	double l2 = dl_cross_entropy(l, tb, -100, d2, 1, 2, 3, NULL);
	ck_assert(fabs(l2 - (6 + log(1 + exp(-1.0) + exp(-2.0)) - 4)) < 1e-6);
	ck_assert(d2[0] == 0 && d2[1] == 0 && d2[2] == 0);
	ck_assert(dl_cross_entropy(l, t, -1, NULL, 1, 0, 3, NULL) == 0);
}
END_TEST

struct pt_ref {
	const double *x, *t;
	size_t m;
	int bce;
};

static double pt_ref_loss(void *ctx)
{
	const struct pt_ref *R = ctx;
	double L = 0;
	for (size_t i = 0; i < R->m; i++) {
		double x = R->x[i], t = R->t[i];
		if (R->bce) {
			double p = 1 / (1 + exp(-x));
			L += -(t * log(p) + (1 - t) * log1p(-p));
		} else {
			L += (x - t) * (x - t);
		}
	}
	return L / (double)R->m;
}

START_TEST(test_mse_bce)
{
	static const size_t sizes[] = {1, 3, 50};
	for (int bce = 0; bce <= 1; bce++)
		for (size_t k = 0; k < 3; k++) {
			uint64_t s = 700 + k + 10 * (uint64_t)bce;
			size_t m = sizes[k];
			double *xd, *td;
			float *x = frand(m, &s, -4, 4, &xd);
			float *t = frand(m, &s, bce ? 0 : -2, bce ? 1 : 2, &td);
			struct pt_ref R = {xd, td, m, bce};
			float scale = 0.25f, *d = fvec(m);
			double loss = bce ? dl_bce_logits(x, t, d, scale, m) :
					    dl_mse(x, t, d, scale, m);
			double want = pt_ref_loss(&R);
			ck_assert_msg(fabs(loss - want) <= 1e-9 * fabs(want), "%g vs %g", loss, want);
			double got2 = bce ? dl_bce_logits(x, t, NULL, scale, m) :
					    dl_mse(x, t, NULL, scale, m);
			ck_assert(got2 == loss);
			double *fd = dvec(m);
			fd_grad(pt_ref_loss, &R, xd, m, fd);
			for (size_t i = 0; i < m; i++)
				fd[i] *= scale;
			expect_close(d, fd, m, 1e-4, bce ? "bce dx" : "mse dx");
			free(x); free(t); free(d); free(xd); free(td); free(fd);
		}
	/* BCE far out: no overflow, and log(1 + e^-50) is not lost. */
	float x[2] = {-60, 60}, t[2] = {1, 0}, d[2];
	double l = dl_bce_logits(x, t, d, 1, 2);
	ck_assert(fabs(l - 60) < 1e-9);
	ck_assert(fabs(d[0] + 0.5) < 1e-7 && fabs(d[1] - 0.5) < 1e-7);
	float x0[1] = {50}, t0[1] = {1};
	ck_assert(fabs(dl_bce_logits(x0, t0, NULL, 1, 1) - exp(-50.0)) < 1e-30);
	ck_assert(dl_mse(x, t, NULL, 1, 0) == 0 && dl_bce_logits(x, t, NULL, 1, 0) == 0);
}
END_TEST

/* ================================================================== threads */

/* The per-row kernels give identical bits with no pool and with pools of 2 and 3 threads,
 * on sizes large enough to be cut into many chunks. */
START_TEST(test_pool_identical)
{
	uint64_t s = 900;
	size_t n = 300, c = 257, v = 301;
	float *x = frand(n * c, &s, -2, 2, NULL), *g = frand(c, &s, 0.5, 1.5, NULL);
	float *b = frand(c, &s, -1, 1, NULL), *dy = frand(n * c, &s, -1, 1, NULL);
	float *logits = frand(n * v, &s, -3, 3, NULL);
	int32_t *tg = malloc(n * sizeof *tg);
	for (size_t i = 0; i < n; i++)
		tg[i] = i % 7 == 3 ? -100 : (int32_t)(gen(&s) % v);

	enum { Y, MEAN, RSTD, DX, DG, DB, RY, RR, RDX, RDG, AY, ADX, SY, SDX, CED, NOUT };
	size_t sz[NOUT] = {n * c, n, n, n * c, c, c, n * c, n, n * c, c, n * c, n * c,
			   n * (c / 2), n * c, n * v};
	float *out[3][NOUT];
	double loss[3];
	dl_pool *pools[3] = {NULL, dl_pool_new(2), dl_pool_new(3)};
	for (int p = 0; p < 3; p++) {
		float **o = out[p];
		dl_pool *pool = pools[p];
		for (int k = 0; k < NOUT; k++)
			o[k] = fvec(sz[k]);
		dl_layernorm_fwd(x, g, b, o[Y], o[MEAN], o[RSTD], n, c, 1e-5f, pool);
		dl_layernorm_bwd(x, g, o[MEAN], o[RSTD], dy, o[DX], o[DG], o[DB], n, c, pool);
		dl_rmsnorm_fwd(x, g, o[RY], o[RR], n, c, 1e-6f, pool);
		dl_rmsnorm_bwd(x, g, o[RR], dy, o[RDX], o[RDG], n, c, pool);
		dl_act_fwd(DL_ACT_GELU, x, o[AY], n * c, pool);
		dl_act_bwd(DL_ACT_GELU, x, dy, o[ADX], n * c, pool);
		dl_swiglu_fwd(x, o[SY], n, c / 2, pool);     /* rows of 2 * 128 in x's first part */
		dl_swiglu_bwd(x, dy, o[SDX], n, c / 2, pool);
		loss[p] = dl_cross_entropy(logits, tg, -100, o[CED], 1, n, v, pool);
	}
	for (int p = 1; p < 3; p++) {
		for (int k = 0; k < NOUT; k++)
			expect_same(out[p][k], out[0][k], sz[k], "pooled output");
		ck_assert(loss[p] == loss[0]);
	}
	for (int p = 0; p < 3; p++)
		for (int k = 0; k < NOUT; k++)
			free(out[p][k]);
	dl_pool_free(pools[1]);
	dl_pool_free(pools[2]);
	free(x); free(g); free(b); free(dy); free(logits); free(tg);
}
END_TEST

/* The _set twins write dx (whatever it held) exactly as zeroing it and adding would, and
 * still add into dw and db. */
START_TEST(test_set_twins)
{
	uint64_t st = 77;
	size_t n = 37, in = 19, out = 23, m = 3 * 8192 + 45;
	float *x = frand(n * in, &st, -1, 1, NULL), *w = frand(out * in, &st, -1, 1, NULL);
	float *dy = frand(n * out, &st, -1, 1, NULL);
	float *dx1 = fvec(n * in), *dx2 = frand(n * in, &st, -9, 9, NULL);
	float *dw1 = frand(out * in, &st, -1, 1, NULL), *dw2 = fvec(out * in);
	float *db1 = frand(out, &st, -1, 1, NULL), *db2 = fvec(out);
	memcpy(dw2, dw1, out * in * sizeof *dw1);
	memcpy(db2, db1, out * sizeof *db1);
	dl_linear_bwd(x, w, dy, dx1, dw1, db1, n, in, out);
	dl_linear_bwd_set(x, w, dy, dx2, dw2, db2, n, in, out);
	ck_assert_mem_eq(dx1, dx2, n * in * sizeof *dx1);
	ck_assert_mem_eq(dw1, dw2, out * in * sizeof *dw1);
	ck_assert_mem_eq(db1, db2, out * sizeof *db1);
	/* no output columns: dx is all zeros */
	dl_linear_bwd_set(x, w, dy, dx2, NULL, NULL, n, in, 0);
	for (size_t i = 0; i < n * in; i++)
		ck_assert(dx2[i] == 0.0f);

	float *a = frand(m, &st, -6, 6, NULL), *g = frand(m, &st, -1, 1, NULL);
	dl_pool *pool = dl_pool_new(2);
	for (int k = 0; k < 4; k++) {
		for (int p = 0; p < 2; p++) {
			float *r1 = fvec(m), *r2 = frand(m, &st, -9, 9, NULL);
			dl_act_bwd((enum dl_act)k, a, g, r1, m, NULL);
			dl_act_bwd_set((enum dl_act)k, a, g, r2, m, p ? pool : NULL);
			ck_assert_mem_eq(r1, r2, m * sizeof *r1);
			free(r1);
			free(r2);
		}
	}
	dl_pool_free(pool);
	free(x); free(w); free(dy); free(dx1); free(dx2); free(dw1); free(dw2); free(db1);
	free(db2); free(a); free(g);
}
END_TEST

int main(int argc, char **argv)
{
	dl_blas_init(argc, argv);
	Suite *s = suite_create("nn_layers");
	TCase *tc = tcase(s, "linear", 0);
	tcase_add_test(tc, test_linear);
	tcase_add_test(tc, test_linear_shapes);
	tcase_add_test(tc, test_set_twins);
	tcase_add_test(tc, test_embedding);
	tcase_add_test(tc, test_dropout);
	tc = tcase(s, "norm", 0);
	tcase_add_test(tc, test_layernorm);
	tcase_add_test(tc, test_rmsnorm);
	tcase_add_test(tc, test_layernorm_stats);
	tc = tcase(s, "activation", 0);
	tcase_add_test(tc, test_activations);
	tcase_add_test(tc, test_activation_tails);
	tcase_add_test(tc, test_swiglu);
	tc = tcase(s, "loss", 0);
	tcase_add_test(tc, test_cross_entropy);
	tcase_add_test(tc, test_cross_entropy_edges);
	tcase_add_test(tc, test_mse_bce);
	tc = tcase(s, "threads", 0);
	tcase_add_test(tc, test_pool_identical);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
