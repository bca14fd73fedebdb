"""The listings give the core's results: the code on screen is code that gives what the plot shows.

Each listing runs from the core's own start (K-Means: the centres of its
Initialize step; GMM: the weights, means and covariances of its Initialize
step, or a given means_init / weights_init / precisions_init; DBSCAN: the
same eps and min_samples) on built-in data sets, and must end with the same
labels (exactly), the same centres / means / covariances (to 1e-8), and the
same iteration count. Some tests also follow the run round by round, by
stopping the listing after each round (``max_iter=i``).

Every test here is one listing-vs-core comparison of a whole run (the
round-by-round tests compare every round of one run).
"""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.core import DBSCAN, GaussianMixture, KMeans, Phase, Step
from tuiclust.core.datasets import SUGGESTED, make_dataset
from tuiclust.listings import listing_for
from tuiclust.listings.dbscan import dbscan
from tuiclust.listings.gmm import gaussian_mixture
from tuiclust.listings.kmeans import kmeans

ATOL = 1e-8
CENTRED_SETS = ("blobs", "moons", "circles", "varied", "aniso", "gaussian_mixture", "smiley")
ALL_SETS = tuple(SUGGESTED)


def _data(name: str, seed: int = 0) -> np.ndarray:
    return make_dataset(name, random_state=seed)[0]


def _k(name: str) -> int:
    return int(SUGGESTED[name]["n_clusters"])


def _steps(estimator, X: np.ndarray) -> list[Step]:
    return list(estimator.steps(X))


# ---------------------------------------------------------------- K-Means
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("init", ["k-means++", "random", "farthest"])
@pytest.mark.parametrize("name", CENTRED_SETS)
def test_kmeans_listing_equals_core(name: str, init: str, seed: int) -> None:
    X = _data(name, seed)
    steps = _steps(KMeans(n_clusters=_k(name), init=init, random_state=seed), X)
    first, last = steps[0], steps[-1]
    # The listing does not relocate empty clusters; none may have emptied.
    assert all(min(s.cluster_sizes) > 0 for s in steps if s.phase is Phase.UPDATE)

    labels, centres, n_iter = kmeans(X, first.centers)

    np.testing.assert_array_equal(labels, last.labels)
    np.testing.assert_allclose(centres, last.centers, rtol=0, atol=ATOL)
    assert n_iter == last.iteration
    assert last.phase is Phase.CONVERGED


@pytest.mark.parametrize("name", ["blobs", "aniso", "varied"])
def test_kmeans_listing_follows_the_core_round_by_round(name: str) -> None:
    X = _data(name, 3)
    steps = _steps(KMeans(n_clusters=_k(name), init="random", random_state=3), X)
    updates = [s for s in steps if s.phase is Phase.UPDATE]
    assigns = [s for s in steps if s.phase is Phase.ASSIGN]
    assert len(updates) >= 3, "pick a start that takes a few rounds"
    for i, update in enumerate(updates, start=1):
        labels, centres, n_iter = kmeans(X, steps[0].centers, max_iter=i)
        assert n_iter == i
        np.testing.assert_allclose(centres, update.centers, rtol=0, atol=ATOL)
        if i < len(assigns):
            # The listing's last assignment is the core's next Assign.
            np.testing.assert_array_equal(labels, assigns[i].labels)
    # The inertia the core reports at each Assign is the listing's sum of squared distances.
    for assign in assigns:
        distances = ((X[:, None, :] - (assign.centers)[None, :, :]) ** 2).sum(axis=2)
        assert distances.min(axis=1).sum() == pytest.approx(assign.inertia, rel=1e-9)


@pytest.mark.parametrize("name", ["blobs", "moons"])
def test_kmeans_listing_stops_at_max_iter_like_the_core(name: str) -> None:
    X = _data(name, 5)
    steps = _steps(KMeans(n_clusters=_k(name), init="random", random_state=5, max_iter=2, tol=0.0), X)
    last = steps[-1]
    labels, centres, n_iter = kmeans(X, steps[0].centers, max_iter=2, tol=0.0)
    np.testing.assert_array_equal(labels, last.labels)
    np.testing.assert_allclose(centres, last.centers, rtol=0, atol=ATOL)
    assert n_iter == last.iteration == 2


# ---------------------------------------------------------------- DBSCAN
def _dbscan_case(name: str, factor: float) -> tuple[np.ndarray, float, int]:
    eps = float(SUGGESTED[name]["eps"]) * factor
    return _data(name), eps, int(SUGGESTED[name]["min_samples"])


@pytest.mark.parametrize("name", ALL_SETS)
def test_dbscan_listing_equals_core(name: str) -> None:
    X, eps, min_samples = _dbscan_case(name, 1.0)
    model = DBSCAN(eps=eps, min_samples=min_samples)
    last = _steps(model, X)[-1]

    labels, core_points = dbscan(X, eps, min_samples)

    np.testing.assert_array_equal(labels, last.labels)
    np.testing.assert_array_equal(labels, model.labels_)
    np.testing.assert_array_equal(core_points, model.core_sample_indices_)


@pytest.mark.parametrize("factor", [0.6, 1.5])
@pytest.mark.parametrize("name", ["blobs", "moons", "varied", "aniso", "circles", "pimpled_smiley"])
def test_dbscan_listing_equals_core_at_other_eps(name: str, factor: float) -> None:
    X, eps, min_samples = _dbscan_case(name, factor)
    model = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    labels, core_points = dbscan(X, eps, min_samples)
    np.testing.assert_array_equal(labels, model.labels_)
    np.testing.assert_array_equal(core_points, model.core_sample_indices_)


