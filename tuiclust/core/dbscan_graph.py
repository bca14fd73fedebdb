"""The geometry behind DBSCAN: core points, the graph that links them, border points.

DBSCAN's result does not depend on a visiting order once it is written as a
graph problem, which is what makes it fast in numpy:

* a point's neighbourhood is every point within ``eps`` of it, itself and
  points at distance exactly ``eps`` included; a *core point* has at least
  ``min_samples`` neighbours;
* the clusters are the connected components of the graph whose vertices are
  the core points and whose edges join core points within ``eps``;
* a cluster is numbered by the order of its smallest core point index
  (scikit-learn starts a new cluster at each unlabelled core point in index
  order), and a border point joins the cluster with the smallest number among
  its core neighbours (the first cluster to reach it, as scikit-learn grows a
  cluster completely before starting the next one).

The graph is stored over *nodes*, groups of core points that are known to be
within ``eps`` of one another (so each node is connected inside). Without a
grid every core point is its own node. With a grid (low dimensions, see
:mod:`tuiclust.core.dbscan_grid`) a node is a grid cell small enough that any
two of its points are neighbours, which keeps dense data cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components
from scipy.spatial import cKDTree

__all__ = [
    "Clustering",
    "CoreGraph",
    "cluster",
    "expansion_order",
    "neighbour_counts",
    "point_core_graph",
    "sampled_mean_neighbours",
]

# Up to about this many pairs of neighbours (16 bytes each) are listed at
# once; beyond, the edges are built in slices of about _SLICE_PAIRS
# neighbour entries and reduced to a spanning forest as they come, so memory
# stays bounded however large eps is.
_MAX_PAIRS_AT_ONCE = 8_000_000
_SLICE_PAIRS = 1_000_000


@dataclass(frozen=True, eq=False)
class CoreGraph:
    """Core points and the links between them.

    Attributes
    ----------
    n_samples : int
    core_index : ndarray of shape (n_core,), intp
        Indices of the core points, ascending.
    node_of_core : ndarray of shape (n_core,), intp
        The node (group of mutual neighbours) of each core point.
    n_nodes : int
    edges : ndarray of shape (n_edges, 2), intp
        Pairs of nodes that hold two core points within eps of each other.
        Enough edges to give the right connected components; not
        necessarily every such pair.
    """

    n_samples: int
    core_index: np.ndarray
    node_of_core: np.ndarray
    n_nodes: int
    edges: np.ndarray

    @property
    def n_core(self) -> int:
        return int(self.core_index.shape[0])

    def adjacency(self) -> csr_matrix:
        """Symmetric node adjacency, shape (n_nodes, n_nodes)."""
        a, b = self.edges[:, 0], self.edges[:, 1]
        data = np.ones(2 * a.shape[0], dtype=np.int8)
        shape = (self.n_nodes, self.n_nodes)
        return coo_matrix((data, (np.concatenate([a, b]), np.concatenate([b, a]))), shape=shape).tocsr()

    def components(self, adjacency: csr_matrix | None = None) -> np.ndarray:
        """Connected component of every node, shape (n_nodes,).

        Pass ``adjacency()`` if it is already built: on a symmetric graph the
        strong components are the components, found without a transpose.
        """
        if self.edges.shape[0] == 0:
            return np.arange(self.n_nodes)
        if adjacency is not None:
            return connected_components(adjacency, directed=True, connection="strong")[1]
        # One direction per edge is enough: undirected mode reads both ways.
        data = np.ones(self.edges.shape[0], dtype=np.int8)
        graph = coo_matrix((data, (self.edges[:, 0], self.edges[:, 1])), shape=(self.n_nodes,) * 2)
        return connected_components(graph, directed=False)[1]


@dataclass(frozen=True, eq=False)
class Clustering:
    """DBSCAN's answer, numbered as scikit-learn numbers it.

    Attributes
    ----------
    graph : CoreGraph
    core_labels : ndarray of shape (n_core,), intp
        Cluster of each core point (in ``graph.core_index`` order).
    labels : ndarray of shape (n_samples,), intp
        Final labels: clusters 0..n_clusters-1, noise -1.
    is_border : ndarray of shape (n_samples,), bool
    n_clusters : int
    """

    graph: CoreGraph
    core_labels: np.ndarray
    labels: np.ndarray
    is_border: np.ndarray
    n_clusters: int

    @property
    def core_index(self) -> np.ndarray:
        return self.graph.core_index


def neighbour_counts(tree: cKDTree, points: np.ndarray, eps: float) -> np.ndarray:
    """Number of tree points within ``eps`` of each of ``points`` (inclusive), shape (len(points),)."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.intp)
    return np.asarray(tree.query_ball_point(points, eps, return_length=True), dtype=np.intp)


