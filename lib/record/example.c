/*
 * example.c — tf.Example encode, decode and validate, on the protobuf wire format.
 *
 * Wire format (protobuf "Encoding" guide): a message is a sequence of fields, each a key
 * varint (field_number << 3 | wire_type) and a value: 0 varint, 1 fixed64, 2 length-
 * delimited (varint length, then bytes), 5 fixed32. Wire types 3 and 4 (groups) are
 * deprecated and never used by these messages: they are refused. 6 and 7 do not exist.
 * Varints are little-endian base-128, at most 10 bytes; the 10th holds only bit 63.
 *
 * Decoding and validation are one recursive-descent parser over the nesting
 * Example > Features > map entry > Feature > {Bytes,Float,Int64}List. With a NULL example
 * (dl_example_validate) it only walks and checks, allocating nothing. Parsing follows
 * protobuf: a field whose number is unknown, or whose wire type does not match the field,
 * is skipped; a message field that appears twice is merged; numeric lists may be packed,
 * unpacked or both. Error offsets are byte positions in the whole payload.
 *
 * Decoding appends map entries as they come, then removes the earlier of two entries
 * with the same key (protobuf's "last one wins"). For lookups on wide examples a hash
 * index of feature names (open addressing, slots = feature index + 1) lives in the unused
 * tail of the feature array: the last bytes of the allocation hold a small header saying
 * for how many features the index was built. Every function here that changes the feature
 * set either updates the index or drops it, and a header whose count differs from nfeat
 * is ignored, so the index never has to be trusted beyond what it can check. Small
 * examples (fewer than INDEX_MIN features) are scanned instead.
 *
 * Encoding writes what Python's SerializeToString(deterministic=True) writes: map entries
 * as key (1) then value (2), a Feature's list as a present sub-message even when empty,
 * packed numeric lists (omitted inside their message when empty, as protobuf omits an
 * empty repeated field), every byte string even when empty. Sizes are computed first,
 * so the output is written once, straight into the buffer.
 */
#include "config.h"
#include "example.h"

#include <assert.h>
#include <string.h>

#define INDEX_MIN 8                 /* index names from this many features on */
#define INDEX_MAX ((size_t)1 << 30) /* (and below this many) */
#define INDEX_MAGIC 0x78646e69u

struct index_head {
	uint32_t magic, nfeat, bits, unused;
};

#define DEAD SIZE_MAX   /* name_off of a feature removed during decoding */

/* Room for need elements in an example pool, growing it only when it is too small. */
#define RESERVE(ptr, cap, need) do { if ((need) > (cap)) DL_GROW(ptr, cap, need); } while (0)

/* ------------------------------------------------------------------ storage */

void dl_example_init(dl_example *ex)
{
	memset(ex, 0, sizeof *ex);
}

void dl_example_free(dl_example *ex)
{
	dl_free(ex->feat);
	dl_free(ex->chars);
	dl_free(ex->floats);
	dl_free(ex->ints);
	dl_free(ex->bytes);
	memset(ex, 0, sizeof *ex);
}

static size_t pool_len(const dl_example *ex, enum dl_feature_kind k)
{
	switch (k) {
	case DL_FEATURE_BYTES: return ex->nbytes;
	case DL_FEATURE_FLOAT: return ex->nfloats;
	case DL_FEATURE_INT64: return ex->nints;
	default: return 0;
	}
}

/* Appends n bytes and a NUL to the char pool; returns their offset. */
static size_t chars_put(dl_example *ex, const void *p, size_t n)
{
	size_t off = ex->nchars;
	RESERVE(ex->chars, ex->cap_chars, off + n + 1);
	if (n)
		memcpy(ex->chars + off, p, n);
	ex->chars[off + n] = '\0';
	ex->nchars = off + n + 1;
	return off;
}

static int name_is(const dl_example *ex, const dl_feature *f, const char *name, size_t len)
{
	return f->name_len == len && !memcmp(ex->chars + f->name_off, name, len);
}

/* ------------------------------------------------------------------ name index */

static size_t index_bytes(unsigned bits)
{
	return sizeof(struct index_head) + ((size_t)4 << bits);
}

static unsigned index_bits(size_t n)
{
	unsigned b = 4;
	while (((size_t)1 << b) < 2 * n)
		b++;
	return b;
}

