"""The hot loop of K-Means: one assignment pass over the data per Lloyd iteration.

A pass labels every point with its nearest centre and, in the same sweep,
counts the points that changed cluster and keeps per-cluster coordinate sums
and counts, from which both the update (the means) and the inertia follow
without a second pass over the data.

Exactly scikit-learn's arithmetic
    The nearest centre is chosen on ``||c||^2 - 2 x.c`` (``||x||^2`` is the
    same for every centre), computed as scikit-learn's Lloyd kernel does --
    BLAS ``dgemm`` with alpha = -2, then ``+ ||c||^2`` -- with the first
    centre winning a tie. So labels agree with scikit-learn's bit for bit.

Chunks
    Points are processed in chunks small enough for cache (distances are
    laid out (n_clusters, rows) so the running minimum reads contiguous
    rows), into buffers reused from pass to pass.

Points that cannot change cluster are skipped
    Lloyd's algorithm spends most of its late iterations confirming labels
    that cannot change. Each point keeps a lower bound on the gap between
    its distance to the second-nearest and to the nearest centre (Hamerly's
    bounds, with one global drift): when the centres have moved by at most
    ``drift`` in total since the gap was measured, the gap shrank by at most
    ``2 * drift``; while it stays wider than a safety margin that covers
    every rounding error of the arithmetic above, the point keeps its label
    -- the label scikit-learn's full computation would give it. Only the
    other points are recomputed. The per-cluster sums are then patched with
    the points that moved only (per chunk, and each chunk is summed afresh
    now and then so rounding never accumulates).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.linalg.blas import dgemm

__all__ = ["DEFAULT_THREADS", "LloydPass", "PassResult", "chunk_rows_for", "direct_inertia"]

# OpenBLAS runs a gemm on its own threads once m*n*k exceeds 4 * 65536; on a
# shared 2-vCPU machine that made a chunk's gemm 50x slower, so chunks stay
# below it (which also keeps a chunk's distance buffer within L2 cache).
_BLAS_THREADING_FLOPS = 4 * 65536
_MIN_CHUNK_ROWS = 1024
_MAX_CHUNK_ROWS = 1 << 14
# Up to this many features, per-cluster sums by bincount beat a one-hot matmul.
_BINCOUNT_MAX_FEATURES = 8
# Recompute every point, not just the doubtful ones, above this fraction
# (a sparse pass costs ~2.5 ms + 22 ms * fraction per million points, a dense
# pass that measures the gaps ~17 ms).
_DENSE_FRACTION = 0.6
# Measuring the gaps costs a dense pass about a third more; it starts once a
# pass moved at most this fraction of the points (early passes move many
# points, and few could be skipped anyway).
_TRACK_GAPS_BELOW = 0.05
# A chunk's sums are recomputed from scratch after 16 to 31 patches (staggered
# so that chunks patched in the same passes are not all redone in one pass),
# so that rounding from adding and subtracting never accumulates for long.
_MAX_PATCHES = 16

# Threads did not pay on the 2-vCPU machine this was tuned on: a chunk takes
# ~40 numpy calls of a few microseconds each, so the GIL changes hands about
# as often as work is done (2 threads measured 0-10% slower at every chunk
# size from 4096 to 131072 rows; even np.sort of 4M values ran no faster on
# 2 threads there). Pass n_threads=2 on a machine with spare cores.
DEFAULT_THREADS = 1

_EPS = float(np.finfo(np.float64).eps)


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
        Coordinate sums per cluster (a fresh array the caller may change).
    counts : ndarray of shape (n_clusters,), float64
        Points per cluster (a fresh array).
    points_recomputed : int
        Points whose distances were computed (the others provably kept
        their label).
    """

    points_moved: int
    inertia: float
    sums: np.ndarray
    counts: np.ndarray
    points_recomputed: int


