/*
 * tfrecord.h — TFRecord framing, read and written as TensorFlow's record_writer does:
 *
 *     uint64 length (little-endian)
 *     uint32 masked_crc32c(length bytes)
 *     byte   data[length]
 *     uint32 masked_crc32c(data)
 *
 * The whole stream may be GZIP- or ZLIB-compressed (framing and CRCs are computed on the
 * uncompressed bytes). The reader detects either, streams in constant memory (beyond the
 * largest record) and hands out each payload without copying it. Every error names the
 * stream, the record index (0-based) and the byte offset of the record's header in the
 * uncompressed stream, e.g. "train.tfrecord: record 3 (byte offset 1480): data CRC mismatch".
 * An empty stream is valid and holds zero records.
 */
#ifndef DL_RECORD_TFRECORD_H
#define DL_RECORD_TFRECORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/io.h"

#define DL_TFRECORD_HEADER 12
#define DL_TFRECORD_FOOTER 4

typedef struct dl_tfrecord_reader dl_tfrecord_reader;

/* Reader flags. */
#define DL_TFR_SKIP_DATA_CRC 1u  /* do not check the data CRC (count): header CRC still is */

/* Opens path ("-" = stdin) for record reading, with gzip/zlib detection. NULL + e on error. */
dl_tfrecord_reader *dl_tfrecord_open(const char *path, unsigned flags, dl_err *e);
/* Reads records from an already open dl_in (which the reader does not close). Set up the
 * dl_in with DL_IN_ZLIB and dl_tfrecord_plain_check to get detection. */
dl_tfrecord_reader *dl_tfrecord_reader_new(dl_in *in, unsigned flags);
/* Frees the reader (and closes the dl_in if dl_tfrecord_open made it). */
void dl_tfrecord_close(dl_tfrecord_reader *r);

/* Reads the next record. Returns 1 and sets *data and *len (valid until the next call),
 * 0 at the clean end of the stream, -1 on error (e filled as described above). After an
 * error the reader must not be used again. */
int dl_tfrecord_next(dl_tfrecord_reader *r, const uint8_t **data, size_t *len, dl_err *e);
/* Index of the record last returned (0-based) and the offset of its header. */
uint64_t dl_tfrecord_index(const dl_tfrecord_reader *r);
uint64_t dl_tfrecord_offset(const dl_tfrecord_reader *r);
/* The stream name for messages, and the compression detected. */
const char *dl_tfrecord_name(const dl_tfrecord_reader *r);
enum dl_compress dl_tfrecord_compression(const dl_tfrecord_reader *r);

/* For dl_in_set_plain_check: non-zero when p starts with a valid record header. */
int dl_tfrecord_plain_check(const uint8_t *p, size_t n);

/* Whether in starts with a record header (checked CRC), without consuming anything: 1
 * records, 0 anything else (text, an empty stream), -1 on a read error (e filled). For
 * commands that take records or text through the same argument. */
int dl_tfrecord_sniff(dl_in *in, dl_err *e);

/* Writes one framed record. */
void dl_tfrecord_write(dl_out *out, const void *data, size_t len);

#endif
