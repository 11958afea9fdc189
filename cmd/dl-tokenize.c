/*
 * dl-tokenize — byte-level BPE: train merges, encode text to ids, decode ids to text, list
 * and convert vocabularies (our JSON, tiktoken rank files, GPT-2's encoder.json + vocab.bpe).
 *
 * Documents: with --lines each input line (without its '\n') is a document; otherwise each
 * input file is one. The work is in lib/tokenize: text read in blocks cut where no piece can
 * cross (blocks.h), pieces counted and merges turned into tokens for training
 * (trainfiles.h), and the threaded encoding pipeline (encode.h). This file parses options
 * and wires those together.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/cli.h"
#include "core/error.h"
#include "core/io.h"
#include "core/progress.h"
#include "record/example.h"
#include "record/tfrecord.h"
#include "tokenize/count.h"
#include "tokenize/encode.h"
#include "tokenize/ids.h"
#include "tokenize/model.h"
#include "tokenize/pretok.h"
#include "tokenize/train.h"
#include "tokenize/trainfiles.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_main[] =
	"Usage: dl-tokenize COMMAND [OPTIONS] [FILE...]\n"
	"Byte-level BPE (as GPT-2 and GPT-4 use it): learn merges from text, encode text to\n"
	"token ids and decode them back to the exact bytes. With no FILE, or when FILE is -,\n"
	"read standard input; gzip input is read transparently.\n"
	"\n"
	"Commands:\n"
	"  train      learn a vocabulary from text\n"
	"  encode     text to token ids\n"
	"  decode     token ids to text\n"
	"  vocab      list the tokens with their ids\n"
	"  info       describe a model\n"
	"  convert    between our JSON, tiktoken rank files and GPT-2's files\n"
	"\n"
	"Common options:\n"
	"  -o, --output FILE   write FILE instead of standard output (atomically)\n"
	"      --threads N     worker threads (default: all cores)\n"
	"  -q, --quiet         no progress or warnings\n"
	"      --verbose       more detail on standard error\n"
	"      --log FILE      metrics as JSON lines\n"
	"  -h, --help          this help ('dl-tokenize COMMAND --help': a command's own)\n"
	"      --version       version and build information\n"
	"\n"
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error.\n"
	"Manual: man dl-tokenize.\n";

enum {
	OPT_VOCAB = 0x100, OPT_PATTERN, OPT_MINFREQ, OPT_SPECIAL, OPT_LINES, OPT_FORMAT,
	OPT_ALLOWED, OPT_DISALLOWED, OPT_FROM, OPT_TO, OPT_VOCAB_BPE, OPT_MODEL,
};

static const struct option longopts[] = {
	{"output", required_argument, 0, 'o'},
	{"model", required_argument, 0, 'm'},
	{"vocab-size", required_argument, 0, OPT_VOCAB},
	{"pattern", required_argument, 0, OPT_PATTERN},
	{"min-frequency", required_argument, 0, OPT_MINFREQ},
	{"special", required_argument, 0, OPT_SPECIAL},
	{"lines", no_argument, 0, OPT_LINES},
	{"format", required_argument, 0, OPT_FORMAT},
	{"allowed-special", required_argument, 0, OPT_ALLOWED},
	{"disallowed-special", required_argument, 0, OPT_DISALLOWED},
	{"from", required_argument, 0, OPT_FROM},
	{"to", required_argument, 0, OPT_TO},
	{"vocab-bpe", required_argument, 0, OPT_VOCAB_BPE},
	DL_COMMON_LONGOPTS
};

struct args {
	dl_opts common;
	const char *output, *model, *from, *to, *vocab_bpe;
	long long vocab_size;
	int have_vocab;
	dl_pretok pattern;
	int have_pattern;
	uint64_t min_freq;
	const char **specials;
	size_t nspecials, cap_specials;
	int lines;
	enum dl_ids_format format;
	const char *allowed, *disallowed;
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
static uint64_t n_docs, n_tokens;

static enum dl_ids_format parse_format(const char *s)
{
	if (!strcmp(s, "text"))
		return DL_IDS_TEXT;
	if (!strcmp(s, "jsonl"))
		return DL_IDS_JSONL;
	if (!strcmp(s, "records"))
		return DL_IDS_RECORDS;
	dl_usage_error("--format: '%s' is not text, jsonl or records", s);
}

static void parse_args(const struct command *c, int argc, char **argv, struct args *a)
{
	int ch;
	a->min_freq = 1;
	a->pattern = DL_PRETOK_GPT2;
	dl_cli_reset();
	while ((ch = getopt_long(argc, argv, ":o:m:" DL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		dl_cli_check_takes(c->name, c->opts, longopts, ch);
		switch (ch) {
		case 'o': a->output = optarg; break;
		case 'm': a->model = optarg; break;
		case OPT_VOCAB:
			a->vocab_size = dl_parse_ll(optarg, "--vocab-size", 256, 1 << 30);
			a->have_vocab = 1;
			break;
		case OPT_PATTERN:
			if (dl_pretok_parse(optarg, &a->pattern) < 0)
				dl_usage_error("--pattern: '%s' is not gpt2, cl100k, o200k or none",
					       optarg);
			a->have_pattern = 1;
			break;
		case OPT_MINFREQ:
			a->min_freq = (uint64_t)dl_parse_ll(optarg, "--min-frequency", 1, INT64_MAX);
			break;
		case OPT_SPECIAL:
			if (!*optarg)
				dl_usage_error("--special: the token must not be empty");
			DL_GROW(a->specials, a->cap_specials, a->nspecials + 1);
			a->specials[a->nspecials++] = optarg;
			break;
		case OPT_LINES: a->lines = 1; break;
		case OPT_FORMAT: a->format = parse_format(optarg); break;
		case OPT_ALLOWED: a->allowed = optarg; break;
		case OPT_DISALLOWED: a->disallowed = optarg; break;
		case OPT_FROM: a->from = optarg; break;
		case OPT_TO: a->to = optarg; break;
		case OPT_VOCAB_BPE: a->vocab_bpe = optarg; break;
		default: dl_cli_common(&a->common, ch, argc, argv, c->usage);
		}
	}
	a->files = argv + optind;
	a->nfiles = argc - optind;
}

static dl_bpe *load_model(const struct args *a)
{
	dl_err e;
	if (!a->model)
		dl_usage_error("%s: give the model with -m MODEL.json", cmd->name);
	dl_bpe *m = dl_bpe_load_json(a->model, &e);
	if (!m)
		dl_die("%s", e.msg);
	return m;
}

/* ------------------------------------------------------------------ train */

