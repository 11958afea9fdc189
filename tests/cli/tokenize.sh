# dl-tokenize end to end: conversions between the peers' formats agree, encode and decode
# round-trip in every format and thread count, training is deterministic, special tokens
# follow tiktoken's rules, bad input fails with a message naming the place. (Exactness of
# the ids against tiktoken is checked by tests/check_bpe_golden.)
D=$DATA/tokenize

# GPT-2's files and tiktoken's r50k ranks make the same model.
dl tokenize convert --from gpt2 "$D/gpt2-encoder.json.gz" "$D/gpt2-vocab.bpe.gz" -o "$T/gpt2.json" ||
	fail "convert --from gpt2"
dl tokenize convert --from tiktoken --pattern gpt2 "$D/r50k_base.tiktoken.gz" -o "$T/r50k.json" ||
	fail "convert --from tiktoken"
same "$T/gpt2.json" "$T/r50k.json"
# ... and back: the rank file and vocab.bpe come out as they went in.
dl tokenize convert --to tiktoken "$T/gpt2.json" -o "$T/r50k.tiktoken" || fail "--to tiktoken"
gzip -dc "$D/r50k_base.tiktoken.gz" >"$T/r50k.orig"
same "$T/r50k.tiktoken" "$T/r50k.orig"
dl tokenize convert --to gpt2 "$T/gpt2.json" -o "$T/encoder.json" --vocab-bpe "$T/vocab.bpe" ||
	fail "--to gpt2"
dl tokenize convert --from gpt2 "$T/encoder.json" "$T/vocab.bpe" -o "$T/again.json" ||
	fail "reading our GPT-2 files"
same "$T/gpt2.json" "$T/again.json"
dl tokenize info -m "$T/gpt2.json" >"$T/info" || fail info
grep -q '^tokens	50256$' "$T/info" || fail "info: token count"
grep -q '^special	50256	<|endoftext|>$' "$T/info" || fail "info: special token"
dl tokenize vocab -m "$T/gpt2.json" >"$T/vocab" || fail vocab
[ "$(wc -l <"$T/vocab")" -eq 50257 ] || fail "vocab: line count"
grep -q '^220	 $' "$T/vocab" || fail "vocab: token 220 is a space"
grep -q '^198	\\x0a$' "$T/vocab" || fail "vocab: token 198 is a newline, escaped"

# Encode and decode: text made of the golden cases (all kinds of script, space, control).
TXT=$D/cases.jsonl
for fmt in text jsonl records; do
	for th in 1 2; do
		dl tokenize encode -m "$T/gpt2.json" --lines --format $fmt --threads $th \
			--disallowed-special none "$TXT" \
			>"$T/ids.$fmt.$th" || fail "encode --format $fmt --threads $th"
	done
	same "$T/ids.$fmt.1" "$T/ids.$fmt.2"
	dl tokenize decode -m "$T/gpt2.json" --lines --format $fmt "$T/ids.$fmt.1" >"$T/back.$fmt" ||
		fail "decode --format $fmt"
	same "$T/back.$fmt" "$TXT"
done
[ "$(wc -l <"$T/ids.text.1")" -eq "$(wc -l <"$TXT")" ] || fail "one line of ids per line"
dl record count "$T/ids.records.1" >"$T/n" && [ "$(cat "$T/n")" -eq "$(wc -l <"$TXT")" ] ||
	fail "one record per line"
# A whole file is one document, read through a pipe too.
dl tokenize encode -m "$T/gpt2.json" --disallowed-special none "$TXT" >"$T/whole" || fail "encode a whole file"
[ "$(wc -l <"$T/whole")" -eq 1 ] || fail "a whole file gives one line"
cat "$TXT" | dl tokenize encode -m "$T/gpt2.json" --threads 2 --disallowed-special none >"$T/whole.pipe" || fail "encode -"
same "$T/whole" "$T/whole.pipe"
dl tokenize decode -m "$T/gpt2.json" "$T/whole" >"$T/whole.back" || fail "decode a whole file"
same "$T/whole.back" "$TXT"

