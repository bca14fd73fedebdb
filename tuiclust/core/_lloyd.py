"""The hot loop of K-Means: one chunked pass over the data per Lloyd iteration.

A pass assigns every point to its nearest centre and, in the same sweep,
counts the points that changed cluster, sums the squared distances
(inertia) and accumulates per-cluster coordinate sums and counts for the
update. The data is processed in chunks small enough to stay in cache, with
buffers reused from pass to pass, optionally on a small thread pool (numpy
releases the GIL inside its kernels).

Squared distances use the expansion ``||x||^2 - 2 x.c + ||c||^2``. The
nearest centre is chosen on ``||c||^2 - 2 x.c`` alone, computed in the same
order as scikit-learn's Lloyd kernel, so that ties break the same way
(first centre wins).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

__all__ = ["LloydPass", "PassResult", "direct_inertia"]

DEFAULT_CHUNK_ROWS = 1 << 14


@dataclass(slots=True)
class PassResult:
    """What one assignment pass found.

    Attributes
    ----------
    points_moved : int
        Points whose label differs from the previous labels.
    inertia : float
        Sum of squared distances of the points to their nearest centre.
    sums : ndarray of shape (n_clusters, n_features) or None
        Coordinate sums per cluster (None when not accumulated).
    counts : ndarray of shape (n_clusters,), float64, or None
        Points per cluster.
    """

    points_moved: int
    inertia: float
    sums: np.ndarray | None
    counts: np.ndarray | None


class LloydPass:
    """Assignment passes over one data set, with reusable buffers.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64, C-contiguous
        Data (mean-centred by the caller for accuracy).
    x_squared_norms : ndarray of shape (n_samples,)
    n_clusters : int
    chunk_rows : int
        Rows per chunk.
    n_threads : int or None
        Worker threads; None picks ``min(2, cpu count)``; 1 runs inline.
    """

    def __init__(
        self,
        X: np.ndarray,
        x_squared_norms: np.ndarray,
        n_clusters: int,
        *,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        n_threads: int | None = None,
    ) -> None:
        self.X = X
        self.x_squared_norms = x_squared_norms
        self.n_clusters = n_clusters
        n_samples = X.shape[0]
        self.chunk_rows = max(1, min(chunk_rows, n_samples))
        self.bounds = [
            (start, min(start + self.chunk_rows, n_samples)) for start in range(0, n_samples, self.chunk_rows)
        ]
        if n_threads is None:
            n_threads = min(2, os.cpu_count() or 1)
        self.n_threads = max(1, min(n_threads, len(self.bounds)))
        self._buffers = [np.empty((self.chunk_rows, n_clusters)) for _ in range(self.n_threads)]

    def assign(
        self,
        centers: np.ndarray,
        previous_labels: np.ndarray,
        out_labels: np.ndarray,
        *,
        accumulate: bool = True,
    ) -> PassResult:
        """Label every point with its nearest centre.

        Parameters
        ----------
        centers : ndarray of shape (n_clusters, n_features)
        previous_labels : ndarray of shape (n_samples,)
            Labels to compare with, for ``points_moved``.
        out_labels : ndarray of shape (n_samples,), writable
            Receives the new labels.
        accumulate : bool
            Also return per-cluster sums and counts.
        """
        k, d = centers.shape
        centers_m2t = np.ascontiguousarray(-2.0 * centers.T)  # (d, k)
        center_norms = np.einsum("ij,ij->i", centers, centers)

        def run(worker: int) -> tuple[int, float, np.ndarray | None, np.ndarray | None]:
            buf = self._buffers[worker]
            moved = 0
            inertia = 0.0
            sums = np.zeros((k, d)) if accumulate else None
            counts = np.zeros(k) if accumulate else None
            for start, stop in self.bounds[worker :: self.n_threads]:
                x = self.X[start:stop]
                dist = buf[: stop - start]
                np.matmul(x, centers_m2t, out=dist)
                dist += center_norms
                lab = np.argmin(dist, axis=1)
                nearest = np.take_along_axis(dist, lab[:, None], axis=1)[:, 0]
                nearest += self.x_squared_norms[start:stop]
                np.maximum(nearest, 0.0, out=nearest)
                inertia += float(nearest.sum())
                out = out_labels[start:stop]
                out[...] = lab
                moved += int(np.count_nonzero(out != previous_labels[start:stop]))
                if accumulate:
                    counts += np.bincount(lab, minlength=k)
                    for f in range(d):
                        sums[:, f] += np.bincount(lab, weights=x[:, f], minlength=k)
            return moved, inertia, sums, counts

        if self.n_threads == 1:
            parts = [run(0)]
        else:
            parts = list(_pool(self.n_threads).map(run, range(self.n_threads)))
        moved = sum(p[0] for p in parts)
        inertia = sum(p[1] for p in parts)
        if not accumulate:
            return PassResult(moved, inertia, None, None)
        sums = parts[0][2]
        counts = parts[0][3]
        for p in parts[1:]:
            sums += p[2]
            counts += p[3]
        return PassResult(moved, inertia, sums, counts)


def direct_inertia(X: np.ndarray, centers: np.ndarray, labels: np.ndarray, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> float:
    """Sum of squared distances from each point to its labelled centre, by differences.

    More accurate than the expansion; used for the final inertia.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centers : ndarray of shape (n_clusters, n_features)
    labels : ndarray of shape (n_samples,), values in [0, n_clusters)
    """
    total = 0.0
    for start in range(0, X.shape[0], chunk_rows):
        diff = X[start : start + chunk_rows] - centers[labels[start : start + chunk_rows]]
        total += float(np.einsum("ij,ij->", diff, diff))
    return total


_POOLS: dict[int, ThreadPoolExecutor] = {}


def _pool(n_threads: int) -> ThreadPoolExecutor:
    pool = _POOLS.get(n_threads)
    if pool is None:
        pool = _POOLS[n_threads] = ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="tuiclust-lloyd")
    return pool
