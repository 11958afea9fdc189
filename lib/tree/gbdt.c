/*
 * gbdt.c — first-order gradient boosting and AdaBoost (gbdt.h): parameters, the initial
 * constants and line searches of the losses, and the two training loops.
 */
#include "tree/gbdt.h"
#include "tree/adaboost.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "data/metrics.h"
#include "tree/bins.h"
#include "tree/cart.h"
#include "tree/grow.h"

/* ---- percentiles and line searches */

static int cmp_vw(const void *x, const void *y)
{
	double a = ((const dl_gbdt_vw *)x)->v, b = ((const dl_gbdt_vw *)y)->v;
	return (a > b) - (a < b);
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

double dl_gbdt_percentile_weighted(dl_gbdt_vw *a, size_t n, double q)
{
	if (n == 0)
		return 0;
	qsort(a, n, sizeof *a, cmp_vw);
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += a[i].w;
	double target = q * total;
	if (target == 0)        /* skip leading zero weights, as scikit-learn */
		target = nextafter(0.0, 1.0);
	double acc = 0;
	for (size_t i = 0; i < n; i++) {
		acc += a[i].w;
		if (acc >= target)
			return a[i].v;
	}
	return a[n - 1].v;
}

double dl_gbdt_percentile_linear(double *v, size_t n, double q)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)floor(pos);
	if (lo >= n - 1)
		return v[n - 1];
	double f = pos - (double)lo;
	/* numpy's _lerp: a + (b - a) t, or b - (b - a)(1 - t) for t >= 0.5 */
	double diff = v[lo + 1] - v[lo];
	return f >= 0.5 ? v[lo + 1] - diff * (1.0 - f) : v[lo] + diff * f;
}

double dl_gbdt_huber_step(dl_gbdt_vw *a, size_t n, double delta)
{
	if (n == 0)
		return 0;
	double med = dl_gbdt_percentile_weighted(a, n, 0.5), s = 0;
	for (size_t i = 0; i < n; i++) {
		double d = a[i].v - med;
		s += d > 0 ? fmin(d, delta) : d < 0 ? -fmin(-d, delta) : 0.0;
	}
	return med + s / (double)n;
}

double dl_gbdt_newton_step(const double *r, const double *y, const double *w, size_t n, int K)
{
	double num = 0, den = 0;
	for (size_t i = 0; i < n; i++) {
		double wi = w ? w[i] : 1.0;
		num += wi * r[i];
		den += wi * (y[i] - r[i]) * (1.0 - y[i] + r[i]);
	}
	if (K > 2)
		num *= (double)(K - 1) / (double)K;
	return fabs(den) < 1e-150 ? 0.0 : num / den;
}

#define PROB_EPS ((double)FLT_EPSILON)  /* scikit-learn clips priors to float32's eps */

static double clip_prob(double p)
{
	return p < PROB_EPS ? PROB_EPS : p > 1 - PROB_EPS ? 1 - PROB_EPS : p;
}

double dl_gbdt_init(int loss, double alpha, const float *y, const float *w, size_t n, int K,
		    double *out)
{
	double q = loss == DL_LOSS_QUANTILE ? alpha : 0.5;
	switch (loss) {
	case DL_LOSS_ABSOLUTE:
	case DL_LOSS_HUBER:
	case DL_LOSS_QUANTILE: {
		/* scikit-learn's DummyRegressor: numpy's percentile, or the weighted one */
		double v;
		if (w) {
			dl_gbdt_vw *a = dl_mallocarray(n + 1, sizeof *a);
			for (size_t i = 0; i < n; i++)
				a[i] = (dl_gbdt_vw){ y[i], w[i] };
			v = dl_gbdt_percentile_weighted(a, n, q);
			dl_free(a);
		} else {
			double *a = dl_mallocarray(n + 1, sizeof *a);
			for (size_t i = 0; i < n; i++)
				a[i] = y[i];
			v = dl_gbdt_percentile_linear(a, n, q);
			dl_free(a);
		}
		out[0] = v;
		return v;
	}
	case DL_LOSS_LOGISTIC:
	case DL_LOSS_EXPONENTIAL: {
		int nk = K > 2 ? K : 2;
		double *c = dl_calloc((size_t)nk, sizeof *c), tot = 0;
		for (size_t i = 0; i < n; i++) {
			double wi = w ? w[i] : 1.0;
			c[(int)y[i]] += wi;
			tot += wi;
		}
		double base;
		if (K > 2) {
			for (int k = 0; k < K; k++)
				out[k] = log(clip_prob(tot > 0 ? c[k] / tot : 1.0 / K));
			base = 0;
		} else {
			base = clip_prob(tot > 0 ? c[1] / tot : 0.5);
			out[0] = (loss == DL_LOSS_EXPONENTIAL ? -0.5 : -1.0) * log(1.0 / base - 1.0);
		}
		dl_free(c);
		return base;
	}
	default: {
		double s = 0, sw = 0;
		for (size_t i = 0; i < n; i++) {
			double wi = w ? w[i] : 1.0;
			s += wi * y[i];
			sw += wi;
		}
		out[0] = sw > 0 ? s / sw : 0;
		return out[0];
	}
	}
}

