"""Choosing eps for DBSCAN: the sorted k-distance curve and its knee.

Every point's distance to its k-th nearest neighbour, with k = min_samples
and the point itself counted first (DBSCAN's own count, as in
:func:`tuiclust.core.elbow.k_distances`): a point is a core point exactly
when this distance is at most eps. Sorted, the distances stay low through
the clusters and shoot up at the sparse points, and the knee of that curve
is a natural eps. So the share of the curve below an eps *is* the share of
core points that eps gives, which the view shows as the eps moves.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from ..core.elbow import find_knee_increasing, k_distances
from .cache import ResultCache, array_fingerprint

__all__ = ["K_DISTANCE_CACHE", "KDistanceCurve", "k_distance_curve", "k_distance_key", "round_eps"]

K_DISTANCE_CACHE: ResultCache[KDistanceCurve] = ResultCache(16)
# Share of the curve used when it has no knee (the same fallback as core.elbow.suggest_eps).
FALLBACK_QUANTILE = 0.9


@dataclass(frozen=True, eq=False)
class KDistanceCurve:
    """The sorted k-distance curve of a data set.

    Attributes
    ----------
    distances : ndarray of shape (n_samples,), ascending
        Each point's distance to its k-th nearest neighbour (itself first).
    k : int
        min_samples.
    knee_index : int or None
        Position of Kneedle's knee on the curve; None when it has none.
    suggested_eps : float
        The curve's height at the knee, or at the fallback when there is no
        knee (90th percentile, then the smallest positive distance, then 1.0),
        exactly as :func:`tuiclust.core.elbow.suggest_eps`.
    """

    distances: np.ndarray
    k: int
    knee_index: int | None
    suggested_eps: float

    @property
    def n(self) -> int:
        return int(self.distances.shape[0])

    @property
    def suggested_index(self) -> int:
        """Position on the curve of the suggested eps (the knee, or the fallback's place)."""
        if self.knee_index is not None:
            return self.knee_index
        return self.index_of(self.suggested_eps)

    def core_fraction(self, eps: float) -> float:
        """Share of points that are core points with this eps (k-distance <= eps)."""
        return float(np.searchsorted(self.distances, eps, side="right")) / self.n

    def index_of(self, eps: float) -> int:
        """The last position on the curve at or below ``eps`` (0 if none)."""
        return max(0, int(np.searchsorted(self.distances, eps, side="right")) - 1)

    def eps_at(self, index: int) -> float:
        """The curve's height at position ``index`` (clamped to the curve)."""
        return float(self.distances[min(max(int(index), 0), self.n - 1)])

    def display_curve(self, max_points: int) -> tuple[np.ndarray, np.ndarray]:
        """At most ``max_points`` (position, distance) pairs that draw the same curve.

        Keeps both ends and evenly spaced positions between: a sorted curve
        drawn in a terminal needs no more than a few points per column.

        Returns
        -------
        positions : ndarray of shape (m,), int
        distances : ndarray of shape (m,)
        """
        if self.n <= max_points:
            idx = np.arange(self.n)
        else:
            idx = np.unique(np.linspace(0, self.n - 1, max_points).round().astype(np.int64))
        return idx, self.distances[idx]


def k_distance_curve(X: np.ndarray, min_samples: int) -> KDistanceCurve:
    """The k-distance curve of ``X`` for DBSCAN's ``min_samples``, with its knee.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    min_samples : int
        From 1 to n_samples.

    Returns
    -------
    KDistanceCurve
    """
    curve = k_distances(X, min_samples)
    knee = find_knee_increasing(np.arange(curve.size), curve)
    if knee is not None:
        knee_index: int | None = int(knee)
        eps = float(curve[knee_index])
    else:
        knee_index = None
        eps = float(np.quantile(curve, FALLBACK_QUANTILE))
    if eps <= 0:
        # Points piled on each other: the smallest real distance, or 1.0.
        positive = curve[curve > 0]
        eps = float(positive[0]) if positive.size else 1.0
    curve.flags.writeable = False
    return KDistanceCurve(curve, int(min_samples), knee_index, eps)


def round_eps(eps: float) -> float:
    """eps rounded *up* to 3 significant digits, for showing and applying.

    Rounding up keeps every point whose k-distance is at most ``eps`` a core
    point (rounding to nearest could drop the knee's own point).

    >>> round_eps(0.0967866), round_eps(0.3), round_eps(12.341)
    (0.0968, 0.3, 12.4)
    """
    if not math.isfinite(eps) or eps <= 0:
        return eps
    unit = 10.0 ** (math.floor(math.log10(eps)) - 2)
    rounded = float(f"{math.ceil(eps / unit - 1e-9) * unit:.3g}")
    return rounded if rounded >= eps else float(f"{rounded + unit:.3g}")


def k_distance_key(X: np.ndarray, min_samples: int) -> Hashable:
    """Cache key of a k-distance curve."""
    return ("k-distance", array_fingerprint(X), int(min_samples))
