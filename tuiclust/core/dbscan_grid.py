"""A grid that makes DBSCAN cheap on dense, low-dimensional data.

Cut space into cubic cells of side a little under ``eps / sqrt(d)``: any two
points of one cell are then within ``eps`` of each other. That gives two
shortcuts over a plain KD-tree:

* every point of a cell holding at least ``min_samples`` points is a core
  point, without counting its neighbourhood;
* the core points of one cell are connected among themselves, so the core
  graph only needs links between cells. Two cells are linked when some core
  point of one is within eps of some core point of the other; one such pair
  is enough, so the test stops early instead of listing every pair, and
  pairs of cells already known to be connected are not tested at all.

Only cells within reach of each other are compared: offsets whose nearest
corners are at most eps apart (24 neighbours in 2-D, 124 in 3-D). Beyond
three dimensions the number of neighbouring cells explodes, so the caller
falls back to the point graph of :mod:`tuiclust.core.dbscan_graph`.
"""

from __future__ import annotations

import itertools
import math
from functools import cache

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from .dbscan_graph import CoreGraph, neighbour_counts

__all__ = ["MAX_GRID_DIMENSIONS", "Grid", "grid_core_graph", "make_grid"]

MAX_GRID_DIMENSIONS = 3
# The cell side is shrunk by this factor so that two points of a cell stay
# within eps even after rounding (their squared distance is computed, as
# scikit-learn does, to about 1e-16 relative error).
_SHRINK = 1.0 - 1e-9
# Cells further than this many cells from the origin would lose the margin
# above to rounding of the coordinates; such data goes to the point graph.
_MAX_CELLS_PER_AXIS = 1 << 20
# Empty padding cells around the data so neighbour keys never wrap around.
_PAD = 2


class Grid:
    """Points sorted into cells of side just under eps / sqrt(d).

    Attributes
    ----------
    side : float
    coords : ndarray of shape (n_samples, d), int64
        Cell coordinates of every point (padded, all >= _PAD).
    strides : ndarray of shape (d,), int64
        Key of a cell = coords @ strides (unique, no wrap-around for the
        stencil's offsets thanks to the padding).
    cell_of_point : ndarray of shape (n_samples,), intp
        Cell number of every point (cells numbered by ascending key).
    cell_count : ndarray of shape (n_cells,), intp
    """

    def __init__(self, side: float, coords: np.ndarray, strides: np.ndarray) -> None:
        self.side = side
        self.coords = coords
        self.strides = strides
        keys = coords @ strides
        self.cell_keys, self.cell_of_point, self.cell_count = np.unique(keys, return_inverse=True, return_counts=True)

    @property
    def n_cells(self) -> int:
        return int(self.cell_keys.shape[0])


def make_grid(X: np.ndarray, eps: float) -> Grid | None:
    """Sort ``X`` of shape (n_samples, d) into cells, or None when a grid does not fit.

    None when d > MAX_GRID_DIMENSIONS, or when eps is so small next to the
    spread of the data that cell coordinates would be huge.
    """
    n, d = X.shape
    if d > MAX_GRID_DIMENSIONS:
        return None
    side = eps / math.sqrt(d) * _SHRINK
    low = X.min(axis=0)
    scaled = (X - low) / side
    if not np.all(np.isfinite(scaled)) or scaled.max() >= _MAX_CELLS_PER_AXIS:
        return None
    coords = np.floor(scaled).astype(np.int64) + _PAD
    extent = coords.max(axis=0) + _PAD + 1
    strides = np.ones(d, dtype=np.int64)
    for axis in range(d - 2, -1, -1):
        strides[axis] = strides[axis + 1] * extent[axis + 1]
    return Grid(side, coords, strides)


