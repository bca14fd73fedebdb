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

How the arithmetic is organised (why it is fast): every point is expanded
once into its features ``[1, x, second-order products of x]``. For every
covariance type, the weighted log-density of all components is then one
matrix product of a small coefficient matrix with those features, and the
M-step's sufficient statistics (counts, first and second moments) are one
more matrix product with the responsibilities. Both run over blocks of rows
that stay in the CPU cache, in a single pass per iteration, and the data is
mean-centred first so that the expanded quadratic forms stay accurate. A
component so sharp that the expansion would lose digits (tiny compared with
the spread of the data) is computed from ``x - mean`` instead, as
scikit-learn computes every full covariance.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import linalg
from scipy.linalg import lapack

from .steps import Phase, Step, compact_labels, frozen_array
from .validation import check_choice, check_data, check_int, check_random_state, check_real

__all__ = ["GaussianMixture", "COVARIANCE_TYPES", "INIT_PARAMS"]

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")

_ALGORITHM = "gmm"
_MINUS = "\u2212"
_LOG_2PI = math.log(2.0 * math.pi)
_EPS = float(np.finfo(np.float64).eps)
# Values per block of features (columns x rows): about 512 KiB, so a block,
# its log-densities and its responsibilities stay in the L2 cache.
_BLOCK_VALUES = 1 << 16
# Hard cap on one block of features (64 MiB): wide data gets fewer rows per block.
_MAX_BLOCK_VALUES = 1 << 23
# Keep the expanded features between iterations when they take at most this.
_FEATURE_CACHE_BYTES = 64 << 20
# A component whose empirical covariance has an eigenvalue below this
# fraction of the data's mean variance has no spread in some direction.
_FLAT_FRACTION = 1e-9
# First repair of a singular covariance: scikit-learn's default reg_covar,
# relative to the data's mean variance.
_REPAIR_FRACTION = 1e-6
# A covariance whose smallest eigenvalue is below this fraction of the data's
# mean variance is singular for all practical purposes (its precision would
# be meaningless), even when its Cholesky factorisation goes through.
_SINGULAR_FRACTION = 1e-12
# A covariance whose smallest eigenvalue is below this fraction of the largest
# squared norm of a point is recomputed from x - mean: the expanded form would
# leave it with a relative error above about 1e-8.
_REFINE_BELOW = 1e8 * _EPS
# Sharpness (largest precision eigenvalue x largest squared norm) above which
# the expanded quadratic forms would lose more than about 1e-9 to
# cancellation; such components are computed directly, from x - mean.
_DIRECT_ABOVE = 1e6
# Data beyond this magnitude would overflow squares and covariances.
_LARGEST_VALUE = 1e150
_INIT_SOURCES = {
    "kmeans": "k-means",
    "k-means++": "k-means++ seeds",
    "random": "random responsibilities",
    "random_from_data": "random data points",
}


class GaussianMixture:
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
        self.n_components = check_int("n_components", n_components, low=1)
        self.covariance_type = check_choice("covariance_type", covariance_type, COVARIANCE_TYPES)
        self.tol = check_real("tol", tol, low=0.0)
        self.reg_covar = check_real("reg_covar", reg_covar, low=0.0)
        self.max_iter = check_int("max_iter", max_iter, low=1)
        self.init_params = check_choice("init_params", init_params, INIT_PARAMS)
        k = self.n_components
        self.weights_init = None if weights_init is None else _check_weights_init(weights_init, k)
        self.means_init = None if means_init is None else _check_means_init(means_init, k)
        self.precisions_init = (
            None
            if precisions_init is None
            else _check_precisions_init(precisions_init, self.covariance_type, k)
        )
        if random_state is not None:
            check_random_state(random_state)  # reject bad seeds now, not at fit time
        self.random_state = random_state

    def __repr__(self) -> str:
        given = [name for name in ("weights_init", "means_init", "precisions_init") if getattr(self, name) is not None]
        extra = "".join(f", {name}=array{getattr(self, name).shape}" for name in given)
        return (
            f"GaussianMixture(n_components={self.n_components}, covariance_type={self.covariance_type!r}, "
            f"tol={self.tol}, reg_covar={self.reg_covar}, max_iter={self.max_iter}, "
            f"init_params={self.init_params!r}{extra}, random_state={self.random_state!r})"
        )

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
        return self._prepare(X).steps()

    def _prepare(self, X: Any) -> "_EMRun":
        """Validate ``X`` against the parameters and set up a run (checks happen now, not lazily)."""
        X = check_data(X)
        n_samples, n_features = X.shape
        k = self.n_components
        if k > n_samples:
            raise ValueError(
                f"n_components={k} is larger than the number of samples ({n_samples}); "
                f"use n_components <= {n_samples}"
            )
        peak = float(np.abs(X).max())
        if peak > _LARGEST_VALUE:
            raise ValueError(
                f"X holds values as large as {peak:.3g}; squares of values beyond {_LARGEST_VALUE:g} "
                "overflow the covariances: scale the data first"
            )
        if self.means_init is not None and self.means_init.shape[1] != n_features:
            raise ValueError(
                f"means_init has {self.means_init.shape[1]} column(s) but X has {n_features} feature(s); "
                f"give means_init of shape ({k}, {n_features})"
            )
        if self.precisions_init is not None:
            _check_precisions_features(self.precisions_init, self.covariance_type, n_features)
        return _EMRun(self, X)

    # -------------------------------------------------------------------- fit
    def fit(self, X: Any) -> "GaussianMixture":
        """Run EM on ``X`` to the end and set the fitted attributes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        self
        """
        run = self._prepare(X)
        for _ in run.steps():
            pass
        result = run.result
        assert result is not None
        mixture = result.mixture
        self.weights_ = mixture.weights.copy()
        self.means_ = mixture.means + run.offset
        self.covariances_ = mixture.covariances.copy()
        self.precisions_cholesky_ = mixture.precisions_cholesky.copy()
        self.precisions_ = _precisions(mixture.precisions_cholesky, self.covariance_type)
        self.lower_bound_ = result.lower_bound
        self.lower_bounds_ = list(result.lower_bounds)
        self.n_iter_ = result.n_iter
        self.converged_ = result.converged
        self.labels_ = result.labels.astype(np.int64)
        self.n_features_in_ = run.n_features
        self._offset = run.offset
        self._fitted_mixture = mixture
        return self

    def fit_predict(self, X: Any) -> np.ndarray:
        """Fit on ``X`` and return the labels of its points, shape (n_samples,), int64."""
        return self.fit(X).labels_.copy()

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
        resp = np.empty((features.n_samples, self.n_components))
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
        k = self.n_components
        d = self.n_features_in_
        covariance_parameters = {
            "full": k * d * (d + 1) / 2.0,
            "tied": d * (d + 1) / 2.0,
            "diag": k * d,
            "spherical": k,
        }[self.covariance_type]
        return int(covariance_parameters + k * d + k - 1)

    def _check_fitted(self) -> None:
        if not hasattr(self, "_fitted_mixture"):
            raise ValueError("this GaussianMixture is not fitted yet; call fit(X) first")

    def _score_setup(self, X: Any) -> tuple["_Features", "_LogDensity"]:
        self._check_fitted()
        X = check_data(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} feature(s) but the mixture was fitted on {self.n_features_in_}; "
                f"give X with {self.n_features_in_} column(s)"
            )
        features = _Features(X - self._offset, self.covariance_type, cache=False)
        return features, _log_density(self._fitted_mixture, self.covariance_type, features)


