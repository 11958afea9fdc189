/*
 * dl-train — neural networks from a JSON spec: fit, eval, predict, sample, summary.
 *
 * Reproducibility. Everything random in a run is a function of (--seed, what it is for, its
 * index): the initial weights of stream 0; the windows of micro-batch k (GPT) from stream
 * WINDOWS + k; the order of epoch e (MLP) from stream EPOCHS + e; the dropout masks of
 * micro-batch k from stream DROPOUT + k. A run resumed from a checkpoint of step s therefore
 * needs only s (and the weights and optimizer moments) to continue exactly as the
 * uninterrupted run would have, with the same options and --threads 1 (more BLAS threads
 * may add floats in another order).
 *
 * A step is one optimizer update over --accum micro-batches of --batch rows or windows.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/blas.h"
#include "core/cli.h"
#include "core/error.h"
#include "core/io.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/threads.h"
#include "nn/data.h"
#include "nn/model.h"
#include "nn/optim.h"
#include "tokenize/model.h"

#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WINDOWS ((uint64_t)1 << 40)
#define EPOCHS ((uint64_t)2 << 40)
#define DROPOUT ((uint64_t)3 << 40)
#define SAMPLING ((uint64_t)4 << 40)
/* A step of fewer training FLOPs than this runs on one thread: waking threads for products
 * this small costs more than they save. */
#define SMALL_STEP 2e8

static const char usage_main[] =
	"Usage: dl-train COMMAND [OPTIONS]\n"
	"Train neural networks described by a JSON spec: an MLP on tables, a GPT-style\n"
	"Transformer on token streams. Checkpoints are safetensors files.\n"
	"\n"
	"Commands:\n"
	"  fit        train a model (new, or resumed from a checkpoint)\n"
	"  eval       loss (and accuracy) of a checkpoint on data\n"
	"  predict    outputs of an MLP checkpoint, one line per row\n"
	"  sample     generate text from a GPT checkpoint\n"
	"  summary    parameters, FLOPs and memory of a spec\n"
	"\n"
	"Common options:\n"
	"      --threads N     threads for matrix products and layers (default: all cores)\n"
	"      --seed N        random seed (default 1)\n"
	"  -q, --quiet         no progress or warnings\n"
	"      --verbose       more detail on standard error\n"
	"      --log FILE      metrics as JSON lines\n"
	"  -h, --help          this help ('dl-train COMMAND --help': a command's own)\n"
	"      --version       version and build information\n"
	"\n"
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error, 130 interrupted\n"
	"(after saving a checkpoint). Manual: man dl-train.\n";

enum {
	OPT_MODEL = 0x100, OPT_DATA, OPT_VALID, OPT_EPOCHS, OPT_STEPS, OPT_BATCH, OPT_LR,
	OPT_MIN_LR, OPT_SCHEDULE, OPT_WARMUP, OPT_WD, OPT_CLIP, OPT_ACCUM, OPT_EVAL_EVERY,
	OPT_EVAL_BATCHES, OPT_SAVE_EVERY, OPT_RESUME, OPT_OPTIM, OPT_MOMENTUM, OPT_NESTEROV,
	OPT_BETA1, OPT_BETA2, OPT_EPS, OPT_BYTES, OPT_LABEL, OPT_FEATURE, OPT_FORMAT,
	OPT_TOKENIZER, OPT_PROMPT, OPT_TOKENS, OPT_TEMP, OPT_TOPK, OPT_PROBS,
};

static const struct option longopts[] = {
	{"output", required_argument, 0, 'o'},
	{"checkpoint", required_argument, 0, 'm'},
	{"model", required_argument, 0, OPT_MODEL},
	{"data", required_argument, 0, OPT_DATA},
	{"valid", required_argument, 0, OPT_VALID},
	{"epochs", required_argument, 0, OPT_EPOCHS},
	{"steps", required_argument, 0, OPT_STEPS},
	{"batch", required_argument, 0, OPT_BATCH},
	{"lr", required_argument, 0, OPT_LR},
	{"min-lr", required_argument, 0, OPT_MIN_LR},
	{"schedule", required_argument, 0, OPT_SCHEDULE},
	{"warmup", required_argument, 0, OPT_WARMUP},
	{"weight-decay", required_argument, 0, OPT_WD},
	{"clip", required_argument, 0, OPT_CLIP},
	{"accum", required_argument, 0, OPT_ACCUM},
	{"eval-every", required_argument, 0, OPT_EVAL_EVERY},
	{"eval-batches", required_argument, 0, OPT_EVAL_BATCHES},
	{"save-every", required_argument, 0, OPT_SAVE_EVERY},
	{"resume", required_argument, 0, OPT_RESUME},
	{"optimizer", required_argument, 0, OPT_OPTIM},
	{"momentum", required_argument, 0, OPT_MOMENTUM},
	{"nesterov", no_argument, 0, OPT_NESTEROV},
	{"beta1", required_argument, 0, OPT_BETA1},
	{"beta2", required_argument, 0, OPT_BETA2},
	{"eps", required_argument, 0, OPT_EPS},
	{"bytes", no_argument, 0, OPT_BYTES},
	{"label", required_argument, 0, OPT_LABEL},
	{"feature", required_argument, 0, OPT_FEATURE},
	{"format", required_argument, 0, OPT_FORMAT},
	{"tokenizer", required_argument, 0, OPT_TOKENIZER},
	{"prompt", required_argument, 0, OPT_PROMPT},
	{"tokens", required_argument, 0, OPT_TOKENS},
	{"temperature", required_argument, 0, OPT_TEMP},
	{"top-k", required_argument, 0, OPT_TOPK},
	{"probs", no_argument, 0, OPT_PROBS},
	DL_COMMON_LONGOPTS
};

struct args {
	dl_opts common;
	const char *output, *ckpt, *spec, *data, *valid, *resume, *label, *feature;
	const char *tokenizer, *prompt;
	long long epochs, steps, batch, accum, eval_every, eval_batches, save_every, warmup;
	long long tokens, top_k;
	double lr, min_lr, wd, clip, momentum, beta1, beta2, eps, temperature;
	int nesterov, bytes, probs, have_wd, have_batch;
	enum dl_optim_kind optim;
	enum dl_sched sched;
	enum dl_data_format format;
	char **files;
	int nfiles;
};

struct command {
	const char *name;
	void (*run)(struct args *a);
	const int *opts;
	const char *usage;
};

static const struct command *cmd;
static FILE *metrics;

/* ------------------------------------------------------------------ options */

