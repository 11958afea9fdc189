/*
 * blocks.h — reading text in blocks cut where no piece can cross.
 *
 * Training and encoding read their input in blocks of bounded size, so that a whole-file
 * document of any size is handled in bounded memory and split among threads with the same
 * pieces as in one go. A block ends at the end of a file, or at a cut point: after a '\n'
 * with --lines (each line a document); otherwise at a safe cut, a place that no piece of the
 * pre-tokenization pattern and no special token can cross (see blocks.c). A cut never falls
 * inside a special token, a line (with lines) or a word.
 */
#ifndef DL_TOKENIZE_BLOCKS_H
#define DL_TOKENIZE_BLOCKS_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "tokenize/pretok.h"

/* The kinds of place a safe cut may take: after a newline, before a space. */
enum { DL_CUT_NEWLINE = 1, DL_CUT_SPACE = 2 };

/* The kinds of cut (DL_CUT_*) that no piece of the pattern and no special token (the n
 * names given) can cross: none for DL_PRETOK_NONE, and none at a kind of place that a
 * special token holds inside it. 0 means a document is never cut. */
unsigned dl_text_allowed_cuts(dl_pretok pattern, const char *const *names, size_t n);

/* Boundaries of the documents of the block p[0..n): with lines, pairs of segments (segment
 * 2i is line i without its '\n', segment 2i + 1 the '\n', or nothing for a last line without
 * one); otherwise parts of a whole-file document cut at safe points (of the kinds cuts
 * allows) into about `part` bytes each, or one part when cuts is 0. The boundaries go to
 * (*starts)[0..k] (grown as needed, *cap its allocated count); returns k, the number of
 * segments. Dies only when out of memory. */
size_t dl_text_split(const uint8_t *p, size_t n, int lines, unsigned cuts, size_t part,
		     size_t **starts, size_t *cap);

/* The most buffers a source takes turns with. */
#define DL_TEXT_MAX_BUFS 4

typedef struct dl_text_source dl_text_source;

/* One block returned by dl_text_next. */
struct dl_text_block {
	const uint8_t *p;       /* the text: n bytes */
	size_t n;
	int first, last;        /* the block starts / ends a file (a document unless lines) */
	int final;              /* the block is the input's last: last in the last file */
	const char *name;       /* its file ("(stdin)" for -), for messages */
	uint64_t off, line;     /* where it starts: byte offset, and line (1-based; counted
				 * only with lines) */
};

/* Opens a source over files[0..nfiles) in turn (nfiles 0: standard input; "-" names it).
 * lines: cut after a '\n' only; else at the safe cuts of the kinds in cuts (0: not inside a
 * file). block: the bytes read per block (buffers grow when a unit is larger). nbuf: the
 * buffers that take turns (1..DL_TEXT_MAX_BUFS), so that a block stays valid for nbuf - 1
 * more calls of dl_text_next. first_read: if not 0, the first blocks are read to that many
 * bytes, doubling up to block, where they have a cut. Progress in bytes is shown on stderr
 * unless quiet. Files are opened as they are reached. Dies only when out of memory. */
dl_text_source *dl_text_open(char **files, int nfiles, int lines, unsigned cuts, size_t block,
			     int nbuf, size_t first_read, int quiet);
/* The next block, in *b: it ends at a cut point or at the end of a file; an empty file
 * gives one empty block. Returns 1; 0 at the end of all input; -1 with e filled when a file
 * cannot be opened or read (the message names the file). Not thread-safe: one caller at a
 * time. */
int dl_text_next(dl_text_source *s, struct dl_text_block *b, dl_err *e);
/* The bytes read so far. */
uint64_t dl_text_bytes(const dl_text_source *s);
/* Closes the file being read, if any, and frees s (NULL is fine). */
void dl_text_close(dl_text_source *s);

#endif
