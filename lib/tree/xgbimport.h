/*
 * xgbimport.h — reading XGBoost's JSON model format (Booster.save_model("m.json"),
 * XGBoost 1.x) into a dl_gbm.
 *
 * What is read, under "learner":
 *   gradient_booster.name             "gbtree" (dart and gblinear are refused)
 *   gradient_booster.model.trees[*]   left_children, right_children, split_indices,
 *                                     split_conditions, default_left, base_weights,
 *                                     loss_changes, sum_hessian (arrays of one length)
 *   gradient_booster.model.tree_info  the class of each tree
 *   gradient_booster.model.gbtree_model_param  num_trees, num_parallel_tree
 *   learner_model_param               base_score, num_class, num_feature (strings)
 *   objective.name                    one of objective.h's (plus the parameters
 *                                     huber_slope, max_delta_step, scale_pos_weight)
 *   feature_names                     names, or f0, f1, ... when the model has none
 *   attributes.best_iteration         the round chosen by early stopping, if any
 *
 * XGBoost's conventions, and how they map onto ours: a leaf's value is its
 * split_condition; an internal node keeps its base_weight as its value, its loss_change as
 * gain and its sum_hessian as cover. XGBoost sends x left when x < split_condition,
 * compared in float32, as dl_tree does. base_score is in prediction space, as ours.
 * Nodes that XGBoost's pruner deleted (unreachable leaves whose split index is
 * 2147483647) are dropped and the others renumbered in their order. Trees are reordered
 * from tree_info's classes into our layout (tree i adds to class
 * i % nclass, each class keeping its own order); a model whose classes have different
 * numbers of trees is refused. Categorical splits and vector leaves are refused.
 *
 * Everything is validated before use (a model file is outside data): array lengths,
 * integers, finite numbers, child indices in range, every node reached exactly once from
 * the root and after its parent, split indices below num_feature. Errors name the input,
 * the tree and the node (in the file's numbering): "m.json: tree 3: node 7: right child
 * 40 is out of range (the tree has 31 nodes)".
 */
#ifndef DL_TREE_XGBIMPORT_H
#define DL_TREE_XGBIMPORT_H
#include <stddef.h>
#include "core/error.h"
#include "tree/boost.h"

/* Parses the XGBoost JSON model text[0..len) (not NUL-terminated necessarily); name is
 * used in messages. Returns a new model (dl_gbm_free) with rounds = trees per class and
 * params_json NULL, or NULL with e filled. Never dies on bad input. */
dl_gbm *dl_xgb_import(const char *text, size_t len, const char *name, dl_err *e);

/* The same from a file (path "-" or NULL = stdin; gzip read transparently). */
dl_gbm *dl_xgb_import_file(const char *path, dl_err *e);

/* 1 when text is a JSON object with a "learner" object (XGBoost's model), 0 otherwise;
 * for callers that accept both our format and XGBoost's. Does not validate the model. */
int dl_xgb_is_model(const char *text, size_t len);
#endif
