/*
 * vectors.c — word vectors in word2vec.c's binary and text formats and in safetensors.
 *
 * Reading is strict about what it can check and lenient about the layout differences between
 * writers: gensim's binary output lacks the newline after each vector, fastText's .vec and
 * word2vec.c's text output end each number (and the header, for some) with a space, files
 * made on Windows end lines with CRLF, and word2vec.c's first word is "</s>". Any whitespace
 * may come before a binary word; blank text lines are skipped.
 *
 * Allocation is guarded against a header that lies: when the size of the input is known (a
 * plain regular file), a header that promises more rows than the file could hold is refused
 * before anything is allocated; otherwise (a pipe, gzip) rows are allocated as they arrive,
 * doubling, never more than the rows read so far.
 *
 * Format detection: safetensors starts with a little-endian u64 header length followed by
 * '{'. Otherwise the header line "N DIM" is read and the bytes after the first word looked
 * at: text when everything up to the end of that line is made of characters a number can
 * hold and there is at least one of them; binary otherwise (the raw float32 bytes of a row
 * are all such characters only by an accident that real vectors do not produce).
 *
 * The word -> row index is an open-addressing table of row numbers (XXH64 of the word,
 * linear probing), built on the first lookup; the first row of a repeated word wins.
 */
#include "config.h"
#include "w2v/vectors.h"
#include "core/alloc.h"
#include "core/hash.h"
#include "core/io.h"
#include "record/numfmt.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DIM ((size_t)1 << 20)       /* components per word */
#define MAX_WORDS ((uint64_t)1 << 36)   /* words a header may announce */
#define MAX_WORD ((size_t)1 << 16)      /* bytes of a binary word */
#define FIRST_ROWS ((size_t)1 << 12)    /* rows allocated first when the size is unknown */

/* ------------------------------------------------------------------ formats, construction */

int dl_vec_format_parse(const char *s, int allow_auto)
{
	if (!strcmp(s, "bin"))
		return DL_VEC_BIN;
	if (!strcmp(s, "text"))
		return DL_VEC_TEXT;
	if (!strcmp(s, "safetensors"))
		return DL_VEC_SAFETENSORS;
	if (allow_auto && !strcmp(s, "auto"))
		return DL_VEC_AUTO;
	return DL_VEC_BAD;
}

const char *dl_vec_format_name(enum dl_vec_format f)
{
	switch (f) {
	case DL_VEC_BIN: return "bin";
	case DL_VEC_TEXT: return "text";
	case DL_VEC_SAFETENSORS: return "safetensors";
	case DL_VEC_AUTO: return "auto";
	case DL_VEC_BAD: break;
	}
	return "?";
}

dl_vectors *dl_vectors_new(size_t n, size_t dim)
{
	dl_vectors *v = dl_calloc(1, sizeof *v);
	size_t cells;

	if (!dl_mul_ok(n, dim, &cells))
		dl_die("vectors: %zu x %zu components: allocation size overflow", n, dim);
	v->n = n;
	v->dim = dim;
	v->words = dl_calloc(n ? n : 1, sizeof *v->words);
	v->lens = dl_calloc(n ? n : 1, sizeof *v->lens);
	v->v = dl_calloc(cells ? cells : 1, sizeof *v->v);
	return v;
}

static void index_free(dl_vectors *v);

void dl_vectors_set_word(dl_vectors *v, size_t i, const char *word, size_t len)
{
	free(v->words[i]);
	v->words[i] = dl_strndup(word, len);
	v->lens[i] = len;
	index_free(v);
}

void dl_vectors_free(dl_vectors *v)
{
	if (!v)
		return;
	index_free(v);
	if (v->words)
		for (size_t i = 0; i < v->n; i++)
			free(v->words[i]);
	free(v->words);
	free(v->lens);
	free(v->v);
	free(v->counts);
	free(v);
}

/* ------------------------------------------------------------------ the word index */

struct index {
	size_t mask;
	size_t *slot;   /* row + 1; 0 = empty */
};

