"""Elbows and knees of curves (Kneedle), and the k-distance curve for DBSCAN's eps.

Kneedle (Satopää, Albrecht, Irwin and Raghavan, 2011) finds the point where a
curve stops bending: it rescales the curve to the unit square, turns it so
that the bend becomes a hump, and looks for the first hump that the curve
clearly drops away from. :func:`find_elbow` applies it to a falling curve
such as K-Means inertia against k; :func:`find_knee_increasing` to a rising
one such as the sorted k-distance curve.

Both give the same answer as the ``kneed`` package
(``KneeLocator(x, y, S=S, curve="convex", direction=..., online=False,
interp_method="interp1d").knee``): same normalisation, same difference
curve, same local extrema, same thresholds, and the first knee found wins.
Both may find nothing, and then say so with None.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from .validation import check_data, check_int, check_real

__all__ = ["find_elbow", "find_knee_increasing", "k_distances", "suggest_eps"]


def _check_curve(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.ndim != 1 or ya.ndim != 1:
        raise ValueError(f"x and y must be 1-D, got shapes {xa.shape} and {ya.shape}")
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same length, got {xa.size} and {ya.size}")
    if not (np.isfinite(xa).all() and np.isfinite(ya).all()):
        raise ValueError("x and y must be finite numbers; drop NaN or infinite points first")
    if xa.size > 1 and not (np.diff(xa) > 0).all():
        raise ValueError("x must be strictly increasing (sort the points by x first)")
    return xa, ya


def _normalise(a: np.ndarray) -> np.ndarray:
    # Same expression as kneed, so that every comparison below sees the
    # same floating-point values.
    return (a - min(a)) / (max(a) - min(a))


def _kneedle(x: np.ndarray, y: np.ndarray, S: float, direction: str) -> float | None:
    """Offline Kneedle on a convex curve; the x value of the first knee, or None."""
    n = x.size
    if n < 2 or y.max() == y.min():
        # A single point or a flat curve cannot be normalised (kneed divides
        # by zero there and finds no extremum in the NaNs either).
        return None
    x_norm = _normalise(x)
    y_norm = _normalise(y)
    # Turn the convex curve into a concave rising one (a hump above the
    # diagonal). For a rising curve this mirrors it, x included.
    if direction == "decreasing":
        y_norm = y_norm.max() - y_norm
    else:
        y_norm = np.flip(y_norm.max() - y_norm)
        x_norm = np.flip(1 - x_norm)
    diff = y_norm - x_norm

    # Local maxima and minima with ties allowed, ends compared with
    # themselves (scipy's argrelextrema, mode="clip").
    before = np.concatenate([diff[:1], diff[:-1]])
    after = np.concatenate([diff[1:], diff[-1:]])
    is_max = (diff >= before) & (diff >= after)
    is_min = (diff <= before) & (diff <= after)
    if not is_max.any():
        return None
    # A knee at a maximum is confirmed once the curve falls below the
    # maximum minus S times the mean step of x.
    threshold = diff - S * np.abs(np.diff(x_norm).mean())

    # Walk the curve from the first maximum: the latest extremum at or before
    # i decides. A maximum arms the detector with its threshold; a minimum
    # (also one that is a maximum too, on a flat stretch) disarms it.
    idx = np.arange(n)
    last_event = np.maximum.accumulate(np.where(is_max | is_min, idx, -1))
    first = int(np.argmax(is_max))
    i = idx[first : n - 1]
    event = last_event[i]
    armed = is_max[event] & ~is_min[event]
    fires = armed & (diff[i + 1] < threshold[event])
    if not fires.any():
        return None
    at = int(event[np.argmax(fires)])
    # Mirrored back for a rising curve.
    return float(x[at] if direction == "decreasing" else x[n - 1 - at])


def find_elbow(x: Any, y: Any, *, S: float = 1.0) -> float | None:
    """Elbow of a falling, convex curve (for example K-Means inertia against k).

    Parameters
    ----------
    x : array-like of shape (n_points,)
        Strictly increasing, e.g. the values of k.
    y : array-like of shape (n_points,)
        The curve, e.g. the inertia for each k.
    S : float, default 1.0
        Sensitivity, >= 0: how clearly the curve must drop away from a hump
        before it counts. Larger finds fewer, more certain elbows.

    Returns
    -------
    float or None
        The x value of the elbow (the first one found), or None when the
        curve has no elbow (a straight line, a flat curve, a single
        point). Equal to kneed's ``KneeLocator(x, y, S=S, curve="convex",
        direction="decreasing").knee``.

    Raises
    ------
    ValueError
        If x and y differ in length, are not finite, x is not increasing or
        S < 0.
    """
    xa, ya = _check_curve(x, y)
    S = check_real("S", S, low=0.0)
    return _kneedle(xa, ya, S, "decreasing")


def find_knee_increasing(x: Any, y: Any, *, S: float = 1.0) -> float | None:
    """Knee of a rising, convex curve (for example the sorted k-distances).

    Parameters
    ----------
    x : array-like of shape (n_points,)
        Strictly increasing.
    y : array-like of shape (n_points,)
    S : float, default 1.0
        Sensitivity, >= 0 (see :func:`find_elbow`).

    Returns
    -------
    float or None
        The x value of the knee, or None when there is none. Equal to
        kneed's ``KneeLocator(x, y, S=S, curve="convex",
        direction="increasing").knee``.

    Raises
    ------
    ValueError
        As :func:`find_elbow`.
    """
    xa, ya = _check_curve(x, y)
    S = check_real("S", S, low=0.0)
    return _kneedle(xa, ya, S, "increasing")


def k_distances(X: Any, k: int) -> np.ndarray:
    """Every point's distance to its k-th nearest point, the point itself counted first.

    So ``k=1`` gives zeros, and ``k=2`` the distance to the nearest other
    point. This is DBSCAN's own count: with ``min_samples=m`` a point is a
    core point exactly when its ``k_distances(X, m)`` is at most eps. Points
    at the same place count as separate neighbours at distance 0.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k : int
        From 1 to n_samples.

    Returns
    -------
    ndarray of shape (n_samples,), sorted ascending: the k-distance curve.
    """
    X = check_data(X)
    k = check_int("k", k, low=1, high=X.shape[0])
    # Ask the KD-tree for the k-th neighbour only: memory stays O(n).
    dist, _ = cKDTree(X).query(X, k=[k])
    return np.sort(dist[:, 0])


def suggest_eps(X: Any, min_samples: int, *, S: float = 1.0) -> float:
    """An eps for DBSCAN: the height of the knee of the k-distance curve.

    The curve is :func:`k_distances` with ``k = min_samples`` (DBSCAN counts
    the point itself among its min_samples neighbours). Below the knee the
    distances grow slowly (points inside clusters), above it they shoot up
    (noise), so an eps at the knee makes the points of the flat part core
    points.

    When the curve has no knee (a straight line, or too few points), the
    fallback is the 90th percentile of the k-distances: 90 % of the points
    then become core points. If that is 0 (points piled on each other), the
    smallest positive k-distance is used, or 1.0 if every point coincides.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    min_samples : int
        DBSCAN's min_samples, from 1 to n_samples.
    S : float, default 1.0
        Kneedle's sensitivity.

    Returns
    -------
    float, > 0.
    """
    X = check_data(X)
    min_samples = check_int("min_samples", min_samples, low=1, high=X.shape[0])
    curve = k_distances(X, min_samples)
    knee = find_knee_increasing(np.arange(curve.size), curve, S=S)
    eps = float(curve[int(knee)]) if knee is not None else float(np.quantile(curve, 0.9))
    if eps > 0:
        return eps
    positive = curve[curve > 0]
    return float(positive[0]) if positive.size else 1.0
