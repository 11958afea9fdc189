# Empty lists of every kind, alone in a record (no value pool exists yet), pass through
# every command that reads values (clang's UBSan once caught NULL + 0 here).
for k in float int64 bytes; do
	printf '{"x":{"%s":[]}}\n' "$k" >"$T/in.jsonl"
	expect_status 0 dl record pack "$T/in.jsonl" -o "$T/r"
	expect_status 0 dl record cat "$T/r"
	printf '{"x":{"%s":[]}}\n' "$k" >"$T/want"
	same "$T/out" "$T/want"
	expect_status 0 dl record schema --json "$T/r"
	grep -qF "\"kinds\":[\"$k\"],\"records\":1,\"values\":0,\"min_length\":0,\"max_length\":0" "$T/out" ||
		fail "schema of an empty $k list: $(cat "$T/out")"
	expect_status 0 dl record to-csv "$T/r"
	printf 'x\n\n' >"$T/want"
	same "$T/out" "$T/want"
done
