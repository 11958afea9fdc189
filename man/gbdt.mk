# man — dl-gbdt(1).
dist_man_MANS += man/dl-gbdt.1
