/*
 * corpus.c — reading word2vec's corpus and vocabulary (see corpus.h for the contract).
 *
 * Words are kept in one arena and found through an open-addressing table of XXH64 hashes
 * with linear probing, grown at half load. Text is scanned in the input's own buffer, a
 * word cut by the buffer's end carried over in a small fixed buffer.
 */
#include "config.h"
#include "w2v/corpus.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/io.h"
#include "record/tfrecord.h"
#include "record/tokens.h"

void dl_w2v_corpus_init(dl_w2v_corpus *c)
{
	memset(c, 0, sizeof *c);
	c->nslots = 1024;
	c->slots = dl_calloc(c->nslots, sizeof *c->slots);
}

void dl_w2v_corpus_free(dl_w2v_corpus *c)
{
	dl_free(c->arena);
	dl_free(c->off);
	dl_free(c->len);
	dl_free(c->count);
	dl_free(c->hash);
	dl_free(c->slots);
	dl_free(c->ids);
	dl_free(c->sent_end);
	memset(c, 0, sizeof *c);
}

static void rehash(dl_w2v_corpus *c, size_t nslots)
{
	dl_free(c->slots);
	c->nslots = nslots;
	c->slots = dl_calloc(nslots, sizeof *c->slots);
	for (size_t i = 0; i < c->nwords; i++) {
		size_t s = c->hash[i] & (nslots - 1);
		while (c->slots[s])
			s = (s + 1) & (nslots - 1);
		c->slots[s] = (uint32_t)i + 1;
	}
}

/* The id of word w (len n), adding it when new and the vocabulary is not fixed; -1 when it
 * is unknown to a fixed vocabulary. */
static int64_t lookup(dl_w2v_corpus *c, const char *w, size_t n, int add)
{
	uint64_t h = dl_hash64(w, n, 0);
	size_t mask = c->nslots - 1, s = h & mask;
	for (uint32_t id; (id = c->slots[s]); s = (s + 1) & mask) {
		id--;
		if (c->hash[id] == h && c->len[id] == n && !memcmp(c->arena + c->off[id], w, n))
			return id;
	}
	if (!add)
		return -1;
	if (c->nwords >= UINT32_MAX - 1)
		dl_die("more than %u distinct words", UINT32_MAX - 2);
	size_t id = c->nwords++;
	if (id >= c->words_cap) {
		size_t cap = c->words_cap;
		dl_grow((void **)&c->off, &cap, id + 1, sizeof *c->off);
		cap = c->words_cap;
		dl_grow((void **)&c->len, &cap, id + 1, sizeof *c->len);
		cap = c->words_cap;
		dl_grow((void **)&c->count, &cap, id + 1, sizeof *c->count);
		cap = c->words_cap;
		dl_grow((void **)&c->hash, &cap, id + 1, sizeof *c->hash);
		c->words_cap = cap;
	}
	dl_grow((void **)&c->arena, &c->arena_cap, c->arena_len + n + 1, 1);
	memcpy(c->arena + c->arena_len, w, n);
	c->arena[c->arena_len + n] = 0;
	c->off[id] = c->arena_len;
	c->arena_len += n + 1;
	c->len[id] = (uint32_t)n;
	c->count[id] = 0;
	c->hash[id] = h;
	c->slots[s] = (uint32_t)id + 1;
	if (2 * c->nwords > c->nslots)
		rehash(c, 2 * c->nslots);
	return (int64_t)id;
}

static void push_id(dl_w2v_corpus *c, uint32_t id)
{
	if (c->nids == c->ids_cap)
		dl_grow((void **)&c->ids, &c->ids_cap, c->nids + 1, sizeof *c->ids);
	c->ids[c->nids++] = id;
}

static void end_sentence(dl_w2v_corpus *c)
{
	if (c->nids == (c->nsent ? c->sent_end[c->nsent - 1] : 0))
		return;
	if (c->nsent == c->sent_cap)
		dl_grow((void **)&c->sent_end, &c->sent_cap, c->nsent + 1, sizeof *c->sent_end);
	c->sent_end[c->nsent++] = c->nids;
}

static void add_word(dl_w2v_corpus *c, const char *w, size_t n)
{
	c->raw_words++;
	int64_t id = lookup(c, w, n, !c->fixed);
	if (id < 0)
		return;
	if (!c->fixed)
		c->count[id]++;
	push_id(c, (uint32_t)id);
}

/* Bytes that separate words; '\n' also ends a sentence. */
static const uint8_t sep[256] = {
	[0] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 2, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
};

/* Appends p[0..n) to the word cut by the buffer's end, up to DL_W2V_MAX_WORD bytes. */
static void carry(char *word, size_t *wl, const uint8_t *p, size_t n)
{
	if (n > DL_W2V_MAX_WORD - *wl)
		n = DL_W2V_MAX_WORD - *wl;
	memcpy(word + *wl, p, n);
	*wl += n;
}

