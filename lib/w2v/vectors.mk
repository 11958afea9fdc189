# lib/w2v vectors: file formats, nearest neighbours, analogy and similarity evaluation.
# vectors.c parses the safetensors header with cJSON; eval.c multiplies with OpenBLAS, so a
# program linking the library adds DLW2V_EXTRA_LIBS after DLW2V_LIBS.
lib_libdlw2v_a_SOURCES += lib/w2v/vectors.c lib/w2v/eval.c lib/w2v/eval.h
DLW2V_EXTRA_LIBS = lib/libdlblas.a $(DLCORE_LIBS) $(CJSON_LIBS) $(BLAS_LIBS) -lm
