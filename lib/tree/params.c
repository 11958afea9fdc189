/*
 * params.c — boosting parameters: dl-xgb's by XGBoost's names (boost.h), dl-gbdt's by
 * scikit-learn's (gbdt.h).
 */
#include "tree/boost.h"
#include "tree/gbdt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "data/metrics.h"

void dl_boost_defaults(dl_boost_params *p)
{
	memset(p, 0, sizeof *p);
	p->obj = (dl_objective){ DL_OBJ_SQUARED, 1, 1.0, 1.0, 0.7 };
	p->grow = (dl_grow_params){
		.sp = { .lambda = 1.0, .alpha = 0.0, .min_child_weight = 1.0, .max_delta_step = 0.0 },
		.max_depth = 6,
		.eta = 0.3,
		.colsample_bylevel = 1.0,
		.colsample_bynode = 1.0,
	};
	p->subsample = 1.0;
	p->colsample_bytree = 1.0;
	p->base_score = NAN;
	p->max_bin = 256;
	p->rounds = 10;
	p->seed = 0;
	p->threads = 0;
}

void dl_boost_params_free(dl_boost_params *p)
{
	dl_free(p->monotone);
	dl_free(p->monotone_text);
	for (int i = 0; i < p->nmetrics; i++)
		dl_free((char *)p->metrics[i]);
	p->monotone = NULL;
	p->monotone_text = NULL;
	p->nmetrics = 0;
}

static int num(const char *key, const char *v, double lo, double hi, double *out, dl_err *e)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (end == v || *end || errno == ERANGE || isnan(d))
		return dl_errf(e, "%s: '%s' is not a number", key, v);
	if (d < lo || d > hi) {
		if (isinf(hi))
			return dl_errf(e, "%s must be at least %g (got %s)", key, lo, v);
		return dl_errf(e, "%s must be in [%g, %g] (got %s)", key, lo, hi, v);
	}
	*out = d;
	return 0;
}

static int inum(const char *key, const char *v, long lo, long hi, int *out, dl_err *e)
{
	char *end;
	errno = 0;
	long d = strtol(v, &end, 10);
	if (end == v || *end || errno == ERANGE)
		return dl_errf(e, "%s: '%s' is not an integer", key, v);
	if (d < lo || d > hi)
		return dl_errf(e, "%s must be in [%ld, %ld] (got %s)", key, lo, hi, v);
	*out = (int)d;
	return 0;
}

/* "(1,0,-1)" or "1,0,-1" or "[1, 0, -1]" */
static int monotone(dl_boost_params *p, const char *v, dl_err *e)
{
	dl_free(p->monotone);
	p->monotone = NULL;
	p->nmonotone = 0;
	size_t cap = 0;
	const char *s = v;
	while (*s == ' ' || *s == '(' || *s == '[')
		s++;
	while (*s && *s != ')' && *s != ']') {
		char *end;
		long d = strtol(s, &end, 10);
		if (end == s || d < -1 || d > 1) {
			dl_free(p->monotone);
			p->monotone = NULL;
			p->nmonotone = 0;
			return dl_errf(e, "monotone_constraints: '%s' is not a list of -1, 0 and 1", v);
		}
		dl_grow((void **)&p->monotone, &cap, p->nmonotone + 1, 1);
		p->monotone[p->nmonotone++] = (int8_t)d;
		s = end;
		while (*s == ' ' || *s == ',')
			s++;
	}
	dl_free(p->monotone_text);
	p->monotone_text = dl_strdup(v);
	return 0;
}

