/*
 * check_forest.c — lib/tree/cart.c and forest.c: impurities and split gains on data small
 * enough to work out by hand, missing values, depth and node-size limits; the bootstrap
 * (counts summing to the draws, OOB rows being exactly the rows never drawn); OOB
 * predictions recomputed tree by tree; permutation importance on data where only one
 * feature matters; models that do not depend on the thread count; model files read back
 * and rejected when damaged.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/io.h"
#include "core/threads.h"
#include "tree/bins.h"
#include "tree/cart.h"
#include "tree/forest.h"
#include "testutil.h"

/* A dense table of n rows and d features (x row-major, copied) with labels y. */
static dl_table *mk_table(size_t n, size_t d, const float *x, const float *y)
{
	dl_table *t = dl_calloc(1, sizeof *t);
	t->nrow = n;
	t->ncol = d;
	t->names = dl_mallocarray(d, sizeof *t->names);
	for (size_t f = 0; f < d; f++) {
		char s[16];
		snprintf(s, sizeof s, "x%zu", f);
		t->names[f] = dl_strdup(s);
	}
	t->x = dl_mallocarray(n * d, sizeof *t->x);
	memcpy(t->x, x, n * d * sizeof *x);
	t->label = dl_mallocarray(n, sizeof *t->label);
	memcpy(t->label, y, n * sizeof *y);
	return t;
}

static dl_pool *test_pool(void)
{
	static dl_pool *pool;
	if (!pool)
		pool = dl_pool_new(1);
	return pool;
}

static dl_cart_params params(enum dl_cart_criterion c)
{
	dl_cart_params p = { c, 0, 0, 0, 0 };
	return p;
}

START_TEST(impurity_by_hand)
{
	double a[2] = { 3, 1 }, b[2] = { 2, 2 }, c[3] = { 1, 3, 0 }, z[2] = { 0, 0 };
	ck_assert_double_eq_tol(dl_cart_gini(a, 2), 1 - (9.0 + 1.0) / 16, 1e-12);
	ck_assert_double_eq_tol(dl_cart_gini(b, 2), 0.5, 1e-12);
	ck_assert_double_eq_tol(dl_cart_entropy(b, 2), 1.0, 1e-12);
	ck_assert_double_eq_tol(dl_cart_entropy(c, 3),
				-(0.25 * log2(0.25) + 0.75 * log2(0.75)), 1e-12);
	ck_assert_double_eq(dl_cart_gini(z, 2), 0);
	/* y = 1, 2, 3, 4: mean 2.5, variance 1.25 */
	ck_assert_double_eq_tol(dl_cart_variance(4, 10, 30), 1.25, 1e-12);
}
END_TEST

/* x = 0, 1, 2, 3 with classes 0, 0, 1, 1: one split between 1 and 2 separates them. */
START_TEST(gini_entropy_split)
{
	float x[] = { 0, 1, 2, 3 }, y[] = { 0, 0, 1, 1 };
	dl_table *t = mk_table(4, 1, x, y);
	dl_bins *b = dl_bins_build(t, 256, test_pool());
	dl_cart *c = dl_cart_new(b, t->label, 2, NULL);
	dl_rng rng;
	dl_rng_init(&rng, 1, 0);
	dl_cart_params p = params(DL_CART_GINI);
	dl_tree *tr = dl_cart_grow(c, NULL, NULL, &p, &rng);
	ck_assert_int_eq(tr->n, 3);
	ck_assert_int_eq(tr->vdim, 2);
	ck_assert_float_eq(tr->thr[0], 2);
	/* weighted Gini decrease: 4 * 0.5 - 0 - 0 */
	ck_assert_double_eq_tol(tr->gain[0], 2.0, 1e-6);
	ck_assert_double_eq_tol(tr->cover[0], 4.0, 1e-6);
	ck_assert_float_eq(tr->value[0], 0.5f);
	int32_t l = tr->left[0], r = tr->right[0];
	ck_assert_float_eq(tr->value[l * 2], 1.0f);
	ck_assert_float_eq(tr->value[r * 2 + 1], 1.0f);
	dl_tree_free(tr);
	/* entropy: 4 * 1 bit */
	p = params(DL_CART_ENTROPY);
	tr = dl_cart_grow(c, NULL, NULL, &p, &rng);
	ck_assert_double_eq_tol(tr->gain[0], 4.0, 1e-6);
	dl_tree_free(tr);
	/* counts: row 3 drawn twice, row 0 never: classes {0: 1, 1: 3}, W = 4;
	 * Gini decrease 4 * (1 - 1/16 - 9/16) = 1.5 */
	float count[] = { 0, 1, 1, 2 };
	p = params(DL_CART_GINI);
	tr = dl_cart_grow(c, count, NULL, &p, &rng);
	ck_assert_double_eq_tol(tr->gain[0], 1.5, 1e-6);
	ck_assert_double_eq_tol(tr->cover[0], 4.0, 1e-6);
	ck_assert_float_eq(tr->value[1], 0.75f);
	dl_tree_free(tr);
	/* instance weights scale the statistics: row 0 weighs 3 */
	float w[] = { 3, 1, 1, 1 };
	tr = dl_cart_grow(c, NULL, w, &p, &rng);
	ck_assert_double_eq_tol(tr->cover[0], 6.0, 1e-6);
	ck_assert_double_eq_tol(tr->gain[0], 6 * (1 - (16.0 + 4.0) / 36), 1e-5);
	dl_tree_free(tr);
	dl_cart_free(c);
	dl_bins_free(b);
	dl_table_free(t);
}
END_TEST

