"""Cluster scores against scikit-learn on the same points and labels."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import DBSCAN, KMeans
from threadpoolctl import threadpool_limits

from tuiclust.core import metrics
from tuiclust.core.datasets import SUGGESTED, make_dataset

TOL = 1e-9
INTERNAL = ["silhouette_score", "calinski_harabasz_score", "davies_bouldin_score"]


def close(ours: float, theirs: float) -> bool:
    """Equal to 1e-9, relative for scores above 1 (Calinski-Harabasz runs into thousands)."""
    return abs(ours - theirs) <= TOL * max(1.0, abs(theirs))


def _cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(id, X, labels): data sets times labelings, with noise, many and singleton clusters."""
    cases = []
    for name in ("blobs", "moons", "varied", "pimpled_smiley", "density_bars"):
        X, y = make_dataset(name, n_samples=400, random_state=1)
        cases.append((f"{name}-truth", X, y))
        with threadpool_limits(limits=1):  # OpenMP threads crawl on a busy machine
            km = KMeans(n_clusters=4, n_init=1, random_state=0).fit(X)
        cases.append((f"{name}-kmeans4", X, km.labels_))
        params = SUGGESTED[name]
        db = DBSCAN(eps=params["eps"], min_samples=params["min_samples"]).fit_predict(X)
        if 1 < len(set(db.tolist())) < len(X):
            cases.append((f"{name}-dbscan", X, db))
    rng = np.random.default_rng(7)
    X5 = rng.normal(size=(300, 5)) * [1.0, 3.0, 0.5, 2.0, 1.0]
    cases.append(("5d-random-labels", X5, rng.integers(0, 4, 300)))
    cases.append(("5d-noise-labels", X5, rng.integers(-1, 3, 300)))
    cases.append(("5d-many-clusters", X5, rng.integers(0, 120, 300)))
    # Singletons: 10 points alone in their cluster, the rest in three clusters.
    singles = rng.integers(0, 3, 300)
    singles[:10] = np.arange(100, 110)
    cases.append(("5d-singletons", X5, singles))
    # Labels that are neither contiguous nor starting at 0.
    cases.append(("sparse-label-values", X5, rng.choice([-1, 7, 1000], 300)))
    # Two clusters where one is a single point (the least allowed).
    one_out = np.zeros(300, dtype=int)
    one_out[42] = 1
    cases.append(("one-singleton", X5, one_out))
    # n - 1 clusters: the most allowed.
    most = np.arange(300)
    most[-1] = 0
    cases.append(("n-minus-1-clusters", X5, most))
    return cases


CASES = _cases()
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize(("case_id", "X", "labels"), CASES, ids=IDS)
@pytest.mark.parametrize("score", INTERNAL)
def test_internal_scores_match_sklearn(case_id: str, X: np.ndarray, labels: np.ndarray, score: str) -> None:
    ours = getattr(metrics, score)(X, labels)
    theirs = getattr(skm, score)(X, labels)
    assert isinstance(ours, float)
    assert close(ours, theirs), (ours, theirs)


@pytest.mark.parametrize(("case_id", "X", "labels"), CASES, ids=IDS)
def test_silhouette_samples_match_sklearn(case_id: str, X: np.ndarray, labels: np.ndarray) -> None:
    ours = metrics.silhouette_samples(X, labels)
    theirs = skm.silhouette_samples(X, labels)
    assert ours.shape == (len(X),)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL)


def test_singleton_silhouette_is_zero() -> None:
    _, X, labels = CASES[IDS.index("5d-singletons")]
    s = metrics.silhouette_samples(X, labels)
    assert (s[:10] == 0.0).all()


@pytest.mark.parametrize("case_id", ["5d-noise-labels", "5d-many-clusters", "n-minus-1-clusters"])
@pytest.mark.parametrize("chunk_bytes", [1, 8 * 300 * 7, 8 * 300 * 64, 2**30])
def test_silhouette_is_the_same_whatever_the_chunks(case_id: str, chunk_bytes: int) -> None:
    # 1 byte: one row per block. 7 rows: a ragged last block. 64 rows.
    # 1 GB: a single block.
    _, X, labels = CASES[IDS.index(case_id)]
    np.testing.assert_allclose(
        metrics.silhouette_samples(X, labels, chunk_bytes=chunk_bytes),
        skm.silhouette_samples(X, labels),
        rtol=0,
        atol=TOL,
    )


def test_noise_label_counts_as_one_more_cluster() -> None:
    X, y = make_dataset("pimpled_smiley", random_state=2)
    renamed = np.where(y == -1, 99, y)
    for score in INTERNAL:
        assert getattr(metrics, score)(X, y) == pytest.approx(getattr(metrics, score)(X, renamed), abs=1e-12)


def test_string_labels() -> None:
    X, y = make_dataset("blobs", n_samples=60)
    names = np.array(["a", "b", "c"])[y]
    for score in INTERNAL:
        assert close(getattr(metrics, score)(X, names), getattr(skm, score)(X, y))


