"""GaussianMixture: equal to scikit-learn's on the same initialisation, EM invariants, collapse handling."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from threadpoolctl import threadpool_limits

from tuiclust.core.gmm import COVARIANCE_TYPES, INIT_PARAMS, GaussianMixture
from tuiclust.core.gmm import kernels as gmm_module  # the block sizes live with the arithmetic
from tuiclust.core.steps import Phase

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True, scope="module")
def _single_threaded_blas() -> object:
    # Tiny LAPACK calls (scikit-learn's per-component solve_triangular) can
    # wait milliseconds for BLAS threads on a busy machine; one thread keeps
    # this module fast. Results do not depend on it.
    with threadpool_limits(limits=1):
        yield


_ANISO = np.array([[0.6, -0.6], [-0.4, 0.8]])


def _datasets() -> dict[str, tuple[np.ndarray, int]]:
    blobs, _ = make_blobs(n_samples=300, centers=3, random_state=170)
    aniso = blobs @ _ANISO
    varied, _ = make_blobs(n_samples=300, centers=3, cluster_std=[1.0, 2.5, 0.5], random_state=170)
    blobs4, _ = make_blobs(n_samples=240, n_features=4, centers=4, random_state=3)
    rng = np.random.RandomState(5)
    # Six correlated columns with an offset far from the origin: exercises the
    # mean-centring and the many second-order features of "full".
    wide = rng.randn(200, 6) @ rng.randn(6, 6) + 50.0
    return {
        "blobs": (blobs, 3),
        "aniso": (aniso, 3),
        "varied": (varied, 3),
        "blobs4d": (blobs4, 4),
        "wide6d": (wide, 2),
    }


DATASETS = _datasets()


def _given_init(X: np.ndarray, k: int, covariance_type: str) -> dict[str, np.ndarray]:
    """Weights, means and precisions from a short scikit-learn run: a deterministic, plausible start."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = SkGaussianMixture(k, covariance_type=covariance_type, max_iter=1, random_state=0).fit(X)
    return {"weights_init": start.weights_, "means_init": start.means_, "precisions_init": start.precisions_}