static void progress_merges(void *ctx, size_t done)
{
	dl_progress_update(ctx, done, NULL);
}

static void cmd_train(struct args *a)
{
	if (!a->have_vocab)
		dl_usage_error("train: give the vocabulary size with --vocab-size N");
	if (!a->output)
		dl_usage_error("train: give the model file with -o MODEL.json");
	if ((size_t)a->vocab_size < 256 + a->nspecials)
		dl_usage_error("train: --vocab-size %lld is less than the 256 byte tokens and "
			       "%zu special tokens", a->vocab_size, a->nspecials);
	struct dl_count_opts co = {
		.pattern = a->pattern, .specials = a->specials, .nspecials = a->nspecials,
		.lines = a->lines, .threads = a->common.threads, .quiet = a->common.quiet,
	};
	uint64_t bytes;
	dl_err e;
	dl_piece_counter *counter = dl_count_files(&co, a->files, a->nfiles, &n_docs, &bytes, &e);
	if (!counter)
		dl_die("%s", e.msg);
	size_t nwords;
	dl_bpe_word *words = dl_piece_counter_words(counter, &nwords);
	if (a->common.verbose)
		fprintf(stderr, "%s: %" PRIu64 " bytes, %zu distinct pieces, %" PRIu64 " pieces\n",
			dl_progname(), bytes, nwords, dl_piece_counter_total(counter));
	size_t max_merges = (size_t)a->vocab_size - 256 - a->nspecials;
	uint32_t (*merges)[2] = dl_calloc(max_merges ? max_merges : 1, sizeof *merges);
	dl_progress prog;
	dl_progress_start(&prog, "merges", max_merges, a->common.quiet);
	size_t k = dl_bpe_train(words, nwords, max_merges, a->min_freq, a->common.threads,
				merges, progress_merges, &prog);
	dl_progress_finish(&prog);
	/* Merges that make the same bytes twice collapse in a rank table: say so. */
	uint8_t **tok;
	uint32_t *len;
	size_t dropped, ntok = dl_bpe_merge_tokens((const uint32_t (*)[2])merges, k, &tok, &len,
						   &dropped);
	if (a->common.verbose && dropped)
		fprintf(stderr, "%s: %zu merges repeat an earlier token's bytes and add no token\n",
			dl_progname(), dropped);
	uint32_t *sid = dl_calloc(a->nspecials + 1, sizeof *sid);
	for (size_t i = 0; i < a->nspecials; i++)
		sid[i] = (uint32_t)(ntok + i);
	dl_bpe *m = dl_bpe_new(a->pattern, (const uint8_t *const *)tok, len, ntok, a->specials, sid,
			       a->nspecials, &e);
	if (!m)
		dl_die("%s", e.msg);
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	dl_bpe_save_json(m, out);
	dl_out_close(out);
	if (!a->common.quiet && k < max_merges)
		fprintf(stderr, "%s: %zu merges learned (no pair occurs %" PRIu64
			" times or more after that); vocabulary %zu\n", dl_progname(), k,
			a->min_freq, ntok + a->nspecials);
	n_tokens = ntok + a->nspecials;
	dl_bpe_free(m);
	for (size_t i = 0; i < ntok; i++)
		free(tok[i]);
	free(tok);
	free(len);
	free(sid);
	free(merges);
	free(words);
	dl_piece_counter_free(counter);
}

