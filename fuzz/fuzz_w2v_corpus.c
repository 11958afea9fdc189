/*
 * fuzz_w2v_corpus.c — libFuzzer target for word2vec's corpus and vocabulary readers
 * (lib/w2v/corpus.c).
 *
 * The first byte chooses what the rest is: a corpus in any format (detected), a corpus of
 * token records, or a vocabulary file followed by nothing. A corpus that reads is then fixed
 * with min_count 1 and checked: counts descend and add up to the stream's length, every id
 * names a word, sentences are non-empty, increasing and at most DL_W2V_MAX_SENTENCE words,
 * words are non-empty, have no separator bytes and at most DL_W2V_MAX_WORD bytes. A
 * vocabulary that reads has distinct words. A failure must say why. Nothing may crash, leak
 * or die; a broken invariant aborts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "w2v/corpus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_w2v_corpus: invariant broken: %s\n", what);
	abort();
}

static void check_words(const dl_w2v_corpus *c)
{
	for (size_t i = 0; i < c->nwords; i++) {
		const char *w = dl_w2v_word(c, i);
		if (!c->len[i] || c->len[i] > DL_W2V_MAX_WORD || strlen(w) != c->len[i])
			broken("word length");
		for (size_t k = 0; k < c->len[i]; k++)
			if (strchr(" \t\n\v\f\r", w[k]))
				broken("separator in a word");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	int mode = data[0] % 3;
	dl_w2v_corpus c;
	dl_w2v_corpus_init(&c);
	dl_err e;
	e.msg[0] = 0;
	int rc;
	if (mode == 2) {
		rc = dl_w2v_vocab_read_mem(&c, data + 1, size - 1, "fuzz", &e);
		if (rc == 0) {
			check_words(&c);
			for (size_t i = 0; i < c.nwords && c.nwords < 4096; i++)
				for (size_t j = i + 1; j < c.nwords; j++)
					if (!strcmp(dl_w2v_word(&c, i), dl_w2v_word(&c, j)))
						broken("a word listed twice was accepted");
		}
	} else {
		rc = dl_w2v_corpus_read_mem(&c, data + 1, size - 1, "fuzz",
					    mode ? DL_W2V_IN_RECORDS : DL_W2V_IN_AUTO, "ids", &e);
		if (rc == 0) {
			dl_w2v_corpus_finish(&c, 1, 0);
			check_words(&c);
			uint64_t sum = 0;
			for (size_t i = 0; i < c.nwords; i++) {
				sum += c.count[i];
				if (i && c.count[i] > c.count[i - 1])
					broken("counts do not descend");
			}
			if (sum != c.nids)
				broken("counts do not add up to the corpus");
			for (size_t i = 0; i < c.nids; i++)
				if (c.ids[i] >= c.nwords)
					broken("id out of range");
			uint64_t prev = 0;
			for (size_t s = 0; s < c.nsent; s++) {
				if (c.sent_end[s] <= prev || c.sent_end[s] - prev > DL_W2V_MAX_SENTENCE)
					broken("sentence bounds");
				prev = c.sent_end[s];
			}
			if (prev != c.nids)
				broken("sentences do not cover the corpus");
		}
	}
	if (rc < 0 && !e.msg[0])
		broken("an error without a message");
	dl_w2v_corpus_free(&c);
	return 0;
}
