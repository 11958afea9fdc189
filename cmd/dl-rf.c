/*
 * dl-rf — random forests (Breiman 2001). Option parsing and wiring only: the learner is
 * lib/tree (forest.h, cart.h), the data lib/data (table.h). The data options and output
 * conventions are dl-xgb's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/cli.h"
#include "core/error.h"
#include "core/io.h"
#include "core/threads.h"
#include "data/metrics.h"
#include "data/table.h"
#include "tree/forest.h"
#include "tree/inspect.h"
#include "tablecli.h"

enum {
	OPT_TREES = 0x100, OPT_MTRY, OPT_MNS, OPT_MAX_DEPTH, OPT_FRACTION, OPT_REPLACE,
	OPT_NO_REPLACE, OPT_SPLIT, OPT_CLASS_WEIGHTS, OPT_IMPORTANCE, OPT_TASK, OPT_MAX_BIN,
	OPT_OOB, OPT_LABEL, OPT_WEIGHT, OPT_EXCLUDE, OPT_INPUT, OPT_FORMAT, OPT_METRIC,
	OPT_TYPE, OPT_STATS, OPT_QUANTREG, OPT_QUANTILES, OPT_EXACT, OPT_PROB, OPT_NO_PROB,
};

static const struct option longopts[] = {
	{"output", required_argument, 0, 'o'},
	{"model", required_argument, 0, 'm'},
	{"trees", required_argument, 0, OPT_TREES},
	{"mtry", required_argument, 0, OPT_MTRY},
	{"min-node-size", required_argument, 0, OPT_MNS},
	{"max-depth", required_argument, 0, OPT_MAX_DEPTH},
	{"sample-fraction", required_argument, 0, OPT_FRACTION},
	{"replace", no_argument, 0, OPT_REPLACE},
	{"no-replace", no_argument, 0, OPT_NO_REPLACE},
	{"split", required_argument, 0, OPT_SPLIT},
	{"class-weights", required_argument, 0, OPT_CLASS_WEIGHTS},
	{"importance", required_argument, 0, OPT_IMPORTANCE},
	{"task", required_argument, 0, OPT_TASK},
	{"max-bin", required_argument, 0, OPT_MAX_BIN},
	{"oob-predictions", required_argument, 0, OPT_OOB},
	{"label", required_argument, 0, OPT_LABEL},
	{"weight", required_argument, 0, OPT_WEIGHT},
	{"exclude", required_argument, 0, OPT_EXCLUDE},
	{"input-format", required_argument, 0, OPT_INPUT},
	{"format", required_argument, 0, OPT_FORMAT},
	{"metric", required_argument, 0, OPT_METRIC},
	{"type", required_argument, 0, OPT_TYPE},
	{"with-stats", no_argument, 0, OPT_STATS},
	{"quantreg", no_argument, 0, OPT_QUANTREG},
	{"exact", no_argument, 0, OPT_EXACT},
	{"probability", no_argument, 0, OPT_PROB},
	{"no-probability", no_argument, 0, OPT_NO_PROB},
	{"quantiles", required_argument, 0, OPT_QUANTILES},
	DL_COMMON_LONGOPTS
};

#define MAX_LIST 64

struct args {
	dl_opts common;
	dl_forest_params fp;
	double class_weights[MAX_LIST];
	double quantiles[MAX_LIST];
	size_t nquantiles;
	const char *output, *model, *label, *weight, *oob, *type;
	const char *exclude[MAX_LIST];
	int nexclude;
	const char *metrics[MAX_LIST];
	int nmetrics;
	enum dl_table_format input;
	int pred_format, stats, split_given;
	char **rest;
	int nrest;
	FILE *log;
};

struct command {
	const char *name;
	void (*run)(struct args *a);
	const int *opts;
	const char *usage;
};

static void parse_mtry(dl_forest_params *p, const char *s)
{
	if (!strcmp(s, "sqrt")) {
		p->mtry_rule = DL_MTRY_SQRT;
		return;
	}
	if (!strcmp(s, "log2")) {
		p->mtry_rule = DL_MTRY_LOG2;
		return;
	}
	double v = dl_parse_double(s, "--mtry", 0, 1e9);
	if (v > 0 && v < 1) {
		p->mtry_rule = DL_MTRY_FRACTION;
	} else if (v >= 1 && v == floor(v)) {
		p->mtry_rule = DL_MTRY_COUNT;
	} else {
		dl_usage_error("--mtry: '%s' is not sqrt, log2, a count of features or a fraction "
			       "in (0, 1)", s);
	}
	p->mtry = v;
}

static void parse_class_weights(struct args *a, const char *s)
{
	dl_forest_params *p = &a->fp;
	char *copy = dl_strdup(s), *save = NULL;
	p->nclass_weights = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (p->nclass_weights == MAX_LIST)
			dl_usage_error("--class-weights: at most %d classes", MAX_LIST);
		a->class_weights[p->nclass_weights++] = dl_parse_double(tok, "--class-weights", 0,
									 1e30);
	}
	dl_free(copy);
	if (!p->nclass_weights)
		dl_usage_error("--class-weights: no weights in '%s'", s);
	p->class_weights = a->class_weights;
}

static void parse_quantiles(struct args *a, const char *s)
{
	char *copy = dl_strdup(s), *save = NULL;
	a->nquantiles = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (a->nquantiles == MAX_LIST)
			dl_usage_error("--quantiles: at most %d", MAX_LIST);
		a->quantiles[a->nquantiles++] = dl_parse_double(tok, "--quantiles", 0, 1);
	}
	dl_free(copy);
	if (!a->nquantiles)
		dl_usage_error("--quantiles: no probabilities in '%s'", s);
}

static void parse_args(const struct command *c, int argc, char **argv, struct args *a)
{
	int ch;
	a->pred_format = DL_PRED_TSV;
	dl_cli_reset();
	while ((ch = getopt_long(argc, argv, ":o:m:" DL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		dl_cli_check_takes(c->name, c->opts, longopts, ch);
		switch (ch) {
		case 'o': a->output = optarg; break;
		case 'm': a->model = optarg; break;
		case OPT_TREES: a->fp.ntree = (int)dl_parse_ll(optarg, "--trees", 1, 1000000); break;
		case OPT_MTRY: parse_mtry(&a->fp, optarg); break;
		case OPT_MNS:
			a->fp.min_node_size = dl_parse_double(optarg, "--min-node-size", 0, 1e15);
			break;
		case OPT_MAX_DEPTH:
			a->fp.max_depth = (int)dl_parse_ll(optarg, "--max-depth", 0, 100000);
			break;
		case OPT_FRACTION:
			a->fp.sample_fraction = dl_parse_double(optarg, "--sample-fraction", 0, 1);
			if (!(a->fp.sample_fraction > 0))
				dl_usage_error("--sample-fraction: %s is not in (0, 1]", optarg);
			break;
		case OPT_REPLACE: a->fp.replace = 1; break;
		case OPT_NO_REPLACE: a->fp.replace = 0; break;
		case OPT_SPLIT:
			a->split_given = 1;
			a->fp.criterion = DL_CART_GINI;
			a->fp.extratrees = 0;
			if (!strcmp(optarg, "gini"))
				a->fp.criterion = DL_CART_GINI;
			else if (!strcmp(optarg, "entropy"))
				a->fp.criterion = DL_CART_ENTROPY;
			else if (!strcmp(optarg, "variance"))
				a->fp.criterion = DL_CART_VARIANCE;
			else if (!strcmp(optarg, "extratrees"))
				a->fp.extratrees = 1;
			else
				dl_usage_error("--split: '%s' is not gini, entropy, variance or "
					       "extratrees", optarg);
			break;
		case OPT_CLASS_WEIGHTS: parse_class_weights(a, optarg); break;
		case OPT_IMPORTANCE:
			if (!strcmp(optarg, "none"))
				a->fp.importance = DL_FOREST_IMP_NONE;
			else if (!strcmp(optarg, "impurity"))
				a->fp.importance = DL_FOREST_IMP_IMPURITY;
			else if (!strcmp(optarg, "permutation"))
				a->fp.importance = DL_FOREST_IMP_PERMUTATION;
			else
				dl_usage_error("--importance: '%s' is not none, impurity or permutation",
					       optarg);
			break;
		case OPT_TASK:
			if (!strcmp(optarg, "auto"))
				a->fp.task = DL_FOREST_AUTO;
			else if (!strcmp(optarg, "classification"))
				a->fp.task = DL_FOREST_CLASSIFICATION;
			else if (!strcmp(optarg, "regression"))
				a->fp.task = DL_FOREST_REGRESSION;
			else
				dl_usage_error("--task: '%s' is not auto, classification or regression",
					       optarg);
			break;
		case OPT_MAX_BIN: a->fp.max_bin = (int)dl_parse_ll(optarg, "--max-bin", 2, 256); break;
		case OPT_OOB: a->oob = optarg; break;
		case OPT_LABEL: a->label = optarg; break;
		case OPT_WEIGHT: a->weight = optarg; break;
		case OPT_EXCLUDE:
			if (a->nexclude == MAX_LIST)
				dl_usage_error("--exclude: at most %d columns", MAX_LIST);
			a->exclude[a->nexclude++] = optarg;
			break;
		case OPT_INPUT: a->input = dl_cli_input_format(optarg); break;
		case OPT_FORMAT:
			if ((a->pred_format = dl_pred_format_parse(optarg)) < 0)
				dl_usage_error("--format: '%s' is not tsv, jsonl or records", optarg);
			break;
		case OPT_METRIC:
			if (strcmp(optarg, "accuracy") && !dl_metric_known(optarg, NULL))
				dl_usage_error("--metric: '%s' is not a known metric", optarg);
			if (a->nmetrics == MAX_LIST)
				dl_usage_error("--metric: at most %d", MAX_LIST);
			a->metrics[a->nmetrics++] = optarg;
			break;
		case OPT_TYPE:
			if (strcmp(optarg, "impurity") && strcmp(optarg, "permutation"))
				dl_usage_error("--type: '%s' is not impurity or permutation", optarg);
			a->type = optarg;
			break;
		case OPT_STATS: a->stats = 1; break;
		case OPT_QUANTREG: a->fp.quantreg = 1; break;
		case OPT_EXACT: a->fp.exact = 1; break;
		case OPT_PROB: a->fp.votes = 0; break;
		case OPT_NO_PROB: a->fp.votes = 1; break;
		case OPT_QUANTILES: parse_quantiles(a, optarg); break;
		default: dl_cli_common(&a->common, ch, argc, argv, c->usage);
		}
	}
	a->rest = argv + optind;
	a->nrest = argc - optind;
}

/* ---- data */