def _assert_same_fit(ours: GaussianMixture, ref: SkGaussianMixture, X: np.ndarray) -> None:
    assert ours.n_iter_ == ref.n_iter_
    assert ours.converged_ == ref.converged_
    np.testing.assert_allclose(ours.weights_, ref.weights_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.means_, ref.means_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.covariances_, ref.covariances_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.precisions_, ref.precisions_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.precisions_cholesky_, ref.precisions_cholesky_, rtol=1e-6, atol=1e-9)
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-9, abs=1e-9)
    # The first value can be huge (a one-point start): relative agreement there.
    np.testing.assert_allclose(ours.lower_bounds_, ref.lower_bounds_, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_array_equal(ours.labels_, ref.predict(X))
    np.testing.assert_allclose(ours.score_samples(X), ref.score_samples(X), rtol=1e-9, atol=1e-9)
    assert ours.score(X) == pytest.approx(ref.score(X), rel=1e-9)
    assert ours.bic(X) == pytest.approx(ref.bic(X), rel=1e-9)
    assert ours.aic(X) == pytest.approx(ref.aic(X), rel=1e-9)


# --------------------------------------------------------------------------- scikit-learn equality


@pytest.mark.parametrize("tol", [1e-3, 1e-10], ids=["default-tol", "tiny-tol"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("name", list(DATASETS))
def test_equals_sklearn_with_given_initialisation(name: str, covariance_type: str, tol: float) -> None:
    X, k = DATASETS[name]
    init = _given_init(X, k, covariance_type)
    ours = GaussianMixture(k, covariance_type=covariance_type, tol=tol, **init).fit(X)
    ref = SkGaussianMixture(k, covariance_type=covariance_type, tol=tol, **init).fit(X)
    _assert_same_fit(ours, ref, X)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_equals_sklearn_when_stopped_by_max_iter(covariance_type: str) -> None:
    X, k = DATASETS["varied"]
    init = _given_init(X, k, covariance_type)
    ours = GaussianMixture(k, covariance_type=covariance_type, max_iter=3, tol=0.0, **init).fit(X)
    ref = SkGaussianMixture(k, covariance_type=covariance_type, max_iter=3, tol=0.0, **init).fit(X)
    assert not ours.converged_ and ours.n_iter_ == 3
    _assert_same_fit(ours, ref, X)


@pytest.mark.parametrize("init_params", INIT_PARAMS)
@pytest.mark.parametrize("name", ["blobs", "blobs4d"])
def test_equals_sklearn_with_same_seed_for_every_init(name: str, init_params: str) -> None:
    # Same integer seed -> same RandomState draws; our K-Means and k-means++
    # follow scikit-learn's, so even the seeded initialisations agree.
    X, k = DATASETS[name]
    ours = GaussianMixture(k, init_params=init_params, random_state=7).fit(X)
    ref = SkGaussianMixture(k, init_params=init_params, random_state=7).fit(X)
    _assert_same_fit(ours, ref, X)


@pytest.mark.parametrize(
    "given_names", [("means_init",), ("weights_init",), ("precisions_init",), ("weights_init", "means_init")]
)
def test_equals_sklearn_with_part_of_the_initialisation_given(given_names: tuple[str, ...]) -> None:
    X, k = DATASETS["aniso"]
    init = {name: value for name, value in _given_init(X, k, "full").items() if name in given_names}
    ours = GaussianMixture(k, init_params="random", random_state=3, **init).fit(X)
    ref = SkGaussianMixture(k, init_params="random", random_state=3, **init).fit(X)
    _assert_same_fit(ours, ref, X)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_equals_sklearn_when_data_is_split_into_many_uncached_blocks(
    covariance_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gmm_module, "_BLOCK_VALUES", 1)  # the smallest blocks: 256 rows
    monkeypatch.setattr(gmm_module, "_FEATURE_CACHE_BYTES", 0)  # rebuild the features every pass
    X, _ = make_blobs(n_samples=1000, centers=3, random_state=1)
    init = _given_init(X, 3, covariance_type)
    ours = GaussianMixture(3, covariance_type=covariance_type, tol=1e-8, **init).fit(X)
    ref = SkGaussianMixture(3, covariance_type=covariance_type, tol=1e-8, **init).fit(X)
    _assert_same_fit(ours, ref, X)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_equals_sklearn_with_blocks_of_a_few_rows(covariance_type: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Wide data caps a block's size: blocks then hold fewer than 256 rows.
    monkeypatch.setattr(gmm_module, "_MAX_BLOCK_VALUES", 64)
    monkeypatch.setattr(gmm_module, "_FEATURE_CACHE_BYTES", 0)
    X = DATASETS["blobs4d"][0]
    init = _given_init(X, 4, covariance_type)
    ours = GaussianMixture(4, covariance_type=covariance_type, tol=1e-8, **init).fit(X)
    ref = SkGaussianMixture(4, covariance_type=covariance_type, tol=1e-8, **init).fit(X)
    _assert_same_fit(ours, ref, X)


def _peak_bytes(fit: object) -> int:
    """Peak of memory allocated (numpy arrays included) while calling ``fit()``."""
    import tracemalloc

    tracemalloc.start()
    try:
        fit()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("covariance_type", ["diag", "spherical"])
def test_diag_and_spherical_on_10000_columns_take_k_times_d_memory(covariance_type: str) -> None:
    # A (k, d, d) array here would take 1.6 GB and most of a minute.
    X = np.random.default_rng(0).normal(size=(60, 10_000))
    ours = GaussianMixture(2, covariance_type=covariance_type, random_state=0)
    peak = _peak_bytes(lambda: ours.fit(X))
    assert peak < 20 * X.nbytes  # 4.8 MB of data: tens of MB, not gigabytes
    ref = SkGaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(X)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.covariances_, ref.covariances_, rtol=1e-6)
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-9)
    np.testing.assert_array_equal(ours.labels_, ref.predict(X))


def test_tied_on_wide_data_takes_d_squared_memory() -> None:
    # The shared quadratic term is computed once per point, not as d^2 / 2 feature columns.
    X = np.random.default_rng(1).normal(size=(60, 800))
    ours = GaussianMixture(2, covariance_type="tied", random_state=0)
    peak = _peak_bytes(lambda: ours.fit(X))
    d_squared = 800 * 800 * 8
    assert peak < 12 * d_squared  # the old feature expansion needed 30 x d^2 bytes for one block
    ref = SkGaussianMixture(2, covariance_type="tied", random_state=0).fit(X)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.covariances_, ref.covariances_, rtol=1e-6, atol=1e-9)
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-9)