/* Regression on y = 1, 2, 3, 4: the best root split is {1, 2} | {3, 4} with a variance
 * decrease (times weight) of 9/2 + 49/2 - 100/4 = 4; min_node_size and max_depth stop. */
START_TEST(variance_split)
{
	float x[] = { 0, 1, 2, 3 }, y[] = { 1, 2, 3, 4 };
	dl_table *t = mk_table(4, 1, x, y);
	dl_bins *b = dl_bins_build(t, 256, test_pool());
	dl_cart *c = dl_cart_new(b, t->label, 0, NULL);
	dl_rng rng;
	dl_rng_init(&rng, 1, 0);
	dl_cart_params p = params(DL_CART_VARIANCE);
	dl_tree *tr = dl_cart_grow(c, NULL, NULL, &p, &rng);
	ck_assert_int_eq(tr->vdim, 1);
	ck_assert_float_eq(tr->thr[0], 2);
	ck_assert_double_eq_tol(tr->gain[0], 4.0, 1e-6);
	ck_assert_float_eq(tr->value[0], 2.5f);
	ck_assert_int_eq(tr->n, 7);     /* grown to single rows */
	dl_tree_free(tr);
	p.max_depth = 1;
	tr = dl_cart_grow(c, NULL, NULL, &p, &rng);
	ck_assert_int_eq(tr->n, 3);
	ck_assert_float_eq(tr->value[tr->left[0]], 1.5f);
	ck_assert_float_eq(tr->value[tr->right[0]], 3.5f);
	dl_tree_free(tr);
	/* a node of 4 rows or fewer is not split */
	p.max_depth = 0;
	p.min_node_size = 4;
	tr = dl_cart_grow(c, NULL, NULL, &p, &rng);
	ck_assert_int_eq(tr->n, 1);
	dl_tree_free(tr);
	p.min_node_size = 3.5;
	tr = dl_cart_grow(c, NULL, NULL, &p, &rng);
	ck_assert_int_eq(tr->n, 3);
	dl_tree_free(tr);
	dl_cart_free(c);
	dl_bins_free(b);
	dl_table_free(t);
}
END_TEST

/* Missing values go to the side whose class they share. */
START_TEST(missing_default)
{
	float x[] = { 0, 1, NAN, NAN, 2, 3 };
	float y1[] = { 0, 0, 1, 1, 1, 1 }, y2[] = { 0, 0, 0, 0, 1, 1 };
	for (int v = 0; v < 2; v++) {
		dl_table *t = mk_table(6, 1, x, v ? y2 : y1);
		dl_bins *b = dl_bins_build(t, 256, test_pool());
		dl_cart *c = dl_cart_new(b, t->label, 2, NULL);
		dl_rng rng;
		dl_rng_init(&rng, 1, 0);
		dl_cart_params p = params(DL_CART_GINI);
		dl_tree *tr = dl_cart_grow(c, NULL, NULL, &p, &rng);
		ck_assert_int_eq(tr->n, 3);
		ck_assert_int_eq(tr->default_left[0], v);
		ck_assert_double_eq_tol(tr->gain[0], 6 * (1 - (4.0 + 16.0) / 36), 1e-5);
		float row[1] = { NAN };
		int32_t leaf = dl_tree_leaf(tr, row);
		ck_assert_float_eq(tr->value[leaf * 2 + 1], v ? 0.0f : 1.0f);
		dl_tree_free(tr);
		dl_cart_free(c);
		dl_bins_free(b);
		dl_table_free(t);
	}
}
END_TEST

