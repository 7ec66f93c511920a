"""Gradio demos of keras-gen: one launcher, one tab per model family.

Run `keras-gen demo [RUN_DIRS...]` or `python -m keras_gen.apps [RUN_DIRS...]`. The
apps use keras-gen's public API and serve exported ONNX artifacts with ONNX
Runtime (see `keras_gen.apps.runs`); with no run folders they train, export and cache
small default models on the embedded digits (see `keras_gen.apps.defaults`).
"""
