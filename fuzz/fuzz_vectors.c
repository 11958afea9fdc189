/*
 * fuzz_vectors.c — libFuzzer target for the word-vector reader (lib/w2v/vectors.c).
 *
 * The first input byte picks the format the reader is told (auto, bin, text, safetensors);
 * the rest is the file, written to a temporary path (the reader takes a path; its size guard
 * depends on the file's size). Properties checked:
 *   - a failure has a message naming the file;
 *   - what reads cleanly has n >= 1 and dim >= 1 rows, words that are non-empty, hold no
 *     whitespace or NUL, and find their own row (or an earlier one that is the same word);
 *   - it writes and reads back (each of the three formats, detected) with the same words
 *     and the same bits (every NaN equal to every NaN: text writes NaN without its payload).
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "w2v/vectors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_vectors: property broken: %s%s%s\n", what, msg ? ": " : "",
		msg ? msg : "");
	abort();
}

static char in_path[64], out_path[64];

static void cleanup(void)
{
	unlink(in_path);
	unlink(out_path);
}

static void write_all(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f))
		broken("cannot write the input file", path);
}

static int same_float(float a, float b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return !memcmp(&a, &b, sizeof a);
}

static void check(const dl_vectors *v)
{
	if (!v->n || !v->dim)
		broken("vectors without words or components", NULL);
	for (size_t i = 0; i < v->n; i++) {
		if (!v->lens[i] || strlen(v->words[i]) != v->lens[i])
			broken("an empty word, or one holding a NUL byte", NULL);
		for (size_t k = 0; k < v->lens[i]; k++)
			if (strchr(" \t\n\v\f\r", v->words[i][k]))
				broken("a word holds whitespace", v->words[i]);
		ptrdiff_t r = dl_vectors_find(v, v->words[i], v->lens[i]);
		if (r < 0 || (size_t)r > i || strcmp(v->words[r], v->words[i]))
			broken("a word does not find its row", v->words[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dl_vec_format fs[] = { DL_VEC_AUTO, DL_VEC_BIN, DL_VEC_TEXT,
						 DL_VEC_SAFETENSORS };
	dl_err e;

	if (size < 1)
		return 0;
	if (!in_path[0]) {
		const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
		snprintf(in_path, sizeof in_path, "%s/fuzz_vectors.%ld.in", tmp, (long)getpid());
		snprintf(out_path, sizeof out_path, "%s/fuzz_vectors.%ld.out", tmp, (long)getpid());
		atexit(cleanup);
	}
	write_all(in_path, data + 1, size - 1);
	memset(&e, 0, sizeof e);
	dl_vectors *v = dl_vectors_read(in_path, fs[data[0] & 3], &e);
	if (!v) {
		if (strncmp(e.msg, in_path, strlen(in_path)))
			broken("an error that does not name the file", e.msg);
		return 0;
	}
	check(v);
	for (int f = 0; f < 3; f++) {
		dl_vectors_write(v, out_path, (enum dl_vec_format)f);
		dl_vectors *w = dl_vectors_read(out_path, DL_VEC_AUTO, &e);
		if (!w)
			broken("what was written does not read back", e.msg);
		if (w->n != v->n || w->dim != v->dim)
			broken("the shape changed in a round trip", NULL);
		for (size_t i = 0; i < v->n; i++)
			if (w->lens[i] != v->lens[i] || memcmp(w->words[i], v->words[i], v->lens[i]))
				broken("a word changed in a round trip", v->words[i]);
		for (size_t k = 0; k < v->n * v->dim; k++)
			if (!same_float(v->v[k], w->v[k]))
				broken("a value changed in a round trip", dl_vec_format_name(f));
		dl_vectors_free(w);
	}
	dl_vectors_free(v);
	return 0;
}
