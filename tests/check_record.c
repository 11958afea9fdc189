/* check_record.c — unit tests for lib/record: CRC-32C, TFRecord framing, tf.Example. */
#include "config.h"
#include "core/alloc.h"
#include "core/io.h"
#include "record/crc32c.h"
#include "record/example.h"
#include "record/tfrecord.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ helpers */

/* Parses hex digits (spaces ignored) into out; returns the byte count. */
static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	int half = -1;
	for (; *s; s++) {
		int d;
		if (*s == ' ')
			continue;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			ck_abort_msg("bad hex digit '%c'", *s);
		if (half < 0) {
			half = d;
		} else {
			out[n++] = (uint8_t)(half << 4 | d);
			half = -1;
		}
	}
	ck_assert_int_lt(half, 0);
	return n;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void fill_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* ------------------------------------------------------------------ CRC-32C */

typedef uint32_t (*crc_fn)(uint32_t, const void *, size_t);

/* RFC 3720, appendix B.4, and the common check value of "123456789". */
static void check_vectors(crc_fn crc)
{
	uint8_t b[48];
	memset(b, 0, 32);
	ck_assert_uint_eq(crc(0, b, 32), 0x8A9136AA);
	memset(b, 0xff, 32);
	ck_assert_uint_eq(crc(0, b, 32), 0x62A8AB43);
	for (int i = 0; i < 32; i++)
		b[i] = (uint8_t)i;
	ck_assert_uint_eq(crc(0, b, 32), 0x46DD794E);
	for (int i = 0; i < 32; i++)
		b[i] = (uint8_t)(31 - i);
	ck_assert_uint_eq(crc(0, b, 32), 0x113FDB5C);
	size_t n = unhex("01c00000 00000000 00000000 00000000 14000000 00000400 00000014 00000018"
			 "28000000 00000000 02000000 00000000", b);
	ck_assert_uint_eq(n, 48);
	ck_assert_uint_eq(crc(0, b, 48), 0xD9963A56);
	ck_assert_uint_eq(crc(0, "123456789", 9), 0xE3069283);
	ck_assert_uint_eq(crc(0, "", 0), 0);
	ck_assert_uint_eq(crc(0x12345678, "", 0), 0x12345678);
}

START_TEST(test_crc_vectors_sw)
{
	check_vectors(dl_crc32c_sw);
	check_vectors(dl_crc32c);
}
END_TEST

START_TEST(test_crc_vectors_hw)
{
	if (!dl_crc32c_have_hw())
		return;   /* no SSE4.2 here: nothing to test */
	check_vectors(dl_crc32c_hw);
}
END_TEST

START_TEST(test_crc_hw_equals_sw)
{
	if (!dl_crc32c_have_hw())
		return;
	size_t max = 200000;
	uint8_t *buf = dl_malloc(max + 16);
	fill_random(buf, max + 16);
	/* Every length 0..5000 at a varying alignment, then random ones at all alignments. */
	for (size_t n = 0; n <= 5000; n++) {
		size_t a = n % 8;
		ck_assert_uint_eq(dl_crc32c_hw(0, buf + a, n), dl_crc32c_sw(0, buf + a, n));
	}
	for (int t = 0; t < 300; t++) {
		size_t n = (size_t)(rnd() % 5001);
		uint32_t seed = (uint32_t)rnd();
		for (size_t a = 0; a < 8; a++)
			ck_assert_uint_eq(dl_crc32c_hw(seed, buf + a, n), dl_crc32c_sw(seed, buf + a, n));
	}
	/* Long enough for the long three-stream blocks, with every kind of tail. */
	size_t big[] = {3 * 8192, 3 * 8192 + 1, 3 * 8192 + 767, 3 * 8192 + 768, 2 * 3 * 8192 + 3 * 256 + 7,
			100003, max};
	for (size_t i = 0; i < sizeof big / sizeof *big; i++)
		for (size_t a = 0; a < 8; a++)
			ck_assert_uint_eq(dl_crc32c_hw(7, buf + a, big[i]), dl_crc32c_sw(7, buf + a, big[i]));
	free(buf);
}
END_TEST

static void check_split(crc_fn crc)
{
	size_t max = 70000;
	uint8_t *buf = dl_malloc(max);
	fill_random(buf, max);
	for (int t = 0; t < 200; t++) {
		size_t n = (size_t)(rnd() % max), k = n ? (size_t)(rnd() % (n + 1)) : 0;
		uint32_t whole = crc(0, buf, n);
		ck_assert_uint_eq(crc(crc(0, buf, k), buf + k, n - k), whole);
		size_t k2 = k + (n - k) / 3;
		ck_assert_uint_eq(crc(crc(crc(0, buf, k), buf + k, k2 - k), buf + k2, n - k2), whole);
	}
	free(buf);
}

START_TEST(test_crc_incremental)
{
	check_split(dl_crc32c_sw);
	check_split(dl_crc32c);
	if (dl_crc32c_have_hw())
		check_split(dl_crc32c_hw);
}
END_TEST

START_TEST(test_crc_mask)
{
	for (int i = 0; i < 1000; i++) {
		uint32_t c = (uint32_t)rnd();
		ck_assert_uint_eq(dl_crc32c_unmask(dl_crc32c_mask(c)), c);
	}
	/* ((0 >> 15) | (0 << 17)) + 0xa282ead8 */
	ck_assert_uint_eq(dl_crc32c_mask(0), 0xa282ead8u);
	ck_assert_uint_eq(dl_crc32c_mask(0x8000u), 1u + 0xa282ead8u);
}
END_TEST

/* ------------------------------------------------------------------ TFRecord */

static char tmpdir[256];

