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

static const char *version_line(void)
{
	static char line[160];
	const char *env = getenv("OPENBLAS_CORETYPE");
	snprintf(line, sizeof line, "BLAS:%skernel %s (%s)", OPENBLAS_VERSION,
		 dl_blas_kernel(),
		 getenv(REEXEC_MARK) ? "OPENBLAS_CORETYPE set by dl for this CPU"
		 : env ? "OPENBLAS_CORETYPE set by the user" : "detected by OpenBLAS");
	return line;
}

void dl_blas_init(int argc, char **argv)
{
	(void)argc;
	dl_cli_version_extra(version_line);
	const char *want = dl_blas_preferred_kernel();
	if (want && !getenv("OPENBLAS_CORETYPE") && !getenv(REEXEC_MARK)) {
		setenv("OPENBLAS_CORETYPE", want, 1);
		setenv(REEXEC_MARK, "1", 1);
		fflush(NULL);
		execv("/proc/self/exe", argv);
		/* No /proc: run on with the kernels OpenBLAS picked. */
		unsetenv("OPENBLAS_CORETYPE");
	}
}

void dl_blas_set_threads(int threads)
{
	openblas_set_num_threads(threads < 1 ? 1 : threads);
}
