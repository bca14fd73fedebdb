"""The dendrogram drawn with line characters, a cut line across it, in a grid of cells.

Pure layout: from a :class:`~tuiclust.analysis.dendrogram.Dendrogram` and a
size, :func:`draw_dendrogram` returns one ``rich.text.Text`` per row. The
canvas has four parts that never overlap, so no label covers a line:

* a left column of height labels (merge distance) and the axis, where the
  cut's own height replaces the tick on its row, reversed;
* the plot: every link a bar between its two children's legs, drawn by
  joining the directions that meet in each cell (``┌ ┐ ┴ ┬ │ ─ ┼``);
* a right gutter of one cell: ``◂`` on the row of the suggested cut;
* a bottom row with the points under each grouped leaf, where it fits.

The cut is a dashed line (``╌``) on the empty cells of its row and ``┼``
where it crosses a leg; colour only adds to these shapes, so the figure
reads with ``NO_COLOR``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from rich.style import Style
from rich.text import Text

from ...analysis.dendrogram import Dendrogram
from ...core.agglomerative_story import format_distance
from .formatting import nice_ticks

__all__ = ["LABEL_WIDTH", "LEAF_SPACING", "DendrogramStyles", "draw_dendrogram", "leaves_for_width"]

#: Cells of the height labels and the axis on the left ("  12.35 ┤").
LABEL_WIDTH = 9
#: Cells per shown leaf at least: a leg, and room between legs for the bars to read as separate.
LEAF_SPACING = 3
_GUTTER = 1
_MAX_LEAVES = 60

# Directions meeting in a cell, as bits, and the box character for each combination.
_UP, _DOWN, _LEFT, _RIGHT = 1, 2, 4, 8
_BOX = {
    0: " ",
    _UP: "╵",
    _DOWN: "╷",
    _LEFT: "╴",
    _RIGHT: "╶",
    _UP | _DOWN: "│",
    _LEFT | _RIGHT: "─",
    _DOWN | _RIGHT: "┌",
    _DOWN | _LEFT: "┐",
    _UP | _RIGHT: "└",
    _UP | _LEFT: "┘",
    _UP | _LEFT | _RIGHT: "┴",
    _DOWN | _LEFT | _RIGHT: "┬",
    _UP | _DOWN | _RIGHT: "├",
    _UP | _DOWN | _LEFT: "┤",
    _UP | _DOWN | _LEFT | _RIGHT: "┼",
}
CUT_DASH = "╌"
CUT_CROSS = "┼"
SUGGESTION_MARK = "◂"


@dataclass(frozen=True)
class DendrogramStyles:
    """How the parts are drawn: plain lines, the cut, the suggestion, labels (plain shapes without colour)."""

    line: Style = field(default_factory=Style)
    cut: Style = field(default_factory=lambda: Style(bold=True))
    cut_label: Style = field(default_factory=lambda: Style(bold=True, reverse=True))
    suggestion: Style = field(default_factory=lambda: Style(bold=True))
    label: Style = field(default_factory=lambda: Style(dim=True))


def leaves_for_width(width: int, n_leaves: int) -> int:
    """Leaves to show (scipy's ``p``) in a canvas ``width`` cells wide: at least 2, at most the points."""
    plot = max(width - LABEL_WIDTH - _GUTTER, 2)
    return int(max(2, min(n_leaves, plot // LEAF_SPACING, _MAX_LEAVES)))


def draw_dendrogram(
    tree: Dendrogram,
    width: int,
    height: int,
    *,
    cut: float | None = None,
    suggested: float | None = None,
    styles: DendrogramStyles | None = None,
) -> list[Text]:
    """The dendrogram in ``height`` rows of ``width`` cells.

    Parameters
    ----------
    tree : Dendrogram
        The top of the tree, at most about ``(width - 10) / 3`` leaves
        (:func:`leaves_for_width`).
    width, height : int
        Cells; at least 20 x 6 draws a figure, less gives blank rows.
    cut : float, optional
        Height of the cut line.
    suggested : float, optional
        Height of the suggested cut, marked in the right gutter.
    styles : DendrogramStyles, optional

    Returns
    -------
    list of Text
        ``height`` rows, each exactly ``width`` cells.
    """
    styles = styles or DendrogramStyles()
    plot_w = width - LABEL_WIDTH - _GUTTER
    plot_h = height - 1  # the last row holds the leaf counts
    if plot_w < 2 * tree.p or plot_h < 4:
        return [Text(" " * width) for _ in range(height)]

    top = float(max(tree.heights.max(initial=0.0), cut or 0.0, suggested or 0.0))
    top = top * 1.04 if top > 0 else 1.0

    def row(h: float) -> int:
        return int(plot_h - 1 - round(min(max(h / top, 0.0), 1.0) * (plot_h - 1)))

    spacing = plot_w / tree.p

    def col(x: float) -> int:
        return int(min(plot_w - 1, (x + 0.5) * spacing))

    mask = np.zeros((plot_h, plot_w), dtype=np.int8)

    def leg(c: int, bottom: int, top_row: int) -> None:
        """A vertical leg from row ``bottom`` up to the bar on ``top_row`` (bottom > top_row)."""
        if bottom <= top_row:
            return
        mask[bottom, c] |= _UP
        mask[top_row + 1 : bottom, c] |= _UP | _DOWN
        mask[top_row, c] |= _DOWN

    # The bottom row is where the leaves stand: every bar sits above it, however low its merge.
    def bar_row(h: float) -> int:
        return min(row(h), plot_h - 2)

    def foot_row(h: float) -> int:
        return plot_h - 1 if h <= 0.0 else bar_row(h)

    for (xl, xr), h, (fl, fr) in zip(
        tree.link_x.tolist(), tree.link_heights.tolist(), tree.link_child_heights.tolist()
    ):
        r = bar_row(h)
        cl, cr = col(xl), col(xr)
        leg(cl, foot_row(fl), r)
        leg(cr, foot_row(fr), r)
        mask[r, cl] |= _RIGHT
        mask[r, cr] |= _LEFT
        if cr - cl > 1:
            mask[r, cl + 1 : cr] |= _LEFT | _RIGHT
    root_row = bar_row(float(tree.link_heights.max(initial=0.0)))
    root_col = col(float(tree.link_center[-1])) if tree.p > 1 else col(0.0)
    if root_row > 0:
        mask[root_row, root_col] |= _UP  # a stub above the root, as scipy draws none but it reads as "the top"

    bar_rows = np.array([bar_row(h) for h in tree.link_heights.tolist()], dtype=np.int64)

    def between(h: float) -> int:
        """The row of a cut at ``h``, moved off the bars where there is room: the bars it undoes above, the rest below."""
        r = row(h)
        above = bar_rows[tree.link_heights >= h]
        below = bar_rows[tree.link_heights < h]
        lowest_above = int(above.max()) if above.size else -1
        highest_below = int(below.min()) if below.size else plot_h
        if highest_below - lowest_above >= 2:
            r = min(max(r, lowest_above + 1), highest_below - 1)
        return r

    cut_row = between(cut) if cut is not None else None
    suggestion_row = between(suggested) if suggested is not None else None
    ticks = _tick_rows(top, plot_h, row)

    lines: list[Text] = []
    for r in range(plot_h):
        text = Text(no_wrap=True)
        if r == cut_row and cut is not None:
            label = f"{format_distance(cut):>{LABEL_WIDTH - 2}.{LABEL_WIDTH - 2}}"
            text.append(label, style=styles.cut_label)
            text.append(" ┼", style=styles.cut)
        elif r in ticks:
            text.append(f"{ticks[r]:>{LABEL_WIDTH - 2}.{LABEL_WIDTH - 2}} ", style=styles.label)
            text.append("┤", style=styles.label)
        else:
            text.append(" " * (LABEL_WIDTH - 1))
            text.append("│", style=styles.label)
        cells = mask[r].tolist()
        if r == cut_row:
            for m in cells:
                if m & (_UP | _DOWN) == (_UP | _DOWN) and not m & (_LEFT | _RIGHT):
                    text.append(CUT_CROSS, style=styles.cut)
                elif m == 0:
                    text.append(CUT_DASH, style=styles.cut)
                else:
                    text.append(_BOX[m], style=styles.line)
        else:
            text.append("".join(_BOX[m] for m in cells), style=styles.line)
        text.append(SUGGESTION_MARK if r == suggestion_row else " ", style=styles.suggestion)
        lines.append(text)
    lines.append(_count_row(tree, width, col, styles))
    return lines


def _tick_rows(top: float, plot_h: int, row: Callable[[float], int]) -> dict[int, str]:
    """Rows of about five round heights from 0 to the top, with their labels."""
    values, labels = nice_ticks(0.0, top, max(2, min(5, plot_h // 3)))
    ticks: dict[int, str] = {}
    for value, label in zip(values, labels):
        ticks.setdefault(row(value), label)
    return ticks


def _count_row(tree: Dendrogram, width: int, col: Callable[[float], int], styles: DendrogramStyles) -> Text:
    """Under each grouped leaf, the points it holds (``(12)``, ``1.2k``), where it fits without touching another."""
    cells = [" "] * width
    taken_until = LABEL_WIDTH - 1  # the first free cell
    for slot, count in enumerate(tree.leaf_counts.tolist()):
        label = _count_label(int(count))
        centre = LABEL_WIDTH + col(float(slot))
        start = centre - (len(label) - 1) // 2
        end = start + len(label)
        if start <= taken_until or end > width - 1:
            continue
        cells[start:end] = label
        taken_until = end
    return Text("".join(cells), style=styles.label, no_wrap=True)


def _count_label(count: int) -> str:
    """``"·"`` for one point, else the count (``12``, ``1.2k``, ``40k``)."""
    if count == 1:
        return "·"
    if count < 1000:
        return str(count)
    if count < 10_000:
        return f"{count / 1000:.1f}k"
    return f"{count // 1000}k"
