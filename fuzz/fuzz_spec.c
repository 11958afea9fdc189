/*
 * fuzz_spec.c — libFuzzer target for the model spec parser (lib/nn/spec.c) and the model
 * layout behind it (lib/nn/model.c).
 *
 * The input is a spec file. If it parses:
 *   - its canonical JSON (dl_spec_json) parses again to the identical spec, and prints the
 *     identical JSON;
 *   - when the model it describes is small (its parameters, gradients and activations for
 *     one row or sequence under SMALL_BYTES, estimated here from the spec's own fields), the
 *     model is laid out with dl_model_new: every tensor lies inside the buffer, in order,
 *     without overlap, is found by its name, and the decay mask covers exactly the tensors
 *     that decay; when it is tiny, one train forward and backward run on a batch of one and
 *     give a finite loss.
 * A spec that does not parse must say why. Nothing may crash, leak or die; a broken
 * invariant aborts.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "nn/model.h"

#define SMALL_BYTES (64.0 * 1024 * 1024)
#define TINY_BYTES (1.0 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_spec: invariant broken: %s\n", what);
	abort();
}

/* Bytes of a model of spec s for one row (mlp) or one sequence (gpt), generously: three
 * float buffers of the parameters (values, gradients, decay mask and alignment), and every
 * activation of the forward and backward passes. In double, so that no spec overflows it. */
static double model_bytes(const dl_spec *s)
{
	if (s->kind == DL_MODEL_MLP) {
		double w = 0, a = 0;
		for (size_t i = 0; i < s->nsizes; i++) {
			if (i + 1 < s->nsizes)
				w += ((double)s->sizes[i] + 1) * (double)s->sizes[i + 1] + 64;
			a += 8 * (double)s->sizes[i] + 64;
		}
		return 3 * 4 * w + 4 * a;
	}
	double c = (double)s->n_embd, l = (double)s->n_layer, v = (double)s->vocab_size;
	double t = (double)s->block_size, h = (double)s->n_head;
	double w = l * (12 * c * c + 13 * c + 12 * 64) + 2 * v * c + t * c + 2 * c + 3 * 64;
	double a = l * (t * 20 * c + h * t * t + 16 * 64) + t * (2 * v + 16 * c) + 16 * 64;
	return 3 * 4 * w + 4 * a + 4 * t * 2 * (l + 1) * c;
}

/* The layout of m against its spec. */
static void check_layout(const dl_model *m)
{
	size_t n = dl_model_nparams(m), end = 0;
	const uint8_t *mask = dl_model_decay_mask(m);
	uint8_t *want = calloc(n + 1, 1);
	if (!want)
		broken("out of memory");
	for (size_t i = 0; i < dl_model_ntensors(m); i++) {
		const dl_param *p = dl_model_tensor(m, i);
		if (p->offset < end || p->offset > n || p->count > n - p->offset)
			broken("a tensor overlaps another or lies outside the buffer");
		end = p->offset + p->count;
		uint64_t count = p->ndim == 2 ? p->shape[0] * p->shape[1] : p->shape[0];
		if ((p->ndim != 1 && p->ndim != 2) || count != p->count || p->count == 0)
			broken("a tensor's shape does not match its count");
		if (dl_model_find(m, p->name) != p)
			broken("a tensor is not found by its name");
		memset(want + p->offset, p->decay ? 1 : 0, p->count);
	}
	if (memcmp(want, mask, n))
		broken("the decay mask does not follow the tensors");
	free(want);
	if (dl_model_find(m, "no.such.tensor"))
		broken("a tensor found that does not exist");
	const float *params = dl_model_params((dl_model *)m);
	for (size_t i = 0; i < n; i++)
		if (params[i] != 0)
			broken("a new model's parameters are not zero");
}

/* One train forward and backward on a batch of one, after dl_model_init. */
static void run_tiny(dl_model *m, const dl_spec *s)
{
	dl_model_init(m, 1);
	size_t nin = dl_model_inputs(m), nout = dl_model_outputs(m);
	dl_batch bt = { 0 };
	float *x = NULL, *y = NULL;
	int32_t *ids = NULL, *labels = NULL;
	bt.b = 1;
	if (s->kind == DL_MODEL_GPT) {
		bt.t = nin;
		ids = dl_mallocarray(nin, sizeof *ids);
		labels = dl_mallocarray(nin, sizeof *labels);
		for (size_t i = 0; i < nin; i++) {
			ids[i] = (int32_t)(i % s->vocab_size);
			labels[i] = i % 3 == 2 ? -1 : (int32_t)((i * 7 + 1) % s->vocab_size);
		}
		bt.ids = ids;
		bt.labels = labels;
	} else {
		x = dl_mallocarray(nin, sizeof *x);
		for (size_t i = 0; i < nin; i++)
			x[i] = (float)((double)(i % 5) - 2) / 4;
		bt.x = x;
		if (s->loss == DL_LOSS_SOFTMAX) {
			labels = dl_mallocarray(1, sizeof *labels);
			labels[0] = (int32_t)(nout - 1);
			bt.labels = labels;
		} else {
			y = dl_mallocarray(nout, sizeof *y);
			for (size_t i = 0; i < nout; i++)
				y[i] = (float)(i % 2);
			bt.y = y;
		}
	}
	dl_rng rng;
	dl_rng_init(&rng, 7, 0);
	double loss = dl_model_forward(m, &bt, DL_PASS_TRAIN, &rng, NULL);
	if (!isfinite(loss) || loss < 0)
		broken("the loss of a freshly initialised model is not finite");
	dl_model_backward(m, NULL);
	const float *g = dl_model_grads(m);
	for (size_t i = 0; i < dl_model_nparams(m); i++)
		if (!isfinite(g[i]))
			broken("a gradient is not finite");
	free(x);
	free(y);
	free(ids);
	free(labels);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dl_spec s;
	dl_err e;
	e.msg[0] = 0;
	if (dl_spec_parse(&s, (const char *)data, size, "fuzz", &e) < 0) {
		if (!e.msg[0])
			broken("a parse failed without a message");
		return 0;
	}
	char *json = dl_spec_json(&s);
	dl_spec t;
	if (dl_spec_parse(&t, json, strlen(json), "canonical", &e) < 0) {
		fprintf(stderr, "%s\n%s\n", json, e.msg);
		broken("the canonical JSON does not parse");
	}
	if (memcmp(&s, &t, sizeof s))
		broken("the canonical JSON parses to another spec");
	char *again = dl_spec_json(&t);
	if (strcmp(json, again))
		broken("the canonical JSON is not stable");
	free(again);
	free(json);

	double bytes = model_bytes(&s);
	if (bytes > SMALL_BYTES)
		return 0;
	dl_model *m = dl_model_new(&s, 1, &e);
	if (!m) {
		fprintf(stderr, "%s\n", e.msg);
		broken("a small model is refused");
	}
	char *kept = dl_spec_json(dl_model_spec(m));
	json = dl_spec_json(&s);
	if (strcmp(kept, json) || dl_model_max_batch(m) != 1)
		broken("the model does not keep its spec");
	free(kept);
	free(json);
	check_layout(m);
	if ((double)dl_model_nparams(m) * 4 * 3 + (double)dl_model_arena_bytes(m) > bytes)
		broken("the model is larger than its estimate");
	if (bytes <= TINY_BYTES)
		run_tiny(m, &s);
	dl_model_free(m);
	return 0;
}
