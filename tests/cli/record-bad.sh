# dl-record on bad input: exit 1 and a message naming the file and the record index and byte
# offset (or the line), never a partial output file. The fixtures in tests/data/record/bad
# and the messages they must give come from tests/golden/record/make-fixtures.py.
B=$DATA/record/bad
O=$T/outdir
mkdir "$O"

# The output directory must hold nothing: no output, no temporary file left behind.
no_output() {
	[ -z "$(ls -A "$O")" ] || { ls -la "$O" >&2; fail "output left behind after: $*"; }
}

# piped FILE ARGS...: dl-record ARGS reading FILE through a pipe (no file size to look at).
piped() {
	_f=$1
	shift
	cat "$_f" | dl record "$@"
}

# bad FILE MESSAGE COMMAND...: each command fails with exit 1 and the message.
bad() {
	_f=$1 _m=$2
	shift 2
	for _c in "$@"; do
		expect_status 1 dl record $_c "$B/$_f"
		expect_err "dl-record: $B/$_f: $_m"
	done
}

# Framing errors: every command that reads records finds them.
bad truncated-header.tfrecord 'record 2 (byte offset 98): truncated header' \
	cat count verify 'verify --framing-only' to-csv schema
bad truncated-payload.tfrecord 'record 2 (byte offset 98): record length 33 runs past the end of the file' \
	cat count verify to-csv schema
bad truncated-footer.tfrecord 'record 2 (byte offset 98): truncated footer' \
	cat count verify 'verify --framing-only'
bad length-crc.tfrecord 'record 1 (byte offset 49): length CRC mismatch' \
	cat count verify to-csv
bad length-past-end.tfrecord 'record 1 (byte offset 49): record length 1000000 runs past the end of the file' \
	cat count verify
bad random.bin 'record 0 (byte offset 0): length CRC mismatch' cat count verify
# A data CRC is checked by all but count, which checks the framing only.
bad data-crc.tfrecord 'record 1 (byte offset 49): data CRC mismatch' \
	cat verify 'verify --framing-only' to-csv schema
bad data-crc-footer.tfrecord 'record 1 (byte offset 49): data CRC mismatch' cat verify
expect_status 0 dl record count "$B/data-crc.tfrecord"
[ "$(cat "$T/out")" = 3 ] || fail "count of data-crc.tfrecord: $(cat "$T/out")"
# Payloads that are not an Example (correctly framed): offsets inside the payload.
bad payload-varint.tfrecord 'record 1 (byte offset 49): bad varint at payload byte 34' \
	cat verify to-csv schema
bad payload-length.tfrecord \
	'record 1 (byte offset 49): field length 300 at payload byte 34 runs past the end (payload is 39 bytes)' \
	cat verify to-csv schema
bad payload-wiretype.tfrecord 'record 1 (byte offset 49): bad wire type 7 at payload byte 33' \
	cat verify to-csv schema
# ... which framing-only checks and record copying do not look into.
for f in payload-varint payload-length payload-wiretype; do
	expect_status 0 dl record verify --framing-only "$B/$f.tfrecord"
	expect_status 0 dl record count "$B/$f.tfrecord"
	[ "$(cat "$T/out")" = 3 ] || fail "count of $f.tfrecord: $(cat "$T/out")"
done

# Without a file size to compare with (a pipe), a short record is a truncated payload.
expect_status 1 piped "$B/truncated-payload.tfrecord" cat
expect_err 'dl-record: (stdin): record 2 (byte offset 98): truncated payload (want 33 bytes, have 5)'
expect_status 1 dl record count - <"$B/length-past-end.tfrecord"
expect_err 'dl-record: (stdin): record 1 (byte offset 49): '
expect_status 1 piped "$B/length-past-end.tfrecord" verify
expect_err 'dl-record: (stdin): record 1 (byte offset 49): truncated payload (want 1000000 bytes, have 33)'
# A gzip stream cut short, inside record 1.
bad cut.tfrecord.gz 'record 1 (byte offset 49): gzip stream is truncated (after 69 uncompressed bytes)' \
	cat count verify
# The error comes after the good records, in the order read.
expect_status 1 dl record cat "$DATA/record/golden.tfrecord" "$B/data-crc.tfrecord"
expect_err "dl-record: $B/data-crc.tfrecord: record 1 (byte offset 49): data CRC mismatch"

