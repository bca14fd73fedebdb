"""Agglomerative (hierarchical) clustering, told as a story of merges.

``AgglomerativeClustering(n_clusters=2, linkage="ward")`` has
scikit-learn's shape and gives scikit-learn's exact answer without a
connectivity matrix: the same ``children_`` (merges, in the same order), the
same ``distances_``, the same ``labels_`` with the same numbering. The tree
is built in :mod:`tuiclust.core.agglomerative_tree`; the words are in
:mod:`tuiclust.core.agglomerative_story`.

``steps(X)`` tells it in at most about 60 steps, whatever the size of the
data:

1. *Start*: every point is its own cluster.
2. *Merge*: the merges in visible chunks. Chunk ends are spaced evenly on a
   log scale of the clusters remaining (each step removes about the same
   *share* of the clusters), so the early flood of tiny merges takes a few
   steps and the later, visible ones take more. The last merges, from a few
   more than the final number of clusters down to one cluster, come one
   per step, so the final clusters are seen joining.
3. *Cut*: the tree is cut at ``n_clusters`` (the last ``n_clusters - 1``
   merges undone) or at ``distance_threshold`` (every merge at or above it
   undone): the final labels.
4. *Done*: the cluster count and sizes.

Label numbering. On *Start* and *Merge* steps the clusters existing at that
moment are numbered by size, largest first (label 0 is the largest), ties
going to the older cluster (smaller node id; on *Start* that is the point's
index), so that a view can colour the few largest clusters distinctly and
the many small ones neutrally; ``cluster_sizes`` is then non-increasing and
``highlight_clusters`` holds the label of the cluster formed by the step's
last merge. On *Cut* and *Done* the labels are ``labels_``, numbered as
scikit-learn numbers them.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np

from . import agglomerative_story as story
from .agglomerative_tree import LINKAGES, Tree, build_tree, cut_nodes, leaf_layout, partition
from .base import StepwiseEstimator
from .constraints import Constraint, Interval, Optional, Options, Rule
from .steps import Phase, Step, compact_labels

__all__ = ["LINKAGES", "MAX_MERGE_STEPS", "MAX_SAMPLES", "AgglomerativeClustering", "plan_merge_steps"]

_ALGORITHM = "agglomerative"

#: Merge steps in one run at most; with Start, Cut and Done a run stays under 60 steps.
MAX_MERGE_STEPS = 56
# Merges shown one per step beyond the n_clusters - 1 that join the final
# clusters, and a cap on the one-by-one steps when n_clusters is large.
_EXTRA_SINGLE_MERGES = 4
_MAX_SINGLE_MERGES = 20

#: The most points each linkage is offered: about what ``fit`` does in 10 s
#: on this project's shared 2-core machine (timings in
#: ``tests/bench/bench_agglomerative.py``; the same machine runs 1.5-2x
#: slower when it is busy). ward, complete and average go through scipy's
#: nearest-neighbour chain on the condensed distance matrix, which scipy
#: copies: O(n**2) time and 8 * n**2 bytes at the peak (0.8 GB at 10,000,
#: 3.2 GB at 20,000, where fit took 28-54 s). single linkage needs O(n)
#: memory and O(n**2 * d) time: 4.3 s at 40,000 2-D points, about 3x that
#: with 13 columns. The pipeline refuses more and suggests a sample.
MAX_SAMPLES: dict[str, int] = {
    "ward": 10_000,
    "complete": 10_000,
    "average": 10_000,
    "single": 40_000,
}


def _check_bool(name: str, value: Any, checked: Mapping[str, Any]) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")  # noqa: TRY004 - the contract raises ValueError
    return bool(value)


_THRESHOLD = Optional(Interval(Real, 0.0, None, closed="left"))


def _check_threshold(name: str, value: Any, checked: Mapping[str, Any]) -> float | None:
    """distance_threshold >= 0 or None; with n_clusters known, exactly one of the two set (scikit-learn's rule)."""
    value = _THRESHOLD.check(name, value, checked)
    if "n_clusters" in checked and (checked["n_clusters"] is None) == (value is None):
        given = "both" if value is not None else "neither"
        raise ValueError(
            f"exactly one of n_clusters and distance_threshold must be set, the other None; {given} was given"
            " (for example n_clusters=None, distance_threshold=1.5)"
        )
    return value


class AgglomerativeClustering(StepwiseEstimator):
    """Bottom-up hierarchical clustering on Euclidean distances, step by step.

    Parameters
    ----------
    n_clusters : int or None, default 2
        Clusters to find (>= 1, at most the number of samples). Must be None
        when ``distance_threshold`` is set.
    linkage : {"ward", "complete", "average", "single"}, default "ward"
        The distance between two clusters: the increase in within-cluster
        variance of their union (ward), the largest (complete), mean
        (average) or smallest (single) distance between their points.
    distance_threshold : float or None, default None
        Cut the tree here instead (>= 0): merges at or above this distance
        are undone. Must be set exactly when ``n_clusters`` is None.
    compute_distances : bool, default False
        Also set ``distances_`` when cutting by ``n_clusters``.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,), intp
        Cluster of each point, numbered as scikit-learn numbers them.
    n_clusters_ : int
    n_leaves_ : int
    children_ : ndarray of shape (n_samples - 1, 2), intp
        Row ``i`` merges these nodes into node ``n_samples + i``; nodes below
        ``n_samples`` are points.
    distances_ : ndarray of shape (n_samples - 1,), float64
        Distance of each merge; only set when ``distance_threshold`` is set
        or ``compute_distances`` is True (as in scikit-learn).
    n_features_in_ : int

    Notes
    -----
    The constructor only stores its arguments (scikit-learn's rule); they
    are checked when ``fit`` or ``steps`` is called. ``fit`` builds the tree
    and cuts it without the story's snapshots.
    """

    _algorithm = _ALGORITHM
    _fitted_attribute = "labels_"
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "n_clusters": Optional(Interval(Integral, 1, None, closed="left")),
        "linkage": Options(LINKAGES),
        "distance_threshold": Rule(_check_threshold, "None or a finite number >= 0.0"),
        "compute_distances": Rule(_check_bool, "True or False"),
    }

    def __init__(
        self,
        n_clusters: int | None = 2,
        *,
        linkage: str = "ward",
        distance_threshold: float | None = None,
        compute_distances: bool = False,
    ) -> None:
        self._store_params(locals())

    # -- the run ---------------------------------------------------------------

    def _run(self, X: np.ndarray, params: dict[str, Any], *, narrate: bool) -> Generator[Step, None, _Final]:
        """Check ``X`` against the parameters now; then the story, or with ``narrate=False`` the tree and cut alone.

        Raises
        ------
        ValueError
            Fewer than 2 samples, or ``n_clusters`` larger than the number of samples.
        """
        n = X.shape[0]
        if n < 2:
            raise ValueError(f"agglomerative clustering needs at least 2 samples, got {n}")
        k = params["n_clusters"]
        if k is not None and k > n:
            raise ValueError(f"n_clusters={k} is larger than the number of samples ({n}); use n_clusters <= {n}")
        return self._story(X, params) if narrate else self._quiet(X, params)

    def _quiet(self, X: np.ndarray, params: dict[str, Any]) -> Generator[Step, None, _Final]:
        # fit needs no story: the tree and its cut, no snapshot of the clusters between.
        tree = build_tree(X, params["linkage"])
        n_final = _n_final(tree, params)
        order, start = leaf_layout(tree.children, tree.n_leaves)
        labels = partition(order, start, tree.node_sizes(), cut_nodes(n_final, tree.children, tree.n_leaves))
        return _Final(X, tree, labels, n_final, params)
        yield  # pragma: no cover - makes this a generator that yields nothing

    def _story(self, X: np.ndarray, params: dict[str, Any]) -> Generator[Step, None, _Final]:
        linkage, threshold = params["linkage"], params["distance_threshold"]
        tree = build_tree(X, linkage)
        n = tree.n_leaves
        n_final = _n_final(tree, params)
        snapshots = _Snapshots(tree)

        iteration = 0
        yield Step(
            algorithm=_ALGORITHM,
            phase=Phase.START,
            iteration=iteration,
            labels=compact_labels(np.arange(n), n),
            message=story.start_message(n, linkage),
            n_clusters_found=n,
            cluster_sizes=(1,) * n,
            tree=tree,
        )

        largest = np.maximum.accumulate(tree.distances)
        done = 0
        for t in plan_merge_steps(n - 1, n_final):
            iteration += 1
            labels, sizes, newest = snapshots.at(t)
            left = n - t
            if t - done == 1:
                a, b = tree.children[t - 1].tolist()
                message = story.single_merge_message(
                    snapshots.size[a],
                    snapshots.size[b],
                    float(tree.distances[t - 1]),
                    left,
                    above_cut=t > n - n_final,
                )
            else:
                message = story.chunk_message(t - done, float(largest[t - 1]), left)
            yield Step(
                algorithm=_ALGORITHM,
                phase=Phase.MERGE,
                iteration=iteration,
                labels=labels,
                message=message,
                n_clusters_found=left,
                cluster_sizes=sizes,
                highlight_clusters=(newest,),
                highlight_points=snapshots.smaller_half(t),
                tree=tree,
            )
            done = t

        nodes = cut_nodes(n_final, tree.children, n)
        labels_ = partition(snapshots.order, snapshots.start, snapshots.node_size, nodes)
        final = compact_labels(labels_, n_final)
        final_sizes = tuple(snapshots.node_size[nodes].tolist())
        kept = n - n_final  # merges kept by the cut
        cut = story.cut_message(
            n_final,
            threshold=threshold,
            below=float(tree.distances[kept - 1]) if kept > 0 else None,
            above=float(tree.distances[kept]) if kept < n - 1 else None,
        )
        for phase, message in ((Phase.CUT, cut), (Phase.DONE, story.done_message(final_sizes))):
            iteration += 1
            yield Step(
                algorithm=_ALGORITHM,
                phase=phase,
                iteration=iteration,
                labels=final,
                message=message,
                n_clusters_found=n_final,
                cluster_sizes=final_sizes,
                tree=tree,
            )
        return _Final(X, tree, labels_, n_final, params)

    def _set_fitted(self, final: _Final) -> None:
        tree, params = final.tree, final.params
        self.labels_ = final.labels
        self.n_clusters_ = final.n_clusters
        self.n_leaves_ = tree.n_leaves
        self.children_ = tree.children
        if params["distance_threshold"] is not None or params["compute_distances"]:
            self.distances_ = tree.distances
        elif hasattr(self, "distances_"):
            del self.distances_  # a refit without distances must not keep the old ones
        self.n_features_in_ = int(final.X.shape[1])


