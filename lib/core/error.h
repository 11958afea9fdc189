/*
 * error.h — messages, fatal errors and recoverable error buffers.
 *
 * Every message is one line on stderr that starts with the program name:
 *     dl-record: data.tfrecord: record 12 (byte offset 4096): data CRC mismatch
 * Command code dies; library code that parses outside data never dies but fills a
 * dl_err (so that fuzz targets and callers can decide what to do) and returns -1.
 *
 * Exit status: 0 success, DL_EXIT_FAIL (1) runtime error, DL_EXIT_USAGE (2) usage error.
 */
#ifndef DL_CORE_ERROR_H
#define DL_CORE_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#define DL_EXIT_OK 0
#define DL_EXIT_FAIL 1
#define DL_EXIT_USAGE 2

#if defined(__GNUC__)
#define DL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DL_PRINTF(f, a)
#endif

/* Sets the name used as the prefix of every message (the basename of argv0). */
void dl_set_progname(const char *argv0);
const char *dl_progname(void);

/* Prints "PROG: MESSAGE" and exits with status 1. Registered atomic outputs are
 * removed first (see io.h), so nothing is left half-written. */
_Noreturn void dl_die(const char *fmt, ...) DL_PRINTF(1, 2);
/* As dl_die, appending ": strerror(errno)". */
_Noreturn void dl_die_errno(const char *fmt, ...) DL_PRINTF(1, 2);
/* Prints "PROG: MESSAGE" and "Try 'PROG --help'." then exits with status 2. */
_Noreturn void dl_usage_error(const char *fmt, ...) DL_PRINTF(1, 2);
/* Prints "PROG: MESSAGE" and returns; for errors the caller recovers from. */
void dl_error(const char *fmt, ...) DL_PRINTF(1, 2);
/* Prints "PROG: warning: MESSAGE" unless dl_set_quiet(1) was called. */
void dl_warn(const char *fmt, ...) DL_PRINTF(1, 2);
void dl_set_quiet(int quiet);
int dl_is_quiet(void);

/* A recoverable error: library parsers write the message here and return -1. */
typedef struct dl_err {
	char msg[512];
} dl_err;

/* Formats into e (when e is not NULL) and returns -1, so parsers can write
 * `return dl_errf(e, "bad varint at byte %zu", off);`. */
int dl_errf(dl_err *e, const char *fmt, ...) DL_PRINTF(2, 3);
int dl_verrf(dl_err *e, const char *fmt, va_list ap);

/* Hook run by dl_die before exiting (io.c uses it to remove temporary files). */
void dl_set_die_hook(void (*hook)(void));

#endif
