#!/bin/sh
# make-features-corpus.sh — seeds of fuzz/fuzz_features_spec and fuzz/fuzz_features_rows.
# Run from the top of the source tree with a built dl-features and dl-record in BUILD:
#     sh fuzz/corpus/make-features-corpus.sh build
set -eu
B=${1:?usage: make-features-corpus.sh BUILDDIR}
S=fuzz/corpus/features-spec
R=fuzz/corpus/features-rows
mkdir -p "$S" "$R"

cp tests/data/features/wine-spec.json "$S/wine-spec"
printf '{"columns":[{"type":"numeric","key":"a","normalizer":"zscore"},{"type":"bucketized","source":"a","quantiles":3},{"type":"crossed","keys":["a_bucketized","b"],"hash_bucket_size":9,"hash_key":"0xDECAFCAFFF"}]}' > "$S/quantiles"
printf '{"columns":[{"type":"categorical_with_vocabulary","key":"b","top_k":2,"min_count":1,"num_oov_buckets":1},{"type":"embedding","categorical_column":"b","dimension":3,"combiner":"sqrtn"},{"type":"weighted","categorical_column":"b","weight_feature_key":"w"},{"type":"rolling","key":"p","op":"sum","window":4}],"passthrough":["y",{"key":"id","type":"int64"}]}' > "$S/learned"
printf '{"columns":[{"type":"numerc","key":"a"}]}' > "$S/bad-type"
printf '{"columns":[{"type":"numeric","key":"a"},{"type":"crossed","keys":["a","b"],"hash_bucket_size":5}]}' > "$S/bad-cross"
printf '{"columns":[{"type":"numeric","key":"a"' > "$S/bad-cut"
T=$(mktemp -d)
head -20 tests/data/features/wine.csv > "$T/w.csv"
(cd tests/data/features && "$OLDPWD/$B/dl-features" fit --spec wine-spec.json "$T/w.csv" -o "$T/fitted.json")
cp "$T/fitted.json" "$S/fitted"

# Rows: the first byte picks the format and delimiter (see fuzz_features_rows.c).
{ printf '\001'; printf 'a,b,c,g\n1.5,x,3,s1\n-2,"y ""q""",9,s2\n,,,\n1e3,z,x,s1\n"multi\nline",x,1,s3\n'; } > "$R/csv"
{ printf '\005'; printf 'a\tb\tc\tg\r\n1\tx\t2\ts\r\n'; } > "$R/csv-tab"
{ printf '\001'; printf 'a,b,c\n1,2,3\n'; } > "$R/csv-no-g"
{ printf '\001'; printf 'a,b,c,g\n1,2\n"x"y,1,2,3\n'; } > "$R/csv-bad"
{ printf '\002'; printf '{"a":2.5,"b":["x","q"],"c":[1,7],"g":"s"}\n{"a":[1,2]}\n\n{"b":{"int64":[3]}}\n{"a":\n'; } > "$R/jsonl"
printf '{"a":1,"b":"x","c":2,"g":"s"}\n{"a":"t","b":"y","g":1}\n' > "$T/r.jsonl"
"$B/dl-record" pack "$T/r.jsonl" -o "$T/r.tfrecord"
{ printf '\003'; cat "$T/r.tfrecord"; } > "$R/records"
{ printf '\000'; head -c 30 "$T/r.tfrecord"; } > "$R/records-cut"
rm -rf "$T"