@dataclass(frozen=True, eq=False)
class _Final:
    """What a run ends with: the data, the tree, the cut's labels, and the parameters it ran with."""

    X: np.ndarray
    tree: Tree
    labels: np.ndarray
    n_clusters: int
    params: dict[str, Any]


def _n_final(tree: Tree, params: dict[str, Any]) -> int:
    """Clusters after the cut: ``n_clusters``, or one more than the merges at or above the threshold."""
    threshold = params["distance_threshold"]
    if threshold is not None:
        return int(np.count_nonzero(tree.distances >= threshold)) + 1
    return int(params["n_clusters"])


class _Snapshots:
    """The clusters that exist after the first ``t`` merges, as labels numbered largest first."""

    def __init__(self, tree: Tree) -> None:
        n = tree.n_leaves
        self.n = n
        self.node_size = tree.node_sizes()
        self.size = self.node_size.tolist()
        self.order, self.start = leaf_layout(tree.children, n)
        self.order.flags.writeable = False  # steps hold views of it
        self.children = tree.children.tolist()
        # A node's parent; the root gets a number past every node.
        self.parent = np.full(2 * n - 1, 2 * n - 1, dtype=np.intp)
        self.parent[tree.children.ravel()] = np.repeat(np.arange(n, 2 * n - 1, dtype=np.intp), 2)

    def at(self, t: int) -> tuple[np.ndarray, tuple[int, ...], int]:
        """Labels (read-only, compact), sizes per label, and the label of node ``n + t - 1``.

        Parameters
        ----------
        t : int
            Merges done, 1 .. n - 1.
        """
        made = self.n + t  # nodes 0 .. made - 1 exist
        alive = np.flatnonzero(self.parent[:made] >= made)
        # Largest first; among equal sizes the older node (smaller id).
        ranked = alive[np.lexsort((alive, -self.node_size[alive]))]
        labels = partition(self.order, self.start, self.node_size, ranked)
        newest = int(np.flatnonzero(ranked == made - 1)[0])
        return compact_labels(labels, ranked.shape[0]), tuple(self.node_size[ranked].tolist()), newest

    def smaller_half(self, t: int) -> np.ndarray:
        """The points of the smaller of the two clusters joined by merge ``t`` (1-based), read-only.

        A view into the leaf order (every node's points are one run of it),
        so a step costs no copy; the larger half is the rest of the merged cluster.
        """
        a, b = self.children[t - 1]
        small = a if self.size[a] <= self.size[b] else b
        begin = int(self.start[small])
        return self.order[begin : begin + self.size[small]]


