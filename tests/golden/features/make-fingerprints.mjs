// make-fingerprints.mjs — golden FarmHash Fingerprint64 values for tests/check_features.c,
// from independent implementations: npm's farmhash (Node bindings compiled from Google's
// own farmhash.cc) and npm's farmhash-modern (the Rust farmhash crate built to WebAssembly).
// Each line of the output is "HEX<TAB>DECIMAL": the input bytes in hex (empty for the empty
// string) and their Fingerprint64 (Google's farmhash.cc) as an unsigned decimal.
//
// The two packages agree except on inputs whose length is a multiple of 64 and at least
// 128: there farmhash-modern gives other values, and Google's C++ is the definition (it is
// what TensorFlow links). The script lists those lengths on stderr, so that the
// disagreement stays visible, and fails if the packages disagree anywhere else.
//
//     mkdir -p /tmp/fh && (cd /tmp/fh && npm install farmhash farmhash-modern)
//     NODE_PATH=/tmp/fh/node_modules node tests/golden/features/make-fingerprints.mjs \
//         > tests/golden/features/fingerprints.txt
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || '.', 'x.js'));
const google = require('farmhash');
const modern = require('farmhash-modern');

// A fixed byte stream (a 32-bit LCG, Numerical Recipes' constants), so every byte value
// occurs and the inputs are the same on every run.
let state = 12345;
function nextByte() {
	state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
	return state >>> 24;
}
function randomBytes(n) {
	const b = new Uint8Array(n);
	for (let i = 0; i < n; i++)
		b[i] = nextByte();
	return b;
}

const inputs = [];
const enc = new TextEncoder();
for (const s of ['', 'a', 'ab', 'abc', 'abcd', 'hello world', 'The quick brown fox jumps over the lazy dog',
		 '0', '1', '42', '-7', '9223372036854775807', 'batch1-FC1-F1',
		 'héllo wörld', '日本語のテキスト', 'Ελληνικά', '🙂 emoji 🚀', 'naïve café crème brûlée, déjà vu'])
	inputs.push(enc.encode(s));
// Every length from 1 to 200 (all four length classes and their edges), random bytes.
for (let n = 1; n <= 200; n++)
	inputs.push(randomBytes(n));
// Long inputs: block multiples and off-by-one around them, and a long UTF-8 text.
for (const n of [255, 256, 257, 511, 512, 513, 1000, 1500])
	inputs.push(randomBytes(n));
inputs.push(enc.encode('Zürich – München – København; '.repeat(40)));

for (const b of inputs) {
	const buf = Buffer.from(b);
	const g = google.fingerprint64(buf).toString(), m = modern.fingerprint64(b).toString();
	if (g !== m) {
		if (b.length % 64 || b.length < 128) {
			console.error(`length ${b.length}: farmhash ${g}, farmhash-modern ${m}`);
			process.exit(1);
		}
		console.error(`length ${b.length} (a multiple of 64): farmhash-modern differs`);
	}
	console.log(buf.toString('hex') + '\t' + g);
}