def test_fit_predict_equals_fit_then_predict() -> None:
    X, k = DATASETS["blobs"]
    labels = GaussianMixture(k, random_state=0).fit_predict(X)
    np.testing.assert_array_equal(labels, GaussianMixture(k, random_state=0).fit(X).predict(X))


def test_scores_new_data() -> None:
    X, k = DATASETS["aniso"]
    init = _given_init(X, k, "full")
    ours = GaussianMixture(k, **init).fit(X)
    ref = SkGaussianMixture(k, **init).fit(X)
    new = np.random.RandomState(0).uniform(-8, 8, size=(50, 2))
    np.testing.assert_allclose(ours.predict_proba(new), ref.predict_proba(new), atol=1e-6)
    np.testing.assert_allclose(ours.score_samples(new), ref.score_samples(new), rtol=1e-9)
    np.testing.assert_array_equal(ours.predict(new), ref.predict(new))


# --------------------------------------------------------------------------- steps


def _run(X: np.ndarray, **params: object) -> list:
    return list(GaussianMixture(**params).steps(X))  # type: ignore[arg-type]


def test_phases_come_in_order_with_iteration_numbers() -> None:
    X, k = DATASETS["blobs"]
    steps = _run(X, n_components=k, random_state=0)
    assert steps[0].phase is Phase.INITIALIZE and steps[0].iteration == 0
    body, final = steps[1:-1], steps[-1]
    assert len(body) % 2 == 0
    for i in range(0, len(body), 2):
        assert body[i].phase is Phase.E_STEP and body[i + 1].phase is Phase.M_STEP
        assert body[i].iteration == body[i + 1].iteration == i // 2 + 1
    assert final.phase is Phase.CONVERGED and final.converged and final.is_final
    assert final.iteration == len(body) // 2
    assert all(step.algorithm == "gmm" and step.covariance_type == "full" for step in steps)


def test_steps_agree_with_fit() -> None:
    X, k = DATASETS["varied"]
    steps = _run(X, n_components=k, covariance_type="diag", random_state=2)
    model = GaussianMixture(k, covariance_type="diag", random_state=2).fit(X)
    e_steps = [s for s in steps if s.phase is Phase.E_STEP]
    final = steps[-1]
    assert model.n_iter_ == len(e_steps) == final.iteration
    assert model.lower_bound_ == e_steps[-1].log_likelihood
    assert model.lower_bounds_ == [s.log_likelihood for s in e_steps]
    np.testing.assert_array_equal(final.labels, model.labels_)
    np.testing.assert_array_equal(final.labels, model.predict(X))
    np.testing.assert_allclose(final.centers, model.means_)
    np.testing.assert_allclose(final.weights, model.weights_)
    np.testing.assert_allclose(final.covariances, model.covariances_)
    np.testing.assert_allclose(final.confidence, model.predict_proba(X).max(axis=1), rtol=1e-6)
    assert final.log_likelihood == pytest.approx(model.score(X), rel=1e-12)
    # The change the run stopped on (its message quotes it), not the final E-step's own.
    assert final.log_likelihood_change == e_steps[-1].log_likelihood_change
    assert final.cluster_sizes == tuple(np.bincount(model.labels_, minlength=k))


