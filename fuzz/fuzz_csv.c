/*
 * fuzz_csv.c — libFuzzer target for the CSV reader and writer (lib/record/csv.c).
 *
 * The first input byte picks the reader's options, the rest is the CSV text, read from
 * memory through dl_csv_open_in (which spools it to a temporary file for the two passes
 * of type inference):
 *     bits 0-1  delimiter: ',' '\t' ';' '|'
 *     bit 2     infer_rows = 3 (else every row decides the types)
 *     bit 3     label = "label"
 *     bits 4-5  forced types: none, {x=bytes}, {label=int64, x=float}, {x=float, x=int64}
 * Properties checked:
 *   - every Example holds only columns of the header, each once, as a one-value list of
 *     the column's kind, the label first and the rest in header order; rows' lines rise;
 *   - every error has a message; a failed open that is not a usage error names the input;
 *   - round trip: the rows read are written (columns in header order, the same delimiter)
 *     to a file, which read again with every column's type forced to the one inferred (and
 *     the same label) gives the same Examples (floats bit for bit, but any NaN equals any
 *     NaN: CSV writes every NaN as "NaN"). Skipped when a column name holds a NUL byte,
 *     which a "NAME=TYPE" string cannot carry.
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "record/csv.h"
#include "record/example.h"

#define NAME "fuzz.csv"
#define MAX_ROWS 256            /* rows kept for the round trip */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_csv: property broken: %s%s%s\n", what,
		msg ? ": " : "", msg ? msg : "");
	abort();
}

static const char *const types_sets[4][2] = {
	{ NULL, NULL }, { "x=bytes", NULL }, { "label=int64", "x=float" }, { "x=float", "x=int64" },
};

static void options_from(uint8_t b, dl_csv_options *opt)
{
	static const char delims[4] = { ',', '\t', ';', '|' };
	const char *const *set = types_sets[(b >> 4) & 3];

	memset(opt, 0, sizeof *opt);
	opt->delimiter = delims[b & 3];
	opt->infer_rows = (b & 4) ? 3 : 0;
	opt->label = (b & 8) ? "label" : NULL;
	opt->types = set;
	opt->ntypes = set[1] ? 2 : set[0] ? 1 : 0;
}

static int same_float(float a, float b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return !memcmp(&a, &b, sizeof a);
}

static void check_same(const dl_example *a, const dl_example *b)
{
	if (a->nfeat != b->nfeat)
		broken("feature count changed in the CSV round trip", NULL);
	for (size_t i = 0; i < a->nfeat; i++) {
		const dl_feature *fa = &a->feat[i], *fb = &b->feat[i];
		const char *name = dl_feature_name(a, fa);
		size_t la, lb;
		const uint8_t *pa, *pb;

		if (fa->name_len != fb->name_len || memcmp(name, dl_feature_name(b, fb), fa->name_len) ||
		    fa->kind != fb->kind || fa->count != fb->count)
			broken("feature name, kind or count changed in the CSV round trip", name);
		switch (fa->kind) {
		case DL_FEATURE_FLOAT:
			if (!same_float(dl_feature_floats(a, fa)[0], dl_feature_floats(b, fb)[0]))
				broken("float value changed in the CSV round trip", name);
			break;
		case DL_FEATURE_INT64:
			if (dl_feature_ints(a, fa)[0] != dl_feature_ints(b, fb)[0])
				broken("int64 value changed in the CSV round trip", name);
			break;
		case DL_FEATURE_BYTES:
			pa = dl_feature_bytes(a, fa, 0, &la);
			pb = dl_feature_bytes(b, fb, 0, &lb);
			if (la != lb || (la && memcmp(pa, pb, la)))
				broken("bytes value changed in the CSV round trip", name);
			break;
		case DL_FEATURE_NONE:
			broken("a CSV cell gave a feature without a list", name);
		}
	}
}

/* Checks one Example against the columns: names, kinds, one value each, order. */
static void check_row(const dl_csv_reader *r, const dl_csv_options *opt, const dl_example *ex)
{
	size_t ncol = dl_csv_ncolumns(r), next = 0, label_col = SIZE_MAX;

	if (opt->label)
		for (size_t c = 0; c < ncol; c++)
			if (dl_csv_column_name_len(r, c) == strlen(opt->label) &&
			    !strcmp(dl_csv_column_name(r, c), opt->label))
				label_col = c;
	if (opt->label && label_col == SIZE_MAX)
		broken("rows read although the label is not a column", NULL);
	if (ex->nfeat > ncol)
		broken("more features than columns", NULL);
	for (size_t i = 0; i < ex->nfeat; i++) {
		const dl_feature *f = &ex->feat[i];
		const char *name = dl_feature_name(ex, f);
		size_t c;

		if (f->count != 1)
			broken("a cell did not give a one-value list", name);
		if (i == 0 && label_col != SIZE_MAX && f->name_len == strlen(opt->label) &&
		    !strcmp(name, opt->label)) {
			c = label_col;
		} else {
			for (c = next; c < ncol; c++)
				if (c != label_col && dl_csv_column_name_len(r, c) == f->name_len &&
				    !memcmp(dl_csv_column_name(r, c), name, f->name_len))
					break;
			if (c == ncol)
				broken("a feature is not a column, or is out of header order", name);
			next = c + 1;
		}
		if (f->kind != dl_csv_column_kind(r, c))
			broken("a feature's kind differs from its column's", name);
	}
}

struct table {
	dl_example rows[MAX_ROWS];
	size_t n;
};

