/*
 * check_tree_shap.c — unit tests of lib/tree/shap.c (TreeSHAP).
 *
 * Against the definition: on random trees over a few features (features split on more
 * than once, missing values, rows on the thresholds), the contributions equal Shapley
 * values computed by brute force over all 2^M subsets, with v(S) the cover-weighted
 * expectation of the tree given the features in S (Lundberg et al. 2018, algorithm 1);
 * the bias is v({}).
 * Property: on larger random trees the contributions and bias sum to the leaf the row
 * reaches, also when covers are not the sums of the children's; and on a chain 200000
 * nodes deep (no recursion to overflow).
 * Models: dl_gbm_contribs of a hand-made three-class model sums to dl_gbm_margins per row
 * and class, and gives the same bits on 1 and 2 threads; on the XGBoost models of
 * tests/data/xgb it equals XGBoost's pred_contribs (written by
 * tests/golden/xgb/make-import.py) to 1e-5.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/threads.h"
#include "data/table.h"
#include "tree/boost.h"
#include "tree/shap.h"
#include "tree/tree.h"
#include "tree/xgbimport.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================== random trees */

static double unif(uint64_t *s)
{
	return (double)(gen(s) >> 11) / 9007199254740992.0;
}

/* A random subtree under parent p; returns its root. consistent: an internal node's
 * cover is the sum of its children's. */
static int32_t grow(dl_tree *t, int32_t p, int depth, int maxd, int nfeat, int consistent,
		    uint64_t *s)
{
	int32_t i = dl_tree_add(t, p);
	t->value[i] = (float)(unif(s) * 2 - 1);
	if (depth == maxd || (depth > 0 && unif(s) < 0.2)) {
		t->cover[i] = (float)(0.5 + 4 * unif(s));
		return i;
	}
	t->feature[i] = (int32_t)(gen(s) % (uint64_t)nfeat);
	t->thr[i] = (float)(0.125 * (double)(gen(s) % 8));
	t->default_left[i] = (uint8_t)(gen(s) & 1);
	int32_t l = grow(t, i, depth + 1, maxd, nfeat, consistent, s);
	int32_t r = grow(t, i, depth + 1, maxd, nfeat, consistent, s);
	t->left[i] = l;
	t->right[i] = r;
	t->cover[i] = consistent ? t->cover[l] + t->cover[r] : (float)(1 + 9 * unif(s));
	return i;
}

static dl_tree *random_tree(int maxd, int nfeat, int consistent, uint64_t *s)
{
	dl_tree *t = dl_tree_new(1);
	grow(t, -1, 0, maxd, nfeat, consistent, s);
	dl_err e;
	ck_assert_msg(dl_tree_validate(t, (size_t)nfeat, &e) == 0, "%s", e.msg);
	return t;
}

/* Values on the thresholds' grid (some exactly on one), off it, and missing. */
static void random_row(float *x, int nfeat, uint64_t *s)
{
	for (int f = 0; f < nfeat; f++) {
		uint64_t r = gen(s) % 5;
		x[f] = r == 0 ? NAN : r == 1 ? (float)(0.125 * (double)(gen(s) % 8))
					     : (float)unif(s);
	}
}

/* ================================================================== brute force */

/* v(S): the expectation of t given the features in mask S (bit f), the others
 * integrated out by cover. */
static double cond_exp(const dl_tree *t, int32_t j, const float *x, unsigned S)
{
	if (t->left[j] < 0)
		return t->value[j];
	int32_t l = t->left[j], r = t->right[j];
	int32_t f = t->feature[j];
	if (S >> f & 1) {
		float v = x[f];
		int left = v != v ? t->default_left[j] : v < t->thr[j];
		return cond_exp(t, left ? l : r, x, S);
	}
	double fl = (double)t->cover[l] / t->cover[j], fr = (double)t->cover[r] / t->cover[j];
	/* shap.h: a branch's share of its parent's cover is taken as at most 1 */
	fl = fl < 1 ? fl : 1;
	fr = fr < 1 ? fr : 1;
	return fl * cond_exp(t, l, x, S) + fr * cond_exp(t, r, x, S);
}

