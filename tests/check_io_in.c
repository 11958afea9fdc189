/*
 * check_io_in.c — unit tests for the input side of lib/core's io.c (dl_in): files, memory
 * and stdin, plain, gzip and zlib; reads, peeks and lines across buffer boundaries; gzip
 * detection and its plain-text check; the errors of truncated and damaged streams.
 *
 * Compressed inputs are made here with zlib, so the reader is never only tested against
 * the writer.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

/* ================================================================== helpers */

/* Compresses p[0..n) with zlib, for making test inputs. wbits: 15 zlib, 31 gzip; hdr, when
 * not NULL, the gzip header to write. */
static uint8_t *deflate_mem(const void *p, size_t n, int wbits, const gz_header *hdr, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
	if (hdr)
		ck_assert_int_eq(deflateSetHeader(&z, (gz_header *)hdr), Z_OK);
	size_t cap = deflateBound(&z, n) + 64;
	uint8_t *out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* ================================================================== io: input */

START_TEST(test_in_file)
{
	size_t n = (3 << 20) + 123;
	uint8_t *data = random_bytes(n, 1);
	data[0] = 'P';   /* not a gzip magic */
	const char *path = tpath("plain.bin");
	write_file(path, data, n);
	dl_err e = {{0}};
	dl_in *in = dl_in_open(path, DL_IN_ZLIB, &e);
	ck_assert_msg(in != NULL, "%s", e.msg);
	ck_assert_str_eq(dl_in_name(in), path);
	read_all_compare(in, data, n);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_NONE);
	dl_in_close(in);
	dl_in_close(NULL);
	free(data);
}
END_TEST

START_TEST(test_in_open_errors)
{
	dl_err e = {{0}};
	const char *missing = tpath("missing.txt");
	ck_assert_ptr_null(dl_in_open(missing, 0, &e));
	char want[600];
	snprintf(want, sizeof want, "%s: %s", missing, strerror(ENOENT));
	ck_assert_str_eq(e.msg, want);
	ck_assert_ptr_null(dl_in_open(tdir, 0, &e));
	snprintf(want, sizeof want, "%s: is a directory", tdir);
	ck_assert_str_eq(e.msg, want);
}
END_TEST

START_TEST(test_in_mem)
{
	static const char text[] = "alpha\nbeta";
	dl_in *in = dl_in_open_mem(text, sizeof text - 1, "text.mem", 0);
	ck_assert_str_eq(dl_in_name(in), "text.mem");
	read_all_compare(in, (const uint8_t *)text, sizeof text - 1);
	dl_in_close(in);
	in = dl_in_open_mem(text, sizeof text - 1, NULL, 0);
	ck_assert_str_eq(dl_in_name(in), "(memory)");
	dl_in_close(in);
	/* An empty input is at EOF at once. */
	in = dl_in_open_mem("", 0, "empty", DL_IN_ZLIB);
	size_t avail = 99;
	dl_err e = {{0}};
	ck_assert_ptr_nonnull(dl_in_peek(in, 10, &avail, &e));
	ck_assert_uint_eq(avail, 0);
	char *line = (char *)"x";
	ck_assert_int_eq(dl_in_getline(in, &line, &e), 0);
	ck_assert_ptr_null(line);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_NONE);
	dl_in_close(in);
}
END_TEST

/* Peeks and skips through in with peeks far larger than the default buffer. */
static void peek_walk(dl_in *in, const uint8_t *data, size_t n)
{
	static const size_t sizes[] = {1, 2, 4095, 1 << 20, (1 << 20) + 1, 3 << 20, 100, 5 << 20, 0};
	dl_err e = {{0}};
	size_t pos = 0;
	for (int k = 0;; k++) {
		size_t want = sizes[k % 9], avail = 12345;
		const uint8_t *p = dl_in_peek(in, want, &avail, &e);
		ck_assert_msg(p != NULL, "%s", e.msg);
		size_t expect = n - pos < want ? n - pos : want;
		ck_assert_uint_eq(avail, expect);
		ck_assert(memcmp(p, data + pos, avail) == 0);
		ck_assert_uint_eq(dl_in_offset(in), pos);
		if (want && !avail)
			break;
		/* A smaller peek sees the same bytes; nothing was consumed. */
		size_t avail2;
		const uint8_t *q = dl_in_peek(in, avail / 2, &avail2, &e);
		ck_assert_uint_eq(avail2, avail / 2);
		ck_assert(memcmp(q, data + pos, avail2) == 0);
		size_t skip = avail - avail / 3;
		dl_in_skip(in, skip);
		pos += skip;
	}
	ck_assert_uint_eq(pos, n);
	ck_assert_uint_eq(dl_in_offset(in), n);
}

