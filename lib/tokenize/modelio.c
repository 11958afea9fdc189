/*
 * modelio.c — reading and writing BPE models: our JSON, tiktoken rank files, GPT-2's
 * encoder.json + vocab.bpe (formats in model.h).
 *
 * GPT-2's files write token bytes as text through a fixed byte-to-character table (Radford et
 * al., "Language Models are Unsupervised Multitask Learners", 2019; encoder.py's
 * bytes_to_unicode): the printable bytes '!'..'~', 0xA1..0xAC and 0xAE..0xFF stand for
 * themselves as code points; the other 68 bytes, in increasing order, become U+0100, U+0101,
 * ... Keys of the form "<|...|>" in encoder.json are special tokens.
 */
#include "config.h"
#include "tokenize/model.h"
#include "tokenize/modelpriv.h"
#include "core/alloc.h"
#include "core/utf8.h"
#include "record/base64.h"
#include "record/jsonl.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ shared */

/* Tokens being collected by rank, with gaps. */
struct collect {
	uint8_t **tok;
	uint32_t *len;
	size_t n, cap;
	char **sname;
	uint32_t *sid;
	size_t ns, scap;
};

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->tok[i]);
	free(c->tok);
	free(c->len);
	for (size_t i = 0; i < c->ns; i++)
		free(c->sname[i]);
	free(c->sname);
	free(c->sid);
	memset(c, 0, sizeof *c);
}

/* Puts bytes p[0..n) at rank r; returns -1 when r already has a token. */
static int collect_put(struct collect *c, size_t r, const uint8_t *p, size_t n)
{
	if (r >= c->cap) {
		size_t cap = c->cap ? c->cap : 1024;
		while (cap <= r)
			cap *= 2;
		c->tok = dl_reallocarray(c->tok, cap, sizeof *c->tok);
		c->len = dl_reallocarray(c->len, cap, sizeof *c->len);
		memset(c->tok + c->cap, 0, (cap - c->cap) * sizeof *c->tok);
		memset(c->len + c->cap, 0, (cap - c->cap) * sizeof *c->len);
		c->cap = cap;
	}
	if (c->tok[r])
		return -1;
	c->tok[r] = dl_malloc(n ? n : 1);
	memcpy(c->tok[r], p, n);
	c->len[r] = (uint32_t)n;
	if (r + 1 > c->n)
		c->n = r + 1;
	return 0;
}

static void collect_special(struct collect *c, const char *name, uint32_t id)
{
	if (c->ns == c->scap) {
		c->scap = c->scap ? c->scap * 2 : 8;
		c->sname = dl_reallocarray(c->sname, c->scap, sizeof *c->sname);
		c->sid = dl_reallocarray(c->sid, c->scap, sizeof *c->sid);
	}
	c->sname[c->ns] = dl_strdup(name);
	c->sid[c->ns++] = id;
}

static dl_bpe *collect_build(struct collect *c, dl_pretok pat, const char *name, dl_err *e)
{
	dl_err why;
	dl_bpe *m = dl_bpe_new(pat, (const uint8_t *const *)c->tok, c->len, c->n,
			       (const char *const *)c->sname, c->sid, c->ns, &why);
	if (!m)
		dl_errf(e, "%s: %s", name, why.msg);
	collect_free(c);
	return m;
}

static char *slurp(const char *path, size_t *n, dl_err *e)
{
	dl_in *in = dl_in_open(path, 0, e);
	if (!in)
		return NULL;
	uint8_t *p = dl_in_slurp(in, n, e);
	dl_in_close(in);
	if (p) {
		p = dl_reallocarray(p, *n + 1, 1);
		p[*n] = 0;
	}
	return (char *)p;
}

/* Whether text ends inside a string or with a bracket or brace still open. */
static int json_unclosed(const char *text, size_t n)
{
	long depth = 0;
	int in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = text[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return in_str || depth > 0;
}

/* Parses JSON text; NULL + e naming the byte offset of the error. */
static cJSON *parse_json(const char *path, const char *text, size_t n, dl_err *e)
{
	const char *end = NULL;
	/* The length counts the NUL that slurp() put after the text: cJSON wants to see it. */
	cJSON *j = cJSON_ParseWithLengthOpts(text, n + 1, &end, 1);
	if (!j) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= text && at <= text + n ? (size_t)(at - text) : n;
		if (json_unclosed(text, n))
			dl_errf(e, "%s: byte offset %zu: the JSON ends before it is complete (cut short?)",
				path, n);
		else
			dl_errf(e, "%s: byte offset %zu: not valid JSON", path, off);
	}
	return j;
}

