/*
 * dl-gbdt — first-order gradient boosting (Friedman 2001) and AdaBoost (SAMME), as
 * scikit-learn's GradientBoosting* and AdaBoostClassifier train them. Option parsing and
 * wiring only: the learner is lib/tree (gbdt.h), the data lib/data (table.h); the
 * train/predict/eval/dump/importance/cv plumbing is cmd/gbmcli.c, shared with dl-xgb.
 */
#include "core/cli.h"
#include "core/error.h"
#include "gbmcli.h"

static const char usage_main[] =
	"Usage: dl-gbdt COMMAND [OPTIONS] [ARGS...]\n"
	"Gradient boosting as Friedman defined it (least-squares trees on the negative\n"
	"gradient, a line search per leaf) for squared, absolute, Huber, quantile, logistic\n"
	"and exponential losses, and AdaBoost; trees on histograms of the features.\n"
	"\n"
	"Commands:\n"
	"  train       train a model on CSV, libsvm or records\n"
	"  predict     predictions for the rows of a data file\n"
	"  eval        metrics of a model on labelled data\n"
	"  dump        the trees as text\n"
	"  importance  feature importance (weight, gain, cover)\n"
	"  cv          K-fold cross-validation\n"
	"\n"
	"Common options:\n"
	"      --threads N     worker threads (default: all cores)\n"
	"      --seed N        random seed (default 1)\n"
	"  -q, --quiet         no per-round metrics or warnings\n"
	"      --verbose       more detail on standard error\n"
	"      --log FILE      per-round metrics as JSON lines\n"
	"  -h, --help          this help ('dl-gbdt COMMAND --help': a command's own)\n"
	"      --version       version and build information\n"
	"\n"
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error.\n"
	"Manual: man dl-gbdt.\n";

int main(int argc, char **argv)
{
	return dl_gbm_cli_main(argc, argv, DL_GBM_GBDT, usage_main);
}
