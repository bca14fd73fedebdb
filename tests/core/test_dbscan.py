"""DBSCAN: scikit-learn's exact answer, the invariants of the definition, and the story of steps."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components
from sklearn import datasets as skdata
from sklearn.cluster import DBSCAN as SkDBSCAN

from tuiclust.core import dbscan_graph
from tuiclust.core.dbscan import DBSCAN, MAX_EXPAND_STEPS, plan_chunks
from tuiclust.core.dbscan_graph import cluster, point_core_graph
from tuiclust.core.dbscan_grid import grid_core_graph, make_grid
from tuiclust.core.steps import Phase, PointKind

MAX_STEPS = 60

# -- helpers ---------------------------------------------------------------------


def standardize(X: np.ndarray) -> np.ndarray:
    return (X - X.mean(axis=0)) / X.std(axis=0)


def squared_distances(X: np.ndarray) -> np.ndarray:
    """All pairwise squared distances, summed axis by axis as a KD-tree sums them (exact ties stay exact)."""
    total = np.zeros((X.shape[0], X.shape[0]))
    for axis in range(X.shape[1]):
        diff = X[:, None, axis] - X[None, :, axis]
        total += diff * diff
    return total


def reference_dbscan(X: np.ndarray, eps: float, min_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Textbook DBSCAN on brute-force neighbourhoods: visit points in index order, grow depth-first.

    Returns (labels, is_core). This is scikit-learn's visiting order, written
    out plainly; it is the oracle for small random data.
    """
    near = squared_distances(X) <= eps * eps
    is_core = near.sum(axis=1) >= min_samples
    labels = np.full(X.shape[0], -1)
    next_label = 0
    for start in range(X.shape[0]):
        if labels[start] != -1 or not is_core[start]:
            continue
        stack = [start]
        while stack:
            i = stack.pop()
            if labels[i] != -1:
                continue
            labels[i] = next_label
            if is_core[i]:
                stack.extend(int(j) for j in np.flatnonzero(near[i]) if labels[j] == -1)
        next_label += 1
    return labels, is_core


