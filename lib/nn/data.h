/*
 * data.h — training data for dl-train, loaded whole into memory.
 *
 * Token streams (language models): the int64 feature "ids" (or another name) of every record
 * of TFRecord files of tf.Example (as dl-tokenize encode --format records writes them) or of
 * JSON lines ({"ids": [...]}), concatenated in order; or the raw bytes of any files (ids
 * 0-255). Every id must lie below the model's vocabulary size: the message names the file,
 * the record (or line) and the id.
 *
 * Tables (the MLP): one row per record of TFRecord, JSON lines or CSV (with a header row,
 * see record/csv.h). The label feature (or column) is the target; every other numeric
 * feature, in record order, is an input (an int64 or float list contributes all its values),
 * and each row must have exactly as many input values as the model takes. Bytes features are
 * an error (convert them first). Targets: a class id in [0, classes) for softmax, or as many
 * float values as the model has outputs for mse and bce (0 or 1... any value in [0, 1] for
 * bce). Formats are detected from the first bytes (after gzip or zlib decompression): a
 * TFRecord header, else '{' for JSON lines, else CSV.
 */
#ifndef DL_NN_DATA_H
#define DL_NN_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "nn/model.h"

typedef struct {
	int32_t *ids;
	size_t n;
} dl_tokens;

/* Loads the tokens of paths[0..npaths) ("-" = stdin). bytes: the files' raw bytes. */
int dl_tokens_load(dl_tokens *t, char *const *paths, size_t npaths, int bytes,
		   const char *feature, size_t vocab, dl_err *e);
void dl_tokens_free(dl_tokens *t);

enum dl_data_format { DL_DATA_AUTO, DL_DATA_RECORDS, DL_DATA_JSONL, DL_DATA_CSV };

typedef struct {
	size_t rows, cols;      /* input values per row */
	float *x;               /* rows * cols */
	int32_t *labels;        /* softmax targets, or NULL */
	float *y;               /* mse/bce targets: rows * ycols, or NULL */
	size_t ycols;
	int has_targets;
} dl_nn_table;

/* Loads a table for a model with spec s (inputs, outputs and loss from it). With
 * need_label 0 a row may lack the label (predict): has_targets is then 1 only when every
 * row had one. */
int dl_nn_table_load(dl_nn_table *t, const char *path, enum dl_data_format f, const char *label,
		  const dl_spec *s, int need_label, dl_err *e);
void dl_nn_table_free(dl_nn_table *t);

/* "records", "jsonl", "csv" or "auto"; -1 for another word. */
int dl_data_format_parse(const char *s, enum dl_data_format *f);

#endif
