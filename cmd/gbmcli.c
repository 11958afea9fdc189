/*
 * gbmcli.c — commands of the boosting programs (see gbmcli.h): option parsing, loading
 * the data with a model's features, and writing what the library computes.
 */
#include "gbmcli.h"
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

enum {
	OPT_VALID = 0x100, OPT_PARAM, OPT_ROUNDS, OPT_EARLY, OPT_ETA, OPT_MAX_DEPTH, OPT_OBJECTIVE,
	OPT_NUM_CLASS, OPT_METRIC, OPT_LABEL, OPT_WEIGHT, OPT_GROUP, OPT_EXCLUDE, OPT_INPUT,
	OPT_FORMAT, OPT_MARGIN, OPT_LEAF, OPT_CONTRIB, OPT_ITERATIONS, OPT_STATS, OPT_TYPE,
	OPT_FOLDS, OPT_EVAL_TRAIN, OPT_SUBSAMPLE, OPT_MAX_BIN, OPT_LOSS, OPT_ALPHA, OPT_LR,
	OPT_NEST, OPT_MSL, OPT_MSS, OPT_MAXFEAT, OPT_ALGO,
};

static const struct option longopts[] = {
	{"output", required_argument, 0, 'o'},
	{"model", required_argument, 0, 'm'},
	{"valid", required_argument, 0, OPT_VALID},
	{"param", required_argument, 0, OPT_PARAM},
	{"rounds", required_argument, 0, OPT_ROUNDS},
	{"early-stopping", required_argument, 0, OPT_EARLY},
	{"eta", required_argument, 0, OPT_ETA},
	{"max-depth", required_argument, 0, OPT_MAX_DEPTH},
	{"objective", required_argument, 0, OPT_OBJECTIVE},
	{"num-class", required_argument, 0, OPT_NUM_CLASS},
	{"metric", required_argument, 0, OPT_METRIC},
	{"subsample", required_argument, 0, OPT_SUBSAMPLE},
	{"max-bin", required_argument, 0, OPT_MAX_BIN},
	{"label", required_argument, 0, OPT_LABEL},
	{"weight", required_argument, 0, OPT_WEIGHT},
	{"group", required_argument, 0, OPT_GROUP},
	{"exclude", required_argument, 0, OPT_EXCLUDE},
	{"input-format", required_argument, 0, OPT_INPUT},
	{"format", required_argument, 0, OPT_FORMAT},
	{"margin", no_argument, 0, OPT_MARGIN},
	{"leaf", no_argument, 0, OPT_LEAF},
	{"contrib", no_argument, 0, OPT_CONTRIB},
	{"iterations", required_argument, 0, OPT_ITERATIONS},
	{"with-stats", no_argument, 0, OPT_STATS},
	{"type", required_argument, 0, OPT_TYPE},
	{"folds", required_argument, 0, OPT_FOLDS},
	{"eval-train", no_argument, 0, OPT_EVAL_TRAIN},
	{"loss", required_argument, 0, OPT_LOSS},
	{"alpha", required_argument, 0, OPT_ALPHA},
	{"learning-rate", required_argument, 0, OPT_LR},
	{"n-estimators", required_argument, 0, OPT_NEST},
	{"min-samples-leaf", required_argument, 0, OPT_MSL},
	{"min-samples-split", required_argument, 0, OPT_MSS},
	{"max-features", required_argument, 0, OPT_MAXFEAT},
	{"algorithm", required_argument, 0, OPT_ALGO},
	DL_COMMON_LONGOPTS
};

#define MAX_LIST 64

