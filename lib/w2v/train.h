/*
 * train.h — word2vec training: skip-gram and CBOW (Mikolov et al. 2013, "Efficient Estimation
 * of Word Representations in Vector Space"), with negative sampling or hierarchical softmax
 * over a Huffman tree (Mikolov et al. 2013, "Distributed Representations of Words and Phrases
 * and their Compositionality").
 *
 * Input: whitespace-separated words, each line a sentence (cut into pieces of at most
 * DL_W2V_MAX_SENTENCE words), or token records (tf.Example with an int64 list, as
 * dl-tokenize encode writes them; each record a sentence, each id a word written in decimal).
 * The corpus is read once, from files or a pipe, and kept in memory as 32-bit word indices.
 */
#ifndef DL_W2V_TRAIN_H
#define DL_W2V_TRAIN_H

#include <stdint.h>
#include <stdio.h>
#include "w2v/vectors.h"

#define DL_W2V_MAX_SENTENCE 1000

enum dl_w2v_model { DL_W2V_SKIPGRAM = 0, DL_W2V_CBOW = 1 };
enum dl_w2v_loss { DL_W2V_NS = 0, DL_W2V_HS = 1 };
enum dl_w2v_input { DL_W2V_IN_AUTO = -1, DL_W2V_IN_TEXT = 0, DL_W2V_IN_RECORDS = 1 };

typedef struct dl_w2v_opts {
	enum dl_w2v_model model;  /* skipgram */
	enum dl_w2v_loss loss;    /* ns */
	int dim;                  /* 100 */
	int window;               /* 5: the reach on each side, shrunk at random per word */
	int negative;             /* 5 */
	double sample;            /* 1e-3; 0 = no subsampling */
	uint64_t min_count;       /* 5 */
	uint64_t max_vocab;       /* 0 = no limit: else keep the max_vocab most frequent */
	int epochs;               /* 5 */
	double alpha;             /* < 0: 0.025 for skip-gram, 0.05 for CBOW */
	double min_alpha;         /* 0.0001 */
	int threads;              /* >= 1 */
	uint64_t seed;            /* 1 */
	enum dl_w2v_input input;  /* auto: each input is records when it is TFRecord-framed */
	const char *feature;      /* the int64 feature of token records: "ids" */
	const char *read_vocab;   /* a vocabulary file ("word count" per line) to use, or NULL */
	const char *save_vocab;   /* where to write the vocabulary, or NULL */
	int progress;             /* a progress line on stderr */
	int verbose;              /* the vocabulary and sampling figures on stderr */
	FILE *log;                /* JSON lines of progress, or NULL */
} dl_w2v_opts;

void dl_w2v_opts_default(dl_w2v_opts *o);

/* Trains on the inputs (paths; "-" = stdin; gzip read transparently; npaths 0 = stdin).
 * Returns the input vectors (syn0), one row per vocabulary word, in vocabulary order (count
 * descending, ties in order of first appearance), with counts. Dies with a message naming
 * the file and line or record on bad input, and on an empty vocabulary. */
dl_vectors *dl_w2v_train(const dl_w2v_opts *o, char *const *paths, int npaths);

#endif