START_TEST(bootstrap_counts)
{
	size_t n = 1000;
	float *count = dl_mallocarray(n, sizeof *count);
	uint32_t *idx = dl_mallocarray(n, sizeof *idx);
	dl_rng rng;
	for (int replace = 0; replace < 2; replace++)
		for (size_t tree = 0; tree < 5; tree++) {
			size_t ndraw = replace ? n : 632;
			dl_forest_sample(7, tree, n, ndraw, replace, count, idx, &rng);
			double s = 0;
			size_t zero = 0;
			for (size_t r = 0; r < n; r++) {
				s += count[r];
				zero += count[r] == 0;
				if (!replace)
					ck_assert(count[r] == 0 || count[r] == 1);
			}
			ck_assert_double_eq(s, (double)ndraw);
			if (replace) /* about n / e rows out of bag */
				ck_assert(zero > 300 && zero < 440);
			else
				ck_assert_uint_eq(zero, n - ndraw);
		}
	dl_free(count);
	dl_free(idx);
}
END_TEST

/* Two features; class 1 when x0 > 0.5; x1..x4 noise. */
static dl_table *noisy(size_t n, size_t d, int regression, uint64_t seed)
{
	float *x = dl_mallocarray(n * d, sizeof *x), *y = dl_mallocarray(n, sizeof *y);
	uint64_t s = seed;
	for (size_t r = 0; r < n; r++) {
		for (size_t f = 0; f < d; f++)
			x[r * d + f] = (float)(gen(&s) >> 11) / 9007199254740992.0f;
		y[r] = regression ? 3 * x[r * d] : x[r * d] > 0.5f;
		if (r % 17 == 0)
			x[r * d + 1] = NAN;
	}
	dl_table *t = mk_table(n, d, x, y);
	dl_free(x);
	dl_free(y);
	return t;
}

/* Each row's OOB prediction is the mean of the trees that did not draw it. */
START_TEST(oob_bookkeeping)
{
	for (int regression = 0; regression < 2; regression++) {
		size_t n = 300, d = 4;
		dl_table *t = noisy(n, d, regression, 3);
		dl_forest_params p;
		dl_forest_defaults(&p);
		p.ntree = 7;
		p.seed = 11;
		p.threads = 2;
		p.task = regression ? DL_FOREST_REGRESSION : DL_FOREST_CLASSIFICATION;
		size_t K = regression ? 1 : 2;
		double *oob = dl_mallocarray(n * K, sizeof *oob);
		dl_err e;
		dl_forest *f = dl_forest_train(&p, t, oob, &e);
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(f->nclass, (int)K);
		float *count = dl_mallocarray(n, sizeof *count);
		uint32_t *idx = dl_mallocarray(n, sizeof *idx);
		double *sum = dl_calloc(n * K, sizeof *sum);
		int *m = dl_calloc(n, sizeof *m);
		dl_rng rng;
		for (size_t i = 0; i < f->ntree; i++) {
			dl_forest_sample(11, i, n, n, 1, count, idx, &rng);
			double s = 0;
			for (size_t r = 0; r < n; r++)
				s += count[r];
			/* the root's cover is the number of draws */
			ck_assert_double_eq_tol(f->trees[i]->cover[0], s, 1e-3);
			for (size_t r = 0; r < n; r++) {
				if (count[r] > 0)
					continue;
				const float *v = f->trees[i]->value +
						 (size_t)dl_tree_leaf(f->trees[i], t->x + r * d) * K;
				for (size_t k = 0; k < K; k++)
					sum[r * K + k] += v[k];
				m[r]++;
			}
		}
		size_t rows = 0;
		for (size_t r = 0; r < n; r++) {
			rows += m[r] > 0;
			for (size_t k = 0; k < K; k++) {
				if (m[r] == 0)
					ck_assert(isnan(oob[r * K + k]));
				else
					ck_assert_double_eq_tol(oob[r * K + k], sum[r * K + k] / m[r], 1e-9);
			}
		}
		ck_assert_uint_eq(f->oob_rows, rows);
		if (regression)
			ck_assert_msg(f->oob_r2 > 0.6, "OOB R^2 %g", f->oob_r2);
		else
			ck_assert(f->oob_accuracy > 0.9);
		dl_free(m);
		dl_free(sum);
		dl_free(count);
		dl_free(idx);
		dl_free(oob);
		dl_forest_free(f);
		dl_table_free(t);
	}
}
END_TEST

