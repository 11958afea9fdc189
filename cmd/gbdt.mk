# cmd — dl-gbdt: first-order gradient boosting and AdaBoost over lib/tree (gbdt.h), with the
# command line of cmd/gbmcli.c shared with dl-xgb.
bin_PROGRAMS += dl-gbdt
dl_gbdt_SOURCES = cmd/dl-gbdt.c cmd/gbmcli.c cmd/gbmcli.h cmd/gbmpriv.h cmd/gbmpredict.c \
	cmd/gbmconf.c cmd/tablecli.c cmd/tablecli.h
dl_gbdt_LDADD = $(DLTREE_LIBS)
