"""HDBSCAN: scikit-learn's answer exactly, invariants, the steps, parameter errors."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from tuiclust.core import HDBSCAN, Phase
from tuiclust.core.datasets import DATASETS, make_dataset

sklearn_cluster = pytest.importorskip("sklearn.cluster")


def _reference(X: np.ndarray, **params: object):
    """scikit-learn's labels and probabilities, or a skip where scikit-learn itself fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ref = sklearn_cluster.HDBSCAN(copy=True, **params).fit(X)
        except TypeError as exc:
            # scikit-learn 1.9 with numpy >= 2.4: traverse_upwards turns a
            # 1-element array into an int (cluster_selection_epsilon paths).
            pytest.skip(f"scikit-learn cannot run this case here: {exc}")
    return ref.labels_, ref.probabilities_


def assert_same_as_sklearn(X: np.ndarray, **params: object) -> None:
    labels, probabilities = _reference(X, **params)
    ours = HDBSCAN(**params).fit(X)  # type: ignore[arg-type]
    # Same numbering too: the spanning tree is replayed in scikit-learn's order.
    np.testing.assert_array_equal(ours.labels_, labels)
    np.testing.assert_allclose(ours.probabilities_, probabilities, rtol=0, atol=1e-9)


def _data(name: str, seed: int = 0) -> np.ndarray:
    return make_dataset(name, random_state=seed)[0]


# -- oracle ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(DATASETS))
def test_builtin_sets_match_sklearn(name: str) -> None:
    assert_same_as_sklearn(_data(name))


@pytest.mark.parametrize("name", ["blobs", "moons", "varied", "no_structure", "smiley"])
def test_shuffled_rows_match_sklearn(name: str) -> None:
    X = _data(name, seed=3)
    assert_same_as_sklearn(X[np.random.default_rng(1).permutation(X.shape[0])])


