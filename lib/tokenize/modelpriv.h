/*
 * modelpriv.h — the inside of a dl_bpe, shared by model.c and modelio.c only.
 */
#ifndef DL_TOKENIZE_MODELPRIV_H
#define DL_TOKENIZE_MODELPRIV_H

#include <stddef.h>
#include <stdint.h>
#include "tokenize/model.h"

struct dl_bpe_slot {
	uint64_t head;          /* the token's first 8 bytes (fewer: zero-padded) */
	uint32_t id;            /* UINT32_MAX = empty */
	uint32_t len;
};

struct dl_bpe {
	dl_pretok pattern;
	size_t ntokens;         /* ranks 0..ntokens-1; present[i] says whether i has a token */
	uint8_t *arena;         /* token bytes */
	size_t *off;
	uint32_t *len;
	uint8_t *present;
	size_t max_len;         /* longest token */
	struct dl_bpe_slot *table;      /* open addressing */
	size_t table_size;
	uint32_t byte_id[256];
	uint32_t *pair_id;      /* 65536: the token of bytes a, b at [a << 8 | b], or UINT32_MAX */
	uint64_t *filter;       /* Bloom filter of the tokens of three bytes or more */
	size_t filter_words;    /* a power of two */
	size_t nspecial;
	char **special_names;
	size_t *special_lens;
	uint32_t *special_ids;
	uint32_t id_limit;
};

/* dl_bpe_new on tokens already in one block: token i is arena[off[i] .. + len[i]), or
 * absent when off[i] is SIZE_MAX. The model takes arena, off and len (freed with it, or
 * at once on failure). */
dl_bpe *dl_bpe_build(dl_pretok pattern, uint8_t *arena, size_t *off, uint32_t *len,
		     size_t ntokens, const char *const *special_names, const uint32_t *special_ids,
		     size_t nspecial, dl_err *e);

#endif
