# dl-w2v end to end on vectors gensim wrote (tests/data/w2v, made by
# tests/golden/w2v/make-fixtures.py): similar, analogy and eval give gensim's answers
# (most_similar, evaluate_word_analogies, evaluate_word_pairs) from its binary and text files,
# gzip'd and on stdin; convert round-trips every format exactly; train (small runs) is
# reproducible, reads a pipe as it reads a file, and writes what it is asked to. (That gensim
# loads what dl-w2v writes is tests/cli/w2v-gensim.sh.)
D=$DATA/w2v
# Under valgrind the BLAS set-up must not re-execute the program (valgrind cannot follow
# /proc/self/exe): tell it that it already has.
[ -z "${DL_WRAP:-}" ] || export DL_BLAS_REEXEC=timeout
EXP=$D/expected.txt

# hits_match EXPECTED_LINE_TAIL OUTPUT: OUTPUT's lines "...<TAB>WORD<TAB>COSINE" are the
# expected "WORD COSINE ..." pairs: the same words in order, cosines within 1.5e-4 (we print
# 4 decimals).
hits_match() {
	awk -F '\t' -v want="$1" 'BEGIN { n = split(want, w, " ") }
	{ i = 2 * NR - 1; if (i > n || $(NF - 1) != w[i]) { print "row " NR ": " $(NF - 1) ", want " w[i]; bad = 1; exit }
	  d = $NF - w[i + 1]; if (d < 0) d = -d; if (d > 1.5e-4) { print "row " NR ": cosine " $NF ", want " w[i + 1]; bad = 1; exit } }
	END { if (!bad && 2 * NR != n) { print NR " rows, want " n / 2; bad = 1 } exit bad }' "$2" >&2
}

# ---------------------------------------------------------------- similar and analogy vs gensim
gzip -c "$D/gensim.txt" >"$T/gensim.txt.gz"
for v in "$D/gensim.bin" "$D/gensim.txt" "$T/gensim.txt.gz"; do
	grep '^similar ' "$EXP" | while read -r _ word want; do
		dl w2v similar -m "$v" "$word" >"$T/sim" || fail "similar -m $v $word"
		hits_match "$want" "$T/sim" || fail "similar -m $v $word: not gensim's neighbours"
		awk -F '\t' -v w="$word" 'NF != 3 || $1 != w { exit 1 }' "$T/sim" ||
			fail "similar: lines QUERY<TAB>WORD<TAB>COSINE"
	done
	grep '^analogy ' "$EXP" | while read -r _ a b c want; do
		dl w2v analogy -m "$v" -k 5 "$a" "$b" "$c" >"$T/ana" || fail "analogy -m $v $a $b $c"
		hits_match "$want" "$T/ana" || fail "analogy -m $v $a $b $c: not gensim's answers"
	done
done
# Several query words: one block each, in order; -k; stdin; jsonl.
dl w2v similar -m - -k 3 nation0 city5 adj7ly <"$D/gensim.bin" >"$T/multi" || fail "similar -m -"
[ "$(cut -f1 "$T/multi" | tr '\n' ' ')" = "nation0 nation0 nation0 city5 city5 city5 adj7ly adj7ly adj7ly " ] ||
	fail "similar: three blocks of three"
want=$(grep '^similar city5 ' "$EXP" | cut -d' ' -f3-8)
sed -n 4,6p "$T/multi" >"$T/city5"
hits_match "$want" "$T/city5" || fail "similar city5 -k 3, second block"
dl w2v similar -m "$D/gensim.bin" --format jsonl -k 2 nation0 city5 >"$T/sim.jsonl" || fail "similar --format jsonl"
[ "$(wc -l <"$T/sim.jsonl")" -eq 2 ] || fail "jsonl: a line per query"
grep -q '^{"query":"nation0","neighbours":\[{"word":"adj1","cosine":0.6630},{"word":"city0","cosine":0.6426}\]}$' \
	"$T/sim.jsonl" || fail "jsonl: $(head -n 1 "$T/sim.jsonl")"
dl w2v analogy -m "$D/gensim.bin" --format jsonl -k 1 nation1 city1 nation2 >"$T/ana.jsonl" ||
	fail "analogy --format jsonl"
