/*
 * dl-features — feature columns as TensorFlow's tf.feature_column defined them: fit learns
 * what a JSON spec needs from training data (vocabularies, quantile boundaries, means and
 * variances) into FITTED.json; apply turns CSV, JSON lines or records into model-ready
 * tf.Example records (or JSON lines, or CSV); describe prints the output schema.
 *
 * The work lives in lib/features: the spec and FITTED.json in spec.c and fitted.c, the row
 * readers in input.c, fit in fit.c, apply and the writers in transform.c. This file parses
 * options and wires them together.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/cli.h"
#include "core/error.h"
#include "core/io.h"
#include "core/progress.h"
#include "features/blocks.h"
#include "features/input.h"
#include "features/spec.h"
#include "features/transform.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage_main[] =
	"Usage: dl-features COMMAND [OPTIONS] [ARGS...]\n"
	"Feature columns as TensorFlow's feature-column API defined them: numeric, bucketized,\n"
	"vocabulary, hash, identity, crossed, indicator, embedding, weighted and rolling\n"
	"columns, from a JSON spec, to tf.Example records.\n"
	"\n"
	"Commands:\n"
	"  fit        learn vocabularies, quantile boundaries and normalizers from data\n"
	"  apply      transform data with a fitted model, in one streaming pass\n"
	"  describe   print the output schema of a fitted model\n"
	"\n"
	"Common options:\n"
	"      --threads N     2 or more: read the input in a thread of its own (default:\n"
	"                      all cores)\n"
	"  -q, --quiet         no progress or warnings\n"
	"      --verbose       more detail on standard error\n"
	"      --log FILE      metrics as JSON lines\n"
	"  -h, --help          this help ('dl-features COMMAND --help': a command's own)\n"
	"      --version       version and build information\n"
	"\n"
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error.\n"
	"Manual: man dl-features.\n";

static const char usage_fit[] =
	"Usage: dl-features fit --spec SPEC.json [OPTIONS] [TRAIN]\n"
	"Learn what the spec's columns need from TRAIN (CSV with a header, JSON lines or\n"
	"records; standard input when absent or '-') and write the fitted model.\n"
	"\n"
	"  -s, --spec FILE       the feature-column spec (JSON; see man dl-features)\n"
	"  -o, --output FILE     the fitted model, FITTED.json (default: standard output)\n"
	"      --input FORMAT    auto (default), csv, jsonl or records\n"
	"  -d, --delimiter C     the CSV delimiter (default ','; 'tab' for a tab)\n"
	"      --on-error WHAT   a row with a bad value: fail (default) or skip it\n"
	"  -q, --quiet           no warnings\n";

static const char usage_apply[] =
	"Usage: dl-features apply -m FITTED.json [OPTIONS] [DATA]\n"
	"Transform DATA (CSV with a header, JSON lines or records; standard input when absent\n"
	"or '-') into one tf.Example per row, in constant memory.\n"
	"\n"
	"  -m, --model FILE      the fitted model written by dl-features fit\n"
	"  -o, --output FILE     where to write (default: standard output)\n"
	"  -f, --format FORMAT   records (default; TFRecord), jsonl or csv\n"
	"  -s, --spec FILE       check that the model was fitted with this spec\n"
	"      --input FORMAT    auto (default), csv, jsonl or records\n"
	"  -d, --delimiter C     the CSV delimiter (default ','; 'tab' for a tab)\n"
	"      --on-error WHAT   a row with a bad value: fail (default) or skip it\n"
	"  -q, --quiet           no warnings\n";

static const char usage_describe[] =
	"Usage: dl-features describe -m FITTED.json [--json]\n"
	"Print the output schema of a fitted model: each output feature's name, type, shape,\n"
	"width and number of buckets.\n"
	"\n"
	"  -m, --model FILE      the fitted model\n"
	"      --json            the schema as JSON (as in FITTED.json)\n";

enum { OPT_INPUT = 0x100, OPT_ON_ERROR, OPT_JSON };

static const struct option longopts[] = {
	{"spec", required_argument, 0, 's'},
	{"model", required_argument, 0, 'm'},
	{"output", required_argument, 0, 'o'},
	{"format", required_argument, 0, 'f'},
	{"delimiter", required_argument, 0, 'd'},
	{"input", required_argument, 0, OPT_INPUT},
	{"on-error", required_argument, 0, OPT_ON_ERROR},
	{"json", no_argument, 0, OPT_JSON},
	DL_COMMON_LONGOPTS
};

struct args {
	dl_opts common;
	const char *spec, *model, *output;
	int format, input, skip, json;
	char delim;
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

static char parse_delim(const char *s)
{
	if (!strcmp(s, "tab") || !strcmp(s, "\\t"))
		return '\t';
	if (strlen(s) != 1 || *s == '"' || *s == '\n' || *s == '\r')
		dl_usage_error("--delimiter: '%s' is not one byte other than '\"', CR and LF", s);
	return *s;
}

static void parse_args(const struct command *c, int argc, char **argv, struct args *a)
{
	int ch;

	a->input = DL_FROWS_AUTO;
	a->format = DL_FOUT_RECORDS;
	dl_cli_reset();
	while ((ch = getopt_long(argc, argv, ":s:m:o:f:d:" DL_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		dl_cli_check_takes(c->name, c->opts, longopts, ch);
		switch (ch) {
		case 's': a->spec = optarg; break;
		case 'm': a->model = optarg; break;
		case 'o': a->output = optarg; break;
		case 'f':
			if ((a->format = dl_fout_format_parse(optarg)) < 0)
				dl_usage_error("--format: '%s' is not records, jsonl or csv", optarg);
			break;
		case 'd': a->delim = parse_delim(optarg); break;
		case OPT_INPUT:
			if ((a->input = dl_frows_format_parse(optarg)) < 0)
				dl_usage_error("--input: '%s' is not auto, csv, jsonl or records",
					       optarg);
			break;
		case OPT_ON_ERROR:
			if (strcmp(optarg, "fail") && strcmp(optarg, "skip"))
				dl_usage_error("--on-error: '%s' is not fail or skip", optarg);
			a->skip = !strcmp(optarg, "skip");
			break;
		case OPT_JSON: a->json = 1; break;
		default: dl_cli_common(&a->common, ch, argc, argv, c->usage);
		}
	}
	a->rest = argv + optind;
	a->nrest = argc - optind;
	if (a->nrest > 1)
		dl_usage_error("%s: one input at a time ('%s' is one too many)", c->name,
			       a->rest[1]);
}

static const char *input_path(const struct args *a)
{
	return a->nrest ? a->rest[0] : "-";
}

static dl_frows *open_rows(const struct args *a, const dl_fspec *s)
{
	dl_err e;
	dl_frows *r = dl_frows_open(input_path(a), (enum dl_frows_format)a->input, a->delim,
				    s->keys, s->nkeys, &e);

	if (!r)
		dl_die("%s", e.msg);
	return r;
}

/* Bad rows: the first is remembered for the summary. */
struct bad_rows {
	uint64_t n;
	char first[600];
};

