/*
 * spec.c — the feature-column spec: JSON (cJSON) to dl_fspec, with every check a user's
 * mistake deserves a clear message for (unknown types and members, references to columns
 * that do not exist or cannot be used, bad numbers, unsorted boundaries, vocabulary files
 * that cannot be read).
 *
 * Columns are parsed in two steps. The first (here) reads each column's own members. The
 * second (resolve.c) names them and resolves the references between them level by level — numeric,
 * vocabulary, hash, identity and rolling columns (level 0) use only raw input keys;
 * bucketized (1) a numeric column or a key; crossed (2) keys and categorical columns of
 * levels 0-1; indicator, embedding and weighted (3) a categorical column of levels 0-2 —
 * so a column's default name (TensorFlow's: "age_bucketized", "a_X_b", "c_indicator")
 * can be built from names already known, and no reference can form a cycle.
 */
#include "features/spec.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/utf8.h"
#include "features/farmhash.h"
#include "features/specpriv.h"

static const char *const type_names[DL_FC_NTYPES] = {
	"numeric", "bucketized", "categorical_with_vocabulary_list",
	"categorical_with_vocabulary_file", "categorical_with_vocabulary",
	"categorical_with_hash_bucket", "categorical_with_identity", "crossed", "indicator",
	"embedding", "weighted", "rolling",
};

/* The members each type takes besides type, name and emit. */
static const char *const members[DL_FC_NTYPES] = {
	"key normalizer default_value",
	"source boundaries quantiles",
	"key vocabulary_list num_oov_buckets default_value",
	"key vocabulary_file vocabulary_size num_oov_buckets default_value",
	"key top_k min_count num_oov_buckets default_value",
	"key hash_bucket_size",
	"key num_buckets default_value",
	"keys hash_bucket_size hash_key",
	"categorical_column",
	"categorical_column dimension combiner",
	"categorical_column weight_feature_key",
	"key op window group_by",
};

static const int levels[DL_FC_NTYPES] = { 0, 1, 0, 0, 0, 0, 0, 2, 3, 3, 3, 0 };

const char *dl_fc_type_name(enum dl_fc_type t)
{
	return (unsigned)t < DL_FC_NTYPES ? type_names[t] : "?";
}

/* ---- messages: "column 3 ('age'): ..." */

int dl_fspec_colerr(const struct parse *p, size_t i, dl_err *e, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	const char *name = p->s->col[i].name;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (name)
		return dl_errf(e, "column %zu ('%s'): %s", i + 1, name, msg);
	return dl_errf(e, "column %zu: %s", i + 1, msg);
}

int dl_fspec_valid_name(const char *s)
{
	size_t n = strlen(s);

	return dl_utf8_valid(s, n) == n;
}

/* ---- member readers: each returns 0 (absent counts as 0 with *present 0) or -1 */

static int get_int(const struct parse *p, size_t i, const cJSON *o, const char *m,
		   double lo, double hi, int64_t *out, int *present, dl_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, m);

	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
		return dl_fspec_colerr(p, i, e, "%s must be an integer", m);
	if (v->valuedouble < lo || v->valuedouble > hi)
		return dl_fspec_colerr(p, i, e, "%s must be in [%.0f, %.0f], not %.17g", m, lo, hi,
			      v->valuedouble);
	*out = (int64_t)v->valuedouble;
	return 0;
}

static int get_str(const struct parse *p, size_t i, const cJSON *o, const char *m,
		   const char **out, int required, dl_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, m);

	*out = NULL;
	if (!v) {
		if (required)
			return dl_fspec_colerr(p, i, e, "%s is missing", m);
		return 0;
	}
	if (!cJSON_IsString(v) || !*v->valuestring)
		return dl_fspec_colerr(p, i, e, "%s must be a non-empty string", m);
	if (!dl_fspec_valid_name(v->valuestring))
		return dl_fspec_colerr(p, i, e, "%s is not valid UTF-8", m);
	*out = v->valuestring;
	return 0;
}

static int choice(const struct parse *p, size_t i, const cJSON *o, const char *m,
		  const char *const *names, int n, int dflt, int *out, dl_err *e)
{
	const char *s;

	if (get_str(p, i, o, m, &s, 0, e))
		return -1;
	*out = dflt;
	if (!s)
		return 0;
	for (int k = 0; k < n; k++)
		if (!strcmp(s, names[k])) {
			*out = k;
			return 0;
		}
	return dl_fspec_colerr(p, i, e, "%s: '%s' is not one of the choices (see man dl-features)", m, s);
}

