"""The `keras-gen` command line: `main.py` is the entry point, `parsers.py` builds
the parser (`families.py` names the models), `commands.py` runs each command,
`errors.py` turns failures into one line and an exit status; one module per
model family trains and samples, `runs.py` keeps run folders, `export.py` and
`plots.py` serve the commands. It sits above the library: nothing in
`keras_gen` imports it.
"""