START_TEST(permutation_importance)
{
	for (int regression = 0; regression < 2; regression++) {
		size_t n = 400, d = 5;
		dl_table *t = noisy(n, d, regression, 5);
		dl_forest_params p;
		dl_forest_defaults(&p);
		p.ntree = 50;
		p.threads = 2;
		p.importance = DL_FOREST_IMP_PERMUTATION;
		p.task = regression ? DL_FOREST_REGRESSION : DL_FOREST_CLASSIFICATION;
		dl_err e;
		dl_forest *f = dl_forest_train(&p, t, NULL, &e);
		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(f->perm_importance);
		double *imp = f->perm_importance;
		double scale = regression ? 0.75 : 0.5;  /* the error with x0 useless */
		ck_assert(imp[0] > 0.3 * scale);
		for (size_t j = 1; j < d; j++)
			ck_assert(fabs(imp[j]) < 0.05 * scale);
		double mdi[5];
		dl_forest_impurity_importance(f, mdi);
		for (size_t j = 1; j < d; j++)
			ck_assert(mdi[0] > 3 * mdi[j]);
		dl_forest_free(f);
		dl_table_free(t);
	}
}
END_TEST

static char *model_text(const dl_forest *f, const char *name)
{
	const char *path = tpath(name);
	dl_out *out = dl_out_open(path, 0);
	dl_forest_write(f, out);
	dl_out_close(out);
	size_t len;
	return (char *)read_file(path, &len);
}

/* Threads do not change the model; written models read back and predict the same. */
START_TEST(threads_and_files)
{
	size_t n = 500, d = 6;
	dl_table *t = noisy(n, d, 0, 9);
	char *text[3];
	int threads[3] = { 1, 2, 5 };
	dl_forest *f1 = NULL;
	for (int i = 0; i < 3; i++) {
		dl_forest_params p;
		dl_forest_defaults(&p);
		p.ntree = 40;           /* more than one block of trees */
		p.threads = threads[i];
		p.importance = DL_FOREST_IMP_PERMUTATION;
		dl_err e;
		dl_forest *f = dl_forest_train(&p, t, NULL, &e);
		ck_assert_ptr_nonnull(f);
		char name[16];
		snprintf(name, sizeof name, "m%d.json", i);
		text[i] = model_text(f, name);
		if (i == 0)
			f1 = f;
		else
			dl_forest_free(f);
	}
	ck_assert(strcmp(text[0], text[1]) == 0);
	ck_assert(strcmp(text[0], text[2]) == 0);
	dl_err e;
	dl_forest *g = dl_forest_read(tpath("m0.json"), &e);
	ck_assert_msg(g != NULL, "%s", e.msg);
	ck_assert_uint_eq(g->ntree, f1->ntree);
	ck_assert_uint_eq(g->oob_rows, f1->oob_rows);
	ck_assert_double_eq(g->oob_accuracy, f1->oob_accuracy);
	double *a = dl_mallocarray(n * 2, sizeof *a), *b = dl_mallocarray(n * 2, sizeof *b);
	dl_pool *pool = dl_pool_new(2);
	dl_forest_predict(f1, t, pool, a);
	dl_forest_predict(g, t, pool, b);
	ck_assert(memcmp(a, b, n * 2 * sizeof *a) == 0);
	for (size_t r = 0; r < n; r++)
		ck_assert_double_eq_tol(a[2 * r] + a[2 * r + 1], 1.0, 1e-6);
	char *again = model_text(g, "again.json");
	/* the same from "oob" on (the parameters are rewritten by cJSON) */
	ck_assert(strcmp(strstr(again, "\"oob\""), strstr(text[0], "\"oob\"")) == 0);
	dl_free(again);
	/* read with the trees spread over threads: the same model */
	dl_forest *g2 = dl_forest_read_pool(tpath("m0.json"), pool, &e);
	ck_assert_msg(g2 != NULL, "%s", e.msg);
	again = model_text(g2, "again2.json");
	char *again1 = model_text(g, "again1.json");
	ck_assert_str_eq(again, again1);
	dl_free(again);
	dl_free(again1);
	dl_forest_free(g2);
	/* a damaged tree among many: the first one is named, whatever the threads */
	size_t len;
	char *bad = (char *)read_file(tpath("m0.json"), &len);
	char *p1 = strstr(strstr(bad, "\"trees\""), "\"left\": [");
	char *p2 = strstr(p1 + 1, "\"left\": [");
	p1[9] = '-';
	p2[9] = '-';
	dl_err e1, e2;
	ck_assert_ptr_null(dl_forest_read_mem(bad, len, "m.json", &e1));
	ck_assert_ptr_null(dl_forest_read_mem_pool(bad, len, "m.json", pool, &e2));
	ck_assert_str_eq(e1.msg, e2.msg);
	ck_assert_msg(strncmp(e1.msg, "m.json: tree 0: not valid JSON", 30) == 0, "%s", e1.msg);
	dl_free(bad);
	dl_pool_free(pool);
	dl_free(a);
	dl_free(b);
	dl_forest_free(g);
	dl_forest_free(f1);
	for (int i = 0; i < 3; i++)
		dl_free(text[i]);
	dl_table_free(t);
}
END_TEST

