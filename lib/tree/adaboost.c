/*
 * adaboost.c — AdaBoost for dl-gbdt (gbdt.h): discrete AdaBoost with two classes on the
 * histogram grower (Freund & Schapire 1997) and SAMME with K > 2 classes on Gini CART
 * trees (Zhu, Zou, Rosset & Hastie 2009, "Multi-class AdaBoost", algorithm 2), as
 * scikit-learn's AdaBoostClassifier(algorithm="SAMME") defines them.
 */
#include "tree/adaboost.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "tree/cart.h"

/* A copy of t's structure with vdim 1 whose leaves hold a where the leaf's majority class
 * (the first of the largest frequencies, as scikit-learn's argmax) is k, else 0. */
static dl_tree *class_tree(const dl_tree *t, int K, int k, double a)
{
	dl_tree *c = dl_tree_new(1);
	for (int32_t i = 0; i < t->n; i++) {
		dl_tree_add(c, t->parent[i]);
		c->left[i] = t->left[i];
		c->right[i] = t->right[i];
		c->feature[i] = t->feature[i];
		c->thr[i] = t->thr[i];
		c->default_left[i] = t->default_left[i];
		c->split_bin[i] = t->split_bin[i];
		c->gain[i] = t->gain[i];
		c->cover[i] = t->cover[i];
		c->value[i] = 0;
		if (t->left[i] < 0) {
			const float *v = t->value + (size_t)i * (size_t)K;
			int best = 0;
			for (int j = 1; j < K; j++)
				if (v[j] > v[best])
					best = j;
			c->value[i] = best == k ? (float)a : 0.0f;
		}
	}
	return c;
}

/* SAMME with K > 2 classes (Zhu et al. 2009, algorithm 2): the base tree is a weighted
 * Gini CART (cart.h); a tree of weighted error err weighs
 * a = learning_rate (log((1 - err) / err) + log(K - 1)) and boosting stops at err = 0 or
 * err >= 1 - 1/K. The model holds K trees a round (class k's leaves: a where the tree
 * predicts k); the margins sum_m a_m [tree m predicts k] / sum_m a_m are divided by K - 1
 * as well, so that their softmax is scikit-learn's predict_proba. */
static int train_samme(dl_gbdt_run *R, double *amount, double *W, dl_err *e)
{
	const dl_gbdt_params *p = R->p;
	size_t n = R->n, K = R->K;
	double lr = isnan(p->learning_rate) ? 1.0 : p->learning_rate;
	int rounds = p->rounds > 0 ? p->rounds : 50;
	const float *y = R->train->label;
	double *sw = dl_mallocarray(n, sizeof *sw), tot = 0;
	float *wf = dl_mallocarray(n, sizeof *wf);
	uint8_t *wrong = dl_malloc(n);
	int32_t *cls = dl_mallocarray(n, sizeof *cls);
	for (size_t i = 0; i < n; i++)
		tot += sw[i] = R->w ? R->w[i] : 1.0;
	int rc = 0;
	if (!(tot > 0))
		rc = dl_errf(e, "the row weights sum to %g", tot);
	for (size_t i = 0; i < n && rc == 0; i++)
		sw[i] /= tot;
	dl_cart *cart = dl_cart_new(R->bins, y, (int)K, NULL);
	dl_cart_set_bin_max(cart, R->bmax);
	size_t nf = R->bins->nfeat, mtry = 0;
	if (R->gp.colsample_bynode < 1.0) {     /* --max-features, as the grower draws them */
		mtry = (size_t)(R->gp.colsample_bynode * (double)nf);
		mtry = mtry < 1 ? 1 : mtry;
	}
	dl_cart_params cp = { DL_CART_GINI, 0, mtry, 1.0, R->gp.max_depth };
	dl_rng rng;
	dl_rng_init(&rng, p->seed, 0);
	*W = 0;
	for (int round = 0; round < rounds && rc == 0; round++) {
		for (size_t i = 0; i < n; i++)
			wf[i] = (float)(sw[i] * (double)n);
		dl_tree *t = dl_cart_grow(cart, NULL, wf, &cp, &rng);
		double err = 0, s = 0;
		for (size_t i = 0; i < n; i++) {
			const float *v = t->value +
				(size_t)dl_cart_leaf_binned(t, R->bins, i, (size_t)-1, 0) * K;
			int best = 0;
			for (size_t j = 1; j < K; j++)
				if (v[j] > v[best])
					best = (int)j;
			cls[i] = best;
			wrong[i] = best != (int)y[i];
			err += wrong[i] ? sw[i] : 0.0;
			s += sw[i];
		}
		err /= s;
		double am;
		int last = 0;
		if (err <= 0) {
			am = 1.0;
			last = 1;
		} else if (err >= 1.0 - 1.0 / (double)K) {
			dl_tree_free(t);
			if (round == 0)
				rc = dl_errf(e, "the first tree is no better than chance (weighted error "
					     "%g); AdaBoost cannot start", err);
			break;
		} else {
			am = lr * (log((1.0 - err) / err) + log((double)K - 1.0));
		}
		amount[round] = am;
		*W += am;
		for (size_t k = 0; k < K; k++) {
			dl_tree *c = class_tree(t, (int)K, (int)k, am);
			for (size_t s2 = 0; s2 < R->nsets; s2++)
				if (R->es[s2].t != R->train)
					dl_gbdt_add_tree(c, R->es[s2].t, K, k, R->es[s2].margin);
			dl_gbdt_push_tree(R, c);
		}
		for (size_t i = 0; i < n; i++)
			R->tm[i * K + (size_t)cls[i]] += am;
		dl_tree_free(t);
		R->m->rounds = round + 1;
		rc = dl_gbdt_evaluate(R, round, 1.0 / (*W * ((double)K - 1.0)), e);
		if (rc || last || round == rounds - 1)
			break;
		double ns = 0;
		for (size_t i = 0; i < n; i++) {
			if (wrong[i] && sw[i] > 0)
				sw[i] *= exp(am);
			ns += sw[i];
		}
		if (!isfinite(ns) || ns <= 0)
			break;
		for (size_t i = 0; i < n; i++)
			sw[i] /= ns;
	}
	dl_cart_free(cart);
	dl_free(cls);
	dl_free(wrong);
	dl_free(wf);
	dl_free(sw);
	return rc < 0 ? -1 : rc;
}

