/*
 * dl-record — inspect, convert, verify, split, shuffle and count TFRecord files of
 * tf.Example records. Option parsing and wiring only: the formats live in lib/record/.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/cli.h"
#include "core/error.h"
#include "core/io.h"
#include "core/progress.h"
#include "core/tmp.h"
#include "record/csv.h"
#include "record/example.h"
#include "record/jsonl.h"
#include "record/schema.h"
#include "record/shuffle.h"
#include "record/tfrecord.h"
#include "record/tfverify.h"

static const char usage_main[] =
	"Usage: dl-record COMMAND [OPTIONS] [FILE...]\n"
	"Inspect, convert, verify, split, shuffle and count TFRecord files of tf.Example\n"
	"records. With no FILE, or when FILE is -, read standard input; several files are\n"
	"read in order as one stream. gzip and zlib input is detected and read transparently.\n"
	"\n"
	"Commands:\n"
	"  cat        records to JSON lines\n"
	"  pack       JSON lines to records\n"
	"  from-csv   CSV to records\n"
	"  to-csv     records to CSV\n"
	"  count      print the number of records\n"
	"  head       copy the first N records\n"
	"  verify     check every CRC and every payload\n"
	"  split      deal records into N shards\n"
	"  shuffle    shuffle records in bounded memory\n"
	"  schema     describe the features\n"
	"\n"
	"Common options:\n"
	"  -o, --output FILE   write FILE instead of standard output (atomically)\n"
	"      --threads N     worker threads (default: all cores)\n"
	"      --seed N        random seed (default 1)\n"
	"  -q, --quiet         no progress or warnings\n"
	"      --verbose       more detail on standard error\n"
	"      --log FILE      metrics as JSON lines\n"
	"  -h, --help          this help ('dl-record COMMAND --help': a command's own)\n"
	"      --version       version and build information\n"
	"\n"
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error.\n"
	"Formats: man 5 dl-record. Manual: man dl-record.\n";

/* Options of every command; each command names the ones it takes. */
enum {
	OPT_COMPRESS = 0x100, OPT_LABEL, OPT_TYPE, OPT_DELIM, OPT_INFER, OPT_COLUMNS,
	OPT_FRAMING, OPT_CONTIG, OPT_MEMORY, OPT_JSON, OPT_SHARDS, OPT_LINES,
};

static const struct option longopts[] = {
	{"output", required_argument, 0, 'o'},
	{"compress", required_argument, 0, OPT_COMPRESS},
	{"lines", required_argument, 0, OPT_LINES},
	{"shards", required_argument, 0, OPT_SHARDS},
	{"label", required_argument, 0, OPT_LABEL},
	{"type", required_argument, 0, OPT_TYPE},
	{"delimiter", required_argument, 0, OPT_DELIM},
	{"infer-rows", required_argument, 0, OPT_INFER},
	{"columns", required_argument, 0, OPT_COLUMNS},
	{"framing-only", no_argument, 0, OPT_FRAMING},
	{"contiguous", no_argument, 0, OPT_CONTIG},
	{"memory", required_argument, 0, OPT_MEMORY},
	{"json", no_argument, 0, OPT_JSON},
	DL_COMMON_LONGOPTS
};

struct args {
	dl_opts common;
	const char *output;
	enum dl_compress compress;
	long long n;
	int have_n;
	const char *label, *columns;
	const char **types;
	size_t ntypes, cap_types;
	char delim;
	long long infer_rows;
	int framing_only, contiguous, json;
	long long memory_mb;
	char **files;
	int nfiles;
};

struct command {
	const char *name;
	void (*run)(struct args *a);
	const int *opts;        /* the command's own options, 0-terminated */
	const char *usage;
};

static char parse_delimiter(const char *s)
{
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
		return '\t';
	if (strlen(s) != 1 || *s == '"' || *s == '\n' || *s == '\r')
		dl_usage_error("--delimiter: '%s' is not a single byte other than '\"', CR and LF", s);
	return *s;
}

