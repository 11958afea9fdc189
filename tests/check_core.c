/*
 * check_core.c — unit tests for lib/core's error reporting (error.c), memory and buffers
 * (alloc.c) and command-line handling (cli.c). The rest of lib/core is tested by
 * check_io_in, check_io_out, check_rng and check_utf8; the helpers they share are in
 * testutil.c.
 *
 * Code that ends the process (dl_die, dl_usage_error, --help) runs in a forked child whose
 * stdout and stderr go to temporary files; the test then checks the exit status and the
 * exact messages. The metrics log is checked with a JSON syntax checker of the tests' own.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/cli.h"
#include "core/error.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ================================================================== error */

static void child_die(void *arg)
{
	(void)arg;
	dl_set_progname("/usr/local/bin/dl-test");
	printf("partial output ");   /* stdout is flushed before the message */
	dl_die("bad thing %d in %s", 7, "x.txt");
}

START_TEST(test_die)
{
	run_child(child_die, NULL);
	expect_child(1, "partial output ", "dl-test: bad thing 7 in x.txt\n");
}
END_TEST

static void child_die_errno(void *arg)
{
	(void)arg;
	dl_set_progname("dl-test");
	errno = ENOENT;
	dl_die_errno("%s: cannot open", "in.txt");
}

START_TEST(test_die_errno)
{
	char want[256];
	snprintf(want, sizeof want, "dl-test: in.txt: cannot open: %s\n", strerror(ENOENT));
	run_child(child_die_errno, NULL);
	expect_child(1, "", want);
}
END_TEST

static void child_usage(void *arg)
{
	(void)arg;
	dl_set_progname("bin/dl-test");
	dl_usage_error("unknown command '%s'", "frob");
}

START_TEST(test_usage_error)
{
	run_child(child_usage, NULL);
	expect_child(2, "", "dl-test: unknown command 'frob'\nTry 'dl-test --help' for more information.\n");
}
END_TEST

static void hook_marker(void)
{
	fputs("hook ran\n", stderr);
}

static void child_die_hook(void *arg)
{
	dl_set_progname("dl-test");
	dl_set_die_hook(hook_marker);
	if (arg)
		dl_usage_error("usage");
	dl_die("fatal");
}

START_TEST(test_die_exit_status)
{
	dup2(open("/dev/null", O_WRONLY), STDERR_FILENO);
	dl_die("fatal");
}
END_TEST

START_TEST(test_usage_exit_status)
{
	dup2(open("/dev/null", O_WRONLY), STDERR_FILENO);
	dl_usage_error("bad usage");
}
END_TEST

START_TEST(test_die_hook)
{
	/* The hook runs after the message, for both kinds of fatal error. */
	run_child(child_die_hook, NULL);
	expect_child(1, "", "dl-test: fatal\nhook ran\n");
	run_child(child_die_hook, "usage");
	expect_child(2, "", "dl-test: usage\nTry 'dl-test --help' for more information.\nhook ran\n");
}
END_TEST

static void child_messages(void *arg)
{
	(void)arg;
	dl_set_progname("dl-test");
	dl_error("recoverable %s", "error");
	dl_warn("first %d", 1);
	ck_assert_int_eq(dl_is_quiet(), 0);
	dl_set_quiet(1);
	ck_assert_int_eq(dl_is_quiet(), 1);
	dl_warn("silenced");
	dl_error("errors are never silenced");
	dl_set_quiet(0);
	dl_warn("loud again");
}

START_TEST(test_error_warn_quiet)
{
	run_child(child_messages, NULL);
	expect_child(CHILD_RETURNED, "",
		     "dl-test: recoverable error\n"
		     "dl-test: warning: first 1\n"
		     "dl-test: errors are never silenced\n"
		     "dl-test: warning: loud again\n");
}
END_TEST

START_TEST(test_progname)
{
	dl_set_progname("/a/b/dl-x");
	ck_assert_str_eq(dl_progname(), "dl-x");
	dl_set_progname(NULL);          /* ignored */
	ck_assert_str_eq(dl_progname(), "dl-x");
	dl_set_progname("");            /* ignored */
	ck_assert_str_eq(dl_progname(), "dl-x");
	dl_set_progname("plain");
	ck_assert_str_eq(dl_progname(), "plain");
}
END_TEST