/* Shapley values by their definition: phi_i = sum over S without i of
 * |S|! (M - |S| - 1)! / M! (v(S + i) - v(S)). */
static void brute_shap(const dl_tree *t, const float *x, int M, double *phi)
{
	double fact[16] = { 1 };
	for (int i = 1; i < 16; i++)
		fact[i] = fact[i - 1] * i;
	for (int i = 0; i < M; i++) {
		phi[i] = 0;
		for (unsigned S = 0; S < 1u << M; S++) {
			if (S >> i & 1)
				continue;
			int k = __builtin_popcount(S);
			double wgt = fact[k] * fact[M - k - 1] / fact[M];
			phi[i] += wgt * (cond_exp(t, 0, x, S | 1u << i) - cond_exp(t, 0, x, S));
		}
	}
	phi[M] = cond_exp(t, 0, x, 0);
}

/* ================================================================== tests */

START_TEST(test_definition)
{
	uint64_t s = 42;
	for (int trial = 0; trial < 300; trial++) {
		int M = 1 + trial % 6, maxd = 1 + trial % 5;
		dl_tree *t = random_tree(maxd, M, trial % 3 != 0, &s);
		for (int row = 0; row < 5; row++) {
			float x[8];
			double got[9] = { 0 }, want[9];
			random_row(x, M, &s);
			dl_tree_shap(t, x, (size_t)M, got);
			brute_shap(t, x, M, want);
			for (int i = 0; i <= M; i++)
				if (fabs(got[i] - want[i]) > 1e-12)
					ck_abort_msg("trial %d row %d: phi[%d] = %.17g, Shapley value "
						     "%.17g", trial, row, i, got[i], want[i]);
		}
		dl_tree_free(t);
	}
}
END_TEST

START_TEST(test_sums_to_leaf)
{
	uint64_t s = 7;
	for (int trial = 0; trial < 200; trial++) {
		int M = 2 + trial % 25, maxd = 1 + trial % 10;
		dl_tree *t = random_tree(maxd, M, trial & 1, &s);
		float x[32];
		double phi[33];
		for (int row = 0; row < 10; row++) {
			random_row(x, M, &s);
			memset(phi, 0, sizeof phi);
			dl_tree_shap(t, x, (size_t)M, phi);
			double sum = 0;
			for (int i = 0; i <= M; i++)
				sum += phi[i];
			double leaf = t->value[dl_tree_leaf(t, x)];
			FAST_ASSERT(fabs(sum - leaf) < 1e-9);
			/* a feature the tree never splits on gets nothing */
			for (int f = 0; f < M; f++) {
				int used = 0;
				for (int32_t j = 0; j < t->n; j++)
					used |= t->left[j] >= 0 && t->feature[j] == f;
				FAST_ASSERT(used || phi[f] == 0);
			}
		}
		ck_assert(fabs(dl_tree_expected(t) - phi[M]) < 1e-12);
		dl_tree_free(t);
	}
}
END_TEST

/* A lone leaf: no contributions, the bias is its value; a stump splits its difference. */
START_TEST(test_small)
{
	dl_tree *t = dl_tree_new(1);
	dl_tree_add(t, -1);
	t->value[0] = 2.5f;
	t->cover[0] = 3;
	float x[2] = { 1, 2 };
	double phi[3] = { 0 };
	dl_tree_shap(t, x, 2, phi);
	ck_assert(phi[0] == 0 && phi[1] == 0 && phi[2] == 2.5);
	dl_tree_free(t);

	t = dl_tree_new(1);
	dl_tree_add(t, -1);
	dl_tree_add(t, 0);
	dl_tree_add(t, 0);
	t->left[0] = 1;
	t->right[0] = 2;
	t->feature[0] = 1;
	t->thr[0] = 0.5f;
	t->cover[0] = 4;
	t->cover[1] = 1;
	t->cover[2] = 3;
	t->value[1] = -1;
	t->value[2] = 1;
	/* E = (1 * -1 + 3 * 1) / 4 = 0.5; x1 = 0 goes left: phi1 = -1 - 0.5 */
	float y[2] = { 7, 0 };
	memset(phi, 0, sizeof phi);
	dl_tree_shap(t, y, 2, phi);
	ck_assert(phi[0] == 0);
	ck_assert(fabs(phi[1] + 1.5) < 1e-15);
	ck_assert(fabs(phi[2] - 0.5) < 1e-15);
	dl_tree_free(t);
}
END_TEST