static uint8_t *index_end(const dl_example *ex)
{
	return (uint8_t *)ex->feat + ex->cap_feat * sizeof(dl_feature);
}

/* How many features fit in front of an index of 2^bits slots. */
static size_t index_room(const dl_example *ex, unsigned bits)
{
	size_t total = ex->cap_feat * sizeof(dl_feature), need = index_bytes(bits);
	return total < need ? 0 : (total - need) / sizeof(dl_feature);
}

/* The slots end where the header starts; both sizes are multiples of 8, as is the
 * allocation's size, so the slots are aligned. */
static uint32_t *index_slots(const dl_example *ex, unsigned bits)
{
	return (uint32_t *)(void *)(index_end(ex) - index_bytes(bits));
}

/* Returns the slots when a valid index for the current features exists, else NULL. */
static uint32_t *index_get(const dl_example *ex, struct index_head *h)
{
	if (!ex->cap_feat || ex->nfeat < INDEX_MIN - 1 || ex->nfeat >= INDEX_MAX)
		return NULL;
	memcpy(h, index_end(ex) - sizeof *h, sizeof *h);
	if (h->magic != INDEX_MAGIC || h->nfeat != ex->nfeat || h->bits >= 32 ||
	    index_room(ex, h->bits) < ex->nfeat)
		return NULL;
	return index_slots(ex, h->bits);
}

static void index_put_head(dl_example *ex, unsigned bits)
{
	struct index_head h = {INDEX_MAGIC, (uint32_t)ex->nfeat, bits, 0};
	memcpy(index_end(ex) - sizeof h, &h, sizeof h);
}

/* Forgets the index. When every slot holds a feature the header bytes are feature data
 * and index_get already refuses them (the room check), so they are left alone. */
static void index_drop(dl_example *ex)
{
	if (ex->cap_feat && ex->nfeat < ex->cap_feat) {
		uint32_t zero = 0;
		memcpy(index_end(ex) - sizeof(struct index_head), &zero, sizeof zero);
	}
}

/* A quick hash of a (typically short) name: words folded with multiply-xorshift steps
 * (the finaliser constants of splitmix64); the index uses its top bits. */
static inline uint64_t name_hash(const char *name, size_t n)
{
	const uint8_t *p = (const uint8_t *)name;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
	for (; n > 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	/* The last 1..8 bytes: two 4-byte loads that may overlap, or three single bytes. */
	if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		w = a | (uint64_t)b << 32;
	} else {
		w = n ? (uint64_t)p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16 : 0;
	}
	h = (h ^ w) * 0x94d049bb133111ebull;
	return h ^ (h >> 29);
}

/* Finds name; returns its feature index or SIZE_MAX, and in *slot the slot holding it or
 * the empty slot where it would go. */
static size_t index_probe(const dl_example *ex, const uint32_t *slots, unsigned bits,
			  const char *name, size_t len, size_t *slot)
{
	size_t mask = ((size_t)1 << bits) - 1, i = (size_t)(name_hash(name, len) >> (64 - bits));
	for (;; i = (i + 1) & mask) {
		uint32_t v = slots[i];
		if (!v || name_is(ex, &ex->feat[v - 1], name, len)) {
			*slot = i;
			return v ? v - 1 : SIZE_MAX;
		}
	}
}

/* Makes room for want features plus an index sized for them and clears its slots. */
static uint32_t *index_fresh(dl_example *ex, size_t want, unsigned *bits)
{
	*bits = index_bits(want);
	size_t extra = (index_bytes(*bits) + sizeof(dl_feature) - 1) / sizeof(dl_feature);
	DL_GROW(ex->feat, ex->cap_feat, want + extra);
	uint32_t *slots = index_slots(ex, *bits);
	memset(slots, 0, (size_t)4 << *bits);
	return slots;
}

/* Builds the index over the current (distinct) names, with room for want features. */
static uint32_t *index_build(dl_example *ex, size_t want, unsigned *bits)
{
	uint32_t *slots = index_fresh(ex, want, bits);
	for (size_t i = 0; i < ex->nfeat; i++) {
		const dl_feature *f = &ex->feat[i];
		size_t slot;
		index_probe(ex, slots, *bits, ex->chars + f->name_off, f->name_len, &slot);
		slots[slot] = (uint32_t)(i + 1);
	}
	index_put_head(ex, *bits);
	return slots;
}

