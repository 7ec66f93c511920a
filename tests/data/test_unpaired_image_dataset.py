import numpy as np
import pytest

from keras_gen.data import UnpairedImageDataset


def test_unpaired_dataset_covers_the_larger_domain():
    a = np.arange(5, dtype="float32")[:, None, None, None] * np.ones((1, 4, 4, 1), "float32")
    b = -np.arange(1, 4, dtype="float32")[:, None, None, None] * np.ones((1, 4, 4, 1), "float32")
    data = UnpairedImageDataset(a, b, batch_size=1, seed=0)
    assert len(data) == 5
    seen_a = sorted(float(data[i][0][0, 0, 0, 0]) for i in range(5))
    seen_b = [float(data[i][1][0, 0, 0, 0]) for i in range(5)]
    assert seen_a == [0.0, 1.0, 2.0, 3.0, 4.0]  # every A image once an epoch
    assert set(seen_b) == {-1.0, -2.0, -3.0}  # B repeated to match


def test_bad_input():
    for shapes, pattern in [
        (((4, 8, 8, 3), (2, 8, 8, 1)), "height, width and channels"),
        (((4, 8, 8, 3), (2, 6, 6, 3)), "height, width and channels"),
    ]:
        first, second = (np.zeros(shape, "float32") for shape in shapes)
        with pytest.raises(ValueError, match=pattern):
            UnpairedImageDataset(first, second)
