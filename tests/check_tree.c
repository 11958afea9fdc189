/*
 * check_tree.c — unit tests of lib/tree: the split gain and leaf weight against values
 * worked out by hand from the formulas of Chen & Guestrin (2016), the quantile cut points,
 * the learned direction of missing values, tree growth on data with a known best tree,
 * the objectives' gradients, and the model file's round trip.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/io.h"
#include "core/rng.h"
#include "core/threads.h"
#include "testutil.h"
#include "tree/bins.h"
#include "tree/boost.h"
#include "tree/grow.h"
#include "tree/model.h"
#include "tree/objective.h"
#include "tree/predict.h"
#include "tree/split.h"

#define EPS 1e-12

START_TEST(test_gain_and_weight)
{
	dl_split_params p = { .lambda = 1, .alpha = 0, .min_child_weight = 0, .max_delta_step = 0 };
	/* G = -4, H = 2, lambda = 1: w = 4/3, gain = 16/3 */
	ck_assert_double_eq_tol(dl_leaf_weight(&p, -4, 2, -INFINITY, INFINITY), 4.0 / 3, EPS);
	ck_assert_double_eq_tol(dl_gain(&p, -4, 2, 0, 0, 0), 16.0 / 3, EPS);
	/* the weighted form agrees when nothing is clipped */
	ck_assert_double_eq_tol(dl_gain_given_weight(&p, -4, 2, 4.0 / 3), 16.0 / 3, EPS);
	/* alpha = 1: T(G) = -3, w = 1, gain = 9/3 = 3 */
	p.alpha = 1;
	ck_assert_double_eq_tol(dl_leaf_weight(&p, -4, 2, -INFINITY, INFINITY), 1.0, EPS);
	ck_assert_double_eq_tol(dl_gain(&p, -4, 2, 0, 0, 0), 3.0, EPS);
	ck_assert_double_eq_tol(dl_gain(&p, 0.5, 2, 0, 0, 0), 0.0, EPS);
	/* max_delta_step 1 clips w = 4/3 to 1: gain -(2 G w + (H + lambda) w^2) = 8 - 3 = 5 */
	p.alpha = 0;
	p.max_delta_step = 1;
	ck_assert_double_eq_tol(dl_leaf_weight(&p, -4, 2, -INFINITY, INFINITY), 1.0, EPS);
	ck_assert_double_eq_tol(dl_gain(&p, -4, 2, 0, 0, 0), 5.0, EPS);
	/* bounds clip too; min_child_weight zeroes */
	p.max_delta_step = 0;
	ck_assert_double_eq_tol(dl_leaf_weight(&p, -4, 2, -1, 0.5), 0.5, EPS);
	p.min_child_weight = 3;
	ck_assert_double_eq_tol(dl_leaf_weight(&p, -4, 2, -INFINITY, INFINITY), 0.0, EPS);
	ck_assert_double_eq_tol(dl_gain(&p, -4, 2, 0, 0, 0), 0.0, EPS);
}
END_TEST

START_TEST(test_cuts)
{
	float cuts[257];
	/* few distinct values: one bin each, the last cut above the maximum */
	const float v1[] = { 1, 1, 2, 3, 3, 3 };
	size_t n = dl_bins_cuts(v1, NULL, 6, 256, cuts);
	ck_assert_uint_eq(n, 3);
	ck_assert(cuts[0] == 2.0f && cuts[1] == 3.0f);
	ck_assert(cuts[2] == 3.0f + (3.0f + 1e-5f));
	/* 1000 distinct values in 4 bins: ranks 1000 j / 3 -> 333, 666, 999, then the closing cut */
	float *v2 = dl_mallocarray(1000, sizeof *v2);
	for (int i = 0; i < 1000; i++)
		v2[i] = (float)i;
	n = dl_bins_cuts(v2, NULL, 1000, 4, cuts);
	ck_assert_uint_eq(n, 4);
	ck_assert(cuts[0] == 333.0f && cuts[1] == 666.0f && cuts[2] == 999.0f);
	ck_assert(cuts[3] > 999.0f);
	/* weights move the quantiles: all the weight on the last 10 values */
	double *ws = dl_mallocarray(1000, sizeof *ws);
	double acc = 0;
	for (int i = 0; i < 1000; i++) {
		acc += i >= 990 ? 100.0 : 0.0;
		ws[i] = acc;
	}
	n = dl_bins_cuts(v2, ws, 1000, 4, cuts);
	ck_assert(cuts[0] >= 990.0f);
	dl_free(ws);
	dl_free(v2);
	ck_assert_uint_eq(dl_bins_cuts(v1, NULL, 0, 256, cuts), 0);
}
END_TEST

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
	if (y) {
		t->label = dl_mallocarray(nrow, sizeof *t->label);
		memcpy(t->label, y, nrow * sizeof *y);
	}
	return t;
}

