# Helpers for the CLI tests (sourced by tests/cli/run.sh; POSIX sh).
#
#   dl NAME ARGS...        runs the built dl-NAME (under $DL_WRAP, e.g. valgrind, if set)
#   expect_status N CMD... runs CMD, fails the test unless it exits N; its stdout and stderr
#                          are kept in $T/out and $T/err
#   expect_err TEXT        fails unless $T/err contains TEXT
#   same FILE1 FILE2       fails unless the files are byte-identical
#   fail MESSAGE           fails the test
# $T is a fresh temporary directory, removed at exit; $DATA is tests/data.
T=$(mktemp -d "${TMPDIR:-/tmp}/dl-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
DATA=$DL_SRC/tests/data
export LC_ALL=C

fail() { echo "FAIL: $*" >&2; exit 1; }

dl() {
	_n=$1; shift
	${DL_WRAP:-} "$DL_BUILD/dl-$_n" "$@"
}

expect_status() {
	_want=$1; shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	_got=$?
	set -e
	if [ "$_got" != "$_want" ]; then
		echo "command: $*" >&2
		echo "stderr:" >&2; head -c 2000 "$T/err" >&2
		fail "exit status $_got, want $_want"
	fi
	# Under valgrind, exit 99 means a memory error; the status check above catches it.
}

expect_err() {
	grep -qF -- "$1" "$T/err" || { echo "stderr was:" >&2; cat "$T/err" >&2; fail "stderr lacks: $1"; }
}

same() {
	cmp -s "$1" "$2" || { cmp "$1" "$2" >&2 || true; fail "$1 and $2 differ"; }
}