class LloydPass:
    """Assignment passes over one data set, with reusable buffers and per-point gap bounds.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64, C-contiguous
        Data (mean-centred by the caller: smaller norms, smaller rounding).
    n_clusters : int
    x_squared_norms : ndarray of shape (n_samples,) or None
        ``(X ** 2).sum(axis=1)``, if already at hand.
    chunk_rows : int or None
        Rows per chunk; None picks :func:`chunk_rows_for`.
    n_threads : int or None
        Worker threads for passes that recompute every point; None uses
        ``DEFAULT_THREADS``; 1 runs inline.
    label_dtype : numpy integer dtype
        dtype of the label arrays given to :meth:`assign`.
    skip_settled : bool
        Use the gap bounds to skip points that cannot change cluster.

    Notes
    -----
    The pass remembers the labels it wrote last (by identity) with their
    sums and gap bounds. A call whose ``previous_labels`` is that array (or,
    when nothing moved, the array before it) continues from them; any other
    call recomputes everything.
    """

    def __init__(
        self,
        X: np.ndarray,
        n_clusters: int,
        *,
        x_squared_norms: np.ndarray | None = None,
        chunk_rows: int | None = None,
        n_threads: int | None = None,
        label_dtype: type | np.dtype = np.int8,
        skip_settled: bool = True,
    ) -> None:
        n_samples, n_features = X.shape
        self.X = X
        self.n_clusters = n_clusters
        self.label_dtype = np.dtype(label_dtype)
        if x_squared_norms is None:
            x_squared_norms = np.einsum("ij,ij->i", X, X)
        self.x_squared_norms_total = float(x_squared_norms.sum())
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
        self.skip_settled = skip_settled
        self._workspaces = [
            _Workspace(n_clusters, n_features, self.chunk_rows, self.label_dtype) for _ in range(self.n_threads)
        ]
        self._cluster_ids = np.arange(n_clusters)[:, None]

        # Per-chunk cluster sums and counts of the last pass. Summing them in
        # chunk order makes the totals independent of the thread count, and
        # lets the next pass patch only the points that changed cluster.
        n_chunks = len(self.bounds)
        self._chunk_sums = np.zeros((n_chunks, n_clusters, n_features))
        self._chunk_counts = np.zeros((n_chunks, n_clusters))
        self._chunk_patches = np.zeros(n_chunks, dtype=np.int64)
        self._patch_limit = _MAX_PATCHES + np.arange(n_chunks) % _MAX_PATCHES
        self._describes: list[np.ndarray] = []  # label arrays the state above is valid for

        # Gap bounds: gap_i + 2 * drift_at_measure, see the module docstring.
        self._gap = np.empty(n_samples) if skip_settled else None
        self._gaps_valid = False
        self._moved_fraction = 1.0
        self._drift = 0.0
        self._last_centers: np.ndarray | None = None
        self._max_center_norm = 0.0
        self._max_point_norm = float(np.sqrt(x_squared_norms.max()))
        # Per-point ||x||^2 turn the best values into distances for the gaps.
        self._x_squared_norms = x_squared_norms if skip_settled else None

    # ------------------------------------------------------------------ pass
    def assign(self, centers: np.ndarray, previous_labels: np.ndarray, out_labels: np.ndarray) -> PassResult:
        """Label every point with its nearest centre; count moves; sum each cluster.

        Parameters
        ----------
        centers : ndarray of shape (n_clusters, n_features)
        previous_labels : ndarray of shape (n_samples,)
            Labels to compare with, for ``points_moved``.
        out_labels : ndarray of shape (n_samples,), integer, writable
            Receives the new labels. Passing ``previous_labels`` itself is
            allowed when ``points_moved`` is not wanted.
        """
        centers = np.ascontiguousarray(centers, dtype=np.float64)
        center_norms = np.einsum("ij,ij->i", centers, centers)
        continuing = (
            out_labels is not previous_labels
            and self._last_centers is not None
            and any(previous_labels is a for a in self._describes)
        )
        if continuing:
            self._drift += float(np.sqrt(((centers - self._last_centers) ** 2).sum(axis=1)).max())
        self._max_center_norm = max(self._max_center_norm, float(np.sqrt(center_norms.max())))

        candidates = None
        if continuing and self._gaps_valid:
            candidates = np.flatnonzero(self._gap <= 2.0 * self._drift + self._margin())
            if len(candidates) > _DENSE_FRACTION * len(self.X):
                candidates = None
        if candidates is None:
            track = self.skip_settled and self._moved_fraction <= _TRACK_GAPS_BELOW
            moved = self._dense_pass(centers, center_norms, previous_labels, out_labels, patch=continuing, track=track)
            self._gaps_valid = track
            recomputed = len(self.X)
        else:
            moved = self._sparse_pass(centers, center_norms, previous_labels, out_labels, candidates)
            recomputed = len(candidates)
        self._moved_fraction = moved / len(self.X)

        self._last_centers = centers.copy()
        # The state now describes out_labels, and previous_labels too when
        # nothing moved (callers then keep sharing the old array).
        self._describes = [out_labels] if moved else [out_labels, previous_labels]
        sums = self._chunk_sums.sum(axis=0)
        counts = self._chunk_counts.sum(axis=0)
        # sum_i ||x_i - c_l(i)||^2 = sum ||x||^2 + sum_j (n_j ||c_j||^2 - 2 c_j . S_j)
        inertia = (
            self.x_squared_norms_total + float(counts @ center_norms) - 2.0 * float(np.einsum("ij,ij->", centers, sums))
        )
        return PassResult(moved, max(0.0, inertia), sums, counts, recomputed)

    def _dense_pass(
        self,
        centers: np.ndarray,
        center_norms: np.ndarray,
        previous_labels: np.ndarray,
        out_labels: np.ndarray,
        *,
        patch: bool,
        track: bool,
    ) -> int:
        """Recompute every point, chunk by chunk (on the thread pool if any); gaps too if ``track``."""
        drift2 = 2.0 * self._drift

        def run(worker: int) -> int:
            ws = self._workspaces[worker]
            moved = 0
            for chunk in range(worker, len(self.bounds), self.n_threads):
                start, stop = self.bounds[chunk]
                x = self.X[start:stop]
                lab = out_labels[start:stop]
                gap = self._gap[start:stop] if track else None
                norms = self._x_squared_norms[start:stop] if track else None
                ws.nearest(x, centers, center_norms, lab, gap, drift2, norms)
                previous = previous_labels[start:stop]
                if patch:
                    changed = np.flatnonzero(lab != previous)
                    moved += len(changed)
                    # A chunk where many points moved, or that has been
                    # patched many times, is summed afresh.
                    if len(changed) * 4 > len(x) or self._chunk_patches[chunk] >= self._patch_limit[chunk]:
                        self._sum_chunk(chunk, lab)
                    elif len(changed):
                        self._patch_chunk(chunk, x[changed], lab[changed], previous[changed])
                else:
                    moved += int(np.count_nonzero(lab != previous))
                    self._sum_chunk(chunk, lab)
            return moved

        if self.n_threads == 1:
            return run(0)
        return sum(_pool(self.n_threads).map(run, range(self.n_threads)))

    def _sparse_pass(
        self,
        centers: np.ndarray,
        center_norms: np.ndarray,
        previous_labels: np.ndarray,
        out_labels: np.ndarray,
        candidates: np.ndarray,
    ) -> int:
        """Recompute only ``candidates`` (sorted row indices); every other point keeps its label."""
        assert self._gap is not None
        drift2 = 2.0 * self._drift
        ws = self._workspaces[0]
        out_labels[...] = previous_labels
        moved_rows, moved_new, moved_old = [], [], []
        for start in range(0, len(candidates), self.chunk_rows):
            rows = candidates[start : start + self.chunk_rows]
            r = len(rows)
            x = np.take(self.X, rows, axis=0, out=ws.x[:r])
            norms = np.take(self._x_squared_norms, rows, out=ws.x_norms[:r])
            lab, gap = ws.labels[:r], ws.gap[:r]
            ws.nearest(x, centers, center_norms, lab, gap, drift2, norms)
            self._gap[rows] = gap
            old = previous_labels[rows]
            changed = np.flatnonzero(lab != old)
            if len(changed):
                rows_changed = rows[changed]
                new = lab[changed]
                out_labels[rows_changed] = new
                moved_rows.append(rows_changed)
                moved_new.append(new)
                moved_old.append(old[changed])
        if not moved_rows:
            return 0
        rows = np.concatenate(moved_rows)
        self._patch_rows(rows, np.concatenate(moved_new), np.concatenate(moved_old))
        for chunk in np.flatnonzero(self._chunk_patches >= self._patch_limit):
            start, stop = self.bounds[chunk]
            self._sum_chunk(int(chunk), out_labels[start:stop])
        return len(rows)

    # ------------------------------------------------------------ cluster sums
    def _sum_chunk(self, chunk: int, lab: np.ndarray) -> None:
        start, stop = self.bounds[chunk]
        x = self.X[start:stop]
        self._chunk_counts[chunk] = np.bincount(lab, minlength=self.n_clusters)
        self._chunk_sums[chunk] = _cluster_sums(x, lab, self._cluster_ids)
        self._chunk_patches[chunk] = 0

    def _patch_chunk(self, chunk: int, x: np.ndarray, new: np.ndarray, old: np.ndarray) -> None:
        k = self.n_clusters
        self._chunk_counts[chunk] += np.bincount(new, minlength=k)
        self._chunk_counts[chunk] -= np.bincount(old, minlength=k)
        self._chunk_sums[chunk] += _cluster_sums(x, new, self._cluster_ids)
        self._chunk_sums[chunk] -= _cluster_sums(x, old, self._cluster_ids)
        self._chunk_patches[chunk] += 1

    def _patch_rows(self, rows: np.ndarray, new: np.ndarray, old: np.ndarray) -> None:
        """Move ``rows`` from cluster ``old`` to ``new`` in the per-chunk sums, all chunks at once."""
        k = self.n_clusters
        n_chunks = len(self.bounds)
        chunk_of = rows // self.chunk_rows
        into = chunk_of * k + new
        out_of = chunk_of * k + old
        size = n_chunks * k
        counts = np.bincount(into, minlength=size) - np.bincount(out_of, minlength=size)
        self._chunk_counts += counts.reshape(n_chunks, k)
        x = self.X[rows]
        for f in range(x.shape[1]):
            delta = np.bincount(into, weights=x[:, f], minlength=size)
            delta -= np.bincount(out_of, weights=x[:, f], minlength=size)
            self._chunk_sums[:, :, f] += delta.reshape(n_chunks, k)
        self._chunk_patches += np.bincount(chunk_of, minlength=n_chunks) > 0

    # ---------------------------------------------------------------- margin
    def _margin(self) -> float:
        """Distance by which a gap must beat the drift for its point to be skipped.

        Each computed ``||c||^2 - 2 x.c`` is within ``err`` of the true value
        (dot products of ``d`` terms, then two roundings; generous factor 8).
        A point is skipped only if its true gap is at least ``sqrt(2 err)``
        (so the computed values order the centres as the true ones do),
        after allowing ``sqrt(2 err)`` of error in each of the two distances
        the gap was measured from, and a relative slack for the drift sum.
        """
        d = self.X.shape[1]
        reach = self._max_point_norm + self._max_center_norm
        err = 8.0 * (d + 2) * _EPS * reach * reach
        return 4.0 * np.sqrt(2.0 * err) + 1e-12 * (2.0 * self._drift + reach)


