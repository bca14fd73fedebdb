"""The k-distance curve, its knee and the eps it suggests."""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.analysis.k_distance import k_distance_curve, round_eps
from tuiclust.core.datasets import SUGGESTED, make_dataset
from tuiclust.core.dbscan import DBSCAN
from tuiclust.core.elbow import k_distances, suggest_eps


@pytest.mark.parametrize("name", ["moons", "circles", "blobs", "varied", "smiley", "no_structure"])
def test_curve_and_suggestion_are_the_cores(name):
    X, _ = make_dataset(name)
    m = SUGGESTED[name]["min_samples"]
    curve = k_distance_curve(X, m)
    np.testing.assert_array_equal(curve.distances, k_distances(X, m))
    assert curve.suggested_eps == suggest_eps(X, m)
    assert curve.k == m


def test_moons_suggested_eps_gives_two_clusters():
    X, _ = make_dataset("moons")
    curve = k_distance_curve(X, 5)
    assert curve.knee_index is not None
    labels = DBSCAN(round_eps(curve.suggested_eps), min_samples=5).fit(X).labels_
    assert len(set(labels.tolist()) - {-1}) == 2


@pytest.mark.parametrize("eps", [0.05, 0.0968, 0.12, 0.3])
def test_core_fraction_is_the_share_of_core_points(eps):
    X, _ = make_dataset("moons")
    curve = k_distance_curve(X, 5)
    core = DBSCAN(eps, min_samples=5).fit(X).core_sample_indices_
    assert curve.core_fraction(eps) == pytest.approx(len(core) / len(X))


def test_a_curve_without_knee_falls_back_to_the_90th_percentile():
    gx, gy = np.meshgrid(np.arange(10.0), np.arange(10.0))
    X = np.column_stack([gx.ravel(), gy.ravel()])  # a square lattice: every 3-distance is 1, a flat curve
    curve = k_distance_curve(X, 3)
    assert curve.knee_index is None
    assert curve.suggested_eps == pytest.approx(float(np.quantile(curve.distances, 0.9)))
    assert curve.suggested_index == curve.index_of(curve.suggested_eps)


def test_positions_and_display_curve():
    X, _ = make_dataset("moons")
    curve = k_distance_curve(X, 5)
    assert curve.eps_at(-5) == curve.distances[0] and curve.eps_at(10**6) == curve.distances[-1]
    assert curve.index_of(curve.distances[10]) >= 10
    xs, ys = curve.display_curve(50)
    assert xs[0] == 0 and xs[-1] == curve.n - 1 and len(xs) <= 50
    np.testing.assert_array_equal(ys, curve.distances[xs])


@pytest.mark.parametrize("value", [0.0967866, 0.3, 12.341, 1e-5, 123456.0, 0.1 + 0.2, 7.0])
def test_round_eps_rounds_up_to_three_digits(value):
    r = round_eps(value)
    assert r >= value
    assert r == float(f"{r:.3g}")
    assert r <= value * 1.011 + 1e-15
