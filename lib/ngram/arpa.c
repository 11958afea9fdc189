/*
 * arpa.c — reading and writing ARPA n-gram models (see arpa.h).
 */
#include "ngram/arpa.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "ngram/corpus.h"

/* ------------------------------------------------------------------ writing */

char *dl_arpa_format(char *p, float x)
{
	double a = fabs((double)x);
	if (!isfinite(x) || a >= 1e9)
		return p + snprintf(p, 32, "%g", (double)x);
	uint64_t v = (uint64_t)llround(a * 1e7);
	if (!v) {
		*p++ = '0';
		return p;
	}
	if (x < 0)
		*p++ = '-';
	uint64_t ip = v / 10000000, fp = v % 10000000;
	char tmp[24];
	int n = 0;
	do
		tmp[n++] = (char)('0' + ip % 10);
	while (ip /= 10);
	while (n)
		*p++ = tmp[--n];
	if (fp) {
		int digits = 7;
		while (fp % 10 == 0) {
			fp /= 10;
			digits--;
		}
		*p++ = '.';
		for (int i = digits - 1; i >= 0; i--) {
			p[i] = (char)('0' + fp % 10);
			fp /= 10;
		}
		p += digits;
	}
	return p;
}

#define LINES_PER_CHUNK 32768

struct fmt_ctx {
	const dl_ngram_est *m;
	const dl_ngram_level *l;
	int o;
	size_t base;            /* first line of this batch */
	dl_buf *bufs;           /* one per chunk of the batch */
};

/* Formats lines [begin, end) of the batch (one chunk) into its buffer. */
static void fmt_chunk(void *ctx, size_t begin, size_t end, int tid)
{
	struct fmt_ctx *c = ctx;
	const dl_ngram_level *l = c->l;
	const dl_ngram_vocab *v = &c->m->vocab;
	dl_buf *b = &c->bufs[begin / LINES_PER_CHUNK];
	char num[32];
	(void)tid;
	b->len = 0;
	for (size_t i = c->base + begin; i < c->base + end; i++) {
		dl_buf_reserve(b, 80);
		char *e = dl_arpa_format(num, l->prob[i]);
		dl_buf_append(b, num, (size_t)(e - num));
		for (int w = 0; w <= c->o; w++) {
			uint32_t id = dl_ngram_key_word(l->keys[i], c->m->bits, w);
			dl_buf_putc(b, w ? ' ' : '\t');
			dl_buf_append(b, dl_ngram_vocab_word(v, id), v->len[id]);
		}
		if (l->bo) {
			e = dl_arpa_format(num, l->bo[i]);
			dl_buf_putc(b, '\t');
			dl_buf_append(b, num, (size_t)(e - num));
		}
		dl_buf_putc(b, '\n');
	}
}

void dl_arpa_write(const dl_ngram_est *m, dl_out *out, dl_pool *pool)
{
	int chunks = pool ? 2 * dl_pool_threads(pool) : 1;
	size_t batch = (size_t)chunks * LINES_PER_CHUNK;
	dl_buf *bufs = dl_calloc((size_t)chunks, sizeof *bufs);
	struct fmt_ctx c = { m, NULL, 0, 0, bufs };

	dl_out_puts(out, "\\data\\\n");
	for (int o = 0; o < m->order; o++)
		dl_out_printf(out, "ngram %d=%zu\n", o + 1, m->lev[o].n);
	for (int o = 0; o < m->order; o++) {
		c.l = &m->lev[o];
		c.o = o;
		dl_out_printf(out, "\n\\%d-grams:\n", o + 1);
		for (c.base = 0; c.base < c.l->n; c.base += batch) {
			size_t n = c.l->n - c.base < batch ? c.l->n - c.base : batch;
			if (pool)
				dl_pool_for(pool, n, LINES_PER_CHUNK, fmt_chunk, &c);
			else
				fmt_chunk(&c, 0, n, 0);
			for (size_t k = 0; k * LINES_PER_CHUNK < n; k++)
				dl_out_write(out, bufs[k].data, bufs[k].len);
		}
	}
	dl_out_puts(out, "\n\\end\\\n");
	for (int k = 0; k < chunks; k++)
		dl_buf_free(&bufs[k]);
	free(bufs);
}

/* ------------------------------------------------------------------ reading */

struct reader {
	dl_in *in;
	char *line;
	ptrdiff_t len;
};

static int rd_err(struct reader *r, dl_err *e, const char *fmt, ...) DL_PRINTF(3, 4);
static int rd_err(struct reader *r, dl_err *e, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return dl_errf(e, "%s:%" PRIu64 ": %s", dl_in_name(r->in), dl_in_lineno(r->in), msg);
}

