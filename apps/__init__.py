"""Thin entry point for a source checkout (`python -m apps`); the Gradio demo is
`keras_gen.apps` (`keras-gen demo`). This folder is not installed."""
