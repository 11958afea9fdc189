# dl-w2v on bad input and bad command lines: usage errors exit 2 with "Try 'dl-w2v --help'";
# bad data exits 1 with one line that names the file (and the line or byte offset); nothing
# is left behind by a failed run; malformed lines of evaluation files are skipped, counted
# and reported. Runs under valgrind too (small inputs only).
D=$DATA/w2v
# Under valgrind the BLAS set-up must not re-execute the program (valgrind cannot follow
# /proc/self/exe): tell it that it already has.
[ -z "${DL_WRAP:-}" ] || export DL_BLAS_REEXEC=timeout
V=$D/gensim.bin

# one_line: the error is one line that starts with the program name.
one_line() {
	[ "$(wc -l <"$T/err")" -eq 1 ] || { cat "$T/err" >&2; fail "want one line on stderr"; }
	grep -q '^dl-w2v: ' "$T/err" || fail "the message lacks the program name"
}

# ---------------------------------------------------------------- usage errors: exit 2
usage() {
	expect_status 2 dl w2v "$@"
	expect_err "Try 'dl-w2v --help'"
}
usage
usage frobnicate
usage similar nation0
usage similar -m "$V"
usage similar -m "$V" -k 0 nation0
usage similar -m "$V" --format xml nation0
usage analogy -m "$V" nation0 city0
usage analogy -m "$V" a b c d
usage eval -m "$V"
usage eval -m "$V" --analogies "$D/questions.txt" --similarity "$D/pairs.tsv"
usage eval --analogies "$D/questions.txt"
usage eval -m "$V" --analogies "$D/questions.txt" --restrict x
usage eval -m "$V" --analogies "$D/questions.txt" extra
usage convert -m "$V" -o "$T/x"
usage convert -m "$V" --to txt -o "$T/x"
usage convert -m "$V" --from xml --to text -o "$T/x"
usage convert -m "$V" --to text
usage similar -m "$V" --dim 5 nation0
expect_err "similar: --dim does not apply to this command"
usage train
usage train -o "$T/x" --model glove
usage train -o "$T/x" --loss softmax
usage train -o "$T/x" --dim 0
usage train -o "$T/x" --window -1
usage train -o "$T/x" --format csv
usage train -o "$T/x" --input json
usage train -o "$T/x" --epochs 0
usage train -o "$T/x" --sample 2
usage train -o "$T/x" --negative 0
usage train -o "$T/x" --bogus
usage train -o "$T/x" --threads 0
usage train -o "$T/x" --analogies "$D/questions.txt"
[ ! -e "$T/x" ] || fail "a usage error left an output behind"
# --help on stdout, exit 0; --version
for c in train similar analogy eval convert; do
	expect_status 0 dl w2v $c --help
	grep -q "^Usage: dl-w2v $c" "$T/out" || fail "$c --help"
done
expect_status 0 dl w2v --help
grep -q '^Usage: dl-w2v COMMAND' "$T/out" || fail "--help"
expect_status 0 dl w2v --version
grep -q '^dl-w2v (dl) ' "$T/out" || fail "--version"

# ---------------------------------------------------------------- query words not in the vocabulary
expect_status 1 dl w2v similar -m "$V" nation0 nosuchword
expect_err "dl-w2v: 'nosuchword' is not in the vocabulary of $V"
one_line
[ ! -s "$T/out" ] || fail "similar: output before the error"
expect_status 1 dl w2v analogy -m "$V" nation0 NATION0 city0
expect_err "'NATION0' is not in the vocabulary"
one_line

