/*
 * kernels.c — negative sampling table, Huffman code, sigmoid table and the SGD step of
 * word2vec (see kernels.h).
 *
 * The step computes skip-gram as Ji et al. propose (2016, "Parallelizing Word2Vec in Shared
 * and Distributed Memory", arXiv:1604.04661): the context words of one centre word form a
 * small matrix of inputs, the centre word with its negatives (shared by the window) or its
 * Huffman path a matrix of outputs, and both updates come from the values before the step.
 * Each output row is read once per window instead of once per context word. Rows are whole
 * vectors of 16 floats, so the loops compile to one instruction per 16 lanes in the AVX-512
 * clone (DL_CLONES).
 */
#include "config.h"
#include "w2v/kernels.h"

#include <math.h>

#include "core/alloc.h"
#include "core/simd.h"

typedef float v16 __attribute__((vector_size(64)));

/* Walker's alias method in Vose's linear construction (Vose 1991, "A linear algorithm for
 * generating random numbers with a given distribution"). */
void dl_w2v_alias_build(dl_w2v_alias *a, const uint64_t *count, size_t n, double power)
{
	double *p = dl_mallocarray(n, sizeof *p), sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += p[i] = pow((double)count[i], power);
	uint32_t *small = dl_mallocarray(n, sizeof *small), *large = dl_mallocarray(n, sizeof *large);
	size_t ns = 0, nl = 0;
	for (size_t i = 0; i < n; i++) {
		p[i] = p[i] * (double)n / sum;
		if (p[i] < 1)
			small[ns++] = (uint32_t)i;
		else
			large[nl++] = (uint32_t)i;
	}
	a->n = n;
	a->prob = dl_mallocarray(n, sizeof *a->prob);
	a->alias = dl_mallocarray(n, sizeof *a->alias);
	while (ns && nl) {
		uint32_t s = small[--ns], l = large[nl - 1];
		a->prob[s] = (uint32_t)(p[s] * 4294967296.0);
		a->alias[s] = l;
		p[l] -= 1 - p[s];
		if (p[l] < 1) {
			nl--;
			small[ns++] = l;
		}
	}
	/* what is left has probability one (up to rounding) */
	while (nl) {
		uint32_t l = large[--nl];
		a->prob[l] = UINT32_MAX;
		a->alias[l] = l;
	}
	while (ns) {
		uint32_t s = small[--ns];
		a->prob[s] = UINT32_MAX;
		a->alias[s] = s;
	}
	dl_free(p);
	dl_free(small);
	dl_free(large);
}

void dl_w2v_alias_free(dl_w2v_alias *a)
{
	dl_free(a->prob);
	dl_free(a->alias);
	a->prob = a->alias = NULL;
}

/* Huffman's construction by the two-queue method (van Leeuwen 1976): leaves in ascending
 * count order, inner nodes in creation order, which is ascending too; each step merges the
 * two smallest heads. Node k >= n of the merge is inner node k - n. */
void dl_w2v_huffman_build(dl_w2v_huffman *h, const uint64_t *count, size_t n)
{
	h->off = dl_mallocarray(n + 1, sizeof *h->off);
	h->depth = 0;
	if (n < 2) {
		h->off[0] = h->off[n] = 0;
		h->nodes = dl_malloc(sizeof *h->nodes);
		h->labels = dl_malloc(sizeof *h->labels);
		return;
	}
	size_t all = 2 * n - 1;
	uint64_t *cnt = dl_mallocarray(all, sizeof *cnt);
	uint32_t *parent = dl_mallocarray(all, sizeof *parent);
	uint8_t *bit = dl_calloc(all, 1);
	for (size_t i = 0; i < n; i++)
		cnt[i] = count[n - 1 - i];        /* leaf i is word n - 1 - i */
	size_t leaf = 0, inner = n;
	for (size_t k = n; k < all; k++) {
		size_t pick[2];
		for (int j = 0; j < 2; j++) {
			if (leaf < n && (inner >= k || cnt[leaf] <= cnt[inner]))
				pick[j] = leaf++;
			else
				pick[j] = inner++;
		}
		cnt[k] = cnt[pick[0]] + cnt[pick[1]];
		parent[pick[0]] = parent[pick[1]] = (uint32_t)k;
		bit[pick[1]] = 1;
	}
	/* parents come after their children: depths top-down, then paths filled from the leaf */
	uint32_t *depth = dl_calloc(all, sizeof *depth);
	for (size_t k = all - 1; k-- > 0;)
		depth[k] = depth[parent[k]] + 1;
	size_t total = 0;
	for (size_t w = 0; w < n; w++) {
		uint32_t d = depth[n - 1 - w];
		h->off[w] = (uint32_t)total;
		total += d;
		if (d > h->depth)
			h->depth = d;
	}
	h->off[n] = (uint32_t)total;
	h->nodes = dl_mallocarray(total, sizeof *h->nodes);
	h->labels = dl_mallocarray(total, sizeof *h->labels);
	for (size_t w = 0; w < n; w++) {
		size_t k = n - 1 - w, at = h->off[w + 1];
		while (k != all - 1) {
			at--;
			h->nodes[at] = parent[k] - (uint32_t)n;
			h->labels[at] = 1.0f - (float)bit[k];
			k = parent[k];
		}
	}
	dl_free(cnt);
	dl_free(parent);
	dl_free(bit);
	dl_free(depth);
}

