"""Kneedle against the kneed package, the k-distance curve against scikit-learn."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kneed import KneeLocator
from sklearn.cluster import DBSCAN, KMeans
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from tuiclust.core.datasets import DATASETS, SUGGESTED, make_dataset
from tuiclust.core.elbow import find_elbow, find_knee_increasing, k_distances, suggest_eps


def inertia_curve(X: np.ndarray, ks: np.ndarray) -> np.ndarray:
    # One thread: scikit-learn's OpenMP threads spin and crawl on a busy machine.
    with threadpool_limits(limits=1):
        return np.array([KMeans(n_clusters=int(k), n_init=1, random_state=0).fit(X).inertia_ for k in ks])


def kneed_knee(x: np.ndarray, y: np.ndarray, S: float, direction: str) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kneed warns when it finds nothing
        knee = KneeLocator(x, y, S=S, curve="convex", direction=direction, online=False, interp_method="interp1d").knee
    return None if knee is None else float(knee)


def same_as_kneed(x: np.ndarray, y: np.ndarray, S: float, direction: str) -> float | None:
    fn = find_elbow if direction == "decreasing" else find_knee_increasing
    ours = fn(x, y, S=S)
    assert ours == kneed_knee(x, y, S, direction), (list(x), list(y), S)
    return ours


# ---------------------------------------------------------------- curves


@st.composite
def xs(draw: st.DrawFn, n: int) -> np.ndarray:
    if draw(st.booleans()):
        return np.arange(1, n + 1, dtype=float)
    gaps = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    return np.cumsum(gaps).astype(float)


@st.composite
def falling_convex_curves(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, float]:
    """Falling, mostly convex curves: 1/x, exponential decay, kinks, sorted steps, with noise."""
    n = draw(st.integers(2, 30))
    x = draw(xs(n))
    shape = draw(st.sampled_from(["hyperbola", "exponential", "kink", "steps"]))
    if shape == "hyperbola":
        y = 1.0 / (x + draw(st.floats(0.0, 5.0)))
    elif shape == "exponential":
        y = np.exp(-x / draw(st.floats(0.5, 20.0)))
    elif shape == "kink":
        at = draw(st.integers(1, n))
        y = np.where(x <= x[at - 1], 10.0 - 3.0 * x, 10.0 - 3.0 * x[at - 1] - 0.2 * (x - x[at - 1]))
    else:
        drops = sorted(draw(st.lists(st.floats(0.0, 10.0), min_size=n, max_size=n)), reverse=True)
        y = 100.0 - np.cumsum(drops)
    noise = draw(st.floats(0.0, 0.05))
    seed = draw(st.integers(0, 2**16))
    y = y + noise * np.random.default_rng(seed).standard_normal(n) * (np.ptp(y) or 1.0)
    S = draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 4.0]))
    return x, y, S


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(falling_convex_curves())
def test_find_elbow_matches_kneed(curve: tuple[np.ndarray, np.ndarray, float]) -> None:
    x, y, S = curve
    same_as_kneed(x, y, S, "decreasing")


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(falling_convex_curves())
def test_find_knee_increasing_matches_kneed(curve: tuple[np.ndarray, np.ndarray, float]) -> None:
    x, y, S = curve
    # Mirror a falling convex curve into a rising convex one: f(c - x).
    same_as_kneed(x[0] + x[-1] - x[::-1], y[::-1], S, "increasing")


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 25), st.integers(0, 2**16), st.sampled_from([0.0, 1.0, 3.0]))
def test_any_curve_matches_kneed(n: int, seed: int, S: float) -> None:
    # Not convex at all, with ties: the extrema rules must still agree.
    rng = np.random.default_rng(seed)
    x = np.arange(n, dtype=float)
    y = np.round(rng.random(n) * 4)
    for direction in ("decreasing", "increasing"):
        same_as_kneed(x, y, S, direction)


@pytest.mark.parametrize("n_centres", [2, 3, 4, 5, 6])
def test_elbow_of_real_inertia_curves(n_centres: int) -> None:
    rng = np.random.default_rng(n_centres)
    centres = rng.uniform(-30, 30, size=(n_centres, 2))
    X = np.vstack([c + rng.normal(size=(80, 2)) for c in centres])
    ks = np.arange(1, 11)
    inertia = inertia_curve(X, ks)
    elbow = same_as_kneed(ks, inertia, 1.0, "decreasing")
    assert elbow is not None


def test_elbow_of_clear_blobs_is_the_number_of_blobs() -> None:
    X, _ = make_dataset("gaussian_mixture", n_samples=600)
    ks = np.arange(1, 11)
    inertia = inertia_curve(X, ks)
    assert find_elbow(ks, inertia) == 3.0


def test_hand_checked_elbow() -> None:
    # Steep to k = 3, then almost flat: the elbow is at 3.
    k = [1, 2, 3, 4, 5, 6, 7, 8]
    inertia = [1000, 520, 100, 90, 82, 76, 71, 67]
    assert find_elbow(k, inertia) == 3.0


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1, 2, 3, 4, 5], [10, 8, 6, 4, 2]),  # a straight line
        ([1, 2, 3, 4], [3, 3, 3, 3]),  # flat
        ([1], [5]),  # one point
        ([1, 2], [5, 1]),  # a line again
    ],
)
def test_no_elbow_gives_none(x: list[float], y: list[float]) -> None:
    assert find_elbow(x, y) is None
    assert kneed_knee(np.array(x, float), np.array(y, float), 1.0, "decreasing") is None


def test_straight_rising_line_has_no_knee() -> None:
    x = np.arange(50, dtype=float)
    assert find_knee_increasing(x, 2 * x + 1) is None


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1, 2, 3], [1, 2], "same length"),
        ([1, 3, 2], [3, 2, 1], "strictly increasing"),
        ([1, 1, 2], [3, 2, 1], "strictly increasing"),
        ([1, 2, 3], [3, np.nan, 1], "finite"),
        ([[1, 2]], [[3, 2]], "1-D"),
    ],
)
def test_bad_curves(x: list, y: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        find_elbow(x, y)
    with pytest.raises(ValueError, match=message):
        find_knee_increasing(x, y)


def test_bad_sensitivity() -> None:
    with pytest.raises(ValueError, match="S must be >= 0.0, got -1.0"):
        find_elbow([1, 2, 3], [3, 1, 0.5], S=-1.0)


# ------------------------------------------------------------ k-distances


@pytest.mark.parametrize("name", ["moons", "blobs", "smiley", "dbscan_rings"])
@pytest.mark.parametrize("k", [1, 2, 5, 12])
def test_k_distances_match_sklearn(name: str, k: int) -> None:
    X, _ = make_dataset(name, random_state=3)
    dist, _ = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X)
    np.testing.assert_allclose(k_distances(X, k), np.sort(dist[:, k - 1]), rtol=1e-12, atol=1e-12)


def test_k_distances_count_the_point_itself() -> None:
    X = np.array([[0.0], [1.0], [3.0], [7.0]])
    np.testing.assert_array_equal(k_distances(X, 1), [0, 0, 0, 0])
    np.testing.assert_array_equal(k_distances(X, 2), [1, 1, 2, 4])  # nearest other point
    np.testing.assert_array_equal(k_distances(X, 4), [4, 6, 7, 7])  # the farthest


def test_k_distance_decides_dbscan_core_points() -> None:
    X, _ = make_dataset("moons", random_state=2)
    m, eps = 5, 0.1
    dist, _ = NearestNeighbors(n_neighbors=m).fit(X).kneighbors(X)
    unsorted_kdist = dist[:, m - 1]
    core = np.zeros(len(X), dtype=bool)
    core[DBSCAN(eps=eps, min_samples=m).fit(X).core_sample_indices_] = True
    np.testing.assert_array_equal(core, unsorted_kdist <= eps)
    assert np.count_nonzero(k_distances(X, m) <= eps) == core.sum()


def test_k_distances_with_duplicates_and_more_columns() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    X = np.vstack([X, X[:50]])
    dist, _ = NearestNeighbors(n_neighbors=3).fit(X).kneighbors(X)
    np.testing.assert_allclose(k_distances(X, 3), np.sort(dist[:, 2]), atol=1e-12)


@pytest.mark.parametrize("k", [0, 11, 2.0])
def test_bad_k(k: object) -> None:
    with pytest.raises(ValueError, match="k must be an integer from 1 to 10"):
        k_distances(np.zeros((10, 2)), k)  # type: ignore[arg-type]


# --------------------------------------------------------------- suggest_eps


@pytest.mark.parametrize("min_samples", [4, 5, 6, 8])
def test_suggest_eps_on_moons_finds_the_two_moons(min_samples: int) -> None:
    # The default moons. (On noise-free moons the knee sits low, at about
    # the 95th percentile of the k-distances, so on some other seeds the
    # suggested eps cuts a moon at a thin spot: it is a starting point.)
    X, _ = make_dataset("moons")
    eps = suggest_eps(X, min_samples)
    labels = DBSCAN(eps=eps, min_samples=min_samples).fit_predict(X)
    assert len(set(labels.tolist()) - {-1}) == 2


def test_suggest_eps_is_the_knee_height() -> None:
    X, _ = make_dataset("blobs")
    curve = k_distances(X, 5)
    knee = find_knee_increasing(np.arange(curve.size), curve)
    assert knee is not None
    assert suggest_eps(X, 5) == curve[int(knee)]
    assert knee == kneed_knee(np.arange(curve.size), curve, 1.0, "increasing")


@pytest.mark.parametrize("name", list(DATASETS))
def test_knee_of_every_k_distance_curve_matches_kneed(name: str) -> None:
    X, _ = make_dataset(name)
    m = min(SUGGESTED[name]["min_samples"], len(X))
    curve = k_distances(X, m)
    same_as_kneed(np.arange(curve.size, dtype=float), curve, 1.0, "increasing")
    assert suggest_eps(X, m) > 0


def test_suggest_eps_fallbacks() -> None:
    # A square grid: every point has at least two neighbours at distance 1
    # (the point itself counted first), so the 3-distance curve is flat, has
    # no knee, and its 90th percentile is 1.
    grid = np.array([(i, j) for i in range(5) for j in range(5)], dtype=float)
    np.testing.assert_array_equal(k_distances(grid, 3), np.ones(25))
    assert find_knee_increasing(np.arange(25), k_distances(grid, 3)) is None
    assert suggest_eps(grid, 3) == 1.0
    # All points in one place: any eps works, 1.0 it is.
    assert suggest_eps(np.zeros((5, 2)), 3) == 1.0
    # min_samples = 1: every k-distance is 0 and none is positive: 1.0 again.
    assert suggest_eps(np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0]]), 1) == 1.0


def test_suggest_eps_bad_min_samples() -> None:
    with pytest.raises(ValueError, match="min_samples must be an integer from 1 to 3"):
        suggest_eps(np.zeros((3, 2)), 4)