START_TEST(test_bins_find)
{
	const float x[] = { 1, NAN, 2, 3, 3, 1 };
	dl_table *t = make_table(6, 1, x, NULL);
	dl_pool *pool = dl_pool_new(2);
	dl_bins *b = dl_bins_build(t, 256, pool);
	ck_assert_int_eq(b->nbin[0], 3);
	ck_assert_int_eq(b->has_missing[0], 1);
	const uint8_t want[] = { 0, DL_BIN_MISSING, 1, 2, 2, 0 };
	ck_assert_mem_eq(b->bm, want, 6);
	ck_assert_int_eq(dl_bins_find(b, 0, -100), 0);
	ck_assert_int_eq(dl_bins_find(b, 0, 2.5f), 1);
	ck_assert_int_eq(dl_bins_find(b, 0, 1e9f), 2);
	dl_bins_free(b);
	dl_pool_free(pool);
	dl_table_free(t);
}
END_TEST

/* x = 1, 2, 3, 4, NaN, NaN with gradients +1 +1 -1 -1 and g_missing for the missing rows:
 * the best split is between 2 and 3, and the missing rows go to the side whose gradients
 * they share. */
static void check_direction(float g_missing, int want_left)
{
	const float x[] = { 1, 2, 3, 4, NAN, NAN };
	dl_table *t = make_table(6, 1, x, NULL);
	dl_pool *pool = dl_pool_new(1);
	dl_bins *b = dl_bins_build(t, 256, pool);
	dl_grower *g = dl_grower_new(b, pool);
	float gh[12] = { 1, 1, 1, 1, -1, 1, -1, 1, g_missing, 1, g_missing, 1 };
	uint32_t rows[6] = { 0, 1, 2, 3, 4, 5 };
	int32_t leaf[6];
	dl_grow_params p = { .sp = { .lambda = 0, .min_child_weight = 0 }, .max_depth = 1,
			     .eta = 1, .colsample_bylevel = 1, .colsample_bynode = 1 };
	dl_rng rng;
	dl_rng_init(&rng, 1, 0);
	dl_tree *tr = dl_grow_tree(g, gh, rows, 6, NULL, &p, &rng, leaf);
	ck_assert_int_eq(tr->n, 3);
	ck_assert_int_eq(tr->feature[0], 0);
	ck_assert(tr->thr[0] == 3.0f);         /* x < 3 goes left */
	ck_assert_int_eq(tr->default_left[0], want_left);
	/* leaves: -G/H with lambda 0 */
	int32_t l = tr->left[0], r = tr->right[0];
	float lv = want_left ? (float)(-(2 + 2 * g_missing) / 4) : -1.0f;
	float rv = want_left ? 1.0f : (float)(-(-2 + 2 * g_missing) / 4);
	ck_assert_float_eq_tol(tr->value[l], lv, 1e-6);
	ck_assert_float_eq_tol(tr->value[r], rv, 1e-6);
	ck_assert_int_eq(leaf[4], want_left ? l : r);
	ck_assert_int_eq(leaf[0], l);
	ck_assert_int_eq(leaf[3], r);
	/* prediction on raw values follows the same route */
	float nan = NAN;
	ck_assert_int_eq(dl_tree_leaf(tr, &nan), want_left ? l : r);
	dl_tree_free(tr);
	dl_grower_free(g);
	dl_bins_free(b);
	dl_pool_free(pool);
	dl_table_free(t);
}

