/* check_blas.c — the OpenBLAS kernel choice (lib/core/blas.c). */
#include "config.h"
#include "core/blas.h"
#include "core/cli.h"

#include <cblas.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* main() ran dl_blas_init, so the process is already on the kernel dl chose (or the one
 * the user asked for). */
START_TEST(test_kernel_choice)
{
	const char *env = getenv("OPENBLAS_CORETYPE");
	const char *want = dl_blas_preferred_kernel();
	const char *user = getenv("DL_TEST_USER_CORETYPE");
	const char *mark = getenv("DL_BLAS_REEXEC");
	/* The idle-thread spin is set: by the user, or short by dl. */
	const char *timeout = getenv("OPENBLAS_THREAD_TIMEOUT");
	const char *user_timeout = getenv("DL_TEST_USER_TIMEOUT");
	ck_assert_ptr_nonnull(timeout);
	if (user_timeout)
		ck_assert_str_eq(timeout, user_timeout);
	else if (mark && strcmp(mark, "timeout") == 0)
		ck_assert_str_eq(timeout, "4");     /* the only reason dl re-executed */
	if (mark && strcmp(mark, "kernel") == 0) {
		/* dl chose: the variable is ours and OpenBLAS took it. */
		ck_assert_ptr_nonnull(want);
		ck_assert_str_eq(env, want);
		ck_assert_int_eq(strcasecmp(dl_blas_kernel(), want), 0);
	} else if (env) {
		/* A user's own setting always wins. */
		if (user)
			ck_assert_str_eq(env, user);
		ck_assert_int_eq(strcasecmp(dl_blas_kernel(), env), 0);
	} else {
		/* Unset and not re-executed: only when this CPU needs no help. */
		ck_assert_ptr_null(want);
	}
	ck_assert(strlen(dl_blas_kernel()) > 0);
}
END_TEST

START_TEST(test_sgemm)
{
	/* A 3x2 by 2x2 product, checked by hand. */
	float a[] = {1, 2, 3, 4, 5, 6}, b[] = {1, 0, 1, 1}, c[6] = {0};
	dl_blas_set_threads(2);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 3, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
	float want[] = {3, 2, 7, 4, 11, 6};
	for (int i = 0; i < 6; i++)
		ck_assert_float_eq(c[i], want[i]);
}
END_TEST

int main(int argc, char **argv)
{
	dl_blas_init(argc, argv);
	Suite *s = suite_create("blas");
	TCase *tc = tcase_create("blas");
	tcase_add_test(tc, test_kernel_choice);
	tcase_add_test(tc, test_sgemm);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
