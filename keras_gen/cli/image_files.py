"""What `keras-gen translate --input` reads and writes: a user's own picture files.

Every input is opened (and refused with a line naming it) before anything
is written; each output keeps its input's file name.
"""

import os

import numpy as np

from keras_gen.cli import runs

__all__ = ["add_image_to_image_arguments", "read_inputs", "translation_rows", "write_outputs"]


def add_image_to_image_arguments(parser):
    """The data options Pix2Pix and CycleGAN share: size, crop, augmentation."""
    from keras_gen.cli import arguments

    parser.add_argument("--image-size", type=arguments.positive_int, default=None,
                        help="resize the images to this square size (default: the data's; "
                             "images of several sizes need it)")
    parser.add_argument("--crop", action="store_true",
                        help="centre-crop each image to a square before resizing (keeps the "
                             "aspect ratio of non-square pictures)")
    parser.add_argument("--jitter-size", type=arguments.positive_int, default=None,
                        help="random jitter: resize to this, then crop back at random (default: "
                             "286/256 of the image size; the image size itself: no jitter)")
    parser.add_argument("--no-mirror", action="store_true", help="no random left-right flips")
    parser.add_argument("--no-augment", action="store_true", help="no jitter and no flips")


def translation_rows(*columns):
    """One row per image, the columns side by side (grey made RGB): for a 3-column grid."""
    columns = [np.asarray(column, dtype="float32") for column in columns]
    columns = [np.repeat(c, 3, axis=-1) if c.shape[-1] == 1 else c for c in columns]
    rows = np.stack(columns, axis=1)
    return rows.reshape((-1,) + rows.shape[2:])


def _input_files(path):
    from keras_gen.data.image_folder import IMAGE_EXTENSIONS
    from keras_gen.data.image_pair_folders import image_files

    if os.path.isdir(path):
        names = image_files(path)
        if not names:
            raise ValueError(f"Expected `--input` to be an image file or a folder of images "
                             f"({', '.join(IMAGE_EXTENSIONS)}). Received: --input={path!r} "
                             "(a folder without images)")
        return [os.path.join(path, name) for name in names]
    if not os.path.isfile(path):
        raise ValueError(f"Expected `--input` to be an image file or a folder of images. "
                         f"Received: --input={path!r} (no such file or folder)")
    return [path]


def read_inputs(path, image_size, channels, crop=False):
    """Reads `--input` as float32 images in [-1, 1] of the model's size and channels.

    Returns:
        `(images, names)`.
    """
    from PIL import Image
    from PIL import UnidentifiedImageError

    images, names = [], []
    for file in _input_files(path):
        try:
            with Image.open(file) as picture:
                picture = picture.convert("L" if channels == 1 else "RGB")
        except (UnidentifiedImageError, OSError) as error:
            raise ValueError(f"Expected `--input` to hold images. Received: {file!r} (not an "
                             f"image: {' '.join(str(error).split())})") from None
        if crop:
            side = min(picture.size)
            left, top = (picture.size[0] - side) // 2, (picture.size[1] - side) // 2
            picture = picture.crop((left, top, left + side, top + side))
        if picture.size != (image_size, image_size):
            picture = picture.resize((image_size, image_size), Image.BICUBIC)
        array = np.asarray(picture, dtype="float32") / 127.5 - 1.0
        images.append(array[..., None] if array.ndim == 2 else array)
        names.append(os.path.basename(file))
    return np.stack(images), names


def write_outputs(args, run_dir, folder, names, images):
    """Writes each translated image under its input's name into `folder`; returns the paths."""
    from PIL import Image

    from keras_gen.utils import atomic_path

    paths = [os.path.join(folder, name) for name in names]
    for path in paths:
        runs.check_replaceable(args, run_dir, path)
    os.makedirs(folder, exist_ok=True)
    pixels = (np.clip(np.asarray(images), -1.0, 1.0) * 127.5 + 127.5).round().astype("uint8")
    for path, image in zip(paths, pixels):
        picture = Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image)
        with atomic_path(path) as tmp:
            picture.save(tmp, format=Image.registered_extensions().get(
                os.path.splitext(path)[1].lower(), "PNG"))
    return paths
