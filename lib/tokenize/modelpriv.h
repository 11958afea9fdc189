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
	size_t nspecial;
	char **special_names;
	size_t *special_lens;
	uint32_t *special_ids;
	uint32_t id_limit;
};

#endif