/* ------------------------------------------------------------------ encode */

/* Parses all|none|comma-separated list against the model's specials into use[] (set to v for
 * the ones named). */
static void parse_special_set(const dl_bpe *m, const char *arg, const char *opt,
			      enum dl_special_use *use, enum dl_special_use v)
{
	size_t ns = dl_bpe_nspecial(m);
	uint32_t id;
	if (!strcmp(arg, "none"))
		return;
	if (!strcmp(arg, "all")) {
		for (size_t i = 0; i < ns; i++)
			use[i] = v;
		return;
	}
	const char *p = arg;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		size_t i;
		for (i = 0; i < ns; i++) {
			const char *name = dl_bpe_special_name(m, i, &id);
			if (strlen(name) == len && !memcmp(name, p, len))
				break;
		}
		if (i == ns)
			dl_usage_error("%s: '%.*s' is not a special token of the model", opt, (int)len,
				       p);
		use[i] = v;
		p += len + (comma != NULL);
	}
}

static dl_out *ids_out(const struct args *a)
{
	if (a->format == DL_IDS_RECORDS && (!a->output || !strcmp(a->output, "-")) &&
	    isatty(STDOUT_FILENO))
		dl_usage_error("records are not written to a terminal; use -o FILE, a pipe, or "
			       "--format text");
	return dl_out_open(a->output, DL_COMPRESS_NONE);
}

static void cmd_encode(struct args *a)
{
	dl_bpe *m = load_model(a);
	size_t ns = dl_bpe_nspecial(m);
	enum dl_special_use *use = dl_calloc(ns + 1, sizeof *use);
	/* tiktoken's defaults: nothing allowed, everything else disallowed. */
	parse_special_set(m, a->disallowed ? a->disallowed : "all", "--disallowed-special", use,
			  DL_SPECIAL_DISALLOWED);
	parse_special_set(m, a->allowed ? a->allowed : "none", "--allowed-special", use,
			  DL_SPECIAL_ALLOWED);
	struct dl_encode_opts o = {
		.model = m, .use = use, .format = a->format, .lines = a->lines,
		.threads = a->common.threads, .quiet = a->common.quiet, .out = ids_out(a),
	};
	struct dl_encode_stats st;
	dl_err e;
	if (dl_encode_files(&o, a->files, a->nfiles, &st, &e) < 0)
		dl_die("%s", e.msg);
	n_docs = st.docs;
	n_tokens = st.tokens;
	dl_out_close(o.out);
	free(use);
	dl_bpe_free(m);
}

/* ------------------------------------------------------------------ decode */

/* Appends the bytes of ids[0..n) to b and counts them; an id without a token (a gap in the
 * ranks) is an error at where. */
static void emit_ids(const dl_bpe *m, const uint32_t *ids, size_t n, dl_buf *b, const char *where)
{
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const uint8_t *t = dl_bpe_token(m, ids[i], &len);
		if (!t)
			dl_die("%s: id %u has no token in the model", where, ids[i]);
		dl_buf_append(b, t, len);
	}
	n_tokens += n;
}