static void parse_args(const struct command *c, int argc, char **argv, struct args *a)
{
	int ch;

	a->delim = ',';
	a->memory_mb = 1024;
	a->n = 10;
	dl_cli_reset();
	while ((ch = getopt_long(argc, argv, ":o:n:" DL_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		dl_cli_check_takes(c->name, c->opts, longopts, ch);
		switch (ch) {
		case 'o': a->output = optarg; break;
		case 'n':
		case OPT_SHARDS:
		case OPT_LINES:
			if (strcmp(c->name, "split") == 0)
				a->n = dl_parse_ll(optarg, "-n", 1, 100000);
			else
				a->n = dl_parse_ll(optarg, "-n", 0, INT64_MAX);
			a->have_n = 1;
			break;
		case OPT_COMPRESS: {
			int k = dl_compress_parse(optarg);

			if (k < 0)
				dl_usage_error("--compress: '%s' is not none, gzip or zlib", optarg);
			a->compress = k;
			break;
		}
		case OPT_LABEL: a->label = optarg; break;
		case OPT_TYPE:
			DL_GROW(a->types, a->cap_types, a->ntypes + 1);
			a->types[a->ntypes++] = optarg;
			break;
		case OPT_DELIM: a->delim = parse_delimiter(optarg); break;
		case OPT_INFER: a->infer_rows = dl_parse_ll(optarg, "--infer-rows", 1, INT64_MAX); break;
		case OPT_COLUMNS: a->columns = optarg; break;
		case OPT_FRAMING: a->framing_only = 1; break;
		case OPT_CONTIG: a->contiguous = 1; break;
		case OPT_MEMORY: a->memory_mb = dl_parse_ll(optarg, "--memory", 1, 1 << 24); break;
		case OPT_JSON: a->json = 1; break;
		default: dl_cli_common(&a->common, ch, argc, argv, c->usage);
		}
	}
	a->files = argv + optind;
	a->nfiles = argc - optind;
}

/* Records read and written, for the --log summary. */
static uint64_t n_read, n_written;

/* ---- reading records from one or more files as one stream */

struct source {
	char **files;
	int nfiles, next;
	unsigned flags;
	dl_tfrecord_reader *r;
	uint64_t records, bytes;
	dl_progress progress;
};

static void source_open(struct source *s, struct args *a, unsigned flags)
{
	static char *stdin_only[] = { "-" };

	memset(s, 0, sizeof *s);
	s->files = a->nfiles ? a->files : stdin_only;
	s->nfiles = a->nfiles ? a->nfiles : 1;
	s->flags = flags;
	dl_progress_start(&s->progress, "records", 0, a->common.quiet);
}

/* The next record of the stream, or 0 at its end. Dies on bad input. */
static int source_next(struct source *s, const uint8_t **p, size_t *n)
{
	dl_err e;

	for (;;) {
		int rc;

		if (!s->r) {
			if (s->next == s->nfiles) {
				dl_progress_finish(&s->progress);
				return 0;
			}
			s->r = dl_tfrecord_open(s->files[s->next++], s->flags, &e);
			if (!s->r)
				dl_die("%s", e.msg);
		}
		rc = dl_tfrecord_next(s->r, p, n, &e);
		if (rc < 0)
			dl_die("%s", e.msg);
		if (rc > 0) {
			s->records++;
			n_read++;
			s->bytes += *n + DL_TFRECORD_HEADER + DL_TFRECORD_FOOTER;
			if ((s->records & 0xfff) == 0)
				dl_progress_update(&s->progress, s->records, NULL);
			return 1;
		}
		dl_tfrecord_close(s->r);
		s->r = NULL;
	}
}

static void source_close(struct source *s)
{
	dl_tfrecord_close(s->r);
	s->r = NULL;
}

/* Decodes the record just read; bad payloads die naming the record. */
static void decode(struct source *s, dl_example *ex, const uint8_t *p, size_t n)
{
	dl_err e;

	if (dl_example_decode(ex, p, n, &e) < 0)
		dl_die("%s: record %" PRIu64 " (byte offset %" PRIu64 "): %s", dl_tfrecord_name(s->r),
		       dl_tfrecord_index(s->r), dl_tfrecord_offset(s->r), e.msg);
}

/* Records are binary: like gzip, refuse to send them to a terminal. */
static dl_out *records_out(struct args *a)
{
	if ((!a->output || strcmp(a->output, "-") == 0) && isatty(STDOUT_FILENO))
		dl_usage_error("records are not written to a terminal; use -o FILE, a pipe, "
			       "or 'dl-record cat' to read them");
	return dl_out_open(a->output, a->compress);
}

static void write_record(dl_out *out, const void *p, size_t n)
{
	dl_tfrecord_write(out, p, n);
	n_written++;
}

static void flush_buf(dl_out *out, dl_buf *b, size_t over)
{
	if (b->len > over) {
		dl_out_write(out, b->data, b->len);
		dl_buf_clear(b);
	}
}

/* ---- commands */

static void cmd_cat(struct args *a)
{
	struct source s;
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	dl_example ex;
	dl_buf b = {0};
	const uint8_t *p;
	size_t n;

	dl_example_init(&ex);
	source_open(&s, a, 0);
	while (source_next(&s, &p, &n)) {
		decode(&s, &ex, p, n);
		dl_jsonl_write(&ex, &b);
		flush_buf(out, &b, 1 << 16);
	}
	flush_buf(out, &b, 0);
	dl_out_close(out);
	dl_buf_free(&b);
	dl_example_free(&ex);
}

static void cmd_pack(struct args *a)
{
	static char *stdin_only[] = { "-" };
	char **files = a->nfiles ? a->files : stdin_only;
	int nfiles = a->nfiles ? a->nfiles : 1;
	dl_out *out = records_out(a);
	dl_example ex;
	dl_buf b = {0};
	dl_err e;

	dl_example_init(&ex);
	for (int i = 0; i < nfiles; i++) {
		dl_in *in = dl_in_open(files[i], 0, &e);
		int rc;

		if (!in)
			dl_die("%s", e.msg);
		while ((rc = dl_jsonl_read(in, &ex, &e)) > 0) {
			dl_buf_clear(&b);
			dl_example_encode(&ex, &b);
			write_record(out, b.data, b.len);
		}
		if (rc < 0)
			dl_die("%s", e.msg);
		dl_in_close(in);
	}
	dl_out_close(out);
	dl_buf_free(&b);
	dl_example_free(&ex);
}

static void cmd_from_csv(struct args *a)
{
	dl_csv_options opt = { .delimiter = a->delim, .label = a->label,
			       .types = a->types, .ntypes = a->ntypes,
			       .infer_rows = (uint64_t)a->infer_rows };
	const char *path = a->nfiles ? a->files[0] : "-";
	dl_csv_reader *r;
	dl_out *out;
	dl_example ex;
	dl_buf b = {0};
	dl_err e;
	int rc;

	if (a->nfiles > 1)
		dl_usage_error("from-csv: one CSV file at a time");
	r = dl_csv_open(path, &opt, &e);
	if (!r) {
		if (dl_csv_usage_error(&e))
			dl_usage_error("%s", e.msg);
		dl_die("%s", e.msg);
	}
	out = records_out(a);
	dl_example_init(&ex);
	while ((rc = dl_csv_next(r, &ex, &e)) > 0) {
		dl_buf_clear(&b);
		dl_example_encode(&ex, &b);
		write_record(out, b.data, b.len);
	}
	if (rc < 0)
		dl_die("%s", e.msg);
	dl_csv_close(r);
	dl_out_close(out);
	dl_buf_free(&b);
	dl_example_free(&ex);
}

static void cmd_to_csv(struct args *a)
{
	struct source s;
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	static dl_csv_writer *w;     /* static: still reachable if a bad record ends the run */
	dl_example ex;
	const uint8_t *p;
	size_t n;
	dl_err e;

	dl_example_init(&ex);
	source_open(&s, a, 0);
	if (a->columns)
		w = dl_csv_writer_new(out, a->columns, a->delim);
	while (source_next(&s, &p, &n)) {
		decode(&s, &ex, p, n);
		if (!w)
			w = dl_csv_writer_from_example(out, &ex, a->delim);
		if (dl_csv_write(w, &ex, &e) < 0)
			dl_die("%s: record %" PRIu64 " (byte offset %" PRIu64 "): %s",
			       dl_tfrecord_name(s.r), dl_tfrecord_index(s.r),
			       dl_tfrecord_offset(s.r), e.msg);
	}
	dl_csv_writer_free(w);
	dl_out_close(out);
	dl_example_free(&ex);
}

static void cmd_count(struct args *a)
{
	struct source s;
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	const uint8_t *p;
	size_t n;

	source_open(&s, a, DL_TFR_SKIP_DATA_CRC);
	while (source_next(&s, &p, &n))
		;
	dl_out_printf(out, "%" PRIu64 "\n", s.records);
	dl_out_close(out);
}

static void cmd_head(struct args *a)
{
	struct source s;
	dl_out *out = records_out(a);
	const uint8_t *p;
	size_t n;

	source_open(&s, a, 0);
	while ((long long)s.records < a->n && source_next(&s, &p, &n))
		write_record(out, p, n);
	source_close(&s);
	dl_out_close(out);
}

static void cmd_verify(struct args *a)
{
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	char **files = a->files;
	int nfiles = a->nfiles;
	static char *stdin_only[] = { "-" };

	if (!nfiles) {
		files = stdin_only;
		nfiles = 1;
	}
	for (int i = 0; i < nfiles; i++) {
		struct source s;
		struct args one = *a;
		const uint8_t *p;
		size_t n;
		dl_err e;

		one.files = &files[i];
		one.nfiles = 1;
		/* A large plain file: checked in parts by several threads. When that cannot say
		 * "all good", the sequential pass below finds and reports the problem. */
		uint64_t records, bytes;
		if (dl_tfrecord_verify_parallel(files[i], a->common.threads, 0,
						a->framing_only ? NULL : dl_example_validate,
						&records, &bytes)) {
			n_read += records;
			dl_out_printf(out, "%s: %" PRIu64 " records, %" PRIu64 " bytes: ok\n",
				      files[i], records, bytes);
			continue;
		}
		source_open(&s, &one, 0);
		while (source_next(&s, &p, &n))
			if (!a->framing_only && dl_example_validate(p, n, &e) < 0)
				dl_die("%s: record %" PRIu64 " (byte offset %" PRIu64 "): %s",
				       dl_tfrecord_name(s.r), dl_tfrecord_index(s.r),
				       dl_tfrecord_offset(s.r), e.msg);
		dl_out_printf(out, "%s: %" PRIu64 " records, %" PRIu64 " bytes: ok\n",
			      strcmp(files[i], "-") ? files[i] : "(stdin)", s.records, s.bytes);
	}
	dl_out_close(out);
}

/* Copies standard input to an unlinked temporary file and returns a path that reopens it
 * (/dev/fd/N), so that a second pass can read it again. */
static char *spool_stdin(int *fd_out)
{
	char path[64];
	dl_err e;
	int fd = dl_tmp_spool(STDIN_FILENO, &e);

	if (fd < 0)
		dl_die("(stdin): %s", e.msg);
	snprintf(path, sizeof path, "/dev/fd/%d", fd);
	*fd_out = fd;
	return dl_strdup(path);
}

/* For a second pass: standard input among the inputs (or as the only one) is spooled,
 * and its first mention replaced by the spool's path. Returns that path, or NULL. */
static char *spool_stdin_arg(struct args *a, int *fd)
{
	static char *files[1];
	char *path;

	if (a->nfiles == 0) {
		path = spool_stdin(fd);
		files[0] = path;
		a->files = files;
		a->nfiles = 1;
		return path;
	}
	for (int i = 0; i < a->nfiles; i++)
		if (strcmp(a->files[i], "-") == 0) {
			path = spool_stdin(fd);
			a->files[i] = path;
			return path;
		}
	return NULL;
}

static void cmd_split(struct args *a)
{
	size_t nshard = (size_t)a->n, plen;
	dl_out **out;
	struct source s;
	uint64_t total = 0, per, extra, shard = 0, in_shard = 0;
	const uint8_t *p;
	size_t n;
	char *spooled = NULL, *name;
	int fd = -1;

	if (!a->have_n)
		dl_usage_error("split: give the number of shards with -n N");
	if (!a->output || strcmp(a->output, "-") == 0)
		dl_usage_error("split: give the shard name prefix with -o PREFIX");
	if (a->contiguous) {
		/* Contiguous shards need the count first: a second pass over the input. */
		spooled = spool_stdin_arg(a, &fd);
		source_open(&s, a, DL_TFR_SKIP_DATA_CRC);
		while (source_next(&s, &p, &n))
			;
		total = s.records;
	}
	out = dl_calloc(nshard, sizeof *out);
	plen = strlen(a->output) + 32;
	name = dl_malloc(plen);
	for (size_t i = 0; i < nshard; i++) {
		snprintf(name, plen, "%s-%05zu-of-%05zu", a->output, i, nshard);
		out[i] = dl_out_open(name, a->compress);
	}
	/* Contiguous: the first total % nshard shards get one record more than the rest. */
	per = total / nshard;
	extra = total % nshard;
	source_open(&s, a, 0);
	while (source_next(&s, &p, &n)) {
		if (!a->contiguous) {
			write_record(out[(s.records - 1) % nshard], p, n);
			continue;
		}
		while (in_shard == per + (shard < extra)) {
			shard++;
			in_shard = 0;
		}
		write_record(out[shard], p, n);
		in_shard++;
	}
	for (size_t i = 0; i < nshard; i++)
		dl_out_close(out[i]);
	if (fd >= 0)
		close(fd);
	dl_free(spooled);
	dl_free(name);
	dl_free(out);
}

static void emit_record(void *ctx, const uint8_t *p, size_t n)
{
	write_record(ctx, p, n);
}

static void cmd_shuffle(struct args *a)
{
	dl_shuffle *sh = dl_shuffle_new(a->common.seed, (size_t)a->memory_mb << 20);
	dl_out *out = records_out(a);
	struct source s;
	const uint8_t *p;
	size_t n;
	dl_err e;

	source_open(&s, a, 0);
	while (source_next(&s, &p, &n))
		if (dl_shuffle_add(sh, p, n, &e) < 0)
			dl_die("%s", e.msg);
	if (dl_shuffle_finish(sh, emit_record, out, &e) < 0)
		dl_die("%s", e.msg);
	if (a->common.verbose)
		fprintf(stderr, "dl-record: shuffled %" PRIu64 " records %s\n", s.records,
			dl_shuffle_spilled(sh) ? "through temporary files" : "in memory");
	dl_shuffle_free(sh);
	dl_out_close(out);
}

static void cmd_schema(struct args *a)
{
	struct source s;
	dl_out *out = dl_out_open(a->output, DL_COMPRESS_NONE);
	dl_schema *sc = dl_schema_new();
	dl_example ex;
	dl_buf b = {0};
	const uint8_t *p;
	size_t n;

	dl_example_init(&ex);
	source_open(&s, a, 0);
	while (source_next(&s, &p, &n)) {
		decode(&s, &ex, p, n);
		dl_schema_add(sc, &ex);
	}
	if (a->json)
		dl_schema_write_json(sc, &b);
	else
		dl_schema_write_text(sc, &b);
	dl_out_write(out, b.data, b.len);
	dl_out_close(out);
	dl_buf_free(&b);
	dl_schema_free(sc);
	dl_example_free(&ex);
}

/* ---- the command table */

#define COMMON_HELP \
	"  -o, --output FILE   write FILE instead of standard output\n" \
	"  -h, --help          this help\n" \
	"Common options (--threads, --seed, --quiet, --verbose, --log, --version): dl-record --help\n"

static const int o_out[] = { 'o', 0 };
static const int o_records[] = { 'o', OPT_COMPRESS, 0 };
static const int o_from_csv[] = { 'o', OPT_COMPRESS, OPT_LABEL, OPT_TYPE, OPT_DELIM, OPT_INFER, 0 };
static const int o_to_csv[] = { 'o', OPT_COLUMNS, OPT_DELIM, 0 };
static const int o_head[] = { 'o', OPT_COMPRESS, 'n', OPT_LINES, 0 };
static const int o_verify[] = { 'o', OPT_FRAMING, 0 };
static const int o_split[] = { 'o', OPT_COMPRESS, 'n', OPT_SHARDS, OPT_CONTIG, 0 };
static const int o_shuffle[] = { 'o', OPT_COMPRESS, OPT_MEMORY, 0 };
static const int o_schema[] = { 'o', OPT_JSON, 0 };

static const struct command commands[] = {
	{ "cat", cmd_cat, o_out,
	  "Usage: dl-record cat [OPTIONS] [FILE...]\n"
	  "Print records as JSON lines, one tf.Example per line (mapping: man 5 dl-record).\n"
	  COMMON_HELP },
	{ "pack", cmd_pack, o_records,
	  "Usage: dl-record pack [OPTIONS] [FILE...]\n"
	  "Write JSON lines (as 'cat' prints them, or the shorthand of man 5 dl-record) as records.\n"
	  "      --compress none|gzip|zlib   compress the whole output stream (default none)\n"
	  COMMON_HELP },
	{ "from-csv", cmd_from_csv, o_from_csv,
	  "Usage: dl-record from-csv [OPTIONS] [FILE]\n"
	  "Write the rows of a CSV file with a header as records, one feature per column.\n"
	  "      --label NAME         put column NAME first in every record (it must exist)\n"
	  "      --type NAME=TYPE     give column NAME the type int64, float or bytes (repeatable)\n"
	  "      --delimiter C        field delimiter: one byte, or 'tab' (default ',')\n"
	  "      --infer-rows N       infer column types from the first N rows (default: all)\n"
	  "      --compress none|gzip|zlib   compress the whole output stream (default none)\n"
	  COMMON_HELP },
	{ "to-csv", cmd_to_csv, o_to_csv,
	  "Usage: dl-record to-csv [OPTIONS] [FILE...]\n"
	  "Print records as CSV with a header, one value per cell.\n"
	  "      --columns A,B,...    the columns, in order (default: the first record's features)\n"
	  "      --delimiter C        field delimiter: one byte, or 'tab' (default ',')\n"
	  COMMON_HELP },
	{ "count", cmd_count, o_out,
	  "Usage: dl-record count [OPTIONS] [FILE...]\n"
	  "Print the number of records. Checks the framing and the length CRCs; 'verify' checks all.\n"
	  COMMON_HELP },
	{ "head", cmd_head, o_head,
	  "Usage: dl-record head [-n N] [OPTIONS] [FILE...]\n"
	  "Copy the first N records (default 10).\n"
	  "  -n, --lines N        the number of records\n"
	  "      --compress none|gzip|zlib   compress the whole output stream (default none)\n"
	  COMMON_HELP },
	{ "verify", cmd_verify, o_verify,
	  "Usage: dl-record verify [OPTIONS] [FILE...]\n"
	  "Check every length and data CRC and that every payload is a well-formed tf.Example;\n"
	  "print 'FILE: N records, B bytes: ok' per file, or stop at the first bad record.\n"
	  "      --framing-only       check the framing and CRCs, not the payloads\n"
	  COMMON_HELP },
	{ "split", cmd_split, o_split,
	  "Usage: dl-record split -n N -o PREFIX [OPTIONS] [FILE...]\n"
	  "Deal records into N shards named PREFIX-00000-of-0000N ... (numbers of at least\n"
	  "5 digits): round-robin, or in\n"
	  "contiguous runs whose sizes differ by at most one.\n"
	  "  -n, --shards N       the number of shards (1 to 100000)\n"
	  "      --contiguous     contiguous runs instead of round-robin\n"
	  "      --compress none|gzip|zlib   compress each shard (default none)\n"
	  "  -o, --output PREFIX  the shards' name prefix\n"
	  "  -h, --help           this help\n"
	  "Common options (--threads, --seed, --quiet, --verbose, --log, --version): dl-record --help\n" },
	{ "shuffle", cmd_shuffle, o_shuffle,
	  "Usage: dl-record shuffle [--seed S] [--memory MB] [OPTIONS] [FILE...]\n"
	  "Write the records in a uniformly random order. In memory while they fit in --memory;\n"
	  "beyond it, a two-pass shuffle through temporary files in $TMPDIR. The same input,\n"
	  "--seed and --memory give the same order.\n"
	  "      --seed N             random seed (default 1)\n"
	  "      --memory MB          memory budget in MiB (default 1024)\n"
	  "      --compress none|gzip|zlib   compress the whole output stream (default none)\n"
	  COMMON_HELP },
	{ "schema", cmd_schema, o_schema,
	  "Usage: dl-record schema [--json] [OPTIONS] [FILE...]\n"
	  "Describe the features: kinds, records present, values, list lengths, ranges.\n"
	  "      --json               one JSON object instead of a table\n"
	  COMMON_HELP },
};

int main(int argc, char **argv)
{
	struct args a = {0};
	const struct command *c = NULL;
	FILE *log;
	double t0;

	dl_cli_init(argc, argv, &a.common);
	c = &commands[dl_cli_subcommand(argc, argv, commands, sizeof commands / sizeof *commands,
					sizeof *commands, usage_main)];
	parse_args(c, argc - 1, argv + 1, &a);
	log = dl_log_open(a.common.log_path);
	t0 = dl_now();
	c->run(&a);
	dl_log(log, "\"command\":\"%s\",\"records_read\":%" PRIu64 ",\"records_written\":%" PRIu64
	       ",\"seconds\":%.3f", c->name, n_read, n_written, dl_now() - t0);
	dl_log_close(log);
	dl_free(a.types);
	return 0;
}
