/*
 * fuzz_gbm_model.c — libFuzzer target for the readers of boosted-tree models: our JSON
 * format (dl_gbm_read_mem, lib/tree/model.c) and XGBoost's (dl_xgb_import,
 * lib/tree/xgbimport.c). Each input goes to both.
 *
 * Properties checked:
 *   - a failure has a message naming the input;
 *   - a model that loads has features, a whole number of rounds of nclass trees, and
 *     trees that pass dl_tree_validate;
 *   - it predicts a few rows of features drawn from the input's bytes (NaN among them)
 *     with dl_gbm_margins and dl_objective_transform, without a crash;
 *   - the TreeSHAP contributions of those rows are computed without a crash, and sum to
 *     their margins when the numbers are small enough for the sum to be meaningful and
 *     the covers are not so lopsided that the unwinding loses all precision.
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/threads.h"
#include "data/table.h"
#include "tree/boost.h"
#include "tree/model.h"
#include "tree/objective.h"
#include "tree/shap.h"
#include "tree/xgbimport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NROW 3

static void broken(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_gbm_model: property broken: %s%s%s\n", what, msg ? ": " : "",
		msg ? msg : "");
	abort();
}

/* Rows of features from the input's bytes: a few special values and small numbers. */
static dl_table *rows_for(const dl_gbm *m, const uint8_t *data, size_t size)
{
	dl_table *t = dl_calloc(1, sizeof *t);
	t->nrow = NROW;
	t->ncol = m->nfeat;
	t->x = dl_mallocarray(NROW * m->nfeat, sizeof *t->x);
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < NROW * m->nfeat; i++) {
		h = (h ^ (size ? data[i % size] : 0)) * 16777619u;
		h ^= (uint32_t)i * 2654435761u;
		switch (h % 8) {
		case 0: t->x[i] = NAN; break;
		case 1: t->x[i] = 0; break;
		case 2: t->x[i] = -INFINITY; break;
		default: t->x[i] = (float)((int32_t)(h >> 8) % 2000) / 8.0f; break;
		}
	}
	return t;
}

/* Covers whose ratios TreeSHAP can unwind without losing all precision: every child
 * holds at least 1e-6 of its parent's (positive) cover. */
static int covers_sane(const dl_tree *t)
{
	for (int32_t j = 0; j < t->n; j++) {
		if (t->left[j] < 0)
			continue;
		double c = t->cover[j];
		if (!(c > 0) || !(t->cover[t->left[j]] >= 1e-6 * c) ||
		    !(t->cover[t->right[j]] >= 1e-6 * c))
			return 0;
	}
	return 1;
}

static void check_contribs(const dl_gbm *m, const dl_table *t, const double *margin,
			   dl_pool *pool)
{
	size_t K = dl_gbm_nclass(m), F = m->nfeat;
	int sane = 1;
	for (size_t i = 0; i < m->ntree; i++) {
		if (dl_tree_depth(m->trees[i]) > 200)
			return;         /* the recursion and its scratch grow with depth */
		sane &= covers_sane(m->trees[i]);
	}
	double *c = dl_mallocarray(NROW * K * (F + 1), sizeof *c);
	dl_gbm_contribs(m, t, pool, c);
	for (size_t rk = 0; rk < NROW * K; rk++) {
		double sum = 0, mag = 0;
		for (size_t j = 0; j <= F; j++) {
			sum += c[rk * (F + 1) + j];
			mag += fabs(c[rk * (F + 1) + j]);
		}
		if (!sane || !(mag < 1e30) || !isfinite(margin[rk]))
			continue;
		if (fabs(sum - margin[rk]) > 1e-6 * (mag + fabs(margin[rk]) + 1))
			broken("contributions do not sum to the margin", NULL);
	}
	dl_free(c);
}

static void use(dl_gbm *m, const uint8_t *data, size_t size, dl_pool *pool)
{
	size_t K = dl_gbm_nclass(m);
	if (m->nfeat == 0 || !m->features || m->ntree % K != 0)
		broken("a model loaded with no features or a partial round", NULL);
	for (size_t i = 0; i < m->ntree; i++) {
		dl_err e;
		if (dl_tree_validate(m->trees[i], m->nfeat, &e) < 0)
			broken("a tree that loaded does not validate", e.msg);
	}
	if (m->nfeat > 4096)
		return;
	dl_table *t = rows_for(m, data, size);
	double *mg = dl_mallocarray(NROW * K, sizeof *mg);
	dl_gbm_margins(m, t, 0, pool, mg);
	check_contribs(m, t, mg, pool);
	dl_objective_transform(&m->obj, mg, NROW);
	dl_free(mg);
	dl_table_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dl_pool *pool;
	if (!pool)
		pool = dl_pool_new(1);
	dl_err e;
	char *learner = NULL;
	dl_gbm *m = dl_gbm_read_mem((const char *)data, size, "in.json", &learner, &e);
	if (m) {
		use(m, data, size, pool);
		dl_gbm_free(m);
		dl_free(learner);
	} else if (strncmp(e.msg, "in.json: ", 9) != 0) {
		broken("a model error does not name the input", e.msg);
	}
	m = dl_xgb_import((const char *)data, size, "in.json", &e);
	if (m) {
		use(m, data, size, pool);
		dl_gbm_free(m);
	} else if (strncmp(e.msg, "in.json: ", 9) != 0) {
		broken("an XGBoost model error does not name the input", e.msg);
	}
	return 0;
}
