"""Exports every part of a run (or `.keras` file) in every format, verifies each, prints a table.

    python export/export_all.py runs/vae --quantize none,float16,int8 \\
        --representative-data latent --latency

Writes the artifacts and their `*.json` sidecars to `RUN/export/` (or
`--output`), plus `export_summary.json` with the verify rows (and latency
rows with `--latency`). Exits with 1 if any artifact fails verification.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def _table(rows, columns):
    lines = [columns] + [[str(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", help="run folder or .keras file")
    parser.add_argument("--parts", default=None, help="comma-separated parts (default: all)")
    parser.add_argument("--formats", default="onnx,tflite")
    parser.add_argument("--quantize", default="none,float16", help="comma-separated: none,float16,dynamic,int8")
    parser.add_argument("--representative-data", default=None,
                        help="int8 calibration: 'latent' or a .npy/.npz of real inputs")
    parser.add_argument("--batch", default="dynamic", help="dynamic (default: any batch) or 1")
    parser.add_argument("--output", default=None, help="existing folder (default RUN/export)")
    parser.add_argument("--latency", action="store_true", help="also time batch-1 calls")
    args = parser.parse_args(argv)

    from keras_gen.export import export_model
    from keras_gen.export import format_table
    from keras_gen.export import latency
    from keras_gen.export import resolve_parts
    from keras_gen.export import sample_inputs
    from keras_gen.export import verify
    from keras_gen.utils import atomic_path

    parts, _ = resolve_parts(args.target)
    results = export_model(
        args.target, formats=args.formats.split(","), quantizations=args.quantize.split(","),
        parts=args.parts.split(",") if args.parts else None,
        representative_data=args.representative_data, batch=args.batch, output=args.output,
    )
    rows = [verify(result["artifact"], *parts[result["record"]["part"]]) for result in results]
    print(format_table(rows))
    summary = {"target": os.path.abspath(args.target), "verify": rows}
    if args.latency:
        summary["latency"] = []
        for name, (model, metadata) in parts.items():
            artifacts = [r["artifact"] for r in results if r["record"]["part"] == name]
            if not artifacts:
                continue
            timings = latency(model, artifacts, sample_inputs(model, metadata, count=1))
            for timing in timings:
                timing.update(part=name, median_ms=round(timing["median_ms"], 4),
                              artifact=os.path.basename(timing["artifact"] or "-"))
            summary["latency"] += timings
        print()
        print(_table(summary["latency"], ["part", "runner", "artifact", "size_bytes", "median_ms"]))
    folder = os.path.dirname(results[0]["artifact"])
    with atomic_path(os.path.join(folder, "export_summary.json")) as tmp:
        with open(tmp, "w") as handle:
            json.dump(summary, handle, indent=2, default=float)
    return 0 if all(row["passed"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
