/*
 * check_tfverify.c — the parallel verifier of record files (lib/record/tfverify.c).
 *
 * Files are written with the library's record writer (itself checked against TensorFlow's
 * framing in check_record and the golden tests). The verifier must say "all good" with the
 * exact record count for good files, however they are cut, and "cannot tell" (0) for
 * anything damaged, compressed or too small to cut, and for a guessed record start that the
 * chains do not confirm.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/io.h"
#include "record/crc32c.h"
#include "record/example.h"
#include "record/tfrecord.h"
#include "record/tfverify.h"
#include "testutil.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Record i's payload length: mostly small, some of a few KiB, every 97th over 1 MiB. */
static size_t rec_len(size_t i)
{
	if (i % 97 == 13)
		return (1 << 20) + i;
	return i % 7 == 0 ? 4000 + i % 500 : i % 300;
}

/* Writes n records of random bytes to path; returns the file size. */
static uint64_t write_records(const char *path, size_t n, uint64_t seed)
{
	dl_out *out = dl_out_open(path, DL_COMPRESS_NONE);
	uint64_t size = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = rec_len(i);
		uint8_t *p = random_bytes(len, seed + i);
		dl_tfrecord_write(out, p, len);
		free(p);
		size += DL_TFRECORD_HEADER + len + DL_TFRECORD_FOOTER;
	}
	dl_out_close(out);
	return size;
}

START_TEST(test_good_files)
{
	const char *path = tpath("good.tfrecord");
	static const size_t counts[] = {1, 2, 50, 400};
	for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
		uint64_t size = write_records(path, counts[c], c * 1000);
		for (int threads = 2; threads <= 9; threads += 7 - 6 * (threads > 2))
			for (uint64_t part = 1; part <= size; part *= 16) {
				uint64_t records = 0, bytes = 0;
				int r = dl_tfrecord_verify_parallel(path, threads, part, NULL, &records,
								    &bytes);
				if (size / part < 2) {
					ck_assert_int_eq(r, 0);   /* one part: nothing to split */
					continue;
				}
				ck_assert_msg(r == 1, "%zu records, %d threads, parts of %llu",
					      counts[c], threads, (unsigned long long)part);
				ck_assert_uint_eq(records, counts[c]);
				ck_assert_uint_eq(bytes, size);
			}
	}
}
END_TEST

START_TEST(test_cannot_tell)
{
	const char *path = tpath("bad.tfrecord");
	uint64_t size = write_records(path, 300, 7);
	size_t n;
	uint8_t *good = read_file(path, &n);
	ck_assert_uint_eq(n, size);
	uint64_t records = 99, bytes = 99;
	/* One thread, stdin, a missing file: not for this pass. */
	ck_assert_int_eq(dl_tfrecord_verify_parallel(path, 1, 4096, NULL, &records, &bytes), 0);
	ck_assert_int_eq(dl_tfrecord_verify_parallel("-", 4, 4096, NULL, &records, &bytes), 0);
	ck_assert_int_eq(dl_tfrecord_verify_parallel(tpath("none"), 4, 4096, NULL, &records,
						     &bytes), 0);
	/* A flipped bit anywhere: in the first header, in late data, in a footer. */
	size_t spots[] = {3, n / 2, n - 2, n - 1};
	for (size_t i = 0; i < sizeof spots / sizeof *spots; i++) {
		good[spots[i]] ^= 0x10;
		write_file(path, good, n);
		ck_assert_int_eq(dl_tfrecord_verify_parallel(path, 4, 4096, NULL, &records, &bytes), 0);
		good[spots[i]] ^= 0x10;
	}
	/* Cut short, or one byte too long. */
	write_file(path, good, n - 1);
	ck_assert_int_eq(dl_tfrecord_verify_parallel(path, 4, 4096, NULL, &records, &bytes), 0);
	uint8_t *longer = malloc(n + 1);
	memcpy(longer, good, n);
	longer[n] = 0;
	write_file(path, longer, n + 1);
	ck_assert_int_eq(dl_tfrecord_verify_parallel(path, 4, 4096, NULL, &records, &bytes), 0);
	/* Compressed. */
	uLongf zn = compressBound(n);
	uint8_t *z = malloc(zn);
	ck_assert_int_eq(compress(z, &zn, good, n), Z_OK);
	write_file(path, z, zn);
	ck_assert_int_eq(dl_tfrecord_verify_parallel(path, 4, 1024, NULL, &records, &bytes), 0);
	/* Untouched on 0. */
	ck_assert_uint_eq(records, 99);
	ck_assert_uint_eq(bytes, 99);
	/* And the intact file is good. */
	write_file(path, good, n);
	ck_assert_int_eq(dl_tfrecord_verify_parallel(path, 4, 4096, NULL, &records, &bytes), 1);
	ck_assert_uint_eq(records, 300);
	free(z);
	free(longer);
	free(good);
}
END_TEST

