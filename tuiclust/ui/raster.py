"""Reduce points to what a terminal pane can show: pure numpy, no terminal needed.

A pane of W x H character cells can show at most one mark per cell, so
before anything is drawn the points are binned onto that grid: the cost of
drawing then depends on the size of the pane, not on the number of points.

Cells are numbered ``row * width + col`` with row 0 at the *bottom* (y grows
upward, as on the axes) and col 0 at the left. The mapping from data to
cells is plotext's: ``col = floor(0.5 + (width - 1) * (x - x_min) / (x_max - x_min))``,
so the axis limits fall on the centres of the first and last cells and the
tick marks that plotext draws line up with the marks drawn here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "BRAILLE_BASE",
    "DENSE_BINS_LIMIT",
    "CellCounter",
    "Viewport",
    "bin_points",
    "braille_dots",
    "cell_centres",
    "cell_index",
    "dominant_group",
    "occupied_cells",
    "winners_from_counts",
]

# Above this many (cell, group) bins, counting in a dense array would cost more
# than sorting the keys.
DENSE_BINS_LIMIT = 4_000_000

BRAILLE_BASE = 0x2800
# Bit of each dot of a braille cell, indexed [row from top, column].
_BRAILLE_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.uint8)


@dataclass(frozen=True)
class Viewport:
    """Axis limits: the data rectangle that the plot area shows."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float

    @classmethod
    def around(cls, points: np.ndarray, margin: float = 0.05) -> Viewport:
        """Limits that hold every point, widened by ``margin`` of the range on each side.

        Parameters
        ----------
        points : ndarray of shape (n, 2)
            Non-finite rows are ignored; with no finite point the viewport is [-1, 1]^2.
        margin : float
            Fraction of the range added on each side.
        """
        if points.shape[0] == 0:
            return cls(-1.0, 1.0, -1.0, 1.0)
        # Column by column: a reduction along a contiguous column is many times
        # faster than min(axis=0) over (n, 2) rows. NaN and inf show up in the
        # extremes, so the finite-rows mask is only built when there are any.
        lo = np.array([points[:, j].min() for j in range(2)], dtype=np.float64)
        hi = np.array([points[:, j].max() for j in range(2)], dtype=np.float64)
        if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
            finite = points[np.isfinite(points).all(axis=1)]
            if finite.shape[0] == 0:
                return cls(-1.0, 1.0, -1.0, 1.0)
            lo = finite.min(axis=0).astype(np.float64)
            hi = finite.max(axis=0).astype(np.float64)
        span = hi - lo
        # A flat axis (one column constant) still gets a visible range.
        pad = np.where(span > 0, span * margin, np.maximum(np.abs(lo) * 0.1, 1.0))
        return cls(float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1]))


def _to_cells_1d(values: np.ndarray, lo: float, hi: float, bins: int) -> np.ndarray:
    """Cell index along one axis as float (floor not yet taken); NaN stays NaN."""
    if bins <= 1 or hi == lo:
        return np.where(np.isfinite(values), 0.0, np.nan)
    scale = (bins - 1) / (hi - lo)
    out = np.subtract(values, lo, dtype=np.float64)
    out *= scale
    out += 0.5
    return np.floor(out, out=out)


def cell_index(
    points: np.ndarray,
    viewport: Viewport,
    width: int,
    height: int,
    *,
    outside: int = -1,
) -> np.ndarray:
    """The grid cell of every point.

    Parameters
    ----------
    points : ndarray of shape (n, 2)
    viewport : Viewport
    width, height : int
        Grid size in cells (at least 1 each).
    outside : int
        Value for points outside the viewport (or not finite). Passing
        ``width * height`` gives a spare "bin" that counting code can ignore
        without filtering the points first.

    Returns
    -------
    ndarray of shape (n,), int32
        ``row * width + col``, row 0 at the bottom.
    """
    if width < 1 or height < 1:
        raise ValueError(f"grid size must be at least 1x1, got {width}x{height}")
    col = _to_cells_1d(points[:, 0], viewport.x_min, viewport.x_max, width)
    row = _to_cells_1d(points[:, 1], viewport.y_min, viewport.y_max, height)
    # NaN compares False, so non-finite points fall outside too.
    inside = (col >= 0) & (col < width) & (row >= 0) & (row < height)
    row *= width
    row += col
    cells = np.full(points.shape[0], outside, dtype=np.int32)
    np.copyto(cells, row, casting="unsafe", where=inside)
    return cells


