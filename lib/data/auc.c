/*
 * auc.c — area under the ROC and precision-recall curves, as XGBoost 1.7 computes them
 * (src/metric/auc.cc).
 *
 * Binary: rows sorted by score, descending; rows with equal scores form one step of the
 * curve. With fp and tp the weighted sums of (1 - y) and y so far, each step adds the
 * trapezoid (fp - fp_prev) * (tp + tp_prev) / 2 (ROC; Fawcett, "An introduction to ROC
 * analysis", 2006, algorithm 2), normalised by fp * tp at the end; or the PR area of Davis
 * and Goadrich ("The relationship between precision-recall and ROC curves", ICML 2006)
 * with precision interpolated between the two points, as in Keilwagen et al., PLoS ONE
 * 9(3) e92209 (2014). A data set with only one class gives NaN.
 * Multi-class (k > 1): one class against the rest, each class's ROC AUC weighted by its
 * (weighted) number of positives; PR AUCs are averaged plainly.
 * Groups: ROC AUC of a group counts every pair (i < j) of the group's rows ordered by label,
 * descending and stable, as 1 when the first scores higher, 1/2 on a tie; a group of fewer
 * than 3 rows is left out; the result is the mean over the groups left. PR AUC is the binary
 * one per group (labels in [0, 1]); groups with one class are left out. Group weights (the
 * weight of a group's first row) cancel in both, except that 0 makes the group's ROC AUC 0.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "data/metricpriv.h"

/* Float keys mapped to unsigned integers whose ascending order is the floats' descending
 * order. */
static uint32_t desc_key(float f)
{
	uint32_t u;
	memcpy(&u, &f, sizeof u);
	u = (u & 0x80000000u) ? ~u : (u | 0x80000000u);    /* ascending order of floats */
	return ~u;
}

void dl_argsort_desc(const float *key, size_t n, size_t *idx)
{
	size_t *tmp = dl_mallocarray(n ? n : 1, sizeof *tmp);
	uint32_t *k = dl_mallocarray(n ? n : 1, sizeof *k);
	size_t count[2048];
	for (size_t i = 0; i < n; i++) {
		idx[i] = i;
		k[i] = desc_key(key[i]);
	}
	for (int shift = 0; shift < 32; shift += 11) {
		memset(count, 0, sizeof count);
		for (size_t i = 0; i < n; i++)
			count[(k[idx[i]] >> shift) & 2047]++;
		size_t sum = 0;
		for (size_t b = 0; b < 2048; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(k[idx[i]] >> shift) & 2047]++] = idx[i];
		memcpy(idx, tmp, n * sizeof *idx);
	}
	dl_free(tmp);
	dl_free(k);
}

struct curve {
	double fp, tp, area;
};

/* The area between two points of the PR curve (Davis and Goadrich's interpolation). */
static double pr_step(double fp_prev, double fp, double tp_prev, double tp, double total_pos)
{
	double pr_prev = tp_prev / total_pos, pr = tp / total_pos, a = 1, b = 0;
	if (tp != tp_prev) {
		double h = (fp - fp_prev) / (tp - tp_prev);
		a = 1 + h;
		b = (fp_prev - h * tp_prev) / total_pos;
	}
	if (b != 0)
		return (pr - pr_prev - b / a * (log(a * pr + b) - log(a * pr_prev + b))) / a;
	return (pr - pr_prev) / a;
}

static double roc_step(double fp_prev, double fp, double tp_prev, double tp)
{
	return fabs(fp_prev - fp) * (tp_prev + tp) * 0.5;
}

/* One binary curve over rows s[0..n) (sorted by score, descending) with labels y and weights
 * (wconst when w is NULL). */
static struct curve binary(int pr, const float *score, const size_t *s, size_t n, const float *y,
			   const float *w, float wconst, double total_pos)
{
	struct curve c = { 0, 0, 0 };
	double fp_prev = 0, tp_prev = 0;
	if (n == 0)
		return c;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && score[s[i]] != score[s[i - 1]]) {
			c.area += pr ? pr_step(fp_prev, c.fp, tp_prev, c.tp, total_pos)
				     : roc_step(fp_prev, c.fp, tp_prev, c.tp);
			fp_prev = c.fp;
			tp_prev = c.tp;
		}
		float wt = w ? w[s[i]] : wconst;
		c.fp += (1.0f - y[s[i]]) * wt;
		c.tp += y[s[i]] * wt;
	}
	c.area += pr ? pr_step(fp_prev, c.fp, tp_prev, c.tp, total_pos)
		     : roc_step(fp_prev, c.fp, tp_prev, c.tp);
	if (c.fp <= 0 || c.tp <= 0)
		c.fp = c.tp = c.area = 0;
	return c;
}

/* ROC: (fp, tp, unnormalised area); PR: (1, 1, area) or NaN area with one class. */
static struct curve binary_auc(int pr, const float *score, size_t n, const float *y,
			       const float *w, float wconst)
{
	size_t *s = dl_mallocarray(n ? n : 1, sizeof *s);
	double pos = 0, neg = 0;
	struct curve c;
	dl_argsort_desc(score, n, s);
	if (pr) {
		for (size_t i = 0; i < n; i++) {
			float wt = w ? w[i] : wconst;
			pos += wt * y[i];
			neg += wt * (1.0f - y[i]);
		}
		if (pos <= 0 || neg <= 0) {
			c.fp = c.tp = 1;
			c.area = NAN;
		} else {
			c = binary(1, score, s, n, y, w, wconst, pos);
			c.fp = c.tp = 1;
		}
	} else {
		c = binary(0, score, s, n, y, w, wconst, 0);
	}
	dl_free(s);
	return c;
}

