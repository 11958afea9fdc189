/*
 * vectors.h — word vectors: a vocabulary with one float32 row per word, read and written in
 * word2vec.c's binary and text formats (also what gensim's save_word2vec_format and
 * fastText's .vec write) and as safetensors.
 *
 * word2vec binary: a header line "N DIM\n" (decimal), then per word its bytes, one space, DIM
 * float32 in little-endian byte order, and "\n" (gensim omits that newline; readers skip any
 * whitespace before a word). word2vec text: the same header, then per word one line of the
 * word and DIM numbers separated by single spaces. safetensors: a tensor "vectors" (F32,
 * [N, DIM]), a tensor "words" (U8, the words' bytes each followed by "\n") and, when counts
 * are known, a tensor "counts" (I64, [N]); metadata "format" = "dl-w2v".
 * Words are byte strings without whitespace (space, \t, \n, \v, \f, \r) or NUL.
 */
#ifndef DL_W2V_VECTORS_H
#define DL_W2V_VECTORS_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"

typedef struct dl_vectors {
	size_t n;          /* words */
	size_t dim;        /* components per word */
	char **words;      /* n NUL-terminated words (owned) */
	size_t *lens;      /* their lengths in bytes */
	float *v;          /* n * dim, row-major (owned) */
	uint64_t *counts;  /* n corpus counts, or NULL when unknown (owned) */
	void *index;       /* private: word -> row lookup, built on first dl_vectors_find */
} dl_vectors;

enum dl_vec_format {
	DL_VEC_BAD = -2, DL_VEC_AUTO = -1, DL_VEC_BIN = 0, DL_VEC_TEXT = 1, DL_VEC_SAFETENSORS = 2
};
/* "bin", "text", "safetensors" (and "auto" when allow_auto); DL_VEC_BAD for anything else. */
int dl_vec_format_parse(const char *s, int allow_auto);
const char *dl_vec_format_name(enum dl_vec_format f);

/* An empty set of n words of dim components (words NULL, rows zero, counts NULL). */
dl_vectors *dl_vectors_new(size_t n, size_t dim);
/* Sets word i (copied). */
void dl_vectors_set_word(dl_vectors *v, size_t i, const char *word, size_t len);
void dl_vectors_free(dl_vectors *v);

/* Reads path ("-" = stdin; gzip transparently) in format f (DL_VEC_AUTO: detected). Returns
 * NULL with e filled ("FILE: line 7: 99 numbers, the header says 100") on any malformed,
 * truncated or inconsistent file. */
dl_vectors *dl_vectors_read(const char *path, enum dl_vec_format f, dl_err *e);
/* Writes atomically (temporary file + rename; "-" = stdout). Dies on I/O errors. */
void dl_vectors_write(const dl_vectors *v, const char *path, enum dl_vec_format f);

/* Row of a word, or -1. */
ptrdiff_t dl_vectors_find(const dl_vectors *v, const char *word, size_t len);

#endif
