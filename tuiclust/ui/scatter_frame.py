"""Build one frame of the scatter pane: a pure function of (data, step, size, colour mode).

A frame is a list of Textual ``Strip`` objects, one per row, ready to show.
Building one touches no widget and no app, so it can run in any thread; the
pane (:mod:`tuiclust.ui.scatter`) decides where and when.

How a frame is made
-------------------
1. *Axes* (frame, ticks, labels) come from plotext
   (:mod:`tuiclust.ui.scatter_axes`), built once per size and shared.
2. *Points* are grouped by cluster and kind (:mod:`tuiclust.ui.scatter_groups`)
   and binned onto the plot area's cells with numpy
   (:mod:`tuiclust.ui.scatter_data`, :mod:`tuiclust.ui.raster`): each cell
   shows one mark, that of the group that matters most there. The cost is
   bounded by the pane, not by the number of points.
3. *Shapes* (K-Means trails, GMM ellipses) are drawn in braille dots, and
   centres on top of everything.
4. The *legend* (:mod:`tuiclust.ui.scatter_legend`) names what is on screen.
5. The character grid is cut into runs of one style per row: the strips.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ..core.steps import Step
from .overlay import NO_OVERLAY, Overlay
from .palette import CENTRE_CAPS, CENTRE_MARKER, MEAN_MARKER, ColourMode, Palette, cluster_marker, palette_for
from .raster import BRAILLE_BASE, braille_dots, cell_index
from .scatter_axes import axes_for
from .scatter_data import PlotData
from .scatter_groups import PointGroups, point_groups
from .scatter_legend import LegendItem, fit_legend, legend_items, legend_width
from .scatter_overlay import draw_circles, draw_hands, draw_regions
from .shapes import ellipse_outline, trail_segments

__all__ = ["Frame", "PlotData", "build_frame"]

_BRAILLE_CHARS = np.array([chr(BRAILLE_BASE + i) for i in range(256)])


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


def _draw_legend(canvas: _Canvas, items: list[LegendItem], palette: Palette, left_taken: int) -> tuple[str, ...]:
    """Write the legend right-aligned on row 0; returns the labels shown."""
    # One free column on each side: the y label on the left, the pane's neighbour on the right.
    chosen = fit_legend(items, canvas.width - left_taken - 2)
    if not chosen:
        return ()
    col = canvas.width - 1 - legend_width(chosen)
    for i, (samples, label) in enumerate(chosen):
        if i:
            col += 2
        for glyph, style in samples:
            col = canvas.write(0, col, glyph, style)
        col = canvas.write(0, col, " " + label, palette.chrome)
    return tuple(label for _, label in chosen)


def build_frame(
    data: PlotData | None,
    step: Step | None,
    width: int,
    height: int,
    mode: ColourMode,
    overlay: Overlay = NO_OVERLAY,
) -> Frame:
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
    overlay : Overlay
        Regions, the inspector's cursor and box, eps-circles, centres placed by hand.
    """
    width, height = max(int(width), 0), max(int(height), 0)
    if width == 0 or height == 0:
        return Frame([Strip([], 0)] * height, width, height, step, (), (0, 0, 0, 0))
    palette = palette_for(mode)
    canvas = _Canvas(width, height)
    if data is None:
        return Frame(canvas.to_strips(), width, height, step, (), (0, 0, width, height))

    chrome = axes_for(data.viewport, data.axis_labels, width, height)
    canvas.chars[:] = chrome.chars
    left, top, area_w, area_h = chrome.plot_area
    legend: tuple[str, ...] = ()
    if area_w > 0 and area_h > 0:
        groups = point_groups(step, data.n_samples, palette)
        visible, occupied = _draw_points(canvas, data, groups, (left, top, area_w, area_h))
        area = (left, top, area_w, area_h)
        if step is not None and step.edges is not None:
            _draw_edges(canvas, data, step, palette, area, occupied)
        centres = None
        if step is not None:
            centres = _draw_shapes(canvas, data, step, palette, area, occupied)
        if overlay.regions and centres is not None and step is not None and step.algorithm == "kmeans":
            draw_regions(canvas, centres, data.viewport, palette, area)
        draw_circles(canvas, overlay, data.viewport, palette, area)
        if centres is not None and step is not None:
            _draw_centres(canvas, data, step, centres, palette, area)
        draw_hands(canvas, overlay, data.viewport, palette, area)
        if chrome.plot_area != (0, 0, width, height):  # there is a row for the legend
            y_label_end = len(data.axis_labels[1]) + 1 if data.axis_labels[1] else 0
            items = legend_items(step, groups, visible, palette)
            if overlay.circles:
                items.append(LegendItem((("⢎⡱", Style(bold=True)),), "eps around a point", "eps"))
            legend = _draw_legend(canvas, items, palette, y_label_end)
    return Frame(canvas.to_strips(), width, height, step, legend, (left, top, area_w, area_h))


