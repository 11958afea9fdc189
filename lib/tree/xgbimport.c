/*
 * xgbimport.c — XGBoost 1.x JSON models into dl_gbm (what is read and how it maps: see
 * xgbimport.h).
 *
 * The reader walks the cJSON tree once: the learner's parameters first (XGBoost writes
 * most of them as strings, "5E-1"), then each tree into a dl_tree, then the trees are
 * put in our class order. Each tree is checked by a traversal from the root before it is
 * handed to dl_tree_validate, so that a bad model gets a message in XGBoost's terms
 * ("left_children") rather than a crash or a wrong prediction.
 */
#include "tree/xgbimport.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/io.h"

#define MAX_CLASSES 1000000
#define MAX_FEATURES 100000000

static const cJSON *member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* A number written as a JSON number or as a string ("5E-1", XGBoost's habit for
 * parameters; 2.x wraps base_score in brackets, "[5E-1]"). Returns 0, or -1 when v is
 * neither or the string is not one number. */
static int number_of(const cJSON *v, double *out)
{
	if (cJSON_IsNumber(v)) {
		*out = v->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(v) || !v->valuestring)
		return -1;
	const char *s = v->valuestring;
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n > 64)
		return -1;
	char buf[65], *end;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	double d = strtod(buf, &end);
	if (end == buf || *end || errno == ERANGE)
		return -1;
	*out = d;
	return 0;
}

/* An optional parameter: *out is left alone when the key is absent. */
static int param(const cJSON *o, const char *key, const char *where, double *out, dl_err *e)
{
	const cJSON *v = member(o, key);
	if (!v)
		return 0;
	if (number_of(v, out) < 0 || !isfinite(*out))
		return dl_errf(e, "%s: \"%s\" is not a number", where, key);
	return 0;
}

static int int_param(const cJSON *o, const char *key, const char *where, double lo,
		     double hi, long *out, dl_err *e)
{
	double d = (double)*out;
	if (param(o, key, where, &d, e) < 0)
		return -1;
	if (d != floor(d) || d < lo || d > hi)
		return dl_errf(e, "%s: \"%s\" is %g, not an integer in [%g, %g]", where, key, d,
			       lo, hi);
	*out = (long)d;
	return 0;
}

/* ---- one tree */

struct tree_arrays {
	const cJSON *left, *right, *split, *cond, *dleft, *weight, *gain, *cover;
};

static int get_array(const cJSON *o, const char *key, int n, const char *where,
		     const cJSON **out, dl_err *e)
{
	const cJSON *a = member(o, key);
	if (!cJSON_IsArray(a))
		return dl_errf(e, "%s: \"%s\" is missing or not an array", where, key);
	if (n >= 0 && cJSON_GetArraySize(a) != n)
		return dl_errf(e, "%s: \"%s\" has %d values, \"left_children\" has %d", where, key,
			       cJSON_GetArraySize(a), n);
	*out = a;
	return 0;
}

/* Integers of array a into dst (n values); bools count as 0/1 (older default_left). */
static int read_ints(const cJSON *a, const char *key, const char *where, int32_t *dst,
		     dl_err *e)
{
	int32_t i = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, a) {
		double d = cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? 1 : 0)
					   : cJSON_IsNumber(v) ? v->valuedouble : NAN;
		if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != floor(d))
			return dl_errf(e, "%s: node %d: \"%s\" is not an integer", where, (int)i, key);
		dst[i++] = (int32_t)d;
	}
	return 0;
}

static int read_floats(const cJSON *a, const char *key, const char *where, float *dst,
		       dl_err *e)
{
	int32_t i = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, a) {
		double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
		float x = fabs(d) <= FLT_MAX ? (float)d : NAN;
		if (!isfinite(x))
			return dl_errf(e, "%s: node %d: \"%s\" is not a finite number", where, (int)i,
				       key);
		dst[i++] = x;
	}
	return 0;
}

