"""Choosing the number of Gaussian components: BIC and AIC for 1..10 components.

A mixture with more components always fits the data at least as well, so
the likelihood alone would always ask for more. BIC and AIC add a price for
every free parameter (BIC's price grows with the number of points, AIC's does
not) and the lowest value is the best trade-off. BIC is the usual choice for
picking a number of clusters; AIC, with its smaller price, tends to ask for
more components.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from tuiclust.errors import first_line

from ..core.gmm import GaussianMixture
from .cache import ResultCache, array_fingerprint

__all__ = [
    "CRITERIA_CACHE",
    "MAX_POINTS",
    "N_MAX",
    "CriteriaCurve",
    "CriteriaPoint",
    "component_counts",
    "criteria_curve",
    "criteria_key",
    "criteria_points",
    "finish_criteria",
]

N_MAX = 10
# Above this many points the criteria are computed on a random sample.
MAX_POINTS = 50_000

CRITERIA_CACHE: ResultCache[CriteriaCurve] = ResultCache(16)


@dataclass(frozen=True)
class CriteriaPoint:
    """A Gaussian mixture with one number of components.

    Attributes
    ----------
    n_components : int
    bic, aic : float or None
        None when the fit failed (``error`` says why).
    converged : bool
    error : str or None
    """

    n_components: int
    bic: float | None
    aic: float | None
    converged: bool = True
    error: str | None = None


@dataclass(frozen=True)
class CriteriaCurve:
    """The finished BIC / AIC figure.

    Attributes
    ----------
    points : tuple of CriteriaPoint
    best_bic, best_aic : int or None
        Number of components with the lowest BIC / AIC (None if every fit failed).
    covariance_type : str
    n_used, n_total : int
        Points the fits saw, and points in the data.
    """

    points: tuple[CriteriaPoint, ...]
    best_bic: int | None
    best_aic: int | None
    covariance_type: str
    n_used: int
    n_total: int

    @property
    def suggested(self) -> int | None:
        """The suggestion: the lowest BIC."""
        return self.best_bic

    @property
    def sampled(self) -> bool:
        return self.n_used < self.n_total

    def point(self, n_components: int) -> CriteriaPoint | None:
        for p in self.points:
            if p.n_components == n_components:
                return p
        return None


def component_counts(n_samples: int, n_max: int = N_MAX) -> tuple[int, ...]:
    """The numbers of components tried: 1 to ``n_max``, never more than the points."""
    return tuple(range(1, min(n_max, n_samples) + 1))


def criteria_points(
    X: np.ndarray, counts: Sequence[int], *, covariance_type: str = "full", seed: int = 0
) -> Iterator[CriteriaPoint]:
    """Fit a mixture for each number of components and yield BIC and AIC as they come.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    counts : sequence of int
    covariance_type : {"full", "tied", "diag", "spherical"}
    seed : int
        ``random_state`` of every fit.

    Yields
    ------
    CriteriaPoint, in the order of ``counts``. A fit that fails (a collapsed
    component the core cannot repair) yields a point with ``error`` set
    instead of stopping the others.
    """
    for n in counts:
        try:
            gmm = GaussianMixture(n, covariance_type=covariance_type, random_state=seed).fit(X)
            yield CriteriaPoint(n, float(gmm.bic(X)), float(gmm.aic(X)), bool(gmm.converged_))
        except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
            yield CriteriaPoint(n, None, None, False, first_line(exc))


def _lowest(points: Sequence[CriteriaPoint], attribute: str) -> int | None:
    scored = [p for p in points if getattr(p, attribute) is not None]
    return min(scored, key=lambda p: getattr(p, attribute)).n_components if scored else None


def finish_criteria(
    points: Sequence[CriteriaPoint], *, covariance_type: str, n_used: int, n_total: int
) -> CriteriaCurve:
    """Put the computed points together with the lowest BIC and AIC."""
    points = tuple(points)
    return CriteriaCurve(points, _lowest(points, "bic"), _lowest(points, "aic"), covariance_type, n_used, n_total)


def criteria_curve(X: np.ndarray, *, n_max: int = N_MAX, covariance_type: str = "full", seed: int = 0) -> CriteriaCurve:
    """The whole BIC / AIC figure in one call (no sampling: the caller decides)."""
    counts = component_counts(X.shape[0], n_max)
    points = list(criteria_points(X, counts, covariance_type=covariance_type, seed=seed))
    return finish_criteria(points, covariance_type=covariance_type, n_used=X.shape[0], n_total=X.shape[0])


def criteria_key(X: np.ndarray, *, covariance_type: str, seed: int, n_max: int = N_MAX) -> Hashable:
    """Cache key of a BIC / AIC figure."""
    return ("criteria", array_fingerprint(X), covariance_type, seed, n_max, MAX_POINTS)
