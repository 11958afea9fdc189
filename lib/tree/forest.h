/*
 * forest.h — random forests (Breiman 2001, "Random Forests", Machine Learning 45:5-32):
 * CART trees (cart.h) grown on bootstrap samples of the rows with a random subset of the
 * features tried at each node; out-of-bag (OOB) error and importances; prediction; the
 * model file.
 *
 * Training. Tree i draws its sample and features from its own random stream (stream i of
 * the seed, rng.h), and trees are combined in their order, so a forest does not depend on
 * the number of threads: the same data, parameters and seed give the same model, bit for
 * bit, on any number of threads. The sample is round(n * sample_fraction) draws with
 * replacement (each row's count of draws is its multiplicity in the tree), or that many
 * distinct rows without. Rows a tree did not draw are its out-of-bag rows.
 *
 * Voting forests (votes): each leaf's class frequencies are replaced by a vote, 1 for the
 * class of the largest frequency (the lowest class on ties) and 0 for the others, as soon
 * as the tree is grown; the forest's "probabilities" are then the fractions of the trees
 * voting for each class, and everything below applies to them unchanged.
 *
 * OOB: row r's OOB prediction is the mean of the leaf values (class frequencies, or
 * means) of the trees for which r is out of bag; rows in every sample have none. The OOB
 * error is measured on the rows that have one: accuracy (argmax of the mean frequencies,
 * the lowest class on ties) and logloss (probabilities clipped to [1e-15, 1 - 1e-15]) for
 * classification, the mean squared error and R^2 = 1 - MSE / (the variance of their
 * labels) for regression; unweighted, as scikit-learn's oob_score_.
 *
 * Importance: impurity (mean decrease in impurity): for each feature, the sum of the
 * decreases of the splits on it (cart.h's gains) over the forest divided by the number of
 * trees (ranger's "impurity"); permutation (Breiman 2001, section 10; ranger's
 * "permutation"): for each tree, the increase of its error on its OOB rows when the
 * feature's values are permuted among them (misclassification rate for classification,
 * MSE for regression), averaged over the trees. The first is computed from a model, the
 * second during training and stored in it.
 *
 * The model file (JSON; dl-rf(1)):
 *   {"format": "dl-forest", "version": 1, "learner": "dl-rf",
 *    "task": "classification" | "regression", "num_class": K (1 for regression),
 *    "features": [...], "params": {...},
 *    "oob": {"rows": N, "accuracy": A, "logloss": L} | {"rows": N, "mse": M, "r2": R},
 *    "importance": {"type": "permutation", "values": [...]}      (when computed)
 *    "quantreg": {"y": [n labels], "leaves": [[n leaf indices], ...one per tree]}
 *                                 (regression trained with quantreg)
 *    "trees": [tree, ...]}        (model.h's dl_tree_json_put, vdim K or 1)
 * Reading validates all of it: a model file is outside data.
 *
 * Quantile regression forests (Meinshausen 2006, "Quantile Regression Forests", JMLR
 * 7:983-999): a regression forest trained with quantreg keeps the labels of its n training
 * rows and the leaf each of them falls into in each tree (all n rows, in the bag or not, as
 * in the paper). For a new row x that reaches leaf l_t(x) of tree t, training row i has the
 * weight w_i(x) = (1/T) sum_t [i in l_t(x)] / |l_t(x)|, the estimated conditional
 * distribution is F(y | x) = sum_i w_i(x) [y_i <= y], and the alpha-quantile is the
 * smallest training label y with F(y | x) >= alpha (up to a rounding slack of 1e-12).
 * Instance weights do not enter the quantile weights.
 */
#ifndef DL_TREE_FOREST_H
#define DL_TREE_FOREST_H
#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "core/io.h"
#include "core/rng.h"
#include "core/threads.h"
#include "data/table.h"
#include "tree/cart.h"
#include "tree/tree.h"

enum dl_forest_task { DL_FOREST_AUTO, DL_FOREST_CLASSIFICATION, DL_FOREST_REGRESSION };
enum dl_forest_importance { DL_FOREST_IMP_NONE, DL_FOREST_IMP_IMPURITY,
			    DL_FOREST_IMP_PERMUTATION };
enum dl_mtry_rule { DL_MTRY_DEFAULT, DL_MTRY_SQRT, DL_MTRY_LOG2, DL_MTRY_COUNT,
		    DL_MTRY_FRACTION };

/* Classification with auto: labels that are all integers in [0, DL_FOREST_AUTO_CLASSES). */
#define DL_FOREST_AUTO_CLASSES 32
#define DL_FOREST_MAX_CLASSES 65536

