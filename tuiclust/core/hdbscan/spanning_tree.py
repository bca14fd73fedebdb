"""The exact minimum spanning tree of the mutual-reachability graph, in scikit-learn's order.

Two stages:

1. :func:`boruvka_tree` finds *a* minimum spanning tree without ever
   building the n x n graph: Borůvka rounds, where each component's lightest
   outgoing edge comes from the neighbour lists when they prove it (every
   edge not in a list weighs at least ``max(core, k-th distance / alpha)``),
   and otherwise from an exact KD-tree search over the points outside the
   component that could beat the best edge known.
2. :func:`prim_order` replays scikit-learn's Prim's algorithm (start at
   point 0, take the lightest edge to a new point, the smallest index among
   equal ones, attached to the earliest tree point that reached that weight)
   over a sparse graph that holds every edge Prim could pick: the tree from
   stage 1 and every *core edge* (weight equal to an endpoint's core
   distance, see :func:`~.reachability.core_edges`). Mutual reachability is
   full of exact ties, and the order in which tied edges are merged decides
   where a point falls out of the condensed tree; replaying Prim gives
   scikit-learn's edge list exactly, so sorting it gives its hierarchy.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree
from scipy.spatial import cKDTree

from .reachability import Neighbourhoods, mutual_reachability, pair_distances

__all__ = ["MST_EDGE_DTYPE", "boruvka_tree", "prim_order"]

#: scikit-learn's record of one spanning-tree edge, in Prim's order.
MST_EDGE_DTYPE = np.dtype([("current_node", np.int64), ("next_node", np.int64), ("distance", np.float64)])

_SLACK = 1.0 + 1e-9
_FIRST_K = 8


def boruvka_tree(X: np.ndarray, nb: Neighbourhoods, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A minimum spanning tree of the mutual-reachability graph of ``X``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    nb : Neighbourhoods
        From :func:`~.reachability.neighbourhoods` on ``X``.
    alpha : float
        Distance scaling, > 0.

    Returns
    -------
    a, b : ndarray of shape (n_samples - 1,), intp
    weight : ndarray of shape (n_samples - 1,), float64
        Exact mutual reachability of each edge.
    """
    n = X.shape[0]
    core = nb.core
    list_mr = np.maximum(np.maximum(core[:, None], core[nb.index]), nb.distance / alpha)
    # Any edge missing from a point's list weighs at least this.
    outside_bound = np.full(n, np.inf) if nb.complete else np.maximum(core, nb.distance[:, -1] / alpha)
    comp = np.arange(n)
    n_comp = n
    ea: list[np.ndarray] = []
    eb: list[np.ndarray] = []
    ew: list[np.ndarray] = []
    rows = np.arange(n)
    while n_comp > 1:
        masked = np.where(comp[nb.index] == comp[:, None], np.inf, list_mr)
        col = np.argmin(masked, axis=1)
        cand = masked[rows, col]
        target = nb.index[rows, col]
        lower = np.minimum(cand, outside_bound)

        # Per component: its best listed edge and the weakest lower bound.
        order = np.lexsort((cand, comp))
        starts = np.flatnonzero(np.r_[True, comp[order][1:] != comp[order][:-1]])
        best_point = order[starts]
        best_w = cand[best_point]
        comp_lower = np.minimum.reduceat(lower[order], starts)
        comp_ids = comp[best_point]
        best_target = target[best_point]

        unsure = np.flatnonzero(comp_lower < best_w)
        if unsure.size:
            members = np.split(order, starts[1:])
            for i in unsure.tolist():
                u, v, w = _exact_lightest(X, core, alpha, comp, comp_ids[i], members[i], lower, best_w[i])
                if u >= 0:
                    best_point[i], best_target[i], best_w[i] = u, v, w

        a_new, b_new, w_new = _forest_edges(comp, best_point, best_target, best_w)
        ea.append(a_new)
        eb.append(b_new)
        ew.append(w_new)
        a_all, b_all = np.concatenate(ea), np.concatenate(eb)
        graph = coo_matrix((np.ones(a_all.shape[0]), (a_all, b_all)), shape=(n, n))
        n_comp, comp = connected_components(graph, directed=False)
    if not ea:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0)
    return np.concatenate(ea), np.concatenate(eb), np.concatenate(ew)