struct args {
	dl_opts common;
	enum dl_gbm_tool tool;
	const char *output, *model, *label, *weight, *group, *type;
	const char *valid[MAX_LIST];
	int nvalid;
	const char *exclude[MAX_LIST];
	int nexclude;
	const char *metrics[MAX_LIST];
	int nmetrics;
	const char *pkeys[256], *pvals[256];   /* training parameters, in order */
	const char *pwhere[256];                /* "FILE:LINE" of a .conf parameter, or NULL */
	int nparams;
	char *owned[256];                       /* strings behind pkeys/pvals to free */
	int nowned;
	enum dl_table_format input;
	int pred_format, margin, leaf, contrib, iterations, stats, folds, eval_train;
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

static void add_param_at(struct args *a, const char *k, const char *v, const char *where)
{
	if (a->nparams == 256)
		dl_usage_error("too many parameters");
	a->pwhere[a->nparams] = where;
	a->pkeys[a->nparams] = k;
	a->pvals[a->nparams++] = v;
}

static void add_param(struct args *a, const char *k, const char *v)
{
	add_param_at(a, k, v, NULL);
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
static dl_table *load(const struct args *a, const char *path, char *const *features,
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

static void densify(dl_table *t)
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

static const char *learner_name(const struct args *a)
{
	return a->tool == DL_GBM_XGB ? "dl-xgb" : "dl-gbdt";
}

/* ---- XGBoost's command-line configuration files */

struct conf {
	const char *task, *data, *test, *model_in, *model_out, *name_pred, *name_dump;
	const char *eval_names[MAX_LIST], *eval_paths[MAX_LIST];
	int neval, dump_stats;
	char *text;
};

/* A configuration file: its first line that is not blank or a comment is KEY = VALUE. */
static int is_conf(const char *path)
{
	size_t n = strlen(path);
	if (n > 5 && strcmp(path + n - 5, ".conf") == 0)
		return 1;
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[512];
	int yes = 0;
	while (fgets(line, sizeof line, f)) {
		char *p = line + strspn(line, " \t\r\n");
		if (!*p || *p == '#')
			continue;
		char *eq = strchr(p, '=');
		yes = eq && strcspn(p, ",: \t") >= (size_t)(eq - p) - (eq > p && eq[-1] == ' ');
		if (yes) {
			/* a key is [A-Za-z_][A-Za-z0-9_:\[\]]* */
			for (char *q = p; q < eq && *q != ' ' && *q != '\t'; q++)
				if (!(*q == '_' || *q == ':' || *q == '[' || *q == ']' ||
				      (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
				      (*q >= '0' && *q <= '9')))
					yes = 0;
		}
		break;
	}
	fclose(f);
	return yes;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = 0;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s[n - 1] = 0;
		s++;
	}
	return s;
}

/* A data path of XGBoost's configuration: "file?format=libsvm" keeps the file. */
static const char *conf_path(char *v)
{
	char *q = strchr(v, '?');
	if (q && strncmp(q, "?format=", 8) == 0) {
		if (strncmp(q + 8, "libsvm", 6) && strncmp(q + 8, "csv", 3))
			dl_usage_error("%s: only ?format=libsvm and ?format=csv are read", v);
		*q = 0;
	}
	return v;
}

static void conf_set(struct args *a, struct conf *c, char *k, char *v, const char *where)
{
	if (!strcmp(k, "task"))
		c->task = v;
	else if (!strcmp(k, "data"))
		c->data = conf_path(v);
	else if (!strcmp(k, "test:data"))
		c->test = conf_path(v);
	else if (!strcmp(k, "model_in"))
		c->model_in = v;
	else if (!strcmp(k, "model_out"))
		c->model_out = v;
	else if (!strcmp(k, "name_pred"))
		c->name_pred = v;
	else if (!strcmp(k, "name_dump"))
		c->name_dump = v;
	else if (!strcmp(k, "dump_stats"))
		c->dump_stats = atoi(v) != 0;
	else if (!strncmp(k, "eval[", 5) && k[strlen(k) - 1] == ']') {
		if (c->neval == MAX_LIST)
			dl_usage_error("%s: at most %d eval[] sets", where, MAX_LIST);
		k[strlen(k) - 1] = 0;
		c->eval_names[c->neval] = k + 5;
		c->eval_paths[c->neval++] = conf_path(v);
	} else if (!strcmp(k, "save_period") || !strcmp(k, "use_buffer") ||
		   !strcmp(k, "fmap") || !strcmp(k, "pred_margin") || !strcmp(k, "ntree_limit")) {
		if (strcmp(v, "0") != 0 && strcmp(k, "use_buffer") != 0)
			dl_warn("%s: '%s' is not supported, ignored", where, k);
	} else {
		if (a->nowned == 256)
			dl_usage_error("too many parameters");
		add_param_at(a, k, v, a->owned[a->nowned++] = dl_strdup(where));
	}
}

static void conf_read(struct args *a, struct conf *c, const char *path)
{
	dl_err e;
	dl_in *in = dl_in_open(path, 0, &e);
	if (!in)
		dl_die("%s", e.msg);
	size_t len;
	c->text = (char *)dl_in_slurp(in, &len, &e);
	if (!c->text)
		dl_die("%s", e.msg);
	dl_in_close(in);
	c->text = dl_reallocarray(c->text, len + 1, 1);
	c->text[len] = 0;
	int lineno = 0;
	for (char *line = c->text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *p = trim(line);
		if (!*p)
			continue;
		char *eq = strchr(p, '=');
		if (!eq)
			dl_die("%s:%d: not KEY = VALUE", path, lineno);
		*eq = 0;
		char *k = trim(p), *v = trim(eq + 1);
		char where[600];
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		if (!*k)
			dl_die("%s: no key before '='", where);
		conf_set(a, c, k, v, where);
	}
}

static void train_model(struct args *a, const char *data, const char *const *vpaths,
			const char *const *vnames, int nvalid, const char *output);
static void predict_to(struct args *a, const char *path, const char *output);
static void dump_to(struct args *a, const char *output);

/* dl-xgb train CONFIG.conf [KEY=VALUE...]: XGBoost's command-line program's tasks. */
static void run_conf(struct args *a)
{
	struct conf c = { 0 };
	conf_read(a, &c, a->rest[0]);
	for (int i = 1; i < a->nrest; i++) {
		char *eq = strchr(a->rest[i], '=');
		if (!eq || eq == a->rest[i])
			dl_usage_error("train: '%s' is not KEY=VALUE (after a configuration file)",
				       a->rest[i]);
		*eq = 0;
		conf_set(a, &c, trim(a->rest[i]), trim(eq + 1), "command line");
	}
	const char *task = c.task ? c.task : "train";
	if (!strcmp(task, "train")) {
		if (!c.data)
			dl_usage_error("%s: no 'data = FILE' to train on", a->rest[0]);
		char out[64];
		const char *model_out = a->output ? a->output : c.model_out;
		if (!model_out) {
			int rounds = 10;
			for (int i = 0; i < a->nparams; i++)
				if (!strcmp(a->pkeys[i], "num_round"))
					rounds = atoi(a->pvals[i]);
			snprintf(out, sizeof out, "%04d.model", rounds);
			model_out = out;
		}
		train_model(a, c.data, c.eval_paths, c.eval_names, c.neval, model_out);
	} else if (!strcmp(task, "pred")) {
		if (!c.model_in || !c.test)
			dl_usage_error("%s: task = pred needs model_in and test:data", a->rest[0]);
		a->model = c.model_in;
		predict_to(a, c.test, a->output ? a->output : c.name_pred ? c.name_pred : "pred.txt");
	} else if (!strcmp(task, "dump")) {
		if (!c.model_in)
			dl_usage_error("%s: task = dump needs model_in", a->rest[0]);
		a->model = c.model_in;
		a->stats = c.dump_stats;
		dump_to(a, a->output ? a->output : c.name_dump ? c.name_dump : "dump.txt");
	} else {
		dl_usage_error("%s: task '%s' is not train, pred or dump", a->rest[0], task);
	}
	dl_free(c.text);
}

static void cmd_train(struct args *a)
{
	if (a->tool == DL_GBM_XGB && a->nrest >= 1 && is_conf(a->rest[0])) {
		run_conf(a);
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
	train_model(a, a->rest[0], a->valid, names, a->nvalid, a->output);
}

static void train_model(struct args *a, const char *data, const char *const *vpaths,
			const char *const *vnames, int nvalid, const char *output)
{
	struct trainer p;
	set_params(a, &p);
	dl_table *train = load(a, data, NULL, 0, 1, trainer_objective(&p));
	dl_table *valid[MAX_LIST];
	dl_eval_set sets[MAX_LIST + 1];
	char names[MAX_LIST][32];
	size_t nsets = 0;
	/* The training metric is computed only to be shown or logged (the trainer still
	 * checks the metrics up front without it). */
	if ((nvalid == 0 && (!dl_is_quiet() || a->log)) || a->eval_train)
		sets[nsets++] = (dl_eval_set){ train, "train" };
	for (int i = 0; i < nvalid; i++) {
		valid[i] = load(a, vpaths[i], train->names, train->ncol, 1, trainer_objective(&p));
		densify(valid[i]);
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
	dl_gbm_write(m, learner_name(a), out);
	dl_out_close(out);
	dl_gbm_free(m);
	for (int i = 0; i < nvalid; i++)
		dl_table_free(valid[i]);
	dl_table_free(train);
	trainer_free(&p);
}

/* ---- using a model */

static dl_gbm *load_model(const struct args *a)
{
	if (!a->model)
		dl_usage_error("no model given (-m MODEL.json)");
	dl_err e;
	dl_gbm *m = dl_gbm_read(a->model, NULL, &e);
	if (!m)
		dl_die("%s", e.msg);
	return m;
}

static int rounds_to_use(const struct args *a, const dl_gbm *m)
{
	if (a->iterations > 0)
		return a->iterations;
	return m->best_iteration >= 0 ? m->best_iteration + 1 : 0;
}

static const char *data_arg(const struct args *a, const char *cmd)
{
	if (a->nrest > 1)
		dl_usage_error("%s: one data file, got %d", cmd, a->nrest);
	return a->nrest ? a->rest[0] : "-";
}

static void cmd_predict(struct args *a)
{
	predict_to(a, data_arg(a, "predict"), a->output);
}

static void predict_to(struct args *a, const char *path, const char *output)
{
	if (a->leaf + a->contrib + a->margin > 1)
		dl_usage_error("predict: --margin, --leaf and --contrib exclude each other");
	dl_gbm *m = load_model(a);
	dl_table *t = load(a, path, m->features, m->nfeat, 0, NULL);
	densify(t);
	dl_pool *pool = dl_pool_new(a->common.threads);
	size_t K = dl_gbm_nclass(m), n = t->nrow;
	int rounds = rounds_to_use(a, m);
	dl_out *out = dl_out_open(output, 0);
	if (a->contrib) {
		size_t w = K * (m->nfeat + 1);
		/* contributions of the trees of the first rounds only */
		while (rounds > 0 && m->ntree > (size_t)rounds * K)
			dl_tree_free(m->trees[--m->ntree]);
		double *v = dl_mallocarray(n * w + 1, sizeof *v);
		dl_gbm_contribs(m, t, pool, v);
		dl_pred_write(out, a->pred_format, "contrib", v, n, w, 0);
		dl_free(v);
	} else if (a->leaf) {
		size_t nt = rounds > 0 && (size_t)rounds * K < m->ntree ? (size_t)rounds * K : m->ntree;
		double *v = dl_mallocarray(n * nt + 1, sizeof *v);
		for (size_t r = 0; r < n; r++)
			for (size_t i = 0; i < nt; i++)
				v[r * nt + i] = dl_tree_leaf(m->trees[i], t->x + r * t->ncol);
		dl_pred_write(out, a->pred_format, "leaf", v, n, nt, DL_PRED_INTEGERS);
		dl_free(v);
	} else {
		double *v = dl_mallocarray(n * K + 1, sizeof *v);
		dl_gbm_margins(m, t, rounds, pool, v);
		size_t k = K;
		if (!a->margin)
			k = dl_objective_transform(&m->obj, v, n);
		dl_pred_write(out, a->pred_format, "prediction", v, n, k, 0);
		dl_free(v);
	}
	dl_out_close(out);
	dl_pool_free(pool);
	dl_table_free(t);
	dl_gbm_free(m);
}

static void cmd_eval(struct args *a)
{
	const char *path = data_arg(a, "eval");
	dl_gbm *m = load_model(a);
	dl_table *t = load(a, path, m->features, m->nfeat, 1, &m->obj);
	dl_err le;
	if (dl_objective_check_labels(&m->obj, t->label, t->nrow, &le) < 0)
		dl_die("%s: %s", path, le.msg);
	densify(t);
	dl_pool *pool = dl_pool_new(a->common.threads);
	size_t K = dl_gbm_nclass(m), n = t->nrow;
	double *v = dl_mallocarray(n * K + 1, sizeof *v);
	dl_gbm_margins(m, t, rounds_to_use(a, m), pool, v);
	dl_objective o = m->obj;
	if (o.kind == DL_OBJ_SOFTMAX)
		o.kind = DL_OBJ_SOFTPROB;
	size_t k = dl_objective_transform(&o, v, n);
	size_t *gp = NULL;
	size_t ng = 0;
	dl_err e;
	if (t->qid) {
		ptrdiff_t r = dl_table_groups(t, &gp, &e);
		if (r < 0)
			dl_die("%s", e.msg);
		ng = (size_t)r;
	}
	const char *def = dl_objective_default_metric(m->obj.kind);
	int nm = a->nmetrics ? a->nmetrics : 1;
	dl_out *out = dl_out_open(a->output, 0);
	for (int i = 0; i < nm; i++) {
		const char *name = a->nmetrics ? a->metrics[i] : def;
		double val;
		if (dl_metric_eval(name, v, n, k, t->label, t->weight, gp, ng, &val, &e) < 0)
			dl_die("%s: %s", path, e.msg);
		dl_out_printf(out, "%s\t%.9g\n", name, val);
		if (a->log)
			dl_log(a->log, "\"metric\":\"%s\",\"value\":%.9g", name, val);
	}
	dl_out_close(out);
	dl_free(gp);
	dl_free(v);
	dl_pool_free(pool);
	dl_table_free(t);
	dl_gbm_free(m);
}

static void cmd_dump(struct args *a)
{
	if (a->nrest)
		dl_usage_error("dump: unexpected argument '%s'", a->rest[0]);
	dump_to(a, a->output);
}

static void dump_to(struct args *a, const char *output)
{
	dl_gbm *m = load_model(a);
	dl_out *out = dl_out_open(output, 0);
	for (size_t i = 0; i < m->ntree; i++) {
		dl_out_printf(out, "booster[%zu]:\n", i);
		dl_tree_dump(m->trees[i], (const char *const *)m->features, a->stats, out);
	}
	dl_out_close(out);
	dl_gbm_free(m);
}

static int cmp_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return (a > b) - (a < b);
}

struct imp {
	double v;
	size_t f;
};

static int cmp_imp(const void *x, const void *y)
{
	const struct imp *a = x, *b = y;
	if (a->v != b->v)
		return a->v < b->v ? 1 : -1;
	return a->f < b->f ? -1 : a->f > b->f;
}

static void cmd_importance(struct args *a)
{
	if (a->nrest)
		dl_usage_error("importance: unexpected argument '%s'", a->rest[0]);
	dl_gbm *m = load_model(a);
	int type = a->type ? dl_importance_parse(a->type) : DL_IMP_GAIN;
	double *v = dl_mallocarray(m->nfeat, sizeof *v);
	dl_importance((const dl_tree *const *)m->trees, m->ntree, m->nfeat, type, v);
	struct imp *s = dl_mallocarray(m->nfeat, sizeof *s);
	for (size_t f = 0; f < m->nfeat; f++)
		s[f] = (struct imp){ v[f], f };
	qsort(s, m->nfeat, sizeof *s, cmp_imp);
	dl_out *out = dl_out_open(a->output, 0);
	for (size_t i = 0; i < m->nfeat; i++)
		if (s[i].v > 0)
			dl_out_printf(out, "%s\t%.9g\n", m->features[s[i].f], s[i].v);
	dl_out_close(out);
	dl_free(s);
	dl_free(v);
	dl_gbm_free(m);
}

/* ---- cross-validation */

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
	dl_table *t = load(a, a->rest[0], NULL, 0, 1, trainer_objective(&p));
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
		densify(tte);
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
	dl_gbm_write(m, learner_name(a), out);
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
	{ "predict", cmd_predict, o_predict,
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
	{ "eval", cmd_eval, o_eval,
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
	{ "dump", cmd_dump, o_dump,
	  "Usage: dl-xgb dump -m MODEL [--with-stats]\n"
	  "The trees as text, as XGBoost dumps them.\n"
	  "  -m, --model FILE        the model\n"
	  "      --with-stats        add the gain and cover of each node\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "importance", cmd_importance, o_importance,
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
	{ "predict", cmd_predict, o_predict,
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
	{ "eval", cmd_eval, o_eval,
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
	{ "dump", cmd_dump, o_dump,
	  "Usage: dl-gbdt dump -m MODEL [--with-stats]\n"
	  "The trees as text, as XGBoost dumps them.\n"
	  "  -m, --model FILE        the model\n"
	  "      --with-stats        add the gain and cover of each node\n"
	  "  -o, --output FILE       write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "importance", cmd_importance, o_importance,
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
