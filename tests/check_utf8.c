/*
 * check_utf8.c — unit tests for lib/core's UTF-8 decoding and encoding (utf8.c), progress
 * line (progress.c) and temporary files (tmp.c).
 *
 * UTF-8 is checked against a decoder written here from the Unicode table of well-formed
 * sequences, exhaustively over short strings. The progress line is drawn on a
 * pseudo-terminal and read back from its master side.
 */
#include "config.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/tmp.h"
#include "core/utf8.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* ================================================================== utf8 */

/* Well-formed sequences, written from Unicode table 3-7: the length of the sequence at p
 * (n bytes available), 0 when ill-formed or cut short; *cp its scalar value. */
static size_t ref_utf8(const uint8_t *p, size_t n, uint32_t *cp)
{
	static const struct {
		uint8_t lo0, hi0, lo1, hi1;
		size_t len;
	} rows[] = {
		{0x00, 0x7F, 0, 0, 1},       {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3},
		{0xE1, 0xEC, 0x80, 0xBF, 3}, {0xED, 0xED, 0x80, 0x9F, 3}, {0xEE, 0xEF, 0x80, 0xBF, 3},
		{0xF0, 0xF0, 0x90, 0xBF, 4}, {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4},
	};
	if (!n)
		return 0;
	for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
		if (p[0] < rows[r].lo0 || p[0] > rows[r].hi0)
			continue;
		size_t len = rows[r].len;
		if (n < len || (len > 1 && (p[1] < rows[r].lo1 || p[1] > rows[r].hi1)))
			return 0;
		for (size_t i = 2; i < len; i++)
			if (p[i] < 0x80 || p[i] > 0xBF)
				return 0;
		static const uint8_t lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
		uint32_t c = p[0] & lead_mask[len];
		for (size_t i = 1; i < len; i++)
			c = (c << 6) | (p[i] & 0x3F);
		*cp = c;
		return len;
	}
	return 0;
}

static void check_decode(const uint8_t *p, size_t n)
{
	uint32_t want = 0, got = 0;
	size_t wl = ref_utf8(p, n, &want), gl = dl_utf8_decode(p, n, &got);
	if (wl != gl || (wl && want != got) || (!wl && got != 0xFFFD))
		ck_abort_msg("decode %02x %02x %02x %02x (n=%zu): got %zu/U+%04X want %zu/U+%04X",
			     p[0], n > 1 ? p[1] : 0, n > 2 ? p[2] : 0, n > 3 ? p[3] : 0, n, gl,
			     (unsigned)got, wl, (unsigned)want);
}

