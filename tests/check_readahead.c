/*
 * check_readahead.c — dl_in with read-ahead against dl_in without it.
 *
 * Each stream is read from several sources: memory (never read ahead, the reference), a file
 * without and with read-ahead, and pipes without and with it, fed by a forked writer in
 * pieces of random size. The same seeded sequence of peeks, skips, reads and getlines runs on
 * each source and writes a transcript of what it saw (counts, offsets, line numbers, a hash
 * of the bytes, the error message); the transcripts must be equal, and where the stream is
 * whole the bytes must also equal the data. Sizes sit around DL_IN_READAHEAD_CHUNK, so that
 * tails cross chunk boundaries and peeks span several chunks. Compressed streams are made,
 * cut short and damaged here with zlib. Other tests stop readers early (a pipe whose writer
 * goes quiet without closing included) and count the threads in /proc/self/task.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/io.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define CH DL_IN_READAHEAD_CHUNK
#define RING (DL_IN_READAHEAD_CHUNKS * CH)   /* what the thread reads ahead at most */

/* ================================================================== helpers */

/* splitmix64, so that the data and the operations depend on nothing else. */
static uint64_t gen(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t fnv(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* n bytes of lines short and long (a few longer than a chunk), CRLF and empty lines, and
 * runs of binary bytes. */
static uint8_t *make_stream(size_t n, uint64_t seed)
{
	uint8_t *p = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(p);
	size_t i = 0;
	while (i < n) {
		uint64_t r = gen(&seed);
		size_t len;
		int binary = 0;
		switch (r % 16) {
		case 0: len = 1000 + (r >> 8) % 300000; break;
		case 1: binary = 1; len = (r >> 8) % 65536; break;
		case 2: len = (r >> 32) % 64 == 0 ? CH / 2 + (r >> 8) % (CH + 1) : 1; break;
		default: len = (r >> 8) % 120; break;
		}
		if (len > n - i)
			len = n - i;
		for (size_t j = 0; j < len; j += 8) {
			uint64_t w = gen(&seed);
			for (size_t k = j; k < len && k < j + 8; k++, w >>= 8)
				p[i + k] = binary ? (uint8_t)w : (uint8_t)('a' + (w & 0xff) % 26);
		}
		i += len;
		if (i < n && !binary)
			p[i++] = (r >> 40) % 8 ? '\n' : '\r';
	}
	return p;
}

/* zlib's deflate, wbits 15 (zlib) or 31 (gzip). */
static uint8_t *zcompress(const uint8_t *p, size_t n, int wbits, size_t *zn)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, n) + 64;
	uint8_t *out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	z.next_in = (uint8_t *)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*zn = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

static char tdir[64];

/* A path in the temporary directory; the last 8 stay valid. */
static const char *tpath(const char *name)
{
	static char paths[8][256];
	static int next;
	char *path = paths[next++ % 8];
	snprintf(path, sizeof paths[0], "%s/%s", tdir, name);
	return path;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

/* The threads of this process; a sanitizer may keep one of its own, started with the first
 * thread of ours (see baseline_tasks). */
static int count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The threads when no reader runs, after one has run once. */
static int baseline_tasks(void)
{
	const char *path = tpath("warm-up");
	write_file(path, "x", 1);
	dl_err e = {{0}};
	dl_in *in = dl_in_open(path, 0, &e);
	dl_in_set_readahead(in, 1);
	size_t avail;
	ck_assert_ptr_nonnull(dl_in_peek(in, 2, &avail, &e));
	ck_assert_uint_eq(avail, 1);
	dl_in_close(in);
	return count_tasks();
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

enum { W_CLOSE, W_HOLD, W_AGAIN };

/* Forks a writer of raw[0, n) into a pipe, in pieces of random size, a few after a pause;
 * then it closes (W_CLOSE), waits without closing until killed (W_HOLD), or writes the
 * bytes again and again (W_AGAIN). Returns the read end. */
static int pipe_writer(const uint8_t *raw, size_t n, uint64_t seed, int mode, pid_t *pid)
{
	int pfd[2];
	ck_assert_int_eq(pipe(pfd), 0);
	*pid = fork();
	ck_assert_int_ge(*pid, 0);
	if (*pid == 0) {
		close(pfd[0]);
		for (size_t i = 0, piece = 0;; piece++) {
			if (i == n && mode != W_AGAIN)
				break;
			if (i == n)
				i = 0;
			size_t k = 1 + gen(&seed) % 200000;
			if (k > n - i)
				k = n - i;
			ssize_t w = write(pfd[1], raw + i, k);
			if (w <= 0)
				_exit(1);
			i += (size_t)w;
			if (piece < 4 || piece % 64 == 0)
				usleep(500);
		}
		while (mode == W_HOLD)
			pause();
		_exit(0);
	}
	close(pfd[1]);
	return pfd[0];
}

/* Opens a pipe fed by a writer as a path, as a user's /dev/fd/N would. */
static dl_in *open_fd_path(int fd, unsigned flags)
{
	char dev[32];
	snprintf(dev, sizeof dev, "/dev/fd/%d", fd);
	dl_err e = {{0}};
	dl_in *in = dl_in_open(dev, flags, &e);
	ck_assert_msg(in != NULL, "%s", e.msg);
	close(fd);
	return in;
}

static void reap(pid_t pid)
{
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
}

/* ================================================================== the differential runner */

/* Runs the operations of seed on in up to the end of the stream or an error, and returns
 * the transcript. When ref is not NULL the stream is ref[0, refn) and every byte seen is
 * checked against it. */
static char *run_ops(dl_in *in, uint64_t seed, const uint8_t *ref, size_t refn)
{
	dl_buf t = {0};
	const char *name = dl_in_name(in);
	size_t nlen = strlen(name);
	uint8_t *scratch = malloc(100000);
	ck_assert_ptr_nonnull(scratch);
	dl_err e = {{0}};
	int end = 0, err = 0;
	for (int op = 0; op < 5000 && !end && !err; op++) {
		uint64_t r = gen(&seed), off = dl_in_offset(in);
		unsigned kind = r % 100;
		size_t n, avail;
		if (kind < 48) {
			if (kind < 30)
				n = (r >> 8) % 65;
			else if (kind < 45)
				n = (r >> 8) % (256 << 10);
			else if (kind < 47 || (r >> 40) % 8)
				n = CH / 2 + (r >> 8) % (2 * CH);
			else
				n = (size_t)1 << 40;
			const uint8_t *p = dl_in_peek(in, n, &avail, &e);
			if (!p) {
				err = 1;
				break;
			}
			dl_buf_printf(&t, "peek %zu: %zu %016llx\n", n, avail,
				      (unsigned long long)fnv(p, avail));
			if (ref) {
				ck_assert_uint_eq(avail, n < refn - off ? n : refn - off);
				ck_assert(memcmp(p, ref + off, avail) == 0);
			}
			end = n && !avail;
			size_t k = (r >> 16) % (avail + 1);
			dl_in_skip(in, k);
			dl_buf_printf(&t, "skip %zu\n", k);
		} else if (kind < 63) {
			n = (r >> 8) % 100000;
			ptrdiff_t got = dl_in_read(in, scratch, n, &e);
			if (got < 0) {
				err = 1;
				break;
			}
			dl_buf_printf(&t, "read %zu: %td %016llx\n", n, got,
				      (unsigned long long)fnv(scratch, (size_t)got));
			if (ref) {
				ck_assert_uint_eq((size_t)got, n < refn - off ? n : refn - off);
				ck_assert(memcmp(scratch, ref + off, (size_t)got) == 0);
			}
			end = n && !got;
		} else {
			char *line;
			ptrdiff_t len = dl_in_getline(in, &line, &e);
			if (len < 0) {
				err = 1;
				break;
			}
			dl_buf_printf(&t, "line %td %s %016llx\n", len, line ? "+" : "-",
				      line ? (unsigned long long)fnv(line, (size_t)len) : 0ull);
			if (ref && line) {
				ck_assert(memcmp(line, ref + off, (size_t)len) == 0);
				ck_assert_int_eq(line[len], '\0');
				ck_assert(memchr(ref + off, '\n', (size_t)len) == NULL);
				ck_assert(off + (size_t)len == refn || ref[off + (size_t)len] == '\n');
			}
			end = !line;
		}
		dl_buf_printf(&t, "  at %llu line %llu\n", (unsigned long long)dl_in_offset(in),
			      (unsigned long long)dl_in_lineno(in));
	}
	if (!err) {
		size_t len;
		uint8_t *rest = dl_in_slurp(in, &len, &e);
		if (!rest) {
			err = 1;
		} else {
			dl_buf_printf(&t, "slurp %zu %016llx\n", len, (unsigned long long)fnv(rest, len));
			free(rest);
		}
	}
	if (err) {
		const char *m = e.msg;
		if (!strncmp(m, name, nlen))
			m += nlen;
		dl_buf_printf(&t, "error at %llu: NAME%s\n", (unsigned long long)dl_in_offset(in), m);
	} else if (ref) {
		ck_assert_uint_eq(dl_in_offset(in), refn);
	}
	dl_buf_printf(&t, "end at %llu line %llu\n", (unsigned long long)dl_in_offset(in),
		      (unsigned long long)dl_in_lineno(in));
	free(scratch);
	dl_buf_putc(&t, '\0');
	return (char *)t.data;
}

/* Asserts two transcripts are equal, showing where they part. */
static void same_transcript(const char *want, const char *got, const char *what)
{
	if (!strcmp(want, got))
		return;
	size_t i = 0, line = 1;
	while (want[i] == got[i]) {
		line += want[i] == '\n';
		i++;
	}
	while (i > 0 && want[i - 1] != '\n')
		i--;
	ck_abort_msg("%s: transcripts differ at line %zu:\n  want %.100s\n  got  %.100s", what,
		     line, want + i, got + i);
}

enum { SRC_FILE, SRC_FILE_RA, SRC_PIPE, SRC_PIPE_RA, SRC_N };
static const char *const src_names[] = {"file", "file+readahead", "pipe", "pipe+readahead"};

/* Reads raw (what a file would hold) through every source with the operations of each seed,
 * and compares with memory. ref: the uncompressed stream when it is whole, else NULL.
 * Returns the transcript of the first seed (to be freed). */
static char *differential(const uint8_t *raw, size_t rawn, unsigned flags, const uint8_t *ref,
			  size_t refn, const uint64_t *seeds, int nseeds, int pipes)
{
	const char *path = tpath("stream");
	write_file(path, raw, rawn);
	char *first = NULL;
	for (int s = 0; s < nseeds; s++) {
		dl_in *in = dl_in_open_mem(raw, rawn, path, flags);
		dl_in_set_readahead(in, 1);     /* no effect on memory */
		char *want = run_ops(in, seeds[s], ref, refn);
		dl_in_close(in);
		for (int k = 0; k < SRC_N; k++) {
			pid_t pid = -1;
			if (k == SRC_PIPE || k == SRC_PIPE_RA) {
				if (!pipes)
					continue;
				in = open_fd_path(pipe_writer(raw, rawn, seeds[s] ^ 77, W_CLOSE, &pid), flags);
			} else {
				dl_err e = {{0}};
				in = dl_in_open(path, flags, &e);
				ck_assert_msg(in != NULL, "%s", e.msg);
			}
			dl_in_set_readahead(in, k == SRC_FILE_RA || k == SRC_PIPE_RA);
			char *got = run_ops(in, seeds[s], ref, refn);
			dl_in_close(in);
			if (pid > 0)
				reap(pid);
			char what[64];
			snprintf(what, sizeof what, "%s, seed %d", src_names[k], s);
			same_transcript(want, got, what);
			free(got);
		}
		if (s == 0)
			first = want;
		else
			free(want);
	}
	return first;
}

/* ================================================================== tests */

START_TEST(test_plain_sizes)
{
	static const size_t sizes[] = {0, 1, 2, 12, 4095, CH - 1, CH, CH + 1, 2 * CH - 1, 2 * CH,
				       2 * CH + 1, 3 * CH + CH / 2 + 7};
	static const uint64_t seeds[] = {1, 2};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		size_t n = sizes[i];
		uint8_t *data = make_stream(n, 100 + i);
		char *t = differential(data, n, 0, data, n, seeds, 2, i % 3 == 0 || n > 3 * CH);
		free(t);
		/* Whole-stream reads: slurp, and dl_in_read in steps that miss the chunk size. */
		const char *path = tpath("stream");
		for (int ra = 0; ra < 2; ra++) {
			dl_err e = {{0}};
			dl_in *in = dl_in_open(path, 0, &e);
			dl_in_set_readahead(in, ra);
			size_t len;
			uint8_t *got = dl_in_slurp(in, &len, &e);
			ck_assert_ptr_nonnull(got);
			ck_assert_uint_eq(len, n);
			ck_assert(memcmp(got, data, n) == 0);
			ck_assert_uint_eq(dl_in_offset(in), n);
			dl_in_close(in);
			in = dl_in_open(path, 0, &e);
			dl_in_set_readahead(in, ra);
			size_t done = 0, step = ra ? CH - 1 : 4097;
			for (;;) {
				ptrdiff_t r = dl_in_read(in, got + done, step < n - done ? step : n - done + 1, &e);
				ck_assert_int_ge(r, 0);
				if (!r)
					break;
				ck_assert(memcmp(got + done, data + done, (size_t)r) == 0);
				done += (size_t)r;
			}
			ck_assert_uint_eq(done, n);
			dl_in_close(in);
			free(got);
		}
		free(data);
	}
}
END_TEST

START_TEST(test_compressed)
{
	static const uint64_t seeds[] = {11, 12, 13};
	size_t n = 4 * CH + 12345, zn;
	uint8_t *data = make_stream(n, 5);
	/* gzip, and zlib as TensorFlow's ZLIB option writes it. */
	uint8_t *z = zcompress(data, n, 31, &zn);
	free(differential(z, zn, 0, data, n, seeds, 3, 1));
	free(z);
	z = zcompress(data, n, 15, &zn);
	free(differential(z, zn, DL_IN_ZLIB, data, n, seeds, 2, 1));
	free(z);
	/* Three gzip members, as gzip -c a b c > abc makes, one of them empty. */
	size_t cut = n / 3, z1, z2, z3;
	uint8_t *a = zcompress(data, cut, 31, &z1);
	uint8_t *b = zcompress(data, 0, 31, &z2);
	uint8_t *c = zcompress(data + cut, n - cut, 31, &z3);
	dl_buf all = {0};
	dl_buf_append(&all, a, z1);
	dl_buf_append(&all, b, z2);
	dl_buf_append(&all, c, z3);
	free(differential(all.data, all.len, 0, data, n, seeds, 2, 1));
	dl_buf_free(&all);
	free(a);
	free(b);
	free(c);
	/* Plain data that starts like gzip is inflated (and fails) the same way. */
	data[0] = 0x1f;
	data[1] = 0x8b;
	char *t = differential(data, CH + 5, 0, NULL, 0, seeds, 1, 0);
	ck_assert_ptr_nonnull(strstr(t, "corrupt gzip stream"));
	free(t);
	free(data);
}
END_TEST

/* The transcripts of a damaged stream: equal everywhere, ending in an error that says what. */
static void damaged(const uint8_t *raw, size_t rawn, unsigned flags, const char *what, int pipes)
{
	static const uint64_t seeds[] = {21, 22};
	char *t = differential(raw, rawn, flags, NULL, 0, seeds, 2, pipes);
	ck_assert_msg(strstr(t, what) != NULL, "no '%s' in the transcript's end: %s", what,
		      t + (strlen(t) > 200 ? strlen(t) - 200 : 0));
	free(t);
}

START_TEST(test_truncated)
{
	size_t n = 2 * CH + CH / 3, zn;
	uint8_t *data = make_stream(n, 9);
	uint8_t *z = zcompress(data, n, 31, &zn);
	size_t cuts[] = {10, 20, zn / 3, zn / 2, zn - 8, zn - 4, zn - 1};
	for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++)
		damaged(z, cuts[i], 0, "gzip stream is truncated (after ", i == 3);
	/* The whole stream, then a second member cut short. */
	dl_buf b = {0};
	dl_buf_append(&b, z, zn);
	dl_buf_append(&b, z, zn / 2);
	damaged(b.data, b.len, 0, "gzip stream is truncated (after ", 0);
	dl_buf_free(&b);
	free(z);
	z = zcompress(data, n, 15, &zn);
	damaged(z, zn - 2, DL_IN_ZLIB, "zlib stream is truncated (after ", 1);
	damaged(z, zn / 2, DL_IN_ZLIB, "zlib stream is truncated (after ", 0);
	free(z);
	free(data);
}
END_TEST

START_TEST(test_corrupt)
{
	size_t n = 2 * CH + CH / 3, zn;
	uint8_t *data = make_stream(n, 10);
	uint8_t *z = zcompress(data, n, 31, &zn);
	/* Damage in the deflate data (early, middle, late), the CRC and the length. */
	size_t at[] = {40, zn / 4, zn / 2, 3 * zn / 4, zn - 6, zn - 2};
	for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
		z[at[i]] ^= 0x55;
		damaged(z, zn, 0, "corrupt gzip stream: ", i == 2);
		z[at[i]] ^= 0x55;
	}
	/* Junk after a whole member. */
	dl_buf b = {0};
	dl_buf_append(&b, z, zn);
	dl_buf_puts(&b, "not a gzip member at all");
	damaged(b.data, b.len, 0, "corrupt gzip stream: ", 1);
	dl_buf_free(&b);
	free(z);
	z = zcompress(data, n, 15, &zn);
	z[zn / 2] ^= 0x55;
	damaged(z, zn, DL_IN_ZLIB, "corrupt zlib stream: ", 1);
	free(z);
	free(data);
}
END_TEST

