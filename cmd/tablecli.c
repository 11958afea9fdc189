/*
 * tablecli.c — the data options shared by the tree programs (see tablecli.h).
 */
#include "tablecli.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/cli.h"
#include "core/error.h"
#include "core/io.h"

enum dl_table_format dl_cli_input_format(const char *s)
{
	if (!strcmp(s, "auto"))
		return DL_TABLE_AUTO;
	if (!strcmp(s, "csv"))
		return DL_TABLE_CSV;
	if (!strcmp(s, "libsvm"))
		return DL_TABLE_LIBSVM;
	if (!strcmp(s, "records"))
		return DL_TABLE_RECORDS;
	dl_usage_error("--input-format: '%s' is not auto, csv, libsvm or records", s);
	return DL_TABLE_AUTO;
}

/* Whether every name is fN (libsvm's feature names, as XGBoost names them). */
static int libsvm_names(char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = names[i];
		if (s[0] != 'f' || !s[1])
			return 0;
		for (s++; *s; s++)
			if (*s < '0' || *s > '9')
				return 0;
	}
	return 1;
}

dl_table *dl_cli_read_table(dl_table_options o, const char *path, char *const *features,
			    size_t nfeat, int need_label)
{
	o.require_label = need_label;
	o.zero_based = 1;     /* libsvm index N is feature fN, as XGBoost reads it */
	if (features) {
		o.features = (const char *const *)features;
		o.nfeatures = nfeat;
		o.allow_absent = libsvm_names(features, nfeat);
	}
	int usage = 0;
	dl_err e;
	dl_table *t = dl_table_read(path, &o, &usage, &e);
	if (!t) {
		if (usage)
			dl_usage_error("%s", e.msg);
		dl_die("%s", e.msg);
	}
	if (need_label && !t->label)
		dl_die("%s: no label column (name it with --label)", path ? path : "-");
	return t;
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

void dl_cli_print_importance(const char *output, char *const *names, const double *v, size_t n,
			     int positive_only)
{
	struct imp *s = dl_mallocarray(n + 1, sizeof *s);
	for (size_t f = 0; f < n; f++)
		s[f] = (struct imp){ v[f], f };
	qsort(s, n, sizeof *s, cmp_imp);
	dl_out *out = dl_out_open(output, 0);
	for (size_t i = 0; i < n; i++)
		if (!positive_only || s[i].v > 0)
			dl_out_printf(out, "%s\t%.9g\n", names[s[i].f], s[i].v);
	dl_out_close(out);
	dl_free(s);
}
