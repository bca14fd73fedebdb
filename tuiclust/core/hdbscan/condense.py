"""The condensed tree: the single-linkage tree with clusters below min_cluster_size folded away.

A port of the hdbscan library's algorithm as scikit-learn runs it, row order
included (the row order is part of the result: deaths are read from runs of
consecutive rows of one parent).
"""

from __future__ import annotations

import numpy as np

__all__ = ["CONDENSED_DTYPE", "condense_tree", "stabilities"]

#: A condensed-tree row: ``child`` (a point < n, or a cluster >= n) leaves ``parent`` at ``value`` (lambda).
CONDENSED_DTYPE = np.dtype([("parent", np.intp), ("child", np.intp), ("value", np.float64), ("cluster_size", np.intp)])


def _bfs(left: list[int], right: list[int], n: int, root: int) -> list[int]:
    """Nodes under ``root`` (itself included) breadth first, left before right."""
    result = []
    queue = [root]
    while queue:
        result.extend(queue)
        nxt = []
        for x in queue:
            if x >= n:
                nxt.append(left[x - n])
                nxt.append(right[x - n])
        queue = nxt
    return result


def condense_tree(hierarchy: np.ndarray, min_cluster_size: int) -> np.ndarray:
    """Condense a single-linkage tree.

    Parameters
    ----------
    hierarchy : ndarray of shape (n_samples - 1,), dtype HIERARCHY_DTYPE
    min_cluster_size : int

    Returns
    -------
    ndarray of shape (m,), dtype CONDENSED_DTYPE
        Clusters are numbered from n_samples (the root) in the order they
        are born, breadth first.
    """
    n = hierarchy.shape[0] + 1
    root = 2 * hierarchy.shape[0]
    left = hierarchy["left_node"].tolist()
    right = hierarchy["right_node"].tolist()
    value = hierarchy["value"].tolist()
    csize = hierarchy["cluster_size"].tolist()
    relabel = [0] * (root + 1)
    relabel[root] = n
    next_label = n + 1
    ignore = bytearray(root + 1)
    parents: list[int] = []
    children: list[int] = []
    lambdas: list[float] = []
    sizes: list[int] = []

    def fall_out(parent: int, node: int, lam: float) -> None:
        # Every point under ``node`` leaves ``parent`` at ``lam``.
        for sub in _bfs(left, right, n, node):
            if sub < n:
                parents.append(parent)
                children.append(sub)
                lambdas.append(lam)
                sizes.append(1)
            ignore[sub] = 1

    for node in _bfs(left, right, n, root):
        if ignore[node] or node < n:
            continue
        i = node - n
        lo, hi, distance = left[i], right[i], value[i]
        lam = 1.0 / distance if distance > 0.0 else np.inf
        lcount = csize[lo - n] if lo >= n else 1
        rcount = csize[hi - n] if hi >= n else 1
        here = relabel[node]
        if lcount >= min_cluster_size and rcount >= min_cluster_size:
            relabel[lo] = next_label
            next_label += 1
            parents.append(here), children.append(relabel[lo]), lambdas.append(lam), sizes.append(lcount)
            relabel[hi] = next_label
            next_label += 1
            parents.append(here), children.append(relabel[hi]), lambdas.append(lam), sizes.append(rcount)
        elif lcount < min_cluster_size and rcount < min_cluster_size:
            fall_out(here, lo, lam)
            fall_out(here, hi, lam)
        elif lcount < min_cluster_size:
            relabel[hi] = here
            fall_out(here, lo, lam)
        else:
            relabel[lo] = here
            fall_out(here, hi, lam)
    out = np.empty(len(parents), dtype=CONDENSED_DTYPE)
    out["parent"], out["child"], out["value"], out["cluster_size"] = parents, children, lambdas, sizes
    return out


def stabilities(condensed: np.ndarray) -> dict[int, float]:
    """Each cluster's stability: sum over its rows of ``(lambda - lambda_birth) * size``."""
    parents = condensed["parent"]
    smallest = int(parents.min())
    largest_child = max(int(condensed["child"].max()), smallest)
    births = np.full(largest_child + 1, np.nan)
    births[condensed["child"]] = condensed["value"]
    births[smallest] = 0.0
    n_clusters = int(parents.max()) - smallest + 1
    # Summed row by row in the same order as the reference (float addition
    # is not associative; stabilities are compared with each other).
    result = [0.0] * n_clusters
    contrib = ((condensed["value"] - births[parents]) * condensed["cluster_size"]).tolist()
    for p, c in zip((parents - smallest).tolist(), contrib):
        result[p] += c
    return {i + smallest: result[i] for i in range(n_clusters)}