static dl_table *load(const struct args *a, const char *path, char *const *features,
		      size_t nfeat, int need_label)
{
	dl_table_options o = { 0 };
	o.format = a->input;
	o.label = a->label;
	o.weight = a->weight;
	o.exclude = a->exclude;
	o.nexclude = (size_t)a->nexclude;
	dl_table *t = dl_cli_read_table(o, path, features, nfeat, need_label);
	dl_err de;
	if (!t->x && dl_table_densify(t, &de) < 0)
		dl_die("%s", de.msg);
	return t;
}

static dl_forest *load_model(const struct args *a)
{
	if (!a->model)
		dl_usage_error("no model given (-m MODEL.json)");
	dl_err e;
	dl_pool *pool = dl_pool_new(a->common.threads);
	dl_forest *f = dl_forest_read_pool(a->model, pool, &e);
	dl_pool_free(pool);
	if (!f)
		dl_die("%s", e.msg);
	return f;
}

static const char *data_arg(const struct args *a, const char *cmd)
{
	if (a->nrest > 1)
		dl_usage_error("%s: one data file, got %d", cmd, a->nrest);
	return a->nrest ? a->rest[0] : "-";
}

/* Class probabilities as printed: binary forests give the probability of class 1 only. */
static size_t output_values(const dl_forest *f, double *v, size_t n)
{
	size_t K = (size_t)f->nclass, k = dl_forest_output_dim(f);
	if (k != K)
		for (size_t r = 0; r < n; r++)
			v[r] = v[r * K + 1];
	return k;
}