static void index_free(dl_vectors *v)
{
	struct index *ix = v->index;
	if (ix) {
		free(ix->slot);
		free(ix);
		v->index = NULL;
	}
}

static struct index *index_build(const dl_vectors *v)
{
	struct index *ix = dl_calloc(1, sizeof *ix);
	size_t cap = 16;

	while (cap < 2 * v->n + 2)
		cap *= 2;
	ix->mask = cap - 1;
	ix->slot = dl_calloc(cap, sizeof *ix->slot);
	for (size_t i = 0; i < v->n; i++) {
		if (!v->words[i])
			continue;
		size_t h = (size_t)dl_hash_str(v->words[i], v->lens[i]) & ix->mask;
		for (;; h = (h + 1) & ix->mask) {
			size_t r = ix->slot[h];
			if (!r) {
				ix->slot[h] = i + 1;
				break;
			}
			if (v->lens[r - 1] == v->lens[i] &&
			    !memcmp(v->words[r - 1], v->words[i], v->lens[i]))
				break;  /* a repeated word: the first row keeps it */
		}
	}
	return ix;
}

ptrdiff_t dl_vectors_find(const dl_vectors *v, const char *word, size_t len)
{
	struct index *ix = v->index;

	if (!ix) {
		ix = index_build(v);
		((dl_vectors *)v)->index = ix;
	}
	for (size_t h = (size_t)dl_hash_str(word, len) & ix->mask;; h = (h + 1) & ix->mask) {
		size_t r = ix->slot[h];
		if (!r)
			return -1;
		if (v->lens[r - 1] == len && !memcmp(v->words[r - 1], word, len))
			return (ptrdiff_t)(r - 1);
	}
}

/* ------------------------------------------------------------------ reading: shared */

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* A set of vectors being read: rows grow as they arrive. */
struct build {
	dl_vectors *v;
	size_t cap;     /* rows allocated */
};

static void build_start(struct build *b, size_t n, size_t dim, size_t first)
{
	b->v = dl_calloc(1, sizeof *b->v);
	b->v->dim = dim;
	b->cap = first < n ? first : n;
	b->v->words = dl_mallocarray(b->cap, sizeof *b->v->words);
	b->v->lens = dl_mallocarray(b->cap, sizeof *b->v->lens);
	b->v->v = dl_mallocarray(b->cap, dim * sizeof(float));
}

/* Room for one more row; returns it. */
static float *build_row(struct build *b, const char *word, size_t len)
{
	dl_vectors *v = b->v;
	if (v->n == b->cap) {
		size_t cap = b->cap * 2;
		v->words = dl_reallocarray(v->words, cap, sizeof *v->words);
		v->lens = dl_reallocarray(v->lens, cap, sizeof *v->lens);
		v->v = dl_reallocarray(v->v, cap, v->dim * sizeof(float));
		b->cap = cap;
	}
	v->words[v->n] = dl_strndup(word, len);
	v->lens[v->n] = len;
	return v->v + v->n++ * v->dim;
}

/* The size of path when it is a plain regular file whose bytes are the data (not gzip'd),
 * else 0. */
static uint64_t known_size(const char *path, dl_in *in)
{
	struct stat st;
	if (!path || !strcmp(path, "-") || dl_in_compression(in) != DL_COMPRESS_NONE)
		return 0;
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	return (uint64_t)st.st_size;
}