static void cmd_decode(struct args *a)
{
	dl_bpe *m = load_model(a);
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	static char *stdin_only[] = { "-" };
	char **files = a->nfiles ? a->files : stdin_only;
	int nfiles = a->nfiles ? a->nfiles : 1;
	dl_buf b = {0};
	char where[4200];
	dl_err e;
	uint32_t *ids = NULL, limit = dl_bpe_id_limit(m);
	size_t nids = 0, cap = 0;
	for (int f = 0; f < nfiles; f++) {
		if (a->format == DL_IDS_RECORDS) {
			dl_tfrecord_reader *r = dl_tfrecord_open(files[f], 0, &e);
			dl_example ex;
			const uint8_t *p;
			size_t n;
			int rc;
			if (!r)
				dl_die("%s", e.msg);
			dl_example_init(&ex);
			while ((rc = dl_tfrecord_next(r, &p, &n, &e)) > 0) {
				snprintf(where, sizeof where, "%s: record %" PRIu64,
					 dl_tfrecord_name(r), dl_tfrecord_index(r));
				if (dl_example_decode(&ex, p, n, &e) < 0)
					dl_die("%s: %s", where, e.msg);
				const dl_feature *ft = dl_example_find(&ex, "ids", 3);
				if (!ft || ft->kind != DL_FEATURE_INT64)
					dl_die("%s: no int64 feature \"ids\"", where);
				const int64_t *v = dl_feature_ints(&ex, ft);
				b.len = 0;
				nids = 0;
				for (size_t i = 0; i < ft->count; i++) {
					if (v[i] < 0 || v[i] >= (int64_t)limit)
						dl_die("%s: id %lld is not in the model (ids run from 0 "
						       "to %u)", where, (long long)v[i], limit - 1);
					DL_GROW(ids, cap, nids + 1);
					ids[nids++] = (uint32_t)v[i];
				}
				emit_ids(m, ids, nids, &b, where);
				if (a->lines)
					dl_buf_append(&b, "\n", 1);
				dl_out_write(out, b.data, b.len);
				n_docs++;
			}
			if (rc < 0)
				dl_die("%s", e.msg);
			dl_example_free(&ex);
			dl_tfrecord_close(r);
			continue;
		}
		dl_in *in = dl_in_open(files[f], 0, &e);
		if (!in)
			dl_die("%s", e.msg);
		char *line;
		ptrdiff_t n;
		while ((n = dl_in_getline(in, &line, &e)) >= 0 && line) {
			snprintf(where, sizeof where, "%s: line %" PRIu64, dl_in_name(in),
				 dl_in_lineno(in));
			b.len = 0;
			nids = 0;
			if ((a->format == DL_IDS_TEXT
				     ? dl_ids_parse_text(line, (size_t)n, limit, &ids, &nids, &cap, &e)
				     : n > 0 ? dl_ids_parse_json(line, (size_t)n, limit, &ids, &nids,
								 &cap, &e) : 0) < 0)
				dl_die("%s: %s", where, e.msg);
			emit_ids(m, ids, nids, &b, where);
			if (a->lines)
				dl_buf_append(&b, "\n", 1);
			dl_out_write(out, b.data, b.len);
			n_docs++;
		}
		if (n < 0)
			dl_die("%s", e.msg);
		dl_in_close(in);
	}
	dl_out_close(out);
	dl_buf_free(&b);
	free(ids);
	dl_bpe_free(m);
}

/* ------------------------------------------------------------------ vocab, info */

/* Token bytes as printable text: ASCII graphic characters and space as they are, '\' as
 * "\\", anything else as \xNN. */
static void printable(dl_buf *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '\\') {
			dl_buf_append(b, "\\\\", 2);
		} else if (c >= 0x20 && c < 0x7f) {
			dl_buf_append(b, &c, 1);
		} else {
			char x[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
			dl_buf_append(b, x, 4);
		}
	}
}

