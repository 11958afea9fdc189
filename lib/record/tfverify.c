/*
 * tfverify.c — verifying an uncompressed TFRecord file with several threads.
 *
 * A single reader checks a record every few hundred nanoseconds, but the file is one chain:
 * where a record ends is known only from the length of the one before. To split the work, the
 * file is cut at T-1 offsets and, just after each cut, the first position that looks like a
 * record start is taken: its 8-byte length matches the masked CRC-32C that follows, and the
 * record fits in the file (a false match is a 32-bit CRC collision). Each thread then reads
 * its part with pread into a buffer of its own (which stays in its core's cache) and checks
 * record after record, every CRC and, when asked, every payload, until it stands on the next
 * part's start. The guesses are proven, not trusted: each part's chain must land exactly on
 * the next part's start, and the last on the end of the file.
 *
 * The answer is only ever "all good" or "cannot tell". Anything else (an error anywhere, a
 * chain that jumps over a guessed start, a file that changes size) sends the caller to the
 * sequential reader, which reads from the start and reports the first problem with its exact
 * record index and offset: this pass never has to produce a message.
 */
#include "config.h"
#include "tfverify.h"
#include "crc32c.h"
#include "tfrecord.h"
#include "core/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_SIZE ((size_t)1 << 20)     /* pread size; the buffer starts at twice that */
#define SYNC_WINDOW ((uint64_t)4 << 20) /* how far past a cut a record start is looked for */
#define DEFAULT_SEGMENT ((uint64_t)32 << 20)
#define MAX_PARTS 64

