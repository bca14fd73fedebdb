"""DBSCAN: density-based clusters, told as a story of a few dozen steps.

``DBSCAN(eps, min_samples=...)`` has scikit-learn's shape and gives
scikit-learn's exact answer (same cluster numbers, same border assignment,
same noise); the geometry lives in :mod:`tuiclust.core.dbscan_graph`.

``steps(X)`` tells the lesson's story, whatever the size of the data:

1. *Core points*: every neighbourhood is counted; points with at least
   ``min_samples`` neighbours within ``eps`` are core points.
2. *Expand*: each cluster grows outward from its seed (its first core point)
   in visible chunks; a handful of clusters each take several steps, many
   small clusters are grouped so the run stays short.
3. *Border*: non-core points within ``eps`` of a core point join a cluster.
4. *Noise*: what is left is noise.
5. *Done*: the cluster count.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from numbers import Integral, Real
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree

from .base import StepwiseEstimator
from .constraints import Interval
from .dbscan_graph import Clustering, CoreGraph, cluster, expansion_order, point_core_graph, sampled_mean_neighbours
from .dbscan_grid import grid_core_graph, make_grid
from .numbers import count
from .steps import Phase, PointKind, Step, compact_labels, frozen_array

__all__ = ["DBSCAN", "MAX_EXPAND_STEPS"]

#: Expand steps in one run at most; with the four other phases a run stays under 60 steps.
MAX_EXPAND_STEPS = 52
# A cluster grows over at most this many steps, each revealing at least
# _MIN_CHUNK core points (a cluster of 5 points in 5 steps would be tedious).
_MAX_CHUNKS_PER_CLUSTER = 8
_MIN_CHUNK = 4
# Below this mean number of neighbours, listing every pair beats the grid
# (measured on 1e5 2-D points: even around 25-45, far apart beyond).
_SPARSE_NEIGHBOURS = 32.0


class DBSCAN(StepwiseEstimator):
    """Density-based clustering with noise, step by step.

    Parameters
    ----------
    eps : float, default 0.5
        Radius of a neighbourhood (finite, > 0). Points at distance exactly
        eps are neighbours.
    min_samples : int, default 5
        Neighbours (the point itself included) that make a point a core
        point (>= 1).

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,), intp
        Cluster of each point, -1 for noise.
    core_sample_indices_ : ndarray of shape (n_core,), intp
        Indices of the core points, ascending.
    components_ : ndarray of shape (n_core, n_features)
        The core points themselves.
    n_features_in_ : int

    Notes
    -----
    ``steps(X)`` computes the whole clustering before the first step (it
    costs about one ``fit``); the last step holds the same labels as
    ``fit(X)``. ``fit`` skips the story (the expansion order) and only clusters.
    """

    _algorithm = "dbscan"
    _fitted_attribute = "labels_"
    _parameter_constraints = {
        "eps": Interval(Real, 0.0, None, closed="neither"),
        "min_samples": Interval(Integral, 1, None, closed="left"),
    }

    def __init__(self, eps: float = 0.5, *, min_samples: int = 5) -> None:
        self._store_params(locals())

    def __repr__(self) -> str:
        return f"DBSCAN(eps={self.eps:g}, min_samples={self.min_samples})"

    # -- the run ---------------------------------------------------------------

    def _run(
        self, X: np.ndarray, params: dict[str, Any], *, narrate: bool
    ) -> Generator[Step, None, tuple[np.ndarray, Clustering]]:
        """The story of the run as steps (about 60 at most), or with ``narrate=False`` the clustering alone."""
        return self._story(X, params) if narrate else self._cluster(X, params)

    def _story(self, X: np.ndarray, params: dict[str, Any]) -> Generator[Step, None, tuple[np.ndarray, Clustering]]:
        eps, min_samples = params["eps"], params["min_samples"]
        graph = core_graph(X, eps, min_samples)
        # The story walks the graph breadth-first: build the adjacency once
        # and find the clusters on it too.
        adjacency = graph.adjacency()
        result = cluster(X, eps, graph, adjacency)
        yield from _Story(result, adjacency, eps, min_samples).steps()
        return X, result

    def _cluster(self, X: np.ndarray, params: dict[str, Any]) -> Generator[Step, None, tuple[np.ndarray, Clustering]]:
        # fit needs no story: no adjacency, no expansion order, no step.
        eps, min_samples = params["eps"], params["min_samples"]
        return X, cluster(X, eps, core_graph(X, eps, min_samples))
        yield  # pragma: no cover - makes this a generator that yields nothing

    def _set_fitted(self, final: tuple[np.ndarray, Clustering]) -> None:
        X, result = final
        self.labels_ = result.labels.copy()
        self.core_sample_indices_ = result.core_index.astype(np.intp, copy=True)
        self.components_ = X[self.core_sample_indices_].copy()
        self.n_features_in_ = int(X.shape[1])


class _Story:
    """Turns a finished clustering into the steps the lesson tells."""

    def __init__(self, result: Clustering, adjacency: csr_matrix, eps: float, min_samples: int) -> None:
        self.result = result
        self.adjacency = adjacency
        self.eps = eps
        self.min_samples = min_samples
        self.n = result.graph.n_samples
        self.n_core = result.graph.n_core
        self.n_border = int(np.count_nonzero(result.is_border))
        self.n_noise = self.n - self.n_core - self.n_border
        self.iteration = -1

    def _step(self, phase: Phase, labels: np.ndarray, kinds: np.ndarray, message: str, **numbers: Any) -> Step:
        self.iteration += 1
        return Step(
            algorithm="dbscan",
            phase=phase,
            iteration=self.iteration,
            labels=labels,
            message=message,
            point_kinds=kinds,
            **numbers,
        )

    def steps(self) -> Iterator[Step]:
        result, n, n_core = self.result, self.n, self.n_core
        core_index = result.core_index

        # Kinds do not change while clusters grow: one array serves every
        # Expand step.
        kinds = np.full(n, PointKind.UNVISITED, dtype=np.int8)
        kinds[core_index] = PointKind.CORE
        kinds = frozen_array(kinds)
        counts_before = (n - n_core, n_core, 0, 0)
        unlabelled = compact_labels(np.full(n, -1), result.n_clusters)
        within = f"≥ {self.min_samples} neighbours within ε = {self.eps:g}"
        if n_core:
            message = f"{_count(n_core, 'core point')} ({within})"
        else:
            message = f"no core points: everything is noise (none has {within})"
        yield self._step(
            Phase.NEIGHBOURHOODS, unlabelled, kinds, message, n_clusters_found=0, kind_counts=counts_before
        )

        yield from self._expand(kinds, counts_before)

        # Border and noise: labels are final from here on and shared.
        labels = compact_labels(result.labels, result.n_clusters)
        sizes = tuple(np.bincount(result.labels[result.labels >= 0], minlength=result.n_clusters).tolist())
        kinds_border = kinds.copy()
        kinds_border[result.is_border] = PointKind.BORDER
        kinds_border = frozen_array(kinds_border)
        n_unvisited = n - n_core - self.n_border
        if self.n_border:
            message = f"{_count(self.n_border, 'border point')} attached (within ε of a core point, not core)"
        elif n_core:
            message = "no border points: every point near a core point is itself a core point"
        else:
            message = "no border points: there is no core point to join"
        numbers = dict(n_clusters_found=result.n_clusters, cluster_sizes=sizes)
        yield self._step(
            Phase.BORDER,
            labels,
            kinds_border,
            message,
            kind_counts=(n_unvisited, n_core, self.n_border, 0),
            **numbers,
        )

        kinds_final = kinds_border.copy()
        kinds_final[kinds_final == PointKind.UNVISITED] = PointKind.NOISE
        kinds_final = frozen_array(kinds_final)
        final_counts = (0, n_core, self.n_border, self.n_noise)
        if self.n_noise:
            message = f"{_count(self.n_noise, 'noise point')}: within ε of no core point"
        else:
            message = "no noise: every point is in a cluster"
        yield self._step(Phase.NOISE, labels, kinds_final, message, kind_counts=final_counts, **numbers)

        message = f"{_count(result.n_clusters, 'cluster')}, {_count(self.n_noise, 'noise point')}"
        yield self._step(Phase.DONE, labels, kinds_final, message, kind_counts=final_counts, **numbers)

    def _expand(self, kinds: np.ndarray, counts: tuple[int, int, int, int]) -> Iterator[Step]:
        result = self.result
        if result.n_clusters == 0:
            return
        order = expansion_order(result, self.adjacency)
        ordered_points = result.core_index[order]
        ordered_labels = result.core_labels[order]
        core_sizes = np.bincount(result.core_labels, minlength=result.n_clusters)
        cluster_start = np.concatenate([[0], np.cumsum(core_sizes)])
        sizes_list = core_sizes.tolist()

        working = np.full(self.n, -1, dtype=compact_labels(np.zeros(0), result.n_clusters).dtype)
        for start, stop in plan_chunks(core_sizes):
            working[ordered_points[start:stop]] = ordered_labels[start:stop]
            first = int(ordered_labels[start])
            last = int(ordered_labels[stop - 1])
            sizes = sizes_list[:last] + [stop - int(cluster_start[last])]
            added = stop - start
            if first == last:
                message = f"Expand cluster {last} · +{_count(added, 'point')}"
                if stop == cluster_start[last + 1]:
                    message += f" · complete, {_count(sizes_list[last], 'core point')}"
            else:
                message = f"Expand clusters {first}–{last} · +{_count(added, 'point')}"
            yield self._step(
                Phase.EXPAND,
                frozen_array(working.copy()),
                kinds,
                message,
                active_cluster=last,
                points_added=added,
                n_clusters_found=last + 1,
                kind_counts=counts,
                cluster_sizes=tuple(sizes),
            )


def core_graph(X: np.ndarray, eps: float, min_samples: int) -> CoreGraph:
    """The core graph of ``X``, over grid cells or over single core points, whichever is cheaper.

    Both give the same clusters. The grid (up to 3-D) is much cheaper on
    dense data, because it neither counts nor links points one by one inside
    a cell; on sparse data one pass listing all pairs of neighbours is
    cheaper than the grid's per-point counting.
    """
    tree = cKDTree(X)
    mean_others = sampled_mean_neighbours(tree, X, eps)
    grid = make_grid(X, eps) if mean_others > _SPARSE_NEIGHBOURS else None
    if grid is None:
        return point_core_graph(X, eps, min_samples, tree, mean_others)
    return grid_core_graph(X, eps, min_samples, grid, tree)


def plan_chunks(core_sizes: np.ndarray, budget: int = MAX_EXPAND_STEPS) -> list[tuple[int, int]]:
    """Split the cluster-by-cluster expansion order into at most ``budget`` chunks.

    Parameters
    ----------
    core_sizes : ndarray of shape (n_clusters,)
        Core points per cluster, in cluster order (all >= 1).
    budget : int
        At least 3.

    Returns
    -------
    list of (start, stop)
        Consecutive ranges covering ``0 .. core_sizes.sum()``. Every range
        either lies inside one cluster or holds whole clusters. With at most
        ``budget`` clusters each cluster gets one or more ranges of its own;
        with more, big clusters are still split and runs of small clusters
        are grouped.
    """
    sizes = np.asarray(core_sizes, dtype=np.int64)
    if sizes.shape[0] == 0:
        return []
    if sizes.shape[0] <= budget:
        return _chunks_per_cluster(sizes, budget)
    return _chunks_grouping_small_clusters(sizes, budget)


def _chunks_per_cluster(sizes: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """One chunk per cluster, then extra chunks to the clusters whose chunks are biggest, within caps."""
    n_clusters = sizes.shape[0]
    chunks = np.ones(n_clusters, dtype=np.int64)
    caps = np.clip(-(-sizes // _MIN_CHUNK), 1, _MAX_CHUNKS_PER_CLUSTER)
    for _ in range(budget - n_clusters):
        per_chunk = np.where(chunks < caps, sizes / chunks, -1.0)
        best = int(np.argmax(per_chunk))
        if per_chunk[best] < 0:
            break
        chunks[best] += 1
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    ranges: list[tuple[int, int]] = []
    for c in range(n_clusters):
        ranges.extend(_split(int(bounds[c]), int(bounds[c + 1]), int(chunks[c])))
    return ranges


def _chunks_grouping_small_clusters(sizes: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Chunks of about ``total / half_budget`` points: big clusters split, small ones grouped.

    With ``half = (budget - 1) // 2`` and target ``T = total / half``: big
    clusters (>= T) take at most ``size // T`` chunks, together <= half; a
    group of small clusters closes when it reaches T (<= half such groups)
    or when a big cluster interrupts it (<= one per big cluster, plus the
    last group): at most ``2 * half + 1 <= budget`` chunks in all.
    """
    half = max(1, (budget - 1) // 2)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    target = bounds[-1] / half
    big = np.flatnonzero(sizes >= target)
    ranges: list[tuple[int, int]] = []
    group_start = 0
    for c in big.tolist():
        start, stop = int(bounds[c]), int(bounds[c + 1])
        ranges.extend(_group_whole_clusters(bounds, group_start, start, target))
        ranges.extend(_split(start, stop, min(_MAX_CHUNKS_PER_CLUSTER, int(sizes[c] // target))))
        group_start = stop
    ranges.extend(_group_whole_clusters(bounds, group_start, int(bounds[-1]), target))
    return ranges


def _group_whole_clusters(bounds: np.ndarray, start: int, stop: int, target: float) -> list[tuple[int, int]]:
    """Cut ``start .. stop``, a run of small whole clusters, at cluster bounds every ``target`` points or so.

    A group closes at the first cluster bound at or after each multiple of
    ``target``, so there are at most ``(stop - start) / target + 1`` groups.
    """
    if stop <= start:
        return []
    inside = bounds[(bounds > start) & (bounds < stop)]
    marks = start + target * np.arange(1, int((stop - start) // target) + 1)
    at = np.searchsorted(inside, marks)
    closes = np.unique(inside[at[at < inside.shape[0]]])
    edges = [start, *closes.tolist(), stop]
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _split(start: int, stop: int, parts: int) -> list[tuple[int, int]]:
    """``start .. stop`` cut into ``parts`` nearly equal non-empty ranges."""
    cuts = np.linspace(start, stop, max(1, parts) + 1).round().astype(np.int64)
    return [(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]


def _count(k: int, noun: str) -> str:
    """``"1 core point"``, ``"3 core points"`` (no thousands separator, as the story always wrote them)."""
    return count(k, noun, grouped=False)
