/*
 * blocks.c — apply in blocks on a pool of threads (blocks.h).
 *
 * The main thread reads the input: for CSV the header line first, then blocks of about
 * 1 MiB that end at the end of a row (a newline outside quotes: the quotes before
 * it are even in number), each copied after the header so that a worker can read it as a
 * CSV of its own. It counts the block's lines, for messages. A batch of 2 x threads blocks
 * is handed to dl_pool_for; each worker has its own dl_fx, each block its own writer and
 * buffer; then the main thread writes the blocks' outputs in order and reads the next
 * batch. Workers share nothing but the spec, which apply only reads.
 */
#include "features/blocks.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/threads.h"

#include <stdlib.h>

/* About 1 MiB a block; DL_FEATURES_BLOCK (bytes) overrides it, for tests of many blocks. */
static size_t block_size(void)
{
	const char *v = getenv("DL_FEATURES_BLOCK");
	long n = v ? atol(v) : 0;

	return n > 0 ? (size_t)n : (size_t)1 << 20;
}

int dl_fx_blocks_ok(const dl_fspec *s, enum dl_frows_format f)
{
	if (f != DL_FROWS_CSV && f != DL_FROWS_JSONL)
		return 0;
	for (size_t i = 0; i < s->ncol; i++)
		if (s->col[i].type == DL_FC_ROLLING)
			return 0;
	return 1;
}

struct block {
	dl_buf text;           /* (header +) rows */
	uint64_t first_line;   /* line of the first row in the file */
	dl_fout *w;
	uint64_t rows, bad;
	int failed;            /* an error that ends the run (I/O, or a bad row with fail) */
	char msg[600];         /* the first bad row's or the error's message */
};

struct job {
	const dl_fspec *s;
	const char *name;
	enum dl_frows_format f;
	char delim;
	int skip;
	uint64_t header_lines;
	dl_fx **fx;            /* per worker */
	struct block *b;
};

static void note(struct block *b, const char *msg)
{
	if (!b->bad++ || b->failed)
		snprintf(b->msg, sizeof b->msg, "%s", msg);
}

static void work(void *ctx, size_t begin, size_t end, int tid)
{
	struct job *j = ctx;

	for (size_t i = begin; i < end; i++) {
		struct block *b = &j->b[i];
		dl_err e;
		dl_frows *r = dl_frows_open_mem(b->text.data, b->text.len, j->name, j->f, j->delim,
						j->s->keys, j->s->nkeys, &e);
		int got;

		if (!r) {
			b->failed = 1;
			note(b, e.msg);
			continue;
		}
		/* The block's line L is the file's line L - header_lines - 1 + first_line. */
		dl_frows_set_line_offset(r, b->first_line - j->header_lines - 1);
		while ((got = dl_frows_next(r, &e)) != 0) {
			if (got == -1) {
				b->failed = 1;
				note(b, e.msg);
				break;
			}
			if (got == -2) {
				note(b, e.msg);
			} else if (dl_fx_apply(j->fx[tid], r, &e)) {
				char msg[600];
				snprintf(msg, sizeof msg, "%s: %s", dl_frows_where(r), e.msg);
				note(b, msg);
			} else {
				dl_fout_write(b->w, j->fx[tid]);
				b->rows++;
				continue;
			}
			if (!j->skip) {
				b->failed = 1;
				break;
			}
		}
		dl_frows_close(r);
	}
}

static uint64_t count_lines(const uint8_t *p, size_t n)
{
	uint64_t k = 0;
	const uint8_t *end = p + n;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		k++;
		p++;
	}
	return k;
}

/* The length of the first part of p[0..n) that ends with a row: up to the last newline
 * outside quotes (CSV) or the last newline (JSON lines); 0 when there is none. */
static size_t cut_point(const uint8_t *p, size_t n, int csv)
{
	const uint8_t *nl = memrchr(p, '\n', n);

	if (!nl)
		return 0;
	if (!csv || !memchr(p, '"', n))
		return (size_t)(nl - p) + 1;
	size_t cut = 0;
	int inq = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			inq = !inq;
		else if (p[i] == '\n' && !inq)
			cut = i + 1;
	}
	return cut;
}

