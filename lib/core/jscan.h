/*
 * jscan.h — a forward scanner over JSON text (RFC 8259), for documents too large to hold
 * as a tree of cJSON nodes: the long numeric arrays of model files are read straight into
 * arrays of doubles, and any other value is skipped over and its text returned, so that the
 * small parts of a document can still go to cJSON.
 *
 * Calls return 0 (or a count) on success and -1 at the first byte that does not fit, with
 * the scanner left there (dl_jscan_offset tells where). Skipping checks that brackets
 * match and strings and literals are well formed, not the whole grammar: text that is
 * handed to cJSON afterwards is checked again there.
 */
#ifndef DL_CORE_JSCAN_H
#define DL_CORE_JSCAN_H
#include <stddef.h>

typedef struct dl_jscan {
	const char *begin, *p, *end;
} dl_jscan;

void dl_jscan_init(dl_jscan *s, const char *text, size_t len);
/* The next byte after blanks, not consumed; -1 at the end of the text. */
int dl_jscan_peek(dl_jscan *s);
/* Consumes byte c after blanks. */
int dl_jscan_eat(dl_jscan *s, int c);
/* A string: *str and *len are its raw bytes between the quotes (escapes as written). */
int dl_jscan_string(dl_jscan *s, const char **str, size_t *len);
/* Skips one value; *start and *stop (may be NULL) delimit its text. */
int dl_jscan_skip(dl_jscan *s, const char **start, const char **stop);
/* A number. */
int dl_jscan_number(dl_jscan *s, double *out);
/* An array; every element that is a number is stored, any other becomes NaN (JSON has no
 * NaN, so callers can tell). *out is malloc'd (NULL for an empty array), *n its length. */
int dl_jscan_numbers(dl_jscan *s, double **out, size_t *n);
/* The elements of an array or object whose opening bracket was consumed, one a call:
 * *started is 0 before the first. Returns 1 when an element follows (after the comma, from
 * the second on), 0 when the closing byte close does (consumed), -1 on anything else. */
int dl_jscan_item(dl_jscan *s, int *started, int close);
/* The members of an object whose '{' was consumed, one a call: *started is 0 before the
 * first. Returns 1 with *key and *len the next member's key (its value follows), 0 when the
 * object closed (the '}' consumed), -1 on anything else. */
int dl_jscan_member(dl_jscan *s, int *started, const char **key, size_t *len);
/* After an element of an array or object: 1 when a comma follows (consumed), 0 when the
 * closing byte close does (consumed), -1 otherwise. */
int dl_jscan_next(dl_jscan *s, int close);
/* The byte offset of the scanner in the text. */
size_t dl_jscan_offset(const dl_jscan *s);
#endif
