/*
 * vocab.h — the vocabulary of an n-gram model: words <-> dense 32-bit ids.
 *
 * Ids are given in order of first appearance after three reserved ones, as KenLM numbers
 * them: 0 = <unk>, 1 = <s>, 2 = </s>. Words are byte strings (no NUL); lookups hash them
 * with XXH64 into an open-addressing table (linear probing, load at most 1/2). Memory: the
 * bytes of the words plus about 24 bytes a word. Not thread-safe for writing; lookups
 * (dl_ngram_vocab_find) may run in several threads at once.
 */
#ifndef DL_NGRAM_VOCAB_H
#define DL_NGRAM_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#define DL_NGRAM_UNK 0u
#define DL_NGRAM_BOS 1u
#define DL_NGRAM_EOS 2u
#define DL_NGRAM_NONE UINT32_MAX

typedef struct dl_ngram_vocab {
	size_t n, cap;          /* words, and room in off/len */
	char *arena;            /* word i: arena + off[i], len[i] bytes, NUL-terminated */
	size_t arena_len, arena_cap;
	uint64_t *off;
	uint32_t *len;
	uint64_t *slots;        /* high 32 bits of the word's hash | (id + 1); 0 = empty;
				 * nslots a power of two */
	size_t nslots;
} dl_ngram_vocab;

/* An empty vocabulary holding the three reserved words. Free with dl_ngram_vocab_free. */
void dl_ngram_vocab_init(dl_ngram_vocab *v);
void dl_ngram_vocab_free(dl_ngram_vocab *v);

/* The id of word w (n bytes), adding it when new. Dies only when memory runs out. */
uint32_t dl_ngram_vocab_add(dl_ngram_vocab *v, const char *w, size_t n);
/* The id of w, or DL_NGRAM_NONE when absent. */
uint32_t dl_ngram_vocab_find(const dl_ngram_vocab *v, const char *w, size_t n);

static inline const char *dl_ngram_vocab_word(const dl_ngram_vocab *v, uint32_t id)
{
	return v->arena + v->off[id];
}

#endif
