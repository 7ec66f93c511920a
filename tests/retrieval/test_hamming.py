import numpy as np
import pytest

from keras_gen.retrieval import hamming_distances
from keras_gen.retrieval import hamming_search
from keras_gen.retrieval import mean_average_precision
from keras_gen.retrieval import pack_codes
from keras_gen.retrieval import precision_at_k


def _random_codes(rows, bits, seed):
    return (np.random.default_rng(seed).random((rows, bits)) > 0.5).astype("uint8")


@pytest.mark.parametrize("bits", [5, 32, 64, 70])
def test_distances_match_bit_counting(bits):
    queries, database = _random_codes(7, bits, 0), _random_codes(30, bits, 1)
    expected = (queries[:, None, :] != database[None, :, :]).sum(-1)
    np.testing.assert_array_equal(hamming_distances(queries, database), expected)
    assert pack_codes(queries).shape == (7, (bits + 63) // 64)


def test_search_returns_nearest_first_with_index_tie_break():
    database = _random_codes(50, 16, 2)
    queries = database[[3, 10]]
    indices, distances = hamming_search(queries, database, k=5, batch_size=1)
    full = hamming_distances(queries, database)
    for row in range(2):
        expected = np.lexsort((np.arange(50), full[row]))[:5]
        np.testing.assert_array_equal(indices[row], expected)
        np.testing.assert_array_equal(distances[row], full[row][expected])
    assert distances[0, 0] == 0


def _tie_averaged_ap(distances, relevant, top_k=None, trials=3000, seed=0):
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(trials):
        order = np.lexsort((rng.random(len(distances)), distances))
        hits = relevant[order][: top_k or len(order)].astype(float)
        found = np.cumsum(hits)
        values.append((hits * found / np.arange(1, len(hits) + 1)).sum() / max(found[-1], 1e-12))
    return np.mean(values)


@pytest.mark.parametrize("top_k", [None, 7])
def test_map_averages_over_tied_orders(top_k):
    queries, database = _random_codes(3, 4, 3), _random_codes(40, 4, 4)
    query_labels = np.array([0, 1, 2])
    database_labels = np.random.default_rng(5).integers(0, 3, 40)
    distances = hamming_distances(queries, database)
    expected = np.mean([
        _tie_averaged_ap(distances[i], database_labels == query_labels[i], top_k) for i in range(3)
    ])
    result = mean_average_precision(queries, database, query_labels, database_labels, top_k=top_k, batch_size=2)
    assert abs(result - expected) < 0.01


def test_perfect_and_useless_codes():
    labels = np.repeat(np.arange(4), 10)
    perfect = np.eye(4, dtype="uint8")[labels]
    assert mean_average_precision(perfect, perfect, labels, labels) == pytest.approx(1.0)
    assert precision_at_k(perfect, perfect, labels, labels, k=10) == pytest.approx(1.0)
    constant = np.zeros((40, 4), "uint8")
    # All items tied: the expected AP of a random order of 10 relevant items among 40.
    ranks = np.arange(1, 41)
    random_order_ap = np.sum(0.25 * (1 + (ranks - 1) * 9 / 39) / ranks) / 10
    assert mean_average_precision(constant, constant, labels, labels) == pytest.approx(random_order_ap)
    assert precision_at_k(constant, constant, labels, labels, k=10) == pytest.approx(0.25)


def test_bad_input():
    codes = _random_codes(4, 8, 0)
    with pytest.raises(ValueError, match="bits"):
        hamming_distances(codes, codes[:, :4])
    with pytest.raises(ValueError, match="0 and 1"):
        hamming_distances(codes * 2, codes)
    with pytest.raises(ValueError, match="label"):
        mean_average_precision(codes, codes, [0, 1], [0, 1, 2, 3])
    with pytest.raises(ValueError, match="k"):
        hamming_search(codes, codes, k=5)
    with pytest.raises(ValueError, match="top_k"):
        mean_average_precision(codes, codes, [0] * 4, [0] * 4, top_k=0)
