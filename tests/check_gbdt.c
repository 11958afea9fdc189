/*
 * check_gbdt.c — unit tests of lib/tree/gbdt.c: the percentiles, the line searches of the
 * losses (median, quantile, Huber's step, the logistic Newton step) and the initial
 * constants against values worked out by hand from Friedman (2001) and scikit-learn's
 * definitions; training on data whose model is known; the label checks.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/threads.h"
#include "testutil.h"
#include "tree/boost.h"
#include "tree/gbdt.h"

#define EPS 1e-12

static dl_table *make_table(size_t nrow, size_t ncol, const float *x, const float *y)
{
	dl_table *t = dl_calloc(1, sizeof *t);
	t->nrow = nrow;
	t->ncol = ncol;
	t->names = dl_calloc(ncol, sizeof *t->names);
	for (size_t f = 0; f < ncol; f++) {
		char s[16];
		snprintf(s, sizeof s, "f%zu", f);
		t->names[f] = dl_strdup(s);
	}
	t->x = dl_mallocarray(nrow * ncol, sizeof *t->x);
	memcpy(t->x, x, nrow * ncol * sizeof *x);
	t->label = dl_mallocarray(nrow, sizeof *t->label);
	memcpy(t->label, y, nrow * sizeof *y);
	return t;
}

START_TEST(test_percentiles)
{
	/* lower weighted percentile: the first value whose cumulative weight reaches q W */
	dl_gbdt_vw a[] = { { 3, 1 }, { 1, 1 }, { 2, 1 }, { 4, 1 } };
	ck_assert_double_eq(dl_gbdt_percentile_weighted(a, 4, 0.5), 2);    /* cdf 1 2 3 4 >= 2 */
	ck_assert_double_eq(dl_gbdt_percentile_weighted(a, 4, 0.9), 4);    /* >= 3.6 */
	ck_assert_double_eq(dl_gbdt_percentile_weighted(a, 4, 0.25), 1);   /* >= 1 */
	dl_gbdt_vw b[] = { { 1, 1 }, { 2, 1 }, { 3, 4 } };
	ck_assert_double_eq(dl_gbdt_percentile_weighted(b, 3, 0.5), 3);    /* cdf 1 2 6 >= 3 */
	ck_assert_double_eq(dl_gbdt_percentile_weighted(b, 3, 0.3), 2);    /* >= 1.8 */
	dl_gbdt_vw c[] = { { 1, 0 }, { 2, 1 } };
	ck_assert_double_eq(dl_gbdt_percentile_weighted(c, 2, 0), 2);      /* zero weight skipped */
	ck_assert_double_eq(dl_gbdt_percentile_weighted(c, 0, 0.5), 0);
	/* numpy's linear interpolation */
	double v[] = { 4, 1, 3, 2 };
	ck_assert_double_eq_tol(dl_gbdt_percentile_linear(v, 4, 0.5), 2.5, EPS);
	ck_assert_double_eq_tol(dl_gbdt_percentile_linear(v, 4, 0.9), 3.7, EPS);  /* 3 + 0.7 */
	ck_assert_double_eq_tol(dl_gbdt_percentile_linear(v, 4, 0.1), 1.3, EPS);
	ck_assert_double_eq(dl_gbdt_percentile_linear(v, 4, 1.0), 4);
	double one[] = { 5 };
	ck_assert_double_eq(dl_gbdt_percentile_linear(one, 1, 0.9), 5);
}
END_TEST