/* Discrete AdaBoost, two classes (see gbdt.h): trees hold a_m s_m until the end. */
static int train_discrete(dl_gbdt_run *R, double *amount, double *W, dl_err *e)
{
	const dl_gbdt_params *p = R->p;
	size_t n = R->n;
	double lr = isnan(p->learning_rate) ? 1.0 : p->learning_rate;
	int rounds = p->rounds > 0 ? p->rounds : 50;
	const float *y = R->train->label;
	double *sw = dl_mallocarray(n, sizeof *sw), tot = 0;
	uint8_t *wrong = dl_malloc(n);
	for (size_t i = 0; i < n; i++)
		tot += sw[i] = R->w ? R->w[i] : 1.0;
	int rc = 0;
	if (!(tot > 0))
		rc = dl_errf(e, "the row weights sum to %g", tot);
	for (size_t i = 0; i < n && rc == 0; i++) {
		sw[i] /= tot;
		R->rows[i] = (uint32_t)i;
	}
	dl_rng rng;
	dl_rng_init(&rng, p->seed, 0);
	*W = 0;
	for (int round = 0; round < rounds && rc == 0; round++) {
		/* weights times n keep the histogram sums near the counts */
		for (size_t i = 0; i < n; i++) {
			double h = sw[i] * (double)n;
			R->gh[2 * i] = (float)(-h * y[i]);
			R->gh[2 * i + 1] = (float)h;
		}
		dl_tree *tr = dl_grow_tree(R->gr, R->gh, R->rows, n, NULL, &R->gp, &rng, R->row_leaf);
		/* leaves predict their weighted majority (ties: class 0, as scikit-learn) */
		for (int32_t j = 0; j < tr->n; j++)
			if (tr->left[j] >= 0)
				tr->value[j] = 0;
			else
				tr->value[j] = tr->value[j] > 0.5f ? 1.0f : -1.0f;
		double err = 0, s = 0;
		for (size_t i = 0; i < n; i++) {
			int cls = tr->value[R->row_leaf[i]] > 0;
			wrong[i] = cls != (y[i] > 0.5);
			err += wrong[i] ? sw[i] : 0.0;
			s += sw[i];
		}
		err /= s;
		double am;
		int last = 0;
		if (err <= 0) {
			am = 1.0;
			last = 1;
		} else if (err >= 0.5) {
			dl_tree_free(tr);
			if (round == 0)
				rc = dl_errf(e, "the first tree is no better than chance (weighted error "
					     "%g); AdaBoost cannot start", err);
			break;
		} else {
			am = lr * log((1.0 - err) / err);
		}
		/* d = sum a_m s_m / sum a_m: the tree holds a_m s_m until the end */
		for (int32_t j = 0; j < tr->n; j++)
			tr->value[j] = (float)(am * tr->value[j]);
		amount[round] = am;
		*W += am;
		for (size_t i = 0; i < n; i++)
			R->tm[i] += tr->value[R->row_leaf[i]];
		for (size_t s2 = 0; s2 < R->nsets; s2++)
			if (R->es[s2].t != R->train)
				dl_gbdt_add_tree(tr, R->es[s2].t, 1, 0, R->es[s2].margin);
		dl_gbdt_push_tree(R, tr);
		R->m->rounds = round + 1;
		rc = dl_gbdt_evaluate(R, round, 1.0 / *W, e);
		if (rc || last || round == rounds - 1)
			break;
		double ns = 0;
		for (size_t i = 0; i < n; i++) {
			if (wrong[i] && sw[i] > 0)
				sw[i] *= exp(am);
			ns += sw[i];
		}
		if (!isfinite(ns) || ns <= 0)
			break;
		for (size_t i = 0; i < n; i++)
			sw[i] /= ns;
	}
	dl_free(wrong);
	dl_free(sw);
	return rc < 0 ? -1 : rc;
}

int dl_adaboost_train(dl_gbdt_run *R, dl_err *e)
{
	int rounds = R->p->rounds > 0 ? R->p->rounds : 50;
	size_t K = R->K;
	double *amount = dl_mallocarray((size_t)rounds, sizeof *amount), W = 0;
	int rc = K > 1 ? train_samme(R, amount, &W, e) : train_discrete(R, amount, &W, e);
	if (rc >= 0 && R->p->early_stopping > 0 && R->best_round >= 0) {
		/* keep the trees up to the best round: their weights normalise the margin */
		while (R->m->ntree > ((size_t)R->best_round + 1) * K)
			dl_tree_free(R->m->trees[--R->m->ntree]);
		R->m->rounds = R->best_round + 1;
		R->m->best_iteration = R->best_round;
		W = 0;
		for (int i = 0; i <= R->best_round; i++)
			W += amount[i];
	}
	double div = W * (K > 1 ? (double)K - 1.0 : 1.0);
	for (size_t i = 0; i < R->m->ntree; i++) {
		dl_tree *tr = R->m->trees[i];
		for (int32_t j = 0; j < tr->n; j++)
			tr->value[j] = (float)(tr->value[j] / div);
	}
	dl_free(amount);
	return rc < 0 ? -1 : 0;
}