/* What zlib makes of a damaged stream in one go: the bytes before the error; *pn set. */
static uint8_t *inflate_prefix(const uint8_t *z, size_t zn, int wbits, size_t cap, size_t *pn)
{
	z_stream s;
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(inflateInit2(&s, wbits), Z_OK);
	uint8_t *out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	s.next_in = (uint8_t *)z;
	s.avail_in = (uInt)zn;
	s.next_out = out;
	s.avail_out = (uInt)cap;
	int rc = inflate(&s, Z_NO_FLUSH);
	ck_assert_int_ne(rc, Z_STREAM_END);
	*pn = s.total_out;
	inflateEnd(&s);
	return out;
}

/* Every byte before an error comes through before it, whoever reads and however: in steps of
 * dl_in_read, the offset at the error is the whole prefix; line by line, every line that ends
 * in the prefix is returned and the error comes at the start of the unfinished one. */
static void check_prefix(const uint8_t *z, size_t zn, unsigned flags, int wbits, size_t n)
{
	size_t pn;
	uint8_t *prefix = inflate_prefix(z, zn, wbits, n + 1, &pn);
	size_t last_nl = 0;
	for (size_t i = 0; i < pn; i++)
		if (prefix[i] == '\n')
			last_nl = i + 1;
	const char *path = tpath("damaged");
	write_file(path, z, zn);
	uint8_t *got = malloc(n + 1000);
	ck_assert_ptr_nonnull(got);
	for (int k = -1; k < SRC_N; k++) {
		for (int lines = 0; lines < 2; lines++) {
			dl_err e = {{0}};
			pid_t pid = -1;
			dl_in *in;
			if (k < 0)
				in = dl_in_open_mem(z, zn, path, flags);
			else if (k == SRC_PIPE || k == SRC_PIPE_RA)
				in = open_fd_path(pipe_writer(z, zn, 5, W_CLOSE, &pid), flags);
			else
				in = dl_in_open(path, flags, &e);
			dl_in_set_readahead(in, k == SRC_FILE_RA || k == SRC_PIPE_RA);
			if (lines) {
				char *line;
				ptrdiff_t r;
				uint64_t off = 0;
				while ((r = dl_in_getline(in, &line, &e)) >= 0) {
					ck_assert_ptr_nonnull(line);
					ck_assert(memcmp(line, prefix + off, (size_t)r) == 0);
					off += (uint64_t)r + 1;
				}
				ck_assert_uint_eq(dl_in_offset(in), last_nl);
			} else {
				size_t done = 0;
				ptrdiff_t r;
				while ((r = dl_in_read(in, got + done, 1000, &e)) == 1000)
					done += 1000;
				ck_assert_int_eq(r, -1);
				ck_assert_uint_eq(dl_in_offset(in), pn);
				ck_assert(memcmp(got, prefix, pn) == 0);
			}
			dl_in_close(in);
			if (pid > 0)
				reap(pid);
		}
	}
	free(got);
	free(prefix);
}

