/*
 * eval.c — nearest neighbours, analogies and the analogy / word-pair evaluations (see
 * eval.h for the protocol).
 *
 * Analogy questions are answered in batches: the queries of a batch form a matrix Q
 * (m x dim) and one sgemm gives their cosines with all R candidate rows (Q U^T, m x R); each
 * row of that is then scanned for the best candidate outside the question's words. Batches
 * are sized so that the score matrix stays near 32 MiB. A single query (dl_w2v_nearest) is
 * one sgemv.
 */
#include "config.h"
#include "w2v/eval.h"
#include "core/alloc.h"
#include "core/hash.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_FLOATS ((size_t)8 << 20)

/* ------------------------------------------------------------------ vectors and neighbours */

float *dl_w2v_unit(const dl_vectors *v)
{
	float *u = dl_mallocarray(v->n ? v->n : 1, (v->dim ? v->dim : 1) * sizeof *u);

	for (size_t i = 0; i < v->n; i++) {
		const float *x = v->v + i * v->dim;
		float *y = u + i * v->dim;
		double s = 0;
		for (size_t k = 0; k < v->dim; k++)
			s += (double)x[k] * x[k];
		float inv = s > 0 ? (float)(1 / sqrt(s)) : 0;
		for (size_t k = 0; k < v->dim; k++)
			y[k] = x[k] * inv;
	}
	return u;
}

/* A is better than B: a higher cosine, or the same and a lower row. */
static int better(const dl_w2v_hit *a, const dl_w2v_hit *b)
{
	return a->cosine > b->cosine || (a->cosine == b->cosine && a->row < b->row);
}

/* A min-heap of the k best so far (the worst on top). */
static void heap_down(dl_w2v_hit *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		if (l < n && better(&h[w], &h[l]))
			w = l;
		if (r < n && better(&h[w], &h[r]))
			w = r;
		if (w == i)
			return;
		dl_w2v_hit t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static void heap_up(dl_w2v_hit *h, size_t i)
{
	while (i) {
		size_t p = (i - 1) / 2;
		if (!better(&h[p], &h[i]))
			return;
		dl_w2v_hit t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

static int hit_cmp(const void *a, const void *b)
{
	return better(a, b) ? -1 : better(b, a) ? 1 : 0;
}

size_t dl_w2v_nearest(const float *unit, size_t n, size_t dim, const float *q,
		      const size_t *exclude, size_t nexclude, size_t k, dl_w2v_hit *out)
{
	float *s;
	double qn = 0;
	size_t have = 0;

	if (!n || !k)
		return 0;
	for (size_t j = 0; j < dim; j++)
		qn += (double)q[j] * q[j];
	qn = qn > 0 ? 1 / sqrt(qn) : 0;
	s = dl_mallocarray(n, sizeof *s);
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)dim, (float)qn, unit, (int)dim, q, 1,
		    0.0f, s, 1);
	for (size_t i = 0; i < n; i++) {
		dl_w2v_hit h = { i, s[i] };
		int skip = 0;
		for (size_t x = 0; x < nexclude; x++)
			skip |= exclude[x] == i;
		if (skip)
			continue;
		if (have < k) {
			out[have] = h;
			heap_up(out, have++);
		} else if (better(&h, &out[0])) {
			out[0] = h;
			heap_down(out, have, 0);
		}
	}
	free(s);
	qsort(out, have, sizeof *out, hit_cmp);
	return have;
}

void dl_w2v_analogy_query(const float *unit, size_t dim, size_t a, size_t b, size_t c,
			  float *q)
{
	double s = 0;
	for (size_t j = 0; j < dim; j++) {
		q[j] = unit[b * dim + j] - unit[a * dim + j] + unit[c * dim + j];
		s += (double)q[j] * q[j];
	}
	if (s > 0)
		for (size_t j = 0; j < dim; j++)
			q[j] = (float)(q[j] / sqrt(s));
}

/* ------------------------------------------------------------------ case-folded lookup */

struct dl_w2v_fold {
	const dl_vectors *v;
	size_t rows, mask;
	size_t *slot;    /* row + 1 of the first row of each folded word; 0 = empty */
	size_t *canon;   /* rows entries */
};

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static uint64_t fold_hash(const char *w, size_t len)
{
	char buf[64];
	uint64_t h = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < len; i += sizeof buf) {
		size_t m = len - i < sizeof buf ? len - i : sizeof buf;
		for (size_t j = 0; j < m; j++)
			buf[j] = (char)upper((unsigned char)w[i + j]);
		h = dl_hash64(buf, m, h);
	}
	return h;
}

