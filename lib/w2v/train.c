/*
 * train.c — word2vec training (see train.h).
 *
 * The model of Mikolov et al. (2013): input vectors syn0 (the word vectors returned) and
 * output vectors syn1 (negative sampling: one per word; hierarchical softmax: one per inner
 * node of a Huffman tree over the vocabulary), trained by SGD with a learning rate decaying
 * linearly from alpha to min_alpha over all epochs, on lock-free shared matrices (Recht et
 * al. 2011, "Hogwild!"), as word2vec.c does. The details follow word2vec.c where users can
 * observe them: frequent words are discarded with probability 1 - (sqrt(c / (s N)) + 1)
 * s N / c (c the word's count, N the corpus' words, s --sample); the window reach of each
 * centre word is drawn uniformly from 1..window; negatives come from the unigram
 * distribution raised to 0.75 and are never the target itself; the sigmoid is read from a
 * table over [-6, 6], beyond which negative sampling saturates and hierarchical softmax skips
 * the node; CBOW feeds the mean of the context vectors and adds the full input gradient to
 * each of them; syn0 starts uniform in [-0.5 / dim, 0.5 / dim), syn1 at zero.
 *
 * The step itself, with the sampling table and the Huffman code, is in kernels.c: skip-gram
 * updates a window's context rows together against the centre word and negatives shared by
 * the window (Ji et al. 2016). Rows are padded to a multiple of 16 floats and aligned to 64
 * bytes, so no two rows share a cache line. word2vec.c's way instead, fresh negatives for
 * every (centre, context) pair and the output rows updated pair by pair, was measured on the
 * benchmark corpus (bench/w2v, five seeds, two threads) and scored no better on the analogies
 * (24.80% against 25.09%) at about 2.5 times the training time; applying the pairs one by one
 * with the window's shared negatives, or skipping the dots beyond [-6, 6] as gensim does,
 * made no difference beyond the spread between seeds either.
 *
 * Determinism: the corpus is cut into jobs of about JOB_WORDS words at sentence boundaries,
 * whatever the thread count; each epoch takes the jobs in a random order of its own, and job
 * j of epoch e draws from its own random stream of the seed. One thread runs the jobs in
 * that order, so a run is a function of its input and options. With
 * several threads the jobs interleave and the result depends on timing, as in every
 * Hogwild trainer.
 */
#include "config.h"
#include "w2v/train.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/threads.h"
#include "w2v/corpus.h"
#include "w2v/kernels.h"

#define JOB_WORDS 10000
#define PUBLISH 1024
#define LANES DL_W2V_LANES

void dl_w2v_opts_default(dl_w2v_opts *o)
{
	*o = (dl_w2v_opts){ .model = DL_W2V_SKIPGRAM, .loss = DL_W2V_NS, .dim = 100, .window = 5,
			    .negative = 5, .sample = 1e-3, .min_count = 5, .epochs = 5,
			    .alpha = -1, .min_alpha = 1e-4, .threads = 1, .seed = 1,
			    .input = DL_W2V_IN_AUTO, .feature = "ids" };
}

/* ---- the model */

struct job {
	size_t first, last;  /* sentences [first, last) */
};

struct model {
	const dl_w2v_opts *o;
	const dl_w2v_corpus *c;
	size_t v, dim, stride;
	float *syn0, *syn1;
	float sig[DL_W2V_SIG_SIZE + 1];
	uint32_t *keep;          /* subsampling: keep word w when a 32-bit draw < keep[w] */
	dl_w2v_alias neg;        /* negatives */
	dl_w2v_huffman hs;
	struct job *jobs;
	size_t njobs;
	size_t *order;           /* this epoch's order of the jobs */
	double alpha0, alpha1;
	uint64_t total;          /* words to process over all epochs */
	_Atomic uint64_t done;
	int epoch;
	/* progress, drawn by thread 0 */
	dl_progress prog;
	double t0, last_log;
	/* per-thread scratch */
	struct scratch *scr;
};

