/*
 * check_nn_attention.c — unit tests for causal multi-head self-attention (lib/nn/attention.c).
 *
 * The forward is compared with a plain double-precision transcription of the definition
 * (loops, no BLAS) written here; the backward with central finite differences of that
 * reference on the scalar L = sum(y * r), whose gradient is the backward from dy = r. Shapes
 * cover t = 1, one head, heads of width 1, odd lengths, several batches and lengths that do
 * not fill the kernel's row tiles. Also checked: the probabilities (rows sum to 1, zeros above
 * the diagonal, whatever att held before), that the backward adds into dqkv, that a NULL dqkv
 * is accepted, and that 1 and 2 threads give the same bits.
 */
#include "config.h"
#include "core/threads.h"
#include "nn/layers.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct shape {
	size_t b, t, c, nh;
};

/* t = 1; one head; heads of width 1; odd t with b > 1; t across several row tiles with a
 * ragged last one. */
static const struct shape shapes[] = {
	{1, 1, 4, 1}, {2, 1, 6, 3}, {2, 5, 3, 1}, {1, 6, 4, 4}, {3, 7, 12, 3},
	{2, 9, 8, 2}, {1, 33, 4, 2}, {2, 70, 6, 3},
};
#define NSHAPES (sizeof shapes / sizeof shapes[0])

/* n uniform values in [-amp, amp) from seed (malloc'd). */
static float *randf(size_t n, uint64_t seed, double amp)
{
	float *x = malloc((n ? n : 1) * sizeof *x);
	ck_assert_ptr_nonnull(x);
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(amp * ((double)(gen(&seed) >> 11) * 0x1p-52 - 1.0));
	return x;
}

static double *to_double(const float *x, size_t n)
{
	double *y = malloc((n ? n : 1) * sizeof *y);
	ck_assert_ptr_nonnull(y);
	for (size_t i = 0; i < n; i++)
		y[i] = x[i];
	return y;
}

/* The definition, in double: y[b, i, h*d + e] = sum_{j <= i} p_ij v[b, j, h*d + e] with
 * p_i = softmax_j(q_i . k_j / sqrt(d)); att (if not NULL) gets p, zeros above the diagonal. */
static void ref_fwd(const double *qkv, double *y, double *att, const struct shape *s)
{
	size_t t = s->t, c = s->c, nh = s->nh, d = c / nh, ld = 3 * c;
	double *p = malloc(t * sizeof *p);
	ck_assert_ptr_nonnull(p);
	for (size_t b = 0; b < s->b; b++) {
		for (size_t h = 0; h < nh; h++) {
			const double *base = qkv + b * t * ld + h * d;
			for (size_t i = 0; i < t; i++) {
				double mx = -INFINITY, sum = 0;
				for (size_t j = 0; j <= i; j++) {
					double dot = 0;
					for (size_t e = 0; e < d; e++)
						dot += base[i * ld + e] * base[j * ld + c + e];
					p[j] = dot / sqrt((double)d);
					mx = p[j] > mx ? p[j] : mx;
				}
				for (size_t j = 0; j <= i; j++)
					sum += p[j] = exp(p[j] - mx);
				for (size_t j = 0; j <= i; j++)
					p[j] /= sum;
				for (size_t e = 0; e < d; e++) {
					double acc = 0;
					for (size_t j = 0; j <= i; j++)
						acc += p[j] * base[j * ld + 2 * c + e];
					y[(b * t + i) * c + h * d + e] = acc;
				}
				if (att) {
					double *row = att + ((b * nh + h) * t + i) * t;
					for (size_t j = 0; j < t; j++)
						row[j] = j <= i ? p[j] : 0.0;
				}
			}
		}
	}
	free(p);
}

/* L = sum(y * r) of the reference forward. */
static double ref_loss(const double *qkv, const double *r, double *y, const struct shape *s)
{
	ref_fwd(qkv, y, NULL, s);
	double l = 0;
	for (size_t i = 0; i < s->b * s->t * s->c; i++)
		l += y[i] * r[i];
	return l;
}

