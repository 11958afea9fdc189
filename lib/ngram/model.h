/*
 * model.h — a backoff n-gram model for queries: probing hash tables, as KenLM's "probing"
 * structure (Heafield, "KenLM: Faster and Smaller Language Model Queries", WMT 2011).
 *
 * Unigrams are an array indexed by word id. Each higher order n is an open-addressing
 * table of 16-byte entries {64-bit hash of the n word ids, log10 prob, log10 backoff},
 * linear probing from slot floor(h * slots / 2^64), about 1.5 slots an entry; the hash is
 * built from the last word leftwards, so the keys of w, c1 w, c2 c1 w ... are computed one
 * step at a time while looking for the longest match. Two n-grams whose hashes collide
 * (2^-64 per pair) would share an entry: the ARPA reader reports it as a duplicate.
 * The same layout is the binary file format (binary.h), mapped read-only.
 *
 * Scoring (the ARPA backoff rule, with KenLM's right-state minimisation): the state is
 * the longest matched n-gram of the previous word (at most N-1 words) with its backoffs;
 * p(w | state) = prob of the longest match (w), (c1 w), (c2 c1 w) ... that exists, times
 * the backoffs of the contexts longer than the match. A word outside the vocabulary is
 * <unk>. Queries are thread-safe; building is not.
 */
#ifndef DL_NGRAM_MODEL_H
#define DL_NGRAM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/io.h"
#include "ngram/vocab.h"

#define DL_NGRAM_MODEL_MAX_ORDER 8

typedef struct dl_ngram_entry {
	uint64_t key;           /* 0 = empty slot */
	float prob, bo;
} dl_ngram_entry;

typedef struct dl_ngram_model {
	int order;
	uint32_t unk, bos, eos;         /* ids of <unk>, <s>, </s> */
	dl_ngram_vocab vocab;           /* borrowed from the mapping when loaded (binary.c) */
	float *uni;                     /* [2 * id]: log10 prob, [2 * id + 1]: log10 backoff */
	dl_ngram_entry *tab[DL_NGRAM_MODEL_MAX_ORDER];     /* tab[n-1] for order n >= 2 */
	uint64_t count[DL_NGRAM_MODEL_MAX_ORDER], slots[DL_NGRAM_MODEL_MAX_ORDER];
	void *map;                      /* the mapping of a binary model, or NULL */
	size_t map_len;
} dl_ngram_model;

typedef struct dl_ngram_state {
	int len;                        /* words of context, 0 .. order-1 */
	uint32_t w[DL_NGRAM_MODEL_MAX_ORDER];      /* w[0]: the most recent word */
	float bo[DL_NGRAM_MODEL_MAX_ORDER];        /* bo[k]: backoff of w[k] .. w[0] */
} dl_ngram_state;

/* Reads an ARPA model (gzip read transparently). NULL with e filled ("FILE:LINE: ...") on
 * a malformed file, an order above DL_NGRAM_MODEL_MAX_ORDER, a missing <s> or </s>, or an
 * n-gram listed twice. A model without <unk> gets one of log10 prob -100, as in KenLM. */
dl_ngram_model *dl_ngram_model_read_arpa(dl_in *in, dl_err *e);
/* Loads a model from path: binary (binary.h) when it starts with the binary magic, else
 * ARPA. flags: DL_NGRAM_LOAD_MMAP to map a binary model rather than read it (binary.h).
 * NULL with e filled. */
#define DL_NGRAM_LOAD_MMAP 1u
dl_ngram_model *dl_ngram_model_load(const char *path, unsigned flags, dl_err *e);
void dl_ngram_model_free(dl_ngram_model *m);

/* The query model of an estimated one (estimate.h; its order at most
 * DL_NGRAM_MODEL_MAX_ORDER). The estimate is left as it is. */
struct dl_ngram_est;
dl_ngram_model *dl_ngram_model_from_est(const struct dl_ngram_est *est);

/* The id of a word, <unk>'s for a word outside the vocabulary. */
uint32_t dl_ngram_model_id(const dl_ngram_model *m, const char *w, size_t n);

/* The state at the start of a sentence (<s> as context) and the empty state. */
void dl_ngram_state_begin(const dl_ngram_model *m, dl_ngram_state *s);
void dl_ngram_state_empty(dl_ngram_state *s);

/* log10 p(w | in); out (which may be in) becomes the state after w. *matched, when not
 * NULL, is set to the length of the n-gram that matched. */
float dl_ngram_score(const dl_ngram_model *m, const dl_ngram_state *in, uint32_t w,
		     dl_ngram_state *out, int *matched);

/* Perplexity counts, as KenLM's query reports them: every word and each line's </s> is a
 * token; OOVs are the words scored as <unk>. */
typedef struct dl_ngram_ppl {
	double total, oov_total;        /* sums of log10 p: all tokens, OOV tokens only */
	uint64_t tokens, oovs, sentences;
} dl_ngram_ppl;

/* Scores one sentence (words split on whitespace) from <s> to </s>, adds it to p (when
 * not NULL) and returns its log10 probability. */
double dl_ngram_score_line(const dl_ngram_model *m, const char *line, size_t n,
			   dl_ngram_ppl *p);
double dl_ngram_ppl_including(const dl_ngram_ppl *p);
double dl_ngram_ppl_excluding(const dl_ngram_ppl *p);

/* The hash of n-gram keys: the last word starts it, each earlier word extends it. */
static inline uint64_t dl_ngram_mix(uint64_t x)
{
	/* splitmix64's finaliser (Steele, Lea & Flood, "Fast splittable pseudorandom number
	 * generators", OOPSLA 2014) */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}
static inline uint64_t dl_ngram_hash_start(uint32_t w)
{
	return dl_ngram_mix((uint64_t)w + 0x9e3779b97f4a7c15ULL);
}
static inline uint64_t dl_ngram_hash_extend(uint64_t h, uint32_t w)
{
	return dl_ngram_mix(h + ((uint64_t)w + 1) * 0x9e3779b97f4a7c15ULL);
}

/* The entry of key h in the table of order n (n >= 2), or NULL. */
const dl_ngram_entry *dl_ngram_find(const dl_ngram_model *m, int n, uint64_t h);

/* Slots of a table of count entries. */
uint64_t dl_ngram_table_slots(uint64_t count);

#endif
