/*
 * tmp.h — anonymous temporary files, for tools that spool a stream they must read twice
 * (a CSV piped in for type inference) or spill what does not fit in memory (shuffle).
 *
 * The file is created in $TMPDIR (default /tmp) and unlinked at once, so it vanishes when
 * closed or when the program dies, whatever the cause. Thread-safe.
 */
#ifndef DL_CORE_TMP_H
#define DL_CORE_TMP_H

#include <stdio.h>

#include "error.h"

/* Returns a read-write descriptor of a fresh unlinked file, or -1 with e filled
 * ("cannot create a temporary file in /tmp: No space left on device"). */
int dl_tmp_fd(dl_err *e);
/* The same as a stdio stream opened "w+b"; NULL with e filled on error. */
FILE *dl_tmp_file(dl_err *e);
/* Copies everything readable from fd to a fresh temporary file; returns the new descriptor,
 * positioned at the start, or -1 with e filled. */
int dl_tmp_spool(int fd, dl_err *e);
/* The directory used: $TMPDIR when set and non-empty, else /tmp. */
const char *dl_tmp_dir(void);

#endif
