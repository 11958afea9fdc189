# cmd — dl-features (feature columns; the work is in lib/features).
bin_PROGRAMS += dl-features
dl_features_SOURCES = cmd/dl-features.c
dl_features_LDADD = $(DLFEATURES_LIBS)
