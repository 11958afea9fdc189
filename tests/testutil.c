/*
 * testutil.c — the helpers shared by the Check programs of lib/core; contracts in testutil.h.
 */
#include "config.h"
#include "testutil.h"

#include "core/alloc.h"
#include "core/io.h"

#include <check.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* A byte generator of the tests' own (splitmix64), so that inputs do not depend on rng.c. */
uint64_t gen(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint8_t *random_bytes(size_t n, uint64_t seed)
{
	uint8_t *p = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(gen(&seed) >> 56);
	return p;
}

char *text_lines(size_t nlines, size_t *len)
{
	dl_buf b = {0};
	uint64_t s = 7;
	for (size_t i = 0; i < nlines; i++) {
		uint64_t r = gen(&s);
		dl_buf_printf(&b, "line %zu %.*s\n", i, (int)(r % 40), "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH");
	}
	*len = b.len;
	return (char *)b.data;
}

char tdir[64];

void tdir_make(void)
{
	strcpy(tdir, "/tmp/check_core.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

void tdir_remove(void)
{
	nftw(tdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *tpath(const char *name)
{
	static char ring[8][512];
	static int k;
	char *p = ring[k++ % 8];
	snprintf(p, sizeof ring[0], "%s/%s", tdir, name);
	return p;
}

void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

uint8_t *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	dl_buf b = {0};
	char tmp[65536];
	size_t k;
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
		dl_buf_append(&b, tmp, k);
	fclose(f);
	dl_buf_putc(&b, 0);
	*n = b.len - 1;
	return b.data;
}

int dir_count(const char *dir, char *first, size_t size)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!n && first)
			snprintf(first, size, "%s", de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

struct child ch;

/* Reads a captured stream back into buf (NUL-terminated) and closes it. */
static size_t slurp_stream(FILE *f, char *buf, size_t size)
{
	rewind(f);
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

void run_child(void (*fn)(void *), void *arg)
{
	FILE *fo = tmpfile(), *fe = tmpfile();
	ck_assert(fo && fe);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fileno(fo), STDOUT_FILENO);
		dup2(fileno(fe), STDERR_FILENO);
		fn(arg);
		exit(CHILD_RETURNED);
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ch.status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
	ch.out_len = slurp_stream(fo, ch.out, sizeof ch.out);
	ch.err_len = slurp_stream(fe, ch.err, sizeof ch.err);
}

void read_all_compare(dl_in *in, const uint8_t *want, size_t n)
{
	static const size_t steps[] = {1, 7, 4096, 65537, (1 << 20) + 3, 3 << 20, 100};
	uint8_t *got = malloc(n + (4 << 20));
	size_t done = 0;
	dl_err e = {{0}};
	for (int k = 0;; k++) {
		size_t want_n = steps[k % 7];
		ptrdiff_t r = dl_in_read(in, got + done, want_n, &e);
		ck_assert_msg(r >= 0, "%s", e.msg);
		size_t expect = n - done < want_n ? n - done : want_n;
		ck_assert_uint_eq((size_t)r, expect);
		done += (size_t)r;
		ck_assert_uint_eq(dl_in_offset(in), done);
		if (r == 0)
			break;
	}
	ck_assert_uint_eq(done, n);
	ck_assert(memcmp(got, want, n) == 0);
	ck_assert_int_eq(dl_in_read(in, got, 10, &e), 0);
	free(got);
}

TCase *tcase(Suite *s, const char *name, int with_dir)
{
	TCase *tc = tcase_create(name);
	/* Exhaustive loops and megabytes of gzip under the sanitizers take a while. */
	tcase_set_timeout(tc, 300);
	if (with_dir)
		tcase_add_checked_fixture(tc, tdir_make, tdir_remove);
	suite_add_tcase(s, tc);
	return tc;
}

static int hex4(const char *p, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f'
								? (c | 0x20) - 'a' + 10 : -1;
		if (d < 0)
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

uint8_t *json_string_bytes(const char *p, size_t *len)
{
	if (*p++ != '"')
		return NULL;
	size_t cap = strlen(p) + 1, n = 0;
	uint8_t *out = malloc(cap);
	while (*p && *p != '"') {
		if (*p != '\\') {
			out[n++] = (uint8_t)*p++;
			continue;
		}
		p++;
		uint32_t cp, lo;
		switch (*p) {
		case '"': case '\\': case '/': out[n++] = (uint8_t)*p; p++; continue;
		case 'b': out[n++] = '\b'; p++; continue;
		case 'f': out[n++] = '\f'; p++; continue;
		case 'n': out[n++] = '\n'; p++; continue;
		case 'r': out[n++] = '\r'; p++; continue;
		case 't': out[n++] = '\t'; p++; continue;
		case 'u':
			if (hex4(p + 1, &cp) < 0)
				goto bad;
			p += 5;
			if (cp >= 0xD800 && cp < 0xDC00) {
				if (p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) < 0 || lo < 0xDC00 ||
				    lo > 0xDFFF)
					goto bad;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			}
			if (cp < 0x80) {
				out[n++] = (uint8_t)cp;
			} else if (cp < 0x800) {
				out[n++] = (uint8_t)(0xC0 | cp >> 6);
				out[n++] = (uint8_t)(0x80 | (cp & 63));
			} else if (cp < 0x10000) {
				out[n++] = (uint8_t)(0xE0 | cp >> 12);
				out[n++] = (uint8_t)(0x80 | (cp >> 6 & 63));
				out[n++] = (uint8_t)(0x80 | (cp & 63));
			} else {
				out[n++] = (uint8_t)(0xF0 | cp >> 18);
				out[n++] = (uint8_t)(0x80 | (cp >> 12 & 63));
				out[n++] = (uint8_t)(0x80 | (cp >> 6 & 63));
				out[n++] = (uint8_t)(0x80 | (cp & 63));
			}
			continue;
		default:
			goto bad;
		}
	}
	if (*p != '"')
		goto bad;
	out[n] = 0;
	*len = n;
	return out;
bad:
	free(out);
	return NULL;
}

const char *test_data(const char *rel)
{
	static char path[8][4200];
	static int next;
	const char *src = getenv("DL_SRC");
	char *p = path[next++ % 8];
	snprintf(p, sizeof path[0], "%s/tests/data/%s", src ? src : ".", rel);
	return p;
}
