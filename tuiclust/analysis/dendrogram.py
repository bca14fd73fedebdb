"""The dendrogram of an agglomerative run, as numbers a view can draw.

From a merge tree (scikit-learn's ``children_`` and ``distances_``, or a
scipy linkage matrix) this computes:

* the top of the tree, truncated to at most ``p`` leaves exactly as scipy's
  ``dendrogram(Z, truncate_mode="lastp", p=p)`` does: the last ``p - 1``
  merges are drawn, and every cluster that exists just before them is one
  leaf, with its point count. The first child of a merge is drawn on the
  left, as scipy does without count or distance sorting;
* the x position of every shown leaf (slot ``0 .. p-1``, left to right) and
  of both ends of every link, the link heights, and the height of the
  subtree hidden under each grouped leaf;
* where a horizontal cut can sit (one position per gap between distinct
  merge heights), the number of clusters a cut height gives, with
  scikit-learn's ``distance_threshold`` rule (merges at or above the cut are
  undone: ``1 + count(heights >= cut)``), and the suggested cut: the middle
  of the largest gap between consecutive merge heights.

Cut heights are midpoints between merge heights, so a cut handed to
``AgglomerativeClustering(n_clusters=None, distance_threshold=cut)`` gives
exactly the clusters the view shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.agglomerative_tree import node_sizes

__all__ = [
    "DEFAULT_LEAVES",
    "CutLevels",
    "Dendrogram",
    "cut_for_clusters",
    "cut_levels",
    "dendrogram",
    "dendrogram_from_linkage",
    "n_clusters_at",
    "suggested_cut",
]

#: Leaves shown when the caller does not say (about what 80 columns can separate).
DEFAULT_LEAVES = 30


@dataclass(frozen=True, eq=False)
class Dendrogram:
    """The top of a merge tree laid out for drawing.

    With ``p`` shown leaves there are ``p - 1`` links, listed in scipy's
    drawing order (each link after the links below it, left subtree first).

    Attributes
    ----------
    n_leaves : int
        Points in the whole tree.
    heights : ndarray of shape (n_leaves - 1,)
        Every merge distance, in merge order (for cuts and axes).
    leaf_nodes : ndarray of shape (p,), intp
        Node id of each shown leaf, left to right (scipy's ``leaves``): a
        point (< n_leaves) or a grouped subtree.
    leaf_counts : ndarray of shape (p,), intp
        Points under each shown leaf.
    leaf_heights : ndarray of shape (p,)
        Height of the hidden subtree under each shown leaf (0 for a point).
    link_nodes : ndarray of shape (p - 1,), intp
        Node id of each drawn merge.
    link_heights : ndarray of shape (p - 1,)
    link_x : ndarray of shape (p - 1, 2)
        x of the left and right end of each link's bar (the centres of its
        two children), in leaf slots: leaf ``i`` sits at ``x = i``.
    link_child_heights : ndarray of shape (p - 1, 2)
        Where each link's two legs end below: the child link's height, or 0
        for a shown leaf (as scipy draws grouped leaves down to the axis).
    """

    n_leaves: int
    heights: np.ndarray
    leaf_nodes: np.ndarray
    leaf_counts: np.ndarray
    leaf_heights: np.ndarray
    link_nodes: np.ndarray
    link_heights: np.ndarray
    link_x: np.ndarray
    link_child_heights: np.ndarray

    @property
    def p(self) -> int:
        """Leaves shown."""
        return int(self.leaf_nodes.shape[0])

    @property
    def link_center(self) -> np.ndarray:
        """x of each link's top centre (where its parent's leg meets it), shape (p - 1,)."""
        return self.link_x.mean(axis=1)

    def icoord(self) -> np.ndarray:
        """scipy's ``icoord``: shape (p - 1, 4), leaves at x = 5, 15, 25, ..."""
        xl, xr = 5.0 + 10.0 * self.link_x[:, 0], 5.0 + 10.0 * self.link_x[:, 1]
        return np.stack([xl, xl, xr, xr], axis=1)

    def dcoord(self) -> np.ndarray:
        """scipy's ``dcoord``: shape (p - 1, 4), (left leg foot, top, top, right leg foot)."""
        h = self.link_heights
        return np.stack([self.link_child_heights[:, 0], h, h, self.link_child_heights[:, 1]], axis=1)