static int fold_eq(const char *a, size_t la, const char *b, size_t lb)
{
	if (la != lb)
		return 0;
	for (size_t i = 0; i < la; i++)
		if (upper((unsigned char)a[i]) != upper((unsigned char)b[i]))
			return 0;
	return 1;
}

dl_w2v_fold *dl_w2v_fold_new(const dl_vectors *v, size_t restrict_rows)
{
	dl_w2v_fold *f = dl_calloc(1, sizeof *f);
	size_t cap = 16;

	f->v = v;
	f->rows = restrict_rows && restrict_rows < v->n ? restrict_rows : v->n;
	while (cap < 2 * f->rows + 2)
		cap *= 2;
	f->mask = cap - 1;
	f->slot = dl_calloc(cap, sizeof *f->slot);
	f->canon = dl_mallocarray(f->rows ? f->rows : 1, sizeof *f->canon);
	for (size_t i = 0; i < f->rows; i++) {
		size_t h = (size_t)fold_hash(v->words[i], v->lens[i]) & f->mask;
		for (;; h = (h + 1) & f->mask) {
			size_t r = f->slot[h];
			if (!r) {
				f->slot[h] = i + 1;
				f->canon[i] = i;
				break;
			}
			if (fold_eq(v->words[r - 1], v->lens[r - 1], v->words[i], v->lens[i])) {
				f->canon[i] = r - 1;
				break;
			}
		}
	}
	return f;
}

void dl_w2v_fold_free(dl_w2v_fold *f)
{
	if (!f)
		return;
	free(f->slot);
	free(f->canon);
	free(f);
}

size_t dl_w2v_fold_rows(const dl_w2v_fold *f)
{
	return f->rows;
}

ptrdiff_t dl_w2v_fold_find(const dl_w2v_fold *f, const char *word, size_t len)
{
	for (size_t h = (size_t)fold_hash(word, len) & f->mask;; h = (h + 1) & f->mask) {
		size_t r = f->slot[h];
		if (!r)
			return -1;
		if (fold_eq(f->v->words[r - 1], f->v->lens[r - 1], word, len))
			return (ptrdiff_t)(r - 1);
	}
}

size_t dl_w2v_fold_canon(const dl_w2v_fold *f, size_t row)
{
	return f->canon[row];
}

/* ------------------------------------------------------------------ reading lines */

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* A growing arena of upper-cased words; returns the offset of the copy. */
static uint32_t arena_add(dl_buf *b, const char *w, size_t len)
{
	uint32_t off = (uint32_t)b->len;
	dl_buf_reserve(b, len + 1);
	for (size_t i = 0; i < len; i++)
		b->data[b->len++] = (uint8_t)upper((unsigned char)w[i]);
	b->data[b->len++] = 0;
	return off;
}

/* Splits line[0..len) at runs of blanks into at most max fields; returns the field count
 * (max + 1 when there are more). */
static size_t split_ws(char *line, size_t len, char **f, size_t *fl, size_t max)
{
	size_t n = 0, i = 0;
	for (;;) {
		while (i < len && is_blank((unsigned char)line[i]))
			i++;
		if (i == len)
			return n;
		size_t s = i;
		while (i < len && !is_blank((unsigned char)line[i]))
			i++;
		if (n == max)
			return max + 1;
		f[n] = line + s;
		fl[n++] = i - s;
	}
}

static void note_malformed(uint64_t *count, uint64_t *first, uint64_t line)
{
	if (!(*count)++)
		*first = line;
}

/* ------------------------------------------------------------------ analogy questions */

