/*
 * spec.h — feature columns as TensorFlow's tf.feature_column defined them: the spec a user
 * writes (JSON), the parameters fit learns, and the output schema; read from and written
 * to FITTED.json.
 *
 * A spec is {"columns": [COLUMN, ...], "passthrough": [KEY or {"key":K,"type":T}, ...]}.
 * Each COLUMN is an object with "type" and the members of that type (man dl-features):
 *   numeric                          key, normalizer (none|zscore|minmax), default_value
 *   bucketized                       source (a numeric column or a raw key), boundaries
 *                                    or quantiles (K buckets learned by fit)
 *   categorical_with_vocabulary_list key, vocabulary_list, num_oov_buckets, default_value
 *   categorical_with_vocabulary_file key, vocabulary_file, vocabulary_size,
 *                                    num_oov_buckets, default_value
 *   categorical_with_vocabulary      key, top_k, min_count, num_oov_buckets, default_value
 *                                    (the vocabulary is learned by fit)
 *   categorical_with_hash_bucket     key, hash_bucket_size
 *   categorical_with_identity        key, num_buckets, default_value
 *   crossed                          keys (raw keys or categorical columns), hash_bucket_size,
 *                                    hash_key
 *   indicator                        categorical_column
 *   embedding                        categorical_column, dimension, combiner
 *   weighted                         categorical_column, weight_feature_key
 *   rolling                          key, op (max|min|mean|sum), window, group_by
 * and optionally "name" (default: TensorFlow's name for the column) and "emit" (default:
 * true unless another column uses this one). "key" names an input feature (a CSV column).
 *
 * Ownership: a dl_fspec owns everything it points to; dl_fspec_free releases it. Parsing
 * never dies on bad input: it returns NULL with e filled ("column 3 ('age_x'): unknown
 * type 'numerc'"). Not thread-safe per object; a parsed spec is read-only during apply.
 */
#ifndef DL_FEATURES_SPEC_H
#define DL_FEATURES_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/error.h"
#include "features/vocab.h"
#include "features/window.h"
#include "record/example.h"

enum dl_fc_type {
	DL_FC_NUMERIC,
	DL_FC_BUCKETIZED,
	DL_FC_VOCAB_LIST,
	DL_FC_VOCAB_FILE,
	DL_FC_VOCAB,
	DL_FC_HASH,
	DL_FC_IDENTITY,
	DL_FC_CROSSED,
	DL_FC_INDICATOR,
	DL_FC_EMBEDDING,
	DL_FC_WEIGHTED,
	DL_FC_ROLLING,
	DL_FC_NTYPES
};

enum dl_fc_norm { DL_NORM_NONE, DL_NORM_ZSCORE, DL_NORM_MINMAX };

/* One key of a crossed column: a raw input key, or another (categorical) column. */
struct dl_fc_cross_key {
	int is_column;
	size_t index;          /* into dl_fspec.keys or dl_fspec.col */
};

typedef struct dl_fcol {
	char *name;
	enum dl_fc_type type;
	int emit;
	int level;             /* evaluation order: a column uses only lower levels */
	size_t key;            /* input key (numeric, categorical, rolling, weighted weight) */
	int has_key;

	/* numeric */
	enum dl_fc_norm norm;
	int has_default;
	double default_value;
	double mean, var, min, max;     /* learned by fit (population variance) */
	uint64_t count;                 /* values seen by fit */

	/* bucketized */
	size_t source;                  /* a numeric column */
	size_t quantiles;               /* 0: explicit boundaries */
	double *bounds;
	size_t nbounds;

	/* vocabulary columns (ids: position; out of vocabulary: default_id or OOV buckets) */
	dl_vocab vocab;
	char *vocab_file;
	int64_t vocab_size;             /* vocabulary_size of a file, -1 = all lines */
	uint64_t min_count;
	size_t top_k;
	uint64_t num_oov;
	int64_t default_id;             /* -1 unless given */
	int has_default_id;

	/* hash, crossed, identity */
	uint64_t buckets;               /* hash_bucket_size, identity's num_buckets */
	struct dl_fc_cross_key *cross;
	size_t ncross;
	uint64_t hash_key;

	/* indicator, embedding, weighted: the categorical column they use */
	size_t cat;
	int dimension;
	char *combiner;
	char *weight_name;              /* the weights feature of a weighted column */

	/* rolling */
	enum dl_window_op op;
	size_t window;
	size_t group_key;
	int has_group;

	int64_t num_buckets;            /* id space of a categorical column (0 otherwise) */
} dl_fcol;

/* A feature copied from input to output, converted to kind. */
struct dl_fpass {
	size_t key;
	enum dl_feature_kind kind;
};

typedef struct dl_fspec {
	dl_fcol *col;
	size_t ncol;
	char **keys;           /* input features read (NUL-terminated names) */
	size_t nkeys;
	struct dl_fpass *pass;
	size_t npass;
	char *spec_json;       /* the spec as written into FITTED.json (compact JSON) */
	uint64_t fingerprint;  /* Fingerprint64 of spec_json */
	int fitted;            /* parameters learned (or nothing to learn) */
	uint64_t rows;         /* rows fit saw */
	uint64_t bad_rows;     /* rows fit skipped */
} dl_fspec;

/* The name TensorFlow gives type t ("numeric", "categorical_with_hash_bucket", ...). */
const char *dl_fc_type_name(enum dl_fc_type t);

/* Parses a spec from JSON text (len bytes). Vocabulary files are read here, relative to
 * the current directory; a missing or unreadable one is an error. Returns NULL with e
 * filled on any error. */
dl_fspec *dl_fspec_parse(const char *text, size_t len, dl_err *e);
/* Reads and parses a spec file ("-" = stdin); errors start with the file's name. A
 * relative vocabulary_file is found in the spec file's directory. */
dl_fspec *dl_fspec_load(const char *path, dl_err *e);
void dl_fspec_free(dl_fspec *s);

/* 1 when column i needs fit to learn something (quantiles, a vocabulary, a normalizer). */
int dl_fcol_needs_fit(const dl_fspec *s, size_t i);

/* Appends FITTED.json for s (which must be fitted): the spec, its fingerprint, every
 * column's learned parameters and the output schema. */
void dl_fspec_write_fitted(const dl_fspec *s, dl_buf *out);
/* Reads FITTED.json: the spec is parsed again (vocabulary files are not read: their
 * vocabularies come from the file) and the learned parameters set. Errors: not JSON, not
 * a dl-features model, the fingerprint does not match the spec in it, a column's
 * parameters missing or of the wrong form. */
dl_fspec *dl_fspec_read_fitted(const char *text, size_t len, dl_err *e);
dl_fspec *dl_fspec_load_fitted(const char *path, dl_err *e);

/* The output schema, one entry per output feature, in output order. */
struct dl_fschema {
	const char *name;
	size_t name_len;
	const dl_fcol *col;
	enum dl_feature_kind kind;
	int dense;             /* exactly width values per row (when present) */
	int64_t width;         /* values per row when dense; 0 for a variable-length id list */
	int64_t num_buckets;   /* the id space of an id list, else 0 */
};
/* Fills *out with a new array (free with dl_free) and returns its length. */
size_t dl_fspec_schema(const dl_fspec *s, struct dl_fschema **out);
/* Appends the schema as a JSON array (as in FITTED.json) or a table for people. */
void dl_fspec_schema_json(const dl_fspec *s, dl_buf *out);
void dl_fspec_describe(const dl_fspec *s, dl_buf *out);

#endif
