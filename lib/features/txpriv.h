/*
 * txpriv.h — what transform.c shares with fit.c. Not an API.
 */
#ifndef DL_FEATURES_TXPRIV_H
#define DL_FEATURES_TXPRIV_H

#include "features/input.h"
#include "features/spec.h"

/* Parses a decimal literal (spaces around it allowed), correctly rounded: 0 or -1. */
int dl_fx_parse_double(const char *s, size_t n, double *out);
/* The one number of key in r's row for column c: 1 with *v, 0 when missing, -2 with e
 * filled when it is not a number or there are several. */
int dl_fx_number(const dl_frows *r, size_t key, const dl_fcol *c, double *v, dl_err *e);
/* A numeric column's normalizer applied to v. */
double dl_fx_normalize(const dl_fcol *c, double v);
/* numpy.quantile(v[0..n), q) with the default method ("linear"); v sorted, n >= 1. */
double dl_fit_quantile(const double *v, size_t n, double q);

#endif
