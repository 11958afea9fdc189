/*
 * inspect.h — what a user reads of a tree model: the trees as text, feature importance,
 * and predictions written as TSV, JSON lines or records.
 */
#ifndef DL_TREE_INSPECT_H
#define DL_TREE_INSPECT_H
#include <stddef.h>
#include "core/io.h"
#include "tree/tree.h"

/* Writes tree t as XGBoost's text dump does, one node per line indented by depth:
 *     0:[age<30.5] yes=1,no=2,missing=1,gain=12.5,cover=100
 *         1:leaf=-0.2,cover=40
 * names[f] is feature f's name; stats adds gain and cover. */
void dl_tree_dump(const dl_tree *t, const char *const *names, int stats, dl_out *out);

enum dl_importance { DL_IMP_WEIGHT, DL_IMP_GAIN, DL_IMP_COVER, DL_IMP_TOTAL_GAIN,
		     DL_IMP_TOTAL_COVER };
/* Parses "weight", "gain", "cover", "total_gain", "total_cover"; -1 when unknown. */
int dl_importance_parse(const char *s);
/* Importance of each of nfeat features over trees[0..ntree): the number of splits on it
 * (weight), the mean or total loss reduction of those splits (gain, total_gain) or the
 * mean or total cover (XGBoost's definitions). out[nfeat]; a feature never split on has 0. */
void dl_importance(const dl_tree *const *trees, size_t ntree, size_t nfeat,
		   enum dl_importance type, double *out);

enum dl_pred_format { DL_PRED_TSV, DL_PRED_JSONL, DL_PRED_RECORDS };
int dl_pred_format_parse(const char *s);
/* Writes n rows of k values each: TSV (k tab-separated numbers a line), JSON lines
 * ({"prediction": v} or {"prediction": [v, ...]}), or records (a float_list feature
 * "prediction" per record). Numbers are the shortest decimal of the float32 value when
 * exact is 0, %.17g of the double when 1; DL_PRED_INTEGERS writes whole numbers (leaf
 * indices), as an int64_list in records. name is the feature/key name. */
#define DL_PRED_INTEGERS 2
void dl_pred_write(dl_out *out, enum dl_pred_format f, const char *name, const double *v,
		   size_t n, size_t k, int exact);
#endif
