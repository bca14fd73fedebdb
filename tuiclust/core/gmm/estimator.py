"""Gaussian mixture model fitted by EM, observable one E-step and M-step at a time.

:class:`GaussianMixture` has scikit-learn's shape, parameters and defaults
and follows ``sklearn.mixture.GaussianMixture(n_init=1)`` on every detail
that decides its results, so that with the same initialisation both give the
same weights, means, covariances, ``lower_bound_`` and ``n_iter_``:

- initial responsibilities from K-Means labels, k-means++ seeds, uniform
  random numbers or random data points; parameters given by ``weights_init``,
  ``means_init`` or ``precisions_init`` replace the estimated ones;
- each iteration is an E-step (responsibilities and the mean per-sample
  log-likelihood) then an M-step (weights, means, covariances); the first
  change of log-likelihood is +inf and the run converges when the absolute
  change is below ``tol``; ``lower_bound_`` is the log-likelihood of the
  last E-step, so it describes the parameters *before* the last M-step;
- covariances get ``reg_covar`` on their diagonal, the M-step's component
  counts get 10 machine epsilons, precisions go through Cholesky factors;
- after the loop one more E-step makes the labels agree with the final
  parameters.

Where scikit-learn raises ("ill-defined empirical covariance") because a
component collapsed onto a point, a line or duplicated points, this module
adds a small multiple of the data's variance to that covariance's diagonal,
says so in the step's message and ``note``, and carries on. A component that
is flat or empty but still invertible thanks to ``reg_covar`` is described
once, in the step where it happens, and left as scikit-learn leaves it.

The arithmetic lives in :mod:`.kernels` (why it is fast is told there),
the initial responsibilities in :mod:`.init`, one run as steps in
:mod:`.em`, and every step's words in :mod:`.story`; this module holds the
estimator, its parameters and their checks.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np

from ..base import StepwiseEstimator
from ..constraints import Array, Interval, Optional, Options, RandomState, float_array
from ..steps import Step
from ..validation import check_data
from .em import _EMRun, _Result
from .init import INIT_PARAMS
from .kernels import _e_pass, _Features, _log_density, _LogDensity, _precisions

__all__ = ["COVARIANCE_TYPES", "INIT_PARAMS", "GaussianMixture"]

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")

_ALGORITHM = "gmm"
# Data beyond this magnitude would overflow squares and covariances.
_LARGEST_VALUE = 1e150


# ---------------------------------------------------------------------------
# Parameter checks: each returns the normalised value or raises one line
# naming the parameter and the expected shape. Relations to n_components
# and covariance_type are checked when those are known (see constraints).
# ---------------------------------------------------------------------------


def _check_weights_init(name: str, value: Any, checked: Mapping[str, Any]) -> np.ndarray:
    # float32 weights that sum to 1 in float32 are within 1e-6 of 1 in
    # float64: scikit-learn allows that much for float32, 1e-8 otherwise.
    single = getattr(value, "dtype", None) == np.float32
    weights = float_array(name, value)
    k = checked.get("n_components")
    if k is not None and weights.shape != (k,):
        raise ValueError(f"{name} must have shape ({k},) (one weight per component), got {weights.shape}")
    if weights.ndim != 1 or weights.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n_components,) (one weight per component), got {weights.shape}")
    if weights.min() < 0.0 or weights.max() > 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got values from {weights.min():g} to {weights.max():g}")
    if abs(1.0 - weights.sum()) > (1e-6 if single else 1e-8):
        raise ValueError(f"{name} must sum to 1, got a sum of {weights.sum():.10g}")
    return weights


def _check_means_init(name: str, value: Any, checked: Mapping[str, Any]) -> np.ndarray:
    means = float_array(name, value)
    k = checked.get("n_components")
    if means.ndim != 2 or means.shape[1] == 0 or (k is not None and means.shape[0] != k) or means.shape[0] == 0:
        rows = k if k is not None else "n_components"
        raise ValueError(f"{name} must have shape ({rows}, n_features) (one mean per component), got {means.shape}")
    return means


_PRECISION_SHAPES = {
    "full": ("(n_components, n_features, n_features)", 3),
    "tied": ("(n_features, n_features)", 2),
    "diag": ("(n_components, n_features)", 2),
    "spherical": ("(n_components,)", 1),
}


def _check_precisions_init(name: str, value: Any, checked: Mapping[str, Any]) -> np.ndarray:
    precisions = float_array(name, value)
    covariance_type = checked.get("covariance_type")
    k = checked.get("n_components")
    shape = precisions.shape
    if covariance_type is None:
        # The shape depends on the covariance type: without it, only what
        # every type shares (1 to 3 dimensions, positive values on the diagonal).
        if not 1 <= precisions.ndim <= 3 or 0 in shape:
            raise ValueError(f"{name} must have 1 to 3 dimensions as covariance_type sets them, got {shape}")
        return precisions
    shape_text, ndim = _PRECISION_SHAPES[covariance_type]
    bad_shape = (
        precisions.ndim != ndim
        or 0 in shape
        or (covariance_type != "tied" and k is not None and shape[0] != k)
        or (covariance_type in ("full", "tied") and shape[-1] != shape[-2])
    )
    if bad_shape:
        with_k = f" with n_components={k}" if k is not None else ""
        raise ValueError(
            f"{name} for covariance_type={covariance_type!r} must have shape {shape_text}{with_k}, got {shape}"
        )
    if covariance_type in ("full", "tied"):
        matrices = precisions.reshape((-1,) + shape[-2:])
        symmetric = np.allclose(matrices, np.swapaxes(matrices, 1, 2), rtol=1e-5, atol=1e-8)
        if not symmetric or not _positive_definite(matrices):
            raise ValueError(
                f"{name} must hold symmetric positive-definite matrices (inverse covariances); at least one is not"
            )
    elif (precisions <= 0.0).any():
        raise ValueError(f"{name} must be positive, got a minimum of {precisions.min():g}")
    return precisions


def _positive_definite(matrices: np.ndarray) -> bool:
    """True when every matrix of shape (m, d, d) has a Cholesky factor (what the run will need)."""
    if (np.linalg.eigvalsh(matrices) <= 0.0).any():
        return False
    try:
        np.linalg.cholesky(matrices[..., ::-1, ::-1])  # as the run factors them
        np.linalg.inv(matrices)
    except np.linalg.LinAlgError:
        return False
    return True


def _check_precisions_features(precisions: np.ndarray, covariance_type: str, n_features: int) -> None:
    if covariance_type == "spherical":
        return
    if precisions.shape[-1] != n_features:
        raise ValueError(
            f"precisions_init is for {precisions.shape[-1]} feature(s) but X has {n_features}; "
            f"give precisions for {n_features} feature(s)"
        )


class GaussianMixture(StepwiseEstimator):
    """A mixture of Gaussians fitted by expectation-maximisation, step by step.

    Parameters
    ----------
    n_components : int, default 1
        Number of Gaussians, at least 1 and at most the number of samples.
    covariance_type : {"full", "tied", "diag", "spherical"}, default "full"
        Each component has its own full covariance matrix; all share one
        full matrix; each has its own diagonal matrix; each has one variance.
    tol : float, default 1e-3
        The run converges when the mean log-likelihood per sample changes by
        less than ``tol`` between two E-steps.
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance, to keep it invertible.
    max_iter : int, default 100
        Most EM iterations (E-step + M-step), at least 1.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}
        Initial responsibilities: one-hot on K-Means labels, one-hot on the
        k-means++ seed points, uniform random, or one-hot on random points.
    weights_init : array-like of shape (n_components,), optional
        Initial weights, in [0, 1] and summing to 1.
    means_init : array-like of shape (n_components, n_features), optional
    precisions_init : array-like, optional
        Initial precisions (inverse covariances), symmetric positive
        definite, of shape (n_components, n_features, n_features) for
        "full", (n_features, n_features) for "tied", (n_components,
        n_features) for "diag" and (n_components,) for "spherical".
    random_state : None, int, or numpy generator
        Seed for the initialisation. Ints give a legacy ``RandomState`` so
        that draws match scikit-learn's.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray, shaped as ``precisions_init``
    precisions_ : ndarray, shaped as ``precisions_init``
    precisions_cholesky_ : ndarray, shaped as ``precisions_init``
        Upper-triangular factors ``U`` with ``precision = U @ U.T``.
    lower_bound_ : float
        Mean log-likelihood per sample computed in the last E-step.
    lower_bounds_ : list of float
        That value for every iteration.
    n_iter_ : int
    converged_ : bool
    labels_ : ndarray of shape (n_samples,), int64
        Most likely component of every training point under the final
        parameters (``fit(X).labels_ == predict(X)``).
    n_features_in_ : int

    Notes
    -----
    Component numbers in messages are the label values, starting at 0.
    """

    _algorithm = _ALGORITHM
    _fitted_attribute = "_fitted_mixture"
    _parameter_constraints = {
        "n_components": Interval(Integral, 1, None, closed="left"),
        "covariance_type": Options(COVARIANCE_TYPES),
        "tol": Interval(Real, 0.0, None, closed="left"),
        "reg_covar": Interval(Real, 0.0, None, closed="left"),
        "max_iter": Interval(Integral, 1, None, closed="left"),
        "init_params": Options(INIT_PARAMS),
        "weights_init": Optional(Array(_check_weights_init, "(n_components,)")),
        "means_init": Optional(Array(_check_means_init, "(n_components, n_features)")),
        "precisions_init": Optional(Array(_check_precisions_init, "as covariance_type sets it")),
        "random_state": RandomState(),
    }

    def __init__(
        self,
        n_components: int = 1,
        *,
        covariance_type: str = "full",
        tol: float = 1e-3,
        reg_covar: float = 1e-6,
        max_iter: int = 100,
        init_params: str = "kmeans",
        weights_init: Any = None,
        means_init: Any = None,
        precisions_init: Any = None,
        random_state: Any = None,
    ) -> None:
        self._store_params(locals())

    # ------------------------------------------------------------------ steps
    def steps(self, X: Any) -> Iterator[Step]:
        """Run EM on ``X`` and yield a :class:`Step` at every phase.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        Step
            INITIALIZE (iteration 0): the initial means, covariances and
            weights; labels are all -1 because no point is assigned before
            the first E-step. Then, per iteration, E_STEP (labels = most
            likely component, ``confidence`` = largest responsibility,
            ``log_likelihood`` = mean log-likelihood per sample and its
            change since the previous E-step, +inf at the first) and M_STEP
            (new weights, means and covariances; ``previous_centers`` are
            the means before; labels, confidence and log-likelihood are
            those of the E-step before it, the very same arrays). Last,
            CONVERGED or STOPPED (at ``max_iter``), carrying the final
            parameters and the labels, confidence and log-likelihood of one
            more E-step on them.

            A step whose ``note`` is set tells, in plain words, of
            components that collapsed (onto a point, a line, duplicated
            points) or emptied, and of any covariance repaired to carry on.

            The INITIALIZE step shows the initial weights normalised to sum
            to 1; for "k-means++" and "random_from_data" scikit-learn's
            initial weights are each seed's share of all points, and those
            raw weights are what the first E-step uses, as in scikit-learn.

        Raises
        ------
        ValueError
            Bad data, ``n_components`` larger than the number of samples, or
            ``means_init`` / ``precisions_init`` with the wrong number of
            features.
        """
        return super().steps(X)

    def _run(self, X: np.ndarray, params: dict[str, Any], *, narrate: bool) -> Generator[Step, None, _Result]:
        """Check ``X`` against the parameters and set up a run (checks happen now, not lazily)."""
        n_samples, n_features = X.shape
        k = params["n_components"]
        if k > n_samples:
            raise ValueError(
                f"n_components={k} is larger than the number of samples ({n_samples}); use n_components <= {n_samples}"
            )
        peak = float(np.abs(X).max())
        if peak > _LARGEST_VALUE:
            raise ValueError(
                f"X holds values as large as {peak:.3g}; squares of values beyond {_LARGEST_VALUE:g} "
                "overflow the covariances: scale the data first"
            )
        means_init = params["means_init"]
        if means_init is not None and means_init.shape[1] != n_features:
            raise ValueError(
                f"means_init has {means_init.shape[1]} column(s) but X has {n_features} feature(s); "
                f"give means_init of shape ({k}, {n_features})"
            )
        if params["precisions_init"] is not None:
            _check_precisions_features(params["precisions_init"], params["covariance_type"], n_features)
        return _EMRun(params, X).steps()

    def _set_fitted(self, final: _Result) -> None:
        """The learned attributes, from the run's final state."""
        mixture = final.mixture
        self.weights_ = mixture.weights.copy()
        self.means_ = mixture.means + final.offset
        self.covariances_ = mixture.covariances.copy()
        self.precisions_cholesky_ = mixture.precisions_cholesky.copy()
        self.precisions_ = _precisions(mixture.precisions_cholesky, final.covariance_type)
        self.lower_bound_ = final.lower_bound
        self.lower_bounds_ = list(final.lower_bounds)
        self.n_iter_ = final.n_iter
        self.converged_ = final.converged
        self.labels_ = final.labels.astype(np.int64)
        self.n_features_in_ = int(final.offset.shape[0])
        self._fitted_covariance_type = final.covariance_type
        self._offset = final.offset
        self._fitted_mixture = mixture

    def _convergence_warnings(self) -> list[str]:
        """As scikit-learn: a fit that did not converge."""
        if self.converged_:
            return []
        return [
            f"GaussianMixture did not converge in {self.n_iter_} iteration{'s' if self.n_iter_ != 1 else ''}; "
            "increase max_iter or tol, try other init_params, or check for degenerate data"
        ]

    # ---------------------------------------------------------------- predict
    def predict(self, X: Any) -> np.ndarray:
        """Most likely component of each point.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,), int64
        """
        features, density = self._score_setup(X)
        labels = np.empty(features.n_samples, dtype=np.int64)
        _e_pass(features, density, labels_out=labels)
        return labels

    def predict_proba(self, X: Any) -> np.ndarray:
        """Responsibilities: the probability of each component for each point.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_components)
            Every row sums to 1.
        """
        features, density = self._score_setup(X)
        resp = np.empty((features.n_samples, self._fitted_mixture.weights.shape[0]))
        _e_pass(features, density, resp_out=resp)
        return resp

    def score_samples(self, X: Any) -> np.ndarray:
        """Log-likelihood of each point under the fitted mixture, shape (n_samples,)."""
        features, density = self._score_setup(X)
        log_prob = np.empty(features.n_samples)
        _e_pass(features, density, log_prob_out=log_prob)
        return log_prob

    def score(self, X: Any) -> float:
        """Mean log-likelihood per point of ``X`` under the fitted mixture."""
        features, density = self._score_setup(X)
        return _e_pass(features, density).log_likelihood_sum / features.n_samples

    def bic(self, X: Any) -> float:
        """Bayesian information criterion on ``X`` (lower is better), as scikit-learn computes it."""
        n_samples = check_data(X).shape[0]
        return -2.0 * self.score(X) * n_samples + self._n_parameters() * math.log(n_samples)

    def aic(self, X: Any) -> float:
        """Akaike information criterion on ``X`` (lower is better), as scikit-learn computes it."""
        n_samples = check_data(X).shape[0]
        return -2.0 * self.score(X) * n_samples + 2 * self._n_parameters()

    def _n_parameters(self) -> int:
        """Free parameters of the fitted model: weights, means and covariances."""
        self._check_fitted()
        k = self._fitted_mixture.weights.shape[0]
        d = self.n_features_in_
        covariance_parameters = {
            "full": k * d * (d + 1) / 2.0,
            "tied": d * (d + 1) / 2.0,
            "diag": k * d,
            "spherical": k,
        }[self._fitted_covariance_type]
        return int(covariance_parameters + k * d + k - 1)

    def _check_fitted(self) -> None:
        self._check_is_fitted()

    def _score_setup(self, X: Any) -> tuple[_Features, _LogDensity]:
        self._check_fitted()
        X = check_data(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} feature(s) but the mixture was fitted on {self.n_features_in_}; "
                f"give X with {self.n_features_in_} column(s)"
            )
        features = _Features(X - self._offset, self._fitted_covariance_type, cache=False)
        return features, _log_density(self._fitted_mixture, self._fitted_covariance_type, features)
