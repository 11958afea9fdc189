/*
 * table.h — numeric tables for the tree learners: a label, optional weights and query
 * groups, and a matrix of float features read from CSV, libsvm/svmlight or records.
 *
 * The matrix is dense (row-major, NAN = missing) or sparse (CSR, an absent entry is
 * missing; libsvm is read sparse). Missing values: an empty CSV cell, "nan"/"NaN"/"NA"
 * cells, a feature absent from a record or a libsvm line.
 *
 * CSV: a header row names the columns (RFC 4180 quoting); every column other than the
 * label, weight and group columns and the excluded ones is a feature and must be numeric
 * (a decimal number, nan, inf). libsvm: "LABEL[:WEIGHT] [qid:Q] INDEX:VALUE ..." with
 * '#' comments; indices zero- or one-based (options); features are named "f0", "f1", ...
 * by zero-based index (XGBoost's naming). Records: TFRecord-framed tf.Example; each
 * numeric feature (int64 or float list of length 0 or 1) is a column, named by its key;
 * columns are ordered by first appearance. No data rows is an error.
 * Query ids must come in runs (all rows of a query together), else the reader fails
 * with "query id Q appears again after other ids; sort the rows by query id".
 *
 * Messages name the input and the line (CSV, libsvm) or record index (records):
 *     "train.csv:7: row has 3 fields, the header has 4"
 *     "train.csv:9: column 'age': 'abc' is not a number"
 *     "train.csv:12: label is NaN"            (labels must be finite when required)
 *     "data.svm:3: bad feature 'x:1' (expected INDEX:VALUE)"
 * A table is read by one thread; once read it is read-only and may be shared.
 */
#ifndef DL_DATA_TABLE_H
#define DL_DATA_TABLE_H
#include <stddef.h>
#include <stdint.h>
#include "core/error.h"

enum dl_table_format { DL_TABLE_AUTO = 0, DL_TABLE_CSV, DL_TABLE_LIBSVM, DL_TABLE_RECORDS };

typedef struct dl_table_options {
	enum dl_table_format format;    /* AUTO: records by TFRecord framing (gzip too), libsvm
					 * when the first data line looks like "NUM IDX:VAL",
					 * else CSV */
	const char *label;              /* CSV/records: label column; NULL = "label" if the
					 * data has such a column, else no label */
	const char *weight;             /* CSV/records: weight column, or NULL */
	const char *group;              /* CSV/records: query id column (ranking), or NULL */
	const char *const *exclude;     /* columns that are not features */
	size_t nexclude;
	int require_label;              /* 1: no label column is an error; labels finite */
	int zero_based;                 /* libsvm: 1 zero-based, 0 one-based, -1 auto
					 * (one-based unless an index 0 appears); note
					 * that a zeroed struct means one-based */
	char delimiter;                 /* CSV: 0 = ',' */
	/* Feature columns to produce, in this order (a model's features when predicting).
	 * A listed column the data lacks is an error ("feature 'x' of the model is not in
	 * the data") unless allow_absent (then all missing); a data column not listed is an
	 * error ("column 'z' is not a feature of the model") unless ignore_extra. libsvm
	 * data matches by index ("f12"); being sparse it lacks no "fN" feature, and any
	 * other name is absent from it. NULL = every column, in the data's order. */
	const char *const *features;
	size_t nfeatures;
	int allow_absent;
	int ignore_extra;
	/* With label_range set, a label outside [label_min, label_max], or not a whole number
	 * when label_whole, fails at its line or record:
	 *     "train.csv:12: label 3 is outside [0, 1] (objective binary:logistic)"
	 * where "[0, 1]" is label_range_text and the part in parentheses label_why. */
	int label_range, label_whole;
	double label_min, label_max;
	const char *label_range_text, *label_why;
} dl_table_options;

typedef struct dl_table {
	size_t nrow, ncol;
	char **names;           /* ncol feature names */
	float *x;               /* dense nrow*ncol, row-major, NAN = missing; or NULL */
	size_t *rowptr;         /* sparse: nrow+1 offsets into col/val; or NULL */
	uint32_t *col;
	float *val;
	float *label;           /* nrow, or NULL without a label column */
	float *weight;          /* nrow, or NULL (all 1) */
	int64_t *qid;           /* nrow, or NULL without groups */
} dl_table;

/* Reads path ("-" or NULL = stdin; gzip read transparently). Returns NULL with e filled
 * on bad data or I/O; *usage (when not NULL) is set to 1 when the error is the caller's
 * (a --label/--weight/--group/--exclude naming a column the data lacks), else 0. */
dl_table *dl_table_read(const char *path, const dl_table_options *o, int *usage, dl_err *e);
/* The same from memory (fuzz targets, tests); name is used in messages. */
dl_table *dl_table_read_mem(const void *data, size_t len, const char *name,
			    const dl_table_options *o, int *usage, dl_err *e);
void dl_table_free(dl_table *t);
/* Threads the CSV reader may use to parse a large input (1: none; 0, the default: the
 * online CPUs, at most 16). Process-wide and not thread-safe: set it at start-up, from
 * --threads. The table read does not depend on it. */
void dl_table_set_threads(int threads);

/* Value of row r, column c (NAN when missing), for either layout (sparse rows are sorted
 * by column, strictly rising). */
float dl_table_get(const dl_table *t, size_t r, size_t c);
/* Converts a sparse table to dense in place (absent = NAN). Returns 0 or -1 (memory). */
int dl_table_densify(dl_table *t, dl_err *e);
/* A new table of the given rows (in that order), with their labels, weights and qids. */
dl_table *dl_table_subset(const dl_table *t, const size_t *rows, size_t n);
/* Query groups from t->qid: consecutive rows with equal qid form a group. Returns the
 * number of groups and sets *ptr to a malloc'd array of ngroup+1 row offsets; a qid that
 * reappears after another is an error ("row R: query id Q appears again after other ids;
 * sort the rows by query id", R counted from 1), -1 with *ptr NULL. Without qids: one
 * group of all rows. */
ptrdiff_t dl_table_groups(const dl_table *t, size_t **ptr, dl_err *e);
#endif
