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

/* The "quantreg" section: n finite labels, and per tree n indices of leaves of that tree. */
static int read_quantreg(dl_forest *f, const cJSON *q, const char *name, dl_err *e)
{
	const cJSON *y = cJSON_GetObjectItemCaseSensitive(q, "y");
	const cJSON *leaves = cJSON_GetObjectItemCaseSensitive(q, "leaves");
	if (f->task != DL_FOREST_REGRESSION)
		return dl_errf(e, "%s: \"quantreg\" in a classification model", name);
	if (!cJSON_IsObject(q) || !cJSON_IsArray(y) || cJSON_GetArraySize(y) <= 0 ||
	    !cJSON_IsArray(leaves) || (size_t)cJSON_GetArraySize(leaves) != f->ntree)
		return dl_errf(e, "%s: \"quantreg\" is not {\"y\": [labels], \"leaves\": [one "
			       "array per tree]}", name);
	size_t n = (size_t)cJSON_GetArraySize(y), r = 0, i = 0;
	if ((double)n * (double)f->ntree > 4e9)
		return dl_errf(e, "%s: \"quantreg\" is too large", name);
	f->qy = dl_mallocarray(n, sizeof *f->qy);
	f->qleaf = dl_mallocarray(n * f->ntree, sizeof *f->qleaf);
	f->qrows = n;
	const cJSON *v, *row;
	cJSON_ArrayForEach(v, y) {
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > 3.4e38)
			return dl_errf(e, "%s: quantreg label %zu is not a finite float", name, r);
		f->qy[r++] = (float)v->valuedouble;
	}
	cJSON_ArrayForEach(row, leaves) {
		const dl_tree *t = f->trees[i];
		if (!cJSON_IsArray(row) || (size_t)cJSON_GetArraySize(row) != n)
			return dl_errf(e, "%s: quantreg leaves of tree %zu: not an array of %zu leaf "
				       "indices", name, i, n);
		r = 0;
		cJSON_ArrayForEach(v, row) {
			double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
			if (!(d >= 0 && d < t->n) || d != floor(d) || !dl_tree_is_leaf(t, (int32_t)d))
				return dl_errf(e, "%s: quantreg leaves of tree %zu: entry %zu is not a "
					       "leaf of the tree", name, i, r);
			f->qleaf[i * n + r++] = (int32_t)d;
		}
		i++;
	}
	return 0;
}

dl_forest *dl_forest_read_mem(const char *text, size_t len, const char *name, dl_err *e)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	if (!root)
		return dl_errf(e, "%s: not valid JSON (near byte %zu)", name,
			       cJSON_GetErrorPtr() ? (size_t)(cJSON_GetErrorPtr() - text) : 0), NULL;
	dl_forest *f = dl_calloc(1, sizeof *f);
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
	const cJSON *task = cJSON_GetObjectItemCaseSensitive(root, "task");
	const cJSON *feats = cJSON_GetObjectItemCaseSensitive(root, "features");
	const cJSON *trees = cJSON_GetObjectItemCaseSensitive(root, "trees");
	const cJSON *v;
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
	if (!cJSON_IsArray(trees) || cJSON_GetArraySize(trees) <= 0) {
		dl_errf(e, "%s: \"trees\" is missing, not an array or empty", name);
		goto fail;
	}
	size_t nt = (size_t)cJSON_GetArraySize(trees);
	f->trees = dl_calloc(nt, sizeof *f->trees);
	char where[160];
	cJSON_ArrayForEach(v, trees) {
		snprintf(where, sizeof where, "%s: tree %zu", name, f->ntree);
		const cJSON *left = cJSON_GetObjectItemCaseSensitive(v, "left");
		if (cJSON_IsArray(left) &&
		    (double)cJSON_GetArraySize(left) * f->nclass > 2147483647.0) {
			dl_errf(e, "%s: too many nodes", where);
			goto fail;
		}
		if (dl_tree_json_get(v, where, f->nfeat, f->nclass, &f->trees[f->ntree], e) < 0)
			goto fail;
		f->ntree++;
	}
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
	const cJSON *quantreg = cJSON_GetObjectItemCaseSensitive(root, "quantreg");
	if (quantreg && read_quantreg(f, quantreg, name, e) < 0)
		goto fail;
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");
	if (cJSON_IsObject(params))
		f->params_json = cJSON_PrintUnformatted(params);
	cJSON_Delete(root);
	return f;
fail:
	cJSON_Delete(root);
	dl_forest_free(f);
	return NULL;
}

dl_forest *dl_forest_read(const char *path, dl_err *e)
{
	dl_in *in = dl_in_open(path, 0, e);
	if (!in)
		return NULL;
	size_t len;
	uint8_t *text = dl_in_slurp(in, &len, e);
	dl_forest *f = NULL;
	if (text)
		f = dl_forest_read_mem((const char *)text, len, dl_in_name(in), e);
	dl_free(text);
	dl_in_close(in);
	return f;
}
