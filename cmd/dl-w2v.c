/*
 * dl-w2v — word2vec: train word vectors (skip-gram or CBOW, negative sampling or
 * hierarchical softmax), query them (similar, analogy), evaluate them on analogy questions
 * and word-pair similarities, and convert them between formats.
 *
 * The algorithms live in lib/w2v: training in train.c, file formats in vectors.c, neighbours
 * and evaluation in eval.c. This file parses options and prints.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/blas.h"
#include "core/cli.h"
#include "core/error.h"
#include "core/io.h"
#include "core/progress.h"
#include "record/jsonl.h"
#include "w2v/eval.h"
#include "w2v/train.h"
#include "w2v/vectors.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_main[] =
	"Usage: dl-w2v COMMAND [OPTIONS] [ARGS...]\n"
	"Word vectors as word2vec makes them (skip-gram or CBOW, negative sampling or\n"
	"hierarchical softmax), in word2vec's binary and text formats or as safetensors.\n"
	"\n"
	"Commands:\n"
	"  train      learn vectors from text or token records\n"
	"  similar    the nearest words of words, by cosine\n"
	"  analogy    A is to B as C is to ?  (B - A + C)\n"
	"  eval       accuracy on analogy questions, or correlation with word-pair scores\n"
	"  convert    between bin, text and safetensors\n"
	"\n"
	"Common options:\n"
	"      --threads N     worker threads (default: all cores)\n"
	"      --seed N        random seed (default 1)\n"
	"  -q, --quiet         no progress or warnings\n"
	"      --verbose       more detail on standard error\n"
	"      --log FILE      metrics as JSON lines\n"
	"  -h, --help          this help ('dl-w2v COMMAND --help': a command's own)\n"
	"      --version       version and build information\n"
	"\n"
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error.\n"
	"Manual: man dl-w2v.\n";

enum {
	OPT_MODEL = 0x100, OPT_LOSS, OPT_DIM, OPT_WINDOW, OPT_NEGATIVE, OPT_SAMPLE, OPT_MIN_COUNT,
	OPT_MAX_VOCAB, OPT_EPOCHS, OPT_ALPHA, OPT_MIN_ALPHA, OPT_FORMAT, OPT_INPUT, OPT_FEATURE,
	OPT_SAVE_VOCAB, OPT_READ_VOCAB, OPT_ANALOGIES, OPT_SIMILARITY, OPT_RESTRICT, OPT_JSON,
	OPT_FROM, OPT_TO,
};

static const struct option longopts[] = {
	{"output", required_argument, 0, 'o'},
	{"vectors", required_argument, 0, 'm'},
	{"top", required_argument, 0, 'k'},
	{"model", required_argument, 0, OPT_MODEL},
	{"loss", required_argument, 0, OPT_LOSS},
	{"dim", required_argument, 0, OPT_DIM},
	{"window", required_argument, 0, OPT_WINDOW},
	{"negative", required_argument, 0, OPT_NEGATIVE},
	{"sample", required_argument, 0, OPT_SAMPLE},
	{"min-count", required_argument, 0, OPT_MIN_COUNT},
	{"max-vocab", required_argument, 0, OPT_MAX_VOCAB},
	{"epochs", required_argument, 0, OPT_EPOCHS},
	{"alpha", required_argument, 0, OPT_ALPHA},
	{"min-alpha", required_argument, 0, OPT_MIN_ALPHA},
	{"format", required_argument, 0, OPT_FORMAT},
	{"input", required_argument, 0, OPT_INPUT},
	{"feature", required_argument, 0, OPT_FEATURE},
	{"save-vocab", required_argument, 0, OPT_SAVE_VOCAB},
	{"read-vocab", required_argument, 0, OPT_READ_VOCAB},
	{"analogies", required_argument, 0, OPT_ANALOGIES},
	{"similarity", required_argument, 0, OPT_SIMILARITY},
	{"restrict", required_argument, 0, OPT_RESTRICT},
	{"json", no_argument, 0, OPT_JSON},
	{"from", required_argument, 0, OPT_FROM},
	{"to", required_argument, 0, OPT_TO},
	DL_COMMON_LONGOPTS
};

struct args {
	dl_opts common;
	dl_w2v_opts train;
	const char *output, *vectors, *format, *analogies, *similarity;
	int from, to;
	long long k;
	uint64_t restrict_rows;
	int json;
	char **rest;
	int nrest;
	FILE *log;          /* --log, open for the whole run */
};