class _Workspace:
    """Buffers for one worker: gathered rows, distances (k, rows), running minima, mask, labels, gaps."""

    def __init__(self, n_clusters: int, n_features: int, rows: int, label_dtype: np.dtype) -> None:
        self.x = np.empty((rows, n_features))
        self.dist = np.empty(n_clusters * rows)
        self.best = np.empty(rows)
        self.second = np.empty(rows)
        self.x_norms = np.empty(rows)
        self.mask = np.empty(rows, dtype=bool)
        self.scratch = np.empty(rows, dtype=label_dtype)
        self.labels = np.empty(rows, dtype=label_dtype)
        self.gap = np.empty(rows)
        self.flat_index = np.empty(rows, dtype=np.intp)
        # Labels as numpy scalars of the label dtype: a plain int above 255
        # would not fit the uint8 mask it multiplies.
        self.label_values = np.arange(n_clusters, dtype=label_dtype)
        self.columns = np.arange(rows, dtype=np.intp)

    def nearest(
        self,
        x: np.ndarray,
        centers: np.ndarray,
        center_norms: np.ndarray,
        lab: np.ndarray,
        gap: np.ndarray | None,
        drift2: float,
        x_squared_norms: np.ndarray | None = None,
    ) -> None:
        """Nearest centre of each row of ``x`` into ``lab``; its gap bound into ``gap``.

        Parameters
        ----------
        x : ndarray of shape (m, n_features), C-contiguous
        centers : ndarray of shape (k, n_features), C-contiguous
        center_norms : ndarray of shape (k,)
        lab : ndarray of shape (m,), integer, writable
        gap : ndarray of shape (m,) or None
            Receives ``second-nearest distance - nearest distance + drift2``.
        drift2 : float
            Twice the drift so far.
        x_squared_norms : ndarray of shape (m,)
            ``||x||^2`` of the rows; needed with ``gap``.
        """
        k = centers.shape[0]
        m = x.shape[0]
        dist = self.dist[: k * m].reshape(k, m)
        # dist (k, m) in C order is dist.T (m, k) in Fortran order, so dgemm
        # writes -2 x.c into it in place; then + ||c||^2. The same two
        # roundings as scikit-learn's dgemm with beta=1 onto ||c||^2.
        dgemm(-2.0, x.T, centers.T, beta=0.0, c=dist.T, overwrite_c=1, trans_a=1)
        np.add(dist, center_norms[:, None], out=dist)

        # Running minimum over the k rows; strict "<" keeps the first centre
        # on ties, as argmin and scikit-learn do. The label update is
        # branch-free: j exceeds every label so far, so "lab = j where the
        # row is smaller" is lab = max(lab, j * mask). (np.putmask branches
        # per element and is ~8x slower on mixed masks.)
        best, mask, scratch = self.best[:m], self.mask[:m], self.scratch[:m]
        mask_int = mask.view(np.uint8)
        lab[...] = 0
        np.copyto(best, dist[0])
        for j in range(1, k):
            row = dist[j]
            np.less(row, best, out=mask)
            np.minimum(best, row, out=best)
            np.multiply(mask_int, self.label_values[j], out=scratch, casting="unsafe")
            np.maximum(lab, scratch, out=lab)
        if gap is None:
            return

        # Second-nearest: hide each point's nearest centre, then one reduction.
        second = self.second[:m]
        if k > 1:
            flat_index = self.flat_index[:m]
            np.copyto(flat_index, lab)
            flat_index *= m
            flat_index += self.columns[:m]
            dist.reshape(-1)[flat_index] = np.inf
            np.min(dist, axis=0, out=second)
        else:
            second.fill(np.inf)
        # Distances (not squared) to the nearest and second-nearest centre.
        assert x_squared_norms is not None
        for values in (best, second):
            values += x_squared_norms
            np.maximum(values, 0.0, out=values)
            np.sqrt(values, out=values)
        np.subtract(second, best, out=gap)
        gap += drift2


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
