#!/bin/sh
# make-ngram-seeds.sh — the seeds of the dl-ngram fuzz targets, from the test data, with
# a built dl-ngram: fuzz/corpus/make-ngram-seeds.sh BUILDDIR
set -eu
B=${1:?usage: make-ngram-seeds.sh BUILDDIR}
cd "$(dirname "$0")"
D=../../tests/data/ngram
"$B/dl-ngram" train -q --order 3 --discount-fallback -o ngram_arpa/toy3 $D/toy-train.txt
"$B/dl-ngram" train -q --order 2 --discount-fallback -o ngram_arpa/toy2 $D/toy-train.txt
printf '\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-1\t<s>\t-0.5\n-0.5\t</s>\n-0.7\tx\n\n\\2-grams:\n-0.2\t<s> x\n\n\\end\\\n' >ngram_arpa/small
printf '\\data\\\nngram 1=3\nngram 2=2\n\n\\1-grams:\n-1\t<s>\t-0.5\n-0.5\t</s>\n-0.7\tx\n\n\\2-grams:\n-0.2\t<s> x\n\n\\end\\\n' >ngram_arpa/bad-count
"$B/dl-ngram" compile -q ngram_arpa/toy2 -o ngram_binary/toy2
"$B/dl-ngram" compile -q ngram_arpa/small -o ngram_binary/small
head -c 200 ngram_binary/toy2 >ngram_binary/cut
printf '\003' | cat - $D/toy-train.txt >ngram_train/toy-o4
printf '\001a b\nb a\n\n' >ngram_train/tiny-o2
printf '\002' | cat - $D/toy-test.txt >ngram_train/test-o3