int dl_boost_set(dl_boost_params *p, const char *k, const char *v, dl_err *e)
{
	double d;
	int i;
	dl_grow_params *g = &p->grow;
#define IS(a) (strcmp(k, a) == 0)
	if (IS("eta") || IS("learning_rate"))
		return num(k, v, 0, 1, &g->eta, e);
	if (IS("gamma") || IS("min_split_loss"))
		return num(k, v, 0, INFINITY, &g->gamma, e);
	if (IS("max_depth"))
		return inum(k, v, 0, 64, &g->max_depth, e);
	if (IS("max_leaves") || IS("num_leaves"))
		return inum(k, v, 0, 1 << 30, &g->max_leaves, e);
	if (IS("min_child_weight"))
		return num(k, v, 0, INFINITY, &g->sp.min_child_weight, e);
	if (IS("max_delta_step")) {
		/* the tree's clip and count:poisson's hessian shift (0.7 until set) */
		p->max_delta_step_set = 1;
		if (num(k, v, 0, INFINITY, &g->sp.max_delta_step, e) < 0)
			return -1;
		p->obj.max_delta_step = g->sp.max_delta_step;
		return 0;
	}
	if (IS("lambda") || IS("reg_lambda"))
		return num(k, v, 0, INFINITY, &g->sp.lambda, e);
	if (IS("alpha") || IS("reg_alpha"))
		return num(k, v, 0, INFINITY, &g->sp.alpha, e);
	if (IS("subsample")) {
		if (num(k, v, 0, 1, &d, e) < 0)
			return -1;
		if (d <= 0)
			return dl_errf(e, "subsample must be in (0, 1] (got %s)", v);
		p->subsample = d;
		return 0;
	}
	if (IS("colsample_bytree") || IS("colsample_bylevel") || IS("colsample_bynode")) {
		if (num(k, v, 0, 1, &d, e) < 0)
			return -1;
		if (d <= 0)
			return dl_errf(e, "%s must be in (0, 1] (got %s)", k, v);
		if (IS("colsample_bytree"))
			p->colsample_bytree = d;
		else if (IS("colsample_bylevel"))
			g->colsample_bylevel = d;
		else
			g->colsample_bynode = d;
		return 0;
	}
	if (IS("grow_policy")) {
		if (strcmp(v, "depthwise") && strcmp(v, "lossguide"))
			return dl_errf(e, "grow_policy: '%s' is not depthwise or lossguide", v);
		g->lossguide = strcmp(v, "lossguide") == 0;
		return 0;
	}
	if (IS("tree_method")) {
		if (strcmp(v, "hist") && strcmp(v, "auto") && strcmp(v, "approx"))
			return dl_errf(e, "tree_method: '%s' is not supported (hist, approx and auto "
				       "all grow histogram trees here)", v);
		return 0;
	}
	if (IS("booster")) {
		if (strcmp(v, "gbtree"))
			return dl_errf(e, "booster: only gbtree is supported (got '%s')", v);
		return 0;
	}
	if (IS("max_bin"))
		return inum(k, v, 2, 256, &p->max_bin, e);
	if (IS("objective")) {
		if (dl_objective_parse(v, &p->obj.kind) < 0 || strncmp(v, "gbdt:", 5) == 0)
			return dl_errf(e, "objective: '%s' is not supported", v);
		return 0;
	}
	if (IS("num_class"))
		return inum(k, v, 1, 1 << 20, &p->obj.nclass, e);
	if (IS("base_score"))
		return num(k, v, -INFINITY, INFINITY, &p->base_score, e);
	if (IS("scale_pos_weight"))
		return num(k, v, 0, INFINITY, &p->obj.scale_pos_weight, e);
	if (IS("huber_slope")) {
		if (num(k, v, 0, INFINITY, &p->obj.huber_slope, e) < 0)
			return -1;
		if (p->obj.huber_slope <= 0)
			return dl_errf(e, "huber_slope must be positive (got %s)", v);
		return 0;
	}
	if (IS("eval_metric")) {
		if (!dl_metric_known(v, NULL))
			return dl_errf(e, "eval_metric: '%s' is not a known metric", v);
		if (p->nmetrics == DL_BOOST_MAX_METRICS)
			return dl_errf(e, "eval_metric: at most %d metrics", DL_BOOST_MAX_METRICS);
		p->metrics[p->nmetrics++] = dl_strdup(v);
		return 0;
	}
	if (IS("seed") || IS("random_state")) {
		char *end;
		errno = 0;
		unsigned long long s = strtoull(v, &end, 10);
		if (end == v || *end || errno == ERANGE || *v == '-')
			return dl_errf(e, "%s: '%s' is not a non-negative integer", k, v);
		p->seed = s;
		return 0;
	}
	if (IS("nthread") || IS("n_jobs"))
		return inum(k, v, 0, 1024, &p->threads, e);
	if (IS("num_round") || IS("n_estimators") || IS("num_boost_round"))
		return inum(k, v, 0, 1 << 30, &p->rounds, e);
	if (IS("early_stopping_rounds"))
		return inum(k, v, 0, 1 << 30, &p->early_stopping, e);
	if (IS("monotone_constraints"))
		return monotone(p, v, e);
	if (IS("verbosity") || IS("silent") || IS("validate_parameters") ||
	    IS("disable_default_eval_metric") || IS("sampling_method") || IS("predictor") ||
	    IS("seed_per_iteration"))
		return 0;       /* accepted, no effect here */
	if (IS("interaction_constraints") && strcmp(v, "") != 0 && strcmp(v, "[]") != 0)
		return dl_errf(e, "interaction_constraints are not supported");
	(void)i;
#undef IS
	return 1;
}

