/*
 * specpriv.h — what spec.c and fitted.c share while they build a dl_fspec. Not an API:
 * nothing outside lib/features/spec.c and fitted.c includes this.
 */
#ifndef DL_FEATURES_SPECPRIV_H
#define DL_FEATURES_SPECPRIV_H

#include <cjson/cJSON.h>

#include "features/spec.h"

/* The state of one parse: per column, the references still to resolve. */
struct parse {
	dl_fspec *s;
	const char **ref;        /* source or categorical_column, as written */
	const cJSON **keys;      /* a crossed column's keys */
	const char **keyname;    /* the key, for default names */
	int *emit;               /* -1 unless given */
	int read_files;          /* read vocabulary files (fit), or not (FITTED.json) */
	const char *base;        /* directory of relative vocabulary files, or NULL */
};

/* Parses the spec object root into a new dl_fspec (see dl_fspec_parse). */
dl_fspec *dl_fspec_from_json(const cJSON *root, int read_files, const char *base, dl_err *e);
/* The index of key name, added when new. */
size_t dl_fspec_add_key(dl_fspec *s, const char *name);
/* "column 3 ('age'): MESSAGE" (or "column 3: MESSAGE" before the column has a name) into
 * e; returns -1. */
int dl_fspec_colerr(const struct parse *p, size_t i, dl_err *e, const char *fmt, ...)
	DL_PRINTF(4, 5);
/* Names and keys are written back into JSON (FITTED.json): 1 when s is valid UTF-8. */
int dl_fspec_valid_name(const char *s);
/* Names the columns and resolves their references (resolve.c); 0 or -1. */
int dl_fspec_resolve(struct parse *p, dl_err *e);
/* Reads the spec's passthrough array (NULL: none) into s; 0 or -1. */
int dl_fspec_passthrough(dl_fspec *s, const cJSON *a, dl_err *e);
/* Reads a whole file ("-" = stdin) into memory; NULL with e filled on error. */
char *dl_fspec_slurp(const char *path, size_t *len, dl_err *e);

#endif
