# man — dl-xgb(1).
dist_man_MANS += man/dl-xgb.1