START_TEST(test_error_prefix)
{
	size_t n = 3 * CH + 5, zn;
	uint8_t *data = make_stream(n, 13);
	uint8_t *z = zcompress(data, n, 31, &zn);
	size_t cuts[] = {30, zn / 5, zn / 2, zn - 5};
	for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++)
		check_prefix(z, cuts[i], 0, 31, n);
	size_t at[] = {zn / 3, 2 * zn / 3, zn - 6};
	for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
		z[at[i]] ^= 0x24;
		check_prefix(z, zn, 0, 31, n);
		z[at[i]] ^= 0x24;
	}
	free(z);
	z = zcompress(data, n, 15, &zn);
	check_prefix(z, zn - 3, DL_IN_ZLIB, 15, n);
	z[zn / 2] ^= 0x24;
	check_prefix(z, zn, DL_IN_ZLIB, 15, n);
	free(z);
	free(data);
}
END_TEST

/* A source that fails in the middle: /proc/self/mem read across the end of a mapping gives
 * the bytes up to it, then EIO. */
START_TEST(test_read_error)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t n = CH + CH / 2 + (size_t)page;    /* a whole number of pages */
	n -= n % (size_t)page;
	uint8_t *m = mmap(NULL, n + (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(m != MAP_FAILED);
	ck_assert_int_eq(munmap(m + n, (size_t)page), 0);
	uint8_t *data = make_stream(n, 3);
	memcpy(m, data, n);
	int fd = open("/proc/self/mem", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	int saved = dup(STDIN_FILENO);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	char *want = NULL;
	for (int ra = 0; ra < 2; ra++) {
		ck_assert(lseek(STDIN_FILENO, (off_t)(uintptr_t)m, SEEK_SET) != (off_t)-1);
		dl_err e = {{0}};
		dl_in *in = dl_in_open("-", 0, &e);
		dl_in_set_readahead(in, ra);
		char *t = run_ops(in, 31, NULL, 0);
		dl_in_close(in);
		ck_assert_msg(strstr(t, "error at ") && strstr(t, ": read error: "), "%s", t);
		if (!ra) {
			want = t;
		} else {
			same_transcript(want, t, "stdin+readahead");
			free(t);
		}
	}
	/* Read in steps, everything before the hole comes through first, then the error. */
	uint8_t *got = malloc(n + 1000);
	ck_assert_ptr_nonnull(got);
	for (int ra = 0; ra < 2; ra++) {
		ck_assert(lseek(STDIN_FILENO, (off_t)(uintptr_t)m, SEEK_SET) != (off_t)-1);
		dl_err e = {{0}};
		dl_in *in = dl_in_open("-", 0, &e);
		dl_in_set_readahead(in, ra);
		size_t done = 0;
		ptrdiff_t r;
		while ((r = dl_in_read(in, got + done, 1000, &e)) == 1000)
			done += 1000;
		ck_assert_int_eq(r, -1);
		ck_assert_uint_eq(dl_in_offset(in), n);
		ck_assert(memcmp(got, data, n) == 0);
		ck_assert_str_eq(e.msg, "(stdin): read error: Input/output error");
		dl_in_close(in);
	}
	free(got);
	free(want);
	dup2(saved, STDIN_FILENO);
	close(saved);
	close(fd);
	munmap(m, n);
	free(data);
}
END_TEST

START_TEST(test_early_close)
{
	size_t n = 6 * CH + 3, zn;
	uint8_t *data = make_stream(n, 4);
	const char *path = tpath("big");
	write_file(path, data, n);
	uint8_t *z = zcompress(data, n, 31, &zn);
	const char *zpath = tpath("big.gz");
	write_file(zpath, z, zn);
	int tasks = baseline_tasks();
	/* Closed at once, after one byte, after a few chunks, after a long peek; plain and gzip. */
	for (int gz = 0; gz < 2; gz++)
		for (size_t stop = 0; stop < 4; stop++) {
			dl_err e = {{0}};
			dl_in *in = dl_in_open(gz ? zpath : path, 0, &e);
			dl_in_set_readahead(in, 1);
			size_t want = stop == 0 ? 0 : stop == 1 ? 1 : stop == 2 ? 2 * CH + 17 : CH + CH / 2;
			size_t done = 0, avail;
			while (done < want) {
				const uint8_t *p = dl_in_peek(in, stop == 3 ? want : 1000, &avail, &e);
				ck_assert_ptr_nonnull(p);
				ck_assert(memcmp(p, data + done, avail) == 0);
				dl_in_skip(in, avail);
				done += avail;
			}
			dl_in_close(in);
			ck_assert_int_eq(count_tasks(), tasks);
		}
	/* A pipe whose writer goes quiet without closing: close does not wait for it. */
	pid_t pid;
	dl_in *in = open_fd_path(pipe_writer(data, CH / 2, 1, W_HOLD, &pid), 0);
	dl_in_set_readahead(in, 1);
	dl_err e = {{0}};
	size_t avail;
	const uint8_t *p = dl_in_peek(in, CH / 2, &avail, &e);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(avail, CH / 2);
	ck_assert(memcmp(p, data, avail) == 0);
	dl_in_skip(in, 10);
	ck_assert_int_eq(count_tasks(), tasks + 1);
	usleep(20000);          /* the thread is now waiting in poll */
	double t0 = now();
	dl_in_close(in);
	ck_assert_msg(now() - t0 < 2, "close waited %.1f s for a quiet pipe", now() - t0);
	ck_assert_int_eq(count_tasks(), tasks);
	kill(pid, SIGKILL);
	reap(pid);
	/* A pipe with much more to come, closed early: the writer sees the pipe closed. */
	in = open_fd_path(pipe_writer(data, n, 2, W_AGAIN, &pid), 0);
	dl_in_set_readahead(in, 1);
	char *line;
	for (int i = 0; i < 1000; i++)
		ck_assert_int_ge(dl_in_getline(in, &line, &e), 0);
	dl_in_close(in);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) || WEXITSTATUS(st) == 1);     /* it never ends by itself */
	free(z);
	free(data);
}
END_TEST

