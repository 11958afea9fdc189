# dl-rf against scikit-learn's RandomForestClassifier/Regressor (and ranger, printed for
# reference) on the fixed splits of breast_cancer and diabetes (tests/data/xgb/exact-*):
# the means over seeds 1..5 of 500-tree forests with the defaults. Golden values in
# tests/data/rf/golden.tsv, written by tests/golden/rf/make-golden.py. The forests differ
# in their random draws (and dl-rf bins the features), so the means are compared within a
# tolerance: test accuracy 0.5 point, AUC 0.005, OOB accuracy 1 point; test RMSE 2%, OOB
# R^2 0.02 and OOB MSE 3%.
D=$DATA/xgb
G=$DATA/rf/golden.tsv

golden() { awk -F'\t' -v s="$1" -v i="$2" -v m="$3" '$1 == s && $2 == i && $3 == m { print $4 }' "$G"; }
within() {
	awk -v a="$2" -v b="$3" -v t="$4" -v rel="${5:-0}" 'BEGIN {
		d = a - b; if (d < 0) d = -d; if (rel) t = t * (b < 0 ? -b : b)
		exit !(d <= t) }' || fail "$1: dl-rf $2, scikit-learn $3 (tolerance $4${5:+ relative})"
	echo "$1: dl-rf $2 scikit-learn $3" >&2
}
# mean of column 2 of lines "NAME VALUE" named $1 in $T/all
mean() { awk -v m="$1" '$1 == m { s += $2; n++ } END { printf "%.6f", s / n }' "$T/all"; }

: >"$T/all"
for s in 1 2 3 4 5; do
	"$DL_BUILD/dl-rf" train -q --threads 2 --seed $s --log "$T/log" -o "$T/c.json" "$D/exact-cancer-train.csv"
	"$DL_BUILD/dl-rf" eval -m "$T/c.json" --metric accuracy --metric auc "$D/exact-cancer-test.csv" >>"$T/all"
	sed -n 's/.*"oob_accuracy":\([0-9.e-]*\).*/oob_accuracy \1/p' "$T/log" >>"$T/all"
	"$DL_BUILD/dl-rf" train -q --threads 2 --seed $s --task regression --log "$T/log" -o "$T/d.json" \
		"$D/exact-diabetes-train.csv"
	"$DL_BUILD/dl-rf" eval -m "$T/d.json" --metric rmse "$D/exact-diabetes-test.csv" >>"$T/all"
	sed -n 's/.*"oob_mse":\([0-9.e+-]*\),"oob_r2":\([0-9.e+-]*\).*/oob_mse \1\noob_r2 \2/p' "$T/log" >>"$T/all"
done
within "cancer test accuracy" "$(mean accuracy)" "$(golden cancer sklearn accuracy)" 0.005
within "cancer test auc" "$(mean auc)" "$(golden cancer sklearn auc)" 0.005
within "cancer OOB accuracy" "$(mean oob_accuracy)" "$(golden cancer sklearn oob_accuracy)" 0.01
within "diabetes test rmse" "$(mean rmse)" "$(golden diabetes sklearn rmse)" 0.02 rel
within "diabetes OOB R^2" "$(mean oob_r2)" "$(golden diabetes sklearn oob_r2)" 0.02
within "diabetes OOB MSE" "$(mean oob_mse)" "$(golden diabetes sklearn oob_mse)" 0.03 rel