/* A valid index with room for want features (want >= nfeat). */
static uint32_t *index_ready(dl_example *ex, size_t want, unsigned *bits)
{
	struct index_head h;
	uint32_t *slots = index_get(ex, &h);
	if (slots && ((size_t)1 << h.bits) >= 2 * want && index_room(ex, h.bits) >= want) {
		*bits = h.bits;
		return slots;
	}
	return index_build(ex, want, bits);
}

/* ------------------------------------------------------------------ building */

void dl_example_clear(dl_example *ex)
{
	ex->nfeat = 0;
	ex->nchars = ex->nfloats = ex->nints = ex->nbytes = 0;
	index_drop(ex);
}

static size_t find_linear(const dl_example *ex, const char *name, size_t len)
{
	for (size_t i = 0; i < ex->nfeat; i++)
		if (name_is(ex, &ex->feat[i], name, len))
			return i;
	return SIZE_MAX;
}

const dl_feature *dl_example_find(const dl_example *ex, const char *name, size_t name_len)
{
	struct index_head h;
	size_t i, slot;
	const uint32_t *slots = ex->nfeat >= INDEX_MIN ? index_get(ex, &h) : NULL;
	if (slots)
		i = index_probe(ex, slots, h.bits, name, name_len, &slot);
	else
		i = find_linear(ex, name, name_len);
	return i == SIZE_MAX ? NULL : &ex->feat[i];
}

static void remove_at(dl_example *ex, size_t i)
{
	memmove(&ex->feat[i], &ex->feat[i + 1], (ex->nfeat - i - 1) * sizeof *ex->feat);
	ex->nfeat--;
}

/* Appends a feature (capacity permitting no realloc when the index is in use). */
static size_t append_feature(dl_example *ex, size_t name_off, size_t name_len,
			     enum dl_feature_kind k)
{
	RESERVE(ex->feat, ex->cap_feat, ex->nfeat + 1);
	dl_feature *f = &ex->feat[ex->nfeat];
	f->name_off = name_off;
	f->name_len = name_len;
	f->kind = k;
	f->off = pool_len(ex, k);
	f->count = 0;
	return ex->nfeat++;
}

size_t dl_example_add(dl_example *ex, const char *name, size_t name_len, enum dl_feature_kind k)
{
	/* The name may live in our own char pool, which growing it moves. */
	uintptr_t u = (uintptr_t)name, lo = (uintptr_t)ex->chars;
	size_t inside = ex->chars && u >= lo && u < lo + ex->nchars ? (size_t)(u - lo) : SIZE_MAX;
	size_t name_off = ex->nchars;
	RESERVE(ex->chars, ex->cap_chars, name_off + name_len + 1);
	if (name_len)
		memmove(ex->chars + name_off, inside != SIZE_MAX ? ex->chars + inside : name, name_len);
	ex->chars[name_off + name_len] = '\0';
	ex->nchars = name_off + name_len + 1;
	name = ex->chars + name_off;

	if (ex->nfeat + 1 < INDEX_MIN || ex->nfeat + 1 >= INDEX_MAX) {
		size_t j = find_linear(ex, name, name_len);
		if (j != SIZE_MAX)
			remove_at(ex, j);
		size_t i = append_feature(ex, name_off, name_len, k);
		index_drop(ex);
		return i;
	}
	unsigned bits;
	size_t slot;
	uint32_t *slots = index_ready(ex, ex->nfeat + 1, &bits);
	if (index_probe(ex, slots, bits, name, name_len, &slot) != SIZE_MAX) {
		remove_at(ex, index_probe(ex, slots, bits, name, name_len, &slot));
		slots = index_build(ex, ex->nfeat + 1, &bits);
		index_probe(ex, slots, bits, name, name_len, &slot);
	}
	size_t i = append_feature(ex, name_off, name_len, k);
	slots[slot] = (uint32_t)(i + 1);
	index_put_head(ex, bits);
	return i;
}

static dl_feature *last_feature(dl_example *ex, enum dl_feature_kind k)
{
	assert(ex->nfeat > 0 && ex->feat[ex->nfeat - 1].kind == k);
	(void)k;
	return &ex->feat[ex->nfeat - 1];
}

