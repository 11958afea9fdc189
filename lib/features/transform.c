/*
 * transform.c — apply: a row of input to the engine's output row (the writers are in
 * output.c, fit in fit.c).
 *
 * A row is evaluated column by column in level order (spec.h), so a column finds the
 * values of the columns it uses already computed: numbers in num[], ids in a pool of
 * int64s (idoff[], idn[] per column). The output row holds the emitted features in schema
 * order, their values in pools of floats, int64s and bytes. Rolling windows move only once
 * the whole row is known to be good.
 */
#include "features/transform.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "features/farmhash.h"
#include "features/txpriv.h"
#include "record/numfmt.h"

/* ---- values */

/* 10^0 .. 10^22 are exact doubles. */
static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

int dl_fx_parse_double(const char *s, size_t n, double *out)
{
	const char *p = s, *end = s + n, *d;
	uint64_t m = 0;
	int neg = 0;
	long ex = 0, digits;

	while (p < end && *p == ' ')
		p++;
	while (end > p && end[-1] == ' ')
		end--;
	s = p;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	/* The digits go into m (which may wrap when there are more than 19: then the slow
	 * path below is taken and m is not used). */
	for (d = p; p < end && (unsigned)(*p - '0') < 10; p++)
		m = m * 10 + (uint64_t)(*p - '0');
	digits = p - d;
	if (p < end && *p == '.') {
		for (d = ++p; p < end && (unsigned)(*p - '0') < 10; p++)
			m = m * 10 + (uint64_t)(*p - '0');
		digits += p - d;
		ex = -(long)(p - d);
	}
	if (!digits)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		long e = 0;
		int eneg = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (d = p; p < end && (unsigned)(*p - '0') < 10; p++)
			if (e < 100000)
				e = e * 10 + (*p - '0');
		if (p == d)
			return -1;
		ex += eneg ? -e : e;
	}
	if (p != end)
		return -1;
	/* Clinger's fast path: at most 15 digits make an exact mantissa, and times or over an
	 * exact power of ten it rounds once, correctly. */
	if (digits <= 15 && ex >= -22 && ex <= 22) {
		double v = (double)m;
		v = ex < 0 ? v / pow10_exact[-ex] : v * pow10_exact[ex];
		*out = neg ? -v : v;
		return 0;
	}
	char buf[80], *copy = (size_t)(end - s) < sizeof buf ? buf : dl_malloc((size_t)(end - s) + 1);
	memcpy(copy, s, (size_t)(end - s));
	copy[end - s] = '\0';
	*out = strtod(copy, NULL);
	if (copy != buf)
		dl_free(copy);
	return 0;
}

static int bad(dl_err *e, const dl_fcol *c, const char *fmt, ...) DL_PRINTF(3, 4);

static int bad(dl_err *e, const dl_fcol *c, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	dl_errf(e, "column '%s': %s", c->name, msg);
	return -2;
}

/* Up to 40 bytes of a value for a message. */
static const char *show(char out[48], const char *s, size_t n)
{
	size_t k = n > 40 ? 40 : n, i;

	for (i = 0; i < k; i++)
		out[i] = (unsigned char)s[i] >= 0x20 && s[i] != 0x7f ? s[i] : '?';
	if (k < n)
		out[i++] = '.', out[i++] = '.', out[i++] = '.';
	out[i] = '\0';
	return out;
}

/* The one number of key k: 1 with *v, 0 when missing, -2 when bad. */
int dl_fx_number(const dl_frows *r, size_t key, const dl_fcol *c, double *v, dl_err *e)
{
	size_t n = dl_frows_count(r, key);
	struct dl_fval x;
	char sh[48];

	if (!n)
		return 0;
	if (n > 1)
		return bad(e, c, "%zu values where one number belongs", n);
	dl_frows_value(r, key, 0, &x);
	switch (x.kind) {
	case DL_FEATURE_FLOAT:
		if (isnan(x.f))
			return 0;
		*v = x.f;
		return 1;
	case DL_FEATURE_INT64:
		*v = (double)x.i;
		return 1;
	default:
		if (dl_fx_parse_double(x.s, x.n, v) || !isfinite(*v))
			return bad(e, c, "'%s' is not a number", show(sh, x.s, x.n));
		return 1;
	}
}