static size_t n_qkv(const struct shape *s) { return s->b * s->t * 3 * s->c; }
static size_t n_y(const struct shape *s) { return s->b * s->t * s->c; }
static size_t n_att(const struct shape *s) { return s->b * s->nh * s->t * s->t; }

/* Forward of shape s on inputs of amplitude amp against the reference. */
static void check_forward(const struct shape *s, uint64_t seed, double amp, double tol)
{
	float *qkv = randf(n_qkv(s), seed, amp);
	float *y = randf(n_y(s), seed + 1, 100);        /* garbage the forward must replace */
	float *att = randf(n_att(s), seed + 2, 100);
	double *dq = to_double(qkv, n_qkv(s));
	double *ry = malloc(n_y(s) * sizeof *ry), *ratt = malloc(n_att(s) * sizeof *ratt);
	ck_assert(ry && ratt);

	dl_attention_fwd(qkv, y, att, s->b, s->t, s->c, s->nh, NULL);
	ref_fwd(dq, ry, ratt, s);
	for (size_t i = 0; i < n_y(s); i++)
		FAST_ASSERT(fabs(y[i] - ry[i]) <= tol * (1 + fabs(ry[i])));
	for (size_t r = 0; r < s->b * s->nh * s->t; r++) {
		size_t i = r % s->t;
		const float *row = att + r * s->t;
		double sum = 0;
		for (size_t j = 0; j < s->t; j++) {
			FAST_ASSERT(fabs(row[j] - ratt[r * s->t + j]) <= tol);
			if (j > i)
				FAST_ASSERT(row[j] == 0.0f);
			else
				FAST_ASSERT(row[j] >= 0.0f);
			sum += row[j];
		}
		FAST_ASSERT(fabs(sum - 1.0) <= 1e-5);
	}
	free(qkv);
	free(y);
	free(att);
	free(dq);
	free(ry);
	free(ratt);
}

START_TEST(test_forward_reference)
{
	for (size_t k = 0; k < NSHAPES; k++)
		check_forward(&shapes[k], 100 + k, 1.0, 2e-6);
}
END_TEST

/* Large scores: the softmax must subtract the row maximum (exp(300) overflows a float). */
START_TEST(test_forward_large_scores)
{
	struct shape s = {2, 12, 8, 2};
	check_forward(&s, 7, 40.0, 1e-4);
	float *qkv = randf(n_qkv(&s), 8, 40.0);
	float *y = malloc(n_y(&s) * sizeof *y), *att = malloc(n_att(&s) * sizeof *att);
	ck_assert(y && att);
	dl_attention_fwd(qkv, y, att, s.b, s.t, s.c, s.nh, NULL);
	for (size_t i = 0; i < n_y(&s); i++)
		FAST_ASSERT(isfinite(y[i]));
	for (size_t i = 0; i < n_att(&s); i++)
		FAST_ASSERT(isfinite(att[i]));
	free(qkv);
	free(y);
	free(att);
}
END_TEST

/* The first row attends to itself only: y at position 0 is v at position 0. */
START_TEST(test_forward_first_row)
{
	struct shape s = {2, 5, 6, 2};
	float *qkv = randf(n_qkv(&s), 9, 3.0);
	float *y = malloc(n_y(&s) * sizeof *y), *att = malloc(n_att(&s) * sizeof *att);
	ck_assert(y && att);
	dl_attention_fwd(qkv, y, att, s.b, s.t, s.c, s.nh, NULL);
	for (size_t b = 0; b < s.b; b++) {
		for (size_t e = 0; e < s.c; e++)
			ck_assert_float_eq(y[b * s.t * s.c + e], qkv[b * s.t * 3 * s.c + 2 * s.c + e]);
		for (size_t h = 0; h < s.nh; h++)
			ck_assert_float_eq(att[(b * s.nh + h) * s.t * s.t], 1.0f);
	}
	free(qkv);
	free(y);
	free(att);
}
END_TEST