void dl_example_add_float(dl_example *ex, float v)
{
	dl_feature *f = last_feature(ex, DL_FEATURE_FLOAT);
	RESERVE(ex->floats, ex->cap_floats, ex->nfloats + 1);
	ex->floats[ex->nfloats++] = v;
	f->count++;
}

void dl_example_add_int64(dl_example *ex, int64_t v)
{
	dl_feature *f = last_feature(ex, DL_FEATURE_INT64);
	RESERVE(ex->ints, ex->cap_ints, ex->nints + 1);
	ex->ints[ex->nints++] = v;
	f->count++;
}

static void bytes_put(dl_example *ex, dl_feature *f, const void *p, size_t n)
{
	RESERVE(ex->bytes, ex->cap_bytes, ex->nbytes + 1);
	RESERVE(ex->chars, ex->cap_chars, ex->nchars + n);
	if (n)
		memcpy(ex->chars + ex->nchars, p, n);
	ex->bytes[ex->nbytes].off = ex->nchars;
	ex->bytes[ex->nbytes].len = n;
	ex->nbytes++;
	ex->nchars += n;
	f->count++;
}

void dl_example_add_bytes(dl_example *ex, const void *p, size_t n)
{
	bytes_put(ex, last_feature(ex, DL_FEATURE_BYTES), p, n);
}

/* After decoding: keeps the last of each run of equal names, in wire order. */
static void dedup(dl_example *ex)
{
	size_t n = ex->nfeat, dead = 0;
	if (n < INDEX_MIN || n >= INDEX_MAX) {
		for (size_t i = 1; i < n; i++) {
			dl_feature *f = &ex->feat[i];
			for (size_t j = 0; j < i; j++)
				if (ex->feat[j].name_off != DEAD &&
				    name_is(ex, &ex->feat[j], ex->chars + f->name_off, f->name_len)) {
					ex->feat[j].name_off = DEAD;
					dead++;
					break;
				}
		}
	} else {
		unsigned bits;
		uint32_t *slots = index_fresh(ex, n, &bits);
		for (size_t i = 0; i < n; i++) {
			dl_feature *f = &ex->feat[i];
			size_t slot, j = index_probe(ex, slots, bits, ex->chars + f->name_off,
						     f->name_len, &slot);
			if (j != SIZE_MAX) {
				ex->feat[j].name_off = DEAD;
				dead++;
			}
			slots[slot] = (uint32_t)(i + 1);
		}
		if (!dead)
			index_put_head(ex, bits);
	}
	if (!dead)
		return;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (ex->feat[i].name_off != DEAD)
			ex->feat[k++] = ex->feat[i];
	ex->nfeat = k;
	if (k >= INDEX_MIN && k < INDEX_MAX) {
		unsigned bits;
		index_build(ex, k, &bits);
	} else {
		index_drop(ex);
	}
}

/* ------------------------------------------------------------------ wire parsing */

struct pb {
	const uint8_t *base;    /* the payload, for offsets in messages */
	size_t n;
	dl_example *ex;         /* NULL: validate only */
	dl_err *e;
};

struct field {
	uint32_t num;
	unsigned wt;
	uint64_t v;             /* wire type 0 */
	const uint8_t *val;     /* wire types 1, 2, 5 */
	size_t len;             /* wire type 2 */
	const uint8_t *len_at;  /* where the length varint starts */
};

static size_t at(const struct pb *s, const uint8_t *p)
{
	return (size_t)(p - s->base);
}

/* Error paths are kept out of line, away from the loops. */
#define COLD __attribute__((cold, noinline))

static COLD int bad_varint(const struct pb *s, const uint8_t *p)
{
	return dl_errf(s->e, "bad varint at payload byte %zu", at(s, p));
}

static int varint_slow(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t *p = *pp;
	uint64_t r = 0;
	for (int i = 0; i < 10; i++) {
		if (p >= end)
			return -1;
		uint8_t b = *p++;
		if (i == 9 && b > 1)
			return -1;
		r |= (uint64_t)(b & 0x7f) << (7 * i);
		if (b < 0x80) {
			*v = r;
			*pp = p;
			return 0;
		}
	}
	return -1;
}