/* Refuses what we cannot represent: categorical splits (split_type 1) and vector leaves. */
static int check_plain(const cJSON *o, const char *where, dl_err *e)
{
	const cJSON *st = member(o, "split_type"), *v;
	cJSON_ArrayForEach(v, st)
		if (!cJSON_IsNumber(v) || v->valuedouble != 0)
			return dl_errf(e, "%s: categorical splits are not supported", where);
	const cJSON *tp = member(o, "tree_param");
	double leaf = 0;
	if (param(tp, "size_leaf_vector", where, &leaf, e) < 0)
		return -1;
	if (leaf > 1)
		return dl_errf(e, "%s: vector leaves (size_leaf_vector %g) are not supported",
			       where, leaf);
	return 0;
}

/* XGBoost's pruner leaves the nodes it removes in the arrays, unreachable, as leaves
 * whose split index is this marker (tree_param.num_deleted counts them). */
#define XGB_DELETED 2147483647

static int is_deleted(const dl_tree *t, int32_t i)
{
	return t->left[i] == -1 && t->right[i] == -1 && t->feature[i] == XGB_DELETED;
}

/* Children in range, both or neither, after their parent, each node reached once; a node
 * not reached must be a deleted one. Sets *ndeleted. */
static int check_links(const dl_tree *t, const char *where, int32_t *ndeleted, dl_err *e)
{
	int32_t n = t->n;
	uint8_t *seen = dl_calloc((size_t)n, 1);
	int rc = 0;
	*ndeleted = 0;
	for (int32_t i = 0; i < n && rc == 0; i++) {
		int32_t l = t->left[i], r = t->right[i];
		if (l == -1 && r == -1)
			continue;
		if (l == -1 || r == -1)
			rc = dl_errf(e, "%s: node %d: has one child (left %d, right %d)", where,
				     (int)i, (int)l, (int)r);
		else if (l < 0 || l >= n)
			rc = dl_errf(e, "%s: node %d: left child %d is out of range (the tree has "
				     "%d nodes)", where, (int)i, (int)l, (int)n);
		else if (r < 0 || r >= n)
			rc = dl_errf(e, "%s: node %d: right child %d is out of range (the tree has "
				     "%d nodes)", where, (int)i, (int)r, (int)n);
		else if (l <= i || r <= i || l == r)
			rc = dl_errf(e, "%s: node %d: children %d and %d do not come after it",
				     where, (int)i, (int)l, (int)r);
		else if (seen[l] || seen[r])
			rc = dl_errf(e, "%s: node %d: child %d is reached twice", where, (int)i,
				     (int)(seen[l] ? l : r));
		else
			seen[l] = seen[r] = 1;
	}
	for (int32_t i = 1; i < n && rc == 0; i++) {
		if (seen[i])
			continue;
		if (is_deleted(t, i))
			++*ndeleted;
		else
			rc = dl_errf(e, "%s: node %d is not reached from the root", where, (int)i);
	}
	if (rc == 0 && is_deleted(t, 0))
		rc = dl_errf(e, "%s: node 0: the root is marked deleted", where);
	dl_free(seen);
	return rc;
}

/* Drops the deleted nodes (see check_links), numbering the others in their order, which
 * keeps children after parents. */
static dl_tree *compact(dl_tree *t)
{
	int32_t *map = dl_mallocarray((size_t)t->n, sizeof *map);
	dl_tree *c = dl_tree_new(1);
	for (int32_t i = 0; i < t->n; i++)
		map[i] = i > 0 && is_deleted(t, i) ? -1 : dl_tree_add(c, -1);
	for (int32_t i = 0; i < t->n; i++) {
		int32_t j = map[i];
		if (j < 0)
			continue;
		c->left[j] = t->left[i] < 0 ? -1 : map[t->left[i]];
		c->right[j] = t->right[i] < 0 ? -1 : map[t->right[i]];
		c->feature[j] = t->feature[i];
		c->thr[j] = t->thr[i];
		c->default_left[j] = t->default_left[i];
		c->value[j] = t->value[i];
		c->gain[j] = t->gain[i];
		c->cover[j] = t->cover[i];
	}
	dl_free(map);
	dl_tree_free(t);
	return c;
}

