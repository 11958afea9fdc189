/*
 * pretok.c — the pre-tokenization patterns of GPT-2, cl100k_base and o200k_base, as
 * hand-written matchers over code points.
 *
 * Each pattern (dl_pretok_regex) is an alternation that a backtracking regex engine tries
 * leftmost-first: at the current position the first alternative that can match wins, and
 * its greedy quantifiers take as much as the rest of that alternative allows. A matcher here
 * reads the classes of the next code points, decides which alternative that is and where its
 * match ends, without backtracking: every quantified class is scanned once, and where the
 * regex would give characters back the end comes from positions remembered during the scan:
 *   - \s+(?!\S): a run of white space ends the text (the whole run), or is followed by
 *     something else and gives back its last code point (if it has two or more);
 *   - \s*[\r\n]+ (and cl100k's equivalent \s*[\r\n]): ends after the run's last '\r'/'\n';
 *   - o200k's [U]*[L]+ with U = Lu|Lt|Lm|Lo|M and L = Ll|Lm|Lo|M overlapping: after the
 *     longest U run, L+ continues with the next code point if it is in L, otherwise the U run
 *     gives back up to its last code point that is also in L (Lm, Lo or a mark), which L+
 *     then matches alone;
 *   - X? before a letter (X = [^\r\n\p{L}\p{N}]): X also holds the marks (M), which the
 *     o200k letter alternatives can match, so they are tried with and then without X.
 * A call may scan past the end of its piece (what a run gives back), but no further than
 * the next piece or two, which it does not decide: every byte is looked at a bounded number
 * of times, and time is linear in the text, whatever it holds.
 *
 * cl100k_base is matched as its expression was published, which dl_pretok_regex spells with
 * equivalent possessive quantifiers. Python tiktoken 0.8.0 and later spell it with \s++$
 * before \s*[\r\n]; that differs from the published expression on one kind of text only: a
 * white-space run that ends the text, holds a '\r' or '\n' and ends in other white space
 * ("x\n  ") is one piece there, and is cut after its last newline here (as the published
 * expression, and the WASM and JavaScript builds of tiktoken, do).
 *
 * Case-insensitive contractions (?i:'s|'t|'re|'ve|'m|'ll|'d) follow the regex engines'
 * Unicode simple case folding (CaseFolding.txt, statuses C and S): besides ASCII case, the
 * only code point that folds to one of these letters is U+017F LATIN SMALL LETTER LONG S,
 * which folds to 's' ("'ſ" is a contraction).
 *
 * Classes come straight from the generated tables of unicode_tables.c (see unicode.c), with
 * an ASCII fast path; other code points are decoded with dl_utf8_decode, and a byte that
 * starts no valid sequence is one code point of no class (pretok.h).
 */
#include "tokenize/pretok.h"

#include "core/utf8.h"
#include "tokenize/unicode.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The generated tables behind dl_uc_class (unicode_tables.c), read here directly so that
 * the lookups inline into the scanning loops. */
extern const uint8_t dl_uc_ascii[128];
extern const uint8_t dl_uc_stage1[0x110000 >> 8];
extern const uint8_t dl_uc_stage2[][256];

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

#define C_L DL_UC_L
#define C_N DL_UC_N
#define C_WS DL_UC_WS
#define C_LN (DL_UC_L | DL_UC_N)
#define C_WLN (DL_UC_WS | DL_UC_L | DL_UC_N)   /* [^\s\p{L}\p{N}] is "none of these" */
/* o200k's two letter classes: [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] and [\p{Ll}\p{Lm}\p{Lo}\p{M}]. */
#define C_UP (DL_UC_LU | DL_UC_LT | DL_UC_LM | DL_UC_LO | DL_UC_M)
#define C_LOW (DL_UC_LL | DL_UC_LM | DL_UC_LO | DL_UC_M)

static const char *const pretok_names[] = {"gpt2", "cl100k", "o200k", "none"};

static const char *const pretok_regexes[] = {
	"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
	"'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}"
	"| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+",
	"[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
	"|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*"
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
	"|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
	"",
};

int dl_pretok_parse(const char *name, dl_pretok *p)
{
	for (size_t i = 0; i < sizeof pretok_names / sizeof *pretok_names; i++) {
		if (strcmp(name, pretok_names[i]) == 0) {
			*p = (dl_pretok)i;
			return 0;
		}
	}
	return -1;
}

