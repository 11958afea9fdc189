# gensim loads what dl-w2v writes as its own (tests/golden/w2v/check-load.py, with Debian's
# python3-gensim under /usr/bin/python3; skipped without it): vectors converted from gensim's
# own file, in binary and text, and vectors dl-w2v trained.
D=$DATA/w2v
[ -z "${DL_WRAP:-}" ] || export DL_BLAS_REEXEC=timeout
/usr/bin/python3 -c 'import gensim' 2>/dev/null || { echo "SKIP: /usr/bin/python3 has no gensim"; exit 77; }

dl w2v convert -m "$D/gensim.bin" --to bin -o "$T/a.bin" || fail "convert to bin"
dl w2v convert -m "$T/a.bin" --to text -o "$T/a.txt" || fail "convert to text"
dl w2v convert -m - --from bin --to text -o "$T/c.txt" <"$D/gensim.bin" || fail "convert from stdin"
/usr/bin/python3 "$DL_SRC/tests/golden/w2v/check-load.py" "$D/gensim.bin" "$T/a.bin" "$T/a.txt" "$T/c.txt" \
	>"$T/gensim.out" 2>&1 || fail "gensim does not load our files as its own: $(cat "$T/gensim.out")"

awk 'BEGIN { s = 11; for (i = 0; i < 2000; i++) { line = "";
	for (k = 0; k < 12; k++) { s = s * 16807 % 2147483647; line = line " w" (s % 40) }
	print line } }' >"$T/corpus.txt"
for m in "--model skipgram --loss ns" "--model cbow --loss hs"; do
	dl w2v train $m --dim 10 --min-count 1 --epochs 1 --threads 1 -q -o "$T/t.bin" "$T/corpus.txt" ||
		fail "train $m"
	dl w2v train $m --dim 10 --min-count 1 --epochs 1 --threads 1 -q --format text -o "$T/t.txt" \
		"$T/corpus.txt" || fail "train $m --format text"
	/usr/bin/python3 "$DL_SRC/tests/golden/w2v/check-load.py" "$T/t.bin" "$T/t.txt" >"$T/gensim.out" 2>&1 ||
		fail "gensim does not load trained vectors ($m): $(cat "$T/gensim.out")"
done