static int read_text(dl_w2v_corpus *c, dl_in *in, dl_err *e)
{
	char word[DL_W2V_MAX_WORD];
	size_t wl = 0;
	for (;;) {
		size_t avail = 0;
		const uint8_t *p = dl_in_peek(in, (size_t)1 << 16, &avail, e);
		if (!p || !avail) {
			if (!p && e && e->msg[0])
				return -1;
			break;
		}
		size_t i = 0;
		while (i < avail) {
			/* a word wholly inside the buffer is hashed in place */
			size_t j = i;
			while (j < avail && !sep[p[j]])
				j++;
			if (j == avail) {
				carry(word, &wl, p + i, j - i);
				break;
			}
			if (wl) {
				carry(word, &wl, p + i, j - i);
				add_word(c, word, wl);
				wl = 0;
			} else if (j > i) {
				add_word(c, (const char *)p + i,
					 j - i > DL_W2V_MAX_WORD ? DL_W2V_MAX_WORD : j - i);
			}
			if (sep[p[j]] == 2)
				end_sentence(c);
			i = j + 1;
		}
		dl_in_skip(in, avail);
	}
	if (wl)
		add_word(c, word, wl);
	end_sentence(c);
	return 0;
}

static int read_records(dl_w2v_corpus *c, dl_in *in, const char *feature, dl_err *e)
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

static int read_in(dl_w2v_corpus *c, dl_in *in, enum dl_w2v_input kind, const char *feature,
		   dl_err *e)
{
	if (kind == DL_W2V_IN_AUTO) {
		int rec = dl_tfrecord_sniff(in, e);
		if (rec < 0)
			return -1;
		kind = rec ? DL_W2V_IN_RECORDS : DL_W2V_IN_TEXT;
	}
	return kind == DL_W2V_IN_RECORDS ? read_records(c, in, feature, e) : read_text(c, in, e);
}

int dl_w2v_corpus_read(dl_w2v_corpus *c, const char *path, enum dl_w2v_input kind,
		       const char *feature, dl_err *e)
{
	if (e)
		e->msg[0] = 0;
	dl_in *in = dl_in_open(path, kind == DL_W2V_IN_RECORDS ? DL_IN_ZLIB : 0, e);
	if (!in)
		return -1;
	if (kind != DL_W2V_IN_TEXT)
		dl_in_set_plain_check(in, dl_tfrecord_plain_check);
	int rc = read_in(c, in, kind, feature, e);
	dl_in_close(in);
	return rc;
}

int dl_w2v_corpus_read_mem(dl_w2v_corpus *c, const void *data, size_t len, const char *name,
			   enum dl_w2v_input kind, const char *feature, dl_err *e)
{
	if (e)
		e->msg[0] = 0;
	dl_in *in = dl_in_open_mem(data, len, name, kind == DL_W2V_IN_RECORDS ? DL_IN_ZLIB : 0);
	if (kind != DL_W2V_IN_TEXT)
		dl_in_set_plain_check(in, dl_tfrecord_plain_check);
	int rc = read_in(c, in, kind, feature, e);
	dl_in_close(in);
	return rc;
}

/* ---- vocabulary files */

static int vocab_read(dl_w2v_corpus *c, dl_in *in, dl_err *e)
{
	char *line;
	ptrdiff_t n;
	int rc = 0;
	while ((n = dl_in_getline(in, &line, e)) > 0 || (n == 0 && line)) {
		uint64_t lineno = dl_in_lineno(in);
		if (n && line[n - 1] == '\r')
			line[--n] = 0;
		char *sp = memchr(line, ' ', (size_t)n);
		if (!n || !sp || sp == line) {
			rc = dl_errf(e, "%s:%" PRIu64 ": expected 'WORD COUNT'", dl_in_name(in), lineno);
			break;
		}
		char *end;
		const char *num = sp + 1;
		errno = 0;
		unsigned long long cnt = strtoull(num, &end, 10);
		if (*num < '0' || *num > '9' || *end || errno) {
			rc = dl_errf(e, "%s:%" PRIu64 ": the count '%s' is not a non-negative integer",
				     dl_in_name(in), lineno, num);
			break;
		}
		size_t wl = (size_t)(sp - line);
		size_t k = 0;
		while (k < wl && !sep[(uint8_t)line[k]])
			k++;
		if (k < wl || wl > DL_W2V_MAX_WORD) {
			rc = dl_errf(e, "%s:%" PRIu64 ": a word has no white space or NUL bytes and at "
				     "most %d bytes", dl_in_name(in), lineno, DL_W2V_MAX_WORD);
			break;
		}
		size_t before = c->nwords;
		int64_t id = lookup(c, line, wl, 1);
		if (c->nwords == before) {
			rc = dl_errf(e, "%s:%" PRIu64 ": '%s' is listed twice", dl_in_name(in), lineno,
				     dl_w2v_word(c, (size_t)id));
			break;
		}
		c->count[id] = cnt;
	}
	if (n < 0)
		rc = -1;
	c->fixed = 1;
	return rc;
}

