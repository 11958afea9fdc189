/*
 * ids.c — parsing token ids from text lines (formats in ids.h).
 */
#include "config.h"
#include "tokenize/ids.h"
#include "core/alloc.h"

#include <cjson/cJSON.h>
#include <string.h>

static int push(int64_t v, uint32_t limit, uint32_t **ids, size_t *n, size_t *cap, dl_err *e)
{
	if (v < 0 || v >= (int64_t)limit)
		return dl_errf(e, "id %lld is not in the model (ids run from 0 to %u)", (long long)v,
			       limit - 1);
	DL_GROW(*ids, *cap, *n + 1);
	(*ids)[(*n)++] = (uint32_t)v;
	return 0;
}

static int is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int dl_ids_parse_text(const char *line, size_t n, uint32_t limit, uint32_t **ids,
		      size_t *n_ids, size_t *cap, dl_err *e)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && is_sep(line[i]))
			i++;
		if (i == n)
			break;
		size_t start = i;
		int64_t v = 0;
		while (i < n && line[i] >= '0' && line[i] <= '9' && v < ((int64_t)1 << 40))
			v = v * 10 + (line[i++] - '0');
		if (i == start || (i < n && !is_sep(line[i]))) {
			size_t end = start;
			while (end < n && !is_sep(line[end]))
				end++;
			return dl_errf(e, "'%.*s' is not a token id",
				       (int)(end - start > 40 ? 40 : end - start), line + start);
		}
		if (push(v, limit, ids, n_ids, cap, e) < 0)
			return -1;
	}
	return 0;
}

int dl_ids_parse_json(const char *line, size_t n, uint32_t limit, uint32_t **ids,
		      size_t *n_ids, size_t *cap, dl_err *e)
{
	cJSON *j = cJSON_ParseWithLength(line, n);
	const cJSON *arr = j && cJSON_IsObject(j) ? cJSON_GetObjectItemCaseSensitive(j, "ids") : j;
	int rc = 0;
	if (!arr || !cJSON_IsArray(arr)) {
		rc = dl_errf(e, "expected {\"ids\": [...]} or a JSON array of ids");
		goto out;
	}
	const cJSON *v;
	cJSON_ArrayForEach(v, arr) {
		if (!cJSON_IsNumber(v) || v->valuedouble < -1e15 || v->valuedouble > 1e15 ||
		    v->valuedouble != (double)(int64_t)v->valuedouble) {
			rc = dl_errf(e, "ids must be integers");
			goto out;
		}
		if ((rc = push((int64_t)v->valuedouble, limit, ids, n_ids, cap, e)) < 0)
			goto out;
	}
out:
	cJSON_Delete(j);
	return rc;
}