def _sklearn_model_at(step, covariance_type: str) -> SkGaussianMixture:
    """A scikit-learn mixture holding the parameters shown by ``step``."""
    k = step.centers.shape[0]
    model = SkGaussianMixture(k, covariance_type=covariance_type)
    model.weights_ = np.asarray(step.weights)
    model.means_ = np.asarray(step.centers)
    model.covariances_ = np.asarray(step.covariances)
    if covariance_type in ("full", "tied"):
        lower = np.linalg.cholesky(model.covariances_)
        model.precisions_cholesky_ = np.swapaxes(np.linalg.inv(lower), -1, -2)
    else:
        model.precisions_cholesky_ = 1.0 / np.sqrt(model.covariances_)
    return model


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_each_e_step_describes_the_parameters_before_it(covariance_type: str) -> None:
    X, k = DATASETS["aniso"]
    steps = _run(X, n_components=k, covariance_type=covariance_type, random_state=1, tol=1e-6)
    checked = 0
    for before, step in zip(steps, steps[1:]):
        if step.phase not in (Phase.E_STEP, Phase.CONVERGED):
            continue
        ref = _sklearn_model_at(before, covariance_type)
        assert step.log_likelihood == pytest.approx(ref.score(X), rel=1e-9, abs=1e-9)
        np.testing.assert_array_equal(step.labels, ref.predict(X))
        np.testing.assert_allclose(step.confidence, ref.predict_proba(X).max(axis=1), rtol=1e-6)
        assert step.centers is before.centers and step.covariances is before.covariances
        checked += 1
    assert checked >= 3


def test_memory_layout_of_steps() -> None:
    X, k = DATASETS["blobs"]
    n = X.shape[0]
    steps = _run(X, n_components=k, random_state=0)
    init = steps[0]
    assert init.labels.dtype == np.int8 and (init.labels == -1).all() and init.confidence is None
    assert init.cluster_sizes == (0,) * k
    for step in steps:
        assert not step.labels.flags.writeable
        for name in ("labels", "confidence", "centers", "previous_centers", "weights", "covariances"):
            value = getattr(step, name)
            # never the (n, k) responsibilities, never float64 per point
            assert value is None or value.shape != (n, k)
            if value is not None and value.shape == (n,):
                assert value.dtype.itemsize <= 4
    for e_step, m_step in zip(steps[1::2], steps[2::2]):
        assert e_step.phase is Phase.E_STEP and m_step.phase is Phase.M_STEP
        assert m_step.labels is e_step.labels
        assert m_step.confidence is e_step.confidence
        assert e_step.confidence.dtype == np.float32
        assert m_step.log_likelihood == e_step.log_likelihood
    for before, m_step in zip(steps, steps[1:]):
        if m_step.phase is Phase.M_STEP:
            assert m_step.previous_centers is before.centers


def test_unchanged_labels_share_one_array() -> None:
    X, k = DATASETS["blobs"]
    steps = _run(X, n_components=k, random_state=0, tol=1e-12)
    e_steps = [s for s in steps if s.phase is Phase.E_STEP]
    late = e_steps[-3:] + [steps[-1]]
    assert all(np.array_equal(a.labels, b.labels) for a, b in zip(late, late[1:]))
    assert all(a.labels is b.labels for a, b in zip(late, late[1:]))


def test_messages() -> None:
    X, k = DATASETS["blobs"]
    steps = _run(X, n_components=k, random_state=0, max_iter=2, tol=0.0)
    assert steps[0].message == "3 Gaussians initialised from k-means"
    first, second = steps[1], steps[3]
    assert first.message == "log-likelihood " + f"{first.log_likelihood:.3f}".replace("-", "\u2212")
    assert first.log_likelihood_change == math.inf
    assert second.message.startswith("log-likelihood \u2212") and "(+" in second.message
    assert steps[2].message.startswith("weights 0.")
    assert steps[-1].phase is Phase.STOPPED and not steps[-1].converged
    assert "max_iter=2" in steps[-1].message
    converged = _run(X, n_components=k, random_state=0)[-1]
    assert converged.message.startswith("Converged after") and "less than tol 0.001" in converged.message
    given = _run(X, n_components=k, **_given_init(X, k, "full"))[0]
    assert given.message == "3 Gaussians initialised from the given weights, means and precisions"
    for step in steps:
        assert "\n" not in step.message


