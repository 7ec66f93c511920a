import keras
import numpy as np
import pytest

from keras_gen.models import DBN
from keras_gen.models import ReplicatedSoftmaxRBM
from keras_gen.models.rbm.replicated_softmax_rbm import count_matrix
from tests.helpers import assert_round_trip

# torch runs one step per execution only.
STEPS = 1 if keras.backend.backend() == "torch" else 8


def _topic_corpus(documents=240, vocabulary=30, topics=3, seed=0):
    """Documents drawn from one of `topics` word distributions, each favouring its own words."""
    rng = np.random.default_rng(seed)
    distributions = np.full((topics, vocabulary), 0.2)
    for topic in range(topics):
        distributions[topic, topic * (vocabulary // topics) : (topic + 1) * (vocabulary // topics)] = 3.0
    distributions /= distributions.sum(axis=1, keepdims=True)
    labels = rng.integers(0, topics, documents)
    lengths = rng.integers(20, 80, documents)
    counts = np.stack([rng.multinomial(n, distributions[t]) for n, t in zip(lengths, labels)])
    return counts.astype("float32"), labels


def _trained(counts, epochs=6, **kwargs):
    rsm = ReplicatedSoftmaxRBM(8, seed=0, **kwargs)
    rsm.compile(optimizer=keras.optimizers.SGD(0.005, momentum=0.5), steps_per_execution=STEPS)
    history = rsm.fit(counts, batch_size=20, epochs=epochs, verbose=0, shuffle=False)
    return rsm, history.history


def test_documents_cluster_by_topic():
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score

    counts, labels = _topic_corpus()
    rsm, history = _trained(counts)
    errors = history["reconstruction_error"]
    assert errors[-1] < 0.8 * errors[0]
    features = rsm.transform(counts)
    clusters = KMeans(3, n_init=10, random_state=0).fit_predict(features)
    assert normalized_mutual_info_score(labels, clusters) > 0.8


def test_document_length_scales_the_hidden_bias():
    counts, _ = _topic_corpus(documents=40)
    rsm, _ = _trained(counts, epochs=1)
    kernel = keras.ops.convert_to_numpy(rsm.kernel)
    bias = keras.ops.convert_to_numpy(rsm.hidden_bias)
    expected = 1 / (1 + np.exp(-(counts @ kernel + counts.sum(1, keepdims=True) * bias)))
    np.testing.assert_allclose(rsm.transform(counts), expected, atol=1e-5)
    reconstruction = rsm.reconstruct(counts)
    np.testing.assert_allclose(reconstruction.sum(1), counts.sum(1), rtol=1e-4)
    samples = rsm.sample(3, gibbs_steps=5, seed=0)
    np.testing.assert_allclose(samples.sum(1), 1.0, rtol=1e-4)


def test_persistent_chains_keep_document_lengths():
    counts, _ = _topic_corpus(documents=60)
    rsm, history = _trained(counts, epochs=2, persistent=True, persistent_chains=10)
    chains = keras.ops.convert_to_numpy(rsm.chains)
    assert np.isfinite(history["loss"]).all()
    assert set(np.round(chains.sum(1)).tolist()) <= set(counts.sum(1).tolist())


def test_sparse_counts_from_count_vectorizer():
    from sklearn.feature_extraction.text import CountVectorizer

    texts = ["cats purr and cats sleep", "dogs bark and dogs run", "cats and dogs"] * 10
    sparse = CountVectorizer().fit_transform(texts)
    rsm = ReplicatedSoftmaxRBM(4, seed=0)
    rsm.compile()
    rsm.fit(count_matrix(sparse), batch_size=10, epochs=1, verbose=0)
    np.testing.assert_allclose(rsm.transform(sparse), rsm.transform(sparse.toarray().astype("float32")))
    dbn = DBN([4, 2], visible_type="replicated_softmax", seed=0)
    dbn.fit(sparse, batch_size=10, epochs=1, verbose=0)
    assert dbn.transform(sparse).shape == (30, 2)
    assert dbn.generate(2, gibbs_steps=3, seed=0).shape == (2, sparse.shape[1])


def test_save_load_and_export(tmp_path):
    counts, _ = _topic_corpus(documents=40)
    dbn = DBN([8, 4], visible_type="replicated_softmax", seed=0)
    dbn.compile(optimizer=keras.optimizers.SGD(0.005))
    dbn.fit(counts, batch_size=20, epochs=1, verbose=0)
    restored = assert_round_trip(
        dbn, tmp_path / "dbn.keras", {"transform": lambda m: m.transform(counts)},
        train=lambda m: m.fit(counts, batch_size=20, epochs=1, verbose=0))
    assert isinstance(restored.rbms[0], ReplicatedSoftmaxRBM)
    features = dbn.export_parts()["features"][0]
    np.testing.assert_allclose(features.predict(counts, verbose=0), dbn.transform(counts), atol=1e-5)
    rsm_features = dbn.rbms[0].export_parts()["features"][0]
    np.testing.assert_allclose(rsm_features.predict(counts, verbose=0), dbn.rbms[0].transform(counts), atol=1e-5)


def test_bad_counts():
    rsm = ReplicatedSoftmaxRBM(4)
    with pytest.raises(ValueError, match="x"):
        rsm.fit(np.array([[1.0, -1.0]]), verbose=0)
    with pytest.raises(ValueError, match="integer"):
        rsm.fit(np.array([[1.5, 1.0]]), verbose=0)
    with pytest.raises(ValueError, match="x"):
        DBN([4], visible_type="replicated_softmax").fit(np.array([[0.5, 2.0]]), verbose=0)
    with pytest.raises(ValueError, match="document_length"):
        ReplicatedSoftmaxRBM(4, document_length=0)