size_t dl_fspec_add_key(dl_fspec *s, const char *name)
{
	for (size_t k = 0; k < s->nkeys; k++)
		if (!strcmp(s->keys[k], name))
			return k;
	s->keys = dl_reallocarray(s->keys, s->nkeys + 1, sizeof *s->keys);
	s->keys[s->nkeys] = dl_strdup(name);
	return s->nkeys++;
}

static int need_key(struct parse *p, size_t i, const cJSON *o, dl_err *e)
{
	const char *k;

	if (get_str(p, i, o, "key", &k, 1, e))
		return -1;
	p->s->col[i].key = dl_fspec_add_key(p->s, k);
	p->s->col[i].has_key = 1;
	p->keyname[i] = k;
	return 0;
}

/* A vocabulary entry as text: strings as they are, integers as decimal. */
static int vocab_entry(const cJSON *v, char *buf, size_t size, const char **s)
{
	if (cJSON_IsString(v)) {
		*s = v->valuestring;
		return 0;
	}
	if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) < 9007199254740992.0) {
		snprintf(buf, size, "%.0f", v->valuedouble);
		*s = buf;
		return 0;
	}
	return -1;
}

static int parse_vocab_list(struct parse *p, size_t i, const cJSON *o, dl_err *e)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "vocabulary_list"), *v;
	dl_fcol *c = &p->s->col[i];
	char buf[32];
	const char *s;

	if (!cJSON_IsArray(a) || !cJSON_GetArraySize(a))
		return dl_fspec_colerr(p, i, e, "vocabulary_list must be a non-empty array");
	cJSON_ArrayForEach(v, a) {
		if (vocab_entry(v, buf, sizeof buf, &s))
			return dl_fspec_colerr(p, i, e, "vocabulary_list holds something that is neither "
				      "a string nor an integer");
		if (dl_vocab_find(&c->vocab, s, strlen(s)) >= 0)
			return dl_fspec_colerr(p, i, e, "vocabulary_list has '%s' twice", s);
		dl_vocab_add(&c->vocab, s, strlen(s));
	}
	return 0;
}

/* Reads a vocabulary file: one entry a line (a '\r' before the '\n' is dropped). */
static int read_vocab_file(struct parse *p, size_t i, dl_err *e)
{
	dl_fcol *c = &p->s->col[i];
	dl_err ie;
	dl_buf path = { 0 };

	if (p->base && c->vocab_file[0] != '/')
		dl_buf_printf(&path, "%s/", p->base);
	dl_buf_printf(&path, "%s%c", c->vocab_file, '\0');
	dl_in *in = dl_in_open((const char *)path.data, 0, &ie);
	dl_buf_free(&path);
	char *line;
	ptrdiff_t n;

	if (!in)
		return dl_fspec_colerr(p, i, e, "vocabulary_file: %s", ie.msg);
	for (;;) {
		if (c->vocab_size >= 0 && (int64_t)c->vocab.n >= c->vocab_size)
			break;
		n = dl_in_getline(in, &line, &ie);
		if (n < 0) {
			dl_in_close(in);
			return dl_fspec_colerr(p, i, e, "vocabulary_file: %s", ie.msg);
		}
		if (!n && !line)
			break;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (dl_vocab_find(&c->vocab, line, (size_t)n) >= 0) {
			uint64_t ln = dl_in_lineno(in);
			int show = n > 60 ? 60 : (int)n;
			dl_fspec_colerr(p, i, e, "%s:%llu: '%.*s' is in the vocabulary twice", c->vocab_file,
			       (unsigned long long)ln, show, line);
			dl_in_close(in);
			return -1;
		}
		dl_vocab_add(&c->vocab, line, (size_t)n);
	}
	dl_in_close(in);
	if (!c->vocab.n)
		return dl_fspec_colerr(p, i, e, "vocabulary_file %s is empty", c->vocab_file);
	if (c->vocab_size >= 0 && (int64_t)c->vocab.n < c->vocab_size)
		return dl_fspec_colerr(p, i, e, "vocabulary_file %s has %zu entries, vocabulary_size is "
			      "%lld", c->vocab_file, c->vocab.n, (long long)c->vocab_size);
	return 0;
}

