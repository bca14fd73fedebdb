"""What a condensed-tree view of HDBSCAN draws, as numbers.

The condensed tree (see :mod:`tuiclust.core.hdbscan.condense`) records, for
every cluster, when it is born and when its points leave it, on the scale
lambda = 1 / distance (larger lambda = denser). A view draws each cluster as
a vertical branch from its birth down to its death, as wide as the points
it still holds, children below their parent, the selected clusters marked.

:func:`condensed_tree_layout` turns a condensed tree into that picture's
numbers. :func:`reselect` recomputes condensed tree, selection and labels
for another min_cluster_size from the single-linkage tree alone, which is
cheap (no neighbour search, no spanning tree) and exact as long as
min_samples stays the same; :func:`refit_needed` says when it does not
(min_samples left at None follows min_cluster_size).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.hdbscan.condense import condense_tree
from ..core.hdbscan.select import labels_and_probabilities, select_clusters

__all__ = ["CondensedTreeLayout", "Reselection", "condensed_tree_layout", "refit_needed", "reselect"]


@dataclass(frozen=True, eq=False)
class CondensedTreeLayout:
    """The condensed tree's clusters, ready to draw.

    Clusters are listed in condensed-id order (the root first); index ``i``
    below is a position in that list, ``ids[i]`` the condensed id.

    Attributes
    ----------
    ids : ndarray of shape (k,), intp
        Condensed cluster ids (the root is n_samples).
    parent : ndarray of shape (k,), intp
        Position of each cluster's parent in this list; -1 for the root.
    birth : ndarray of shape (k,), float64
        Lambda at which the cluster appears (0 for the root).
    death : ndarray of shape (k,), float64
        Largest lambda at which something leaves it (its last point, or
        its split into children); finite even when a distance was 0 (then
        the largest finite lambda of the tree is used).
    size : ndarray of shape (k,), intp
        Points at birth.
    x : ndarray of shape (k,), float64 in [0, 1]
        Horizontal position: leaves side by side, each given room in
        proportion to its size, a parent at the middle of its children.
    selected : ndarray of shape (k,), bool
        The clusters the selection kept.
    profile_lambda : list of k ndarrays
        For each cluster, the lambdas at which its point count changes,
        ascending, starting at its birth.
    profile_count : list of k ndarrays
        Points the cluster still holds from each of those lambdas on (the
        branch width); the last is 0.
    max_lambda : float
        The largest finite lambda in the tree (the bottom of the plot).
    """

    ids: np.ndarray
    parent: np.ndarray
    birth: np.ndarray
    death: np.ndarray
    size: np.ndarray
    x: np.ndarray
    selected: np.ndarray
    profile_lambda: list[np.ndarray]
    profile_count: list[np.ndarray]
    max_lambda: float

    @property
    def n_clusters(self) -> int:
        return int(self.ids.shape[0])

    def width_at(self, i: int, lam: float) -> int:
        """Points cluster ``i`` holds at ``lam`` (0 before its birth or after its death)."""
        lams, counts = self.profile_lambda[i], self.profile_count[i]
        if lam < lams[0]:
            return 0
        return int(counts[np.searchsorted(lams, lam, side="right") - 1])


def condensed_tree_layout(condensed: np.ndarray, selected: list[int] | np.ndarray) -> CondensedTreeLayout:
    """Lay out a condensed tree for drawing.

    Parameters
    ----------
    condensed : ndarray of shape (m,), dtype CONDENSED_DTYPE
        As ``HDBSCAN.condensed_tree_``.
    selected : sequence of int
        Condensed ids of the selected clusters (``HDBSCAN.selected_clusters_``).

    Returns
    -------
    CondensedTreeLayout
    """
    parent_id, child, lam, csize = (condensed[f] for f in ("parent", "child", "value", "cluster_size"))
    root = int(parent_id.min())
    cluster_rows = child >= root
    ids = np.unique(np.r_[root, child[cluster_rows]])
    k = ids.shape[0]
    pos = {int(c): i for i, c in enumerate(ids.tolist())}
    finite = lam[np.isfinite(lam)]
    max_lambda = float(finite.max()) if finite.size else 1.0
    lam_f = np.where(np.isfinite(lam), lam, max_lambda)

    parent = np.full(k, -1, dtype=np.intp)
    birth = np.zeros(k)
    size = np.zeros(k, dtype=np.intp)
    for p, c, v, s in zip(
        parent_id[cluster_rows].tolist(),
        child[cluster_rows].tolist(),
        lam_f[cluster_rows].tolist(),
        csize[cluster_rows].tolist(),
    ):
        parent[pos[c]], birth[pos[c]], size[pos[c]] = pos[p], v, s
    # The root holds every point: its rows' sizes sum to n.
    size[0] = int(csize[parent_id == root].sum())

    rows_of = np.argsort(parent_id, kind="stable")
    starts = np.searchsorted(parent_id[rows_of], ids)
    stops = np.searchsorted(parent_id[rows_of], ids, side="right")
    death = np.zeros(k)
    profile_lambda: list[np.ndarray] = []
    profile_count: list[np.ndarray] = []
    for i in range(k):
        rows = rows_of[starts[i] : stops[i]]
        if rows.size == 0:
            death[i] = birth[i]
            profile_lambda.append(np.array([birth[i]]))
            profile_count.append(np.array([0], dtype=np.intp))
            continue
        leave_at, leave_n = lam_f[rows], csize[rows]
        order = np.argsort(leave_at, kind="stable")
        uniq, first = np.unique(leave_at[order], return_index=True)
        gone = np.add.reduceat(leave_n[order], first)
        death[i] = float(uniq[-1])
        left = size[i] - np.cumsum(gone)
        if uniq[0] > birth[i]:
            profile_lambda.append(np.r_[birth[i], uniq])
            profile_count.append(np.r_[size[i], left].astype(np.intp))
        else:
            profile_lambda.append(uniq)
            profile_count.append(left.astype(np.intp))

    x = _positions(parent, size)
    chosen = np.isin(ids, np.asarray(list(selected), dtype=np.intp))
    return CondensedTreeLayout(
        ids=ids,
        parent=parent,
        birth=birth,
        death=death,
        size=size,
        x=x,
        selected=chosen,
        profile_lambda=profile_lambda,
        profile_count=profile_count,
        max_lambda=max_lambda,
    )


def _positions(parent: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Leaves left to right in depth-first order with room by size; parents centred over their children."""
    k = parent.shape[0]
    children: list[list[int]] = [[] for _ in range(k)]
    for i in range(1, k):
        children[int(parent[i])].append(i)
    leaves: list[int] = []
    stack, post = [0], []
    while stack:
        node = stack.pop()
        post.append(node)
        if children[node]:
            stack.extend(reversed(children[node]))
        else:
            leaves.append(node)
    x = np.zeros(k)
    room = size[leaves].astype(np.float64)
    edges = np.concatenate([[0.0], np.cumsum(room)]) / max(room.sum(), 1.0)
    x[leaves] = (edges[:-1] + edges[1:]) / 2
    for node in reversed(post):  # children before parents
        if children[node]:
            x[node] = float(np.mean(x[children[node]]))
    return x


