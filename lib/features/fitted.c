/*
 * fitted.c — FITTED.json, the output of fit and the model of apply, and the output schema.
 *
 *   {"format":"dl-features","version":1,
 *    "spec":{...the spec as given...},"spec_fingerprint":"<16 hex digits>",
 *    "rows":N,"bad_rows":N,
 *    "columns":[{"name":"age","type":"numeric","count":N,"mean":M,"variance":V,"min":A,
 *                "max":B},
 *               {"name":"age_bucketized","type":"bucketized","boundaries":[...]},
 *               {"name":"city","type":"categorical_with_vocabulary","vocabulary":[...],
 *                "counts":[...]}, ...],
 *    "schema":[{"name":"age","dtype":"float","shape":"dense","width":1}, ...]}
 *
 * The spec_fingerprint is FarmHash Fingerprint64 of the spec printed compactly; a model
 * whose spec does not give it back was edited by hand or mixed from two files, and is
 * refused. Numbers are written with 17 significant digits, so doubles read back exactly.
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/spec.h"
#include "features/specpriv.h"
#include "core/utf8.h"
#include "record/base64.h"
#include "record/jsonl.h"

#define FITTED_FORMAT "dl-features"
#define FITTED_VERSION 1

static void put_double(dl_buf *b, double v)
{
	if (isfinite(v))
		dl_buf_printf(b, "%.17g", v);
	else
		dl_buf_puts(b, "null");
}

static void put_vocab(dl_buf *b, const dl_vocab *v, int counts)
{
	dl_buf_puts(b, ",\"vocabulary\":[");
	for (size_t k = 0; k < v->n; k++) {
		if (k)
			dl_buf_putc(b, ',');
		/* JSON strings carry valid UTF-8 without NUL (for cJSON): other bytes go as
		 * {"base64": "..."}, as the JSON-lines mapping writes them. */
		if (dl_utf8_valid(v->str[k], v->len[k]) == v->len[k] &&
		    !memchr(v->str[k], '\0', v->len[k])) {
			dl_json_string(b, v->str[k], v->len[k]);
		} else {
			dl_buf_puts(b, "{\"base64\":\"");
			dl_base64_encode(v->str[k], v->len[k], b);
			dl_buf_puts(b, "\"}");
		}
	}
	dl_buf_putc(b, ']');
	if (!counts)
		return;
	dl_buf_puts(b, ",\"counts\":[");
	for (size_t k = 0; k < v->n; k++)
		dl_buf_printf(b, "%s%" PRIu64, k ? "," : "", v->count[k]);
	dl_buf_putc(b, ']');
}

static void put_column(dl_buf *b, const dl_fcol *c)
{
	dl_buf_puts(b, "{\"name\":");
	dl_json_string(b, c->name, strlen(c->name));
	dl_buf_printf(b, ",\"type\":\"%s\"", dl_fc_type_name(c->type));
	switch (c->type) {
	case DL_FC_NUMERIC:
		dl_buf_printf(b, ",\"count\":%" PRIu64 ",\"mean\":", c->count);
		put_double(b, c->mean);
		dl_buf_puts(b, ",\"variance\":");
		put_double(b, c->var);
		dl_buf_puts(b, ",\"min\":");
		put_double(b, c->min);
		dl_buf_puts(b, ",\"max\":");
		put_double(b, c->max);
		break;
	case DL_FC_BUCKETIZED:
		dl_buf_puts(b, ",\"boundaries\":[");
		for (size_t k = 0; k < c->nbounds; k++) {
			if (k)
				dl_buf_putc(b, ',');
			put_double(b, c->bounds[k]);
		}
		dl_buf_putc(b, ']');
		break;
	case DL_FC_VOCAB:
		put_vocab(b, &c->vocab, 1);
		break;
	case DL_FC_VOCAB_FILE:
		put_vocab(b, &c->vocab, 0);
		break;
	default:
		break;
	}
	dl_buf_putc(b, '}');
}

void dl_fspec_write_fitted(const dl_fspec *s, dl_buf *out)
{
	dl_buf_printf(out, "{\"format\":\"%s\",\"version\":%d,\n\"spec\":%s,\n"
		      "\"spec_fingerprint\":\"%016" PRIx64 "\",\"rows\":%" PRIu64
		      ",\"bad_rows\":%" PRIu64 ",\n\"columns\":[\n", FITTED_FORMAT, FITTED_VERSION,
		      s->spec_json, s->fingerprint, s->rows, s->bad_rows);
	for (size_t i = 0; i < s->ncol; i++) {
		put_column(out, &s->col[i]);
		dl_buf_puts(out, i + 1 < s->ncol ? ",\n" : "\n");
	}
	dl_buf_puts(out, "],\n\"schema\":");
	dl_fspec_schema_json(s, out);
	dl_buf_puts(out, "}\n");
}

