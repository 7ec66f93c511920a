"""Rebuilds `facades_128.npz` (Pix2Pix, label map -> photo) from the public archive layout.

The CMP Facades download of Pix2Pix (`facades/train/`, `facades/test/`, and
`val/`, which the archive leaves out, of `N.jpg` images holding the photo on
the left and its label map on the right) or its two-folder form (`A/train/`,
`A/test/`, `B/train/`, `B/test/`: photos in A, label maps in B) is read
with `keras_gen.data.image_pair_folders.read_paired_folder`, each half
resized to `--size` (photos with Lanczos, label maps with nearest neighbour,
so they keep their colours), and written as the shipped archive:
`inputs_train`/`targets_train`/`ids_train` and `*_test`, uint8, ordered by
the file number `N`.

    python tools/build_facades_npz.py path/to/facades --output facades_128.npz

Read with `keras_gen.data.load_paired("facades_128.npz")`.
"""

import argparse
import os
import sys

import numpy as np


def build(folder, size=128):
    """The arrays of `facades_<size>.npz` read from `folder` (a dict of NumPy arrays)."""
    from keras_gen.data.image_pair_folders import read_paired_folder

    arrays = {}
    for split in ("train", "test"):
        photos, labels, names = read_paired_folder(folder, split, image_size=size,
                                                   resample=("lanczos", "nearest"))
        try:
            ids = np.array([int(os.path.splitext(name)[0]) for name in names], dtype="int16")
        except ValueError:
            raise ValueError(f"Expected facade files named by number (1.jpg, 2.jpg, ...) in "
                             f"{folder!r}. Received: names such as {names[:3]}") from None
        order = np.argsort(ids, kind="stable")
        arrays[f"inputs_{split}"] = labels[order]
        arrays[f"targets_{split}"] = photos[order]
        arrays[f"ids_{split}"] = ids[order]
    return arrays


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="the facades folder: train/ test/ of AB images, or A/ B/")
    parser.add_argument("--output", default="facades_128.npz", help="the .npz file to write")
    parser.add_argument("--size", type=int, default=128, help="side of the square images")
    args = parser.parse_args(argv)
    from keras_gen.utils import atomic_path

    arrays = build(args.folder, args.size)
    with atomic_path(args.output, suffix=".npz") as tmp:
        with open(tmp, "wb") as handle:
            np.savez_compressed(handle, **arrays)
    shapes = ", ".join(f"{key} {value.shape}" for key, value in arrays.items())
    print(f"{args.output}: {shapes}")
    return 0


if __name__ == "__main__":
    import keras  # noqa: F401  (registers keras-gen's models before the data package loads)

    sys.exit(main())