struct scratch {
	uint32_t *sen;     /* the sentence after subsampling */
	float **x;         /* the input rows of one update */
	size_t maxo;       /* room for outputs: out and label hold two sets of maxo */
	uint32_t *out;     /* output rows */
	float *label;
	float *g;          /* in x out gradients */
	float *din;        /* in x stride input gradients; for CBOW also the mean */
};

/* A fast generator for the inner loops (wyrand: Wang Yi's 64-bit mixer over a Weyl
 * sequence), seeded per job from the job's dl_rng stream. */
static inline uint64_t wyrand(uint64_t *s)
{
	*s += 0xa0761d6478bd642full;
	__uint128_t t = (__uint128_t)*s * (*s ^ 0xe7037ed1a0b428dbull);
	return (uint64_t)(t >> 64) ^ (uint64_t)t;
}

static void build_tables(struct model *m)
{
	dl_w2v_sigmoid_table(m->sig);
	m->keep = dl_mallocarray(m->v, sizeof *m->keep);
	double thr = m->o->sample * (double)m->c->nids;
	for (size_t w = 0; w < m->v; w++) {
		double f = (double)m->c->count[w], p = 1;
		if (m->o->sample > 0 && f > 0)
			p = (sqrt(f / thr) + 1) * thr / f;
		m->keep[w] = p >= 1 ? UINT32_MAX : (uint32_t)(p * 4294967296.0);
	}
	if (m->o->loss == DL_W2V_NS)
		dl_w2v_alias_build(&m->neg, m->c->count, m->v, 0.75);
	else
		dl_w2v_huffman_build(&m->hs, m->c->count, m->v);
}

static void init_weights(struct model *m)
{
	size_t rows1 = m->o->loss == DL_W2V_NS ? m->v : (m->v > 1 ? m->v - 1 : 1);
	m->syn0 = dl_aligned_alloc(m->v * m->stride, sizeof(float), 64);
	m->syn1 = dl_aligned_alloc(rows1 * m->stride, sizeof(float), 64);
	memset(m->syn1, 0, rows1 * m->stride * sizeof(float));
	dl_rng r;
	dl_rng_init(&r, m->o->seed, 0);
	for (size_t w = 0; w < m->v; w++) {
		float *row = m->syn0 + w * m->stride;
		for (size_t k = 0; k < m->dim; k++)
			row[k] = (dl_rng_float(&r) - 0.5f) / (float)m->dim;
		for (size_t k = m->dim; k < m->stride; k++)
			row[k] = 0;
	}
}

/* ---- the kernels */

/* The outputs of one centre word: rows of syn1 and the targets of their sigmoids. */
struct outputs {
	const uint32_t *row;
	const float *label;
	int n;
};

/* The outputs of centre word w: its Huffman path, read in place, or itself and fresh
 * negatives, written to out/label. */
static struct outputs outputs(const struct model *m, uint32_t *out, float *label, uint32_t w,
			      uint64_t *rs)
{
	if (m->o->loss == DL_W2V_HS) {
		const dl_w2v_huffman *h = &m->hs;
		return (struct outputs){ h->nodes + h->off[w], h->labels + h->off[w],
					 (int)(h->off[w + 1] - h->off[w]) };
	}
	int n = 0;
	out[n] = w;
	label[n++] = 1;
	for (int k = 0; k < m->o->negative; k++) {
		uint32_t t = dl_w2v_alias_draw(&m->neg, wyrand(rs));
		if (t == w)
			continue;
		out[n] = t;
		label[n++] = 0;
	}
	return (struct outputs){ out, label, n };
}

static inline void prefetch_row(const float *row, size_t stride)
{
	for (size_t k = 0; k < stride; k += 64 / sizeof(float))
		__builtin_prefetch(row + k, 1, 3);
}

/* Trains on one sentence. The outputs of the next centre word are drawn one step ahead and
 * their rows prefetched, with the row of the farthest word the next window can reach: rows
 * are random, and the step is otherwise waiting for memory. */
