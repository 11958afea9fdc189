/*
 * fuzz_ngram_arpa.c — libFuzzer target for the ARPA reader (lib/ngram/arpa.c) and the
 * query model built from it (lib/ngram/model.c).
 *
 * The input is the file. Properties checked:
 *   - a failure has a message that names the file;
 *   - a model that reads has an order of 1..8, <s>, </s> and <unk> in its vocabulary, and
 *     scores sentences made of its own words and of unknown ones to finite numbers (or -inf
 *     never: every probability read is finite);
 *   - its binary form opens again and gives the same scores, bit for bit.
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "ngram/binary.h"
#include "ngram/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_ngram_arpa: property broken: %s\n", what);
	abort();
}

static char bin_path[64];

static void cleanup(void)
{
	unlink(bin_path);
}

/* A sentence of the model's first words and an unknown one. */
static double score_some(const dl_ngram_model *m)
{
	char line[256];
	size_t n = 0;
	for (size_t i = 0; i < m->vocab.n && i < 6; i++) {
		uint32_t l = m->vocab.len[i];
		if (n + l + 8 >= sizeof line)
			break;
		memcpy(line + n, dl_ngram_vocab_word(&m->vocab, (uint32_t)i), l);
		n += l;
		line[n++] = ' ';
	}
	memcpy(line + n, "zz9q ", 5);
	n += 5;
	return dl_ngram_score_line(m, line, n, NULL) + dl_ngram_score_line(m, "", 0, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dl_err e;
	if (!bin_path[0]) {
		snprintf(bin_path, sizeof bin_path, "/tmp/fuzz_ngram_arpa.%d.bin", (int)getpid());
		atexit(cleanup);
	}
	dl_in *in = dl_in_open_mem(data, size, "fuzz.arpa", 0);
	dl_ngram_model *m = dl_ngram_model_read_arpa(in, &e);
	dl_in_close(in);
	if (!m) {
		if (!strstr(e.msg, "fuzz.arpa"))
			broken("the message does not name the file");
		return 0;
	}
	if (m->order < 1 || m->order > DL_NGRAM_MODEL_MAX_ORDER)
		broken("order out of range");
	if (m->unk >= m->vocab.n || m->bos >= m->vocab.n || m->eos >= m->vocab.n)
		broken("special words");
	double s = score_some(m);
	if (!isfinite(s))
		broken("a score is not finite");
	dl_ngram_binary_write(m, bin_path);
	dl_ngram_model *b = dl_ngram_model_load(bin_path, 0, &e);
	if (!b)
		broken(e.msg);
	if (score_some(b) != s)
		broken("the binary model scores differently");
	dl_ngram_model_free(b);
	dl_ngram_model_free(m);
	return 0;
}
