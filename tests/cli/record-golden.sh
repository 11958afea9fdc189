# dl-record against an independent implementation: the fixtures in tests/data/record were
# written by tests/golden/record/make-fixtures.py with Python protobuf (the records), crcmod
# (CRC-32C), Python's gzip/zlib and its own reading of the JSON-lines and CSV mapping of
# man 5 dl-record. Every comparison here is byte for byte.
R=$DATA/record
n=$(wc -l <"$R/golden.jsonl")

# cat: plain, gzip and zlib streams all print the expected JSON lines.
for f in golden.tfrecord golden.tfrecord.gz golden.tfrecord.zlib; do
	expect_status 0 dl record cat "$R/$f"
	same "$T/out" "$R/golden.jsonl"
	[ ! -s "$T/err" ] || fail "cat $f wrote to stderr"
done
# ... from standard input too (compression is detected on a pipe as well).
dl record cat <"$R/golden.tfrecord.gz" >"$T/stdin.jsonl"
same "$T/stdin.jsonl" "$R/golden.jsonl"
cat "$R/golden.tfrecord.zlib" | dl record cat - >"$T/pipe.jsonl"
same "$T/pipe.jsonl" "$R/golden.jsonl"
# Several files are one stream.
expect_status 0 dl record cat "$R/golden.tfrecord" "$R/golden.tfrecord.gz"
cat "$R/golden.jsonl" "$R/golden.jsonl" >"$T/twice.jsonl"
same "$T/out" "$T/twice.jsonl"
# Legal but unusual wire forms: unpacked lists, unknown fields, repeated keys, a oneof set
# twice, names out of order, map entries without key or value, Features given twice.
expect_status 0 dl record cat "$R/noncanonical.tfrecord"
same "$T/out" "$R/noncanonical.jsonl"
# A plain file whose first two bytes (78 01) also make a valid zlib header.
expect_status 0 dl record cat "$R/lookalike.tfrecord"
same "$T/out" "$R/lookalike.jsonl"
dl record cat <"$R/lookalike.tfrecord" >"$T/lookalike.jsonl"
same "$T/lookalike.jsonl" "$R/lookalike.jsonl"

# pack: the JSON lines give back the very bytes Python protobuf serialized.
expect_status 0 dl record pack "$R/golden.jsonl" -o "$T/x.tfrecord"
same "$T/x.tfrecord" "$R/golden.tfrecord"
dl record pack <"$R/golden.jsonl" >"$T/stdout.tfrecord"
same "$T/stdout.tfrecord" "$R/golden.tfrecord"
# Shorthand values, escapes, white space, blank lines, repeated names, strtof rounding.
expect_status 0 dl record pack "$R/golden-shorthand.jsonl" -o "$T/short.tfrecord"
same "$T/short.tfrecord" "$R/golden-shorthand.tfrecord"
# Compressed output is TensorFlow's: the whole stream compressed, records unchanged.
expect_status 0 dl record pack --compress gzip "$R/golden.jsonl" -o "$T/x.tfrecord.gz"
gzip -dc "$T/x.tfrecord.gz" >"$T/gunzip.tfrecord"
same "$T/gunzip.tfrecord" "$R/golden.tfrecord"
expect_status 0 dl record pack --compress zlib "$R/golden.jsonl" -o "$T/x.tfrecord.zlib"
expect_status 0 dl record cat "$T/x.tfrecord.zlib"
same "$T/out" "$R/golden.jsonl"
expect_status 0 dl record pack --compress none "$R/golden.jsonl" -o "$T/none.tfrecord"
same "$T/none.tfrecord" "$R/golden.tfrecord"

# from-csv: types inferred, the label first, missing cells absent, quoting, a BOM, CRLF.
expect_status 0 dl record from-csv "$R/golden.csv" --label y -o "$T/csv.tfrecord"
same "$T/csv.tfrecord" "$R/golden-csv.tfrecord"
expect_status 0 dl record from-csv --delimiter tab --label y "$R/golden.tsv" -o "$T/tsv.tfrecord"
same "$T/tsv.tfrecord" "$R/golden-csv.tfrecord"
expect_status 0 dl record from-csv --delimiter '\t' --label y "$R/golden.tsv" -o "$T/tsv2.tfrecord"
same "$T/tsv2.tfrecord" "$R/golden-csv.tfrecord"
expect_status 0 dl record from-csv --label y --type id=bytes --type big=float "$R/golden.csv" \
	-o "$T/typed.tfrecord"