dl_w2v_analogies *dl_w2v_analogies_read(dl_in *in, dl_err *e)
{
	dl_w2v_analogies *a = dl_calloc(1, sizeof *a);
	size_t cap_q = 0, cap_s = 0;
	dl_buf words = { 0 };
	char *line;
	ptrdiff_t len;

	while ((len = dl_in_getline(in, &line, e)) > 0 || (len == 0 && line)) {
		uint64_t lineno = dl_in_lineno(in);
		size_t l = (size_t)len, s = 0;
		char *f[4];
		size_t fl[4];

		while (l && is_blank((unsigned char)line[l - 1]))
			l--;
		while (s < l && is_blank((unsigned char)line[s]))
			s++;
		if (s == l)
			continue;
		if (memchr(line, 0, l)) {
			note_malformed(&a->malformed, &a->first_malformed, lineno);
			continue;
		}
		if (line[s] == ':') {
			s++;
			while (s < l && is_blank((unsigned char)line[s]))
				s++;
			if (s == l) {
				note_malformed(&a->malformed, &a->first_malformed, lineno);
				continue;
			}
			DL_GROW(a->sections, cap_s, a->nsections + 1);
			a->sections[a->nsections++] = dl_strndup(line + s, l - s);
			continue;
		}
		if (split_ws(line + s, l - s, f, fl, 4) != 4 || !a->nsections) {
			note_malformed(&a->malformed, &a->first_malformed, lineno);
			continue;
		}
		if (words.len + l + 4 > UINT32_MAX)
			break;  /* 4 GiB of words: far beyond any test set; stop reading */
		DL_GROW(a->q, cap_q, a->n + 1);
		dl_w2v_question *q = &a->q[a->n++];
		q->section = (uint32_t)(a->nsections - 1);
		for (int k = 0; k < 4; k++) {
			q->off[k] = arena_add(&words, f[k], fl[k]);
			q->len[k] = (uint32_t)fl[k];
		}
	}
	a->words = (char *)words.data;
	if (len < 0) {
		dl_w2v_analogies_free(a);
		return NULL;
	}
	if (!a->n) {
		dl_errf(e, "%s: no analogy questions (\": SECTION\" lines, then lines of four words)%s",
			dl_in_name(in), a->malformed ? "; every line is malformed" : "");
		dl_w2v_analogies_free(a);
		return NULL;
	}
	return a;
}

void dl_w2v_analogies_free(dl_w2v_analogies *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nsections; i++)
		free(a->sections[i]);
	free(a->sections);
	free(a->q);
	free(a->words);
	free(a);
}

/* The best candidate row of scores s[0..R) not folding to any of ex[0..3). */
static size_t best_row(const float *s, const dl_w2v_fold *f, const size_t ex[3])
{
	size_t best = SIZE_MAX, R = f->rows;
	float bs = -INFINITY;
	for (size_t r = 0; r < R; r++) {
		if (!(s[r] > bs))
			continue;
		size_t c = f->canon[r];
		if (c == ex[0] || c == ex[1] || c == ex[2])
			continue;
		bs = s[r];
		best = r;
	}
	return best;
}

void dl_w2v_eval_analogies(const dl_vectors *v, const float *unit,
			   const dl_w2v_analogies *qs, size_t restrict_rows,
			   dl_w2v_analogy_score *s)
{
	dl_w2v_fold *f = dl_w2v_fold_new(v, restrict_rows);
	size_t dim = v->dim, R = f->rows;
	size_t batch = R ? BATCH_FLOATS / R : 1;
	size_t (*rows)[4];
	float *Q, *S;
	size_t m = 0;

	memset(s, 0, sizeof *s);
	s->rows = R;
	s->nsections = qs->nsections;
	s->sections = dl_calloc(qs->nsections ? qs->nsections : 1, sizeof *s->sections);
	for (size_t i = 0; i < qs->nsections; i++)
		s->sections[i].name = qs->sections[i];
	if (batch < 1)
		batch = 1;
	if (batch > 1024)
		batch = 1024;
	rows = dl_mallocarray(batch, sizeof *rows);
	Q = dl_mallocarray(batch, dim * sizeof *Q);
	S = dl_mallocarray(batch, (R ? R : 1) * sizeof *S);
	uint32_t *sec = dl_mallocarray(batch, sizeof *sec);

	for (size_t i = 0; i <= qs->n; i++) {
		if (i < qs->n) {
			const dl_w2v_question *q = &qs->q[i];
			size_t r[4];
			int ok = 1;
			s->sections[q->section].questions++;
			s->questions++;
			for (int k = 0; k < 4 && ok; k++) {
				ptrdiff_t x = dl_w2v_fold_find(f, qs->words + q->off[k], q->len[k]);
				ok = x >= 0;
				r[k] = (size_t)x;
			}
			if (!ok)
				continue;
			memcpy(rows[m], r, sizeof r);
			sec[m] = q->section;
			/* b - a + c; its length does not change the ranking */
			for (size_t j = 0; j < dim; j++)
				Q[m * dim + j] = unit[r[1] * dim + j] - unit[r[0] * dim + j] +
						 unit[r[2] * dim + j];
			m++;
			if (m < batch)
				continue;
		}
		if (!m)
			continue;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)R, (int)dim, 1.0f,
			    Q, (int)dim, unit, (int)dim, 0.0f, S, (int)R);
		for (size_t j = 0; j < m; j++) {
			size_t best = best_row(S + j * R, f, rows[j]);
			int right = best != SIZE_MAX && f->canon[best] == rows[j][3];
			dl_w2v_section_score *sc = &s->sections[sec[j]];
			int gram = !strncmp(sc->name, "gram", 4);
			sc->seen++;
			sc->correct += (uint64_t)right;
			s->seen++;
			s->correct += (uint64_t)right;
			if (gram) {
				s->syn_seen++;
				s->syn_correct += (uint64_t)right;
			} else {
				s->sem_seen++;
				s->sem_correct += (uint64_t)right;
			}
		}
		m = 0;
	}
	for (size_t i = 0; i < s->nsections; i++) {
		if (!strncmp(s->sections[i].name, "gram", 4))
			s->syn_questions += s->sections[i].questions;
		else
			s->sem_questions += s->sections[i].questions;
	}
	free(sec);
	free(rows);
	free(Q);
	free(S);
	dl_w2v_fold_free(f);
}