/* ---- commands */

static void cmd_train(struct args *a)
{
	if (a->nrest != 1)
		dl_usage_error(a->nrest ? "train: one training file, got %d" :
					  "train: no training file given", a->nrest);
	if (!a->output)
		dl_usage_error("train: no model file given (-o MODEL.json)");
	dl_forest_params *p = &a->fp;
	p->threads = a->common.threads;
	p->seed = a->common.seed;
	const char *path = a->rest[0];
	dl_table *t = load(a, path, NULL, 0, 1);
	enum dl_forest_task task = p->task == DL_FOREST_AUTO ? dl_forest_auto_task(t->label, t->nrow)
							     : p->task;
	if (dl_forest_mtry(p, task, t->ncol) < 0)
		dl_usage_error("--mtry %g is larger than the number of features (%zu)", p->mtry,
			       t->ncol);
	if (task == DL_FOREST_REGRESSION && a->split_given && !p->extratrees &&
	    p->criterion != DL_CART_VARIANCE)
		dl_usage_error("--split %s is for classification",
			       p->criterion == DL_CART_GINI ? "gini" : "entropy");
	if (task == DL_FOREST_CLASSIFICATION && p->criterion == DL_CART_VARIANCE)
		dl_usage_error("--split variance is for regression");
	if (p->class_weights && task != DL_FOREST_CLASSIFICATION)
		dl_usage_error("--class-weights is for classification");
	if (p->quantreg && task != DL_FOREST_REGRESSION)
		dl_usage_error("--quantreg is for regression");
	if (p->votes && task != DL_FOREST_CLASSIFICATION)
		dl_usage_error("--no-probability is for classification");
	double *oob = NULL;
	size_t K = 1;
	if (a->oob) {
		float mx = 0;
		for (size_t r = 0; r < t->nrow && task == DL_FOREST_CLASSIFICATION; r++)
			mx = t->label[r] > mx && t->label[r] < DL_FOREST_MAX_CLASSES ? t->label[r] : mx;
		K = task == DL_FOREST_CLASSIFICATION ? (size_t)mx + 1 : 1;
		K = K < 2 && task == DL_FOREST_CLASSIFICATION ? 2 : K;
		oob = dl_mallocarray(t->nrow * K + 1, sizeof *oob);
	}
	dl_err e;
	dl_forest *f = dl_forest_train(p, t, oob, &e);
	if (!f)
		dl_die("%s: %s", path, e.msg);
	if (!dl_is_quiet()) {
		if (f->task == DL_FOREST_CLASSIFICATION)
			fprintf(stderr, "classification, %d classes, %zu trees: OOB accuracy %.6g, "
				"logloss %.6g (%zu of %zu rows out of bag)\n", f->nclass, f->ntree,
				f->oob_accuracy, f->oob_logloss, f->oob_rows, t->nrow);
		else
			fprintf(stderr, "regression, %zu trees: OOB MSE %.6g, R^2 %.6g (%zu of %zu "
				"rows out of bag)\n", f->ntree, f->oob_mse, f->oob_r2, f->oob_rows,
				t->nrow);
	}
	if (a->log) {
		if (f->task == DL_FOREST_CLASSIFICATION)
			dl_log(a->log, "\"trees\":%zu,\"oob_rows\":%zu,\"oob_accuracy\":%.9g,"
				       "\"oob_logloss\":%.9g", f->ntree, f->oob_rows, f->oob_accuracy,
			       f->oob_logloss);
		else
			dl_log(a->log, "\"trees\":%zu,\"oob_rows\":%zu,\"oob_mse\":%.9g,\"oob_r2\":%.9g",
			       f->ntree, f->oob_rows, f->oob_mse, f->oob_r2);
	}
	dl_out *out = dl_out_open(a->output, 0);
	dl_forest_write(f, out);
	if (oob) {
		dl_out *o2 = dl_out_open(a->oob, 0);
		size_t k = output_values(f, oob, t->nrow);
		dl_pred_write(o2, a->pred_format, "prediction", oob, t->nrow, k, 0);
		dl_out_close(o2);
	}
	dl_out_close(out);
	dl_free(oob);
	dl_forest_free(f);
	dl_table_free(t);
}