static void tmp_setup(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/check_record.XXXXXX", t && *t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmp_teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static const char *tmp_path(const char *name)
{
	static char path[400];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Frames one record by hand (independently of dl_tfrecord_write). */
static void frame(dl_buf *b, const void *p, size_t n)
{
	uint8_t h[12], f[4];
	put_le(h, n, 8);
	put_le(h + 8, dl_crc32c_mask(dl_crc32c(0, h, 8)), 4);
	put_le(f, dl_crc32c_mask(dl_crc32c(0, p, n)), 4);
	dl_buf_append(b, h, 12);
	dl_buf_append(b, p, n);
	dl_buf_append(b, f, 4);
}

/* A header announcing n bytes, with a correct length CRC. */
static void header_only(dl_buf *b, uint64_t n)
{
	uint8_t h[12];
	put_le(h, n, 8);
	put_le(h + 8, dl_crc32c_mask(dl_crc32c(0, h, 8)), 4);
	dl_buf_append(b, h, 12);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

static uint8_t *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = dl_malloc((size_t)len + 1);
	ck_assert_uint_eq(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

static dl_tfrecord_reader *mem_reader(const void *p, size_t n, unsigned flags, dl_in **in)
{
	*in = dl_in_open_mem(p, n, "mem", DL_IN_ZLIB);
	dl_in_set_plain_check(*in, dl_tfrecord_plain_check);
	return dl_tfrecord_reader_new(*in, flags);
}

/* Payload i of the test streams: length lens[i], bytes from a pattern. */
static const size_t lens[] = {0, 1, 7, 100, 4096, 1 << 20, 3 * (1 << 20) + 5, 0, 12, 17 * (1 << 20) + 3, 33};
#define NLENS (sizeof lens / sizeof *lens)

static uint8_t *payload(size_t i)
{
	uint8_t *p = dl_malloc(lens[i] + 1);
	for (size_t k = 0; k < lens[i]; k++)
		p[k] = (uint8_t)(k * 31 + i * 7 + (k >> 9));
	return p;
}

/* Reads every record of r, checking each against payload(i), its index and offset. */
static void expect_stream(dl_tfrecord_reader *r)
{
	uint64_t off = 0;
	dl_err e;
	for (size_t i = 0; i < NLENS; i++) {
		const uint8_t *d;
		size_t n;
		int rc = dl_tfrecord_next(r, &d, &n, &e);
		ck_assert_msg(rc == 1, "record %zu: %s", i, rc < 0 ? e.msg : "early end");
		ck_assert_uint_eq(n, lens[i]);
		uint8_t *want = payload(i);
		ck_assert(memcmp(d, want, n) == 0);
		free(want);
		ck_assert_uint_eq(dl_tfrecord_index(r), i);
		ck_assert_uint_eq(dl_tfrecord_offset(r), off);
		off += 16 + lens[i];
	}
	const uint8_t *d;
	size_t n;
	ck_assert_int_eq(dl_tfrecord_next(r, &d, &n, &e), 0);
	ck_assert_int_eq(dl_tfrecord_next(r, &d, &n, &e), 0);
}

static void roundtrip(enum dl_compress c)
{
	const char *path = tmp_path(c == DL_COMPRESS_NONE ? "plain.tfrecord" :
				    c == DL_COMPRESS_GZIP ? "gz.tfrecord" : "z.tfrecord");
	dl_out *out = dl_out_open(path, c);
	dl_buf want = {0};
	for (size_t i = 0; i < NLENS; i++) {
		uint8_t *p = payload(i);
		dl_tfrecord_write(out, p, lens[i]);
		frame(&want, p, lens[i]);
		free(p);
	}
	dl_out_close(out);
	if (c == DL_COMPRESS_NONE) {
		/* The writer's bytes are the hand-framed ones. */
		size_t n;
		uint8_t *got = read_file(path, &n);
		ck_assert_uint_eq(n, want.len);
		ck_assert(memcmp(got, want.data, n) == 0);
		free(got);
	}
	dl_err e;
	dl_tfrecord_reader *r = dl_tfrecord_open(path, 0, &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	expect_stream(r);
	ck_assert_int_eq(dl_tfrecord_compression(r), c);
	ck_assert_str_eq(dl_tfrecord_name(r), path);
	dl_tfrecord_close(r);

	/* The same from memory, through a caller's dl_in, and skipping the data CRCs. */
	if (c == DL_COMPRESS_NONE) {
		dl_in *in;
		r = mem_reader(want.data, want.len, DL_TFR_SKIP_DATA_CRC, &in);
		expect_stream(r);
		dl_tfrecord_close(r);
		dl_in_close(in);
	}
	dl_buf_free(&want);
}

START_TEST(test_tfr_roundtrip_plain) { roundtrip(DL_COMPRESS_NONE); }
END_TEST
START_TEST(test_tfr_roundtrip_gzip) { roundtrip(DL_COMPRESS_GZIP); }
END_TEST
START_TEST(test_tfr_roundtrip_zlib) { roundtrip(DL_COMPRESS_ZLIB); }
END_TEST

START_TEST(test_tfr_empty)
{
	dl_err e;
	const uint8_t *d;
	size_t n;
	dl_in *in;
	dl_tfrecord_reader *r = mem_reader("", 0, 0, &in);
	ck_assert_int_eq(dl_tfrecord_next(r, &d, &n, &e), 0);
	dl_tfrecord_close(r);
	dl_in_close(in);

	const char *path = tmp_path("empty");
	write_file(path, "", 0);
	r = dl_tfrecord_open(path, 0, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(dl_tfrecord_next(r, &d, &n, &e), 0);
	ck_assert_int_eq(dl_tfrecord_compression(r), DL_COMPRESS_NONE);
	dl_tfrecord_close(r);

	/* An empty gzip stream holds zero records too. */
	path = tmp_path("empty.gz");
	dl_out_close(dl_out_open(path, DL_COMPRESS_GZIP));
	r = dl_tfrecord_open(path, 0, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(dl_tfrecord_next(r, &d, &n, &e), 0);
	ck_assert_int_eq(dl_tfrecord_compression(r), DL_COMPRESS_GZIP);
	dl_tfrecord_close(r);

	ck_assert_ptr_null(dl_tfrecord_open(tmp_path("missing"), 0, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "missing"));
}
END_TEST

/* A first record whose length bytes start like gzip (1f 8b) or zlib (78 9c) magic. */
START_TEST(test_tfr_magic_lookalike)
{
	size_t sizes[] = {0x8b1f, 0x9c78, 0x0178};
	for (size_t k = 0; k < 3; k++) {
		uint8_t *p = dl_malloc(sizes[k]);
		fill_random(p, sizes[k]);
		dl_buf b = {0};
		frame(&b, p, sizes[k]);
		frame(&b, "tail", 4);
		ck_assert(dl_tfrecord_plain_check(b.data, b.len));
		const char *path = tmp_path("magic.tfrecord");
		write_file(path, b.data, b.len);
		dl_err e;
		const uint8_t *d;
		size_t n;
		dl_tfrecord_reader *r = dl_tfrecord_open(path, 0, &e);
		ck_assert_ptr_nonnull(r);
		ck_assert_msg(dl_tfrecord_next(r, &d, &n, &e) == 1, "%s", e.msg);
		ck_assert_int_eq(dl_tfrecord_compression(r), DL_COMPRESS_NONE);
		ck_assert_uint_eq(n, sizes[k]);
		ck_assert(memcmp(d, p, n) == 0);
		ck_assert_int_eq(dl_tfrecord_next(r, &d, &n, &e), 1);
		ck_assert_uint_eq(n, 4);
		ck_assert_int_eq(dl_tfrecord_next(r, &d, &n, &e), 0);
		dl_tfrecord_close(r);
		dl_buf_free(&b);
		free(p);
	}
}
END_TEST

START_TEST(test_tfr_plain_check)
{
	dl_buf b = {0};
	frame(&b, "abc", 3);
	ck_assert(dl_tfrecord_plain_check(b.data, b.len));
	ck_assert(dl_tfrecord_plain_check(b.data, 12));
	ck_assert(!dl_tfrecord_plain_check(b.data, 11));
	b.data[9] ^= 1;
	ck_assert(!dl_tfrecord_plain_check(b.data, b.len));
	ck_assert(!dl_tfrecord_plain_check((const uint8_t *)"\x1f\x8b\x08\0\0\0\0\0\0\3\0\0", 12));
	dl_buf_free(&b);
}
END_TEST

/* Reads p: expects `good` records, then an error whose message is msg. With a path the
 * bytes are written to that file and read with dl_tfrecord_open, else from memory. */
static void expect_error(const uint8_t *p, size_t n, const char *path, unsigned flags,
			 size_t good, const char *msg)
{
	dl_err e;
	dl_in *in = NULL;
	dl_tfrecord_reader *r;
	if (path) {
		write_file(path, p, n);
		r = dl_tfrecord_open(path, flags, &e);
		ck_assert_ptr_nonnull(r);
	} else {
		r = mem_reader(p, n, flags, &in);
	}
	const uint8_t *d;
	size_t len;
	for (size_t i = 0; i < good; i++) {
		int rc = dl_tfrecord_next(r, &d, &len, &e);
		ck_assert_msg(rc == 1, "record %zu: rc %d: %s", i, rc, rc < 0 ? e.msg : "");
	}
	ck_assert_int_eq(dl_tfrecord_next(r, &d, &len, &e), -1);
	ck_assert_str_eq(e.msg, msg);
	/* A failed reader stays failed. */
	ck_assert_int_eq(dl_tfrecord_next(r, &d, &len, &e), -1);
	dl_tfrecord_close(r);
	dl_in_close(in);
}

/* With DL_TFR_SKIP_DATA_CRC, a stream whose only fault is a data CRC reads to its end. */
static void skip_reads_all(const uint8_t *p, size_t n, size_t records)
{
	dl_err e;
	dl_in *in;
	dl_tfrecord_reader *r = mem_reader(p, n, DL_TFR_SKIP_DATA_CRC, &in);
	const uint8_t *d;
	size_t len;
	for (size_t i = 0; i < records; i++)
		ck_assert_int_eq(dl_tfrecord_next(r, &d, &len, &e), 1);
	ck_assert_int_eq(dl_tfrecord_next(r, &d, &len, &e), 0);
	dl_tfrecord_close(r);
	dl_in_close(in);
}

/* Two good records (payloads of 10 and 20 bytes: 26 + 36 = 62 bytes) and then what the
 * test appends; the third record's header is at byte offset 62. */
static void two_good(dl_buf *b)
{
	uint8_t z[20] = {0};
	b->len = 0;
	frame(b, "0123456789", 10);
	frame(b, z, 20);
}

START_TEST(test_tfr_errors)
{
	dl_buf b = {0};
	const char *file = tmp_path("bad.tfrecord");
	char want[700];

	/* truncated header */
	two_good(&b);
	dl_buf_append(&b, "\x05\0\0\0\0", 5);
	expect_error(b.data, b.len, NULL, 0, 2, "mem: record 2 (byte offset 62): truncated header");
	snprintf(want, sizeof want, "%s: record 2 (byte offset 62): truncated header", file);
	expect_error(b.data, b.len, file, 0, 2, want);

	/* length CRC */
	two_good(&b);
	frame(&b, "abc", 3);
	b.data[62 + 8] ^= 0x40;
	expect_error(b.data, b.len, NULL, 0, 2, "mem: record 2 (byte offset 62): length CRC mismatch");
	b.data[62 + 8] ^= 0x40;
	b.data[62 + 1] ^= 0x01;         /* a length byte: its CRC no longer matches */
	expect_error(b.data, b.len, NULL, 0, 2, "mem: record 2 (byte offset 62): length CRC mismatch");

	/* data CRC: a payload byte, then the footer; skipped with DL_TFR_SKIP_DATA_CRC */
	two_good(&b);
	frame(&b, "abcdef", 6);
	frame(&b, "x", 1);
	b.data[62 + 12 + 2] ^= 0x20;
	expect_error(b.data, b.len, NULL, 0, 2, "mem: record 2 (byte offset 62): data CRC mismatch");
	skip_reads_all(b.data, b.len, 4);
	b.data[62 + 12 + 2] ^= 0x20;
	b.data[62 + 12 + 6 + 3] ^= 0x80;
	expect_error(b.data, b.len, NULL, 0, 2, "mem: record 2 (byte offset 62): data CRC mismatch");

	/* truncated payload (a stream of unknown size) / past the end (a regular file) */
	two_good(&b);
	header_only(&b, 100);
	dl_buf_append(&b, "0123456789", 10);
	expect_error(b.data, b.len, NULL, 0, 2,
		     "mem: record 2 (byte offset 62): truncated payload (want 100 bytes, have 10)");
	snprintf(want, sizeof want,
		 "%s: record 2 (byte offset 62): record length 100 runs past the end of the file", file);
	expect_error(b.data, b.len, file, 0, 2, want);

	/* truncated footer: the payload is whole, the footer is not */
	two_good(&b);
	frame(&b, "abcdef", 6);
	b.len -= 2;
	expect_error(b.data, b.len, NULL, 0, 2, "mem: record 2 (byte offset 62): truncated footer");
	snprintf(want, sizeof want, "%s: record 2 (byte offset 62): truncated footer", file);
	expect_error(b.data, b.len, file, 0, 2, want);
	b.len -= 2;                     /* no footer at all */
	expect_error(b.data, b.len, file, 0, 2, want);

	/* absurd lengths: refused before any allocation of that size */
	two_good(&b);
	header_only(&b, (uint64_t)1 << 41);
	dl_buf_append(&b, "xyz", 3);
	expect_error(b.data, b.len, NULL, 0, 2,
		     "mem: record 2 (byte offset 62): record length 2199023255552 is too large (the limit is 2^40 bytes)");
	two_good(&b);
	header_only(&b, UINT64_MAX);
	expect_error(b.data, b.len, NULL, 0, 2,
		     "mem: record 2 (byte offset 62): record length 18446744073709551615 is too large (the limit is 2^40 bytes)");
	two_good(&b);
	header_only(&b, (uint64_t)1 << 35);   /* 32 GiB announced, 1000 bytes there */
	uint8_t k[1000] = {0};
	dl_buf_append(&b, k, sizeof k);
	expect_error(b.data, b.len, NULL, 0, 2,
		     "mem: record 2 (byte offset 62): truncated payload (want 34359738368 bytes, have 1000)");
	snprintf(want, sizeof want,
		 "%s: record 2 (byte offset 62): record length 34359738368 runs past the end of the file", file);
	expect_error(b.data, b.len, file, 0, 2, want);
	b.len = 0;
	header_only(&b, (uint64_t)1 << 39);
	snprintf(want, sizeof want,
		 "%s: record 0 (byte offset 0): record length 549755813888 runs past the end of the file", file);
	expect_error(b.data, b.len, file, 0, 0, want);

	dl_buf_free(&b);
}
END_TEST

/* Offsets in errors are offsets in the uncompressed stream. */
START_TEST(test_tfr_errors_compressed)
{
	dl_buf b = {0};
	two_good(&b);
	header_only(&b, 5000);
	dl_buf_append(&b, "abc", 3);
	enum dl_compress cs[] = {DL_COMPRESS_GZIP, DL_COMPRESS_ZLIB};
	for (int i = 0; i < 2; i++) {
		const char *path = tmp_path(i ? "bad.z" : "bad.gz");
		dl_out *out = dl_out_open(path, cs[i]);
		dl_out_write(out, b.data, b.len);
		dl_out_close(out);
		char want[700];
		snprintf(want, sizeof want,
			 "%s: record 2 (byte offset 62): truncated payload (want 5000 bytes, have 3)", path);
		dl_err e;
		dl_tfrecord_reader *r = dl_tfrecord_open(path, 0, &e);
		ck_assert_ptr_nonnull(r);
		const uint8_t *d;
		size_t n;
		ck_assert_int_eq(dl_tfrecord_next(r, &d, &n, &e), 1);
		ck_assert_int_eq(dl_tfrecord_next(r, &d, &n, &e), 1);
		ck_assert_uint_eq(dl_tfrecord_offset(r), 26);
		ck_assert_int_eq(dl_tfrecord_next(r, &d, &n, &e), -1);
		ck_assert_str_eq(e.msg, want);
		ck_assert_int_eq(dl_tfrecord_compression(r), cs[i]);
		dl_tfrecord_close(r);
	}
	dl_buf_free(&b);
}
END_TEST

/* A gzip stream cut short: the dl_in's error comes back naming the record being read. */
START_TEST(test_tfr_gzip_cut)
{
	const char *path = tmp_path("cut.gz");
	dl_out *out = dl_out_open(path, DL_COMPRESS_GZIP);
	uint8_t rec[1000];
	for (int i = 0; i < 300; i++) {
		fill_random(rec, sizeof rec);     /* incompressible: the cut lands mid-stream */
		dl_tfrecord_write(out, rec, sizeof rec);
	}
	dl_out_close(out);
	size_t n;
	uint8_t *all = read_file(path, &n);
	write_file(path, all, n / 2);
	free(all);
	dl_err e;
	dl_tfrecord_reader *r = dl_tfrecord_open(path, 0, &e);
	ck_assert_ptr_nonnull(r);
	const uint8_t *d;
	size_t len;
	int rc;
	unsigned long long good = 0, idx, off;
	while ((rc = dl_tfrecord_next(r, &d, &len, &e)) == 1)
		good++;
	ck_assert_int_eq(rc, -1);
	size_t k = strlen(path);
	ck_assert(strncmp(e.msg, path, k) == 0);
	ck_assert_msg(sscanf(e.msg + k, ": record %llu (byte offset %llu): ", &idx, &off) == 2, "%s", e.msg);
	ck_assert_uint_eq(idx, good);
	ck_assert_uint_eq(off, good * 1016);
	ck_assert_msg(strstr(e.msg, "): gzip stream is truncated") != NULL, "%s", e.msg);
	ck_assert_uint_gt(good, 50);
	ck_assert_uint_lt(good, 250);
	dl_tfrecord_close(r);
}
END_TEST

/* ------------------------------------------------------------------ tf.Example */

static uint32_t fbits(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}

static float bitsf(uint32_t u)
{
	float f;
	memcpy(&f, &u, 4);
	return f;
}

/* Asserts that a and b hold the same features, in the same order, bit for bit. */
static void expect_same(const dl_example *a, const dl_example *b)
{
	ck_assert_uint_eq(a->nfeat, b->nfeat);
	for (size_t i = 0; i < a->nfeat; i++) {
		const dl_feature *fa = &a->feat[i], *fb = &b->feat[i];
		ck_assert_uint_eq(fa->name_len, fb->name_len);
		ck_assert(memcmp(dl_feature_name(a, fa), dl_feature_name(b, fb), fa->name_len) == 0);
		ck_assert_int_eq(dl_feature_name(b, fb)[fb->name_len], '\0');
		ck_assert_int_eq(fa->kind, fb->kind);
		ck_assert_uint_eq(fa->count, fb->count);
		for (size_t k = 0; k < fa->count; k++) {
			switch (fa->kind) {
			case DL_FEATURE_FLOAT:
				ck_assert_uint_eq(fbits(dl_feature_floats(a, fa)[k]),
						  fbits(dl_feature_floats(b, fb)[k]));
				break;
			case DL_FEATURE_INT64:
				ck_assert_int_eq(dl_feature_ints(a, fa)[k], dl_feature_ints(b, fb)[k]);
				break;
			case DL_FEATURE_BYTES: {
				size_t la, lb;
				const uint8_t *pa = dl_feature_bytes(a, fa, k, &la);
				const uint8_t *pb = dl_feature_bytes(b, fb, k, &lb);
				ck_assert_uint_eq(la, lb);
				ck_assert(la == 0 || memcmp(pa, pb, la) == 0);
				break;
			}
			default:
				ck_abort_msg("values on a NONE feature");
			}
		}
	}
}

/* Decodes hex and checks that validate agrees. */
static int decode_hex(dl_example *ex, const char *hex, dl_err *e)
{
	static uint8_t buf[4096];
	size_t n = unhex(hex, buf);
	dl_err ev;
	int rc = dl_example_decode(ex, buf, n, e);
	ck_assert_int_eq(dl_example_validate(buf, n, &ev), rc);
	if (rc)
		ck_assert_str_eq(ev.msg, e->msg);
	return rc;
}

static const dl_feature *must_find(const dl_example *ex, const char *name,
				   enum dl_feature_kind k, size_t count)
{
	const dl_feature *f = dl_example_find(ex, name, strlen(name));
	ck_assert_msg(f != NULL, "no feature '%s'", name);
	ck_assert_int_eq(f->kind, k);
	ck_assert_uint_eq(f->count, count);
	return f;
}

static void build_all_kinds(dl_example *ex)
{
	dl_example_add(ex, "bytes", 5, DL_FEATURE_BYTES);
	dl_example_add_bytes(ex, "hello", 5);
	dl_example_add_bytes(ex, "", 0);
	dl_example_add_bytes(ex, "\0\xff\x80\n", 4);
	dl_example_add(ex, "floats", 6, DL_FEATURE_FLOAT);
	float fl[] = {0.0f, -0.0f, 1.5f, -3.25e-38f, 1e38f, INFINITY, -INFINITY, NAN,
		      bitsf(0x7fc00001), bitsf(0xff800001), bitsf(0x00000001)};
	for (size_t i = 0; i < sizeof fl / sizeof *fl; i++)
		dl_example_add_float(ex, fl[i]);
	dl_example_add(ex, "ints", 4, DL_FEATURE_INT64);
	int64_t in[] = {0, 1, -1, 127, 128, 300, INT64_MAX, INT64_MIN, -300, (int64_t)1 << 53};
	for (size_t i = 0; i < sizeof in / sizeof *in; i++)
		dl_example_add_int64(ex, in[i]);
	dl_example_add(ex, "empty_bytes", 11, DL_FEATURE_BYTES);
	dl_example_add(ex, "empty_floats", 12, DL_FEATURE_FLOAT);
	dl_example_add(ex, "empty_ints", 10, DL_FEATURE_INT64);
	dl_example_add(ex, "none", 4, DL_FEATURE_NONE);
	dl_example_add(ex, "", 0, DL_FEATURE_INT64);   /* an empty name is a name */
	dl_example_add_int64(ex, 42);
	dl_example_add(ex, "bin\xff\0name", 9, DL_FEATURE_BYTES);
	dl_example_add_bytes(ex, "v", 1);
}

START_TEST(test_ex_roundtrip)
{
	dl_example ex, back;
	dl_example_init(&ex);
	dl_example_init(&back);
	build_all_kinds(&ex);
	ck_assert_uint_eq(ex.nfeat, 9);
	dl_buf b = {0}, b2 = {0};
	dl_example_encode(&ex, &b);
	dl_err e;
	ck_assert_int_eq(dl_example_validate(b.data, b.len, &e), 0);
	ck_assert_msg(dl_example_decode(&back, b.data, b.len, &e) == 0, "%s", e.msg);
	expect_same(&ex, &back);
	must_find(&back, "floats", DL_FEATURE_FLOAT, 11);
	must_find(&back, "none", DL_FEATURE_NONE, 0);
	must_find(&back, "empty_floats", DL_FEATURE_FLOAT, 0);
	must_find(&back, "empty_ints", DL_FEATURE_INT64, 0);
	must_find(&back, "empty_bytes", DL_FEATURE_BYTES, 0);
	ck_assert_ptr_nonnull(dl_example_find(&back, "bin\xff\0name", 9));
	ck_assert_ptr_null(dl_example_find(&back, "bin", 3));
	const dl_feature *f = must_find(&back, "ints", DL_FEATURE_INT64, 10);
	ck_assert_int_eq(dl_feature_ints(&back, f)[6], INT64_MAX);
	ck_assert_int_eq(dl_feature_ints(&back, f)[7], INT64_MIN);
	f = must_find(&back, "floats", DL_FEATURE_FLOAT, 11);
	ck_assert(isnan(dl_feature_floats(&back, f)[7]));
	ck_assert_uint_eq(fbits(dl_feature_floats(&back, f)[9]), 0xff800001);
	/* Encoding the decoded example gives the same bytes again. */
	dl_example_encode(&back, &b2);
	ck_assert_uint_eq(b.len, b2.len);
	ck_assert(memcmp(b.data, b2.data, b.len) == 0);
	/* Appending to a buffer keeps what is there. */
	dl_example_encode(&back, &b2);
	ck_assert_uint_eq(b2.len, 2 * b.len);
	ck_assert(memcmp(b2.data + b.len, b.data, b.len) == 0);

	/* No features at all: an Example with an empty Features message. */
	dl_example_clear(&ex);
	dl_buf_clear(&b);
	dl_example_encode(&ex, &b);
	ck_assert_uint_eq(b.len, 2);
	ck_assert(memcmp(b.data, "\x0a\x00", 2) == 0);
	ck_assert_int_eq(dl_example_decode(&back, b.data, b.len, &e), 0);
	ck_assert_uint_eq(back.nfeat, 0);
	ck_assert_int_eq(dl_example_decode(&back, NULL, 0, &e), 0);
	ck_assert_uint_eq(back.nfeat, 0);

	dl_buf_free(&b);
	dl_buf_free(&b2);
	dl_example_free(&ex);
	dl_example_free(&back);
}
END_TEST

/*
 * Encoding checked against bytes derived by hand from the protobuf encoding rules
 * (key = field_number << 3 | wire_type; wire type 2 = varint length + bytes; packed
 * repeated scalars = one length-delimited field; int64 as two's-complement varint, so a
 * negative value takes 10 bytes; float as 4 little-endian bytes), for
 *     a: int64 [1, 300, -1]   b: float [1.0]   c: bytes ["x", ""]   d: float []   e: NONE
 * Inner to outer:
 *   a  Int64List  0a 0d | 01 | ac 02 | ff ff ff ff ff ff ff ff ff 01       (2 + 13 = 15)
 *      Feature    1a 0f <15>                       int64_list = 3       (17)
 *      entry      0a 01 61 | 12 11 <17>            key = 1, value = 2   (3 + 19 = 22)
 *   b  FloatList  0a 04 00 00 80 3f                1.0f = 0x3f800000    (6)
 *      Feature    12 06 <6>                        float_list = 2       (8)
 *      entry      0a 01 62 | 12 08 <8>                                  (13)
 *   c  BytesList  0a 01 78 | 0a 00                 the empty value too  (5)
 *      Feature    0a 05 <5>                        bytes_list = 1       (7)
 *      entry      0a 01 63 | 12 07 <7>                                  (12)
 *   d  FloatList  (nothing: an empty packed field is omitted)           (0)
 *      Feature    12 00                            the list is present  (2)
 *      entry      0a 01 64 | 12 02 <2>                                  (7)
 *   e  Feature    (nothing: no list set)                                (0)
 *      entry      0a 01 65 | 12 00                                      (5)
 *   Features: each entry as field 1: 0a 16 <22> 0a 0d <13> 0a 0c <12> 0a 07 <7> 0a 05 <5>
 *             = 24 + 15 + 14 + 9 + 7 = 69 = 0x45
 *   Example:  0a 45 <69>                                                (71 bytes)
 * (Python protobuf's SerializeToString(deterministic=True) gives the same 71 bytes.)
 */
START_TEST(test_ex_encode_bytes)
{
	dl_example ex;
	dl_example_init(&ex);
	dl_example_add(&ex, "a", 1, DL_FEATURE_INT64);
	dl_example_add_int64(&ex, 1);
	dl_example_add_int64(&ex, 300);
	dl_example_add_int64(&ex, -1);
	dl_example_add(&ex, "b", 1, DL_FEATURE_FLOAT);
	dl_example_add_float(&ex, 1.0f);
	dl_example_add(&ex, "c", 1, DL_FEATURE_BYTES);
	dl_example_add_bytes(&ex, "x", 1);
	dl_example_add_bytes(&ex, "", 0);
	dl_example_add(&ex, "d", 1, DL_FEATURE_FLOAT);
	dl_example_add(&ex, "e", 1, DL_FEATURE_NONE);
	uint8_t want[128];
	size_t n = unhex("0a45"
			 "0a16 0a0161 1211 1a0f 0a0d 01 ac02 ffffffffffffffffff01"
			 "0a0d 0a0162 1208 1206 0a04 0000803f"
			 "0a0c 0a0163 1207 0a05 0a0178 0a00"
			 "0a07 0a0164 1202 1200"
			 "0a05 0a0165 1200", want);
	ck_assert_uint_eq(n, 71);
	dl_buf b = {0};
	dl_example_encode(&ex, &b);
	ck_assert_uint_eq(b.len, n);
	ck_assert(memcmp(b.data, want, n) == 0);
	dl_buf_free(&b);
	dl_example_free(&ex);
}
END_TEST

START_TEST(test_ex_add_replaces)
{
	dl_example ex;
	dl_example_init(&ex);
	dl_example_add(&ex, "a", 1, DL_FEATURE_INT64);
	dl_example_add_int64(&ex, 1);
	dl_example_add(&ex, "b", 1, DL_FEATURE_INT64);
	dl_example_add_int64(&ex, 2);
	size_t i = dl_example_add(&ex, "a", 1, DL_FEATURE_FLOAT);
	dl_example_add_float(&ex, 3.0f);
	ck_assert_uint_eq(i, 1);
	ck_assert_uint_eq(ex.nfeat, 2);
	ck_assert_str_eq(dl_feature_name(&ex, &ex.feat[0]), "b");
	const dl_feature *f = must_find(&ex, "a", DL_FEATURE_FLOAT, 1);
	ck_assert(dl_feature_floats(&ex, f)[0] == 3.0f);
	/* A name taken from the example itself. */
	dl_example_add(&ex, dl_feature_name(&ex, &ex.feat[0]), 1, DL_FEATURE_NONE);
	ck_assert_uint_eq(ex.nfeat, 2);
	ck_assert_str_eq(dl_feature_name(&ex, &ex.feat[1]), "b");
	dl_example_free(&ex);
}
END_TEST

/* Wide examples go through the name index: add, replace, find, decode with duplicates. */
START_TEST(test_ex_wide)
{
	dl_example ex, other, back;
	dl_example_init(&ex);
	dl_example_init(&other);
	dl_example_init(&back);
	char name[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "f%d", i);
		dl_example_add(&ex, name, strlen(name), DL_FEATURE_INT64);
		dl_example_add_int64(&ex, i);
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "f%d", i);
		const dl_feature *f = must_find(&ex, name, DL_FEATURE_INT64, 1);
		ck_assert_int_eq(dl_feature_ints(&ex, f)[0], i);
		ck_assert_uint_eq((size_t)(f - ex.feat), (size_t)i);
	}
	ck_assert_ptr_null(dl_example_find(&ex, "f1000", 5));
	/* Replacing moves the feature to the end. */
	dl_example_add(&ex, "f500", 4, DL_FEATURE_BYTES);
	dl_example_add_bytes(&ex, "new", 3);
	ck_assert_uint_eq(ex.nfeat, 1000);
	ck_assert_str_eq(dl_feature_name(&ex, &ex.feat[999]), "f500");
	ck_assert_str_eq(dl_feature_name(&ex, &ex.feat[500]), "f501");
	must_find(&ex, "f500", DL_FEATURE_BYTES, 1);
	must_find(&ex, "f501", DL_FEATURE_INT64, 1);
	must_find(&ex, "f999", DL_FEATURE_INT64, 1);

	/* Two Examples concatenated on the wire merge: a key of the second replaces the
	 * first's entry (last wins) and takes its place in the second's order. */
	for (int i = 0; i < 1000; i += 3) {
		snprintf(name, sizeof name, "f%d", i);
		dl_example_add(&other, name, strlen(name), DL_FEATURE_FLOAT);
		dl_example_add_float(&other, (float)i);
	}
	dl_buf b = {0};
	dl_example_encode(&ex, &b);
	dl_example_encode(&other, &b);
	dl_err e;
	ck_assert_int_eq(dl_example_decode(&back, b.data, b.len, &e), 0);
	dl_example want;
	dl_example_init(&want);
	for (size_t i = 0; i < ex.nfeat; i++) {
		const dl_feature *f = &ex.feat[i];
		if (dl_example_find(&other, dl_feature_name(&ex, f), f->name_len))
			continue;
		dl_example_add(&want, dl_feature_name(&ex, f), f->name_len, f->kind);
		if (f->kind == DL_FEATURE_INT64)
			dl_example_add_int64(&want, dl_feature_ints(&ex, f)[0]);
		else
			dl_example_add_bytes(&want, "new", 3);
	}
	for (size_t i = 0; i < other.nfeat; i++) {
		const dl_feature *f = &other.feat[i];
		dl_example_add(&want, dl_feature_name(&other, f), f->name_len, f->kind);
		dl_example_add_float(&want, dl_feature_floats(&other, f)[0]);
	}
	expect_same(&want, &back);
	for (size_t i = 0; i < want.nfeat; i++) {
		const dl_feature *f = &want.feat[i];
		ck_assert_ptr_eq(dl_example_find(&back, dl_feature_name(&want, f), f->name_len),
				 &back.feat[i]);
	}
	/* Adding to a decoded example keeps the index right. */
	dl_example_add(&back, "f3", 2, DL_FEATURE_NONE);
	ck_assert_uint_eq(back.nfeat, want.nfeat);
	must_find(&back, "f3", DL_FEATURE_NONE, 0);
	dl_example_add(&back, "brand new", 9, DL_FEATURE_NONE);
	ck_assert_uint_eq(back.nfeat, want.nfeat + 1);
	must_find(&back, "brand new", DL_FEATURE_NONE, 0);
	must_find(&back, "f4", DL_FEATURE_INT64, 1);

	/* Clearing and building a small example again: no stale index answers. */
	dl_example_clear(&back);
	ck_assert_ptr_null(dl_example_find(&back, "f4", 2));
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "g%d", i);
		dl_example_add(&back, name, strlen(name), DL_FEATURE_NONE);
		ck_assert_ptr_null(dl_example_find(&back, "f4", 2));
		ck_assert_ptr_nonnull(dl_example_find(&back, name, strlen(name)));
	}
	dl_buf_free(&b);
	dl_example_free(&ex);
	dl_example_free(&other);
	dl_example_free(&back);
	dl_example_free(&want);
}
END_TEST

/* Decoding a stream of records reuses the pools: no allocation once they are warm. */
START_TEST(test_ex_no_realloc)
{
	dl_example ex, back;
	dl_example_init(&ex);
	dl_example_init(&back);
	build_all_kinds(&ex);
	char name[32];
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "w%d", i);
		dl_example_add(&ex, name, strlen(name), DL_FEATURE_FLOAT);
		dl_example_add_float(&ex, (float)i);
	}
	dl_buf b = {0};
	dl_example_encode(&ex, &b);
	dl_err e;
	ck_assert_int_eq(dl_example_decode(&back, b.data, b.len, &e), 0);
	dl_example warm = back;
	for (int k = 0; k < 5; k++) {
		ck_assert_int_eq(dl_example_decode(&back, b.data, b.len, &e), 0);
		ck_assert_ptr_eq(back.feat, warm.feat);
		ck_assert_ptr_eq(back.chars, warm.chars);
		ck_assert_ptr_eq(back.floats, warm.floats);
		ck_assert_ptr_eq(back.ints, warm.ints);
		ck_assert_ptr_eq(back.bytes, warm.bytes);
		ck_assert_uint_eq(back.cap_feat, warm.cap_feat);
		ck_assert_uint_eq(back.cap_chars, warm.cap_chars);
	}
	expect_same(&ex, &back);
	dl_buf_free(&b);
	dl_example_free(&ex);
	dl_example_free(&back);
}
END_TEST

START_TEST(test_ex_unpacked_and_mixed)
{
	dl_example ex;
	dl_example_init(&ex);
	dl_err e;
	/* a: Int64List of three unpacked values (08 = field 1, varint): 1, 127, -1 */
	ck_assert_int_eq(decode_hex(&ex, "0a18 0a16 0a0161 1211 1a0f 0801 087f 08ffffffffffffffffff01", &e), 0);
	const dl_feature *f = must_find(&ex, "a", DL_FEATURE_INT64, 3);
	ck_assert_int_eq(dl_feature_ints(&ex, f)[0], 1);
	ck_assert_int_eq(dl_feature_ints(&ex, f)[1], 127);
	ck_assert_int_eq(dl_feature_ints(&ex, f)[2], -1);
	/* b: FloatList of unpacked fixed32 values (0d = field 1, fixed32): 1.0, -2.0 */
	ck_assert_int_eq(decode_hex(&ex, "0a13 0a11 0a0162 120c 120a 0d0000803f 0d000000c0", &e), 0);
	f = must_find(&ex, "b", DL_FEATURE_FLOAT, 2);
	ck_assert(dl_feature_floats(&ex, f)[0] == 1.0f && dl_feature_floats(&ex, f)[1] == -2.0f);
	/* c: int64 unpacked 1, packed [2, 3], unpacked 4 */
	ck_assert_int_eq(decode_hex(&ex, "0a11 0a0f 0a0163 120a 1a08 0801 0a020203 0804", &e), 0);
	f = must_find(&ex, "c", DL_FEATURE_INT64, 4);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(dl_feature_ints(&ex, f)[i], i + 1);
	/* d: float unpacked 1, packed [2, 3], unpacked 4 */
	ck_assert_int_eq(decode_hex(&ex, "0a1d 0a1b 0a0164 1216 1214 0d0000803f 0a08 0000004000004040"
				    "0d00008040", &e), 0);
	f = must_find(&ex, "d", DL_FEATURE_FLOAT, 4);
	for (int i = 0; i < 4; i++)
		ck_assert(dl_feature_floats(&ex, f)[i] == (float)(i + 1));
	dl_example_free(&ex);
}
END_TEST

/* Unknown fields — new field numbers and known numbers with another wire type — at every
 * level: Example, Features, map entry, Feature, BytesList, Int64List, FloatList. */
START_TEST(test_ex_unknown_fields)
{
	dl_example ex;
	dl_example_init(&ex);
	dl_err e;
	const char *hex =
		"1005 190102030405060708"                       /* Example: 2 varint, 3 fixed64 */
		"0a57"                                          /* Example.features */
		"  1001"                                        /* Features: 2 varint */
		"  0a1e 1809 0a0178 2200 0805"                  /* entry x: 3, 4, key 1 as varint */
		"       1213 2001 2a01ff 0803"                  /* Feature: 4, 5, 1 as varint */
		"            0a0a 1001 0a0178 0d01020304"       /* BytesList: 2, value, 1 as fixed32 */
		"  0d01020304"                                  /* Features: 1 as fixed32 */
		"  0a19 0a0179 1214 1a12 1001 0d01020304 0807 110102030405060708"
								/* Int64List: 2, 1 as fixed32, value, 2 fixed64 */
		"  0a13 0a017a 120e 120c 0805 1500000000 0d0000803f"
								/* FloatList: 1 as varint, 2 fixed32, value */
		"2202abcd 2d01020304 0807";                     /* Example: 4 bytes, 5 fixed32, 1 varint */
	ck_assert_msg(decode_hex(&ex, hex, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(ex.nfeat, 3);
	size_t len;
	const dl_feature *f = must_find(&ex, "x", DL_FEATURE_BYTES, 1);
	ck_assert(memcmp(dl_feature_bytes(&ex, f, 0, &len), "x", 1) == 0 && len == 1);
	f = must_find(&ex, "y", DL_FEATURE_INT64, 1);
	ck_assert_int_eq(dl_feature_ints(&ex, f)[0], 7);
	f = must_find(&ex, "z", DL_FEATURE_FLOAT, 1);
	ck_assert(dl_feature_floats(&ex, f)[0] == 1.0f);
	dl_example_free(&ex);
}
END_TEST

START_TEST(test_ex_map_and_oneof_rules)
{
	dl_example ex;
	dl_example_init(&ex);
	dl_err e;
	size_t len;
	/* Repeated key: a (bytes), b (bytes), a (int64 [5]): the last a wins, after b. */
	ck_assert_int_eq(decode_hex(&ex, "0a24 0a0a 0a0161 1205 0a03 0a0178"
				    "     0a0a 0a0162 1205 0a03 0a0178"
				    "     0a0a 0a0161 1205 1a03 0a0105", &e), 0);
	ck_assert_uint_eq(ex.nfeat, 2);
	ck_assert_str_eq(dl_feature_name(&ex, &ex.feat[0]), "b");
	ck_assert_str_eq(dl_feature_name(&ex, &ex.feat[1]), "a");
	const dl_feature *f = must_find(&ex, "a", DL_FEATURE_INT64, 1);
	ck_assert_int_eq(dl_feature_ints(&ex, f)[0], 5);

	/* The oneof set twice. p: bytes [x], float [1], bytes [y] -> bytes [y] (the last kind
	 * wins, and a kind coming back starts afresh); q: bytes [x], bytes [y] -> [x, y]
	 * (the same kind merges); r: int64 [1], bytes [z], int64 [2] -> int64 [2]. */
	ck_assert_int_eq(decode_hex(&ex, "0a3f"
				    "0a16 0a0170 1211 0a030a0178 12050d0000803f 0a030a0179"
				    "0a0f 0a0171 120a 0a030a0178 0a030a0179"
				    "0a14 0a0172 120f 1a030a0101 0a030a017a 1a030a0102", &e), 0);
	f = must_find(&ex, "p", DL_FEATURE_BYTES, 1);
	ck_assert(memcmp(dl_feature_bytes(&ex, f, 0, &len), "y", 1) == 0 && len == 1);
	f = must_find(&ex, "q", DL_FEATURE_BYTES, 2);
	ck_assert(memcmp(dl_feature_bytes(&ex, f, 0, &len), "x", 1) == 0 && len == 1);
	ck_assert(memcmp(dl_feature_bytes(&ex, f, 1, &len), "y", 1) == 0 && len == 1);
	f = must_find(&ex, "r", DL_FEATURE_INT64, 1);
	ck_assert_int_eq(dl_feature_ints(&ex, f)[0], 2);
	ck_assert_uint_eq(ex.nints, 1);      /* dropped lists leave no values behind */
	ck_assert_uint_eq(ex.nbytes, 3);
	ck_assert_uint_eq(ex.nfloats, 0);

	/* An entry with two values (merged) and the key after the first; an entry with no
	 * key (the empty name), in a second Features field (merged into the first). */
	ck_assert_int_eq(decode_hex(&ex, "0a13 0a11 12050a030a0178 0a016b 12050a030a0179"
				    "0a09 0a07 12050a030a0177", &e), 0);
	ck_assert_uint_eq(ex.nfeat, 2);
	f = must_find(&ex, "k", DL_FEATURE_BYTES, 2);
	ck_assert(memcmp(dl_feature_bytes(&ex, f, 1, &len), "y", 1) == 0);
	f = must_find(&ex, "", DL_FEATURE_BYTES, 1);
	ck_assert(memcmp(dl_feature_bytes(&ex, f, 0, &len), "w", 1) == 0);
	ck_assert_str_eq(dl_feature_name(&ex, &ex.feat[1]), "");

	/* An entry without a value is a NONE feature; a key given twice: the last. */
	ck_assert_int_eq(decode_hex(&ex, "0a08 0a06 0a0161 0a0162", &e), 0);
	ck_assert_uint_eq(ex.nfeat, 1);
	must_find(&ex, "b", DL_FEATURE_NONE, 0);
	dl_example_free(&ex);
}
END_TEST

/* Malformed payloads: decode fails with the message, validate agrees (decode_hex checks
 * that), and the example is left empty. */
START_TEST(test_ex_malformed)
{
	static const struct {
		const char *hex, *msg;
	} cases[] = {
		/* 10th varint byte above 1 (inside a packed Int64List, starting at byte 13) */
		{"0a15 0a13 0a0161 120e 1a0c 0a0a ffffffffffffffffff02", "bad varint at payload byte 13"},
		/* an 11-byte key varint */
		{"ffffffffffffffffffff01 00", "bad varint at payload byte 0"},
		/* varints cut off by the end of the payload / of the packed list */
		{"0a", "bad varint at payload byte 1"},
		{"0a80", "bad varint at payload byte 1"},
		{"0a0c 0a0a 0a0161 1205 1a03 0a0180", "bad varint at payload byte 13"},
		{"0a0b 0a09 0a0161 1204 1a02 0a01",
		 "field length 1 at payload byte 12 runs past the end (payload is 13 bytes)"},
		/* a length past the end of the payload, and past the end of its message */
		{"0aac02 0000", "field length 300 at payload byte 1 runs past the end (payload is 5 bytes)"},
		{"0a04 0a050a01 1001",
		 "field length 5 at payload byte 3 runs past the end of its message (which ends at payload byte 6)"},
		/* wire types */
		{"0f00", "bad wire type 7 at payload byte 0"},
		{"0a04 0a02 1e00", "bad wire type 6 at payload byte 4"},
		{"0b0c", "unsupported wire type 3 (group) at payload byte 0"},
		{"0a08 0a06 0a0161 1200 0c", "unsupported wire type 4 (group) at payload byte 9"},
		/* a packed float list of 3 bytes (its length at byte 12) */
		{"0a0e 0a0c 0a0161 1207 1205 0a03000000",
		 "packed float list length 3 at payload byte 12 is not a multiple of 4"},
		/* fixed-width values cut off */
		{"0a0a 0a08 0a0161 1203 0d0000", "truncated fixed32 at payload byte 10"},
		{"0a0c 0a0a 0a0161 1205 1203 0d0000", "truncated fixed32 at payload byte 12"},
		{"090102", "truncated fixed64 at payload byte 1"},
		/* field number 0 */
		{"0200", "bad field number 0 at payload byte 0"},
	};
	dl_example ex;
	dl_example_init(&ex);
	dl_err e;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		/* Leave something in ex first: a failed decode must clear it. */
		dl_example_add(&ex, "old", 3, DL_FEATURE_NONE);
		memset(e.msg, 0, sizeof e.msg);
		ck_assert_msg(decode_hex(&ex, cases[i].hex, &e) == -1, "case %zu decoded", i);
		ck_assert_msg(!strcmp(e.msg, cases[i].msg), "case %zu: got '%s', want '%s'", i,
			      e.msg, cases[i].msg);
		ck_assert_uint_eq(ex.nfeat, 0);
	}
	dl_example_free(&ex);
}
END_TEST

/* Random corruptions of a valid payload: validate and decode always agree, never crash,
 * and a payload that decodes re-encodes and decodes to the same example. */
START_TEST(test_ex_mutations)
{
	dl_example ex, back, again;
	dl_example_init(&ex);
	dl_example_init(&back);
	dl_example_init(&again);
	build_all_kinds(&ex);
	dl_buf b = {0}, re = {0};
	dl_example_encode(&ex, &b);
	uint8_t *m = dl_malloc(b.len + 8);
	for (int t = 0; t < 20000; t++) {
		size_t n = b.len;
		memcpy(m, b.data, n);
		int edits = 1 + (int)(rnd() % 3);
		for (int k = 0; k < edits; k++) {
			switch (rnd() % 3) {
			case 0: m[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8)); break;
			case 1: m[rnd() % n] = (uint8_t)rnd(); break;
			default: n = (size_t)(rnd() % (n + 1)); if (!n) n = 1; break;
			}
		}
		dl_err e1, e2;
		int r1 = dl_example_decode(&back, m, n, &e1);
		int r2 = dl_example_validate(m, n, &e2);
		ck_assert_int_eq(r1, r2);
		if (r1) {
			ck_assert_str_eq(e1.msg, e2.msg);
			continue;
		}
		dl_buf_clear(&re);
		dl_example_encode(&back, &re);
		ck_assert_int_eq(dl_example_decode(&again, re.data, re.len, &e1), 0);
		expect_same(&back, &again);
	}
	free(m);
	dl_buf_free(&b);
	dl_buf_free(&re);
	dl_example_free(&ex);
	dl_example_free(&back);
	dl_example_free(&again);
}
END_TEST

/* The word-at-a-time check of packed varints (validate) against decoding them one by one:
 * random bytes with the top bit set often, so that long and bad varints straddle words. */
START_TEST(test_ex_varint_scan)
{
	dl_example ex;
	dl_example_init(&ex);
	uint8_t buf[128];
	int bad = 0;
	for (int t = 0; t < 200000; t++) {
		size_t n = (size_t)(rnd() % 48);
		unsigned pct = (unsigned[]){50, 90, 97, 100}[t % 4];
		/* Example > Features > entry "a" > Feature > Int64List > packed field (n bytes) */
		uint8_t *q = buf;
		*q++ = 0x0a; *q++ = (uint8_t)(n + 11);
		*q++ = 0x0a; *q++ = (uint8_t)(n + 9);
		*q++ = 0x0a; *q++ = 1; *q++ = 'a';
		*q++ = 0x12; *q++ = (uint8_t)(n + 4);
		*q++ = 0x1a; *q++ = (uint8_t)(n + 2);
		*q++ = 0x0a; *q++ = (uint8_t)n;
		for (size_t i = 0; i < n; i++) {
			uint8_t b = (uint8_t)(rnd() & 0x7f);
			if (rnd() % 100 < pct)
				b |= 0x80;
			else if (rnd() % 2)
				b &= 1;     /* 0 or 1: a legal 10th byte */
			*q++ = b;
		}
		size_t len = (size_t)(q - buf);
		/* Reference: count the values and find the first bad varint by hand. */
		size_t count = 0, pos = 13;
		long want_bad = -1;
		while (pos < len) {
			size_t k = 0;
			while (pos + k < len && (buf[pos + k] & 0x80) && k < 9)
				k++;
			if (pos + k >= len || (buf[pos + k] & 0x80) || (k == 9 && buf[pos + k] > 1)) {
				want_bad = (long)pos;
				break;
			}
			pos += k + 1;
			count++;
		}
		dl_err e1, e2;
		int r1 = dl_example_decode(&ex, buf, len, &e1);
		int r2 = dl_example_validate(buf, len, &e2);
		ck_assert_int_eq(r1, r2);
		if (want_bad >= 0) {
			char msg[64];
			snprintf(msg, sizeof msg, "bad varint at payload byte %ld", want_bad);
			ck_assert_int_eq(r1, -1);
			ck_assert_str_eq(e1.msg, msg);
			ck_assert_str_eq(e2.msg, msg);
			bad++;
		} else {
			ck_assert_int_eq(r1, 0);
			must_find(&ex, "a", DL_FEATURE_INT64, count);
		}
	}
	ck_assert_int_gt(bad, 1000);
	ck_assert_int_lt(bad, 199000);
	dl_example_free(&ex);
}
END_TEST

/* A record stream of Examples: write, read back, decode each. */
START_TEST(test_ex_in_records)
{
	const char *path = tmp_path("ex.tfrecord.gz");
	dl_out *out = dl_out_open(path, DL_COMPRESS_GZIP);
	dl_example ex;
	dl_example_init(&ex);
	dl_buf b = {0};
	for (int i = 0; i < 500; i++) {
		dl_example_clear(&ex);
		dl_example_add(&ex, "id", 2, DL_FEATURE_INT64);
		dl_example_add_int64(&ex, i);
		dl_example_add(&ex, "x", 1, DL_FEATURE_FLOAT);
		for (int k = 0; k < i % 17; k++)
			dl_example_add_float(&ex, (float)k / 3);
		dl_buf_clear(&b);
		dl_example_encode(&ex, &b);
		dl_tfrecord_write(out, b.data, b.len);
	}
	dl_out_close(out);
	dl_err e;
	dl_tfrecord_reader *r = dl_tfrecord_open(path, 0, &e);
	ck_assert_ptr_nonnull(r);
	const uint8_t *d;
	size_t n;
	int i = 0, rc;
	while ((rc = dl_tfrecord_next(r, &d, &n, &e)) == 1) {
		ck_assert_int_eq(dl_example_validate(d, n, &e), 0);
		ck_assert_int_eq(dl_example_decode(&ex, d, n, &e), 0);
		const dl_feature *f = must_find(&ex, "id", DL_FEATURE_INT64, 1);
		ck_assert_int_eq(dl_feature_ints(&ex, f)[0], i);
		f = must_find(&ex, "x", DL_FEATURE_FLOAT, (size_t)(i % 17));
		i++;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(i, 500);
	dl_tfrecord_close(r);
	dl_buf_free(&b);
	dl_example_free(&ex);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("crc32c");
	tcase_add_test(tc, test_crc_vectors_sw);
	tcase_add_test(tc, test_crc_vectors_hw);
	tcase_add_test(tc, test_crc_hw_equals_sw);
	tcase_add_test(tc, test_crc_incremental);
	tcase_add_test(tc, test_crc_mask);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("tfrecord");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_tfr_roundtrip_plain);
	tcase_add_test(tc, test_tfr_roundtrip_gzip);
	tcase_add_test(tc, test_tfr_roundtrip_zlib);
	tcase_add_test(tc, test_tfr_empty);
	tcase_add_test(tc, test_tfr_magic_lookalike);
	tcase_add_test(tc, test_tfr_plain_check);
	tcase_add_test(tc, test_tfr_errors);
	tcase_add_test(tc, test_tfr_errors_compressed);
	tcase_add_test(tc, test_tfr_gzip_cut);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);

	tc = tcase_create("example");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_ex_roundtrip);
	tcase_add_test(tc, test_ex_encode_bytes);
	tcase_add_test(tc, test_ex_add_replaces);
	tcase_add_test(tc, test_ex_wide);
	tcase_add_test(tc, test_ex_no_realloc);
	tcase_add_test(tc, test_ex_unpacked_and_mixed);
	tcase_add_test(tc, test_ex_unknown_fields);
	tcase_add_test(tc, test_ex_map_and_oneof_rules);
	tcase_add_test(tc, test_ex_malformed);
	tcase_add_test(tc, test_ex_mutations);
	tcase_add_test(tc, test_ex_varint_scan);
	tcase_add_test(tc, test_ex_in_records);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
