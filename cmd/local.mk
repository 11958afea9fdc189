# cmd — one thin dl-NAME.c per binary.
bin_PROGRAMS += dl-record
dl_record_SOURCES = cmd/dl-record.c
dl_record_LDADD = $(DLRECORD_LIBS)

TESTS += tests/cli/demo.sh tests/cli/record-empty.sh
EXTRA_DIST += tests/demo.sh tests/cli/demo.sh tests/cli/record-empty.sh tests/data/iris.csv tests/data/make-iris.sh bootstrap

bin_PROGRAMS += dl-tokenize
dl_tokenize_SOURCES = cmd/dl-tokenize.c
dl_tokenize_LDADD = $(DLTOKENIZE_LIBS) $(CJSON_LIBS)

bin_PROGRAMS += dl-train
dl_train_SOURCES = cmd/dl-train.c
dl_train_LDADD = lib/libdltokenize.a $(DLNN_LIBS)

bin_PROGRAMS += dl-w2v
dl_w2v_SOURCES = cmd/dl-w2v.c
dl_w2v_LDADD = $(DLW2V_LIBS) $(DLW2V_EXTRA_LIBS)
