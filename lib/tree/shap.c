/*
 * shap.c — TreeSHAP (Lundberg, Erion & Lee 2018, algorithm 2; definitions in shap.h).
 *
 * The walk (the paper's recursion, run as a loop) follows every path of the tree once, carrying the "unique path" m of
 * the features split on so far. Each element holds the feature d, the fraction z of the
 * paths (by cover) that flow through the split when the feature is not known ("zero"),
 * the fraction o (1 or 0) that flow when it is known ("one": does the row go this way),
 * and w, the weight of the subsets of each size (the permutation weights of Shapley
 * values, built up by EXTEND). At a leaf, UNWIND takes each feature out again: the sum of
 * the weights without it, times (o - z), times the leaf's value, is its contribution. A
 * feature split on twice keeps one element: the earlier one is unwound and its fractions
 * multiplied into the new one.
 *
 * Paths are laid out on one scratch stack: a child's copy of the path sits right after
 * its parent's, so nothing is allocated during the recursion. The path holds at most
 * min(depth, nfeat) + 1 elements, which bounds the stack; a leaf keeps the reciprocals
 * 1/k of its unwinding on the stack after its path.
 */
#include "tree/shap.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"

struct elem {
	int32_t d;              /* feature; -1 for the first element, which stands for none */
	double z, o, w;
};

/* A node still to visit: its parent's path is path[off, off + len), and the split that
 * leads to it, on feature pi, passes the fractions pz (by cover) and po (by the row). */
struct visit {
	int32_t node, pi;
	size_t off, len;
	double pz, po;
};

/* Scratch of one thread: the paths and the nodes still to visit. */
struct scratch {
	struct elem *path;
	struct visit *visits;
};

/* The paper's EXTEND: appends (pi, pz, po) to the path m[0..l) and updates the weights
 * of the subset sizes. */
static void extend(struct elem *m, int l, double pz, double po, int32_t pi)
{
	double inv = 1.0 / (l + 1);
	m[l].d = pi;
	m[l].z = pz;
	m[l].o = po;
	m[l].w = l == 0 ? 1.0 : 0.0;
	for (int i = l - 1; i >= 0; i--) {
		m[i + 1].w += po * m[i].w * (i + 1) * inv;
		m[i].w = pz * m[i].w * (l - i) * inv;
	}
}

/* The paper's UNWIND: removes element i from the path m[0..l), undoing its EXTEND. */
static void unwind(struct elem *m, int l, int i)
{
	double o = m[i].o, z = m[i].z, n = m[l - 1].w;
	for (int j = l - 2; j >= 0; j--) {
		if (o != 0) {
			double t = m[j].w;
			m[j].w = n * l / ((j + 1) * o);
			n = t - m[j].w * z * (l - j - 1) / l;
		} else if (z != 0) {
			m[j].w = m[j].w * l / (z * (l - j - 1));
		} else {
			m[j].w = 0;     /* no path flows through: every weight was 0 */
		}
	}
	for (int j = i; j < l - 1; j++) {
		m[j].d = m[j + 1].d;
		m[j].z = m[j + 1].z;
		m[j].o = m[j + 1].o;
	}
}

/* sum(UNWIND(m, i).w) without changing m; rec[k] = 1 / k for k in [1, l). This is the
 * innermost loop of TreeSHAP (every leaf, every element of its path): the divisions of
 * UNWIND are multiplications here, since a chain of divisions is what bounds its speed. */
static double unwound_sum(const struct elem *m, int l, int i, const double *rec)
{
	double o = m[i].o, z = m[i].z, s = 0;
	if (o != 0) {
		double n = m[l - 1].w, a = l / o, b = z / l;
		for (int j = l - 2; j >= 0; j--) {
			double t = n * a * rec[j + 1];
			s += t;
			n = m[j].w - t * b * (l - j - 1);
		}
	} else if (z != 0) {
		double a = l / z;
		for (int j = l - 2; j >= 0; j--)
			s += m[j].w * a * rec[l - j - 1];
	}
	return s;
}

/* The share of node j's cover that goes to its child c: an even split when j has none,
 * so that a tree without covers still gets consistent values, and at most 1 (a child
 * never holds more than its parent in a trained tree; where a model file says otherwise
 * the unwinding of large fractions loses all precision). */
static double cover_frac(const dl_tree *t, int32_t j, int32_t c)
{
	if (!(t->cover[j] > 0))
		return 0.5;
	double f = (double)t->cover[c] / t->cover[j];
	return f < 1 ? f : 1;
}

/* At a leaf of value v reached by path m[0..l): each feature's share (the paper's
 * RECURSE, the leaf case). The reciprocals 1/k are kept after the path. */
static void leaf_shares(const struct elem *m, int l, double v, double *phi)
{
	double *rec = (double *)(m + l);
	for (int k = 1; k < l; k++)
		rec[k] = 1.0 / k;
	for (int i = 1; i < l; i++)
		if (m[i].o != m[i].z)
			phi[m[i].d] += unwound_sum(m, l, i, rec) * (m[i].o - m[i].z) * v;
}

/* The paper's RECURSE, with the recursion made a loop over a stack of nodes to visit (so
 * that a deep tree in a model file cannot overflow the call stack): the hot child (where
 * the row goes) is visited before the cold one, and each visit builds its path right after
 * its parent's, which is intact until both children are done. */
