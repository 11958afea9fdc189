/* check_core.c — unit tests for lib/core. */
#include "config.h"
#include "core/alloc.h"

#include <check.h>
#include <stdlib.h>

START_TEST(test_buf)
{
	dl_buf b = {0};
	dl_buf_printf(&b, "%d-%s", 42, "x");
	ck_assert_uint_eq(b.len, 4);
	ck_assert_mem_eq(b.data, "42-x", 4);
	dl_buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("alloc");
	tcase_add_test(tc, test_buf);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
