/*
 * binary.c — writing and mapping binary n-gram models (see binary.h).
 */
#include "ngram/binary.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/io.h"

#define ALIGN 64
#define BOM 0x01020304u

static uint64_t align_up(uint64_t x)
{
	return (x + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
}

static uint64_t header_sum(const struct dl_ngram_bin_header *h)
{
	return dl_hash64(h, offsetof(struct dl_ngram_bin_header, checksum), 0x6e6772616d);
}

static void pad_to(dl_out *out, uint64_t off)
{
	static const char zero[ALIGN];
	uint64_t at = dl_out_offset(out);
	if (off > at)
		dl_out_write(out, zero, (size_t)(off - at));
}

void dl_ngram_binary_write(const dl_ngram_model *m, const char *path)
{
	struct dl_ngram_bin_header h;
	const dl_ngram_vocab *v = &m->vocab;
	uint64_t at;

	memset(&h, 0, sizeof h);
	memcpy(h.magic, DL_NGRAM_BIN_MAGIC, 8);
	h.version = DL_NGRAM_BIN_VERSION;
	h.bom = BOM;
	h.order = (uint32_t)m->order;
	h.nwords = v->n;
	h.unk = m->unk;
	h.bos = m->bos;
	h.eos = m->eos;
	h.vslots = v->nslots;
	h.arena_len = v->arena_len;
	at = align_up(sizeof h);
	h.off_woff = at;
	at = align_up(at + v->n * 8);
	h.off_wlen = at;
	at = align_up(at + v->n * 4);
	h.off_arena = at;
	at = align_up(at + v->arena_len);
	h.off_vslots = at;
	at = align_up(at + v->nslots * 8);
	h.off_uni = at;
	at = align_up(at + v->n * 8);
	for (int n = 0; n < m->order; n++) {
		h.count[n] = m->count[n];
		if (!n)
			continue;
		h.slots[n] = m->slots[n];
		h.off_tab[n] = at;
		at = align_up(at + m->slots[n] * sizeof(dl_ngram_entry));
	}
	h.file_size = at;
	h.checksum = header_sum(&h);

	dl_out *out = dl_out_open(path, DL_COMPRESS_NONE);
	dl_out_write(out, &h, sizeof h);
	pad_to(out, h.off_woff);
	dl_out_write(out, v->off, v->n * 8);
	pad_to(out, h.off_wlen);
	dl_out_write(out, v->len, v->n * 4);
	pad_to(out, h.off_arena);
	dl_out_write(out, v->arena, v->arena_len);
	pad_to(out, h.off_vslots);
	dl_out_write(out, v->slots, v->nslots * 8);
	pad_to(out, h.off_uni);
	dl_out_write(out, m->uni, v->n * 8);
	for (int n = 1; n < m->order; n++) {
		pad_to(out, h.off_tab[n]);
		dl_out_write(out, m->tab[n], m->slots[n] * sizeof(dl_ngram_entry));
	}
	pad_to(out, h.file_size);
	dl_out_close(out);
}

int dl_ngram_binary_detect(const char *path, dl_err *e)
{
	char buf[8];
	if (!path || !strcmp(path, "-"))
		return 0;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return dl_errf(e, "%s: %s", path, strerror(errno));
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 0)
		return dl_errf(e, "%s: %s", path, strerror(errno));
	return n == 8 && !memcmp(buf, DL_NGRAM_BIN_MAGIC, 8);
}

/* A section of n elements of size sz at off lies inside the file. */
static int inside(const struct dl_ngram_bin_header *h, uint64_t off, uint64_t n, uint64_t sz)
{
	uint64_t bytes;
	if (__builtin_mul_overflow(n, sz, &bytes) || off % 8 || off < sizeof *h)
		return 0;
	return off <= h->file_size && bytes <= h->file_size - off;
}

static int check_header(const struct dl_ngram_bin_header *h, size_t len, const char *name,
			dl_err *e)
{
	if (len < sizeof *h)
		return dl_errf(e, "%s: truncated binary model (%zu bytes, shorter than its "
			       "header)", name, len);
	if (memcmp(h->magic, DL_NGRAM_BIN_MAGIC, 8))
		return dl_errf(e, "%s: not a binary n-gram model (bad magic)", name);
	if (h->bom != BOM)
		return dl_errf(e, "%s: binary model written on a machine of another byte order",
			       name);
	if (h->version != DL_NGRAM_BIN_VERSION)
		return dl_errf(e, "%s: binary model version %u (this program reads %d)", name,
			       h->version, DL_NGRAM_BIN_VERSION);
	if (h->checksum != header_sum(h))
		return dl_errf(e, "%s: corrupt binary model (header checksum mismatch)", name);
	if (h->file_size != len)
		return dl_errf(e, "%s: truncated or damaged binary model (%zu bytes, the header "
			       "says %llu)", name, len, (unsigned long long)h->file_size);
	if (h->order < 1 || h->order > DL_NGRAM_MODEL_MAX_ORDER || !h->nwords ||
	    h->nwords > UINT32_MAX - 8 || h->unk >= h->nwords || h->bos >= h->nwords ||
	    h->eos >= h->nwords || h->vslots < h->nwords + 1 || h->vslots & (h->vslots - 1))
		return dl_errf(e, "%s: corrupt binary model (bad header fields)", name);
	if (!inside(h, h->off_woff, h->nwords, 8) || !inside(h, h->off_wlen, h->nwords, 4) ||
	    !inside(h, h->off_arena, h->arena_len, 1) || !inside(h, h->off_vslots, h->vslots, 8) ||
	    !inside(h, h->off_uni, h->nwords, 8))
		return dl_errf(e, "%s: corrupt binary model (a section lies outside the file)",
			       name);
	for (uint32_t n = 1; n < h->order; n++)
		if (h->slots[n] <= h->count[n] ||
		    !inside(h, h->off_tab[n], h->slots[n], sizeof(dl_ngram_entry)))
			return dl_errf(e, "%s: corrupt binary model (the %u-gram table lies "
				       "outside the file)", name, n + 1);
	return 0;
}

