"""The hot loop of K-Means: one chunked pass over the data per Lloyd iteration.

A pass assigns every point to its nearest centre and, in the same sweep,
counts the points that changed cluster and accumulates per-cluster
coordinate sums and counts, from which both the update (the means) and the
inertia follow without a second pass. The data is processed in chunks small
enough to stay in cache, with buffers reused from pass to pass, optionally
on a small thread pool (numpy and BLAS release the GIL inside their kernels).

The nearest centre is chosen on ``||c||^2 - 2 x.c`` (``||x||^2`` is the same
for every centre), computed exactly as scikit-learn's Lloyd kernel does --
a BLAS ``dgemm`` with alpha = -2 onto a buffer holding ``||c||^2`` -- so
ties break the same way (first centre wins).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.linalg.blas import dgemm

__all__ = ["LloydPass", "PassResult", "direct_inertia", "chunk_rows_for"]

# OpenBLAS runs a gemm on its own threads once m*n*k reaches 4 * 65536; two
# of our workers each calling a multi-threaded gemm thrash the 2 cores (we
# measured 6x slower). Chunks are sized to stay below that, which also keeps
# a chunk's distance buffer in L2 cache.
_BLAS_THREADING_FLOPS = 4 * 65536
_MIN_CHUNK_ROWS = 1024
_MAX_CHUNK_ROWS = 1 << 14
# Up to this many features, per-cluster sums by bincount beat a one-hot matmul.
_BINCOUNT_MAX_FEATURES = 8


# Threads did not pay on the 2-vCPU machine this was tuned on: the ~40
# numpy calls per chunk are a few microseconds each, so the GIL changes hands
# more often than the work in between lasts (2 threads measured 0-10% slower
# at every chunk size from 4096 to 131072 rows; even np.sort of 4M values
# ran no faster on 2 threads there). Pass n_threads=2 on a machine with
# real spare cores to use the pool.
DEFAULT_THREADS = 1


def chunk_rows_for(n_clusters: int, n_features: int) -> int:
    """Rows per chunk: a power of two keeping one chunk's gemm single-threaded in OpenBLAS."""
    rows = _MAX_CHUNK_ROWS
    while rows > _MIN_CHUNK_ROWS and rows * n_clusters * n_features > _BLAS_THREADING_FLOPS:
        rows //= 2
    return rows


@dataclass(slots=True)
class PassResult:
    """What one assignment pass found.

    Attributes
    ----------
    points_moved : int
        Points whose label differs from the previous labels.
    inertia : float
        Sum of squared distances of the points to their nearest centre.
    sums : ndarray of shape (n_clusters, n_features)
        Coordinate sums per cluster.
    counts : ndarray of shape (n_clusters,), float64
        Points per cluster.
    """

    points_moved: int
    inertia: float
    sums: np.ndarray
    counts: np.ndarray


