"""The elbow figure: inertia and silhouette per k, and the suggested k."""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.analysis.cache import array_fingerprint
from tuiclust.analysis.elbow_curve import (
    ELBOW_CACHE,
    ElbowPoint,
    elbow_curve,
    elbow_key,
    finish_elbow,
    k_values,
)
from tuiclust.core.datasets import make_dataset
from tuiclust.core.kmeans import KMeans
from tuiclust.core.metrics import silhouette_score


def four_blobs(n_per_blob: int = 60, seed: int = 0) -> np.ndarray:
    """Four tight blobs at the corners of a square, far apart."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    return np.vstack([c + rng.normal(0.0, 0.5, (n_per_blob, 2)) for c in centres])


def test_four_well_separated_blobs_suggest_k_4():
    curve = elbow_curve(four_blobs())
    assert curve.suggested_k == 4
    assert curve.best_silhouette_k == 4
    assert curve.ks == list(range(1, 11))


def test_three_blobs_suggest_k_3():
    X, _ = make_dataset("blobs")
    assert elbow_curve(X).suggested_k == 3


def test_points_are_the_best_of_the_starts_and_their_silhouettes():
    X = four_blobs(20)
    curve = elbow_curve(X, k_max=5, n_init=3)
    total_ss = float(((X - X.mean(axis=0)) ** 2).sum())
    assert curve.point(1).inertia == pytest.approx(total_ss)
    assert curve.point(1).silhouette is None
    for k in range(2, 6):
        runs = [KMeans(k, random_state=s).fit(X) for s in range(3)]
        best = min(runs, key=lambda r: r.inertia_)
        assert curve.point(k).inertia == best.inertia_
        assert curve.point(k).silhouette == pytest.approx(silhouette_score(X, best.labels_))


def test_a_straight_inertia_line_has_no_elbow():
    points = [ElbowPoint(k, 100.0 - 10.0 * k, None) for k in range(1, 11)]
    assert finish_elbow(points, n_used=50, n_total=50, init="k-means++").suggested_k is None
    # two points are a line too
    assert finish_elbow(points[:2], n_used=50, n_total=50, init="k-means++").suggested_k is None


def test_k_never_exceeds_the_points():
    assert k_values(4) == (1, 2, 3, 4)
    assert k_values(500) == tuple(range(1, 11))
    X = four_blobs(1)  # 4 points
    assert elbow_curve(X).ks == [1, 2, 3, 4]


def test_cache_key_follows_data_and_settings():
    X = four_blobs(10)
    same = X.copy()
    assert elbow_key(X, init="k-means++", seed=0) == elbow_key(same, init="k-means++", seed=0)
    assert elbow_key(X, init="random", seed=0) != elbow_key(X, init="k-means++", seed=0)
    assert elbow_key(X, init="k-means++", seed=1) != elbow_key(X, init="k-means++", seed=0)
    moved = X.copy()
    moved[0, 0] += 1e-9
    assert array_fingerprint(moved) != array_fingerprint(X)
    assert "elbow" in repr(elbow_key(X, init="k-means++", seed=0))
    ELBOW_CACHE.clear()
