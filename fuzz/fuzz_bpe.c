/*
 * fuzz_bpe.c — libFuzzer target for the BPE model loaders (lib/tokenize/modelio.c) and the
 * parsers of token ids (lib/tokenize/ids.c).
 *
 * The first byte picks the parser; the rest is its input:
 *   0  our JSON model       — if it loads, it is written and read back to the same tokens,
 *                             specials and pattern, and every token encodes to its own id;
 *   1  a tiktoken rank file — the same round trip through our JSON;
 *   2  GPT-2's encoder.json and vocab.bpe, split at the first 0xFF byte;
 *   3  a line of ids as text, 4 a line of ids as JSON — parsed against a limit of 1000:
 *                             success means every id is below it.
 * Nothing may crash, leak or die; a broken invariant aborts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/io.h"
#include "tokenize/ids.h"
#include "tokenize/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_bpe: invariant broken: %s\n", what);
	abort();
}

static void put_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
		broken("cannot write a temporary file");
}

/* m written as JSON and read back must be the same model. */
static void round_trip(const dl_bpe *m, const char *dir)
{
	char path[256];
	snprintf(path, sizeof path, "%s/back.json", dir);
	dl_out *out = dl_out_open(path, DL_COMPRESS_NONE);
	dl_bpe_save_json(m, out);
	dl_out_close(out);
	dl_err e;
	dl_bpe *b = dl_bpe_load_json(path, &e);
	if (!b)
		broken(e.msg);
	if (dl_bpe_ntokens(b) != dl_bpe_ntokens(m) || dl_bpe_nspecial(b) != dl_bpe_nspecial(m) ||
	    dl_bpe_pattern(b) != dl_bpe_pattern(m) || dl_bpe_id_limit(b) != dl_bpe_id_limit(m))
		broken("the model read back differs");
	dl_bpe_encoder *enc = dl_bpe_encoder_new(m);
	uint32_t *ids = NULL;
	size_t cap = 0;
	for (uint32_t id = 0; id < dl_bpe_id_limit(m); id++) {
		size_t la, lb;
		const uint8_t *ta = dl_bpe_token(m, id, &la), *tb = dl_bpe_token(b, id, &lb);
		if (!ta != !tb || (ta && (la != lb || memcmp(ta, tb, la))))
			broken("a token read back differs");
		if (!ta || id >= dl_bpe_ntokens(m) || dl_bpe_rank(m, ta, la) != id)
			continue;
		/* A token's own bytes encode to itself. */
		size_t n = 0;
		dl_bpe_encode_piece(enc, ta, la, &ids, &n, &cap);
		if (n != 1 || ids[0] != id)
			broken("a token does not encode to itself");
	}
	free(ids);
	dl_bpe_encoder_free(enc);
	dl_bpe_free(b);
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int kind = data[0] % 5;
	data++;
	size--;
	char dir[] = "/tmp/fuzz_bpe.XXXXXX";
	if (!mkdtemp(dir))
		broken("cannot make a temporary directory");
	char a[256], b[256];
	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	dl_err e;
	dl_bpe *m = NULL;
	if (kind == 0) {
		put_file(a, data, size);
		m = dl_bpe_load_json(a, &e);
	} else if (kind == 1) {
		put_file(a, data, size);
		m = dl_bpe_load_tiktoken(a, DL_PRETOK_CL100K, &e);
	} else if (kind == 2) {
		const uint8_t *cut = memchr(data, 0xff, size);
		size_t k = cut ? (size_t)(cut - data) : size;
		put_file(a, data, k);
		put_file(b, cut ? cut + 1 : data, cut ? size - k - 1 : 0);
		m = dl_bpe_load_gpt2(a, b, &e);
	} else {
		uint32_t *ids = NULL;
		size_t n = 0, cap = 0;
		int rc = kind == 3 ? dl_ids_parse_text((const char *)data, size, 1000, &ids, &n, &cap, &e)
				   : dl_ids_parse_json((const char *)data, size, 1000, &ids, &n, &cap, &e);
		for (size_t i = 0; rc == 0 && i < n; i++)
			if (ids[i] >= 1000)
				broken("an id at or above the limit was accepted");
		if (rc < 0 && !e.msg[0])
			broken("an error without a message");
		free(ids);
	}
	if (m) {
		round_trip(m, dir);
		dl_bpe_free(m);
	} else if (kind <= 2 && !e.msg[0]) {
		broken("a load failed without a message");
	}
	unlink(a);
	unlink(b);
	rmdir(dir);
	return 0;
}
