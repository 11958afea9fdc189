/*
 * checkpoint.c — dl-train checkpoints in safetensors (nn/model.h): weights under their
 * state_dict names, the optimizer's moments beside them as "optim.m.NAME" / "optim.v.NAME",
 * and string metadata: "format" = "dl-train", "spec", "optim", "optim.step" and the caller's.
 * Loading checks every name and shape against the spec and names what does not fit.
 */
#include "config.h"
#include "nn/model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "nn/safetensors.h"

static const char *const optim_names[] = { "sgd", "adam", "adamw" };

struct dl_ckpt {
	dl_st_file *f;
	dl_spec spec;
	char *path;
};

static void add_slices(dl_st_writer *w, const dl_model *m, const char *prefix,
		       const float *buf)
{
	for (size_t i = 0; i < dl_model_ntensors(m); i++) {
		const dl_param *t = dl_model_tensor(m, i);
		char name[96];
		snprintf(name, sizeof name, "%s%s", prefix, t->name);
		dl_st_add(w, name, DL_ST_F32, t->ndim, t->shape, buf + t->offset);
	}
}

void dl_ckpt_save(const char *path, const dl_model *m, const dl_optim *o,
		  const char *const *meta, size_t nmeta)
{
	dl_st_writer *w = dl_st_writer_new();
	char *spec = dl_spec_json(dl_model_spec(m));
	dl_st_add_meta(w, "format", "dl-train");
	dl_st_add_meta(w, "spec", spec);
	dl_free(spec);
	add_slices(w, m, "", dl_model_params((dl_model *)m));
	if (o) {
		char step[32];
		snprintf(step, sizeof step, "%" PRIu64, o->step);
		dl_st_add_meta(w, "optim", optim_names[o->conf.kind]);
		dl_st_add_meta(w, "optim.step", step);
		if (o->m)
			add_slices(w, m, "optim.m.", o->m);
		if (o->v)
			add_slices(w, m, "optim.v.", o->v);
	}
	for (size_t i = 0; i < nmeta; i++)
		dl_st_add_meta(w, meta[2 * i], meta[2 * i + 1]);
	dl_st_save(w, path);
}

dl_ckpt *dl_ckpt_open(const char *path, const char *spec_json, dl_err *e)
{
	dl_st_file *f = dl_st_open(path, e);
	if (!f)
		return NULL;
	dl_ckpt *c = dl_calloc(1, sizeof *c);
	c->f = f;
	c->path = dl_strdup(path);
	const char *fmt = dl_st_meta(f, "format");
	const char *spec = dl_st_meta(f, "spec");
	int rc;
	if (spec_json) {
		rc = dl_spec_parse(&c->spec, spec_json, strlen(spec_json), "the spec", e);
	} else if (!fmt || strcmp(fmt, "dl-train") != 0 || !spec) {
		rc = dl_errf(e, "%s: not a dl-train checkpoint (no \"format\": \"dl-train\" and "
			     "\"spec\" in its metadata); give the model's spec to load plain weights",
			     path);
	} else {
		char name[512];
		snprintf(name, sizeof name, "%s: metadata 'spec'", path);
		rc = dl_spec_parse(&c->spec, spec, strlen(spec), name, e);
	}
	if (rc) {
		dl_ckpt_close(c);
		return NULL;
	}
	return c;
}

void dl_ckpt_close(dl_ckpt *c)
{
	if (!c)
		return;
	dl_st_close(c->f);
	dl_free(c->path);
	dl_free(c);
}

const dl_spec *dl_ckpt_spec(const dl_ckpt *c) { return &c->spec; }
const char *dl_ckpt_meta(const dl_ckpt *c, const char *key) { return dl_st_meta(c->f, key); }

static void shape_str(char *out, size_t n, int ndim, const uint64_t *shape)
{
	size_t k = (size_t)snprintf(out, n, "[");
	for (int i = 0; i < ndim && k < n; i++)
		k += (size_t)snprintf(out + k, n - k, "%s%" PRIu64, i ? ", " : "", shape[i]);
	if (k < n)
		snprintf(out + k, n - k, "]");
}

/* Copies tensor prefix+NAME of every model tensor into buf. */
static int load_slices(const dl_ckpt *c, const dl_model *m, const char *prefix, float *buf,
		       dl_err *e)
{
	for (size_t i = 0; i < dl_model_ntensors(m); i++) {
		const dl_param *p = dl_model_tensor(m, i);
		char name[96], want[96], have[96];
		snprintf(name, sizeof name, "%s%s", prefix, p->name);
		shape_str(want, sizeof want, p->ndim, p->shape);
		const dl_st_tensor *t = dl_st_find(c->f, name);
		if (!t)
			return dl_errf(e, "%s: tensor '%s' is missing (the spec needs shape %s)",
				       c->path, name, want);
		int same = t->ndim == p->ndim;
		for (int k = 0; same && k < p->ndim; k++)
			same = t->shape[k] == p->shape[k];
		if (!same) {
			shape_str(have, sizeof have, t->ndim, t->shape);
			return dl_errf(e, "%s: tensor '%s' has shape %s but the spec needs %s",
				       c->path, name, have, want);
		}
		if (dl_st_to_f32(c->f, t, buf + p->offset, e))
			return -1;
	}
	return 0;
}

int dl_ckpt_load_params(const dl_ckpt *c, dl_model *m, dl_err *e)
{
	for (size_t i = 0; i < dl_st_count(c->f); i++) {
		const char *name = dl_st_tensor_at(c->f, i)->name;
		if (strncmp(name, "optim.", 6) != 0 && !dl_model_find(m, name))
			return dl_errf(e, "%s: tensor '%.80s' is not part of the model the spec "
				       "describes", c->path, name);
	}
	return load_slices(c, m, "", dl_model_params(m), e);
}

int dl_ckpt_load_optim(const dl_ckpt *c, const dl_model *m, dl_optim *o, dl_err *e)
{
	const char *kind = dl_st_meta(c->f, "optim");
	if (!kind || strcmp(kind, optim_names[o->conf.kind]) != 0)
		return 0;
	const char *step = dl_st_meta(c->f, "optim.step");
	char *end = NULL;
	unsigned long long s = step ? strtoull(step, &end, 10) : 0;
	if (!step || !*step || *end || step[0] == '-')
		return dl_errf(e, "%s: metadata 'optim.step' is not a step count", c->path);
	if (o->m && load_slices(c, m, "optim.m.", o->m, e))
		return -1;
	if (o->v && load_slices(c, m, "optim.v.", o->v, e))
		return -1;
	o->step = s;
	return 1;
}