START_TEST(test_threads)
{
	/* Files larger than what the thread reads ahead, so that it is still there (waiting for
	 * room) when the threads are counted. */
	size_t n = RING + 2 * CH;
	uint8_t *data = make_stream(n, 6);
	const char *big = tpath("big"), *small = tpath("small");
	write_file(big, data, n);
	int tasks = baseline_tasks();
	dl_err e = {{0}};
	size_t avail;
	/* Off by default; no thread before the first read; one while reading. */
	dl_in *in = dl_in_open(big, 0, &e);
	ck_assert_ptr_nonnull(dl_in_peek(in, 1, &avail, &e));
	ck_assert_int_eq(count_tasks(), tasks);
	dl_in_close(in);
	in = dl_in_open(big, 0, &e);
	dl_in_set_readahead(in, 1);
	ck_assert_int_eq(count_tasks(), tasks);
	ck_assert_ptr_nonnull(dl_in_peek(in, 1, &avail, &e));
	ck_assert_int_eq(count_tasks(), tasks + 1);
	/* Too late to turn it off. */
	dl_in_set_readahead(in, 0);
	ck_assert_ptr_nonnull(dl_in_peek(in, CH + 1, &avail, &e));
	ck_assert_int_eq(count_tasks(), tasks + 1);
	dl_in_close(in);
	ck_assert_int_eq(count_tasks(), tasks);
	/* The default: on for a big file and for a pipe, not for memory, and not for a file that
	 * one read takes in whole when it is opened (this one grows before it is read); an
	 * input can still turn it off. */
	dl_in_readahead_default(1);
	in = dl_in_open(big, 0, &e);
	ck_assert_ptr_nonnull(dl_in_peek(in, 1, &avail, &e));
	ck_assert_int_eq(count_tasks(), tasks + 1);
	dl_in_close(in);
	write_file(small, data, 1 << 20);
	in = dl_in_open(small, 0, &e);
	write_file(small, data, n);
	ck_assert_ptr_nonnull(dl_in_peek(in, 1, &avail, &e));
	ck_assert_int_eq(count_tasks(), tasks);
	dl_in_close(in);
	in = dl_in_open(big, 0, &e);
	dl_in_set_readahead(in, 0);
	ck_assert_ptr_nonnull(dl_in_peek(in, 1, &avail, &e));
	ck_assert_int_eq(count_tasks(), tasks);
	dl_in_close(in);
	in = dl_in_open_mem(data, n, "m", 0);
	dl_in_set_readahead(in, 1);
	ck_assert_ptr_nonnull(dl_in_peek(in, 1, &avail, &e));
	ck_assert_int_eq(count_tasks(), tasks);
	dl_in_close(in);
	pid_t pid;
	in = open_fd_path(pipe_writer(data, 1000, 1, W_HOLD, &pid), 0);
	ck_assert_ptr_nonnull(dl_in_peek(in, 1000, &avail, &e));
	ck_assert_uint_eq(avail, 1000);
	ck_assert(memcmp(data, dl_in_peek(in, 1000, &avail, &e), 1000) == 0);
	ck_assert_int_eq(count_tasks(), tasks + 1);
	dl_in_close(in);
	kill(pid, SIGKILL);
	reap(pid);
	dl_in_readahead_default(0);
	in = dl_in_open(big, 0, &e);
	ck_assert_ptr_nonnull(dl_in_peek(in, 1, &avail, &e));
	ck_assert_int_eq(count_tasks(), tasks);
	dl_in_close(in);
	free(data);
}
END_TEST

