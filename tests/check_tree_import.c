/*
 * check_tree_import.c — unit tests of lib/tree/xgbimport.c: XGBoost's JSON models.
 *
 * Golden: each model of tests/data/xgb (trained and saved by XGBoost 1.7 with
 * tests/golden/xgb/make-import.py, which also wrote XGBoost's margins and predictions for
 * the test rows) is imported, its test rows are read as CSV with the model's feature
 * names, and our margins and predictions must equal XGBoost's to 1e-6 (relative to the
 * value when it is above 1). The imported model is also written in our format, read back
 * and must predict the same margins bit for bit.
 *
 * Bad input: a small hand-written model is cut at every byte, and mutated in each of the
 * ways a model can be wrong (child out of range, node reached twice, wrong array lengths,
 * split index >= num_feature, unknown objective, non-finite numbers, ...): each must fail
 * with a message naming the tree and node, never crash.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "core/threads.h"
#include "data/table.h"
#include "tree/boost.h"
#include "tree/model.h"
#include "tree/objective.h"
#include "tree/xgbimport.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================== helpers */

/* All numbers of a text file (whitespace-separated), *n set. */
static double *read_numbers(const char *path, size_t *n)
{
	size_t len, cap = 0;
	char *text = (char *)read_file(path, &len);
	ck_assert_msg(text != NULL, "cannot read %s", path);
	double *v = NULL;
	*n = 0;
	char *p = text, *end;
	for (;;) {
		double d = strtod(p, &end);
		if (end == p)
			break;
		DL_GROW(v, cap, *n + 1);
		v[(*n)++] = d;
		p = end;
	}
	while (*p == ' ' || *p == '\n')
		p++;
	ck_assert_msg(*p == 0, "%s: not a number at byte %zu", path, (size_t)(p - text));
	free(text);
	return v;
}

static int close_enough(double got, double want, double tol)
{
	double scale = fabs(want) > 1 ? fabs(want) : 1;
	return fabs(got - want) <= tol * scale;
}

static dl_table *read_rows(const dl_gbm *m, const char *name)
{
	char rel[128];
	snprintf(rel, sizeof rel, "xgb/%s.csv", name);
	dl_table_options o = { 0 };
	o.format = DL_TABLE_CSV;
	o.features = (const char *const *)m->features;
	o.nfeatures = m->nfeat;
	dl_err e;
	int usage;
	dl_table *t = dl_table_read(test_data(rel), &o, &usage, &e);
	ck_assert_msg(t != NULL, "%s", e.msg);
	ck_assert_int_eq(t->ncol, m->nfeat);
	ck_assert_msg(t->x != NULL, "CSV tables are dense");
	return t;
}

