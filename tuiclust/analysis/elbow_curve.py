"""Choosing k for K-Means: inertia and mean silhouette for k = 1..10, and the elbow.

Inertia (the sum of squared distances of the points to their centres) always
falls as k grows, so its lowest value is no answer; the *elbow* of the curve,
where one more cluster stops paying, is. The elbow is found with Kneedle
(:func:`tuiclust.core.elbow.find_elbow`, the same answer as the ``kneed``
package). The mean silhouette of each k is a second opinion from a different
idea (how much closer each point is to its own cluster than to the next).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..core.elbow import find_elbow
from ..core.kmeans import KMeans
from ..core.metrics import silhouette_score
from .cache import ResultCache, array_fingerprint

__all__ = [
    "ELBOW_CACHE",
    "K_MAX",
    "MAX_POINTS",
    "N_INIT",
    "ElbowCurve",
    "ElbowPoint",
    "elbow_curve",
    "elbow_key",
    "elbow_points",
    "finish_elbow",
    "k_values",
]

K_MAX = 10
# Above this many points the curve is computed on a random sample: its shape,
# and so its elbow, barely moves, while ten K-Means runs on millions would.
MAX_POINTS = 100_000
# K-Means starts per k; the lowest inertia is kept, so that one unlucky start
# does not put a bump in the curve (and a false elbow with it).
N_INIT = 3
# The silhouette costs O(n^2): above this many points it is estimated on a sample.
SILHOUETTE_SAMPLE = 2_000

ELBOW_CACHE: ResultCache[ElbowCurve] = ResultCache(16)


@dataclass(frozen=True)
class ElbowPoint:
    """K-Means at one k.

    Attributes
    ----------
    k : int
    inertia : float
        Lowest inertia of :data:`N_INIT` k-means starts.
    silhouette : float or None
        Mean silhouette of that run's clusters; None for k = 1 (undefined)
        or when the run found fewer than 2 distinct clusters.
    """

    k: int
    inertia: float
    silhouette: float | None


@dataclass(frozen=True)
class ElbowCurve:
    """The finished elbow figure.

    Attributes
    ----------
    points : tuple of ElbowPoint
        One per k, k increasing from 1.
    suggested_k : int or None
        Kneedle's elbow of the inertia curve; None when the curve has none.
    n_used : int
        Points the runs saw (a sample when fewer than ``n_total``).
    n_total : int
    init : str
        K-Means initialisation used.
    """

    points: tuple[ElbowPoint, ...]
    suggested_k: int | None
    n_used: int
    n_total: int
    init: str

    @property
    def ks(self) -> list[int]:
        return [p.k for p in self.points]

    @property
    def inertias(self) -> list[float]:
        return [p.inertia for p in self.points]

    @property
    def sampled(self) -> bool:
        return self.n_used < self.n_total

    def point(self, k: int) -> ElbowPoint | None:
        """The point of ``k``, or None if k was not computed."""
        for p in self.points:
            if p.k == k:
                return p
        return None

    @property
    def best_silhouette_k(self) -> int | None:
        """The k with the highest mean silhouette (None if no k >= 2 has one)."""
        scored = [p for p in self.points if p.silhouette is not None]
        return max(scored, key=lambda p: p.silhouette).k if scored else None


def k_values(n_samples: int, k_max: int = K_MAX) -> tuple[int, ...]:
    """The k tried: 1 to ``k_max``, but never more clusters than points."""
    return tuple(range(1, min(k_max, n_samples) + 1))


def elbow_points(
    X: np.ndarray,
    ks: Sequence[int],
    *,
    init: str = "k-means++",
    seed: int = 0,
    n_init: int = N_INIT,
) -> Iterator[ElbowPoint]:
    """Run K-Means for each k and yield its point as soon as it is known.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    ks : sequence of int
        Each from 1 to n_samples.
    init : {"k-means++", "random", "farthest"}
    seed : int
        Start ``s`` of ``n_init`` uses ``random_state = seed + s``.
    n_init : int
        Starts per k (only 1 for k = 1, where every start gives the same answer).

    Yields
    ------
    ElbowPoint, in the order of ``ks``.
    """
    n = X.shape[0]
    sample = SILHOUETTE_SAMPLE if n > SILHOUETTE_SAMPLE else None
    for k in ks:
        best = None
        for start in range(1 if k == 1 else n_init):
            run = KMeans(k, init=init, random_state=seed + start).fit(X)
            if best is None or run.inertia_ < best.inertia_:
                best = run
        assert best is not None
        silhouette = None
        if k >= 2:
            try:
                silhouette = silhouette_score(X, best.labels_, sample_size=sample, random_state=seed)
            except ValueError:  # fewer than 2 distinct clusters (duplicated points)
                silhouette = None
        yield ElbowPoint(k, float(best.inertia_), silhouette)


def suggest_k(points: Sequence[ElbowPoint]) -> int | None:
    """Kneedle's elbow of the inertia curve, or None when it has none."""
    if len(points) < 3:
        return None  # two points are a straight line: no bend to find
    elbow = find_elbow([p.k for p in points], [p.inertia for p in points])
    return None if elbow is None else int(round(elbow))


def finish_elbow(points: Sequence[ElbowPoint], *, n_used: int, n_total: int, init: str) -> ElbowCurve:
    """Put the computed points together with the suggested k."""
    points = tuple(points)
    return ElbowCurve(points, suggest_k(points), n_used, n_total, init)


def elbow_curve(
    X: np.ndarray, *, k_max: int = K_MAX, init: str = "k-means++", seed: int = 0, n_init: int = N_INIT
) -> ElbowCurve:
    """The whole elbow figure in one call (no sampling: the caller decides).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    k_max : int
    init : str
    seed : int
    n_init : int

    Returns
    -------
    ElbowCurve
    """
    ks = k_values(X.shape[0], k_max)
    points = list(elbow_points(X, ks, init=init, seed=seed, n_init=n_init))
    return finish_elbow(points, n_used=X.shape[0], n_total=X.shape[0], init=init)


def elbow_key(X: np.ndarray, *, init: str, seed: int, k_max: int = K_MAX) -> Hashable:
    """Cache key of an elbow figure: same data and same settings give the same figure."""
    return ("elbow", array_fingerprint(X), init, seed, k_max, N_INIT, MAX_POINTS)