/* Parses the header line "N DIM" (whitespace around and between). */
static int parse_header(const char *name, char *line, ptrdiff_t len, uint64_t *n, uint64_t *dim,
			dl_err *e)
{
	char *p = line, *end;
	uint64_t vals[2];

	for (int k = 0; k < 2; k++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			goto bad;
		errno = 0;
		vals[k] = strtoull(p, &end, 10);
		if (errno)
			goto bad;
		p = end;
	}
	while (*p && is_space((unsigned char)*p))
		p++;
	if (*p || (size_t)len != strlen(line))
		goto bad;
	*n = vals[0];
	*dim = vals[1];
	if (*n == 0 || *dim == 0)
		return dl_errf(e, "%s: line 1: %" PRIu64 " words of %" PRIu64
			       " components: the header must give at least one of each", name, *n,
			       *dim);
	if (*dim > MAX_DIM)
		return dl_errf(e, "%s: line 1: %" PRIu64 " components per word is more than %zu",
			       name, *dim, MAX_DIM);
	if (*n > MAX_WORDS)
		return dl_errf(e, "%s: line 1: %" PRIu64 " words is more than %" PRIu64, name, *n,
			       MAX_WORDS);
	return 0;
bad:
	if (len > 60)
		len = 60;
	return dl_errf(e, "%s: line 1: bad header '%.*s' (want \"WORDS DIMENSION\")", name,
		       (int)len, line);
}

/* ------------------------------------------------------------------ text */

static int number_char(int c)
{
	return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' ||
	       c == 'E' || strchr("nNaAiIfFtTyY", c);
}

/* Whether p[0..n) is a decimal literal or a nan/inf form strtof reads in full. */
static int is_number(const char *p, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && (p[i] == '+' || p[i] == '-'))
		i++;
	if (i < n && (p[i] == 'n' || p[i] == 'N' || p[i] == 'i' || p[i] == 'I')) {
		static const char *const forms[] = { "nan", "inf", "infinity" };
		for (int k = 0; k < 3; k++)
			if (n - i == strlen(forms[k]) && !strncasecmp(p + i, forms[k], n - i))
				return 1;
		return 0;
	}
	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++, digits++;
	if (i < n && p[i] == '.')
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			digits++;
	if (!digits)
		return 0;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		size_t d = 0;
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++, d++;
		if (!d)
			return 0;
	}
	return i == n;
}

/* One text row: the word and dim numbers. */
static int text_row(struct build *b, const char *name, uint64_t lineno, char *line, size_t len,
		    dl_err *e)
{
	size_t dim = b->v->dim, i = 0, k = 0, w0, wl;
	float *row;

	while (i < len && is_space((unsigned char)line[i]))
		i++;
	w0 = i;
	while (i < len && !is_space((unsigned char)line[i]))
		i++;
	wl = i - w0;
	row = build_row(b, line + w0, wl);
	for (;;) {
		while (i < len && is_space((unsigned char)line[i]))
			i++;
		if (i == len)
			break;
		size_t t0 = i;
		while (i < len && !is_space((unsigned char)line[i]))
			i++;
		if (k >= dim) {
			k++;
			continue;   /* counted, for the message */
		}
		if (!is_number(line + t0, i - t0)) {
			size_t tl = i - t0 > 40 ? 40 : i - t0;
			return dl_errf(e, "%s: line %" PRIu64 ": number %zu of '%.*s' is not a number: "
				       "'%.*s'", name, lineno, k + 1, (int)(wl > 60 ? 60 : wl),
				       line + w0, (int)tl, line + t0);
		}
		row[k++] = dl_strtof(line + t0, i - t0);
	}
	if (k != dim)
		return dl_errf(e, "%s: line %" PRIu64 ": %s%zu numbers, the header says %zu", name,
			       lineno, k > dim ? "more than " : "", k > dim ? dim : k, dim);
	return 0;
}

static int read_text(dl_in *in, const char *name, struct build *b, uint64_t n, dl_err *e)
{
	char *line;
	ptrdiff_t len;

	while ((len = dl_in_getline(in, &line, e)) > 0 || (len == 0 && line)) {
		uint64_t lineno = dl_in_lineno(in);
		size_t l = (size_t)len;
		while (l && is_space((unsigned char)line[l - 1]))
			l--;
		size_t s = 0;
		while (s < l && is_space((unsigned char)line[s]))
			s++;
		if (s == l)
			continue;   /* a blank line */
		if (memchr(line, 0, l))
			return dl_errf(e, "%s: line %" PRIu64 ": a NUL byte", name, lineno);
		if (b->v->n == n)
			return dl_errf(e, "%s: line %" PRIu64 ": more words than the header's %" PRIu64,
				       name, lineno, n);
		if (text_row(b, name, lineno, line, l, e))
			return -1;
	}
	if (len < 0)
		return -1;
	if (b->v->n < n)
		return dl_errf(e, "%s: truncated: the header says %" PRIu64 " words, the file has %zu",
			       name, n, b->v->n);
	return 0;
}

