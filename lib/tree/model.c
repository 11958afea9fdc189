/*
 * model.c — boosted-tree models as JSON (format in model.h). Written by hand into a
 * buffer (floats in their shortest round-trip form), read with cJSON.
 */
#include "tree/model.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "record/numfmt.h"

void dl_json_put_str(dl_buf *b, const char *s)
{
	dl_buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			dl_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			dl_buf_printf(b, "\\u%04x", c);
		else
			dl_buf_putc(b, c);
	}
	dl_buf_putc(b, '"');
}

static void put_float(dl_buf *b, float v)
{
	char s[DL_FLOAT_BUFSIZE];
	dl_format_float(s, v);
	dl_buf_puts(b, s);
}

static void put_ints(dl_buf *b, const char *key, const int32_t *a, int32_t n)
{
	dl_buf_printf(b, "\"%s\": [", key);
	for (int32_t i = 0; i < n; i++)
		dl_buf_printf(b, i ? ", %d" : "%d", (int)a[i]);
	dl_buf_puts(b, "]");
}

static void put_floats(dl_buf *b, const char *key, const float *a, int32_t n)
{
	dl_buf_printf(b, "\"%s\": [", key);
	for (int32_t i = 0; i < n; i++) {
		if (i)
			dl_buf_puts(b, ", ");
		put_float(b, a[i]);
	}
	dl_buf_puts(b, "]");
}

void dl_tree_json_put(dl_buf *b, const dl_tree *t)
{
	int32_t n = t->n;
	dl_buf_puts(b, "{");
	put_ints(b, "left", t->left, n);
	dl_buf_puts(b, ", ");
	put_ints(b, "right", t->right, n);
	dl_buf_puts(b, ", ");
	put_ints(b, "feature", t->feature, n);
	dl_buf_puts(b, ", ");
	put_floats(b, "threshold", t->thr, n);
	dl_buf_puts(b, ", \"default_left\": [");
	for (int32_t k = 0; k < n; k++)
		dl_buf_printf(b, k ? ", %d" : "%d", t->default_left[k]);
	dl_buf_puts(b, "], ");
	put_floats(b, "value", t->value, n * t->vdim);
	dl_buf_puts(b, ", ");
	put_floats(b, "gain", t->gain, n);
	dl_buf_puts(b, ", ");
	put_floats(b, "cover", t->cover, n);
	dl_buf_puts(b, "}");
}

void dl_gbm_write(const dl_gbm *m, const char *learner, dl_out *out)
{
	dl_buf b = { 0 };
	dl_buf_puts(&b, "{\"format\": \"dl-gbm\", \"version\": 1, \"learner\": ");
	dl_json_put_str(&b, learner);
	dl_buf_printf(&b, ",\n \"objective\": \"%s\", \"num_class\": %d, \"base_score\": %.17g,\n",
		      dl_objective_name(m->obj.kind), m->obj.nclass > 1 ? m->obj.nclass : 1,
		      m->base_score);
	dl_buf_printf(&b, " \"rounds\": %d, \"best_iteration\": %d,\n \"features\": [", m->rounds,
		      m->best_iteration);
	for (size_t f = 0; f < m->nfeat; f++) {
		if (f)
			dl_buf_puts(&b, ", ");
		dl_json_put_str(&b, m->features[f]);
	}
	dl_buf_puts(&b, "],\n \"params\": ");
	dl_buf_puts(&b, m->params_json ? m->params_json : "{}");
	dl_buf_puts(&b, ",\n \"trees\": [");
	for (size_t i = 0; i < m->ntree; i++) {
		dl_buf_puts(&b, i ? ",\n  " : "\n  ");
		dl_tree_json_put(&b, m->trees[i]);
	}
	dl_buf_puts(&b, "\n ]}\n");
	dl_out_write(out, b.data, b.len);
	dl_buf_free(&b);
}

/* ---- reading */