static void parse_args(const struct command *c, int argc, char **argv, struct args *a)
{
	int ch;
	a->batch = 32;
	a->accum = 1;
	a->lr = 1e-3;
	a->beta1 = 0.9;
	a->beta2 = 0.999;
	a->eps = 1e-8;
	a->wd = 0.01;
	a->optim = DL_OPT_ADAMW;
	a->sched = DL_SCHED_CONSTANT;
	a->label = "label";
	a->feature = "ids";
	a->tokens = 256;
	a->temperature = 1.0;
	a->eval_batches = 20;
	dl_cli_reset();
	while ((ch = getopt_long(argc, argv, ":o:m:" DL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		dl_cli_check_takes(c->name, c->opts, longopts, ch);
		switch (ch) {
		case 'o': a->output = optarg; break;
		case 'm': a->ckpt = optarg; break;
		case OPT_MODEL: a->spec = optarg; break;
		case OPT_DATA: a->data = optarg; break;
		case OPT_VALID: a->valid = optarg; break;
		case OPT_EPOCHS: a->epochs = dl_parse_ll(optarg, "--epochs", 1, 1LL << 40); break;
		case OPT_STEPS: a->steps = dl_parse_ll(optarg, "--steps", 1, 1LL << 50); break;
		case OPT_BATCH:
			a->batch = dl_parse_ll(optarg, "--batch", 1, 1 << 24);
			a->have_batch = 1;
			break;
		case OPT_LR: a->lr = dl_parse_double(optarg, "--lr", 0, 1e6); break;
		case OPT_MIN_LR: a->min_lr = dl_parse_double(optarg, "--min-lr", 0, 1e6); break;
		case OPT_SCHEDULE:
			if (!strcmp(optarg, "constant"))
				a->sched = DL_SCHED_CONSTANT;
			else if (!strcmp(optarg, "cosine"))
				a->sched = DL_SCHED_COSINE;
			else if (!strcmp(optarg, "linear"))
				a->sched = DL_SCHED_LINEAR;
			else
				dl_usage_error("--schedule: '%s' is not constant, cosine or linear",
					       optarg);
			break;
		case OPT_WARMUP: a->warmup = dl_parse_ll(optarg, "--warmup", 0, 1LL << 50); break;
		case OPT_WD:
			a->wd = dl_parse_double(optarg, "--weight-decay", 0, 1e6);
			a->have_wd = 1;
			break;
		case OPT_CLIP: a->clip = dl_parse_double(optarg, "--clip", 0, 1e30); break;
		case OPT_ACCUM: a->accum = dl_parse_ll(optarg, "--accum", 1, 1 << 20); break;
		case OPT_EVAL_EVERY:
			a->eval_every = dl_parse_ll(optarg, "--eval-every", 0, 1LL << 50);
			break;
		case OPT_EVAL_BATCHES:
			a->eval_batches = dl_parse_ll(optarg, "--eval-batches", 0, 1LL << 40);
			break;
		case OPT_SAVE_EVERY:
			a->save_every = dl_parse_ll(optarg, "--save-every", 0, 1LL << 50);
			break;
		case OPT_RESUME: a->resume = optarg; break;
		case OPT_OPTIM:
			if (!strcmp(optarg, "adamw"))
				a->optim = DL_OPT_ADAMW;
			else if (!strcmp(optarg, "adam"))
				a->optim = DL_OPT_ADAM;
			else if (!strcmp(optarg, "sgd"))
				a->optim = DL_OPT_SGD;
			else
				dl_usage_error("--optimizer: '%s' is not adamw, adam or sgd", optarg);
			break;
		case OPT_MOMENTUM: a->momentum = dl_parse_double(optarg, "--momentum", 0, 1); break;
		case OPT_NESTEROV: a->nesterov = 1; break;
		case OPT_BETA1: a->beta1 = dl_parse_double(optarg, "--beta1", 0, 1); break;
		case OPT_BETA2: a->beta2 = dl_parse_double(optarg, "--beta2", 0, 1); break;
		case OPT_EPS: a->eps = dl_parse_double(optarg, "--eps", 0, 1); break;
		case OPT_BYTES: a->bytes = 1; break;
		case OPT_LABEL: a->label = optarg; break;
		case OPT_FEATURE: a->feature = optarg; break;
		case OPT_FORMAT:
			if (dl_data_format_parse(optarg, &a->format))
				dl_usage_error("--format: '%s' is not auto, records, jsonl or csv",
					       optarg);
			break;
		case OPT_TOKENIZER: a->tokenizer = optarg; break;
		case OPT_PROMPT: a->prompt = optarg; break;
		case OPT_TOKENS: a->tokens = dl_parse_ll(optarg, "--tokens", 0, 1LL << 40); break;
		case OPT_TEMP:
			a->temperature = dl_parse_double(optarg, "--temperature", 0, 1e6);
			break;
		case OPT_TOPK: a->top_k = dl_parse_ll(optarg, "--top-k", 0, INT32_MAX); break;
		case OPT_PROBS: a->probs = 1; break;
		default: dl_cli_common(&a->common, ch, argc, argv, c->usage);
		}
	}
	a->files = argv + optind;
	a->nfiles = argc - optind;
	if (a->nfiles)
		dl_usage_error("%s: unexpected argument '%s' (data is given with --data FILE)",
			       c->name, a->files[0]);
	if (a->steps && a->epochs)
		dl_usage_error("%s: give --steps or --epochs, not both", c->name);
	if (a->nesterov && a->optim != DL_OPT_SGD)
		dl_usage_error("--nesterov applies to --optimizer sgd");
	if (a->nesterov && a->momentum <= 0)
		dl_usage_error("--nesterov needs --momentum above 0");
}

/* ------------------------------------------------------------------ set-up */

static dl_pool *pool_new(const struct args *a)
{
	dl_blas_set_threads(a->common.threads);
	return a->common.threads > 1 ? dl_pool_new(a->common.threads) : NULL;
}

/* The spec of --model: a file, or JSON text when it starts with '{'. */
static void read_spec(const char *arg, dl_spec *s)
{
	dl_err e;
	const char *p = arg;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (*p == '{') {
		if (dl_spec_parse(s, arg, strlen(arg), "--model", &e))
			dl_die("%s", e.msg);
		return;
	}
	dl_in *in = dl_in_open(arg, 0, &e);
	if (!in)
		dl_die("%s", e.msg);
	size_t n;
	uint8_t *text = dl_in_slurp(in, &n, &e);
	if (!text)
		dl_die("%s", e.msg);
	if (dl_spec_parse(s, (const char *)text, n, arg, &e))
		dl_die("%s", e.msg);
	dl_free(text);
	dl_in_close(in);
}

static dl_model *new_model(const dl_spec *s, size_t batch)
{
	dl_err e;
	dl_model *m = dl_model_new(s, batch, &e);
	if (!m)
		dl_die("%s", e.msg);
	return m;
}

/* A model from checkpoint path (with spec_arg for plain weights). */
static dl_model *load_checkpoint(const char *path, const char *spec_arg, size_t batch,
				 dl_ckpt **keep)
{
	dl_err e;
	char *json = NULL;
	if (spec_arg) {
		dl_spec s;
		read_spec(spec_arg, &s);
		json = dl_spec_json(&s);
	}
	dl_ckpt *c = dl_ckpt_open(path, json, &e);
	dl_free(json);
	if (!c)
		dl_die("%s", e.msg);
	dl_model *m = new_model(dl_ckpt_spec(c), batch);
	if (dl_ckpt_load_params(c, m, &e))
		dl_die("%s", e.msg);
	if (keep)
		*keep = c;
	else
		dl_ckpt_close(c);
	return m;
}

static int is_gpt(const dl_model *m)
{
	return dl_model_spec(m)->kind == DL_MODEL_GPT;
}

/* ------------------------------------------------------------------ data */

struct data {
	dl_tokens tok;          /* gpt */
	dl_nn_table tab;           /* mlp */
	const char *name;
};

static void load_data(struct data *d, const struct args *a, const char *path,
		      const dl_spec *s, int need_label)
{
	dl_err e;
	memset(d, 0, sizeof *d);
	d->name = path;
	if (s->kind == DL_MODEL_GPT) {
		char *paths[1] = { (char *)path };
		if (dl_tokens_load(&d->tok, paths, 1, a->bytes, a->feature, s->vocab_size, &e))
			dl_die("%s", e.msg);
		if (d->tok.n < s->block_size + 1)
			dl_die("%s: %zu tokens; a window of block_size %zu needs at least %zu", path,
			       d->tok.n, s->block_size, s->block_size + 1);
		return;
	}
	if (a->bytes)
		dl_usage_error("--bytes applies to gpt models");
	if (dl_nn_table_load(&d->tab, path, a->format, a->label, s, need_label, &e))
		dl_die("%s", e.msg);
	if (d->tab.rows == 0)
		dl_die("%s: no rows", path);
}

static void free_data(struct data *d)
{
	dl_tokens_free(&d->tok);
	dl_nn_table_free(&d->tab);
}

/* Scratch of one batch. */
struct batchbuf {
	dl_batch bt;
	int32_t *ids, *labels;
	float *x, *y;
	size_t *perm;
	uint64_t perm_epoch;
	int have_perm;
};

static void batchbuf_init(struct batchbuf *bb, const dl_spec *s, size_t batch, size_t rows)
{
	memset(bb, 0, sizeof *bb);
	if (s->kind == DL_MODEL_GPT) {
		bb->ids = dl_mallocarray(batch * s->block_size, sizeof *bb->ids);
		bb->labels = dl_mallocarray(batch * s->block_size, sizeof *bb->labels);
	} else {
		size_t out = s->sizes[s->nsizes - 1];
		bb->x = dl_mallocarray(batch * s->sizes[0], sizeof *bb->x);
		bb->y = dl_mallocarray(batch * out, sizeof *bb->y);
		bb->labels = dl_mallocarray(batch, sizeof *bb->labels);
		bb->perm = dl_mallocarray(rows ? rows : 1, sizeof *bb->perm);
	}
}

static void batchbuf_free(struct batchbuf *bb)
{
	dl_free(bb->ids);
	dl_free(bb->labels);
	dl_free(bb->x);
	dl_free(bb->y);
	dl_free(bb->perm);
}

/* Micro-batches per epoch of an MLP table. */
static uint64_t mlp_batches(const dl_nn_table *t, size_t batch)
{
	return (t->rows + batch - 1) / batch;
}

/* GPT: batch random windows of micro-batch k. */
static void gpt_windows(struct batchbuf *bb, const dl_tokens *tok, size_t batch, size_t t,
			uint64_t seed, uint64_t k)
{
	dl_rng r;
	dl_rng_init(&r, seed, WINDOWS + k);
	for (size_t i = 0; i < batch; i++) {
		size_t start = (size_t)dl_rng_below(&r, tok->n - t);
		memcpy(bb->ids + i * t, tok->ids + start, t * sizeof *bb->ids);
		memcpy(bb->labels + i * t, tok->ids + start + 1, t * sizeof *bb->labels);
	}
	bb->bt = (dl_batch){ .b = batch, .t = t, .ids = bb->ids, .labels = bb->labels };
}

/* Rows [first, first + n) of a table in the order given by idx (NULL: in order). */
static void mlp_rows(struct batchbuf *bb, const dl_nn_table *tab, const dl_spec *s,
		     const size_t *idx, size_t first, size_t n)
{
	size_t in = tab->cols, out = s->sizes[s->nsizes - 1];
	for (size_t i = 0; i < n; i++) {
		size_t r = idx ? idx[first + i] : first + i;
		memcpy(bb->x + i * in, tab->x + r * in, in * sizeof(float));
		if (tab->labels)
			bb->labels[i] = tab->labels[r];
		if (tab->y)
			memcpy(bb->y + i * out, tab->y + r * out, out * sizeof(float));
	}
	bb->bt = (dl_batch){ .b = n, .t = 1, .x = bb->x };
	if (tab->has_targets) {
		bb->bt.labels = tab->labels ? bb->labels : NULL;
		bb->bt.y = tab->y ? bb->y : NULL;
	}
}

/* MLP: micro-batch k, in the shuffled order of its epoch. */
static void mlp_batch(struct batchbuf *bb, const dl_nn_table *tab, const dl_spec *s, size_t batch,
		      uint64_t seed, uint64_t k)
{
	uint64_t nb = mlp_batches(tab, batch), epoch = k / nb, j = k % nb;
	if (!bb->have_perm || bb->perm_epoch != epoch) {
		for (size_t i = 0; i < tab->rows; i++)
			bb->perm[i] = i;
		dl_rng r;
		dl_rng_init(&r, seed, EPOCHS + epoch);
		dl_rng_shuffle(&r, bb->perm, tab->rows, sizeof *bb->perm);
		bb->perm_epoch = epoch;
		bb->have_perm = 1;
	}
	size_t first = (size_t)j * batch;
	size_t n = tab->rows - first < batch ? tab->rows - first : batch;
	mlp_rows(bb, tab, s, bb->perm, first, n);
}

/* ------------------------------------------------------------------ evaluation */

struct evalres {
	double loss;
	double correct;         /* softmax: rows whose argmax is the label */
	uint64_t count;         /* tokens or rows that counted */
};

static size_t argmax(const float *v, size_t n)
{
	size_t best = 0;
	for (size_t i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

/* GPT: consecutive windows from the start, at most max_windows (0 = all). */
static struct evalres eval_gpt(dl_model *m, const dl_tokens *tok, size_t batch,
			       uint64_t max_windows, dl_pool *pool)
{
	const dl_spec *s = dl_model_spec(m);
	size_t t = s->block_size;
	uint64_t windows = (tok->n - 1) / t;
	if (max_windows && windows > max_windows)
		windows = max_windows;
	struct batchbuf bb;
	batchbuf_init(&bb, s, batch, 0);
	struct evalres r = { 0 };
	double sum = 0;
	for (uint64_t w = 0; w < windows; w += batch) {
		size_t n = windows - w < batch ? (size_t)(windows - w) : batch;
		for (size_t i = 0; i < n; i++) {
			size_t start = (size_t)(w + i) * t;
			memcpy(bb.ids + i * t, tok->ids + start, t * sizeof *bb.ids);
			memcpy(bb.labels + i * t, tok->ids + start + 1, t * sizeof *bb.labels);
		}
		dl_batch bt = { .b = n, .t = t, .ids = bb.ids, .labels = bb.labels };
		double l = dl_model_forward(m, &bt, DL_PASS_EVAL, NULL, pool);
		sum += l * (double)(n * t);
		r.count += n * t;
	}
	r.loss = r.count ? sum / (double)r.count : 0;
	batchbuf_free(&bb);
	return r;
}

static struct evalres eval_mlp(dl_model *m, const dl_nn_table *tab, size_t batch, dl_pool *pool)
{
	const dl_spec *s = dl_model_spec(m);
	size_t out = s->sizes[s->nsizes - 1];
	struct batchbuf bb;
	batchbuf_init(&bb, s, batch, 0);
	struct evalres r = { 0 };
	double sum = 0;
	for (size_t first = 0; first < tab->rows; first += batch) {
		size_t n = tab->rows - first < batch ? tab->rows - first : batch;
		mlp_rows(&bb, tab, s, NULL, first, n);
		double l = dl_model_forward(m, &bb.bt, DL_PASS_EVAL, NULL, pool);
		sum += l * (double)n;
		if (s->loss == DL_LOSS_SOFTMAX) {
			const float *o = dl_model_output(m);
			for (size_t i = 0; i < n; i++)
				r.correct += argmax(o + i * out, out) == (size_t)bb.labels[i];
		}
		r.count += n;
	}
	r.loss = r.count ? sum / (double)r.count : 0;
	batchbuf_free(&bb);
	return r;
}

static struct evalres evaluate(dl_model *m, const struct data *d, size_t batch,
			       uint64_t max_windows, dl_pool *pool)
{
	if (is_gpt(m))
		return eval_gpt(m, &d->tok, batch, max_windows, pool);
	return eval_mlp(m, &d->tab, batch, pool);
}

/* ------------------------------------------------------------------ fit */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct fit {
	const struct args *a;
	dl_model *m;
	dl_optim opt;
	dl_pool *pool;
	struct data train, valid;
	int have_valid;
	struct batchbuf bb;
	uint64_t step, total, per_epoch;
	const char *out;
	int progress;           /* step lines on stderr: a terminal, or --verbose */
};

static void save(struct fit *f, const char *path)
{
	char step[32], seed[32];
	snprintf(step, sizeof step, "%" PRIu64, f->step);
	snprintf(seed, sizeof seed, "%" PRIu64, f->a->common.seed);
	const char *meta[] = { "step", step, "seed", seed };
	dl_ckpt_save(path, f->m, &f->opt, meta, 2);
}

static void fit_setup_model(struct fit *f, dl_spec *s)
{
	const struct args *a = f->a;
	size_t batch = (size_t)a->batch;
	if (a->resume) {
		dl_ckpt *c;
		f->m = load_checkpoint(a->resume, NULL, batch, &c);
		if (a->spec) {
			dl_spec given;
			read_spec(a->spec, &given);
			char *j1 = dl_spec_json(&given), *j2 = dl_spec_json(dl_ckpt_spec(c));
			if (strcmp(j1, j2) != 0)
				dl_die("--model does not match the spec of %s (%s)", a->resume, j2);
			dl_free(j1);
			dl_free(j2);
		}
		*s = *dl_ckpt_spec(c);
		dl_optim_conf oc = f->opt.conf;
		dl_err e;
		dl_optim_init(&f->opt, &oc, dl_model_nparams(f->m));
		int rc = dl_ckpt_load_optim(c, f->m, &f->opt, &e);
		if (rc < 0)
			dl_die("%s", e.msg);
		if (rc == 0)
			dl_warn("%s has no %s state: the optimizer starts afresh", a->resume,
				a->optim == DL_OPT_SGD ? "sgd" : a->optim == DL_OPT_ADAM ? "adam"
											 : "adamw");
		const char *seed = dl_ckpt_meta(c, "seed");
		char want[32];
		snprintf(want, sizeof want, "%" PRIu64, a->common.seed);
		if (seed && strcmp(seed, want) != 0)
			dl_warn("%s was trained with --seed %s, this run uses %s: the batches and "
				"dropout will differ from an uninterrupted run", a->resume, seed, want);
		const char *st = dl_ckpt_meta(c, "step");
		f->step = st ? strtoull(st, NULL, 10) : f->opt.step;
		dl_ckpt_close(c);
		return;
	}
	if (!a->spec)
		dl_usage_error("fit: give the model with --model SPEC.json (or --resume CKPT)");
	read_spec(a->spec, s);
	f->m = new_model(s, batch);
	dl_model_init(f->m, a->common.seed);
	dl_optim_conf oc = f->opt.conf;
	dl_optim_init(&f->opt, &oc, dl_model_nparams(f->m));
}

static void log_eval(struct fit *f, const char *what, struct evalres r)
{
	const dl_spec *s = dl_model_spec(f->m);
	char acc[64] = "";
	if (s->kind == DL_MODEL_MLP && s->loss == DL_LOSS_SOFTMAX)
		snprintf(acc, sizeof acc, "  accuracy %.4f", r.correct / (double)r.count);
	if (!f->a->common.quiet)
		fprintf(stderr, "step %" PRIu64 "  %s loss %.4f%s\n", f->step, what, r.loss, acc);
	if (s->kind == DL_MODEL_MLP && s->loss == DL_LOSS_SOFTMAX)
		dl_log(metrics, "\"step\":%" PRIu64 ",\"%s_loss\":%.6g,\"%s_accuracy\":%.6g", f->step,
		       what, r.loss, what, r.correct / (double)r.count);
	else
		dl_log(metrics, "\"step\":%" PRIu64 ",\"%s_loss\":%.6g", f->step, what, r.loss);
}

static void fit_eval(struct fit *f)
{
	if (!f->have_valid)
		return;
	struct evalres r = evaluate(f->m, &f->valid, (size_t)f->a->batch,
				    (uint64_t)f->a->eval_batches * (uint64_t)f->a->batch, f->pool);
	log_eval(f, "val", r);
}

/* One optimizer step: accum micro-batches. Returns the mean loss. */
static double fit_step(struct fit *f, double *norm, double *lr)
{
	const struct args *a = f->a;
	const dl_spec *s = dl_model_spec(f->m);
	size_t n = dl_model_nparams(f->m);
	float *g = dl_model_grads(f->m);
	memset(g, 0, n * sizeof *g);
	double loss = 0;
	for (long long i = 0; i < a->accum; i++) {
		uint64_t k = f->step * (uint64_t)a->accum + (uint64_t)i;
		if (s->kind == DL_MODEL_GPT)
			gpt_windows(&f->bb, &f->train.tok, (size_t)a->batch, s->block_size,
				    a->common.seed, k);
		else
			mlp_batch(&f->bb, &f->train.tab, s, (size_t)a->batch, a->common.seed, k);
		f->bb.bt.scale = (float)(1.0 / (double)a->accum);
		dl_rng r;
		dl_rng_init(&r, a->common.seed, DROPOUT + k);
		loss += dl_model_forward(f->m, &f->bb.bt, DL_PASS_TRAIN, &r, f->pool) /
			(double)a->accum;
		dl_model_backward(f->m, f->pool);
	}
	if (!isfinite(loss))
		return loss;
	*norm = a->clip > 0 ? dl_clip_grad_norm(g, n, a->clip) : NAN;
	*lr = dl_sched_lr(a->sched, a->lr, a->min_lr, (uint64_t)a->warmup, f->total, f->step);
	dl_optim_step(&f->opt, dl_model_params(f->m), g, dl_model_decay_mask(f->m), *lr, f->pool);
	f->step++;
	return loss;
}

static void fit_report(struct fit *f, double loss, double lr, double norm, double rate,
		       double shown, double ms, int show)
{
	const dl_spec *s = dl_model_spec(f->m);
	const char *unit = s->kind == DL_MODEL_GPT ? "tok/s" : "samples/s";
	if (show && f->progress)
		fprintf(stderr, "step %" PRIu64 "/%" PRIu64 "  loss %.4f  lr %.3g  %.0f %s\n",
			f->step, f->total, loss, lr, shown, unit);
	const char *what = s->kind == DL_MODEL_GPT ? "tokens_per_s" : "samples_per_s";
	if (isnan(norm))
		dl_log(metrics, "\"step\":%" PRIu64 ",\"loss\":%.6g,\"lr\":%.6g,\"%s\":%.6g,"
		       "\"ms\":%.3f", f->step, loss, lr, what, rate, ms);
	else
		dl_log(metrics, "\"step\":%" PRIu64 ",\"loss\":%.6g,\"lr\":%.6g,\"grad_norm\":%.6g,"
		       "\"%s\":%.6g,\"ms\":%.3f", f->step, loss, lr, norm, what, rate, ms);
}

static void fit_loop(struct fit *f)
{
	const struct args *a = f->a;
	const dl_spec *s = dl_model_spec(f->m);
	double per_step = (double)a->batch * (double)a->accum *
			  (s->kind == DL_MODEL_GPT ? (double)s->block_size : 1.0);
	double t_last = dl_now(), t_start = t_last;
	uint64_t s_last = f->step, saved = f->step;
	while (f->step < f->total) {
		double norm = NAN, lr = 0;
		double t0 = dl_now();
		double loss = fit_step(f, &norm, &lr);
		if (!isfinite(loss)) {
			const char *what = isnan(loss) ? "NaN" : "infinite";
			const char *kept = saved > 0 ? f->out : a->resume;
			if (kept)
				dl_error("loss is %s at step %" PRIu64 "; stopped (the last checkpoint "
					 "written is kept: %s)", what, f->step + 1, kept);
			else
				dl_error("loss is %s at step %" PRIu64 "; stopped (no checkpoint "
					 "written)", what, f->step + 1);
			exit(DL_EXIT_FAIL);
		}
		double now = dl_now();
		int last = f->step == f->total;
		int show = a->common.verbose || now - t_last >= 2.0 || last || f->step == 1;
		/* the log has this step's rate; a progress line the rate since the last one */
		double rate = per_step / (now - t0 > 0 ? now - t0 : 1e-9);
		double shown = rate;
		if (show && f->step > s_last + 1)
			shown = per_step * (double)(f->step - s_last) / (now - t_last > 0 ? now - t_last
											  : 1e-9);
		fit_report(f, loss, lr, norm, rate, shown, (now - t0) * 1e3, show);
		if (show) {
			t_last = now;
			s_last = f->step;
		}
		if (a->eval_every && f->step % (uint64_t)a->eval_every == 0 && !last)
			fit_eval(f);
		if (a->save_every && f->step % (uint64_t)a->save_every == 0 && !last) {
			save(f, f->out);
			saved = f->step;
		}
		if (interrupted) {
			save(f, f->out);
			if (!a->common.quiet)
				fprintf(stderr, "interrupted: step %" PRIu64 " saved to %s\n", f->step,
					f->out);
			exit(130);
		}
	}
	fit_eval(f);
	if (f->progress && f->total > 0)
		fprintf(stderr, "%" PRIu64 " steps in %.2f s\n", f->total, dl_now() - t_start);
}

static void cmd_fit(struct args *a)
{
	struct fit f;
	memset(&f, 0, sizeof f);
	f.a = a;
	if (!a->output)
		dl_usage_error("fit: give the checkpoint to write with -o CKPT");
	if (!a->data)
		dl_usage_error("fit: give the training data with --data FILE");
	f.out = a->output;
	f.progress = !a->common.quiet && (a->common.verbose || isatty(STDERR_FILENO));
	f.opt.conf = (dl_optim_conf){ .kind = a->optim, .lr = a->lr, .momentum = a->momentum,
				      .nesterov = a->nesterov, .beta1 = a->beta1,
				      .beta2 = a->beta2, .eps = a->eps, .weight_decay = a->wd };
	if (a->optim == DL_OPT_SGD && !a->have_wd)
		f.opt.conf.weight_decay = 0;
	f.pool = pool_new(a);
	dl_spec s;
	fit_setup_model(&f, &s);
	double step_flops = dl_model_train_flops(f.m) * (double)a->batch * (double)a->accum *
			    (s.kind == DL_MODEL_GPT ? (double)s.block_size : 1.0);
	if (step_flops < SMALL_STEP && a->common.threads > 1) {
		if (a->common.verbose)
			fprintf(stderr, "a step is %.3g FLOPs: one thread\n", step_flops);
		dl_pool_free(f.pool);
		f.pool = NULL;
		dl_blas_set_threads(1);
	}
	load_data(&f.train, a, a->data, &s, 1);
	if (a->valid) {
		load_data(&f.valid, a, a->valid, &s, 1);
		f.have_valid = 1;
	}
	batchbuf_init(&f.bb, &s, (size_t)a->batch, f.train.tab.rows);
	if (s.kind == DL_MODEL_GPT) {
		uint64_t w = (uint64_t)a->batch * s.block_size * (uint64_t)a->accum;
		f.per_epoch = f.train.tok.n / w ? f.train.tok.n / w : 1;
	} else {
		uint64_t nb = mlp_batches(&f.train.tab, (size_t)a->batch);
		f.per_epoch = (nb + (uint64_t)a->accum - 1) / (uint64_t)a->accum;
	}
	f.total = a->steps ? (uint64_t)a->steps
			   : f.per_epoch * (uint64_t)(a->epochs ? a->epochs : 1);
	if (f.step > f.total)
		dl_die("%s is at step %" PRIu64 ", past the %" PRIu64 " steps asked for", a->resume,
		       f.step, f.total);
	if (a->common.verbose) {
		char *j = dl_spec_json(&s);
		fprintf(stderr, "spec %s\n%zu parameters, %" PRIu64 " steps from step %" PRIu64
			", BLAS kernel %s, %d threads\n", j, dl_model_nparams(f.m), f.total,
			f.step, dl_blas_kernel(), a->common.threads);
		dl_free(j);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	fit_loop(&f);
	save(&f, f.out);
	batchbuf_free(&f.bb);
	free_data(&f.train);
	free_data(&f.valid);
	dl_optim_free(&f.opt);
	dl_model_free(f.m);
	dl_pool_free(f.pool);
}

/* ------------------------------------------------------------------ eval, predict */

static dl_model *checkpoint_arg(struct args *a, size_t batch)
{
	if (!a->ckpt)
		dl_usage_error("%s: give the checkpoint with -m CKPT", cmd->name);
	return load_checkpoint(a->ckpt, a->spec, batch, NULL);
}

static void cmd_eval(struct args *a)
{
	if (!a->data)
		dl_usage_error("eval: give the data with --data FILE");
	dl_model *m = checkpoint_arg(a, (size_t)a->batch);
	dl_pool *pool = pool_new(a);
	struct data d;
	load_data(&d, a, a->data, dl_model_spec(m), 1);
	struct evalres r = evaluate(m, &d, (size_t)a->batch, 0, pool);
	const dl_spec *s = dl_model_spec(m);
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	if (s->kind == DL_MODEL_GPT)
		dl_out_printf(out, "{\"loss\":%.6g,\"perplexity\":%.6g,\"tokens\":%" PRIu64 "}\n",
			      r.loss, exp(r.loss), r.count);
	else if (s->loss == DL_LOSS_SOFTMAX)
		dl_out_printf(out, "{\"loss\":%.6g,\"accuracy\":%.6g,\"rows\":%" PRIu64 "}\n", r.loss,
			      r.correct / (double)r.count, r.count);
	else
		dl_out_printf(out, "{\"loss\":%.6g,\"rows\":%" PRIu64 "}\n", r.loss, r.count);
	dl_out_close(out);
	free_data(&d);
	dl_model_free(m);
	dl_pool_free(pool);
}

static void cmd_predict(struct args *a)
{
	if (!a->data)
		dl_usage_error("predict: give the data with --data FILE");
	dl_model *m = checkpoint_arg(a, (size_t)a->batch);
	const dl_spec *s = dl_model_spec(m);
	if (s->kind != DL_MODEL_MLP)
		dl_usage_error("predict: %s is a gpt model; use 'dl-train sample'", a->ckpt);
	dl_pool *pool = pool_new(a);
	struct data d;
	load_data(&d, a, a->data, s, 0);
	size_t out_n = s->sizes[s->nsizes - 1];
	struct batchbuf bb;
	batchbuf_init(&bb, s, (size_t)a->batch, 0);
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	for (size_t first = 0; first < d.tab.rows; first += (size_t)a->batch) {
		size_t n = d.tab.rows - first < (size_t)a->batch ? d.tab.rows - first : (size_t)a->batch;
		mlp_rows(&bb, &d.tab, s, NULL, first, n);
		bb.bt.labels = NULL;
		bb.bt.y = NULL;
		dl_model_forward(m, &bb.bt, DL_PASS_EVAL, NULL, pool);
		const float *o = dl_model_output(m);
		for (size_t i = 0; i < n; i++) {
			const float *row = o + i * out_n;
			if (s->loss == DL_LOSS_SOFTMAX) {
				dl_out_printf(out, "%zu", argmax(row, out_n));
				if (a->probs) {
					double mx = row[argmax(row, out_n)], z = 0;
					for (size_t j = 0; j < out_n; j++)
						z += exp((double)row[j] - mx);
					for (size_t j = 0; j < out_n; j++)
						dl_out_printf(out, " %.6g", exp((double)row[j] - mx) / z);
				}
			} else {
				for (size_t j = 0; j < out_n; j++) {
					double v = s->loss == DL_LOSS_BCE ? 1 / (1 + exp(-(double)row[j]))
									  : (double)row[j];
					dl_out_printf(out, j ? " %.6g" : "%.6g", v);
				}
			}
			dl_out_putc(out, '\n');
		}
	}
	dl_out_close(out);
	batchbuf_free(&bb);
	free_data(&d);
	dl_model_free(m);
	dl_pool_free(pool);
}

/* ------------------------------------------------------------------ sample */

/* The next token from logits: greedy at temperature 0, else softmax(logits / T) over the
 * top_k largest (all when 0). */
static uint32_t pick(const float *logits, size_t v, double temp, size_t top_k, dl_rng *r,
		     double *p)
{
	size_t best = argmax(logits, v);
	if (temp == 0)
		return (uint32_t)best;
	float cut = -INFINITY;
	if (top_k && top_k < v) {
		/* the k-th largest: the smallest of a running top-k */
		float *top = dl_mallocarray(top_k, sizeof *top);
		size_t n = 0;
		for (size_t i = 0; i < v; i++) {
			if (n < top_k) {
				top[n++] = logits[i];
			} else {
				size_t lo = 0;
				for (size_t j = 1; j < n; j++)
					if (top[j] < top[lo])
						lo = j;
				if (logits[i] > top[lo])
					top[lo] = logits[i];
			}
		}
		cut = top[0];
		for (size_t j = 1; j < n; j++)
			cut = top[j] < cut ? top[j] : cut;
		dl_free(top);
	}
	double z = 0, mx = logits[best];
	for (size_t i = 0; i < v; i++) {
		p[i] = logits[i] >= cut ? exp(((double)logits[i] - mx) / temp) : 0;
		z += p[i];
	}
	double u = dl_rng_double(r) * z, acc = 0;
	for (size_t i = 0; i < v; i++) {
		acc += p[i];
		if (u < acc && p[i] > 0)
			return (uint32_t)i;
	}
	return (uint32_t)best;
}

static void emit(dl_out *out, const dl_bpe *tok, uint32_t id)
{
	if (!tok) {
		dl_out_putc(out, (int)id);
		return;
	}
	size_t len;
	const uint8_t *p = dl_bpe_token(tok, id, &len);
	if (p)
		dl_out_write(out, p, len);
}

static void cmd_sample(struct args *a)
{
	dl_model *m = checkpoint_arg(a, 1);
	const dl_spec *s = dl_model_spec(m);
	if (s->kind != DL_MODEL_GPT)
		dl_usage_error("sample: %s is an mlp model; use 'dl-train predict'", a->ckpt);
	dl_err e;
	dl_bpe *tok = NULL;
	if (a->tokenizer) {
		tok = dl_bpe_load_json(a->tokenizer, &e);
		if (!tok)
			dl_die("%s", e.msg);
		if (dl_bpe_id_limit(tok) > s->vocab_size)
			dl_die("%s: the tokenizer has ids up to %u, the model's vocab_size is %zu",
			       a->tokenizer, dl_bpe_id_limit(tok) - 1, s->vocab_size);
	} else if (s->vocab_size > 256) {
		dl_usage_error("sample: the model has %zu tokens, not bytes; give --tokenizer "
			       "MODEL.json", s->vocab_size);
	}
	const char *prompt = a->prompt ? a->prompt : "\n";
	size_t plen = strlen(prompt);
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0;
	if (tok) {
		dl_bpe_encoder *enc = dl_bpe_encoder_new(tok);
		size_t ns = dl_bpe_nspecial(tok);
		enum dl_special_use *use = dl_calloc(ns ? ns : 1, sizeof *use);
		for (size_t i = 0; i < ns; i++)
			use[i] = DL_SPECIAL_ALLOWED;
		size_t which;
		dl_bpe_encode(enc, (const uint8_t *)prompt, plen, use, &ids, &n, &cap, &which);
		dl_free(use);
		dl_bpe_encoder_free(enc);
	} else {
		DL_GROW(ids, cap, plen);
		for (size_t i = 0; i < plen; i++)
			ids[n++] = (uint8_t)prompt[i];
	}
	if (n == 0)
		dl_usage_error("sample: the prompt encodes to no tokens");
	DL_GROW(ids, cap, n + (size_t)a->tokens);
	dl_pool *pool = pool_new(a);
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	dl_out_write(out, prompt, plen);
	dl_rng r;
	dl_rng_init(&r, a->common.seed, SAMPLING);
	size_t v = s->vocab_size, t = s->block_size;
	int32_t *ctx = dl_mallocarray(t, sizeof *ctx);
	double *p = dl_mallocarray(v, sizeof *p);
	for (long long k = 0; k < a->tokens; k++) {
		size_t len = n < t ? n : t;
		for (size_t i = 0; i < len; i++)
			ctx[i] = (int32_t)ids[n - len + i];
		dl_batch bt = { .b = 1, .t = len, .ids = ctx };
		dl_model_forward(m, &bt, DL_PASS_EVAL, NULL, pool);
		const float *logits = dl_model_output(m) + (len - 1) * v;
		uint32_t id = pick(logits, v, a->temperature, (size_t)a->top_k, &r, p);
		ids[n++] = id;
		emit(out, tok, id);
	}
	dl_out_putc(out, '\n');
	dl_out_close(out);
	dl_free(ctx);
	dl_free(p);
	dl_free(ids);
	dl_bpe_free(tok);
	dl_model_free(m);
	dl_pool_free(pool);
}

/* ------------------------------------------------------------------ summary */

static void cmd_summary(struct args *a)
{
	dl_model *m;
	if (a->ckpt) {
		m = checkpoint_arg(a, (size_t)a->batch);
	} else {
		if (!a->spec)
			dl_usage_error("summary: give --model SPEC.json or -m CKPT");
		dl_spec s;
		read_spec(a->spec, &s);
		m = new_model(&s, (size_t)a->batch);
	}
	const dl_spec *s = dl_model_spec(m);
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	char *j = dl_spec_json(s);
	dl_out_printf(out, "spec %s\n\n%-44s %-14s %12s\n", j, "tensor", "shape", "parameters");
	dl_free(j);
	size_t total = 0;
	for (size_t i = 0; i < dl_model_ntensors(m); i++) {
		const dl_param *p = dl_model_tensor(m, i);
		char shape[48];
		if (p->ndim == 2)
			snprintf(shape, sizeof shape, "[%" PRIu64 ", %" PRIu64 "]", p->shape[0],
				 p->shape[1]);
		else
			snprintf(shape, sizeof shape, "[%" PRIu64 "]", p->shape[0]);
		dl_out_printf(out, "%-44s %-14s %12zu\n", p->name, shape, p->count);
		total += p->count;
	}
	const char *unit = s->kind == DL_MODEL_GPT ? "token" : "sample";
	double flops = dl_model_train_flops(m);
	dl_out_printf(out, "%-44s %-14s %12zu\n\n", "total", "", total);
	dl_out_printf(out, "training FLOPs per %s: %.4g (forward %.4g)\n", unit, flops, flops / 3);
	if (s->kind == DL_MODEL_GPT)
		dl_out_printf(out, "training FLOPs per step of batch %lld: %.4g\n", a->batch,
			      flops * (double)a->batch * (double)s->block_size);
	dl_out_printf(out, "activation memory at batch %lld: %.1f MB\n", a->batch,
		      (double)dl_model_arena_bytes(m) / 1e6);
	dl_out_printf(out, "parameters, gradients and AdamW moments: %.1f MB\n",
		      16.0 * (double)dl_model_nparams(m) / 1e6);
	dl_out_printf(out, "BLAS kernel: %s\n", dl_blas_kernel());
	dl_out_close(out);
	dl_model_free(m);
}

/* ------------------------------------------------------------------ commands */

#define COMMON_HELP                                                                 \
	"      --threads N         threads (default: all cores)\n"                     \
	"  -q, --quiet             no progress or warnings\n"                           \
	"      --verbose           more detail on standard error\n"                     \
	"      --log FILE          metrics as JSON lines\n"                             \
	"  -h, --help              this help\n"

static const int o_fit[] = { 'o', OPT_MODEL, OPT_DATA, OPT_VALID, OPT_EPOCHS, OPT_STEPS,
	OPT_BATCH, OPT_LR, OPT_MIN_LR, OPT_SCHEDULE, OPT_WARMUP, OPT_WD, OPT_CLIP, OPT_ACCUM,
	OPT_EVAL_EVERY, OPT_EVAL_BATCHES, OPT_SAVE_EVERY, OPT_RESUME, OPT_OPTIM, OPT_MOMENTUM,
	OPT_NESTEROV, OPT_BETA1, OPT_BETA2, OPT_EPS, OPT_BYTES, OPT_LABEL, OPT_FEATURE,
	OPT_FORMAT, 0 };
static const int o_eval[] = { 'o', 'm', OPT_MODEL, OPT_DATA, OPT_BATCH, OPT_BYTES, OPT_LABEL,
	OPT_FEATURE, OPT_FORMAT, 0 };
static const int o_predict[] = { 'o', 'm', OPT_MODEL, OPT_DATA, OPT_BATCH, OPT_LABEL,
	OPT_FORMAT, OPT_PROBS, 0 };
static const int o_sample[] = { 'o', 'm', OPT_MODEL, OPT_TOKENIZER, OPT_PROMPT, OPT_TOKENS,
	OPT_TEMP, OPT_TOPK, 0 };
static const int o_summary[] = { 'o', 'm', OPT_MODEL, OPT_BATCH, 0 };

static const struct command commands[] = {
	{ "fit", cmd_fit, o_fit,
	  "Usage: dl-train fit --model SPEC.json --data TRAIN -o CKPT [OPTIONS]\n"
	  "       dl-train fit --resume CKPT --data TRAIN -o CKPT [OPTIONS]\n"
	  "Train a model. GPT data: token records (dl-tokenize encode --format records) or\n"
	  "JSON lines with an int64 feature 'ids', or any file's bytes with --bytes; batches\n"
	  "are random windows of block_size tokens. MLP data: records, JSON lines or CSV, the\n"
	  "--label feature the target and every other numeric feature an input.\n"
	  "  -o, --output FILE         the checkpoint (safetensors), also written on SIGINT\n"
	  "      --model SPEC          the spec: a JSON file, or JSON text\n"
	  "      --data FILE           training data\n"
	  "      --valid FILE          validation data, evaluated every --eval-every steps and\n"
	  "                            at the end\n"
	  "      --epochs N            passes over the data (default 1)\n"
	  "      --steps N             optimizer steps instead of epochs\n"
	  "      --batch N             rows or windows per micro-batch (default 32)\n"
	  "      --accum N             micro-batches per step (default 1)\n"
	  "      --optimizer O         adamw (default), adam or sgd\n"
	  "      --lr X                learning rate (default 0.001)\n"
	  "      --schedule S          constant (default), cosine or linear decay to --min-lr\n"
	  "      --warmup N            steps of linear warmup (default 0)\n"
	  "      --min-lr X            the rate at the end of a decay (default 0)\n"
	  "      --weight-decay X      decoupled (adamw) or L2 (adam, sgd) decay of matrices and\n"
	  "                            embeddings (default 0.01; sgd 0)\n"
	  "      --beta1 X, --beta2 X  Adam's moment decay rates (default 0.9, 0.999)\n"
	  "      --eps X               Adam's epsilon (default 1e-8)\n"
	  "      --momentum X          sgd momentum (default 0)\n"
	  "      --nesterov            sgd Nesterov momentum\n"
	  "      --clip X              clip the gradient's global L2 norm to X (default off)\n"
	  "      --eval-every N        evaluate on --valid every N steps (default: at the end)\n"
	  "      --eval-batches N      GPT validation batches per evaluation (default 20)\n"
	  "      --save-every N        write the checkpoint every N steps (default: at the end)\n"
	  "      --resume CKPT         continue from a checkpoint (weights, moments, step)\n"
	  "      --bytes               GPT data are raw bytes (ids 0-255)\n"
	  "      --feature NAME        the int64 feature of token records (default ids)\n"
	  "      --label NAME          the MLP target feature or column (default label)\n"
	  "      --format F            MLP data: auto (default), records, jsonl or csv\n"
	  "      --seed N              weights, batches and dropout (default 1)\n"
	  COMMON_HELP },
	{ "eval", cmd_eval, o_eval,
	  "Usage: dl-train eval -m CKPT --data FILE [OPTIONS]\n"
	  "Print the mean loss on FILE as JSON (with accuracy for a softmax MLP, perplexity for\n"
	  "a GPT, whose windows of block_size tokens are taken one after the other).\n"
	  "  -m, --checkpoint CKPT     the checkpoint\n"
	  "      --model SPEC          the spec, when CKPT holds plain weights\n"
	  "      --data FILE           the data (as for fit)\n"
	  "      --batch N             rows or windows per forward pass (default 32)\n"
	  "      --bytes, --feature NAME, --label NAME, --format F   as for fit\n"
	  "  -o, --output FILE         write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "predict", cmd_predict, o_predict,
	  "Usage: dl-train predict -m CKPT --data FILE [OPTIONS]\n"
	  "One line per row of FILE: the class (softmax), the values (mse) or the\n"
	  "probabilities (bce) an MLP predicts. The label, when present, is ignored.\n"
	  "  -m, --checkpoint CKPT     the checkpoint\n"
	  "      --model SPEC          the spec, when CKPT holds plain weights\n"
	  "      --data FILE           the rows\n"
	  "      --probs               softmax: the class probabilities after the class\n"
	  "      --batch N, --label NAME, --format F   as for fit\n"
	  "  -o, --output FILE         write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "sample", cmd_sample, o_sample,
	  "Usage: dl-train sample -m CKPT [--tokenizer MODEL.json] [OPTIONS]\n"
	  "Generate text from a GPT: the prompt, then --tokens tokens, each drawn from the\n"
	  "softmax of the last position's logits over the last block_size tokens.\n"
	  "  -m, --checkpoint CKPT     the checkpoint\n"
	  "      --model SPEC          the spec, when CKPT holds plain weights\n"
	  "      --tokenizer FILE      a dl-tokenize model (default: ids are bytes)\n"
	  "      --prompt TEXT         the start (default a newline)\n"
	  "      --tokens N            tokens to generate (default 256)\n"
	  "      --temperature T       logits are divided by T; 0 picks the likeliest\n"
	  "                            (default 1)\n"
	  "      --top-k K             draw among the K likeliest only (default all)\n"
	  "      --seed N              the draws (default 1)\n"
	  "  -o, --output FILE         write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "summary", cmd_summary, o_summary,
	  "Usage: dl-train summary --model SPEC.json [--batch N]\n"
	  "       dl-train summary -m CKPT\n"
	  "Parameters per tensor, training FLOPs per token or sample, activation memory at\n"
	  "the batch size, and the BLAS kernel in use.\n"
	  "      --model SPEC          the spec\n"
	  "  -m, --checkpoint CKPT     a checkpoint instead\n"
	  "      --batch N             batch size for the memory figure (default 32)\n"
	  "  -o, --output FILE         write FILE instead of standard output\n"
	  COMMON_HELP },
};

int main(int argc, char **argv)
{
	struct args a;
	memset(&a, 0, sizeof a);
	dl_blas_init(argc, argv);
	dl_cli_init(argc, argv, &a.common);
	cmd = &commands[dl_cli_subcommand(argc, argv, commands, sizeof commands / sizeof *commands,
					  sizeof *commands, usage_main)];
	parse_args(cmd, argc - 1, argv + 1, &a);
	metrics = dl_log_open(a.common.log_path);
	double t0 = dl_now();
	cmd->run(&a);
	dl_log(metrics, "\"command\":\"%s\",\"seconds\":%.3f", cmd->name, dl_now() - t0);
	dl_log_close(metrics);
	return 0;
}