struct command {
	const char *name;
	void (*run)(struct args *a);
	const int *opts;
	const char *usage;
};

static const struct command *cmd;

static int parse_choice(const char *s, const char *opt, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	dl_usage_error("%s: '%s' is not one of the choices (see --help)", opt, s);
}

static void parse_args(const struct command *c, int argc, char **argv, struct args *a)
{
	static const char *const models[] = { "skipgram", "cbow" };
	static const char *const losses[] = { "ns", "hs" };
	static const char *const inputs[] = { "text", "records" };
	dl_w2v_opts *t = &a->train;
	int ch;

	dl_w2v_opts_default(t);
	a->k = 10;
	a->from = DL_VEC_AUTO;
	a->to = -1;
	dl_cli_reset();
	while ((ch = getopt_long(argc, argv, ":o:m:k:" DL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		dl_cli_check_takes(c->name, c->opts, longopts, ch);
		switch (ch) {
		case 'o': a->output = optarg; break;
		case 'm': a->vectors = optarg; break;
		case 'k': a->k = dl_parse_ll(optarg, "-k", 1, 1 << 30); break;
		case OPT_MODEL: t->model = parse_choice(optarg, "--model", models, 2); break;
		case OPT_LOSS: t->loss = parse_choice(optarg, "--loss", losses, 2); break;
		case OPT_DIM: t->dim = (int)dl_parse_ll(optarg, "--dim", 1, 100000); break;
		case OPT_WINDOW: t->window = (int)dl_parse_ll(optarg, "--window", 1, 1000); break;
		case OPT_NEGATIVE:
			t->negative = (int)dl_parse_ll(optarg, "--negative", 0, 1000);
			break;
		case OPT_SAMPLE: t->sample = dl_parse_double(optarg, "--sample", 0, 1); break;
		case OPT_MIN_COUNT:
			t->min_count = (uint64_t)dl_parse_ll(optarg, "--min-count", 1, INT64_MAX);
			break;
		case OPT_MAX_VOCAB:
			t->max_vocab = (uint64_t)dl_parse_ll(optarg, "--max-vocab", 0, INT64_MAX);
			break;
		case OPT_EPOCHS: t->epochs = (int)dl_parse_ll(optarg, "--epochs", 1, 1000000); break;
		case OPT_ALPHA: t->alpha = dl_parse_double(optarg, "--alpha", 1e-12, 10); break;
		case OPT_MIN_ALPHA: t->min_alpha = dl_parse_double(optarg, "--min-alpha", 0, 10); break;
		case OPT_FORMAT: a->format = optarg; break;
		case OPT_INPUT:
			t->input = !strcmp(optarg, "auto") ? DL_W2V_IN_AUTO :
				   (enum dl_w2v_input)parse_choice(optarg, "--input", inputs, 2);
			break;
		case OPT_FEATURE:
			if (!*optarg)
				dl_usage_error("--feature: the name must not be empty");
			t->feature = optarg;
			break;
		case OPT_SAVE_VOCAB: t->save_vocab = optarg; break;
		case OPT_READ_VOCAB: t->read_vocab = optarg; break;
		case OPT_ANALOGIES: a->analogies = optarg; break;
		case OPT_SIMILARITY: a->similarity = optarg; break;
		case OPT_RESTRICT:
			a->restrict_rows = (uint64_t)dl_parse_ll(optarg, "--restrict", 0, INT64_MAX);
			break;
		case OPT_JSON: a->json = 1; break;
		case OPT_FROM:
			if (!strcmp(optarg, "auto"))
				a->from = DL_VEC_AUTO;
			else if ((a->from = dl_vec_format_parse(optarg, 0)) < 0)
				dl_usage_error("--from: '%s' is not auto, bin, text or safetensors",
					       optarg);
			break;
		case OPT_TO:
			if ((a->to = dl_vec_format_parse(optarg, 0)) < 0)
				dl_usage_error("--to: '%s' is not bin, text or safetensors", optarg);
			break;
		default: dl_cli_common(&a->common, ch, argc, argv, c->usage);
		}
	}
	a->rest = argv + optind;
	a->nrest = argc - optind;
}

static void need_vectors(const struct args *a)
{
	if (!a->vectors)
		dl_usage_error("%s: give the vectors with -m VECTORS", cmd->name);
}

static dl_vectors *load(const char *path, enum dl_vec_format f)
{
	dl_err e;
	dl_vectors *v = dl_vectors_read(path, f, &e);
	if (!v)
		dl_die("%s", e.msg);
	return v;
}

/* The row of a query word (exact bytes), or death naming the word. */
static size_t row_of(const dl_vectors *v, const char *word, const char *path)
{
	ptrdiff_t r = dl_vectors_find(v, word, strlen(word));
	if (r < 0)
		dl_die("'%s' is not in the vocabulary of %s", word, path);
	return (size_t)r;
}

/* Output of similar and analogy: text (tab-separated) or jsonl. */
static int jsonl_output(const struct args *a)
{
	if (!a->format || !strcmp(a->format, "text"))
		return 0;
	if (!strcmp(a->format, "jsonl"))
		return 1;
	dl_usage_error("--format: '%s' is not text or jsonl", a->format);
}

static void print_hits(dl_out *out, const dl_vectors *v, const char *query, int jsonl,
		       const dl_w2v_hit *h, size_t n)
{
	if (jsonl) {
		dl_buf b = { 0 };
		dl_buf_puts(&b, "{\"query\":");
		dl_json_string(&b, query, strlen(query));
		dl_buf_puts(&b, ",\"neighbours\":[");
		for (size_t i = 0; i < n; i++) {
			dl_buf_puts(&b, i ? ",{\"word\":" : "{\"word\":");
			dl_json_string(&b, v->words[h[i].row], v->lens[h[i].row]);
			dl_buf_printf(&b, ",\"cosine\":%.4f}", h[i].cosine);
		}
		dl_buf_puts(&b, "]}\n");
		dl_out_write(out, b.data, b.len);
		dl_buf_free(&b);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		dl_out_printf(out, "%s\t", query);
		dl_out_write(out, v->words[h[i].row], v->lens[h[i].row]);
		dl_out_printf(out, "\t%.4f\n", h[i].cosine);
	}
}

/* ------------------------------------------------------------------ train */

static void cmd_train(struct args *a)
{
	int fmt = DL_VEC_BIN;
	dl_vectors *v;

	if (!a->output)
		dl_usage_error("train: give the output with -o VECTORS");
	if (a->format && (fmt = dl_vec_format_parse(a->format, 0)) < 0)
		dl_usage_error("--format: '%s' is not bin, text or safetensors", a->format);
	if (a->train.loss == DL_W2V_NS && a->train.negative < 1)
		dl_usage_error("--negative: negative sampling needs at least 1 (or --loss hs)");
	a->train.threads = a->common.threads;
	a->train.seed = a->common.seed;
	a->train.progress = !a->common.quiet && isatty(STDERR_FILENO);
	a->train.verbose = a->common.verbose && !a->common.quiet;
	a->train.log = a->log;
	dl_in_readahead_default(a->common.threads >= 2);
	v = dl_w2v_train(&a->train, a->rest, a->nrest);
	dl_vectors_write(v, a->output, (enum dl_vec_format)fmt);
	dl_vectors_free(v);
}

/* ------------------------------------------------------------------ similar, analogy */

static void cmd_similar(struct args *a)
{
	int jsonl = jsonl_output(a);
	dl_vectors *v;
	float *unit;
	dl_w2v_hit *h;
	dl_out *out;

	need_vectors(a);
	if (!a->nrest)
		dl_usage_error("similar: give at least one WORD");
	v = load(a->vectors, DL_VEC_AUTO);
	for (int i = 0; i < a->nrest; i++)
		row_of(v, a->rest[i], a->vectors);
	dl_blas_set_threads(a->common.threads);
	unit = dl_w2v_unit(v);
	h = dl_mallocarray((size_t)a->k, sizeof *h);
	out = dl_out_open(a->output, DL_COMPRESS_NONE);
	for (int i = 0; i < a->nrest; i++) {
		size_t r = row_of(v, a->rest[i], a->vectors);
		size_t n = dl_w2v_nearest(unit, v->n, v->dim, unit + r * v->dim, &r, 1, (size_t)a->k,
					  h);
		print_hits(out, v, a->rest[i], jsonl, h, n);
	}
	dl_out_close(out);
	free(h);
	free(unit);
	dl_vectors_free(v);
}

static void cmd_analogy(struct args *a)
{
	int jsonl = jsonl_output(a);
	dl_vectors *v;
	float *unit, *q;
	dl_w2v_hit *h;
	dl_out *out;
	size_t r[3], n;

	need_vectors(a);
	if (a->nrest != 3)
		dl_usage_error("analogy: give three words A B C (A is to B as C is to ?)");
	v = load(a->vectors, DL_VEC_AUTO);
	for (int i = 0; i < 3; i++)
		r[i] = row_of(v, a->rest[i], a->vectors);
	dl_blas_set_threads(a->common.threads);
	unit = dl_w2v_unit(v);
	q = dl_mallocarray(v->dim, sizeof *q);
	dl_w2v_analogy_query(unit, v->dim, r[0], r[1], r[2], q);
	h = dl_mallocarray((size_t)a->k, sizeof *h);
	n = dl_w2v_nearest(unit, v->n, v->dim, q, r, 3, (size_t)a->k, h);
	out = dl_out_open(a->output, DL_COMPRESS_NONE);
	if (jsonl) {
		dl_buf query = { 0 };
		dl_buf_printf(&query, "%s - %s + %s", a->rest[1], a->rest[0], a->rest[2]);
		dl_buf_putc(&query, 0);
		print_hits(out, v, (const char *)query.data, 1, h, n);
		dl_buf_free(&query);
	} else {
		for (size_t i = 0; i < n; i++) {
			dl_out_write(out, v->words[h[i].row], v->lens[h[i].row]);
			dl_out_printf(out, "\t%.4f\n", h[i].cosine);
		}
	}
	dl_out_close(out);
	free(h);
	free(q);
	free(unit);
	dl_vectors_free(v);
}

/* ------------------------------------------------------------------ eval */

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

static void json_num(dl_out *out, const char *key, double x)
{
	if (isfinite(x))
		dl_out_printf(out, "\"%s\":%.6g", key, x);
	else
		dl_out_printf(out, "\"%s\":null", key);
}

static void score_row(dl_out *out, const char *name, uint64_t correct, uint64_t seen,
		      uint64_t questions)
{
	dl_out_printf(out, "%-28s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "  %6.2f%%\n", name,
		      correct, seen, questions, pct(correct, seen));
}

static void json_score(dl_out *out, const char *name, uint64_t correct, uint64_t seen)
{
	dl_out_printf(out, "\"%s\":{\"correct\":%" PRIu64 ",\"seen\":%" PRIu64 ",", name, correct,
		      seen);
	json_num(out, "accuracy", seen ? (double)correct / (double)seen : NAN);
	dl_out_putc(out, '}');
}

static dl_in *open_eval_file(const char *path)
{
	dl_err e;
	dl_in *in = dl_in_open(path, 0, &e);
	if (!in)
		dl_die("%s", e.msg);
	return in;
}

static void report_malformed(const char *path, uint64_t n, uint64_t first)
{
	if (n)
		dl_warn("%s: skipped %" PRIu64 " malformed line%s (the first: line %" PRIu64 ")",
			path, n, n > 1 ? "s" : "", first);
}

static void eval_analogies(struct args *a, const dl_vectors *v, const float *unit)
{
	dl_in *in = open_eval_file(a->analogies);
	dl_err e;
	dl_w2v_analogies *qs = dl_w2v_analogies_read(in, &e);
	dl_w2v_analogy_score s;
	dl_out *out;

	if (!qs)
		dl_die("%s", e.msg);
	dl_in_close(in);
	report_malformed(a->analogies, qs->malformed, qs->first_malformed);
	dl_w2v_eval_analogies(v, unit, qs, (size_t)a->restrict_rows, &s);
	out = dl_out_open(a->output, DL_COMPRESS_NONE);
	if (a->json) {
		dl_buf b = { 0 };
		dl_out_puts(out, "{\"sections\":[");
		for (size_t i = 0; i < s.nsections; i++) {
			const dl_w2v_section_score *c = &s.sections[i];
			dl_buf_clear(&b);
			dl_json_string(&b, c->name, strlen(c->name));
			dl_out_printf(out, "%s{\"name\":%.*s,\"correct\":%" PRIu64 ",\"seen\":%" PRIu64
				      ",\"questions\":%" PRIu64 ",", i ? "," : "", (int)b.len,
				      (const char *)b.data, c->correct, c->seen, c->questions);
			json_num(out, "accuracy", c->seen ? (double)c->correct / (double)c->seen : NAN);
			dl_out_putc(out, '}');
		}
		dl_out_puts(out, "],");
		json_score(out, "semantic", s.sem_correct, s.sem_seen);
		dl_out_putc(out, ',');
		json_score(out, "syntactic", s.syn_correct, s.syn_seen);
		dl_out_putc(out, ',');
		json_score(out, "overall", s.correct, s.seen);
		dl_out_printf(out, ",\"seen\":%" PRIu64 ",\"questions\":%" PRIu64 ",\"oov\":%" PRIu64
			      ",\"malformed\":%" PRIu64 ",\"restrict\":%zu}\n", s.seen, s.questions,
			      s.questions - s.seen, qs->malformed, s.rows);
		dl_buf_free(&b);
	} else {
		dl_out_printf(out, "%-28s %8s %8s %8s  %7s\n", "section", "correct", "seen",
			      "total", "accuracy");
		for (size_t i = 0; i < s.nsections; i++)
			score_row(out, s.sections[i].name, s.sections[i].correct, s.sections[i].seen,
				  s.sections[i].questions);
		dl_out_putc(out, '\n');
		score_row(out, "semantic", s.sem_correct, s.sem_seen, s.sem_questions);
		score_row(out, "syntactic", s.syn_correct, s.syn_seen, s.syn_questions);
		score_row(out, "overall", s.correct, s.seen, s.questions);
		dl_out_printf(out, "questions seen: %" PRIu64 " of %" PRIu64 " (%.2f%%); skipped, "
			      "out of vocabulary: %" PRIu64 "; malformed lines: %" PRIu64
			      "; vocabulary: the first %zu words\n", s.seen, s.questions,
			      pct(s.seen, s.questions), s.questions - s.seen, qs->malformed, s.rows);
	}
	dl_out_close(out);
	dl_w2v_analogy_score_free(&s);
	dl_w2v_analogies_free(qs);
}

static void eval_similarity(struct args *a, const dl_vectors *v, const float *unit)
{
	dl_in *in = open_eval_file(a->similarity);
	dl_err e;
	dl_w2v_pairs *ps = dl_w2v_pairs_read(in, &e);
	dl_w2v_pairs_score s;
	dl_out *out;

	if (!ps)
		dl_die("%s", e.msg);
	dl_in_close(in);
	report_malformed(a->similarity, ps->malformed, ps->first_malformed);
	dl_w2v_eval_pairs(v, unit, ps, (size_t)a->restrict_rows, &s);
	out = dl_out_open(a->output, DL_COMPRESS_NONE);
	if (a->json) {
		dl_out_printf(out, "{\"pairs\":%" PRIu64 ",\"used\":%" PRIu64 ",\"oov\":%" PRIu64 ",",
			      s.pairs, s.used, s.oov);
		json_num(out, "oov_ratio", s.oov_ratio);
		dl_out_putc(out, ',');
		json_num(out, "spearman", s.spearman);
		dl_out_putc(out, ',');
		json_num(out, "pearson", s.pearson);
		dl_out_printf(out, ",\"malformed\":%" PRIu64 ",\"restrict\":%zu}\n", ps->malformed,
			      s.rows);
	} else {
		dl_out_printf(out, "pairs          %" PRIu64 "\n", s.pairs);
		dl_out_printf(out, "used           %" PRIu64 "\n", s.used);
		dl_out_printf(out, "out of vocab   %" PRIu64 " (%.2f%%)\n", s.oov, 100 * s.oov_ratio);
		dl_out_printf(out, "malformed      %" PRIu64 "\n", ps->malformed);
		dl_out_printf(out, "spearman rho   %.4f\n", s.spearman);
		dl_out_printf(out, "pearson r      %.4f\n", s.pearson);
	}
	dl_out_close(out);
	dl_w2v_pairs_free(ps);
}

static void cmd_eval(struct args *a)
{
	dl_vectors *v;
	float *unit;

	need_vectors(a);
	if (!a->analogies == !a->similarity)
		dl_usage_error("eval: give one of --analogies FILE and --similarity FILE");
	if (a->nrest)
		dl_usage_error("eval: unexpected argument '%s'", a->rest[0]);
	v = load(a->vectors, DL_VEC_AUTO);
	dl_blas_set_threads(a->common.threads);
	unit = dl_w2v_unit(v);
	if (a->analogies)
		eval_analogies(a, v, unit);
	else
		eval_similarity(a, v, unit);
	free(unit);
	dl_vectors_free(v);
}

/* ------------------------------------------------------------------ convert */

static void cmd_convert(struct args *a)
{
	dl_vectors *v;

	need_vectors(a);
	if (a->to < 0)
		dl_usage_error("convert: give the output format with --to bin|text|safetensors");
	if (!a->output)
		dl_usage_error("convert: give the output with -o FILE");
	if (a->nrest)
		dl_usage_error("convert: unexpected argument '%s'", a->rest[0]);
	v = load(a->vectors, (enum dl_vec_format)a->from);
	dl_vectors_write(v, a->output, (enum dl_vec_format)a->to);
	dl_vectors_free(v);
}

/* ------------------------------------------------------------------ main */

#define COMMON_HELP \
	"Common options (--threads, --seed, --quiet, --log, --version): dl-w2v --help\n"

static const int o_train[] = { 'o', OPT_MODEL, OPT_LOSS, OPT_DIM, OPT_WINDOW, OPT_NEGATIVE,
			       OPT_SAMPLE, OPT_MIN_COUNT, OPT_MAX_VOCAB, OPT_EPOCHS, OPT_ALPHA,
			       OPT_MIN_ALPHA, OPT_FORMAT, OPT_INPUT, OPT_FEATURE, OPT_SAVE_VOCAB,
			       OPT_READ_VOCAB, 0 };
static const int o_query[] = { 'o', 'm', 'k', OPT_FORMAT, 0 };
static const int o_eval[] = { 'o', 'm', OPT_ANALOGIES, OPT_SIMILARITY, OPT_RESTRICT, OPT_JSON,
			      0 };
static const int o_convert[] = { 'o', 'm', OPT_FROM, OPT_TO, 0 };

static const struct command commands[] = {
	{ "train", cmd_train, o_train,
	  "Usage: dl-w2v train [OPTIONS] -o VECTORS [FILE...]\n"
	  "Learn word vectors from whitespace-separated text (a line is a sentence) or from\n"
	  "token records (dl-tokenize encode --format records; each id is a word).\n"
	  "  -o, --output FILE       the vectors (written atomically)\n"
	  "      --format F          bin (word2vec binary; default), text or safetensors\n"
	  "      --model M           skipgram (default) or cbow\n"
	  "      --loss L            ns (negative sampling; default) or hs (hierarchical softmax)\n"
	  "      --dim N             components per word (default 100)\n"
	  "      --window N          context words on each side, shrunk at random (default 5)\n"
	  "      --negative N        negative samples per word (default 5)\n"
	  "      --sample T          subsampling threshold of frequent words (default 1e-3; 0: off)\n"
	  "      --min-count N       drop words seen fewer times (default 5)\n"
	  "      --max-vocab N       keep only the N most frequent words (default: all)\n"
	  "      --epochs N          passes over the corpus (default 5)\n"
	  "      --alpha A           initial learning rate (default 0.025 skipgram, 0.05 cbow)\n"
	  "      --min-alpha A       final learning rate, reached linearly (default 0.0001)\n"
	  "      --input I           auto (default), text or records\n"
	  "      --feature NAME      the int64 feature of token records (default ids)\n"
	  "      --save-vocab FILE   write the vocabulary (\"word count\" lines)\n"
	  "      --read-vocab FILE   use this vocabulary instead of counting the corpus\n"
	  "Progress goes to standard error when it is a terminal (not with --quiet); with\n"
	  "--threads 1 and the same --seed two runs give the same bits.\n"
	  COMMON_HELP },
	{ "similar", cmd_similar, o_query,
	  "Usage: dl-w2v similar -m VECTORS [-k N] WORD...\n"
	  "The N nearest words (by cosine) of each WORD: lines QUERY<TAB>WORD<TAB>COSINE, a\n"
	  "block per query, best first.\n"
	  "  -m, --vectors FILE  the vectors (bin, text or safetensors; detected)\n"
	  "  -k, --top N         neighbours per word (default 10)\n"
	  "      --format F      text (default) or jsonl (an object per query)\n"
	  "  -o, --output FILE   write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "analogy", cmd_analogy, o_query,
	  "Usage: dl-w2v analogy -m VECTORS [-k N] A B C\n"
	  "A is to B as C is to ?: the N words nearest to B - A + C (unit vectors; 3CosAdd),\n"
	  "other than A, B and C: lines WORD<TAB>COSINE, best first.\n"
	  "  -m, --vectors FILE  the vectors (bin, text or safetensors; detected)\n"
	  "  -k, --top N         answers (default 10)\n"
	  "      --format F      text (default) or jsonl\n"
	  "  -o, --output FILE   write FILE instead of standard output\n"
	  COMMON_HELP },
	{ "eval", cmd_eval, o_eval,
	  "Usage: dl-w2v eval -m VECTORS (--analogies FILE | --similarity FILE) [OPTIONS]\n"
	  "Evaluate vectors as word2vec's compute-accuracy and gensim do: words compared\n"
	  "case-insensitively (ASCII upper case, the most frequent row of a word wins).\n"
	  "  -m, --vectors FILE     the vectors (bin, text or safetensors; detected)\n"
	  "      --analogies FILE   questions-words.txt format: accuracy per section, semantic\n"
	  "                         (sections not named gram*), syntactic (gram*) and overall;\n"
	  "                         questions with a word outside the vocabulary are skipped\n"
	  "      --similarity FILE  word pairs with a human score (WordSim-353, SimLex-999):\n"
	  "                         Spearman's rho, Pearson's r, out-of-vocabulary ratio\n"
	  "      --restrict N       only the N most frequent words count (default: all)\n"
	  "      --json             one JSON object instead of the table\n"
	  "  -o, --output FILE      write FILE instead of standard output\n"
	  "Malformed lines are skipped and counted (a warning on standard error).\n"
	  COMMON_HELP },
	{ "convert", cmd_convert, o_convert,
	  "Usage: dl-w2v convert -m VECTORS [--from F] --to F -o OUT\n"
	  "Convert vectors between formats.\n"
	  "  -m, --vectors FILE  the input\n"
	  "      --from F        auto (default: detected), bin, text or safetensors\n"
	  "      --to F          bin (word2vec binary), text (word2vec text) or safetensors\n"
	  "  -o, --output FILE   the output (written atomically)\n"
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
	if (a.common.quiet)
		dl_set_quiet(1);
	a.log = dl_log_open(a.common.log_path);
	double t0 = dl_now();
	cmd->run(&a);
	dl_log(a.log, "\"command\":\"%s\",\"seconds\":%.3f", cmd->name, dl_now() - t0);
	dl_log_close(a.log);
	return 0;
}
