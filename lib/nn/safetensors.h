/*
 * safetensors.h — the safetensors file format (Hugging Face, "safetensors" format
 * description): an 8-byte little-endian header length N, N bytes of JSON
 *     {"NAME": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}, ...,
 *      "__metadata__": {"key": "value", ...}}
 * then the data; offsets count from the end of the header. Tensors are row-major,
 * little-endian. This reader and writer handle F32, F16, BF16, F64, I64, I32, I16, I8, U8 and
 * BOOL as bytes, and convert F32/F16/BF16/F64 to float32 on request.
 *
 * The reader checks everything a file can lie about: header length within the file, JSON
 * syntax, known dtypes, shapes whose element count times dtype size equals end - begin,
 * offsets within the data and not overlapping, names unique. Errors name the file and the
 * tensor ("model.safetensors: tensor 'h.0.attn.c_attn.weight': data_offsets [0, 100] do not
 * hold shape [64, 192] of F32").
 */
#ifndef DL_NN_SAFETENSORS_H
#define DL_NN_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"

enum dl_st_dtype {
	DL_ST_F32, DL_ST_F16, DL_ST_BF16, DL_ST_F64, DL_ST_I64, DL_ST_I32, DL_ST_I16, DL_ST_I8,
	DL_ST_U8, DL_ST_BOOL,
};

#define DL_ST_MAX_DIMS 8

typedef struct {
	const char *name;
	enum dl_st_dtype dtype;
	int ndim;
	uint64_t shape[DL_ST_MAX_DIMS];
	uint64_t count;         /* elements */
	const uint8_t *data;    /* into the file's bytes */
	size_t nbytes;
} dl_st_tensor;

typedef struct dl_st_file dl_st_file;

/* Reads the whole file (or "-"); NULL + e on any error. */
dl_st_file *dl_st_open(const char *path, dl_err *e);
/* The same from memory (copied); name is used in messages. */
dl_st_file *dl_st_open_mem(const void *p, size_t n, const char *name, dl_err *e);
void dl_st_close(dl_st_file *f);
size_t dl_st_count(const dl_st_file *f);
const dl_st_tensor *dl_st_tensor_at(const dl_st_file *f, size_t i);   /* in file order */
const dl_st_tensor *dl_st_find(const dl_st_file *f, const char *name);
/* A metadata value, or NULL. */
const char *dl_st_meta(const dl_st_file *f, const char *key);
/* Copies tensor t into out[t->count] as float32 (from F32, F16, BF16 or F64); -1 + e for
 * another dtype. */
int dl_st_to_f32(const dl_st_file *f, const dl_st_tensor *t, float *out, dl_err *e);

/* Writing: add tensors (the data is copied), then save atomically (temp file + rename). */
typedef struct dl_st_writer dl_st_writer;
dl_st_writer *dl_st_writer_new(void);
void dl_st_add(dl_st_writer *w, const char *name, enum dl_st_dtype dtype, int ndim,
	       const uint64_t *shape, const void *data);
void dl_st_add_meta(dl_st_writer *w, const char *key, const char *value);
/* Writes path ("-" = stdout) with tensors in the order added, and frees w. Dies on I/O errors
 * (command-line use) like dl_out. */
void dl_st_save(dl_st_writer *w, const char *path);

#endif
