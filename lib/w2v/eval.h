/*
 * eval.h — using word vectors: nearest neighbours by cosine, analogies, and the two standard
 * evaluations, word analogies (Mikolov et al. 2013, "Efficient Estimation of Word
 * Representations in Vector Space", the questions-words.txt test) and word-pair similarity
 * (Finkelstein et al. 2002, WordSim-353; Hill et al. 2015, SimLex-999).
 *
 * Everything works on a unit-normalised copy of the rows (dl_w2v_unit), so that a dot
 * product is a cosine. An analogy "a is to b as c is to ?" is answered by 3CosAdd (Mikolov,
 * Yih and Zweig 2013, "Linguistic Regularities in Continuous Space Word Representations"):
 * the word whose unit vector is nearest by cosine to unit(b) - unit(a) + unit(c), other than
 * a, b and c.
 *
 * The evaluation protocol is word2vec's compute-accuracy and gensim's
 * evaluate_word_analogies / evaluate_word_pairs: words are compared case-insensitively by
 * upper-casing ASCII letters; where several rows fold to the same word the first (most
 * frequent) one stands for it; with a restriction R only the first R rows (the R most
 * frequent words) count, as candidates and for coverage; a question or pair with a word
 * outside them is skipped and counted. Analogy candidates that fold to one of the three
 * question words are passed over, as gensim does.
 *
 * The file readers never die on bad data: they fill a dl_err and return NULL. Lines they
 * cannot use are skipped and counted (malformed), as the peers skip them; a file with no
 * usable line at all is an error. The readers and evaluators are pure apart from allocation;
 * evaluation uses BLAS (which may run threads of its own). Not thread-safe on one object.
 */
#ifndef DL_W2V_EVAL_H
#define DL_W2V_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "core/io.h"
#include "w2v/vectors.h"

/* ------------------------------------------------------------------ vectors and neighbours */

/* A malloc'd copy of v's rows (n * dim), each divided by its Euclidean norm; a zero row stays
 * zero. */
float *dl_w2v_unit(const dl_vectors *v);

typedef struct dl_w2v_hit {
	size_t row;
	float cosine;
} dl_w2v_hit;

/* The k rows among the first n rows of unit (n x dim) whose cosine with q (any length, not
 * zero) is highest, leaving out the rows listed in exclude[0..nexclude). Written to out
 * (room for k) best first, ties to the lower row; returns how many (< k when fewer rows are
 * left). A zero q gives cosines of 0. */
size_t dl_w2v_nearest(const float *unit, size_t n, size_t dim, const float *q,
		      const size_t *exclude, size_t nexclude, size_t k, dl_w2v_hit *out);

/* The 3CosAdd query of "a is to b as c is to ?": q = unit[b] - unit[a] + unit[c], then
 * scaled to unit length (q has dim components). */
void dl_w2v_analogy_query(const float *unit, size_t dim, size_t a, size_t b, size_t c,
			  float *q);

/* ------------------------------------------------------------------ case-folded lookup */

/* The words of the first R rows of v, upper-cased (ASCII), each mapped to the first row
 * that folds to it. */
typedef struct dl_w2v_fold dl_w2v_fold;

/* R = 0 or R > v->n: all rows. */
dl_w2v_fold *dl_w2v_fold_new(const dl_vectors *v, size_t restrict_rows);
void dl_w2v_fold_free(dl_w2v_fold *f);
/* The rows it covers (R). */
size_t dl_w2v_fold_rows(const dl_w2v_fold *f);
/* The row standing for word (any case), or -1 when it folds to no covered row. */
ptrdiff_t dl_w2v_fold_find(const dl_w2v_fold *f, const char *word, size_t len);
/* For a covered row, the row standing for its folded word (itself or an earlier row). */
size_t dl_w2v_fold_canon(const dl_w2v_fold *f, size_t row);

/* ------------------------------------------------------------------ analogy questions */

/* The format of questions-words.txt: a line ": NAME" starts a section, every other line is
 * a question of four words "A B C D" (D is the expected answer of "A is to B as C is to ?").
 * Blank lines are ignored; CR before LF is dropped. Malformed lines (not four words, a
 * question before the first section, an empty section name, a NUL byte) are skipped and
 * counted. */