/* The JSON document in file path; NULL + e when it cannot be read or parsed. */
static cJSON *load_json_file(const char *path, dl_err *e)
{
	size_t n;
	char *text = slurp(path, &n, e);
	if (!text)
		return NULL;
	cJSON *j = parse_json(path, text, n, e);
	free(text);
	return j;
}

/* ------------------------------------------------------------------ our JSON */

/*
 * The quick reader. A model file holds one value per token and per merge (GPT-2's: 50k of
 * each), and a tree of cJSON nodes costs an allocation for each. A file as dl_bpe_save_json
 * writes it is read here in one pass, with the token bytes in one arena; anything this reader
 * does not expect (an escape or a control character in a string, a key it does not know or
 * meets twice, a number that is not a plain integer, a model that dl_bpe_new refuses, a merge
 * that does not check) sends the file to the reader after it, which builds the same model or
 * says what is wrong. Whatever it accepts is valid JSON.
 */
struct quick {
	const char *p, *end;
	uint8_t *arena;                 /* token bytes */
	size_t used, room;
	size_t *off;                    /* per token: offset in arena, SIZE_MAX for null */
	uint32_t *len;
	size_t ntok, tokcap;
	uint32_t (*merge)[2];
	size_t nmerge, mergecap;
	const char **sname;             /* special names (not terminated) */
	size_t *slen;
	uint32_t *sid;
	size_t ns, scap;
};

static void q_ws(struct quick *q)
{
	while (q->p < q->end && (*q->p == ' ' || *q->p == '\n' || *q->p == '\t' || *q->p == '\r'))
		q->p++;
}

/* Takes the character c (after white space); returns whether it was there. */
static int q_char(struct quick *q, char c)
{
	q_ws(q);
	if (q->p < q->end && *q->p == c) {
		q->p++;
		return 1;
	}
	return 0;
}

/* A string without escapes or control characters: its text at *s, *n bytes. */
static int q_string(struct quick *q, const char **s, size_t *n)
{
	q_ws(q);
	if (q->p == q->end || *q->p != '"')
		return 0;
	const char *b = ++q->p;
	while (q->p < q->end && *q->p != '"') {
		if (*q->p == '\\' || (unsigned char)*q->p < 0x20)
			return 0;
		q->p++;
	}
	if (q->p == q->end)
		return 0;
	*s = b;
	*n = (size_t)(q->p++ - b);
	return 1;
}

/* An integer 0 to 2147483646 written plainly (no sign, fraction, exponent, leading zero). */
static int q_uint(struct quick *q, uint32_t *v)
{
	q_ws(q);
	const char *b = q->p;
	uint64_t x = 0;
	while (q->p < q->end && *q->p >= '0' && *q->p <= '9' && q->p - b < 11)
		x = x * 10 + (uint64_t)(*q->p++ - '0');
	if (q->p == b || (*b == '0' && q->p - b > 1) || x > 2147483646)
		return 0;
	if (q->p < q->end && ((*q->p >= '0' && *q->p <= '9') || *q->p == '.' || *q->p == 'e' ||
			      *q->p == 'E'))
		return 0;
	*v = (uint32_t)x;
	return 1;
}

static int q_is(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && !memcmp(s, lit, n);
}

/* "tokens": [base64 or null, ...] */
static int q_tokens(struct quick *q)
{
	if (!q_char(q, '['))
		return 0;
	if (q_char(q, ']'))
		return 1;
	do {
		if (q->ntok == q->tokcap) {
			DL_GROW(q->off, q->tokcap, q->ntok + 1);
			q->len = dl_reallocarray(q->len, q->tokcap, sizeof *q->len);
		}
		q_ws(q);
		if (q->end - q->p >= 4 && !memcmp(q->p, "null", 4)) {
			q->p += 4;
			q->off[q->ntok] = SIZE_MAX;
			q->len[q->ntok++] = 0;
			continue;
		}
		const char *b;
		size_t n;
		if (!q_string(q, &b, &n) || !n)
			return 0;
		if (q->room - q->used < n / 4 * 3 + 1) {
			q->room = q->room ? q->room : 1 << 16;
			while (q->room - q->used < n / 4 * 3 + 1)
				q->room *= 2;
			q->arena = dl_reallocarray(q->arena, q->room, 1);
		}
		ptrdiff_t k = dl_base64_decode(b, n, q->arena + q->used);
		if (k <= 0)
			return 0;
		q->off[q->ntok] = q->used;
		q->len[q->ntok++] = (uint32_t)k;
		q->used += (size_t)k;
	} while (q_char(q, ','));
	return q_char(q, ']');
}

