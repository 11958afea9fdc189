/*
 * encode.c — the threaded read/encode/write pipeline of dl_encode_files.
 *
 * Encoding is a pipeline over blocks of text (tokenize/blocks.h). The segments of a block
 * (lines, or parts of a whole-file document cut at safe points) are encoded in chunks, each
 * chunk into an output slot of its own, and blocks are written in input order, slot by
 * slot. The threads share three kinds of task, taken under one lock in this order of
 * preference: write the oldest block once all of its chunks are done, read the next block
 * while fewer than TEXT_BUFS are in flight, encode the next chunk of the oldest block that
 * has one. So reading and writing overlap encoding, and no thread waits for the others
 * between blocks. A block in flight owns a set of segments and slots (struct encode_set)
 * and one of the text source's buffers, both given back when it is written.
 *
 * Ids are written as text from a table of their digits made once (id_cells): one 8-byte
 * copy an id. A whole-file document streams out block by block in text and JSON lines; a
 * record needs all of its ids, which are gathered first.
 */
#include "tokenize/encode.h"
#include "core/alloc.h"
#include "core/threads.h"
#include "record/crc32c.h"
#include "record/example.h"
#include "tokenize/blocks.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ENCODE_BLOCK ((size_t)1 << 20)  /* text read per batch */
#define ENCODE_PART ((size_t)16 << 10)  /* a segment of a whole-file document */
#define TEXT_BUFS 2                     /* blocks in flight */

/* A block in flight: its text, its segments and its chunks' output slots. */
struct encode_set {
	const uint8_t *text;
	int first, last;        /* the block starts / ends a file */
	const char *name;       /* where it comes from, for messages */
	uint64_t off, line;
	size_t *seg, segcap;    /* segment boundaries seg[0..nseg] */
	size_t nseg, chunk, nslots, slotcap;
	size_t taken, done;     /* chunks handed out, chunks finished */
	/* per slot */
	dl_buf *out;            /* formatted output (all but whole-file records) */
	uint32_t **ids;         /* ids (whole-file records) */
	size_t *nids, *capids;
	size_t *ntok;           /* ids encoded */
	size_t *bad_seg, *bad_off, *bad_sp;     /* the first disallowed special, if any */
};

struct encode_job {
	const struct dl_encode_opts *o;
	int threads;
	dl_bpe_encoder **enc;   /* per thread */
	const char **sp;
	const enum dl_special_use *use;
	const uint8_t (*cells)[8];      /* see id_cells; NULL: none */
	uint32_t ncells;
	char sep;
	/* per thread */
	uint32_t **tids;
	size_t *tcap;
	dl_example *ex;
	dl_buf *scratch;
	/* the pipeline, under mu: blocks read_seq - written_seq (at most TEXT_BUFS) are in
	 * flight, block b in set[b % TEXT_BUFS] */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct encode_set set[TEXT_BUFS];
	uint64_t read_seq, written_seq;
	int reading, writing, eof;
	struct encode_set *bad;         /* a block with a disallowed special: stop */
	size_t bad_slot;
	int failed;                     /* the input could not be read (err): stop */
	dl_err err;
	/* the input and the output (one thread at a time: the reader, the writer) */
	dl_text_source *src;
	unsigned cuts;          /* the safe cuts allowed (DL_CUT_*) */
	dl_out *out;
	uint64_t doc_ids;       /* ids written of the whole-file document being written */
	uint32_t *doc;          /* whole-file records: the document's ids */
	size_t ndoc, doccap;
	dl_buf record;
	struct dl_encode_stats st;      /* written so far */
};

/* Writes v in decimal at q; returns the end. Two digits per division, written from the end. */
static inline uint8_t *put_u32(uint8_t *q, uint32_t v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
				    "31323334353637383940414243444546474849505152535455565758596061"
				    "62636465666768697071727374757677787980818283848586878889909192"
				    "93949596979899";
	int len = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5
		: v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
	uint8_t *e = q + len;
	while (v >= 100) {
		uint32_t r = v % 100;
		v /= 100;
		e -= 2;
		e[0] = (uint8_t)pairs[2 * r];
		e[1] = (uint8_t)pairs[2 * r + 1];
	}
	if (v >= 10) {
		e[-2] = (uint8_t)pairs[2 * v];
		e[-1] = (uint8_t)pairs[2 * v + 1];
	} else {
		e[-1] = (uint8_t)('0' + v);
	}
	return q + len;
}

