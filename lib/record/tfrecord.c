/*
 * tfrecord.c — the TFRecord reader and writer.
 *
 * The reader sits on a dl_in and never copies a payload: it peeks the 12-byte header,
 * checks the masked CRC of the length, then peeks header + payload + footer in one piece
 * (dl_in grows its buffer to the largest record seen and keeps it), checks the data CRC
 * and hands out a pointer into the dl_in's buffer before skipping past the record. Memory
 * is therefore the largest record plus dl_in's read chunk, whatever the stream's size.
 *
 * A corrupt length must not turn into a huge allocation. The guards:
 *   - the length CRC is checked before the length is used at all;
 *   - a length over 2^40 bytes is refused on any stream;
 *   - on an uncompressed regular file opened by dl_tfrecord_open the length is compared
 *     with the bytes left in the file ("runs past the end of the file");
 *   - on other streams (pipes, compressed data) a large record is peeked in steps that
 *     double, so the buffer only grows as far as the bytes that really arrive.
 */
#include "config.h"
#include "tfrecord.h"
#include "crc32c.h"
#include "core/alloc.h"
#include "core/bytes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_RECORD ((uint64_t)1 << 40)   /* longest record we agree to read */
#define STEP_MIN ((size_t)1 << 20)       /* records above this are peeked in doubling steps */

struct dl_tfrecord_reader {
	dl_in *in;
	int own_in;
	unsigned flags;
	uint64_t count;         /* records returned so far */
	uint64_t index, offset; /* of the record last returned */
	int have_size;          /* size is the byte length of an uncompressed regular file */
	uint64_t size;
	size_t peeked;          /* largest peek so far: dl_in's buffer holds that much */
	int failed;
};

int dl_tfrecord_plain_check(const uint8_t *p, size_t n)
{
	return n >= DL_TFRECORD_HEADER && dl_crc32c_mask(dl_crc32c(0, p, 8)) == dl_load_le32(p + 8);
}

int dl_tfrecord_sniff(dl_in *in, dl_err *e)
{
	size_t avail = 0;
	const uint8_t *p = dl_in_peek(in, DL_TFRECORD_HEADER, &avail, e);
	if (!p)
		return e && e->msg[0] ? -1 : 0;
	return dl_tfrecord_plain_check(p, avail) != 0;
}

dl_tfrecord_reader *dl_tfrecord_reader_new(dl_in *in, unsigned flags)
{
	dl_tfrecord_reader *r = dl_calloc(1, sizeof *r);
	r->in = in;
	r->flags = flags;
	return r;
}

/* Notes the size of a regular file so that lengths can be checked against it. */
static void note_file_size(dl_tfrecord_reader *r, const char *path)
{
	struct stat st;
	off_t start = 0;
	int stdin_path = !path || !strcmp(path, "-");
	if ((stdin_path ? fstat(STDIN_FILENO, &st) : stat(path, &st)) != 0 || !S_ISREG(st.st_mode))
		return;
	if (stdin_path) {
		start = lseek(STDIN_FILENO, 0, SEEK_CUR);
		if (start < 0 || start > st.st_size)
			return;
	}
	r->size = (uint64_t)(st.st_size - start);
	r->have_size = 1;
}

dl_tfrecord_reader *dl_tfrecord_open(const char *path, unsigned flags, dl_err *e)
{
	dl_in *in = dl_in_open(path, DL_IN_ZLIB, e);
	if (!in)
		return NULL;
	dl_in_set_plain_check(in, dl_tfrecord_plain_check);
	dl_tfrecord_reader *r = dl_tfrecord_reader_new(in, flags);
	r->own_in = 1;
	note_file_size(r, path);
	return r;
}

void dl_tfrecord_close(dl_tfrecord_reader *r)
{
	if (!r)
		return;
	if (r->own_in)
		dl_in_close(r->in);
	free(r);
}

uint64_t dl_tfrecord_index(const dl_tfrecord_reader *r) { return r->index; }
uint64_t dl_tfrecord_offset(const dl_tfrecord_reader *r) { return r->offset; }
const char *dl_tfrecord_name(const dl_tfrecord_reader *r) { return dl_in_name(r->in); }

enum dl_compress dl_tfrecord_compression(const dl_tfrecord_reader *r)
{
	return dl_in_compression(r->in);
}

