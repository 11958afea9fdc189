# The OpenBLAS kernel choice from a clean environment and with the user's own setting.
b=$DL_BUILD/tests/check_blas
[ -x "$b" ] || exit 77
# Unset: dl re-executes with the kernel it prefers for this CPU (or leaves OpenBLAS alone).
env -u OPENBLAS_CORETYPE -u DL_BLAS_REEXEC CK_FORK=no "$b" >"$T/out" 2>&1 || { cat "$T/out"; fail "clean environment"; }
# Set by the user: it wins, and no re-exec happens.
env -u DL_BLAS_REEXEC OPENBLAS_CORETYPE=Haswell DL_TEST_USER_CORETYPE=Haswell CK_FORK=no "$b" >"$T/out" 2>&1 || { cat "$T/out"; fail "user setting"; }
