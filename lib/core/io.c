/*
 * io.c — dl_in (buffered, decompressing reader) and dl_out (atomic writer).
 *
 * The reader keeps one buffer of uncompressed bytes, [pos, end) unread. A peek that asks for
 * more than is buffered moves the unread tail to the front, grows the buffer if needed and
 * fills it from the source: read(2) for plain files, inflate for compressed ones.
 */
#include "config.h"
#include "io.h"
#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IN_CHUNK (1u << 20)   /* read size and initial buffer */
#define OUT_CHUNK (1u << 18)

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

struct dl_in {
	char *name;
	int fd;                 /* -1 for memory input */
	int own_fd;
	const uint8_t *mem;     /* memory source (raw, possibly compressed) */
	size_t mem_len, mem_pos;
	enum dl_compress comp;
	int detected, src_eof, z_done;
	unsigned flags;
	z_stream z;
	int z_init;
	int (*plain_check)(const uint8_t *p, size_t n);
	uint8_t *zbuf;          /* compressed input staging */
	size_t zbuf_len, zbuf_pos;
	uint8_t *buf;           /* uncompressed bytes */
	size_t cap, pos, end;
	uint64_t consumed;      /* offset of buf[pos] in the stream */
	uint64_t lineno;
	int eof;                /* no more uncompressed bytes */
};

static dl_in *in_new(const char *name, unsigned flags)
{
	dl_in *in = dl_calloc(1, sizeof *in);
	in->name = dl_strdup(name);
	in->flags = flags;
	in->fd = -1;
	return in;
}