class LloydPass:
    """Assignment passes over one data set, with reusable buffers.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64, C-contiguous
        Data (mean-centred by the caller for accuracy).
    n_clusters : int
    x_squared_norms_total : float or None
        ``(X ** 2).sum()``, for the inertia; computed when None.
    chunk_rows : int or None
        Rows per chunk; None picks :func:`chunk_rows_for`.
    n_threads : int or None
        Worker threads; None uses ``DEFAULT_THREADS``; 1 runs inline.
    label_dtype : numpy integer dtype
        dtype of the label arrays given to :meth:`assign`.
    """

    def __init__(
        self,
        X: np.ndarray,
        n_clusters: int,
        *,
        x_squared_norms_total: float | None = None,
        chunk_rows: int | None = None,
        n_threads: int | None = None,
        label_dtype: type | np.dtype = np.int8,
    ) -> None:
        n_samples, n_features = X.shape
        self.X = X
        self.n_clusters = n_clusters
        if x_squared_norms_total is None:
            x_squared_norms_total = float(np.einsum("ij,ij->", X, X))
        self.x_squared_norms_total = x_squared_norms_total
        if chunk_rows is None:
            chunk_rows = chunk_rows_for(n_clusters, n_features)
        self.chunk_rows = max(1, min(chunk_rows, n_samples))
        self.bounds = [
            (start, min(start + self.chunk_rows, n_samples)) for start in range(0, n_samples, self.chunk_rows)
        ]
        if n_threads is None:
            n_threads = DEFAULT_THREADS
        if self.chunk_rows * n_clusters * n_features > _BLAS_THREADING_FLOPS:
            n_threads = 1  # BLAS threads on its own at this size
        self.n_threads = max(1, min(n_threads, len(self.bounds)))
        # Per worker: distances laid out (n_clusters, rows) so that the
        # running minimum reads contiguous rows; the best value so far; a
        # comparison mask; scratch labels.
        self._buffers = [
            (
                np.empty(n_clusters * self.chunk_rows),
                np.empty(self.chunk_rows),
                np.empty(self.chunk_rows, dtype=bool),
                np.empty(self.chunk_rows, dtype=label_dtype),
            )
            for _ in range(self.n_threads)
        ]
        self._cluster_ids = np.arange(n_clusters)[:, None]
        # Per-chunk cluster sums and counts of the last pass. Summing them in
        # chunk order makes the totals independent of the thread count, and
        # lets the next pass update only the points that changed cluster.
        n_chunks = len(self.bounds)
        self._chunk_sums = np.zeros((n_chunks, n_clusters, n_features))
        self._chunk_counts = np.zeros((n_chunks, n_clusters))
        self._chunk_updates = np.zeros(n_chunks, dtype=np.int64)
        self._sums_describe: list[np.ndarray] = []  # label arrays the chunk sums are valid for

    def assign(self, centers: np.ndarray, previous_labels: np.ndarray, out_labels: np.ndarray) -> PassResult:
        """Label every point with its nearest centre; count moves; sum each cluster.

        Parameters
        ----------
        centers : ndarray of shape (n_clusters, n_features)
        previous_labels : ndarray of shape (n_samples,)
            Labels to compare with, for ``points_moved``. When these are the
            labels of the previous pass, the sums are updated from the
            points that moved only.
        out_labels : ndarray of shape (n_samples,), integer, writable
            Receives the new labels. Passing ``previous_labels`` itself is
            allowed when ``points_moved`` is not wanted.
        """
        k, d = centers.shape
        centers = np.ascontiguousarray(centers, dtype=np.float64)
        center_norms = np.einsum("ij,ij->i", centers, centers)
        norms_column = center_norms[:, None]
        incremental = any(previous_labels is a for a in self._sums_describe) and out_labels is not previous_labels

        def run(worker: int) -> int:
            dist_flat, best, mask, scratch = self._buffers[worker]
            moved = 0
            for chunk in range(worker, len(self.bounds), self.n_threads):
                start, stop = self.bounds[chunk]
                m = stop - start
                x = self.X[start:stop]
                dist = dist_flat[: k * m].reshape(k, m)
                # dist (k, m) in C order is dist.T (m, k) in Fortran order,
                # so dgemm writes -2 x.c into it in place; then add ||c||^2.
                # The same two roundings as scikit-learn's dgemm with beta=1.
                dgemm(-2.0, x.T, centers.T, beta=0.0, c=dist.T, overwrite_c=1, trans_a=1)
                np.add(dist, norms_column, out=dist)
                lab = out_labels[start:stop]
                _running_argmin(dist, lab, best[:m], mask[:m], scratch[:m])

                previous = previous_labels[start:stop]
                if incremental:
                    changed = np.flatnonzero(lab != previous)
                    moved += len(changed)
                    # A chunk where many points moved, or that has been
                    # patched many times (rounding drift), is summed afresh.
                    if len(changed) * 4 > m or self._chunk_updates[chunk] >= _MAX_PATCHES:
                        self._sum_chunk(chunk, x, lab)
                    elif len(changed):
                        self._patch_chunk(chunk, x[changed], lab[changed], previous[changed])
                else:
                    moved += int(np.count_nonzero(lab != previous))
                    self._sum_chunk(chunk, x, lab)
            return moved

        if self.n_threads == 1:
            moved = run(0)
        else:
            moved = sum(_pool(self.n_threads).map(run, range(self.n_threads)))
        # The chunk sums now describe out_labels, and previous_labels too
        # when nothing moved (callers then keep sharing the old array).
        self._sums_describe = [out_labels] if moved else [out_labels, previous_labels]
        sums = self._chunk_sums.sum(axis=0)
        counts = self._chunk_counts.sum(axis=0)
        # sum_i ||x_i - c_l(i)||^2 = sum ||x||^2 + sum_j (n_j ||c_j||^2 - 2 c_j . S_j)
        inertia = (
            self.x_squared_norms_total
            + float(counts @ center_norms)
            - 2.0 * float(np.einsum("ij,ij->", centers, sums))
        )
        return PassResult(moved, max(0.0, inertia), sums, counts)

    def _sum_chunk(self, chunk: int, x: np.ndarray, lab: np.ndarray) -> None:
        k = self.n_clusters
        self._chunk_counts[chunk] = np.bincount(lab, minlength=k)
        self._chunk_sums[chunk] = _cluster_sums(x, lab, self._cluster_ids)
        self._chunk_updates[chunk] = 0

    def _patch_chunk(self, chunk: int, x: np.ndarray, new: np.ndarray, old: np.ndarray) -> None:
        k = self.n_clusters
        self._chunk_counts[chunk] += np.bincount(new, minlength=k)
        self._chunk_counts[chunk] -= np.bincount(old, minlength=k)
        self._chunk_sums[chunk] += _cluster_sums(x, new, self._cluster_ids)
        self._chunk_sums[chunk] -= _cluster_sums(x, old, self._cluster_ids)
        self._chunk_updates[chunk] += 1