static int parse_vocab_common(struct parse *p, size_t i, const cJSON *o, dl_err *e)
{
	dl_fcol *c = &p->s->col[i];
	int64_t v = 0;

	if (get_int(p, i, o, "num_oov_buckets", 0, 1e9, &v, NULL, e))
		return -1;
	c->num_oov = (uint64_t)v;
	c->default_id = -1;
	if (get_int(p, i, o, "default_value", -1, 1e12, &c->default_id, &c->has_default_id, e))
		return -1;
	if (c->has_default_id && c->num_oov)
		return dl_fspec_colerr(p, i, e, "give default_value or num_oov_buckets, not both");
	return 0;
}

static int parse_numeric(struct parse *p, size_t i, const cJSON *o, dl_err *e)
{
	static const char *const norms[] = { "none", "zscore", "minmax" };
	dl_fcol *c = &p->s->col[i];
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "default_value");
	int n;

	if (need_key(p, i, o, e) || choice(p, i, o, "normalizer", norms, 3, 0, &n, e))
		return -1;
	c->norm = (enum dl_fc_norm)n;
	if (d) {
		if (!cJSON_IsNumber(d))
			return dl_fspec_colerr(p, i, e, "default_value must be a number");
		c->has_default = 1;
		c->default_value = d->valuedouble;
	}
	return 0;
}

static int parse_bucketized(struct parse *p, size_t i, const cJSON *o, dl_err *e)
{
	dl_fcol *c = &p->s->col[i];
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "boundaries"), *v;
	int64_t q = 0;
	int hasq;

	if (get_str(p, i, o, "source", &p->ref[i], 1, e) ||
	    get_int(p, i, o, "quantiles", 2, 1e6, &q, &hasq, e))
		return -1;
	if (!b == !hasq)
		return dl_fspec_colerr(p, i, e, "give boundaries or quantiles (one of them)");
	c->quantiles = (size_t)q;
	if (!b)
		return 0;
	if (!cJSON_IsArray(b) || !cJSON_GetArraySize(b))
		return dl_fspec_colerr(p, i, e, "boundaries must be a non-empty array of numbers");
	c->bounds = dl_mallocarray((size_t)cJSON_GetArraySize(b), sizeof *c->bounds);
	cJSON_ArrayForEach(v, b) {
		if (!cJSON_IsNumber(v))
			return dl_fspec_colerr(p, i, e, "boundaries must be numbers");
		if (c->nbounds && !(v->valuedouble > c->bounds[c->nbounds - 1]))
			return dl_fspec_colerr(p, i, e, "boundaries must be sorted and distinct "
				      "(%.17g after %.17g)", v->valuedouble, c->bounds[c->nbounds - 1]);
		c->bounds[c->nbounds++] = v->valuedouble;
	}
	return 0;
}

static int parse_hash_key(struct parse *p, size_t i, const cJSON *o, dl_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "hash_key");
	dl_fcol *c = &p->s->col[i];
	char *end;

	c->hash_key = DL_CROSS_HASH_KEY;
	if (!v)
		return 0;
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 9007199254740992.0 &&
	    v->valuedouble == floor(v->valuedouble)) {
		c->hash_key = (uint64_t)v->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v) && *v->valuestring && v->valuestring[0] != '-') {
		errno = 0;
		c->hash_key = strtoull(v->valuestring, &end, 0);
		if (!errno && !*end)
			return 0;
	}
	return dl_fspec_colerr(p, i, e, "hash_key must be an integer (a string for values beyond 2^53, "
		      "decimal or 0x hex)");
}

static int parse_crossed(struct parse *p, size_t i, const cJSON *o, dl_err *e)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "keys"), *v;
	dl_fcol *c = &p->s->col[i];
	int64_t b = 0;
	int has;

	if (!cJSON_IsArray(k) || cJSON_GetArraySize(k) < 2 || cJSON_GetArraySize(k) > 64)
		return dl_fspec_colerr(p, i, e, "keys must be an array of 2 to 64 names");
	cJSON_ArrayForEach(v, k)
		if (!cJSON_IsString(v) || !*v->valuestring || !dl_fspec_valid_name(v->valuestring))
			return dl_fspec_colerr(p, i, e, "keys must be non-empty strings of valid UTF-8");
	if (get_int(p, i, o, "hash_bucket_size", 1, 9.2e18, &b, &has, e) ||
	    parse_hash_key(p, i, o, e))
		return -1;
	if (!has)
		return dl_fspec_colerr(p, i, e, "hash_bucket_size is missing");
	c->buckets = (uint64_t)b;
	c->num_buckets = b;
	p->keys[i] = k;
	return 0;
}

