/*
 * fuzz_w2v_eval.c — libFuzzer target for the evaluation-file readers of lib/w2v/eval.c
 * (analogy questions, word pairs) and the evaluations run on what they read.
 *
 * The first input byte picks the reader (bit 0: analogies or pairs) and the restriction
 * (bits 1-2: 0, 1, 3 or all rows); the rest is the file, read from memory. The questions or
 * pairs are evaluated against a small fixed vocabulary of mixed-case words (some of which
 * fold to the same upper-case word). Properties checked:
 *   - a failure has a message naming the input; a success has at least one question or pair;
 *   - analogies: per section correct <= seen <= questions, the sections add up to the
 *     totals, semantic + syntactic = overall;
 *   - pairs: used + oov = pairs, correlations NaN or within [-1, 1].
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/io.h"
#include "w2v/eval.h"
#include "w2v/vectors.h"

#define NAME "fuzz.txt"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_w2v_eval: property broken: %s%s%s\n", what, msg ? ": " : "",
		msg ? msg : "");
	abort();
}

static const char *const vocab[] = { "a", "b", "c", "d", "A", "king", "queen", "man", "woman",
				     "KING", "x", "\xc3\xa9" };
#define NV (sizeof vocab / sizeof *vocab)
#define DIM 4

static dl_vectors *vectors(void)
{
	dl_vectors *v = dl_vectors_new(NV, DIM);
	uint32_t s = 1;
	for (size_t i = 0; i < NV; i++)
		dl_vectors_set_word(v, i, vocab[i], strlen(vocab[i]));
	for (size_t k = 0; k < NV * DIM; k++) {
		s = s * 1664525u + 1013904223u;
		v->v[k] = (float)(s >> 8) / (float)(1 << 24) - 0.5f;
	}
	v->v[3 * DIM] = v->v[3 * DIM + 1] = v->v[3 * DIM + 2] = v->v[3 * DIM + 3] = 0; /* a zero row */
	return v;
}

static void analogies(dl_in *in, const dl_vectors *v, const float *u, size_t r)
{
	dl_err e;
	dl_w2v_analogy_score s;
	memset(&e, 0, sizeof e);
	dl_w2v_analogies *a = dl_w2v_analogies_read(in, &e);
	if (!a) {
		if (strncmp(e.msg, NAME, strlen(NAME)))
			broken("an error that does not name the input", e.msg);
		return;
	}
	if (!a->n || !a->nsections)
		broken("questions read, but none", NULL);
	dl_w2v_eval_analogies(v, u, a, r, &s);
	uint64_t c = 0, seen = 0, q = 0;
	for (size_t i = 0; i < s.nsections; i++) {
		const dl_w2v_section_score *x = &s.sections[i];
		if (x->correct > x->seen || x->seen > x->questions)
			broken("a section counts more right than seen, or seen than asked", x->name);
		c += x->correct, seen += x->seen, q += x->questions;
	}
	if (c != s.correct || seen != s.seen || q != s.questions || q != a->n)
		broken("the sections do not add up to the totals", NULL);
	if (s.sem_correct + s.syn_correct != s.correct || s.sem_seen + s.syn_seen != s.seen)
		broken("semantic + syntactic is not the whole", NULL);
	dl_w2v_analogy_score_free(&s);
	dl_w2v_analogies_free(a);
}

static void pairs(dl_in *in, const dl_vectors *v, const float *u, size_t r)
{
	dl_err e;
	dl_w2v_pairs_score s;
	memset(&e, 0, sizeof e);
	dl_w2v_pairs *p = dl_w2v_pairs_read(in, &e);
	if (!p) {
		if (strncmp(e.msg, NAME, strlen(NAME)))
			broken("an error that does not name the input", e.msg);
		return;
	}
	if (!p->n)
		broken("pairs read, but none", NULL);
	for (size_t i = 0; i < p->n; i++)
		if (!isfinite(p->p[i].gold))
			broken("a score that is not finite", NULL);
	dl_w2v_eval_pairs(v, u, p, r, &s);
	if (s.used + s.oov != s.pairs || s.pairs != p->n)
		broken("used + oov is not the pair count", NULL);
	if ((!isnan(s.spearman) && fabs(s.spearman) > 1 + 1e-9) ||
	    (!isnan(s.pearson) && fabs(s.pearson) > 1 + 1e-9))
		broken("a correlation outside [-1, 1]", NULL);
	dl_w2v_pairs_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dl_vectors *v;
	static float *u;
	static const size_t restrict_rows[4] = { 0, 1, 3, NV };

	if (size < 1)
		return 0;
	if (!v) {
		v = vectors();
		u = dl_w2v_unit(v);
	}
	dl_in *in = dl_in_open_mem(data + 1, size - 1, NAME, 0);
	if (data[0] & 1)
		pairs(in, v, u, restrict_rows[(data[0] >> 1) & 3]);
	else
		analogies(in, v, u, restrict_rows[(data[0] >> 1) & 3]);
	dl_in_close(in);
	return 0;
}
