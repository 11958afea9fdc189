/*
 * check_pretok.c — unit tests for lib/tokenize's Unicode classes (unicode.c and the generated
 * unicode_tables.c) and pre-tokenization patterns (pretok.c).
 *
 *  - classes: spot checks of every class, the ranges UnicodeData.txt gives as First/Last
 *    pairs, and, where the Unicode data files are installed, every code point against
 *    UnicodeData.txt and PropList.txt read here;
 *  - hand-written splits for each pattern, each worked out from the regular expression;
 *  - a second, independent implementation of the patterns: a small backtracking matcher over
 *    code points that runs the regular expressions as written (alternation tried in order,
 *    greedy quantifiers giving back one at a time, negative lookahead), compared with the
 *    matchers on random texts full of the classes' edge cases and of invalid UTF-8;
 *  - goldens: tests/data/tokenize/cases.jsonl cut by tiktoken's own regular expressions
 *    (pieces-{gpt2,cl100k,o200k}.jsonl.gz, made by tests/golden/tokenize/make-expected.js);
 *  - properties on random bytes: pieces are at least one byte, cover the text, never cut a
 *    valid UTF-8 sequence; DL_PRETOK_NONE gives the whole text; long runs take linear time.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/io.h"
#include "core/utf8.h"
#include "testutil.h"
#include "tokenize/pretok.h"
#include "tokenize/unicode.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPAT 3   /* the patterns with a regular expression: GPT2, CL100K, O200K */

/* ================================================================== Unicode classes */

