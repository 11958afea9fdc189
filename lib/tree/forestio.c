/*
 * forestio.c — the model file of a random forest (format in forest.h and dl-rf(1)):
 * written by hand into a buffer, read with cJSON and validated before use.
 */
#include "tree/forest.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "tree/model.h"

void dl_forest_write(const dl_forest *f, dl_out *out)
{
	dl_buf b = { 0 };
	int cls = f->task == DL_FOREST_CLASSIFICATION;
	dl_buf_printf(&b, "{\"format\": \"dl-forest\", \"version\": 1, \"learner\": \"dl-rf\",\n"
		      " \"task\": \"%s\", \"num_class\": %d,\n \"features\": [",
		      cls ? "classification" : "regression", cls ? f->nclass : 1);
	for (size_t i = 0; i < f->nfeat; i++) {
		if (i)
			dl_buf_puts(&b, ", ");
		dl_json_put_str(&b, f->features[i]);
	}
	dl_buf_puts(&b, "],\n \"params\": ");
	dl_buf_puts(&b, f->params_json ? f->params_json : "{}");
	if (f->oob_rows) {
		if (cls)
			dl_buf_printf(&b, ",\n \"oob\": {\"rows\": %zu, \"accuracy\": %.17g, "
				      "\"logloss\": %.17g}", f->oob_rows, f->oob_accuracy,
				      f->oob_logloss);
		else
			dl_buf_printf(&b, ",\n \"oob\": {\"rows\": %zu, \"mse\": %.17g, \"r2\": %.17g}",
				      f->oob_rows, f->oob_mse, f->oob_r2);
	}
	if (f->perm_importance) {
		dl_buf_puts(&b, ",\n \"importance\": {\"type\": \"permutation\", \"values\": [");
		for (size_t i = 0; i < f->nfeat; i++)
			dl_buf_printf(&b, i ? ", %.17g" : "%.17g", f->perm_importance[i]);
		dl_buf_puts(&b, "]}");
	}
	if (f->qrows) {
		dl_buf_puts(&b, ",\n \"quantreg\": {\"y\": [");
		for (size_t r = 0; r < f->qrows; r++)
			dl_buf_printf(&b, r ? ", %.9g" : "%.9g", (double)f->qy[r]);
		dl_buf_puts(&b, "],\n  \"leaves\": [");
		for (size_t i = 0; i < f->ntree; i++) {
			dl_buf_puts(&b, i ? ",\n   [" : "\n   [");
			const int32_t *l = f->qleaf + i * f->qrows;
			for (size_t r = 0; r < f->qrows; r++)
				dl_buf_printf(&b, r ? ",%d" : "%d", (int)l[r]);
			dl_buf_putc(&b, ']');
			if (b.len >= (1u << 20)) {
				dl_out_write(out, b.data, b.len);
				dl_buf_clear(&b);
			}
		}
		dl_buf_puts(&b, "]}");
	}
	dl_buf_puts(&b, ",\n \"trees\": [");
	for (size_t i = 0; i < f->ntree; i++) {
		dl_buf_puts(&b, i ? ",\n  " : "\n  ");
		dl_tree_json_put(&b, f->trees[i]);
		if (b.len >= (1u << 20)) {
			dl_out_write(out, b.data, b.len);
			dl_buf_clear(&b);
		}
	}
	dl_buf_puts(&b, "\n ]}\n");
	dl_out_write(out, b.data, b.len);
	dl_buf_free(&b);
}

static int get_number(const cJSON *o, const char *key, const char *where, double *out,
		      dl_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return dl_errf(e, "%s: \"%s\" is missing or not a finite number", where, key);
	*out = v->valuedouble;
	return 0;
}

/* The "quantreg" section, at the scanner: {"y": [n finite labels], "leaves": [per tree, n
 * indices of leaves of that tree]}. */