/* Reads a varint at *pp (< end) and moves past it; -1 (and *pp kept) when malformed. */
static inline int get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t *p = *pp;
	if (p < end && p[0] < 0x80) {
		*v = p[0];
		*pp = p + 1;
		return 0;
	}
	if (end - p >= 2 && p[1] < 0x80) {
		*v = (p[0] & 0x7fu) | (uint64_t)p[1] << 7;
		*pp = p + 2;
		return 0;
	}
	return varint_slow(pp, end, v);
}

static COLD int bad_key(const struct pb *s, const uint8_t *key_at, const uint8_t *end)
{
	const uint8_t *p = key_at;
	uint64_t key;
	if (get_varint(&p, end, &key))
		return bad_varint(s, key_at);
	unsigned wt = (unsigned)(key & 7);
	if (wt == 3 || wt == 4)
		return dl_errf(s->e, "unsupported wire type %u (group) at payload byte %zu", wt,
			       at(s, key_at));
	if (wt > 5)
		return dl_errf(s->e, "bad wire type %u at payload byte %zu", wt, at(s, key_at));
	return dl_errf(s->e, "bad field number %llu at payload byte %zu",
		       (unsigned long long)(key >> 3), at(s, key_at));
}

static COLD int too_long(const struct pb *s, const uint8_t *len_at, uint64_t len,
			 const uint8_t *end)
{
	if (end == s->base + s->n)
		return dl_errf(s->e, "field length %llu at payload byte %zu runs past the end (payload is %zu bytes)",
			       (unsigned long long)len, at(s, len_at), s->n);
	return dl_errf(s->e, "field length %llu at payload byte %zu runs past the end of its message (which ends at payload byte %zu)",
		       (unsigned long long)len, at(s, len_at), at(s, end));
}

static COLD int bad_float_length(const struct pb *s, const struct field *f)
{
	return dl_errf(s->e, "packed float list length %zu at payload byte %zu is not a multiple of 4",
		       f->len, at(s, f->len_at));
}

static COLD int truncated_fixed(const struct pb *s, size_t width, const uint8_t *p)
{
	return dl_errf(s->e, "truncated fixed%zu at payload byte %zu", 8 * width, at(s, p));
}

/* Reads one field at *pp (< end) and moves past it. Wire types: 0 varint, 1 fixed64,
 * 2 length-delimited, 5 fixed32; field numbers 1 .. 2^29 - 1. */
static int next_field_any(const struct pb *s, const uint8_t **pp, const uint8_t *end,
			  struct field *f)
{
	const uint8_t *p = *pp;
	uint64_t key, len;
	if (get_varint(&p, end, &key))
		return bad_varint(s, *pp);
	f->wt = (unsigned)(key & 7);
	if (!(0x27u >> f->wt & 1) || key >> 3 == 0 || key >> 3 > 0x1fffffff)
		return bad_key(s, *pp, end);
	f->num = (uint32_t)(key >> 3);
	switch (f->wt) {
	case 0:
		if (get_varint(&p, end, &f->v))
			return bad_varint(s, p);
		break;
	case 1:
		if (end - p < 8)
			return truncated_fixed(s, 8, p);
		f->val = p;
		p += 8;
		break;
	case 5:
		if (end - p < 4)
			return truncated_fixed(s, 4, p);
		f->val = p;
		p += 4;
		break;
	default:
		f->len_at = p;
		if (get_varint(&p, end, &len))
			return bad_varint(s, f->len_at);
		if (len > (uint64_t)(end - p))
			return too_long(s, f->len_at, len, end);
		f->val = p;
		f->len = (size_t)len;
		p += len;
		break;
	}
	*pp = p;
	return 0;
}

/* next_field_any, with the usual case of these messages inline: a one-byte key of a
 * length-delimited field (numbers 1..15) and a one-byte length. */
static inline __attribute__((always_inline))
int next_field(const struct pb *s, const uint8_t **pp, const uint8_t *end, struct field *f)
{
	const uint8_t *p = *pp;
	if (end - p >= 2 && (p[0] & 0x87) == 2 && p[0] >= 8 && p[1] < 0x80 &&
	    p[1] <= end - p - 2) {
		f->num = p[0] >> 3;
		f->wt = 2;
		f->len_at = p + 1;
		f->val = p + 2;
		f->len = p[1];
		*pp = p + 2 + p[1];
		return 0;
	}
	return next_field_any(s, pp, end, f);
}

