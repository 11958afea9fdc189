/*
 * objective.c — gradients, transformations and base scores of the boosting objectives
 * (definitions in objective.h).
 */
#include "tree/objective.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static const struct {
	const char *name, *metric;
	enum dl_obj kind;
} objs[] = {
	{ "reg:squarederror", "rmse", DL_OBJ_SQUARED },
	{ "reg:linear", "rmse", DL_OBJ_SQUARED },
	{ "reg:absoluteerror", "mae", DL_OBJ_ABSOLUTE },
	{ "reg:pseudohubererror", "mphe", DL_OBJ_PSEUDOHUBER },
	{ "binary:logistic", "logloss", DL_OBJ_LOGISTIC },
	{ "reg:logistic", "rmse", DL_OBJ_REGLOGISTIC },
	{ "binary:logitraw", "auc", DL_OBJ_LOGITRAW },
	{ "count:poisson", "poisson-nloglik", DL_OBJ_POISSON },
	{ "multi:softprob", "mlogloss", DL_OBJ_SOFTPROB },
	{ "multi:softmax", "mlogloss", DL_OBJ_SOFTMAX },
	{ "rank:pairwise", "map", DL_OBJ_PAIRWISE },
	{ "gbdt:huber", "rmse", DL_OBJ_GBDT_HUBER },
	{ "gbdt:quantile", "mae", DL_OBJ_GBDT_QUANTILE },
	{ "gbdt:exponential", "logloss", DL_OBJ_GBDT_EXPONENTIAL },
};

int dl_objective_parse(const char *name, enum dl_obj *kind)
{
	for (size_t i = 0; i < sizeof objs / sizeof *objs; i++)
		if (strcmp(name, objs[i].name) == 0) {
			*kind = objs[i].kind;
			return 0;
		}
	return -1;
}

const char *dl_objective_name(enum dl_obj kind)
{
	for (size_t i = 0; i < sizeof objs / sizeof *objs; i++)
		if (objs[i].kind == kind && strcmp(objs[i].name, "reg:linear") != 0)
			return objs[i].name;
	return "?";
}

const char *dl_objective_default_metric(enum dl_obj kind)
{
	for (size_t i = 0; i < sizeof objs / sizeof *objs; i++)
		if (objs[i].kind == kind)
			return objs[i].metric;
	return "rmse";
}

static int is_logistic(enum dl_obj k)
{
	return k == DL_OBJ_LOGISTIC || k == DL_OBJ_REGLOGISTIC || k == DL_OBJ_LOGITRAW ||
	       k == DL_OBJ_GBDT_EXPONENTIAL;
}

static int is_multi(enum dl_obj k)
{
	return k == DL_OBJ_SOFTPROB || k == DL_OBJ_SOFTMAX;
}

void dl_objective_label_options(const dl_objective *o, dl_label_texts *r,
				dl_table_options *t)
{
	if (is_logistic(o->kind)) {
		t->label_min = 0;
		t->label_max = 1;
		snprintf(r->range, sizeof r->range, "[0, 1]");
		snprintf(r->why, sizeof r->why, "objective %s", dl_objective_name(o->kind));
	} else if (o->kind == DL_OBJ_POISSON) {
		t->label_min = 0;
		t->label_max = INFINITY;
		snprintf(r->range, sizeof r->range, "[0, inf)");
		snprintf(r->why, sizeof r->why, "objective count:poisson");
	} else if (is_multi(o->kind) && o->nclass > 0) {
		t->label_min = 0;
		t->label_max = o->nclass - 1;
		t->label_whole = 1;
		snprintf(r->range, sizeof r->range, "[0, %d)", o->nclass);
		snprintf(r->why, sizeof r->why, "num_class %d", o->nclass);
	} else {
		return;
	}
	t->label_range = 1;
	t->label_range_text = r->range;
	t->label_why = r->why;
}

int dl_objective_check_labels(const dl_objective *o, const float *y, size_t n, dl_err *e)
{
	for (size_t i = 0; i < n; i++) {
		double v = y[i];
		if (!isfinite(v))
			return dl_errf(e, "row %zu: label is %s", i + 1, isnan(v) ? "NaN" : "infinite");
		if (is_logistic(o->kind) && (v < 0 || v > 1))
			return dl_errf(e, "row %zu: label %g is outside [0, 1] (objective %s)", i + 1,
				       v, dl_objective_name(o->kind));
		if (o->kind == DL_OBJ_POISSON && v < 0)
			return dl_errf(e, "row %zu: label %g is negative (objective count:poisson)",
				       i + 1, v);
		if (is_multi(o->kind) && (v < 0 || v >= o->nclass || v != floor(v)))
			return dl_errf(e, "row %zu: label %g is outside [0, %d) (num_class %d)",
				       i + 1, v, o->nclass, o->nclass);
	}
	return 0;
}

