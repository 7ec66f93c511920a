import numpy as np
import pytest

from keras_gen.data.epoch_dataset import EpochDataset


class _Rows(EpochDataset):
    """Serves the row indices of each batch and one seeded draw."""

    def __getitem__(self, index):
        rows = self.batch_rows(index, self.count)
        return rows, self.batch_rng(index).random(len(rows))


def _pass(dataset):
    return [dataset[i] for i in range(len(dataset))]


def test_length_with_and_without_remainder():
    assert len(_Rows(10, 4, shuffle=False, seed=0, drop_remainder=False)) == 3
    assert len(_Rows(10, 4, shuffle=False, seed=0, drop_remainder=True)) == 2
    assert len(_Rows(8, 4, shuffle=False, seed=0, drop_remainder=False)) == 2


def test_unshuffled_order_and_cycled_order():
    dataset = _Rows(5, 2, shuffle=False, seed=0, drop_remainder=False)
    rows = [batch[0] for batch in _pass(dataset)]
    np.testing.assert_array_equal(np.concatenate(rows), np.arange(5))
    assert [len(r) for r in rows] == [2, 2, 1]
    np.testing.assert_array_equal(dataset.order(2), [0, 1, 0, 1, 0])  # a smaller source is cycled


def test_shuffled_epoch_is_a_permutation_reproducible_by_seed_and_epoch():
    dataset = _Rows(12, 5, shuffle=True, seed=3, drop_remainder=False)
    first = _pass(dataset)
    assert sorted(np.concatenate([b[0] for b in first]).tolist()) == list(range(12))
    again = _Rows(12, 5, shuffle=True, seed=3, drop_remainder=False)
    for (rows_a, draw_a), (rows_b, draw_b) in zip(first, _pass(again)):
        np.testing.assert_array_equal(rows_a, rows_b)
        np.testing.assert_array_equal(draw_a, draw_b)
    other_seed = _Rows(12, 5, shuffle=True, seed=4, drop_remainder=False)
    assert not np.array_equal(dataset.order(12), other_seed.order(12))


def test_epoch_moves_on_only_after_a_full_pass():
    dataset = _Rows(12, 4, shuffle=True, seed=1, drop_remainder=False)
    epoch0 = dataset.order(12).copy()
    dataset[0]  # a peek at one batch (what the trainers do to build a model)
    dataset.on_epoch_end()
    assert dataset.epoch == 0
    np.testing.assert_array_equal(dataset.order(12), epoch0)
    _pass(dataset)
    dataset.on_epoch_end()
    assert dataset.epoch == 1
    assert not np.array_equal(dataset.order(12), epoch0)
    dataset.set_epoch(0)
    np.testing.assert_array_equal(dataset.order(12), epoch0)


def test_batch_index_out_of_range():
    dataset = _Rows(5, 2, shuffle=False, seed=0, drop_remainder=True)
    with pytest.raises(IndexError, match="batch index 2 out of range for 2 batches"):
        dataset[2]
    with pytest.raises(IndexError):
        dataset[-1]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": 0}, r"Expected `batch_size` to be an integer >= 1\. Received: batch_size=0"),
        ({"batch_size": True}, "Received: batch_size=True"),
        ({"batch_size": 2.0}, "Received: batch_size=2.0"),
        ({"seed": -1}, r"Expected `seed` to be an integer >= 0\. Received: seed=-1"),
        ({"batch_size": 6, "drop_remainder": True}, r"number of samples \(5\) when drop_remainder=True"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    arguments = {"batch_size": 2, "shuffle": True, "seed": 0, "drop_remainder": False, **kwargs}
    with pytest.raises(ValueError, match=message):
        _Rows(5, **arguments)