/* A chain 200000 deep (x0 < k goes to leaf k, else on): no recursion to overflow. */
START_TEST(test_deep)
{
	const int32_t depth = 200000;
	dl_tree *t = dl_tree_new(1);
	int32_t node = dl_tree_add(t, -1);
	for (int32_t k = 0; k < depth; k++) {
		int32_t l = dl_tree_add(t, node), r = dl_tree_add(t, node);
		t->left[node] = l;
		t->right[node] = r;
		t->feature[node] = k % 3 == 2 ? 1 : 0;
		t->thr[node] = (float)k;
		t->cover[l] = 1;
		t->value[l] = (float)(k % 7) - 3;
		node = r;
	}
	t->cover[node] = 1;
	for (int32_t i = t->n - 1; i >= 0; i--)
		if (t->left[i] >= 0)
			t->cover[i] = t->cover[t->left[i]] + t->cover[t->right[i]];
	float x[2] = { 1234.5f, 99999.5f };
	double phi[3] = { 0 };
	dl_tree_shap(t, x, 2, phi);
	double leaf = t->value[dl_tree_leaf(t, x)];
	ck_assert_msg(fabs(phi[0] + phi[1] + phi[2] - leaf) < 1e-6, "sum %.17g, leaf %.17g",
		      phi[0] + phi[1] + phi[2], leaf);
	dl_tree_free(t);
}
END_TEST

static dl_gbm *random_model(size_t K, size_t nfeat, size_t rounds, uint64_t *s)
{
	dl_gbm *m = dl_calloc(1, sizeof *m);
	m->obj.kind = K > 1 ? DL_OBJ_SOFTPROB : DL_OBJ_LOGISTIC;
	m->obj.nclass = (int)K;
	m->base_score = 0.3;
	m->nfeat = nfeat;
	m->features = dl_calloc(nfeat, sizeof *m->features);
	for (size_t f = 0; f < nfeat; f++) {
		char n[16];
		snprintf(n, sizeof n, "f%zu", f);
		m->features[f] = dl_strdup(n);
	}
	m->ntree = rounds * K;
	m->rounds = (int)rounds;
	m->best_iteration = -1;
	m->trees = dl_calloc(m->ntree, sizeof *m->trees);
	for (size_t i = 0; i < m->ntree; i++)
		m->trees[i] = random_tree(1 + (int)(i % 6), (int)nfeat, 1, s);
	return m;
}

static dl_table *random_table(size_t nrow, size_t ncol, uint64_t *s)
{
	dl_table *t = dl_calloc(1, sizeof *t);
	t->nrow = nrow;
	t->ncol = ncol;
	t->x = dl_mallocarray(nrow * ncol, sizeof *t->x);
	for (size_t r = 0; r < nrow; r++)
		random_row(t->x + r * ncol, (int)ncol, s);
	return t;
}