# Special tokens, as tiktoken: disallowed by default, allowed on request, or plain text.
printf 'a<|endoftext|>b' >"$T/sp.txt"
expect_status 1 dl tokenize encode -m "$T/gpt2.json" "$T/sp.txt"
expect_err "dl-tokenize: $T/sp.txt: byte offset 1: the text holds the special token <|endoftext|>"
dl tokenize encode -m "$T/gpt2.json" --allowed-special all "$T/sp.txt" >"$T/sp.ids" || fail allowed
[ "$(cat "$T/sp.ids")" = "64 50256 65" ] || fail "allowed special: $(cat "$T/sp.ids")"
dl tokenize encode -m "$T/gpt2.json" --disallowed-special none "$T/sp.txt" >"$T/sp.ids" ||
	fail "disallowed none"
[ "$(cat "$T/sp.ids")" = "64 27 91 437 1659 5239 91 29 65" ] || fail "special as text: $(cat "$T/sp.ids")"
printf 'x\n<|endoftext|>\n' | expect_status 1 dl tokenize encode -m "$T/gpt2.json" --lines
expect_err "dl-tokenize: (stdin): line 2: the text holds the special token <|endoftext|>"
expect_status 2 dl tokenize encode -m "$T/gpt2.json" --allowed-special '<|nope|>' "$T/sp.txt"
expect_err "dl-tokenize: --allowed-special: '<|nope|>' is not a special token of the model"
# A special token with a space inside: blocks are never cut inside it, whatever the threads
# (the text spans several blocks, and the token falls between words everywhere).
dl tokenize convert --from tiktoken --pattern gpt2 --special '<|a b|>=50257' \
	"$D/r50k_base.tiktoken.gz" -o "$T/ab.json" || fail "convert --special with a space"
awk '{ for (i = 1; i <= NF; i++) printf "%s%s", $i, (i % 3 ? " " : " <|a b|> "); print "" }' \
	"$TXT" "$TXT" "$TXT" >"$T/ab.txt"
for th in 1 2; do
	dl tokenize encode -m "$T/ab.json" --allowed-special all --threads $th "$T/ab.txt" \
		>"$T/ab.$th" || fail "encode with a spaced special, $th threads"
done
same "$T/ab.1" "$T/ab.2"
want=$(grep -o '<|a b|>' "$T/ab.txt" | wc -l)
got=$(tr ' ' '\n' <"$T/ab.1" | grep -c '^50257$')
[ "$want" -gt 1000 ] && [ "$got" -eq "$want" ] || fail "spaced special: $got ids 50257, want $want"

# Training: the same merges whatever the thread count; the model round-trips text.
head -n 4000 "$TXT" >"$T/corpus"
for th in 1 2; do
	dl tokenize train --vocab-size 700 --special '<|endoftext|>' --threads $th -q \
		-o "$T/small.$th.json" "$T/corpus" || fail "train --threads $th"
done
same "$T/small.1.json" "$T/small.2.json"
dl tokenize train --vocab-size 700 --lines --threads 2 -q -o "$T/lines.json" "$T/corpus" ||
	fail "train --lines"
dl tokenize info -m "$T/small.1.json" >"$T/info" || fail "info of a trained model"
grep -q '^tokens	699$' "$T/info" || fail "trained: 699 tokens + 1 special"
grep -q '^special	699	<|endoftext|>$' "$T/info" || fail "trained: the special token comes last"
for m in small.1 lines; do
	dl tokenize encode -m "$T/$m.json" --lines "$T/corpus" >"$T/c.ids" || fail "encode ($m)"
	dl tokenize decode -m "$T/$m.json" --lines "$T/c.ids" >"$T/c.back" || fail "decode ($m)"
	same "$T/c.back" "$T/corpus"
done
cat "$T/corpus" | dl tokenize train --vocab-size 700 --special '<|endoftext|>' -q \
	-o "$T/small.pipe.json" || fail "train from a pipe"
same "$T/small.1.json" "$T/small.pipe.json"

