# dl-record's command line: usage errors, help, head, split, shuffle, schema, stdin, -o,
# and (where script(1) can lend a terminal) records refused to a terminal.
R=$DATA/record
G=$R/golden.tfrecord
n=$(wc -l <"$R/golden.jsonl")

# ---- usage errors: exit 2, a message, nothing on stdout
usage() {
	expect_status 2 dl record "$@"
	[ -s "$T/err" ] || fail "no message for: $*"
	[ ! -s "$T/out" ] || fail "stdout written for: $*"
}
usage
usage frobnicate
expect_err "dl-record: 'frobnicate' is not a command"
usage --bogus
usage cat --bogus "$G"
usage head -n
usage head -n abc "$G"
usage head -n -1 "$G"
usage split -n 3 "$G"
usage split -o "$T/never" "$G"
usage split -n 0 -o "$T/never" "$G"
usage pack --compress lzma "$R/golden.jsonl" -o "$T/never"
usage pack --compress "$R/golden.jsonl"
usage cat --compress gzip "$G"
usage count --label y "$G"
usage shuffle --memory lots "$G" -o "$T/never"
usage from-csv --delimiter ',,' "$R/golden.csv" -o "$T/never"
usage from-csv --type id=complex "$R/golden.csv" -o "$T/never"
usage from-csv --label nope "$R/golden.csv" -o "$T/never"
expect_err nope
[ ! -e "$T/never" ] || fail "a usage error left an output file"
ls -A "$T" | grep -q never && fail "a usage error left a temporary file"

# Records are not written to a terminal; -o, or text output, is fine there.
if command -v script >/dev/null 2>&1; then
	expect_status 2 script -qec "'$DL_BUILD/dl-record' pack '$R/golden.jsonl'" /dev/null
	grep -q 'records are not written to a terminal' "$T/out" || fail "records went to a terminal"
	expect_status 2 script -qec "'$DL_BUILD/dl-record' head -n 1 '$G'" /dev/null
	grep -q 'records are not written to a terminal' "$T/out" || fail "head wrote to a terminal"
	expect_status 0 script -qec "'$DL_BUILD/dl-record' pack '$R/golden.jsonl' -o '$T/tty.tfrecord'" /dev/null
	same "$T/tty.tfrecord" "$G"
	expect_status 0 script -qec "'$DL_BUILD/dl-record' count '$G'" /dev/null
	grep -q "^$n" "$T/out" || fail "count on a terminal"
fi

# ---- help and version: stdout, exit 0
expect_status 0 dl record --help
grep -q '^Usage: dl-record COMMAND' "$T/out" || fail "dl-record --help"
[ ! -s "$T/err" ] || fail "--help wrote to stderr"
for c in cat pack from-csv to-csv count head verify split shuffle schema; do
	expect_status 0 dl record "$c" --help
	grep -q "^Usage: dl-record $c" "$T/out" || fail "dl-record $c --help"
	grep -q -- '--output' "$T/out" || fail "dl-record $c --help does not name -o"
	[ ! -s "$T/err" ] || fail "$c --help wrote to stderr"
done
expect_status 0 dl record --version
grep -q '^dl-record ' "$T/out" || fail "--version"

# The common options are taken by every command.
expect_status 0 dl record count --threads 1 --quiet --seed 3 "$G"
[ "$(cat "$T/out")" = "$n" ] || fail "count with common options"
[ ! -s "$T/err" ] || fail "--quiet still wrote to stderr"

# ---- head
expect_status 0 dl record head -n 3 "$G" -o "$T/h3.tfrecord"
dl record cat "$T/h3.tfrecord" >"$T/h3.jsonl"
head -n 3 "$R/golden.jsonl" >"$T/want"
same "$T/h3.jsonl" "$T/want"
dl record head "$G" | dl record cat >"$T/h10.jsonl"
head -n 10 "$R/golden.jsonl" >"$T/want"
same "$T/h10.jsonl" "$T/want"
dl record head -n 0 "$G" >"$T/h0"
[ ! -s "$T/h0" ] || fail "head -n 0 wrote records"
dl record head -n 1000 "$R/golden.tfrecord.gz" >"$T/hall"
same "$T/hall" "$G"
# The records are copied as they are: head -n 3 is a prefix of the file's bytes.
size3=$(wc -c <"$T/h3.tfrecord")
head -c "$size3" "$G" >"$T/want"
same "$T/h3.tfrecord" "$T/want"
dl record head -n 3 --compress gzip "$G" -o "$T/h3.gz"
gzip -dc "$T/h3.gz" >"$T/h3.gunzip"
same "$T/h3.gunzip" "$T/h3.tfrecord"