const char *dl_pretok_name(dl_pretok p)
{
	return (unsigned)p <= DL_PRETOK_NONE ? pretok_names[p] : "?";
}

const char *dl_pretok_regex(dl_pretok p)
{
	return (unsigned)p <= DL_PRETOK_NONE ? pretok_regexes[p] : "";
}

/* ================================================================== code points */

/* The classes of the non-ASCII code point at s[0] (n >= 1 bytes available); *len its length
 * in bytes. A byte that starts no valid sequence is one code point of class 0. Out of line,
 * so that the ASCII loops that call it stay small. */
static NOINLINE unsigned mb_class(const uint8_t *s, size_t n, size_t *len)
{
	uint32_t cp;
	size_t k = dl_utf8_decode(s, n, &cp);
	if (!k) {
		*len = 1;
		return 0;
	}
	*len = k;
	return dl_uc_stage2[dl_uc_stage1[cp >> 8]][cp & 0xff];
}

/* The classes of the code point at s[0]; *len its length. */
static inline unsigned class_of(const uint8_t *s, size_t n, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return dl_uc_ascii[s[0]];
	}
	return mb_class(s, n, len);
}

/* Whether a code point of classes c that starts with byte b is in [^\r\n\p{L}\p{N}]. */
static inline int in_x(unsigned c, uint8_t b)
{
	return !(c & C_LN) && b != '\r' && b != '\n';
}

/* The end of the run of code points from s[i] whose classes meet mask (any bit). */
static inline size_t run_any(const uint8_t *s, size_t n, size_t i, unsigned mask)
{
	while (i < n) {
		uint8_t b = s[i];
		size_t len;
		if (b < 0x80) {
			if (!(dl_uc_ascii[b] & mask))
				break;
			i++;
		} else {
			if (!(mb_class(s + i, n - i, &len) & mask))
				break;
			i += len;
		}
	}
	return i;
}

/* The end of the run of code points from s[i] whose classes miss mask (no bit). */
static inline size_t run_none(const uint8_t *s, size_t n, size_t i, unsigned mask)
{
	while (i < n) {
		uint8_t b = s[i];
		size_t len;
		if (b < 0x80) {
			if (dl_uc_ascii[b] & mask)
				break;
			i++;
		} else {
			if (mb_class(s + i, n - i, &len) & mask)
				break;
			i += len;
		}
	}
	return i;
}

/* The count of ASCII letters at the start of the 8 bytes of w (the first byte lowest):
 * range tests on all bytes at once, with the high bit of each byte as its result (SWAR).
 * With the high bits cleared, adding 0x80 - c to a byte sets its high bit exactly when the
 * byte is c or more, and never carries into the next byte. */
static inline unsigned ascii_letters8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
	uint64_t y = (w | ones * 0x20) & ~high;         /* letters to lower case */
	uint64_t ge_a = y + ones * (0x80 - 'a');
	uint64_t gt_z = y + ones * (0x80 - 'z' - 1);
	uint64_t stop = ~(ge_a & ~gt_z & ~w) & high;    /* not a letter, or not ASCII */
	return stop ? (unsigned)__builtin_ctzll(stop) / 8 : 8;
}

static NOINLINE size_t run_any_letters(const uint8_t *s, size_t n, size_t i)
{
	return run_any(s, n, i, C_L);
}

/* run_any(s, n, i, C_L), taking runs of ASCII letters (most words) eight bytes at a time;
 * a run that ends in an ASCII byte ends here, without a call (a leaf function needs no
 * registers saved). */
static inline size_t run_letters(const uint8_t *s, size_t n, size_t i)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (n - i >= 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		unsigned k = ascii_letters8(w);
		i += k;
		if (k < 8) {
			if (s[i] < 0x80)
				return i;
			break;
		}
	}
#endif
	return run_any_letters(s, n, i);
}

/* \p{N}{1,3} at s[0], which is a number: the end of the match. */
static size_t digits3(const uint8_t *s, size_t n)
{
	size_t i = 0, len;
	for (int k = 0; k < 3 && i < n; k++) {
		if (!(class_of(s + i, n - i, &len) & C_N))
			break;
		i += len;
	}
	return i;
}

/* Bytes from s[i] that are '\r' or '\n' (or '/' with slash): the end of [\r\n]* / [\r\n/]*. */
static inline size_t newlines(const uint8_t *s, size_t n, size_t i, int slash)
{
	while (i < n && (s[i] == '\r' || s[i] == '\n' || (slash && s[i] == '/')))
		i++;
	return i;
}

