/*
 * fit.c — learning what the feature columns need from training rows, in one pass.
 *
 * Means and variances use Welford's update (B. P. Welford, "Note on a method for
 * calculating corrected sums of squares and products", Technometrics 4(3), 1962):
 * mean += (x - mean) / n; m2 += (x - mean_old) * (x - mean_new); variance = m2 / n.
 * Quantile boundaries need every value of their source: fit keeps them (8 bytes a row per
 * such column) and sorts them at the end, then interpolates as numpy.quantile does by
 * default (method "linear": position (n - 1) q, and numpy's two-sided lerp, which rounds
 * as numpy does). Vocabularies are counted in a dl_vocab and cut by min_count and top_k.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "features/transform.h"
#include "features/txpriv.h"
#include "record/numfmt.h"

struct values {
	double *v;
	size_t n, cap;
};

struct dl_fit {
	dl_fspec *s;
	dl_fx *fx;
	double *m2;              /* per numeric column */
	struct values *vals;     /* per bucketized column with quantiles */
	unsigned char *seen;     /* per key: has had a value */
};

dl_fit *dl_fit_new(dl_fspec *s)
{
	dl_fit *f = dl_calloc(1, sizeof *f);

	f->s = s;
	f->fx = dl_fx_new(s);
	f->m2 = dl_calloc(s->ncol, sizeof *f->m2);
	f->vals = dl_calloc(s->ncol, sizeof *f->vals);
	f->seen = dl_calloc(s->nkeys + 1, 1);
	for (size_t i = 0; i < s->ncol; i++) {
		dl_fcol *c = &s->col[i];
		c->count = 0;
		c->mean = c->var = 0;
		c->min = INFINITY;
		c->max = -INFINITY;
		if (c->type == DL_FC_VOCAB) {
			dl_vocab_free(&c->vocab);
			dl_vocab_init(&c->vocab);
		}
	}
	s->rows = s->bad_rows = 0;
	return f;
}

void dl_fit_free(dl_fit *f)
{
	if (!f)
		return;
	dl_fx_free(f->fx);
	for (size_t i = 0; i < f->s->ncol; i++)
		dl_free(f->vals[i].v);
	dl_free(f->vals);
	dl_free(f->m2);
	dl_free(f->seen);
	dl_free(f);
}

static void add_value(struct values *a, double v)
{
	if (a->n == a->cap)
		DL_GROW(a->v, a->cap, a->n + 1);
	a->v[a->n++] = v;
}

static void welford(dl_fcol *c, double *m2, double x)
{
	double d = x - c->mean;

	c->count++;
	c->mean += d / (double)c->count;
	*m2 += d * (x - c->mean);
	if (x < c->min)
		c->min = x;
	if (x > c->max)
		c->max = x;
}

static void count_vocab(dl_fcol *c, const dl_frows *r)
{
	char buf[DL_FLOAT_BUFSIZE + DL_INT64_BUFSIZE];
	size_t n = dl_frows_count(r, c->key);

	for (size_t j = 0; j < n; j++) {
		struct dl_fval v;
		dl_frows_value(r, c->key, j, &v);
		if (v.kind == DL_FEATURE_INT64)
			dl_vocab_count(&c->vocab, buf, dl_format_int64(buf, v.i));
		else if (v.kind == DL_FEATURE_FLOAT)
			dl_vocab_count(&c->vocab, buf, dl_format_float(buf, v.f));
		else
			dl_vocab_count(&c->vocab, v.s, v.n);
	}
}

int dl_fit_row(dl_fit *f, const dl_frows *r, dl_err *e)
{
	dl_fspec *s = f->s;
	int rc = dl_fx_apply(f->fx, r, e);
	double v;

	if (rc)
		return rc;
	s->rows++;
	for (size_t k = 0; k < s->nkeys; k++)
		if (!f->seen[k] && dl_frows_count(r, k))
			f->seen[k] = 1;
	for (size_t i = 0; i < s->ncol; i++) {
		dl_fcol *c = &s->col[i];
		if (c->type == DL_FC_NUMERIC) {
			if (dl_fx_number(r, c->key, c, &v, e) == 1)
				welford(c, &f->m2[i], v);
		} else if (c->type == DL_FC_BUCKETIZED && c->quantiles) {
			size_t key = c->source == SIZE_MAX ? c->key : s->col[c->source].key;
			if (dl_fx_number(r, key, c, &v, e) == 1)
				add_value(&f->vals[i], v);
		} else if (c->type == DL_FC_VOCAB) {
			count_vocab(c, r);
		}
	}
	return 0;
}

