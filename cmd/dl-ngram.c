/*
 * dl-ngram — n-gram language models: count n-grams, estimate interpolated modified
 * Kneser-Ney models (the numbers of KenLM's lmplz), write and read ARPA, compile a binary
 * model that loads with mmap, compute perplexity (KenLM query's summary lines), score
 * sentences, and extract hashed n-gram features for classifiers.
 *
 * The algorithms live in lib/ngram: estimate.c (counting and estimation), arpa.c, model.c
 * (queries), binary.c, features.c. This file parses options and prints.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/cli.h"
#include "core/error.h"
#include "core/io.h"
#include "core/progress.h"
#include "core/threads.h"
#include "ngram/arpa.h"
#include "ngram/binary.h"
#include "ngram/corpus.h"
#include "ngram/estimate.h"
#include "ngram/features.h"
#include "ngram/model.h"
#include "record/example.h"
#include "record/tfrecord.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_main[] =
	"Usage: dl-ngram COMMAND [OPTIONS] [ARGS...]\n"
	"N-gram language models: interpolated modified Kneser-Ney estimation with KenLM's\n"
	"numbers, ARPA and a binary format, perplexity and scores, hashed n-gram features.\n"
	"\n"
	"Commands:\n"
	"  count      n-gram counts of a corpus\n"
	"  train      estimate a model (ARPA or binary)\n"
	"  compile    turn an ARPA model into a binary one (mmap, fast queries)\n"
	"  ppl        perplexity of a text (KenLM query's summary lines)\n"
	"  score      log10 probability of each line (and of each token)\n"
	"  features   hashed n-gram ids with counts per line, for classifiers\n"
	"\n"
	"Common options:\n"
	"      --threads N     worker threads (default: all cores)\n"
	"      --seed N        accepted for uniformity (nothing here is random)\n"
	"  -q, --quiet         no progress or warnings\n"
	"      --verbose       more detail on standard error\n"
	"      --log FILE      metrics as JSON lines\n"
	"  -h, --help          this help ('dl-ngram COMMAND --help': a command's own)\n"
	"      --version       version and build information\n"
	"\n"
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error.\n"
	"Manual: man dl-ngram.\n";

enum {
	OPT_ORDER = 0x100, OPT_FORMAT, OPT_INPUT, OPT_FEATURE, OPT_FALLBACK, OPT_ADJUSTED,
	OPT_TOKENS, OPT_CHARS, OPT_BYTES, OPT_WORDS, OPT_BUCKETS, OPT_LOAD, OPT_MEMORY,
	OPT_PRUNE,
};

static const struct option longopts[] = {
	{"output", required_argument, 0, 'o'},
	{"model", required_argument, 0, 'm'},
	{"order", required_argument, 0, OPT_ORDER},
	{"format", required_argument, 0, OPT_FORMAT},
	{"input", required_argument, 0, OPT_INPUT},
	{"feature", required_argument, 0, OPT_FEATURE},
	{"discount-fallback", optional_argument, 0, OPT_FALLBACK},
	{"adjusted", no_argument, 0, OPT_ADJUSTED},
	{"tokens", no_argument, 0, OPT_TOKENS},
	{"chars", no_argument, 0, OPT_CHARS},
	{"bytes", no_argument, 0, OPT_BYTES},
	{"words", no_argument, 0, OPT_WORDS},
	{"hash-buckets", required_argument, 0, OPT_BUCKETS},
	{"load", required_argument, 0, OPT_LOAD},
	{"memory", required_argument, 0, OPT_MEMORY},
	{"prune", required_argument, 0, OPT_PRUNE},
	DL_COMMON_LONGOPTS
};

struct args {
	dl_opts common;
	dl_ngram_est_opts est;
	const char *output, *model, *format, *feature;
	int input, adjusted, tokens, order_set;
	unsigned load;
	enum dl_ngram_unit unit;
	uint64_t buckets;
	const char *prune;              /* --prune's list, checked once the order is known */
	char **rest;
	int nrest;
	FILE *log;
};

struct command {
	const char *name;
	void (*run)(struct args *a);
	const int *opts;
	const char *usage;
};

static const struct command *cmd;

