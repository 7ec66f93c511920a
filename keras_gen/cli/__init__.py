"""The `keras-gen` command line: `main.py` parses, one module per model family
trains and samples, `runs.py` keeps run folders, `export.py` and `plots.py`
serve the commands. It sits above the library: nothing in `keras_gen` imports it.
"""
