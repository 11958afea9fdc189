/*
 * window.h — rolling aggregates over the last K rows of an ordered stream: max, min, mean
 * and sum, each in O(1) amortised time per row.
 *
 * A window covers the current row and the K - 1 before it. A row may lack a value (the
 * window still moves by one row); the aggregate is over the values present, and there is
 * none when the window holds no value. max and min keep a monotonic deque of (row, value)
 * — each value enters and leaves it once, so a row costs O(1) amortised (the "ascending
 * minima" method; see e.g. Lemire, "Streaming maximum-minimum filter using no more than
 * three comparisons per element", 2006, for the analysis). mean and sum keep a ring of the
 * last K values and a running sum, recomputed exactly from the ring every K rows so that
 * rounding errors cannot build up. NaN is a value like any other for mean and sum (and
 * poisons them, as it would a sum); max and min skip it.
 *
 * dl_window_groups keeps one window per value of a grouping key (group_by), created on
 * first sight. Not thread-safe per object.
 */
#ifndef DL_FEATURES_WINDOW_H
#define DL_FEATURES_WINDOW_H

#include <stddef.h>
#include <stdint.h>

enum dl_window_op { DL_WINDOW_MAX, DL_WINDOW_MIN, DL_WINDOW_MEAN, DL_WINDOW_SUM };

typedef struct dl_window dl_window;

/* A window of k >= 1 rows. */
dl_window *dl_window_new(enum dl_window_op op, size_t k);
void dl_window_free(dl_window *w);
/* Moves the window by one row, whose value is v when present is non-zero. Returns 1 and
 * sets *out to the aggregate over the window, or 0 when the window holds no value. */
int dl_window_push(dl_window *w, int present, double v, double *out);

typedef struct dl_window_groups dl_window_groups;

dl_window_groups *dl_window_groups_new(enum dl_window_op op, size_t k);
void dl_window_groups_free(dl_window_groups *g);
/* dl_window_push on the window of group key[0..n). */
int dl_window_groups_push(dl_window_groups *g, const char *key, size_t n, int present,
			  double v, double *out);
/* Number of groups seen. */
size_t dl_window_groups_count(const dl_window_groups *g);

#endif
