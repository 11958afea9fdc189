/*
 * fuzz_safetensors.c — libFuzzer target for the safetensors reader (lib/nn/safetensors.c).
 *
 * The input is a file. If it loads, every tensor must lie inside the data and be found by
 * its name, the floating-point ones must convert, and the file written again by our writer
 * must load to the same tensors, byte for byte. A file that does not load must say why.
 * Nothing may crash, leak or die; a broken invariant aborts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "nn/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_safetensors: invariant broken: %s\n", what);
	abort();
}

static int same_tensor(const dl_st_tensor *a, const dl_st_tensor *b)
{
	if (strcmp(a->name, b->name) || a->dtype != b->dtype || a->ndim != b->ndim ||
	    a->count != b->count || a->nbytes != b->nbytes)
		return 0;
	for (int d = 0; d < a->ndim; d++)
		if (a->shape[d] != b->shape[d])
			return 0;
	return !a->nbytes || !memcmp(a->data, b->data, a->nbytes);
}

static void round_trip(const dl_st_file *f)
{
	char dir[] = "/tmp/fuzz_safetensors.XXXXXX", path[64];
	if (!mkdtemp(dir))
		broken("cannot make a temporary directory");
	snprintf(path, sizeof path, "%s/back.st", dir);
	dl_st_writer *w = dl_st_writer_new();
	for (size_t i = 0; i < dl_st_count(f); i++) {
		const dl_st_tensor *t = dl_st_tensor_at(f, i);
		dl_st_add(w, t->name, t->dtype, t->ndim, t->shape, t->data);
	}
	dl_st_save(w, path);
	dl_err e;
	dl_st_file *b = dl_st_open(path, &e);
	if (!b)
		broken(e.msg);
	if (dl_st_count(b) != dl_st_count(f))
		broken("a different number of tensors read back");
	for (size_t i = 0; i < dl_st_count(f); i++)
		if (!same_tensor(dl_st_tensor_at(f, i), dl_st_tensor_at(b, i)))
			broken("a tensor read back differs");
	dl_st_close(b);
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dl_err e;
	e.msg[0] = 0;
	dl_st_file *f = dl_st_open_mem(data, size, "fuzz", &e);
	if (!f) {
		if (!e.msg[0])
			broken("a load failed without a message");
		return 0;
	}
	size_t total = 0;
	for (size_t i = 0; i < dl_st_count(f); i++) {
		const dl_st_tensor *t = dl_st_tensor_at(f, i);
		if (dl_st_find(f, t->name) != t)
			broken("a tensor is not found by its name");
		if (t->nbytes > size)
			broken("a tensor larger than the file");
		total += t->nbytes;
		/* Touch every byte: ASan catches a view outside the buffer. */
		volatile uint8_t sink = 0;
		for (size_t k = 0; k < t->nbytes; k++)
			sink ^= t->data[k];
		(void)sink;
		if (t->dtype <= DL_ST_F64 && t->count < (1u << 20)) {
			float *v = dl_mallocarray((size_t)t->count + 1, sizeof *v);
			if (dl_st_to_f32(f, t, v, &e) < 0)
				broken("a floating-point tensor does not convert");
			free(v);
		}
	}
	if (total > size)
		broken("tensors hold more bytes than the file");
	round_trip(f);
	dl_st_close(f);
	return 0;
}
