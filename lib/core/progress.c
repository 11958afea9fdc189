/*
 * progress.c — the progress meter.
 */
#include "config.h"
#include "progress.h"
#include "error.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double dl_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void human(char *out, size_t size, double v)
{
	static const char *unit[] = {"", "k", "M", "G", "T"};
	int u = 0;
	/* Up a unit also when the value would round to 1000 in this one: "1.0M", not "1000.0k". */
	while (v >= (u ? 999.95 : 999.5) && u < 4) {
		v /= 1000.0;
		u++;
	}
	snprintf(out, size, u ? "%.1f%s" : "%.0f%s", v, unit[u]);
}

static void duration(char *out, size_t size, double s)
{
	if (s < 0 || s > 1e8) {
		snprintf(out, size, "?");
		return;
	}
	unsigned long t = (unsigned long)(s + 0.5);
	if (t >= 3600)
		snprintf(out, size, "%luh%02lum", t / 3600, (t / 60) % 60);
	else
		snprintf(out, size, "%lum%02lus", t / 60, t % 60);
}

void dl_progress_format(char *out, size_t size, const char *what, uint64_t done,
			uint64_t total, double elapsed, const char *metric)
{
	char d[32], rate[32], eta[32];
	human(d, sizeof d, (double)done);
	human(rate, sizeof rate, elapsed > 0 ? (double)done / elapsed : 0.0);
	int n;
	if (total) {
		double frac = (double)done / (double)total;
		duration(eta, sizeof eta, done ? elapsed * (1.0 - frac) / frac : -1);
		n = snprintf(out, size, "%5.1f%% %s %s, %s/s, ETA %s", 100.0 * frac, d, what, rate, eta);
	} else {
		n = snprintf(out, size, "%s %s, %s/s", d, what, rate);
	}
	if (metric && n >= 0 && (size_t)n < size)
		snprintf(out + n, size - (size_t)n, ", %s", metric);
}

void dl_progress_start(dl_progress *p, const char *what, uint64_t total, int quiet)
{
	memset(p, 0, sizeof *p);
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->what = what;
	p->total = total;
	p->t0 = dl_now();
}

void dl_progress_update(dl_progress *p, uint64_t done, const char *metric)
{
	if (!p->enabled)
		return;
	double t = dl_now();
	if (p->drawn && t - p->last_draw < 0.25)
		return;
	char line[160];
	dl_progress_format(line, sizeof line, p->what, done, p->total, t - p->t0, metric);
	fprintf(stderr, "\r%s: %s\033[K", dl_progname(), line);
	fflush(stderr);
	p->last_draw = t;
	p->drawn = 1;
}

void dl_progress_finish(dl_progress *p)
{
	if (p->enabled && p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = 0;
}
