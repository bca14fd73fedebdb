"""The estimator contract: every step-wise estimator passes the same checks.

To add an estimator, add one :class:`Case` line to ``ESTIMATORS``: the class,
a parameter to set to a bad value after construction (and the word its
message must contain), and whether it has ``predict``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from tuiclust.core import (
    DBSCAN,
    HDBSCAN,
    AgglomerativeClustering,
    GaussianMixture,
    KMeans,
    NotFittedError,
    StepwiseEstimator,
)
from tuiclust.core.steps import Step


@dataclass(frozen=True)
class Case:
    """One estimator under contract.

    Attributes
    ----------
    cls : type
        A :class:`StepwiseEstimator` subclass.
    bad : dict
        One parameter -> a value the constraints refuse (set after construction).
    other : dict
        One parameter -> another valid value, for ``set_params``.
    has_predict : bool
    seeded : bool
        The estimator has ``random_state``.
    """

    cls: type
    bad: dict[str, Any]
    other: dict[str, Any]
    has_predict: bool
    seeded: bool

    @property
    def id(self) -> str:
        return self.cls.__name__


ESTIMATORS = [
    Case(KMeans, bad={"n_clusters": 0}, other={"n_clusters": 4}, has_predict=True, seeded=True),
    Case(DBSCAN, bad={"eps": -1.0}, other={"min_samples": 7}, has_predict=False, seeded=False),
    Case(GaussianMixture, bad={"weights_init": [1.5, 0.7]}, other={"n_components": 2}, has_predict=True, seeded=True),
    Case(
        AgglomerativeClustering, bad={"linkage": "centroid"}, other={"n_clusters": 4}, has_predict=False, seeded=False
    ),
    Case(HDBSCAN, bad={"min_cluster_size": 1}, other={"min_samples": 3}, has_predict=False, seeded=False),
]

contract = pytest.mark.parametrize("case", ESTIMATORS, ids=[c.id for c in ESTIMATORS])


@pytest.fixture(scope="module")
def blobs() -> np.ndarray:
    X, _ = make_blobs(n_samples=300, centers=3, cluster_std=0.6, random_state=0)
    return X


def _seeded(case: Case, seed: int = 0) -> StepwiseEstimator:
    return case.cls(random_state=seed) if case.seeded else case.cls()


@contract
def test_is_a_stepwise_estimator_with_keyword_parameters(case: Case) -> None:
    assert issubclass(case.cls, StepwiseEstimator)
    names = case.cls.parameter_names()
    assert names and all(isinstance(n, str) for n in names)
    # scikit-learn's shape: at most the first parameter is positional.
    with pytest.raises(TypeError):
        case.cls(*[None] * 2)


@contract
def test_defaults_construct_and_fit_on_blobs(case: Case, blobs: np.ndarray) -> None:
    model = case.cls()
    assert model.get_params() == case.cls.default_params()
    assert model.fit(blobs) is model
    assert model.labels_.shape == (blobs.shape[0],)
    assert model.n_features_in_ == 2


@contract
def test_steps_are_deterministic_for_a_seed(case: Case, blobs: np.ndarray) -> None:
    def run() -> list[Step]:
        return list(_seeded(case).steps(blobs))

    first, second = run(), run()
    assert len(first) == len(second) > 1
    for a, b in zip(first, second):
        assert (a.phase, a.iteration, a.message) == (b.phase, b.iteration, b.message)
        np.testing.assert_array_equal(a.labels, b.labels)


@contract
def test_last_step_labels_equal_labels_(case: Case, blobs: np.ndarray) -> None:
    model = _seeded(case)
    steps = list(model.steps(blobs))
    assert steps[-1].is_final
    np.testing.assert_array_equal(steps[-1].labels, model.labels_)  # set by draining steps
    fitted = _seeded(case).fit(blobs)
    np.testing.assert_array_equal(steps[-1].labels, fitted.labels_)


@contract
def test_a_parameter_set_after_construction_is_validated(case: Case, blobs: np.ndarray) -> None:
    ((name, value),) = case.bad.items()
    model = case.cls()
    setattr(model, name, value)
    for call in (lambda: model.fit(blobs), lambda: model.steps(blobs)):
        with pytest.raises(ValueError, match=name):
            call()
    model.set_params(**{name: value})
    with pytest.raises(ValueError, match=name):
        model.fit(blobs)


@contract
def test_predict_before_fit_raises_not_fitted_error(case: Case, blobs: np.ndarray) -> None:
    if not case.has_predict:
        assert not hasattr(case.cls, "predict")
        return
    with pytest.raises(NotFittedError, match=f"This {case.cls.__name__} is not fitted yet; call fit"):
        case.cls().predict(blobs)
    # scikit-learn's NotFittedError is both.
    with pytest.raises(ValueError):
        case.cls().predict(blobs)
    with pytest.raises(AttributeError):
        case.cls().predict(blobs)


@contract
def test_get_params_set_params_round_trip(case: Case) -> None:
    model = case.cls()
    params = model.get_params()
    assert tuple(params) == case.cls.parameter_names()
    clone = case.cls(**params)
    assert clone.get_params() == params
    assert model.set_params(**case.other) is model
    assert model.get_params() == {**params, **case.other}
    with pytest.raises(ValueError, match="is not a parameter of"):
        model.set_params(not_a_parameter=1)


@contract
def test_check_params_normalises_and_rejects(case: Case) -> None:
    defaults = case.cls.default_params()
    checked = case.cls.check_params(defaults)
    assert tuple(checked) == case.cls.parameter_names()
    assert case.cls.check_params({}) == {}
    ((name, value),) = case.bad.items()
    with pytest.raises(ValueError) as err:
        case.cls.check_params({name: value})
    assert str(err.value).startswith(name) and "\n" not in str(err.value)
    with pytest.raises(ValueError) as err:
        case.cls.check_params({"not_a_parameter": 1})
    expected = (
        f"not_a_parameter is not a parameter of {case.cls._algorithm}; "
        f"its parameters are {', '.join(case.cls.parameter_names())}"
    )
    assert str(err.value) == expected


# ------------------------------------------------------------ exact wording
def test_check_params_messages_are_the_ones_scenes_and_flags_show() -> None:
    with pytest.raises(ValueError) as err:
        KMeans.check_params({"n_clusters": "three"})
    assert str(err.value) == "n_clusters must be an integer >= 1, got 'three'"
    with pytest.raises(ValueError) as err:
        KMeans.check_params({"eps": 0.5})
    assert str(err.value) == (
        "eps is not a parameter of kmeans; its parameters are n_clusters, init, max_iter, tol, random_state"
    )
    with pytest.raises(ValueError) as err:
        DBSCAN.check_params({"eps": 0})
    assert str(err.value) == "eps must be > 0.0, got 0.0"
    with pytest.raises(ValueError) as err:
        GaussianMixture.check_params({"covariance_type": "round"})
    assert str(err.value) == "covariance_type must be one of 'full', 'tied', 'diag', 'spherical'; got 'round'"


def test_check_params_normalises_values() -> None:
    checked = GaussianMixture.check_params({"n_components": np.int64(2), "tol": 1, "weights_init": [0.5, 0.5]})
    assert type(checked["n_components"]) is int and type(checked["tol"]) is float
    assert checked["weights_init"].dtype == np.float64 and not checked["weights_init"].flags.writeable
    # Relations are checked among the given parameters only.
    assert KMeans.check_params({"init": [[0.0, 0.0], [1.0, 1.0]]})["init"].shape == (2, 2)
    with pytest.raises(ValueError, match=r"init array has shape \(2, 2\) but n_clusters=3"):
        KMeans.check_params({"n_clusters": 3, "init": [[0.0, 0.0], [1.0, 1.0]]})