static void shap_tree(const dl_tree *t, const float *x, double *phi, const struct scratch *s)
{
	struct visit *visits = s->visits;
	size_t top = 0;
	visits[top++] = (struct visit){ 0, -1, 0, 0, 1, 1 };
	while (top) {
		struct visit v = visits[--top];
		int32_t j = v.node;
		struct elem *m = s->path + v.off + v.len;
		int l = (int)v.len;
		memcpy(m, s->path + v.off, v.len * sizeof *m);
		extend(m, l, v.pz, v.po, v.pi);
		l++;
		if (t->left[j] < 0) {
			leaf_shares(m, l, t->value[(size_t)j * t->vdim], phi);
			continue;
		}
		int32_t f = t->feature[j];
		float xv = x[f];
		int left = xv != xv ? t->default_left[j] : xv < t->thr[j];
		int32_t hot = left ? t->left[j] : t->right[j];
		int32_t cold = left ? t->right[j] : t->left[j];
		double iz = 1, io = 1;
		for (int k = 1; k < l; k++)
			if (m[k].d == f) {
				iz = m[k].z;
				io = m[k].o;
				unwind(m, l, k);
				l--;
				break;
			}
		size_t off = v.off + v.len;
		visits[top++] = (struct visit){ cold, f, off, (size_t)l, iz * cover_frac(t, j, cold), 0 };
		visits[top++] = (struct visit){ hot, f, off, (size_t)l, iz * cover_frac(t, j, hot), io };
	}
}

double dl_tree_expected(const dl_tree *t)
{
	double *mean = dl_mallocarray((size_t)t->n, sizeof *mean);
	for (int32_t i = t->n - 1; i >= 0; i--) {
		int32_t l = t->left[i], r = t->right[i];
		mean[i] = l < 0 ? t->value[(size_t)i * t->vdim]
			: cover_frac(t, i, l) * mean[l] + cover_frac(t, i, r) * mean[r];
	}
	double e = mean[0];
	dl_free(mean);
	return e;
}

/* Elements of scratch that a tree of depth `depth` over nfeat features needs. */
static size_t scratch_size(int depth, size_t nfeat)
{
	size_t d = (size_t)depth, p = d < nfeat ? d : nfeat;
	return (d + 2) * (p + 2);
}

static void scratch_init(struct scratch *s, int depth, size_t nfeat)
{
	s->path = dl_mallocarray(scratch_size(depth, nfeat), sizeof *s->path);
	s->visits = dl_mallocarray((size_t)depth + 2, sizeof *s->visits);
}

static void scratch_free(struct scratch *s)
{
	dl_free(s->path);
	dl_free(s->visits);
}

void dl_tree_shap(const dl_tree *t, const float *x, size_t nfeat, double *phi)
{
	struct scratch s;
	scratch_init(&s, dl_tree_depth(t), nfeat);
	shap_tree(t, x, phi, &s);
	scratch_free(&s);
	phi[nfeat] += dl_tree_expected(t);
}

/* ---- a model over a table */

struct contrib_job {
	const dl_gbm *m;
	const dl_table *t;
	const double *expected;         /* per tree */
	int depth;                      /* of the deepest tree */
	double *out;
};

static const float *row_of(const dl_table *t, size_t r, float *buf)
{
	if (t->x)
		return t->x + r * t->ncol;
	for (size_t c = 0; c < t->ncol; c++)
		buf[c] = dl_table_get(t, r, c);
	return buf;
}

static void contrib_rows(void *arg, size_t begin, size_t end, int tid)
{
	const struct contrib_job *j = arg;
	const dl_gbm *m = j->m;
	size_t K = dl_gbm_nclass(m), F = m->nfeat;
	struct scratch s;
	scratch_init(&s, j->depth, F);
	float *buf = dl_mallocarray(j->t->ncol ? j->t->ncol : 1, sizeof *buf);
	(void)tid;
	for (size_t r = begin; r < end; r++) {
		const float *x = row_of(j->t, r, buf);
		for (size_t i = 0; i < m->ntree; i++) {
			double *phi = j->out + (r * K + i % K) * (F + 1);
			shap_tree(m->trees[i], x, phi, &s);
			phi[F] += j->expected[i];
		}
	}
	dl_free(buf);
	scratch_free(&s);
}

void dl_gbm_contribs(const dl_gbm *m, const dl_table *t, dl_pool *pool, double *out)
{
	size_t K = dl_gbm_nclass(m), F = m->nfeat, n = t->nrow;
	double *expected = dl_mallocarray(m->ntree ? m->ntree : 1, sizeof *expected);
	int depth = 0;
	for (size_t i = 0; i < m->ntree; i++) {
		int d = dl_tree_depth(m->trees[i]);
		depth = d > depth ? d : depth;
		expected[i] = dl_tree_expected(m->trees[i]);
	}
	memset(out, 0, n * K * (F + 1) * sizeof *out);
	double bm = dl_objective_base_margin(&m->obj, m->base_score);
	for (size_t rk = 0; rk < n * K; rk++)
		out[rk * (F + 1) + F] = bm;
	struct contrib_job j = { m, t, expected, depth, out };
	dl_pool_for(pool, n, 64, contrib_rows, &j);
	dl_free(expected);
}