static void expect_bad(const char *text, const char *msg)
{
	dl_err e;
	dl_forest *f = dl_forest_read_mem(text, strlen(text), "m.json", &e);
	ck_assert_msg(f == NULL, "accepted: %s", text);
	ck_assert_msg(strstr(e.msg, msg) != NULL, "message '%s' lacks '%s'", e.msg, msg);
	ck_assert_msg(strncmp(e.msg, "m.json", 6) == 0, "message '%s' does not name the file",
		      e.msg);
}

#define TREE2 "{\"left\": [1, -1, -1], \"right\": [2, -1, -1], \"feature\": [0, 0, 0], " \
	"\"threshold\": [0.5, 0, 0], \"default_left\": [1, 0, 0], " \
	"\"value\": [0.5, 0.5, 1, 0, 0, 1], \"gain\": [1, 0, 0], \"cover\": [4, 2, 2]}"
#define HEAD "{\"format\": \"dl-forest\", \"version\": 1, \"learner\": \"dl-rf\", "

START_TEST(bad_models)
{
	const char *good = HEAD "\"task\": \"classification\", \"num_class\": 2, "
			   "\"features\": [\"a\"], \"trees\": [" TREE2 "]}";
	dl_err e;
	dl_forest *f = dl_forest_read_mem(good, strlen(good), "m.json", &e);
	ck_assert_msg(f != NULL, "%s", e.msg);
	float row[1] = { NAN };
	ck_assert_int_eq(dl_tree_leaf(f->trees[0], row), 1);
	dl_forest_free(f);
	expect_bad("[1, 2]", "not a JSON object");
	expect_bad("{", "not valid JSON");
	expect_bad("{\"format\": \"dl-gbm\"}", "not a dl-forest model");
	expect_bad(HEAD "\"task\": \"ranking\"}", "\"task\"");
	expect_bad("{\"format\": \"dl-forest\", \"version\": 2}", "version 2");
	expect_bad(HEAD "\"task\": \"classification\", \"num_class\": 1, \"features\": [\"a\"], "
			"\"trees\": [" TREE2 "]}", "num_class");
	expect_bad(HEAD "\"task\": \"regression\", \"num_class\": 1, \"features\": [\"a\"], "
			"\"trees\": [" TREE2 "]}", "tree 0");
	expect_bad(HEAD "\"task\": \"classification\", \"num_class\": 2, \"features\": [], "
			"\"trees\": [" TREE2 "]}", "features");
	expect_bad(HEAD "\"task\": \"classification\", \"num_class\": 2, \"features\": [\"a\"], "
			"\"trees\": []}", "trees");
	expect_bad(HEAD "\"task\": \"classification\", \"num_class\": 3, \"features\": [\"a\"], "
			"\"trees\": [" TREE2 "]}", "tree 0");
	expect_bad(HEAD "\"task\": \"classification\", \"num_class\": 2, \"features\": [\"a\"], "
			"\"importance\": {\"type\": \"permutation\", \"values\": [1, 2]}, "
			"\"trees\": [" TREE2 "]}", "importance");
	expect_bad(HEAD "\"task\": \"classification\", \"num_class\": 2, \"features\": [\"a\"], "
			"\"oob\": {\"rows\": -1, \"accuracy\": 1, \"logloss\": 0}, "
			"\"trees\": [" TREE2 "]}", "rows");
	/* a gain beyond the float range would be written as Infinity, which is not JSON */
	expect_bad(HEAD "\"task\": \"classification\", \"num_class\": 2, \"features\": [\"a\"], "
			"\"trees\": [{\"left\": [-1], \"right\": [-1], \"feature\": [0], "
			"\"threshold\": [0], \"default_left\": [0], \"value\": [0.5, 0.5], "
			"\"gain\": [1e39], \"cover\": [1]}]}", "\"gain\"[0] is out of the float range");
}
END_TEST

