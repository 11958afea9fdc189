/*
 * corpus.c — reading training text into a stream of ids (see corpus.h).
 */
#include "ngram/corpus.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/io.h"
#include "record/example.h"
#include "record/tfrecord.h"

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
	dl_tfrecord_reader *r = dl_tfrecord_reader_new(in, 0);
	dl_example ex;
	size_t flen = strlen(feature);
	const uint8_t *data;
	size_t len;
	int rc;

	dl_example_init(&ex);
	while ((rc = dl_tfrecord_next(r, &data, &len, e)) == 1) {
		uint64_t idx = dl_tfrecord_index(r);
		if (dl_example_decode(&ex, data, len, e) < 0) {
			dl_err inner = *e;
			rc = dl_errf(e, "%s: record %" PRIu64 ": %s", dl_in_name(in), idx, inner.msg);
			break;
		}
		const dl_feature *f = dl_example_find(&ex, feature, flen);
		if (!f || (f->kind != DL_FEATURE_INT64 && f->count)) {
			rc = dl_errf(e, "%s: record %" PRIu64 ": no int64 feature '%s'%s",
				     dl_in_name(in), idx, feature, f ? " (it has another type)" : "");
			break;
		}
		const int64_t *v = dl_feature_ints(&ex, f);
		for (size_t i = 0; i < f->count; i++) {
			char w[24];
			int n;
			if (v[i] < 0) {
				rc = dl_errf(e, "%s: record %" PRIu64 ": '%s'[%zu] = %" PRId64
					     " is negative, not a token id", dl_in_name(in), idx,
					     feature, i, v[i]);
				goto out;
			}
			n = snprintf(w, sizeof w, "%" PRId64, v[i]);
			add_word(c, w, (size_t)n);
		}
		end_sentence(c);
	}
out:
	dl_example_free(&ex);
	dl_tfrecord_close(r);
	return rc < 0 ? -1 : 0;
}

static int read_in(dl_ngram_corpus *c, dl_in *in, enum dl_ngram_input kind,
		   const char *feature, dl_err *e)
{
	if (kind == DL_NGRAM_IN_AUTO) {
		size_t avail = 0;
		const uint8_t *p = dl_in_peek(in, DL_TFRECORD_HEADER, &avail, e);
		if (!p && e && e->msg[0])
			return -1;
		kind = p && avail >= DL_TFRECORD_HEADER && dl_tfrecord_plain_check(p, avail) ?
			DL_NGRAM_IN_RECORDS : DL_NGRAM_IN_TEXT;
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
