/*
 * fuzz_pretok.c — libFuzzer target for the pre-tokenizers (lib/tokenize/pretok.c).
 *
 * The input is the text, any bytes. For each of the four patterns it is cut from start to
 * end with dl_pretok_next. Properties checked:
 *   - every piece is at least one byte and no longer than what is left, so the pieces cover
 *     the text exactly;
 *   - no piece ends inside a valid UTF-8 sequence (a byte that starts none is a code point
 *     of its own, which a cut may follow);
 *   - DL_PRETOK_NONE gives the whole text as one piece;
 *   - cutting is deterministic: a second pass over a copy of the text gives the same pieces.
 * The fuzzer's buffer has exactly the input's size, so AddressSanitizer reports any read
 * past the end of the text (the lookaheads must stop there). A broken property aborts,
 * which libFuzzer reports as a crash; a matcher that is not linear shows as a timeout.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "tokenize/pretok.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(dl_pretok p, const char *what, size_t off)
{
	fprintf(stderr, "fuzz_pretok: property broken: %s: %s at byte %zu\n", dl_pretok_name(p),
		what, off);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	/* inner[i]: byte i continues a valid sequence started before it. */
	uint8_t *inner = calloc(size + 1, 1);
	uint8_t *copy = malloc(size);
	size_t *cuts = malloc(size * sizeof *cuts);
	if (!inner || !copy || !cuts)
		abort();
	for (size_t i = 0; i < size;) {
		uint32_t cp;
		size_t k = dl_utf8_decode(data + i, size - i, &cp);
		for (size_t j = 1; j < k; j++)
			inner[i + j] = 1;
		i += k ? k : 1;
	}
	memcpy(copy, data, size);

	for (int pi = DL_PRETOK_GPT2; pi <= DL_PRETOK_NONE; pi++) {
		dl_pretok p = (dl_pretok)pi;
		size_t off = 0, k = 0;
		while (off < size) {
			size_t l = dl_pretok_next(p, data + off, size - off);
			if (l < 1 || l > size - off)
				broken(p, "piece of a bad length", off);
			off += l;
			if (off < size && inner[off])
				broken(p, "cut inside a UTF-8 sequence", off);
			cuts[k++] = off;
		}
		if (p == DL_PRETOK_NONE && k != 1)
			broken(p, "more than one piece", 0);
		off = 0;
		for (size_t i = 0; i < k; i++) {
			off += dl_pretok_next(p, copy + off, size - off);
			if (off != cuts[i])
				broken(p, "another cut on the second pass", off);
		}
	}
	free(cuts);
	free(copy);
	free(inner);
	return 0;
}