static int check_vocab(const dl_ngram_vocab *v, const char *name, dl_err *e)
{
	size_t empty = 0;
	for (size_t i = 0; i < v->n; i++)
		if (v->off[i] >= v->arena_len || v->len[i] >= v->arena_len - v->off[i] ||
		    v->arena[v->off[i] + v->len[i]])
			return dl_errf(e, "%s: corrupt binary model (word %zu lies outside the "
				       "vocabulary)", name, i);
	for (size_t i = 0; i < v->nslots; i++) {
		if ((uint32_t)v->slots[i] > v->n || (v->slots[i] && !(uint32_t)v->slots[i]))
			return dl_errf(e, "%s: corrupt binary model (bad vocabulary slot %zu)", name,
				       i);
		empty += !v->slots[i];
	}
	if (!empty)
		return dl_errf(e, "%s: corrupt binary model (full vocabulary table)", name);
	return 0;
}

dl_ngram_model *dl_ngram_binary_open_mem(const void *data, size_t len, const char *name,
					 dl_err *e)
{
	const struct dl_ngram_bin_header *h = data;
	const uint8_t *p = data;
	if (check_header(h, len, name, e) < 0)
		return NULL;
	dl_ngram_model *m = dl_calloc(1, sizeof *m);
	m->order = (int)h->order;
	m->unk = (uint32_t)h->unk;
	m->bos = (uint32_t)h->bos;
	m->eos = (uint32_t)h->eos;
	m->vocab.n = (size_t)h->nwords;
	m->vocab.off = (uint64_t *)(uintptr_t)(p + h->off_woff);
	m->vocab.len = (uint32_t *)(uintptr_t)(p + h->off_wlen);
	m->vocab.arena = (char *)(uintptr_t)(p + h->off_arena);
	m->vocab.arena_len = (size_t)h->arena_len;
	m->vocab.slots = (uint64_t *)(uintptr_t)(p + h->off_vslots);
	m->vocab.nslots = (size_t)h->vslots;
	m->uni = (float *)(uintptr_t)(p + h->off_uni);
	for (int n = 0; n < m->order; n++) {
		m->count[n] = h->count[n];
		if (n) {
			m->slots[n] = h->slots[n];
			m->tab[n] = (dl_ngram_entry *)(uintptr_t)(p + h->off_tab[n]);
		}
	}
	if (check_vocab(&m->vocab, name, e) < 0) {
		free(m);
		return NULL;
	}
	m->map = (void *)(uintptr_t)data;      /* not owned: map_len 0 */
	m->map_len = 0;
	return m;
}

#define HUGE_PAGE ((size_t)2 << 20)

/* The file's bytes in fresh anonymous memory, on huge pages where the kernel gives them. */
static void *read_huge(int fd, size_t len, size_t *maplen)
{
	size_t ml = (len + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uint8_t *p = mmap(NULL, ml, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, ml, MADV_HUGEPAGE);
#endif
	for (size_t at = 0; at < len;) {
		ssize_t n = read(fd, p + at, len - at > (1 << 24) ? (1 << 24) : len - at);
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;
			munmap(p, ml);
			errno = err;
			return NULL;
		}
		at += (size_t)n;
	}
	*maplen = ml;
	return p;
}

dl_ngram_model *dl_ngram_binary_load(const char *path, unsigned flags, dl_err *e)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	size_t maplen;
	void *p;
	if (fd < 0)
		return dl_errf(e, "%s: %s", path, strerror(errno)), NULL;
	if (fstat(fd, &st) < 0) {
		dl_errf(e, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	size_t len = (size_t)st.st_size;
	if (len < sizeof(struct dl_ngram_bin_header)) {
		close(fd);
		return dl_errf(e, "%s: truncated binary model (%zu bytes, shorter than its "
			       "header)", path, len), NULL;
	}
	if (flags & DL_NGRAM_LOAD_MMAP) {
		maplen = len;
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			p = NULL;
	} else {
		p = read_huge(fd, len, &maplen);
	}
	int err = errno;
	close(fd);
	if (!p)
		return dl_errf(e, "%s: cannot load: %s", path, strerror(err)), NULL;
	dl_ngram_model *m = dl_ngram_binary_open_mem(p, len, path, e);
	if (!m) {
		munmap(p, maplen);
		return NULL;
	}
	m->map_len = maplen;
	return m;
}

void dl_ngram_binary_unmap(dl_ngram_model *m)
{
	if (m->map && m->map_len)
		munmap(m->map, m->map_len);
	m->map = NULL;
}
