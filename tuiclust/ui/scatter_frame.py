"""Build one frame of the scatter pane: a pure function of (data, step, size, colour mode).

A frame is a list of Textual ``Strip`` objects, one per row, ready to show.
Building one touches no widget and no app, so it can run in any thread; the
pane (:mod:`tuiclust.ui.scatter`) decides where and when.

How a frame is made
-------------------
1. *Chrome* (axes, ticks, tick labels, x label) comes from plotext, through
   textual-plotext's ``Plot`` (a plotext figure with no global state, so one
   per thread is safe). It depends only on the axis limits, the labels and
   the size, so it is built once per size and shared.
2. *Points* are binned onto the plot area's cells with numpy
   (:mod:`tuiclust.ui.raster`): each cell shows one mark, that of the group
   (cluster and kind) that matters most there. The cost is bounded by the
   pane, not by the number of points.
3. *Shapes* (K-Means trails, GMM ellipses) are drawn in braille dots over the
   points, and centres on top of everything.
4. The character grid is cut into runs of one style per row: the strips.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual_plotext.plot import Plot

from ..core.steps import PointKind, Step
from ..data import Dataset
from .palette import (
    CENTRE_CAPS,
    CENTRE_MARKER,
    MEAN_MARKER,
    NOISE_MARKER,
    UNASSIGNED_MARKER,
    ColourMode,
    Palette,
    cluster_marker,
    palette_for,
)
from .raster import (
    BRAILLE_BASE,
    DENSE_BINS_LIMIT,
    CellCounter,
    Viewport,
    braille_dots,
    cell_index,
    dominant_group,
    winners_from_counts,
)
from .shapes import ellipse_outline, full_covariances, trail_segments

__all__ = ["PlotData", "Frame", "build_frame", "UNCERTAIN_BELOW", "MIN_CHROME_SIZE"]

UNCERTAIN_BELOW = 0.6  # GMM: a top responsibility below this is drawn as uncertain
MIN_CHROME_SIZE = (24, 8)  # below this, the plot area fills the pane: no axes, no legend
_MARGIN = 0.05  # fraction of the data range left free around the points
_DASH = 3.0  # 2-sigma ellipses: dashes of this many braille dots
_BRAILLE_CHARS = np.array([chr(BRAILLE_BASE + i) for i in range(256)])


# --------------------------------------------------------------------------- data


@dataclass(eq=False)
class PlotData:
    """What the pane keeps of a data set: its 2-D points, computed once.

    Attributes
    ----------
    points : ndarray of shape (n, 2), float64
        The projected data (``dataset.projection.points(dataset.X)``).
    viewport : Viewport
        Steady axis limits for the whole run.
    axis_labels : tuple of 2 str
    dataset : Dataset
        For projecting centres and covariances.
    """

    points: np.ndarray
    viewport: Viewport
    axis_labels: tuple[str, str]
    dataset: Dataset
    _grids: OrderedDict[tuple[int, int], _Grid] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> PlotData:
        """Project the data once and fix the axes around it."""
        points = np.ascontiguousarray(dataset.projection.points(dataset.X), dtype=np.float64)
        labels = tuple(_one_cell_wide(label) for label in dataset.projection.axis_labels)
        return cls(points, Viewport.around(points, _MARGIN), (labels[0], labels[1]), dataset)

    @property
    def n_samples(self) -> int:
        return int(self.points.shape[0])

    def cells(self, width: int, height: int) -> np.ndarray:
        """Cell of every point on a plot area of ``width`` x ``height`` cells, cached per size.

        Returns
        -------
        ndarray of shape (n,), uint32, read-only
            ``row * width + col`` (row 0 at the bottom); ``width * height`` for
            a point outside the axes. Unsigned, so counting needs no filtering.
        """
        return self._grid(width, height).cells

    def winners(self, width: int, height: int, codes: np.ndarray, n_groups: int, rank: np.ndarray) -> np.ndarray:
        """The group each cell of the plot area shows (see :func:`~tuiclust.ui.raster.dominant_group`).

        Parameters
        ----------
        codes : ndarray of shape (n,), int in [0, n_groups)
            Group of every point; kept until the next call, so pass a fresh array.
        rank : ndarray of shape (n_groups,)

        Returns
        -------
        ndarray of shape (width * height,), int32
            Row 0 at the bottom; -1 for an empty cell.
        """
        grid = self._grid(width, height)
        n_cells = width * height
        if n_cells * CellCounter.capacity_for(n_groups) > DENSE_BINS_LIMIT:
            return dominant_group(grid.cells, codes, n_groups, n_cells, rank)
        with grid.lock:
            return winners_from_counts(grid.counter.counts(codes, n_groups), rank)

    def _grid(self, width: int, height: int) -> _Grid:
        key = (width, height)
        with self._lock:
            grid = self._grids.get(key)
            if grid is not None:
                self._grids.move_to_end(key)
                return grid
        n_cells = width * height
        cells = cell_index(self.points, self.viewport, width, height, outside=n_cells).astype(np.uint32)
        cells.flags.writeable = False
        grid = _Grid(cells, CellCounter(cells, n_cells), threading.Lock())
        with self._lock:
            # A pane shows one size at a time; keep a few for resizing back and forth.
            grid = self._grids.setdefault(key, grid)
            while len(self._grids) > 3:
                self._grids.popitem(last=False)
        return grid


@dataclass(frozen=True)
class _Grid:
    """Per-size state of a data set: the cell of each point and the running counts."""

    cells: np.ndarray
    counter: CellCounter
    lock: threading.Lock


def _one_cell_wide(text: str) -> str:
    """Replace characters that are not one cell wide, so the grid stays aligned."""
    if cell_len(text) == len(text):
        return text
    return "".join(ch if cell_len(ch) == 1 else "?" for ch in text)


# --------------------------------------------------------------------------- frame


@dataclass(frozen=True, eq=False)
class Frame:
    """One drawn frame.

    Attributes
    ----------
    strips : list of Strip
        One per row, each exactly ``width`` cells.
    width, height : int
    step : Step or None
        The step it shows (kept so the pane can tell frames apart by identity).
    legend : tuple of str
        The legend entries shown (for tests and for the app's help).
    plot_area : tuple of 4 int
        (left, top, width, height) of the area where points are drawn.
    """

    strips: list[Strip]
    width: int
    height: int
    step: Step | None
    legend: tuple[str, ...]
    plot_area: tuple[int, int, int, int]

    @property
    def text(self) -> str:
        """The frame as plain text, rows joined by newlines."""
        return "\n".join(strip.text for strip in self.strips)


class _Canvas:
    """A character grid with one style index per cell."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.chars = np.full((height, width), " ", dtype="<U1")
        self.style_ids = np.zeros((height, width), dtype=np.int32)
        self.styles: list[Style] = [Style()]  # 0: plain (blank and chrome)
        self._style_index: dict[Style, int] = {Style(): 0}

    def style_id(self, style: Style) -> int:
        index = self._style_index.get(style)
        if index is None:
            index = self._style_index[style] = len(self.styles)
            self.styles.append(style)
        return index

    def write(self, row: int, col: int, text: str, style: Style) -> int:
        """Write ``text`` from (row, col), clipped to the grid; returns the column after it."""
        if not 0 <= row < self.height:
            return col
        sid = self.style_id(style)
        for ch in text:
            if 0 <= col < self.width:
                self.chars[row, col] = ch
                self.style_ids[row, col] = sid
            col += 1
        return col

    def to_strips(self) -> list[Strip]:
        """Cut every row into runs of one style."""
        width = self.width
        rows = np.ascontiguousarray(self.chars).view(f"<U{width}").reshape(self.height)
        change = self.style_ids[:, 1:] != self.style_ids[:, :-1]
        styles = self.styles
        strips = []
        for r in range(self.height):
            text = str(rows[r]).ljust(width)  # numpy drops trailing NULs only; ljust is a guard
            cuts = np.flatnonzero(change[r]) + 1
            ids = self.style_ids[r]
            starts = [0, *cuts.tolist()]
            ends = [*cuts.tolist(), width]
            segments = [Segment(text[a:b], styles[ids[a]]) for a, b in zip(starts, ends)]
            strips.append(Strip(segments, width))
        return strips


# --------------------------------------------------------------------------- chrome


@dataclass(frozen=True)
class _Chrome:
    chars: np.ndarray  # (height, width) '<U1', read-only
    plot_area: tuple[int, int, int, int]  # left, top, width, height


_CHROME_CACHE: OrderedDict[tuple, _Chrome] = OrderedDict()
_CHROME_LOCK = threading.Lock()


def _nice_step(span: float, target: int) -> float:
    """A 1-2-5 step that cuts ``span`` into about ``target`` parts."""
    raw = span / max(target, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover


def _smaller_step(step: float) -> float:
    """The next smaller step of the 1-2-5 series (10 -> 5 -> 2 -> 1)."""
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    return step * (0.4 if mantissa > 3 else 0.5)


def nice_ticks(lo: float, hi: float, target: int) -> tuple[list[float], list[str]]:
    """Round tick values inside [lo, hi] and their labels.

    Parameters
    ----------
    lo, hi : float
        Axis limits, lo < hi.
    target : int
        About how many ticks are wanted (at least 2 are given when possible).
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [], []
    step = _nice_step(hi - lo, target)
    while True:
        first = math.ceil(lo / step - 1e-9)
        last = math.floor(hi / step + 1e-9)
        if last > first or step < (hi - lo) * 1e-6:
            break
        step = _smaller_step(step)  # two ticks at least
    values = [i * step for i in range(first, last + 1)]
    biggest = max(abs(v) for v in values)
    labels = []
    if biggest >= 1e5:
        # Long integers would crowd the axis: 1e6, 2.5e6 ...
        exponent = math.floor(math.log10(biggest))
        for v in values:
            labels.append("0" if abs(v) < step / 2 else f"{round(v / 10**exponent, 6):g}e{exponent}")
        return values, labels
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    for v in values:
        label = f"{v:.{decimals}f}"
        labels.append(label[1:] if float(label) == 0 and label.startswith("-") else label)  # no "-0.0"
    return values, labels


def _chrome(viewport: Viewport, axis_labels: tuple[str, str], width: int, height: int) -> _Chrome:
    """Axes, ticks and labels for a pane of ``width`` x ``height`` cells (cached)."""
    key = (viewport, axis_labels, width, height)
    with _CHROME_LOCK:
        chrome = _CHROME_CACHE.get(key)
        if chrome is not None:
            _CHROME_CACHE.move_to_end(key)
            return chrome
    chrome = _build_chrome(viewport, axis_labels, width, height)
    with _CHROME_LOCK:
        _CHROME_CACHE[key] = chrome
        while len(_CHROME_CACHE) > 16:
            _CHROME_CACHE.popitem(last=False)
    return chrome


def _build_chrome(viewport: Viewport, axis_labels: tuple[str, str], width: int, height: int) -> _Chrome:
    chars = np.full((height, width), " ", dtype="<U1")
    if width < MIN_CHROME_SIZE[0] or height < MIN_CHROME_SIZE[1]:
        chars.flags.writeable = False
        return _Chrome(chars, (0, 0, width, height))
    # Row 0 is the pane's own (y label and legend); plotext draws the rest.
    plot_height = height - 1
    # About one y tick per 3 rows and one x tick per 9 columns of the plot area:
    # dense enough to read positions off, sparse enough for labels to fit.
    y_values, y_labels = nice_ticks(viewport.y_min, viewport.y_max, max(2, (plot_height - 5) // 3))
    label_width = max((len(s) for s in y_labels), default=1)
    x_values, x_labels = nice_ticks(viewport.x_min, viewport.x_max, max(2, (width - label_width - 3) // 9))
    plot = Plot()  # one plotext figure per build: figures are not thread-safe
    plot.plotsize(width, plot_height)
    plot._set_size(width, plot_height)  # plotsize alone is clipped to the real terminal's size
    plot.xlim(viewport.x_min, viewport.x_max)
    plot.ylim(viewport.y_min, viewport.y_max)
    plot.xticks(x_values, x_labels)
    plot.yticks(y_values, y_labels)
    if axis_labels[0]:
        plot.xlabel(axis_labels[0])
    # plotext draws axes only for a figure with data: one invisible point.
    plot.scatter([viewport.x_min], [viewport.y_min], marker=" ")
    plot.build()
    matrix = plot.monitor.matrix
    grid = np.array(matrix.marker, dtype="<U1")[::-1]  # plotext's row 0 is the bottom one
    rows = min(grid.shape[0], plot_height)
    cols = min(grid.shape[1], width)
    chars[1 : 1 + rows, :cols] = grid[:rows, :cols]
    chars[chars == ""] = " "
    left = matrix.Cols_canvas.start
    area_width = len(matrix.Cols_canvas)
    area_height = len(matrix.Rows_canvas)
    top = 1 + (grid.shape[0] - matrix.Rows_canvas.stop)
    if axis_labels[1]:
        _put(chars, 0, 0, axis_labels[1][:width])
    chars.flags.writeable = False
    return _Chrome(chars, (left, top, max(area_width, 0), max(area_height, 0)))


def _put(chars: np.ndarray, row: int, col: int, text: str) -> None:
    for i, ch in enumerate(text):
        if 0 <= col + i < chars.shape[1]:
            chars[row, col + i] = ch


# --------------------------------------------------------------------------- groups

# What a group of points is, for the legend.
UNASSIGNED, NOISE, CORE_PENDING, POINT, CORE, BORDER, UNCERTAIN = (
    "unassigned", "noise", "core_pending", "point", "core", "border", "uncertain"
)


@dataclass
class _Groups:
    """How points are grouped for binning, and how each group is drawn."""

    codes: np.ndarray  # (n,) group of every point
    glyphs: list[str]  # per group
    styles: list[Style]  # per group
    rank: np.ndarray  # per group: which group wins a shared cell
    category: list[str]  # per group, for the legend
    cluster: list[int]  # per group, -1 for none


def _n_clusters(step: Step) -> int:
    known = len(step.cluster_sizes)
    if step.centers is not None:
        known = max(known, int(step.centers.shape[0]))
    # Labels are the truth; the max of a small-int array is cheap.
    top = int(step.labels.max()) + 1 if step.labels.size else 0
    return max(known, top)


def _plain_groups(n: int, palette: Palette) -> _Groups:
    return _Groups(
        np.zeros(n, dtype=np.int8), [UNASSIGNED_MARKER], [palette.neutral], np.zeros(1, np.int64), [UNASSIGNED], [-1]
    )


def _cluster_groups(step: Step, k: int, palette: Palette) -> _Groups:
    """K-Means (and any step with labels only): group = label + 1, 0 = not yet assigned."""
    labels = step.labels
    if labels.dtype == np.int8 and k < 127:
        codes = labels + np.int8(1)
    else:
        codes = labels.astype(np.int32)
        codes += 1
    return _Groups(
        codes,
        [UNASSIGNED_MARKER] + [cluster_marker(c) for c in range(k)],
        [palette.neutral] + [palette.point(c) for c in range(k)],
        np.array([0] + [1] * k, dtype=np.int64),
        [UNASSIGNED] + [POINT] * k,
        [-1, *range(k)],
    )


def _dbscan_groups(step: Step, k: int, palette: Palette) -> _Groups:
    """DBSCAN: 0 unvisited, 1 noise, 2 core without a cluster yet, 3 + 2c core and 4 + 2c border of cluster c."""
    labels = step.labels
    kinds = step.point_kinds
    if kinds is None:
        kinds = np.zeros(labels.shape[0], dtype=np.int8)
    n_kinds = len(PointKind)
    # Look-up table indexed by (label + 1) * n_kinds + kind.
    lut = np.empty((k + 1) * n_kinds, dtype=np.int32)
    lut[PointKind.UNVISITED] = 0
    lut[PointKind.CORE] = 2
    lut[PointKind.BORDER] = 0  # a border point without a cluster is not settled yet
    lut[PointKind.NOISE] = 1
    for c in range(k):
        base = (c + 1) * n_kinds
        lut[base : base + n_kinds] = 4 + 2 * c  # labelled but not core: border
        lut[base + PointKind.CORE] = 3 + 2 * c
    index = labels.astype(np.int32)
    index += 1
    index *= n_kinds
    index += kinds
    codes = lut[index]

    active = step.active_cluster
    growing = active is not None and 0 <= active < k
    glyphs = [UNASSIGNED_MARKER, NOISE_MARKER, cluster_marker(0)]
    styles = [palette.neutral, palette.noise, palette.neutral]
    rank = [0, 1, 2]
    category = [UNASSIGNED, NOISE, CORE_PENDING]
    cluster = [-1, -1, -1]
    for c in range(k):
        if growing and c == active:
            style, bump = palette.highlighted_point(c), 2
        elif growing:
            style, bump = palette.faded_point(c), 0
        else:
            style, bump = palette.point(c), 0
        glyphs += [cluster_marker(c), cluster_marker(c, hollow=True)]
        styles += [style, style]
        rank += [4 + bump, 3 + bump]
        category += [CORE, BORDER]
        cluster += [c, c]
    return _Groups(codes, glyphs, styles, np.array(rank, dtype=np.int64), category, cluster)


def _gmm_groups(step: Step, k: int, palette: Palette) -> _Groups:
    """GMM: 0/1 not yet assigned, then 2 + 2c confident and 3 + 2c uncertain points of component c."""
    codes = step.labels.astype(np.int32)
    codes += 1
    codes *= 2
    if step.confidence is not None:
        codes += step.confidence < UNCERTAIN_BELOW
    glyphs = [UNASSIGNED_MARKER, UNASSIGNED_MARKER]
    styles = [palette.neutral, palette.neutral]
    rank = [0, 0]
    category = [UNASSIGNED, UNASSIGNED]
    cluster = [-1, -1]
    for c in range(k):
        glyphs += [cluster_marker(c), cluster_marker(c, hollow=True)]
        styles += [palette.point(c), palette.faded_point(c)]
        rank += [2, 1]
        category += [POINT, UNCERTAIN]
        cluster += [c, c]
    return _Groups(codes, glyphs, styles, np.array(rank, dtype=np.int64), category, cluster)


def _groups(step: Step | None, n: int, palette: Palette) -> _Groups:
    if step is None:
        return _plain_groups(n, palette)
    if step.labels.shape[0] != n:
        raise ValueError(f"step has {step.labels.shape[0]} labels but the data set has {n} points")
    k = _n_clusters(step)
    if step.algorithm == "dbscan":
        return _dbscan_groups(step, k, palette)
    if step.algorithm == "gmm":
        return _gmm_groups(step, k, palette)
    return _cluster_groups(step, k, palette)


# --------------------------------------------------------------------------- legend


@dataclass(frozen=True)
class _LegendItem:
    samples: tuple[tuple[str, Style], ...]  # glyphs, each with its style
    label: str
    short: str


def _samples(
    groups: _Groups, visible: np.ndarray, category: str, limit: int = 3, skip_cluster: int | None = None
) -> tuple[tuple[str, Style], ...]:
    """Glyphs of the first few visible groups of one category, each in its own style."""
    picked = [
        g
        for g in np.flatnonzero(visible).tolist()
        if groups.category[g] == category and (skip_cluster is None or groups.cluster[g] != skip_cluster)
    ]
    return tuple((groups.glyphs[g], groups.styles[g]) for g in picked[:limit])


def _centre_sample(marker: str, palette: Palette) -> tuple[tuple[str, Style], ...]:
    return ((CENTRE_CAPS[0], palette.centre_cap(0)), (marker, palette.centre(0)), (CENTRE_CAPS[1], palette.centre_cap(0)))


def _legend_items(step: Step | None, groups: _Groups, visible: np.ndarray, palette: Palette) -> list[_LegendItem]:
    """Legend entries for what the frame shows, most important first.

    Parameters
    ----------
    visible : ndarray of shape (n_groups,), bool
        Groups that have at least one mark on screen.
    """
    items: list[_LegendItem] = []

    def add(category: str, label: str, short: str, skip_cluster: int | None = None) -> None:
        samples = _samples(groups, visible, category, skip_cluster=skip_cluster)
        if samples:
            items.append(_LegendItem(samples, label, short))

    if step is None:
        add(UNASSIGNED, "data points", "data")
        return items
    if step.algorithm == "dbscan":
        active = step.active_cluster
        if active is not None and active in groups.cluster:
            sample = ((cluster_marker(active), palette.highlighted_point(active)),)
            items.append(_LegendItem(sample, f"growing cluster {active}", f"grow {active}"))
        else:
            active = None
        add(CORE, "core", "core", skip_cluster=active)  # the growing one has its own entry
        add(CORE_PENDING, "core, no cluster yet", "pending")
        add(BORDER, "border", "bord.")
        add(NOISE, "noise", "noise")
        add(UNASSIGNED, "not visited", "unvis.")
        return items
    if step.algorithm == "gmm":
        add(POINT, "most likely component", "comp.")
        add(UNCERTAIN, f"uncertain (p<{UNCERTAIN_BELOW:g})", f"p<{UNCERTAIN_BELOW:g}")
        if step.centers is not None:
            items.append(_LegendItem(_centre_sample(MEAN_MARKER, palette), "means", "mean"))
        if step.covariances is not None:
            line = palette.line(0)
            items.append(_LegendItem((("⠒⠒", line),), "1σ", "1σ"))
            items.append(_LegendItem((("⠒ ⠒", line),), "2σ", "2σ"))
        add(UNASSIGNED, "unassigned", "unas.")
        return items
    add(POINT, "points", "pts")
    if step.centers is not None:
        items.append(_LegendItem(_centre_sample(CENTRE_MARKER, palette), "centres", "ctr"))
    if step.previous_centers is not None:
        items.append(_LegendItem((("⠶⠶", palette.line(0)),), "moved", "moved"))
    add(UNASSIGNED, "unassigned", "unas.")
    return items


def _legend_width(chosen: list[tuple[tuple[tuple[str, Style], ...], str]]) -> int:
    marks = sum(sum(len(glyph) for glyph, _ in samples) + 1 + len(label) for samples, label in chosen)
    return marks + 2 * max(len(chosen) - 1, 0)


def _fit_legend(items: list[_LegendItem], room: int) -> list[tuple[tuple[tuple[str, Style], ...], str]]:
    """Long labels if all fit, else short ones, dropping the least important entries last."""
    long = [(item.samples, item.label) for item in items]
    if _legend_width(long) <= room:
        return long
    short = [(item.samples, item.short) for item in items]
    while short and _legend_width(short) > room:
        # First give up the extra sample glyphs, then whole entries from the end.
        trimmed = [(samples[:1], label) for samples, label in short]
        short = trimmed if trimmed != short else short[:-1]
    return short


def _draw_legend(canvas: _Canvas, items: list[_LegendItem], palette: Palette, left_taken: int) -> tuple[str, ...]:
    """Write the legend right-aligned on row 0; returns the labels shown."""
    # One free column on each side: the y label on the left, the pane's neighbour on the right.
    chosen = _fit_legend(items, canvas.width - left_taken - 2)
    if not chosen:
        return ()
    col = canvas.width - 1 - _legend_width(chosen)
    for i, (samples, label) in enumerate(chosen):
        if i:
            col += 2
        for glyph, style in samples:
            col = canvas.write(0, col, glyph, style)
        col = canvas.write(0, col, " " + label, palette.chrome)
    return tuple(label for _, label in chosen)


# --------------------------------------------------------------------------- build


def build_frame(data: PlotData | None, step: Step | None, width: int, height: int, mode: ColourMode) -> Frame:
    """Draw ``step`` over ``data`` on a pane of ``width`` x ``height`` cells.

    The result depends only on the arguments, so a frame can be cached and
    stepping back shows exactly what was shown before.

    Parameters
    ----------
    data : PlotData or None
        None draws an empty pane.
    step : Step or None
        None draws the plain data.
    width, height : int
        Pane size in cells; sizes below 1 give an empty frame.
    mode : ColourMode
    """
    width, height = max(int(width), 0), max(int(height), 0)
    if width == 0 or height == 0:
        return Frame([Strip([], 0)] * height, width, height, step, (), (0, 0, 0, 0))
    palette = palette_for(mode)
    canvas = _Canvas(width, height)
    if data is None:
        return Frame(canvas.to_strips(), width, height, step, (), (0, 0, width, height))

    chrome = _chrome(data.viewport, data.axis_labels, width, height)
    canvas.chars[:] = chrome.chars
    left, top, area_w, area_h = chrome.plot_area
    legend: tuple[str, ...] = ()
    if area_w > 0 and area_h > 0:
        groups = _groups(step, data.n_samples, palette)
        visible, occupied = _draw_points(canvas, data, groups, (left, top, area_w, area_h))
        if step is not None:
            _draw_shapes(canvas, data, step, palette, (left, top, area_w, area_h), occupied)
        if chrome.plot_area != (0, 0, width, height):  # there is a row for the legend
            y_label_end = len(data.axis_labels[1]) + 1 if data.axis_labels[1] else 0
            items = _legend_items(step, groups, visible, palette)
            legend = _draw_legend(canvas, items, palette, y_label_end)
    return Frame(canvas.to_strips(), width, height, step, legend, (left, top, area_w, area_h))


def _draw_points(
    canvas: _Canvas, data: PlotData, groups: _Groups, area: tuple[int, int, int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Draw one mark per occupied cell.

    Returns
    -------
    visible : ndarray of shape (n_groups,), bool
        Groups with at least one mark on screen.
    occupied : ndarray of shape (area height, area width), bool
        Cells of the plot area that show a point, top row first.
    """
    left, top, area_w, area_h = area
    n_groups = len(groups.glyphs)
    winner = data.winners(area_w, area_h, groups.codes, n_groups, groups.rank)
    # Cell rows count from the bottom; screen rows from the top.
    winner = winner.reshape(area_h, area_w)[::-1]
    shown = winner >= 0
    visible = np.zeros(n_groups, dtype=bool)
    if not shown.any():
        return visible, shown
    glyphs = np.array(groups.glyphs, dtype="<U1")
    style_ids = np.array([canvas.style_id(s) for s in groups.styles], dtype=np.int32)
    region = (slice(top, top + area_h), slice(left, left + area_w))
    chars = canvas.chars[region]
    ids = canvas.style_ids[region]
    picked = winner[shown]
    chars[shown] = glyphs[picked]
    ids[shown] = style_ids[picked]
    visible[picked] = True
    return visible, shown


def _crowded(occupied: np.ndarray) -> np.ndarray:
    """Cells whose 3 x 3 neighbourhood is mostly points (at least 6 of 9), shape as ``occupied``."""
    padded = np.pad(occupied, 1).astype(np.int8)
    h, w = occupied.shape
    around = sum(padded[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3))
    return around >= 6


def _draw_shapes(
    canvas: _Canvas,
    data: PlotData,
    step: Step,
    palette: Palette,
    area: tuple[int, int, int, int],
    occupied: np.ndarray,
) -> None:
    """Ellipses and trails in braille, then centres on top.

    Trails are drawn over points. An ellipse outline gives way to a point in
    a sparse neighbourhood (the point is the data; the line goes on around
    it) but is drawn over points where they are crowded, so that it still
    shows through a solid mass of points.
    """
    left, top, area_w, area_h = area
    projection = data.dataset.projection
    # polyline, style, dash, thick, drawn over points even where they are sparse
    lines: list[tuple[np.ndarray, Style, float, bool, bool]] = []
    centres = projection.points(np.asarray(step.centers, dtype=np.float64)) if step.centers is not None else None
    if centres is not None and step.covariances is not None and step.covariance_type is not None:
        k, d = step.centers.shape
        covs = full_covariances(step.covariances, step.covariance_type, k, d)
        covs2 = projection.covariances(covs)
        for c in range(k):
            if not (np.isfinite(covs2[c]).all() and np.isfinite(centres[c]).all()):
                continue  # a component that broke down has no shape to draw
            style = palette.line(c)
            lines.append((ellipse_outline(centres[c], covs2[c], 2.0), style, _DASH, False, False))
            lines.append((ellipse_outline(centres[c], covs2[c], 1.0), style, 0.0, False, False))
    if centres is not None and step.previous_centers is not None:
        previous = projection.points(np.asarray(step.previous_centers, dtype=np.float64))
        for c, segment in enumerate(trail_segments(previous, centres)):
            lines.append((segment, palette.line(c), 0.0, True, True))
    if lines:
        n_cells = area_w * area_h
        bits = np.zeros(n_cells, dtype=np.uint8)
        owner = np.zeros(n_cells, dtype=np.int32)
        forced = np.zeros(n_cells, dtype=bool)
        for polyline, style, dash, thick, over_points in lines:
            cells, pattern = braille_dots(polyline, data.viewport, area_w, area_h, dash=dash, thick=thick)
            bits[cells] |= pattern
            owner[cells] = canvas.style_id(style)
            if over_points:
                forced[cells] = True
        # Braille grids count rows from the bottom; the screen from the top.
        bits = bits.reshape(area_h, area_w)[::-1]
        owner = owner.reshape(area_h, area_w)[::-1]
        forced = forced.reshape(area_h, area_w)[::-1]
        drawn = (bits > 0) & (forced | ~occupied | _crowded(occupied))
        region = (slice(top, top + area_h), slice(left, left + area_w))
        canvas.chars[region][drawn] = _BRAILLE_CHARS[bits[drawn]]
        canvas.style_ids[region][drawn] = owner[drawn]
    if centres is not None:
        marker = MEAN_MARKER if step.algorithm == "gmm" else CENTRE_MARKER
        cells = cell_index(centres, data.viewport, area_w, area_h)
        for c, cell in enumerate(cells.tolist()):
            if cell < 0:
                continue  # a centre outside the steady axes is not drawn
            row = top + area_h - 1 - cell // area_w
            col = left + cell % area_w
            # Caps first, then the centre itself, so a neighbouring centre's cap never hides it.
            if col - 1 >= left:
                canvas.write(row, col - 1, CENTRE_CAPS[0], palette.centre_cap(c))
            if col + 1 < left + area_w:
                canvas.write(row, col + 1, CENTRE_CAPS[1], palette.centre_cap(c))
        for c, cell in enumerate(cells.tolist()):
            if cell >= 0:
                row = top + area_h - 1 - cell // area_w
                canvas.write(row, left + cell % area_w, marker, palette.centre(c))
