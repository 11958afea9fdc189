// hf-encode.js — encodes a text file with the GPT-2 vocabulary in HuggingFace tokenizers
// (npm `tokenizers`, the native Rust build) for the dl-tokenize benchmark.
//
//     RAYON_NUM_THREADS=N node hf-encode.js ENCODER.json VOCAB.bpe FILE
//
// The tokenizer is a BPE model read from GPT-2's encoder.json and vocab.bpe with the ByteLevel
// pre-tokenizer (no prefix space, GPT-2 pattern), as GPT-2 is set up in tokenizers. The file
// is cut into documents of about 8 KiB where the cut changes no token (chunks.js) and
// encoded with encodeBatch, BATCH documents per call; tokenizers spreads a batch over
// RAYON_NUM_THREADS threads. The ids are taken from each encoding (getIds) and kept, not
// printed: the program prints on stderr the number of tokens, the sum of the ids and its load
// and encode times. Modules are found through NODE_PATH.
'use strict';

const chunks = require('./chunks.js');

const BATCH = 64;

async function main() {
	const [encoder, merges, file] = process.argv.slice(2);
	if (!file) {
		process.stderr.write('usage: node hf-encode.js ENCODER.json VOCAB.bpe FILE\n');
		process.exit(2);
	}
	const hf = require('tokenizers');
	const t0 = process.hrtime.bigint();
	const tok = new hf.Tokenizer(await hf.BPE.fromFile(encoder, merges));
	tok.setPreTokenizer(hf.byteLevelPreTokenizer(false, true));
	const input = chunks.read(file);
	const t1 = process.hrtime.bigint();
	let tokens = 0;
	let idsum = 0;
	for (let i = 0; i < input.docs.length; i += BATCH) {
		const encs = await tok.encodeBatch(input.docs.slice(i, i + BATCH));
		for (const e of encs) {
			const ids = e.getIds();
			tokens += ids.length;
			for (let k = 0; k < ids.length; k++)
				idsum += ids[k];
		}
	}
	const t2 = process.hrtime.bigint();
	chunks.report('hf-encode', tokens, idsum, t0, t1, t2);
}

main().catch((e) => {
	process.stderr.write(`hf-encode: ${e.stack || e}\n`);
	process.exit(1);
});
