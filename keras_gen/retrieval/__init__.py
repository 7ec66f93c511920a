"""Retrieval with binary codes: Hamming ranking, mean average precision, precision@k."""

from keras_gen.retrieval.hamming import hamming_distances
from keras_gen.retrieval.hamming import hamming_search
from keras_gen.retrieval.hamming import mean_average_precision
from keras_gen.retrieval.hamming import pack_codes
from keras_gen.retrieval.hamming import precision_at_k

__all__ = ["hamming_distances", "hamming_search", "mean_average_precision", "pack_codes", "precision_at_k"]