int dl_w2v_vocab_read(dl_w2v_corpus *c, const char *path, dl_err *e)
{
	if (e)
		e->msg[0] = 0;
	dl_in *in = dl_in_open(path, 0, e);
	if (!in)
		return -1;
	int rc = vocab_read(c, in, e);
	dl_in_close(in);
	return rc;
}

int dl_w2v_vocab_read_mem(dl_w2v_corpus *c, const void *data, size_t len, const char *name,
			  dl_err *e)
{
	if (e)
		e->msg[0] = 0;
	dl_in *in = dl_in_open_mem(data, len, name, 0);
	int rc = vocab_read(c, in, e);
	dl_in_close(in);
	return rc;
}

void dl_w2v_vocab_write(const dl_w2v_corpus *c, const char *path)
{
	dl_out *out = dl_out_open(path, DL_COMPRESS_NONE);
	for (size_t i = 0; i < c->nwords; i++) {
		dl_out_write(out, dl_w2v_word(c, i), c->len[i]);
		dl_out_printf(out, " %" PRIu64 "\n", c->count[i]);
	}
	dl_out_close(out);
}

/* ---- fixing the vocabulary */

struct ranked {
	uint64_t count;
	uint32_t id;
};

/* Count descending, then first appearance (the provisional id) ascending. */
static int by_count(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

size_t dl_w2v_corpus_finish(dl_w2v_corpus *c, uint64_t min_count, uint64_t max_vocab)
{
	size_t n = c->nwords;
	struct ranked *rank = dl_mallocarray(n ? n : 1, sizeof *rank);
	for (size_t i = 0; i < n; i++)
		rank[i] = (struct ranked){ c->count[i], (uint32_t)i };
	qsort(rank, n, sizeof *rank, by_count);
	size_t keep = 0;
	while (keep < n && rank[keep].count >= min_count && rank[keep].count > 0 &&
	       (!max_vocab || keep < max_vocab))
		keep++;

	/* the kept words, in their final order, into fresh arrays */
	uint32_t *remap = dl_mallocarray(n ? n : 1, sizeof *remap);
	for (size_t i = 0; i < n; i++)
		remap[i] = UINT32_MAX;
	size_t bytes = 0;
	for (size_t k = 0; k < keep; k++)
		bytes += c->len[rank[k].id] + 1;
	char *arena = dl_malloc(bytes ? bytes : 1);
	uint64_t *off = dl_mallocarray(keep ? keep : 1, sizeof *off);
	uint32_t *len = dl_mallocarray(keep ? keep : 1, sizeof *len);
	uint64_t *count = dl_mallocarray(keep ? keep : 1, sizeof *count);
	uint64_t *hash = dl_mallocarray(keep ? keep : 1, sizeof *hash);
	size_t at = 0;
	for (size_t k = 0; k < keep; k++) {
		uint32_t o = rank[k].id;
		remap[o] = (uint32_t)k;
		memcpy(arena + at, c->arena + c->off[o], c->len[o] + 1);
		off[k] = at;
		at += c->len[o] + 1;
		len[k] = c->len[o];
		count[k] = c->count[o];
		hash[k] = c->hash[o];
	}
	dl_free(c->arena);
	dl_free(c->off);
	dl_free(c->len);
	dl_free(c->count);
	dl_free(c->hash);
	c->arena = arena;
	c->arena_len = c->arena_cap = bytes;
	c->off = off;
	c->len = len;
	c->count = count;
	c->hash = hash;
	c->nwords = c->words_cap = keep;
	rehash(c, 1024 > 4 * keep ? 1024 : (size_t)1 << (64 - __builtin_clzll(4 * keep)));

	/* the stream in final ids, sentences cut at DL_W2V_MAX_SENTENCE words */
	uint64_t *ends = NULL;
	size_t w = 0, ns = 0, ends_cap = 0, start = 0;
	for (size_t s = 0; s < c->nsent; s++) {
		size_t end = c->sent_end[s], run = 0;
		for (size_t i = start; i < end; i++) {
			uint32_t id = remap[c->ids[i]];
			if (id == UINT32_MAX)
				continue;
			c->ids[w++] = id;
			if (++run == DL_W2V_MAX_SENTENCE) {
				dl_grow((void **)&ends, &ends_cap, ns + 1, sizeof *ends);
				ends[ns++] = w;
				run = 0;
			}
		}
		if (run) {
			dl_grow((void **)&ends, &ends_cap, ns + 1, sizeof *ends);
			ends[ns++] = w;
		}
		start = end;
	}
	dl_free(c->sent_end);
	c->sent_end = ends;
	c->sent_cap = ends_cap;
	c->nids = w;
	c->nsent = ns;
	dl_free(rank);
	dl_free(remap);
	return keep;
}