static inline uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Reads exactly n bytes at off; 0 on success. */
static int pread_all(int fd, uint8_t *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* A header at p (12 bytes at file offset off) whose record fits in a file of size bytes. */
static int header_ok(const uint8_t *p, uint64_t off, uint64_t size)
{
	if (dl_crc32c_mask(dl_crc32c(0, p, 8)) != le32(p + 8))
		return 0;
	uint64_t len = le64(p);
	return len <= size && off + DL_TFRECORD_HEADER + DL_TFRECORD_FOOTER + len <= size;
}

/* The first offset in [from, min(from + SYNC_WINDOW, limit)) that passes header_ok, or
 * UINT64_MAX (none, or a read error). */
static uint64_t find_start(int fd, uint64_t from, uint64_t limit, uint64_t size)
{
	uint8_t buf[65536 + DL_TFRECORD_HEADER];
	uint64_t end = from + SYNC_WINDOW < limit ? from + SYNC_WINDOW : limit;
	for (uint64_t at = from; at < end; at += 65536) {
		uint64_t want = end - at < 65536 ? end - at : 65536;
		uint64_t n = want + DL_TFRECORD_HEADER;
		if (at + n > size)
			n = size - at;
		if (n < DL_TFRECORD_HEADER)
			break;
		if (pread_all(fd, buf, (size_t)n, at) < 0)
			return UINT64_MAX;
		for (uint64_t i = 0; i + DL_TFRECORD_HEADER <= n && i < want; i++)
			if (header_ok(buf + i, at + i, size))
				return at + i;
	}
	return UINT64_MAX;
}

struct part {
	/* In: */
	int fd;
	uint64_t start, stop, size;
	int (*validate)(const uint8_t *p, size_t n, dl_err *e);
	/* Out: */
	uint64_t records;
	int ok;
};

/* Checks the chain of records from start; ok when it lands exactly on stop. */
static void *check_part(void *arg)
{
	struct part *pt = arg;
	size_t cap = 2 * READ_SIZE;
	uint8_t *buf = dl_malloc(cap);
	uint64_t base = pt->start;      /* file offset of buf[0] */
	size_t have = 0, pos = 0;       /* buf[0, have) read, buf[pos] is the next record */
	uint64_t off = pt->start;
	dl_err e;

	pt->ok = 0;
	while (off < pt->stop) {
		/* Ensures buf[pos, pos + need) holds file bytes [off, off + need). */
		uint64_t need = DL_TFRECORD_HEADER;
		for (int pass = 0; pass < 2; pass++) {
			if (have - pos < need) {
				if (off + need > pt->size)
					goto out;
				memmove(buf, buf + pos, have - pos);
				have -= pos;
				pos = 0;
				base = off;
				if (need > cap) {
					if (need > SIZE_MAX / 2)
						goto out;
					cap = (size_t)need;
					buf = dl_reallocarray(buf, cap, 1);
				}
				uint64_t left = pt->size - (base + have);
				size_t n = cap - have;
				if (n > left)
					n = (size_t)left;
				if (n > READ_SIZE && have + READ_SIZE >= need)
					n = READ_SIZE;
				if (pread_all(pt->fd, buf + have, n, base + have) < 0)
					goto out;
				have += n;
				if (have - pos < need)
					goto out;
			}
			if (pass == 0) {
				if (!header_ok(buf + pos, off, pt->size))
					goto out;
				need = DL_TFRECORD_HEADER + DL_TFRECORD_FOOTER + le64(buf + pos);
			}
		}
		const uint8_t *rec = buf + pos;
		size_t len = (size_t)(need - DL_TFRECORD_HEADER - DL_TFRECORD_FOOTER);
		const uint8_t *data = rec + DL_TFRECORD_HEADER;
		if (dl_crc32c_mask(dl_crc32c(0, data, len)) != le32(data + len))
			goto out;
		if (pt->validate && pt->validate(data, len, &e) < 0)
			goto out;
		pt->records++;
		pos += (size_t)need;
		off += need;
	}
	pt->ok = off == pt->stop;
out:
	free(buf);
	return NULL;
}

int dl_tfrecord_verify_parallel(const char *path, int threads, uint64_t min_part,
				int (*validate)(const uint8_t *p, size_t n, dl_err *e),
				uint64_t *records, uint64_t *bytes)
{
	if (!min_part)
		min_part = DEFAULT_SEGMENT;
	if (threads < 2 || !path || !strcmp(path, "-"))
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct stat st;
	uint8_t head[DL_TFRECORD_HEADER];
	int result = 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto done;
	uint64_t size = (uint64_t)st.st_size;
	uint64_t nparts = size / min_part;
	if (nparts > (uint64_t)threads)
		nparts = (uint64_t)threads;
	if (nparts > MAX_PARTS)
		nparts = MAX_PARTS;
	/* A plain record file starts with a good header (a compressed one does not). */
	if (nparts < 2 || pread_all(fd, head, sizeof head, 0) < 0 || !header_ok(head, 0, size))
		goto done;

	struct part parts[MAX_PARTS];
	int n = 0;
	parts[n++].start = 0;
	for (uint64_t k = 1; k < nparts; k++) {
		uint64_t cut = size / nparts * k, next = size / nparts * (k + 1);
		if (cut <= parts[n - 1].start)
			continue;
		uint64_t s = find_start(fd, cut, k + 1 == nparts ? size : next, size);
		if (s != UINT64_MAX)
			parts[n++].start = s;   /* none: the part before runs on */
	}
	for (int k = 0; k < n; k++) {
		parts[k].fd = fd;
		parts[k].stop = k + 1 < n ? parts[k + 1].start : size;
		parts[k].size = size;
		parts[k].validate = validate;
		parts[k].records = 0;
		parts[k].ok = 0;
	}
	pthread_t tid[MAX_PARTS];
	int started[MAX_PARTS] = {0};
	for (int k = 1; k < n; k++)
		started[k] = pthread_create(&tid[k], NULL, check_part, &parts[k]) == 0;
	check_part(&parts[0]);
	for (int k = 1; k < n; k++) {
		if (started[k])
			pthread_join(tid[k], NULL);
		else
			check_part(&parts[k]);
	}
	uint64_t total = 0;
	result = 1;
	for (int k = 0; k < n; k++) {
		result &= parts[k].ok;
		total += parts[k].records;
	}
	/* The file must not have changed under the readers. */
	struct stat st2;
	if (fstat(fd, &st2) != 0 || (uint64_t)st2.st_size != size ||
	    st2.st_mtim.tv_sec != st.st_mtim.tv_sec || st2.st_mtim.tv_nsec != st.st_mtim.tv_nsec)
		result = 0;
	if (result) {
		*records = total;
		*bytes = size;
	}
done:
	close(fd);
	return result;
}
