"""The merge tree of agglomerative clustering, built as scikit-learn builds it.

Everything here is arithmetic on arrays; the story told about it lives in
:mod:`tuiclust.core.agglomerative` and its wording in
:mod:`tuiclust.core.agglomerative_story`.

A tree over ``n`` points is scikit-learn's ``children_`` (shape
``(n - 1, 2)``): row ``i`` merges two nodes into node ``n + i``; nodes below
``n`` are the points themselves. ``distances[i]`` is the linkage distance of
that merge and ``sizes[i]`` the number of points under node ``n + i``.

How scikit-learn 1.x builds it without a connectivity matrix, and how this
module matches it bit for bit:

* **ward, complete, average**: ``scipy.cluster.hierarchy.linkage`` on the
  condensed Euclidean distances (``pdist``), i.e. scipy's nearest-neighbour
  chain. We call the same routine on the same input, so the merges, their
  order and the distances are identical. It needs the condensed matrix, and
  scipy copies it: about ``8 * n**2`` bytes at the peak (3.2 GB at
  n = 20,000), the same as scikit-learn.
* **single**: scikit-learn does not use scipy here but its own
  MST-LINKAGE-CORE (Müllner 2011, fig. 6): Prim's algorithm from point 0,
  recording (node added last, node added now, its distance to the tree),
  then a *stable* sort of those rows by distance, then a union-find that
  names each merge ``(root of the first, root of the second)`` in that
  order (scipy's own single linkage would order every pair (smaller,
  larger), so it would not match). :func:`prim_order` reproduces Prim's
  arithmetic exactly (distances summed feature by feature, in order, then
  square-rooted; the first index wins a tie) with numpy, in O(n) memory.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from scipy.cluster import hierarchy
from scipy.spatial.distance import pdist

from .options import LINKAGES

__all__ = [
    "LINKAGES",
    "Tree",
    "build_tree",
    "cut_nodes",
    "hc_cut",
    "label_mst",
    "leaf_layout",
    "node_sizes",
    "partition",
    "prim_order",
]


# Prim's loop drops the points already in the tree from its working arrays
# every this many additions: often enough that little work is wasted on
# them, rarely enough that the copying costs little.
_COMPACT_EVERY = 64


@dataclass(frozen=True, eq=False)
class Tree:
    """A full merge tree over ``n_leaves`` points.

    Attributes
    ----------
    children : ndarray of shape (n_leaves - 1, 2), intp
        Row ``i`` merges these two nodes into node ``n_leaves + i``.
    distances : ndarray of shape (n_leaves - 1,), float64
        Linkage distance of each merge, in merge order (never falling for
        these four linkages, up to rounding).
    sizes : ndarray of shape (n_leaves - 1,), intp
        Points under each merged node.
    n_leaves : int
    """

    children: np.ndarray
    distances: np.ndarray
    sizes: np.ndarray
    n_leaves: int

    def node_sizes(self) -> np.ndarray:
        """Points under every node, leaves (1 each) first: shape (2 * n_leaves - 1,)."""
        return np.concatenate([np.ones(self.n_leaves, dtype=np.intp), self.sizes])


def build_tree(X: np.ndarray, linkage: str) -> Tree:
    """The full merge tree of ``X`` under ``linkage``, equal to scikit-learn's.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64, C-contiguous
        At least 2 rows.
    linkage : {"ward", "complete", "average", "single"}

    Returns
    -------
    Tree
    """
    n = X.shape[0]
    if linkage == "single":
        new_nodes, weights = prim_order(X)
        added_last = np.concatenate([[0], new_nodes[:-1]])
        # The stable sort keeps Prim's order among equal distances, as
        # scikit-learn's mergesort does; ties decide the node numbers.
        by_weight = np.argsort(weights, kind="mergesort")
        distances = weights[by_weight]
        children, sizes = label_mst(added_last[by_weight], new_nodes[by_weight], n)
        return Tree(children, distances, sizes, n)
    Z = hierarchy.linkage(pdist(X, "euclidean"), method=linkage)
    return Tree(
        np.ascontiguousarray(Z[:, :2]).astype(np.intp),
        np.ascontiguousarray(Z[:, 2]),
        Z[:, 3].astype(np.intp),
        n,
    )


def prim_order(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Prim's minimum spanning tree from point 0, the way MST-LINKAGE-CORE walks it.

    Each round adds the point nearest to the tree (the smallest index among
    equals). Distances are computed exactly as scikit-learn's Euclidean
    metric computes them: squared differences summed over the features in
    order, then the square root, so ties are ties in both.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64

    Returns
    -------
    new_nodes : ndarray of shape (n_samples - 1,), intp
        The point added in each round.
    weights : ndarray of shape (n_samples - 1,), float64
        Its distance to the tree when it was added.
    """
    n, d = X.shape
    columns = [np.ascontiguousarray(X[:, k]) for k in range(d)]
    # Working arrays over the points not yet in the tree, in ascending index
    # order (so argmin's first hit is the smallest index); the first m are live.
    remaining = np.arange(1, n, dtype=np.intp)
    left = [c[1:].copy() for c in columns]
    nearest = np.full(n - 1, np.inf)  # distance of each remaining point to the tree
    taken = np.zeros(n - 1)  # +inf once a point is in the tree (until compacted away)
    total = np.empty(n - 1)
    term = np.empty(n - 1)
    new_nodes = np.empty(n - 1, dtype=np.intp)
    weights = np.empty(n - 1)
    m = n - 1
    node = 0
    for i in range(n - 1):
        acc, tmp = total[:m], term[:m]
        np.subtract(left[0][:m], columns[0][node], out=acc)
        np.multiply(acc, acc, out=acc)
        for k in range(1, d):
            np.subtract(left[k][:m], columns[k][node], out=tmp)
            np.multiply(tmp, tmp, out=tmp)
            np.add(acc, tmp, out=acc)
        # Adding 0.0 changes no sum; +inf keeps tree points from winning again.
        np.add(acc, taken[:m], out=acc)
        np.sqrt(acc, out=acc)
        near = nearest[:m]
        np.minimum(near, acc, out=near)
        j = int(np.argmin(near))
        node = int(remaining[j])
        new_nodes[i] = node
        weights[i] = near[j]
        near[j] = np.inf
        taken[j] = np.inf
        if i % _COMPACT_EVERY == _COMPACT_EVERY - 1:
            keep = taken[:m] == 0.0
            m_new = int(np.count_nonzero(keep))
            remaining[:m_new] = remaining[:m][keep]
            nearest[:m_new] = nearest[:m][keep]
            for column in left:
                column[:m_new] = column[:m][keep]
            taken[:m_new] = 0.0
            m = m_new
    return new_nodes, weights