@cache
def _stencil(d: int) -> tuple[tuple[int, ...], ...]:
    """Half of the cell offsets whose cells can hold points within eps, nearest first.

    A cell offset ``delta`` leaves a gap of ``max(|delta_i| - 1, 0)`` cells
    along each axis; the cells can hold points within eps when
    ``sum(gap_i ** 2) * side ** 2 <= eps ** 2``, i.e. ``sum(gap_i ** 2) <= d``.
    Only offsets whose first non-zero entry is positive are kept: testing
    cell A against A + delta covers A + delta against A.
    """
    reach = 1 + math.isqrt(d)
    offsets = []
    for delta in itertools.product(range(-reach, reach + 1), repeat=d):
        first = next((v for v in delta if v != 0), 0)
        if first <= 0:
            continue
        gap = sum(max(abs(v) - 1, 0) ** 2 for v in delta)
        if gap <= d:
            offsets.append((gap, sum(abs(v) for v in delta), delta))
    return tuple(delta for _, _, delta in sorted(offsets))


def grid_core_graph(X: np.ndarray, eps: float, min_samples: int, grid: Grid, tree: cKDTree | None = None) -> CoreGraph:
    """Core graph whose nodes are the grid cells holding core points.

    Parameters
    ----------
    X : ndarray of shape (n_samples, d)
    eps : float
    min_samples : int
    grid : Grid from ``make_grid(X, eps)``
    tree : cKDTree over X, optional; built only if some cell is too sparse
        to decide its points' kind by the cell count alone.
    """
    n = X.shape[0]
    in_dense_cell = grid.cell_count[grid.cell_of_point] >= min_samples
    is_core = in_dense_cell
    undecided = np.flatnonzero(~in_dense_cell)
    if undecided.size:
        tree = cKDTree(X) if tree is None else tree
        is_core = in_dense_cell.copy()
        is_core[undecided] = neighbour_counts(tree, X[undecided], eps) >= min_samples
    core_index = np.flatnonzero(is_core)
    core_cells, node_of_core = np.unique(grid.cell_of_point[core_index], return_inverse=True)
    node_of_core = node_of_core.astype(np.intp, copy=False)
    n_nodes = int(core_cells.shape[0])
    edges = _link_cells(X[core_index], grid.coords[core_index], node_of_core, grid.cell_keys[core_cells], grid, eps)
    return CoreGraph(n, core_index, node_of_core, n_nodes, edges)


def _link_cells(
    core_X: np.ndarray,
    core_coords: np.ndarray,
    node_of_core: np.ndarray,
    node_keys: np.ndarray,
    grid: Grid,
    eps: float,
) -> np.ndarray:
    """Edges between core cells (nodes) enough to give the right components, shape (m, 2).

    Offsets are taken nearest first; before each one, pairs of cells already
    in one component are dropped. A pair is first tried cheaply on its two
    facing points (the point of A furthest towards B and the point of B
    furthest towards A); pairs that fail go to an exact nearest-neighbour
    search restricted to B.
    """
    n_nodes = node_keys.shape[0]
    d = core_X.shape[1]
    eps_sq = eps * eps
    found: list[np.ndarray] = []
    component = np.arange(n_nodes)
    facing = _FacingPoints(core_X, node_of_core, n_nodes)
    exact: _ExactLinkTest | None = None
    for delta in _stencil(d):
        partner_key = node_keys + np.asarray(delta, dtype=np.int64) @ grid.strides
        partner = np.searchsorted(node_keys, partner_key)
        partner[partner == n_nodes] = 0
        has = node_keys[partner] == partner_key
        a = np.flatnonzero(has)
        b = partner[a]
        keep = component[a] != component[b]
        a, b = a[keep], b[keep]
        if a.size == 0:
            continue
        direction = np.asarray(delta, dtype=np.float64)
        pa = facing.towards(direction, a)
        pb = facing.towards(-direction, b)
        close = _squared_distance(core_X[pa], core_X[pb]) <= eps_sq
        linked = [np.column_stack([a[close], b[close]])]
        a, b = a[~close], b[~close]
        if a.size:
            if exact is None:  # built on first need: dense data rarely gets here
                exact = _ExactLinkTest(core_X, core_coords, node_of_core, eps)
            linked_a = exact.linked(a, delta)
            linked.append(np.column_stack([a[linked_a], b[linked_a]]))
        new_edges = np.concatenate(linked)
        if new_edges.size:
            found.append(new_edges)
            component = _components(n_nodes, np.concatenate(found))
    if not found:
        return np.zeros((0, 2), dtype=np.intp)
    return np.concatenate(found).astype(np.intp, copy=False)