# ---------------------------------------------------------------------------
# Parameter checks
# ---------------------------------------------------------------------------


def _float_array(name: str, value: Any) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {value!r}") from None
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} holds NaN or infinite values; give finite numbers")
    arr.flags.writeable = False
    return arr


def _check_weights_init(value: Any, k: int) -> np.ndarray:
    weights = _float_array("weights_init", value)
    if weights.shape != (k,):
        raise ValueError(f"weights_init must have shape ({k},) (one weight per component), got {weights.shape}")
    if weights.min() < 0.0 or weights.max() > 1.0:
        raise ValueError(
            f"weights_init must lie in [0, 1], got values from {weights.min():g} to {weights.max():g}"
        )
    if abs(1.0 - weights.sum()) > 1e-8:
        raise ValueError(f"weights_init must sum to 1, got a sum of {weights.sum():.10g}")
    return weights


def _check_means_init(value: Any, k: int) -> np.ndarray:
    means = _float_array("means_init", value)
    if means.ndim != 2 or means.shape[0] != k or means.shape[1] == 0:
        raise ValueError(
            f"means_init must have shape ({k}, n_features) (one mean per component), got {means.shape}"
        )
    return means


def _check_precisions_init(value: Any, covariance_type: str, k: int) -> np.ndarray:
    precisions = _float_array("precisions_init", value)
    expected = {
        "full": ("(n_components, n_features, n_features)", 3),
        "tied": ("(n_features, n_features)", 2),
        "diag": ("(n_components, n_features)", 2),
        "spherical": ("(n_components,)", 1),
    }[covariance_type]
    shape_text, ndim = expected
    shape = precisions.shape
    bad_shape = (
        precisions.ndim != ndim
        or 0 in shape
        or (covariance_type != "tied" and shape[0] != k)
        or (covariance_type in ("full", "tied") and shape[-1] != shape[-2])
    )
    if bad_shape:
        raise ValueError(
            f"precisions_init for covariance_type={covariance_type!r} must have shape {shape_text} "
            f"with n_components={k}, got {shape}"
        )
    if covariance_type in ("full", "tied"):
        matrices = precisions.reshape((-1,) + shape[-2:])
        symmetric = np.allclose(matrices, np.swapaxes(matrices, 1, 2), rtol=1e-5, atol=1e-8)
        if not symmetric or (np.linalg.eigvalsh(matrices) <= 0.0).any():
            raise ValueError(
                "precisions_init must hold symmetric positive-definite matrices "
                "(inverse covariances); at least one is not"
            )
    elif (precisions <= 0.0).any():
        raise ValueError(f"precisions_init must be positive, got a minimum of {precisions.min():g}")
    return precisions


def _check_precisions_features(precisions: np.ndarray, covariance_type: str, n_features: int) -> None:
    if covariance_type == "spherical":
        return
    if precisions.shape[-1] != n_features:
        raise ValueError(
            f"precisions_init is for {precisions.shape[-1]} feature(s) but X has {n_features}; "
            f"give precisions for {n_features} feature(s)"
        )


# ---------------------------------------------------------------------------
# The mixture's numbers and the arithmetic of EM
# ---------------------------------------------------------------------------


