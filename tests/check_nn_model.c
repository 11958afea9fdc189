/*
 * check_nn_model.c — unit tests for lib/nn/model.h: spec parsing and its messages, the
 * parameter layout, forward and backward of whole MLPs and GPTs against central finite
 * differences of their own loss, gradient accumulation, threads, and checkpoints.
 *
 * Finite differences run on the float32 forward, so they are held loosely (a few 1e-3 of the
 * largest gradient); the exact comparison with PyTorch lives in check_nn_gpt.c.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/blas.h"
#include "core/threads.h"
#include "nn/model.h"
#include "nn/safetensors.h"
#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dl_spec parse_ok(const char *json)
{
	dl_spec s;
	dl_err e = { "" };
	int rc = dl_spec_parse(&s, json, strlen(json), "spec", &e);
	ck_assert_msg(rc == 0, "%s: %s", json, e.msg);
	return s;
}

static dl_model *model_ok(const dl_spec *s, size_t batch)
{
	dl_err e = { "" };
	dl_model *m = dl_model_new(s, batch, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	return m;
}

/* ================================================================== specs */

START_TEST(spec_good)
{
	dl_spec s = parse_ok("{\"type\":\"mlp\",\"layers\":[4, 8, 3]}");
	ck_assert_int_eq(s.kind, DL_MODEL_MLP);
	ck_assert_uint_eq(s.nsizes, 3);
	ck_assert_int_eq(s.act, DL_ACT_RELU);
	ck_assert_int_eq(s.loss, DL_LOSS_SOFTMAX);
	char *j = dl_spec_json(&s);
	ck_assert_str_eq(j, "{\"type\":\"mlp\",\"layers\":[4,8,3],\"activation\":\"relu\","
			 "\"loss\":\"softmax\",\"dropout\":0}");
	dl_spec t = parse_ok(j);
	ck_assert_mem_eq(&s, &t, sizeof s);
	dl_free(j);

	s = parse_ok(" {\"type\":\"gpt\",\"n_layer\":4,\"n_head\":4,\"n_embd\":128,"
		     "\"block_size\":128,\"vocab_size\":256,\"bias\":false,\"dropout\":0.125}\n");
	ck_assert_int_eq(s.kind, DL_MODEL_GPT);
	ck_assert(s.tie_weights && !s.bias);
	ck_assert(s.dropout == 0.125f);
	j = dl_spec_json(&s);
	t = parse_ok(j);
	ck_assert_mem_eq(&s, &t, sizeof s);
	dl_free(j);
}
END_TEST