typedef struct dl_forest_params {
	enum dl_forest_task task;
	int ntree;                      /* default 500 */
	enum dl_mtry_rule mtry_rule;    /* DEFAULT: sqrt(d) classification, d/3 regression */
	double mtry;                    /* COUNT: the count; FRACTION: in (0, 1] */
	double min_node_size;           /* < 0: 1 classification, 5 regression */
	int max_depth;                  /* 0: unlimited */
	double sample_fraction;         /* 0: 1 with replacement, 0.632 without */
	int replace;                    /* 1 (default): bootstrap with replacement */
	enum dl_cart_criterion criterion;       /* VARIANCE is forced for regression */
	int extratrees;
	enum dl_forest_importance importance;
	const double *class_weights;    /* NULL, or nclass_weights weights of the classes */
	size_t nclass_weights;
	int max_bin;                    /* default 256 */
	int exact;                      /* 1: exact splits (cart.h), no binning */
	int votes;                      /* classification: 1 each tree votes for the majority
					 * class of its leaf (ranger without probability), 0
					 * (default) a probability forest */
	int quantreg;                   /* 1: keep what quantile predictions need */
	int threads;                    /* >= 1 */
	uint64_t seed;
} dl_forest_params;

typedef struct dl_forest {
	enum dl_forest_task task;
	int nclass;                     /* K for classification, 1 for regression */
	size_t nfeat;
	char **features;
	size_t ntree;
	dl_tree **trees;                /* vdim K (classification) or 1 */
	char *params_json;              /* a JSON object, or NULL */
	/* OOB error (oob_rows 0: none) */
	size_t oob_rows;
	double oob_accuracy, oob_logloss, oob_mse, oob_r2;
	double *perm_importance;        /* nfeat, or NULL */
	/* quantile regression (qrows 0: none): the training labels, and the leaf of training
	 * row r in tree i at qleaf[i * qrows + r] */
	size_t qrows;
	float *qy;
	int32_t *qleaf;
} dl_forest;

void dl_forest_defaults(dl_forest_params *p);
/* The number of features tried at each node for d features and the task (>= 1); -1 when a
 * count exceeds d. */
long dl_forest_mtry(const dl_forest_params *p, enum dl_forest_task task, size_t d);
/* The task auto resolves to for these labels. */
enum dl_forest_task dl_forest_auto_task(const float *y, size_t n);

/* Trains a forest on t (label required). oob (may be NULL) receives n rows of vdim values:
 * each row's OOB prediction (NaN when it has none). Returns NULL with e filled on bad labels
 * ("label 2.5 of row 7 is not a class index 0, 1, ..."), a --mtry above the number of
 * features, or class weights that do not match the classes. */
dl_forest *dl_forest_train(const dl_forest_params *p, const dl_table *t, double *oob,
			   dl_err *e);
void dl_forest_free(dl_forest *f);
/* The sample of tree `tree` (its random stream of seed; rng receives the stream after the
 * draws, for the tree's growth): count[r] = how many of the ndraw draws took row r of n,
 * with replacement or without (then 0 or 1; idx is n indices of scratch space). */
void dl_forest_sample(uint64_t seed, size_t tree, size_t n, size_t ndraw, int replace,
		      float *count, uint32_t *idx, dl_rng *rng);

/* Predictions for the rows of dense table t (its columns the model's features): n rows of
 * nclass values (the mean of the trees' class frequencies, or of their values). Rows are
 * spread over the pool; each row's sum runs over the trees in order. */
void dl_forest_predict(const dl_forest *f, const dl_table *t, dl_pool *pool, double *out);
/* The values of one row as dl-rf predict prints them: for binary classification the
 * probability of class 1 only. Returns the number of values per row (1, K or 1). */
size_t dl_forest_output_dim(const dl_forest *f);
/* Quantile predictions of a forest with quantile data (f->qrows > 0): for every row of
 * dense table t, the nq quantiles probs[0..nq) (each in [0, 1]) of its estimated
 * conditional distribution, out[r * nq + j]. Rows are spread over the pool. */
void dl_forest_quantiles(const dl_forest *f, const dl_table *t, const double *probs,
			 size_t nq, dl_pool *pool, double *out);
/* Impurity importance of each feature (out[nfeat]), from the trees' gains. */
void dl_forest_impurity_importance(const dl_forest *f, double *out);

void dl_forest_write(const dl_forest *f, dl_out *out);
dl_forest *dl_forest_read(const char *path, dl_err *e);
dl_forest *dl_forest_read_mem(const char *text, size_t len, const char *name, dl_err *e);
/* The same with the trees read in parallel on pool (NULL: the calling thread). */
dl_forest *dl_forest_read_pool(const char *path, dl_pool *pool, dl_err *e);
dl_forest *dl_forest_read_mem_pool(const char *text, size_t len, const char *name,
				   dl_pool *pool, dl_err *e);
#endif