@pytest.mark.parametrize("name", ["blobs", "no_structure", "density_bars", "packed_circles"])
def test_duplicated_points_match_sklearn(name: str) -> None:
    X = _data(name, seed=2)
    assert_same_as_sklearn(np.concatenate([X, X[: X.shape[0] // 3], X[:7]]))


@pytest.mark.parametrize("name", ["moons", "circles", "varied", "no_structure", "packed_circles"])
def test_rounded_data_full_of_ties_matches_sklearn(name: str) -> None:
    # Rounding makes many exactly equal distances and core distances.
    assert_same_as_sklearn(np.round(_data(name, seed=3), 1))


def test_grid_matches_sklearn() -> None:
    g = np.arange(12, dtype=float)
    X = np.array([(x, y) for x in g for y in g])
    X = np.concatenate([X, X[::5] + 0.5, [[30.0, 30.0], [31.0, 30.0]]])
    assert_same_as_sklearn(X, min_cluster_size=4)


@pytest.mark.parametrize("loader", ["load_iris", "load_wine"])
@pytest.mark.parametrize("method", ["eom", "leaf"])
def test_more_columns_match_sklearn(loader: str, method: str) -> None:
    datasets = pytest.importorskip("sklearn.datasets")
    X = getattr(datasets, loader)().data
    assert_same_as_sklearn(X, cluster_selection_method=method)
    assert_same_as_sklearn((X - X.mean(0)) / X.std(0), min_cluster_size=8, cluster_selection_method=method)


def test_five_columns_match_sklearn() -> None:
    X = np.random.default_rng(5).normal(size=(400, 5))
    X[:200] += 3.0
    assert_same_as_sklearn(X)


PARAMETERS = [
    {"cluster_selection_method": "leaf"},
    {"allow_single_cluster": True},
    {"allow_single_cluster": True, "cluster_selection_method": "leaf"},
    {"cluster_selection_epsilon": 0.05},
    {"cluster_selection_epsilon": 0.05, "cluster_selection_method": "leaf"},
    {"max_cluster_size": 40},
    {"min_cluster_size": 12, "min_samples": 3},
    {"min_cluster_size": 3, "min_samples": 8},
    {"alpha": 1.7},
    {"alpha": 0.5},
    {"min_samples": 1},
]


@pytest.mark.parametrize("params", PARAMETERS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()))
@pytest.mark.parametrize("name", ["blobs", "moons", "varied", "no_structure", "pimpled_smiley"])
def test_parameters_match_sklearn(name: str, params: dict) -> None:
    assert_same_as_sklearn(_data(name, seed=4), **params)


def test_two_points_and_all_equal_points_match_sklearn() -> None:
    assert_same_as_sklearn(np.array([[0.0, 0.0], [1.0, 1.0]]), min_cluster_size=2)
    assert_same_as_sklearn(np.zeros((10, 2)), min_cluster_size=3, allow_single_cluster=True)
    assert_same_as_sklearn(np.zeros((10, 2)), min_cluster_size=3)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["blobs", "varied", "density_bars", "gaussian_mixture"])
def test_larger_sets_match_sklearn(name: str) -> None:
    X = make_dataset(name, n_samples=6000, random_state=9)[0]
    assert_same_as_sklearn(X)
    assert_same_as_sklearn(np.round(X, 2), min_cluster_size=15, cluster_selection_method="leaf")


# -- invariants --------------------------------------------------------------


@pytest.mark.parametrize("name", ["blobs", "varied", "no_structure", "smiley"])
@pytest.mark.parametrize("method", ["eom", "leaf"])
def test_clusters_are_big_enough_and_probabilities_bounded(name: str, method: str) -> None:
    model = HDBSCAN(min_cluster_size=7, cluster_selection_method=method).fit(_data(name))
    labels, p = model.labels_, model.probabilities_
    sizes = np.bincount(labels[labels >= 0])
    assert sizes.size == 0 or sizes.min() >= 7
    assert np.all((p >= 0) & (p <= 1))
    assert np.all(p[labels == -1] == 0)
    assert labels.max() + 1 == len(model.selected_clusters_)


def test_labels_do_not_depend_on_row_order_up_to_names() -> None:
    X = _data("blobs")
    perm = np.random.default_rng(0).permutation(X.shape[0])
    a = HDBSCAN().fit(X).labels_[perm]
    b = HDBSCAN().fit(X[perm]).labels_
    # The same partition (and the same noise).
    assert np.array_equal(a == -1, b == -1)
    pairs = {(x, y) for x, y in zip(a.tolist(), b.tolist())}
    assert len(pairs) == len(set(a.tolist()))


# -- steps -------------------------------------------------------------------


def test_steps_tell_the_phases_in_order_and_end_with_fit() -> None:
    X = _data("varied")
    model = HDBSCAN()
    steps = list(model.steps(X))
    phases = [s.phase for s in steps]
    order = [Phase.CORE_DISTANCES, Phase.SPANNING_TREE, Phase.HIERARCHY, Phase.CONDENSE, Phase.SELECT, Phase.DONE]
    assert [p for i, p in enumerate(phases) if i == 0 or phases[i - 1] != p] == order
    assert len(steps) <= 65
    assert 1 <= phases.count(Phase.SPANNING_TREE) <= 60
    assert [s.iteration for s in steps] == list(range(len(steps)))
    assert np.array_equal(steps[-1].labels, HDBSCAN().fit(X).labels_)
    assert np.array_equal(steps[-1].labels, model.labels_)
    for s in steps:
        assert s.algorithm == "hdbscan" and s.message and not s.labels.flags.writeable
        if s.edges is not None:
            assert s.edges.dtype == np.int32 and s.edges.shape[1] == 2
        if s.point_values is not None:
            assert s.point_values.dtype == np.float32 and s.point_values.shape == (X.shape[0],)
            assert s.point_values.min() >= 0 and s.point_values.max() <= 1
    tree = [s for s in steps if s.phase is Phase.SPANNING_TREE]
    assert tree[-1].edges.shape[0] == X.shape[0] - 1
    assert all(a.edges.shape[0] < b.edges.shape[0] for a, b in itertools.pairwise(tree))
    # One edge array shared by every tree step (views, not copies).
    assert all(np.shares_memory(s.edges, tree[-1].edges) for s in tree)
    np.testing.assert_allclose(steps[-1].point_values, model.probabilities_, atol=1e-6)
    hierarchy = [s for s in steps if s.phase is Phase.HIERARCHY]
    assert all(a.edges.shape[0] > b.edges.shape[0] for a, b in itertools.pairwise(hierarchy))


def test_steps_are_deterministic() -> None:
    X = _data("pimpled_smiley")
    a = list(HDBSCAN(min_cluster_size=8).steps(X))
    b = list(HDBSCAN(min_cluster_size=8).steps(X))
    assert [s.message for s in a] == [s.message for s in b]
    assert all(np.array_equal(x.labels, y.labels) for x, y in zip(a, b))


def test_steps_check_the_data_at_once() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        HDBSCAN().steps(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="min_samples"):
        HDBSCAN(min_samples=20).steps(np.zeros((10, 2)))
    with pytest.raises(ValueError, match="NaN"):
        HDBSCAN().fit(np.array([[0.0, np.nan]] * 6))


# -- parameters --------------------------------------------------------------


@pytest.mark.parametrize(
    "params, name",
    [
        ({"min_cluster_size": 1}, "min_cluster_size"),
        ({"min_cluster_size": 2.5}, "min_cluster_size"),
        ({"min_cluster_size": True}, "min_cluster_size"),
        ({"min_samples": 0}, "min_samples"),
        ({"cluster_selection_epsilon": -0.1}, "cluster_selection_epsilon"),
        ({"max_cluster_size": 0}, "max_cluster_size"),
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": float("nan")}, "alpha"),
        ({"cluster_selection_method": "tree"}, "cluster_selection_method"),
        ({"allow_single_cluster": "yes"}, "allow_single_cluster"),
    ],
)
def test_bad_parameters_name_themselves(params: dict, name: str) -> None:
    model = HDBSCAN(**params)  # the constructor only stores (the estimator contract)
    with pytest.raises(ValueError, match=name):
        model.fit(np.zeros((10, 2)))
    with pytest.raises(ValueError, match=name):
        HDBSCAN.check_params(params)


def test_constructor_is_keyword_only_after_min_cluster_size() -> None:
    with pytest.raises(TypeError):
        HDBSCAN(5, 3)  # type: ignore[misc]
    assert HDBSCAN(9).min_cluster_size == 9
