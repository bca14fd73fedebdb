"""Choosing clusters from the condensed tree (excess of mass or leaves), labels and probabilities.

A port of scikit-learn's selection as it behaves, quirks included (so that
the labels agree exactly): cluster_selection_epsilon merges selected
clusters born below ``1 / epsilon`` up to an ancestor, max_cluster_size
only limits excess-of-mass selection, a point's probability is its lambda
over the largest lambda of the last run of rows of its cluster.
"""

from __future__ import annotations

import numpy as np

from .condense import stabilities

__all__ = ["Selection", "labels_and_probabilities", "select_clusters"]


class Selection:
    """The chosen clusters and what was computed on the way.

    Attributes
    ----------
    clusters : list of int
        Selected condensed-tree cluster ids, ascending (label i is clusters[i]).
    stability : dict of int to float
        Each cluster's own stability (before eom replaced it by its subtree's).
    """

    def __init__(self, clusters: list[int], stability: dict[int, float]) -> None:
        self.clusters = clusters
        self.stability = stability


def _bfs_clusters(tree: np.ndarray, root: int) -> list[int]:
    children, parents = tree["child"], tree["parent"]
    result: list[int] = []
    queue = np.array([root], dtype=np.intp)
    while queue.size:
        result.extend(queue.tolist())
        queue = children[np.isin(parents, queue)]
    return result


def _leaves(tree: np.ndarray) -> list[int]:
    if tree.shape[0] == 0:
        return []
    kids: dict[int, list[int]] = {}
    for p, c in zip(tree["parent"].tolist(), tree["child"].tolist()):
        kids.setdefault(p, []).append(c)
    out: list[int] = []
    stack = [int(tree["parent"].min())]
    # Depth first, children in row order: the reference's recursion.
    while stack:
        node = stack.pop()
        if node in kids:
            stack.extend(reversed(kids[node]))
        else:
            out.append(node)
    return out


def _traverse_upwards(tree: np.ndarray, epsilon: float, leaf: int, allow_single: bool) -> int:
    root = int(tree["parent"].min())
    parent = int(tree["parent"][tree["child"] == leaf][0])
    if parent == root:
        return parent if allow_single else leaf
    parent_eps = 1.0 / float(tree["value"][tree["child"] == parent][0])
    if parent_eps > epsilon:
        return parent
    return _traverse_upwards(tree, epsilon, parent, allow_single)


def _epsilon_search(leaves: set[int], tree: np.ndarray, epsilon: float, allow_single: bool) -> set[int]:
    selected: list[int] = []
    processed: list[int] = []
    children, values = tree["child"], tree["value"]
    for leaf in leaves:
        eps = 1.0 / float(values[children == leaf][0])
        if eps < epsilon:
            if leaf not in processed:
                up = _traverse_upwards(tree, epsilon, leaf, allow_single)
                selected.append(up)
                for sub in _bfs_clusters(tree, up):
                    if sub != up:
                        processed.append(sub)
        else:
            selected.append(leaf)
    return set(selected)


