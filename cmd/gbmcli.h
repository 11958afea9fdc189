/*
 * gbmcli.h — the command line shared by the boosting programs (dl-xgb, dl-gbdt): the same
 * data options, model file, predict, eval, dump, importance and cv; each program brings
 * its own training parameters.
 */
#ifndef DL_CMD_GBMCLI_H
#define DL_CMD_GBMCLI_H

enum dl_gbm_tool { DL_GBM_XGB, DL_GBM_GBDT };

/* Runs the program: argv[1] is the command. Returns the exit status. */
int dl_gbm_cli_main(int argc, char **argv, enum dl_gbm_tool tool, const char *usage_main);
#endif
