/*
 * boost.c — the boosting loop and prediction of gradient boosted trees (boost.h).
 */
#include "tree/boost.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "data/metrics.h"
#include "tree/predict.h"

void dl_gbm_free(dl_gbm *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->ntree; i++)
		dl_tree_free(m->trees[i]);
	for (size_t f = 0; f < m->nfeat; f++)
		dl_free(m->features[f]);
	dl_free(m->features);
	dl_free(m->trees);
	dl_free(m->params_json);
	dl_free(m);
}

/* ---- adding trees to margins */

/* Adds the trees' values to the margins of t's rows (dense: t->x). */
static void add_trees(const dl_tree *const *trees, size_t ntree, size_t K, const dl_table *t,
		      dl_pool *pool, double *out)
{
	dl_packed_trees *pk = dl_trees_pack(trees, ntree);
	dl_packed_trees_add(pk, t->x, t->nrow, t->ncol, K, out, pool);
	dl_packed_trees_free(pk);
}

void dl_gbm_margins(const dl_gbm *m, const dl_table *t, int rounds, dl_pool *pool, double *out)
{
	size_t K = dl_gbm_nclass(m);
	double bm = dl_objective_base_margin(&m->obj, m->base_score);
	for (size_t i = 0; i < t->nrow * K; i++)
		out[i] = bm;
	size_t ntree = m->ntree;
	if (rounds > 0 && (size_t)rounds * K < ntree)
		ntree = (size_t)rounds * K;
	add_trees((const dl_tree *const *)m->trees, ntree, K, t, pool, out);
}

/* ---- evaluation */

struct evalset {
	const dl_table *t;
	double *margin;         /* n * K */
	double *pred;           /* scratch: transformed margins */
	size_t *gp, ng;
};

static int eval_metrics(const dl_gbm *m, struct evalset *s, const char *const *metrics,
			int nmetrics, double *values, dl_err *e)
{
	size_t K = dl_gbm_nclass(m), n = s->t->nrow;
	memcpy(s->pred, s->margin, n * K * sizeof *s->pred);
	dl_objective o = m->obj;
	if (o.kind == DL_OBJ_SOFTMAX)
		o.kind = DL_OBJ_SOFTPROB;   /* metrics of softmax read the probabilities */
	size_t k = dl_objective_transform(&o, s->pred, n);
	for (int i = 0; i < nmetrics; i++)
		if (dl_metric_eval(metrics[i], s->pred, n, k, s->t->label, s->t->weight, s->gp,
				   s->ng, &values[i], e) < 0)
			return -1;
	return 0;
}

/* ---- training */

/* Leaves of reg:absoluteerror: eta times the median of the residuals of their rows
 * (the line search of Friedman 2001, algorithm 3, which XGBoost 1.7 performs too). */
static void refit_median(dl_tree *tr, const dl_table *t, const double *margin, size_t K,
			 size_t k, const uint32_t *rows, size_t nr, const int32_t *row_leaf,
			 double eta)
{
	size_t nn = (size_t)tr->n;
	size_t *cnt = dl_calloc(nn + 1, sizeof *cnt);
	for (size_t i = 0; i < nr; i++)
		cnt[row_leaf[rows[i]] + 1]++;
	for (size_t i = 0; i < nn; i++)
		cnt[i + 1] += cnt[i];
	float *res = dl_mallocarray(nr ? nr : 1, sizeof *res);
	float *wt = t->weight ? dl_mallocarray(nr ? nr : 1, sizeof *wt) : NULL;
	size_t *at = dl_mallocarray(nn, sizeof *at);
	memcpy(at, cnt, nn * sizeof *at);
	for (size_t i = 0; i < nr; i++) {
		uint32_t r = rows[i];
		size_t p = at[row_leaf[r]]++;
		res[p] = (float)(t->label[r] - margin[r * K + k]);
		if (wt)
			wt[p] = t->weight[r];
	}
	for (size_t l = 0; l < nn; l++)
		if (tr->left[l] < 0 && cnt[l + 1] > cnt[l])
			tr->value[l] = (float)(eta * dl_median(res + cnt[l], wt ? wt + cnt[l] : NULL,
							      cnt[l + 1] - cnt[l]));
	dl_free(cnt);
	dl_free(res);
	dl_free(wt);
	dl_free(at);
}

static void push_tree(dl_gbm *m, size_t *cap, dl_tree *t)
{
	dl_grow((void **)&m->trees, cap, m->ntree + 1, sizeof *m->trees);
	m->trees[m->ntree++] = t;
}

static dl_gbm *new_model(const dl_boost_params *p, const dl_table *train, double base)
{
	dl_gbm *m = dl_calloc(1, sizeof *m);
	m->obj = p->obj;
	m->base_score = base;
	m->best_iteration = -1;
	m->nfeat = train->ncol;
	m->features = dl_mallocarray(train->ncol ? train->ncol : 1, sizeof *m->features);
	for (size_t f = 0; f < train->ncol; f++)
		m->features[f] = dl_strdup(train->names[f]);
	return m;
}

