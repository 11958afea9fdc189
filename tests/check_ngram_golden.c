/*
 * check_ngram_golden.c — dl-ngram against KenLM. tests/golden/ngram holds lmplz's ARPA
 * models of two corpora (a hand-written toy and KJV Genesis 1-5) for orders 2..5 and
 * query's perplexities on held-out text, made by tests/golden/ngram/make-golden.sh. For
 * each model: every probability and backoff of ours (as estimated, and as read back from
 * the ARPA file we write) equals lmplz's to 1e-4 in log10, with the same n-grams; KenLM's
 * ARPA file loads, and the perplexities of both models equal query's to 4 significant
 * digits with the same OOV and token counts; per-sentence totals equal query's.
 * The same for pruned models (lmplz --prune, listed in PRUNE-MANIFEST): the same n-gram
 * sets, probabilities and backoffs, perplexities.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/io.h"
#include "core/threads.h"
#include "ngram/arpa.h"
#include "ngram/corpus.h"
#include "ngram/estimate.h"
#include "ngram/model.h"
#include "testutil.h"

struct cmp {
	const dl_ngram_model *ref;
	uint64_t seen[DL_NGRAM_MODEL_MAX_ORDER];
	double worst;
};

static int cmp_header(void *ctx, int order, const uint64_t *counts, dl_err *e)
{
	struct cmp *c = ctx;
	(void)e;
	ck_assert_int_eq(order, c->ref->order);
	for (int n = 0; n < order; n++)
		ck_assert_int_eq(counts[n], c->ref->count[n]);
	return 0;
}

static int cmp_ngram(void *ctx, int n, const char *const *w, const size_t *wl, float prob,
		     float bo, dl_err *e)
{
	struct cmp *c = ctx;
	const dl_ngram_model *m = c->ref;
	uint32_t ids[DL_NGRAM_MODEL_MAX_ORDER] = { 0 };
	float p2, b2;
	(void)e;
	for (int i = 0; i < n; i++) {
		ids[i] = dl_ngram_vocab_find(&m->vocab, w[i], wl[i]);
		FAST_ASSERT(ids[i] != DL_NGRAM_NONE);
	}
	if (n == 1) {
		p2 = m->uni[2 * ids[0]];
		b2 = m->uni[2 * ids[0] + 1];
	} else {
		uint64_t h = dl_ngram_hash_start(ids[n - 1]);
		for (int i = n - 2; i >= 0; i--)
			h = dl_ngram_hash_extend(h, ids[i]);
		const dl_ngram_entry *en = dl_ngram_find(m, n, h);
		ck_assert_msg(en != NULL, "a %d-gram of lmplz's is missing", n);
		p2 = en->prob;
		b2 = en->bo;
	}
	double d = fmax(fabs((double)prob - p2), fabs((double)bo - b2));
	if (d > c->worst)
		c->worst = d;
	if (d > 1e-4)
		ck_abort_msg("%d-gram '%.*s ...': lmplz %g %g, ours %g %g", n, (int)wl[0], w[0],
			     (double)prob, (double)bo, (double)p2, (double)b2);
	c->seen[n - 1]++;
	return 0;
}

/* Every n-gram of the ARPA file at path is in ref with the same numbers, and no more. */
static void compare_arpa(const char *path, const dl_ngram_model *ref)
{
	struct cmp c;
	dl_err e;
	memset(&c, 0, sizeof c);
	c.ref = ref;
	dl_arpa_sink sink = { &c, cmp_header, cmp_ngram };
	dl_in *in = dl_in_open(path, 0, &e);
	ck_assert_msg(in != NULL, "%s", e.msg);
	ck_assert_msg(dl_arpa_read(in, &sink, &e) == 0, "%s", e.msg);
	dl_in_close(in);
	for (int n = 0; n < ref->order; n++)
		ck_assert_int_eq(c.seen[n], ref->count[n]);
}

static dl_ngram_ppl ppl_of(const dl_ngram_model *m, const char *path)
{
	dl_ngram_ppl p;
	dl_err e;
	char *line;
	ptrdiff_t n;
	memset(&p, 0, sizeof p);
	dl_in *in = dl_in_open(path, 0, &e);
	ck_assert_ptr_nonnull(in);
	while ((n = dl_in_getline(in, &line, &e)) > 0 || (n == 0 && line))
		dl_ngram_score_line(m, line, (size_t)n, &p);
	dl_in_close(in);
	return p;
}

