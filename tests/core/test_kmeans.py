"""KMeans: the same results as scikit-learn, the step contract, invariants, errors, memory."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans as SKKMeans
from sklearn.datasets import make_blobs, make_circles, make_moons
from threadpoolctl import threadpool_limits

from tuiclust.core import Phase
from tuiclust.core._lloyd import LloydPass
from tuiclust.core.kmeans import KMeans


# ---------------------------------------------------------------- data sets
def _aniso(seed: int) -> np.ndarray:
    X, _ = make_blobs(n_samples=600, centers=3, random_state=seed)
    return X @ np.array([[0.6, -0.64], [-0.41, 0.85]])


def _varied(seed: int) -> np.ndarray:
    X, _ = make_blobs(n_samples=600, cluster_std=[1.0, 2.5, 0.5], random_state=seed)
    return X


def _uniform(seed: int) -> np.ndarray:
    return np.random.RandomState(seed).uniform(-10, 10, size=(800, 2))


def _grid(seed: int) -> np.ndarray:
    # Integer lattice with duplicates: exact ties between centres happen here.
    rng = np.random.RandomState(seed)
    return rng.randint(0, 6, size=(300, 2)).astype(float)


DATASETS = {
    "blobs": lambda s: make_blobs(n_samples=700, centers=4, random_state=s)[0],
    "moons": lambda s: make_moons(n_samples=500, noise=0.08, random_state=s)[0],
    "circles": lambda s: make_circles(n_samples=500, factor=0.5, noise=0.05, random_state=s)[0],
    "aniso": _aniso,
    "varied": _varied,
    "uniform": _uniform,
    "grid": _grid,
    "blobs_5d": lambda s: make_blobs(n_samples=600, n_features=5, centers=5, random_state=s)[0],
    "blobs_20d": lambda s: make_blobs(n_samples=400, n_features=20, centers=6, random_state=s)[0],
    "shifted_far": lambda s: make_blobs(n_samples=500, centers=3, random_state=s)[0] + 1e4,
}


def _sklearn_fit(X: np.ndarray, init: np.ndarray, **kw) -> SKKMeans:
    # One OpenMP thread: on a busy 2-vCPU machine scikit-learn's spinning
    # OpenMP threads make a tiny fit take ~0.6 s instead of ~2 ms. The thread
    # count only changes the order of its floating-point sums.
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")  # fewer distinct clusters than k, on purpose
        return SKKMeans(n_clusters=len(init), init=init, n_init=1, algorithm="lloyd", **kw).fit(X)


def _assert_same_as_sklearn(ours: KMeans, theirs: SKKMeans) -> None:
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=0, atol=1e-8)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-9, abs=1e-12)
    assert ours.n_iter_ == theirs.n_iter_


# ------------------------------------------------------ against scikit-learn
@pytest.mark.parametrize("tol", [0.0, 1e-4])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_same_results_as_sklearn_with_the_same_init(name: str, seed: int, tol: float) -> None:
    X = DATASETS[name](seed)
    rng = np.random.RandomState(100 + seed)
    k = [3, 5, 8][seed]
    init = X[rng.choice(len(X), k, replace=False)] + rng.normal(scale=0.1, size=(k, X.shape[1]))
    ours = KMeans(k, init=init, tol=tol).fit(X)
    _assert_same_as_sklearn(ours, _sklearn_fit(X, init, tol=tol))


@pytest.mark.parametrize("max_iter", [1, 2, 5])
def test_same_results_as_sklearn_when_stopped_by_max_iter(max_iter: int) -> None:
    X = _uniform(3)
    init = X[:8].copy()
    ours = KMeans(8, init=init, max_iter=max_iter, tol=0.0).fit(X)
    _assert_same_as_sklearn(ours, _sklearn_fit(X, init, max_iter=max_iter, tol=0.0))
    assert not ours.converged_


def test_same_results_as_sklearn_over_several_chunks() -> None:
    # 60,000 rows: several chunks, so the per-chunk sums (patched from the
    # points that moved) are exercised across iterations.
    X = np.random.RandomState(7).uniform(-10, 10, size=(60_000, 2))
    init = X[:8].copy()
    ours = KMeans(8, init=init, tol=0.0, max_iter=40).fit(X)
    _assert_same_as_sklearn(ours, _sklearn_fit(X, init, tol=0.0, max_iter=40))


def test_many_clusters_use_int16_labels_and_match_sklearn() -> None:
    X = np.random.RandomState(0).normal(size=(3000, 3))
    init = X[:300].copy()
    steps = list(KMeans(300, init=init, max_iter=4).steps(X))
    assert steps[1].labels.dtype == np.int16
    _assert_same_as_sklearn(KMeans(300, init=init, max_iter=4).fit(X), _sklearn_fit(X, init, max_iter=4))


def test_empty_cluster_is_relocated_as_sklearn_does() -> None:
    X, _ = make_blobs(n_samples=300, centers=3, random_state=1)
    init = np.vstack([X[:2], [[500.0, 500.0]], X[5:6] + 0.01])  # centre 2 is far from every point
    steps = list(KMeans(4, init=init).steps(X))
    _assert_same_as_sklearn(KMeans(4, init=init).fit(X), _sklearn_fit(X, init))

    first_update = steps[2]
    assert first_update.phase is Phase.UPDATE
    assert first_update.note is not None and "empty cluster 2 relocated" in first_update.note
    assert first_update.note in first_update.message
    # The far centre now sits exactly on a data point (the one farthest from its centre).
    assert any(np.array_equal(first_update.centers[2], row) for row in X)
    assert first_update.cluster_sizes[2] == 0  # labels change at the next Assign
    assert steps[3].cluster_sizes[2] > 0


def test_two_empty_clusters_relocated_as_sklearn_does() -> None:
    X = _varied(4)
    init = np.vstack([X[:3], [[-900.0, 900.0], [900.0, -900.0]]])
    _assert_same_as_sklearn(KMeans(5, init=init, tol=0).fit(X), _sklearn_fit(X, init, tol=0))


def test_more_clusters_than_distinct_points_gives_a_result_and_says_so() -> None:
    X = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    init = X[[0, 1, 2, 3]].copy()
    steps = list(KMeans(4, init=init).steps(X))
    assert "coincide" in steps[0].message
    last = steps[-1]
    assert last.is_final and "coincide" in last.message and "only 2 distinct" in last.message
    _assert_same_as_sklearn(KMeans(4, init=init).fit(X), _sklearn_fit(X, init))
    for method in ("k-means++", "random", "farthest"):
        model = KMeans(4, init=method, random_state=0).fit(X)
        assert set(model.labels_) <= {0, 1, 2, 3}
        assert np.isfinite(model.cluster_centers_).all()


def test_predict_matches_sklearn() -> None:
    X = DATASETS["blobs"](0)
    init = X[:4].copy()
    ours = KMeans(4, init=init).fit(X)
    theirs = _sklearn_fit(X, init)
    new = np.random.RandomState(0).uniform(-12, 12, size=(500, 2))
    np.testing.assert_array_equal(ours.predict(new), theirs.predict(new))
    np.testing.assert_array_equal(ours.fit_predict(X), theirs.labels_)


# ------------------------------------------------------------ initialisation
def test_kmeans_plus_plus_quality_is_like_sklearn() -> None:
    ours, theirs = [], []
    for seed in range(5):
        X, _ = make_blobs(n_samples=1500, centers=6, cluster_std=1.2, random_state=seed)
        ours.append(KMeans(6, random_state=seed).fit(X).inertia_)
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.simplefilter("ignore")
            theirs.append(SKKMeans(6, n_init=1, random_state=seed).fit(X).inertia_)
    assert np.mean(ours) <= 1.03 * np.mean(theirs)


def test_kmeans_plus_plus_picks_data_points_reproducibly() -> None:
    X = DATASETS["blobs"](2)
    first = next(KMeans(5, random_state=3).steps(X))
    again = next(KMeans(5, random_state=3).steps(X))
    other = next(KMeans(5, random_state=4).steps(X))
    assert first.phase is Phase.INITIALIZE and "k-means++" in first.message
    np.testing.assert_array_equal(first.centers, again.centers)
    assert not np.array_equal(first.centers, other.centers)
    assert all(any(np.array_equal(c, row) for row in X) for c in first.centers)
    assert len(np.unique(first.centers, axis=0)) == 5


@pytest.mark.parametrize("method", ["random", "farthest"])
def test_random_and_farthest_pick_distinct_data_points(method: str) -> None:
    X = DATASETS["varied"](1)
    centers = next(KMeans(6, init=method, random_state=0).steps(X)).centers
    again = next(KMeans(6, init=method, random_state=0).steps(X)).centers
    other = next(KMeans(6, init=method, random_state=1).steps(X)).centers
    assert centers.shape == (6, 2)
    assert all(any(np.array_equal(c, row) for row in X) for c in centers)
    assert len(np.unique(centers, axis=0)) == 6
    np.testing.assert_array_equal(centers, again)
    assert not np.array_equal(centers, other)


def test_farthest_point_rule() -> None:
    X = _uniform(5)
    centers = next(KMeans(5, init="farthest", random_state=0).steps(X)).centers
    for i in range(1, 5):
        dist = ((X[:, None, :] - centers[None, :i, :]) ** 2).sum(-1).min(axis=1)
        assert dist.max() == pytest.approx(((centers[i] - centers[:i]) ** 2).sum(-1).min())


def test_random_init_is_sklearns_draw() -> None:
    # Not required, but a seed gives the same points as scikit-learn's init="random".
    X = DATASETS["blobs"](0)
    ours = KMeans(4, init="random", random_state=11).fit(X)
    with threadpool_limits(1):
        theirs = SKKMeans(4, init="random", n_init=1, random_state=11).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)


# ------------------------------------------------------------- step contract
def test_steps_follow_initialize_assign_update_converged() -> None:
    X = DATASETS["blobs"](0)
    steps = list(KMeans(4, random_state=0).steps(X))
    init, *middle, last = steps
    assert init.phase is Phase.INITIALIZE and init.iteration == 0
    assert (init.labels == -1).all() and init.labels.dtype == np.int8
    assert init.centers.shape == (4, 2)
    phases = [s.phase for s in middle]
    assert phases == [Phase.ASSIGN, Phase.UPDATE] * (len(middle) // 2)
    for i, (assign, update) in enumerate(zip(middle[::2], middle[1::2]), start=1):
        assert assign.iteration == update.iteration == i
        assert update.labels is assign.labels  # shared, not copied
        np.testing.assert_array_equal(update.previous_centers, assign.centers)
        shift = float(((update.centers - update.previous_centers) ** 2).sum())
        assert update.center_shift == pytest.approx(shift, rel=1e-9, abs=1e-15)
        assert sum(assign.cluster_sizes) == len(X)
        assert "changed cluster" in assign.message or "Assigned" in assign.message
        assert "inertia" in update.message
    assert last.phase is Phase.CONVERGED and last.converged and last.is_final
    assert "no point changed cluster" in last.message or "tolerance" in last.message


def test_stopped_step_when_max_iter_is_reached() -> None:
    X = _uniform(0)
    last = list(KMeans(8, init="random", max_iter=3, tol=0, random_state=0).steps(X))[-1]
    assert last.phase is Phase.STOPPED and not last.converged
    assert last.iteration == 3 and "max_iter=3" in last.message


def test_labels_arrays_are_shared_when_nothing_moved_and_steps_hold_no_float_per_point() -> None:
    X = DATASETS["blobs"](1)
    steps = list(KMeans(4, random_state=0, tol=0).steps(X))
    last_assign = [s for s in steps if s.phase is Phase.ASSIGN][-1]
    before = [s for s in steps if s.phase is Phase.UPDATE][-2]
    assert last_assign.points_moved == 0
    assert last_assign.labels is before.labels
    for step in steps:
        assert not step.labels.flags.writeable
        for value in (step.centers, step.previous_centers, step.confidence):
            assert value is None or value.shape[0] != len(X)


def test_tol_stop_reassigns_labels_to_the_final_centres() -> None:
    X = _uniform(1)
    init = X[:6].copy()
    model = KMeans(6, init=init, tol=1e-2).fit(X)
    theirs = _sklearn_fit(X, init, tol=1e-2)
    _assert_same_as_sklearn(model, theirs)
    nearest = ((X[:, None, :] - model.cluster_centers_[None]) ** 2).sum(-1).argmin(axis=1)
    np.testing.assert_array_equal(model.labels_, nearest)


# ---------------------------------------------------------------- invariants
@st.composite
def _problems(draw):
    n = draw(st.integers(3, 60))
    d = draw(st.integers(1, 4))
    integer_data = draw(st.booleans())
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.RandomState(seed)
    if integer_data:
        X = rng.randint(-3, 4, size=(n, d)).astype(float)  # many duplicates and ties
    else:
        X = rng.normal(size=(n, d)) * draw(st.sampled_from([1e-3, 1.0, 1e3])) + draw(st.sampled_from([0.0, 50.0]))
    k = draw(st.integers(1, min(n, 7)))
    init = draw(st.sampled_from(["k-means++", "random", "farthest", "array"]))
    if init == "array":
        init = X[rng.choice(n, k, replace=False)] + rng.normal(scale=0.5, size=(k, d))
    tol = draw(st.sampled_from([0.0, 1e-4, 1e-1]))
    return X, k, init, tol, seed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_problems())
def test_invariants(problem) -> None:
    X, k, init, tol, seed = problem
    model = KMeans(k, init=init, tol=tol, max_iter=50, random_state=seed)
    steps = list(model.steps(X))
    # Rounding scale of the inertia arithmetic (the expansion ||x||^2 - 2x.c + ||c||^2).
    centred = X - X.mean(axis=0)
    slack = 1e-9 * float((centred**2).sum() + len(X) * (np.abs(centred).max() + 1.0) ** 2)

    previous_labels = steps[0].labels
    previous_update_inertia = np.inf
    for step in steps[1:]:
        assert ((step.labels >= 0) & (step.labels < k)).all()
        if step.phase is Phase.ASSIGN:
            assert step.points_moved == int(np.count_nonzero(step.labels != previous_labels))
            assert step.inertia <= previous_update_inertia + slack
            previous_labels = step.labels
        if step.phase is Phase.UPDATE:
            assert step.inertia <= previous_update_inertia + slack
            previous_update_inertia = step.inertia
    assert steps[-1].is_final

    again = list(KMeans(k, init=init, tol=tol, max_iter=50, random_state=seed).steps(X))
    assert [s.phase for s in again] == [s.phase for s in steps]
    for a, b in zip(steps, again):
        np.testing.assert_array_equal(a.labels, b.labels)
        np.testing.assert_array_equal(a.centers, b.centers)

    model.fit(X)
    np.testing.assert_array_equal(model.labels_, steps[-1].labels)
    np.testing.assert_array_equal(model.cluster_centers_, steps[-1].centers)
    assert model.inertia_ == steps[-1].inertia
    assert model.n_iter_ == steps[-1].iteration
    assert model.converged_ == steps[-1].converged
    # The final inertia is the real sum of squared distances.
    direct = float(((X - model.cluster_centers_[model.labels_]) ** 2).sum())
    assert model.inertia_ == pytest.approx(direct, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("n_threads", [1, 2])
def test_lloyd_pass_is_exact_across_chunks_threads_and_patches(n_threads: int) -> None:
    rng = np.random.RandomState(0)
    X = rng.normal(size=(5000, 3))
    lloyd = LloydPass(X, 5, chunk_rows=300, n_threads=n_threads)
    labels = np.full(len(X), -1, dtype=np.int8)
    for _ in range(6):
        centers = rng.normal(size=(5, 3)) * 0.3
        new = np.empty(len(X), dtype=np.int8)
        result = lloyd.assign(centers, labels, new)
        expected = ((X[:, None, :] - centers[None]) ** 2).sum(-1).argmin(axis=1)
        np.testing.assert_array_equal(new, expected)
        assert result.points_moved == int(np.count_nonzero(new != labels))
        np.testing.assert_array_equal(result.counts, np.bincount(expected, minlength=5))
        sums = np.array([X[expected == j].sum(axis=0) for j in range(5)])
        np.testing.assert_allclose(result.sums, sums, rtol=1e-12, atol=1e-9)
        direct = float(((X - centers[expected]) ** 2).sum())
        assert result.inertia == pytest.approx(direct, rel=1e-10)
        labels = new


@pytest.mark.parametrize("name", ["uniform", "grid", "shifted_far", "blobs_5d"])
def test_skipping_settled_points_changes_nothing(name: str) -> None:
    # Lloyd iterations driven by two passes, one that skips the points whose
    # gap bound proves they keep their label and one that recomputes every
    # point: labels, counts and sums must agree at every iteration.
    X = DATASETS[name](0)
    X = np.ascontiguousarray(np.vstack([X] * 6))  # 4 chunks of 1024 rows or more
    X -= X.mean(axis=0)
    k = 6
    centers = X[np.random.RandomState(1).choice(len(X), k, replace=False)]
    skipping = LloydPass(X, k, chunk_rows=1024)
    dense = LloydPass(X, k, chunk_rows=1024, skip_settled=False)
    labels_a = labels_b = np.full(len(X), -1, dtype=np.int8)
    skipped_some = False
    for _ in range(30):
        new_a, new_b = np.empty(len(X), np.int8), np.empty(len(X), np.int8)
        a = skipping.assign(centers, labels_a, new_a)
        b = dense.assign(centers, labels_b, new_b)
        np.testing.assert_array_equal(new_a, new_b)
        assert a.points_moved == b.points_moved
        np.testing.assert_array_equal(a.counts, b.counts)
        np.testing.assert_allclose(a.sums, b.sums, rtol=1e-12, atol=1e-9)
        skipped_some |= a.points_recomputed < len(X)
        labels_a, labels_b = new_a, new_b
        nonempty = b.counts > 0
        centers = centers.copy()
        centers[nonempty] = b.sums[nonempty] / b.counts[nonempty, None]
    assert skipped_some


# ------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"n_clusters": 0}, ["n_clusters", "0", ">= 1"]),
        ({"n_clusters": 2.5}, ["n_clusters", "2.5", "integer"]),
        ({"n_clusters": True}, ["n_clusters", "True"]),
        ({"max_iter": 0}, ["max_iter", "0", ">= 1"]),
        ({"tol": -1e-3}, ["tol", "-0.001", ">= 0"]),
        ({"tol": float("nan")}, ["tol", "nan"]),
        ({"init": "kmeans++"}, ["init", "'kmeans++'", "'k-means++'", "'random'", "'farthest'"]),
        ({"init": 3}, ["init", "int"]),
        ({"n_clusters": 3, "init": np.zeros((2, 2))}, ["init", "(2, 2)", "n_clusters=3"]),
        ({"n_clusters": 2, "init": np.zeros(2)}, ["init", "(2,)", "n_clusters=2"]),
        ({"n_clusters": 2, "init": [[0.0, np.nan], [1.0, 1.0]]}, ["init", "NaN"]),
        ({"random_state": "seed"}, ["random_state", "'seed'"]),
        ({"random_state": 2**32}, ["random_state", "from 0 to 4294967295", "4294967296"]),
        ({"random_state": -1}, ["random_state", "from 0 to 4294967295"]),
    ],
)
def test_bad_parameters_raise_value_error_naming_them(kwargs: dict, words: list[str]) -> None:
    with pytest.raises(ValueError) as err:
        # Checked when the run starts (or at construction while that is kept).
        KMeans(**kwargs).fit(np.arange(20.0).reshape(10, 2))
    for word in words:
        assert word in str(err.value)


@pytest.mark.parametrize(
    ("X", "k", "words"),
    [
        (np.array([[0.0, np.nan], [1.0, 1.0]]), 1, ["X", "NaN"]),
        (np.array([[0.0, np.inf], [1.0, 1.0]]), 1, ["X", "infinite"]),
        (np.empty((0, 2)), 1, ["X", "empty"]),
        (np.arange(5.0), 1, ["X", "2-D"]),
        (np.zeros((3, 2)), 4, ["n_clusters=4", "3"]),
        ([["a", "b"]], 1, ["X", "numeric"]),
    ],
)
def test_bad_data_raises_value_error_naming_it(X, k: int, words: list[str]) -> None:
    for call in (lambda: KMeans(k).fit(X), lambda: KMeans(k).steps(X)):
        with pytest.raises(ValueError) as err:
            call()
        for word in words:
            assert word in str(err.value)


def test_init_array_with_the_wrong_number_of_columns() -> None:
    with pytest.raises(ValueError, match=r"init has 3 column\(s\) but X has 2"):
        KMeans(2, init=np.zeros((2, 3))).fit(np.zeros((5, 2)))


def test_predict_errors() -> None:
    with pytest.raises(ValueError, match="not fitted"):
        KMeans(2).predict(np.zeros((3, 2)))
    model = KMeans(2, random_state=0).fit(np.random.RandomState(0).normal(size=(20, 2)))
    with pytest.raises(ValueError, match="X has 3 feature"):
        model.predict(np.zeros((4, 3)))


# ------------------------------------------------------------------- memory
_MEMORY_CODE = """
import resource
import numpy as np
from tuiclust.core.kmeans import KMeans

X = np.random.RandomState(0).uniform(-10, 10, size=(1_000_000, 2))
steps = list(KMeans(n_clusters=8, init="random", max_iter=60, tol=0, random_state=0).steps(X))
assert len(steps) == 122, len(steps)
peak_kb = None
try:
    # VmHWM is this process's own peak. ru_maxrss would also do, but after
    # fork + exec Linux starts it at the parent's (pytest's) resident size.
    with open("/proc/self/status") as f:
        peak_kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
if peak_kb is None:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak_kb / 1024)
"""


def test_keeping_every_step_of_a_million_point_run_stays_under_500_mb() -> None:
    out = subprocess.run([sys.executable, "-c", _MEMORY_CODE], capture_output=True, text=True, check=True)
    peak_mb = float(out.stdout.strip().splitlines()[-1])
    assert peak_mb < 500, f"peak RSS {peak_mb:.0f} MB"
