#!/usr/bin/env bash
# Runs the test suite once per Keras backend, each in its own process (Keras
# picks its backend at import time). Extra arguments go to every pytest call.
#   bash tests/run.sh                 # TensorFlow, JAX and torch
#   BACKENDS="jax" bash tests/run.sh  # one backend
# TensorFlow runs every test; the other backends skip tests marked slow
# (SLOW_ON="tensorflow jax torch" runs them everywhere).
# Exit status is non-zero if any backend fails or collects no tests (pytest
# exit code 5 is a failure here, never a silent pass).
set -u
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
BACKENDS=${BACKENDS:-"tensorflow jax torch"}
SLOW_ON=${SLOW_ON:-"tensorflow"}
# Every test runs on every backend unless its module says otherwise with a
# `backends(...)` marker (see tests/conftest.py), so a new test folder is
# covered on all three by default.
failed=""
for backend in $BACKENDS; do
  marker=()
  case " $SLOW_ON " in *" $backend "*) ;; *) marker=(-m "not slow") ;; esac
  echo "=== KERAS_BACKEND=$backend pytest ${marker[*]} $*"
  KERAS_BACKEND=$backend "$PYTHON" -m pytest "${marker[@]}" "$@"
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "=== backend $backend: pytest exited with $rc"
    failed="$failed $backend"
  fi
done
if [ -n "$failed" ]; then
  echo "=== FAILED on:$failed"
  exit 1
fi
echo "=== all backends passed: $BACKENDS"
