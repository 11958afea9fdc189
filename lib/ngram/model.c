/*
 * model.c — the query model: building it from ARPA, lookups and scoring (see model.h).
 */
#include "ngram/model.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "ngram/arpa.h"
#include "ngram/binary.h"
#include "ngram/corpus.h"
#include "ngram/estimate.h"

uint64_t dl_ngram_table_slots(uint64_t count)
{
	return count + count / 2 + 1;
}

static inline uint64_t slot0(uint64_t h, uint64_t slots)
{
	return (uint64_t)(((unsigned __int128)h * slots) >> 64);
}

static inline uint64_t key_of(uint64_t h)
{
	return h ? h : 1;
}

const dl_ngram_entry *dl_ngram_find(const dl_ngram_model *m, int n, uint64_t h)
{
	const dl_ngram_entry *t = m->tab[n - 1];
	uint64_t slots = m->slots[n - 1], i = slot0(h, slots), k = key_of(h);
	/* bounded, so that a corrupt (full) table cannot loop forever */
	for (uint64_t probes = 0; probes < slots; probes++) {
		if (t[i].key == k)
			return &t[i];
		if (!t[i].key)
			return NULL;
		if (++i == slots)
			i = 0;
	}
	return NULL;
}

/* ------------------------------------------------------------------ building from ARPA */

struct builder {
	dl_ngram_model *m;
	uint64_t seen[DL_NGRAM_MODEL_MAX_ORDER];
	size_t uni_cap;
};

static int b_header(void *ctx, int order, const uint64_t *counts, dl_err *e)
{
	struct builder *b = ctx;
	dl_ngram_model *m = b->m;
	if (order > DL_NGRAM_MODEL_MAX_ORDER)
		return dl_errf(e, "order %d is too high (at most %d)", order,
			       DL_NGRAM_MODEL_MAX_ORDER);
	if (counts[0] > UINT32_MAX - 8)
		return dl_errf(e, "too many words");
	m->order = order;
	for (int n = 0; n < order; n++)
		m->count[n] = counts[n];
	b->uni_cap = (size_t)counts[0] + 1;     /* room for a <unk> to add */
	m->uni = dl_mallocarray(b->uni_cap, 2 * sizeof *m->uni);
	for (int n = 1; n < order; n++) {
		m->slots[n] = dl_ngram_table_slots(counts[n]);
		m->tab[n] = dl_calloc((size_t)m->slots[n], sizeof *m->tab[n]);
	}
	return 0;
}

static int b_ngram(void *ctx, int n, const char *const *w, const size_t *wl, float prob,
		   float bo, dl_err *e)
{
	struct builder *b = ctx;
	dl_ngram_model *m = b->m;
	if (n == 1) {
		size_t before = m->vocab.n;
		uint32_t id = dl_ngram_vocab_add(&m->vocab, w[0], wl[0]);
		if (m->vocab.n == before)
			return dl_errf(e, "the word '%.*s' is listed twice", (int)wl[0], w[0]);
		m->uni[2 * id] = prob;
		m->uni[2 * id + 1] = bo;
		return 0;
	}
	uint32_t ids[DL_NGRAM_MODEL_MAX_ORDER] = { 0 };
	if (n > m->order || n > DL_NGRAM_MODEL_MAX_ORDER)
		return dl_errf(e, "a %d-gram in a model of order %d", n, m->order);
	for (int i = 0; i < n; i++) {
		ids[i] = dl_ngram_vocab_find(&m->vocab, w[i], wl[i]);
		if (ids[i] == DL_NGRAM_NONE)
			return dl_errf(e, "the word '%.*s' is not among the 1-grams", (int)wl[i],
				       w[i]);
	}
	uint64_t h = dl_ngram_hash_start(ids[n - 1]);
	for (int i = n - 2; i >= 0; i--)
		h = dl_ngram_hash_extend(h, ids[i]);
	dl_ngram_entry *t = m->tab[n - 1];
	uint64_t slots = m->slots[n - 1], i = slot0(h, slots), k = key_of(h);
	while (t[i].key) {
		if (t[i].key == k)
			return dl_errf(e, "the %d-gram is listed twice", n);
		if (++i == slots)
			i = 0;
	}
	t[i].key = k;
	t[i].prob = prob;
	t[i].bo = bo;
	return 0;
}