static double multiclass(int pr, const double *pred, size_t n, size_t k, const float *y,
			 const float *w)
{
	float *score = dl_mallocarray(n ? n : 1, sizeof *score);
	float *resp = dl_mallocarray(n ? n : 1, sizeof *resp);
	double sum = 0, tps = 0;
	for (size_t c = 0; c < k; c++) {
		for (size_t i = 0; i < n; i++) {
			score[i] = (float)pred[i * k + c];
			resp[i] = y[i] == (float)c ? 1.0f : 0.0f;
		}
		struct curve cv = binary_auc(pr, score, n, resp, w, 1.0f);
		double local = cv.fp * cv.tp;
		if (local == 0) {
			sum = NAN;
			break;
		}
		sum += cv.area / local * cv.tp;
		tps += cv.tp;
	}
	dl_free(score);
	dl_free(resp);
	return tps == 0 || isnan(sum) ? NAN : sum / tps;
}

/* Pairs (i < j) of a with a[i] < a[j], counted while merge-sorting a descending. */
static double count_rising(float *a, float *tmp, size_t n)
{
	if (n < 2)
		return 0;
	size_t h = n / 2, i = 0, j = h, o = 0;
	double c = count_rising(a, tmp, h) + count_rising(a + h, tmp, n - h);
	while (i < h && j < n) {
		if (a[j] > a[i]) {
			c += (double)(h - i);
			tmp[o++] = a[j++];
		} else {
			tmp[o++] = a[i++];
		}
	}
	while (i < h)
		tmp[o++] = a[i++];
	while (j < n)
		tmp[o++] = a[j++];
	memcpy(a, tmp, n * sizeof *a);
	return c;
}

/* One group's ranking ROC AUC: the pairs of rows in label order (descending, stable) whose
 * scores fall (1) or tie (1/2), over all pairs; O(n log n) instead of XGBoost's loop over
 * the pairs, with the same counts. */
static double group_roc(const float *score, const float *y, size_t n, float w)
{
	size_t *s = dl_mallocarray(n, sizeof *s);
	float *a = dl_mallocarray(n, sizeof *a), *tmp = dl_mallocarray(n, sizeof *tmp);
	dl_argsort_desc(y, n, s);
	for (size_t i = 0; i < n; i++)
		a[i] = score[s[i]];
	double rising = count_rising(a, tmp, n), ties = 0, pairs = (double)n * (double)(n - 1) / 2;
	for (size_t i = 0, j; i < n; i = j) {     /* a is sorted now: runs of equal scores */
		for (j = i + 1; j < n && a[j] == a[i]; j++)
			;
		ties += (double)(j - i) * (double)(j - i - 1) / 2;
	}
	dl_free(s);
	dl_free(a);
	dl_free(tmp);
	if ((double)w * w == 0)
		return 0;
	return (pairs - rising - ties + 0.5 * ties) / pairs;
}

static int ranking(int pr, const float *score, size_t n, const float *y, const float *w,
		   const size_t *gp, size_t ng, double *out, dl_err *e)
{
	double sum = 0;
	size_t valid = 0;
	if (gp[ng] != n)
		return dl_errf(e, "the query groups cover %zu rows, not %zu", gp[ng], n);
	if (pr)
		for (size_t i = 0; i < n; i++)
			if (y[i] < 0 || y[i] > 1)
				return dl_errf(e, "metric 'aucpr' with query groups needs labels in "
					       "[0, 1], not %g", (double)y[i]);
	for (size_t g = 0; g < ng; g++) {
		size_t a = gp[g], m = gp[g + 1] - a;
		float wg = w && m ? w[a] : 1.0f;
		double auc;
		if (!pr && m < 3)
			continue;
		if (pr)
			auc = binary_auc(1, score + a, m, y + a, NULL, wg).area;
		else
			auc = group_roc(score + a, y + a, m, wg);
		if (isnan(auc))
			continue;
		sum += auc;
		valid++;
	}
	*out = valid ? sum / (double)valid : NAN;
	return 0;
}

int dl_metric_auc(int pr, const double *pred, size_t n, size_t k, const float *y,
		  const float *w, const size_t *group_ptr, size_t ngroup, double *out, dl_err *e)
{
	if (n == 0) {
		*out = NAN;
		return 0;
	}
	if (k > 1 && !group_ptr) {
		for (size_t i = 0; i < n; i++)
			if (!(y[i] >= 0 && y[i] < (float)k))
				return dl_errf(e, "label %g is outside [0, %zu)", (double)y[i], k);
		*out = multiclass(pr, pred, n, k, y, w);
		return 0;
	}
	if (k != 1)
		return dl_errf(e, "metric '%s' with query groups needs one score per row",
			       pr ? "aucpr" : "auc");
	float *score = dl_mallocarray(n, sizeof *score);
	for (size_t i = 0; i < n; i++)
		score[i] = (float)pred[i];
	int rc = 0;
	if (group_ptr) {
		rc = ranking(pr, score, n, y, w, group_ptr, ngroup, out, e);
	} else {
		struct curve c = binary_auc(pr, score, n, y, w, 1.0f);
		double local = c.fp * c.tp;
		*out = local <= 0 ? NAN : c.area / local;
	}
	dl_free(score);
	return rc;
}