START_TEST(test_line_searches)
{
	/* Huber: differences 0 1 2 10, delta 3: median 1 (lower), d - median = -1 0 1 9,
	 * clipped -1 0 1 3, mean 3/4: 1.75 */
	dl_gbdt_vw h[] = { { 10, 1 }, { 0, 1 }, { 2, 1 }, { 1, 1 } };
	ck_assert_double_eq_tol(dl_gbdt_huber_step(h, 4, 3.0), 1.75, EPS);
	/* a small delta: clipped -0.5 0 0.5 0.5, mean 0.125 */
	ck_assert_double_eq_tol(dl_gbdt_huber_step(h, 4, 0.5), 1.125, EPS);
	/* the mean is unweighted, the median weighted: weights 1 1 1 5 on 0 1 2 10 put the
	 * median at 10; d - median -10 -9 -8 0 clipped to -3: mean -2.25 */
	dl_gbdt_vw hw[] = { { 0, 1 }, { 1, 1 }, { 2, 1 }, { 10, 5 } };
	ck_assert_double_eq_tol(dl_gbdt_huber_step(hw, 4, 3.0), 7.75, EPS);

	/* logistic: y 1 0 1 at p = 0.5: r = 0.5 -0.5 0.5, sum r = 0.5, sum p (1 - p) = 0.75 */
	double r[] = { 0.5, -0.5, 0.5 }, y[] = { 1, 0, 1 }, w[] = { 1, 1, 2 };
	ck_assert_double_eq_tol(dl_gbdt_newton_step(r, y, NULL, 3, 2), 2.0 / 3, EPS);
	/* K = 3 classes: times (K - 1) / K */
	ck_assert_double_eq_tol(dl_gbdt_newton_step(r, y, NULL, 3, 3), 4.0 / 9, EPS);
	/* weights: sum w r = 1, sum w p (1 - p) = 1 */
	ck_assert_double_eq_tol(dl_gbdt_newton_step(r, y, w, 3, 2), 1.0, EPS);
	/* p = 0.9 for y = 1 (r = 0.1), p = 0.2 for y = 0 (r = -0.2):
	 * (0.1 - 0.2) / (0.09 + 0.16) = -0.4 */
	double r2[] = { 0.1, -0.2 }, y2[] = { 1, 0 };
	ck_assert_double_eq_tol(dl_gbdt_newton_step(r2, y2, NULL, 2, 2), -0.4, 1e-12);
	/* a pure leaf whose probabilities are 0 or 1: the denominator vanishes, the step is 0 */
	double r3[] = { 0.0 }, y3[] = { 1 };
	ck_assert_double_eq(dl_gbdt_newton_step(r3, y3, NULL, 1, 2), 0);
}
END_TEST

START_TEST(test_init)
{
	double out[3];
	const float y[] = { 1, 2, 6, 10 }, w[] = { 1, 1, 4, 0 };
	ck_assert_double_eq_tol(dl_gbdt_init(DL_LOSS_SQUARED, 0.9, y, NULL, 3, 1, out), 3, EPS);
	ck_assert_double_eq_tol(out[0], 3, EPS);
	/* weighted mean (1 + 2 + 24) / 6 */
	ck_assert_double_eq_tol(dl_gbdt_init(DL_LOSS_SQUARED, 0.9, y, w, 4, 1, out), 4.5, EPS);
	/* median: numpy's interpolated one without weights, the lower weighted one with */
	ck_assert_double_eq_tol(dl_gbdt_init(DL_LOSS_ABSOLUTE, 0.9, y, NULL, 4, 1, out), 4, EPS);
	ck_assert_double_eq_tol(dl_gbdt_init(DL_LOSS_HUBER, 0.9, y, NULL, 4, 1, out), 4, EPS);
	ck_assert_double_eq_tol(dl_gbdt_init(DL_LOSS_ABSOLUTE, 0.9, y, w, 4, 1, out), 6, EPS);
	/* the 0.9-quantile of 1 2 6 10: position 2.7, 6 + 0.7 * 4 */
	ck_assert_double_eq_tol(dl_gbdt_init(DL_LOSS_QUANTILE, 0.9, y, NULL, 4, 1, out), 8.8,
				1e-12);
	ck_assert_double_eq_tol(dl_gbdt_init(DL_LOSS_QUANTILE, 0.25, y, NULL, 4, 1, out), 1.75,
				1e-12);
	/* classes: log-odds, half of them for the exponential loss, log-priors for K */
	const float c[] = { 0, 1, 1, 1 }, k3[] = { 0, 1, 1, 2 };
	ck_assert_double_eq_tol(dl_gbdt_init(DL_LOSS_LOGISTIC, 0.9, c, NULL, 4, 2, out), 0.75,
				EPS);
	ck_assert_double_eq_tol(out[0], log(3.0), 1e-12);
	ck_assert_double_eq_tol(dl_gbdt_init(DL_LOSS_EXPONENTIAL, 0.9, c, NULL, 4, 2, out), 0.75,
				EPS);
	ck_assert_double_eq_tol(out[0], 0.5 * log(3.0), 1e-12);
	ck_assert_double_eq(dl_gbdt_init(DL_LOSS_LOGISTIC, 0.9, k3, NULL, 4, 3, out), 0);
	ck_assert_double_eq_tol(out[0], log(0.25), 1e-12);
	ck_assert_double_eq_tol(out[1], log(0.5), 1e-12);
	ck_assert_double_eq_tol(out[2], log(0.25), 1e-12);
	/* a class that never occurs: the prior is clipped to float32's epsilon */
	const float one[] = { 1, 1 };
	dl_gbdt_init(DL_LOSS_LOGISTIC, 0.9, one, NULL, 2, 2, out);
	ck_assert_double_eq_tol(out[0], log((1 - 0x1p-23) / 0x1p-23), 1e-9);
}
END_TEST