/* Reads the next block into b; returns 1, 0 at the end, -1 on error. */
static int next_block(dl_in *in, const dl_buf *header, int csv, struct block *b, dl_err *e)
{
	size_t want = block_size(), avail, cut;
	const uint8_t *p;

	for (;;) {
		p = dl_in_peek(in, want, &avail, e);
		if (!p)
			return -1;
		if (!avail)
			return 0;
		cut = cut_point(p, avail, csv);
		if (avail < want)
			cut = avail;            /* the end of the input: everything left */
		if (cut)
			break;
		want *= 2;                      /* one row longer than a block */
	}
	dl_buf_clear(&b->text);
	dl_buf_append(&b->text, header->data, header->len);
	dl_buf_append(&b->text, p, cut);
	dl_in_skip(in, cut);
	return 1;
}

int dl_fx_apply_blocks(const dl_fspec *s, const char *path, enum dl_frows_format f,
		       char delimiter, enum dl_fout_format of, dl_out *out, struct dl_fx_run *run,
		       dl_err *e)
{
	int threads = run->threads > 0 ? run->threads : 1, csv = f == DL_FROWS_CSV, rc = 0;
	size_t nb = 2 * (size_t)threads;
	dl_in *in = dl_in_open(path, 0, e);
	dl_buf header = { 0 };
	struct block *b = dl_calloc(nb, sizeof *b);
	dl_pool *pool = NULL;
	uint64_t line = 1;
	struct job j = { s, NULL, f, delimiter, run->skip, 0, NULL, b };

	run->rows = run->bad = 0;
	run->first_bad[0] = '\0';
	if (!in) {
		dl_free(b);
		return -1;
	}
	j.name = dl_in_name(in);
	if (csv) {
		char *h;
		ptrdiff_t n = dl_in_getline(in, &h, e);
		if (n < 0 || (!n && !h)) {
			rc = n < 0 ? -1 : dl_errf(e, "%s: empty input (a CSV needs a header)", j.name);
			goto out;
		}
		dl_buf_append(&header, h, (size_t)n);
		dl_buf_putc(&header, '\n');
		j.header_lines = 1;
		line = 2;
	}
	pool = dl_pool_new(threads);
	j.fx = dl_calloc((size_t)threads, sizeof *j.fx);
	for (int t = 0; t < threads; t++)
		j.fx[t] = dl_fx_new(s);
	for (size_t i = 0; i < nb; i++)
		b[i].w = dl_fout_new(NULL, of, s);
	for (;;) {
		size_t n = 0;
		int got = 1;
		while (n < nb && (got = next_block(in, &header, csv, &b[n], e)) == 1) {
			b[n].first_line = line;
			line += count_lines(b[n].text.data + header.len, b[n].text.len - header.len);
			b[n].rows = b[n].bad = 0;
			b[n].failed = 0;
			dl_buf_clear(dl_fout_buffer(b[n].w));
			n++;
		}
		if (got < 0) {
			rc = -1;
			break;
		}
		if (!n)
			break;
		dl_pool_for(pool, n, 1, work, &j);
		for (size_t i = 0; i < n; i++) {
			dl_buf *o = dl_fout_buffer(b[i].w);
			if (o->len)
				dl_out_write(out, o->data, o->len);
			run->rows += b[i].rows;
			if (b[i].failed) {
				rc = dl_errf(e, "%s", b[i].msg);
				goto out;
			}
			if (b[i].bad && !run->bad)
				snprintf(run->first_bad, sizeof run->first_bad, "%s", b[i].msg);
			run->bad += b[i].bad;
		}
		if (got == 0)
			break;
	}
out:
	for (size_t i = 0; i < nb; i++) {
		dl_fout_free(b[i].w);
		dl_buf_free(&b[i].text);
	}
	if (j.fx)
		for (int t = 0; t < threads; t++)
			dl_fx_free(j.fx[t]);
	dl_free(j.fx);
	dl_pool_free(pool);
	dl_free(b);
	dl_buf_free(&header);
	dl_in_close(in);
	return rc;
}
