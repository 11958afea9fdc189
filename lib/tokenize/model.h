/*
 * model.h — a byte-level BPE model: ranked tokens, special tokens, a pre-tokenization pattern;
 * loading and saving in our JSON format and in the two formats of the peers.
 *
 * Tokens are byte strings ranked 0..n-1; the rank is the token id. Every single byte is a
 * token, so any byte string can be encoded. Encoding follows tiktoken: within a piece, the
 * adjacent pair whose concatenation has the lowest rank is merged first (the leftmost of equal
 * ranks), until no adjacent pair concatenates to a token. Special tokens (strings such as
 * "<|endoftext|>") have ids of their own, above or among the ranks but distinct from them.
 *
 * Our JSON (dl-tokenize(5)):
 *     {"format": "dl-tokenize-bpe", "version": 1, "pattern": "gpt2",
 *      "tokens": ["AA==", "AQ==", ...],            base64 of token i's bytes, i = 0, 1, ...
 *      "merges": [[a, b], ...],                     for each token of two or more bytes in rank
 *                                                   order, the two tokens it is made of
 *      "special_tokens": {"<|endoftext|>": 50256}}
 * "merges" is written for readers that want it and checked on load (each pair must join to a
 * token, and join to each multi-byte token in turn); ids are what "tokens" says.
 *
 * tiktoken rank file: one "base64(token) rank" line per token. GPT-2: encoder.json maps each
 * token, its bytes written with GPT-2's byte-to-character table, to its id; vocab.bpe lists
 * the merges, one "a b" line each after a "#version" line.
 */
#ifndef DL_TOKENIZE_MODEL_H
#define DL_TOKENIZE_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "core/io.h"
#include "tokenize/pretok.h"

typedef struct dl_bpe dl_bpe;

/* Models are built from tokens given in rank order (tokens[i] is token i), which must be
 * distinct and include all 256 single bytes. Specials: names[i] gets id ids[i]; ids must not
 * collide with each other or with a rank. Returns NULL and fills e on any violation. */
dl_bpe *dl_bpe_new(dl_pretok pattern, const uint8_t *const *tokens, const uint32_t *lens,
		   size_t ntokens, const char *const *special_names, const uint32_t *special_ids,
		   size_t nspecial, dl_err *e);
void dl_bpe_free(dl_bpe *m);

/* Loaders; name is the file name for messages. NULL + e ("FILE: line L: ...", or for JSON
 * "FILE: byte offset O: ..." / "FILE: tokens[I]: ...") on bad input. */
dl_bpe *dl_bpe_load_json(const char *path, dl_err *e);
dl_bpe *dl_bpe_load_tiktoken(const char *path, dl_pretok pattern, dl_err *e);
dl_bpe *dl_bpe_load_gpt2(const char *encoder_json, const char *vocab_bpe, dl_err *e);
/* Writers (to an open dl_out). */
void dl_bpe_save_json(const dl_bpe *m, dl_out *out);
void dl_bpe_save_tiktoken(const dl_bpe *m, dl_out *out);
void dl_bpe_save_gpt2(const dl_bpe *m, dl_out *encoder_json, dl_out *vocab_bpe);

/* Accessors. */
dl_pretok dl_bpe_pattern(const dl_bpe *m);
size_t dl_bpe_ntokens(const dl_bpe *m);   /* ranks */
size_t dl_bpe_nspecial(const dl_bpe *m);
/* One more than the largest id, special or not. */
uint32_t dl_bpe_id_limit(const dl_bpe *m);
/* The bytes of id (a rank or a special); NULL for an id that is neither. */
const uint8_t *dl_bpe_token(const dl_bpe *m, uint32_t id, size_t *len);
const char *dl_bpe_special_name(const dl_bpe *m, size_t i, uint32_t *id);
/* The rank of bytes p[0..n) as a token, or -1. */
int64_t dl_bpe_rank(const dl_bpe *m, const uint8_t *p, size_t n);
/* The two tokens whose merge makes token id (of two or more bytes): the last merge when
 * encoding its bytes with only the lower ranks. Returns 0, or -1 when no such pair exists. */
int dl_bpe_merge_of(const dl_bpe *m, uint32_t id, uint32_t *a, uint32_t *b);

/* Encoding. An encoder holds per-thread scratch space and a cache; one per thread. */
typedef struct dl_bpe_encoder dl_bpe_encoder;
dl_bpe_encoder *dl_bpe_encoder_new(const dl_bpe *m);
void dl_bpe_encoder_free(dl_bpe_encoder *enc);
/* Appends the ids of one piece (n >= 1) to *ids (a growable array: *n_ids used, *cap). */
void dl_bpe_encode_piece(dl_bpe_encoder *enc, const uint8_t *p, size_t n, uint32_t **ids,
			 size_t *n_ids, size_t *cap);
/* Encodes text (pre-tokenized with the model's pattern; no special tokens recognised). */
void dl_bpe_encode_ordinary(dl_bpe_encoder *enc, const uint8_t *text, size_t n, uint32_t **ids,
			    size_t *n_ids, size_t *cap);

/* How encoding treats each special token (index i as in dl_bpe_special_name), as tiktoken's
 * allowed_special / disallowed_special do. */
enum dl_special_use {
	DL_SPECIAL_TEXT,        /* ordinary text */
	DL_SPECIAL_ALLOWED,     /* becomes its id */
	DL_SPECIAL_DISALLOWED,  /* must not occur */
};
/* The earliest occurrence in p[0..n) of any of the ns strings names[i] (lens[i] bytes), leaving
 * out those whose use is DL_SPECIAL_TEXT (use NULL: none left out); of several starting
 * there, the longest. Returns its offset (n when there is none) and sets *which. */
size_t dl_find_special(const uint8_t *p, size_t n, const char *const *names, const size_t *lens,
		       size_t ns, const enum dl_special_use *use, size_t *which);
/* Encodes text with special tokens: the earliest occurrence of an ALLOWED or DISALLOWED
 * special is found first (the longest when several start there); an allowed one becomes its
 * id, the text before it is encoded as ordinary text. Returns n, or the offset of the first
 * disallowed special (its index in *which; the ids before it are appended). use may be NULL
 * (all TEXT). */
size_t dl_bpe_encode(dl_bpe_encoder *enc, const uint8_t *text, size_t n,
		     const enum dl_special_use *use, uint32_t **ids, size_t *n_ids, size_t *cap,
		     size_t *which);

#endif