START_TEST(test_default_direction)
{
	check_direction(-1.0f, 0);
	check_direction(+1.0f, 1);
}
END_TEST

/* y = 10 * [x0 > 0.5] + [x1 > 0.5] on a grid: squared error boosting with eta 1 and
 * lambda 0 recovers it exactly with one depth-2 tree. */
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
	dl_boost_params p;
	dl_boost_defaults(&p);
	p.grow.eta = 1;
	p.grow.sp.lambda = 0;
	p.grow.max_depth = 2;
	p.rounds = 1;
	p.base_score = 0;
	p.threads = 2;
	dl_err e;
	dl_gbm *m = dl_boost_train(&p, t, NULL, 0, NULL, NULL, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->ntree, 1);
	ck_assert_int_eq(m->trees[0]->n, 7);
	ck_assert_int_eq(m->trees[0]->feature[0], 0);
	double *pred = dl_mallocarray(N, sizeof *pred);
	dl_pool *pool = dl_pool_new(2);
	dl_gbm_margins(m, t, 0, pool, pred);
	for (int i = 0; i < N; i++)
		FAST_ASSERT(fabs(pred[i] - y[i]) < 1e-5);

	/* the model file gives the same predictions */
	tdir_make();
	dl_out *out = dl_out_open(tpath("m.json"), 0);
	dl_gbm_write(m, "dl-xgb", out);
	dl_out_close(out);
	dl_gbm *m2 = dl_gbm_read(tpath("m.json"), NULL, &e);
	ck_assert_msg(m2 != NULL, "%s", e.msg);
	double *pred2 = dl_mallocarray(N, sizeof *pred2);
	dl_gbm_margins(m2, t, 0, pool, pred2);
	ck_assert_mem_eq(pred, pred2, N * sizeof *pred);
	tdir_remove();
	dl_gbm_free(m2);
	dl_free(pred2);
	dl_free(pred);
	dl_pool_free(pool);
	dl_gbm_free(m);
	dl_table_free(t);
	dl_free(x);
	dl_free(y);
}
END_TEST

START_TEST(test_gradients)
{
	dl_objective o = { DL_OBJ_LOGISTIC, 1, 1, 1, 0.7 };
	double m[2] = { 0, log(3.0) };   /* p = 0.5, 0.75 */
	float y[2] = { 1, 0 }, gh[4];
	dl_objective_gradients(&o, m, y, NULL, 2, NULL, 0, NULL, gh);
	ck_assert_float_eq_tol(gh[0], -0.5f, 1e-7);
	ck_assert_float_eq_tol(gh[1], 0.25f, 1e-7);
	ck_assert_float_eq_tol(gh[2], 0.75f, 1e-7);
	ck_assert_float_eq_tol(gh[3], 0.1875f, 1e-7);
	/* softmax over 3 classes at equal margins: p = 1/3 each */
	o = (dl_objective){ DL_OBJ_SOFTPROB, 3, 1, 1, 0.7 };
	double m3[3] = { 0, 0, 0 };
	float y3[1] = { 2 }, gh3[6];
	dl_objective_gradients(&o, m3, y3, NULL, 1, NULL, 0, NULL, gh3);
	ck_assert_float_eq_tol(gh3[0], 1.0f / 3, 1e-7);
	ck_assert_float_eq_tol(gh3[1], 2.0f * (1.0f / 3) * (2.0f / 3), 1e-7);
	ck_assert_float_eq_tol(gh3[4], 1.0f / 3 - 1, 1e-7);
	/* poisson: g = exp(m) - y, h = exp(m + 0.7) */
	o = (dl_objective){ DL_OBJ_POISSON, 1, 1, 1, 0.7 };
	double mp[1] = { 0 };
	float yp[1] = { 3 }, ghp[2];
	dl_objective_gradients(&o, mp, yp, NULL, 1, NULL, 0, NULL, ghp);
	ck_assert_float_eq_tol(ghp[0], -2.0f, 1e-7);
	ck_assert_float_eq_tol(ghp[1], (float)exp(0.7), 1e-6);
	/* base scores: mean, median */
	float ys[5] = { 1, 2, 3, 4, 100 };
	o.kind = DL_OBJ_SQUARED;
	ck_assert_double_eq_tol(dl_objective_base_score(&o, ys, NULL, 5), 22.0, 1e-9);
	o.kind = DL_OBJ_ABSOLUTE;
	ck_assert_double_eq_tol(dl_objective_base_score(&o, ys, NULL, 5), 3.0, 1e-9);
	ck_assert_double_eq_tol(dl_median(ys, NULL, 4), 2.5, 1e-9);
	dl_err e;
	o = (dl_objective){ DL_OBJ_SOFTPROB, 3, 1, 1, 0.7 };
	float bad[2] = { 0, 3 };
	ck_assert_int_eq(dl_objective_check_labels(&o, bad, 2, &e), -1);
	ck_assert_str_eq(e.msg, "row 2: label 3 is outside [0, 3) (num_class 3)");
}
END_TEST

