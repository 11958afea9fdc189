/*
 * check_io_out.c — unit tests for the output side of lib/core's io.c (dl_out): atomic
 * replacement through a temporary file beside the target, plain, gzip and zlib output, the
 * temporary file's removal on dl_die, signals and exit, in-place writes to devices and
 * FIFOs, stdout, and write errors.
 *
 * Compressed outputs are inflated here with zlib, so the writer is never only tested against
 * the reader. Runs that end the process happen in forked children (run_child).
 */
#include "config.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

/* ================================================================== helpers */

/* Inflates one gzip member (wbits 31) or zlib stream (15) completely; fails on any error. */
static uint8_t *inflate_mem(const uint8_t *p, size_t n, int wbits, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(inflateInit2(&z, wbits), Z_OK);
	dl_buf b = {0};
	uint8_t tmp[65536];
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	int rc;
	do {
		z.next_out = tmp;
		z.avail_out = sizeof tmp;
		rc = inflate(&z, Z_NO_FLUSH);
		ck_assert_msg(rc == Z_OK || rc == Z_STREAM_END, "inflate: %d", rc);
		dl_buf_append(&b, tmp, sizeof tmp - z.avail_out);
	} while (rc != Z_STREAM_END);
	ck_assert_uint_eq(z.avail_in, 0);   /* nothing after the stream */
	inflateEnd(&z);
	*out_len = b.len;
	return b.data ? b.data : calloc(1, 1);
}

/* ================================================================== io: output */

START_TEST(test_out_atomic)
{
	const char *target = tpath("out.txt");
	dl_out *o = dl_out_open(target, DL_COMPRESS_NONE);
	ck_assert_str_eq(dl_out_name(o), target);
	dl_out_puts(o, "hello\n");
	/* Not there until closed; the temporary file is beside it. */
	struct stat st;
	ck_assert_int_eq(stat(target, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	char first[256];
	ck_assert_int_eq(dir_count(tdir, first, sizeof first), 1);
	ck_assert_msg(!strncmp(first, ".out.txt.", 9), "temporary file %s", first);
	dl_out_close(o);
	size_t n;
	uint8_t *got = read_file(target, &n);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq((char *)got, "hello\n");
	free(got);
	ck_assert_int_eq(dir_count(tdir, first, sizeof first), 1);
	ck_assert_str_eq(first, "out.txt");
	/* Permissions as a plain open(2) would give, not mkstemp's 0600. */
	mode_t um = umask(0);
	umask(um);
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0666 & ~um);

	/* A relative path: the temporary file is in the current directory. */
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(chdir(tdir), 0);
	o = dl_out_open("rel.txt", DL_COMPRESS_NONE);
	dl_out_puts(o, "rel");
	ck_assert_int_eq(dir_count(".", NULL, 0), 2);
	dl_out_close(o);
	ck_assert_int_eq(chdir(cwd), 0);
	got = read_file(tpath("rel.txt"), &n);
	ck_assert_str_eq((char *)got, "rel");
	free(got);
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 2);
}
END_TEST

START_TEST(test_out_replace_and_abort)
{
	const char *target = tpath("model.json");
	write_file(target, "old\n", 4);
	/* Replacing: the old contents stay until close. */
	dl_out *o = dl_out_open(target, DL_COMPRESS_NONE);
	dl_out_puts(o, "new\n");
	size_t n;
	uint8_t *got = read_file(target, &n);
	ck_assert_str_eq((char *)got, "old\n");
	free(got);
	dl_out_close(o);
	got = read_file(target, &n);
	ck_assert_str_eq((char *)got, "new\n");
	free(got);
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 1);

	/* Abort after writing more than a buffer's worth: the target is untouched and no
	 * temporary file is left. */
	uint8_t *junk = random_bytes(3 << 20, 5);
	for (enum dl_compress c = DL_COMPRESS_NONE; c <= DL_COMPRESS_ZLIB; c++) {
		o = dl_out_open(target, c);
		dl_out_write(o, junk, 3 << 20);
		ck_assert_int_eq(dir_count(tdir, NULL, 0), 2);
		dl_out_abort(o);
		got = read_file(target, &n);
		ck_assert_str_eq((char *)got, "new\n");
		free(got);
		char first[256];
		ck_assert_int_eq(dir_count(tdir, first, sizeof first), 1);
		ck_assert_str_eq(first, "model.json");
	}
	/* Abort of a new file leaves nothing. */
	o = dl_out_open(tpath("never.txt"), DL_COMPRESS_GZIP);
	dl_out_puts(o, "x");
	dl_out_abort(o);
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 1);
	dl_out_abort(NULL);
	dl_out_close(NULL);
	free(junk);
}
END_TEST

