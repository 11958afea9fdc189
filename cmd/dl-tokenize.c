/*
 * dl-tokenize — byte-level BPE: train merges, encode text to ids, decode ids to text, list
 * and convert vocabularies (our JSON, tiktoken rank files, GPT-2's encoder.json + vocab.bpe).
 *
 * Documents: with --lines each input line (without its '\n') is a document; otherwise each
 * input file is one. Text is read in blocks; a block is cut where no piece can cross (see
 * safe_cut: a lone '\n' between a visible ASCII character and an ASCII letter, or a space
 * between two ASCII letters), so that whole-file documents of any size are counted in
 * bounded memory and split among threads with the same pieces as in one go.
 *
 * Encoding is a pipeline over blocks: the threads read blocks, encode their chunks into one
 * output buffer each and write those in input order, whichever task is ready (see struct
 * encode_set).
 */
#include "config.h"
#include "core/alloc.h"
#include "core/cli.h"
#include "core/error.h"
#include "core/io.h"
#include "core/progress.h"
#include "core/threads.h"
#include "record/crc32c.h"
#include "record/example.h"
#include "record/jsonl.h"
#include "record/tfrecord.h"
#include "tokenize/count.h"
#include "tokenize/ids.h"
#include "tokenize/model.h"
#include "tokenize/pretok.h"
#include "tokenize/train.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK ((size_t)8 << 20)         /* text read per batch (training) */
#define ENCODE_BLOCK ((size_t)1 << 20)  /* text read per batch (encoding) */
#define ENCODE_PART ((size_t)16 << 10)  /* a segment of a whole-file document (encoding) */
#define TEXT_BUFS 2                     /* blocks in flight (encoding) */

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

enum fmt { FMT_TEXT, FMT_JSONL, FMT_RECORDS };

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
	enum fmt format;
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

