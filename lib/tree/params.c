/*
 * params.c — boosting parameters by XGBoost's names (boost.h).
 */
#include "tree/boost.h"

#include <errno.h>
#include <math.h>
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
		if (dl_objective_parse(v, &p->obj.kind) < 0)
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