void dl_fit_skipped(dl_fit *f)
{
	f->s->bad_rows++;
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

/* numpy's _lerp: a + (b - a) t, or b - (b - a)(1 - t) when t >= 0.5. */
static double lerp(double a, double b, double t)
{
	double d = b - a;

	return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/* numpy.quantile(v[0..n), q), method "linear", v sorted. */
double dl_fit_quantile(const double *v, size_t n, double q)
{
	double h = (double)(n - 1) * q, lo = floor(h);
	size_t i = (size_t)lo, j = i + 1 < n ? i + 1 : n - 1;

	return lerp(v[i], v[j], h - lo);
}

static int learn_bounds(dl_fit *f, size_t i, dl_err *e)
{
	dl_fcol *c = &f->s->col[i];
	struct values *a = &f->vals[i];

	if (!a->n)
		return dl_errf(e, "column '%s': no values to learn quantiles from", c->name);
	if (c->source != SIZE_MAX)
		for (size_t k = 0; k < a->n; k++)
			a->v[k] = dl_fx_normalize(&f->s->col[c->source], a->v[k]);
	qsort(a->v, a->n, sizeof *a->v, cmp_double);
	dl_free(c->bounds);
	c->bounds = dl_mallocarray(c->quantiles, sizeof *c->bounds);
	c->nbounds = 0;
	for (size_t k = 1; k < c->quantiles; k++) {
		double b = dl_fit_quantile(a->v, a->n, (double)k / (double)c->quantiles);
		if (!c->nbounds || b > c->bounds[c->nbounds - 1])
			c->bounds[c->nbounds++] = b;
	}
	c->num_buckets = (int64_t)c->nbounds + 1;
	return 0;
}

int dl_fit_finish(dl_fit *f, dl_err *e)
{
	dl_fspec *s = f->s;

	for (size_t k = 0; s->rows && k < s->nkeys; k++)
		if (!f->seen[k])
			return dl_errf(e, "'%s' has no value in any row (is it spelled as in the "
				       "data?)", s->keys[k]);
	/* Numeric parameters first: quantiles of a normalized source need them. */
	for (size_t i = 0; i < s->ncol; i++) {
		dl_fcol *c = &s->col[i];
		if (c->type != DL_FC_NUMERIC)
			continue;
		if (!c->count) {
			if (c->norm != DL_NORM_NONE)
				return dl_errf(e, "column '%s': no values to learn the %s "
					       "normalizer from", c->name,
					       c->norm == DL_NORM_ZSCORE ? "zscore" : "minmax");
			c->min = c->max = 0;
		}
		c->var = c->count ? f->m2[i] / (double)c->count : 0;
	}
	for (size_t i = 0; i < s->ncol; i++) {
		dl_fcol *c = &s->col[i];
		if (c->type == DL_FC_BUCKETIZED && c->quantiles && learn_bounds(f, i, e))
			return -1;
		if (c->type == DL_FC_VOCAB) {
			dl_vocab_select(&c->vocab, c->min_count, c->top_k);
			if (!c->vocab.n)
				return dl_errf(e, "column '%s': no value occurs %llu times or more: the "
					       "vocabulary is empty", c->name,
					       (unsigned long long)c->min_count);
			c->num_buckets = (int64_t)(c->vocab.n + c->num_oov);
		}
	}
	for (size_t i = 0; i < s->ncol; i++)
		if (s->col[i].level == 3)
			s->col[i].num_buckets = s->col[s->col[i].cat].num_buckets;
	s->fitted = 1;
	return 0;
}