@dataclass
class _Mixture:
    """The parameters of a mixture, means in mean-centred coordinates.

    Attributes
    ----------
    weights : ndarray of shape (k,)
    means : ndarray of shape (k, d)
    covariances : ndarray in scikit-learn's shape for the covariance type
    precisions_cholesky : ndarray in the same shape
        Upper-triangular ``U`` with ``inverse(covariance) = U @ U.T`` (full,
        tied), or ``1 / sqrt(variance)`` (diag, spherical).
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    precisions_cholesky: np.ndarray


class _Features:
    """Every point expanded to ``[1, x, second-order products of x]``, in blocks of rows.

    The second-order products are ``x_i * x_j`` for ``i <= j`` (full
    covariances), only the squares ``x_i ** 2`` (diag, spherical), or none
    (tied: its quadratic term is the same for every component, so it is
    computed once per point as ``|U' x|^2`` instead of through d^2 / 2
    columns). A block is an array of shape (n_columns, rows): a column per
    point, so that per-point results are contiguous rows.

    Parameters
    ----------
    Xc : ndarray of shape (n_samples, n_features)
        Mean-centred data.
    covariance_type : str
    cache : bool
        Keep the blocks between passes when they fit in a modest budget.
    """

    def __init__(self, Xc: np.ndarray, covariance_type: str, *, cache: bool) -> None:
        self.n_samples, self.n_features = Xc.shape
        d = self.n_features
        if covariance_type == "full":
            first, second = np.triu_indices(d)
        elif covariance_type == "tied":
            first = second = np.zeros(0, dtype=np.intp)
        else:
            first = second = np.arange(d)
        self.first, self.second = first, second
        self.n_columns = 1 + d + len(first)
        self._xt = np.ascontiguousarray(Xc.T)
        # Largest squared norm of a point: sets how much the expanded
        # quadratic forms can lose to cancellation.
        self.radius2 = float(np.einsum("ij,ij->i", Xc, Xc).max()) if self.n_samples else 0.0
        self.bounds = [(lo, min(lo + self.rows, self.n_samples)) for lo in range(0, self.n_samples, self.rows)]
        self._blocks: list[np.ndarray] | None = None
        if cache and self.n_columns * self.n_samples * 8 <= _FEATURE_CACHE_BYTES:
            self._blocks = [self._build(lo, hi) for lo, hi in self.bounds]

    @property
    def rows(self) -> int:
        """Rows per block: cache-sized, at least 256 for fast matrix products, never over the memory cap."""
        rows = min(16384, max(256, _BLOCK_VALUES // self.n_columns))
        # Many columns (full covariance on wide data): fewer rows, so that
        # one block never takes more than _MAX_BLOCK_VALUES.
        return max(1, min(rows, _MAX_BLOCK_VALUES // self.n_columns))

    def _build(self, lo: int, hi: int) -> np.ndarray:
        d = self.n_features
        block = np.empty((self.n_columns, hi - lo))
        block[0] = 1.0
        xt = self._xt[:, lo:hi]
        block[1 : 1 + d] = xt
        if len(self.first):
            np.multiply(xt[self.first], xt[self.second], out=block[1 + d :])
        return block

    def blocks(self) -> Iterator[tuple[int, int, np.ndarray]]:
        """Yield ``(lo, hi, block)`` for consecutive row ranges."""
        for i, (lo, hi) in enumerate(self.bounds):
            yield lo, hi, (self._blocks[i] if self._blocks is not None else self._build(lo, hi))

    def second_moment_total(self) -> np.ndarray:
        """``Xc.T @ Xc``, shape (d, d)."""
        return self._xt @ self._xt.T


def _log_det_cholesky(precisions_cholesky: np.ndarray, covariance_type: str, n_features: int) -> np.ndarray | float:
    """Log-determinant of each precision's Cholesky factor, shape (k,) (a float for tied)."""
    if covariance_type == "full":
        return np.log(np.diagonal(precisions_cholesky, axis1=1, axis2=2)).sum(axis=1)
    if covariance_type == "tied":
        return float(np.log(np.diagonal(precisions_cholesky)).sum())
    if covariance_type == "diag":
        return np.log(precisions_cholesky).sum(axis=1)
    return n_features * np.log(precisions_cholesky)


@dataclass
class _LogDensity:
    """How to compute every component's ``log(weight * density)`` for a block of features.

    Attributes
    ----------
    coefficients : ndarray of shape (k, n_columns)
        ``coefficients @ block`` gives all components at once (for tied,
        all but the shared quadratic term).
    shared_transform : ndarray of shape (d, d) or None
        Tied only: ``U'`` with ``precision = U U'``; every component's
        log-density also has ``-0.5 * |U' x|^2``.
    direct : list of (component, mean (d,), transform, constant)
        Components too sharp for the expanded quadratic form (it would lose
        digits to cancellation); their rows are recomputed as
        ``constant - 0.5 * |transform (x - mean)|^2``, as scikit-learn does.
        ``transform`` is a (d, d) matrix (full, tied: one array shared by
        all) or, for diag and spherical, the (d,) diagonal of one.
    """

    coefficients: np.ndarray
    direct: list[tuple[int, np.ndarray, np.ndarray, float]]
    shared_transform: np.ndarray | None = None


def _log_density(mixture: _Mixture, covariance_type: str, features: _Features) -> _LogDensity:
    """Coefficients of the weighted log-densities, linear in the features ``[1, x, x_i x_j]``.

    For a precision ``P`` the Mahalanobis term expands as
    ``x'Px - 2 (P mu)'x + mu'P mu``. The expansion loses about
    ``eps * |P| * |x|^2`` to cancellation, harmless unless a component is
    very sharp compared with the spread of the data; those components are
    computed directly instead.

    Memory is what the covariance type needs and no more: k x d for diag
    and spherical, d x d for tied, k x d x d for full.
    """
    d = features.n_features
    means = mixture.means
    k = means.shape[0]
    chol = mixture.precisions_cholesky
    shared = None
    transforms: list[np.ndarray]  # per component (views of one array where they are shared)
    if covariance_type == "full":
        precision = chol @ np.swapaxes(chol, -1, -2)
        linear = np.einsum("kij,kj->ki", precision, means)
        # Off-diagonal products x_i x_j (i < j) appear twice in x'Px.
        factor = np.where(features.first == features.second, -0.5, -1.0)
        quadratic = precision[:, features.first, features.second] * factor
        norms = np.einsum("kij,kij->k", chol, chol)
        transforms = [chol[j].T for j in range(k)]
    elif covariance_type == "tied":
        linear = means @ (chol @ chol.T)  # P is symmetric: (P mu)' = mu' P
        quadratic = np.zeros((k, 0))
        shared = np.ascontiguousarray(chol.T)
        norms = np.full(k, float(np.einsum("ij,ij->", chol, chol)))
        transforms = [shared] * k
    else:
        roots = chol if covariance_type == "diag" else np.repeat(chol[:, None], d, axis=1)
        diagonal = roots**2
        linear = diagonal * means
        quadratic = -0.5 * diagonal
        norms = diagonal.sum(axis=1)
        transforms = list(roots)
    with np.errstate(divide="ignore"):  # a weight of 0 is allowed: log 0 = -inf
        log_weights = np.log(mixture.weights)
    base = -0.5 * d * _LOG_2PI + _log_det_cholesky(chol, covariance_type, d) + log_weights
    constant = base - 0.5 * np.einsum("ki,ki->k", linear, means)
    coefficients = np.concatenate([constant[:, None], linear, quadratic], axis=1)
    # Largest eigenvalue of each precision (bounded by the squared Frobenius
    # norm of its factor) times the largest squared norm in play.
    sharpness = norms * np.maximum(features.radius2, np.einsum("ki,ki->k", means, means))
    base = np.broadcast_to(base, (k,))
    direct = [
        (int(j), means[j], _contiguous(transforms[j], shared), float(base[j]))
        for j in np.flatnonzero(sharpness > _DIRECT_ABOVE)
    ]
    return _LogDensity(coefficients, direct, shared)