int dl_boost_check(const dl_boost_params *p, dl_err *e)
{
	int multi = p->obj.kind == DL_OBJ_SOFTPROB || p->obj.kind == DL_OBJ_SOFTMAX;
	if (multi && p->obj.nclass < 2)
		return dl_errf(e, "objective %s needs num_class >= 2", dl_objective_name(p->obj.kind));
	if (!multi && p->obj.nclass > 1)
		return dl_errf(e, "num_class is only for multi:softprob and multi:softmax");
	if (p->grow.lossguide == 0 && p->grow.max_depth == 0)
		return dl_errf(e, "max_depth 0 (no limit) needs grow_policy=lossguide");
	if (p->grow.lossguide && p->grow.max_depth == 0 && p->grow.max_leaves == 0)
		return dl_errf(e, "lossguide growth needs max_leaves or max_depth");
	if ((p->obj.kind == DL_OBJ_LOGISTIC || p->obj.kind == DL_OBJ_REGLOGISTIC ||
	     p->obj.kind == DL_OBJ_LOGITRAW) && !isnan(p->base_score) &&
	    (p->base_score <= 0 || p->base_score >= 1))
		return dl_errf(e, "base_score must be in (0, 1) for a logistic objective (got %g)",
			       p->base_score);
	if (p->obj.kind == DL_OBJ_POISSON && !isnan(p->base_score) && p->base_score <= 0)
		return dl_errf(e, "base_score must be positive for count:poisson (got %g)",
			       p->base_score);
	return 0;
}

/* ---- dl-gbdt's parameters (gbdt.h) */

static const struct {
	const char *name;
	int loss;
} losses[] = {
	{ "squared", DL_LOSS_SQUARED }, { "squared_error", DL_LOSS_SQUARED },
	{ "absolute", DL_LOSS_ABSOLUTE }, { "absolute_error", DL_LOSS_ABSOLUTE },
	{ "huber", DL_LOSS_HUBER }, { "quantile", DL_LOSS_QUANTILE },
	{ "logistic", DL_LOSS_LOGISTIC }, { "log_loss", DL_LOSS_LOGISTIC },
	{ "exponential", DL_LOSS_EXPONENTIAL },
};

const char *dl_gbdt_loss_name(int loss)
{
	for (size_t i = 0; i < sizeof losses / sizeof *losses; i++)
		if (losses[i].loss == loss)
			return losses[i].name;
	return "squared";
}

void dl_gbdt_defaults(dl_gbdt_params *p)
{
	memset(p, 0, sizeof *p);
	p->algorithm = DL_GBDT_GRADIENT;
	p->loss = -1;
	p->alpha = 0.9;
	p->learning_rate = NAN;
	p->rounds = -1;
	p->max_depth = -1;
	p->min_samples_leaf = 1;
	p->min_samples_split = 2;
	p->subsample = 1.0;
	p->max_features = 1.0;
	p->max_bin = 256;
	p->seed = 1;
}

void dl_gbdt_params_free(dl_gbdt_params *p)
{
	for (int i = 0; i < p->nmetrics; i++)
		dl_free(p->metrics[i]);
	p->nmetrics = 0;
}

static int real(const char *k, const char *v, double *out, dl_err *e)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (end == v || *end || errno == ERANGE || !isfinite(d))
		return dl_errf(e, "%s: '%s' is not a number", k, v);
	*out = d;
	return 0;
}