def label_mst(first: np.ndarray, second: np.ndarray, n_leaves: int) -> tuple[np.ndarray, np.ndarray]:
    """Name the merges of sorted spanning-tree edges with a union-find.

    Edge ``i`` joins the clusters holding ``first[i]`` and ``second[i]`` into
    node ``n_leaves + i``; the row keeps that order (root of ``first``, root
    of ``second``), as scikit-learn's ``_single_linkage_label`` does.

    Parameters
    ----------
    first, second : ndarray of shape (n_leaves - 1,), int
        End points of the edges, sorted by weight.
    n_leaves : int

    Returns
    -------
    children : ndarray of shape (n_leaves - 1, 2), intp
    sizes : ndarray of shape (n_leaves - 1,), intp
    """
    parent = list(range(2 * n_leaves - 1))
    size = [1] * n_leaves + [0] * (n_leaves - 1)
    rows: list[tuple[int, int]] = []
    for i, (a, b) in enumerate(zip(first.tolist(), second.tolist())):
        ra = _find(parent, a)
        rb = _find(parent, b)
        new = n_leaves + i
        parent[ra] = parent[rb] = new
        size[new] = size[ra] + size[rb]
        rows.append((ra, rb))
    children = np.array(rows, dtype=np.intp).reshape(-1, 2)
    return children, np.array(size[n_leaves:], dtype=np.intp)


