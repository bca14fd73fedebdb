"""Issue 17, items 1-4 (and issue 10, item 4's checks): each case failed before its fix.

1. Tied (and diag / spherical) GMM from one-hot starts equal scikit-learn on
   uncentred data with more than two columns, for every covariance type and
   every ``init_params``.
2. An empty component's mean is where scikit-learn leaves it (the origin).
3. Parameters set after construction are checked at ``fit``; float32
   ``weights_init`` summing to 1 in float32 is accepted; bad
   ``precisions_init`` / ``weights_init`` / ``means_init`` get one line
   naming the parameter and the expected shape.
4. ``fit`` warns with :class:`tuiclust.core.ConvergenceWarning` where
   scikit-learn warns.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from threadpoolctl import threadpool_limits

from tuiclust.core import ConvergenceWarning, GaussianMixture, KMeans, NotFittedError
from tuiclust.core.gmm import COVARIANCE_TYPES, INIT_PARAMS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

_DATA = {
    "iris": (load_iris().data, 3),
    "wine": (load_wine().data, 3),
}


@pytest.fixture(autouse=True, scope="module")
def _single_threaded_blas() -> object:
    with threadpool_limits(limits=1):
        yield


def _quiet_fit(model: object, X: np.ndarray) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X)  # type: ignore[attr-defined]


# ------------------------------------------------------------------ item 1
@pytest.mark.parametrize("init_params", INIT_PARAMS)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("name", list(_DATA))
def test_every_covariance_type_and_start_equals_sklearn_on_uncentred_data(
    name: str, covariance_type: str, init_params: str
) -> None:
    X, k = _DATA[name]
    ours = _quiet_fit(GaussianMixture(k, covariance_type=covariance_type, init_params=init_params, random_state=0), X)
    ref = _quiet_fit(SkGaussianMixture(k, covariance_type=covariance_type, init_params=init_params, random_state=0), X)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_allclose(ours.weights_, ref.weights_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.means_, ref.means_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.covariances_, ref.covariances_, rtol=1e-6, atol=1e-9)
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-7)


def test_tied_initial_covariance_from_seeds_is_sklearns() -> None:
    # The review's numbers: scikit-learn's initial tied diagonal on iris is
    # [1706.0, 466.6, 844.9, 98.8]; the centred formula gave [33.6, 9.2, 152.2, 28.3].
    X, _ = _DATA["iris"]
    first = next(
        s for s in GaussianMixture(3, covariance_type="tied", init_params="k-means++", random_state=0).steps(X)
    )
    np.testing.assert_allclose(np.diag(first.covariances), [1706.0, 466.6, 844.9, 98.8], rtol=1e-3)


@pytest.mark.parametrize("init_params", ["k-means++", "random_from_data"])
def test_tied_on_raw_breast_cancer_stops_when_sklearn_does(init_params: str) -> None:
    X = load_breast_cancer().data
    ours = _quiet_fit(GaussianMixture(2, covariance_type="tied", init_params=init_params, random_state=0), X)
    ref = _quiet_fit(SkGaussianMixture(2, covariance_type="tied", init_params=init_params, random_state=0), X)
    assert ours.n_iter_ == ref.n_iter_ == 3
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


# ------------------------------------------------------------------ item 2
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_an_empty_component_stays_at_the_origin_as_in_sklearn(covariance_type: str) -> None:
    X = np.tile([[3.0, 4.0]], (10, 1))  # every point identical: k-means leaves one component empty
    ours = _quiet_fit(GaussianMixture(2, covariance_type=covariance_type, random_state=0), X)
    ref = _quiet_fit(SkGaussianMixture(2, covariance_type=covariance_type, random_state=0), X)
    np.testing.assert_allclose(ours.means_, ref.means_, atol=1e-12)
    assert np.all(ours.means_[1] == 0.0)


# ------------------------------------------------------------------ item 3
@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("weights_init", [1.5, 0.7], ["weights_init", "[0, 1]"]),
        ("weights_init", [0.2, 0.2, 0.6], ["weights_init", "(2,)"]),
        ("means_init", [[0.0, 0.0]], ["means_init", "(2, n_features)"]),
        ("precisions_init", [[[1.0, 0.0], [0.0, 1.0]]], ["precisions_init", "(n_components, n_features, n_features)"]),
        ("precisions_init", np.ones((2, 2, 2)), ["precisions_init", "positive-definite"]),
        ("n_components", "two", ["n_components", "integer"]),
    ],
)
def test_parameters_set_after_construction_are_checked_at_fit(name: str, value: object, words: list[str]) -> None:
    X = np.random.RandomState(0).normal(size=(40, 2))
    model = GaussianMixture(2, random_state=0)
    setattr(model, name, value)
    for call in (lambda: model.fit(X), lambda: model.steps(X)):
        with pytest.raises(ValueError) as err:
            call()
        message = str(err.value)
        assert "\n" not in message
        for word in words:
            assert word in message


@pytest.mark.parametrize("covariance_type", ["diag", "spherical"])
def test_negative_precisions_set_after_construction_are_refused(covariance_type: str) -> None:
    X = np.random.RandomState(0).normal(size=(40, 2))
    model = GaussianMixture(2, covariance_type=covariance_type, random_state=0)
    model.precisions_init = -np.ones((2, 2)) if covariance_type == "diag" else -np.ones(2)
    with pytest.raises(ValueError, match="precisions_init must be positive"):
        model.fit(X)


def test_float32_weights_that_sum_to_one_in_float32_are_accepted() -> None:
    weights = np.full(3, 1 / 3, dtype=np.float32)  # sums to 1 in float32, to 1.00000003 in float64
    assert weights.sum(dtype=np.float32) == 1.0
    assert abs(float(weights.astype(np.float64).sum()) - 1.0) > 1e-8  # the case that was refused
    X, k = _DATA["iris"]
    model = _quiet_fit(GaussianMixture(k, weights_init=weights, random_state=0), X)
    assert model.weights_.shape == (3,)
    with pytest.raises(ValueError, match="weights_init must sum to 1"):
        GaussianMixture.check_params({"n_components": 3, "weights_init": np.array([0.1, 0.2, 0.69], np.float32)})
    # float64 keeps scikit-learn's 1e-8.
    with pytest.raises(ValueError, match="weights_init must sum to 1"):
        GaussianMixture.check_params({"n_components": 2, "weights_init": [0.5, 0.5 + 1e-7]})


def test_a_precision_that_cannot_be_factored_is_one_line_naming_it() -> None:
    # Symmetric, eigenvalues barely positive, 1e300 apart: numpy's Cholesky
    # or inverse would fail with its own message.
    bad = np.array([[[1e300, 0.0], [0.0, 1e-300]]] * 2)
    with pytest.raises(ValueError) as err:
        GaussianMixture(2, precisions_init=bad).fit(np.random.RandomState(0).normal(size=(20, 2)))
    assert str(err.value).startswith("precisions_init") and "\n" not in str(err.value)


def test_predict_before_fit_is_not_fitted_error_naming_the_estimator() -> None:
    for model, method in ((KMeans(2), "predict"), (GaussianMixture(2), "predict"), (GaussianMixture(2), "score")):
        with pytest.raises(NotFittedError, match=f"This {type(model).__name__} is not fitted yet"):
            getattr(model, method)(np.zeros((3, 2)))
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)


# ------------------------------------------------------------------ item 4
def test_gmm_fit_warns_when_stopped_at_max_iter() -> None:
    X, k = _DATA["iris"]
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        GaussianMixture(k, max_iter=2, random_state=0).fit(X)
    assert issubclass(ConvergenceWarning, UserWarning)


def test_kmeans_fit_warns_when_stopped_at_max_iter() -> None:
    X, _ = _DATA["wine"]
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        KMeans(8, init="random", max_iter=1, random_state=0).fit(X)


def test_kmeans_fit_warns_on_fewer_distinct_clusters_than_asked_as_sklearn() -> None:
    X = np.array([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 5)
    with pytest.warns(ConvergenceWarning, match="2 distinct clusters, fewer than n_clusters=3"):
        KMeans(3, random_state=0).fit(X)


def test_a_converged_fit_and_the_steps_do_not_warn() -> None:
    X, k = _DATA["iris"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        KMeans(k, random_state=0).fit(X)
        GaussianMixture(k, random_state=0).fit(X)
        list(GaussianMixture(k, max_iter=2, random_state=0).steps(X))  # the step's note tells instead