/* "merges": [[a, b], ...] */
static int q_merges(struct quick *q)
{
	if (!q_char(q, '['))
		return 0;
	if (q_char(q, ']'))
		return 1;
	do {
		DL_GROW(q->merge, q->mergecap, q->nmerge + 1);
		uint32_t *ab = q->merge[q->nmerge++];
		if (!q_char(q, '[') || !q_uint(q, &ab[0]) || !q_char(q, ',') || !q_uint(q, &ab[1]) ||
		    !q_char(q, ']'))
			return 0;
	} while (q_char(q, ','));
	return q_char(q, ']');
}

/* "special_tokens": {"name": id, ...} */
static int q_specials(struct quick *q)
{
	if (!q_char(q, '{'))
		return 0;
	if (q_char(q, '}'))
		return 1;
	do {
		if (q->ns == q->scap) {
			q->scap = q->scap ? q->scap * 2 : 8;
			q->sname = dl_reallocarray(q->sname, q->scap, sizeof *q->sname);
			q->slen = dl_reallocarray(q->slen, q->scap, sizeof *q->slen);
			q->sid = dl_reallocarray(q->sid, q->scap, sizeof *q->sid);
		}
		if (!q_string(q, &q->sname[q->ns], &q->slen[q->ns]) || !q_char(q, ':') ||
		    !q_uint(q, &q->sid[q->ns]))
			return 0;
		q->ns++;
	} while (q_char(q, ','));
	return q_char(q, '}');
}

/* The top-level object; *pat from "pattern". Returns 0 for anything unexpected. */
static int q_document(struct quick *q, dl_pretok *pat)
{
	enum { K_FORMAT = 1, K_VERSION = 2, K_PATTERN = 4, K_TOKENS = 8, K_MERGES = 16,
	       K_SPECIAL = 32 };
	unsigned seen = 0;
	if (!q_char(q, '{'))
		return 0;
	do {
		const char *k, *v;
		size_t kn, vn;
		uint32_t ver;
		unsigned key;
		if (!q_string(q, &k, &kn) || !q_char(q, ':'))
			return 0;
		key = q_is(k, kn, "format") ? K_FORMAT : q_is(k, kn, "version") ? K_VERSION
		    : q_is(k, kn, "pattern") ? K_PATTERN : q_is(k, kn, "tokens") ? K_TOKENS
		    : q_is(k, kn, "merges") ? K_MERGES : q_is(k, kn, "special_tokens") ? K_SPECIAL
		    : 0;
		if (!key || (seen & key))
			return 0;
		seen |= key;
		switch (key) {
		case K_FORMAT:
			if (!q_string(q, &v, &vn) || !q_is(v, vn, "dl-tokenize-bpe"))
				return 0;
			break;
		case K_VERSION:
			if (!q_uint(q, &ver) || ver != 1)
				return 0;
			break;
		case K_PATTERN: {
			char name[16];
			if (!q_string(q, &v, &vn) || vn >= sizeof name)
				return 0;
			memcpy(name, v, vn);
			name[vn] = 0;
			if (dl_pretok_parse(name, pat) < 0)
				return 0;
			break;
		}
		case K_TOKENS:
			if (!q_tokens(q))
				return 0;
			break;
		case K_MERGES:
			if (!q_merges(q))
				return 0;
			break;
		default:
			if (!q_specials(q))
				return 0;
		}
	} while (q_char(q, ','));
	if (!q_char(q, '}'))
		return 0;
	q_ws(q);
	return q->p == q->end && (seen & (K_FORMAT | K_VERSION | K_PATTERN | K_TOKENS)) ==
	       (K_FORMAT | K_VERSION | K_PATTERN | K_TOKENS);
}