static double *predictions(const struct args *a, const dl_forest *f, const dl_table *t)
{
	dl_pool *pool = dl_pool_new(a->common.threads);
	double *v = dl_mallocarray(t->nrow * (size_t)f->nclass + 1, sizeof *v);
	dl_forest_predict(f, t, pool, v);
	dl_pool_free(pool);
	return v;
}

static void cmd_predict(struct args *a)
{
	const char *path = data_arg(a, "predict");
	dl_forest *f = load_model(a);
	if (a->nquantiles && !f->qrows)
		dl_die("%s: the model has no quantile data (train a regression forest with "
		       "--quantreg)", a->model);
	dl_table *t = load(a, path, f->features, f->nfeat, 0);
	double *v;
	size_t k;
	if (a->nquantiles) {
		dl_pool *pool = dl_pool_new(a->common.threads);
		k = a->nquantiles;
		v = dl_mallocarray(t->nrow * k + 1, sizeof *v);
		dl_forest_quantiles(f, t, a->quantiles, k, pool, v);
		dl_pool_free(pool);
	} else {
		v = predictions(a, f, t);
		k = output_values(f, v, t->nrow);
	}
	dl_out *out = dl_out_open(a->output, 0);
	dl_pred_write(out, a->pred_format, a->nquantiles ? "quantiles" : "prediction", v,
		      t->nrow, k, 0);
	dl_out_close(out);
	dl_free(v);
	dl_table_free(t);
	dl_forest_free(f);
}

