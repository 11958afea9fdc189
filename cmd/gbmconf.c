/*
 * gbmconf.c — dl-xgb train CONFIG.conf: the configuration files of XGBoost's former
 * command-line program (KEY = VALUE lines; tasks train, pred and dump), mapped onto the
 * commands of gbmcli.c and gbmpredict.c (see gbmpriv.h).
 */
#include "gbmpriv.h"

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
#include "tree/inspect.h"
#include "tree/model.h"
#include "tree/shap.h"

struct conf {
	const char *task, *data, *test, *model_in, *model_out, *name_pred, *name_dump;
	const char *eval_names[MAX_LIST], *eval_paths[MAX_LIST];
	int neval, dump_stats;
	char *text;
};

/* A configuration file: its first line that is not blank or a comment is KEY = VALUE. */
int gbm_is_conf(const char *path)
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
		gbm_add_param_at(a, k, v, a->owned[a->nowned++] = dl_strdup(where));
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

/* dl-xgb train CONFIG.conf [KEY=VALUE...]: XGBoost's command-line program's tasks. */
void gbm_run_conf(struct args *a)
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
		gbm_train_model(a, c.data, c.eval_paths, c.eval_names, c.neval, model_out);
	} else if (!strcmp(task, "pred")) {
		if (!c.model_in || !c.test)
			dl_usage_error("%s: task = pred needs model_in and test:data", a->rest[0]);
		a->model = c.model_in;
		gbm_predict_to(a, c.test, a->output ? a->output : c.name_pred ? c.name_pred : "pred.txt");
	} else if (!strcmp(task, "dump")) {
		if (!c.model_in)
			dl_usage_error("%s: task = dump needs model_in", a->rest[0]);
		a->model = c.model_in;
		a->stats = c.dump_stats;
		gbm_dump_to(a, a->output ? a->output : c.name_dump ? c.name_dump : "dump.txt");
	} else {
		dl_usage_error("%s: task '%s' is not train, pred or dump", a->rest[0], task);
	}
	dl_free(c.text);
}
