/*
 * model.h — the JSON file of a boosted-tree model (dl-xgb, dl-gbdt), documented in
 * dl-xgb(1):
 *
 *   {"format": "dl-gbm", "version": 1, "learner": "dl-xgb",
 *    "objective": "binary:logistic", "num_class": 1, "base_score": 0.5,
 *    "rounds": 100, "best_iteration": -1,
 *    "features": ["age", "income", ...],
 *    "params": {...},                       (the training parameters, for the record)
 *    "trees": [{"left": [1, -1, -1], "right": [2, -1, -1], "feature": [0, 0, 0],
 *               "threshold": [0.5, 0, 0], "default_left": [0, 0, 0],
 *               "value": [0, -0.2, 0.3], "gain": [12.5, 0, 0], "cover": [100, 40, 60]},
 *              ...]}
 *
 * Tree i adds to the margin of class i % num_class. Floats are written as the shortest
 * decimal that reads back to the same float32. Reading validates everything before use
 * (every tree's structure, feature indices, finite values, the number of trees against
 * rounds * num_class): a model file is outside data.
 */
#ifndef DL_TREE_MODEL_H
#define DL_TREE_MODEL_H
#include <stddef.h>
#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "core/jscan.h"
#include "tree/boost.h"

struct cJSON;
/* s as a JSON string (quotes, backslashes and control characters escaped), appended to b. */
void dl_json_put_str(dl_buf *b, const char *s);
/* One tree as a JSON object {"left": [...], "right": [...], "feature": [...], "threshold":
 * [...], "default_left": [...], "value": [...], "gain": [...], "cover": [...]} appended to
 * b; "value" holds n * vdim numbers (node i's at [i * vdim]). Shared by the boosting and
 * forest model files. */
void dl_tree_json_put(dl_buf *b, const dl_tree *t);
/* Reads such an object with vdim values per node and validates it against nfeat
 * features; where prefixes messages ("model.json: tree 3"). Returns 0, or -1 with e
 * filled. */
int dl_tree_json_get(const struct cJSON *o, const char *where, size_t nfeat, int vdim,
		     dl_tree **out, dl_err *e);
/* The same read by a scanner positioned at the object (large models: forests), which it
 * leaves after it. Keys other than the tree's are skipped. */
int dl_tree_json_scan(dl_jscan *s, const char *where, size_t nfeat, int vdim, dl_tree **out,
		      dl_err *e);

/* A tree's arrays as read, by key: left, right, feature, default_left, threshold, value,
 * gain, cover (a[k] malloc'd, n[k] values, present[k] when the key held an array; an
 * element that was not a number is NaN). dl_tree_from_arrays checks them as
 * dl_tree_json_get does and builds the tree. */
#define DL_TREE_NKEYS 8
typedef struct dl_tree_arrays {
	double *a[DL_TREE_NKEYS];
	size_t n[DL_TREE_NKEYS];
	int present[DL_TREE_NKEYS];
} dl_tree_arrays;
int dl_tree_from_arrays(const dl_tree_arrays *ta, const char *where, size_t nfeat, int vdim,
			dl_tree **out, dl_err *e);
void dl_tree_arrays_free(dl_tree_arrays *ta);

/* Writes m as JSON to out; learner names the program ("dl-xgb", "dl-gbdt"). */
void dl_gbm_write(const dl_gbm *m, const char *learner, dl_out *out);
/* Reads a model from path. Returns NULL with e filled ("model.json: tree 3: node 7: left
 * child 40 is out of range (the tree has 31 nodes)"). learner (may be NULL) receives a
 * copy of the learner's name, to be freed. */
dl_gbm *dl_gbm_read(const char *path, char **learner, dl_err *e);
/* The same from memory; name is used in messages. */
dl_gbm *dl_gbm_read_mem(const char *text, size_t len, const char *name, char **learner,
			dl_err *e);
#endif