/* The text of a value: bytes as they are, numbers in decimal (into buf). */
static const char *text_of(const struct dl_fval *x, char *buf, size_t *n)
{
	if (x->kind == DL_FEATURE_INT64) {
		*n = dl_format_int64(buf, x->i);
		return buf;
	}
	if (x->kind == DL_FEATURE_FLOAT) {
		*n = dl_format_float(buf, x->f);
		return buf;
	}
	*n = x->n;
	return x->s;
}

/* ---- the engine */

static int by_level(const dl_fspec *s, size_t a, size_t b)
{
	return s->col[a].level < s->col[b].level ||
	       (s->col[a].level == s->col[b].level && a < b);
}

dl_fx *dl_fx_new(const dl_fspec *s)
{
	dl_fx *x = dl_calloc(1, sizeof *x);
	size_t n = s->ncol;

	x->s = s;
	x->num = dl_calloc(n, sizeof *x->num);
	x->has = dl_calloc(n, 1);
	x->idoff = dl_calloc(n, sizeof *x->idoff);
	x->idn = dl_calloc(n, sizeof *x->idn);
	x->win = dl_calloc(n, sizeof *x->win);
	x->groups = dl_calloc(n, sizeof *x->groups);
	x->order = dl_mallocarray(n, sizeof *x->order);
	x->nschema = dl_fspec_schema(s, &x->schema);
	x->col_schema = dl_calloc(n ? n : 1, sizeof *x->col_schema);
	for (size_t k = x->nschema; k-- > 0;)
		if (x->schema[k].col)
			x->col_schema[x->schema[k].col - s->col] = k;
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j > 0 && by_level(s, i, x->order[j - 1])) {
			x->order[j] = x->order[j - 1];
			j--;
		}
		x->order[j] = i;
		const dl_fcol *c = &s->col[i];
		if (c->type != DL_FC_ROLLING)
			continue;
		if (c->has_group)
			x->groups[i] = dl_window_groups_new(c->op, c->window);
		else
			x->win[i] = dl_window_new(c->op, c->window);
	}
	return x;
}

void dl_fx_free(dl_fx *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->s->ncol; i++) {
		dl_window_free(x->win[i]);
		dl_window_groups_free(x->groups[i]);
	}
	dl_free(x->num);
	dl_free(x->has);
	dl_free(x->idoff);
	dl_free(x->idn);
	dl_free(x->ids);
	dl_free(x->dense);
	dl_free(x->fp);
	dl_free(x->win);
	dl_free(x->groups);
	dl_free(x->order);
	dl_free(x->schema);
	dl_free(x->col_schema);
	dl_free(x->out);
	dl_free(x->of);
	dl_free(x->oi);
	dl_buf_free(&x->ob);
	dl_free(x->obl);
	dl_free(x->size);
	dl_free(x);
}

/* ---- the output row */

static void out_begin(dl_fx *x, size_t k, enum dl_feature_kind kind)
{
	if (x->nout == x->capout)
		DL_GROW(x->out, x->capout, x->nout + 1);
	struct outf *o = &x->out[x->nout++];
	o->k = k;
	o->kind = kind;
	o->count = 0;
	o->off = kind == DL_FEATURE_FLOAT ? x->nof : kind == DL_FEATURE_INT64 ? x->noi : x->nob;
	o->boff = x->ob.len;
}

static inline void out_float(dl_fx *x, float v)
{
	if (x->nof == x->capof)
		DL_GROW(x->of, x->capof, x->nof + 1);
	x->of[x->nof++] = v;
	x->out[x->nout - 1].count++;
}