START_TEST(test_stdin)
{
	size_t n = 2 * CH + 99;
	uint8_t *data = make_stream(n, 8);
	const char *path = tpath("stdin");
	write_file(path, data, n);
	int fd = open(path, O_RDONLY);
	int saved = dup(STDIN_FILENO);
	dup2(fd, STDIN_FILENO);
	static const uint64_t seeds[] = {41};
	char *want = NULL;
	for (int ra = 0; ra < 2; ra++) {
		lseek(STDIN_FILENO, 0, SEEK_SET);
		dl_err e = {{0}};
		dl_in *in = dl_in_open("-", 0, &e);
		dl_in_set_readahead(in, ra);
		ck_assert_str_eq(dl_in_name(in), "(stdin)");
		char *t = run_ops(in, seeds[0], data, n);
		dl_in_close(in);
		/* stdin stays open. */
		ck_assert_int_ne(fcntl(STDIN_FILENO, F_GETFD), -1);
		if (!ra) {
			want = t;
		} else {
			same_transcript(want, t, "stdin+readahead");
			free(t);
		}
	}
	free(want);
	/* gzip through a pipe on stdin, its first bytes one at a time. */
	size_t zn;
	uint8_t *z = zcompress(data, n, 31, &zn);
	pid_t pid;
	int pfd = pipe_writer(z, zn, 3, W_CLOSE, &pid);
	dup2(pfd, STDIN_FILENO);
	close(pfd);
	dl_err e = {{0}};
	dl_in *in = dl_in_open(NULL, 0, &e);
	dl_in_set_readahead(in, 1);
	char *t = run_ops(in, 42, data, n);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_GZIP);
	dl_in_close(in);
	reap(pid);
	free(t);
	dup2(saved, STDIN_FILENO);
	close(saved);
	close(fd);
	free(z);
	free(data);
}
END_TEST

