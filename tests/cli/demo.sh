# The README's demo pipeline runs and its round trips hold.
DEMO_GPT_STEPS=3 DEMO_W2V_EPOCHS=1 DEMO_DIR=$T/demo sh "$DL_SRC/tests/demo.sh" "$DL_BUILD" >"$T/demo.out" 2>&1 || { cat "$T/demo.out" >&2; fail "demo failed"; }
grep -q 'iris.tfrecord: 150 records' "$T/demo.out" || fail "verify line missing"
grep -q '^150$' "$T/demo.out" || fail "shards do not count 150 records"
grep -q 'JSON lines round trip: identical records' "$T/demo.out" || fail "JSON round trip"
grep -q 'CSV round trip: identical records' "$T/demo.out" || fail "CSV round trip"
grep -q 'tokenizer round trip: identical text' "$T/demo.out" || fail "tokenizer round trip"
grep -q '^15496 11 995 0$' "$T/demo.out" || fail "GPT-2 ids of 'Hello, world!' (tiktoken: 15496 11 995 0)"
grep -q '^And God said' "$T/demo.out" || fail "the GPT sample does not start with its prompt"
n=$(grep -cE '^[a-z]+	[a-z]+	-?[01]\.[0-9]{4}$' "$T/demo.out" || :)
[ "$n" -eq 15 ] || fail "dl-w2v similar: $n lines of WORD NEIGHBOUR COSINE, want 15"
grep -qE '^auc	0\.99[0-9]*$' "$T/demo.out" || fail "dl-xgb eval: no test AUC of 0.99 or more"
grep -qE '^\[49\]	valid-auc:0\.99' "$T/demo.out" || fail "dl-xgb train: no per-round AUC line for round 49"
grep -qE '^petal_width_bucketized +int64 +dense +1 +4 +bucketized$' "$T/demo.out" || fail "dl-features describe: no 4-bucket petal width column"
grep -qE '^\[19\]	test-merror:0\.0[0-9]*\+' "$T/demo.out" || fail "dl-features | dl-xgb cv: no round-19 test merror below 0.1"
# dl-ngram: the sentence (first line) scores above its reversed words (second line)
scores=$(grep -E '^-[0-9.]+	' "$T/demo.out" | cut -f1 | tr '\n' ' ')
set -- $scores
[ $# -eq 2 ] || fail "dl-ngram score: $# scored sentences, want 2"
awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }' || fail "dl-ngram: the sentence ($1) does not score above its words reversed ($2)"
grep -q '^Perplexity including OOVs:	' "$T/demo.out" || fail "dl-ngram ppl: no KenLM summary line"
# dl-rf: the OOB line after training and a held-out accuracy; AUCs of 0.99 from dl-xgb,
# dl-rf and dl-gbdt
grep -qE '^classification, 2 classes, 200 trees: OOB accuracy 0\.9[0-9]*, logloss' "$T/demo.out" || fail "dl-rf train: no OOB line"
grep -qE '^accuracy	0\.9[0-9]*$' "$T/demo.out" || fail "dl-rf eval: no test accuracy of 0.9 or more"
[ "$(grep -cE '^auc	0\.99[0-9]*$' "$T/demo.out")" -ge 3 ] || fail "dl-gbdt eval: no test AUC of 0.99 or more"
