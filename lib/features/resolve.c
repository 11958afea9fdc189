/*
 * resolve.c — the second step of parsing a spec (spec.c is the first): columns get their
 * names (TensorFlow's defaults: "age_bucketized", "a_X_b" of the keys' names sorted,
 * "c_indicator", ...) and their references to other columns are resolved, level by level
 * (spec.h), so that a default name is built from names already known and no reference can
 * form a cycle; the passthrough keys are read last. A column that another one uses is not
 * emitted unless the spec says "emit": true.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/alloc.h"
#include "features/specpriv.h"

static int is_categorical(enum dl_fc_type t)
{
	return t == DL_FC_BUCKETIZED || t == DL_FC_VOCAB_LIST || t == DL_FC_VOCAB_FILE ||
	       t == DL_FC_VOCAB || t == DL_FC_HASH || t == DL_FC_IDENTITY || t == DL_FC_CROSSED;
}

static ssize_t find_named(const dl_fspec *s, const char *name)
{
	for (size_t j = 0; j < s->ncol; j++)
		if (s->col[j].name && !strcmp(s->col[j].name, name))
			return (ssize_t)j;
	return -1;
}

/* Column j, named ref, as used by column i: it must be on a lower level. */
static int usable(const struct parse *p, size_t i, const char *ref, ssize_t *j, dl_err *e)
{
	*j = find_named(p->s, ref);
	if (*j >= 0 && p->s->col[*j].level >= p->s->col[i].level)
		return dl_fspec_colerr(p, i, e, "cannot use column '%s' (a %s column)", ref,
			      dl_fc_type_name(p->s->col[*j].type));
	return 0;
}

static int resolve_bucketized(struct parse *p, size_t i, dl_err *e)
{
	dl_fcol *c = &p->s->col[i];
	ssize_t j;

	if (usable(p, i, p->ref[i], &j, e))
		return -1;
	if (j >= 0 && p->s->col[j].type != DL_FC_NUMERIC)
		return dl_fspec_colerr(p, i, e, "source '%s' is a %s column, not a numeric one", p->ref[i],
			      dl_fc_type_name(p->s->col[j].type));
	if (j >= 0) {
		c->source = (size_t)j;
		p->s->col[j].emit = p->emit[j] == 1;
	} else {
		/* A raw key: read as a numeric column without normalizer would read it. */
		c->source = SIZE_MAX;
		c->key = dl_fspec_add_key(p->s, p->ref[i]);
		c->has_key = 1;
	}
	c->num_buckets = c->quantiles ? (int64_t)c->quantiles : (int64_t)c->nbounds + 1;
	return 0;
}

static int resolve_crossed(struct parse *p, size_t i, dl_err *e)
{
	dl_fcol *c = &p->s->col[i];
	const cJSON *v;
	size_t k = 0;

	c->ncross = (size_t)cJSON_GetArraySize(p->keys[i]);
	c->cross = dl_calloc(c->ncross, sizeof *c->cross);
	cJSON_ArrayForEach(v, p->keys[i]) {
		ssize_t j;
		if (usable(p, i, v->valuestring, &j, e))
			return -1;
		if (j < 0) {
			c->cross[k].index = dl_fspec_add_key(p->s, v->valuestring);
		} else {
			enum dl_fc_type t = p->s->col[j].type;
			if (t == DL_FC_NUMERIC)
				return dl_fspec_colerr(p, i, e, "'%s' is a numeric column: cross a bucketized "
					      "column of it instead", v->valuestring);
			if (t == DL_FC_HASH)
				return dl_fspec_colerr(p, i, e, "'%s' is a hashed column: cross its raw key "
					      "instead (hashing before crossing adds collisions)",
					      v->valuestring);
			if (!is_categorical(t))
				return dl_fspec_colerr(p, i, e, "'%s' is a %s column, not a categorical one",
					      v->valuestring, dl_fc_type_name(t));
			c->cross[k].is_column = 1;
			c->cross[k].index = (size_t)j;
			p->s->col[j].emit = p->emit[j] == 1;
		}
		k++;
	}
	return 0;
}

