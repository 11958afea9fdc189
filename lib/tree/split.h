/*
 * split.h — the regularised leaf weight and split gain of second-order boosting
 * (Chen & Guestrin 2016, "XGBoost: A Scalable Tree Boosting System", equations 5-7, with
 * the L1 term and the max_delta_step clip as XGBoost's parameters define them):
 *
 *     w* = -T_alpha(G) / (H + lambda),    T_alpha(G) = sign(G) max(|G| - alpha, 0)
 *     gain(G, H) = T_alpha(G)^2 / (H + lambda)
 *     split loss change = gain(G_L, H_L) + gain(G_R, H_R) - gain(G, H)
 *
 * With max_delta_step > 0, or bounds on the weight (monotone constraints), the weight is
 * clipped first and the gain is that of the clipped weight:
 *     gain(G, H, w) = -(2 G w + (H + lambda) w^2) - 2 alpha |w|.
 * A node whose hessian sum is below min_child_weight (or not positive) has weight 0 and
 * gain 0. The two forms agree when nothing is clipped.
 */
#ifndef DL_TREE_SPLIT_H
#define DL_TREE_SPLIT_H
#include <math.h>

typedef struct dl_split_params {
	double lambda, alpha, min_child_weight, max_delta_step;
} dl_split_params;

static inline double dl_threshold_l1(double g, double alpha)
{
	if (g > alpha)
		return g - alpha;
	if (g < -alpha)
		return g + alpha;
	return 0.0;
}

/* The optimal weight, clipped to max_delta_step and to [lo, hi]. */
static inline double dl_leaf_weight(const dl_split_params *p, double g, double h,
				    double lo, double hi)
{
	if (h < p->min_child_weight || h <= 0.0)
		return 0.0;
	double w = -dl_threshold_l1(g, p->alpha) / (h + p->lambda);
	if (p->max_delta_step != 0.0 && fabs(w) > p->max_delta_step)
		w = copysign(p->max_delta_step, w);
	if (w < lo)
		w = lo;
	if (w > hi)
		w = hi;
	return w;
}

static inline double dl_gain_given_weight(const dl_split_params *p, double g, double h,
					  double w)
{
	return -(2.0 * g * w + (h + p->lambda) * w * w) - 2.0 * p->alpha * fabs(w);
}

/* The gain of a node with sums (g, h); bounded says whether [lo, hi] may clip. */
static inline double dl_gain(const dl_split_params *p, double g, double h, int bounded,
			     double lo, double hi)
{
	if (h < p->min_child_weight || h <= 0.0)
		return 0.0;
	if (p->max_delta_step == 0.0 && !bounded) {
		double t = dl_threshold_l1(g, p->alpha);
		return t * t / (h + p->lambda);
	}
	if (!bounded) {
		lo = -INFINITY;
		hi = INFINITY;
	}
	return dl_gain_given_weight(p, g, h, dl_leaf_weight(p, g, h, lo, hi));
}
#endif