void dl_w2v_huffman_free(dl_w2v_huffman *h)
{
	dl_free(h->off);
	dl_free(h->nodes);
	dl_free(h->labels);
	h->off = h->nodes = NULL;
	h->labels = NULL;
}

void dl_w2v_sigmoid_table(float sig[DL_W2V_SIG_SIZE + 1])
{
	for (int i = 0; i <= DL_W2V_SIG_SIZE; i++) {
		double x = ((double)i / DL_W2V_SIG_SIZE * 2 - 1) * DL_W2V_MAX_EXP;
		sig[i] = (float)(1 / (1 + exp(-x)));
	}
}

DL_INLINE float grad(const float *sig, float f, float label, int hs, float alpha)
{
	if (f >= DL_W2V_MAX_EXP)
		return hs ? 0 : (label - 1) * alpha;
	if (f <= -DL_W2V_MAX_EXP)
		return hs ? 0 : label * alpha;
	int i = (int)((f + DL_W2V_MAX_EXP) * (DL_W2V_SIG_SIZE / (2 * DL_W2V_MAX_EXP)) + 0.5f);
	return (label - sig[i]) * alpha;
}

DL_CLONES void dl_w2v_update(float *const *x, int ni, float *syn1, const uint32_t *out,
			     const float *label, int no, size_t stride, const float *sig, int hs,
			     float alpha, float *g, float *din)
{
	size_t nv = stride / DL_W2V_LANES;
	for (int a = 0; a < ni; a++) {
		const v16 *xa = (const v16 *)x[a];
		for (int o = 0; o < no; o++) {
			const v16 *y = (const v16 *)(syn1 + (size_t)out[o] * stride);
			v16 acc = xa[0] * y[0];
			for (size_t k = 1; k < nv; k++)
				acc += xa[k] * y[k];
			float f = 0;
			for (int l = 0; l < DL_W2V_LANES; l++)
				f += acc[l];
			g[a * no + o] = grad(sig, f, label[o], hs, alpha);
		}
	}
	for (int a = 0; a < ni; a++) {
		v16 *d = (v16 *)(din + (size_t)a * stride);
		for (size_t k = 0; k < nv; k++)
			d[k] = (v16){};
		for (int o = 0; o < no; o++) {
			float ga = g[a * no + o];
			if (ga == 0)
				continue;
			const v16 *y = (const v16 *)(syn1 + (size_t)out[o] * stride);
			for (size_t k = 0; k < nv; k++)
				d[k] += ga * y[k];
		}
	}
	for (int o = 0; o < no; o++) {
		v16 *y = (v16 *)(syn1 + (size_t)out[o] * stride);
		for (int a = 0; a < ni; a++) {
			float ga = g[a * no + o];
			if (ga == 0)
				continue;
			const v16 *xa = (const v16 *)x[a];
			for (size_t k = 0; k < nv; k++)
				y[k] += ga * xa[k];
		}
	}
}

DL_CLONES void dl_w2v_add_row(float *dst, const float *src, size_t stride)
{
	v16 *d = (v16 *)dst;
	const v16 *s = (const v16 *)src;
	for (size_t k = 0; k < stride / DL_W2V_LANES; k++)
		d[k] += s[k];
}

DL_CLONES void dl_w2v_mean_rows(float *dst, float *const *rows, int n, size_t stride)
{
	v16 *d = (v16 *)dst;
	size_t nv = stride / DL_W2V_LANES;
	for (size_t k = 0; k < nv; k++)
		d[k] = (v16){};
	for (int i = 0; i < n; i++) {
		const v16 *s = (const v16 *)rows[i];
		for (size_t k = 0; k < nv; k++)
			d[k] += s[k];
	}
	float inv = 1.0f / (float)n;
	for (size_t k = 0; k < nv; k++)
		d[k] *= inv;
}