START_TEST(test_in_peek_large)
{
	size_t n = (7 << 20) + 77;
	uint8_t *data = random_bytes(n, 2);
	data[0] = 'P';
	dl_in *in = dl_in_open_mem(data, n, "big", 0);
	peek_walk(in, data, n);
	dl_in_close(in);

	const char *path = tpath("big.bin");
	write_file(path, data, n);
	dl_err e = {{0}};
	in = dl_in_open(path, 0, &e);
	peek_walk(in, data, n);
	dl_in_close(in);

	/* Through inflate: peeks cross inflate's output boundaries. */
	size_t zn;
	uint8_t *z = deflate_mem(data, n, 31, NULL, &zn);
	in = dl_in_open_mem(z, zn, "big.gz", 0);
	peek_walk(in, data, n);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_GZIP);
	dl_in_close(in);
	free(z);
	free(data);
}
END_TEST

/* A peek larger than anything the stream holds (a length read from corrupt data) returns
 * what there is: it neither dies trying to allocate it nor loses data. */
static void huge_peeks(dl_in *in, const uint8_t *data, size_t n)
{
	dl_err e = {{0}};
	size_t avail;
	const uint8_t *p = dl_in_peek(in, 10, &avail, &e);
	ck_assert_uint_eq(avail, 10);
	p = dl_in_peek(in, (size_t)1 << 40, &avail, &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert_uint_eq(avail, n);
	ck_assert(memcmp(p, data, n) == 0);
	p = dl_in_peek(in, SIZE_MAX, &avail, &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert_uint_eq(avail, n);
	ck_assert(memcmp(p, data, n) == 0);
	dl_in_skip(in, n);
	ck_assert_uint_eq(dl_in_offset(in), n);
}

START_TEST(test_in_peek_huge)
{
	size_t n = (3 << 20) + 5;
	uint8_t *data = random_bytes(n, 3);
	data[0] = 'P';
	dl_in *in = dl_in_open_mem(data, n, "m", 0);
	huge_peeks(in, data, n);
	dl_in_close(in);
	/* A fresh reader too. */
	in = dl_in_open_mem(data, n, "m", 0);
	size_t avail;
	dl_err e = {{0}};
	ck_assert_ptr_nonnull(dl_in_peek(in, SIZE_MAX, &avail, &e));
	ck_assert_uint_eq(avail, n);
	dl_in_close(in);

	size_t zn;
	uint8_t *z = deflate_mem(data, n, 31, NULL, &zn);
	in = dl_in_open_mem(z, zn, "m.gz", 0);
	huge_peeks(in, data, n);
	dl_in_close(in);
	free(z);
	free(data);
}
END_TEST

/* Reads every line and checks it against the lines of want. */
static void getline_compare(dl_in *in, const char *want, size_t n)
{
	dl_err e = {{0}};
	size_t pos = 0;
	uint64_t lines = 0;
	for (;;) {
		char *line;
		ptrdiff_t len = dl_in_getline(in, &line, &e);
		if (len < 0)
			ck_abort_msg("%s", e.msg);
		if (len == 0 && !line)
			break;
		const char *nl = memchr(want + pos, '\n', n - pos);
		size_t wlen = nl ? (size_t)(nl - (want + pos)) : n - pos;
		FAST_ASSERT((size_t)len == wlen);
		FAST_ASSERT(memcmp(line, want + pos, wlen) == 0);
		FAST_ASSERT(line[len] == '\0');
		pos += wlen + (nl != NULL);
		FAST_ASSERT(dl_in_lineno(in) == ++lines);
		FAST_ASSERT(dl_in_offset(in) == pos);
	}
	ck_assert_uint_eq(pos, n);
	char *line;
	ck_assert_int_eq(dl_in_getline(in, &line, &e), 0);
	ck_assert_uint_eq(dl_in_lineno(in), lines);
}

START_TEST(test_getline_basic)
{
	static const char text[] = "a\nbb\r\n\n\n\r\nx\0y\nlast";
	dl_in *in = dl_in_open_mem(text, sizeof text - 1, "t", 0);
	dl_err e = {{0}};
	char *line;
	struct { const char *s; size_t len; } want[] = {
		{"a", 1}, {"bb\r", 3}, {"", 0}, {"", 0}, {"\r", 1}, {"x\0y", 3}, {"last", 4},
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		ptrdiff_t len = dl_in_getline(in, &line, &e);
		ck_assert_int_eq(len, (ptrdiff_t)want[i].len);
		ck_assert_ptr_nonnull(line);
		ck_assert(memcmp(line, want[i].s, want[i].len + 1) == 0);
		ck_assert_uint_eq(dl_in_lineno(in), i + 1);
	}
	ck_assert_uint_eq(dl_in_offset(in), sizeof text - 1);
	ck_assert_int_eq(dl_in_getline(in, &line, &e), 0);
	ck_assert_ptr_null(line);
	ck_assert_int_eq(dl_in_getline(in, &line, &e), 0);
	ck_assert_uint_eq(dl_in_lineno(in), 7);
	dl_in_close(in);

	/* A final '\n' ends the last line: no empty line after it. */
	in = dl_in_open_mem("x\n", 2, "t", 0);
	ck_assert_int_eq(dl_in_getline(in, &line, &e), 1);
	ck_assert_int_eq(dl_in_getline(in, &line, &e), 0);
	ck_assert_uint_eq(dl_in_lineno(in), 1);
	dl_in_close(in);
	in = dl_in_open_mem("\n", 1, "t", 0);
	ck_assert_int_eq(dl_in_getline(in, &line, &e), 0);
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(dl_in_getline(in, &line, &e), 0);
	ck_assert_ptr_null(line);
	dl_in_close(in);
}
END_TEST

START_TEST(test_getline_boundaries)
{
	/* One long line of each size, with and without '\n', around the reader's buffer sizes,
	 * from memory and from a file. */
	static const size_t sizes[] = {1, (1 << 19) - 1, 1 << 19, (1 << 19) + 1, (1 << 20) - 2,
				       (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (3 << 20) + 7};
	char *buf = malloc((4 << 20));
	memset(buf, 'x', 4 << 20);
	const char *path = tpath("line.txt");
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
		for (int nl = 0; nl < 2; nl++) {
			size_t n = sizes[i];
			buf[n - 1] = nl ? '\n' : 'x';
			dl_in *in = dl_in_open_mem(buf, n, "m", 0);
			getline_compare(in, buf, n);
			dl_in_close(in);
			write_file(path, buf, n);
			dl_err e = {{0}};
			in = dl_in_open(path, 0, &e);
			getline_compare(in, buf, n);
			dl_in_close(in);
			buf[n - 1] = 'x';
		}
	free(buf);
}
END_TEST

START_TEST(test_getline_many)
{
	/* Many short lines and a few very long ones: lines straddle every refill. */
	size_t n;
	char *text = text_lines(150000, &n);
	dl_buf b = {0};
	dl_buf_append(&b, text, n / 2);
	for (int i = 0; i < 3; i++) {
		char *big = malloc(1500000);
		memset(big, 'a' + i, 1500000);
		dl_buf_append(&b, big, 1500000);
		dl_buf_puts(&b, "\r\n");
		free(big);
	}
	dl_buf_append(&b, text + n / 2, n - n / 2);
	dl_buf_puts(&b, "no newline at the end");
	const char *path = tpath("many.txt");
	write_file(path, b.data, b.len);
	dl_err e = {{0}};
	dl_in *in = dl_in_open(path, 0, &e);
	getline_compare(in, (char *)b.data, b.len);
	dl_in_close(in);
	/* The same lines through gzip. */
	size_t zn;
	uint8_t *z = deflate_mem(b.data, b.len, 31, NULL, &zn);
	in = dl_in_open_mem(z, zn, "many.gz", 0);
	getline_compare(in, (char *)b.data, b.len);
	dl_in_close(in);
	free(z);
	dl_buf_free(&b);
	free(text);
}
END_TEST

START_TEST(test_in_stdin)
{
	const char *path = tpath("stdin.txt");
	write_file(path, "one\ntwo\n", 8);
	int fd = open(path, O_RDONLY);
	int saved = dup(STDIN_FILENO);
	dup2(fd, STDIN_FILENO);
	const char *names[] = {"-", NULL};
	for (int k = 0; k < 2; k++) {
		lseek(STDIN_FILENO, 0, SEEK_SET);
		dl_err e = {{0}};
		dl_in *in = dl_in_open(names[k], 0, &e);
		ck_assert_ptr_nonnull(in);
		ck_assert_str_eq(dl_in_name(in), "(stdin)");
		getline_compare(in, "one\ntwo\n", 8);
		dl_in_close(in);
		/* stdin stays open. */
		ck_assert_int_ne(fcntl(STDIN_FILENO, F_GETFD), -1);
	}
	dup2(saved, STDIN_FILENO);
	close(saved);
	close(fd);
}
END_TEST

static size_t check_calls, check_n;
static int plain_yes(const uint8_t *p, size_t n)
{
	(void)p;
	check_calls++;
	check_n = n;
	return 1;
}

static int plain_no(const uint8_t *p, size_t n)
{
	(void)p;
	check_calls++;
	check_n = n;
	return 0;
}

START_TEST(test_in_stdin_pipe_gzip)
{
	/* gzip arriving through a pipe a byte at a time: detection waits for enough bytes. */
	size_t n;
	char *text = text_lines(20000, &n);
	size_t zn;
	uint8_t *z = deflate_mem(text, n, 31, NULL, &zn);
	int pfd[2];
	ck_assert_int_eq(pipe(pfd), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(pfd[0]);
		for (size_t i = 0; i < 16; i++) {
			if (write(pfd[1], z + i, 1) != 1)
				_exit(1);
			usleep(2000);
		}
		for (size_t i = 16; i < zn;) {
			ssize_t w = write(pfd[1], z + i, zn - i);
			if (w <= 0)
				_exit(1);
			i += (size_t)w;
		}
		_exit(0);
	}
	close(pfd[1]);
	int saved = dup(STDIN_FILENO);
	dup2(pfd[0], STDIN_FILENO);
	close(pfd[0]);
	dl_err e = {{0}};
	dl_in *in = dl_in_open("-", 0, &e);
	check_calls = check_n = 0;
	dl_in_set_plain_check(in, plain_no);
	size_t len;
	uint8_t *got = dl_in_slurp(in, &len, &e);
	ck_assert_msg(got != NULL, "%s", e.msg);
	ck_assert_uint_eq(len, n);
	ck_assert(memcmp(got, text, n) == 0);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_GZIP);
	ck_assert_uint_eq(check_calls, 1);
	ck_assert_uint_eq(check_n, DL_IN_PLAIN_CHECK_BYTES);
	dl_in_close(in);
	dup2(saved, STDIN_FILENO);
	close(saved);
	int st;
	waitpid(pid, &st, 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	free(got);
	free(z);
	free(text);
}
END_TEST

START_TEST(test_in_gzip_file)
{
	size_t n;
	char *text = text_lines(200000, &n);
	/* A header with a file name and a comment, as gzip(1) writes. */
	gz_header h;
	memset(&h, 0, sizeof h);
	h.name = (Bytef *)"text.txt";
	h.comment = (Bytef *)"a comment";
	h.os = 3;
	size_t zn;
	uint8_t *z = deflate_mem(text, n, 31, &h, &zn);
	ck_assert_uint_lt(zn, n);
	const char *path = tpath("text.txt.gz");
	write_file(path, z, zn);
	dl_err e = {{0}};
	dl_in *in = dl_in_open(path, 0, &e);
	getline_compare(in, text, n);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_GZIP);
	ck_assert_uint_eq(dl_in_offset(in), n);
	dl_in_close(in);

	/* A file written by zlib's gzip file API. */
	const char *gpath = tpath("gzwrite.gz");
	gzFile g = gzopen(gpath, "wb9");
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(gzwrite(g, text, (unsigned)n), (int)n);
	ck_assert_int_eq(gzclose(g), Z_OK);
	in = dl_in_open(gpath, 0, &e);
	read_all_compare(in, (uint8_t *)text, n);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_GZIP);
	dl_in_close(in);
	free(z);
	free(text);
}
END_TEST

START_TEST(test_in_gzip_members)
{
	/* gzip -c a b > c: members back to back, split in the middle of a line; an empty
	 * member in between. */
	size_t n;
	char *text = text_lines(100000, &n);
	size_t cut = n / 3 + 5, n1, n2, n3;
	uint8_t *m1 = deflate_mem(text, cut, 31, NULL, &n1);
	uint8_t *m2 = deflate_mem("", 0, 31, NULL, &n2);
	uint8_t *m3 = deflate_mem(text + cut, n - cut, 31, NULL, &n3);
	dl_buf b = {0};
	dl_buf_append(&b, m1, n1);
	dl_buf_append(&b, m2, n2);
	dl_buf_append(&b, m3, n3);
	dl_in *in = dl_in_open_mem(b.data, b.len, "cat.gz", 0);
	getline_compare(in, text, n);
	dl_in_close(in);
	in = dl_in_open_mem(b.data, b.len, "cat.gz", 0);
	peek_walk(in, (uint8_t *)text, n);
	dl_in_close(in);
	const char *path = tpath("cat.gz");
	write_file(path, b.data, b.len);
	dl_err e = {{0}};
	in = dl_in_open(path, 0, &e);
	read_all_compare(in, (uint8_t *)text, n);
	dl_in_close(in);
	/* Several tiny members. */
	dl_buf_clear(&b);
	for (int i = 0; i < 50; i++) {
		size_t mn;
		char piece[8];
		snprintf(piece, sizeof piece, "%d,", i);
		uint8_t *m = deflate_mem(piece, strlen(piece), 31, NULL, &mn);
		dl_buf_append(&b, m, mn);
		free(m);
	}
	in = dl_in_open_mem(b.data, b.len, "tiny.gz", 0);
	size_t len;
	uint8_t *got = dl_in_slurp(in, &len, &e);
	ck_assert_ptr_nonnull(got);
	dl_buf want = {0};
	for (int i = 0; i < 50; i++)
		dl_buf_printf(&want, "%d,", i);
	ck_assert_uint_eq(len, want.len);
	ck_assert(memcmp(got, want.data, len) == 0);
	dl_in_close(in);
	free(got);
	dl_buf_free(&want);
	dl_buf_free(&b);
	free(m1);
	free(m2);
	free(m3);
	free(text);
}
END_TEST

START_TEST(test_in_zlib)
{
	size_t n;
	char *text = text_lines(30000, &n);
	size_t zn;
	uint8_t *z = deflate_mem(text, n, 15, NULL, &zn);
	ck_assert_int_eq(z[0], 0x78);
	dl_err e = {{0}};
	size_t len;
	/* Without DL_IN_ZLIB the bytes pass through untouched. */
	dl_in *in = dl_in_open_mem(z, zn, "t.z", 0);
	uint8_t *got = dl_in_slurp(in, &len, &e);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_NONE);
	ck_assert_uint_eq(len, zn);
	ck_assert(memcmp(got, z, zn) == 0);
	free(got);
	dl_in_close(in);
	/* With it, the stream is inflated. */
	in = dl_in_open_mem(z, zn, "t.z", DL_IN_ZLIB);
	getline_compare(in, text, n);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_ZLIB);
	dl_in_close(in);
	/* gzip is still gzip with the flag. */
	uint8_t *g = deflate_mem(text, n, 31, NULL, &zn);
	in = dl_in_open_mem(g, zn, "t.gz", DL_IN_ZLIB);
	read_all_compare(in, (uint8_t *)text, n);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_GZIP);
	dl_in_close(in);
	free(g);
	free(z);
	free(text);
}
END_TEST

