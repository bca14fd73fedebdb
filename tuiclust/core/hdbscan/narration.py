"""HDBSCAN told as the pictures of its documentation, one :class:`Step` each.

1. *Core distances*: every point's distance to its min_samples-th nearest
   point, as a shade (rank of the core distance, 0 = densest).
2. *Spanning tree*: the mutual-reachability minimum spanning tree as Prim
   grows it from point 0, in at most :data:`MAX_TREE_STEPS` chunks.
3. *Hierarchy*: the tree's edges removed from the longest down; at each
   distance where the condensed tree sees a real split, the pieces of at
   least min_cluster_size points are the clusters of that level.
4. *Condense*: pieces below min_cluster_size fall out as noise; each point
   is shown in the condensed cluster it falls out of.
5. *Select*: excess of mass or the leaves pick the flat clusters.
6. *Done*: the final labels, the shade being each point's probability.

Memory: the edge lists are two n-sized arrays built once; every step holds
a view of one of them, and the labels of steps that do not change them are
the same array object.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..steps import Phase, Step, compact_labels, frozen_array
from .kernels import Hierarchy
from .select import Selection

__all__ = ["MAX_HIERARCHY_STEPS", "MAX_TREE_STEPS", "Story"]

#: Spanning-tree steps in one run at most.
MAX_TREE_STEPS = 48
#: Hierarchy steps in one run at most.
MAX_HIERARCHY_STEPS = 8


class Story:
    """Turns a finished HDBSCAN run into the steps the lesson tells."""

    def __init__(
        self,
        params: Mapping[str, Any],
        min_samples: int,
        hierarchy: Hierarchy,
        condensed: np.ndarray,
        selection: Selection,
        labels: np.ndarray,
        probabilities: np.ndarray,
    ) -> None:
        self.min_cluster_size = int(params["min_cluster_size"])
        self.min_samples = min_samples
        self.method = str(params["cluster_selection_method"])
        self.h = hierarchy
        self.condensed = condensed
        self.selection = selection
        self.labels = labels
        self.probabilities = probabilities
        self.n = int(hierarchy.core.shape[0])
        self.iteration = -1

    def _step(self, phase: Phase, labels: np.ndarray, message: str, **fields: Any) -> Step:
        self.iteration += 1
        return Step(
            algorithm="hdbscan", phase=phase, iteration=self.iteration, labels=labels, message=message, **fields
        )

    def steps(self) -> Iterator[Step]:
        n, core = self.n, self.h.core
        unlabelled = compact_labels(np.full(n, -1), 1)
        ms = self.min_samples

        ranks = np.empty(n, dtype=np.float32)
        ranks[np.argsort(core, kind="stable")] = np.arange(n, dtype=np.float32) / max(n - 1, 1)
        message = (
            f"core distance = distance to the {_ordinal(ms)} nearest point (itself counted): "
            f"{core.min():.3g} to {core.max():.3g}, median {np.median(core):.3g}"
        )
        yield self._step(Phase.CORE_DISTANCES, unlabelled, message, point_values=frozen_array(ranks))

        yield from self._tree(unlabelled)
        yield from self._hierarchy()

        condensed, mcs = self.condensed, self.min_cluster_size
        root = n
        point_rows = condensed["child"] < n
        tree_clusters = np.unique(condensed["child"][~point_rows])
        fell_from = np.empty(n, dtype=np.intp)
        fell_from[condensed["child"][point_rows]] = condensed["parent"][point_rows]
        # Condensed clusters numbered in id order (the order they are born).
        lut = np.full(int(max(condensed["parent"].max(), root)) + 1, -1, dtype=np.intp)
        lut[tree_clusters] = np.arange(tree_clusters.shape[0])
        condense_labels = lut[fell_from]
        from_root = int(np.count_nonzero(fell_from == root))
        k_tree = int(tree_clusters.shape[0])
        message = (
            f"pieces under {mcs} points fall out: {_count(k_tree, 'cluster')} in the condensed tree, "
            f"{_count(from_root, 'point')} fall out of the root as noise"
        )
        sizes = _sizes(condense_labels, k_tree)
        yield self._step(
            Phase.CONDENSE,
            compact_labels(condense_labels, k_tree),
            message,
            n_clusters_found=k_tree,
            cluster_sizes=sizes,
        )

        k = len(self.selection.clusters)
        final = compact_labels(self.labels, k)
        sizes = _sizes(self.labels, k)
        noise = int(np.count_nonzero(self.labels < 0))
        method = self.method
        how = "excess of mass" if method == "eom" else "leaves"
        message = (
            f"{method} ({how}): {k} of {_count(k_tree, 'condensed cluster')} chosen, {_count(noise, 'noise point')}"
        )
        yield self._step(Phase.SELECT, final, message, n_clusters_found=k, cluster_sizes=sizes)

        probs = frozen_array(self.probabilities.astype(np.float32))
        inside = self.probabilities[self.labels >= 0]
        mean = f", mean membership {inside.mean():.2f}" if inside.size else ""
        message = f"{_count(k, 'cluster')}, {_count(noise, 'noise point')}{mean}"
        yield self._step(Phase.DONE, final, message, n_clusters_found=k, cluster_sizes=sizes, point_values=probs)

    def _tree(self, unlabelled: np.ndarray) -> Iterator[Step]:
        mst, n = self.h.mst, self.n
        if n < 2:
            return
        edges = np.empty((n - 1, 2), dtype=np.int32)
        edges[:, 0], edges[:, 1] = mst["current_node"], mst["next_node"]
        edges = frozen_array(edges)
        longest = np.maximum.accumulate(mst["distance"])
        n_steps = min(MAX_TREE_STEPS, n - 1)
        cuts = np.unique(np.linspace(0, n - 1, n_steps + 1).round().astype(np.int64))[1:]
        for stop in cuts.tolist():
            message = f"{stop:,} of {n - 1:,} edges (Prim from point 0), longest so far {longest[stop - 1]:.3g}"
            yield self._step(Phase.SPANNING_TREE, unlabelled, message, edges=edges[:stop])

    def _hierarchy(self) -> Iterator[Step]:
        mst, n, mcs = self.h.mst, self.n, self.min_cluster_size
        order = np.argsort(mst["distance"], kind="stable")
        weights = mst["distance"][order]
        edges = np.empty((n - 1, 2), dtype=np.int32)
        edges[:, 0], edges[:, 1] = mst["current_node"][order], mst["next_node"][order]
        edges = frozen_array(edges)
        # The levels worth showing: where the condensed tree sees a split.
        births = self.condensed["value"][self.condensed["child"] >= n]
        with np.errstate(divide="ignore"):
            levels = np.unique(1.0 / births[births > 0])[::-1]
        if levels.size == 0:
            levels = weights[-1:]
        if levels.size > MAX_HIERARCHY_STEPS:
            levels = levels[np.linspace(0, levels.size - 1, MAX_HIERARCHY_STEPS).round().astype(np.int64)]
        for level in levels.tolist():
            kept = int(np.searchsorted(weights, level, side="left"))
            graph = coo_matrix((np.ones(kept), (edges[:kept, 0], edges[:kept, 1])), shape=(n, n))
            _, comp = connected_components(graph, directed=False)
            size = np.bincount(comp)
            big = size >= mcs
            # Clusters numbered by their smallest point, so numbers are stable.
            first = np.full(size.shape[0], n, dtype=np.int64)
            np.minimum.at(first, comp, np.arange(n))
            big_ids = np.flatnonzero(big)
            rank = np.full(size.shape[0], -1, dtype=np.intp)
            rank[big_ids[np.argsort(first[big_ids], kind="stable")]] = np.arange(big_ids.shape[0])
            labels = rank[comp]
            k = int(big_ids.shape[0])
            small = int(np.count_nonzero(labels < 0))
            message = (
                f"edges of {level:.3g} and longer removed ({n - 1 - kept:,}): "
                f"{_count(k, 'cluster')} of ≥ {mcs} points, {_count(small, 'point')} in smaller pieces"
            )
            yield self._step(
                Phase.HIERARCHY,
                compact_labels(labels, k),
                message,
                edges=edges[:kept],
                n_clusters_found=k,
                cluster_sizes=_sizes(labels, k),
            )


def _sizes(labels: np.ndarray, k: int) -> tuple[int, ...]:
    return tuple(np.bincount(labels[labels >= 0], minlength=k).tolist())


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _count(k: int, noun: str) -> str:
    return f"{k:,} {noun}" if k == 1 else f"{k:,} {noun}s"