static int verrf_wrap(dl_err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = dl_verrf(e, fmt, ap);
	va_end(ap);
	return rc;
}

START_TEST(test_errf)
{
	dl_err e;
	memset(&e, 'z', sizeof e);
	ck_assert_int_eq(dl_errf(&e, "%s: record %d (byte offset %llu): %s", "f.tfrecord", 3,
				 4096ull, "data CRC mismatch"), -1);
	ck_assert_str_eq(e.msg, "f.tfrecord: record 3 (byte offset 4096): data CRC mismatch");
	ck_assert_int_eq(verrf_wrap(&e, "v%c", 'x'), -1);
	ck_assert_str_eq(e.msg, "vx");
	/* No buffer: still -1, nothing written. */
	ck_assert_int_eq(dl_errf(NULL, "ignored %d", 1), -1);
	ck_assert_int_eq(verrf_wrap(NULL, "ignored"), -1);
}
END_TEST

START_TEST(test_errf_truncates)
{
	char long_name[2000];
	memset(long_name, 'n', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	dl_err e;
	memset(&e, 'z', sizeof e);
	ck_assert_int_eq(dl_errf(&e, "%s: truncated header", long_name), -1);
	ck_assert_uint_eq(strlen(e.msg), sizeof e.msg - 1);
	ck_assert(strspn(e.msg, "n") == sizeof e.msg - 1);
	/* Exactly fitting: 511 characters survive whole. */
	ck_assert_int_eq(dl_errf(&e, "%.*s", 511, long_name), -1);
	ck_assert_uint_eq(strlen(e.msg), 511);
}
END_TEST

/* ================================================================== alloc */

START_TEST(test_buf)
{
	dl_buf b = {0};
	dl_buf_printf(&b, "%d-%s", 42, "x");
	ck_assert_uint_eq(b.len, 4);
	ck_assert_mem_eq(b.data, "42-x", 4);
	dl_buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

START_TEST(test_buf_growth)
{
	/* Pieces of every size from 0 to 999, then putc/puts/printf: contents in order. */
	dl_buf b = {0};
	uint8_t *want = malloc(600000);
	size_t n = 0;
	uint64_t s = 3;
	for (size_t k = 0; k < 1000; k++) {
		uint8_t piece[1000];
		for (size_t i = 0; i < k; i++)
			piece[i] = (uint8_t)gen(&s);
		dl_buf_append(&b, piece, k);
		memcpy(want + n, piece, k);
		n += k;
		FAST_ASSERT(b.len == n);
		FAST_ASSERT(b.cap >= b.len);
	}
	dl_buf_putc(&b, 0x1ff);          /* stored as a byte */
	want[n++] = 0xff;
	dl_buf_puts(&b, "tail");
	memcpy(want + n, "tail", 4);
	n += 4;
	char big[3000];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	dl_buf_printf(&b, "<%s>%d", big, -5);
	want[n++] = '<';
	memcpy(want + n, big, sizeof big - 1);
	n += sizeof big - 1;
	memcpy(want + n, ">-5", 3);
	n += 3;
	ck_assert_uint_eq(b.len, n);
	ck_assert(memcmp(b.data, want, n) == 0);
	/* printf leaves a NUL after the text, not counted. */
	ck_assert_uint_gt(b.cap, b.len);
	ck_assert_int_eq(b.data[b.len], 0);
	/* clear keeps the memory. */
	size_t cap = b.cap;
	dl_buf_clear(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, cap);
	dl_buf_append(&b, "x", 0);
	ck_assert_uint_eq(b.len, 0);
	dl_buf_reserve(&b, cap + 10);
	ck_assert_uint_ge(b.cap, cap + 10);
	dl_buf_free(&b);
	free(want);
}
END_TEST

START_TEST(test_grow)
{
	int *a = NULL;
	size_t cap = 0;
	for (int i = 0; i < 10000; i++) {
		DL_GROW(a, cap, (size_t)i + 1);
		FAST_ASSERT(cap >= (size_t)i + 1);
		/* Capacity doubles from 8: always a power of two, at most twice the need. */
		FAST_ASSERT((cap & (cap - 1)) == 0);
		FAST_ASSERT(cap >= 8 && (cap == 8 || cap < 2 * ((size_t)i + 1)));
		a[i] = i * 3;
	}
	for (int i = 0; i < 10000; i++)
		FAST_ASSERT(a[i] == i * 3);
	/* Nothing happens when it already fits. */
	int *before = a;
	size_t cap_before = cap;
	DL_GROW(a, cap, 5);
	ck_assert_ptr_eq(a, before);
	ck_assert_uint_eq(cap, cap_before);
	free(a);
}
END_TEST

START_TEST(test_alloc_basics)
{
	size_t out = 0;
	ck_assert_int_eq(dl_mul_ok(3, 4, &out), 1);
	ck_assert_uint_eq(out, 12);
	ck_assert_int_eq(dl_mul_ok(SIZE_MAX, 2, &out), 0);
	ck_assert_int_eq(dl_mul_ok((size_t)1 << 32, (size_t)1 << 32, &out), 0);
	ck_assert_int_eq(dl_mul_ok(SIZE_MAX, 1, &out), 1);

	void *p = dl_malloc(0);   /* never NULL */
	ck_assert_ptr_nonnull(p);
	free(p);
	unsigned char *z = dl_calloc(1000, 3);
	for (int i = 0; i < 3000; i++)
		FAST_ASSERT(z[i] == 0);
	free(z);
	p = dl_calloc(0, 8);
	ck_assert_ptr_nonnull(p);
	free(p);
	long *l = dl_mallocarray(10, sizeof *l);
	for (int i = 0; i < 10; i++)
		l[i] = i;
	l = dl_reallocarray(l, 100000, sizeof *l);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(l[i], i);
	free(l);

	char *s = dl_strdup("hello");
	ck_assert_str_eq(s, "hello");
	free(s);
	s = dl_strndup("hello", 3);
	ck_assert_str_eq(s, "hel");
	free(s);
	s = dl_strndup("hi", 100);    /* stops at the NUL */
	ck_assert_str_eq(s, "hi");
	free(s);
	dl_free(NULL);
}
END_TEST

/* Exit tests: the status is checked by Check itself. */
START_TEST(test_reallocarray_overflow_exit)
{
	dup2(open("/dev/null", O_WRONLY), STDERR_FILENO);
	dl_reallocarray(NULL, SIZE_MAX / 2, 4);
	/* not reached */
}
END_TEST

START_TEST(test_calloc_overflow_exit)
{
	dup2(open("/dev/null", O_WRONLY), STDERR_FILENO);
	dl_calloc((size_t)1 << 33, (size_t)1 << 33);
}
END_TEST

static void child_overflow(void *arg)
{
	int which = *(int *)arg;
	dl_set_progname("dl-test");
	void *p = NULL;
	switch (which) {
	case 0:
		p = dl_reallocarray(NULL, SIZE_MAX / 2 + 2, 2);   /* would wrap to 2 */
		break;
	case 1:
		p = dl_mallocarray((size_t)1 << 62, 8);            /* would wrap to 0 */
		break;
	case 2:
		p = dl_calloc(SIZE_MAX, SIZE_MAX);
		break;
	case 3: {
		char *q = NULL;
		size_t cap = 0;
		DL_GROW(q, cap, SIZE_MAX / 2 + 2);               /* doubling would overflow */
		p = q;
		break;
	}
	case 4: {
		uint64_t *q = NULL;
		size_t cap = 0;
		DL_GROW(q, cap, (size_t)1 << 62);                /* elements x 8 overflows */
		p = q;
		break;
	}
	case 5: {
		dl_buf b = {0};
		dl_buf_append(&b, "0123456789", 10);
		dl_buf_reserve(&b, SIZE_MAX - 5);
		p = b.data;
		break;
	}
	}
	printf("returned %p\n", p);
}

START_TEST(test_overflow_dies)
{
	for (int which = 0; which < 6; which++) {
		run_child(child_overflow, &which);
		ck_assert_msg(ch.status == 1, "case %d: status %d", which, ch.status);
		ck_assert_str_eq(ch.out, "");
		ck_assert_msg(!strncmp(ch.err, "dl-test: allocation size overflow", 33), "case %d: %s",
			      which, ch.err);
	}
}
END_TEST

/* ================================================================== cli */

static const char usage_text[] = "Usage: dl-test [OPTIONS] FILE...\n  -o FILE  output\n";

/* Parses argv as a binary would; the options and the first operand are printed. */
static void parse_argv(int argc, char **argv, dl_opts *o, const char **output)
{
	static const struct option longopts[] = {
		{"output", required_argument, 0, 'o'}, DL_COMMON_LONGOPTS
	};
	int c;
	while ((c = getopt_long(argc, argv, ":o:" DL_COMMON_SHORTOPTS, longopts, NULL)) != -1)
		switch (c) {
		case 'o':
			*output = optarg;
			break;
		default:
			ck_assert_int_eq(dl_cli_common(o, c, argc, argv, usage_text), 1);
		}
}

struct argv_case {
	int argc;
	char *argv[14];
};

static void child_parse(void *arg)
{
	struct argv_case *a = arg;
	dl_opts o;
	const char *output = NULL;
	dl_cli_init(a->argc, a->argv, &o);
	dl_cli_reset();
	parse_argv(a->argc, a->argv, &o, &output);
	printf("threads=%d seed=%llu quiet=%d verbose=%d log=%s output=%s rest=%s\n", o.threads,
	       (unsigned long long)o.seed, o.quiet, o.verbose, o.log_path ? o.log_path : "-",
	       output ? output : "-", optind < a->argc ? a->argv[optind] : "-");
}

START_TEST(test_cli_common)
{
	struct argv_case a = {12, {"/usr/bin/dl-test", "--threads", "3", "--seed", "18446744073709551615",
				   "--quiet", "--log", "m.jsonl", "--verbose", "-o", "out", "in.txt"}};
	run_child(child_parse, &a);
	expect_child(CHILD_RETURNED,
		     "threads=3 seed=18446744073709551615 quiet=1 verbose=1 log=m.jsonl output=out rest=in.txt\n", "");
	/* = forms, short -q, an operand before the options (GNU permutation). */
	struct argv_case b = {6, {"dl-test", "in.txt", "--threads=7", "--seed=0", "-q", "--log=-"}};
	run_child(child_parse, &b);
	expect_child(CHILD_RETURNED, "threads=7 seed=0 quiet=1 verbose=0 log=- output=- rest=in.txt\n", "");
}
END_TEST

START_TEST(test_cli_defaults)
{
	dl_opts o;
	char *argv[] = {"dir/dl-defaults", NULL};
	dl_cli_init(1, argv, &o);
	ck_assert_str_eq(dl_progname(), "dl-defaults");
	ck_assert_int_eq(o.threads, dl_default_threads());
	ck_assert_int_ge(o.threads, 1);
	ck_assert_int_eq(o.threads, (int)sysconf(_SC_NPROCESSORS_ONLN));
	ck_assert_uint_eq(o.seed, DL_DEFAULT_SEED);
	ck_assert_int_eq(o.quiet, 0);
	ck_assert_int_eq(o.verbose, 0);
	ck_assert_ptr_null(o.log_path);
	/* A quiet option makes warnings quiet. */
	ck_assert_int_eq(dl_cli_common(&o, 'q', 1, argv, usage_text), 1);
	ck_assert_int_eq(o.quiet, 1);
	ck_assert_int_eq(dl_is_quiet(), 1);
	dl_set_quiet(0);
}
END_TEST

START_TEST(test_cli_subcommand_reset)
{
	/* A main parse, then the subcommand's own argv from the start. */
	dl_opts o;
	char *argv[] = {"dl-test", "--seed", "5", "train", "--threads", "2", "-o", "m.json", "x", NULL};
	dl_cli_init(9, argv, &o);
	dl_cli_reset();
	static const struct option main_opts[] = {DL_COMMON_LONGOPTS};
	int c;
	/* "+" stops at the command word. */
	while ((c = getopt_long(9, argv, "+:" DL_COMMON_SHORTOPTS, main_opts, NULL)) != -1)
		dl_cli_common(&o, c, 9, argv, usage_text);
	ck_assert_uint_eq(o.seed, 5);
	ck_assert_int_eq(optind, 3);
	ck_assert_str_eq(argv[optind], "train");
	int sub_argc = 9 - optind;
	char **sub_argv = argv + optind;
	dl_cli_reset();
	const char *output = NULL;
	parse_argv(sub_argc, sub_argv, &o, &output);
	ck_assert_int_eq(o.threads, 2);
	ck_assert_str_eq(output, "m.json");
	ck_assert_int_eq(optind, 5);
	ck_assert_str_eq(sub_argv[optind], "x");
}
END_TEST

START_TEST(test_cli_help_version)
{
	struct argv_case a = {3, {"dl-test", "--help", "--bogus"}};
	run_child(child_parse, &a);
	expect_child(0, usage_text, "");
	struct argv_case h = {2, {"dl-test", "-h"}};
	run_child(child_parse, &h);
	expect_child(0, usage_text, "");
	struct argv_case v = {2, {"dl-test", "--version"}};
	run_child(child_parse, &v);
	expect_child(0, "dl-test (dl) " PACKAGE_VERSION "\n", "");
}
END_TEST

static const char *extra_line(void)
{
	return "Extra: line";
}

static void child_version_extra(void *arg)
{
	(void)arg;
	dl_set_progname("dl-x");
	dl_cli_version_extra(extra_line);
	dl_cli_version_extra(extra_line);   /* registered once */
	dl_cli_version();
}

START_TEST(test_cli_version_extra)
{
	run_child(child_version_extra, NULL);
	expect_child(0, "dl-x (dl) " PACKAGE_VERSION "\nExtra: line\n", "");
}
END_TEST

#define TRY "Try 'dl-test --help' for more information.\n"

START_TEST(test_cli_usage_errors)
{
	static const struct {
		int argc;
		char *argv[4];
		const char *err;
	} cases[] = {
		{2, {"dl-test", "--bogus"}, "dl-test: unknown option '--bogus'\n" TRY},
		{2, {"dl-test", "--bogus=1"}, "dl-test: unknown option '--bogus=1'\n" TRY},
		{2, {"dl-test", "-z"}, "dl-test: unknown option '-z'\n" TRY},
		{2, {"dl-test", "-qz"}, "dl-test: unknown option '-z'\n" TRY},
		{2, {"dl-test", "--threads"}, "dl-test: option '--threads' needs a value\n" TRY},
		{2, {"dl-test", "-o"}, "dl-test: option '-o' needs a value\n" TRY},
		{3, {"dl-test", "--threads", "0"}, "dl-test: --threads: 0 is out of range [1, 4096]\n" TRY},
		{3, {"dl-test", "--threads", "4097"}, "dl-test: --threads: 4097 is out of range [1, 4096]\n" TRY},
		{3, {"dl-test", "--threads", "two"}, "dl-test: --threads: 'two' is not an integer\n" TRY},
		{3, {"dl-test", "--seed", "-1"}, "dl-test: --seed: '-1' is not a non-negative integer\n" TRY},
		{3, {"dl-test", "--seed", "18446744073709551616"},
		 "dl-test: --seed: '18446744073709551616' is not a non-negative integer\n" TRY},
		{2, {"dl-test", "--quiet=1"}, "dl-test: option '--quiet' takes no value\n" TRY},
		{2, {"dl-test", "--verbose=yes"}, "dl-test: option '--verbose' takes no value\n" TRY},
		{2, {"dl-test", "-qo"}, "dl-test: option '-o' needs a value\n" TRY},
		{2, {"dl-test", "--output"}, "dl-test: option '--output' needs a value\n" TRY},
		{3, {"dl-test", "--log=x", "-zq"}, "dl-test: unknown option '-z'\n" TRY},
		{3, {"dl-test", "--log=x", "-qz"}, "dl-test: unknown option '-z'\n" TRY},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct argv_case a = {cases[i].argc, {0}};
		memcpy(a.argv, cases[i].argv, sizeof cases[i].argv);
		run_child(child_parse, &a);
		ck_assert_msg(ch.status == 2, "case %zu: status %d", i, ch.status);
		ck_assert_msg(!strcmp(ch.err, cases[i].err), "case %zu: got '%s' want '%s'", i, ch.err,
			      cases[i].err);
		ck_assert_str_eq(ch.out, "");
	}
}
END_TEST

static void child_unhandled(void *arg)
{
	(void)arg;
	dl_opts o;
	char *argv[] = {"dl-test", "-x", NULL};
	dl_cli_init(2, argv, &o);
	optind = 2;
	dl_cli_common(&o, 'x', 2, argv, usage_text);
}

START_TEST(test_cli_unhandled)
{
	run_child(child_unhandled, NULL);
	expect_child(2, "", "dl-test: unhandled option '-x'\n" TRY);
}
END_TEST

/* A number parse in a child: prints the value when accepted. */
struct parse_case {
	char kind;              /* 'l', 'u', 'd' */
	const char *s;
	long long lmin, lmax;
	double dmin, dmax;
};

static void child_number(void *arg)
{
	struct parse_case *c = arg;
	dl_set_progname("dl-test");
	if (c->kind == 'l')
		printf("%lld\n", dl_parse_ll(c->s, "--n", c->lmin, c->lmax));
	else if (c->kind == 'u')
		printf("%llu\n", (unsigned long long)dl_parse_u64(c->s, "--n"));
	else
		printf("%.17g\n", dl_parse_double(c->s, "--n", c->dmin, c->dmax));
}

START_TEST(test_parse_accept)
{
	ck_assert_int_eq(dl_parse_ll("42", "--n", 0, 100), 42);
	ck_assert_int_eq(dl_parse_ll("-5", "--n", -10, 10), -5);
	ck_assert_int_eq(dl_parse_ll("+7", "--n", 0, 10), 7);
	ck_assert_int_eq(dl_parse_ll("0", "--n", 0, 0), 0);
	ck_assert(dl_parse_ll("9223372036854775807", "--n", 0, LLONG_MAX) == LLONG_MAX);
	ck_assert(dl_parse_ll("-9223372036854775808", "--n", LLONG_MIN, 0) == LLONG_MIN);
	ck_assert(dl_parse_u64("0", "--n") == 0);
	ck_assert(dl_parse_u64("18446744073709551615", "--n") == UINT64_MAX);
	ck_assert(dl_parse_u64("12345678901234", "--n") == 12345678901234ull);
	ck_assert(dl_parse_double("0.5", "--n", 0, 1) == 0.5);
	ck_assert(dl_parse_double("1e3", "--n", 0, 1e4) == 1000.0);
	ck_assert(dl_parse_double("-2.5", "--n", -3, 0) == -2.5);
	ck_assert(dl_parse_double("1", "--n", 1, 1) == 1.0);
	ck_assert(dl_parse_double("inf", "--n", 0, INFINITY) == INFINITY);
}
END_TEST

START_TEST(test_parse_reject)
{
	static const struct {
		struct parse_case c;
		const char *err;
	} cases[] = {
		{{'l', "", 0, 100, 0, 0}, "--n: '' is not an integer"},
		{{'l', "abc", 0, 100, 0, 0}, "--n: 'abc' is not an integer"},
		{{'l', "12x", 0, 100, 0, 0}, "--n: '12x' is not an integer"},
		{{'l', "1.5", 0, 100, 0, 0}, "--n: '1.5' is not an integer"},
		{{'l', "0x10", 0, 100, 0, 0}, "--n: '0x10' is not an integer"},
		{{'l', " 5", 0, 100, 0, 0}, "--n: ' 5' is not an integer"},
		{{'l', "5 ", 0, 100, 0, 0}, "--n: '5 ' is not an integer"},
		{{'l', "101", 0, 100, 0, 0}, "--n: 101 is out of range [0, 100]"},
		{{'l', "-1", 0, 100, 0, 0}, "--n: -1 is out of range [0, 100]"},
		{{'l', "99999999999999999999", 0, 100, 0, 0}, "--n: '99999999999999999999' is not an integer"},
		{{'u', "", 0, 0, 0, 0}, "--n: '' is not a non-negative integer"},
		{{'u', "-1", 0, 0, 0, 0}, "--n: '-1' is not a non-negative integer"},
		{{'u', " -1", 0, 0, 0, 0}, "--n: ' -1' is not a non-negative integer"},
		{{'u', " 1", 0, 0, 0, 0}, "--n: ' 1' is not a non-negative integer"},
		{{'u', "1a", 0, 0, 0, 0}, "--n: '1a' is not a non-negative integer"},
		{{'u', "18446744073709551616", 0, 0, 0, 0},
		 "--n: '18446744073709551616' is not a non-negative integer"},
		{{'d', "", 0, 0, 0, 1}, "--n: '' is not a number"},
		{{'d', "x", 0, 0, 0, 1}, "--n: 'x' is not a number"},
		{{'d', "1.0.0", 0, 0, 0, 1}, "--n: '1.0.0' is not a number"},
		{{'d', "nan", 0, 0, 0, 1}, "--n: 'nan' is not a number"},
		{{'d', " 0.5", 0, 0, 0, 1}, "--n: ' 0.5' is not a number"},
		{{'d', "1e999", 0, 0, 0, 1}, "--n: '1e999' is not a number"},
		{{'d', "1.5", 0, 0, 0, 1}, "--n: 1.5 is out of range [0, 1]"},
		{{'d', "-0.25", 0, 0, 0, 1}, "--n: -0.25 is out of range [0, 1]"},
		{{'d', "inf", 0, 0, 0, 1}, "--n: inf is out of range [0, 1]"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct parse_case c = cases[i].c;
		char want[300];
		snprintf(want, sizeof want, "dl-test: %s\n" TRY, cases[i].err);
		run_child(child_number, &c);
		ck_assert_msg(ch.status == 2, "case %zu ('%s'): status %d, printed %s", i, c.s, ch.status,
			      ch.out);
		ck_assert_msg(!strcmp(ch.err, want), "case %zu: got '%s' want '%s'", i, ch.err, want);
	}
}
END_TEST

/* A small JSON syntax checker (RFC 8259), to check the metrics log independently. */
static const char *js_value(const char *p, int depth);

static const char *js_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *js_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return NULL;
				p += 5;
			} else if (*p && strchr("\"\\/bfnrt", *p)) {
				p++;
			} else {
				return NULL;
			}
		} else {
			p++;
		}
	}
	return p + 1;
}