/* Labels that are not class indices; mtry beyond the features. */
START_TEST(train_errors)
{
	float x[] = { 0, 1, 2, 3 }, y[] = { 0, 1.5f, 1, 0 };
	dl_table *t = mk_table(4, 1, x, y);
	dl_forest_params p;
	dl_forest_defaults(&p);
	p.ntree = 2;
	p.task = DL_FOREST_CLASSIFICATION;
	dl_err e;
	ck_assert_ptr_null(dl_forest_train(&p, t, NULL, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "row 2: label 1.5 is not a class index"));
	ck_assert_int_eq(dl_forest_auto_task(t->label, 4), DL_FOREST_REGRESSION);
	t->label[1] = 2;
	ck_assert_int_eq(dl_forest_auto_task(t->label, 4), DL_FOREST_CLASSIFICATION);
	p.mtry_rule = DL_MTRY_COUNT;
	p.mtry = 2;
	ck_assert_ptr_null(dl_forest_train(&p, t, NULL, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "larger than the number of features"));
	p.mtry = 1;
	dl_forest *f = dl_forest_train(&p, t, NULL, &e);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->nclass, 3);
	dl_forest_free(f);
	dl_table_free(t);
	/* mtry rules */
	dl_forest_defaults(&p);
	ck_assert_int_eq(dl_forest_mtry(&p, DL_FOREST_CLASSIFICATION, 30), 5);
	ck_assert_int_eq(dl_forest_mtry(&p, DL_FOREST_REGRESSION, 10), 3);
	ck_assert_int_eq(dl_forest_mtry(&p, DL_FOREST_REGRESSION, 2), 1);
	p.mtry_rule = DL_MTRY_LOG2;
	ck_assert_int_eq(dl_forest_mtry(&p, DL_FOREST_CLASSIFICATION, 30), 4);
	p.mtry_rule = DL_MTRY_FRACTION;
	p.mtry = 0.5;
	ck_assert_int_eq(dl_forest_mtry(&p, DL_FOREST_CLASSIFICATION, 30), 15);
}
END_TEST

/* Extremely randomized trees still learn the signal; entropy too. */
START_TEST(extratrees_entropy)
{
	size_t n = 400, d = 4;
	dl_table *t = noisy(n, d, 0, 13);
	for (int v = 0; v < 2; v++) {
		dl_forest_params p;
		dl_forest_defaults(&p);
		p.ntree = 30;
		p.extratrees = v == 0;
		p.criterion = v == 1 ? DL_CART_ENTROPY : DL_CART_GINI;
		dl_err e;
		dl_forest *f = dl_forest_train(&p, t, NULL, &e);
		ck_assert_ptr_nonnull(f);
		ck_assert_msg(f->oob_accuracy > 0.9, "OOB accuracy %g", f->oob_accuracy);
		dl_forest_free(f);
	}
	dl_table_free(t);
}
END_TEST

/* Quantile regression forests by hand: two trees on one feature, four rows y = 1, 2, 3, 4.
 * Tree 0 splits at 0.5 (rows 0, 1 left; 2, 3 right), tree 1 is one leaf. For x = 0 the
 * weights are (1/2)(1/2 + 1/4) = 3/8 for rows 0 and 1 and (1/2)(1/4) = 1/8 for rows 2 and
 * 3: F = 3/8, 6/8, 7/8, 1 at y = 1, 2, 3, 4. For x = 1: 1/8, 1/8, 3/8, 3/8: F = 1/8, 2/8,
 * 5/8, 1. */