@dataclass(frozen=True, eq=False)
class CutLevels:
    """Every distinct place a horizontal cut can sit, lowest first.

    Attributes
    ----------
    cuts : ndarray of shape (m,)
        Cut heights: below the lowest merge, then between each pair of
        consecutive distinct merge heights, then above the top. Ascending.
    n_clusters : ndarray of shape (m,), intp
        Clusters each cut gives; strictly decreasing, ending at 1.
    """

    cuts: np.ndarray
    n_clusters: np.ndarray


def dendrogram(children: np.ndarray, distances: np.ndarray, *, p: int = DEFAULT_LEAVES) -> Dendrogram:
    """Lay out the top of a merge tree with at most ``p`` leaves (scipy's ``truncate_mode="lastp"``).

    Parameters
    ----------
    children : ndarray of shape (n_leaves - 1, 2), int
        scikit-learn's ``children_``: row ``i`` merges two nodes into node
        ``n_leaves + i``.
    distances : ndarray of shape (n_leaves - 1,)
        scikit-learn's ``distances_``.
    p : int, default 30
        Most leaves to show; 0 or more than the points means every point
        (scipy's rule).

    Returns
    -------
    Dendrogram
    """
    children = np.asarray(children, dtype=np.intp)
    heights = np.asarray(distances, dtype=np.float64)
    if children.ndim != 2 or children.shape[1] != 2 or heights.shape != (children.shape[0],):
        raise ValueError(
            f"children must have shape (m, 2) and distances shape (m,); got {children.shape} and {heights.shape}"
        )
    n = children.shape[0] + 1
    if not isinstance(p, (int, np.integer)) or p < 0:
        raise ValueError(f"p must be an integer >= 0, got {p!r}")
    p = n if p == 0 or p > n else int(p)
    sizes = node_sizes(children, n)
    node_height = np.concatenate([np.zeros(n), heights])
    first_shown_merge = 2 * n - p  # nodes from here up are drawn as links

    rows = children.tolist()
    leaf_nodes: list[int] = []
    link_nodes: list[int] = []
    link_x: list[tuple[float, float]] = []
    link_feet: list[tuple[float, float]] = []
    # Iterative post-order from the root (a chained tree is far deeper than
    # Python's recursion limit); per node: its centre x and the height its
    # parent's leg ends at.
    placed: dict[int, tuple[float, float]] = {}
    stack: list[tuple[int, bool]] = [(2 * n - 2, False)]
    while stack:
        node, expanded = stack.pop()
        if node < first_shown_merge:
            placed[node] = (float(len(leaf_nodes)), 0.0)
            leaf_nodes.append(node)
            continue
        left, right = rows[node - n]
        if not expanded:
            stack.append((node, True))
            stack.append((right, False))
            stack.append((left, False))
            continue
        (xl, fl), (xr, fr) = placed.pop(left), placed.pop(right)
        link_nodes.append(node)
        link_x.append((xl, xr))
        link_feet.append((fl, fr))
        placed[node] = ((xl + xr) / 2.0, float(node_height[node]))

    leaves = np.array(leaf_nodes, dtype=np.intp)
    links = np.array(link_nodes, dtype=np.intp)
    return Dendrogram(
        n_leaves=n,
        heights=heights,
        leaf_nodes=leaves,
        leaf_counts=sizes[leaves],
        leaf_heights=node_height[leaves],
        link_nodes=links,
        link_heights=node_height[links],
        link_x=np.array(link_x, dtype=np.float64).reshape(-1, 2),
        link_child_heights=np.array(link_feet, dtype=np.float64).reshape(-1, 2),
    )