/* ------------------------------------------------------------------ binary */

static float le_float(const uint8_t *p)
{
	uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24;
	float f;
	memcpy(&f, &u, sizeof f);
	return f;
}

static int read_bin(dl_in *in, const char *name, struct build *b, uint64_t n, dl_err *e)
{
	size_t dim = b->v->dim, row_bytes = dim * 4, avail;
	const uint8_t *p;

	while (b->v->n < n) {
		size_t i = 0;
		uint64_t off;
		/* whitespace before the word */
		for (;;) {
			if (!(p = dl_in_peek(in, 1, &avail, e)))
				return -1;
			if (!avail || !is_space(p[0]))
				break;
			dl_in_skip(in, 1);
		}
		off = dl_in_offset(in);
		if (!avail)
			return dl_errf(e, "%s: byte offset %" PRIu64 ": truncated: the header says %"
				       PRIu64 " words, the file has %zu", name, off, n, b->v->n);
		/* the word, up to its space */
		for (;;) {
			size_t want = i + 64 < MAX_WORD + 1 ? i + 64 : MAX_WORD + 1;
			if (!(p = dl_in_peek(in, want, &avail, e)))
				return -1;
			while (i < avail && !is_space(p[i]) && p[i])
				i++;
			if (i < avail || avail < want || i > MAX_WORD)
				break;
		}
		if (i > MAX_WORD)
			return dl_errf(e, "%s: byte offset %" PRIu64 ": word %zu is longer than %zu bytes",
				       name, off, b->v->n + 1, MAX_WORD);
		if (i == avail)
			return dl_errf(e, "%s: byte offset %" PRIu64 ": truncated: word %zu has no "
				       "vector", name, off, b->v->n + 1);
		if (p[i] != ' ')
			return dl_errf(e, "%s: byte offset %" PRIu64 ": word %zu ('%.*s') is followed "
				       "by byte 0x%02x, not a space", name, off + i, b->v->n + 1,
				       (int)(i > 60 ? 60 : i), (const char *)p, p[i]);
		float *row = build_row(b, (const char *)p, i);
		dl_in_skip(in, i + 1);
		off += i + 1;
		if (!(p = dl_in_peek(in, row_bytes, &avail, e)))
			return -1;
		if (avail < row_bytes)
			return dl_errf(e, "%s: byte offset %" PRIu64 ": truncated: word %zu ('%.60s') has "
				       "%zu of its %zu bytes", name, off, b->v->n, b->v->words[b->v->n - 1],
				       avail, row_bytes);
		for (size_t k = 0; k < dim; k++)
			row[k] = le_float(p + 4 * k);
		dl_in_skip(in, row_bytes);
	}
	/* nothing but whitespace may follow */
	for (;;) {
		if (!(p = dl_in_peek(in, 4096, &avail, e)))
			return -1;
		if (!avail)
			return 0;
		for (size_t i = 0; i < avail; i++)
			if (!is_space(p[i]))
				return dl_errf(e, "%s: byte offset %" PRIu64 ": data after the last of the "
					       "header's %" PRIu64 " words", name, dl_in_offset(in) + i, n);
		dl_in_skip(in, avail);
	}
}