static inline void out_int(dl_fx *x, int64_t v)
{
	if (x->noi == x->capoi)
		DL_GROW(x->oi, x->capoi, x->noi + 1);
	x->oi[x->noi++] = v;
	x->out[x->nout - 1].count++;
}

static void out_bytes(dl_fx *x, const void *p, size_t n)
{
	if (x->nob == x->capob)
		DL_GROW(x->obl, x->capob, x->nob + 1);
	dl_buf_append(&x->ob, p, n);
	x->obl[x->nob++] = n;
	x->out[x->nout - 1].count++;
}

static void out_clear(dl_fx *x)
{
	x->nout = x->nof = x->noi = x->nob = 0;
	dl_buf_clear(&x->ob);
}

void dl_fx_example(const dl_fx *x, dl_example *ex)
{
	dl_example_clear(ex);
	for (size_t i = 0; i < x->nout; i++) {
		const struct outf *o = &x->out[i];
		dl_example_add(ex, x->schema[o->k].name, x->schema[o->k].name_len, o->kind);
		size_t b = o->boff;
		for (size_t j = 0; j < o->count; j++) {
			if (o->kind == DL_FEATURE_FLOAT) {
				dl_example_add_float(ex, x->of[o->off + j]);
			} else if (o->kind == DL_FEATURE_INT64) {
				dl_example_add_int64(ex, x->oi[o->off + j]);
			} else {
				dl_example_add_bytes(ex, ob_at(x, b), x->obl[o->off + j]);
				b += x->obl[o->off + j];
			}
		}
	}
}


static inline void push_id(dl_fx *x, int64_t id)
{
	if (x->nids == x->capids)
		DL_GROW(x->ids, x->capids, x->nids + 1);
	x->ids[x->nids++] = id;
}

double dl_fx_normalize(const dl_fcol *c, double v)
{
	switch (c->norm) {
	case DL_NORM_ZSCORE:
		return c->var > 0 ? (v - c->mean) / sqrt(c->var) : v - c->mean;
	case DL_NORM_MINMAX:
		return c->max > c->min ? (v - c->min) / (c->max - c->min) : 0;
	default:
		return v;
	}
}

static int eval_numeric(dl_fx *x, const dl_frows *r, size_t i, dl_err *e)
{
	const dl_fcol *c = &x->s->col[i];
	double v;
	int got = dl_fx_number(r, c->key, c, &v, e);

	if (got < 0)
		return got;
	if (!got && c->has_default)
		v = c->default_value, got = 1;
	x->has[i] = (unsigned char)got;
	if (got)
		x->num[i] = dl_fx_normalize(c, v);
	return 0;
}