static int plain_yes(const uint8_t *p, size_t n)
{
	(void)p;
	return n == DL_IN_PLAIN_CHECK_BYTES;
}

START_TEST(test_plain_check)
{
	/* Plain data that starts like gzip, recognised as plain by the format's check. */
	size_t n = CH + 777;
	uint8_t *data = make_stream(n, 12);
	data[0] = 0x1f;
	data[1] = 0x8b;
	const char *path = tpath("looks-gzip");
	write_file(path, data, n);
	for (int ra = 0; ra < 2; ra++) {
		dl_err e = {{0}};
		dl_in *in = dl_in_open(path, DL_IN_ZLIB, &e);
		dl_in_set_readahead(in, ra);
		dl_in_set_plain_check(in, plain_yes);
		char *t = run_ops(in, 51, data, n);
		ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_NONE);
		dl_in_close(in);
		free(t);
	}
	free(data);
}
END_TEST

/* ================================================================== main */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	snprintf(tdir, sizeof tdir, "/tmp/check_readahead.XXXXXX");
	if (!mkdtemp(tdir)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	Suite *s = suite_create("readahead");
	TCase *tc = tcase_create("readahead");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_plain_sizes);
	tcase_add_test(tc, test_compressed);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_corrupt);
	tcase_add_test(tc, test_error_prefix);
	tcase_add_test(tc, test_read_error);
	tcase_add_test(tc, test_early_close);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_stdin);
	tcase_add_test(tc, test_plain_check);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	nftw(tdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
