/*
 * gbmcli.c — commands of the boosting programs (see gbmcli.h): option parsing, loading
 * the data with a model's features, training, cross-validation and import; the commands
 * that use a model are in gbmpredict.c, XGBoost's configuration files in gbmconf.c.
 */
#include "gbmcli.h"
#include "gbmpriv.h"
#include "tablecli.h"

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
#include "tree/boost.h"
#include "tree/gbdt.h"
#include "tree/inspect.h"
#include "tree/model.h"
#include "tree/shap.h"
#include "tree/xgbimport.h"

void gbm_add_param_at(struct args *a, const char *k, const char *v, const char *where)
{
	if (a->nparams == 256)
		dl_usage_error("too many parameters");
	a->pwhere[a->nparams] = where;
	a->pkeys[a->nparams] = k;
	a->pvals[a->nparams++] = v;
}

static void add_param(struct args *a, const char *k, const char *v)
{
	gbm_add_param_at(a, k, v, NULL);
}

/* "key=value" from --param; the halves live in an owned copy. */
static void add_param_kv(struct args *a, const char *kv, const char *opt)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		dl_usage_error("%s: '%s' is not KEY=VALUE", opt, kv);
	if (a->nowned == 256)
		dl_usage_error("too many parameters");
	char *s = dl_strdup(kv);
	a->owned[a->nowned++] = s;
	s[eq - kv] = 0;
	add_param(a, s, s + (eq - kv) + 1);
}