def every_path(X: np.ndarray, eps: float, min_samples: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(labels, core indices) from DBSCAN.fit, from the point graph, and from the grid graph when it applies."""
    model = DBSCAN(eps, min_samples=min_samples).fit(X)
    out = {"fit": (model.labels_, model.core_sample_indices_)}
    points = cluster(X, eps, point_core_graph(X, eps, min_samples))
    out["points"] = (points.labels, points.core_index)
    grid = make_grid(X, eps)
    if grid is not None:
        cells = cluster(X, eps, grid_core_graph(X, eps, min_samples, grid))
        out["grid"] = (cells.labels, cells.core_index)
    return out


def assert_matches_sklearn(X: np.ndarray, eps: float, min_samples: int) -> SkDBSCAN:
    expected = SkDBSCAN(eps=eps, min_samples=min_samples).fit(X)
    for path, (labels, core) in every_path(X, eps, min_samples).items():
        np.testing.assert_array_equal(labels, expected.labels_, err_msg=f"labels differ ({path})")
        np.testing.assert_array_equal(core, expected.core_sample_indices_, err_msg=f"core points differ ({path})")
    return expected


ORDER_DEPENDENT = np.array(
    [(0.0, 0.0), (-1.8, 0.0), (-2.3, 0.0), (-2.3, 0.5), (-2.3, -0.5), (1.8, 0.0), (2.3, 0.0), (2.3, 0.5), (2.3, -0.5)]
)


def gallery(name: str, n: int = 500) -> tuple[np.ndarray, float]:
    """The comparison gallery's shapes, standardised, with its eps (min_samples 7)."""
    if name == "blobs":
        X, eps = skdata.make_blobs(n, random_state=8)[0], 0.3
    elif name == "moons":
        X, eps = skdata.make_moons(n, noise=0.05, random_state=30)[0], 0.3
    elif name == "circles":
        X, eps = skdata.make_circles(n, factor=0.5, noise=0.05, random_state=30)[0], 0.3
    elif name == "aniso":
        X = skdata.make_blobs(n, random_state=170)[0] @ np.array([[0.6, -0.6], [-0.4, 0.8]])
        eps = 0.15
    elif name == "varied":
        X, eps = skdata.make_blobs(n, cluster_std=[1.0, 2.5, 0.5], random_state=170)[0], 0.18
    elif name == "uniform":
        X, eps = np.random.default_rng(0).uniform(size=(n, 2)), 0.3
    else:
        raise KeyError(name)
    return standardize(X), eps


GALLERY = ["blobs", "moons", "circles", "aniso", "varied", "uniform"]


# -- equal to scikit-learn -----------------------------------------------------------


@pytest.mark.parametrize("name", GALLERY)
def test_gallery_data_match_sklearn(name: str) -> None:
    X, eps = gallery(name)
    expected = assert_matches_sklearn(X, eps, 7)
    assert expected.labels_.max() >= 0 or name == "uniform"


@pytest.mark.parametrize("name", GALLERY)
def test_gallery_data_with_shuffled_rows_match_sklearn(name: str) -> None:
    X, eps = gallery(name)
    X = X[np.random.default_rng(1).permutation(X.shape[0])]
    assert_matches_sklearn(X, eps, 7)


@pytest.mark.parametrize(
    ("name", "eps", "min_samples"),
    [("blobs", 0.05, 5), ("moons", 0.04, 4), ("varied", 0.06, 10), ("uniform", 0.03, 3), ("circles", 0.5, 50)],
)
def test_larger_data_with_many_or_few_clusters_match_sklearn(name: str, eps: float, min_samples: int) -> None:
    X, _ = gallery(name, n=3000)
    expected = assert_matches_sklearn(X, eps, min_samples)
    assert np.any(expected.labels_ >= 0)


def test_order_dependent_border_point_goes_to_the_first_cluster() -> None:
    expected = assert_matches_sklearn(ORDER_DEPENDENT, 2.0, 4)
    model = DBSCAN(2.0, min_samples=4).fit(ORDER_DEPENDENT)
    # The origin reaches a core point of both clusters but is not core itself.
    assert 0 not in model.core_sample_indices_
    assert set(model.core_sample_indices_) == set(range(1, 9))
    assert model.labels_[0] == 0 == expected.labels_[0]
    np.testing.assert_array_equal(model.labels_, [0, 0, 0, 0, 0, 1, 1, 1, 1])


@pytest.mark.parametrize("seed", range(12))
def test_order_dependent_border_point_with_shuffled_rows(seed: int) -> None:
    order = np.random.default_rng(seed).permutation(ORDER_DEPENDENT.shape[0])
    X = ORDER_DEPENDENT[order]
    assert_matches_sklearn(X, 2.0, 4)
    labels = DBSCAN(2.0, min_samples=4).fit(X).labels_
    origin = int(np.flatnonzero(order == 0)[0])
    right_side = X[:, 0] > 0
    # The cluster holding the smallest core index is cluster 0, and the origin joins it.
    first_core = int(np.flatnonzero(order != 0)[0])
    assert labels[origin] == 0
    assert labels[first_core] == 0
    assert set(labels[right_side]) != set(labels[~right_side & (X[:, 0] != 0)])


@pytest.mark.parametrize(("n_features", "eps"), [(3, 0.5), (5, 1.2), (8, 2.0), (20, 4.5)])
def test_more_than_two_columns_match_sklearn(n_features: int, eps: float) -> None:
    X = standardize(skdata.make_blobs(600, n_features=n_features, centers=4, random_state=3)[0])
    X[:20] = np.random.default_rng(2).uniform(-3, 3, size=(20, n_features))  # a little noise
    expected = assert_matches_sklearn(X, eps, 6)
    assert expected.labels_.max() >= 1


@pytest.mark.parametrize(("spacing", "eps"), [(1.0, 1.0), (1.0, np.sqrt(2.0)), (0.25, 0.25), (1.0, 2.0)])
@pytest.mark.parametrize("min_samples", [3, 4, 5, 6])
def test_lattice_with_exact_eps_distances_matches_sklearn(spacing: float, eps: float, min_samples: int) -> None:
    # Neighbours at distance exactly eps count: with eps = spacing, a full
    # lattice point has 5 neighbours (itself and 4 at exactly eps).
    rng = np.random.default_rng(5)
    xs, ys = np.meshgrid(np.arange(25), np.arange(25))
    X = np.column_stack([xs.ravel(), ys.ravel()]).astype(float) * spacing
    X = X[rng.random(X.shape[0]) < 0.7]
    assert_matches_sklearn(X, eps, min_samples)


def test_full_lattice_points_at_exactly_eps_are_neighbours() -> None:
    xs, ys = np.meshgrid(np.arange(6), np.arange(6))
    X = np.column_stack([xs.ravel(), ys.ravel()]).astype(float)
    model = DBSCAN(1.0, min_samples=5).fit(X)
    interior = (X[:, 0] % 5 != 0) & (X[:, 1] % 5 != 0)
    np.testing.assert_array_equal(np.isin(np.arange(36), model.core_sample_indices_), interior)
    assert np.all(model.labels_[interior] == 0)
    corners = (X[:, 0] % 5 == 0) & (X[:, 1] % 5 == 0)
    assert np.all(model.labels_[corners] == -1)  # 3 neighbours, none of them core
    assert_matches_sklearn(X, 1.0, 5)


def test_three_dimensional_lattice_matches_sklearn() -> None:
    axes = np.meshgrid(np.arange(8), np.arange(8), np.arange(8))
    X = np.column_stack([a.ravel() for a in axes]).astype(float)
    X = X[np.random.default_rng(7).random(X.shape[0]) < 0.6]
    for min_samples in (3, 5, 7):
        assert_matches_sklearn(X, 1.0, min_samples)


@pytest.mark.parametrize("min_samples", [2, 5, 12])
def test_heavy_duplicates_match_sklearn(min_samples: int) -> None:
    X = np.random.default_rng(4).integers(0, 8, size=(500, 2)).astype(float) * 0.5
    assert_matches_sklearn(X, 0.5, min_samples)
    assert_matches_sklearn(X, 0.3, min_samples)


def test_sliced_edges_for_huge_neighbourhoods_match_sklearn(monkeypatch: pytest.MonkeyPatch) -> None:
    # Force the bounded-memory path of the point graph, in many slices.
    monkeypatch.setattr(dbscan_graph, "_MAX_PAIRS_AT_ONCE", 64)
    monkeypatch.setattr(dbscan_graph, "_SLICE_PAIRS", 2_000)
    X = standardize(skdata.make_blobs(400, n_features=5, centers=3, random_state=1)[0])
    assert_matches_sklearn(X, 1.0, 5)
    assert_matches_sklearn(X, 10.0, 5)


def test_data_too_spread_for_a_grid_still_matches_sklearn() -> None:
    rng = np.random.default_rng(8)
    X = np.concatenate([rng.normal(0.0, 0.01, size=(100, 2)), rng.normal(1e7, 0.01, size=(100, 2))])
    assert make_grid(X, 0.02) is None
    assert_matches_sklearn(X, 0.02, 5)


def _assert_one_answer(X: np.ndarray, eps: float, min_samples: int, expected_labels: list[int]) -> None:
    labels, _ = reference_dbscan(X, eps, min_samples)
    np.testing.assert_array_equal(labels, expected_labels)
    for path, (got, _) in every_path(X, eps, min_samples).items():
        np.testing.assert_array_equal(got, expected_labels, err_msg=path)


def test_grid_cells_are_small_enough_that_cellmates_are_neighbours() -> None:
    # Two points on a cell's diagonal, a hair further apart than eps: they
    # must not count each other, however the grid is cut.
    eps = 1.0
    gap = eps / np.sqrt(2.0) * (1 + 5e-4)
    X = np.array([[0.0, 0.0], [gap, gap]])
    _assert_one_answer(X, eps, 2, [-1, -1])
    _assert_one_answer(X + 0.3, eps, 2, [-1, -1])


def test_grid_links_cells_two_apart_on_the_diagonal() -> None:
    # p sits in the far corner of the anchor's cell, q just inside the cell
    # two steps away diagonally: p and q are still within eps.
    eps = 2.0 * np.sqrt(2.0)
    side = eps / np.sqrt(2.0) * (1 - 1e-9)
    p = side * (1 - 2e-10) * np.ones(2)
    q = p + eps / np.sqrt(2.0) * (1 - 1e-12) * np.ones(2)
    X = np.array([[0.0, 0.0], p, q])
    grid = make_grid(X, eps)
    assert grid is not None
    assert np.array_equal(grid.coords[2] - grid.coords[0], [2, 2])
    _assert_one_answer(X, eps, 1, [0, 0, 0])


def test_grid_finds_a_link_at_exactly_eps_behind_the_facing_points() -> None:
    # Cells A = {a1, a2} and B = {b}: a1 faces B but is too far; a2 is at
    # exactly eps from b, so the cells are linked and all three share a cluster.
    X = np.array([[0.0, 0.0], [0.1, 0.7], [1.0, 0.0]])  # a2, a1, b
    grid = make_grid(X, 1.0)
    assert grid is not None and grid.cell_of_point[0] == grid.cell_of_point[1] != grid.cell_of_point[2]
    _assert_one_answer(X, 1.0, 1, [0, 0, 0])
    _assert_one_answer(X, np.nextafter(1.0, 0.0), 1, [0, 0, 1])


# -- the definition, checked by brute force on small random data --------------------


@st.composite
def small_problems(draw: st.DrawFn) -> tuple[np.ndarray, float, int]:
    n = draw(st.integers(1, 40))
    d = draw(st.integers(1, 4))
    # Half-integer coordinates give duplicates and distances exactly eps.
    cells = draw(st.lists(st.integers(-6, 6), min_size=n * d, max_size=n * d))
    X = np.array(cells, dtype=float).reshape(n, d) * 0.5
    if draw(st.booleans()):
        X = X + np.array(draw(st.lists(st.floats(-0.2, 0.2), min_size=n * d, max_size=n * d))).reshape(n, d)
    eps = draw(st.sampled_from([0.5, 1.0, 1.5, np.sqrt(2.0) / 2, 2.0]) | st.floats(0.05, 5.0))
    min_samples = draw(st.integers(1, 8))
    return X, float(eps), min_samples


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_matches_textbook_dbscan_on_small_random_data(problem: tuple[np.ndarray, float, int]) -> None:
    X, eps, min_samples = problem
    labels, is_core = reference_dbscan(X, eps, min_samples)
    for path, (got_labels, got_core) in every_path(X, eps, min_samples).items():
        np.testing.assert_array_equal(got_labels, labels, err_msg=path)
        np.testing.assert_array_equal(got_core, np.flatnonzero(is_core), err_msg=path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_core_border_and_noise_obey_the_definition(problem: tuple[np.ndarray, float, int]) -> None:
    X, eps, min_samples = problem
    model = DBSCAN(eps, min_samples=min_samples).fit(X)
    labels, n = model.labels_, X.shape[0]
    near = squared_distances(X) <= eps * eps
    core = np.zeros(n, dtype=bool)
    core[model.core_sample_indices_] = True
    n_clusters = labels.max() + 1
    assert np.all((labels >= -1) & (labels < max(n_clusters, 1)))
    assert set(labels[labels >= 0]) == set(range(n_clusters))
    np.testing.assert_array_equal(core, near.sum(axis=1) >= min_samples)
    assert np.all(labels[core] >= 0)
    for i in np.flatnonzero(~core):
        core_neighbours = np.flatnonzero(near[i] & core)
        if labels[i] >= 0:  # border: near a core point of its own cluster, the smallest such cluster
            assert labels[i] == labels[core_neighbours].min()
        else:  # noise: near no core point
            assert core_neighbours.size == 0
    # Core points within eps of each other share a cluster.
    a, b = np.nonzero(near & core[:, None] & core[None, :])
    np.testing.assert_array_equal(labels[a], labels[b])


# -- degenerate data --------------------------------------------------------------------


def test_single_point() -> None:
    X = np.array([[1.0, 2.0]])
    np.testing.assert_array_equal(DBSCAN(0.1, min_samples=1).fit(X).labels_, [0])
    np.testing.assert_array_equal(DBSCAN(0.1, min_samples=2).fit(X).labels_, [-1])
    assert [s.phase for s in DBSCAN(0.1, min_samples=2).steps(X)] == [
        Phase.NEIGHBOURHOODS,
        Phase.BORDER,
        Phase.NOISE,
        Phase.DONE,
    ]


@pytest.mark.parametrize("min_samples", [1, 50, 51])
def test_all_points_identical(min_samples: int) -> None:
    X = np.full((50, 2), 3.0)
    model = DBSCAN(0.5, min_samples=min_samples).fit(X)
    expected = 0 if min_samples <= 50 else -1
    assert np.all(model.labels_ == expected)
    assert_matches_sklearn(X, 0.5, min_samples)


def test_min_samples_one_makes_every_point_core() -> None:
    X, _ = gallery("moons", 300)
    model = DBSCAN(0.1, min_samples=1).fit(X)
    np.testing.assert_array_equal(model.core_sample_indices_, np.arange(300))
    assert np.all(model.labels_ >= 0)
    assert_matches_sklearn(X, 0.1, 1)


def test_huge_eps_gives_one_cluster() -> None:
    X, _ = gallery("circles", 400)
    model = DBSCAN(1e6, min_samples=5).fit(X)
    assert np.all(model.labels_ == 0)
    assert_matches_sklearn(X, 1e6, 5)


def test_tiny_eps_makes_everything_noise_and_says_so() -> None:
    X, _ = gallery("blobs", 300)
    steps = list(DBSCAN(1e-9, min_samples=2).steps(X))
    assert [s.phase for s in steps] == [Phase.NEIGHBOURHOODS, Phase.BORDER, Phase.NOISE, Phase.DONE]
    assert "no core points: everything is noise" in steps[0].message
    assert np.all(steps[-1].labels == -1)
    assert steps[-1].kind_counts == (0, 0, 0, 300)
    assert steps[-1].message == "0 clusters, 300 noise points"
    assert_matches_sklearn(X, 1e-9, 2)


# -- the story ---------------------------------------------------------------------------


def check_story(X: np.ndarray, eps: float, min_samples: int) -> list:
    """Run steps() and check every rule a view relies on; return the steps."""
    model = DBSCAN(eps, min_samples=min_samples)
    steps = list(model.steps(X))
    fitted = DBSCAN(eps, min_samples=min_samples).fit(X)
    n = X.shape[0]
    phases = [s.phase for s in steps]
    n_expand = phases.count(Phase.EXPAND)
    assert phases == [Phase.NEIGHBOURHOODS] + [Phase.EXPAND] * n_expand + [Phase.BORDER, Phase.NOISE, Phase.DONE]
    assert len(steps) <= MAX_STEPS
    assert [s.iteration for s in steps] == list(range(len(steps)))
    assert (n_expand > 0) == (fitted.core_sample_indices_.size > 0)

    final = steps[-1]
    np.testing.assert_array_equal(final.labels, fitted.labels_)
    np.testing.assert_array_equal(model.labels_, fitted.labels_)
    np.testing.assert_array_equal(model.core_sample_indices_, fitted.core_sample_indices_)
    assert final.is_final and final.n_clusters_found == fitted.labels_.max() + 1
    core = np.zeros(n, dtype=bool)
    core[fitted.core_sample_indices_] = True

    previous = np.full(n, -1)
    for step in steps:
        kinds, labels = step.point_kinds, step.labels
        assert step.algorithm == "dbscan"
        assert kinds.dtype == np.int8 and kinds.shape == (n,) and labels.shape == (n,)
        assert not kinds.flags.writeable and not labels.flags.writeable
        assert np.issubdtype(labels.dtype, np.signedinteger)
        assert step.kind_counts == tuple(np.bincount(kinds, minlength=4).tolist())
        np.testing.assert_array_equal(kinds == PointKind.CORE, core)
        # Kinds and labels agree: clustered kinds carry a label once revealed,
        # the others never do.
        assert np.all(labels[(kinds == PointKind.UNVISITED) | (kinds == PointKind.NOISE)] == -1)
        assert np.all(labels[kinds == PointKind.BORDER] >= 0)
        assert np.all((labels >= -1) & (labels < max(step.n_clusters_found, 1)))
        assert step.cluster_sizes == tuple(np.bincount(labels[labels >= 0], minlength=step.n_clusters_found).tolist())
        # What was revealed stays revealed, with its final label.
        assert np.all(labels[previous >= 0] == previous[previous >= 0])
        revealed = labels >= 0
        np.testing.assert_array_equal(labels[revealed], fitted.labels_[revealed])
        if step.phase == Phase.EXPAND:
            assert step.points_added == int(np.count_nonzero(revealed & (previous < 0))) > 0
            assert np.all(core[revealed])
            assert step.message.startswith("Expand cluster")
            assert step.active_cluster == step.n_clusters_found - 1
        previous = np.asarray(labels, dtype=np.int64)

    expands = [s for s in steps if s.phase == Phase.EXPAND]
    assert sum(s.points_added for s in expands) == core.sum()
    # Memory: arrays that do not change are shared, not copied.
    assert all(s.point_kinds is steps[0].point_kinds for s in expands)
    assert steps[-1].labels is steps[-2].labels is steps[-3].labels
    assert steps[-1].point_kinds is steps[-2].point_kinds
    return steps


@pytest.mark.parametrize("name", GALLERY)
def test_story_of_gallery_data(name: str) -> None:
    X, eps = gallery(name)
    check_story(X, eps, 7)


def test_a_handful_of_clusters_each_grow_over_several_steps() -> None:
    X, eps = gallery("blobs")
    steps = check_story(X, eps, 7)
    grown = np.bincount([s.active_cluster for s in steps if s.phase == Phase.EXPAND])
    assert len(grown) == 3
    assert np.all((grown >= 3) & (grown <= 8))
    assert steps[0].message == f"{steps[0].kind_counts[1]} core points (≥ 7 neighbours within ε = 0.3)"
    assert steps[1].message.startswith("Expand cluster 0 · +")
    noise = steps[-1].kind_counts[3]
    assert steps[-1].message == f"3 clusters, {noise} noise points"


def test_each_cluster_grows_outward_from_its_seed() -> None:
    # The first chunk of a cluster holds its seed (its smallest core index),
    # and after every step the revealed part of the active cluster is one
    # connected piece: points within eps of each other, or within 2 eps when
    # a grid cell (whose points are all mutual neighbours) is half revealed.
    for name in ("moons", "varied"):
        X, eps = gallery(name, 800)
        steps = check_story(X, eps, 7)
        final = steps[-1].labels
        core = np.zeros(X.shape[0], dtype=bool)
        core[DBSCAN(eps, min_samples=7).fit(X).core_sample_indices_] = True
        near = squared_distances(X) <= (2 * eps) ** 2
        started: set[int] = set()
        for step in steps:
            if step.phase != Phase.EXPAND:
                continue
            cluster_id = step.active_cluster
            revealed = np.flatnonzero(step.labels == cluster_id)
            if cluster_id not in started:
                started.add(cluster_id)
                assert revealed.min() == np.flatnonzero(core & (final == cluster_id)).min()
            pieces, _ = connected_components(near[np.ix_(revealed, revealed)], directed=False)
            assert pieces == 1


def test_many_tiny_clusters_stay_within_the_step_budget() -> None:
    # 1,500 well separated triples: 1,500 clusters, grouped into at most MAX_EXPAND_STEPS steps.
    rng = np.random.default_rng(3)
    centres = np.column_stack([np.arange(1500) % 50, np.arange(1500) // 50]) * 10.0
    X = (centres[:, None, :] + rng.uniform(-0.3, 0.3, size=(1500, 3, 2))).reshape(-1, 2)
    steps = check_story(X, 1.0, 3)
    expands = [s for s in steps if s.phase == Phase.EXPAND]
    assert 1 < len(expands) <= MAX_EXPAND_STEPS
    assert steps[-1].n_clusters_found == 1500
    assert steps[-1].labels.dtype == np.int16
    assert expands[1].message.startswith("Expand clusters ")
    assert_matches_sklearn(X, 1.0, 3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3000), st.floats(0.01, 1.0), st.integers(1, 10), st.integers(0, 2**32 - 1))
def test_story_rules_hold_on_random_data_of_any_size(n: int, eps: float, min_samples: int, seed: int) -> None:
    X = np.random.default_rng(seed).normal(size=(n, 2))
    check_story(X, eps, min_samples)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_story_rules_hold_on_small_tricky_data(problem: tuple[np.ndarray, float, int]) -> None:
    check_story(*problem)


def test_story_is_deterministic() -> None:
    X, eps = gallery("aniso")
    first = list(DBSCAN(eps, min_samples=7).steps(X))
    second = list(DBSCAN(eps, min_samples=7).steps(X))
    assert [s.message for s in first] == [s.message for s in second]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a.labels, b.labels)
        np.testing.assert_array_equal(a.point_kinds, b.point_kinds)


def test_labels_use_the_smallest_dtype() -> None:
    X, eps = gallery("blobs")
    steps = list(DBSCAN(eps, min_samples=7).steps(X))
    assert all(s.labels.dtype == np.int8 for s in steps)


@pytest.mark.parametrize(
    ("sizes", "budget"),
    [
        ([100, 100, 100], 52),
        ([5], 52),
        ([1, 1, 1], 52),
        ([1000, 3, 3, 3], 10),
        ([2] * 500, 52),
        ([1] * 52, 52),
        ([7] * 53, 52),
        ([10_000] + [1] * 200, 52),
    ],
)
def test_plan_chunks_covers_everything_within_budget(sizes: list[int], budget: int) -> None:
    ranges = plan_chunks(np.array(sizes), budget)
    assert 1 <= len(ranges) <= budget
    assert ranges[0][0] == 0 and ranges[-1][1] == sum(sizes)
    assert all(a < b for a, b in ranges)
    assert all(b == c for (_, b), (c, _) in zip(ranges[:-1], ranges[1:]))
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    for a, b in ranges:
        cluster_of_a = np.searchsorted(bounds, a, side="right") - 1
        inside_one = b <= bounds[cluster_of_a + 1]
        whole_clusters = a in bounds and b in bounds
        assert inside_one or whole_clusters
    if len(sizes) <= budget:
        # Every cluster has chunks of its own.
        assert all(b <= bounds[np.searchsorted(bounds, a, side="right")] for a, b in ranges)


def test_plan_chunks_gives_big_clusters_several_chunks() -> None:
    ranges = plan_chunks(np.array([300, 200, 150]))
    assert len(ranges) == 24  # 8 each, the cap
    assert len(plan_chunks(np.array([6]))) == 2  # at least 4 points a chunk
    # A giant cluster among hundreds of tiny ones still grows over several steps.
    ranges = plan_chunks(np.array([1] * 100 + [10_000] + [1] * 300))
    assert sum(1 for a, b in ranges if 100 <= a and b <= 10_100) == 8
    assert len(ranges) <= 8 + 3


# -- interface and errors --------------------------------------------------------------------


def test_fit_attributes_and_fit_predict() -> None:
    X, eps = gallery("moons", 300)
    model = DBSCAN(eps, min_samples=7)
    assert model.fit(X) is model
    expected = SkDBSCAN(eps=eps, min_samples=7).fit(X)
    np.testing.assert_array_equal(model.components_, expected.components_)
    assert model.labels_.dtype == np.intp and model.core_sample_indices_.dtype == np.intp
    assert model.n_features_in_ == 2
    np.testing.assert_array_equal(DBSCAN(eps, min_samples=7).fit_predict(X), expected.labels_)
    assert repr(DBSCAN(0.25, min_samples=3)) == "DBSCAN(eps=0.25, min_samples=3)"
    assert DBSCAN().eps == 0.5 and DBSCAN().min_samples == 5


def test_no_core_points_components_shape() -> None:
    model = DBSCAN(1e-6, min_samples=3).fit(np.arange(10.0).reshape(5, 2))
    assert model.components_.shape == (0, 2)
    assert model.core_sample_indices_.shape == (0,)


@pytest.mark.parametrize("eps", [0, -1.0, float("nan"), float("inf"), "0.5", None, True])
def test_bad_eps_is_named(eps: object) -> None:
    with pytest.raises(ValueError, match="eps"):
        # Checked when the run starts (or at construction while that is kept).
        DBSCAN(eps).fit(np.zeros((3, 2)))  # type: ignore[arg-type]


@pytest.mark.parametrize("min_samples", [0, -3, 2.5, "5", None, True])
def test_bad_min_samples_is_named(min_samples: object) -> None:
    with pytest.raises(ValueError, match="min_samples"):
        DBSCAN(0.5, min_samples=min_samples).fit(np.zeros((3, 2)))  # type: ignore[arg-type]


def test_eps_must_be_given_by_keyword_after_eps() -> None:
    with pytest.raises(TypeError):
        DBSCAN(0.5, 5)  # type: ignore[misc]


@pytest.mark.parametrize(
    "X",
    [
        np.array([[0.0, np.nan], [1.0, 1.0]]),
        np.array([[0.0, np.inf]]),
        np.zeros((0, 2)),
        np.zeros(5),
        np.zeros((2, 2, 2)),
        [["a", "b"]],
    ],
)
def test_bad_data_is_named_and_raised_at_once(X: object) -> None:
    with pytest.raises(ValueError, match="X"):
        DBSCAN().fit(X)
    with pytest.raises(ValueError, match="X"):
        DBSCAN().steps(X)  # no next(): steps() checks eagerly