def cell_centres(cells: np.ndarray, viewport: Viewport, width: int, height: int) -> np.ndarray:
    """Data coordinates of the centres of cells.

    Parameters
    ----------
    cells : ndarray of shape (m,), int
        Cell ids as returned by :func:`cell_index` (all inside the grid).

    Returns
    -------
    ndarray of shape (m, 2), float64
    """
    cells = np.asarray(cells, dtype=np.int64)
    col = cells % width
    row = cells // width
    x_step = (viewport.x_max - viewport.x_min) / (width - 1) if width > 1 else 0.0
    y_step = (viewport.y_max - viewport.y_min) / (height - 1) if height > 1 else 0.0
    x = viewport.x_min + col * x_step if width > 1 else np.full(cells.shape, (viewport.x_min + viewport.x_max) / 2)
    y = viewport.y_min + row * y_step if height > 1 else np.full(cells.shape, (viewport.y_min + viewport.y_max) / 2)
    return np.column_stack([x, y]).astype(np.float64, copy=False)


def _keys(cells: np.ndarray, groups: np.ndarray, n_groups: int, n_bins: int) -> np.ndarray:
    """Combined (cell, group) key ``cell * n_groups + group`` in the narrowest safe dtype."""
    dtype = np.int32 if n_bins * n_groups < np.iinfo(np.int32).max else np.int64
    key = np.multiply(cells, n_groups, dtype=dtype)
    np.add(key, groups, out=key, casting="unsafe")
    return key


def _group_counts(cells: np.ndarray, groups: np.ndarray, n_groups: int, n_cells: int) -> np.ndarray:
    """Dense counts of shape (n_cells, n_groups); cells outside [0, n_cells) are ignored."""
    # Outside points (-1 or n_cells) go to a spare bin at the end, which is dropped.
    # Unsigned cell ids (the pane's cache) cannot be negative: no pass over them needed.
    if cells.dtype.kind == "i" and cells.size and cells.min() < 0:
        cells = np.where(cells < 0, n_cells, cells)
    key = _keys(cells, groups, n_groups, n_cells + 1)
    counts = np.bincount(key, minlength=(n_cells + 1) * n_groups)
    return counts[: (n_cells + 1) * n_groups].reshape(n_cells + 1, n_groups)[:n_cells]


def occupied_cells(cells: np.ndarray, groups: np.ndarray, n_groups: int, n_cells: int) -> list[np.ndarray]:
    """For each group, the distinct cells that hold at least one of its points.

    Parameters
    ----------
    cells : ndarray of shape (n,), int
        Cell of every point; values outside ``[0, n_cells)`` mean "not shown".
    groups : ndarray of shape (n,), int
        Group of every point, in ``[0, n_groups)``.
    n_groups, n_cells : int

    Returns
    -------
    list of n_groups ndarrays of shape (m_g,), int64, sorted
        ``m_g <= n_cells``; an empty array for a group with no visible point.
    """
    cells = np.asarray(cells)
    groups = np.asarray(groups)
    if cells.shape != groups.shape:
        raise ValueError(f"cells and groups differ in shape: {cells.shape} vs {groups.shape}")
    if n_cells * n_groups <= DENSE_BINS_LIMIT:
        counts = _group_counts(cells, groups, n_groups, n_cells)
        return [np.flatnonzero(counts[:, g]) for g in range(n_groups)]
    inside = (cells >= 0) & (cells < n_cells)
    key = np.unique(cells[inside].astype(np.int64) * n_groups + groups[inside])
    key_groups = key % n_groups
    key_cells = key // n_groups
    return [key_cells[key_groups == g] for g in range(n_groups)]


def bin_points(
    points: np.ndarray,
    groups: np.ndarray,
    viewport: Viewport,
    width: int,
    height: int,
    n_groups: int | None = None,
) -> list[np.ndarray]:
    """At most one point per grid cell per group: the occupied cell centres.

    Parameters
    ----------
    points : ndarray of shape (n, 2)
    groups : ndarray of shape (n,), int
        Group of every point (for example cluster, or cluster and point kind), >= 0.
    viewport : Viewport
        Points outside it are dropped; points on its edges are kept.
    width, height : int
        Grid size in cells.
    n_groups : int, optional
        Number of groups; default ``groups.max() + 1``.

    Returns
    -------
    list of n_groups ndarrays of shape (m_g, 2)
        Centres of the cells each group occupies, ``m_g <= width * height``.
    """
    groups = np.asarray(groups)
    if n_groups is None:
        n_groups = int(groups.max()) + 1 if groups.size else 0
    cells = cell_index(points, viewport, width, height)
    return [cell_centres(c, viewport, width, height) for c in occupied_cells(cells, groups, n_groups, width * height)]


