/*
 * rank.c — NDCG and MAP over query groups, as XGBoost 1.7 computes them
 * (src/metric/rank_metric.cc).
 *
 * Each group's rows are ordered by score, descending, rows with equal scores keeping their
 * order (a stable sort, as XGBoost's). Relevance is the label cast to an integer.
 * NDCG@K (Järvelin and Kekäläinen, "Cumulated gain-based evaluation of IR techniques", ACM
 * TOIS 2002, with the gain 2^rel - 1 of Burges et al., ICML 2005): DCG = sum over the top K
 * of (2^rel - 1) / log2(rank + 1); IDCG the same over the labels sorted descending;
 * NDCG = DCG / IDCG, and 1 (0 with '-') when IDCG is 0.
 * MAP@K: AP = sum over relevant rows within the top K of (relevant rows so far) / rank,
 * divided by the number of relevant rows in the whole group; 1 (0 with '-') when the group
 * has none. The result is the plain mean over groups: XGBoost's ranking metrics ignore
 * weights.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>

#include "core/alloc.h"
#include "data/metricpriv.h"

static double dcg(const unsigned *rel, const size_t *order, size_t n, unsigned topn)
{
	double s = 0;
	for (size_t i = 0; i < n && i < topn; i++) {
		unsigned r = rel[order[i]];
		if (r)
			s += (ldexp(1.0, (int)(r > 1000 ? 1000 : r)) - 1) / log2((double)i + 2.0);
	}
	return s;
}

static double group_ndcg(const float *score, const unsigned *rel, size_t n, unsigned topn,
			 int minus, size_t *order, float *tmp)
{
	dl_argsort_desc(score, n, order);
	double d = dcg(rel, order, n, topn);
	for (size_t i = 0; i < n; i++)
		tmp[i] = (float)rel[i];
	dl_argsort_desc(tmp, n, order);
	double id = dcg(rel, order, n, topn);
	if (id == 0)
		return minus ? 0 : 1;
	return d / id;
}

static double group_map(const float *score, const unsigned *rel, size_t n, unsigned topn,
			int minus, size_t *order)
{
	size_t hits = 0;
	double ap = 0;
	dl_argsort_desc(score, n, order);
	for (size_t i = 0; i < n; i++)
		if (rel[order[i]]) {
			hits++;
			if (i < topn)
				ap += (double)hits / (double)(i + 1);
		}
	if (hits == 0)
		return minus ? 0 : 1;
	return ap / (double)hits;
}

int dl_metric_rank(int map, unsigned topn, int minus, const double *pred, size_t n,
		   const float *y, const size_t *group_ptr, size_t ngroup, double *out, dl_err *e)
{
	size_t one[2] = { 0, n };
	if (!group_ptr) {
		group_ptr = one;
		ngroup = 1;
	}
	if (group_ptr[ngroup] != n)
		return dl_errf(e, "the query groups cover %zu rows, not %zu", group_ptr[ngroup], n);
	if (ngroup == 0) {
		*out = NAN;
		return 0;
	}
	float *score = dl_mallocarray(n ? n : 1, sizeof *score), *tmp;
	unsigned *rel = dl_mallocarray(n ? n : 1, sizeof *rel);
	size_t *order = dl_mallocarray(n ? n : 1, sizeof *order);
	tmp = dl_mallocarray(n ? n : 1, sizeof *tmp);
	for (size_t i = 0; i < n; i++) {
		score[i] = (float)pred[i];
		/* XGBoost casts the label to int, then to unsigned. */
		rel[i] = y[i] > -1 && y[i] < 4294967296.0f ? (unsigned)(int64_t)y[i] : 0;
	}
	double sum = 0;
	for (size_t g = 0; g < ngroup; g++) {
		size_t a = group_ptr[g], m = group_ptr[g + 1] - a;
		sum += map ? group_map(score + a, rel + a, m, topn, minus, order)
			   : group_ndcg(score + a, rel + a, m, topn, minus, order, tmp);
	}
	*out = sum / (double)ngroup;
	dl_free(score);
	dl_free(rel);
	dl_free(order);
	dl_free(tmp);
	return 0;
}