/* Whether merge i of the list joins two tokens into a token after the one of merge i - 1
 * (*last): the check of the full reader. */
static int merge_ok(const dl_bpe *m, uint32_t a, uint32_t b, int64_t *last, uint8_t **buf)
{
	size_t la = 0, lb = 0;
	const uint8_t *pa = NULL, *pb = NULL;
	if (a < m->ntokens && b < m->ntokens) {
		pa = dl_bpe_token(m, a, &la);
		pb = dl_bpe_token(m, b, &lb);
	}
	if (!pa || !pb)
		return 0;
	/* Written merges make the tokens of two bytes or more in rank order: try the next
	 * such token after the last before a lookup (tokens are distinct, so bytes equal to a
	 * token's are that token). */
	size_t c = (size_t)(*last + 1);
	while (c < m->ntokens && (!m->present[c] || m->len[c] < 2))
		c++;
	if (c < m->ntokens && m->len[c] == la + lb && !memcmp(m->arena + m->off[c], pa, la) &&
	    !memcmp(m->arena + m->off[c] + la, pb, lb)) {
		*last = (int64_t)c;
		return 1;
	}
	*buf = dl_reallocarray(*buf, la + lb + 1, 1);
	memcpy(*buf, pa, la);
	memcpy(*buf + la, pb, lb);
	int64_t r = dl_bpe_rank(m, *buf, la + lb);
	if (r < 0 || r <= *last)
		return 0;
	*last = r;
	return 1;
}

/* The model in text[0..n), or NULL when the quick reader leaves it to the full one. */
static dl_bpe *load_json_quick(const char *text, size_t n)
{
	struct quick q = { .p = text, .end = text + n };
	dl_pretok pat = DL_PRETOK_GPT2;
	dl_bpe *m = NULL;
	char **names = NULL;
	uint8_t *buf = NULL;
	dl_err why;
	/* Room for all the values the text can hold (each takes five bytes or more), so that
	 * nothing is copied as it grows: pages never written cost nothing. */
	q.tokcap = q.mergecap = n / 5 + 16;
	q.room = n / 4 * 3 + 16;
	q.off = dl_mallocarray(q.tokcap, sizeof *q.off);
	q.len = dl_mallocarray(q.tokcap, sizeof *q.len);
	q.merge = dl_mallocarray(q.mergecap, sizeof *q.merge);
	q.arena = dl_malloc(q.room);
	if (!q_document(&q, &pat))
		goto out;
	names = dl_calloc(q.ns ? q.ns : 1, sizeof *names);
	for (size_t i = 0; i < q.ns; i++)
		names[i] = dl_strndup(q.sname[i], q.slen[i]);
	/* The model takes the arena and the arrays. */
	m = dl_bpe_build(pat, q.arena, q.off, q.len, q.ntok, (const char *const *)names, q.sid,
			 q.ns, &why);
	q.arena = NULL;
	q.off = NULL;
	q.len = NULL;
	int64_t last = -1;
	for (size_t i = 0; m && i < q.nmerge; i++) {
		if (!merge_ok(m, q.merge[i][0], q.merge[i][1], &last, &buf)) {
			dl_bpe_free(m);
			m = NULL;
		}
	}
out:
	for (size_t i = 0; names && i < q.ns; i++)
		free(names[i]);
	free(names);
	free(buf);
	free(q.arena);
	free(q.off);
	free(q.len);
	free(q.merge);
	free(q.sname);
	free(q.slen);
	free(q.sid);
	return m;
}

/* A regular file mapped into memory, read-only, its pages mapped at once; NULL (and nothing
 * said) for anything else, and for gzip. The quick reader parses the page cache in place:
 * no copy, and no page faults one page at a time. */
static const char *map_plain(const char *path, size_t *n)
{
	struct stat st;
	void *p = MAP_FAILED;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY) : -1;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 2) {
		int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
		flags |= MAP_POPULATE;
#endif
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, flags, fd, 0);
		*n = (size_t)st.st_size;
	}
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	if (((const uint8_t *)p)[0] == 0x1f && ((const uint8_t *)p)[1] == 0x8b) {
		munmap(p, *n);
		return NULL;
	}
	return p;
}