def _exact_lightest(
    X: np.ndarray,
    core: np.ndarray,
    alpha: float,
    comp: np.ndarray,
    label: int,
    members: np.ndarray,
    lower: np.ndarray,
    best: float,
) -> tuple[int, int, float]:
    """The lightest edge out of one component, searched exactly among the points that could beat ``best``."""
    outside = comp != label
    if np.isfinite(best):
        # Only points closer than alpha * best and with a core distance
        # below best can give a lighter edge.
        outside &= core < best
        reach = alpha * best * _SLACK
        low = X[members].min(axis=0) - reach
        high = X[members].max(axis=0) + reach
        outside &= np.all((X >= low) & (X <= high), axis=1)
    candidates = np.flatnonzero(outside)
    best_u, best_v = -1, -1
    if candidates.size == 0:
        return best_u, best_v, best
    tree = cKDTree(X[candidates])
    points = members[lower[members] < best] if np.isfinite(best) else members
    k = min(_FIRST_K, candidates.size)
    while points.size:
        radius = alpha * best * _SLACK if np.isfinite(best) else np.inf
        dist, idx = tree.query(X[points], k=k, distance_upper_bound=radius)
        dist = dist.reshape(points.size, k)
        idx = idx.reshape(points.size, k)
        found = idx < candidates.size
        rows = np.broadcast_to(points[:, None], idx.shape)[found]
        other = candidates[idx[found]]
        if rows.size:
            w = mutual_reachability(X, core, alpha, rows, other)
            j = int(np.argmin(w))
            if w[j] < best:
                best, best_u, best_v = float(w[j]), int(rows[j]), int(other[j])
        if k >= candidates.size:
            break
        # A point needs more neighbours only if all k were within the radius
        # and the k-th could still be beaten by a farther point.
        more = found[:, -1] & (np.maximum(core[points], dist[:, -1] / _SLACK / alpha) < best)
        points = points[more]
        k = min(2 * k, candidates.size)
    return best_u, best_v, best


