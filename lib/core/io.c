/*
 * io.c — dl_in (buffered, decompressing reader) and dl_out (atomic writer).
 *
 * The reader shows its caller a window of uncompressed bytes, buf[pos, end) unread, and makes
 * more with produce(): read(2) for plain files, inflate for compressed ones.
 *
 * Without read-ahead the window is one buffer of the reader's own: a peek that asks for more
 * than is buffered moves the unread tail to the front, grows the buffer if needed and calls
 * produce() in the caller's thread.
 *
 * With read-ahead a second thread runs produce() into a ring of RA_CHUNKS chunks handed over
 * under a mutex, so that reading and inflating overlap the caller's parsing. The window is the
 * chunk being read. Each chunk has RA_HEAD bytes of headroom in front of its data: moving on
 * to the next chunk, the reader copies only the unread tail of the current one into that
 * headroom (part of one record or line per chunk, not the bulk of the data). A tail longer
 * than the headroom (a peek beyond a chunk) is gathered in a growable buffer instead. The
 * thread hands over whole chunks, or the part it has before it would wait for a pipe.
 *
 * A plain memory input is its own window: nothing is copied and a peek never waits. The first
 * dl_in_getline, which writes terminators into the window, turns that into buffered reading of
 * the same bytes, with a buffer no larger than they are.
 *
 * Either way produce() delivers every byte made before an error and reports the error on the
 * next call, and the thread queues the error behind those bytes: an error surfaces at the same
 * point of the stream, with the same message, with and without read-ahead. Errors are sticky.
 */
#include "config.h"
#include "io.h"
#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IN_CHUNK (1u << 20)   /* read size and initial buffer */
#define DETECT_READ (1u << 16)  /* first read: detection needs a few bytes, plain data no staging */
#define OUT_CHUNK (1u << 18)

#define RA_CHUNK DL_IN_READAHEAD_CHUNK
#define RA_CHUNKS DL_IN_READAHEAD_CHUNKS
#define WOULD_BLOCK (-2)     /* from produce() in the read-ahead thread, see src_read */
#define RA_REFILL (RA_CHUNKS / 2) /* chunks given back before a waiting thread resumes */
#define RA_HEAD RA_CHUNK      /* headroom; only the pages a tail touches become resident */

int dl_compress_parse(const char *s)
{
	if (!strcmp(s, "none") || !*s)
		return DL_COMPRESS_NONE;
	if (!strcmp(s, "gzip"))
		return DL_COMPRESS_GZIP;
	if (!strcmp(s, "zlib"))
		return DL_COMPRESS_ZLIB;
	return -1;
}

/* ------------------------------------------------------------------ input */

enum { RA_RUNNING, RA_EOF, RA_ERROR };

/* What a reader shares with its read-ahead thread. "(mu)" marks fields under the mutex; the
 * bytes of chunk[i] belong to the thread until published (filled counts past i) and to the
 * reader from then until it gives the chunk back (released counts past i). */
struct readahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t ready;           /* a chunk was published or the stream ended */
	pthread_cond_t room;            /* a chunk was given back, or stop was set */
	uint8_t *chunk[RA_CHUNKS];      /* RA_HEAD + RA_CHUNK + 1 bytes, allocated by the thread */
	size_t len[RA_CHUNKS];          /* data bytes of a published chunk (mu) */
	uint64_t filled;                /* chunks published (mu) */
	uint64_t released;              /* chunks given back (mu) */
	int state;                      /* RA_*, set after the last chunk is published (mu) */
	dl_err err;                     /* the message of RA_ERROR (mu) */
	int waiting;                    /* the reader waits for a chunk (mu) */
	int starved;                    /* the thread waits for chunks to be given back (mu) */
	int stop;                       /* dl_in_close asks the thread to end (mu) */
	int wake[2];                    /* pipe that interrupts the thread's poll, or -1 */
	/* The reader's own. */
	uint64_t taken;                 /* chunks taken */
	int holding;                    /* the window is in chunk taken-1 */
	uint8_t *big;                   /* the window when a tail exceeds RA_HEAD */
	size_t big_cap;
};

struct dl_in {
	char *name;
	int fd;                 /* -1 for memory input */
	int own_fd;
	const uint8_t *mem;     /* memory source (raw, possibly compressed), or NULL */
	size_t mem_len;
	int direct;             /* the window is mem itself (plain memory input) */
	int direct_tried;       /* the first read decided on that */
	enum dl_compress comp;
	int detected, src_eof, z_done, member_end;
	unsigned flags;
	z_stream z;
	int z_init;
	int (*plain_check)(const uint8_t *p, size_t n);
	uint8_t *zbuf;          /* raw input staging; for memory input, mem itself */
	size_t zbuf_len, zbuf_pos;
	int failed;             /* produce() met an error: fail holds it */
	dl_err fail;
	uint64_t produced;      /* uncompressed bytes made */
	int wake_fd;            /* polled with fd by the read-ahead thread, or -1 */
	int nowait;             /* the thread holds bytes: report a read that would block */
	/* Above: the producer's side (the read-ahead thread's while it runs). Below: the caller's. */
	int ra_on;              /* read-ahead asked for and not started yet */
	struct readahead *ra;   /* running read-ahead, or NULL */
	uint8_t *buf;           /* the window; without read-ahead, a buffer of cap bytes */
	size_t cap, pos, end;
	uint64_t consumed;      /* offset of buf[pos] in the stream */
	uint64_t lineno;
	int eof;                /* no more uncompressed bytes */
};

