/*
 * features.c — hashed n-gram features (see features.h). Each line's ids are collected with
 * multiplicity, sorted and merged.
 */
#include "ngram/features.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/utf8.h"
#include "ngram/model.h"

#define K 0x9e3779b97f4a7c15ULL

void dl_ngram_featurizer_init(dl_ngram_featurizer *f, enum dl_ngram_unit unit, int order,
			      uint64_t buckets)
{
	memset(f, 0, sizeof *f);
	f->unit = unit;
	f->order = order;
	f->buckets = buckets ? buckets : 1;
}

void dl_ngram_featurizer_free(dl_ngram_featurizer *f)
{
	free(f->units);
	free(f->out);
	memset(f, 0, sizeof *f);
}

static inline int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || !c;
}

static void add_unit(dl_ngram_featurizer *f, size_t *nu, uint64_t h)
{
	if (*nu == f->units_cap)
		DL_GROW(f->units, f->units_cap, *nu + 1);
	f->units[(*nu)++] = h;
}

static size_t split_units(dl_ngram_featurizer *f, const char *line, size_t n)
{
	const uint8_t *p = (const uint8_t *)line;
	size_t nu = 0, i = 0;
	while (i < n) {
		if (f->unit == DL_NGRAM_WORDS) {
			while (i < n && is_space(p[i]))
				i++;
			size_t b = i;
			while (i < n && !is_space(p[i]))
				i++;
			if (i > b)
				add_unit(f, &nu, dl_hash64(p + b, i - b, 0));
		} else if (f->unit == DL_NGRAM_CHARS) {
			uint32_t cp;
			size_t l = dl_utf8_decode(p + i, n - i, &cp);
			uint64_t v = l ? cp : ((uint64_t)1 << 32) + p[i];
			add_unit(f, &nu, dl_ngram_mix(v));
			i += l ? l : 1;
		} else {
			add_unit(f, &nu, dl_ngram_mix(p[i]));
			i++;
		}
	}
	return nu;
}

static int cmp_feature(const void *a, const void *b)
{
	uint64_t x = ((const dl_ngram_feature *)a)->id, y = ((const dl_ngram_feature *)b)->id;
	return x < y ? -1 : x > y;
}

size_t dl_ngram_featurize(dl_ngram_featurizer *f, const char *line, size_t n)
{
	size_t nu = split_units(f, line, n), m = 0;
	for (size_t i = 0; i < nu; i++) {
		uint64_t h = 0;
		for (int k = 1; k <= f->order && i + (size_t)k <= nu; k++) {
			uint64_t u = f->units[i + (size_t)k - 1];
			h = k == 1 ? dl_ngram_mix(u) : dl_ngram_mix(h + u * K);
			uint64_t g = dl_ngram_mix(h + (uint64_t)k * K);
			if (m == f->out_cap)
				DL_GROW(f->out, f->out_cap, m + 1);
			f->out[m].id = g % f->buckets;
			f->out[m++].count = 1;
		}
	}
	qsort(f->out, m, sizeof *f->out, cmp_feature);
	size_t k = 0;
	for (size_t i = 0; i < m; i++) {
		if (k && f->out[k - 1].id == f->out[i].id)
			f->out[k - 1].count++;
		else
			f->out[k++] = f->out[i];
	}
	f->nout = k;
	return k;
}