START_TEST(test_bad_models)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "{", NULL },
		{ "{\"format\": \"xgboost\"}", NULL },
		{ "{\"format\": \"dl-gbm\", \"objective\": \"reg:squarederror\", \"num_class\": 1, "
		  "\"base_score\": 0, \"rounds\": 1, \"best_iteration\": -1, \"features\": [\"a\"], "
		  "\"trees\": [{\"left\": [1, -1, -1], \"right\": [5, -1, -1], \"feature\": [0, 0, 0], "
		  "\"threshold\": [0, 0, 0], \"default_left\": [0, 0, 0], \"value\": [0, 0, 0], "
		  "\"gain\": [0, 0, 0], \"cover\": [0, 0, 0]}]}",
		  "m.json: tree 0: node 0: child 5 is out of range (the tree has 3 nodes)" },
		{ "{\"format\": \"dl-gbm\", \"objective\": \"reg:squarederror\", \"num_class\": 1, "
		  "\"base_score\": 0, \"rounds\": 1, \"best_iteration\": -1, \"features\": [\"a\"], "
		  "\"trees\": [{\"left\": [1, -1, -1], \"right\": [2, -1, -1], \"feature\": [3, 0, 0], "
		  "\"threshold\": [0, 0, 0], \"default_left\": [0, 0, 0], \"value\": [0, 0, 0], "
		  "\"gain\": [0, 0, 0], \"cover\": [0, 0, 0]}]}",
		  "m.json: tree 0: node 0: feature 3 is out of range (1 features)" },
		{ "{\"format\": \"dl-gbm\", \"objective\": \"reg:squarederror\", \"num_class\": 1, "
		  "\"base_score\": 0, \"rounds\": 1, \"best_iteration\": -1, \"features\": [\"a\"], "
		  "\"trees\": [{\"left\": [1, -1], \"right\": [2, -1, -1]}]}",
		  "m.json: tree 0: \"right\" has 3 values, \"left\" has 2" },
		{ "{\"format\": \"dl-gbm\", \"objective\": \"reg:squarederror\", \"num_class\": 1, "
		  "\"base_score\": 0, \"rounds\": 1, \"best_iteration\": -1, \"features\": [\"a\"], "
		  "\"trees\": [{\"left\": [1, -1, -1], \"right\": [2, -1, -1], \"feature\": [0, 0, 0], "
		  "\"threshold\": [1e39, 0, 0], \"default_left\": [0, 0, 0], \"value\": [0, 0, 0], "
		  "\"gain\": [0, 0, 0], \"cover\": [0, 0, 0]}]}",
		  "m.json: tree 0: \"threshold\"[0] is out of the float range" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		dl_err e;
		dl_gbm *m = dl_gbm_read_mem(cases[i].text, strlen(cases[i].text), "m.json", NULL, &e);
		ck_assert_ptr_null(m);
		if (cases[i].msg)
			ck_assert_str_eq(e.msg, cases[i].msg);
		else
			ck_assert(strncmp(e.msg, "m.json: ", 8) == 0);
	}
}
END_TEST

/* A random tree of at most max_depth levels over nfeat features: some splits have
 * infinite thresholds, some leaves stop early, missing values go either way. */
