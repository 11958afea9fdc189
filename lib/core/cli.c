/*
 * cli.c — common option handling, number parsing, --version and the metrics log.
 */
#include "config.h"
#include "cli.h"
#include "io.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_VERSION_EXTRA 4
static const char *(*version_extra[MAX_VERSION_EXTRA])(void);

void dl_cli_init(int argc, char **argv, dl_opts *o)
{
	(void)argc;
	dl_set_progname(argv[0]);
	atexit(dl_stdout_check);
	memset(o, 0, sizeof *o);
	o->threads = dl_default_threads();
	o->seed = DL_DEFAULT_SEED;
	opterr = 0;
}

void dl_cli_reset(void)
{
	optind = 0;   /* glibc: 0 re-initialises getopt completely */
	opterr = 0;
}

void dl_cli_version_extra(const char *(*line)(void))
{
	for (int i = 0; i < MAX_VERSION_EXTRA; i++)
		if (!version_extra[i] || version_extra[i] == line) {
			version_extra[i] = line;
			return;
		}
}

void dl_cli_version(void)
{
	printf("%s (dl) %s\n", dl_progname(), PACKAGE_VERSION);
	for (int i = 0; i < MAX_VERSION_EXTRA && version_extra[i]; i++)
		printf("%s\n", version_extra[i]());
	exit(DL_EXIT_OK);
}

/* Whether argv[optind] is a cluster of short options containing c: getopt is then still
 * inside it ("--log=x -zq" stops at 'z' with argv[optind - 1] = "--log=x"). */
static int short_in(int argc, char **argv, int c)
{
	const char *a = optind < argc ? argv[optind] : NULL;
	return a && a[0] == '-' && a[1] != '-' && c > 0 && c < 0x100 && strchr(a + 1, c);
}

int dl_cli_common(dl_opts *o, int c, int argc, char **argv, const char *usage)
{
	const char *bad = optind - 1 < argc && optind >= 1 ? argv[optind - 1] : "?";
	switch (c) {
	case 'h':
		fputs(usage, stdout);
		exit(DL_EXIT_OK);
	case DL_OPT_VERSION:
		dl_cli_version();
	case DL_OPT_THREADS:
		o->threads = (int)dl_parse_ll(optarg, "--threads", 1, 4096);
		return 1;
	case DL_OPT_SEED:
		o->seed = dl_parse_u64(optarg, "--seed");
		return 1;
	case 'q':
		o->quiet = 1;
		dl_set_quiet(1);
		return 1;
	case DL_OPT_VERBOSE:
		o->verbose = 1;
		return 1;
	case DL_OPT_LOG:
		o->log_path = optarg;
		return 1;
	case ':':
		if (optopt && optopt < 0x100 && strncmp(bad, "--", 2) != 0)
			dl_usage_error("option '-%c' needs a value", optopt);   /* "-qo" */
		dl_usage_error("option '%s' needs a value", bad);
	case '?':
		/* glibc sets optopt to 0 for an unknown long option, to the option's value for
		 * a long option given a value it does not take ("--quiet=1"; then optind is past
		 * it), and to the character for an unknown short option. */
		if (!optopt)
			dl_usage_error("unknown option '%s'", bad);
		if (!strncmp(bad, "--", 2) && strchr(bad, '=') && !short_in(argc, argv, optopt))
			dl_usage_error("option '%.*s' takes no value", (int)strcspn(bad, "="), bad);
		if (optopt < 0x100)
			dl_usage_error("unknown option '-%c'", optopt);
		dl_usage_error("unknown option '%s'", bad);
	default:
		dl_usage_error("unhandled option '%s'", bad);
	}
}

/* strto* skip leading white space, but an option value " 5" (or " -1" for an unsigned
 * one, which strtoull would wrap around) is not a number. */
static int starts_like_number(const char *s)
{
	return *s && !isspace((unsigned char)*s);
}

long long dl_parse_ll(const char *s, const char *opt, long long min, long long max)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!starts_like_number(s) || *end || errno == ERANGE)
		dl_usage_error("%s: '%s' is not an integer", opt, s);
	if (v < min || v > max)
		dl_usage_error("%s: %lld is out of range [%lld, %lld]", opt, v, min, max);
	return v;
}

uint64_t dl_parse_u64(const char *s, const char *opt)
{
	char *end;
	errno = 0;
	if (*s == '-' || !starts_like_number(s))
		dl_usage_error("%s: '%s' is not a non-negative integer", opt, s);
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno == ERANGE)
		dl_usage_error("%s: '%s' is not a non-negative integer", opt, s);
	return v;
}

double dl_parse_double(const char *s, const char *opt, double min, double max)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!starts_like_number(s) || *end || errno == ERANGE || isnan(v))
		dl_usage_error("%s: '%s' is not a number", opt, s);
	if (v < min || v > max)
		dl_usage_error("%s: %g is out of range [%g, %g]", opt, v, min, max);
	return v;
}

int dl_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 4096 ? 4096 : (int)n;
}

FILE *dl_log_open(const char *path)
{
	if (!path)
		return NULL;
	FILE *f = !strcmp(path, "-") ? stderr : fopen(path, "w");
	if (!f)
		dl_die_errno("%s: cannot open log", path);
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

void dl_log(FILE *log, const char *fmt, ...)
{
	if (!log)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputc('{', log);
	vfprintf(log, fmt, ap);
	fputs("}\n", log);
	va_end(ap);
}

void dl_log_close(FILE *log)
{
	if (!log || log == stderr)
		return;
	if (fclose(log) != 0)
		dl_die_errno("log: close failed");
}

int dl_cli_takes(const int *opts, int opt)
{
	for (const int *p = opts; *p; p++)
		if (*p == opt)
			return 1;
	return 0;
}

void dl_cli_check_takes(const char *cmd, const int *opts, const struct option *longopts,
			int ch)
{
	/* getopt's own codes and the common options apply to every command */
	if (ch == '?' || ch == ':' || ch == 'h' || ch == 'q' || ch >= DL_OPT_THREADS)
		return;
	if (!dl_cli_takes(opts, ch))
		dl_usage_error("%s: %s does not apply to this command", cmd,
			       dl_cli_option_name(longopts, ch));
}

const char *dl_cli_option_name(const struct option *longopts, int ch)
{
	static char buf[48];
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == ch) {
			snprintf(buf, sizeof buf, "--%s", o->name);
			return buf;
		}
	snprintf(buf, sizeof buf, "-%c", ch);
	return buf;
}

/* The name that starts entry i of a command table. */
static const char *entry_name(const void *table, size_t i, size_t stride)
{
	return *(const char *const *)((const char *)table + i * stride);
}

size_t dl_cli_subcommand(int argc, char **argv, const void *table, size_t n, size_t stride,
			 const char *usage)
{
	if (argc < 2) {
		char list[256] = "";
		for (size_t i = 0; i < n; i++) {
			size_t k = strlen(list);
			snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "",
				 entry_name(table, i, stride));
		}
		dl_usage_error("give a command (%s)", list);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		exit(0);
	}
	if (!strcmp(argv[1], "--version"))
		dl_cli_version();
	for (size_t i = 0; i < n; i++)
		if (!strcmp(argv[1], entry_name(table, i, stride)))
			return i;
	if (argv[1][0] == '-')
		dl_usage_error("give a command before options ('%s')", argv[1]);
	dl_usage_error("'%s' is not a command", argv[1]);
}
