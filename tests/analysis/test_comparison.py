"""The comparison grid: gallery settings, scores against the core and scikit-learn, verdicts."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm
from sklearn.cluster import DBSCAN as SkDBSCAN

from tuiclust.analysis.comparison import (
    ALGORITHMS,
    GOOD_ARI,
    GRID_CACHE,
    PARTIAL_ARI,
    SHAPES,
    Verdict,
    best_algorithms,
    cell_order,
    comparison_cells,
    gallery_data,
    gallery_params,
    judge,
    run_cell,
    verdict_rules,
)
from tuiclust.core.metrics import adjusted_rand_score, silhouette_score
from tuiclust.pipeline.vocabulary import ALGORITHMS as VOCABULARY


def test_gallery_settings():
    assert SHAPES == ("circles", "moons", "varied", "aniso", "blobs", "no_structure")
    assert gallery_params("moons", "kmeans")["n_clusters"] == 2
    assert gallery_params("circles", "gmm")["n_components"] == 2
    assert gallery_params("blobs", "gmm") == {"n_components": 3, "covariance_type": "full", "random_state": 0}
    assert gallery_params("varied", "dbscan") == {"eps": 0.18, "min_samples": 7}
    assert gallery_params("aniso", "dbscan")["eps"] == 0.15
    assert gallery_params("no_structure", "dbscan")["eps"] == 0.3
    X, y = gallery_data("moons")
    assert X.shape == (500, 2) and y.shape == (500,)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1.0)


def _estimator(algorithm, params):
    return VOCABULARY[algorithm].estimator_class()(**params)


@pytest.mark.parametrize("shape", SHAPES)
def test_cell_scores_equal_the_cores_on_the_same_run(shape):
    X, y = gallery_data(shape)
    for algorithm in ALGORITHMS:
        cell = run_cell(shape, algorithm)
        labels = _estimator(algorithm, gallery_params(shape, algorithm)).fit(X).labels_
        np.testing.assert_array_equal(cell.labels, labels)
        assert cell.ari == adjusted_rand_score(y, labels)
        assert cell.n_clusters == len(set(labels.tolist()) - {-1})
        assert cell.n_noise == int((labels == -1).sum())
        if cell.silhouette is not None:
            assert cell.silhouette == silhouette_score(X, labels)


@pytest.mark.parametrize("shape", SHAPES)
def test_dbscan_cells_agree_with_scikit_learn(shape):
    X, y = gallery_data(shape)
    params = gallery_params(shape, "dbscan")
    sk_labels = SkDBSCAN(**params).fit(X).labels_
    cell = run_cell(shape, "dbscan")
    np.testing.assert_array_equal(cell.labels, sk_labels)
    assert cell.ari == pytest.approx(skm.adjusted_rand_score(y, sk_labels), abs=1e-12)


def test_verdicts_follow_the_stated_thresholds():
    assert judge("moons", GOOD_ARI, 2)[0] is Verdict.GOOD
    assert judge("moons", GOOD_ARI - 1e-9, 2)[0] is Verdict.PARTIAL
    assert judge("moons", PARTIAL_ARI, 2)[0] is Verdict.PARTIAL
    assert judge("moons", PARTIAL_ARI - 1e-9, 2)[0] is Verdict.POOR
    # uniform: judged by clusters found, whatever the ARI
    assert judge("no_structure", 0.0, 1)[0] is Verdict.GOOD
    assert judge("no_structure", 0.0, 0)[0] is Verdict.GOOD
    assert judge("no_structure", 1.0, 3)[0] is Verdict.POOR
    rules = " ".join(verdict_rules())
    assert f"{GOOD_ARI:.2f}" in rules and f"{PARTIAL_ARI:.2f}" in rules and "uniform" in rules


def test_the_grid_tells_the_lessons_story():
    cells = {(c.shape, c.algorithm): c for c in comparison_cells()}
    assert [(c.shape, c.algorithm) for c in comparison_cells()] == cell_order()
    # density wins on the curved shapes, every algorithm finds round blobs
    lesson = ("kmeans", "dbscan", "gmm")  # the lesson's three; HDBSCAN ties DBSCAN on these shapes
    for shape in ("circles", "moons"):
        row = [cells[(shape, a)] for a in lesson]
        assert best_algorithms(row) == {"dbscan"}
        assert best_algorithms([cells[(shape, a)] for a in ALGORITHMS]) <= {"dbscan", "hdbscan"}
        assert cells[(shape, "kmeans")].verdict is not Verdict.GOOD
    assert best_algorithms([cells[("blobs", a)] for a in ALGORITHMS]) == set(ALGORITHMS)
    # no structure: only DBSCAN refrains from inventing clusters
    assert best_algorithms([cells[("no_structure", a)] for a in ALGORITHMS]) == {"dbscan"}
    assert cells[("no_structure", "kmeans")].verdict is Verdict.POOR


def test_cells_come_from_the_cache_the_second_time():
    first = list(comparison_cells(seed=5, n_samples=120))
    second = list(comparison_cells(seed=5, n_samples=120))
    assert all(a is b for a, b in zip(first, second))
    other = list(comparison_cells(seed=6, n_samples=120, cells=[("moons", "kmeans")]))
    assert other[0] is not first[3]
    GRID_CACHE.clear()