/* ---- reading */

/* A count from JSON: 0 unless a number in [0, 2^63). */
static uint64_t count_of(const cJSON *v)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble > 0) || v->valuedouble >= 9223372036854775808.0)
		return 0;
	return (uint64_t)v->valuedouble;
}

static int number(const cJSON *o, const char *m, double *v, int nullok)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, m);

	if (x && cJSON_IsNull(x) && nullok) {
		*v = NAN;
		return 0;
	}
	if (!cJSON_IsNumber(x))
		return -1;
	*v = x->valuedouble;
	return 0;
}

static int read_numeric(dl_fcol *c, const cJSON *o, dl_err *e)
{
	double n;

	if (number(o, "count", &n, 0) || !(n >= 0 && n < 9223372036854775808.0) ||
	    number(o, "mean", &c->mean, 1) ||
	    number(o, "variance", &c->var, 1) || number(o, "min", &c->min, 1) ||
	    number(o, "max", &c->max, 1))
		return dl_errf(e, "column '%s': count, mean, variance, min or max missing or not a "
			       "number", c->name);
	c->count = (uint64_t)n;
	return 0;
}

static int read_bounds(dl_fcol *c, const cJSON *o, dl_err *e)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "boundaries"), *v;

	if (!cJSON_IsArray(a))
		return dl_errf(e, "column '%s': boundaries missing", c->name);
	dl_free(c->bounds);
	c->bounds = dl_mallocarray((size_t)cJSON_GetArraySize(a) + 1, sizeof *c->bounds);
	c->nbounds = 0;
	cJSON_ArrayForEach(v, a) {
		if (!cJSON_IsNumber(v) ||
		    (c->nbounds && !(v->valuedouble > c->bounds[c->nbounds - 1])))
			return dl_errf(e, "column '%s': boundaries must be increasing numbers",
				       c->name);
		c->bounds[c->nbounds++] = v->valuedouble;
	}
	c->num_buckets = (int64_t)c->nbounds + 1;
	return 0;
}

static int read_vocab(dl_fcol *c, const cJSON *o, dl_err *e)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "vocabulary"), *v;
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "counts");

	if (!cJSON_IsArray(a))
		return dl_errf(e, "column '%s': vocabulary missing", c->name);
	if (n && (!cJSON_IsArray(n) || cJSON_GetArraySize(n) != cJSON_GetArraySize(a)))
		return dl_errf(e, "column '%s': counts do not match the vocabulary", c->name);
	dl_vocab_free(&c->vocab);
	dl_vocab_init(&c->vocab);
	cJSON_ArrayForEach(v, a) {
		const cJSON *b64 = cJSON_GetObjectItemCaseSensitive(v, "base64");
		const char *str;
		size_t len;
		uint8_t *raw = NULL;
		if (cJSON_IsString(v)) {
			str = v->valuestring;
			len = strlen(str);
		} else if (cJSON_IsObject(v) && cJSON_IsString(b64)) {
			size_t blen = strlen(b64->valuestring);
			raw = dl_malloc(blen / 4 * 3 + 3);
			ptrdiff_t got = dl_base64_decode(b64->valuestring, blen, raw);
			if (got < 0) {
				dl_free(raw);
				return dl_errf(e, "column '%s': bad base64 in the vocabulary", c->name);
			}
			str = (const char *)raw;
			len = (size_t)got;
		} else {
			return dl_errf(e, "column '%s': a vocabulary entry is not a string", c->name);
		}
		int dup = dl_vocab_find(&c->vocab, str, len) >= 0;
		if (!dup)
			dl_vocab_add(&c->vocab, str, len);
		dl_free(raw);
		if (dup)
			return dl_errf(e, "column '%s': an entry is in the vocabulary twice", c->name);
	}
	if (n) {
		size_t k = 0;
		cJSON_ArrayForEach(v, n)
			c->vocab.count[k++] = count_of(v);
	}
	c->num_buckets = (int64_t)(c->vocab.n + c->num_oov);
	return 0;
}

