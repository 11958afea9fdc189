/*
 * estimate.h — counting n-grams and estimating an interpolated modified Kneser-Ney model.
 *
 * The method is that of Chen & Goodman, "An Empirical Study of Smoothing Techniques for
 * Language Modeling" (1998; interpolated modified Kneser-Ney, discounts from their equation
 * 26), in the sorted-stream form of Heafield, Pouzyrevsky, Clark & Koehn, "Scalable Modified
 * Kneser-Ney Language Model Estimation" (ACL 2013), with KenLM lmplz's conventions, so that
 * the same corpus gives lmplz's numbers:
 *  - each sentence is <s> w1 .. wk </s>; every token after <s> is predicted once, in the
 *    context of the (at most) N-1 tokens before it, truncated at <s>;
 *  - adjusted counts: an N-gram, and an n-gram that begins with <s>, keeps its raw count;
 *    any other n-gram counts its distinct one-word left extensions (continuation count);
 *  - per order n, from the counts-of-counts t_k of adjusted counts (k = 1..4):
 *    Y = t1 / (t1 + 2 t2), D_k = k - (k+1) Y t_{k+1} / t_k (k = 1, 2, 3; D_3 serves all
 *    counts of 3 and more), rounded to single precision;
 *  - u(w|c) = (a(cw) - D(a(cw))) / sum_x a(cx), gamma(c) = sum_k D_k N_k(c.) / sum_x a(cx),
 *    p(w|c) = u(w|c) + gamma(c) p(w|c'), c' = c without its first word; unigrams
 *    interpolate with the uniform distribution 1/(|V| - 1) (every word but <s>), so <unk>
 *    gets gamma(empty)/(|V| - 1); p(<s>) is 1 (log10 0 in the ARPA file);
 *  - the ARPA backoff of an n-gram is gamma of it as a context (log10; 0 when it is none).
 * Pruning (lmplz --prune): with a threshold T_n per order (non-decreasing in n, none for
 * unigrams), an n-gram whose RAW count is <= T_n is left out of the model. The thresholds
 * being non-decreasing, the context and the suffix of a kept n-gram are kept too (their raw
 * counts are at least its own). Counts of counts, hence discounts, are those of the
 * unpruned model; in each context the adjusted counts of all n-grams, pruned or not, make
 * the denominator, and a pruned n-gram gives its whole adjusted count to gamma instead of
 * its discount, so that the model still sums to one:
 *   gamma(c) = (sum_{kept} D(a(cw)) + sum_{pruned} a(cw)) / sum_x a(cx).
 * A kept context all of whose extensions are pruned thus has gamma 1 (ARPA backoff 0).
 * Keys: an n-gram w_1..w_n is packed into an unsigned 128-bit integer, w_i in bits
 * [b(i-1), b i) with b = the bits of the largest word id, so ascending keys are "suffix
 * order" (last word first). Hence order * b <= 128: 5-grams take vocabularies of up to 2^25
 * words, 6-grams 2^21.
 * Memory: 16 bytes a token for sorting twice over, then 28 bytes a distinct n-gram of any
 * order and, for the order being interpolated, 8 bytes an n-gram plus the sorting space of
 * its largest group (the n-grams whose context ends with the same word). Pruning marks
 * the n-grams to leave out in the top bit of their adjusted counts (which must then stay
 * below 2^31) and drops them once their order is interpolated, so the peak is that of the
 * unpruned model.
 */
#ifndef DL_NGRAM_ESTIMATE_H
#define DL_NGRAM_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/threads.h"
#include "ngram/corpus.h"
#include "ngram/sort.h"
#include "ngram/vocab.h"

#define DL_NGRAM_MAX_ORDER 8

typedef struct dl_ngram_est_opts {
	int order;
	int discount_fallback;          /* use fallback[] when an order's discounts are bad */
	double fallback[3];             /* D1, D2, D3+ (default 0.5, 1, 1.5 as lmplz) */
	int raw_counts;                 /* also raw counts, and keep all counts after
					 * estimating (dl-ngram count, tests) */
	int probabilities;              /* compute probabilities (0: counts only) */
	uint64_t memory;                /* bytes for counting chunks; 0: no limit (count.h) */
	uint64_t prune[DL_NGRAM_MAX_ORDER];  /* prune[n-1]: n-grams (n >= 2) whose raw count is
					 * at most this are left out (0: none); must not
					 * decrease with n, and prune[0] must be 0 */
	int threads;
	int progress;                   /* messages on stderr as the stages pass */
} dl_ngram_est_opts;

void dl_ngram_est_opts_default(dl_ngram_est_opts *o);

/* The n-grams of one order, in ascending key order (suffix order). Unigrams: key i is word
 * id i, n = the vocabulary size. prob is log10 p; bo log10 backoff (NULL at the top order);
 * adj the adjusted count (freed after estimation unless raw_counts is set); raw the raw
 * count (NULL unless asked for). */
typedef struct dl_ngram_level {
	size_t n;
	dl_ngram_key *keys;
	uint32_t *adj, *raw;
	float *prob, *bo;
} dl_ngram_level;

typedef struct dl_ngram_est {
	int order;
	unsigned bits;                  /* bits per word in keys */
	dl_ngram_vocab vocab;
	dl_ngram_level lev[DL_NGRAM_MAX_ORDER];  /* lev[n-1]: the n-grams */
	uint64_t coc[DL_NGRAM_MAX_ORDER][5];     /* counts of adjusted counts 1..4 */
	double disc[DL_NGRAM_MAX_ORDER][4];      /* D_0 = 0, D_1, D_2, D_3+ */
	int fallback_used[DL_NGRAM_MAX_ORDER];
	uint64_t tokens;                /* predicted tokens: words + sentences */
} dl_ngram_est;

/* Counts the corpus and, unless opts->probabilities is 0, estimates the model. The corpus's
 * vocabulary moves into the result, and its ids are freed as soon as they are counted (c
 * is left empty, to be freed as usual). Returns NULL
 * with e filled when the corpus is empty, the vocabulary too large for the order, a
 * count overflows 32 bits, or the discounts are out of range (without fallback). */
dl_ngram_est *dl_ngram_estimate(dl_ngram_corpus *c, const dl_ngram_est_opts *o, dl_err *e);
void dl_ngram_est_free(dl_ngram_est *m);

/* Word i (0-based, 0 = first) of a packed n-gram key. */
static inline uint32_t dl_ngram_key_word(dl_ngram_key k, unsigned bits, int i)
{
	return (uint32_t)(k >> (bits * (unsigned)i)) & (uint32_t)(((uint64_t)1 << bits) - 1);
}

/* Computes discounts D_1..D_3 from counts-of-counts t[1..4] (t[0] unused) as above; returns
 * 0, or -1 when some t_k (k <= 3) is 0 or a discount falls outside [0, k]. */
int dl_ngram_discounts(const uint64_t t[5], double d[4]);

#endif