# ---- split: round-robin (record i to shard i mod N) and contiguous runs
expect_status 0 dl record split -n 3 "$G" -o "$T/rr"
for k in 0 1 2; do
	f=$T/rr-0000$k-of-00003
	[ -f "$f" ] || fail "no shard $f"
	dl record cat "$f" >"$T/shard.jsonl"
	awk -v k="$k" '(NR - 1) % 3 == k' "$R/golden.jsonl" >"$T/want"
	same "$T/shard.jsonl" "$T/want"
done
[ ! -e "$T/rr-00003-of-00003" ] || fail "a fourth shard"
expect_status 0 dl record split -n 3 --contiguous "$G" -o "$T/ct"
# 50 records in 3 shards: 17, 17, 16, in order.
cat "$T/ct-00000-of-00003" "$T/ct-00001-of-00003" "$T/ct-00002-of-00003" >"$T/ct-all"
same "$T/ct-all" "$G"
for k in 0 1 2; do
	dl record count "$T/ct-0000$k-of-00003" >>"$T/ct-counts"
done
want=$(( (n + 2) / 3 ))
printf '%d\n%d\n%d\n' "$want" "$(( (n + 1) / 3 ))" "$(( n / 3 ))" >"$T/want"
same "$T/ct-counts" "$T/want"
# Contiguous from a pipe (the count needs a second pass over spooled input).
cat "$G" | dl record split -n 3 --contiguous -o "$T/cp"
for k in 0 1 2; do
	same "$T/cp-0000$k-of-00003" "$T/ct-0000$k-of-00003"
done
# More shards than records: the rest are empty files.
dl record head -n 2 "$G" | dl record split -n 4 -o "$T/few"
[ -s "$T/few-00001-of-00004" ] && [ -f "$T/few-00003-of-00004" ] && [ ! -s "$T/few-00003-of-00004" ] ||
	fail "split -n 4 of 2 records"
# Compressed shards read back.
dl record split -n 2 --compress gzip "$G" -o "$T/gz"
dl record cat "$T/gz-00000-of-00002" >"$T/gz0.jsonl"
awk 'NR % 2 == 1' "$R/golden.jsonl" >"$T/want"
same "$T/gz0.jsonl" "$T/want"
gzip -t "$T/gz-00001-of-00002" || fail "shard 1 is not gzip"

# ---- shuffle: a permutation, the same for the same seed, another for another seed
sort "$R/golden.jsonl" >"$T/sorted"
expect_status 0 dl record shuffle --seed 7 "$G" -o "$T/s7a"
expect_status 0 dl record shuffle --seed 7 "$G" -o "$T/s7b"
same "$T/s7a" "$T/s7b"
dl record cat "$T/s7a" | sort >"$T/s7.sorted"
same "$T/s7.sorted" "$T/sorted"
cmp -s "$T/s7a" "$G" && fail "shuffle --seed 7 kept the input order"
dl record shuffle --seed 8 "$G" -o "$T/s8"
cmp -s "$T/s7a" "$T/s8" && fail "seeds 7 and 8 gave the same order"
dl record cat "$T/s8" | sort >"$T/s8.sorted"
same "$T/s8.sorted" "$T/sorted"
# From a pipe, gzip output.
cat "$G" | dl record shuffle --seed 7 --compress gzip -o "$T/s7.gz"
gzip -dc "$T/s7.gz" >"$T/s7.gunzip"
same "$T/s7.gunzip" "$T/s7a"
# Beyond --memory: the bucket shuffle through temporary files. 20000 records of ~90 bytes
# (1.7 MiB) against a budget of 1 MiB.
awk 'BEGIN { for (i = 0; i < 20000; i++)
	printf "{\"i\":%d,\"pad\":\"%s\"}\n", i, "0123456789abcdefghijklmnopqrstuvwxyz0123456789" }' |
	dl record pack -o "$T/big.tfrecord"
dl record cat "$T/big.tfrecord" | sort >"$T/big.sorted"
expect_status 0 dl record shuffle --seed 7 --memory 1 --verbose "$T/big.tfrecord" -o "$T/b1"
grep -q 'temporary files' "$T/err" || { cat "$T/err" >&2; fail "--memory 1 did not spill"; }
dl record shuffle --seed 7 --memory 1 "$T/big.tfrecord" -o "$T/b2"
same "$T/b1" "$T/b2"
dl record cat "$T/b1" | sort >"$T/b1.sorted"
same "$T/b1.sorted" "$T/big.sorted"
cmp -s "$T/b1" "$T/big.tfrecord" && fail "the bucket shuffle kept the input order"
dl record shuffle --seed 9 --memory 1 "$T/big.tfrecord" -o "$T/b9"
cmp -s "$T/b1" "$T/b9" && fail "the bucket shuffle ignores the seed"
# The first records are spread out, not left in their buckets' order.
dl record head -n 20 "$T/b1" | dl record cat | sed 's/^{"i":{"int64":\[\([0-9]*\)\].*/\1/' >"$T/first20"
[ "$(sort -n "$T/first20" | tail -n 1)" -gt 1000 ] || fail "the bucket shuffle barely moved the first records"
# In memory, the same big input is a permutation too.
expect_status 0 dl record shuffle --seed 7 --verbose "$T/big.tfrecord" -o "$T/bm"
grep -q 'in memory' "$T/err" || { cat "$T/err" >&2; fail "default --memory spilled"; }
dl record cat "$T/bm" | sort >"$T/bm.sorted"
same "$T/bm.sorted" "$T/big.sorted"