/* Writes text through every output call, appending the same to want. */
static void out_mixed(dl_out *o, const char *text, size_t n, dl_buf *want)
{
	size_t a = n / 2, b = a + 1000;
	dl_out_write(o, text, a);
	dl_buf_append(want, text, a);
	for (size_t i = a; i < b; i++) {
		dl_out_putc(o, text[i]);
		dl_buf_putc(want, text[i]);
	}
	dl_out_printf(o, "[%d|%s]", 12, "short");
	dl_buf_printf(want, "[%d|%s]", 12, "short");
	dl_out_printf(o, "<%.*s>", 2000, text + b);   /* longer than printf's small buffer */
	dl_buf_printf(want, "<%.*s>", 2000, text + b);
	dl_out_puts(o, "puts\n");
	dl_buf_puts(want, "puts\n");
	dl_out_write(o, text + b, n - b);
	dl_buf_append(want, text + b, n - b);
	ck_assert_uint_eq(dl_out_offset(o), want->len);
}

START_TEST(test_out_compressed)
{
	size_t n;
	char *text = text_lines(150000, &n);
	for (enum dl_compress c = DL_COMPRESS_NONE; c <= DL_COMPRESS_ZLIB; c++) {
		const char *target = tpath(c == DL_COMPRESS_GZIP ? "out.gz" : c ? "out.z" : "out.txt");
		dl_out *o = dl_out_open(target, c);
		dl_buf want = {0};
		out_mixed(o, text, n, &want);
		dl_out_close(o);
		size_t fn, un;
		uint8_t *file = read_file(target, &fn);
		uint8_t *plain;
		if (c == DL_COMPRESS_GZIP) {
			ck_assert(file[0] == 0x1f && file[1] == 0x8b);
			plain = inflate_mem(file, fn, 31, &un);
			ck_assert_uint_lt(fn, want.len);
		} else if (c == DL_COMPRESS_ZLIB) {
			uLongf dn = want.len;
			plain = malloc(want.len);
			ck_assert_int_eq(uncompress(plain, &dn, file, fn), Z_OK);
			un = dn;
			ck_assert_uint_lt(fn, want.len);
		} else {
			plain = file;
			file = NULL;
			un = fn;
		}
		ck_assert_uint_eq(un, want.len);
		ck_assert(memcmp(plain, want.data, un) == 0);
		/* And back through dl_in. */
		dl_err e = {{0}};
		dl_in *in = dl_in_open(target, DL_IN_ZLIB, &e);
		read_all_compare(in, want.data, want.len);
		ck_assert_int_eq(dl_in_compression(in), c);
		dl_in_close(in);
		free(plain);
		free(file);
		dl_buf_free(&want);
	}
	/* Empty compressed outputs are still valid streams. */
	dl_out *o = dl_out_open(tpath("empty.gz"), DL_COMPRESS_GZIP);
	dl_out_close(o);
	size_t fn, un;
	uint8_t *file = read_file(tpath("empty.gz"), &fn);
	uint8_t *plain = inflate_mem(file, fn, 31, &un);
	ck_assert_uint_eq(un, 0);
	free(plain);
	free(file);
	free(text);
}
END_TEST