struct grad_job {
	const dl_objective *o;
	const double *m;
	const float *y, *w;
	float *gh;
};

static void grad_chunk(void *arg, size_t begin, size_t end, int tid)
{
	const struct grad_job *j = arg;
	(void)tid;
	dl_objective_gradients(j->o, j->m + begin, j->y + begin, j->w ? j->w + begin : NULL,
			       end - begin, NULL, 0, NULL, j->gh + 2 * begin);
}

/* The gradient pairs of a round. A row's pair depends on that row alone for one margin
 * per row and no pairs of rows, so big tables are cut into chunks for the threads. */
static void gradients(const dl_objective *o, const double *m, const dl_table *t, size_t K,
		      const size_t *gp, size_t ng, dl_rng *rng, dl_pool *pool, float *gh)
{
	size_t n = t->nrow;
	if (K == 1 && o->kind != DL_OBJ_PAIRWISE && dl_pool_threads(pool) > 1 && n >= 32768) {
		struct grad_job j = { o, m, t->label, t->weight, gh };
		dl_pool_for(pool, n, 16384, grad_chunk, &j);
		return;
	}
	dl_objective_gradients(o, m, t->label, t->weight, n, gp, ng, rng, gh);
}

dl_gbm *dl_boost_train(const dl_boost_params *p, const dl_table *train,
		       const dl_eval_set *sets, size_t nsets, dl_round_fn report, void *ctx,
		       dl_err *e)
{
	size_t n = train->nrow, nf = train->ncol;
	if (!train->label)
		return dl_errf(e, "the training data has no label column"), NULL;
	if (n == 0)
		return dl_errf(e, "the training data has no rows"), NULL;
	if (p->monotone && p->nmonotone > nf)
		return dl_errf(e, "monotone_constraints has %zu values for %zu features",
			       p->nmonotone, nf), NULL;
	if (dl_objective_check_labels(&p->obj, train->label, n, e) < 0)
		return NULL;
	const char *metrics[DL_BOOST_MAX_METRICS];
	int nmetrics = p->nmetrics;
	for (int i = 0; i < nmetrics; i++)
		metrics[i] = p->metrics[i];
	if (nmetrics == 0) {
		metrics[0] = dl_objective_default_metric(p->obj.kind);
		nmetrics = 1;
	}
	double base = isnan(p->base_score)
			      ? dl_objective_base_score(&p->obj, train->label, train->weight, n)
			      : p->base_score;
	double bmargin = dl_objective_base_margin(&p->obj, base);
	size_t K = p->obj.nclass > 1 ? (size_t)p->obj.nclass : 1;
	dl_pool *pool = dl_pool_new(p->threads > 0 ? p->threads : 1);
	dl_gbm *m = new_model(p, train, base);
	size_t tcap = 0;

	/* evaluation sets: margins kept up to date tree by tree */
	struct evalset *es = dl_calloc(nsets ? nsets : 1, sizeof *es);
	double *tm = dl_mallocarray(n * K, sizeof *tm);
	for (size_t i = 0; i < n * K; i++)
		tm[i] = bmargin;
	int failed = 0;
	for (size_t s = 0; s < nsets && !failed; s++) {
		const dl_table *t = sets[s].t;
		es[s].t = t;
		if (t == train) {
			es[s].margin = tm;
		} else {
			es[s].margin = dl_mallocarray(t->nrow * K + 1, sizeof(double));
			for (size_t i = 0; i < t->nrow * K; i++)
				es[s].margin[i] = bmargin;
		}
		es[s].pred = dl_mallocarray(t->nrow * K + 1, sizeof(double));
		if (!t->label) {
			failed = dl_errf(e, "evaluation data '%s' has no label column", sets[s].name);
		} else if (t->qid) {
			ptrdiff_t ng = dl_table_groups(t, &es[s].gp, e);
			if (ng < 0)
				failed = -1;
			else
				es[s].ng = (size_t)ng;
		}
	}
	size_t *gp = NULL, ng = 0;
	if (!failed && p->obj.kind == DL_OBJ_PAIRWISE) {
		ptrdiff_t r = dl_table_groups(train, &gp, e);
		if (r < 0)
			failed = -1;
		else
			ng = (size_t)r;
	}

	dl_bins *bins = failed ? NULL : dl_bins_build(train, p->max_bin, pool);
	dl_grower *gr = failed ? NULL : dl_grower_new(bins, pool);
	float *gh = dl_mallocarray(2 * n * K, sizeof *gh);
	uint32_t *rows = dl_mallocarray(n, sizeof *rows);
	uint8_t *insample = dl_malloc(n);
	int32_t *row_leaf = dl_mallocarray(n, sizeof *row_leaf);
	uint8_t *fmask = dl_malloc(nf ? nf : 1);
	uint32_t *flist = dl_mallocarray(nf ? nf : 1, sizeof *flist);
	double *values = dl_mallocarray((nsets ? nsets : 1) * (size_t)nmetrics + 1, sizeof *values);
	dl_grow_params gp_ = p->grow;
	int8_t *mono = NULL;
	if (p->monotone) {
		mono = dl_calloc(nf ? nf : 1, 1);
		memcpy(mono, p->monotone, p->nmonotone);
		gp_.monotone = mono;
	}
	dl_rng rng;
	dl_rng_init(&rng, p->seed, 0);
	int hib = 0;
	dl_metric_known(metrics[nmetrics - 1], &hib);
	double best = 0;
	int best_round = -1;

	/* Without evaluation sets (nothing would be shown) the metrics are still checked,
	 * once, on the training data at the base margins: a metric that does not fit the
	 * labels or the objective fails as it would have in the first round. */
	if (!failed && nsets == 0) {
		struct evalset ts = { train, tm, dl_mallocarray(n * K, sizeof(double)), NULL, 0 };
		if (train->qid) {
			ptrdiff_t tg = dl_table_groups(train, &ts.gp, e);
			if (tg < 0)
				failed = -1;
			else
				ts.ng = (size_t)tg;
		}
		if (!failed && eval_metrics(m, &ts, metrics, nmetrics, values, e) < 0)
			failed = -1;
		dl_free(ts.pred);
		dl_free(ts.gp);
	}

	for (int round = 0; round < p->rounds && !failed; round++) {
		gradients(&p->obj, tm, train, K, gp, ng, &rng, pool, gh);
		size_t nr = 0;
		if (p->subsample < 1.0) {
			for (size_t r = 0; r < n; r++) {
				insample[r] = dl_rng_double(&rng) < p->subsample;
				if (insample[r])
					rows[nr++] = (uint32_t)r;
			}
		} else {
			for (size_t r = 0; r < n; r++)
				rows[r] = (uint32_t)r;
			nr = n;
		}
		const uint8_t *mask = NULL;
		if (p->colsample_bytree < 1.0) {
			size_t k = (size_t)(p->colsample_bytree * (double)nf);
			if (k < 1)
				k = 1;
			for (size_t f = 0; f < nf; f++)
				flist[f] = (uint32_t)f;
			memset(fmask, 0, nf);
			for (size_t i = 0; i < k && i < nf; i++) {
				size_t j = i + (size_t)dl_rng_below(&rng, nf - i);
				uint32_t t = flist[i];
				flist[i] = flist[j];
				flist[j] = t;
				fmask[flist[i]] = 1;
			}
			mask = fmask;
		}
		for (size_t k = 0; k < K; k++) {
			dl_tree *tr = dl_grow_tree(gr, gh + k * n * 2, rows, nr, mask, &gp_, &rng, row_leaf);
			if (p->obj.kind == DL_OBJ_ABSOLUTE)
				refit_median(tr, train, tm, K, k, rows, nr, row_leaf, p->grow.eta);
			for (size_t i = 0; i < nr; i++)
				tm[rows[i] * K + k] += tr->value[row_leaf[rows[i]]];
			if (nr < n)
				for (size_t r = 0; r < n; r++)
					if (!insample[r])
						tm[r * K + k] += tr->value[dl_tree_leaf_binned(tr, bins, r)];
			push_tree(m, &tcap, tr);
		}
		for (size_t s = 0; s < nsets; s++)
			if (es[s].t != train)
				add_trees((const dl_tree *const *)m->trees + m->ntree - K, K, K, es[s].t,
					  pool, es[s].margin);
		m->rounds = round + 1;
		if (nsets == 0)
			continue;
		for (size_t s = 0; s < nsets && !failed; s++)
			if (eval_metrics(m, &es[s], metrics, nmetrics, values + s * (size_t)nmetrics,
					 e) < 0)
				failed = -1;
		if (failed)
			break;
		if (report)
			report(ctx, round, sets, nsets, metrics, nmetrics, values);
		if (p->early_stopping > 0) {
			double v = values[(nsets - 1) * (size_t)nmetrics + (size_t)nmetrics - 1];
			if (best_round < 0 || (hib ? v > best : v < best)) {
				best = v;
				best_round = round;
			} else if (round - best_round >= p->early_stopping) {
				break;
			}
		}
	}
	if (p->early_stopping > 0)
		m->best_iteration = best_round;

	dl_free(values);
	dl_free(flist);
	dl_free(fmask);
	dl_free(row_leaf);
	dl_free(insample);
	dl_free(rows);
	dl_free(gh);
	dl_free(mono);
	dl_free(gp);
	dl_grower_free(gr);
	dl_bins_free(bins);
	for (size_t s = 0; s < nsets; s++) {
		if (es[s].margin != tm)
			dl_free(es[s].margin);
		dl_free(es[s].pred);
		dl_free(es[s].gp);
	}
	dl_free(es);
	dl_free(tm);
	dl_pool_free(pool);
	if (failed) {
		dl_gbm_free(m);
		return NULL;
	}
	return m;
}
