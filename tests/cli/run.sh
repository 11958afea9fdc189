#!/bin/sh
# Runs one CLI test script with the helpers of tests/cli/lib.sh loaded (automake's
# SH_LOG_COMPILER). The script's exit status is the test's result (77 = skipped).
set -eu
: "${DL_SRC:?}" "${DL_BUILD:?}"
export DL_SRC DL_BUILD
exec "${SHELL:-/bin/sh}" -eu -c '. "$DL_SRC/tests/cli/lib.sh"; . "$1"' sh "$1"