struct wv {
	float v, w;
};

static int cmp_wv(const void *a, const void *b)
{
	float x = ((const struct wv *)a)->v, y = ((const struct wv *)b)->v;
	return (x > y) - (x < y);
}

double dl_median(const float *y, const float *w, size_t n)
{
	if (n == 0)
		return 0;
	struct wv *a = dl_mallocarray(n, sizeof *a);
	double total = 0;
	for (size_t i = 0; i < n; i++) {
		a[i] = (struct wv){ y[i], w ? w[i] : 1.0f };
		total += a[i].w;
	}
	qsort(a, n, sizeof *a, cmp_wv);
	double m = a[n - 1].v;
	if (!w) {
		m = n % 2 ? a[n / 2].v : 0.5 * ((double)a[n / 2 - 1].v + a[n / 2].v);
	} else {
		double acc = 0;
		for (size_t i = 0; i < n; i++) {
			acc += a[i].w;
			if (acc >= total / 2) {
				m = a[i].v;
				break;
			}
		}
	}
	dl_free(a);
	return m;
}

double dl_objective_base_score(const dl_objective *o, const float *y, const float *w, size_t n)
{
	if (is_multi(o->kind) || o->kind == DL_OBJ_PAIRWISE || n == 0)
		return 0.5;
	if (o->kind == DL_OBJ_ABSOLUTE || o->kind == DL_OBJ_PSEUDOHUBER ||
	    o->kind == DL_OBJ_GBDT_HUBER || o->kind == DL_OBJ_GBDT_QUANTILE)
		return dl_median(y, w, n);
	double s = 0, sw = 0;
	for (size_t i = 0; i < n; i++) {
		double wi = w ? w[i] : 1.0;
		s += wi * y[i];
		sw += wi;
	}
	double m = sw > 0 ? s / sw : 0.5;
	if (is_logistic(o->kind)) {
		if (m < 1e-6)
			m = 1e-6;
		if (m > 1 - 1e-6)
			m = 1 - 1e-6;
	}
	if (o->kind == DL_OBJ_POISSON && m < 1e-6)
		m = 1e-6;
	return m;
}

double dl_objective_base_margin(const dl_objective *o, double b)
{
	if (o->kind == DL_OBJ_GBDT_EXPONENTIAL)
		return -0.5 * log(1.0 / b - 1.0);
	if (is_logistic(o->kind))
		return -log(1.0 / b - 1.0);
	if (o->kind == DL_OBJ_POISSON)
		return log(b);
	return b;
}

