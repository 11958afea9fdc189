/*
 * blas.c — choosing OpenBLAS kernels (see blas.h for why a re-exec is needed).
 */
#include "config.h"
#include "blas.h"
#include "cli.h"
#include "error.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Set on the re-executed process, so that a failed exec cannot loop and --version can say
 * who chose the kernel. */
#define REEXEC_MARK "DL_BLAS_REEXEC"

const char *dl_blas_preferred_kernel(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	    __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
	    __builtin_cpu_supports("avx512cd"))
		return "SkylakeX";
#endif
	return NULL;
}

const char *dl_blas_kernel(void)
{
	const char *name = openblas_get_corename();
	return name ? name : "unknown";
}

static int kernel_by_dl(void)
{
	const char *mark = getenv(REEXEC_MARK);
	return mark && strcmp(mark, "kernel") == 0;
}

static const char *version_line(void)
{
	static char line[160];
	const char *env = getenv("OPENBLAS_CORETYPE");
	snprintf(line, sizeof line, "BLAS:%skernel %s (%s)", OPENBLAS_VERSION,
		 dl_blas_kernel(),
		 kernel_by_dl() ? "OPENBLAS_CORETYPE set by dl for this CPU"
		 : env ? "OPENBLAS_CORETYPE set by the user" : "detected by OpenBLAS");
	return line;
}

/* How long an idle OpenBLAS thread spins before it sleeps, as log2 of cycles (OpenBLAS's
 * default is 28, about a tenth of a second): short, because between two products the
 * program's own threads work, and a spinning BLAS thread takes a core from them. */
#define THREAD_TIMEOUT "4"

void dl_blas_init(int argc, char **argv)
{
	(void)argc;
	dl_cli_version_extra(version_line);
	if (getenv(REEXEC_MARK))
		return;
	const char *want = dl_blas_preferred_kernel();
	int set_kernel = want && !getenv("OPENBLAS_CORETYPE");
	int set_timeout = !getenv("OPENBLAS_THREAD_TIMEOUT");
	if (!set_kernel && !set_timeout)
		return;
	if (set_kernel)
		setenv("OPENBLAS_CORETYPE", want, 1);
	if (set_timeout)
		setenv("OPENBLAS_THREAD_TIMEOUT", THREAD_TIMEOUT, 1);
	setenv(REEXEC_MARK, set_kernel ? "kernel" : "timeout", 1);
	fflush(NULL);
	execv("/proc/self/exe", argv);
	/* No /proc: run on with what OpenBLAS picked. */
	if (set_kernel)
		unsetenv("OPENBLAS_CORETYPE");
	if (set_timeout)
		unsetenv("OPENBLAS_THREAD_TIMEOUT");
	unsetenv(REEXEC_MARK);
}

void dl_blas_set_threads(int threads)
{
	openblas_set_num_threads(threads < 1 ? 1 : threads);
}