def dominant_group(
    cells: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    n_cells: int,
    rank: np.ndarray | None = None,
) -> np.ndarray:
    """The one group each cell shows.

    The group of highest ``rank`` present in the cell wins; between groups of
    equal rank, the one with the most points in the cell, then the lowest
    group number (so the result is deterministic). This keeps rare but
    important points (DBSCAN core points among unvisited ones) visible, and
    shows the majority where clusters of the same standing overlap.

    Parameters
    ----------
    cells : ndarray of shape (n,), int
        Cell of every point; values outside ``[0, n_cells)`` are ignored.
    groups : ndarray of shape (n,), int in [0, n_groups)
    n_groups, n_cells : int
    rank : ndarray of shape (n_groups,), int, optional
        Standing of each group (default: all equal).

    Returns
    -------
    ndarray of shape (n_cells,), int32
        The winning group of each cell, -1 for an empty cell.
    """
    cells = np.asarray(cells)
    groups = np.asarray(groups)
    rank = np.zeros(n_groups, dtype=np.int64) if rank is None else np.asarray(rank, dtype=np.int64)
    weight = cells.shape[0] + 1  # any rank step outweighs any count
    winner = np.full(n_cells, -1, dtype=np.int32)
    if n_groups == 0 or cells.size == 0:
        return winner
    if n_cells * n_groups <= DENSE_BINS_LIMIT:
        return winners_from_counts(_group_counts(cells, groups, n_groups, n_cells), rank)
    inside = (cells >= 0) & (cells < n_cells)
    key, counts = np.unique(cells[inside].astype(np.int64) * n_groups + groups[inside], return_counts=True)
    key_cells = key // n_groups
    key_groups = key % n_groups
    score = rank[key_groups] * weight + counts
    # Sorted by cell, then score, then group descending: the last row of a cell
    # is its winner, and ties go to the lowest group as in the dense path.
    order = np.lexsort((-key_groups, score, key_cells))
    key_cells, key_groups = key_cells[order], key_groups[order]
    last = np.ones(key_cells.shape[0], dtype=bool)
    last[:-1] = key_cells[1:] != key_cells[:-1]
    winner[key_cells[last]] = key_groups[last]
    return winner


def winners_from_counts(counts: np.ndarray, rank: np.ndarray | None = None) -> np.ndarray:
    """The one group each cell shows, from counts per (cell, group); see :func:`dominant_group`.

    Parameters
    ----------
    counts : ndarray of shape (n_cells, n_groups), int
    rank : ndarray of shape (n_groups,), int, optional

    Returns
    -------
    ndarray of shape (n_cells,), int32; -1 for an empty cell.
    """
    n_cells, n_groups = counts.shape
    winner = np.full(n_cells, -1, dtype=np.int32)
    if n_groups == 0 or n_cells == 0:
        return winner
    rank = np.zeros(n_groups, dtype=np.int64) if rank is None else np.asarray(rank, dtype=np.int64)
    weight = int(counts.max()) + 1  # any rank step outweighs any count
    score = np.where(counts > 0, rank[None, :] * weight + counts, -1)
    best = score.argmax(axis=1)  # ties: the first, i.e. the lowest group
    filled = score[np.arange(n_cells), best] >= 0
    winner[filled] = best[filled]
    return winner