static void cmd_vocab(struct args *a)
{
	dl_bpe *m = load_model(a);
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	dl_buf b = {0};
	for (uint32_t id = 0; id < dl_bpe_ntokens(m); id++) {
		size_t len;
		const uint8_t *t = dl_bpe_token(m, id, &len);
		if (!t)
			continue;
		b.len = 0;
		dl_buf_printf(&b, "%" PRIu32 "\t", id);
		printable(&b, t, len);
		dl_buf_append(&b, "\n", 1);
		dl_out_write(out, b.data, b.len);
	}
	for (size_t i = 0; i < dl_bpe_nspecial(m); i++) {
		uint32_t id;
		const char *name = dl_bpe_special_name(m, i, &id);
		b.len = 0;
		dl_buf_printf(&b, "%" PRIu32 "\t", id);
		printable(&b, (const uint8_t *)name, strlen(name));
		dl_buf_append(&b, "\tspecial\n", 9);
		dl_out_write(out, b.data, b.len);
	}
	dl_out_close(out);
	dl_buf_free(&b);
	dl_bpe_free(m);
}

static void cmd_info(struct args *a)
{
	dl_bpe *m = load_model(a);
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	size_t longest = 0, present = 0;
	for (uint32_t id = 0; id < dl_bpe_ntokens(m); id++) {
		size_t len;
		if (dl_bpe_token(m, id, &len)) {
			present++;
			if (len > longest)
				longest = len;
		}
	}
	dl_out_printf(out, "model\t%s\npattern\t%s\ntokens\t%zu\nspecial tokens\t%zu\n"
		      "ids\t0 to %u\nlongest token\t%zu bytes\n", a->model,
		      dl_pretok_name(dl_bpe_pattern(m)), present, dl_bpe_nspecial(m),
		      dl_bpe_id_limit(m) - 1, longest);
	for (size_t i = 0; i < dl_bpe_nspecial(m); i++) {
		uint32_t id;
		const char *name = dl_bpe_special_name(m, i, &id);
		dl_out_printf(out, "special\t%u\t%s\n", id, name);
	}
	dl_out_close(out);
	dl_bpe_free(m);
}

/* ------------------------------------------------------------------ convert */

/* The special tokens tiktoken defines for its encodings, added on conversion from a rank
 * file with that pattern unless --special is given. */
static const struct { dl_pretok pat; const char *name; uint32_t id; } std_specials[] = {
	{ DL_PRETOK_GPT2, "<|endoftext|>", 50256 },
	{ DL_PRETOK_CL100K, "<|endoftext|>", 100257 },
	{ DL_PRETOK_CL100K, "<|fim_prefix|>", 100258 },
	{ DL_PRETOK_CL100K, "<|fim_middle|>", 100259 },
	{ DL_PRETOK_CL100K, "<|fim_suffix|>", 100260 },
	{ DL_PRETOK_CL100K, "<|endofprompt|>", 100276 },
	{ DL_PRETOK_O200K, "<|endoftext|>", 199999 },
	{ DL_PRETOK_O200K, "<|endofprompt|>", 200018 },
};

/* Rebuilds m with other specials. */
static dl_bpe *with_specials(dl_bpe *m, const char **names, const uint32_t *ids, size_t n)
{
	size_t nt = dl_bpe_ntokens(m);
	const uint8_t **tok = dl_calloc(nt ? nt : 1, sizeof *tok);
	uint32_t *len = dl_calloc(nt ? nt : 1, sizeof *len);
	for (size_t i = 0; i < nt; i++) {
		size_t l;
		tok[i] = dl_bpe_token(m, (uint32_t)i, &l);
		len[i] = (uint32_t)l;
	}
	dl_err e;
	dl_bpe *r = dl_bpe_new(dl_bpe_pattern(m), tok, len, nt, names, ids, n, &e);
	if (!r)
		dl_die("%s", e.msg);
	free(tok);
	free(len);
	dl_bpe_free(m);
	return r;
}

