/*
 * gbmpredict.c — the boosting programs' commands that use a model: predict (values,
 * margins, leaves, contributions), eval, dump and importance (see gbmpriv.h).
 */
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
#include "tree/inspect.h"
#include "tree/model.h"
#include "tree/shap.h"

dl_gbm *gbm_load_model(const struct args *a)
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

const char *gbm_data_arg(const struct args *a, const char *cmd)
{
	if (a->nrest > 1)
		dl_usage_error("%s: one data file, got %d", cmd, a->nrest);
	return a->nrest ? a->rest[0] : "-";
}

void gbm_cmd_predict(struct args *a)
{
	gbm_predict_to(a, gbm_data_arg(a, "predict"), a->output);
}

void gbm_predict_to(struct args *a, const char *path, const char *output)
{
	if (a->leaf + a->contrib + a->margin > 1)
		dl_usage_error("predict: --margin, --leaf and --contrib exclude each other");
	dl_gbm *m = gbm_load_model(a);
	dl_table *t = gbm_load(a, path, m->features, m->nfeat, 0, NULL);
	gbm_densify(t);
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

void gbm_cmd_eval(struct args *a)
{
	const char *path = gbm_data_arg(a, "eval");
	dl_gbm *m = gbm_load_model(a);
	dl_table *t = gbm_load(a, path, m->features, m->nfeat, 1, &m->obj);
	dl_err le;
	if (dl_objective_check_labels(&m->obj, t->label, t->nrow, &le) < 0)
		dl_die("%s: %s", path, le.msg);
	gbm_densify(t);
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

void gbm_cmd_dump(struct args *a)
{
	if (a->nrest)
		dl_usage_error("dump: unexpected argument '%s'", a->rest[0]);
	gbm_dump_to(a, a->output);
}

void gbm_dump_to(struct args *a, const char *output)
{
	dl_gbm *m = gbm_load_model(a);
	dl_out *out = dl_out_open(output, 0);
	for (size_t i = 0; i < m->ntree; i++) {
		dl_out_printf(out, "booster[%zu]:\n", i);
		dl_tree_dump(m->trees[i], (const char *const *)m->features, a->stats, out);
	}
	dl_out_close(out);
	dl_gbm_free(m);
}

void gbm_cmd_importance(struct args *a)
{
	if (a->nrest)
		dl_usage_error("importance: unexpected argument '%s'", a->rest[0]);
	dl_gbm *m = gbm_load_model(a);
	int type = a->type ? dl_importance_parse(a->type) : DL_IMP_GAIN;
	double *v = dl_mallocarray(m->nfeat, sizeof *v);
	dl_importance((const dl_tree *const *)m->trees, m->ntree, m->nfeat, type, v);
	dl_cli_print_importance(a->output, m->features, v, m->nfeat, 1);
	dl_free(v);
	dl_gbm_free(m);
}