static int read_columns(dl_fspec *s, const cJSON *cols, dl_err *e)
{
	const cJSON *o;
	size_t i = 0;

	if (!cJSON_IsArray(cols) || (size_t)cJSON_GetArraySize(cols) != s->ncol)
		return dl_errf(e, "the columns do not match the spec");
	cJSON_ArrayForEach(o, cols) {
		dl_fcol *c = &s->col[i++];
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "name");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
		int r = 0;
		if (!cJSON_IsString(n) || strcmp(n->valuestring, c->name) || !cJSON_IsString(t) ||
		    strcmp(t->valuestring, dl_fc_type_name(c->type)))
			return dl_errf(e, "column %zu is not the spec's column '%s'", i, c->name);
		if (c->type == DL_FC_NUMERIC)
			r = read_numeric(c, o, e);
		else if (c->type == DL_FC_BUCKETIZED && c->quantiles)
			r = read_bounds(c, o, e);
		else if (c->type == DL_FC_VOCAB || c->type == DL_FC_VOCAB_FILE)
			r = read_vocab(c, o, e);
		if (r)
			return -1;
	}
	/* Users of a column whose id space was learned take it on. */
	for (i = 0; i < s->ncol; i++) {
		dl_fcol *c = &s->col[i];
		if (c->level == 3)
			c->num_buckets = s->col[c->cat].num_buckets;
	}
	return 0;
}

dl_fspec *dl_fspec_read_fitted(const char *text, size_t len, dl_err *e)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	const cJSON *f, *fp, *rows, *bad;
	dl_fspec *s = NULL;
	char want[20];

	if (!root) {
		dl_errf(e, "not valid JSON");
		return NULL;
	}
	f = cJSON_GetObjectItemCaseSensitive(root, "format");
	if (!cJSON_IsString(f) || strcmp(f->valuestring, FITTED_FORMAT)) {
		dl_errf(e, "not a dl-features model (no \"format\":\"%s\"; was it written by "
			"dl-features fit?)", FITTED_FORMAT);
		goto out;
	}
	f = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (!cJSON_IsNumber(f) || f->valuedouble != FITTED_VERSION) {
		dl_errf(e, "model version is not %d", FITTED_VERSION);
		goto out;
	}
	s = dl_fspec_from_json(cJSON_GetObjectItemCaseSensitive(root, "spec"), 0, NULL, e);
	if (!s)
		goto out;
	fp = cJSON_GetObjectItemCaseSensitive(root, "spec_fingerprint");
	snprintf(want, sizeof want, "%016" PRIx64, s->fingerprint);
	if (!cJSON_IsString(fp) || strcmp(fp->valuestring, want)) {
		dl_errf(e, "spec_fingerprint does not match the spec in the model (edited, or "
			"mixed from two models?)");
		goto fail;
	}
	rows = cJSON_GetObjectItemCaseSensitive(root, "rows");
	bad = cJSON_GetObjectItemCaseSensitive(root, "bad_rows");
	s->rows = count_of(rows);
	s->bad_rows = count_of(bad);
	if (read_columns(s, cJSON_GetObjectItemCaseSensitive(root, "columns"), e))
		goto fail;
	s->fitted = 1;
	goto out;
fail:
	dl_fspec_free(s);
	s = NULL;
out:
	cJSON_Delete(root);
	return s;
}

dl_fspec *dl_fspec_load_fitted(const char *path, dl_err *e)
{
	size_t len;
	char *text = dl_fspec_slurp(path, &len, e);
	dl_fspec *s;
	dl_err pe;

	if (!text)
		return NULL;
	s = dl_fspec_read_fitted(text, len, &pe);
	dl_free(text);
	if (!s)
		dl_errf(e, "%s: %s", path && strcmp(path, "-") ? path : "(stdin)", pe.msg);
	return s;
}

/* ---- the schema */

static void add_entry(struct dl_fschema **a, size_t *n, struct dl_fschema x)
{
	x.name_len = strlen(x.name);
	*a = dl_reallocarray(*a, *n + 1, sizeof **a);
	(*a)[(*n)++] = x;
}