void dl_w2v_analogy_score_free(dl_w2v_analogy_score *s)
{
	free(s->sections);
	s->sections = NULL;
}

/* ------------------------------------------------------------------ word pairs */

/* Splits at the delimiter (tab, else comma, else blank runs); fields trimmed of blanks.
 * Returns the field count, at most max. */
static size_t split_pair_line(char *line, size_t len, char **f, size_t *fl, size_t max)
{
	int d = memchr(line, '\t', len) ? '\t' : memchr(line, ',', len) ? ',' : 0;
	size_t n = 0, i = 0;

	if (!d) {
		n = split_ws(line, len, f, fl, max);
		return n > max ? max : n;
	}
	while (n < max) {
		size_t s = i;
		while (i < len && line[i] != d)
			i++;
		size_t a = s, b = i;
		while (a < b && is_blank((unsigned char)line[a]))
			a++;
		while (b > a && is_blank((unsigned char)line[b - 1]))
			b--;
		f[n] = line + a;
		fl[n++] = b - a;
		if (i == len)
			break;
		i++;
	}
	return n;
}

/* A finite number filling p[0..n). */
static int parse_score(const char *p, size_t n, double *out)
{
	char buf[64], *end;
	if (!n || n >= sizeof buf)
		return -1;
	memcpy(buf, p, n);
	buf[n] = 0;
	*out = strtod(buf, &end);
	if (end != buf + n || !isfinite(*out) || is_blank((unsigned char)buf[0]))
		return -1;
	return 0;
}

static int has_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_blank((unsigned char)p[i]))
			return 1;
	return 0;
}

#define MAX_FIELDS 16

