"""Export of generators, decoders and encoders to ONNX and TFLite, with checks.

`export_part` writes one part of a model (`generator`, `decoder`, `encoder`,
`features`, `binary_codes`) as an `.onnx` or `.tflite` file with a `*.json`
sidecar; `verify` runs it in ONNX Runtime or LiteRT against Keras; `latency`
times it. TensorFlow, tf2onnx, onnxruntime and LiteRT are imported only when
a function runs.
"""

from keras_gen.export.export_part import FORMATS
from keras_gen.export.export_part import QUANTIZATIONS
from keras_gen.export.export_part import export_model
from keras_gen.export.export_part import export_part
from keras_gen.export.inputs import load_representative
from keras_gen.export.inputs import sample_inputs
from keras_gen.export.latency import latency
from keras_gen.export.parts import PART_NAMES
from keras_gen.export.parts import resolve_parts
from keras_gen.export.runtime import load_runner
from keras_gen.export.sidecar import read_sidecar
from keras_gen.export.verify import format_table
from keras_gen.export.verify import verify
