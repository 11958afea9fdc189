#!/bin/sh
# make-data.sh — writes the data of the dl-record benchmark under $DL_BENCH_DATA/record:
#     examples.jsonl        the Examples as JSON lines (gen-jsonl.py, from the KJV Bible text)
#     records.tfrecord      the same packed by `dl-record pack` (about $DL_BENCH_RECORD_MB MB)
#     records.tfrecord.gz   records.tfrecord through `gzip -6`
# Deterministic: the same script gives the same bytes. Files already there are kept (delete
# the directory to rebuild). Needs: bible (Debian bible-kjv, bible-kjv-text), python3, gzip.
# Environment: DL_BUILD (default ./build) holds dl-record; DL_BENCH_DATA (default
# /tmp/dl-bench); DL_BENCH_RECORD_MB (default 1024) sizes the TFRecord file (in 2^20 bytes).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${DL_BUILD:-./build}" && pwd)
dl="$build/dl-record"
out="${DL_BENCH_DATA:-/tmp/dl-bench}/record"
mb=${DL_BENCH_RECORD_MB:-1024}
# Debian's python3-protobuf and python3-crc32c (used by the peer) live under /usr/bin/python3.
py=${PYTHON:-/usr/bin/python3}
[ -x "$py" ] || py=python3

[ -x "$dl" ] || { echo "make-data.sh: $dl not found (set DL_BUILD to the build directory)" >&2; exit 1; }
command -v bible >/dev/null 2>&1 ||
	{ echo "make-data.sh: bible not found: apt-get install bible-kjv bible-kjv-text" >&2; exit 1; }
mkdir -p "$out"

if [ ! -s "$out/examples.jsonl" ]; then
	echo "make-data.sh: writing $out/examples.jsonl" >&2
	bible -f gen1:1-rev22:21 | "$py" "$here/gen-jsonl.py" $((mb * 1048576)) >"$out/examples.jsonl.tmp"
	mv "$out/examples.jsonl.tmp" "$out/examples.jsonl"
fi
if [ ! -s "$out/records.tfrecord" ]; then
	echo "make-data.sh: writing $out/records.tfrecord" >&2
	"$dl" pack -o "$out/records.tfrecord" "$out/examples.jsonl"
fi
if [ ! -s "$out/records.tfrecord.gz" ]; then
	echo "make-data.sh: writing $out/records.tfrecord.gz" >&2
	gzip -6 -n -c "$out/records.tfrecord" >"$out/records.tfrecord.gz.tmp"
	mv "$out/records.tfrecord.gz.tmp" "$out/records.tfrecord.gz"
fi
ls -l "$out" >&2
