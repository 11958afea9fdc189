/*
 * dl-xgb — gradient boosted trees as XGBoost trains them (second-order, regularised,
 * histogram splits, missing values). Option parsing and wiring only: the learner is
 * lib/tree (boost.h), the data lib/data (table.h). The shared train/predict/eval/dump/
 * importance plumbing of the boosting commands is cmd/gbmcli.c, shared with dl-gbdt.
 */
#include "core/cli.h"
#include "core/error.h"
#include "gbmcli.h"

static const char usage_main[] =
	"Usage: dl-xgb COMMAND [OPTIONS] [ARGS...]\n"
	"Gradient boosted trees as XGBoost trains them: second-order, regularised trees on\n"
	"histograms of the features, with a learned direction for missing values.\n"
	"\n"
	"Commands:\n"
	"  train       train a model on CSV, libsvm or records (or an XGBoost .conf file)\n"
	"  predict     predictions for the rows of a data file\n"
	"  eval        metrics of a model on labelled data\n"
	"  dump        the trees as text\n"
	"  importance  feature importance (weight, gain, cover)\n"
	"  cv          K-fold cross-validation\n"
	"  import      convert an XGBoost JSON model\n"
	"\n"
	"Common options:\n"
	"      --threads N     worker threads (default: all cores)\n"
	"      --seed N        random seed (default 1)\n"
	"  -q, --quiet         no per-round metrics or warnings\n"
	"      --verbose       more detail on standard error\n"
	"      --log FILE      per-round metrics as JSON lines\n"
	"  -h, --help          this help ('dl-xgb COMMAND --help': a command's own)\n"
	"      --version       version and build information\n"
	"\n"
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error.\n"
	"Manual: man dl-xgb.\n";

int main(int argc, char **argv)
{
	return dl_gbm_cli_main(argc, argv, DL_GBM_XGB, usage_main);
}