/* Slurps data (named name) and expects an error containing each of the words. */
static void expect_in_error(dl_in *in, const char *w1, const char *w2, const char *w3)
{
	dl_err e = {{0}};
	size_t len;
	uint8_t *got = dl_in_slurp(in, &len, &e);
	ck_assert_ptr_null(got);
	ck_assert_msg(strstr(e.msg, w1), "'%s' lacks '%s'", e.msg, w1);
	ck_assert_msg(strstr(e.msg, w2), "'%s' lacks '%s'", e.msg, w2);
	ck_assert_msg(!w3 || strstr(e.msg, w3), "'%s' lacks '%s'", e.msg, w3);
	dl_in_close(in);
}

START_TEST(test_in_gzip_truncated)
{
	size_t n;
	char *text = text_lines(50000, &n);
	size_t zn;
	uint8_t *z = deflate_mem(text, n, 31, NULL, &zn);
	size_t cuts[] = {3, 10, 11, 20, zn / 2, zn - 8, zn - 4, zn - 1};
	for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
		expect_in_error(dl_in_open_mem(z, cuts[i], "cut.gz", 0), "cut.gz: ", "gzip stream is truncated", NULL);
		/* From a file, and read by lines: the message names the path. */
		const char *path = tpath("cut.gz");
		write_file(path, z, cuts[i]);
		dl_err e = {{0}};
		dl_in *in = dl_in_open(path, 0, &e);
		char *line;
		ptrdiff_t r;
		while ((r = dl_in_getline(in, &line, &e)) > 0 || (r == 0 && line))
			;
		ck_assert_int_eq(r, -1);
		ck_assert_msg(!strncmp(e.msg, path, strlen(path)), "%s", e.msg);
		ck_assert_ptr_nonnull(strstr(e.msg, "truncated"));
		dl_in_close(in);
	}
	/* A whole first member, then a cut second one. */
	dl_buf b = {0};
	dl_buf_append(&b, z, zn);
	dl_buf_append(&b, z, zn / 3);
	expect_in_error(dl_in_open_mem(b.data, b.len, "two.gz", 0), "two.gz: ", "truncated", NULL);
	dl_buf_free(&b);
	/* zlib cut short. */
	uint8_t *zl = deflate_mem(text, n, 15, NULL, &zn);
	expect_in_error(dl_in_open_mem(zl, zn - 2, "cut.z", DL_IN_ZLIB), "cut.z: ", "zlib stream is truncated", NULL);
	free(zl);
	free(z);
	free(text);
}
END_TEST