/* The next line (0 at the end of the file, -1 on error). */
static int next_line(struct reader *r, dl_err *e)
{
	r->len = dl_in_getline(r->in, &r->line, e);
	if (r->len < 0)
		return -1;
	if (!r->line)
		return 0;
	if (r->len && r->line[r->len - 1] == '\r')
		r->line[--r->len] = 0;
	return 1;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* The next line that is not blank; 0 at the end of the file. */
static int next_content(struct reader *r, dl_err *e)
{
	int rc;
	while ((rc = next_line(r, e)) > 0 && is_blank(r->line, (size_t)r->len))
		;
	return rc;
}

/* Parses a number that fills the whole field. */
static int parse_num(const char *s, size_t n, float *out)
{
	char buf[64];
	char *end;
	if (!n || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	double v = strtod(buf, &end);
	if (end != buf + n || !isfinite(v) || fabs(v) > 1e30)
		return -1;
	*out = (float)v;
	return 0;
}

/* "\N-grams:" */
static int section_header(const char *s, size_t n, int *order)
{
	int o = 0;
	size_t i = 1;
	if (n < 9 || s[0] != '\\')
		return 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && o < 1000)
		o = o * 10 + (s[i++] - '0');
	if (i == 1 || n - i != 7 || memcmp(s + i, "-grams:", 7))
		return 0;
	*order = o;
	return 1;
}

static int read_header(struct reader *r, int *order, uint64_t *counts, dl_err *e)
{
	int rc;
	while ((rc = next_line(r, e)) > 0 && strcmp(r->line, "\\data\\"))
		;
	if (rc < 0)
		return -1;
	if (!rc)
		return rd_err(r, e, "no \\data\\ line: not an ARPA file");
	*order = 0;
	while ((rc = next_content(r, e)) > 0 && !strncmp(r->line, "ngram ", 6)) {
		char *eq = strchr(r->line, '=');
		char *end;
		if (!eq)
			return rd_err(r, e, "expected 'ngram N=COUNT'");
		errno = 0;
		long n = strtol(r->line + 6, &end, 10);
		if (end != eq || n != *order + 1)
			return rd_err(r, e, "expected the count of the %d-grams", *order + 1);
		if (n > DL_NGRAM_ARPA_MAX_ORDER)
			return rd_err(r, e, "order %ld is too high (at most %d)", n,
				      DL_NGRAM_ARPA_MAX_ORDER);
		unsigned long long c = strtoull(eq + 1, &end, 10);
		if (end == eq + 1 || *end || errno || eq[1] == '-' || c > (1ULL << 40))
			return rd_err(r, e, "bad n-gram count '%s'", eq + 1);
		counts[*order] = c;
		(*order)++;
	}
	if (rc < 0)
		return -1;
	if (!*order)
		return rd_err(r, e, "no 'ngram 1=COUNT' line after \\data\\");
	if (!rc)
		return rd_err(r, e, "the file ends after the header");
	return 0;
}

static int read_ngram(struct reader *r, int n, int order, const dl_arpa_sink *sink, dl_err *e)
{
	const char *f[DL_NGRAM_ARPA_MAX_ORDER + 2];
	size_t fl[DL_NGRAM_ARPA_MAX_ORDER + 2];
	size_t nf = dl_ngram_split(r->line, (size_t)r->len, f, fl, (size_t)n + 2);
	float prob, bo = 0;
	/* a number after the words of the top order is taken as a (meaningless) backoff */
	if (nf < (size_t)n + 1 || nf > (size_t)n + 2 ||
	    (n == order && nf == (size_t)n + 2 && parse_num(f[n + 1], fl[n + 1], &bo) < 0))
		return rd_err(r, e, "expected a %d-gram: log10 probability, %d word%s%s", n, n,
			      n > 1 ? "s" : "", n < order ? " and an optional backoff" : "");
	if (parse_num(f[0], fl[0], &prob) < 0)
		return rd_err(r, e, "bad probability '%.*s'", (int)(fl[0] > 40 ? 40 : fl[0]), f[0]);
	if (prob > 0)
		return rd_err(r, e, "log10 probability %g is positive", (double)prob);
	if (n < order && nf == (size_t)n + 2 && parse_num(f[n + 1], fl[n + 1], &bo) < 0)
		return rd_err(r, e, "bad backoff '%.*s'", (int)(fl[n + 1] > 40 ? 40 : fl[n + 1]),
			      f[n + 1]);
	if (n == order)
		bo = 0;
	if (sink->ngram(sink->ctx, n, f + 1, fl + 1, prob, bo, e) < 0) {
		dl_err inner = *e;
		return rd_err(r, e, "%s", inner.msg);
	}
	return 0;
}

int dl_arpa_read(dl_in *in, const dl_arpa_sink *sink, dl_err *e)
{
	struct reader r = { in, NULL, 0 };
	uint64_t counts[DL_NGRAM_ARPA_MAX_ORDER];
	int order = 0, rc, o;

	if (e)
		e->msg[0] = 0;
	if (read_header(&r, &order, counts, e) < 0)
		return -1;
	if (sink->header(sink->ctx, order, counts, e) < 0) {
		dl_err inner = *e;
		return rd_err(&r, e, "%s", inner.msg);
	}
	/* r.line holds the first line after the counts */
	for (int n = 1; n <= order; n++) {
		if (!section_header(r.line, (size_t)r.len, &o) || o != n)
			return rd_err(&r, e, "expected \\%d-grams:", n);
		for (uint64_t i = 0; i < counts[n - 1]; i++) {
			if ((rc = next_line(&r, e)) <= 0)
				return rc < 0 ? -1 : rd_err(&r, e, "the file ends in the %d-grams "
							    "(%" PRIu64 " of %" PRIu64 " read)", n,
							    i, counts[n - 1]);
			if (is_blank(r.line, (size_t)r.len) || r.line[0] == '\\')
				return rd_err(&r, e, "the %d-grams section has %" PRIu64 " n-grams, "
					      "the header says %" PRIu64, n, i, counts[n - 1]);
			if (read_ngram(&r, n, order, sink, e) < 0)
				return -1;
		}
		if ((rc = next_content(&r, e)) < 0)
			return -1;
		if (!rc)
			return rd_err(&r, e, "the file ends without \\end\\");
		if (r.line[0] != '\\')
			return rd_err(&r, e, "the %d-grams section has more n-grams than the %"
				      PRIu64 " the header says", n, counts[n - 1]);
	}
	if (strcmp(r.line, "\\end\\"))
		return rd_err(&r, e, "expected \\end\\");
	return 0;
}