START_TEST(test_out_offset_and_order)
{
	/* A write of a buffer or more goes straight out; order must be kept around it. */
	const char *target = tpath("order.bin");
	dl_out *o = dl_out_open(target, DL_COMPRESS_NONE);
	ck_assert_uint_eq(dl_out_offset(o), 0);
	size_t big = 600000;
	uint8_t *data = random_bytes(big + 300, 6);
	dl_out_write(o, data, 100);
	ck_assert_uint_eq(dl_out_offset(o), 100);
	dl_out_write(o, data + 100, big);
	ck_assert_uint_eq(dl_out_offset(o), 100 + big);
	dl_out_putc(o, data[100 + big]);
	dl_out_write(o, data + 101 + big, 199);
	ck_assert_uint_eq(dl_out_offset(o), big + 300);
	dl_out_printf(o, "%s", "");
	ck_assert_uint_eq(dl_out_offset(o), big + 300);
	dl_out_close(o);
	size_t n;
	uint8_t *got = read_file(target, &n);
	ck_assert_uint_eq(n, big + 300);
	ck_assert(memcmp(got, data, n) == 0);
	free(got);
	free(data);
	ck_assert_int_eq(dl_compress_parse("none"), DL_COMPRESS_NONE);
	ck_assert_int_eq(dl_compress_parse(""), DL_COMPRESS_NONE);
	ck_assert_int_eq(dl_compress_parse("gzip"), DL_COMPRESS_GZIP);
	ck_assert_int_eq(dl_compress_parse("zlib"), DL_COMPRESS_ZLIB);
	ck_assert_int_eq(dl_compress_parse("GZIP"), -1);
	ck_assert_int_eq(dl_compress_parse("bzip2"), -1);
}
END_TEST

/* Held in a global so that LeakSanitizer, checking at exit, sees it still in use. */
static dl_out *volatile child_out;

static void child_out_die(void *arg)
{
	const char *target = arg;
	dl_set_progname("dl-test");
	child_out = dl_out_open(target, DL_COMPRESS_GZIP);
	dl_out_puts(child_out, "half-written");
	printf("entries %d\n", dir_count(tdir, NULL, 0));
	dl_die("%s: giving up", dl_out_name(child_out));
}

struct signal_case {
	const char *target;
	int sig;
};

static void child_out_signal(void *arg)
{
	struct signal_case *c = arg;
	dl_out *o = dl_out_open(c->target, DL_COMPRESS_NONE);
	dl_out_puts(o, "half-written");
	printf("entries %d\n", dir_count(tdir, NULL, 0));
	fflush(stdout);
	raise(c->sig);
}

START_TEST(test_out_die_removes_temp)
{
	const char *target = tpath("result.bin");
	char want[600];
	snprintf(want, sizeof want, "dl-test: %s: giving up\n", target);
	run_child(child_out_die, (void *)target);
	expect_child(1, "entries 1\n", want);
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 0);
	/* Killed by a signal: the handler removes it and the signal still ends the process. */
	int sigs[] = {SIGTERM, SIGINT, SIGHUP};
	for (int i = 0; i < 3; i++) {
		struct signal_case c = {target, sigs[i]};
		run_child(child_out_signal, &c);
		ck_assert_msg(ch.status == 128 + sigs[i], "signal %d: status %d, stderr %s", sigs[i], ch.status, ch.err);
		ck_assert_str_eq(ch.out, "entries 1\n");
		ck_assert_int_eq(dir_count(tdir, NULL, 0), 0);
	}
}
END_TEST

static void child_out_forgotten(void *arg)
{
	child_out = dl_out_open(arg, DL_COMPRESS_NONE);
	dl_out_puts(child_out, "never closed");
	printf("entries %d\n", dir_count(tdir, NULL, 0));
}

/* stdout is a pipe nobody reads; sig says what SIGPIPE does. */
static void child_out_broken_pipe(void *arg)
{
	struct signal_case *c = arg;
	int p[2];
	if (pipe(p) != 0)
		exit(3);
	close(p[0]);
	dup2(p[1], STDOUT_FILENO);
	close(p[1]);
	signal(SIGPIPE, c->sig ? SIG_DFL : SIG_IGN);
	dl_set_progname("dl-test");
	child_out = dl_out_open(c->target, DL_COMPRESS_NONE);
	dl_out_puts(child_out, "model");
	dl_out *o = dl_out_open("-", DL_COMPRESS_NONE);
	for (int i = 0; i < 100000; i++)
		dl_out_puts(o, "a line for head(1)\n");
	dl_out_close(o);
	dl_out_close(child_out);
}