static void train_sentence(struct model *m, struct scratch *s, const uint32_t *sen, size_t n,
			   float alpha, uint64_t *rs)
{
	int hs = m->o->loss == DL_W2V_HS, window = m->o->window;
	size_t stride = m->stride, maxo = s->maxo;
	float **x = s->x;
	if (!n)
		return;
	struct outputs next = outputs(m, s->out, s->label, sen[0], rs), cur;
	for (size_t i = 0; i < n; i++) {
		cur = next;
		if (i + 1 < n) {
			size_t nx = (i + 1) & 1;
			next = outputs(m, s->out + nx * maxo, s->label + nx * maxo, sen[i + 1], rs);
			for (int o = 0; o < next.n; o++)
				prefetch_row(m->syn1 + (size_t)next.row[o] * stride, stride);
			if (i + 1 + (size_t)window < n)
				prefetch_row(m->syn0 + (size_t)sen[i + 1 + (size_t)window] * stride,
					     stride);
		}
		int reach = window - (int)(wyrand(rs) % (uint64_t)window);
		size_t lo = i >= (size_t)reach ? i - (size_t)reach : 0;
		size_t hi = i + (size_t)reach < n ? i + (size_t)reach : n - 1;
		int ni = 0;
		for (size_t j = lo; j <= hi; j++)
			if (j != i)
				x[ni++] = m->syn0 + (size_t)sen[j] * stride;
		if (!ni)
			continue;
		if (m->o->model == DL_W2V_SKIPGRAM) {
			dl_w2v_update(x, ni, m->syn1, cur.row, cur.label, cur.n, stride, m->sig, hs,
				      alpha, s->g, s->din);
			for (int a = 0; a < ni; a++)
				dl_w2v_add_row(x[a], s->din + (size_t)a * stride, stride);
		} else {
			float *mean = s->din + stride;
			dl_w2v_mean_rows(mean, x, ni, stride);
			dl_w2v_update(&mean, 1, m->syn1, cur.row, cur.label, cur.n, stride, m->sig,
				      hs, alpha, s->g, s->din);
			for (int a = 0; a < ni; a++)
				dl_w2v_add_row(x[a], s->din, stride);
		}
	}
}

/* ---- jobs, threads, progress */

static void report(struct model *m, int force)
{
	double now = dl_now();
	uint64_t done = atomic_load_explicit(&m->done, memory_order_relaxed);
	double frac = m->total ? (double)done / (double)m->total : 1;
	double alpha = m->alpha0 - (m->alpha0 - m->alpha1) * frac;
	double el = now - m->t0, rate = el > 0 ? (double)done / el : 0;
	char metric[96];
	snprintf(metric, sizeof metric, "epoch %d, alpha %.6f, %.0f words/s/thread", m->epoch + 1,
		 alpha, rate / m->o->threads);
	dl_progress_update(&m->prog, done, metric);
	if (m->o->log && (force || now - m->last_log >= 1.0)) {
		m->last_log = now;
		fprintf(m->o->log, "{\"epoch\":%d,\"words\":%llu,\"progress\":%.6f,\"alpha\":%.8f,"
			"\"seconds\":%.3f,\"words_per_s\":%.0f,\"words_per_s_thread\":%.0f}\n",
			m->epoch + 1, (unsigned long long)done, frac, alpha, el, rate,
			rate / m->o->threads);
		fflush(m->o->log);
	}
}

static void run_jobs(void *ctx, size_t begin, size_t end, int tid)
{
	struct model *m = ctx;
	struct scratch *s = &m->scr[tid];
	const dl_w2v_corpus *c = m->c;
	/* words done are published every PUBLISH words, not per sentence, to keep the shared
	 * counter's cache line quiet */
	uint64_t pending = 0, done = atomic_load_explicit(&m->done, memory_order_relaxed);
	for (size_t k = begin; k < end; k++) {
		size_t j = m->order[k];
		dl_rng r;
		dl_rng_init(&r, m->o->seed, ((uint64_t)(m->epoch + 1) << 40) + j);
		uint64_t rs = dl_rng_u64(&r);
		for (size_t si = m->jobs[j].first; si < m->jobs[j].last; si++) {
			size_t a = si ? c->sent_end[si - 1] : 0, b = c->sent_end[si], n = 0;
			for (size_t i = a; i < b; i++) {
				uint32_t w = c->ids[i];
				if ((uint32_t)wyrand(&rs) < m->keep[w])
					s->sen[n++] = w;
			}
			double frac = (double)(done + pending) / (double)m->total;
			double alpha = m->alpha0 - (m->alpha0 - m->alpha1) * (frac < 1 ? frac : 1);
			train_sentence(m, s, s->sen, n, (float)alpha, &rs);
			pending += b - a;
			if (pending >= PUBLISH) {
				done = atomic_fetch_add_explicit(&m->done, pending,
								 memory_order_relaxed) + pending;
				pending = 0;
				if (tid == 0)
					report(m, 0);
			}
		}
	}
	atomic_fetch_add_explicit(&m->done, pending, memory_order_relaxed);
}