static void cmd_convert(struct args *a)
{
	const char *from = a->from ? a->from : "json", *to = a->to ? a->to : "json";
	dl_bpe *m = NULL;
	dl_err e;
	if (strcmp(to, "json") && strcmp(to, "tiktoken") && strcmp(to, "gpt2"))
		dl_usage_error("--to: '%s' is not json, tiktoken or gpt2", to);
	if (!a->output)
		dl_usage_error("convert: give the output with -o FILE");
	if (!strcmp(to, "gpt2") && !a->vocab_bpe)
		dl_usage_error("convert: --to gpt2 writes encoder.json (-o) and vocab.bpe "
			       "(--vocab-bpe FILE)");
	if (strcmp(to, "gpt2") && a->vocab_bpe)
		dl_usage_error("convert: --vocab-bpe goes with --to gpt2");
	if (!strcmp(from, "gpt2")) {
		if (a->nfiles != 2)
			dl_usage_error("convert --from gpt2: give encoder.json and vocab.bpe");
		m = dl_bpe_load_gpt2(a->files[0], a->files[1], &e);
	} else if (!strcmp(from, "tiktoken")) {
		if (a->nfiles != 1)
			dl_usage_error("convert --from tiktoken: give one rank file");
		if (!a->have_pattern)
			dl_usage_error("convert --from tiktoken: give its --pattern (a rank file does "
				       "not say)");
		m = dl_bpe_load_tiktoken(a->files[0], a->pattern, &e);
	} else if (!strcmp(from, "json")) {
		if (a->nfiles != 1)
			dl_usage_error("convert --from json: give one model file");
		m = dl_bpe_load_json(a->files[0], &e);
	} else {
		dl_usage_error("--from: '%s' is not json, tiktoken or gpt2", from);
	}
	if (!m)
		dl_die("%s", e.msg);
	if (a->have_pattern && strcmp(from, "tiktoken")) {
		/* A pattern given for another source replaces the model's. */
		dl_usage_error("convert: --pattern goes with --from tiktoken");
	}
	/* Specials: NAME=ID from --special; else tiktoken's own for the pattern. */
	const char *names[64];
	uint32_t ids[64];
	size_t ns = 0;
	for (size_t i = 0; i < a->nspecials; i++) {
		const char *eq = strrchr(a->specials[i], '=');
		if (!eq || eq == a->specials[i] || ns == 64)
			dl_usage_error("--special: '%s' is not NAME=ID", a->specials[i]);
		char *name = dl_malloc((size_t)(eq - a->specials[i]) + 1);
		memcpy(name, a->specials[i], (size_t)(eq - a->specials[i]));
		name[eq - a->specials[i]] = 0;
		names[ns] = name;
		ids[ns++] = (uint32_t)dl_parse_ll(eq + 1, "--special", 0, 1 << 30);
	}
	if (!ns && !strcmp(from, "tiktoken"))
		for (size_t i = 0; i < sizeof std_specials / sizeof *std_specials; i++)
			if (std_specials[i].pat == a->pattern &&
			    std_specials[i].id >= dl_bpe_ntokens(m)) {
				names[ns] = dl_strdup(std_specials[i].name);
				ids[ns++] = std_specials[i].id;
			}
	if (ns)
		m = with_specials(m, names, ids, ns);
	for (size_t i = 0; i < ns; i++)
		free((char *)names[i]);
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	if (!strcmp(to, "json")) {
		dl_bpe_save_json(m, out);
	} else if (!strcmp(to, "tiktoken")) {
		dl_bpe_save_tiktoken(m, out);
	} else {
		dl_out *vb = dl_out_open(a->vocab_bpe, DL_COMPRESS_NONE);
		dl_bpe_save_gpt2(m, out, vb);
		dl_out_close(vb);
	}
	dl_out_close(out);
	n_tokens = dl_bpe_ntokens(m);
	dl_bpe_free(m);
}

/* ------------------------------------------------------------------ main */

#define COMMON_HELP \
	"Common options (--threads, --quiet, --verbose, --log, --version): dl-tokenize --help\n"

static const int o_train[] = { 'o', OPT_VOCAB, OPT_PATTERN, OPT_MINFREQ, OPT_SPECIAL, OPT_LINES,
			       0 };
static const int o_encode[] = { 'o', 'm', OPT_LINES, OPT_FORMAT, OPT_ALLOWED, OPT_DISALLOWED, 0 };
static const int o_decode[] = { 'o', 'm', OPT_LINES, OPT_FORMAT, 0 };
static const int o_vocab[] = { 'o', 'm', 0 };
static const int o_convert[] = { 'o', OPT_FROM, OPT_TO, OPT_PATTERN, OPT_SPECIAL, OPT_VOCAB_BPE,
				 0 };

