/*
 * tokens.h — token ids from records, as dl-tokenize encode --format records writes them:
 * each record holds an int64 feature (by default "ids") with one sentence or document's
 * ids. The trainers that take text or tokens (dl-w2v, dl-ngram) read them through this.
 *
 * Messages name the stream and the record:
 *     "corpus.tfrecord: record 3: no int64 feature 'ids' (it has another type)"
 *     "corpus.tfrecord: record 3: 'ids'[7] = -1 is negative, not a token id"
 */
#ifndef DL_RECORD_TOKENS_H
#define DL_RECORD_TOKENS_H
#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "core/io.h"

typedef struct dl_token_reader dl_token_reader;

/* A reader of the int64 feature named feature in the records of in (borrowed: it stays
 * open after dl_token_reader_free). */
dl_token_reader *dl_token_reader_new(dl_in *in, const char *feature);
/* The next record's ids (*n of them, all >= 0; valid until the next call). Returns 1, 0 at
 * the end, or -1 with e filled; after -1 the reader must not be used again. A record
 * without the feature is an error; one whose feature is an empty list has no ids. */
int dl_token_reader_next(dl_token_reader *r, const int64_t **ids, size_t *n, dl_err *e);
void dl_token_reader_free(dl_token_reader *r);
#endif
