"""Runs `export_part` requests under the TensorFlow backend (see `_write_in_tensorflow`)."""

import contextlib
import importlib
import json
import os
import sys


def main(requests):
    os.environ["KERAS_BACKEND"] = "tensorflow"
    for module in sorted({m for request in requests for m in request["modules"]}):
        importlib.import_module(module)
    from keras_gen.export.export_part import _plan
    from keras_gen.export.export_part import _write
    from keras_gen.models import load_model

    models, results = {}, []
    with contextlib.ExitStack() as stack:
        shared = (stack, {})
        for request in requests:
            if request["target"] not in models:
                models[request["target"]] = load_model(request["target"], compile=False)
            parts = {request["part"]: (models[request["target"]], request["metadata"])}
            plan = _plan(
                None, request["part"], request["format"], request["quantize"],
                request["representative_data"], request["batch"] or "dynamic", request["output"],
                request["opset"], resolved=(parts, None),
                source=(request["source_path"], request["source_hash"]),
            )
            results.append(_write(plan, shared))
    return results


if __name__ == "__main__":
    try:
        results = main(json.loads(sys.argv[1]))
    except ValueError as error:
        print(json.dumps({"error": str(error)}))
        sys.exit(1)
    print(json.dumps(results))