/* Text or binary, from the bytes after the header line (see the top of the file). */
static int sniff_text(dl_in *in, size_t dim, dl_err *e)
{
	size_t want = dim * 4 + MAX_WORD + 64, avail, i = 0, digits = 0;
	const uint8_t *p = dl_in_peek(in, want, &avail, e);

	if (!p)
		return -1;
	while (i < avail && is_space(p[i]))
		i++;
	while (i < avail && !is_space(p[i]))
		i++;
	if (i < avail && p[i] != ' ' && p[i] != '\t')
		return 1;   /* a word alone on its line: text (the reader will say what is wrong) */
	for (; i < avail && p[i] != '\n'; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')
			continue;
		if (!number_char(p[i]))
			return 0;
		digits++;
	}
	return digits > 0;
}

/* ------------------------------------------------------------------ safetensors */

static int json_u64(const cJSON *j, uint64_t *out)
{
	if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble >= 9007199254740992.0 ||
	    j->valuedouble != floor(j->valuedouble))
		return -1;
	*out = (uint64_t)j->valuedouble;
	return 0;
}

/* A tensor entry: its dtype must be dtype, its shape rank dims; shape and byte range out. */
static int st_tensor(const cJSON *root, const char *key, const char *dtype, int rank,
		     uint64_t shape[2], uint64_t range[2], uint64_t data_len, const char *name,
		     dl_err *e)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, key);
	const cJSON *dt, *sh, *off;
	uint64_t elems = 1, size = !strcmp(dtype, "F32") ? 4 : !strcmp(dtype, "I64") ? 8 : 1;

	if (!t)
		return 1;
	dt = cJSON_GetObjectItemCaseSensitive(t, "dtype");
	sh = cJSON_GetObjectItemCaseSensitive(t, "shape");
	off = cJSON_GetObjectItemCaseSensitive(t, "data_offsets");
	if (!cJSON_IsString(dt) || strcmp(dt->valuestring, dtype))
		return dl_errf(e, "%s: tensor '%s' is not of dtype %s", name, key, dtype);
	if (!cJSON_IsArray(sh) || cJSON_GetArraySize(sh) != rank)
		return dl_errf(e, "%s: tensor '%s' does not have %d dimension%s", name, key, rank,
			       rank > 1 ? "s" : "");
	for (int k = 0; k < rank; k++) {
		if (json_u64(cJSON_GetArrayItem(sh, k), &shape[k]))
			return dl_errf(e, "%s: tensor '%s': bad shape", name, key);
		if (shape[k] && elems > UINT64_MAX / 8 / shape[k])
			return dl_errf(e, "%s: tensor '%s': shape too large", name, key);
		elems *= shape[k];
	}
	if (!cJSON_IsArray(off) || cJSON_GetArraySize(off) != 2 ||
	    json_u64(cJSON_GetArrayItem(off, 0), &range[0]) ||
	    json_u64(cJSON_GetArrayItem(off, 1), &range[1]) || range[0] > range[1])
		return dl_errf(e, "%s: tensor '%s': bad data_offsets", name, key);
	if (range[1] > data_len)
		return dl_errf(e, "%s: truncated: tensor '%s' ends at byte %" PRIu64 " of the data, "
			       "which has %" PRIu64 " bytes", name, key, range[1], data_len);
	if (range[1] - range[0] != elems * size)
		return dl_errf(e, "%s: tensor '%s': %" PRIu64 " bytes for %" PRIu64 " elements of %s",
			       name, key, range[1] - range[0], elems, dtype);
	return 0;
}

