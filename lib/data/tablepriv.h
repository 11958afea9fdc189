/*
 * tablepriv.h — what the table readers (csvnum.c, libsvm.c, records.c) share with table.c:
 * the number parser, the plan that maps the data's columns to the table's roles, and the
 * growing row arrays.
 *
 * A plan is made once the data's column names are known (the CSV header, the keys of all
 * records): each data column becomes the label, the weight, the group, a feature (its
 * index in the output), or is skipped (excluded, or not a feature of the model and
 * ignore_extra). Output features that no data column provides are "absent" (all NAN).
 */
#ifndef DL_DATA_TABLEPRIV_H
#define DL_DATA_TABLEPRIV_H
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "data/table.h"

/* Roles of a data column other than a feature index (>= 0). */
#define DL_COL_SKIP   (-1)
#define DL_COL_LABEL  (-2)
#define DL_COL_WEIGHT (-3)
#define DL_COL_GROUP  (-4)

/* Parses the cell s[0..n) (not NUL-terminated; surrounding spaces allowed) as a float with
 * strtof's result. Empty, "NA", "nan" (any case, signed) give NAN. Returns 0, or -1 when the
 * cell is not a number. */
int dl_data_parse_cell(const char *s, size_t n, float *out);
/* The same for a query id: an integer (or an integral decimal). Returns 0 or -1. */
int dl_data_parse_qid(const char *s, size_t n, int64_t *out);
/* Fast path: parses a plain decimal ([+-]digits[.digits][(e|E)[+-]digits]) at p, which must
 * be followed by a byte that is not a digit, '.', 'e' or 'E' (a NUL sentinel will do) at or
 * before end; bytes up to end may be read in words. Returns the end of the number with *out
 * set exactly as strtof would, or NULL when the text is not such a number or exactness is
 * not certain (then use dl_data_parse_cell). */
const char *dl_data_fast_float(const char *p, const char *end, float *out);

typedef struct dl_table_plan {
	ptrdiff_t *role;        /* per data column: feature index or DL_COL_* */
	size_t ndata;
	size_t ncol;            /* output features */
	char **names;           /* ncol names (owned until moved into the table) */
	unsigned char *absent;  /* ncol flags: no data column provides it */
	size_t nabsent;
	int has_label, has_weight, has_group;
} dl_table_plan;

/* Makes the plan for data columns names[0..n) (lens gives their lengths). input names the
 * data in messages; where is the place of the header ("train.csv:1" or "train.csv").
 * Returns 0 or -1 with e filled (and *usage set as dl_table_read describes). */
int dl_table_plan_make(dl_table_plan *p, const char *const *names, const size_t *lens, size_t n,
		       const dl_table_options *o, const char *where, int *usage, dl_err *e);
void dl_table_plan_free(dl_table_plan *p);
/* Index of a name in the options' exclude list, or -1. */
int dl_table_excluded(const dl_table_options *o, const char *name, size_t len);

/* Checks a label/weight value as read: returns 0, or -1 with e filled ("WHERE: label is
 * NaN", "WHERE: weight -1 is not a finite non-negative number"). */
int dl_table_check_label(const dl_table_options *o, float y, const char *where, dl_err *e);
/* Whether y passes dl_table_check_label (the readers' fast path). */
static inline int dl_table_label_ok(const dl_table_options *o, float y)
{
	if (!isfinite(y))
		return !o->require_label;
	return !o->label_range || (y >= o->label_min && y <= o->label_max &&
				   (!o->label_whole || y == floorf(y)));
}
int dl_table_check_weight(float w, const char *where, dl_err *e);

/* Query ids must come in runs: tracks the ids seen. */
typedef struct dl_qid_track {
	int64_t *seen;          /* open-addressing set of finished ids */
	size_t cap, n;
	int64_t last;
	int any;
} dl_qid_track;
/* Adds the id of the next row. Returns 0, or -1 with e filled ("WHERE: query id Q appears
 * again after other ids; sort the rows by query id"). */
int dl_qid_track_add(dl_qid_track *t, int64_t q, const char *where, dl_err *e);
void dl_qid_track_free(dl_qid_track *t);

/* The readers. in is open; name is for messages. */
#include "core/io.h"
dl_table *dl_table_read_csv(dl_in *in, const dl_table_options *o, int *usage, dl_err *e);
dl_table *dl_table_read_libsvm(dl_in *in, const dl_table_options *o, int *usage, dl_err *e);
dl_table *dl_table_read_records(dl_in *in, const dl_table_options *o, int *usage, dl_err *e);

/* A copy of s[0..n) (which may hold NUL bytes), NUL-terminated. */
char *dl_data_dup(const char *s, size_t n);
/* A cell quoted for a message: at most 40 bytes, non-printing bytes as '?'. buf has 48. */
const char *dl_data_quote_cell(const char *s, size_t n, char *buf);
#endif