typedef struct dl_w2v_question {
	uint32_t section;
	uint32_t off[4], len[4];   /* the words, upper-cased, in words */
} dl_w2v_question;

typedef struct dl_w2v_analogies {
	char **sections;           /* section names, in file order (a repeated name repeats) */
	size_t nsections;
	dl_w2v_question *q;
	size_t n;
	char *words;               /* the questions' words, each NUL-terminated */
	uint64_t malformed;        /* lines skipped */
	uint64_t first_malformed;  /* the line number of the first one (0: none) */
} dl_w2v_analogies;

/* Reads the questions from in. NULL with e filled (naming the input) on an I/O error or
 * when the file holds no question at all. */
dl_w2v_analogies *dl_w2v_analogies_read(dl_in *in, dl_err *e);
void dl_w2v_analogies_free(dl_w2v_analogies *a);

typedef struct dl_w2v_section_score {
	const char *name;          /* points into the dl_w2v_analogies */
	uint64_t correct, seen, questions;
} dl_w2v_section_score;

typedef struct dl_w2v_analogy_score {
	dl_w2v_section_score *sections;    /* one per section (malloc'd) */
	size_t nsections;
	/* semantic: sections whose name does not start with "gram"; syntactic: those that do */
	uint64_t sem_correct, sem_seen, sem_questions, syn_correct, syn_seen, syn_questions;
	uint64_t correct, seen, questions; /* seen: questions with all four words covered */
	size_t rows;                       /* R */
} dl_w2v_analogy_score;

/* Answers every question whose four words fold to the first R rows (restrict_rows; 0 = all)
 * among those rows; unit = dl_w2v_unit(v). Fills s (release with
 * dl_w2v_analogy_score_free). */
void dl_w2v_eval_analogies(const dl_vectors *v, const float *unit,
			   const dl_w2v_analogies *qs, size_t restrict_rows,
			   dl_w2v_analogy_score *s);
void dl_w2v_analogy_score_free(dl_w2v_analogy_score *s);

/* ------------------------------------------------------------------ word-pair similarity */

/* Tab-separated (else comma-, else whitespace-separated) lines "WORD1 WORD2 SCORE ...".
 * Lines starting with '#' are comments; blank lines are ignored. The score is the third
 * column, unless the first line that is not a comment is a header (its score column is not
 * a number): then a column named "SimLex999" is the score when there is one (the original
 * SimLex-999 file), and the header is not counted as malformed. Lines without two words and
 * a finite score are skipped and counted. */
typedef struct dl_w2v_pair {
	uint32_t off[2], len[2];   /* the words, upper-cased, in words */
	double gold;
} dl_w2v_pair;

typedef struct dl_w2v_pairs {
	dl_w2v_pair *p;
	size_t n;
	char *words;
	int score_column;          /* 0-based */
	uint64_t malformed, first_malformed;
} dl_w2v_pairs;

/* NULL with e filled on an I/O error or when no line is a usable pair. */
dl_w2v_pairs *dl_w2v_pairs_read(dl_in *in, dl_err *e);
void dl_w2v_pairs_free(dl_w2v_pairs *p);

typedef struct dl_w2v_pairs_score {
	uint64_t pairs, used, oov;  /* used: both words covered */
	double oov_ratio;           /* oov / pairs */
	double spearman, pearson;   /* of gold scores and cosines over the used pairs; NaN when
				     * undefined (fewer than 2 pairs, or no spread) */
	size_t rows;
} dl_w2v_pairs_score;

void dl_w2v_eval_pairs(const dl_vectors *v, const float *unit, const dl_w2v_pairs *ps,
		       size_t restrict_rows, dl_w2v_pairs_score *s);

/* Pearson's r of x and y (n values), and Spearman's rho: Pearson's r of their ranks, tied
 * values sharing the average of their ranks. NaN when n < 2 or a side has no spread. */
double dl_w2v_pearson(const double *x, const double *y, size_t n);
double dl_w2v_spearman(const double *x, const double *y, size_t n);

#endif
