# The README's pipeline: feature columns fitted on the bundled iris CSV, applied, and
# dl-xgb trained on the records from a pipe. Skipped when dl-xgb is not built.
[ -x "$DL_BUILD/dl-xgb" ] || exit 77
expect_status 0 dl features fit --spec "$DATA/features/iris-spec.json" "$DATA/iris.csv" -o "$T/fitted.json"
expect_status 0 sh -c "\"$DL_BUILD/dl-features\" apply -m \"$T/fitted.json\" \"$DATA/iris.csv\" |
	${DL_WRAP:-} \"$DL_BUILD/dl-xgb\" train --objective multi:softprob --num-class 3 --rounds 10 -o \"$T/xgb.json\" -"
[ -s "$T/xgb.json" ] || fail "no model"
# The label is the vocabulary id of the species; the classes separate well.
last=$(grep 'train-mlogloss' "$T/err" | tail -1 | sed 's/.*://')
[ -n "$last" ] || fail "no train-mlogloss on stderr"
awk -v l="$last" 'BEGIN { exit !(l < 0.2) }' || fail "train-mlogloss $last after 10 rounds"