dl_bpe *dl_bpe_load_json(const char *path, dl_err *e)
{
	size_t n;
	const char *mapped = map_plain(path, &n);
	dl_bpe *m = mapped ? load_json_quick(mapped, n) : NULL;
	if (mapped)
		munmap((void *)mapped, n);
	if (m)
		return m;
	char *text = slurp(path, &n, e);
	if (!text)
		return NULL;
	m = mapped ? NULL : load_json_quick(text, n);
	if (m) {
		free(text);
		return m;
	}
	/* The full reader: a cJSON tree, and a message for what is wrong. */
	cJSON *j = parse_json(path, text, n, e);
	free(text);
	if (!j)
		return NULL;
	struct collect c = {0};
	uint8_t *buf = NULL;
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(j, "format");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "version");
	const cJSON *pat = cJSON_GetObjectItemCaseSensitive(j, "pattern");
	const cJSON *toks = cJSON_GetObjectItemCaseSensitive(j, "tokens");
	const cJSON *merges = cJSON_GetObjectItemCaseSensitive(j, "merges");
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(j, "special_tokens");
	dl_pretok p;
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "dl-tokenize-bpe")) {
		dl_errf(e, "%s: not a dl-tokenize model (\"format\" is not \"dl-tokenize-bpe\")", path);
		goto out;
	}
	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1) {
		dl_errf(e, "%s: unsupported model version (this program reads version 1)", path);
		goto out;
	}
	if (!cJSON_IsString(pat) || dl_pretok_parse(pat->valuestring, &p) < 0) {
		dl_errf(e, "%s: \"pattern\" must be one of gpt2, cl100k, o200k, none", path);
		goto out;
	}
	if (!cJSON_IsArray(toks)) {
		dl_errf(e, "%s: \"tokens\" must be an array of base64 strings", path);
		goto out;
	}
	size_t i = 0;
	const cJSON *t;
	cJSON_ArrayForEach(t, toks) {
		if (cJSON_IsNull(t)) {
			i++;
			continue;
		}
		size_t len = cJSON_IsString(t) ? strlen(t->valuestring) : 0;
		buf = dl_reallocarray(buf, len / 4 * 3 + 1, 1);
		ptrdiff_t k = len ? dl_base64_decode(t->valuestring, len, buf) : -1;
		if (k <= 0) {
			dl_errf(e, "%s: tokens[%zu]: not a base64 string of one or more bytes", path, i);
			goto out;
		}
		collect_put(&c, i++, buf, (size_t)k);
	}
	if (spec && !cJSON_IsObject(spec)) {
		dl_errf(e, "%s: \"special_tokens\" must be an object of name: id", path);
		goto out;
	}
	cJSON_ArrayForEach(t, spec) {
		if (!cJSON_IsNumber(t) || t->valuedouble < 0 || t->valuedouble > 2147483646.0 ||
		    t->valuedouble != (double)(uint32_t)t->valuedouble) {
			dl_errf(e, "%s: special_tokens[\"%s\"]: the id must be an integer 0 to "
				"2147483646", path, t->string);
			goto out;
		}
		collect_special(&c, t->string, (uint32_t)t->valuedouble);
	}
	m = collect_build(&c, p, path, e);
	if (!m)
		goto out;
	/* The merges, when given, must each join two tokens into a token, in rising rank. */
	if (merges) {
		size_t k = 0;
		int64_t last = -1;
		if (!cJSON_IsArray(merges)) {
			dl_errf(e, "%s: \"merges\" must be an array of [id, id] pairs", path);
			goto bad;
		}
		cJSON_ArrayForEach(t, merges) {
			const cJSON *a = cJSON_GetArrayItem(t, 0), *b = cJSON_GetArrayItem(t, 1);
			size_t la = 0, lb = 0;
			const uint8_t *pa = NULL, *pb = NULL;
			if (cJSON_IsArray(t) && cJSON_GetArraySize(t) == 2 && cJSON_IsNumber(a) &&
			    cJSON_IsNumber(b) && a->valuedouble >= 0 && b->valuedouble >= 0 &&
			    a->valuedouble < m->ntokens && b->valuedouble < m->ntokens) {
				pa = dl_bpe_token(m, (uint32_t)a->valuedouble, &la);
				pb = dl_bpe_token(m, (uint32_t)b->valuedouble, &lb);
			}
			int64_t r = -1;
			if (pa && pb) {
				buf = dl_reallocarray(buf, la + lb + 1, 1);
				memcpy(buf, pa, la);
				memcpy(buf + la, pb, lb);
				r = dl_bpe_rank(m, buf, la + lb);
			}
			if (r < 0) {
				dl_errf(e, "%s: merges[%zu]: not two tokens that join to a token of the "
					"model", path, k);
				goto bad;
			}
			if (r <= last) {
				dl_errf(e, "%s: merges[%zu]: makes token %lld, not after the token of "
					"the merge before (%lld)", path, k, (long long)r, (long long)last);
				goto bad;
			}
			last = r;
			k++;
		}
	}
	goto out;
