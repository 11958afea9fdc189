/*
 * tmp.c — anonymous temporary files (see tmp.h).
 *
 * Linux's O_TMPFILE gives a file that never has a name; where the file system does not
 * support it, a mkstemp name is unlinked right after creation.
 */
#include "tmp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"

const char *dl_tmp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d && *d ? d : "/tmp";
}

int dl_tmp_fd(dl_err *e)
{
	const char *dir = dl_tmp_dir();
	int fd = -1;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		goto fail;
#endif
	{
		size_t n = strlen(dir) + sizeof "/dl-tmp.XXXXXX";
		char *path = dl_malloc(n);

		snprintf(path, n, "%s/dl-tmp.XXXXXX", dir);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
		dl_free(path);
		if (fd >= 0)
			return fd;
	}
fail:
	dl_errf(e, "cannot create a temporary file in %s: %s", dir, strerror(errno));
	return -1;
}

FILE *dl_tmp_file(dl_err *e)
{
	int fd = dl_tmp_fd(e);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w+b");
	if (!f) {
		dl_errf(e, "cannot open a temporary file: %s", strerror(errno));
		close(fd);
	}
	return f;
}

int dl_tmp_spool(int fd, dl_err *e)
{
	char buf[1 << 16];
	int out = dl_tmp_fd(e);
	ssize_t n;

	if (out < 0)
		return -1;
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			dl_errf(e, "read error: %s", strerror(errno));
			goto fail;
		}
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(out, buf + done, (size_t)(n - done));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				dl_errf(e, "cannot write a temporary file in %s: %s", dl_tmp_dir(),
					strerror(errno));
				goto fail;
			}
			done += w;
		}
	}
	if (lseek(out, 0, SEEK_SET) == 0)
		return out;
	dl_errf(e, "cannot rewind a temporary file: %s", strerror(errno));
fail:
	close(out);
	return -1;
}
