"""Scores of a clustering: silhouette, Calinski-Harabasz, Davies-Bouldin and the adjusted Rand index.

The values are scikit-learn's (``sklearn.metrics``), computed with numpy and
scipy alone. As in scikit-learn, labels are taken as they come: DBSCAN's
noise label -1 is simply one more cluster, so a run with noise is scored as
if its noise points formed a cluster of their own.

The three internal scores (silhouette, Calinski-Harabasz, Davies-Bouldin) are
defined only for 2 to n-1 clusters and raise ValueError otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial.distance import cdist

from .validation import check_data, check_int, check_random_state

__all__ = [
    "adjusted_rand_score",
    "calinski_harabasz_score",
    "davies_bouldin_score",
    "silhouette_samples",
    "silhouette_score",
]

# Largest block of pairwise distances the silhouette holds at once.
DEFAULT_CHUNK_BYTES = 64 * 2**20


def _encode_labels(labels: Any, n_samples: int, *, name: str = "labels") -> tuple[np.ndarray, np.ndarray]:
    """Turn any labels into codes 0..k-1 in sorted label order.

    Returns
    -------
    codes : ndarray of shape (n_samples,), intp
    counts : ndarray of shape (k,), int64
        Points in each cluster.
    """
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per sample), got shape {arr.shape}")
    if arr.shape[0] != n_samples:
        raise ValueError(f"{name} has {arr.shape[0]} entries but X has {n_samples} rows; give one label per row")
    _, codes, counts = np.unique(arr, return_inverse=True, return_counts=True)
    return codes.reshape(-1), counts


def _check_cluster_count(metric: str, n_clusters: int, n_samples: int) -> None:
    if not 1 < n_clusters < n_samples:
        raise ValueError(
            f"{metric} needs 2 to n-1 clusters, got {n_clusters} "
            f"(n = {n_samples} samples; the noise label -1 counts as a cluster)"
        )


def _centroids(X: np.ndarray, codes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Mean of each cluster: (n, d) -> (k, d)."""
    k = counts.size
    sums = np.column_stack([np.bincount(codes, weights=X[:, j], minlength=k) for j in range(X.shape[1])])
    return sums / counts[:, None]