/* The backward from dy = r against central differences of the reference's L = sum(y * r). */
static void check_backward(const struct shape *s, uint64_t seed)
{
	size_t nq = n_qkv(s), ny = n_y(s);
	float *qkv = randf(nq, seed, 1.0);
	float *r = randf(ny, seed + 1, 1.0);
	float *y = malloc(ny * sizeof *y), *att = malloc(n_att(s) * sizeof *att);
	float *g = calloc(nq, sizeof *g);
	double *dq = to_double(qkv, nq), *dr = to_double(r, ny), *yy = malloc(ny * sizeof *yy);
	ck_assert(y && att && g && yy);

	dl_attention_fwd(qkv, y, att, s->b, s->t, s->c, s->nh, NULL);
	dl_attention_bwd(qkv, att, r, g, s->b, s->t, s->c, s->nh, NULL);
	const double eps = 1e-5;
	double gmax = 0;
	for (size_t i = 0; i < nq; i++)
		gmax = fmax(gmax, fabs(g[i]));
	ck_assert(s->t == 1 || gmax > 1e-3);    /* something flows back */
	for (size_t i = 0; i < nq; i++) {
		double x = dq[i];
		dq[i] = x + eps;
		double lp = ref_loss(dq, dr, yy, s);
		dq[i] = x - eps;
		double lm = ref_loss(dq, dr, yy, s);
		dq[i] = x;
		double fd = (lp - lm) / (2 * eps);
		if (fabs(g[i] - fd) > 1e-4 * (1 + fabs(fd)))
			ck_abort_msg("shape b=%zu t=%zu c=%zu nh=%zu: dqkv[%zu] = %.8g, finite "
				     "difference %.8g", s->b, s->t, s->c, s->nh, i, g[i], fd);
	}
	/* With t = 1 the softmax is constant: q and k get no gradient at all. */
	if (s->t == 1)
		for (size_t i = 0; i < nq; i++)
			if (i % (3 * s->c) < 2 * s->c)
				ck_assert_float_eq(g[i], 0.0f);
	free(qkv);
	free(r);
	free(y);
	free(att);
	free(g);
	free(dq);
	free(dr);
	free(yy);
}

START_TEST(test_backward_finite_differences)
{
	/* The longer shapes cost t^2 reference forwards per value; the first six suffice. */
	for (size_t k = 0; k < 6; k++)
		check_backward(&shapes[k], 200 + k);
	struct shape s = {1, 37, 4, 2};         /* two row tiles and a ragged third */
	check_backward(&s, 300);
}
END_TEST

/* The backward adds: once into a buffer holding w gives w + g; twice from zero gives 2g. */
START_TEST(test_backward_accumulates)
{
	for (size_t k = 0; k < NSHAPES; k++) {
		const struct shape *s = &shapes[k];
		size_t nq = n_qkv(s);
		float *qkv = randf(nq, 400 + k, 1.0), *dy = randf(n_y(s), 500 + k, 1.0);
		float *y = malloc(n_y(s) * sizeof *y), *att = malloc(n_att(s) * sizeof *att);
		float *g1 = calloc(nq, sizeof *g1), *g2 = calloc(nq, sizeof *g2);
		float *w = randf(nq, 600 + k, 1.0), *gw = malloc(nq * sizeof *gw);
		ck_assert(y && att && g1 && g2 && gw);
		memcpy(gw, w, nq * sizeof *gw);

		dl_attention_fwd(qkv, y, att, s->b, s->t, s->c, s->nh, NULL);
		dl_attention_bwd(qkv, att, dy, g1, s->b, s->t, s->c, s->nh, NULL);
		dl_attention_bwd(qkv, att, dy, g2, s->b, s->t, s->c, s->nh, NULL);
		dl_attention_bwd(qkv, att, dy, g2, s->b, s->t, s->c, s->nh, NULL);
		dl_attention_bwd(qkv, att, dy, gw, s->b, s->t, s->c, s->nh, NULL);
		for (size_t i = 0; i < nq; i++) {
			FAST_ASSERT(fabsf(g2[i] - 2 * g1[i]) <= 1e-6f * (1 + fabsf(g1[i])));
			FAST_ASSERT(fabsf(gw[i] - (w[i] + g1[i])) <= 1e-6f * (1 + fabsf(g1[i])));
		}
		/* No gradient wanted: nothing to do, nothing touched. */
		dl_attention_bwd(qkv, att, dy, NULL, s->b, s->t, s->c, s->nh, NULL);
		free(qkv);
		free(dy);
		free(y);
		free(att);
		free(g1);
		free(g2);
		free(w);
		free(gw);
	}
}
END_TEST

