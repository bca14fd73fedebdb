"""A small scatter plot of a clustering in a few character cells (the comparison grid's cells).

With colours, every cell is a braille character (2 x 4 dots) in the colour
of the cluster with most points there, so the shape of the data shows even
in a 20 x 5 box. Without colours (NO_COLOR) a cell shows its cluster's marker
instead, so that clusters still differ. Noise (-1) loses every tie.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

from ..palette import NOISE_MARKER, ColourMode, Palette, cluster_marker
from ..raster import BRAILLE_BASE, Viewport, dominant_group

__all__ = ["braille_cells", "mini_scatter"]

# Bit of each braille dot, indexed [row from the top of the cell, column].
_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.int64)


def _sub_cells(values: np.ndarray, lo: float, hi: float, bins: int) -> np.ndarray:
    """Index of each value among ``bins`` equal slots over [lo, hi] (ends on slot centres)."""
    if bins <= 1 or hi <= lo:
        return np.zeros(values.shape, dtype=np.int64)
    idx = np.floor(0.5 + (bins - 1) * (values - lo) / (hi - lo))
    return np.clip(idx, 0, bins - 1).astype(np.int64)


def braille_cells(points: np.ndarray, viewport: Viewport, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """The cell and braille dot pattern of every point.

    Parameters
    ----------
    points : ndarray of shape (n, 2)
    viewport : Viewport
    width, height : int
        Size in character cells.

    Returns
    -------
    cells : ndarray of shape (n,), int64
        ``row * width + col`` with row 0 at the bottom.
    bits : ndarray of shape (n,), int64
        The dot of each point within its cell.
    """
    u = _sub_cells(points[:, 0], viewport.x_min, viewport.x_max, 2 * width)
    v = _sub_cells(points[:, 1], viewport.y_min, viewport.y_max, 4 * height)
    cells = (v // 4) * width + u // 2
    bits = _BITS[3 - (v % 4), u % 2]
    return cells, bits


def mini_scatter(
    points: np.ndarray,
    labels: np.ndarray,
    width: int,
    height: int,
    palette: Palette,
    viewport: Viewport | None = None,
) -> list[Text]:
    """Draw a clustering in ``width`` x ``height`` cells.

    Parameters
    ----------
    points : ndarray of shape (n, 2)
    labels : ndarray of shape (n,)
        Cluster of each point, -1 for noise.
    width, height : int
        At least 1 each.
    palette : Palette
        Colours (and whether there are any).
    viewport : Viewport, optional
        Axis limits; by default just around the points.

    Returns
    -------
    list of ``height`` Text lines, top line first, each ``width`` cells.
    """
    width, height = max(1, width), max(1, height)
    viewport = viewport or Viewport.around(points, margin=0.03)
    labels = np.asarray(labels)
    k = int(labels.max()) + 1 if labels.size and labels.max() >= 0 else 0
    # Group 0 is noise, group c + 1 is cluster c; noise ranks below every cluster.
    groups = np.where(labels >= 0, labels + 1, 0).astype(np.int64)
    rank = np.ones(k + 1, dtype=np.int64)
    rank[0] = 0
    n_cells = width * height
    cells, bits = braille_cells(points, viewport, width, height)
    winner = dominant_group(cells, groups, k + 1, n_cells, rank=rank)
    pattern = np.zeros(n_cells, dtype=np.int64)
    np.bitwise_or.at(pattern, cells, bits)

    use_markers = palette.mode is ColourMode.NONE
    lines: list[Text] = []
    for row in range(height - 1, -1, -1):
        line = Text(no_wrap=True)
        for col in range(width):
            cell = row * width + col
            group = int(winner[cell])
            if group < 0:
                line.append(" ")
                continue
            if use_markers:
                char = NOISE_MARKER if group == 0 else cluster_marker(group - 1)
            else:
                char = chr(BRAILLE_BASE + int(pattern[cell]))
            style: Style = palette.noise if group == 0 else palette.point(group - 1)
            line.append(char, style=style)
        lines.append(line)
    return lines