static int check_features(const dl_tree *t, size_t nfeat, const char *where, dl_err *e)
{
	for (int32_t i = 0; i < t->n; i++) {
		if (t->left[i] < 0)
			continue;
		if (t->feature[i] < 0 || (size_t)t->feature[i] >= nfeat)
			return dl_errf(e, "%s: node %d: split index %d is out of range (num_feature "
				       "is %zu)", where, (int)i, (int)t->feature[i], nfeat);
	}
	return 0;
}

static int get_arrays(const cJSON *o, const char *where, struct tree_arrays *a, int *n,
		      dl_err *e)
{
	if (get_array(o, "left_children", -1, where, &a->left, e) < 0)
		return -1;
	*n = cJSON_GetArraySize(a->left);
	if (*n <= 0)
		return dl_errf(e, "%s: has no nodes", where);
	if (get_array(o, "right_children", *n, where, &a->right, e) < 0 ||
	    get_array(o, "split_indices", *n, where, &a->split, e) < 0 ||
	    get_array(o, "split_conditions", *n, where, &a->cond, e) < 0 ||
	    get_array(o, "default_left", *n, where, &a->dleft, e) < 0 ||
	    get_array(o, "base_weights", *n, where, &a->weight, e) < 0 ||
	    get_array(o, "loss_changes", *n, where, &a->gain, e) < 0 ||
	    get_array(o, "sum_hessian", *n, where, &a->cover, e) < 0)
		return -1;
	const cJSON *tp = member(o, "tree_param");
	double nn = *n;
	if (param(tp, "num_nodes", where, &nn, e) < 0)
		return -1;
	if (nn != *n)
		return dl_errf(e, "%s: num_nodes is %g but the arrays have %d nodes", where, nn,
			       *n);
	return check_plain(o, where, e);
}

/* Fills t's arrays from a (n nodes); XGBoost's leaf value is its split condition. */
static int fill_tree(dl_tree *t, const struct tree_arrays *a, const char *where, dl_err *e)
{
	int32_t n = t->n;
	float *cond = dl_mallocarray((size_t)n, sizeof *cond);
	float *weight = dl_mallocarray((size_t)n, sizeof *weight);
	int32_t *dleft = dl_mallocarray((size_t)n, sizeof *dleft);
	int rc = -1;
	if (read_ints(a->left, "left_children", where, t->left, e) < 0 ||
	    read_ints(a->right, "right_children", where, t->right, e) < 0 ||
	    read_ints(a->split, "split_indices", where, t->feature, e) < 0 ||
	    read_ints(a->dleft, "default_left", where, dleft, e) < 0 ||
	    read_floats(a->cond, "split_conditions", where, cond, e) < 0 ||
	    read_floats(a->weight, "base_weights", where, weight, e) < 0 ||
	    read_floats(a->gain, "loss_changes", where, t->gain, e) < 0 ||
	    read_floats(a->cover, "sum_hessian", where, t->cover, e) < 0)
		goto out;
	for (int32_t i = 0; i < n; i++) {
		if (dleft[i] != 0 && dleft[i] != 1) {
			dl_errf(e, "%s: node %d: \"default_left\" is not 0 or 1", where, (int)i);
			goto out;
		}
		if (t->cover[i] < 0) {
			dl_errf(e, "%s: node %d: \"sum_hessian\" is negative", where, (int)i);
			goto out;
		}
		t->default_left[i] = (uint8_t)dleft[i];
		int leaf = t->left[i] == -1 && t->right[i] == -1;
		t->value[i] = leaf ? cond[i] : weight[i];
		t->thr[i] = leaf ? 0 : cond[i];
	}
	rc = 0;
out:
	dl_free(cond);
	dl_free(weight);
	dl_free(dleft);
	return rc;
}