grep -q '"neighbours":\[{"word":"city2","cosine":0.7833}\]}$' "$T/ana.jsonl" || fail "analogy jsonl"
# -o writes the file.
dl w2v similar -m "$D/gensim.bin" -o "$T/sim.out" nation0 || fail "similar -o"
dl w2v similar -m "$D/gensim.bin" nation0 | cmp -s - "$T/sim.out" || fail "similar -o: other bytes"

# ---------------------------------------------------------------- eval vs gensim
for r in 0 100; do
	dl w2v eval -m "$D/gensim.bin" --analogies "$D/questions.txt" --restrict $r --json -q \
		>"$T/eval.json" || fail "eval --analogies --restrict $r"
	grep "^analogies $r section " "$EXP" | while read -r _ _ _ name good seen; do
		grep -q "{\"name\":\"$name\",\"correct\":$good,\"seen\":$seen," "$T/eval.json" ||
			fail "eval --restrict $r: section $name is not $good of $seen: $(cat "$T/eval.json")"
	done
	read -r _ _ _ good seen <<EOF
$(grep "^analogies $r overall " "$EXP")
EOF
	grep -q "\"overall\":{\"correct\":$good,\"seen\":$seen," "$T/eval.json" ||
		fail "eval --restrict $r: overall is not $good of $seen"
	# 133 questions: one with a word gensim and we both lack, one malformed line.
	grep -q "\"questions\":133,\"oov\":$((133 - seen)),\"malformed\":1," "$T/eval.json" ||
		fail "eval --restrict $r: question counts"
done
# semantic = sections not named gram*: capital-common and family.
grep -q '"semantic":{"correct":35,"seen":41,' "$T/eval.json" || fail "eval: semantic sum"
grep -q '"syntactic":{"correct":5,"seen":6,' "$T/eval.json" || fail "eval: syntactic sum"
# The table: a row per section and the sums; the malformed line is a warning on stderr.
expect_status 0 dl w2v eval -m "$D/gensim.txt" --analogies "$D/questions.txt"
grep -q '^capital-common  *33  *41  *42  *80.49%$' "$T/out" || fail "eval table: $(cat "$T/out")"
grep -q '^overall  *111  *132  *133  *84.09%$' "$T/out" || fail "eval table: overall"
expect_err "questions.txt: skipped 1 malformed line (the first: line 44)"
for r in 0 100; do
	dl w2v eval -m "$D/gensim.bin" --similarity "$D/pairs.tsv" --restrict $r --json \
		>"$T/pairs.json" || fail "eval --similarity --restrict $r"
	read -r _ _ rho r_p oov <<EOF
$(grep "^pairs $r " "$EXP")
EOF
	awk -v rho="$rho" -v rp="$r_p" -v oov="$oov" '{
		s = $0; sub(/.*"spearman":/, "", s); s += 0
		p = $0; sub(/.*"pearson":/, "", p); p += 0
		o = $0; sub(/.*"oov_ratio":/, "", o); o += 0
		if ((s - rho)^2 > 1e-10 || (p - rp)^2 > 1e-10 || (o - oov)^2 > 1e-10) exit 1 }' \
		"$T/pairs.json" || fail "eval --similarity --restrict $r: $(cat "$T/pairs.json"), gensim: $rho $r_p $oov"
done
dl w2v eval -m "$D/gensim.bin" --similarity "$D/pairs.tsv" >"$T/pairs.txt" || fail "similarity table"
grep -q '^spearman rho   0.0520$' "$T/pairs.txt" || fail "similarity table: $(cat "$T/pairs.txt")"

# ---------------------------------------------------------------- convert
dl w2v convert -m "$D/gensim.bin" --to bin -o "$T/a.bin" || fail "convert to bin"
dl w2v convert -m "$T/a.bin" --to text -o "$T/a.txt" || fail "convert to text"
dl w2v convert -m "$T/a.txt" --from text --to safetensors -o "$T/a.st" || fail "convert to safetensors"
dl w2v convert -m "$T/a.st" --to bin -o "$T/b.bin" || fail "convert safetensors to bin"
same "$T/a.bin" "$T/b.bin"
# Our text is gensim's text: both print each float32's shortest repr.
same "$D/gensim.txt" "$T/a.txt"
dl w2v convert -m - --from bin --to text -o "$T/c.txt" <"$D/gensim.bin" || fail "convert from stdin"
same "$T/a.txt" "$T/c.txt"
grep -q '"format":"dl-w2v"' "$T/a.st" || fail "safetensors: metadata format dl-w2v"
dl w2v similar -m "$T/a.st" nation0 >"$T/sim.st" || fail "similar from safetensors"
dl w2v similar -m "$D/gensim.bin" nation0 | cmp -s - "$T/sim.st" || fail "safetensors: other neighbours"