START_TEST(test_utf8_table)
{
	static const struct {
		const char *s;
		size_t len;
		size_t valid;   /* dl_utf8_valid's answer */
	} cases[] = {
		/* well-formed boundaries */
		{"", 0, 0},
		{"\x7f", 1, 1},
		{"\xc2\x80", 2, 2},                 /* U+0080 */
		{"\xdf\xbf", 2, 2},                 /* U+07FF */
		{"\xe0\xa0\x80", 3, 3},             /* U+0800 */
		{"\xed\x9f\xbf", 3, 3},             /* U+D7FF */
		{"\xee\x80\x80", 3, 3},             /* U+E000 */
		{"\xef\xbf\xbf", 3, 3},             /* U+FFFF */
		{"\xf0\x90\x80\x80", 4, 4},         /* U+10000 */
		{"\xf4\x8f\xbf\xbf", 4, 4},         /* U+10FFFF */
		/* overlong forms */
		{"\xc0\x80", 2, 0},
		{"\xc1\xbf", 2, 0},
		{"\xe0\x80\x80", 3, 0},
		{"\xe0\x9f\xbf", 3, 0},
		{"\xf0\x80\x80\x80", 4, 0},
		{"\xf0\x8f\xbf\xbf", 4, 0},
		/* surrogates */
		{"\xed\xa0\x80", 3, 0},
		{"\xed\xbf\xbf", 3, 0},
		{"\xed\xa0\xbd\xed\xb2\xa9", 6, 0}, /* a CESU-8 pair */
		/* above U+10FFFF and never-used lead bytes */
		{"\xf4\x90\x80\x80", 4, 0},
		{"\xf5\x80\x80\x80", 4, 0},
		{"\xf8\x88\x80\x80\x80", 5, 0},
		{"\xfe", 1, 0},
		{"\xff", 1, 0},
		/* lone continuation bytes */
		{"\x80", 1, 0},
		{"\xbf", 1, 0},
		{"a\x80" "b", 3, 1},
		/* truncated sequences */
		{"\xc2", 1, 0},
		{"\xe0\xa0", 2, 0},
		{"\xe1\x80", 2, 0},
		{"\xf0\x90\x80", 3, 0},
		{"xyz\xe2\x82", 5, 3},
		/* a bad continuation */
		{"\xc2\x41", 2, 0},
		{"\xe1\x41\x80", 3, 0},
		{"\xe1\x80\x41", 3, 0},
		{"\xf1\x80\x80\xc0", 4, 0},
		/* after the ASCII fast path */
		{"abcdefghij\xed\xa0\x80", 13, 10},
		{"ab\xc0\x80" "cd", 6, 2},
		{"0123456789abcdef\xe2\x82\xac" "0123456789abcdef", 35, 35},
		{"0123456789abcdef\xe2\x82\xac" "0123456789abcde\xff", 35, 34},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const uint8_t *p = (const uint8_t *)cases[i].s;
		ck_assert_msg(dl_utf8_valid(p, cases[i].len) == cases[i].valid, "case %zu: %zu", i,
			      dl_utf8_valid(p, cases[i].len));
		if (cases[i].len)
			check_decode(p, cases[i].len);
	}
	uint32_t cp = 0;
	ck_assert_uint_eq(dl_utf8_decode((const uint8_t *)"", 0, &cp), 0);
	ck_assert_uint_eq(cp, 0xFFFD);
	ck_assert_uint_eq(dl_utf8_decode((const uint8_t *)"\xe2\x82\xac", 3, &cp), 3);
	ck_assert_uint_eq(cp, 0x20AC);
}
END_TEST

START_TEST(test_utf8_exhaustive)
{
	/* Every 1-, 2- and 3-byte string, and 4-byte strings over every lead and second byte
	 * with the interesting third and fourth bytes, against the table. */
	uint8_t p[4];
	for (unsigned a = 0; a < 256; a++) {
		p[0] = (uint8_t)a;
		check_decode(p, 1);
		for (unsigned b = 0; b < 256; b++) {
			p[1] = (uint8_t)b;
			check_decode(p, 2);
			for (unsigned c = 0; c < 256; c++) {
				p[2] = (uint8_t)c;
				check_decode(p, 3);
			}
		}
	}
	static const uint8_t edge[] = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xFF};
	for (unsigned a = 0xC0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++)
			for (size_t c = 0; c < sizeof edge; c++)
				for (size_t d = 0; d < sizeof edge; d++) {
					p[0] = (uint8_t)a;
					p[1] = (uint8_t)b;
					p[2] = edge[c];
					p[3] = edge[d];
					check_decode(p, 4);
				}
}
END_TEST

START_TEST(test_utf8_roundtrip)
{
	uint8_t buf[4];
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		size_t len = dl_utf8_encode(cp, buf);
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			ck_assert_uint_eq(len, 0);
			continue;
		}
		size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (len != want)
			ck_abort_msg("U+%04X: length %zu", (unsigned)cp, len);
		uint32_t back, ref;
		if (dl_utf8_decode(buf, len, &back) != len || back != cp)
			ck_abort_msg("U+%04X does not round-trip", (unsigned)cp);
		if (ref_utf8(buf, len, &ref) != len || ref != cp)
			ck_abort_msg("U+%04X encodes to an ill-formed sequence", (unsigned)cp);
		if (dl_utf8_valid(buf, len) != len)
			ck_abort_msg("U+%04X not valid", (unsigned)cp);
		if (len > 1 && (dl_utf8_decode(buf, len - 1, &back) != 0 || back != 0xFFFD))
			ck_abort_msg("U+%04X cut short decodes", (unsigned)cp);
	}
	ck_assert_uint_eq(dl_utf8_encode(0x110000, buf), 0);
	ck_assert_uint_eq(dl_utf8_encode(UINT32_MAX, buf), 0);
}
END_TEST