# head stops before a bad record it does not need.
expect_status 0 dl record head -n 2 "$B/truncated-payload.tfrecord" -o "$T/head2.tfrecord"
expect_status 0 dl record count "$T/head2.tfrecord"
[ "$(cat "$T/out")" = 2 ] || fail "head -n 2 before a bad record: $(cat "$T/out") records"

# No partial output: -o names a file that must not exist after a failure.
expect_status 1 dl record head -n 3 "$B/truncated-payload.tfrecord" -o "$O/head.tfrecord"
expect_err "dl-record: $B/truncated-payload.tfrecord: record 2 (byte offset 98): "
no_output head
expect_status 1 dl record shuffle --seed 7 "$B/data-crc.tfrecord" -o "$O/shuf.tfrecord"
expect_err "dl-record: $B/data-crc.tfrecord: record 1 (byte offset 49): data CRC mismatch"
no_output shuffle
expect_status 1 dl record shuffle --seed 7 --memory 1 "$B/truncated-footer.tfrecord" -o "$O/shuf.tfrecord"
expect_err "dl-record: $B/truncated-footer.tfrecord: record 2 (byte offset 98): truncated footer"
no_output shuffle --memory 1
expect_status 1 dl record split -n 2 "$B/length-crc.tfrecord" -o "$O/shard"
expect_err "dl-record: $B/length-crc.tfrecord: record 1 (byte offset 49): length CRC mismatch"
no_output split
expect_status 1 dl record split -n 2 --contiguous "$B/data-crc.tfrecord" -o "$O/shard"
expect_err "dl-record: $B/data-crc.tfrecord: record 1 (byte offset 49): data CRC mismatch"
no_output split --contiguous
expect_status 1 dl record cat "$B/payload-wiretype.tfrecord" -o "$O/cat.jsonl"
no_output cat
expect_status 1 dl record to-csv "$B/payload-length.tfrecord" -o "$O/x.csv"
no_output to-csv
expect_status 1 dl record head --compress gzip -n 5 "$B/cut.tfrecord.gz" -o "$O/head.gz"
expect_err "dl-record: $B/cut.tfrecord.gz: record 1 (byte offset 49): gzip stream is truncated"
no_output head gzip

# JSON lines: the line and the column.
expect_status 1 dl record pack "$B/bad-line3.jsonl" -o "$O/pack.tfrecord"
expect_err "dl-record: $B/bad-line3.jsonl:3: "
expect_err 'at column 1'
no_output pack
# The two messages that man 5 dl-record quotes, at the lines and columns it gives.
{
	echo '{"a":{"int64":[1]}}'
	echo '{"b":2}'
	echo '{"abcdefgh"1}'
} >"$T/data.jsonl"
expect_status 1 dl record pack "$T/data.jsonl" -o "$O/pack.tfrecord"
expect_err "dl-record: $T/data.jsonl:3: expected ':' after the feature name at column 12"
no_output pack
{
	echo '{}'; echo; echo '{"a":1}'; echo '{"a":[1,2]}'; echo '{"a":{"float":[1.5]}}'; echo '   '
	echo '{"abcde":{"int64":[1.5]}}'
} >"$T/data.jsonl"
expect_status 1 dl record pack "$T/data.jsonl" -o "$O/pack.tfrecord"
expect_err "dl-record: $T/data.jsonl:7: int64 value 1.5 is not an integer at column 20"
no_output pack
# Values the mapping refuses; each on line 2, after a good line.
for v in true false null '[]' '[[1]]' '["a",1]' '[1,"a"]' '{"int64":[1e3]}' \
	'{"int64":["9223372036854775808"]}' '{"int64":[9223372036854775808]}' \
	'{"int64":[-9223372036854775809]}' '{"int64":["12x"]}' '{"float":["nan"]}' \
	'{"float":["NaN:0x7fc0"]}' '{"bytes":[1]}' '{"bytes":[{"base64":"*"}]}' \
	'{"text":["x"]}' '{"int64":[1],"float":[2]}' '{"int64":1}' '"unterminated' \
	'"bad \q escape"' '1}x' '1} x' '1,}'; do
	printf '{"ok":1}\n{"a":%s}\n{"ok":3}\n' "$v" >"$T/v.jsonl"
	expect_status 1 dl record pack "$T/v.jsonl" -o "$O/v.tfrecord"
	expect_err "dl-record: $T/v.jsonl:2: "
	expect_err ' at column '
	no_output "pack of $v"