static int get_array(const cJSON *o, const char *key, int32_t n, const char *where,
		     const cJSON **out, dl_err *e)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsArray(a))
		return dl_errf(e, "%s: \"%s\" is missing or not an array", where, key);
	if (n >= 0 && cJSON_GetArraySize(a) != n)
		return dl_errf(e, "%s: \"%s\" has %d values, \"left\" has %d", where, key,
			       cJSON_GetArraySize(a), (int)n);
	*out = a;
	return 0;
}

int dl_tree_json_get(const cJSON *o, const char *where, size_t nfeat, int vdim, dl_tree **out,
		     dl_err *e)
{
	const cJSON *a = NULL;
	if (!cJSON_IsObject(o))
		return dl_errf(e, "%s: not an object", where);
	if (get_array(o, "left", -1, where, &a, e) < 0)
		return -1;
	int32_t n = cJSON_GetArraySize(a);
	if (n <= 0)
		return dl_errf(e, "%s: has no nodes", where);
	dl_tree *t = dl_tree_new(vdim);
	for (int32_t i = 0; i < n; i++)
		dl_tree_add(t, -1);
	static const char *ikeys[] = { "left", "right", "feature", "default_left" };
	static const char *fkeys[] = { "threshold", "value", "gain", "cover" };
	for (int k = 0; k < 4; k++) {
		if (get_array(o, ikeys[k], n, where, &a, e) < 0)
			goto fail;
		int32_t i = 0;
		const cJSON *v;
		cJSON_ArrayForEach(v, a) {
			double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
			if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != floor(d)) {
				dl_errf(e, "%s: \"%s\"[%d] is not an integer", where, ikeys[k], (int)i);
				goto fail;
			}
			int32_t x = (int32_t)d;
			if (k == 0)
				t->left[i] = x;
			else if (k == 1)
				t->right[i] = x;
			else if (k == 2)
				t->feature[i] = x;
			else if (x != 0 && x != 1) {
				dl_errf(e, "%s: \"default_left\"[%d] is not 0 or 1", where, (int)i);
				goto fail;
			} else
				t->default_left[i] = (uint8_t)x;
			i++;
		}
	}
	for (int k = 0; k < 4; k++) {
		if (get_array(o, fkeys[k], k == 1 ? n * vdim : n, where, &a, e) < 0)
			goto fail;
		int32_t i = 0;
		const cJSON *v;
		cJSON_ArrayForEach(v, a) {
			if (!cJSON_IsNumber(v)) {
				dl_errf(e, "%s: \"%s\"[%d] is not a number", where, fkeys[k], (int)i);
				goto fail;
			}
			float x = (float)v->valuedouble;
			if (!isfinite(x)) {
				dl_errf(e, "%s: \"%s\"[%d] is out of the float range", where,
					fkeys[k], (int)i);
				goto fail;
			}
			float *dst = k == 0 ? t->thr : k == 1 ? t->value : k == 2 ? t->gain : t->cover;
			dst[i++] = x;
		}
	}
	for (int32_t i = 0; i < n; i++)
		if (t->left[i] < 0)
			t->feature[i] = 0;  /* a leaf's feature is not used */
	dl_err te;
	if (dl_tree_validate(t, nfeat, &te) < 0) {
		dl_errf(e, "%s: %s", where, te.msg);
		goto fail;
	}
	for (int32_t i = 0; i < n; i++)
		if (t->left[i] >= 0)
			t->parent[t->left[i]] = t->parent[t->right[i]] = i;
	*out = t;
	return 0;
fail:
	dl_tree_free(t);
	return -1;
}

static int get_number(const cJSON *root, const char *key, const char *name, double *out,
		      dl_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
	if (!cJSON_IsNumber(v))
		return dl_errf(e, "%s: \"%s\" is missing or not a number", name, key);
	*out = v->valuedouble;
	return 0;
}

