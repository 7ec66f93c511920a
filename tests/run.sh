#!/usr/bin/env bash
# Runs the test suite once per Keras backend, each in its own process (Keras
# picks its backend at import time). Extra arguments go to every pytest call.
#   bash tests/run.sh                 # TensorFlow, JAX, and torch (its subset)
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
# Torch runs the tests that are marked or located as torch-ready: the RBM
# family, the trainers' parity and the other compute_loss models.
TORCH_PATHS=${TORCH_PATHS:-"tests/test_docstrings.py tests/trainers tests/models/test_generative_model.py tests/models/rbm tests/utils tests/data tests/models/pix2pix tests/models/cyclegan tests/layers tests/models/autoencoders tests/models/vae tests/metrics/test_iwae.py tests/models/gan tests/losses tests/latent tests/callbacks/test_gan_callbacks.py tests/metrics/test_frechet_distance.py tests/metrics/test_kernel_inception_distance.py tests/metrics/test_precision_recall.py tests/metrics/test_feature_extractor.py tests/callbacks/test_backup_and_restore.py tests/distribute/test_tf_config.py tests/metrics/test_ais.py tests/metrics/test_pseudo_likelihood.py tests/models/dbn tests/models/dbm tests/retrieval"}
failed=""
for backend in $BACKENDS; do
  if [ "$backend" = torch ]; then paths=$TORCH_PATHS; else paths=""; fi
  marker=()
  case " $SLOW_ON " in *" $backend "*) ;; *) marker=(-m "not slow") ;; esac
  echo "=== KERAS_BACKEND=$backend pytest $paths ${marker[*]} $*"
  KERAS_BACKEND=$backend "$PYTHON" -m pytest $paths "${marker[@]}" "$@"
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