/* ================================================================== progress */

START_TEST(test_progress_format)
{
	static const struct {
		uint64_t done, total;
		double elapsed;
		const char *metric, *want;
	} cases[] = {
		{500, 1000, 10, NULL, " 50.0% 500 records, 50/s, ETA 0m10s"},
		{1234567, 0, 2, "loss 2.31", "1.2M records, 617.3k/s, loss 2.31"},
		{1, 1000, 10, NULL, "  0.1% 1 records, 0/s, ETA 2h46m"},
		{0, 1000, 5, NULL, "  0.0% 0 records, 0/s, ETA ?"},
		{1000, 1000, 4, "acc 0.9", "100.0% 1.0k records, 250/s, ETA 0m00s, acc 0.9"},
		{10, 0, 0, NULL, "10 records, 0/s"},
		{750, 1000, 90, NULL, " 75.0% 750 records, 8/s, ETA 0m30s"},
		{5, 1000, 3600, NULL, "  0.5% 5 records, 0/s, ETA 199h00m"},
		{1, 1000000000, 1, NULL, "  0.0% 1 records, 1/s, ETA ?"},   /* beyond 1e8 s */
		{3, 7200, 3, NULL, "  0.0% 3 records, 1/s, ETA 1h59m"},
		{2500000000000ull, 0, 1, NULL, "2.5T records, 2.5T/s"},
		/* Values that round up to 1000 move to the next unit. */
		{999999, 0, 1, NULL, "1.0M records, 1.0M/s"},
		{9997, 0, 10, NULL, "10.0k records, 1.0k/s"},
		{999, 0, 1, NULL, "999 records, 999/s"},
		{999940, 0, 1, NULL, "999.9k records, 999.9k/s"},
	};
	char out[200];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		dl_progress_format(out, sizeof out, "records", cases[i].done, cases[i].total,
				   cases[i].elapsed, cases[i].metric);
		ck_assert_msg(!strcmp(out, cases[i].want), "case %zu: '%s' want '%s'", i, out, cases[i].want);
	}
	/* A small buffer truncates, NUL-terminated. */
	char small[12];
	memset(small, '#', sizeof small);
	dl_progress_format(small, 8, "records", 500, 1000, 10, "loss 1");
	ck_assert_str_eq(small, " 50.0% ");
	ck_assert_int_eq(small[9], '#');
	dl_progress_format(small, 1, "records", 500, 1000, 10, "loss 1");
	ck_assert_str_eq(small, "");
	/* Room for the line but not the metric. */
	char mid[40];
	dl_progress_format(mid, 40, "records", 500, 1000, 10, "a metric that does not fit");
	ck_assert_uint_eq(strlen(mid), 39);
	ck_assert_str_eq(mid, " 50.0% 500 records, 50/s, ETA 0m10s, a ");
	double t1 = dl_now(), t2 = dl_now();
	ck_assert(t2 >= t1 && t1 > 0);
}
END_TEST

static void child_progress_pipe(void *arg)
{
	(void)arg;
	dl_progress p;
	dl_progress_start(&p, "items", 100, 0);
	printf("enabled=%d\n", p.enabled);
	for (uint64_t i = 0; i <= 100; i++)
		dl_progress_update(&p, i, "loss 1");
	dl_progress_finish(&p);
}

START_TEST(test_progress_not_a_tty)
{
	/* stderr is a file: nothing is drawn. */
	run_child(child_progress_pipe, NULL);
	expect_child(CHILD_RETURNED, "enabled=0\n", "");
}
END_TEST