static dl_gbm *import(const char *name)
{
	char rel[128];
	snprintf(rel, sizeof rel, "xgb/%s.model.json", name);
	dl_err e;
	dl_gbm *m = dl_xgb_import_file(test_data(rel), &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	return m;
}

static void compare_file(const char *name, const char *what, const double *got, size_t n,
			 double tol)
{
	char rel[128];
	size_t nw;
	snprintf(rel, sizeof rel, "xgb/%s.%s.txt", name, what);
	double *want = read_numbers(test_data(rel), &nw);
	ck_assert_msg(nw == n, "%s: %zu numbers, expected %zu", rel, nw, n);
	for (size_t i = 0; i < n; i++)
		if (!close_enough(got[i], want[i], tol))
			ck_abort_msg("%s: value %zu: got %.9g, XGBoost %.9g", rel, i, got[i],
				     want[i]);
	free(want);
}

/* Imports NAME and checks its margins and predictions against XGBoost's, and that our
 * format keeps them. */
static void golden(const char *name, enum dl_obj kind, int nclass, size_t nfeat)
{
	dl_gbm *m = import(name);
	ck_assert_int_eq(m->obj.kind, kind);
	ck_assert_int_eq(dl_gbm_nclass(m), nclass);
	ck_assert_int_eq(m->nfeat, nfeat);
	ck_assert_int_eq(m->ntree % dl_gbm_nclass(m), 0);
	ck_assert_int_eq((size_t)m->rounds * dl_gbm_nclass(m), m->ntree);
	dl_table *t = read_rows(m, name);
	size_t K = dl_gbm_nclass(m), n = t->nrow;
	double *mg = dl_mallocarray(n * K, sizeof *mg);
	dl_pool *pool = dl_pool_new(2);
	dl_gbm_margins(m, t, 0, pool, mg);
	compare_file(name, "margin", mg, n * K, 1e-6);
	size_t k = dl_objective_transform(&m->obj, mg, n);
	compare_file(name, "pred", mg, n * k, 1e-6);

	/* our own format keeps every prediction */
	dl_out *out = dl_out_open(tpath("m.json"), DL_COMPRESS_NONE);
	dl_gbm_write(m, "dl-xgb", out);
	dl_out_close(out);
	dl_err e;
	dl_gbm *back = dl_gbm_read(tpath("m.json"), NULL, &e);
	ck_assert_msg(back != NULL, "%s", e.msg);
	double *m1 = dl_mallocarray(n * K, sizeof *m1), *m2 = dl_mallocarray(n * K, sizeof *m2);
	dl_gbm_margins(m, t, 0, pool, m1);
	dl_gbm_margins(back, t, 0, pool, m2);
	for (size_t i = 0; i < n * K; i++)
		ck_assert_msg(m1[i] == m2[i], "row %zu: %.17g after a round trip, %.17g before",
			      i / K, m2[i], m1[i]);
	dl_gbm_free(back);
	free(m1);
	free(m2);
	dl_pool_free(pool);
	free(mg);
	dl_table_free(t);
	dl_gbm_free(m);
}

/* ================================================================== golden models */

START_TEST(test_binary)
{
	golden("binary", DL_OBJ_LOGISTIC, 1, 30);
	dl_gbm *m = import("binary");
	ck_assert_str_eq(m->features[0], "mean radius");
	ck_assert_str_eq(m->features[29], "worst fractal dimension");
	ck_assert(fabs(m->base_score - 0.6) < 1e-7);
	/* missing values in training gave default directions both ways */
	int dl = 0, dr = 0;
	for (size_t i = 0; i < m->ntree; i++)
		for (int32_t j = 0; j < m->trees[i]->n; j++)
			if (m->trees[i]->left[j] >= 0)
				*(m->trees[i]->default_left[j] ? &dl : &dr) += 1;
	ck_assert(dl > 0 && dr > 0);
	dl_gbm_free(m);
}
END_TEST

START_TEST(test_softprob)
{
	golden("softprob", DL_OBJ_SOFTPROB, 3, 4);
	dl_gbm *m = import("softprob");
	ck_assert_str_eq(m->features[3], "f3");
	ck_assert_int_eq(m->rounds, 4);
	dl_gbm_free(m);
}
END_TEST

/* num_parallel_tree 2: tree_info is 0,0,1,1,2,2,... and must be reordered */
START_TEST(test_softmax_parallel)
{
	golden("softmax", DL_OBJ_SOFTMAX, 3, 4);
	dl_gbm *m = import("softmax");
	ck_assert_int_eq(m->ntree, 18);
	ck_assert_int_eq(m->rounds, 6);
	dl_gbm_free(m);
}
END_TEST

START_TEST(test_squared)
{
	golden("squared", DL_OBJ_SQUARED, 1, 10);
}
END_TEST

/* deleted nodes (exact method, gamma) are dropped */
START_TEST(test_pruned)
{
	golden("pruned", DL_OBJ_SQUARED, 1, 10);
	char *text = (char *)read_file(test_data("xgb/pruned.model.json"), &(size_t){ 0 });
	ck_assert(text && strstr(text, "\"num_deleted\":\"0\"") == NULL);
	free(text);
	dl_gbm *m = import("pruned");
	for (size_t i = 0; i < m->ntree; i++) {
		dl_err e;
		ck_assert_msg(dl_tree_validate(m->trees[i], m->nfeat, &e) == 0, "%s", e.msg);
	}
	dl_gbm_free(m);
}
END_TEST

START_TEST(test_huber)
{
	golden("huber", DL_OBJ_PSEUDOHUBER, 1, 10);
	dl_gbm *m = import("huber");
	ck_assert(m->obj.huber_slope == 0.5);
	dl_gbm_free(m);
}
END_TEST

START_TEST(test_poisson)
{
	golden("poisson", DL_OBJ_POISSON, 1, 5);
	dl_gbm *m = import("poisson");
	ck_assert(fabs(m->obj.max_delta_step - 0.7) < 1e-6);  /* a float32 in the file */
	dl_gbm_free(m);
}
END_TEST

START_TEST(test_pairwise)
{
	golden("pairwise", DL_OBJ_PAIRWISE, 1, 6);
}
END_TEST

/* ================================================================== a hand-made model */

/* One tree: node 0 splits f1 < 0.5 (missing goes right), leaves 1 (-0.25) and 2 (0.5);
 * base_score 0.5 (margin 0 for logistic). */
static const char tiny_fmt[] =
	"{\"learner\": {\"attributes\": {}, \"feature_names\": %s, \"feature_types\": [],\n"
	" \"gradient_booster\": {\"model\": {\"gbtree_model_param\": {\"num_parallel_tree\": \"1\","
	" \"num_trees\": \"%s\", \"size_leaf_vector\": \"0\"}, \"tree_info\": %s,\n"
	" \"trees\": [{\"base_weights\": %s, \"default_left\": [0, 0, 0], \"id\": 0,\n"
	" \"left_children\": %s, \"loss_changes\": [3.5, 0.0, 0.0],"
	" \"parents\": [2147483647, 0, 0], \"right_children\": %s,\n"
	" \"split_conditions\": %s, \"split_indices\": %s, \"split_type\": %s,"
	" \"sum_hessian\": [10, 4, 6],\n"
	" \"tree_param\": {\"num_deleted\": \"0\", \"num_feature\": \"3\", \"num_nodes\": \"3\","
	" \"size_leaf_vector\": \"0\"}}]}, \"name\": %s},\n"
	" \"learner_model_param\": {\"base_score\": \"%s\", \"boost_from_average\": \"1\","
	" \"num_class\": \"%s\", \"num_feature\": \"%s\", \"num_target\": \"1\"},\n"
	" \"objective\": {\"name\": \"%s\", \"reg_loss_param\": {\"scale_pos_weight\": \"1\"}}},\n"
	" \"version\": [1, 7, 4]}\n";

/* The fields of tiny_fmt, in order; a test changes one and formats. */
struct tiny {
	const char *names, *ntrees, *info, *weights, *left, *right, *cond, *split, *stype,
		*booster, *base, *nclass, *nfeat, *obj;
};

static const struct tiny tiny_ok = {
	"[]", "1", "[0]", "[0.1, -0.5, 1.0]", "[1, -1, -1]", "[2, -1, -1]",
	"[0.5, -0.25, 0.5]", "[1, 0, 0]", "[0, 0, 0]", "\"gbtree\"", "5E-1", "0", "3",
	"binary:logistic"
};

static char tiny_buf[8192];

static const char *tiny_text(const struct tiny *t)
{
	snprintf(tiny_buf, sizeof tiny_buf, tiny_fmt, t->names, t->ntrees, t->info, t->weights,
		 t->left, t->right, t->cond, t->split, t->stype, t->booster, t->base, t->nclass,
		 t->nfeat, t->obj);
	return tiny_buf;
}

static dl_gbm *tiny_import(const struct tiny *t, dl_err *e)
{
	const char *s = tiny_text(t);
	return dl_xgb_import(s, strlen(s), "m.json", e);
}

/* Imports t, which must fail with a message containing want. */
static void expect_bad(const struct tiny *t, const char *want)
{
	dl_err e = { { 0 } };
	dl_gbm *m = tiny_import(t, &e);
	ck_assert_msg(m == NULL, "imported a bad model (expected '%s')", want);
	ck_assert_msg(strstr(e.msg, want) != NULL, "message '%s' lacks '%s'", e.msg, want);
	ck_assert_msg(strncmp(e.msg, "m.json: ", 8) == 0, "message '%s' lacks the name", e.msg);
}

START_TEST(test_tiny)
{
	dl_err e;
	dl_gbm *m = tiny_import(&tiny_ok, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_int_eq(m->nfeat, 3);
	ck_assert_str_eq(m->features[2], "f2");
	ck_assert_int_eq(m->ntree, 1);
	ck_assert_int_eq(m->rounds, 1);
	ck_assert_int_eq(m->best_iteration, -1);
	const dl_tree *t = m->trees[0];
	ck_assert_int_eq(t->feature[0], 1);
	ck_assert(t->thr[0] == 0.5f);
	ck_assert(t->value[1] == -0.25f && t->value[2] == 0.5f);
	ck_assert(t->value[0] == 0.1f);         /* base_weight of the internal node */
	ck_assert(t->gain[0] == 3.5f && t->cover[2] == 6.0f);
	ck_assert_int_eq(t->parent[1], 0);
	/* x < 0.5 left; 0.5 itself right; missing right */
	float rows[4][3] = { { 9, 0.4999999f, 9 }, { 9, 0.5f, 9 }, { 9, NAN, 9 }, { 9, -1, 9 } };
	float want[4] = { -0.25f, 0.5f, 0.5f, -0.25f };
	for (int r = 0; r < 4; r++)
		ck_assert(t->value[dl_tree_leaf(t, rows[r])] == want[r]);
	ck_assert(m->base_score == 0.5);
	dl_gbm_free(m);

	struct tiny x = tiny_ok;
	x.names = "[\"a\", \"b\", \"c d\"]";
	m = tiny_import(&x, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_str_eq(m->features[2], "c d");
	dl_gbm_free(m);
	ck_assert(dl_xgb_is_model(tiny_buf, strlen(tiny_buf)));
	ck_assert(!dl_xgb_is_model("{\"format\": \"dl-gbm\"}", 20));
	ck_assert(!dl_xgb_is_model("{\"learn", 7));
}
END_TEST

/* Every prefix of a valid model is refused without a crash. */
START_TEST(test_truncated)
{
	const char *s = tiny_text(&tiny_ok);
	size_t n = strlen(s);
	char *copy = dl_malloc(n);
	memcpy(copy, s, n);
	for (size_t len = 0; len + 1 < n; len++) {
		dl_err e;
		/* a copy of exactly len bytes, so that ASan sees reads past the end */
		char *cut = dl_malloc(len ? len : 1);
		memcpy(cut, copy, len);
		dl_gbm *m = dl_xgb_import(cut, len, "m.json", &e);
		FAST_ASSERT(m == NULL);
		FAST_ASSERT(strncmp(e.msg, "m.json: ", 8) == 0);
		free(cut);
	}
	dl_err e;
	dl_gbm *m = dl_xgb_import(copy, 0, "m.json", &e);
	ck_assert(m == NULL);
	ck_assert_msg(strstr(e.msg, "not valid JSON") != NULL, "%s", e.msg);
	free(copy);
}
END_TEST

START_TEST(test_bad_links)
{
	struct tiny x = tiny_ok;
	x.left = "[7, -1, -1]";
	expect_bad(&x, "tree 0: node 0: left child 7 is out of range (the tree has 3 nodes)");
	x.left = "[1, -1, -1]";
	x.right = "[-1, -1, -1]";
	expect_bad(&x, "tree 0: node 0: has one child (left 1, right -1)");
	x.right = "[-3, -1, -1]";
	expect_bad(&x, "tree 0: node 0: right child -3 is out of range");
	x.right = "[1, -1, -1]";
	expect_bad(&x, "tree 0: node 0: children 1 and 1 do not come after it");
	x.left = "[1, 2, -1]";
	x.right = "[2, 0, -1]";
	expect_bad(&x, "tree 0: node 1: children 2 and 0 do not come after it");
	x.left = "[0, -1, -1]";
	x.right = "[2, -1, -1]";
	expect_bad(&x, "tree 0: node 0: children 0 and 2 do not come after it");
	x.left = "[-1, -1, -1]";
	x.right = "[-1, -1, -1]";
	expect_bad(&x, "tree 0: node 1 is not reached from the root");
	/* nodes deleted by XGBoost's pruner are unreachable leaves with this split index */
	x.split = "[0, 2147483647, 2147483647]";
	dl_err e;
	dl_gbm *m = tiny_import(&x, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_int_eq(m->trees[0]->n, 1);
	ck_assert(m->trees[0]->value[0] == 0.5f);
	dl_gbm_free(m);
	x.split = "[2147483647, 0, 0]";
	expect_bad(&x, "tree 0: node 1 is not reached from the root");
	x.split = "[2147483647, 2147483647, 2147483647]";
	expect_bad(&x, "tree 0: node 0: the root is marked deleted");
	x.left = "[1, -1, -1]";
	x.right = "[2, -1, -1]";
	x.split = "[2147483647, 0, 0]";
	expect_bad(&x, "tree 0: node 0: split index 2147483647 is out of range");
	x.split = tiny_ok.split;
	x.left = "[1, 2.5, -1]";
	expect_bad(&x, "tree 0: node 1: \"left_children\" is not an integer");
	x.left = "[1, -1, \"x\"]";
	expect_bad(&x, "tree 0: node 2: \"left_children\" is not an integer");
}
END_TEST

START_TEST(test_bad_lengths)
{
	struct tiny x = tiny_ok;
	x.cond = "[0.5, -0.25]";
	expect_bad(&x, "tree 0: \"split_conditions\" has 2 values, \"left_children\" has 3");
	x = tiny_ok;
	x.weights = "[0.1, -0.5, 1.0, 2.0]";
	expect_bad(&x, "tree 0: \"base_weights\" has 4 values, \"left_children\" has 3");
	x = tiny_ok;
	x.right = "\"abc\"";
	expect_bad(&x, "tree 0: \"right_children\" is missing or not an array");
	x = tiny_ok;
	x.left = "[]";
	x.right = x.cond = x.split = x.weights = "[]";
	expect_bad(&x, "tree 0: has no nodes");
	x = tiny_ok;
	x.ntrees = "2";
	expect_bad(&x, "num_trees is 2 but there are 1 trees");
	x = tiny_ok;
	x.info = "[0, 0]";
	expect_bad(&x, "tree_info is missing or does not have one class per tree");
}
END_TEST

START_TEST(test_bad_values)
{
	struct tiny x = tiny_ok;
	x.split = "[3, 0, 0]";
	expect_bad(&x, "tree 0: node 0: split index 3 is out of range (num_feature is 3)");
	x.split = "[-1, 0, 0]";
	expect_bad(&x, "tree 0: node 0: split index -1 is out of range");
	x = tiny_ok;
	x.cond = "[1e999, -0.25, 0.5]";
	expect_bad(&x, "tree 0: node 0: \"split_conditions\" is not a finite number");
	x.cond = "[0.5, -0.25, 1e39]";  /* finite as a double, not as a float */
	expect_bad(&x, "tree 0: node 2: \"split_conditions\" is not a finite number");
	x.cond = "[0.5, null, 0.5]";
	expect_bad(&x, "tree 0: node 1: \"split_conditions\" is not a finite number");
	x = tiny_ok;
	x.stype = "[1, 0, 0]";
	expect_bad(&x, "tree 0: categorical splits are not supported");
	x = tiny_ok;
	x.obj = "reg:gamma";
	expect_bad(&x, "objective 'reg:gamma' is not supported");
	x = tiny_ok;
	x.booster = "\"dart\"";
	expect_bad(&x, "booster 'dart' is not supported");
	x.booster = "7";
	expect_bad(&x, "booster '?' is not supported");
	x = tiny_ok;
	x.base = "1.5";
	expect_bad(&x, "base_score 1.5 is outside the range of objective binary:logistic");
	x.base = "abc";
	expect_bad(&x, "learner_model_param: \"base_score\" is not a number");
	x.base = "nan";
	expect_bad(&x, "learner_model_param: \"base_score\" is not a number");
	x = tiny_ok;
	x.nfeat = "0";
	expect_bad(&x, "\"num_feature\" is missing or 0");
	x.nfeat = "2.5";
	expect_bad(&x, "\"num_feature\" is 2.5, not an integer");
	x = tiny_ok;
	x.names = "[\"a\", \"b\"]";
	expect_bad(&x, "2 feature names for num_feature 3");
	x.names = "[\"a\", \"b\", 3]";
	expect_bad(&x, "feature name 2 is not a string");
}
END_TEST

START_TEST(test_bad_classes)
{
	struct tiny x = tiny_ok;
	x.obj = "multi:softprob";
	x.nclass = "3";
	x.info = "[0]";
	expect_bad(&x, "class 1 has 0 trees and class 0 has 1");
	x.info = "[3]";
	expect_bad(&x, "tree_info[0] is not a class in [0, 3)");
	x.nclass = "1";
	expect_bad(&x, "objective multi:softprob needs num_class >= 2 (it is 1)");
	x = tiny_ok;
	x.nclass = "3";
	expect_bad(&x, "num_class is 3 but objective binary:logistic is not multi-class");
	x.nclass = "-2";
	expect_bad(&x, "\"num_class\" is -2, not an integer");
}
END_TEST

START_TEST(test_not_xgboost)
{
	dl_err e;
	static const char ours[] = "{\"format\": \"dl-gbm\", \"trees\": []}";
	ck_assert(dl_xgb_import(ours, strlen(ours), "m.json", &e) == NULL);
	ck_assert_str_eq(e.msg, "m.json: not an XGBoost JSON model (no \"learner\" object)");
	ck_assert(dl_xgb_import("[1, 2]", 6, "m.json", &e) == NULL);
	ck_assert(dl_xgb_import("\x1f\x8b\x08", 3, "m.json", &e) == NULL);
	ck_assert(dl_xgb_import("{\"learner\": {}}", 15, "m.json", &e) == NULL);
	ck_assert_str_eq(e.msg, "m.json: learner_model_param is missing");
	ck_assert(dl_xgb_import_file(tpath("absent.json"), &e) == NULL);
	ck_assert_msg(strstr(e.msg, "absent.json") != NULL, "%s", e.msg);
}
END_TEST

/* best_iteration from early stopping, converted to our rounds. */
START_TEST(test_best_iteration)
{
	const char *s = tiny_text(&tiny_ok);
	/* three copies of the tree, best_iteration 0 */
	const char *tree = strstr(s, "{\"base_weights\"");
	const char *tree_end = strstr(tree, "}}]}") + 2;
	size_t tl = (size_t)(tree_end - tree);
	dl_buf b = { 0 };
	const char *attrs = strstr(s, "\"attributes\": {}");
	dl_buf_append(&b, s, (size_t)(attrs - s));
	dl_buf_puts(&b, "\"attributes\": {\"best_iteration\": \"0\"}");
	const char *p = attrs + strlen("\"attributes\": {}");
	const char *nt = strstr(p, "\"num_trees\": \"1\"");
	dl_buf_append(&b, p, (size_t)(nt - p));
	dl_buf_puts(&b, "\"num_trees\": \"3\"");
	p = nt + strlen("\"num_trees\": \"1\"");
	const char *ti = strstr(p, "\"tree_info\": [0]");
	dl_buf_append(&b, p, (size_t)(ti - p));
	dl_buf_puts(&b, "\"tree_info\": [0, 0, 0]");
	p = ti + strlen("\"tree_info\": [0]");
	dl_buf_append(&b, p, (size_t)(tree_end - p));
	for (int i = 0; i < 2; i++) {
		dl_buf_puts(&b, ", ");
		dl_buf_append(&b, tree, tl);
	}
	dl_buf_puts(&b, tree_end);
	dl_err e;
	dl_gbm *m = dl_xgb_import((const char *)b.data, b.len, "m.json", &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_int_eq(m->ntree, 3);
	ck_assert_int_eq(m->rounds, 3);
	ck_assert_int_eq(m->best_iteration, 0);
	dl_gbm_free(m);
	dl_buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tree_import");
	TCase *tc = tcase(s, "golden", 1);
	tcase_add_test(tc, test_binary);
	tcase_add_test(tc, test_softprob);
	tcase_add_test(tc, test_softmax_parallel);
	tcase_add_test(tc, test_squared);
	tcase_add_test(tc, test_huber);
	tcase_add_test(tc, test_pruned);
	tcase_add_test(tc, test_poisson);
	tcase_add_test(tc, test_pairwise);
	tc = tcase(s, "bad", 1);
	tcase_add_test(tc, test_tiny);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_bad_links);
	tcase_add_test(tc, test_bad_lengths);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_bad_classes);
	tcase_add_test(tc, test_not_xgboost);
	tcase_add_test(tc, test_best_iteration);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