START_TEST(test_uc_spot)
{
	static const struct {
		uint32_t cp;
		unsigned cls;
	} t[] = {
		{'A', DL_UC_LU}, {'z', DL_UC_LL}, {'0', DL_UC_N}, {'9', DL_UC_N}, {' ', DL_UC_WS},
		{'\t', DL_UC_WS}, {'\n', DL_UC_WS}, {'\v', DL_UC_WS}, {'\f', DL_UC_WS}, {'\r', DL_UC_WS},
		{0, 0}, {'\'', 0}, {'_', 0}, {0x7F, 0},
		{0x85, DL_UC_WS}, {0xA0, DL_UC_WS}, {0x1680, DL_UC_WS}, {0x2000, DL_UC_WS},
		{0x200A, DL_UC_WS}, {0x2028, DL_UC_WS}, {0x2029, DL_UC_WS}, {0x202F, DL_UC_WS},
		{0x205F, DL_UC_WS}, {0x3000, DL_UC_WS},
		{0x180E, 0}, {0x200B, 0}, {0xFEFF, 0},   /* Cf, not White_Space */
		{0xE9, DL_UC_LL}, {0xC9, DL_UC_LU}, {0x17F, DL_UC_LL}, {0x212A, DL_UC_LU},
		{0x1C5, DL_UC_LT}, {0x1FFC, DL_UC_LT}, {0x2B0, DL_UC_LM}, {0x3005, DL_UC_LM},
		{0x295, DL_UC_LL},   /* Ll in Unicode 15.0 (Lo from 16.0 on) */
		{0x5D0, DL_UC_LO}, {0x4E00, DL_UC_LO}, {0x9FFF, DL_UC_LO}, {0xAC00, DL_UC_LO},
		{0xD7A3, DL_UC_LO}, {0x20000, DL_UC_LO}, {0x2A6DF, DL_UC_LO}, {0x31350, DL_UC_LO},
		{0x300, DL_UC_M}, {0x301, DL_UC_M}, {0x903, DL_UC_M}, {0x20DD, DL_UC_M},
		{0xE0100, DL_UC_M},
		{0x660, DL_UC_N}, {0xBD, DL_UC_N}, {0x2160, DL_UC_N}, {0x3007, DL_UC_N},
		{0x1F100, DL_UC_N},
		{0x378, 0}, {0xD800, 0}, {0xDFFF, 0}, {0xE000, 0}, {0xF8FF, 0}, {0xFFFD, 0},
		{0x1F600, 0}, {0xE0001, 0}, {0x10FFFF, 0}, {0x110000, 0}, {0xFFFFFFFF, 0},
		{0x2A6E0, 0},   /* just past a First/Last range */
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		ck_assert_msg(dl_uc_class(t[i].cp) == t[i].cls, "U+%04X: %#x, want %#x",
			      (unsigned)t[i].cp, dl_uc_class(t[i].cp), t[i].cls);
	ck_assert_str_eq(dl_uc_version(), "15.0.0");
}
END_TEST

/* The classes of every code point from the data files, when they are installed: NULL if not. */
static unsigned char *ucd_classes(void)
{
	FILE *f = fopen("/usr/share/unicode/UnicodeData.txt", "r");
	FILE *g = fopen("/usr/share/unicode/PropList.txt", "r");
	if (!f || !g) {
		if (f)
			fclose(f);
		if (g)
			fclose(g);
		return NULL;
	}
	static const struct {
		const char *gc;
		unsigned bits;
	} gcs[] = {
		{"Lu", DL_UC_LU}, {"Ll", DL_UC_LL}, {"Lt", DL_UC_LT}, {"Lm", DL_UC_LM}, {"Lo", DL_UC_LO},
		{"Mn", DL_UC_M}, {"Mc", DL_UC_M}, {"Me", DL_UC_M},
		{"Nd", DL_UC_N}, {"Nl", DL_UC_N}, {"No", DL_UC_N},
	};
	unsigned char *cls = calloc(0x110000, 1);
	ck_assert_ptr_nonnull(cls);
	char line[512], name[256], gc[8];
	unsigned cp, first = 0, lo, hi;
	while (fgets(line, sizeof line, f)) {
		ck_assert_int_eq(sscanf(line, "%x;%255[^;];%7[^;]", &cp, name, gc), 3);
		unsigned bits = 0;
		for (size_t i = 0; i < sizeof gcs / sizeof *gcs; i++)
			if (strcmp(gc, gcs[i].gc) == 0)
				bits = gcs[i].bits;
		size_t nl = strlen(name);
		if (nl > 8 && strcmp(name + nl - 8, ", First>") == 0) {
			first = cp;
			continue;
		}
		lo = nl > 7 && strcmp(name + nl - 7, ", Last>") == 0 ? first : cp;
		for (unsigned c = lo; c <= cp; c++)
			cls[c] = (unsigned char)bits;
	}
	while (fgets(line, sizeof line, g)) {
		if (strstr(line, "; White_Space ") == NULL)
			continue;
		int k = sscanf(line, "%x..%x", &lo, &hi);
		ck_assert_int_ge(k, 1);
		for (unsigned c = lo; c <= (k == 2 ? hi : lo); c++)
			cls[c] |= DL_UC_WS;
	}
	fclose(f);
	fclose(g);
	return cls;
}

START_TEST(test_uc_all)
{
	unsigned char *cls = ucd_classes();
	if (!cls) {
		fprintf(stderr, "check_pretok: /usr/share/unicode not installed: "
				"the class table is checked by spot tests only\n");
		return;
	}
	size_t nl = 0, nws = 0;
	for (uint32_t c = 0; c < 0x110000; c++) {
		FAST_ASSERT(dl_uc_class(c) == cls[c]);
		nl += (cls[c] & DL_UC_L) != 0;
		nws += (cls[c] & DL_UC_WS) != 0;
	}
	ck_assert_uint_eq(nws, 25);
	ck_assert_uint_gt(nl, 130000);   /* the First/Last ranges are in */
	free(cls);
}
END_TEST

/* ================================================================== names */

START_TEST(test_names)
{
	static const char *const names[] = {"gpt2", "cl100k", "o200k", "none"};
	for (int i = 0; i < 4; i++) {
		dl_pretok p = (dl_pretok)-1;
		ck_assert_int_eq(dl_pretok_parse(names[i], &p), 0);
		ck_assert_int_eq(p, i);
		ck_assert_str_eq(dl_pretok_name(p), names[i]);
		ck_assert_uint_eq(strlen(dl_pretok_regex(p)) > 0, i != DL_PRETOK_NONE);
	}
	dl_pretok p = DL_PRETOK_O200K;
	ck_assert_int_eq(dl_pretok_parse("GPT2", &p), -1);
	ck_assert_int_eq(dl_pretok_parse("", &p), -1);
	ck_assert_int_eq(dl_pretok_parse("cl100k_base", &p), -1);
	ck_assert_int_eq(p, DL_PRETOK_O200K);
	ck_assert_ptr_nonnull(strstr(dl_pretok_regex(DL_PRETOK_GPT2), "\\s+(?!\\S)|\\s+"));
	ck_assert_ptr_nonnull(strstr(dl_pretok_regex(DL_PRETOK_CL100K), "\\p{N}{1,3}"));
	ck_assert_ptr_nonnull(strstr(dl_pretok_regex(DL_PRETOK_O200K), "[\\r\\n/]*"));
}
END_TEST

/* ================================================================== hand-written splits */

/* Cuts s[0..n) with p: the pieces' lengths into len[] (at most max), their number returned. */
static size_t cut(dl_pretok p, const uint8_t *s, size_t n, size_t *len, size_t max)
{
	size_t k = 0;
	for (size_t off = 0; off < n; k++) {
		size_t l = dl_pretok_next(p, s + off, n - off);
		FAST_ASSERT(l >= 1 && l <= n - off);
		if (k < max)
			len[k] = l;
		off += l;
	}
	return k;
}

/* A text and how a pattern cuts it: the text is the concatenation of the pieces. */
struct split {
	dl_pretok p;
	const char *piece[16];
};

#define G DL_PRETOK_GPT2
#define C DL_PRETOK_CL100K
#define O DL_PRETOK_O200K

static const struct split splits[] = {
	/* GPT-2: contractions are case-sensitive and come first, whatever follows. */
	{G, {"Hello", ",", " world", "!"}},
	{G, {"I", "'m", " don", "'t", " we", "'ve", " they", "'re", " he", "'d", " she", "'ll"}},
	{G, {"it", "'s"}},
	{G, {"'s", "ake"}},
	{G, {"DON", "'", "T"}},
	{G, {"I", "'", "M"}},
	{G, {"'", "\xc5\xbf"}},   /* 'ſ: no contraction without (?i) */
	{G, {"''", "s"}},
	{G, {"'"}},
	{G, {"'", "lx"}},
	{G, {" 123456789"}},
	{G, {"abc", "123", "def"}},
	{G, {" ", " a"}},
	{G, {"a", "  "}},
	{G, {"a", " ", " b"}},
	{G, {"a", " \n", " b"}},
	{G, {"x", "\r", "\n", "y"}},
	{G, {"x", "\r\n"}},
	{G, {"\t", "\t", "a"}},
	{G, {" ", "\t", "a"}},
	{G, {"!!!", " ?!", " a"}},
	{G, {"e", "\xcc\x81", " caf\xc3\xa9"}},   /* e + U+0301: the mark is not a letter */
	{G, {"a", "\xc2\xa0", "b"}},              /* U+00A0 is white space, not ' ' */
	{G, {"a", "\xc2\x85", " b"}},             /* U+0085 is White_Space */
	{G, {"\xef\xbb\xbf", "a"}},               /* U+FEFF is not */
	{G, {"\xe4\xb8\xad\xe6\x96\x87", " \xe4\xb8\xad"}},
	{G, {"\xd9\xa3\xd9\xa4", " \xc2\xbd\xe2\x85\xab"}},   /* Nd, No, Nl */
	{G, {"a", "\xff", "b"}},
	{G, {" \xff\xfe"}},
	{G, {"x", "\xe4\xb8", " y"}},   /* a cut sequence: two code points of no class */
	{G, {"\xed\xa0\x80\xc0\xaf", "a"}},
	{G, {" \xc3"}},

	/* cl100k: case-insensitive contractions; letters may take one non-letter before them;
	 * numbers in threes; punctuation takes the newlines after it; \s*[\r\n]. */
	{C, {"I", "'M", " DON", "'T", " they", "'Re", " we", "'VE", " she", "'lL"}},
	{C, {"'\xc5\xbf", "x"}},   /* 'ſ: U+017F folds to s */
	{C, {"'\xe2\x84\xaa"}},   /* the Kelvin sign folds to k, no contraction: X? \p{L}+ */
	{C, {"hello", " world"}},
	{C, {"$hello", "\thello", "\n", "hello"}},
	{C, {"123", "456", "7"}},
	{C, {" ", "123"}},
	{C, {"a", " +", " b"}},
	{C, {"x", ".\n\n", "y"}},
	{C, {" .\r\n"}},
	{C, {"foo", "\n\n", "bar"}},
	{C, {"foo", " \n", " bar"}},
	{C, {"a", " \n", " ", " b"}},
	{C, {"x", "\n", "  "}},   /* \s*[\r\n] before \s+(?!\S) (see pretok.c on \s++$) */
	{C, {"x", " \r\n\t\n"}},
	{C, {"  \r"}},
	{C, {"a", "\xcc\x81"}},
	{C, {"\xcc\x81" "a"}},
	{C, {"\xff" "abc"}},
	{C, {"x", "\xc2\x85" "abc"}},   /* U+0085 is white space, yet in [^\r\n\p{L}\p{N}] */
	{C, {"\r", "abc"}},

	/* o200k: words split at case changes, contractions glued to the word, '/' joins
	 * punctuation and letters. */
	{O, {"Hello", "World"}},
	{O, {"hello", "World"}},
	{O, {"HELLOWorld"}},
	{O, {"HELLO", " world"}},
	{O, {"I'm", " DON'T", " they'RE", " WE'LL"}},
	{O, {"'s"}},
	{O, {"x'\xc5\xbf"}},
	{O, {"123", "456", "7"}},
	{O, {"a", "/b"}},
	{O, {"path", "//", "to"}},
	{O, {"x", ".\n/\n", "y"}},
	{O, {" //\n"}},
	{O, {"x", "\n\n", " ", " x"}},
	{O, {"x", "\n", "  "}},
	{O, {"\xca\x95", "A\xca\x95"}},   /* ʕ is Ll (Unicode 15.0) */
	{O, {"\xcc\x81", " "}},           /* a mark: [U]*[L]+ without the X? */
	{O, {"a\xcc\x81" "b"}},
	{O, {"\xc7\x85" "a"}},            /* Lt then Ll */
	{O, {"\xc7\x85\xc7\x85"}},        /* Lt Lt: only the second alternative */
	{O, {"\xe4\xb8\xad\xe6\x96\x87"}},
	{O, {"\xe4\xb8\xad", "A"}},       /* Lo is in both classes: [U]* gives it back */
	{O, {"A\xe4\xb8\xad"}},
	{O, {"Ab\xe4\xb8\xad", "C"}},
	{O, {"A\xca\xb0", "BC"}},         /* Lm too */
	{O, {" \xcc\x81", "A"}},         /* [U]* takes the mark and A, gives both back */
	{O, {"\xff" "abc", " \xff"}},
	{O, {"\xe4\xb8\xad", "\xff"}},
	{O, {"\r", "abc", "\n", "Abc", "\t" "abc"}},   /* '\r' and '\n' are not in X */
};

START_TEST(test_splits)
{
	for (size_t i = 0; i < sizeof splits / sizeof *splits; i++) {
		const struct split *t = &splits[i];
		char text[256] = "";
		size_t want[16], nw = 0;
		for (; nw < 16 && t->piece[nw]; nw++) {
			want[nw] = strlen(t->piece[nw]);
			strcat(text, t->piece[nw]);
		}
		size_t got[64], n = strlen(text);
		size_t ng = cut(t->p, (const uint8_t *)text, n, got, 64);
		int same = ng == nw;
		for (size_t k = 0; same && k < nw; k++)
			same = got[k] == want[k];
		if (!same) {
			char msg[1024];
			int m = snprintf(msg, sizeof msg, "%s, split %zu:", dl_pretok_name(t->p), i);
			for (size_t k = 0, off = 0; k < ng && k < 64 && m < 900; off += got[k++])
				m += snprintf(msg + m, sizeof msg - m, " [%.*s]", (int)got[k], text + off);
			ck_abort_msg("%s", msg);
		}
		ck_assert_uint_eq(cut(DL_PRETOK_NONE, (const uint8_t *)text, n, got, 64), 1);
	}
}
END_TEST

/* ================================================================== a reference matcher */

/*
 * The patterns run as regular expressions by a backtracking matcher written for this test
 * (after the classic recursive matchers, e.g. Kernighan and Pike, "The Practice of
 * Programming", section 9.2): alternatives are tried in order and the first that matches
 * wins; a repeated class first takes as many code points as it can and gives them back one
 * at a time until the rest matches (a possessive one never gives back); (?!\S) looks at the
 * next code point only. It knows nothing of the matchers' shortcuts, so it is a second
 * opinion on every text, invalid UTF-8 included, and it runs both the original spelling of
 * cl100k's expression and the possessive one of dl_pretok_regex.
 */

/* A text as code points: cp (-1 for a byte that starts no valid sequence), classes, byte
 * offsets (off[m] = the length). */
struct units {
	size_t m;
	int32_t *cp;
	unsigned *cls;
	size_t *off;
};

static void units_of(struct units *u, const uint8_t *s, size_t n)
{
	u->cp = malloc((n + 1) * sizeof *u->cp);
	u->cls = malloc((n + 1) * sizeof *u->cls);
	u->off = malloc((n + 1) * sizeof *u->off);
	ck_assert(u->cp && u->cls && u->off);
	size_t i = 0, m = 0;
	while (i < n) {
		uint32_t c;
		size_t k = dl_utf8_decode(s + i, n - i, &c);
		u->off[m] = i;
		u->cp[m] = k ? (int32_t)c : -1;
		u->cls[m] = k ? dl_uc_class(c) : 0;
		m++;
		i += k ? k : 1;
	}
	u->off[m] = n;
	u->m = m;
}

static void units_free(struct units *u)
{
	free(u->cp);
	free(u->cls);
	free(u->off);
}

enum { R_SET, R_LIT, R_ALT, R_LOOKNOT, R_OK };
#define INF 1000000

struct rx {
	int op;
	int (*pred)(int32_t cp, unsigned cls);   /* R_SET, R_LOOKNOT */
	int32_t lit;                             /* R_LIT */
	int ci;                                  /* R_LIT: (?i) */
	int min, max, possessive;                /* R_SET */
	const struct rx *alt[8];                 /* R_ALT, in order, NULL-terminated */
	const struct rx *next;
};

static struct rx rx_pool[256];
static size_t rx_used;

static struct rx *rx_new(int op, const struct rx *next)
{
	ck_assert_uint_lt(rx_used, sizeof rx_pool / sizeof *rx_pool);
	struct rx *r = &rx_pool[rx_used++];
	memset(r, 0, sizeof *r);
	r->op = op;
	r->next = next;
	return r;
}

static const struct rx *ok(void)
{
	return rx_new(R_OK, NULL);
}

static const struct rx *set(int (*pred)(int32_t, unsigned), int min, int max, const struct rx *next)
{
	struct rx *r = rx_new(R_SET, next);
	r->pred = pred;
	r->min = min;
	r->max = max;
	return r;
}

static const struct rx *set_poss(int (*pred)(int32_t, unsigned), int min, int max, const struct rx *next)
{
	struct rx *r = (struct rx *)set(pred, min, max, next);
	r->possessive = 1;
	return r;
}

static const struct rx *lit(int32_t c, int ci, const struct rx *next)
{
	struct rx *r = rx_new(R_LIT, next);
	r->lit = c;
	r->ci = ci;
	return r;
}

static const struct rx *looknot(int (*pred)(int32_t, unsigned), const struct rx *next)
{
	struct rx *r = rx_new(R_LOOKNOT, next);
	r->pred = pred;
	return r;
}

/* An alternation of up to 8 branches, each ending where the whole expression ends. */
static const struct rx *alt(const struct rx *a0, const struct rx *a1, const struct rx *a2,
			    const struct rx *a3, const struct rx *a4, const struct rx *a5,
			    const struct rx *a6, const struct rx *a7)
{
	struct rx *r = rx_new(R_ALT, NULL);
	const struct rx *a[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
	memcpy(r->alt, a, sizeof a);
	return r;
}

/* Simple case folding (CaseFolding.txt, C and S) of the code points that fold to ASCII
 * letters: A-Z, U+017F LATIN SMALL LETTER LONG S (s), U+212A KELVIN SIGN (k). */
static int32_t fold(int32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c == 0x17F)
		return 's';
	if (c == 0x212A)
		return 'k';
	return c;
}

static int set_has(const struct rx *r, const struct units *u, size_t i)
{
	if (r->op == R_LIT)
		return r->ci ? fold(u->cp[i]) == fold(r->lit) : u->cp[i] == r->lit;
	return r->pred(u->cp[i], u->cls[i]);
}

/* The end (in code points) of a match of r at u[i..], or -1. */
static long rx_match(const struct rx *r, const struct units *u, size_t i)
{
	switch (r->op) {
	case R_OK:
		return (long)i;
	case R_LIT:
		return i < u->m && set_has(r, u, i) ? rx_match(r->next, u, i + 1) : -1;
	case R_LOOKNOT:
		return i < u->m && set_has(r, u, i) ? -1 : rx_match(r->next, u, i);
	case R_ALT:
		for (int k = 0; k < 8 && r->alt[k]; k++) {
			long e = rx_match(r->alt[k], u, i);
			if (e >= 0)
				return e;
		}
		return -1;
	default: {
		int k = 0;
		while (k < r->max && i + k < u->m && set_has(r, u, i + k))
			k++;
		if (k < r->min)
			return -1;
		for (;; k--) {
			long e = rx_match(r->next, u, i + k);
			if (e >= 0 || r->possessive || k == r->min)
				return e;
		}
	}
	}
}

static int p_l(int32_t c, unsigned k) { (void)c; return (k & DL_UC_L) != 0; }
static int p_n(int32_t c, unsigned k) { (void)c; return (k & DL_UC_N) != 0; }
static int p_ws(int32_t c, unsigned k) { (void)c; return (k & DL_UC_WS) != 0; }
static int p_nws(int32_t c, unsigned k) { (void)c; return !(k & DL_UC_WS); }
static int p_punct(int32_t c, unsigned k) { (void)c; return !(k & (DL_UC_WS | DL_UC_L | DL_UC_N)); }
static int p_x(int32_t c, unsigned k) { return !(k & (DL_UC_L | DL_UC_N)) && c != '\r' && c != '\n'; }
static int p_nl(int32_t c, unsigned k) { (void)k; return c == '\r' || c == '\n'; }
static int p_nlslash(int32_t c, unsigned k) { (void)k; return c == '\r' || c == '\n' || c == '/'; }
static int p_space(int32_t c, unsigned k) { (void)k; return c == ' '; }
static int p_up(int32_t c, unsigned k)
{
	(void)c;
	return (k & (DL_UC_LU | DL_UC_LT | DL_UC_LM | DL_UC_LO | DL_UC_M)) != 0;
}
static int p_low(int32_t c, unsigned k)
{
	(void)c;
	return (k & (DL_UC_LL | DL_UC_LM | DL_UC_LO | DL_UC_M)) != 0;
}

/* '(s|t|re|ve|m|ll|d), each followed by next; then, with empty, the empty match. */
static const struct rx *contractions(int ci, const struct rx *next, int empty)
{
	return alt(lit('\'', ci, lit('s', ci, next)), lit('\'', ci, lit('t', ci, next)),
		   lit('\'', ci, lit('r', ci, lit('e', ci, next))),
		   lit('\'', ci, lit('v', ci, lit('e', ci, next))), lit('\'', ci, lit('m', ci, next)),
		   lit('\'', ci, lit('l', ci, lit('l', ci, next))), lit('\'', ci, lit('d', ci, next)),
		   empty ? next : NULL);
}

/* The four expressions: GPT-2, cl100k as first published, cl100k as dl_pretok_regex spells
 * it (possessive), o200k. */
enum { RX_GPT2, RX_CL100K, RX_CL100K_POSS, RX_O200K, RX_N };
static const struct rx *rx_pat[RX_N];

static void rx_build(void)
{
	if (rx_pat[0])
		return;
	/* 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ */
	rx_pat[RX_GPT2] = alt(contractions(0, ok(), 0), set(p_space, 0, 1, set(p_l, 1, INF, ok())),
			      set(p_space, 0, 1, set(p_n, 1, INF, ok())),
			      set(p_space, 0, 1, set(p_punct, 1, INF, ok())),
			      set(p_ws, 1, INF, looknot(p_nws, ok())), set(p_ws, 1, INF, ok()), NULL, NULL);
	/* (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}
	 * | ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+ */
	rx_pat[RX_CL100K] = alt(contractions(1, ok(), 0), set(p_x, 0, 1, set(p_l, 1, INF, ok())),
				set(p_n, 1, 3, ok()),
				set(p_space, 0, 1, set(p_punct, 1, INF, set(p_nl, 0, INF, ok()))),
				set(p_ws, 0, INF, set(p_nl, 1, INF, ok())),
				set(p_ws, 1, INF, looknot(p_nws, ok())), set(p_ws, 1, INF, ok()), NULL);
	/* '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}
	 * | ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+ */
	rx_pat[RX_CL100K_POSS] = alt(contractions(1, ok(), 0),
				     set_poss(p_x, 0, 1, set(p_l, 1, INF, ok())), set(p_n, 1, 3, ok()),
				     set(p_space, 0, 1, set_poss(p_punct, 1, INF, set(p_nl, 0, INF, ok()))),
				     set(p_ws, 0, INF, set(p_nl, 1, 1, ok())),
				     set(p_ws, 1, INF, looknot(p_nws, ok())), set(p_ws, 1, INF, ok()), NULL);
	/* [^\r\n\p{L}\p{N}]?[U]*[L]+C?|[^\r\n\p{L}\p{N}]?[U]+[L]*C?|\p{N}{1,3}
	 * | ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+ */
	rx_pat[RX_O200K] = alt(set(p_x, 0, 1, set(p_up, 0, INF, set(p_low, 1, INF, contractions(1, ok(), 1)))),
			       set(p_x, 0, 1, set(p_up, 1, INF, set(p_low, 0, INF, contractions(1, ok(), 1)))),
			       set(p_n, 1, 3, ok()),
			       set(p_space, 0, 1, set(p_punct, 1, INF, set(p_nlslash, 0, INF, ok()))),
			       set(p_ws, 0, INF, set(p_nl, 1, INF, ok())),
			       set(p_ws, 1, INF, looknot(p_nws, ok())), set(p_ws, 1, INF, ok()), NULL);
}

/* Compares the matcher p with the reference expression r on s[0..n): the number of pieces
 * where they differ (0 when they agree), the first one described in msg. */
static int compare_ref(dl_pretok p, int r, const uint8_t *s, size_t n, char *msg, size_t msz)
{
	struct units u;
	units_of(&u, s, n);
	int bad = 0;
	for (size_t i = 0; i < u.m;) {
		long e = rx_match(rx_pat[r], &u, i);
		FAST_ASSERT(e > (long)i);
		size_t want = u.off[e] - u.off[i];
		size_t got = dl_pretok_next(p, s + u.off[i], n - u.off[i]);
		if (got != want) {
			if (!bad++)
				snprintf(msg, msz, "%s at byte %zu: %zu bytes, the expression %zu",
					 dl_pretok_name(p), u.off[i], got, want);
			break;
		}
		i = (size_t)e;
	}
	units_free(&u);
	return bad;
}

/* Pieces of random text: the classes' edge cases, contractions' letters, white space of
 * every kind and bytes that start no valid sequence. */
static const char *const atoms[] = {
	"a", "b", "z", "A", "Z", "s", "S", "t", "T", "r", "R", "e", "E", "v", "V", "m", "M", "l",
	"L", "d", "D", "k", "'", "'", "'", "\xc5\xbf", "\xe2\x84\xaa", " ", " ", " ", " ", "\t",
	"\r", "\n", "\n", "\v", "\f", "\xc2\x85", "\xc2\xa0", "\xe2\x80\xa8", "\xe3\x80\x80",
	"0", "1", "9", "\xd9\xa3", "\xc2\xbd", "\xe2\x85\xab", "/", "/", ",", ".", "!", "-",
	"\xe4\xb8\xad", "\xc7\x85", "\xca\xb0", "\xca\x95", "\xcc\x81", "\xe0\xa4\x83",
	"\xe2\x83\x9d", "\xc3\xa9", "\xc3\x89", "\xf0\x9f\x98\x80", "\xef\xbb\xbf",
	"\xe2\x80\x8d", "\xff", "\x80", "\xc3", "\xe4\xb8", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	"\xc0\xaf", "\0",
};

/* A random text of up to 60 atoms into buf (at least 60 * 4 bytes); its length. */
static size_t random_text(uint64_t *seed, uint8_t *buf)
{
	size_t n = 0, k = gen(seed) % 61;
	const size_t na = sizeof atoms / sizeof *atoms;
	for (size_t i = 0; i < k; i++) {
		size_t a = gen(seed) % na;
		size_t l = a == na - 1 ? 1 : strlen(atoms[a]);   /* the last atom is a NUL byte */
		memcpy(buf + n, atoms[a], l);
		n += l;
	}
	return n;
}

START_TEST(test_reference_random)
{
	static const int ref_of[NPAT] = {RX_GPT2, RX_CL100K, RX_O200K};
	rx_build();
	uint64_t seed = 42;
	uint8_t buf[60 * 4];
	char msg[256];
	size_t texts = 0;
	for (int round = 0; round < 30000; round++) {
		size_t n = random_text(&seed, buf);
		uint8_t *s = malloc(n ? n : 1);   /* exactly n bytes: ASan sees reads past the end */
		ck_assert_ptr_nonnull(s);
		memcpy(s, buf, n);
		for (int p = 0; p < NPAT; p++)
			if (compare_ref((dl_pretok)p, ref_of[p], s, n, msg, sizeof msg))
				ck_abort_msg("text %d: %s", round, msg);
		/* Both spellings of cl100k's expression agree. */
		if (compare_ref(DL_PRETOK_CL100K, RX_CL100K_POSS, s, n, msg, sizeof msg))
			ck_abort_msg("text %d, possessive spelling: %s", round, msg);
		free(s);
		texts++;
	}
	ck_assert_uint_eq(texts, 30000);
}
END_TEST

/* The splits above, by the reference too: so a wrong expectation cannot hide there. */
START_TEST(test_reference_splits)
{
	static const int ref_of[NPAT] = {RX_GPT2, RX_CL100K, RX_O200K};
	rx_build();
	char msg[256];
	for (size_t i = 0; i < sizeof splits / sizeof *splits; i++) {
		char text[256] = "";
		for (size_t k = 0; k < 16 && splits[i].piece[k]; k++)
			strcat(text, splits[i].piece[k]);
		int p = splits[i].p;
		if (compare_ref((dl_pretok)p, ref_of[p], (const uint8_t *)text, strlen(text), msg, sizeof msg))
			ck_abort_msg("split %zu: %s", i, msg);
	}
}
END_TEST

/* ================================================================== goldens */

/*
 * JSON lines are checked with cJSON, but their strings are decoded here: cJSON returns C
 * strings, which end at the first U+0000, and some cases hold that character.
 */
static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static long hex4(const char *p)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Decodes the JSON string literal that starts at the first '"' at or after *pp into out;
 * moves *pp past it. Returns 0, or -1 when there is none or it is malformed. */
static int json_string(const char **pp, dl_buf *out)
{
	const char *p = strchr(*pp, '"');
	if (!p)
		return -1;
	dl_buf_clear(out);
	for (p++; *p != '"'; p++) {
		if (*p == '\0')
			return -1;
		if (*p != '\\') {
			dl_buf_putc(out, *p);
			continue;
		}
		static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
		const char *e = *++p ? strchr(esc, *p) : NULL;
		if (e && (e - esc) % 2 == 0) {
			dl_buf_putc(out, e[1]);
			continue;
		}
		if (*p != 'u')
			return -1;
		long c = hex4(p + 1);
		p += 4;
		if (c >= 0xD800 && c < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
			long lo = hex4(p + 3);
			if (lo >= 0xDC00 && lo < 0xE000) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			}
		}
		uint8_t u8[4];
		size_t k = c < 0 ? 0 : dl_utf8_encode((uint32_t)c, u8);
		if (!k)
			return -1;   /* a bad escape or a lone surrogate */
		dl_buf_append(out, u8, k);
	}
	*pp = p + 1;
	return 0;
}