@pytest.mark.parametrize("init_params", INIT_PARAMS)
def test_each_init_runs_and_is_reproducible(init_params: str) -> None:
    X, k = DATASETS["varied"]
    first = _run(X, n_components=k, init_params=init_params, random_state=11)
    again = _run(X, n_components=k, init_params=init_params, random_state=11)
    assert len(first) == len(again)
    for a, b in zip(first, again):
        assert a.phase == b.phase and a.message == b.message
        np.testing.assert_array_equal(a.labels, b.labels)
        np.testing.assert_array_equal(a.centers, b.centers)
    assert first[-1].is_final
    # the INITIALIZE step shows weights that sum to 1 even where the raw ones do not
    assert first[0].weights.sum() == pytest.approx(1.0)


# --------------------------------------------------------------------------- invariants


def _blob_data(seed: int, n: int, d: int, centers: int) -> np.ndarray:
    rng = np.random.RandomState(seed)
    means = rng.uniform(-6, 6, size=(centers, d))
    labels = rng.randint(centers, size=n)
    scales = rng.uniform(0.3, 2.0, size=(centers, d, d))
    noise = np.einsum("nij,nj->ni", scales[labels], rng.randn(n, d))
    return means[labels] + noise


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(40, 150),
    d=st.integers(1, 3),
    k=st.integers(1, 4),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    init_params=st.sampled_from(INIT_PARAMS),
)
def test_em_invariants(seed: int, n: int, d: int, k: int, covariance_type: str, init_params: str) -> None:
    X = _blob_data(seed, n, d, centers=3)
    # reg_covar=0: plain EM, which provably never lowers the likelihood
    # (unless a collapsed covariance had to be repaired).
    model = GaussianMixture(
        k, covariance_type=covariance_type, init_params=init_params, reg_covar=0.0, random_state=seed, tol=1e-6
    )
    steps = list(model.steps(X))
    previous_ll = None
    repaired_before = False
    for step in steps:
        assert step.weights.sum() == pytest.approx(1.0, abs=1e-9)
        _assert_positive_definite(step.covariances, covariance_type)
        assert step.labels.min() >= -1 and step.labels.max() < k
        if step.phase is Phase.E_STEP:
            assert np.isfinite(step.log_likelihood)
            if previous_ll is not None and not repaired_before:
                assert step.log_likelihood >= previous_ll - 1e-9 - 1e-12 * abs(previous_ll)
            previous_ll = step.log_likelihood
            assert step.confidence.min() >= np.float32(1.0 / k) * (1 - 1e-6)
            assert step.confidence.max() <= 1.0
            assert sum(step.cluster_sizes) == n
        if step.phase is Phase.M_STEP:
            repaired_before = step.note is not None and "singular" in step.note
    fitted = GaussianMixture(
        k, covariance_type=covariance_type, init_params=init_params, reg_covar=0.0, random_state=seed, tol=1e-6
    ).fit(X)
    proba = fitted.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(steps[-1].labels, fitted.labels_)
    np.testing.assert_allclose(steps[-1].centers, fitted.means_)
    np.testing.assert_allclose(steps[-1].confidence, proba.max(axis=1), rtol=1e-6)


def test_log_likelihood_never_falls_with_default_regularisation() -> None:
    for name, (X, k) in DATASETS.items():
        for covariance_type in COVARIANCE_TYPES:
            lls = [
                s.log_likelihood
                for s in _run(X, n_components=k, covariance_type=covariance_type, random_state=0, tol=1e-9)
                if s.phase is Phase.E_STEP
            ]
            assert all(b >= a - 1e-9 for a, b in zip(lls, lls[1:])), (name, covariance_type)


def _assert_positive_definite(covariances: np.ndarray, covariance_type: str) -> None:
    if covariance_type in ("full", "tied"):
        matrices = covariances if covariance_type == "full" else covariances[None]
        scale = np.abs(matrices).max()
        np.testing.assert_allclose(matrices, np.swapaxes(matrices, 1, 2), rtol=1e-7, atol=1e-9 * scale)
        assert (np.linalg.eigvalsh(matrices) > 0).all()
    else:
        assert (covariances > 0).all()