dl_w2v_pairs *dl_w2v_pairs_read(dl_in *in, dl_err *e)
{
	dl_w2v_pairs *ps = dl_calloc(1, sizeof *ps);
	size_t cap = 0;
	int seen_data = 0;
	dl_buf words = { 0 };
	char *line;
	ptrdiff_t len;

	ps->score_column = 2;
	while ((len = dl_in_getline(in, &line, e)) > 0 || (len == 0 && line)) {
		uint64_t lineno = dl_in_lineno(in);
		size_t l = (size_t)len, s = 0, nf;
		char *f[MAX_FIELDS];
		size_t fl[MAX_FIELDS];
		double gold;

		while (l && (is_blank((unsigned char)line[l - 1])))
			l--;
		while (s < l && is_blank((unsigned char)line[s]))
			s++;
		if (s == l || line[s] == '#')
			continue;
		if (memchr(line, 0, l)) {
			note_malformed(&ps->malformed, &ps->first_malformed, lineno);
			continue;
		}
		nf = split_pair_line(line + s, l - s, f, fl, MAX_FIELDS);
		if (!seen_data++ && (nf <= (size_t)ps->score_column ||
				     parse_score(f[ps->score_column], fl[ps->score_column], &gold))) {
			/* a header: take the SimLex999 column when there is one */
			for (size_t k = 2; k < nf; k++)
				if (fl[k] == 9 && !strncasecmp(f[k], "SimLex999", 9))
					ps->score_column = (int)k;
			continue;
		}
		if (nf <= (size_t)ps->score_column || !fl[0] || !fl[1] || has_blank(f[0], fl[0]) ||
		    has_blank(f[1], fl[1]) ||
		    parse_score(f[ps->score_column], fl[ps->score_column], &gold) ||
		    words.len + l + 2 > UINT32_MAX) {
			note_malformed(&ps->malformed, &ps->first_malformed, lineno);
			continue;
		}
		DL_GROW(ps->p, cap, ps->n + 1);
		dl_w2v_pair *p = &ps->p[ps->n++];
		for (int k = 0; k < 2; k++) {
			p->off[k] = arena_add(&words, f[k], fl[k]);
			p->len[k] = (uint32_t)fl[k];
		}
		p->gold = gold;
	}
	ps->words = (char *)words.data;
	if (len < 0) {
		dl_w2v_pairs_free(ps);
		return NULL;
	}
	if (!ps->n) {
		dl_errf(e, "%s: no word pairs (lines \"WORD1<TAB>WORD2<TAB>SCORE\")%s",
			dl_in_name(in), ps->malformed ? "; every line is malformed" : "");
		dl_w2v_pairs_free(ps);
		return NULL;
	}
	return ps;
}

void dl_w2v_pairs_free(dl_w2v_pairs *p)
{
	if (!p)
		return;
	free(p->p);
	free(p->words);
	free(p);
}

void dl_w2v_eval_pairs(const dl_vectors *v, const float *unit, const dl_w2v_pairs *ps,
		       size_t restrict_rows, dl_w2v_pairs_score *s)
{
	dl_w2v_fold *f = dl_w2v_fold_new(v, restrict_rows);
	double *gold = dl_mallocarray(ps->n, sizeof *gold), *cos = dl_mallocarray(ps->n, sizeof *cos);

	memset(s, 0, sizeof *s);
	s->rows = f->rows;
	s->pairs = ps->n;
	for (size_t i = 0; i < ps->n; i++) {
		const dl_w2v_pair *p = &ps->p[i];
		ptrdiff_t a = dl_w2v_fold_find(f, ps->words + p->off[0], p->len[0]);
		ptrdiff_t b = dl_w2v_fold_find(f, ps->words + p->off[1], p->len[1]);
		if (a < 0 || b < 0) {
			s->oov++;
			continue;
		}
		double d = 0;
		for (size_t j = 0; j < v->dim; j++)
			d += (double)unit[(size_t)a * v->dim + j] * unit[(size_t)b * v->dim + j];
		gold[s->used] = p->gold;
		cos[s->used++] = d;
	}
	s->oov_ratio = s->pairs ? (double)s->oov / (double)s->pairs : 0;
	s->pearson = dl_w2v_pearson(gold, cos, s->used);
	s->spearman = dl_w2v_spearman(gold, cos, s->used);
	free(gold);
	free(cos);
	dl_w2v_fold_free(f);
}

/* ------------------------------------------------------------------ correlation */

double dl_w2v_pearson(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

	if (n < 2)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (!(sxx > 0) || !(syy > 0))
		return NAN;
	return sxy / sqrt(sxx * syy);
}

struct ranked {
	double v;
	size_t i;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Ranks 1..n, ties sharing the mean of the ranks they span. */
static void ranks(const double *x, size_t n, double *r)
{
	struct ranked *t = dl_mallocarray(n, sizeof *t);
	for (size_t i = 0; i < n; i++)
		t[i] = (struct ranked){ x[i], i };
	qsort(t, n, sizeof *t, ranked_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && t[j + 1].v == t[i].v)
			j++;
		double mean = (double)(i + j) / 2 + 1;
		for (size_t k = i; k <= j; k++)
			r[t[k].i] = mean;
		i = j + 1;
	}
	free(t);
}

double dl_w2v_spearman(const double *x, const double *y, size_t n)
{
	if (n < 2)
		return NAN;
	double *rx = dl_mallocarray(n, sizeof *rx), *ry = dl_mallocarray(n, sizeof *ry);
	ranks(x, n, rx);
	ranks(y, n, ry);
	double r = dl_w2v_pearson(rx, ry, n);
	free(rx);
	free(ry);
	return r;
}