static const char *js_digits(const char *p)
{
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9')
		p++;
	return p;
}

static const char *js_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (!(p = js_digits(p)))
		return NULL;
	if (*p == '.' && !(p = js_digits(p + 1)))
		return NULL;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		p = js_digits(p);
	}
	return p;
}

static const char *js_list(const char *p, int depth, char close, int object)
{
	p = js_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			if (!(p = js_string(p)))
				return NULL;
			p = js_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		if (!(p = js_value(p, depth + 1)))
			return NULL;
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
		p = js_ws(p);
	}
}

static const char *js_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = js_ws(p);
	if (*p == '{')
		p = js_list(p, depth, '}', 1);
	else if (*p == '[')
		p = js_list(p, depth, ']', 0);
	else if (*p == '"')
		p = js_string(p);
	else if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		p += 4;
	else if (!strncmp(p, "false", 5))
		p += 5;
	else
		p = js_number(p);
	return p ? js_ws(p) : NULL;
}

static int json_valid(const char *s)
{
	const char *end = js_value(s, 0);
	return end && !*end;
}

/* An exit test: Check itself checks the status (2). The fixture's teardown does not run
 * after an exit, so the directory goes first. */
START_TEST(test_parse_exit_status)
{
	tdir_remove();
	dup2(open("/dev/null", O_WRONLY), STDERR_FILENO);
	dl_parse_ll("many", "--threads", 1, 4096);
}
END_TEST

