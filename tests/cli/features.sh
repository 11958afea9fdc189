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
