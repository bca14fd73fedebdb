"""HDBSCAN from data to labels, as one function over the kernels (no story).

Each stage is its own module; this one strings them together and keeps what
the story and the condensed-tree view need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .condense import condense_tree
from .linkage import single_linkage
from .reachability import Neighbourhoods, core_edges, neighbourhoods
from .select import Selection, labels_and_probabilities, select_clusters
from .spanning_tree import boruvka_tree, prim_order, tied_distance_edges

__all__ = ["Hierarchy", "build_hierarchy", "flat_clustering"]


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """Everything up to the condensed tree's input, which does not depend on min_cluster_size.

    Attributes
    ----------
    core : ndarray of shape (n_samples,), float64
        Core distances.
    mst : ndarray of shape (n_samples - 1,), dtype MST_EDGE_DTYPE
        The spanning tree in Prim's order (scikit-learn's).
    single_linkage : ndarray of shape (n_samples - 1,), dtype HIERARCHY_DTYPE
    """

    core: np.ndarray
    mst: np.ndarray
    single_linkage: np.ndarray


def build_hierarchy(X: np.ndarray, min_samples: int, alpha: float) -> Hierarchy:
    """Core distances, spanning tree and single-linkage tree of ``X`` (n_samples >= 2, n_features).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64, C-contiguous
    min_samples : int
        1 <= min_samples <= n_samples.
    alpha : float
        > 0.
    """
    n = X.shape[0]
    nb: Neighbourhoods = neighbourhoods(X, min_samples)
    a, b, w = boruvka_tree(X, nb, alpha)
    ca, cb, cw = core_edges(X, nb, alpha)
    ta, tb, tw = tied_distance_edges(X, nb, alpha, a, b, w)
    mst = prim_order(n, np.concatenate([a, ca, ta]), np.concatenate([b, cb, tb]), np.concatenate([w, cw, tw]))
    return Hierarchy(core=nb.core, mst=mst, single_linkage=single_linkage(mst))


def flat_clustering(
    hierarchy: Hierarchy,
    min_cluster_size: int,
    method: str,
    allow_single_cluster: bool,
    cluster_selection_epsilon: float,
    max_cluster_size: int | None,
) -> tuple[np.ndarray, Selection, np.ndarray, np.ndarray]:
    """Condensed tree, selection, labels and probabilities from a hierarchy.

    Returns
    -------
    condensed : ndarray of shape (m,), dtype CONDENSED_DTYPE
    selection : Selection
    labels : ndarray of shape (n_samples,), intp
    probabilities : ndarray of shape (n_samples,), float64
    """
    condensed = condense_tree(hierarchy.single_linkage, min_cluster_size)
    selection = select_clusters(condensed, method, allow_single_cluster, cluster_selection_epsilon, max_cluster_size)
    labels, probabilities = labels_and_probabilities(
        condensed, selection, allow_single_cluster, cluster_selection_epsilon
    )
    return condensed, selection, labels, probabilities
