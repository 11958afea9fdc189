/*
 * inspect.c — tree dumps, importance and prediction output (inspect.h).
 */
#include "tree/inspect.h"

#include <string.h>

#include "core/alloc.h"
#include "record/example.h"
#include "record/numfmt.h"
#include "record/tfrecord.h"

static void fmt(char *s, float v)
{
	dl_format_float(s, v);
}

static void dump_node(const dl_tree *t, int32_t i, int depth, const char *const *names,
		      int stats, dl_out *out)
{
	char a[DL_FLOAT_BUFSIZE], b[DL_FLOAT_BUFSIZE], c[DL_FLOAT_BUFSIZE];
	for (int d = 0; d < depth; d++)
		dl_out_putc(out, '\t');
	if (t->left[i] < 0) {
		fmt(a, t->value[(size_t)i * t->vdim]);
		dl_out_printf(out, "%d:leaf=%s", (int)i, a);
		if (stats) {
			fmt(c, t->cover[i]);
			dl_out_printf(out, ",cover=%s", c);
		}
		dl_out_putc(out, '\n');
		return;
	}
	fmt(a, t->thr[i]);
	int32_t l = t->left[i], r = t->right[i];
	dl_out_printf(out, "%d:[%s<%s] yes=%d,no=%d,missing=%d", (int)i, names[t->feature[i]], a,
		      (int)l, (int)r, (int)(t->default_left[i] ? l : r));
	if (stats) {
		fmt(b, t->gain[i]);
		fmt(c, t->cover[i]);
		dl_out_printf(out, ",gain=%s,cover=%s", b, c);
	}
	dl_out_putc(out, '\n');
	dump_node(t, l, depth + 1, names, stats, out);
	dump_node(t, r, depth + 1, names, stats, out);
}

void dl_tree_dump(const dl_tree *t, const char *const *names, int stats, dl_out *out)
{
	dump_node(t, 0, 0, names, stats, out);
}

int dl_importance_parse(const char *s)
{
	static const char *const names[] = { "weight", "gain", "cover", "total_gain",
					     "total_cover" };
	for (int i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void dl_importance(const dl_tree *const *trees, size_t ntree, size_t nfeat,
		   enum dl_importance type, double *out)
{
	double *cnt = dl_calloc(nfeat ? nfeat : 1, sizeof *cnt);
	memset(out, 0, nfeat * sizeof *out);
	for (size_t k = 0; k < ntree; k++) {
		const dl_tree *t = trees[k];
		for (int32_t i = 0; i < t->n; i++) {
			if (t->left[i] < 0)
				continue;
			size_t f = (size_t)t->feature[i];
			cnt[f] += 1;
			if (type == DL_IMP_GAIN || type == DL_IMP_TOTAL_GAIN)
				out[f] += t->gain[i];
			else if (type == DL_IMP_COVER || type == DL_IMP_TOTAL_COVER)
				out[f] += t->cover[i];
		}
	}
	for (size_t f = 0; f < nfeat; f++) {
		if (type == DL_IMP_WEIGHT)
			out[f] = cnt[f];
		else if ((type == DL_IMP_GAIN || type == DL_IMP_COVER) && cnt[f] > 0)
			out[f] /= cnt[f];
	}
	dl_free(cnt);
}

int dl_pred_format_parse(const char *s)
{
	if (strcmp(s, "tsv") == 0)
		return DL_PRED_TSV;
	if (strcmp(s, "jsonl") == 0)
		return DL_PRED_JSONL;
	if (strcmp(s, "records") == 0)
		return DL_PRED_RECORDS;
	return -1;
}

static void put_num(dl_out *out, double v, int exact)
{
	char s[DL_FLOAT_BUFSIZE];
	if (exact) {
		dl_out_printf(out, "%.17g", v);
		return;
	}
	dl_format_float(s, (float)v);
	dl_out_puts(out, s);
}

void dl_pred_write(dl_out *out, enum dl_pred_format f, const char *name, const double *v,
		   size_t n, size_t k, int exact)
{
	if (f == DL_PRED_RECORDS) {
		dl_example ex;
		dl_buf b = { 0 };
		dl_example_init(&ex);
		for (size_t r = 0; r < n; r++) {
			dl_example_clear(&ex);
			if (exact == DL_PRED_INTEGERS) {
				dl_example_add(&ex, name, strlen(name), DL_FEATURE_INT64);
				for (size_t j = 0; j < k; j++)
					dl_example_add_int64(&ex, (int64_t)v[r * k + j]);
			} else {
				dl_example_add(&ex, name, strlen(name), DL_FEATURE_FLOAT);
				for (size_t j = 0; j < k; j++)
					dl_example_add_float(&ex, (float)v[r * k + j]);
			}
			dl_buf_clear(&b);
			dl_example_encode(&ex, &b);
			dl_tfrecord_write(out, b.data, b.len);
		}
		dl_buf_free(&b);
		dl_example_free(&ex);
		return;
	}
	for (size_t r = 0; r < n; r++) {
		if (f == DL_PRED_JSONL)
			dl_out_printf(out, k > 1 ? "{\"%s\": [" : "{\"%s\": ", name);
		for (size_t j = 0; j < k; j++) {
			if (j)
				dl_out_puts(out, f == DL_PRED_JSONL ? ", " : "\t");
			put_num(out, v[r * k + j], exact);
		}
		dl_out_puts(out, f == DL_PRED_JSONL ? (k > 1 ? "]}\n" : "}\n") : "\n");
	}
}