def _contiguous(transform: np.ndarray, shared: np.ndarray | None) -> np.ndarray:
    """``transform`` as a contiguous array; the shared (tied) one is never copied."""
    return transform if transform is shared else np.ascontiguousarray(transform)


@dataclass
class _PassResult:
    log_likelihood_sum: float
    statistics: np.ndarray | None  # (k, n_columns): responsibilities @ features


def _e_pass(
    features: _Features,
    density: _LogDensity,
    *,
    statistics: bool = False,
    resp_store: np.ndarray | None = None,
    labels_out: np.ndarray | None = None,
    confidence_out: np.ndarray | None = None,
    log_prob_out: np.ndarray | None = None,
    resp_out: np.ndarray | None = None,
) -> _PassResult:
    """One pass over the data: log-likelihood, and whatever else is asked for.

    Log-likelihood and responsibilities come out of one ``logsumexp`` per
    block: subtract each point's largest term, exponentiate, sum.

    Parameters
    ----------
    features : _Features
    density : _LogDensity
    statistics : bool
        Also accumulate the M-step's sufficient statistics
        ``responsibilities.T @ features``, shape (k, n_columns).
    resp_store : ndarray of shape (k, n_samples), optional
        Work in this array and leave the responsibilities in it.
    labels_out : ndarray of shape (n_samples,), optional
        Filled with the most likely component (first one on ties).
    confidence_out : ndarray of shape (n_samples,), optional
        Filled with each point's largest responsibility.
    log_prob_out : ndarray of shape (n_samples,), optional
        Filled with each point's log-likelihood.
    resp_out : ndarray of shape (n_samples, k), optional
        Filled with the responsibilities.
    """
    coefficients = density.coefficients
    k = coefficients.shape[0]
    d = features.n_features
    total = 0.0
    stats = np.zeros((k, features.n_columns)) if statistics else None
    need_resp = statistics or resp_out is not None or resp_store is not None
    for lo, hi, block in features.blocks():
        if resp_store is not None:
            weighted = resp_store[:, lo:hi]
            np.matmul(coefficients, block, out=weighted)
        else:
            weighted = coefficients @ block  # (k, rows): log(weight * density)
        if density.shared_transform is not None:
            y = density.shared_transform @ block[1 : 1 + d]
            weighted -= 0.5 * np.einsum("ij,ij->j", y, y)
        for j, mean, transform, constant in density.direct:
            centred = block[1 : 1 + d] - mean[:, None]
            # A 1-D transform is the diagonal of a diag or spherical factor.
            y = transform[:, None] * centred if transform.ndim == 1 else transform @ centred
            weighted[j] = constant - 0.5 * np.einsum("ij,ij->j", y, y)
        top = weighted.max(axis=0)
        if labels_out is not None:
            # The lowest index that reaches the maximum wins, as argmax does;
            # this loop is several times faster than argmax along axis 0.
            labels = labels_out[lo:hi]
            labels.fill(0)
            for j in range(k - 1, 0, -1):
                labels[weighted[j] == top] = j
        weighted -= top
        np.exp(weighted, out=weighted)
        spread = weighted.sum(axis=0)  # in [1, k]: the top term is exp(0) = 1
        log_prob = np.log(spread)
        log_prob += top
        total += float(log_prob.sum())
        if log_prob_out is not None:
            log_prob_out[lo:hi] = log_prob
        inverse = np.divide(1.0, spread, out=spread)  # the largest responsibility
        if confidence_out is not None:
            confidence_out[lo:hi] = inverse
        if need_resp:
            weighted *= inverse
            if stats is not None:
                stats += weighted @ block.T
            if resp_out is not None:
                resp_out[lo:hi] = weighted.T
    return _PassResult(total, stats)


def _statistics_from_resp(features: _Features, resp: np.ndarray) -> np.ndarray:
    """``resp.T @ features`` for given responsibilities of shape (n, k), shape (k, n_columns)."""
    stats = np.zeros((resp.shape[1], features.n_columns))
    for lo, hi, block in features.blocks():
        stats += resp[lo:hi].T @ block.T
    return stats