static enum fmt parse_format(const char *s)
{
	if (!strcmp(s, "text"))
		return FMT_TEXT;
	if (!strcmp(s, "jsonl"))
		return FMT_JSONL;
	if (!strcmp(s, "records"))
		return FMT_RECORDS;
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

/* ------------------------------------------------------------------ reading text in blocks */

struct text_source {
	char **files;
	int nfiles, next;
	int lines;
	unsigned cuts;          /* the kinds of safe_cut allowed (CUT_*) */
	int whole;              /* no cuts inside a document (none allowed, not --lines) */
	dl_in *in;
	const char *name;
	/* Buffers in turn, so that a block stays valid while the next ones are read. */
	uint8_t *buf[TEXT_BUFS];
	size_t cap[TEXT_BUFS];
	int nbuf, cur;          /* cur: the buffer being filled, and the last block's */
	size_t len;             /* bytes in buf[cur] */
	size_t carry;           /* of those, the ones after the last block, still to return */
	size_t first_read;      /* smaller first blocks, doubling (0: none) */
	int file_start;         /* the block starts a new file (a new document) */
	uint64_t file_off, file_line;   /* where the next block starts in its file */
	const char *block_name;         /* the file of the block returned last */
	uint64_t block_off, block_line; /* where it starts: byte offset, line (1-based) */
	dl_progress progress;
	uint64_t bytes;
};

/* The places safe_cut may choose: after a newline, before a space. */
enum { CUT_NEWLINE = 1, CUT_SPACE = 2 };

/* The kinds of cut that no piece of the pattern and no special token (whose names are given)
 * can cross: none for the pattern none, and none at a kind of place that a special token
 * holds inside it. */
static unsigned allowed_cuts(dl_pretok pattern, const char *const *names, size_t n)
{
	unsigned cuts = pattern == DL_PRETOK_NONE ? 0 : CUT_NEWLINE | CUT_SPACE;
	for (size_t i = 0; i < n; i++) {
		if (strchr(names[i], '\n'))
			cuts &= ~(unsigned)CUT_NEWLINE;
		if (strchr(names[i], ' '))
			cuts &= ~(unsigned)CUT_SPACE;
	}
	return cuts;
}

static void text_open(struct text_source *s, struct args *a, unsigned cuts, size_t block,
		      int nbuf)
{
	static char *stdin_only[] = { "-" };
	memset(s, 0, sizeof *s);
	s->files = a->nfiles ? a->files : stdin_only;
	s->nfiles = a->nfiles ? a->nfiles : 1;
	s->lines = a->lines;
	s->cuts = cuts;
	s->whole = !a->lines && !cuts;
	s->nbuf = nbuf;
	for (int i = 0; i < nbuf; i++) {
		s->cap[i] = block + 1;
		s->buf[i] = dl_malloc(s->cap[i]);
	}
	dl_progress_start(&s->progress, "bytes", 0, a->common.quiet);
}

static inline int ascii_letter(uint8_t c)
{
	return (uint8_t)((c | 0x20) - 'a') < 26;
}

/* Whether text may be cut at p[i] (0 < i < n) without changing any piece under the patterns
 * gpt2, cl100k and o200k. Two kinds of place qualify (of those allowed by cuts):
 *   - p[i - 1] is a newline, p[i] an ASCII letter and p[i - 2] a visible ASCII character.
 *     Then the newline is a whitespace run of its own that ends a piece, with or without
 *     the text after it (a longer run before a letter would give back its last character,
 *     which the cut would keep: "\n\nB" is "\n" "\n" "B", but "\n\n" alone is one piece),
 *     and the letter starts the next piece.
 *   - p[i - 1] is an ASCII letter, p[i] a space and p[i + 1] an ASCII letter (between two
 *     words). Then a run of letters (or a contraction) ends at p[i - 1], whether the space
 *     or the end of the text follows, and the space starts the next piece (" ?\p{L}+" or
 *     its like); no alternative of the patterns scans across letters but the run itself.
 * The second kind is in nearly all prose and code, so that blocks and segments stay near
 * their intended size. */
static int safe_cut(const uint8_t *p, size_t i, size_t n, unsigned cuts)
{
	if (i < 1 || i >= n)
		return 0;
	if (p[i] == ' ')
		return (cuts & CUT_SPACE) && i + 1 < n && ascii_letter(p[i - 1]) &&
		       ascii_letter(p[i + 1]);
	return (cuts & CUT_NEWLINE) && i >= 2 && p[i - 1] == '\n' && ascii_letter(p[i]) &&
	       p[i - 2] > 0x20 && p[i - 2] < 0x7f;
}

/* The end of the last complete unit in buf[0..len): after the last '\n' with --lines;
 * otherwise the last safe cut. 0 when there is none. */
static size_t cut_point(const uint8_t *p, size_t len, int lines, unsigned cuts)
{
	for (size_t i = len; i > 0; i--) {
		if (lines ? p[i - 1] == '\n' : safe_cut(p, i, len, cuts))
			return i;
	}
	return 0;
}

/* The next block: *n bytes at *p that end at a cut point or at the end of a file. *first
 * says whether it starts a file. The block stays valid for nbuf - 1 more calls (the
 * buffers take turns), so that blocks can be encoded while the next ones are read; reading
 * the next block reads the end of the last one's buffer, after the block. Returns 0 at the
 * end of all input. */
static int text_next(struct text_source *s, const uint8_t **p, size_t *n, int *first, int *last)
{
	dl_err e;
	/* What the last call left over starts the next buffer. */
	int old = s->cur;
	s->cur = (s->cur + 1) % s->nbuf;
	if (s->cap[s->cur] < s->cap[old]) {
		s->cap[s->cur] = s->cap[old];
		s->buf[s->cur] = dl_reallocarray(s->buf[s->cur], s->cap[s->cur], 1);
	}
	if (s->carry)
		memmove(s->buf[s->cur], s->buf[old] + (s->len - s->carry), s->carry);
	s->len = s->carry;
	s->carry = 0;
	for (;;) {
		uint8_t *buf = s->buf[s->cur];
		size_t cap = s->cap[s->cur];
		if (!s->in) {
			if (s->next == s->nfiles) {
				dl_progress_finish(&s->progress);
				return 0;
			}
			s->name = strcmp(s->files[s->next], "-") ? s->files[s->next] : "(stdin)";
			s->in = dl_in_open(s->files[s->next++], 0, &e);
			if (!s->in)
				dl_die("%s", e.msg);
			s->len = 0;
			s->file_start = 1;
			s->file_off = 0;
			s->file_line = 1;
		}
		/* Fill the buffer (the first blocks only to first_read bytes, if they have a cut
		 * there); grow it when a unit is larger than the block. */
		size_t want = s->first_read && s->first_read < cap - 1 ? s->first_read : cap - 1;
		if (s->len == want) {
			if (want < cap - 1) {
				s->first_read = 0;
				continue;
			}
			s->cap[s->cur] = cap = (cap - 1) * 2 + 1;
			s->buf[s->cur] = buf = dl_reallocarray(buf, cap, 1);
			want = cap - 1;
		}
		ptrdiff_t r = dl_in_read(s->in, buf + s->len, want - s->len, &e);
		if (r < 0)
			dl_die("%s", e.msg);
		s->len += (size_t)r;
		s->bytes += (size_t)r;
		dl_progress_update(&s->progress, s->bytes, NULL);
		int end = s->len < want;        /* the read came short: end of this file */
		size_t k = end ? s->len : s->whole ? 0 : cut_point(buf, s->len, s->lines, s->cuts);
		if (end || k) {
			*p = buf;
			*n = k;
			*first = s->file_start;
			*last = end;
			s->file_start = 0;
			s->block_name = s->name;
			s->block_off = s->file_off;
			s->block_line = s->file_line;
			s->file_off += k;
			/* Line numbers only name the place of an error with --lines. */
			for (const uint8_t *q = buf, *e2 = buf + k;
			     s->lines && (q = memchr(q, '\n', (size_t)(e2 - q))) != NULL; q++)
				s->file_line++;
			s->carry = s->len - k;
			s->first_read = s->first_read < cap / 2 ? s->first_read * 2 : 0;
			if (end) {
				dl_in_close(s->in);
				s->in = NULL;
				s->carry = 0;
				if (!k && !*first) {
					s->len = 0;
					continue;
				}
			}
			return 1;
		}
	}
}

static void text_close(struct text_source *s)
{
	for (int i = 0; i < s->nbuf; i++)
		free(s->buf[i]);
}

/* ------------------------------------------------------------------ train */

struct train_job {
	const uint8_t *text;
	size_t *doc_start;      /* document (or segment) boundaries: doc_start[0..ndocs] */
	size_t ndocs;
	dl_piece_counter **counters;
	const char *const *sp;
	const size_t *splen;
	size_t ns;
	int lines;
};

static void count_docs(void *ctx, size_t begin, size_t end, int tid)
{
	struct train_job *j = ctx;
	dl_piece_counter *c = j->counters[tid];
	for (size_t d = begin; d < end; d++) {
		if (j->lines && (d & 1))
			continue;       /* the '\n' after a line */
		const uint8_t *p = j->text + j->doc_start[d];
		size_t n = j->doc_start[d + 1] - j->doc_start[d];
		while (n) {
			size_t which = 0, k = dl_find_special(p, n, j->sp, j->splen, j->ns, NULL,
							      &which);
			if (k)
				dl_piece_counter_add_doc(c, p, k);
			if (k == n)
				break;
			p += k + j->splen[which];
			n -= k + j->splen[which];
		}
	}
}

/* Boundaries of the documents of a block: lines, or pieces of a whole-file document cut at
 * safe points (of the kinds cuts allows) into about `part` bytes each (for the threads). */
static size_t split_block(const uint8_t *p, size_t n, int lines, unsigned cuts, size_t part,
			  size_t **starts, size_t *cap)
{
	size_t k = 0, i = 0;
	DL_GROW(*starts, *cap, 1);
	(*starts)[k++] = 0;
	while (i < n) {
		size_t next;
		if (lines) {
			const uint8_t *nl = memchr(p + i, '\n', n - i);
			next = nl ? (size_t)(nl - p) + 1 : n;
			/* The document is the line without its '\n'. */
			DL_GROW(*starts, *cap, k + 2);
			(*starts)[k++] = nl ? next - 1 : next;
			(*starts)[k++] = next;
		} else {
			size_t want = cuts && i + part < n ? i + part : n;
			next = want;
			while (next < n && !safe_cut(p, next, n, cuts))
				next++;
			DL_GROW(*starts, *cap, k + 1);
			(*starts)[k++] = next;
		}
		i = next;
	}
	return k - 1;
}

/* With --lines the boundaries come in pairs: segment 2i is line i without its '\n', segment
 * 2i + 1 the '\n' (or nothing, for a last line without one), which the users skip. */

/* Two merges can make the same bytes ("a"+"bc" after "ab"+"c"); a rank table holds each
 * token once, so later repeats are dropped and the tokens after them move up. Returns the new
 * count. */
static const uint8_t *const *cmp_tok;
static const uint32_t *cmp_len;

static int cmp_bytes(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	if (cmp_len[i] != cmp_len[j])
		return cmp_len[i] < cmp_len[j] ? -1 : 1;
	int c = memcmp(cmp_tok[i], cmp_tok[j], cmp_len[i]);
	return c ? c : (i < j ? -1 : i > j);
}

static size_t drop_repeats(uint8_t **tok, uint32_t *len, size_t n, int verbose)
{
	size_t *ix = dl_calloc(n, sizeof *ix), k = 0, dropped = 0;
	uint8_t *gone = dl_calloc(n, 1);
	for (size_t i = 0; i < n; i++)
		ix[i] = i;
	cmp_tok = (const uint8_t *const *)tok;
	cmp_len = len;
	qsort(ix, n, sizeof *ix, cmp_bytes);
	for (size_t i = 1; i < n; i++)
		if (len[ix[i]] == len[ix[i - 1]] && !memcmp(tok[ix[i]], tok[ix[i - 1]], len[ix[i]]))
			gone[ix[i]] = 1;    /* the later of two equal tokens */
	for (size_t i = 0; i < n; i++) {
		if (gone[i]) {
			free(tok[i]);
			dropped++;
			continue;
		}
		tok[k] = tok[i];
		len[k++] = len[i];
	}
	if (verbose && dropped)
		fprintf(stderr, "%s: %zu merges repeat an earlier token's bytes and add no token\n",
			dl_progname(), dropped);
	free(ix);
	free(gone);
	return k;
}

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
	int threads = a->common.threads;
	dl_pool *pool = dl_pool_new(threads);
	dl_piece_counter **counters = dl_calloc((size_t)threads, sizeof *counters);
	for (int i = 0; i < threads; i++)
		counters[i] = dl_piece_counter_new(a->pattern);
	size_t *splen = dl_calloc(a->nspecials + 1, sizeof *splen);
	for (size_t i = 0; i < a->nspecials; i++)
		splen[i] = strlen(a->specials[i]);
	struct text_source s;
	text_open(&s, a, allowed_cuts(a->pattern, a->specials, a->nspecials), BLOCK, 1);
	const uint8_t *p;
	size_t n, *starts = NULL, cap = 0;
	int first, last;
	while (text_next(&s, &p, &n, &first, &last)) {
		struct train_job j = { p, NULL, 0, counters, a->specials, splen, a->nspecials,
				       a->lines };
		j.ndocs = split_block(p, n, a->lines, s.cuts, 65536, &starts, &cap);
		j.doc_start = starts;
		if (a->lines)
			n_docs += j.ndocs / 2;
		dl_pool_for(pool, j.ndocs, 1, count_docs, &j);
	}
	if (!a->lines)
		n_docs = (uint64_t)s.nfiles;
	text_close(&s);
	for (int i = 1; i < threads; i++)
		dl_piece_counter_merge(counters[0], counters[i]);
	size_t nwords;
	dl_bpe_word *words = dl_piece_counter_words(counters[0], &nwords);
	if (a->common.verbose)
		fprintf(stderr, "%s: %" PRIu64 " bytes, %zu distinct pieces, %" PRIu64 " pieces\n",
			dl_progname(), s.bytes, nwords, dl_piece_counter_total(counters[0]));
	size_t max_merges = (size_t)a->vocab_size - 256 - a->nspecials;
	uint32_t (*merges)[2] = dl_calloc(max_merges ? max_merges : 1, sizeof *merges);
	dl_progress prog;
	dl_progress_start(&prog, "merges", max_merges, a->common.quiet);
	size_t k = dl_bpe_train(words, nwords, max_merges, a->min_freq, threads, merges,
				progress_merges, &prog);
	dl_progress_finish(&prog);
	/* Tokens: the 256 bytes, then one per merge. */
	size_t ntok = 256 + k;
	uint8_t **tok = dl_calloc(ntok, sizeof *tok);
	uint32_t *len = dl_calloc(ntok, sizeof *len);
	for (size_t i = 0; i < 256; i++) {
		tok[i] = dl_malloc(1);
		tok[i][0] = (uint8_t)i;
		len[i] = 1;
	}
	for (size_t i = 0; i < k; i++) {
		uint32_t l = merges[i][0], r = merges[i][1];
		len[256 + i] = len[l] + len[r];
		tok[256 + i] = dl_malloc(len[256 + i]);
		memcpy(tok[256 + i], tok[l], len[l]);
		memcpy(tok[256 + i] + len[l], tok[r], len[r]);
	}
	ntok = drop_repeats(tok, len, ntok, a->common.verbose);
	uint32_t *sid = dl_calloc(a->nspecials + 1, sizeof *sid);
	for (size_t i = 0; i < a->nspecials; i++)
		sid[i] = (uint32_t)(ntok + i);
	dl_err e;
	dl_bpe *m = dl_bpe_new(a->pattern, (const uint8_t *const *)tok, len, ntok, a->specials, sid,
			       a->nspecials, &e);
	if (!m)
		dl_die("%s", e.msg);
	/* Merges that make the same bytes twice collapse in a rank table: say so. */
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
	free(starts);
	free(splen);
	for (int i = 0; i < threads; i++)
		dl_piece_counter_free(counters[i]);
	free(counters);
	dl_pool_free(pool);
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

/* Encoding is a pipeline over blocks of text. The segments of a block (lines, or parts of
 * a whole-file document cut at safe points) are encoded in chunks, each chunk into an
 * output slot of its own, and blocks are written in input order, slot by slot. The
 * threads share three kinds of task, taken under one lock in this order of preference:
 * write the oldest block once all of its chunks are done, read the next block while fewer
 * than TEXT_BUFS are in flight, encode the next chunk of the oldest block that has one.
 * So reading and writing overlap encoding, and no thread waits for the others between
 * blocks. A block in flight owns a set of segments and slots (struct encode_set) and one of
 * the text source's buffers, both given back when it is written. */
struct encode_set {
	const uint8_t *text;
	int first, last;        /* the block starts / ends a file */
	const char *name;       /* where it comes from, for messages */
	uint64_t off, line;
	size_t *seg, segcap;    /* segment boundaries seg[0..nseg] */
	size_t nseg, chunk, nslots, slotcap;
	size_t taken, done;     /* chunks handed out, chunks finished */
	/* per slot */
	dl_buf *out;            /* formatted output (all but whole-file records) */
	uint32_t **ids;         /* ids (whole-file records) */
	size_t *nids, *capids;
	size_t *ntok;           /* ids encoded */
	size_t *bad_seg, *bad_off, *bad_sp;     /* the first disallowed special, if any */
};

struct encode_job {
	const struct args *a;
	int threads;
	dl_bpe_encoder **enc;   /* per thread */
	const char **sp;
	const enum dl_special_use *use;
	const uint8_t (*cells)[8];      /* see id_cells; NULL: none */
	uint32_t ncells;
	char sep;
	/* per thread */
	uint32_t **tids;
	size_t *tcap;
	dl_example *ex;
	dl_buf *scratch;
	/* the pipeline, under mu: blocks read_seq - written_seq (at most TEXT_BUFS) are in
	 * flight, block b in set[b % TEXT_BUFS] */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct encode_set set[TEXT_BUFS];
	uint64_t read_seq, written_seq;
	int reading, writing, eof;
	struct encode_set *bad;         /* a block with a disallowed special: stop */
	size_t bad_slot;
	/* the input and the output (one thread at a time: the reader, the writer) */
	struct text_source *src;
	dl_out *out;
	uint64_t doc_ids;       /* ids written of the whole-file document being written */
	uint32_t *doc;          /* whole-file records: the document's ids */
	size_t ndoc, doccap;
	dl_buf record;
};

/* Writes v in decimal at q; returns the end. Two digits per division, written from the end. */
static inline uint8_t *put_u32(uint8_t *q, uint32_t v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
				    "31323334353637383940414243444546474849505152535455565758596061"
				    "62636465666768697071727374757677787980818283848586878889909192"
				    "93949596979899";
	int len = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5
		: v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
	uint8_t *e = q + len;
	while (v >= 100) {
		uint32_t r = v % 100;
		v /= 100;
		e -= 2;
		e[0] = (uint8_t)pairs[2 * r];
		e[1] = (uint8_t)pairs[2 * r + 1];
	}
	if (v >= 10) {
		e[-2] = (uint8_t)pairs[2 * v];
		e[-1] = (uint8_t)pairs[2 * v + 1];
	} else {
		e[-1] = (uint8_t)('0' + v);
	}
	return q + len;
}

/* The text of every id below limit (at most 10^6) with sep before it, one 8-byte cell each:
 * the separator and the digits, then in the last byte their count. An id is written as one
 * 8-byte copy, and the output moves on by the count. */
static uint8_t (*id_cells(uint32_t limit, char sep))[8]
{
	uint8_t (*c)[8] = dl_calloc(limit ? limit : 1, sizeof *c);
	for (uint32_t id = 0; id < limit; id++) {
		c[id][0] = (uint8_t)sep;
		c[id][7] = (uint8_t)(put_u32(c[id] + 1, id) - c[id]);
	}
	return c;
}

/* Appends each id with sep before it to b; cells as id_cells made them for sep, for all ids
 * below ncells (the model's id limit, which no id reaches), or NULL. */
static void put_sep_ids(dl_buf *b, const uint32_t *ids, size_t n, char sep,
			const uint8_t (*cells)[8], uint32_t ncells)
{
	if (!cells) {
		dl_buf_reserve(b, n * 11);
		uint8_t *q = b->data + b->len;
		for (size_t i = 0; i < n; i++) {
			*q++ = (uint8_t)sep;
			q = put_u32(q, ids[i]);
		}
		b->len = (size_t)(q - b->data);
		return;
	}
	/* A cell moves the output on by at most 7 bytes, and writes 8. */
	dl_buf_reserve(b, n * 7 + 1);
	uint8_t *q = b->data + b->len;
	for (size_t i = 0; i < n; i++) {
		uint32_t id = ids[i] < ncells ? ids[i] : 0;
		if (id != ids[i])
			dl_die("internal error: id %u out of the model's range", ids[i]);
		memcpy(q, cells[id], 8);
		q += cells[id][7];
	}
	b->len = (size_t)(q - b->data);
}

/* Appends the ids to b, separated by sep, between head and tail. */
static void put_ids(dl_buf *b, const uint32_t *ids, size_t n, char sep, const char *head,
		    const char *tail, const uint8_t (*cells)[8], uint32_t ncells)
{
	size_t hl = strlen(head), tl = strlen(tail);
	dl_buf_reserve(b, hl + 11);
	memcpy(b->data + b->len, head, hl);
	b->len += hl;
	if (n) {
		b->len = (size_t)(put_u32(b->data + b->len, ids[0]) - b->data);
		put_sep_ids(b, ids + 1, n - 1, sep, cells, ncells);
	}
	dl_buf_append(b, tail, tl);
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Appends one document's ids to b in the output format. */
static void format_doc(const struct encode_job *j, const uint32_t *ids, size_t n, dl_buf *b,
		       dl_example *ex, dl_buf *scratch)
{
	enum fmt f = j->a->format;
	if (f == FMT_TEXT) {
		put_ids(b, ids, n, ' ', "", "\n", j->cells, j->ncells);
	} else if (f == FMT_JSONL) {
		put_ids(b, ids, n, ',', "{\"ids\":[", "]}\n", j->cells, j->ncells);
	} else {
		dl_example_clear(ex);
		dl_example_add(ex, "ids", 3, DL_FEATURE_INT64);
		for (size_t i = 0; i < n; i++)
			dl_example_add_int64(ex, ids[i]);
		scratch->len = 0;
		dl_example_encode(ex, scratch);
		uint8_t h[12], f4[4];
		put_le(h, scratch->len, 8);
		put_le(h + 8, dl_crc32c_mask(dl_crc32c(0, h, 8)), 4);
		put_le(f4, dl_crc32c_mask(dl_crc32c(0, scratch->data, scratch->len)), 4);
		dl_buf_append(b, h, 12);
		dl_buf_append(b, scratch->data, scratch->len);
		dl_buf_append(b, f4, 4);
	}
}

/* Reads the next block into set s and cuts it into segments and chunks. Returns 0 at the
 * end of the input. */
static int read_block(struct encode_job *j, struct encode_set *s)
{
	struct text_source *src = j->src;
	size_t n;
	if (!text_next(src, &s->text, &n, &s->first, &s->last))
		return 0;
	s->name = src->block_name;
	s->off = src->block_off;
	s->line = src->block_line;
	s->nseg = split_block(s->text, n, j->a->lines, src->cuts, ENCODE_PART, &s->seg,
			      &s->segcap);
	/* Two chunks a thread: with the blocks in flight, enough to keep the threads busy,
	 * and large enough that their output is written without a copy (dl_out_write takes
	 * 256 KiB or more straight to the file). The last block of the input is cut finer,
	 * so that the threads finish together. One thread takes a block in one chunk. */
	int final = s->last && src->next == src->nfiles;
	s->chunk = j->threads == 1 ? s->nseg + 1
		 : s->nseg / ((size_t)j->threads * (final ? 16 : 2)) + 1;
	if (j->a->lines)
		s->chunk += s->chunk & 1;       /* keep a line with its '\n' */
	s->nslots = (s->nseg + s->chunk - 1) / s->chunk;
	s->taken = s->done = 0;
	if (s->nslots > s->slotcap) {
		size_t k = s->nslots;
		s->out = dl_reallocarray(s->out, k, sizeof *s->out);
		s->ids = dl_reallocarray(s->ids, k, sizeof *s->ids);
		s->capids = dl_reallocarray(s->capids, k, sizeof *s->capids);
		memset(s->out + s->slotcap, 0, (k - s->slotcap) * sizeof *s->out);
		memset(s->ids + s->slotcap, 0, (k - s->slotcap) * sizeof *s->ids);
		memset(s->capids + s->slotcap, 0, (k - s->slotcap) * sizeof *s->capids);
		s->nids = dl_reallocarray(s->nids, k, sizeof *s->nids);
		s->ntok = dl_reallocarray(s->ntok, k, sizeof *s->ntok);
		s->bad_seg = dl_reallocarray(s->bad_seg, k, sizeof *s->bad_seg);
		s->bad_off = dl_reallocarray(s->bad_off, k, sizeof *s->bad_off);
		s->bad_sp = dl_reallocarray(s->bad_sp, k, sizeof *s->bad_sp);
		s->slotcap = k;
	}
	return 1;
}

/* Writes slots [0, nslots) of set s, in order, with what goes around them. */
static void write_slots(struct encode_job *j, struct encode_set *s, size_t nslots)
{
	const struct args *a = j->a;
	if (a->lines) {
		for (size_t i = 0; i < nslots; i++) {
			dl_out_write(j->out, s->out[i].data, s->out[i].len);
			n_tokens += s->ntok[i];
		}
		return;
	}
	if (a->format == FMT_RECORDS) {
		/* A record needs the whole document's ids. */
		for (size_t i = 0; i < nslots; i++) {
			DL_GROW(j->doc, j->doccap, j->ndoc + s->nids[i]);
			memcpy(j->doc + j->ndoc, s->ids[i], s->nids[i] * sizeof *j->doc);
			j->ndoc += s->nids[i];
		}
		return;
	}
	/* Text and JSON lines stream out; each id came with a separator before it, but the
	 * document's first. */
	if (s->first && a->format == FMT_JSONL)
		dl_out_puts(j->out, "{\"ids\":[");
	for (size_t i = 0; i < nslots; i++) {
		int skip = s->out[i].len && !j->doc_ids;
		dl_out_write(j->out, s->out[i].data + skip, s->out[i].len - (size_t)skip);
		j->doc_ids += s->ntok[i];
	}
}

/* Writes the output of the block in set s and returns 1. At a disallowed special token
 * it writes only what comes before it with --lines (else nothing) and returns 0, the
 * token's slot in *bad. */
static int write_block(struct encode_job *j, struct encode_set *s, int tid, size_t *bad)
{
	const struct args *a = j->a;
	for (size_t i = 0; i < s->nslots; i++) {
		if (s->bad_seg[i] != SIZE_MAX) {
			if (a->lines)
				write_slots(j, s, i);
			*bad = i;
			return 0;
		}
	}
	write_slots(j, s, s->nslots);
	if (a->lines) {
		n_docs += s->nseg / 2;
		return 1;
	}
	if (!s->last)
		return 1;
	if (a->format == FMT_RECORDS) {
		j->record.len = 0;
		format_doc(j, j->doc, j->ndoc, &j->record, &j->ex[tid], &j->scratch[tid]);
		dl_out_write(j->out, j->record.data, j->record.len);
		n_tokens += j->ndoc;
		j->ndoc = 0;
	} else {
		dl_out_puts(j->out, a->format == FMT_TEXT ? "\n" : "]}\n");
		n_tokens += j->doc_ids;
		j->doc_ids = 0;
	}
	n_docs++;
	return 1;
}

/* Dies naming the disallowed special token that stopped the pipeline. */
static void die_bad(const struct encode_job *j)
{
	const struct encode_set *s = j->bad;
	size_t d = s->bad_seg[j->bad_slot];
	const char *sp = j->sp[s->bad_sp[j->bad_slot]];
	if (j->a->lines)
		dl_die("%s: line %" PRIu64 ": the text holds the special token %s "
		       "(--allowed-special to encode it as one token, "
		       "--disallowed-special none to encode it as text)",
		       s->name, s->line + d / 2, sp);
	dl_die("%s: byte offset %" PRIu64 ": the text holds the special token %s "
	       "(--allowed-special to encode it as one token, "
	       "--disallowed-special none to encode it as text)",
	       s->name, s->off + s->seg[d] + s->bad_off[j->bad_slot], sp);
}

/* Encodes chunk c of set s into its slot. */
static void encode_chunk(struct encode_job *j, struct encode_set *s, size_t c, int tid)
{
	const struct args *a = j->a;
	size_t slot = c, begin = c * s->chunk;
	size_t end = begin + s->chunk < s->nseg ? begin + s->chunk : s->nseg;
	int to_slot = !a->lines && a->format == FMT_RECORDS;    /* ids kept for the record */
	uint32_t **dst = to_slot ? &s->ids[slot] : &j->tids[tid];
	size_t *dc = to_slot ? &s->capids[slot] : &j->tcap[tid], nids = 0;
	size_t *dn = to_slot ? &s->nids[slot] : &nids;
	size_t bytes = s->seg[end] - s->seg[begin];
	s->out[slot].len = 0;
	s->ntok[slot] = 0;
	s->nids[slot] = 0;
	s->bad_seg[slot] = SIZE_MAX;
	/* Room for what text usually becomes, at once: growing by doubling would touch (and
	 * copy) each buffer's memory twice over. */
	if (to_slot)
		DL_GROW(*dst, *dc, bytes / 2 + 16);
	else
		dl_buf_reserve(&s->out[slot], bytes * 3 + 64);
	for (size_t d = begin; d < end; d++) {
		if (a->lines && (d & 1))
			continue;
		const uint8_t *p = s->text + s->seg[d];
		size_t n = s->seg[d + 1] - s->seg[d], bad = 0, k, from = *dn;
		if (!to_slot)
			*dn = from = 0;
		DL_GROW(*dst, *dc, from + n / 3 + 16);  /* most text takes over 3 bytes a token */
		k = dl_bpe_encode(j->enc[tid], p, n, j->use, dst, dn, dc, &bad);
		if (k < n) {
			s->bad_seg[slot] = d;
			s->bad_off[slot] = k;
			s->bad_sp[slot] = bad;
			break;
		}
		s->ntok[slot] += *dn - from;
		if (a->lines)
			format_doc(j, *dst, *dn, &s->out[slot], &j->ex[tid], &j->scratch[tid]);
		else if (!to_slot)
			put_sep_ids(&s->out[slot], *dst, *dn, j->sep, j->cells, j->ncells);
	}
}

/* A thread of the pipeline: takes tasks until the input is written, or stopped. Called
 * with j->mu held; returns with it held. */
static void pipeline(struct encode_job *j, int tid)
{
	for (;;) {
		struct encode_set *w = &j->set[j->written_seq % TEXT_BUFS];
		if (j->bad)
			return;
		if (!j->writing && j->written_seq < j->read_seq && w->done == w->nslots) {
			size_t bad = 0;
			j->writing = 1;
			pthread_mutex_unlock(&j->mu);
			int ok = write_block(j, w, tid, &bad);
			pthread_mutex_lock(&j->mu);
			j->writing = 0;
			j->written_seq += ok;
			if (!ok) {
				j->bad = w;
				j->bad_slot = bad;
			}
			pthread_cond_broadcast(&j->cv);
			continue;
		}
		if (!j->reading && !j->eof && j->read_seq - j->written_seq < TEXT_BUFS) {
			struct encode_set *r = &j->set[j->read_seq % TEXT_BUFS];
			j->reading = 1;
			pthread_mutex_unlock(&j->mu);
			int got = read_block(j, r);
			pthread_mutex_lock(&j->mu);
			j->reading = 0;
			j->read_seq += got;
			j->eof = !got;
			pthread_cond_broadcast(&j->cv);
			continue;
		}
		struct encode_set *e = NULL;
		for (uint64_t b = j->written_seq; b < j->read_seq && !e; b++)
			if (j->set[b % TEXT_BUFS].taken < j->set[b % TEXT_BUFS].nslots)
				e = &j->set[b % TEXT_BUFS];
		if (e) {
			size_t c = e->taken++;
			pthread_mutex_unlock(&j->mu);
			encode_chunk(j, e, c, tid);
			pthread_mutex_lock(&j->mu);
			if (++e->done == e->nslots)
				pthread_cond_broadcast(&j->cv);
			continue;
		}
		if (j->eof && j->written_seq == j->read_seq)
			return;
		pthread_cond_wait(&j->cv, &j->mu);
	}
}

static void encode_thread(void *ctx, size_t begin, size_t end, int tid)
{
	struct encode_job *j = ctx;
	(void)begin;
	(void)end;
	pthread_mutex_lock(&j->mu);
	pipeline(j, tid);
	pthread_mutex_unlock(&j->mu);
}

static dl_out *ids_out(const struct args *a)
{
	if (a->format == FMT_RECORDS && (!a->output || !strcmp(a->output, "-")) &&
	    isatty(STDOUT_FILENO))
		dl_usage_error("records are not written to a terminal; use -o FILE, a pipe, or "
			       "--format text");
	return dl_out_open(a->output, DL_COMPRESS_NONE);
}

static void free_set(struct encode_set *s)
{
	for (size_t i = 0; i < s->slotcap; i++) {
		dl_buf_free(&s->out[i]);
		free(s->ids[i]);
	}
	free(s->seg);
	free(s->out);
	free(s->ids);
	free(s->nids);
	free(s->capids);
	free(s->ntok);
	free(s->bad_seg);
	free(s->bad_off);
	free(s->bad_sp);
}

static void cmd_encode(struct args *a)
{
	dl_bpe *m = load_model(a);
	int threads = a->common.threads;
	size_t ns = dl_bpe_nspecial(m);
	struct encode_job j;
	struct text_source src;
	uint32_t id;
	memset(&j, 0, sizeof j);
	j.a = a;
	j.sp = dl_calloc(ns + 1, sizeof *j.sp);
	enum dl_special_use *use = dl_calloc(ns + 1, sizeof *use);
	for (size_t i = 0; i < ns; i++)
		j.sp[i] = dl_bpe_special_name(m, i, &id);
	/* tiktoken's defaults: nothing allowed, everything else disallowed. */
	parse_special_set(m, a->disallowed ? a->disallowed : "all", "--disallowed-special", use,
			  DL_SPECIAL_DISALLOWED);
	parse_special_set(m, a->allowed ? a->allowed : "none", "--allowed-special", use,
			  DL_SPECIAL_ALLOWED);
	j.use = use;
	j.sep = a->format == FMT_JSONL ? ',' : ' ';
	if (a->format != FMT_RECORDS && dl_bpe_id_limit(m) <= 1000000) {
		j.ncells = dl_bpe_id_limit(m);
		j.cells = id_cells(j.ncells, j.sep);
	}
	j.enc = dl_calloc((size_t)threads, sizeof *j.enc);
	j.tids = dl_calloc((size_t)threads, sizeof *j.tids);
	j.tcap = dl_calloc((size_t)threads, sizeof *j.tcap);
	j.ex = dl_calloc((size_t)threads, sizeof *j.ex);
	j.scratch = dl_calloc((size_t)threads, sizeof *j.scratch);
	for (int i = 0; i < threads; i++) {
		j.enc[i] = dl_bpe_encoder_new(m);
		dl_example_init(&j.ex[i]);
	}
	dl_pool *pool = dl_pool_new(threads);
	j.out = ids_out(a);
	j.src = &src;
	j.threads = threads;
	pthread_mutex_init(&j.mu, NULL);
	pthread_cond_init(&j.cv, NULL);
	text_open(&src, a, allowed_cuts(dl_bpe_pattern(m), j.sp, ns), ENCODE_BLOCK, TEXT_BUFS);
	/* Small first blocks, growing: the other threads start sooner, and the first reads
	 * (which touch new memory) overlap encoding. */
	src.first_read = threads > 1 ? ENCODE_BLOCK / 16 : 0;
	/* One item a thread: each runs the pipeline until the end. */
	dl_pool_for(pool, (size_t)threads, 1, encode_thread, &j);
	if (j.bad)
		die_bad(&j);
	pthread_mutex_destroy(&j.mu);
	pthread_cond_destroy(&j.cv);
	text_close(&src);
	dl_out_close(j.out);
	for (int i = 0; i < threads; i++) {
		dl_bpe_encoder_free(j.enc[i]);
		dl_example_free(&j.ex[i]);
		dl_buf_free(&j.scratch[i]);
		free(j.tids[i]);
	}
	for (int i = 0; i < TEXT_BUFS; i++)
		free_set(&j.set[i]);
	free(j.enc);
	free(j.tids);
	free(j.tcap);
	free(j.ex);
	free(j.scratch);
	free((void *)j.cells);
	free(j.doc);
	dl_buf_free(&j.record);
	free(j.sp);
	free(use);
	dl_pool_free(pool);
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
		if (a->format == FMT_RECORDS) {
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
			if ((a->format == FMT_TEXT
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
		put_ids(&b, &id, 1, ' ', "", "\t", NULL, 0);
		printable(&b, t, len);
		dl_buf_append(&b, "\n", 1);
		dl_out_write(out, b.data, b.len);
	}
	for (size_t i = 0; i < dl_bpe_nspecial(m); i++) {
		uint32_t id;
		const char *name = dl_bpe_special_name(m, i, &id);
		b.len = 0;
		put_ids(&b, &id, 1, ' ', "", "\t", NULL, 0);
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