static int parse_rolling(struct parse *p, size_t i, const cJSON *o, dl_err *e)
{
	static const char *const ops[] = { "max", "min", "mean", "sum" };
	dl_fcol *c = &p->s->col[i];
	const char *g;
	int64_t w = 0;
	int op, has;

	if (need_key(p, i, o, e) || choice(p, i, o, "op", ops, 4, -1, &op, e) ||
	    get_int(p, i, o, "window", 1, 1e7, &w, &has, e) || get_str(p, i, o, "group_by", &g, 0, e))
		return -1;
	if (op < 0)
		return dl_fspec_colerr(p, i, e, "op is missing (max, min, mean or sum)");
	if (!has)
		return dl_fspec_colerr(p, i, e, "window is missing");
	c->op = (enum dl_window_op)op;
	c->window = (size_t)w;
	if (g) {
		c->group_key = dl_fspec_add_key(p->s, g);
		c->has_group = 1;
	}
	return 0;
}

/* The members of column i's own type; references are left for resolve(). */
static int parse_members(struct parse *p, size_t i, const cJSON *o, dl_err *e)
{
	dl_fcol *c = &p->s->col[i];
	int64_t v = 0;
	int has;

	switch (c->type) {
	case DL_FC_NUMERIC: return parse_numeric(p, i, o, e);
	case DL_FC_BUCKETIZED: return parse_bucketized(p, i, o, e);
	case DL_FC_VOCAB_LIST:
		if (need_key(p, i, o, e) || parse_vocab_list(p, i, o, e) ||
		    parse_vocab_common(p, i, o, e))
			return -1;
		c->num_buckets = (int64_t)(c->vocab.n + c->num_oov);
		return 0;
	case DL_FC_VOCAB_FILE: {
		const char *f;
		c->vocab_size = -1;
		if (need_key(p, i, o, e) || get_str(p, i, o, "vocabulary_file", &f, 1, e) ||
		    get_int(p, i, o, "vocabulary_size", 1, 1e9, &c->vocab_size, NULL, e) ||
		    parse_vocab_common(p, i, o, e))
			return -1;
		c->vocab_file = dl_strdup(f);
		if (p->read_files && read_vocab_file(p, i, e))
			return -1;
		c->num_buckets = (int64_t)(c->vocab.n + c->num_oov);
		return 0;
	}
	case DL_FC_VOCAB:
		if (need_key(p, i, o, e) || get_int(p, i, o, "top_k", 0, 1e9, &v, NULL, e))
			return -1;
		c->top_k = (size_t)v;
		v = 1;
		if (get_int(p, i, o, "min_count", 1, 9e15, &v, NULL, e))
			return -1;
		c->min_count = (uint64_t)v;
		return parse_vocab_common(p, i, o, e);
	case DL_FC_HASH:
		if (need_key(p, i, o, e) ||
		    get_int(p, i, o, "hash_bucket_size", 1, 9.2e18, &v, &has, e))
			return -1;
		if (!has)
			return dl_fspec_colerr(p, i, e, "hash_bucket_size is missing");
		c->buckets = (uint64_t)v;
		c->num_buckets = v;
		return 0;
	case DL_FC_IDENTITY:
		if (need_key(p, i, o, e) || get_int(p, i, o, "num_buckets", 1, 9.2e18, &v, &has, e))
			return -1;
		if (!has)
			return dl_fspec_colerr(p, i, e, "num_buckets is missing");
		c->buckets = (uint64_t)v;
		c->num_buckets = v;
		if (get_int(p, i, o, "default_value", 0, (double)v - 1, &c->default_id,
			    &c->has_default_id, e))
			return -1;
		return 0;
	case DL_FC_CROSSED: return parse_crossed(p, i, o, e);
	case DL_FC_EMBEDDING: {
		static const char *const comb[] = { "mean", "sum", "sqrtn" };
		int k;
		if (get_int(p, i, o, "dimension", 1, 1e6, &v, &has, e) ||
		    choice(p, i, o, "combiner", comb, 3, 0, &k, e))
			return -1;
		if (!has)
			return dl_fspec_colerr(p, i, e, "dimension is missing");
		c->dimension = (int)v;
		c->combiner = dl_strdup(comb[k]);
		break;
	}
	case DL_FC_WEIGHTED: {
		const char *w;
		if (get_str(p, i, o, "weight_feature_key", &w, 1, e))
			return -1;
		c->key = dl_fspec_add_key(p->s, w);
		c->has_key = 1;
		p->keyname[i] = w;
		break;
	}
	case DL_FC_ROLLING: return parse_rolling(p, i, o, e);
	default: break;
	}
	return get_str(p, i, o, "categorical_column", &p->ref[i], 1, e);
}