static int resolve_user(struct parse *p, size_t i, dl_err *e)
{
	dl_fcol *c = &p->s->col[i];
	ssize_t j;

	if (usable(p, i, p->ref[i], &j, e))
		return -1;
	if (j < 0)
		return dl_fspec_colerr(p, i, e, "categorical_column '%s' is not a column of the spec",
			      p->ref[i]);
	if (!is_categorical(p->s->col[j].type))
		return dl_fspec_colerr(p, i, e, "categorical_column '%s' is a %s column, not a categorical "
			      "one", p->ref[i], dl_fc_type_name(p->s->col[j].type));
	c->cat = (size_t)j;
	c->num_buckets = p->s->col[j].num_buckets;
	p->s->col[j].emit = p->emit[j] == 1;
	if (c->type == DL_FC_INDICATOR && c->num_buckets > (1 << 22))
		return dl_fspec_colerr(p, i, e, "an indicator of %lld buckets is too wide (at most 2^22; "
			      "use an embedding)", (long long)c->num_buckets);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* TensorFlow's default names. */
static void default_name(struct parse *p, size_t i)
{
	dl_fcol *c = &p->s->col[i];
	dl_buf b = { 0 };

	switch (c->type) {
	case DL_FC_BUCKETIZED: dl_buf_printf(&b, "%s_bucketized", p->ref[i]); break;
	case DL_FC_CROSSED: {
		/* '_X_'.join(sorted(names of the keys)) */
		char **names = dl_mallocarray(c->ncross, sizeof *names);
		for (size_t k = 0; k < c->ncross; k++)
			names[k] = c->cross[k].is_column ? p->s->col[c->cross[k].index].name :
							   p->s->keys[c->cross[k].index];
		qsort(names, c->ncross, sizeof *names, cmp_str);
		for (size_t k = 0; k < c->ncross; k++)
			dl_buf_printf(&b, "%s%s", k ? "_X_" : "", names[k]);
		dl_free(names);
		break;
	}
	case DL_FC_INDICATOR: dl_buf_printf(&b, "%s_indicator", p->ref[i]); break;
	case DL_FC_EMBEDDING: dl_buf_printf(&b, "%s_embedding", p->ref[i]); break;
	case DL_FC_WEIGHTED:
		dl_buf_printf(&b, "%s_weighted_by_%s", p->ref[i], p->keyname[i]);
		break;
	case DL_FC_ROLLING:
		dl_buf_printf(&b, "%s_rolling_%s_%zu", p->keyname[i],
			      c->op == DL_WINDOW_MAX ? "max" : c->op == DL_WINDOW_MIN ? "min" :
			      c->op == DL_WINDOW_MEAN ? "mean" : "sum", c->window);
		if (c->has_group)
			dl_buf_printf(&b, "_by_%s", p->s->keys[c->group_key]);
		break;
	default: dl_buf_puts(&b, p->keyname[i]); break;
	}
	dl_buf_putc(&b, '\0');
	c->name = (char *)b.data;
}

int dl_fspec_resolve(struct parse *p, dl_err *e)
{
	dl_fspec *s = p->s;

	for (size_t i = 0; i < s->ncol; i++)
		s->col[i].emit = 1;
	for (int level = 0; level <= 3; level++) {
		for (size_t i = 0; i < s->ncol; i++) {
			dl_fcol *c = &s->col[i];
			int r = 0;
			if (c->level != level)
				continue;
			if (c->type == DL_FC_BUCKETIZED)
				r = resolve_bucketized(p, i, e);
			else if (c->type == DL_FC_CROSSED)
				r = resolve_crossed(p, i, e);
			else if (level == 3)
				r = resolve_user(p, i, e);
			if (r)
				return -1;
			if (!c->name)
				default_name(p, i);
			if (c->type == DL_FC_WEIGHTED) {
				size_t n = strlen(c->name);
				c->weight_name = dl_malloc(n + 8);
				memcpy(c->weight_name, c->name, n);
				memcpy(c->weight_name + n, "_weight", 8);
			}
		}
	}
	for (size_t i = 0; i < s->ncol; i++) {
		if (p->emit[i] >= 0)
			s->col[i].emit = p->emit[i];
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->col[i].name, s->col[j].name))
				return dl_fspec_colerr(p, i, e, "the name '%s' is taken by column %zu",
					      s->col[i].name, j + 1);
	}
	return 0;
}

int dl_fspec_passthrough(dl_fspec *s, const cJSON *a, dl_err *e)
{
	static const char *const kinds[] = { "bytes", "float", "int64" };
	const cJSON *v;
	size_t i = 0;

	if (!a)
		return 0;
	if (!cJSON_IsArray(a))
		return dl_errf(e, "passthrough must be an array of keys");
	s->pass = dl_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *s->pass);
	cJSON_ArrayForEach(v, a) {
		const cJSON *k = v, *t = NULL;
		enum dl_feature_kind kind = DL_FEATURE_FLOAT;
		if (cJSON_IsObject(v)) {
			k = cJSON_GetObjectItemCaseSensitive(v, "key");
			t = cJSON_GetObjectItemCaseSensitive(v, "type");
		}
		if (!cJSON_IsString(k) || !*k->valuestring || !dl_fspec_valid_name(k->valuestring))
			return dl_errf(e, "passthrough %zu: the key must be a non-empty string of "
				       "valid UTF-8", i + 1);
		if (t) {
			int j;
			for (j = 0; j < 3 && !(cJSON_IsString(t) && !strcmp(t->valuestring, kinds[j]));
			     j++)
				;
			if (j == 3)
				return dl_errf(e, "passthrough %zu ('%s'): type must be float, int64 or "
					       "bytes", i + 1, k->valuestring);
			kind = (enum dl_feature_kind)(j + 1);
		}
		if (find_named(s, k->valuestring) >= 0)
			return dl_errf(e, "passthrough %zu: '%s' is also the name of a column", i + 1,
				       k->valuestring);
		for (size_t j = 0; j < s->npass; j++)
			if (!strcmp(s->keys[s->pass[j].key], k->valuestring))
				return dl_errf(e, "passthrough %zu: '%s' is listed twice", i + 1,
					       k->valuestring);
		s->pass[s->npass].key = dl_fspec_add_key(s, k->valuestring);
		s->pass[s->npass++].kind = kind;
		i++;
	}
	return 0;
}

