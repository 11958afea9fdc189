# dl-features on bad input: every case ends with a clear message and exit 1 (2 for usage).
W=$DATA/features
cd "$W"
printf '{"columns":[{"type":"numeric","key":"alcohol","normalizer":"zscore"}]}' > "$T/num.json"

# Usage errors.
expect_status 2 dl features
expect_status 2 dl features fit wine.csv
expect_err "give the spec with --spec"
expect_status 2 dl features apply wine.csv
expect_err "give the fitted model with -m"
expect_status 2 dl features apply -m x --format xml wine.csv
expect_err "--format: 'xml' is not records, jsonl or csv"
expect_status 2 dl features fit --spec "$T/num.json" --on-error maybe wine.csv
expect_status 2 dl features describe --on-error skip -m x
expect_status 2 dl features fit --spec "$T/num.json" a.csv b.csv

# Specs: an unknown type, a column not in the data, a cross over a numeric column, a
# vocabulary file that does not exist, not JSON at all.
printf '{"columns":[{"type":"numerical","key":"alcohol"}]}' > "$T/s1.json"
expect_status 1 dl features fit --spec "$T/s1.json" wine.csv
expect_err "s1.json: column 1: unknown type 'numerical'"
printf '{"columns":[{"type":"numeric","key":"alcohool"}]}' > "$T/s2.json"
expect_status 1 dl features fit --spec "$T/s2.json" wine.csv
expect_err "wine.csv: column 'alcohool' is not in the header"
printf '{"columns":[{"type":"numeric","key":"hue"},{"type":"crossed","keys":["hue","cultivar"],"hash_bucket_size":9}]}' > "$T/s3.json"
expect_status 1 dl features fit --spec "$T/s3.json" wine.csv
expect_err "'hue' is a numeric column: cross a bucketized column of it instead"
printf '{"columns":[{"type":"categorical_with_vocabulary_file","key":"cultivar","vocabulary_file":"nope.txt"}]}' > "$T/s4.json"
expect_status 1 dl features fit --spec "$T/s4.json" wine.csv
expect_err "vocabulary_file: $T/nope.txt: No such file or directory"
expect_status 1 dl features fit --spec wine.csv wine.csv
expect_err "wine.csv: not valid JSON"
expect_status 1 dl features fit --spec "$T/missing.json" wine.csv
expect_err "missing.json"

# Non-numeric values in a numeric column: fail names the first; skip counts them.
{ head -3 wine.csv; echo '13.1,x,2.4,15,100,2.8,3,0.3,2.3,5.6,1,3.9,1000,class_0,10';
  sed -n 4,6p wine.csv; echo 'abc,1,2.4,15,100,2.8,3,0.3,2.3,5.6,1,3.9,1000,class_0,10'; } > "$T/bad.csv"
expect_status 1 dl features fit --spec "$T/num.json" "$T/bad.csv"
expect_err "bad.csv:8: column 'alcohol': 'abc' is not a number"
expect_status 0 dl features fit --spec "$T/num.json" --on-error skip "$T/bad.csv" -o "$T/f.json"
expect_err "warning: skipped 1 bad row; the first: $T/bad.csv:8: column 'alcohol': 'abc' is not a number"
grep -q '"rows":6,"bad_rows":1' "$T/f.json" || fail "bad_rows not counted"
expect_status 1 dl features apply -m "$T/f.json" "$T/bad.csv"
expect_err "bad.csv:8: column 'alcohol'"
[ ! -e "$T/o.tfrecord" ] || fail "output left behind"
expect_status 0 dl features apply -m "$T/f.json" --on-error skip -f jsonl "$T/bad.csv"
[ "$(wc -l < "$T/out")" = 6 ] || fail "6 good rows expected"
# A failed apply leaves no output file behind.
expect_status 1 dl features apply -m "$T/f.json" "$T/bad.csv" -o "$T/o.tfrecord"
[ ! -e "$T/o.tfrecord" ] || fail "a failed apply left its output"

# Rows of the wrong width and quotes in the wrong place.
{ head -2 wine.csv; echo '1,2,3'; echo '13,"1"x,2,15,100,2.8,3,0.3,2.3,5.6,1,3.9,1000,class_0,10'; } > "$T/width.csv"
expect_status 1 dl features fit --spec "$T/num.json" "$T/width.csv"
expect_err "width.csv:3: row has 3 fields, the header has 15"
expect_status 0 dl features fit --spec "$T/num.json" --on-error skip "$T/width.csv" -o "$T/f2.json"
expect_err "skipped 2 bad rows"

# Empty and truncated inputs.
: > "$T/empty"
expect_status 1 dl features fit --spec "$T/num.json" "$T/empty"
expect_err "no values to learn the zscore normalizer from"
expect_status 0 dl features apply -m "$T/f.json" "$T/empty" -o "$T/o.tfrecord"
[ ! -s "$T/o.tfrecord" ] || fail "empty input: records written"
head -c 5 "$T/bad.csv" > "$T/header-cut.csv"
expect_status 1 dl features apply -m "$T/f.json" "$T/header-cut.csv"
expect_err "column 'alcohol' is not in the header"
expect_status 0 dl features apply -m "$T/f.json" wine.csv -o "$T/r.tfrecord"
head -c 300 "$T/r.tfrecord" > "$T/cut.tfrecord"
expect_status 1 dl features apply -m "$T/f.json" "$T/cut.tfrecord"
expect_err "cut.tfrecord: record"
printf '{"alcohol": 1}\n{"alcohol": \n' > "$T/bad.jsonl"
expect_status 1 dl features apply -m "$T/f.json" "$T/bad.jsonl"
expect_err "bad.jsonl:2: "
printf '{"hue": 1}\n' > "$T/nokey.jsonl"
expect_status 1 dl features fit --spec "$T/num.json" "$T/nokey.jsonl"
expect_err "'alcohol' has no value in any row"

# Models: not JSON, not ours, edited, from another spec.
expect_status 1 dl features apply -m wine.csv wine.csv
expect_err "wine.csv: not valid JSON"
echo '{"format":"xgboost"}' > "$T/m.json"
expect_status 1 dl features apply -m "$T/m.json" wine.csv
expect_err "not a dl-features model"
sed 's/"normalizer":"zscore"/"normalizer":"minmax"/' "$T/f.json" > "$T/edited.json"
expect_status 1 dl features apply -m "$T/edited.json" wine.csv
expect_err "spec_fingerprint does not match"
expect_status 1 dl features apply -m "$T/f.json" --spec wine-spec.json wine.csv
expect_err "was fitted with a different spec"
