/*
 * fuzz_features_spec.c — libFuzzer target for the feature-column spec and FITTED.json
 * readers (lib/features/spec.c, fitted.c).
 *
 * The input is read both as a spec and as a FITTED.json. Properties checked:
 *   - every error has a message;
 *   - a spec that parses has columns with names, and its FITTED.json (written as fit would
 *     write it for a spec with nothing learned) reads back, and writes the same bytes again;
 *   - a FITTED.json that reads writes one that reads back to the same bytes.
 * Vocabulary files named by a spec are not read (a spec from the fuzzer could name any
 * file): the spec is parsed as a FITTED.json's spec is.
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "features/spec.h"
#include "features/specpriv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const dl_fspec *s)
{
	dl_buf a = { 0 }, b = { 0 };
	dl_err e;
	dl_fspec *t;

	dl_fspec_write_fitted(s, &a);
	t = dl_fspec_read_fitted((const char *)a.data, a.len, &e);
	if (!t)
		abort();
	dl_fspec_write_fitted(t, &b);
	if (a.len != b.len || memcmp(a.data, b.data, a.len))
		abort();
	dl_fspec_free(t);
	dl_buf_free(&a);
	dl_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dl_err e;
	cJSON *root = cJSON_ParseWithLength((const char *)data, size);
	dl_fspec *s;

	if (root) {
		e.msg[0] = '\0';
		s = dl_fspec_from_json(root, 0, NULL, &e);
		if (!s && !e.msg[0])
			abort();
		if (s) {
			for (size_t i = 0; i < s->ncol; i++)
				if (!s->col[i].name || !*s->col[i].name)
					abort();
			/* Nothing learned: what fit writes for an empty training set. */
			int plain = 1;
			for (size_t i = 0; i < s->ncol; i++)
				if (dl_fcol_needs_fit(s, i) || s->col[i].type == DL_FC_VOCAB_FILE)
					plain = 0;
			if (plain) {
				s->fitted = 1;
				round_trip(s);
			}
			dl_fspec_free(s);
		}
		cJSON_Delete(root);
	}
	e.msg[0] = '\0';
	s = dl_fspec_read_fitted((const char *)data, size, &e);
	if (!s && !e.msg[0])
		abort();
	if (s) {
		round_trip(s);
		dl_fspec_free(s);
	}
	return 0;
}