/* Resolves <s>, </s> and <unk> (adding <unk> with log10 prob -100 when absent). */
static int special_words(dl_ngram_model *m, dl_err *e)
{
	m->bos = dl_ngram_vocab_find(&m->vocab, "<s>", 3);
	m->eos = dl_ngram_vocab_find(&m->vocab, "</s>", 4);
	m->unk = dl_ngram_vocab_find(&m->vocab, "<unk>", 5);
	if (m->bos == DL_NGRAM_NONE || m->eos == DL_NGRAM_NONE)
		return dl_errf(e, "the model has no %s among its 1-grams",
			       m->bos == DL_NGRAM_NONE ? "<s>" : "</s>");
	return 0;
}

dl_ngram_model *dl_ngram_model_read_arpa(dl_in *in, dl_err *e)
{
	dl_ngram_model *m = dl_calloc(1, sizeof *m);
	struct builder b = { m, { 0 }, 0 };
	dl_arpa_sink sink = { &b, b_header, b_ngram };

	/* a vocabulary without the reserved words: the ARPA file's order gives the ids */
	memset(&m->vocab, 0, sizeof m->vocab);
	m->vocab.nslots = 1024;
	m->vocab.slots = dl_calloc(m->vocab.nslots, sizeof *m->vocab.slots);
	if (dl_arpa_read(in, &sink, e) < 0)
		goto fail;
	if (special_words(m, e) < 0) {
		dl_err inner = *e;
		dl_errf(e, "%s: %s", dl_in_name(in), inner.msg);
		goto fail;
	}
	if (m->unk == DL_NGRAM_NONE) {
		m->unk = dl_ngram_vocab_add(&m->vocab, "<unk>", 5);
		m->uni[2 * m->unk] = -100;
		m->uni[2 * m->unk + 1] = 0;
		m->count[0]++;
	}
	return m;
fail:
	dl_ngram_model_free(m);
	return NULL;
}

void dl_ngram_model_free(dl_ngram_model *m)
{
	if (!m)
		return;
	if (m->map) {
		dl_ngram_binary_unmap(m);
	} else {
		dl_ngram_vocab_free(&m->vocab);
		free(m->uni);
		for (int n = 0; n < DL_NGRAM_MODEL_MAX_ORDER; n++)
			free(m->tab[n]);
	}
	free(m);
}

dl_ngram_model *dl_ngram_model_load(const char *path, unsigned flags, dl_err *e)
{
	int bin = dl_ngram_binary_detect(path, e);
	if (bin < 0)
		return NULL;
	if (bin)
		return dl_ngram_binary_load(path, flags, e);
	dl_in *in = dl_in_open(path, 0, e);
	if (!in)
		return NULL;
	dl_ngram_model *m = dl_ngram_model_read_arpa(in, e);
	dl_in_close(in);
	return m;
}

/* ------------------------------------------------------------------ scoring */

uint32_t dl_ngram_model_id(const dl_ngram_model *m, const char *w, size_t n)
{
	uint32_t id = dl_ngram_vocab_find(&m->vocab, w, n);
	return id == DL_NGRAM_NONE ? m->unk : id;
}

void dl_ngram_state_empty(dl_ngram_state *s)
{
	s->len = 0;
}

void dl_ngram_state_begin(const dl_ngram_model *m, dl_ngram_state *s)
{
	s->len = m->order > 1 ? 1 : 0;
	s->w[0] = m->bos;
	s->bo[0] = m->uni[2 * m->bos + 1];
}

float dl_ngram_score(const dl_ngram_model *m, const dl_ngram_state *in, uint32_t w,
		     dl_ngram_state *out, int *matched)
{
	dl_ngram_state next;
	float prob = m->uni[2 * w];
	int len = in->len, max = len + 1 < m->order ? len + 1 : m->order, n;
	uint64_t h = dl_ngram_hash_start(w);

	uint64_t hs[DL_NGRAM_MODEL_MAX_ORDER];

	next.w[0] = w;
	next.bo[0] = m->uni[2 * w + 1];
	/* all the lookups' first slots are fetched at once: their cache misses overlap */
	for (n = 2; n <= max; n++) {
		h = dl_ngram_hash_extend(h, in->w[n - 2]);
		hs[n - 1] = h;
		__builtin_prefetch(&m->tab[n - 1][slot0(h, m->slots[n - 1])]);
	}
	for (n = 2; n <= max; n++) {
		const dl_ngram_entry *en = dl_ngram_find(m, n, hs[n - 1]);
		if (!en)
			break;
		prob = en->prob;
		next.w[n - 1] = in->w[n - 2];
		next.bo[n - 1] = en->bo;
	}
	n--;                            /* the length matched */
	for (int k = n; k <= len; k++)
		prob += in->bo[k - 1];
	if (matched)
		*matched = n;
	next.len = n < m->order ? n : m->order - 1;
	memcpy(out->w, next.w, (size_t)next.len * sizeof *out->w);
	memcpy(out->bo, next.bo, (size_t)next.len * sizeof *out->bo);
	out->len = next.len;
	return prob;
}

