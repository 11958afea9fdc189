/*
 * error.c — the one place where messages are formatted and the process exits on error.
 */
#include "config.h"
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *progname = "dl";
static int quiet;
static void (*die_hook)(void);

void dl_set_progname(const char *argv0)
{
	if (!argv0 || !*argv0)
		return;
	const char *slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

const char *dl_progname(void) { return progname; }
void dl_set_quiet(int q) { quiet = q; }
int dl_is_quiet(void) { return quiet; }
void dl_set_die_hook(void (*hook)(void)) { die_hook = hook; }

static void vmsg(const char *prefix, const char *fmt, va_list ap, int err)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", progname, prefix);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

static _Noreturn void finish(int status)
{
	if (die_hook)
		die_hook();
	exit(status);
}

void dl_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap, 0);
	va_end(ap);
	finish(DL_EXIT_FAIL);
}

void dl_die_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap, err);
	va_end(ap);
	finish(DL_EXIT_FAIL);
}

void dl_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap, 0);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", progname);
	finish(DL_EXIT_USAGE);
}

void dl_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap, 0);
	va_end(ap);
}

void dl_warn(const char *fmt, ...)
{
	if (quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap, 0);
	va_end(ap);
}

int dl_verrf(dl_err *e, const char *fmt, va_list ap)
{
	if (e)
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	return -1;
}

int dl_errf(dl_err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dl_verrf(e, fmt, ap);
	va_end(ap);
	return -1;
}