static void parse_args(const struct command *c, int argc, char **argv, struct args *a)
{
	int ch;
	a->pred_format = DL_PRED_TSV;
	a->folds = 5;
	dl_cli_reset();
	while ((ch = getopt_long(argc, argv, ":o:m:" DL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		dl_cli_check_takes(c->name, c->opts, longopts, ch);
		switch (ch) {
		case 'o': a->output = optarg; break;
		case 'm': a->model = optarg; break;
		case OPT_VALID:
			if (a->nvalid == MAX_LIST)
				dl_usage_error("--valid: at most %d files", MAX_LIST);
			a->valid[a->nvalid++] = optarg;
			break;
		case OPT_PARAM: add_param_kv(a, optarg, "--param"); break;
		case OPT_ROUNDS: add_param(a, "num_round", optarg); break;
		case OPT_EARLY: add_param(a, "early_stopping_rounds", optarg); break;
		case OPT_ETA: add_param(a, "eta", optarg); break;
		case OPT_MAX_DEPTH: add_param(a, "max_depth", optarg); break;
		case OPT_OBJECTIVE: add_param(a, "objective", optarg); break;
		case OPT_NUM_CLASS: add_param(a, "num_class", optarg); break;
		case OPT_SUBSAMPLE: add_param(a, "subsample", optarg); break;
		case OPT_MAX_BIN: add_param(a, "max_bin", optarg); break;
		case OPT_LOSS: add_param(a, "loss", optarg); break;
		case OPT_ALPHA: add_param(a, "alpha", optarg); break;
		case OPT_LR: add_param(a, "learning_rate", optarg); break;
		case OPT_NEST: add_param(a, "n_estimators", optarg); break;
		case OPT_MSL: add_param(a, "min_samples_leaf", optarg); break;
		case OPT_MSS: add_param(a, "min_samples_split", optarg); break;
		case OPT_MAXFEAT: add_param(a, "max_features", optarg); break;
		case OPT_ALGO: add_param(a, "algorithm", optarg); break;
		case OPT_METRIC:
			if (!dl_metric_known(optarg, NULL))
				dl_usage_error("--metric: '%s' is not a known metric", optarg);
			if (a->nmetrics == MAX_LIST)
				dl_usage_error("--metric: at most %d", MAX_LIST);
			a->metrics[a->nmetrics++] = optarg;
			if (strcmp(c->name, "train") == 0 || strcmp(c->name, "cv") == 0)
				add_param(a, "eval_metric", optarg);
			break;
		case OPT_LABEL: a->label = optarg; break;
		case OPT_WEIGHT: a->weight = optarg; break;
		case OPT_GROUP: a->group = optarg; break;
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
		case OPT_MARGIN: a->margin = 1; break;
		case OPT_LEAF: a->leaf = 1; break;
		case OPT_CONTRIB: a->contrib = 1; break;
		case OPT_ITERATIONS:
			a->iterations = (int)dl_parse_ll(optarg, "--iterations", 1, 1 << 30);
			break;
		case OPT_STATS: a->stats = 1; break;
		case OPT_TYPE:
			if (dl_importance_parse(optarg) < 0)
				dl_usage_error("--type: '%s' is not weight, gain, cover, total_gain or "
					       "total_cover", optarg);
			a->type = optarg;
			break;
		case OPT_FOLDS: a->folds = (int)dl_parse_ll(optarg, "--folds", 2, 1000); break;
		case OPT_EVAL_TRAIN: a->eval_train = 1; break;
		default: dl_cli_common(&a->common, ch, argc, argv, c->usage);
		}
	}
	a->rest = argv + optind;
	a->nrest = argc - optind;
}

/* ---- data */

/* XGBoost names the features of libsvm data f0, f1, ...: such a model's features may be
 * absent from a libsvm file that never uses the highest indices. */
/* Reads a data file with the command's data options; with obj, a label that objective
 * cannot take fails at its line. */
dl_table *gbm_load(const struct args *a, const char *path, char *const *features,
		      size_t nfeat, int need_label, const dl_objective *obj)
{
	dl_table_options o = { 0 };
	dl_label_texts lt;
	if (obj)
		dl_objective_label_options(obj, &lt, &o);
	o.format = a->input;
	o.label = a->label;
	o.weight = a->weight;
	o.group = a->group;
	o.exclude = a->exclude;
	o.nexclude = (size_t)a->nexclude;
	return dl_cli_read_table(o, path, features, nfeat, need_label);
}

void gbm_densify(dl_table *t)
{
	dl_err e;
	if (!t->x && dl_table_densify(t, &e) < 0)
		dl_die("%s", e.msg);
}

/* ---- training */

struct report_ctx {
	const struct args *a;
};

static void report_round(void *ctx, int round, const dl_eval_set *sets, size_t nsets,
			 const char *const *metrics, int nmetrics, const double *values)
{
	struct report_ctx *r = ctx;
	if (!dl_is_quiet()) {
		fprintf(stderr, "[%d]", round);
		for (size_t s = 0; s < nsets; s++)
			for (int m = 0; m < nmetrics; m++)
				fprintf(stderr, "\t%s-%s:%.6g", sets[s].name, metrics[m],
					values[s * (size_t)nmetrics + (size_t)m]);
		fputc('\n', stderr);
	}
	if (r->a->log) {
		char buf[4096];
		size_t len = 0;
		len += (size_t)snprintf(buf, sizeof buf, "\"round\":%d", round);
		for (size_t s = 0; s < nsets; s++)
			for (int m = 0; m < nmetrics && len < sizeof buf; m++)
				len += (size_t)snprintf(buf + len, sizeof buf - len, ",\"%s-%s\":%.9g",
							sets[s].name, metrics[m],
							values[s * (size_t)nmetrics + (size_t)m]);
		dl_log(r->a->log, "%s", buf);
	}
}

/* The parameters as a JSON object (the last value of a key wins), for the model file. */
static char *params_json(const struct args *a)
{
	dl_buf b = { 0 };
	dl_buf_putc(&b, '{');
	int first = 1;
	for (int i = 0; i < a->nparams; i++) {
		int later = 0;
		for (int j = i + 1; j < a->nparams; j++)
			later |= strcmp(a->pkeys[i], a->pkeys[j]) == 0 && strcmp(a->pkeys[i], "eval_metric");
		if (later)
			continue;
		dl_buf_puts(&b, first ? "\"" : ", \"");
		first = 0;
		for (const char *s = a->pkeys[i]; *s; s++)
			if (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
				dl_buf_putc(&b, *s);
		dl_buf_puts(&b, "\": \"");
		for (const char *s = a->pvals[i]; *s; s++)
			if (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
				dl_buf_putc(&b, *s);
		dl_buf_putc(&b, '"');
	}
	dl_buf_puts(&b, "}");
	dl_buf_putc(&b, 0);
	return (char *)b.data;
}

/* The training parameters of either program: XGBoost's (dl-xgb) or scikit-learn's
 * (dl-gbdt). */
struct trainer {
	enum dl_gbm_tool tool;
	dl_boost_params b;
	dl_gbdt_params g;
};

/* The objective whose labels the data must fit, when known before reading: dl-xgb's
 * (dl-gbdt's depends on the labels themselves and is checked after reading). */
static const dl_objective *trainer_objective(const struct trainer *t)
{
	return t->tool == DL_GBM_XGB ? &t->b.obj : NULL;
}

static void set_params(const struct args *a, struct trainer *t)
{
	t->tool = a->tool;
	dl_boost_defaults(&t->b);
	dl_gbdt_defaults(&t->g);
	t->b.seed = t->g.seed = a->common.seed;
	t->b.threads = t->g.threads = a->common.threads;
	for (int i = 0; i < a->nparams; i++) {
		dl_err e;
		int rc = t->tool == DL_GBM_XGB ? dl_boost_set(&t->b, a->pkeys[i], a->pvals[i], &e)
					       : dl_gbdt_set(&t->g, a->pkeys[i], a->pvals[i], &e);
		const char *at = a->pwhere[i] ? a->pwhere[i] : "--param";
		if (rc < 0 && a->pwhere[i])
			dl_usage_error("%s: %s", at, e.msg);
		if (rc < 0)
			dl_usage_error("%s", e.msg);
		if (rc > 0 && t->tool == DL_GBM_GBDT)
			dl_usage_error("%s: '%s' is not a parameter of dl-gbdt", at, a->pkeys[i]);
		if (rc > 0 && a->pwhere[i])
			dl_warn("%s: parameter '%s' is not used", at, a->pkeys[i]);
		else if (rc > 0)
			dl_warn("parameter '%s' is not used", a->pkeys[i]);
	}
	dl_err e;
	if (t->tool == DL_GBM_XGB ? dl_boost_check(&t->b, &e) : dl_gbdt_check(&t->g, &e))
		dl_usage_error("%s", e.msg);
}

static dl_gbm *trainer_train(const struct trainer *t, const dl_table *train,
			     const dl_eval_set *sets, size_t nsets, dl_round_fn report, void *ctx,
			     dl_err *e)
{
	if (t->tool == DL_GBM_XGB)
		return dl_boost_train(&t->b, train, sets, nsets, report, ctx, e);
	return dl_gbdt_train(&t->g, train, sets, nsets, report, ctx, e);
}

static int trainer_rounds(const struct trainer *t)
{
	if (t->tool == DL_GBM_XGB)
		return t->b.rounds;
	return t->g.rounds > 0 ? t->g.rounds : t->g.algorithm == DL_GBDT_ADABOOST ? 50 : 100;
}

static void trainer_free(struct trainer *t)
{
	dl_boost_params_free(&t->b);
	dl_gbdt_params_free(&t->g);
}

const char *gbm_learner_name(const struct args *a)
{
	return a->tool == DL_GBM_XGB ? "dl-xgb" : "dl-gbdt";
}

static void cmd_train(struct args *a)
{
	if (a->tool == DL_GBM_XGB && a->nrest >= 1 && gbm_is_conf(a->rest[0])) {
		gbm_run_conf(a);
		return;
	}
	if (a->nrest != 1)
		dl_usage_error(a->nrest ? "train: one training file, got %d" :
					  "train: no training file given", a->nrest);
	if (!a->output)
		dl_usage_error("train: no model file given (-o MODEL.json)");
	const char *names[MAX_LIST];
	for (int i = 0; i < a->nvalid; i++)
		names[i] = a->nvalid == 1 ? "valid" : NULL;
	gbm_train_model(a, a->rest[0], a->valid, names, a->nvalid, a->output);
}

void gbm_train_model(struct args *a, const char *data, const char *const *vpaths,
			const char *const *vnames, int nvalid, const char *output)
{
	struct trainer p;
	set_params(a, &p);
	dl_table *train = gbm_load(a, data, NULL, 0, 1, trainer_objective(&p));
	dl_table *valid[MAX_LIST];
	dl_eval_set sets[MAX_LIST + 1];
	char names[MAX_LIST][32];
	size_t nsets = 0;
	/* The training metric is computed only to be shown or logged (the trainer still
	 * checks the metrics up front without it). */
	if ((nvalid == 0 && (!dl_is_quiet() || a->log)) || a->eval_train)
		sets[nsets++] = (dl_eval_set){ train, "train" };
	for (int i = 0; i < nvalid; i++) {
		valid[i] = gbm_load(a, vpaths[i], train->names, train->ncol, 1, trainer_objective(&p));
		gbm_densify(valid[i]);
		if (vnames[i])
			snprintf(names[i], sizeof names[i], "%s", vnames[i]);
		else
			snprintf(names[i], sizeof names[i], "valid%d", i + 1);
		sets[nsets++] = (dl_eval_set){ valid[i], names[i] };
	}
	struct report_ctx rc = { a };
	dl_err e;
	dl_gbm *m = trainer_train(&p, train, sets, nsets, report_round, &rc, &e);
	if (!m)
		dl_die("%s: %s", data, e.msg);
	if (m->best_iteration >= 0 && !dl_is_quiet())
		fprintf(stderr, "best round %d (early stopping)\n", m->best_iteration);
	if (!m->params_json)
		m->params_json = params_json(a);
	dl_out *out = dl_out_open(output, 0);
	dl_gbm_write(m, gbm_learner_name(a), out);
	dl_out_close(out);
	dl_gbm_free(m);
	for (int i = 0; i < nvalid; i++)
		dl_table_free(valid[i]);
	dl_table_free(train);
	trainer_free(&p);
}

/* ---- cross-validation */

static int cmp_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return (a > b) - (a < b);
}


struct cv_ctx {
	double *values;         /* rounds * nmetrics for this fold */
	int nmetrics, rounds;
	const char *names[DL_BOOST_MAX_METRICS];
};

static void cv_round(void *ctx, int round, const dl_eval_set *sets, size_t nsets,
		     const char *const *metrics, int nmetrics, const double *values)
{
	struct cv_ctx *c = ctx;
	(void)sets;
	(void)metrics;
	c->nmetrics = nmetrics;
	c->rounds = round + 1;
	for (int k = 0; k < nmetrics && k < DL_BOOST_MAX_METRICS; k++)
		c->names[k] = metrics[k];
	memcpy(c->values + (size_t)round * (size_t)nmetrics,
	       values + (nsets - 1) * (size_t)nmetrics, (size_t)nmetrics * sizeof *values);
}

/* K folds of a random permutation of the rows (the seed's); each fold is scored by the
 * model trained on the others, round by round; the mean and standard deviation over the
 * folds are printed as XGBoost's cv prints them. */
static void cmd_cv(struct args *a)
{
	if (a->nrest != 1)
		dl_usage_error("cv: one data file, got %d", a->nrest);
	struct trainer p;
	set_params(a, &p);
	if (p.b.early_stopping > 0 || p.g.early_stopping > 0)
		dl_usage_error("cv: --early-stopping is not supported here");
	dl_table *t = gbm_load(a, a->rest[0], NULL, 0, 1, trainer_objective(&p));
	size_t n = t->nrow, K = (size_t)a->folds;
	if (n < K)
		dl_die("%s: %zu rows cannot make %zu folds", a->rest[0], n, K);
	size_t *perm = dl_mallocarray(n, sizeof *perm);
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	dl_rng rng;
	dl_rng_init(&rng, a->common.seed, 1);
	dl_rng_shuffle(&rng, perm, n, sizeof *perm);
	int nm = (p.tool == DL_GBM_XGB ? p.b.nmetrics : p.g.nmetrics);
	if (nm == 0)
		nm = 1;
	int rounds = trainer_rounds(&p);
	size_t R = (size_t)(rounds > 0 ? rounds : 1);
	double *all = dl_calloc(K * R * (size_t)nm, sizeof *all);
	size_t *tr = dl_mallocarray(n, sizeof *tr), *te = dl_mallocarray(n, sizeof *te);
	const char *names[DL_BOOST_MAX_METRICS] = { 0 };
	for (size_t f = 0; f < K; f++) {
		size_t ntr = 0, nte = 0;
		for (size_t i = 0; i < n; i++)
			if (i % K == f)
				te[nte++] = perm[i];
			else
				tr[ntr++] = perm[i];
		/* rows in file order inside each part (groups of ranking data stay together) */
		qsort(tr, ntr, sizeof *tr, cmp_size);
		qsort(te, nte, sizeof *te, cmp_size);
		dl_table *ttr = dl_table_subset(t, tr, ntr), *tte = dl_table_subset(t, te, nte);
		gbm_densify(tte);
		dl_eval_set set = { tte, "test" };
		struct cv_ctx c = { all + f * R * (size_t)nm, 0, 0, { 0 } };
		dl_err e;
		dl_gbm *m = trainer_train(&p, ttr, &set, 1, cv_round, &c, &e);
		if (!m)
			dl_die("%s: fold %zu: %s", a->rest[0], f + 1, e.msg);
		if (c.rounds < rounds)
			rounds = c.rounds;
		memcpy(names, c.names, sizeof names);
		dl_gbm_free(m);
		dl_table_free(ttr);
		dl_table_free(tte);
	}
	dl_out *out = dl_out_open(a->output, 0);
	for (int r = 0; r < rounds; r++) {
		dl_out_printf(out, "[%d]", r);
		for (int k = 0; k < nm; k++) {
			double s = 0, ss = 0;
			for (size_t f = 0; f < K; f++) {
				double v = all[(f * R + (size_t)r) * (size_t)nm + (size_t)k];
				s += v;
				ss += v * v;
			}
			double mean = s / (double)K, var = ss / (double)K - mean * mean;
			dl_out_printf(out, "\ttest-%s:%.6g+%.6g", names[k] ? names[k] : "?", mean,
				      var > 0 ? sqrt(var) : 0.0);
		}
		dl_out_putc(out, '\n');
	}
	dl_out_close(out);
	dl_free(tr);
	dl_free(te);
	dl_free(all);
	dl_free(perm);
	dl_table_free(t);
	trainer_free(&p);
}

/* ---- XGBoost's models */

static void cmd_import(struct args *a)
{
	if (a->nrest != 1)
		dl_usage_error("import: one XGBoost model file, got %d", a->nrest);
	if (!a->output)
		dl_usage_error("import: no output file given (-o MODEL.json)");
	dl_err e;
	dl_gbm *m = dl_xgb_import_file(a->rest[0], &e);
	if (!m)
		dl_die("%s", e.msg);
	dl_out *out = dl_out_open(a->output, 0);
	dl_gbm_write(m, gbm_learner_name(a), out);
	dl_out_close(out);
	dl_gbm_free(m);
}

#define COMMON_HELP "Common options (--threads, --seed, --quiet, --log, --version): see --help\n"
#define DATA_HELP \
	"      --label NAME        label column (default: a column named label; libsvm: the\n" \
	"                          first field)\n" \
	"      --weight NAME       instance weight column\n" \
	"      --group NAME        query id column (ranking; libsvm: qid:)\n" \
	"      --exclude NAME      a column that is not a feature (repeatable)\n" \
	"      --input-format F    auto (default: detected), csv, libsvm or records\n"

static const int o_train[] = { 'o', OPT_VALID, OPT_PARAM, OPT_ROUNDS, OPT_EARLY, OPT_ETA,
			       OPT_MAX_DEPTH, OPT_OBJECTIVE, OPT_NUM_CLASS, OPT_METRIC,
			       OPT_SUBSAMPLE, OPT_MAX_BIN, OPT_LABEL, OPT_WEIGHT, OPT_GROUP,
			       OPT_EXCLUDE, OPT_INPUT, OPT_EVAL_TRAIN, 0 };
static const int o_predict[] = { 'o', 'm', OPT_LABEL, OPT_WEIGHT, OPT_GROUP, OPT_EXCLUDE,
				 OPT_INPUT, OPT_FORMAT, OPT_MARGIN, OPT_LEAF, OPT_CONTRIB,
				 OPT_ITERATIONS, 0 };
static const int o_eval[] = { 'o', 'm', OPT_LABEL, OPT_WEIGHT, OPT_GROUP, OPT_EXCLUDE,
			      OPT_INPUT, OPT_METRIC, OPT_ITERATIONS, 0 };
static const int o_cv[] = { 'o', OPT_PARAM, OPT_ROUNDS, OPT_ETA, OPT_MAX_DEPTH, OPT_OBJECTIVE,
			    OPT_NUM_CLASS, OPT_METRIC, OPT_SUBSAMPLE, OPT_MAX_BIN, OPT_LABEL,
			    OPT_WEIGHT, OPT_GROUP, OPT_EXCLUDE, OPT_INPUT, OPT_FOLDS, 0 };
static const int o_import[] = { 'o', 0 };
static const int o_dump[] = { 'o', 'm', OPT_STATS, 0 };
static const int o_importance[] = { 'o', 'm', OPT_TYPE, 0 };

static const struct command commands[] = {
	{ "train", cmd_train, o_train,
	  "Usage: dl-xgb train [OPTIONS] -o MODEL.json TRAIN\n"
	  "       dl-xgb train CONFIG.conf [KEY=VALUE...]\n"
	  "Train boosted trees on TRAIN (CSV with a header, libsvm, or records); or run\n"
	  "XGBoost's command-line configuration file (task = train, pred or dump; data,\n"
	  "eval[NAME], test:data, num_round, model_in, model_out, name_pred, name_dump and\n"
	  "the booster's parameters), KEY=VALUE arguments overriding it.\n"
	  "  -o, --output FILE       the model (JSON, written atomically)\n"
	  "      --valid FILE        evaluate on FILE each round (repeatable)\n"
	  "      --eval-train        evaluate on the training data too (it is the default\n"
	  "                          only without --valid)\n"
	  "      --param KEY=VALUE   any XGBoost parameter (repeatable)\n"
	  "      --rounds N          boosting rounds (num_round; default 10)\n"
	  "      --early-stopping N  stop when the last metric on the last --valid file has\n"
	  "                          not improved for N rounds\n"
	  "      --eta X             learning rate (default 0.3)\n"
	  "      --max-depth N       tree depth (default 6)\n"
	  "      --objective NAME    reg:squarederror (default), binary:logistic,\n"
	  "                          multi:softprob, count:poisson, rank:pairwise, ...\n"
	  "      --num-class K       classes of multi:softprob and multi:softmax\n"
	  "      --metric NAME       evaluation metric (repeatable; default: the objective's)\n"
	  "      --subsample X       fraction of rows per round (default 1)\n"
	  "      --max-bin N         histogram bins per feature (default 256)\n"
	  DATA_HELP
	  "Per-round metrics go to standard error as [ROUND]<TAB>SET-METRIC:VALUE.\n"
	  COMMON_HELP },
	{ "predict", gbm_cmd_predict, o_predict,
	  "Usage: dl-xgb predict -m MODEL [OPTIONS] [DATA]\n"
	  "One line per row of DATA: the probability of class 1 (binary objectives), the value\n"
	  "(regression), or K tab-separated class probabilities (multi:softprob).\n"
	  "  -m, --model FILE        the model\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  "      --format F          tsv (default), jsonl or records\n"
	  "      --margin            the untransformed margins\n"
	  "      --leaf              the leaf index of each row in each tree\n"
	  "      --contrib           feature contributions (TreeSHAP) and the bias, per row\n"
	  "      --iterations N      use the trees of the first N rounds (default: all, or up\n"
	  "                          to the best round of early stopping)\n"
	  DATA_HELP
	  "A label column in DATA is ignored.\n"
	  COMMON_HELP },
	{ "eval", gbm_cmd_eval, o_eval,
	  "Usage: dl-xgb eval -m MODEL [--metric NAME...] [OPTIONS] [DATA]\n"
	  "Metrics of the model on labelled DATA: lines METRIC<TAB>VALUE.\n"
	  "  -m, --model FILE        the model\n"
	  "      --metric NAME       rmse, mae, logloss, error, auc, aucpr, mlogloss, merror,\n"
	  "                          ndcg@K, map, ... (repeatable; default: the objective's)\n"
	  "      --iterations N      use the trees of the first N rounds\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  DATA_HELP
	  COMMON_HELP },
	{ "cv", cmd_cv, o_cv,
	  "Usage: dl-xgb cv [OPTIONS] --folds K DATA\n"
	  "K-fold cross-validation: the rows are dealt into K folds at random (--seed); each\n"
	  "fold is scored, round by round, by a model trained on the others. Prints\n"
	  "[ROUND]<TAB>test-METRIC:MEAN+STD per round (standard deviation over the folds).\n"
	  "      --folds K           folds (default 5)\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  "Training options as for train (--param, --rounds, --objective, --metric, ...).\n"
	  DATA_HELP
	  COMMON_HELP },
	{ "import", cmd_import, o_import,
	  "Usage: dl-xgb import XGBOOST_MODEL.json -o MODEL.json\n"
	  "Convert a model saved by XGBoost 1.x as JSON (Booster.save_model, gbtree) into\n"
	  "dl-xgb's model file; its predictions are XGBoost's.\n"
	  "  -o, --output FILE       the converted model (written atomically)\n"
	  COMMON_HELP },
	{ "dump", gbm_cmd_dump, o_dump,
	  "Usage: dl-xgb dump -m MODEL [--with-stats]\n"
	  "The trees as text, as XGBoost dumps them.\n"
	  "  -m, --model FILE        the model\n"
	  "      --with-stats        add the gain and cover of each node\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "importance", gbm_cmd_importance, o_importance,
	  "Usage: dl-xgb importance -m MODEL [--type T]\n"
	  "Feature importance, largest first: lines FEATURE<TAB>VALUE.\n"
	  "  -m, --model FILE        the model\n"
	  "      --type T            gain (default: mean loss reduction of the feature's\n"
	  "                          splits), weight (number of splits), cover, total_gain,\n"
	  "                          total_cover\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  COMMON_HELP },
};

/* ---- dl-gbdt's commands: the same, with scikit-learn's training options */

static const int o_train_gbdt[] = { 'o', OPT_VALID, OPT_PARAM, OPT_ROUNDS, OPT_NEST, OPT_EARLY,
				    OPT_LR, OPT_MAX_DEPTH, OPT_LOSS, OPT_ALPHA, OPT_ALGO,
				    OPT_NUM_CLASS, OPT_METRIC, OPT_SUBSAMPLE, OPT_MSL, OPT_MSS, OPT_MAXFEAT,
				    OPT_MAX_BIN, OPT_LABEL, OPT_WEIGHT, OPT_EXCLUDE, OPT_INPUT,
				    OPT_EVAL_TRAIN, 0 };
static const int o_cv_gbdt[] = { 'o', OPT_PARAM, OPT_ROUNDS, OPT_NEST, OPT_LR, OPT_MAX_DEPTH,
				 OPT_LOSS, OPT_ALPHA, OPT_ALGO, OPT_NUM_CLASS, OPT_METRIC,
				 OPT_SUBSAMPLE, OPT_MSL, OPT_MSS, OPT_MAXFEAT, OPT_MAX_BIN, OPT_LABEL,
				 OPT_WEIGHT, OPT_EXCLUDE, OPT_INPUT, OPT_FOLDS, 0 };

#define GBDT_DATA_HELP \
	"      --label NAME        label column (default: a column named label; libsvm: the\n" \
	"                          first field)\n" \
	"      --weight NAME       instance weight column\n" \
	"      --exclude NAME      a column that is not a feature (repeatable)\n" \
	"      --input-format F    auto (default: detected), csv, libsvm or records\n"
#define GBDT_TRAIN_HELP \
	"      --algorithm A       gradient (default: Friedman's gradient boosting) or\n" \
	"                          adaboost (SAMME; classes 0..K-1)\n" \
	"      --loss L            squared (default), absolute, huber, quantile, logistic\n" \
	"                          (classes 0..K-1; K trees a round for K > 2) or\n" \
	"                          exponential (labels 0 and 1)\n" \
	"      --alpha X           the quantile of huber and quantile (default 0.9)\n" \
	"      --learning-rate X   shrinkage (default 0.1; adaboost 1)\n" \
	"      --n-estimators N    boosting rounds (also --rounds; default 100; adaboost 50)\n" \
	"      --max-depth N       tree depth (default 3; adaboost 1)\n" \
	"      --min-samples-leaf N  rows (weight) a leaf needs at least (default 1)\n" \
	"      --min-samples-split N  nodes of fewer rows (weight) are not split\n" \
	"                          (default 2)\n" \
	"      --subsample X       fraction of rows per round, drawn without replacement\n" \
	"                          (default 1)\n" \
	"      --max-features F    features tried per split: a fraction, a count, sqrt or\n" \
	"                          log2 (default: all)\n" \
	"      --max-bin N         histogram bins per feature (default 256)\n" \
	"      --num-class K       classes of --loss logistic (default: largest label + 1)\n" \
	"      --metric NAME       evaluation metric (repeatable; default: the loss's)\n" \
	"      --param KEY=VALUE   a parameter by scikit-learn's name (n_estimators, ...)\n"

static const struct command gbdt_commands[] = {
	{ "train", cmd_train, o_train_gbdt,
	  "Usage: dl-gbdt train [OPTIONS] -o MODEL.json TRAIN\n"
	  "Train gradient boosted trees (Friedman 2001) or AdaBoost on TRAIN (CSV with a\n"
	  "header, libsvm, or records).\n"
	  "  -o, --output FILE       the model (JSON, written atomically)\n"
	  "      --valid FILE        evaluate on FILE each round (repeatable)\n"
	  "      --eval-train        evaluate on the training data too (it is the default\n"
	  "                          only without --valid)\n"
	  "      --early-stopping N  stop when the last metric on the last --valid file has\n"
	  "                          not improved for N rounds\n"
	  GBDT_TRAIN_HELP
	  GBDT_DATA_HELP
	  "Per-round metrics go to standard error as [ROUND]<TAB>SET-METRIC:VALUE.\n"
	  COMMON_HELP },
	{ "predict", gbm_cmd_predict, o_predict,
	  "Usage: dl-gbdt predict -m MODEL [OPTIONS] [DATA]\n"
	  "One line per row of DATA: the probability of class 1 (two classes), K tab-separated\n"
	  "class probabilities (K classes), or the value (regression).\n"
	  "  -m, --model FILE        the model\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  "      --format F          tsv (default), jsonl or records\n"
	  "      --margin            the untransformed margins (raw predictions)\n"
	  "      --leaf              the leaf index of each row in each tree\n"
	  "      --contrib           feature contributions (TreeSHAP) and the bias, per row\n"
	  "      --iterations N      use the trees of the first N rounds (default: all, or up\n"
	  "                          to the best round of early stopping)\n"
	  GBDT_DATA_HELP
	  "A label column in DATA is ignored.\n"
	  COMMON_HELP },
	{ "eval", gbm_cmd_eval, o_eval,
	  "Usage: dl-gbdt eval -m MODEL [--metric NAME...] [OPTIONS] [DATA]\n"
	  "Metrics of the model on labelled DATA: lines METRIC<TAB>VALUE.\n"
	  "  -m, --model FILE        the model\n"
	  "      --metric NAME       rmse, mae, logloss, error, auc, aucpr, mlogloss, merror,\n"
	  "                          ... (repeatable; default: the loss's)\n"
	  "      --iterations N      use the trees of the first N rounds\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  GBDT_DATA_HELP
	  COMMON_HELP },
	{ "cv", cmd_cv, o_cv_gbdt,
	  "Usage: dl-gbdt cv [OPTIONS] --folds K DATA\n"
	  "K-fold cross-validation: the rows are dealt into K folds at random (--seed); each\n"
	  "fold is scored, round by round, by a model trained on the others. Prints\n"
	  "[ROUND]<TAB>test-METRIC:MEAN+STD per round (standard deviation over the folds).\n"
	  "      --folds K           folds (default 5)\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  "Training options as for train (--loss, --n-estimators, --metric, ...).\n"
	  GBDT_DATA_HELP
	  COMMON_HELP },
	{ "dump", gbm_cmd_dump, o_dump,
	  "Usage: dl-gbdt dump -m MODEL [--with-stats]\n"
	  "The trees as text, as XGBoost dumps them.\n"
	  "  -m, --model FILE        the model\n"
	  "      --with-stats        add the gain and cover of each node\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "importance", gbm_cmd_importance, o_importance,
	  "Usage: dl-gbdt importance -m MODEL [--type T]\n"
	  "Feature importance, largest first: lines FEATURE<TAB>VALUE.\n"
	  "  -m, --model FILE        the model\n"
	  "      --type T            gain (default: mean squared-error reduction of the\n"
	  "                          feature's splits), weight (number of splits), cover,\n"
	  "                          total_gain, total_cover\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  COMMON_HELP },
};

int dl_gbm_cli_main(int argc, char **argv, enum dl_gbm_tool tool, const char *usage_main)
{
	struct args a;
	memset(&a, 0, sizeof a);
	a.tool = tool;
	dl_cli_init(argc, argv, &a.common);
	const struct command *table = tool == DL_GBM_XGB ? commands : gbdt_commands;
	size_t ncmd = tool == DL_GBM_XGB ? sizeof commands / sizeof *commands
					 : sizeof gbdt_commands / sizeof *gbdt_commands;
	const struct command *cmd = &table[dl_cli_subcommand(argc, argv, table, ncmd,
							      sizeof *table, usage_main)];
	parse_args(cmd, argc - 1, argv + 1, &a);
	if (a.common.quiet)
		dl_set_quiet(1);
	a.log = dl_log_open(a.common.log_path);
	cmd->run(&a);
	dl_log_close(a.log);
	for (int i = 0; i < a.nowned; i++)
		dl_free(a.owned[i]);
	return 0;
}
