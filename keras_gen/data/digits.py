"""scikit-learn's embedded 8x8 handwritten digits: the default, download-free data."""

from keras_gen.data.loader_checks import check_limit
from keras_gen.data.loader_checks import check_scale
from keras_gen.data.loader_checks import check_seed
from keras_gen.data.loader_checks import check_split
from keras_gen.data.loader_checks import finish

__all__ = ["load_digits"]

TEST_FRACTION = 0.2


def load_digits(split="train", scale="unit", flatten=False, limit=None, seed=0, threshold=0.5):
    """Loads scikit-learn's 1,797 8x8 digit images (0..16 grey levels) with labels.

    The train/test split is fixed and is the one of scikit-learn's
    "RBM features for digit classification" example:
    `train_test_split(test_size=0.2, random_state=0)` (1,437 / 360 images),
    so results compare with that example whatever `seed` is.

    Args:
        split: `"train"`, `"test"` or `"all"`.
        scale: `"unit"` ([0, 1]), `"signed"` ([-1, 1]), `"binary"`,
            `"stochastic_binary"` or `None` (the stored 0..16 values).
        flatten: return (N, 64) rows instead of (N, 8, 8, 1) images.
        limit: keep a seeded random subset of at most this many samples.
        seed: seed of `limit`'s subset and of the stochastic binarization.
        threshold: threshold for `scale="binary"`, on the [0, 1] scale.

    Returns:
        `(x, y)`: float32 images (N, 8, 8, 1) or rows (N, 64), and int64
        labels (N,).

    Example:

    >>> x, y = load_digits(split="all", flatten=True)
    >>> x.shape, y.shape, float(x.max())
    ((1797, 64), (1797,), 1.0)

    Reference:
        Alpaydin & Kaynak, "Optical Recognition of Handwritten Digits" (UCI),
        1998, as shipped in `sklearn.datasets.load_digits`.
    """
    check_split(split)
    check_scale(scale)
    limit = check_limit(limit)
    seed = check_seed(seed)
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    data = datasets.load_digits()
    x = data.images.astype("float32")[..., None]
    y = data.target.astype("int64")
    if split != "all":
        x_train, x_test, y_train, y_test = train_test_split(
            x, y, test_size=TEST_FRACTION, random_state=0
        )
        x, y = (x_train, y_train) if split == "train" else (x_test, y_test)
    return finish(x, y, scale=scale, flatten=flatten, limit=limit, seed=seed,
                  value_range=(0.0, 16.0), threshold=threshold)
