# man — dl-features(1).
dist_man_MANS += man/dl-features.1
