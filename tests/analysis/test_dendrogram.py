"""The dendrogram layout against scipy's, and the cut arithmetic against scikit-learn's threshold rule."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster import hierarchy

from tuiclust.analysis.dendrogram import (
    cut_for_clusters,
    cut_levels,
    dendrogram,
    dendrogram_from_linkage,
    n_clusters_at,
    suggested_cut,
)
from tuiclust.core.agglomerative import AgglomerativeClustering
from tuiclust.core.agglomerative_tree import LINKAGES
from tuiclust.core.datasets import make_dataset


def _fit(X: np.ndarray, linkage: str) -> AgglomerativeClustering:
    return AgglomerativeClustering(1, linkage=linkage, compute_distances=True).fit(X)


def _linkage_matrix(model: AgglomerativeClustering) -> np.ndarray:
    n = model.n_leaves_
    size = [1] * n + [0] * (n - 1)
    for i, (a, b) in enumerate(model.children_.tolist()):
        size[n + i] = size[a] + size[b]
    return np.column_stack([model.children_, model.distances_, size[n:]]).astype(float)


@pytest.mark.parametrize("linkage", LINKAGES)
@pytest.mark.parametrize("p", [0, 1, 2, 3, 12, 30, 199, 200, 500])
def test_layout_is_scipys_lastp(linkage, p):
    X = make_dataset("varied", n_samples=200, random_state=2)[0]
    model = _fit(X, linkage)
    Z = _linkage_matrix(model)
    expected = hierarchy.dendrogram(Z, truncate_mode="lastp", p=p, no_plot=True)
    d = dendrogram(model.children_, model.distances_, p=p)
    np.testing.assert_array_equal(d.leaf_nodes, expected["leaves"])
    np.testing.assert_allclose(d.icoord(), np.array(expected["icoord"]).reshape(-1, 4))
    np.testing.assert_allclose(d.dcoord(), np.array(expected["dcoord"]).reshape(-1, 4))
    # Leaf counts are scipy's "(count)" labels for grouped leaves.
    labels = [f"({c})" if node >= 200 else str(node) for node, c in zip(d.leaf_nodes, d.leaf_counts)]
    assert labels == expected["ivl"]
    assert d.p == (200 if p in (0, 500) else p)
    assert d.leaf_counts.sum() == 200
    assert d.link_nodes.shape == (d.p - 1,)


def test_from_linkage_and_duplicates():
    X = np.repeat(make_dataset("blobs", n_samples=40, random_state=1)[0], 3, axis=0)
    Z = hierarchy.linkage(X, "single")
    d = dendrogram_from_linkage(Z, p=10)
    expected = hierarchy.dendrogram(Z, truncate_mode="lastp", p=10, no_plot=True)
    np.testing.assert_array_equal(d.leaf_nodes, expected["leaves"])
    np.testing.assert_allclose(d.dcoord(), np.array(expected["dcoord"]).reshape(-1, 4))
    # Grouped leaves keep the height of the subtree they hide; points have 0.
    assert np.all(d.leaf_heights[d.leaf_nodes < 120] == 0)
    assert np.all(d.leaf_heights <= d.link_heights.min() + 1e-12)


def test_a_deep_chain_has_no_recursion_limit():
    X = np.arange(5000, dtype=float)[:, None] ** 1.01  # single linkage: one long chain
    model = _fit(X, "single")
    d = dendrogram(model.children_, model.distances_, p=0)
    assert d.p == 5000 and d.link_nodes[-1] == 2 * 5000 - 2


def test_cut_levels_match_sklearn_distance_threshold():
    X = make_dataset("blobs", n_samples=120, random_state=4)[0]
    for linkage in LINKAGES:
        model = _fit(X, linkage)
        levels = cut_levels(model.distances_)
        assert np.all(np.diff(levels.cuts) > 0)
        assert np.all(np.diff(levels.n_clusters) < 0)
        assert levels.n_clusters[0] == 120 and levels.n_clusters[-1] == 1
        for cut, k in zip(levels.cuts[::7], levels.n_clusters[::7]):
            assert n_clusters_at(model.distances_, cut) == k
            fitted = AgglomerativeClustering(None, linkage=linkage, distance_threshold=float(cut)).fit(X)
            assert fitted.n_clusters_ == k


def test_cut_levels_with_equal_heights():
    heights = np.array([0.0, 0.0, 1.0, 1.0, 3.0])
    levels = cut_levels(heights)
    np.testing.assert_array_equal(levels.cuts, [0.0, 0.5, 2.0, 4.0])
    np.testing.assert_array_equal(levels.n_clusters, [6, 4, 2, 1])
    assert cut_for_clusters(heights, 4) == (0.5, 4)
    assert cut_for_clusters(heights, 3) == (0.5, 4)  # 3 cannot be had: the nearest, larger on a tie
    assert cut_for_clusters(heights, 1) == (4.0, 1)
    assert cut_for_clusters(heights, 99) == (0.0, 6)


def test_suggested_cut_is_the_largest_gap():
    assert suggested_cut(np.array([0.1, 0.2, 0.3, 2.0, 2.2])) == pytest.approx((1.15, 3))
    assert suggested_cut(np.array([1.0, 2.0, 3.0])) == (2.5, 2)  # equal gaps: the higher one
    assert suggested_cut(np.array([1.0])) is None
    assert suggested_cut(np.array([0.5, 0.5, 0.5])) is None
    X = make_dataset("blobs", n_samples=300, random_state=0)[0]  # three well-separated blobs
    cut, k = suggested_cut(_fit(X, "ward").distances_)
    assert k == 3


def test_bad_input():
    with pytest.raises(ValueError, match="shape"):
        dendrogram(np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="p must"):
        dendrogram(np.array([[0, 1]]), np.array([1.0]), p=-1)
    with pytest.raises(ValueError, match="linkage matrix"):
        dendrogram_from_linkage(np.zeros((2, 3)))