static void bad_row(const struct args *a, struct bad_rows *b, dl_frows *r, const dl_err *e,
		    int from_reader)
{
	char msg[600];

	if (from_reader)
		snprintf(msg, sizeof msg, "%s", e->msg);
	else
		snprintf(msg, sizeof msg, "%s: %s", dl_frows_where(r), e->msg);
	if (!a->skip)
		dl_die("%s", msg);
	if (!b->n++)
		snprintf(b->first, sizeof b->first, "%s", msg);
}

static void report_bad(const struct bad_rows *b)
{
	if (b->n)
		dl_warn("skipped %" PRIu64 " bad row%s; the first: %s", b->n, b->n == 1 ? "" : "s",
			b->first);
}

static void run_fit(struct args *a)
{
	dl_err e;
	dl_fspec *s;
	dl_frows *r;
	dl_fit *f;
	struct bad_rows b = { 0 };
	int got;

	if (!a->spec)
		dl_usage_error("fit: give the spec with --spec SPEC.json");
	if (!(s = dl_fspec_load(a->spec, &e)))
		dl_die("%s", e.msg);
	r = open_rows(a, s);
	f = dl_fit_new(s);
	while ((got = dl_frows_next(r, &e)) != 0) {
		if (got == -1)
			dl_die("%s", e.msg);
		if (got == -2) {
			bad_row(a, &b, r, &e, 1);
			dl_fit_skipped(f);
			continue;
		}
		if (dl_fit_row(f, r, &e)) {
			bad_row(a, &b, r, &e, 0);
			dl_fit_skipped(f);
		}
	}
	if (dl_fit_finish(f, &e))
		dl_die("%s: %s", input_path(a), e.msg);
	report_bad(&b);
	dl_log(a->log, "\"rows\":%" PRIu64 ",\"bad_rows\":%" PRIu64, s->rows, s->bad_rows);

	dl_buf out = { 0 };
	dl_fspec_write_fitted(s, &out);
	dl_out *o = dl_out_open(a->output, DL_COMPRESS_NONE);
	dl_out_write(o, out.data, out.len);
	dl_out_close(o);
	dl_buf_free(&out);
	dl_fit_free(f);
	dl_frows_close(r);
	dl_fspec_free(s);
}

static dl_fspec *load_model(const struct args *a)
{
	dl_err e;
	dl_fspec *s;

	if (!a->model)
		dl_usage_error("%s: give the fitted model with -m FITTED.json", cmd->name);
	if (!(s = dl_fspec_load_fitted(a->model, &e)))
		dl_die("%s", e.msg);
	return s;
}