static size_t drain(int fd, char *buf, size_t size)
{
	size_t n = 0;
	struct pollfd pf = {fd, POLLIN, 0};
	while (n + 1 < size && poll(&pf, 1, 300) > 0) {
		ssize_t r = read(fd, buf + n, size - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	return n;
}

START_TEST(test_progress_tty)
{
	int master, slave;
	ck_assert_int_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
	struct termios t;
	ck_assert_int_eq(tcgetattr(slave, &t), 0);
	cfmakeraw(&t);
	ck_assert_int_eq(tcsetattr(slave, TCSANOW, &t), 0);
	int saved = dup(STDERR_FILENO);
	dup2(slave, STDERR_FILENO);
	dl_set_progname("dl-test");
	dl_progress p;
	dl_progress_start(&p, "items", 100, 0);
	int enabled = p.enabled;
	dl_progress_update(&p, 10, "loss 1.5");
	dl_progress_update(&p, 20, NULL);   /* too soon after the first: not drawn */
	dl_progress_finish(&p);
	/* --quiet silences it on a terminal too. */
	dl_progress q;
	dl_progress_start(&q, "items", 100, 1);
	int q_enabled = q.enabled;
	dl_progress_update(&q, 10, NULL);
	dl_progress_finish(&q);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char buf[1024];
	drain(master, buf, sizeof buf);
	close(slave);
	close(master);
	ck_assert_int_eq(enabled, 1);
	ck_assert_int_eq(q_enabled, 0);
	ck_assert_msg(!strncmp(buf, "\rdl-test:  10.0% 10 items, ", 27), "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, ", loss 1.5\033[K\r\033[K"));
	size_t len = strlen(buf);
	ck_assert(len > 4 && !strcmp(buf + len - 4, "\r\033[K"));
	int draws = 0;
	for (char *s = buf; (s = strstr(s, "dl-test:")); s++)
		draws++;
	ck_assert_int_eq(draws, 1);
}
END_TEST

/* ================================================================== tmp */

START_TEST(test_tmp)
{
	unsetenv("TMPDIR");
	ck_assert_str_eq(dl_tmp_dir(), "/tmp");
	setenv("TMPDIR", "", 1);
	ck_assert_str_eq(dl_tmp_dir(), "/tmp");
	setenv("TMPDIR", tdir, 1);
	ck_assert_str_eq(dl_tmp_dir(), tdir);
	dl_err e = {{0}};
	int fd = dl_tmp_fd(&e);
	ck_assert_msg(fd >= 0, "%s", e.msg);
	/* Nameless: nothing in the directory, no links. */
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 0);
	struct stat st;
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_nlink, 0);
	ck_assert_int_eq(write(fd, "spool", 5), 5);
	char buf[8] = {0};
	ck_assert_int_eq(pread(fd, buf, 5, 0), 5);
	ck_assert_str_eq(buf, "spool");
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	FILE *f = dl_tmp_file(&e);
	ck_assert_ptr_nonnull(f);
	fputs("line\n", f);
	rewind(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
	ck_assert_str_eq(buf, "line\n");
	fclose(f);
	ck_assert_int_eq(dir_count(tdir, NULL, 0), 0);
	/* A directory that does not exist. */
	const char *missing = tpath("missing");
	setenv("TMPDIR", missing, 1);
	ck_assert_int_eq(dl_tmp_fd(&e), -1);
	char want[600];
	snprintf(want, sizeof want, "cannot create a temporary file in %s: %s", missing, strerror(ENOENT));
	ck_assert_str_eq(e.msg, want);
	ck_assert_ptr_null(dl_tmp_file(&e));
	ck_assert_str_eq(e.msg, want);
	unsetenv("TMPDIR");
}
END_TEST

/* ================================================================== main */

int main(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase(s, "utf8", 0);
	tcase_add_test(tc, test_utf8_table);
	tcase_add_test(tc, test_utf8_exhaustive);
	tcase_add_test(tc, test_utf8_roundtrip);

	tc = tcase(s, "progress", 0);
	tcase_add_test(tc, test_progress_format);
	tcase_add_test(tc, test_progress_not_a_tty);
	tcase_add_test(tc, test_progress_tty);

	tc = tcase(s, "tmp", 1);
	tcase_add_test(tc, test_tmp);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