static dl_in *open_data(const char *name)
{
	const char *src = getenv("DL_SRC");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/tokenize/%s", src ? src : "..", name);
	dl_err e = {{0}};
	dl_in *in = dl_in_open(path, 0, &e);
	ck_assert_msg(in != NULL, "%s (set DL_SRC to the source directory)", e.msg);
	return in;
}

/* The next line of in; fails the test at the end of the stream when want_line. */
static char *next_line(dl_in *in, int want_line)
{
	char *line;
	dl_err e = {{0}};
	ptrdiff_t k = dl_in_getline(in, &line, &e);
	ck_assert_msg(k >= 0, "%s", e.msg);
	if (want_line)
		ck_assert_msg(line != NULL, "%s: fewer lines than cases.jsonl", dl_in_name(in));
	return line;
}

START_TEST(test_golden)
{
	static const char *const files[NPAT] = {
		"pieces-gpt2.jsonl.gz", "pieces-cl100k.jsonl.gz", "pieces-o200k.jsonl.gz",
	};
	static const int ref_of[NPAT] = {RX_GPT2, RX_CL100K, RX_O200K};
	rx_build();
	dl_in *cases = open_data("cases.jsonl"), *pieces[NPAT];
	for (int p = 0; p < NPAT; p++)
		pieces[p] = open_data(files[p]);
	dl_buf text = {0}, piece = {0};
	size_t ncases = 0, npieces[NPAT] = {0}, bad[NPAT] = {0}, refbad = 0;
	char *line, msg[256];
	while ((line = next_line(cases, 0)) != NULL) {
		cJSON *j = cJSON_Parse(line);
		ck_assert_msg(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "text")),
			      "cases.jsonl:%zu: no \"text\"", ncases + 1);
		cJSON_Delete(j);
		const char *q = strstr(line, "\"text\"") + 6;
		ck_assert_int_eq(json_string(&q, &text), 0);
		for (int p = 0; p < NPAT; p++) {
			char *pl = next_line(pieces[p], 1);
			cJSON *arr = cJSON_Parse(pl);
			ck_assert_msg(cJSON_IsArray(arr), "%s:%zu: not an array", files[p], ncases + 1);
			int na = cJSON_GetArraySize(arr);
			cJSON_Delete(arr);
			const char *r = pl;
			size_t off = 0;
			int k = 0, same = 1;
			for (; k < na; k++) {
				ck_assert_int_eq(json_string(&r, &piece), 0);
				FAST_ASSERT(piece.len >= 1 && off + piece.len <= text.len);
				FAST_ASSERT(memcmp(piece.data, text.data + off, piece.len) == 0);
				if (same && dl_pretok_next((dl_pretok)p, text.data + off, text.len - off) != piece.len)
					same = 0;
				off += piece.len;
			}
			FAST_ASSERT(off == text.len);   /* the pieces are the text */
			npieces[p] += (size_t)na;
			if (!same && bad[p]++ < 5)
				fprintf(stderr, "check_pretok: %s: case %zu: %s\n", dl_pretok_name(p),
					ncases, line);
			/* The test's own reference agrees with the goldens too. */
			if (compare_ref((dl_pretok)p, ref_of[p], text.data, text.len, msg, sizeof msg) && refbad++ < 5)
				fprintf(stderr, "check_pretok: reference: case %zu: %s\n", ncases, msg);
		}
		ncases++;
	}
	for (int p = 0; p < NPAT; p++) {
		ck_assert_ptr_null(next_line(pieces[p], 0));
		dl_in_close(pieces[p]);
		ck_assert_msg(bad[p] == 0, "%s: %zu of %zu cases cut differently", dl_pretok_name(p), bad[p], ncases);
		ck_assert_uint_gt(npieces[p], ncases);
	}
	ck_assert_uint_eq(refbad, 0);
	ck_assert_uint_ge(ncases, 10000);
	dl_in_close(cases);
	dl_buf_free(&text);
	dl_buf_free(&piece);
}
END_TEST