/*
 * The white-space alternatives at s[0], which is white space: with nl, first \s*[\r\n]+
 * (the match ends after the last '\r' or '\n' of the run); then \s+(?!\S) (the whole run
 * if it ends the text, else all of it but its last code point) and \s+ (one code point).
 */
static size_t space_run(const uint8_t *s, size_t n, int nl)
{
	size_t i = 0, last = 0, nl_end = 0, len;
	while (i < n) {
		uint8_t b = s[i];
		if (b < 0x80) {
			if (!(dl_uc_ascii[b] & C_WS))
				break;
			if (b == '\r' || b == '\n')
				nl_end = i + 1;
			len = 1;
		} else if (!(mb_class(s + i, n - i, &len) & C_WS)) {
			break;
		}
		last = i;
		i += len;
	}
	if (nl && nl_end)
		return nl_end;
	if (i == n || last == 0)
		return i;
	return last;
}

/* 's 't 're 've 'm 'll 'd at s[0] == '\'', case-sensitive: the length, or 0. */
static size_t contraction(const uint8_t *s, size_t n)
{
	if (n < 2)
		return 0;
	uint8_t a = s[1];
	if (a == 's' || a == 't' || a == 'm' || a == 'd')
		return 2;
	if (n < 3)
		return 0;
	uint8_t b = s[2];
	if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
		return 3;
	return 0;
}

/* The same under (?i:...): ASCII case and U+017F (UTF-8 c5 bf) for 's'. */
static size_t contraction_ci(const uint8_t *s, size_t n)
{
	if (n < 2 || s[0] != '\'')
		return 0;
	uint8_t a = s[1] | 0x20;   /* lower case for letters; no other byte becomes one here */
	if (a == 's' || a == 't' || a == 'm' || a == 'd')
		return 2;
	if (n < 3)
		return 0;
	if (s[1] == 0xC5 && s[2] == 0xBF)
		return 3;
	uint8_t b = s[2] | 0x20;
	if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
		return 3;
	return 0;
}

/* ================================================================== GPT-2 */

/* 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ */
static NOINLINE size_t gpt2_other(const uint8_t *s, size_t n)
{
	size_t i = 0, len, k;
	unsigned c;

	if (s[0] == '\'' && (k = contraction(s, n)))
		return k;
	if (s[0] == ' ' && n > 1) {
		c = class_of(s + 1, n - 1, &len);
		if (c & C_WS)
			return space_run(s, n, 0);
		i = 1;
	} else {
		c = class_of(s, n, &len);
		if (c & C_WS)
			return space_run(s, n, 0);
	}
	if (c & C_L)
		return run_letters(s, n, i + len);
	if (c & C_N)
		return run_any(s, n, i + len, C_N);
	return run_none(s, n, i + len, C_WLN);
}

static NOINLINE size_t run_any_numbers(const uint8_t *s, size_t n, size_t i)
{
	return run_any(s, n, i, C_N);
}

static NOINLINE size_t run_none_wln(const uint8_t *s, size_t n, size_t i)
{
	return run_none(s, n, i, C_WLN);
}

/* Most pieces of text start with an ASCII character, after at most a space: a word
 * (' ?\p{L}+'), a number (' ?\p{N}+'), punctuation (' ?[^\s\p{L}\p{N}]+'), or a newline
 * before something other than white space (which '\s+' takes alone). These take short
 * paths that need few registers and go on in the general loops only at a byte that is not
 * ASCII; everything else (a contraction, white space, a code point that is not ASCII
 * first) goes to gpt2_other. */
static size_t gpt2_next(const uint8_t *s, size_t n)
{
	size_t i = s[0] == ' ' && n > 1;
	uint8_t c = s[i];
	if ((uint8_t)((c | 0x20) - 'a') < 26)
		return run_letters(s, n, i + 1);
	if (c >= 0x80 || (c == '\'' && !i))
		return gpt2_other(s, n);
	unsigned k = dl_uc_ascii[c];
	if (k & C_N) {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		return i < n && s[i] >= 0x80 ? run_any_numbers(s, n, i) : i;
	}
	if (!(k & C_WLN)) {
		for (i++; i < n && s[i] < 0x80 && !(dl_uc_ascii[s[i]] & C_WLN); i++)
			;
		return i < n && s[i] >= 0x80 ? run_none_wln(s, n, i) : i;
	}
	if (c == '\n' && !i && (n == 1 || (s[1] < 0x80 && !(dl_uc_ascii[s[1]] & C_WS))))
		return 1;
	return gpt2_other(s, n);
}

