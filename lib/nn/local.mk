# lib/nn — the neural-network core of dl-train: layers (forward and backward kernels),
# safetensors checkpoints, optimizers and schedules. Parts add their sources in their own
# fragments.
noinst_LIBRARIES += lib/libdlnn.a
lib_libdlnn_a_SOURCES = lib/nn/layers.h lib/nn/safetensors.h lib/nn/optim.h lib/nn/simd.h lib/nn/par.h
DLNN_LIBS = lib/libdlnn.a lib/libdlblas.a lib/libdlrecord.a $(DLCORE_LIBS) $(CJSON_LIBS) $(BLAS_LIBS)

include lib/nn/layers.mk
include lib/nn/attention.mk
include lib/nn/safetensors.mk
include lib/nn/optim.mk
include lib/nn/model.mk
include lib/nn/gpt-golden.mk
