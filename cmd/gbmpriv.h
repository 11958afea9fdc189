/*
 * gbmpriv.h — what the parts of the boosting programs' command line share (gbmcli.c:
 * options, data and training; gbmpredict.c: predict, eval, dump, importance; gbmconf.c:
 * XGBoost's configuration files). Not an interface of the library.
 */
#ifndef DL_CMD_GBMPRIV_H
#define DL_CMD_GBMPRIV_H
#include <stdio.h>

#include "core/cli.h"
#include "data/table.h"
#include "gbmcli.h"
#include "tree/boost.h"
#include "tree/objective.h"

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

/* gbmcli.c */
void gbm_add_param_at(struct args *a, const char *k, const char *v, const char *where);
/* DATA read with the data options, its features those of a model (features, nfeat) or all
 * (NULL); dies on bad data. */
dl_table *gbm_load(const struct args *a, const char *path, char *const *features,
		   size_t nfeat, int need_label, const dl_objective *obj);
void gbm_densify(dl_table *t);
const char *gbm_learner_name(const struct args *a);
void gbm_train_model(struct args *a, const char *data, const char *const *vpaths,
		     const char *const *vnames, int nvalid, const char *output);

/* gbmpredict.c */
dl_gbm *gbm_load_model(const struct args *a);
const char *gbm_data_arg(const struct args *a, const char *cmd);
void gbm_cmd_predict(struct args *a);
void gbm_predict_to(struct args *a, const char *path, const char *output);
void gbm_cmd_eval(struct args *a);
void gbm_cmd_dump(struct args *a);
void gbm_dump_to(struct args *a, const char *output);
void gbm_cmd_importance(struct args *a);

/* gbmconf.c: dl-xgb train CONFIG.conf [KEY=VALUE...] */
int gbm_is_conf(const char *path);
void gbm_run_conf(struct args *a);
#endif