/* One bit per byte of w: bit i set when byte i (in memory order) has its top bit set. */
static inline unsigned top_bits(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return (unsigned)((((w & 0x8080808080808080ull) >> 7) * 0x0102040810204080ull) >> 56);
}

/* Checks packed varints in [p, end) exactly, one by one (reports the first bad one). */
static int varints_exact(const struct pb *s, const uint8_t *p, const uint8_t *end)
{
	while (p < end) {
		uint64_t v;
		const uint8_t *v_at = p;
		if (get_varint(&p, end, &v))
			return bad_varint(s, v_at);
	}
	return 0;
}

/* Checks packed varints without decoding them. A varint of at most 9 bytes is always
 * valid, so a word-at-a-time scan only has to find runs of 9 or more bytes with the top
 * bit set, and a last byte with it set; either sends the list to the exact check. */
static int varints_check(const struct pb *s, const uint8_t *p, const uint8_t *end)
{
	const uint8_t *q = p;
	unsigned run = 0;       /* top-bit bytes just before q */
	for (; end - q >= 8; q += 8) {
		uint64_t w;
		memcpy(&w, q, 8);
		unsigned m = top_bits(w), ends = ~m & 0xffu;
		if (!ends) {
			run += 8;
			if (run >= 9)
				return varints_exact(s, p, end);
			continue;
		}
		if (run + (unsigned)__builtin_ctz(ends) >= 9)
			return varints_exact(s, p, end);
		run = 7 - (31 - (unsigned)__builtin_clz(ends));
	}
	for (; q < end; q++) {
		run = *q & 0x80 ? run + 1 : 0;
		if (run >= 9)
			return varints_exact(s, p, end);
	}
	return run ? varints_exact(s, p, end) : 0;
}

/* Packed varints in [p, end): checks them all, storing them when fe is set. */
static int int64_packed(const struct pb *s, const uint8_t *p, const uint8_t *end,
			dl_feature *fe)
{
	if (!fe)
		return varints_check(s, p, end);
	/* Every varint ends in exactly one byte below 0x80: count them to size the pool. */
	dl_example *ex = s->ex;
	size_t k = 0;
	const uint8_t *c = p;
	for (; end - c >= 8; c += 8) {
		uint64_t w;
		memcpy(&w, c, 8);
		/* a 1 in each byte that ends a varint, summed by the multiply into the top byte */
		k += (size_t)((((~w & 0x8080808080808080ull) >> 7) * 0x0101010101010101ull) >> 56);
	}
	for (; c < end; c++)
		k += *c < 0x80;
	RESERVE(ex->ints, ex->cap_ints, ex->nints + k);
	int64_t *o = ex->ints + ex->nints, *start = o;
	while (p < end) {
		uint64_t v;
		const uint8_t *v_at = p;
		if (get_varint(&p, end, &v))
			return bad_varint(s, v_at);
		*o++ = (int64_t)v;
	}
	ex->nints += (size_t)(o - start);
	fe->count += (size_t)(o - start);
	return 0;
}

static void floats_put(dl_example *ex, dl_feature *fe, const uint8_t *p, size_t k)
{
	RESERVE(ex->floats, ex->cap_floats, ex->nfloats + k);
	float *o = ex->floats + ex->nfloats;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (k)
		memcpy(o, p, 4 * k);
#else
	for (size_t i = 0; i < k; i++, p += 4) {
		uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			     (uint32_t)p[3] << 24;
		memcpy(&o[i], &u, 4);
	}
#endif
	ex->nfloats += k;
	fe->count += k;
}

