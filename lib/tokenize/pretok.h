/*
 * pretok.h — pre-tokenization: cutting text into the pieces within which BPE merges apply,
 * exactly as the regular expressions of GPT-2 (r50k), cl100k_base and o200k_base do under
 * tiktoken (leftmost-first alternation, possessive and lookahead forms as written there).
 * The matchers are hand-written state machines over code points, not a regex engine.
 *
 * Text is bytes. A byte that does not start a valid UTF-8 sequence (see core/utf8.h) counts
 * as one code point of no class: not a letter, number, mark, whitespace, '\r' or '\n'
 * (tiktoken itself cannot take such text). Pure functions; thread-safe.
 */
#ifndef DL_TOKENIZE_PRETOK_H
#define DL_TOKENIZE_PRETOK_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	DL_PRETOK_GPT2,     /* GPT-2's pattern (tiktoken's r50k_base / p50k_base / gpt2) */
	DL_PRETOK_CL100K,   /* cl100k_base */
	DL_PRETOK_O200K,    /* o200k_base */
	DL_PRETOK_NONE,     /* no splitting: the whole text is one piece */
} dl_pretok;

/* "gpt2", "cl100k", "o200k", "none" -> *p; returns 0, or -1 for an unknown name. */
int dl_pretok_parse(const char *name, dl_pretok *p);
const char *dl_pretok_name(dl_pretok p);
/* The pattern as a regular expression in tiktoken's syntax (empty for NONE). */
const char *dl_pretok_regex(dl_pretok p);

/* The length in bytes (>= 1) of the piece that starts at s[0], where s[0..n) (n >= 1) is the
 * rest of the text: lookaheads see up to s + n and no further. */
size_t dl_pretok_next(dl_pretok p, const uint8_t *s, size_t n);

#endif