static int check_members(const struct parse *p, size_t i, const cJSON *o, dl_err *e)
{
	const char *list = members[p->s->col[i].type];
	const cJSON *m;

	cJSON_ArrayForEach(m, o) {
		const char *k = m->string, *at;
		size_t n = strlen(k);
		if (!strcmp(k, "type") || !strcmp(k, "name") || !strcmp(k, "emit") ||
		    !strcmp(k, "comment"))
			continue;
		for (at = n ? strstr(list, k) : NULL; at; at = strstr(at + 1, k))
			if ((at == list || at[-1] == ' ') && (at[n] == ' ' || !at[n]))
				break;
		if (!at)
			return dl_fspec_colerr(p, i, e, "'%s' is not a member of a %s column (it takes: %s)",
				      k, type_names[p->s->col[i].type], list);
	}
	return 0;
}

static int parse_column(struct parse *p, size_t i, const cJSON *o, dl_err *e)
{
	dl_fcol *c = &p->s->col[i];
	const cJSON *t, *n, *em;
	int k;

	if (!cJSON_IsObject(o))
		return dl_fspec_colerr(p, i, e, "a column must be a JSON object");
	n = cJSON_GetObjectItemCaseSensitive(o, "name");
	if (n) {
		if (!cJSON_IsString(n) || !*n->valuestring || !dl_fspec_valid_name(n->valuestring))
			return dl_fspec_colerr(p, i, e, "name must be a non-empty string of valid UTF-8");
		c->name = dl_strdup(n->valuestring);
	}
	t = cJSON_GetObjectItemCaseSensitive(o, "type");
	if (!cJSON_IsString(t))
		return dl_fspec_colerr(p, i, e, "type is missing (numeric, bucketized, "
			      "categorical_with_vocabulary_list, ...)");
	for (k = 0; k < DL_FC_NTYPES && strcmp(t->valuestring, type_names[k]); k++)
		;
	if (k == DL_FC_NTYPES)
		return dl_fspec_colerr(p, i, e, "unknown type '%s' (see man dl-features for the types)",
			      t->valuestring);
	c->type = (enum dl_fc_type)k;
	c->level = levels[k];
	em = cJSON_GetObjectItemCaseSensitive(o, "emit");
	if (em && !cJSON_IsBool(em))
		return dl_fspec_colerr(p, i, e, "emit must be true or false");
	p->emit[i] = em ? (cJSON_IsTrue(em) ? 1 : 0) : -1;
	if (check_members(p, i, o, e))
		return -1;
	return parse_members(p, i, o, e);
}

static void parse_free(struct parse *p)
{
	dl_free(p->ref);
	dl_free(p->keys);
	dl_free(p->keyname);
	dl_free(p->emit);
}

