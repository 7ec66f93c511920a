#!/usr/bin/env bash
# Runs the test suite once per Keras backend, each in its own process (Keras
# picks its backend at import time). Extra arguments go to every pytest call.
#   bash tests/run.sh                 # TensorFlow, JAX and torch, side by side
#   BACKENDS="jax" bash tests/run.sh  # one backend
#   SERIAL=1 bash tests/run.sh        # one backend after the other
# TensorFlow runs every test; the other backends skip tests marked slow
# (SLOW_ON="tensorflow jax torch" runs them everywhere).
# Every test runs on every backend unless its module says otherwise with a
# `backends(...)` marker (see tests/conftest.py), so a new test folder is
# covered on all three by default.
#
# The backends run at the same time: most of a test's time is single-threaded
# (tracing, XLA compiles, Python), so three processes keep two cores busy and
# the suite takes about half the time it takes one backend after the other.
# Each backend gets its own cache folder (presets, demo exports), so the
# processes never share a file. JAX keeps its compiled programs in a
# persistent cache for the length of the run: many tests build the same small
# models, and a cache hit skips an XLA compile. The cache starts empty and is
# deleted at the end, so no run depends on an earlier one.
#
# Exit status is non-zero if any backend fails or collects no tests (pytest
# exit code 5 is a failure here, never a silent pass).
set -u
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
BACKENDS=${BACKENDS:-"tensorflow jax torch"}
SLOW_ON=${SLOW_ON:-"tensorflow"}
SERIAL=${SERIAL:-}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/keras-gen-tests.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

run_backend() {
  local backend=$1
  shift
  local marker=()
  case " $SLOW_ON " in *" $backend "*) ;; *) marker=(-m "not slow") ;; esac
  echo "=== KERAS_BACKEND=$backend pytest ${marker[*]} $*"
  local jax_cache=()
  if [ "$backend" = jax ]; then
    jax_cache=(JAX_COMPILATION_CACHE_DIR="$scratch/jax-cache"
      JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0 JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES=0)
  fi
  env KERAS_BACKEND="$backend" KERAS_GEN_CACHE="${KERAS_GEN_CACHE:-$scratch/$backend-cache}" "${jax_cache[@]}" \
    "$PYTHON" -m pytest -p no:cacheprovider "${marker[@]}" "$@"
}

start=$SECONDS
for backend in $BACKENDS; do
  if [ -n "$SERIAL" ]; then
    run_backend "$backend" "$@"
    echo $? >"$scratch/$backend.rc"
  else
    # Each line is prefixed with its backend; sed -u passes whole lines on at
    # once, so the three streams interleave line by line, never mid-line.
    { run_backend "$backend" "$@" 2>&1; echo $? >"$scratch/$backend.rc"; } |
      sed -u "s/^/[$backend] /" &
  fi
done
wait

failed=""
for backend in $BACKENDS; do
  rc=$(cat "$scratch/$backend.rc" 2>/dev/null || echo 1)
  if [ "$rc" -ne 0 ]; then
    echo "=== backend $backend: pytest exited with $rc"
    failed="$failed $backend"
  fi
done
echo "=== wall time: $((SECONDS - start)) s"
if [ -n "$failed" ]; then
  echo "=== FAILED on:$failed"
  exit 1
fi
echo "=== all backends passed: $BACKENDS"