# A chunk's sums are recomputed from scratch after this many patches, so
# that rounding from adding and subtracting never accumulates for long.
_MAX_PATCHES = 16


def _running_argmin(dist: np.ndarray, lab: np.ndarray, best: np.ndarray, mask: np.ndarray, scratch: np.ndarray) -> None:
    """Index of the smallest row of ``dist`` (k, m) for each column, into ``lab`` (m,).

    A running minimum over the k rows; strict "<" keeps the first row on
    ties, as ``argmin`` (and scikit-learn) do. The label update is
    branch-free (``lab ^= (lab ^ j) * mask``): ``np.putmask`` branches per
    element and is about 8x slower on mixed masks.
    """
    lab[...] = 0
    mask_int = mask.view(np.uint8)
    np.copyto(best, dist[0])
    for j in range(1, dist.shape[0]):
        np.less(dist[j], best, out=mask)
        np.minimum(best, dist[j], out=best)
        np.bitwise_xor(lab, j, out=scratch)
        np.multiply(scratch, mask_int, out=scratch, casting="unsafe")
        np.bitwise_xor(lab, scratch, out=lab)


def _cluster_sums(x: np.ndarray, lab: np.ndarray, cluster_ids: np.ndarray) -> np.ndarray:
    """Per-cluster coordinate sums (k, d) of the rows ``x`` (m, d) labelled ``lab`` (m,)."""
    k = cluster_ids.shape[0]
    d = x.shape[1]
    if d <= _BINCOUNT_MAX_FEATURES:
        sums = np.empty((k, d))
        for f in range(d):
            sums[:, f] = np.bincount(lab, weights=x[:, f], minlength=k)
        return sums
    one_hot = (lab == cluster_ids).astype(np.float64)  # (k, m)
    return one_hot @ x


def direct_inertia(X: np.ndarray, centers: np.ndarray, labels: np.ndarray, chunk_rows: int = _MAX_CHUNK_ROWS) -> float:
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
