# cmd — dl-rf: random forests over lib/tree (forest.h, cart.h), and its manual page.
bin_PROGRAMS += dl-rf
dl_rf_SOURCES = cmd/dl-rf.c cmd/tablecli.c cmd/tablecli.h
dl_rf_LDADD = $(DLTREE_LIBS)
dist_man_MANS += man/dl-rf.1
# the benchmark (bench/rf/run; not built, only distributed)
EXTRA_DIST += \
	bench/rf/run \
	bench/rf/make-data.py \
	bench/rf/sk-train.py \
	bench/rf/ranger-train.R