def dendrogram_from_linkage(Z: np.ndarray, *, p: int = DEFAULT_LEAVES) -> Dendrogram:
    """:func:`dendrogram` for a scipy linkage matrix ``Z`` of shape (n_leaves - 1, 4)."""
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim != 2 or Z.shape[1] != 4:
        raise ValueError(f"a linkage matrix has shape (m, 4), got {Z.shape}")
    return dendrogram(Z[:, :2].astype(np.intp), Z[:, 2], p=p)


def n_clusters_at(heights: np.ndarray, cut: float) -> int:
    """Clusters left when the tree is cut at height ``cut``: ``1 + count(heights >= cut)``.

    Parameters
    ----------
    heights : ndarray of shape (n_leaves - 1,)
    cut : float
    """
    return 1 + int(np.count_nonzero(np.asarray(heights) >= cut))


def cut_levels(heights: np.ndarray) -> CutLevels:
    """Every distinct cut, lowest first: where ``↑``/``↓`` move a cut line by one merge level.

    Parameters
    ----------
    heights : ndarray of shape (n_leaves - 1,)
        At least one merge.

    Returns
    -------
    CutLevels
        Below the lowest distinct height the cut sits at half of it (0 when
        points coincide, which undoes every merge); above the top, at the
        top plus half the last gap (or 1.5 times the top, or 1 if all
        heights are 0).
    """
    levels = np.unique(np.asarray(heights, dtype=np.float64))
    if levels.shape[0] == 0:
        raise ValueError("a tree needs at least one merge to be cut")
    between = (levels[:-1] + levels[1:]) / 2.0
    top = levels[-1]
    if levels.shape[0] > 1:
        above = top + (top - levels[-2]) / 2.0
    else:
        above = 1.5 * top if top > 0 else 1.0
    cuts = np.concatenate([[levels[0] / 2.0], between, [above]])
    sorted_heights = np.sort(np.asarray(heights, dtype=np.float64))
    # 1 + count(heights >= cut), for every cut at once.
    n_clusters = 1 + sorted_heights.shape[0] - np.searchsorted(sorted_heights, cuts, side="left")
    return CutLevels(cuts=cuts, n_clusters=n_clusters.astype(np.intp))


def cut_for_clusters(heights: np.ndarray, n_clusters: int) -> tuple[float, int]:
    """The cut giving ``n_clusters`` clusters, or the nearest count any cut can give.

    Equal merge heights are undone together, so some counts cannot be had;
    then the nearest count wins, the larger one on a tie.

    Parameters
    ----------
    heights : ndarray of shape (n_leaves - 1,)
    n_clusters : int

    Returns
    -------
    cut : float
    n_clusters : int
        What that cut gives.
    """
    levels = cut_levels(heights)
    distance = np.abs(levels.n_clusters - int(n_clusters))
    # n_clusters falls along the cuts, so the first minimum is the larger count.
    i = int(np.argmin(distance))
    return float(levels.cuts[i]), int(levels.n_clusters[i])


def suggested_cut(heights: np.ndarray) -> tuple[float, int] | None:
    """The middle of the largest gap between consecutive merge heights, and the clusters it gives.

    On equal gaps the higher one wins (fewer clusters). None when the tree
    has fewer than two merges or all merges are at one height (there is no gap).

    Parameters
    ----------
    heights : ndarray of shape (n_leaves - 1,)

    Returns
    -------
    (cut, n_clusters) or None
    """
    h = np.sort(np.asarray(heights, dtype=np.float64))
    if h.shape[0] < 2:
        return None
    gaps = np.diff(h)
    if gaps.max() <= 0.0:
        return None  # every merge at one height: no cut separates some merges from others
    i = int(gaps.shape[0] - 1 - np.argmax(gaps[::-1]))
    cut = float((h[i] + h[i + 1]) / 2.0)
    return cut, n_clusters_at(h, cut)
