/*
 * testutil.h — helpers shared by the Check programs of lib/core (check_core, check_io_in,
 * check_io_out, check_rng, check_utf8).
 *
 * Inputs come from a generator of the tests' own, so they never depend on the code under
 * test. Each TCase that asks for it gets a fresh temporary directory per test (tdir).
 * Code that ends the process (dl_die, dl_usage_error, --help) runs in a forked child whose
 * stdout and stderr are captured (run_child, ch); tests then check the exit status and the
 * exact messages. Failures are reported through Check's ck_assert, so these helpers are
 * only for use inside a running test (or a fixture).
 */
#ifndef DL_TESTS_TESTUTIL_H
#define DL_TESTS_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "core/io.h"

/* One step of splitmix64 on *s: the next pseudo-random value. */
uint64_t gen(uint64_t *s);
/* n bytes from gen seeded with seed, in a malloc'd buffer (never NULL, even for n = 0). */
uint8_t *random_bytes(size_t n, uint64_t seed);
/* nlines lines "line I WORD\n" of varying length (always the same ones); *len set. The text
 * is malloc'd and NUL-terminated. */
char *text_lines(size_t nlines, size_t *len);

/* The current test's temporary directory, made by tdir_make and removed with everything in
 * it by tdir_remove (the fixture of tcase(..., 1)). */
extern char tdir[64];
void tdir_make(void);
void tdir_remove(void);
/* tdir/name, in one of 8 static buffers used in turn: valid until 8 more calls. */
const char *tpath(const char *name);

/* $DL_SRC/tests/data/rel (DL_SRC, set by make check, is the source tree; "." when unset), in
 * one of 8 static buffers used in turn. */
const char *test_data(const char *rel);

/* Writes p[0..n) to path, replacing it; fails the test on any error. */
void write_file(const char *path, const void *p, size_t n);
/* The whole file, malloc'd and NUL-terminated, *n its length; NULL when it cannot be opened. */
uint8_t *read_file(const char *path, size_t *n);
/* Entries of dir other than . and ..; the first one's name goes to first (if not NULL). */
int dir_count(const char *dir, char *first, size_t size);

/* A forked child: run_child runs fn(arg) in it with stdout and stderr captured to ch.out and
 * ch.err (NUL-terminated, at most 64 KiB - 1 each). ch.status is the exit status, 128 + the
 * signal number when killed, CHILD_RETURNED when fn came back. */
#define CHILD_RETURNED 99
struct child {
	int status;
	size_t out_len, err_len;
	char out[1 << 16], err[1 << 16];
};
extern struct child ch;
void run_child(void (*fn)(void *), void *arg);

/* The last child's exit status, stdout and stderr, exactly. */
#define expect_child(st, o, e)                     \
	do {                                       \
		ck_assert_str_eq(ch.err, (e));     \
		ck_assert_str_eq(ch.out, (o));     \
		ck_assert_int_eq(ch.status, (st)); \
	} while (0)

/* ck_assert records a checkpoint on every call (a write to Check's pipe), which is slow
 * over millions of items: loops use this instead. */
#define FAST_ASSERT(expr)                                                      \
	do {                                                                   \
		if (!(expr))                                                   \
			ck_abort_msg("Assertion '%s' failed", #expr);          \
	} while (0)

/* Reads in to the end with dl_in_read in steps of varying size (from one byte to several
 * MiB) and checks that it yields exactly want[0..n), then EOF. */
void read_all_compare(dl_in *in, const uint8_t *want, size_t n);

/* Decodes the JSON string whose opening quote is at p (escapes, \uXXXX with surrogate pairs;
 * a \u0000 becomes a NUL byte, which is why cJSON is not used for these). Returns the
 * malloc'd bytes (NUL-terminated too), *len set; NULL on a malformed string. */
uint8_t *json_string_bytes(const char *p, size_t *len);

/* A TCase named name added to s, with a timeout long enough for the sanitizers; with_dir
 * gives each of its tests a fresh tdir. */
TCase *tcase(Suite *s, const char *name, int with_dir);

#endif
