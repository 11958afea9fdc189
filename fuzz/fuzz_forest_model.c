/*
 * fuzz_forest_model.c — libFuzzer target for the reader of random-forest models
 * (dl_forest_read_mem, lib/tree/forestio.c).
 *
 * Properties checked:
 *   - a failure has a message naming the input;
 *   - a model that loads has features, trees, num_class >= 2 for classification and 1
 *     for regression, and trees that pass dl_tree_validate with num_class values a node;
 *   - it predicts a few rows of features drawn from the input's bytes (NaN and infinities
 *     among them) without a crash;
 *   - written back and read again, it has the same trees and predicts the same numbers;
 *   - with quantile data, its quantiles of those rows are training labels (or NaN),
 *     increasing with the probability, and the same after the round trip.
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
#include "core/threads.h"
#include "data/table.h"
#include "tree/forest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NROW 3

static void broken(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_forest_model: property broken: %s%s%s\n", what, msg ? ": " : "",
		msg ? msg : "");
	abort();
}

static dl_table *rows_for(const dl_forest *f, const uint8_t *data, size_t size)
{
	dl_table *t = dl_calloc(1, sizeof *t);
	t->nrow = NROW;
	t->ncol = f->nfeat;
	t->x = dl_mallocarray(NROW * f->nfeat, sizeof *t->x);
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < NROW * f->nfeat; i++) {
		h = (h ^ (size ? data[i % size] : 0)) * 16777619u;
		h ^= (uint32_t)i * 2654435761u;
		switch (h % 8) {
		case 0: t->x[i] = NAN; break;
		case 1: t->x[i] = 0; break;
		case 2: t->x[i] = INFINITY; break;
		default: t->x[i] = (float)((int32_t)(h >> 8) % 2000) / 8.0f; break;
		}
	}
	return t;
}

/* The model written to a temporary file and read back. */
static dl_forest *round_trip(const dl_forest *f)
{
	char path[] = "/tmp/fuzz_forest_model.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	dl_out *out = dl_out_open(path, 0);
	dl_forest_write(f, out);
	dl_out_close(out);
	dl_err e;
	dl_forest *g = dl_forest_read(path, &e);
	unlink(path);
	if (!g)
		broken("a model written does not read back", e.msg);
	return g;
}

static void use(dl_forest *f, const uint8_t *data, size_t size, dl_pool *pool)
{
	if (f->nfeat == 0 || !f->features || f->ntree == 0)
		broken("a model loaded with no features or no trees", NULL);
	if (f->task == DL_FOREST_CLASSIFICATION ? f->nclass < 2 : f->nclass != 1)
		broken("num_class does not fit the task", NULL);
	for (size_t i = 0; i < f->ntree; i++) {
		dl_err e;
		if (f->trees[i]->vdim != f->nclass)
			broken("a tree's values per node differ from num_class", NULL);
		if (dl_tree_validate(f->trees[i], f->nfeat, &e) < 0)
			broken("a tree that loaded does not validate", e.msg);
	}
	if (f->nfeat > 4096)
		return;
	dl_table *t = rows_for(f, data, size);
	size_t K = (size_t)f->nclass;
	double *a = dl_mallocarray(NROW * K, sizeof *a), *b = dl_mallocarray(NROW * K, sizeof *b);
	dl_forest_predict(f, t, pool, a);
	static const double probs[3] = { 0.1, 0.5, 0.9 };
	double q[NROW * 3], q2[NROW * 3];
	if (f->qrows) {
		dl_forest_quantiles(f, t, probs, 3, pool, q);
		for (size_t r = 0; r < NROW; r++) {
			double *o = q + r * 3;
			if (!isnan(o[0]) && !(o[0] <= o[1] && o[1] <= o[2]))
				broken("quantiles decrease with the probability", NULL);
			for (int j = 0; j < 3 && !isnan(o[0]); j++) {
				size_t k = 0;
				while (k < f->qrows && (double)f->qy[k] != o[j])
					k++;
				if (k == f->qrows)
					broken("a quantile is not a training label", NULL);
			}
		}
	}
	dl_forest *g = round_trip(f);
	if (g) {
		if (g->ntree != f->ntree || g->nfeat != f->nfeat || g->nclass != f->nclass)
			broken("the model read back differs", NULL);
		dl_forest_predict(g, t, pool, b);
		for (size_t i = 0; i < NROW * K; i++)
			if (!(a[i] == b[i] || (isnan(a[i]) && isnan(b[i]))))
				broken("the model read back predicts differently", NULL);
		if (f->qrows) {
			if (g->qrows != f->qrows)
				broken("the quantile data read back differs", NULL);
			dl_forest_quantiles(g, t, probs, 3, pool, q2);
			for (size_t i = 0; i < NROW * 3; i++)
				if (!(q[i] == q2[i] || (isnan(q[i]) && isnan(q2[i]))))
					broken("the model read back gives other quantiles", NULL);
		}
		dl_forest_free(g);
	}
	dl_free(a);
	dl_free(b);
	dl_table_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dl_pool *pool;
	if (!pool)
		pool = dl_pool_new(1);
	dl_err e;
	dl_forest *f = dl_forest_read_mem((const char *)data, size, "in.json", &e);
	if (f) {
		use(f, data, size, pool);
		dl_forest_free(f);
	} else if (strncmp(e.msg, "in.json", 7) != 0) {
		broken("an error message does not name the input", e.msg);
	}
	return 0;
}