dl_in *dl_in_open(const char *path, unsigned flags, dl_err *e)
{
	if (!path || !strcmp(path, "-")) {
		dl_in *in = in_new("(stdin)", flags);
		in->fd = STDIN_FILENO;
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
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	dl_in *in = in_new(path, flags);
	in->fd = fd;
	in->own_fd = 1;
	return in;
}

dl_in *dl_in_open_mem(const void *data, size_t len, const char *name, unsigned flags)
{
	dl_in *in = in_new(name ? name : "(memory)", flags);
	in->mem = data;
	in->mem_len = len;
	return in;
}

void dl_in_close(dl_in *in)
{
	if (!in)
		return;
	if (in->own_fd)
		close(in->fd);
	if (in->z_init)
		inflateEnd(&in->z);
	free(in->zbuf);
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

/* Reads raw (possibly compressed) bytes from the source into dst. */
static ptrdiff_t src_read(dl_in *in, uint8_t *dst, size_t n, dl_err *e)
{
	if (in->mem) {
		size_t k = in->mem_len - in->mem_pos;
		if (k > n)
			k = n;
		memcpy(dst, in->mem + in->mem_pos, k);
		in->mem_pos += k;
		return (ptrdiff_t)k;
	}
	for (;;) {
		ssize_t r = read(in->fd, dst, n > SSIZE_MAX ? SSIZE_MAX : n);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		return dl_errf(e, "%s: read error: %s", in->name, strerror(errno));
	}
}

/* Fills zbuf with raw bytes; returns bytes available, 0 at source EOF, -1 on error. */
static ptrdiff_t zbuf_fill(dl_in *in, dl_err *e)
{
	if (in->zbuf_pos < in->zbuf_len)
		return (ptrdiff_t)(in->zbuf_len - in->zbuf_pos);
	if (in->src_eof)
		return 0;
	ptrdiff_t r = src_read(in, in->zbuf, IN_CHUNK, e);
	if (r < 0)
		return -1;
	if (r == 0)
		in->src_eof = 1;
	in->zbuf_pos = 0;
	in->zbuf_len = (size_t)r;
	return r;
}

/* Looks at the first raw bytes and decides on the compression. */
static int detect(dl_in *in, dl_err *e)
{
	in->detected = 1;
	in->zbuf = dl_malloc(IN_CHUNK);
	/* Gather the first bytes (a pipe may deliver one at a time). */
	size_t need = in->plain_check ? DL_IN_PLAIN_CHECK_BYTES : 2;
	while (in->zbuf_len < need && !in->src_eof) {
		ptrdiff_t r = src_read(in, in->zbuf + in->zbuf_len, IN_CHUNK - in->zbuf_len, e);
		if (r < 0)
			return -1;
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
		return 0;
	memset(&in->z, 0, sizeof in->z);
	int wbits = in->comp == DL_COMPRESS_GZIP ? 15 + 16 : 15;
	if (inflateInit2(&in->z, wbits) != Z_OK)
		return dl_errf(e, "%s: cannot initialise zlib", in->name);
	in->z_init = 1;
	return 0;
}

/* Appends uncompressed bytes at buf[end..cap-1), keeping the last byte spare for
 * dl_in_getline's terminator. Returns bytes added (0 = EOF) or -1. */
static ptrdiff_t fill(dl_in *in, dl_err *e)
{
	size_t room = in->cap - in->end - 1;
	if (!in->detected && detect(in, e) < 0)
		return -1;
	if (in->comp == DL_COMPRESS_NONE) {
		/* Bytes staged during detection come first. */
		if (in->zbuf_pos < in->zbuf_len) {
			size_t k = in->zbuf_len - in->zbuf_pos;
			if (k > room)
				k = room;
			memcpy(in->buf + in->end, in->zbuf + in->zbuf_pos, k);
			in->zbuf_pos += k;
			in->end += k;
			return (ptrdiff_t)k;
		}
		if (in->src_eof)
			return 0;
		ptrdiff_t r = src_read(in, in->buf + in->end, room, e);
		if (r < 0)
			return -1;
		if (r == 0)
			in->src_eof = 1;
		in->end += (size_t)r;
		return r;
	}
	for (;;) {
		if (in->z_done)
			return 0;
		ptrdiff_t avail = zbuf_fill(in, e);
		if (avail < 0)
			return -1;
		if (avail == 0) {
			return dl_errf(e, "%s: %s stream is truncated (after %llu uncompressed bytes)",
				       in->name, in->comp == DL_COMPRESS_GZIP ? "gzip" : "zlib",
				       (unsigned long long)(in->consumed + in->end - in->pos));
		}
		in->z.next_in = in->zbuf + in->zbuf_pos;
		in->z.avail_in = (uInt)avail;
		in->z.next_out = in->buf + in->end;
		in->z.avail_out = (uInt)(room > UINT_MAX ? UINT_MAX : room);
		int rc = inflate(&in->z, Z_NO_FLUSH);
		size_t used = (size_t)avail - in->z.avail_in;
		size_t made = (room > UINT_MAX ? UINT_MAX : room) - in->z.avail_out;
		in->zbuf_pos += used;
		in->end += made;
		if (rc == Z_STREAM_END) {
			if (in->comp == DL_COMPRESS_GZIP) {
				/* Another gzip member may follow (as gzip -c a b > c makes). */
				ptrdiff_t more = zbuf_fill(in, e);
				if (more < 0)
					return -1;
				if (more == 0) {
					in->z_done = 1;
				} else {
					inflateReset(&in->z);
					in->z.total_in = in->z.total_out = 0;
				}
			} else {
				in->z_done = 1;
			}
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			return dl_errf(e, "%s: corrupt %s stream: %s", in->name,
				       in->comp == DL_COMPRESS_GZIP ? "gzip" : "zlib",
				       in->z.msg ? in->z.msg : "inflate failed");
		}
		if (made)
			return (ptrdiff_t)made;
		if (in->z_done)
			return 0;
	}
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
	in->buf = dl_reallocarray(in->buf, want, 1);
	in->cap = want;
	return 0;
}

const uint8_t *dl_in_peek(dl_in *in, size_t n, size_t *avail, dl_err *e)
{
	if (in->end - in->pos >= n || in->eof) {
		*avail = in->end - in->pos < n ? in->end - in->pos : n;
		return in->buf ? in->buf + in->pos : (const uint8_t *)"";
	}
	if (in->pos > 0) {
		memmove(in->buf, in->buf + in->pos, in->end - in->pos);
		in->end -= in->pos;
		in->pos = 0;
	}
	/* The buffer grows as bytes arrive, not to n at once: n may be a length read from
	 * damaged data (a record header claiming a terabyte) that the stream never delivers. */
	while (in->end < n) {
		if (in->end + 1 >= in->cap && grow(in, n, e) < 0)
			return NULL;
		ptrdiff_t r = fill(in, e);
		if (r < 0)
			return NULL;
		if (r == 0) {
			in->eof = 1;
			break;
		}
	}
	*avail = in->end < n ? in->end : n;
	return in->buf;
}

void dl_in_skip(dl_in *in, size_t n)
{
	if (n > in->end - in->pos)
		n = in->end - in->pos;
	in->pos += n;
	in->consumed += n;
}

ptrdiff_t dl_in_read(dl_in *in, void *buf, size_t n, dl_err *e)
{
	size_t done = 0;
	while (done < n) {
		size_t want = n - done > IN_CHUNK ? IN_CHUNK : n - done, avail;
		const uint8_t *p = dl_in_peek(in, want, &avail, e);
		if (!p)
			return -1;
		if (avail == 0)
			break;
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
			/* Last line without '\n': the buffer always has one spare byte. */
			in->buf[in->end] = '\0';
			*line = (char *)in->buf + in->pos;
			in->pos += have;
			in->consumed += have;
			in->lineno++;
			return (ptrdiff_t)have;
		}
		size_t avail;
		size_t want = have + (have < IN_CHUNK / 2 ? IN_CHUNK / 2 : have);
		if (!dl_in_peek(in, want, &avail, e))
			return -1;
	}
}

uint8_t *dl_in_slurp(dl_in *in, size_t *len, dl_err *e)
{
	dl_buf b = {0};
	for (;;) {
		size_t avail;
		const uint8_t *p = dl_in_peek(in, IN_CHUNK, &avail, e);
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