@pytest.mark.parametrize("seed", [0, 5])
@pytest.mark.parametrize("sample_size", [50, 299, 1_000])
def test_silhouette_sampling_draws_like_sklearn(seed: int, sample_size: int) -> None:
    _, X, labels = CASES[IDS.index("5d-random-labels")]
    ours = metrics.silhouette_score(X, labels, sample_size=sample_size, random_state=seed)
    theirs = skm.silhouette_score(X, labels, sample_size=sample_size, random_state=seed)
    assert close(ours, theirs)


def test_silhouette_sampling_with_a_generator_is_reproducible() -> None:
    _, X, labels = CASES[IDS.index("5d-random-labels")]
    a = metrics.silhouette_score(X, labels, sample_size=80, random_state=np.random.default_rng(3))
    b = metrics.silhouette_score(X, labels, sample_size=80, random_state=np.random.default_rng(3))
    full = metrics.silhouette_score(X, labels)
    assert a == b and a != full


def test_hand_checked_silhouette() -> None:
    # Two pairs on a line: 0, 1 | 4, 5. For x=0: a = 1, b = (4 + 5) / 2 = 4.5.
    X = np.array([[0.0], [1.0], [4.0], [5.0]])
    s = metrics.silhouette_samples(X, [0, 0, 1, 1])
    np.testing.assert_allclose(s, [1 - 1 / 4.5, 1 - 1 / 3.5, 1 - 1 / 3.5, 1 - 1 / 4.5])


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize("score", INTERNAL)
def test_one_cluster_is_an_error(score: str) -> None:
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match=r"needs 2 to n-1 clusters, got 1 \(n = 10 samples"):
        getattr(metrics, score)(X, np.zeros(10, dtype=int))


def test_silhouette_message_names_the_score() -> None:
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match="^silhouette needs 2 to n-1 clusters, got 1"):
        metrics.silhouette_score(X, np.zeros(10, dtype=int))


@pytest.mark.parametrize("score", INTERNAL)
def test_every_point_alone_is_an_error(score: str) -> None:
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match="got 10"):
        getattr(metrics, score)(X, np.arange(10))


def test_all_noise_is_one_cluster() -> None:
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match="got 1 .*noise label -1 counts as a cluster"):
        metrics.silhouette_score(X, np.full(10, -1))


def test_sampling_down_to_one_cluster_is_an_error() -> None:
    X = np.random.default_rng(0).normal(size=(100, 2))
    labels = np.zeros(100, dtype=int)
    labels[0] = 1
    with pytest.raises(ValueError, match="silhouette needs 2 to n-1 clusters, got 1"):
        metrics.silhouette_score(X, labels, sample_size=1)


@pytest.mark.parametrize("score", INTERNAL + ["silhouette_samples"])
def test_bad_inputs(score: str) -> None:
    fn = getattr(metrics, score)
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match="labels has 9 entries but X has 10 rows"):
        fn(X, np.arange(9) % 2)
    with pytest.raises(ValueError, match="labels must be 1-D"):
        fn(X, np.zeros((10, 1)))
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        fn(bad, np.arange(10) % 2)
    with pytest.raises(ValueError, match="X must be 2-D"):
        fn(X[:, 0], np.arange(10) % 2)


@pytest.mark.parametrize("bad", [0, -5, 2.5])
def test_bad_sample_size(bad: object) -> None:
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match="sample_size"):
        metrics.silhouette_score(X, np.arange(10) % 2, sample_size=bad)  # type: ignore[arg-type]


# ----------------------------------------------------------- special values


def test_calinski_harabasz_of_collapsed_clusters_is_one() -> None:
    X = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [1.0, 1.0]])
    labels = [0, 0, 1, 1]
    assert metrics.calinski_harabasz_score(X, labels) == skm.calinski_harabasz_score(X, labels) == 1.0


def test_davies_bouldin_special_values() -> None:
    X = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [1.0, 1.0]])
    assert metrics.davies_bouldin_score(X, [0, 0, 1, 1]) == skm.davies_bouldin_score(X, [0, 0, 1, 1]) == 0.0
    # Both clusters centred on the origin.
    Y = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, -1.0], [0.0, 1.0]])
    assert metrics.davies_bouldin_score(Y, [0, 0, 1, 1]) == skm.davies_bouldin_score(Y, [0, 0, 1, 1]) == 0.0


def test_hand_checked_davies_bouldin_and_calinski_harabasz() -> None:
    # Centres 0.5 and 4.5, each point 0.5 from its centre: DB = (0.5 + 0.5) / 4 = 0.25.
    X = np.array([[0.0], [1.0], [4.0], [5.0]])
    assert metrics.davies_bouldin_score(X, [0, 0, 1, 1]) == pytest.approx(0.25)
    # Between: 2 * 2^2 * 2 = 16, within: 4 * 0.25 = 1, CH = 16 * (4 - 2) / (1 * 1) = 32.
    assert metrics.calinski_harabasz_score(X, [0, 0, 1, 1]) == pytest.approx(32.0)