/* The text of every id below limit (at most 10^6) with sep before it, one 8-byte cell each:
 * the separator and the digits, then in the last byte their count. An id is written as one
 * 8-byte copy, and the output moves on by the count. */
static uint8_t (*id_cells(uint32_t limit, char sep))[8]
{
	uint8_t (*c)[8] = dl_calloc(limit ? limit : 1, sizeof *c);
	for (uint32_t id = 0; id < limit; id++) {
		c[id][0] = (uint8_t)sep;
		c[id][7] = (uint8_t)(put_u32(c[id] + 1, id) - c[id]);
	}
	return c;
}

/* Appends each id with sep before it to b; cells as id_cells made them for sep, for all ids
 * below ncells (the model's id limit, which no id reaches), or NULL. */
static void put_sep_ids(dl_buf *b, const uint32_t *ids, size_t n, char sep,
			const uint8_t (*cells)[8], uint32_t ncells)
{
	if (!cells) {
		dl_buf_reserve(b, n * 11);
		uint8_t *q = b->data + b->len;
		for (size_t i = 0; i < n; i++) {
			*q++ = (uint8_t)sep;
			q = put_u32(q, ids[i]);
		}
		b->len = (size_t)(q - b->data);
		return;
	}
	/* A cell moves the output on by at most 7 bytes, and writes 8. */
	dl_buf_reserve(b, n * 7 + 1);
	uint8_t *q = b->data + b->len;
	for (size_t i = 0; i < n; i++) {
		uint32_t id = ids[i] < ncells ? ids[i] : 0;
		if (id != ids[i])
			dl_die("internal error: id %u out of the model's range", ids[i]);
		memcpy(q, cells[id], 8);
		q += cells[id][7];
	}
	b->len = (size_t)(q - b->data);
}