/* ---- training: shared parts */

static int classify_labels(const dl_gbdt_params *p, const dl_table *t, int *K, dl_err *e)
{
	int binary = p->algorithm != DL_GBDT_ADABOOST && p->loss == DL_LOSS_EXPONENTIAL;
	const char *what = "loss exponential supports two classes";
	double mx = 0;
	for (size_t i = 0; i < t->nrow; i++) {
		double v = t->label[i];
		if (v < 0 || v != floor(v) || v >= (1 << 20))
			return dl_errf(e, "row %zu: label %g is not a class (0, 1, 2, ...)", i + 1, v);
		if (binary && v > 1)
			return dl_errf(e, "row %zu: label %g is not 0 or 1 (%s)", i + 1, v, what);
		if (p->num_class && v >= p->num_class)
			return dl_errf(e, "row %zu: label %g is outside [0, %d) (num_class %d)", i + 1,
				       v, p->num_class, p->num_class);
		if (v > mx)
			mx = v;
	}
	*K = p->num_class ? p->num_class : (int)mx + 1;
	if (*K < 2)
		return dl_errf(e, "classification needs two classes; every label is 0");
	return 0;
}

void dl_gbdt_add_tree(const dl_tree *tr, const dl_table *t, size_t K, size_t k, double *out)
{
	for (size_t r = 0; r < t->nrow; r++)
		out[r * K + k] += tr->value[dl_tree_leaf(tr, t->x + r * t->ncol)];
}

void dl_gbdt_push_tree(dl_gbdt_run *R, dl_tree *t)
{
	dl_grow((void **)&R->m->trees, &R->tcap, R->m->ntree + 1, sizeof *R->m->trees);
	R->m->trees[R->m->ntree++] = t;
}

/* Metrics of every set after a round (margins times scale); reports them and watches
 * early stopping. Returns 1 to stop, 0 to go on, -1 with e filled. */
int dl_gbdt_evaluate(dl_gbdt_run *R, int round, double scale, dl_err *e)
{
	if (R->nsets == 0)
		return 0;
	size_t K = R->K;
	for (size_t s = 0; s < R->nsets; s++) {
		struct dl_gbdt_evalset *es = &R->es[s];
		size_t n = es->t->nrow;
		for (size_t i = 0; i < n * K; i++)
			es->pred[i] = es->margin[i] * scale;
		size_t k = dl_objective_transform(&R->m->obj, es->pred, n);
		for (int i = 0; i < R->nmetrics; i++)
			if (dl_metric_eval(R->metrics[i], es->pred, n, k, es->t->label, es->t->weight,
					   NULL, 0, &R->values[s * (size_t)R->nmetrics + (size_t)i],
					   e) < 0)
				return -1;
	}
	if (R->report)
		R->report(R->ctx, round, R->sets, R->nsets, R->metrics, R->nmetrics, R->values);
	if (R->p->early_stopping > 0) {
		double v = R->values[R->nsets * (size_t)R->nmetrics - 1];
		if (R->best_round < 0 || (R->hib ? v > R->best : v < R->best)) {
			R->best = v;
			R->best_round = round;
		} else if (round - R->best_round >= R->p->early_stopping) {
			return 1;
		}
	}
	return 0;
}

/* ---- gradient boosting */