def _find(parent: list[int], x: int) -> int:
    """Root of ``x``, halving the path on the way (only speed depends on it)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def hc_cut(n_clusters: int, children: np.ndarray, n_leaves: int) -> np.ndarray:
    """Labels of the tree cut into ``n_clusters``, numbered exactly as scikit-learn's ``_hc_cut``.

    Parameters
    ----------
    n_clusters : int
        From 1 to ``n_leaves``.
    children : ndarray of shape (n_leaves - 1, 2)
    n_leaves : int

    Returns
    -------
    ndarray of shape (n_leaves,), intp
    """
    order, start = leaf_layout(children, n_leaves)
    return partition(order, start, node_sizes(children, n_leaves), cut_nodes(n_clusters, children, n_leaves))


def cut_nodes(n_clusters: int, children: np.ndarray, n_leaves: int) -> np.ndarray:
    """The ``n_clusters`` nodes of the cut, in the order of scikit-learn's cluster numbers.

    scikit-learn's ``_hc_cut`` splits the newest node ``n_clusters - 1``
    times, keeping the nodes in a heap of negated ids, and numbers the
    clusters in the heap's *array* order (not sorted); the same heap
    operations give the same order here.

    Returns
    -------
    ndarray of shape (n_clusters,), intp
        Label ``i`` is the leaves of node ``result[i]``.
    """
    if n_leaves == 1:
        return np.zeros(1, dtype=np.intp)
    nodes = [-(2 * n_leaves - 2)]  # the root
    rows = children.tolist()
    for _ in range(n_clusters - 1):
        left, right = rows[-nodes[0] - n_leaves]
        heapq.heappush(nodes, -left)
        heapq.heappushpop(nodes, -right)  # pushes the second child, pops the node just split
    return np.array([-v for v in nodes], dtype=np.intp)


def node_sizes(children: np.ndarray, n_leaves: int) -> np.ndarray:
    """Points under every node (2 * n_leaves - 1,), from the children alone."""
    size = np.ones(2 * n_leaves - 1, dtype=np.intp)
    size_list = size.tolist()
    for i, (a, b) in enumerate(children.tolist()):
        size_list[n_leaves + i] = size_list[a] + size_list[b]
    return np.array(size_list, dtype=np.intp)


def leaf_layout(children: np.ndarray, n_leaves: int) -> tuple[np.ndarray, np.ndarray]:
    """The leaves in dendrogram order (first child drawn left) and where each node's leaves start.

    Every node's leaves are one contiguous run of that order, so a set of
    nodes that partitions the points becomes labels by repeating.

    Parameters
    ----------
    children : ndarray of shape (n_leaves - 1, 2)
    n_leaves : int

    Returns
    -------
    order : ndarray of shape (n_leaves,), intp
        The points left to right (scipy's ``dendrogram(...)["leaves"]``
        without truncation or sorting).
    start : ndarray of shape (2 * n_leaves - 1,), intp
        Position in ``order`` of each node's leftmost leaf.
    """
    n_nodes = 2 * n_leaves - 1
    size = node_sizes(children, n_leaves).tolist()
    start = [0] * n_nodes
    rows = children.tolist()
    # From the root down: a node's first child starts where it starts, the
    # second child right after the first child's leaves.
    for i in range(n_leaves - 2, -1, -1):
        a, b = rows[i]
        s = start[n_leaves + i]
        start[a] = s
        start[b] = s + size[a]
    start_arr = np.array(start, dtype=np.intp)
    order = np.empty(n_leaves, dtype=np.intp)
    order[start_arr[:n_leaves]] = np.arange(n_leaves, dtype=np.intp)
    return order, start_arr


def partition(order: np.ndarray, start: np.ndarray, node_size: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Label every point with the position of its node in ``clusters``.

    Parameters
    ----------
    order, start : from :func:`leaf_layout`
    node_size : ndarray of shape (2 * n_leaves - 1,)
    clusters : ndarray of shape (k,), int
        Nodes whose leaves partition the points; label ``i`` goes to the
        leaves of ``clusters[i]``.

    Returns
    -------
    ndarray of shape (n_leaves,), intp
    """
    by_position = np.argsort(start[clusters], kind="stable")
    in_order = np.repeat(by_position.astype(np.intp), node_size[clusters[by_position]])
    labels = np.empty(order.shape[0], dtype=np.intp)
    labels[order] = in_order
    return labels