/* Appends the ids to b, separated by sep, between head and tail. */
static void put_ids(dl_buf *b, const uint32_t *ids, size_t n, char sep, const char *head,
		    const char *tail, const uint8_t (*cells)[8], uint32_t ncells)
{
	size_t hl = strlen(head), tl = strlen(tail);
	dl_buf_reserve(b, hl + 11);
	memcpy(b->data + b->len, head, hl);
	b->len += hl;
	if (n) {
		b->len = (size_t)(put_u32(b->data + b->len, ids[0]) - b->data);
		put_sep_ids(b, ids + 1, n - 1, sep, cells, ncells);
	}
	dl_buf_append(b, tail, tl);
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Appends one document's ids to b in the output format. */
static void format_doc(const struct encode_job *j, const uint32_t *ids, size_t n, dl_buf *b,
		       dl_example *ex, dl_buf *scratch)
{
	enum dl_ids_format f = j->o->format;
	if (f == DL_IDS_TEXT) {
		put_ids(b, ids, n, ' ', "", "\n", j->cells, j->ncells);
	} else if (f == DL_IDS_JSONL) {
		put_ids(b, ids, n, ',', "{\"ids\":[", "]}\n", j->cells, j->ncells);
	} else {
		dl_example_clear(ex);
		dl_example_add(ex, "ids", 3, DL_FEATURE_INT64);
		for (size_t i = 0; i < n; i++)
			dl_example_add_int64(ex, ids[i]);
		scratch->len = 0;
		dl_example_encode(ex, scratch);
		uint8_t h[12], f4[4];
		put_le(h, scratch->len, 8);
		put_le(h + 8, dl_crc32c_mask(dl_crc32c(0, h, 8)), 4);
		put_le(f4, dl_crc32c_mask(dl_crc32c(0, scratch->data, scratch->len)), 4);
		dl_buf_append(b, h, 12);
		dl_buf_append(b, scratch->data, scratch->len);
		dl_buf_append(b, f4, 4);
	}
}

/* Reads the next block into set s and cuts it into segments and chunks. Returns 0 at the
 * end of the input, -1 with j->err filled when it cannot be read. */
static int read_block(struct encode_job *j, struct encode_set *s)
{
	struct dl_text_block b;
	int rc = dl_text_next(j->src, &b, &j->err);
	if (rc <= 0)
		return rc;
	s->text = b.p;
	s->first = b.first;
	s->last = b.last;
	s->name = b.name;
	s->off = b.off;
	s->line = b.line;
	s->nseg = dl_text_split(s->text, b.n, j->o->lines, j->cuts, ENCODE_PART, &s->seg,
				&s->segcap);
	/* Two chunks a thread: with the blocks in flight, enough to keep the threads busy,
	 * and large enough that their output is written without a copy (dl_out_write takes
	 * 256 KiB or more straight to the file). The last block of the input is cut finer,
	 * so that the threads finish together. One thread takes a block in one chunk. */
	s->chunk = j->threads == 1 ? s->nseg + 1
		 : s->nseg / ((size_t)j->threads * (b.final ? 16 : 2)) + 1;
	if (j->o->lines)
		s->chunk += s->chunk & 1;       /* keep a line with its '\n' */
	s->nslots = (s->nseg + s->chunk - 1) / s->chunk;
	s->taken = s->done = 0;
	if (s->nslots > s->slotcap) {
		size_t k = s->nslots;
		s->out = dl_reallocarray(s->out, k, sizeof *s->out);
		s->ids = dl_reallocarray(s->ids, k, sizeof *s->ids);
		s->capids = dl_reallocarray(s->capids, k, sizeof *s->capids);
		memset(s->out + s->slotcap, 0, (k - s->slotcap) * sizeof *s->out);
		memset(s->ids + s->slotcap, 0, (k - s->slotcap) * sizeof *s->ids);
		memset(s->capids + s->slotcap, 0, (k - s->slotcap) * sizeof *s->capids);
		s->nids = dl_reallocarray(s->nids, k, sizeof *s->nids);
		s->ntok = dl_reallocarray(s->ntok, k, sizeof *s->ntok);
		s->bad_seg = dl_reallocarray(s->bad_seg, k, sizeof *s->bad_seg);
		s->bad_off = dl_reallocarray(s->bad_off, k, sizeof *s->bad_off);
		s->bad_sp = dl_reallocarray(s->bad_sp, k, sizeof *s->bad_sp);
		s->slotcap = k;
	}
	return 1;
}

/* Writes slots [0, nslots) of set s, in order, with what goes around them. */
static void write_slots(struct encode_job *j, struct encode_set *s, size_t nslots)
{
	const struct dl_encode_opts *o = j->o;
	if (o->lines) {
		for (size_t i = 0; i < nslots; i++) {
			dl_out_write(j->out, s->out[i].data, s->out[i].len);
			j->st.tokens += s->ntok[i];
		}
		return;
	}
	if (o->format == DL_IDS_RECORDS) {
		/* A record needs the whole document's ids. */
		for (size_t i = 0; i < nslots; i++) {
			DL_GROW(j->doc, j->doccap, j->ndoc + s->nids[i]);
			memcpy(j->doc + j->ndoc, s->ids[i], s->nids[i] * sizeof *j->doc);
			j->ndoc += s->nids[i];
		}
		return;
	}
	/* Text and JSON lines stream out; each id came with a separator before it, but the
	 * document's first. */
	if (s->first && o->format == DL_IDS_JSONL)
		dl_out_puts(j->out, "{\"ids\":[");
	for (size_t i = 0; i < nslots; i++) {
		int skip = s->out[i].len && !j->doc_ids;
		dl_out_write(j->out, s->out[i].data + skip, s->out[i].len - (size_t)skip);
		j->doc_ids += s->ntok[i];
	}
}

/* Writes the output of the block in set s and returns 1. At a disallowed special token
 * it writes only what comes before it with --lines (else nothing) and returns 0, the
 * token's slot in *bad. */
static int write_block(struct encode_job *j, struct encode_set *s, int tid, size_t *bad)
{
	const struct dl_encode_opts *o = j->o;
	for (size_t i = 0; i < s->nslots; i++) {
		if (s->bad_seg[i] != SIZE_MAX) {
			if (o->lines)
				write_slots(j, s, i);
			*bad = i;
			return 0;
		}
	}
	write_slots(j, s, s->nslots);
	if (o->lines) {
		j->st.docs += s->nseg / 2;
		return 1;
	}
	if (!s->last)
		return 1;
	if (o->format == DL_IDS_RECORDS) {
		j->record.len = 0;
		format_doc(j, j->doc, j->ndoc, &j->record, &j->ex[tid], &j->scratch[tid]);
		dl_out_write(j->out, j->record.data, j->record.len);
		j->st.tokens += j->ndoc;
		j->ndoc = 0;
	} else {
		dl_out_puts(j->out, o->format == DL_IDS_TEXT ? "\n" : "]}\n");
		j->st.tokens += j->doc_ids;
		j->doc_ids = 0;
	}
	j->st.docs++;
	return 1;
}

/* Names the disallowed special token that stopped the pipeline in e; returns -1. */
static int bad_special(const struct encode_job *j, dl_err *e)
{
	const struct encode_set *s = j->bad;
	size_t d = s->bad_seg[j->bad_slot];
	const char *sp = j->sp[s->bad_sp[j->bad_slot]];
	if (j->o->lines)
		return dl_errf(e, "%s: line %" PRIu64 ": the text holds the special token %s "
			       "(--allowed-special to encode it as one token, "
			       "--disallowed-special none to encode it as text)",
			       s->name, s->line + d / 2, sp);
	return dl_errf(e, "%s: byte offset %" PRIu64 ": the text holds the special token %s "
		       "(--allowed-special to encode it as one token, "
		       "--disallowed-special none to encode it as text)",
		       s->name, s->off + s->seg[d] + s->bad_off[j->bad_slot], sp);
}

/* Encodes chunk c of set s into its slot. */
static void encode_chunk(struct encode_job *j, struct encode_set *s, size_t c, int tid)
{
	const struct dl_encode_opts *o = j->o;
	size_t slot = c, begin = c * s->chunk;
	size_t end = begin + s->chunk < s->nseg ? begin + s->chunk : s->nseg;
	int to_slot = !o->lines && o->format == DL_IDS_RECORDS;    /* ids kept for the record */
	uint32_t **dst = to_slot ? &s->ids[slot] : &j->tids[tid];
	size_t *dc = to_slot ? &s->capids[slot] : &j->tcap[tid], nids = 0;
	size_t *dn = to_slot ? &s->nids[slot] : &nids;
	size_t bytes = s->seg[end] - s->seg[begin];
	s->out[slot].len = 0;
	s->ntok[slot] = 0;
	s->nids[slot] = 0;
	s->bad_seg[slot] = SIZE_MAX;
	/* Room for what text usually becomes, at once: growing by doubling would touch (and
	 * copy) each buffer's memory twice over. */
	if (to_slot)
		DL_GROW(*dst, *dc, bytes / 2 + 16);
	else
		dl_buf_reserve(&s->out[slot], bytes * 3 + 64);
	for (size_t d = begin; d < end; d++) {
		if (o->lines && (d & 1))
			continue;
		const uint8_t *p = s->text + s->seg[d];
		size_t n = s->seg[d + 1] - s->seg[d], bad = 0, k, from = *dn;
		if (!to_slot)
			*dn = from = 0;
		DL_GROW(*dst, *dc, from + n / 3 + 16);  /* most text takes over 3 bytes a token */
		k = dl_bpe_encode(j->enc[tid], p, n, j->use, dst, dn, dc, &bad);
		if (k < n) {
			s->bad_seg[slot] = d;
			s->bad_off[slot] = k;
			s->bad_sp[slot] = bad;
			break;
		}
		s->ntok[slot] += *dn - from;
		if (o->lines)
			format_doc(j, *dst, *dn, &s->out[slot], &j->ex[tid], &j->scratch[tid]);
		else if (!to_slot)
			put_sep_ids(&s->out[slot], *dst, *dn, j->sep, j->cells, j->ncells);
	}
}

/* A thread of the pipeline: takes tasks until the input is written, or stopped. Called
 * with j->mu held; returns with it held. */
static void pipeline(struct encode_job *j, int tid)
{
	for (;;) {
		struct encode_set *w = &j->set[j->written_seq % TEXT_BUFS];
		if (j->bad || j->failed)
			return;
		if (!j->writing && j->written_seq < j->read_seq && w->done == w->nslots) {
			size_t bad = 0;
			j->writing = 1;
			pthread_mutex_unlock(&j->mu);
			int ok = write_block(j, w, tid, &bad);
			pthread_mutex_lock(&j->mu);
			j->writing = 0;
			j->written_seq += ok;
			if (!ok) {
				j->bad = w;
				j->bad_slot = bad;
			}
			pthread_cond_broadcast(&j->cv);
			continue;
		}
		if (!j->reading && !j->eof && j->read_seq - j->written_seq < TEXT_BUFS) {
			struct encode_set *r = &j->set[j->read_seq % TEXT_BUFS];
			j->reading = 1;
			pthread_mutex_unlock(&j->mu);
			int got = read_block(j, r);
			pthread_mutex_lock(&j->mu);
			j->reading = 0;
			j->read_seq += got > 0;
			j->eof = got <= 0;
			j->failed = got < 0;
			pthread_cond_broadcast(&j->cv);
			continue;
		}
		struct encode_set *e = NULL;
		for (uint64_t b = j->written_seq; b < j->read_seq && !e; b++)
			if (j->set[b % TEXT_BUFS].taken < j->set[b % TEXT_BUFS].nslots)
				e = &j->set[b % TEXT_BUFS];
		if (e) {
			size_t c = e->taken++;
			pthread_mutex_unlock(&j->mu);
			encode_chunk(j, e, c, tid);
			pthread_mutex_lock(&j->mu);
			if (++e->done == e->nslots)
				pthread_cond_broadcast(&j->cv);
			continue;
		}
		if (j->eof && j->written_seq == j->read_seq)
			return;
		pthread_cond_wait(&j->cv, &j->mu);
	}
}

static void encode_thread(void *ctx, size_t begin, size_t end, int tid)
{
	struct encode_job *j = ctx;
	(void)begin;
	(void)end;
	pthread_mutex_lock(&j->mu);
	pipeline(j, tid);
	pthread_mutex_unlock(&j->mu);
}

static void free_set(struct encode_set *s)
{
	for (size_t i = 0; i < s->slotcap; i++) {
		dl_buf_free(&s->out[i]);
		free(s->ids[i]);
	}
	free(s->seg);
	free(s->out);
	free(s->ids);
	free(s->nids);
	free(s->capids);
	free(s->ntok);
	free(s->bad_seg);
	free(s->bad_off);
	free(s->bad_sp);
}


int dl_encode_files(const struct dl_encode_opts *o, char **files, int nfiles,
		    struct dl_encode_stats *st, dl_err *e)
{
	const dl_bpe *m = o->model;
	int threads = o->threads, rc = 0;
	size_t ns = dl_bpe_nspecial(m);
	struct encode_job j;
	uint32_t id;
	memset(&j, 0, sizeof j);
	j.o = o;
	j.sp = dl_calloc(ns + 1, sizeof *j.sp);
	for (size_t i = 0; i < ns; i++)
		j.sp[i] = dl_bpe_special_name(m, i, &id);
	j.use = o->use;
	j.sep = o->format == DL_IDS_JSONL ? ',' : ' ';
	if (o->format != DL_IDS_RECORDS && dl_bpe_id_limit(m) <= 1000000) {
		j.ncells = dl_bpe_id_limit(m);
		j.cells = id_cells(j.ncells, j.sep);
	}
	j.enc = dl_calloc((size_t)threads, sizeof *j.enc);
	j.tids = dl_calloc((size_t)threads, sizeof *j.tids);
	j.tcap = dl_calloc((size_t)threads, sizeof *j.tcap);
	j.ex = dl_calloc((size_t)threads, sizeof *j.ex);
	j.scratch = dl_calloc((size_t)threads, sizeof *j.scratch);
	for (int i = 0; i < threads; i++) {
		j.enc[i] = dl_bpe_encoder_new(m);
		dl_example_init(&j.ex[i]);
	}
	dl_pool *pool = dl_pool_new(threads);
	j.out = o->out;
	j.threads = threads;
	pthread_mutex_init(&j.mu, NULL);
	pthread_cond_init(&j.cv, NULL);
	j.cuts = dl_text_allowed_cuts(dl_bpe_pattern(m), j.sp, ns);
	/* Small first blocks, growing: the other threads start sooner, and the first reads
	 * (which touch new memory) overlap encoding. */
	j.src = dl_text_open(files, nfiles, o->lines, j.cuts, ENCODE_BLOCK, TEXT_BUFS,
			     threads > 1 ? ENCODE_BLOCK / 16 : 0, o->quiet);
	/* One item a thread: each runs the pipeline until the end. */
	dl_pool_for(pool, (size_t)threads, 1, encode_thread, &j);
	if (j.failed) {
		if (e)
			*e = j.err;
		rc = -1;
	} else if (j.bad) {
		rc = bad_special(&j, e);
	}
	*st = j.st;
	pthread_mutex_destroy(&j.mu);
	pthread_cond_destroy(&j.cv);
	dl_text_close(j.src);
	for (int i = 0; i < threads; i++) {
		dl_bpe_encoder_free(j.enc[i]);
		dl_example_free(&j.ex[i]);
		dl_buf_free(&j.scratch[i]);
		free(j.tids[i]);
	}
	for (int i = 0; i < TEXT_BUFS; i++)
		free_set(&j.set[i]);
	free(j.enc);
	free(j.tids);
	free(j.tcap);
	free(j.ex);
	free(j.scratch);
	free((void *)j.cells);
	free(j.doc);
	dl_buf_free(&j.record);
	free(j.sp);
	dl_pool_free(pool);
	return rc;
}