static void check_spec(const struct args *a, const dl_fspec *s)
{
	dl_err e;
	dl_fspec *want;

	if (!a->spec)
		return;
	if (!(want = dl_fspec_load(a->spec, &e)))
		dl_die("%s", e.msg);
	uint64_t fp = want->fingerprint;
	dl_fspec_free(want);
	if (fp != s->fingerprint)
		dl_die("%s was fitted with a different spec than %s (fit it again)", a->model,
		       a->spec);
}

/* A regular file of CSV or JSON lines, and a spec without rolling columns: blocks. */
static int blocks_ok(const struct args *a, const dl_fspec *s, const dl_frows *r)
{
	struct stat st;
	const char *path = input_path(a);

	return strcmp(path, "-") && !stat(path, &st) && S_ISREG(st.st_mode) &&
	       dl_fx_blocks_ok(s, dl_frows_format(r));
}

/* apply on --threads workers, the input cut into blocks of rows (features/blocks.h). The
 * reader r has checked the input's format and header; the blocks read the file again. */
static void apply_blocks(struct args *a, dl_fspec *s, dl_frows *r, dl_out *o, dl_fout *w)
{
	struct dl_fx_run run = { a->common.threads, a->skip, 0, 0, "" };
	enum dl_frows_format f = dl_frows_format(r);
	dl_err e;

	dl_frows_close(r);
	if (dl_fx_apply_blocks(s, input_path(a), f, a->delim, (enum dl_fout_format)a->format, o,
			       &run, &e))
		dl_die("%s", e.msg);
	dl_fout_free(w);
	dl_out_close(o);
	if (run.bad)
		dl_warn("skipped %" PRIu64 " bad row%s; the first: %s", run.bad,
			run.bad == 1 ? "" : "s", run.first_bad);
	dl_log(a->log, "\"rows\":%" PRIu64 ",\"bad_rows\":%" PRIu64, run.rows, run.bad);
	dl_fspec_free(s);
}

static void run_apply(struct args *a)
{
	dl_fspec *s = load_model(a);
	dl_frows *r;
	dl_fx *x;
	dl_fout *w;
	dl_out *o;
	dl_err e;
	struct bad_rows b = { 0 };
	uint64_t rows = 0;
	int got;

	check_spec(a, s);
	r = open_rows(a, s);
	o = dl_out_open(a->output, DL_COMPRESS_NONE);
	w = dl_fout_new(o, (enum dl_fout_format)a->format, s);
	if (a->common.threads > 1 && blocks_ok(a, s, r)) {
		apply_blocks(a, s, r, o, w);
		return;
	}
	x = dl_fx_new(s);
	while ((got = dl_frows_next(r, &e)) != 0) {
		if (got == -1)
			dl_die("%s", e.msg);
		if (got == -2) {
			bad_row(a, &b, r, &e, 1);
			continue;
		}
		if (dl_fx_apply(x, r, &e)) {
			bad_row(a, &b, r, &e, 0);
			continue;
		}
		dl_fout_write(w, x);
		rows++;
	}
	dl_fout_free(w);
	dl_out_close(o);
	report_bad(&b);
	dl_log(a->log, "\"rows\":%" PRIu64 ",\"bad_rows\":%" PRIu64, rows, b.n);
	dl_fx_free(x);
	dl_frows_close(r);
	dl_fspec_free(s);
}

static void run_describe(struct args *a)
{
	dl_fspec *s = load_model(a);
	dl_buf out = { 0 };

	if (a->nrest)
		dl_usage_error("describe: takes no input ('%s')", a->rest[0]);
	if (a->json)
		dl_fspec_schema_json(s, &out);
	else
		dl_fspec_describe(s, &out);
	fwrite(out.data, 1, out.len, stdout);
	dl_buf_free(&out);
	dl_fspec_free(s);
}

static const int fit_opts[] = { 's', 'o', 'd', OPT_INPUT, OPT_ON_ERROR, 0 };
static const int apply_opts[] = { 'm', 'o', 'f', 's', 'd', OPT_INPUT, OPT_ON_ERROR, 0 };
static const int describe_opts[] = { 'm', OPT_JSON, 0 };

static const struct command commands[] = {
	{ "fit", run_fit, fit_opts, usage_fit },
	{ "apply", run_apply, apply_opts, usage_apply },
	{ "describe", run_describe, describe_opts, usage_describe },
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
	/* Reading (and inflating) runs beside the parsing when there is a core for it. */
	dl_in_readahead_default(a.common.threads >= 2);
	a.log = dl_log_open(a.common.log_path);
	double t0 = dl_now();
	cmd->run(&a);
	dl_log(a.log, "\"command\":\"%s\",\"seconds\":%.3f", cmd->name, dl_now() - t0);
	dl_log_close(a.log);
	return 0;
}