int dl_gbdt_set(dl_gbdt_params *p, const char *k, const char *v, dl_err *e)
{
	double d;
#define IS(a) (strcmp(k, a) == 0)
	if (IS("loss")) {
		for (size_t i = 0; i < sizeof losses / sizeof *losses; i++)
			if (strcmp(v, losses[i].name) == 0) {
				p->loss = losses[i].loss;
				return 0;
			}
		return dl_errf(e, "loss: '%s' is not squared, absolute, huber, quantile, logistic "
			       "or exponential", v);
	}
	if (IS("algorithm")) {
		if (strcmp(v, "gradient") == 0)
			p->algorithm = DL_GBDT_GRADIENT;
		else if (strcmp(v, "adaboost") == 0 || strcmp(v, "SAMME") == 0)
			p->algorithm = DL_GBDT_ADABOOST;
		else
			return dl_errf(e, "algorithm: '%s' is not gradient or adaboost", v);
		return 0;
	}
	if (IS("alpha")) {
		if (real(k, v, &d, e) < 0)
			return -1;
		if (!(d > 0 && d < 1))
			return dl_errf(e, "alpha must be in (0, 1) (got %s)", v);
		p->alpha = d;
		return 0;
	}
	if (IS("learning_rate") || IS("eta")) {
		if (real(k, v, &d, e) < 0)
			return -1;
		if (!(d > 0))
			return dl_errf(e, "learning_rate must be positive (got %s)", v);
		p->learning_rate = d;
		return 0;
	}
	if (IS("n_estimators") || IS("num_round"))
		return inum(k, v, 1, 1 << 24, &p->rounds, e);
	if (IS("max_depth"))
		return inum(k, v, 1, 30, &p->max_depth, e);
	if (IS("min_samples_leaf"))
		return inum(k, v, 1, 1 << 30, &p->min_samples_leaf, e);
	if (IS("min_samples_split"))
		return inum(k, v, 2, 1 << 30, &p->min_samples_split, e);
	if (IS("max_bin"))
		return inum(k, v, 2, 65535, &p->max_bin, e);
	if (IS("early_stopping_rounds") || IS("n_iter_no_change"))
		return inum(k, v, 0, 1 << 30, &p->early_stopping, e);
	if (IS("num_class"))
		return inum(k, v, 2, 1 << 20, &p->num_class, e);
	if (IS("subsample")) {
		if (real(k, v, &d, e) < 0)
			return -1;
		if (!(d > 0 && d <= 1))
			return dl_errf(e, "subsample must be in (0, 1] (got %s)", v);
		p->subsample = d;
		return 0;
	}
	if (IS("max_features")) {
		if (strcmp(v, "sqrt") == 0 || strcmp(v, "auto") == 0)
			d = -1;
		else if (strcmp(v, "log2") == 0)
			d = -2;
		else if (real(k, v, &d, e) < 0)
			return -1;
		else if (!(d > 0) || (d > 1 && d != floor(d)))
			return dl_errf(e, "max_features must be a fraction in (0, 1], a count, sqrt "
				       "or log2 (got %s)", v);
		p->max_features = d;
		return 0;
	}
	if (IS("eval_metric")) {
		if (!dl_metric_known(v, NULL))
			return dl_errf(e, "eval_metric: '%s' is not a known metric", v);
		if (p->nmetrics == DL_BOOST_MAX_METRICS)
			return dl_errf(e, "eval_metric: at most %d metrics", DL_BOOST_MAX_METRICS);
		p->metrics[p->nmetrics++] = dl_strdup(v);
		return 0;
	}
#undef IS
	return 1;
}

int dl_gbdt_check(const dl_gbdt_params *p, dl_err *e)
{
	if (p->algorithm == DL_GBDT_ADABOOST) {
		if (p->loss >= 0)
			return dl_errf(e, "--loss is for gradient boosting, not --algorithm adaboost");
		if (p->subsample < 1)
			return dl_errf(e, "--subsample is for gradient boosting, not --algorithm "
				       "adaboost");
	}
	int classify = p->loss == DL_LOSS_LOGISTIC || p->loss == DL_LOSS_EXPONENTIAL ||
		       p->algorithm == DL_GBDT_ADABOOST;
	if (p->num_class && !classify)
		return dl_errf(e, "num_class is only for --loss logistic");
	if (p->loss == DL_LOSS_EXPONENTIAL && p->num_class > 2)
		return dl_errf(e, "loss exponential supports two classes");
	return 0;
}

char *dl_gbdt_params_json(const dl_gbdt_params *p, int loss, int K)
{
	char buf[1024];
	int adaboost = p->algorithm == DL_GBDT_ADABOOST;
	double lr = isnan(p->learning_rate) ? (adaboost ? 1.0 : 0.1) : p->learning_rate;
	int rounds = p->rounds > 0 ? p->rounds : adaboost ? 50 : 100;
	int depth = p->max_depth > 0 ? p->max_depth : adaboost ? 1 : 3;
	char mf[32];
	if (p->max_features == -1)
		snprintf(mf, sizeof mf, "\"sqrt\"");
	else if (p->max_features == -2)
		snprintf(mf, sizeof mf, "\"log2\"");
	else
		snprintf(mf, sizeof mf, "%.12g", p->max_features);
	if (adaboost)
		snprintf(buf, sizeof buf, "{\"algorithm\": \"adaboost\", \"learning_rate\": %.12g, "
			 "\"n_estimators\": %d, \"max_depth\": %d, \"max_bin\": %d, "
			 "\"n_classes\": %d, \"early_stopping_rounds\": %d, \"seed\": %llu}",
			 lr, rounds, depth, p->max_bin, K, p->early_stopping,
			 (unsigned long long)p->seed);
	else
		snprintf(buf, sizeof buf, "{\"algorithm\": \"gradient\", \"loss\": \"%s\", "
			 "\"alpha\": %.12g, \"learning_rate\": %.12g, \"n_estimators\": %d, "
			 "\"max_depth\": %d, \"min_samples_leaf\": %d, \"min_samples_split\": %d, "
			 "\"subsample\": %.12g, "
			 "\"max_features\": %s, \"max_bin\": %d, \"early_stopping_rounds\": %d, "
			 "\"seed\": %llu}",
			 dl_gbdt_loss_name(loss), p->alpha, lr, rounds, depth, p->min_samples_leaf,
			 p->min_samples_split, p->subsample, mf, p->max_bin, p->early_stopping,
			 (unsigned long long)p->seed);
	return dl_strdup(buf);
}