/* Empty batches or sequences: nothing written, nothing read. */
START_TEST(test_empty)
{
	float sentinel = 42.0f;
	dl_attention_fwd(NULL, &sentinel, &sentinel, 0, 4, 8, 2, NULL);
	dl_attention_fwd(NULL, &sentinel, &sentinel, 3, 0, 8, 2, NULL);
	dl_attention_bwd(NULL, NULL, NULL, &sentinel, 0, 4, 8, 2, NULL);
	dl_attention_bwd(NULL, NULL, NULL, &sentinel, 3, 0, 8, 2, NULL);
	ck_assert_float_eq(sentinel, 42.0f);
}
END_TEST

/* No pool, a pool of 1 and a pool of 2 threads: the same bits. */
START_TEST(test_threads_identical)
{
	dl_pool *pools[2] = {dl_pool_new(1), dl_pool_new(2)};
	static const struct shape more[] = {{4, 70, 24, 3}, {3, 128, 32, 4}, {1, 5, 8, 2}};
	for (size_t k = 0; k < NSHAPES + 3; k++) {
		const struct shape *s = k < NSHAPES ? &shapes[k] : &more[k - NSHAPES];
		size_t nq = n_qkv(s), ny = n_y(s), na = n_att(s);
		float *qkv = randf(nq, 700 + k, 2.0), *dy = randf(ny, 800 + k, 1.0);
		float *y0 = malloc(ny * sizeof *y0), *a0 = malloc(na * sizeof *a0);
		float *g0 = randf(nq, 900 + k, 1.0);
		float *y1 = malloc(ny * sizeof *y1), *a1 = malloc(na * sizeof *a1);
		float *g1 = malloc(nq * sizeof *g1);
		ck_assert(y0 && a0 && y1 && a1 && g1);
		dl_attention_fwd(qkv, y0, a0, s->b, s->t, s->c, s->nh, NULL);
		dl_attention_bwd(qkv, a0, dy, g0 + 0, s->b, s->t, s->c, s->nh, NULL);
		for (int p = 0; p < 2; p++) {
			float *init = randf(nq, 900 + k, 1.0);
			memcpy(g1, init, nq * sizeof *g1);
			free(init);
			memset(y1, 0xff, ny * sizeof *y1);
			memset(a1, 0xff, na * sizeof *a1);
			dl_attention_fwd(qkv, y1, a1, s->b, s->t, s->c, s->nh, pools[p]);
			dl_attention_bwd(qkv, a1, dy, g1, s->b, s->t, s->c, s->nh, pools[p]);
			ck_assert_mem_eq(y0, y1, ny * sizeof *y0);
			ck_assert_mem_eq(a0, a1, na * sizeof *a0);
			ck_assert_mem_eq(g0, g1, nq * sizeof *g0);
		}
		free(qkv);
		free(dy);
		free(y0);
		free(a0);
		free(g0);
		free(y1);
		free(a1);
		free(g1);
	}
	dl_pool_free(pools[0]);
	dl_pool_free(pools[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nn_attention");
	TCase *tc = tcase(s, "forward", 0);
	tcase_add_test(tc, test_forward_reference);
	tcase_add_test(tc, test_forward_large_scores);
	tcase_add_test(tc, test_forward_first_row);
	tc = tcase(s, "backward", 0);
	tcase_add_test(tc, test_backward_finite_differences);
	tcase_add_test(tc, test_backward_accumulates);
	tcase_add_test(tc, test_empty);
	tc = tcase(s, "threads", 0);
	tcase_add_test(tc, test_threads_identical);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