static void cmd_eval(struct args *a)
{
	const char *path = data_arg(a, "eval");
	dl_forest *f = load_model(a);
	dl_table *t = load(a, path, f->features, f->nfeat, 1);
	size_t n = t->nrow, K = (size_t)f->nclass;
	if (f->task == DL_FOREST_CLASSIFICATION)
		for (size_t r = 0; r < n; r++)
			if (!(t->label[r] >= 0 && t->label[r] < (float)K) ||
			    t->label[r] != floorf(t->label[r]))
				dl_die("%s: row %zu: label %g is not a class of the model (0 to %zu)",
				       path, r + 1, (double)t->label[r], K - 1);
	double *v = predictions(a, f, t);
	const char *defs_bin[] = { "accuracy", "logloss", "auc" };
	const char *defs_multi[] = { "accuracy", "mlogloss" };
	const char *defs_reg[] = { "rmse", "mae" };
	const char **names = a->metrics;
	int nm = a->nmetrics;
	if (!nm) {
		names = f->task == DL_FOREST_REGRESSION ? defs_reg : K == 2 ? defs_bin : defs_multi;
		nm = f->task == DL_FOREST_REGRESSION ? 2 : K == 2 ? 3 : 2;
	}
	/* binary metrics read the probability of class 1; accuracy and the multi-class ones
	 * all K probabilities */
	double *p1 = dl_mallocarray(n + 1, sizeof *p1);
	for (size_t r = 0; r < n; r++)
		p1[r] = K == 2 ? v[r * K + 1] : v[r * K];
	dl_out *out = dl_out_open(a->output, 0);
	for (int i = 0; i < nm; i++) {
		double val;
		dl_err e;
		if (!strcmp(names[i], "accuracy")) {
			if (f->task != DL_FOREST_CLASSIFICATION)
				dl_usage_error("--metric accuracy is for classification");
			size_t ok = 0;
			for (size_t r = 0; r < n; r++) {
				size_t best = 0;
				for (size_t k = 1; k < K; k++)
					if (v[r * K + k] > v[r * K + best])
						best = k;
				ok += best == (size_t)t->label[r];
			}
			val = n ? (double)ok / (double)n : NAN;
		} else {
			int multi = K > 2 && (!strcmp(names[i], "mlogloss") || !strcmp(names[i], "merror") ||
					      !strncmp(names[i], "auc", 3));
			if (multi || (K == 2 && (!strcmp(names[i], "mlogloss") ||
						 !strcmp(names[i], "merror")))) {
				if (dl_metric_eval(names[i], v, n, K, t->label, t->weight, NULL, 0, &val,
						   &e) < 0)
					dl_die("%s: %s", path, e.msg);
			} else if (dl_metric_eval(names[i], p1, n, 1, t->label, t->weight, NULL, 0,
						  &val, &e) < 0) {
				dl_die("%s: %s", path, e.msg);
			}
		}
		dl_out_printf(out, "%s\t%.9g\n", names[i], val);
		if (a->log)
			dl_log(a->log, "\"metric\":\"%s\",\"value\":%.9g", names[i], val);
	}
	dl_out_close(out);
	dl_free(p1);
	dl_free(v);
	dl_table_free(t);
	dl_forest_free(f);
}