START_TEST(test_in_gzip_corrupt)
{
	size_t n;
	char *text = text_lines(20000, &n);
	size_t zn;
	uint8_t *z = deflate_mem(text, n, 31, NULL, &zn);
	uint8_t *bad = malloc(zn + 16);
	/* The CRC-32 and the length in the trailer. */
	memcpy(bad, z, zn);
	bad[zn - 8] ^= 1;
	expect_in_error(dl_in_open_mem(bad, zn, "crc.gz", 0), "crc.gz: ", "corrupt gzip stream", "check");
	memcpy(bad, z, zn);
	bad[zn - 1] ^= 0x40;
	expect_in_error(dl_in_open_mem(bad, zn, "len.gz", 0), "len.gz: ", "corrupt gzip stream", "check");
	/* An unknown compression method in the header. */
	memcpy(bad, z, zn);
	bad[2] = 7;
	expect_in_error(dl_in_open_mem(bad, zn, "cm.gz", 0), "cm.gz: ", "corrupt gzip stream", NULL);
	/* Damage in the middle of the deflate data. */
	memcpy(bad, z, zn);
	for (size_t i = zn / 2; i < zn / 2 + 8; i++)
		bad[i] ^= 0xa5;
	expect_in_error(dl_in_open_mem(bad, zn, "mid.gz", 0), "mid.gz: ", "gzip stream", NULL);
	/* Junk after a complete member is not silently dropped. */
	memcpy(bad, z, zn);
	memcpy(bad + zn, "trailing junk!!!", 16);
	expect_in_error(dl_in_open_mem(bad, zn + 16, "junk.gz", 0), "junk.gz: ", "corrupt gzip stream", NULL);
	/* A zlib stream with a bad Adler-32. */
	uint8_t *zl = deflate_mem(text, n, 15, NULL, &zn);
	zl[zn - 1] ^= 1;
	expect_in_error(dl_in_open_mem(zl, zn, "bad.z", DL_IN_ZLIB), "bad.z: ", "corrupt zlib stream", NULL);
	free(zl);
	free(bad);
	free(z);
	free(text);
}
END_TEST