static int read_quantreg(dl_forest *f, dl_jscan *s, const char *name, dl_err *e)
{
	double *y = NULL, *l = NULL;
	size_t n = 0, nl = 0, ntrees = 0;
	int have_leaves = 0, r = -1;
	if (f->task != DL_FOREST_REGRESSION)
		return dl_errf(e, "%s: \"quantreg\" in a classification model", name);
	if (dl_jscan_eat(s, '{') < 0)
		goto shape;
	const char *key;
	size_t len;
	int started = 0, more;
	while ((more = dl_jscan_member(s, &started, &key, &len)) > 0) {
		if (len == 1 && key[0] == 'y' && !y) {
			if (dl_jscan_numbers(s, &y, &n) < 0)
				goto shape;
			if (n == 0)
				goto shape;
			for (size_t i = 0; i < n; i++)
				if (!isfinite(y[i]) || fabs(y[i]) > 3.4e38) {
					dl_errf(e, "%s: quantreg label %zu is not a finite float", name, i);
					goto out;
				}
		} else if (len == 6 && !memcmp(key, "leaves", 6) && !have_leaves && y) {
			have_leaves = 1;
			if ((double)n * (double)f->ntree > 4e9) {
				dl_errf(e, "%s: \"quantreg\" is too large", name);
				goto out;
			}
			f->qleaf = dl_mallocarray(n * f->ntree + 1, sizeof *f->qleaf);
			if (dl_jscan_eat(s, '[') < 0)
				goto shape;
			int tstarted = 0, titem;
			while ((titem = dl_jscan_item(s, &tstarted, ']')) > 0) {
				if (ntrees == f->ntree)
					goto shape;
				const dl_tree *t = f->trees[ntrees];
				if (dl_jscan_peek(s) != '[' || dl_jscan_numbers(s, &l, &nl) < 0 ||
				    nl != n) {
					dl_errf(e, "%s: quantreg leaves of tree %zu: not an array of "
						"%zu leaf indices", name, ntrees, n);
					goto out;
				}
				for (size_t i = 0; i < n; i++) {
					double d = l[i];
					if (!(d >= 0 && d < t->n) || d != floor(d) ||
					    !dl_tree_is_leaf(t, (int32_t)d)) {
						dl_errf(e, "%s: quantreg leaves of tree %zu: entry %zu "
							"is not a leaf of the tree", name, ntrees, i);
						goto out;
					}
					f->qleaf[ntrees * n + i] = (int32_t)d;
				}
				dl_free(l);
				l = NULL;
				ntrees++;
			}
			if (titem < 0)
				goto bad;
		} else if (dl_jscan_skip(s, NULL, NULL) < 0) {
			goto bad;
		}
	}
	if (more < 0)
		goto bad;
	if (!y || !have_leaves || ntrees != f->ntree)
		goto shape;
	f->qrows = n;
	f->qy = dl_mallocarray(n, sizeof *f->qy);
	for (size_t i = 0; i < n; i++)
		f->qy[i] = (float)y[i];
	r = 0;
	goto out;
bad:
	dl_errf(e, "%s: not valid JSON (near byte %zu)", name, dl_jscan_offset(s));
	goto out;
shape:
	dl_errf(e, "%s: \"quantreg\" is not {\"y\": [labels], \"leaves\": [one array per "
		   "tree]}", name);
out:
	dl_free(y);
	dl_free(l);
	if (r < 0) {
		dl_free(f->qleaf);
		f->qleaf = NULL;
	}
	return r;
}

/* The top level of a model file: every member's key and value text, the members other than
 * "trees" and "quantreg" gathered into a JSON object of their own (head) for cJSON, those
 * two kept as positions to scan once the head says how to read them. */
static int split_top(const char *text, size_t len, const char *name, dl_buf *head,
		     const char ***trees, size_t *ntrees, const char **quantreg, dl_err *e)
{
	dl_jscan s;
	dl_jscan_init(&s, text, len);
	*quantreg = NULL;
	*trees = NULL;
	*ntrees = 0;
	size_t cap = 0;
	dl_buf_putc(head, '{');
	int first = 1;
	if (dl_jscan_peek(&s) != '{') {
		if (dl_jscan_skip(&s, NULL, NULL) == 0 && dl_jscan_peek(&s) < 0)
			return dl_errf(e, "%s: not a JSON object", name);
		goto bad;
	}
	s.p++;
	const char *key, *v0, *v1;
	size_t klen;
	int started = 0, more;
	while ((more = dl_jscan_member(&s, &started, &key, &klen)) > 0) {
		if (dl_jscan_peek(&s) < 0)
			goto bad;
		const char *at = s.p;
		if (klen == 5 && !memcmp(key, "trees", 5) && dl_jscan_peek(&s) == '[') {
			/* where each tree starts, to read them in parallel */
			s.p++;
			*ntrees = 0;
			int tstarted = 0, titem;
			while ((titem = dl_jscan_item(&s, &tstarted, ']')) > 0) {
				dl_jscan_peek(&s);
				DL_GROW(*trees, cap, *ntrees + 1);
				(*trees)[(*ntrees)++] = s.p;
				if (dl_jscan_skip(&s, NULL, NULL) < 0)
					goto bad;
			}
			if (titem < 0)
				goto bad;
		} else if (dl_jscan_skip(&s, &v0, &v1) < 0) {
			goto bad;
		} else if (klen == 5 && !memcmp(key, "trees", 5)) {
			*ntrees = 0;    /* not an array */
		} else if (klen == 8 && !memcmp(key, "quantreg", 8)) {
			*quantreg = at;
		} else {
			if (!first)
				dl_buf_putc(head, ',');
			first = 0;
			dl_buf_append(head, key - 1, klen + 2);
			dl_buf_putc(head, ':');
			dl_buf_append(head, v0, (size_t)(v1 - v0));
		}
	}
	if (more < 0)
		goto bad;
	if (dl_jscan_peek(&s) >= 0)
		goto bad;
	dl_buf_putc(head, '}');
	return 0;
bad:
	return dl_errf(e, "%s: not valid JSON (near byte %zu)", name, dl_jscan_offset(&s));
}

