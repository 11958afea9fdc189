# dl-features end to end on sklearn's wine data: fit, describe, apply to records, JSON lines
# and CSV (the same rows in each), from a pipe, and the model check of apply --spec.
W=$DATA/features
cd "$W"

expect_status 0 dl features fit --spec wine-spec.json wine.csv -o "$T/fitted.json"
grep -q '"format":"dl-features"' "$T/fitted.json" || fail "no format in FITTED.json"
grep -q '"rows":178,"bad_rows":0' "$T/fitted.json" || fail "rows not counted"
grep -q '"vocabulary":\["class_0","class_1"\]' "$T/fitted.json" || fail "vocabulary file not kept"
grep -q '"schema":' "$T/fitted.json" || fail "no schema"

# The same spec from a pipe gives the same model.
expect_status 0 sh -c "cat wine.csv | \"$DL_BUILD/dl-features\" fit --spec wine-spec.json -o \"$T/fitted2.json\""
same "$T/fitted.json" "$T/fitted2.json"

expect_status 0 dl features describe -m "$T/fitted.json"
grep -q '^proline_bucketized_indicator  *float  *dense  *4 ' "$T/out" || fail "describe: indicator"
grep -q '^proline_band_embedding  *int64  *sparse .* (dimension 4, mean)' "$T/out" || fail "describe: embedding"
expect_status 0 dl features describe -m "$T/fitted.json" --json
grep -q '"name":"color_intensity_bucketized_X_cultivar","dtype":"int64","shape":"sparse","num_buckets":64' "$T/out" ||
	fail "describe --json: crossed"

# Records, JSON lines and CSV hold the same rows.
expect_status 0 dl features apply -m "$T/fitted.json" wine.csv -o "$T/out.tfrecord"
expect_status 0 dl record count "$T/out.tfrecord"
[ "$(cat "$T/out")" = 178 ] || fail "178 records expected, got $(cat "$T/out")"
expect_status 0 dl record cat "$T/out.tfrecord"
cp "$T/out" "$T/from-records.jsonl"
expect_status 0 dl features apply -m "$T/fitted.json" -f jsonl wine.csv
same "$T/out" "$T/from-records.jsonl"
expect_status 0 dl features apply -m "$T/fitted.json" -f csv wine.csv -o "$T/out.csv"
[ "$(wc -l < "$T/out.csv")" = 179 ] || fail "CSV: 179 lines expected"
head -1 "$T/out.csv" | grep -q '^alcohol,malic_acid,band_hash,cultivar_id,color_intensity_bucketized_X_cultivar,proline_bucketized_indicator_0,proline_bucketized_indicator_1,proline_bucketized_indicator_2,proline_bucketized_indicator_3,proline_band_embedding,hue_rolling_mean_5_by_cultivar,cultivar$' ||
	{ head -1 "$T/out.csv" >&2; fail "CSV header"; }

# First row by hand: proline 1065 -> bucket 3 of [500,750,1000]; indicator one-hot at 3;
# class_0 is id 0 of the vocabulary file; the rolling mean of one hue is the hue.
sed -n 2p "$T/out.csv" | grep -q ',[0-9]*,0,[0-9]*,0,0,0,1,[0-9]*,1.04,class_0$' ||
	{ sed -n 2p "$T/out.csv" >&2; fail "CSV first row"; }
# class_2 is outside the vocabulary file: default_value -1.
grep -c ',-1,' "$T/out.csv" | grep -qv '^0$' || fail "no -1 ids for class_2"