static double sigmoid(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

/* Negative gradient of class k at margins f (n * K) into res; yk receives the label
 * (the indicator of class k for K classes). */
static void residuals(const dl_gbdt_run *R, int loss, double delta, const double *f, size_t k,
		      double *res, double *yk)
{
	const float *y = R->train->label;
	size_t K = R->K;
	double alpha = R->p->alpha;
	for (size_t i = 0; i < R->n; i++) {
		double yi = y[i], fi = f[i * K + k], r;
		switch (loss) {
		case DL_LOSS_ABSOLUTE:
			r = yi - fi > 0 ? 1.0 : -1.0;
			break;
		case DL_LOSS_HUBER: {
			double d = yi - fi;
			r = fabs(d) <= delta ? d : d > 0 ? delta : d < 0 ? -delta : 0.0;
			break;
		}
		case DL_LOSS_QUANTILE:
			r = yi > fi ? alpha : alpha - 1.0;
			break;
		case DL_LOSS_LOGISTIC:
			if (K > 1) {
				const double *fr = f + i * K;
				double mx = fr[0], s = 0;
				for (size_t j = 1; j < K; j++)
					mx = fr[j] > mx ? fr[j] : mx;
				for (size_t j = 0; j < K; j++)
					s += exp(fr[j] - mx);
				yi = (double)((size_t)yi == k);
				r = yi - exp(fi - mx) / s;
			} else {
				r = yi - sigmoid(fi);
			}
			break;
		case DL_LOSS_EXPONENTIAL: {
			double yp = 2.0 * yi - 1.0;
			r = yp * exp(-yp * fi);
			break;
		}
		default:
			r = yi - fi;
		}
		res[i] = r;
		yk[i] = yi;
	}
}

/* The line search of each leaf over the rows in rows[0..nr) (Friedman 2001, algorithms
 * 2-6; scikit-learn's _update_terminal_region), times the learning rate. */
static void line_search(dl_gbdt_run *R, dl_tree *tr, int loss, double delta, const double *f,
			size_t k, const double *res, const double *yk, size_t nr, double lr)
{
	size_t nn = (size_t)tr->n, K = R->K;
	size_t *cnt = dl_calloc(nn + 1, sizeof *cnt), *at = dl_mallocarray(nn, sizeof *at);
	uint32_t *by = dl_mallocarray(nr + 1, sizeof *by);
	for (size_t i = 0; i < nr; i++)
		cnt[R->row_leaf[R->rows[i]] + 1]++;
	for (size_t i = 0; i < nn; i++)
		cnt[i + 1] += cnt[i];
	memcpy(at, cnt, nn * sizeof *at);
	for (size_t i = 0; i < nr; i++)
		by[at[R->row_leaf[R->rows[i]]]++] = R->rows[i];
	dl_gbdt_vw *a = dl_mallocarray(nr + 1, sizeof *a);
	double *rb = dl_mallocarray(nr + 1, sizeof *rb), *yb = dl_mallocarray(nr + 1, sizeof *yb);
	double *wb = dl_mallocarray(nr + 1, sizeof *wb);
	const float *y = R->train->label;
	for (size_t l = 0; l < nn; l++) {
		if (tr->left[l] >= 0) {
			tr->value[l] = (float)(lr * tr->value[l]);
			continue;
		}
		const uint32_t *ix = by + cnt[l];
		size_t m = cnt[l + 1] - cnt[l];
		double v = 0;
		switch (loss) {
		case DL_LOSS_ABSOLUTE:
		case DL_LOSS_HUBER:
		case DL_LOSS_QUANTILE:
			for (size_t j = 0; j < m; j++)
				a[j] = (dl_gbdt_vw){ (double)y[ix[j]] - f[ix[j] * K + k],
						     R->w ? R->w[ix[j]] : 1.0 };
			v = loss == DL_LOSS_HUBER ? dl_gbdt_huber_step(a, m, delta)
			    : dl_gbdt_percentile_weighted(a, m, loss == DL_LOSS_QUANTILE ?
							      R->p->alpha : 0.5);
			break;
		case DL_LOSS_LOGISTIC:
			for (size_t j = 0; j < m; j++) {
				rb[j] = res[ix[j]];
				yb[j] = yk[ix[j]];
				wb[j] = R->w ? R->w[ix[j]] : 1.0;
			}
			v = dl_gbdt_newton_step(rb, yb, wb, m, (int)(K > 1 ? K : 2));
			break;
		case DL_LOSS_EXPONENTIAL: {
			double num = 0, den = 0;
			for (size_t j = 0; j < m; j++) {
				double yp = 2.0 * y[ix[j]] - 1.0, wi = R->w ? R->w[ix[j]] : 1.0;
				double ex = exp(-yp * f[ix[j]]);
				num += yp * wi * ex;
				den += wi * ex;
			}
			v = fabs(den) < 1e-150 ? 0.0 : num / den;
			break;
		}
		default: {
			double s = 0, sw = 0;
			for (size_t j = 0; j < m; j++) {
				double wi = R->w ? R->w[ix[j]] : 1.0;
				s += wi * res[ix[j]];
				sw += wi;
			}
			v = sw > 0 ? s / sw : 0;
		}
		}
		tr->value[l] = (float)(lr * v);
	}
	dl_free(a);
	dl_free(rb);
	dl_free(yb);
	dl_free(wb);
	dl_free(by);
	dl_free(at);
	dl_free(cnt);
}

/* Rows of a round: all, or floor(subsample * n) drawn without replacement (in order). */
static size_t draw_rows(dl_gbdt_run *R, dl_rng *rng, uint32_t *perm, uint8_t *in)
{
	size_t n = R->n;
	if (R->p->subsample >= 1.0) {
		for (size_t i = 0; i < n; i++)
			R->rows[i] = (uint32_t)i;
		return n;
	}
	size_t k = (size_t)(R->p->subsample * (double)n), nr = 0;
	if (k < 1)
		k = 1;
	for (size_t i = 0; i < k; i++) {
		size_t j = i + (size_t)dl_rng_below(rng, n - i);
		uint32_t t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	memset(in, 0, n);
	for (size_t i = 0; i < k; i++)
		in[perm[i]] = 1;
	for (size_t i = 0; i < n; i++)
		if (in[i])
			R->rows[nr++] = (uint32_t)i;
	return nr;
}

/* The grower splits a node only when the loss reduction exceeds 1e-6 (XGBoost's kRtEps);
 * scikit-learn splits on any positive reduction. Gradients and hessians times 2^20 scale
 * the reductions alike (the split order and the leaf weights -G/H stay), so that splits
 * of reductions down to 1e-12 are made; the trees' gain and cover are scaled back. */
#define GH_SCALE 1048576.0

static void unscale(dl_tree *t)
{
	for (int32_t j = 0; j < t->n; j++) {
		t->gain[j] = (float)(t->gain[j] / GH_SCALE);
		t->cover[j] = (float)(t->cover[j] / GH_SCALE);
	}
}

static int train_gradient(dl_gbdt_run *R, int loss, const double *init, dl_err *e)
{
	const dl_gbdt_params *p = R->p;
	size_t n = R->n, K = R->K;
	double lr = isnan(p->learning_rate) ? 0.1 : p->learning_rate;
	int rounds = p->rounds > 0 ? p->rounds : 100;
	double *f0 = dl_mallocarray(n * K, sizeof *f0);
	double *res = dl_mallocarray(n + 1, sizeof *res), *yk = dl_mallocarray(n + 1, sizeof *yk);
	uint32_t *perm = dl_mallocarray(n, sizeof *perm);
	uint8_t *in = dl_malloc(n);
	dl_gbdt_vw *a = loss == DL_LOSS_HUBER ? dl_mallocarray(n, sizeof *a) : NULL;
	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	dl_rng rng;
	dl_rng_init(&rng, p->seed, 0);
	int rc = 0;
	for (int round = 0; round < rounds && rc == 0; round++) {
		size_t nr = draw_rows(R, &rng, perm, in);
		memcpy(f0, R->tm, n * K * sizeof *f0);
		double delta = 0;
		if (loss == DL_LOSS_HUBER) {
			/* delta: the alpha-quantile of |y - F| over all rows (weighted) */
			for (size_t i = 0; i < n; i++)
				a[i] = (dl_gbdt_vw){ fabs((double)R->train->label[i] - f0[i]),
						     R->w ? R->w[i] : 1.0 };
			delta = dl_gbdt_percentile_weighted(a, n, p->alpha);
		}
		for (size_t k = 0; k < K; k++) {
			residuals(R, loss, delta, f0, k, res, yk);
			for (size_t i = 0; i < n; i++) {
				double wi = R->w ? R->w[i] : 1.0;
				R->gh[2 * i] = (float)(-wi * res[i] * GH_SCALE);
				R->gh[2 * i + 1] = (float)(wi * GH_SCALE);
			}
			dl_tree *tr = dl_grow_tree(R->gr, R->gh, R->rows, nr, NULL, &R->gp, &rng,
						   R->row_leaf);
			unscale(tr);
			line_search(R, tr, loss, delta, f0, k, res, yk, nr, lr);
			for (size_t i = 0; i < nr; i++)
				R->tm[R->rows[i] * K + k] += tr->value[R->row_leaf[R->rows[i]]];
			if (nr < n)
				for (size_t r = 0; r < n; r++)
					if (!in[r])
						R->tm[r * K + k] += tr->value[dl_tree_leaf_binned(tr, R->bins, r)];
			for (size_t s = 0; s < R->nsets; s++)
				if (R->es[s].t != R->train)
					dl_gbdt_add_tree(tr, R->es[s].t, K, k, R->es[s].margin);
			if (round == 0 && K > 1)
				for (int32_t j = 0; j < tr->n; j++)     /* F_0: the log-priors */
					tr->value[j] = (float)(tr->value[j] + init[k]);
			dl_gbdt_push_tree(R, tr);
		}
		R->m->rounds = round + 1;
		rc = dl_gbdt_evaluate(R, round, 1.0, e);
	}
	dl_free(a);
	dl_free(in);
	dl_free(perm);
	dl_free(yk);
	dl_free(res);
	dl_free(f0);
	if (rc < 0)
		return -1;
	if (p->early_stopping > 0)
		R->m->best_iteration = R->best_round;
	return 0;
}

/* ---- the entry point */

dl_gbm *dl_gbdt_train(const dl_gbdt_params *p, const dl_table *train,
		      const dl_eval_set *sets, size_t nsets, dl_round_fn report, void *ctx,
		      dl_err *e)
{
	size_t n = train->nrow, nf = train->ncol;
	if (!train->label)
		return dl_errf(e, "the training data has no label column"), NULL;
	if (n == 0)
		return dl_errf(e, "the training data has no rows"), NULL;
	if (dl_gbdt_check(p, e) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(train->label[i]))
			return dl_errf(e, "row %zu: label is %s", i + 1,
				       isnan(train->label[i]) ? "NaN" : "infinite"), NULL;
	int adaboost = p->algorithm == DL_GBDT_ADABOOST;
	int loss = p->loss >= 0 ? p->loss : DL_LOSS_SQUARED;
	int K = 1;
	if ((adaboost || loss == DL_LOSS_LOGISTIC || loss == DL_LOSS_EXPONENTIAL) &&
	    classify_labels(p, train, &K, e) < 0)
		return NULL;
	dl_objective obj = { DL_OBJ_SQUARED, 1, 1.0, 1.0, 0.0 };
	static const enum dl_obj kinds[] = {
		[DL_LOSS_SQUARED] = DL_OBJ_SQUARED, [DL_LOSS_ABSOLUTE] = DL_OBJ_ABSOLUTE,
		[DL_LOSS_HUBER] = DL_OBJ_GBDT_HUBER, [DL_LOSS_QUANTILE] = DL_OBJ_GBDT_QUANTILE,
		[DL_LOSS_LOGISTIC] = DL_OBJ_LOGISTIC, [DL_LOSS_EXPONENTIAL] = DL_OBJ_GBDT_EXPONENTIAL,
	};
	obj.kind = adaboost ? DL_OBJ_LOGISTIC : kinds[loss];
	if (K > 2) {
		obj.kind = DL_OBJ_SOFTPROB;
		obj.nclass = K;
	}
	size_t KK = obj.nclass > 1 ? (size_t)obj.nclass : 1;

	dl_gbdt_run R;
	memset(&R, 0, sizeof R);
	R.p = p;
	R.train = train;
	R.n = n;
	R.K = KK;
	R.w = train->weight;
	R.sets = sets;
	R.nsets = nsets;
	R.report = report;
	R.ctx = ctx;
	R.best_round = -1;
	R.nmetrics = p->nmetrics;
	for (int i = 0; i < p->nmetrics; i++)
		R.metrics[i] = p->metrics[i];
	if (R.nmetrics == 0) {
		R.metrics[0] = dl_objective_default_metric(obj.kind);
		R.nmetrics = 1;
	}
	dl_metric_known(R.metrics[R.nmetrics - 1], &R.hib);
	for (size_t s = 0; s < nsets; s++) {
		if (!sets[s].t->label)
			return dl_errf(e, "evaluation data '%s' has no label column", sets[s].name),
			       NULL;
		if (dl_objective_check_labels(&obj, sets[s].t->label, sets[s].t->nrow, e) < 0)
			return NULL;
	}

	double *init = dl_calloc(KK, sizeof *init);
	double base = K > 2 ? 0.0 : 0.5;      /* AdaBoost: a margin of 0 */
	if (!adaboost)
		base = dl_gbdt_init(loss, p->alpha, train->label, train->weight, n, K, init);
	R.m = dl_calloc(1, sizeof *R.m);
	R.m->obj = obj;
	R.m->base_score = base;
	R.m->best_iteration = -1;
	R.m->nfeat = nf;
	R.m->features = dl_mallocarray(nf ? nf : 1, sizeof *R.m->features);
	for (size_t f = 0; f < nf; f++)
		R.m->features[f] = dl_strdup(train->names[f]);
	R.m->params_json = dl_gbdt_params_json(p, loss, K);

	R.pool = dl_pool_new(p->threads > 0 ? p->threads : 1);
	R.bins = dl_bins_build(train, p->max_bin, R.pool);
	R.gr = dl_grower_new(R.bins, R.pool);
	R.bmax = dl_cart_bin_max(R.bins, train, R.pool);
	dl_grower_set_bin_max(R.gr, R.bmax, !(p->subsample < 1));
	double nfd = (double)(nf ? nf : 1), frac = p->max_features;
	if (frac < 0) {         /* sqrt or log2 of the number of features, at least 1 */
		double c = floor(frac == -1 ? sqrt(nfd) : log2(nfd));
		frac = ((c < 1 ? 1 : c) + 0.5) / nfd;
	} else if (frac > 1) {  /* a count */
		frac = (frac + 0.5) / nfd;
	}
	R.gp = (dl_grow_params){
		.sp = { .lambda = 0, .alpha = 0, .max_delta_step = 0,
			.min_child_weight = adaboost ? 0 : p->min_samples_leaf * GH_SCALE },
		.min_split_hess = adaboost ? 0 : p->min_samples_split * GH_SCALE,
		.max_depth = p->max_depth > 0 ? p->max_depth : adaboost ? 1 : 3,
		.eta = 1.0,
		.colsample_bylevel = 1.0,
		.colsample_bynode = frac < 1 ? frac : 1.0,
	};
	R.tm = dl_mallocarray(n * KK, sizeof *R.tm);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < KK; k++)
			R.tm[i * KK + k] = init[k];
	R.es = dl_calloc(nsets ? nsets : 1, sizeof *R.es);
	for (size_t s = 0; s < nsets; s++) {
		const dl_table *t = sets[s].t;
		R.es[s].t = t;
		if (t == train) {
			R.es[s].margin = R.tm;
		} else {
			R.es[s].margin = dl_mallocarray(t->nrow * KK + 1, sizeof(double));
			for (size_t i = 0; i < t->nrow; i++)
				for (size_t k = 0; k < KK; k++)
					R.es[s].margin[i * KK + k] = init[k];
		}
		R.es[s].pred = dl_mallocarray(t->nrow * KK + 1, sizeof(double));
	}
	R.values = dl_mallocarray(nsets * (size_t)R.nmetrics + 1, sizeof *R.values);
	R.gh = dl_mallocarray(2 * n, sizeof *R.gh);
	R.rows = dl_mallocarray(n, sizeof *R.rows);
	R.row_leaf = dl_mallocarray(n, sizeof *R.row_leaf);

	/* Without evaluation sets (nothing would be shown) the metrics are still checked,
	 * once, on the training data at the initial margins, as in dl_boost_train. */
	int rc = 0;
	if (nsets == 0) {
		double *pr = dl_mallocarray(n * KK, sizeof *pr), v;
		memcpy(pr, R.tm, n * KK * sizeof *pr);
		size_t k = dl_objective_transform(&R.m->obj, pr, n);
		for (int i = 0; i < R.nmetrics && rc == 0; i++)
			if (dl_metric_eval(R.metrics[i], pr, n, k, train->label, train->weight, NULL,
					   0, &v, e) < 0)
				rc = -1;
		dl_free(pr);
	}
	if (rc == 0)
		rc = adaboost ? dl_adaboost_train(&R, e) : train_gradient(&R, loss, init, e);

	dl_free(init);
	dl_free(R.row_leaf);
	dl_free(R.rows);
	dl_free(R.gh);
	dl_free(R.values);
	for (size_t s = 0; s < nsets; s++) {
		if (R.es[s].margin != R.tm)
			dl_free(R.es[s].margin);
		dl_free(R.es[s].pred);
	}
	dl_free(R.es);
	dl_free(R.tm);
	dl_grower_free(R.gr);
	dl_free(R.bmax);
	dl_bins_free(R.bins);
	dl_pool_free(R.pool);
	if (rc < 0) {
		dl_gbm_free(R.m);
		return NULL;
	}
	return R.m;
}
