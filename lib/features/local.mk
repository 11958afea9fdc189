# lib/features — feature columns as TensorFlow defined them: the spec and FITTED.json
# (spec.c, resolve.c, fitted.c), FarmHash Fingerprint64, vocabularies, rolling windows, the row
# readers (input.c), fit and apply (fit.c, transform.c, output.c, blocks.c).
noinst_LIBRARIES += lib/libdlfeatures.a
lib_libdlfeatures_a_SOURCES = \
	lib/features/farmhash.c lib/features/farmhash.h \
	lib/features/vocab.c lib/features/vocab.h \
	lib/features/window.c lib/features/window.h \
	lib/features/spec.c lib/features/resolve.c lib/features/fitted.c lib/features/spec.h \
	lib/features/specpriv.h \
	lib/features/input.c lib/features/input.h \
	lib/features/transform.c lib/features/fit.c lib/features/output.c \
	lib/features/transform.h \
	lib/features/blocks.c lib/features/blocks.h \
	lib/features/txpriv.h
DLFEATURES_LIBS = lib/libdlfeatures.a $(DLRECORD_LIBS) $(CJSON_LIBS) -lm
