/*
 * fuzz_ngram_train.c — libFuzzer target for the corpus reader and the estimator
 * (lib/ngram/corpus.c, estimate.c): any bytes are a corpus (text, or records when they
 * look like TFRecord).
 *
 * The first byte picks the order (1 + b % 5) and a pruning threshold T = (b / 5) % 4 of
 * the orders above 1 (T = 0: no pruning); the rest is the corpus. Properties checked:
 * a failure has a message; an estimated model (with the fallback discounts) has finite
 * log10 probabilities <= 0, its unigram distribution sums to 1, the context and the suffix
 * of every n-gram are in the model (pruning keeps them), and the ARPA text it writes reads
 * back with the same numbers of n-grams.
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
#include "core/io.h"
#include "ngram/arpa.h"
#include "ngram/corpus.h"
#include "ngram/estimate.h"
#include "ngram/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_ngram_train: property broken: %s\n", what);
	abort();
}

static char path[64];

static void cleanup(void)
{
	unlink(path);
}

static int has_key(const dl_ngram_level *l, dl_ngram_key k)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->keys[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n && l->keys[lo] == k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dl_ngram_corpus c;
	dl_ngram_est_opts o;
	dl_err e;
	if (!size)
		return 0;
	if (!path[0]) {
		snprintf(path, sizeof path, "/tmp/fuzz_ngram_train.%d.arpa", (int)getpid());
		atexit(cleanup);
	}
	dl_ngram_corpus_init(&c);
	if (dl_ngram_corpus_read_mem(&c, data + 1, size - 1, "fuzz.txt", DL_NGRAM_IN_AUTO, NULL,
				     &e) < 0) {
		if (!e.msg[0])
			broken("no message");
		dl_ngram_corpus_free(&c);
		return 0;
	}
	dl_ngram_est_opts_default(&o);
	o.order = 1 + data[0] % 5;
	o.discount_fallback = 1;
	for (int n = 1; n < o.order; n++)
		o.prune[n] = (uint64_t)(data[0] / 5 % 4);
	dl_ngram_est *m = dl_ngram_estimate(&c, &o, &e);
	dl_ngram_corpus_free(&c);
	if (!m) {
		if (!e.msg[0])
			broken("no message");
		return 0;
	}
	double sum = 0;
	for (int n = 0; n < m->order; n++)
		for (size_t i = 0; i < m->lev[n].n; i++) {
			float p = m->lev[n].prob[i];
			if (!isfinite(p) || p > 1e-6)
				broken("a probability is not finite or above 1");
			if (!n && i != DL_NGRAM_BOS)
				sum += pow(10, p);
		}
	if (fabs(sum - 1) > 1e-3)
		broken("the unigrams do not sum to 1");
	for (int n = 1; n < m->order; n++) {
		dl_ngram_key cmask = ((dl_ngram_key)1 << (m->bits * (unsigned)n)) - 1;
		for (size_t i = 0; i < m->lev[n].n; i++) {
			dl_ngram_key k = m->lev[n].keys[i];
			if (!has_key(&m->lev[n - 1], k >> m->bits))
				broken("the suffix of an n-gram is missing");
			if (!has_key(&m->lev[n - 1], k & cmask))
				broken("the context of an n-gram is missing");
		}
	}
	dl_out *out = dl_out_open(path, DL_COMPRESS_NONE);
	dl_arpa_write(m, out, NULL);
	dl_out_close(out);
	dl_ngram_model *q = dl_ngram_model_load(path, 0, &e);
	if (!q)
		broken(e.msg);
	for (int n = 0; n < m->order; n++)
		if (q->count[n] != m->lev[n].n)
			broken("the ARPA file has other counts");
	dl_ngram_model_free(q);
	dl_ngram_est_free(m);
	return 0;
}
