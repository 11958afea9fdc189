/*
 * shap.h — SHAP feature contributions of tree models: the exact, polynomial-time
 * TreeSHAP of Lundberg, Erion & Lee, "Consistent Individualized Feature Attribution for
 * Tree Ensembles" (2018), algorithm 2, with the nodes' cover as the weights of the
 * conditional expectations (as XGBoost's pred_contribs does).
 *
 * For a row x and a tree f, phi[j] is feature j's Shapley value of the game
 * v(S) = E[f(x) | x_S], the expectation taken over the paths the row cannot decide
 * (features outside S) in proportion to the cover of each branch; the bias phi[nfeat] is
 * E[f] (the cover-weighted mean of the leaves), so that sum(phi) = f(x) exactly (up to
 * rounding). A missing value (NaN) follows the node's default direction, as prediction
 * does.
 */
#ifndef DL_TREE_SHAP_H
#define DL_TREE_SHAP_H
#include <stddef.h>
#include "core/threads.h"
#include "data/table.h"
#include "tree/boost.h"
#include "tree/tree.h"

/* Adds the contributions of tree t (leaf values in value[node * vdim], the first of
 * them used) for row x (nfeat features, NaN = missing) to phi[0..nfeat), and t's
 * expected value to phi[nfeat]. t must be valid (dl_tree_validate) with features below
 * nfeat. Allocates scratch of O(depth * min(depth, nfeat)) (no recursion: a deep tree
 * costs heap, not stack). Thread-safe (t and x are only read). */
void dl_tree_shap(const dl_tree *t, const float *x, size_t nfeat, double *phi);

/* The expected value of tree t: the leaves' values weighted by the fraction of the root's
 * cover that reaches them (through the cover ratios of each split). A ratio is taken as
 * 1/2 under a node of cover 0 and at most 1 (a model file whose covers are not those of
 * a trained tree still gets contributions that sum to its predictions). */
double dl_tree_expected(const dl_tree *t);

/* Contributions of every row of t (columns = the model's features, in order, as
 * dl_gbm_margins needs) for every class: out[(r * nclass + k) * (nfeat + 1) + j] for
 * feature j, and at j = nfeat the bias, which includes the base margin; each row and
 * class sums to its margin. The layout is XGBoost's predict(pred_contribs=True).
 * out is overwritten. Rows are shared out over pool. */
void dl_gbm_contribs(const dl_gbm *m, const dl_table *t, dl_pool *pool, double *out);
#endif