START_TEST(quantiles_by_hand)
{
	dl_forest *f = dl_calloc(1, sizeof *f);
	f->task = DL_FOREST_REGRESSION;
	f->nclass = 1;
	f->nfeat = 1;
	f->features = dl_mallocarray(1, sizeof *f->features);
	f->features[0] = dl_strdup("x0");
	f->ntree = 2;
	f->trees = dl_mallocarray(2, sizeof *f->trees);
	dl_tree *t0 = dl_tree_new(1);
	dl_tree_add(t0, -1);
	t0->left[0] = dl_tree_add(t0, 0);
	t0->right[0] = dl_tree_add(t0, 0);
	t0->feature[0] = 0;
	t0->thr[0] = 0.5f;
	dl_tree *t1 = dl_tree_new(1);
	dl_tree_add(t1, -1);
	f->trees[0] = t0;
	f->trees[1] = t1;
	f->qrows = 4;
	f->qy = dl_mallocarray(4, sizeof *f->qy);
	f->qleaf = dl_mallocarray(8, sizeof *f->qleaf);
	/* rows given out of label order, to exercise the ranking */
	const float y[4] = { 3, 1, 4, 2 };
	const int32_t leaf0[4] = { 2, 1, 2, 1 };
	for (int r = 0; r < 4; r++) {
		f->qy[r] = y[r];
		f->qleaf[r] = leaf0[r];
		f->qleaf[4 + r] = 0;
	}
	const float x[2] = { 0, 1 };
	const float lab[2] = { 0, 0 };
	dl_table *t = mk_table(2, 1, x, lab);
	const double probs[] = { 0, 0.3, 0.375, 0.4, 0.75, 0.8, 0.875, 0.9, 1, 0.2, 0.25, 0.6 };
	const double want0[] = { 1, 1, 1, 2, 2, 3, 3, 4, 4, 1, 1, 2 };
	const double want1[] = { 1, 3, 3, 3, 4, 4, 4, 4, 4, 2, 2, 3 };
	double out[24];
	dl_forest_quantiles(f, t, probs, 12, test_pool(), out);
	for (int j = 0; j < 12; j++) {
		ck_assert_msg(out[j] == want0[j], "x=0 p=%g: %g, want %g", probs[j], out[j], want0[j]);
		ck_assert_msg(out[12 + j] == want1[j], "x=1 p=%g: %g, want %g", probs[j], out[12 + j],
			      want1[j]);
	}
	/* written and read back: the same quantiles */
	dl_free(model_text(f, "q.json"));
	dl_err e;
	dl_forest *g = dl_forest_read(tpath("q.json"), &e);
	ck_assert_msg(g != NULL, "%s", e.msg);
	ck_assert_uint_eq(g->qrows, 4);
	double out2[24];
	dl_forest_quantiles(g, t, probs, 12, test_pool(), out2);
	ck_assert_mem_eq(out, out2, sizeof out);
	dl_forest_free(g);
	dl_forest_free(f);
	dl_table_free(t);
}
END_TEST

/* Ranks: distinct values in order, -0 and 0 one value, NaN missing; an exact split at the
 * midpoint between the two values around the cut, rows looked up by rank. */
START_TEST(exact_ranks_and_midpoints)
{
	const float x[6] = { 3, -0.0f, 0, NAN, 1, 3 };
	const float y[6] = { 1, 0, 0, 0, 0, 1 };
	dl_table *t = mk_table(6, 1, x, y);
	dl_ranks *rk = dl_ranks_build(t, test_pool());
	ck_assert_uint_eq(rk->nuniq[0], 3);
	ck_assert_uint_eq(rk->max_uniq, 3);
	ck_assert(rk->uval[0][0] == 0 && rk->uval[0][1] == 1 && rk->uval[0][2] == 3);
	const uint32_t want[6] = { 2, 0, 0, DL_RANK_MISSING, 1, 2 };
	for (int r = 0; r < 6; r++)
		ck_assert_uint_eq(rk->code[r], want[r]);
	ck_assert_int_eq(rk->has_missing[0], 1);
	dl_cart *c = dl_cart_new_exact(rk, t->label, 2);
	dl_cart_params p = params(DL_CART_GINI);
	dl_rng rng;
	dl_rng_init(&rng, 1, 0);
	dl_tree *tr = dl_cart_grow(c, NULL, NULL, &p, &rng);
	/* class 1 is exactly the rows with value 3: the cut between 1 and 3, at 2 (the float
	 * just above, so that 2 itself goes left, as x <= 2 does in scikit-learn); the missing
	 * row (class 0) goes left with the other class-0 rows */
	ck_assert_int_eq(tr->n, 3);
	ck_assert_float_eq(tr->thr[0], nextafterf(2.0f, 3.0f));
	ck_assert_int_eq(tr->default_left[0], 1);
	for (size_t r = 0; r < 6; r++) {
		int32_t leaf = dl_cart_leaf_ranked(tr, rk, r, (size_t)-1, 0);
		ck_assert_int_eq(leaf, dl_tree_leaf(tr, &x[r]));
		ck_assert_float_eq(tr->value[leaf * 2 + 1], y[r]);
	}
	/* read as row 0's value, row 1 goes right */
	ck_assert_int_eq(dl_cart_leaf_ranked(tr, rk, 1, 0, 0), tr->right[0]);
	/* a midpoint that rounds down to the lower value is replaced by the upper one */
	const float x2[2] = { 1.0f, nextafterf(1.0f, 2.0f) };
	const float y2[2] = { 0, 1 };
	dl_table *t2 = mk_table(2, 1, x2, y2);
	dl_ranks *rk2 = dl_ranks_build(t2, test_pool());
	dl_cart *c2 = dl_cart_new_exact(rk2, t2->label, 2);
	dl_tree *tr2 = dl_cart_grow(c2, NULL, NULL, &p, &rng);
	ck_assert_int_eq(tr2->n, 3);
	ck_assert(x2[0] < tr2->thr[0] && x2[1] >= tr2->thr[0]);
	ck_assert_int_eq(dl_tree_leaf(tr2, &x2[0]), tr2->left[0]);
	ck_assert_int_eq(dl_tree_leaf(tr2, &x2[1]), tr2->right[0]);
	dl_tree_free(tr2);
	dl_cart_free(c2);
	dl_ranks_free(rk2);
	dl_table_free(t2);
	dl_tree_free(tr);
	dl_cart_free(c);
	dl_ranks_free(rk);
	dl_table_free(t);
}
END_TEST