static int parse_list(const struct pb *s, const uint8_t *p, const uint8_t *end,
		      enum dl_feature_kind k, dl_feature *fe)
{
	struct field f;
	while (p < end) {
		if (next_field(s, &p, end, &f))
			return -1;
		if (f.num != 1)
			continue;
		switch (k) {
		case DL_FEATURE_BYTES:
			if (f.wt == 2 && fe)
				bytes_put(s->ex, fe, f.val, f.len);
			break;
		case DL_FEATURE_FLOAT:
			if (f.wt == 5 && fe)
				floats_put(s->ex, fe, f.val, 1);
			if (f.wt == 2) {
				if (f.len % 4)
					return bad_float_length(s, &f);
				if (fe)
					floats_put(s->ex, fe, f.val, f.len / 4);
			}
			break;
		case DL_FEATURE_INT64:
			if (f.wt == 0 && fe) {
				dl_example *ex = s->ex;
				RESERVE(ex->ints, ex->cap_ints, ex->nints + 1);
				ex->ints[ex->nints++] = (int64_t)f.v;
				fe->count++;
			}
			if (f.wt == 2 && int64_packed(s, f.val, f.val + f.len, fe))
				return -1;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* A oneof member arrives: a different kind than the current one drops the old list,
 * whose values are the last in their pool (this feature is the one being decoded). */
static void set_kind(dl_example *ex, dl_feature *fe, enum dl_feature_kind k)
{
	if (fe->kind == k)
		return;
	switch (fe->kind) {
	case DL_FEATURE_BYTES: ex->nbytes = fe->off; break;
	case DL_FEATURE_FLOAT: ex->nfloats = fe->off; break;
	case DL_FEATURE_INT64: ex->nints = fe->off; break;
	default: break;
	}
	fe->kind = k;
	fe->off = pool_len(ex, k);
	fe->count = 0;
}

static int parse_feature(const struct pb *s, const uint8_t *p, const uint8_t *end,
			 dl_feature *fe)
{
	struct field f;
	while (p < end) {
		if (next_field(s, &p, end, &f))
			return -1;
		if (f.wt != 2 || f.num < 1 || f.num > 3)
			continue;
		enum dl_feature_kind k = (enum dl_feature_kind)f.num;   /* 1, 2, 3 as in the enum */
		if (fe)
			set_kind(s->ex, fe, k);
		if (parse_list(s, f.val, f.val + f.len, k, fe))
			return -1;
	}
	return 0;
}

static int parse_entry(const struct pb *s, const uint8_t *p, const uint8_t *end)
{
	dl_example *ex = s->ex;
	size_t fi = 0;
	int have_key = 0;
	struct field f;
	if (ex)
		fi = append_feature(ex, 0, 0, DL_FEATURE_NONE);
	while (p < end) {
		if (next_field(s, &p, end, &f))
			return -1;
		if (f.wt != 2)
			continue;
		if (f.num == 1) {
			have_key = 1;
			if (ex) {
				ex->feat[fi].name_off = chars_put(ex, f.val, f.len);
				ex->feat[fi].name_len = f.len;
			}
		} else if (f.num == 2) {
			if (parse_feature(s, f.val, f.val + f.len, ex ? &ex->feat[fi] : NULL))
				return -1;
		}
	}
	if (ex && !have_key)
		ex->feat[fi].name_off = chars_put(ex, NULL, 0);
	return 0;
}

static int parse_features(const struct pb *s, const uint8_t *p, const uint8_t *end)
{
	struct field f;
	while (p < end) {
		if (next_field(s, &p, end, &f))
			return -1;
		if (f.num == 1 && f.wt == 2 && parse_entry(s, f.val, f.val + f.len))
			return -1;
	}
	return 0;
}

static int parse_example(const struct pb *s)
{
	const uint8_t *p = s->base, *end = s->base + s->n;
	struct field f;
	while (p < end) {
		if (next_field(s, &p, end, &f))
			return -1;
		if (f.num == 1 && f.wt == 2 && parse_features(s, f.val, f.val + f.len))
			return -1;
	}
	return 0;
}

int dl_example_decode(dl_example *ex, const uint8_t *p, size_t n, dl_err *e)
{
	struct pb s = {p ? p : (const uint8_t *)"", n, ex, e};
	dl_example_clear(ex);
	if (parse_example(&s)) {
		dl_example_clear(ex);
		return -1;
	}
	dedup(ex);
	return 0;
}

int dl_example_validate(const uint8_t *p, size_t n, dl_err *e)
{
	struct pb s = {p ? p : (const uint8_t *)"", n, NULL, e};
	return parse_example(&s);
}

/* ------------------------------------------------------------------ encoding */

/* Bytes in the varint of v: ceil(bits / 7) for its significant bits (at least 1), as
 * (9 * bits + 64) / 64, which equals it for 1..64 bits and needs no division. */
static inline size_t vlen(uint64_t v)
{
	unsigned bits = 64 - (unsigned)__builtin_clzll(v | 1);
	return (9 * bits + 64) / 64;
}

static inline uint8_t *put_varint(uint8_t *q, uint64_t v)
{
	while (v >= 0x80) {
		*q++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*q++ = (uint8_t)v;
	return q;
}

/* Size of a field of number <= 15 (one key byte) holding n length-delimited bytes. */
static inline size_t delimited(size_t n)
{
	return 1 + vlen(n) + n;
}

/* Sizes of f's list message and, for int64, of its packed values. */
static size_t list_size(const dl_example *ex, const dl_feature *f, size_t *packed)
{
	size_t s = 0;
	*packed = 0;
	switch (f->kind) {
	case DL_FEATURE_BYTES:
		for (size_t i = 0; i < f->count; i++)
			s += delimited(ex->bytes[f->off + i].len);
		return s;
	case DL_FEATURE_FLOAT:
		*packed = 4 * f->count;
		return f->count ? delimited(*packed) : 0;
	case DL_FEATURE_INT64:
		for (size_t i = 0; i < f->count; i++)
			s += vlen((uint64_t)ex->ints[f->off + i]);
		*packed = s;
		return f->count ? delimited(s) : 0;
	default:
		return 0;
	}
}

/* Size of a Feature message, given its list's size. */
static size_t feature_size(const dl_feature *f, size_t list)
{
	return f->kind == DL_FEATURE_NONE ? 0 : delimited(list);
}

static size_t entry_size(const dl_feature *f, size_t feature)
{
	return delimited(f->name_len) + delimited(feature);
}

static uint8_t *put_list(uint8_t *q, const dl_example *ex, const dl_feature *f, size_t packed)
{
	switch (f->kind) {
	case DL_FEATURE_BYTES:
		for (size_t i = 0; i < f->count; i++) {
			const dl_bytes_ref *r = &ex->bytes[f->off + i];
			*q++ = 0x0a;
			q = put_varint(q, r->len);
			if (r->len)
				memcpy(q, ex->chars + r->off, r->len);
			q += r->len;
		}
		break;
	case DL_FEATURE_FLOAT:
		if (!f->count)
			break;
		*q++ = 0x0a;
		q = put_varint(q, packed);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		memcpy(q, ex->floats + f->off, packed);
		q += packed;
#else
		for (size_t i = 0; i < f->count; i++) {
			uint32_t u;
			memcpy(&u, &ex->floats[f->off + i], 4);
			for (int b = 0; b < 4; b++)
				*q++ = (uint8_t)(u >> (8 * b));
		}
#endif
		break;
	case DL_FEATURE_INT64:
		if (!f->count)
			break;
		*q++ = 0x0a;
		q = put_varint(q, packed);
		for (size_t i = 0; i < f->count; i++)
			q = put_varint(q, (uint64_t)ex->ints[f->off + i]);
		break;
	default:
		break;
	}
	return q;
}

void dl_example_encode(const dl_example *ex, dl_buf *out)
{
	size_t features = 0, packed;
	for (size_t i = 0; i < ex->nfeat; i++) {
		const dl_feature *f = &ex->feat[i];
		features += delimited(entry_size(f, feature_size(f, list_size(ex, f, &packed))));
	}
	size_t total = delimited(features);
	dl_buf_reserve(out, total);
	uint8_t *q = out->data + out->len;
	*q++ = 0x0a;                    /* Example.features */
	q = put_varint(q, features);
	for (size_t i = 0; i < ex->nfeat; i++) {
		const dl_feature *f = &ex->feat[i];
		size_t list = list_size(ex, f, &packed), feature = feature_size(f, list);
		*q++ = 0x0a;            /* Features.feature: a map entry */
		q = put_varint(q, entry_size(f, feature));
		*q++ = 0x0a;            /* key */
		q = put_varint(q, f->name_len);
		memcpy(q, ex->chars + f->name_off, f->name_len);
		q += f->name_len;
		*q++ = 0x12;            /* value: the Feature */
		q = put_varint(q, feature);
		if (f->kind != DL_FEATURE_NONE) {
			*q++ = (uint8_t)(f->kind << 3 | 2);   /* bytes_list 1, float_list 2, int64_list 3 */
			q = put_varint(q, list);
			q = put_list(q, ex, f, packed);
		}
	}
	assert(q == out->data + out->len + total);
	out->len += total;
}
