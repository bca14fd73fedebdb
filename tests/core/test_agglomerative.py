"""Agglomerative clustering: scikit-learn's exact tree and labels, the invariants of the story, the errors."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from sklearn import datasets as skdata
from sklearn.cluster import AgglomerativeClustering as SkAgglomerative
from sklearn.cluster import _agglomerative as sk_agglomerative
from sklearn.cluster import _hierarchical_fast as sk_hierarchical
from sklearn.metrics import DistanceMetric

from tuiclust.core import AgglomerativeClustering
from tuiclust.core.agglomerative import MAX_MERGE_STEPS, MAX_SAMPLES, plan_merge_steps
from tuiclust.core.agglomerative_tree import LINKAGES, build_tree, hc_cut, leaf_layout, prim_order
from tuiclust.core.datasets import DATASETS, make_dataset
from tuiclust.core.steps import Phase, compact_labels

MAX_STEPS = 60
RTOL = 1e-9

# -- data ------------------------------------------------------------------------


def _standardize(X: np.ndarray) -> np.ndarray:
    return (X - X.mean(axis=0)) / X.std(axis=0)


@cache
def data(name: str) -> np.ndarray:
    """The named test set, read-only (cached across tests)."""
    rng = np.random.default_rng(7)
    if name in DATASETS:
        X = make_dataset(name, n_samples=min(200, _fixed_size(name)), random_state=3)[0]
    elif name == "iris":
        X = skdata.load_iris().data  # 150 x 4, with exact duplicate rows
    elif name == "wine":
        X = skdata.load_wine().data  # 178 x 13, columns on very different scales
    elif name == "wine_standard":
        X = _standardize(skdata.load_wine().data)
    elif name == "digits":
        X = skdata.load_digits().data[:300]  # 64 integer columns: many equal distances
    elif name == "shuffled_moons":
        X = make_dataset("moons", n_samples=200, random_state=3)[0][rng.permutation(200)]
    elif name == "shuffled_iris":
        X = skdata.load_iris().data[rng.permutation(150)]
    elif name == "duplicates":
        # Every point three times, rows interleaved: ties everywhere at distance 0.
        base = make_dataset("blobs", n_samples=60, random_state=5)[0]
        X = np.concatenate([base, base, base])[rng.permutation(180)]
    elif name == "all_equal":
        X = np.ones((25, 3))
    elif name == "integer_grid":
        # Points on a small integer grid: equal distances at every level.
        X = rng.integers(0, 6, size=(150, 2)).astype(float)
    elif name == "two_points":
        X = np.array([[0.0, 0.0], [3.0, 4.0]])
    else:
        raise KeyError(name)
    X = np.ascontiguousarray(X, dtype=np.float64)
    X.flags.writeable = False
    return X


def _fixed_size(name: str) -> int:
    return {"dbscan_rings": 105, "order_dependent_border": 9}.get(name, 10**9)


ORACLE_DATA = [
    *DATASETS,
    "iris",
    "wine",
    "wine_standard",
    "digits",
    "shuffled_moons",
    "shuffled_iris",
    "duplicates",
    "all_equal",
    "integer_grid",
    "two_points",
]

# Cut settings compared per data set and linkage: by n_clusters (with and
# without distances_), and by distance threshold at quantiles of the merge
# distances (0 undoes every merge; above the top leaves one cluster).
CUTS = ["k=1", "k=2", "k=3", "k=7+dist", "thr=0", "thr=q50", "thr=q90", "thr=top"]


@cache
def sklearn_tree(name: str, linkage: str) -> np.ndarray:
    return SkAgglomerative(n_clusters=1, linkage=linkage, compute_distances=True).fit(data(name)).distances_


def cut_params(name: str, linkage: str, cut: str) -> dict | None:
    n = data(name).shape[0]
    if cut.startswith("k="):
        k = int(cut[2:].split("+")[0])
        if k > n:
            return None
        return {"n_clusters": k, "compute_distances": cut.endswith("+dist")}
    d = sklearn_tree(name, linkage)
    threshold = {
        "thr=0": 0.0,
        "thr=q50": float(np.quantile(d, 0.5)),
        "thr=q90": float(np.quantile(d, 0.9)),
        "thr=top": float(d.max()) * 1.01 + 1.0,
    }[cut]
    return {"n_clusters": None, "distance_threshold": threshold}


def assert_same_as_sklearn(X: np.ndarray, params: dict) -> AgglomerativeClustering:
    ours = AgglomerativeClustering(**params).fit(X)
    theirs = SkAgglomerative(**params).fit(X)
    np.testing.assert_array_equal(ours.children_, theirs.children_)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    assert ours.n_clusters_ == theirs.n_clusters_
    assert ours.n_leaves_ == theirs.n_leaves_
    assert hasattr(ours, "distances_") == hasattr(theirs, "distances_")
    if hasattr(theirs, "distances_"):
        np.testing.assert_allclose(ours.distances_, theirs.distances_, rtol=RTOL, atol=0)
    return ours


# -- the oracle ------------------------------------------------------------------

# len(ORACLE_DATA) * len(LINKAGES) * len(CUTS) comparisons, minus the few
# cuts a tiny set cannot take (k=3 and k=7 on two points).


@pytest.mark.parametrize("cut", CUTS)
@pytest.mark.parametrize("linkage", LINKAGES)
@pytest.mark.parametrize("name", ORACLE_DATA)
def test_same_tree_and_labels_as_sklearn(name, linkage, cut):
    params = cut_params(name, linkage, cut)
    if params is None:
        pytest.skip("more clusters than points")
    assert_same_as_sklearn(data(name), {"linkage": linkage, **params})


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("linkage", LINKAGES)
def test_same_as_sklearn_on_random_small_data(linkage, seed):
    """Random sizes, dimensions and rounding (rounding makes ties), random k."""
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(2, 80)), int(rng.integers(1, 6))
    X = np.round(rng.normal(size=(n, d)) * 3, int(rng.integers(0, 3)))
    k = int(rng.integers(1, n + 1))
    assert_same_as_sklearn(X, {"linkage": linkage, "n_clusters": k, "compute_distances": True})


def test_prim_order_is_sklearns_mst_linkage_core():
    for name in ("duplicates", "wine", "wine_standard", "digits", "iris", "integer_grid", "moons"):
        X = data(name)
        mst = sk_hierarchical.mst_linkage_core(np.ascontiguousarray(X), DistanceMetric.get_metric("euclidean"))
        new_nodes, weights = prim_order(X)
        np.testing.assert_array_equal(new_nodes, mst[:, 1].astype(np.intp))
        np.testing.assert_array_equal(weights, mst[:, 2])  # bit for bit: ties must stay ties


def test_cut_numbering_is_sklearns_hc_cut():
    X = data("integer_grid")
    for linkage in LINKAGES:
        tree = build_tree(X, linkage)
        for k in (1, 2, 5, 40, X.shape[0]):
            expected = sk_agglomerative._hc_cut(k, tree.children, tree.n_leaves)
            np.testing.assert_array_equal(hc_cut(k, tree.children, tree.n_leaves), expected)


def test_leaf_layout_is_scipys_leaf_order():
    from scipy.cluster.hierarchy import leaves_list

    X = data("moons")
    tree = build_tree(X, "single")
    Z = np.column_stack([tree.children, tree.distances, tree.sizes]).astype(float)
    order, start = leaf_layout(tree.children, tree.n_leaves)
    np.testing.assert_array_equal(order, leaves_list(Z))
    # Every node's leaves are one run of the order.
    sizes = tree.node_sizes()
    root = 2 * tree.n_leaves - 2
    assert start[root] == 0 and sizes[root] == tree.n_leaves


# -- invariants -------------------------------------------------------------------


@pytest.mark.parametrize("linkage", LINKAGES)
@pytest.mark.parametrize("name", ["moons", "varied", "iris", "wine_standard", "duplicates", "integer_grid"])
def test_merge_distances_never_fall(name, linkage):
    d = AgglomerativeClustering(linkage=linkage, compute_distances=True).fit(data(name)).distances_
    assert np.all(np.diff(d) >= 0)


@pytest.mark.parametrize("linkage", LINKAGES)
def test_cut_gives_the_clusters_asked_for(linkage):
    X = data("varied")
    for k in (1, 2, 4, 9, 50):
        model = AgglomerativeClustering(k, linkage=linkage).fit(X)
        assert model.n_clusters_ == k
        assert np.array_equal(np.unique(model.labels_), np.arange(k))
    d = sklearn_tree("varied", linkage)
    for threshold in np.quantile(d, [0.2, 0.7, 0.99]):
        model = AgglomerativeClustering(None, linkage=linkage, distance_threshold=float(threshold)).fit(X)
        assert model.n_clusters_ == 1 + np.count_nonzero(d >= threshold)
        assert len(np.unique(model.labels_)) == model.n_clusters_


def _run(name: str, **params) -> tuple[AgglomerativeClustering, list]:
    model = AgglomerativeClustering(**params)
    return model, list(model.steps(data(name)))


@pytest.mark.parametrize(
    "name, params",
    [
        ("moons", {"n_clusters": 2, "linkage": "single"}),
        ("blobs", {"n_clusters": 3, "linkage": "ward"}),
        ("iris", {"n_clusters": 3, "linkage": "average"}),
        ("duplicates", {"n_clusters": 5, "linkage": "complete"}),
        ("varied", {"n_clusters": None, "distance_threshold": 1.0, "linkage": "average"}),
        ("integer_grid", {"n_clusters": 30, "linkage": "single"}),
        ("two_points", {"n_clusters": 2, "linkage": "ward"}),
        ("all_equal", {"n_clusters": 4, "linkage": "single"}),
    ],
)
def test_story_shape_and_numbers(name, params):
    model, steps = _run(name, **params)
    X = data(name)
    n = X.shape[0]
    assert 3 <= len(steps) <= MAX_STEPS
    phases = [s.phase for s in steps]
    assert phases[0] is Phase.START and phases[-2:] == [Phase.CUT, Phase.DONE]
    assert set(phases[1:-2]) == {Phase.MERGE}
    assert [s.iteration for s in steps] == list(range(len(steps)))
    assert all(s.algorithm == "agglomerative" for s in steps)
    left = [s.n_clusters_found for s in steps[:-2]]
    assert left[0] == n and left[-1] == 1 and all(a > b for a, b in zip(left, left[1:]))
    sizes_by_node = np.concatenate([np.ones(n, dtype=int), _sizes(model.children_, n)])
    for step in steps:
        labels = step.labels
        assert not labels.flags.writeable
        assert labels.shape == (n,)
        # Every step's label count equals the clusters remaining.
        k = step.n_clusters_found
        assert np.array_equal(np.unique(labels), np.arange(k))
        assert step.cluster_sizes == tuple(np.bincount(labels, minlength=k).tolist())
        assert labels.dtype == compact_labels(np.zeros(0), k).dtype  # the smallest dtype that holds them
    for before, step in zip(steps, steps[1:-2]):
        # Largest clusters get the smallest labels.
        assert list(step.cluster_sizes) == sorted(step.cluster_sizes, reverse=True)
        merges = before.n_clusters_found - step.n_clusters_found
        t = n - step.n_clusters_found
        if merges == 1:
            assert step.message.startswith("Joined clusters of")
        else:
            assert step.message.startswith(f"{merges:,} merges")
        assert f"{step.n_clusters_found:,} cluster" in step.message
        # The highlighted cluster is the node made by the step's last merge.
        (h,) = step.highlight_clusters
        members = np.flatnonzero(step.labels == h)
        assert members.shape[0] == sizes_by_node[n + t - 1]
        assert set(members.tolist()) == set(_leaves_under(model.children_, n, n + t - 1))
    cut, done = steps[-2:]
    assert cut.labels is done.labels
    np.testing.assert_array_equal(cut.labels, model.labels_)
    assert cut.n_clusters_found == model.n_clusters_ == len(cut.cluster_sizes)
    assert cut.highlight_clusters == ()


def test_last_merges_come_one_per_step():
    for k in (1, 2, 3, 6):
        _, steps = _run("moons", n_clusters=k, linkage="ward")
        left = [s.n_clusters_found for s in steps[1:-2]]
        ones = k - 1 + 4  # the final clusters joining, and a few before
        assert left[-ones:] == list(range(ones, 0, -1))


def test_a_big_run_stays_short():
    X = make_dataset("blobs", n_samples=3000, random_state=1)[0]
    steps = list(AgglomerativeClustering(3, linkage="single").steps(X))
    assert len(steps) <= MAX_STEPS
    assert steps[1].n_clusters_found < 3000


def test_steps_are_deterministic():
    for linkage in LINKAGES:
        _, a = _run("duplicates", n_clusters=3, linkage=linkage)
        _, b = _run("duplicates", n_clusters=3, linkage=linkage)
        assert [s.message for s in a] == [s.message for s in b]
        assert all(np.array_equal(x.labels, y.labels) for x, y in zip(a, b))
        assert [s.highlight_clusters for s in a] == [s.highlight_clusters for s in b]


def test_fit_equals_the_last_step_and_refit_drops_distances():
    X = data("moons")
    model = AgglomerativeClustering(2, linkage="average", compute_distances=True)
    last = list(model.steps(X))[-1]
    np.testing.assert_array_equal(last.labels, model.labels_)
    assert hasattr(model, "distances_")
    model.compute_distances = False
    model.fit(X)
    assert not hasattr(model, "distances_")
    assert model.n_features_in_ == 2


def test_plan_merge_steps():
    for n_merges in (1, 2, 5, 30, 59, 60, 100, 1000, 99_999):
        for n_final in (1, 2, 3, 10, 40, n_merges + 1):
            if n_final > n_merges + 1:
                continue
            ends = plan_merge_steps(n_merges, n_final)
            assert ends[-1] == n_merges
            assert all(a < b for a, b in zip(ends, ends[1:])) and ends[0] >= 1
            assert len(ends) <= MAX_MERGE_STEPS
            singles = min(n_merges, n_final + 3, 20)
            assert ends[-singles:] == list(range(n_merges - singles + 1, n_merges + 1))


def test_max_samples_per_linkage():
    assert set(MAX_SAMPLES) == set(LINKAGES)
    assert MAX_SAMPLES["single"] > MAX_SAMPLES["ward"] >= 5_000


# -- errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, word",
    [
        ({"n_clusters": 0}, "n_clusters"),
        ({"n_clusters": -2}, "n_clusters"),
        ({"n_clusters": 2.5}, "n_clusters"),
        ({"n_clusters": True}, "n_clusters"),
        ({"n_clusters": "3"}, "n_clusters"),
        ({"linkage": "centroid"}, "linkage"),
        ({"linkage": None}, "linkage"),
        ({"n_clusters": None, "distance_threshold": -1.0}, "distance_threshold"),
        ({"n_clusters": None, "distance_threshold": float("nan")}, "distance_threshold"),
        ({"n_clusters": None, "distance_threshold": "1"}, "distance_threshold"),
        ({"compute_distances": "yes"}, "compute_distances"),
        ({"distance_threshold": 1.0}, "exactly one"),  # n_clusters keeps its default 2, as in scikit-learn
        ({"n_clusters": None}, "exactly one"),
    ],
)
def test_bad_parameters(params, word):
    model = AgglomerativeClustering(**params)  # stores only, as scikit-learn's constructor does
    for call in (lambda: model.fit(data("two_points")), lambda: model.steps(data("two_points"))):
        with pytest.raises(ValueError, match=word):
            call()
    if word != "exactly one":  # a relation needs both parameters; check_params checks what it is given
        with pytest.raises(ValueError, match=word):
            AgglomerativeClustering.check_params(params)
    if params.get("n_clusters") is True:
        return  # scikit-learn takes True as 1; like every tuiclust estimator we refuse a bool for a count
    with pytest.raises(ValueError):  # scikit-learn refuses the same
        SkAgglomerative(**params).fit(data("two_points"))


def test_bad_data_raises_when_steps_is_called():
    model = AgglomerativeClustering(3)
    with pytest.raises(ValueError, match="larger than the number of samples"):
        model.steps(data("two_points"))
    with pytest.raises(ValueError, match="at least 2 samples"):
        AgglomerativeClustering(1).steps([[1.0, 2.0]])
    with pytest.raises(ValueError, match="NaN"):
        AgglomerativeClustering(1).steps([[1.0, np.nan], [0.0, 0.0]])
    with pytest.raises(ValueError):
        SkAgglomerative(1).fit([[1.0, 2.0]])


def test_export_and_isolation():
    from tuiclust import core

    assert core.AgglomerativeClustering is AgglomerativeClustering
    assert "AgglomerativeClustering" in core.__all__
    assert Phase.START.label == "Start" and Phase.MERGE.label == "Merge" and Phase.CUT.label == "Cut"


# -- helpers ----------------------------------------------------------------------


def _sizes(children: np.ndarray, n: int) -> np.ndarray:
    size = [1] * n + [0] * (n - 1)
    for i, (a, b) in enumerate(children.tolist()):
        size[n + i] = size[a] + size[b]
    return np.array(size[n:])


def _leaves_under(children: np.ndarray, n: int, node: int) -> list[int]:
    out, stack = [], [node]
    while stack:
        x = stack.pop()
        if x < n:
            out.append(x)
        else:
            stack.extend(children[x - n].tolist())
    return out