static void expect_ppl(const dl_ngram_ppl *p, const char *golden)
{
	double inc, exc;
	unsigned long long oovs, tokens;
	size_t len;
	char *g = (char *)read_file(golden, &len);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(sscanf(g, "Perplexity including OOVs:\t%lf\nPerplexity excluding OOVs:"
				"\t%lf\nOOVs:\t%llu\nTokens:\t%llu", &inc, &exc, &oovs, &tokens), 4);
	free(g);
	/* 4 significant digits */
	ck_assert_msg(fabs(dl_ngram_ppl_including(p) / inc - 1) < 5e-5, "%.10g vs %.10g",
		      dl_ngram_ppl_including(p), inc);
	ck_assert_msg(fabs(dl_ngram_ppl_excluding(p) / exc - 1) < 5e-5, "%.10g vs %.10g",
		      dl_ngram_ppl_excluding(p), exc);
	ck_assert_int_eq(p->oovs, oovs);
	ck_assert_int_eq(p->tokens, tokens);
}

/* query's per-sentence lines: "... Total: X OOV: N" */
static void expect_totals(const dl_ngram_model *m, const char *text, const char *golden)
{
	size_t tl, gl;
	char *t = (char *)read_file(text, &tl), *g = (char *)read_file(golden, &gl);
	char *tp = t, *gp = g;
	int lines = 0;
	ck_assert(t && g);
	while (*tp) {
		char *nl = strchr(tp, '\n'), *gnl = strchr(gp, '\n');
		ck_assert(nl && gnl);
		char *tot = strstr(gp, "Total: ");
		ck_assert(tot && tot < gnl);
		double want = strtod(tot + 7, NULL);
		dl_ngram_ppl p = { 0 };
		double got = dl_ngram_score_line(m, tp, (size_t)(nl - tp), &p);
		ck_assert_msg(fabs(got - want) < 1e-4, "line %d: %g vs %g", lines + 1, got, want);
		ck_assert_int_eq(p.oovs, strtoull(strstr(tot, "OOV: ") + 5, NULL, 10));
		tp = nl + 1;
		gp = gnl + 1;
		lines++;
	}
	ck_assert(!*gp);
	ck_assert(lines > 2);
	free(t);
	free(g);
}

/* thr: NULL, or lmplz's pruning thresholds "T1,T2,..." (one per order from the unigrams). */
static void golden_case(const char *corpus, int order, int fallback, const char *thr)
{
	char rel[128], golden[160], ppl[160], test[128], name[96];
	dl_ngram_corpus c;
	dl_ngram_est_opts o;
	dl_err e;

	snprintf(rel, sizeof rel, "ngram/%s-train.txt", corpus);
	dl_ngram_corpus_init(&c);
	ck_assert_int_eq(dl_ngram_corpus_read(&c, test_data(rel), DL_NGRAM_IN_AUTO, NULL, &e), 0);
	dl_ngram_est_opts_default(&o);
	o.order = order;
	o.discount_fallback = fallback;
	o.threads = 2;
	snprintf(name, sizeof name, "%s-o%d", corpus, order);
	if (thr) {
		int k = 0;
		uint64_t last = 0;
		strcat(name, "-p");
		for (const char *p = thr; *p; p++) {
			if (*p == ',') {
				strcat(name, "_");
				continue;
			}
			char *end;
			last = o.prune[k++] = strtoull(p, &end, 10);
			strncat(name, p, (size_t)(end - p));
			p = end - 1;
		}
		for (; k < order; k++)
			o.prune[k] = last;
	}
	dl_ngram_est *est = dl_ngram_estimate(&c, &o, &e);
	ck_assert_msg(est != NULL, "%s", e.msg);
	dl_ngram_corpus_free(&c);
	dl_ngram_model *ours = dl_ngram_model_from_est(est);

	snprintf(golden, sizeof golden, "%s", test_data(""));
	snprintf(golden + strlen(golden), sizeof golden - strlen(golden),
		 "../golden/ngram/%s.arpa.gz", name);
	compare_arpa(golden, ours);

	/* the ARPA file we write */
	dl_out *out = dl_out_open(tpath("ours.arpa"), DL_COMPRESS_NONE);
	dl_pool *pool = dl_pool_new(3);
	dl_arpa_write(est, out, pool);
	dl_pool_free(pool);
	dl_out_close(out);
	dl_ngram_model *back = dl_ngram_model_load(tpath("ours.arpa"), 0, &e);
	ck_assert_msg(back != NULL, "%s", e.msg);
	compare_arpa(golden, back);

	/* KenLM's file loads; perplexities of both models */
	dl_ngram_model *kenlm = dl_ngram_model_load(golden, 0, &e);
	ck_assert_msg(kenlm != NULL, "%s", e.msg);
	snprintf(rel, sizeof rel, "ngram/%s-test.txt", corpus);
	snprintf(test, sizeof test, "%s", test_data(rel));
	snprintf(ppl, sizeof ppl, "%s", golden);
	strcpy(strstr(ppl, ".arpa.gz"), ".ppl");
	dl_ngram_ppl p = ppl_of(kenlm, test);
	expect_ppl(&p, ppl);
	p = ppl_of(ours, test);
	expect_ppl(&p, ppl);
	p = ppl_of(back, test);
	expect_ppl(&p, ppl);
	if (order == 3 && (!thr || (!strcmp(corpus, "gen") && !strcmp(thr, "0,1")))) {
		strcpy(strstr(ppl, ".ppl"), ".query");
		expect_totals(kenlm, test, ppl);
		expect_totals(ours, test, ppl);
	}
	dl_ngram_model_free(kenlm);
	dl_ngram_model_free(back);
	dl_ngram_model_free(ours);
	dl_ngram_est_free(est);
}