# --------------------------------------------------------------------------- collapse


def _collapse_cases() -> dict[str, tuple[np.ndarray, int]]:
    rng = np.random.RandomState(0)
    t = np.linspace(-3, 3, 30)
    return {
        "identical": (np.full((20, 2), 1.5), 3),
        "duplicated": (np.repeat(rng.randn(4, 2), 10, axis=0), 3),
        "collinear": (np.c_[t, 2 * t - 1], 3),
        "k_equals_n": (rng.randn(6, 2), 6),
        "collinear_large_scale": (np.c_[t, 2 * t] * 1e7, 3),
    }


COLLAPSE_CASES = _collapse_cases()


@pytest.mark.parametrize("reg_covar", [1e-6, 0.0], ids=["reg-default", "reg-0"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("case", list(COLLAPSE_CASES))
def test_collapse_never_raises_and_is_explained(case: str, covariance_type: str, reg_covar: float) -> None:
    X, k = COLLAPSE_CASES[case]
    for init_params in ("kmeans", "k-means++"):
        steps = _run(
            X,
            n_components=k,
            covariance_type=covariance_type,
            reg_covar=reg_covar,
            init_params=init_params,
            random_state=0,
        )
        final = steps[-1]
        assert final.phase in (Phase.CONVERGED, Phase.STOPPED)
        assert np.isfinite(final.log_likelihood)
        for step in steps:
            _assert_positive_definite(step.covariances, covariance_type)
            if step.note is not None:
                assert step.note in step.message and "\n" not in step.message
        notes = [s.note for s in steps if s.note]
        if case.startswith("collinear"):
            # only covariances that couple the features see the line
            expect_note = covariance_type in ("full", "tied")
        elif case == "duplicated":
            # the pooled (tied) covariance of 4 distinct spots is not singular
            expect_note = covariance_type != "tied"
        else:
            expect_note = True
        if expect_note:
            assert notes, (init_params, [s.message for s in steps[:3]])


def test_collapse_messages_read_well() -> None:
    X, k = COLLAPSE_CASES["identical"]
    note = _run(X, n_components=k, random_state=0)[0].note
    assert note == (
        "component 0 collapsed onto 20 identical points; components 1, 2 are empty; "
        "only reg_covar=1e-06 keeps the covariance invertible"
    )
    X, k = COLLAPSE_CASES["k_equals_n"]
    note = _run(X, n_components=k, random_state=0)[0].note
    assert note == (
        "components 0, 1, 2 and 3 more collapsed onto single points; "
        "only reg_covar=1e-06 keeps the covariance invertible"
    )
    X, k = COLLAPSE_CASES["collinear"]
    steps = _run(X, n_components=k, reg_covar=0.0, random_state=0)
    assert steps[0].note.startswith("components 0, 1, 2 are flat: their points lie on a line; the covariances of")
    assert "were singular, so" in steps[0].note and "was added to the diagonal" in steps[0].note


@pytest.mark.parametrize("case", ["identical", "duplicated", "collinear"])
def test_repairs_where_sklearn_raises(case: str) -> None:
    X, k = COLLAPSE_CASES[case]
    with pytest.raises(ValueError, match="ill-defined empirical covariance"):
        SkGaussianMixture(k, reg_covar=0.0, random_state=0).fit(X)
    model = GaussianMixture(k, reg_covar=0.0, random_state=0).fit(X)
    assert np.isfinite(model.lower_bound_)
    assert np.isfinite(model.score(X))
    steps = _run(X, n_components=k, reg_covar=0.0, random_state=0)
    repaired = [s for s in steps if s.note and "singular" in s.note]
    assert repaired
    assert "repaired" in steps[-1].message and "reg_covar" in steps[-1].note


def test_tied_collapse_is_described_as_shared() -> None:
    X, k = COLLAPSE_CASES["k_equals_n"]
    note = _run(X, n_components=k, covariance_type="tied", random_state=0)[0].note
    assert note.startswith("every point sits on its component's mean, so the shared covariance is zero")


def test_single_sample_single_component() -> None:
    steps = _run(np.array([[1.0, 2.0]]), n_components=1)
    assert steps[-1].is_final
    np.testing.assert_allclose(steps[-1].centers, [[1.0, 2.0]])


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"n_components": 0}, "n_components"),
        ({"n_components": 2.5}, "n_components"),
        ({"n_components": True}, "n_components"),
        ({"covariance_type": "round"}, "covariance_type"),
        ({"tol": -1.0}, "tol"),
        ({"tol": float("nan")}, "tol"),
        ({"reg_covar": -1e-6}, "reg_covar"),
        ({"max_iter": 0}, "max_iter"),
        ({"init_params": "farthest"}, "init_params"),
        ({"random_state": "seed"}, "random_state"),
        ({"n_components": 2, "weights_init": [1.0]}, "weights_init"),
        ({"n_components": 2, "weights_init": [1.5, -0.5]}, "weights_init"),
        ({"n_components": 2, "weights_init": [0.3, 0.3]}, "weights_init"),
        ({"n_components": 2, "weights_init": ["a", "b"]}, "weights_init"),
        ({"n_components": 2, "means_init": [[0.0, 0.0]]}, "means_init"),
        ({"n_components": 2, "means_init": [[0.0, np.nan], [1.0, 1.0]]}, "means_init"),
        ({"n_components": 2, "precisions_init": np.ones((2, 2, 2))}, "precisions_init"),  # singular
        ({"n_components": 2, "precisions_init": np.eye(2)}, "precisions_init"),  # shape for tied
        ({"n_components": 2, "precisions_init": [[[1.0, 0.5], [0.0, 1.0]]] * 2}, "precisions_init"),  # asymmetric
        (
            {"n_components": 2, "covariance_type": "diag", "precisions_init": [[1.0, -1.0], [1.0, 1.0]]},
            "precisions_init",
        ),
        ({"n_components": 2, "covariance_type": "spherical", "precisions_init": [1.0, 0.0]}, "precisions_init"),
        ({"n_components": 2, "covariance_type": "tied", "precisions_init": np.ones((2, 3))}, "precisions_init"),
    ],
)
def test_bad_parameters_raise_naming_the_parameter(params: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        # Checked when the run starts (or at construction while that is kept).
        GaussianMixture(**params).fit(np.arange(20.0).reshape(10, 2))


def test_bad_data_raises_naming_the_problem() -> None:
    X, _ = DATASETS["blobs"]
    with pytest.raises(ValueError, match="n_components"):
        GaussianMixture(301).fit(X)
    with pytest.raises(ValueError, match="n_components"):
        GaussianMixture(301).steps(X)  # checked at once, not at the first next()
    with pytest.raises(ValueError, match="means_init"):
        GaussianMixture(2, means_init=np.zeros((2, 3))).fit(X)
    with pytest.raises(ValueError, match="precisions_init"):
        GaussianMixture(2, precisions_init=np.stack([np.eye(3)] * 2)).fit(X)
    with pytest.raises(ValueError, match="precisions_init"):
        GaussianMixture(2, covariance_type="diag", precisions_init=np.ones((2, 3))).fit(X)
    bad = X.copy()
    bad[3, 1] = np.nan
    for data in (bad, np.zeros((0, 2)), np.arange(5.0), [["a", "b"]], [[1e200, 0.0], [-1e200, 1.0]]):
        with pytest.raises(ValueError, match="X"):
            GaussianMixture(1).fit(data)


def test_unfitted_and_mismatched_features() -> None:
    X, k = DATASETS["blobs"]
    with pytest.raises(ValueError, match="not fitted"):
        GaussianMixture(k).predict(X)
    model = GaussianMixture(k, random_state=0).fit(X)
    with pytest.raises(ValueError, match="X has 3 feature"):
        model.predict_proba(np.zeros((4, 3)))
