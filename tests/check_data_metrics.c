/*
 * check_data_metrics.c — unit tests of lib/data's metrics.
 *
 * The golden test evaluates every metric on the sets of tests/data/data/metric-sets.txt
 * (predictions, labels, weights, query groups) and compares with the values XGBoost 1.7
 * computed for them (tests/golden/data/metrics.txt, both written by
 * tests/golden/data/make-metrics.py): regression, binary with and without ties and weights,
 * one class only, extreme probabilities, multi-class, ranking with graded and binary labels,
 * with and without '-' and @K, groups too small for auc. Relative tolerance 1e-6 (XGBoost
 * sums some terms in single precision). Then names, errors, and small cases worked by hand.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/error.h"
#include "data/metricpriv.h"
#include "data/metrics.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mset {
	char name[64];
	size_t n, k, ngroup;
	double *pred;
	float *label, *weight;
	size_t *group;
};

static size_t nsets;
static struct mset sets[32];

/* Reads the numbers after the key of a fixture line. */
static size_t numbers(char *p, double **out)
{
	size_t n = 0, cap = 0;
	double *v = NULL;
	char *end;
	for (;;) {
		double d = strtod(p, &end);
		if (end == p)
			break;
		DL_GROW(v, cap, n + 1);
		v[n++] = d;
		p = end;
	}
	*out = v;
	return n;
}

static void load_sets(void)
{
	size_t len;
	char *text = (char *)read_file(test_data("data/metric-sets.txt"), &len);
	ck_assert_msg(text != NULL, "cannot read the metric sets");
	struct mset *s = NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		double *v = NULL;
		size_t n;
		if (line[0] == '#')
			continue;
		if (strncmp(line, "set ", 4) == 0) {
			ck_assert_uint_lt(nsets, 32);
			s = &sets[nsets++];
			memset(s, 0, sizeof *s);
			snprintf(s->name, sizeof s->name, "%s", line + 4);
			continue;
		}
		ck_assert_ptr_nonnull(s);
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;   /* "end" */
		*sp = 0;
		n = numbers(sp + 1, &v);
		if (strcmp(line, "n") == 0) {
			s->n = (size_t)v[0];
		} else if (strcmp(line, "k") == 0) {
			s->k = (size_t)v[0];
		} else if (strcmp(line, "pred") == 0) {
			ck_assert_uint_eq(n, s->n * s->k);
			s->pred = dl_mallocarray(n, sizeof *s->pred);
			for (size_t i = 0; i < n; i++)
				s->pred[i] = (double)(float)v[i];
		} else if (strcmp(line, "label") == 0 || strcmp(line, "weight") == 0) {
			float *f = dl_mallocarray(n, sizeof *f);
			ck_assert_uint_eq(n, s->n);
			for (size_t i = 0; i < n; i++)
				f[i] = (float)v[i];
			*(line[0] == 'l' ? &s->label : &s->weight) = f;
		} else if (strcmp(line, "group") == 0) {
			s->group = dl_mallocarray(n, sizeof *s->group);
			for (size_t i = 0; i < n; i++)
				s->group[i] = (size_t)v[i];
			s->ngroup = n - 1;
		}
		dl_free(v);
	}
	dl_free(text);
}

static void free_sets(void)
{
	for (size_t i = 0; i < nsets; i++) {
		dl_free(sets[i].pred);
		dl_free(sets[i].label);
		dl_free(sets[i].weight);
		dl_free(sets[i].group);
	}
	nsets = 0;
}

START_TEST(test_golden)
{
	size_t len, checked = 0;
	load_sets();
	char *text = (char *)read_file(test_data("../golden/data/metrics.txt"), &len);
	ck_assert_msg(text != NULL, "cannot read the golden values");
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char set[64], metric[64], value[64];
		if (line[0] == '#' || sscanf(line, "%63s %63s %63s", set, metric, value) != 3)
			continue;
		struct mset *s = NULL;
		for (size_t i = 0; i < nsets; i++)
			if (strcmp(sets[i].name, set) == 0)
				s = &sets[i];
		ck_assert_msg(s != NULL, "no set %s", set);
		double want = strtod(value, NULL), got;
		dl_err e;
		int rc = dl_metric_eval(metric, s->pred, s->n, s->k, s->label, s->weight, s->group,
					s->ngroup, &got, &e);
		ck_assert_msg(rc == 0, "%s %s: %s", set, metric, e.msg);
		if (isnan(want))
			ck_assert_msg(isnan(got), "%s %s: %.17g, XGBoost NaN", set, metric, got);
		else
			ck_assert_msg(fabs(got - want) <= 1e-6 * fabs(want) + 1e-12,
				      "%s %s: %.17g, XGBoost %.17g", set, metric, got, want);
		checked++;
	}
	ck_assert_uint_ge(checked, 78);
	dl_free(text);
	free_sets();
}
END_TEST