static void make_jobs(struct model *m)
{
	const dl_w2v_corpus *c = m->c;
	size_t cap = 0, first = 0, start = 0;
	for (size_t s = 0; s < c->nsent; s++) {
		if (c->sent_end[s] - start >= JOB_WORDS || s + 1 == c->nsent) {
			dl_grow((void **)&m->jobs, &cap, m->njobs + 1, sizeof *m->jobs);
			m->jobs[m->njobs++] = (struct job){ first, s + 1 };
			first = s + 1;
			start = c->sent_end[s];
		}
	}
}

static void scratch_init(struct model *m, struct scratch *s)
{
	int w = m->o->window;
	size_t maxo = (size_t)m->o->negative + 1;
	if (m->o->loss == DL_W2V_HS)
		maxo = m->hs.depth ? m->hs.depth : 1;
	size_t maxi = 2 * (size_t)w + 1;
	s->sen = dl_mallocarray(DL_W2V_MAX_SENTENCE, sizeof *s->sen);
	s->x = dl_mallocarray(maxi, sizeof *s->x);
	s->maxo = maxo;
	s->out = dl_mallocarray(2 * maxo, sizeof *s->out);
	s->label = dl_mallocarray(2 * maxo, sizeof *s->label);
	s->g = dl_mallocarray(maxi * maxo, sizeof *s->g);
	s->din = dl_aligned_alloc((maxi + 1) * m->stride, sizeof(float), 64);
}

static void scratch_free(struct scratch *s)
{
	dl_free(s->sen);
	dl_free(s->x);
	dl_free(s->out);
	dl_free(s->label);
	dl_free(s->g);
	free(s->din);
}

/* What word2vec.c and gensim log before training: the vocabulary, how much subsampling
 * keeps, the memory of the vectors. */
static void describe(const struct model *m, uint64_t raw, size_t distinct)
{
	const dl_w2v_corpus *c = m->c;
	double kept = 0;
	for (size_t w = 0; w < m->v; w++)
		kept += (double)c->count[w] * ((double)m->keep[w] / 4294967296.0);
	size_t rows1 = m->o->loss == DL_W2V_NS ? m->v : m->v - 1;
	double mb = (double)(m->v + rows1) * (double)m->stride * 4 / 1e6 +
		    (double)c->nids * 4 / 1e6;
	fprintf(stderr, "%s: %llu words read, %zu distinct%s; vocabulary: %zu words of at least "
		"%llu occurrences, %zu corpus words (%.2f%%) in %zu sentences; subsampling keeps "
		"about %.1f%% of them; %zu jobs of about %d words; vectors and corpus: %.1f MB\n",
		dl_progname(), (unsigned long long)raw, distinct,
		m->o->read_vocab ? " in the vocabulary file" : "", m->v,
		(unsigned long long)m->o->min_count, c->nids,
		raw ? 100.0 * (double)c->nids / (double)raw : 0.0, c->nsent,
		c->nids ? 100.0 * kept / (double)c->nids : 0.0, m->njobs, JOB_WORDS, mb);
}

static void check_opts(const dl_w2v_opts *o)
{
	if (o->dim < 1 || o->window < 1 || o->epochs < 1 || o->threads < 1 || o->negative < 0 ||
	    (o->loss == DL_W2V_NS && o->negative < 1) || !(o->sample >= 0) ||
	    !(o->min_alpha >= 0))
		dl_die("bad training options (dim, window, epochs, threads and negative must be "
		       "positive)");
}

