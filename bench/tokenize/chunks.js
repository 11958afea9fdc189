// chunks.js — reads a UTF-8 text file and cuts it into documents of about CHUNK bytes for the
// encoders of the dl-tokenize benchmark, at places where the cut cannot change the tokens.
//
// A cut is made just after a newline whose neighbours are both printable ASCII other than the
// space (0x21..0x7e). With the GPT-2 pre-tokenizer pattern
//     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// such a newline is a piece by itself both in the whole text and at the end of a document, no
// piece before it reaches past it and none after it starts before it, so the documents encode
// to the same ids as the whole file. Cutting at a newline also keeps UTF-8 sequences whole.
'use strict';

const fs = require('fs');

const CHUNK = 8192;

function graph(b) {
	return b > 0x20 && b < 0x7f;
}

// read(path, [size]) -> { bytes, docs }: the file's size and its documents as strings.
function read(path, size) {
	const buf = fs.readFileSync(path);
	const want = size || CHUNK;
	const docs = [];
	let start = 0;
	while (start < buf.length) {
		let end = start + want;
		if (end >= buf.length) {
			end = buf.length;
		} else {
			while (end < buf.length - 1 &&
			       !(buf[end] === 0x0a && graph(buf[end - 1]) && graph(buf[end + 1])))
				end++;
			end = end < buf.length - 1 ? end + 1 : buf.length;
		}
		docs.push(buf.toString('utf8', start, end));
		start = end;
	}
	return { bytes: buf.length, docs };
}

// report(name, tokens, idsum, t0, t1, t2): the line the benchmark reads, on stderr. t0 is the
// start, t1 the end of loading (vocabulary and input), t2 the end of encoding (from hrtime).
function report(name, tokens, idsum, t0, t1, t2) {
	const s = (a, b) => (Number(b - a) / 1e9).toFixed(3);
	process.stderr.write(`${name}: tokens ${tokens} idsum ${idsum} ` +
			     `load_s ${s(t0, t1)} encode_s ${s(t1, t2)}\n`);
}

module.exports = { read, report, CHUNK };
