# cmd — the boosting programs: dl-xgb (and dl-gbdt) over lib/tree, sharing cmd/gbmcli.c.
bin_PROGRAMS += dl-xgb
dl_xgb_SOURCES = cmd/dl-xgb.c cmd/gbmcli.c cmd/gbmcli.h cmd/gbmpriv.h cmd/gbmpredict.c \
	cmd/gbmconf.c cmd/tablecli.c cmd/tablecli.h
dl_xgb_LDADD = $(DLTREE_LIBS)
