/*
 * txpriv.h — what transform.c shares with fit.c. Not an API.
 */
#ifndef DL_FEATURES_TXPRIV_H
#define DL_FEATURES_TXPRIV_H

#include "core/alloc.h"
#include "features/input.h"
#include "features/spec.h"
#include "features/window.h"
#include "record/example.h"

/* The apply engine (transform.c); output.c writes its output row. */
struct outf {
	size_t k;                       /* schema entry */
	enum dl_feature_kind kind;
	size_t off, count;              /* into of, oi or obl (bytes: into ob by summing) */
	size_t boff;                    /* bytes: offset of the first value in ob */
};

struct dl_fx {
	const dl_fspec *s;
	double *num;
	unsigned char *has;
	size_t *idoff, *idn;
	int64_t *ids;
	size_t nids, capids;
	float *dense;                   /* an indicator's row */
	size_t capdense;
	uint64_t *fp;                   /* a cross's fingerprints, per key and value */
	size_t capfp;
	dl_window **win;
	dl_window_groups **groups;
	size_t *order;                  /* columns by level */
	/* the output row: features (schema entry, kind, values) in schema order */
	struct dl_fschema *schema;
	size_t nschema;
	size_t *col_schema;             /* column -> its (first) schema entry */
	struct outf *out;
	size_t nout, capout;
	float *of;
	size_t nof, capof;
	int64_t *oi;
	size_t noi, capoi;
	dl_buf ob;                      /* bytes values, back to back */
	size_t *obl;                    /* their lengths */
	size_t nob, capob;
	size_t *size;                   /* dl_fx_encode's scratch: list lengths */
	size_t capsize;
};

/* The bytes at off in the row's bytes buffer (which is not allocated while every bytes
 * value so far was empty). */
static inline const uint8_t *ob_at(const dl_fx *x, size_t off)
{
	return x->ob.data ? x->ob.data + off : (const uint8_t *)"";
}


/* Parses a decimal literal (spaces around it allowed), correctly rounded: 0 or -1. */
int dl_fx_parse_double(const char *s, size_t n, double *out);
/* The one number of key in r's row for column c: 1 with *v, 0 when missing, -2 with e
 * filled when it is not a number or there are several. */
int dl_fx_number(const dl_frows *r, size_t key, const dl_fcol *c, double *v, dl_err *e);
/* A numeric column's normalizer applied to v. */
double dl_fx_normalize(const dl_fcol *c, double v);
/* numpy.quantile(v[0..n), q) with the default method ("linear"); v sorted, n >= 1. */
double dl_fit_quantile(const double *v, size_t n, double q);

/* ---- output.c */
/* One TFRecord frame of p[0..n) appended to b. */
void dl_fout_frame(dl_buf *b, const uint8_t *p, size_t n);

#endif