# Bad input: one line naming the place; exit 1. Usage: exit 2.
printf '1 2 x 3\n' >"$T/bad.ids"
expect_status 1 dl tokenize decode -m "$T/gpt2.json" "$T/bad.ids"
expect_err "dl-tokenize: $T/bad.ids: line 1: 'x' is not a token id"
printf '1\n2 99999\n' >"$T/bad.ids"
expect_status 1 dl tokenize decode -m "$T/gpt2.json" "$T/bad.ids"
expect_err "dl-tokenize: $T/bad.ids: line 2: id 99999 is not in the model (ids run from 0 to 50256)"
printf '{"ids": [1, "a"]}\n' >"$T/bad.jsonl"
expect_status 1 dl tokenize decode -m "$T/gpt2.json" --format jsonl "$T/bad.jsonl"
expect_err "dl-tokenize: $T/bad.jsonl: line 1: ids must be integers"
head -c 5000 "$T/gpt2.json" >"$T/cut.json"
expect_status 1 dl tokenize encode -m "$T/cut.json" "$T/sp.txt"
expect_err "dl-tokenize: $T/cut.json: byte offset 5000: the JSON ends before it is complete (cut short?)"
expect_status 1 dl tokenize encode -m "$T/nonexistent.json" "$T/sp.txt"
expect_err "dl-tokenize: $T/nonexistent.json: No such file or directory"
expect_status 2 dl tokenize train -o "$T/x.json" "$T/corpus"
expect_err "dl-tokenize: train: give the vocabulary size with --vocab-size N"
expect_status 2 dl tokenize encode "$T/sp.txt"
expect_err "dl-tokenize: encode: give the model with -m MODEL.json"
expect_status 2 dl tokenize encode -m "$T/gpt2.json" --vocab-size 5 "$T/sp.txt"
expect_err "dl-tokenize: encode: --vocab-size does not apply to this command"
expect_status 2 dl tokenize convert --from tiktoken "$D/r50k_base.tiktoken.gz" -o "$T/x.json"
expect_err "dl-tokenize: convert --from tiktoken: give its --pattern (a rank file does not say)"
[ ! -e "$T/x.json" ] || fail "output written after a usage error"

# --pattern none: a whole file is one piece, however long (no cuts where other patterns allow
# them). A model of the bytes plus "\na" must give one id per "\na" of a 400 KB file.
b=0
while [ $b -lt 256 ]; do
	printf "$(printf '\\%03o' $b)" | base64 | tr -d '\n'
	echo " $b"
	b=$((b + 1))
done >"$T/bytes.tiktoken"
echo "$(printf '\na' | base64) 256" >>"$T/bytes.tiktoken"
dl tokenize convert --from tiktoken --pattern none "$T/bytes.tiktoken" -o "$T/none.json" ||
	fail "convert --pattern none"
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "\na" }' >"$T/na.txt"
dl tokenize encode -m "$T/none.json" "$T/na.txt" | tr ' ' '\n' | sort | uniq -c >"$T/na.ids"
[ "$(cat "$T/na.ids" | tr -s ' ')" = " 200000 256" ] || fail "pattern none cut the text: $(cat "$T/na.ids")"

# An id in a gap of the ranks (cl100k has none at 100256, below its special tokens).
dl tokenize convert --from tiktoken --pattern cl100k "$D/cl100k_base.tiktoken.gz" -o "$T/cl100k.json" ||
	fail "convert cl100k"
printf '9906 100256\n' >"$T/gap.ids"
expect_status 1 dl tokenize decode -m "$T/cl100k.json" "$T/gap.ids"
expect_err "dl-tokenize: $T/gap.ids: line 1: id 100256 has no token in the model"
printf '9906 100257\n' | dl tokenize decode -m "$T/cl100k.json" >"$T/gap.txt" || fail "decode a special"
[ "$(cat "$T/gap.txt")" = "Hello<|endoftext|>" ] || fail "decode: $(cat "$T/gap.txt")"

# Whole files are cut into parts only where no piece changes: not inside a run of white space
# before a letter ("\n\nB" is "\n" "\n" "B" in GPT-2's pattern, never "\n\n" "B").
awk 'BEGIN { for (i = 0; i < 35000; i++) printf "a "; printf "x\n\nB \nB" }' >"$T/cut.txt"
dl tokenize encode -m "$T/gpt2.json" --threads 2 "$T/cut.txt" | tr ' ' '\n' | tail -n 7 | tr '\n' ' ' >"$T/cut.ids"
[ "$(cat "$T/cut.ids")" = "2124 198 198 33 220 198 33 " ] || fail "cut inside a piece: $(cat "$T/cut.ids")"