START_TEST(test_in_plain_check)
{
	/* Plain data that starts with the gzip magic. */
	static const uint8_t looks_gz[] = "\x1f\x8b plain data that only looks like gzip";
	size_t n = sizeof looks_gz - 1;
	dl_err e = {{0}};
	size_t len;
	/* Without a check it is taken for gzip, and fails. */
	dl_in *in = dl_in_open_mem(looks_gz, n, "x", 0);
	expect_in_error(in, "x: ", "gzip", NULL);
	/* With a check saying "plain": passed through, the check sees the first 12 bytes. */
	in = dl_in_open_mem(looks_gz, n, "x", 0);
	check_calls = check_n = 0;
	dl_in_set_plain_check(in, plain_yes);
	uint8_t *got = dl_in_slurp(in, &len, &e);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, n);
	ck_assert(memcmp(got, looks_gz, n) == 0);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_NONE);
	ck_assert_uint_eq(check_calls, 1);
	ck_assert_uint_eq(check_n, DL_IN_PLAIN_CHECK_BYTES);
	free(got);
	dl_in_close(in);
	/* The same from a file, where one read returns the whole file. */
	const char *path = tpath("looks.gz");
	write_file(path, looks_gz, n);
	in = dl_in_open(path, 0, &e);
	check_calls = check_n = 0;
	dl_in_set_plain_check(in, plain_yes);
	got = dl_in_slurp(in, &len, &e);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, n);
	ck_assert_uint_eq(check_calls, 1);
	ck_assert_uint_eq(check_n, DL_IN_PLAIN_CHECK_BYTES);
	free(got);
	dl_in_close(in);
	/* A stream shorter than 12 bytes: the check sees all of it. */
	in = dl_in_open_mem(looks_gz, 5, "x", 0);
	check_calls = check_n = 0;
	dl_in_set_plain_check(in, plain_yes);
	got = dl_in_slurp(in, &len, &e);
	ck_assert_uint_eq(len, 5);
	ck_assert_uint_eq(check_n, 5);
	free(got);
	dl_in_close(in);
	/* Real gzip with a check saying "not plain" is inflated. */
	size_t zn;
	uint8_t *z = deflate_mem("hello, world", 12, 31, NULL, &zn);
	in = dl_in_open_mem(z, zn, "x", 0);
	dl_in_set_plain_check(in, plain_no);
	got = dl_in_slurp(in, &len, &e);
	ck_assert_uint_eq(len, 12);
	ck_assert_mem_eq(got, "hello, world", 12);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_GZIP);
	free(got);
	free(z);
	dl_in_close(in);
	/* Text that happens to be a valid zlib header ("x^" = 0x785e, a multiple of 31). */
	static const char xtext[] = "x^2 + y^2 = r^2\n";
	in = dl_in_open_mem(xtext, sizeof xtext - 1, "eq.txt", DL_IN_ZLIB);
	expect_in_error(in, "eq.txt: ", "zlib", NULL);
	in = dl_in_open_mem(xtext, sizeof xtext - 1, "eq.txt", DL_IN_ZLIB);
	dl_in_set_plain_check(in, plain_yes);
	got = dl_in_slurp(in, &len, &e);
	ck_assert_uint_eq(len, sizeof xtext - 1);
	ck_assert_mem_eq(got, xtext, len);
	free(got);
	dl_in_close(in);
	/* Plain data that looks like nothing never consults the check. */
	in = dl_in_open_mem("hello", 5, "x", DL_IN_ZLIB);
	check_calls = 0;
	dl_in_set_plain_check(in, plain_no);
	got = dl_in_slurp(in, &len, &e);
	ck_assert_uint_eq(len, 5);
	ck_assert_int_eq(dl_in_compression(in), DL_COMPRESS_NONE);
	free(got);
	dl_in_close(in);
}
END_TEST