/* dl_forest_predict (repacked trees, rows walked together) gives the sums of dl_tree_leaf's
 * values in tree order, bit for bit, with missing values and infinities among the rows, on
 * several thread counts and row counts that do not fill the lanes. */
START_TEST(predict_matches_walk)
{
	for (int regression = 0; regression < 2; regression++) {
		size_t n = 403, d = 5;
		dl_table *t = noisy(n, d, regression, 21);
		dl_forest_params p;
		dl_forest_defaults(&p);
		p.ntree = 9;
		p.task = regression ? DL_FOREST_REGRESSION : DL_FOREST_CLASSIFICATION;
		dl_err e;
		dl_forest *f = dl_forest_train(&p, t, NULL, &e);
		ck_assert_ptr_nonnull(f);
		for (size_t r = 0; r < n; r += 7)
			t->x[r * d + 2] = r % 2 ? INFINITY : -INFINITY;
		size_t K = (size_t)f->nclass;
		double *want = dl_calloc(n * K, sizeof *want), *got = dl_mallocarray(n * K, sizeof *got);
		for (size_t r = 0; r < n; r++) {
			for (size_t i = 0; i < f->ntree; i++) {
				const dl_tree *tr = f->trees[i];
				const float *v = tr->value + (size_t)dl_tree_leaf(tr, t->x + r * d) * K;
				for (size_t k = 0; k < K; k++)
					want[r * K + k] += v[k];
			}
			for (size_t k = 0; k < K; k++)
				want[r * K + k] /= (double)f->ntree;
		}
		for (int th = 1; th <= 3; th += 2) {
			dl_pool *pool = dl_pool_new(th);
			dl_forest_predict(f, t, pool, got);
			ck_assert(memcmp(want, got, n * K * sizeof *got) == 0);
			dl_pool_free(pool);
		}
		dl_free(want);
		dl_free(got);
		dl_forest_free(f);
		dl_table_free(t);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("forest");
	TCase *tc = tcase(s, "cart", 0);
	tcase_add_test(tc, impurity_by_hand);
	tcase_add_test(tc, gini_entropy_split);
	tcase_add_test(tc, variance_split);
	tcase_add_test(tc, missing_default);
	tcase_add_test(tc, exact_ranks_and_midpoints);
	tc = tcase(s, "forest", 1);
	tcase_add_test(tc, bootstrap_counts);
	tcase_add_test(tc, oob_bookkeeping);
	tcase_add_test(tc, permutation_importance);
	tcase_add_test(tc, threads_and_files);
	tcase_add_test(tc, bad_models);
	tcase_add_test(tc, train_errors);
	tcase_add_test(tc, extratrees_entropy);
	tcase_add_test(tc, quantiles_by_hand);
	tcase_add_test(tc, predict_matches_walk);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
