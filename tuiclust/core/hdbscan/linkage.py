"""The single-linkage tree: the spanning tree's edges merged from the shortest up."""

from __future__ import annotations

import numpy as np

from .spanning_tree import MST_EDGE_DTYPE

__all__ = ["HIERARCHY_DTYPE", "single_linkage"]

#: scikit-learn's dendrogram row: the two merged nodes, the distance, the new size.
HIERARCHY_DTYPE = np.dtype(
    [("left_node", np.intp), ("right_node", np.intp), ("value", np.float64), ("cluster_size", np.intp)]
)


def single_linkage(mst: np.ndarray) -> np.ndarray:
    """Sort the spanning tree by weight and merge, as scikit-learn does.

    Parameters
    ----------
    mst : ndarray of shape (n_samples - 1,), dtype MST_EDGE_DTYPE
        In Prim's order: the sort below breaks ties among equal weights by
        numpy's own (unstable) argsort on that order, exactly as
        scikit-learn does, so the dendrogram is the same row for row.

    Returns
    -------
    ndarray of shape (n_samples - 1,), dtype HIERARCHY_DTYPE
        Row i merges ``left_node`` and ``right_node`` (points are 0..n-1,
        merge i is node n + i) at distance ``value``.
    """
    mst = np.asarray(mst, dtype=MST_EDGE_DTYPE)
    row_order = np.argsort(mst["distance"])
    mst = mst[row_order]
    n = mst.shape[0] + 1
    parent = np.full(2 * n - 1, -1, dtype=np.intp).tolist()
    size = [1] * n + [0] * (n - 1)
    left = np.empty(n - 1, dtype=np.intp)
    right = np.empty(n - 1, dtype=np.intp)
    sizes = np.empty(n - 1, dtype=np.intp)
    a_list = mst["current_node"].tolist()
    b_list = mst["next_node"].tolist()
    next_label = n
    for i in range(n - 1):
        ra = _find(parent, a_list[i])
        rb = _find(parent, b_list[i])
        left[i], right[i] = ra, rb
        sizes[i] = size[ra] + size[rb]
        parent[ra] = parent[rb] = next_label
        size[next_label] = size[ra] + size[rb]
        next_label += 1
    out = np.empty(n - 1, dtype=HIERARCHY_DTYPE)
    out["left_node"], out["right_node"] = left, right
    out["value"] = mst["distance"]
    out["cluster_size"] = sizes
    return out


def _find(parent: list[int], x: int) -> int:
    root = x
    while parent[root] != -1:
        root = parent[root]
    while parent[x] != -1 and parent[x] != root:
        parent[x], x = root, parent[x]
    return root