static dl_vectors *st_parse(const uint8_t *buf, size_t len, const char *name, dl_err *e)
{
	uint64_t hlen = 0, vs[2], vr[2], ws[2], wr[2], cs[2], cr[2];
	const uint8_t *data;
	size_t data_len;
	cJSON *root;
	dl_vectors *v = NULL;
	int rc;

	if (len < 8)
		return dl_errf(e, "%s: truncated: %zu bytes, too short for safetensors", name, len),
		       NULL;
	for (int k = 7; k >= 0; k--)
		hlen = hlen << 8 | buf[k];
	if (hlen > len - 8)
		return dl_errf(e, "%s: truncated: the safetensors header says %" PRIu64
			       " bytes, the file has %zu after the length", name, hlen, len - 8),
		       NULL;
	data = buf + 8 + hlen;
	data_len = len - 8 - hlen;
	root = cJSON_ParseWithLength((const char *)buf + 8, hlen);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return dl_errf(e, "%s: the safetensors header is not a JSON object", name), NULL;
	}
	if ((rc = st_tensor(root, "vectors", "F32", 2, vs, vr, data_len, name, e)) ||
	    (rc = st_tensor(root, "words", "U8", 1, ws, wr, data_len, name, e))) {
		if (rc > 0)
			dl_errf(e, "%s: safetensors without the tensors \"vectors\" and \"words\"", name);
		goto out;
	}
	if (vs[0] == 0 || vs[1] == 0 || vs[1] > MAX_DIM) {
		dl_errf(e, "%s: tensor 'vectors' of shape [%" PRIu64 ", %" PRIu64 "]: need at least one "
			"word and 1 to %zu components", name, vs[0], vs[1], MAX_DIM);
		goto out;
	}
	rc = st_tensor(root, "counts", "I64", 1, cs, cr, data_len, name, e);
	if (rc < 0)
		goto out;
	if (rc == 0 && cs[0] != vs[0]) {
		dl_errf(e, "%s: %" PRIu64 " counts for %" PRIu64 " words", name, cs[0], vs[0]);
		goto out;
	}
	/* the words: n of them, each followed by '\n', non-empty, no whitespace or NUL */
	{
		const char *w = (const char *)data + wr[0], *end = (const char *)data + wr[1];
		size_t count = 0;
		for (const char *q = w; q < end; q++)
			count += *q == '\n';
		if (count != vs[0] || (end > w && end[-1] != '\n')) {
			dl_errf(e, "%s: tensor 'words' holds %zu words (each ending in a newline), "
				"'vectors' %" PRIu64, name, count, vs[0]);
			goto out;
		}
		v = dl_vectors_new((size_t)vs[0], (size_t)vs[1]);
		for (size_t i = 0; i < v->n; i++) {
			const char *nl = memchr(w, '\n', (size_t)(end - w));
			for (const char *q = w; q < nl; q++)
				if (is_space((unsigned char)*q) || !*q) {
					dl_errf(e, "%s: word %zu holds whitespace or a NUL byte", name,
						i + 1);
					goto fail;
				}
			if (nl == w) {
				dl_errf(e, "%s: word %zu is empty", name, i + 1);
				goto fail;
			}
			v->words[i] = dl_strndup(w, (size_t)(nl - w));
			v->lens[i] = (size_t)(nl - w);
			w = nl + 1;
		}
	}
	for (size_t k = 0; k < v->n * v->dim; k++)
		v->v[k] = le_float(data + vr[0] + 4 * k);
	if (rc == 0) {
		v->counts = dl_mallocarray(v->n, sizeof *v->counts);
		for (size_t i = 0; i < v->n; i++) {
			uint64_t c = 0;
			for (int k = 7; k >= 0; k--)
				c = c << 8 | data[cr[0] + 8 * i + (size_t)k];
			v->counts[i] = c;
		}
	}
	cJSON_Delete(root);
	return v;
fail:
	dl_vectors_free(v);
	v = NULL;
out:
	cJSON_Delete(root);
	return NULL;
}

static int looks_safetensors(dl_in *in, dl_err *e)
{
	size_t avail;
	const uint8_t *p = dl_in_peek(in, 9, &avail, e);
	uint64_t hlen = 0;

	if (!p)
		return -1;
	if (avail < 9 || p[8] != '{')
		return 0;
	for (int k = 7; k >= 0; k--)
		hlen = hlen << 8 | p[k];
	return hlen >= 2;
}

/* ------------------------------------------------------------------ reading */

