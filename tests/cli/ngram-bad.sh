# dl-ngram on bad input: a clear message naming the file (and line), exit 1, no output left.
N=$DATA/ngram
ok_arpa='\data\
ngram 1=3
ngram 2=1

\1-grams:
-1.0	<s>	-0.5
-0.5	</s>
-0.7	x	0

\2-grams:
-0.2	<s> x

\end\'

bad_arpa() {        # NAME SED-SCRIPT EXPECTED-MESSAGE
	printf '%s\n' "$ok_arpa" | sed "$2" >"$T/$1.arpa"
	expect_status 1 dl ngram ppl -m "$T/$1.arpa" "$N/toy-test.txt"
	expect_err "dl-ngram: $T/$1.arpa:$3"
	expect_status 1 dl ngram compile "$T/$1.arpa" -o "$T/$1.bin"
	[ ! -e "$T/$1.bin" ] || fail "compile left $T/$1.bin"
}

printf '%s\n' "$ok_arpa" >"$T/ok.arpa"
dl ngram ppl -m "$T/ok.arpa" "$N/toy-test.txt" >/dev/null
bad_arpa count 's/ngram 2=1/ngram 2=2/' '12: the 2-grams section has 1 n-grams, the header says 2'
bad_arpa more 's/ngram 1=3/ngram 1=2/' '8: the 1-grams section has more n-grams than the 2'
bad_arpa number 's/^-0.7/-0.7e/' '8: bad probability'
bad_arpa backoff 's/-0.5$/--0.5/' '6: bad backoff'
bad_arpa noend '/\\end\\/d' '12: the file ends without \end\'
bad_arpa order 's/<s> x/<s> x x/' '11: expected a 2-gram'
bad_arpa word 's/<s> x/<s> y/' "11: the word 'y' is not among the 1-grams"
bad_arpa section 's/2-grams:/3-grams:/' '10: expected \2-grams:'
: >"$T/empty.arpa"
expect_status 1 dl ngram ppl -m "$T/empty.arpa" "$N/toy-test.txt"
expect_err "no \\data\\ line"

# binary models: truncated, damaged header, not a model
dl ngram compile "$T/ok.arpa" -o "$T/ok.bin"
dl ngram ppl -m "$T/ok.bin" "$N/toy-test.txt" >/dev/null
head -c $(($(wc -c <"$T/ok.bin") - 10)) "$T/ok.bin" >"$T/cut.bin"
expect_status 1 dl ngram ppl -m "$T/cut.bin" "$N/toy-test.txt"
expect_err "$T/cut.bin: truncated or damaged binary model"
head -c 40 "$T/ok.bin" >"$T/short.bin"
expect_status 1 dl ngram ppl -m "$T/short.bin" "$N/toy-test.txt"
expect_err "shorter than its header"
{ head -c 30 "$T/ok.bin"; printf 'X'; tail -c +32 "$T/ok.bin"; } >"$T/flip.bin"
expect_status 1 dl ngram ppl -m "$T/flip.bin" "$N/toy-test.txt"
expect_err "checksum"

# corpora: empty, only blank lines, too small without --discount-fallback, missing file
: >"$T/empty.txt"
expect_status 1 dl ngram train --order 3 -o "$T/m.arpa" "$T/empty.txt"
expect_err "dl-ngram: $T/empty.txt: the corpus has no words"
printf '\n\n' | { expect_status 1 dl ngram train --order 3 -o "$T/m.arpa"; }
expect_err "the corpus has no words"
expect_status 1 dl ngram train --order 3 -o "$T/m.arpa" "$N/toy-train.txt"
expect_err "cannot estimate the Kneser-Ney discounts of the 1-grams"
expect_err "--discount-fallback"
[ ! -e "$T/m.arpa" ] || fail "a failed train left its output"
expect_status 1 dl ngram train --order 3 -o "$T/m.arpa" "$T/nonexistent.txt"
expect_err "$T/nonexistent.txt"
expect_status 1 dl ngram ppl -m "$T/nonexistent.arpa" "$N/toy-test.txt"
expect_err "$T/nonexistent.arpa"
# a records file that is cut short
printf '\001\000\000\000\000\000\000\000' >"$T/bad.tfrecord"
expect_status 1 dl ngram train --order 2 --input records -o "$T/m.arpa" "$T/bad.tfrecord"
expect_err "$T/bad.tfrecord"
exit 0
