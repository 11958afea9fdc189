/*
 * fuzz_tfrecord.c — libFuzzer target for the TFRecord reader (lib/record/tfrecord.c) and,
 * through it, the gzip/zlib detection and inflation of lib/core/io.c.
 *
 * The input is read as a record stream from memory, with zlib detection and the plain-data
 * check set up as dl-record does. Every record is read to the end of the stream or to the
 * first error. The reader must never crash, leak or die, and what it reports must hang
 * together:
 *   - record i starts where record i-1 ended (offset + 12 + length + 4), the first at 0,
 *     and the index counts 0, 1, 2, ...;
 *   - an uncompressed stream that reads cleanly is exactly the sum of its frames, and
 *     framing each payload again (with freshly computed CRCs) gives back the input;
 *   - a second pass that skips the data CRC reads at least as many records, the same
 *     payloads, and succeeds whenever the checked pass does;
 *   - an error leaves a non-empty message;
 *   - the parallel verifier, given the input as a file, passes only what the sequential
 *     reader reads cleanly, with the same record count.
 * A broken invariant aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "record/crc32c.h"
#include "record/tfrecord.h"
#include "record/tfverify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_tfrecord: invariant broken: %s%s%s\n", what,
		msg ? ": " : "", msg ? msg : "");
	abort();
}

/* What one pass over the stream saw. */
struct pass {
	int status;             /* 0 clean end, -1 error */
	uint64_t nrec;
	enum dl_compress comp;
	dl_buf frames;          /* every payload framed again, as dl_tfrecord_write would */
	dl_buf payloads;        /* length-prefixed payloads, to compare the two passes */
};

static void put_le(dl_buf *b, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		dl_buf_putc(b, (int)((v >> (8 * i)) & 0xff));
}

static void reframe(dl_buf *b, const uint8_t *p, size_t len)
{
	uint8_t hdr[8];

	for (int i = 0; i < 8; i++)
		hdr[i] = (uint8_t)(((uint64_t)len >> (8 * i)) & 0xff);
	dl_buf_append(b, hdr, 8);
	put_le(b, dl_crc32c_mask(dl_crc32c(0, hdr, 8)), 4);
	dl_buf_append(b, p, len);
	put_le(b, dl_crc32c_mask(dl_crc32c(0, p, len)), 4);
}

static void run_pass(const uint8_t *data, size_t size, unsigned flags, struct pass *ps)
{
	dl_err e;
	dl_in *in = dl_in_open_mem(data, size, "fuzz.tfrecord", DL_IN_ZLIB);
	dl_in_set_plain_check(in, dl_tfrecord_plain_check);
	dl_tfrecord_reader *r = dl_tfrecord_reader_new(in, flags);
	uint64_t want_off = 0;
	const uint8_t *p;
	size_t len;
	int rc;

	memset(ps, 0, sizeof *ps);
	e.msg[0] = '\0';
	while ((rc = dl_tfrecord_next(r, &p, &len, &e)) == 1) {
		if (dl_tfrecord_index(r) != ps->nrec)
			broken("record index out of step", NULL);
		if (dl_tfrecord_offset(r) != want_off)
			broken("record offset out of step", NULL);
		if (len > size && dl_tfrecord_compression(r) == DL_COMPRESS_NONE)
			broken("plain record longer than its input", NULL);
		want_off += DL_TFRECORD_HEADER + (uint64_t)len + DL_TFRECORD_FOOTER;
		reframe(&ps->frames, p, len);
		put_le(&ps->payloads, len, 8);
		dl_buf_append(&ps->payloads, p, len);
		ps->nrec++;
	}
	if (rc != 0 && rc != -1)
		broken("dl_tfrecord_next returned neither 1, 0 nor -1", NULL);
	if (rc == -1 && e.msg[0] == '\0')
		broken("error without a message", NULL);
	if (rc == -1 && !strstr(e.msg, "fuzz.tfrecord"))
		broken("error message does not name the stream", e.msg);
	ps->status = rc;
	ps->comp = dl_tfrecord_compression(r);
	dl_tfrecord_close(r);
	dl_in_close(in);
}

/* The parallel verifier, on the input as a file cut in parts of 64 bytes: when it says all is
 * good, the sequential reader read the plain input cleanly and found as many records. */
static void check_parallel(const uint8_t *data, size_t size, const struct pass *full)
{
	char path[] = "/tmp/fuzz_tfrecord.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		broken("cannot write a temporary file", NULL);
	close(fd);
	uint64_t records = 0, bytes = 0;
	int ok = dl_tfrecord_verify_parallel(path, 4, 64, NULL, &records, &bytes);
	unlink(path);
	if (ok && (full->status != 0 || full->comp != DL_COMPRESS_NONE || records != full->nrec ||
		   bytes != size))
		broken("the parallel verifier passed what the sequential reader did not", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pass full, fast;

	run_pass(data, size, 0, &full);
	run_pass(data, size, DL_TFR_SKIP_DATA_CRC, &fast);

	if (full.comp != fast.comp)
		broken("compression detected differently by the two passes", NULL);
	if (full.status == 0 && full.comp == DL_COMPRESS_NONE &&
	    (full.frames.len != size || (size && memcmp(full.frames.data, data, size))))
		broken("a clean plain stream is not the sum of its frames", NULL);
	if (full.status == 0 && (fast.status != 0 || fast.nrec != full.nrec))
		broken("skipping the data CRC failed where checking it succeeded", NULL);
	if (fast.nrec < full.nrec)
		broken("skipping the data CRC read fewer records", NULL);
	if (fast.payloads.len < full.payloads.len ||
	    (full.payloads.len && memcmp(fast.payloads.data, full.payloads.data, full.payloads.len)))
		broken("the two passes returned different payloads", NULL);
	check_parallel(data, size, &full);

	dl_buf_free(&full.frames);
	dl_buf_free(&full.payloads);
	dl_buf_free(&fast.frames);
	dl_buf_free(&fast.payloads);
	return 0;
}
