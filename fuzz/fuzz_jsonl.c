/*
 * fuzz_jsonl.c — libFuzzer target for the JSON-lines reader and writer (lib/record/jsonl.c).
 *
 * The input is a stream of JSON lines. Properties checked:
 *   - round trip: every Example read, written back with dl_jsonl_write and parsed again,
 *     gives the same features (names, kinds, values, order; floats bit for bit, so NaN
 *     payloads and -0 count), and writing that again gives the same line, which is one line
 *     ending in '\n';
 *   - the stream reader (dl_jsonl_read over a memory dl_in) and the line parser
 *     (dl_jsonl_parse on each line, split here on '\n', with a leading UTF-8 BOM dropped)
 *     agree: same number of Examples, the same first failing line, and the stream's
 *     message is "NAME:LINE: " followed by the line parser's;
 *   - every error has a message.
 * gzip input (the stream reader inflates it) is read and round-tripped but not split.
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "record/example.h"
#include "record/jsonl.h"

#define NAME "fuzz.jsonl"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_jsonl: property broken: %s%s%s\n", what,
		msg ? ": " : "", msg ? msg : "");
	abort();
}

static int same_feature(const dl_example *a, const dl_feature *fa,
			const dl_example *b, const dl_feature *fb)
{
	size_t n = fa->count;

	if (fa->name_len != fb->name_len || fa->kind != fb->kind || n != fb->count ||
	    memcmp(dl_feature_name(a, fa), dl_feature_name(b, fb), fa->name_len))
		return 0;
	switch (fa->kind) {
	case DL_FEATURE_NONE:
		return 1;
	case DL_FEATURE_FLOAT:
		return !n || !memcmp(dl_feature_floats(a, fa), dl_feature_floats(b, fb), n * sizeof(float));
	case DL_FEATURE_INT64:
		return !n || !memcmp(dl_feature_ints(a, fa), dl_feature_ints(b, fb), n * sizeof(int64_t));
	case DL_FEATURE_BYTES:
		for (size_t i = 0; i < n; i++) {
			size_t la, lb;
			const uint8_t *pa = dl_feature_bytes(a, fa, i, &la);
			const uint8_t *pb = dl_feature_bytes(b, fb, i, &lb);
			if (la != lb || (la && memcmp(pa, pb, la)))
				return 0;
		}
		return 1;
	}
	return 0;
}

/* Write, parse, compare, write again. */
static void round_trip(const dl_example *ex)
{
	dl_buf l1 = {0}, l2 = {0};
	dl_example back;
	dl_err e;

	dl_jsonl_write(ex, &l1);
	if (!l1.len || l1.data[l1.len - 1] != '\n' || memchr(l1.data, '\n', l1.len - 1))
		broken("written Example is not one line ending in a newline", NULL);
	dl_example_init(&back);
	e.msg[0] = '\0';
	if (dl_jsonl_parse(&back, (const char *)l1.data, l1.len, &e) != 1) {
		fprintf(stderr, "line: %.*s", (int)l1.len, (const char *)l1.data);
		broken("a written line does not parse back", e.msg);
	}
	if (back.nfeat != ex->nfeat)
		broken("feature count changed in the round trip", NULL);
	for (size_t i = 0; i < ex->nfeat; i++)
		if (!same_feature(ex, &ex->feat[i], &back, &back.feat[i])) {
			fprintf(stderr, "line: %.*s", (int)l1.len, (const char *)l1.data);
			broken("a feature changed in the round trip", dl_feature_name(ex, &ex->feat[i]));
		}
	dl_jsonl_write(&back, &l2);
	if (l1.len != l2.len || memcmp(l1.data, l2.data, l1.len))
		broken("writing is not stable over a round trip", NULL);
	dl_example_free(&back);
	dl_buf_free(&l1);
	dl_buf_free(&l2);
}

struct outcome {
	int status;             /* 0 clean end, -1 error */
	uint64_t nex;           /* Examples before the end or the error */
	uint64_t line;          /* the failing line (line parser only) */
	dl_err e;
};

static void read_stream(const uint8_t *data, size_t size, struct outcome *o, int *plain)
{
	dl_in *in = dl_in_open_mem(data, size, NAME, 0);
	dl_example ex;
	int rc;

	dl_example_init(&ex);
	memset(o, 0, sizeof *o);
	while ((rc = dl_jsonl_read(in, &ex, &o->e)) == 1) {
		round_trip(&ex);
		o->nex++;
	}
	if (rc != 0 && rc != -1)
		broken("dl_jsonl_read returned neither 1, 0 nor -1", NULL);
	if (rc == -1 && !o->e.msg[0])
		broken("read error without a message", NULL);
	o->status = rc;
	*plain = dl_in_compression(in) == DL_COMPRESS_NONE;
	dl_example_free(&ex);
	dl_in_close(in);
}

static void parse_lines(const uint8_t *data, size_t size, struct outcome *o)
{
	const uint8_t *p = data, *end = data + size;
	dl_example ex;

	dl_example_init(&ex);
	memset(o, 0, sizeof *o);
	if (size >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		o->line++;
		int rc = dl_jsonl_parse(&ex, (const char *)p, len, &o->e);
		if (rc < -1 || rc > 1)
			broken("dl_jsonl_parse returned neither 1, 0 nor -1", NULL);
		if (rc == -1) {
			if (!o->e.msg[0])
				broken("parse error without a message", NULL);
			o->status = -1;
			break;
		}
		o->nex += (uint64_t)rc;
		p += len + (nl != NULL);
	}
	dl_example_free(&ex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome rd, ln;
	int plain;

	read_stream(data, size, &rd, &plain);
	if (!plain)
		return 0;
	parse_lines(data, size, &ln);
	if (rd.status != ln.status || rd.nex != ln.nex) {
		fprintf(stderr, "stream: %d after %llu (%s); lines: %d after %llu (%s)\n",
			rd.status, (unsigned long long)rd.nex, rd.e.msg, ln.status,
			(unsigned long long)ln.nex, ln.e.msg);
		broken("the stream reader and the line parser disagree", NULL);
	}
	if (rd.status == -1) {
		char want[sizeof ln.e.msg + 64];
		snprintf(want, sizeof want, NAME ":%llu: %s", (unsigned long long)ln.line, ln.e.msg);
		/* Both messages may have been cut at the size of a dl_err. */
		if (strncmp(want, rd.e.msg, sizeof rd.e.msg - 1)) {
			fprintf(stderr, "stream: %s\nwanted: %s\n", rd.e.msg, want);
			broken("the stream's message is not NAME:LINE: and the line's message", NULL);
		}
	}
	return 0;
}