START_TEST(test_golden)
{
	size_t len;
	char *man = (char *)read_file(test_data("../golden/ngram/MANIFEST"), &len);
	char corpus[32];
	int order, fb, n, cases = 0;
	ck_assert_ptr_nonnull(man);
	for (char *p = man; sscanf(p, "%31s %d %d%n", corpus, &order, &fb, &n) == 3; p += n) {
		golden_case(corpus, order, fb, NULL);
		cases++;
	}
	ck_assert_int_eq(cases, 8);
	free(man);
}
END_TEST

START_TEST(test_golden_pruned)
{
	size_t len;
	char *man = (char *)read_file(test_data("../golden/ngram/PRUNE-MANIFEST"), &len);
	char corpus[32], thr[64];
	int order, fb, n, cases = 0;
	ck_assert_ptr_nonnull(man);
	for (char *p = man; sscanf(p, "%31s %d %d %63s%n", corpus, &order, &fb, thr, &n) == 4;
	     p += n) {
		golden_case(corpus, order, fb, thr);
		cases++;
	}
	ck_assert_int_eq(cases, 9);
	free(man);
}
END_TEST

/* Pruning singletons leaves fewer 2- and 3-grams and all the 1-grams; bad thresholds are
 * refused. */
START_TEST(test_pruned_smaller)
{
	dl_ngram_corpus c;
	dl_ngram_est_opts o;
	dl_err e;
	size_t full[3];
	for (int pass = 0; pass < 2; pass++) {
		dl_ngram_corpus_init(&c);
		ck_assert_int_eq(dl_ngram_corpus_read(&c, test_data("ngram/gen-train.txt"),
						      DL_NGRAM_IN_TEXT, NULL, &e), 0);
		dl_ngram_est_opts_default(&o);
		o.order = 3;
		if (pass)
			o.prune[1] = o.prune[2] = 1;
		dl_ngram_est *m = dl_ngram_estimate(&c, &o, &e);
		ck_assert_msg(m != NULL, "%s", e.msg);
		dl_ngram_corpus_free(&c);
		for (int n = 0; n < 3; n++) {
			if (!pass)
				full[n] = m->lev[n].n;
			else if (n)
				ck_assert_uint_lt(m->lev[n].n, full[n]);
			else
				ck_assert_uint_eq(m->lev[n].n, full[n]);
		}
		dl_ngram_est_free(m);
	}
	/* bad thresholds are refused by the library too */
	dl_ngram_corpus_init(&c);
	ck_assert_int_eq(dl_ngram_corpus_read(&c, test_data("ngram/gen-train.txt"),
					      DL_NGRAM_IN_TEXT, NULL, &e), 0);
	dl_ngram_est_opts_default(&o);
	o.order = 3;
	o.prune[1] = 2;
	o.prune[2] = 1;
	ck_assert_ptr_null(dl_ngram_estimate(&c, &o, &e));
	ck_assert(strstr(e.msg, "decrease"));
	o.prune[0] = 1;
	ck_assert_ptr_null(dl_ngram_estimate(&c, &o, &e));
	ck_assert(strstr(e.msg, "unigrams"));
	dl_ngram_corpus_free(&c);
}
END_TEST

/* Corpora that need no fallback are refused with a message when asked to estimate with
 * too little data, and lmplz's refusals are ours: the toy corpus needs the fallback. */
START_TEST(test_fallback_needed)
{
	dl_ngram_corpus c;
	dl_ngram_est_opts o;
	dl_err e;
	dl_ngram_corpus_init(&c);
	ck_assert_int_eq(dl_ngram_corpus_read(&c, test_data("ngram/toy-train.txt"),
					      DL_NGRAM_IN_TEXT, NULL, &e), 0);
	dl_ngram_est_opts_default(&o);
	o.order = 3;
	ck_assert_ptr_null(dl_ngram_estimate(&c, &o, &e));
	ck_assert(strstr(e.msg, "cannot estimate the Kneser-Ney discounts of the 1-grams"));
	dl_ngram_corpus_free(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ngram_golden");
	TCase *tc = tcase(s, "kenlm", 1);
	tcase_add_test(tc, test_golden);
	tcase_add_test(tc, test_golden_pruned);
	tcase_add_test(tc, test_pruned_smaller);
	tcase_add_test(tc, test_fallback_needed);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