/* ================================================================== cl100k_base */

/* '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*
 * |\s*[\r\n]|\s+(?!\S)|\s+ */
static size_t cl100k_next(const uint8_t *s, size_t n)
{
	size_t len0, len1 = 0, k;
	unsigned c0, c1 = 0;

	if ((k = contraction_ci(s, n)))
		return k;
	c0 = class_of(s, n, &len0);
	if (c0 & C_L)
		return run_letters(s, n, len0);
	if (in_x(c0, s[0]) && len0 < n) {
		c1 = class_of(s + len0, n - len0, &len1);
		if (c1 & C_L)
			return run_letters(s, n, len0 + len1);
	}
	if (c0 & C_N)
		return digits3(s, n);
	if (!(c0 & C_WLN))
		return newlines(s, n, run_none(s, n, len0, C_WLN), 0);
	if (s[0] == ' ' && len1 && !(c1 & C_WLN))
		return newlines(s, n, run_none(s, n, 1 + len1, C_WLN), 0);
	return space_run(s, n, 1);
}

/* ================================================================== o200k_base */

/* [U]*[L]+ at s[q] (U = C_UP, L = C_LOW): the end of the match, or 0 when there is none.
 * After the longest U run, L+ takes the next code point if it is in L and then all the L
 * that follow; otherwise the U run gives back its last code point that is in L too, and
 * L+ matches that one alone (the code point after it is in U but not in L, or ends the
 * run). */
static inline size_t o200k_lower(const uint8_t *s, size_t n, size_t q)
{
	size_t i = q, last = 0, len;
	while (i < n) {
		unsigned c = class_of(s + i, n - i, &len);
		if (!(c & C_UP)) {
			if (c & C_LOW)
				return run_any(s, n, i + len, C_LOW);
			break;
		}
		i += len;
		if (c & C_LOW)
			last = i;
	}
	return last;
}

/* [U]+[L]* at s[q]: the end of the match, or 0. */
static size_t o200k_upper(const uint8_t *s, size_t n, size_t q)
{
	size_t i = run_any(s, n, q, C_UP);
	return i == q ? 0 : run_any(s, n, i, C_LOW);
}

/* The two letter alternatives X?[U]*[L]+C? | X?[U]+[L]*C?, C the contractions, X?
 * tried with the code point (when it is in X and not last) and then without. */
static size_t o200k_word(const uint8_t *s, size_t n, unsigned c0, size_t len0)
{
	int x = in_x(c0, s[0]) && len0 < n;
	size_t e = 0;

	if (x)
		e = o200k_lower(s, n, len0);
	if (!e && (c0 & (C_LOW | C_UP)))
		e = o200k_lower(s, n, 0);
	if (!e && x)
		e = o200k_upper(s, n, len0);
	if (!e && (c0 & C_UP))
		e = o200k_upper(s, n, 0);
	if (e && e < n)
		e += contraction_ci(s + e, n - e);
	return e;
}

/* The o200k alternatives joined: see pretok_regexes. */
static size_t o200k_next(const uint8_t *s, size_t n)
{
	size_t len0, len1, e;
	unsigned c0 = class_of(s, n, &len0);

	if ((e = o200k_word(s, n, c0, len0)))
		return e;
	if (c0 & C_N)
		return digits3(s, n);
	if (!(c0 & C_WLN))
		return newlines(s, n, run_none(s, n, len0, C_WLN), 1);
	if (s[0] == ' ' && n > 1 && !(class_of(s + 1, n - 1, &len1) & C_WLN))
		return newlines(s, n, run_none(s, n, 1 + len1, C_WLN), 1);
	return space_run(s, n, 1);
}

/* ================================================================== dispatch */

static size_t none_next(const uint8_t *s, size_t n)
{
	(void)s;
	return n;
}

/* One function per pattern, each with a frame of its own, called through a table: a
 * switch would inline all three into one function that saves every register per piece. */
static size_t (*const pretok_next[])(const uint8_t *s, size_t n) = {
	gpt2_next, cl100k_next, o200k_next, none_next,
};

size_t dl_pretok_next(dl_pretok p, const uint8_t *s, size_t n)
{
	if (n == 0)
		return 0;
	return pretok_next[(unsigned)p <= DL_PRETOK_NONE ? p : DL_PRETOK_NONE](s, n);
}
