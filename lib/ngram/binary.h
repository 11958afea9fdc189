/*
 * binary.h — the binary n-gram model file: the query model's tables (model.h) as they lie
 * in memory, loaded with mmap and used in place, so loading costs a header check and a
 * scan of the vocabulary, not a parse.
 *
 * Layout (little-endian, each section aligned to 64 bytes):
 *   header    struct dl_ngram_bin_header (magic "DLNGRAM\n", version 1, byte-order mark,
 *             order, the ids of <unk> <s> </s>, counts, slot counts, section offsets, the
 *             file size, XXH64 of the header's bytes before the checksum)
 *   woff      uint64 per word: offset of its bytes in the arena
 *   wlen      uint32 per word: its length
 *   arena     the words, each followed by a NUL
 *   vslots    uint64 per vocabulary slot: the high half of the word's XXH64 above id + 1
 *             (0 = empty), linear probing (vocab.h)
 *   uni       2 floats per word: log10 prob, log10 backoff
 *   tab[n]    for n = 2..N: slots[n] entries of 16 bytes (model.h)
 * The loader checks the magic, version, byte order, checksum, that the file size is the
 * one recorded, that every section lies inside the file, and every word of the vocabulary;
 * a damaged table cannot make a lookup run past its end or forever (probing is bounded).
 */
#ifndef DL_NGRAM_BINARY_H
#define DL_NGRAM_BINARY_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "ngram/model.h"

#define DL_NGRAM_BIN_MAGIC "DLNGRAM\n"
#define DL_NGRAM_BIN_VERSION 1

struct dl_ngram_bin_header {
	char magic[8];
	uint32_t version, bom;          /* bom = 0x01020304 as written */
	uint32_t order, reserved;
	uint64_t nwords, unk, bos, eos, vslots, arena_len;
	uint64_t count[DL_NGRAM_MODEL_MAX_ORDER], slots[DL_NGRAM_MODEL_MAX_ORDER];
	uint64_t off_woff, off_wlen, off_arena, off_vslots, off_uni;
	uint64_t off_tab[DL_NGRAM_MODEL_MAX_ORDER];
	uint64_t file_size;
	uint64_t checksum;              /* XXH64 of the bytes above */
};

/* Writes m as a binary model to path (atomically; "-" = stdout). Dies on I/O errors. */
void dl_ngram_binary_write(const dl_ngram_model *m, const char *path);

/* 1 when the file at path starts with the binary magic, 0 when not (or when shorter),
 * -1 with e filled when it cannot be read. */
int dl_ngram_binary_detect(const char *path, dl_err *e);

/* Loads the file and checks it; NULL with e filled ("FILE: ...") when it is not a sound
 * binary model. flags: DL_NGRAM_LOAD_MMAP maps the file (loading takes milliseconds;
 * pages come in as queries touch them); without it the file is read into anonymous memory
 * on huge pages (a read of the whole file first; queries are faster, fewer TLB misses). */
dl_ngram_model *dl_ngram_binary_load(const char *path, unsigned flags, dl_err *e);

/* Checks a binary model in memory and returns a model that uses the memory in place (it
 * must outlive the model and stay 8-byte aligned); name is used in messages. The model is
 * freed with dl_ngram_model_free, which leaves the memory alone. */
dl_ngram_model *dl_ngram_binary_open_mem(const void *data, size_t len, const char *name,
					 dl_err *e);

/* Releases the mapping of a loaded model (dl_ngram_model_free calls it). */
void dl_ngram_binary_unmap(dl_ngram_model *m);

#endif