def point_core_graph(
    X: np.ndarray,
    eps: float,
    min_samples: int,
    tree: cKDTree | None = None,
    mean_others: float | None = None,
) -> CoreGraph:
    """Core graph with one node per core point, from KD-tree queries.

    When the pairs of neighbours fit in memory (estimated from a sample), a
    single dual-tree ``query_pairs`` gives both the neighbour counts and the
    core-core edges. Otherwise the counts come from per-point queries and the
    edges are reduced slice by slice to a spanning forest.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    eps : float
    min_samples : int
    tree : cKDTree over X, optional (built if not given)
    mean_others : float, optional
        ``sampled_mean_neighbours(tree, X, eps)`` if already known.
    """
    n = X.shape[0]
    tree = cKDTree(X) if tree is None else tree
    if mean_others is None:
        mean_others = sampled_mean_neighbours(tree, X, eps)
    if mean_others * n / 2 <= _MAX_PAIRS_AT_ONCE:
        pairs = tree.query_pairs(eps, output_type="ndarray").astype(np.intp, copy=False)
        counts = 1 + np.bincount(pairs.ravel(), minlength=n)
        is_core = counts >= min_samples
        core_index = np.flatnonzero(is_core)
        position = np.cumsum(is_core) - 1
        edges = position[pairs[is_core[pairs[:, 0]] & is_core[pairs[:, 1]]]]
        return CoreGraph(n, core_index, np.arange(core_index.shape[0], dtype=np.intp), core_index.shape[0], edges)

    counts = neighbour_counts(tree, X, eps)
    core_index = np.flatnonzero(counts >= min_samples)
    n_core = core_index.shape[0]
    # Each core point has counts-1 other neighbours, some of them not core;
    # this bounds the number of core pairs without listing them.
    pair_bound = (int(counts[core_index].sum()) - n_core) // 2
    edges = _spanning_edges_in_slices(X[core_index], eps, pair_bound)
    return CoreGraph(n, core_index, np.arange(n_core, dtype=np.intp), n_core, edges)


def sampled_mean_neighbours(tree: cKDTree, X: np.ndarray, eps: float) -> float:
    """Mean number of other points within eps of a point of X, from up to 2,000 evenly spread rows."""
    n = X.shape[0]
    sample = np.unique(np.linspace(0, n - 1, min(n, 2000)).astype(np.intp))
    return float(neighbour_counts(tree, X[sample], eps).mean()) - 1.0