/* Fills e with "NAME: record I (byte offset O): what" and marks the reader failed. */
DL_PRINTF(5, 6)
static int rec_err(dl_tfrecord_reader *r, uint64_t idx, uint64_t off, dl_err *e,
		   const char *fmt, ...)
{
	char what[sizeof e->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	r->failed = 1;
	return dl_errf(e, "%s: record %llu (byte offset %llu): %s", dl_in_name(r->in),
		       (unsigned long long)idx, (unsigned long long)off, what);
}

/* An error from the dl_in (I/O, a corrupt gzip stream): said again with the record. */
static int io_err(dl_tfrecord_reader *r, uint64_t idx, uint64_t off, dl_err *e)
{
	if (!e) {
		r->failed = 1;
		return -1;
	}
	char what[sizeof e->msg];
	const char *name = dl_in_name(r->in), *m = e->msg;
	size_t k = strlen(name);
	if (!strncmp(m, name, k) && !strncmp(m + k, ": ", 2))
		m += k + 2;
	snprintf(what, sizeof what, "%s", m);
	return rec_err(r, idx, off, e, "%s", what);
}

/* Peeks total bytes. Up to what the buffer already holds (or STEP_MIN) in one go; beyond,
 * in doubling steps that stop at the end of the stream. Returns NULL on an I/O error. */
static const uint8_t *peek_record(dl_tfrecord_reader *r, size_t total, size_t *avail, dl_err *e)
{
	size_t step = r->peeked > STEP_MIN ? r->peeked : STEP_MIN;
	const uint8_t *p;
	for (;;) {
		size_t n = total < step ? total : step;
		p = dl_in_peek(r->in, n, avail, e);
		if (!p)
			return NULL;
		if (n > r->peeked)
			r->peeked = n;
		if (*avail < n || n == total)
			return p;
		step *= 2;
	}
}

int dl_tfrecord_next(dl_tfrecord_reader *r, const uint8_t **data, size_t *len, dl_err *e)
{
	uint64_t idx = r->count, off = dl_in_offset(r->in);
	size_t avail;
	if (r->failed)
		return dl_errf(e, "%s: record %llu: the reader already failed", dl_in_name(r->in),
			       (unsigned long long)idx);
	const uint8_t *p = dl_in_peek(r->in, DL_TFRECORD_HEADER, &avail, e);
	if (!p)
		return io_err(r, idx, off, e);
	if (avail == 0)
		return 0;
	if (avail < DL_TFRECORD_HEADER)
		return rec_err(r, idx, off, e, "truncated header");
	if (dl_crc32c_mask(dl_crc32c(0, p, 8)) != dl_load_le32(p + 8))
		return rec_err(r, idx, off, e, "length CRC mismatch");
	uint64_t n = dl_load_le64(p);
	uint64_t left = r->size >= off + DL_TFRECORD_HEADER ? r->size - off - DL_TFRECORD_HEADER : 0;
	if (r->have_size && dl_in_compression(r->in) == DL_COMPRESS_NONE && n > left)
		return rec_err(r, idx, off, e, "record length %llu runs past the end of the file",
			       (unsigned long long)n);
	if (n > MAX_RECORD || n > SIZE_MAX - DL_TFRECORD_HEADER - DL_TFRECORD_FOOTER)
		return rec_err(r, idx, off, e, "record length %llu is too large (the limit is 2^40 bytes)",
			       (unsigned long long)n);
	size_t total = DL_TFRECORD_HEADER + (size_t)n + DL_TFRECORD_FOOTER;
	p = peek_record(r, total, &avail, e);
	if (!p)
		return io_err(r, idx, off, e);
	if (avail < DL_TFRECORD_HEADER + n)
		return rec_err(r, idx, off, e, "truncated payload (want %llu bytes, have %zu)",
			       (unsigned long long)n, avail - DL_TFRECORD_HEADER);
	if (avail < total)
		return rec_err(r, idx, off, e, "truncated footer");
	const uint8_t *payload = p + DL_TFRECORD_HEADER;
	if (!(r->flags & DL_TFR_SKIP_DATA_CRC) &&
	    dl_crc32c_mask(dl_crc32c(0, payload, (size_t)n)) != dl_load_le32(payload + n))
		return rec_err(r, idx, off, e, "data CRC mismatch");
	dl_in_skip(r->in, total);
	r->index = idx;
	r->offset = off;
	r->count++;
	*data = payload;
	*len = (size_t)n;
	return 1;
}

void dl_tfrecord_write(dl_out *out, const void *data, size_t len)
{
	uint8_t h[DL_TFRECORD_HEADER], f[DL_TFRECORD_FOOTER];
	uint64_t n = len;
	for (int i = 0; i < 8; i++)
		h[i] = (uint8_t)(n >> (8 * i));
	dl_store_le32(h + 8, dl_crc32c_mask(dl_crc32c(0, h, 8)));
	dl_store_le32(f, dl_crc32c_mask(dl_crc32c(0, data, len)));
	dl_out_write(out, h, sizeof h);
	dl_out_write(out, data, len);
	dl_out_write(out, f, sizeof f);
}