# ---- schema
expect_status 0 dl record schema "$G"
for name in many_int64 many_float many_bytes label score tags weight zz_missing empty_bytes; do
	grep -q "$name" "$T/out" || fail "schema does not name $name"
done
grep 'many_int64' "$T/out" | grep -q int64 || fail "schema: many_int64 is not int64"
grep 'many_float' "$T/out" | grep -q float || fail "schema: many_float is not float"
grep 'many_bytes' "$T/out" | grep -q bytes || fail "schema: many_bytes is not bytes"
expect_status 0 dl record schema --json "$G"
head -c 1 "$T/out" | grep -q '{' || fail "schema --json does not start with {"
tail -n 1 "$T/out" | grep -q '}$' || fail "schema --json does not end with }"
for name in many_int64 many_float many_bytes label score tags weight; do
	grep -q "\"$name\"" "$T/out" || fail "schema --json does not name \"$name\""
done
grep -q '"int64"' "$T/out" && grep -q '"float"' "$T/out" && grep -q '"bytes"' "$T/out" ||
	fail "schema --json lacks a kind"
dl record schema --json <"$R/golden.tfrecord.gz" >"$T/schema-stdin"
same "$T/schema-stdin" "$T/out"

# ---- standard input and -o
dl record cat - <"$G" >"$T/dash.jsonl"
same "$T/dash.jsonl" "$R/golden.jsonl"
dl record cat <"$G" >"$T/none.jsonl"
same "$T/none.jsonl" "$R/golden.jsonl"
cat "$G" | dl record cat "$R/lookalike.tfrecord" - >"$T/mixed.jsonl"
cat "$R/lookalike.jsonl" "$R/golden.jsonl" >"$T/want"
same "$T/mixed.jsonl" "$T/want"
expect_status 0 dl record cat "$G" -o "$T/o.jsonl"
same "$T/o.jsonl" "$R/golden.jsonl"
[ ! -s "$T/out" ] || fail "cat -o also wrote to stdout"
expect_status 0 dl record cat --output "$T/o2.jsonl" "$G"
same "$T/o2.jsonl" "$R/golden.jsonl"
dl record pack - -o "$T/dash.tfrecord" <"$R/golden.jsonl"
same "$T/dash.tfrecord" "$G"
# -o over an existing file replaces it.
echo old >"$T/o.jsonl"
dl record cat "$G" -o "$T/o.jsonl"
same "$T/o.jsonl" "$R/golden.jsonl"

# ---- to-csv options
printf '{"a":1,"b":"x"}\n{"b":"y, z"}\n' | dl record pack -o "$T/ab.tfrecord"
dl record to-csv --columns b,a "$T/ab.tfrecord" >"$T/ab.csv"
printf 'b,a\nx,1\n"y, z",\n' >"$T/want"
same "$T/ab.csv" "$T/want"
dl record to-csv --delimiter tab "$T/ab.tfrecord" >"$T/ab.tsv"
printf 'a\tb\n1\tx\n\ty, z\n' >"$T/want"
same "$T/ab.tsv" "$T/want"
dl record to-csv --columns a,b,c "$T/ab.tfrecord" >"$T/abc.csv"
printf 'a,b,c\n1,x,\n,"y, z",\n' >"$T/want"
same "$T/abc.csv" "$T/want"

# ---- a feature name with a NUL byte inside is an ordinary name everywhere
expect_status 0 dl record schema --json "$G"
grep -q '"name":"a\\u0000b"' "$T/out" || fail 'schema --json mangles the name "a\u0000b"'
printf '{"a\\u0000b":1,"c":2}\n' | dl record pack -o "$T/nul.tfrecord"
expect_status 0 dl record to-csv "$T/nul.tfrecord"
printf 'a\000b,c\n1,2\n' >"$T/want"
same "$T/out" "$T/want"
printf 'a\000b,c\n1,2\n' >"$T/nul.csv"
expect_status 0 dl record from-csv "$T/nul.csv" -o "$T/nul-csv.tfrecord"
same "$T/nul-csv.tfrecord" "$T/nul.tfrecord"
