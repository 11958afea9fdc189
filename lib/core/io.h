/*
 * io.h — buffered input with transparent decompression, and atomic output.
 *
 * Input (dl_in): a file, stdin ("-" or NULL) or a memory block, read through one internal
 * buffer. gzip input is recognised by its magic bytes (1f 8b) and inflated on the fly,
 * concatenated members included; with DL_IN_ZLIB the zlib wrapper (RFC 1950 header, as
 * TensorFlow's ZLIB record option writes it) is recognised too. Callers see the
 * uncompressed bytes and their offsets. Reading is zero-copy where it can be: dl_in_peek
 * returns a pointer into the buffer, valid until the next call on the same dl_in.
 * Errors (I/O, a gzip stream cut short or corrupt) are reported through dl_err, by the
 * first call that needs a byte beyond the last good one (every byte decoded before the
 * error can be read), and again by every later call. Nothing in this half dies, so parsers
 * built on it can run under a fuzzer.
 *
 * Output (dl_out): stdout ("-" or NULL) or a file that is written under a temporary name
 * in the same directory and renamed into place by dl_out_close (a file replaced keeps its
 * permissions). If the program dies (dl_die), exits, or is interrupted (SIGINT, SIGTERM,
 * SIGHUP, SIGPIPE), every temporary file it still has open is removed, so a failed run never
 * leaves a truncated file behind. Paths that exist and are not regular files (/dev/null, a
 * FIFO) are written in place. Write errors die, naming the file; a closed pipe on stdout
 * ends the program quietly, as it does for cat.
 * Neither half is thread-safe: one thread per dl_in / dl_out. (A dl_in with read-ahead runs a
 * thread of its own, but that is invisible to the caller; see dl_in_set_readahead.)
 */
#ifndef DL_CORE_IO_H
#define DL_CORE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"

enum dl_compress { DL_COMPRESS_NONE = 0, DL_COMPRESS_GZIP = 1, DL_COMPRESS_ZLIB = 2 };

/* Parses "none", "gzip", "zlib"; returns -1 for anything else. */
int dl_compress_parse(const char *s);

/* ---- input */
typedef struct dl_in dl_in;

#define DL_IN_ZLIB 1u   /* also detect a zlib-wrapped stream (see dl_in_open) */

/* Opens path ("-" or NULL = stdin). Returns NULL and fills e when it cannot. */
dl_in *dl_in_open(const char *path, unsigned flags, dl_err *e);
/* Reads from memory (not copied; must outlive the dl_in). name is used in messages. */
dl_in *dl_in_open_mem(const void *data, size_t len, const char *name, unsigned flags);
/* Compression detection by magic bytes can misfire on uncompressed data that happens to
 * start like a gzip or zlib header (a TFRecord whose first length is 0x8b1f, say). A
 * format that can tell its own uncompressed start sets check: it is called once with the
 * first min(DL_IN_PLAIN_CHECK_BYTES, stream length) raw bytes and returns non-zero when
 * they are plain data. Call before the first read. */
#define DL_IN_PLAIN_CHECK_BYTES 12
void dl_in_set_plain_check(dl_in *in, int (*check)(const uint8_t *p, size_t n));

/* Read-ahead: a second thread reads (or inflates) the stream ahead of the caller, into a ring
 * of DL_IN_READAHEAD_CHUNKS chunks of DL_IN_READAHEAD_CHUNK bytes, so that I/O and
 * decompression run while the caller parses: worth it when there is a spare core. Nothing
 * else changes: the same bytes, peeks, lines, offsets and end of stream, and an error comes
 * at the same point of the stream with the same message (every byte before it first). The
 * thread starts at the first read, after compression detection (which stays in the caller's
 * thread); dl_in_close stops and joins it, also when the stream was not read to its end and
 * a pipe's writer has gone quiet. Costs: a thread and the ring's memory per input, and a peek
 * longer than a chunk copies its bytes once more. Do not use such a dl_in in a forked child.
 * dl_in_set_readahead turns it on or off for one input; call it before the first read (later,
 * and on memory inputs, it does nothing). */
#define DL_IN_READAHEAD_CHUNK ((size_t)1 << 20)
#define DL_IN_READAHEAD_CHUNKS 8
void dl_in_set_readahead(dl_in *in, int on);
/* The read-ahead dl_in_open gives its inputs (off until set), except a regular file no larger
 * than one read of 1 MiB. Process-wide and not thread-safe: set it at start-up, before any
 * input is opened (the commands turn it on when they run with --threads of 2 or more). */
void dl_in_readahead_default(int on);

/* Closes (stdin is left open) and frees; with read-ahead, stops and joins its thread first.
 * NULL is fine. */
void dl_in_close(dl_in *in);

/* The name for messages: the path, or "-" / "(stdin)". */
const char *dl_in_name(const dl_in *in);
/* Compression detected on the stream. */
enum dl_compress dl_in_compression(const dl_in *in);
/* Number of uncompressed bytes consumed so far. */
uint64_t dl_in_offset(const dl_in *in);

/* Makes up to n bytes available without consuming them. Returns a pointer into the buffer
 * and sets *avail to the number available (less than n only at end of stream; 0 at EOF).
 * Returns NULL on error (e filled). */
const uint8_t *dl_in_peek(dl_in *in, size_t n, size_t *avail, dl_err *e);
/* Consumes n bytes (n <= the last *avail). */
void dl_in_skip(dl_in *in, size_t n);
/* Copies up to n bytes; returns the count (less than n only at end of stream), or -1. */
ptrdiff_t dl_in_read(dl_in *in, void *buf, size_t n, dl_err *e);

/* Reads one line. Returns its length without the '\n' (a '\r' before it is kept) and sets
 * *line to it, NUL-terminated in place; returns 0 with *line NULL at end of stream, -1 on
 * error. The last line may lack '\n'. dl_in_lineno counts lines returned so far. */
ptrdiff_t dl_in_getline(dl_in *in, char **line, dl_err *e);
uint64_t dl_in_lineno(const dl_in *in);

/* Reads the whole (uncompressed) stream into memory; *len set. Returns NULL on error. */
uint8_t *dl_in_slurp(dl_in *in, size_t *len, dl_err *e);

/* ---- output */
typedef struct dl_out dl_out;

/* Opens path for writing ("-" or NULL = stdout), compressing as asked. Dies on error. */
dl_out *dl_out_open(const char *path, enum dl_compress c);
const char *dl_out_name(const dl_out *out);
void dl_out_write(dl_out *out, const void *p, size_t n);
void dl_out_putc(dl_out *out, int c);
void dl_out_puts(dl_out *out, const char *s);
void dl_out_printf(dl_out *out, const char *fmt, ...) DL_PRINTF(2, 3);
/* Bytes written so far (before compression). */
uint64_t dl_out_offset(const dl_out *out);
/* Flushes, finishes compression, closes and renames into place. Dies on error. */
void dl_out_close(dl_out *out);
/* Discards the output: the temporary file is removed, the target left untouched. */
void dl_out_abort(dl_out *out);

/* Flushes and checks stdio's stdout; registered at exit by dl_cli_init so that a failed
 * write to stdout (a full disk) becomes exit status 1. */
void dl_stdout_check(void);

/* Installs the SIGINT/SIGTERM/SIGHUP/SIGPIPE handler (signals inherited as ignored stay
 * ignored) and the exit hook that remove temporary outputs. Idempotent; dl_out_open calls
 * it. */
void dl_io_install_signal_handlers(void);

#endif