same "$T/typed.tfrecord" "$R/golden-csv-typed.tfrecord"
# Standard input and a pipe are spooled for the second pass.
dl record from-csv --label y <"$R/golden.csv" >"$T/csv-stdin.tfrecord"
same "$T/csv-stdin.tfrecord" "$R/golden-csv.tfrecord"
cat "$R/golden.csv" | dl record from-csv --label y - >"$T/csv-pipe.tfrecord"
same "$T/csv-pipe.tfrecord" "$R/golden-csv.tfrecord"
# to-csv: shortest floats, NaN/Infinity bare, quoting of "", commas, quotes, newlines, spaces.
expect_status 0 dl record to-csv "$R/golden-csv.tfrecord"
same "$T/out" "$R/golden-tocsv.csv"

# Round trips.
dl record cat "$R/golden.tfrecord" | dl record pack >"$T/rt.tfrecord"
same "$T/rt.tfrecord" "$R/golden.tfrecord"
dl record cat "$R/golden-shorthand.tfrecord" | dl record pack >"$T/rt-short.tfrecord"
same "$T/rt-short.tfrecord" "$R/golden-shorthand.tfrecord"
dl record cat "$R/noncanonical.tfrecord" | dl record pack | dl record cat >"$T/rt-nc.jsonl"
same "$T/rt-nc.jsonl" "$R/noncanonical.jsonl"
dl record to-csv "$R/golden-csv.tfrecord" | dl record from-csv --label y >"$T/rt-csv.tfrecord"
same "$T/rt-csv.tfrecord" "$R/golden-csv.tfrecord"

# count and verify.
expect_status 0 dl record count "$R/golden.tfrecord"
[ "$(cat "$T/out")" = "$n" ] || fail "count: got '$(cat "$T/out")', want $n"
for f in golden.tfrecord.gz golden.tfrecord.zlib; do
	expect_status 0 dl record count "$R/$f"
	[ "$(cat "$T/out")" = "$n" ] || fail "count $f: got '$(cat "$T/out")', want $n"
done
expect_status 0 dl record count "$R/golden.tfrecord" "$R/golden.tfrecord.zlib"
[ "$(cat "$T/out")" = "$((2 * n))" ] || fail "count of two files: got '$(cat "$T/out")'"
dl record count <"$R/golden.tfrecord" >"$T/count"
[ "$(cat "$T/count")" = "$n" ] || fail "count from stdin: got '$(cat "$T/count")'"
size=$(wc -c <"$R/golden.tfrecord")
size=$((size + 0))
expect_status 0 dl record verify "$R/golden.tfrecord"
echo "$R/golden.tfrecord: $n records, $size bytes: ok" >"$T/want"
same "$T/out" "$T/want"
# Bytes are counted uncompressed; one line per file.
expect_status 0 dl record verify "$R/golden.tfrecord.gz" "$R/noncanonical.tfrecord"
nc_size=$(wc -c <"$R/noncanonical.tfrecord")
nc_n=$(wc -l <"$R/noncanonical.jsonl")
printf '%s: %d records, %d bytes: ok\n%s: %d records, %d bytes: ok\n' \
	"$R/golden.tfrecord.gz" "$n" "$size" "$R/noncanonical.tfrecord" "$nc_n" "$nc_size" >"$T/want"
same "$T/out" "$T/want"
expect_status 0 dl record verify --framing-only "$R/golden.tfrecord.zlib"
echo "$R/golden.tfrecord.zlib: $n records, $size bytes: ok" >"$T/want"
same "$T/out" "$T/want"
dl record verify <"$R/golden.tfrecord" >"$T/verify"
echo "(stdin): $n records, $size bytes: ok" >"$T/want"
same "$T/verify" "$T/want"