static void cmd_importance(struct args *a)
{
	if (a->nrest)
		dl_usage_error("importance: unexpected argument '%s'", a->rest[0]);
	dl_forest *f = load_model(a);
	int perm = a->type ? !strcmp(a->type, "permutation") : f->perm_importance != NULL;
	if (perm && !f->perm_importance)
		dl_die("%s: the model has no permutation importance (train with --importance "
		       "permutation)", a->model);
	double *v = dl_mallocarray(f->nfeat, sizeof *v);
	if (perm)
		memcpy(v, f->perm_importance, f->nfeat * sizeof *v);
	else
		dl_forest_impurity_importance(f, v);
	dl_cli_print_importance(a->output, f->features, v, f->nfeat, 0);
	dl_free(v);
	dl_forest_free(f);
}

static void cmd_dump(struct args *a)
{
	if (a->nrest)
		dl_usage_error("dump: unexpected argument '%s'", a->rest[0]);
	dl_forest *f = load_model(a);
	dl_out *out = dl_out_open(a->output, 0);
	for (size_t i = 0; i < f->ntree; i++) {
		dl_out_printf(out, "tree[%zu]:\n", i);
		dl_tree_dump(f->trees[i], (const char *const *)f->features, a->stats, out);
	}
	dl_out_close(out);
	dl_forest_free(f);
}

/* ---- usage */

#define COMMON_HELP "Common options (--threads, --seed, --quiet, --log, --version): see --help\n"
#define DATA_HELP \
	"      --label NAME          label column (default: a column named label; libsvm:\n" \
	"                            the first field)\n" \
	"      --weight NAME         instance weight column\n" \
	"      --exclude NAME        a column that is not a feature (repeatable)\n" \
	"      --input-format F      auto (default: detected), csv, libsvm or records\n"

static const int o_train[] = { 'o', OPT_TREES, OPT_MTRY, OPT_MNS, OPT_MAX_DEPTH, OPT_FRACTION,
			       OPT_REPLACE, OPT_NO_REPLACE, OPT_SPLIT, OPT_CLASS_WEIGHTS,
			       OPT_IMPORTANCE, OPT_TASK, OPT_MAX_BIN, OPT_OOB, OPT_FORMAT,
			       OPT_LABEL, OPT_WEIGHT, OPT_EXCLUDE, OPT_INPUT, OPT_QUANTREG, OPT_EXACT, OPT_PROB, OPT_NO_PROB, 0 };
