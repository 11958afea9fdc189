/*
 * blocks.c — reading text in blocks cut where no piece can cross.
 *
 * A safe cut (see safe_cut) is a lone '\n' between a visible ASCII character and an ASCII
 * letter, or a space between two ASCII letters: no piece of the patterns gpt2, cl100k and
 * o200k crosses either, so text cut there gives the same pieces as in one go. Special tokens
 * that hold a '\n' or a space rule out that kind of cut (dl_text_allowed_cuts), and the
 * pattern none rules out both.
 *
 * A source reads each file into one of a few buffers that take turns, and returns the bytes
 * up to the last cut point; the rest (the carry) starts the next buffer. A block stays valid
 * while the next ones are read, so that a reader can run ahead of the threads that use it.
 * A buffer doubles when a unit (a line, or the text between two safe cuts) is larger than
 * it.
 */
#include "tokenize/blocks.h"
#include "core/alloc.h"
#include "core/io.h"
#include "core/progress.h"

#include <stdlib.h>
#include <string.h>

struct dl_text_source {
	char **files;
	int nfiles, next;
	int lines;
	unsigned cuts;          /* the kinds of safe_cut allowed (DL_CUT_*) */
	int whole;              /* no cuts inside a document (none allowed, not lines) */
	dl_in *in;
	const char *name;
	/* Buffers in turn, so that a block stays valid while the next ones are read. */
	uint8_t *buf[DL_TEXT_MAX_BUFS];
	size_t cap[DL_TEXT_MAX_BUFS];
	int nbuf, cur;          /* cur: the buffer being filled, and the last block's */
	size_t len;             /* bytes in buf[cur] */
	size_t carry;           /* of those, the ones after the last block, still to return */
	size_t first_read;      /* smaller first blocks, doubling (0: none) */
	int file_start;         /* the block starts a new file (a new document) */
	uint64_t file_off, file_line;   /* where the next block starts in its file */
	dl_progress progress;
	uint64_t bytes;
};

unsigned dl_text_allowed_cuts(dl_pretok pattern, const char *const *names, size_t n)
{
	unsigned cuts = pattern == DL_PRETOK_NONE ? 0 : DL_CUT_NEWLINE | DL_CUT_SPACE;
	for (size_t i = 0; i < n; i++) {
		if (strchr(names[i], '\n'))
			cuts &= ~(unsigned)DL_CUT_NEWLINE;
		if (strchr(names[i], ' '))
			cuts &= ~(unsigned)DL_CUT_SPACE;
	}
	return cuts;
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
		return (cuts & DL_CUT_SPACE) && i + 1 < n && ascii_letter(p[i - 1]) &&
		       ascii_letter(p[i + 1]);
	return (cuts & DL_CUT_NEWLINE) && i >= 2 && p[i - 1] == '\n' && ascii_letter(p[i]) &&
	       p[i - 2] > 0x20 && p[i - 2] < 0x7f;
}

/* The end of the last complete unit in p[0..len): after the last '\n' with lines;
 * otherwise the last safe cut. 0 when there is none. */
static size_t cut_point(const uint8_t *p, size_t len, int lines, unsigned cuts)
{
	for (size_t i = len; i > 0; i--) {
		if (lines ? p[i - 1] == '\n' : safe_cut(p, i, len, cuts))
			return i;
	}
	return 0;
}

size_t dl_text_split(const uint8_t *p, size_t n, int lines, unsigned cuts, size_t part,
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

dl_text_source *dl_text_open(char **files, int nfiles, int lines, unsigned cuts, size_t block,
			     int nbuf, size_t first_read, int quiet)
{
	static char *stdin_only[] = { "-" };
	dl_text_source *s = dl_calloc(1, sizeof *s);
	s->files = nfiles ? files : stdin_only;
	s->nfiles = nfiles ? nfiles : 1;
	s->lines = lines;
	s->cuts = cuts;
	s->whole = !lines && !cuts;
	s->nbuf = nbuf < 1 ? 1 : nbuf > DL_TEXT_MAX_BUFS ? DL_TEXT_MAX_BUFS : nbuf;
	for (int i = 0; i < s->nbuf; i++) {
		s->cap[i] = block + 1;
		s->buf[i] = dl_malloc(s->cap[i]);
	}
	s->first_read = first_read;
	dl_progress_start(&s->progress, "bytes", 0, quiet);
	return s;
}

/* Makes buf[cur] the next buffer, starting with what the last call left over. */
static void next_buffer(dl_text_source *s)
{
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
}

int dl_text_next(dl_text_source *s, struct dl_text_block *b, dl_err *e)
{
	next_buffer(s);
	for (;;) {
		uint8_t *buf = s->buf[s->cur];
		size_t cap = s->cap[s->cur];
		if (!s->in) {
			if (s->next == s->nfiles) {
				dl_progress_finish(&s->progress);
				return 0;
			}
			s->name = strcmp(s->files[s->next], "-") ? s->files[s->next] : "(stdin)";
			s->in = dl_in_open(s->files[s->next++], 0, e);
			if (!s->in)
				return -1;
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
		ptrdiff_t r = dl_in_read(s->in, buf + s->len, want - s->len, e);
		if (r < 0)
			return -1;
		s->len += (size_t)r;
		s->bytes += (size_t)r;
		dl_progress_update(&s->progress, s->bytes, NULL);
		int end = s->len < want;        /* the read came short: end of this file */
		size_t k = end ? s->len : s->whole ? 0 : cut_point(buf, s->len, s->lines, s->cuts);
		if (end || k) {
			b->p = buf;
			b->n = k;
			b->first = s->file_start;
			b->last = end;
			s->file_start = 0;
			b->name = s->name;
			b->off = s->file_off;
			b->line = s->file_line;
			s->file_off += k;
			/* Line numbers only name the place of an error with lines. */
			for (const uint8_t *q = buf, *e2 = buf + k;
			     s->lines && (q = memchr(q, '\n', (size_t)(e2 - q))) != NULL; q++)
				s->file_line++;
			s->carry = s->len - k;
			s->first_read = s->first_read < cap / 2 ? s->first_read * 2 : 0;
			if (end) {
				dl_in_close(s->in);
				s->in = NULL;
				s->carry = 0;
				if (!k && !b->first) {
					s->len = 0;
					continue;
				}
			}
			b->final = end && s->next == s->nfiles;
			return 1;
		}
	}
}

uint64_t dl_text_bytes(const dl_text_source *s)
{
	return s->bytes;
}

void dl_text_close(dl_text_source *s)
{
	if (!s)
		return;
	if (s->in)
		dl_in_close(s->in);
	for (int i = 0; i < s->nbuf; i++)
		free(s->buf[i]);
	free(s);
}