double dl_ngram_score_line(const dl_ngram_model *m, const char *line, size_t n,
			   dl_ngram_ppl *p)
{
	dl_ngram_state s;
	double total = 0;
	size_t i = 0;

	dl_ngram_state_begin(m, &s);
	for (;;) {
		while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' ||
				 line[i] == '\v' || line[i] == '\f' || !line[i]))
			i++;
		uint32_t id;
		if (i < n) {
			size_t b = i;
			while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
			       line[i] != '\v' && line[i] != '\f' && line[i])
				i++;
			id = dl_ngram_model_id(m, line + b, i - b);
		} else {
			id = m->eos;
		}
		float lp = dl_ngram_score(m, &s, id, &s, NULL);
		total += lp;
		if (p) {
			p->tokens++;
			if (id == m->unk) {
				p->oovs++;
				p->oov_total += lp;
			}
		}
		if (id == m->eos && i >= n)
			break;
	}
	if (p) {
		p->total += total;
		p->sentences++;
	}
	return total;
}

double dl_ngram_ppl_including(const dl_ngram_ppl *p)
{
	return pow(10.0, -p->total / (double)p->tokens);
}

double dl_ngram_ppl_excluding(const dl_ngram_ppl *p)
{
	return pow(10.0, -(p->total - p->oov_total) / (double)(p->tokens - p->oovs));
}

/* ------------------------------------------------------------------ from an estimate */

dl_ngram_model *dl_ngram_model_from_est(const dl_ngram_est *est)
{
	dl_ngram_model *m = dl_calloc(1, sizeof *m);
	const dl_ngram_vocab *v = &est->vocab;
	struct builder b = { m, { 0 }, 0 };
	uint64_t counts[DL_NGRAM_MODEL_MAX_ORDER];
	dl_err e;

	memset(&m->vocab, 0, sizeof m->vocab);
	m->vocab.nslots = 1024;
	m->vocab.slots = dl_calloc(m->vocab.nslots, sizeof *m->vocab.slots);
	for (int n = 0; n < est->order; n++)
		counts[n] = est->lev[n].n;
	b_header(&b, est->order, counts, &e);
	for (size_t id = 0; id < v->n; id++) {
		dl_ngram_vocab_add(&m->vocab, dl_ngram_vocab_word(v, (uint32_t)id), v->len[id]);
		m->uni[2 * id] = est->lev[0].prob[id];
		m->uni[2 * id + 1] = est->lev[0].bo ? est->lev[0].bo[id] : 0;
	}
	for (int n = 2; n <= est->order; n++) {
		const dl_ngram_level *l = &est->lev[n - 1];
		dl_ngram_entry *t = m->tab[n - 1];
		uint64_t slots = m->slots[n - 1];
		for (size_t i = 0; i < l->n; i++) {
			uint64_t h = dl_ngram_hash_start(dl_ngram_key_word(l->keys[i], est->bits,
									   n - 1));
			for (int w = n - 2; w >= 0; w--)
				h = dl_ngram_hash_extend(h, dl_ngram_key_word(l->keys[i], est->bits, w));
			uint64_t s = slot0(h, slots), k = key_of(h);
			while (t[s].key)
				if (++s == slots)
					s = 0;
			t[s].key = k;
			t[s].prob = l->prob[i];
			t[s].bo = l->bo ? l->bo[i] : 0;
		}
	}
	m->unk = DL_NGRAM_UNK;
	m->bos = DL_NGRAM_BOS;
	m->eos = DL_NGRAM_EOS;
	return m;
}