def silhouette_samples(X: Any, labels: Any, *, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> np.ndarray:
    """Silhouette coefficient of every sample, with Euclidean distances.

    For a point i with mean distance a(i) to the other members of its own
    cluster and mean distance b(i) to the members of the nearest other
    cluster, s(i) = (b(i) - a(i)) / max(a(i), b(i)). A point alone in its
    cluster scores 0, as in scikit-learn.

    The distances are computed a block of rows at a time (about
    ``chunk_bytes`` each), so memory grows with n, never with n².

    Distances are direct differences (``scipy.spatial.distance.cdist``).
    scikit-learn uses sqrt(|x|^2 - 2 x.y + |y|^2), which puts repeated
    non-integer rows about 1e-8 |x| apart instead of 0: on such data single
    values can differ from scikit-learn's by up to ~1e-7 (theirs being the
    rounded ones); elsewhere they agree to about 1e-14.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        Any hashable labels; -1 (noise) is one more cluster.
    chunk_bytes : int, default 64 MiB
        Memory for one block of distances; smaller saves memory, larger
        saves a little time.

    Returns
    -------
    ndarray of shape (n_samples,), values in [-1, 1].

    Raises
    ------
    ValueError
        Bad X or labels, or fewer than 2 or more than n-1 clusters.
    """
    X = check_data(X)
    n = X.shape[0]
    codes, counts = _encode_labels(labels, n)
    _check_cluster_count("silhouette", counts.size, n)
    chunk_bytes = check_int("chunk_bytes", chunk_bytes, low=1)

    # Sorting the points by cluster makes every cluster a contiguous run of
    # columns, so per-cluster distance sums are one np.add.reduceat per block
    # (memory rows x clusters, whatever the number of clusters).
    order = np.argsort(codes, kind="stable")
    X_sorted = X[order]
    codes_sorted = codes[order]
    run_starts = np.concatenate([[0], np.cumsum(counts)[:-1]])

    rows_per_chunk = max(1, min(n, chunk_bytes // (8 * n)))
    buffer = np.empty((rows_per_chunk, n))
    a = np.empty(n)
    b = np.empty(n)
    for start in range(0, n, rows_per_chunk):
        stop = min(n, start + rows_per_chunk)
        rows = stop - start
        dist = cdist(X_sorted[start:stop], X_sorted, out=buffer[:rows])
        per_cluster = np.add.reduceat(dist, run_starts, axis=1)  # (rows, k) sums
        own = codes_sorted[start:stop]
        r = np.arange(rows)
        a[start:stop] = per_cluster[r, own]
        per_cluster[r, own] = np.inf
        per_cluster /= counts
        b[start:stop] = per_cluster.min(axis=1)

    with np.errstate(divide="ignore", invalid="ignore"):
        # A singleton's own sum is 0 over 0 other members: NaN, scored 0 below.
        a /= counts[codes_sorted] - 1
        s = (b - a) / np.maximum(a, b)
    s = np.nan_to_num(s)
    out = np.empty(n)
    out[order] = s
    return out


def silhouette_score(
    X: Any,
    labels: Any,
    *,
    sample_size: int | None = None,
    random_state: Any = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> float:
    """Mean silhouette coefficient over all samples (or a random subset).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
    sample_size : int, optional
        Score only this many points drawn without replacement (all of them
        when it is at least n). The draw is scikit-learn's:
        ``RandomState(seed).permutation(n)[:sample_size]``, so an integer
        ``random_state`` picks the same points, and gives the same score, as
        ``sklearn.metrics.silhouette_score`` with that seed.
    random_state : None, int, numpy Generator or RandomState
        Seed of the draw; used only with ``sample_size``.
    chunk_bytes : int, default 64 MiB
        See :func:`silhouette_samples`.

    Returns
    -------
    float in [-1, 1]; higher means tighter, better separated clusters.

    Raises
    ------
    ValueError
        Bad X, labels or sample_size, or fewer than 2 or more than n-1
        clusters (among the drawn points when sampling).
    """
    if sample_size is not None:
        X = check_data(X)
        labels = np.asarray(labels)
        _encode_labels(labels, X.shape[0])  # shape checks before drawing
        sample_size = check_int("sample_size", sample_size, low=1)
        rng = check_random_state(random_state)
        keep = rng.permutation(X.shape[0])[:sample_size]
        X, labels = X[keep], labels[keep]
    return float(np.mean(silhouette_samples(X, labels, chunk_bytes=chunk_bytes)))


def calinski_harabasz_score(X: Any, labels: Any) -> float:
    """Calinski-Harabasz index: between-cluster over within-cluster dispersion.

    CH = [B / (k - 1)] / [W / (n - k)], with B the size-weighted squared
    distances of the cluster means to the overall mean and W the squared
    distances of the points to their own cluster mean. Higher is better.
    1.0 when W is 0 (scikit-learn's convention).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)

    Returns
    -------
    float, >= 0.

    Raises
    ------
    ValueError
        Bad X or labels, or fewer than 2 or more than n-1 clusters.
    """
    X = check_data(X)
    n = X.shape[0]
    codes, counts = _encode_labels(labels, n)
    k = counts.size
    _check_cluster_count("calinski_harabasz", k, n)
    centroids = _centroids(X, codes, counts)
    between = float(np.sum(counts * np.sum((centroids - X.mean(axis=0)) ** 2, axis=1)))
    within = float(np.sum((X - centroids[codes]) ** 2))
    if within == 0.0:
        return 1.0
    return between * (n - k) / (within * (k - 1.0))


def _dot_product_distances(A: np.ndarray, B: np.ndarray | None = None) -> np.ndarray:
    """Euclidean distances as scikit-learn computes them: sqrt(|a|^2 - 2 a.b + |b|^2).

    This rounds differently from a direct difference (for identical rows it
    can give about 1e-8 |a| instead of 0); Davies-Bouldin uses it on purpose
    so that its spreads, and thus its value, agree with scikit-learn's to the
    last digits, singleton clusters included.

    Parameters
    ----------
    A : ndarray of shape (m, d)
    B : ndarray of shape (p, d), optional
        None means A against itself, with an exact zero diagonal.

    Returns
    -------
    ndarray of shape (m, p)
    """
    AA = np.einsum("ij,ij->i", A, A)[:, None]
    BB = AA.T if B is None else np.einsum("ij,ij->i", B, B)[None, :]
    d2 = -2 * (A @ (A if B is None else B).T)
    d2 += AA
    d2 += BB
    np.maximum(d2, 0, out=d2)
    if B is None:
        np.fill_diagonal(d2, 0)
    return np.sqrt(d2)


def davies_bouldin_score(X: Any, labels: Any) -> float:
    """Davies-Bouldin index: how much each cluster resembles its closest rival.

    With s_i the mean distance of cluster i's points to its centre and d_ij
    the distance between centres, DB = mean_i max_{j != i} (s_i + s_j) / d_ij.
    Lower is better; 0 when every cluster is a single spot (or, as in
    scikit-learn, when all centres coincide). Pairs of clusters sharing a
    centre are left out of the max.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)

    Returns
    -------
    float, >= 0.

    Raises
    ------
    ValueError
        Bad X or labels, or fewer than 2 or more than n-1 clusters.
    """
    X = check_data(X)
    n = X.shape[0]
    codes, counts = _encode_labels(labels, n)
    k = counts.size
    _check_cluster_count("davies_bouldin", k, n)
    # Cluster by cluster over contiguous slices, as scikit-learn does: the
    # same arithmetic in the same order gives the same rounding.
    order = np.argsort(codes, kind="stable")
    X_sorted = X[order]
    bounds = np.concatenate([[0], np.cumsum(counts)])
    centroids = np.empty((k, X.shape[1]))
    spread = np.empty(k)
    for c in range(k):
        members = X_sorted[bounds[c] : bounds[c + 1]]
        centroids[c] = members.mean(axis=0)
        spread[c] = _dot_product_distances(members, centroids[c : c + 1]).mean()
    centre_dist = _dot_product_distances(centroids)
    if np.allclose(spread, 0.0, rtol=1e-5, atol=1e-8) or np.allclose(centre_dist, 0.0, rtol=1e-5, atol=1e-8):
        return 0.0
    centre_dist[centre_dist == 0] = np.inf  # the diagonal, and twin centres
    ratios = (spread[:, None] + spread[None, :]) / centre_dist
    return float(np.mean(ratios.max(axis=1)))


def adjusted_rand_score(labels_true: Any, labels_pred: Any) -> float:
    """Adjusted Rand index between two labelings, corrected for chance.

    Counts the pairs of points that both labelings put together or both
    keep apart, and rescales so that random labelings score about 0 and
    identical partitions (up to renaming) score 1. It can be negative.
    Special cases as in scikit-learn: empty input, or labelings that agree
    on every pair (e.g. both put every point alone), give 1.0.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
    labels_pred : array-like of shape (n_samples,)

    Returns
    -------
    float in [-0.5, 1].

    Raises
    ------
    ValueError
        If the labelings are not 1-D or differ in length.
    """
    true = np.asarray(labels_true)
    pred = np.asarray(labels_pred)
    if true.ndim != 1 or pred.ndim != 1:
        raise ValueError(f"labels_true and labels_pred must be 1-D, got shapes {true.shape} and {pred.shape}")
    if true.shape[0] != pred.shape[0]:
        raise ValueError(
            f"labels_true has {true.shape[0]} entries but labels_pred has {pred.shape[0]}; they must match"
        )
    n = true.shape[0]
    if n == 0:
        return 1.0
    _, t_codes = np.unique(true, return_inverse=True)
    p_codes_unique, p_codes = np.unique(pred, return_inverse=True)
    t_codes, p_codes = t_codes.reshape(-1), p_codes.reshape(-1)
    n_pred = p_codes_unique.shape[0]
    # The non-empty cells of the contingency table, without building it densely.
    cells, cell_counts = np.unique(t_codes.astype(np.int64) * n_pred + p_codes, return_counts=True)
    row_of_cell, col_of_cell = np.divmod(cells, n_pred)
    row_sums = np.bincount(t_codes)
    col_sums = np.bincount(p_codes)

    # Pair counts as scikit-learn's pair_confusion_matrix. Every sum is at
    # most n**2, which int64 holds for any n that fits in memory.
    cell_counts = cell_counts.astype(np.int64)
    sum_squares = int(np.sum(cell_counts**2))
    same_both = sum_squares - n
    same_pred_only = int(np.sum(cell_counts * col_sums[col_of_cell])) - sum_squares
    same_true_only = int(np.sum(cell_counts * row_sums[row_of_cell])) - sum_squares
    apart_both = n * n - same_pred_only - same_true_only - sum_squares
    if same_pred_only == 0 and same_true_only == 0:
        return 1.0
    tp, fp, fn, tn = same_both, same_pred_only, same_true_only, apart_both
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
