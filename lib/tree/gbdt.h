/*
 * gbdt.h — first-order gradient boosting (Friedman 2001, "Greedy function approximation:
 * a gradient boosting machine", Ann. Statist. 29(5), algorithms 2-6) and AdaBoost (SAMME,
 * Zhu, Zou, Rosset & Hastie 2009, "Multi-class AdaBoost"; with two classes the discrete
 * AdaBoost of Freund &
 * Schapire 1997), as scikit-learn's GradientBoostingClassifier/Regressor and
 * AdaBoostClassifier(algorithm="SAMME") define them.
 *
 * Gradient boosting: F_0 is the loss's best constant; round m computes the negative
 * gradient r_i (the pseudo-residuals) at F_{m-1}, fits a least-squares regression tree to
 * them, then replaces each leaf's value by the loss's line search over the leaf's rows
 * (the terminal-region update of Friedman's algorithms), times the learning rate:
 *
 *   loss         F_0                        r_i                        leaf value
 *   squared      mean of y                  y - F                      mean of r
 *   absolute     median of y                sign(y - F)                median of y - F
 *   huber        median of y                y - F, clipped to +-delta  median + mean(clip(
 *                (delta = alpha-quantile of |y - F| over all rows)     d - median, delta))
 *   quantile     alpha-quantile of y        alpha or alpha - 1         alpha-quantile of y - F
 *   logistic     log(p / (1 - p))           y - sigmoid(F)             sum r / sum p (1 - p)
 *   (K classes)  log p_k                    [y = k] - softmax_k(F)     (K-1)/K sum r /
 *                                                                       sum p_k (1 - p_k)
 *   exponential  log(p / (1 - p)) / 2       y' exp(-y' F), y' = 2y - 1 sum y' e^(-y'F) /
 *                                                                       sum e^(-y'F)
 * (sums and medians weighted by the row weights; the huber mean is unweighted, as
 * scikit-learn's). Medians and quantiles of leaves are the lower weighted percentile (the
 * smallest value whose cumulative weight reaches the fraction); the unweighted F_0 is
 * numpy's interpolated percentile.
 *
 * The regression tree is the histogram grower of grow.h with g = -w r, h = w, lambda = 0
 * and min_child_weight = min_samples_leaf: its split gain G_L^2/H_L + G_R^2/H_R - G^2/H is
 * the reduction of the weighted squared error, which is scikit-learn's friedman_mse
 * improvement for unit weights. Stochastic gradient boosting (Friedman 2002) fits each
 * round on floor(subsample * n) rows drawn without replacement; the line search uses them
 * only, the margins of all rows are updated.
 *
 * AdaBoost (labels 0 .. K-1): the sample weights start at w_i / sum w; each round grows a
 * weighted classification tree whose leaves predict their weighted majority class,
 * err = the weight of the misclassified rows over the total, the tree's weight is
 * a = learning_rate * (log((1 - err) / err) + log(K - 1)), and the misclassified rows'
 * weights are multiplied by e^a and all renormalised. Boosting stops at err = 0 (that
 * tree weighs 1) or err >= 1 - 1/K (the tree is dropped). For two classes the tree is the
 * grower's with g = -w y, h = w (the same splits as weighted Gini impurity, to which the
 * variance of a 0/1 label is proportional), the model's margin is
 * d = sum_m a_m s_m(x) / sum_m a_m with s_m = +1 or -1 the tree's class (scikit-learn's
 * SAMME decision_function) and the probability of class 1 sigmoid(d) (its predict_proba:
 * the softmax of (-d/2, d/2)). For K > 2 the tree is a Gini CART (cart.h) and the model
 * holds K trees a round; class k's margin is sum_m a_m [tree m predicts k] /
 * (sum_m a_m (K - 1)), whose softmax is scikit-learn's predict_proba.
 *
 * The model is the boosting model of boost.h: binary:logistic, multi:softprob,
 * reg:squarederror, reg:absoluteerror, or gbdt:huber, gbdt:quantile, gbdt:exponential
 * (objective.h). For K classes the log-priors F_0 are added to the first round's trees.
 */
#ifndef DL_TREE_GBDT_H
#define DL_TREE_GBDT_H
#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "data/table.h"
#include "tree/boost.h"

enum dl_gbdt_loss {
	DL_LOSS_SQUARED, DL_LOSS_ABSOLUTE, DL_LOSS_HUBER, DL_LOSS_QUANTILE, DL_LOSS_LOGISTIC,
	DL_LOSS_EXPONENTIAL
};
enum dl_gbdt_algorithm { DL_GBDT_GRADIENT, DL_GBDT_ADABOOST };