static dl_tree *read_tree(const cJSON *o, const char *where, size_t nfeat, dl_err *e)
{
	struct tree_arrays a = { 0 };
	int n = 0;
	if (!cJSON_IsObject(o)) {
		dl_errf(e, "%s: not an object", where);
		return NULL;
	}
	if (get_arrays(o, where, &a, &n, e) < 0)
		return NULL;
	dl_tree *t = dl_tree_new(1);
	for (int i = 0; i < n; i++)
		dl_tree_add(t, -1);
	dl_err te;
	int32_t ndeleted;
	if (fill_tree(t, &a, where, e) < 0 || check_links(t, where, &ndeleted, e) < 0 ||
	    check_features(t, nfeat, where, e) < 0)
		goto fail;
	if (ndeleted)
		t = compact(t);
	for (int32_t i = 0; i < t->n; i++)
		if (t->left[i] < 0)
			t->feature[i] = 0;      /* a leaf's split index is not used */
	if (dl_tree_validate(t, nfeat, &te) < 0) {
		dl_errf(e, "%s: %s", where, te.msg);
		goto fail;
	}
	for (int32_t i = 0; i < t->n; i++)
		if (t->left[i] >= 0)
			t->parent[t->left[i]] = t->parent[t->right[i]] = i;
	return t;
fail:
	dl_tree_free(t);
	return NULL;
}

/* ---- the learner */

struct learner {
	const cJSON *model;             /* gradient_booster.model */
	const cJSON *trees, *info;
	long nclass, nfeat, npt;
};

static int read_objective(const cJSON *l, const char *name, dl_gbm *m, dl_err *e)
{
	const cJSON *obj = member(l, "objective");
	const cJSON *on = member(obj, "name");
	if (!cJSON_IsString(on))
		return dl_errf(e, "%s: learner.objective.name is missing", name);
	if (dl_objective_parse(on->valuestring, &m->obj.kind) < 0)
		return dl_errf(e, "%s: objective '%s' is not supported", name, on->valuestring);
	m->obj.huber_slope = 1.0;
	m->obj.scale_pos_weight = 1.0;
	m->obj.max_delta_step = m->obj.kind == DL_OBJ_POISSON ? 0.7 : 0.0;
	char where[160];
	snprintf(where, sizeof where, "%s: objective %s", name, on->valuestring);
	if (param(member(obj, "pseudo_huber_param"), "huber_slope", where, &m->obj.huber_slope,
		  e) < 0 ||
	    param(member(obj, "poisson_regression_param"), "max_delta_step", where,
		  &m->obj.max_delta_step, e) < 0 ||
	    param(member(obj, "reg_loss_param"), "scale_pos_weight", where,
		  &m->obj.scale_pos_weight, e) < 0)
		return -1;
	return 0;
}

static int read_params(const cJSON *l, const char *name, struct learner *L, dl_gbm *m,
		       dl_err *e)
{
	const cJSON *mp = member(l, "learner_model_param");
	char where[160];
	snprintf(where, sizeof where, "%s: learner_model_param", name);
	if (!cJSON_IsObject(mp))
		return dl_errf(e, "%s is missing", where);
	double base = NAN;
	long ntarget = 1;
	L->nclass = 0;
	L->nfeat = -1;
	if (param(mp, "base_score", where, &base, e) < 0 ||
	    int_param(mp, "num_class", where, 0, MAX_CLASSES, &L->nclass, e) < 0 ||
	    int_param(mp, "num_feature", where, -1, MAX_FEATURES, &L->nfeat, e) < 0 ||
	    int_param(mp, "num_target", where, 0, 1e9, &ntarget, e) < 0)
		return -1;
	if (isnan(base))
		return dl_errf(e, "%s: \"base_score\" is missing", where);
	if (L->nfeat <= 0)
		return dl_errf(e, "%s: \"num_feature\" is missing or 0", where);
	if (ntarget > 1)
		return dl_errf(e, "%s: models of %ld targets are not supported", where, ntarget);
	if (read_objective(l, name, m, e) < 0)
		return -1;
	int multi = m->obj.kind == DL_OBJ_SOFTPROB || m->obj.kind == DL_OBJ_SOFTMAX;
	if (multi && L->nclass < 2)
		return dl_errf(e, "%s: objective %s needs num_class >= 2 (it is %ld)", name,
			       dl_objective_name(m->obj.kind), L->nclass);
	if (!multi && L->nclass > 1)
		return dl_errf(e, "%s: num_class is %ld but objective %s is not multi-class",
			       name, L->nclass, dl_objective_name(m->obj.kind));
	m->obj.nclass = multi ? (int)L->nclass : 1;
	/* XGBoost holds base_score as a float32 */
	m->base_score = (double)(float)base;
	if (!isfinite(dl_objective_base_margin(&m->obj, m->base_score)))
		return dl_errf(e, "%s: base_score %g is outside the range of objective %s", name,
			       base, dl_objective_name(m->obj.kind));
	return 0;
}

