/*
 * spec.c — the JSON model spec of nn/model.h: parsing with a message that names the field,
 * and the canonical form stored in checkpoints.
 *
 *   {"type": "mlp", "layers": [64, 256, 10], "activation": "relu", "dropout": 0,
 *    "loss": "softmax"}
 *   {"type": "gpt", "n_layer": 4, "n_head": 4, "n_embd": 128, "block_size": 128,
 *    "vocab_size": 256, "tie_weights": true, "bias": true, "dropout": 0}
 *
 * Sizes are integers in [1, DL_SPEC_MAX_DIM]; a model whose parameter count or activation
 * arena would not fit in memory is refused later, when it is laid out.
 */
#include "config.h"
#include "nn/model.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

struct field {
	const char *key;
	int mlp, gpt;           /* allowed in that family */
};

static const struct field fields[] = {
	{ "type", 1, 1 },        { "layers", 1, 0 },     { "activation", 1, 0 },
	{ "loss", 1, 0 },        { "dropout", 1, 1 },    { "n_layer", 0, 1 },
	{ "n_head", 0, 1 },      { "n_embd", 0, 1 },     { "block_size", 0, 1 },
	{ "vocab_size", 0, 1 },  { "tie_weights", 0, 1 }, { "bias", 0, 1 },
};

static const char *const act_names[] = { "relu", "gelu", "gelu_tanh", "silu" };
static const char *const loss_names[] = { "softmax", "mse", "bce" };

/* A size field: an integer in [1, DL_SPEC_MAX_DIM]. */
static int get_size(const cJSON *v, const char *what, const char *name, size_t *out, dl_err *e)
{
	if (!cJSON_IsNumber(v))
		return dl_errf(e, "%s: field '%s' must be a number", name, what);
	double d = v->valuedouble;
	if (!(d >= 1 && d <= DL_SPEC_MAX_DIM) || d != floor(d))
		return dl_errf(e, "%s: field '%s': %g is not an integer in [1, %d]", name, what, d,
			       DL_SPEC_MAX_DIM);
	*out = (size_t)d;
	return 0;
}

static int get_name(const cJSON *v, const char *what, const char *name,
		    const char *const *names, int n, int *out, dl_err *e)
{
	if (!cJSON_IsString(v))
		return dl_errf(e, "%s: field '%s' must be a string", name, what);
	for (int i = 0; i < n; i++)
		if (strcmp(v->valuestring, names[i]) == 0) {
			*out = i;
			return 0;
		}
	char list[128] = "";
	for (int i = 0; i < n; i++) {
		strcat(list, i ? ", " : "");
		strcat(list, names[i]);
	}
	return dl_errf(e, "%s: field '%s': unknown value '%.64s' (one of %s)", name, what,
		       v->valuestring, list);
}

static int get_bool(const cJSON *v, const char *what, const char *name, int *out, dl_err *e)
{
	if (!cJSON_IsBool(v))
		return dl_errf(e, "%s: field '%s' must be true or false", name, what);
	*out = cJSON_IsTrue(v);
	return 0;
}

static int parse_mlp(dl_spec *s, const cJSON *root, const char *name, dl_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "layers");
	if (!v)
		return dl_errf(e, "%s: field 'layers' is missing (the widths, input first)", name);
	if (!cJSON_IsArray(v))
		return dl_errf(e, "%s: field 'layers' must be an array of widths", name);
	int n = cJSON_GetArraySize(v);
	if (n < 2 || n > DL_MLP_MAX_SIZES)
		return dl_errf(e, "%s: field 'layers' has %d widths (2 to %d: input, hidden..., "
			       "output)", name, n, DL_MLP_MAX_SIZES);
	s->nsizes = (size_t)n;
	int i = 0;
	for (const cJSON *w = v->child; w; w = w->next, i++) {
		char what[32];
		snprintf(what, sizeof what, "layers[%d]", i);
		if (get_size(w, what, name, &s->sizes[i], e))
			return -1;
	}
	s->act = DL_ACT_RELU;
	s->loss = DL_LOSS_SOFTMAX;
	int k;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "activation"))) {
		if (get_name(v, "activation", name, act_names, 4, &k, e))
			return -1;
		s->act = (enum dl_act)k;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "loss"))) {
		if (get_name(v, "loss", name, loss_names, 3, &k, e))
			return -1;
		s->loss = (enum dl_loss_kind)k;
	}
	size_t out = s->sizes[s->nsizes - 1];
	if (s->loss == DL_LOSS_SOFTMAX && out < 2)
		return dl_errf(e, "%s: field 'layers': a softmax output needs at least 2 classes, "
			       "not %zu (use \"loss\": \"bce\" for one output)", name, out);
	return 0;
}

static int parse_gpt(dl_spec *s, const cJSON *root, const char *name, dl_err *e)
{
	static const char *const req[] = { "n_layer", "n_head", "n_embd", "block_size",
					   "vocab_size" };
	size_t *dst[] = { &s->n_layer, &s->n_head, &s->n_embd, &s->block_size, &s->vocab_size };
	for (int i = 0; i < 5; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, req[i]);
		if (!v)
			return dl_errf(e, "%s: field '%s' is missing", name, req[i]);
		if (get_size(v, req[i], name, dst[i], e))
			return -1;
	}
	if (s->n_embd % s->n_head)
		return dl_errf(e, "%s: field 'n_embd': %zu is not a multiple of n_head (%zu)", name,
			       s->n_embd, s->n_head);
	if (s->n_layer > 1024)
		return dl_errf(e, "%s: field 'n_layer': %zu layers is more than 1024", name,
			       s->n_layer);
	if (s->vocab_size > INT32_MAX / 2)
		return dl_errf(e, "%s: field 'vocab_size' is too large", name);
	s->tie_weights = 1;
	s->bias = 1;
	const cJSON *v;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "tie_weights")) &&
	    get_bool(v, "tie_weights", name, &s->tie_weights, e))
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "bias")) &&
	    get_bool(v, "bias", name, &s->bias, e))
		return -1;
	return 0;
}