typedef struct dl_gbdt_params {
	int algorithm;                  /* enum dl_gbdt_algorithm */
	int loss;                       /* enum dl_gbdt_loss; -1 = not given (squared) */
	double alpha;                   /* huber and quantile; default 0.9 */
	double learning_rate;           /* NAN: 0.1 (gradient), 1 (adaboost) */
	int rounds;                     /* -1: 100 (gradient), 50 (adaboost) */
	int max_depth;                  /* -1: 3 (gradient), 1 (adaboost) */
	int min_samples_leaf;           /* default 1 */
	int min_samples_split;          /* default 2: nodes of fewer rows (weight) are leaves */
	double subsample;               /* default 1 */
	double max_features;            /* > 1: a count; (0, 1]: a fraction; -1 sqrt, -2 log2 */
	int max_bin;                    /* default 256 */
	int early_stopping;             /* 0 = off */
	int num_class;                  /* 0: the largest label + 1 (classification) */
	uint64_t seed;
	int threads;
	char *metrics[DL_BOOST_MAX_METRICS];
	int nmetrics;
} dl_gbdt_params;

void dl_gbdt_defaults(dl_gbdt_params *p);
/* Sets one parameter by scikit-learn's name: loss (squared, absolute, huber, quantile,
 * logistic, exponential; also squared_error, absolute_error, log_loss), alpha,
 * learning_rate (eta), n_estimators (num_round), max_depth, min_samples_leaf,
 * min_samples_split, subsample,
 * max_features, max_bin, early_stopping_rounds (n_iter_no_change), eval_metric,
 * algorithm (gradient, adaboost), num_class. Returns 0, 1 for an unknown name, or -1
 * with e filled for a bad value ("alpha must be in (0, 1) (got 1.5)"). */
int dl_gbdt_set(dl_gbdt_params *p, const char *key, const char *value, dl_err *e);
/* Checks the combination (loss with adaboost, ...). Returns 0 or -1 with e filled. */
int dl_gbdt_check(const dl_gbdt_params *p, dl_err *e);
void dl_gbdt_params_free(dl_gbdt_params *p);
/* The loss's name ("huber"). */
const char *dl_gbdt_loss_name(int loss);
/* The effective parameters (defaults resolved for the algorithm; loss and K classes as
 * trained) as a JSON object for the model file; to be freed. */
char *dl_gbdt_params_json(const dl_gbdt_params *p, int loss, int K);

/* Trains as boost.h's dl_boost_train does (evaluation sets, per-round report, early
 * stopping on the last metric of the last set). Returns the model, or NULL with e filled
 * for bad labels ("row 3: label 2 is not 0 or 1 (loss exponential)"). */
dl_gbm *dl_gbdt_train(const dl_gbdt_params *p, const dl_table *train,
		      const dl_eval_set *sets, size_t nsets, dl_round_fn report, void *ctx,
		      dl_err *e);

/* ---- the line searches, for the tests */

typedef struct dl_gbdt_vw {
	double v, w;
} dl_gbdt_vw;

/* scikit-learn's _weighted_percentile: sorts a[0..n) by value and returns the first value
 * whose cumulative weight reaches q times the total (q in [0, 1]); 0 for n = 0. */
double dl_gbdt_percentile_weighted(dl_gbdt_vw *a, size_t n, double q);
/* numpy.percentile(v, 100 q): linear interpolation between the closest ranks; sorts v. */
double dl_gbdt_percentile_linear(double *v, size_t n, double q);
/* The Huber leaf value of the differences y - F in a[] (weights in .w): the weighted
 * median plus the unweighted mean of the differences from it clipped to [-delta, delta]. */
double dl_gbdt_huber_step(dl_gbdt_vw *a, size_t n, double delta);
/* The Newton step of the logistic loss: sum w r / sum w (y - r)(1 - y + r), times
 * (K - 1) / K for K > 2 classes; 0 when the denominator is below 1e-150. w may be NULL. */
double dl_gbdt_newton_step(const double *r, const double *y, const double *w, size_t n, int K);
/* F_0 of the loss for labels y (weights w or NULL): margins out[0..K), K = 1 except for
 * logistic with K > 2 classes. Returns the base score in prediction space (the margin
 * itself; the class-1 probability for logistic and exponential; 0 for K classes). */
double dl_gbdt_init(int loss, double alpha, const float *y, const float *w, size_t n, int K,
		    double *out);
#endif
