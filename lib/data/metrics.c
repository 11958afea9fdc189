/*
 * metrics.c — metric names, and the metrics that are a weighted mean of a per-row loss.
 *
 * Each row's loss follows XGBoost 1.7's elementwise and multi-class metrics (the formulas
 * of src/metric/elementwise_metric.cu and multiclass_metric.cu, documented in
 * doc/parameter.rst): the result is sum(w * loss) / sum(w) (sum(w * loss) when the weights
 * sum to 0), and rmse and rmsle take the square root of that. The probability clamps are
 * XGBoost's (eps = 1e-16f); error's threshold is compared in single precision, as there.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/metricpriv.h"
#include "data/metrics.h"

enum kind {
	M_RMSE, M_RMSLE, M_MAE, M_MAPE, M_MPHE, M_LOGLOSS, M_ERROR, M_POISSON, M_MLOGLOSS,
	M_MERROR, M_AUC, M_AUCPR, M_NDCG, M_MAP,
};

struct spec {
	enum kind kind;
	double threshold;       /* error@T */
	unsigned topn;          /* ndcg@K, map@K */
	int minus;
};

static const struct {
	const char *name;
	enum kind kind;
} plain[] = {
	{ "rmse", M_RMSE }, { "rmsle", M_RMSLE }, { "mae", M_MAE }, { "mape", M_MAPE },
	{ "mphe", M_MPHE }, { "logloss", M_LOGLOSS }, { "error", M_ERROR },
	{ "poisson-nloglik", M_POISSON }, { "mlogloss", M_MLOGLOSS }, { "merror", M_MERROR },
	{ "auc", M_AUC }, { "aucpr", M_AUCPR }, { "ndcg", M_NDCG }, { "map", M_MAP },
};

/* "ndcg", "ndcg-", "ndcg@K", "ndcg@K-" (and map). */
static int parse_rank(const char *s, const char *base, enum kind k, struct spec *sp)
{
	size_t n = strlen(base);
	if (strncmp(s, base, n) != 0)
		return 0;
	s += n;
	sp->kind = k;
	sp->topn = UINT32_MAX;
	sp->minus = 0;
	if (*s == '@') {
		char *end;
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		unsigned long v = strtoul(s, &end, 10);
		if (v > UINT32_MAX)
			return 0;
		sp->topn = (unsigned)v;
		s = end;
	}
	if (*s == '-') {
		sp->minus = 1;
		s++;
	}
	return *s == 0;
}

static int parse(const char *name, struct spec *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->threshold = 0.5;
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (strcmp(name, plain[i].name) == 0) {
			sp->kind = plain[i].kind;
			sp->topn = UINT32_MAX;
			return 1;
		}
	if (strncmp(name, "error@", 6) == 0) {
		char *end;
		sp->kind = M_ERROR;
		sp->threshold = strtod(name + 6, &end);
		return end != name + 6 && *end == 0 && isfinite(sp->threshold);
	}
	return parse_rank(name, "ndcg", M_NDCG, sp) || parse_rank(name, "map", M_MAP, sp);
}

int dl_metric_known(const char *name, int *higher_is_better)
{
	struct spec sp;
	if (!name || !parse(name, &sp))
		return 0;
	if (higher_is_better)
		*higher_is_better = sp.kind == M_AUC || sp.kind == M_AUCPR || sp.kind == M_NDCG ||
				    sp.kind == M_MAP;
	return 1;
}

