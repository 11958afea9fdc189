/*
 * kernels.h — the parts of word2vec training that stand on their own: the sampling table of
 * negatives, the Huffman code of hierarchical softmax, the sigmoid table and the update step.
 * All pure functions of their arguments; thread-safe on distinct outputs.
 */
#ifndef DL_W2V_KERNELS_H
#define DL_W2V_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#define DL_W2V_LANES 16          /* rows are padded to a multiple of this many floats */
#define DL_W2V_MAX_EXP 6.0f      /* the sigmoid table covers [-MAX_EXP, MAX_EXP] */
#define DL_W2V_SIG_SIZE 2048

/* Draws i with probability proportional to count[i]^power (Walker's alias method). */
typedef struct dl_w2v_alias {
	size_t n;
	uint32_t *prob;   /* acceptance threshold of slot i, scaled to 2^32 */
	uint32_t *alias;  /* the other outcome of slot i */
} dl_w2v_alias;

/* n >= 1 and at least one count non-zero. */
void dl_w2v_alias_build(dl_w2v_alias *a, const uint64_t *count, size_t n, double power);
void dl_w2v_alias_free(dl_w2v_alias *a);
/* One draw from 64 random bits: the high half picks the slot, the low half decides. */
static inline uint32_t dl_w2v_alias_draw(const dl_w2v_alias *a, uint64_t r)
{
	uint32_t i = (uint32_t)(((r >> 32) * a->n) >> 32);
	return (uint32_t)r < a->prob[i] ? i : a->alias[i];
}

/* The Huffman code of n words whose counts are sorted descending. Word w's path from the
 * root is nodes/labels[off[w] .. off[w + 1]): inner nodes 0..n-2 (the root is n - 2) and
 * for each the target of its sigmoid, 1 - the code bit. One word: an empty path. */
typedef struct dl_w2v_huffman {
	uint32_t *off;
	uint32_t *nodes;
	float *labels;
	uint32_t depth;   /* the longest path */
} dl_w2v_huffman;

void dl_w2v_huffman_build(dl_w2v_huffman *h, const uint64_t *count, size_t n);
void dl_w2v_huffman_free(dl_w2v_huffman *h);

/* sig[i] = sigmoid(x) at x = (2 i / DL_W2V_SIG_SIZE - 1) * DL_W2V_MAX_EXP. */
void dl_w2v_sigmoid_table(float sig[DL_W2V_SIG_SIZE + 1]);

/*
 * One SGD step of inputs x[0..ni) against rows out[0..no) of syn1 with their labels, all rows
 * of stride floats (a multiple of DL_W2V_LANES, 64-byte aligned): with f = x_a . y_o,
 * g[a][o] = (label_o - sigmoid(f)) alpha from the table, where |f| >= MAX_EXP gives 0 for
 * hierarchical softmax (hs) and the saturated value for negative sampling. Then
 * din[a] = sum_o g[a][o] y_o and y_o += sum_a g[a][o] x_a, both from the values before the
 * step. The caller adds din to the inputs. g holds ni * no floats; din ni * stride.
 */
void dl_w2v_update(float *const *x, int ni, float *syn1, const uint32_t *out,
		   const float *label, int no, size_t stride, const float *sig, int hs,
		   float alpha, float *g, float *din);
/* dst += src over stride floats. */
void dl_w2v_add_row(float *dst, const float *src, size_t stride);
/* dst = the mean of rows[0..n), n >= 1. */
void dl_w2v_mean_rows(float *dst, float *const *rows, int n, size_t stride);

#endif
