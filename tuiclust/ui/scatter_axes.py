"""The axes of the scatter pane: frame, ticks and labels, drawn by plotext.

They depend only on the axis limits, the axis labels and the pane size, so
they are built once per size and shared by every frame (and every thread:
each build uses its own plotext figure, since figures are not thread-safe).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from textual_plotext.plot import Plot

from .raster import Viewport

__all__ = ["MIN_AXES_SIZE", "Axes", "axes_for", "nice_ticks"]

MIN_AXES_SIZE = (24, 8)  # below this, the plot area fills the pane: no axes, no legend


@dataclass(frozen=True)
class Axes:
    """The pane's background: axes, ticks and labels, with a hole for the points.

    Attributes
    ----------
    chars : ndarray of shape (height, width), '<U1', read-only
        Row 0 (the top) is left free for the y label and the legend.
    plot_area : tuple of 4 int
        (left, top, width, height) of the area inside the axes, in cells.
    """

    chars: np.ndarray
    plot_area: tuple[int, int, int, int]


_AXES_CACHE: OrderedDict[tuple, Axes] = OrderedDict()
_AXES_LOCK = threading.Lock()


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


def axes_for(viewport: Viewport, axis_labels: tuple[str, str], width: int, height: int) -> Axes:
    """The axes for a pane of ``width`` x ``height`` cells (cached per size)."""
    key = (viewport, axis_labels, width, height)
    with _AXES_LOCK:
        chrome = _AXES_CACHE.get(key)
        if chrome is not None:
            _AXES_CACHE.move_to_end(key)
            return chrome
    chrome = _build_axes(viewport, axis_labels, width, height)
    with _AXES_LOCK:
        _AXES_CACHE[key] = chrome
        while len(_AXES_CACHE) > 16:
            _AXES_CACHE.popitem(last=False)
    return chrome


def _build_axes(viewport: Viewport, axis_labels: tuple[str, str], width: int, height: int) -> Axes:
    chars = np.full((height, width), " ", dtype="<U1")
    if width < MIN_AXES_SIZE[0] or height < MIN_AXES_SIZE[1]:
        chars.flags.writeable = False
        return Axes(chars, (0, 0, width, height))
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
    return Axes(chars, (left, top, max(area_width, 0), max(area_height, 0)))


def _put(chars: np.ndarray, row: int, col: int, text: str) -> None:
    for i, ch in enumerate(text):
        if 0 <= col + i < chars.shape[1]:
            chars[row, col + i] = ch