@dataclass(frozen=True, eq=False)
class Reselection:
    """A new flat clustering from the same hierarchy.

    Attributes
    ----------
    min_cluster_size : int
    condensed : ndarray, dtype CONDENSED_DTYPE
    selected : list of int
    labels : ndarray of shape (n_samples,), intp
    probabilities : ndarray of shape (n_samples,), float64
    layout : CondensedTreeLayout
    """

    min_cluster_size: int
    condensed: np.ndarray
    selected: list[int]
    labels: np.ndarray
    probabilities: np.ndarray
    layout: CondensedTreeLayout


def reselect(
    single_linkage: np.ndarray,
    min_cluster_size: int,
    *,
    cluster_selection_method: str = "eom",
    allow_single_cluster: bool = False,
    cluster_selection_epsilon: float = 0.0,
    max_cluster_size: int | None = None,
) -> Reselection:
    """Condense and select again for another ``min_cluster_size``, from the single-linkage tree.

    Costs one pass over the tree (no neighbour search, no spanning tree).
    The result equals a new ``HDBSCAN(min_cluster_size, min_samples=m)``
    fit when the tree came from a fit with that same min_samples ``m``.

    Parameters
    ----------
    single_linkage : ndarray of shape (n_samples - 1,), dtype HIERARCHY_DTYPE
        ``HDBSCAN.single_linkage_tree_``.
    min_cluster_size : int
        >= 2.
    """
    if isinstance(min_cluster_size, bool) or int(min_cluster_size) != min_cluster_size or min_cluster_size < 2:
        raise ValueError(f"min_cluster_size must be an integer >= 2, got {min_cluster_size!r}")
    condensed = condense_tree(single_linkage, int(min_cluster_size))
    selection = select_clusters(
        condensed, cluster_selection_method, allow_single_cluster, cluster_selection_epsilon, max_cluster_size
    )
    labels, probabilities = labels_and_probabilities(
        condensed, selection, allow_single_cluster, cluster_selection_epsilon
    )
    return Reselection(
        min_cluster_size=int(min_cluster_size),
        condensed=condensed,
        selected=list(selection.clusters),
        labels=labels,
        probabilities=probabilities,
        layout=condensed_tree_layout(condensed, selection.clusters),
    )


def refit_needed(min_samples: int | None) -> bool:
    """True when changing min_cluster_size changes the hierarchy too (min_samples follows it when None)."""
    return min_samples is None