START_TEST(test_gbm_contribs)
{
	uint64_t s = 99;
	for (size_t K = 1; K <= 3; K += 2) {
		size_t F = 9, n = 300;
		dl_gbm *m = random_model(K, F, 7, &s);
		dl_table *t = random_table(n, F, &s);
		double *c1 = dl_mallocarray(n * K * (F + 1), sizeof *c1);
		double *c2 = dl_mallocarray(n * K * (F + 1), sizeof *c2);
		double *mg = dl_mallocarray(n * K, sizeof *mg);
		dl_pool *p1 = dl_pool_new(1), *p2 = dl_pool_new(2);
		dl_gbm_contribs(m, t, p1, c1);
		for (size_t i = 0; i < n * K * (F + 1); i++)
			c2[i] = 12345;  /* overwritten, not added to */
		dl_gbm_contribs(m, t, p2, c2);
		ck_assert(memcmp(c1, c2, n * K * (F + 1) * sizeof *c1) == 0);
		dl_gbm_margins(m, t, 0, p2, mg);
		for (size_t rk = 0; rk < n * K; rk++) {
			double sum = 0;
			for (size_t j = 0; j <= F; j++)
				sum += c1[rk * (F + 1) + j];
			FAST_ASSERT(fabs(sum - mg[rk]) < 1e-9);
		}
		/* the bias: base margin plus every tree's expectation, per class */
		for (size_t k = 0; k < K; k++) {
			double b = dl_objective_base_margin(&m->obj, m->base_score);
			for (size_t i = k; i < m->ntree; i += K)
				b += dl_tree_expected(m->trees[i]);
			ck_assert(fabs(c1[k * (F + 1) + F] - b) < 1e-12);
		}
		dl_pool_free(p1);
		dl_pool_free(p2);
		free(c1);
		free(c2);
		free(mg);
		dl_table_free(t);
		dl_gbm_free(m);
	}
}
END_TEST

/* ================================================================== XGBoost */

static double *read_numbers(const char *path, size_t *n)
{
	size_t len, cap = 0;
	char *text = (char *)read_file(path, &len);
	ck_assert_msg(text != NULL, "cannot read %s", path);
	double *v = NULL;
	char *p = text, *end;
	*n = 0;
	for (;;) {
		double d = strtod(p, &end);
		if (end == p)
			break;
		DL_GROW(v, cap, *n + 1);
		v[(*n)++] = d;
		p = end;
	}
	free(text);
	return v;
}

static void golden(const char *name)
{
	char rel[128];
	dl_err e;
	snprintf(rel, sizeof rel, "xgb/%s.model.json", name);
	dl_gbm *m = dl_xgb_import_file(test_data(rel), &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	snprintf(rel, sizeof rel, "xgb/%s.csv", name);
	dl_table_options o = { 0 };
	o.format = DL_TABLE_CSV;
	o.features = (const char *const *)m->features;
	o.nfeatures = m->nfeat;
	dl_table *t = dl_table_read(test_data(rel), &o, NULL, &e);
	ck_assert_msg(t != NULL, "%s", e.msg);
	size_t K = dl_gbm_nclass(m), F = m->nfeat, n = t->nrow, nw;
	double *got = dl_mallocarray(n * K * (F + 1), sizeof *got);
	dl_pool *pool = dl_pool_new(2);
	dl_gbm_contribs(m, t, pool, got);
	snprintf(rel, sizeof rel, "xgb/%s.contrib.txt", name);
	double *want = read_numbers(test_data(rel), &nw);
	ck_assert_msg(nw == n * K * (F + 1), "%s: %zu numbers, expected %zu", rel, nw,
		      n * K * (F + 1));
	for (size_t i = 0; i < nw; i++) {
		double scale = fabs(want[i]) > 1 ? fabs(want[i]) : 1;
		if (fabs(got[i] - want[i]) > 1e-5 * scale)
			ck_abort_msg("%s: row %zu class %zu column %zu: %.9g, XGBoost %.9g", name,
				     i / (F + 1) / K, i / (F + 1) % K, i % (F + 1), got[i], want[i]);
	}
	free(want);
	free(got);
	dl_pool_free(pool);
	dl_table_free(t);
	dl_gbm_free(m);
}

START_TEST(test_xgboost)
{
	static const char *const models[] = { "binary", "softprob", "softmax", "squared",
					       "huber", "poisson", "pairwise", "pruned" };
	golden(models[_i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tree_shap");
	TCase *tc = tcase(s, "shap", 0);
	tcase_add_test(tc, test_small);
	tcase_add_test(tc, test_definition);
	tcase_add_test(tc, test_sums_to_leaf);
	tcase_add_test(tc, test_gbm_contribs);
	tcase_add_test(tc, test_deep);
	tcase_add_loop_test(tc, test_xgboost, 0, 8);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
