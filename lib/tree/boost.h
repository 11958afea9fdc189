/*
 * boost.h — gradient boosted trees: parameters, training, prediction and the model.
 *
 * Second-order boosting (Chen & Guestrin 2016): each round computes gradient pairs of
 * the objective at the current margins, grows one tree per class on them (grow.h) and adds
 * its leaves to the margins. Row subsampling (subsample) and column sampling by tree are
 * drawn per round from the seed. The same data, parameters, seed and thread count give
 * the same model, bit for bit (partial histograms are summed in a fixed order).
 *
 * Parameters use XGBoost's names (dl_boost_set accepts its aliases too), so that an
 * XGBoost configuration can be given as is.
 */
#ifndef DL_TREE_BOOST_H
#define DL_TREE_BOOST_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "core/error.h"
#include "core/threads.h"
#include "data/table.h"
#include "tree/grow.h"
#include "tree/objective.h"
#include "tree/tree.h"

#define DL_BOOST_MAX_METRICS 8

typedef struct dl_boost_params {
	dl_objective obj;
	dl_grow_params grow;
	double subsample, colsample_bytree;
	double base_score;              /* NAN: estimated from the labels */
	int max_bin;
	int rounds;
	int early_stopping;             /* 0 = off */
	uint64_t seed;
	int threads;
	const char *metrics[DL_BOOST_MAX_METRICS];
	int nmetrics;
	int8_t *monotone;               /* parsed monotone_constraints, or NULL */
	size_t nmonotone;
	char *monotone_text;
	int max_delta_step_set;
} dl_boost_params;

/* Defaults of XGBoost 1.7 (eta 0.3, max_depth 6, min_child_weight 1, lambda 1, max_bin
 * 256, 10 rounds, reg:squarederror, ...). */
void dl_boost_defaults(dl_boost_params *p);
/* Sets one parameter by XGBoost's name or alias. Returns 0, 1 when the name is not a
 * parameter of ours (the caller warns, as XGBoost does), or -1 with e filled when the
 * value is invalid ("max_depth: 'x' is not an integer", "eta must be in [0, 1]"). */
int dl_boost_set(dl_boost_params *p, const char *key, const char *value, dl_err *e);
/* Checks the combination after all are set (num_class for multi-class objectives, ...). */
int dl_boost_check(const dl_boost_params *p, dl_err *e);
void dl_boost_params_free(dl_boost_params *p);

typedef struct dl_gbm {
	dl_objective obj;
	double base_score;
	size_t nfeat;
	char **features;
	size_t ntree;
	dl_tree **trees;                /* tree i adds to class i % nclass */
	int best_iteration;             /* round chosen by early stopping, or -1 */
	int rounds;                     /* rounds trained */
	char *params_json;              /* the training parameters as a JSON object, or NULL */
} dl_gbm;

void dl_gbm_free(dl_gbm *m);

/* One evaluation set: a table and its name in the per-round lines ("train", "valid"). */
typedef struct dl_eval_set {
	const dl_table *t;
	const char *name;
} dl_eval_set;

/* A per-round report: round i, the value of each metric on each evaluation set in
 * order (sets x metrics). */
typedef void (*dl_round_fn)(void *ctx, int round, const dl_eval_set *sets, size_t nsets,
			    const char *const *metrics, int nmetrics, const double *values);

/* Trains on train (labels required) with per-round evaluation on sets (may include
 * train itself); early stopping watches the last metric of the last set. Returns the
 * model, or NULL with e filled (bad labels, a metric that does not fit the objective). */
dl_gbm *dl_boost_train(const dl_boost_params *p, const dl_table *train,
		       const dl_eval_set *sets, size_t nsets, dl_round_fn report, void *ctx,
		       dl_err *e);
/* Margins of t's rows: out[n * nclass]. Trees of rounds [0, rounds) (0 = all, or up to
 * best_iteration + 1 when use_best). t's columns must be the model's features in order
 * (dl_table_options.features). */
void dl_gbm_margins(const dl_gbm *m, const dl_table *t, int rounds, dl_pool *pool,
		    double *out);
/* Number of classes (margins per row). */
static inline size_t dl_gbm_nclass(const dl_gbm *m)
{
	return m->obj.nclass > 1 ? (size_t)m->obj.nclass : 1;
}
#endif
