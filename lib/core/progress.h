/*
 * progress.h — a one-line progress meter on stderr, shown only when stderr is a terminal
 * (and not --quiet): done/total, rate, ETA and a metric the caller supplies ("loss 2.31").
 * Redraws at most a few times a second, so calling dl_progress_update in a loop is cheap.
 * One meter per program at a time; call from one thread.
 */
#ifndef DL_CORE_PROGRESS_H
#define DL_CORE_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

typedef struct dl_progress {
	int enabled;
	const char *what;       /* "records", "words", ... */
	uint64_t total;         /* 0 when unknown: no percentage or ETA */
	double t0, last_draw;
	int drawn;
} dl_progress;

/* Starts a meter. It is silent unless stderr is a TTY and quiet is 0. */
void dl_progress_start(dl_progress *p, const char *what, uint64_t total, int quiet);
/* Reports progress; metric may be NULL. */
void dl_progress_update(dl_progress *p, uint64_t done, const char *metric);
/* Clears the line. */
void dl_progress_finish(dl_progress *p);

/* Formats the line the meter would draw (for tests): elapsed seconds given. */
void dl_progress_format(char *out, size_t size, const char *what, uint64_t done,
			uint64_t total, double elapsed, const char *metric);

/* Monotonic clock in seconds. */
double dl_now(void);

#endif
