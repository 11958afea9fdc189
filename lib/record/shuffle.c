/*
 * shuffle.c — bounded-memory uniform shuffle of records (see shuffle.h).
 *
 * References: C. R. Rao, "Generation of random permutations of given number of elements
 * using random sampling numbers", Sankhyā A 23 (1961); M. Sandelius, "A simple
 * randomization procedure", J. Royal Statistical Society B 24 (1962). Fisher–Yates as in
 * Knuth, TAOCP vol. 2, 3.4.2, Algorithm P.
 *
 * Layout: buffered records live back to back in one arena; an index holds (offset, length)
 * pairs, and Fisher–Yates permutes the index. A bucket file holds records as a 64-bit
 * little-endian length followed by the bytes.
 */
#include "shuffle.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "core/tmp.h"

struct span {
	size_t off, len;
};

struct dl_shuffle {
	dl_rng rng;
	size_t budget;
	int depth;
	dl_buf arena;
	struct span *idx;
	size_t n, cap;
	FILE *bucket[DL_SHUFFLE_BUCKETS];
	uint64_t bucket_bytes[DL_SHUFFLE_BUCKETS];
	int spilled;
};

static dl_shuffle *shuffle_new(uint64_t seed, uint64_t stream, size_t budget, int depth)
{
	dl_shuffle *s = dl_calloc(1, sizeof *s);

	dl_rng_init(&s->rng, seed, stream);
	s->budget = budget ? budget : 1;
	s->depth = depth;
	return s;
}

dl_shuffle *dl_shuffle_new(uint64_t seed, size_t budget)
{
	return shuffle_new(seed, 0, budget, 0);
}

int dl_shuffle_spilled(const dl_shuffle *s)
{
	return s->spilled;
}

static int bucket_put(dl_shuffle *s, const void *p, size_t n, dl_err *e)
{
	size_t b = dl_rng_below(&s->rng, DL_SHUFFLE_BUCKETS);
	uint8_t len[8];

	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)((uint64_t)n >> (8 * i));
	if (!s->bucket[b] && !(s->bucket[b] = dl_tmp_file(e)))
		return -1;
	if (fwrite(len, 1, 8, s->bucket[b]) != 8 || fwrite(p, 1, n, s->bucket[b]) != n)
		return dl_errf(e, "cannot write a temporary file in %s: %s", dl_tmp_dir(),
			       strerror(errno));
	s->bucket_bytes[b] += 8 + n;
	return 0;
}

/* Moves the buffered records into buckets, in their arrival order. */
static int spill(dl_shuffle *s, dl_err *e)
{
	for (size_t i = 0; i < s->n; i++)
		if (bucket_put(s, s->arena.data + s->idx[i].off, s->idx[i].len, e) < 0)
			return -1;
	s->n = 0;
	dl_buf_free(&s->arena);
	s->spilled = 1;
	return 0;
}

int dl_shuffle_add(dl_shuffle *s, const void *p, size_t n, dl_err *e)
{
	if (s->spilled)
		return bucket_put(s, p, n, e);
	if (s->arena.len + n + 16 * (s->n + 1) > s->budget && s->n > 0) {
		if (spill(s, e) < 0)
			return -1;
		return bucket_put(s, p, n, e);
	}
	DL_GROW(s->idx, s->cap, s->n + 1);
	s->idx[s->n].off = s->arena.len;
	s->idx[s->n].len = n;
	s->n++;
	dl_buf_append(&s->arena, p, n);
	return 0;
}

static void emit_memory(dl_shuffle *s, dl_shuffle_emit emit, void *ctx)
{
	dl_rng_shuffle(&s->rng, s->idx, s->n, sizeof *s->idx);
	for (size_t i = 0; i < s->n; i++)
		emit(ctx, s->arena.data + s->idx[i].off, s->idx[i].len);
}

/* Reads one bucket back into a sub-shuffle (which spills again if it is over budget). */
static int load_bucket(dl_shuffle *s, int b, dl_shuffle *sub, dl_err *e)
{
	FILE *f = s->bucket[b];
	uint8_t len[8];
	dl_buf rec = {0};
	int rc = 0;

	if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0)
		return dl_errf(e, "cannot rewind a temporary file: %s", strerror(errno));
	while (fread(len, 1, 8, f) == 8) {
		uint64_t n = 0;

		for (int i = 0; i < 8; i++)
			n |= (uint64_t)len[i] << (8 * i);
		dl_buf_clear(&rec);
		dl_buf_reserve(&rec, n);
		if (fread(rec.data, 1, n, f) != n) {
			rc = dl_errf(e, "temporary file cut short");
			break;
		}
		if ((rc = dl_shuffle_add(sub, rec.data, n, e)) < 0)
			break;
	}
	if (rc == 0 && ferror(f))
		rc = dl_errf(e, "cannot read a temporary file: %s", strerror(errno));
	dl_buf_free(&rec);
	fclose(f);
	s->bucket[b] = NULL;
	return rc;
}

int dl_shuffle_finish(dl_shuffle *s, dl_shuffle_emit emit, void *ctx, dl_err *e)
{
	if (!s->spilled) {
		emit_memory(s, emit, ctx);
		return 0;
	}
	for (int b = 0; b < DL_SHUFFLE_BUCKETS; b++) {
		dl_shuffle *sub;
		int rc;

		if (!s->bucket[b])
			continue;
		/* A bucket that would not fit either is split again, deeper; each level draws
		 * from a stream of its own so that no two levels share random numbers. */
		sub = shuffle_new(dl_rng_u64(&s->rng), (uint64_t)s->depth + 1, s->budget,
				  s->depth + 1);
		rc = load_bucket(s, b, sub, e);
		if (rc == 0)
			rc = dl_shuffle_finish(sub, emit, ctx, e);
		dl_shuffle_free(sub);
		if (rc < 0)
			return -1;
	}
	return 0;
}

void dl_shuffle_free(dl_shuffle *s)
{
	if (!s)
		return;
	for (int b = 0; b < DL_SHUFFLE_BUCKETS; b++)
		if (s->bucket[b])
			fclose(s->bucket[b]);
	dl_buf_free(&s->arena);
	dl_free(s->idx);
	dl_free(s);
}