done
for line in '[1]' '"x"' '{"a":1' '{"a":1}{}' '{a:1}' "{'a':1}" '{"a":1,}'; do
	printf '%s\n' "$line" >"$T/v.jsonl"
	expect_status 1 dl record pack "$T/v.jsonl" -o "$O/v.tfrecord"
	expect_err "dl-record: $T/v.jsonl:1: "
	no_output "pack of $line"
done

# CSV: the physical line where the bad row starts (after a field spanning two lines).
expect_status 1 dl record from-csv "$B/ragged.csv" -o "$O/csv.tfrecord"
expect_err "dl-record: $B/ragged.csv:4: row has 3 fields, the header has 4"
no_output from-csv
expect_status 1 piped "$B/ragged.csv" from-csv -o "$O/csv.tfrecord"
expect_err 'dl-record: (stdin):4: row has 3 fields, the header has 4'
no_output from-csv stdin
printf 'x,y\n1,2\nabc,3\n' >"$T/t.csv"
expect_status 1 dl record from-csv --type x=float "$T/t.csv" -o "$O/csv.tfrecord"
expect_err "dl-record: $T/t.csv:3: column 'x': 'abc' is not a float"
no_output from-csv --type
expect_status 1 dl record from-csv --infer-rows 1 "$T/t.csv" -o "$O/csv.tfrecord"
expect_err "dl-record: $T/t.csv:3: "
no_output from-csv --infer-rows
for csv in 'a,a\n1,2\n' 'a,,b\n1,2,3\n' 'a,b\n"1,2\n' 'a,b\n1,2,3\n'; do
	printf "$csv" >"$T/b.csv"
	expect_status 1 dl record from-csv "$T/b.csv" -o "$O/csv.tfrecord"
	expect_err "dl-record: $T/b.csv:"
	no_output "from-csv of $csv"
done
# A feature that is not a column: record 1, just after the 30-byte record 0.
printf '{"a":{"int64":[1]}}\n{"a":2,"z":3}\n' | dl record pack -o "$T/z.tfrecord"
expect_status 1 dl record to-csv "$T/z.tfrecord" -o "$O/z.csv"
expect_err "dl-record: $T/z.tfrecord: record 1 (byte offset 30): feature 'z' is not a column \
(name the columns with --columns)"
no_output to-csv z
printf '{"a":{"int64":[1,2]}}\n' | dl record pack -o "$T/two.tfrecord"
expect_status 1 dl record to-csv "$T/two.tfrecord" -o "$O/two.csv"
expect_err "dl-record: $T/two.tfrecord: record 0 (byte offset 0): "
no_output to-csv two values

# The empty file: zero records, no error.
E=$B/empty.tfrecord
expect_status 0 dl record cat "$E"
[ ! -s "$T/out" ] || fail "cat of an empty file printed something"
expect_status 0 dl record count "$E"
[ "$(cat "$T/out")" = 0 ] || fail "count of an empty file: $(cat "$T/out")"
expect_status 0 dl record verify "$E"
echo "$E: 0 records, 0 bytes: ok" >"$T/want"
same "$T/out" "$T/want"
expect_status 0 dl record pack "$E" -o "$T/empty-pack.tfrecord"
[ -f "$T/empty-pack.tfrecord" ] && [ ! -s "$T/empty-pack.tfrecord" ] || fail "pack of an empty file"
expect_status 0 dl record shuffle "$E" -o "$T/empty-shuf.tfrecord"
[ -f "$T/empty-shuf.tfrecord" ] && [ ! -s "$T/empty-shuf.tfrecord" ] || fail "shuffle of an empty file"
dl record count <"$E" >"$T/count"
[ "$(cat "$T/count")" = 0 ] || fail "count of empty stdin"
# ... but a CSV file needs its header.
expect_status 1 dl record from-csv "$E" -o "$O/empty.tfrecord"
expect_err "dl-record: $E"
no_output from-csv empty