/* Reads every row; returns 1 when the whole input read cleanly. */
static int read_all(dl_csv_reader *r, const dl_csv_options *opt, struct table *t, int keep)
{
	dl_example ex;
	dl_err e;
	uint64_t line = 0;
	int rc;

	dl_example_init(&ex);
	memset(&e, 0, sizeof e);
	while ((rc = dl_csv_next(r, &ex, &e)) == 1) {
		check_row(r, opt, &ex);
		if (dl_csv_line(r) <= line)
			broken("row lines do not rise", NULL);
		line = dl_csv_line(r);
		if (keep && t->n < MAX_ROWS) {
			dl_example *dst = &t->rows[t->n++];
			dl_example_init(dst);
			for (size_t i = 0; i < ex.nfeat; i++) {
				const dl_feature *f = &ex.feat[i];
				size_t len;
				const uint8_t *p;
				dl_example_add(dst, dl_feature_name(&ex, f), f->name_len, f->kind);
				switch (f->kind) {
				case DL_FEATURE_FLOAT:
					dl_example_add_float(dst, dl_feature_floats(&ex, f)[0]);
					break;
				case DL_FEATURE_INT64:
					dl_example_add_int64(dst, dl_feature_ints(&ex, f)[0]);
					break;
				case DL_FEATURE_BYTES:
					p = dl_feature_bytes(&ex, f, 0, &len);
					dl_example_add_bytes(dst, p, len);
					break;
				case DL_FEATURE_NONE:
					break;
				}
			}
		}
	}
	if (rc != 0 && rc != -1)
		broken("dl_csv_next returned neither 1, 0 nor -1", NULL);
	if (rc == -1 && (!e.msg[0] || strncmp(e.msg, dl_csv_name(r), strlen(dl_csv_name(r)))))
		broken("a row error without a message naming the input", e.msg);
	if (dl_csv_next(r, &ex, &e) != rc)
		broken("dl_csv_next does not repeat its end or error", NULL);
	dl_example_free(&ex);
	return rc == 0;
}

static const char *spill_path(void)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof path, "%s/fuzz_csv.%ld.csv",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
	return path;
}

/* Writes the rows and reads them back with the types forced. */
static void round_trip(const dl_csv_reader *r, const dl_csv_options *opt, struct table *t)
{
	size_t ncol = dl_csv_ncolumns(r);
	char **types = dl_mallocarray(ncol ? ncol : 1, sizeof *types);
	dl_csv_options again = *opt;
	dl_example header;
	dl_err e;

	for (size_t c = 0; c < ncol; c++)
		if (memchr(dl_csv_column_name(r, c), 0, dl_csv_column_name_len(r, c))) {
			free(types);
			return;
		}
	/* The columns as the features of one Example, so that the writer gets their lengths. */
	dl_example_init(&header);
	for (size_t c = 0; c < ncol; c++) {
		enum dl_feature_kind k = dl_csv_column_kind(r, c);
		const char *kn = k == DL_FEATURE_INT64 ? "int64" : k == DL_FEATURE_FLOAT ? "float" : "bytes";
		dl_buf b = {0};
		dl_example_add(&header, dl_csv_column_name(r, c), dl_csv_column_name_len(r, c),
			       DL_FEATURE_NONE);
		dl_buf_printf(&b, "%s=%s", dl_csv_column_name(r, c), kn);
		types[c] = (char *)b.data;
	}
	if (header.nfeat != ncol)
		broken("header names repeat", NULL);
	dl_out *out = dl_out_open(spill_path(), DL_COMPRESS_NONE);
	dl_csv_writer *w = dl_csv_writer_from_example(out, &header, opt->delimiter);
	dl_example_free(&header);
	memset(&e, 0, sizeof e);
	for (size_t i = 0; i < t->n; i++)
		if (dl_csv_write(w, &t->rows[i], &e))
			broken("the writer refused a row the reader made", e.msg);
	dl_csv_writer_free(w);
	dl_out_close(out);

	again.types = (const char *const *)types;
	again.ntypes = ncol;
	again.infer_rows = 0;
	dl_csv_reader *r2 = dl_csv_open(spill_path(), &again, &e);
	if (!r2)
		broken("the written CSV does not open", e.msg);
	dl_example ex;
	dl_example_init(&ex);
	for (size_t i = 0; i < t->n; i++) {
		int rc = dl_csv_next(r2, &ex, &e);
		if (rc != 1)
			broken("the written CSV has fewer rows", rc < 0 ? e.msg : NULL);
		check_same(&t->rows[i], &ex);
	}
	if (dl_csv_next(r2, &ex, &e) != 0)
		broken("the written CSV has more rows, or an error at its end", e.msg);
	dl_example_free(&ex);
	dl_csv_close(r2);
	for (size_t c = 0; c < ncol; c++)
		free(types[c]);
	free(types);
}

static void cleanup(void)
{
	unlink(spill_path());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int registered;
	static struct table t;
	dl_csv_options opt;
	dl_err e;

	if (size < 1)
		return 0;
	if (!registered) {
		atexit(cleanup);
		registered = 1;
	}
	options_from(data[0], &opt);
	dl_in *in = dl_in_open_mem(data + 1, size - 1, NAME, 0);
	memset(&e, 0, sizeof e);
	dl_csv_reader *r = dl_csv_open_in(in, &opt, &e);
	if (!r) {
		if (!e.msg[0])
			broken("open failed without a message", NULL);
		if (!dl_csv_usage_error(&e) && strncmp(e.msg, NAME, strlen(NAME)))
			broken("a data error at open does not name the input", e.msg);
		dl_in_close(in);
		return 0;
	}
	t.n = 0;
	int clean = read_all(r, &opt, &t, 1);
	if (clean && t.n < MAX_ROWS)
		round_trip(r, &opt, &t);
	for (size_t i = 0; i < t.n; i++)
		dl_example_free(&t.rows[i]);
	dl_csv_close(r);
	dl_in_close(in);
	return 0;
}