START_TEST(test_json_checker)
{
	/* The checker itself, so that a pass below means something. */
	ck_assert(json_valid("{\"a\":[1,-2.5e3,true,null,\"x\\n\\u00e9\"],\"b\":{}}"));
	ck_assert(json_valid(" [ ] "));
	ck_assert(!json_valid("{\"a\":1,}"));
	ck_assert(!json_valid("{\"a\":nan}"));
	ck_assert(!json_valid("{\"a\":01}"));
	ck_assert(!json_valid("{a:1}"));
	ck_assert(!json_valid("{\"a\":1}}"));
	ck_assert(!json_valid("\"\\x\""));
	ck_assert(!json_valid("{\"a\":1."));
}
END_TEST

START_TEST(test_log)
{
	ck_assert_ptr_null(dl_log_open(NULL));
	dl_log(NULL, "\"ignored\":%d", 1);
	dl_log_close(NULL);
	const char *path = tpath("metrics.jsonl");
	FILE *log = dl_log_open(path);
	ck_assert_ptr_nonnull(log);
	for (int step = 0; step < 5; step++) {
		dl_log(log, "\"step\":%d,\"loss\":%.6g,\"phase\":\"%s\"", step, 2.5 / (step + 1), "train");
		/* Line-buffered: each line is in the file at once, for tail -f. */
		size_t n;
		uint8_t *now = read_file(path, &n);
		ck_assert_int_eq(now[n - 1], '\n');
		free(now);
	}
	dl_log(log, "%s", "");
	dl_log_close(log);
	size_t n;
	char *text = (char *)read_file(path, &n);
	int lines = 0;
	for (char *save, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		ck_assert_msg(json_valid(line), "not JSON: %s", line);
		ck_assert_int_eq(line[0], '{');
		if (lines < 5) {
			char want[32];
			snprintf(want, sizeof want, "{\"step\":%d,", lines);
			ck_assert(!strncmp(line, want, strlen(want)));
		} else {
			ck_assert_str_eq(line, "{}");
		}
		lines++;
	}
	ck_assert_int_eq(lines, 6);
	free(text);
}
END_TEST

