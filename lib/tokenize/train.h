/*
 * train.h — learning byte-level BPE merges (Sennrich et al., "Neural Machine Translation of
 * Rare Words with Subword Units", ACL 2016; byte-level as in GPT-2, Radford et al. 2019).
 *
 * Tokens 0..255 are the single bytes 0..255; merge k (0-based) makes token 256 + k from the
 * pair (left, right). At each step the pair of adjacent tokens with the highest count over
 * all words (each word weighted by its count; every adjacent position counts, so in "aaa" the
 * pair (a, a) counts twice, as in Sennrich's reference code and HuggingFace tokenizers) is
 * merged everywhere, each word rewritten left to right ("aaa" becomes "aa" "a").
 * Tie-break: among pairs of equal count, the smallest left id, then the smallest right id.
 *
 * Pair counts are updated incrementally after each merge (only the words that contain the
 * merged pair are touched), with a priority queue over pairs: the words are never recounted.
 */
#ifndef DL_TOKENIZE_TRAIN_H
#define DL_TOKENIZE_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include "tokenize/count.h"

/* Learns at most max_merges merges from words[0..n); stops early when no pair occurs at least
 * min_frequency (>= 1) times. threads (>= 1) may be used for the set-up; the merges do not
 * depend on it. Writes merges[k][0], merges[k][1] (left, right token ids) and returns the
 * number of merges learned. progress, when not NULL, is called now and then with the number
 * of merges done so far. */
size_t dl_bpe_train(const dl_bpe_word *words, size_t n, size_t max_merges,
		    uint64_t min_frequency, int threads, uint32_t (*merges)[2],
		    void (*progress)(void *ctx, size_t done), void *ctx);

#endif
