"""Draw HDBSCAN's condensed tree with line characters: a pure function of (layout, size, colours).

Lambda = 1 / distance runs down the left axis from 0 (everything is one
cluster) to the dense end. Every condensed cluster is a vertical branch from
its birth to its death, as wide as the points it still holds (the root
spans the plot at the top); where a cluster splits, a horizontal line joins
its children. The selected clusters have heavy edges, a shaded inside and
their label (the scatter's marker and number) beside them; labels go into
empty cells only, so they never cover a branch.

The axis is cut where most points have left their clusters (the densest few
percent would otherwise squeeze every split into the top rows); branches
that go on below end at the bottom row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rich.style import Style
from rich.text import Text

from ...analysis.condensed_tree import CondensedTreeLayout
from ..palette import Palette, cluster_marker
from .formatting import nice_ticks

__all__ = ["TreePicture", "axis_bottom", "draw_condensed_tree"]

_AXIS_WIDTH = 8  # "  12.5 ┤": the tick labels and the axis line
_POINTS_SHOWN = 0.9  # the axis ends where this share of the points has left the tree
_FILL = "▒"


@dataclass(frozen=True)
class TreePicture:
    """A drawn tree.

    Attributes
    ----------
    text : rich Text
        ``height`` lines of ``width`` cells.
    chars : ndarray of shape (height, width), str
        The characters, for tests.
    label_cells : dict of int to (row, col)
        Where each selected cluster's label starts (by its label number).
    bars : dict of int to dict of int to (int, int)
        Each selected cluster's bar (by its label number): row -> first and last column.
    lambda_bottom : float
        Lambda at the bottom row.
    """

    text: Text
    chars: np.ndarray
    label_cells: dict[int, tuple[int, int]]
    lambda_bottom: float
    bars: dict[int, dict[int, tuple[int, int]]] = field(default_factory=dict)


def axis_bottom(layout: CondensedTreeLayout) -> float:
    """Lambda at the bottom of the plot: every split shows, and most points have left.

    Parameters
    ----------
    layout : CondensedTreeLayout
    """
    lams, gone = [], []
    for lam, count in zip(layout.profile_lambda, layout.profile_count):
        if lam.size > 1:
            lams.append(lam[1:])
            gone.append(-np.diff(count))
        lams.append(lam[:1])
        gone.append(np.zeros(1, dtype=np.intp))
    all_lams = np.concatenate(lams)
    weights = np.concatenate(gone).astype(np.float64)
    bottom = 0.0
    if weights.sum() > 0:
        order = np.argsort(all_lams, kind="stable")
        share = np.cumsum(weights[order]) / weights.sum()
        bottom = float(all_lams[order][min(np.searchsorted(share, _POINTS_SHOWN), order.size - 1)])
    splits = layout.birth[1:]
    if splits.size:
        bottom = max(bottom, float(splits.max()) * 1.15)
    if not np.isfinite(bottom) or bottom <= 0:
        bottom = layout.max_lambda if np.isfinite(layout.max_lambda) and layout.max_lambda > 0 else 1.0
    return min(bottom, layout.max_lambda) if layout.max_lambda > 0 else bottom


class _Grid:
    def __init__(self, height: int, width: int) -> None:
        self.chars = np.full((height, width), " ", dtype="<U1")
        self.styles: list[list[Style | None]] = [[None] * width for _ in range(height)]

    def put(self, row: int, col: int, ch: str, style: Style | None) -> None:
        if 0 <= row < self.chars.shape[0] and 0 <= col < self.chars.shape[1]:
            self.chars[row, col] = ch
            self.styles[row][col] = style

    def write(self, row: int, col: int, text: str, style: Style | None) -> None:
        for i, ch in enumerate(text):
            self.put(row, col + i, ch, style)

    def free(self, row: int, col: int, length: int) -> bool:
        h, w = self.chars.shape
        if not (0 <= row < h and 0 <= col and col + length <= w):
            return False
        return bool((self.chars[row, col : col + length] == " ").all())

    def text(self) -> Text:
        out = Text()
        h, w = self.chars.shape
        for r in range(h):
            if r:
                out.append("\n")
            row, styles = self.chars[r], self.styles[r]
            start = 0
            for c in range(1, w + 1):
                if c == w or styles[c] is not styles[start]:
                    out.append("".join(row[start:c].tolist()), styles[start] or "")
                    start = c
        return out


def draw_condensed_tree(
    layout: CondensedTreeLayout,
    selected_labels: dict[int, int],
    width: int,
    height: int,
    palette: Palette,
) -> TreePicture:
    """Draw ``layout`` in ``width`` x ``height`` cells.

    Parameters
    ----------
    layout : CondensedTreeLayout
    selected_labels : dict of int to int
        Position of a selected cluster in ``layout`` -> its label in the
        flat clustering (0, 1, ...), which gives its marker and colour.
    width, height : int
        At least 20 x 6 for a drawing; smaller gives a one-line note.
    palette : Palette
        The colour mode's palette (NO_COLOR: heavy lines, shading and labels carry it).
    """
    width, height = max(int(width), 1), max(int(height), 1)
    grid = _Grid(height, width)
    if width < 20 or height < 6 or layout.n_clusters == 0:
        grid.write(0, 0, "too small for the tree"[:width], palette.chrome)
        return TreePicture(grid.text(), grid.chars, {}, 0.0)
    plot_w = width - _AXIS_WIDTH - 1
    rows = height - 1  # the top line holds the axis title
    bottom = axis_bottom(layout)
    per_row = bottom / rows
    n_points = max(int(layout.size[0]), 1)
    axis = palette.chrome
    grid.write(0, 0, "λ = 1/distance, denser ↓"[:width], axis)
    for r in range(rows):
        grid.put(1 + r, _AXIS_WIDTH - 1, "│", axis)
    n_ticks = max(2, min(6, rows // 3))
    ticks, labels = nice_ticks(0.0, bottom, n_ticks)
    for value, label in zip(ticks, labels):
        r = round(value / per_row) if per_row > 0 else 0
        if 0 <= r < rows:
            grid.write(1 + r, 0, label[: _AXIS_WIDTH - 2].rjust(_AXIS_WIDTH - 2), axis)
            grid.put(1 + r, _AXIS_WIDTH - 1, "┤", axis)

    def row_of(lam: float) -> int:
        return min(int(lam / per_row), rows - 1) if per_row > 0 else 0

    centre = _AXIS_WIDTH + 1 + np.round(layout.x * (plot_w - 1)).astype(int)
    children: dict[int, list[int]] = {}
    for i in range(1, layout.n_clusters):
        children.setdefault(int(layout.parent[i]), []).append(i)
    # Rows of each split: at its lambda, but at least two rows below the split above it, so
    # splits closer than a row apart stay readable (the root keeps one row of its own).
    split_row = np.zeros(layout.n_clusters, dtype=int)
    top_row = np.full(layout.n_clusters, -1, dtype=int)
    for i in range(layout.n_clusters):
        if i:
            top_row[i] = split_row[layout.parent[i]]
        split_row[i] = max(row_of(float(layout.death[i])), top_row[i] + 2)
    line = palette.neutral
    spans: dict[int, dict[int, tuple[int, int]]] = {}  # cluster -> screen row -> (first, last) column of its bar
    for i in range(layout.n_clusters):
        chosen = i in selected_labels
        style = palette.point(selected_labels[i]) if chosen else line
        top = int(top_row[i])
        last = int(split_row[i]) if i in children else max(row_of(float(layout.death[i])) + 1, top + 2)
        for r in range(top + 1, min(last, rows)):
            lam = max(r * per_row, float(layout.birth[i]))
            count = layout.width_at(i, lam) if lam < layout.death[i] else layout.width_at(i, float(layout.birth[i]))
            if count <= 0:
                break
            w = min(max(1, int(0.8 * plot_w * count / n_points)), plot_w)
            # Kept inside the plot: a parent is centred over its children, not over its room.
            left = min(max(int(centre[i]) - w // 2, _AXIS_WIDTH + 1), width - w)
            _bar(grid, 1 + r, left, w, chosen, style)
            spans.setdefault(i, {})[1 + r] = (left, left + w - 1)
        if i in children and split_row[i] < rows:
            _connector(grid, 1 + int(split_row[i]), int(centre[i]), [int(centre[c]) for c in children[i]], line)
    label_cells = _labels(grid, selected_labels, spans, palette)
    bars = {label: spans.get(i, {}) for i, label in selected_labels.items()}
    return TreePicture(grid.text(), grid.chars, label_cells, bottom, bars)


def _bar(grid: _Grid, row: int, left: int, w: int, chosen: bool, style: Style) -> None:
    edge = "┃" if chosen else "│"
    if w == 1:
        grid.put(row, left, edge, style)
        return
    grid.put(row, left, edge, style)
    grid.put(row, left + w - 1, edge, style)
    if chosen:
        for col in range(left + 1, left + w - 1):
            grid.put(row, col, _FILL, style)


def _connector(grid: _Grid, row: int, parent: int, kids: list[int], style: Style) -> None:
    """The split: a line across the children's centres, ┬ above each child, ┴ under the parent."""
    lo, hi = min([parent, *kids]), max([parent, *kids])
    for col in range(lo, hi + 1):
        grid.put(row, col, "─", style)
    for col in kids:
        grid.put(row, col, "┬", style)
    grid.put(row, parent, "┼" if parent in kids else "┴", style)
    grid.put(row, lo, "┌" if lo in kids and lo != parent else grid.chars[row, lo], style)
    grid.put(row, hi, "┐" if hi in kids and hi != parent else grid.chars[row, hi], style)


def _labels(
    grid: _Grid, selected_labels: dict[int, int], spans: dict[int, dict[int, tuple[int, int]]], palette: Palette
) -> dict[int, tuple[int, int]]:
    """Each selected cluster's marker and number beside one of its first rows, in free cells only.

    A blank cell stays between the label and its own bar, and on its other
    side, so a label never touches, let alone covers, any branch.
    """
    placed: dict[int, tuple[int, int]] = {}
    for i, label in sorted(selected_labels.items(), key=lambda item: item[1]):
        text = f"{cluster_marker(label)}{label}"
        for row, (first, last) in sorted(spans.get(i, {}).items())[:4]:
            for col in (last + 2, first - 1 - len(text)):
                if col > _AXIS_WIDTH and grid.free(row, col - 1, len(text) + 2):
                    grid.write(row, col, text, palette.highlighted_point(label))
                    placed[label] = (row, col)
                    break
            if label in placed:
                break
    return placed