static int read_features(const cJSON *l, const char *name, size_t nfeat, dl_gbm *m,
			 dl_err *e)
{
	const cJSON *fn = member(l, "feature_names"), *v;
	int given = cJSON_IsArray(fn) ? cJSON_GetArraySize(fn) : 0;
	if (fn && !cJSON_IsArray(fn))
		return dl_errf(e, "%s: \"feature_names\" is not an array", name);
	if (given && (size_t)given != nfeat)
		return dl_errf(e, "%s: %d feature names for num_feature %zu", name, given, nfeat);
	m->nfeat = nfeat;
	m->features = dl_calloc(nfeat, sizeof *m->features);
	if (!given) {
		for (size_t f = 0; f < nfeat; f++) {
			char s[32];
			snprintf(s, sizeof s, "f%zu", f);
			m->features[f] = dl_strdup(s);
		}
		return 0;
	}
	size_t f = 0;
	cJSON_ArrayForEach(v, fn) {
		if (!cJSON_IsString(v))
			return dl_errf(e, "%s: feature name %zu is not a string", name, f);
		m->features[f++] = dl_strdup(v->valuestring);
	}
	return 0;
}

static int read_booster(const cJSON *l, const char *name, struct learner *L, dl_err *e)
{
	const cJSON *gb = member(l, "gradient_booster");
	const cJSON *gn = member(gb, "name");
	if (!cJSON_IsObject(gb))
		return dl_errf(e, "%s: learner.gradient_booster is missing", name);
	if (!cJSON_IsString(gn) || strcmp(gn->valuestring, "gbtree") != 0)
		return dl_errf(e, "%s: booster '%s' is not supported (only gbtree)", name,
			       cJSON_IsString(gn) ? gn->valuestring : "?");
	L->model = member(gb, "model");
	L->trees = member(L->model, "trees");
	L->info = member(L->model, "tree_info");
	if (!cJSON_IsArray(L->trees))
		return dl_errf(e, "%s: gradient_booster.model.trees is missing", name);
	if (!cJSON_IsArray(L->info) ||
	    cJSON_GetArraySize(L->info) != cJSON_GetArraySize(L->trees))
		return dl_errf(e, "%s: tree_info is missing or does not have one class per tree",
			       name);
	const cJSON *gp = member(L->model, "gbtree_model_param");
	char where[160];
	snprintf(where, sizeof where, "%s: gbtree_model_param", name);
	long ntrees = cJSON_GetArraySize(L->trees);
	L->npt = 1;
	if (int_param(gp, "num_trees", where, 0, 1e9, &ntrees, e) < 0 ||
	    int_param(gp, "num_parallel_tree", where, 1, 1e6, &L->npt, e) < 0)
		return -1;
	if (ntrees != cJSON_GetArraySize(L->trees))
		return dl_errf(e, "%s: num_trees is %ld but there are %d trees", where, ntrees,
			       cJSON_GetArraySize(L->trees));
	return 0;
}

/* Classes of the trees from tree_info: cls[i] in [0, K); every class the same count. */
static int tree_classes(const struct learner *L, const char *name, size_t K, int32_t *cls,
			dl_err *e)
{
	size_t nt = (size_t)cJSON_GetArraySize(L->trees), i = 0;
	size_t *count = dl_calloc(K, sizeof *count);
	const cJSON *v;
	int rc = 0;
	cJSON_ArrayForEach(v, L->info) {
		double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
		if (!(d >= 0 && d < (double)K) || d != floor(d)) {
			rc = dl_errf(e, "%s: tree_info[%zu] is not a class in [0, %zu)", name, i, K);
			break;
		}
		cls[i++] = (int32_t)d;
		count[(size_t)d]++;
	}
	for (size_t k = 1; k < K && rc == 0; k++)
		if (count[k] != count[0])
			rc = dl_errf(e, "%s: class %zu has %zu trees and class 0 has %zu; the trees "
				     "cannot be laid out by round", name, k, count[k], count[0]);
	(void)nt;
	dl_free(count);
	return rc;
}