static const struct command commands[] = {
	{ "train", cmd_train, o_train,
	  "Usage: dl-tokenize train --vocab-size N -o MODEL.json [OPTIONS] [FILE...]\n"
	  "Learn byte-level BPE merges from text. Tokens 0-255 are the bytes, then one token\n"
	  "per merge, then the special tokens. At each step the most frequent adjacent pair is\n"
	  "merged; ties go to the pair with the smallest left id, then the smallest right id.\n"
	  "  -o, --output FILE       the model (JSON)\n"
	  "      --vocab-size N      tokens in all: 256 bytes + merges + special tokens\n"
	  "      --pattern P         pre-tokenization: gpt2 (default), cl100k, o200k, none\n"
	  "      --min-frequency N   stop when no pair occurs N times (default 1)\n"
	  "      --special TOKEN     a special token (repeatable); its text is left out of training\n"
	  "      --lines             each line is a document (default: each file)\n"
	  COMMON_HELP },
	{ "encode", cmd_encode, o_encode,
	  "Usage: dl-tokenize encode -m MODEL.json [OPTIONS] [FILE...]\n"
	  "Text to token ids, one output unit per document, in input order.\n"
	  "  -m, --model FILE                the model (JSON)\n"
	  "  -o, --output FILE               write FILE instead of standard output\n"
	  "      --format F                  text (ids separated by spaces, a line per document;\n"
	  "                                  default), jsonl ({\"ids\":[...]}) or records (a\n"
	  "                                  tf.Example per document, int64 feature \"ids\")\n"
	  "      --lines                     each line is a document (default: each file)\n"
	  "      --allowed-special SET       all, none (default) or a comma-separated list: these\n"
	  "                                  special tokens in the text become their ids\n"
	  "      --disallowed-special SET    all (default), none or a list: the text must not hold\n"
	  "                                  these (exit 1); others not allowed are plain text\n"
	  COMMON_HELP },
	{ "decode", cmd_decode, o_decode,
	  "Usage: dl-tokenize decode -m MODEL.json [OPTIONS] [FILE...]\n"
	  "Token ids back to the exact bytes.\n"
	  "  -m, --model FILE    the model (JSON)\n"
	  "  -o, --output FILE   write FILE instead of standard output\n"
	  "      --format F      the input: text (default), jsonl or records\n"
	  "      --lines         write a newline after each document\n"
	  COMMON_HELP },
	{ "vocab", cmd_vocab, o_vocab,
	  "Usage: dl-tokenize vocab -m MODEL.json [-o FILE]\n"
	  "List the tokens: id, a tab, the bytes (printable ASCII as is, '\\' as \\\\, others as\n"
	  "\\xNN); special tokens last, marked \"special\".\n"
	  COMMON_HELP },
	{ "info", cmd_info, o_vocab,
	  "Usage: dl-tokenize info -m MODEL.json [-o FILE]\n"
	  "Describe a model: pattern, token count, special tokens, id range, longest token.\n"
	  COMMON_HELP },
	{ "convert", cmd_convert, o_convert,
	  "Usage: dl-tokenize convert [--from F] [--to T] -o OUT INPUT...\n"
	  "Convert a model between formats.\n"
	  "      --from F            json (default; INPUT is MODEL.json), tiktoken (INPUT is a\n"
	  "                          rank file; give --pattern) or gpt2 (INPUT is encoder.json\n"
	  "                          and vocab.bpe)\n"
	  "      --to T              json (default), tiktoken or gpt2\n"
	  "  -o, --output FILE       the output (with --to gpt2: encoder.json)\n"
	  "      --vocab-bpe FILE    with --to gpt2: where vocab.bpe goes\n"
	  "      --pattern P         with --from tiktoken: gpt2, cl100k, o200k or none\n"
	  "      --special NAME=ID   a special token (repeatable); with --from tiktoken the\n"
	  "                          default is tiktoken's own set for the pattern\n"
	  COMMON_HELP },
};

int main(int argc, char **argv)
{
	struct args a;
	FILE *log;
	double t0;

	memset(&a, 0, sizeof a);
	dl_cli_init(argc, argv, &a.common);
	cmd = &commands[dl_cli_subcommand(argc, argv, commands, sizeof commands / sizeof *commands,
					  sizeof *commands, usage_main)];
	parse_args(cmd, argc - 1, argv + 1, &a);
	log = dl_log_open(a.common.log_path);
	t0 = dl_now();
	cmd->run(&a);
	dl_log(log, "\"command\":\"%s\",\"documents\":%" PRIu64 ",\"tokens\":%" PRIu64
	       ",\"seconds\":%.3f", cmd->name, n_docs, n_tokens, dl_now() - t0);
	dl_log_close(log);
	free(a.specials);
	return 0;
}
