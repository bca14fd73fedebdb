"""Core distances and mutual reachability, computed the way scikit-learn computes them.

HDBSCAN's answer depends on exact ties between mutual-reachability values
(``max(core_a, core_b, d(a, b) / alpha)`` is very often exactly a core
distance), so every distance here is computed with the same floating-point
operations as scikit-learn's Euclidean metric: ``sqrt`` of the squared
differences summed feature by feature, in feature order. scipy's KD-tree only
*finds* neighbours; their distances are recomputed with :func:`pair_distances`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

__all__ = ["Neighbourhoods", "mutual_reachability", "neighbourhoods", "pair_distances"]

# Neighbours listed per point beyond min_samples: the lists also feed the
# spanning tree's candidate edges (more neighbours, fewer exact searches).
_MIN_LIST = 16
# scipy's distances may differ from the exact ones in the last bits; radii
# given to scipy are widened by this factor and the exact test decides.
_SLACK = 1.0 + 1e-9


def pair_distances(X: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between rows ``a`` and ``b`` of ``X``, bit for bit as scikit-learn's.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64
    a, b : integer ndarrays of the same shape (any)

    Returns
    -------
    ndarray of float64, the shape of ``a``.
    """
    # Summing column by column reproduces the sequential loop of
    # scikit-learn's metric; numpy's pairwise sum over a row would not.
    total = np.zeros(np.shape(a), dtype=np.float64)
    for c in range(X.shape[1]):
        col = X[:, c]
        diff = col[a] - col[b]
        total += diff * diff
    return np.sqrt(total)


def mutual_reachability(X: np.ndarray, core: np.ndarray, alpha: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``max(core[a], core[b], d(a, b) / alpha)``, shape of ``a``."""
    return np.maximum(np.maximum(core[a], core[b]), pair_distances(X, a, b) / alpha)


@dataclass(frozen=True, eq=False)
class Neighbourhoods:
    """Each point's nearest neighbours and its core distance.

    Attributes
    ----------
    tree : cKDTree
        Over all of X.
    core : ndarray of shape (n_samples,), float64
        Distance to the min_samples-th nearest point, the point itself
        counted (so 0 for min_samples = 1).
    index : ndarray of shape (n_samples, k), intp
        The k nearest points of each point (itself included), nearest first
        by exact distance.
    distance : ndarray of shape (n_samples, k), float64
        Their exact distances.
    """

    tree: cKDTree
    core: np.ndarray
    index: np.ndarray
    distance: np.ndarray

    @property
    def complete(self) -> bool:
        """True when every list holds every point."""
        return self.index.shape[1] >= self.core.shape[0]


def neighbourhoods(X: np.ndarray, min_samples: int) -> Neighbourhoods:
    """Neighbour lists and core distances of ``X`` (n_samples, n_features).

    ``min_samples`` <= n_samples. Lists hold ``max(2 * min_samples, 16)``
    points (at most n), so that the min_samples-th distance is right even
    when scipy and the exact distances order near-equal neighbours
    differently.
    """
    n = X.shape[0]
    k = min(n, max(2 * min_samples, _MIN_LIST))
    tree = cKDTree(X)
    _, index = tree.query(X, k=k)
    index = np.asarray(index, dtype=np.intp).reshape(n, k)
    rows = np.broadcast_to(np.arange(n)[:, None], index.shape)
    distance = pair_distances(X, rows, index)
    order = np.argsort(distance, axis=1, kind="stable")
    index = np.take_along_axis(index, order, axis=1)
    distance = np.take_along_axis(distance, order, axis=1)
    core = np.ascontiguousarray(distance[:, min_samples - 1])
    return Neighbourhoods(tree=tree, core=core, index=index, distance=distance)


def core_edges(X: np.ndarray, nb: Neighbourhoods, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair whose mutual reachability equals the larger of its two core distances.

    Such an edge ``(a, b)`` (``d(a, b) / alpha <= core[a]``, ``core[b] <=
    core[a]``) is in some minimum spanning tree, since every edge at ``a``
    weighs at least ``core[a]``; so Prim's algorithm may pick it whenever it
    ties. The list is complete, ties at the radius included.

    Returns
    -------
    a, b : ndarray of shape (m,), intp
        Each pair once, ``a < b``.
    weight : ndarray of shape (m,), float64
        ``core[a]``.
    """
    n = X.shape[0]
    core = nb.core
    rows = np.broadcast_to(np.arange(n)[:, None], nb.index.shape)
    within = (nb.distance / alpha <= core[:, None]) & (nb.index != rows)
    a_list = [rows[within]]
    b_list = [nb.index[within]]
    # A list may stop before the radius does (ties at the radius, alpha > 1):
    # those points ask the tree for their whole ball.
    if not nb.complete:
        short = np.flatnonzero(nb.distance[:, -1] / alpha <= core)
        if short.size:
            balls = nb.tree.query_ball_point(X[short], r=alpha * core[short] * _SLACK)
            lengths = np.fromiter((len(b) for b in balls), dtype=np.intp, count=short.size)
            a_extra = np.repeat(short, lengths)
            b_extra = np.fromiter((j for b in balls for j in b), dtype=np.intp, count=int(lengths.sum()))
            keep = (b_extra != a_extra) & (pair_distances(X, a_extra, b_extra) / alpha <= core[a_extra])
            # Drop the short points' list entries; their ball replaces them.
            is_short = np.zeros(n, dtype=bool)
            is_short[short] = True
            first = ~is_short[a_list[0]]
            a_list = [a_list[0][first], a_extra[keep]]
            b_list = [b_list[0][first], b_extra[keep]]
    a = np.concatenate(a_list)
    b = np.concatenate(b_list)
    # Keep each pair from the side with the larger core distance (both
    # sides when equal, deduplicated below).
    keep = core[b] <= core[a]
    a, b = a[keep], b[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = np.unique(lo.astype(np.int64) * n + hi)
    lo, hi = key // n, key % n
    lo, hi = lo.astype(np.intp), hi.astype(np.intp)
    weight = np.maximum(core[lo], core[hi])
    return lo, hi, weight