dl_fspec *dl_fspec_from_json(const cJSON *root, int read_files, const char *base, dl_err *e)
{
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(root, "columns"), *m;
	struct parse p = { 0 };
	dl_fspec *s = dl_calloc(1, sizeof *s);
	size_t n, i = 0;

	if (!cJSON_IsObject(root)) {
		dl_errf(e, "the spec must be a JSON object with \"columns\"");
		goto fail;
	}
	cJSON_ArrayForEach(m, root) {
		if (strcmp(m->string, "columns") && strcmp(m->string, "passthrough") &&
		    strcmp(m->string, "comment")) {
			dl_errf(e, "'%s' is not a member of a spec (it takes columns, passthrough, "
				"comment)", m->string);
			goto fail;
		}
	}
	if (!cJSON_IsArray(cols) || !cJSON_GetArraySize(cols)) {
		dl_errf(e, "the spec has no \"columns\" (a non-empty array)");
		goto fail;
	}
	n = (size_t)cJSON_GetArraySize(cols);
	s->col = dl_calloc(n, sizeof *s->col);
	s->ncol = n;
	for (size_t k = 0; k < n; k++)
		dl_vocab_init(&s->col[k].vocab);
	p.s = s;
	p.read_files = read_files;
	p.base = base;
	p.ref = dl_calloc(n, sizeof *p.ref);
	p.keys = dl_calloc(n, sizeof *p.keys);
	p.keyname = dl_calloc(n, sizeof *p.keyname);
	p.emit = dl_calloc(n, sizeof *p.emit);
	cJSON_ArrayForEach(m, cols)
		if (parse_column(&p, i++, m, e))
			goto fail;
	if (dl_fspec_resolve(&p, e) ||
	    dl_fspec_passthrough(s, cJSON_GetObjectItemCaseSensitive(root, "passthrough"), e))
		goto fail;
	s->spec_json = cJSON_PrintUnformatted(root);
	if (!s->spec_json) {
		dl_errf(e, "out of memory printing the spec");
		goto fail;
	}
	s->fingerprint = dl_fingerprint64(s->spec_json, strlen(s->spec_json));
	parse_free(&p);
	return s;
fail:
	parse_free(&p);
	dl_fspec_free(s);
	return NULL;
}

static dl_fspec *parse_in(const char *text, size_t len, const char *base, dl_err *e)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	dl_fspec *s;

	if (!root) {
		size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
		dl_errf(e, "not valid JSON (near byte %zu)", off);
		return NULL;
	}
	s = dl_fspec_from_json(root, 1, base, e);
	cJSON_Delete(root);
	return s;
}

dl_fspec *dl_fspec_parse(const char *text, size_t len, dl_err *e)
{
	return parse_in(text, len, NULL, e);
}

/* Reads a whole file for a parser, naming it in errors. */
char *dl_fspec_slurp(const char *path, size_t *len, dl_err *e)
{
	dl_in *in = dl_in_open(path, 0, e);
	char *text;

	if (!in)
		return NULL;
	text = (char *)dl_in_slurp(in, len, e);
	dl_in_close(in);
	return text;
}

dl_fspec *dl_fspec_load(const char *path, dl_err *e)
{
	size_t len;
	char *text = dl_fspec_slurp(path, &len, e);
	dl_fspec *s;
	dl_err pe;

	if (!text)
		return NULL;
	/* Vocabulary files are found next to the spec. */
	const char *slash = path ? strrchr(path, '/') : NULL;
	char *base = slash ? dl_strndup(path, (size_t)(slash - path) + (slash == path)) : NULL;
	s = parse_in(text, len, base, &pe);
	dl_free(base);
	dl_free(text);
	if (!s)
		dl_errf(e, "%s: %s", path && strcmp(path, "-") ? path : "(stdin)", pe.msg);
	return s;
}

void dl_fspec_free(dl_fspec *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ncol; i++) {
		dl_fcol *c = &s->col[i];
		dl_free(c->name);
		dl_free(c->bounds);
		dl_vocab_free(&c->vocab);
		dl_free(c->vocab_file);
		dl_free(c->cross);
		dl_free(c->combiner);
		dl_free(c->weight_name);
	}
	dl_free(s->col);
	for (size_t k = 0; k < s->nkeys; k++)
		dl_free(s->keys[k]);
	dl_free(s->keys);
	dl_free(s->pass);
	if (s->spec_json)
		cJSON_free(s->spec_json);
	dl_free(s);
}

int dl_fcol_needs_fit(const dl_fspec *s, size_t i)
{
	const dl_fcol *c = &s->col[i];

	switch (c->type) {
	case DL_FC_NUMERIC: return c->norm != DL_NORM_NONE;
	case DL_FC_BUCKETIZED: return c->quantiles != 0;
	case DL_FC_VOCAB: return 1;
	default: return 0;
	}
}