bad:
	dl_bpe_free(m);
	m = NULL;
out:
	if (!m)
		collect_free(&c);
	free(buf);
	cJSON_Delete(j);
	return m;
}

static const char *json_pattern_name(dl_pretok p) { return dl_pretok_name(p); }

void dl_bpe_save_json(const dl_bpe *m, dl_out *out)
{
	dl_buf b = {0};
	dl_out_printf(out, "{\"format\": \"dl-tokenize-bpe\", \"version\": 1, \"pattern\": \"%s\",\n",
		      json_pattern_name(m->pattern));
	dl_out_puts(out, "\"tokens\": [");
	for (size_t i = 0; i < m->ntokens; i++) {
		b.len = 0;
		if (m->present[i]) {
			dl_buf_append(&b, "\"", 1);
			dl_base64_encode(m->arena + m->off[i], m->len[i], &b);
			dl_buf_append(&b, "\"", 1);
		} else {
			dl_buf_append(&b, "null", 4);
		}
		if (i + 1 < m->ntokens)
			dl_buf_append(&b, i % 16 == 15 ? ",\n" : ", ", 2);
		dl_out_write(out, b.data, b.len);
	}
	dl_out_puts(out, "],\n\"merges\": [");
	int first = 1;
	for (size_t i = 0; i < m->ntokens; i++) {
		uint32_t a, c;
		if (!m->present[i] || m->len[i] < 2 || dl_bpe_merge_of(m, (uint32_t)i, &a, &c) < 0)
			continue;
		dl_out_printf(out, "%s[%" PRIu32 ", %" PRIu32 "]", first ? "" : ", ", a, c);
		first = 0;
	}
	dl_out_puts(out, "],\n\"special_tokens\": {");
	for (size_t i = 0; i < m->nspecial; i++) {
		b.len = 0;
		dl_json_string(&b, m->special_names[i], strlen(m->special_names[i]));
		dl_out_write(out, b.data, b.len);
		dl_out_printf(out, ": %" PRIu32 "%s", m->special_ids[i], i + 1 < m->nspecial ? ", " : "");
	}
	dl_out_puts(out, "}}\n");
	dl_buf_free(&b);
}

/* ------------------------------------------------------------------ tiktoken */

dl_bpe *dl_bpe_load_tiktoken(const char *path, dl_pretok pattern, dl_err *e)
{
	dl_in *in = dl_in_open(path, 0, e);
	if (!in)
		return NULL;
	struct collect c = {0};
	uint8_t *buf = NULL;
	char *line;
	ptrdiff_t n;
	while ((n = dl_in_getline(in, &line, e)) >= 0 && line) {
		uint64_t ln = dl_in_lineno(in);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = 0;
		if (n == 0)
			continue;
		char *sp = memchr(line, ' ', (size_t)n);
		if (!sp) {
			dl_errf(e, "%s: line %" PRIu64 ": expected \"BASE64 RANK\"", path, ln);
			goto bad;
		}
		size_t blen = (size_t)(sp - line);
		buf = dl_reallocarray(buf, blen / 4 * 3 + 1, 1);
		ptrdiff_t k = blen ? dl_base64_decode(line, blen, buf) : -1;
		if (k <= 0) {
			dl_errf(e, "%s: line %" PRIu64 ": bad base64 \"%.*s\"", path, ln,
				(int)(blen > 40 ? 40 : blen), line);
			goto bad;
		}
		char *end;
		errno = 0;
		unsigned long long r = strtoull(sp + 1, &end, 10);
		if (sp[1] < '0' || sp[1] > '9' || *end || errno || r >= 1u << 30) {
			dl_errf(e, "%s: line %" PRIu64 ": bad rank \"%s\"", path, ln, sp + 1);
			goto bad;
		}
		if (collect_put(&c, (size_t)r, buf, (size_t)k) < 0) {
			dl_errf(e, "%s: line %" PRIu64 ": rank %llu is given twice", path, ln, r);
			goto bad;
		}
	}
	if (n < 0)
		goto bad;
	dl_in_close(in);
	free(buf);
	return collect_build(&c, pattern, path, e);
bad:
	dl_in_close(in);
	free(buf);
	collect_free(&c);
	return NULL;
}

