#!/bin/sh
# Writes tests/data/iris.csv (Fisher's iris data, 1936) with a plain header, from the copy
# that Debian's python3-sklearn ships. Rerun: sh tests/data/make-iris.sh > tests/data/iris.csv
set -eu
src=/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv
echo "sepal_length,sepal_width,petal_length,petal_width,species"
tail -n +2 "$src" | awk -F, '{ split("setosa versicolor virginica", s, " "); printf "%s,%s,%s,%s,%s\n", $1, $2, $3, $4, s[$5 + 1] }'
