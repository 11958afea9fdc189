// hf-train.js — trains byte-level BPE with HuggingFace tokenizers (npm `tokenizers`, the
// native Rust build) for the dl-tokenize benchmark.
//
//     RAYON_NUM_THREADS=N node hf-train.js -o OUT.json FILE...
//
// The tokenizer is an empty BPE model with the ByteLevel pre-tokenizer (no prefix space, GPT-2
// pattern), trained on the files, which tokenizers reads line by line. The Node binding takes
// no trainer settings: Tokenizer.train uses the model's default BpeTrainer, whose vocabulary
// size is 30000 (alphabet included, min_frequency 0, no initial alphabet), so this is the only
// size it can train. Counting and merging run on RAYON_NUM_THREADS threads. Writes the
// tokenizer.json and prints on stderr the size of the vocabulary learned and the time.
'use strict';

function main() {
	const args = process.argv.slice(2);
	const o = args.indexOf('-o');
	if (o < 0 || o + 1 >= args.length || args.length < 3) {
		process.stderr.write('usage: node hf-train.js -o OUT.json FILE...\n');
		process.exit(2);
	}
	const out = args[o + 1];
	const files = args.filter((_, i) => i !== o && i !== o + 1);
	const hf = require('tokenizers');
	const t0 = process.hrtime.bigint();
	const tok = new hf.Tokenizer(hf.BPE.empty());
	tok.setPreTokenizer(hf.byteLevelPreTokenizer(false, true));
	tok.train(files);
	const t1 = process.hrtime.bigint();
	tok.save(out);
	process.stderr.write(`hf-train: vocab ${tok.getVocabSize()} ` +
			     `train_s ${(Number(t1 - t0) / 1e9).toFixed(3)}\n`);
}

main();