void dl_bpe_save_tiktoken(const dl_bpe *m, dl_out *out)
{
	dl_buf b = {0};
	for (size_t i = 0; i < m->ntokens; i++) {
		if (!m->present[i])
			continue;
		b.len = 0;
		dl_base64_encode(m->arena + m->off[i], m->len[i], &b);
		dl_out_write(out, b.data, b.len);
		dl_out_printf(out, " %zu\n", i);
	}
	dl_buf_free(&b);
}

/* ------------------------------------------------------------------ GPT-2 */

/* byte -> code point, and code point (< 324) -> byte + 1 (0: none). */
static void gpt2_tables(uint32_t enc[256], uint16_t dec[324])
{
	uint32_t extra = 256;
	memset(dec, 0, 324 * sizeof *dec);
	for (int b = 0; b < 256; b++) {
		int printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
		enc[b] = printable ? (uint32_t)b : extra++;
		dec[enc[b]] = (uint16_t)(b + 1);
	}
}

/* Decodes a GPT-2 token string into bytes (out needs strlen(s) bytes); -1 when it holds a
 * character outside the table. */
static ptrdiff_t gpt2_decode(const char *s, uint8_t *out, const uint16_t dec[324])
{
	size_t n = strlen(s), i = 0, k = 0;
	while (i < n) {
		uint32_t cp;
		size_t l = dl_utf8_decode((const uint8_t *)s + i, n - i, &cp);
		if (!l || cp >= 324 || !dec[cp])
			return -1;
		out[k++] = (uint8_t)(dec[cp] - 1);
		i += l;
	}
	return (ptrdiff_t)k;
}

static int is_special_name(const char *s)
{
	size_t n = strlen(s);
	return n > 4 && !strncmp(s, "<|", 2) && !strcmp(s + n - 2, "|>");
}

dl_bpe *dl_bpe_load_gpt2(const char *encoder_json, const char *vocab_bpe, dl_err *e)
{
	uint32_t enc[256];
	uint16_t dec[324];
	gpt2_tables(enc, dec);
	cJSON *j = load_json_file(encoder_json, e);
	if (!j)
		return NULL;
	struct collect c = {0};
	uint8_t *buf = NULL;
	const cJSON *t;
	dl_bpe *m = NULL;
	if (!cJSON_IsObject(j)) {
		dl_errf(e, "%s: expected a JSON object of token: id", encoder_json);
		goto out;
	}
	cJSON_ArrayForEach(t, j) {
		if (!cJSON_IsNumber(t) || t->valuedouble < 0 || t->valuedouble >= 1 << 30 ||
		    t->valuedouble != (double)(uint32_t)t->valuedouble) {
			dl_errf(e, "%s: \"%s\": the id must be an integer 0 to 2^30", encoder_json,
				t->string);
			goto out;
		}
		uint32_t id = (uint32_t)t->valuedouble;
		if (is_special_name(t->string)) {
			collect_special(&c, t->string, id);
			continue;
		}
		buf = dl_reallocarray(buf, strlen(t->string) + 1, 1);
		ptrdiff_t k = gpt2_decode(t->string, buf, dec);
		if (k <= 0) {
			dl_errf(e, "%s: \"%s\": not a token in GPT-2's byte alphabet", encoder_json,
				t->string);
			goto out;
		}
		if (collect_put(&c, id, buf, (size_t)k) < 0) {
			dl_errf(e, "%s: \"%s\": id %u is given twice", encoder_json, t->string, id);
			goto out;
		}
	}
	m = collect_build(&c, DL_PRETOK_GPT2, encoder_json, e);
	if (!m)
		goto out;
	/* vocab.bpe: every merge must join two tokens into a third. */
	dl_in *in = dl_in_open(vocab_bpe, 0, e);
	if (!in) {
		dl_bpe_free(m);
		m = NULL;
		goto out;
	}
	char *line;
	ptrdiff_t len;
	while ((len = dl_in_getline(in, &line, e)) >= 0) {
		if (!line)
			break;
		uint64_t ln = dl_in_lineno(in);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = 0;
		if ((ln == 1 && !strncmp(line, "#version", 8)) || len == 0)
			continue;
		char *sp = strchr(line, ' ');
		buf = dl_reallocarray(buf, (size_t)len + 1, 1);
		ptrdiff_t ka = -1, kb = -1;
		if (sp) {
			*sp = 0;
			ka = gpt2_decode(line, buf, dec);
			kb = ka > 0 ? gpt2_decode(sp + 1, buf + ka, dec) : -1;
			*sp = ' ';
		}
		if (ka <= 0 || kb <= 0) {
			dl_errf(e, "%s: line %" PRIu64 ": expected two tokens \"A B\"", vocab_bpe, ln);
			goto bad_in;
		}
		if (dl_bpe_rank(m, buf, (size_t)ka) < 0 || dl_bpe_rank(m, buf + ka, (size_t)kb) < 0 ||
		    dl_bpe_rank(m, buf, (size_t)(ka + kb)) < 0) {
			dl_errf(e, "%s: line %" PRIu64 ": merge \"%s\" of tokens not in %s", vocab_bpe,
				ln, line, encoder_json);
			goto bad_in;
		}
	}
	if (len < 0)
		goto bad_in;
	dl_in_close(in);
	goto out;
bad_in:
	dl_in_close(in);
	dl_bpe_free(m);
	m = NULL;
out:
	if (!m)
		collect_free(&c);
	free(buf);
	cJSON_Delete(j);
	return m;
}