dl_gbm *dl_gbm_read_mem(const char *text, size_t len, const char *name, char **learner,
			dl_err *e)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	if (!root)
		return dl_errf(e, "%s: not valid JSON (near byte %zu)", name,
			       cJSON_GetErrorPtr() ? (size_t)(cJSON_GetErrorPtr() - text) : 0), NULL;
	dl_gbm *m = dl_calloc(1, sizeof *m);
	char where[96];
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(root, "objective");
	const cJSON *feats = cJSON_GetObjectItemCaseSensitive(root, "features");
	const cJSON *trees = cJSON_GetObjectItemCaseSensitive(root, "trees");
	double nclass = 0, base = 0, rounds = 0, best = -1;
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "dl-gbm") != 0) {
		dl_errf(e, "%s: not a dl-gbm model (\"format\" is not \"dl-gbm\"; an XGBoost model "
			   "is converted by 'dl-xgb import')", name);
		goto fail;
	}
	if (!cJSON_IsString(obj) || dl_objective_parse(obj->valuestring, &m->obj.kind) < 0) {
		dl_errf(e, "%s: \"objective\" is missing or unknown", name);
		goto fail;
	}
	if (get_number(root, "num_class", name, &nclass, e) < 0 ||
	    get_number(root, "base_score", name, &base, e) < 0 ||
	    get_number(root, "rounds", name, &rounds, e) < 0 ||
	    get_number(root, "best_iteration", name, &best, e) < 0)
		goto fail;
	if (!(nclass >= 1 && nclass <= 1e6) || nclass != floor(nclass)) {
		dl_errf(e, "%s: \"num_class\" %g is not a positive integer", name, nclass);
		goto fail;
	}
	if (!isfinite(base)) {
		dl_errf(e, "%s: \"base_score\" is not finite", name);
		goto fail;
	}
	m->obj.nclass = (int)nclass;
	m->obj.huber_slope = 1.0;
	m->obj.scale_pos_weight = 1.0;
	m->base_score = base;
	m->rounds = rounds >= 0 && rounds < 1e9 ? (int)rounds : 0;
	m->best_iteration = best >= -1 && best < rounds ? (int)best : -1;
	if (!cJSON_IsArray(feats) || cJSON_GetArraySize(feats) == 0) {
		dl_errf(e, "%s: \"features\" is missing or empty", name);
		goto fail;
	}
	m->nfeat = (size_t)cJSON_GetArraySize(feats);
	m->features = dl_calloc(m->nfeat, sizeof *m->features);
	size_t f = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, feats) {
		if (!cJSON_IsString(v)) {
			dl_errf(e, "%s: feature %zu is not a string", name, f);
			goto fail;
		}
		m->features[f++] = dl_strdup(v->valuestring);
	}
	if (!cJSON_IsArray(trees)) {
		dl_errf(e, "%s: \"trees\" is missing or not an array", name);
		goto fail;
	}
	size_t nt = (size_t)cJSON_GetArraySize(trees);
	size_t K = dl_gbm_nclass(m);
	if (nt % K != 0) {
		dl_errf(e, "%s: %zu trees is not a multiple of num_class %zu", name, nt, K);
		goto fail;
	}
	m->trees = dl_calloc(nt ? nt : 1, sizeof *m->trees);
	cJSON_ArrayForEach(v, trees) {
		snprintf(where, sizeof where, "%s: tree %zu", name, m->ntree);
		if (dl_tree_json_get(v, where, m->nfeat, 1, &m->trees[m->ntree], e) < 0)
			goto fail;
		m->ntree++;
	}
	if ((size_t)m->rounds * K != nt)
		m->rounds = (int)(nt / K);
	if (m->best_iteration >= m->rounds)
		m->best_iteration = -1;
	if (learner) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(root, "learner");
		*learner = dl_strdup(cJSON_IsString(l) ? l->valuestring : "");
	}
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");
	if (cJSON_IsObject(params))
		m->params_json = cJSON_PrintUnformatted(params);
	cJSON_Delete(root);
	return m;
fail:
	cJSON_Delete(root);
	dl_gbm_free(m);
	return NULL;
}

dl_gbm *dl_gbm_read(const char *path, char **learner, dl_err *e)
{
	dl_in *in = dl_in_open(path, 0, e);
	if (!in)
		return NULL;
	size_t len;
	uint8_t *text = dl_in_slurp(in, &len, e);
	dl_gbm *m = NULL;
	if (text)
		m = dl_gbm_read_mem((const char *)text, len, dl_in_name(in), learner, e);
	dl_free(text);
	dl_in_close(in);
	return m;
}
