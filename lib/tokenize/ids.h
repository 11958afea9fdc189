/*
 * ids.h — token ids as text: the input side of decoding.
 *
 * Two line formats: "text", ids in decimal separated by spaces or tabs (a '\r' before the
 * end of the line is ignored; an empty line is an empty document); and "jsonl", a JSON
 * object {"ids": [...]} or a bare JSON array of integers.
 */
#ifndef DL_TOKENIZE_IDS_H
#define DL_TOKENIZE_IDS_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"

/* Parses one line (n bytes, no '\n') into ids appended to *ids (*n_ids used, *cap
 * allocated). Ids must be below limit. Returns 0, or -1 with e filled ("'x' is not a token
 * id", "id 99999 is not in the model (ids run from 0 to 50256)"). */
int dl_ids_parse_text(const char *line, size_t n, uint32_t limit, uint32_t **ids,
		      size_t *n_ids, size_t *cap, dl_err *e);
int dl_ids_parse_json(const char *line, size_t n, uint32_t limit, uint32_t **ids,
		      size_t *n_ids, size_t *cap, dl_err *e);

#endif