static void child_log_open(void *arg)
{
	dl_set_progname("dl-test");
	dl_log_open(arg);
}

START_TEST(test_log_open_error)
{
	const char *path = tpath("nodir/m.jsonl");
	char want[600];
	snprintf(want, sizeof want, "dl-test: %s: cannot open log: %s\n", path, strerror(ENOENT));
	run_child(child_log_open, (void *)path);
	expect_child(1, "", want);
}
END_TEST

/* ================================================================== main */

int main(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase(s, "error", 0);
	tcase_add_test(tc, test_die);
	tcase_add_test(tc, test_die_errno);
	tcase_add_test(tc, test_usage_error);
	tcase_add_exit_test(tc, test_die_exit_status, DL_EXIT_FAIL);
	tcase_add_exit_test(tc, test_usage_exit_status, DL_EXIT_USAGE);
	tcase_add_test(tc, test_die_hook);
	tcase_add_test(tc, test_error_warn_quiet);
	tcase_add_test(tc, test_progname);
	tcase_add_test(tc, test_errf);
	tcase_add_test(tc, test_errf_truncates);

	tc = tcase(s, "alloc", 0);
	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_buf_growth);
	tcase_add_test(tc, test_grow);
	tcase_add_test(tc, test_alloc_basics);
	tcase_add_exit_test(tc, test_reallocarray_overflow_exit, DL_EXIT_FAIL);
	tcase_add_exit_test(tc, test_calloc_overflow_exit, DL_EXIT_FAIL);
	tcase_add_test(tc, test_overflow_dies);

	tc = tcase(s, "cli", 1);
	tcase_add_test(tc, test_cli_common);
	tcase_add_test(tc, test_cli_defaults);
	tcase_add_test(tc, test_cli_subcommand_reset);
	tcase_add_test(tc, test_cli_help_version);
	tcase_add_test(tc, test_cli_version_extra);
	tcase_add_test(tc, test_cli_usage_errors);
	tcase_add_test(tc, test_cli_unhandled);
	tcase_add_test(tc, test_parse_accept);
	tcase_add_test(tc, test_parse_reject);
	tcase_add_exit_test(tc, test_parse_exit_status, DL_EXIT_USAGE);
	tcase_add_test(tc, test_json_checker);
	tcase_add_test(tc, test_log);
	tcase_add_test(tc, test_log_open_error);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
