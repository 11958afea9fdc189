/*
 * adaboost.h — the parts of dl-gbdt's training shared by its two loops: the state of a
 * run (gbdt.c) and AdaBoost's rounds (adaboost.c). Internal to lib/tree: the public
 * interface is gbdt.h.
 */
#ifndef DL_TREE_ADABOOST_H
#define DL_TREE_ADABOOST_H
#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "core/threads.h"
#include "data/table.h"
#include "tree/bins.h"
#include "tree/boost.h"
#include "tree/gbdt.h"
#include "tree/grow.h"

/* An evaluation set and its margins, kept up to date tree by tree. */
struct dl_gbdt_evalset {
	const dl_table *t;
	double *margin;         /* n * K */
	double *pred;           /* scratch */
};

/* One training run: parameters, data, the binned rows and grower, the model being built,
 * the margins of the training rows and of the evaluation sets, early stopping's state. */
typedef struct dl_gbdt_run {
	const dl_gbdt_params *p;
	const dl_table *train;
	size_t n, K;
	const float *w;         /* row weights or NULL */
	dl_gbm *m;
	size_t tcap;
	dl_pool *pool;
	dl_bins *bins;
	float *bmax;            /* the largest value of each bin (midpoint thresholds) */
	dl_grower *gr;
	dl_grow_params gp;
	double *tm;             /* training margins, n * K */
	float *gh;
	uint32_t *rows;
	int32_t *row_leaf;
	struct dl_gbdt_evalset *es;
	size_t nsets;
	const dl_eval_set *sets;
	const char *metrics[DL_BOOST_MAX_METRICS];
	int nmetrics, hib;
	double *values;
	double best;
	int best_round;
	dl_round_fn report;
	void *ctx;
} dl_gbdt_run;

/* Adds tree tr's leaves to class k of margins out (t's rows, K values each). */
void dl_gbdt_add_tree(const dl_tree *tr, const dl_table *t, size_t K, size_t k, double *out);
/* Appends t to the model. */
void dl_gbdt_push_tree(dl_gbdt_run *R, dl_tree *t);
/* Metrics of every evaluation set after a round (margins times scale); reports them and
 * watches early stopping. Returns 1 to stop, 0 to go on, -1 with e filled. */
int dl_gbdt_evaluate(dl_gbdt_run *R, int round, double scale, dl_err *e);
/* AdaBoost's rounds on R (R->K = 1: two classes; K > 2: SAMME); the trees' values are
 * final when it returns (normalised by the weights of the trees kept). Returns 0, or -1
 * with e filled. */
int dl_adaboost_train(dl_gbdt_run *R, dl_err *e);
#endif