# Columns used by others are not emitted unless asked (color_intensity_bucketized is
# crossed, proline_band embedded).
# Records and JSON lines in: the same wine data through dl-record (which reads the numbers
# as float32, so only the columns of text and integers are compared).
expect_status 0 dl record from-csv wine.csv -o "$T/wine.tfrecord"
expect_status 0 dl record cat "$T/wine.tfrecord" -o "$T/wine.jsonl"
cut -d, -f3,4,10,12 "$T/out.csv" > "$T/want"
expect_status 0 dl features apply -m "$T/fitted.json" -f csv "$T/wine.tfrecord"
cut -d, -f3,4,10,12 "$T/out" > "$T/got"
same "$T/want" "$T/got"
expect_status 0 dl features apply -m "$T/fitted.json" -f csv --input jsonl - < "$T/wine.jsonl"
cut -d, -f3,4,10,12 "$T/out" > "$T/got"
same "$T/want" "$T/got"

# apply --spec: the same spec passes, another is refused.
expect_status 0 dl features apply -m "$T/fitted.json" --spec wine-spec.json -f jsonl wine.csv
sed 's/"dimension": 4/"dimension": 5/' wine-spec.json > "$T/other.json"
cp cultivars.txt "$T/"
expect_status 1 dl features apply -m "$T/fitted.json" --spec "$T/other.json" wine.csv
expect_err "was fitted with a different spec"

# Help and version.
expect_status 0 dl features --help
grep -q '^Usage: dl-features COMMAND' "$T/out" || fail "--help"
expect_status 0 dl features apply --help
grep -q -- '--on-error' "$T/out" || fail "apply --help"
expect_status 0 dl features --version

# Blocks on several threads (tiny blocks: many of them) write what one thread writes, and
# report bad rows at the same lines.
cat > "$T/plain.json" <<'EOT'
{"columns": [
  {"type": "numeric", "key": "alcohol", "normalizer": "zscore"},
  {"type": "bucketized", "source": "color_intensity", "quantiles": 4},
  {"type": "categorical_with_vocabulary", "key": "proline_band", "num_oov_buckets": 2},
  {"type": "categorical_with_hash_bucket", "key": "cultivar", "name": "cultivar_hash", "hash_bucket_size": 7},
  {"type": "crossed", "keys": ["color_intensity_bucketized", "cultivar"], "hash_bucket_size": 64},
  {"type": "indicator", "categorical_column": "proline_band"}],
 "passthrough": [{"key": "cultivar", "type": "bytes"}, "hue"]}
EOT
expect_status 0 dl features fit --spec "$T/plain.json" wine.csv -o "$T/plain-fitted.json"
for f in records jsonl csv; do
	expect_status 0 dl features apply -m "$T/plain-fitted.json" -f $f --threads 1 wine.csv -o "$T/one.$f"
	expect_status 0 env DL_FEATURES_BLOCK=300 "$DL_BUILD/dl-features" apply -m "$T/plain-fitted.json" -f $f --threads 3 wine.csv -o "$T/three.$f"
	same "$T/one.$f" "$T/three.$f"
done
{ head -40 wine.csv; echo 'abc,1,2.4,15,100,2.8,3,0.3,2.3,5.6,1,3.9,1000,class_0,10';
  sed -n 41,120p wine.csv; echo '1,2'; sed -n 121,179p wine.csv; } > "$T/bad.csv"
expect_status 0 dl features apply -m "$T/plain-fitted.json" --on-error skip --threads 1 -f jsonl "$T/bad.csv" -o "$T/one.jsonl"
cp "$T/err" "$T/one.err"
expect_status 0 env DL_FEATURES_BLOCK=200 "$DL_BUILD/dl-features" apply -m "$T/plain-fitted.json" --on-error skip --threads 2 -f jsonl "$T/bad.csv" -o "$T/two.jsonl"
same "$T/one.jsonl" "$T/two.jsonl"
same "$T/one.err" "$T/err"
expect_err "skipped 2 bad rows; the first: $T/bad.csv:41: column 'alcohol': 'abc' is not a number"
expect_status 1 env DL_FEATURES_BLOCK=200 "$DL_BUILD/dl-features" apply -m "$T/plain-fitted.json" --threads 2 "$T/bad.csv" -o "$T/x"
expect_err "bad.csv:41: column 'alcohol': 'abc' is not a number"
