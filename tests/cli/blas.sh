# The OpenBLAS kernel choice from a clean environment and with the user's own setting.
b=$DL_BUILD/tests/check_blas
[ -x "$b" ] || exit 77
# Unset: dl re-executes with the kernel it prefers for this CPU (or leaves OpenBLAS alone),
# and a short idle spin for OpenBLAS's threads.
env -u OPENBLAS_CORETYPE -u OPENBLAS_THREAD_TIMEOUT -u DL_BLAS_REEXEC CK_FORK=no "$b" >"$T/out" 2>&1 || { cat "$T/out"; fail "clean environment"; }
# Set by the user: the kernel wins (the spin is still set by dl).
env -u DL_BLAS_REEXEC -u OPENBLAS_THREAD_TIMEOUT OPENBLAS_CORETYPE=Haswell DL_TEST_USER_CORETYPE=Haswell CK_FORK=no "$b" >"$T/out" 2>&1 || { cat "$T/out"; fail "user setting"; }
# Both set by the user: both win, and no re-exec happens.
env -u DL_BLAS_REEXEC OPENBLAS_THREAD_TIMEOUT=10 DL_TEST_USER_TIMEOUT=10 OPENBLAS_CORETYPE=Haswell DL_TEST_USER_CORETYPE=Haswell CK_FORK=no "$b" >"$T/out" 2>&1 || { cat "$T/out"; fail "user settings"; }