# ---------------------------------------------------------------- train (small runs)
# A corpus with structure: sentences from a small grammar, the same on every system.
awk 'BEGIN { split("king queen man woman prince princess boy girl", n, " ");
	split("rules sees loves meets helps", v, " "); split("castle land city river road", p, " ");
	s = 7; for (i = 0; i < 3000; i++) {
		s = s * 16807 % 2147483647; a = n[1 + s % 8];
		s = s * 16807 % 2147483647; b = n[1 + s % 8];
		s = s * 16807 % 2147483647; c = v[1 + s % 5];
		s = s * 16807 % 2147483647; d = p[1 + s % 5];
		print "the " a " " c " the " b " in the " d } }' >"$T/corpus.txt"
TRAIN="--dim 12 --window 3 --min-count 2 --epochs 2 --threads 1 --seed 5 -q"
dl w2v train $TRAIN -o "$T/t1.bin" "$T/corpus.txt" || fail "train"
# 20 words, 12 components
head -n 1 "$T/t1.bin" | grep -q '^20 12$' || fail "train: header '$(head -n 1 "$T/t1.bin")', want 20 words of 12"
dl w2v train $TRAIN -o "$T/t2.bin" "$T/corpus.txt" || fail "train again"
same "$T/t1.bin" "$T/t2.bin"
# A pipe, gzip'd or not, trains as the file does.
gzip -c "$T/corpus.txt" | dl w2v train $TRAIN -o "$T/t3.bin" || fail "train from a pipe"
same "$T/t1.bin" "$T/t3.bin"
# The other formats hold the same vectors.
dl w2v train $TRAIN --format text -o "$T/t1.txt" "$T/corpus.txt" || fail "train --format text"
dl w2v train $TRAIN --format safetensors -o "$T/t1.st" "$T/corpus.txt" || fail "train --format safetensors"
dl w2v convert -m "$T/t1.txt" --to bin -o "$T/t4.bin" && same "$T/t1.bin" "$T/t4.bin"
dl w2v convert -m "$T/t1.st" --to bin -o "$T/t5.bin" && same "$T/t1.bin" "$T/t5.bin"
# The most frequent word is "the"; every word of the vocabulary is in the corpus.
sed -n 2p "$T/t1.txt" | grep -q '^the ' || fail "train: 'the' is not the first word"
tail -n +2 "$T/t1.txt" | cut -d' ' -f1 | while read -r w; do
	[ "$w" = "</s>" ] || grep -qw -- "$w" "$T/corpus.txt" || fail "train: '$w' is not in the corpus"
done
dl w2v similar -m "$T/t1.bin" -k 3 king >"$T/tsim" || fail "similar on trained vectors"
[ "$(wc -l <"$T/tsim")" -eq 3 ] || fail "similar on trained vectors: 3 lines"
# --save-vocab, then --read-vocab: the same vectors.
dl w2v train $TRAIN --save-vocab "$T/vocab" -o "$T/t6.bin" "$T/corpus.txt" || fail "train --save-vocab"
same "$T/t1.bin" "$T/t6.bin"
grep -q '^the [0-9][0-9]*$' "$T/vocab" || fail "--save-vocab: 'word count' lines"
dl w2v train $TRAIN --read-vocab "$T/vocab" -o "$T/t7.bin" "$T/corpus.txt" || fail "train --read-vocab"
same "$T/t1.bin" "$T/t7.bin"
# --log: JSON lines.
dl w2v train $TRAIN --log "$T/log" -o "$T/t8.bin" "$T/corpus.txt" || fail "train --log"
[ -s "$T/log" ] && awk '!/^\{.*\}$/ { exit 1 }' "$T/log" || fail "--log: JSON lines"
# CBOW and hierarchical softmax run too, and differ from skip-gram.
dl w2v train $TRAIN --model cbow --loss hs -o "$T/t9.bin" "$T/corpus.txt" || fail "train cbow hs"
if cmp -s "$T/t1.bin" "$T/t9.bin"; then fail "train: cbow/hs gave the skip-gram vectors"; fi