static inline double sigmoid(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

#define HESS_MIN 1e-16

static void pairwise(const double *m, const float *y, const float *w, size_t n,
		     const size_t *gp, size_t ng, dl_rng *rng, float *gh)
{
	size_t one[2] = { 0, n };
	if (!gp) {
		gp = one;
		ng = 1;
	}
	size_t cap = 0;
	uint32_t *idx = NULL;
	for (size_t q = 0; q < ng; q++) {
		size_t b = gp[q], len = gp[q + 1] - b;
		if (len > cap) {
			idx = dl_reallocarray(idx, len, sizeof *idx);
			cap = len;
		}
		/* rows of the group by label, highest first (insertion sort: groups are small) */
		for (size_t i = 0; i < len; i++) {
			size_t j = i;
			while (j > 0 && y[b + idx[j - 1]] < y[b + i]) {
				idx[j] = idx[j - 1];
				j--;
			}
			idx[j] = (uint32_t)i;
		}
		/* buckets of equal label: each row is paired with a random row outside its bucket */
		for (size_t s = 0; s < len;) {
			size_t e = s + 1;
			while (e < len && y[b + idx[e]] == y[b + idx[s]])
				e++;
			size_t others = len - (e - s);
			for (size_t i = s; i < e && others > 0; i++) {
				size_t k = (size_t)dl_rng_below(rng, others);
				size_t j = k < s ? k : k + (e - s);
				size_t hi = b + idx[i < j ? i : j], lo = b + idx[i < j ? j : i];
				double p = sigmoid(m[hi] - m[lo]);
				double g = p - 1.0, h = p * (1.0 - p);
				if (h < HESS_MIN)
					h = HESS_MIN;
				double wt = w ? w[b] : 1.0;
				gh[2 * hi] += (float)(g * wt);
				gh[2 * hi + 1] += (float)(2.0 * h * wt);
				gh[2 * lo] -= (float)(g * wt);
				gh[2 * lo + 1] += (float)(2.0 * h * wt);
			}
			s = e;
		}
	}
	dl_free(idx);
}

void dl_objective_gradients(const dl_objective *o, const double *m, const float *y,
			    const float *w, size_t n, const size_t *group_ptr, size_t ngroup,
			    dl_rng *rng, float *gh)
{
	if (o->kind == DL_OBJ_PAIRWISE) {
		memset(gh, 0, 2 * n * sizeof *gh);
		pairwise(m, y, w, n, group_ptr, ngroup, rng, gh);
		return;
	}
	if (is_multi(o->kind)) {
		int K = o->nclass;
		double p[K > 0 ? K : 1];
		for (size_t r = 0; r < n; r++) {
			const double *mr = m + r * (size_t)K;
			double mx = mr[0], s = 0;
			for (int k = 1; k < K; k++)
				if (mr[k] > mx)
					mx = mr[k];
			for (int k = 0; k < K; k++)
				s += p[k] = exp(mr[k] - mx);
			double wt = w ? w[r] : 1.0;
			int lab = (int)y[r];
			for (int k = 0; k < K; k++) {
				double pk = p[k] / s;
				double h = 2.0 * pk * (1.0 - pk);
				if (h < HESS_MIN)
					h = HESS_MIN;
				float *c = gh + ((size_t)k * n + r) * 2;
				c[0] = (float)((pk - (k == lab)) * wt);
				c[1] = (float)(h * wt);
			}
		}
		return;
	}
	for (size_t r = 0; r < n; r++) {
		double wt = w ? w[r] : 1.0, mr = m[r], yr = y[r], g, h;
		switch (o->kind) {
		case DL_OBJ_ABSOLUTE:
			g = (mr > yr) - (mr < yr);
			h = 1.0;
			break;
		case DL_OBJ_PSEUDOHUBER: {
			double d = o->huber_slope, z = mr - yr, s = 1.0 + (z / d) * (z / d);
			double rs = sqrt(s);
			g = z / rs;
			h = 1.0 / (s * rs);
			break;
		}
		case DL_OBJ_LOGISTIC:
		case DL_OBJ_REGLOGISTIC:
		case DL_OBJ_LOGITRAW: {
			double p = sigmoid(mr);
			g = p - yr;
			h = p * (1.0 - p);
			if (yr == 1.0)
				wt *= o->scale_pos_weight;
			break;
		}
		case DL_OBJ_POISSON:
			g = exp(mr) - yr;
			h = exp(mr + o->max_delta_step);
			break;
		default:
			g = mr - yr;
			h = 1.0;
			break;
		}
		if (h < HESS_MIN)
			h = HESS_MIN;
		gh[2 * r] = (float)(g * wt);
		gh[2 * r + 1] = (float)(h * wt);
	}
}

size_t dl_objective_transform(const dl_objective *o, double *m, size_t n)
{
	switch (o->kind) {
	case DL_OBJ_LOGISTIC:
	case DL_OBJ_REGLOGISTIC:
		for (size_t r = 0; r < n; r++)
			m[r] = sigmoid(m[r]);
		return 1;
	case DL_OBJ_GBDT_EXPONENTIAL:
		for (size_t r = 0; r < n; r++)
			m[r] = sigmoid(2.0 * m[r]);
		return 1;
	case DL_OBJ_POISSON:
		for (size_t r = 0; r < n; r++)
			m[r] = exp(m[r]);
		return 1;
	case DL_OBJ_SOFTPROB:
	case DL_OBJ_SOFTMAX: {
		size_t K = (size_t)o->nclass;
		for (size_t r = 0; r < n; r++) {
			double *mr = m + r * K, mx = mr[0], s = 0;
			size_t best = 0;
			for (size_t k = 1; k < K; k++)
				if (mr[k] > mx) {
					mx = mr[k];
					best = k;
				}
			if (o->kind == DL_OBJ_SOFTMAX) {
				m[r] = (double)best;
				continue;
			}
			for (size_t k = 0; k < K; k++)
				s += mr[k] = exp(mr[k] - mx);
			for (size_t k = 0; k < K; k++)
				mr[k] /= s;
		}
		return o->kind == DL_OBJ_SOFTMAX ? 1 : K;
	}
	default:
		return 1;
	}
}