dl_vectors *dl_w2v_train(const dl_w2v_opts *o, char *const *paths, int npaths)
{
	check_opts(o);
	dl_w2v_corpus c;
	dl_w2v_corpus_init(&c);
	dl_err e;
	if (o->read_vocab && dl_w2v_vocab_read(&c, o->read_vocab, &e) < 0)
		dl_die("%s", e.msg);
	for (int i = 0; i < (npaths ? npaths : 1); i++)
		if (dl_w2v_corpus_read(&c, npaths ? paths[i] : "-", o->input, o->feature, &e) < 0)
			dl_die("%s", e.msg);
	uint64_t raw = c.raw_words;
	size_t distinct = c.nwords;
	size_t v = dl_w2v_corpus_finish(&c, o->min_count, o->max_vocab);
	if (!raw)
		dl_die("%s: the corpus has no words", npaths == 1 ? paths[0] : "input");
	if (!v)
		dl_die("no word occurs at least %llu times (--min-count) among the %llu words read",
		       (unsigned long long)o->min_count, (unsigned long long)raw);
	if (o->save_vocab)
		dl_w2v_vocab_write(&c, o->save_vocab);

	struct model *m = dl_calloc(1, sizeof *m);
	m->o = o;
	m->c = &c;
	m->v = v;
	m->dim = (size_t)o->dim;
	m->stride = (m->dim + LANES - 1) / LANES * LANES;
	m->alpha0 = o->alpha >= 0 ? o->alpha : (o->model == DL_W2V_CBOW ? 0.05 : 0.025);
	m->alpha1 = o->min_alpha < m->alpha0 ? o->min_alpha : m->alpha0;
	m->total = (uint64_t)c.nids * (uint64_t)o->epochs;
	build_tables(m);
	init_weights(m);
	make_jobs(m);
	if (o->verbose)
		describe(m, raw, distinct);
	dl_pool *pool = dl_pool_new(o->threads);
	m->scr = dl_calloc((size_t)o->threads, sizeof *m->scr);
	for (int t = 0; t < o->threads; t++)
		scratch_init(m, &m->scr[t]);

	dl_progress_start(&m->prog, "words", m->total, !o->progress);
	m->t0 = m->last_log = dl_now();
	m->order = dl_mallocarray(m->njobs ? m->njobs : 1, sizeof *m->order);
	for (m->epoch = 0; m->epoch < o->epochs && m->total; m->epoch++) {
		/* a fresh order of the jobs per epoch: a corpus made of different sources (a
		 * bible, then a dictionary, ...) would otherwise end every epoch, at the
		 * smallest learning rates, on the same one */
		for (size_t k = 0; k < m->njobs; k++)
			m->order[k] = k;
		dl_rng r;
		dl_rng_init(&r, o->seed, ((uint64_t)5 << 40) + (uint64_t)m->epoch);
		dl_rng_shuffle(&r, m->order, m->njobs, sizeof *m->order);
		dl_pool_for(pool, m->njobs, 1, run_jobs, m);
		report(m, 1);
	}
	dl_progress_finish(&m->prog);

	dl_vectors *out = dl_vectors_new(v, m->dim);
	out->counts = dl_mallocarray(v, sizeof *out->counts);
	for (size_t w = 0; w < v; w++) {
		dl_vectors_set_word(out, w, dl_w2v_word(&c, w), c.len[w]);
		memcpy(out->v + w * m->dim, m->syn0 + w * m->stride, m->dim * sizeof(float));
		out->counts[w] = c.count[w];
	}

	for (int t = 0; t < o->threads; t++)
		scratch_free(&m->scr[t]);
	dl_free(m->scr);
	dl_pool_free(pool);
	free(m->syn0);
	free(m->syn1);
	dl_free(m->keep);
	dl_w2v_alias_free(&m->neg);
	dl_w2v_huffman_free(&m->hs);
	dl_free(m->jobs);
	dl_free(m->order);
	dl_free(m);
	dl_w2v_corpus_free(&c);
	return out;
}
