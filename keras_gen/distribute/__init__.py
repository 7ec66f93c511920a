"""Data-parallel and multi-worker training helpers.

Existing engines do the work (`tf.distribute` on TensorFlow,
`keras.distribution` on JAX); these helpers check their preconditions and fix
what hand-written steps get wrong: per-replica noise, loss scaling, batch
splits, `TF_CONFIG`, and which worker writes checkpoints. See docs/scale.md.
"""

from keras_gen.distribute.tf_config import is_chief
from keras_gen.distribute.tf_config import read_tf_config
from keras_gen.trainers.replicas import ReplicaSeedGenerator
from keras_gen.trainers.replicas import check_batch_size
from keras_gen.trainers.replicas import replica_id
from keras_gen.trainers.replicas import scale_loss_for_replicas
from keras_gen.distribute.strategies import logical_cpu_devices
from keras_gen.distribute.strategies import multi_worker_strategy
from keras_gen.distribute.layouts import model_parallel