START_TEST(test_out_exit_removes_temp)
{
	/* An output never closed is not left behind when the program exits. */
	const char *target = tpath("forgotten.txt");
	run_child(child_out_forgotten, (void *)target);
	expect_child(CHILD_RETURNED, "entries 1\n", "");
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 0);
	/* stdout closed under a program writing a file too: with SIGPIPE ignored, write
	 * fails with EPIPE and the program ends quietly; with SIGPIPE, the signal ends it. */
	struct signal_case c = {tpath("model.bin"), 0};
	run_child(child_out_broken_pipe, &c);
	expect_child(1, "", "");
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 0);
	c.sig = SIGPIPE;
	run_child(child_out_broken_pipe, &c);
	expect_child(128 + SIGPIPE, "", "");
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 0);
}
END_TEST

static void child_noop(void *arg)
{
	(void)arg;
}

static void child_die_plain(void *arg)
{
	(void)arg;
	dl_set_progname("dl-test");
	dl_die("child fails");
}

START_TEST(test_out_fork_keeps_parent_temp)
{
	/* A forked child that exits or dies does not remove its parent's temporary files. */
	const char *target = tpath("parent.txt");
	dl_out *o = dl_out_open(target, DL_COMPRESS_NONE);
	dl_out_puts(o, "parent's data\n");
	run_child(child_noop, NULL);
	ck_assert_int_eq(ch.status, CHILD_RETURNED);
	run_child(child_die_plain, NULL);
	expect_child(1, "", "dl-test: child fails\n");
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 1);
	dl_out_close(o);
	size_t n;
	uint8_t *got = read_file(target, &n);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq((char *)got, "parent's data\n");
	free(got);
}
END_TEST

START_TEST(test_out_keeps_mode)
{
	/* Replacing a file keeps its permissions, as writing it in place would. */
	static const mode_t modes[] = {0600, 0751, 0444};
	const char *target = tpath("private.txt");
	for (int i = 0; i < 3; i++) {
		write_file(target, "old", 3);
		ck_assert_int_eq(chmod(target, modes[i]), 0);
		dl_out *o = dl_out_open(target, DL_COMPRESS_NONE);
		dl_out_puts(o, "new");
		dl_out_close(o);
		struct stat st;
		ck_assert_int_eq(stat(target, &st), 0);
		ck_assert_int_eq(st.st_mode & 07777, modes[i]);
		size_t n;
		uint8_t *got = read_file(target, &n);
		ck_assert_str_eq((char *)got, "new");
		free(got);
		ck_assert_int_eq(chmod(target, 0600), 0);
		ck_assert_int_eq(unlink(target), 0);
	}
}
END_TEST