def _draw_points(
    canvas: _Canvas, data: PlotData, groups: PointGroups, area: tuple[int, int, int, int]
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


def _draw_edges(
    canvas: _Canvas, data: PlotData, step: Step, palette: Palette, area: tuple[int, int, int, int], occupied: np.ndarray
) -> None:
    """HDBSCAN's spanning-tree edges, in the empty cells of the plot area (points stay on top)."""
    from .scatter_hdbscan import draw_edges, edge_layers

    left, top, area_w, area_h = area
    layers = edge_layers(step, data.points, data.viewport, area_w, area_h, palette)
    region = (slice(top, top + area_h), slice(left, left + area_w))
    ids = [(cells, bits, canvas.style_id(style)) for cells, bits, style in layers]
    draw_edges(canvas.chars[region], canvas.style_ids[region], occupied, ids)


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
) -> np.ndarray | None:
    """Ellipses and trails in braille; returns the step's centres in plot units (None without).

    Trails and GMM ellipses are drawn over points. Other lines give way to a
    point in a sparse neighbourhood but are drawn over points where they are
    crowded, so that they still show through a solid mass of points.
    """
    left, top, area_w, area_h = area
    projection = data.dataset.projection
    # polyline, style, dash, thick, drawn over points even where they are sparse
    lines: list[tuple[np.ndarray, Style, float, bool, bool]] = []
    centres = projection.points(np.asarray(step.centers, dtype=np.float64)) if step.centers is not None else None
    if centres is not None and step.covariances is not None and step.covariance_type is not None:
        k = step.centers.shape[0]
        # Projected as stored: diag covariances on 10,000 columns never become k x d x d.
        covs2 = projection.covariances(step.covariances, step.covariance_type, k)
        for c in range(k):
            if not (np.isfinite(covs2[c]).all() and np.isfinite(centres[c]).all()):
                continue  # a component that broke down has no shape to draw
            # Over the points and unbroken, so a student can follow each one; the
            # 2-sigma ellipse is fainter, and drawn first so the 1-sigma one owns shared cells.
            faint, bold = palette.outline(c, faint=True), palette.outline(c)
            lines.append((ellipse_outline(centres[c], covs2[c], 2.0), faint, 0.0, False, True))
            lines.append((ellipse_outline(centres[c], covs2[c], 1.0), bold, 0.0, False, True))
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
    return centres


def _draw_centres(
    canvas: _Canvas, data: PlotData, step: Step, centres: np.ndarray, palette: Palette, area: tuple[int, int, int, int]
) -> None:
    """Centres (K-Means) and means (GMM) on top of everything, each a reversed pill.

    With NO_COLOR each centre carries its cluster's marker, so which group owns
    which centre still reads; GMM means are numbered after the pill.
    """
    left, top, area_w, area_h = area
    gmm = step.algorithm == "gmm"
    no_colour = palette.mode is ColourMode.NONE
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
        if cell < 0:
            continue
        row = top + area_h - 1 - cell // area_w
        col = left + cell % area_w
        marker = cluster_marker(c) if no_colour else MEAN_MARKER if gmm else CENTRE_MARKER
        canvas.write(row, col, marker, palette.centre(c))
        if gmm:
            label = str(c)
            if col + 2 + len(label) <= left + area_w:
                canvas.write(row, col + 2, label, palette.highlighted_point(c))