def select_clusters(
    condensed: np.ndarray,
    method: str = "eom",
    allow_single_cluster: bool = False,
    cluster_selection_epsilon: float = 0.0,
    max_cluster_size: int | None = None,
) -> Selection:
    """Pick the flat clustering from a condensed tree.

    Parameters
    ----------
    condensed : ndarray of shape (m,), dtype CONDENSED_DTYPE
    method : {"eom", "leaf"}
    allow_single_cluster : bool
    cluster_selection_epsilon : float
    max_cluster_size : int or None

    Returns
    -------
    Selection
    """
    stability = stabilities(condensed)
    own = dict(stability)
    keys = sorted(stability.keys(), reverse=True)
    node_list = keys if allow_single_cluster else keys[:-1]
    tree = condensed[condensed["cluster_size"] > 1]
    is_cluster = {c: True for c in node_list}
    n_samples = int(condensed["child"][condensed["cluster_size"] == 1].max()) + 1
    limit = n_samples + 1 if max_cluster_size is None else max_cluster_size
    sizes = dict(zip(tree["child"].tolist(), tree["cluster_size"].tolist()))
    if allow_single_cluster:
        sizes[node_list[-1]] = int(tree["cluster_size"][tree["parent"] == node_list[-1]].sum())
    if method == "eom":
        kids: dict[int, list[int]] = {}
        for p, c in zip(tree["parent"].tolist(), tree["child"].tolist()):
            kids.setdefault(p, []).append(c)
        for node in node_list:
            # np.sum of a Python list: pairwise sum, as the reference does.
            subtree = float(np.sum([stability[c] for c in kids.get(node, [])]))
            if subtree > stability[node] or sizes[node] > limit:
                is_cluster[node] = False
                stability[node] = subtree
            else:
                # Everything below a kept cluster is not a cluster.
                stack = list(kids.get(node, []))
                while stack:
                    sub = stack.pop()
                    is_cluster[sub] = False
                    stack.extend(kids.get(sub, []))
        if cluster_selection_epsilon != 0.0 and tree.shape[0] > 0:
            eom = [c for c in is_cluster if is_cluster[c]]
            chosen: set[int] | list[int] = []
            if len(eom) == 1 and eom[0] == int(tree["parent"].min()):
                if allow_single_cluster:
                    chosen = eom
            else:
                chosen = _epsilon_search(set(eom), tree, cluster_selection_epsilon, allow_single_cluster)
            for c in is_cluster:
                is_cluster[c] = c in chosen
    elif method == "leaf":
        leaves = set(_leaves(tree))
        if not leaves:
            for c in is_cluster:
                is_cluster[c] = False
            is_cluster[int(condensed["parent"].min())] = True
        if cluster_selection_epsilon != 0.0:
            chosen = _epsilon_search(leaves, tree, cluster_selection_epsilon, allow_single_cluster)
        else:
            chosen = leaves
        for c in is_cluster:
            is_cluster[c] = c in chosen
    else:
        raise ValueError(f"cluster_selection_method must be 'eom' or 'leaf', got {method!r}")
    clusters = sorted(c for c in is_cluster if is_cluster[c])
    return Selection(clusters, own)


def death_lambdas(condensed: np.ndarray) -> np.ndarray:
    """Largest lambda of each parent's *last run* of consecutive rows (the reference's reading)."""
    parents = condensed["parent"]
    values = condensed["value"]
    deaths = np.zeros(int(parents.max()) + 1)
    run_start = np.flatnonzero(np.r_[True, parents[1:] != parents[:-1]])
    run_max = np.maximum.reduceat(values, run_start)
    # Later runs overwrite earlier ones, as in the reference loop.
    deaths[parents[run_start]] = run_max
    return deaths


def labels_and_probabilities(
    condensed: np.ndarray,
    selection: Selection,
    allow_single_cluster: bool = False,
    cluster_selection_epsilon: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Labels (-1 noise, clusters numbered by ascending condensed id) and membership strength.

    Returns
    -------
    labels : ndarray of shape (n_samples,), intp
    probabilities : ndarray of shape (n_samples,), float64
    """
    clusters = selection.clusters
    chosen = set(clusters)
    label_of = {c: i for i, c in enumerate(clusters)}
    child, parent, lam = condensed["child"], condensed["parent"], condensed["value"]
    root = int(parent.min())
    n_samples = root
    # Each row's child hangs under its parent unless the child is selected:
    # a point's label is its nearest selected ancestor. Rows come parents
    # before children, so one pass resolves every cluster's owner.
    top = int(parent.max()) + 1
    owner = np.arange(max(top, int(child.max()) + 1))
    for p, c in zip(parent.tolist(), child.tolist()):
        if c not in chosen:
            owner[c] = owner[p]
    point_rows = child < n_samples
    points = child[point_rows]
    cluster_of_point = np.empty(n_samples, dtype=np.intp)
    cluster_of_point[points] = owner[points]
    lut = np.full(owner.shape[0], -1, dtype=np.intp)
    for c, i in label_of.items():
        if c != root:
            lut[c] = i
    labels = lut[cluster_of_point]
    if len(clusters) == 1 and allow_single_cluster and clusters[0] == root:
        at_root = cluster_of_point == root
        point_lambda = np.empty(n_samples)
        point_lambda[points] = lam[point_rows]
        if cluster_selection_epsilon != 0.0:
            threshold = 1.0 / cluster_selection_epsilon
        else:
            threshold = float(lam[parent == root].max())
        labels[at_root & (point_lambda >= threshold)] = label_of[root]

    deaths = death_lambdas(condensed)
    probabilities = np.zeros(n_samples)
    labelled = labels[points] != -1
    pts = points[labelled]
    plam = lam[point_rows][labelled]
    cl = np.asarray(clusters, dtype=np.intp)[labels[pts]] if pts.size else np.zeros(0, dtype=np.intp)
    max_lambda = deaths[cl]
    certain = (max_lambda == 0.0) | np.isinf(plam)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.minimum(plam, max_lambda) / max_lambda
    probabilities[pts] = np.where(certain, 1.0, ratio)
    return labels, probabilities
