#!/bin/sh
# setup-peers.sh — readies the programs the dl-w2v benchmark compares with:
#     word2vec.c   Mikolov's word2vec and compute-accuracy, built from their public source
#                  (https://github.com/tmikolov/word2vec) with its own makefile (gcc -O3
#                  -march=native -funroll-loops -lm -pthread) under $DL_BENCH_DATA/w2v/peers/
#                  word2vec; never part of this tree. The script downloads nothing: W2V_SRC
#                  names the source, a directory holding word2vec.c and makefile or a git
#                  directory of that repository (its HEAD is used).
#     fastText     Debian fasttext (/usr/bin/fasttext)
#     gensim       Debian python3-gensim, run by /usr/bin/python3
#     GNU time     Debian time (/usr/bin/time), for peak memory
#
#     sh setup-peers.sh [word2vec] [fasttext] [gensim]     (default: all three)
#
# Only the peers named are readied (GNU time always).
# Does nothing for what is already there. Debian packages are installed with apt-get when
# running as root; otherwise the script names them and fails.
# Environment: DL_BENCH_DATA (default /tmp/dl-bench), W2V_SRC.
set -eu

peers="${DL_BENCH_DATA:-/tmp/dl-bench}/w2v/peers"
say() { echo "setup-peers.sh: $*" >&2; }
die() { say "$*"; exit 1; }

want=${*:-word2vec fasttext gensim}
pkgs='time'
for p in $want; do
	case $p in
	word2vec) ;;
	fasttext) pkgs="$pkgs fasttext" ;;
	gensim) pkgs="$pkgs python3-gensim" ;;
	*) echo "usage: setup-peers.sh [word2vec] [fasttext] [gensim]" >&2; exit 2 ;;
	esac
done
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "apt-get install$missing"
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
	else
		die "missing Debian packages: apt-get install$missing"
	fi
fi

w2v="$peers/word2vec"
case " $want " in
*" word2vec "*) ;;
*)
	say "peers ready:$pkgs"
	exit 0 ;;
esac
if [ ! -x "$w2v/word2vec" ] || [ ! -x "$w2v/compute-accuracy" ]; then
	src=${W2V_SRC:-}
	if [ -z "$src" ]; then
		die "word2vec.c is not built in $w2v: set W2V_SRC to its source, e.g.
    git clone https://github.com/tmikolov/word2vec /tmp/word2vec && W2V_SRC=/tmp/word2vec sh $0"
	fi
	rm -rf "$w2v"
	mkdir -p "$w2v"
	if [ -f "$src/word2vec.c" ]; then
		cp "$src"/*.c "$src/makefile" "$w2v/"
		rev=$(git -C "$src" rev-parse --short=7 HEAD 2>/dev/null || echo '?')
	elif git --git-dir="$src" rev-parse --verify -q HEAD >/dev/null 2>&1; then
		git --git-dir="$src" archive HEAD | tar -x -C "$w2v"
		rev=$(git --git-dir="$src" rev-parse --short=7 HEAD)
	else
		die "W2V_SRC=$src holds neither word2vec.c nor a git directory"
	fi
	if [ ! -f "$w2v/word2vec.c" ] || [ ! -f "$w2v/makefile" ]; then
		die "no word2vec.c and makefile in $src"
	fi
	echo "$rev" >"$w2v/REVISION"
	say "building word2vec.c ($rev) in $w2v"
	make -s -C "$w2v" word2vec compute-accuracy >&2 || die "building word2vec.c failed"
fi
say "peers ready: $w2v (word2vec.c $(cat "$w2v/REVISION" 2>/dev/null || echo '?')), $(command -v fasttext), /usr/bin/python3 with gensim"