def _components(n_nodes: int, edges: np.ndarray) -> np.ndarray:
    data = np.ones(edges.shape[0], dtype=np.int8)
    graph = coo_matrix((data, (edges[:, 0], edges[:, 1])), shape=(n_nodes, n_nodes))
    return connected_components(graph, directed=False)[1]


def _squared_distance(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Row-wise squared distances, summed axis by axis as scikit-learn's KD-tree sums them."""
    total = np.zeros(p.shape[0])
    for axis in range(p.shape[1]):
        diff = p[:, axis] - q[:, axis]
        total += diff * diff
    return total


class _FacingPoints:
    """For a direction, the core point of a cell that lies furthest along it."""

    def __init__(self, core_X: np.ndarray, node_of_core: np.ndarray, n_nodes: int) -> None:
        self.n_nodes = n_nodes
        self.by_node = np.argsort(node_of_core, kind="stable")
        self.sorted_nodes = node_of_core[self.by_node]
        self.sorted_X = core_X[self.by_node]

    def towards(self, direction: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """Index into core_X of the furthest point along ``direction`` of each of ``nodes``.

        Only the points of ``nodes`` are looked at: after the first offsets
        most pairs of cells are already known to be connected.
        """
        wanted = np.zeros(self.n_nodes, dtype=bool)
        wanted[nodes] = True
        chosen = np.flatnonzero(wanted[self.sorted_nodes])
        chosen_nodes = self.sorted_nodes[chosen]
        projection = self.sorted_X[chosen] @ direction
        starts = np.flatnonzero(np.diff(chosen_nodes, prepend=-1))
        best = np.maximum.reduceat(projection, starts)
        hits = np.flatnonzero(projection == np.repeat(best, np.diff(np.append(starts, chosen.shape[0]))))
        first_hit = hits[np.diff(chosen_nodes[hits], prepend=-1) != 0]
        facing = np.empty(self.n_nodes, dtype=np.intp)
        facing[chosen_nodes[first_hit]] = self.by_node[chosen[first_hit]]
        return facing[nodes]


class _ExactLinkTest:
    """Does cell A hold a core point within eps of a core point of cell A + delta?

    The core points are placed in a KD-tree with their cell coordinates as
    extra axes, scaled so that points of different cells are more than eps
    apart. A nearest-neighbour query from ``(p, cell(p) + delta)`` within eps
    then only ever finds points of the partner cell.
    """

    def __init__(self, core_X: np.ndarray, core_coords: np.ndarray, node_of_core: np.ndarray, eps: float) -> None:
        self.core_X = core_X
        self.core_coords = core_coords
        self.node_of_core = node_of_core
        self.eps = eps
        self.scale = 4.0 * eps
        self.tree = cKDTree(np.hstack([core_X, self.scale * core_coords]))

    def linked(self, nodes: np.ndarray, delta: tuple[int, ...]) -> np.ndarray:
        """Boolean mask over ``nodes``: True where the node links to its partner at ``delta``."""
        n_nodes_total = int(self.node_of_core.max()) + 1
        wanted = np.zeros(n_nodes_total, dtype=bool)
        wanted[nodes] = True
        asking = np.flatnonzero(wanted[self.node_of_core])
        query = np.hstack([self.core_X[asking], self.scale * (self.core_coords[asking] + np.asarray(delta))])
        # The bound is strict and a hair wide; the exact test follows.
        _, nearest = self.tree.query(query, k=1, distance_upper_bound=self.eps * (1 + 1e-7))
        hit = nearest < self.core_X.shape[0]
        asking, nearest = asking[hit], nearest[hit]
        close = _squared_distance(self.core_X[asking], self.core_X[nearest]) <= self.eps * self.eps
        linked_nodes = np.zeros(n_nodes_total, dtype=bool)
        linked_nodes[self.node_of_core[asking[close]]] = True
        return linked_nodes[nodes]