static int eval_bucketized(dl_fx *x, const dl_frows *r, size_t i, dl_err *e)
{
	const dl_fcol *c = &x->s->col[i];
	double v;
	int got;

	if (c->source != SIZE_MAX) {
		got = x->has[c->source];
		v = x->num[c->source];
	} else if ((got = dl_fx_number(r, c->key, c, &v, e)) < 0) {
		return got;
	}
	if (!got)
		return 0;
	/* The number of boundaries <= v. */
	size_t lo = 0, hi = c->nbounds;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->bounds[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	push_id(x, (int64_t)lo);
	return 0;
}

static int64_t vocab_id(const dl_fcol *c, const char *s, size_t n)
{
	int64_t id = dl_vocab_find(&c->vocab, s, n);

	if (id >= 0)
		return id;
	if (c->num_oov)
		return (int64_t)(c->vocab.n + dl_fingerprint64(s, n) % c->num_oov);
	return c->default_id;
}

static int eval_identity(dl_fx *x, const struct dl_fval *v, const dl_fcol *c, dl_err *e)
{
	int64_t id;
	double d;
	char sh[48];

	if (v->kind == DL_FEATURE_INT64) {
		id = v->i;
	} else if (v->kind == DL_FEATURE_FLOAT) {
		if (v->f != floorf(v->f) || fabsf(v->f) > 9e18f)
			return bad(e, c, "%g is not an integer", (double)v->f);
		id = (int64_t)v->f;
	} else if (dl_parse_int64(v->s, v->n, &id)) {
		if (dl_fx_parse_double(v->s, v->n, &d) || d != floor(d) || fabs(d) > 9e18)
			return bad(e, c, "'%s' is not an integer", show(sh, v->s, v->n));
		id = (int64_t)d;
	}
	if (id < 0 || (uint64_t)id >= c->buckets) {
		if (!c->has_default_id)
			return bad(e, c, "%lld is outside [0, %llu) and there is no default_value",
				   (long long)id, (unsigned long long)c->buckets);
		id = c->default_id;
	}
	push_id(x, id);
	return 0;
}

static int eval_categorical(dl_fx *x, const dl_frows *r, size_t i, dl_err *e)
{
	const dl_fcol *c = &x->s->col[i];
	size_t n = dl_frows_count(r, c->key), len;
	char buf[DL_FLOAT_BUFSIZE + DL_INT64_BUFSIZE];
	struct dl_fval v;

	for (size_t j = 0; j < n; j++) {
		dl_frows_value(r, c->key, j, &v);
		if (c->type == DL_FC_IDENTITY) {
			if (eval_identity(x, &v, c, e))
				return -2;
			continue;
		}
		const char *s = text_of(&v, buf, &len);
		if (c->type == DL_FC_HASH)
			push_id(x, (int64_t)(dl_fingerprint64(s, len) % c->buckets));
		else
			push_id(x, vocab_id(c, s, len));
	}
	return 0;
}

/* The fingerprints of one cross key into x->fp from *at; returns their count. */
static size_t cross_values(dl_fx *x, const dl_frows *r, const struct dl_fc_cross_key *k,
			   size_t at)
{
	char buf[DL_FLOAT_BUFSIZE + DL_INT64_BUFSIZE];
	size_t n, len;

	if (k->is_column) {
		n = x->idn[k->index];
		if (at + n > x->capfp)
			DL_GROW(x->fp, x->capfp, at + n);
		for (size_t j = 0; j < n; j++)
			x->fp[at + j] = (uint64_t)x->ids[x->idoff[k->index] + j];
		return n;
	}
	n = dl_frows_count(r, k->index);
	if (at + n > x->capfp)
		DL_GROW(x->fp, x->capfp, at + n);
	for (size_t j = 0; j < n; j++) {
		struct dl_fval v;
		dl_frows_value(r, k->index, j, &v);
		if (v.kind == DL_FEATURE_INT64) {
			x->fp[at + j] = (uint64_t)v.i;
		} else {
			const char *s = text_of(&v, buf, &len);
			x->fp[at + j] = dl_fingerprint64(s, len);
		}
	}
	return n;
}

#define CROSS_MAX_KEYS 64

static void eval_crossed(dl_fx *x, const dl_frows *r, size_t i)
{
	const dl_fcol *c = &x->s->col[i];
	size_t start[CROSS_MAX_KEYS], count[CROSS_MAX_KEYS], pos[CROSS_MAX_KEYS];
	uint64_t f[CROSS_MAX_KEYS];
	size_t at = 0, nk = c->ncross < CROSS_MAX_KEYS ? c->ncross : CROSS_MAX_KEYS;

	for (size_t k = 0; k < nk; k++) {
		start[k] = at;
		count[k] = cross_values(x, r, &c->cross[k], at);
		if (!count[k])
			return;
		at += count[k];
		pos[k] = 0;
	}
	/* Every combination, the last key fastest. */
	for (;;) {
		for (size_t k = 0; k < nk; k++)
			f[k] = x->fp[start[k] + pos[k]];
		push_id(x, (int64_t)dl_cross_hash(c->hash_key, f, nk, c->buckets));
		size_t k = nk;
		while (k > 0 && ++pos[k - 1] == count[k - 1])
			pos[--k] = 0;
		if (!k)
			return;
	}
}

static int eval_weights(dl_fx *x, const dl_frows *r, const dl_fcol *c, size_t k, dl_err *e)
{
	size_t n = dl_frows_count(r, c->key), ids = x->idn[c->cat];
	double v;

	if (n != ids)
		return bad(e, c, "%zu weights for %zu ids", n, ids);
	if (!n)
		return 0;
	out_begin(x, k + 1, DL_FEATURE_FLOAT);
	for (size_t j = 0; j < n; j++) {
		struct dl_fval w;
		char sh[48];
		dl_frows_value(r, c->key, j, &w);
		if (w.kind == DL_FEATURE_FLOAT)
			v = w.f;
		else if (w.kind == DL_FEATURE_INT64)
			v = (double)w.i;
		else if (dl_fx_parse_double(w.s, w.n, &v))
			return bad(e, c, "weight '%s' is not a number", show(sh, w.s, w.n));
		out_float(x, (float)v);
	}
	return 0;
}

/* Emits column i (already evaluated) into the output row. */
static int emit(dl_fx *x, const dl_frows *r, size_t i, dl_err *e)
{
	const dl_fcol *c = &x->s->col[i];
	size_t k = x->col_schema[i];

	switch (c->type) {
	case DL_FC_NUMERIC:
	case DL_FC_ROLLING:
		if (x->has[i]) {
			out_begin(x, k, DL_FEATURE_FLOAT);
			out_float(x, (float)x->num[i]);
		}
		return 0;
	case DL_FC_INDICATOR: {
		size_t w = (size_t)c->num_buckets;
		out_begin(x, k, DL_FEATURE_FLOAT);
		if (x->nof + w > x->capof)
			DL_GROW(x->of, x->capof, x->nof + w);
		float *d = x->of + x->nof;
		memset(d, 0, w * sizeof *d);
		for (size_t j = 0; j < x->idn[c->cat]; j++) {
			int64_t id = x->ids[x->idoff[c->cat] + j];
			if (id >= 0 && id < c->num_buckets)
				d[id] += 1;
		}
		x->nof += w;
		x->out[x->nout - 1].count = w;
		return 0;
	}
	case DL_FC_EMBEDDING:
	case DL_FC_WEIGHTED: {
		size_t off = x->idoff[c->cat], n = x->idn[c->cat];
		if (n) {
			out_begin(x, k, DL_FEATURE_INT64);
			for (size_t j = 0; j < n; j++)
				if (c->type == DL_FC_WEIGHTED || x->ids[off + j] >= 0)
					out_int(x, x->ids[off + j]);
		}
		return c->type == DL_FC_WEIGHTED ? eval_weights(x, r, c, k, e) : 0;
	}
	default:
		if (x->idn[i]) {
			out_begin(x, k, DL_FEATURE_INT64);
			for (size_t j = 0; j < x->idn[i]; j++)
				out_int(x, x->ids[x->idoff[i] + j]);
		}
		return 0;
	}
}

static int passthrough(dl_fx *x, const dl_frows *r, dl_err *e)
{
	const dl_fspec *s = x->s;
	size_t k0 = x->nschema - s->npass;

	for (size_t k = 0; k < s->npass; k++) {
		size_t key = s->pass[k].key, n = dl_frows_count(r, key), len;
		const char *name = s->keys[key];
		enum dl_feature_kind kind = s->pass[k].kind;
		char buf[DL_FLOAT_BUFSIZE + DL_INT64_BUFSIZE], sh[48];
		if (!n)
			continue;
		out_begin(x, k0 + k, kind);
		for (size_t j = 0; j < n; j++) {
			struct dl_fval v;
			dl_frows_value(r, key, j, &v);
			const char *t = text_of(&v, buf, &len);
			if (kind == DL_FEATURE_BYTES) {
				out_bytes(x, t, len);
			} else if (kind == DL_FEATURE_FLOAT) {
				double d;
				if (v.kind == DL_FEATURE_FLOAT)
					d = v.f;
				else if (v.kind == DL_FEATURE_INT64)
					d = (double)v.i;
				else if (dl_fx_parse_double(t, len, &d))
					return dl_errf(e, "passthrough '%s': '%s' is not a number", name,
						       show(sh, t, len)), -2;
				out_float(x, (float)d);
			} else {
				int64_t i;
				if (v.kind == DL_FEATURE_INT64)
					i = v.i;
				else if (dl_parse_int64(t, len, &i))
					return dl_errf(e, "passthrough '%s': '%s' is not an integer",
						       name, show(sh, t, len)), -2;
				out_int(x, i);
			}
		}
	}
	return 0;
}

/* A rolling column's input, checked before any window moves. */
static int rolling_input(dl_fx *x, const dl_frows *r, size_t i, dl_err *e)
{
	const dl_fcol *c = &x->s->col[i];
	int got = dl_fx_number(r, c->key, c, &x->num[i], e);

	if (got < 0)
		return got;
	x->has[i] = (unsigned char)got;
	if (c->has_group && dl_frows_count(r, c->group_key) > 1)
		return bad(e, c, "group_by '%s' has more than one value", x->s->keys[c->group_key]);
	return 0;
}

static void rolling_move(dl_fx *x, const dl_frows *r, size_t i)
{
	const dl_fcol *c = &x->s->col[i];
	double out = 0;
	int got;

	if (c->has_group) {
		char buf[DL_FLOAT_BUFSIZE + DL_INT64_BUFSIZE];
		const char *g = "";
		size_t n = 0;
		struct dl_fval v;
		if (dl_frows_count(r, c->group_key)) {
			dl_frows_value(r, c->group_key, 0, &v);
			g = text_of(&v, buf, &n);
		}
		got = dl_window_groups_push(x->groups[i], g, n, x->has[i], x->num[i], &out);
	} else {
		got = dl_window_push(x->win[i], x->has[i], x->num[i], &out);
	}
	x->has[i] = (unsigned char)got;
	x->num[i] = out;
}

int dl_fx_apply(dl_fx *x, const dl_frows *r, dl_err *e)
{
	const dl_fspec *s = x->s;
	int rc = 0, rolling = 0;

	out_clear(x);
	x->nids = 0;
	for (size_t k = 0; k < s->ncol && !rc; k++) {
		size_t i = x->order[k];
		const dl_fcol *c = &s->col[i];
		x->idoff[i] = x->nids;
		switch (c->type) {
		case DL_FC_NUMERIC: rc = eval_numeric(x, r, i, e); break;
		case DL_FC_BUCKETIZED: rc = eval_bucketized(x, r, i, e); break;
		case DL_FC_CROSSED: eval_crossed(x, r, i); break;
		case DL_FC_ROLLING: rc = rolling_input(x, r, i, e); rolling = 1; break;
		case DL_FC_INDICATOR:
		case DL_FC_EMBEDDING:
		case DL_FC_WEIGHTED: break;
		default: rc = eval_categorical(x, r, i, e); break;
		}
		x->idn[i] = x->nids - x->idoff[i];
	}
	if (rc)
		return rc;
	/* Weights and passthrough values are checked by writing them: write the row once to
	 * check it, then (only with rolling columns, whose windows move only for good rows)
	 * again with the windows' values. */
	for (size_t i = 0; i < s->ncol && !rc; i++)
		if (s->col[i].emit)
			rc = emit(x, r, i, e);
	if (!rc)
		rc = passthrough(x, r, e);
	if (rc) {
		out_clear(x);
		return rc;
	}
	if (rolling) {
		for (size_t i = 0; i < s->ncol; i++)
			if (s->col[i].type == DL_FC_ROLLING)
				rolling_move(x, r, i);
		out_clear(x);
		for (size_t i = 0; i < s->ncol; i++)
			if (s->col[i].emit)
				emit(x, r, i, e);
		passthrough(x, r, e);
	}
	return 0;
}

