/*
 * trainfiles.c — counting the pieces of text files with threads, and the tokens of merges.
 *
 * Counting: each block of the input (tokenize/blocks.h) is split into segments (lines, or
 * parts of about PART bytes of a whole-file document cut at safe points) that the threads
 * count into counters of their own, merged at the end. The text of special tokens is left
 * out: a piece never spans one.
 *
 * Tokens: the bytes of each merge are the bytes of its two tokens; repeats are found by
 * sorting the tokens by (length, bytes, id), so that the later of two equal ones goes.
 */
#include "tokenize/trainfiles.h"
#include "core/alloc.h"
#include "core/threads.h"
#include "tokenize/blocks.h"
#include "tokenize/model.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK ((size_t)8 << 20)         /* text read per batch */
#define PART ((size_t)64 << 10)         /* a segment of a whole-file document */

struct count_job {
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
	struct count_job *j = ctx;
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

dl_piece_counter *dl_count_files(const struct dl_count_opts *o, char **files, int nfiles,
				 uint64_t *docs, uint64_t *bytes, dl_err *e)
{
	int threads = o->threads;
	dl_pool *pool = dl_pool_new(threads);
	dl_piece_counter **counters = dl_calloc((size_t)threads, sizeof *counters);
	for (int i = 0; i < threads; i++)
		counters[i] = dl_piece_counter_new(o->pattern);
	size_t *splen = dl_calloc(o->nspecials + 1, sizeof *splen);
	for (size_t i = 0; i < o->nspecials; i++)
		splen[i] = strlen(o->specials[i]);
	unsigned cuts = dl_text_allowed_cuts(o->pattern, o->specials, o->nspecials);
	dl_text_source *s = dl_text_open(files, nfiles, o->lines, cuts, BLOCK, 1, 0, o->quiet);
	struct dl_text_block b;
	size_t *starts = NULL, cap = 0;
	int rc;
	*docs = 0;
	while ((rc = dl_text_next(s, &b, e)) > 0) {
		struct count_job j = { b.p, NULL, 0, counters, o->specials, splen, o->nspecials,
				       o->lines };
		j.ndocs = dl_text_split(b.p, b.n, o->lines, cuts, PART, &starts, &cap);
		j.doc_start = starts;
		if (o->lines)
			*docs += j.ndocs / 2;
		dl_pool_for(pool, j.ndocs, 1, count_docs, &j);
	}
	if (!o->lines)
		*docs = (uint64_t)(nfiles ? nfiles : 1);
	*bytes = dl_text_bytes(s);
	dl_text_close(s);
	for (int i = 1; i < threads; i++) {
		if (rc == 0)
			dl_piece_counter_merge(counters[0], counters[i]);
		dl_piece_counter_free(counters[i]);
	}
	dl_piece_counter *c = counters[0];
	if (rc < 0) {
		dl_piece_counter_free(c);
		c = NULL;
	}
	free(counters);
	free(starts);
	free(splen);
	dl_pool_free(pool);
	return c;
}

struct tok_ref {
	const uint8_t *p;
	uint32_t len;
	size_t id;
};

static int cmp_tok(const void *x, const void *y)
{
	const struct tok_ref *a = x, *b = y;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	int c = memcmp(a->p, b->p, a->len);
	return c ? c : (a->id < b->id ? -1 : a->id > b->id);
}

/* Drops the later of two tokens with the same bytes (freeing them) and moves the rest up.
 * Returns the new count. */
static size_t drop_repeats(uint8_t **tok, uint32_t *len, size_t n, size_t *dropped)
{
	struct tok_ref *ix = dl_calloc(n ? n : 1, sizeof *ix);
	uint8_t *gone = dl_calloc(n ? n : 1, 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		ix[i] = (struct tok_ref){ tok[i], len[i], i };
	qsort(ix, n, sizeof *ix, cmp_tok);
	for (size_t i = 1; i < n; i++)
		if (ix[i].len == ix[i - 1].len && !memcmp(ix[i].p, ix[i - 1].p, ix[i].len))
			gone[ix[i].id] = 1;     /* the later of two equal tokens */
	*dropped = 0;
	for (size_t i = 0; i < n; i++) {
		if (gone[i]) {
			free(tok[i]);
			(*dropped)++;
			continue;
		}
		tok[k] = tok[i];
		len[k++] = len[i];
	}
	free(ix);
	free(gone);
	return k;
}

size_t dl_bpe_merge_tokens(const uint32_t (*merges)[2], size_t k, uint8_t ***tokp,
			   uint32_t **lenp, size_t *dropped)
{
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
	*tokp = tok;
	*lenp = len;
	return drop_repeats(tok, len, ntok, dropped);
}