static int ra_default;

void dl_in_readahead_default(int on)
{
	ra_default = on != 0;
}

static dl_in *in_new(const char *name, unsigned flags)
{
	dl_in *in = dl_calloc(1, sizeof *in);
	in->name = dl_strdup(name);
	in->flags = flags;
	in->fd = -1;
	in->wake_fd = -1;
	return in;
}

/* The default read-ahead, but not for a regular file that one read(2) takes in whole. */
static int readahead_worth(int fd)
{
	struct stat st;
	if (!ra_default)
		return 0;
	return fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)IN_CHUNK;
}

dl_in *dl_in_open(const char *path, unsigned flags, dl_err *e)
{
	if (!path || !strcmp(path, "-")) {
		dl_in *in = in_new("(stdin)", flags);
		in->fd = STDIN_FILENO;
		in->ra_on = readahead_worth(in->fd);
		return in;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		dl_errf(e, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		dl_errf(e, "%s: is a directory", path);
		return NULL;
	}
	dl_in *in = in_new(path, flags);
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	in->fd = fd;
	in->own_fd = 1;
	in->ra_on = readahead_worth(fd);
	return in;
}

dl_in *dl_in_open_mem(const void *data, size_t len, const char *name, unsigned flags)
{
	dl_in *in = in_new(name ? name : "(memory)", flags);
	in->mem = len ? data : (const uint8_t *)"";
	in->mem_len = len;
	return in;
}

void dl_in_set_readahead(dl_in *in, int on)
{
	if (!in->mem && !in->detected)
		in->ra_on = on != 0;
}

static void ra_free(struct readahead *ra)
{
	pthread_cond_destroy(&ra->room);
	pthread_cond_destroy(&ra->ready);
	pthread_mutex_destroy(&ra->mu);
	for (int i = 0; i < 2; i++)
		if (ra->wake[i] >= 0)
			close(ra->wake[i]);
	for (int i = 0; i < RA_CHUNKS; i++)
		free(ra->chunk[i]);
	free(ra->big);
	free(ra);
}

/* Stops the thread wherever it is (waiting for room, or for a pipe in poll) and joins it. */
static void ra_end(dl_in *in)
{
	struct readahead *ra = in->ra;
	pthread_mutex_lock(&ra->mu);
	ra->stop = 1;
	pthread_cond_signal(&ra->room);
	pthread_mutex_unlock(&ra->mu);
	if (ra->wake[1] >= 0 && write(ra->wake[1], "", 1) < 0) {
		/* Cannot happen with an empty pipe; the thread would end at its next read. */
	}
	pthread_join(ra->thread, NULL);
	ra_free(ra);
	in->ra = NULL;
	in->buf = NULL;
}

void dl_in_close(dl_in *in)
{
	if (!in)
		return;
	if (in->ra)
		ra_end(in);
	if (in->own_fd)
		close(in->fd);
	if (in->z_init)
		inflateEnd(&in->z);
	if (!in->mem)
		free(in->zbuf);
	if (!in->direct)
		free(in->buf);
	free(in->name);
	free(in);
}

void dl_in_set_plain_check(dl_in *in, int (*check)(const uint8_t *p, size_t n))
{
	in->plain_check = check;
}

const char *dl_in_name(const dl_in *in) { return in->name; }
enum dl_compress dl_in_compression(const dl_in *in) { return in->comp; }
uint64_t dl_in_offset(const dl_in *in) { return in->consumed; }
uint64_t dl_in_lineno(const dl_in *in) { return in->lineno; }

/* ---- the producer: raw bytes from the source, uncompressed bytes out */

/* Records an error of the producer and returns -1; produce() reports it from then on. */
static int fail(dl_in *in, const char *fmt, ...) DL_PRINTF(2, 3);
static int fail(dl_in *in, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dl_verrf(&in->fail, fmt, ap);
	va_end(ap);
	in->failed = 1;
	return -1;
}

/* In the read-ahead thread, on a source that can block for ever (a pipe, a terminal): waits
 * until fd can be read, for at most timeout ms (-1: no limit). Returns 1 when it can, 0 on
 * time-out, -1 when dl_in_close wakes the thread instead. */
static int wait_readable(dl_in *in, int timeout)
{
	struct pollfd p[2] = {{.fd = in->fd, .events = POLLIN}, {.fd = in->wake_fd, .events = POLLIN}};
	int r;
	while ((r = poll(p, 2, timeout)) < 0)
		if (errno != EINTR)
			return 1;       /* let read(2) block or report */
	return p[1].revents ? -1 : r > 0;
}

/* Reads raw (possibly compressed) bytes from the source into dst. In the read-ahead thread,
 * returns WOULD_BLOCK rather than wait for a pipe while nowait is set: the thread hands the
 * bytes it holds over first, since the caller may need them before the pipe has more. */
static ptrdiff_t src_read(dl_in *in, uint8_t *dst, size_t n)
{
	for (;;) {
		if (in->wake_fd >= 0) {
			int w = wait_readable(in, in->nowait ? 0 : -1);
			if (w < 0)
				return fail(in, "%s: reading stopped", in->name);
			if (w == 0)
				return WOULD_BLOCK;
		}
		ssize_t r = read(in->fd, dst, n > SSIZE_MAX ? SSIZE_MAX : n);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		return fail(in, "%s: read error: %s", in->name, strerror(errno));
	}
}

/* Fills zbuf with raw bytes; returns bytes available, 0 at source EOF, -1 on error (or
 * WOULD_BLOCK). */
static ptrdiff_t zbuf_fill(dl_in *in)
{
	if (in->zbuf_pos < in->zbuf_len)
		return (ptrdiff_t)(in->zbuf_len - in->zbuf_pos);
	if (in->src_eof)
		return 0;
	ptrdiff_t r = src_read(in, in->zbuf, IN_CHUNK);
	if (r < 0)
		return r;
	if (r == 0)
		in->src_eof = 1;
	in->zbuf_pos = 0;
	in->zbuf_len = (size_t)r;
	return r;
}

/* Looks at the first raw bytes and decides on the compression; an error is left for
 * produce() to report. */
static void detect(dl_in *in)
{
	in->detected = 1;
	if (in->mem) {
		/* The whole source is staged already. */
		in->zbuf = (uint8_t *)in->mem;
		in->zbuf_len = in->mem_len;
		in->src_eof = 1;
	} else {
		in->zbuf = dl_malloc(IN_CHUNK);
	}
	/* Gather the first bytes (a pipe may deliver one at a time). */
	size_t need = in->plain_check ? DL_IN_PLAIN_CHECK_BYTES : 2;
	while (in->zbuf_len < need && !in->src_eof) {
		ptrdiff_t r = src_read(in, in->zbuf + in->zbuf_len, DETECT_READ - in->zbuf_len);
		if (r < 0)
			return;
		if (r == 0)
			in->src_eof = 1;
		in->zbuf_len += (size_t)r;
	}
	const uint8_t *b = in->zbuf;
	if (in->zbuf_len >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		in->comp = DL_COMPRESS_GZIP;
	else if ((in->flags & DL_IN_ZLIB) && in->zbuf_len >= 2 && (b[0] & 0x0f) == 8 &&
		 (b[0] >> 4) <= 7 && ((b[0] << 8) | b[1]) % 31 == 0)
		in->comp = DL_COMPRESS_ZLIB;
	size_t head = in->zbuf_len < DL_IN_PLAIN_CHECK_BYTES ? in->zbuf_len : DL_IN_PLAIN_CHECK_BYTES;
	if (in->comp != DL_COMPRESS_NONE && in->plain_check && in->plain_check(b, head))
		in->comp = DL_COMPRESS_NONE;
	if (in->comp == DL_COMPRESS_NONE)
		return;
	memset(&in->z, 0, sizeof in->z);
	int wbits = in->comp == DL_COMPRESS_GZIP ? 15 + 16 : 15;
	if (inflateInit2(&in->z, wbits) != Z_OK) {
		fail(in, "%s: cannot initialise zlib", in->name);
		return;
	}
	in->z_init = 1;
}

static ptrdiff_t produce_plain(dl_in *in, uint8_t *dst, size_t room)
{
	/* Bytes staged during detection come first. */
	if (in->zbuf_pos < in->zbuf_len) {
		size_t k = in->zbuf_len - in->zbuf_pos;
		if (k > room)
			k = room;
		memcpy(dst, in->zbuf + in->zbuf_pos, k);
		in->zbuf_pos += k;
		return (ptrdiff_t)k;
	}
	if (in->src_eof)
		return 0;
	ptrdiff_t r = src_read(in, dst, room);
	if (r == 0)
		in->src_eof = 1;
	return r;
}

static ptrdiff_t produce_inflated(dl_in *in, uint8_t *dst, size_t room)
{
	const char *kind = in->comp == DL_COMPRESS_GZIP ? "gzip" : "zlib";
	uInt out = room > UINT_MAX ? UINT_MAX : (uInt)room;
	for (;;) {
		if (in->z_done)
			return 0;
		ptrdiff_t avail = zbuf_fill(in);
		if (avail < 0)
			return avail;
		if (in->member_end) {
			/* Another gzip member may follow (as gzip -c a b > c makes). */
			in->member_end = 0;
			if (avail == 0) {
				in->z_done = 1;
				return 0;
			}
			inflateReset(&in->z);
			in->z.total_in = in->z.total_out = 0;
		}
		if (avail == 0)
			return fail(in, "%s: %s stream is truncated (after %llu uncompressed bytes)",
				    in->name, kind, (unsigned long long)in->produced);
		uInt given = (size_t)avail > UINT_MAX ? UINT_MAX : (uInt)avail;
		in->z.next_in = in->zbuf + in->zbuf_pos;
		in->z.avail_in = given;
		in->z.next_out = dst;
		in->z.avail_out = out;
		int rc = inflate(&in->z, Z_NO_FLUSH);
		in->zbuf_pos += given - in->z.avail_in;
		size_t made = out - in->z.avail_out;
		if (rc == Z_STREAM_END) {
			if (in->comp == DL_COMPRESS_GZIP)
				in->member_end = 1;
			else
				in->z_done = 1;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			fail(in, "%s: corrupt %s stream: %s", in->name, kind,
			     in->z.msg ? in->z.msg : "inflate failed");
		}
		/* The bytes made before an error go out first; the error comes next call. */
		if (made)
			return (ptrdiff_t)made;
		if (in->failed)
			return -1;
	}
}

/* Makes up to room (> 0) uncompressed bytes at dst. Returns the count, 0 at the end of the
 * stream, -1 with e filled, or in the read-ahead thread WOULD_BLOCK. */
static ptrdiff_t produce(dl_in *in, uint8_t *dst, size_t room, dl_err *e)
{
	ptrdiff_t r = -1;
	if (!in->failed)
		r = in->comp == DL_COMPRESS_NONE ? produce_plain(in, dst, room)
						 : produce_inflated(in, dst, room);
	if (r == WOULD_BLOCK)
		return r;
	if (r < 0)
		return dl_errf(e, "%s", in->fail.msg);
	in->produced += (uint64_t)r;
	return r;
}

/* ---- without read-ahead: one buffer, filled in the caller's thread */

/* For plain memory input: the bytes not yet read plus the spare byte, else 0. */
static size_t mem_plain_left(const dl_in *in)
{
	if (!in->mem || in->comp != DL_COMPRESS_NONE)
		return 0;
	return in->end - in->pos + (in->zbuf_len - in->zbuf_pos) + 1;
}

/* Makes room for more bytes when the buffer is full: doubles it (IN_CHUNK at first), but
 * not beyond what a peek of n bytes needs, plus the spare byte. */
static int grow(dl_in *in, size_t n, dl_err *e)
{
	size_t need = n < SIZE_MAX ? n + 1 : n, want;
	if (!in->cap)
		want = IN_CHUNK;
	else if (in->cap > SIZE_MAX / 4)
		return dl_errf(e, "%s: request of %zu bytes is too large", in->name, n);
	else
		want = in->cap * 2;
	if (want > need && need > in->cap)
		want = need > IN_CHUNK ? need : IN_CHUNK;
	size_t all = mem_plain_left(in);
	if (all && want > all && all > in->cap)
		want = all; /* a small memory input needs no more than itself */
	in->buf = dl_reallocarray(in->buf, want, 1);
	in->cap = want;
	return 0;
}

/* Brings at least n bytes into the buffer, or all that is left; keeps buf[cap-1] spare for
 * dl_in_getline's terminator. */
static int buf_fill(dl_in *in, size_t n, dl_err *e)
{
	if (in->pos > 0) {
		memmove(in->buf, in->buf + in->pos, in->end - in->pos);
		in->end -= in->pos;
		in->pos = 0;
	}
	if (!in->detected)
		detect(in);
	/* The buffer grows as bytes arrive, not to n at once: n may be a length read from
	 * damaged data (a record header claiming a terabyte) that the stream never delivers. */
	while (in->end < n) {
		if (in->end + 1 >= in->cap && grow(in, n, e) < 0)
			return -1;
		ptrdiff_t r = produce(in, in->buf + in->end, in->cap - in->end - 1, e);
		if (r < 0)
			return -1;
		if (r == 0) {
			in->eof = 1;
			break;
		}
		in->end += (size_t)r;
	}
	return 0;
}

/* Makes at least one byte more than the unread ones available (or sets eof) with one call
 * of produce(); the buffer doubles when full. */
static int buf_more(dl_in *in, dl_err *e)
{
	if (in->pos > 0) {
		memmove(in->buf, in->buf + in->pos, in->end - in->pos);
		in->end -= in->pos;
		in->pos = 0;
	}
	if (!in->detected)
		detect(in);
	if (in->end + 1 >= in->cap) {
		if (in->cap > SIZE_MAX / 4)
			return dl_errf(e, "%s: a line of %zu bytes is too long", in->name, in->end);
		size_t want = in->cap ? in->cap * 2 : IN_CHUNK, all = mem_plain_left(in);
		if (all && want > all && all > in->cap)
			want = all;
		in->cap = want;
		in->buf = dl_reallocarray(in->buf, in->cap, 1);
	}
	ptrdiff_t r = produce(in, in->buf + in->end, in->cap - in->end - 1, e);
	if (r < 0)
		return -1;
	if (r == 0)
		in->eof = 1;
	in->end += (size_t)r;
	return 0;
}

/* ---- with read-ahead: the thread's side */

static void *ra_main(void *arg)
{
	dl_in *in = arg;
	struct readahead *ra = in->ra;
	dl_err err = {{0}};
	int state = RA_RUNNING;
	while (state == RA_RUNNING) {
		pthread_mutex_lock(&ra->mu);
		if (ra->filled - ra->released >= RA_CHUNKS) {
			/* Wake for a few chunks at once, not for every one given back. */
			ra->starved = 1;
			while (ra->filled - ra->released > RA_CHUNKS - RA_REFILL && !ra->stop)
				pthread_cond_wait(&ra->room, &ra->mu);
			ra->starved = 0;
		}
		int stop = ra->stop;
		size_t k = (size_t)(ra->filled % RA_CHUNKS);
		pthread_mutex_unlock(&ra->mu);
		if (stop)
			break;
		if (!ra->chunk[k])
			ra->chunk[k] = dl_malloc(RA_HEAD + RA_CHUNK + 1);
		uint8_t *dst = ra->chunk[k] + RA_HEAD;
		size_t len = 0;
		while (len < RA_CHUNK) {
			in->nowait = len > 0;
			ptrdiff_t r = produce(in, dst + len, RA_CHUNK - len, &err);
			if (r == WOULD_BLOCK)
				break;
			if (r <= 0) {
				state = r < 0 ? RA_ERROR : RA_EOF;
				break;
			}
			len += (size_t)r;
		}
		pthread_mutex_lock(&ra->mu);
		if (len) {
			ra->len[k] = len;
			ra->filled++;
		}
		if (state != RA_RUNNING) {
			ra->err = err;
			ra->state = state;
		}
		if (ra->waiting)
			pthread_cond_signal(&ra->ready);
		pthread_mutex_unlock(&ra->mu);
	}
	return NULL;
}

/* Starts the thread at the first fill. Detection runs before, in the caller's thread, as it
 * does without read-ahead. When the thread cannot start, reading goes on without it. */
static void ra_start(dl_in *in)
{
	in->ra_on = 0;
	if (!in->detected)
		detect(in);
	if (in->failed)
		return;
	struct readahead *ra = dl_calloc(1, sizeof *ra);
	ra->wake[0] = ra->wake[1] = -1;
	struct stat st;
	if ((fstat(in->fd, &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) &&
	    pipe2(ra->wake, O_CLOEXEC) != 0) {
		free(ra);
		return;
	}
	in->wake_fd = ra->wake[0];
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->ready, NULL);
	pthread_cond_init(&ra->room, NULL);
	in->ra = ra;
	/* Signals go to the caller's thread, as they did before there was a second one. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&ra->thread, NULL, ra_main, in);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		in->ra = NULL;
		in->wake_fd = -1;
		ra_free(ra);
	}
}

/* ---- with read-ahead: the caller's side */

/* Gives n chunks back to the thread. */
static void ra_release(struct readahead *ra, unsigned n)
{
	if (!n)
		return;
	pthread_mutex_lock(&ra->mu);
	ra->released += n;
	if (ra->starved && ra->filled - ra->released <= RA_CHUNKS - RA_REFILL)
		pthread_cond_signal(&ra->room);
	pthread_mutex_unlock(&ra->mu);
}

/* Takes the next chunk: returns 1 with its base and data length, 0 at the end of the
 * stream, -1 on an error (e filled). */
static int ra_take(struct readahead *ra, uint8_t **base, size_t *len, dl_err *e)
{
	int rc = 1;
	pthread_mutex_lock(&ra->mu);
	while (ra->taken == ra->filled && ra->state == RA_RUNNING) {
		ra->waiting = 1;
		pthread_cond_wait(&ra->ready, &ra->mu);
	}
	ra->waiting = 0;
	if (ra->taken < ra->filled) {
		size_t k = (size_t)(ra->taken++ % RA_CHUNKS);
		*base = ra->chunk[k];
		*len = ra->len[k];
	} else if (ra->state == RA_EOF) {
		rc = 0;
	} else {
		rc = dl_errf(e, "%s", ra->err.msg);
	}
	pthread_mutex_unlock(&ra->mu);
	return rc;
}

/* Moves the window to chunk c, the unread tail copied into its headroom. */
static void ra_enter_chunk(dl_in *in, uint8_t *c, size_t len)
{
	struct readahead *ra = in->ra;
	size_t tail = in->end - in->pos;
	if (tail)
		memcpy(c + RA_HEAD - tail, in->buf + in->pos, tail);
	ra_release(ra, (unsigned)ra->holding);
	ra->holding = 1;
	in->buf = c;
	in->pos = RA_HEAD - tail;
	in->end = RA_HEAD + len;
}

/* Moves the window to the big buffer: the unread tail, then the data of chunk c. */
static void ra_enter_big(dl_in *in, uint8_t *c, size_t len)
{
	struct readahead *ra = in->ra;
	size_t tail = in->end - in->pos, need = tail + len + 1;
	if (!ra->holding && in->pos)
		memmove(ra->big, ra->big + in->pos, tail);
	if (need > ra->big_cap) {
		ra->big_cap = need > ra->big_cap / 2 * 3 ? need : ra->big_cap / 2 * 3;
		ra->big = dl_reallocarray(ra->big, ra->big_cap, 1);
	}
	if (ra->holding)
		memcpy(ra->big, in->buf + in->pos, tail);
	memcpy(ra->big + tail, c + RA_HEAD, len);
	ra_release(ra, (unsigned)ra->holding + 1);
	ra->holding = 0;
	in->buf = ra->big;
	in->pos = 0;
	in->end = tail + len;
}

/* Brings at least n bytes into the window, or all that is left. */
static int ra_fill(dl_in *in, size_t n, dl_err *e)
{
	while (in->end - in->pos < n) {
		uint8_t *c = NULL;
		size_t len = 0;
		int rc = ra_take(in->ra, &c, &len, e);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			in->eof = 1;
			break;
		}
		if (in->end - in->pos <= RA_HEAD)
			ra_enter_chunk(in, c, len);
		else
			ra_enter_big(in, c, len);
	}
	return 0;
}

/* ---- reading */

/* At the first read, a plain memory input becomes its own window, all of it at once.
 * Returns 1 if so. */
static int try_direct(dl_in *in)
{
	if (in->direct_tried)
		return 0;
	in->direct_tried = 1;
	if (!in->detected)
		detect(in);
	if (in->comp != DL_COMPRESS_NONE || in->failed)
		return 0;
	in->direct = 1;
	in->buf = (uint8_t *)in->mem;
	in->pos = 0;
	in->end = in->mem_len;
	in->zbuf_pos = in->zbuf_len;
	in->produced = in->mem_len;
	in->eof = 1;
	return 1;
}

/* Back from a direct window to buffered reading of the same bytes (the window must become
 * writable). */
static void leave_direct(dl_in *in)
{
	in->direct = 0;
	in->zbuf_pos = in->pos;
	in->buf = NULL;
	in->cap = in->pos = in->end = 0;
	in->eof = 0;
	in->src_eof = 1;
}

/* Makes more bytes available than the unread ones, or sets eof. A reader that does not know
 * how much it needs (a line) asks for more this way rather than with a peek of a guessed size,
 * so that it meets an error only when the bytes before it are used up. */
static int more(dl_in *in, dl_err *e)
{
	if (in->ra_on)
		ra_start(in);
	return in->ra ? ra_fill(in, in->end - in->pos + 1, e) : buf_more(in, e);
}

const uint8_t *dl_in_peek(dl_in *in, size_t n, size_t *avail, dl_err *e)
{
	if (in->end - in->pos < n && !in->eof) {
		if (in->ra_on)
			ra_start(in);
		if (in->mem && try_direct(in))
			;
		else if ((in->ra ? ra_fill(in, n, e) : buf_fill(in, n, e)) < 0)
			return NULL;
	}
	*avail = in->end - in->pos < n ? in->end - in->pos : n;
	return in->buf ? in->buf + in->pos : (const uint8_t *)"";
}

void dl_in_skip(dl_in *in, size_t n)
{
	if (n > in->end - in->pos)
		n = in->end - in->pos;
	in->pos += n;
	in->consumed += n;
}

/* What is buffered, or at least one more byte when nothing is (0 only at the end): a peek
 * that never makes the reader gather bytes it already has into one place. */
static const uint8_t *peek_some(dl_in *in, size_t *avail, dl_err *e)
{
	size_t have = in->end - in->pos;
	return dl_in_peek(in, have ? have : 1, avail, e);
}

ptrdiff_t dl_in_read(dl_in *in, void *buf, size_t n, dl_err *e)
{
	size_t done = 0;
	while (done < n) {
		size_t avail;
		const uint8_t *p = peek_some(in, &avail, e);
		if (!p)
			return -1;
		if (avail == 0)
			break;
		if (avail > n - done)
			avail = n - done;
		memcpy((uint8_t *)buf + done, p, avail);
		dl_in_skip(in, avail);
		done += avail;
	}
	return (ptrdiff_t)done;
}

ptrdiff_t dl_in_getline(dl_in *in, char **line, dl_err *e)
{
	size_t scanned = 0;
	*line = NULL;
	if (in->direct)
		leave_direct(in);
	in->direct_tried = 1;
	for (;;) {
		size_t have = in->end - in->pos;
		uint8_t *nl = have > scanned ? memchr(in->buf + in->pos + scanned, '\n', have - scanned)
					     : NULL;
		if (nl) {
			size_t len = (size_t)(nl - (in->buf + in->pos));
			*nl = '\0';
			*line = (char *)in->buf + in->pos;
			in->pos += len + 1;
			in->consumed += len + 1;
			in->lineno++;
			return (ptrdiff_t)len;
		}
		scanned = have;
		if (in->eof) {
			if (have == 0)
				return 0;
			/* Last line without '\n': the window always has one spare byte. */
			in->buf[in->end] = '\0';
			*line = (char *)in->buf + in->pos;
			in->pos += have;
			in->consumed += have;
			in->lineno++;
			return (ptrdiff_t)have;
		}
		if (more(in, e) < 0)
			return -1;
	}
}

uint8_t *dl_in_slurp(dl_in *in, size_t *len, dl_err *e)
{
	dl_buf b = {0};
	for (;;) {
		size_t avail;
		const uint8_t *p = peek_some(in, &avail, e);
		if (!p) {
			dl_buf_free(&b);
			return NULL;
		}
		if (!avail)
			break;
		dl_buf_append(&b, p, avail);
		dl_in_skip(in, avail);
	}
	*len = b.len;
	if (!b.data)
		b.data = dl_malloc(1);
	return b.data;
}

/* ------------------------------------------------------------------ output */

/* Temporary paths still open, for removal on dl_die, exit or a fatal signal. A fixed table
 * keeps the signal handler async-signal-safe (it only calls getpid and unlink). Each entry
 * remembers the process that created it: a forked child inherits the table, and its exit
 * must not remove the parent's files. */
#define MAX_TEMPS 256
static char *volatile temps[MAX_TEMPS];
static volatile pid_t temp_pids[MAX_TEMPS];
static int handlers_installed;

static void remove_temps(void)
{
	pid_t self = getpid();
	for (int i = 0; i < MAX_TEMPS; i++)
		if (temps[i] && temp_pids[i] == self)
			unlink(temps[i]);
}

static void on_signal(int sig)
{
	remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

void dl_io_install_signal_handlers(void)
{
	if (handlers_installed)
		return;
	handlers_installed = 1;
	int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		struct sigaction old;
		/* Respect an inherited "ignore" (nohup). */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	dl_set_die_hook(remove_temps);
	/* An exit that is not dl_die (EPIPE on stdout, an output never closed) too. */
	atexit(remove_temps);
}

static int temp_register(char *path)
{
	for (int i = 0; i < MAX_TEMPS; i++)
		if (!temps[i]) {
			temp_pids[i] = getpid();
			temps[i] = path;
			return i;
		}
	dl_die("too many output files open at once (%d)", MAX_TEMPS);
}

struct dl_out {
	char *name;             /* target path, or "(stdout)" */
	char *tmp;              /* temporary path, NULL when writing in place */
	int slot;               /* index in temps[] */
	int fd, own_fd;
	enum dl_compress comp;
	z_stream z;
	uint8_t *buf;           /* bytes waiting to be compressed or written */
	size_t len;
	uint8_t *zout;
	uint64_t offset;
};

static void write_all(dl_out *out, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(out->fd, p, n > SSIZE_MAX ? SSIZE_MAX : n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE && !out->own_fd)
				exit(DL_EXIT_FAIL);
			dl_die_errno("%s: write error", out->name);
		}
		p += w;
		n -= (size_t)w;
	}
}

static void deflate_some(dl_out *out, int flush)
{
	out->z.next_in = out->buf;
	out->z.avail_in = (uInt)out->len;
	for (;;) {
		out->z.next_out = out->zout;
		out->z.avail_out = OUT_CHUNK;
		int rc = deflate(&out->z, flush);
		if (rc == Z_STREAM_ERROR)
			dl_die("%s: compression failed", out->name);
		write_all(out, out->zout, OUT_CHUNK - out->z.avail_out);
		if (flush == Z_FINISH ? rc == Z_STREAM_END : out->z.avail_out != 0)
			break;
	}
	out->len = 0;
}

static void flush_buf(dl_out *out)
{
	if (out->comp != DL_COMPRESS_NONE)
		deflate_some(out, Z_NO_FLUSH);
	else {
		write_all(out, out->buf, out->len);
		out->len = 0;
	}
}

dl_out *dl_out_open(const char *path, enum dl_compress c)
{
	dl_out *out = dl_calloc(1, sizeof *out);
	out->slot = -1;
	out->comp = c;
	if (!path || !strcmp(path, "-")) {
		out->name = dl_strdup("(stdout)");
		fflush(stdout);
		out->fd = STDOUT_FILENO;
	} else {
		struct stat st;
		int exists = stat(path, &st) == 0;
		out->name = dl_strdup(path);
		if (exists && !S_ISREG(st.st_mode)) {
			if (S_ISDIR(st.st_mode))
				dl_die("%s: is a directory", path);
			out->fd = open(path, O_WRONLY | O_CLOEXEC);
			if (out->fd < 0)
				dl_die_errno("%s: cannot open for writing", path);
		} else {
			dl_io_install_signal_handlers();
			size_t n = strlen(path);
			const char *slash = strrchr(path, '/');
			size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
			out->tmp = dl_malloc(n + 16);
			snprintf(out->tmp, n + 16, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
			/* Block signals while the name is created and registered. */
			sigset_t all, old;
			sigfillset(&all);
			sigprocmask(SIG_BLOCK, &all, &old);
			out->fd = mkostemp(out->tmp, O_CLOEXEC);
			if (out->fd >= 0)
				out->slot = temp_register(out->tmp);
			int err = errno;
			sigprocmask(SIG_SETMASK, &old, NULL);
			if (out->fd < 0) {
				errno = err;
				dl_die_errno("%s: cannot create output", path);
			}
			/* The permissions writing in place would give: the old file's when
			 * replacing one, else 0666 less the umask (mkostemp made it 0600). */
			mode_t mode;
			if (exists) {
				mode = st.st_mode & 0777;
			} else {
				mode_t um = umask(0);
				umask(um);
				mode = 0666 & ~um;
			}
			fchmod(out->fd, mode);
		}
		out->own_fd = 1;
	}
	out->buf = dl_malloc(OUT_CHUNK);
	if (c != DL_COMPRESS_NONE) {
		out->zout = dl_malloc(OUT_CHUNK);
		int wbits = c == DL_COMPRESS_GZIP ? 15 + 16 : 15;
		if (deflateInit2(&out->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, wbits, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			dl_die("%s: cannot initialise zlib", out->name);
	}
	return out;
}

const char *dl_out_name(const dl_out *out) { return out->name; }
uint64_t dl_out_offset(const dl_out *out) { return out->offset; }

void dl_out_write(dl_out *out, const void *p, size_t n)
{
	out->offset += n;
	if (n >= OUT_CHUNK && out->comp == DL_COMPRESS_NONE) {
		flush_buf(out);
		write_all(out, p, n);
		return;
	}
	while (n) {
		size_t k = OUT_CHUNK - out->len;
		if (k > n)
			k = n;
		memcpy(out->buf + out->len, p, k);
		out->len += k;
		p = (const uint8_t *)p + k;
		n -= k;
		if (out->len == OUT_CHUNK)
			flush_buf(out);
	}
}

void dl_out_putc(dl_out *out, int c)
{
	if (out->len == OUT_CHUNK)
		flush_buf(out);
	out->buf[out->len++] = (uint8_t)c;
	out->offset++;
}

void dl_out_puts(dl_out *out, const char *s)
{
	dl_out_write(out, s, strlen(s));
}

void dl_out_printf(dl_out *out, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		dl_die("formatting error");
	if ((size_t)n < sizeof small) {
		dl_out_write(out, small, (size_t)n);
		return;
	}
	char *big = dl_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	dl_out_write(out, big, (size_t)n);
	free(big);
}

static void out_free(dl_out *out)
{
	if (out->comp != DL_COMPRESS_NONE)
		deflateEnd(&out->z);
	free(out->zout);
	free(out->buf);
	free(out->name);
	free(out->tmp);
	free(out);
}

static void temp_forget(dl_out *out)
{
	if (out->slot >= 0)
		temps[out->slot] = NULL;
	out->slot = -1;
}

void dl_out_close(dl_out *out)
{
	if (!out)
		return;
	if (out->comp != DL_COMPRESS_NONE)
		deflate_some(out, Z_FINISH);
	else
		flush_buf(out);
	if (out->own_fd) {
		if (close(out->fd) != 0)
			dl_die_errno("%s: close failed", out->name);
		if (out->tmp) {
			if (rename(out->tmp, out->name) != 0)
				dl_die_errno("%s: cannot rename %s into place", out->name, out->tmp);
			temp_forget(out);
		}
	}
	out_free(out);
}

void dl_out_abort(dl_out *out)
{
	if (!out)
		return;
	if (out->own_fd) {
		close(out->fd);
		if (out->tmp) {
			unlink(out->tmp);
			temp_forget(out);
		}
	}
	out_free(out);
}

void dl_stdout_check(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			_exit(DL_EXIT_FAIL);
		fprintf(stderr, "%s: write error on standard output: %s\n", dl_progname(),
			strerror(errno));
		remove_temps();
		_exit(DL_EXIT_FAIL);
	}
}
