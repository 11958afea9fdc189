/*
 * corpus.h — the training text of an n-gram model as a stream of word ids.
 *
 * Text: a line is a sentence; words are maximal runs of bytes other than space, \t, \n, \v,
 * \f, \r and NUL. Token records (TFRecord-framed tf.Example, as `dl-tokenize encode
 * --format records` writes them): a record is a sentence, each int64 of its feature (default
 * "ids") a word, named by its decimal digits. The words <unk>, <s> and </s> are reserved:
 * in the input they are read as whitespace and counted (as KenLM's lmplz does).
 * The stream holds the ids of each sentence followed by DL_NGRAM_EOS; the <s> before each
 * sentence is implicit. Empty lines are sentences of no words (just </s>), as in lmplz.
 * Memory: 4 bytes per word plus the vocabulary. Not thread-safe.
 */
#ifndef DL_NGRAM_CORPUS_H
#define DL_NGRAM_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "ngram/vocab.h"

enum dl_ngram_input { DL_NGRAM_IN_AUTO = -1, DL_NGRAM_IN_TEXT = 0, DL_NGRAM_IN_RECORDS = 1 };

typedef struct dl_ngram_corpus {
	dl_ngram_vocab vocab;
	uint32_t *ids;          /* sentences, each ended by DL_NGRAM_EOS */
	size_t nids, cap;
	uint64_t sentences, words;  /* words excludes the </s> markers */
	uint64_t reserved;      /* <unk>, <s>, </s> seen in the input and skipped */
} dl_ngram_corpus;

void dl_ngram_corpus_init(dl_ngram_corpus *c);
void dl_ngram_corpus_free(dl_ngram_corpus *c);

/* Appends one input ("-" or NULL = stdin; gzip read transparently) as text or records
 * (DL_NGRAM_IN_AUTO: records when it starts with a valid TFRecord header). feature names
 * the int64 list of a record (NULL = "ids"). Returns 0, or -1 with e filled
 * ("FILE: ..." or "FILE: record N: ...") on an I/O error or a malformed record. */
int dl_ngram_corpus_read(dl_ngram_corpus *c, const char *path, enum dl_ngram_input kind,
			 const char *feature, dl_err *e);
/* The same from memory (for tests and fuzzing); name is used in messages. */
int dl_ngram_corpus_read_mem(dl_ngram_corpus *c, const void *data, size_t len,
			     const char *name, enum dl_ngram_input kind, const char *feature,
			     dl_err *e);

/* Splits a line into words in place: stores up to max (pointer, length) pairs and returns
 * the number of words in the line (which may exceed max: the rest are not stored). */
size_t dl_ngram_split(const char *line, size_t n, const char **w, size_t *wl, size_t max);

#endif