START_TEST(test_in_slurp)
{
	const char *path = tpath("empty");
	write_file(path, "", 0);
	dl_err e = {{0}};
	dl_in *in = dl_in_open(path, 0, &e);
	size_t len = 99;
	uint8_t *got = dl_in_slurp(in, &len, &e);
	ck_assert_ptr_nonnull(got);   /* empty, but not NULL */
	ck_assert_uint_eq(len, 0);
	free(got);
	dl_in_close(in);
	/* After a partial read, slurp returns the rest. */
	size_t n = (2 << 20) + 9;
	uint8_t *data = random_bytes(n, 4);
	data[0] = 'P';
	in = dl_in_open_mem(data, n, "m", 0);
	uint8_t head[100];
	ck_assert_int_eq(dl_in_read(in, head, 100, &e), 100);
	got = dl_in_slurp(in, &len, &e);
	ck_assert_uint_eq(len, n - 100);
	ck_assert(memcmp(got, data + 100, len) == 0);
	ck_assert_uint_eq(dl_in_offset(in), n);
	free(got);
	dl_in_close(in);
	free(data);
}
END_TEST

START_TEST(test_in_window_to_lines)
{
	/* A memory block (read in place) and a file, read by peeks, then by lines from where
	 * the peeks left off: the lines are those of the bytes that follow, offsets run on, and
	 * the memory block is never written to. */
	size_t n;
	char *text = text_lines(40000, &n);
	ck_assert_uint_gt(n, 1 << 19);
	const char *path = tpath("lines.txt");
	write_file(path, text, n);
	char *copy = malloc(n);
	memcpy(copy, text, n);
	for (int src = 0; src < 2; src++) {
		dl_err e = {{0}};
		dl_in *in = src ? dl_in_open_mem(text, n, "m", 0) : dl_in_open(path, 0, &e);
		ck_assert_ptr_nonnull(in);
		size_t avail;
		const uint8_t *p = dl_in_peek(in, n + 10, &avail, &e);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(avail, n);   /* all of it at once */
		ck_assert(memcmp(p, text, n) == 0);
		const char *first_nl = memchr(text, '\n', n);
		size_t skip = (size_t)(first_nl - text) + 1 + 3;   /* into the second line */
		dl_in_skip(in, skip);
		ck_assert_uint_eq(dl_in_offset(in), skip);
		char *line;
		ptrdiff_t len = dl_in_getline(in, &line, &e);
		const char *second_nl = memchr(text + skip, '\n', n - skip);
		ck_assert_int_eq(len, second_nl - (text + skip));
		ck_assert(memcmp(line, text + skip, (size_t)len) == 0);
		size_t off = skip + (size_t)len + 1, count = 0;
		ck_assert_uint_eq(dl_in_offset(in), off);
		while ((len = dl_in_getline(in, &line, &e)) > 0) {
			FAST_ASSERT(memcmp(line, text + off, (size_t)len) == 0);
			FAST_ASSERT(text[off + (size_t)len] == '\n');
			off += (size_t)len + 1;
			count++;
		}
		ck_assert_int_eq(len, 0);
		ck_assert_uint_eq(off, n);
		ck_assert_uint_eq(count, 40000 - 2);
		/* Peeks after the lines go on from the end. */
		ck_assert_ptr_nonnull(dl_in_peek(in, 1, &avail, &e));
		ck_assert_uint_eq(avail, 0);
		dl_in_close(in);
		ck_assert(memcmp(text, copy, n) == 0);
	}
	free(copy);
	free(text);
}
END_TEST

/* ================================================================== main */

int main(void)
{
	Suite *s = suite_create("io_in");
	TCase *tc = tcase(s, "io", 1);
	tcase_add_test(tc, test_in_file);
	tcase_add_test(tc, test_in_open_errors);
	tcase_add_test(tc, test_in_mem);
	tcase_add_test(tc, test_in_peek_large);
	tcase_add_test(tc, test_in_peek_huge);
	tcase_add_test(tc, test_getline_basic);
	tcase_add_test(tc, test_getline_boundaries);
	tcase_add_test(tc, test_getline_many);
	tcase_add_test(tc, test_in_stdin);
	tcase_add_test(tc, test_in_stdin_pipe_gzip);
	tcase_add_test(tc, test_in_gzip_file);
	tcase_add_test(tc, test_in_gzip_members);
	tcase_add_test(tc, test_in_zlib);
	tcase_add_test(tc, test_in_gzip_truncated);
	tcase_add_test(tc, test_in_gzip_corrupt);
	tcase_add_test(tc, test_in_plain_check);
	tcase_add_test(tc, test_in_slurp);
	tcase_add_test(tc, test_in_window_to_lines);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