def plan_merge_steps(n_merges: int, n_final: int, budget: int = MAX_MERGE_STEPS) -> list[int]:
    """Merges done at the end of each Merge step.

    The last ``min(n_final - 1 + 4, 20)`` merges (those that join the final
    clusters, and a few before them) get one step each; the merges before
    them are cut into chunks whose ends are evenly spaced in the logarithm of
    the clusters remaining.

    Parameters
    ----------
    n_merges : int
        ``n_samples - 1``, at least 1.
    n_final : int
        Clusters after the cut, 1 .. n_samples.
    budget : int
        Most Merge steps, at least ``_MAX_SINGLE_MERGES + 1``.

    Returns
    -------
    list of int
        Strictly increasing, ending at ``n_merges``; at most ``budget`` long.
    """
    n_leaves = n_merges + 1
    singles = min(n_merges, n_final - 1 + _EXTRA_SINGLE_MERGES, _MAX_SINGLE_MERGES)
    chunked = n_merges - singles  # merges before the one-by-one part
    ends: list[int] = []
    if chunked > 0:
        chunks = budget - singles
        # Clusters left when the chunked part ends; chunk ends geometric between n_leaves and it.
        floor = n_leaves - chunked
        k = np.arange(1, chunks + 1)
        left = np.round(floor * (n_leaves / floor) ** (1.0 - k / chunks)).astype(np.int64)
        ends = sorted(set((n_leaves - left).tolist()) - {0})
    ends.extend(range(chunked + 1, n_merges + 1))
    return ends