static dl_vectors *read_w2v(dl_in *in, const char *path, enum dl_vec_format f, dl_err *e)
{
	const char *name = dl_in_name(in);
	uint64_t size = known_size(path, in), n = 0, dim = 0;
	struct build b = { 0 };
	char *line;
	ptrdiff_t len = dl_in_getline(in, &line, e);
	int text, rc;

	if (len < 0)
		return NULL;
	if (!line)
		return dl_errf(e, "%s: empty file (no \"WORDS DIMENSION\" header)", name), NULL;
	if (parse_header(name, line, len, &n, &dim, e))
		return NULL;
	text = f == DL_VEC_TEXT ? 1 : f == DL_VEC_BIN ? 0 : sniff_text(in, (size_t)dim, e);
	if (text < 0)
		return NULL;
	if (size) {
		/* a row takes at least a byte of word, a space and its numbers: 4 bytes each in
		 * binary, two characters each ("0 ") in text (the last line may lack '\n') */
		uint64_t rest = size - dl_in_offset(in) + 1;
		uint64_t per_row = text ? 2 * dim + 1 : 4 * dim + 2;
		if (n > rest / per_row + 1)
			return dl_errf(e, "%s: truncated: the header says %" PRIu64 " words of %" PRIu64
				       " components, more than the file's %" PRIu64 " bytes can hold",
				       name, n, dim, size), NULL;
		build_start(&b, (size_t)n, (size_t)dim, (size_t)n);
	} else {
		build_start(&b, (size_t)n, (size_t)dim, FIRST_ROWS);
	}
	rc = text ? read_text(in, name, &b, n, e) : read_bin(in, name, &b, n, e);
	if (rc) {
		dl_vectors_free(b.v);
		return NULL;
	}
	return b.v;
}

dl_vectors *dl_vectors_read(const char *path, enum dl_vec_format f, dl_err *e)
{
	dl_in *in = dl_in_open(path, 0, e);
	dl_vectors *v = NULL;
	int st;

	if (!in)
		return NULL;
	st = f == DL_VEC_SAFETENSORS ? 1 : f == DL_VEC_AUTO ? looks_safetensors(in, e) : 0;
	if (st > 0) {
		size_t len;
		uint8_t *buf = dl_in_slurp(in, &len, e);
		if (buf)
			v = st_parse(buf, len, dl_in_name(in), e);
		free(buf);
	} else if (st == 0) {
		v = read_w2v(in, path, f, e);
	}
	dl_in_close(in);
	return v;
}

/* ------------------------------------------------------------------ writing */

static void check_word(const dl_vectors *v, size_t i, const char *path)
{
	if (!v->words[i] || !v->lens[i])
		dl_die("%s: word %zu is empty", path, i + 1);
	for (size_t k = 0; k < v->lens[i]; k++)
		if (is_space((unsigned char)v->words[i][k]) || !v->words[i][k])
			dl_die("%s: word %zu holds whitespace or a NUL byte", path, i + 1);
}

static void put_le32(uint8_t *p, uint32_t u)
{
	p[0] = (uint8_t)u;
	p[1] = (uint8_t)(u >> 8);
	p[2] = (uint8_t)(u >> 16);
	p[3] = (uint8_t)(u >> 24);
}

static void write_floats_le(dl_out *out, const float *x, size_t n)
{
	uint8_t buf[4096];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t u;
		memcpy(&u, &x[i], sizeof u);
		put_le32(buf + k, u);
		k += 4;
		if (k == sizeof buf) {
			dl_out_write(out, buf, k);
			k = 0;
		}
	}
	dl_out_write(out, buf, k);
}

static void write_w2v(const dl_vectors *v, dl_out *out, const char *path, int text)
{
	char num[DL_FLOAT_BUFSIZE];

	dl_out_printf(out, "%zu %zu\n", v->n, v->dim);
	for (size_t i = 0; i < v->n; i++) {
		const float *row = v->v + i * v->dim;
		check_word(v, i, path);
		dl_out_write(out, v->words[i], v->lens[i]);
		if (text) {
			for (size_t k = 0; k < v->dim; k++) {
				size_t l = dl_format_float(num, row[k]);
				dl_out_putc(out, ' ');
				dl_out_write(out, num, l);
			}
		} else {
			dl_out_putc(out, ' ');
			write_floats_le(out, row, v->dim);
		}
		dl_out_putc(out, '\n');
	}
}