static int read_trees(const struct learner *L, const char *name, dl_gbm *m, dl_err *e)
{
	size_t nt = (size_t)cJSON_GetArraySize(L->trees), K = dl_gbm_nclass(m);
	int32_t *cls = dl_mallocarray(nt ? nt : 1, sizeof *cls);
	size_t *next = dl_calloc(K, sizeof *next);
	int rc = tree_classes(L, name, K, cls, e);
	m->trees = dl_calloc(nt ? nt : 1, sizeof *m->trees);
	const cJSON *v;
	size_t i = 0;
	char where[192];
	cJSON_ArrayForEach(v, L->trees) {
		if (rc < 0)
			break;
		snprintf(where, sizeof where, "%s: tree %zu", name, i);
		dl_tree *t = read_tree(v, where, m->nfeat, e);
		if (!t) {
			rc = -1;
			break;
		}
		size_t k = (size_t)cls[i++];
		m->trees[next[k]++ * K + k] = t;
	}
	if (rc == 0) {
		m->ntree = nt;
	} else {                /* the slots filled so far are not a prefix */
		for (size_t j = 0; j < nt; j++)
			dl_tree_free(m->trees[j]);
		memset(m->trees, 0, nt * sizeof *m->trees);
	}
	dl_free(cls);
	dl_free(next);
	return rc;
}

/* The round that early stopping chose (attributes.best_iteration), in our rounds. */
static void read_best(const cJSON *l, const struct learner *L, dl_gbm *m)
{
	double b = -1;
	m->best_iteration = -1;
	if (number_of(member(member(l, "attributes"), "best_iteration"), &b) < 0)
		return;
	if (!(b >= 0 && b < 1e9) || b != floor(b))
		return;
	double ours = (b + 1) * (double)L->npt - 1;
	if (ours < m->rounds - 1)
		m->best_iteration = (int)ours;
}

dl_gbm *dl_xgb_import(const char *text, size_t len, const char *name, dl_err *e)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	if (!root)
		return dl_errf(e, "%s: not valid JSON (near byte %zu)", name,
			       cJSON_GetErrorPtr() ? (size_t)(cJSON_GetErrorPtr() - text) : 0), NULL;
	dl_gbm *m = dl_calloc(1, sizeof *m);
	struct learner L;
	const cJSON *l = member(root, "learner");
	if (!cJSON_IsObject(l)) {
		dl_errf(e, "%s: not an XGBoost JSON model (no \"learner\" object)", name);
		goto fail;
	}
	if (read_params(l, name, &L, m, e) < 0 || read_booster(l, name, &L, e) < 0 ||
	    read_features(l, name, (size_t)L.nfeat, m, e) < 0 || read_trees(&L, name, m, e) < 0)
		goto fail;
	m->rounds = (int)(m->ntree / dl_gbm_nclass(m));
	read_best(l, &L, m);
	cJSON_Delete(root);
	return m;
fail:
	cJSON_Delete(root);
	dl_gbm_free(m);
	return NULL;
}

dl_gbm *dl_xgb_import_file(const char *path, dl_err *e)
{
	dl_in *in = dl_in_open(path, 0, e);
	if (!in)
		return NULL;
	size_t len;
	uint8_t *text = dl_in_slurp(in, &len, e);
	dl_gbm *m = NULL;
	if (text)
		m = dl_xgb_import((const char *)text, len, dl_in_name(in), e);
	dl_free(text);
	dl_in_close(in);
	return m;
}

int dl_xgb_is_model(const char *text, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	int yes = root && cJSON_IsObject(member(root, "learner"));
	cJSON_Delete(root);
	return yes;
}
