"""Data loaders: embedded digits, `.npz` archives, `keras.datasets`, image folders, videos.

Start with `load_dataset(name_or_path, split=..., scale=...)`, which returns
float32 `(x, y)` NumPy arrays ready for `model.fit`. The scaling helpers,
the paired/unpaired image-to-image loaders and the per-epoch Keras datasets
(`DynamicBinarizationDataset`, `PairedImageDataset`, `UnpairedImageDataset`,
`DeviceDataset`)
are here too, and videos: `moving_digits` (synthetic, with exact flow),
`load_video_folder` / `load_video_npz` (users' own) and `video_windows`.
"""

from keras_gen.data.dataset import DATASET_NAMES
from keras_gen.data.dataset import load_dataset
from keras_gen.data.device_dataset import DeviceDataset
from keras_gen.data.digits import load_digits
from keras_gen.data.dynamic_binarization_dataset import DynamicBinarizationDataset
from keras_gen.data.image_folder import load_image_folder
from keras_gen.data.image_to_image import load_paired
from keras_gen.data.image_to_image import load_unpaired
from keras_gen.data.image_to_image import random_jitter
from keras_gen.data.image_to_image import resize_images
from keras_gen.data.keras_datasets import KERAS_DATASETS
from keras_gen.data.keras_datasets import load_keras_dataset
from keras_gen.data.keras_datasets import local_copy
from keras_gen.data.moving_digits import moving_digits
from keras_gen.data.npz import load_npz
from keras_gen.data.npz import npz_layout
from keras_gen.data.paired_image_dataset import PairedImageDataset
from keras_gen.data.scaling import SCALES
from keras_gen.data.scaling import binarize
from keras_gen.data.scaling import rescale
from keras_gen.data.scaling import stochastic_binarize
from keras_gen.data.scaling import to_signed
from keras_gen.data.scaling import to_unit
from keras_gen.data.unpaired_image_dataset import UnpairedImageDataset
from keras_gen.data.video_folder import load_video_folder
from keras_gen.data.video_folder import load_video_npz
from keras_gen.data.video_folder import video_windows

__all__ = [
    "DATASET_NAMES",
    "DeviceDataset",
    "DynamicBinarizationDataset",
    "KERAS_DATASETS",
    "PairedImageDataset",
    "SCALES",
    "UnpairedImageDataset",
    "binarize",
    "load_dataset",
    "load_digits",
    "load_image_folder",
    "load_keras_dataset",
    "load_npz",
    "load_paired",
    "load_unpaired",
    "load_video_folder",
    "load_video_npz",
    "local_copy",
    "moving_digits",
    "npz_layout",
    "random_jitter",
    "rescale",
    "resize_images",
    "stochastic_binarize",
    "to_signed",
    "to_unit",
    "video_windows",
]
