/*
 * objective.h — the loss functions of boosting: gradients and hessians of the loss with
 * respect to the margin, the transformation of margins into predictions, the default
 * metric and the estimated base score. Names and definitions are XGBoost's:
 *
 *   reg:squarederror     l = (m - y)^2 / 2                 g = m - y, h = 1
 *   reg:absoluteerror    l = |m - y|                       g = sign(m - y), h = 1; leaves
 *                        are then re-estimated as the weighted median of the residuals
 *   reg:pseudohubererror l = d^2 (sqrt(1 + ((m - y)/d)^2) - 1), d = huber_slope
 *   reg:logistic, binary:logistic  p = sigmoid(m)          g = p - y, h = p (1 - p)
 *   binary:logitraw      as binary:logistic, predictions are the margins
 *   count:poisson        l = exp(m) - y m                  g = exp(m) - y,
 *                        h = exp(m + max_delta_step)
 *   multi:softprob, multi:softmax  p = softmax(m)          g_k = p_k - [y = k],
 *                        h_k = 2 p_k (1 - p_k); softmax predicts the arg max
 *   rank:pairwise        pairs of one group with different labels (Burges 2010, RankNet):
 *                        for pair (i above j), p = sigmoid(s_i - s_j), g_i -= (1 - p),
 *                        g_j += (1 - p), h_i, h_j += 2 p (1 - p); each row is paired with
 *                        one row of another label drawn at random
 *
 * The first-order boosting of dl-gbdt (gbdt.h) computes its own residuals; it adds three
 * names whose predictions differ from the above only in the transformation:
 *   gbdt:huber           Huber's loss; predictions are the margins (default metric rmse)
 *   gbdt:quantile        the pinball loss of a quantile; predictions are the margins (mae)
 *   gbdt:exponential     AdaBoost's exponential loss l = exp(-(2y - 1) m) on labels 0/1;
 *                        p = sigmoid(2 m) (Friedman, Hastie & Tibshirani 2000; scikit-learn's
 *                        predict_proba); the base margin of a base score p is logit(p) / 2
 * Their gradients here are those of squared error (they are not trained by boost.c).
 * Gradients and hessians are multiplied by the row weights (and scale_pos_weight for the
 * positive rows of binary objectives); hessians are at least 1e-16.
 */
#ifndef DL_TREE_OBJECTIVE_H
#define DL_TREE_OBJECTIVE_H
#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "core/rng.h"
#include "data/table.h"

enum dl_obj {
	DL_OBJ_SQUARED, DL_OBJ_ABSOLUTE, DL_OBJ_PSEUDOHUBER, DL_OBJ_LOGISTIC, DL_OBJ_REGLOGISTIC,
	DL_OBJ_LOGITRAW, DL_OBJ_POISSON, DL_OBJ_SOFTPROB, DL_OBJ_SOFTMAX, DL_OBJ_PAIRWISE,
	DL_OBJ_GBDT_HUBER, DL_OBJ_GBDT_QUANTILE, DL_OBJ_GBDT_EXPONENTIAL,
	DL_OBJ_NONE
};

typedef struct dl_objective {
	enum dl_obj kind;
	int nclass;                     /* 1, or K for the multi-class objectives */
	double huber_slope;
	double scale_pos_weight;
	double max_delta_step;          /* poisson's hessian shift */
} dl_objective;

/* The objective named name (XGBoost's names above); -1 when unknown. */
int dl_objective_parse(const char *name, enum dl_obj *kind);
const char *dl_objective_name(enum dl_obj kind);
/* XGBoost's default evaluation metric of the objective. */
const char *dl_objective_default_metric(enum dl_obj kind);
/* Checks the labels: finite; in [0, 1] for logistic objectives; non-negative for
 * poisson; integers in [0, nclass) for multi-class. Returns 0, or -1 with e filled
 * ("row 12: label 3 is outside [0, 3)"; row numbers are 1-based). */
int dl_objective_check_labels(const dl_objective *o, const float *y, size_t n, dl_err *e);
/* The same checks as table options, so that the reader rejects a bad label at its line
 * ("train.csv:12: label 3 is outside [0, 1] (objective binary:logistic)"): sets
 * t->label_range and its fields for the objectives that restrict labels; the texts
 * live in r, which must outlive the read. */
typedef struct dl_label_texts {
	char range[48], why[64];
} dl_label_texts;
void dl_objective_label_options(const dl_objective *o, dl_label_texts *r,
				dl_table_options *t);
/* The base score (in prediction space) that minimises the loss of a constant: the
 * weighted mean for squared error, logistic and poisson, the weighted median for
 * absolute and pseudo-Huber error, 0.5 for multi-class and ranking. */
double dl_objective_base_score(const dl_objective *o, const float *y, const float *w,
			       size_t n);
/* The median of y[0..n): without weights the middle value (the mean of the two middle
 * ones for even n); with weights the smallest value whose cumulative weight reaches half
 * the total. */
double dl_median(const float *y, const float *w, size_t n);
/* The margin of a base score (logit for logistic, log for poisson, itself otherwise). */
double dl_objective_base_margin(const dl_objective *o, double base_score);
/* Gradient pairs for margins m[n * nclass] (row-major): gh[(k * n + r) * 2 + {0,1}].
 * group_ptr/ngroup: query groups (pairwise only); rng: pair sampling (pairwise only). */
void dl_objective_gradients(const dl_objective *o, const double *m, const float *y,
			    const float *w, size_t n, const size_t *group_ptr, size_t ngroup,
			    dl_rng *rng, float *gh);
/* Predictions from margins, in place: n rows of nclass values (softmax: the predicted
 * class in the first value of each row; the output then has 1 value per row). Returns the
 * number of values per row of the result. */
size_t dl_objective_transform(const dl_objective *o, double *m, size_t n);
#endif