class CellCounter:
    """Points per (cell, group) on one grid, kept up to date from frame to frame.

    From one step to the next only a few points change group (K-Means moves
    a handful of points, an Update moves none), so instead of counting all n
    points again the counter finds the points whose group changed (one cheap
    comparison of small integers) and moves just those. The counts are exact
    whatever came before, so a frame still depends only on its own step.

    Parameters
    ----------
    cells : ndarray of shape (n,), unsigned int
        Cell of every point, ``n_cells`` for a point outside the grid (see
        :func:`cell_index` with ``outside=n_cells``).
    n_cells : int

    Notes
    -----
    Not thread-safe: guard a shared counter with a lock.
    """

    # Above this share of changed points, counting everything again is cheaper
    # (measured: finding and moving a changed point costs about 1/20 of
    # counting every point once).
    REBUILD_SHARE = 0.05

    def __init__(self, cells: np.ndarray, n_cells: int) -> None:
        self.cells = cells
        self.n_cells = n_cells
        self._capacity = 0  # groups the flat count array has room for
        self._cells_times_capacity: np.ndarray | None = None
        self._counts: np.ndarray | None = None
        self._codes: np.ndarray | None = None
        self._keys = np.empty(cells.shape[0], dtype=np.int64)  # reused: no new pages per recount
        self.rebuilds = 0  # full recounts so far (for tests and benchmarks)

    @staticmethod
    def capacity_for(n_groups: int) -> int:
        """Groups a counter makes room for when it needs ``n_groups``: the next power of two, at least 32.

        32 covers the groups of K-Means up to k = 31 and of GMM and DBSCAN up to
        about 14 clusters, so a run rarely has to grow it.
        """
        return max(32, 1 << max(n_groups - 1, 0).bit_length())

    def counts(self, codes: np.ndarray, n_groups: int) -> np.ndarray:
        """Counts for these group codes.

        Parameters
        ----------
        codes : ndarray of shape (n,), int in [0, n_groups)
            Group of every point. Kept by reference until the next call:
            pass an array nobody will modify (a fresh one, or a read-only one).
        n_groups : int

        Returns
        -------
        ndarray of shape (n_cells, n_groups), int64
            A view that the next call overwrites.
        """
        if n_groups > self._capacity:
            # Room for future groups too (DBSCAN finds clusters as it goes), so
            # group numbers keep their place and counts stay reusable.
            self._capacity = self.capacity_for(n_groups)
            self._cells_times_capacity = self.cells.astype(np.int64) * self._capacity
            self._counts = None
        previous = self._codes
        if previous is None or self._counts is None or previous.dtype != codes.dtype:
            self._recount(codes)
        elif previous is not codes:
            differs = codes != previous
            n_changed = int(np.count_nonzero(differs))  # much cheaper than finding where
            if n_changed > self.REBUILD_SHARE * codes.shape[0]:
                self._recount(codes)
            elif n_changed:
                changed = np.flatnonzero(differs)
                base = self._cells_times_capacity[changed]
                np.subtract.at(self._counts, base + previous[changed], 1)
                np.add.at(self._counts, base + codes[changed], 1)
        self._codes = codes
        table = self._counts.reshape(self.n_cells + 1, self._capacity)
        return table[: self.n_cells, :n_groups]

    def _recount(self, codes: np.ndarray) -> None:
        self.rebuilds += 1
        np.add(self._cells_times_capacity, codes, out=self._keys)
        size = (self.n_cells + 1) * self._capacity
        if self._counts is None or self._counts.shape[0] != size:
            self._counts = np.zeros(size, dtype=np.int64)
        else:
            self._counts.fill(0)
        # Scatter-add into the kept array rather than np.bincount: no fresh
        # megabyte of pages per recount and no extra min/max pass over the
        # keys (about 20% less at 1e6 points). int64 counts, int64 keys and a
        # scalar keep numpy's fast path of ufunc.at.
        np.add.at(self._counts, self._keys, 1)