/* ================================================================== properties */

/* Checks the cut of s[0..n) by p: pieces of at least one byte that cover the text and
 * never end inside a valid UTF-8 sequence (inner[i]: byte i is not the first of its code
 * point). Returns the number of pieces. */
static size_t check_cut(dl_pretok p, const uint8_t *s, size_t n, const uint8_t *inner)
{
	size_t off = 0, k = 0;
	while (off < n) {
		size_t l = dl_pretok_next(p, s + off, n - off);
		FAST_ASSERT(l >= 1 && l <= n - off);
		off += l;
		FAST_ASSERT(off == n || !inner[off]);
		k++;
	}
	return k;
}

static uint8_t *inner_bytes(const uint8_t *s, size_t n)
{
	uint8_t *inner = calloc(n + 1, 1);
	ck_assert_ptr_nonnull(inner);
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t k = dl_utf8_decode(s + i, n - i, &c);
		for (size_t j = 1; j < k; j++)
			inner[i + j] = 1;
		i += k ? k : 1;
	}
	return inner;
}

START_TEST(test_properties)
{
	uint64_t seed = 7;
	size_t pieces = 0, multibyte = 0;
	for (int round = 0; round < 4000; round++) {
		size_t n = 1 + gen(&seed) % 400;
		uint8_t *s = random_bytes(n, (uint64_t)round);
		if (round % 2) {
			/* Mostly valid UTF-8: random code points of every length, a few raw bytes. */
			size_t i = 0;
			while (i < n) {
				uint64_t r = gen(&seed);
				uint32_t c = (uint32_t)(r >> 32) % (r & 1 ? 0x80 : r & 2 ? 0x800 : r & 4 ? 0x10000 : 0x110000);
				uint8_t u8[4];
				size_t k = (r & 0xf0) == 0 ? 0 : dl_utf8_encode(c, u8);
				if (k == 0 || i + k > n) {
					s[i++] = (uint8_t)(r >> 8);
					continue;
				}
				memcpy(s + i, u8, k);
				i += k;
			}
		}
		uint8_t *inner = inner_bytes(s, n);
		for (size_t i = 0; i < n; i++)
			multibyte += inner[i];
		for (int p = 0; p < NPAT; p++)
			pieces += check_cut((dl_pretok)p, s, n, inner);
		ck_assert_uint_eq(dl_pretok_next(DL_PRETOK_NONE, s, n), n);
		free(inner);
		free(s);
	}
	ck_assert_uint_gt(pieces, 4000 * NPAT);
	ck_assert_uint_gt(multibyte, 10000);   /* the cuts were tested next to real sequences */
	uint8_t one = 'x';
	ck_assert_uint_eq(dl_pretok_next(DL_PRETOK_NONE, &one, 1), 1);
	for (int p = 0; p < NPAT; p++)
		ck_assert_uint_eq(dl_pretok_next((dl_pretok)p, &one, 1), 1);
}
END_TEST

