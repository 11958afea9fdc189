/*
 * fuzz_ngram_binary.c — libFuzzer target for the binary model loader (lib/ngram/binary.c).
 *
 * The input is the file, copied to 8-byte-aligned memory (as a mapping is). Properties
 * checked: a failure has a message that names the file; a model that opens scores
 * sentences of its own words and of unknown ones without reading outside the input (ASan
 * watches) and without looping forever (probing is bounded).
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "ngram/binary.h"
#include "ngram/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dl_err e;
	uint64_t *mem = dl_malloc(size + 8);
	memcpy(mem, data, size);
	dl_ngram_model *m = dl_ngram_binary_open_mem(mem, size, "fuzz.bin", &e);
	if (!m) {
		if (!strstr(e.msg, "fuzz.bin")) {
			fprintf(stderr, "fuzz_ngram_binary: the message does not name the file\n");
			abort();
		}
		free(mem);
		return 0;
	}
	char line[128];
	size_t n = 0;
	for (size_t i = 0; i < m->vocab.n && i < 8; i++) {
		uint32_t l = m->vocab.len[i];
		if (n + l + 8 >= sizeof line)
			break;
		memcpy(line + n, dl_ngram_vocab_word(&m->vocab, (uint32_t)i), l);
		n += l;
		line[n++] = ' ';
	}
	memcpy(line + n, "zz9q", 4);
	dl_ngram_score_line(m, line, n + 4, NULL);
	dl_ngram_model_free(m);
	free(mem);
	return 0;
}