START_TEST(spec_bad)
{
	static const char *const cases[][2] = {
		{ "", "ends too early" },
		{ "{\"type\":\"mlp\",\"layers\":[4,3]", "ends too early" },
		{ "{\"type\":\"mlp\",\n \"layers\":[4,,3]}", "spec:2:" },
		{ "[1]", "JSON object" },
		{ "{\"layers\":[4,3]}", "'type' is missing" },
		{ "{\"type\":\"cnn\"}", "unknown value 'cnn'" },
		{ "{\"type\":\"mlp\",\"layers\":[4,3],\"colour\":1}", "unknown field 'colour'" },
		{ "{\"type\":\"mlp\",\"layers\":[4,3],\"n_head\":1}", "'n_head' does not apply" },
		{ "{\"type\":\"mlp\",\"layers\":[4]}", "'layers' has 1 widths" },
		{ "{\"type\":\"mlp\",\"layers\":[4,0]}", "'layers[1]'" },
		{ "{\"type\":\"mlp\",\"layers\":[4,2.5]}", "'layers[1]'" },
		{ "{\"type\":\"mlp\",\"layers\":[4,\"3\"]}", "'layers[1]' must be a number" },
		{ "{\"type\":\"mlp\",\"layers\":[4,1]}", "at least 2 classes" },
		{ "{\"type\":\"mlp\",\"layers\":[4,3],\"activation\":\"tanh\"}", "'activation'" },
		{ "{\"type\":\"mlp\",\"layers\":[4,3],\"dropout\":1}", "'dropout'" },
		{ "{\"type\":\"mlp\",\"layers\":[4,3],\"layers\":[4,3]}", "given twice" },
		{ "{\"type\":\"mlp\",\"layers\":[4,3]} x", "text after" },
		{ "{\"type\":\"gpt\",\"n_layer\":1,\"n_head\":3,\"n_embd\":8,\"block_size\":4,"
		  "\"vocab_size\":5}", "'n_embd': 8 is not a multiple of n_head (3)" },
		{ "{\"type\":\"gpt\",\"n_layer\":1,\"n_head\":2,\"n_embd\":8,\"block_size\":4}",
		  "'vocab_size' is missing" },
		{ "{\"type\":\"gpt\",\"n_layer\":1,\"n_head\":2,\"n_embd\":8,\"block_size\":4,"
		  "\"vocab_size\":5,\"bias\":1}", "'bias' must be true or false" },
		{ "{\"type\":\"gpt\",\"n_layer\":1,\"n_head\":2,\"n_embd\":8,\"block_size\":4,"
		  "\"vocab_size\":-5}", "'vocab_size'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dl_spec s;
		dl_err e = { "" };
		int rc = dl_spec_parse(&s, cases[i][0], strlen(cases[i][0]), "spec", &e);
		ck_assert_msg(rc == -1, "accepted: %s", cases[i][0]);
		ck_assert_msg(strstr(e.msg, cases[i][1]) != NULL, "%s: got '%s', want '%s'",
			      cases[i][0], e.msg, cases[i][1]);
		ck_assert_msg(strncmp(e.msg, "spec", 4) == 0, "no name in '%s'", e.msg);
	}
	/* An absurd size is refused when laid out, not by dying. */
	dl_spec s = parse_ok("{\"type\":\"gpt\",\"n_layer\":1024,\"n_head\":1,\"n_embd\":1048576,"
			     "\"block_size\":1048576,\"vocab_size\":1048576}");
	dl_err e = { "" };
	ck_assert_ptr_null(dl_model_new(&s, 64, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "GB"));
}
END_TEST

/* ================================================================== layout */

START_TEST(layout_gpt)
{
	dl_spec s = parse_ok("{\"type\":\"gpt\",\"n_layer\":2,\"n_head\":2,\"n_embd\":8,"
			     "\"block_size\":5,\"vocab_size\":7,\"tie_weights\":false}");
	dl_model *m = model_ok(&s, 2);
	/* 2 embeddings, 12 per block, ln_f weight and bias, lm_head */
	ck_assert_uint_eq(dl_model_ntensors(m), 2 + 2 * 12 + 2 + 1);
	const dl_param *p = dl_model_find(m, "transformer.h.1.attn.c_attn.weight");
	ck_assert_ptr_nonnull(p);
	ck_assert(p->ndim == 2 && p->shape[0] == 24 && p->shape[1] == 8 && p->decay);
	p = dl_model_find(m, "transformer.h.0.ln_2.bias");
	ck_assert(p && p->ndim == 1 && p->shape[0] == 8 && !p->decay);
	ck_assert_ptr_nonnull(dl_model_find(m, "lm_head.weight"));
	size_t total = 0, prev_end = 0;
	for (size_t i = 0; i < dl_model_ntensors(m); i++) {
		p = dl_model_tensor(m, i);
		ck_assert_uint_ge(p->offset, prev_end);
		ck_assert_uint_eq(p->offset % 16, 0);
		prev_end = p->offset + p->count;
		total += p->count;
		for (size_t k = 0; k < p->count; k++)
			ck_assert_uint_eq(dl_model_decay_mask(m)[p->offset + k], (unsigned)p->decay);
	}
	ck_assert_uint_le(prev_end, dl_model_nparams(m));
	/* parameters as torch counts them */
	ck_assert_uint_eq(total, 7 * 8 + 5 * 8 + 2 * (4 * 8 + 24 * 8 + 24 + 64 + 8 + 32 * 8 + 32 +
						  8 * 32 + 8) + 16 + 56);
	dl_model_free(m);

	s = parse_ok("{\"type\":\"gpt\",\"n_layer\":1,\"n_head\":1,\"n_embd\":4,"
		     "\"block_size\":3,\"vocab_size\":5,\"bias\":false}");
	m = model_ok(&s, 1);
	ck_assert_uint_eq(dl_model_ntensors(m), 2 + 6 + 1);
	ck_assert_ptr_null(dl_model_find(m, "lm_head.weight"));
	ck_assert_ptr_null(dl_model_find(m, "transformer.h.0.ln_1.bias"));
	dl_model_free(m);
}
END_TEST

/* ================================================================== gradients */

/* Inputs of a test batch, filled at random. */
struct tbatch {
	dl_batch bt;
	float *x, *y;
	int32_t *ids, *labels;
};

static void make_batch(struct tbatch *tb, const dl_spec *s, size_t b, size_t t, uint64_t seed)
{
	memset(tb, 0, sizeof *tb);
	uint64_t st = seed;
	tb->bt.b = b;
	tb->bt.t = t;
	if (s->kind == DL_MODEL_MLP) {
		size_t in = s->sizes[0], out = s->sizes[s->nsizes - 1];
		tb->x = dl_mallocarray(b * in, sizeof(float));
		tb->y = dl_mallocarray(b * out, sizeof(float));
		tb->labels = dl_mallocarray(b, sizeof(int32_t));
		for (size_t i = 0; i < b * in; i++)
			tb->x[i] = (float)((double)(gen(&st) >> 11) * 0x1p-53 * 2 - 1);
		for (size_t i = 0; i < b * out; i++)
			tb->y[i] = s->loss == DL_LOSS_BCE ? (float)(gen(&st) % 2)
							  : (float)((double)(gen(&st) >> 11) * 0x1p-53);
		for (size_t i = 0; i < b; i++)
			tb->labels[i] = (int32_t)(gen(&st) % out);
		tb->bt.x = tb->x;
		if (s->loss == DL_LOSS_SOFTMAX)
			tb->bt.labels = tb->labels;
		else
			tb->bt.y = tb->y;
		return;
	}
	tb->ids = dl_mallocarray(b * t, sizeof(int32_t));
	tb->labels = dl_mallocarray(b * t, sizeof(int32_t));
	for (size_t i = 0; i < b * t; i++) {
		tb->ids[i] = (int32_t)(gen(&st) % s->vocab_size);
		tb->labels[i] = gen(&st) % 5 == 0 ? -1 : (int32_t)(gen(&st) % s->vocab_size);
	}
	tb->bt.ids = tb->ids;
	tb->bt.labels = tb->labels;
}

static void free_batch(struct tbatch *tb)
{
	dl_free(tb->x);
	dl_free(tb->y);
	dl_free(tb->ids);
	dl_free(tb->labels);
}

/* The loss of a train pass whose dropout masks come from a fixed stream. */
static double loss_at(dl_model *m, const dl_batch *bt, dl_pool *pool)
{
	dl_rng r;
	dl_rng_init(&r, 99, 0);
	return dl_model_forward(m, bt, DL_PASS_TRAIN, &r, pool);
}

/* Scales the initial weights up so that gradients are large enough for float differences. */
static void init_big(dl_model *m, uint64_t seed, float k)
{
	dl_model_init(m, seed);
	float *p = dl_model_params(m);
	uint64_t st = seed;
	for (size_t i = 0; i < dl_model_ntensors(m); i++) {
		const dl_param *t = dl_model_tensor(m, i);
		for (size_t j = 0; j < t->count; j++) {
			if (t->ndim == 2)
				p[t->offset + j] *= k;
			else   /* LayerNorm weights near 1, biases near 0, but not exactly */
				p[t->offset + j] += (float)((double)(gen(&st) >> 11) * 0x1p-53 - 0.5) * 0.4f;
		}
	}
}

/* Backward against central differences at every parameter (or a sample of them). */
static void fd_check(dl_model *m, const dl_batch *bt, size_t stride, double tol)
{
	size_t n = dl_model_nparams(m);
	float *p = dl_model_params(m), *g = dl_model_grads(m);
	memset(g, 0, n * sizeof *g);
	loss_at(m, bt, NULL);
	dl_model_backward(m, NULL);
	double gmax = 0;
	for (size_t i = 0; i < n; i++)
		gmax = fmax(gmax, fabs(g[i]));
	ck_assert(gmax > 1e-3);
	size_t checked = 0;
	for (size_t ti = 0; ti < dl_model_ntensors(m); ti++) {
		const dl_param *t = dl_model_tensor(m, ti);
		for (size_t j = ti % stride; j < t->count; j += stride) {
			size_t i = t->offset + j;
			float keep = p[i];
			float h = fmaxf(1e-2f, fabsf(keep) * 1e-2f);
			p[i] = keep + h;
			double lp = loss_at(m, bt, NULL);
			p[i] = keep - h;
			double lm = loss_at(m, bt, NULL);
			p[i] = keep;
			double fd = (lp - lm) / (2 * (double)h);
			ck_assert_msg(fabs(fd - g[i]) <= tol * gmax + 1e-3 * fabs(fd),
				      "%s[%zu]: backward %g, differences %g (largest gradient %g)",
				      t->name, j, (double)g[i], fd, gmax);
			checked++;
		}
	}
	ck_assert_uint_gt(checked, 10);
}

static void gpt_fd(const char *json, size_t b, size_t t, size_t stride)
{
	dl_spec s = parse_ok(json);
	dl_model *m = model_ok(&s, b);
	init_big(m, 7, 10.0f);
	struct tbatch tb;
	make_batch(&tb, &s, b, t, 11);
	fd_check(m, &tb.bt, stride, 5e-3);
	free_batch(&tb);
	dl_model_free(m);
}

START_TEST(grad_gpt)
{
	gpt_fd("{\"type\":\"gpt\",\"n_layer\":2,\"n_head\":2,\"n_embd\":8,\"block_size\":5,"
	       "\"vocab_size\":7}", 2, 5, 3);
	gpt_fd("{\"type\":\"gpt\",\"n_layer\":1,\"n_head\":4,\"n_embd\":8,\"block_size\":6,"
	       "\"vocab_size\":5,\"tie_weights\":false,\"bias\":false}", 3, 4, 2);
	gpt_fd("{\"type\":\"gpt\",\"n_layer\":2,\"n_head\":2,\"n_embd\":8,\"block_size\":5,"
	       "\"vocab_size\":6,\"dropout\":0.25}", 2, 5, 3);
}
END_TEST

static void mlp_fd(const char *json, size_t b)
{
	dl_spec s = parse_ok(json);
	dl_model *m = model_ok(&s, b);
	init_big(m, 3, 2.0f);
	struct tbatch tb;
	make_batch(&tb, &s, b, 1, 5);
	fd_check(m, &tb.bt, 1, 5e-3);
	free_batch(&tb);
	dl_model_free(m);
}

START_TEST(grad_mlp)
{
	mlp_fd("{\"type\":\"mlp\",\"layers\":[5,7,4],\"activation\":\"gelu\"}", 6);
	mlp_fd("{\"type\":\"mlp\",\"layers\":[3,6,5,2],\"activation\":\"silu\",\"loss\":\"mse\"}", 4);
	mlp_fd("{\"type\":\"mlp\",\"layers\":[4,6,1],\"activation\":\"gelu_tanh\",\"loss\":\"bce\"}",
	       5);
	mlp_fd("{\"type\":\"mlp\",\"layers\":[4,9,3],\"activation\":\"gelu\",\"dropout\":0.3}", 5);
}
END_TEST

/* Two half batches at scale 1/2 give the gradient of the whole batch; a pool gives the same
 * bits as no pool. */
START_TEST(accumulate_and_threads)
{
	dl_spec s = parse_ok("{\"type\":\"gpt\",\"n_layer\":2,\"n_head\":2,\"n_embd\":16,"
			     "\"block_size\":8,\"vocab_size\":11}");
	dl_model *m = model_ok(&s, 4);
	dl_model_init(m, 1);
	size_t n = dl_model_nparams(m);
	float *g = dl_model_grads(m);
	struct tbatch tb;
	make_batch(&tb, &s, 4, 8, 2);
	for (size_t i = 0; i < 32; i++)
		tb.labels[i] = (int32_t)(i % 11);   /* every row counts: halves are equal weight */

	memset(g, 0, n * sizeof *g);
	double whole = loss_at(m, &tb.bt, NULL);
	dl_model_backward(m, NULL);
	float *g1 = dl_mallocarray(n, sizeof *g1);
	memcpy(g1, g, n * sizeof *g);

	memset(g, 0, n * sizeof *g);
	double half = 0;
	for (int h = 0; h < 2; h++) {
		dl_batch hb = { .b = 2, .t = 8, .ids = tb.ids + h * 16, .labels = tb.labels + h * 16,
				.scale = 0.5f };
		half += 0.5 * loss_at(m, &hb, NULL);
		dl_model_backward(m, NULL);
	}
	ck_assert_double_eq_tol(whole, half, 1e-5);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(fabsf(g[i] - g1[i]) <= 1e-5f + 1e-4f * fabsf(g1[i]), "%zu: %g vs %g", i,
			      (double)g[i], (double)g1[i]);

	dl_pool *pool = dl_pool_new(2);
	memset(g, 0, n * sizeof *g);
	double lp = loss_at(m, &tb.bt, pool);
	dl_model_backward(m, pool);
	ck_assert(lp == whole);
	ck_assert_mem_eq(g, g1, n * sizeof *g);
	dl_pool_free(pool);

	/* Without targets: outputs only, no backward. */
	dl_batch nb = { .b = 1, .t = 3, .ids = tb.ids };
	ck_assert(dl_model_forward(m, &nb, DL_PASS_EVAL, NULL, NULL) == 0);
	memcpy(g1, g, n * sizeof *g);
	dl_model_backward(m, NULL);
	ck_assert_mem_eq(g, g1, n * sizeof *g);
	const float *o = dl_model_output(m);
	for (size_t i = 0; i < 3 * 11; i++)
		ck_assert(isfinite(o[i]));
	dl_free(g1);
	free_batch(&tb);
	dl_model_free(m);
}
END_TEST

/* The causal mask: outputs at position i do not depend on tokens after i. */
START_TEST(causal)
{
	dl_spec s = parse_ok("{\"type\":\"gpt\",\"n_layer\":2,\"n_head\":2,\"n_embd\":8,"
			     "\"block_size\":6,\"vocab_size\":9}");
	dl_model *m = model_ok(&s, 1);
	dl_model_init(m, 4);
	int32_t a[6] = { 1, 2, 3, 4, 5, 6 }, b[6] = { 1, 2, 3, 8, 0, 7 };
	dl_batch ba = { .b = 1, .t = 6, .ids = a }, bb = { .b = 1, .t = 6, .ids = b };
	float out[54];
	dl_model_forward(m, &ba, DL_PASS_EVAL, NULL, NULL);
	memcpy(out, dl_model_output(m), sizeof out);
	dl_model_forward(m, &bb, DL_PASS_EVAL, NULL, NULL);
	ck_assert_mem_eq(out, dl_model_output(m), 3 * 9 * sizeof(float));
	ck_assert(memcmp(out + 27, dl_model_output(m) + 27, 9 * sizeof(float)) != 0);
	/* a shorter context gives the same first rows */
	dl_batch bs = { .b = 1, .t = 3, .ids = a };
	dl_model_forward(m, &bs, DL_PASS_EVAL, NULL, NULL);
	for (size_t i = 0; i < 27; i++)
		ck_assert_float_eq_tol(out[i], dl_model_output(m)[i], 1e-5);
	dl_model_free(m);
}
END_TEST

/* ================================================================== checkpoints */

START_TEST(checkpoint_round_trip)
{
	dl_spec s = parse_ok("{\"type\":\"gpt\",\"n_layer\":1,\"n_head\":2,\"n_embd\":8,"
			     "\"block_size\":4,\"vocab_size\":5,\"tie_weights\":false}");
	dl_model *m = model_ok(&s, 2);
	dl_model_init(m, 5);
	size_t n = dl_model_nparams(m);
	dl_optim_conf oc = { .kind = DL_OPT_ADAMW, .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.95,
			     .eps = 1e-8, .weight_decay = 0.1 };
	dl_optim o;
	dl_optim_init(&o, &oc, n);
	float *g = dl_model_grads(m);
	for (size_t i = 0; i < dl_model_ntensors(m); i++) {
		const dl_param *t = dl_model_tensor(m, i);
		for (size_t j = 0; j < t->count; j++)
			g[t->offset + j] = (float)sin((double)(t->offset + j));
	}
	dl_optim_step(&o, dl_model_params(m), g, dl_model_decay_mask(m), 1e-3, NULL);
	const char *meta[] = { "step", "1" };
	dl_ckpt_save(tpath("a.st"), m, &o, meta, 1);

	dl_err e = { "" };
	dl_ckpt *c = dl_ckpt_open(tpath("a.st"), NULL, &e);
	ck_assert_msg(c != NULL, "%s", e.msg);
	ck_assert_mem_eq(dl_ckpt_spec(c), &s, sizeof s);
	ck_assert_str_eq(dl_ckpt_meta(c, "step"), "1");
	dl_model *m2 = model_ok(dl_ckpt_spec(c), 1);
	ck_assert_int_eq(dl_ckpt_load_params(c, m2, &e), 0);
	ck_assert_mem_eq(dl_model_params(m2), dl_model_params(m), n * sizeof(float));
	dl_optim o2;
	dl_optim_init(&o2, &oc, n);
	ck_assert_int_eq(dl_ckpt_load_optim(c, m2, &o2, &e), 1);
	ck_assert_uint_eq(o2.step, 1);
	ck_assert_mem_eq(o2.m, o.m, n * sizeof(float));
	ck_assert_mem_eq(o2.v, o.v, n * sizeof(float));
	dl_optim_free(&o2);
	/* another optimizer kind starts fresh */
	dl_optim_conf sg = { .kind = DL_OPT_SGD, .lr = 0.1, .momentum = 0.9 };
	dl_optim_init(&o2, &sg, n);
	ck_assert_int_eq(dl_ckpt_load_optim(c, m2, &o2, &e), 0);
	dl_optim_free(&o2);
	dl_ckpt_close(c);
	dl_model_free(m2);

	/* a spec that does not match the file: the message names the tensor and both shapes */
	c = dl_ckpt_open(tpath("a.st"), "{\"type\":\"gpt\",\"n_layer\":1,\"n_head\":2,"
			 "\"n_embd\":8,\"block_size\":4,\"vocab_size\":6,\"tie_weights\":false}", &e);
	ck_assert_ptr_nonnull(c);
	m2 = model_ok(dl_ckpt_spec(c), 1);
	ck_assert_int_eq(dl_ckpt_load_params(c, m2, &e), -1);
	ck_assert_msg(strstr(e.msg, "'transformer.wte.weight' has shape [5, 8] but the spec "
			     "needs [6, 8]"), "%s", e.msg);
	dl_ckpt_close(c);
	dl_model_free(m2);
	/* tied: the file's lm_head is not part of the model */
	c = dl_ckpt_open(tpath("a.st"), "{\"type\":\"gpt\",\"n_layer\":1,\"n_head\":2,"
			 "\"n_embd\":8,\"block_size\":4,\"vocab_size\":5}", &e);
	m2 = model_ok(dl_ckpt_spec(c), 1);
	ck_assert_int_eq(dl_ckpt_load_params(c, m2, &e), -1);
	ck_assert_msg(strstr(e.msg, "'lm_head.weight' is not part"), "%s", e.msg);
	dl_ckpt_close(c);
	dl_model_free(m2);
	/* two layers: a missing tensor */
	c = dl_ckpt_open(tpath("a.st"), "{\"type\":\"gpt\",\"n_layer\":2,\"n_head\":2,"
			 "\"n_embd\":8,\"block_size\":4,\"vocab_size\":5,\"tie_weights\":false}", &e);
	m2 = model_ok(dl_ckpt_spec(c), 1);
	ck_assert_int_eq(dl_ckpt_load_params(c, m2, &e), -1);
	ck_assert_msg(strstr(e.msg, "'transformer.h.1.ln_1.weight' is missing"), "%s", e.msg);
	dl_ckpt_close(c);
	dl_model_free(m2);

	/* a plain safetensors file without metadata needs a spec */
	dl_st_writer *w = dl_st_writer_new();
	uint64_t shape[1] = { 2 };
	float v[2] = { 1, 2 };
	dl_st_add(w, "x", DL_ST_F32, 1, shape, v);
	dl_st_save(w, tpath("plain.st"));
	ck_assert_ptr_null(dl_ckpt_open(tpath("plain.st"), NULL, &e));
	ck_assert_msg(strstr(e.msg, "not a dl-train checkpoint"), "%s", e.msg);

	dl_optim_free(&o);
	dl_model_free(m);
}
END_TEST

int main(int argc, char **argv)
{
	dl_blas_init(argc, argv);
	Suite *s = suite_create("nn_model");
	TCase *tc = tcase(s, "spec", 0);
	tcase_add_test(tc, spec_good);
	tcase_add_test(tc, spec_bad);
	tcase_add_test(tc, layout_gpt);
	tc = tcase(s, "gradients", 0);
	tcase_add_test(tc, grad_gpt);
	tcase_add_test(tc, grad_mlp);
	tcase_add_test(tc, accumulate_and_threads);
	tcase_add_test(tc, causal);
	tc = tcase(s, "checkpoint", 1);
	tcase_add_test(tc, checkpoint_round_trip);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