def _spanning_edges_in_slices(core_X: np.ndarray, eps: float, pair_bound: int) -> np.ndarray:
    """Edges of a spanning forest of the eps-graph on ``core_X``, built slice by slice.

    Each slice of points (taken in the tree's spatial order, so slices are
    compact) is joined to all points; only the links between components
    found so far are kept and merged, every point pointing at the smallest
    point of its component, so memory is bounded by the slice, not by all
    pairs.
    """
    n = core_X.shape[0]
    tree = cKDTree(core_X)
    # A slice lists each of its points' neighbourhoods in full (both
    # directions, with distances, 24 bytes a pair, plus scipy's own buffer).
    n_slices = max(1, -(-2 * pair_bound // _SLICE_PAIRS))
    root = np.arange(n, dtype=np.intp)
    for chunk in np.array_split(tree.indices, n_slices):
        if chunk.size == 0:
            continue
        pairs = cKDTree(core_X[chunk]).sparse_distance_matrix(tree, eps, output_type="ndarray")
        a = root[chunk[pairs["i"]]]
        b = root[pairs["j"]]
        between = a != b
        if np.any(between):
            # Roots are the smallest points of their components, so the
            # smallest root of a merged group is the smallest point of the union.
            root = _component_roots(n, a[between], b[between])[root]
    keep = root != np.arange(n)
    return np.column_stack([np.flatnonzero(keep), root[keep]]).astype(np.intp, copy=False)


def _component_roots(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each of n vertices, the smallest vertex of its component in the graph with edges (a, b)."""
    graph = coo_matrix((np.ones(a.shape[0], dtype=np.int8), (a, b)), shape=(n, n))
    n_comp, comp = connected_components(graph, directed=False)
    smallest = np.full(n_comp, n, dtype=np.intp)
    np.minimum.at(smallest, comp, np.arange(n, dtype=np.intp))
    return smallest[comp]


def cluster(X: np.ndarray, eps: float, graph: CoreGraph, adjacency: csr_matrix | None = None) -> Clustering:
    """Number the clusters of ``graph`` as scikit-learn does and attach border points.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    eps : float
    graph : CoreGraph built from X with the same eps
    adjacency : ``graph.adjacency()``, optional, if already built
    """
    n = graph.n_samples
    labels = np.full(n, -1, dtype=np.intp)
    is_border = np.zeros(n, dtype=bool)
    if graph.n_core == 0:
        return Clustering(graph, np.zeros(0, dtype=np.intp), labels, is_border, 0)

    component = graph.components(adjacency)[graph.node_of_core]
    # core_index is ascending, so a component's first position holds its
    # smallest core index; clusters are numbered in that order.
    _, first_position, compact = np.unique(component, return_index=True, return_inverse=True)
    n_clusters = int(first_position.shape[0])
    number = np.empty(n_clusters, dtype=np.intp)
    number[np.argsort(first_position)] = np.arange(n_clusters)
    core_labels = number[compact.reshape(-1)]
    labels[graph.core_index] = core_labels

    non_core = np.ones(n, dtype=bool)
    non_core[graph.core_index] = False
    non_core_index = np.flatnonzero(non_core)
    if non_core_index.size:
        border_label = _smallest_core_neighbour_label(X[non_core_index], X[graph.core_index], core_labels, eps)
        reached = border_label >= 0
        labels[non_core_index[reached]] = border_label[reached]
        is_border[non_core_index[reached]] = True
    return Clustering(graph, core_labels, labels, is_border, n_clusters)


def _smallest_core_neighbour_label(
    points: np.ndarray, core_X: np.ndarray, core_labels: np.ndarray, eps: float
) -> np.ndarray:
    """For each of ``points``, the smallest label among core points within eps, or -1.

    Non-core points have fewer than min_samples neighbours, so the pair list
    stays small.
    """
    pairs = cKDTree(points).sparse_distance_matrix(cKDTree(core_X), eps, output_type="ndarray")
    best = np.full(points.shape[0], np.iinfo(np.intp).max, dtype=np.intp)
    if pairs.shape[0]:
        np.minimum.at(best, pairs["i"], core_labels[pairs["j"]])
    best[best == np.iinfo(np.intp).max] = -1
    return best


def expansion_order(clustering: Clustering, adjacency: csr_matrix | None = None) -> np.ndarray:
    """Positions into ``core_index``, cluster by cluster, each in breadth-first order from its seed.

    The seed of a cluster is its smallest core point; growth then spreads
    over the node graph level by level, so consecutive slices of the result
    look like a cluster growing outward.

    Parameters
    ----------
    clustering : Clustering
    adjacency : ``clustering.graph.adjacency()``, optional, if already built

    Returns
    -------
    ndarray of shape (n_core,), intp
    """
    graph = clustering.graph
    if graph.n_core == 0:
        return np.zeros(0, dtype=np.intp)
    adjacency = graph.adjacency() if adjacency is None else adjacency
    # One breadth-first search from a virtual root, an extra last row that
    # points at every seed node, visits each cluster in breadth-first order
    # from its own seed.
    _, seed_position = np.unique(clustering.core_labels, return_index=True)
    seed_nodes = graph.node_of_core[seed_position]
    root = graph.n_nodes
    with_root = csr_matrix(
        (
            np.ones(adjacency.indices.shape[0] + seed_nodes.shape[0], dtype=np.int8),
            np.concatenate([adjacency.indices, seed_nodes]),
            np.append(adjacency.indptr, adjacency.indptr[-1] + seed_nodes.shape[0]),
        ),
        shape=(root + 1, root + 1),
    )
    visit = breadth_first_order(with_root, root, directed=True, return_predecessors=False)
    node_rank = np.empty(root + 1, dtype=np.intp)
    node_rank[visit] = np.arange(visit.shape[0])
    positions = np.arange(graph.n_core, dtype=np.intp)
    return np.lexsort((positions, node_rank[graph.node_of_core], clustering.core_labels))