struct tree_read {
	const dl_forest *f;
	const char *text, *name;
	size_t len;
	const char **starts;
	dl_tree **trees;
	dl_err *errs;
	int *failed;
};

static void read_trees(void *ctx, size_t begin, size_t end, int tid)
{
	struct tree_read *tr = ctx;
	(void)tid;
	for (size_t i = begin; i < end; i++) {
		dl_jscan s;
		char where[160];
		dl_jscan_init(&s, tr->text, tr->len);
		s.p = tr->starts[i];
		snprintf(where, sizeof where, "%s: tree %zu", tr->name, i);
		tr->failed[i] = dl_tree_json_scan(&s, where, tr->f->nfeat, tr->f->nclass,
						  &tr->trees[i], &tr->errs[i]) < 0;
	}
}

dl_forest *dl_forest_read_mem(const char *text, size_t len, const char *name, dl_err *e)
{
	return dl_forest_read_mem_pool(text, len, name, NULL, e);
}

dl_forest *dl_forest_read_mem_pool(const char *text, size_t len, const char *name,
				   dl_pool *pool, dl_err *e)
{
	/* the trees (and quantile data) of a forest run to hundreds of megabytes: they are
	 * scanned into arrays; the rest goes through cJSON */
	dl_buf hb = { 0 };
	const char **tree_at, *quantreg_at;
	size_t ntree_at;
	if (split_top(text, len, name, &hb, &tree_at, &ntree_at, &quantreg_at, e) < 0) {
		dl_buf_free(&hb);
		dl_free(tree_at);
		return NULL;
	}
	cJSON *root = cJSON_ParseWithLength((const char *)hb.data, hb.len);
	dl_buf_free(&hb);
	if (!root) {
		dl_free(tree_at);
		return dl_errf(e, "%s: not valid JSON", name), NULL;
	}
	dl_forest *f = dl_calloc(1, sizeof *f);
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
	const cJSON *task = cJSON_GetObjectItemCaseSensitive(root, "task");
	const cJSON *feats = cJSON_GetObjectItemCaseSensitive(root, "features");
	const cJSON *v;
	dl_jscan s;
	double version = 0, nclass = 0;
	if (!cJSON_IsObject(root)) {
		dl_errf(e, "%s: not a JSON object", name);
		goto fail;
	}
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "dl-forest") != 0) {
		dl_errf(e, "%s: not a dl-forest model (\"format\" is not \"dl-forest\")", name);
		goto fail;
	}
	if (get_number(root, "version", name, &version, e) < 0)
		goto fail;
	if (version != 1) {
		dl_errf(e, "%s: version %g is not supported (this program reads version 1)", name,
			version);
		goto fail;
	}
	if (!cJSON_IsString(task) || (strcmp(task->valuestring, "classification") &&
				      strcmp(task->valuestring, "regression"))) {
		dl_errf(e, "%s: \"task\" is not \"classification\" or \"regression\"", name);
		goto fail;
	}
	f->task = strcmp(task->valuestring, "regression") ? DL_FOREST_CLASSIFICATION
							  : DL_FOREST_REGRESSION;
	if (get_number(root, "num_class", name, &nclass, e) < 0)
		goto fail;
	if (nclass != floor(nclass) ||
	    (f->task == DL_FOREST_CLASSIFICATION ? !(nclass >= 2 && nclass <= DL_FOREST_MAX_CLASSES)
						 : nclass != 1)) {
		dl_errf(e, "%s: \"num_class\" %g is not %s", name, nclass,
			f->task == DL_FOREST_REGRESSION ? "1 (regression)"
							: "an integer from 2 to 65536");
		goto fail;
	}
	f->nclass = (int)nclass;
	if (!cJSON_IsArray(feats) || cJSON_GetArraySize(feats) <= 0) {
		dl_errf(e, "%s: \"features\" is missing or empty", name);
		goto fail;
	}
	size_t nf = (size_t)cJSON_GetArraySize(feats);
	f->features = dl_calloc(nf, sizeof *f->features);
	cJSON_ArrayForEach(v, feats) {
		if (!cJSON_IsString(v)) {
			dl_errf(e, "%s: feature %zu is not a string", name, f->nfeat);
			goto fail;
		}
		f->features[f->nfeat++] = dl_strdup(v->valuestring);
	}
	dl_jscan_init(&s, text, len);
	if (ntree_at == 0) {
		dl_errf(e, "%s: \"trees\" is missing, not an array or empty", name);
		goto fail;
	}
	{
		/* trees in parallel; the first bad one (by index) is reported */
		struct tree_read tr = { f, text, name, len, tree_at,
					dl_calloc(ntree_at, sizeof *tr.trees),
					dl_mallocarray(ntree_at, sizeof *tr.errs),
					dl_calloc(ntree_at, sizeof *tr.failed) };
		if (pool)
			dl_pool_for(pool, ntree_at, 1, read_trees, &tr);
		else
			read_trees(&tr, 0, ntree_at, 0);
		f->trees = tr.trees;
		size_t bad = ntree_at;
		for (size_t i = 0; i < ntree_at && bad == ntree_at; i++)
			if (tr.failed[i])
				bad = i;
		if (bad < ntree_at) {
			*e = tr.errs[bad];
			for (size_t i = 0; i < ntree_at; i++)
				if (!tr.failed[i])
					dl_tree_free(tr.trees[i]);
			f->trees = NULL;
		} else {
			f->ntree = ntree_at;
		}
		dl_free(tr.errs);
		dl_free(tr.failed);
		if (bad < ntree_at) {
			dl_free(tr.trees);
			goto fail;
		}
	}
	char where[160];
	const cJSON *oob = cJSON_GetObjectItemCaseSensitive(root, "oob");
	if (oob) {
		double rows = 0;
		if (!cJSON_IsObject(oob)) {
			dl_errf(e, "%s: \"oob\" is not an object", name);
			goto fail;
		}
		snprintf(where, sizeof where, "%s: oob", name);
		if (get_number(oob, "rows", where, &rows, e) < 0)
			goto fail;
		if (!(rows >= 0 && rows <= 1e15) || rows != floor(rows)) {
			dl_errf(e, "%s: \"rows\" is not a count", where);
			goto fail;
		}
		f->oob_rows = (size_t)rows;
		if (f->task == DL_FOREST_CLASSIFICATION
			    ? get_number(oob, "accuracy", where, &f->oob_accuracy, e) < 0 ||
				      get_number(oob, "logloss", where, &f->oob_logloss, e) < 0
			    : get_number(oob, "mse", where, &f->oob_mse, e) < 0 ||
				      get_number(oob, "r2", where, &f->oob_r2, e) < 0)
			goto fail;
	}
	const cJSON *imp = cJSON_GetObjectItemCaseSensitive(root, "importance");
	if (imp) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(imp, "type");
		const cJSON *vals = cJSON_GetObjectItemCaseSensitive(imp, "values");
		if (!cJSON_IsString(type) || strcmp(type->valuestring, "permutation") ||
		    !cJSON_IsArray(vals) || (size_t)cJSON_GetArraySize(vals) != f->nfeat) {
			dl_errf(e, "%s: \"importance\" is not {\"type\": \"permutation\", \"values\": "
				   "[one number per feature]}", name);
			goto fail;
		}
		f->perm_importance = dl_calloc(f->nfeat, sizeof *f->perm_importance);
		size_t i = 0;
		cJSON_ArrayForEach(v, vals) {
			if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
				dl_errf(e, "%s: importance value %zu is not a finite number", name, i);
				goto fail;
			}
			f->perm_importance[i++] = v->valuedouble;
		}
	}
	if (quantreg_at) {
		s.p = quantreg_at;
		if (read_quantreg(f, &s, name, e) < 0)
			goto fail;
	}
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");
	if (cJSON_IsObject(params))
		f->params_json = cJSON_PrintUnformatted(params);
	cJSON_Delete(root);
	dl_free(tree_at);
	return f;
fail:
	cJSON_Delete(root);
	dl_free(tree_at);
	dl_forest_free(f);
	return NULL;
}

dl_forest *dl_forest_read(const char *path, dl_err *e)
{
	return dl_forest_read_pool(path, NULL, e);
}

dl_forest *dl_forest_read_pool(const char *path, dl_pool *pool, dl_err *e)
{
	dl_in *in = dl_in_open(path, 0, e);
	if (!in)
		return NULL;
	size_t len;
	uint8_t *text = dl_in_slurp(in, &len, e);
	dl_forest *f = NULL;
	if (text)
		f = dl_forest_read_mem_pool((const char *)text, len, dl_in_name(in), pool, e);
	dl_free(text);
	dl_in_close(in);
	return f;
}
