// tiktoken-encode.js — encodes a text file with the GPT-2 encoding of tiktoken (npm
// `tiktoken`, OpenAI's Rust core compiled to WebAssembly) or of js-tiktoken (npm, a JavaScript
// port), on one thread, for the dl-tokenize benchmark.
//
//     node tiktoken-encode.js tiktoken|js-tiktoken FILE [--whole]
//
// The file is encoded in documents of about 8 KiB cut where the cut changes no token
// (chunks.js), or as one string with --whole (the adversarial inputs). No special tokens are
// recognised (tiktoken's encode_ordinary; js-tiktoken's encode with no allowed and no
// disallowed specials). The ids are kept, not printed: the program prints on stderr the number
// of tokens, the sum of the ids (to compare the encoders) and its load and encode times.
// Modules are found through NODE_PATH (bench/tokenize/run points it at the peers directory).
'use strict';

const chunks = require('./chunks.js');

function main() {
	const [impl, file, opt] = process.argv.slice(2);
	if (!file || (impl !== 'tiktoken' && impl !== 'js-tiktoken') ||
	    (opt !== undefined && opt !== '--whole')) {
		process.stderr.write('usage: node tiktoken-encode.js tiktoken|js-tiktoken FILE [--whole]\n');
		process.exit(2);
	}
	const t0 = process.hrtime.bigint();
	let encode;
	if (impl === 'tiktoken') {
		const enc = require('tiktoken').get_encoding('gpt2');
		encode = (s) => enc.encode_ordinary(s);
	} else {
		const enc = require('js-tiktoken').getEncoding('gpt2');
		encode = (s) => enc.encode(s, [], []);
	}
	const input = opt === '--whole' ? chunks.read(file, Infinity) : chunks.read(file);
	const t1 = process.hrtime.bigint();
	let tokens = 0;
	let idsum = 0;
	for (const doc of input.docs) {
		const ids = encode(doc);
		tokens += ids.length;
		for (let i = 0; i < ids.length; i++)
			idsum += ids[i];
	}
	const t2 = process.hrtime.bigint();
	chunks.report(impl, tokens, idsum, t0, t1, t2);
}

main();