/* y = 10 [x0 > 0.5] + [x1 > 0.5]: one depth-2 tree with learning rate 1 fits it exactly
 * (squared error); with absolute error, y = 10 [x0 > 0.5] is fitted by one stump whose
 * leaves are the medians of the residuals. */
START_TEST(test_fit_step_function)
{
	enum { N = 400 };
	float *x = dl_mallocarray(2 * N, sizeof *x), *y = dl_mallocarray(N, sizeof *y);
	uint64_t s = 7;
	for (int i = 0; i < N; i++) {
		x[2 * i] = (float)(gen(&s) % 20) / 20.0f;
		x[2 * i + 1] = (float)(gen(&s) % 20) / 20.0f;
		y[i] = 10.0f * (x[2 * i] > 0.5f) + (x[2 * i + 1] > 0.5f);
	}
	dl_table *t = make_table(N, 2, x, y);
	double *pred = dl_mallocarray(N, sizeof *pred);
	dl_pool *pool = dl_pool_new(2);
	const int loss[] = { DL_LOSS_SQUARED, DL_LOSS_ABSOLUTE, DL_LOSS_HUBER };
	for (int l = 0; l < 3; l++) {
		if (l == 1)
			for (int i = 0; i < N; i++)
				t->label[i] = y[i] = 10.0f * (x[2 * i] > 0.5f);
		dl_gbdt_params p;
		dl_gbdt_defaults(&p);
		p.loss = loss[l];
		p.alpha = 0.9;
		p.learning_rate = 1;
		p.max_depth = l ? 1 : 2;
		p.rounds = 1;
		p.threads = 2;
		dl_err e;
		dl_gbm *m = dl_gbdt_train(&p, t, NULL, 0, NULL, NULL, &e);
		ck_assert_msg(m != NULL, "%s", e.msg);
		ck_assert_uint_eq(m->ntree, 1);
		ck_assert_int_eq(m->trees[0]->n, l ? 3 : 7);
		dl_gbm_margins(m, t, 0, pool, pred);
		for (int i = 0; i < N; i++)
			FAST_ASSERT(fabs(pred[i] - y[i]) < 1e-5);
		dl_gbm_free(m);
	}
	dl_pool_free(pool);
	dl_free(pred);
	dl_table_free(t);
	dl_free(x);
	dl_free(y);
}
END_TEST

/* Separable classes: the first AdaBoost stump makes no error, weighs 1 and ends boosting;
 * the margin is s(x) = +-1, so that P(1) = sigmoid(+-1). */
