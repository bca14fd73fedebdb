"""The arithmetic of EM for Gaussian mixtures: expanded features, log-densities, sufficient statistics.

Nothing here builds a step or writes a word; :mod:`.em` drives these
kernels and :mod:`.story` tells what they computed.

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

The M-step follows scikit-learn's formulas term for term, including where
they are not translation-invariant (the tied covariance and the means of
empty components with responsibilities that do not sum to 1 per point, as
after a one-hot start): the data is centred for accuracy, and the terms the
centring would drop are added back from the offset.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import linalg
from scipy.linalg import lapack

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
    offset: np.ndarray,
    *,
    partial_rows: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Counts, means and covariances from the sufficient statistics, as scikit-learn's M-step.

    scikit-learn works on the data as given; here it is centred (``Xc = X -
    offset``) for accuracy, and two of its formulas are not invariant under
    that shift when a point's responsibilities do not sum to 1 (one-hot
    starts: only the seeds have any) or a component is empty:

    - a mean is ``sum r x / (N + 10 eps)`` in the data's own coordinates, so
      an empty component's mean is the origin, not the data's mean;
    - the tied covariance is ``(X'X - sum_k N_k mu_k mu_k') / sum_k N_k``
      over *all* points, whatever their responsibilities.

    (A third, the diagonal variances of one-point seeds, is rounding on the
    uncentred data: :func:`_variances_as_sklearn` recomputes those.)

    Both are computed here as scikit-learn computes them, the centring's
    dropped terms added back from ``offset``. For the tied covariance that
    is done only when ``partial_rows`` says some rows do not sum to 1:
    otherwise the terms vanish but for rounding, which, multiplied by a
    large offset, would cost accuracy for nothing.

    Parameters
    ----------
    stats : ndarray of shape (k, n_columns)
        ``[sum r, sum r x, sum r x_i x_j]`` per component, in centred coordinates.
    features : _Features
    covariance_type : str
    reg_covar : float
    second_moment_total : ndarray of shape (d, d) or None
        ``Xc.T @ Xc``, needed by the tied covariance.
    offset : ndarray of shape (d,)
        The mean that was subtracted from the data.
    partial_rows : bool
        Some points' responsibilities do not sum to 1 (a one-hot start).

    Returns
    -------
    raw_counts : ndarray of shape (k,)
        Sum of responsibilities per component.
    counts : ndarray of shape (k,)
        ``raw_counts`` + 10 machine epsilons, which the division uses.
    means : ndarray of shape (k, d)
        In centred coordinates (add ``offset`` for the data's).
    covariances : ndarray in scikit-learn's shape, ``reg_covar`` included
    """
    d = features.n_features
    raw_counts = stats[:, 0].copy()
    counts = raw_counts + 10.0 * _EPS
    centred_means = stats[:, 1 : 1 + d] / counts[:, None]
    # scikit-learn's mean, sum r x / counts on the uncentred data, in centred
    # coordinates: it differs from the centred quotient by (raw/counts - 1)
    # times the offset, which is -offset for an empty component (the origin).
    means = centred_means - ((10.0 * _EPS) / counts)[:, None] * offset
    second = stats[:, 1 + d :] / counts[:, None]  # weighted mean of x_i x_j
    if covariance_type == "full":
        k = means.shape[0]
        covariances = np.empty((k, d, d))
        covariances[:, features.first, features.second] = second
        covariances[:, features.second, features.first] = second
        # scikit-learn sums r (x - mu)(x - mu)' / counts with the epsilon in
        # counts, which expands to this exactly.
        outer_factor = 2.0 - raw_counts / counts
        covariances -= outer_factor[:, None, None] * (centred_means[:, :, None] * centred_means[:, None, :])
        covariances[:, np.arange(d), np.arange(d)] += reg_covar
    elif covariance_type == "tied":
        assert second_moment_total is not None
        if not partial_rows:
            # Today's centred arithmetic: the same in exact arithmetic, and
            # free of the rounding a large offset would bring in.
            weighted = counts[:, None] * centred_means
            covariances = second_moment_total - weighted.T @ centred_means
        else:
            weighted = counts[:, None] * means
            covariances = second_moment_total - weighted.T @ means
            # X'X - sum N mu mu' with X = Xc + m and mu = means + m expands to
            # Xc'Xc - sum N means means' - s m' - m s' + (n - sum N) m m'
            # (s = sum N means); the last three vanish when every point's
            # responsibilities sum to 1, not after a one-hot start.
            s = weighted.sum(axis=0)
            covariances -= np.outer(s, offset) + np.outer(offset, s)
            covariances += (features.n_samples - counts.sum()) * np.outer(offset, offset)
        covariances /= counts.sum()
        covariances[np.arange(d), np.arange(d)] += reg_covar
    else:
        covariances = second - centred_means**2 + reg_covar
        if covariance_type == "spherical":
            covariances = covariances.mean(axis=1)
    return raw_counts, counts, means, covariances


def _variances_as_sklearn(
    X: np.ndarray, resp: np.ndarray, counts: np.ndarray, reg_covar: float, covariance_type: str
) -> np.ndarray:
    """Diagonal (or spherical) variances computed as scikit-learn computes them, on the uncentred data.

    ``mean(r x^2) - mean(r x)^2`` of a one-point seed is ``x^2 (N - 1) / N^2``
    with ``N = 1 + 10 eps``: a few ``eps x^2``, that is rounding of the
    uncentred ``x``, which no centred formula reproduces. One-hot starts
    only (a single pass over the data, once).

    Parameters
    ----------
    X : ndarray of shape (n_samples, d)
        The data as given.
    resp : ndarray of shape (k, n_samples)
    counts : ndarray of shape (k,)
        Sums of responsibilities plus 10 machine epsilons.
    reg_covar : float
    covariance_type : {"diag", "spherical"}

    Returns
    -------
    ndarray of shape (k, d) for "diag", (k,) for "spherical"
    """
    means = resp @ X / counts[:, None]
    variances = resp @ (X * X) / counts[:, None] - means**2 + reg_covar
    return variances if covariance_type == "diag" else variances.mean(axis=1)


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
# Collapsed components, as numbers (the words are in .story)
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
