/*
 * corpus.c — reading training text into a stream of ids (see corpus.h).
 */
#include "ngram/corpus.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/io.h"
#include "record/tfrecord.h"
#include "record/tokens.h"

void dl_ngram_corpus_init(dl_ngram_corpus *c)
{
	memset(c, 0, sizeof *c);
	dl_ngram_vocab_init(&c->vocab);
}

void dl_ngram_corpus_free(dl_ngram_corpus *c)
{
	dl_ngram_vocab_free(&c->vocab);
	free(c->ids);
	memset(c, 0, sizeof *c);
}

static inline int is_space(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r' ||
	       ch == 0;
}

size_t dl_ngram_split(const char *line, size_t n, const char **w, size_t *wl, size_t max)
{
	size_t i = 0, k = 0;
	while (i < n) {
		while (i < n && is_space((unsigned char)line[i]))
			i++;
		if (i == n)
			break;
		size_t s = i;
		while (i < n && !is_space((unsigned char)line[i]))
			i++;
		if (k < max) {
			w[k] = line + s;
			wl[k] = i - s;
		}
		k++;
	}
	return k;
}

static inline void push(dl_ngram_corpus *c, uint32_t id)
{
	if (c->nids == c->cap)
		DL_GROW(c->ids, c->cap, c->nids + 1);
	c->ids[c->nids++] = id;
}

/* Adds a word; the reserved words are counted and skipped (read as whitespace). */
static void add_word(dl_ngram_corpus *c, const char *w, size_t n)
{
	uint32_t id = dl_ngram_vocab_add(&c->vocab, w, n);
	if (id <= DL_NGRAM_EOS) {
		c->reserved++;
		return;
	}
	push(c, id);
	c->words++;
}

static void end_sentence(dl_ngram_corpus *c)
{
	push(c, DL_NGRAM_EOS);
	c->sentences++;
}

static int read_text(dl_ngram_corpus *c, dl_in *in, dl_err *e)
{
	char *line;
	ptrdiff_t n;
	while ((n = dl_in_getline(in, &line, e)) > 0 || (n == 0 && line)) {
		size_t i = 0, len = (size_t)n;
		while (i < len) {
			while (i < len && is_space((unsigned char)line[i]))
				i++;
			if (i == len)
				break;
			size_t s = i;
			while (i < len && !is_space((unsigned char)line[i]))
				i++;
			add_word(c, line + s, i - s);
		}
		end_sentence(c);
	}
	return n < 0 ? -1 : 0;
}

static int read_records(dl_ngram_corpus *c, dl_in *in, const char *feature, dl_err *e)
{
	dl_token_reader *r = dl_token_reader_new(in, feature);
	const int64_t *v;
	size_t n;
	int rc;
	while ((rc = dl_token_reader_next(r, &v, &n, e)) == 1) {
		for (size_t i = 0; i < n; i++) {
			char w[24];
			int len = snprintf(w, sizeof w, "%" PRId64, v[i]);
			add_word(c, w, (size_t)len);
		}
		end_sentence(c);
	}
	dl_token_reader_free(r);
	return rc < 0 ? -1 : 0;
}

static int read_in(dl_ngram_corpus *c, dl_in *in, enum dl_ngram_input kind,
		   const char *feature, dl_err *e)
{
	if (kind == DL_NGRAM_IN_AUTO) {
		int rec = dl_tfrecord_sniff(in, e);
		if (rec < 0)
			return -1;
		kind = rec ? DL_NGRAM_IN_RECORDS : DL_NGRAM_IN_TEXT;
	}
	if (kind == DL_NGRAM_IN_RECORDS)
		return read_records(c, in, feature ? feature : "ids", e);
	return read_text(c, in, e);
}

int dl_ngram_corpus_read(dl_ngram_corpus *c, const char *path, enum dl_ngram_input kind,
			 const char *feature, dl_err *e)
{
	if (e)
		e->msg[0] = 0;
	dl_in *in = dl_in_open(path, kind == DL_NGRAM_IN_RECORDS ? DL_IN_ZLIB : 0, e);
	if (!in)
		return -1;
	if (kind != DL_NGRAM_IN_TEXT)
		dl_in_set_plain_check(in, dl_tfrecord_plain_check);
	int rc = read_in(c, in, kind, feature, e);
	dl_in_close(in);
	return rc;
}

int dl_ngram_corpus_read_mem(dl_ngram_corpus *c, const void *data, size_t len,
			     const char *name, enum dl_ngram_input kind, const char *feature,
			     dl_err *e)
{
	if (e)
		e->msg[0] = 0;
	dl_in *in = dl_in_open_mem(data, len, name, kind == DL_NGRAM_IN_RECORDS ? DL_IN_ZLIB : 0);
	if (kind != DL_NGRAM_IN_TEXT)
		dl_in_set_plain_check(in, dl_tfrecord_plain_check);
	int rc = read_in(c, in, kind, feature, e);
	dl_in_close(in);
	return rc;
}