static void parse_fallback(const char *s, dl_ngram_est_opts *o)
{
	char *end;
	for (int k = 0; k < 3; k++) {
		double d = strtod(s, &end);
		if (end == s || !isfinite(d) || d < 0 || d > k + 1)
			dl_usage_error("--discount-fallback: '%s' is not three discounts D1,D2,D3 "
				       "(each D_k in [0, k])", s);
		o->fallback[k] = d;
		s = end;
		if (k < 2) {
			if (*s != ',' && *s != ' ')
				dl_usage_error("--discount-fallback: give D1,D2,D3 (e.g. 0.5,1,1.5)");
			s++;
		}
	}
	if (*s)
		dl_usage_error("--discount-fallback: unexpected '%s'", s);
}

/* --prune T1,T2,...: lmplz's thresholds, one per order from the unigrams on, separated by
 * commas or blanks; an n-gram whose count is at most its order's threshold is pruned. The
 * list must not decrease, must not be longer than the order, and must begin with 0 (no
 * unigram pruning); its last value serves the orders after it. */
static void parse_prune(const char *s, dl_ngram_est_opts *o)
{
	const char *p = s;
	int k = 0;
	uint64_t last = 0;

	for (;;) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*p < '0' || *p > '9')
			dl_usage_error("--prune: '%s' is not a list of counts (e.g. 0,0,1)", s);
		errno = 0;
		char *end;
		unsigned long long t = strtoull(p, &end, 10);
		if (errno || (*end && *end != ',' && *end != ' ' && *end != '\t'))
			dl_usage_error("--prune: '%s' is not a list of counts (e.g. 0,0,1)", s);
		if (k == o->order)
			dl_usage_error("--prune: %d thresholds or more for a model of order %d (give "
				       "one per order, from the unigrams on)", k + 1, o->order);
		if (k == 0 && t)
			dl_usage_error("--prune: unigrams cannot be pruned (the first threshold, "
				       "of the 1-grams, must be 0)");
		if (t < last)
			dl_usage_error("--prune: the thresholds must not decrease ('%s')", s);
		o->prune[k++] = last = t;
		p = end;
	}
	if (!k)
		dl_usage_error("--prune: give the thresholds (e.g. 0,0,1)");
	for (; k < o->order; k++)
		o->prune[k] = last;
}

/* SIZE[b|K|M|G|T] (powers of 1024; no suffix: bytes) or PERCENT% of physical memory. */
static uint64_t parse_memory(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	double mult = 1;
	if (end == s || !isfinite(v) || v <= 0)
		dl_usage_error("--memory: '%s' is not a size (e.g. 500M, 2G, 50%%)", s);
	switch (*end) {
	case 0: case 'b': case 'B': break;
	case 'k': case 'K': mult = 1024.0; break;
	case 'm': case 'M': mult = 1024.0 * 1024; break;
	case 'g': case 'G': mult = 1024.0 * 1024 * 1024; break;
	case 't': case 'T': mult = 1024.0 * 1024 * 1024 * 1024; break;
	case '%':
		if (v > 100)
			dl_usage_error("--memory: '%s' is more than 100%%", s);
		mult = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) / 100;
		break;
	default: dl_usage_error("--memory: '%s' is not a size (e.g. 500M, 2G, 50%%)", s);
	}
	if (*end && end[1])
		dl_usage_error("--memory: '%s' is not a size (e.g. 500M, 2G, 50%%)", s);
	if (v * mult >= 1.8e19)
		dl_usage_error("--memory: '%s' is too large", s);
	return (uint64_t)(v * mult);
}

