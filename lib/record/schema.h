/*
 * schema.h — what a stream of Examples holds: for each feature name, the kinds seen, in how
 * many records it is present, how many values it has in all, the shortest and longest
 * list, the numeric range (floats, int64) and the range of byte-string lengths.
 *
 * Features are listed in the order they were first seen. NaN floats are counted apart and
 * left out of the range. Not thread-safe per object.
 */
#ifndef DL_RECORD_SCHEMA_H
#define DL_RECORD_SCHEMA_H

#include <stdint.h>

#include "core/alloc.h"
#include "record/example.h"

typedef struct dl_schema dl_schema;

dl_schema *dl_schema_new(void);
void dl_schema_free(dl_schema *s);
/* Accounts one record. */
void dl_schema_add(dl_schema *s, const dl_example *ex);
/* Appends a table for people (one feature a line, aligned columns). */
void dl_schema_write_text(const dl_schema *s, dl_buf *out);
/* Appends one JSON object and a newline:
 * {"records":N,"features":[{"name":..,"kinds":["int64"],"records":..,"values":..,
 *   "min_length":..,"max_length":..,"int64_min":..,"int64_max":..,"float_min":..,
 *   "float_max":..,"nan":..,"bytes_min_length":..,"bytes_max_length":..},...]}
 * with the range members present only for the kinds seen. */
void dl_schema_write_json(const dl_schema *s, dl_buf *out);

#endif
