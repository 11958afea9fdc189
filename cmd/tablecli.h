/*
 * tablecli.h — the data options of the tree programs (dl-xgb, dl-gbdt, dl-rf): parsing
 * --input-format and reading a table with a model's features, with the same messages and
 * exit statuses in every program.
 */
#ifndef DL_CMD_TABLECLI_H
#define DL_CMD_TABLECLI_H
#include <stddef.h>
#include "data/table.h"

/* --input-format's value: auto, csv, libsvm or records; a usage error otherwise. */
enum dl_table_format dl_cli_input_format(const char *s);
/* Reads path with options o (format, label, weight, exclude, label checks: the caller's);
 * features (when not NULL) are a model's, matched by name, and libsvm-style names f0, f1,
 * ... may be absent from the data. Dies with the reader's message (exit 2 when it is the
 * command line's fault, else 1), or when need_label and the data has no label column. */
dl_table *dl_cli_read_table(dl_table_options o, const char *path, char *const *features,
			    size_t nfeat, int need_label);
/* Writes lines NAME<TAB>VALUE of the n features, the largest value first (ties in feature
 * order); with positive_only, features of value 0 or less are left out. To output (NULL:
 * standard output). */
void dl_cli_print_importance(const char *output, char *const *names, const double *v, size_t n,
			     int positive_only);
#endif
