"""`keras-gen export`: the command-line entry point."""

__all__ = ["export"]


def export(args):
    """Runs `keras-gen export TARGET --part --format --quantize ... [--verify]`.

    Args:
        args: the parsed arguments (`target`, `part`, `format`, `quantize`,
            `representative_data`, `batch`, `output`, `verify`).

    Returns:
        The exit status: 0, or 1 when `--verify` finds a failing artifact.

    Example:

    ```
    keras-gen export runs/dcgan --part generator --format tflite \\
        --quantize int8 --representative-data latent --verify
    ```
    """
    from keras_gen.export.export_part import export_part
    from keras_gen.export.verify import format_table
    from keras_gen.export.verify import verify

    result = export_part(
        args.target, part=args.part, format=args.format, quantize=args.quantize,
        representative_data=args.representative_data, batch=args.batch, output=args.output,
    )
    print(f"artifact: {result['artifact']} ({result['size_bytes'] / 1024:.1f} KiB)")
    print(f"sidecar:  {result['sidecar']}")
    if not args.verify:
        return 0
    row = verify(result["artifact"])
    print(format_table([row]))
    return 0 if row["passed"] else 1