static void parse_args(const struct command *c, int argc, char **argv, struct args *a)
{
	int ch;

	dl_ngram_est_opts_default(&a->est);
	a->input = DL_NGRAM_IN_AUTO;
	a->buckets = (uint64_t)1 << 20;
	a->load = DL_NGRAM_LOAD_MMAP;
	dl_cli_reset();
	while ((ch = getopt_long(argc, argv, ":o:m:" DL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		dl_cli_check_takes(c->name, c->opts, longopts, ch);
		switch (ch) {
		case 'o': a->output = optarg; break;
		case 'm': a->model = optarg; break;
		case OPT_ORDER:
			a->est.order = (int)dl_parse_ll(optarg, "--order", 1, DL_NGRAM_MAX_ORDER);
			a->order_set = 1;
			break;
		case OPT_FORMAT: a->format = optarg; break;
		case OPT_INPUT:
			if (!strcmp(optarg, "auto"))
				a->input = DL_NGRAM_IN_AUTO;
			else if (!strcmp(optarg, "text"))
				a->input = DL_NGRAM_IN_TEXT;
			else if (!strcmp(optarg, "records"))
				a->input = DL_NGRAM_IN_RECORDS;
			else
				dl_usage_error("--input: '%s' is not auto, text or records", optarg);
			break;
		case OPT_FEATURE:
			if (!*optarg)
				dl_usage_error("--feature: the name must not be empty");
			a->feature = optarg;
			break;
		case OPT_FALLBACK:
			a->est.discount_fallback = 1;
			if (optarg)
				parse_fallback(optarg, &a->est);
			break;
		case OPT_ADJUSTED: a->adjusted = 1; break;
		case OPT_TOKENS: a->tokens = 1; break;
		case OPT_CHARS: a->unit = DL_NGRAM_CHARS; break;
		case OPT_BYTES: a->unit = DL_NGRAM_BYTES; break;
		case OPT_WORDS: a->unit = DL_NGRAM_WORDS; break;
		case OPT_BUCKETS:
			a->buckets = (uint64_t)dl_parse_ll(optarg, "--hash-buckets", 1, INT64_MAX);
			break;
		case OPT_MEMORY: a->est.memory = parse_memory(optarg); break;
		case OPT_PRUNE: a->prune = optarg; break;
		case OPT_LOAD:
			if (!strcmp(optarg, "mmap"))
				a->load = DL_NGRAM_LOAD_MMAP;
			else if (!strcmp(optarg, "read"))
				a->load = 0;
			else
				dl_usage_error("--load: '%s' is not read or mmap", optarg);
			break;
		default: dl_cli_common(&a->common, ch, argc, argv, c->usage);
		}
	}
	a->rest = argv + optind;
	a->nrest = argc - optind;
}

static int progress_on(const struct args *a)
{
	return !a->common.quiet && (a->common.verbose || isatty(STDERR_FILENO));
}

/* ------------------------------------------------------------------ count, train */

static void need_order(const struct args *a)
{
	if (!a->order_set)
		dl_usage_error("%s: give the order with --order N", cmd->name);
}

static void read_corpus(struct args *a, dl_ngram_corpus *c)
{
	dl_err e;
	char *stdin_only[] = { "-" };
	char **files = a->nrest ? a->rest : stdin_only;
	int n = a->nrest ? a->nrest : 1;

	dl_ngram_corpus_init(c);
	for (int i = 0; i < n; i++)
		if (dl_ngram_corpus_read(c, files[i], (enum dl_ngram_input)a->input, a->feature,
					 &e) < 0)
			dl_die("%s", e.msg);
	if (c->reserved)
		dl_warn("%" PRIu64 " instance%s of <s>, </s> or <unk> in the input read as "
			"whitespace", c->reserved, c->reserved > 1 ? "s" : "");
	if (!c->words)
		dl_die("%s: the corpus has no words", n == 1 ? (strcmp(files[0], "-") ?
			files[0] : "(stdin)") : "input");
}

static dl_ngram_est *estimate(struct args *a, dl_ngram_corpus *c)
{
	dl_err e;
	a->est.threads = a->common.threads;
	a->est.progress = progress_on(a);
	dl_ngram_est *m = dl_ngram_estimate(c, &a->est, &e);
	if (!m)
		dl_die("%s", e.msg);
	for (int n = 0; n < m->order; n++) {
		if (m->fallback_used[n])
			dl_warn("%d-grams: discounts out of range, using the fallback D1=%g D2=%g "
				"D3+=%g", n + 1, m->disc[n][1], m->disc[n][2], m->disc[n][3]);
		if (a->common.verbose && !a->common.quiet)
			fprintf(stderr, "%s: %d-grams: %zu, D1=%g D2=%g D3+=%g\n", dl_progname(),
				n + 1, m->lev[n].n, m->disc[n][1], m->disc[n][2], m->disc[n][3]);
	}
	dl_log(a->log, "\"tokens\":%" PRIu64 ",\"vocabulary\":%zu", m->tokens, m->vocab.n);
	return m;
}

static void write_count_record(dl_out *out, dl_example *ex, dl_buf *rec, const char *words,
			       size_t wl, int order, uint32_t count)
{
	dl_example_clear(ex);
	dl_example_add(ex, "ngram", 5, DL_FEATURE_BYTES);
	dl_example_add_bytes(ex, words, wl);
	dl_example_add(ex, "order", 5, DL_FEATURE_INT64);
	dl_example_add_int64(ex, order);
	dl_example_add(ex, "count", 5, DL_FEATURE_INT64);
	dl_example_add_int64(ex, count);
	dl_buf_clear(rec);
	dl_example_encode(ex, rec);
	dl_tfrecord_write(out, rec->data, rec->len);
}

static void cmd_count(struct args *a)
{
	dl_ngram_corpus c;
	int records = 0;

	need_order(a);
	if (a->format && !(records = !strcmp(a->format, "records")) && strcmp(a->format, "text"))
		dl_usage_error("--format: '%s' is not text or records", a->format);
	read_corpus(a, &c);
	a->est.raw_counts = 1;
	a->est.probabilities = 0;
	a->est.discount_fallback = 1;
	dl_ngram_est *m = estimate(a, &c);
	dl_ngram_corpus_free(&c);

	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	dl_buf w = { 0 }, rec = { 0 };
	dl_example ex;
	dl_example_init(&ex);
	for (int n = 0; n < m->order; n++) {
		const dl_ngram_level *l = &m->lev[n];
		for (size_t i = 0; i < l->n; i++) {
			uint32_t cnt = a->adjusted ? l->adj[i] : l->raw[i];
			if (!cnt)
				continue;
			dl_buf_clear(&w);
			for (int k = 0; k <= n; k++) {
				uint32_t id = dl_ngram_key_word(l->keys[i], m->bits, k);
				if (k)
					dl_buf_putc(&w, ' ');
				dl_buf_append(&w, dl_ngram_vocab_word(&m->vocab, id), m->vocab.len[id]);
			}
			if (records) {
				write_count_record(out, &ex, &rec, (const char *)w.data, w.len, n + 1,
						   cnt);
			} else {
				dl_out_write(out, w.data, w.len);
				dl_out_printf(out, "\t%" PRIu32 "\n", cnt);
			}
		}
	}
	dl_out_close(out);
	dl_example_free(&ex);
	dl_buf_free(&w);
	dl_buf_free(&rec);
	dl_ngram_est_free(m);
}

static void cmd_train(struct args *a)
{
	dl_ngram_corpus c;
	int binary = 0;

	need_order(a);
	if (!a->output)
		dl_usage_error("train: give the output with -o MODEL");
	if (a->prune)
		parse_prune(a->prune, &a->est);
	if (a->format && !(binary = !strcmp(a->format, "binary")) && strcmp(a->format, "arpa"))
		dl_usage_error("--format: '%s' is not arpa or binary", a->format);
	dl_in_readahead_default(a->common.threads >= 2);
	read_corpus(a, &c);
	dl_ngram_est *m = estimate(a, &c);
	dl_ngram_corpus_free(&c);
	if (binary) {
		dl_ngram_model *q = dl_ngram_model_from_est(m);
		dl_ngram_est_free(m);
		dl_ngram_binary_write(q, a->output);
		dl_ngram_model_free(q);
		return;
	}
	dl_pool *pool = a->common.threads > 1 ? dl_pool_new(a->common.threads) : NULL;
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	dl_arpa_write(m, out, pool);
	dl_out_close(out);
	dl_pool_free(pool);
	dl_ngram_est_free(m);
}

/* ------------------------------------------------------------------ compile, ppl, score */

static dl_ngram_model *load_model(const struct args *a)
{
	dl_err e;
	if (!a->model)
		dl_usage_error("%s: give the model with -m MODEL", cmd->name);
	double t0 = dl_now();
	dl_ngram_model *m = dl_ngram_model_load(a->model, a->load, &e);
	if (!m)
		dl_die("%s", e.msg);
	if (a->common.verbose && !a->common.quiet)
		fprintf(stderr, "%s: %s: loaded in %.3f s\n", dl_progname(), a->model,
			dl_now() - t0);
	dl_log(a->log, "\"load_seconds\":%.6f", dl_now() - t0);
	return m;
}

static void cmd_compile(struct args *a)
{
	if (a->nrest != 1)
		dl_usage_error("compile: give one MODEL.arpa");
	if (!a->output)
		dl_usage_error("compile: give the output with -o MODEL.bin");
	a->model = a->rest[0];
	dl_ngram_model *m = load_model(a);
	dl_ngram_binary_write(m, a->output);
	dl_ngram_model_free(m);
}

/* The shortest decimal form that reads back as the same double. */
static void print_double(dl_out *out, double x)
{
	char buf[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	dl_out_puts(out, buf);
}

/* Calls fn for each line of the inputs (standard input when there is none). */
static void each_line(struct args *a, void (*fn)(void *ctx, char *line, size_t n), void *ctx)
{
	char *stdin_only[] = { "-" };
	char **files = a->nrest ? a->rest : stdin_only;
	int nf = a->nrest ? a->nrest : 1;
	dl_err e;

	for (int i = 0; i < nf; i++) {
		dl_in *in = dl_in_open(files[i], 0, &e);
		char *line;
		ptrdiff_t n;
		if (!in)
			dl_die("%s", e.msg);
		while ((n = dl_in_getline(in, &line, &e)) > 0 || (n == 0 && line))
			fn(ctx, line, (size_t)n);
		if (n < 0)
			dl_die("%s", e.msg);
		dl_in_close(in);
	}
}

struct ppl_ctx {
	const dl_ngram_model *m;
	dl_ngram_ppl p;
};

static void ppl_line(void *ctx, char *line, size_t n)
{
	struct ppl_ctx *c = ctx;
	dl_ngram_score_line(c->m, line, n, &c->p);
}

static void cmd_ppl(struct args *a)
{
	struct ppl_ctx c;
	memset(&c, 0, sizeof c);
	c.m = load_model(a);
	double t0 = dl_now();
	each_line(a, ppl_line, &c);
	double dt = dl_now() - t0;
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	dl_out_puts(out, "Perplexity including OOVs:\t");
	print_double(out, dl_ngram_ppl_including(&c.p));
	dl_out_puts(out, "\nPerplexity excluding OOVs:\t");
	print_double(out, dl_ngram_ppl_excluding(&c.p));
	dl_out_printf(out, "\nOOVs:\t%" PRIu64 "\nTokens:\t%" PRIu64 "\n", c.p.oovs, c.p.tokens);
	dl_out_close(out);
	if (a->common.verbose && !a->common.quiet)
		fprintf(stderr, "%s: %" PRIu64 " tokens in %.3f s (%.0f tokens/s)\n",
			dl_progname(), c.p.tokens, dt, dt > 0 ? (double)c.p.tokens / dt : 0);
	dl_log(a->log, "\"tokens\":%" PRIu64 ",\"oovs\":%" PRIu64 ",\"seconds\":%.6f",
	       c.p.tokens, c.p.oovs, dt);
	dl_ngram_model_free((dl_ngram_model *)c.m);
}

struct score_ctx {
	const dl_ngram_model *m;
	dl_out *out;
	int tokens;
};

/* One line as KenLM's query prints it: WORD=ID LENGTH LOG10P per token, then the total. */
static void score_tokens(struct score_ctx *c, const char *line, size_t n)
{
	const char *w[1];
	size_t wl[1], i = 0, oov = 0;
	dl_ngram_state s;
	double total = 0;
	char num[32];

	dl_ngram_state_begin(c->m, &s);
	for (;;) {
		size_t k = dl_ngram_split(line + i, n - i, w, wl, 1);
		uint32_t id;
		int len;
		if (k) {
			id = dl_ngram_model_id(c->m, w[0], wl[0]);
			i = (size_t)(w[0] - line) + wl[0];
			dl_out_write(c->out, w[0], wl[0]);
		} else {
			id = c->m->eos;
			dl_out_puts(c->out, "</s>");
		}
		float lp = dl_ngram_score(c->m, &s, id, &s, &len);
		total += lp;
		oov += id == c->m->unk;
		*dl_arpa_format(num, lp) = 0;
		dl_out_printf(c->out, "=%" PRIu32 " %d %s\t", id == c->m->unk ? 0 : id, len, num);
		if (!k)
			break;
	}
	*dl_arpa_format(num, (float)total) = 0;
	dl_out_printf(c->out, "Total: %s OOV: %zu\n", num, oov);
}

static void score_line(void *ctx, char *line, size_t n)
{
	struct score_ctx *c = ctx;
	if (c->tokens) {
		score_tokens(c, line, n);
		return;
	}
	char num[32];
	*dl_arpa_format(num, (float)dl_ngram_score_line(c->m, line, n, NULL)) = 0;
	dl_out_puts(c->out, num);
	dl_out_putc(c->out, '\n');
}

static void cmd_score(struct args *a)
{
	struct score_ctx c = { load_model(a), NULL, a->tokens };
	c.out = dl_out_open(a->output, DL_COMPRESS_NONE);
	each_line(a, score_line, &c);
	dl_out_close(c.out);
	dl_ngram_model_free((dl_ngram_model *)c.m);
}

/* ------------------------------------------------------------------ features */

struct feat_ctx {
	dl_ngram_featurizer f;
	dl_out *out;
	int records;
	dl_example ex;
	dl_buf rec;
};

static void feat_line(void *ctx, char *line, size_t n)
{
	struct feat_ctx *c = ctx;
	size_t k = dl_ngram_featurize(&c->f, line, n);
	if (!c->records) {
		for (size_t i = 0; i < k; i++)
			dl_out_printf(c->out, "%s%" PRIu64 ":%" PRIu32, i ? " " : "", c->f.out[i].id,
				      c->f.out[i].count);
		dl_out_putc(c->out, '\n');
		return;
	}
	dl_example_clear(&c->ex);
	dl_example_add(&c->ex, "ids", 3, DL_FEATURE_INT64);
	for (size_t i = 0; i < k; i++)
		dl_example_add_int64(&c->ex, (int64_t)c->f.out[i].id);
	dl_example_add(&c->ex, "counts", 6, DL_FEATURE_FLOAT);
	for (size_t i = 0; i < k; i++)
		dl_example_add_float(&c->ex, (float)c->f.out[i].count);
	dl_buf_clear(&c->rec);
	dl_example_encode(&c->ex, &c->rec);
	dl_tfrecord_write(c->out, c->rec.data, c->rec.len);
}

static void cmd_features(struct args *a)
{
	struct feat_ctx c;

	need_order(a);
	memset(&c, 0, sizeof c);
	if (a->format && !(c.records = !strcmp(a->format, "records")) &&
	    strcmp(a->format, "text"))
		dl_usage_error("--format: '%s' is not records or text", a->format);
	if (!a->format)
		c.records = 1;
	dl_ngram_featurizer_init(&c.f, a->unit, a->est.order, a->buckets);
	dl_example_init(&c.ex);
	c.out = dl_out_open(a->output, DL_COMPRESS_NONE);
	each_line(a, feat_line, &c);
	dl_out_close(c.out);
	dl_example_free(&c.ex);
	dl_buf_free(&c.rec);
	dl_ngram_featurizer_free(&c.f);
}

/* ------------------------------------------------------------------ main */

#define COMMON_HELP \
	"Common options (--threads, --quiet, --verbose, --log, --version): dl-ngram --help\n"

static const int o_count[] = { 'o', OPT_ORDER, OPT_FORMAT, OPT_INPUT, OPT_FEATURE,
			       OPT_ADJUSTED, OPT_MEMORY, 0 };
static const int o_train[] = { 'o', OPT_ORDER, OPT_FORMAT, OPT_INPUT, OPT_FEATURE,
			       OPT_FALLBACK, OPT_MEMORY, OPT_PRUNE, 0 };
static const int o_compile[] = { 'o', 0 };
static const int o_ppl[] = { 'o', 'm', OPT_LOAD, 0 };
static const int o_score[] = { 'o', 'm', OPT_TOKENS, OPT_LOAD, 0 };
static const int o_features[] = { 'o', OPT_ORDER, OPT_FORMAT, OPT_CHARS, OPT_BYTES, OPT_WORDS,
				  OPT_BUCKETS, 0 };

static const struct command commands[] = {
	{ "count", cmd_count, o_count,
	  "Usage: dl-ngram count --order N [OPTIONS] [FILE...]\n"
	  "Count the n-grams of orders 1..N of a corpus (a line is a sentence, <s> and </s>\n"
	  "added): lines 'W1 .. Wn<TAB>COUNT', the 1-grams first.\n"
	  "      --order N       the highest order (1 to 8)\n"
	  "      --adjusted      Kneser-Ney adjusted counts instead of raw counts\n"
	  "      --memory SIZE   memory budget of counting (e.g. 500M, 2G, 50%; default:\n"
	  "                      no limit); beyond it, sorted runs are merged from disk\n"
	  "      --format F      text (default) or records (ngram, order, count features)\n"
	  "      --input I       auto (default), text or records (token ids)\n"
	  "      --feature NAME  the int64 feature of token records (default ids)\n"
	  "  -o, --output FILE   write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "train", cmd_train, o_train,
	  "Usage: dl-ngram train --order N [OPTIONS] -o MODEL [FILE...]\n"
	  "Estimate an interpolated modified Kneser-Ney model as KenLM's lmplz does, from\n"
	  "text (a line is a sentence of whitespace-separated words) or token records.\n"
	  "      --order N       the order (1 to 8)\n"
	  "  -o, --output FILE   the model (written atomically)\n"
	  "      --format F      arpa (default) or binary (see compile)\n"
	  "      --discount-fallback[=D1,D2,D3]\n"
	  "                      when an order's discounts cannot be estimated (tiny or\n"
	  "                      artificial corpora), use these (default 0.5,1,1.5)\n"
	  "      --prune T1,T2,...\n"
	  "                      leave out the n-grams whose count is at most their order's\n"
	  "                      threshold, as lmplz --prune: one threshold per order from\n"
	  "                      the 1-grams on (T1 must be 0), not decreasing, the last\n"
	  "                      one serving the higher orders (e.g. 0,0,1: singleton\n"
	  "                      3-grams and above)\n"
	  "      --memory SIZE   memory budget of counting (e.g. 500M, 2G, 50%; default:\n"
	  "                      no limit); beyond it, sorted runs are merged from disk\n"
	  "      --input I       auto (default), text or records (token ids)\n"
	  "      --feature NAME  the int64 feature of token records (default ids)\n"
	  COMMON_HELP },
	{ "compile", cmd_compile, o_compile,
	  "Usage: dl-ngram compile MODEL.arpa -o MODEL.bin\n"
	  "Write the binary form of an ARPA model: hash tables that are mapped into memory\n"
	  "when loaded, so loading takes milliseconds.\n"
	  "  -o, --output FILE   the binary model (written atomically)\n"
	  COMMON_HELP },
	{ "ppl", cmd_ppl, o_ppl,
	  "Usage: dl-ngram ppl -m MODEL [TEXT...]\n"
	  "Perplexity of a text (a line is a sentence) with KenLM query's summary lines:\n"
	  "perplexity including and excluding OOVs, the OOV count and the token count (each\n"
	  "word and each line's </s>).\n"
	  "  -m, --model FILE    the model (ARPA or binary; detected)\n"
	  "      --load HOW      binary models: mmap (default; loads in milliseconds) or\n"
	  "                      read (into memory on huge pages: slower to load, faster\n"
	  "                      lookups, for long texts)\n"
	  "  -o, --output FILE   write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "score", cmd_score, o_score,
	  "Usage: dl-ngram score -m MODEL [--tokens] [TEXT...]\n"
	  "The log10 probability of each line (a sentence, </s> included), one a line.\n"
	  "  -m, --model FILE    the model (ARPA or binary; detected)\n"
	  "      --tokens        per token, as KenLM's query prints it:\n"
	  "                      WORD=ID LENGTH LOG10P ... Total: LOG10P OOV: N\n"
	  "      --load HOW      binary models: mmap (default) or read (see ppl)\n"
	  "  -o, --output FILE   write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "features", cmd_features, o_features,
	  "Usage: dl-ngram features --order N [OPTIONS] [TEXT...]\n"
	  "The hashed n-grams (orders 1..N) of each line with their counts, for a classifier:\n"
	  "a record per line with int64 'ids' (ascending) and float 'counts', or a text line\n"
	  "of ID:COUNT pairs.\n"
	  "      --order N          the highest order (1 to 8)\n"
	  "      --words            units are whitespace-separated words (default)\n"
	  "      --chars            units are characters (UTF-8 code points)\n"
	  "      --bytes            units are bytes\n"
	  "      --hash-buckets B   ids in [0, B) (default 1048576)\n"
	  "      --format F         records (default) or text\n"
	  "  -o, --output FILE      write FILE instead of standard output\n"
	  COMMON_HELP },
};

int main(int argc, char **argv)
{
	struct args a;

	memset(&a, 0, sizeof a);
	dl_cli_init(argc, argv, &a.common);
	cmd = &commands[dl_cli_subcommand(argc, argv, commands, sizeof commands / sizeof *commands,
					  sizeof *commands, usage_main)];
	parse_args(cmd, argc - 1, argv + 1, &a);
	if (a.common.quiet)
		dl_set_quiet(1);
	a.log = dl_log_open(a.common.log_path);
	double t0 = dl_now();
	cmd->run(&a);
	dl_log(a.log, "\"command\":\"%s\",\"seconds\":%.3f", cmd->name, dl_now() - t0);
	dl_log_close(a.log);
	return 0;
}
