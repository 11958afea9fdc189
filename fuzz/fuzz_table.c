/*
 * fuzz_table.c — libFuzzer target for lib/data's table readers (dl_table_read_mem: CSV,
 * libsvm and records, with format detection) and the operations on the tables they return.
 *
 * The first input byte picks the options, the rest is the data:
 *     bits 0-1  format: auto, CSV, libsvm, records
 *     bit 2     label "y" (else the default "label"), weight "w", group "q"
 *     bit 3     require_label
 *     bits 4-5  zero_based: -1, 0, 1, and with 3 the delimiter ';'
 *     bit 6     model features {"f1", "a", "f0"} (allow_absent and ignore_extra set)
 *     bit 7     exclude {"s"}
 * Properties checked, on success: at least one row; ncol names; exactly one layout; CSR
 * offsets that rise to the last one, columns below ncol and strictly rising within a row;
 * labels finite under require_label; weights finite and non-negative; query ids in runs
 * (dl_table_groups succeeds and covers every row); subset and densify keep every value.
 * On failure: a message, and the usage flag only 0 or 1.
 * Inputs that name a libsvm index of 6 digits or more are skipped: such a table has a
 * million columns (and names), which is legal but only slow. Keep -max_len at its default
 * (4096): records with many columns make tables of rows x columns floats.
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "data/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_table: property broken: %s\n", what);
	abort();
}

#define CHECK(c) do { if (!(c)) broken(#c); } while (0)

static int big_index(const uint8_t *p, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			run++;
		else if (p[i] == ':' && run >= 6)
			return 1;
		else
			run = 0;
	}
	return 0;
}

static int same(float a, float b)
{
	return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static void check_table(dl_table *t, const dl_table_options *o)
{
	CHECK(t->nrow > 0);
	CHECK(t->names != NULL);
	for (size_t c = 0; c < t->ncol; c++)
		CHECK(t->names[c] != NULL);
	CHECK((t->x != NULL) != (t->rowptr != NULL));
	if (t->rowptr) {
		CHECK(t->rowptr[0] == 0);
		for (size_t r = 0; r < t->nrow; r++) {
			CHECK(t->rowptr[r] <= t->rowptr[r + 1]);
			for (size_t k = t->rowptr[r]; k < t->rowptr[r + 1]; k++) {
				CHECK(t->col[k] < t->ncol);
				CHECK(k == t->rowptr[r] || t->col[k] > t->col[k - 1]);
			}
		}
	}
	for (size_t r = 0; r < t->nrow; r++) {
		if (o->require_label)
			CHECK(t->label && isfinite(t->label[r]));
		if (t->weight)
			CHECK(t->weight[r] >= 0 && isfinite(t->weight[r]));
	}
	size_t *gp;
	dl_err e;
	ptrdiff_t ng = dl_table_groups(t, &gp, &e);
	CHECK(ng >= 1);
	CHECK(gp[0] == 0 && gp[ng] == t->nrow);
	dl_free(gp);
	/* Subset: the rows in reverse. */
	size_t *rows = dl_mallocarray(t->nrow, sizeof *rows);
	for (size_t r = 0; r < t->nrow; r++)
		rows[r] = t->nrow - 1 - r;
	dl_table *s = dl_table_subset(t, rows, t->nrow);
	size_t cells = t->nrow * t->ncol;
	if (cells <= ((size_t)1 << 22)) {
		dl_table *d = dl_table_subset(t, rows, t->nrow);
		CHECK(dl_table_densify(d, &e) == 0);
		for (size_t r = 0; r < t->nrow; r++)
			for (size_t c = 0; c < t->ncol; c++) {
				float v = dl_table_get(t, rows[r], c);
				CHECK(same(dl_table_get(s, r, c), v));
				CHECK(same(dl_table_get(d, r, c), v));
			}
		dl_table_free(d);
	}
	dl_table_free(s);
	dl_free(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const feats[] = { "f1", "a", "f0" };
	static const char *const excl[] = { "s" };
	if (size < 1 || big_index(data + 1, size - 1))
		return 0;
	uint8_t b = data[0];
	dl_table_options o = { 0 };
	o.format = (enum dl_table_format)(b & 3);
	if (b & 4) {
		o.label = "y";
		o.weight = "w";
		o.group = "q";
	}
	o.require_label = (b >> 3) & 1;
	o.zero_based = ((b >> 4) & 3) == 3 ? -1 : (int)((b >> 4) & 3) - 1;
	if (((b >> 4) & 3) == 3)
		o.delimiter = ';';
	if (b & 64) {
		o.features = feats;
		o.nfeatures = 3;
		o.allow_absent = 1;
		o.ignore_extra = 1;
	}
	if (b & 128) {
		o.exclude = excl;
		o.nexclude = 1;
	}
	dl_err e;
	int usage = -1;
	e.msg[0] = 0;
	dl_table *t = dl_table_read_mem(data + 1, size - 1, "fuzz", &o, &usage, &e);
	if (!t) {
		CHECK(e.msg[0] != 0);
		CHECK(usage == 0 || usage == 1);
		return 0;
	}
	CHECK(usage == 0);
	check_table(t, &o);
	dl_table_free(t);
	return 0;
}