START_TEST(test_adaboost_separable)
{
	enum { N = 50 };
	float x[N], y[N];
	for (int i = 0; i < N; i++) {
		x[i] = (float)i;
		y[i] = i >= 20;
	}
	dl_table *t = make_table(N, 1, x, y);
	dl_gbdt_params p;
	dl_gbdt_defaults(&p);
	p.algorithm = DL_GBDT_ADABOOST;
	dl_err e;
	dl_gbm *m = dl_gbdt_train(&p, t, NULL, 0, NULL, NULL, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_uint_eq(m->ntree, 1);
	ck_assert_int_eq(m->obj.kind, DL_OBJ_LOGISTIC);
	double pred[N];
	dl_pool *pool = dl_pool_new(1);
	dl_gbm_margins(m, t, 0, pool, pred);
	for (int i = 0; i < N; i++)
		ck_assert_double_eq_tol(pred[i], i >= 20 ? 1.0 : -1.0, 1e-6);
	dl_pool_free(pool);
	dl_gbm_free(m);
	dl_table_free(t);
}
END_TEST

/* Three separable classes: one depth-2 CART makes no error and ends SAMME; its class's
 * margin is a / (a (K - 1)) = 1/2, the others' 0. */
START_TEST(test_samme_separable)
{
	enum { N = 30 };
	float x[N], y[N];
	for (int i = 0; i < N; i++) {
		x[i] = (float)i;
		y[i] = (float)(i / 10);
	}
	dl_table *t = make_table(N, 1, x, y);
	dl_gbdt_params p;
	dl_gbdt_defaults(&p);
	p.algorithm = DL_GBDT_ADABOOST;
	p.max_depth = 2;
	dl_err e;
	dl_gbm *m = dl_gbdt_train(&p, t, NULL, 0, NULL, NULL, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_int_eq(m->obj.kind, DL_OBJ_SOFTPROB);
	ck_assert_int_eq(m->obj.nclass, 3);
	ck_assert_uint_eq(m->ntree, 3);
	double pred[N * 3];
	dl_pool *pool = dl_pool_new(1);
	dl_gbm_margins(m, t, 0, pool, pred);
	for (int i = 0; i < N; i++)
		for (int k = 0; k < 3; k++)
			ck_assert_double_eq_tol(pred[i * 3 + k], k == i / 10 ? 0.5 : 0.0, 1e-6);
	dl_pool_free(pool);
	dl_gbm_free(m);
	dl_table_free(t);
}
END_TEST

static void expect_error(int algorithm, int loss, const float *y, size_t n, const char *msg)
{
	float x[8] = { 0 };
	dl_table *t = make_table(n, 1, x, y);
	dl_gbdt_params p;
	dl_gbdt_defaults(&p);
	p.algorithm = algorithm;
	p.loss = loss;
	dl_err e;
	dl_gbm *m = dl_gbdt_train(&p, t, NULL, 0, NULL, NULL, &e);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(e.msg, msg) != NULL, "'%s' lacks '%s'", e.msg, msg);
	dl_table_free(t);
}

START_TEST(test_bad_labels)
{
	const float two[] = { 0, 1, 2 }, half[] = { 0, 0.5f, 1 }, nan_[] = { 0, NAN, 1 },
		    zeros[] = { 0, 0, 0 }, neg[] = { 1, -1, 0 };
	expect_error(DL_GBDT_GRADIENT, DL_LOSS_EXPONENTIAL, two, 3,
		     "row 3: label 2 is not 0 or 1 (loss exponential supports two classes)");
	expect_error(DL_GBDT_ADABOOST, -1, half, 3,
		     "row 2: label 0.5 is not a class (0, 1, 2, ...)");
	expect_error(DL_GBDT_GRADIENT, DL_LOSS_LOGISTIC, half, 3,
		     "row 2: label 0.5 is not a class (0, 1, 2, ...)");
	expect_error(DL_GBDT_GRADIENT, DL_LOSS_LOGISTIC, neg, 3, "row 2: label -1 is not a class");
	expect_error(DL_GBDT_GRADIENT, DL_LOSS_SQUARED, nan_, 3, "row 2: label is NaN");
	expect_error(DL_GBDT_GRADIENT, DL_LOSS_LOGISTIC, zeros, 3, "needs two classes");
}
END_TEST

START_TEST(test_params)
{
	dl_gbdt_params p;
	dl_gbdt_defaults(&p);
	dl_err e;
	ck_assert_int_eq(dl_gbdt_set(&p, "loss", "huber", &e), 0);
	ck_assert_int_eq(p.loss, DL_LOSS_HUBER);
	ck_assert_int_eq(dl_gbdt_set(&p, "loss", "hinge", &e), -1);
	ck_assert_str_eq(e.msg, "loss: 'hinge' is not squared, absolute, huber, quantile, "
				"logistic or exponential");
	ck_assert_int_eq(dl_gbdt_set(&p, "alpha", "1", &e), -1);
	ck_assert_str_eq(e.msg, "alpha must be in (0, 1) (got 1)");
	ck_assert_int_eq(dl_gbdt_set(&p, "learning_rate", "0", &e), -1);
	ck_assert_str_eq(e.msg, "learning_rate must be positive (got 0)");
	ck_assert_int_eq(dl_gbdt_set(&p, "max_features", "2.5", &e), -1);
	ck_assert_int_eq(dl_gbdt_set(&p, "max_features", "sqrt", &e), 0);
	ck_assert_int_eq(dl_gbdt_set(&p, "colsample_bytree", "0.5", &e), 1);
	ck_assert_int_eq(dl_gbdt_set(&p, "algorithm", "adaboost", &e), 0);
	ck_assert_int_eq(dl_gbdt_check(&p, &e), -1);      /* a loss with adaboost */
	dl_gbdt_params_free(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gbdt");
	TCase *tc = tcase(s, "line searches", 0);
	tcase_add_test(tc, test_percentiles);
	tcase_add_test(tc, test_line_searches);
	tcase_add_test(tc, test_init);
	tc = tcase(s, "training", 0);
	tcase_add_test(tc, test_fit_step_function);
	tcase_add_test(tc, test_adaboost_separable);
	tcase_add_test(tc, test_samme_separable);
	tcase_add_test(tc, test_bad_labels);
	tcase_add_test(tc, test_params);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