def _estimate_parameters(
    stats: np.ndarray,
    features: _Features,
    covariance_type: str,
    reg_covar: float,
    second_moment_total: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Counts, means and covariances from the sufficient statistics, as scikit-learn's M-step.

    Parameters
    ----------
    stats : ndarray of shape (k, n_columns)
        ``[sum r, sum r x, sum r x_i x_j]`` per component.
    second_moment_total : ndarray of shape (d, d) or None
        ``Xc.T @ Xc``, needed by the tied covariance.

    Returns
    -------
    raw_counts : ndarray of shape (k,)
        Sum of responsibilities per component.
    counts : ndarray of shape (k,)
        ``raw_counts`` + 10 machine epsilons, which the division uses.
    means : ndarray of shape (k, d)
    covariances : ndarray in scikit-learn's shape, ``reg_covar`` included
    """
    d = features.n_features
    raw_counts = stats[:, 0].copy()
    counts = raw_counts + 10.0 * _EPS
    means = stats[:, 1 : 1 + d] / counts[:, None]
    second = stats[:, 1 + d :] / counts[:, None]  # weighted mean of x_i x_j
    if covariance_type == "full":
        k = means.shape[0]
        covariances = np.empty((k, d, d))
        covariances[:, features.first, features.second] = second
        covariances[:, features.second, features.first] = second
        # scikit-learn sums r (x - mu)(x - mu)' / counts with the epsilon in
        # counts, which expands to this exactly.
        outer_factor = 2.0 - raw_counts / counts
        covariances -= outer_factor[:, None, None] * (means[:, :, None] * means[:, None, :])
        covariances[:, np.arange(d), np.arange(d)] += reg_covar
    elif covariance_type == "tied":
        assert second_moment_total is not None
        covariances = second_moment_total - (counts[:, None] * means).T @ means
        covariances /= counts.sum()
        covariances[np.arange(d), np.arange(d)] += reg_covar
    else:
        covariances = second - means**2 + reg_covar
        if covariance_type == "spherical":
            covariances = covariances.mean(axis=1)
    return raw_counts, counts, means, covariances


@dataclass
class _Repair:
    """A covariance that was singular and got ``amount`` added to its diagonal."""

    component: int | None  # None: the shared (tied) covariance
    amount: float


def _eigenvalues(covariances: np.ndarray, covariance_type: str) -> np.ndarray:
    """Eigenvalues of every covariance, one row per covariance.

    Shape (k, d) for full and diag, (1, d) for tied, (k, 1) for spherical.
    """
    if covariance_type == "full":
        return np.linalg.eigvalsh(covariances)
    if covariance_type == "tied":
        return np.linalg.eigvalsh(covariances)[None]
    if covariance_type == "diag":
        return covariances.copy()
    return covariances[:, None].copy()


def _refine_covariances(
    covariances: np.ndarray,
    components: np.ndarray,
    Xc: np.ndarray,
    resp: np.ndarray,
    means: np.ndarray,
    counts: np.ndarray,
    covariance_type: str,
    reg_covar: float,
) -> None:
    """Recompute some covariances in place from ``x - mean``, as scikit-learn does for "full".

    The expanded form (mean of x x' minus mean mean') loses digits when a
    component is tiny compared with the spread of the data.

    Parameters
    ----------
    covariances : ndarray in scikit-learn's shape, updated in place
    components : ndarray of int
        Components to recompute (ignored for tied: the shared one is).
    Xc : ndarray of shape (n_samples, d)
    resp : ndarray of shape (k, n_samples)
    means, counts : the M-step's means (k, d) and counts (k,)
    """
    d = Xc.shape[1]
    diagonal = np.arange(d)
    if covariance_type == "tied":
        total = np.zeros((d, d))
        for j in range(means.shape[0]):
            diff = Xc - means[j]
            total += (resp[j][:, None] * diff).T @ diff
        covariances[...] = total / counts.sum()
        covariances[diagonal, diagonal] += reg_covar
        return
    for j in components:
        diff = Xc - means[j]
        if covariance_type == "full":
            covariances[j] = (resp[j][:, None] * diff).T @ diff / counts[j]
            covariances[j, diagonal, diagonal] += reg_covar
        else:
            variances = resp[j] @ (diff * diff) / counts[j] + reg_covar
            covariances[j] = variances if covariance_type == "diag" else variances.mean()


def _precision_cholesky(
    covariances: np.ndarray,
    covariance_type: str,
    eigenvalues: np.ndarray,
    *,
    singular_below: float,
    repair_amount: float,
) -> tuple[np.ndarray, list[_Repair]]:
    """Cholesky factors of the precisions; singular covariances are repaired in place.

    Where scikit-learn raises "ill-defined empirical covariance" (or would
    go on with a meaningless precision), the covariance gets
    ``repair_amount`` on its diagonal, ten times more until its smallest
    eigenvalue clears ``singular_below``.

    Parameters
    ----------
    covariances : ndarray in scikit-learn's shape, repaired in place
    eigenvalues : ndarray, as :func:`_eigenvalues` gives them
    singular_below, repair_amount : float

    Returns
    -------
    precisions_cholesky : ndarray in the shape of ``covariances``
    repairs : list of _Repair
    """
    repairs: list[_Repair] = []
    smallest = eigenvalues.min(axis=1)
    for row in np.flatnonzero(~(smallest > singular_below)):
        amount = repair_amount
        while not smallest[row] + amount > singular_below:  # also false for NaN: never loops forever
            amount *= 10.0
            if not np.isfinite(amount):
                break
        component = None if covariance_type == "tied" else int(row)
        if covariance_type == "full":
            d = covariances.shape[-1]
            covariances[row, np.arange(d), np.arange(d)] += amount
        elif covariance_type == "tied":
            d = covariances.shape[-1]
            covariances[np.arange(d), np.arange(d)] += amount
        else:
            covariances[row] += amount
        repairs.append(_Repair(component, amount))
    if covariance_type == "full":
        try:
            lower = np.linalg.cholesky(covariances)
        except np.linalg.LinAlgError:  # rounding beat the eigenvalues: repair one by one
            lower = np.empty_like(covariances)
            for j in range(covariances.shape[0]):
                lower[j], amount = _cholesky_repaired(covariances[j], repair_amount)
                if amount:
                    repairs.append(_Repair(j, amount))
        factors = np.empty_like(covariances)
        for j in range(covariances.shape[0]):
            factors[j] = _inverse_lower(lower[j]).T
        return factors, repairs
    if covariance_type == "tied":
        lower, amount = _cholesky_repaired(covariances, repair_amount)
        if amount:
            repairs.append(_Repair(None, amount))
        return _inverse_lower(lower).T, repairs
    return 1.0 / np.sqrt(covariances), repairs


def _inverse_lower(lower: np.ndarray) -> np.ndarray:
    """Inverse of a lower-triangular matrix, itself lower-triangular, shape (d, d).

    LAPACK's triangular inverse gives the same numbers as scikit-learn's
    ``solve_triangular(lower, identity)``, without its per-call overhead,
    which on a busy machine can reach milliseconds.
    """
    inverse, info = lapack.dtrtri(lower, lower=1)
    if info != 0:  # pragma: no cover - a Cholesky factor has a positive diagonal
        raise np.linalg.LinAlgError(f"triangular inverse failed (LAPACK info {info})")
    return inverse


def _cholesky_repaired(covariance: np.ndarray, repair_scale: float) -> tuple[np.ndarray, float]:
    """Lower Cholesky factor of one matrix, adding to its diagonal (in place) if needed.

    Returns the factor and the amount added (0.0 when none was needed).
    """
    try:
        return linalg.cholesky(covariance, lower=True), 0.0
    except linalg.LinAlgError:
        pass
    diagonal = np.arange(covariance.shape[0])
    amount = repair_scale
    for _ in range(40):
        trial = covariance.copy()
        trial[diagonal, diagonal] += amount
        try:
            lower = linalg.cholesky(trial, lower=True)
        except linalg.LinAlgError:
            amount *= 10.0
            continue
        covariance[diagonal, diagonal] += amount
        return lower, amount
    raise AssertionError("a covariance could not be made positive definite")  # pragma: no cover


def _precision_cholesky_from_precisions(precisions: np.ndarray, covariance_type: str) -> np.ndarray:
    """Upper factors ``U`` with ``precision = U @ U.T``, as scikit-learn derives them."""
    if covariance_type in ("full", "tied"):
        flipped = precisions[..., ::-1, ::-1]
        return np.ascontiguousarray(np.linalg.cholesky(flipped)[..., ::-1, ::-1])
    return np.sqrt(precisions)


def _precisions(precisions_cholesky: np.ndarray, covariance_type: str) -> np.ndarray:
    if covariance_type in ("full", "tied"):
        return precisions_cholesky @ np.swapaxes(precisions_cholesky, -1, -2)
    return precisions_cholesky**2


def _covariances_from_precisions(precisions: np.ndarray, covariance_type: str) -> np.ndarray:
    if covariance_type in ("full", "tied"):
        return np.linalg.inv(precisions)
    return 1.0 / precisions


# ---------------------------------------------------------------------------
# Collapsed components, in words
# ---------------------------------------------------------------------------


def _flat_components(
    eigenvalues: np.ndarray, covariance_type: str, reg_covar: float, n_features: int, threshold: float
) -> dict[int | None, int]:
    """Components whose empirical covariance (without reg_covar) is singular.

    Parameters
    ----------
    eigenvalues : ndarray, as :func:`_eigenvalues` gives them
    threshold : float
        Eigenvalues of the empirical covariance at or below this count as 0.

    Returns
    -------
    dict
        Component (None for the shared tied covariance) -> rank of its
        empirical covariance, for every component with rank < n_features.
    """
    ranks = (eigenvalues - reg_covar > threshold).sum(axis=1)
    if covariance_type == "spherical":
        ranks = ranks * n_features
    if covariance_type == "tied":
        return {None: int(ranks[0])} if ranks[0] < n_features else {}
    return {int(j): int(r) for j, r in enumerate(ranks) if r < n_features}


def _shape_words(rank: int) -> str:
    return {1: "a line", 2: "a plane"}.get(rank, f"a {rank}-dimensional subspace")


def _component_kind(rank: int | None, count: float) -> tuple[str, str]:
    """What a collapsed component looks like: words for one component and for several.

    ``rank`` is the rank of its empirical covariance, None when it is not
    flat by our measure although its Cholesky factorisation failed.
    """
    if count < 0.5:
        return "is empty", "are empty"
    if rank is None:
        return "has a covariance too close to singular", "have covariances too close to singular"
    if rank == 0 and count < 1.5:
        return "collapsed onto a single point", "collapsed onto single points"
    if rank == 0:
        return f"collapsed onto {count:.0f} identical points", "collapsed onto identical points"
    where = _shape_words(rank)
    return f"is flat: its points lie on {where}", f"are flat: their points lie on {where}"


def _components_text(components: list[int]) -> str:
    names = ", ".join(str(c) for c in components[:3])
    if len(components) > 3:
        names += f" and {len(components) - 3} more"
    return f"component{'s' if len(components) > 1 else ''} {names}"


def _collapse_note(
    flat: dict[int | None, int],
    fresh: set[int | None],
    repairs: list[_Repair],
    counts: np.ndarray,
    reg_covar: float,
) -> str | None:
    """One line about collapsed components: what happened and what was done.

    Parameters
    ----------
    flat : dict
        Component (None: the shared tied covariance) -> rank of its
        empirical covariance, for every flat component.
    fresh : set
        The flat components to describe (those not told before).
    repairs : list of _Repair
        Singular covariances that were repaired (always described).
    counts : ndarray of shape (k,)
        Sum of responsibilities of every component.
    reg_covar : float
    """
    repaired = {repair.component: repair.amount for repair in repairs}
    described = set(fresh) | set(repaired)
    if not described:
        return None
    if None in described:  # tied: one shared covariance
        rank = flat.get(None)
        if rank == 0:
            text = "every point sits on its component's mean, so the shared covariance is zero"
        elif rank is None:
            text = "the shared covariance is too close to singular"
        else:
            text = f"around their means the points lie on {_shape_words(rank)}, so the shared covariance is flat"
    else:
        groups: dict[str, list[tuple[int, str]]] = {}
        for component in sorted(c for c in described if c is not None):
            one, many = _component_kind(flat.get(component), float(counts[component]))
            groups.setdefault(many, []).append((component, one))
        parts = []
        for many, members in groups.items():
            what = members[0][1] if len(members) == 1 else many
            parts.append(f"{_components_text([c for c, _ in members])} {what}")
        text = "; ".join(parts)
    if repaired:
        amount = max(repaired.values())
        if None in repaired:
            text += f"; it was singular, so {amount:.2g} was added to its diagonal"
        else:
            which = sorted(c for c in repaired if c is not None)
            many = len(which) > 1
            text += (
                f"; the covariance{'s' if many else ''} of {_components_text(which)} "
                f"{'were' if many else 'was'} singular, so {amount:.2g} was added to the diagonal"
            )
    elif reg_covar > 0:
        text += f"; only reg_covar={reg_covar:g} keeps the covariance invertible"
    else:
        text += "; the covariance is nearly singular"
    return text


# ---------------------------------------------------------------------------
# One run of EM, as steps
# ---------------------------------------------------------------------------


@dataclass
class _Result:
    mixture: _Mixture
    lower_bound: float
    lower_bounds: list[float]
    n_iter: int
    converged: bool
    labels: np.ndarray


class _EMRun:
    """The state of one EM run over validated data; :meth:`steps` drives it."""

    def __init__(self, model: GaussianMixture, X: np.ndarray) -> None:
        self.model = model
        self.X = X
        self.n_samples, self.n_features = X.shape
        self.k = model.n_components
        self.covariance_type = model.covariance_type
        self.offset = X.mean(axis=0)
        self.Xc = X - self.offset
        self.features = _Features(self.Xc, self.covariance_type, cache=True)
        self.second_moment_total = (
            self.features.second_moment_total() if self.covariance_type == "tied" else None
        )
        variance = float(np.einsum("ij,ij->", self.Xc, self.Xc)) / (self.n_samples * self.n_features)
        self.scale = variance if variance > 0.0 else 1.0
        self.label_dtype = compact_labels(np.zeros(0, dtype=np.int8), self.k).dtype
        # Responsibilities of the latest E-step, (k, n): reused every iteration,
        # read only when a tiny component's covariance must be recomputed.
        self.resp = np.empty((self.k, self.n_samples))
        self.result: _Result | None = None
        self._reported_flat: set[int | None] = set()
        self._sized_labels: np.ndarray | None = None
        self._sized: tuple[int, ...] = ()
        self.repaired_steps = 0  # initialisation and M-steps that had to repair a covariance

    # -- initialisation ---------------------------------------------------
    def _initial_responsibilities(self, rng: Any) -> np.ndarray:
        n, k = self.n_samples, self.k
        method = self.model.init_params
        if method == "random":
            resp = np.asarray(rng.uniform(size=(n, k)), dtype=np.float64)
            resp /= resp.sum(axis=1)[:, None]
            return resp
        resp = np.zeros((n, k))
        if method == "kmeans":
            from .kmeans import KMeans  # imported here: K-Means is only needed for this init

            labels = KMeans(n_clusters=k, init="k-means++", random_state=rng).fit(self.X).labels_
            resp[np.arange(n), labels] = 1.0
        elif method == "k-means++":
            from .kmeans_init import kmeans_plusplus_indices

            # As scikit-learn: seeds picked on the data as given, not centred.
            indices = kmeans_plusplus_indices(self.X, k, rng)
            resp[indices, np.arange(k)] = 1.0
        else:  # random_from_data
            indices = rng.choice(n, size=k, replace=False)
            resp[indices, np.arange(k)] = 1.0
        return resp

    def _initialise(self) -> tuple[_Mixture, str, str | None]:
        model = self.model
        ctype = self.covariance_type
        given = {
            "weights": model.weights_init,
            "means": model.means_init,
            "precisions": model.precisions_init,
        }
        rng = check_random_state(model.random_state)
        repairs: list[_Repair] = []
        flat: dict[int | None, int] = {}
        counts = np.zeros(self.k)
        if all(value is not None for value in given.values()):
            source = "the given weights, means and precisions"
            weights = means = covariances = precisions_cholesky = None
        else:
            resp = self._initial_responsibilities(rng)
            stats = _statistics_from_resp(self.features, resp)
            counts, weights, means, covariances, precisions_cholesky, flat, repairs = self._estimate(stats, resp.T)
            weights = (counts + 10.0 * _EPS) / self.n_samples  # scikit-learn's start: not normalised
            source = _INIT_SOURCES[model.init_params]
            named = [name for name, value in given.items() if value is not None]
            if named:
                source += f" ({' and '.join(named)} given)"
        if model.weights_init is not None:
            weights = model.weights_init.copy()
        if model.means_init is not None:
            means = model.means_init - self.offset
        if model.precisions_init is not None:
            precisions_cholesky = _precision_cholesky_from_precisions(model.precisions_init, ctype)
            covariances = _covariances_from_precisions(model.precisions_init, ctype)
            flat, repairs = {}, []
        assert weights is not None and means is not None
        assert covariances is not None and precisions_cholesky is not None
        mixture = _Mixture(weights, means, covariances, precisions_cholesky)
        note = self._note(flat, repairs, counts)
        return mixture, source, note

    def _estimate(
        self, stats: np.ndarray, resp: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[int | None, int], list[_Repair]]:
        """The M-step: parameters from the statistics, with tiny and singular covariances handled.

        Parameters
        ----------
        stats : ndarray of shape (k, n_columns)
        resp : ndarray of shape (k, n_samples)
            The responsibilities behind ``stats``, for recomputing tiny covariances.

        Returns
        -------
        raw_counts, weights, means, covariances, precisions_cholesky, flat, repairs
        """
        ctype = self.covariance_type
        reg_covar = self.model.reg_covar
        raw_counts, counts, means, covariances = _estimate_parameters(
            stats, self.features, ctype, reg_covar, self.second_moment_total
        )
        eigenvalues = _eigenvalues(covariances, ctype)
        tiny = np.flatnonzero(~(eigenvalues.min(axis=1) >= self.features.radius2 * _REFINE_BELOW))
        if tiny.size:
            _refine_covariances(covariances, tiny, self.Xc, resp, means, counts, ctype, reg_covar)
            eigenvalues = _eigenvalues(covariances, ctype)
        # Described before any repair, which would hide the flatness.
        flat = _flat_components(eigenvalues, ctype, reg_covar, self.n_features, self.scale * _FLAT_FRACTION)
        precisions_cholesky, repairs = _precision_cholesky(
            covariances,
            ctype,
            eigenvalues,
            singular_below=self.scale * _SINGULAR_FRACTION,
            repair_amount=self.scale * _REPAIR_FRACTION,
        )
        weights = counts / counts.sum()
        return raw_counts, weights, means, covariances, precisions_cholesky, flat, repairs

    def _note(self, flat: dict[int | None, int], repairs: list[_Repair], counts: np.ndarray) -> str | None:
        """The collapse note for this moment; flat components are told once, repairs always."""
        if repairs:
            self.repaired_steps += 1
        fresh = set(flat) - self._reported_flat
        # A component that recovers is told again if it collapses again.
        self._reported_flat = set(flat)
        return _collapse_note(flat, fresh, repairs, counts, self.model.reg_covar)

    # -- steps ---------------------------------------------------------------
    def _step(self, phase: Phase, iteration: int, labels: np.ndarray, message: str, **fields: Any) -> Step:
        return Step(
            algorithm=_ALGORITHM,
            phase=phase,
            iteration=iteration,
            labels=labels,
            message=message,
            covariance_type=self.covariance_type,
            **fields,
        )

    def _e_step(
        self, mixture: _Mixture, *, statistics: bool
    ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray | None]:
        """Mean log-likelihood, labels, confidence and (if asked) the M-step's statistics."""
        labels = np.empty(self.n_samples, dtype=self.label_dtype)
        confidence = np.empty(self.n_samples, dtype=np.float32)
        density = _log_density(mixture, self.covariance_type, self.features)
        result = _e_pass(
            self.features,
            density,
            statistics=statistics,
            resp_store=self.resp if statistics else None,
            labels_out=labels,
            confidence_out=confidence,
        )
        return result.log_likelihood_sum / self.n_samples, labels, confidence, result.statistics

    def _sizes(self, labels: np.ndarray) -> tuple[int, ...]:
        """Points per component; counted once per labels array (unchanged labels share one)."""
        if labels is not self._sized_labels:
            # E-step labels are never -1.
            self._sized = tuple(int(c) for c in np.bincount(labels, minlength=self.k))
            self._sized_labels = labels
        return self._sized

    def _display(self, mixture: _Mixture, *, normalise: bool = False) -> dict[str, np.ndarray]:
        weights = mixture.weights / mixture.weights.sum() if normalise else mixture.weights.copy()
        return {
            "centers": frozen_array(mixture.means + self.offset),
            "weights": frozen_array(weights),
            "covariances": frozen_array(mixture.covariances.copy()),
        }

    def steps(self) -> Iterator[Step]:
        model = self.model
        k = self.k
        mixture, source, note = self._initialise()
        shown = self._display(mixture, normalise=True)
        message = f"{k} Gaussian{'s' if k != 1 else ''} initialised from {source}"
        yield self._step(
            Phase.INITIALIZE,
            0,
            compact_labels(np.full(self.n_samples, -1), k),
            _with_note(message, note),
            cluster_sizes=(0,) * k,
            note=note,
            **shown,
        )

        lower_bound = -math.inf
        lower_bounds: list[float] = []
        labels: np.ndarray | None = None
        converged = False
        change = math.inf
        n_iter = 0
        for n_iter in range(1, model.max_iter + 1):
            previous = lower_bound
            log_likelihood, new_labels, confidence, stats = self._e_step(mixture, statistics=True)
            labels = _shared_if_equal(new_labels, labels)
            sizes = self._sizes(labels)
            if not math.isfinite(log_likelihood):
                yield self._breakdown(n_iter, labels, confidence, shown)
                self.result = _Result(mixture, lower_bound, lower_bounds, n_iter, False, labels)
                return
            lower_bound = log_likelihood
            lower_bounds.append(log_likelihood)
            change = lower_bound - previous
            yield self._step(
                Phase.E_STEP,
                n_iter,
                labels,
                f"log-likelihood {_number(log_likelihood)}" + (f" ({_signed(change)})" if n_iter > 1 else ""),
                confidence=confidence,
                log_likelihood=log_likelihood,
                log_likelihood_change=change,
                cluster_sizes=sizes,
                **shown,
            )

            assert stats is not None
            raw_counts, weights, means, covariances, precisions_cholesky, flat, repairs = self._estimate(
                stats, self.resp
            )
            mixture = _Mixture(weights, means, covariances, precisions_cholesky)
            note = self._note(flat, repairs, raw_counts)
            previous_centers = shown["centers"]
            shown = self._display(mixture)
            yield self._step(
                Phase.M_STEP,
                n_iter,
                labels,
                _with_note(f"weights {_weights_text(weights)}", note),
                previous_centers=previous_centers,
                confidence=confidence,
                log_likelihood=log_likelihood,
                log_likelihood_change=change,
                cluster_sizes=sizes,
                note=note,
                **shown,
            )
            if abs(change) < model.tol:
                converged = True
                break

        # One more E-step so that the labels agree with the final parameters.
        final_log_likelihood, new_labels, confidence, _ = self._e_step(mixture, statistics=False)
        labels = _shared_if_equal(new_labels, labels)
        if converged:
            phase = Phase.CONVERGED
            message = (
                f"converged after {n_iter} iteration{'s' if n_iter != 1 else ''}: the log-likelihood "
                f"changed by {_plain(abs(change))} < tol {model.tol:g}"
            )
        else:
            phase = Phase.STOPPED
            message = (
                f"stopped at max_iter={model.max_iter} without converging: the last change "
                f"{_plain(abs(change))} is not below tol {model.tol:g}"
            )
        note = None
        if self.repaired_steps:
            note = (
                f"collapsed components were repaired {self.repaired_steps} time"
                f"{'s' if self.repaired_steps != 1 else ''}; try fewer components or a larger reg_covar"
            )
            message = _with_note(message, note)
        yield self._step(
            phase,
            n_iter,
            labels,
            message,
            confidence=confidence,
            log_likelihood=final_log_likelihood,
            log_likelihood_change=final_log_likelihood - lower_bound,
            cluster_sizes=self._sizes(labels),
            converged=converged,
            note=note,
            **shown,
        )
        self.result = _Result(mixture, lower_bound, lower_bounds, n_iter, converged, labels)

    def _breakdown(self, n_iter: int, labels: np.ndarray, confidence: np.ndarray, shown: dict[str, np.ndarray]) -> Step:
        note = (
            "the log-likelihood is no longer a finite number (the parameters overflowed); "
            "scale the data or increase reg_covar"
        )
        return self._step(
            Phase.STOPPED,
            n_iter,
            labels,
            f"stopped: {note}",
            confidence=confidence,
            cluster_sizes=self._sizes(labels),
            note=note,
            **shown,
        )


# ---------------------------------------------------------------------------
# Small helpers for steps and messages
# ---------------------------------------------------------------------------


def _shared_if_equal(labels: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """Reuse the previous labels array when nothing changed, else freeze the new one."""
    if previous is not None and np.array_equal(labels, previous):
        return previous
    return frozen_array(labels)




def _with_note(message: str, note: str | None) -> str:
    return message if note is None else f"{message}; {note}"


def _number(x: float) -> str:
    return f"{x:.3f}".replace("-", _MINUS)


def _signed(x: float) -> str:
    text = f"{x:+.3f}" if abs(x) >= 0.001 or x == 0 else f"{x:+.2e}"
    return text.replace("-", _MINUS)


def _plain(x: float) -> str:
    return f"{x:.2g}".replace("-", _MINUS)


def _weights_text(weights: np.ndarray, limit: int = 8) -> str:
    text = " ".join(f"{w:.2f}" for w in weights[:limit])
    return text + (" …" if len(weights) > limit else "")