/* Long runs that a regex engine could backtrack over: the cuts take linear time (a
 * quadratic matcher would not finish within the test's timeout) and come out as the
 * expressions say. */
static uint8_t *repeat(const char *unit, size_t times, size_t *n)
{
	size_t l = strlen(unit);
	uint8_t *s = malloc(l * times);
	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * l, unit, l);
	*n = l * times;
	return s;
}

START_TEST(test_long_runs)
{
	static const struct {
		dl_pretok p;
		const char *unit;
		size_t pieces;   /* for 1 << 18 units; (size_t)-1: a third of the units, rounded up */
	} t[] = {
		{G, "a", 1}, {G, " ", 1}, {G, "1", 1}, {G, "^", 1}, {G, "\xe4\xb8\xad", 1},
		{G, " a", 1 << 18}, {G, "\n", 1}, {G, "\xff", 1},
		{C, "a", 1}, {C, " ", 1}, {C, "1", (size_t)-1}, {C, "^", 1}, {C, "\n", 1},
		{C, "\n ", 2}, {C, " \n", 1}, {C, "\xff", 1}, {C, "'s", 1 << 18},
		{O, "a", 1}, {O, "A", 1}, {O, "\xe4\xb8\xad", 1}, {O, "A\xe4\xb8\xad", 1},
		{O, "\xe4\xb8\xad" "A", 2}, {O, "\xc7\x85", 1}, {O, "\xcc\x81", 1}, {O, " ", 1},
		{O, "1", (size_t)-1}, {O, "/", 1}, {O, "\n ", 2}, {O, "\xff", 1}, {O, "aB", (1 << 18) + 1},
	};
	const size_t times = 1 << 18;
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		size_t n;
		uint8_t *s = repeat(t[i].unit, times, &n);
		uint8_t *inner = inner_bytes(s, n);
		size_t k = check_cut(t[i].p, s, n, inner);
		size_t want = t[i].pieces == (size_t)-1 ? (times + 2) / 3 : t[i].pieces;
		ck_assert_msg(k == want, "%s, %zu x \"%s\": %zu pieces, want %zu", dl_pretok_name(t[i].p),
			      times, t[i].unit, k, want);
		free(inner);
		free(s);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pretok");
	TCase *tc = tcase(s, "unicode", 0);
	tcase_add_test(tc, test_uc_spot);
	tcase_add_test(tc, test_uc_all);

	tc = tcase(s, "pretok", 0);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_splits);
	tcase_add_test(tc, test_reference_splits);
	tcase_add_test(tc, test_reference_random);
	tcase_add_test(tc, test_golden);
	tcase_add_test(tc, test_properties);
	tcase_add_test(tc, test_long_runs);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