/* Every key must be known, allowed in this family, and given once. */
static int check_keys(const cJSON *root, enum dl_model_kind kind, const char *name, dl_err *e)
{
	for (const cJSON *c = root->child; c; c = c->next) {
		const struct field *f = NULL;
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
			if (c->string && strcmp(c->string, fields[i].key) == 0)
				f = &fields[i];
		if (!f)
			return dl_errf(e, "%s: unknown field '%.64s'", name, c->string ? c->string : "");
		if (kind == DL_MODEL_MLP ? !f->mlp : !f->gpt)
			return dl_errf(e, "%s: field '%s' does not apply to a %s model", name, f->key,
				       kind == DL_MODEL_MLP ? "mlp" : "gpt");
		for (const cJSON *d = c->next; d; d = d->next)
			if (d->string && strcmp(d->string, c->string) == 0)
				return dl_errf(e, "%s: field '%s' is given twice", name, c->string);
	}
	return 0;
}

/* Whether brackets or a string are left open at the end of text: a file cut short. */
static int unclosed(const char *text, size_t n)
{
	int depth = 0, str = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = text[i];
		if (str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				str = 0;
		} else if (ch == '"') {
			str = 1;
		} else if (ch == '{' || ch == '[') {
			depth++;
		} else if (ch == '}' || ch == ']') {
			depth--;
		}
	}
	return str || depth > 0;
}

/* Line and column of byte offset off in text, for syntax errors. */
static void where(const char *text, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static int parse_root(dl_spec *s, const cJSON *root, const char *name, dl_err *e)
{
	if (!cJSON_IsObject(root))
		return dl_errf(e, "%s: a spec is a JSON object", name);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "type");
	if (!t)
		return dl_errf(e, "%s: field 'type' is missing (\"mlp\" or \"gpt\")", name);
	static const char *const kinds[] = { "mlp", "gpt" };
	int k;
	if (get_name(t, "type", name, kinds, 2, &k, e))
		return -1;
	s->kind = (enum dl_model_kind)k;
	if (check_keys(root, s->kind, name, e))
		return -1;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "dropout");
	if (v) {
		if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble < 1))
			return dl_errf(e, "%s: field 'dropout' must be a number in [0, 1)", name);
		s->dropout = (float)v->valuedouble;
	}
	return s->kind == DL_MODEL_MLP ? parse_mlp(s, root, name, e) : parse_gpt(s, root, name, e);
}

int dl_spec_parse(dl_spec *s, const char *json, size_t n, const char *name, dl_err *e)
{
	memset(s, 0, sizeof *s);
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(json, n, &end, 0);
	if (!root) {
		size_t off = end && end >= json && end <= json + n ? (size_t)(end - json) : 0;
		size_t line, col;
		where(json, off, &line, &col);
		if (off >= n || unclosed(json, n))
			return dl_errf(e, "%s: the JSON ends too early (cut short?)", name);
		return dl_errf(e, "%s:%zu:%zu: invalid JSON", name, line, col);
	}
	/* Only white space may follow the object. */
	for (const char *p = end; p && p < json + n; p++)
		if (!*p || !strchr(" \t\r\n", *p)) {
			cJSON_Delete(root);
			size_t line, col;
			where(json, (size_t)(p - json), &line, &col);
			return dl_errf(e, "%s:%zu:%zu: text after the spec", name, line, col);
		}
	int rc = parse_root(s, root, name, e);
	cJSON_Delete(root);
	if (rc)
		memset(s, 0, sizeof *s);
	return rc;
}

char *dl_spec_json(const dl_spec *s)
{
	dl_buf b = { 0 };
	char drop[32];
	snprintf(drop, sizeof drop, "%.9g", (double)s->dropout);
	if (s->kind == DL_MODEL_MLP) {
		dl_buf_puts(&b, "{\"type\":\"mlp\",\"layers\":[");
		for (size_t i = 0; i < s->nsizes; i++)
			dl_buf_printf(&b, "%s%zu", i ? "," : "", s->sizes[i]);
		dl_buf_printf(&b, "],\"activation\":\"%s\",\"loss\":\"%s\",\"dropout\":%s}",
			      act_names[s->act], loss_names[s->loss], drop);
	} else {
		dl_buf_printf(&b, "{\"type\":\"gpt\",\"n_layer\":%zu,\"n_head\":%zu,\"n_embd\":%zu,"
			      "\"block_size\":%zu,\"vocab_size\":%zu,\"tie_weights\":%s,"
			      "\"bias\":%s,\"dropout\":%s}", s->n_layer, s->n_head, s->n_embd,
			      s->block_size, s->vocab_size, s->tie_weights ? "true" : "false",
			      s->bias ? "true" : "false", drop);
	}
	dl_buf_putc(&b, '\0');
	return (char *)b.data;
}