static void gpt2_string(dl_buf *b, const uint8_t *p, size_t n, const uint32_t enc[256])
{
	dl_buf s = {0};
	for (size_t i = 0; i < n; i++) {
		uint8_t u[4];
		dl_buf_append(&s, u, dl_utf8_encode(enc[p[i]], u));
	}
	dl_json_string(b, s.data, s.len);
	dl_buf_free(&s);
}

void dl_bpe_save_gpt2(const dl_bpe *m, dl_out *encoder_json, dl_out *vocab_bpe)
{
	uint32_t enc[256];
	uint16_t dec[324];
	gpt2_tables(enc, dec);
	dl_buf b = {0};
	dl_out_puts(encoder_json, "{");
	int first = 1;
	for (size_t i = 0; i < m->ntokens; i++) {
		if (!m->present[i])
			continue;
		b.len = 0;
		if (!first)
			dl_buf_append(&b, ", ", 2);
		first = 0;
		gpt2_string(&b, m->arena + m->off[i], m->len[i], enc);
		dl_out_write(encoder_json, b.data, b.len);
		dl_out_printf(encoder_json, ": %zu", i);
	}
	for (size_t i = 0; i < m->nspecial; i++) {
		b.len = 0;
		if (!first)
			dl_buf_append(&b, ", ", 2);
		first = 0;
		dl_json_string(&b, m->special_names[i], strlen(m->special_names[i]));
		dl_out_write(encoder_json, b.data, b.len);
		dl_out_printf(encoder_json, ": %" PRIu32, m->special_ids[i]);
	}
	dl_out_puts(encoder_json, "}");
	dl_out_puts(vocab_bpe, "#version: 0.2\n");
	for (size_t i = 0; i < m->ntokens; i++) {
		uint32_t a, c;
		if (!m->present[i] || m->len[i] < 2 || dl_bpe_merge_of(m, (uint32_t)i, &a, &c) < 0)
			continue;
		dl_buf s = {0};
		size_t la, lc;
		const uint8_t *pa = dl_bpe_token(m, a, &la), *pc = dl_bpe_token(m, c, &lc);
		for (size_t k = 0; k < la + 1 + lc; k++) {
			uint8_t u[4];
			if (k == la)
				dl_buf_append(&s, " ", 1);
			else
				dl_buf_append(&s, u, dl_utf8_encode(enc[k < la ? pa[k] : pc[k - la - 1]], u));
		}
		dl_buf_append(&s, "\n", 1);
		dl_out_write(vocab_bpe, s.data, s.len);
		dl_buf_free(&s);
	}
	dl_buf_free(&b);
}
