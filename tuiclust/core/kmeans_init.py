"""Ways to pick the first K-Means centres: k-means++, random points, farthest point.

Every function works on data that is already validated (C-contiguous float64)
and returns the *row indices* of the chosen points, so that the caller can
report the exact original rows as the initial centres.

The k-means++ seeding follows scikit-learn's greedy variant step for step
(same random calls in the same order, same arithmetic), so that with the
same integer seed and the same mean-centred data it usually picks the same
points as ``sklearn.cluster.KMeans``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["farthest_point_indices", "kmeans_plusplus_indices", "random_indices"]

Generator = np.random.RandomState | np.random.Generator


def kmeans_plusplus_indices(
    X: np.ndarray,
    n_clusters: int,
    random_state: Generator,
    *,
    x_squared_norms: np.ndarray | None = None,
    n_local_trials: int | None = None,
) -> np.ndarray:
    """Greedy k-means++: pick each new centre among a few candidates drawn by squared distance.

    The first centre is a point drawn uniformly. Each later centre is the
    best of ``2 + floor(ln k)`` candidates drawn with probability
    proportional to their squared distance to the closest centre so far;
    "best" means the candidate that lowers the potential (the sum of squared
    distances to the closest centre) the most.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Data, best mean-centred (as scikit-learn does) for accurate distances.
    n_clusters : int
    random_state : numpy RandomState or Generator
    x_squared_norms : ndarray of shape (n_samples,), optional
        Precomputed ``(X ** 2).sum(axis=1)``.
    n_local_trials : int, optional
        Candidates per step; default ``2 + int(ln(n_clusters))``.

    Returns
    -------
    ndarray of shape (n_clusters,), int64
        Row indices of the chosen centres in ``X``.
    """
    n_samples = X.shape[0]
    if x_squared_norms is None:
        x_squared_norms = np.einsum("ij,ij->i", X, X)
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    # Unit sample weights, used exactly as scikit-learn uses its sample_weight
    # (a dot product rather than .sum()), so the rounding, hence the draws, agree.
    weights = np.ones(n_samples)
    indices = np.full(n_clusters, -1, dtype=np.int64)

    first = _choice(random_state, n_samples, p=weights / weights.sum())
    indices[0] = first
    closest_dist_sq = _squared_distances(X[[first]], X, x_squared_norms)[0]
    current_pot = closest_dist_sq @ weights

    for c in range(1, n_clusters):
        rand_vals = _uniform(random_state, n_local_trials) * current_pot
        candidate_ids = np.searchsorted(np.cumsum(weights * closest_dist_sq), rand_vals)
        # Rounding in the cumulative sum can push a draw one past the end.
        np.clip(candidate_ids, None, n_samples - 1, out=candidate_ids)
        distance_to_candidates = _squared_distances(X[candidate_ids], X, x_squared_norms)
        np.minimum(closest_dist_sq, distance_to_candidates, out=distance_to_candidates)
        candidates_pot = distance_to_candidates @ weights.reshape(-1, 1)
        best = int(np.argmin(candidates_pot))
        current_pot = candidates_pot[best]
        closest_dist_sq = distance_to_candidates[best]
        indices[c] = candidate_ids[best]
    return indices


def random_indices(n_samples: int, n_clusters: int, random_state: Generator) -> np.ndarray:
    """Draw ``n_clusters`` distinct row indices uniformly, as scikit-learn's ``init="random"``.

    Returns
    -------
    ndarray of shape (n_clusters,), int64
    """
    p = np.full(n_samples, 1.0) / n_samples
    return random_state.choice(n_samples, size=n_clusters, replace=False, p=p).astype(np.int64)


def farthest_point_indices(X: np.ndarray, n_clusters: int, random_state: Generator) -> np.ndarray:
    """Farthest-point heuristic: a random first point, then always the point farthest from the centres.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    n_clusters : int
    random_state : numpy RandomState or Generator

    Returns
    -------
    ndarray of shape (n_clusters,), int64
        Row indices; when every point already sits on a centre (fewer
        distinct points than centres) the rule repeats an existing point.
    """
    n_samples = X.shape[0]
    indices = np.full(n_clusters, -1, dtype=np.int64)
    indices[0] = _integer(random_state, n_samples)
    closest_dist_sq = _direct_squared_distances(X, X[indices[0]])
    for c in range(1, n_clusters):
        nxt = int(np.argmax(closest_dist_sq))
        indices[c] = nxt
        np.minimum(closest_dist_sq, _direct_squared_distances(X, X[nxt]), out=closest_dist_sq)
    return indices


def _squared_distances(A: np.ndarray, X: np.ndarray, x_squared_norms: np.ndarray) -> np.ndarray:
    """Squared distances (len(A), n_samples) by the expansion scikit-learn uses, clipped at 0."""
    a_norms = np.einsum("ij,ij->i", A, A)[:, None]
    distances = -2 * (A @ X.T)
    distances += a_norms
    distances += x_squared_norms[None, :]
    np.maximum(distances, 0, out=distances)
    return distances


def _direct_squared_distances(X: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Exact squared distances (n_samples,) from every row to one point, via differences."""
    diff = X - point
    return np.einsum("ij,ij->i", diff, diff)


def _choice(random_state: Generator, n: int, *, p: np.ndarray) -> int:
    return int(random_state.choice(n, p=p))


def _uniform(random_state: Generator, size: int) -> np.ndarray:
    return random_state.uniform(size=size)


def _integer(random_state: Generator, n: int) -> int:
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(n))
    return int(random_state.randint(n))