static cJSON *st_entry(const char *dtype, uint64_t d0, uint64_t d1, int rank, uint64_t begin,
		       uint64_t end)
{
	cJSON *t = cJSON_CreateObject(), *shape = cJSON_CreateArray(), *off = cJSON_CreateArray();
	cJSON_AddStringToObject(t, "dtype", dtype);
	cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)d0));
	if (rank > 1)
		cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)d1));
	cJSON_AddItemToObject(t, "shape", shape);
	cJSON_AddItemToArray(off, cJSON_CreateNumber((double)begin));
	cJSON_AddItemToArray(off, cJSON_CreateNumber((double)end));
	cJSON_AddItemToObject(t, "data_offsets", off);
	return t;
}

/* Layout: counts (8-byte aligned, when known), vectors, words. */
static void write_st(const dl_vectors *v, dl_out *out, const char *path)
{
	uint64_t counts_len = v->counts ? 8 * (uint64_t)v->n : 0;
	uint64_t vec_len = 4 * (uint64_t)v->n * v->dim, words_len = 0;
	cJSON *root = cJSON_CreateObject(), *meta = cJSON_CreateObject();
	char *json;
	size_t jl, pad;
	uint8_t len8[8];

	for (size_t i = 0; i < v->n; i++) {
		check_word(v, i, path);
		words_len += v->lens[i] + 1;
	}
	cJSON_AddStringToObject(meta, "format", "dl-w2v");
	cJSON_AddItemToObject(root, "__metadata__", meta);
	if (v->counts)
		cJSON_AddItemToObject(root, "counts", st_entry("I64", v->n, 0, 1, 0, counts_len));
	cJSON_AddItemToObject(root, "vectors", st_entry("F32", v->n, v->dim, 2, counts_len,
							counts_len + vec_len));
	cJSON_AddItemToObject(root, "words", st_entry("U8", words_len, 0, 1, counts_len + vec_len,
						      counts_len + vec_len + words_len));
	json = cJSON_PrintUnformatted(root);
	if (!json)
		dl_die("out of memory");
	jl = strlen(json);
	pad = (8 - jl % 8) % 8;
	for (int k = 0; k < 8; k++)
		len8[k] = (uint8_t)((uint64_t)(jl + pad) >> (8 * k));
	dl_out_write(out, len8, 8);
	dl_out_write(out, json, jl);
	for (size_t k = 0; k < pad; k++)
		dl_out_putc(out, ' ');
	for (size_t i = 0; v->counts && i < v->n; i++) {
		uint8_t c[8];
		for (int k = 0; k < 8; k++)
			c[k] = (uint8_t)(v->counts[i] >> (8 * k));
		dl_out_write(out, c, 8);
	}
	write_floats_le(out, v->v, v->n * v->dim);
	for (size_t i = 0; i < v->n; i++) {
		dl_out_write(out, v->words[i], v->lens[i]);
		dl_out_putc(out, '\n');
	}
	cJSON_free(json);
	cJSON_Delete(root);
}

void dl_vectors_write(const dl_vectors *v, const char *path, enum dl_vec_format f)
{
	dl_out *out = dl_out_open(path, DL_COMPRESS_NONE);
	const char *name = dl_out_name(out);

	switch (f) {
	case DL_VEC_BIN: write_w2v(v, out, name, 0); break;
	case DL_VEC_TEXT: write_w2v(v, out, name, 1); break;
	case DL_VEC_SAFETENSORS: write_st(v, out, name); break;
	case DL_VEC_AUTO:
	case DL_VEC_BAD: dl_die("%s: no output format given", name);
	}
	dl_out_close(out);
}