def braille_dots(
    polyline: np.ndarray,
    viewport: Viewport,
    width: int,
    height: int,
    *,
    dash: float = 0.0,
    thick: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Rasterise a polyline onto braille dots (2 x 4 per cell), for thin outlines.

    Parameters
    ----------
    polyline : ndarray of shape (m, 2)
        Vertices in data coordinates, joined in order (repeat the first at the
        end to close a shape).
    viewport : Viewport
    width, height : int
        Grid size in cells.
    dash : float
        Dash length in dots: draw ``dash`` dots, skip ``dash`` dots, and so on.
        0 draws a solid line.
    thick : bool
        Draw with a 2 x 2 dot brush, for lines that must stand out over points.

    Returns
    -------
    cells : ndarray of shape (q,), int64, sorted
        Cells the line touches (inside the grid only).
    bits : ndarray of shape (q,), uint8
        The braille dot pattern of each cell; the character is ``chr(BRAILLE_BASE + bits)``.
    """
    polyline = np.asarray(polyline, dtype=np.float64)
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint8))
    if polyline.ndim != 2 or polyline.shape[0] == 0:
        return empty
    sub_w, sub_h = 2 * width, 4 * height
    span_x = viewport.x_max - viewport.x_min
    span_y = viewport.y_max - viewport.y_min
    u = (polyline[:, 0] - viewport.x_min) * ((sub_w - 1) / span_x if span_x else 0.0) + 0.5
    v = (polyline[:, 1] - viewport.y_min) * ((sub_h - 1) / span_y if span_y else 0.0) + 0.5
    if polyline.shape[0] == 1:
        su, sv, along = u, v, np.zeros(1)
    else:
        du, dv = np.diff(u), np.diff(v)
        seg_len = np.hypot(du, dv)
        finite = np.isfinite(seg_len) & np.isfinite(u[:-1]) & np.isfinite(v[:-1])
        seg_len = np.where(finite, seg_len, 0.0)
        start_along = np.concatenate([[0.0], np.cumsum(seg_len)])[:-1]
        # Only the part of a segment inside the grid is sampled, so a huge
        # shape (a wide Gaussian early in EM) costs no more than a small one.
        t_in, t_out = _clip_segments(u[:-1], v[:-1], du, dv, sub_w, sub_h)
        t_out = np.where(finite, t_out, t_in - 1.0)
        visible = np.clip(t_out - t_in, 0.0, None) * seg_len
        # At most half a dot apart, so no dot is skipped.
        per_seg = np.where(t_out >= t_in, np.ceil(visible / 0.5).astype(np.int64) + 1, 0)
        seg = np.repeat(np.arange(seg_len.shape[0]), per_seg)
        starts = np.cumsum(per_seg) - per_seg
        s = (np.arange(seg.shape[0]) - starts[seg]) / np.maximum(per_seg[seg] - 1, 1)
        t = t_in[seg] + (t_out[seg] - t_in[seg]) * s
        su = u[seg] + du[seg] * t
        sv = v[seg] + dv[seg] * t
        along = start_along[seg] + seg_len[seg] * t
    keep = np.isfinite(su) & np.isfinite(sv)
    if dash > 0:
        keep &= (np.floor(along / dash) % 2) == 0
    iu = np.floor(su[keep]).astype(np.int64)
    iv = np.floor(sv[keep]).astype(np.int64)
    if thick:
        iu = np.concatenate([iu, iu + 1, iu, iu + 1])
        iv = np.concatenate([iv, iv, iv + 1, iv + 1])
    inside = (iu >= 0) & (iu < sub_w) & (iv >= 0) & (iv < sub_h)
    iu, iv = iu[inside], iv[inside]
    if iu.size == 0:
        return empty
    cells = (iv // 4) * width + iu // 2
    bit_row = 3 - (iv % 4)  # dots are numbered from the top of the cell
    bits = _BRAILLE_BITS[bit_row, iu % 2]
    key = np.unique(cells * 8 + np.log2(bits).astype(np.int64))
    ucells, first = np.unique(key // 8, return_index=True)
    # Distinct dots of one cell: summing their bits is the same as OR-ing them.
    dot_bits = (1 << (key % 8)).astype(np.int64)
    pattern = np.add.reduceat(dot_bits, first).astype(np.uint8)
    return ucells, pattern


def _clip_segments(
    u: np.ndarray, v: np.ndarray, du: np.ndarray, dv: np.ndarray, sub_w: int, sub_h: int
) -> tuple[np.ndarray, np.ndarray]:
    """Liang-Barsky: the range [t_in, t_out] of ``(u, v) + t (du, dv)``, t in [0, 1], inside the dot grid.

    The box is one dot larger on every side than the grid. A segment that
    misses the box gets ``t_in > t_out``.

    Parameters
    ----------
    u, v, du, dv : ndarray of shape (m,)
        Segment starts and directions, in dot units.
    sub_w, sub_h : int
        Grid size in dots.

    Returns
    -------
    t_in, t_out : ndarray of shape (m,)
    """
    lo_u, hi_u, lo_v, hi_v = -1.0, sub_w + 1.0, -1.0, sub_h + 1.0
    t_in = np.zeros(u.shape[0])
    t_out = np.ones(u.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-du, u - lo_u), (du, hi_u - u), (-dv, v - lo_v), (dv, hi_v - v)):
            ratio = q / p
            entering = p < 0
            leaving = p > 0
            t_in = np.where(entering, np.maximum(t_in, ratio), t_in)
            t_out = np.where(leaving, np.minimum(t_out, ratio), t_out)
            # Parallel to this edge and outside it: nothing is visible.
            t_out = np.where((p == 0) & (q < 0), -1.0, t_out)
    return t_in, t_out
