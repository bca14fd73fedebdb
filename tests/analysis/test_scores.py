"""The scores of a labelling and the silhouette profile, against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm

from tuiclust.analysis.scores import (
    not_scorable_reason,
    score_clustering,
    silhouette_profile,
)
from tuiclust.core.datasets import make_dataset
from tuiclust.core.dbscan import DBSCAN
from tuiclust.core.kmeans import KMeans


@pytest.fixture
def blobs():
    X, _ = make_dataset("blobs")
    return X, KMeans(3, random_state=0).fit(X).labels_


def test_scores_match_scikit_learn(blobs):
    X, labels = blobs
    s = score_clustering(X, labels)
    assert s.defined and not s.has_noise and s.n_groups == 3 and s.silhouette_sample is None
    assert s.silhouette == pytest.approx(skm.silhouette_score(X, labels), abs=1e-12)
    assert s.calinski_harabasz == pytest.approx(skm.calinski_harabasz_score(X, labels), rel=1e-12)
    assert s.davies_bouldin == pytest.approx(skm.davies_bouldin_score(X, labels), rel=1e-12)


def test_big_data_samples_the_silhouette_like_scikit_learn():
    X, _ = make_dataset("blobs", n_samples=3000)
    labels = KMeans(3, random_state=0).fit(X).labels_
    s = score_clustering(X, labels, sample_size=500, seed=7)
    assert s.silhouette_sample == 500
    assert s.silhouette == pytest.approx(skm.silhouette_score(X, labels, sample_size=500, random_state=7), abs=1e-12)
    assert s.calinski_harabasz == pytest.approx(skm.calinski_harabasz_score(X, labels), rel=1e-12)


def test_noise_counts_as_a_cluster():
    X, _ = make_dataset("moons")
    labels = DBSCAN(0.1, min_samples=5).fit(X).labels_
    assert (labels == -1).any()
    s = score_clustering(X, labels)
    assert s.has_noise
    assert s.silhouette == pytest.approx(skm.silhouette_score(X, labels), abs=1e-12)


@pytest.mark.parametrize(
    "labels, words",
    [
        (np.full(10, -1), "no point is in a cluster yet"),
        (np.zeros(10, dtype=int), "needs at least 2 clusters; this step has 1"),
        (np.arange(10), "every point is a cluster of its own"),
    ],
)
def test_undefined_scores_say_why(labels, words):
    X = np.random.default_rng(0).normal(size=(10, 2))
    assert not_scorable_reason(labels) == words
    s = score_clustering(X, labels)
    assert not s.defined and s.reason == words and s.silhouette is None and s.davies_bouldin is None
    with pytest.raises(ValueError, match="no silhouette"):
        silhouette_profile(X, labels)


def test_profile_groups_and_sorts_every_silhouette(blobs):
    X, labels = blobs
    p = silhouette_profile(X, labels)
    assert p.labels == (0, 1, 2) and not p.sampled
    expected = skm.silhouette_samples(X, labels)
    for label, values in zip(p.labels, p.values):
        assert np.all(np.diff(values) <= 0)
        np.testing.assert_allclose(values, np.sort(expected[labels == label])[::-1], atol=1e-12)
    assert p.mean == pytest.approx(skm.silhouette_score(X, labels), abs=1e-12)
    assert p.negative_share() == pytest.approx(float((expected < 0).mean()))


def test_profile_samples_big_data():
    X, _ = make_dataset("blobs", n_samples=1500)
    labels = KMeans(3, random_state=0).fit(X).labels_
    p = silhouette_profile(X, labels, max_points=400)
    assert p.sampled and p.n_used == 400 and p.n_total == 1500
    assert sum(v.size for v in p.values) == 400


def test_with_noise_the_silhouette_of_the_clustered_points_is_given_too():
    X, _ = make_dataset("moons")
    labels = DBSCAN(0.107, min_samples=5).fit(X).labels_
    assert (labels == -1).sum() == 1  # a single noise point ...
    s = score_clustering(X, labels)
    keep = labels != -1
    assert s.silhouette_clustered == pytest.approx(skm.silhouette_score(X[keep], labels[keep]), abs=1e-12)
    assert s.silhouette < 0 < s.silhouette_clustered  # ... pulls the noise-as-a-cluster score below 0
    assert score_clustering(X, DBSCAN(0.17, min_samples=5).fit(X).labels_).silhouette_clustered is None