static void grow_random(dl_tree *t, int32_t i, int depth, int max_depth, int nfeat, dl_rng *r)
{
	t->value[i] = (float)(dl_rng_double(r) * 2 - 1);
	if (depth >= max_depth || (depth > 0 && dl_rng_below(r, 5) == 0))
		return;
	int32_t l = dl_tree_add(t, i), rt = dl_tree_add(t, i);
	t->left[i] = l;
	t->right[i] = rt;
	t->feature[i] = (int32_t)dl_rng_below(r, (uint64_t)nfeat);
	uint64_t k = dl_rng_below(r, 20);
	t->thr[i] = k == 0 ? INFINITY : k == 1 ? -INFINITY : (float)(dl_rng_double(r) * 4 - 2);
	t->default_left[i] = (uint8_t)dl_rng_below(r, 2);
	grow_random(t, l, depth + 1, max_depth, nfeat, r);
	grow_random(t, rt, depth + 1, max_depth, nfeat, r);
}

/* The packed, blocked routing adds exactly the plain walk's leaf values, tree by tree,
 * for shallow trees (packed), trees deeper than the packing limit (walked), a lone leaf,
 * several classes, missing and infinite values, and row counts off the block sizes. */
START_TEST(test_packed_prediction)
{
	dl_rng r;
	dl_rng_init(&r, 7, 0);
	enum { NF = 6, NT = 23, K = 3 };
	dl_tree *trees[NT];
	for (int i = 0; i < NT; i++) {
		trees[i] = dl_tree_new(1);
		dl_tree_add(trees[i], -1);
		int md = i == 0 ? 0 : i % 5 == 4 ? DL_PACK_MAX_DEPTH + 3 : 1 + i % 8;
		grow_random(trees[i], 0, 0, md, NF, &r);
	}
	size_t sizes[] = { 1, 7, 64, 65, 1000, 3001 };
	dl_pool *pool = dl_pool_new(3);
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
		size_t n = sizes[si];
		float *x = dl_mallocarray(n * NF, sizeof *x);
		for (size_t j = 0; j < n * NF; j++) {
			uint64_t k = dl_rng_below(&r, 10);
			x[j] = k == 0 ? NAN : k == 1 ? INFINITY : (float)(dl_rng_double(&r) * 4 - 2);
		}
		double *want = dl_calloc(n * K, sizeof *want), *got = dl_calloc(n * K, sizeof *got);
		for (size_t row = 0; row < n; row++)
			for (int i = 0; i < NT; i++)
				want[row * K + (size_t)i % K] +=
					trees[i]->value[dl_tree_leaf(trees[i], x + row * NF)];
		dl_packed_trees *pk = dl_trees_pack((const dl_tree *const *)trees, NT);
		dl_packed_trees_add(pk, x, n, NF, K, got, si % 2 ? pool : NULL);
		for (size_t j = 0; j < n * K; j++)
			ck_assert_msg(got[j] == want[j], "rows %zu, value %zu: %.17g, want %.17g", n, j,
				      got[j], want[j]);
		dl_packed_trees_free(pk);
		dl_free(x);
		dl_free(want);
		dl_free(got);
	}
	dl_pool_free(pool);
	for (int i = 0; i < NT; i++)
		dl_tree_free(trees[i]);
}
END_TEST

static int same_tree(const dl_tree *a, const dl_tree *b)
{
	size_t n = (size_t)a->n;
	return a->n == b->n && !memcmp(a->left, b->left, n * sizeof *a->left) &&
	       !memcmp(a->feature, b->feature, n * sizeof *a->feature) &&
	       !memcmp(a->thr, b->thr, n * sizeof *a->thr) &&
	       !memcmp(a->default_left, b->default_left, n) &&
	       !memcmp(a->value, b->value, n * sizeof *a->value) &&
	       !memcmp(a->gain, b->gain, n * sizeof *a->gain);
}

/* Nodes big enough to be built and partitioned by several threads, and gradients
 * computed by several threads, give the model of one
 * thread, bit for bit, on dense data and on mostly-missing data (compressed rows, missing
 * rows by subtraction); on the latter the learned default directions still separate the
 * classes. */