# ---------------------------------------------------------------------- ARI


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([], [], 1.0),
        ([3], [7], 1.0),
        ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),
        ([0, 1, 2, 3], [5, 6, 7, 8], 1.0),
        ([0, 0, 0, 0], [0, 1, 2, 3], 0.0),
        ([0, 0, 1, 1], [0, 1, 0, 1], -0.5),
        ([0, 0, 0, 0], [1, 1, 1, 1], 1.0),
    ],
)
def test_ari_special_cases(a: list[int], b: list[int], expected: float) -> None:
    assert metrics.adjusted_rand_score(a, b) == expected == skm.adjusted_rand_score(a, b)


@pytest.mark.parametrize(("case_id", "X", "labels"), CASES, ids=IDS)
def test_ari_matches_sklearn(case_id: str, X: np.ndarray, labels: np.ndarray) -> None:
    with threadpool_limits(limits=1):
        rival = KMeans(n_clusters=3, n_init=1, random_state=1).fit_predict(X)
    assert close(metrics.adjusted_rand_score(labels, rival), skm.adjusted_rand_score(labels, rival))
    assert metrics.adjusted_rand_score(labels, labels) == 1.0


def test_ari_on_a_million_points() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 50, 1_000_000)
    b = np.where(rng.random(1_000_000) < 0.9, a, rng.integers(0, 50, 1_000_000))
    assert close(metrics.adjusted_rand_score(a, b), skm.adjusted_rand_score(a, b))


def test_ari_errors() -> None:
    with pytest.raises(ValueError, match="labels_true has 3 entries but labels_pred has 2"):
        metrics.adjusted_rand_score([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="must be 1-D"):
        metrics.adjusted_rand_score([[0, 1]], [[0, 1]])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 4), st.integers(0, 6)), min_size=0, max_size=60))
def test_ari_matches_sklearn_on_any_labels(pairs: list[tuple[int, int]]) -> None:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    assert close(metrics.adjusted_rand_score(a, b), skm.adjusted_rand_score(a, b))


@st.composite
def points_and_labels(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(3, 40))
    d = draw(st.integers(1, 4))
    # Quarter-integers: exact in binary, so scikit-learn's |x|^2 + |y|^2 - 2xy
    # distances are exact too and the comparison tests our logic, not rounding.
    coords = draw(st.lists(st.integers(-12, 12), min_size=n * d, max_size=n * d))
    X = np.array(coords, dtype=float).reshape(n, d) / 4.0
    labels = np.array(draw(st.lists(st.integers(-1, 5), min_size=n, max_size=n)))
    return X, labels


@settings(max_examples=80, deadline=None)
@given(points_and_labels())
def test_internal_scores_match_sklearn_on_any_data(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, labels = data
    k = len(set(labels.tolist()))
    if not 1 < k < len(X):
        with pytest.raises(ValueError, match="needs 2 to n-1 clusters"):
            metrics.silhouette_score(X, labels)
        return
    np.testing.assert_allclose(
        metrics.silhouette_samples(X, labels), skm.silhouette_samples(X, labels), rtol=0, atol=TOL
    )
    assert close(metrics.calinski_harabasz_score(X, labels), skm.calinski_harabasz_score(X, labels))
    assert close(metrics.davies_bouldin_score(X, labels), skm.davies_bouldin_score(X, labels))


# ------------------------------------------------------------------ memory


@pytest.mark.slow
def test_silhouette_on_50000_points_stays_small() -> None:
    # In a fresh process, so that the peak RSS is this computation's alone.
    code = textwrap.dedent(
        """
        import resource
        import numpy as np
        from tuiclust.core.metrics import silhouette_score
        rng = np.random.default_rng(0)
        centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
        labels = rng.integers(0, 3, 50_000)
        X = centres[labels] + rng.normal(size=(50_000, 2))
        value = silhouette_score(X, labels)
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(value, peak_kib)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    value, peak_kib = out.stdout.split()
    # An n x n matrix of float64 would take 20 GB.
    assert int(peak_kib) * 1024 < 2**30
    # Three well separated blobs score high.
    assert 0.6 < float(value) < 1.0


def test_repeated_rows_are_exactly_zero_apart() -> None:
    # Two clusters of exact duplicates: a(i) = 0, so every s(i) is exactly 1.
    # (scikit-learn's dot-product distances put the duplicates ~1e-8 apart.)
    X = np.array([[0.1, 0.2], [0.1, 0.2], [5.3, 1.7], [5.3, 1.7], [5.3, 1.7]])
    assert (metrics.silhouette_samples(X, [0, 0, 1, 1, 1]) == 1.0).all()