size_t dl_fspec_schema(const dl_fspec *s, struct dl_fschema **out)
{
	struct dl_fschema *a = NULL;
	size_t n = 0;

	for (size_t i = 0; i < s->ncol; i++) {
		const dl_fcol *c = &s->col[i];
		struct dl_fschema x = { c->name, 0, c, DL_FEATURE_INT64, 0, 0, c->num_buckets };
		if (!c->emit)
			continue;
		switch (c->type) {
		case DL_FC_NUMERIC:
		case DL_FC_ROLLING:
			x = (struct dl_fschema){ c->name, 0, c, DL_FEATURE_FLOAT, 1, 1, 0 };
			break;
		case DL_FC_BUCKETIZED:
			x.dense = 1, x.width = 1;
			break;
		case DL_FC_INDICATOR:
			x = (struct dl_fschema){ c->name, 0, c, DL_FEATURE_FLOAT, 1, c->num_buckets,
						 0 };
			break;
		default:
			break;
		}
		add_entry(&a, &n, x);
		if (c->type == DL_FC_WEIGHTED)
			add_entry(&a, &n, (struct dl_fschema){ c->weight_name, 0, c,
							       DL_FEATURE_FLOAT, 0, 0, 0 });
	}
	for (size_t k = 0; k < s->npass; k++)
		add_entry(&a, &n, (struct dl_fschema){ s->keys[s->pass[k].key], 0, NULL,
						       s->pass[k].kind, 0, 0, 0 });
	*out = a;
	return n;
}

static const char *kind_name(enum dl_feature_kind k)
{
	return k == DL_FEATURE_FLOAT ? "float" : k == DL_FEATURE_INT64 ? "int64" : "bytes";
}

void dl_fspec_schema_json(const dl_fspec *s, dl_buf *out)
{
	struct dl_fschema *a;
	size_t n = dl_fspec_schema(s, &a);

	dl_buf_putc(out, '[');
	for (size_t k = 0; k < n; k++) {
		dl_buf_puts(out, k ? ",\n{\"name\":" : "\n{\"name\":");
		dl_json_string(out, a[k].name, strlen(a[k].name));
		dl_buf_printf(out, ",\"dtype\":\"%s\",\"shape\":\"%s\"", kind_name(a[k].kind),
			      a[k].dense ? "dense" : "sparse");
		if (a[k].dense)
			dl_buf_printf(out, ",\"width\":%lld", (long long)a[k].width);
		if (a[k].num_buckets)
			dl_buf_printf(out, ",\"num_buckets\":%lld", (long long)a[k].num_buckets);
		if (a[k].col)
			dl_buf_printf(out, ",\"column\":\"%s\"", dl_fc_type_name(a[k].col->type));
		else
			dl_buf_puts(out, ",\"column\":\"passthrough\"");
		if (a[k].col && a[k].col->type == DL_FC_EMBEDDING)
			dl_buf_printf(out, ",\"vocab_size\":%lld,\"dimension\":%d,\"combiner\":\"%s\"",
				      (long long)a[k].col->num_buckets, a[k].col->dimension,
				      a[k].col->combiner);
		dl_buf_putc(out, '}');
	}
	dl_buf_puts(out, "]\n");
	dl_free(a);
}

void dl_fspec_describe(const dl_fspec *s, dl_buf *out)
{
	struct dl_fschema *a;
	size_t n = dl_fspec_schema(s, &a);

	dl_buf_printf(out, "spec %016" PRIx64 ", fitted on %" PRIu64 " rows (%" PRIu64
		      " skipped)\n", s->fingerprint, s->rows, s->bad_rows);
	dl_buf_printf(out, "%-32s %-6s %-7s %10s %12s  %s\n", "feature", "dtype", "shape",
		      "width", "num_buckets", "column");
	for (size_t k = 0; k < n; k++) {
		char w[24] = "-", b[24] = "-";
		if (a[k].dense)
			snprintf(w, sizeof w, "%lld", (long long)a[k].width);
		if (a[k].num_buckets)
			snprintf(b, sizeof b, "%lld", (long long)a[k].num_buckets);
		dl_buf_printf(out, "%-32s %-6s %-7s %10s %12s  %s", a[k].name, kind_name(a[k].kind),
			      a[k].dense ? "dense" : "sparse", w, b,
			      a[k].col ? dl_fc_type_name(a[k].col->type) : "passthrough");
		if (a[k].col && a[k].col->type == DL_FC_EMBEDDING)
			dl_buf_printf(out, " (dimension %d, %s)", a[k].col->dimension,
				      a[k].col->combiner);
		dl_buf_putc(out, '\n');
	}
	dl_free(a);
}