# ---------------------------------------------------------------- bad vectors files: exit 1
bad_vectors() {  # FILE MESSAGE
	expect_status 1 dl w2v similar -m "$1" nation0
	expect_err "$1: $2"
	one_line
	expect_status 1 dl w2v convert -m "$1" --to text -o "$T/conv.txt"
	[ ! -e "$T/conv.txt" ] || fail "a failed convert left its output"
}
: >"$T/empty"
bad_vectors "$T/empty" 'empty file'
printf 'hello world\n' >"$T/hdr"
bad_vectors "$T/hdr" "line 1: bad header 'hello world'"
head -c 5000 "$V" >"$T/cut.bin"
bad_vectors "$T/cut.bin" "truncated: the header says 194 words of 16 components, more than the file's 5000 bytes"
# The same bytes through a pipe (size unknown): cut inside word 69's vector.
expect_status 1 dl w2v similar -m - nation0 <"$T/cut.bin"
expect_err "(stdin): byte offset 4960: truncated: word 69 ('filler48') has 40 of its 64 bytes"
one_line
head -n 40 "$D/gensim.txt" >"$T/cut.txt"
bad_vectors "$T/cut.txt" 'truncated: the header says 194 words, the file has 39'
sed '5s/ [^ ]*$//' "$D/gensim.txt" >"$T/short.txt"
bad_vectors "$T/short.txt" 'line 5: 15 numbers, the header says 16'
sed '7s/ [^ ]* / abc /' "$D/gensim.txt" >"$T/nan.txt"
bad_vectors "$T/nan.txt" "line 7: number 1 of 'nation5' is not a number: 'abc'"
sed '1s/.*/194 17/' "$D/gensim.txt" >"$T/dim.txt"
bad_vectors "$T/dim.txt" 'line 2: 16 numbers, the header says 17'
{ printf '1000000000 16\n'; tail -n +2 "$D/gensim.txt"; } >"$T/lie.txt"
bad_vectors "$T/lie.txt" 'truncated: the header says 1000000000 words of 16 components, more than the file'
printf '0 16\n' >"$T/zero.txt"
bad_vectors "$T/zero.txt" 'line 1: 0 words of 16 components'
head -c 3000 "$V" | gzip -c >"$T/cut.bin.gz"
bad_vectors "$T/cut.bin.gz" "byte offset 2989: truncated: word 42 ('filler21') has 11 of its 64 bytes"
bad_vectors "$T/nonexistent" ''
printf 'x' >>"$T/extra.bin"; cat "$V" "$T/extra.bin" >"$T/extra2.bin"
bad_vectors "$T/extra2.bin" "byte offset 13941: data after the last of the header's 194 words"
head -c 4000 /dev/urandom >"$T/random"
expect_status 1 dl w2v similar -m "$T/random" nation0
one_line
dl w2v convert -m "$V" --to safetensors -o "$T/v.st"
head -c 3000 "$T/v.st" >"$T/cut.st"
bad_vectors "$T/cut.st" "truncated: tensor 'vectors' ends at byte"
# --from forces a format: gensim's text read as binary is an error, not garbage.
expect_status 1 dl w2v convert -m "$D/gensim.txt" --from safetensors --to bin -o "$T/x.bin"
one_line
[ ! -e "$T/x.bin" ] || fail "a failed convert left its output"

# ---------------------------------------------------------------- bad evaluation files
# Malformed lines are skipped, counted in the JSON and reported on stderr.
{ cat "$D/questions.txt"; printf 'a b\n: \nx y z w v\n'; } >"$T/q.txt"
expect_status 0 dl w2v eval -m "$V" --analogies "$T/q.txt" --json
grep -q '"malformed":4,' "$T/out" || fail "eval: 4 malformed lines"
expect_err "q.txt: skipped 4 malformed lines (the first: line 44)"
expect_status 0 dl w2v eval -m "$V" --analogies "$T/q.txt" --json -q
[ ! -s "$T/err" ] || fail "--quiet: no warning"
# Nothing usable: exit 1, naming the file.
printf 'hello\nworld of words\n' >"$T/noq.txt"
expect_status 1 dl w2v eval -m "$V" --analogies "$T/noq.txt"
expect_err "$T/noq.txt: no analogy questions"
one_line
: >"$T/empty.txt"
expect_status 1 dl w2v eval -m "$V" --similarity "$T/empty.txt"
expect_err "$T/empty.txt: no word pairs"
one_line
printf '# header\nnation0\tcity0\tnot-a-number\nnation0 city0\n' >"$T/nop.tsv"
expect_status 1 dl w2v eval -m "$V" --similarity "$T/nop.tsv"
expect_err "every line is malformed"
{ cat "$D/pairs.tsv"; printf 'nation0\tcity0\tx\n\tcity0\t3\n'; } >"$T/p.tsv"
expect_status 0 dl w2v eval -m "$V" --similarity "$T/p.tsv" --json
grep -q '"pairs":43,.*"malformed":2,' "$T/out" || fail "eval --similarity: 2 malformed lines"
expect_status 1 dl w2v eval -m "$V" --analogies "$T/nonexistent.txt"
expect_err "nonexistent.txt"
one_line
# A binary file as analogy questions: no crash, an error or counted lines.
set +e
dl w2v eval -m "$V" --analogies "$T/random" >/dev/null 2>&1
st=$?
set -e
[ $st -le 1 ] || fail "eval of a binary file: exit $st"

# ---------------------------------------------------------------- bad corpora
expect_status 1 dl w2v train -q --threads 1 -o "$T/e.bin" "$T/empty.txt"
one_line
[ ! -e "$T/e.bin" ] || fail "train: output left after an error"
printf 'one two three\n' >"$T/rare.txt"
expect_status 1 dl w2v train -q --threads 1 --min-count 5 -o "$T/e.bin" "$T/rare.txt"
one_line
[ ! -e "$T/e.bin" ] || fail "train: output left after an error"
expect_status 1 dl w2v train -q --threads 1 -o "$T/e.bin" "$T/nonexistent.txt"
expect_err "nonexistent.txt"
one_line
# A binary file as corpus: bytes are words; no crash, no garbage exit status.
head -c 20000 /dev/urandom >"$T/bin.corpus"
set +e
dl w2v train -q --threads 1 --min-count 1 --dim 8 --epochs 1 -o "$T/b.bin" "$T/bin.corpus" >/dev/null 2>&1
st=$?
set -e
[ $st -le 1 ] || fail "train on a binary file: exit $st"