START_TEST(test_threads_same_model)
{
	enum { N = 40000, F = 8 };
	for (int sparse = 0; sparse < 2; sparse++) {
		float *x = dl_mallocarray((size_t)N * F, sizeof *x);
		float *y = dl_mallocarray(N, sizeof *y);
		uint64_t s = 11 + (uint64_t)sparse;
		for (int i = 0; i < N; i++) {
			double z = 0;
			for (int f = 0; f < F; f++) {
				float v = (float)(gen(&s) % 1000) / 1000.0f;
				int missing = sparse ? gen(&s) % 10 < 7 : gen(&s) % 50 == 0;
				x[i * F + f] = missing ? NAN : v;
				z += missing ? (f < 2 ? 0.8 : 0) : (f < 2 ? v : 0.1 * v);
			}
			y[i] = z + (double)(gen(&s) % 100) / 200.0 > 1.2f;
		}
		dl_table *t = make_table(N, F, x, y);
		dl_gbm *m[2];
		for (int k = 0; k < 2; k++) {
			dl_boost_params p;
			dl_boost_defaults(&p);
			dl_err e;
			ck_assert_int_eq(dl_boost_set(&p, "objective", "binary:logistic", &e), 0);
			p.rounds = 4;
			p.threads = k ? 3 : 1;
			m[k] = dl_boost_train(&p, t, NULL, 0, NULL, NULL, &e);
			ck_assert_msg(m[k] != NULL, "%s", e.msg);
			dl_boost_params_free(&p);
		}
		ck_assert_uint_eq(m[0]->ntree, m[1]->ntree);
		for (size_t i = 0; i < m[0]->ntree; i++)
			ck_assert_msg(same_tree(m[0]->trees[i], m[1]->trees[i]),
				      "sparse %d: tree %zu differs between 1 and 3 threads", sparse, i);
		ck_assert_int_ge(m[0]->trees[0]->n, 31);
		double *pred = dl_mallocarray(N, sizeof *pred);
		dl_gbm_margins(m[0], t, 0, NULL, pred);
		size_t right = 0;
		for (int i = 0; i < N; i++)
			right += (pred[i] > 0) == (y[i] > 0.5f);
		ck_assert_msg(right > N * 3 / 4, "sparse %d: %zu of %d right", sparse, right, (int)N);
		dl_free(pred);
		dl_gbm_free(m[0]);
		dl_gbm_free(m[1]);
		dl_table_free(t);
		dl_free(x);
		dl_free(y);
	}
}
END_TEST

/* A metric that does not fit the objective fails before training even when no
 * evaluation set would show it (none given). */
START_TEST(test_metric_checked_without_sets)
{
	enum { N = 50 };
	float x[N], y[N];
	for (int i = 0; i < N; i++) {
		x[i] = (float)i;
		y[i] = (float)(i % 2);
	}
	dl_table *t = make_table(N, 1, x, y);
	dl_boost_params p;
	dl_boost_defaults(&p);
	dl_err e;
	ck_assert_int_eq(dl_boost_set(&p, "objective", "binary:logistic", &e), 0);
	ck_assert_int_eq(dl_boost_set(&p, "eval_metric", "merror", &e), 0);
	dl_gbm *m = dl_boost_train(&p, t, NULL, 0, NULL, NULL, &e);
	ck_assert_ptr_null(m);
	ck_assert_str_eq(e.msg, "metric 'merror' needs class probabilities");
	dl_boost_params_free(&p);
	dl_table_free(t);
}
END_TEST

/* Values drawn from a few, so that rows often meet a threshold exactly. */
static const float tie_values[] = { -1.0f, 0.0f, 0.5f, 1.0f, 2.0f, -INFINITY, INFINITY, NAN };

/* A random tree whose thresholds are tie values (NaN included: every present value
 * then goes right) with either default direction. */