def _forest_edges(
    comp: np.ndarray, a: np.ndarray, b: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The round's chosen edges without repeats or cycles (equal weights can close one).

    A minimum spanning forest of the chosen edges over the components keeps
    every edge except those that close a cycle of equal weights.
    """
    ca, cb = comp[a], comp[b]
    lo, hi = np.minimum(ca, cb), np.maximum(ca, cb)
    n_comp = int(comp.max()) + 1
    key = lo.astype(np.int64) * n_comp + hi
    # One edge per pair of components, the lightest.
    order = np.lexsort((w, key))
    first = np.r_[True, key[order][1:] != key[order][:-1]]
    pick = order[first]
    # scipy drops zero weights and sums duplicates: give it ranks from 1.
    rank = np.unique(w[pick], return_inverse=True)[1].astype(np.float64) + 1.0
    graph = coo_matrix((rank, (lo[pick], hi[pick])), shape=(n_comp, n_comp)).tocsr()
    forest = minimum_spanning_tree(graph).tocoo()
    r, c = np.minimum(forest.row, forest.col), np.maximum(forest.row, forest.col)
    kept_key = r.astype(np.int64) * n_comp + c
    sorted_keys = key[pick]
    at = np.searchsorted(sorted_keys, kept_key)
    keep = pick[at]
    return np.minimum(a[keep], b[keep]).astype(np.intp), np.maximum(a[keep], b[keep]).astype(np.intp), w[keep]


def prim_order(n: int, a: np.ndarray, b: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Replay scikit-learn's Prim's algorithm over the sparse graph ``(a, b, weight)``.

    The graph must hold a minimum spanning tree and every edge that ties
    with the lightest crossing edge at some moment (see the module notes).

    Parameters
    ----------
    n : int
    a, b : ndarray of shape (m,), intp
    weight : ndarray of shape (m,), float64

    Returns
    -------
    ndarray of shape (n - 1,), dtype MST_EDGE_DTYPE
        (source, new point, weight) in the order Prim adds them.
    """
    # Adjacency in CSR form, built once.
    src = np.concatenate([a, b])
    dst = np.concatenate([b, a])
    wts = np.concatenate([weight, weight])
    order = np.argsort(src, kind="stable")
    dst, wts = dst[order].tolist(), wts[order].tolist()
    starts = np.searchsorted(src[order], np.arange(n + 1)).tolist()

    in_tree = bytearray(n)
    out_src = np.empty(n - 1, dtype=np.int64)
    out_new = np.empty(n - 1, dtype=np.int64)
    out_w = np.empty(n - 1, dtype=np.float64)
    heap: list[tuple[float, int, int, int]] = []
    push, pop = heapq.heappush, heapq.heappop
    current = 0
    for step in range(n - 1):
        in_tree[current] = 1
        # Entries sort by (weight, new point, when the source joined):
        # Prim's choice and scikit-learn's tie-breaks, in one tuple.
        for e in range(starts[current], starts[current + 1]):
            j = dst[e]
            if not in_tree[j]:
                push(heap, (wts[e], j, step, current))
        while True:
            w, j, _, s = pop(heap)
            if not in_tree[j]:
                break
        out_src[step], out_new[step], out_w[step] = s, j, w
        current = j
    mst = np.empty(n - 1, dtype=MST_EDGE_DTYPE)
    mst["current_node"] = out_src
    mst["next_node"] = out_new
    mst["distance"] = out_w
    return mst


# A side of a tie with more points than this is searched through a tree of
# the other sides rather than point by point through the global tree.
_BIG_SIDE = 256
# Up to this many components meeting at one weight, each pair of them is
# searched tree against tree (no cost inside a component); beyond, one tree.
_FEW_SIDES = 8


def tied_distance_edges(
    X: np.ndarray,
    nb: Neighbourhoods,
    alpha: float,
    a: np.ndarray,
    b: np.ndarray,
    weight: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges that tie exactly with a *distance-dominated* tree edge and could replace it.

    Prim may pick any edge of the lightest weight crossing its cut. Core
    edges are listed separately; what remains are edges whose weight is the
    distance itself (longer than both core distances) when two such
    distances are exactly equal (rounded or duplicated data). They join two
    components of the graph below that weight, so they are found by
    replaying the tree's merges from the lightest up and, at each weight
    that merges through a distance, looking across the components it joins.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    nb : Neighbourhoods
    alpha : float
    a, b, weight : ndarrays of shape (n_samples - 1,)
        A minimum spanning tree.

    Returns
    -------
    a, b : ndarray of shape (m,), intp
    weight : ndarray of shape (m,), float64
    """
    n = X.shape[0]
    core = nb.core
    by_distance = weight > np.maximum(core[a], core[b])
    out_a: list[np.ndarray] = []
    out_b: list[np.ndarray] = []
    order = np.argsort(weight, kind="stable")
    ws = weight[order]
    group_start = np.flatnonzero(np.r_[True, ws[1:] != ws[:-1]])
    group_stop = np.r_[group_start[1:], ws.shape[0]]
    group_w = ws[group_start]
    has_distance = np.add.reduceat(by_distance[order].astype(np.int64), group_start) > 0
    # Listed neighbours at a distance equal to some tree weight, longer
    # than both core distances: a tie even when the tree's edge of that
    # weight is a core edge (the same distance between other points).
    rows = np.broadcast_to(np.arange(n)[:, None], nb.index.shape)
    lw = nb.distance / alpha
    listed = (rows < nb.index) & (lw > np.maximum(core[:, None], core[nb.index]))
    la, lb, lw = rows[listed], nb.index[listed], lw[listed]
    slot = np.searchsorted(group_w, lw)
    slot_ok = slot < group_w.shape[0]
    hit = np.zeros(la.shape[0], dtype=bool)
    hit[slot_ok] = group_w[slot[slot_ok]] == lw[slot_ok]
    la, lb, slot = la[hit], lb[hit], slot[hit]
    by_slot = np.argsort(slot, kind="stable")
    la, lb, slot = la[by_slot], lb[by_slot], slot[by_slot]
    slot_start = np.searchsorted(slot, np.arange(group_w.shape[0] + 1))
    # Kruskal's replay with a union-find: roots name the components below
    # the current weight; ``members`` lists each root's points.
    parent = list(range(n))
    members: dict[int, list[int]] = {}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    a_sorted, b_sorted = a[order].tolist(), b[order].tolist()
    for g in range(group_start.shape[0]):
        lo, hi = int(group_start[g]), int(group_stop[g])
        w = float(ws[lo])
        s0, s1 = int(slot_start[g]), int(slot_start[g + 1])
        if s1 > s0:
            across = np.fromiter(
                (find(x) != find(y) for x, y in zip(la[s0:s1].tolist(), lb[s0:s1].tolist())),
                dtype=bool,
                count=s1 - s0,
            )
            out_a.append(la[s0:s1][across])
            out_b.append(lb[s0:s1][across])
        if has_distance[g]:
            sides = sorted(
                {find(x) for x in a_sorted[lo:hi]} | {find(x) for x in b_sorted[lo:hi]},
                key=lambda c: len(members.get(c, (c,))),
            )
            pa, pb = _ties_from(X, nb, alpha, find, members, sides, w)
            out_a.append(pa)
            out_b.append(pb)
        for x, y in zip(a_sorted[lo:hi], b_sorted[lo:hi]):
            rx, ry = find(x), find(y)
            mx, my = members.setdefault(rx, [rx]), members.setdefault(ry, [ry])
            if len(mx) < len(my):
                rx, ry, mx, my = ry, rx, my, mx
            parent[ry] = rx
            mx.extend(my)
            del members[ry]
    if not out_a:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0)
    ta, tb = np.concatenate(out_a), np.concatenate(out_b)
    return ta, tb, mutual_reachability(X, core, alpha, ta, tb)


def _across_sides(X: np.ndarray, sides: list[np.ndarray], radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs within ``radius`` of each other that lie in two different ``sides`` (point index arrays).

    Each side is searched against a tree of every later side only, so a
    point's own component, however dense within the radius, costs nothing:
    between components no pair is closer than the tie's distance, so each
    ball holds the tied partners alone. Every pair of sides is visited once.
    """
    got_a: list[np.ndarray] = []
    got_b: list[np.ndarray] = []
    trees: dict[int, cKDTree] = {}
    for i, mine in enumerate(sides[:-1]):
        if mine.size == 0:
            continue
        for j in range(i + 1, len(sides)):
            theirs = sides[j]
            if theirs.size == 0:
                continue
            tree = trees.get(j)
            if tree is None:
                tree = trees[j] = cKDTree(X[theirs])
            balls = tree.query_ball_point(X[mine], r=radius)
            lengths = np.fromiter((len(x) for x in balls), dtype=np.intp, count=mine.size)
            got_a.append(np.repeat(mine, lengths))
            got_b.append(theirs[np.fromiter((q for x in balls for q in x), dtype=np.intp, count=int(lengths.sum()))])
    if not got_a:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    return np.concatenate(got_a), np.concatenate(got_b)


def _ties_from(
    X: np.ndarray,
    nb: Neighbourhoods,
    alpha: float,
    find: Callable[[int], int],
    members: dict[int, list[int]],
    sides: list[int],
    w: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs across the components ``sides`` (smallest first) at distance exactly ``alpha * w``, cores below ``w``.

    Every such pair has an end outside the largest component, so only the
    others' points are searched: through the global tree when they are few,
    else through one tree over all the components' points.
    """
    core = nb.core
    empty = np.zeros(0, dtype=np.intp)

    def points(cs: list[int]) -> np.ndarray:
        pts = np.concatenate([np.asarray(members.get(c, [c]), dtype=np.intp) for c in cs])
        return pts[core[pts] < w]

    pts = points(sides[:-1])
    if pts.size == 0:
        return empty, empty
    radius = alpha * w * _SLACK
    if pts.size <= _BIG_SIDE:
        balls = nb.tree.query_ball_point(X[pts], r=radius)
        lengths = np.fromiter((len(x) for x in balls), dtype=np.intp, count=pts.size)
        ra = np.repeat(pts, lengths)
        rb = np.fromiter((j for x in balls for j in x), dtype=np.intp, count=int(lengths.sum()))
        keep = core[rb] < w
        ra, rb = ra[keep], rb[keep]
    elif len(sides) <= _FEW_SIDES:
        ra, rb = _across_sides(X, [points([c]) for c in sides], radius)
    else:
        every = np.concatenate([pts, points(sides[-1:])])
        tree = cKDTree(X[every])
        got_a, got_b = [], []
        k = min(8, every.size)
        query = pts
        # Neighbours of the same component can fill the k slots: a point
        # whose k-th is still inside the radius asks for twice as many.
        while query.size:
            _, idx = tree.query(X[query], k=k, distance_upper_bound=radius)
            idx = idx.reshape(query.size, k)
            found = idx < every.size
            got_a.append(np.broadcast_to(query[:, None], idx.shape)[found])
            got_b.append(every[idx[found]])
            if k >= every.size:
                break
            query = query[found[:, -1]]
            k = min(2 * k, every.size)
        ra, rb = np.concatenate(got_a), np.concatenate(got_b)
    keep = pair_distances(X, ra, rb) / alpha == w
    ra, rb = ra[keep], rb[keep]
    other = np.fromiter((find(i) != find(j) for i, j in zip(ra.tolist(), rb.tolist())), dtype=bool, count=ra.size)
    return ra[other], rb[other]