def test_dbscan_listing_gives_the_contested_border_point_to_the_core_cluster() -> None:
    # order_dependent_border: point 0 is within eps of both clusters' core
    # points; the core (and scikit-learn) give it to cluster 0.
    X, eps, min_samples = _dbscan_case("order_dependent_border", 1.0)
    model = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    labels, core_points = dbscan(X, eps, min_samples)
    np.testing.assert_array_equal(labels, model.labels_)
    assert 0 not in core_points and labels[0] == model.labels_[0]


# ---------------------------------------------------------------- GMM
def _assert_gmm_equal(X: np.ndarray, model: GaussianMixture, result: tuple) -> None:
    steps = _steps(model, X)
    last = steps[-1]
    labels, means, covariances, weights, log_lik, n_iter = result
    fitted = model.fit(X)
    np.testing.assert_array_equal(labels, last.labels)
    np.testing.assert_allclose(means, last.centers, rtol=0, atol=ATOL)
    np.testing.assert_allclose(covariances, last.covariances, rtol=0, atol=ATOL)
    np.testing.assert_allclose(weights, last.weights, rtol=0, atol=ATOL)
    assert log_lik == pytest.approx(fitted.lower_bound_, rel=0, abs=ATOL)
    assert n_iter == last.iteration == fitted.n_iter_


def _gmm(name: str, **params) -> GaussianMixture:
    return GaussianMixture(n_components=_k(name), covariance_type="full", **params)


@pytest.mark.parametrize("init_params", ["kmeans", "k-means++", "random", "random_from_data"])
@pytest.mark.parametrize("name", CENTRED_SETS)
def test_gmm_listing_equals_core(name: str, init_params: str) -> None:
    X = _data(name)
    model = _gmm(name, init_params=init_params, random_state=1)
    start = _steps(model, X)[0]
    result = gaussian_mixture(X, start.centers, start.covariances, start.weights)
    _assert_gmm_equal(X, model, result)


@pytest.mark.parametrize("name", ["blobs", "aniso", "varied", "gaussian_mixture"])
def test_gmm_listing_equals_core_from_a_given_start(name: str) -> None:
    X = _data(name, 2)
    k = _k(name)
    rng = np.random.default_rng(2)
    means = X[rng.choice(len(X), size=k, replace=False)]
    covariances = np.stack([np.cov(X.T) * (0.5 + j) for j in range(k)])
    weights = np.arange(1.0, k + 1.0) / np.arange(1.0, k + 1.0).sum()
    model = _gmm(name, means_init=means, weights_init=weights, precisions_init=np.linalg.inv(covariances))
    result = gaussian_mixture(X, means, covariances, weights)
    _assert_gmm_equal(X, model, result)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["aniso", "moons"])
def test_gmm_listing_follows_the_core_round_by_round(name: str) -> None:
    # A "kmeans" start: its Initialize weights are the ones the first E-step
    # uses. (After a "k-means++" or "random_from_data" start scikit-learn
    # weighs each seed point 1/n, a common factor that the responsibilities
    # do not see but the first log-likelihood does; the step shows them
    # normalised.) A small tol makes the run last a few rounds.
    X = _data(name)
    model = _gmm(name, init_params="kmeans", random_state=4, tol=1e-8)
    steps = _steps(model, X)
    start = steps[0]
    e_steps = [s for s in steps if s.phase is Phase.E_STEP]
    m_steps = [s for s in steps if s.phase is Phase.M_STEP]
    assert len(m_steps) >= 3, "pick a start that takes a few rounds"
    for i, (e_step, m_step) in enumerate(zip(e_steps, m_steps), start=1):
        _, means, covariances, weights, log_lik, n_iter = gaussian_mixture(
            X, start.centers, start.covariances, start.weights, tol=1e-8, max_iter=i
        )
        assert n_iter == i
        assert log_lik == pytest.approx(e_step.log_likelihood, rel=0, abs=ATOL)
        np.testing.assert_allclose(means, m_step.centers, rtol=0, atol=ATOL)
        np.testing.assert_allclose(covariances, m_step.covariances, rtol=0, atol=ATOL)
        np.testing.assert_allclose(weights, m_step.weights, rtol=0, atol=ATOL)


def test_gmm_listing_stops_at_max_iter_like_the_core() -> None:
    X = _data("aniso")
    model = _gmm("aniso", init_params="random_from_data", random_state=4, max_iter=2, tol=0.0)
    start = _steps(model, X)[0]
    assert _steps(model, X)[-1].phase is Phase.STOPPED
    result = gaussian_mixture(X, start.centers, start.covariances, start.weights, tol=0.0, max_iter=2)
    _assert_gmm_equal(X, model, result)


# ---------------------------------------------------------------- the text on screen runs
@pytest.mark.parametrize("algorithm", ["kmeans", "dbscan", "gmm"])
def test_the_shown_text_itself_runs_and_gives_the_same_result(algorithm: str) -> None:
    # The pane shows the source without docstrings and tags: that text must
    # be the very code the tests above check, not a paraphrase of it.
    namespace: dict = {}
    exec(compile("\n".join(listing_for(algorithm).lines), f"<{algorithm} listing>", "exec"), namespace)
    X = _data("blobs")
    if algorithm == "kmeans":
        centres = _steps(KMeans(n_clusters=3, random_state=0), X)[0].centers
        shown, real = namespace["kmeans"](X, centres), kmeans(X, centres)
    elif algorithm == "dbscan":
        shown, real = namespace["dbscan"](X, 1.0, 5), dbscan(X, 1.0, 5)
    else:
        start = _steps(_gmm("blobs", random_state=0), X)[0]
        args = (X, start.centers, start.covariances, start.weights)
        shown, real = namespace["gaussian_mixture"](*args), gaussian_mixture(*args)
    for a, b in zip(shown, real):
        np.testing.assert_array_equal(a, b)
