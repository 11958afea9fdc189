/*
 * cli.h — what every dl-NAME binary shares on its command line.
 *
 * Each binary (or each subcommand) parses its own options with getopt_long and hands the
 * common ones to dl_cli_common: --help, --version, --threads N, --seed N, --quiet,
 * --verbose, --log FILE. Errors in the user's command line go through dl_usage_error
 * (exit 2); getopt's own messages are silenced so that every message has the dl-NAME:
 * prefix. A subcommand parser is started with dl_cli_reset after the command word.
 *
 * Typical use:
 *     static const struct option longopts[] = { {"output", 1, 0, 'o'}, DL_COMMON_LONGOPTS };
 *     while ((c = getopt_long(argc, argv, ":o:" DL_COMMON_SHORTOPTS, longopts, NULL)) != -1)
 *         switch (c) { case 'o': ...; break;
 *                      default: dl_cli_common(&opts, c, argc, argv, usage_text); }
 */
#ifndef DL_CORE_CLI_H
#define DL_CORE_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

enum {
	DL_OPT_THREADS = 0x1000,
	DL_OPT_SEED,
	DL_OPT_QUIET,
	DL_OPT_LOG,
	DL_OPT_VERSION,
	DL_OPT_VERBOSE,
};

#define DL_COMMON_SHORTOPTS "hq"
#define DL_COMMON_LONGOPTS                                                      \
	{"help", no_argument, 0, 'h'}, {"version", no_argument, 0, DL_OPT_VERSION}, \
	{"threads", required_argument, 0, DL_OPT_THREADS},                          \
	{"seed", required_argument, 0, DL_OPT_SEED},                                \
	{"quiet", no_argument, 0, 'q'}, {"verbose", no_argument, 0, DL_OPT_VERBOSE},\
	{"log", required_argument, 0, DL_OPT_LOG}, {0, 0, 0, 0}

typedef struct dl_opts {
	int threads;            /* --threads; default dl_default_threads() */
	uint64_t seed;          /* --seed; default DL_DEFAULT_SEED */
	int quiet, verbose;
	const char *log_path;   /* --log FILE, or NULL */
} dl_opts;

#define DL_DEFAULT_SEED 1

/* Sets the program name, makes stdout's failure an error at exit, fills o with defaults. */
void dl_cli_init(int argc, char **argv, dl_opts *o);

/* Handles option c returned by getopt_long: a common option (returns 1), or getopt's '?'
 * (unknown option) and ':' (missing argument), which end in a usage error. Anything else is
 * a usage error too. usage is printed by --help (exit 0). */
int dl_cli_common(dl_opts *o, int c, int argc, char **argv, const char *usage);

/* Prints "dl-NAME (dl) VERSION" and the extra lines registered below, then exits 0. */
_Noreturn void dl_cli_version(void);
/* Lets a library (BLAS set-up) add a line to --version output, e.g. "OpenBLAS: SkylakeX". */
void dl_cli_version_extra(const char *(*line)(void));

/* Resets getopt for parsing a subcommand's options from argv (argv[0] = the subcommand). */
void dl_cli_reset(void);

/* Subcommands: whether opt is in the 0-terminated list of the options a command takes, and
 * an option's name for messages ("--output", or "-n" for a short option without a long
 * name). The name is in a static buffer, valid until the next call. */
int dl_cli_takes(const int *opts, int opt);
/* For getopt_long's result ch in command cmd: a usage error ("cmd: --x does not apply to
 * this command") when ch is a command's own option missing from opts; common options and
 * getopt's '?' and ':' pass. */
void dl_cli_check_takes(const char *cmd, const int *opts, const struct option *longopts,
			int ch);
const char *dl_cli_option_name(const struct option *longopts, int ch);

/* The subcommand named by argv[1], in a table of n entries of stride bytes each starting
 * with its name (const char *): handles a missing command, --help / -h / help (prints usage,
 * exits 0), --version, and an unknown word or an option before the command (usage errors).
 * Returns the entry's index. */
size_t dl_cli_subcommand(int argc, char **argv, const void *table, size_t n, size_t stride,
			 const char *usage);

/* Number parsing for option values: the whole string must be a number within [min, max],
 * else a usage error naming the option ("--threads: 'x' is not an integer"). */
long long dl_parse_ll(const char *s, const char *opt, long long min, long long max);
uint64_t dl_parse_u64(const char *s, const char *opt);
double dl_parse_double(const char *s, const char *opt, double min, double max);

/* Online processors (at least 1). */
int dl_default_threads(void);

/* Metrics log (--log FILE): JSON lines, line-buffered so that it can be followed live.
 * dl_log_open returns NULL when path is NULL. dl_log writes one line (fmt is the inside
 * of a JSON object, e.g. "\"step\":%d,\"loss\":%.6g"). */
FILE *dl_log_open(const char *path);
void dl_log(FILE *log, const char *fmt, ...) DL_PRINTF(2, 3);
void dl_log_close(FILE *log);

#endif
