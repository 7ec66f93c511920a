"""Hamming-ranking search over binary codes, batched with NumPy bit operations.

Codes are packed 64 bits to a word; a distance is `popcount(a XOR b)`, so a
10,000 x 60,000 search of 32-bit codes takes seconds on one CPU core.
Ties in distance are ranked by database index (a stable sort), so results
are deterministic.
"""

import numpy as np

from keras_gen.utils import check_positive_int

__all__ = ["hamming_distances", "hamming_search", "mean_average_precision", "pack_codes", "precision_at_k"]


def _check_codes(name, codes):
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape[0] == 0 or codes.shape[1] == 0:
        raise ValueError(f"Expected `{name}` to be a non-empty 2-D array of bits. "
                         f"Received: {name} with shape {codes.shape}")
    if not np.isin(codes, (0, 1)).all():
        raise ValueError(f"Expected `{name}` to hold only 0 and 1. Received: {name} with other values")
    return codes


def pack_codes(codes):
    """Packs 0/1 codes (samples, bits) into uint64 words (samples, ceil(bits / 64)).

    Example:

    >>> pack_codes([[1, 0, 1]]).shape
    (1, 1)
    """
    codes = _check_codes("codes", codes).astype(np.uint8)
    packed = np.packbits(codes, axis=1)
    padding = (-packed.shape[1]) % 8
    packed = np.pad(packed, ((0, 0), (0, padding)))
    return np.ascontiguousarray(packed).view(np.uint64)


def _distances(packed_queries, packed_database):
    xor = packed_queries[:, None, :] ^ packed_database[None, :, :]
    if xor.shape[-1] == 1:
        return np.bitwise_count(xor[..., 0]).astype(np.uint16)
    return np.bitwise_count(xor).sum(axis=-1, dtype=np.uint16)


def _check_pair(queries, database):
    queries = _check_codes("queries", queries)
    database = _check_codes("database", database)
    if queries.shape[1] != database.shape[1]:
        raise ValueError(
            f"Expected `queries` and `database` to have the same number of bits. "
            f"Received: queries with {queries.shape[1]} bits, database with {database.shape[1]}"
        )
    return pack_codes(queries), pack_codes(database)


def hamming_distances(queries, database):
    """All Hamming distances between two sets of 0/1 codes.

    Returns:
        A uint16 array (queries, database).

    Example:

    >>> hamming_distances([[1, 0, 1]], [[1, 0, 1], [0, 1, 0]]).tolist()
    [[0, 3]]
    """
    return _distances(*_check_pair(queries, database))


def hamming_search(queries, database, k=10, batch_size=256):
    """The `k` nearest database codes of each query by Hamming distance.

    Args:
        queries: (queries, bits) 0/1 codes.
        database: (items, bits) 0/1 codes.
        k: neighbours per query, 1 <= k <= items.
        batch_size: queries per batch (bounds memory to batch x items).

    Returns:
        `(indices, distances)`, each (queries, k), nearest first; ties go to
        the lower database index.

    Example:

    >>> indices, distances = hamming_search([[1, 1, 0]], [[0, 0, 0], [1, 1, 1], [1, 1, 0]], k=2)
    >>> indices.tolist(), distances.tolist()
    ([[2, 1]], [[0, 1]])
    """
    packed_queries, packed_database = _check_pair(queries, database)
    k = check_positive_int("k", k)
    if k > len(packed_database):
        raise ValueError(f"Expected `k` <= the database size {len(packed_database)}. Received: k={k}")
    indices, distances = [], []
    for start in range(0, len(packed_queries), batch_size):
        batch = _distances(packed_queries[start : start + batch_size], packed_database)
        order = np.argsort(batch, axis=1, kind="stable")[:, :k]
        indices.append(order)
        distances.append(np.take_along_axis(batch, order, axis=1))
    return np.concatenate(indices), np.concatenate(distances)