START_TEST(test_names)
{
	static const char *const good[] = { "rmse", "rmsle", "mae", "mape", "mphe", "logloss",
					    "error", "error@0.7", "auc", "aucpr", "mlogloss", "merror",
					    "poisson-nloglik", "ndcg", "ndcg@10", "ndcg-", "ndcg@3-",
					    "map", "map@5", "map-", "map@5-" };
	static const char *const badn[] = { "", "RMSE", "error@", "error@x", "ndcg@", "ndcg@x",
					    "ndcg@3--", "map@-", "auc@3", "pre@3" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(dl_metric_known(good[i], NULL), "%s", good[i]);
	for (size_t i = 0; i < sizeof badn / sizeof badn[0]; i++)
		ck_assert_msg(!dl_metric_known(badn[i], NULL), "%s", badn[i]);
	int hib = -1;
	ck_assert(dl_metric_known("ndcg@3-", &hib) && hib == 1);
	ck_assert(dl_metric_known("aucpr", &hib) && hib == 1);
	ck_assert(dl_metric_known("logloss", &hib) && hib == 0);
	ck_assert(dl_metric_known("error@0.2", &hib) && hib == 0);
}
END_TEST

START_TEST(test_errors)
{
	double p[6] = { 0.2, 0.8, 0.5, 0.5, 0.9, 0.1 }, out;
	float y[3] = { 1, 0, 3 };
	dl_err e;
	ck_assert_int_eq(dl_metric_eval("nope", p, 3, 1, y, NULL, NULL, 0, &out, &e), -1);
	ck_assert_str_eq(e.msg, "unknown metric 'nope'");
	ck_assert_int_eq(dl_metric_eval("mlogloss", p, 3, 1, y, NULL, NULL, 0, &out, &e), -1);
	ck_assert_str_eq(e.msg, "metric 'mlogloss' needs class probabilities");
	ck_assert_int_eq(dl_metric_eval("merror", p, 3, 2, y, NULL, NULL, 0, &out, &e), -1);
	ck_assert_str_eq(e.msg, "label 3 is outside [0, 2)");
	ck_assert_int_eq(dl_metric_eval("rmse", p, 3, 2, y, NULL, NULL, 0, &out, &e), -1);
	ck_assert_str_eq(e.msg, "metric 'rmse' needs one value per row");
	size_t gp[2] = { 0, 2 };
	ck_assert_int_eq(dl_metric_eval("ndcg", p, 3, 1, y, NULL, gp, 1, &out, &e), -1);
	ck_assert_str_eq(e.msg, "the query groups cover 2 rows, not 3");
	ck_assert_int_eq(dl_metric_eval("auc", p, 3, 1, y, NULL, gp, 1, &out, &e), -1);
	float y01[3] = { 1, 0, 2 };
	size_t g3[2] = { 0, 3 };
	ck_assert_int_eq(dl_metric_eval("aucpr", p, 3, 1, y01, NULL, g3, 1, &out, &e), -1);
	ck_assert_str_eq(e.msg, "metric 'aucpr' with query groups needs labels in [0, 1], not 2");
}
END_TEST

/* Small cases worked by hand. */
START_TEST(test_by_hand)
{
	double p[4] = { 0.1, 0.4, 0.35, 0.8 }, out;
	float y[4] = { 0, 0, 1, 1 }, w[4] = { 1, 1, 2, 0 };
	dl_err e;
	/* ROC AUC: of the 4 (pos, neg) pairs, 3 are ordered right. */
	ck_assert_int_eq(dl_metric_eval("auc", p, 4, 1, y, NULL, NULL, 0, &out, &e), 0);
	ck_assert_double_eq_tol(out, 0.75, 1e-12);
	/* Weighted: row 3 weighs 0, row 2 weighs 2: pairs (2,0) right, (2,1) wrong -> 1/2. */
	ck_assert_int_eq(dl_metric_eval("auc", p, 4, 1, y, w, NULL, 0, &out, &e), 0);
	ck_assert_double_eq_tol(out, 0.5, 1e-12);
	ck_assert_int_eq(dl_metric_eval("error", p, 4, 1, y, NULL, NULL, 0, &out, &e), 0);
	ck_assert_double_eq_tol(out, 0.25, 1e-12);
	ck_assert_int_eq(dl_metric_eval("error@0.3", p, 4, 1, y, w, NULL, 0, &out, &e), 0);
	ck_assert_double_eq_tol(out, 1.0 / 4, 1e-12);
	ck_assert_int_eq(dl_metric_eval("mae", p, 4, 1, y, w, NULL, 0, &out, &e), 0);
	ck_assert_double_eq_tol(out, (0.1 + 0.4 + 2 * 0.65) / 4, 1e-12);
	/* All scores tied: AUC 1/2. */
	double tie[4] = { 0.5, 0.5, 0.5, 0.5 };
	ck_assert_int_eq(dl_metric_eval("auc", tie, 4, 1, y, NULL, NULL, 0, &out, &e), 0);
	ck_assert_double_eq_tol(out, 0.5, 1e-12);
	/* NDCG of a perfect order is 1; MAP of relevant at ranks 1 and 3 is (1 + 2/3) / 2. */
	double s[3] = { 3, 2, 1 };
	float rel[3] = { 2, 1, 0 }, bin[3] = { 1, 0, 1 };
	ck_assert_int_eq(dl_metric_eval("ndcg", s, 3, 1, rel, NULL, NULL, 0, &out, &e), 0);
	ck_assert_double_eq_tol(out, 1, 1e-12);
	ck_assert_int_eq(dl_metric_eval("map", s, 3, 1, bin, NULL, NULL, 0, &out, &e), 0);
	ck_assert_double_eq_tol(out, (1 + 2.0 / 3) / 2, 1e-12);
	/* No rows: AUC is NaN, RMSE 0 (XGBoost's sum when the weights sum to 0). */
	ck_assert_int_eq(dl_metric_eval("auc", p, 0, 1, y, NULL, NULL, 0, &out, &e), 0);
	ck_assert(isnan(out));
	ck_assert_int_eq(dl_metric_eval("rmse", p, 0, 1, y, NULL, NULL, 0, &out, &e), 0);
	ck_assert_double_eq(out, 0);
}
END_TEST

/* The radix argsort against a plain stable insertion sort. */
START_TEST(test_argsort)
{
	uint64_t st = 3;
	size_t n = 3000;
	float *k = dl_mallocarray(n, sizeof *k);
	size_t *idx = dl_mallocarray(n, sizeof *idx), *ref = dl_mallocarray(n, sizeof *ref);
	for (size_t i = 0; i < n; i++) {
		uint64_t r = gen(&st);
		k[i] = (float)((int)(r % 41) - 20) / 4;   /* many ties, negatives, zero */
		if (r % 97 == 0)
			k[i] = -0.0f;
		if (r % 89 == 0)
			k[i] = r % 2 ? INFINITY : -INFINITY;
	}
	dl_argsort_desc(k, n, idx);
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		for (; j > 0 && k[ref[j - 1]] < k[i]; j--)
			ref[j] = ref[j - 1];
		ref[j] = i;
	}
	for (size_t i = 0; i < n; i++) {
		/* -0 and +0 compare equal for the reference but not for the radix sort. */
		if (k[idx[i]] == 0 && k[ref[i]] == 0)
			continue;
		ck_assert_uint_eq(idx[i], ref[i]);
	}
	dl_free(k);
	dl_free(idx);
	dl_free(ref);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("data_metrics");
	TCase *tc = tcase(s, "metrics", 0);
	tcase_add_test(tc, test_golden);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_by_hand);
	tcase_add_test(tc, test_argsort);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
