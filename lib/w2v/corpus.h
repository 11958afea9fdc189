/*
 * corpus.h — the vocabulary and the corpus of word2vec training, read once and kept in memory.
 *
 * Reading assigns each new word a provisional id (in order of first appearance), counts it
 * (64-bit), and appends the id to a stream of 32-bit ids cut into sentences (a line of text,
 * or a token record). dl_w2v_corpus_finish then fixes the vocabulary — words of at least
 * min_count occurrences, sorted by count descending with ties in order of first appearance,
 * at most max_vocab of them — and rewrites the stream
 * in final ids, dropping the words left out and cutting sentences longer than
 * DL_W2V_MAX_SENTENCE words. Memory: 4 bytes per corpus word plus the distinct words.
 *
 * Text: words are maximal runs of bytes other than space, \t, \n, \v, \f, \r and NUL, any
 * other bytes included (a binary file is words of bytes, never an error); a word longer than
 * DL_W2V_MAX_WORD bytes is cut to its first DL_W2V_MAX_WORD. A line is a sentence.
 * Not thread-safe; one corpus per training run.
 */
#ifndef DL_W2V_CORPUS_H
#define DL_W2V_CORPUS_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "w2v/train.h"

#define DL_W2V_MAX_WORD 1000

typedef struct dl_w2v_corpus {
	/* the vocabulary: word i is arena[off[i] .. off[i] + len[i]), NUL-terminated */
	size_t nwords, words_cap;
	char *arena;
	size_t arena_len, arena_cap;
	uint64_t *off;
	uint32_t *len;
	uint64_t *count;
	uint64_t *hash;
	/* open addressing: slot = id + 1, 0 = empty; nslots a power of two */
	uint32_t *slots;
	size_t nslots;
	int fixed;              /* a vocabulary read from a file: no new words, no counting */
	/* the corpus: ids, and the end (exclusive) of each sentence in ids */
	uint32_t *ids;
	size_t nids, ids_cap;
	uint64_t *sent_end;
	size_t nsent, sent_cap;
	uint64_t raw_words;     /* words read, in the vocabulary or not */
} dl_w2v_corpus;

void dl_w2v_corpus_init(dl_w2v_corpus *c);
void dl_w2v_corpus_free(dl_w2v_corpus *c);

/* Reads a vocabulary file ("WORD COUNT" per line, as word2vec's -save-vocab writes it) into
 * an empty corpus and fixes it: later reads count no words and add none. -1 with e filled
 * ("FILE:LINE: ...") on a malformed line or a word listed twice. */
int dl_w2v_vocab_read(dl_w2v_corpus *c, const char *path, dl_err *e);
/* The same from memory; name is used in messages. */
int dl_w2v_vocab_read_mem(dl_w2v_corpus *c, const void *data, size_t len, const char *name,
			  dl_err *e);
/* Writes the vocabulary in that format, atomically ("-" = stdout). Dies on I/O errors. */
void dl_w2v_vocab_write(const dl_w2v_corpus *c, const char *path);

/* Reads one input ("-" = stdin) as text or token records (DL_W2V_IN_AUTO: records when it
 * starts with a valid TFRecord header). feature names the int64 list of a record. -1 with e
 * filled on an I/O error or a malformed record. */
int dl_w2v_corpus_read(dl_w2v_corpus *c, const char *path, enum dl_w2v_input kind,
		       const char *feature, dl_err *e);
/* Reads from memory (for tests and fuzzing); name is used in messages. */
int dl_w2v_corpus_read_mem(dl_w2v_corpus *c, const void *data, size_t len, const char *name,
			   enum dl_w2v_input kind, const char *feature, dl_err *e);

/* Fixes the vocabulary and rewrites the stream (see above). Returns the vocabulary size,
 * which may be 0. */
size_t dl_w2v_corpus_finish(dl_w2v_corpus *c, uint64_t min_count, uint64_t max_vocab);

static inline const char *dl_w2v_word(const dl_w2v_corpus *c, size_t i)
{
	return c->arena + c->off[i];
}

#endif
