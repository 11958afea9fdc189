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
/* Reads a whole file ("-" = stdin) into memory; NULL with e filled on error. */
char *dl_fspec_slurp(const char *path, size_t *len, dl_err *e);

#endif
