/*
 * tree.c — storage and structural checks of dl_tree (see tree.h).
 */
#include "tree/tree.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"

dl_tree *dl_tree_new(int vdim)
{
	dl_tree *t = dl_calloc(1, sizeof *t);
	t->vdim = vdim;
	return t;
}

void dl_tree_free(dl_tree *t)
{
	if (!t)
		return;
	dl_free(t->left);
	dl_free(t->right);
	dl_free(t->parent);
	dl_free(t->feature);
	dl_free(t->thr);
	dl_free(t->default_left);
	dl_free(t->split_bin);
	dl_free(t->value);
	dl_free(t->gain);
	dl_free(t->cover);
	dl_free(t);
}

#define GROW(field) (t->field = dl_reallocarray(t->field, cap, sizeof *t->field))

static void grow_to(dl_tree *t, size_t cap)
{
	GROW(left);
	GROW(right);
	GROW(parent);
	GROW(feature);
	GROW(thr);
	GROW(default_left);
	GROW(split_bin);
	GROW(gain);
	GROW(cover);
	t->value = dl_reallocarray(t->value, cap * (size_t)t->vdim, sizeof *t->value);
	t->cap = (int32_t)cap;
}

float dl_tree_midpoint(float lo, float hi)
{
	double mid = ((double)lo + (double)hi) / 2;
	float f = (float)mid;
	if ((double)f <= mid)
		f = nextafterf(f, INFINITY);
	return f < hi ? f : hi;
}

void dl_tree_reserve(dl_tree *t, int32_t n)
{
	if (n > t->cap)
		grow_to(t, (size_t)n);
}

int32_t dl_tree_add(dl_tree *t, int32_t p)
{
	if (t->n == t->cap)
		grow_to(t, t->cap ? (size_t)t->cap * 2 : 16);
	int32_t i = t->n++;
	t->left[i] = t->right[i] = -1;
	t->parent[i] = p;
	t->feature[i] = 0;
	t->thr[i] = 0;
	t->default_left[i] = 0;
	t->split_bin[i] = 0;
	t->gain[i] = 0;
	t->cover[i] = 0;
	memset(t->value + (size_t)i * t->vdim, 0, (size_t)t->vdim * sizeof *t->value);
	return i;
}

int dl_tree_validate(const dl_tree *t, size_t nfeat, dl_err *e)
{
	if (t->n <= 0)
		return dl_errf(e, "the tree has no nodes");
	uint8_t *seen = dl_calloc((size_t)t->n, 1);
	int rc = 0;
	for (int32_t i = 0; i < t->n && rc == 0; i++) {
		int32_t l = t->left[i], r = t->right[i];
		for (int v = 0; v < t->vdim; v++)
			if (!isfinite(t->value[(size_t)i * t->vdim + v]))
				rc = dl_errf(e, "node %d: value is not finite", (int)i);
		if (rc)
			break;
		if (l < 0 && r < 0)
			continue;
		if (l < 0 || r < 0)
			rc = dl_errf(e, "node %d: has one child (%d, %d)", (int)i, (int)l, (int)r);
		else if (l >= t->n || r >= t->n)
			rc = dl_errf(e, "node %d: child %d is out of range (the tree has %d nodes)",
				     (int)i, (int)(l >= t->n ? l : r), (int)t->n);
		else if (l <= i || r <= i || l == r)
			rc = dl_errf(e, "node %d: children %d and %d must come after it", (int)i,
				     (int)l, (int)r);
		else if (seen[l] || seen[r])
			rc = dl_errf(e, "node %d: child %d has two parents", (int)i,
				     (int)(seen[l] ? l : r));
		else if (t->feature[i] < 0 || (size_t)t->feature[i] >= nfeat)
			rc = dl_errf(e, "node %d: feature %d is out of range (%zu features)", (int)i,
				     (int)t->feature[i], nfeat);
		else if (isnan(t->thr[i]))
			rc = dl_errf(e, "node %d: split condition is NaN", (int)i);
		else
			seen[l] = seen[r] = 1;
	}
	if (rc == 0)
		for (int32_t i = 1; i < t->n; i++)
			if (!seen[i]) {
				rc = dl_errf(e, "node %d is not reached from the root", (int)i);
				break;
			}
	dl_free(seen);
	return rc;
}

int dl_tree_depth(const dl_tree *t)
{
	int best = 0;
	int *d = dl_calloc((size_t)t->n, sizeof *d);
	for (int32_t i = 0; i < t->n; i++) {
		if (t->left[i] >= 0) {
			d[t->left[i]] = d[i] + 1;
			d[t->right[i]] = d[i] + 1;
		}
		if (d[i] > best)
			best = d[i];
	}
	dl_free(d);
	return best;
}