static const int o_predict[] = { 'o', 'm', OPT_FORMAT, OPT_LABEL, OPT_WEIGHT, OPT_EXCLUDE,
				 OPT_INPUT, OPT_QUANTILES, 0 };
static const int o_eval[] = { 'o', 'm', OPT_METRIC, OPT_LABEL, OPT_WEIGHT, OPT_EXCLUDE,
			      OPT_INPUT, 0 };
static const int o_importance[] = { 'o', 'm', OPT_TYPE, 0 };
static const int o_dump[] = { 'o', 'm', OPT_STATS, 0 };

static const struct command commands[] = {
	{ "train", cmd_train, o_train,
	  "Usage: dl-rf train [OPTIONS] -o MODEL.json TRAIN\n"
	  "Train a random forest on TRAIN (CSV with a header, libsvm, or records) and print\n"
	  "its out-of-bag (OOB) error on standard error.\n"
	  "  -o, --output FILE         the model (JSON, written atomically)\n"
	  "      --task T              auto (default: classification when every label is an\n"
	  "                            integer from 0 to 31, else regression),\n"
	  "                            classification or regression\n"
	  "      --trees N             trees (default 500)\n"
	  "      --mtry M              features tried per node: sqrt, log2, a count or a\n"
	  "                            fraction in (0, 1) (default: sqrt(d) classification,\n"
	  "                            d/3 regression, rounded down, at least 1)\n"
	  "      --min-node-size N     nodes of N sampled rows or fewer are not split\n"
	  "                            (default 1 classification, 5 regression)\n"
	  "      --max-depth N         depth limit (default 0: none)\n"
	  "      --sample-fraction X   rows drawn per tree, as a fraction of the rows, in\n"
	  "                            (0, 1] (default 1 with replacement, 0.632 without)\n"
	  "      --replace             draw with replacement (bootstrap; the default)\n"
	  "      --no-replace          draw without replacement\n"
	  "      --split S             gini (default), entropy, variance (regression) or\n"
	  "                            extratrees (one random threshold per tried feature)\n"
	  "      --probability         a probability forest: leaves hold class frequencies,\n"
	  "                            the forest predicts their mean (the default)\n"
	  "      --no-probability      a voting forest: each tree votes for its leaf's\n"
	  "                            majority class; predictions are vote fractions\n"
	  "      --class-weights W,... weights of the classes 0, 1, ... (multiply the\n"
	  "                            instance weights)\n"
	  "      --importance I        none (default), impurity or permutation (computed\n"
	  "                            on the OOB rows and stored in the model)\n"
	  "      --max-bin N           histogram bins per feature (default 256)\n"
	  "      --exact               exact splits: between any two distinct values of a\n"
	  "                            feature in the node, at their midpoint (no bins)\n"
	  "      --quantreg            keep the training labels and their leaves in the\n"
	  "                            model, for predict --quantiles (regression)\n"
	  "      --oob-predictions FILE  each row's OOB prediction (NaN when it has none)\n"
	  "      --format F            of --oob-predictions: tsv (default), jsonl or records\n"
	  DATA_HELP
	  COMMON_HELP },
	{ "predict", cmd_predict, o_predict,
	  "Usage: dl-rf predict -m MODEL [OPTIONS] [DATA]\n"
	  "One line per row of DATA: the probability of class 1 (two classes), K\n"
	  "tab-separated class probabilities (K classes), or the value (regression).\n"
	  "  -m, --model FILE          the model\n"
	  "  -o, --output FILE         write FILE instead of standard output\n"
	  "      --format F            tsv (default), jsonl or records\n"
	  "      --quantiles P,...     the quantiles P (in [0, 1]) of each row's conditional\n"
	  "                            distribution instead (a model trained with --quantreg;\n"
	  "                            quantile regression forests, Meinshausen 2006)\n"
	  DATA_HELP
	  "A label column in DATA is ignored.\n"
	  COMMON_HELP },
	{ "eval", cmd_eval, o_eval,
	  "Usage: dl-rf eval -m MODEL [--metric NAME...] [OPTIONS] [DATA]\n"
	  "Metrics of the model on labelled DATA: lines METRIC<TAB>VALUE.\n"
	  "  -m, --model FILE          the model\n"
	  "      --metric NAME         accuracy, logloss, auc, error, mlogloss, merror, rmse,\n"
	  "                            mae, ... (repeatable; default: accuracy, logloss and\n"
	  "                            auc for two classes, accuracy and mlogloss for more,\n"
	  "                            rmse and mae for regression)\n"
	  "  -o, --output FILE         write FILE instead of standard output\n"
	  DATA_HELP
	  COMMON_HELP },
	{ "importance", cmd_importance, o_importance,
	  "Usage: dl-rf importance -m MODEL [--type T]\n"
	  "Feature importance, largest first: lines FEATURE<TAB>VALUE.\n"
	  "  -m, --model FILE          the model\n"
	  "      --type T              impurity (mean decrease in impurity per tree) or\n"
	  "                            permutation (stored by train --importance permutation;\n"
	  "                            the default when the model has it)\n"
	  "  -o, --output FILE         write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "dump", cmd_dump, o_dump,
	  "Usage: dl-rf dump -m MODEL [--with-stats]\n"
	  "The trees as text, one node a line (leaves show their first value).\n"
	  "  -m, --model FILE          the model\n"
	  "      --with-stats          add the gain (impurity decrease) and cover (weight)\n"
	  "  -o, --output FILE         write FILE instead of standard output\n"
	  COMMON_HELP },
};

