"""Runs one `export_part` request under the TensorFlow backend (see `export_part`)."""

import importlib
import json
import os
import sys


class _Part:
    """The one part sent by the calling process, with its metadata."""

    def __init__(self, name, model, metadata):
        self._parts = {name: (model, metadata)}

    def export_parts(self):
        return self._parts


def main(request):
    os.environ["KERAS_BACKEND"] = "tensorflow"
    for module in request["modules"]:
        importlib.import_module(module)
    from keras_gen.export.export_part import export_part
    from keras_gen.models import load_model

    model = load_model(request["target"], compile=False)
    target = _Part(request["part"], model, request["metadata"])
    result = export_part(
        target, request["part"], request["format"], request["quantize"],
        request["representative_data"], request["batch"] or "dynamic", request["output"],
        request["opset"], _source=(request["source_path"], request["source_hash"]),
    )
    return result


if __name__ == "__main__":
    try:
        result = main(json.loads(sys.argv[1]))
    except ValueError as error:
        print(json.dumps({"error": str(error)}))
        sys.exit(1)
    print(json.dumps(result))
