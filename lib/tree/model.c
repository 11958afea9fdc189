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
		dl_buf_printf(b, i ? ",%d" : "%d", (int)a[i]);
	dl_buf_puts(b, "]");
}

static void put_floats(dl_buf *b, const char *key, const float *a, int32_t n)
{
	dl_buf_printf(b, "\"%s\": [", key);
	for (int32_t i = 0; i < n; i++) {
		if (i)
			dl_buf_putc(b, ',');
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
		dl_buf_printf(b, k ? ",%d" : "%d", t->default_left[k]);
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

/* The keys of a tree object, in the order of dl_tree_arrays. */
static const char *tree_keys[DL_TREE_NKEYS] = { "left", "right", "feature", "default_left",
						"threshold", "value", "gain", "cover" };

void dl_tree_arrays_free(dl_tree_arrays *ta)
{
	for (int k = 0; k < DL_TREE_NKEYS; k++) {
		dl_free(ta->a[k]);
		ta->a[k] = NULL;
		ta->n[k] = 0;
	}
}

int dl_tree_from_arrays(const dl_tree_arrays *ta, const char *where, size_t nfeat, int vdim,
			dl_tree **out, dl_err *e)
{
	if (!ta->present[0])
		return dl_errf(e, "%s: \"left\" is missing or not an array", where);
	if (ta->n[0] == 0)
		return dl_errf(e, "%s: has no nodes", where);
	if (ta->n[0] > 2147483647u / (unsigned)(vdim > 0 ? vdim : 1))
		return dl_errf(e, "%s: too many nodes", where);
	int32_t n = (int32_t)ta->n[0];
	dl_tree *t = dl_tree_new(vdim);
	dl_tree_reserve(t, n);
	for (int32_t i = 0; i < n; i++)
		dl_tree_add(t, -1);
	/* key by key, as they are listed: its presence, its length, its values */
	for (int k = 0; k < DL_TREE_NKEYS; k++) {
		size_t want = k == 5 ? (size_t)n * (size_t)vdim : (size_t)n;
		if (!ta->present[k]) {
			dl_errf(e, "%s: \"%s\" is missing or not an array", where, tree_keys[k]);
			goto fail;
		}
		if (ta->n[k] != want) {
			dl_errf(e, "%s: \"%s\" has %zu values, \"left\" has %d", where, tree_keys[k],
				ta->n[k], (int)n);
			goto fail;
		}
		for (size_t i = 0; i < want && k < 4; i++) {
			double d = ta->a[k][i];
			if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != floor(d)) {
				dl_errf(e, "%s: \"%s\"[%d] is not an integer", where, tree_keys[k], (int)i);
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
		}
		float *dst = k == 4 ? t->thr : k == 5 ? t->value : k == 6 ? t->gain : t->cover;
		for (size_t i = 0; i < want && k >= 4; i++) {
			double d = ta->a[k][i];
			if (d != d) {
				dl_errf(e, "%s: \"%s\"[%d] is not a number", where, tree_keys[k], (int)i);
				goto fail;
			}
			float x = (float)d;
			if (!isfinite(x)) {
				dl_errf(e, "%s: \"%s\"[%d] is out of the float range", where,
					tree_keys[k], (int)i);
				goto fail;
			}
			dst[i] = x;
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

int dl_tree_json_get(const cJSON *o, const char *where, size_t nfeat, int vdim, dl_tree **out,
		     dl_err *e)
{
	if (!cJSON_IsObject(o))
		return dl_errf(e, "%s: not an object", where);
	dl_tree_arrays ta;
	memset(&ta, 0, sizeof ta);
	for (int k = 0; k < DL_TREE_NKEYS; k++) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, tree_keys[k]), *v;
		if (!cJSON_IsArray(a))
			continue;
		ta.present[k] = 1;
		ta.n[k] = (size_t)cJSON_GetArraySize(a);
		ta.a[k] = ta.n[k] ? dl_mallocarray(ta.n[k], sizeof *ta.a[k]) : NULL;
		size_t i = 0;
		cJSON_ArrayForEach(v, a)
			ta.a[k][i++] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
	}
	int r = dl_tree_from_arrays(&ta, where, nfeat, vdim, out, e);
	dl_tree_arrays_free(&ta);
	return r;
}

int dl_tree_json_scan(dl_jscan *s, const char *where, size_t nfeat, int vdim, dl_tree **out,
		      dl_err *e)
{
	dl_tree_arrays ta;
	memset(&ta, 0, sizeof ta);
	int r = -1;
	if (dl_jscan_eat(s, '{') < 0) {
		if (dl_jscan_skip(s, NULL, NULL) < 0)
			return dl_errf(e, "%s: not valid JSON (near byte %zu)", where,
				       dl_jscan_offset(s));
		return dl_errf(e, "%s: not an object", where);
	}
	const char *key;
	size_t len;
	int started = 0, more;
	while ((more = dl_jscan_member(s, &started, &key, &len)) > 0) {
		int k = 0;
		while (k < DL_TREE_NKEYS &&
		       !(strlen(tree_keys[k]) == len && !memcmp(tree_keys[k], key, len)))
			k++;
		if (k < DL_TREE_NKEYS && dl_jscan_peek(s) == '[') {
			dl_free(ta.a[k]);
			if (dl_jscan_numbers(s, &ta.a[k], &ta.n[k]) < 0)
				goto bad;
			ta.present[k] = 1;
		} else if (dl_jscan_skip(s, NULL, NULL) < 0) {
			goto bad;
		}
	}
	if (more < 0)
		goto bad;
	r = dl_tree_from_arrays(&ta, where, nfeat, vdim, out, e);
	dl_tree_arrays_free(&ta);
	return r;
bad:
	dl_tree_arrays_free(&ta);
	return dl_errf(e, "%s: not valid JSON (near byte %zu)", where, dl_jscan_offset(s));
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