static const char usage_main[] =
	"Usage: dl-rf COMMAND [OPTIONS] [ARGS...]\n"
	"Random forests (Breiman 2001): CART trees on bootstrap samples with a random subset\n"
	"of the features tried at each node; out-of-bag error, impurity and permutation\n"
	"importance; probability forests for classification.\n"
	"\n"
	"Commands:\n"
	"  train       train a forest on CSV, libsvm or records\n"
	"  predict     predictions for the rows of a data file\n"
	"  eval        metrics of a model on labelled data\n"
	"  importance  feature importance (impurity, permutation)\n"
	"  dump        the trees as text\n"
	"\n"
	"Common options:\n"
	"      --threads N     worker threads (default: all cores; the model does not\n"
	"                      depend on it)\n"
	"      --seed N        random seed (default 1)\n"
	"  -q, --quiet         no OOB report or warnings\n"
	"      --verbose       more detail on standard error\n"
	"      --log FILE      the OOB error (train) or metrics (eval) as JSON lines\n"
	"  -h, --help          this help ('dl-rf COMMAND --help': a command's own)\n"
	"      --version       version and build information\n"
	"\n"
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error.\n"
	"Manual: man dl-rf.\n";

int main(int argc, char **argv)
{
	struct args a;
	memset(&a, 0, sizeof a);
	dl_cli_init(argc, argv, &a.common);
	dl_forest_defaults(&a.fp);
	size_t ncmd = sizeof commands / sizeof *commands;
	const struct command *cmd = &commands[dl_cli_subcommand(argc, argv, commands, ncmd,
								 sizeof *commands, usage_main)];
	parse_args(cmd, argc - 1, argv + 1, &a);
	if (a.common.quiet)
		dl_set_quiet(1);
	if (a.common.threads > 1)
		dl_table_set_threads(a.common.threads);
	a.log = dl_log_open(a.common.log_path);
	cmd->run(&a);
	dl_log_close(a.log);
	return 0;
}