static void grow_ties(dl_tree *t, int32_t i, int depth, int max_depth, int nfeat, dl_rng *r)
{
	t->value[i] = (float)(dl_rng_double(r) * 2 - 1);
	if (depth >= max_depth || (depth > 0 && dl_rng_below(r, 6) == 0))
		return;
	int32_t l = dl_tree_add(t, i), rt = dl_tree_add(t, i);
	t->left[i] = l;
	t->right[i] = rt;
	t->feature[i] = (int32_t)dl_rng_below(r, (uint64_t)nfeat);
	t->thr[i] = tie_values[dl_rng_below(r, sizeof tie_values / sizeof *tie_values)];
	t->default_left[i] = (uint8_t)dl_rng_below(r, 2);
	grow_ties(t, l, depth + 1, max_depth, nfeat, r);
	grow_ties(t, rt, depth + 1, max_depth, nfeat, r);
}

/* The packed routing against the plain walk where the missing values' direction and
 * the comparison meet: rows equal to thresholds, infinite and NaN thresholds, infinite
 * and missing values; rows narrow enough to be copied into the block buffer and rows
 * one column wider (routed in place); depths around the packing limit; one and three
 * classes, one thread and several. */
START_TEST(test_packed_prediction_ties)
{
	dl_rng r;
	dl_rng_init(&r, 11, 0);
	enum { NT = 30 };
	size_t widths[] = { 3, DL_PACK_MAX_COPY, DL_PACK_MAX_COPY + 1 };
	size_t Ks[] = { 1, 3 };
	dl_pool *pool = dl_pool_new(2);
	for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++) {
		size_t nf = widths[wi], n = wi == 0 ? 1500 : 130;
		dl_tree *trees[NT];
		for (int i = 0; i < NT; i++) {
			trees[i] = dl_tree_new(1);
			dl_tree_add(trees[i], -1);
			grow_ties(trees[i], 0, 0, 1 + i % (DL_PACK_MAX_DEPTH + 2),
				  wi == 0 ? (int)nf : 4, &r);
			/* wide rows: the tested features spread to the last column */
			for (int32_t j = 0; wi > 0 && j < trees[i]->n; j++)
				trees[i]->feature[j] = (int32_t)(nf - 1 - (size_t)trees[i]->feature[j] * 97);
		}
		float *x = dl_mallocarray(n * nf, sizeof *x);
		for (size_t j = 0; j < n * nf; j++)
			x[j] = tie_values[dl_rng_below(&r, sizeof tie_values / sizeof *tie_values)];
		dl_packed_trees *pk = dl_trees_pack((const dl_tree *const *)trees, NT);
		for (size_t ki = 0; ki < sizeof Ks / sizeof *Ks; ki++) {
			size_t K = Ks[ki];
			double *want = dl_calloc(n * K, sizeof *want);
			double *got = dl_calloc(n * K, sizeof *got);
			for (size_t row = 0; row < n; row++)
				for (int i = 0; i < NT; i++)
					want[row * K + (size_t)i % K] +=
						trees[i]->value[dl_tree_leaf(trees[i], x + row * nf)];
			for (int th = 0; th < 2; th++) {
				memset(got, 0, n * K * sizeof *got);
				dl_packed_trees_add(pk, x, n, nf, K, got, th ? pool : NULL);
				for (size_t j = 0; j < n * K; j++)
					ck_assert_msg(got[j] == want[j],
						      "width %zu, K %zu, threads %d, value %zu: %.17g, want %.17g",
						      nf, K, th + 1, j, got[j], want[j]);
			}
			dl_free(want);
			dl_free(got);
		}
		dl_packed_trees_free(pk);
		dl_free(x);
		for (int i = 0; i < NT; i++)
			dl_tree_free(trees[i]);
	}
	dl_pool_free(pool);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tree");
	TCase *tc = tcase(s, "split", 0);
	tcase_add_test(tc, test_gain_and_weight);
	tcase_add_test(tc, test_cuts);
	tcase_add_test(tc, test_bins_find);
	tcase_add_test(tc, test_default_direction);
	tcase_add_test(tc, test_gradients);
	tc = tcase(s, "boost", 0);
	tcase_add_test(tc, test_fit_step_function);
	tcase_add_test(tc, test_bad_models);
	tcase_add_test(tc, test_packed_prediction);
	tcase_add_test(tc, test_threads_same_model);
	tcase_add_test(tc, test_metric_checked_without_sets);
	tcase_add_test(tc, test_packed_prediction_ties);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