START_TEST(test_false_start)
{
	/* Three records; the middle one's payload holds, exactly at the cut of a two-part split,
	 * twelve bytes that pass as a record header. The chain from the start jumps over them,
	 * so the guess is refused — although the file is good. */
	size_t lens[3] = {1000, 300000, 1000};
	uint64_t size = 0;
	for (int i = 0; i < 3; i++)
		size += DL_TFRECORD_HEADER + lens[i] + DL_TFRECORD_FOOTER;
	uint64_t cut = size / 2;
	uint64_t data1 = DL_TFRECORD_HEADER + lens[0] + DL_TFRECORD_FOOTER + DL_TFRECORD_HEADER;
	uint8_t *p = calloc(lens[1], 1);   /* zeros: no header lies elsewhere by chance */
	uint8_t *fake = p + (cut - data1);
	fake[0] = 10;   /* length 10, little-endian */
	uint32_t crc = dl_crc32c_mask(dl_crc32c(0, fake, 8));
	for (int i = 0; i < 4; i++)
		fake[8 + i] = (uint8_t)(crc >> (8 * i));
	const char *path = tpath("fake.tfrecord");
	dl_out *out = dl_out_open(path, DL_COMPRESS_NONE);
	uint8_t *small = calloc(1000, 1);
	dl_tfrecord_write(out, small, 1000);
	dl_tfrecord_write(out, p, lens[1]);
	dl_tfrecord_write(out, small, 1000);
	dl_out_close(out);
	uint64_t records = 0, bytes = 0;
	ck_assert_int_eq(dl_tfrecord_verify_parallel(path, 2, size / 2, NULL, &records, &bytes), 0);
	/* Without the look-alike the same split is proven. */
	memset(fake, 0, 12);
	out = dl_out_open(tpath("nofake.tfrecord"), DL_COMPRESS_NONE);
	dl_tfrecord_write(out, small, 1000);
	dl_tfrecord_write(out, p, lens[1]);
	dl_tfrecord_write(out, small, 1000);
	dl_out_close(out);
	ck_assert_int_eq(dl_tfrecord_verify_parallel(tpath("nofake.tfrecord"), 2, size / 2, NULL,
						     &records, &bytes), 1);
	ck_assert_uint_eq(records, 3);
	/* The sequential reader, which the callers fall back to, reads it whole. */
	dl_err e = {{0}};
	dl_tfrecord_reader *r = dl_tfrecord_open(path, 0, &e);
	const uint8_t *d;
	size_t len;
	int count = 0;
	while (dl_tfrecord_next(r, &d, &len, &e) == 1)
		count++;
	ck_assert_int_eq(count, 3);
	dl_tfrecord_close(r);
	free(small);
	free(p);
}
END_TEST

START_TEST(test_payload_check)
{
	/* With a payload check: empty tf.Examples pass, one malformed payload fails it all. */
	const char *path = tpath("examples.tfrecord");
	dl_out *out = dl_out_open(path, DL_COMPRESS_NONE);
	for (int i = 0; i < 5000; i++)
		dl_tfrecord_write(out, "", 0);
	dl_out_close(out);
	uint64_t records = 0, bytes = 0;
	ck_assert_int_eq(dl_tfrecord_verify_parallel(path, 3, 4096, dl_example_validate, &records,
						     &bytes), 1);
	ck_assert_uint_eq(records, 5000);
	out = dl_out_open(path, DL_COMPRESS_NONE);
	for (int i = 0; i < 5000; i++)
		dl_tfrecord_write(out, i == 4000 ? "\xff" : "", i == 4000);
	dl_out_close(out);
	ck_assert_int_eq(dl_tfrecord_verify_parallel(path, 3, 4096, NULL, &records, &bytes), 1);
	ck_assert_int_eq(dl_tfrecord_verify_parallel(path, 3, 4096, dl_example_validate, &records,
						     &bytes), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tfverify");
	TCase *tc = tcase(s, "tfverify", 1);
	tcase_add_test(tc, test_good_files);
	tcase_add_test(tc, test_cannot_tell);
	tcase_add_test(tc, test_false_start);
	tcase_add_test(tc, test_payload_check);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