START_TEST(test_out_in_place)
{
	/* /dev/null is written in place (as root, a rename over it would be a disaster). */
	for (enum dl_compress c = DL_COMPRESS_NONE; c <= DL_COMPRESS_ZLIB; c++) {
		dl_out *o = dl_out_open("/dev/null", c);
		ck_assert_str_eq(dl_out_name(o), "/dev/null");
		uint8_t *junk = random_bytes(1 << 20, 7);
		dl_out_write(o, junk, 1 << 20);
		dl_out_close(o);
		free(junk);
		struct stat st;
		ck_assert_int_eq(stat("/dev/null", &st), 0);
		ck_assert(S_ISCHR(st.st_mode));
	}
	/* A FIFO too: the reader gets the bytes, the FIFO stays. */
	const char *fifo = tpath("fifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dl_out *o = dl_out_open(fifo, DL_COMPRESS_NONE);
		dl_out_puts(o, "through the fifo\n");
		dl_out_close(o);
		_exit(0);
	}
	int fd = open(fifo, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	char buf[64];
	size_t n = 0;
	ssize_t r;
	while ((r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(fd);
	int st;
	waitpid(pid, &st, 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_str_eq(buf, "through the fifo\n");
	struct stat sb;
	ck_assert_int_eq(lstat(fifo, &sb), 0);
	ck_assert(S_ISFIFO(sb.st_mode));
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 1);
}
END_TEST

static void child_out_stdout(void *arg)
{
	enum dl_compress c = *(enum dl_compress *)arg;
	printf("stdio first;");   /* dl_out_open flushes stdio's stdout first */
	dl_out *o = dl_out_open(c == DL_COMPRESS_NONE ? "-" : NULL, c);
	if (strcmp(dl_out_name(o), "(stdout)"))
		exit(3);
	dl_out_puts(o, "to stdout\n");
	dl_out_close(o);
	/* stdout stays open. */
	if (fcntl(STDOUT_FILENO, F_GETFD) == -1)
		exit(4);
}

START_TEST(test_out_stdout)
{
	enum dl_compress c = DL_COMPRESS_NONE;
	run_child(child_out_stdout, &c);
	expect_child(CHILD_RETURNED, "stdio first;to stdout\n", "");
	c = DL_COMPRESS_GZIP;
	run_child(child_out_stdout, &c);
	ck_assert_int_eq(ch.status, CHILD_RETURNED);
	ck_assert(!memcmp(ch.out, "stdio first;\x1f\x8b", 14));
	size_t un;
	uint8_t *plain = inflate_mem((uint8_t *)ch.out + 12, ch.out_len - 12, 31, &un);
	ck_assert_uint_eq(un, 10);
	ck_assert_mem_eq(plain, "to stdout\n", 10);
	free(plain);
}
END_TEST

static void child_out_open(void *arg)
{
	dl_set_progname("dl-test");
	dl_out *o = dl_out_open(arg, DL_COMPRESS_NONE);
	dl_out_puts(o, "x");
	dl_out_close(o);
}

START_TEST(test_out_errors)
{
	char want[700];
	/* A directory. */
	run_child(child_out_open, tdir);
	snprintf(want, sizeof want, "dl-test: %s: is a directory\n", tdir);
	expect_child(1, "", want);
	/* A directory that does not exist. */
	const char *nodir = tpath("nodir/x.txt");
	run_child(child_out_open, (void *)nodir);
	snprintf(want, sizeof want, "dl-test: %s: cannot create output: %s\n", nodir, strerror(ENOENT));
	expect_child(1, "", want);
	/* A full disk, found when the data is flushed at close. */
	run_child(child_out_open, "/dev/full");
	snprintf(want, sizeof want, "dl-test: /dev/full: write error: %s\n", strerror(ENOSPC));
	expect_child(1, "", want);
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 0);
}
END_TEST

static void child_stdout_full(void *arg)
{
	(void)arg;
	dl_set_progname("dl-test");
	int fd = open("/dev/full", O_WRONLY);
	dup2(fd, STDOUT_FILENO);
	printf("lost");
	dl_stdout_check();
}

START_TEST(test_stdout_check)
{
	char want[200];
	snprintf(want, sizeof want, "dl-test: write error on standard output: %s\n", strerror(ENOSPC));
	run_child(child_stdout_full, NULL);
	expect_child(1, "", want);
}
END_TEST

/* ================================================================== main */

int main(void)
{
	Suite *s = suite_create("io_out");
	TCase *tc = tcase(s, "io", 1);
	tcase_add_test(tc, test_out_atomic);
	tcase_add_test(tc, test_out_replace_and_abort);
	tcase_add_test(tc, test_out_compressed);
	tcase_add_test(tc, test_out_offset_and_order);
	tcase_add_test(tc, test_out_die_removes_temp);
	tcase_add_test(tc, test_out_exit_removes_temp);
	tcase_add_test(tc, test_out_fork_keeps_parent_temp);
	tcase_add_test(tc, test_out_keeps_mode);
	tcase_add_test(tc, test_out_in_place);
	tcase_add_test(tc, test_out_stdout);
	tcase_add_test(tc, test_out_errors);
	tcase_add_test(tc, test_stdout_check);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