def _group_counts(queries, database, query_labels, database_labels, batch_size):
    """Per query and distance: items in the database and relevant items among them.

    Yields `(items, relevant)`, each (batch, bits + 1), for successive query
    batches, by one `bincount` per batch instead of a sort.
    """
    packed_queries, packed_database = _check_pair(queries, database)
    query_labels = np.asarray(query_labels).reshape(-1)
    database_labels = np.asarray(database_labels).reshape(-1)
    if len(query_labels) != len(packed_queries) or len(database_labels) != len(packed_database):
        raise ValueError(
            "Expected one label per code. Received: "
            f"{len(query_labels)} query labels for {len(packed_queries)} queries, "
            f"{len(database_labels)} database labels for {len(packed_database)} items"
        )
    classes, codes = np.unique(np.concatenate([query_labels, database_labels]), return_inverse=True)
    codes = codes.astype(np.int32)
    query_classes, database_classes = codes[: len(query_labels)], codes[len(query_labels) :]
    bins = np.asarray(queries).shape[1] + 1
    for start in range(0, len(packed_queries), batch_size):
        distances = _distances(packed_queries[start : start + batch_size], packed_database)
        batch = len(distances)
        rows = np.arange(batch, dtype=np.int64)[:, None] * (bins * len(classes))
        keys = rows + (distances.astype(np.int32) * len(classes) + database_classes[None, :])
        counts = np.bincount(keys.ravel(), minlength=batch * bins * len(classes))
        counts = counts.reshape(batch, bins, len(classes))
        relevant = counts[np.arange(batch), :, query_classes[start : start + batch_size]]
        yield counts.sum(axis=-1), relevant


def _harmonic(n):
    return np.concatenate([[0.0], np.cumsum(1.0 / np.arange(1, n + 1))])


def mean_average_precision(queries, database, query_labels, database_labels, top_k=None, batch_size=256):
    """Mean average precision of Hamming ranking, relevance = same label.

    Items at equal distance are tied; the precision is averaged over all
    orders of each tie (exactly, by the formula of McSherry & Najork 2008),
    so no arbitrary tie-break (such as database order) favours a method.

    Args:
        queries, database: 0/1 codes with the same number of bits.
        query_labels, database_labels: one class label per code.
        top_k: average precision over the first `top_k` results only,
            normalized by the (expected) number of relevant items among them;
            `None`: the whole ranking.
        batch_size: queries per batch.

    Returns:
        mAP as a float in [0, 1]; queries with no relevant item count as 0.

    Example:

    >>> mean_average_precision([[1, 1]], [[1, 1], [0, 0], [1, 0]], [0], [0, 1, 0])
    1.0

    Reference:
        McSherry & Najork, "Computing information retrieval performance
        measures efficiently in the presence of tied scores", ECIR 2008.
    """
    if top_k is not None:
        top_k = check_positive_int("top_k", top_k)
    harmonic = _harmonic(len(np.asarray(database)))
    scores = []
    for items, relevant in _group_counts(queries, database, query_labels, database_labels, batch_size):
        before = np.cumsum(items, axis=1) - items
        relevant_before = np.cumsum(relevant, axis=1) - relevant
        taken = items if top_k is None else np.clip(top_k - before, 0, items)
        # Position i = before + t (t = 1..taken) of a group holds a relevant item with
        # probability relevant/items, and then has relevant_before + 1 + (t - 1) *
        # (relevant - 1) / (items - 1) relevant items up to it, on average.
        share = relevant / np.maximum(items, 1)
        slope = np.where(items > 1, (relevant - 1) / np.maximum(items - 1, 1), 0.0)
        inverse_sum = harmonic[before + taken] - harmonic[before]
        offset_sum = taken - (before + 1) * inverse_sum
        total = (share * ((relevant_before + 1) * inverse_sum + slope * offset_sum)).sum(axis=1)
        found = (share * taken).sum(axis=1)
        scores.append(np.where(found > 0, total / np.maximum(found, 1e-12), 0.0))
    return float(np.concatenate(scores).mean())


def precision_at_k(queries, database, query_labels, database_labels, k=100, batch_size=256):
    """Mean fraction of the `k` nearest database items sharing the query's label,
    averaged over the orders of tied items.

    Example:

    >>> precision_at_k([[1, 1]], [[1, 1], [0, 0], [1, 0]], [0], [0, 1, 0], k=2)
    1.0
    """
    k = check_positive_int("k", k)
    scores = []
    for items, relevant in _group_counts(queries, database, query_labels, database_labels, batch_size):
        before = np.cumsum(items, axis=1) - items
        taken = np.clip(k - before, 0, items)
        scores.append((relevant / np.maximum(items, 1) * taken).sum(axis=1) / min(k, len(np.asarray(database))))
    return float(np.concatenate(scores).mean())