/* The loss of one row for the single-value metrics. */
static double row_loss(const struct spec *sp, double p, double y)
{
	const double eps = 1e-16f;
	switch (sp->kind) {
	case M_RMSE:
		return (p - y) * (p - y);
	case M_RMSLE: {
		double d = log1p(p) - log1p(y);
		return d * d;
	}
	case M_MAE:
		return fabs(y - p);
	case M_MAPE:
		return fabs((y - p) / y);
	case M_MPHE: {
		double d = y - p;
		return sqrt(1 + d * d) - 1;
	}
	case M_LOGLOSS: {
		/* XGBoost's bounds compare in double: a probability of exactly 1 is clamped. */
		double pneg = 1.0 - y;
		if (p < eps)
			return -y * log(eps) - pneg * log(1.0 - eps);
		if (p > 1.0 - eps)
			return -y * log(1.0 - eps) - pneg * log(eps);
		return -y * log(p) - pneg * log(1 - p);
	}
	case M_ERROR:
		return (float)p > (float)sp->threshold ? 1.0 - y : y;   /* XGBoost's floats */
	case M_POISSON: {
		double py = p < eps ? eps : p;
		return lgamma(y + 1.0) + py - log(py) * y;
	}
	default:
		return 0;
	}
}

static int multiclass(const struct spec *sp, const double *pred, size_t n, size_t k,
		      const float *y, const float *w, double *out, dl_err *e)
{
	double esum = 0, wsum = 0;
	for (size_t i = 0; i < n; i++) {
		const double *p = pred + i * k;
		double wt = w ? w[i] : 1;
		if (!(y[i] >= 0 && y[i] < (float)k))
			return dl_errf(e, "label %g is outside [0, %zu)", (double)y[i], k);
		size_t c = (size_t)y[i];
		double loss;
		if (sp->kind == M_MLOGLOSS) {
			loss = p[c] > (double)1e-16f ? -log(p[c]) : -log((double)1e-16f);
		} else {
			size_t best = 0;
			for (size_t j = 1; j < k; j++)
				if (p[j] > p[best])
					best = j;
			loss = best != c;
		}
		esum += loss * wt;
		wsum += wt;
	}
	*out = wsum == 0 ? esum : esum / wsum;
	return 0;
}

int dl_metric_eval(const char *name, const double *pred, size_t n, size_t k,
		   const float *y, const float *w, const size_t *group_ptr, size_t ngroup,
		   double *out, dl_err *e)
{
	struct spec sp;
	if (!name || !parse(name, &sp))
		return dl_errf(e, "unknown metric '%s'", name ? name : "(null)");
	if (k == 0)
		return dl_errf(e, "metric '%s': no values per row", name);
	if (group_ptr) {
		if (group_ptr[0] != 0 || group_ptr[ngroup] != n)
			return dl_errf(e, "the query groups cover %zu rows, not %zu",
				       group_ptr[ngroup] - group_ptr[0], n);
		for (size_t g = 0; g < ngroup; g++)
			if (group_ptr[g + 1] < group_ptr[g])
				return dl_errf(e, "query group %zu ends before it starts", g);
	}
	switch (sp.kind) {
	case M_MLOGLOSS:
	case M_MERROR:
		if (k < 2)
			return dl_errf(e, "metric '%s' needs class probabilities", name);
		return multiclass(&sp, pred, n, k, y, w, out, e);
	case M_AUC:
	case M_AUCPR:
		return dl_metric_auc(sp.kind == M_AUCPR, pred, n, k, y, w, group_ptr, ngroup, out, e);
	case M_NDCG:
	case M_MAP:
		if (k != 1)
			return dl_errf(e, "metric '%s' needs one score per row", name);
		return dl_metric_rank(sp.kind == M_MAP, sp.topn, sp.minus, pred, n, y, group_ptr,
				      ngroup, out, e);
	default:
		break;
	}
	if (k != 1)
		return dl_errf(e, "metric '%s' needs one value per row", name);
	double esum = 0, wsum = 0;
	for (size_t i = 0; i < n; i++) {
		double wt = w ? w[i] : 1;
		esum += row_loss(&sp, pred[i], y[i]) * wt;
		wsum += wt;
	}
	double r = wsum == 0 ? esum : esum / wsum;
	*out = sp.kind == M_RMSE || sp.kind == M_RMSLE ? sqrt(r) : r;
	return 0;
}
